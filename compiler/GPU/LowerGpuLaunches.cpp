//===- LowerGpuLaunches.cpp - kernels and weights via the model context --===//
//
// Upstream lowers gpu.launch_func and gpu.binary, at translation, to calls
// of MLIR's CUDA runtime wrappers (mgpuModuleLoad, mgpuLaunchKernel, ...),
// loads every module from a global constructor and aborts on any driver
// error. A compiled model must instead load nothing until it runs, depend
// on no GPU library, and report a failure as a status: so launches go
// through the function pointers of the seqc_model_context (abi.h), whose
// runtime side (runtime/src/cuda.c) opens the driver with dlopen.
//
//===----------------------------------------------------------------------===//

#include "compiler/GPU/Passes.h"

#include "compiler/Transforms/Passes.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "seqc/abi.h"

#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include <cstddef>

#define DEBUG_TYPE "seqc-lower-gpu-launches"

namespace seqc {
#define GEN_PASS_DEF_LOWERGPULAUNCHESPASS
#include "compiler/GPU/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// A NUL-terminated internal constant string global named `name`.
static LLVM::GlobalOp createStringGlobal(OpBuilder &b, ModuleOp module,
                                         Location loc, StringRef name,
                                         StringRef text) {
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(module.getBody());
  std::string value = text.str();
  value.push_back('\0');
  auto type = LLVM::LLVMArrayType::get(b.getI8Type(), value.size());
  auto global = LLVM::GlobalOp::create(b, loc, type, /*isConstant=*/true,
                                       LLVM::Linkage::Internal, name,
                                       b.getStringAttr(value));
  SymbolTable(module).insert(global);
  return global;
}

struct LowerGpuLaunchesPass
    : seqc::impl::LowerGpuLaunchesPassBase<LowerGpuLaunchesPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    OpBuilder b(&getContext());
    if (failed(replaceBinaries(b)))
      return signalPassFailure();
    for (auto func : llvm::to_vector(module.getOps<LLVM::LLVMFuncOp>()))
      if (failed(lowerFunction(b, func)))
        return signalPassFailure();
    WalkResult leftover = module.walk([](gpu::LaunchFuncOp launch) {
      launch.emitError() << "a GPU kernel launched from a function without a "
                            "model context (only public functions get one: "
                            "seqc-add-model-context)";
      return WalkResult::interrupt();
    });
    if (leftover.wasInterrupted())
      return signalPassFailure();
    module->removeAttr(gpu::GPUDialect::getContainerModuleAttrName());
    module->setAttr(seqc::kTargetAttr, b.getStringAttr("cuda"));
  }

  /// gpu.binary -> a PTX string global per module.
  LogicalResult replaceBinaries(OpBuilder &b) {
    ModuleOp module = getOperation();
    for (auto binary : llvm::to_vector(module.getOps<gpu::BinaryOp>())) {
      ArrayRef<Attribute> objects = binary.getObjectsAttr().getValue();
      auto object = objects.size() == 1
                        ? dyn_cast<gpu::ObjectAttr>(objects.front())
                        : gpu::ObjectAttr();
      if (!object ||
          object.getFormat() != gpu::CompilationTarget::Assembly)
        return binary.emitError()
               << "expected one PTX object (gpu-module-to-binary "
                  "format=isa) in GPU module '"
               << binary.getName() << "'";
      StringRef ptx = object.getObject().getValue();
      LLVM::GlobalOp global = createStringGlobal(
          b, module, binary.getLoc(), ("seqc_ptx_" + binary.getName()).str(),
          ptx);
      ptxGlobals[binary.getNameAttr()] = global.getSymName().str();
      binary.erase();
    }
    return success();
  }

  /// The global holding `kernel`'s NUL-terminated name.
  StringRef kernelNameGlobal(OpBuilder &b, gpu::LaunchFuncOp launch) {
    std::string symbol = ("seqc_kernel_" + launch.getKernelModuleName().str() +
                          "_" + launch.getKernelName().str());
    auto [it, inserted] = kernelNames.try_emplace(symbol, "");
    if (inserted)
      it->second = createStringGlobal(b, getOperation(), launch.getLoc(),
                                      symbol, launch.getKernelName())
                       .getSymName()
                       .str();
    return it->second;
  }

  /// The constant globals (weights) whose address `func` takes.
  static SmallVector<LLVM::AddressOfOp> constantUses(LLVM::LLVMFuncOp func,
                                                     ModuleOp module) {
    SmallVector<LLVM::AddressOfOp> uses;
    func.walk([&](LLVM::AddressOfOp address) {
      auto global = dyn_cast_or_null<LLVM::GlobalOp>(
          SymbolTable::lookupSymbolIn(module, address.getGlobalNameAttr()));
      if (global && global.getConstant())
        uses.push_back(address);
    });
    return uses;
  }

  LogicalResult lowerFunction(OpBuilder &b, LLVM::LLVMFuncOp func) {
    if (func.isExternal())
      return success();
    std::optional<unsigned> contextIndex;
    for (unsigned i = 0; i < func.getNumArguments(); ++i)
      if (func.getArgAttr(i, seqc::kModelContextAttr))
        contextIndex = i;
    if (!contextIndex)
      return success();
    ModuleOp module = getOperation();
    MLIRContext *ctx = &getContext();
    Location loc = func.getLoc();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i32 = IntegerType::get(ctx, 32), i64 = IntegerType::get(ctx, 64);
    Value context = func.getArgument(*contextIndex);
    Block &entry = func.getBody().front();
    b.setInsertionPointToStart(&entry);
    auto field = [&](size_t offset) -> Value {
      Value address = LLVM::GEPOp::create(
          b, loc, ptr, b.getI8Type(), context,
          ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(offset)});
      return LLVM::LoadOp::create(b, loc, ptr, address);
    };

    // The GPU, checked before anything runs.
    Value launchFn = field(offsetof(seqc_model_context, gpu_launch));
    Value constantFn = field(offsetof(seqc_model_context, gpu_constant));
    Value gpu = field(offsetof(seqc_model_context, gpu));
    Value null = LLVM::ZeroOp::create(b, loc, ptr);
    // (One statement each: the order of the ops must not depend on the
    // compiler's order of evaluating arguments.)
    Value hasLaunch =
        LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, launchFn, null);
    Value hasConstant = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne,
                                             constantFn, null);
    Value hasGpu = LLVM::AndOp::create(b, loc, hasLaunch, hasConstant);
    seqc::seq::createCheck(
        b, loc, hasGpu, /*value=*/Value(),
        "the model was compiled with --target=cuda, but its context has no "
        "GPU (seqc_rt_cuda_attach in seqc/cuda.h sets one up)",
        seqc::seq::CheckKind::device);

    // Weights: the device's copy, once per function call.
    DataLayout layout(module);
    llvm::DenseMap<StringAttr, Value> deviceCopies;
    for (LLVM::AddressOfOp address : constantUses(func, module)) {
      StringAttr name = address.getGlobalNameAttr().getAttr();
      Value &copy = deviceCopies[name];
      if (!copy) {
        auto global = cast<LLVM::GlobalOp>(
            SymbolTable::lookupSymbolIn(module, name));
        int64_t bytes = layout.getTypeSize(global.getGlobalType());
        Value host = LLVM::AddressOfOp::create(b, loc, ptr, name);
        Value size = LLVM::ConstantOp::create(b, loc, i64, bytes);
        copy = LLVM::CallOp::create(
                   b, loc, LLVM::LLVMFunctionType::get(ptr, {ptr, ptr, i64}),
                   ValueRange{constantFn, gpu, host, size})
                   .getResult();
        Value ok =
            LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, copy, null);
        seqc::seq::createCheck(
            b, loc, ok, size,
            "out of GPU memory: copying a weight of {} bytes to the device "
            "failed",
            seqc::seq::CheckKind::device);
      }
      address.replaceAllUsesWith(copy);
      address.erase();
    }

    // Launches: one record of operands, their slots and the sizes in the
    // entry block, shared by every launch of the function (launches are
    // synchronous; a launch inside the time loop must not grow the stack
    // every step, nor a model of many kernels by a record each).
    SmallVector<gpu::LaunchFuncOp> launches;
    func.walk([&](gpu::LaunchFuncOp launch) { launches.push_back(launch); });
    if (launches.empty())
      return success();
    size_t maxOperands = 1;
    for (gpu::LaunchFuncOp launch : launches)
      maxOperands = std::max<size_t>(maxOperands,
                                     launch.getKernelOperands().size());
    b.setInsertionPointToStart(&entry);
    Value one = LLVM::ConstantOp::create(b, loc, i64, 1);
    // Every operand (an index, a pointer or size of a descriptor, a scalar)
    // fits a 64-bit slot.
    auto slots = LLVM::AllocaOp::create(
        b, loc, ptr, LLVM::LLVMArrayType::get(ptr, maxOperands), one);
    auto values = LLVM::AllocaOp::create(
        b, loc, ptr, LLVM::LLVMArrayType::get(i64, maxOperands), one);
    auto dims = LLVM::AllocaOp::create(b, loc, ptr,
                                       LLVM::LLVMArrayType::get(i64, 6), one);
    for (gpu::LaunchFuncOp launch : launches) {
      if (!launch.getAsyncDependencies().empty() || launch.getAsyncToken() ||
          launch.hasClusterSize() || launch.getDynamicSharedMemorySize())
        return launch.emitError()
               << "seqc launches kernels synchronously, without clusters or "
                  "dynamic shared memory";
      auto ptx = ptxGlobals.find(launch.getKernelModuleName());
      if (ptx == ptxGlobals.end())
        return launch.emitError() << "no PTX for GPU module '"
                                  << launch.getKernelModuleName() << "'";
      Location at = launch.getLoc();
      b.setInsertionPoint(launch);
      for (auto [i, operand] : llvm::enumerate(launch.getKernelOperands())) {
        if (layout.getTypeSize(operand.getType()) > 8)
          return launch.emitError()
                 << "kernel operand " << i << " of type " << operand.getType()
                 << " does not fit a 64-bit parameter slot";
        Value value = LLVM::GEPOp::create(
            b, at, ptr, i64, values,
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
        LLVM::StoreOp::create(b, at, operand, value);
        Value slot = LLVM::GEPOp::create(
            b, at, ptr, ptr, slots,
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
        LLVM::StoreOp::create(b, at, value, slot);
      }
      gpu::KernelDim3 grid = launch.getGridSizeOperandValues();
      gpu::KernelDim3 block = launch.getBlockSizeOperandValues();
      Value extents[] = {grid.x, grid.y, grid.z, block.x, block.y, block.z};
      for (auto [i, extent] : llvm::enumerate(extents)) {
        Value slot = LLVM::GEPOp::create(
            b, at, ptr, i64, dims,
            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(i)});
        LLVM::StoreOp::create(b, at, extent, slot);
      }
      Value ptxText = LLVM::AddressOfOp::create(b, at, ptr, ptx->second);
      Value kernel =
          LLVM::AddressOfOp::create(b, at, ptr, kernelNameGlobal(b, launch));
      Value error =
          LLVM::CallOp::create(
              b, at, LLVM::LLVMFunctionType::get(i32, {ptr, ptr, ptr, ptr, ptr}),
              ValueRange{launchFn, gpu, ptxText, kernel, dims, slots})
              .getResult();
      Value ok = LLVM::ICmpOp::create(
          b, at, LLVM::ICmpPredicate::eq, error,
          LLVM::ConstantOp::create(b, at, i32, 0));
      Value code = LLVM::SExtOp::create(b, at, i64, error);
      seqc::seq::createCheck(
          b, at, ok, code,
          "GPU kernel '" + launch.getKernelName().getValue() +
              "' failed: CUDA error {}",
          seqc::seq::CheckKind::device);
      launch.erase();
    }
    return success();
  }

  llvm::DenseMap<StringAttr, std::string> ptxGlobals;
  llvm::StringMap<std::string> kernelNames;
};

} // namespace
