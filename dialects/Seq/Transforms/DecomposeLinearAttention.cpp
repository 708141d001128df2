//===- DecomposeLinearAttention.cpp - seq.linear_attention to scans ------===//
//
// Rewrites causal linear attention into an scf.for over chunks of time
// steps: per chunk one parallel generic applies the feature map to every
// step's queries and keys (time-major, for the scan), and a seq.scan
// carries the [Dk, Dv] state and the [Dk] normaliser through the chunk's
// steps. See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/Passes.h"
#include "dialects/Seq/Transforms/RecurrenceCells.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Utils/StructuredOpsUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "seq-decompose-linear-attention"

namespace seqc::seq {
#define GEN_PASS_DEF_DECOMPOSELINEARATTENTIONPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

using utils::IteratorType;

/// The sizes of one linear attention and the builders of its chunk.
class LinearAttentionLowering {
public:
  LinearAttentionLowering(LinearAttentionOp op, OpBuilder &b)
      : op(op), loc(op.getLoc()), ctx(op.getContext()),
        elementType(
            cast<RankedTensorType>(op.getQuery().getType()).getElementType()) {
    Value q = op.getQuery();
    batch = getDimSize(b, loc, q, 0);
    heads = getDimSize(b, loc, q, 1);
    steps = getDimSize(b, loc, q, 2);
    keySize = getDimSize(b, loc, q, 3);
    valueSize = getDimSize(b, loc, op.getValue(), 3);
  }

  /// Run-time checks of every extent the types do not prove equal to the
  /// one the query (and, for Dv, the value) defines.
  void emitChecks(OpBuilder &b) {
    auto expect = [&](Value operand, StringRef role,
                      ArrayRef<OpFoldResult> dims) {
      createOperandExtentChecks(b, op, operand, role, dims, "'query' and 'value' make it");
    };
    expect(op.getKey(), "key", {batch, heads, steps, keySize});
    expect(op.getValue(), "value", {batch, heads, steps, valueSize});
    expect(op.getInitialState(), "initial_state",
           {batch, heads, keySize, valueSize});
    expect(op.getInitialNormalizer(), "initial_normalizer",
           {batch, heads, keySize});
  }

  void rewrite(PatternRewriter &rewriter, int64_t chunkSteps) {
    auto stateType = cast<RankedTensorType>(op.getFinalState().getType());
    auto normalizerType =
        cast<RankedTensorType>(op.getFinalNormalizer().getType());
    Value state = initial(rewriter, op.getInitialState(), stateType,
                          {batch, heads, keySize, valueSize});
    Value normalizer = initial(rewriter, op.getInitialNormalizer(),
                               normalizerType, {batch, heads, keySize});
    Value out = createEmptyTensor(
        rewriter, loc, {batch, heads, steps, valueSize}, elementType);
    SmallVector<Value> last = emitChunkLoop(
        rewriter, loc, steps, chunkSteps, ValueRange{state, normalizer, out},
        [&](OpBuilder &b, OpFoldResult t0, OpFoldResult length,
            ValueRange carried) { return emitChunk(b, t0, length, carried); });
    rewriter.replaceOp(
        op, {castIfNeeded(rewriter, loc, last[2], op.getResult().getType()),
             castIfNeeded(rewriter, loc, last[0], stateType),
             castIfNeeded(rewriter, loc, last[1], normalizerType)});
  }

private:
  /// `given` as `type`, or zeros of `sizes`.
  Value initial(OpBuilder &b, Value given, RankedTensorType type,
                ArrayRef<OpFoldResult> sizes) {
    if (given)
      return castIfNeeded(b, loc, given, type);
    SmallVector<Value> dynamic;
    for (auto [i, size] : llvm::enumerate(sizes))
      if (type.isDynamicDim(i))
        dynamic.push_back(getValueOrCreateConstantIndexOp(b, loc, size));
    return createFilledTensor(b, loc, type, dynamic, 0.0);
  }

  /// Steps [t0, t0 + length) of a [B, H, T, X] operand, time-major
  /// [length, B, H, X] with the feature map applied when `mapped`.
  Value timeMajorChunk(OpBuilder &b, Value value, OpFoldResult t0,
                       OpFoldResult length, bool mapped) {
    OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
    OpFoldResult width = getDimSize(b, loc, value, 3);
    SmallVector<OpFoldResult> offsets = {zero, zero, t0, zero};
    SmallVector<OpFoldResult> sizes = {batch, heads, length, width};
    SmallVector<OpFoldResult> strides(4, one);
    Value chunk =
        tensor::ExtractSliceOp::create(b, loc, value, offsets, sizes, strides);
    Value init =
        createEmptyTensor(b, loc, {length, batch, heads, width}, elementType);
    bool elu = mapped && op.getFeatureMap() == FeatureMap::elu_plus_one;
    // Loop dimensions (s, b, h, x): a transpose, with phi on the way.
    return linalg::GenericOp::create(
               b, loc, TypeRange{init.getType()}, ValueRange{chunk},
               ValueRange{init},
               {selectLoopDims(ctx, 4, {1, 2, 0, 3}),
                b.getMultiDimIdentityMap(4)},
               SmallVector<IteratorType>(4, IteratorType::parallel),
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value x = args[0];
                 if (elu)
                   x = arith::AddFOp::create(
                       nb, nl,
                       emitActivation(
                           nb, nl,
                           ActivationAttr::get(ctx, ActivationKind::elu), x),
                       emitFloatConstant(nb, nl, x.getType(), 1.0));
                 linalg::YieldOp::create(nb, nl, x);
               })
        .getResult(0);
  }

  /// One step: S' = S + phi(k) v^T, z' = z + phi(k), o = phi(q)^T S'
  /// (/ (phi(q)^T z' + epsilon)). Returns {S', z', o}.
  SmallVector<Value> emitStep(OpBuilder &b, Location l, Value state,
                              Value normalizer, Value q, Value k, Value v) {
    auto stateType = cast<RankedTensorType>(state.getType());
    auto normalizerType = cast<RankedTensorType>(normalizer.getType());
    // acc + x, or acc + x * y: the body of both state updates.
    auto add = [](OpBuilder &bb, Location bl, ValueRange args) {
      linalg::YieldOp::create(
          bb, bl,
          ValueRange{arith::AddFOp::create(
              bb, bl, args[0],
              args.size() > 3
                  ? arith::MulFOp::create(bb, bl, args[1], args[2]).getResult()
                  : args[1])});
    };
    // Loop dimensions (b, h, i, j): S'[i, j] = S[i, j] + k[i] * v[j].
    // Both updates write into the carried value: bufferization updates the
    // state in place and the step's temporaries get loop-invariant sizes.
    Value stateNext =
        linalg::GenericOp::create(
            b, l, TypeRange{stateType}, ValueRange{state, k, v},
            ValueRange{state},
            {b.getMultiDimIdentityMap(4), selectLoopDims(ctx, 4, {0, 1, 2}),
             selectLoopDims(ctx, 4, {0, 1, 3}), b.getMultiDimIdentityMap(4)},
            SmallVector<IteratorType>(4, IteratorType::parallel), add)
            .getResult(0);
    // Loop dimensions (b, h, i): z'[i] = z[i] + k[i].
    Value normalizerNext =
        linalg::GenericOp::create(
            b, l, TypeRange{normalizerType}, ValueRange{normalizer, k},
            ValueRange{normalizer},
            SmallVector<AffineMap>(3, b.getMultiDimIdentityMap(3)),
            SmallVector<IteratorType>(3, IteratorType::parallel), add)
            .getResult(0);
    // Loop dimensions (b, h, j, i): o[j] = sum_i q[i] * S'[i, j].
    auto outType =
        RankedTensorType::get({stateType.getDimSize(0), stateType.getDimSize(1),
                               stateType.getDimSize(3)},
                              elementType);
    SmallVector<Value> outSizes;
    if (outType.isDynamicDim(0))
      outSizes.push_back(tensor::DimOp::create(b, l, state, 0));
    if (outType.isDynamicDim(1))
      outSizes.push_back(tensor::DimOp::create(b, l, state, 1));
    if (outType.isDynamicDim(2))
      outSizes.push_back(tensor::DimOp::create(b, l, state, 3));
    auto mulAdd = [](OpBuilder &bb, Location bl, ValueRange args) {
      Value product = arith::MulFOp::create(bb, bl, args[0], args[1]);
      linalg::YieldOp::create(
          bb, bl, ValueRange{arith::AddFOp::create(bb, bl, args[2], product)});
    };
    Value out =
        linalg::GenericOp::create(
            b, l, TypeRange{outType}, ValueRange{q, stateNext},
            ValueRange{createFilledTensor(b, l, outType, outSizes, 0.0)},
            {selectLoopDims(ctx, 4, {0, 1, 3}),
             selectLoopDims(ctx, 4, {0, 1, 3, 2}),
             selectLoopDims(ctx, 4, {0, 1, 2})},
            {IteratorType::parallel, IteratorType::parallel,
             IteratorType::parallel, IteratorType::reduction},
            mulAdd)
            .getResult(0);
    if (!op.getNormalize())
      return {stateNext, normalizerNext, out};
    // Loop dimensions (b, h, i): den = sum_i q[i] * z'[i]; o / (den + eps).
    auto denType = RankedTensorType::get(
        {stateType.getDimSize(0), stateType.getDimSize(1)}, elementType);
    SmallVector<Value> denSizes(
        outSizes.begin(), outSizes.begin() + (outType.isDynamicDim(0) ? 1 : 0) +
                              (outType.isDynamicDim(1) ? 1 : 0));
    Value den =
        linalg::GenericOp::create(
            b, l, TypeRange{denType}, ValueRange{q, normalizerNext},
            ValueRange{createFilledTensor(b, l, denType, denSizes, 0.0)},
            {b.getMultiDimIdentityMap(3), b.getMultiDimIdentityMap(3),
             selectLoopDims(ctx, 3, {0, 1})},
            {IteratorType::parallel, IteratorType::parallel,
             IteratorType::reduction},
            mulAdd)
            .getResult(0);
    float epsilon = op.getEpsilon().convertToFloat();
    Value normalized =
        linalg::GenericOp::create(
            b, l, TypeRange{outType}, ValueRange{out, den},
            ValueRange{tensor::EmptyOp::create(b, l, outType, outSizes)},
            {b.getMultiDimIdentityMap(3), selectLoopDims(ctx, 3, {0, 1}),
             b.getMultiDimIdentityMap(3)},
            SmallVector<IteratorType>(3, IteratorType::parallel),
            [&](OpBuilder &bb, Location bl, ValueRange args) {
              Value shifted = arith::AddFOp::create(
                  bb, bl, args[1],
                  emitFloatConstant(bb, bl, args[1].getType(), epsilon));
              linalg::YieldOp::create(
                  bb, bl,
                  ValueRange{arith::DivFOp::create(bb, bl, args[0], shifted)});
            })
            .getResult(0);
    return {stateNext, normalizerNext, normalized};
  }

  /// Steps [t0, t0 + length): returns {state, normalizer, result}.
  SmallVector<Value> emitChunk(OpBuilder &b, OpFoldResult t0,
                               OpFoldResult length, ValueRange carried) {
    Value q = timeMajorChunk(b, op.getQuery(), t0, length, /*mapped=*/true);
    Value k = timeMajorChunk(b, op.getKey(), t0, length, /*mapped=*/true);
    Value v = timeMajorChunk(b, op.getValue(), t0, length, /*mapped=*/false);
    Value outs = createEmptyTensor(b, loc, {length, batch, heads, valueSize},
                                   elementType);
    auto scan = ScanOp::create(
        b, loc, carried.take_front(2), ValueRange{q, k, v}, ValueRange{outs},
        /*reverse=*/false,
        [&](OpBuilder &nb, Location nl, Value, ValueRange state,
            ValueRange slices) {
          YieldOp::create(nb, nl,
                          emitStep(nb, nl, state[0], state[1], slices[0],
                                   slices[1], slices[2]));
        });
    // Back to [B, H, length, Dv], stored at steps t0.
    Value chunk = createTranspose(b, loc, scan.getOutputs()[0], {1, 2, 0, 3});
    OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
    SmallVector<OpFoldResult> offsets = {zero, zero, t0, zero};
    SmallVector<OpFoldResult> sizes = {batch, heads, length, valueSize};
    SmallVector<OpFoldResult> strides(4, one);
    Value result = tensor::InsertSliceOp::create(b, loc, chunk, carried[2],
                                                 offsets, sizes, strides);
    return {scan.getFinalStates()[0], scan.getFinalStates()[1], result};
  }

  LinearAttentionOp op;
  Location loc;
  MLIRContext *ctx;
  Type elementType;
  OpFoldResult batch, heads, steps, keySize, valueSize;
};

struct DecomposeLinearAttentionPass
    : seqc::seq::impl::DecomposeLinearAttentionPassBase<
          DecomposeLinearAttentionPass> {
  using Base::Base;
  void runOnOperation() override {
    if (failed(checkChunkSteps(getOperation(), "seq-decompose-linear-attention",
                               chunkSteps)))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    patterns.add<DecomposeInChunks<LinearAttentionOp, LinearAttentionLowering>>(
        &getContext(), chunkSteps);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
