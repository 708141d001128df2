//===- QuantizeOps.cpp - ONNX QuantizeLinear, DequantizeLinear, ... -------===//
//
// The quantization operators of a model quantized by ONNX Runtime's tools:
// static (QDQ) quantization's QuantizeLinear / DequantizeLinear pairs
// around float ops (also what torch exports for quantization-aware
// training's fake quantization), dynamic quantization's
// DynamicQuantizeLinear + MatMulInteger, and the QOperator format's
// QLinearMatMul. seqc computes them exactly as ONNX defines them (integer
// values held as i64 in their dtype's range, the products of MatMulInteger
// in f64, exact for any realistic K), not with int8 kernels: a quantized
// model gives its quantized results, at float speed.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/FrontEndBuilders.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

/// The range of a quantized dtype, or nullopt for one seqc does not hold
/// (FLOAT8, INT4: refused by the caller).
std::optional<std::pair<double, double>> quantizedRange(int32_t dtype) {
  switch (dtype) {
  case onnx::TensorProto::UINT8:
    return std::make_pair(0.0, 255.0);
  case onnx::TensorProto::INT8:
    return std::make_pair(-128.0, 127.0);
  case onnx::TensorProto::UINT16:
    return std::make_pair(0.0, 65535.0);
  case onnx::TensorProto::INT16:
    return std::make_pair(-32768.0, 32767.0);
  case onnx::TensorProto::INT32:
    return std::make_pair(-2147483648.0, 2147483647.0);
  default:
    return std::nullopt;
  }
}

/// A scale or zero point (input `i`) of x (rank `rank`): a scalar or a
/// one-element tensor as it is; a 1-D one of x's `axis` extent (opset 13's
/// per-axis quantization) as [C, 1, ..., 1] so that it broadcasts along
/// `axis`. Null after an error.
Value perAxis(GraphImporter &g, Value v, int64_t rank, StringRef what) {
  RankedTensorType t = tensorType(v);
  if (t.getRank() == 0 || (t.getRank() == 1 && t.getDimSize(0) == 1))
    return v;
  std::optional<int64_t> axis = normalizeAxis(g, g.intAttr("axis", 1), rank);
  if (!axis)
    return Value();
  if (t.getRank() != 1) {
    g.nodeError() << what << " must be a scalar or 1-D (per axis), not "
                  << v.getType() << " (blocked quantization is not supported)";
    return Value();
  }
  std::optional<int64_t> extent =
      getConstantIntValue(g.dimSize(g.tensorInput(0), *axis));
  if (extent && !t.isDynamicDim(0) && t.getDimSize(0) != *extent) {
    g.nodeError() << what << " has " << t.getDimSize(0)
                  << " elements, but axis " << *axis << " of input 0 has "
                  << *extent << " (per-axis quantization: one per element)";
    return Value();
  }
  int64_t trailing = rank - *axis - 1;
  if (trailing == 0)
    return v;
  SmallVector<int64_t> shape = {t.getDimSize(0)};
  shape.append(trailing, 1);
  SmallVector<OpFoldResult> sizes = {g.dimSize(v, 0)};
  sizes.append(trailing, g.builder.getIndexAttr(1));
  ReassociationIndices all;
  for (int64_t d = 0; d <= trailing; ++d)
    all.push_back(d);
  return tensor::ExpandShapeOp::create(
      g.builder, g.loc, RankedTensorType::get(shape, t.getElementType()), v,
      SmallVector<ReassociationIndices>{all}, sizes);
}

/// The node's opset 21 attributes that change what it computes, refused.
LogicalResult checkUnblocked(GraphImporter &g) {
  if (g.intAttr("block_size", 0) != 0) {
    g.nodeError() << "blocked quantization (block_size "
                  << g.intAttr("block_size", 0) << ") is not supported";
    return failure();
  }
  return success();
}

/// An f32 value rounded half to even and saturated to [lo, hi] as i64
/// (NaN as 0).
Value saturate(OpBuilder &b, Location l, Value v, double lo, double hi) {
  auto constant = [&](double c) -> Value {
    return arith::ConstantOp::create(b, l, b.getF32FloatAttr(c));
  };
  v = math::RoundEvenOp::create(b, l, v);
  Value nan = arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, v, v);
  v = arith::SelectOp::create(b, l, nan, constant(0), v);
  v = arith::MaximumFOp::create(b, l, v, constant(lo));
  v = arith::MinimumFOp::create(b, l, v, constant(hi));
  return arith::FPToSIOp::create(b, l, b.getI64Type(), v);
}

Value toF32(OpBuilder &b, Location l, Value v) {
  return arith::SIToFPOp::create(b, l, b.getF32Type(), v);
}

/// Quantize- or DequantizeLinear of constants (a weight, as QDQ models and
/// torch's fake-quant export store them) folded at import, so that the
/// weight stays a constant (a MatMul's packed weight): the same formulas
/// as the ops below, in f32. False (nothing done) when an input is not a
/// constant or a parameter's shape is not per tensor or per `axis`.
bool foldConstantQuantization(GraphImporter &g, bool quantize,
                              std::pair<double, double> range) {
  const OnnxValue *x = g.input(0), *scale = g.input(1),
                  *zeroPoint = g.hasInput(2) ? g.input(2) : nullptr;
  if (!x || !x->constant || !scale || !scale->constant ||
      !scale->constant.getElementType().isF32() ||
      (g.hasInput(2) && (!zeroPoint || !zeroPoint->constant ||
                         !zeroPoint->constant.getElementType().isInteger(64))))
    return false;
  auto type = cast<RankedTensorType>(x->constant.getType());
  Type element = x->constant.getElementType();
  if (quantize ? !element.isF32() : !element.isInteger(64))
    return false;
  int64_t channels = scale->constant.getNumElements();
  if (zeroPoint && zeroPoint->constant.getNumElements() != channels)
    return false;
  int64_t inner = 1, extent = 1;
  if (channels != 1) {
    std::optional<int64_t> axis =
        type.getRank() ? normalizeAxis(g, g.intAttr("axis", 1), type.getRank())
                       : std::nullopt;
    if (!axis || type.getDimSize(*axis) != channels ||
        scale->constant.getType().getRank() != 1)
      return false;
    extent = channels;
    for (int64_t d = *axis + 1; d < type.getRank(); ++d)
      inner *= type.getDimSize(d);
  }
  SmallVector<float> scales(scale->constant.getValues<float>());
  SmallVector<int64_t> zeros(channels, 0);
  if (zeroPoint)
    zeros.assign(zeroPoint->constant.getValues<int64_t>().begin(),
                 zeroPoint->constant.getValues<int64_t>().end());
  auto channel = [&](int64_t i) { return (i / inner) % extent; };
  OnnxValue out;
  if (quantize) {
    SmallVector<int64_t> q;
    int64_t i = 0;
    for (float v : x->constant.getValues<float>()) {
      int64_t c = channel(i++);
      float r = std::nearbyint(v / scales[c]) + static_cast<float>(zeros[c]);
      double d = std::isnan(r) ? 0.0
                               : std::clamp(static_cast<double>(r), range.first,
                                            range.second);
      q.push_back(static_cast<int64_t>(d));
    }
    out.constant = DenseElementsAttr::get(
        RankedTensorType::get(type.getShape(), g.builder.getI64Type()),
        ArrayRef(q));
  } else {
    SmallVector<float> d;
    int64_t i = 0;
    for (int64_t v : x->constant.getValues<int64_t>()) {
      int64_t c = channel(i++);
      d.push_back((static_cast<float>(v) - static_cast<float>(zeros[c])) *
                  scales[c]);
    }
    out.constant = DenseElementsAttr::get(
        RankedTensorType::get(type.getShape(), g.builder.getF32Type()),
        ArrayRef(d));
  }
  g.setOutput(0, out);
  return true;
}

/// QuantizeLinear(x, y_scale, y_zero_point): saturate(round(x / y_scale) +
/// y_zero_point), rounding half to even, in the zero point's dtype
/// (UINT8 without one).
LogicalResult importQuantizeLinear(GraphImporter &g) {
  if (failed(
          g.checkAttrs({"axis", "saturate", "block_size", "output_dtype"})) ||
      failed(checkUnblocked(g)))
    return failure();
  Value x = floatInput(g, 0), scale = floatInput(g, 1);
  if (!x || !scale)
    return failure();
  int32_t dtype = onnx::TensorProto::UINT8;
  Value zeroPoint;
  if (g.hasInput(2)) {
    zeroPoint = g.tensorInput(2);
    if (!zeroPoint)
      return failure();
    dtype = g.input(2)->heldDtype ? g.input(2)->heldDtype
            : tensorType(zeroPoint).getElementType().isInteger(64)
                ? onnx::TensorProto::INT64
                : 0;
  } else if (int64_t out = g.intAttr("output_dtype", 0)) {
    dtype = static_cast<int32_t>(out);
  }
  std::optional<std::pair<double, double>> range = quantizedRange(dtype);
  if (!range || (zeroPoint &&
                 !isa<IntegerType>(tensorType(zeroPoint).getElementType()))) {
    g.nodeError() << "quantizes to " << onnxDtypeName(dtype)
                  << ", which is not supported (INT8, UINT8, INT16, UINT16, "
                     "INT32)";
    return failure();
  }
  if (foldConstantQuantization(g, /*quantize=*/true, *range))
    return success();
  int64_t rank = tensorType(x).getRank();
  scale = perAxis(g, scale, rank, "y_scale");
  if (!scale)
    return failure();
  if (zeroPoint)
    zeroPoint = perAxis(g, zeroPoint, rank, "y_zero_point");
  if (!scale || (g.hasInput(2) && !zeroPoint))
    return failure();
  SmallVector<Value> operands = {x, scale};
  if (zeroPoint)
    operands.push_back(zeroPoint);
  FailureOr<Value> y = buildElementwise(
      g, operands,
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value q = math::RoundEvenOp::create(
            b, l, arith::DivFOp::create(b, l, a[0], a[1]));
        if (zeroPoint)
          q = arith::AddFOp::create(b, l, q, toF32(b, l, a[2]));
        return saturate(b, l, q, range->first, range->second);
      },
      g.builder.getI64Type());
  if (failed(y))
    return failure();
  g.setOutput(0, *y);
  return success();
}

/// DequantizeLinear(x, x_scale, x_zero_point): (x - x_zero_point) *
/// x_scale in f32, as ONNX's reference computes it.
LogicalResult importDequantizeLinear(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis", "block_size", "output_dtype"})) ||
      failed(checkUnblocked(g)))
    return failure();
  Value x = g.tensorInput(0), scale = floatInput(g, 1);
  if (!x || !scale)
    return failure();
  if (!isa<IntegerType>(tensorType(x).getElementType()) ||
      tensorType(x).getElementType().isInteger(1)) {
    g.nodeError() << "dequantizes " << tensorType(x).getElementType()
                  << " data, which is not supported (INT8, UINT8, INT16, "
                     "UINT16, INT32)";
    return failure();
  }
  if (foldConstantQuantization(g, /*quantize=*/false, {0, 0}))
    return success();
  int64_t rank = tensorType(x).getRank();
  scale = perAxis(g, scale, rank, "x_scale");
  if (!scale)
    return failure();
  Value zeroPoint = g.hasInput(2) ? g.tensorInput(2) : Value();
  if (zeroPoint)
    zeroPoint = perAxis(g, zeroPoint, rank, "x_zero_point");
  if (!scale || (g.hasInput(2) && !zeroPoint))
    return failure();
  SmallVector<Value> operands = {x, scale};
  if (zeroPoint)
    operands.push_back(zeroPoint);
  FailureOr<Value> y = buildElementwise(
      g, operands,
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value v = toF32(b, l, a[0]);
        if (zeroPoint)
          v = arith::SubFOp::create(b, l, v, toF32(b, l, a[2]));
        return arith::MulFOp::create(b, l, v, a[1]);
      },
      g.builder.getF32Type());
  if (failed(y))
    return failure();
  g.setOutput(0, *y);
  return success();
}

/// A rank-0 f32 tensor: `combine` of every element of `x` from `init`.
Value reduceAll(
    GraphImporter &g, Value x, double init,
    function_ref<Value(OpBuilder &, Location, Value, Value)> combine) {
  OpBuilder &b = g.builder;
  int64_t rank = tensorType(x).getRank();
  Value acc = seq::createEmptyTensor(b, g.loc, {}, b.getF32Type());
  Value c = arith::ConstantOp::create(b, g.loc, b.getF32FloatAttr(init));
  acc = linalg::FillOp::create(b, g.loc, ValueRange{c}, ValueRange{acc})
            .getResult(0);
  return linalg::GenericOp::create(
             b, g.loc, TypeRange{acc.getType()}, ValueRange{x}, ValueRange{acc},
             ArrayRef<AffineMap>{
                 AffineMap::getMultiDimIdentityMap(rank, g.context),
                 AffineMap::get(rank, 0, {}, g.context)},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::reduction),
             [&](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l, combine(nb, l, a[1], a[0]));
             })
      .getResult(0);
}

/// DynamicQuantizeLinear(x) -> y, y_scale, y_zero_point (ONNX's formula):
/// the range [min(0, min x), max(0, max x)] over 255 steps, uint8.
LogicalResult importDynamicQuantizeLinear(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  Value x = floatInput(g, 0);
  if (!x)
    return failure();
  Value lo = reduceAll(g, x, 0.0,
                       [](OpBuilder &b, Location l, Value a, Value v) -> Value {
                         return arith::MinimumFOp::create(b, l, a, v);
                       });
  Value hi = reduceAll(g, x, 0.0,
                       [](OpBuilder &b, Location l, Value a, Value v) -> Value {
                         return arith::MaximumFOp::create(b, l, a, v);
                       });
  FailureOr<Value> scale = buildElementwise(
      g, {lo, hi}, [](OpBuilder &b, Location l, ValueRange a) -> Value {
        return arith::DivFOp::create(
            b, l, arith::SubFOp::create(b, l, a[1], a[0]),
            arith::ConstantOp::create(b, l, b.getF32FloatAttr(255)));
      });
  if (failed(scale))
    return failure();
  // zero point = saturate(round(0 - min / scale)), as an f32 integer.
  FailureOr<Value> zeroPoint = buildElementwise(
      g, {lo, *scale},
      [](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value zp = arith::NegFOp::create(
            b, l, arith::DivFOp::create(b, l, a[0], a[1]));
        return saturate(b, l, zp, 0, 255);
      },
      g.builder.getI64Type());
  if (failed(zeroPoint))
    return failure();
  FailureOr<Value> y = buildElementwise(
      g, {x, *scale, *zeroPoint},
      [](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value q = math::RoundEvenOp::create(
            b, l, arith::DivFOp::create(b, l, a[0], a[1]));
        q = arith::AddFOp::create(b, l, q, toF32(b, l, a[2]));
        return saturate(b, l, q, 0, 255);
      },
      g.builder.getI64Type());
  if (failed(y))
    return failure();
  g.setOutput(0, *y);
  g.setOutput(1, *scale);
  g.setOutput(2, *zeroPoint);
  return success();
}

/// A per-row operand of a matrix product (A's zero point or scale [M]) as
/// the column [M, 1]; a scalar or per-column one as it is.
Value asColumn(GraphImporter &g, Value v) {
  RankedTensorType t = tensorType(v);
  if (t.getRank() != 1 || t.getDimSize(0) == 1)
    return v;
  return tensor::ExpandShapeOp::create(
      g.builder, g.loc,
      RankedTensorType::get({t.getDimSize(0), 1}, t.getElementType()), v,
      SmallVector<ReassociationIndices>{{0, 1}},
      SmallVector<OpFoldResult>{g.dimSize(v, 0), g.builder.getIndexAttr(1)});
}

/// (A - A's zero point, input aZp) @ (B - B's, input bZp) in f64, the zero
/// points scalars, per row of A ([M]) or per column of B ([N]): every
/// product and sum of 8-bit values is exact there below 2^53.
FailureOr<Value> integerProduct(GraphImporter &g, Value a, unsigned aZp,
                                Value b, unsigned bZp) {
  for (Value v : {a, b})
    if (!isa<IntegerType>(tensorType(v).getElementType()) ||
        tensorType(v).getElementType().isInteger(1)) {
      g.nodeError() << "takes integer A and B, found " << a.getType() << " and "
                    << b.getType();
      return failure();
    }
  Type f64 = g.builder.getF64Type();
  auto shifted = [&](Value x, unsigned zpInput, bool rows) -> Value {
    Value zp = g.hasInput(zpInput) ? g.tensorInput(zpInput) : Value();
    if (g.hasInput(zpInput) && !zp)
      return Value();
    if (zp && rows)
      zp = asColumn(g, zp);
    SmallVector<Value> operands = {x};
    if (zp)
      operands.push_back(zp);
    FailureOr<Value> r = buildElementwise(
        g, operands,
        [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
          Value w = arith::SIToFPOp::create(nb, l, f64, v[0]);
          if (v.size() > 1)
            w = arith::SubFOp::create(
                nb, l, w, arith::SIToFPOp::create(nb, l, f64, v[1]));
          return w;
        },
        f64);
    return failed(r) ? Value() : *r;
  };
  Value sa = shifted(a, aZp, /*rows=*/true), sb = shifted(b, bZp, false);
  if (!sa || !sb)
    return failure();
  std::string op = g.node->op_type();
  return seq::createTorchMatmul(g.builder, g.loc, sa, sb,
                                seq::describeOrigin(op, g.loc),
                                [&] { return g.nodeError() << op << ": "; });
}

/// MatMulInteger(A, B, a_zero_point, b_zero_point): (A - a_zero_point) @
/// (B - b_zero_point) as INT32, the zero points scalars or per row of A
/// ([M]) and per column of B ([N]). Computed in f64: every product and sum
/// of 8-bit values is exact there below 2^53.
LogicalResult importMatMulInteger(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  Value a = g.tensorInput(0), b = g.tensorInput(1);
  if (!a || !b)
    return failure();
  FailureOr<Value> product = integerProduct(g, a, 2, b, 3);
  if (failed(product))
    return failure();
  FailureOr<Value> y = buildElementwise(
      g, {*product},
      [](OpBuilder &nb, Location l, ValueRange v) -> Value {
        return arith::FPToSIOp::create(nb, l, nb.getI64Type(), v[0]);
      },
      g.builder.getI64Type());
  if (failed(y))
    return failure();
  g.setOutput(0, *y);
  return success();
}

/// QLinearMatMul(a, a_scale, a_zero_point, b, b_scale, b_zero_point,
/// y_scale, y_zero_point): the integer product requantized,
/// saturate(round(acc * a_scale * b_scale / y_scale) + y_zero_point) in
/// y_zero_point's dtype (a's scale per row or b's per column allowed).
LogicalResult importQLinearMatMul(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  Value a = g.tensorInput(0), b = g.tensorInput(3), zp = g.tensorInput(7);
  Value aScale = floatInput(g, 1), bScale = floatInput(g, 4),
        yScale = floatInput(g, 2 + 4);
  if (!a || !b || !zp || !aScale || !bScale || !yScale)
    return failure();
  std::optional<std::pair<double, double>> range =
      quantizedRange(g.input(7)->heldDtype);
  if (!range) {
    g.nodeError() << "y_zero_point must be INT8 or UINT8";
    return failure();
  }
  FailureOr<Value> acc = integerProduct(g, a, 2, b, 5);
  if (failed(acc))
    return failure();
  FailureOr<Value> y = buildElementwise(
      g, {*acc, asColumn(g, aScale), bScale, yScale, zp},
      [&](OpBuilder &nb, Location l, ValueRange v) -> Value {
        Value multiplier = arith::DivFOp::create(
            nb, l, arith::MulFOp::create(nb, l, v[1], v[2]), v[3]);
        Value q = arith::MulFOp::create(
            nb, l, arith::TruncFOp::create(nb, l, nb.getF32Type(), v[0]),
            multiplier);
        q = arith::AddFOp::create(nb, l, math::RoundEvenOp::create(nb, l, q),
                                  toF32(nb, l, v[4]));
        return saturate(nb, l, q, range->first, range->second);
      },
      g.builder.getI64Type());
  if (failed(y))
    return failure();
  g.setOutput(0, *y);
  return success();
}

} // namespace

LogicalResult importQuantizeOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "QuantizeLinear")
    return importQuantizeLinear(g);
  if (op == "DequantizeLinear")
    return importDequantizeLinear(g);
  if (op == "DynamicQuantizeLinear")
    return importDynamicQuantizeLinear(g);
  if (op == "MatMulInteger")
    return importMatMulInteger(g);
  if (op == "QLinearMatMul")
    return importQLinearMatMul(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
