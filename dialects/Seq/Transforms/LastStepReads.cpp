//===- LastStepReads.cpp - values a stream knows after its last chunk ----===//
//
// A sequence classifier reads the last step of a causal model's output
// (`head(lstm(x)[:, -1])`, a TCN's `y[:, :, -1]`). In a chunk that slice is
// the chunk's last step, which is the stream's last step so far: the
// model's value on the stream so far, and after the last chunk the full
// run's. Like a recurrence's final state, it may be returned or computed
// with weights (the head), but not combined with the sequence's steps nor
// spread back over them (checkFinalStateUses, here too).
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/StepBuilder.h"

#include "dialects/Seq/IR/StreamableOpInterface.h"

#include "dialects/Seq/Utils/SizeUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/RegionUtils.h"

using namespace mlir;

namespace seqc::seq::detail {

/// Whether `size` is dimension `d` of `source` (a tensor.dim of a value of
/// the same extent there).
static bool isExtentOf(Value size, Value source, int64_t d) {
  auto dim = size ? size.getDefiningOp<tensor::DimOp>() : tensor::DimOp();
  std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
  return index && isSameDimension(dim.getSource(), *index, source, d);
}

/// Whether `offset` is the last index of dimension `d` of `source`,
/// `dim - 1`: torch's `y[:, -1]` (an ONNX Gather at -1), and `y[:, -1:]`
/// (an ONNX Slice, its start clamped to [0, dim]).
static bool isLastIndex(OpFoldResult offset, Value source, int64_t d) {
  auto v = dyn_cast_if_present<Value>(offset);
  while (v) {
    if (auto max = v.getDefiningOp<arith::MaxSIOp>();
        max && matchPattern(max.getRhs(), m_Zero()))
      v = max.getLhs();
    else if (auto min = v.getDefiningOp<arith::MinSIOp>();
             min && isExtentOf(min.getRhs(), source, d))
      v = min.getLhs();
    else
      break;
  }
  if (!v)
    return false;
  if (auto add = v.getDefiningOp<arith::AddIOp>())
    for (auto [a, b] : {std::pair(add.getLhs(), add.getRhs()),
                        std::pair(add.getRhs(), add.getLhs())})
      if (getConstantIntValue(b) == -1 && isExtentOf(a, source, d))
        return true;
  if (auto sub = v.getDefiningOp<arith::SubIOp>())
    return matchPattern(sub.getRhs(), m_One()) &&
           isExtentOf(sub.getLhs(), source, d);
  return false;
}

void StepBuilder::recordLastStepReads(ArrayRef<Operation *> ops) {
  for (Operation *op : ops) {
    auto slice = dyn_cast<tensor::ExtractSliceOp>(op);
    if (!slice)
      continue;
    for (int64_t d = 0; d < slice.getSourceType().getRank(); ++d)
      if (slice.getSourceType().isDynamicDim(d) &&
          isConstantIntValue(slice.getMixedSizes()[d], 1) &&
          isConstantIntValue(slice.getMixedStrides()[d], 1) &&
          isLastIndex(slice.getMixedOffsets()[d], slice.getSource(), d))
        lastStepReads.push_back(
            {slice, d, traceToModelInput(slice.getSource(), d, op)});
  }
}

bool StepBuilder::isLastStepRead(Operation *op, int64_t d) {
  return llvm::any_of(lastStepReads, [&](LastStepRead &read) {
    return read.slice.getOperation() == op && read.dim == d;
  });
}

LogicalResult StepBuilder::takeLastStepReads(SmallVectorImpl<Value> &taken) {
  for (LastStepRead &read : lastStepReads) {
    // Along a dimension no chunk splits (a batch), the same step as the
    // whole sequence's; along one not followed back to an input, unknown.
    if (read.input && !isChunked(*read.input))
      continue;
    if (!read.input)
      return fail(read.slice, "a slice of a dimension of unknown size may "
                              "select time steps");
    taken.push_back(read.slice.getResult());
    // A chunk of no steps has no last step: say so, not that the slice's
    // offset is -1.
    OpBuilder b(read.slice);
    Location loc = read.slice.getLoc();
    Value chunkSteps = getValueOrCreateConstantIndexOp(
        b, loc, getDimSize(b, loc, read.slice.getSource(), read.dim));
    createNonEmptyChunkCheck(b, loc, chunkSteps,
                             describeOrigin("tensor.extract_slice", loc),
                             "the model reads the last step of each (y[:, "
                             "-1]), which needs at least one");
  }
  return success();
}

/// "the final state of 'seq.lstm' at node '/LSTM'", or "the last step
/// taken by 'tensor.extract_slice' at ..." for a last-step read.
static std::string describeFinal(Operation *source) {
  return (isa<tensor::ExtractSliceOp>(source) ? "the last step taken by "
                                              : "the final state of ") +
         describeOrigin(("'" + source->getName().getStringRef() + "'").str(),
                        source->getLoc());
}

bool StepBuilder::spreadsOverTime(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type)
    return false;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d) &&
        llvm::any_of(timeDims, [&](const InputDim &time) {
          return isSameDimension(v, d, step.getArgument(time.arg), time.dim);
        }))
      return true;
  return false;
}

/// Whether the values of tensor `v` are computed from weights and constants
/// alone: no model input, state or step is in them (sizes may be).
static bool isTimeFree(Value v, func::FuncOp step,
                       llvm::DenseMap<Value, bool> &memo, int depth = 0) {
  if (auto it = memo.find(v); it != memo.end())
    return it->second;
  bool timeFree;
  if (auto arg = dyn_cast<BlockArgument>(v)) {
    timeFree = arg.getOwner()->getParentOp() == step.getOperation() &&
               step.getArgAttr(arg.getArgNumber(), "seq.weight");
  } else if (isa_and_nonnull<tensor::EmptyOp>(v.getDefiningOp())) {
    timeFree = true; // sizes only, no values
  } else if (depth > 64) {
    timeFree = false;
  } else {
    Operation *def = v.getDefiningOp();
    auto streamable = dyn_cast<seqc::seq::StreamableOpInterface>(def);
    timeFree = !streamable || !streamable.carriesStreamState();
    for (Value operand : def->getOperands())
      timeFree = timeFree && (!isa<ShapedType>(operand.getType()) ||
                              isTimeFree(operand, step, memo, depth + 1));
  }
  memo[v] = timeFree;
  return timeFree;
}

LogicalResult StepBuilder::checkFinalStateUses(ArrayRef<Value> finalStates) {
  // After a chunk, a recurrence's final state is the state so far; the
  // whole sequence's is known only after the last chunk. The model may
  // return it (the stream's last value is the run's) or compute with it
  // and weights (a head on h_n), but not combine it with per-step values
  // (o + h_n): every chunk would use its own.
  // Final states combined with each other (two layers' h_n stacked) are
  // known together.
  // Everything computed from them first, then each use: a use reading a
  // value computed from the same final state along another path (log
  // softmax's z - max(z)) must see it as one known with the final state,
  // whichever path the walk took first.
  llvm::DenseMap<Value, bool> memo;
  SetVector<Value> tainted(finalStates.begin(), finalStates.end());
  llvm::DenseMap<Value, Operation *> origin;
  for (Value v : finalStates)
    origin[v] = v.getDefiningOp();
  // A use inside an op's regions (TopK's selection loop reading the last
  // step's logits) is that op's, with what else its regions read.
  Block &body = step.getBody().front();
  auto usersOf = [&](Value v) {
    SetVector<Operation *> users;
    for (Operation *user : v.getUsers())
      if (Operation *top = body.findAncestorOpInBlock(*user))
        users.insert(top);
    return users;
  };
  auto readBy = [](Operation *op) {
    SetVector<Value> read(op->operand_begin(), op->operand_end());
    getUsedValuesDefinedAbove(op->getRegions(), read);
    return read;
  };
  for (size_t i = 0; i < tainted.size(); ++i)
    for (Operation *user : usersOf(tainted[i]))
      if (!isa<func::ReturnOp, tensor::DimOp>(user))
        for (Value result : user->getResults())
          if (tainted.insert(result))
            origin[result] = origin[tainted[i]];
  for (Value value : tainted) {
    Operation *source = origin[value];
    for (Operation *user : usersOf(value)) {
      if (isa<func::ReturnOp, tensor::DimOp>(user))
        continue;
      for (Value operand : readBy(user))
        if (isa<ShapedType>(operand.getType()) && !tainted.contains(operand) &&
            !isTimeFree(operand, step, memo))
          return fail(user, "it combines " + describeFinal(source) +
                                ", which a stream knows only after the "
                                "last chunk, with the sequence's steps");
      // Spread back over the steps (`y[:, -1:].expand(-1, T, -1)`), every
      // step of a chunk would read the chunk's own.
      for (Value result : user->getResults())
        if (spreadsOverTime(result))
          return fail(user, "it spreads " + describeFinal(source) +
                                ", which a stream knows only after the "
                                "last chunk, over the sequence's steps");
    }
  }
  return success();
}

} // namespace seqc::seq::detail
