//===- StepBuilder.h - the step-function builder, internal ------*- C++ -*-===//
//
// Internal to the step-function transformation (StepFunction.cpp): the
// builder that threads each stateful op's state through new arguments and
// results of the step function. Ops talk to it through StreamState
// (dialects/Seq/IR/StreamState.h) from their StreamableOpInterface models.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_STEPBUILDER_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_STEPBUILDER_H

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/StreamState.h"
#include "dialects/Seq/Utils/CheckUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/raw_ostream.h"

#include <string>

namespace seqc::seq::detail {

/// A new state: its initial value (a block argument of the step function)
/// and the value that carries it out.
struct State {
  mlir::BlockArgument in;
  mlir::Value out;
  mlir::ArrayAttr dims; // seq.dims of the state: its batch dimension named
  // The step writes into the state's buffer (seq.in_place): a key/value
  // cache appended to, which would otherwise be copied whole every step.
  bool inPlace = false;
  // Where the op that carries it is in the model (its states are numbered
  // in that order, whichever order the ops were taken in).
  unsigned order = 0;
  // What it holds, for the model's header: "y_h of 'seq.lstm' at node
  // '/LSTM'".
  std::string doc;
};

/// The operands of `linalgOp`, and their dimensions of run-time size, that
/// its loop `loop` runs along (WholeInputs.cpp).
llvm::SmallVector<std::pair<mlir::Value, unsigned>>
dynamicReadsAlongLoop(mlir::linalg::LinalgOp linalgOp, unsigned loop);

class StepBuilder : public StreamState {
public:
  /// With `wholeEncoder`, the inputs of an encoder in the model
  /// (findEncoderInputs) are given whole to every chunk.
  StepBuilder(mlir::func::FuncOp step, std::string &reason,
              bool wholeEncoder = false)
      : step(step), reason(reason), builder(step.getContext()),
        numInputs(step.getNumArguments()), wholeEncoder(wholeEncoder) {}

  mlir::LogicalResult run();
  /// Whether the model has an encoder whose inputs the stream could give
  /// whole (known once run() has started).
  bool foundEncoder() const { return encoderInputs.any(); }

  // StreamState.
  mlir::OpBuilder &getBuilder() override { return builder; }
  mlir::BlockArgument addState(mlir::Type type, mlir::Location loc) override {
    unsigned index = step.getNumArguments();
    (void)step.insertArgument(index, type, {}, loc);
    return step.getArgument(index);
  }
  mlir::BlockArgument bindState(mlir::MutableOperandRange operand,
                                mlir::Type type, mlir::Location loc) override;
  mlir::Value initialOrCarried(mlir::BlockArgument state, mlir::Value initial,
                               mlir::Location loc) override;
  void carry(mlir::BlockArgument state, mlir::Value next, mlir::ArrayAttr dims,
             bool inPlace) override {
    states.push_back(
        {state, next, dims, inPlace, currentOrder, describeState(state, next)});
  }
  void explainState(mlir::BlockArgument state,
                    const llvm::Twine &what) override {
    for (State &s : states)
      if (s.in == state)
        s.doc = (what + " of " + currentOrigin).str();
  }
  /// Followed back through per-step ops; when that input dimension has no
  /// name it is named "B" (so the runtime ties the state's batch to the
  /// input's). Fails when it cannot be followed: a state whose batch is
  /// really the time of the stream would otherwise pass every check and
  /// give wrong numbers.
  mlir::FailureOr<std::string>
  batchDimName(mlir::Operation *op, mlir::Value value, unsigned dim) override;
  mlir::LogicalResult claimTimeDim(mlir::Operation *op, mlir::Value value,
                                   unsigned dim) override;
  bool isSameInputDimension(mlir::Value a, unsigned da, mlir::Value b,
                            unsigned db) override;
  bool isOtherInputDimension(mlir::Value a, unsigned da, mlir::Value b,
                             unsigned db) override;
  mlir::LogicalResult requireWholeInputs(mlir::Operation *op, mlir::Value value,
                                         const llvm::Twine &why) override;
  mlir::ArrayAttr stateDims(mlir::Type stateType, unsigned batchDim,
                            const std::string &batchName) override {
    mlir::MLIRContext *ctx = step.getContext();
    llvm::SmallVector<mlir::Attribute> names;
    auto type = mlir::cast<mlir::RankedTensorType>(stateType);
    for (int64_t i = 0; i < type.getRank(); ++i)
      names.push_back(mlir::StringAttr::get(
          ctx, i == static_cast<int64_t>(batchDim) ? batchName : ""));
    return mlir::ArrayAttr::get(ctx, names);
  }
  mlir::LogicalResult requireUnchunkedOperands(mlir::Operation *op) override {
    return checkPointwise(op);
  }
  mlir::LogicalResult fail(mlir::Operation *op,
                           const llvm::Twine &why) override {
    reason = failureText(op, why);
    return mlir::failure();
  }
  /// "'seq.scan' at node '/Loop': why" or "... at m.seq:4:5: why".
  static std::string failureText(mlir::Operation *op, const llvm::Twine &why) {
    return (describeOrigin(("'" + op->getName().getStringRef() + "'").str(),
                           op->getLoc()) +
            ": " + why)
        .str();
  }

private:
  /// A dimension of a step function argument, and the op that read it as a
  /// state's batch or as its time axis.
  struct InputDim {
    unsigned arg;
    unsigned dim;
    mlir::Operation *op;
  };

  mlir::LogicalResult checkPointwise(mlir::Operation *op);
  /// Whether `size` is always dimension `d` of `source` (a slice taking it
  /// whole): its tensor.dim, one of another tensor that is the same input
  /// dimension, or the clamps an ONNX Slice puts around such a size.
  bool isWholeDimension(mlir::OpFoldResult size, mlir::Value source,
                        unsigned d);
  /// Fails when a claimed time axis is a state's batch or two differ.
  mlir::LogicalResult checkTimeDims();
  /// Fails, for the reason it was kept for, when a value kept per chunk
  /// because it is computed from sizes alone reads a size that may be a
  /// chunk's length (one of the time axes, or one it cannot trace)
  /// (WholeInputs.cpp).
  mlir::LogicalResult checkSizesRead();
  /// Fails, for the reason it was kept for, when a value kept per chunk
  /// because it is computed from inputs given whole to every chunk (a
  /// decoder's memory) reads an input the stream chunks, or a size that
  /// may be a chunk's length (WholeInputs.cpp).
  mlir::LogicalResult checkWholeInputReads();
  /// When an op fails: the reason of a value kept before it that may read
  /// a chunk, the earliest (a size that is not a batch a state has claimed
  /// so far, unless `sizes` is false; an input with a time axis claimed so
  /// far, or any input before one is), which stopped the stream first.
  std::optional<std::string> earlierKeptReason(bool sizes = true);
  /// Declares that `op` combines the entries of each dimension `reads`
  /// lists (an operand and a dimension of it): fine when they are one
  /// input dimension that no chunk splits (an encoder's S), which is known
  /// once the time axis is; fails with `why` when one cannot be followed
  /// back to an input (WholeInputs.cpp).
  mlir::LogicalResult
  requireUnchunked(mlir::Operation *op,
                   llvm::ArrayRef<std::pair<mlir::Value, unsigned>> reads,
                   const llvm::Twine &why);
  /// Computes values that every chunk would compute alike from inputs
  /// given whole (cross-attention's keys and values of a decoder's
  /// memory) in the first chunk only, kept as states (CacheWholeInputs.cpp).
  void cacheWholeInputValues();
  /// Whether `op` computes tensors from weights, constants and inputs that
  /// no chunk splits alone, its tensor operands made by ops in `whole`.
  bool isWholeInputOp(mlir::Operation *op,
                      const llvm::SetVector<mlir::Operation *> &whole);
  /// A model input dimension that dimension `d` of `value` is as long as
  /// on every run (isSameDimension); none when it is not one.
  std::optional<InputDim> inputDimOfSize(mlir::Value value, int64_t d);
  /// seq.dims for a state holding `value`: each run-time extent named after
  /// the input dimension it is (not the time axis); none when one has no
  /// name.
  std::optional<mlir::ArrayAttr> cachedStateDims(mlir::Value value);
  /// The started flag (zero in a new or reset stream, one after a chunk),
  /// a state of its own, made when first asked for.
  mlir::BlockArgument startedFlag(mlir::Location loc);
  /// The model input dimension (not a weight's, not a state's) that
  /// dimension `d` of `value` follows back to (traceDimension), `op`
  /// reading it; none when it does not.
  std::optional<InputDim> traceToModelInput(mlir::Value value, unsigned d,
                                            mlir::Operation *op);
  /// Records the input dimensions that the operands of `op` read along
  /// its loop `loop` follow back to, when they are not one (x's T and
  /// another input's T2, added): equal at run time, so the stream must
  /// chunk all of them or none (WholeInputs.cpp).
  void recordEqualInputDims(mlir::Operation *op,
                            mlir::linalg::LinalgOp linalgOp, unsigned loop);
  /// Finds the inputs an encoder in the model reads: those the ops that
  /// read future steps (attention without a causal mask, a bidirectional
  /// recurrence) are computed from, and those of stateful ops that start
  /// a recurrence over other inputs or give attention its keys, when the
  /// model has another input (a decoder's tokens) the stream may split
  /// instead (WholeInputs.cpp).
  void findEncoderInputs(llvm::ArrayRef<mlir::Operation *> ops);
  /// Whether `op` computes from the encoder's inputs alone.
  bool readsEncoderInputsOnly(mlir::Operation *op);
  /// Keeps stateful op `op` of the encoder as it is, for the end checks:
  /// it runs along inputs given whole to every chunk, or the stream fails
  /// for the op's reason (its future steps, first).
  void keepEncoderOp(mlir::Operation *op);
  /// isComputedFromContext, the encoder's ops counting as so computed.
  bool computedFromContext(
      mlir::Operation *op,
      llvm::SmallVectorImpl<std::pair<mlir::Value, int64_t>> &sizes,
      llvm::SmallVectorImpl<mlir::BlockArgument> &inputs);
  /// Whether the time axis is followed back to an input dimension with a
  /// name (and every op's is): the stream splits the inputs' dimensions
  /// of that name alone.
  bool isTimeAxisNamed();
  /// Whether dimension `d` of `value` is a size no chunk changes: the batch
  /// of a state, or (the time axis named) an input dimension other than
  /// the time axis (the length of a decoder's memory), or a product of
  /// such sizes.
  bool isSizeOfEveryChunk(mlir::Value value, int64_t d, int depth = 0);
  /// Whether input dimension `d` is (or has the name of) a claimed time
  /// axis: the stream splits it into chunks.
  bool isChunked(const InputDim &d);
  /// Whether model input `input` has such a dimension.
  bool hasChunkedDimension(mlir::BlockArgument input);
  /// Fails when positions start at a value computed from a length a chunk
  /// changes (the time axis's, the positions' own).
  mlir::LogicalResult checkPositionsStart(PositionsOp positions);
  /// The input dimension whose size dimension `d` of `value` is, followed
  /// through per-step ops or from where the size was decided.
  std::optional<InputDim> traceSize(mlir::Value value, int64_t d);
  /// Whether dimension `d` of `value` is the batch of a state claimed so
  /// far (batchDimName): a size no chunk changes.
  bool isBatchSize(mlir::Value value, int64_t d);
  /// Fails when an output has a dimension of run-time size that no input
  /// dimension names: its chunks could not be joined.
  mlir::LogicalResult checkOutputDims();
  /// Records the slices of `ops` that take the last step of their source
  /// along a dimension of run-time size (`y[:, -1]`, `y[:, -1:]`), with
  /// the input dimension it follows back to, read before any stateful op
  /// is rewritten (LastStepReads.cpp).
  void recordLastStepReads(llvm::ArrayRef<mlir::Operation *> ops);
  /// Whether `v` has a dimension as long as the time axis (a chunk's
  /// length in the step function).
  bool spreadsOverTime(mlir::Value v);
  /// Whether dimension `d` of slice `op` is such a read.
  bool isLastStepRead(mlir::Operation *op, int64_t d);
  /// The last-step slices along the time axis (a chunk's last step is the
  /// stream's so far, known whole after the last chunk, as a final state
  /// is); those along an unchunked dimension are plain slices; fails for
  /// one whose dimension is not followed back to an input.
  mlir::LogicalResult
  takeLastStepReads(llvm::SmallVectorImpl<mlir::Value> &taken);
  /// Fails when the model computes with ops' states after the chunk (a
  /// recurrence's final h, a chunk's last step) together with per-step
  /// values, or spreads them over the steps (LastStepReads.cpp).
  mlir::LogicalResult
  checkFinalStateUses(llvm::ArrayRef<mlir::Value> finalStates);
  /// The name seq.dims gives dimension `d` of a step function argument
  /// ("" when none).
  llvm::StringRef inputDimName(const InputDim &d);
  /// "input 'x' dimension 1 (T)".
  std::string describeInputDim(const InputDim &d);
  /// The step function argument dimensions that dimension `da` of `a` and
  /// `db` of `b` follow back to, when both do (traceDimension).
  std::optional<std::pair<InputDim, InputDim>>
  traceInputDimensions(mlir::Value a, unsigned da, mlir::Value b, unsigned db);
  /// Whether two argument dimensions are one size, chunked together: the
  /// same, or of one name.
  bool isSameSize(const InputDim &x, const InputDim &y);
  mlir::LogicalResult eraseReplacedInitialStates();

  mlir::func::FuncOp step;
  std::string &reason;
  mlir::OpBuilder builder;
  llvm::SmallVector<State> states;
  llvm::SmallVector<mlir::Value> replacedInitialStates;
  /// The started flag (initialOrCarried), once a state needs it.
  mlir::BlockArgument started;
  llvm::SmallVector<InputDim> batchDims, timeDims;
  /// The first op whose time axis claimTimeDim could not follow back to an
  /// input (taken on trust when another op's is followed).
  mlir::Operation *untracedTimeOp = nullptr;
  /// The slices' dimensions of run-time size that they take whole
  /// (isWholeDimension), read before any op was rewritten.
  llvm::DenseSet<std::pair<mlir::Operation *, int64_t>> wholeSliceDims;
  /// Ops kept because they compute from sizes alone (isComputedFromSizes):
  /// the reason each would have failed for, and the run-time sizes it reads.
  struct FromSizes {
    std::string reason;
    llvm::SmallVector<std::pair<mlir::Value, int64_t>> sizes;
    unsigned order;
  };
  llvm::SmallVector<FromSizes> fromSizes;
  /// Slices of a source's last step along a dimension of run-time size
  /// (isLastStepRead).
  struct LastStepRead {
    mlir::tensor::ExtractSliceOp slice;
    int64_t dim;
    std::optional<InputDim> input;
  };
  llvm::SmallVector<LastStepRead> lastStepReads;
  /// The model's inputs and weights: the step function's first arguments
  /// (the states come after them).
  unsigned numInputs;
  /// Ops kept because they compute from inputs that every chunk is given
  /// whole (isComputedFromContext), and values required to be so
  /// (requireWholeInputs): the reason each fails for if one of those
  /// inputs is chunked, the inputs and the run-time sizes read, and the
  /// op's place in the model.
  struct WholeInputRead {
    std::string reason;
    llvm::SmallVector<std::pair<mlir::Value, int64_t>> sizes;
    llvm::SmallVector<mlir::BlockArgument> inputs;
    unsigned order;
    // An op that reads future steps (an encoder's attention): a model
    // that streams along its input is not causal, the reason to give
    // first.
    bool readsFutureSteps = false;
  };
  llvm::SmallVector<WholeInputRead> wholeInputReads;
  /// Whether `read` reads an input the stream chunks, or a size that may
  /// be a chunk's length (or the time axis has no name).
  bool isChunkedRead(const WholeInputRead &read);
  /// The model inputs (a bit per argument) each op's results are computed
  /// from, and those that the ops reading future steps read
  /// (findEncoderInputs).
  llvm::DenseMap<mlir::Operation *, llvm::BitVector> inputsRead;
  /// Why each op that reads future steps does (futureStepsReason, asked
  /// once, before any op is rewritten).
  llvm::DenseMap<mlir::Operation *, std::string> futureStepsReasons;
  llvm::BitVector encoderInputs;
  /// Whether ops computed from those alone are kept whole.
  bool wholeEncoder;
  /// Ops computed from encoder inputs alone, with the inputs they read
  /// (isComputedFromContext's `known`): the stateful ones among them run
  /// along an axis no chunk splits, and carry nothing.
  llvm::DenseMap<mlir::Operation *, llvm::SmallVector<mlir::BlockArgument, 2>>
      encoderOps;
  /// Input dimensions that an op combines entries of (requireUnchunked):
  /// the reason it fails for if one is chunked, and its place.
  struct UnchunkedDim {
    InputDim dim;
    std::string reason;
    unsigned order;
  };
  llvm::SmallVector<UnchunkedDim> unchunkedDims;
  /// Input dimensions an op reads along one loop (recordEqualInputDims),
  /// and that op.
  struct EqualDims {
    InputDim a, b;
    mlir::Operation *op;
  };
  llvm::SmallVector<EqualDims> equalDims;
  /// The place in the model of the op whose states are being carried, and
  /// that op.
  unsigned currentOrder = 0;
  mlir::Operation *currentOp = nullptr;
  /// That op as messages name it ("'seq.lstm' at node '/LSTM'"), read
  /// before it is rewritten (a time shift is erased).
  std::string currentOrigin;
  /// What `state` holds, its value after a chunk being `next`.
  std::string describeState(mlir::BlockArgument state, mlir::Value next);
  /// Renumbers the state arguments in the order of the ops that carry them
  /// (positions are taken last, once the time axis is known).
  void orderStateArguments();
};

} // namespace seqc::seq::detail

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_STEPBUILDER_H
