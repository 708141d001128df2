//===- ObjectEmission.cpp - LLVM dialect module -> object, asm, IR ------===//

#include "compiler/Target/ObjectEmission.h"

#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Export.h"

#include "seqc/abi.h"

#include "llvm/IR/IRBuilder.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/IR/Verifier.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/TargetParser/SubtargetFeature.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/Transforms/IPO/MergeFunctions.h"

#include <mutex>

using namespace mlir;

namespace seqc {

static constexpr uint32_t kAbiVersion = SEQC_ABI_VERSION;

static std::unique_ptr<llvm::TargetMachine>
createTargetMachine(const TargetOptions &options, std::string &error) {
  static std::once_flag initialized;
  std::call_once(initialized, [] {
    llvm::InitializeNativeTarget();
    llvm::InitializeNativeTargetAsmPrinter();
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
  std::unique_ptr<llvm::TargetMachine> machine(target->createTargetMachine(
      triple, cpu, features, llvm::TargetOptions(), llvm::Reloc::PIC_,
      std::nullopt, llvm::CodeGenOptLevel::Aggressive));
  if (!machine) {
    error = "cannot create a target machine for CPU '" + cpu + "'";
    return nullptr;
  }
  // An unknown CPU name only warns inside LLVM; make it an error here.
  if (!machine->getMCSubtargetInfo()->isCPUStringValid(cpu)) {
    error = "unknown CPU '" + options.cpu + "' (try x86-64, x86-64-v3, "
            "znver4 or native)";
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

/// Adds the packed entry `<api>_invoke(void **args)`, the
/// `seqc_model_api` record and its getter(s) for `entry`.
static LogicalResult addAbiGlue(llvm::Module &module, const ModelEntry &entry,
                                uint32_t flags, std::string &error) {
  llvm::LLVMContext &ctx = module.getContext();
  llvm::Type *ptrType = llvm::PointerType::getUnqual(ctx);
  llvm::Type *i32Type = llvm::Type::getInt32Ty(ctx);
  const ModelSignature &sig = entry.signature;
  std::string cifaceName = "_mlir_ciface_" + entry.function;
  llvm::Function *ciface = module.getFunction(cifaceName);
  if (!ciface) {
    error = "the lowered module has no '" + cifaceName + "'";
    return failure();
  }
  // The results record, the tensors, the seqc_model_context.
  size_t numArgs =
      1 + sig.inputs.size() + sig.weights.size() + sig.states.size() + 1;
  if (ciface->arg_size() != numArgs) {
    error = "'" + cifaceName + "' takes " + std::to_string(ciface->arg_size()) +
            " arguments, expected " + std::to_string(numArgs);
    return failure();
  }

  // void <api>_invoke(void **args) { ciface(args[0], args[1], ...); }
  auto *invokeType =
      llvm::FunctionType::get(llvm::Type::getVoidTy(ctx), {ptrType}, false);
  auto *invoke = llvm::Function::Create(invokeType,
                                        llvm::GlobalValue::InternalLinkage,
                                        entry.apiSymbol + "_invoke", module);
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
  auto *api = new llvm::GlobalVariable(module, apiType, /*isConstant=*/true,
                                       llvm::GlobalValue::InternalLinkage,
                                       record, entry.apiSymbol + "_data");

  auto addGetter = [&](const std::string &name) {
    auto *getter = llvm::Function::Create(
        llvm::FunctionType::get(ptrType, {}, false),
        llvm::GlobalValue::ExternalLinkage, name, module);
    llvm::IRBuilder<> gb(llvm::BasicBlock::Create(ctx, "entry", getter));
    gb.CreateRet(api);
  };
  addGetter(entry.apiSymbol);
  if (!entry.defaultSymbol.empty())
    addGetter(entry.defaultSymbol);
  return success();
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

LogicalResult emitCode(ModuleOp module, const TargetOptions &options,
                       CodeKind kind, bool exportDefaultEntry,
                       llvm::raw_pwrite_stream &os) {
  FailureOr<ModelAbi> abi = readModelAbi(module);
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
  registerBuiltinDialectTranslation(*module.getContext());
  registerLLVMDialectTranslation(*module.getContext());

  std::string error;
  std::unique_ptr<llvm::TargetMachine> machine =
      createTargetMachine(options, error);
  if (!machine)
    return module.emitError() << error;

  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule = translateModuleToLLVMIR(
      module, llvmContext, entries.front().signature.name);
  if (!llvmModule)
    return module.emitError() << "translation to LLVM IR failed";
  llvmModule->setTargetTriple(machine->getTargetTriple());
  llvmModule->setDataLayout(machine->createDataLayout());

  // Everything but the ABI getters stays inside the object. With AVX-512,
  // the pipeline's explicit 16-lane vectors stay in zmm registers even on
  // CPUs LLVM tunes for 256-bit vectors (Zen 4), instead of being split
  // into twice as many ymm halves that no longer fit the register file.
  bool wide = hasFeature(*machine, "avx512f");
  for (llvm::Function &f : *llvmModule)
    if (!f.isDeclaration()) {
      f.setLinkage(llvm::GlobalValue::InternalLinkage);
      if (wide)
        f.addFnAttr("min-legal-vector-width", "512");
    }
  // seqc-lower-gpu-launches marks a model whose kernels need a GPU.
  auto target = module->getAttrOfType<StringAttr>("seqc.target");
  uint32_t flags = target && target.getValue() == "cuda"
                       ? SEQC_MODEL_FLAG_CUDA
                       : 0;
  for (const ModelEntry &entry : entries)
    if (failed(addAbiGlue(*llvmModule, entry, flags, error)))
      return module.emitError() << error;
  if (llvm::verifyModule(*llvmModule, &llvm::errs()))
    return module.emitError() << "the generated LLVM IR does not verify";

  // A model with a step api outlines each parallel loop twice, once from
  // the full-sequence function and once from the step function, with the
  // same body; other loops repeat within a function (layers of one shape).
  // Merging identical functions first (LLVM's mergefunc; not part of O3)
  // spares O3 and code generation the copies: for the KV-cache GPT block
  // of examples/seq-models, a fifth of the compile time and a third of the
  // shared library's size.
  llvm::MergeFunctionsPass::runOnModule(*llvmModule);
  auto optimize = makeOptimizingTransformer(/*optLevel=*/3, /*sizeLevel=*/0,
                                            machine.get());
  if (llvm::Error err = optimize(llvmModule.get()))
    return module.emitError() << "LLVM optimization failed: "
                              << llvm::toString(std::move(err));

  if (kind == CodeKind::LLVMIR) {
    llvmModule->print(os, nullptr);
    return success();
  }
  llvm::legacy::PassManager codegen;
  auto fileType = kind == CodeKind::Object ? llvm::CodeGenFileType::ObjectFile
                                           : llvm::CodeGenFileType::AssemblyFile;
  if (machine->addPassesToEmitFile(codegen, os, nullptr, fileType))
    return module.emitError() << "the target cannot emit this file type";
  codegen.run(*llvmModule);
  return success();
}

} // namespace seqc
