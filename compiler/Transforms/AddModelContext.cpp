//===- AddModelContext.cpp - the model-context argument of each entry ----===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"

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
      unsigned last = func.getNumArguments();
      if (last > 0 && func.getArgAttr(last - 1, seqc::kModelContextAttr))
        continue; // already has one
      if (failed(func.insertArgument(last, ptrType, marker, func.getLoc())))
        return signalPassFailure();
    }
  }
};

} // namespace
