//===- ObjectEmission.cpp - LLVM dialect module -> object, asm, IR ------===//

#include "compiler/Target/ObjectEmission.h"

#include "compiler/Target/CpuDispatch.h"
#include "compiler/Target/DetachedConstants.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Threading.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "seqc/abi.h"

#include "llvm/Bitcode/BitcodeReader.h"
#include "llvm/Bitcode/BitcodeWriter.h"
#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/Linker/Linker.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/Transforms/IPO/ConstantMerge.h"
#include "llvm/Transforms/IPO/MergeFunctions.h"
#include "llvm/Transforms/Utils/ModuleUtils.h"

#include <mutex>

using namespace mlir;

namespace seqc {

static constexpr uint32_t kAbiVersion = SEQC_ABI_VERSION;
/// Constants past this many bytes put an object's large ones in large-data
/// sections (emitModule; hidden, for tests to reach with a small model),
/// and what counts as large there.
static llvm::cl::opt<uint64_t> largeDataModelBytes(
    "seqc-large-data-model-bytes", llvm::cl::Hidden,
    llvm::cl::desc("constant bytes past which an x86-64 object keeps its "
                   "large constants in .lrodata (the medium code model)"),
    llvm::cl::init(uint64_t(1) << 30));
static constexpr uint64_t kLargeDataThreshold = uint64_t(1) << 16;

static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const TargetOptions &options, std::string &error) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
    // The api getters' CPUID reads are inline assembly.
    llvm::InitializeNativeTargetAsmParser();
  });
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  std::string cpu = options.cpu;
  std::string features;
  if (cpu == "native") {
    cpu = llvm::sys::getHostCPUName().str();
    llvm::SubtargetFeatures list;
    for (const auto &feature : llvm::sys::getHostCPUFeatures())
      list.AddFeature(feature.first(), feature.second);
    features = list.getString();
  }
  // An unknown CPU name only warns inside LLVM (on stderr, "ignoring
  // processor", once per subtarget created); check it first, with a
  // subtarget of the generic CPU, and make it an error.
  std::unique_ptr<llvm::MCSubtargetInfo> generic(
      target->createMCSubtargetInfo(triple, "", ""));
  if (!generic || !generic->isCPUStringValid(cpu)) {
    error = "unknown CPU '" + options.cpu + "' (try x86-64, x86-64-v3, "
            "znver4 or native)";
    return nullptr;
  }
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine) {
    error = "cannot create a target machine for CPU '" + cpu + "'";
    return nullptr;
  }
  return machine;
}

extern "C" void LLVMInitializeNVPTXTargetInfo();
extern "C" void LLVMInitializeNVPTXTarget();
extern "C" void LLVMInitializeNVPTXTargetMC();

bool isCudaChip(llvm::StringRef chip) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    LLVMInitializeNVPTXTargetInfo();
    LLVMInitializeNVPTXTarget();
    LLVMInitializeNVPTXTargetMC();
  });
  if (!chip.starts_with("sm_"))
    return false;
  llvm::Triple triple("nvptx64-nvidia-cuda");
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return false;
  // Asked of the generic subtarget: one made for an unknown chip would
  // print LLVM's warning before the answer.
  std::unique_ptr<llvm::MCSubtargetInfo> info(
      target->createMCSubtargetInfo(triple, "", ""));
  return info && info->isCPUStringValid(chip);
}

llvm::StructType *getModelApiType(llvm::LLVMContext &ctx) {
  if (auto *type = llvm::StructType::getTypeByName(ctx, "seqc_model_api"))
    return type;
  llvm::Type *ptr = llvm::PointerType::getUnqual(ctx);
  llvm::Type *i32 = llvm::Type::getInt32Ty(ctx);
  // abi_version, num_inputs, num_outputs, flags, name, signature, invoke.
  return llvm::StructType::create(ctx, {i32, i32, i32, i32, ptr, ptr, ptr},
                                  "seqc_model_api");
}

/// Adds the packed entry `<api>_invoke(void **args)` and the
/// `seqc_model_api` record `<api>_data` of `entry` (both internal).
static llvm::GlobalVariable *addApiRecord(llvm::Module &module,
                                          const ModelEntry &entry,
                                          uint32_t flags, std::string &error) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Type *ptrType = llvm::PointerType::getUnqual(ctx);
  llvm::Type *i32Type = llvm::Type::getInt32Ty(ctx);
  const ModelSignature &sig = entry.signature;
  std::string cifaceName = "_mlir_ciface_" + entry.function;
  llvm::Function *ciface = module.getFunction(cifaceName);
  if (!ciface) {
    error = "the lowered module has no '" + cifaceName + "'";
    return nullptr;
  }
  // The results record, the tensors, the seqc_model_context.
  size_t numArgs =
      1 + sig.inputs.size() + sig.weights.size() + sig.states.size() + 1;
  if (ciface->arg_size() != numArgs) {
    error = "'" + cifaceName + "' takes " + std::to_string(ciface->arg_size()) +
            " arguments, expected " + std::to_string(numArgs);
    return nullptr;
  }

  // void <api>_invoke(void **args) { ciface(args[0], args[1], ...); }
  auto *invokeType =
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptrType}, false);
  auto *invoke = llvm::Function::Create(
      invokeType, llvm::GlobalValue::InternalLinkage,
      entry.apiSymbol + "_invoke", module);
  // Built for the CPU of the code it calls, so that the call can be inlined.
  for (const char *attr : {"target-cpu", "target-features"})
    if (ciface->hasFnAttribute(attr))
      invoke->addFnAttr(ciface->getFnAttribute(attr));
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", invoke));
  SmallVector<llvm::Value *> args;
  for (size_t i = 0; i < numArgs; ++i) {
    llvm::Value *slot =
        b.CreateConstInBoundsGEP1_64(ptrType, invoke->getArg(0), i);
    args.push_back(b.CreateLoad(ptrType, slot));
  }
  b.CreateCall(ciface, args);
  b.CreateRetVoid();

  llvm::StructType *apiType = getModelApiType(ctx);
  llvm::Constant *nameString = b.CreateGlobalString(
      sig.name, entry.apiSymbol + "_name", 0, &module);
  llvm::Constant *signatureString = b.CreateGlobalString(
      sig.toText(), entry.apiSymbol + "_signature", 0, &module);
  llvm::Constant *record = llvm::ConstantStruct::get(
      apiType, {llvm::ConstantInt::get(i32Type, kAbiVersion),
                llvm::ConstantInt::get(i32Type, sig.inputs.size()),
                llvm::ConstantInt::get(i32Type, sig.outputs.size()),
                llvm::ConstantInt::get(i32Type, flags), nameString,
                signatureString, invoke});
  return new llvm::GlobalVariable(module, apiType, /*isConstant=*/true,
                                  llvm::GlobalValue::InternalLinkage, record,
                                  entry.apiSymbol + "_data");
}

/// The exported getter `name`: the record of the highest level the running
/// CPU supports (seqc_cpu_level), or of the lowest when it supports none
/// (seqc_rt_model_open then refuses it with a message). `records` and
/// `levels` go in increasing level order.
static void addApiGetter(llvm::Module &module, const std::string &name,
                         ArrayRef<llvm::GlobalVariable *> records,
                         ArrayRef<int> levels) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Type *ptrType = llvm::PointerType::getUnqual(ctx);
  auto *getter = llvm::Function::Create(
      llvm::FunctionType::get(ptrType, {}, false),
      llvm::GlobalValue::ExternalLinkage, name, module);
  llvm::IRBuilder<> b(llvm::BasicBlock::Create(ctx, "entry", getter));
  llvm::Value *picked = records.front();
  if (records.size() > 1) {
    llvm::Value *level = b.CreateCall(getOrCreateCpuLevelFunction(module));
    for (size_t i = 1; i < records.size(); ++i)
      picked = b.CreateSelect(b.CreateICmpSGE(level, b.getInt32(levels[i])),
                              records[i], picked);
  }
  b.CreateRet(picked);
}

static bool hasFeature(const llvm::TargetMachine &machine,
                       llvm::StringRef feature) {
  return machine.getMCSubtargetInfo()->checkFeatures(("+" + feature).str());
}

int64_t getF32VectorWidth(const TargetOptions &options, std::string &error) {
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options, error);
  if (!machine)
    return 0;
  if (hasFeature(*machine, "avx512f"))
    return 16;
  return hasFeature(*machine, "avx2") ? 8 : 4;
}

namespace {

/// One code version translated to LLVM IR and optimized for its CPU.
struct OptimizedVersion {
  std::unique_ptr<llvm::Module> module;
  /// Its x86-64 level (compiler/Target/CpuDispatch.h).
  int level = 0;
  /// Its `seqc_model_api` records, one per entry, in entry order.
  SmallVector<std::string> recordNames;
  /// Its large constants, declared in `module` under their symbol followed
  /// by `suffix`.
  SmallVector<DetachedConstant> detached;
  std::string suffix;
};

} // namespace

/// LLVM's O3 pipeline for `machine` with the options of MLIR's
/// makeOptimizingTransformer (loop and SLP vectorizers on), less the loop
/// unrollers. The loops that matter are already shaped by seqc's passes
/// (register tiles of R x V accumulators, vector steps); unrolling them
/// again multiplied the code that the rest of O3 and code generation go
/// through: without it the benchmark models compile 10-25% faster (a
/// KV-cache decoder 3.0 -> 2.3 s, its code generation halved). Run time,
/// interleaved A/Bs of all ten on a Zen 5 (outputs bit-identical): W1 and
/// W9 5-7% faster, W4, W6, W7 and W8 1-4% slower (this host's noise is
/// larger), the rest the same. On a Xeon (Emerald Rapids) the batch-1 LSTM
/// step was 6% slower (its 1 x 4-vector GEMV tile lost LLVM's unroll).
static void optimizeWithoutUnrolling(llvm::Module &module,
                                     llvm::TargetMachine &machine) {
  // MLIR's makeOptimizingTransformer's options (PipelineTuningOptions'
  // defaults leave the SLP vectorizer off), less unrolling.
  llvm::PipelineTuningOptions tuning;
  tuning.LoopInterleaving = true;
  tuning.LoopVectorization = true;
  tuning.SLPVectorization = true;
  tuning.LoopUnrolling = false;
  llvm::PassBuilder builder(&machine, tuning);
  llvm::LoopAnalysisManager loops;
  llvm::FunctionAnalysisManager functions;
  llvm::CGSCCAnalysisManager sccs;
  llvm::ModuleAnalysisManager modules;
  builder.registerModuleAnalyses(modules);
  builder.registerCGSCCAnalyses(sccs);
  builder.registerFunctionAnalyses(functions);
  builder.registerLoopAnalyses(loops);
  builder.crossRegisterProxies(loops, functions, sccs, modules);
  llvm::ModulePassManager pipeline =
      builder.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O3);
  pipeline.run(module, modules);
}

/// Translates `version` into `ctx`, every function built for its CPU, adds
/// its records (flags: `targetFlags` and its level), appends `suffix` to
/// every name it defines (so that versions can be linked into one module),
/// and optimizes it (mergefunc, then O3) for its CPU.
static FailureOr<OptimizedVersion>
optimizeVersion(const CodeVersion &version, ArrayRef<ModelEntry> entries,
                uint32_t targetFlags, const std::string &suffix,
                llvm::LLVMContext &ctx, TimingScope &timing) {
  ModuleOp mlirModule = version.module;
  TimingScope translating =
      timing.nest("translate to LLVM IR (" + version.cpu + ")");
  std::string error;
  TargetOptions options;
  options.cpu = version.cpu;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options, error);
  if (!machine)
    return mlirModule.emitError() << error;
  OptimizedVersion result;
  result.level = getCpuLevel(*machine);
  result.suffix = suffix;
  OwningOpRef<ModuleOp> code =
      detachLargeConstants(mlirModule, result.detached);
  result.module =
      translateModuleToLLVMIR(*code, ctx, entries.front().signature.name);
  llvm::Module *llvmModule = result.module.get();
  if (!llvmModule)
    return mlirModule.emitError() << "translation to LLVM IR failed";
  llvmModule->setTargetTriple(machine->getTargetTriple());
  llvmModule->setDataLayout(machine->createDataLayout());

  // Each function carries its CPU, so that versions for several CPUs can
  // share one module. With AVX-512, the pipeline's explicit 16-lane vectors
  // stay in zmm registers even on CPUs LLVM tunes for 256-bit vectors (Zen
  // 4), instead of being split into twice as many ymm halves that no longer
  // fit the register file.
  bool wide = hasFeature(*machine, "avx512f");
  std::string cpu = machine->getTargetCPU().str();
  std::string features = machine->getTargetFeatureString().str();
  for (llvm::Function &f : *llvmModule)
    if (!f.isDeclaration()) {
      f.addFnAttr("target-cpu", cpu);
      if (!features.empty())
        f.addFnAttr("target-features", features);
      if (wide)
        f.addFnAttr("min-legal-vector-width", "512");
    }
  // Constants (weights, messages) whose address nothing compares: equal
  // ones of two versions (weights neither packs) are merged once linked.
  for (llvm::GlobalVariable &global : llvmModule->globals())
    if (global.isConstant() && global.hasLocalLinkage())
      global.setUnnamedAddr(llvm::GlobalValue::UnnamedAddr::Global);
  uint32_t flags =
      targetFlags | (uint32_t(result.level) << SEQC_MODEL_FLAG_CPU_LEVEL_SHIFT);
  SmallVector<llvm::GlobalVariable *> records;
  for (const ModelEntry &entry : entries) {
    records.push_back(addApiRecord(*llvmModule, entry, flags, error));
    if (!records.back())
      return mlirModule.emitError() << error;
  }
  // Everything stays inside the object (the exported getters come later);
  // the records stay alive until the getters use them.
  for (llvm::GlobalValue &value : llvmModule->global_values())
    if (!value.isDeclaration() && !value.getName().starts_with("llvm.")) {
      value.setName(value.getName() + suffix);
      value.setLinkage(llvm::GlobalValue::InternalLinkage);
    }
  for (const DetachedConstant &constant : result.detached)
    if (llvm::GlobalVariable *declaration =
            llvmModule->getNamedGlobal(constant.symbol))
      declaration->setName(constant.symbol + suffix);
  for (llvm::GlobalVariable *record : records)
    result.recordNames.push_back(record->getName().str());
  llvm::appendToUsed(*llvmModule, SmallVector<llvm::GlobalValue *>(
                                      records.begin(), records.end()));
  std::string broken;
  llvm::raw_string_ostream brokenOs(broken);
  if (llvm::verifyModule(*llvmModule, &brokenOs))
    return mlirModule.emitError()
           << "the generated LLVM IR does not verify: " << broken;

  // A model with a step api outlines each parallel loop twice, once from
  // the full-sequence function and once from the step function, with the
  // same body; other loops repeat within a function (layers of one shape).
  // Merging identical functions first (LLVM's mergefunc; not part of O3)
  // spares O3 and code generation the copies: for the KV-cache GPT block
  // of examples/seq-models, a fifth of the compile time and a third of the
  // shared library's size.
  translating.stop();
  TimingScope merging = timing.nest("LLVM mergefunc (" + version.cpu + ")");
  llvm::MergeFunctionsPass::runOnModule(*llvmModule);
  merging.stop();
  TimingScope optimizing = timing.nest("LLVM O3 (" + version.cpu + ")");
  optimizeWithoutUnrolling(*llvmModule, *machine);
  return result;
}

/// Optimizes every version, several at once on the MLIR context's threads:
/// each in its own LLVM context, handed to `ctx` as bitcode.
static FailureOr<SmallVector<OptimizedVersion>>
optimizeVersions(ArrayRef<CodeVersion> versions, ArrayRef<ModelEntry> entries,
                 uint32_t targetFlags, llvm::LLVMContext &ctx,
                 TimingScope &timing) {
  SmallVector<OptimizedVersion> results(versions.size());
  if (versions.size() == 1) {
    FailureOr<OptimizedVersion> only = optimizeVersion(
        versions.front(), entries, targetFlags, "", ctx, timing);
    if (failed(only))
      return failure();
    results.front() = std::move(*only);
    return results;
  }
  MLIRContext *mlirContext = versions.front().module->getContext();
  SmallVector<std::string> bitcode(versions.size());
  // Diagnostics of the threads reach the handler in version order.
  ParallelDiagnosticHandler diagnostics(mlirContext);
  // Each version's time is its own thread's: they overlap inside this
  // scope.
  TimingScope parallel =
      timing.nest("LLVM translation and optimization, every CPU level at "
                  "once");
  LogicalResult optimized = failableParallelForEachN(
      mlirContext, 0, versions.size(), [&](size_t i) -> LogicalResult {
        diagnostics.setOrderIDForThread(i);
        llvm::LLVMContext threadContext;
        FailureOr<OptimizedVersion> version =
            optimizeVersion(versions[i], entries, targetFlags,
                            "." + std::to_string(i), threadContext, parallel);
        diagnostics.eraseOrderIDForThread();
        if (failed(version))
          return failure();
        llvm::raw_string_ostream os(bitcode[i]);
        llvm::WriteBitcodeToFile(*version->module, os);
        results[i].level = version->level;
        results[i].recordNames = std::move(version->recordNames);
        results[i].detached = std::move(version->detached);
        results[i].suffix = std::move(version->suffix);
        return success();
      });
  if (failed(optimized))
    return failure();
  for (size_t i = 0; i < versions.size(); ++i) {
    llvm::Expected<std::unique_ptr<llvm::Module>> parsed =
        llvm::parseBitcodeFile(
            llvm::MemoryBufferRef(bitcode[i], versions[i].cpu), ctx);
    ModuleOp module = versions[i].module;
    if (!parsed)
      return module.emitError()
             << "reading back the code for " << versions[i].cpu
             << " failed: " << llvm::toString(parsed.takeError());
    results[i].module = std::move(*parsed);
  }
  return results;
}

LogicalResult emitCode(ArrayRef<CodeVersion> versions, CodeKind kind,
                       bool exportDefaultEntry, llvm::raw_pwrite_stream &os,
                       TimingScope &timing) {
  ModuleOp first = versions.front().module; // a handle: copying is cheap
  FailureOr<ModelAbi> abi = readModelAbi(first);
  if (failed(abi))
    return failure();
  std::vector<ModelEntry> entries = {abi->forward};
  if (abi->step)
    entries.push_back(*abi->step);
  if (exportDefaultEntry) {
    entries[0].defaultSymbol = "seqc_default_model_api";
    if (entries.size() > 1)
      entries[1].defaultSymbol = "seqc_default_model_step_api";
  }
  registerBuiltinDialectTranslation(*first.getContext());
  registerLLVMDialectTranslation(*first.getContext());

  // One version is generated for its CPU; several share a baseline module
  // whose functions each name their own CPU.
  std::string error;
  TargetOptions moduleTarget;
  moduleTarget.cpu = versions.size() == 1 ? versions.front().cpu : "x86-64";
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(moduleTarget, error);
  if (!machine)
    return first.emitError() << error;

  // seqc-lower-gpu-launches marks a model whose kernels need a GPU.
  auto target = first->getAttrOfType<StringAttr>("seqc.target");
  uint32_t targetFlags = target && target.getValue() == "cuda"
                             ? SEQC_MODEL_FLAG_CUDA
                             : 0;
  llvm::LLVMContext llvmContext;
  FailureOr<SmallVector<OptimizedVersion>> optimized =
      optimizeVersions(versions, entries, targetFlags, llvmContext, timing);
  if (failed(optimized))
    return failure();
  std::unique_ptr<llvm::Module> llvmModule = std::move(optimized->front().module);
  for (OptimizedVersion &version : llvm::drop_begin(*optimized))
    if (llvm::Linker::linkModules(*llvmModule, std::move(version.module)))
      return first.emitError() << "linking the CPU versions failed";
  llvmModule->setTargetTriple(machine->getTargetTriple());
  llvmModule->setDataLayout(machine->createDataLayout());
  for (const OptimizedVersion &version : *optimized)
    attachConstants(*llvmModule, version.detached, version.suffix);
  if (versions.size() > 1) {
    // Weights no version packs, and the signatures, once.
    llvm::ModuleAnalysisManager unused;
    llvm::ConstantMergePass().run(*llvmModule, unused);
  }

  SmallVector<int> levels;
  for (const OptimizedVersion &version : *optimized)
    levels.push_back(version.level);
  llvm::SmallPtrSet<llvm::Constant *, 8> allRecords;
  for (size_t e = 0; e < entries.size(); ++e) {
    SmallVector<llvm::GlobalVariable *> records;
    for (const OptimizedVersion &version : *optimized)
      records.push_back(llvmModule->getNamedGlobal(version.recordNames[e]));
    allRecords.insert(records.begin(), records.end());
    addApiGetter(*llvmModule, entries[e].apiSymbol, records, levels);
    if (!entries[e].defaultSymbol.empty())
      addApiGetter(*llvmModule, entries[e].defaultSymbol, records, levels);
  }
  // The getters now keep the records.
  llvm::removeFromUsedLists(*llvmModule, [&](llvm::Constant *c) {
    return allRecords.contains(c);
  });
  // A shared library of a model with no step function says why, for the
  // tool that loads it (seq-run --stream-chunk) to print.
  if (exportDefaultEntry && !abi->step && !abi->noStepReason.empty()) {
    llvm::Constant *text =
        llvm::ConstantDataArray::getString(llvmContext, abi->noStepReason);
    new llvm::GlobalVariable(*llvmModule, text->getType(), /*isConstant=*/true,
                             llvm::GlobalValue::ExternalLinkage, text,
                             "seqc_default_model_no_step_reason");
  }
  // A GPU model's object references the runtime's CUDA loader, so that
  // linking it against the static runtime takes the loader along; the
  // runtime's own references are weak (a CPU-only program links no
  // dlopen). Not a shared library's (--emit=shared): the program that
  // loads it brings the runtime, and seq-run links the loader.
  if ((targetFlags & SEQC_MODEL_FLAG_CUDA) && !exportDefaultEntry) {
    llvm::Type *ptr = llvm::PointerType::getUnqual(llvmContext);
    llvm::FunctionCallee loader = llvmModule->getOrInsertFunction(
        "seqc_rt_cuda_open",
        llvm::FunctionType::get(llvm::Type::getInt32Ty(llvmContext),
                                {llvm::Type::getInt32Ty(llvmContext), ptr, ptr},
                                false));
    auto *anchor = new llvm::GlobalVariable(
        *llvmModule, ptr, /*isConstant=*/true,
        llvm::GlobalValue::InternalLinkage,
        llvm::cast<llvm::Constant>(loader.getCallee()), "seqc.cuda_loader");
    llvm::appendToUsed(*llvmModule, {anchor});
  }
  std::string broken;
  llvm::raw_string_ostream brokenOs(broken);
  if (llvm::verifyModule(*llvmModule, &brokenOs))
    return first.emitError()
           << "the generated LLVM IR does not verify: " << broken;

  // x86-64's small code model reaches data with 32-bit offsets from the
  // code: an object whose constants (weights, packed once per CPU level)
  // come near 2 GiB would not link ("relocation truncated to fit"; a
  // 24-layer d768 GPT-2 at the three default levels was 2.66 GB). Past
  // 1 GiB the constants of 64 KiB or more go to large-data sections
  // (.lrodata, the medium code model), which the linker places after the
  // rest and the code reaches with 64-bit addresses; other models' code
  // is unchanged.
  uint64_t constantBytes = 0;
  const llvm::DataLayout &layout = llvmModule->getDataLayout();
  for (const llvm::GlobalVariable &global : llvmModule->globals())
    if (global.hasInitializer())
      constantBytes += layout.getTypeAllocSize(global.getValueType());
  if (constantBytes > largeDataModelBytes &&
      machine->getTargetTriple().getArch() == llvm::Triple::x86_64) {
    machine->setCodeModel(llvm::CodeModel::Medium);
    machine->setLargeDataThreshold(kLargeDataThreshold);
    llvmModule->setCodeModel(llvm::CodeModel::Medium);
    llvmModule->setLargeDataThreshold(kLargeDataThreshold);
  }

  TimingScope writing = timing.nest(
      kind == CodeKind::LLVMIR ? "print LLVM IR" : "LLVM code generation");
  if (kind == CodeKind::LLVMIR) {
    llvmModule->print(os, nullptr);
    return success();
  }
  llvm::legacy::PassManager codegen;
  auto fileType = kind == CodeKind::Object ? llvm::CodeGenFileType::ObjectFile
                                           : llvm::CodeGenFileType::AssemblyFile;
  if (machine->addPassesToEmitFile(codegen, os, nullptr, fileType))
    return first.emitError() << "the target cannot emit this file type";
  codegen.run(*llvmModule);
  return success();
}

} // namespace seqc
