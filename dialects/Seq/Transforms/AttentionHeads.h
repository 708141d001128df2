//===- AttentionHeads.h - how q, k and v carry their heads ------*- C++ -*-===//
//
// seq.attention takes q [B, H, Lq, D] and k, v [B, Hkv, Lk, D]. Front ends
// reach that layout in ways that hide the heads: grouped-query attention
// repeats the key/value heads up to the query heads' count (LLaMA's
// `repeat_kv`), and nn.MultiheadAttention merges its heads into the batch
// ([L, B * H, D]). These read the heads back, so that seq-raise-attention
// gives the op the heads the model has.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONHEADS_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONHEADS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/Value.h"

#include "llvm/ADT/SmallVector.h"

#include <cstdint>
#include <optional>

namespace seqc::seq {

/// `x` with dimension `dim` un-repeated, when it is a tensor whose
/// dimension `dim` holds each slice of a smaller one `repeats` times in a
/// row (slice h*repeats + r is slice h): LLaMA's `repeat_kv`, a 5-D
/// expand of [B, Hkv, 1, L, D] to [B, Hkv, repeats, L, D] reshaped to
/// [B, Hkv*repeats, L, D], through any transposes around it. Both extents
/// of the merged pair must be static.
struct Unrepeated {
  mlir::Value value;
  int64_t repeats;
};
std::optional<Unrepeated> unrepeat(mlir::OpBuilder &b, mlir::Location loc,
                                   mlir::Value x, int64_t dim);

/// Heads of q, k and v (and of a rank-3 mask that is not one for every
/// head) that were merged into the batch, as [B, H, L, D] operands (the
/// mask last, null when `mask` is): rank-3 [N, L, D] operands whose N is,
/// through transposes, a collapse of a batch and a static head count
/// (nn.MultiheadAttention's [L, B, H, D] -> [L, B * H, D] -> [B * H, L,
/// D]). The attention then has the heads the model has, and a stream's
/// key/value cache is sized by the model's batch. None unless all merged
/// the same static head count.
std::optional<llvm::SmallVector<mlir::Value>>
splitMergedHeads(mlir::OpBuilder &b, mlir::Location loc, mlir::Value q,
                 mlir::Value k, mlir::Value v, mlir::Value mask);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONHEADS_H
