//===- PositionalLayers.cpp - pos_encoding and pos_embedding -----------===//
//
// The learned and sinusoidal positional embeddings: each adds row t of a
// table to step t of its input, the rows taken at seq.positions so that a
// stream continues the numbering across chunks.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/Emitter.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/FrontEndBuilders.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

namespace seqc {
namespace md {

/// The embedding size of a positional layer's input, [T, B, E] or (with
/// batch_first) [B, T, E].
FailureOr<int64_t> Emitter::positionalEmbedSize(const Val &x, bool batchFirst) {
  if (failed(expectFloat(x, 3,
                         batchFirst ? "a float [B, T, E] input"
                                    : "a float [T, B, E] input")))
    return failure();
  return staticDim(x, 2, "embedding size");
}

/// x + table[t] for a [T, E] table, t along x's time dimension.
Val Emitter::addPerStep(const Val &x, Value table, int64_t timeDim) {
  SmallVector<Value> outDyn;
  for (int64_t d = 0; d < 3; ++d)
    if (x.type().isDynamicDim(d))
      outDyn.push_back(dimValue(x.value, d));
  Val out = x;
  out.value = elementwise("add", {x.value, table}, {{0, 1, 2}, {timeDim, 2}},
                          x.type().getShape(), outDyn);
  return out;
}

FailureOr<Val> Emitter::emitPosEncoding(const Val &x) {
  bool batchFirst = batchFirstFor(x, 0);
  FailureOr<int64_t> embed = positionalEmbedSize(x, batchFirst);
  if (failed(embed))
    return failure();
  // The frequencies are a table of E floats built here.
  constexpr int64_t kMaxEmbed = int64_t(1) << 20;
  if (*embed % 2 != 0 || *embed > kMaxEmbed) {
    error(current->operands[0].value.pos)
        << "pos_encoding pairs features (sin, cos): it needs an even "
           "embedding size of at most 2^20; "
        << describe(x, current->operands[0].value.text);
    return failure();
  }
  double base = floatKw("base", 10000.0);
  if (!(base > 1.0 && std::isfinite(base))) {
    error(keyword("base")->value.pos) << "base=" << keyword("base")->value.text
                                      << " must be a finite number above 1";
    return failure();
  }
  // The sinusoidal encoding of "Attention Is All You Need" (Vaswani et al.
  // 2017, section 3.5) as PyTorch's tutorial PositionalEncoding computes it
  // in f32: div_term[i] = exp(2i * -ln(base) / E); feature 2i of step t is
  // sin(t * div_term[i]), feature 2i + 1 cos(t * div_term[i]).
  int64_t e = *embed;
  float step = static_cast<float>(-std::log(base) / static_cast<double>(e));
  SmallVector<float> frequency(e), odd(e);
  for (int64_t f = 0; f < e; ++f) {
    frequency[f] = std::exp(static_cast<float>(f - f % 2) * step);
    odd[f] = static_cast<float>(f % 2);
  }
  Value frequencies = constant({e}, frequency);
  // Which features take the cosine: a table rather than the loop index
  // keeps the generic a per-step op a stream can run chunk by chunk.
  Value cosines = constant({e}, odd);
  // Positions continue across a stream's chunks (seq.positions).
  int64_t timeDim = batchFirst ? 1 : 0;
  int64_t steps = x.type().getDimSize(timeDim);
  Value positions = seq::PositionsOp::create(
      b, here(), RankedTensorType::get({steps}, b.getI64Type()), x.value,
      b.getI64IntegerAttr(timeDim), /*offset=*/Value());
  SmallVector<Value> tableDyn;
  if (ShapedType::isDynamic(steps))
    tableDyn.push_back(dimValue(x.value, timeDim));
  Value table = mapElements(
      {positions, frequencies, cosines}, {{0}, {1}, {1}}, {steps, e}, tableDyn,
      b.getF32Type(), [&](OpBuilder &nb, Location l, ValueRange a) {
        Value angle = arith::MulFOp::create(
            nb, l, arith::SIToFPOp::create(nb, l, nb.getF32Type(), a[0]), a[1]);
        Value odd = arith::CmpFOp::create(
            nb, l, arith::CmpFPredicate::ONE, a[2],
            arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(0)));
        // Named, not created as arguments: the order of evaluating those is
        // the compiler's, and with it the IR's.
        Value sin = math::SinOp::create(nb, l, angle);
        Value cos = math::CosOp::create(nb, l, angle);
        return arith::SelectOp::create(nb, l, odd, cos, sin).getResult();
      });
  return addPerStep(x, table, timeDim);
}

FailureOr<Val> Emitter::emitPosEmbedding(const Val &x) {
  bool batchFirst = batchFirstFor(x, 0);
  FailureOr<int64_t> embed = positionalEmbedSize(x, batchFirst);
  if (failed(embed))
    return failure();
  // An nn.Embedding's table is P.weight; an nn.Parameter's (or a
  // buffer's) is P itself, [max_len, E] or with the batch's unit
  // dimension where the input has it (minGPT's and ViT's pos_emb).
  std::string own = prefix();
  bool parameter = weights.isOpen() && !weights.contains(own + ".weight") &&
                   weights.contains(own);
  FailureOr<WeightTensor> w = parameter ? weightNamed(own) : weight("weight");
  if (failed(w))
    return failure();
  // ([1, max_len, E] batch-first; [max_len, 1, E] time-major, the
  // PyTorch tutorial's `pe` buffer: the unit dimension is the batch's.)
  if (parameter && w->shape.size() == 3 && w->shape[batchFirst ? 0 : 1] == 1)
    w->shape.erase(w->shape.begin() + (batchFirst ? 0 : 1));
  if (w->shape.size() == 2 &&
      (failed(checkKwAgainst("max_len", w->shape[0], *w, "max_len")) ||
       failed(checkKwAgainst("dim", w->shape[1], *w, "embedding size"))))
    return failure();
  int64_t maxLen = w->shape.size() == 2 ? w->shape[0] : intKw("max_len", -1);
  if (failed(expectShape(*w, {maxLen, *embed},
                         "an input with embedding size " +
                             std::to_string(*embed))))
    return failure();
  int64_t timeDim = batchFirst ? 1 : 0;
  int64_t steps = x.type().getDimSize(timeDim);
  if (!ShapedType::isDynamic(steps) && steps > maxLen) {
    error(current->operands[0].value.pos)
        << "pos_embedding has " << maxLen << " positions but "
        << describe(x, current->operands[0].value.text) << " has " << steps
        << " steps";
    return failure();
  }
  // A dynamic T past max_len fails the run (a static one was rejected
  // above); a stream past max_len positions fails the embedding's check.
  if (ShapedType::isDynamic(steps)) {
    Value t = dimValue(x.value, timeDim);
    Value fits = arith::CmpIOp::create(
        b, here(), arith::CmpIPredicate::sle, t,
        arith::ConstantIndexOp::create(b, here(), maxLen));
    seq::createCheck(b, here(), fits, t,
                     "pos_embedding at " + seq::describeLocation(here()) +
                         " has " + std::to_string(maxLen) +
                         " positions, but {} steps are given; " +
                         describe(x, current->operands[0].value.text),
                     seq::CheckKind::shape);
  }
  // Row t of the table for step t: an embedding of the steps' positions,
  // which a stream continues across chunks (seq.positions).
  auto positionsType = RankedTensorType::get({steps}, b.getI64Type());
  Value positions = seq::PositionsOp::create(b, here(), positionsType, x.value,
                                             b.getI64IntegerAttr(timeDim),
                                             /*offset=*/Value());
  Value table = seq::EmbeddingOp::create(
      b, here(), RankedTensorType::get({steps, *embed}, b.getF32Type()),
      positions, constant(w->shape, w->data));
  return addPerStep(x, table, timeDim);
}

} // namespace md
} // namespace seqc
