//===- ElementwiseToLinalg.cpp - seq.activation and seq.embedding -------===//

#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace seqc;

namespace {

struct ActivationToGeneric : OpRewritePattern<seq::ActivationOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(seq::ActivationOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    Value init = seq::createEmptyTensor(rewriter, loc,
                                        tensor::getMixedSizes(rewriter, loc, input),
                                        getElementTypeOrSelf(input.getType()));
    seq::ActivationAttr act = op.getKind();
    auto generic = createElementwiseGeneric(
        rewriter, loc, ValueRange{input}, init,
        [&](OpBuilder &b, Location l, ValueRange args) {
          return seq::emitActivation(b, l, act, args[0]);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// result[i..., e] = table[clamp(indices[i...]), e]. The clamp keeps a bad
/// index from reading outside the table; the runtime validates index inputs
/// before the run.
struct EmbeddingToGeneric : OpRewritePattern<seq::EmbeddingOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(seq::EmbeddingOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value indices = op.getIndices(), table = op.getTable();
    int64_t rank = cast<RankedTensorType>(indices.getType()).getRank();
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, indices);
    sizes.push_back(seq::getDimSize(rewriter, loc, table, 1));
    Value init = seq::createEmptyTensor(rewriter, loc, sizes,
                                        getElementTypeOrSelf(table.getType()));
    Value rows = getValueOrCreateConstantIndexOp(
        rewriter, loc, seq::getDimSize(rewriter, loc, table, 0));
    SmallVector<AffineExpr> indexExprs;
    for (int64_t i = 0; i < rank; ++i)
      indexExprs.push_back(getAffineDimExpr(i, ctx));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank + 1, 0, indexExprs, ctx),
        rewriter.getMultiDimIdentityMap(rank + 1)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{indices},
        ValueRange{init}, maps,
        SmallVector<utils::IteratorType>(rank + 1,
                                         utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value index =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value maxRow = arith::SubIOp::create(
              b, l, rows, arith::ConstantIndexOp::create(b, l, 1));
          index = arith::MaxSIOp::create(b, l, index, zero);
          index = arith::MinSIOp::create(b, l, index, maxRow);
          Value column = linalg::IndexOp::create(b, l, rank);
          Value value = tensor::ExtractOp::create(b, l, table,
                                                  ValueRange{index, column});
          linalg::YieldOp::create(b, l, value);
        });
    Value result = generic.getResult(0);
    if (result.getType() != op.getType())
      result = tensor::CastOp::create(rewriter, loc, op.getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void seqc::populateElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ActivationToGeneric, EmbeddingToGeneric>(patterns.getContext());
}
