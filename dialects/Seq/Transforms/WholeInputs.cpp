//===- WholeInputs.cpp - values computed from inputs no chunk splits -----===//
//
// A stream splits the inputs that have its time axis into chunks and gives
// every other input whole to each chunk: a decoder's `memory` and its
// padding mask, what cross-attention reads its keys and values from. A
// value computed from such inputs (with weights and constants) is the
// run's in every chunk, whatever the ops that compute it do along their
// own axes (merging memory's S and B to split the heads, reducing over S).
// Which inputs are chunked is known only once every op has claimed its
// time axis, so the step function builder keeps such values with the
// reason they would have failed for and checks them at the end.
//
// An encoder in the same graph (nn.Transformer, a bidirectional GRU over
// the source feeding a decoder's attention) reads future steps of its
// input: the model is causal along the decoder's tokens alone. When the
// ops that read future steps read only some of the model's inputs, their
// stateful ops are kept so too, carrying nothing, and the stream must
// give those inputs whole; if it splits one, their reason comes first.
// So are the inputs of stateful ops that start another recurrence (a
// decoder's initial state from its encoder's final one) or give attention
// its keys, when that recurrence or the queries read other inputs.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/IR/StreamableOpInterface.h"
#include "dialects/Seq/Transforms/DimensionTrace.h"
#include "dialects/Seq/Transforms/SizeOnlyReads.h"
#include "dialects/Seq/Transforms/StepBuilder.h"
#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Transforms/RegionUtils.h"

#include "llvm/ADT/Sequence.h"

using namespace mlir;

namespace seqc::seq::detail {

bool StepBuilder::isChunked(const InputDim &d) {
  return llvm::any_of(
      timeDims, [&](const InputDim &time) { return isSameSize(d, time); });
}

bool StepBuilder::hasChunkedDimension(BlockArgument input) {
  auto type = cast<ShapedType>(input.getType());
  return llvm::any_of(llvm::seq<unsigned>(type.getRank()), [&](unsigned d) {
    return isChunked({input.getArgNumber(), d, nullptr});
  });
}

void StepBuilder::findEncoderInputs(ArrayRef<Operation *> ops) {
  encoderInputs = llvm::BitVector(numInputs);
  auto readOf = [&](Value v) {
    llvm::BitVector bits(numInputs);
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      if (arg.getOwner()->getParentOp() == step.getOperation() &&
          arg.getArgNumber() < numInputs &&
          !step.getArgAttr(arg.getArgNumber(), "seq.weight"))
        bits.set(arg.getArgNumber());
    } else if (auto it = inputsRead.find(v.getDefiningOp());
               it != inputsRead.end()) {
      bits = it->second;
    }
    return bits;
  };
  for (Operation *op : ops) {
    llvm::BitVector bits(numInputs);
    llvm::SetVector<Value> captured;
    getUsedValuesDefinedAbove(op->getRegions(), captured);
    for (Value operand : llvm::concat<Value>(op->getOperands(), captured))
      bits |= readOf(operand);
    inputsRead[op] = bits;
    if (auto streamable = dyn_cast<StreamableOpInterface>(op))
      if (std::string why = streamable.futureStepsReason(*this); !why.empty()) {
        futureStepsReasons[op] = why;
        encoderInputs |= bits;
      }
  }
  // So are the inputs of stateful ops that start a recurrence (a decoder
  // from its encoder's final state, Sutskever et al. 2014) or give
  // attention its keys and values (Bahdanau et al. 2015), when they run
  // along other inputs than the recurrence's sequence or the queries, or
  // along another input dimension (a decoder reading the encoder's summary
  // at every step, Cho et al. 2014: both read src, the decoder steps along
  // tgt's T, the encoder along src's S; a decoder's earlier layers step
  // along T as it does, and are no encoder).
  auto stepsAlong =
      [](Operation *op) -> std::optional<std::pair<Value, unsigned>> {
    if (auto recurrence = dyn_cast<RecurrenceOpInterface>(op))
      return std::make_pair(recurrence.getInput(),
                            recurrence.isBatchMajor() ? 1u : 0u);
    if (auto attention = dyn_cast<AttentionOp>(op))
      return std::make_pair(attention.getQuery(), 2u);
    return std::nullopt;
  };
  auto addSeeds = [&](Value seeded, Operation *reader) {
    if (!seeded)
      return;
    auto [steps, stepDim] = *stepsAlong(reader);
    llvm::BitVector own = readOf(steps);
    SetVector<Operation *> slice;
    BackwardSliceOptions options;
    options.omitBlockArguments = true;
    (void)getBackwardSlice(seeded, &slice, options);
    if (Operation *def = seeded.getDefiningOp())
      slice.insert(def);
    for (Operation *op : slice) {
      auto streamable = dyn_cast<StreamableOpInterface>(op);
      if (!streamable || !streamable.carriesStreamState() ||
          !inputsRead.contains(op))
        continue;
      std::optional<std::pair<Value, unsigned>> its = stepsAlong(op);
      if (!inputsRead[op].anyCommon(own) ||
          (its &&
           isOtherInputDimension(its->first, its->second, steps, stepDim)))
        encoderInputs |= inputsRead[op];
    }
  };
  for (Operation *op : ops) {
    if (auto recurrence = dyn_cast<RecurrenceOpInterface>(op))
      for (unsigned k = 0, e = recurrence.getNumStates(); k < e; ++k)
        addSeeds(recurrence.getInitialState(k), op);
    if (auto attention = dyn_cast<AttentionOp>(op)) {
      addSeeds(attention.getKey(), op);
      addSeeds(attention.getValue(), op);
    }
  }
  // (With no input left for the stream to split, none is an encoder's:
  // the model is not causal, and its first such op says why.)
  bool otherInput =
      llvm::any_of(llvm::seq<unsigned>(numInputs), [&](unsigned i) {
        return !encoderInputs.test(i) && !step.getArgAttr(i, "seq.weight");
      });
  if (!otherInput)
    encoderInputs.reset();
}

bool StepBuilder::readsEncoderInputsOnly(Operation *op) {
  auto it = inputsRead.find(op);
  if (!wholeEncoder || it == inputsRead.end() || it->second.none() ||
      encoderInputs.none())
    return false;
  llvm::BitVector outside = it->second;
  outside.reset(encoderInputs);
  return outside.none();
}

void StepBuilder::keepEncoderOp(Operation *op) {
  std::string why = futureStepsReasons.lookup(op);
  bool future = !why.empty();
  if (!future)
    why = "it runs along an encoder's input (one that starts a recurrence "
          "or gives attention its keys), which a stream must give whole to "
          "every chunk: export its steps with a dimension name of their "
          "own (S, not the decoder's T)";
  SmallVector<BlockArgument, 2> inputs;
  for (unsigned i : inputsRead[op].set_bits())
    inputs.push_back(step.getArgument(i));
  encoderOps[op] = inputs;
  wholeInputReads.push_back(
      {failureText(op, why),
       {},
       SmallVector<BlockArgument>(inputs.begin(), inputs.end()),
       currentOrder,
       future});
}

bool StepBuilder::computedFromContext(
    Operation *op, SmallVectorImpl<std::pair<Value, int64_t>> &sizes,
    SmallVectorImpl<BlockArgument> &inputs) {
  return isComputedFromContext(op, step, numInputs, sizes, inputs, &encoderOps);
}

std::optional<std::string> StepBuilder::earlierKeptReason(bool sizes) {
  std::optional<std::pair<unsigned, std::string>> first;
  bool firstReadsFuture = false;
  auto consider = [&](unsigned at, const std::string &why,
                      bool future = false) {
    // (An op reading future steps is the reason a model is not causal,
    // before any other kept.)
    if (!first || (future && !firstReadsFuture) ||
        (future == firstReadsFuture && at < first->first)) {
      first = {at, why};
      firstReadsFuture = future;
    }
  };
  for (const FromSizes &kept : fromSizes)
    if (sizes &&
        llvm::any_of(kept.sizes, [&](const std::pair<Value, int64_t> &size) {
          return !isBatchSize(size.first, size.second);
        }))
      consider(kept.order, kept.reason);
  for (const UnchunkedDim &combined : unchunkedDims)
    if (timeDims.empty() || isChunked(combined.dim))
      consider(combined.order, combined.reason);
  for (const WholeInputRead &read : wholeInputReads)
    if (timeDims.empty() || llvm::any_of(read.inputs, [&](BlockArgument in) {
          return hasChunkedDimension(in);
        }))
      consider(read.order, read.reason, read.readsFutureSteps);
  if (!first)
    return std::nullopt;
  return first->second;
}

LogicalResult StepBuilder::requireWholeInputs(Operation *op, Value value,
                                              const Twine &why) {
  SmallVector<std::pair<Value, int64_t>> sizes;
  SmallVector<BlockArgument> inputs;
  bool whole;
  if (auto arg = dyn_cast<BlockArgument>(value)) {
    whole = arg.getOwner()->getParentOp() == step.getOperation() &&
            arg.getArgNumber() < numInputs;
    if (whole && !step.getArgAttr(arg.getArgNumber(), "seq.weight"))
      inputs.push_back(arg);
  } else {
    whole = computedFromContext(value.getDefiningOp(), sizes, inputs);
  }
  if (!whole)
    return fail(op, why);
  wholeInputReads.push_back({failureText(op, why), std::move(sizes),
                             std::move(inputs), currentOrder});
  return success();
}

bool StepBuilder::isTimeAxisNamed() {
  // The stream chunks the inputs along the time axis's name; without a
  // name (or a traced axis) no input dimension is known to stay whole.
  // Nor with an op whose time axis was taken on trust: it may run along
  // an input given whole (an LSTM over a reshaped memory), carrying its
  // state into chunks that each hold all of that input.
  return !timeDims.empty() && !inputDimName(timeDims.front()).empty() &&
         !untracedTimeOp;
}

bool StepBuilder::isSizeOfEveryChunk(Value value, int64_t d, int depth) {
  if (!cast<ShapedType>(value.getType()).isDynamicDim(d) ||
      isBatchSize(value, d))
    return true;
  if (std::optional<InputDim> size = traceSize(value, d))
    return isTimeAxisNamed() && !isChunked(*size);
  if (depth > 8)
    return false;
  auto ofEveryChunk = [&](const std::pair<Value, int64_t> &size) {
    return isSizeOfEveryChunk(size.first, size.second, depth + 1);
  };
  // A product of sizes: merged by a reshape ([B, H, ...] -> [B * H, ...],
  // the heads merged into the batch) or computed (B * H).
  SmallVector<std::pair<Value, int64_t>> sizes = getCollapsedFactors(value, d);
  if (!sizes.empty())
    return llvm::all_of(sizes, ofEveryChunk);
  auto decided = dyn_cast_if_present<Value>(getDecidedSize(value, d));
  Operation *op = decided ? decided.getDefiningOp() : nullptr;
  return op && isComputedFromSizes(op, step, sizes) &&
         llvm::all_of(sizes, ofEveryChunk);
}

LogicalResult StepBuilder::checkSizesRead() {
  for (const FromSizes &kept : fromSizes)
    for (auto [value, d] : kept.sizes)
      if (!isSizeOfEveryChunk(value, d)) {
        reason = kept.reason;
        return failure();
      }
  return success();
}

std::optional<StepBuilder::InputDim>
StepBuilder::traceToModelInput(Value value, unsigned d, Operation *op) {
  auto traced = traceDimension(value, d);
  if (!traced ||
      traced->first.getOwner()->getParentOp() != step.getOperation() ||
      traced->first.getArgNumber() >= numInputs)
    return std::nullopt;
  return InputDim{traced->first.getArgNumber(), traced->second, op};
}

SmallVector<std::pair<Value, unsigned>>
dynamicReadsAlongLoop(linalg::LinalgOp linalgOp, unsigned loop) {
  SmallVector<std::pair<Value, unsigned>> reads;
  AffineExpr loopExpr = getAffineDimExpr(loop, linalgOp->getContext());
  for (OpOperand &operand : linalgOp->getOpOperands()) {
    auto type = dyn_cast<RankedTensorType>(operand.get().getType());
    if (!type)
      continue;
    for (auto [d, expr] : llvm::enumerate(
             linalgOp.getMatchingIndexingMap(&operand).getResults()))
      if (expr == loopExpr && type.isDynamicDim(d))
        reads.push_back({operand.get(), static_cast<unsigned>(d)});
  }
  return reads;
}

LogicalResult
StepBuilder::requireUnchunked(Operation *op,
                              ArrayRef<std::pair<Value, unsigned>> reads,
                              const Twine &why) {
  SmallVector<InputDim> dims;
  for (auto [value, d] : reads) {
    std::optional<InputDim> dim = traceToModelInput(value, d, op);
    if (!dim)
      return fail(op, why);
    dims.push_back(*dim);
  }
  if (dims.empty())
    return fail(op, why);
  for (const InputDim &dim : dims)
    unchunkedDims.push_back({dim, failureText(op, why), currentOrder});
  return success();
}

void StepBuilder::recordEqualInputDims(Operation *op, linalg::LinalgOp linalgOp,
                                       unsigned loop) {
  std::optional<InputDim> first;
  for (auto [value, d] : dynamicReadsAlongLoop(linalgOp, loop)) {
    std::optional<InputDim> dim = traceToModelInput(value, d, op);
    if (!dim)
      continue;
    if (!first)
      first = dim;
    else if (!isSameSize(*first, *dim))
      equalDims.push_back({*first, *dim, op});
  }
}

bool StepBuilder::isChunkedRead(const WholeInputRead &read) {
  return !isTimeAxisNamed() || llvm::any_of(read.inputs, [&](BlockArgument in) {
    return hasChunkedDimension(in);
  }) || llvm::any_of(read.sizes, [&](const std::pair<Value, int64_t> &size) {
    return !isSizeOfEveryChunk(size.first, size.second);
  });
}

LogicalResult StepBuilder::checkWholeInputReads() {
  // (An op reading future steps first: the model is not causal along the
  // axis chunked, whatever else fails.)
  for (const WholeInputRead &read : wholeInputReads)
    if (read.readsFutureSteps && isChunkedRead(read)) {
      reason = read.reason;
      return failure();
    }
  for (const EqualDims &pair : equalDims) {
    if (isChunked(pair.a) == isChunked(pair.b))
      continue;
    const InputDim &chunked = isChunked(pair.a) ? pair.a : pair.b;
    const InputDim &whole = isChunked(pair.a) ? pair.b : pair.a;
    return fail(pair.op, "it reads " + describeInputDim(chunked) + " and " +
                             describeInputDim(whole) +
                             " along one loop, so they are one size, but a "
                             "stream splits only the first into chunks: give "
                             "them one name");
  }
  for (const UnchunkedDim &combined : unchunkedDims)
    if (!isTimeAxisNamed() || isChunked(combined.dim)) {
      reason = combined.reason;
      return failure();
    }
  for (const WholeInputRead &read : wholeInputReads)
    if (!read.readsFutureSteps && isChunkedRead(read)) {
      reason = read.reason;
      return failure();
    }
  return success();
}

} // namespace seqc::seq::detail
