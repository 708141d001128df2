//===- SizeOnlyReads.h - values a step function may leave per chunk -*- C++
//-*-===//
//
// A streaming step function runs the model's ops on a chunk of steps. Ops
// that are not per-step may still stay as they are where nothing of them
// is read but sizes that no chunk changes, or where they compute fixed
// values: these predicates say so (StepFunction.cpp).
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_SIZEONLYREADS_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_SIZEONLYREADS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Operation.h"
#include "mlir/IR/Value.h"

#include "llvm/ADT/DenseMap.h"

namespace seqc::seq {

/// Whether scalar `v` is the same on every run and in every chunk: a
/// constant, a static size, or arith of those (N of `B, N, T = y.size()`
/// cast to a tensor), not yet folded when the step function is made.
bool isFixedScalar(mlir::Value v);

/// The run-time sizes that the scalar operands of `op` are computed from
/// by arith (a branch on `x.size(1) > 1`, a value made of T): each a
/// tensor and its dimension.
llvm::SmallVector<std::pair<mlir::Value, int64_t>>
findRunTimeSizeOperands(mlir::Operation *op);

/// Whether `op` computes values that are read only for their sizes
/// (tensor.dim, directly or through reshapes), sizes a chunk has as the
/// full run does: destination-style linalg ops, reshapes, slices of a
/// constant table, and slices that take each run-time dimension whole or
/// at its first step (`zeros_like(x[:, 0])`).
bool isReadOnlyForSizes(mlir::Operation *op);
/// The same, keeping every op's answer in `known` for the next question.
bool isReadOnlyForSizes(mlir::Operation *op,
                        llvm::DenseMap<mlir::Operation *, bool> &known);

/// Whether the values `op` computes are the same in each chunk as in the
/// full run: computed (inside its regions too) from constants, weights
/// (`seq.weight` arguments of `step`) and sizes alone, with no effect but
/// run-time checks. A scripted model's initial state `w = zeros(B, N);
/// w[:, 0] = 1` (an ONNX ScatterND, a loop of inserts) is. The run-time
/// sizes read are added to `sizes` (a tensor and a dimension of it): the
/// caller must check that none is a chunk's length.
bool isComputedFromSizes(
    mlir::Operation *op, mlir::func::FuncOp step,
    llvm::SmallVectorImpl<std::pair<mlir::Value, int64_t>> &sizes);

/// Whether the values `op` computes are those of the full run in each
/// chunk as long as each chunk is given the same model inputs that the
/// stream does not split (a decoder's `memory`, its padding mask): as
/// isComputedFromSizes, and reading those inputs (the step function's
/// first `numInputs` arguments, added to `inputs`) too, but no state and
/// no op that carries one. The caller must check that no input listed
/// has the stream's time axis and that no size read is a chunk's length.
/// Ops in `known` (with the inputs they read) count as computed so, even
/// ones that carry state along an input the caller knows is given whole
/// (an encoder's attention over its source).
bool isComputedFromContext(
    mlir::Operation *op, mlir::func::FuncOp step, unsigned numInputs,
    llvm::SmallVectorImpl<std::pair<mlir::Value, int64_t>> &sizes,
    llvm::SmallVectorImpl<mlir::BlockArgument> &inputs,
    const llvm::DenseMap<mlir::Operation *,
                         llvm::SmallVector<mlir::BlockArgument, 2>> *known =
        nullptr);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_SIZEONLYREADS_H
