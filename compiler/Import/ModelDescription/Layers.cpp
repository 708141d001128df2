//===- Layers.cpp - the layers a model description may use ---------------===//

#include "compiler/Import/ModelDescription/Layers.h"
#include "dialects/Seq/Utils/PointwiseMath.h"

#include <cmath>

using namespace mlir;

namespace seqc::md {

const std::vector<LayerSpec> &layerSpecs() {
  static const std::vector<LayerSpec> specs = [] {
    KwSpec name{"name", KwType::Name};
    std::vector<KwSpec> recurrent = {
        {"hidden", KwType::Int},        {"num_layers", KwType::Int},
        {"bidirectional", KwType::Bool}, {"batch_first", KwType::Bool},
        {"bias", KwType::Bool},          {"dropout", KwType::Float},
        name};
    std::vector<KwSpec> lstm = recurrent;
    lstm.push_back({"proj_size", KwType::Int});
    std::vector<KwSpec> rnn = recurrent;
    rnn.push_back({"nonlinearity", KwType::Name, false, {"tanh", "relu"}});
    std::vector<LayerSpec> all{
        // Operands after x: the initial states h0 (and c0 for lstm).
        {"lstm", 1, 3, lstm},
        {"gru", 1, 2, recurrent},
        {"rnn", 1, 2, rnn},
        {"linear",
         1,
         1,
         {{"out", KwType::Int},
          {"bias", KwType::Bool},
          {"fan_in_fan_out", KwType::Bool},
          name}},
        {"relu", 1, 1, {}},
        {"tanh", 1, 1, {}},
        {"sigmoid", 1, 1, {}},
        {"silu", 1, 1, {}},
        {"gelu",
         1,
         1,
         {{"approximate", KwType::Name, false, {"none", "tanh"}}}},
        {"elu", 1, 1, {{"alpha", KwType::Float}}},
        {"leaky_relu", 1, 1, {{"negative_slope", KwType::Float}}},
        {"hardsigmoid", 1, 1, {}},
        {"softsign", 1, 1, {}},
        {"softplus",
         1,
         1,
         {{"beta", KwType::Float}, {"threshold", KwType::Float}}},
        {"clamp", 1, 1, {{"min", KwType::Float}, {"max", KwType::Float}}},
        {"pow", 1, 1, {{"exponent", KwType::Float, true}}},
        {"rsub", 1, 1, {{"value", KwType::Float, true}}},
        {"minimum", 2, 2, {}},
        {"maximum", 2, 2, {}},
        // Arithmetic: two (add, mul: or more) operands, or one and value=
        // (the right-hand side, as torch.sub(x, 2.0)).
        {"add", 1, 64, {{"value", KwType::Float}}},
        {"mul", 1, 64, {{"value", KwType::Float}}},
        {"concat", 2, 64, {{"dim", KwType::Int}}},
        {"sub", 1, 2, {{"value", KwType::Float}}},
        {"div", 1, 2, {{"value", KwType::Float}}},
        {"softmax", 1, 1, {{"dim", KwType::Int}}},
        {"log_softmax", 1, 1, {{"dim", KwType::Int}}},
        {"sum", 1, 1, {{"dim", KwType::Int}, {"keepdim", KwType::Bool}}},
        {"mean", 1, 1, {{"dim", KwType::Int}, {"keepdim", KwType::Bool}}},
        {"max", 1, 1, {{"dim", KwType::Int}, {"keepdim", KwType::Bool}}},
        {"dropout", 1, 1, {{"p", KwType::Float}}},
        {"last", 1, 1, {{"dim", KwType::Int}}},
        {"permute", 1, 1, {{"dims", KwType::List, true}}},
        {"slice",
         1,
         1,
         {{"dim", KwType::Int, true},
          {"start", KwType::Int},
          {"end", KwType::Int},
          {"step", KwType::Int}}},
        {"flip", 1, 1, {{"dims", KwType::List, true}}},
        {"glu", 1, 1, {{"dim", KwType::Int}}},
        {"reshape", 1, 1, {{"shape", KwType::List, true}}},
        {"transpose",
         1,
         1,
         {{"dim0", KwType::Int, true}, {"dim1", KwType::Int, true}}},
        {"layer_norm",
         1,
         1,
         {{"eps", KwType::Float},
          {"elementwise_affine", KwType::Bool},
          {"bias", KwType::Bool},
          name}},
        {"rms_norm",
         1,
         1,
         {{"eps", KwType::Float}, {"elementwise_affine", KwType::Bool}, name}},
        {"pos_embedding",
         1,
         1,
         {{"max_len", KwType::Int},
          {"dim", KwType::Int},
          {"batch_first", KwType::Bool},
          name}},
        {"pos_encoding",
         1,
         1,
         {{"batch_first", KwType::Bool}, {"base", KwType::Float}}},
        {"embedding", 1, 1, {{"num", KwType::Int}, {"dim", KwType::Int}, name}},
        {"conv1d",
         1,
         1,
         {{"out", KwType::Int},
          {"kernel", KwType::Int},
          {"stride", KwType::Int},
          {"dilation", KwType::Int},
          {"groups", KwType::Int},
          {"padding", KwType::Int},
          {"causal", KwType::Bool},
          {"bias", KwType::Bool},
          name}},
        {"mamba",
         1,
         1,
         {{"d_state", KwType::Int},
          {"d_conv", KwType::Int},
          {"expand", KwType::Int},
          {"dt_rank", KwType::Int},
          {"bias", KwType::Bool},
          {"conv_bias", KwType::Bool},
          name}},
        {"linear_attention",
         1,
         1,
         {{"heads", KwType::Int, true},
          {"feature_map", KwType::Name, false, {"elu_plus_one", "identity"}},
          {"eps", KwType::Float},
          name}},
        {"rwkv_time_mix", 1, 1, {name}},
        {"rwkv_channel_mix", 1, 1, {name}},
        {"ntm",
         1,
         1,
         {{"hidden", KwType::Int},
          {"memory_rows", KwType::Int},
          {"memory_width", KwType::Int},
          {"read_heads", KwType::Int},
          {"write_heads", KwType::Int},
          {"shift_range", KwType::Int},
          name}},
        // Operands: the query input and, for cross-attention, the
        // key/value input.
        {"mha",
         1,
         2,
         {{"heads", KwType::Int, true},
          {"kv_heads", KwType::Int},
          {"causal", KwType::Bool},
          {"window", KwType::Int},
          {"causal_align", KwType::Name, false, {"top_left", "bottom_right"}},
          {"batch_first", KwType::Bool},
          {"bias", KwType::Bool},
          {"weights_from", KwType::List},
          {"key_padding_mask", KwType::Value},
          {"attn_mask", KwType::Value},
          {"rope", KwType::Bool},
          {"rope_theta", KwType::Float},
          {"rotary_dim", KwType::Int},
          {"rope_layout",
           KwType::Name,
           false,
           {"rotate_half", "rotate_every_two"}},
          {"qkv_layout", KwType::Name, false, {"stacked", "per_head"}},
          {"scale", KwType::Float},
          {"softcap", KwType::Float},
          {"alibi", KwType::Bool},
          {"fan_in_fan_out", KwType::Bool},
          {"relative_attention_bias", KwType::Name},
          {"relative_attention_max_distance", KwType::Int},
          name}},
        {"parameter", 0, 0, {{"shape", KwType::List}, name}},
        {"zeros", 1, 1, {{"shape", KwType::List, true}}},
        {"matmul", 2, 2, {}},
        {"cumsum",
         1,
         1,
         {{"dim", KwType::Int, true},
          {"reverse", KwType::Bool},
          {"exclusive", KwType::Bool}}},
        // Comparisons: two operands, or one and value= (the other side).
        {"lt", 1, 2, {{"value", KwType::Float}}},
        {"le", 1, 2, {{"value", KwType::Float}}},
        {"gt", 1, 2, {{"value", KwType::Float}}},
        {"ge", 1, 2, {{"value", KwType::Float}}},
        {"eq", 1, 2, {{"value", KwType::Float}}},
        {"ne", 1, 2, {{"value", KwType::Float}}},
        {"logical_and", 2, 2, {}},
        {"logical_or", 2, 2, {}},
        {"logical_not", 1, 1, {}},
        {"where", 3, 3, {}},
        {"masked_fill", 2, 2, {{"value", KwType::Float, true}}},
        {"sequence_mask", 2, 2, {{"dim", KwType::Int}}},
        {"to",
         1,
         1,
         {{"dtype", KwType::Name, true, {"f32", "i64", "i32", "bool"}}}},
    };
    // abs, exp, log, rsqrt, ...: the unary math the ONNX front end shares.
    for (StringRef fn : seq::unaryMathNames())
      all.push_back({fn.data(), 1, 1, {}}); // literals: NUL-terminated
    return all;
  }();
  return specs;
}

const LayerSpec *findSpec(StringRef name) {
  for (const LayerSpec &spec : layerSpecs())
    if (name == spec.name)
      return &spec;
  return nullptr;
}

static std::string kindName(KwType type) {
  switch (type) {
  case KwType::Int:
    return "an integer";
  case KwType::Float:
    return "a number";
  case KwType::Bool:
    return "true or false";
  case KwType::Name:
    return "a name";
  case KwType::List:
    return "a list such as [1, 0, 2]";
  case KwType::Value:
    return "the name of a value";
  }
  return "";
}

LogicalResult checkArguments(const LayerStmt &layer, const LayerSpec &spec,
                             function_ref<InFlightDiagnostic(Pos)> error) {
  size_t n = layer.operands.size();
  if (n < spec.minOperands || n > spec.maxOperands) {
    InFlightDiagnostic diag = error(layer.layerPos);
    diag << layer.layer << " takes ";
    if (spec.maxOperands == 0)
      diag << "no operands";
    else if (spec.minOperands == spec.maxOperands)
      diag << spec.minOperands << " operand"
           << (spec.minOperands == 1 ? "" : "s");
    else if (spec.maxOperands < 64)
      diag << spec.minOperands << " to " << spec.maxOperands << " operands";
    else if (n < spec.minOperands)
      diag << "at least " << spec.minOperands << " operands";
    else
      diag << "at most " << spec.maxOperands << " operands";
    diag << ", found " << n;
    return failure();
  }
  for (const Argument &arg : layer.keywords) {
    const KwSpec *kw = nullptr;
    for (const KwSpec &k : spec.keywords)
      if (arg.key == k.name)
        kw = &k;
    if (!kw) {
      InFlightDiagnostic diag = error(arg.keyPos);
      diag << "unknown keyword '" << arg.key << "' for " << layer.layer;
      if (spec.keywords.empty()) {
        diag << " (it takes none)";
      } else {
        diag << "; expected one of:";
        for (const KwSpec &k : spec.keywords)
          diag << " " << k.name;
      }
      return failure();
    }
    using LK = Literal::Kind;
    LK kind = arg.value.kind;
    if (arg.value.call && kw->type != KwType::Value) {
      error(arg.value.pos) << "keyword '" << arg.key << "' of " << layer.layer
                           << " expects " << kindName(kw->type)
                           << ", not a call (only keywords that take a "
                              "value, such as mha's key_padding_mask, do)";
      return failure();
    }
    bool ok = kw->type == KwType::Int    ? kind == LK::Int
              : kw->type == KwType::Float ? kind == LK::Int || kind == LK::Float
              : kw->type == KwType::Bool  ? kind == LK::Bool
              : kw->type == KwType::List  ? kind == LK::List
              : kw->type == KwType::Value ? kind == LK::Ident
                                          : kind == LK::Ident || kind == LK::String;
    if (!ok) {
      InFlightDiagnostic diag = error(arg.value.pos);
      diag << "keyword '" << arg.key << "' of " << layer.layer << " expects "
           << kindName(kw->type) << ", found '" << arg.value.text << "'";
      // nn.Sequential's weights are '0.weight', '2.weight': a name that is
      // a number is written as a string.
      if (kw->type == KwType::Name && kind != LK::Ident)
        diag << " (a name that is not an identifier, such as nn.Sequential's "
                "'0', is written quoted: "
             << arg.key << "=\"" << arg.value.text << "\")";
      return failure();
    }
    // A norm's epsilon (every layer's `eps`) keeps the square root of a
    // variance off zero: positive and finite as the f32 it is used as.
    if (float eps = static_cast<float>(arg.value.floatValue);
        arg.key == "eps" && !(std::isfinite(eps) && eps > 0)) {
      error(arg.value.pos) << "keyword 'eps' of " << layer.layer
                           << " must be a positive, finite f32 number, found '"
                           << arg.value.text << "'";
      return failure();
    }
    // A NaN makes every result it reaches NaN (or every comparison with it
    // false); an infinite parameter (a slope, a base, a scale) none that
    // PyTorch defines. Only a value, a fill or a clamp bound may be -inf
    // or inf (masked_fill(x, m, value=-inf)).
    if (kw->type == KwType::Float) {
      double v = arg.value.floatValue;
      bool boundOrValue =
          arg.key == "value" || arg.key == "min" || arg.key == "max";
      if (std::isnan(v) || (!boundOrValue && std::isinf(v))) {
        error(arg.value.pos)
            << "keyword '" << arg.key << "' of " << layer.layer << " must be "
            << (boundOrValue ? "a number or -inf/inf" : "a finite number")
            << ", found '" << arg.value.text << "'";
        return failure();
      }
    }
    if (arg.key == "name" && arg.value.text.empty()) {
      error(arg.value.pos) << "keyword 'name' of " << layer.layer
                           << " is empty: it is the prefix of the layer's "
                              "weights ('enc' for enc.weight)";
      return failure();
    }
    if (!kw->choices.empty() &&
        llvm::none_of(kw->choices,
                      [&](const char *c) { return arg.value.text == c; })) {
      InFlightDiagnostic diag = error(arg.value.pos);
      diag << "keyword '" << arg.key << "' of " << layer.layer
           << " expects one of:";
      for (const char *c : kw->choices)
        diag << " " << c;
      diag << "; found '" << arg.value.text << "'";
      return failure();
    }
  }
  for (const KwSpec &k : spec.keywords) {
    if (k.required &&
        llvm::none_of(layer.keywords,
                      [&](const Argument &a) { return a.key == k.name; })) {
      error(layer.layerPos) << layer.layer << " needs the keyword '" << k.name
                            << "' (" << kindName(k.type) << ")";
      return failure();
    }
  }
  return success();
}

} // namespace seqc::md
