//===- DecomposeAggregatedOps.cpp - linalg.softmax and kin to generics --===//
//
// Also drops the statically empty operands of tensor.concat, which
// bufferization cannot slice.

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "seqc-decompose-aggregated-ops"

namespace seqc {
#define GEN_PASS_DEF_DECOMPOSEAGGREGATEDOPSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

struct DecomposeAggregate
    : OpInterfaceRewritePattern<linalg::AggregatedOpInterface> {
  using OpInterfaceRewritePattern::OpInterfaceRewritePattern;
  LogicalResult matchAndRewrite(linalg::AggregatedOpInterface op,
                                PatternRewriter &rewriter) const override {
    FailureOr<SmallVector<Value>> results = op.decomposeOperation(rewriter);
    if (failed(results))
      return rewriter.notifyMatchFailure(op, "cannot be decomposed");
    rewriter.replaceOp(op, *results);
    return success();
  }
};

/// tensor.concat without its operands that are statically empty along the
/// concatenated dimension (shape vectors an exporter concatenates with an
/// empty constant). Bufferized, such an operand becomes a subview at the
/// end of the result, which memref.subview's verifier rejects ("offset 0
/// is out-of-bounds: 4 >= 4") and the compiler would stop there.
struct DropEmptyConcatOperands : OpRewritePattern<tensor::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tensor::ConcatOp op,
                                PatternRewriter &rewriter) const override {
    int64_t dim = op.getDim();
    SmallVector<Value> kept;
    for (Value v : op.getInputs())
      if (cast<RankedTensorType>(v.getType()).getDimSize(dim) != 0)
        kept.push_back(v);
    if (kept.size() == op.getInputs().size())
      return rewriter.notifyMatchFailure(op, "no empty operand");
    RankedTensorType type = op.getResultType();
    Value replacement;
    if (kept.empty()) {
      // Every operand empty: an empty result, sized like the first one.
      Value first = op.getInputs().front();
      SmallVector<OpFoldResult> sizes =
          tensor::getMixedSizes(rewriter, op.getLoc(), first);
      replacement = tensor::EmptyOp::create(rewriter, op.getLoc(), sizes,
                                            type.getElementType());
    } else if (kept.size() == 1) {
      replacement = kept.front();
    } else {
      replacement = tensor::ConcatOp::create(rewriter, op.getLoc(), dim, kept);
    }
    if (replacement.getType() != type)
      replacement =
          tensor::CastOp::create(rewriter, op.getLoc(), type, replacement);
    rewriter.replaceOp(op, replacement);
    return success();
  }
};

struct DecomposeAggregatedOpsPass
    : seqc::impl::DecomposeAggregatedOpsPassBase<DecomposeAggregatedOpsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    seqc::populateDecomposeAggregatedOpsPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void seqc::populateDecomposeAggregatedOpsPatterns(RewritePatternSet &patterns) {
  patterns.add<DecomposeAggregate, DropEmptyConcatOperands>(
      patterns.getContext());
}
