//===- LinearToLinalg.cpp - seq.linear to a linalg contraction ----------===//

#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace seqc;

namespace {

/// y = x W^T + b: the leading dimensions of x collapse into the M of one
/// [M, I] x [O, I]^T contraction whose accumulator starts as the broadcast
/// bias (or zero).
struct LinearToGeneric : OpRewritePattern<seq::LinearOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(seq::LinearOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value x = collapseToMatrix(rewriter, loc, op.getInput());
    Value w = op.getWeight();
    Type elementType = getElementTypeOrSelf(x.getType());
    SmallVector<OpFoldResult> sizes = {seq::getDimSize(rewriter, loc, x, 0),
                                       seq::getDimSize(rewriter, loc, w, 0)};
    Value init = seq::createEmptyTensor(rewriter, loc, sizes, elementType);

    AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx),
               k = getAffineDimExpr(2, ctx);
    if (Value bias = op.getBias()) {
      auto broadcast = linalg::GenericOp::create(
          rewriter, loc, TypeRange{init.getType()}, ValueRange{bias},
          ValueRange{init},
          ArrayRef<AffineMap>{AffineMap::get(2, 0, {n}, ctx),
                              AffineMap::get(2, 0, {m, n}, ctx)},
          SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
          [](OpBuilder &b, Location l, ValueRange args) {
            linalg::YieldOp::create(b, l, args[0]);
          });
      init = broadcast.getResult(0);
    } else {
      Value zero = arith::ConstantOp::create(rewriter, loc, elementType,
                                             rewriter.getZeroAttr(elementType));
      init = linalg::FillOp::create(rewriter, loc, ValueRange{zero},
                                    ValueRange{init})
                 .getResult(0);
    }
    auto contraction = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{x, w},
        ValueRange{init},
        ArrayRef<AffineMap>{AffineMap::get(3, 0, {m, k}, ctx),
                            AffineMap::get(3, 0, {n, k}, ctx),
                            AffineMap::get(3, 0, {m, n}, ctx)},
        {utils::IteratorType::parallel, utils::IteratorType::parallel,
         utils::IteratorType::reduction},
        [](OpBuilder &b, Location l, ValueRange args) {
          Value product = arith::MulFOp::create(b, l, args[0], args[1]);
          linalg::YieldOp::create(b, l,
                                  arith::AddFOp::create(b, l, args[2], product)
                                      .getResult());
        });
    Value result =
        expandFromMatrix(rewriter, loc, contraction.getResult(0), op.getInput());
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
