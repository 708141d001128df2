//===- Driver.cpp - what tools/seqc runs, usable from tests -------------===//
//
// import, build the pipeline of the phases --emit asks for, run, emit.
//
//===----------------------------------------------------------------------===//

#include "compiler/Driver/Driver.h"

#include "compiler/Driver/FileDiagnostics.h"
#include "compiler/Driver/OutputFiles.h"
#include "compiler/Import/Import.h"
#include "compiler/ModelABI/ModelSignature.h"
#include "compiler/Pipelines/Pipelines.h"
#include "compiler/Registration/Registration.h"
#include "compiler/Target/CpuDispatch.h"
#include "compiler/Target/HeaderEmission.h"
#include "compiler/Target/ObjectEmission.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/Threading.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/Path.h"
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
static std::string printVersions(llvm::ArrayRef<CodeVersion> versions) {
  std::string text;
  llvm::raw_string_ostream os(text);
  for (const CodeVersion &version : versions) {
    os << "// seqc code version --mcpu=" << version.cpu << "\n";
    version.module->print(os);
    os << "\n";
  }
  return text;
}

/// The C prefix: --name, else a .seq file's `model NAME`, else the output's
/// file name (-o BASE), else the input's (also with -o -: stdout names no
/// model).
static std::string getModelName(const DriverOptions &options, ModuleOp module) {
  if (!options.modelName.empty())
    return sanitizeIdentifier(options.modelName);
  if (auto named = module->getAttrOfType<StringAttr>("seq.model_name"))
    return sanitizeIdentifier(named.getValue());
  return sanitizeIdentifier(llvm::sys::path::stem(
      options.outputBase.empty() || options.outputBase == "-"
          ? options.inputPath
          : options.outputBase));
}

int runDriver(const DriverOptions &options, llvm::raw_ostream &errs) {
  OutputFiles outputs(options, errs);
  bool cuda = options.target == "cuda";
  if (!cuda && options.target != "cpu")
    return outputs.fail("unknown --target '" + options.target +
                        "' (cpu or cuda)");
  std::string chip = !options.cpu.empty() ? options.cpu
                     : cuda               ? "sm_80"
                                          : kDefaultCpuLevels;
  if (cuda && !isCudaChip(chip))
    return outputs.fail("--target=cuda takes an NVIDIA GPU as --mcpu, one "
                        "LLVM's NVPTX back end knows (sm_80 for an A100, "
                        "sm_90 for an H100/H200, ...), not '" +
                        chip + "'");
  if (!cuda && options.emit == EmitKind::PTX)
    return outputs.fail("--emit=ptx needs --target=cuda");
  // The CPUs of the code versions; with --target=cuda, --mcpu names the
  // GPU and the host code is built for the portable x86-64 baseline.
  std::string cpuError;
  std::vector<std::string> cpus =
      cuda ? std::vector<std::string>{"x86-64"} : parseCpuList(chip, cpuError);
  if (cpus.empty())
    return outputs.fail(cpuError);
  // The vector code is shaped for each CPU's registers.
  std::vector<int64_t> vectorWidths;
  for (const std::string &cpu : cpus) {
    TargetOptions target;
    target.cpu = cpu;
    std::string targetError;
    vectorWidths.push_back(getF32VectorWidth(target, targetError));
    if (!vectorWidths.back())
      return outputs.fail(targetError);
  }
  MLIRContext context(makeRegistry());
  context.loadAllAvailableDialects();
  // Users get the message and the source line, not an IR dump.
  context.printOpOnDiagnostic(false);
  llvm::SourceMgr sourceMgr;
  FileDiagnosticHandler diagnostics(sourceMgr, &context, errs);

  ImportOptions importOptions;
  importOptions.weightsPath = options.weightsPath;
  OwningOpRef<ModuleOp> module =
      importModel(options.inputPath, sourceMgr, &context, importOptions);
  if (!module)
    return 1;
  Phase last = getLastPhase(options.emit);
  if (last == Phase::Import)
    return failed(outputs.writeModule(".mlir", *module)) ? 1 : 0;

  std::string name = getModelName(options, *module);
  PassManager pm(&context);
  ModelAbiOptions abi;
  abi.entry = options.entry;
  abi.name = name;
  abi.externalWeights = options.externalWeights;
  // The header describes the external-weights API without writing them.
  if (options.externalWeights && last > Phase::ModelABI)
    abi.weightsFile = outputs.path(".safetensors");
  buildModelAbiPipeline(pm, abi);
  if (last > Phase::ModelABI && cuda) {
    CudaPipelineOptions gpu;
    gpu.recurrenceChunkSteps = options.recurrenceChunkSteps;
    gpu.attentionTile = options.attentionTile;
    gpu.chip = chip;
    buildCudaPipeline(pm, gpu, /*lowerHost=*/last > Phase::Kernels);
  }
  if (failed(pm.run(*module)))
    return 1;

  // Each CPU's code, lowered from its own copy of the module (the last
  // lowers the module itself), all copies taken before any is lowered.
  std::vector<OwningOpRef<ModuleOp>> copies;
  std::vector<CodeVersion> versions;
  if (last > Phase::ModelABI && !cuda) {
    for (size_t i = 0; i < cpus.size(); ++i) {
      ModuleOp code = *module;
      if (i + 1 < cpus.size()) {
        copies.push_back(module->clone());
        code = *copies.back();
      }
      versions.push_back({code, cpus[i]});
    }
    // The pipelines are built here, run several at once on the context's
    // threads, their diagnostics in version order.
    std::vector<std::unique_ptr<PassManager>> cpuPms;
    for (int64_t width : vectorWidths) {
      cpuPms.push_back(std::make_unique<PassManager>(&context));
      CpuPipelineOptions cpu;
      cpu.recurrenceChunkSteps = options.recurrenceChunkSteps;
      cpu.attentionTile = options.attentionTile;
      cpu.vectorWidth = width;
      buildCpuPipeline(*cpuPms.back(), cpu);
    }
    ParallelDiagnosticHandler parallelDiagnostics(&context);
    LogicalResult lowered = failableParallelForEachN(
        &context, 0, versions.size(), [&](size_t i) -> LogicalResult {
          parallelDiagnostics.setOrderIDForThread(i);
          LogicalResult result = cpuPms[i]->run(versions[i].module);
          parallelDiagnostics.eraseOrderIDForThread();
          return result;
        });
    if (failed(lowered))
      return 1;
  } else {
    versions.push_back({*module, cpus.front()});
  }

  auto header = [&](bool toStdout) {
    FailureOr<std::string> text = emitHeader(*module, options.inputPath);
    return succeeded(text) &&
           succeeded(outputs.writeText(".h", *text, toStdout));
  };
  bool ir = options.emit == EmitKind::LLVMIR;
  std::string codePath = outputs.path(ir ? ".ll" : ".s");
  if (options.outputBase.empty() || options.outputBase == "-")
    codePath = "-";
  bool ok = false;
  switch (options.emit) {
  case EmitKind::Header:
    ok = header(/*toStdout=*/true);
    break;
  case EmitKind::PTX:
    ok = succeeded(outputs.writeText(".ptx", collectPtx(*module),
                                     /*toStdoutByDefault=*/true));
    break;
  case EmitKind::Lowered:
    ok = succeeded(versions.size() == 1
                       ? outputs.writeModule(".lowered.mlir", *module)
                       : outputs.writeText(".lowered.mlir",
                                           printVersions(versions),
                                           /*toStdoutByDefault=*/true));
    break;
  case EmitKind::LLVMIR:
  case EmitKind::Assembly:
    ok = succeeded(outputs.writeCode(
        versions, ir ? CodeKind::LLVMIR : CodeKind::Assembly, codePath, false));
    break;
  case EmitKind::Object:
    ok = succeeded(outputs.writeCode(versions, CodeKind::Object,
                                     outputs.path(".o"), false));
    break;
  case EmitKind::Shared:
    ok = succeeded(outputs.writeShared(versions, name));
    break;
  case EmitKind::Default:
    ok = succeeded(outputs.writeCode(versions, CodeKind::Object,
                                     outputs.path(".o"), false)) &&
         header(/*toStdout=*/false);
    break;
  case EmitKind::MLIR:
    break;
  }
  return ok ? 0 : 1;
}

} // namespace seqc
