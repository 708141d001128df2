//===- StepFunction.cpp - derive a streaming step function --------------===//
//
// A causal model's state between chunks is exactly what its stateful ops
// carry: the final hidden (and cell) state of every forward recurrence and
// linear recurrence, the last dilation*(K-1) input frames of every causal
// convolution, and the keys and values of every causal attention. Each op
// says how through its StreamableOpInterface model (Streaming/*.cpp); the
// step function threads the states through new arguments and results:
//
//   recurrence:     initial_h/initial_c <- state in (or, when the model
//                   starts it from an input or a learned value, that
//                   value before the first chunk: a started flag in the
//                   state); y_h/y_c -> state out
//   selective scan, wkv: initial_state <- state in; final_state -> state out
//   linear attention: initial_state/initial_normalizer <- state in;
//                   final_state/final_normalizer -> state out
//   causal conv:    input <- concat(state in, chunk) with no padding;
//                   last dilation*(K-1) frames of that concat -> state out
//   attention:      the chunk's keys/values appended to a [B, Hkv,
//                   capacity, D] cache at the cached position; the queries
//                   attend to the cache's first position + L entries
//                   (causal bottom_right); cache and position -> state out
//   time shift by k: the chunk's shift <- first L steps of concat(state
//                   in, chunk); its last k steps -> state out
//   positions:      offset <- steps seen so far (state in); + L -> state out
//   scan:           each carried value <- state in, or the scan's own
//                   initial value before the first chunk (a started flag
//                   in the state); final carried values -> state out; a
//                   body reading the step index reads it + the steps seen
//                   (state in; + L -> state out)
//
//   cross-attention: nothing carried; the chunk's queries read all of the
//                   keys of an input the stream gives whole to every chunk
//                   (a decoder's memory)
//
// Pointwise ops (per time step, StepPointwise.cpp) pass through unchanged,
// and so do ops that compute from inputs without the time axis (given
// whole to every chunk) or combine steps of such an input (a softmax over
// the encoder's S), checked once the time axis is known (WholeInputs.cpp);
// what those
// compute with a contraction (memory's key and value projections) the
// first chunk computes under scf.if and states keep (CacheWholeInputs.cpp).
// Everything else makes the model non-streamable, with a reason.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/StepFunction.h"
#include "dialects/Seq/Transforms/DimensionTrace.h"
#include "dialects/Seq/Transforms/SizeOnlyReads.h"
#include "dialects/Seq/Transforms/StepBuilder.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/StreamableOpInterface.h"
#include "dialects/Seq/Transforms/StreamableOpInterfaceImpl.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/SizeUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Analysis/SliceAnalysis.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Transforms/RegionUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/SmallPtrSet.h"

using namespace mlir;

namespace seqc::seq {

namespace detail {

FailureOr<std::string> StepBuilder::batchDimName(Operation *op, Value value,
                                                 unsigned dim) {
  // A static batch (an export at batch 1, its heads folded into that
  // dimension) is the same in every stream: it needs no name.
  if (!cast<RankedTensorType>(value.getType()).isDynamicDim(dim))
    return std::string();
  auto traced = traceDimension(value, dim);
  if (!traced || traced->first.getOwner()->getParentOp() != step.getOperation()) {
    (void)fail(op, "cannot tell which model input dimension is the batch "
                   "dimension of its state");
    return failure();
  }
  auto [arg, argDim] = *traced;
  MLIRContext *ctx = step.getContext();
  unsigned index = arg.getArgNumber();
  batchDims.push_back({index, argDim, op});
  auto type = cast<RankedTensorType>(arg.getType());
  SmallVector<Attribute> names(type.getRank(), StringAttr::get(ctx, ""));
  if (auto existing = step.getArgAttrOfType<ArrayAttr>(index, "seq.dims"))
    if (existing.size() == names.size())
      names.assign(existing.begin(), existing.end());
  if (auto name = dyn_cast<StringAttr>(names[argDim]))
    if (!name.getValue().empty() && name.getValue() != "?")
      return name.getValue().str();
  names[argDim] = StringAttr::get(ctx, "B");
  step.setArgAttr(index, "seq.dims", ArrayAttr::get(ctx, names));
  return std::string("B");
}

LogicalResult StepBuilder::claimTimeDim(Operation *op, Value value,
                                        unsigned dim) {
  if (!cast<RankedTensorType>(value.getType()).isDynamicDim(dim))
    return fail(op, "its time axis has a fixed size");
  // Ops rewritten before this one (a convolution that now reads its
  // state joined to the chunk) no longer tie their time dimensions, so a
  // time axis that cannot be followed back is taken on trust.
  auto traced = traceDimension(value, dim);
  if (traced && traced->first.getOwner()->getParentOp() == step.getOperation())
    timeDims.push_back({traced->first.getArgNumber(), traced->second, op});
  else if (!untracedTimeOp)
    untracedTimeOp = op;
  return success();
}

StringRef StepBuilder::inputDimName(const InputDim &d) {
  auto names = step.getArgAttrOfType<ArrayAttr>(d.arg, "seq.dims");
  if (!names || d.dim >= names.size())
    return "";
  auto name = dyn_cast<StringAttr>(names[d.dim]);
  return name && name.getValue() != "?" ? name.getValue() : "";
}

std::string StepBuilder::describeInputDim(const InputDim &d) {
  auto name = step.getArgAttrOfType<StringAttr>(d.arg, "seq.name");
  std::string dimName = inputDimName(d).str();
  return "input '" + (name ? name.getValue().str() : "?") + "' dimension " +
         std::to_string(d.dim) + (dimName.empty() ? "" : " (" + dimName + ")");
}

LogicalResult StepBuilder::checkTimeDims() {
  auto describe = [](Operation *op) {
    return describeOrigin(("'" + op->getName().getStringRef() + "'").str(),
                          op->getLoc());
  };
  auto same = [&](const InputDim &a, const InputDim &b) {
    if (a.arg == b.arg && a.dim == b.dim)
      return true;
    // Two inputs' dimensions of one name are one size (the runtime ties
    // them): x's T and a mask's T.
    StringRef nameA = inputDimName(a), nameB = inputDimName(b);
    return !nameA.empty() && nameA == nameB;
  };
  for (const InputDim &time : timeDims) {
    for (const InputDim &batch : batchDims)
      if (same(time, batch))
        return fail(time.op, "its time axis is the batch dimension of the "
                             "state of " +
                                 describe(batch.op));
    if (!same(time, timeDims.front()))
      return fail(time.op, "its time axis is not that of " +
                               describe(timeDims.front().op));
  }
  return success();
}

std::optional<std::pair<StepBuilder::InputDim, StepBuilder::InputDim>>
StepBuilder::traceInputDimensions(Value a, unsigned da, Value b, unsigned db) {
  auto ta = traceDimension(a, da), tb = traceDimension(b, db);
  auto isInput = [&](const auto &t) {
    return t && t->first.getOwner()->getParentOp() == step.getOperation();
  };
  if (!isInput(ta) || !isInput(tb))
    return std::nullopt;
  return std::make_pair(
      InputDim{ta->first.getArgNumber(), ta->second, nullptr},
      InputDim{tb->first.getArgNumber(), tb->second, nullptr});
}

bool StepBuilder::isSameSize(const InputDim &x, const InputDim &y) {
  if (x.arg == y.arg && x.dim == y.dim)
    return true;
  // Two inputs' dimensions of one name are one size, chunked together.
  StringRef nameX = inputDimName(x), nameY = inputDimName(y);
  return !nameX.empty() && nameX == nameY;
}

bool StepBuilder::isOtherInputDimension(Value a, unsigned da, Value b,
                                        unsigned db) {
  auto typeA = cast<RankedTensorType>(a.getType());
  auto typeB = cast<RankedTensorType>(b.getType());
  if (typeA.isDynamicDim(da) && !typeB.isDynamicDim(db))
    return true;
  auto dims = traceInputDimensions(a, da, b, db);
  return dims && !isSameSize(dims->first, dims->second);
}

bool StepBuilder::isSameInputDimension(Value a, unsigned da, Value b,
                                       unsigned db) {
  auto dims = traceInputDimensions(a, da, b, db);
  return dims && isSameSize(dims->first, dims->second);
}

LogicalResult StepBuilder::checkOutputDims() {
  // A chunk's outputs are joined along their named dimensions (the time
  // axis) or taken from the last chunk; one of run-time size without a
  // name, time merged with features ([B, T * H] of torch.cat(outs, -1)),
  // could be neither.
  for (unsigned r = 0; r < step.getNumResults(); ++r) {
    auto type = dyn_cast<RankedTensorType>(step.getResultTypes()[r]);
    auto names = step.getResultAttrOfType<ArrayAttr>(r, "seq.dims");
    if (!type)
      continue;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      auto name = names && d < static_cast<int64_t>(names.size())
                      ? dyn_cast<StringAttr>(names[d])
                      : StringAttr();
      // (Results without seq.dims have not been through
      // seqc-name-tied-dims: a test of this pass alone.)
      if (!names || !type.isDynamicDim(d) ||
          (name && !name.getValue().empty() && name.getValue() != "?"))
        continue;
      auto ret = cast<func::ReturnOp>(step.getBody().front().getTerminator());
      Operation *producer = ret.getOperand(r).getDefiningOp();
      return fail(producer ? producer : ret.getOperation(),
                  "dimension " + std::to_string(d) + " of output " +
                      std::to_string(r) +
                      " has a run-time size that no input dimension names "
                      "(time merged with features?), so chunks of it cannot "
                      "be joined");
    }
  }
  return success();
}

/// Whether `initial` is zeros, what a new stream's states hold: a zero
/// constant, or a tensor filled with zero, or a slice, cast or reshape of
/// one (a stacked recurrence's layer of h0 = zeros[L, B, H]).
static bool isZeros(Value initial) {
  while (Operation *def = initial.getDefiningOp()) {
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(def))
      initial = slice.getSource();
    else if (isa<tensor::CastOp, tensor::CollapseShapeOp,
                 tensor::ExpandShapeOp>(def))
      initial = def->getOperand(0);
    else
      break;
  }
  if (matchPattern(initial, m_AnyZeroFloat()) ||
      matchPattern(initial, m_Zero()))
    return true;
  auto fill = initial.getDefiningOp<linalg::FillOp>();
  return fill && (matchPattern(fill.getInputs()[0], m_AnyZeroFloat()) ||
                  matchPattern(fill.getInputs()[0], m_Zero()));
}

BlockArgument StepBuilder::bindState(MutableOperandRange operand, Type type,
                                     Location loc) {
  Value initial = operand.empty() ? Value() : operand[0].get();
  BlockArgument state = addState(type, loc);
  if (!initial || isZeros(initial)) {
    if (initial)
      replacedInitialStates.push_back(initial);
    operand.assign(state);
    return state;
  }
  // The model's own initial value (an input h0 [L, B, H], a learned
  // constant) starts the stream, as it starts a run; one computed from
  // another op's state along the time axis is known only once the whole
  // sequence has been seen (a decoder started from an encoder's final
  // state over the same input; over an input given whole, the encoder
  // runs in each chunk and is known from the first). Only values
  // count: a size read from another op's result (h0's batch taken from a
  // convolution's output) is known from the first chunk.
  SetVector<Operation *> slice;
  SmallVector<Value> work{initial};
  while (!work.empty()) {
    Operation *def = work.pop_back_val().getDefiningOp();
    if (!def || !slice.insert(def))
      continue;
    if (auto dim = dyn_cast<tensor::DimOp>(def)) {
      work.push_back(dim.getIndex());
      continue;
    }
    llvm::append_range(work, def->getOperands());
    SetVector<Value> above;
    for (Region &region : def->getRegions())
      getUsedValuesDefinedAbove(region, above);
    llvm::append_range(work, above);
  }
  // (An encoder's state is known from the first chunk: it runs along an
  // input given whole.)
  for (Operation *op : slice)
    if (auto streamable = dyn_cast<StreamableOpInterface>(op);
        streamable && streamable.carriesStreamState() &&
        !encoderOps.contains(op)) {
      (void)fail(
          operand.getOwner(),
          "its initial state is computed from the state of " +
              describeOrigin(("'" + op->getName().getStringRef() + "'").str(),
                             op->getLoc()) +
              ", which a stream knows only after the last chunk");
      return BlockArgument();
    }
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPoint(operand.getOwner());
  if (initial.getType() != type)
    initial = tensor::CastOp::create(builder, loc, type, initial);
  operand.assign(initialOrCarried(state, initial, loc));
  return state;
}

BlockArgument StepBuilder::startedFlag(Location loc) {
  if (started)
    return started;
  // One flag for the whole step function: zero in a new (or reset)
  // stream, one after its first chunk.
  MLIRContext *ctx = step.getContext();
  auto flagType = RankedTensorType::get({1}, builder.getI64Type());
  started = addState(flagType, loc);
  OpBuilder::InsertionGuard guard(builder);
  builder.setInsertionPointToStart(&step.getBody().front());
  Value one = arith::ConstantOp::create(
      builder, loc, DenseIntElementsAttr::get(flagType, ArrayRef<int64_t>{1}));
  carry(started, one, ArrayAttr::get(ctx, {StringAttr::get(ctx, "")}),
        /*inPlace=*/false);
  return started;
}

Value StepBuilder::initialOrCarried(BlockArgument state, Value initial,
                                    Location loc) {
  BlockArgument started = startedFlag(loc);
  auto type = cast<RankedTensorType>(state.getType());
  SmallVector<Value> dynamicSizes;
  for (int64_t d = 0; d < type.getRank(); ++d)
    if (type.isDynamicDim(d))
      dynamicSizes.push_back(tensor::DimOp::create(builder, loc, initial, d));
  Value empty = tensor::EmptyOp::create(builder, loc, type.getShape(),
                                        type.getElementType(), dynamicSizes);
  unsigned rank = type.getRank();
  AffineMap identity = builder.getMultiDimIdentityMap(rank);
  AffineMap first = AffineMap::get(rank, 0, builder.getAffineConstantExpr(0));
  return linalg::GenericOp::create(
             builder, loc, TypeRange{type}, ValueRange{state, initial, started},
             ValueRange{empty},
             ArrayRef<AffineMap>{identity, identity, first, identity},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value zero = arith::ConstantIntOp::create(nb, nl, 0, 64);
               Value isStarted = arith::CmpIOp::create(
                   nb, nl, arith::CmpIPredicate::ne, args[2], zero);
               linalg::YieldOp::create(
                   nb, nl,
                   ValueRange{arith::SelectOp::create(nb, nl, isStarted,
                                                      args[0], args[1])});
             })
      .getResult(0);
}

bool StepBuilder::isBatchSize(Value value, int64_t d) {
  std::optional<InputDim> read = traceSize(value, d);
  return read && llvm::any_of(batchDims, [&](const InputDim &batch) {
           return isSameSize(*read, batch);
         });
}

std::optional<StepBuilder::InputDim> StepBuilder::traceSize(Value value,
                                                            int64_t d) {
  // Followed through the ops that carry it, or from where it was decided
  // (the tensor.empty a broadcast of constants fills).
  auto traced = traceDimension(value, d);
  if (auto decided = dyn_cast_if_present<Value>(getDecidedSize(value, d));
      !traced && decided)
    if (auto dim = decided.getDefiningOp<tensor::DimOp>();
        dim && dim.getConstantIndex())
      traced = traceDimension(dim.getSource(), *dim.getConstantIndex());
  if (!traced || traced->first.getOwner()->getParentOp() != step.getOperation())
    return std::nullopt;
  return InputDim{traced->first.getArgNumber(), traced->second, nullptr};
}

LogicalResult StepBuilder::checkPositionsStart(PositionsOp positions) {
  Value offset = positions.getOffset();
  if (!offset || matchPattern(offset, m_Constant()))
    return success();
  // The first position must be the same in every chunk: computed from
  // sizes no chunk changes (arange(B, B + T), a past's length P passed
  // whole), not from the stream's length (arange(T, T + B), or another
  // input's length of the time axis's name).
  SmallVector<std::pair<Value, int64_t>> sizes;
  std::optional<InputDim> own =
      traceSize(positions.getLike(), positions.getDim());
  bool fixed =
      offset.getDefiningOp() &&
      isComputedFromSizes(offset.getDefiningOp(), step, sizes) &&
      llvm::all_of(sizes, [&](const std::pair<Value, int64_t> &size) {
        std::optional<InputDim> read = traceSize(size.first, size.second);
        auto same = [&](const InputDim &axis) {
          return isSameSize(*read, axis);
        };
        return read && !(own && same(*own)) && llvm::none_of(timeDims, same);
      });
  if (fixed)
    return success();
  return fail(positions, "its first position is computed from a length a "
                         "chunk changes (arange(T, T + n), or the length of "
                         "another input of the stream's time axis), which "
                         "would restart at every chunk");
}

bool StepBuilder::isWholeDimension(OpFoldResult size, Value source,
                                   unsigned d) {
  auto v = dyn_cast_if_present<Value>(size);
  if (!v)
    return false;
  // x[:, :T] of a table of T rows: min(max(T, 0), rows), T >= 0.
  if (auto max = v.getDefiningOp<arith::MaxSIOp>()) {
    std::optional<int64_t> low = getConstantIntValue(max.getRhs());
    return low && *low <= 0 && isWholeDimension(max.getLhs(), source, d);
  }
  if (auto min = v.getDefiningOp<arith::MinSIOp>())
    return isWholeDimension(min.getLhs(), source, d) &&
           isWholeDimension(min.getRhs(), source, d);
  auto dim = v.getDefiningOp<tensor::DimOp>();
  std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
  if (!index)
    return false;
  return (dim.getSource() == source && *index == d) ||
         isSameDimension(dim.getSource(), *index, source, d) ||
         isSameInputDimension(dim.getSource(), *index, source, d);
}

LogicalResult StepBuilder::run() {
  SmallVector<Operation *> ops;
  // The ops of the function body; the body of an op with regions (a
  // linalg.transpose's yield) is that op's business.
  step.walk<WalkOrder::PreOrder>([&](Operation *op) {
    if (op == step.getOperation())
      return WalkResult::advance();
    ops.push_back(op);
    return op->getNumRegions() ? WalkResult::skip() : WalkResult::advance();
  });
  // A model that is not causal has no step function, whatever else it
  // does: that reason first, before an op ahead of it (a reshape of the
  // heads at a dynamic batch) stops the stream for a reason of its own.
  // (Unless the ops reading future steps are an encoder's, reading inputs
  // the stream gives whole, when the builder is asked to.)
  findEncoderInputs(ops);
  for (Operation *op : ops)
    if (auto it = futureStepsReasons.find(op);
        it != futureStepsReasons.end() && !readsEncoderInputsOnly(op))
      return fail(op, it->second);
  // Which slices take a run-time dimension whole is read before the
  // stateful ops are rewritten: a causal conv over T (padded by its reach)
  // then reads the state and the chunk unpadded, whose length no shape
  // rule ties to the chunk's (Mamba's conv(x)[..., :x.size(1)]).
  for (Operation *op : ops)
    if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op))
      for (int64_t d = 0; d < slice.getSourceType().getRank(); ++d)
        if (slice.getSourceType().isDynamicDim(d) &&
            isWholeDimension(slice.getMixedSizes()[d], slice.getSource(), d))
          wholeSliceDims.insert({op, d});
  recordLastStepReads(ops);
  SmallVector<std::pair<PositionsOp, unsigned>> positionsOps;
  // (The carries below add readers to values at or before the op they
  // carry and erase only streamable ops, which are never asked: the
  // answers kept stay true.)
  llvm::DenseMap<Operation *, bool> readOnlyForSizes;
  for (auto [order, op] : llvm::enumerate(ops)) {
    currentOrder = order;
    currentOp = op;
    currentOrigin = describeOrigin(
        ("'" + op->getName().getStringRef() + "'").str(), op->getLoc());
    if (!isa<StreamableOpInterface>(op) &&
        isReadOnlyForSizes(op, readOnlyForSizes))
      continue;
    // Positions along an axis other than time (arange(B) indexing the
    // batch) are the same in each chunk: which axis is time is known once
    // the other ops have claimed it.
    if (auto positions = dyn_cast<PositionsOp>(op)) {
      positionsOps.push_back({positions, order});
      continue;
    }
    // An encoder's stateful op runs along its whole input in every chunk.
    if (isa<StreamableOpInterface>(op) && readsEncoderInputsOnly(op)) {
      keepEncoderOp(op);
      continue;
    }
    // An op that carries state says how (its StreamableOpInterface
    // model); any other op must act on each step independently.
    LogicalResult result =
        isa<StreamableOpInterface>(op)
            ? cast<StreamableOpInterface>(op).carryStreamState(*this)
            : checkPointwise(op);
    // Values computed from sizes alone are the same in each chunk, if no
    // size read is the chunk's length (checked once the time axes are
    // known; until then, the reason this op would fail for).
    SmallVector<std::pair<Value, int64_t>> sizes;
    if (failed(result) && !isa<StreamableOpInterface>(op) &&
        isComputedFromSizes(op, step, sizes)) {
      fromSizes.push_back(
          {reason, std::move(sizes), static_cast<unsigned>(order)});
      continue;
    }
    // So are values computed from inputs that every chunk is given whole
    // (a decoder's memory), if none of those is chunked.
    SmallVector<BlockArgument> inputs;
    sizes.clear();
    bool fromContext = (failed(result) || readsEncoderInputsOnly(op)) &&
                       !isa<StreamableOpInterface>(op) &&
                       computedFromContext(op, sizes, inputs);
    // (The encoder's ops are remembered, for the walks of later ones.)
    if (fromContext && readsEncoderInputsOnly(op))
      encoderOps[op].assign(inputs.begin(), inputs.end());
    if (failed(result) && fromContext) {
      wholeInputReads.push_back({reason, std::move(sizes), std::move(inputs),
                                 static_cast<unsigned>(order)});
      continue;
    }
    if (failed(result)) {
      if (std::optional<std::string> earlier = earlierKeptReason())
        reason = *earlier;
      return failure();
    }
  }
  // (Positions along an axis no chunk splits, arange(S) of a decoder's
  // memory, are the same in each chunk too, once the stateful ops have
  // said which axis is time; positions alone do not choose among axes.)
  bool timeClaimed = !timeDims.empty();
  for (auto [positions, order] : positionsOps) {
    currentOrder = order;
    currentOp = positions;
    currentOrigin = describeOrigin("'seq.positions'", positions.getLoc());
    if (failed(checkPositionsStart(positions)))
      return failure();
    if (!(timeClaimed
              ? isSizeOfEveryChunk(positions.getLike(), positions.getDim())
              : isBatchSize(positions.getLike(), positions.getDim())) &&
        failed(cast<StreamableOpInterface>(*positions).carryStreamState(*this)))
      return failure();
  }
  // A value kept for being computed from inputs that may be chunked
  // stopped the stream first.
  auto failFirst = [&]() {
    if (std::optional<std::string> earlier = earlierKeptReason(/*sizes=*/false))
      reason = *earlier;
    return failure();
  };
  if (states.empty()) {
    // (Also what a Python loop traced by torch.onnx.export comes to: its
    // steps unrolled, nothing carried.)
    // (Cross-attention to inputs given whole carries nothing either.)
    reason = "the model carries no state between time steps (no "
             "recurrence, scan, causal convolution or attention over its own "
             "steps; a Python loop traced by torch.onnx.export is unrolled "
             "at its export length, torch.jit.script keeps it a loop)";
    return failFirst();
  }
  if (failed(checkTimeDims()))
    return failFirst();
  // The caller splits chunks along the input dimension named here; with
  // none followed back it would split along a guess ("T"), and a state
  // sized by the dimension really chunked fails every chunk after the
  // first (or, sized alike, streams the wrong axis).
  if (timeDims.empty() && untracedTimeOp) {
    (void)fail(untracedTimeOp, "cannot tell which model input dimension is "
                               "its time axis");
    return failFirst();
  }
  if (failed(checkSizesRead()) || failed(checkWholeInputReads()))
    return failure();
  if (failed(checkOutputDims()))
    return failure();
  // The name of the input dimension the ops stream along, for the ABI: a
  // caller (seq-run) then splits the chunks along it, not along a "T" that
  // may be another axis (arange(x.size(0)) streams along x's first).
  if (!timeDims.empty())
    if (StringRef name = inputDimName(timeDims.front()); !name.empty())
      step->setAttr(kStreamDimAttr, StringAttr::get(step.getContext(), name));
  // (States the builder computes itself, a cache with the chunk appended,
  // are read by the ops it built them for.)
  SmallVector<Value> finalStates;
  for (const State &state : states)
    if (isa_and_nonnull<StreamableOpInterface>(state.out.getDefiningOp()))
      finalStates.push_back(state.out);
  if (failed(takeLastStepReads(finalStates)) ||
      failed(checkFinalStateUses(finalStates)))
    return failure();
  cacheWholeInputValues();

  // States out, after the model's outputs, in the order of their
  // arguments (the runtime pairs the k-th state argument with the k-th
  // state result; a started flag is added after the state that first
  // needs it but carried before).
  orderStateArguments();
  llvm::sort(states, [](const State &a, const State &b) {
    return a.in.getArgNumber() < b.in.getArgNumber();
  });
  auto ret = cast<func::ReturnOp>(step.getBody().front().getTerminator());
  SmallVector<Value> results(ret.getOperands());
  for (const State &s : states)
    results.push_back(s.out);
  ret.getOperandsMutable().assign(results);
  MLIRContext *ctx = step.getContext();
  for (auto [k, s] : llvm::enumerate(states)) {
    NamedAttrList attrs;
    attrs.append("seq.name", StringAttr::get(ctx, "state" + std::to_string(k)));
    attrs.append("seq.state", UnitAttr::get(ctx));
    attrs.append("seq.dims", s.dims);
    DictionaryAttr dict = attrs.getDictionary(ctx);
    if (s.inPlace) {
      NamedAttrList argAttrs(dict);
      argAttrs.append(kInPlaceAttr, UnitAttr::get(ctx));
      step.setArgAttrs(s.in.getArgNumber(), argAttrs.getDictionary(ctx));
    } else {
      step.setArgAttrs(s.in.getArgNumber(), dict);
    }
    // insertResult keeps the result attributes in step with the types.
    if (failed(step.insertResult(step.getNumResults(), s.out.getType(), dict)))
      return failure();
  }
  SmallVector<Attribute> docs;
  for (const State &s : states)
    docs.push_back(StringAttr::get(ctx, s.doc));
  step->setAttr(kStateDocsAttr, ArrayAttr::get(ctx, docs));

  return eraseReplacedInitialStates();
}

LogicalResult StepBuilder::eraseReplacedInitialStates() {
  // What computed a zero initial state (a constant, a fill, and the
  // tensor.dim that sized it) is dead now; an input that only fed such
  // states is not an input of a stream. (Initial states that are not zero
  // stay inputs: bindState.)
  llvm::BitVector unused(step.getNumArguments());
  // A value may be listed twice (one constant as both initial_h and
  // initial_c): erase each op once.
  llvm::SetVector<Value> worklist(replacedInitialStates.begin(),
                                  replacedInitialStates.end());
  llvm::SmallPtrSet<Operation *, 8> erased;
  while (!worklist.empty()) {
    Value value = worklist.pop_back_val();
    if (auto result = dyn_cast<OpResult>(value);
        result && erased.contains(result.getOwner()))
      continue;
    if (!value.use_empty())
      continue;
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      if (arg.getOwner()->getParentOp() == step.getOperation())
        unused.set(arg.getArgNumber());
      continue;
    }
    Operation *op = value.getDefiningOp();
    if (!op->use_empty() || !isMemoryEffectFree(op))
      continue;
    for (Value operand : op->getOperands())
      worklist.insert(operand);
    erased.insert(op);
    op->erase();
  }
  if (unused.any() && failed(step.eraseArguments(unused)))
    return failure();
  return success();
}

} // namespace detail

FailureOr<func::FuncOp> createStepFunction(func::FuncOp entry,
                                           StringRef stepName,
                                           std::string &reason) {
  // The ops' streaming models, whoever built the context.
  DialectRegistry registry;
  registerStreamableOpInterfaceExternalModels(registry);
  entry.getContext()->appendDialectRegistry(registry);
  // First as a model whose every input may be chunked; then, if that
  // fails and the model has an encoder (inputs only ops reading future
  // steps or starting the decoder read), with those inputs given whole:
  // a model that streamed before streams as it did.
  bool foundEncoder = false;
  for (bool wholeEncoder : {false, true}) {
    if (wholeEncoder && !foundEncoder)
      break;
    func::FuncOp step = entry.clone();
    step.setSymName(stepName);
    detail::StepBuilder builder(step, reason, wholeEncoder);
    if (succeeded(builder.run())) {
      OpBuilder(entry).insert(step);
      step->moveAfter(entry);
      return step;
    }
    foundEncoder = builder.foundEncoder();
    step.erase();
  }
  return failure();
}

} // namespace seqc::seq
