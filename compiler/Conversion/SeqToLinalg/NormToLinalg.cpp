//===- NormToLinalg.cpp - seq.layer_norm and seq.rms_norm ---------------===//
//
// Both collapse to [M, N] (N = the normalized dimensions) and run one
// reduction generic for the statistics and one elementwise generic that
// normalizes, scales and shifts.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace seqc;

namespace {

/// [d0, .., dk] -> [prod(d0..d(axis-1)), prod(d(axis)..dk)].
Value collapseAround(OpBuilder &b, Location loc, Value value, int64_t axis) {
  auto type = cast<RankedTensorType>(value.getType());
  int64_t rank = type.getRank();
  ReassociationIndices outer, inner;
  int64_t rows = 1, cols = 1;
  auto mul = [](int64_t a, int64_t d) {
    return (ShapedType::isDynamic(a) || ShapedType::isDynamic(d))
               ? ShapedType::kDynamic
               : a * d;
  };
  for (int64_t i = 0; i < rank; ++i) {
    if (i < axis) {
      outer.push_back(i);
      rows = mul(rows, type.getDimSize(i));
    } else {
      inner.push_back(i);
      cols = mul(cols, type.getDimSize(i));
    }
  }
  auto matrixType = RankedTensorType::get({rows, cols}, type.getElementType());
  if (outer.size() == 1 && inner.size() == 1)
    return value;
  if (outer.empty()) {
    // Everything is normalized: one row.
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1)};
    Value flat = value;
    if (rank != 1)
      flat = tensor::CollapseShapeOp::create(
          b, loc, RankedTensorType::get({cols}, type.getElementType()), value,
          SmallVector<ReassociationIndices>{inner});
    sizes.push_back(seq::getDimSize(b, loc, flat, 0));
    return tensor::ExpandShapeOp::create(
        b, loc, matrixType, flat, SmallVector<ReassociationIndices>{{0, 1}},
        sizes);
  }
  return tensor::CollapseShapeOp::create(
      b, loc, matrixType, value,
      SmallVector<ReassociationIndices>{outer, inner});
}

/// Collapses a parameter of the normalized shape to [N].
Value flattenParameter(OpBuilder &b, Location loc, Value value) {
  if (!value)
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  if (type.getRank() == 1)
    return value;
  ReassociationIndices all;
  int64_t size = 1;
  for (int64_t i = 0; i < type.getRank(); ++i) {
    all.push_back(i);
    size = (ShapedType::isDynamic(size) || type.isDynamicDim(i))
               ? ShapedType::kDynamic
               : size * type.getDimSize(i);
  }
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({size}, type.getElementType()), value,
      SmallVector<ReassociationIndices>{all});
}

/// Sum over columns of f(x[m, n], stat[m]) into [M]; `stat` may be null.
Value reduceRows(OpBuilder &b, Location loc, Value matrix, Value stat,
                 function_ref<Value(OpBuilder &, Location, Value, Value)> f) {
  MLIRContext *ctx = b.getContext();
  Type elementType = getElementTypeOrSelf(matrix.getType());
  Value init = seq::createEmptyTensor(
      b, loc, {seq::getDimSize(b, loc, matrix, 0)}, elementType);
  Value zero = seq::emitFloatConstant(b, loc, elementType, 0.0);
  init = linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{init})
             .getResult(0);
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx);
  SmallVector<Value> inputs = {matrix};
  SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {m, n}, ctx)};
  if (stat) {
    inputs.push_back(stat);
    maps.push_back(AffineMap::get(2, 0, {m}, ctx));
  }
  maps.push_back(AffineMap::get(2, 0, {m}, ctx));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      {utils::IteratorType::parallel, utils::IteratorType::reduction},
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value term = f(nb, nl, args[0], stat ? args[1] : Value());
        linalg::YieldOp::create(
            nb, nl, arith::AddFOp::create(nb, nl, args.back(), term).getResult());
      });
  return generic.getResult(0);
}

/// x * rsqrt(stat[m] + eps) [* scale[n]] [+ bias[n]], where `center` (if
/// set) is subtracted from x first.
Value normalizeRows(OpBuilder &b, Location loc, Value matrix, Value center,
                    Value meanSquare, Value scale, Value bias, float epsilon) {
  MLIRContext *ctx = b.getContext();
  Type elementType = getElementTypeOrSelf(matrix.getType());
  Value init = seq::createEmptyTensor(
      b, loc,
      {seq::getDimSize(b, loc, matrix, 0), seq::getDimSize(b, loc, matrix, 1)},
      elementType);
  AffineExpr m = getAffineDimExpr(0, ctx), n = getAffineDimExpr(1, ctx);
  SmallVector<Value> inputs = {matrix, meanSquare};
  SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {m, n}, ctx),
                                 AffineMap::get(2, 0, {m}, ctx)};
  int centerIndex = -1, scaleIndex = -1, biasIndex = -1;
  if (center) {
    centerIndex = inputs.size();
    inputs.push_back(center);
    maps.push_back(AffineMap::get(2, 0, {m}, ctx));
  }
  if (scale) {
    scaleIndex = inputs.size();
    inputs.push_back(scale);
    maps.push_back(AffineMap::get(2, 0, {n}, ctx));
  }
  if (bias) {
    biasIndex = inputs.size();
    inputs.push_back(bias);
    maps.push_back(AffineMap::get(2, 0, {n}, ctx));
  }
  maps.push_back(AffineMap::get(2, 0, {m, n}, ctx));
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      {utils::IteratorType::parallel, utils::IteratorType::parallel},
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value x = args[0];
        if (centerIndex >= 0)
          x = arith::SubFOp::create(nb, nl, x, args[centerIndex]);
        Value eps = seq::emitFloatConstant(nb, nl, elementType, epsilon);
        Value inv = math::RsqrtOp::create(
            nb, nl, arith::AddFOp::create(nb, nl, args[1], eps));
        Value y = arith::MulFOp::create(nb, nl, x, inv);
        if (scaleIndex >= 0)
          y = arith::MulFOp::create(nb, nl, y, args[scaleIndex]);
        if (biasIndex >= 0)
          y = arith::AddFOp::create(nb, nl, y, args[biasIndex]);
        linalg::YieldOp::create(nb, nl, y);
      });
  return generic.getResult(0);
}

/// Divides a [M] sum by N.
Value divideByColumns(OpBuilder &b, Location loc, Value sums, Value matrix) {
  Type elementType = getElementTypeOrSelf(sums.getType());
  Value cols = getValueOrCreateConstantIndexOp(
      b, loc, seq::getDimSize(b, loc, matrix, 1));
  Value colsInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), cols);
  Value count = arith::SIToFPOp::create(b, loc, elementType, colsInt);
  Value init = seq::createEmptyTensor(
      b, loc, {seq::getDimSize(b, loc, sums, 0)}, elementType);
  return createElementwiseGeneric(
             b, loc, ValueRange{sums}, init,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               return arith::DivFOp::create(nb, nl, args[0], count).getResult();
             })
      .getResult(0);
}

Value restoreShape(OpBuilder &b, Location loc, Value matrix, Value original,
                   Type resultType) {
  auto type = cast<RankedTensorType>(original.getType());
  if (type.getRank() == 2) {
    if (matrix.getType() != resultType)
      matrix = tensor::CastOp::create(b, loc, resultType, matrix);
    return matrix;
  }
  SmallVector<OpFoldResult> sizes;
  ReassociationIndices all;
  for (int64_t i = 0; i < type.getRank(); ++i)
    sizes.push_back(seq::getDimSize(b, loc, original, i));
  // The collapse may have been [M, N] of any grouping; expand back through a
  // flat vector, which both directions accept.
  int64_t total = 1;
  for (int64_t d : type.getShape())
    total = (ShapedType::isDynamic(total) || ShapedType::isDynamic(d))
                ? ShapedType::kDynamic
                : total * d;
  Value flat = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({total}, type.getElementType()), matrix,
      SmallVector<ReassociationIndices>{{0, 1}});
  for (int64_t i = 0; i < type.getRank(); ++i)
    all.push_back(i);
  Value result = type.getRank() == 1
                     ? flat
                     : tensor::ExpandShapeOp::create(
                           b, loc, type, flat,
                           SmallVector<ReassociationIndices>{all}, sizes)
                           .getResult();
  if (result.getType() != resultType)
    result = tensor::CastOp::create(b, loc, resultType, result);
  return result;
}

int64_t normalizeAxis(int64_t axis, Value input) {
  int64_t rank = cast<RankedTensorType>(input.getType()).getRank();
  return axis < 0 ? axis + rank : axis;
}

struct LayerNormToLinalg : OpRewritePattern<seq::LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(seq::LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    Value matrix =
        collapseAround(rewriter, loc, input, normalizeAxis(op.getAxis(), input));
    auto identity = [](OpBuilder &, Location, Value x, Value) { return x; };
    Value mean = divideByColumns(
        rewriter, loc, reduceRows(rewriter, loc, matrix, Value(), identity),
        matrix);
    Value variance = divideByColumns(
        rewriter, loc,
        reduceRows(rewriter, loc, matrix, mean,
                   [](OpBuilder &b, Location l, Value x, Value mu) {
                     Value d = arith::SubFOp::create(b, l, x, mu);
                     return arith::MulFOp::create(b, l, d, d).getResult();
                   }),
        matrix);
    Value normalized = normalizeRows(
        rewriter, loc, matrix, mean, variance,
        flattenParameter(rewriter, loc, op.getScale()),
        flattenParameter(rewriter, loc, op.getBias()),
        op.getEpsilon().convertToFloat());
    rewriter.replaceOp(op,
                       restoreShape(rewriter, loc, normalized, input, op.getType()));
    return success();
  }
};

struct RmsNormToLinalg : OpRewritePattern<seq::RmsNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(seq::RmsNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    Value matrix =
        collapseAround(rewriter, loc, input, normalizeAxis(op.getAxis(), input));
    Value meanSquare = divideByColumns(
        rewriter, loc,
        reduceRows(rewriter, loc, matrix, Value(),
                   [](OpBuilder &b, Location l, Value x, Value) {
                     return arith::MulFOp::create(b, l, x, x).getResult();
                   }),
        matrix);
    Value normalized = normalizeRows(
        rewriter, loc, matrix, Value(), meanSquare,
        flattenParameter(rewriter, loc, op.getScale()), Value(),
        op.getEpsilon().convertToFloat());
    rewriter.replaceOp(op,
                       restoreShape(rewriter, loc, normalized, input, op.getType()));
    return success();
  }
};

} // namespace

void seqc::populateNormToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LayerNormToLinalg, RmsNormToLinalg>(patterns.getContext());
}
