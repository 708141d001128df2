//===- Conv1dToLinalg.cpp - seq.conv1d to a grouped linalg convolution --===//
//
// The input is zero-padded along time, then one generic over
// (b, g, o, t, c, k) accumulates into [B, G, Cout/G, Tout], which collapses
// to [B, Cout, Tout]. Keeping the group as its own loop (rather than a
// linalg named convolution per case) covers dense, grouped and depthwise
// convolutions, any stride and dilation, with one op.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using namespace seqc;

namespace {

/// Zero-pads dimension 2 (time) of `input` by `left` and `right`.
Value padTime(OpBuilder &b, Location loc, Value input, int64_t left,
              int64_t right) {
  if (left == 0 && right == 0)
    return input;
  auto type = cast<RankedTensorType>(input.getType());
  SmallVector<int64_t> shape(type.getShape());
  if (!ShapedType::isDynamic(shape[2]))
    shape[2] += left + right;
  auto paddedType = RankedTensorType::get(shape, type.getElementType());
  Value zero = seq::emitFloatConstant(b, loc, type.getElementType(), 0.0);
  SmallVector<OpFoldResult> low = {b.getIndexAttr(0), b.getIndexAttr(0),
                                   b.getIndexAttr(left)};
  SmallVector<OpFoldResult> high = {b.getIndexAttr(0), b.getIndexAttr(0),
                                    b.getIndexAttr(right)};
  return tensor::PadOp::create(b, loc, paddedType, input, low, high, zero);
}

/// Tout = (Tpadded - dilation * (K - 1) - 1) / stride + 1, folded when both
/// sizes are static.
OpFoldResult computeOutputLength(OpBuilder &b, Location loc, Value padded,
                                 Value weight, int64_t stride,
                                 int64_t dilation) {
  OpFoldResult time = seq::getDimSize(b, loc, padded, 2);
  OpFoldResult kernel = seq::getDimSize(b, loc, weight, 2);
  std::optional<int64_t> staticTime = getConstantIntValue(time);
  std::optional<int64_t> staticKernel = getConstantIntValue(kernel);
  if (staticTime && staticKernel)
    return b.getIndexAttr(
        (*staticTime - dilation * (*staticKernel - 1) - 1) / stride + 1);
  auto constant = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value t = getValueOrCreateConstantIndexOp(b, loc, time);
  Value k = getValueOrCreateConstantIndexOp(b, loc, kernel);
  Value one = constant(1);
  Value span = arith::MulIOp::create(b, loc, constant(dilation),
                                     arith::SubIOp::create(b, loc, k, one));
  // PyTorch: "Kernel size can't be greater than actual input size".
  Value fits = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, t,
                                     span);
  // The receptive field's length where the kernel's is known.
  std::string field =
      staticKernel ? std::to_string(dilation * (*staticKernel - 1) + 1) + " "
                   : std::string();
  seq::createCheck(b, loc, fits, t,
                   seq::describeOrigin("seq.conv1d", loc) +
                       ": the (padded) input has {} steps, fewer than the "
                       "kernel's receptive field of " +
                       field + "(dilation * (kernel - 1) + 1)",
                   seq::CheckKind::shape);
  Value last = arith::SubIOp::create(
      b, loc, arith::SubIOp::create(b, loc, t, span), one);
  Value steps = arith::DivUIOp::create(b, loc, last, constant(stride));
  return arith::AddIOp::create(b, loc, steps, one).getResult();
}

struct Conv1dToGeneric : OpRewritePattern<seq::Conv1dOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(seq::Conv1dOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value input = op.getInput(), weight = op.getWeight();
    auto inputType = cast<RankedTensorType>(input.getType());
    auto weightType = cast<RankedTensorType>(weight.getType());
    Type elementType = inputType.getElementType();
    int64_t groups = op.getGroups();
    int64_t stride = op.getStride(), dilation = op.getDilation();

    // With several groups the channel offsets g * C/G enter the indexing
    // maps, so the channel counts must be static.
    int64_t inPerGroup = 0, outPerGroup = 0,
            outChannels = weightType.getDimSize(0);
    if (groups != 1) {
      if (inputType.isDynamicDim(1) || weightType.isDynamicDim(0))
        return rewriter.notifyMatchFailure(
            op, "grouped convolution needs static channel counts");
      inPerGroup = inputType.getDimSize(1) / groups;
      outPerGroup = outChannels / groups;
    }

    // The causal padding dilation * (K - 1) is a static pad amount.
    if (op.getCausal() && weightType.isDynamicDim(2))
      return rewriter.notifyMatchFailure(
          op, "causal convolution needs a static kernel size");
    auto [left, right] = op.getPaddingSizes();
    Value padded = padTime(rewriter, loc, input, left, right);

    OpFoldResult outLength =
        computeOutputLength(rewriter, loc, padded, weight, stride, dilation);
    OpFoldResult batch = seq::getDimSize(rewriter, loc, input, 0);
    OpFoldResult perGroup =
        groups != 1 ? OpFoldResult(rewriter.getIndexAttr(outPerGroup))
                    : seq::getDimSize(rewriter, loc, weight, 0);
    SmallVector<OpFoldResult> groupedSizes = {
        batch, rewriter.getIndexAttr(groups), perGroup, outLength};
    Value init =
        seq::createEmptyTensor(rewriter, loc, groupedSizes, elementType);

    // Loops (b, g, o, c, k, t): time innermost, so that the input row, the
    // output row and the vectorized loop are all contiguous (one weight
    // broadcast per row). With the taps innermost, every load of the input
    // was a gather along channels (3.5 GFLOP/s on the TCN benchmark).
    AffineExpr b = getAffineDimExpr(0, ctx), g = getAffineDimExpr(1, ctx),
               o = getAffineDimExpr(2, ctx), c = getAffineDimExpr(3, ctx),
               k = getAffineDimExpr(4, ctx), t = getAffineDimExpr(5, ctx);
    // With one group, g only takes the value 0.
    AffineExpr inChannel = groups != 1 ? g * inPerGroup + c : c;
    AffineExpr outChannel = groups != 1 ? g * outPerGroup + o : o;

    if (Value bias = op.getBias()) {
      auto broadcast = linalg::GenericOp::create(
          rewriter, loc, TypeRange{init.getType()}, ValueRange{bias},
          ValueRange{init},
          ArrayRef<AffineMap>{AffineMap::get(4, 0, {outChannel}, ctx),
                              rewriter.getMultiDimIdentityMap(4)},
          SmallVector<utils::IteratorType>(4, utils::IteratorType::parallel),
          [](OpBuilder &nb, Location nl, ValueRange args) {
            linalg::YieldOp::create(nb, nl, args[0]);
          });
      init = broadcast.getResult(0);
    } else {
      Value zero = seq::emitFloatConstant(rewriter, loc, elementType, 0.0);
      init = linalg::FillOp::create(rewriter, loc, ValueRange{zero},
                                    ValueRange{init})
                 .getResult(0);
    }

    SmallVector<utils::IteratorType> iterators = {
        utils::IteratorType::parallel,  utils::IteratorType::parallel,
        utils::IteratorType::parallel,  utils::IteratorType::reduction,
        utils::IteratorType::reduction, utils::IteratorType::parallel};
    auto conv = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{padded, weight},
        ValueRange{init},
        ArrayRef<AffineMap>{
            AffineMap::get(6, 0, {b, inChannel, t * stride + k * dilation},
                           ctx),
            AffineMap::get(6, 0, {outChannel, c, k}, ctx),
            AffineMap::get(6, 0, {b, g, o, t}, ctx)},
        iterators, [](OpBuilder &nb, Location nl, ValueRange args) {
          // The sum over channels and taps may be reassociated.
          auto fast = arith::FastMathFlags::reassoc |
                      arith::FastMathFlags::contract;
          Value product =
              arith::MulFOp::create(nb, nl, args[0], args[1], fast);
          linalg::YieldOp::create(
              nb, nl,
              arith::AddFOp::create(nb, nl, args[2], product, fast)
                  .getResult());
        });

    auto groupedType = cast<RankedTensorType>(init.getType());
    int64_t collapsedChannels = groupedType.isDynamicDim(2)
                                    ? ShapedType::kDynamic
                                    : groups * groupedType.getDimSize(2);
    auto collapsedType =
        RankedTensorType::get({groupedType.getDimSize(0), collapsedChannels,
                               groupedType.getDimSize(3)},
                              elementType);
    Value result = tensor::CollapseShapeOp::create(
        rewriter, loc, collapsedType, conv.getResult(0),
        SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}});
    if (result.getType() != op.getType())
      result = tensor::CastOp::create(rewriter, loc, op.getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void seqc::populateConv1dToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<Conv1dToGeneric>(patterns.getContext());
}
