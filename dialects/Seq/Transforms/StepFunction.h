//===- StepFunction.h - derive a streaming step function --------*- C++ -*-===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_STEPFUNCTION_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_STEPFUNCTION_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include <string>

namespace seqc::seq {

/// Marks a state argument of a step function that the step updates in
/// place (a key/value cache): bufferization may write into its buffer, and
/// the step returns that same buffer as the next state.
inline constexpr const char kInPlaceAttr[] = "seq.in_place";

/// On a step function: what each of its states holds, in words for the
/// model's header (an array of strings, state k's at k: "y_h of 'seq.lstm'
/// at node '/LSTM'").
inline constexpr const char kStateDocsAttr[] = "seq.state_docs";

/// On a step function: the name of the input dimension its chunks split
/// (a string), where the ops that carry state traced it to a named one.
/// The model ABI records it as the step signature's `time` line.
inline constexpr const char kStreamDimAttr[] = "seq.stream_dim";

/// Creates `stepName`, the streaming form of model `entry`: it takes the
/// model's inputs for one chunk of time steps followed by the carried state
/// and returns the model's outputs followed by the next state. State
/// arguments and results carry `seq.state` and matching `seq.name`s
/// (state0, state1, ...), so the k-th state result feeds the k-th state
/// argument of the next call. Running the step function over consecutive
/// chunks from a zero state gives the full-sequence outputs.
///
/// Fails, setting `reason`, when the model is not causal or uses an op the
/// transformation does not handle (non-forward or length-masked
/// recurrences, non-causal or strided convolution, attention).
mlir::FailureOr<mlir::func::FuncOp>
createStepFunction(mlir::func::FuncOp entry, llvm::StringRef stepName,
                   std::string &reason);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_STEPFUNCTION_H
