//===- DecomposeSelectiveScan.cpp - seq.selective_scan to chunked scans --===//
//
// Rewrites Mamba's selective scan into an scf.for over chunks of time
// steps: per chunk one parallel generic discretises every step (the exp and
// softplus work), a seq.scan does only the multiply-add state update and
// the C contraction, and one parallel generic applies the skip and the
// gate. See the pass description in Passes.td.
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
#include "mlir/IR/AffineMap.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "seq-decompose-selective-scan"

namespace seqc::seq {
#define GEN_PASS_DEF_DECOMPOSESELECTIVESCANPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

/// The sizes of one selective scan and the builders of its chunk.
class SelectiveScanLowering {
public:
  SelectiveScanLowering(SelectiveScanOp op, OpBuilder &b)
      : op(op), loc(op.getLoc()), ctx(op.getContext()),
        elementType(
            cast<RankedTensorType>(op.getInput().getType()).getElementType()) {
    Value u = op.getInput();
    batch = getDimSize(b, loc, u, 0);
    steps = getDimSize(b, loc, u, 1);
    channels = getDimSize(b, loc, u, 2);
    stateSize = getDimSize(b, loc, op.getA(), 1);
  }

  /// Run-time checks of every extent the types do not prove equal to the
  /// one `input` and `a` define.
  void emitChecks(OpBuilder &b) {
    auto expect = [&](Value operand, StringRef role,
                      ArrayRef<OpFoldResult> dims) {
      createOperandExtentChecks(b, op, operand, role, dims, "'input' and 'a' make it");
    };
    SmallVector<OpFoldResult> perChannel = {batch, steps, channels};
    SmallVector<OpFoldResult> perState = {batch, steps, stateSize};
    expect(op.getDelta(), "delta", perChannel);
    expect(op.getA(), "a", {channels, stateSize});
    expect(op.getB(), "b", perState);
    expect(op.getC(), "c", perState);
    expect(op.getD(), "d", {channels});
    expect(op.getZ(), "z", perChannel);
    expect(op.getDeltaBias(), "delta_bias", {channels});
    expect(op.getInitialState(), "initial_state", {batch, channels, stateSize});
  }

  /// Replaces the op by the chunk loop.
  void rewrite(PatternRewriter &rewriter, int64_t chunkSteps) {
    auto stateType = cast<RankedTensorType>(op.getFinalState().getType());
    Value h = op.getInitialState();
    if (h) {
      h = castIfNeeded(rewriter, loc, h, stateType);
    } else {
      SmallVector<Value> dynamic;
      OpFoldResult sizes[] = {batch, channels, stateSize};
      for (auto [i, size] : llvm::enumerate(sizes))
        if (stateType.isDynamicDim(i))
          dynamic.push_back(
              getValueOrCreateConstantIndexOp(rewriter, loc, size));
      h = createFilledTensor(rewriter, loc, stateType, dynamic, 0.0);
    }
    Value y =
        createEmptyTensor(rewriter, loc, {batch, steps, channels}, elementType);

    SmallVector<Value> last = emitChunkLoop(
        rewriter, loc, steps, chunkSteps, ValueRange{h, y},
        [&](OpBuilder &b, OpFoldResult t0, OpFoldResult length,
            ValueRange carried) {
          auto [hNext, yNext] = emitChunk(b, t0, length, carried[0], carried[1]);
          return SmallVector<Value>{hNext, yNext};
        });
    Value hFinal = last[0], yFinal = last[1];
    rewriter.replaceOp(
        op, {castIfNeeded(rewriter, loc, yFinal, op.getY().getType()),
             castIfNeeded(rewriter, loc, hFinal, stateType)});
  }

private:
  /// Steps [t0, t0 + length) of a [B, T, X] operand.
  Value sliceSteps(OpBuilder &b, Value value, OpFoldResult t0,
                   OpFoldResult length) {
    if (!value)
      return value;
    OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
    SmallVector<OpFoldResult> offsets = {zero, t0, zero};
    SmallVector<OpFoldResult> sizes = {batch, length,
                                       getDimSize(b, loc, value, 2)};
    SmallVector<OpFoldResult> strides(3, one);
    return tensor::ExtractSliceOp::create(b, loc, value, offsets, sizes,
                                          strides);
  }

  /// delta' = softplus(delta + delta_bias) for the chunk, [B, length, D]:
  /// its own generic, vectorised over the channels, so that the softplus is
  /// not evaluated again for each of the N state entries.
  Value emitDelta(OpBuilder &b, Value delta, OpFoldResult length) {
    bool softplus = op.getDeltaSoftplus();
    Value bias = op.getDeltaBias();
    if (!softplus && !bias)
      return delta;
    // Loop dimensions (b, s, d).
    SmallVector<Value> ins = {delta};
    SmallVector<AffineMap> maps = {b.getMultiDimIdentityMap(3)};
    if (bias) {
      ins.push_back(bias);
      maps.push_back(selectLoopDims(ctx, 3, {2}));
    }
    maps.push_back(b.getMultiDimIdentityMap(3));
    Value init =
        createEmptyTensor(b, loc, {batch, length, channels}, elementType);
    return linalg::GenericOp::create(
               b, loc, TypeRange{init.getType()}, ins, ValueRange{init}, maps,
               SmallVector<utils::IteratorType>(3,
                                                utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value dt = args[0];
                 if (bias)
                   dt = arith::AddFOp::create(nb, nl, dt, args[1]);
                 if (softplus)
                   dt = emitActivation(
                       nb, nl,
                       ActivationAttr::get(ctx, ActivationKind::softplus), dt);
                 linalg::YieldOp::create(nb, nl, dt);
               })
        .getResult(0);
  }

  /// dA = exp(delta' * A) and dBu = delta' * B * u for every step of the
  /// chunk, time-major [length, B, D, N] so that seq.scan walks dimension 0.
  std::pair<Value, Value> emitDiscretisation(OpBuilder &b, Value u, Value delta,
                                             Value bMatrix,
                                             OpFoldResult length) {
    // Loop dimensions (s, b, d, n).
    SmallVector<Value> ins = {emitDelta(b, delta, length), op.getA(), bMatrix,
                              u};
    SmallVector<AffineMap> maps = {
        selectLoopDims(ctx, 4, {1, 0, 2}), selectLoopDims(ctx, 4, {2, 3}),
        selectLoopDims(ctx, 4, {1, 0, 3}), selectLoopDims(ctx, 4, {1, 0, 2})};
    SmallVector<OpFoldResult> sizes = {length, batch, channels, stateSize};
    Value init = createEmptyTensor(b, loc, sizes, elementType);
    maps.append(2, b.getMultiDimIdentityMap(4));
    auto generic = linalg::GenericOp::create(
        b, loc, TypeRange{init.getType(), init.getType()}, ins,
        ValueRange{init, init}, maps,
        SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Value dt = args[0];
          Value dA = math::ExpOp::create(
              nb, nl, arith::MulFOp::create(nb, nl, dt, args[1]));
          Value dBu = arith::MulFOp::create(
              nb, nl, arith::MulFOp::create(nb, nl, dt, args[2]), args[3]);
          linalg::YieldOp::create(nb, nl, ValueRange{dA, dBu});
        });
    return {generic.getResult(0), generic.getResult(1)};
  }

  /// The scan over one chunk: h = dA_t * h + dBu_t, y_t = sum_n C_t * h.
  /// Returns the final state and y of the chunk, time-major [length, B, D].
  std::pair<Value, Value> emitStateUpdates(OpBuilder &b, Value h, Value dA,
                                           Value dBu, Value cMatrix,
                                           OpFoldResult length) {
    Value cTimeMajor = createTranspose(b, loc, cMatrix, {1, 0, 2});
    Value ys =
        createEmptyTensor(b, loc, {length, batch, channels}, elementType);
    auto scan = ScanOp::create(
        b, loc, ValueRange{h}, ValueRange{dA, dBu, cTimeMajor}, ValueRange{ys},
        /*reverse=*/false,
        [&](OpBuilder &nb, Location nl, Value, ValueRange carried,
            ValueRange slices) {
          Value hPrev = carried[0];
          auto stateType = cast<RankedTensorType>(hPrev.getType());
          // Loop dimensions (b, d, n).
          AffineMap identity = nb.getMultiDimIdentityMap(3);
          // Into h itself: bufferization updates the state in place, and
          // its extents stay visibly the same across steps (the step's
          // temporaries get loop-invariant sizes, allocated once).
          Value hNext =
              linalg::GenericOp::create(
                  nb, nl, TypeRange{stateType},
                  ValueRange{slices[0], hPrev, slices[1]}, ValueRange{hPrev},
                  SmallVector<AffineMap>(4, identity),
                  SmallVector<utils::IteratorType>(
                      3, utils::IteratorType::parallel),
                  [](OpBuilder &bb, Location bl, ValueRange args) {
                    Value decayed =
                        arith::MulFOp::create(bb, bl, args[0], args[1]);
                    linalg::YieldOp::create(bb, bl,
                                            ValueRange{arith::AddFOp::create(
                                                bb, bl, decayed, args[2])});
                  })
                  .getResult(0);
          auto yType =
              cast<RankedTensorType>(ScanOp::getSliceType(ys.getType()));
          SmallVector<Value> yDynamic;
          if (yType.isDynamicDim(0))
            yDynamic.push_back(tensor::DimOp::create(nb, nl, hPrev, 0));
          if (yType.isDynamicDim(1))
            yDynamic.push_back(tensor::DimOp::create(nb, nl, hPrev, 1));
          Value yInit = createFilledTensor(nb, nl, yType, yDynamic, 0.0);
          Value yStep =
              linalg::GenericOp::create(
                  nb, nl, TypeRange{yType}, ValueRange{hNext, slices[2]},
                  ValueRange{yInit},
                  {identity, selectLoopDims(ctx, 3, {0, 2}),
                   selectLoopDims(ctx, 3, {0, 1})},
                  {utils::IteratorType::parallel, utils::IteratorType::parallel,
                   utils::IteratorType::reduction},
                  [](OpBuilder &bb, Location bl, ValueRange args) {
                    Value product =
                        arith::MulFOp::create(bb, bl, args[0], args[1]);
                    linalg::YieldOp::create(bb, bl,
                                            ValueRange{arith::AddFOp::create(
                                                bb, bl, args[2], product)});
                  })
                  .getResult(0);
          YieldOp::create(nb, nl, ValueRange{hNext, yStep});
        });
    return {scan.getFinalStates()[0], scan.getOutputs()[0]};
  }

  /// y = (ys + D * u) * silu(z) for the chunk, batch-major [B, length, D].
  Value emitOutput(OpBuilder &b, Value ys, Value u, Value z,
                   OpFoldResult length) {
    // Loop dimensions (b, s, d).
    SmallVector<Value> ins = {ys, u};
    SmallVector<AffineMap> maps = {selectLoopDims(ctx, 3, {1, 0, 2}),
                                   b.getMultiDimIdentityMap(3)};
    if (Value d = op.getD()) {
      ins.push_back(d);
      maps.push_back(selectLoopDims(ctx, 3, {2}));
    }
    if (z) {
      ins.push_back(z);
      maps.push_back(b.getMultiDimIdentityMap(3));
    }
    Value init =
        createEmptyTensor(b, loc, {batch, length, channels}, elementType);
    maps.push_back(b.getMultiDimIdentityMap(3));
    bool hasSkip = static_cast<bool>(op.getD());
    bool hasGate = static_cast<bool>(z);
    return linalg::GenericOp::create(
               b, loc, TypeRange{init.getType()}, ins, ValueRange{init}, maps,
               SmallVector<utils::IteratorType>(3,
                                                utils::IteratorType::parallel),
               [&](OpBuilder &nb, Location nl, ValueRange args) {
                 Value out = args[0];
                 unsigned next = 2;
                 if (hasSkip)
                   out = arith::AddFOp::create(
                       nb, nl, out,
                       arith::MulFOp::create(nb, nl, args[next++], args[1]));
                 if (hasGate)
                   out = arith::MulFOp::create(
                       nb, nl, out,
                       emitActivation(
                           nb, nl,
                           ActivationAttr::get(ctx, ActivationKind::silu),
                           args[next]));
                 linalg::YieldOp::create(nb, nl, ValueRange{out});
               })
        .getResult(0);
  }

  /// Steps [t0, t0 + length): returns the next state and y.
  std::pair<Value, Value> emitChunk(OpBuilder &b, OpFoldResult t0,
                                    OpFoldResult length, Value h, Value y) {
    Value u = sliceSteps(b, op.getInput(), t0, length);
    Value delta = sliceSteps(b, op.getDelta(), t0, length);
    Value bMatrix = sliceSteps(b, op.getB(), t0, length);
    Value cMatrix = sliceSteps(b, op.getC(), t0, length);
    Value z = sliceSteps(b, op.getZ(), t0, length);
    auto [dA, dBu] = emitDiscretisation(b, u, delta, bMatrix, length);
    auto [hNext, ys] = emitStateUpdates(b, h, dA, dBu, cMatrix, length);
    Value out = emitOutput(b, ys, u, z, length);
    OpFoldResult zero = b.getIndexAttr(0), one = b.getIndexAttr(1);
    SmallVector<OpFoldResult> offsets = {zero, t0, zero};
    SmallVector<OpFoldResult> sizes = {batch, length, channels};
    SmallVector<OpFoldResult> strides(3, one);
    Value yNext =
        tensor::InsertSliceOp::create(b, loc, out, y, offsets, sizes, strides);
    return {hNext, yNext};
  }

  SelectiveScanOp op;
  Location loc;
  MLIRContext *ctx;
  Type elementType;
  OpFoldResult batch, steps, channels, stateSize;
};

struct DecomposeSelectiveScanPass
    : seqc::seq::impl::DecomposeSelectiveScanPassBase<
          DecomposeSelectiveScanPass> {
  using Base::Base;
  void runOnOperation() override {
    if (failed(checkChunkSteps(getOperation(), "seq-decompose-selective-scan",
                               chunkSteps)))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    populateDecomposeSelectiveScanPatterns(patterns, chunkSteps);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void seqc::seq::populateDecomposeSelectiveScanPatterns(
    RewritePatternSet &patterns, int64_t chunkSteps) {
  patterns.add<DecomposeInChunks<SelectiveScanOp, SelectiveScanLowering>>(
      patterns.getContext(), chunkSteps);
}
