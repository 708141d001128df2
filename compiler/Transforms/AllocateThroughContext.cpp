//===- AllocateThroughContext.cpp - buffers from the caller's allocator --===//
//
// finalize-memref-to-llvm makes every memref.alloc an aligned_alloc call and
// every memref.dealloc a free call. A model run then maps fresh pages for
// each large temporary and gives them back when it frees them: on the hosts
// seqc targets a page fault costs ~10 us, and a transformer layer takes
// about a thousand per call. Here the entries' allocations go through the
// allocator of their seqc_model_context (abi.h), which seqc's runtime backs
// with a cache of mapped blocks; a context without one keeps aligned_alloc
// and free, so the object still needs nothing but libc.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Threads.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#include "seqc/abi.h"

#define DEBUG_TYPE "seqc-allocate-through-context"

namespace seqc {
#define GEN_PASS_DEF_ALLOCATETHROUGHCONTEXTPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

std::optional<unsigned> contextArgument(LLVM::LLVMFuncOp func) {
  for (unsigned i = 0; i < func.getNumArguments(); ++i)
    if (func.getArgAttr(i, seqc::kModelContextAttr))
      return i;
  return std::nullopt;
}

/// Builds the two internal helpers: each loads the context's function
/// pointer and calls it, or the libc function when it is null.
class HelperBuilder {
public:
  explicit HelperBuilder(ModuleOp module) : module(module) {}

  LogicalResult build() {
    MLIRContext *ctx = module.getContext();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto i64 = IntegerType::get(ctx, 64);
    auto voidType = LLVM::LLVMVoidType::get(ctx);
    LLVM::LLVMFuncOp alignedAlloc =
        declare("aligned_alloc", LLVM::LLVMFunctionType::get(ptr, {i64, i64}));
    LLVM::LLVMFuncOp free =
        declare("free", LLVM::LLVMFunctionType::get(voidType, {ptr}));
    if (!alignedAlloc || !free)
      return failure();
    define(seqc::kModelAllocFunction,
           LLVM::LLVMFunctionType::get(ptr, {ptr, i64, i64}),
           offsetof(seqc_model_context, alloc), alignedAlloc);
    // Also decided by `alloc` (abi.h: alloc and free are set together),
    // so a block always goes back to the allocator it came from.
    define(seqc::kModelFreeFunction,
           LLVM::LLVMFunctionType::get(voidType, {ptr, ptr}),
           offsetof(seqc_model_context, free), free);
    return success();
  }

private:
  /// The libc function, declared once; null (with an error) when the module
  /// already has that symbol with another type.
  LLVM::LLVMFuncOp declare(StringRef name, LLVM::LLVMFunctionType type) {
    if (auto existing = module.lookupSymbol<LLVM::LLVMFuncOp>(name)) {
      if (existing.getFunctionType() == type)
        return existing;
      existing.emitError() << "'" << name << "' has type "
                           << existing.getFunctionType() << ", expected "
                           << type;
      return nullptr;
    }
    OpBuilder b = OpBuilder::atBlockBegin(module.getBody());
    return LLVM::LLVMFuncOp::create(b, module.getLoc(), name, type);
  }

  /// helper(context, args...) = context->alloc ? context->fn(
  /// context->allocator, args...) : libc(args...).
  void define(StringRef name, LLVM::LLVMFunctionType type, size_t fnOffset,
              LLVM::LLVMFuncOp libc) {
    MLIRContext *ctx = module.getContext();
    Location loc = module.getLoc();
    OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
    auto func =
        LLVM::LLVMFuncOp::create(b, loc, name, type, LLVM::Linkage::Internal);
    Block *entry = func.addEntryBlock(b);
    Block *custom = new Block(), *plain = new Block();
    func.getBody().push_back(custom);
    func.getBody().push_back(plain);
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    Value context = entry->getArgument(0);
    SmallVector<Value> args(entry->getArguments().drop_front());
    auto fieldAt = [&](size_t offset) {
      return seqc::createContextLoad(b, loc, context, offset, ptr);
    };
    b.setInsertionPointToEnd(entry);
    Value alloc = fieldAt(offsetof(seqc_model_context, alloc));
    Value none = LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::eq, alloc,
                                      LLVM::ZeroOp::create(b, loc, ptr));
    LLVM::CondBrOp::create(b, loc, none, plain, custom);

    auto finish = [&](LLVM::CallOp call) {
      if (type.getReturnType() == LLVM::LLVMVoidType::get(ctx))
        LLVM::ReturnOp::create(b, loc, ValueRange());
      else
        LLVM::ReturnOp::create(b, loc, call.getResult());
    };
    b.setInsertionPointToEnd(plain);
    finish(LLVM::CallOp::create(b, loc, libc, args));

    b.setInsertionPointToEnd(custom);
    Value fn = fnOffset == offsetof(seqc_model_context, alloc)
                   ? alloc
                   : fieldAt(fnOffset);
    SmallVector<Value> customArgs{
        fn, fieldAt(offsetof(seqc_model_context, allocator))};
    customArgs.append(args);
    SmallVector<Type> params{ptr};
    params.append(type.getParams().begin() + 1, type.getParams().end());
    auto customType = LLVM::LLVMFunctionType::get(type.getReturnType(), params);
    finish(LLVM::CallOp::create(b, loc, customType, customArgs));
  }

  ModuleOp module;
};

struct AllocateThroughContextPass
    : seqc::impl::AllocateThroughContextPassBase<AllocateThroughContextPass> {
  using Base::Base;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (module.lookupSymbol(seqc::kModelAllocFunction) ||
        module.lookupSymbol(seqc::kModelFreeFunction)) {
      module.emitError() << "the module already defines '"
                         << seqc::kModelAllocFunction << "' or '"
                         << seqc::kModelFreeFunction << "'";
      return signalPassFailure();
    }
    // Functions without a context (private helpers of a hand-written
    // module) keep aligned_alloc and free: ownership-based deallocation
    // never frees a buffer in a function other than the one that allocated
    // it or received it as a result, and the runtime's cache passes a block
    // it did not hand out to free().
    bool any = false;
    for (auto func : module.getOps<LLVM::LLVMFuncOp>())
      if (!func.isExternal() && contextArgument(func))
        func.walk([&](LLVM::CallOp call) {
          std::optional<StringRef> callee = call.getCallee();
          any |= callee && (*callee == "aligned_alloc" || *callee == "free");
        });
    if (!any)
      return;
    if (failed(HelperBuilder(module).build()))
      return signalPassFailure();
    for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
      std::optional<unsigned> index = contextArgument(func);
      if (func.isExternal() || !index ||
          func.getName() == seqc::kModelAllocFunction ||
          func.getName() == seqc::kModelFreeFunction)
        continue;
      Value context = func.getArgument(*index);
      func.walk([&](LLVM::CallOp call) {
        std::optional<StringRef> callee = call.getCallee();
        if (!callee || (*callee != "aligned_alloc" && *callee != "free"))
          return;
        OpBuilder b(call);
        SmallVector<Value> args{context};
        args.append(call.getArgOperands().begin(), call.getArgOperands().end());
        StringRef helper = *callee == "free" ? seqc::kModelFreeFunction
                                             : seqc::kModelAllocFunction;
        auto target = module.lookupSymbol<LLVM::LLVMFuncOp>(helper);
        auto replacement = LLVM::CallOp::create(b, call.getLoc(), target, args);
        call->replaceAllUsesWith(replacement);
        call.erase();
      });
    }
  }
};

} // namespace
