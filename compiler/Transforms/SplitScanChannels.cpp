//===- SplitScanChannels.cpp - a channel-independent scan per thread -----===//
//
// Two scans over time carry a state per channel that depends only on that
// channel's inputs, from the first step to the last: Mamba's selective
// scan (Gu & Dao 2023, Algorithm 2; h[b, d, :] from channel d's input,
// delta, A row, skip and gate) and RWKV-4's WKV (aa, bb, pp of channel c
// from its key, value, decay and bonus). A scan long and wide enough to
// repay a fork becomes a loop over contiguous shares of channel blocks,
// one per thread (seqc.parallel, as the tiled attention's (batch, head)
// shares): each share runs the same op on its channels' slices of the
// operands and writes its slices of the results. Each output element is
// computed by one share, by the same recurrence in the same order, so the
// result is the unsplit one.
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
#define GEN_PASS_DEF_SPLITSCANCHANNELSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Channels per block: a share's channels are whole vectors of 16 f32
/// lanes (AVX-512; two of 8 with AVX2), so no two shares write one vector.
constexpr int64_t kChannelBlock = 16;

/// Where one op keeps its channels.
struct ChannelLayout {
  /// Per operand: the dimension that holds the channels, or -1 for an
  /// operand every channel reads whole (the selective scan's B and C).
  SmallVector<int64_t> operandDims;
  /// Per result: its sizes, and the dimension that holds the channels.
  SmallVector<SmallVector<OpFoldResult>> resultSizes;
  SmallVector<int64_t> resultDims;
  /// The op's work: the product of `extents` times `workPerElement`
  /// (multiply-adds and exps).
  SmallVector<OpFoldResult> extents;
  int64_t workPerElement = 1;
  OpFoldResult channels;
};

/// Sets `dims[operand]` to `dim` for each operand in `range` (none when
/// an optional operand is absent).
void mark(SmallVector<int64_t> &dims, MutableOperandRange range, int64_t dim) {
  for (OpOperand &operand : range)
    dims[operand.getOperandNumber()] = dim;
}

/// The layout of `op` if it is a scan whose channels are independent.
std::optional<ChannelLayout> layoutOf(OpBuilder &b, Operation *op) {
  Location loc = op->getLoc();
  ChannelLayout l;
  l.operandDims.assign(op->getNumOperands(), -1);
  auto size = [&](Value v, int64_t d) {
    return seqc::seq::getDimSize(b, loc, v, d);
  };
  if (auto scan = dyn_cast<seqc::seq::SelectiveScanOp>(op)) {
    // u, delta, z [B, T, D]; A [D, N]; skip, delta_bias [D];
    // initial_state [B, D, N] -> y [B, T, D], final_state [B, D, N]. Per
    // state element and step: an exp, two products, the update's and the
    // output's multiply-adds.
    mark(l.operandDims, scan.getInputMutable(), 2);
    mark(l.operandDims, scan.getDeltaMutable(), 2);
    mark(l.operandDims, scan.getAMutable(), 0);
    mark(l.operandDims, scan.getDMutable(), 0);
    mark(l.operandDims, scan.getZMutable(), 2);
    mark(l.operandDims, scan.getDeltaBiasMutable(), 0);
    mark(l.operandDims, scan.getInitialStateMutable(), 1);
    Value u = scan.getInput();
    OpFoldResult batch = size(u, 0), steps = size(u, 1), d = size(u, 2),
                 n = size(scan.getA(), 1);
    l.resultSizes = {{batch, steps, d}, {batch, d, n}};
    l.resultDims = {2, 1};
    l.extents = {batch, steps, d, n};
    l.workPerElement = 6;
    l.channels = d;
    return l;
  }
  if (auto wkv = dyn_cast<seqc::seq::WkvOp>(op)) {
    // key, value [B, T, C]; decay, bonus [C]; initial_state [B, 3, C] ->
    // result [B, T, C], final_state [B, 3, C]. Per channel and step: four
    // exps and about ten other operations.
    mark(l.operandDims, wkv.getKeyMutable(), 2);
    mark(l.operandDims, wkv.getValueMutable(), 2);
    mark(l.operandDims, wkv.getDecayMutable(), 0);
    mark(l.operandDims, wkv.getBonusMutable(), 0);
    mark(l.operandDims, wkv.getInitialStateMutable(), 2);
    Value k = wkv.getKey();
    OpFoldResult batch = size(k, 0), steps = size(k, 1), c = size(k, 2);
    l.resultSizes = {{batch, steps, c}, {batch, b.getIndexAttr(3), c}};
    l.resultDims = {2, 2};
    l.extents = {batch, steps, c};
    l.workPerElement = 24;
    l.channels = c;
    return l;
  }
  return std::nullopt;
}

/// `value`'s slice [offset, offset + size) along `dim`, whole elsewhere.
Value sliceAlong(OpBuilder &b, Location loc, Value value, int64_t dim,
                 Value offset, Value size) {
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

/// `type` with dimension `dim` dynamic (a share's channel count).
RankedTensorType withDynamicDim(Type type, int64_t dim) {
  auto t = cast<RankedTensorType>(type);
  SmallVector<int64_t> shape(t.getShape());
  shape[dim] = ShapedType::kDynamic;
  return RankedTensorType::get(shape, t.getElementType());
}

void split(Operation *op, const ChannelLayout &layout) {
  OpBuilder b(op);
  Location loc = op->getLoc();
  auto cst = [&](OpBuilder &nb, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(nb, loc, v);
  };
  Value channels = getValueOrCreateConstantIndexOp(b, loc, layout.channels);
  Value work = cst(b, layout.workPerElement);
  for (OpFoldResult extent : layout.extents)
    work = arith::MulIOp::create(
        b, loc, work, getValueOrCreateConstantIndexOp(b, loc, extent));
  Value blocks = arith::CeilDivUIOp::create(b, loc, channels,
                                            cst(b, kChannelBlock));
  Value threads = seqc::createThreadCount(b, loc, op);
  SmallVector<Value> inits;
  for (auto [result, sizes] :
       llvm::zip(op->getResults(), layout.resultSizes))
    inits.push_back(seqc::seq::createEmptyTensor(
        b, loc, sizes,
        cast<RankedTensorType>(result.getType()).getElementType()));
  // As createShareLoop (Threads.h), on tensors: the loop carries the
  // results, each share inserting its channels.
  Value shares = seqc::createShareCount(b, loc, threads, work, blocks);
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
        Value count = arith::SubIOp::create(sb, l, c1, c0);
        // The op again, on its channels' slices (in operand order).
        IRMapping slices;
        for (auto [operand, dim] :
             llvm::zip(op->getOperands(), layout.operandDims))
          if (dim >= 0 && !slices.contains(operand))
            slices.map(operand, sliceAlong(sb, l, operand, dim, c0, count));
        Operation *part = sb.clone(*op, slices);
        for (auto [result, dim] :
             llvm::zip(part->getResults(), layout.resultDims))
          result.setType(withDynamicDim(result.getType(), dim));
        SmallVector<Value> next;
        for (auto [result, whole, dim] :
             llvm::zip(part->getResults(), carried, layout.resultDims))
          next.push_back(insertAlong(sb, l, result, whole, dim, c0));
        scf::YieldOp::create(sb, l, next);
      });
  shareLoop->setAttr(seqc::kParallelLoopAttr, b.getUnitAttr());
  for (auto [result, split] :
       llvm::zip(op->getResults(), shareLoop.getResults()))
    result.replaceAllUsesWith(
        split.getType() == result.getType()
            ? Value(split)
            : Value(tensor::CastOp::create(b, loc, result.getType(), split)));
  op->erase();
}

struct SplitScanChannelsPass
    : seqc::impl::SplitScanChannelsPassBase<SplitScanChannelsPass> {
  void runOnOperation() override {
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      if (isa<seqc::seq::SelectiveScanOp, seqc::seq::WkvOp>(op) &&
          seqc::modelContextArgument(op->getParentOfType<func::FuncOp>()) &&
          !seqc::isInsideParallelLoop(op))
        ops.push_back(op);
    });
    for (Operation *op : ops) {
      OpBuilder b(op);
      std::optional<ChannelLayout> layout = layoutOf(b, op);
      // Sizes known at compile time may rule a split out.
      SmallVector<Value> extents;
      for (OpFoldResult extent : layout->extents)
        extents.push_back(
            getValueOrCreateConstantIndexOp(b, op->getLoc(), extent));
      if (!seqc::mayRepayFork(extents, layout->workPerElement))
        continue;
      split(op, *layout);
    }
  }
};

} // namespace
