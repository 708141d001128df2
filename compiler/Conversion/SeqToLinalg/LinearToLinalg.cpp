//===- LinearToLinalg.cpp - seq.linear to a linalg contraction ----------===//

#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace seqc;

namespace {

/// y = x W^T + b as one contraction over the input's own leading
/// dimensions (no reshapes: memref.expand_shape of several dynamic sizes in
/// one group does not lower), accumulating into the broadcast bias (or 0).
struct LinearToGeneric : OpRewritePattern<seq::LinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(seq::LinearOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = op.getInput(), w = op.getWeight();
    auto xType = cast<RankedTensorType>(x.getType());
    int64_t batchRank = xType.getRank() - 1;
    Type elementType = xType.getElementType();

    // Iteration space: (leading dims..., n, k).
    SmallVector<AffineExpr> leading;
    for (int64_t i = 0; i < batchRank; ++i)
      leading.push_back(getAffineDimExpr(i, ctx));
    AffineExpr n = getAffineDimExpr(batchRank, ctx);
    AffineExpr k = getAffineDimExpr(batchRank + 1, ctx);
    auto withTail = [&](AffineExpr e) {
      SmallVector<AffineExpr> exprs(leading);
      exprs.push_back(e);
      return exprs;
    };

    SmallVector<OpFoldResult> sizes;
    for (int64_t i = 0; i < batchRank; ++i)
      sizes.push_back(seq::getDimSize(rewriter, loc, x, i));
    sizes.push_back(seq::getDimSize(rewriter, loc, w, 0));
    Value init = seq::createEmptyTensor(rewriter, loc, sizes, elementType);
    int64_t outRank = batchRank + 1;
    if (Value bias = op.getBias()) {
      init = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{init.getType()}, ValueRange{bias},
                 ValueRange{init},
                 ArrayRef<AffineMap>{
                     AffineMap::get(outRank, 0, {getAffineDimExpr(batchRank, ctx)},
                                    ctx),
                     rewriter.getMultiDimIdentityMap(outRank)},
                 SmallVector<utils::IteratorType>(outRank,
                                                  utils::IteratorType::parallel),
                 [](OpBuilder &b, Location l, ValueRange args) {
                   linalg::YieldOp::create(b, l, args[0]);
                 })
                 .getResult(0);
    } else {
      Value zero = arith::ConstantOp::create(rewriter, loc, elementType,
                                             rewriter.getZeroAttr(elementType));
      init = linalg::FillOp::create(rewriter, loc, ValueRange{zero},
                                    ValueRange{init})
                 .getResult(0);
    }
    SmallVector<utils::IteratorType> iterators(outRank,
                                               utils::IteratorType::parallel);
    iterators.push_back(utils::IteratorType::reduction);
    auto contraction = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{x, w},
        ValueRange{init},
        ArrayRef<AffineMap>{AffineMap::get(outRank + 1, 0, withTail(k), ctx),
                            AffineMap::get(outRank + 1, 0, {n, k}, ctx),
                            AffineMap::get(outRank + 1, 0, withTail(n), ctx)},
        iterators, [](OpBuilder &b, Location l, ValueRange args) {
          // A dot product may be summed in any order and fused into FMAs;
          // saying so lets LLVM vectorize the reduction over k.
          auto fast = arith::FastMathFlags::reassoc |
                      arith::FastMathFlags::contract;
          Value product =
              arith::MulFOp::create(b, l, args[0], args[1], fast);
          linalg::YieldOp::create(
              b, l,
              arith::AddFOp::create(b, l, args[2], product, fast).getResult());
        });
    // seqc-lower-dot-contractions finds it by this mark after
    // bufferization (and checks its form).
    contraction->setAttr("seq.contraction", rewriter.getUnitAttr());
    Value result = contraction.getResult(0);
    if (result.getType() != op.getType())
      result = tensor::CastOp::create(rewriter, loc, op.getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void seqc::populateLinearToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LinearToGeneric>(patterns.getContext());
}
