//===- SplitScanChannels.cpp - a channel-independent scan per thread -----===//
//
// Some scans over time carry a state per channel that depends only on that
// channel's inputs, from the first step to the last (the op trait
// IndependentChannelScan): Mamba's selective scan (Gu & Dao 2023,
// Algorithm 2; h[b, d, :] from channel d's input, delta, A row, skip and
// gate), RWKV-4's WKV (aa, bb, pp of channel c from its key, value, decay
// and bonus). A scan long and wide enough to repay a fork becomes a loop
// over contiguous shares of channel blocks, one per thread (seqc.parallel,
// as the tiled attention's (batch, head) shares): each share is the op's
// tile (upstream TilingInterface, which the op implements from its
// dimension roles) on its channels, inserted into the results. Each output
// element is computed by one share, by the same recurrence in the same
// order, so the result is the unsplit one.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Threads.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/TilingInterface.h"

#define DEBUG_TYPE "seqc-split-scan-channels"

namespace seqc {
#define GEN_PASS_DEF_SPLITSCANCHANNELSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Channels per block: a share's channels are whole vectors of 16 f32
/// lanes (AVX-512; two of 8 with AVX2), so no two shares write one vector.
constexpr int64_t kChannelBlock = 16;

/// A scan's work per point of its iteration domain, in operations: a
/// selective-scan state update is an exp, two products and two
/// multiply-adds. (RWKV's WKV does about four times that per (step,
/// channel) point, so it splits only at about four times its break-even
/// size.)
constexpr int64_t kWorkPerPoint = 6;

/// The loop a split cuts: the innermost parallel loop (the channels; the
/// batch is often 1).
std::optional<unsigned> channelLoop(TilingInterface op) {
  SmallVector<utils::IteratorType> types = op.getLoopIteratorTypes();
  for (unsigned loop = types.size(); loop-- > 0;)
    if (types[loop] == utils::IteratorType::parallel)
      return loop;
  return std::nullopt;
}

/// Replaces `op` by a loop over shares of its channel loop `loop` (whole
/// blocks of kChannelBlock), each share the op's tile (TilingInterface)
/// inserted into the carried results. Fails, leaving `op` alone, when the
/// op cannot be tiled so.
LogicalResult split(TilingInterface op, unsigned loop, ArrayRef<Range> domain,
                    Value work) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto cst = [&](OpBuilder &nb, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(nb, loc, v);
  };
  SmallVector<OpFoldResult> offsets, sizes;
  for (const Range &range : domain) {
    offsets.push_back(range.offset);
    sizes.push_back(range.size);
  }
  Value channels = getValueOrCreateConstantIndexOp(b, loc, sizes[loop]);
  Value blocks = arith::CeilDivUIOp::create(b, loc, channels,
                                            cst(b, kChannelBlock));
  Value threads = seqc::createThreadCount(b, loc, op);
  // Each result's whole extent is its tile over the whole domain.
  SmallVector<Value> inits;
  for (OpResult result : op->getResults()) {
    SmallVector<OpFoldResult> resultOffsets, resultSizes;
    if (failed(op.getResultTilePosition(b, result.getResultNumber(), offsets,
                                        sizes, resultOffsets, resultSizes)))
      return failure();
    inits.push_back(seqc::seq::createEmptyTensor(
        b, loc, resultSizes,
        cast<RankedTensorType>(result.getType()).getElementType()));
  }
  // As createShareLoop (Threads.h), on tensors: the loop carries the
  // results, each share inserting its tile.
  Value shares = seqc::createShareCount(b, loc, threads, work, blocks);
  bool tiled = true;
  auto shareLoop = scf::ForOp::create(
      b, loc, cst(b, 0), shares, cst(b, 1), inits,
      [&](OpBuilder &sb, Location l, Value share, ValueRange carried) {
        auto channel = [&](Value s) -> Value {
          Value block = seqc::createShareStart(sb, l, s, blocks, shares);
          return arith::MinUIOp::create(
              sb, l, arith::MulIOp::create(sb, l, block, cst(sb, kChannelBlock)),
              channels);
        };
        Value c0 = channel(share);
        Value c1 = channel(arith::AddIOp::create(sb, l, share, cst(sb, 1)));
        SmallVector<OpFoldResult> tileOffsets(offsets), tileSizes(sizes);
        tileOffsets[loop] = c0;
        tileSizes[loop] = arith::SubIOp::create(sb, l, c1, c0).getResult();
        FailureOr<TilingResult> tile =
            op.getTiledImplementation(sb, tileOffsets, tileSizes);
        SmallVector<Value> next(carried);
        if (failed(tile)) {
          tiled = false;
        } else {
          for (auto [i, part] : llvm::enumerate(tile->tiledValues)) {
            SmallVector<OpFoldResult> at, extent;
            if (failed(op.getResultTilePosition(sb, i, tileOffsets, tileSizes,
                                                at, extent))) {
              tiled = false;
              break;
            }
            SmallVector<OpFoldResult> strides(at.size(), sb.getIndexAttr(1));
            next[i] = tensor::InsertSliceOp::create(sb, l, part, carried[i],
                                                    at, extent, strides);
          }
        }
        scf::YieldOp::create(sb, l, next);
      });
  if (!tiled) {
    shareLoop->erase();
    return failure();
  }
  shareLoop->setAttr(seqc::kParallelLoopAttr, b.getUnitAttr());
  for (auto [result, whole] :
       llvm::zip(op->getResults(), shareLoop.getResults()))
    result.replaceAllUsesWith(
        whole.getType() == result.getType()
            ? Value(whole)
            : Value(tensor::CastOp::create(b, loc, result.getType(), whole)));
  op->erase();
  return success();
}

struct SplitScanChannelsPass
    : seqc::impl::SplitScanChannelsPassBase<SplitScanChannelsPass> {
  void runOnOperation() override {
    SmallVector<TilingInterface> ops;
    getOperation()->walk([&](TilingInterface op) {
      if (op->hasTrait<seqc::seq::IndependentChannelScan>() &&
          seqc::modelContextArgument(op->getParentOfType<func::FuncOp>()) &&
          !seqc::isInsideParallelLoop(op))
        ops.push_back(op);
    });
    for (TilingInterface op : ops) {
      std::optional<unsigned> loop = channelLoop(op);
      if (!loop)
        continue;
      OpBuilder b(op);
      Location loc = op.getLoc();
      SmallVector<Range> domain = op.getIterationDomain(b);
      // Sizes known at compile time may rule a split out.
      SmallVector<Value> extents;
      for (const Range &range : domain)
        extents.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
      if (!seqc::mayRepayFork(extents, kWorkPerPoint))
        continue;
      Value work = arith::ConstantIndexOp::create(b, loc, kWorkPerPoint);
      for (Value extent : extents)
        work = arith::MulIOp::create(b, loc, work, extent);
      // A tile the op refuses leaves it whole (and serial).
      (void)split(op, *loop, domain, work);
    }
  }
};

} // namespace
