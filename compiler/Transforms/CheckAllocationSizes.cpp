//===- CheckAllocationSizes.cpp - no wrapped buffer sizes ---------------===//

#include "compiler/Transforms/Passes.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include "llvm/Support/MathExtras.h"

#define DEBUG_TYPE "seqc-check-allocation-sizes"

namespace seqc {
#define GEN_PASS_DEF_CHECKALLOCATIONSIZESPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

struct CheckAllocationSizesPass
    : seqc::impl::CheckAllocationSizesPassBase<CheckAllocationSizesPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation().walk([&](memref::AllocOp op) { allocs.push_back(op); });
    for (memref::AllocOp op : allocs)
      if (failed(guard(op)))
        return signalPassFailure();
  }

  LogicalResult guard(memref::AllocOp op) {
    MemRefType type = op.getType();
    // The static part of the byte count, exact or overflowing (index is
    // 64-bit on every target seqc has; other element types count as one
    // byte, a lower bound).
    Type element = type.getElementType();
    int64_t fixed = element.isIndex() ? 8
                    : element.isIntOrFloat()
                        ? std::max<int64_t>(
                              1, (element.getIntOrFloatBitWidth() + 7) / 8)
                        : 1;
    for (int64_t d : type.getShape()) {
      if (ShapedType::isDynamic(d))
        continue;
      if (llvm::MulOverflow(fixed, d, fixed))
        return op.emitError() << "a buffer of type " << type
                              << " needs more than 2^63 bytes";
    }
    if (op.getDynamicSizes().empty())
      return success();

    OpBuilder b(op);
    Location loc = op.getLoc();
    Value bytes = arith::ConstantIntOp::create(b, loc, b.getI64Type(), fixed);
    Value ok = seqc::seq::createExactProduct(b, loc, bytes,
                                             op.getDynamicSizes())
                   .second;
    Value firstSize = arith::IndexCastOp::create(
        b, loc, b.getI64Type(), op.getDynamicSizes().front());
    seqc::seq::createCheck(
        b, loc, ok, firstSize,
        "the input sizes ask for a buffer of more than 2^63 bytes (or a "
        "negative size): a dimension of {} and the others multiply past it",
        seqc::seq::CheckKind::shape);
    return success();
  }
};

} // namespace
