//===- RaiseTimeShift.cpp - zero-padded shifts into seq.time_shift ------===//
//
// RWKV's token shift and its relatives read each step's value from k
// steps earlier, with zeros before the first step. PyTorch code writes it
// as a pad and a crop (`nn.ZeroPad2d((0, 0, 1, -1))`, `F.pad(x, (0, 0, 1,
// 0))[:, :-1]`) or as a concatenation (`torch.cat([zeros, x[:, :-1]], 1)`);
// as seq.time_shift it says which inputs a stream must carry to the next
// chunk. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/Passes.h"
#include "dialects/Seq/Transforms/RaisingMatchers.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

#define DEBUG_TYPE "seq-raise-time-shift"

namespace seqc::seq {
#define GEN_PASS_DEF_RAISETIMESHIFTPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

/// Whether every element of `v` is a zero a shift fills with: +0.0 (a
/// -0.0 would change signs downstream) or integer 0.
bool isZeroFill(Value v) {
  Attribute value = evaluateConstant(v);
  if (auto f = dyn_cast_or_null<FloatAttr>(value))
    return f.getValue().isPosZero();
  auto i = dyn_cast_or_null<IntegerAttr>(value);
  return i && i.getValue().isZero();
}

/// Reads `size` as a Length with T the length of `x` along `axis` (at
/// least minT): constants (T static), sizes of `x` (T) and of tensors as
/// long as `x` on every run, and sizes of the tensors in `longer` (T + their
/// extra).
std::optional<Length>
readShiftLength(OpFoldResult size, Value x, int64_t axis,
                ArrayRef<std::pair<Value, int64_t>> longer = {},
                int64_t minT = 0) {
  auto type = cast<RankedTensorType>(x.getType());
  if (std::optional<int64_t> c = getConstantIntValue(size)) {
    if (type.isDynamicDim(axis))
      return Length{false, *c};
    return Length{true, *c - type.getDimSize(axis)};
  }
  return readLength(
      cast<Value>(size),
      [&](Value source, int64_t index) -> std::optional<Length> {
        if (index != axis)
          return std::nullopt;
        for (auto [value, extra] : longer)
          if (source == value)
            return Length{true, extra};
        if (source == x || isSameDimension(source, index, x, axis))
          return Length{true, 0};
        return std::nullopt;
      },
      minT);
}

/// Whether `size`, dimension `d` of a slice or of zeros beside `x`, is
/// `x`'s whole dimension `d`.
bool isWholeDim(OpFoldResult size, Value x, int64_t d) {
  std::optional<Length> length = readShiftLength(size, x, d);
  return length && length->hasT && length->k == 0;
}

/// Whether `slice` of `x` (or of `padded`, `x` with `extra` more steps
/// along `axis`) starts at 0 in every dimension with unit strides and keeps
/// the rank. An offset may also be a computation that is 0 on every run
/// (min(max(0, 0), T), a clamped constant start as front ends may write
/// it; the ONNX importer now keeps a 0 start a constant).
bool isLeadingSlice(tensor::ExtractSliceOp slice, Value x, int64_t axis,
                    Value padded = Value(), int64_t extra = 0) {
  if (slice.getSourceType().getRank() != slice.getType().getRank() ||
      !slice.hasUnitStride())
    return false;
  for (auto [d, offset] : llvm::enumerate(slice.getMixedOffsets())) {
    if (std::optional<int64_t> c = getConstantIntValue(offset)) {
      if (*c != 0)
        return false;
      continue;
    }
    std::pair<Value, int64_t> sized = {
        padded, static_cast<int64_t>(d) == axis ? extra : 0};
    std::optional<Length> at = readShiftLength(
        offset, x, d,
        padded ? ArrayRef(sized) : ArrayRef<std::pair<Value, int64_t>>());
    if (!at || at->hasT || at->k != 0)
      return false;
  }
  return true;
}

/// The least length along `axis` that the seq.checks in `op`'s block
/// demand of `x` (`dim >= c` or `dim > c` of a size that reads as T + j):
/// a run that passes them has at least that many steps, and a run that
/// fails them stops with their error, whatever the raised op computes.
int64_t checkedMinLength(Operation *op, Value x, int64_t axis) {
  int64_t minT = 0;
  for (auto check : op->getBlock()->getOps<CheckOp>()) {
    auto cmp = check.getCondition().getDefiningOp<arith::CmpIOp>();
    if (!cmp || (cmp.getPredicate() != arith::CmpIPredicate::sge &&
                 cmp.getPredicate() != arith::CmpIPredicate::sgt))
      continue;
    std::optional<Length> lhs = readShiftLength(cmp.getLhs(), x, axis),
                          rhs = readShiftLength(cmp.getRhs(), x, axis);
    if (!lhs || !rhs || !lhs->hasT || rhs->hasT)
      continue;
    int64_t least = rhs->k - lhs->k +
                    (cmp.getPredicate() == arith::CmpIPredicate::sgt ? 1 : 0);
    minT = std::max(minT, least);
  }
  return minT;
}

/// Replaces `op` by seq.time_shift(x, axis, steps), cast to `op`'s type.
void replaceWithShift(PatternRewriter &rewriter, Operation *op, Value x,
                      int64_t axis, int64_t steps) {
  rewriter.setInsertionPoint(op);
  Value shifted = TimeShiftOp::create(rewriter, op->getLoc(), x,
                                      rewriter.getI64IntegerAttr(axis),
                                      rewriter.getI64IntegerAttr(steps));
  if (shifted.getType() != op->getResult(0).getType())
    shifted = tensor::CastOp::create(rewriter, op->getLoc(),
                                     op->getResult(0).getType(), shifted);
  rewriter.replaceOp(op, shifted);
}

/// extract_slice(tensor.pad(x, low k, high h along `axis`, 0), 0, T) ->
/// seq.time_shift(x, axis, k).
struct RaisePadCrop : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    auto pad = slice.getSource().getDefiningOp<tensor::PadOp>();
    if (!pad)
      return failure();
    Value fill = pad.getConstantPaddingValue();
    if (!fill || !isZeroFill(fill))
      return failure();
    Value x = pad.getSource();
    int64_t rank = pad.getSourceType().getRank();
    std::optional<int64_t> axis;
    int64_t steps = 0, after = 0;
    for (int64_t d = 0; d < rank; ++d) {
      std::optional<int64_t> low = getConstantIntValue(pad.getMixedLowPad()[d]),
                             high =
                                 getConstantIntValue(pad.getMixedHighPad()[d]);
      if (!low || !high || *low < 0 || *high < 0)
        return failure();
      if (*low == 0 && *high == 0)
        continue;
      if (axis || *low == 0)
        return failure(); // one shifted axis, shifted forward
      axis = d;
      steps = *low;
      after = *high;
    }
    if (!axis)
      return failure();
    if (!isLeadingSlice(slice, x, *axis, pad.getResult(), steps + after))
      return failure();
    // Every dimension of x whole: T steps along the axis (the padded
    // tensor is steps + after longer there), all of the others.
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    for (int64_t d = 0; d < rank; ++d) {
      std::pair<Value, int64_t> sized = {pad.getResult(),
                                         d == *axis ? steps + after : 0};
      std::optional<Length> length = readShiftLength(sizes[d], x, d, sized);
      if (!length || !length->hasT || length->k != 0)
        return failure();
    }
    replaceWithShift(rewriter, slice, x, *axis, steps);
    // Sizes read from the padded tensor (the importer's checks of a Pad
    // with negative pads) come from x, so the pad itself can go.
    int64_t extra = steps + after, shiftAxis = *axis;
    replaceDims(rewriter, pad.getResult(), [&](Location loc, int64_t d) {
      Value size = tensor::DimOp::create(rewriter, loc, x, d);
      if (d != shiftAxis)
        return size;
      return arith::AddIOp::create(
                 rewriter, loc, size,
                 arith::ConstantIndexOp::create(rewriter, loc, extra))
          .getResult();
    });
    return success();
  }
};

/// tensor.concat(zeros [k along axis], extract_slice(x, 0, T - k)) along
/// `axis` -> seq.time_shift(x, axis, k).
struct RaiseZeroConcat : OpRewritePattern<tensor::ConcatOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ConcatOp concat,
                                PatternRewriter &rewriter) const override {
    if (concat.getInputs().size() != 2)
      return failure();
    Value zeros = concat.getInputs()[0];
    auto slice = concat.getInputs()[1].getDefiningOp<tensor::ExtractSliceOp>();
    if (!slice || !isZeroFill(zeros))
      return failure();
    Value x = slice.getSource();
    if (!isLeadingSlice(slice, x, concat.getDim()))
      return failure();
    int64_t axis = concat.getDim();
    auto zerosType = cast<RankedTensorType>(zeros.getType());
    if (zerosType.isDynamicDim(axis) || zerosType.getDimSize(axis) <= 0)
      return failure();
    int64_t steps = zerosType.getDimSize(axis);
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    for (int64_t d = 0; d < zerosType.getRank(); ++d)
      if (d != axis &&
          (!isWholeDim(sizes[d], x, d) || !isSameDimension(zeros, d, x, d)))
        return failure();
    // T - k steps kept (a negative size where T < k is no valid program).
    // ONNX's Slice clamps `x[:, :-k]` to max(T - k, 0) steps, which makes
    // the concatenation max(T, k) long: the shift only where the model's
    // checks already demand T >= k (zeros_like(x[:, :1]) for k = 1).
    std::optional<Length> kept = readShiftLength(sizes[axis], x, axis);
    if (!kept) {
      int64_t checked = checkedMinLength(concat, x, axis);
      if (checked >= steps)
        kept = readShiftLength(sizes[axis], x, axis, {}, checked);
    }
    if (!kept || !kept->hasT || kept->k != -steps)
      return failure();
    replaceWithShift(rewriter, concat, x, axis, steps);
    return success();
  }
};

struct RaiseTimeShiftPass
    : seqc::seq::impl::RaiseTimeShiftPassBase<RaiseTimeShiftPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaisePadCrop, RaiseZeroConcat>(&getContext());
    applyRaising(getOperation(), std::move(patterns));
  }
};

} // namespace
