//===- RaiseAttention.cpp - softmax(q k^T) v back to seq.attention -------===//
//
// Attention written as plain ops (an ONNX export, a `.seq` model that
// spells it out with matmul/softmax, hand-written MLIR) becomes one
// seq.attention, whose lowering never materialises the [B, H, Lq, Lk]
// scores and skips the keys a causal query cannot see. Raised only when
// the meaning is provably the same; see Passes.td for the forms.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/AttentionBandAttributes.h"
#include "dialects/Seq/Transforms/AttentionHeads.h"
#include "dialects/Seq/Transforms/AttentionMaskOperands.h"
#include "dialects/Seq/Transforms/AttentionMasks.h"
#include "dialects/Seq/Transforms/AttentionOperandShapes.h"
#include "dialects/Seq/Transforms/Passes.h"
#include "dialects/Seq/Transforms/RaisingMatchers.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/SizeUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/Support/Debug.h"

#include <cmath>
#include <limits>

#define DEBUG_TYPE "seq-raise-attention"

namespace seqc::seq {
#define GEN_PASS_DEF_RAISEATTENTIONPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

/// What the scores were made of: q k^T (k read as [.., D, Lk] unless
/// `kTransposed`), times `scale`, then the masks.
struct Scores {
  Value q, k;
  bool kTransposed = false;
  bool kHeadBroadcast = false; // k is [B, 1, ..] read for every head

  double scale = 1.0;
  // The keys each query sees, from the masks that only depend on j - i
  // (they become `causal` and `window`).
  std::optional<Band> band;
  Value mask;         // f32 added, or i1 keep-where-true
  AffineMap maskMap;  // how the masked elementwise op read `mask`
  bool negateMask = false; // `mask` is i1 masked-where-true
  // `mask` is i1 and hidden positions take this finite fill (<=
  // kAbsorbingFill): passed as the additive where(hidden, fill, 0).
  std::optional<double> maskFill;
  // Some band mask had a finite fill (<= -1e9, not -inf): exact only when
  // no row is left with nothing but filled keys (see bandRowsNeverEmpty).
  bool finiteBand = false;
  // The largest finite fill that replaced the scores a band hides (where /
  // masked_fill, `s * k + fill * (1 - k)`, a clamp), as the softmax reads
  // it (scaled by any factor after it). One above -1e9 (at most
  // kCheckedFill: GPT-2 <= 2.x's -1e4) drops the hidden keys only on rows
  // whose largest score is 104 above it: the raised op's min_row_max,
  // checked at run time.
  std::optional<double> replacedFill;
  // Some replaced fill was in (-1e9, -1e3] before a factor after it: the
  // check stays when the factor takes it below -1e9 (scores that large
  // are no longer out of reach).
  bool fillChecked = false;
  // Some band's finite fill was added to the scores, of a value not read
  // (`s + m` with m <= -1e9 where it hides): it cannot be scaled after.
  bool unknownFill = false;
  // The first mask was a band replacing the scores it hides by a fill
  // (`where(c, s, fill)`, Hugging Face GPT-2's `where(causal, w,
  // finfo.min)`): its i1 `c`, true where hidden when `filledWhereTrue`.
  // With an additive mask after it (the padding `attention_mask`) and a
  // fill at most kAbsorbingFill, the two are one additive mask operand
  // instead of `causal`
  // (see createFilledPlusAdditive): exact, rows whose visible keys are all
  // padded included, which `causal` would average over the visible keys
  // alone.
  Value filledBand;
  bool filledWhereTrue = false;
  bool maskAfterFilledBand = false;
  // The f32 mask operand was added after some band (`masked_fill(band) +
  // m`), not before one that then replaced what it hides (`(s +
  // alibi).masked_fill(band, fill)`).
  bool maskAfterBand = false;
  // The f32 mask operand was added and the sum clamped from below at this
  // value, at most kAbsorbingFill (Hugging Face LLaMA/OPT 4.2x-4.3x's
  // `torch.max(w + (causal + padding), finfo.min)`): the operand becomes
  // max(mask, clamp) (see createClampedAdditive).
  std::optional<double> maskClamp;
  // Attention logit softcapping, `tanh(s / cap) * cap` of the scaled
  // scores before any mask (Gemma-2): the raised op's softcap. Nothing
  // scales the scores after it.
  std::optional<double> softcap;
  SmallVector<DroppedMask> dropped;
  SmallVector<Value> chain; // every value from q k^T to the softmax input
  // The [B * H, Lq, Lk] scores are a collapse of 4-D ones (BART's and
  // Whisper's view(B, H, T, S) + mask, viewed back): q, k and the mask
  // are the 4-D ones, of scores type `lifted`.
  RankedTensorType lifted;
};

FailureOr<Scores> matchScores(Value v);

/// The mask operand `leaf` of an elementwise op over the [.., Lq, Lk]
/// scores, when it broadcasts to them as seq.attention's mask does.
bool isAttentionMaskLeaf(const std::optional<BodyLeaf> &leaf, Type element) {
  if (!leaf || !leaf->tensor)
    return false;
  auto type = dyn_cast<RankedTensorType>(leaf->tensor.getType());
  return type && type.getElementType() == element && type.getRank() <= 4 &&
         isRightAlignedBroadcast(leaf->map, type);
}

/// Whether a mask read through `map` varies along the scores' query and
/// key loops, as a band mask must (a size-1 dimension broadcast there
/// would give every query the same keys).
bool spansQueriesAndKeys(AffineMap map) { return keepsLastTwoDims(map); }

/// Records that `mask`, read through `map`, keeps `band` (and becomes
/// attributes of the raised op); fails when it cannot be combined with the
/// bands before (different run-time offsets).
LogicalResult addBand(Scores &scores, Band band, bool finiteFill, Value mask,
                      AffineMap map) {
  std::optional<Band> both =
      scores.band ? scores.band->intersect(band) : band;
  if (!both)
    return failure();
  scores.band = both;
  scores.finiteBand |= finiteFill;
  scores.dropped.push_back({mask, map});
  return success();
}

/// Whether `fill`, replacing the scores a band hides, is one that drops
/// them only with a run-time check (see Scores::replacedFill).
bool isCheckedFill(double fill) {
  return fill > kMaskedFill && fill <= kCheckedFill;
}

/// Records that a band's hidden scores became `fill` (addBand first).
void addReplacedFill(Scores &scores, double fill) {
  if (std::isfinite(fill))
    scores.replacedFill = std::max(scores.replacedFill.value_or(fill), fill);
  scores.fillChecked |= isCheckedFill(fill);
}

/// The scores under `s * k` with k a 0/1 mask (OpenAI GPT's and GPT-2's
/// original `w * b`): 0 where k hides, which the additive mask after it
/// fills. `band` is k's.
FailureOr<Scores> matchKeptProduct(Value v, std::optional<Band> &band) {
  std::optional<Elementwise> e = matchElementwise(v);
  auto mul = e ? e->yielded.getDefiningOp<arith::MulFOp>() : arith::MulFOp();
  if (!mul)
    return failure();
  for (int i = 0; i < 2; ++i) {
    std::optional<BodyLeaf> s = readLeaf(e->op, mul->getOperand(i));
    std::optional<BodyLeaf> k = readLeaf(e->op, mul->getOperand(1 - i));
    if (!s || !s->tensor || !s->map.isIdentity() ||
        !isAttentionMaskLeaf(k, mul.getType()) || !spansQueriesAndKeys(k->map))
      continue;
    band = readKeptBand(k->tensor);
    if (!band)
      return failure();
    FailureOr<Scores> scores = matchScores(s->tensor);
    if (failed(scores) ||
        failed(addBand(*scores, *band, /*finiteFill=*/true, k->tensor, k->map)))
      return failure();
    scores->chain.push_back(v);
    return scores;
  }
  return failure();
}

/// The scores under an additive mask: add(s, m), add(m, s), or sub(s, m)
/// with m a positive multiple of a 0/1 mask (readSubtractedBand). s may be
/// `q k^T * k` with k a 0/1 mask whose hidden positions the band of m
/// hides exactly (`w * b - 1e10 * (1 - b)`): they are 0 + fill there and
/// the scores where m keeps.
FailureOr<Scores> matchAdditiveMask(const Elementwise &e, Operation *op) {
  bool subtract = isa<arith::SubFOp>(op);
  for (int i = 0; i < (subtract ? 1 : 2); ++i) {
    std::optional<BodyLeaf> s = readLeaf(e.op, op->getOperand(i));
    std::optional<BodyLeaf> m = readLeaf(e.op, op->getOperand(1 - i));
    if (!s || !s->tensor || !s->map.isIdentity() ||
        !isAttentionMaskLeaf(m, op->getResult(0).getType()))
      continue;
    // `s * k + fill * x` (`s * k - c * x`) with a fill above -1e9: a mask
    // where it replaces the scores k zeroed (HF OpenAIGPT's `w * b + -1e4
    // * (1 - b)`), raised with a run-time check.
    double fill = 0.0;
    std::optional<Band> filled;
    if (spansQueriesAndKeys(m->map) &&
        (filled = readReplacingProductBand(m->tensor, subtract ? -1.0 : 1.0,
                                           fill)) &&
        isCheckedFill(fill)) {
      std::optional<Band> kept;
      FailureOr<Scores> scores = matchKeptProduct(s->tensor, kept);
      if (succeeded(scores) && kept->sameAs(*filled) &&
          succeeded(addBand(*scores, *filled, /*finiteFill=*/true, m->tensor,
                            m->map))) {
        addReplacedFill(*scores, fill);
        return scores;
      }
    }
    bool infinite = false;
    std::optional<Band> band;
    if (spansQueriesAndKeys(m->map))
      band = subtract ? readSubtractedBand(m->tensor)
                      : readAdditiveBand(m->tensor, infinite);
    if (subtract && !band)
      return failure();
    FailureOr<Scores> scores = matchScores(s->tensor);
    if (failed(scores) && band) {
      std::optional<Band> kept;
      scores = matchKeptProduct(s->tensor, kept);
      if (succeeded(scores) && !kept->sameAs(*band))
        return failure();
    }
    if (failed(scores))
      continue;
    if (band) {
      if (failed(addBand(*scores, *band, !infinite, m->tensor, m->map)))
        return failure();
      scores->unknownFill |= !infinite;
    } else if (!scores->mask) {
      scores->mask = m->tensor;
      scores->maskMap = m->map;
      scores->maskAfterFilledBand = static_cast<bool>(scores->filledBand);
      scores->maskAfterBand = scores->band.has_value();
    } else
      return failure(); // two masks that are not bands
    return scores;
  }
  return failure();
}

/// The scores under a filled mask: select(c, fill, s) (masked_fill: c true
/// where masked) or select(c, s, fill) (where: c true where kept), with
/// fill <= -1e9, or at most -1e3 (kCheckedFill) where c is a band.
FailureOr<Scores> matchFilledMask(const Elementwise &e,
                                  arith::SelectOp select) {
  std::optional<BodyLeaf> c = readLeaf(e.op, select.getCondition());
  if (!isAttentionMaskLeaf(c, select.getCondition().getType()))
    return failure();
  for (bool fillWhereTrue : {true, false}) {
    std::optional<BodyLeaf> fill = readLeaf(
        e.op, fillWhereTrue ? select.getTrueValue() : select.getFalseValue());
    std::optional<BodyLeaf> s = readLeaf(
        e.op, fillWhereTrue ? select.getFalseValue() : select.getTrueValue());
    // (NaN is no fill.)
    if (!fill || !fill->scalar ||
        !(*fill->scalar <= kMaskedFill || isCheckedFill(*fill->scalar)) || !s ||
        !s->tensor || !s->map.isIdentity())
      continue;
    FailureOr<Scores> scores = matchScores(s->tensor);
    if (failed(scores))
      continue;
    std::optional<Band> band;
    if (spansQueriesAndKeys(c->map))
      band = fillWhereTrue ? readMaskedBand(c->tensor)
                           : readKeptBand(c->tensor);
    if (band) {
      bool first = !scores->band && !scores->mask && scores->dropped.empty();
      // A finite fill underflows to exactly the weights 0 that a skipped
      // key gives (scores below 1e9 in magnitude), on every row that keeps
      // a key (checked when raising).
      if (failed(addBand(*scores, *band, !std::isinf(*fill->scalar),
                         c->tensor, c->map)))
        return failure();
      addReplacedFill(*scores, *fill->scalar);
      if (first && std::isfinite(*fill->scalar)) {
        scores->filledBand = c->tensor;
        scores->filledWhereTrue = fillWhereTrue;
      }
      return scores;
    }
    // A finite fill (Hugging Face's finfo.min) on a fully masked row is a
    // softmax over equal fills, the mean of v, which a keep mask (zeros)
    // does not reproduce. A huge one is the additive mask where(c, fill, 0)
    // instead: s + fill rounds to fill itself (|s| < 2^95), so the softmax
    // is the same on every row, fully masked ones included. Smaller finite
    // fills (-1e9: s + fill keeps s) are left to the ops as written.
    // (A finite fill also overwrites the -inf of a band masked before it:
    // a row it hides entirely averages keys the band hid. Not raised.)
    if (scores->mask || (!std::isinf(*fill->scalar) &&
                         (!(*fill->scalar <= kAbsorbingFill) || scores->band)))
      return failure();
    scores->mask = c->tensor;
    scores->maskMap = c->map;
    scores->negateMask = fillWhereTrue;
    if (!std::isinf(*fill->scalar))
      scores->maskFill = *fill->scalar;
    return scores;
  }
  return failure();
}

/// The scores clamped from below, max(s, c) with c <= -1e9 (Hugging Face
/// LLaMA/OPT's `torch.max(w, finfo.min)` after adding masks that may sum to
/// -inf): the same for every score above c, while hidden positions become
/// c, a finite fill. A band is then filled finitely (exact where every row
/// keeps a key, checked when raising); a mask operand is not (a row it
/// hides entirely would be the mean of v, not seq.attention's zeros).
FailureOr<Scores> matchClampedScores(const Elementwise &e, Operation *max) {
  for (int i = 0; i < 2; ++i) {
    std::optional<BodyLeaf> s = readLeaf(e.op, max->getOperand(i));
    std::optional<BodyLeaf> c = readLeaf(e.op, max->getOperand(1 - i));
    if (!s || !s->tensor || !s->map.isIdentity() || !c || !c->scalar ||
        !(*c->scalar <= kMaskedFill))
      continue;
    FailureOr<Scores> scores = matchScores(s->tensor);
    if (failed(scores))
      return failure();
    if (scores->mask) {
      // An additive mask operand clamped with it: max(s + m, c) is
      // s + max(m, c) for c <= -2^120 (see createClampedAdditive), also on
      // rows whose keys are all hidden, which the clamp makes c, not -inf.
      if (scores->band || scores->maskFill || scores->negateMask ||
          scores->maskClamp || !(*c->scalar <= kAbsorbingFill) ||
          !getElementTypeOrSelf(scores->mask.getType()).isF32())
        return failure();
      scores->maskClamp = *c->scalar;
      return scores;
    }
    if (scores->band) {
      scores->finiteBand = true;
      addReplacedFill(*scores, *c->scalar);
    }
    return scores;
  }
  return failure();
}

/// `tanh(x / cap) * cap` (or `x * (1 / cap)` inside) with cap > 0:
/// attention logit softcapping (Gemma-2's `attn_logit_softcapping`):
/// (x, cap).
std::optional<std::pair<Value, double>> matchSoftcap(Value v) {
  std::optional<std::pair<Value, double>> outer = matchScale(v);
  if (!outer || !(outer->second > 0.0))
    return std::nullopt;
  // tanh: the ONNX importer's seq.activation, or an elementwise math.tanh.
  Value y;
  if (auto act = outer->first.getDefiningOp<ActivationOp>();
      act && act.getKind().getKind() == ActivationKind::tanh) {
    y = act->getOperand(0);
  } else if (std::optional<Elementwise> e = matchElementwise(outer->first)) {
    auto tanh = e->yielded.getDefiningOp<math::TanhOp>();
    std::optional<BodyLeaf> leaf =
        tanh ? readLeaf(e->op, tanh.getOperand()) : std::nullopt;
    if (leaf && leaf->tensor && leaf->map.isIdentity())
      y = leaf->tensor;
  }
  if (!y || y.getType() != v.getType())
    return std::nullopt;
  std::optional<std::pair<Value, double>> inner = matchScale(y);
  // The same cap on both sides (1 / cap inside), up to rounding.
  if (!inner || !(std::abs(inner->second * outer->second - 1.0) <= 1e-6))
    return std::nullopt;
  return std::make_pair(inner->first, outer->second);
}

FailureOr<Scores> matchScoresStep(Value v);

FailureOr<Scores> matchScores(Value v) {
  FailureOr<Scores> s = matchScoresStep(v);
  if (succeeded(s))
    s->chain.push_back(v);
  return s;
}

FailureOr<Scores> matchScoresStep(Value v) {
  if (std::optional<Matmul> qk = matchMatmul(v)) {
    Scores s;
    s.q = qk->lhs;
    s.k = qk->rhs;
    s.kTransposed = qk->rhsTransposed;
    s.kHeadBroadcast = qk->rhsHeadBroadcast;
    s.scale = qk->scale;
    return s;
  }
  // q k^T + 0: the scores (GPT-2's `+ 0.0`).
  if (Value x = plusZeroOperand(v))
    return matchScores(x);
  // Scores rounded to f16 or bf16 and back: torch's bf16 and fp16 exports
  // divide by the scale in f32 and Cast back before the mask. seqc
  // computes such a model in f32 and keeps the scores so, as it keeps
  // every other op's result (within the half type's rounding of the
  // export's).
  // (Below the mask only: a fill rounded to f16 is -inf, which the
  // export's softmax reads as such.)
  if (Value x = halfRoundingOperand(v)) {
    FailureOr<Scores> s = matchScores(x);
    if (failed(s) || s->band || s->mask)
      return failure();
    return s;
  }
  if (auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>();
      collapse && collapse.getSrcType().getRank() == 4 &&
      groupsBatchDims(collapse.getReassociationIndices(), 4)) {
    FailureOr<Scores> s = matchScores(collapse.getSrc());
    if (failed(s) || cast<RankedTensorType>(s->q.getType()).getRank() != 4 ||
        s->lifted)
      return failure();
    s->lifted = collapse.getSrcType();
    return s;
  }
  if (auto capped = matchSoftcap(v)) {
    // Softcapping of the scaled scores, before any mask or band.
    FailureOr<Scores> s = matchScores(capped->first);
    if (failed(s) || s->mask || s->band || !s->dropped.empty() || s->softcap)
      return failure();
    s->softcap = capped->second;
    return s;
  }
  if (auto scaled = matchScale(v)) {
    // (q k^T + m) * c is q k^T * c + m * c: a mask operand would have to be
    // scaled too, and a band's added finite fill, of a value not read,
    // might no longer hide. A band hiding with -inf or with fills that
    // replaced the scores is scaled with them (GPT-J's `where(causal, w,
    // masked_bias) / scale_attn`), by a positive factor.
    FailureOr<Scores> s = matchScores(scaled->first);
    double c = scaled->second;
    // (A factor after a softcap is no scale: tanh is not linear.)
    if (failed(s) || s->mask || s->softcap)
      return failure();
    if (s->band) {
      if (s->unknownFill || !(c > 0.0))
        return failure();
      if (s->replacedFill) {
        s->fillChecked |= isCheckedFill(*s->replacedFill);
        *s->replacedFill *= c;
        if (!(*s->replacedFill <= kCheckedFill))
          return failure();
      }
    }
    s->scale *= c;
    return s;
  }
  std::optional<Elementwise> e = matchElementwise(v);
  if (!e)
    return failure();
  if (isa_and_present<arith::AddFOp, arith::SubFOp>(e->yielded.getDefiningOp()))
    return matchAdditiveMask(*e, e->yielded.getDefiningOp());
  if (auto select = e->yielded.getDefiningOp<arith::SelectOp>())
    return matchFilledMask(*e, select);
  if (isa_and_present<arith::MaximumFOp, arith::MaxNumFOp>(
          e->yielded.getDefiningOp()))
    return matchClampedScores(*e, e->yielded.getDefiningOp());
  return failure();
}

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// Whether every query row keeps at least one key under `s.band` (with
/// lo <= 0 <= hi): row i keeps keys max(0, i + lo) .. min(Lk - 1, i + hi),
/// none only when i + lo > Lk - 1, which no row reaches when lo is
/// unbounded or Lq + lo <= Lk -- as when q and k have one length
/// (self-attention) or a dropped mask is square (its extents, checked
/// against the scores', are the same size).
bool rowsNeverEmpty(const Scores &s, RankedTensorType scores) {
  // Bottom-right, query i keeps key i + Lk - Lq, in [0, Lk) when Lk >= Lq
  // (a mask sliced at Lk - Lq with Lk < Lq fails its extent check).
  int64_t rank = scores.getRank();
  int64_t kRank = tensorType(s.k).getRank(); // (3: one key/value head)
  if (!s.band->lo || s.band->offset ||
      isSameDimension(s.q, rank - 2, s.k,
                      s.kTransposed ? kRank - 2 : kRank - 1))
    return true;
  int64_t lq = scores.getDimSize(rank - 2), lk = scores.getDimSize(rank - 1);
  if (!ShapedType::isDynamic(lq) && !ShapedType::isDynamic(lk))
    return lq + *s.band->lo <= lk;
  return llvm::any_of(s.dropped, [](const DroppedMask &m) {
    int64_t r = tensorType(m.mask).getRank();
    return isSameSize(getDecidedSize(m.mask, r - 2),
                      getDecidedSize(m.mask, r - 1));
  });
}

/// Whether `mask` is computed from constants and sizes alone (ALiBi's
/// `slopes * arange(T)`, a relative position bias), not from a model
/// input's values (a padding `attention_mask`): the same bias for every
/// batch row, which no model uses to hide all of a query's keys.
bool isPositionalBias(Value mask) {
  SmallVector<Value> work = {mask};
  llvm::SmallPtrSet<Operation *, 16> seen;
  while (!work.empty()) {
    Value v = work.pop_back_val();
    Operation *def = v.getDefiningOp();
    if (!def)
      return false; // a function argument's values
    // (A size, or positions along a dimension, reads no values.)
    if (isa<tensor::DimOp, PositionsOp>(def) || !seen.insert(def).second)
      continue;
    // (A chain too long to follow may reach an input: not known.)
    if (seen.size() > 256)
      return false;
    for (Value operand : def->getOperands())
      work.push_back(operand);
    // (Values a region reads from above, a captured table.)
    def->walk([&](Operation *inner) {
      for (Value operand : inner->getOperands())
        if (!def->isAncestor(operand.getParentBlock()->getParentOp()))
          work.push_back(operand);
    });
  }
  return true;
}

/// The raised op's min_row_max for scores a band filled with `fill`:
/// fill + kFillMargin, rounded up to f32 (never a weaker check). A fill
/// scaled after the mask (-1e9 / 8) is PyTorch's f32 product, which may
/// lie an ulp or two above the exact one: beyond 2^17, where two ulps
/// exceed 1/32 (the slack between 104 and e^-x's underflow), they are
/// added.
float minRowMax(double fill) {
  double exact = fill + kFillMargin;
  if (std::abs(fill) >= 131072.0)
    exact += std::ldexp(std::abs(fill), -22);
  auto rounded = static_cast<float>(exact);
  if (double(rounded) < exact)
    rounded = std::nextafter(rounded, std::numeric_limits<float>::infinity());
  return rounded;
}

/// Rooted at the product with v: a linalg contraction, or the
/// expand_shape of one (matchCollapsedBatchMatmul).
struct RaiseAttention : RewritePattern {
  RaiseAttention(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1 ||
        !isa<linalg::LinalgOp, tensor::ExpandShapeOp>(op))
      return failure();
    Value out = op->getResult(0);
    std::optional<Matmul> pv = matchMatmul(out);
    auto outType = cast<RankedTensorType>(out.getType());
    int64_t rank = outType.getRank();
    if (!pv || pv->rhsTransposed || pv->scale != 1.0 ||
        (rank != 3 && rank != 4))
      return failure();
    auto softmax = pv->lhs.getDefiningOp<linalg::SoftmaxOp>();
    if (!softmax || (int64_t)softmax.getDimension() != rank - 1)
      return failure();
    // s - rowmax(s) as the softmax's input is the softmax's own shift: the
    // same weights. (Not below a mask: there the maximum counts keys the
    // mask then hides, and `s - m` rounds with their gap.)
    Value scoresIn = softmax.getInput();
    if (Value x = rowMaxShiftOperand(scoresIn))
      scoresIn = x;
    FailureOr<Scores> s = matchScores(scoresIn);
    if (failed(s))
      return failure();
    // Multi-query attention: k and v of one head, broadcast to every query
    // head by the products, are seq.attention's single key/value head (its
    // head read is h / group, the group the static query head count).
    bool oneKeyValueHead = s->kHeadBroadcast;
    if (pv->rhsHeadBroadcast != oneKeyValueHead ||
        (oneKeyValueHead && tensorType(s->q).isDynamicDim(1)))
      return failure();
    // Scores of collapsed heads from 4-D ones: the attention is the 4-D
    // one (v uncollapsed too), its result collapsed back below.
    Value v = pv->rhs;
    RankedTensorType scoresType = tensorType(softmax.getInput());
    if (s->lifted) {
      auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>();
      if (!collapse || collapse.getSrcType().getRank() != 4 ||
          !groupsBatchDims(collapse.getReassociationIndices(), 4))
        return failure();
      v = collapse.getSrc();
      scoresType = s->lifted;
      rank = 4;
    }

    // A band filled by where(c, s, fill) with a huge fill and an additive
    // mask added after it: one additive mask operand, as written (see
    // Scores::filledBand).
    bool bandIntoMask = rank == 4 && !s->lifted && s->band && s->filledBand &&
                        s->maskAfterFilledBand && s->dropped.size() == 1 &&
                        !s->maskFill && !s->negateMask && s->replacedFill &&
                        *s->replacedFill <= kAbsorbingFill &&
                        tensorType(s->mask).getElementType().isF32() &&
                        maskFitsScores(s->filledBand, scoresType) &&
                        maskFitsScores(s->mask, scoresType);
    // A positional bias (BLOOM's ALiBi) before a band that replaces what
    // it hides by a finite fill, `(s + m).masked_fill(band, fill)`: the
    // hidden keys weigh 0 in the model's softmax on every row whose
    // largest visible score is kFillMargin above the fill, which the
    // raised op checks (min_row_max). (A padding mask there could hide
    // all of a left-padded row's visible keys, which the model then
    // averages with the filled ones: left as written.)
    bool maskedThenFilled = s->mask && s->finiteBand && !s->maskAfterBand &&
                            !s->negateMask && !s->maskFill && !s->maskClamp &&
                            !s->unknownFill && s->replacedFill &&
                            tensorType(s->mask).getElementType().isF32() &&
                            isPositionalBias(s->mask);
    std::optional<BandAttributes> bandAttrs;
    if (s->band) {
      // The query and key lengths as q and k decide them (the scores'
      // may be the mask's, checked equal at run time).
      int64_t r = scoresType.getRank();
      int64_t kr = tensorType(s->k).getRank(); // 3: one head, none kept
      OpFoldResult lq = getDecidedSize(s->q, r - 2),
                   lk = getDecidedSize(s->k, s->kTransposed ? kr - 2 : kr - 1);
      bandAttrs = attributesForBand(rewriter, *s->band, lq, lk);
      if (bandIntoMask)
        bandAttrs.reset();
      else if (!bandAttrs ||
               (s->finiteBand && (!rowsNeverEmpty(*s, scoresType) ||
                                  (s->mask && !maskedThenFilled))))
        return failure();
    }
    Value q = s->q, kOperand = s->k;
    double scale = s->scale;
    if (auto scaled = matchScale(q)) {
      // nn.MultiheadAttention scales q before the product.
      q = scaled->first;
      scale *= scaled->second;
    }
    if (auto scaled = matchScale(kOperand);
        scaled && scale * scaled->second > 0.0) {
      // torch 2.x exports scaled_dot_product_attention as (q * sqrt(c)) @
      // (k^T * sqrt(c)) (symbolic_opset14.py), k's factor after the
      // transpose. (A negative factor stays on k: the op's scale is
      // positive.)
      kOperand = scaled->first;
      scale *= scaled->second;
    }
    // seq.attention's scale is a positive, finite f32.
    auto scale32 = static_cast<float>(scale);
    if (!(scale32 > 0.0f) || std::isinf(scale32))
      return failure();
    if (s->mask && !maskFitsScores(s->mask, scoresType))
      return failure();
    // seq.attention is lowered for static head counts (its key/value head
    // read is h / group); where none of q, k and v has one (their batch
    // extents are joined below), the plain ops stay, which compute the
    // same.
    if (rank == 4 && tensorType(q).isDynamicDim(1) &&
        tensorType(kOperand).isDynamicDim(1) && tensorType(v).isDynamicDim(1))
      return failure();

    Location loc = op->getLoc();
    Value k =
        s->kTransposed ? kOperand : keysFromTransposed(rewriter, loc, kOperand);
    if (oneKeyValueHead) {
      // (Einsum 'bhqd,bkd->bhqk' read [B, S, D] for every head.)
      if (tensorType(k).getRank() == 3)
        k = addHeadDim(rewriter, loc, k);
      if (tensorType(v).getRank() == 3)
        v = addHeadDim(rewriter, loc, v);
    }
    // The mask operand before broadcast copies (the copy's extents, which
    // the masked op required to be the scores', are checked below).
    Value mask = s->mask;
    if (mask) {
      Value source = throughBroadcastCopies(mask);
      if (source != mask && maskFitsScores(source, scoresType)) {
        s->dropped.push_back({mask, s->maskMap});
        mask = source;
      }
    }
    // The scores' [.., Lq, Lk], which the dropped masks' extents are
    // checked against once the op exists (after its own max_positions
    // check, whose message says why a long sequence fails).
    SmallVector<OpFoldResult> scoreSizes;
    for (int64_t d = 0; d < rank - 1; ++d)
      scoreSizes.push_back(getDimSize(rewriter, loc, q, d));
    scoreSizes.push_back(getDimSize(rewriter, loc, k, rank - 2));
    // (Static lengths need no limit: the checks decide every run alike.)
    std::optional<int64_t> positions;
    if (ShapedType::isDynamic(tensorType(q).getDimSize(rank - 2)) ||
        ShapedType::isDynamic(tensorType(k).getDimSize(rank - 2)))
      positions = maxPositions(s->dropped, rank,
                               isSameDimension(q, rank - 2, k, rank - 2));
    // Heads merged into the batch (rank 3) split out again.
    bool headsSplit = false;
    if (rank == 3) {
      if (std::optional<SmallVector<Value>> split =
              splitMergedHeads(rewriter, loc, q, k, v, mask)) {
        q = (*split)[0];
        k = (*split)[1];
        v = (*split)[2];
        mask = (*split)[3];
        headsSplit = true;
      }
    }
    // Grouped-query attention with the key/value heads repeated up to the
    // query heads' count: seq.attention reads head h / repeats itself.
    std::optional<Unrepeated> k0, v0;
    if (rank == 4) {
      k0 = unrepeat(rewriter, loc, k, 1);
      v0 = unrepeat(rewriter, loc, v, 1);
    }
    joinBatchExtents(rewriter, loc, {&q, &k, &v},
                     oneKeyValueHead ? 1
                     : headsSplit    ? 2
                                     : rank - 2);
    if (k0 && v0 && k0->repeats == v0->repeats) {
      k = k0->value;
      v = v0->value;
      joinBatchExtents(rewriter, loc, {&q, &k, &v}, 1);
    }
    if (bandIntoMask)
      mask = createFilledPlusAdditive(rewriter, loc, s->filledBand,
                                      s->filledWhereTrue, *s->replacedFill,
                                      mask, scoresType.getRank());
    else if (mask && s->maskClamp)
      mask = createClampedAdditive(rewriter, loc, mask, *s->maskClamp);
    else if (mask && s->maskFill)
      mask = createFilledAdditive(rewriter, loc, mask, s->negateMask,
                                  *s->maskFill);
    else if (mask && s->negateMask)
      mask = createNot(rewriter, loc, mask);
    if (mask && tensorType(mask).getRank() < 2)
      mask = prependUnitDims(rewriter, loc, mask, 2);
    Type resultType = outType;
    if (s->lifted) {
      resultType = RankedTensorType::get(
          {tensorType(q).getDimSize(0), tensorType(q).getDimSize(1),
           tensorType(q).getDimSize(2), tensorType(v).getDimSize(3)},
          outType.getElementType());
    } else if (headsSplit) {
      resultType = RankedTensorType::get(
          {tensorType(q).getDimSize(0), tensorType(q).getDimSize(1),
           outType.getDimSize(1), outType.getDimSize(2)},
          outType.getElementType());
    } else if (rank == 3) {
      // [N, L, E] is N heads of one batch row.
      q = addHeadDim(rewriter, loc, q);
      k = addHeadDim(rewriter, loc, k);
      v = addHeadDim(rewriter, loc, v);
      // A rank-3 mask (the [B*H, 1, S] key-padding mask
      // nn.MultiheadAttention exports) gets the head dimension at the same
      // place; lower ranks align on the right either way.
      if (mask && cast<RankedTensorType>(mask.getType()).getRank() == 3)
        mask = addHeadDim(rewriter, loc, mask);
      resultType = RankedTensorType::get(
          {outType.getDimSize(0), 1, outType.getDimSize(1),
           outType.getDimSize(2)},
          outType.getElementType());
    }
    CausalAlignmentAttr causal;
    DenseI64ArrayAttr window;
    if (bandAttrs) {
      if (bandAttrs->causal)
        causal = CausalAlignmentAttr::get(
            rewriter.getContext(), bandAttrs->bottomRight
                                       ? CausalAlignment::bottom_right
                                       : CausalAlignment::top_left);
      window = bandAttrs->window;
    }
    LLVM_DEBUG(llvm::dbgs()
               << "[" DEBUG_TYPE "] " << loc << ": attention with scale "
               << scale32 << (mask ? ", a mask" : "")
               << (causal ? ", causal" : "") << (window ? ", a window" : "")
               << "\n");
    auto attention = AttentionOp::create(
        rewriter, loc, resultType, q, k, v, mask,
        /*relative_bias=*/Value(), causal, window,
        rewriter.getF32FloatAttr(scale32),
        /*alibi_slopes=*/DenseF32ArrayAttr(),
        // The softmax gives NaN on a row whose scores are all -inf; so does
        // the attention.
        /*empty_row_nan=*/rewriter.getUnitAttr(),
        positions ? rewriter.getI64IntegerAttr(*positions) : IntegerAttr(),
        s->replacedFill && (isCheckedFill(*s->replacedFill) || s->fillChecked ||
                            maskedThenFilled)
            ? rewriter.getF32FloatAttr(minRowMax(*s->replacedFill))
            : FloatAttr(),
        s->softcap ? rewriter.getF32FloatAttr(static_cast<float>(*s->softcap))
                   : FloatAttr());
    Value result = attention.getResult();
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointAfter(attention);
      for (const DroppedMask &m : s->dropped) {
        SmallVector<OpFoldResult> expected;
        for (AffineExpr e : m.map.getResults())
          expected.push_back(
              isa<AffineDimExpr>(e)
                  ? scoreSizes[cast<AffineDimExpr>(e).getPosition()]
                  : rewriter.getIndexAttr(1));
        createExtentChecks(rewriter, loc, decidedSizes(rewriter, loc, m.mask),
                           expected, describeOrigin("attention mask", loc),
                           "the scores make it");
      }
    }
    if (outType.getRank() == 3) {
      // (Heads split out of a batch of static size: [1, 4, ..] collapses
      // to a static [4, ..] where the product may have been dynamic.)
      result = tensor::CollapseShapeOp::create(
          rewriter, loc, result,
          SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}});
      if (result.getType() != outType)
        result = tensor::CastOp::create(rewriter, loc, outType, result);
    }
    rewriter.replaceOp(op, result);
    for (Value v : s->chain)
      forgetSizeUses(rewriter, v);
    if (scoresIn != softmax.getInput())
      forgetSizeUses(rewriter, softmax.getInput());
    forgetSizeUses(rewriter, softmax.getResult()[0]);
    return success();
  }
};

struct RaiseAttentionPass
    : seqc::seq::impl::RaiseAttentionPassBase<RaiseAttentionPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseAttention>(&getContext());
    applyRaising(getOperation(), std::move(patterns));
  }
};

} // namespace
