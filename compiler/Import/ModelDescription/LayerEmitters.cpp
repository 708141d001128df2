//===- LayerEmitters.cpp - each .seq layer kind into seq ops ------------===//
//
// One function per layer kind: check the operands, keywords and weights the
// layer reads (PyTorch state_dict names), then emit seq ops and upstream
// glue. Shared helpers live in ModelDescription.cpp.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/Emitter.h"

using namespace mlir;

namespace seqc {
namespace md {

//===----------------------------------------------------------------------===//
// Layers with weights
//===----------------------------------------------------------------------===//

FailureOr<Val> Emitter::emitLinear(const Val &x) {
  if (failed(expectFloat(x, -1, "a float [..., in] input")))
    return failure();
  FailureOr<int64_t> in = staticDim(x, x.rank() - 1, "feature size");
  if (failed(in))
    return failure();
  FailureOr<WeightTensor> w = weight("weight");
  if (failed(w))
    return failure();
  // fan_in_fan_out: the weight is stored [in, out] (GPT-2's Conv1D).
  bool fanInFanOut = boolKw("fan_in_fan_out", false);
  int64_t outDim = fanInFanOut ? 1 : 0;
  if (w->shape.size() == 2 &&
      failed(checkKwAgainst("out", w->shape[outDim], *w, "out features")))
    return failure();
  int64_t out = w->shape.size() == 2 ? w->shape[outDim] : intKw("out", -1);
  std::string why = "an input with " + std::to_string(*in) + " features";
  if (fanInFanOut) {
    if (failed(expectShape(*w, {*in, out}, why + " (fan_in_fan_out: [in, out])")))
      return failure();
    *w = transposeFanInFanOut(*w);
  } else if (w->shape.size() == 2 && w->shape[1] != *in) {
    // The out features come from the weight, so its [out, in] would only
    // echo the weight's first size back: name the layout instead, and the
    // likely mistake.
    InFlightDiagnostic diag = error(current->layerPos);
    diag << "weight '" << w->name << "' is " << formatShape(w->shape) << " but "
         << why << " needs [out_features, " << *in
         << "] (PyTorch's nn.Linear layout)";
    if (w->shape[0] == *in)
      diag << "; a weight stored [in, out] (Keras, GPT-2's Conv1D) takes "
              "fan_in_fan_out=true";
    diag.attachNote(weights.getLocation())
        << "'" << w->name << "' is read from '" << weights.getPath() << "'";
    return failure();
  } else if (failed(expectShape(*w, {out, *in}, why))) {
    return failure();
  }
  std::optional<WeightTensor> bias;
  if (boolKw("bias", true)) {
    FailureOr<WeightTensor> bw = weight("bias");
    if (failed(bw) || failed(expectShape(*bw, {out}, "the bias of out=" +
                                                         std::to_string(out))))
      return failure();
    bias = std::move(*bw);
  }
  return linearOp(x, *w, bias ? &*bias : nullptr);
}

FailureOr<Val> Emitter::emitLayerNorm(const Val &x) {
  if (failed(expectFloat(x, -1, "a float input")))
    return failure();
  FailureOr<int64_t> features = staticDim(x, x.rank() - 1, "feature size");
  if (failed(features))
    return failure();
  bool affine = boolKw("elementwise_affine", true);
  Value scale, bias;
  if (affine) {
    FailureOr<WeightTensor> w = weight("weight");
    if (failed(w) || failed(expectShape(*w, {*features}, "the input's features")))
      return failure();
    scale = constant(w->shape, w->data);
    if (boolKw("bias", true)) {
      FailureOr<WeightTensor> bw = weight("bias");
      if (failed(bw) ||
          failed(expectShape(*bw, {*features}, "the input's features")))
        return failure();
      bias = constant(bw->shape, bw->data);
    }
  }
  Val out = x;
  out.value = seq::LayerNormOp::create(
      b, here(), x.type(), x.value, scale, bias,
      b.getF32FloatAttr((float)floatKw("eps", 1e-5)), b.getI64IntegerAttr(-1));
  return out;
}

FailureOr<Val> Emitter::emitRmsNorm(const Val &x) {
  if (failed(expectFloat(x, -1, "a float input")))
    return failure();
  FailureOr<int64_t> features = staticDim(x, x.rank() - 1, "feature size");
  if (failed(features))
    return failure();
  Value scale;
  if (boolKw("elementwise_affine", true)) {
    FailureOr<WeightTensor> w = weight("weight");
    if (failed(w) || failed(expectShape(*w, {*features}, "the input's features")))
      return failure();
    scale = constant(w->shape, w->data);
  }
  // nn.RMSNorm's eps=None is torch.finfo(float32).eps.
  Val out = x;
  out.value = seq::RmsNormOp::create(
      b, here(), x.type(), x.value, scale,
      b.getF32FloatAttr((float)floatKw("eps", 1.1920928955078125e-07)),
      b.getI64IntegerAttr(-1));
  return out;
}

FailureOr<Val> Emitter::emitEmbedding(const Val &x) {
  // seq.embedding takes i8 to i64 indices: bool (i1) ones are not.
  auto index = dyn_cast<IntegerType>(x.type().getElementType());
  if (!index || index.getWidth() < 8) {
    error(current->operands[0].value.pos)
        << "embedding expects integer indices (i64 or i32); "
        << describe(x, current->operands[0].value.text);
    return failure();
  }
  FailureOr<WeightTensor> w = weight("weight");
  if (failed(w))
    return failure();
  if (w->shape.size() != 2) {
    (void)expectShape(*w, {intKw("num", -1), intKw("dim", -1)},
                      "an embedding table [num, dim]");
    return failure();
  }
  if (failed(checkKwAgainst("num", w->shape[0], *w, "rows")) ||
      failed(checkKwAgainst("dim", w->shape[1], *w, "embedding size")))
    return failure();
  SmallVector<int64_t> shape(x.type().getShape());
  shape.push_back(w->shape[1]);
  Val out;
  out.value = seq::EmbeddingOp::create(
      b, here(), RankedTensorType::get(shape, b.getF32Type()), x.value,
      constant(w->shape, w->data));
  out.dims = x.dims;
  out.dims.push_back("");
  return out;
}

FailureOr<Val> Emitter::emitConv1d(const Val &x) {
  if (failed(expectFloat(x, 3, "a float [B, C, T] input")))
    return failure();
  FailureOr<int64_t> cin = staticDim(x, 1, "channel count");
  if (failed(cin))
    return failure();
  int64_t groups = intKw("groups", 1), stride = intKw("stride", 1),
          dilation = intKw("dilation", 1), padding = intKw("padding", 0);
  for (StringRef kw : {"groups", "stride", "dilation"}) {
    if (intKw(kw, 1) < 1) {
      error(keyword(kw)->keyPos) << kw << " must be at least 1";
      return failure();
    }
  }
  if (padding < 0) {
    error(keyword("padding")->keyPos) << "padding must be at least 0";
    return failure();
  }
  // (The op takes sizes up to 2^31 - 1, which keeps T + 2 * padding and
  // dilation * (kernel - 1) from overflowing.)
  for (StringRef kw : {"stride", "dilation", "padding"}) {
    if (intKw(kw, 0) > INT32_MAX) {
      error(keyword(kw)->keyPos) << kw << " must be at most " << INT32_MAX;
      return failure();
    }
  }
  bool causal = boolKw("causal", false);
  if (causal && padding) {
    error(keyword("padding")->keyPos)
        << "padding and causal exclude each other (causal pads the left side)";
    return failure();
  }
  FailureOr<WeightTensor> w = weight("weight");
  if (failed(w))
    return failure();
  if (*cin % groups != 0) {
    error(keyword("groups")->keyPos)
        << "groups=" << groups << " must divide the input's " << *cin
        << " channels";
    return failure();
  }
  if (w->shape.size() != 3)
  {
    (void)expectShape(*w, {intKw("out", -1), *cin / groups, intKw("kernel", -1)},
                      "conv1d [out, in/groups, kernel]");
    return failure();
  }
  if (failed(checkKwAgainst("out", w->shape[0], *w, "out channels")) ||
      failed(checkKwAgainst("kernel", w->shape[2], *w, "kernel size")) ||
      failed(expectShape(*w, {w->shape[0], *cin / groups, w->shape[2]},
                         "an input with " + std::to_string(*cin) +
                             " channels and groups=" + std::to_string(groups))))
    return failure();
  int64_t cout = w->shape[0], k = w->shape[2];
  Value bias;
  if (boolKw("bias", true)) {
    FailureOr<WeightTensor> bw = weight("bias");
    if (failed(bw) || failed(expectShape(*bw, {cout}, "the out channels")))
      return failure();
    bias = constant(bw->shape, bw->data);
  }
  int64_t t = x.type().getDimSize(2), tout = ShapedType::kDynamic;
  if (!ShapedType::isDynamic(t)) {
    int64_t pad = causal ? dilation * (k - 1) : 2 * padding;
    tout = (t + pad - dilation * (k - 1) - 1) / stride + 1;
    if (tout < 1) {
      error(current->operands[0].value.pos)
          << "conv1d with kernel " << k << " and dilation " << dilation
          << " needs more time steps; "
          << describe(x, current->operands[0].value.text);
      return failure();
    }
  }
  auto type = RankedTensorType::get({x.type().getDimSize(0), cout, tout},
                                    b.getF32Type());
  Val out;
  out.value = seq::Conv1dOp::create(
      b, here(), type, x.value, constant(w->shape, w->data), bias,
      (uint64_t)stride, (uint64_t)dilation, (uint64_t)groups,
      padding ? b.getDenseI64ArrayAttr({padding, padding}) : DenseI64ArrayAttr(),
      causal);
  // The length is kept (the time name too) when stride 1 pads the window's
  // whole reach: causal, a 1-wide kernel, or `padding` of half the reach.
  bool keepsLength =
      stride == 1 && (causal || 2 * padding == dilation * (k - 1));
  out.dims = {x.dims[0], "", keepsLength ? x.dims[2] : ""};
  return out;
}

Value Emitter::splitHeads(const Val &projected, int64_t heads) {
  int64_t bs = projected.type().getDimSize(0),
          ls = projected.type().getDimSize(1),
          dh = projected.type().getDimSize(2) / heads;
  auto splitType = RankedTensorType::get({bs, ls, heads, dh}, b.getF32Type());
  SmallVector<OpFoldResult> outShape = {dimFold(projected.value, 0),
                                        dimFold(projected.value, 1),
                                        b.getIndexAttr(heads),
                                        b.getIndexAttr(dh)};
  Value split = tensor::ExpandShapeOp::create(
      b, here(), splitType, projected.value,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}}, outShape);
  return transpose(Val{split, {"", "", "", ""}}, {0, 2, 1, 3}).value;
}

Val Emitter::mergeHeads(Value attended, const Val &like) {
  Val merged = transpose(Val{attended, {"", "", "", ""}}, {0, 2, 1, 3});
  Value concat = tensor::CollapseShapeOp::create(
      b, here(), merged.value,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  return Val{concat, like.dims};
}

} // namespace md
} // namespace seqc
