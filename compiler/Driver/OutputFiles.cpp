//===- OutputFiles.cpp - where seqc writes what it emits -----------------===//

#include "compiler/Driver/OutputFiles.h"

#include "compiler/Target/HeaderEmission.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;

namespace seqc {

int OutputFiles::fail(const llvm::Twine &message) {
  errs << "seqc: error: " << message << "\n";
  return 1;
}

/// The extensions of the file --emit=KIND writes first, as a user may
/// write it after -o (the first is the one seqc gives it).
static llvm::SmallVector<llvm::StringRef, 2> firstExtensions(EmitKind emit) {
  switch (emit) {
  case EmitKind::MLIR:
    return {".mlir"};
  case EmitKind::Lowered:
    return {".lowered.mlir", ".mlir"};
  case EmitKind::Header:
    return {".h"};
  case EmitKind::PTX:
    return {".ptx"};
  case EmitKind::LLVMIR:
    return {".ll"};
  case EmitKind::Assembly:
    return {".s"};
  case EmitKind::Shared:
    return {".so"};
  case EmitKind::Object:
  case EmitKind::Default:
    return {".o"};
  }
  return {};
}

std::string OutputFiles::path(llvm::StringRef extension) const {
  std::string base = options.outputBase;
  // `-o -` sends text to stdout; files (the weights of --external-weights)
  // are named after the input then, as without -o (not "-.safetensors").
  if (base.empty() || base == "-")
    return llvm::sys::path::stem(options.inputPath).str() + extension.str();
  // -o BASE names files BASE.so, BASE.h, ...; one given with the file's
  // extension (`-o m.so --emit=shared`) is that file, not m.so.so, and
  // the others are named after it (m.o: m.h).
  llvm::SmallVector<llvm::StringRef, 2> given = firstExtensions(options.emit);
  for (llvm::StringRef written : given)
    if (llvm::StringRef(base).ends_with(written) &&
        base.size() > written.size()) {
      if (extension == given.front())
        return base;
      base.resize(base.size() - written.size());
      break;
    }
  return base + extension.str();
}

std::string OutputFiles::textTarget(llvm::StringRef extension,
                                    bool toStdoutByDefault) const {
  if (options.outputBase == "-" ||
      (options.outputBase.empty() && toStdoutByDefault))
    return "-";
  return path(extension);
}

std::string OutputFiles::codeTarget() const {
  if (options.outputBase.empty() || options.outputBase == "-")
    return "-";
  return path(options.emit == EmitKind::LLVMIR ? ".ll" : ".s");
}

/// `path` as Makefile syntax (and Ninja's depfile reader) writes a file
/// name: a space or '#' escaped with a backslash, '$' doubled.
static std::string makeEscaped(llvm::StringRef path) {
  std::string escaped;
  for (char c : path) {
    if (c == ' ' || c == '#')
      escaped += '\\';
    if (c == '$')
      escaped += '$';
    escaped += c;
  }
  return escaped;
}

LogicalResult OutputFiles::writeDepfile(ArrayRef<std::string> inputs) {
  if (options.depfilePath.empty())
    return success();
  // (runDriver refuses a depfile when everything goes to stdout.)
  std::vector<std::string> outputs = plannedPaths();
  std::string rule = makeEscaped(outputs.front()) + ":";
  for (const std::string &input : inputs)
    rule += " " + makeEscaped(input);
  rule += "\n";
  std::error_code error;
  llvm::raw_fd_ostream os(options.depfilePath, error);
  if (!error) {
    os << rule;
    os.close();
    error = os.error();
  }
  if (error) {
    fail("cannot write " + options.depfilePath + ": " + error.message());
    return failure();
  }
  return success();
}

std::vector<std::string> OutputFiles::plannedPaths() const {
  std::vector<std::string> paths;
  switch (options.emit) {
  case EmitKind::MLIR:
    paths = {textTarget(".mlir", true)};
    break;
  case EmitKind::Header:
    paths = {textTarget(".h", true)};
    break;
  case EmitKind::PTX:
    paths = {textTarget(".ptx", true)};
    break;
  case EmitKind::Lowered:
    paths = {textTarget(".lowered.mlir", true)};
    break;
  case EmitKind::LLVMIR:
  case EmitKind::Assembly:
    paths = {codeTarget()};
    break;
  case EmitKind::Object:
    paths = {path(".o")};
    break;
  case EmitKind::Shared:
    paths = {path(".so")};
    break;
  case EmitKind::Default:
    paths = {path(".o"), textTarget(".h", false)};
    break;
  }
  if (options.externalWeights && getLastPhase(options.emit) > Phase::ModelABI)
    paths.push_back(path(".safetensors"));
  llvm::erase(paths, "-");
  return paths;
}

LogicalResult
OutputFiles::refuseOverwritingInputs(llvm::ArrayRef<std::string> inputs) {
  for (const std::string &output : plannedPaths())
    for (const std::string &input : inputs) {
      bool same = false;
      // An output that does not exist yet is no input.
      if (llvm::sys::fs::equivalent(output, input, same) || !same)
        continue;
      fail("the output " + output + " would overwrite the input " + input +
           "; choose another output name with -o");
      return failure();
    }
  return success();
}

LogicalResult OutputFiles::keepWritten(llvm::ToolOutputFile &output,
                                       llvm::StringRef target) {
  // A failed write (a full disk) is reported naming the file, and the
  // partial file removed; unchecked, the stream's destructor would end the
  // process with "LLVM ERROR: IO failure on output stream".
  output.os().flush();
  if (std::error_code ec = output.os().error()) {
    output.os().clear_error();
    fail("cannot write " + target.str() + ": " + ec.message());
    return failure();
  }
  output.keep();
  return success();
}

LogicalResult OutputFiles::writeText(llvm::StringRef extension,
                                     llvm::StringRef text,
                                     bool toStdoutByDefault) {
  std::string target = textTarget(extension, toStdoutByDefault);
  std::string error;
  auto output = openOutputFile(target, &error);
  if (!output) {
    fail(error);
    return failure();
  }
  output->os() << text;
  return keepWritten(*output, target);
}

LogicalResult OutputFiles::writeModule(llvm::StringRef extension,
                                       ModuleOp module) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  os << "\n"; // as mlir-opt and seq-opt end their output
  return writeText(extension, text, /*toStdoutByDefault=*/true);
}

LogicalResult OutputFiles::writeCode(ArrayRef<CodeVersion> versions,
                                     CodeKind kind, const std::string &target,
                                     bool exportDefaultEntry,
                                     TimingScope &timing) {
  std::string error;
  auto output = openOutputFile(target, &error);
  if (!output) {
    fail(error);
    return failure();
  }
  if (failed(
          emitCode(versions, kind, exportDefaultEntry, output->os(), timing)))
    return failure();
  return keepWritten(*output, target);
}

LogicalResult OutputFiles::writeShared(ArrayRef<CodeVersion> versions,
                                       llvm::StringRef modelName,
                                       TimingScope &timing) {
  llvm::SmallString<128> objectPath;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "seqc-" + modelName, "o", objectPath)) {
    fail("cannot create a temporary object file: " + ec.message());
    return failure();
  }
  llvm::FileRemover remover(objectPath);
  if (failed(writeCode(versions, CodeKind::Object, objectPath.str().str(),
                       /*exportDefaultEntry=*/true, timing)))
    return failure();
  TimingScope linking = timing.nest("link (cc -shared)");
  // The system compiler driver knows this platform's linker and libc.
  std::string sharedPath = path(".so");
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc) {
    fail("--emit=shared needs a C compiler driver ('cc') on PATH to link " +
         sharedPath);
    return failure();
  }
  SmallVector<llvm::StringRef> args = {*cc,       "-shared",  "-o",
                                       sharedPath, objectPath, "-lm"};
  std::string message;
  int rc = llvm::sys::ExecuteAndWait(*cc, args, std::nullopt, {}, 0, 0,
                                     &message);
  if (rc != 0) {
    fail("linking " + sharedPath + " with " + *cc + " failed" +
         (message.empty() ? "" : ": " + message));
    return failure();
  }
  return success();
}

/// The PTX of every kernel module, one after the other, each after a line
/// naming it.
static std::string collectPtx(ModuleOp module) {
  std::string text;
  for (auto binary : module.getOps<gpu::BinaryOp>())
    for (Attribute attr : binary.getObjectsAttr())
      if (auto object = dyn_cast<gpu::ObjectAttr>(attr))
        text += "// seqc kernel module " + binary.getName().str() + "\n" +
                object.getObject().getValue().str();
  return text;
}

/// Each version's module after a line naming its CPU, one after the other
/// (seq-opt reads one: cut the text at these lines, or pass one --mcpu).
static std::string printVersions(ArrayRef<CodeVersion> versions) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (const CodeVersion &version : versions) {
    os << "// seqc code version --mcpu=" << version.cpu << "\n";
    version.module->print(os);
    os << "\n";
  }
  return text;
}

LogicalResult OutputFiles::writeRequested(ModuleOp module,
                                          ArrayRef<CodeVersion> versions,
                                          llvm::StringRef modelName,
                                          TimingScope &timing) {
  auto header = [&](bool toStdout) {
    FailureOr<std::string> text = emitHeader(module, options.inputPath);
    return failed(text) ? failure() : writeText(".h", *text, toStdout);
  };
  bool ir = options.emit == EmitKind::LLVMIR;
  switch (options.emit) {
  case EmitKind::MLIR:
    return writeModule(".mlir", module);
  case EmitKind::Header:
    return header(/*toStdout=*/true);
  case EmitKind::PTX:
    return writeText(".ptx", collectPtx(module), /*toStdoutByDefault=*/true);
  case EmitKind::Lowered:
    return versions.size() == 1
               ? writeModule(".lowered.mlir", module)
               : writeText(".lowered.mlir", printVersions(versions),
                           /*toStdoutByDefault=*/true);
  case EmitKind::LLVMIR:
  case EmitKind::Assembly:
    return writeCode(versions, ir ? CodeKind::LLVMIR : CodeKind::Assembly,
                     codeTarget(), /*exportDefaultEntry=*/false, timing);
  case EmitKind::Object:
    return writeCode(versions, CodeKind::Object, path(".o"),
                     /*exportDefaultEntry=*/false, timing);
  case EmitKind::Shared:
    return writeShared(versions, modelName, timing);
  case EmitKind::Default:
    if (failed(writeCode(versions, CodeKind::Object, path(".o"),
                         /*exportDefaultEntry=*/false, timing)))
      return failure();
    return header(/*toStdout=*/false);
  }
  llvm_unreachable("unknown EmitKind");
}

} // namespace seqc
