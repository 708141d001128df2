//===- AttentionMasks.h - which keys a mask lets each query see -*- C++ -*-===//
//
// seq-raise-attention turns the masks that only say "key j is visible from
// query i when j - i is in a range" into seq.attention's `causal` and
// `window` attributes, so the lowering skips the hidden keys instead of
// reading a dense mask. This reads such a range (a diagonal band) off the
// ways models build those masks: constant buffers, `tril`/`triu` of ones or
// of -inf (ONNX Trilu), comparisons of positions (MaskPositions.h), `== 0`,
// `== 1`, `~`, `&`, `|`, `where(c, 0, fill)`, `where(c, 0, x)` with x a fill
// wherever c is false, sums and `log` of masks, casts, transposes of the
// last two dimensions, broadcasts, reshapes adding size-1 dimensions,
// slices (at offsets that are constant on every run, or one run-time row
// offset), and a square mask after a prefix of keys every query sees (a
// key/value cache's).
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONMASKS_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONMASKS_H

#include "mlir/IR/AffineMap.h"
#include "mlir/IR/Value.h"

#include <cstdint>
#include <optional>

namespace seqc::seq {

/// The (row i, column j) positions of a mask's last two dimensions it keeps
/// when it keeps exactly those with lo + offset <= j - i <= hi + offset; a
/// missing bound is no bound, a null `offset` is 0. Causal attention is
/// hi = 0; a sliding window that also sees the w keys before the query is
/// lo = -w. `offset` is a run-time row offset a mask was sliced at
/// (Hugging Face GPT-2's bias[.., Lk - Lq : Lk, :Lk]).
struct Band {
  std::optional<int64_t> lo, hi;
  mlir::Value offset;
  /// Set when `offset` is instead the run-time width of an all-kept prefix
  /// concatenated before this square mask (Hugging Face's
  /// `cat([zeros(T, P), causal(T, T)], -1)` for P cached keys): the mask's
  /// extents, which the raised op checks against the scores' [Lq, Lk],
  /// then make the offset Lk - Lq.
  mlir::Value prefixedBlock;

  /// The positions both keep, when their offsets are the same.
  std::optional<Band> intersect(const Band &other) const;
  /// Whether both keep the same positions on every run.
  bool sameAs(const Band &other) const;
  /// The band of m[.., i + r, j + c] when this is m's (a slice at row
  /// offset r, column offset c): shifted by r - c.
  Band shifted(int64_t rowMinusColumn) const;
  /// Whether no position is kept.
  bool empty() const { return lo && hi && *lo > *hi; }
};

/// The band of positions where `v` is nonzero (true, or 1 in any element
/// type): a constant, Trilu of one, `a & b`, `~masked`, `masked == 0`, or
/// such a square mask after an all-kept prefix of columns.
std::optional<Band> readKeptBand(mlir::Value v);

/// The band of positions where the i1 `c` is false (c is true where a key
/// is hidden, as masked_fill takes it): `kept == 0`, `~kept`, `a | b`,
/// Trilu of ones (triu(ones, 1) hides what causal hides), or a constant.
std::optional<Band> readMaskedBand(mlir::Value c);

/// The band of positions where the float `m` is 0, when it is <= -1e9
/// (kMaskedFill) everywhere else: a constant, `triu(full(-inf), 1)`,
/// `where(c, 0, fill)` of a bool band, `where(c, fill, x)` with x a 0/1
/// mask that is 0 exactly where c is false or an additive band, such a
/// mask times a 0/1 mask
/// that is 1 exactly where it hides, `where(c, 0, x)` with x <= -1e9
/// wherever c is false, `x * fill` of a 0/1 mask x hiding where it is 1
/// (`(1 - b) * -1e9`), the sum of such masks, `log` of a 0/1 band, or a
/// transpose of one. `infinite` tells whether every hidden position is
/// -inf (a finite fill on a row with no visible key is a softmax over
/// equal fills, not zeros).
std::optional<Band> readAdditiveBand(mlir::Value m, bool &infinite);

/// The band of positions where `m` is 0 when `s - m` masks the scores s:
/// `x * c` with x a 0/1 mask hiding where it is 1 and c >= 1e9 finite
/// (XLNet's `s - 1e30 * mask`, GPT-2's original `w * b - 1e10 * (1 -
/// b)`). Its fill is finite.
std::optional<Band> readSubtractedBand(mlir::Value m);

/// The band of positions where `m` is 0 when `s * k + m` (`sign` 1) or
/// `s * k - m` (`sign` -1) masks the scores s, k a 0/1 mask hiding what m
/// hides: `x * c` with x a 0/1 mask hiding where it is 1 and `sign * c` a
/// finite fill at most -1e3 (kCheckedFill), which `fill` is set to: Hugging
/// Face OpenAIGPT's `w * b + -1e4 * (1 - b)` and GPT-2 <= 2.x's `w * b -
/// 1e4 * (1 - b)`. Below such a product a fill above -1e9 replaces the
/// hidden scores (0 there) rather than being added to them, so it is
/// exactly `fill` where hidden.
std::optional<Band> readReplacingProductBand(mlir::Value m, double sign,
                                             double &fill);

/// A mask a raised attention does not take as an operand (it became
/// `causal` or `window`): its extents still have to broadcast to the
/// scores', as the dropped elementwise op required.
struct DroppedMask {
  mlir::Value mask;
  mlir::AffineMap map;
};

/// The longest sequence the dropped masks can cover, as the raised op's
/// max_positions: each mask's extents along the query and key loops must
/// equal Lq and Lk (checked), so a constant upper bound on them bounds Lq
/// and Lk -- a slice of a stored buffer, nanoGPT's `bias[:, :, :T, :T]`
/// (ONNX Slice clamps its end to the buffer's rows). With q and k of one
/// length (`selfAttention`) the smaller bound bounds both; else the larger
/// (no run the checks let through is refused); none unless both are
/// bounded. A streaming step function checks the whole stream's steps
/// against it, where the chunk's slice alone would let a stream run past
/// the buffer. `rank`: the scores'.
std::optional<int64_t> maxPositions(llvm::ArrayRef<DroppedMask> dropped,
                                    int64_t rank, bool selfAttention);

/// Whether `map` reads an operand's last two dimensions on the loops' last
/// two (so a pattern in them is the same pattern in the result's).
bool keepsLastTwoDims(mlir::AffineMap map);

/// Fills at or below this are "minus infinity" in a mask: exp underflows
/// to exactly 0 next to any score below 1e9 in magnitude in f32. (Not -1e4,
/// BERT's and GPT-2's, nor float16's finfo.min -65504: a hidden score
/// s - 1e4 still wins once s is 1e4 above the row's visible scores, which
/// inputs of magnitude 100 reach, and PyTorch then attends to it. Added to
/// the scores, such masks are computed as written; replacing them, they
/// are raised with a run-time check, see kCheckedFill.)
constexpr double kMaskedFill = -1e9;

/// Fills in (kMaskedFill, kCheckedFill] that replace the hidden scores
/// (where / masked_fill, or `s * k + fill * (1 - k)`) are still a mask, on
/// rows whose largest visible score is above fill + 104: there exp(fill -
/// max) rounds to 0 in f32. seq-raise-attention raises them with that as
/// seq.attention's min_row_max, a run-time check. (-1e3 takes in -1e4 as
/// bfloat16 rounds it, -9984; a row whose every visible score is below
/// -896 is no model's.)
constexpr double kCheckedFill = -1e3;

/// How far above a fill a row's largest score must be for the fill's
/// weight to round to 0: e^-104 is below half of f32's least subnormal.
constexpr double kFillMargin = 104.0;

/// Fills at or below this (-2^120; finfo.min is -3.4e38, about -2^128)
/// absorb any score below 2^95 in magnitude: s + fill rounds to fill in f32
/// (floats at and just above such a fill are 2^96 or more apart; a score
/// of 2^95 or more could round to the float above -2^120). It takes in
/// finfo.min divided by any scale a model applies after the fill (GPT-J's
/// `where(causal, w, finfo.min) / sqrt(head_dim)`: -2.1e37 at head_dim
/// 256); scores of 2^95 (4e28) are no model's.
constexpr double kAbsorbingFill = -0x1p120;

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONMASKS_H
