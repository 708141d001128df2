//===- DecomposeWkv.cpp - seq.wkv to chunked scans ----------------------===//
//
// Rewrites RWKV-4's WKV into an scf.for over chunks of time steps: per
// chunk one parallel generic lays the chunk's keys and values out
// time-major, and a seq.scan carries the kernels' state (aa, bb, pp, each
// [B, C]) through the chunk's steps with one fused elementwise generic per
// step. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/Passes.h"
#include "dialects/Seq/Transforms/RecurrenceCells.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "seq-decompose-wkv"

namespace seqc::seq {
#define GEN_PASS_DEF_DECOMPOSEWKVPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

using utils::IteratorType;

/// The kernels' pp before the first step: no exponent (exp(pp - q) is 0).
constexpr double kNoExponent = -1e38;

/// The sizes of one WKV and the builders of its chunks.
class WkvLowering {
public:
  WkvLowering(WkvOp op, OpBuilder &b)
      : op(op), loc(op.getLoc()), ctx(op.getContext()),
        elementType(
            cast<RankedTensorType>(op.getKey().getType()).getElementType()) {
    Value k = op.getKey();
    batch = getDimSize(b, loc, k, 0);
    steps = getDimSize(b, loc, k, 1);
    channels = getDimSize(b, loc, k, 2);
  }

  /// Run-time checks of every extent the types do not prove equal to the
  /// key's.
  void emitChecks(OpBuilder &b) {
    auto expect = [&](Value operand, StringRef role,
                      ArrayRef<OpFoldResult> dims) {
      createOperandExtentChecks(b, op, operand, role, dims, "'key' makes it");
    };
    expect(op.getValue(), "value", {batch, steps, channels});
    expect(op.getDecay(), "decay", {channels});
    expect(op.getBonus(), "bonus", {channels});
    expect(op.getInitialState(), "initial_state",
           {batch, b.getIndexAttr(3), channels});
  }

  void rewrite(PatternRewriter &rewriter, int64_t chunkSteps) {
    auto rowType = RankedTensorType::get(
        {cast<RankedTensorType>(op.getKey().getType()).getDimSize(0),
         cast<RankedTensorType>(op.getKey().getType()).getDimSize(2)},
        elementType);
    SmallVector<Value> state;
    for (int64_t row = 0; row < 3; ++row)
      state.push_back(initialRow(rewriter, row, rowType));
    state.push_back(createEmptyTensor(rewriter, loc, {batch, steps, channels},
                                      elementType));
    SmallVector<Value> last = emitChunkLoop(
        rewriter, loc, steps, chunkSteps, state,
        [&](OpBuilder &b, OpFoldResult t0, OpFoldResult length,
            ValueRange carried) { return emitChunk(b, t0, length, carried); });
    // The rows aa, bb, pp back into [B, 3, C].
    Value finalState = createEmptyTensor(
        rewriter, loc, {batch, rewriter.getIndexAttr(3), channels},
        elementType);
    for (int64_t row = 0; row < 3; ++row)
      finalState = insertIndexAlong(rewriter, loc, last[row], finalState, 1,
                                    rewriter.getIndexAttr(row));
    rewriter.replaceOp(
        op, {castIfNeeded(rewriter, loc, last[3], op.getResult().getType()),
             castIfNeeded(rewriter, loc, finalState,
                          op.getFinalState().getType())});
  }

private:
  /// Row `row` (aa, bb, pp) of the initial state, or zeros (no steps).
  Value initialRow(OpBuilder &b, int64_t row, RankedTensorType type) {
    if (Value given = op.getInitialState())
      return castIfNeeded(
          b, loc, extractIndexAlong(b, loc, given, 1, b.getIndexAttr(row)),
          type);
    SmallVector<Value> dynamic;
    if (type.isDynamicDim(0))
      dynamic.push_back(getValueOrCreateConstantIndexOp(b, loc, batch));
    if (type.isDynamicDim(1))
      dynamic.push_back(getValueOrCreateConstantIndexOp(b, loc, channels));
    return createFilledTensor(b, loc, type, dynamic, 0.0);
  }

  /// Steps [t0, t0 + length) of a [B, T, C] operand, time-major.
  Value timeMajorChunk(OpBuilder &b, Value value, OpFoldResult t0,
                       OpFoldResult length) {
    OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
    SmallVector<OpFoldResult> offsets = {zero, t0, zero};
    SmallVector<OpFoldResult> sizes = {batch, length, channels};
    SmallVector<OpFoldResult> strides(3, one);
    Value chunk =
        tensor::ExtractSliceOp::create(b, loc, value, offsets, sizes, strides);
    return createTranspose(b, loc, chunk, {1, 0, 2});
  }

  /// One step of the kernels' recurrence over every (b, c), in one generic
  /// that updates aa, bb and pp in place. Returns {aa', bb', pp', y}.
  SmallVector<Value> emitStep(OpBuilder &b, Location l, ValueRange state,
                              Value k, Value v) {
    auto rowType = cast<RankedTensorType>(state[0].getType());
    SmallVector<Value> dynamic;
    for (int64_t d = 0; d < 2; ++d)
      if (rowType.isDynamicDim(d))
        dynamic.push_back(tensor::DimOp::create(b, l, state[0], d));
    Value y = tensor::EmptyOp::create(b, l, rowType, dynamic);
    AffineMap rows = b.getMultiDimIdentityMap(2);
    AffineMap perChannel = selectLoopDims(ctx, 2, {1});
    auto generic = linalg::GenericOp::create(
        b, l, TypeRange{rowType, rowType, rowType, rowType},
        ValueRange{k, v, op.getDecay(), op.getBonus()},
        ValueRange{state[0], state[1], state[2], y},
        {rows, rows, perChannel, perChannel, rows, rows, rows, rows},
        SmallVector<IteratorType>(2, IteratorType::parallel),
        [&](OpBuilder &nb, Location nl, ValueRange a) {
          Value key = a[0], value = a[1], w = a[2], u = a[3];
          Value aa = a[4], bb = a[5], pp = a[6];
          // A state whose bb is 0 holds no steps: its pp is no exponent
          // (the kernels' -1e38), whatever it holds, so a zero state, a
          // new stream's, starts exactly as the kernels do.
          Value holdsNothing = arith::CmpFOp::create(
              nb, nl, arith::CmpFPredicate::OEQ, bb,
              emitFloatConstant(nb, nl, bb.getType(), 0.0));
          pp = arith::SelectOp::create(
              nb, nl, holdsNothing,
              emitFloatConstant(nb, nl, pp.getType(), kNoExponent), pp);
          auto exp = [&](Value x, Value max) -> Value {
            return math::ExpOp::create(nb, nl,
                                       arith::SubFOp::create(nb, nl, x, max));
          };
          auto scaledSum = [&](Value e1, Value x, Value e2, Value y) -> Value {
            return arith::AddFOp::create(
                nb, nl, arith::MulFOp::create(nb, nl, e1, x),
                y ? arith::MulFOp::create(nb, nl, e2, y).getResult() : e2);
          };
          // The output, with the bonus u on the current step.
          Value current = arith::AddFOp::create(nb, nl, u, key);
          Value q = arith::MaximumFOp::create(nb, nl, pp, current);
          Value e1 = exp(pp, q), e2 = exp(current, q);
          Value out =
              arith::DivFOp::create(nb, nl, scaledSum(e1, aa, e2, value),
                                    scaledSum(e1, bb, e2, Value()));
          // The state, decayed by w, with the current step added.
          Value decayed = arith::SubFOp::create(nb, nl, pp, w);
          Value q2 = arith::MaximumFOp::create(nb, nl, decayed, key);
          Value d1 = exp(decayed, q2), d2 = exp(key, q2);
          linalg::YieldOp::create(nb, nl,
                                  ValueRange{scaledSum(d1, aa, d2, value),
                                             scaledSum(d1, bb, d2, Value()), q2,
                                             out});
        });
    return SmallVector<Value>(generic.getResults());
  }

  /// Steps [t0, t0 + length): returns {aa, bb, pp, result}.
  SmallVector<Value> emitChunk(OpBuilder &b, OpFoldResult t0,
                               OpFoldResult length, ValueRange carried) {
    Value k = timeMajorChunk(b, op.getKey(), t0, length);
    Value v = timeMajorChunk(b, op.getValue(), t0, length);
    Value outs =
        createEmptyTensor(b, loc, {length, batch, channels}, elementType);
    auto scan = ScanOp::create(
        b, loc, carried.take_front(3), ValueRange{k, v}, ValueRange{outs},
        /*reverse=*/false,
        [&](OpBuilder &nb, Location nl, Value, ValueRange state,
            ValueRange slices) {
          YieldOp::create(nb, nl,
                          emitStep(nb, nl, state, slices[0], slices[1]));
        });
    // Back to [B, length, C], stored at steps t0.
    Value chunk = createTranspose(b, loc, scan.getOutputs()[0], {1, 0, 2});
    OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
    SmallVector<OpFoldResult> offsets = {zero, t0, zero};
    SmallVector<OpFoldResult> sizes = {batch, length, channels};
    SmallVector<OpFoldResult> strides(3, one);
    Value result = tensor::InsertSliceOp::create(b, loc, chunk, carried[3],
                                                 offsets, sizes, strides);
    SmallVector<Value> next(scan.getFinalStates());
    next.push_back(result);
    return next;
  }

  WkvOp op;
  Location loc;
  MLIRContext *ctx;
  Type elementType;
  OpFoldResult batch, steps, channels;
};

struct DecomposeWkvPass
    : seqc::seq::impl::DecomposeWkvPassBase<DecomposeWkvPass> {
  using Base::Base;
  void runOnOperation() override {
    if (failed(
            checkChunkSteps(getOperation(), "seq-decompose-wkv", chunkSteps)))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeInChunks<WkvOp, WkvLowering>>(&getContext(),
                                                        chunkSteps);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
