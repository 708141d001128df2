//===- OutputFiles.cpp - where seqc writes what it emits -----------------===//

#include "compiler/Driver/OutputFiles.h"

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

std::string OutputFiles::path(llvm::StringRef extension) const {
  std::string base = options.outputBase;
  if (base.empty())
    base = llvm::sys::path::stem(options.inputPath).str();
  return base + extension.str();
}

LogicalResult OutputFiles::writeText(llvm::StringRef extension,
                                     llvm::StringRef text,
                                     bool toStdoutByDefault) {
  std::string target = (options.outputBase.empty() && toStdoutByDefault)
                           ? std::string("-")
                           : path(extension);
  if (options.outputBase == "-")
    target = "-";
  std::string error;
  auto output = openOutputFile(target, &error);
  if (!output) {
    fail(error);
    return failure();
  }
  output->os() << text;
  output->keep();
  return success();
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
                                     bool exportDefaultEntry) {
  std::string error;
  auto output = openOutputFile(target, &error);
  if (!output) {
    fail(error);
    return failure();
  }
  if (failed(emitCode(versions, kind, exportDefaultEntry, output->os())))
    return failure();
  output->keep();
  return success();
}

LogicalResult OutputFiles::writeShared(ArrayRef<CodeVersion> versions,
                                       llvm::StringRef modelName) {
  llvm::SmallString<128> objectPath;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "seqc-" + modelName, "o", objectPath)) {
    fail("cannot create a temporary object file: " + ec.message());
    return failure();
  }
  llvm::FileRemover remover(objectPath);
  if (failed(writeCode(versions, CodeKind::Object, objectPath.str().str(),
                       /*exportDefaultEntry=*/true)))
    return failure();
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

} // namespace seqc
