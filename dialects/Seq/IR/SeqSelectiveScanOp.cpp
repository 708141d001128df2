//===- SeqSelectiveScanOp.cpp - seq.selective_scan ----------------------===//
//
// The verifier names every dimension (B, T, D channels, N state size) so a
// front end that split Mamba's x_proj output the wrong way round is told
// which projection has which size.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/SeqVerifyUtils.h"

using namespace mlir;
using namespace seqc::seq;

LogicalResult SelectiveScanOp::verify() {
  Operation *op = getOperation();
  Type inputType = getInput().getType();
  if (cast<RankedTensorType>(inputType).getRank() != 3)
    return emitOpError("'input' must be [B, T, D], found ") << inputType;
  if (cast<RankedTensorType>(getA().getType()).getRank() != 2)
    return emitOpError("'a' must be [D, N], found ") << getA().getType();
  // Each size from the first operand that knows it statically.
  int64_t batch = mergeDims(dimOf(inputType, 0), dimOf(getDelta().getType(), 0));
  int64_t steps = mergeDims(dimOf(inputType, 1), dimOf(getDelta().getType(), 1));
  int64_t channels = mergeDims(dimOf(inputType, 2), dimOf(getA().getType(), 0));
  int64_t stateSize =
      mergeDims(dimOf(getA().getType(), 1), dimOf(getB().getType(), 2));

  SmallVector<ExpectedDim> perChannel = {{batch, "B"}, {steps, "T"},
                                         {channels, "D"}};
  SmallVector<ExpectedDim> perState = {{batch, "B"}, {steps, "T"},
                                       {stateSize, "N"}};
  SmallVector<ExpectedDim> state = {{batch, "B"}, {channels, "D"},
                                    {stateSize, "N"}};
  SmallVector<std::pair<StringRef, Value>> perChannelValues = {
      {"input", getInput()}, {"delta", getDelta()}, {"z", getZ()},
      {"y", getY()}};
  for (auto [what, value] : perChannelValues)
    if (value && failed(verifyShape(op, what, value.getType(), perChannel)))
      return failure();
  if (failed(verifyShape(op, "a", getA().getType(),
                         {{channels, "D"}, {stateSize, "N"}})) ||
      failed(verifyShape(op, "b", getB().getType(), perState)) ||
      failed(verifyShape(op, "c", getC().getType(), perState)) ||
      failed(verifyShape(op, "final_state", getFinalState().getType(), state)))
    return failure();
  if (getInitialState() &&
      failed(verifyShape(op, "initial_state", getInitialState().getType(),
                         state)))
    return failure();
  SmallVector<std::pair<StringRef, Value>> perChannelVectors = {
      {"d", getD()}, {"delta_bias", getDeltaBias()}};
  for (auto [what, value] : perChannelVectors)
    if (value &&
        failed(verifyShape(op, what, value.getType(), {{channels, "D"}})))
      return failure();

  for (Value value : op->getOperands())
    if (failed(verifySameElementType(op, "operands", inputType,
                                     value.getType())))
      return failure();
  for (Value value : op->getResults())
    if (failed(verifySameElementType(op, "results", inputType,
                                     value.getType())))
      return failure();
  return success();
}
