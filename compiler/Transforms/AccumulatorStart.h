//===- AccumulatorStart.h - what a contraction sums from ---*- C++ -*-===//
//
// A contraction on buffers accumulates into its output y, which the ops
// before it have initialised: zeroed (a fill), or set to a bias broadcast
// over the rows. A recurrence step then adds the product to its input
// projection in a second pass. Each of these is a full pass over y in
// memory; a register-tiled lowering can instead start its first k block's
// accumulators from the same values (and write the sum where the add
// would), which removes the passes. seqc-lower-packed-contractions asks
// this question; the answer says which ops it then replaces.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_TRANSFORMS_ACCUMULATORSTART_H
#define SEQC_COMPILER_TRANSFORMS_ACCUMULATORSTART_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include "llvm/ADT/SmallVector.h"

namespace seqc {

/// Where the accumulators of a contraction into y [l..., N] start.
struct AccumulatorStart {
  enum class Kind {
    /// y as it is in memory (nothing around the contraction recognized).
    Output,
    /// `value` (an f32 scalar): y was filled with it just before.
    Scalar,
    /// `value` (an f32 row [N]): y[l..., n] = value[n] was written just
    /// before (a linear layer's bias broadcast over the rows).
    Row,
    /// `value` (a buffer shaped as y): y was zeroed just before and is only
    /// read once after, by `out = value + y`; the contraction (whose sums
    /// may be reassociated: `reassoc`) then writes value + x w into `out`
    /// and y is not needed.
    Sum,
  };
  Kind kind = Kind::Output;
  mlir::Value value;
  /// Where the results go: y, or the sum's output.
  mlir::Value out;
  /// The ops the lowering replaces, to erase after it: the fill or
  /// broadcast, and the sum.
  llvm::SmallVector<mlir::Operation *> replaced;
};

/// What the accumulators of `contraction` (a linalg.generic on buffers
/// whose output y [l..., N] has a unit inner stride, the contraction
/// writing every element of y) start from, read off the ops just before
/// and just after it in its block.
AccumulatorStart findAccumulatorStart(mlir::linalg::GenericOp contraction);

} // namespace seqc

#endif // SEQC_COMPILER_TRANSFORMS_ACCUMULATORSTART_H
