//===- Driver.cpp - what tools/seqc runs, usable from tests -------------===//
//
// import, build the pipeline of the phases --emit asks for, run, emit.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Driver.h"

#include "compiler/Driver/CodeVersions.h"
#include "compiler/Driver/FileDiagnostics.h"
#include "compiler/Driver/OutputFiles.h"
#include "compiler/Driver/TargetSelection.h"
#include "compiler/Import/Import.h"
#include "compiler/ModelABI/ModelSignature.h"
#include "compiler/Pipelines/Pipelines.h"
#include "compiler/Registration/Registration.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Signals.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace seqc {

/// The dialects, interfaces and extensions seqc uses (Registration.h).
/// The passes are created by C++ factories, so none is registered.
static DialectRegistry makeRegistry() {
  DialectRegistry registry;
  seqc::registerAllDialects(registry);
  return registry;
}

/// The C prefix: --name, else a .seq file's `model NAME`, else the output's
/// file name (-o BASE), else the input's (also with -o -: stdout names no
/// model).
static std::string getModelName(const DriverOptions &options, ModuleOp module) {
  if (!options.modelName.empty())
    return options.modelName; // a C identifier: runDriver checks
  if (auto named = module->getAttrOfType<StringAttr>("seq.model_name"))
    return sanitizeModelName(named.getValue());
  return sanitizeModelName(llvm::sys::path::stem(
      options.outputBase.empty() || options.outputBase == "-"
          ? options.inputPath
          : options.outputBase));
}

int runDriver(const DriverOptions &options, llvm::raw_ostream &errs) {
  OutputFiles outputs(options, errs);
  // A name given is used as given or refused: one silently rewritten
  // (foo-bar as foo_bar) would leave the caller's #includes and calls
  // pointing at functions that do not exist.
  if (!options.modelName.empty() &&
      sanitizeIdentifier(options.modelName) != options.modelName)
    return outputs.fail("--name '" + options.modelName +
                        "' is not a C identifier (letters, digits and '_', "
                        "not starting with a digit); '" +
                        sanitizeIdentifier(options.modelName) + "' would be");
  // `-o -` is stdout, for the text kinds; an object or a library is a
  // file (writing it elsewhere under another name would surprise).
  if (options.outputBase == "-" &&
      (options.emit == EmitKind::Default || options.emit == EmitKind::Object ||
       options.emit == EmitKind::Shared))
    return outputs.fail("-o - writes a text kind to stdout (--emit=mlir, "
                        "lowered, llvm, asm, header or ptx); an object, a "
                        "shared library and the default object and header "
                        "are files: give -o BASE, or leave -o out to name "
                        "them after the model file");
  // Files are named after the input without -o; stdin has no name.
  if (options.inputPath == "-" &&
      (options.outputBase.empty() || options.outputBase == "-") &&
      !outputs.plannedPaths().empty())
    return outputs.fail("the model comes from stdin, so its output files "
                        "need a name: give -o BASE");
  if (!options.depfilePath.empty() && outputs.plannedPaths().empty())
    return outputs.fail("--depfile needs an output file to name: give -o "
                        "BASE");
  std::string targetError;
  std::optional<TargetSelection> target = selectTarget(options, targetError);
  if (!target)
    return outputs.fail(targetError);
  MLIRContext context(makeRegistry());
  context.loadAllAvailableDialects();
  // Users get the message and the source line, not an IR dump.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  FileDiagnosticHandler diagnostics(sourceMgr, &context, errs);

  // --mlir-timing (registered by tools/seqc): wall clock per phase and
  // per pass, printed to stderr when the compilation ends.
  DefaultTimingManager timingManager;
  applyDefaultTimingManagerCLOptions(timingManager);
  TimingScope timing = timingManager.getRootScope();
  TimingScope importTiming = timing.nest("import");
  ImportOptions importOptions;
  importOptions.weightsPath = options.weightsPath;
  std::vector<std::string> inputFiles;
  importOptions.filesRead = &inputFiles;
  OwningOpRef<ModuleOp> module =
      importModel(options.inputPath, sourceMgr, &context, importOptions);
  if (!module)
    return 1;
  importTiming.stop();
  // Before the model ABI phase, which writes external weights.
  if (failed(outputs.refuseOverwritingInputs(inputFiles)))
    return 1;
  Phase last = getLastPhase(options.emit);
  if (last == Phase::Import)
    return failed(outputs.writeModule(".mlir", *module)) ||
                   failed(outputs.writeDepfile(inputFiles))
               ? 1
               : 0;

  std::string name = getModelName(options, *module);
  // Declared first: the pass manager's timing refers to the scope.
  TimingScope abiTiming = timing.nest(target->cuda && last > Phase::ModelABI
                                          ? "model ABI, CUDA kernels and host"
                                          : "model ABI");
  PassManager pm(&context);
  ModelAbiOptions abi;
  abi.entry = options.entry;
  abi.name = name;
  abi.externalWeights = options.externalWeights;
  // The header describes the external-weights API without writing them.
  // The model ABI phase writes them beside their final name, which they
  // take once everything else is written: a compilation that fails (or is
  // interrupted) neither leaves a weights file nor removes one it did not
  // write.
  std::string weightsFile;
  if (options.externalWeights && last > Phase::ModelABI) {
    weightsFile = outputs.path(".safetensors");
    abi.weightsFile = weightsFile + ".partial";
    llvm::sys::RemoveFileOnSignal(abi.weightsFile);
  }
  buildModelAbiPipeline(pm, abi);
  llvm::FileRemover weightsRemover(abi.weightsFile, !abi.weightsFile.empty());
  if (last > Phase::ModelABI && target->cuda) {
    CudaPipelineOptions gpu;
    gpu.recurrenceChunkSteps = options.recurrenceChunkSteps;
    gpu.attentionTile = options.attentionTile.value_or(gpu.attentionTile);
    gpu.chip = target->chip;
    buildCudaPipeline(pm, gpu, /*lowerHost=*/last > Phase::Kernels);
  }
  pm.enableTiming(abiTiming);
  if (failed(pm.run(*module)))
    return 1;
  abiTiming.stop();

  CodeVersions code;
  if (last > Phase::ModelABI && !target->cuda) {
    if (failed(lowerCodeVersions(*module, *target, options, code, timing)))
      return 1;
  } else {
    code.versions.push_back({*module, target->cpus.front()});
  }
  TimingScope emitTiming = timing.nest("emit");
  if (failed(
          outputs.writeRequested(*module, code.versions, name, emitTiming)) ||
      failed(outputs.writeDepfile(inputFiles)))
    return 1;
  if (!weightsFile.empty() && llvm::sys::fs::exists(abi.weightsFile)) {
    if (std::error_code ec =
            llvm::sys::fs::rename(abi.weightsFile, weightsFile))
      return outputs.fail("cannot write '" + weightsFile +
                          "': " + ec.message());
    llvm::sys::DontRemoveFileOnSignal(abi.weightsFile);
  }
  weightsRemover.releaseFile();
  return 0;
}

} // namespace seqc
