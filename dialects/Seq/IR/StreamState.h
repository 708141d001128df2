//===- StreamState.h - what streaming ops talk to ---------------*- C++ -*-===//
//
// The side of seq-create-step-function that StreamableOpInterface
// implementations talk to: new state arguments of the step function, the
// values that carry each state to the next chunk, and the batch dimension
// a state is sized by.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_IR_STREAMSTATE_H
#define SEQC_DIALECTS_SEQ_IR_STREAMSTATE_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Operation.h"

#include <string>

namespace seqc::seq {

class StreamState {
public:
  virtual ~StreamState() = default;

  /// Builds the op's rewrite, inside the step function.
  virtual mlir::OpBuilder &getBuilder() = 0;

  /// A new state argument of the step function (its value from the last
  /// chunk; zeros in a new stream).
  virtual mlir::BlockArgument addState(mlir::Type type, mlir::Location loc) = 0;

  /// A new state argument of `type` for `operand` (an initial state, or
  /// absent). Without an initial value, or with zeros, the op reads the
  /// state (zeros in a new stream) and what computed the old value is
  /// erased if nothing else uses it. Any other initial value (an input h0,
  /// a learned constant) the op keeps reading in the first chunk after the
  /// stream opens or resets, and the carried state after it
  /// (initialOrCarried), so that a stream gives a run's numbers. Null, with
  /// the reason set (fail), when the initial value is computed from
  /// another op's state, which a stream knows only after the last chunk.
  virtual mlir::BlockArgument bindState(mlir::MutableOperandRange operand,
                                        mlir::Type type,
                                        mlir::Location loc) = 0;

  /// `initial` in the first chunk after the stream opens or resets,
  /// `state` (of the same type) in every later one: a select on the step
  /// function's started flag (a state of its own, zero in a new stream and
  /// one after any chunk), built at the builder's insertion point.
  virtual mlir::Value initialOrCarried(mlir::BlockArgument state,
                                       mlir::Value initial,
                                       mlir::Location loc) = 0;

  /// Hands `next`, the state after this chunk, out as the next value of
  /// state argument `state`. `dims` is the state's seq.dims (the batch
  /// dimension named, so the runtime sizes it); `inPlace` states are
  /// updated in their own buffer (a key/value cache).
  virtual void carry(mlir::BlockArgument state, mlir::Value next,
                     mlir::ArrayAttr dims, bool inPlace = false) = 0;

  /// Says what carried `state` holds, for the model's header ("the key
  /// cache", "the last 2 input frames"; the op is named after it). A state
  /// that is a result of the op (an LSTM's y_h) is named after that result
  /// without it.
  virtual void explainState(mlir::BlockArgument state,
                            const llvm::Twine &what) = 0;

  /// The name of the model input dimension that dimension `dim` of
  /// `value` (the batch of `op`'s state) comes from; "" when that
  /// dimension is static (no name needed). Fails, with the reason set, when
  /// it cannot be followed back to a model input.
  virtual mlir::FailureOr<std::string>
  batchDimName(mlir::Operation *op, mlir::Value value, unsigned dim) = 0;

  /// Declares dimension `dim` of `value` the stream's time axis: the steps
  /// `op` counts or carries across chunks. Fails, with the reason set, when
  /// it has a fixed size, and (once every op has been seen) when it follows
  /// back to a model input dimension that is the batch of a state or not
  /// the one another op's time axis follows back to: an op that carried
  /// steps along the wrong axis would give wrong numbers without failing
  /// any check. (One that cannot be followed back is taken on trust.)
  virtual mlir::LogicalResult claimTimeDim(mlir::Operation *op,
                                           mlir::Value value, unsigned dim) = 0;

  /// Whether dimension `da` of `a` and `db` of `b` follow back to one
  /// model input dimension, or to input dimensions of one name (which the
  /// runtime ties and a stream chunks together). False when either cannot
  /// be followed back.
  virtual bool isSameInputDimension(mlir::Value a, unsigned da, mlir::Value b,
                                    unsigned db) = 0;

  /// Whether dimension `db` of `b` is known not to be `da` of `a`: it has
  /// a fixed size while `da` has none, or both follow back to model input
  /// dimensions that are not one. False when either cannot be followed.
  virtual bool isOtherInputDimension(mlir::Value a, unsigned da, mlir::Value b,
                                     unsigned db) = 0;

  /// Declares that `value`, which `op` reads in each chunk, must be the
  /// same in every chunk as in a run: computed from weights, constants and
  /// model inputs that the stream gives whole to every chunk (a decoder's
  /// memory, the keys of cross-attention). Fails with `why` when it reads a
  /// state or an op that carries one; once the time axis is known, when
  /// one of those inputs is chunked or a size it reads is a chunk's length.
  virtual mlir::LogicalResult requireWholeInputs(mlir::Operation *op,
                                                 mlir::Value value,
                                                 const llvm::Twine &why) = 0;

  /// Accepts `op`, a loop of its own along an axis other than time (a
  /// scan over a fixed number of steps: torch's cumsum over the last
  /// step's vocabulary, as top-p sampling takes it), when every tensor it
  /// reads is one no chunk splits, so that each chunk computes it as a run
  /// does. Fails, with the reason set, otherwise.
  virtual mlir::LogicalResult requireUnchunkedOperands(mlir::Operation *op) = 0;

  /// seq.dims for a state of `type` whose dimension `batchDim` is named
  /// `batchName` (the others unnamed).
  virtual mlir::ArrayAttr stateDims(mlir::Type type, unsigned batchDim,
                                    const std::string &batchName) = 0;

  /// Makes the model non-streamable: "'OP' at LOC: why". Returns failure.
  virtual mlir::LogicalResult fail(mlir::Operation *op,
                                   const llvm::Twine &why) = 0;
};

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_IR_STREAMSTATE_H
