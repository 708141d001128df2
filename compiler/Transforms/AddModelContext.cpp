//===- AddModelContext.cpp - the model-context argument of each entry ----===//

#include "compiler/Transforms/Passes.h"
#include "dialects/Seq/Transforms/StepFunction.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

#define DEBUG_TYPE "seqc-add-model-context"

namespace seqc {
#define GEN_PASS_DEF_ADDMODELCONTEXTPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

struct AddModelContextPass
    : seqc::impl::AddModelContextPassBase<AddModelContextPass> {
  using Base::Base;
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    auto ptrType = LLVM::LLVMPointerType::get(ctx);
    auto marker = DictionaryAttr::get(
        ctx, {NamedAttribute(StringAttr::get(ctx, seqc::kModelContextAttr),
                             UnitAttr::get(ctx))});
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (!func.isPublic() || func.isExternal())
        continue;
      // The caller's tensors are read-only: bufferization copies an input
      // that the model would update in place (a recurrence's initial state
      // becomes its carried state) instead of writing the caller's buffer.
      // Only a state the step updates in place (a key/value cache, whose
      // buffer the stream owns) is written.
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        if (isa<TensorType>(func.getArgument(i).getType()))
          func.setArgAttr(
              i, "bufferization.writable",
              BoolAttr::get(ctx, static_cast<bool>(
                                     func.getArgAttr(i, seqc::seq::kInPlaceAttr))));
      unsigned last = func.getNumArguments();
      if (last > 0 && func.getArgAttr(last - 1, seqc::kModelContextAttr))
        continue; // already has one
      if (failed(func.insertArgument(last, ptrType, marker, func.getLoc())))
        return signalPassFailure();
    }
  }
};

} // namespace
