//===- Driver.cpp - what tools/seqc runs, usable from tests -------------===//

#include "compiler/Driver/Driver.h"

#include "compiler/Import/Import.h"
#include "compiler/Pipelines/Pipelines.h"
#include "compiler/Registration/Registration.h"
#include "compiler/Target/DimensionNames.h"
#include "compiler/Target/ExternalWeights.h"
#include "compiler/Target/HeaderEmission.h"
#include "compiler/Target/ObjectEmission.h"
#include "dialects/Seq/Transforms/StepFunction.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

#include <mutex>

using namespace mlir;

namespace seqc {

bool parseEmitKind(llvm::StringRef text, EmitKind &kind) {
  std::optional<EmitKind> parsed =
      llvm::StringSwitch<std::optional<EmitKind>>(text)
          .Case("mlir", EmitKind::MLIR)
          .Case("lowered", EmitKind::Lowered)
          .Case("llvm", EmitKind::LLVMIR)
          .Case("asm", EmitKind::Assembly)
          .Case("obj", EmitKind::Object)
          .Case("header", EmitKind::Header)
          .Case("shared", EmitKind::Shared)
          .Default(std::nullopt);
  if (!parsed)
    return false;
  kind = *parsed;
  return true;
}

namespace {

/// One compilation: the context, the source manager that makes diagnostics
/// read `file:line:col: error:`, and the options.
class Compilation {
public:
  Compilation(const DriverOptions &options, llvm::raw_ostream &errs)
      : options(options), errs(errs), context(makeRegistry()),
        diagnostics(sourceMgr, &context, errs) {
    context.loadAllAvailableDialects();
    // Users get the message and the source line, not an IR dump.
    context.printOpOnDiagnostic(false);
  }

  int run();

private:
  static DialectRegistry makeRegistry() {
    static std::once_flag passesRegistered;
    std::call_once(passesRegistered, [] {
      // The LLVM lowering stage is a textual pipeline of upstream passes.
      mlir::registerAllPasses();
    });
    DialectRegistry registry;
    mlir::registerAllDialects(registry);
    mlir::registerAllExtensions(registry);
    seqc::registerAllDialects(registry);
    return registry;
  }

  int fail(const llvm::Twine &message) {
    errs << "seqc: error: " << message << "\n";
    return 1;
  }

  OwningOpRef<ModuleOp> import();
  FailureOr<func::FuncOp> selectEntry(ModuleOp module);
  std::string modelName(ModuleOp module) const;
  std::string outputPath(llvm::StringRef extension) const;
  /// Writes `text` to the output of `extension` (stdout when no -o was given
  /// and the kind is textual).
  LogicalResult writeText(llvm::StringRef extension, llvm::StringRef text,
                          bool toStdoutByDefault);
  LogicalResult writeCode(ModuleOp module, CodeKind kind,
                          const std::string &path, bool exportDefaultEntry);
  LogicalResult linkShared(const std::string &objectPath,
                           const std::string &sharedPath);
  /// Drops the seq.* argument and result attributes of the lowered module.
  void stripSeqAttributes(ModuleOp module);

  const DriverOptions &options;
  llvm::raw_ostream &errs;
  /// The model's entry and, for a causal model, its streaming step.
  std::vector<ModelEntry> entries;
  MLIRContext context;
  llvm::SourceMgr sourceMgr;
  SourceMgrDiagnosticHandler diagnostics;
};

OwningOpRef<ModuleOp> Compilation::import() {
  ImportOptions importOptions;
  importOptions.weightsPath = options.weightsPath;
  return importModel(options.inputPath, sourceMgr, &context, importOptions);
}

FailureOr<func::FuncOp> Compilation::selectEntry(ModuleOp module) {
  SmallVector<func::FuncOp> candidates;
  for (auto func : module.getOps<func::FuncOp>())
    if (func.isPublic() && !func.isExternal())
      candidates.push_back(func);
  if (!options.entry.empty()) {
    auto func = module.lookupSymbol<func::FuncOp>(options.entry);
    if (!func || func.isExternal()) {
      module.emitError() << "no function '" << options.entry
                         << "' to use as the model entry (--entry)";
      return failure();
    }
    return func;
  }
  if (candidates.size() == 1)
    return candidates.front();
  if (candidates.empty()) {
    module.emitError() << "the module has no public function with a body; a "
                          "model is a public func.func";
    return failure();
  }
  // Point at the second candidate: the first one alone would be fine.
  InFlightDiagnostic diag = candidates[1].emitError()
                            << "the module has several public functions; "
                               "choose the model with --entry:";
  for (func::FuncOp func : candidates)
    diag << " @" << func.getSymName();
  return failure();
}

std::string Compilation::modelName(ModuleOp module) const {
  if (!options.modelName.empty())
    return sanitizeIdentifier(options.modelName);
  // A .seq file's `model NAME`.
  if (auto named = module->getAttrOfType<StringAttr>("seq.model_name"))
    return sanitizeIdentifier(named.getValue());
  llvm::StringRef base = options.outputBase.empty() ? options.inputPath
                                                    : options.outputBase;
  return sanitizeIdentifier(llvm::sys::path::stem(base));
}

std::string Compilation::outputPath(llvm::StringRef extension) const {
  std::string base = options.outputBase;
  if (base.empty())
    base = llvm::sys::path::stem(options.inputPath).str();
  return base + extension.str();
}

LogicalResult Compilation::writeText(llvm::StringRef extension,
                                     llvm::StringRef text,
                                     bool toStdoutByDefault) {
  std::string path = (options.outputBase.empty() && toStdoutByDefault)
                         ? std::string("-")
                         : outputPath(extension);
  if (options.outputBase == "-")
    path = "-";
  std::string error;
  auto output = openOutputFile(path, &error);
  if (!output) {
    fail(error);
    return failure();
  }
  output->os() << text;
  output->keep();
  return success();
}

LogicalResult Compilation::writeCode(ModuleOp module, CodeKind kind,
                                     const std::string &path,
                                     bool exportDefaultEntry) {
  std::string error;
  auto output = openOutputFile(path, &error);
  if (!output) {
    fail(error);
    return failure();
  }
  TargetOptions target;
  target.cpu = options.cpu;
  std::vector<ModelEntry> exported = entries;
  if (exportDefaultEntry) {
    exported[0].defaultSymbol = "seqc_default_model_api";
    if (exported.size() > 1)
      exported[1].defaultSymbol = "seqc_default_model_step_api";
  }
  if (failed(emitCode(module, exported, target, kind, output->os())))
    return failure();
  output->keep();
  return success();
}

LogicalResult Compilation::linkShared(const std::string &objectPath,
                                      const std::string &sharedPath) {
  // The system compiler driver knows this platform's linker and libc.
  llvm::ErrorOr<std::string> cc = llvm::sys::findProgramByName("cc");
  if (!cc) {
    fail("--emit=shared needs a C compiler driver ('cc') on PATH to link " +
         sharedPath);
    return failure();
  }
  SmallVector<llvm::StringRef> args = {*cc, "-shared", "-o", sharedPath,
                                       objectPath, "-lm"};
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

void Compilation::stripSeqAttributes(ModuleOp module) {
  auto strip = [&](DictionaryAttr attrs) {
    NamedAttrList kept;
    if (attrs)
      for (NamedAttribute attr : attrs)
        if (!attr.getName().getValue().starts_with("seq."))
          kept.push_back(attr);
    return kept.getDictionary(&context);
  };
  module.walk([&](FunctionOpInterface func) {
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      func.setArgAttrs(i, strip(func.getArgAttrDict(i)));
    for (unsigned i = 0; i < func.getNumResults(); ++i)
      func.setResultAttrs(i, strip(func.getResultAttrDict(i)));
  });
}

int Compilation::run() {
  if (options.target != "cpu")
    return fail("--target=" + options.target +
                " is not available in this build; only --target=cpu is");
  OwningOpRef<ModuleOp> module = import();
  if (!module)
    return 1;
  if (options.emit == EmitKind::MLIR) {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    return succeeded(writeText(".mlir", text, true)) ? 0 : 1;
  }

  FailureOr<func::FuncOp> entry = selectEntry(*module);
  if (failed(entry))
    return 1;
  std::string name = modelName(*module);
  // The generated API is <name>_api, <name>_run, ...: a seqc_ prefix would
  // collide with the runtime's own functions (seqc_rt_model_run).
  if (llvm::StringRef(name).starts_with("seqc_") || name == "seqc")
    return fail("the model name '" + name +
                "' is reserved (seqc_ names belong to the runtime); choose "
                "another with --name");
  // Sizes the model requires to agree get a shared name, which the runtime
  // checks before every run.
  if (failed(nameTiedDimensions(*entry)))
    return 1;
  if (options.externalWeights && options.emit != EmitKind::Header &&
      options.emit != EmitKind::MLIR) {
    if (failed(externalizeWeights(*entry, outputPath(".safetensors"))))
      return 1;
  } else if (options.externalWeights) {
    // The header must still describe the external-weights API.
    llvm::SmallString<128> tmp;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "seqc-weights", "safetensors", tmp))
      return fail("cannot create a temporary file: " + ec.message());
    llvm::FileRemover remover(tmp);
    if (failed(externalizeWeights(*entry, tmp)))
      return 1;
  }
  // A causal model also gets a streaming step function; for any other
  // model the reason it has none is simply not needed.
  std::string notStreamable;
  FailureOr<func::FuncOp> step =
      seq::createStepFunction(*entry, name + "__step", notStreamable);

  FailureOr<ModelSignature> signature = extractSignature(*entry, name);
  if (failed(signature))
    return 1;
  entries.push_back({*signature, name + "__forward", name + "_api", ""});
  if (succeeded(step)) {
    FailureOr<ModelSignature> stepSignature = extractSignature(*step, name);
    if (failed(stepSignature))
      return 1;
    entries.push_back(
        {*stepSignature, name + "__step", name + "_step_api", ""});
  }
  const ModelSignature *streaming =
      entries.size() > 1 ? &entries[1].signature : nullptr;
  if (options.emit == EmitKind::Header)
    return succeeded(writeText(".h",
                               emitHeader(*signature, streaming,
                                          options.inputPath),
                               true))
               ? 0
               : 1;

  SmallVector<func::FuncOp> exportedFuncs = {*entry};
  if (succeeded(step))
    exportedFuncs.push_back(*step);
  for (func::FuncOp func : exportedFuncs)
    func->setAttr("llvm.emit_c_interface", UnitAttr::get(&context));

  // The entry becomes <name>__forward; every other function but the step
  // is private to the object.
  for (auto func : module->getOps<func::FuncOp>())
    if (!llvm::is_contained(exportedFuncs, func) && !func.isExternal())
      func.setPrivate();
  if (failed(SymbolTable::replaceAllSymbolUses(
          *entry, StringAttr::get(&context, entries[0].function), *module)))
    return fail("cannot rename the model entry");
  entry->setSymName(entries[0].function);

  PassManager pm(&context);
  CpuPipelineOptions pipelineOptions;
  pipelineOptions.recurrenceChunkSteps = options.recurrenceChunkSteps;
  // The vector code is shaped for the target CPU's registers.
  TargetOptions target;
  target.cpu = options.cpu;
  std::string targetError;
  pipelineOptions.vectorWidth = getF32VectorWidth(target, targetError);
  if (!pipelineOptions.vectorWidth)
    return fail(targetError);
  if (failed(buildCpuPipeline(pm, pipelineOptions)))
    return fail("the CPU pipeline names an unregistered pass");
  if (failed(pm.run(*module)))
    return 1;
  // The signatures are recorded (and the checks' messages use the names);
  // the naming attributes have no meaning in LLVM IR.
  stripSeqAttributes(*module);

  switch (options.emit) {
  case EmitKind::Lowered: {
    std::string text;
    llvm::raw_string_ostream os(text);
    module->print(os);
    return succeeded(writeText(".lowered.mlir", text, true)) ? 0 : 1;
  }
  case EmitKind::LLVMIR:
  case EmitKind::Assembly: {
    bool ir = options.emit == EmitKind::LLVMIR;
    std::string path = outputPath(ir ? ".ll" : ".s");
    if (options.outputBase.empty() || options.outputBase == "-")
      path = "-";
    return succeeded(writeCode(*module,
                               ir ? CodeKind::LLVMIR : CodeKind::Assembly,
                               path, false))
               ? 0
               : 1;
  }
  case EmitKind::Object:
    return succeeded(writeCode(*module, CodeKind::Object, outputPath(".o"),
                               false))
               ? 0
               : 1;
  case EmitKind::Shared: {
    llvm::SmallString<128> objectPath;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "seqc-" + name, "o", objectPath))
      return fail("cannot create a temporary object file: " + ec.message());
    llvm::FileRemover remover(objectPath);
    if (failed(writeCode(*module, CodeKind::Object, objectPath.str().str(),
                         true)) ||
        failed(linkShared(objectPath.str().str(), outputPath(".so"))))
      return 1;
    return 0;
  }
  case EmitKind::Default:
    if (failed(writeCode(*module, CodeKind::Object, outputPath(".o"),
                         false)) ||
        failed(writeText(".h",
                         emitHeader(entries[0].signature, streaming,
                                    options.inputPath),
                         false)))
      return 1;
    return 0;
  case EmitKind::MLIR:
  case EmitKind::Header:
    break;
  }
  return 0;
}

} // namespace

int runDriver(const DriverOptions &options, llvm::raw_ostream &errs) {
  Compilation compilation(options, errs);
  return compilation.run();
}

} // namespace seqc
