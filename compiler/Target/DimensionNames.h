//===- DimensionNames.h - tie the dynamic dimensions of a model -*- C++ -*-===//
//
// Generated code trusts that sizes which must agree (the batch of x and of
// initial_h, the length of q and of a mask) do agree; a caller who passes
// disagreeing ones would make it read out of bounds. The runtime checks named
// dimensions before every run, so every dynamic dimension of an input that
// the model ties to another one must carry a name. This analysis finds those
// ties from the ops' shape rules and names them.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_TARGET_DIMENSIONNAMES_H
#define SEQC_COMPILER_TARGET_DIMENSIONNAMES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace seqc {

/// Sets `seq.dims` on the arguments and results of `func` so that dynamic
/// dimensions the model requires to be equal share a name: a user-given name
/// is kept and spread to its equals; an unnamed group of two or more gets
/// `d0`, `d1`, ... Fails with an error when two different user names must be
/// equal.
mlir::LogicalResult nameTiedDimensions(mlir::func::FuncOp func);

} // namespace seqc

#endif // SEQC_COMPILER_TARGET_DIMENSIONNAMES_H
