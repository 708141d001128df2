//===- NormToLinalg.cpp - seq.layer_norm and seq.rms_norm ---------------===//
//
// Both run over the input's own rank (no reshapes): reduction generics
// compute the statistics over the normalized dimensions [axis, rank) into a
// tensor of the leading dimensions, and one elementwise generic normalizes,
// scales and shifts.
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

/// The shape bookkeeping of one normalization.
struct NormShape {
  Value input;
  int64_t rank;
  int64_t axis;
  Type elementType;

  NormShape(Value input, int64_t axis)
      : input(input),
        rank(cast<RankedTensorType>(input.getType()).getRank()),
        axis(axis < 0 ? axis + rank : axis),
        elementType(getElementTypeOrSelf(input.getType())) {}

  AffineMap identity(MLIRContext *ctx) const {
    return AffineMap::getMultiDimIdentityMap(rank, ctx);
  }
  /// (d0..d(rank-1)) -> (d0..d(axis-1)): the statistics.
  AffineMap leading(MLIRContext *ctx) const {
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < axis; ++i)
      exprs.push_back(getAffineDimExpr(i, ctx));
    return AffineMap::get(rank, 0, exprs, ctx);
  }
  /// (d0..d(rank-1)) -> (d(axis)..d(rank-1)): scale and bias.
  AffineMap trailing(MLIRContext *ctx) const {
    SmallVector<AffineExpr> exprs;
    for (int64_t i = axis; i < rank; ++i)
      exprs.push_back(getAffineDimExpr(i, ctx));
    return AffineMap::get(rank, 0, exprs, ctx);
  }
  SmallVector<utils::IteratorType> reductionIterators() const {
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    for (int64_t i = axis; i < rank; ++i)
      iterators[i] = utils::IteratorType::reduction;
    return iterators;
  }
  SmallVector<OpFoldResult> sizes(OpBuilder &b, Location loc, int64_t from,
                                  int64_t to) const {
    SmallVector<OpFoldResult> result;
    for (int64_t i = from; i < to; ++i)
      result.push_back(seq::getDimSize(b, loc, input, i));
    return result;
  }
};

/// mean over the normalized dimensions of f(x, stat), into [leading dims].
Value reduceMean(OpBuilder &b, Location loc, const NormShape &shape,
                 Value stat,
                 function_ref<Value(OpBuilder &, Location, Value, Value)> f) {
  MLIRContext *ctx = b.getContext();
  Value init = seq::createEmptyTensor(b, loc, shape.sizes(b, loc, 0, shape.axis),
                                      shape.elementType);
  Value zero = seq::emitFloatConstant(b, loc, shape.elementType, 0.0);
  init = linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{init})
             .getResult(0);
  SmallVector<Value> inputs = {shape.input};
  SmallVector<AffineMap> maps = {shape.identity(ctx)};
  if (stat) {
    inputs.push_back(stat);
    maps.push_back(shape.leading(ctx));
  }
  maps.push_back(shape.leading(ctx));
  Value sums =
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
          shape.reductionIterators(),
          [&](OpBuilder &nb, Location nl, ValueRange args) {
            Value term = f(nb, nl, args[0], stat ? args[1] : Value());
            // The statistics are sums in no particular order (PyTorch's
            // kernels sum vectors of lanes, then the lanes): reassociating
            // lets seqc-vectorize-rows do the same instead of a chain of
            // dependent scalar adds, ~4 cycles per element.
            linalg::YieldOp::create(
                nb, nl,
                arith::AddFOp::create(nb, nl, args.back(), term,
                                      arith::FastMathFlags::reassoc)
                    .getResult());
          })
          .getResult(0);

  // Divide by the number of normalized elements.
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (OpFoldResult size : shape.sizes(b, loc, shape.axis, shape.rank))
    count = arith::MulIOp::create(
        b, loc, count, getValueOrCreateConstantIndexOp(b, loc, size));
  Value countFloat = arith::SIToFPOp::create(
      b, loc, shape.elementType,
      arith::IndexCastOp::create(b, loc, b.getI64Type(), count));
  Value meanInit = seq::createEmptyTensor(
      b, loc, shape.sizes(b, loc, 0, shape.axis), shape.elementType);
  return createElementwiseGeneric(
             b, loc, ValueRange{sums}, meanInit,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               return arith::DivFOp::create(nb, nl, args[0], countFloat)
                   .getResult();
             })
      .getResult(0);
}

/// (x - center) * rsqrt(meanSquare + eps) [* scale] [+ bias].
Value normalize(OpBuilder &b, Location loc, const NormShape &shape,
                Value center, Value meanSquare, Value scale, Value bias,
                float epsilon) {
  MLIRContext *ctx = b.getContext();
  Value init = seq::createEmptyTensor(b, loc, shape.sizes(b, loc, 0, shape.rank),
                                      shape.elementType);
  SmallVector<Value> inputs = {shape.input, meanSquare};
  SmallVector<AffineMap> maps = {shape.identity(ctx), shape.leading(ctx)};
  int centerIndex = -1, scaleIndex = -1, biasIndex = -1;
  auto add = [&](Value v, AffineMap map, int &index) {
    if (!v)
      return;
    index = inputs.size();
    inputs.push_back(v);
    maps.push_back(map);
  };
  add(center, shape.leading(ctx), centerIndex);
  add(scale, shape.trailing(ctx), scaleIndex);
  add(bias, shape.trailing(ctx), biasIndex);
  maps.push_back(shape.identity(ctx));
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(shape.rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value x = args[0];
               if (centerIndex >= 0)
                 x = arith::SubFOp::create(nb, nl, x, args[centerIndex]);
               Value eps =
                   seq::emitFloatConstant(nb, nl, shape.elementType, epsilon);
               Value inv = math::RsqrtOp::create(
                   nb, nl, arith::AddFOp::create(nb, nl, args[1], eps));
               Value y = arith::MulFOp::create(nb, nl, x, inv);
               if (scaleIndex >= 0)
                 y = arith::MulFOp::create(nb, nl, y, args[scaleIndex]);
               if (biasIndex >= 0)
                 y = arith::AddFOp::create(nb, nl, y, args[biasIndex]);
               linalg::YieldOp::create(nb, nl, y);
             })
      .getResult(0);
}

Value castToResult(OpBuilder &b, Location loc, Value value, Type type) {
  if (value.getType() == type)
    return value;
  return tensor::CastOp::create(b, loc, type, value);
}

struct LayerNormToLinalg : OpRewritePattern<seq::LayerNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(seq::LayerNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    NormShape shape(op.getInput(), op.getAxis());
    Value mean = reduceMean(rewriter, loc, shape, Value(),
                            [](OpBuilder &, Location, Value x, Value) {
                              return x;
                            });
    // The biased variance, computed around the mean for accuracy.
    Value variance = reduceMean(
        rewriter, loc, shape, mean,
        [](OpBuilder &b, Location l, Value x, Value mu) {
          Value d = arith::SubFOp::create(b, l, x, mu);
          return arith::MulFOp::create(b, l, d, d).getResult();
        });
    Value result =
        normalize(rewriter, loc, shape, mean, variance, op.getScale(),
                  op.getBias(), op.getEpsilon().convertToFloat());
    rewriter.replaceOp(op, castToResult(rewriter, loc, result, op.getType()));
    return success();
  }
};

struct RmsNormToLinalg : OpRewritePattern<seq::RmsNormOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(seq::RmsNormOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    NormShape shape(op.getInput(), op.getAxis());
    Value meanSquare = reduceMean(
        rewriter, loc, shape, Value(),
        [](OpBuilder &b, Location l, Value x, Value) {
          return arith::MulFOp::create(b, l, x, x).getResult();
        });
    Value result = normalize(rewriter, loc, shape, Value(), meanSquare,
                             op.getScale(), Value(),
                             op.getEpsilon().convertToFloat());
    rewriter.replaceOp(op, castToResult(rewriter, loc, result, op.getType()));
    return success();
  }
};

} // namespace

void seqc::populateNormToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<LayerNormToLinalg, RmsNormToLinalg>(patterns.getContext());
}
