//===- RwkvLayers.cpp - the .seq rwkv_time_mix and rwkv_channel_mix layers ===//
//
// RWKV-4's two sublayers with the weights and semantics of the official
// code (BlinkDL/RWKV-LM, RWKV-v4/src/model.py: RWKV_TimeMix,
// RWKV_ChannelMix), so that a checkpoint's state_dict is the weights file.
// Both mix each step's input with the previous step's (the "token shift",
// a depthwise causal convolution of kernel 2 here, which streams like any
// causal convolution); time mixing runs seq.wkv.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/Emitter.h"

#include <cmath>

using namespace mlir;

namespace seqc {
namespace md {

FailureOr<WeightTensor>
Emitter::rwkvWeight(StringRef suffix, ArrayRef<int64_t> shape, StringRef why) {
  FailureOr<WeightTensor> w = weight(suffix);
  if (failed(w))
    return failure();
  // time_mix_* are [1, 1, C] in the checkpoints; [C] is accepted too.
  if (shape.size() == 1 && w->shape.size() == 3) {
    if (failed(expectShape(*w, {1, 1, shape[0]}, why)))
      return failure();
    w->shape = {shape[0]};
    return w;
  }
  if (failed(expectShape(*w, shape, why)))
    return failure();
  return w;
}

Val Emitter::tokenShiftMix(const Val &channelsFirst, const WeightTensor &mix) {
  // out_t = mix * x_t + (1 - mix) * x_{t-1}, x_{-1} = 0: per channel a
  // kernel [1 - mix, mix] over (x_{t-1}, x_t), causal.
  int64_t channels = mix.shape[0];
  std::vector<float> kernel;
  for (float m : mix.data) {
    kernel.push_back(1.0f - m);
    kernel.push_back(m);
  }
  Value mixed = seq::Conv1dOp::create(
      b, here(), channelsFirst.type(), channelsFirst.value,
      constant({channels, 1, 2}, kernel), /*bias=*/Value(), /*stride=*/1,
      /*dilation=*/1, /*groups=*/static_cast<uint64_t>(channels),
      DenseI64ArrayAttr(), /*causal=*/true);
  return transpose({mixed, channelsFirst.dims}, {0, 2, 1});
}

FailureOr<Val> Emitter::emitRwkvTimeMix(const Val &x) {
  if (failed(expectFloat(x, 3, "a float [B, T, C] input")))
    return failure();
  FailureOr<int64_t> width = staticDim(x, 2, "width C");
  FailureOr<WeightTensor> key =
      weightOfRank("key.weight", 2, "RWKV", "[dim_att, C]");
  if (failed(width) || failed(key))
    return failure();
  int64_t c = *width;
  int64_t att = key->shape[0];
  std::string why = "an input of width C = " + std::to_string(c);
  std::string attWhy = "dim_att = " + std::to_string(att) + " (key.weight)";
  FailureOr<WeightTensor> decay = rwkvWeight("time_decay", {att}, attWhy);
  FailureOr<WeightTensor> first = rwkvWeight("time_first", {att}, attWhy);
  FailureOr<WeightTensor> mixK = rwkvWeight("time_mix_k", {c}, why);
  FailureOr<WeightTensor> mixV = rwkvWeight("time_mix_v", {c}, why);
  FailureOr<WeightTensor> mixR = rwkvWeight("time_mix_r", {c}, why);
  FailureOr<WeightTensor> value = rwkvWeight("value.weight", {att, c}, attWhy);
  FailureOr<WeightTensor> receptance =
      rwkvWeight("receptance.weight", {att, c}, attWhy);
  FailureOr<WeightTensor> output =
      rwkvWeight("output.weight", {c, att}, attWhy);
  if (failed(expectShape(*key, {att, c}, why)) || failed(decay) ||
      failed(first) || failed(mixK) || failed(mixV) || failed(mixR) ||
      failed(value) || failed(receptance) || failed(output))
    return failure();

  Location l = here();
  Val channelsFirst = transpose(x, {0, 2, 1});
  Val k = linearOp(tokenShiftMix(channelsFirst, *mixK), *key, nullptr);
  Val v = linearOp(tokenShiftMix(channelsFirst, *mixV), *value, nullptr);
  Val r = linearOp(tokenShiftMix(channelsFirst, *mixR), *receptance, nullptr);
  r.value = seq::ActivationOp::create(
      b, l, seq::ActivationAttr::get(ctx, seq::ActivationKind::sigmoid),
      r.value);
  // w = exp(time_decay), computed once here (as the official code does
  // before calling its kernel).
  std::vector<float> w(decay->data.size());
  for (size_t i = 0; i < w.size(); ++i)
    w[i] = std::exp(decay->data[i]);
  auto stateType =
      RankedTensorType::get({x.type().getDimSize(0), 3, att}, b.getF32Type());
  auto wkv =
      seq::WkvOp::create(b, l, TypeRange{k.type(), stateType}, k.value, v.value,
                         constant({att}, w), constant({att}, first->data),
                         /*initial_state=*/Value());
  Val gated = k;
  gated.value = arith::MulFOp::create(b, l, r.value, wkv.getResult());
  return linearOp(gated, *output, nullptr);
}

FailureOr<Val> Emitter::emitRwkvChannelMix(const Val &x) {
  if (failed(expectFloat(x, 3, "a float [B, T, C] input")))
    return failure();
  FailureOr<int64_t> width = staticDim(x, 2, "width C");
  FailureOr<WeightTensor> key =
      weightOfRank("key.weight", 2, "RWKV", "[dim_ffn, C]");
  if (failed(width) || failed(key))
    return failure();
  int64_t c = *width;
  int64_t ffn = key->shape[0];
  std::string why = "an input of width C = " + std::to_string(c);
  std::string ffnWhy = "dim_ffn = " + std::to_string(ffn) + " (key.weight)";
  FailureOr<WeightTensor> mixK = rwkvWeight("time_mix_k", {c}, why);
  FailureOr<WeightTensor> mixR = rwkvWeight("time_mix_r", {c}, why);
  FailureOr<WeightTensor> receptance =
      rwkvWeight("receptance.weight", {c, c}, why);
  FailureOr<WeightTensor> value = rwkvWeight("value.weight", {c, ffn}, ffnWhy);
  if (failed(expectShape(*key, {ffn, c}, why)) || failed(mixK) ||
      failed(mixR) || failed(receptance) || failed(value))
    return failure();

  Location l = here();
  Val channelsFirst = transpose(x, {0, 2, 1});
  // k = relu(key(xk))^2; sigmoid(receptance(xr)) * value(k)
  Val k = linearOp(tokenShiftMix(channelsFirst, *mixK), *key, nullptr);
  k.value = seq::ActivationOp::create(
      b, l, seq::ActivationAttr::get(ctx, seq::ActivationKind::relu), k.value);
  k.value = arith::MulFOp::create(b, l, k.value, k.value);
  Val kv = linearOp(k, *value, nullptr);
  Val r = linearOp(tokenShiftMix(channelsFirst, *mixR), *receptance, nullptr);
  r.value = seq::ActivationOp::create(
      b, l, seq::ActivationAttr::get(ctx, seq::ActivationKind::sigmoid),
      r.value);
  kv.value = arith::MulFOp::create(b, l, r.value, kv.value);
  return kv;
}

} // namespace md
} // namespace seqc
