//===- SeqToLinalgPass.cpp - convert-seq-to-linalg ----------------------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace seqc {
#define GEN_PASS_DEF_CONVERTSEQTOLINALGPASS
#include "compiler/Conversion/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc;

Value seqc::collapseToMatrix(OpBuilder &b, Location loc, Value value) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  if (rank == 2)
    return value;
  if (rank == 1) {
    auto matrixType =
        RankedTensorType::get({1, type.getDimSize(0)}, type.getElementType());
    return tensor::ExpandShapeOp::create(
        b, loc, matrixType, value, SmallVector<ReassociationIndices>{{0, 1}},
        SmallVector<OpFoldResult>{b.getIndexAttr(1),
                                  seq::getDimSize(b, loc, value, 0)});
  }
  ReassociationIndices leading;
  int64_t rows = 1;
  for (int64_t i = 0; i + 1 < rank; ++i) {
    leading.push_back(i);
    rows = (ShapedType::isDynamic(rows) || type.isDynamicDim(i))
               ? ShapedType::kDynamic
               : rows * type.getDimSize(i);
  }
  auto matrixType = RankedTensorType::get({rows, type.getDimSize(rank - 1)},
                                          type.getElementType());
  return tensor::CollapseShapeOp::create(
      b, loc, matrixType, value,
      SmallVector<ReassociationIndices>{leading, {rank - 1}});
}

Value seqc::expandFromMatrix(OpBuilder &b, Location loc, Value matrix,
                             Value like) {
  auto likeType = cast<RankedTensorType>(like.getType());
  auto matrixType = cast<RankedTensorType>(matrix.getType());
  int64_t rank = likeType.getRank();
  if (rank == 2)
    return matrix;
  SmallVector<int64_t> shape(likeType.getShape());
  shape.back() = matrixType.getDimSize(1);
  auto resultType = RankedTensorType::get(shape, matrixType.getElementType());
  SmallVector<OpFoldResult> sizes;
  for (int64_t i = 0; i + 1 < rank; ++i)
    sizes.push_back(seq::getDimSize(b, loc, like, i));
  sizes.push_back(seq::getDimSize(b, loc, matrix, 1));
  if (rank == 1)
    return tensor::CollapseShapeOp::create(
        b, loc, resultType, matrix, SmallVector<ReassociationIndices>{{0, 1}});
  ReassociationIndices leading;
  for (int64_t i = 0; i + 1 < rank; ++i)
    leading.push_back(i);
  return tensor::ExpandShapeOp::create(
      b, loc, resultType, matrix,
      SmallVector<ReassociationIndices>{leading, {rank - 1}}, sizes);
}

linalg::GenericOp seqc::createElementwiseGeneric(
    OpBuilder &b, Location loc, ValueRange inputs, Value init,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = cast<RankedTensorType>(init.getType()).getRank();
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value result = body(nb, nl, args.drop_back());
        linalg::YieldOp::create(nb, nl, result);
      });
}

void seqc::populateSeqToLinalgPatterns(RewritePatternSet &patterns) {
  populateLinearToLinalgPatterns(patterns);
  populateNormToLinalgPatterns(patterns);
  populateElementwiseToLinalgPatterns(patterns);
  populateConv1dToLinalgPatterns(patterns);
  populateAttentionToLinalgPatterns(patterns);
}

namespace {
struct ConvertSeqToLinalgPass
    : seqc::impl::ConvertSeqToLinalgPassBase<ConvertSeqToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSeqToLinalgPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
