//===- StateSpaceLayers.cpp - the .seq mamba layer ----------------------===//
//
// A Mamba (Mamba-1) block with the weights and semantics of mamba_ssm's
// `Mamba` module (mamba_ssm/modules/mamba_simple.py, the path without the
// fused kernel), so that `model.state_dict()` saved with safetensors is the
// weights file.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/Emitter.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include <cmath>

using namespace mlir;

namespace seqc {
namespace md {

FailureOr<Val> Emitter::emitMamba(const Val &x) {
  if (failed(expectFloat(x, 3, "a float [B, T, d_model] input")))
    return failure();
  FailureOr<int64_t> dModel = staticDim(x, 2, "model width d_model");
  if (failed(dModel))
    return failure();
  auto read = [&](StringRef suffix, int64_t rank, StringRef what) {
    return weightOfRank(suffix, rank, "a Mamba block", what);
  };

  // The sizes come from the weights; keywords, when given, must agree.
  FailureOr<WeightTensor> inProj =
      read("in_proj.weight", 2, "[2 * d_inner, d_model]");
  FailureOr<WeightTensor> aLog = read("A_log", 2, "[d_inner, d_state]");
  FailureOr<WeightTensor> dtProj =
      read("dt_proj.weight", 2, "[d_inner, dt_rank]");
  if (failed(inProj) || failed(aLog) || failed(dtProj))
    return failure();
  int64_t dInner = aLog->shape[0], dState = aLog->shape[1],
          dtRank = dtProj->shape[1];
  if (dInner < 1 || dState < 1) {
    error(current->layerPos)
        << "weight '" << aLog->name << "' is " << formatShape(aLog->shape)
        << " but a Mamba block needs d_inner >= 1 and d_state >= 1";
    return failure();
  }
  if (failed(checkKwAgainst("d_state", dState, *aLog, "d_state")) ||
      failed(checkKwAgainst("dt_rank", dtRank, *dtProj, "dt_rank")) ||
      failed(expectShape(*inProj, {2 * dInner, *dModel},
                         "d_inner = " + std::to_string(dInner) +
                             " (A_log) and the input's d_model")))
    return failure();
  if (const Argument *expand = keyword("expand");
      expand && expand->value.intValue * *dModel != dInner) {
    error(expand->keyPos) << "expand=" << expand->value.intValue
                          << " but d_inner is " << dInner << " (A_log) for d_model "
                          << *dModel;
    return failure();
  }
  FailureOr<WeightTensor> conv = read("conv1d.weight", 3, "[d_inner, 1, d_conv]");
  if (succeeded(conv) && conv->shape[2] < 1) {
    error(current->layerPos) << "weight '" << conv->name << "' is "
                             << formatShape(conv->shape)
                             << " but a Mamba block needs d_conv >= 1";
    return failure();
  }
  if (failed(conv) ||
      failed(checkKwAgainst("d_conv", conv->shape[2], *conv, "d_conv")) ||
      failed(expectShape(*conv, {dInner, 1, conv->shape[2]},
                         "a depthwise convolution of d_inner channels")))
    return failure();
  FailureOr<WeightTensor> xProj =
      read("x_proj.weight", 2, "[dt_rank + 2 * d_state, d_inner]");
  FailureOr<WeightTensor> dtBias = read("dt_proj.bias", 1, "[d_inner]");
  FailureOr<WeightTensor> skip = read("D", 1, "[d_inner]");
  FailureOr<WeightTensor> outProj = read("out_proj.weight", 2,
                                         "[d_model, d_inner]");
  if (failed(xProj) || failed(dtBias) || failed(skip) || failed(outProj) ||
      failed(expectShape(
          *xProj, {dtRank + 2 * dState, dInner},
          "dt_rank + 2 * d_state rows of d_inner (dt_rank = " +
              std::to_string(dtRank) +
              " from dt_proj.weight, d_state = " + std::to_string(dState) +
              " and d_inner = " + std::to_string(dInner) + " from A_log)")) ||
      failed(expectShape(*dtProj, {dInner, dtRank}, "d_inner rows")) ||
      failed(expectShape(*dtBias, {dInner}, "d_inner")) ||
      failed(expectShape(*skip, {dInner}, "d_inner")) ||
      failed(
          expectShape(*outProj, {*dModel, dInner}, "d_model rows of d_inner")))
    return failure();
  Value convBias;
  if (boolKw("conv_bias", true)) {
    FailureOr<WeightTensor> w = read("conv1d.bias", 1, "[d_inner]");
    if (failed(w) || failed(expectShape(*w, {dInner}, "d_inner")))
      return failure();
    convBias = constant(w->shape, w->data);
  }
  // Mamba's `bias` keyword: in_proj and out_proj biases (default none).
  std::optional<WeightTensor> inBias, outBias;
  if (boolKw("bias", false)) {
    FailureOr<WeightTensor> in = read("in_proj.bias", 1, "[2 * d_inner]");
    FailureOr<WeightTensor> out = read("out_proj.bias", 1, "[d_model]");
    if (failed(in) || failed(out) ||
        failed(expectShape(*in, {2 * dInner}, "2 * d_inner")) ||
        failed(expectShape(*out, {*dModel}, "d_model")))
      return failure();
    inBias = std::move(*in);
    outBias = std::move(*out);
  } else if (weights.isOpen() &&
             (weights.contains(prefix() + ".in_proj.bias") ||
              weights.contains(prefix() + ".out_proj.bias"))) {
    // A checkpoint of Mamba(bias=True) read without its biases computes
    // another model; the generic "not used" warning would not say why.
    mlir::emitWarning(loc(current->layerPos))
        << "the weights file has '" << prefix()
        << (weights.contains(prefix() + ".in_proj.bias") ? ".in_proj.bias"
                                                         : ".out_proj.bias")
        << "', which this mamba does not read: add bias=true (the "
           "checkpoint's Mamba(bias=True)) to compute it";
  }

  Location l = here();
  auto columns = [&](const Val &v, int64_t offset, int64_t size) {
    Val out = v;
    out.value = seq::extractLastDimRange(b, l, v.value, offset, size);
    return out;
  };
  // xz = in_proj(x); x, z = xz.chunk(2, dim=-1)
  Val xz = linearOp(x, *inProj, inBias ? &*inBias : nullptr);
  Val xs = columns(xz, 0, dInner), z = columns(xz, dInner, dInner);
  // x = silu(conv1d(x)[..., :T]): depthwise, padded d_conv - 1 on the left.
  Val channelsFirst = transpose(xs, {0, 2, 1});
  auto convType = channelsFirst.type();
  Value convolved = seq::Conv1dOp::create(
      b, l, convType, channelsFirst.value, constant(conv->shape, conv->data),
      convBias, /*stride=*/1, /*dilation=*/1, /*groups=*/(uint64_t)dInner,
      DenseI64ArrayAttr(), /*causal=*/true);
  Val u = transpose({convolved, channelsFirst.dims}, {0, 2, 1});
  u.value = seq::ActivationOp::create(
      b, l, seq::ActivationAttr::get(ctx, seq::ActivationKind::silu), u.value);
  // dt, B, C = x_proj(x).split([dt_rank, d_state, d_state]); dt_proj's
  // bias is the scan's delta_bias, as in selective_scan_fn.
  Val xDbl = linearOp(u, *xProj, nullptr);
  Val dt = linearOp(columns(xDbl, 0, dtRank), *dtProj, nullptr);
  Val bMatrix = columns(xDbl, dtRank, dState);
  Val cMatrix = columns(xDbl, dtRank + dState, dState);
  // A = -exp(A_log), computed once here rather than at every run.
  std::vector<float> a(aLog->data.size());
  for (size_t i = 0; i < a.size(); ++i)
    a[i] = -std::exp(aLog->data[i]);
  auto stateType = RankedTensorType::get(
      {x.type().getDimSize(0), dInner, dState}, b.getF32Type());
  auto scan = seq::SelectiveScanOp::create(
      b, l, TypeRange{u.type(), stateType}, u.value, dt.value,
      constant(aLog->shape, a), bMatrix.value, cMatrix.value,
      constant(skip->shape, skip->data), z.value,
      constant(dtBias->shape, dtBias->data), /*initial_state=*/Value(),
      /*delta_softplus=*/true);
  Val y = u;
  y.value = scan.getY();
  return linearOp(y, *outProj, outBias ? &*outBias : nullptr);
}

FailureOr<Val> Emitter::emitLinearAttention(const Val &x) {
  // fast-transformers' AttentionLayer around CausalLinearAttention
  // (Katharopoulos et al. 2020): projections, phi = elu + 1, the
  // normalised causal recurrence, the output projection.
  if (failed(expectFloat(x, 3, "a float [B, T, E] input")))
    return failure();
  FailureOr<int64_t> embed = staticDim(x, 2, "embedding size E");
  if (failed(embed))
    return failure();
  int64_t heads = intKw("heads", 1), e = *embed;
  auto read = [&](StringRef suffix, int64_t rank) {
    return weightOfRank(suffix, rank, "a linear attention",
                        rank == 2 ? "a matrix" : "a vector");
  };
  FailureOr<WeightTensor> qW = read("query_projection.weight", 2);
  FailureOr<WeightTensor> vW = read("value_projection.weight", 2);
  if (failed(qW) || failed(vW))
    return failure();
  int64_t keys = qW->shape[0], values = vW->shape[0];
  if (heads < 1 || keys % heads != 0 || values % heads != 0) {
    const Argument *a = keyword("heads");
    error(a ? a->keyPos : current->layerPos)
        << "heads=" << heads << " must divide the query/key size " << keys
        << " and the value size " << values << " (the projections' rows)";
    return failure();
  }
  std::string why = "an input of E = " + std::to_string(e) + " features";
  FailureOr<WeightTensor> qB = read("query_projection.bias", 1);
  FailureOr<WeightTensor> kW = read("key_projection.weight", 2);
  FailureOr<WeightTensor> kB = read("key_projection.bias", 1);
  FailureOr<WeightTensor> vB = read("value_projection.bias", 1);
  FailureOr<WeightTensor> oW = read("out_projection.weight", 2);
  FailureOr<WeightTensor> oB = read("out_projection.bias", 1);
  if (failed(qB) || failed(kW) || failed(kB) || failed(vB) || failed(oW) ||
      failed(oB) || failed(expectShape(*qW, {keys, e}, why)) ||
      failed(expectShape(*kW, {keys, e}, why)) ||
      failed(expectShape(*vW, {values, e}, why)) ||
      failed(expectShape(*qB, {keys}, "the query size")) ||
      failed(expectShape(*kB, {keys}, "the key size")) ||
      failed(expectShape(*vB, {values}, "the value size")) ||
      failed(expectShape(*oW, {e, values}, "the value size and E")) ||
      failed(expectShape(*oB, {e}, "E")))
    return failure();
  std::string map = nameKw("feature_map", "elu_plus_one");
  seq::FeatureMap featureMap = map == "identity"
                                   ? seq::FeatureMap::identity
                                   : seq::FeatureMap::elu_plus_one;

  Location l = here();
  Value q = splitHeads(linearOp(x, *qW, &*qB), heads);
  Value k = splitHeads(linearOp(x, *kW, &*kB), heads);
  Value v = splitHeads(linearOp(x, *vW, &*vB), heads);
  auto vType = cast<RankedTensorType>(v.getType());
  int64_t dk = keys / heads, dv = values / heads;
  int64_t bs = x.type().getDimSize(0);
  auto attention = seq::LinearAttentionOp::create(
      b, l,
      TypeRange{vType,
                RankedTensorType::get({bs, heads, dk, dv}, b.getF32Type()),
                RankedTensorType::get({bs, heads, dk}, b.getF32Type())},
      q, k, v, /*initial_state=*/Value(), /*initial_normalizer=*/Value(),
      featureMap, /*normalize=*/true,
      APFloat(static_cast<float>(floatKw("eps", 1e-6))));
  return linearOp(mergeHeads(attention.getResult(), x), *oW, &*oB);
}

} // namespace md
} // namespace seqc
