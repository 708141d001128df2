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

/// Rows of a `[G*H, C]` matrix (or `[G*H]` vector) in PyTorch's gate order,
/// appended to `out` in ONNX's order.
static void appendReordered(std::vector<float> &out, const WeightTensor &w,
                            ArrayRef<int> order, int64_t gateRows) {
  int64_t cols = w.shape.size() == 2 ? w.shape[1] : 1;
  for (int g : order) {
    const float *begin = w.data.data() + g * gateRows * cols;
    out.insert(out.end(), begin, begin + gateRows * cols);
  }
}

FailureOr<Val> Emitter::emitRecurrence(const Val &x) {
  StringRef kind = current->layer;
  int64_t gates = kind == "lstm" ? 4 : kind == "gru" ? 3 : 1;
  // PyTorch i,f,g,o -> ONNX i,o,f,c; r,z,n -> z,r,h.
  SmallVector<int> order = kind == "lstm"  ? SmallVector<int>{0, 3, 1, 2}
                           : kind == "gru" ? SmallVector<int>{1, 0, 2}
                                           : SmallVector<int>{0};
  int64_t numLayers = intKw("num_layers", 1);
  if (numLayers < 1) {
    error(keyword("num_layers")->keyPos) << "num_layers must be at least 1";
    return failure();
  }
  bool bidirectional = boolKw("bidirectional", false);
  bool batchFirst = boolKw("batch_first", false);
  bool hasBias = boolKw("bias", true);
  int64_t projSize = intKw("proj_size", 0);
  int64_t numDirs = bidirectional ? 2 : 1;
  if (failed(expectFloat(x, 3, batchFirst ? "a float [B, T, I] input"
                                          : "a float [T, B, I] input")))
    return failure();

  Val cur = x;
  int64_t hidden = -1;
  for (int64_t layer = 0; layer < numLayers; ++layer) {
    FailureOr<int64_t> inputSize = staticDim(cur, 2, "feature size");
    if (failed(inputSize))
      return failure();
    std::vector<float> w, r, bias, proj;
    int64_t hiddenOut = 0;
    for (int64_t dir = 0; dir < numDirs; ++dir) {
      std::string suffix =
          "_l" + std::to_string(layer) + (dir ? "_reverse" : "");
      FailureOr<WeightTensor> wih = weight("weight_ih" + suffix);
      if (failed(wih))
        return failure();
      if (hidden < 0) {
        if (wih->shape.size() != 2 || wih->shape[0] % gates != 0) {
          InFlightDiagnostic diag = error(current->layerPos);
          diag << "weight '" << wih->name << "' is "
               << formatShape(wih->shape) << "; a " << kind
               << " needs [" << gates << "*hidden, input]";
          diag.attachNote(weights.getLocation())
              << "'" << wih->name << "' is read from '" << weights.getPath()
              << "'";
          return failure();
        }
        hidden = wih->shape[0] / gates;
        if (failed(checkKwAgainst("hidden", hidden, *wih, "hidden size")))
          return failure();
      }
      hiddenOut = projSize > 0 ? projSize : hidden;
      std::string layerInput =
          layer == 0 ? "the input's feature size" : "the previous layer's output";
      if (failed(expectShape(*wih, {gates * hidden, *inputSize},
                             "hidden=" + std::to_string(hidden) + " with " +
                                 layerInput + " " +
                                 std::to_string(*inputSize))))
        return failure();
      FailureOr<WeightTensor> whh = weight("weight_hh" + suffix);
      if (failed(whh) ||
          failed(expectShape(*whh, {gates * hidden, hiddenOut},
                             "hidden=" + std::to_string(hidden) +
                                 (projSize ? " proj_size=" +
                                                 std::to_string(projSize)
                                           : std::string()))))
        return failure();
      appendReordered(w, *wih, order, hidden);
      appendReordered(r, *whh, order, hidden);
      if (projSize > 0) {
        FailureOr<WeightTensor> whr = weight("weight_hr" + suffix);
        if (failed(whr) || failed(expectShape(*whr, {projSize, hidden},
                                              "proj_size with hidden")))
          return failure();
        proj.insert(proj.end(), whr->data.begin(), whr->data.end());
      }
      if (hasBias) {
        FailureOr<WeightTensor> bih = weight("bias_ih" + suffix);
        if (failed(bih) ||
            failed(expectShape(*bih, {gates * hidden}, "the gate bias")))
          return failure();
        FailureOr<WeightTensor> bhh = weight("bias_hh" + suffix);
        if (failed(bhh) ||
            failed(expectShape(*bhh, {gates * hidden}, "the gate bias")))
          return failure();
        appendReordered(bias, *bih, order, hidden);
        appendReordered(bias, *bhh, order, hidden);
      }
    }

    Value wc = constant({numDirs, gates * hidden, *inputSize}, w);
    Value rc = constant({numDirs, gates * hidden, hiddenOut}, r);
    Value bc = hasBias ? constant({numDirs, 2 * gates * hidden}, bias) : Value();
    Value pc = projSize > 0 ? constant({numDirs, projSize, hidden}, proj)
                            : Value();
    // y: [T, D, B, Hout] or [B, T, D, Hout]; states [D, B, .] or [B, D, .].
    int64_t d0 = cur.type().getDimSize(0), d1 = cur.type().getDimSize(1);
    Type f32 = b.getF32Type();
    RankedTensorType yType, hType, cType;
    if (batchFirst) {
      yType = RankedTensorType::get({d0, d1, numDirs, hiddenOut}, f32);
      hType = RankedTensorType::get({d0, numDirs, hiddenOut}, f32);
      cType = RankedTensorType::get({d0, numDirs, hidden}, f32);
    } else {
      yType = RankedTensorType::get({d0, numDirs, d1, hiddenOut}, f32);
      hType = RankedTensorType::get({numDirs, d1, hiddenOut}, f32);
      cType = RankedTensorType::get({numDirs, d1, hidden}, f32);
    }
    auto direction = bidirectional ? seq::Direction::bidirectional
                                   : seq::Direction::forward;
    auto layout =
        batchFirst ? seq::Layout::batch_major : seq::Layout::time_major;
    Value y;
    if (kind == "lstm") {
      y = seq::LstmOp::create(b, here(), yType, hType, cType, cur.value, wc,
                              rc, bc, Value(), Value(), Value(), pc, Value(),
                              (uint64_t)hidden, direction, layout, ArrayAttr(),
                              FloatAttr(), false)
              .getY();
    } else if (kind == "gru") {
      y = seq::GruOp::create(b, here(), yType, hType, cur.value, wc, rc, bc,
                             Value(), Value(), (uint64_t)hidden, direction,
                             layout, ArrayAttr(), FloatAttr(), true)
              .getY();
    } else {
      ArrayAttr acts;
      if (nameKw("nonlinearity", "tanh") == "relu") {
        Attribute relu = seq::ActivationAttr::get(ctx, seq::ActivationKind::relu);
        acts = b.getArrayAttr(SmallVector<Attribute>(numDirs, relu));
      }
      y = seq::RnnOp::create(b, here(), yType, hType, cur.value, wc, rc, bc,
                             Value(), Value(), (uint64_t)hidden, direction,
                             layout, acts, FloatAttr())
              .getY();
    }
    // PyTorch's output: [T, B, D*Hout] ([B, T, D*Hout] batch-first).
    Val seqOut{y, {cur.dims[0], "", cur.dims[1], ""}};
    if (batchFirst) {
      seqOut.dims = {cur.dims[0], cur.dims[1], "", ""};
    } else if (numDirs == 2) {
      seqOut = transpose(seqOut, {0, 2, 1, 3});
    } else {
      seqOut.value = tensor::CollapseShapeOp::create(
          b, here(), seqOut.value,
          SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
      cur = Val{seqOut.value, {cur.dims[0], cur.dims[1], ""}};
      continue;
    }
    Value collapsed = tensor::CollapseShapeOp::create(
        b, here(), seqOut.value,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
    cur = Val{collapsed, {seqOut.dims[0], seqOut.dims[1], ""}};
  }
  return cur;
}

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
  if (w->shape.size() == 2 &&
      failed(checkKwAgainst("out", w->shape[0], *w, "out features")))
    return failure();
  int64_t out = w->shape.size() == 2 ? w->shape[0] : intKw("out", -1);
  if (failed(expectShape(*w, {out, *in},
                         "an input with " + std::to_string(*in) + " features")))
    return failure();
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

FailureOr<Val> Emitter::emitEmbedding(const Val &x) {
  if (!isa<IntegerType>(x.type().getElementType())) {
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
  out.dims = {x.dims[0], "", stride == 1 && (causal) ? x.dims[2] : ""};
  return out;
}

FailureOr<Val> Emitter::emitAttention(const Val &x) {
  bool batchFirst = boolKw("batch_first", false);
  if (failed(expectFloat(x, 3, batchFirst ? "a float [B, L, E] input"
                                          : "a float [L, B, E] input")))
    return failure();
  FailureOr<int64_t> embed = staticDim(x, 2, "embedding size");
  if (failed(embed))
    return failure();
  int64_t heads = intKw("heads", 1), e = *embed;
  if (heads < 1 || e % heads != 0) {
    error(keyword("heads")->keyPos)
        << "heads=" << heads << " must divide the embedding size " << e;
    return failure();
  }
  FailureOr<WeightTensor> inW = weight("in_proj_weight");
  if (failed(inW) ||
      failed(expectShape(*inW, {3 * e, e},
                         "embedding size " + std::to_string(e))))
    return failure();
  bool hasBias = boolKw("bias", true);
  std::optional<WeightTensor> inB;
  if (hasBias) {
    FailureOr<WeightTensor> bw = weight("in_proj_bias");
    if (failed(bw) || failed(expectShape(*bw, {3 * e}, "3 * embedding size")))
      return failure();
    inB = std::move(*bw);
  }
  FailureOr<WeightTensor> outW = weight("out_proj.weight");
  if (failed(outW) || failed(expectShape(*outW, {e, e}, "the embedding size")))
    return failure();
  std::optional<WeightTensor> outB;
  if (hasBias) {
    FailureOr<WeightTensor> bw = weight("out_proj.bias");
    if (failed(bw) || failed(expectShape(*bw, {e}, "the embedding size")))
      return failure();
    outB = std::move(*bw);
  }

  Val xb = batchFirst ? x : transpose(x, {1, 0, 2});
  Value batch = dimValue(xb.value, 0), len = dimValue(xb.value, 1);
  int64_t bs = xb.type().getDimSize(0), ls = xb.type().getDimSize(1);
  int64_t dh = e / heads;
  SmallVector<Value> headsOut;
  auto project = [&](int64_t part) {
    WeightTensor w{inW->name, {e, e}, {}};
    w.data.assign(inW->data.begin() + part * e * e,
                  inW->data.begin() + (part + 1) * e * e);
    WeightTensor bias;
    if (inB) {
      bias = WeightTensor{inB->name, {e}, {}};
      bias.data.assign(inB->data.begin() + part * e,
                       inB->data.begin() + (part + 1) * e);
    }
    Val p = linearOp(xb, w, inB ? &bias : nullptr);
    auto splitType =
        RankedTensorType::get({bs, ls, heads, dh}, b.getF32Type());
    SmallVector<OpFoldResult> outShape = {
        bs == ShapedType::kDynamic ? OpFoldResult(batch) : b.getIndexAttr(bs),
        ls == ShapedType::kDynamic ? OpFoldResult(len) : b.getIndexAttr(ls),
        b.getIndexAttr(heads), b.getIndexAttr(dh)};
    Value split = tensor::ExpandShapeOp::create(
        b, here(), splitType, p.value,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}}, outShape);
    return transpose(Val{split, {"", "", "", ""}}, {0, 2, 1, 3}).value;
  };
  Value q = project(0), k = project(1), v = project(2);
  auto causal = boolKw("causal", false)
                    ? seq::CausalAlignmentAttr::get(
                          ctx, seq::CausalAlignment::top_left)
                    : seq::CausalAlignmentAttr();
  Value attn = seq::AttentionOp::create(b, here(), q.getType(), q, k, v,
                                        Value(), causal, DenseI64ArrayAttr(),
                                        FloatAttr());
  Val merged = transpose(Val{attn, {"", "", "", ""}}, {0, 2, 1, 3});
  Value concat = tensor::CollapseShapeOp::create(
      b, here(), merged.value,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  Val out = linearOp(Val{concat, xb.dims}, *outW, outB ? &*outB : nullptr);
  out.dims = xb.dims;
  out.dims[2] = "";
  return batchFirst ? out : transpose(out, {1, 0, 2});
}

//===----------------------------------------------------------------------===//
// Glue
//===----------------------------------------------------------------------===//

FailureOr<Val> Emitter::emitElementwise(ArrayRef<Val> operands) {
  for (size_t i = 0; i < operands.size(); ++i) {
    if (failed(expectFloat(operands[i], -1, "float operands")))
      return failure();
    if (operands[i].type() != operands[0].type()) {
      error(current->operands[i].value.pos)
          << current->layer << " needs operands of one shape; "
          << describe(operands[0], current->operands[0].value.text) << ", "
          << describe(operands[i], current->operands[i].value.text);
      return failure();
    }
  }
  Val acc = operands[0];
  for (const Val &v : operands.drop_front()) {
    if (current->layer == "add")
      acc.value = arith::AddFOp::create(b, here(), acc.value, v.value);
    else
      acc.value = arith::MulFOp::create(b, here(), acc.value, v.value);
  }
  return acc;
}

FailureOr<Val> Emitter::emitConcat(ArrayRef<Val> operands) {
  int64_t rank = operands[0].rank();
  FailureOr<int64_t> dim = normalizeDim(intKw("dim", -1), rank, "dim");
  if (failed(dim))
    return failure();
  SmallVector<Value> vals;
  for (size_t i = 0; i < operands.size(); ++i) {
    const Val &v = operands[i];
    bool ok = v.rank() == rank &&
              v.type().getElementType() == operands[0].type().getElementType();
    for (int64_t d = 0; ok && d < rank; ++d)
      ok = d == *dim ||
           v.type().getDimSize(d) == operands[0].type().getDimSize(d);
    if (!ok) {
      error(current->operands[i].value.pos)
          << "concat needs operands that agree except in dimension " << *dim
          << "; " << describe(operands[0], current->operands[0].value.text)
          << ", " << describe(v, current->operands[i].value.text);
      return failure();
    }
    vals.push_back(v.value);
  }
  Val out = operands[0];
  out.value = tensor::ConcatOp::create(b, here(), *dim, vals);
  out.dims[*dim] = "";
  return out;
}

FailureOr<Val> Emitter::emitSoftmax(const Val &x) {
  if (failed(expectFloat(x, -1, "a float input")))
    return failure();
  FailureOr<int64_t> dim = normalizeDim(intKw("dim", -1), x.rank(), "dim");
  if (failed(dim))
    return failure();
  SmallVector<Value> dyn;
  for (int64_t d = 0; d < x.rank(); ++d)
    if (x.type().isDynamicDim(d))
      dyn.push_back(dimValue(x.value, d));
  Value init =
      emptyTensor(x.type().getShape(), dyn, x.type().getElementType());
  Val out = x;
  out.value = linalg::SoftmaxOp::create(b, here(), x.type(), x.value, init,
                                        *dim)
                  .getResult()[0];
  return out;
}

FailureOr<Val> Emitter::emitLast(const Val &x) {
  FailureOr<int64_t> dim = normalizeDim(intKw("dim", 0), x.rank(), "dim");
  if (failed(dim))
    return failure();
  SmallVector<OpFoldResult> offsets, sizes, strides;
  SmallVector<int64_t> shape;
  Val out;
  for (int64_t d = 0; d < x.rank(); ++d) {
    strides.push_back(b.getIndexAttr(1));
    if (d == *dim) {
      Value size = dimValue(x.value, d);
      Value one = arith::ConstantIndexOp::create(b, here(), 1);
      offsets.push_back(arith::SubIOp::create(b, here(), size, one).getResult());
      sizes.push_back(b.getIndexAttr(1));
      continue;
    }
    offsets.push_back(b.getIndexAttr(0));
    sizes.push_back(dimFold(x.value, d));
    shape.push_back(x.type().getDimSize(d));
    out.dims.push_back(x.dims[d]);
  }
  auto type = RankedTensorType::get(shape, x.type().getElementType());
  out.value = tensor::ExtractSliceOp::create(b, here(), type, x.value, offsets,
                                             sizes, strides);
  return out;
}

FailureOr<Val> Emitter::emitTranspose(const Val &x) {
  FailureOr<int64_t> d0 = normalizeDim(intKw("dim0", 0), x.rank(), "dim0");
  if (failed(d0))
    return failure();
  FailureOr<int64_t> d1 = normalizeDim(intKw("dim1", 0), x.rank(), "dim1");
  if (failed(d1))
    return failure();
  SmallVector<int64_t> perm;
  for (int64_t d = 0; d < x.rank(); ++d)
    perm.push_back(d);
  std::swap(perm[*d0], perm[*d1]);
  return transpose(x, perm);
}

//===----------------------------------------------------------------------===//
// Driver
//===----------------------------------------------------------------------===//


} // namespace md
} // namespace seqc
