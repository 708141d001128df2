//===- ExternalWeights.h - move weights out of the object -------*- C++ -*-===//
//
// By default a model's weights are constants embedded in the object. With
// external weights they become trailing `seq.weight` arguments of the entry
// instead, and their values go to a safetensors file that the runtime
// memory-maps when the model is created: the object stays small and weights
// can be swapped without recompiling.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_TARGET_EXTERNALWEIGHTS_H
#define SEQC_COMPILER_TARGET_EXTERNALWEIGHTS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>

namespace seqc {

/// Replaces every floating-point `arith.constant` in `func` with at least
/// `minElements` elements by a new argument named `weight<k>` (attributes
/// `seq.name`, `seq.weight`) and writes the values, as f32/f64 tensors of the
/// same names, to the safetensors file `path`. Returns the number of weights
/// moved; fails with an error on `func` when the file cannot be written.
mlir::FailureOr<unsigned> externalizeWeights(mlir::func::FuncOp func,
                                             llvm::StringRef path,
                                             int64_t minElements = 16);

} // namespace seqc

#endif // SEQC_COMPILER_TARGET_EXTERNALWEIGHTS_H
