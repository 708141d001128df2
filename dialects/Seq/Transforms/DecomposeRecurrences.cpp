//===- DecomposeRecurrences.cpp - named cells to GEMM + seq.scan --------===//
//
// Rewrites seq.rnn, seq.lstm and seq.gru into, per direction, one seq.linear
// over all time steps (the hoisted input projection) and a seq.scan whose
// body does the recurrent product and one fused elementwise epilogue. See
// the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/Passes.h"
#include "dialects/Seq/Transforms/RecurrenceCells.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/IR/AffineMap.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "seq-decompose-recurrences"

namespace seqc::seq {
#define GEN_PASS_DEF_DECOMPOSERECURRENCESPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

//===----------------------------------------------------------------------===//
// The pattern
//===----------------------------------------------------------------------===//

/// Per-direction weights, biases and states, sliced out of the op's [D, ...]
/// operands.
struct DirectionOperands {
  Value w, r, inputBias, recurrentBias, peepholes, projection;
  SmallVector<Value> initialStates;
};

/// Slices [D, ...] operand `value` at direction `dir` (for states: dimension
/// 1 when batch-major).
Value sliceDirection(OpBuilder &b, Location loc, Value value, int64_t dir,
                     int64_t dim = 0) {
  if (!value)
    return value;
  return extractIndexAlong(b, loc, value, dim, b.getIndexAttr(dir));
}

/// Wb + Rb of a direction's [2*G*H] bias, or the halves separately.
std::pair<Value, Value> splitBias(OpBuilder &b, Location loc, Value bias,
                                  int64_t gateRows) {
  Value wb = extractLastDimRange(b, loc, bias, 0, gateRows);
  Value rb = extractLastDimRange(b, loc, bias, gateRows, gateRows);
  return {wb, rb};
}

/// Time steps [t0, t0 + length) of the input, time-major: [length, B, I].
Value extractInputChunk(OpBuilder &b, Location loc,
                        const RecurrenceContext &ctx, OpFoldResult t0,
                        OpFoldResult length) {
  SmallVector<OpFoldResult> offsets(3, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes = {getDimSize(b, loc, ctx.x, 0),
                                     getDimSize(b, loc, ctx.x, 1),
                                     getDimSize(b, loc, ctx.x, 2)};
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  offsets[ctx.timeDim()] = t0;
  sizes[ctx.timeDim()] = length;
  Value chunk =
      tensor::ExtractSliceOp::create(b, loc, ctx.x, offsets, sizes, strides);
  return ctx.batchMajor ? createTranspose(b, loc, chunk, {1, 0, 2}) : chunk;
}

/// The op's `y` before any step ran: [T, D, B, Hout] or [B, T, D, Hout].
Value createSequenceResult(OpBuilder &b, Location loc,
                           const RecurrenceContext &ctx, int64_t hOut) {
  SmallVector<OpFoldResult> sizes;
  if (ctx.batchMajor)
    sizes = {ctx.batch(b), ctx.steps(b), b.getIndexAttr(ctx.numDirections),
             b.getIndexAttr(hOut)};
  else
    sizes = {ctx.steps(b), b.getIndexAttr(ctx.numDirections), ctx.batch(b),
             b.getIndexAttr(hOut)};
  return createEmptyTensor(b, loc, sizes, ctx.elementType);
}

/// Stores a chunk's outputs ([length, B, Hout], steps from t0) into `y` at
/// direction `dir`, in the op's layout.
Value insertOutputChunk(OpBuilder &b, Location loc,
                        const RecurrenceContext &ctx, Value chunk, Value y,
                        OpFoldResult t0, int64_t dir) {
  Value source =
      ctx.batchMajor ? createTranspose(b, loc, chunk, {1, 0, 2}) : chunk;
  int64_t dirDim = ctx.batchMajor ? 2 : 1;
  SmallVector<OpFoldResult> offsets(4, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(4, b.getIndexAttr(1));
  offsets[ctx.timeDim()] = t0;
  offsets[dirDim] = b.getIndexAttr(dir);
  for (int64_t i = 0, sourceDim = 0; i < 4; ++i)
    sizes.push_back(i == dirDim ? OpFoldResult(b.getIndexAttr(1))
                                : getDimSize(b, loc, source, sourceDim++));
  return tensor::InsertSliceOp::create(b, loc, source, y, offsets, sizes,
                                       strides);
}

Value assembleState(OpBuilder &b, Location loc, const RecurrenceContext &ctx,
                    Type resultType, ArrayRef<Value> perDirection) {
  // Per direction: [B, S]. Result: [D, B, S] or [B, D, S].
  int64_t size =
      cast<RankedTensorType>(perDirection.front().getType()).getDimSize(1);
  SmallVector<OpFoldResult> sizes;
  if (ctx.batchMajor)
    sizes = {ctx.batch(b), b.getIndexAttr(ctx.numDirections),
             b.getIndexAttr(size)};
  else
    sizes = {b.getIndexAttr(ctx.numDirections), ctx.batch(b),
             b.getIndexAttr(size)};
  Value result = createEmptyTensor(b, loc, sizes, ctx.elementType);
  for (auto [dir, state] : llvm::enumerate(perDirection))
    result = insertIndexAlong(b, loc, state, result, ctx.batchMajor ? 1 : 0,
                              b.getIndexAttr(dir));
  return castIfNeeded(b, loc, result, resultType);
}

using StepFn = std::function<SmallVector<Value>(
    OpBuilder &, Location, const StepEmitter &, const DirectionOperands &,
    Value xw, ValueRange carried)>;

/// One recurrence as the chunk loop needs it, whatever its cell.
struct Stage {
  Operation *op;
  RecurrenceContext ctx;
  /// Width of each carried state (h first: its width is y's).
  SmallVector<int64_t> stateSizes;
  std::function<DirectionOperands(OpBuilder &, int64_t dir)> gather;
  StepFn stepFn;
  /// Emits the run-time checks of the op's operand shapes and lengths.
  std::function<void(OpBuilder &)> emitChecks;
};

/// The operands every cell has, sliced for direction `dir`: W, R, the
/// biases (Rb folded into the input GEMM's bias unless `keepRecurrentBias`)
/// and initial_h.
DirectionOperands gatherCommon(OpBuilder &b, RecurrenceOpInterface op,
                               int64_t dir, bool keepRecurrentBias) {
  Location loc = op.getLoc();
  int64_t gateRows = op.getNumGates() * op.getHiddenSize();
  DirectionOperands d;
  d.w = sliceDirection(b, loc, op.getW(), dir);
  d.r = sliceDirection(b, loc, op.getR(), dir);
  if (Value bias = sliceDirection(b, loc, op.getBias(), dir)) {
    auto [wb, rb] = splitBias(b, loc, bias, gateRows);
    if (keepRecurrentBias) {
      d.inputBias = wb;
      d.recurrentBias = rb;
    } else {
      d.inputBias = arith::AddFOp::create(b, loc, wb, rb);
    }
  }
  for (unsigned k = 0, e = op.getNumStates(); k < e; ++k)
    d.initialStates.push_back(sliceDirection(b, loc, op.getInitialState(k), dir,
                                             op.isBatchMajor() ? 1 : 0));
  return d;
}

/// ONNX Runtime rejects a sequence length outside [0, T]; so does the run
/// (a value check per batch row: the masks below treat such a length as
/// clamped, so nothing reads out of range meanwhile).
void checkSequenceLengths(OpBuilder &b, RecurrenceOpInterface op,
                          const RecurrenceContext &ctx) {
  Location loc = ctx.loc;
  Value lens = ctx.sequenceLens;
  Type lenType = cast<RankedTensorType>(lens.getType()).getElementType();
  Value steps = arith::IndexCastOp::create(
      b, loc, lenType, getValueOrCreateConstantIndexOp(b, loc, ctx.steps(b)));
  Value zeroLen =
      arith::ConstantOp::create(b, loc, b.getIntegerAttr(lenType, 0));
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value rows =
      getValueOrCreateConstantIndexOp(b, loc, getDimSize(b, loc, lens, 0));
  std::string message = "sequence_lens holds {}, outside [0, T] (" +
                        describeOrigin(op->getName().getStringRef(), loc) + ")";
  scf::ForOp::create(
      b, loc, zero, rows, one, ValueRange{},
      [&](OpBuilder &nb, Location nl, Value row, ValueRange) {
        Value len = tensor::ExtractOp::create(nb, nl, lens, ValueRange{row});
        Value ok = arith::AndIOp::create(
            nb, nl,
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::sge, len,
                                  zeroLen),
            arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::sle, len,
                                  steps));
        createCheck(nb, nl, ok, len, message, CheckKind::value);
        scf::YieldOp::create(nb, nl);
      });
}

/// The verifier accepts a dynamic extent against anything; the lowering
/// slices W, R, biases and states with the sizes the input and the
/// attributes imply. Every extent the types leave open is checked once, at
/// the entry, so that a W of the wrong width (an operand that is a graph
/// input) or an initial state with the export's batch baked in
/// (Expand(zeros[1, 3, H])) is an error instead of a silent slice.
void checkOperandShapes(OpBuilder &b, RecurrenceOpInterface op) {
  Location loc = op.getLoc();
  std::string opName = describeOrigin(op->getName().getStringRef(), loc);
  Value x = op.getInput();
  bool batchMajor = op.isBatchMajor();
  auto attr = [&](int64_t v) -> OpFoldResult { return b.getIndexAttr(v); };
  int64_t D = op.getNumDirections(), H = op.getHiddenSize();
  int64_t GH = op.getNumGates() * H;
  OpFoldResult I = getDimSize(b, loc, x, 2);
  OpFoldResult B = getDimSize(b, loc, x, batchMajor ? 0 : 1);
  OpFoldResult P = attr(H);
  auto lstm = dyn_cast<LstmOp>(op.getOperation());
  if (lstm && lstm.getProjection())
    P = getDimSize(b, loc, lstm.getProjection(), 1);
  auto stateDims = [&](OpFoldResult width) -> SmallVector<OpFoldResult> {
    if (batchMajor)
      return {B, attr(D), width};
    return {attr(D), B, width};
  };
  auto expect = [&](Value operand, ArrayRef<OpFoldResult> dims,
                    StringRef role) {
    if (!operand)
      return;
    createExtentChecks(b, loc, operand, dims, opName + ": '" + role + "'",
                       "the input and the attributes make it");
  };
  expect(op.getW(), {attr(D), attr(GH), I}, "w");
  expect(op.getR(), {attr(D), attr(GH), P}, "r");
  expect(op.getBias(), {attr(D), attr(2 * GH)}, "bias");
  expect(op.getInitialState(0), stateDims(P), "initial_h");
  expect(op.getSequenceLens(), {B}, "sequence_lens");
  if (lstm) {
    expect(lstm.getInitialC(), stateDims(attr(H)), "initial_c");
    expect(lstm.getPeepholes(), {attr(D), attr(3 * H)}, "peepholes");
    expect(lstm.getProjection(), {attr(D), P, attr(H)}, "projection");
  }
}

RecurrenceContext recurrenceContext(RecurrenceOpInterface op) {
  return RecurrenceContext{
      op.getLoc(),
      op.getInput(),
      cast<RankedTensorType>(op.getInput().getType()).getElementType(),
      static_cast<int64_t>(op.getHiddenSize()),
      op.getClip() ? std::optional<float>(op.getClip()->convertToFloat())
                   : std::nullopt,
      op.getSequenceLens(),
      op.isBatchMajor(),
      op.getNumDirections(),
      op.getDirection(),
      [op](unsigned dir, unsigned slot) mutable {
        return op.getActivation(dir, slot);
      }};
}

Stage makeStage(RecurrenceOpInterface op, SmallVector<int64_t> stateSizes,
                std::function<DirectionOperands(OpBuilder &, int64_t)> gather,
                StepFn stepFn) {
  Stage s{op,
          recurrenceContext(op),
          std::move(stateSizes),
          std::move(gather),
          std::move(stepFn),
          nullptr};
  s.emitChecks = [op, ctx = s.ctx](OpBuilder &b) {
    checkOperandShapes(b, op);
    if (ctx.sequenceLens)
      checkSequenceLengths(b, op, ctx);
  };
  return s;
}

FailureOr<Stage> describeRnn(RnnOp op) {
  return makeStage(
      op, {static_cast<int64_t>(op.getHiddenSize())},
      [op](OpBuilder &b, int64_t dir) {
        return gatherCommon(b, op, dir, /*keepRecurrentBias=*/false);
      },
      [](OpBuilder &b, Location l, const StepEmitter &emit,
         const DirectionOperands &d, Value xw, ValueRange carried) {
        return emitRnnStep(b, l, emit, d.r, xw, carried);
      });
}

FailureOr<Stage> describeLstm(LstmOp op) {
  int64_t hs = op.getHiddenSize();
  int64_t hOut = hs;
  if (Value projection = op.getProjection()) {
    hOut = cast<RankedTensorType>(projection.getType()).getDimSize(1);
    if (ShapedType::isDynamic(hOut))
      return failure(); // reported by the pass
  }
  return makeStage(
      op, {hOut, hs},
      [op](OpBuilder &b, int64_t dir) mutable {
        Location loc = op.getLoc();
        // initial_h and initial_c come with the common operands.
        DirectionOperands d =
            gatherCommon(b, op, dir, /*keepRecurrentBias=*/false);
        d.peepholes = sliceDirection(b, loc, op.getPeepholes(), dir);
        d.projection = sliceDirection(b, loc, op.getProjection(), dir);
        return d;
      },
      [op](OpBuilder &b, Location l, const StepEmitter &emit,
           const DirectionOperands &d, Value xw, ValueRange carried) {
        return emitLstmStep(b, l, emit, op, d.r, d.peepholes, d.projection, xw,
                            carried);
      });
}

FailureOr<Stage> describeGru(GruOp op) {
  bool linearBeforeReset = op.getLinearBeforeReset();
  return makeStage(
      op, {static_cast<int64_t>(op.getHiddenSize())},
      [op, linearBeforeReset](OpBuilder &b, int64_t dir) {
        // Rb_h must stay inside r * (...) when the reset gate applies after
        // the product; otherwise every recurrent bias folds into the input
        // GEMM.
        return gatherCommon(b, op, dir,
                            /*keepRecurrentBias=*/linearBeforeReset);
      },
      [linearBeforeReset](OpBuilder &b, Location l, const StepEmitter &emit,
                          const DirectionOperands &d, Value xw,
                          ValueRange carried) {
        return emitGruStep(b, l, emit, linearBeforeReset, d.r, d.recurrentBias,
                           xw, carried);
      });
}

FailureOr<Stage> describeStage(Operation *op) {
  if (auto rnn = dyn_cast<RnnOp>(op))
    return describeRnn(rnn);
  if (auto lstm = dyn_cast<LstmOp>(op))
    return describeLstm(lstm);
  if (auto gru = dyn_cast<GruOp>(op))
    return describeGru(gru);
  return failure();
}

bool isRecurrence(Operation *op) {
  return isa_and_nonnull<RecurrenceOpInterface>(op);
}

/// Users of `value` that are not tensor.dim (which the replacement answers).
bool hasDataUsers(Value value) {
  return llvm::any_of(value.getUsers(), [](Operation *user) {
    return !isa<tensor::DimOp>(user);
  });
}

/// The next layer of `producer` when its whole `y` is read only by that
/// layer: both single-direction forward, the same layout, and y reaching
/// the next layer's input through the collapse that drops its directions
/// dimension. Null otherwise.
Operation *getNextLayer(Operation *producer) {
  if (!isRecurrence(producer))
    return nullptr;
  auto recurrence = cast<RecurrenceOpInterface>(producer);
  Value y = recurrence.getY();
  auto yType = cast<RankedTensorType>(y.getType());
  RecurrenceContext ctx = recurrenceContext(recurrence);
  if (ctx.numDirections != 1 || ctx.direction != Direction::forward)
    return nullptr;
  tensor::CollapseShapeOp collapse;
  for (Operation *user : y.getUsers()) {
    if (isa<tensor::DimOp>(user))
      continue;
    if (collapse || !(collapse = dyn_cast<tensor::CollapseShapeOp>(user)))
      return nullptr;
  }
  if (!collapse || yType.getRank() != 4)
    return nullptr;
  // The merged pair must contain the directions dimension.
  int64_t directionsDim = ctx.batchMajor ? 2 : 1;
  bool dropsDirections = false;
  for (const ReassociationIndices &group : collapse.getReassociationIndices())
    if (group.size() == 2 && llvm::is_contained(group, directionsDim))
      dropsDirections = true;
  if (!dropsDirections)
    return nullptr;
  Operation *consumer = nullptr;
  for (OpOperand &use : collapse->getUses()) {
    if (isa<tensor::DimOp>(use.getOwner()))
      continue;
    if (consumer || use.getOperandNumber() != 0 ||
        !isRecurrence(use.getOwner()))
      return nullptr;
    consumer = use.getOwner();
  }
  if (!consumer || consumer->getBlock() != producer->getBlock())
    return nullptr;
  FailureOr<Stage> next = describeStage(consumer);
  if (failed(next) || next->ctx.numDirections != 1 ||
      next->ctx.direction != Direction::forward ||
      next->ctx.batchMajor != ctx.batchMajor)
    return nullptr;
  return consumer;
}

Operation *getFusableConsumer(Operation *producer);

/// The last op of the chain `op` belongs to (where the chain is emitted).
Operation *getChainRoot(Operation *op) {
  while (Operation *consumer = getFusableConsumer(op))
    op = consumer;
  return op;
}

/// The next layer, when `producer` can run in the same chunk loop as it (a
/// stacked RNN). The chain's loop is emitted at its last op, so every
/// other use of the producer's final states must come after that op.
Operation *getFusableConsumer(Operation *producer) {
  Operation *consumer = getNextLayer(producer);
  if (!consumer)
    return nullptr;
  Operation *root = getChainRoot(consumer);
  Block *block = root->getBlock();
  for (Value state : producer->getResults().drop_front())
    for (Operation *user : state.getUsers()) {
      Operation *ancestor = block->findAncestorOpInBlock(*user);
      if (!ancestor || !root->isBeforeInBlock(ancestor))
        return nullptr;
    }
  return consumer;
}

/// Rewrites a chain of recurrences — one op, or stacked single-direction
/// forward layers — into, per direction, one scf.for over chunks of
/// `chunkSteps` steps. The pattern is rooted at the chain's last op.
struct DecomposeRecurrenceChain : RewritePattern {
  DecomposeRecurrenceChain(MLIRContext *context, int64_t chunkSteps)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context),
        chunkSteps(chunkSteps) {}

  LogicalResult matchAndRewrite(Operation *root,
                                PatternRewriter &rewriter) const override {
    if (!isRecurrence(root))
      return failure();
    if (getFusableConsumer(root))
      return rewriter.notifyMatchFailure(root, "runs in its consumer's loop");
    SmallVector<Operation *> ops = {root};
    while (true) {
      Value input = ops.front()->getOperand(0);
      auto collapse = input.getDefiningOp<tensor::CollapseShapeOp>();
      Operation *producer =
          collapse ? collapse.getSrc().getDefiningOp() : nullptr;
      if (!isRecurrence(producer) ||
          getFusableConsumer(producer) != ops.front())
        break;
      ops.insert(ops.begin(), producer);
    }
    SmallVector<Stage, 2> stages;
    for (Operation *op : ops) {
      FailureOr<Stage> stage = describeStage(op);
      if (failed(stage))
        return rewriter.notifyMatchFailure(op, "cannot be decomposed");
      stages.push_back(std::move(*stage));
    }
    // Insert after the last op: every operand of the chain is defined.
    rewriter.setInsertionPoint(root);
    for (Stage &stage : stages)
      stage.emitChecks(rewriter);
    decompose(stages, rewriter);
    return success();
  }

  /// Emits the chunk loops of `stages` (several only when each is a
  /// single-direction forward recurrence feeding the next) and replaces
  /// their results.
  void decompose(ArrayRef<Stage> stages, PatternRewriter &rewriter) const {
    const Stage &first = stages.front(), &last = stages.back();
    const RecurrenceContext &ctx = last.ctx;
    Location loc = last.op->getLoc();

    // The steps run in chunks of `chunkSteps`: per chunk and layer, the
    // input projection of the chunk's steps (one GEMM of chunkSteps * B
    // rows) and the scan over them, the next layer reading the chunk the
    // previous one just produced. Temporaries are then bounded by the
    // chunk, not by T, and the projected chunk is still in cache when the
    // scan reads it. A `y` nobody reads is not stored at all.
    int64_t hOut = last.stateSizes.front();
    bool storeOutputs = hasDataUsers(last.op->getResult(0));
    Value y =
        storeOutputs ? createSequenceResult(rewriter, loc, ctx, hOut) : Value();
    MLIRContext *mlirCtx = rewriter.getContext();
    AffineExpr s0 = getAffineSymbolExpr(0, mlirCtx);
    AffineExpr s1 = getAffineSymbolExpr(1, mlirCtx);
    int64_t k = chunkSteps;
    OpFoldResult steps = first.ctx.steps(rewriter);
    // Whole chunks in the loop, so that its temporaries have a static
    // number of steps (allocated once, before the loop); the remaining
    // T mod chunkSteps steps after it, or before it for a reverse direction.
    auto [fullChunks, remainderStart, remainder] =
        splitIntoChunks(rewriter, loc, steps, k);
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);

    // finals[stage][state][dir]
    SmallVector<SmallVector<SmallVector<Value>>> finals;
    for (const Stage &stage : stages)
      finals.emplace_back(stage.stateSizes.size());
    for (int64_t dir = 0; dir < ctx.numDirections; ++dir) {
      SmallVector<DirectionOperands> operands;
      SmallVector<Value> carried;
      for (const Stage &stage : stages) {
        operands.push_back(stage.gather(rewriter, dir));
        for (auto [index, size] : llvm::enumerate(stage.stateSizes)) {
          RankedTensorType type = stage.ctx.stateType(size);
          if (Value init = operands.back().initialStates[index]) {
            carried.push_back(castIfNeeded(rewriter, loc, init, type));
            continue;
          }
          SmallVector<Value> dynamic;
          if (type.isDynamicDim(0))
            dynamic.push_back(getValueOrCreateConstantIndexOp(
                rewriter, loc, stage.ctx.batch(rewriter)));
          carried.push_back(
              createFilledTensor(rewriter, loc, type, dynamic, 0.0));
        }
      }
      if (storeOutputs)
        carried.push_back(y);
      // Several stages are all forward (getFusableConsumer).
      bool reverse = ctx.isReverse(dir);

      // Steps [t0, t0 + length) of every stage: returns the next carried
      // values (the stages' states, then y when stored).
      auto emitChunk = [&](OpBuilder &b, OpFoldResult t0, OpFoldResult length,
                           ValueRange current) {
        Value t0Value = getValueOrCreateConstantIndexOp(b, loc, t0);
        Value input = extractInputChunk(b, loc, first.ctx, t0, length);
        SmallVector<Value> next;
        unsigned stateOffset = 0;
        // Indexed, not a structured binding: the step lambda captures the
        // stage (capturing a binding needs C++20).
        for (size_t index = 0; index < stages.size(); ++index) {
          const Stage &stage = stages[index];
          const DirectionOperands &ops = operands[index];
          unsigned n = stage.stateSizes.size();
          Location l = stage.op->getLoc();
          Value xw = createLinear(b, l, input, ops.w, ops.inputBias);
          bool isLast = index + 1 == stages.size();
          bool needOutputs = !isLast || storeOutputs;
          int64_t width = stage.stateSizes.front();
          SmallVector<Value> outs;
          if (needOutputs)
            outs.push_back(createEmptyTensor(
                b, l, {length, stage.ctx.batch(b), b.getIndexAttr(width)},
                stage.ctx.elementType));
          auto scan = ScanOp::create(
              b, l, current.slice(stateOffset, n), ValueRange{xw}, outs,
              reverse,
              [&](OpBuilder &nb, Location nl, Value step, ValueRange states,
                  ValueRange slices) {
                Value globalStep = arith::AddIOp::create(nb, nl, t0Value, step);
                StepEmitter emit{stage.ctx, dir, globalStep};
                SmallVector<Value> yields =
                    stage.stepFn(nb, nl, emit, ops, slices[0], states);
                if (!needOutputs)
                  yields.pop_back();
                YieldOp::create(nb, nl, yields);
              });
          llvm::append_range(next, scan.getFinalStates());
          stateOffset += n;
          if (!isLast)
            input = scan.getOutputs()[0];
          else if (storeOutputs)
            next.push_back(insertOutputChunk(b, l, ctx, scan.getOutputs()[0],
                                             current.back(), t0, dir));
        }
        return next;
      };

      // No remainder chunk when T is a static multiple of chunkSteps: its
      // slice would start at T, past a static axis.
      bool hasRemainder = !isConstantIntValue(remainder, 0);
      if (reverse && hasRemainder)
        carried = emitChunk(rewriter, remainderStart, remainder, carried);
      // The body is built once the loop exists: affine builders look at
      // the induction variable's parent op.
      auto loop = scf::ForOp::create(
          rewriter, loc, zero,
          getValueOrCreateConstantIndexOp(rewriter, loc, fullChunks), one,
          carried);
      {
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPointToStart(loop.getBody());
        Value iv = loop.getInductionVar();
        // A reverse direction takes the chunks from the last one.
        OpFoldResult t0 =
            reverse ? affine::makeComposedFoldedAffineApply(
                          rewriter, loc, (s0 - s1 - 1) * k, {fullChunks, iv})
                    : affine::makeComposedFoldedAffineApply(rewriter, loc,
                                                            s0 * k, {iv});
        scf::YieldOp::create(rewriter, loc,
                             emitChunk(rewriter, t0, rewriter.getIndexAttr(k),
                                       loop.getRegionIterArgs()));
      }
      carried = loop.getResults();
      if (!reverse && hasRemainder)
        carried = emitChunk(rewriter, remainderStart, remainder, carried);

      unsigned result = 0;
      for (auto [index, stage] : llvm::enumerate(stages))
        for (unsigned i = 0; i < stage.stateSizes.size(); ++i)
          finals[index][i].push_back(carried[result++]);
      if (storeOutputs)
        y = carried.back();
    }

    // Every stage's final states; y only from the last one. A y that is
    // not stored (read only for its sizes, or by the next layer, which is
    // replaced too) becomes an empty tensor, which folds away.
    for (auto [index, stage] : llvm::enumerate(stages)) {
      bool isLast = index + 1 == stages.size();
      Value stageY = y;
      if (!isLast || !storeOutputs) {
        // Where the op's y was: its sizes may be read before the root.
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPointAfter(stage.op);
        stageY = castIfNeeded(rewriter, loc,
                              createSequenceResult(rewriter, loc, stage.ctx,
                                                   stage.stateSizes.front()),
                              stage.op->getResult(0).getType());
      }
      SmallVector<Value> results = {castIfNeeded(
          rewriter, loc, stageY, stage.op->getResult(0).getType())};
      for (unsigned i = 0; i < stage.stateSizes.size(); ++i)
        results.push_back(assembleState(rewriter, loc, stage.ctx,
                                        stage.op->getResult(1 + i).getType(),
                                        finals[index][i]));
      rewriter.replaceOp(stage.op, results);
    }
  }

  int64_t chunkSteps;
};

struct DecomposeRecurrencesPass
    : seqc::seq::impl::DecomposeRecurrencesPassBase<DecomposeRecurrencesPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    if (failed(checkChunkSteps(getOperation(), "seq-decompose-recurrences",
                               chunkSteps)))
      return signalPassFailure();
    // First the consumers that need only the final state, so that the
    // decomposition sees which outputs are still read.
    RewritePatternSet lastStep(&getContext());
    populateFoldLastStepPatterns(lastStep);
    if (failed(applyPatternsGreedily(getOperation(), std::move(lastStep))))
      return signalPassFailure();
    populateDecomposeRecurrencesPatterns(patterns, chunkSteps);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    bool failedAny = false;
    getOperation()->walk([&](Operation *op) {
      if (auto lstm = dyn_cast<LstmOp>(op)) {
        lstm.emitError() << "cannot decompose 'seq.lstm': the projection "
                            "size must be static";
        failedAny = true;
      }
    });
    if (failedAny)
      signalPassFailure();
  }
};

} // namespace

void seqc::seq::populateDecomposeRecurrencesPatterns(
    RewritePatternSet &patterns, int64_t chunkSteps) {
  patterns.add<DecomposeRecurrenceChain>(patterns.getContext(), chunkSteps);
}
