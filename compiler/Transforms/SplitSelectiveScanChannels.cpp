//===- SplitSelectiveScanChannels.cpp - a selective scan per thread ------===//
//
// Mamba's selective scan (Gu & Dao 2023, Algorithm 2) runs a recurrence
// over time whose state h[b, d, :] depends only on channel d's inputs: the
// channels are independent from the first step to the last. A scan long
// and wide enough to repay a fork becomes a loop over contiguous shares of
// channel blocks, one per thread (seqc.parallel, as the tiled attention's
// (batch, head) shares): each share runs seq.selective_scan on its
// channels' slices of the operands and writes its slices of y and of the
// final state. Each output element is computed by one share, by the same
// recurrence in the same order, so the result is the unsplit one.
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

namespace seqc {
#define GEN_PASS_DEF_SPLITSELECTIVESCANCHANNELSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Channels per block: a share's channels are whole vectors of 16 f32
/// lanes (AVX-512; two of 8 with AVX2), so no two shares write one vector.
constexpr int64_t kChannelBlock = 16;
/// Multiply-adds (and exps) per element of the state, per step: the
/// discretisation's exp and two products, the update's multiply-add, and
/// the output's multiply-add.
constexpr int64_t kWorkPerStateElement = 6;

/// `value`'s slice [offset, offset + size) along `dim`, whole elsewhere;
/// null stays null.
Value sliceAlong(OpBuilder &b, Location loc, Value value, int64_t dim,
                 Value offset, Value size) {
  if (!value)
    return value;
  auto type = cast<RankedTensorType>(value.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(type.getRank(), b.getIndexAttr(1));
  for (int64_t d = 0; d < type.getRank(); ++d)
    sizes.push_back(d == dim ? OpFoldResult(size)
                             : seqc::seq::getDimSize(b, loc, value, d));
  offsets[dim] = offset;
  return tensor::ExtractSliceOp::create(b, loc, value, offsets, sizes,
                                        strides);
}

/// `part` written into `whole` at `offset` along `dim`.
Value insertAlong(OpBuilder &b, Location loc, Value part, Value whole,
                  int64_t dim, Value offset) {
  auto type = cast<RankedTensorType>(part.getType());
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(type.getRank(), b.getIndexAttr(1));
  for (int64_t d = 0; d < type.getRank(); ++d)
    sizes.push_back(seqc::seq::getDimSize(b, loc, part, d));
  offsets[dim] = offset;
  return tensor::InsertSliceOp::create(b, loc, part, whole, offsets, sizes,
                                       strides);
}

void split(seqc::seq::SelectiveScanOp op) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  auto cst = [&](int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); };
  Value u = op.getInput();
  // Sizes as the types give them (constants where static), so the
  // outputs keep their static dimensions.
  OpFoldResult sizes[] = {seqc::seq::getDimSize(b, loc, u, 0),
                          seqc::seq::getDimSize(b, loc, u, 1),
                          seqc::seq::getDimSize(b, loc, u, 2),
                          seqc::seq::getDimSize(b, loc, op.getA(), 1)};
  auto value = [&](OpFoldResult size) {
    return getValueOrCreateConstantIndexOp(b, loc, size);
  };
  Value channels = value(sizes[2]);
  Value work = cst(kWorkPerStateElement);
  for (OpFoldResult extent : sizes)
    work = arith::MulIOp::create(b, loc, work, value(extent));
  Value blocks = arith::CeilDivUIOp::create(b, loc, channels,
                                            cst(kChannelBlock));
  Value threads = seqc::createThreadCount(b, loc, op);
  auto yType = cast<RankedTensorType>(op.getY().getType());
  auto stateType = cast<RankedTensorType>(op.getFinalState().getType());
  Value y = seqc::seq::createEmptyTensor(
      b, loc, {sizes[0], sizes[1], sizes[2]}, yType.getElementType());
  Value finalState = seqc::seq::createEmptyTensor(
      b, loc, {sizes[0], sizes[2], sizes[3]}, stateType.getElementType());
  // The share loop carries the outputs (each share writes its own
  // channels; bufferization writes them in place).
  OpBuilder::InsertionGuard guard(b);
  Value worthSplitting = arith::CmpIOp::create(
      b, loc, arith::CmpIPredicate::uge, work,
      arith::MulIOp::create(b, loc, threads,
                            cst(seqc::kMinMacsPerThread)));
  Value shares = arith::SelectOp::create(
      b, loc, worthSplitting, arith::MinUIOp::create(b, loc, threads, blocks),
      cst(1));
  auto shareLoop = scf::ForOp::create(
      b, loc, cst(0), shares, cst(1), ValueRange{y, finalState},
      [&](OpBuilder &sb, Location l, Value share, ValueRange carried) {
        auto channel = [&](Value s) -> Value {
          Value block = arith::DivUIOp::create(
              sb, l, arith::MulIOp::create(sb, l, s, blocks), shares);
          return arith::MinUIOp::create(
              sb, l,
              arith::MulIOp::create(
                  sb, l, block,
                  arith::ConstantIndexOp::create(sb, l, kChannelBlock)),
              channels);
        };
        Value c0 = channel(share);
        Value c1 = channel(arith::AddIOp::create(
            sb, l, share, arith::ConstantIndexOp::create(sb, l, 1)));
        Value count = arith::SubIOp::create(sb, l, c1, c0);
        // One statement each: the slices in operand order, whatever order
        // the compiler evaluates call arguments in.
        Value uPart = sliceAlong(sb, l, u, 2, c0, count);
        Value deltaPart = sliceAlong(sb, l, op.getDelta(), 2, c0, count);
        Value aPart = sliceAlong(sb, l, op.getA(), 0, c0, count);
        Value dPart = sliceAlong(sb, l, op.getD(), 0, c0, count);
        Value zPart = sliceAlong(sb, l, op.getZ(), 2, c0, count);
        Value biasPart = sliceAlong(sb, l, op.getDeltaBias(), 0, c0, count);
        Value h0Part = sliceAlong(sb, l, op.getInitialState(), 1, c0, count);
        auto part = seqc::seq::SelectiveScanOp::create(
            sb, l,
            TypeRange{RankedTensorType::get({yType.getDimSize(0),
                                             yType.getDimSize(1),
                                             ShapedType::kDynamic},
                                            yType.getElementType()),
                      RankedTensorType::get({stateType.getDimSize(0),
                                             ShapedType::kDynamic,
                                             stateType.getDimSize(2)},
                                            stateType.getElementType())},
            uPart, deltaPart, aPart, op.getB(), op.getC(), dPart, zPart,
            biasPart, h0Part, op.getDeltaSoftplus());
        Value yNext = insertAlong(sb, l, part.getY(), carried[0], 2, c0);
        Value hNext =
            insertAlong(sb, l, part.getFinalState(), carried[1], 1, c0);
        scf::YieldOp::create(sb, l, ValueRange{yNext, hNext});
      });
  shareLoop->setAttr(seqc::kParallelLoopAttr, b.getUnitAttr());
  auto cast = [&](Value v, Type t) -> Value {
    return v.getType() == t ? v
                            : tensor::CastOp::create(b, loc, t, v).getResult();
  };
  op.getY().replaceAllUsesWith(cast(shareLoop.getResult(0), yType));
  op.getFinalState().replaceAllUsesWith(
      cast(shareLoop.getResult(1), stateType));
  op.erase();
}

struct SplitSelectiveScanChannelsPass
    : seqc::impl::SplitSelectiveScanChannelsPassBase<
          SplitSelectiveScanChannelsPass> {
  void runOnOperation() override {
    SmallVector<seqc::seq::SelectiveScanOp> ops;
    getOperation()->walk([&](seqc::seq::SelectiveScanOp op) {
      // Only where threads can exist, no split is made yet, and sizes
      // known at compile time do not rule one out.
      auto u = cast<RankedTensorType>(op.getInput().getType());
      auto a = cast<RankedTensorType>(op.getA().getType());
      int64_t work = kWorkPerStateElement;
      bool small = true;
      for (int64_t extent : {u.getDimSize(0), u.getDimSize(1),
                             u.getDimSize(2), a.getDimSize(1)}) {
        if (ShapedType::isDynamic(extent)) {
          small = false;
          break;
        }
        work = extent > 0 && work < 2 * seqc::kMinMacsPerThread
                   ? work * extent
                   : (extent == 0 ? 0 : work);
      }
      if (small && work < 2 * seqc::kMinMacsPerThread)
        return;
      if (seqc::modelContextArgument(op->getParentOfType<func::FuncOp>()) &&
          !seqc::isInsideParallelLoop(op))
        ops.push_back(op);
    });
    for (seqc::seq::SelectiveScanOp op : ops)
      split(op);
  }
};

} // namespace
