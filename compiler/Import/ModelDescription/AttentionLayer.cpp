//===- AttentionLayer.cpp - the mha layer ---------------------------------===//
//
// `mha`: multi-head attention as nn.MultiheadAttention computes it (self-
// or cross-attention, its key_padding_mask and attn_mask conventions), with
// nn.MultiheadAttention's weights or any four linear layers named by
// `weights_from` (Hugging Face q_proj/k_proj/v_proj/o_proj, BERT's
// query/key/value/output.dense, ...), grouped-query attention when the
// key/value projections have fewer heads than the query's, rotary
// position embeddings (RoPE) and ALiBi's linear biases. Everything becomes
// one seq.attention between seq.linear projections.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/Emitter.h"
#include "dialects/Seq/Utils/CheckUtils.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace seqc {
namespace md {

namespace {

/// ALiBi's head slopes (Press et al. 2022, the paper's `get_slopes`): for n
/// a power of two, m_h = 2^(-8 (h + 1) / n); otherwise the slopes of the
/// largest power of two c below n, then every other slope of 2c (the odd
/// powers of 2^(-4 / c)) for the n - c heads left. As Hugging Face's BLOOM
/// `build_alibi_tensor` computes them: an f32 base raised to integer powers
/// in f32 (so equal to its slopes within an ulp of pow).
SmallVector<float> alibiSlopes(int64_t heads) {
  int64_t closest = int64_t(1) << static_cast<int>(std::floor(
                        std::log2(static_cast<double>(heads))));
  SmallVector<float> slopes;
  auto base = [](int64_t n) {
    return static_cast<float>(std::exp2(-8.0 / static_cast<double>(n)));
  };
  for (int64_t h = 1; h <= closest; ++h)
    slopes.push_back(std::pow(base(closest), static_cast<float>(h)));
  for (int64_t h = 1; static_cast<int64_t>(slopes.size()) < heads; h += 2)
    slopes.push_back(std::pow(base(2 * closest), static_cast<float>(h)));
  return slopes;
}

/// T5's `_relative_position_bucket` (Hugging Face T5Attention; Raffel et
/// al. 2020) of `relative` = key position - query position: half the
/// buckets (each side, when bidirectional) are exact distances, the rest
/// logarithmic up to `maxDistance`, beyond which the last bucket holds. The
/// logarithm is computed in f32 in PyTorch's order, so bucket edges match.
int64_t t5RelativePositionBucket(int64_t relative, bool bidirectional,
                                 int64_t numBuckets, int64_t maxDistance) {
  int64_t bucket = 0;
  if (bidirectional) {
    numBuckets /= 2;
    if (relative > 0)
      bucket += numBuckets;
    relative = std::abs(relative);
  } else {
    relative = -std::min<int64_t>(relative, 0);
  }
  int64_t maxExact = numBuckets / 2;
  if (relative < maxExact)
    return bucket + relative;
  float logRatio = static_cast<float>(
      std::log(static_cast<double>(maxDistance) / static_cast<double>(maxExact)));
  float large = std::log(static_cast<float>(relative) /
                         static_cast<float>(maxExact)) /
                logRatio * static_cast<float>(numBuckets - maxExact);
  return bucket + std::min<int64_t>(maxExact + static_cast<int64_t>(large),
                                    numBuckets - 1);
}

} // namespace

FailureOr<Value> Emitter::relativeBiasTable(const Argument &layer,
                                            int64_t heads,
                                            bool bidirectional) {
  // NAME.weight: an nn.Embedding(num_buckets, heads), T5's
  // relative_attention_bias (every layer names the first layer's).
  std::string name = layer.value.text + ".weight";
  if (weights.isOpen() && !weights.contains(name)) {
    InFlightDiagnostic diag = error(layer.value.pos);
    diag << "no weight '" << name << "' in '" << weights.getPath()
         << "': relative_attention_bias names the weight prefix of an "
            "nn.Embedding(num_buckets, heads), e.g. "
            "encoder.block.0.layer.0.SelfAttention.relative_attention_bias";
    if (StringRef(layer.value.text).ends_with(".weight"))
      diag << " (without '.weight')";
    return failure();
  }
  FailureOr<WeightTensor> w = weightNamed(name);
  if (failed(w))
    return failure();
  int64_t minBuckets = bidirectional ? 4 : 2;
  if (w->shape.size() != 2 || w->shape[1] != heads ||
      w->shape[0] < minBuckets) {
    error(layer.value.pos)
        << "weight '" << w->name << "' is " << formatShape(w->shape)
        << ", but relative_attention_bias needs [num_buckets, heads] = [N, "
        << heads << "] with at least " << minBuckets << " buckets"
        << (bidirectional ? " (bidirectional: half per side)" : "");
    return failure();
  }
  int64_t numBuckets = w->shape[0];
  int64_t maxExact = (bidirectional ? numBuckets / 2 : numBuckets) / 2;
  int64_t maxDistance = intKw("relative_attention_max_distance", 128);
  // Beyond max_distance every distance is in the last bucket: the table
  // holds distances -max_distance .. max_distance, clamped by seq.attention.
  // T5 and LongT5 use 128; the table holds heads * (2R + 1) floats.
  constexpr int64_t kMaxDistance = 1 << 16;
  if (maxDistance <= maxExact || maxDistance > kMaxDistance) {
    const Argument *d = keyword("relative_attention_max_distance");
    error(d ? d->keyPos : layer.value.pos)
        << "relative_attention_max_distance=" << maxDistance
        << " must be above the " << maxExact
        << " exact distances of " << numBuckets << " buckets and at most "
        << kMaxDistance;
    return failure();
  }
  int64_t columns = 2 * maxDistance + 1;
  std::vector<float> table(heads * columns);
  for (int64_t c = 0; c < columns; ++c) {
    int64_t row = t5RelativePositionBucket(c - maxDistance, bidirectional,
                                           numBuckets, maxDistance);
    for (int64_t h = 0; h < heads; ++h)
      table[h * columns + c] = w->data[row * heads + h];
  }
  return constant({heads, columns}, table);
}

FailureOr<Emitter::AttentionWeights> Emitter::fusedAttentionWeights(
    const std::string &qkv, const std::string &output,
    llvm::function_ref<FailureOr<WeightTensor>(const std::string &)> matrix,
    llvm::function_ref<FailureOr<WeightTensor>(const std::string &)> vector,
    int64_t e) {
  // One projection of the query input whose rows are the query's, then the
  // key's, then the value's (GPT-2's c_attn after fan_in_fan_out;
  // qkv_layout=stacked), or, key/value head by key/value head, the rows of
  // its query heads, then its key's and its value's (qkv_layout=per_head:
  // GPT-NeoX's query_key_value and BLOOM's, one query per key/value head,
  // viewed [heads, 3, D]; Falcon's new_decoder_architecture, viewed
  // [kv_heads, heads / kv_heads + 2, D]): it reads one input.
  if (current->operands.size() > 1) {
    error(keyword("weights_from")->value.pos)
        << "a fused query/key/value projection reads one input; "
           "cross-attention needs weights_from=[query, key, value, output]";
    return failure();
  }
  AttentionWeights w;
  // The split needs kv_heads (default: heads) to divide heads (GQA).
  int64_t heads = intKw("heads", 1), kvHeads = intKw("kv_heads", heads);
  if (kvHeads < 1 || kvHeads > heads || heads % kvHeads != 0) {
    const Argument *kv = keyword("kv_heads");
    error(kv ? kv->keyPos : current->layerPos)
        << "kv_heads=" << kvHeads << " must be at least 1 and divide heads="
        << heads;
    return failure();
  }
  FailureOr<WeightTensor> fused = matrix(qkv);
  if (failed(fused))
    return failure();
  // [rows, E] with rows = (heads + 2 kv_heads) * head size; heads <= rows
  // keeps the sum far from overflowing.
  int64_t rows = fused->shape[0];
  int64_t parts = heads <= rows ? heads + 2 * kvHeads : 0;
  if (fused->shape[1] != e || parts == 0 || rows % parts != 0) {
    InFlightDiagnostic diag = error(current->layerPos);
    diag << "weight '" << fused->name << "' is " << formatShape(fused->shape)
         << ": a fused projection of a query input of " << e
         << " features needs [(heads + 2 * kv_heads) * D, " << e
         << "] (heads=" << heads << ", kv_heads=" << kvHeads << ")";
    if (!boolKw("fan_in_fan_out", false) && fused->shape[0] == e &&
        fused->shape[1] != e)
      diag << "; a Conv1D weight (GPT-2) is stored [in, out]: add "
              "fan_in_fan_out=true";
    return failure();
  }
  int64_t d = rows / parts;
  bool perHead = nameKw("qkv_layout", "stacked") == "per_head";
  int64_t group = heads / kvHeads; // query heads per key/value head
  int64_t sizes[3] = {heads * d, kvHeads * d, kvHeads * d};
  WeightTensor *matrices[3] = {&w.q, &w.k, &w.v};
  std::optional<WeightTensor> *biases[3] = {&w.qBias, &w.kBias, &w.vBias};
  std::optional<WeightTensor> fusedBias;
  if (boolKw("bias", true)) {
    FailureOr<WeightTensor> bias = vector(qkv);
    if (failed(bias) ||
        failed(expectShape(*bias, {rows}, "weight '" + fused->name + "'")))
      return failure();
    fusedBias = std::move(*bias);
  }
  // Row r of projection i (of sizes[i]) is fused row `source(i, r)`.
  auto source = [&](int i, int64_t r) -> int64_t {
    if (perHead) {
      // [kv_heads, group + 2, D]: query head r / D is number (r / D) mod
      // group of key/value head (r / D) / group; key and value row r
      // belong to key/value head r / D, after its queries.
      int64_t head = r / d;
      int64_t kv = i == 0 ? head / group : head;
      int64_t slot = i == 0 ? head % group : group + i - 1;
      return (kv * (group + 2) + slot) * d + r % d;
    }
    int64_t offset = 0;
    for (int j = 0; j < i; ++j)
      offset += sizes[j];
    return offset + r;
  };
  for (int i = 0; i < 3; ++i) {
    *matrices[i] = WeightTensor{fused->name, {sizes[i], e}, {}};
    if (fusedBias)
      *biases[i] = WeightTensor{fusedBias->name, {sizes[i]}, {}};
    for (int64_t r = 0; r < sizes[i]; ++r) {
      int64_t from = source(i, r);
      matrices[i]->data.insert(matrices[i]->data.end(),
                               fused->data.begin() + from * e,
                               fused->data.begin() + (from + 1) * e);
      if (fusedBias)
        (*biases[i])->data.push_back(fusedBias->data[from]);
    }
  }
  FailureOr<WeightTensor> out = matrix(output);
  if (failed(out))
    return failure();
  w.out = std::move(*out);
  if (boolKw("bias", true)) {
    FailureOr<WeightTensor> bias = vector(output);
    if (failed(bias))
      return failure();
    w.outBias = std::move(*bias);
  }
  return w;
}

FailureOr<Emitter::AttentionWeights> Emitter::attentionWeights(int64_t e,
                                                               int64_t ekv) {
  AttentionWeights w;
  bool hasBias = boolKw("bias", true);
  std::string p = prefix();
  bool fanInFanOut = boolKw("fan_in_fan_out", false);
  const Argument *from = keyword("weights_from");
  if (const Argument *layout = keyword("qkv_layout");
      layout && (!from || from->value.items.size() != 2)) {
    error(layout->keyPos) << "qkv_layout describes a fused query/key/value "
                             "projection: it needs weights_from=[qkv, "
                             "output]";
    return failure();
  }
  if (from) {
    const std::vector<Literal> &names = from->value.items;
    if ((names.size() != 4 && names.size() != 2) ||
        llvm::any_of(names, [](const Literal &l) {
          return l.kind != Literal::Kind::Ident;
        })) {
      error(from->value.pos)
          << "weights_from names the four projections [query, key, value, "
             "output], e.g. [q_proj, k_proj, v_proj, o_proj], or a fused "
             "query/key/value projection and the output, e.g. [c_attn, "
             "c_proj]; found "
          << from->value.text;
      return failure();
    }
    // A matrix stored [out, in], or [in, out] with fan_in_fan_out.
    auto matrix = [&](const std::string &layer) -> FailureOr<WeightTensor> {
      FailureOr<WeightTensor> m = weightOfRank(
          layer + ".weight", 2, "an mha projection",
          fanInFanOut ? "an [in, out] matrix (fan_in_fan_out)"
                      : "an [out, in] matrix");
      if (failed(m) || !fanInFanOut)
        return m;
      return transposeFanInFanOut(*m);
    };
    auto vector = [&](const std::string &layer) {
      return weightOfRank(layer + ".bias", 1, "an mha projection", "a vector");
    };
    if (names.size() == 2)
      return fusedAttentionWeights(names[0].text, names[1].text, matrix,
                                   vector, e);
    WeightTensor *matrices[4] = {&w.q, &w.k, &w.v, &w.out};
    std::optional<WeightTensor> *biases[4] = {&w.qBias, &w.kBias, &w.vBias,
                                              &w.outBias};
    for (int i = 0; i < 4; ++i) {
      FailureOr<WeightTensor> m = matrix(names[i].text);
      if (failed(m))
        return failure();
      *matrices[i] = std::move(*m);
      if (!hasBias)
        continue;
      FailureOr<WeightTensor> bias = vector(names[i].text);
      if (failed(bias))
        return failure();
      *biases[i] = std::move(*bias);
    }
    return w;
  }
  if (fanInFanOut) {
    error(keyword("fan_in_fan_out")->keyPos)
        << "fan_in_fan_out reads the layers that weights_from names as [in, "
           "out] (GPT-2's Conv1D); nn.MultiheadAttention's own weights are "
           "[out, in]";
    return failure();
  }
  // nn.MultiheadAttention: in_proj_weight [3E, E] when key and value have
  // the query's size, else q/k/v_proj_weight (kdim, vdim); in_proj_bias.
  bool separate = weights.isOpen() && !weights.contains(p + ".in_proj_weight") &&
                  weights.contains(p + ".q_proj_weight");
  if (separate) {
    WeightTensor *matrices[3] = {&w.q, &w.k, &w.v};
    const char *names[3] = {"q_proj_weight", "k_proj_weight", "v_proj_weight"};
    for (int i = 0; i < 3; ++i) {
      FailureOr<WeightTensor> m =
          weightOfRank(names[i], 2, "mha", "an [E, in] matrix");
      if (failed(m))
        return failure();
      *matrices[i] = std::move(*m);
    }
  } else {
    if (ekv != e) {
      error(current->layerPos)
          << "mha's key/value input has " << ekv
          << " features, not the query's " << e
          << ": nn.MultiheadAttention(kdim=vdim=" << ekv
          << ") keeps '" << p << ".q_proj_weight', '" << p
          << ".k_proj_weight' and '" << p
          << ".v_proj_weight'; or name four linear layers with "
             "weights_from=[query, key, value, output]";
      return failure();
    }
    FailureOr<WeightTensor> in = weight("in_proj_weight");
    if (failed(in) || failed(expectShape(*in, {3 * e, e},
                                         "embedding size " + std::to_string(e))))
      return failure();
    WeightTensor *parts[3] = {&w.q, &w.k, &w.v};
    for (int i = 0; i < 3; ++i) {
      *parts[i] = WeightTensor{in->name, {e, e}, {}};
      parts[i]->data.assign(in->data.begin() + i * e * e,
                            in->data.begin() + (i + 1) * e * e);
    }
  }
  if (hasBias) {
    FailureOr<WeightTensor> in = weight("in_proj_bias");
    int64_t rows = w.q.shape[0] + w.k.shape[0] + w.v.shape[0];
    if (failed(in) ||
        failed(expectShape(*in, {rows}, "the q, k and v projections")))
      return failure();
    std::optional<WeightTensor> *parts[3] = {&w.qBias, &w.kBias, &w.vBias};
    int64_t offset = 0;
    for (int i = 0; i < 3; ++i) {
      int64_t n = (i == 0 ? w.q : i == 1 ? w.k : w.v).shape[0];
      *parts[i] = WeightTensor{in->name, {n}, {}};
      (*parts[i])->data.assign(in->data.begin() + offset,
                               in->data.begin() + offset + n);
      offset += n;
    }
  }
  FailureOr<WeightTensor> out = weightOfRank("out_proj.weight", 2, "mha",
                                             "an [E, E] matrix");
  if (failed(out))
    return failure();
  w.out = std::move(*out);
  if (hasBias) {
    FailureOr<WeightTensor> bias =
        weightOfRank("out_proj.bias", 1, "mha", "a vector");
    if (failed(bias))
      return failure();
    w.outBias = std::move(*bias);
  }
  return w;
}

/// Dimension `dim` of a mask operand as the 4-D [B, H, Lq, Lk] mask
/// seq.attention reads: (rank-2 [Lq, Lk] -> [1, 1, Lq, Lk], ...).
static Value expandTo4d(OpBuilder &b, Location loc, Value mask,
                        ArrayRef<ReassociationIndices> groups,
                        ArrayRef<OpFoldResult> sizes) {
  auto type = cast<RankedTensorType>(mask.getType());
  SmallVector<int64_t> shape;
  for (OpFoldResult s : sizes) {
    std::optional<int64_t> c = getConstantIntValue(s);
    shape.push_back(c ? *c : ShapedType::kDynamic);
  }
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), mask,
      groups, sizes);
}

FailureOr<Value> Emitter::attentionMask(const Val &query, const Val &keys,
                                        int64_t heads) {
  const Val *padding = valueKw("key_padding_mask");
  const Val *attnMask = valueKw("attn_mask");
  if (!padding && !attnMask)
    return Value();
  auto refuse = [&](StringRef kw, const Val &m, StringRef what) {
    const Argument *a = keyword(kw);
    error(a->value.pos) << "mha's " << kw << " must be " << what << "; "
                        << describe(m, a->value.text);
    return failure();
  };
  auto isMaskType = [](const Val &m) {
    Type t = m.type().getElementType();
    return t.isInteger(1) || t.isF32();
  };
  SmallVector<Value> parts;
  OpFoldResult one = b.getIndexAttr(1);
  if (padding) {
    // nn.MultiheadAttention: [B, S]; true (or -inf) marks a padded key.
    if (!isMaskType(*padding) || padding->rank() != 2)
      return refuse("key_padding_mask", *padding,
                    "a bool or f32 [B, S] mask (true: the key is padding)");
    // Declared [S, B] (time first, as the input may be): with T == B it
    // would run and mask the wrong keys.
    StringRef batch = keys.dims[0], length = keys.dims[1];
    if (!batch.empty() && !length.empty() && batch != length &&
        padding->dims[0] == length && padding->dims[1] == batch)
      return refuse("key_padding_mask", *padding,
                    ("[B, S] = [" + batch + ", " + length +
                     "], batch first whatever the input's layout")
                        .str());
    parts.push_back(expandTo4d(
        b, here(), padding->value, {{0, 1, 2}, {3}},
        {dimFold(padding->value, 0), one, one, dimFold(padding->value, 1)}));
  }
  if (attnMask) {
    // nn.MultiheadAttention: [L, S] or [B * heads, L, S]; also [B, H, L, S]
    // (scaled_dot_product_attention's broadcastable form). true (or -inf)
    // marks a pair that may not attend.
    int64_t rank = attnMask->rank();
    if (!isMaskType(*attnMask) || rank < 2 || rank > 4)
      return refuse("attn_mask", *attnMask,
                    "a bool or f32 mask [L, S], [B * heads, L, S] or "
                    "[B, heads, L, S] (true: may not attend)");
    Value m = attnMask->value;
    if (rank == 2) {
      m = expandTo4d(b, here(), m, {{0, 1, 2}, {3}},
                     {one, one, dimFold(m, 0), dimFold(m, 1)});
    } else if (rank == 3) {
      // [B * heads, L, S] as PyTorch lays it out: batch-major.
      int64_t rows = attnMask->type().getDimSize(0),
              batch = query.type().getDimSize(0);
      if (!ShapedType::isDynamic(rows) && rows % heads != 0)
        return refuse("attn_mask", *attnMask,
                      "[B * heads, L, S] (its first dimension a multiple of "
                      "heads=" + std::to_string(heads) + ")");
      if (ShapedType::isDynamic(rows) || ShapedType::isDynamic(batch)) {
        Value want = arith::MulIOp::create(
            b, here(), dimValue(query.value, 0),
            arith::ConstantIndexOp::create(b, here(), heads));
        Value have = dimValue(m, 0);
        seq::createCheck(
            b, here(),
            arith::CmpIOp::create(b, here(), arith::CmpIPredicate::eq, have,
                                  want),
            have,
            seq::describeOrigin("mha", here()) +
                ": attn_mask has {} rows, not B * heads",
            seq::CheckKind::shape);
      } else if (rows != batch * heads) {
        return refuse("attn_mask", *attnMask,
                      "[B * heads, L, S] = [" + std::to_string(batch * heads) +
                          ", L, S]");
      }
      OpFoldResult batchSize =
          ShapedType::isDynamic(rows)
              ? dimFold(query.value, 0)
              : OpFoldResult(b.getIndexAttr(rows / heads));
      m = expandTo4d(b, here(), m, {{0, 1}, {2}, {3}},
                     {batchSize, b.getIndexAttr(heads), dimFold(m, 1),
                      dimFold(m, 2)});
    }
    parts.push_back(m);
  }
  // Fixed sizes that are neither 1 nor the scores' [B, heads, L, S].
  SmallVector<int64_t> scores = {query.type().getDimSize(0), heads,
                                 query.type().getDimSize(1),
                                 keys.type().getDimSize(1)};
  const char *names[] = {"key_padding_mask", "attn_mask"};
  for (auto [i, m] : llvm::enumerate(parts)) {
    StringRef kw = padding && i == 0 ? names[0] : names[1];
    const Val &given = kw == names[0] ? *padding : *attnMask;
    auto type = cast<RankedTensorType>(m.getType());
    for (int64_t d = 0; d < 4; ++d) {
      int64_t size = type.getDimSize(d);
      if (size == 1 || ShapedType::isDynamic(size) ||
          ShapedType::isDynamic(scores[d]) || size == scores[d])
        continue;
      const char *what[] = {"batch", "heads", "query steps", "key steps"};
      error(keyword(kw)->value.pos)
          << "mha's " << kw << " has " << size << " " << what[d]
          << " where the attention has " << scores[d] << "; "
          << describe(given, keyword(kw)->value.text);
      return failure();
    }
  }
  bool allBool = llvm::all_of(parts, [](Value m) {
    return cast<RankedTensorType>(m.getType()).getElementType().isInteger(1);
  });
  if (parts.size() == 1 &&
      !cast<RankedTensorType>(parts[0].getType()).getElementType().isInteger(1))
    return parts[0]; // a float mask is added as it is
  // One mask over the broadcast of the parts: keep = no part forbids (all
  // bool), else the sum of the parts as additive masks (true -> -inf).
  SmallVector<int64_t> shape(4, 1);
  SmallVector<Value> dyn;
  SmallVector<int> source(4, -1);
  for (auto [i, m] : llvm::enumerate(parts)) {
    auto t = cast<RankedTensorType>(m.getType());
    for (int64_t d = 0; d < 4; ++d)
      if (t.getDimSize(d) != 1 &&
          (source[d] < 0 || ShapedType::isDynamic(shape[d])))
        shape[d] = t.getDimSize(d), source[d] = i;
  }
  SmallVector<SmallVector<int64_t>> maps;
  for (Value m : parts) {
    auto t = cast<RankedTensorType>(m.getType());
    SmallVector<int64_t> map;
    for (int64_t d = 0; d < 4; ++d)
      map.push_back(t.getDimSize(d) == 1 && shape[d] != 1 ? -1 : d);
    maps.push_back(map);
  }
  for (int64_t d = 0; d < 4; ++d)
    if (ShapedType::isDynamic(shape[d]))
      dyn.push_back(dimValue(parts[source[d]], d));
  Type elt = allBool ? Type(b.getI1Type()) : Type(b.getF32Type());
  return mapElements(
      parts, maps, shape, dyn, elt,
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        if (allBool) {
          Value forbidden = a[0];
          for (Value v : a.drop_front())
            forbidden = arith::OrIOp::create(nb, l, forbidden, v);
          return arith::XOrIOp::create(
              nb, l, forbidden,
              arith::ConstantIntOp::create(nb, l, nb.getI1Type(), 1));
        }
        Value sum;
        for (Value v : a) {
          if (v.getType().isInteger(1))
            v = arith::SelectOp::create(
                nb, l, v,
                arith::ConstantOp::create(
                    nb, l,
                    nb.getF32FloatAttr(
                        -std::numeric_limits<float>::infinity())),
                arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(0)));
          sum = sum ? arith::AddFOp::create(nb, l, sum, v).getResult() : v;
        }
        return sum;
      });
}

std::pair<Value, Value> Emitter::ropeTables(const Val &positionsOf,
                                            int64_t timeDim, int64_t d,
                                            int64_t rotary, bool everyTwo) {
  int64_t half = rotary / 2;
  // inv_freq[j] = 1 / theta^(2j / R) in f32, as Hugging Face's
  // LlamaRotaryEmbedding (R = D) and GPTNeoXRotaryEmbedding (R =
  // rotary_ndims) compute it, repeated for both halves (rotate_half) or
  // for both features of a pair (GPT-J's duplicate_interleave); 0 past R.
  float theta = static_cast<float>(floatKw("rope_theta", 10000.0));
  SmallVector<float> invFreq(d, 0.0f);
  for (int64_t i = 0; i < rotary; ++i) {
    int64_t j = everyTwo ? i / 2 : i % half;
    invFreq[i] = 1.0f / std::pow(theta, static_cast<float>(2 * j) /
                                            static_cast<float>(rotary));
  }
  Value freqTable = constant({d}, invFreq);
  // Positions continue across a stream's chunks (seq.positions).
  int64_t steps = positionsOf.type().getDimSize(timeDim);
  Value positions = seq::PositionsOp::create(
      b, here(), RankedTensorType::get({steps}, b.getI64Type()),
      positionsOf.value, b.getI64IntegerAttr(timeDim), Value());
  SmallVector<Value> dyn;
  if (ShapedType::isDynamic(steps))
    dyn.push_back(dimValue(positionsOf.value, timeDim));
  auto type = RankedTensorType::get({steps, d}, b.getF32Type());
  AffineExpr td = b.getAffineDimExpr(0), dd = b.getAffineDimExpr(1);
  SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {td}, ctx),
                                 AffineMap::get(2, 0, {dd}, ctx),
                                 b.getMultiDimIdentityMap(2),
                                 b.getMultiDimIdentityMap(2)};
  // cos(p f) and sin(p f) for every step and feature, once for the query
  // and the key and every batch row and head.
  auto tables = linalg::GenericOp::create(
      b, here(), TypeRange{type, type}, ValueRange{positions, freqTable},
      ValueRange{emptyTensor({steps, d}, dyn, b.getF32Type()),
                 emptyTensor({steps, d}, dyn, b.getF32Type())},
      maps, SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
      [&](OpBuilder &nb, Location l, ValueRange a) {
        Value angle = arith::MulFOp::create(
            nb, l, arith::SIToFPOp::create(nb, l, nb.getF32Type(), a[0]),
            a[1]);
        linalg::YieldOp::create(
            nb, l,
            ValueRange{math::CosOp::create(nb, l, angle),
                       math::SinOp::create(nb, l, angle)});
      });
  return {tables.getResult(0), tables.getResult(1)};
}

Value Emitter::applyRope(Value projected, Value cos, Value sin,
                         int64_t rotary, bool everyTwo) {
  auto type = cast<RankedTensorType>(projected.getType());
  int64_t d = type.getDimSize(3), half = rotary / 2;
  // The sign the rotation gives the partner feature (0 past the rotary
  // features, which pass through: their cos is 1): a table rather than
  // the loop index keeps the generic a per-step op a stream can run chunk
  // by chunk. rotate_half(x) = [-x2, x1]; rotate_every_two(x)[2j] =
  // -x[2j + 1], [2j + 1] = x[2j].
  SmallVector<float> sign(d, 0.0f);
  for (int64_t i = 0; i < rotary; ++i)
    sign[i] = (everyTwo ? i % 2 == 0 : i < half) ? -1.0f : 1.0f;
  Value signTable = constant({d}, sign);
  SmallVector<Value> dyn;
  for (int64_t i = 0; i < 4; ++i)
    if (type.isDynamicDim(i))
      dyn.push_back(dimValue(projected, i));
  Value init = emptyTensor(type.getShape(), dyn, type.getElementType());
  AffineExpr bd = b.getAffineDimExpr(0), hd = b.getAffineDimExpr(1),
             td = b.getAffineDimExpr(2), dd = b.getAffineDimExpr(3);
  // The partner element: (d + R/2) mod R for rotate_half, the other of
  // its pair for rotate_every_two (m + 1 - 2 (m mod 2), m = d mod R, so
  // that a pass-through feature's partner stays in bounds).
  AffineExpr m = dd % rotary;
  AffineExpr partner = everyTwo ? m + 1 - (m % 2) * 2 : (dd + half) % rotary;
  SmallVector<AffineMap> maps = {
      b.getMultiDimIdentityMap(4),
      AffineMap::get(4, 0, {bd, hd, td, partner}, ctx),
      AffineMap::get(4, 0, {td, dd}, ctx), AffineMap::get(4, 0, {td, dd}, ctx),
      AffineMap::get(4, 0, {dd}, ctx), b.getMultiDimIdentityMap(4)};
  // out = x * cos(p * f) + rotate(x) * sin(p * f) (RoFormer, Su et al.
  // 2021, eq. 34, in Hugging Face's two layouts).
  return linalg::GenericOp::create(
             b, here(), TypeRange{type},
             ValueRange{projected, projected, cos, sin, signTable},
             ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value rotated = arith::MulFOp::create(nb, l, a[4], a[1]);
               Value out = arith::AddFOp::create(
                   nb, l, arith::MulFOp::create(nb, l, a[0], a[2]),
                   arith::MulFOp::create(nb, l, rotated, a[3]));
               linalg::YieldOp::create(nb, l, out);
             })
      .getResult(0);
}

FailureOr<Val> Emitter::emitAttention(ArrayRef<Val> operands) {
  bool batchFirst = batchFirstFor(operands[0], 0);
  if (operands.size() > 1)
    batchFirstFor(operands[1], 1);
  bool cross = operands.size() > 1;
  SmallVector<int64_t, 2> features;
  for (auto [i, v] : llvm::enumerate(operands)) {
    StringRef name = current->operands[i].value.text;
    if (!isa<FloatType>(v.type().getElementType()) || v.rank() != 3) {
      error(current->operands[i].value.pos)
          << "mha expects " << (batchFirst ? "a float [B, L, E] input"
                                           : "a float [L, B, E] input")
          << "; " << describe(v, name);
      return failure();
    }
    if (v.type().isDynamicDim(2)) {
      error(current->operands[i].value.pos)
          << "mha needs a fixed embedding size (dimension 2); "
          << describe(v, name);
      return failure();
    }
    features.push_back(v.type().getDimSize(2));
  }
  int64_t e = features[0], ekv = features.back();
  int64_t heads = intKw("heads", 1);
  if (heads < 1) {
    error(keyword("heads")->keyPos) << "heads=" << heads << " must be >= 1";
    return failure();
  }
  for (const char *kw : {"rope_theta", "scale", "softcap"}) {
    const Argument *a = keyword(kw);
    float value = a ? static_cast<float>(a->value.floatValue) : 1.0f;
    if (!(value > 0 && std::isfinite(value))) {
      error(a->value.pos) << kw << "=" << a->value.text
                          << " must be a positive, finite f32";
      return failure();
    }
  }
  // The key/value input's batch is the query's.
  Val q0 = operands[0], kv0 = operands.back();
  int64_t batchDim = batchFirst ? 0 : 1;
  int64_t qb = q0.type().getDimSize(batchDim),
          kvb0 = kv0.type().getDimSize(batchDim);
  if (cross && !ShapedType::isDynamic(qb) && !ShapedType::isDynamic(kvb0) &&
      qb != kvb0) {
    error(current->operands[1].value.pos)
        << "mha's key/value input must have the query's batch size " << qb
        << "; " << describe(kv0, current->operands[1].value.text);
    return failure();
  }
  // nn.MultiheadAttention(add_bias_kv=True) appends learned key and value
  // rows to every sequence; not modelled.
  if (!keyword("weights_from") && weights.isOpen())
    for (const char *extra : {".bias_k", ".bias_v"})
      if (weights.contains(prefix() + extra)) {
        error(current->layerPos)
            << "'" << prefix() << extra
            << "' is nn.MultiheadAttention(add_bias_kv=True)'s extra key and "
               "value row, which mha does not support";
        return failure();
      }
  FailureOr<AttentionWeights> w = attentionWeights(e, ekv);
  if (failed(w))
    return failure();

  // Sizes from the weights: q [heads * Dq, E], k [kv_heads * Dq, Ekv],
  // v [kv_heads * Dv, Ekv], output [E', heads * Dv].
  if (w->q.shape[0] % heads != 0) {
    InFlightDiagnostic diag = error(keyword("heads")->keyPos);
    diag << "heads=" << heads;
    if (keyword("weights_from"))
      diag << " must divide the query projection's " << w->q.shape[0]
           << " outputs (weight '" << w->q.name << "' is "
           << formatShape(w->q.shape) << ")";
    else
      diag << " must divide the embedding size " << e;
    return failure();
  }
  int64_t dq = w->q.shape[0] / heads;
  if (failed(expectShape(w->q, {heads * dq, e},
                         "a query input of " + std::to_string(e) +
                             " features")))
    return failure();
  int64_t kvHeads = w->k.shape[0] / dq;
  if (w->k.shape[0] % dq != 0 || heads % std::max<int64_t>(kvHeads, 1) != 0 ||
      kvHeads < 1) {
    error(current->layerPos)
        << "weight '" << w->k.name << "' is " << formatShape(w->k.shape)
        << ": its rows must be key/value heads of " << dq
        << " (the query's head size), a number of heads dividing heads="
        << heads;
    return failure();
  }
  if (failed(expectShape(w->k, {kvHeads * dq, ekv},
                         "a key/value input of " + std::to_string(ekv) +
                             " features")) ||
      failed(checkKwAgainst("kv_heads", kvHeads, w->k, "key/value heads")))
    return failure();
  int64_t dv = w->v.shape[0] / kvHeads;
  if (failed(expectShape(w->v, {kvHeads * dv, ekv},
                         std::to_string(kvHeads) + " key/value heads")) ||
      failed(expectShape(w->out, {w->out.shape[0], heads * dv},
                         std::to_string(heads) + " heads of " +
                             std::to_string(dv) + " values")))
    return failure();
  for (auto [bias, matrix] :
       {std::pair{&w->qBias, &w->q}, std::pair{&w->kBias, &w->k},
        std::pair{&w->vBias, &w->v}, std::pair{&w->outBias, &w->out}})
    if (*bias && failed(expectShape(**bias, {matrix->shape[0]},
                                    "weight '" + matrix->name + "'")))
      return failure();

  Val xb = batchFirst ? operands[0] : transpose(operands[0], {1, 0, 2});
  Val kvb = !cross ? xb
            : batchFirst ? operands[1]
                         : transpose(operands[1], {1, 0, 2});
  auto project = [&](const Val &in, const WeightTensor &m,
                     const std::optional<WeightTensor> &bias, int64_t n) {
    return splitHeads(linearOp(in, m, bias ? &*bias : nullptr), n);
  };
  Value q = project(xb, w->q, w->qBias, heads);
  Value k = project(kvb, w->k, w->kBias, kvHeads);
  Value v = project(kvb, w->v, w->vBias, kvHeads);
  if (boolKw("rope", false)) {
    const Argument *rope = keyword("rope");
    // rotary_dim=R rotates the first R features of each head (GPT-NeoX's
    // rotary_pct * head size, Phi's partial_rotary_factor); all by default.
    const Argument *rotaryKw = keyword("rotary_dim");
    int64_t rotary = intKw("rotary_dim", dq);
    if (cross || rotary % 2 != 0 || rotary < 2 || rotary > dq) {
      InFlightDiagnostic diag =
          error(rotaryKw && !cross ? rotaryKw->keyPos : rope->keyPos);
      if (cross)
        diag << "rope=true needs self-attention; this mha has a key/value "
                "input";
      else if (rotaryKw)
        diag << "rotary_dim=" << rotary
             << " must be even and in [2, head size " << dq << "]";
      else
        diag << "rope=true needs an even head size; this mha has head size "
             << dq << " (rotary_dim= can rotate an even part of it)";
      return failure();
    }
    // rope_layout=rotate_every_two: GPT-J's (and Meta's original LLaMA
    // checkpoints') pairs of adjacent features.
    bool everyTwo =
        nameKw("rope_layout", "rotate_half") == "rotate_every_two";
    auto [cos, sin] = ropeTables(xb, 1, dq, rotary, everyTwo);
    q = applyRope(q, cos, sin, rotary, everyTwo);
    k = applyRope(k, cos, sin, rotary, everyTwo);
  } else {
    for (const char *kw : {"rope_theta", "rotary_dim", "rope_layout"})
      if (const Argument *arg = keyword(kw)) {
        error(arg->keyPos) << kw << " needs rope=true";
        return failure();
      }
  }
  FailureOr<Value> mask = attentionMask(xb, kvb, heads);
  if (failed(mask))
    return failure();
  // With kv longer than the queries (a cache or memory of M earlier
  // steps before them), causal=true aligns query i with key i, as torch's
  // scaled_dot_product_attention(is_causal=True) does; causal_align=
  // bottom_right with key i + M, as Transformer-XL and a prefix cache do.
  if (const Argument *align = keyword("causal_align");
      align && !boolKw("causal", false)) {
    error(align->keyPos) << "causal_align needs causal=true";
    return failure();
  }
  auto causal =
      boolKw("causal", false)
          ? seq::CausalAlignmentAttr::get(
                ctx, nameKw("causal_align", "top_left") == "bottom_right"
                         ? seq::CausalAlignment::bottom_right
                         : seq::CausalAlignment::top_left)
          : seq::CausalAlignmentAttr();
  // window=W: each step sees itself and the W - 1 before it (a decoder's
  // sliding window, as Mistral's `sliding_window`).
  DenseI64ArrayAttr window;
  if (const Argument *wa = keyword("window")) {
    if (!causal || wa->value.intValue < 1) {
      error(wa->keyPos) << "window=" << wa->value.intValue
                        << " needs causal=true and a window of at least 1 "
                           "step (the step itself)";
      return failure();
    }
    // seq.attention bounds a side below 2^62 (its index arithmetic must not
    // wrap); no sequence comes near it.
    if (wa->value.intValue > (int64_t(1) << 62)) {
      error(wa->keyPos) << "window=" << wa->value.intValue
                        << " is longer than any sequence (at most 2^62 "
                           "steps); leave window out for no window";
      return failure();
    }
    window = b.getDenseI64ArrayAttr({wa->value.intValue - 1, 0});
  }
  FloatAttr scale;
  if (const Argument *s = keyword("scale"))
    scale = b.getF32FloatAttr(static_cast<float>(s->value.floatValue));
  // Gemma-2's attn_logit_softcapping: cap * tanh(s / cap) of the scaled
  // scores, before the masks.
  FloatAttr softcap;
  if (const Argument *c = keyword("softcap"))
    softcap = b.getF32FloatAttr(static_cast<float>(c->value.floatValue));
  // Position biases compare a query's and a key's positions in one
  // sequence (BLOOM, MPT, T5's self-attention; T5's EncDecAttention has
  // none).
  for (const char *kw : {"alibi", "relative_attention_bias"})
    if (const Argument *a = keyword(kw); a && cross &&
        (a->value.kind != Literal::Kind::Bool || a->value.boolValue)) {
      error(a->keyPos) << kw << " needs self-attention: it biases by the "
                          "distance between a query's and a key's steps of "
                          "one sequence; this mha has a key/value input";
      return failure();
    }
  DenseF32ArrayAttr alibi;
  if (boolKw("alibi", false))
    alibi = b.getDenseF32ArrayAttr(alibiSlopes(heads));
  Value relativeBias;
  if (const Argument *rel = keyword("relative_attention_bias")) {
    FailureOr<Value> table =
        relativeBiasTable(*rel, heads, /*bidirectional=*/!causal);
    if (failed(table))
      return failure();
    relativeBias = *table;
  } else if (const Argument *d = keyword("relative_attention_max_distance")) {
    error(d->keyPos) << "relative_attention_max_distance needs "
                        "relative_attention_bias";
    return failure();
  }
  auto qType = cast<RankedTensorType>(q.getType());
  auto resultType = RankedTensorType::get(
      {qType.getDimSize(0), heads, qType.getDimSize(2), dv}, b.getF32Type());
  Value attn = seq::AttentionOp::create(b, here(), resultType, q, k, v, *mask,
                                        relativeBias, causal, window, scale,
                                        alibi, /*empty_row_nan=*/UnitAttr(),
                                        /*max_positions=*/IntegerAttr(),
                                        /*min_row_max=*/FloatAttr(), softcap);
  Val out = linearOp(mergeHeads(attn, xb), w->out,
                     w->outBias ? &*w->outBias : nullptr);
  out.dims = xb.dims;
  out.dims[2] = "";
  return batchFirst ? out : transpose(out, {1, 0, 2});
}

} // namespace md
} // namespace seqc
