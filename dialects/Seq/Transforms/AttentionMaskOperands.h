//===- AttentionMaskOperands.h - seq.attention's mask operand -*- C++ -*-===//
//
// seq-raise-attention passes what is left of a model's masks, once the
// bands are read into `causal` and `window`, as seq.attention's mask
// operand: an f32 mask added to the scores or an i1 mask keeping where
// true. These build that operand from the masks the model applied.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONMASKOPERANDS_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONMASKOPERANDS_H

#include "dialects/Seq/Transforms/AttentionMasks.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

namespace seqc::seq {

/// `c` with every element negated (i1).
mlir::Value createNot(mlir::OpBuilder &b, mlir::Location loc, mlir::Value c);

/// The f32 additive mask `where(c, fill, 0)` (`hiddenWhereTrue`) or
/// `where(c, 0, fill)` of the i1 `c`.
mlir::Value createFilledAdditive(mlir::OpBuilder &b, mlir::Location loc,
                                 mlir::Value c, bool hiddenWhereTrue,
                                 double fill);

/// The f32 additive mask `where(c, fill, 0) + m` (`hiddenWhereTrue`; else
/// `where(c, 0, fill) + m`) of the i1 `c` and the f32 `m`, both broadcast
/// from the right to scores of rank `rank`, at their broadcast shape (a
/// [1, 1, Lq, Lk] causal mask and a [B, 1, 1, Lk] padding mask give
/// [B, 1, Lq, Lk]). Where one extent is static 1 the other's is taken;
/// two run-time extents are c's (the masked ops required them equal).
/// For a fill at most kAbsorbingFill (AttentionMasks.h), `where(c, s, fill)
/// + m` equals `s + where(c, 0, fill) + m` for every finite score s of
/// magnitude below 2^95 and every mask m at most 2^95 (a padding mask is 0
/// or negative; m = finfo.max would cancel the fill, leaving s where
/// PyTorch has 0). Where s is NaN or infinite at a hidden position, the sum is
/// too, where PyTorch's where() replaced it (a non-finite key reaches earlier
/// rows).
mlir::Value createFilledPlusAdditive(mlir::OpBuilder &b, mlir::Location loc,
                                     mlir::Value c, bool hiddenWhereTrue,
                                     double fill, mlir::Value m, int64_t rank);

/// The f32 mask `max(m, clamp)` for `clamp <= kAbsorbingFill`: for every
/// finite score s of magnitude below 2^95, `max(s + m, clamp)` equals
/// `s + max(m, clamp)` (an m above -2^120 keeps s + m at or above -2^120,
/// so at or above the clamp; one at or below it absorbs s, as does the
/// clamp).
mlir::Value createClampedAdditive(mlir::OpBuilder &b, mlir::Location loc,
                                  mlir::Value m, double clamp);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONMASKOPERANDS_H
