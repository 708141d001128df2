//===- ExpandShapeToReinterpretCast.cpp - around an LLVM 22 crash -------===//
//
// A memref.expand_shape that splits one dimension into several of run-time
// size, written as the reinterpret_cast it is for a row-major buffer,
// because LLVM 22's expand-strided-metadata crashes on it (Passes.td).
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "seqc-expand-shape-to-reinterpret-cast"

namespace seqc {
#define GEN_PASS_DEF_EXPANDSHAPETOREINTERPRETCASTPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Whether some reassociation group of `op` holds two or more dimensions
/// of run-time size.
bool splitsIntoRuntimeSizes(memref::ExpandShapeOp op) {
  MemRefType type = op.getResultType();
  for (const ReassociationIndices &group : op.getReassociationIndices())
    if (llvm::count_if(group, [&](int64_t d) { return type.isDynamicDim(d); }) >
        1)
      return true;
  return false;
}

struct ExpandShapeToReinterpretCast : OpRewritePattern<memref::ExpandShapeOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(memref::ExpandShapeOp op,
                                PatternRewriter &rewriter) const override {
    MemRefType source = op.getSrcType(), result = op.getResultType();
    if (!splitsIntoRuntimeSizes(op) || !source.getLayout().isIdentity() ||
        !result.getLayout().isIdentity())
      return failure();
    Location loc = op.getLoc();
    SmallVector<OpFoldResult> sizes = op.getMixedOutputShape();
    // Row-major strides: each the product of the sizes inside it.
    SmallVector<OpFoldResult> strides(sizes.size());
    OpFoldResult stride = rewriter.getIndexAttr(1);
    for (int64_t d = static_cast<int64_t>(sizes.size()) - 1; d >= 0; --d) {
      strides[d] = stride;
      std::optional<int64_t> a = getConstantIntValue(stride),
                             b = getConstantIntValue(sizes[d]);
      if (a && b)
        stride = rewriter.getIndexAttr(*a * *b);
      else
        stride = arith::MulIOp::create(
                     rewriter, loc,
                     getValueOrCreateConstantIndexOp(rewriter, loc, stride),
                     getValueOrCreateConstantIndexOp(rewriter, loc, sizes[d]))
                     .getResult();
    }
    rewriter.replaceOpWithNewOp<memref::ReinterpretCastOp>(
        op, result, op.getSrc(), rewriter.getIndexAttr(0), sizes, strides);
    return success();
  }
};

struct ExpandShapeToReinterpretCastPass
    : seqc::impl::ExpandShapeToReinterpretCastPassBase<
          ExpandShapeToReinterpretCastPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<ExpandShapeToReinterpretCast>(&getContext());
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
