//===- AttentionOperandShapes.h - seq.attention's operands' shapes -*- C++
//-*-===//
//
// seq-raise-attention (RaiseAttention.cpp) hands the q, k, v and mask the
// model multiplied to seq.attention: these give them the ranks and static
// extents the op takes and read their sizes where they were decided, so
// the ops the raising replaces do not stay alive for a tensor.dim.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONOPERANDSHAPES_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONOPERANDSHAPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/PatternMatch.h"

namespace seqc::seq {

/// The extents of `v`, read where they were decided (the tensor.empty a
/// chain of linalg ops writes into) rather than off `v`, so the ops that
/// computed a dropped mask do not stay alive for their sizes.
llvm::SmallVector<mlir::OpFoldResult>
decidedSizes(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v);

/// Replaces each `tensor.dim` of `v` with the size where it was decided, so
/// that run-time checks on its sizes (which a front end emits) do not keep
/// the ops computing `v` alive once nothing else reads it.
void forgetSizeUses(mlir::PatternRewriter &rewriter, mlir::Value v);

/// `x` [N, L, E] as [N, 1, L, E].
mlir::Value addHeadDim(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x);

/// Whether seq.attention can take `mask` as it is (right-aligned against
/// the `scores` type): a dynamic extent must not meet a score extent of
/// static 1, which the op's verifier refuses (the plain ops required that
/// extent to be 1 at run time).
bool maskFitsScores(mlir::Value mask, mlir::RankedTensorType scores);

/// `m` with broadcast copies looked through (ONNX Expand, expand_as: a
/// generic copying its one input read with size-1 dimensions broadcast):
/// seq.attention broadcasts its mask itself, so a [B, 1, 1, Lk] padding
/// mask need not become [B, H, Lq, Lk]. (The input's extents were checked
/// against the copy's when it was built.)
mlir::Value throughBroadcastCopies(mlir::Value m);

/// `x` with size-1 dimensions in front up to rank `rank` (right-aligned
/// broadcasting reads it the same).
mlir::Value prependUnitDims(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value x, int64_t rank);

/// The products required q's, k's and v's leading `batch` extents to agree
/// at run time, but their types may know different ones (k transposed
/// with its batch and head dimensions swapped is [2, ?, ..] against q's
/// [?, 2, ..]); seq.attention needs the head counts static. Each gets the
/// static extents any of them has, through a tensor.cast (checked at run
/// time).
void joinBatchExtents(mlir::OpBuilder &b, mlir::Location loc,
                      llvm::ArrayRef<mlir::Value *> values, int64_t batch);

/// k as [.., Lk, D] from the [.., D, Lk] operand of q k^T: undoes the last
/// transpose, folding it into the one before.
mlir::Value keysFromTransposed(mlir::OpBuilder &b, mlir::Location loc,
                               mlir::Value kt);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_ATTENTIONOPERANDSHAPES_H
