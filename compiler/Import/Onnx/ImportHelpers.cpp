//===- ImportHelpers.cpp - helpers shared by the ONNX op families --------===//
//
// The free functions GraphImporter.h declares for the op importers: axes,
// window attributes and pads, checked indices, float inputs, shapes.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/PointwiseMath.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"

using namespace mlir;

namespace seqc::onnx_import {

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Normalizes a possibly negative axis; emits an error when out of range.
std::optional<int64_t> normalizeAxis(GraphImporter &g, int64_t axis,
                                     int64_t rank) {
  if (axis < -rank || axis >= rank) {
    g.nodeError() << "axis " << axis << " is out of range for rank " << rank;
    return std::nullopt;
  }
  return axis < 0 ? axis + rank : axis;
}

std::optional<SmallVector<int64_t>>
normalizeDistinctAxes(GraphImporter &g, ArrayRef<int64_t> axes, int64_t rank) {
  SmallVector<int64_t> normalized;
  SmallVector<bool> seen(rank, false);
  for (int64_t a : axes) {
    std::optional<int64_t> n = normalizeAxis(g, a, rank);
    if (!n)
      return std::nullopt;
    if (seen[*n]) {
      g.nodeError() << "axes name dimension " << *n << " twice";
      return std::nullopt;
    }
    seen[*n] = true;
    normalized.push_back(*n);
  }
  return normalized;
}

/// A float input, with an error when it is not f32.
std::optional<int64_t> oneDimAttr(GraphImporter &g, StringRef name,
                                  int64_t dflt, int64_t min, StringRef what) {
  std::optional<SmallVector<int64_t>> v = g.intsAttr(name);
  if (!v)
    return dflt;
  if (v->size() != 1 || (*v)[0] < min || (*v)[0] > kMaxWindowAttr) {
    g.nodeError() << name << " must be one entry in [" << min << ", 2^31) for "
                  << what;
    return std::nullopt;
  }
  return (*v)[0];
}

std::optional<SmallVector<int64_t>>
windowPads(GraphImporter &g, StringRef what, ArrayRef<int64_t> sizes,
           ArrayRef<int64_t> kernels, ArrayRef<int64_t> strides,
           ArrayRef<int64_t> dilations, bool allowSame) {
  const size_t n = sizes.size();
  std::string autoPad = g.stringAttr("auto_pad").value_or("NOTSET");
  SmallVector<int64_t> pads(2 * n, 0);
  if (autoPad == "NOTSET") {
    pads = g.intsAttr("pads").value_or(pads);
    if (pads.size() != 2 * n || llvm::any_of(pads, [](int64_t p) {
          return p < 0 || p > kMaxWindowAttr;
        })) {
      g.nodeError() << "pads must be "
                    << (n == 1   ? "two"
                        : n == 2 ? "four"
                                 : std::to_string(2 * n))
                    << " entries in [0, 2^31) for " << what;
      return std::nullopt;
    }
    return pads;
  }
  if (autoPad == "VALID")
    return pads;
  if ((autoPad != "SAME_UPPER" && autoPad != "SAME_LOWER") || !allowSame) {
    g.nodeError() << "auto_pad '" << autoPad << "' is not supported for "
                  << what << " (NOTSET with explicit pads, VALID"
                  << (allowSame ? ", SAME_UPPER or SAME_LOWER)" : ")");
    return std::nullopt;
  }
  // The output is ceil(size / stride) long; the padding that takes, odd
  // totals with the extra step at the end (SAME_UPPER) or the start
  // (SAME_LOWER), as the ONNX operator documentation says.
  for (size_t i = 0; i < n; ++i) {
    if (ShapedType::isDynamic(kernels[i])) {
      g.nodeError() << "auto_pad '" << autoPad
                    << "' needs a kernel of fixed size";
      return std::nullopt;
    }
    int64_t extent = dilations[i] * (kernels[i] - 1) + 1, total;
    if (ShapedType::isDynamic(sizes[i])) {
      if (strides[i] != 1) {
        g.nodeError() << "auto_pad '" << autoPad << "' with stride "
                      << strides[i] << " over a dimension of run-time size: "
                      << "the padding would depend on the size (export with "
                         "explicit pads)";
        return std::nullopt;
      }
      total = extent - 1;
    } else {
      int64_t out = (sizes[i] + strides[i] - 1) / strides[i];
      total = std::max<int64_t>((out - 1) * strides[i] + extent - sizes[i], 0);
    }
    pads[i] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
    pads[i + n] = total - pads[i];
  }
  return pads;
}

std::optional<std::pair<int64_t, int64_t>>
oneDimPads(GraphImporter &g, StringRef what, int64_t size, int64_t kernel,
           int64_t stride, int64_t dilation, bool allowSame) {
  std::optional<SmallVector<int64_t>> pads =
      windowPads(g, what, {size}, {kernel}, {stride}, {dilation}, allowSame);
  if (!pads)
    return std::nullopt;
  return std::make_pair((*pads)[0], (*pads)[1]);
}

Value checkedIndex(OpBuilder &b, Location l, Value raw, Value extent,
                   const std::string &message) {
  Value given = arith::IndexCastOp::create(b, l, b.getIndexType(), raw);
  Value zero = arith::ConstantIndexOp::create(b, l, 0);
  Value negative =
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, given, zero);
  Value index = arith::SelectOp::create(
      b, l, negative, arith::AddIOp::create(b, l, given, extent), given);
  Value inRange = arith::AndIOp::create(
      b, l, arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, index, zero),
      arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, index, extent));
  seq::createCheck(b, l, inRange, raw, message, seq::CheckKind::value);
  return arith::SelectOp::create(b, l, inRange, index, zero);
}

Value narrowedF64Constant(GraphImporter &g, unsigned i) {
  const OnnxValue *in = g.input(i);
  if (!in || in->tensor || !in->constant ||
      !in->constant.getElementType().isF64())
    return Value();
  SmallVector<float> data;
  for (double x : in->constant.getValues<double>())
    data.push_back(static_cast<float>(x));
  auto type = RankedTensorType::get(in->constant.getType().getShape(),
                                    g.builder.getF32Type());
  return arith::ConstantOp::create(
      g.builder, g.loc, DenseElementsAttr::get(type, ArrayRef(data)));
}

/// The f32 tensor `v` is a widening of (an elementwise `arith.extf` of
/// it, as a Cast to DOUBLE imports), or null.
static Value widenedFromF32(Value v) {
  auto generic = v.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic->getNumResults() != 1 ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return nullptr;
  Block &body = generic.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto ext = yield.getValues()[0].getDefiningOp<arith::ExtFOp>();
  Value input = generic.getDpsInputs()[0];
  if (!ext || ext.getIn() != body.getArgument(0) ||
      !tensorType(input).getElementType().isF32() ||
      tensorType(input).getShape() != tensorType(v).getShape())
    return nullptr;
  return input;
}

Value floatInput(GraphImporter &g, unsigned i) {
  // A DOUBLE constant where f32 data is wanted is a Python float the
  // exporter typed as double; PyTorch computes with it in f32.
  if (Value narrowed = narrowedF64Constant(g, i))
    return narrowed;
  Value v = g.tensorInput(i);
  if (v && tensorType(v).getElementType().isF64()) {
    // Computed DOUBLE data (a scripted model's `masked_fill(m, -1e9)` after
    // a Cast to DOUBLE): the eager model computes it in f32, and so does
    // seqc, saying so once.
    if (!g.warnedF64) {
      mlir::emitWarning(g.loc)
          << "node '" << g.node->name() << "' (" << g.node->op_type()
          << "): float64 values reach this node; seqc computes them in "
             "float32 (as eager PyTorch does with the Python floats that "
             "torch's exporter typed as double, as in torch.where(c, x, "
             "-1e9) or a scripted model's masked_fill)";
      g.warnedF64 = true;
    }
    // An f32 tensor widened by a Cast to DOUBLE (torch 1.13 casts the
    // scores to double to add a mask it typed double, Gemma-2's
    // `torch.where(window, finfo.min, mask)`) narrows back to itself
    // exactly: the ops that read it (a mask raised into attention) see
    // the f32 value.
    if (Value widened = widenedFromF32(v))
      return widened;
    FailureOr<Value> narrowed = buildElementwise(
        g, {v},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          return arith::TruncFOp::create(b, l, b.getF32Type(), a[0]);
        },
        g.builder.getF32Type());
    return failed(narrowed) ? nullptr : *narrowed;
  }
  if (v && !tensorType(v).getElementType().isF32()) {
    g.nodeError() << "input " << i << " ('" << g.node->input(i)
                  << "') has element type " << tensorType(v).getElementType()
                  << "; seqc computes this op on floating-point data "
                     "(float16, bfloat16 and float64 as float32): Cast the "
                     "input to float first";
    return nullptr;
  }
  return v;
}

FailureOr<SmallVector<Value>> floatInputs(GraphImporter &g) {
  SmallVector<Value> inputs;
  for (int i = 0; i < g.node->input_size(); ++i) {
    Value v = floatInput(g, i);
    if (!v)
      return failure();
    inputs.push_back(v);
  }
  return inputs;
}

Value zeroF32Tensor(GraphImporter &g, ArrayRef<OpFoldResult> sizes) {
  SmallVector<Value> dynamic;
  for (OpFoldResult size : sizes)
    if (auto v = dyn_cast<Value>(size))
      dynamic.push_back(v);
  return seq::createFilledTensor(
      g.builder, g.loc,
      RankedTensorType::get(seq::getStaticShape(sizes), g.builder.getF32Type()),
      dynamic, 0.0);
}

SmallVector<OpFoldResult> shapeOf(GraphImporter &g, Value x) {
  SmallVector<OpFoldResult> out;
  for (int64_t i = 0; i < tensorType(x).getRank(); ++i)
    out.push_back(g.dimSize(x, i));
  return out;
}

FailureOr<SmallVector<int64_t>> sliceAxes(GraphImporter &g, size_t count) {
  SmallVector<int64_t> axes;
  if (g.hasInput(3)) {
    auto a = g.constIntsInput(3);
    if (!a) {
      g.nodeError() << "axes must be a constant";
      return failure();
    }
    axes.assign(a->begin(), a->end());
  } else {
    for (size_t i = 0; i < count; ++i)
      axes.push_back(i);
  }
  if (axes.size() != count) {
    g.nodeError() << "starts, ends and axes differ in length";
    return failure();
  }
  // ONNX: "Behavior is undefined if an axis is repeated" -- refused.
  for (size_t i = 0; i < axes.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (axes[i] == axes[j]) {
        g.nodeError() << "axis " << axes[i] << " is repeated in axes";
        return failure();
      }
  return axes;
}

} // namespace seqc::onnx_import
