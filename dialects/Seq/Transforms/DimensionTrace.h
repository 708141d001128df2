//===- DimensionTrace.h - following a dimension through per-step ops -*- C++
//-*-===//
//
// The step function builder (StepFunction.cpp) asks where a dimension of a
// value comes from: which model input dimension it is, and how many of its
// entries make one step of that input's run-time size. These walk back
// through the ops a model applies per step (reshapes, transposes, casts,
// elementwise generics, seq ops' shape rules).
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_DIMENSIONTRACE_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_DIMENSIONTRACE_H

#include "dialects/Seq/IR/DimensionTiesOpInterface.h"

#include "mlir/IR/Value.h"

#include <optional>
#include <utility>

namespace seqc::seq::detail {

/// The operand dimension of `op` whose size dimension `dim` of its result
/// `value` has by the op's shape rule, the earliest operand when several
/// do; none when no operand dimension is tied to it.
std::optional<std::pair<mlir::Value, unsigned>>
tiedOperandDimension(DimensionTiesOpInterface op, mlir::Value value,
                     unsigned dim);

/// The function argument dimension that dimension `dim` of `value` is: the
/// same extent, and the same rows where the ops on the way carry rows (a
/// tensor made from that extent alone, zeros(x.size(0), H) or an iota,
/// has only the extent); none when it cannot be followed.
std::optional<std::pair<mlir::BlockArgument, unsigned>>
traceDimension(mlir::Value value, unsigned dim);

/// How many consecutive entries of run-time dimension `d` of `v` belong to
/// one step of the run-time size it carries (64 after [T, 4, 16] -> [T *
/// 64]); 1 for a dimension as the model received it; none when unknown.
std::optional<int64_t> elementsPerStep(mlir::Value v, int64_t d);

} // namespace seqc::seq::detail

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_DIMENSIONTRACE_H
