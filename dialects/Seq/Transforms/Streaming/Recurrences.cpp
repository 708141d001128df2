//===- Recurrences.cpp - how recurrences and scans stream ---------------===//
//
// A recurrence carries its final state to the next chunk: the named cells
// (seq.rnn/lstm/gru: y_h, y_c), the linear recurrences (seq.selective_scan,
// seq.wkv: final_state; seq.linear_attention: final_state and
// final_normalizer) and a written-out seq.scan (its carried values, and
// the steps seen when its body reads the step index).
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/StreamableOpInterface.h"
#include "dialects/Seq/Transforms/StreamableOpInterfaceImpl.h"
#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;

namespace seqc::seq {
namespace {

/// Claims dimension `dim` of `sequence`, the axis `op` steps along, as the
/// stream's time axis, so that the step api names it and ops stepping
/// along different input axes (a recurrence over T and a cumsum over B)
/// are refused instead of streamed along one of them. A time axis of fixed
/// size 1 (a model exported on one frame to be fed frame by frame) streams
/// one step a call. A longer fixed one does not: the ops' checks tell time
/// from features by its run-time size, so a mean over a fixed T would
/// pass as per-step, and no chunk but the whole sequence could be fed.
LogicalResult claimSteps(Operation *op, Value sequence, unsigned dim,
                         StreamState &s) {
  auto type = cast<RankedTensorType>(sequence.getType());
  if (type.isDynamicDim(dim))
    return s.claimTimeDim(op, sequence, dim);
  if (type.getDimSize(dim) == 1)
    return success();
  return s.fail(op, "its time axis has a fixed size (" +
                        std::to_string(type.getDimSize(dim)) +
                        "): export it with a dynamic time axis to stream it");
}

std::string futureSteps(RecurrenceOpInterface op) {
  if (op.getDirection() == Direction::forward)
    return "";
  return "a " + stringifyDirection(op.getDirection()).str() +
         " recurrence reads future steps";
}

const char *const kSequenceLensReason =
    "sequence_lens masks whole sequences; a stream has no known length";

std::string futureSteps(ScanOp op) {
  return op.getReverse() ? "a reverse scan reads future steps" : "";
}

LogicalResult carryRecurrence(RecurrenceOpInterface op, StreamState &s) {
  if (std::string why = futureSteps(op); !why.empty())
    return s.fail(op, why);
  if (op.getSequenceLens())
    return s.fail(op, kSequenceLensReason);
  if (failed(claimSteps(op, op.getInput(), op.isBatchMajor() ? 1 : 0, s)))
    return failure();
  Location loc = op.getLoc();
  // States are [D, B, H] time-major and [B, D, H] batch-major.
  unsigned stateBatch = op.isBatchMajor() ? 0 : 1;
  FailureOr<std::string> batchName =
      s.batchDimName(op, op.getInput(), op.isBatchMajor() ? 0 : 1);
  if (failed(batchName))
    return failure();
  std::string batch = *batchName;
  for (unsigned k = 0, e = op.getNumStates(); k < e; ++k) {
    OpResult final = op.getFinalState(k);
    BlockArgument state =
        s.bindState(op.getInitialStateMutable(k), final.getType(), loc);
    if (!state)
      return failure();
    s.carry(state, final, s.stateDims(state.getType(), stateBatch, batch));
  }
  return success();
}

template <typename OpTy>
LogicalResult carryBatchMajorScan(OpTy op, StreamState &s) {
  // A selective scan's [B, D, N] and a WKV's [B, 3, C] state is all they
  // carry between steps; their first operand is [B, T, ...].
  if (failed(claimSteps(op, op->getOperand(0), 1, s)))
    return failure();
  FailureOr<std::string> batchName = s.batchDimName(op, op->getOperand(0), 0);
  if (failed(batchName))
    return failure();
  std::string batch = *batchName;
  BlockArgument h = s.bindState(op.getInitialStateMutable(),
                                op.getFinalState().getType(), op.getLoc());
  if (!h)
    return failure();
  s.carry(h, op.getFinalState(), s.stateDims(h.getType(), 0, batch));
  return success();
}

LogicalResult carryLinearAttention(LinearAttentionOp op, StreamState &s) {
  // The state S [B, H, Dk, Dv] and the normaliser z [B, H, Dk] carry over.
  for (Value steps : {op.getQuery(), op.getKey(), op.getValue()})
    if (failed(claimSteps(op, steps, 2, s)))
      return failure();
  FailureOr<std::string> batchName = s.batchDimName(op, op.getQuery(), 0);
  if (failed(batchName))
    return failure();
  BlockArgument state = s.bindState(op.getInitialStateMutable(),
                                    op.getFinalState().getType(), op.getLoc());
  if (!state)
    return failure();
  s.carry(state, op.getFinalState(),
          s.stateDims(state.getType(), 0, *batchName));
  BlockArgument normalizer =
      s.bindState(op.getInitialNormalizerMutable(),
                  op.getFinalNormalizer().getType(), op.getLoc());
  if (!normalizer)
    return failure();
  s.carry(normalizer, op.getFinalNormalizer(),
          s.stateDims(normalizer.getType(), 0, *batchName));
  return success();
}

/// Whether a size is, or is computed from, the length T of a scan's
/// `sequence` (its dimension 0): a chunk knows only its own length.
class LengthDependence {
public:
  enum Answer { No, Yes, Unknown };

  LengthDependence(ScanOp op, Value sequence, StreamState &s)
      : op(op), sequence(sequence), s(s) {}

  /// Whether dimension `d` of `v` is T or computed from it: T itself (or
  /// an input dimension of T's name), a product a collapse formed with it
  /// (B * T of a flatten), or a size computed by arithmetic from it (T * 2
  /// in a reshape's output_shape). No for a static size or an input's
  /// other dimension (the batch). Unknown where the size cannot be traced
  /// to where it was decided; `stuck` is then the value whose defining op
  /// decided it (null: an enclosing loop's argument).
  Answer dimension(Value v, int64_t d, Value &stuck) {
    for (int steps = 0; steps < 256; ++steps) {
      if (isSameDimension(v, d, sequence, 0) ||
          s.isSameInputDimension(v, d, sequence, 0))
        return Yes;
      if (auto arg = dyn_cast<BlockArgument>(v)) {
        // The scan's own: a step's slice of a sequence has the sequence's
        // other dimensions, a carried value its initial value's.
        if (arg.getOwner() == &op.getBodyBlock()) {
          for (auto [k, slice] : llvm::enumerate(op.getSliceArgs()))
            if (slice == arg) {
              v = op.getSequences()[k];
              d += 1;
              break;
            }
          for (auto [k, carried] : llvm::enumerate(op.getCarriedArgs()))
            if (carried == arg)
              v = op.getInits()[k];
          if (v != arg)
            continue;
        }
        // A model input's dimension other than T; another block's
        // argument (an enclosing loop's) is not followed.
        stuck = Value();
        return isa_and_present<FunctionOpInterface>(
                   arg.getOwner()->getParentOp())
                   ? No
                   : Unknown;
      }
      std::pair<Value, int64_t> end;
      OpFoldResult size = getDecidedSize(v, d, end);
      if (!size) {
        // A collapse's product: T if one of its factors is.
        SmallVector<std::pair<Value, int64_t>> factors =
            getCollapsedFactors(v, d);
        if (!factors.empty()) {
          Answer answer = No;
          for (auto [fv, fd] : factors) {
            Answer a = dimension(fv, fd, stuck);
            if (a == Yes)
              return Yes;
            if (a == Unknown)
              answer = Unknown;
          }
          return answer;
        }
        // Traced to a block argument (the scan's own, a model input): on
        // from there; else the op that decided it.
        if (isa<BlockArgument>(end.first) && end != std::make_pair(v, d)) {
          std::tie(v, d) = end;
          continue;
        }
        stuck = end.first;
        return Unknown;
      }
      auto value = dyn_cast<Value>(size);
      if (!value)
        return No; // static
      auto dim = value.getDefiningOp<tensor::DimOp>();
      std::optional<int64_t> index =
          dim ? dim.getConstantIndex() : std::nullopt;
      if (!dim || !index)
        return computed(value, stuck);
      if (dim.getSource() == v && *index == d) {
        stuck = v;
        return Unknown;
      }
      v = dim.getSource();
      d = *index;
    }
    stuck = Value();
    return Unknown;
  }

  /// Whether the index value `size` is computed from T: the sizes
  /// (tensor.dims) its arithmetic reads.
  Answer computed(Value size, Value &stuck) {
    SmallVector<Value> work = {size};
    llvm::SmallPtrSet<Operation *, 16> seen;
    Answer answer = No;
    while (!work.empty()) {
      Value v = work.pop_back_val();
      Operation *def = v.getDefiningOp();
      if (!def || def->getNumRegions() != 0) {
        stuck = Value();
        answer = Unknown;
        continue;
      }
      if (!seen.insert(def).second)
        continue;
      if (auto dim = dyn_cast<tensor::DimOp>(def)) {
        std::optional<int64_t> index = dim.getConstantIndex();
        Answer a = index ? dimension(dim.getSource(), *index, stuck) : Unknown;
        if (a == Yes)
          return Yes;
        if (a == Unknown)
          answer = Unknown;
        continue;
      }
      llvm::append_range(work, def->getOperands());
    }
    return answer;
  }

private:
  ScanOp op;
  Value sequence;
  StreamState &s;
};

/// Whether the scan `op`'s body reads the length T of `sequence` (its
/// dimension 0): a size, in the body or behind a value it captures
/// (through the ops that compute it), that is T or computed from it
/// (LengthDependence: T * 2 of a reshape, B * T of a flatten). A size a
/// reshape only shapes its result with is read where a tensor.dim reads
/// the result (the batch and time steps of the projection `x.view(B, T,
/// 4, H)` a body reads [B, ...] of do not make the body read T). A value
/// the walk cannot follow (an enclosing loop's argument) counts as reading
/// it.
static bool readsLength(ScanOp op, Value sequence, StreamState &s) {
  LengthDependence lengths(op, sequence, s);
  llvm::SmallPtrSet<Operation *, 32> seen;
  SmallVector<Operation *> work;
  bool unknown = false;
  // The ops whose results, or whose nested regions' reads from above,
  // the body's values depend on.
  auto follow = [&](Value v) {
    if (Operation *def = v.getDefiningOp()) {
      if (seen.insert(def).second)
        work.push_back(def);
      return;
    }
    // A block argument outside the body: the function's inputs are
    // tensors (the captured-tensor check covers them); any other (an
    // enclosing loop's) is not followed.
    auto arg = cast<BlockArgument>(v);
    if (!isa_and_present<FunctionOpInterface>(arg.getOwner()->getParentOp()))
      unknown = true;
  };
  auto readsFromAbove = [&](Operation *holder, Region &region) {
    region.walk([&](Operation *inner) {
      for (Value operand : inner->getOperands())
        if (!holder->isAncestor(operand.getParentRegion()->getParentOp()))
          follow(operand);
    });
  };
  // The body's own tensor.dims, and the values it captures.
  op.getBody().walk([&](Operation *inner) {
    if (isa<tensor::DimOp>(inner) && seen.insert(inner).second)
      work.push_back(inner);
    for (Value operand : inner->getOperands())
      if (!op.getBody().isAncestor(operand.getParentRegion()))
        follow(operand);
  });
  bool length = false;
  while (!work.empty() && !length && !unknown) {
    Operation *def = work.pop_back_val();
    if (auto dim = dyn_cast<tensor::DimOp>(def)) {
      std::optional<int64_t> index = dim.getConstantIndex();
      Value stuck;
      auto answer = index ? lengths.dimension(dim.getSource(), *index, stuck)
                          : LengthDependence::Unknown;
      length = answer == LengthDependence::Yes;
      // A size decided by an op the trace does not see through (a loop's
      // result): whatever that op reads decides it.
      if (answer == LengthDependence::Unknown) {
        if (stuck)
          follow(stuck);
        else
          unknown = true;
      }
      continue;
    }
    // A reshape's output_shape only shapes its result (read above when a
    // tensor.dim reads it).
    if (auto expand = dyn_cast<tensor::ExpandShapeOp>(def)) {
      follow(expand.getSrc());
      continue;
    }
    for (Value operand : def->getOperands())
      follow(operand);
    for (Region &region : def->getRegions())
      readsFromAbove(def, region);
  }
  return length || unknown;
}

/// Whether the body of `op` captures a tensor with a dimension that may be
/// T or computed from it (x.view(B, 2 * T, 2) read whole): it would read
/// steps the chunk does not hold.
static bool capturesSequenceLong(ScanOp op, Value sequence, StreamState &s) {
  LengthDependence lengths(op, sequence, s);
  WalkResult captured = op.getBody().walk([&](Operation *inner) {
    // (A tensor.dim reads a size, not steps: readsLength.)
    if (isa<tensor::DimOp>(inner))
      return WalkResult::advance();
    for (Value operand : inner->getOperands()) {
      auto type = dyn_cast<RankedTensorType>(operand.getType());
      if (!type || op.getBody().isAncestor(operand.getParentRegion()))
        continue;
      Value stuck;
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (type.isDynamicDim(d) &&
            lengths.dimension(operand, d, stuck) == LengthDependence::Yes)
          return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return captured.wasInterrupted();
}

LogicalResult carryScan(ScanOp op, StreamState &s) {
  OpBuilder &b = s.getBuilder();
  // A scan written out (a memory-augmented network's step) carries its
  // values from chunk to chunk. Its initial values are often the model's
  // own (a learned initial memory), not zeros: the stream uses them until
  // a started flag, zero in a new stream, is set after the first chunk.
  // A scan over a fixed number of steps runs along another axis than time
  // (a cumsum over the last step's vocabulary, as top-p sampling takes
  // it): over tensors no chunk splits, each chunk computes it as a run.
  bool fixedSteps =
      op.getSequences().empty() ||
      llvm::any_of(op.getSequences(), [](Value sequence) {
        return !cast<RankedTensorType>(sequence.getType()).isDynamicDim(0);
      });
  if (fixedSteps) {
    if (succeeded(s.requireUnchunkedOperands(op)))
      return success();
    return s.fail(op, op.getSequences().empty()
                          ? "a scan over no sequences does not step with "
                            "the stream"
                          : "a scan over a fixed number of steps does not "
                            "step with the stream");
  }
  if (std::string why = futureSteps(op); !why.empty())
    return s.fail(op, why);
  for (Value sequence : op.getSequences())
    if (failed(s.claimTimeDim(op, sequence, 0)))
      return failure();
  // The body may read tensors from outside whole (a memory, an encoder's
  // output), but not one as long as the sequence (also another input of
  // the time axis's name, chunked alike: m[:, 0] would read each chunk's
  // first step), or of a length computed from it: it would read steps the
  // chunk does not hold (a lookahead x[t + 1]) or index the chunk with the
  // stream's step.
  Value sequence = op.getSequences()[0];
  if (capturesSequenceLong(op, sequence, s))
    return s.fail(op, "its body reads a tensor as long as the sequence at "
                      "steps of its own choosing, which a chunk does not "
                      "hold");
  // Nor a value computed from the sequence's length (a scripted loop's
  // `h * (t + 1) / T`, `t == T - 1`): a step would read its chunk's length.
  if (readsLength(op, sequence, s)) {
    // Most often a preallocated output filled step by step (`out[:, t] =
    // h`): a carried value as long as the sequence, or one whose length
    // was decided where the sizes cannot be followed (Mamba's ys of u's
    // length, after its convolution): then the hint says "if".
    LengthDependence lengths(op, sequence, s);
    bool carriesLong = false, mayCarryLong = false;
    for (Value init : op.getInits()) {
      auto type = cast<RankedTensorType>(init.getType());
      for (int64_t d = 0; d < type.getRank(); ++d) {
        Value stuck;
        LengthDependence::Answer answer =
            type.isDynamicDim(d) ? lengths.dimension(init, d, stuck)
                                 : LengthDependence::No;
        carriesLong |= answer == LengthDependence::Yes;
        mayCarryLong |= answer == LengthDependence::Unknown;
      }
    }
    std::string why =
        "its body reads the sequence's length, which a chunk does not know";
    if (carriesLong || mayCarryLong)
      why += std::string(carriesLong ? " (it carries" : " (if it carries") +
             " a tensor as long as the sequence, a preallocated out[:, t] = "
             "h filled step by step: append the steps to a list and "
             "torch.stack it)";
    return s.fail(op, why);
  }
  Location loc = op.getLoc();
  MLIRContext *ctx = op->getContext();
  // A body that reads its step index (a scripted loop's `t`: `x[t] * t`,
  // `lengths > t`) counts from the stream's first step, not the chunk's:
  // the steps seen so far, a [1] i64 state, offset the chunk's index.
  BlockArgument stepIndex = op.getStepIndex();
  if (!stepIndex.use_empty()) {
    auto positionType = RankedTensorType::get({1}, b.getI64Type());
    BlockArgument position = s.addState(positionType, loc);
    b.setInsertionPoint(op);
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value seen = tensor::ExtractOp::create(b, loc, position, ValueRange{zero});
    Value offset = arith::IndexCastOp::create(b, loc, b.getIndexType(), seen);
    Value steps = arith::IndexCastOp::create(
        b, loc, b.getI64Type(),
        tensor::DimOp::create(b, loc, op.getSequences()[0], 0));
    Value next = tensor::FromElementsOp::create(
        b, loc, positionType,
        ValueRange{arith::AddIOp::create(b, loc, seen, steps)});
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&op.getBodyBlock());
    Value global = arith::AddIOp::create(b, loc, stepIndex, offset);
    stepIndex.replaceAllUsesExcept(global, global.getDefiningOp());
    s.carry(position, next, ArrayAttr::get(ctx, {StringAttr::get(ctx, "")}));
    s.explainState(position, "the steps seen so far (the step index's start)");
  }
  if (op.getNumCarried() == 0)
    return success();
  // A carried value's one dimension of run-time size is the batch of the
  // scanned sequence [T, B, ...].
  std::optional<std::string> batch;
  for (Value init : op.getInits()) {
    auto type = cast<RankedTensorType>(init.getType());
    if (type.getNumDynamicDims() > 1)
      return s.fail(op, "a carried value with more than one dimension of "
                        "run-time size cannot be sized when a stream opens");
    if (type.getNumDynamicDims() == 1 && !batch) {
      if (cast<RankedTensorType>(op.getSequences()[0].getType()).getRank() < 2)
        return s.fail(op, "cannot tell which model input dimension is the "
                          "batch dimension of its state");
      FailureOr<std::string> name = s.batchDimName(op, op.getSequences()[0], 1);
      if (failed(name))
        return failure();
      batch = *name;
    }
  }
  b.setInsertionPoint(op);
  for (auto [k, init] : llvm::enumerate(op.getInits())) {
    auto type = cast<RankedTensorType>(init.getType());
    BlockArgument carried = s.addState(type, loc);
    // carried after the first chunk, else the scan's initial value
    Value chosen = s.initialOrCarried(carried, init, loc);
    op.getInitsMutable()[k].set(chosen);
    SmallVector<Attribute> names;
    for (int64_t d = 0; d < type.getRank(); ++d)
      names.push_back(
          StringAttr::get(ctx, type.isDynamicDim(d) && batch ? *batch : ""));
    s.carry(carried, op.getResult(k), ArrayAttr::get(ctx, names));
  }
  return success();
}

/// The external model of each recurrence-like op.
template <typename OpTy>
struct RecurrenceModel
    : StreamableOpInterface::ExternalModel<RecurrenceModel<OpTy>, OpTy> {
  LogicalResult carryStreamState(Operation *op, StreamState &s) const {
    auto typed = cast<OpTy>(op);
    if constexpr (std::is_same_v<OpTy, SelectiveScanOp> ||
                  std::is_same_v<OpTy, WkvOp>)
      return carryBatchMajorScan(typed, s);
    else if constexpr (std::is_same_v<OpTy, LinearAttentionOp>)
      return carryLinearAttention(typed, s);
    else if constexpr (std::is_same_v<OpTy, ScanOp>)
      return carryScan(typed, s);
    else
      return carryRecurrence(cast<RecurrenceOpInterface>(op), s);
  }
  std::string futureStepsReason(Operation *op, StreamState &) const {
    if constexpr (std::is_same_v<OpTy, ScanOp>)
      return futureSteps(cast<ScanOp>(op));
    else if constexpr (std::is_same_v<OpTy, SelectiveScanOp> ||
                       std::is_same_v<OpTy, WkvOp> ||
                       std::is_same_v<OpTy, LinearAttentionOp>)
      return ""; // forward only
    else if (std::string why = futureSteps(cast<RecurrenceOpInterface>(op));
             !why.empty())
      return why;
    // Per-sequence lengths end each sequence at a step a stream cannot
    // know: said before any op ahead of it fails (a sort of the lengths,
    // pack_padded_sequence(enforce_sorted=False)'s TopK), and, like a
    // bidirectional one, an encoder's run over inputs given whole to every
    // chunk is kept as it is.
    else if (cast<RecurrenceOpInterface>(op).getSequenceLens())
      return kSequenceLensReason;
    return "";
  }
};

} // namespace

void attachRecurrenceStreamingModels(MLIRContext *ctx) {
  RnnOp::attachInterface<RecurrenceModel<RnnOp>>(*ctx);
  LstmOp::attachInterface<RecurrenceModel<LstmOp>>(*ctx);
  GruOp::attachInterface<RecurrenceModel<GruOp>>(*ctx);
  SelectiveScanOp::attachInterface<RecurrenceModel<SelectiveScanOp>>(*ctx);
  WkvOp::attachInterface<RecurrenceModel<WkvOp>>(*ctx);
  LinearAttentionOp::attachInterface<RecurrenceModel<LinearAttentionOp>>(*ctx);
  ScanOp::attachInterface<RecurrenceModel<ScanOp>>(*ctx);
}

} // namespace seqc::seq
