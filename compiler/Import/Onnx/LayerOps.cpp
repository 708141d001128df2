//===- LayerOps.cpp - ONNX products and normalization -------------------===//
//
// MatMul/Gemm with a constant weight become seq.linear (the weight
// transposed to PyTorch's [out, in] at import); other MatMuls become
// linalg.matmul/batch_matmul (4-D [B, H, M, K] operands over B * H);
// Softmax becomes linalg.softmax and LayerNormalization seq.layer_norm.
// (Conv and ConvTranspose: ConvOps.cpp.)
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/FrontEndBuilders.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

#include <climits>
#include <cmath>

#include <limits>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

//===----------------------------------------------------------------------===//
// Products and normalization
//===----------------------------------------------------------------------===//

/// `w` [K, N] as a constant [N, K] scaled by `alpha`.
DenseElementsAttr transposeConstant(DenseElementsAttr w, bool transpose,
                                    float alpha) {
  auto t = cast<RankedTensorType>(w.getType());
  int64_t rows = t.getDimSize(0), cols = t.getDimSize(1);
  SmallVector<float> in(w.getValues<float>()), out;
  if (!transpose) {
    for (float v : in)
      out.push_back(v * alpha);
    return DenseElementsAttr::get(t, ArrayRef(out));
  }
  out.resize(in.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[c * rows + r] = in[r * cols + c] * alpha;
  return DenseElementsAttr::get(
      RankedTensorType::get({cols, rows}, t.getElementType()), ArrayRef(out));
}

/// `x` [..., K] times a constant `weight` [N, K] (plus `bias` [N]); null
/// after an error when x's K is static and another.
Value linear(GraphImporter &g, Value x, DenseElementsAttr weight, Value bias) {
  int64_t k = tensorType(x).getShape().back(),
          rows = weight.getType().getDimSize(1);
  if (!ShapedType::isDynamic(k) && k != rows) {
    g.nodeError() << "contracts input A's last dimension, " << k
                  << ", with the weight's dimension of " << rows
                  << "; the two must agree";
    return Value();
  }
  SmallVector<int64_t> shape(tensorType(x).getShape());
  shape.back() = weight.getType().getDimSize(0);
  auto type = RankedTensorType::get(shape, g.builder.getF32Type());
  Value w = arith::ConstantOp::create(g.builder, g.loc, weight);
  return seq::LinearOp::create(g.builder, g.loc, type, x, w, bias).getResult();
}

LogicalResult importMatMul(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  Value a = floatInput(g, 0);
  if (!a)
    return failure();
  const OnnxValue *b = g.input(1);
  if (b && b->constant && b->constant.getType().getRank() == 2 &&
      tensorType(a).getRank() >= 1 && b->constant.getElementType().isF32()) {
    Value product =
        linear(g, a, transposeConstant(b->constant, true, 1.0f), Value());
    if (!product)
      return failure();
    g.setOutput(0, product);
    return success();
  }
  Value bv = floatInput(g, 1);
  if (!bv)
    return failure();
  RankedTensorType at = tensorType(a), bt = tensorType(bv);
  // Batch dimensions that may broadcast (a static 1 against another size,
  // different ranks) and 1-D operands (numpy.matmul's row and column:
  // attention pooling's `scores = h @ v`) take the general contraction;
  // equal batch dimensions the batched product below.
  bool broadcast =
      at.getRank() != bt.getRank() || at.getRank() > 4 || at.getRank() < 2;
  for (int64_t d = 0; !broadcast && d + 2 < at.getRank(); ++d) {
    int64_t sa = at.getDimSize(d), sb = bt.getDimSize(d);
    broadcast =
        (sa == 1) != (sb == 1) ||
        (!ShapedType::isDynamic(sa) && !ShapedType::isDynamic(sb) && sa != sb);
  }
  if (broadcast) {
    // numpy.matmul of [..., M, K] and [..., K, N] with broadcast batch
    // dimensions (a weight computed from a weight, x [B, T, K] by W [K, N]
    // that is not a stored constant, [B, H, M, K] by [H, K, N]).
    FailureOr<Value> out = seq::createTorchMatmul(
        g.builder, g.loc, a, bv, seq::describeOrigin("MatMul", g.loc),
        [&] { return g.nodeError() << "MatMul: "; });
    if (failed(out))
      return failure();
    g.setOutput(0, *out);
    return success();
  }
  Ints outer;
  if (at.getRank() == 4 && bt.getRank() == 4) {
    // [B, H, M, K] x [B, H, K, N]: a batch matmul over B * H.
    outer = shapeOf(g, a);
    outer.resize(2);
    SmallVector<ReassociationIndices> re{{0, 1}, {2}, {3}};
    a = tensor::CollapseShapeOp::create(g.builder, g.loc, a, re);
    bv = tensor::CollapseShapeOp::create(g.builder, g.loc, bv, re);
    at = tensorType(a);
    bt = tensorType(bv);
  }

  int64_t r = at.getRank();
  Ints sizes = shapeOf(g, a);
  sizes.back() = g.dimSize(bv, r - 1);
  Value init = seq::createFilledTensor(
      g.builder, g.loc,
      RankedTensorType::get(seq::getStaticShape(sizes), g.builder.getF32Type()),
      [&] {
        SmallVector<Value> dyn;
        for (OpFoldResult s : sizes)
          if (auto v = dyn_cast<Value>(s))
            dyn.push_back(v);
        return dyn;
      }(),
      0.0);
  Value out =
      r == 2 ? linalg::MatmulOp::create(g.builder, g.loc, ValueRange{a, bv},
                                        ValueRange{init})
                   .getResult(0)
             : linalg::BatchMatmulOp::create(
                   g.builder, g.loc, ValueRange{a, bv}, ValueRange{init})
                   .getResult(0);
  if (!outer.empty()) {
    Ints full(outer);
    full.append(sizes.begin() + 1, sizes.end());
    auto type = RankedTensorType::get(seq::getStaticShape(full),
                                      g.builder.getF32Type());
    out = tensor::ExpandShapeOp::create(
        g.builder, g.loc, type, out,
        SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}}, full);
  }
  g.setOutput(0, out);
  return success();
}

/// Gemm in any form the linear layer below does not take (transA, B or C
/// computed at run time, C of [M, N] or [M, 1]): alpha * A' B' + beta * C,
/// C broadcast to [M, N] (the ONNX operator documentation).
static LogicalResult importGeneralGemm(GraphImporter &g, Value a, float alpha,
                                       float beta) {
  Value b = floatInput(g, 1);
  if (!b)
    return failure();
  if (tensorType(a).getRank() != 2 || tensorType(b).getRank() != 2) {
    g.nodeError() << "Gemm takes a 2-D A and B, found " << a.getType()
                  << " and " << b.getType();
    return failure();
  }
  if (g.intAttr("transA", 0) != 0)
    a = seq::createTranspose(g.builder, g.loc, a, {1, 0});
  if (g.intAttr("transB", 0) != 0)
    b = seq::createTranspose(g.builder, g.loc, b, {1, 0});
  FailureOr<Value> product = seq::createTorchMatmul(
      g.builder, g.loc, a, b, seq::describeOrigin("Gemm", g.loc),
      [&] { return g.nodeError() << "Gemm: "; });
  if (failed(product))
    return failure();
  SmallVector<Value> operands{*product};
  if (g.hasInput(2)) {
    Value c = floatInput(g, 2);
    if (!c)
      return failure();
    // Unidirectional: C's sizes are 1 or the product's, never the other
    // way round (a C of [2, N] does not stretch a product of [1, N]).
    RankedTensorType ct = tensorType(c), pt = tensorType(*product);
    bool broadcasts = ct.getRank() <= 2;
    for (int64_t d = 0; broadcasts && d < ct.getRank(); ++d) {
      int64_t cs = ct.getDimSize(d), ps = pt.getDimSize(d + 2 - ct.getRank());
      broadcasts = ShapedType::isDynamic(cs) || cs == 1 ||
                   ShapedType::isDynamic(ps) || cs == ps;
    }
    if (!broadcasts) {
      g.nodeError() << "C must broadcast to the product's [M, N] = " << pt
                    << ", found " << c.getType();
      return failure();
    }
    operands.push_back(c);
  }
  FailureOr<Value> y = buildElementwise(
      g, operands, [&](OpBuilder &ob, Location l, ValueRange v) -> Value {
        auto scaled = [&](Value x, float by) -> Value {
          if (by == 1.0f)
            return x;
          return arith::MulFOp::create(
              ob, l, x,
              arith::ConstantOp::create(ob, l, ob.getF32FloatAttr(by)));
        };
        Value r = scaled(v[0], alpha);
        if (v.size() > 1)
          r = arith::AddFOp::create(ob, l, r, scaled(v[1], beta));
        return r;
      });
  if (failed(y))
    return failure();
  g.setOutput(0, *y);
  return success();
}

LogicalResult importGemm(GraphImporter &g) {
  if (failed(g.checkAttrs({"alpha", "beta", "transA", "transB"})))
    return failure();
  Value a = floatInput(g, 0);
  if (!a)
    return failure();
  float alpha = g.floatAttr("alpha").value_or(1.0f);
  float beta = g.floatAttr("beta").value_or(1.0f);
  // nn.Linear's form (a constant B, C of N or 1 elements) is a linear
  // layer with its weight packed at compile time.
  const OnnxValue *b = g.input(1);
  const OnnxValue *c = g.input(2);
  bool transB = g.intAttr("transB", 0) != 0;
  bool linearForm = g.intAttr("transA", 0) == 0 && b && b->constant &&
                    b->constant.getElementType().isF32() &&
                    b->constant.getType().getRank() == 2 &&
                    tensorType(a).getRank() == 2;
  int64_t n = linearForm ? b->constant.getType().getDimSize(transB ? 0 : 1) : 0;
  // C as one bias row: [N], [1, N] or a single element.
  if (linearForm && c)
    linearForm = c->constant && c->constant.getElementType().isF32() &&
                 (c->constant.getNumElements() == 1 ||
                  (c->constant.getNumElements() == n &&
                   (c->constant.getType().getRank() == 1 ||
                    c->constant.getType().getDimSize(0) == 1)));
  if (!linearForm)
    return importGeneralGemm(g, a, alpha, beta);
  DenseElementsAttr w = transposeConstant(b->constant, !transB, alpha);
  Value bias;
  if (c) {
    SmallVector<float> vals(c->constant.getValues<float>());
    SmallVector<float> full;
    for (int64_t i = 0; i < n; ++i)
      full.push_back(beta * vals[vals.size() == 1 ? 0 : i]);
    bias = arith::ConstantOp::create(
        g.builder, g.loc,
        DenseElementsAttr::get(
            RankedTensorType::get({n}, g.builder.getF32Type()),
            ArrayRef(full)));
  }
  Value product = linear(g, a, w, bias);
  if (!product)
    return failure();
  g.setOutput(0, product);
  return success();
}

/// Dimensions [0, axis) alone, [axis, rank) merged.
static SmallVector<ReassociationIndices> mergedFromAxis(int64_t rank,
                                                        int64_t axis) {
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < axis; ++d)
    groups.push_back({d});
  groups.emplace_back();
  for (int64_t d = axis; d < rank; ++d)
    groups.back().push_back(d);
  return groups;
}

/// The axis Softmax and LogSoftmax normalize along, with `x` reshaped for
/// it: before opset 13 (default axis 1) they coerce the input to 2-D,
/// normalizing over all dimensions from `axis` on as one, which here merge
/// into the last (undone by restoreNormalizedDims).
static std::optional<int64_t> normalizedAxis(GraphImporter &g, Value &x) {
  int64_t rank = tensorType(x).getRank();
  std::optional<int64_t> axis =
      normalizeAxis(g, g.intAttr("axis", g.opset < 13 ? 1 : -1), rank);
  if (!axis || g.opset >= 13 || *axis >= rank - 1)
    return axis;
  x = tensor::CollapseShapeOp::create(g.builder, g.loc, x,
                                      mergedFromAxis(rank, *axis));
  return axis;
}

/// `y` (normalized along the merged dimensions of normalizedAxis) in the
/// shape of the input `original`.
static Value restoreNormalizedDims(GraphImporter &g, Value y, Value original,
                                   int64_t axis) {
  int64_t rank = tensorType(original).getRank();
  if (tensorType(y).getRank() == rank)
    return y;
  auto type = RankedTensorType::get(tensorType(original).getShape(),
                                    tensorType(y).getElementType());
  return tensor::ExpandShapeOp::create(g.builder, g.loc, type, y,
                                       mergedFromAxis(rank, axis),
                                       shapeOf(g, original));
}

LogicalResult importSoftmax(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis"})))
    return failure();
  Value x = floatInput(g, 0);
  if (!x)
    return failure();
  Value original = x;
  auto axis = normalizedAxis(g, x);
  if (!axis)
    return failure();
  Value init = seq::createEmptyTensor(g.builder, g.loc, shapeOf(g, x),
                                      g.builder.getF32Type());
  Value y =
      linalg::SoftmaxOp::create(g.builder, g.loc, x.getType(), x, init, *axis)
          .getResult()[0];
  g.setOutput(0, restoreNormalizedDims(g, y, original, *axis));
  return success();
}

} // namespace

/// x - max - log(sum(exp(x - max))) along `axis` of f32 `x`, computed so,
/// not as log(softmax): a probability that underflows to 0 would give -inf
/// where PyTorch gives a finite value.
Value buildLogSoftmax(GraphImporter &g, Value x, int64_t axis) {
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  int64_t rank = tensorType(x).getRank();
  Type f32 = b.getF32Type();
  SmallVector<OpFoldResult> sizes = shapeOf(g, x), rowSizes;
  SmallVector<AffineExpr> rowExprs;
  SmallVector<utils::IteratorType> rowIters;
  for (int64_t d = 0; d < rank; ++d) {
    bool isAxis = d == axis;
    rowIters.push_back(isAxis ? utils::IteratorType::reduction
                              : utils::IteratorType::parallel);
    if (!isAxis) {
      rowExprs.push_back(b.getAffineDimExpr(d));
      rowSizes.push_back(sizes[d]);
    }
  }
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, b.getContext());
  AffineMap row = AffineMap::get(rank, 0, rowExprs, b.getContext());
  auto filled = [&](double v) {
    Value init = seq::createEmptyTensor(b, loc, rowSizes, f32);
    Value c = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
    return linalg::FillOp::create(b, loc, ValueRange{c}, ValueRange{init})
        .getResult(0);
  };
  // The row maximum, then the sum of exp(x - max).
  Value max =
      linalg::GenericOp::create(
          b, loc, TypeRange{filled(0).getType()}, ValueRange{x},
          ValueRange{filled(-std::numeric_limits<double>::infinity())},
          ArrayRef<AffineMap>{identity, row}, rowIters,
          [](OpBuilder &b, Location l, ValueRange a) {
            linalg::YieldOp::create(
                b, l, arith::MaximumFOp::create(b, l, a[1], a[0]).getResult());
          })
          .getResult(0);
  Value sum = linalg::GenericOp::create(
                  b, loc, TypeRange{max.getType()}, ValueRange{x, max},
                  ValueRange{filled(0)},
                  ArrayRef<AffineMap>{identity, row, row}, rowIters,
                  [](OpBuilder &b, Location l, ValueRange a) {
                    Value e = math::ExpOp::create(
                        b, l, arith::SubFOp::create(b, l, a[0], a[1]));
                    linalg::YieldOp::create(
                        b, l, arith::AddFOp::create(b, l, a[2], e).getResult());
                  })
                  .getResult(0);
  Value init = seq::createEmptyTensor(b, loc, sizes, f32);
  SmallVector<utils::IteratorType> parallel(rank,
                                            utils::IteratorType::parallel);
  Value y = linalg::GenericOp::create(
                b, loc, TypeRange{init.getType()}, ValueRange{x, max, sum},
                ValueRange{init},
                ArrayRef<AffineMap>{identity, row, row, identity}, parallel,
                [](OpBuilder &b, Location l, ValueRange a) {
                  Value shifted = arith::SubFOp::create(b, l, a[0], a[1]);
                  linalg::YieldOp::create(
                      b, l,
                      arith::SubFOp::create(b, l, shifted,
                                            math::LogOp::create(b, l, a[2]))
                          .getResult());
                })
                .getResult(0);
  return y;
}

namespace {

/// LogSoftmax along `axis` (before opset 13, the dimensions from `axis` on
/// as one): buildLogSoftmax.
LogicalResult importLogSoftmax(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis"})))
    return failure();
  Value x = floatInput(g, 0);
  if (!x)
    return failure();
  Value original = x;
  auto axis = normalizedAxis(g, x);
  if (!axis)
    return failure();
  Value y = buildLogSoftmax(g, x, *axis);
  g.setOutput(0, restoreNormalizedDims(g, y, original, *axis));
  return success();
}

/// Hardmax: 1 at the first maximum along `axis` (before opset 13, the
/// dimensions from `axis` on as one), 0 elsewhere; a NaN is the maximum
/// (its first), as NumPy's argmax in ONNX's reference takes it.
LogicalResult importHardmax(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis"})))
    return failure();
  Value x = floatInput(g, 0);
  if (!x)
    return failure();
  Value original = x;
  auto axis = normalizedAxis(g, x);
  if (!axis)
    return failure();
  OpBuilder &b = g.builder;
  int64_t rank = tensorType(x).getRank();
  SmallVector<OpFoldResult> sizes = shapeOf(g, x), rowSizes;
  SmallVector<AffineExpr> rowExprs;
  SmallVector<utils::IteratorType> rowIters;
  for (int64_t d = 0; d < rank; ++d) {
    rowIters.push_back(d == *axis ? utils::IteratorType::reduction
                                  : utils::IteratorType::parallel);
    if (d != *axis) {
      rowExprs.push_back(b.getAffineDimExpr(d));
      rowSizes.push_back(sizes[d]);
    }
  }
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, g.context);
  AffineMap row = AffineMap::get(rank, 0, rowExprs, g.context);
  auto filled = [&](Attribute value) {
    auto typed = cast<TypedAttr>(value);
    Value init = seq::createEmptyTensor(b, g.loc, rowSizes, typed.getType());
    Value c = arith::ConstantOp::create(b, g.loc, typed);
    return linalg::FillOp::create(b, g.loc, ValueRange{c}, ValueRange{init})
        .getResult(0);
  };
  // The row maximum (NaN if the row has one), then its first position.
  Value max = filled(b.getF32FloatAttr(-INFINITY));
  max = linalg::GenericOp::create(
            b, g.loc, TypeRange{max.getType()}, ValueRange{x}, ValueRange{max},
            ArrayRef<AffineMap>{identity, row}, rowIters,
            [](OpBuilder &nb, Location l, ValueRange a) {
              linalg::YieldOp::create(
                  nb, l,
                  arith::MaximumFOp::create(nb, l, a[1], a[0]).getResult());
            })
            .getResult(0);
  Value first = filled(b.getIndexAttr(std::numeric_limits<int64_t>::max()));
  first =
      linalg::GenericOp::create(
          b, g.loc, TypeRange{first.getType()}, ValueRange{x, max},
          ValueRange{first}, ArrayRef<AffineMap>{identity, row, row}, rowIters,
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value equal = arith::CmpFOp::create(
                nb, l, arith::CmpFPredicate::OEQ, a[0], a[1]);
            Value nan = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::UNO,
                                              a[0], a[0]);
            Value hit = arith::OrIOp::create(nb, l, equal, nan);
            Value at = linalg::IndexOp::create(nb, l, *axis);
            linalg::YieldOp::create(
                nb, l,
                arith::SelectOp::create(
                    nb, l, hit, arith::MinSIOp::create(nb, l, a[2], at), a[2])
                    .getResult());
          })
          .getResult(0);
  Value init = seq::createEmptyTensor(b, g.loc, sizes, b.getF32Type());
  Value y =
      linalg::GenericOp::create(
          b, g.loc, TypeRange{init.getType()}, ValueRange{first},
          ValueRange{init}, ArrayRef<AffineMap>{row, identity},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value hit =
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, a[0],
                                      linalg::IndexOp::create(nb, l, *axis));
            Value one = arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(1));
            Value zero =
                arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(0));
            linalg::YieldOp::create(
                nb, l,
                arith::SelectOp::create(nb, l, hit, one, zero).getResult());
          })
          .getResult(0);
  g.setOutput(0, restoreNormalizedDims(g, y, original, *axis));
  return success();
}

/// LayerNormalization's optional outputs (a training graph's): Mean and
/// InvStdDev of `x` over dimensions [axis, rank), shaped as `x` with those
/// dimensions 1, in f32 (stash_type 1): the mean and 1 / sqrt(population
/// variance + epsilon), as the ONNX operator's reference computes them.
static void setLayerNormStatistics(GraphImporter &g, Value x, int64_t axis,
                                   float epsilon) {
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  int64_t rank = tensorType(x).getRank();
  Type f32 = b.getF32Type();
  SmallVector<OpFoldResult> sizes = shapeOf(g, x);
  SmallVector<OpFoldResult> outer(sizes.begin(), sizes.begin() + axis);
  SmallVector<AffineExpr> outerExprs;
  SmallVector<utils::IteratorType> iterators;
  Value count = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t d = 0; d < rank; ++d) {
    if (d < axis)
      outerExprs.push_back(b.getAffineDimExpr(d));
    else
      count = arith::MulIOp::create(b, loc, count, g.indexValue(sizes[d]));
    iterators.push_back(d < axis ? utils::IteratorType::parallel
                                 : utils::IteratorType::reduction);
  }
  Value n = arith::SIToFPOp::create(
      b, loc, f32, arith::IndexCastOp::create(b, loc, b.getI64Type(), count));
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, g.context);
  AffineMap row = AffineMap::get(rank, 0, outerExprs, g.context);
  AffineMap outerIdentity = AffineMap::getMultiDimIdentityMap(axis, g.context);
  auto zeros = [&] {
    Value init = seq::createEmptyTensor(b, loc, outer, f32);
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    return linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{init})
        .getResult(0);
  };
  // Sums over the normalized dimensions of f(x, mean), divided by N.
  auto average =
      [&](Value mean,
          function_ref<Value(OpBuilder &, Location, Value, Value)> term) {
        SmallVector<Value> ins = {x};
        SmallVector<AffineMap> maps = {identity};
        if (mean) {
          ins.push_back(mean);
          maps.push_back(row);
        }
        maps.push_back(row);
        Value init = zeros();
        Value sum =
            linalg::GenericOp::create(
                b, loc, TypeRange{init.getType()}, ins, ValueRange{init}, maps,
                iterators,
                [&](OpBuilder &nb, Location l, ValueRange a) {
                  Value t = term(nb, l, a[0], mean ? a[1] : Value());
                  linalg::YieldOp::create(
                      nb, l,
                      arith::AddFOp::create(nb, l, a.back(), t).getResult());
                })
                .getResult(0);
        SmallVector<utils::IteratorType> parallel(
            axis, utils::IteratorType::parallel);
        return linalg::GenericOp::create(
                   b, loc, TypeRange{init.getType()}, ValueRange{sum},
                   ValueRange{zeros()},
                   ArrayRef<AffineMap>{outerIdentity, outerIdentity}, parallel,
                   [&](OpBuilder &nb, Location l, ValueRange a) {
                     linalg::YieldOp::create(
                         nb, l,
                         arith::DivFOp::create(nb, l, a[0], n).getResult());
                   })
            .getResult(0);
      };
  Value mean =
      average({}, [](OpBuilder &, Location, Value v, Value) { return v; });
  Value variance =
      average(mean, [](OpBuilder &nb, Location l, Value v, Value m) -> Value {
        Value d = arith::SubFOp::create(nb, l, v, m);
        return arith::MulFOp::create(nb, l, d, d);
      });
  SmallVector<utils::IteratorType> parallel(axis,
                                            utils::IteratorType::parallel);
  Value invStdDev =
      linalg::GenericOp::create(
          b, loc, TypeRange{variance.getType()}, ValueRange{variance},
          ValueRange{zeros()},
          ArrayRef<AffineMap>{outerIdentity, outerIdentity}, parallel,
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value eps =
                arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(epsilon));
            linalg::YieldOp::create(
                nb, l,
                math::RsqrtOp::create(nb, l,
                                      arith::AddFOp::create(nb, l, a[0], eps))
                    .getResult());
          })
          .getResult(0);
  // [outer...] -> [outer..., 1, ..., 1]: the last outer dimension takes
  // the unit ones (all of them a group of nothing for a scalar).
  SmallVector<OpFoldResult> kept(outer);
  kept.append(rank - axis, b.getIndexAttr(1));
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < axis; ++d)
    groups.push_back({d});
  if (axis > 0)
    for (int64_t d = axis; d < rank; ++d)
      groups.back().push_back(d);
  auto keepDims = [&](Value v) -> Value {
    auto type = RankedTensorType::get(seq::getStaticShape(kept), f32);
    return tensor::ExpandShapeOp::create(b, loc, type, v, groups, kept);
  };
  g.setOutput(1, keepDims(mean));
  g.setOutput(2, keepDims(invStdDev));
}

LogicalResult importLayerNorm(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis", "epsilon", "stash_type"})))
    return failure();
  if (g.intAttr("stash_type", 1) != 1) {
    g.nodeError() << "stash_type " << *g.intAttr("stash_type")
                  << " is not supported (only 1, float32)";
    return failure();
  }
  Value x = floatInput(g, 0);
  if (!x)
    return failure();
  Value scale = g.hasInput(1) ? floatInput(g, 1) : Value();
  Value bias = g.hasInput(2) ? floatInput(g, 2) : Value();
  if ((g.hasInput(1) && !scale) || (g.hasInput(2) && !bias))
    return failure();
  float epsilon = g.floatAttr("epsilon").value_or(1e-5f);
  auto op = seq::LayerNormOp::create(
      g.builder, g.loc, x.getType(), x, scale, bias,
      g.builder.getF32FloatAttr(epsilon),
      g.builder.getI64IntegerAttr(g.intAttr("axis", -1)));
  g.setOutput(0, op.getResult());
  if (g.hasOutput(1) || g.hasOutput(2)) {
    std::optional<int64_t> axis =
        normalizeAxis(g, g.intAttr("axis", -1), tensorType(x).getRank());
    if (!axis)
      return failure();
    setLayerNormStatistics(g, x, *axis, epsilon);
  }
  return success();
}

} // namespace

LogicalResult importLayerOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "Einsum")
    return importEinsum(g);
  if (op == "MatMul")
    return importMatMul(g);
  if (op == "Gemm")
    return importGemm(g);
  if (op == "Softmax")
    return importSoftmax(g);
  if (op == "LogSoftmax")
    return importLogSoftmax(g);
  if (op == "Hardmax")
    return importHardmax(g);
  if (op == "LayerNormalization")
    return importLayerNorm(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
