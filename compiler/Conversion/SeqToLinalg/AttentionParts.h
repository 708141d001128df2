//===- AttentionParts.h - pieces both attention lowerings share -*- C++ -*-===//
//
// seq.attention lowers either to one materialized score matrix
// (AttentionToLinalg.cpp, the reference) or to query x key tiles with an
// online softmax (FlashAttentionToLinalg.cpp). Both take the scale, the
// mask's broadcasting, the visibility rule (causal, window), the position
// biases (ALiBi, relative), the masked score, the contractions, the guarded
// exp and the guarded division from here, so the meaning of a score cannot
// drift apart between them; the row statistics (one pass, or running ones)
// are each lowering's own.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_CONVERSION_SEQTOLINALG_ATTENTIONPARTS_H
#define SEQC_COMPILER_CONVERSION_SEQTOLINALG_ATTENTIONPARTS_H

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace seqc::attention {

/// A tensor of `sizes` filled with `value`.
mlir::Value createFilled(mlir::OpBuilder &b, mlir::Location loc,
                         llvm::ArrayRef<mlir::OpFoldResult> sizes,
                         mlir::Type elementType, double value);

/// The softmax scale: the op's `scale`, else 1 / sqrt(D) (folded when the
/// head size D is static).
mlir::Value createScale(mlir::OpBuilder &b, mlir::Location loc,
                        seq::AttentionOp op);

/// For each dimension of a mask of rank 2 to 4, aligned to the right of
/// the scores [B, Hq, Lq, Lk]: whether it broadcasts (a static size 1
/// against a score dimension that is not statically 1).
llvm::SmallVector<bool> getMaskBroadcast(seq::AttentionOp op);

/// Run-time shape checks of what both lowerings trust: key [B, Hkv, Lk, D]
/// and value [B, Hkv, Lk, Dv] with the query's B and D and the key's Hkv
/// and Lk, and each mask dimension that is not a static 1 equal to the
/// scores' [B, Hq, Lq, Lk] (a larger key/value batch or mask would
/// otherwise be read in part, silently).
void createAttentionExtentChecks(mlir::OpBuilder &b, seq::AttentionOp op);

/// On an attention kernel's seq.attention (seqc-outline-attention-kernels)
/// whose run-time check names its caller: the origins of its calls, in
/// order ("seq.attention at node 'a'"). The kernel's argument marked
/// kCallSiteArgAttr is the calling one's index in it.
inline constexpr const char kCallSitesAttr[] = "seqc.call_sites";
inline constexpr const char kCallSiteArgAttr[] = "seqc.call_site";

/// With the op's min_row_max: a value check that every query row's largest
/// score, `rowMax` [B, Hq, Lq] (-inf for a row that sees no key), is at
/// least min_row_max, its message counting the rows that are not and
/// naming the op (in a kernel, the calling one: kCallSitesAttr). Nothing
/// without the attribute.
void createRowMaxCheck(mlir::OpBuilder &b, seq::AttentionOp op,
                       mlir::Value rowMax);

/// The map from the (b, h, i, j) score loops to the mask: a broadcast
/// dimension reads index 0.
mlir::AffineMap getMaskMap(mlir::MLIRContext *ctx,
                           llvm::ArrayRef<bool> broadcast);

/// A batched contraction into `init` ([d0, d1, d2, n]) over the reduction
/// dimension r: lhs [d0, d1, d2, r] times rhs indexed by `rhsIndices`
/// (loop dimensions d0 .. d4). With `reduceInnermost`, r = d4 and n = d3
/// (q k^T: the reduction runs along the rows of q and k, dot products);
/// without, r = d3 and n = d4 (P V: the output's columns come innermost, a
/// row of v times a scalar weight). Both may be reassociated and
/// contracted.
mlir::Value createContraction(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value lhs, mlir::Value rhs,
                              mlir::Value init,
                              llvm::ArrayRef<mlir::AffineExpr> rhsIndices,
                              bool reduceInnermost);

/// Which (query, key) position pairs the causal and window attributes
/// leave visible. p(i) = i + offset is the key position query i is
/// aligned with (offset = Lk - Lq for bottom-right causal alignment, else
/// 0); key j is visible iff j <= p(i) (causal), p(i) - left <= j (window
/// left >= 0) and j <= p(i) + right (window right >= 0).
struct Visibility {
  bool causal = false;
  int64_t left = -1, right = -1;
  /// Lk - Lq (index) for bottom-right alignment; null: 0.
  mlir::Value offset;

  /// Reads the attributes; `offset` is built at `b` when needed.
  static Visibility get(mlir::OpBuilder &b, mlir::Location loc,
                        seq::AttentionOp op, mlir::Value queryLen,
                        mlir::Value keyLen);
  /// Whether any pair can be hidden.
  bool restricts() const { return causal || left >= 0 || right >= 0; }
  /// An i1 that is true when key position `j` is visible from query
  /// position `i`; null when every pair is.
  mlir::Value emitVisible(mlir::OpBuilder &b, mlir::Location loc, mlir::Value i,
                          mlir::Value j) const;
  /// p(i): the key position query `i` is aligned with.
  mlir::Value emitAlignedPosition(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value i) const;
};

/// The op's `alibi_slopes` as a constant [Hq] tensor of the scores'
/// element type; null without them.
mlir::Value createAlibiSlopes(mlir::OpBuilder &b, mlir::Location loc,
                              seq::AttentionOp op);

/// ALiBi's bias of key position `j` (index) for a query aligned with key
/// position `p` (index), in a head of slope `slope` (a float):
/// -slope * |p - j| (Press et al. 2022).
mlir::Value emitAlibiBias(mlir::OpBuilder &b, mlir::Location loc,
                          mlir::Value slope, mlir::Value p, mlir::Value j);

/// relative_bias[h, clamp(j - p, -R, R) + R] for head `h`, key position
/// `j` and aligned query position `p` (indices), from the op's [Hq, 2R + 1]
/// table (`table`, captured by the generic that calls this).
mlir::Value emitRelativeBias(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value table, mlir::Value h, mlir::Value p,
                             mlir::Value j);

/// The position bias of key `j` for query head `h` aligned with key
/// position `p`: ALiBi's (with `slope`) plus the relative bias (with
/// `table`); null when both are null.
mlir::Value emitPositionBias(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value slope, mlir::Value table,
                             mlir::Value h, mlir::Value p, mlir::Value j);

/// s * scale, capped to `softcap * tanh(s * scale / softcap)` when
/// `softcap` (nullable: createSoftcap) is given, plus `bias` (nullable:
/// emitPositionBias), plus a float mask value or under a bool one, and
/// -inf where `visible` (nullable) is false.
mlir::Value emitMaskedScore(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value score, mlir::Value scale,
                            mlir::Value maskValue, mlir::Value visible,
                            mlir::Value bias, mlir::Value softcap);

/// The op's `softcap` as a constant of its element type, or null.
mlir::Value createSoftcap(mlir::OpBuilder &b, mlir::Location loc,
                          seqc::seq::AttentionOp op);

/// exp(s - rowMax), and 0 when rowMax is -inf (a row that sees no key).
mlir::Value emitShiftedExp(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value score, mlir::Value rowMax);

/// x / sum, and 0 when sum is 0 (a query that sees no key yields zeros
/// rather than NaN) unless `emptyRowNaN` (the op's `empty_row_nan`: x is
/// then 0 too, and 0 / 0 the NaN a softmax over -inf scores gives).
mlir::Value emitNormalized(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::Value x, mlir::Value sum, bool emptyRowNaN);

} // namespace seqc::attention

#endif // SEQC_COMPILER_CONVERSION_SEQTOLINALG_ATTENTIONPARTS_H
