//===- RaiseConvPadding.cpp - zero pads and chomps into seq.conv1d's padding //
//
// The two ways PyTorch code writes a causal convolution without a `causal`
// flag: WaveNet's `conv(F.pad(x, (left, 0)))` and the TCN paper's Chomp1d,
// `conv(x, padding=p)[:, :, :-p]`. Both pad or crop only the time axis of a
// seq.conv1d, so both become its `padding` attribute: one pass less over
// memory, and the convolution is seen as causal (padding [d*(K-1), 0]),
// which is what lets the model stream. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/Passes.h"
#include "dialects/Seq/Transforms/RaisingMatchers.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#define DEBUG_TYPE "seq-raise-conv-padding"

namespace seqc::seq {
#define GEN_PASS_DEF_RAISECONVPADDINGPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

constexpr int64_t kTime = 2; // seq.conv1d's [B, C, T]

/// A new seq.conv1d like `conv` reading `input` with `padding` (never
/// `causal`: the padding says it), its output `shorterBy` steps shorter.
Conv1dOp cloneWithPadding(PatternRewriter &rewriter, Conv1dOp conv, Value input,
                          int64_t left, int64_t right, int64_t shorterBy = 0) {
  SmallVector<int64_t> shape(conv.getType().getShape());
  if (!ShapedType::isDynamic(shape[kTime]))
    shape[kTime] -= shorterBy;
  return Conv1dOp::create(
      rewriter, conv.getLoc(), conv.getType().clone(shape), input,
      conv.getWeight(), conv.getBias(), conv.getStrideAttr(),
      conv.getDilationAttr(), conv.getGroupsAttr(),
      rewriter.getDenseI64ArrayAttr({left, right}), UnitAttr());
}

/// conv1d(tensor.pad(x, low [0, 0, a], high [0, 0, b], 0.0)) ->
/// conv1d(x) with `a` and `b` more steps of padding: padding the input with
/// zeros is what the convolution's padding does.
struct FoldZeroPad : OpRewritePattern<Conv1dOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(Conv1dOp conv,
                                PatternRewriter &rewriter) const override {
    auto pad = conv.getInput().getDefiningOp<tensor::PadOp>();
    if (!pad)
      return failure();
    // +0.0 only: a -0.0 pad could change the sign of an all-zero sum.
    Value fill = pad.getConstantPaddingValue();
    if (!fill || !matchPattern(fill, m_PosZeroFloat()))
      return failure();
    SmallVector<OpFoldResult> low = pad.getMixedLowPad(),
                              high = pad.getMixedHighPad();
    std::optional<int64_t> before = getConstantIntValue(low[kTime]),
                           after = getConstantIntValue(high[kTime]);
    if (!before || !after || *before < 0 || *after < 0)
      return failure();
    for (int64_t d = 0; d < kTime; ++d)
      if (!isConstantIntValue(low[d], 0) || !isConstantIntValue(high[d], 0))
        return failure();
    auto [left, right] = conv.getPaddingSizes();
    rewriter.setInsertionPoint(conv);
    Conv1dOp raised = cloneWithPadding(rewriter, conv, pad.getSource(),
                                       left + *before, right + *after);
    rewriter.replaceOp(conv, raised.getResult());
    // Sizes read from the padded tensor (run-time checks the front end
    // wrote) come from its source, so the pad itself can go.
    Value source = pad.getSource();
    replaceDims(rewriter, pad.getResult(), [&](Location loc, int64_t d) {
      Value size = tensor::DimOp::create(rewriter, loc, source, d);
      if (d != kTime || *before + *after == 0)
        return size;
      return arith::AddIOp::create(rewriter, loc, size,
                                   arith::ConstantIndexOp::create(
                                       rewriter, loc, *before + *after))
          .getResult();
    });
    return success();
  }
};

/// Reads `v` as a Length (RaisingMatchers' readLength) with T the
/// convolution's input length along time: sizes of its input (T) and
/// output (T + outputExtra) along time, and other sizes that are T on every
/// run (SizeUtils' isSameDimension: mamba's `conv(x)[:, :, :l]` with l read
/// before x was transposed).
std::optional<Length> readConvLength(Value v, Conv1dOp conv,
                                     int64_t outputExtra) {
  return readLength(
      v, [&](Value source, int64_t index) -> std::optional<Length> {
        if (index == kTime && source == conv.getInput())
          return Length{true, 0};
        if (index == kTime && source == conv.getResult())
          return Length{true, outputExtra};
        if (isSameDimension(source, index, conv.getInput(), kTime))
          return Length{true, 0};
        return std::nullopt;
      });
}

/// Whether `size` is the full extent of `conv`'s result along `axis`.
bool isFullExtent(OpFoldResult size, Conv1dOp conv, int64_t axis) {
  int64_t extent = conv.getType().getDimSize(axis);
  if (std::optional<int64_t> c = getConstantIntValue(size))
    return !ShapedType::isDynamic(extent) && *c == extent;
  auto dim = dyn_cast<Value>(size).getDefiningOp<tensor::DimOp>();
  if (!dim || dim.getConstantIndex() != axis)
    return false;
  // The output's batch is the input's; its channels are the weight's.
  return dim.getSource() == conv.getResult() ||
         (axis == 0 && dim.getSource() == conv.getInput());
}

/// extract_slice(conv1d(x, padding [l, r]), [0, 0, 0], [B, C, Tout - s])
/// with stride 1 and 0 < s <= r -> conv1d(x, padding [l, r - s]): the
/// last s outputs are the ones that read the last s padding steps
/// (Chomp1d, `conv(x)[:, :, :-s]` or `[..., :x.size(-1)]`); with s > r,
/// conv1d(time_shift(x, s - r), padding [l - (s - r), 0]).
struct FoldTrailingCrop : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    auto conv = slice.getSource().getDefiningOp<Conv1dOp>();
    if (!conv || conv.getStride() != 1 || slice.getType().getRank() != 3)
      return failure();
    // Nothing but this slice and size queries may read the whole output.
    for (Operation *user : conv->getUsers())
      if (user != slice && !isa<tensor::DimOp>(user))
        return failure();
    auto weightType = cast<RankedTensorType>(conv.getWeight().getType());
    if (weightType.isDynamicDim(2))
      return failure();
    int64_t span = conv.getDilation() * (weightType.getDimSize(2) - 1);
    auto [left, right] = conv.getPaddingSizes();
    int64_t outputExtra = left + right - span; // Tout = T + outputExtra
    for (OpFoldResult stride : slice.getMixedStrides())
      if (!isConstantIntValue(stride, 1))
        return failure();
    // (Along time a fixed start may cut leading outputs too.)
    int64_t leading = 0;
    for (auto [d, offset] : llvm::enumerate(slice.getMixedOffsets())) {
      std::optional<Length> at =
          isa<Attribute>(offset)
              ? std::optional<Length>(
                    Length{false, *getConstantIntValue(offset)})
              : readConvLength(cast<Value>(offset), conv, outputExtra);
      if (!at || at->hasT || at->k < 0 || (at->k != 0 && d != kTime))
        return failure();
      if (d == kTime)
        leading = at->k;
    }
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    if (!isFullExtent(sizes[0], conv, 0) || !isFullExtent(sizes[1], conv, 1))
      return failure();
    // The kept length as T + k (or a constant, with T static).
    std::optional<Length> kept;
    if (std::optional<int64_t> c = getConstantIntValue(sizes[kTime]))
      kept = Length{false, *c};
    else
      kept = readConvLength(cast<Value>(sizes[kTime]), conv, outputExtra);
    if (!kept)
      return failure();
    int64_t dropped;
    if (kept->hasT) {
      dropped = outputExtra - kept->k;
    } else {
      int64_t outputLength = conv.getType().getDimSize(kTime);
      if (ShapedType::isDynamic(outputLength))
        return failure();
      dropped = outputLength - kept->k;
    }
    // What stays must not be shorter than the input's own steps can make
    // (left + right - dropped >= span): the crop only removes padding. The
    // first `leading` outputs cut are the ones that read the first
    // `leading` steps of left padding (`conv(F.pad(x, (k, 0)))[..., 1:]`
    // with kernel k is the causal convolution).
    int64_t trailing = dropped - leading;
    if (dropped <= 0 || outputExtra - dropped < 0 || trailing < 0 ||
        leading > left)
      return failure();
    // Cropping past the right padding delays the convolution: output t
    // reads x[t - left .. t - left + span], the causal convolution (left
    // padding left - shift >= span) of x shifted by `shift` steps (a conv
    // after F.pad(x, (k, 0)) with kernel k, then [..., :-1]: each output
    // sees only earlier steps).
    int64_t shift = std::max<int64_t>(trailing - right, 0);
    if (left - leading - shift < 0)
      return failure();
    // Where the convolution was: its sizes may be read before the slice
    // (`arange(c.size(2))[:T] + c[..., :T]`), and they become the new
    // convolution's.
    rewriter.setInsertionPointAfter(conv);
    Value input = conv.getInput();
    if (shift > 0)
      input = TimeShiftOp::create(rewriter, conv.getLoc(), input, kTime, shift);
    Conv1dOp raised =
        cloneWithPadding(rewriter, conv, input, left - leading - shift,
                         right + shift - trailing, dropped);
    // The slice's type may be more static than the convolution's.
    Value result = raised.getResult();
    rewriter.setInsertionPoint(slice);
    if (result.getType() != slice.getType())
      result = tensor::CastOp::create(rewriter, slice.getLoc(), slice.getType(),
                                      result);
    rewriter.replaceOp(slice, result);
    replaceDims(rewriter, conv.getResult(), [&](Location loc, int64_t d) {
      Value size = tensor::DimOp::create(rewriter, loc, raised.getResult(), d);
      if (d != kTime)
        return size;
      return arith::AddIOp::create(
                 rewriter, loc, size,
                 arith::ConstantIndexOp::create(rewriter, loc, dropped))
          .getResult();
    });
    return success();
  }
};

struct RaiseConvPaddingPass
    : seqc::seq::impl::RaiseConvPaddingPassBase<RaiseConvPaddingPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FoldZeroPad, FoldTrailingCrop>(&getContext());
    applyRaising(getOperation(), std::move(patterns));
  }
};

} // namespace
