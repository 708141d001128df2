//===- Convolution.cpp - how causal convolutions, shifts, positions stream //
//
// A causal convolution carries its last dilation * (K - 1) inputs: each
// chunk is prepended with them and convolved without padding. A time shift
// by k carries its last k inputs: the chunk's shift is the first L steps of
// [state, chunk]. seq.positions carries the number of steps seen, the
// offset of the next chunk's first step.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/StreamableOpInterface.h"
#include "dialects/Seq/Transforms/StreamableOpInterfaceImpl.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace seqc::seq {
namespace {

/// Output t reads inputs [t - left, t - left + history], history the
/// dilated kernel's reach: a step after t when left < history.
std::string futureSteps(Conv1dOp op) {
  auto weightType = cast<RankedTensorType>(op.getWeight().getType());
  if (weightType.isDynamicDim(2))
    return "";
  int64_t history = op.getDilation() * (weightType.getDimSize(2) - 1);
  if (op.getPaddingSizes().first >= history)
    return "";
  // Padded on the left with something other than +0 (F.pad(x, (k - 1, 0),
  // value=1.0)): the pad is part of the input the convolution reads.
  auto pad = op.getInput().getDefiningOp<tensor::PadOp>();
  Value fill = pad ? pad.getConstantPaddingValue() : Value();
  std::optional<int64_t> before =
      pad ? getConstantIntValue(pad.getMixedLowPad()[2]) : std::nullopt;
  if (fill && before && *before > 0)
    return "its input is padded on the left with a value other than zeros "
           "(F.pad(x, (k-1, 0), value=v)): a causal convolution streams "
           "when zero-padded by its reach (the padding a stream's first "
           "chunk gets is zeros)";
  return "a non-causal convolution reads future steps (a causal one "
         "is zero-padded on the left by its reach: Conv1d(padding=k-1) "
         "with the last k-1 outputs cut, or F.pad(x, (k-1, 0)); "
         "replicate or reflect padding is not read as padding)";
}

LogicalResult carryConv(Conv1dOp op, StreamState &s) {
  OpBuilder &b = s.getBuilder();
  if (std::string why = futureSteps(op); !why.empty())
    return s.fail(op, why);
  if (op.getStride() != 1)
    return s.fail(op, "a strided convolution does not produce one output per "
                      "input step");
  auto weightType = cast<RankedTensorType>(op.getWeight().getType());
  auto inputType = cast<RankedTensorType>(op.getInput().getType());
  if (weightType.isDynamicDim(2) || inputType.isDynamicDim(1))
    return s.fail(op, "the kernel size and input channels must be static");
  int64_t history = op.getDilation() * (weightType.getDimSize(2) - 1);
  // One output per input step, each reading only steps up to its own:
  // all the padding on the left, as much as the kernel reaches (the
  // `causal` attribute, explicit padding [history, 0], or a 1-wide kernel
  // without padding).
  auto [left, right] = op.getPaddingSizes();
  if (right != 0 || left != history)
    return s.fail(op, "padding other than [" + std::to_string(history) +
                          ", 0] (dilation x (kernel - 1) on the left) does "
                          "not make one output per input step");
  if (history == 0)
    return success(); // 1-wide kernels need no state
  if (failed(s.claimTimeDim(op, op.getInput(), 2)))
    return failure();
  Location loc = op.getLoc();
  auto stateType = RankedTensorType::get(
      {inputType.getDimSize(0), inputType.getDimSize(1), history},
      inputType.getElementType());
  FailureOr<std::string> batchName = s.batchDimName(op, op.getInput(), 0);
  if (failed(batchName))
    return failure();
  std::string batch = *batchName;
  BlockArgument state = s.addState(stateType, loc);

  b.setInsertionPoint(op);
  // Unpadded, the convolution of [state, chunk] needs one step more than
  // the state; say so instead of the receptive-field error the lowering
  // would give for an empty chunk.
  Value chunkSteps = getValueOrCreateConstantIndexOp(
      b, loc, getDimSize(b, loc, op.getInput(), 2));
  createNonEmptyChunkCheck(b, loc, chunkSteps,
                           describeOrigin("seq.conv1d", loc),
                           "this causal convolution's step needs at least one");
  Value joined = tensor::ConcatOp::create(b, loc, /*dim=*/2,
                                          ValueRange{state, op.getInput()});
  // The last `history` frames of [state, chunk] are the next state.
  Value length =
      getValueOrCreateConstantIndexOp(b, loc, getDimSize(b, loc, joined, 2));
  Value offset = arith::SubIOp::create(
      b, loc, length, arith::ConstantIndexOp::create(b, loc, history));
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                       offset};
  SmallVector<OpFoldResult> sizes = {getDimSize(b, loc, joined, 0),
                                     b.getIndexAttr(stateType.getDimSize(1)),
                                     b.getIndexAttr(history)};
  SmallVector<OpFoldResult> strides(3, b.getIndexAttr(1));
  Value next = tensor::ExtractSliceOp::create(b, loc, stateType, joined,
                                              offsets, sizes, strides);
  op.getInputMutable().assign(joined);
  op.setCausal(false);
  op.removePaddingAttr();
  s.carry(state, next, s.stateDims(stateType, 0, batch));
  s.explainState(state, history == 1
                            ? Twine("the last input frame")
                            : "the last " + Twine(history) + " input frames");
  return success();
}

LogicalResult carryTimeShift(TimeShiftOp op, StreamState &s) {
  OpBuilder &b = s.getBuilder();
  Location loc = op.getLoc();
  Value input = op.getInput();
  auto type = cast<RankedTensorType>(input.getType());
  int64_t axis = op.getDim(), steps = op.getSteps();
  if (!type.isDynamicDim(axis))
    return s.fail(op, "it shifts along a dimension of fixed size, which is "
                      "not the time axis of a stream");
  if (failed(s.claimTimeDim(op, input, axis)))
    return failure();
  // The state is the last `steps` inputs: the input's sizes elsewhere, of
  // which one of run-time size (the batch) at most.
  std::optional<unsigned> batchDim;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (d == axis || !type.isDynamicDim(d))
      continue;
    if (batchDim)
      return s.fail(op, "its input has more than one dimension of run-time "
                        "size besides time");
    batchDim = d;
  }
  std::string batch;
  if (batchDim) {
    FailureOr<std::string> batchName = s.batchDimName(op, input, *batchDim);
    if (failed(batchName))
      return failure();
    batch = *batchName;
  }
  SmallVector<int64_t> stateShape(type.getShape());
  stateShape[axis] = steps;
  auto stateType = type.clone(stateShape);
  BlockArgument state = s.addState(stateType, loc);

  b.setInsertionPoint(op);
  Value joined =
      tensor::ConcatOp::create(b, loc, axis, ValueRange{state, input});
  // The shifted chunk is the first L steps of [state, chunk]; the next
  // state its last `steps`, from L on.
  SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0));
  SmallVector<OpFoldResult> strides(type.getRank(), b.getIndexAttr(1));
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, input);
  Value shifted = tensor::ExtractSliceOp::create(b, loc, type, joined, offsets,
                                                 sizes, strides);
  SmallVector<OpFoldResult> nextOffsets = offsets, nextSizes = sizes;
  nextOffsets[axis] = sizes[axis];
  nextSizes[axis] = b.getIndexAttr(steps);
  Value next = tensor::ExtractSliceOp::create(b, loc, stateType, joined,
                                              nextOffsets, nextSizes, strides);
  op.getResult().replaceAllUsesWith(shifted);
  op->erase();
  s.carry(state, next, s.stateDims(stateType, batchDim.value_or(0), batch));
  s.explainState(state, steps == 1
                            ? Twine("the last input step")
                            : "the last " + Twine(steps) + " input steps");
  return success();
}

LogicalResult carryPositions(PositionsOp op, StreamState &s) {
  OpBuilder &b = s.getBuilder();
  // Positions continue across chunks: the steps seen so far are the offset.
  if (failed(s.claimTimeDim(op, op.getLike(), op.getDim())))
    return failure();
  Location loc = op.getLoc();
  MLIRContext *ctx = op->getContext();
  auto positionType = RankedTensorType::get({1}, b.getI64Type());
  BlockArgument position = s.addState(positionType, loc);
  b.setInsertionPoint(op);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value start = tensor::ExtractOp::create(b, loc, position, ValueRange{zero});
  if (Value given = op.getOffset())
    start = arith::AddIOp::create(b, loc, start, given);
  op.getOffsetMutable().assign(start);
  Value steps = arith::IndexCastOp::create(
      b, loc, b.getI64Type(),
      tensor::DimOp::create(b, loc, op.getLike(),
                            static_cast<int64_t>(op.getDim())));
  Value seen = tensor::ExtractOp::create(b, loc, position, ValueRange{zero});
  Value next = tensor::FromElementsOp::create(
      b, loc, positionType,
      ValueRange{arith::AddIOp::create(b, loc, seen, steps)});
  s.carry(position, next, ArrayAttr::get(ctx, {StringAttr::get(ctx, "")}));
  s.explainState(position, "the steps seen so far");
  return success();
}

struct ConvModel : StreamableOpInterface::ExternalModel<ConvModel, Conv1dOp> {
  LogicalResult carryStreamState(Operation *op, StreamState &s) const {
    return carryConv(cast<Conv1dOp>(op), s);
  }
  std::string futureStepsReason(Operation *op, StreamState &) const {
    return futureSteps(cast<Conv1dOp>(op));
  }
};

struct TimeShiftModel
    : StreamableOpInterface::ExternalModel<TimeShiftModel, TimeShiftOp> {
  LogicalResult carryStreamState(Operation *op, StreamState &s) const {
    return carryTimeShift(cast<TimeShiftOp>(op), s);
  }
};

struct PositionsModel
    : StreamableOpInterface::ExternalModel<PositionsModel, PositionsOp> {
  LogicalResult carryStreamState(Operation *op, StreamState &s) const {
    return carryPositions(cast<PositionsOp>(op), s);
  }
};

} // namespace

void attachConvolutionStreamingModels(MLIRContext *ctx) {
  Conv1dOp::attachInterface<ConvModel>(*ctx);
  TimeShiftOp::attachInterface<TimeShiftModel>(*ctx);
  PositionsOp::attachInterface<PositionsModel>(*ctx);
}

} // namespace seqc::seq
