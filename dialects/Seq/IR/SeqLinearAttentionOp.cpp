//===- SeqLinearAttentionOp.cpp - seq.linear_attention ------------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/SeqVerifyUtils.h"

using namespace mlir;
using namespace seqc::seq;

LogicalResult LinearAttentionOp::verify() {
  Operation *op = getOperation();
  Type queryType = getQuery().getType();
  for (auto [what, value] :
       {std::pair<StringRef, Value>{"query", getQuery()}, {"key", getKey()},
        {"value", getValue()}})
    if (cast<RankedTensorType>(value.getType()).getRank() != 4)
      return emitOpError() << "'" << what << "' must be [B, H, T, D], found "
                           << value.getType();
  Type keyType = getKey().getType(), valueType = getValue().getType();
  int64_t batch = mergeDims(dimOf(queryType, 0), dimOf(keyType, 0));
  int64_t heads = mergeDims(dimOf(queryType, 1), dimOf(keyType, 1));
  int64_t steps = mergeDims(dimOf(queryType, 2), dimOf(keyType, 2));
  int64_t keySize = mergeDims(dimOf(queryType, 3), dimOf(keyType, 3));
  int64_t valueSize = dimOf(valueType, 3);
  SmallVector<ExpectedDim> keys = {
      {batch, "B"}, {heads, "H"}, {steps, "T"}, {keySize, "Dk"}};
  SmallVector<ExpectedDim> values = {
      {batch, "B"}, {heads, "H"}, {steps, "T"}, {valueSize, "Dv"}};
  SmallVector<ExpectedDim> state = {
      {batch, "B"}, {heads, "H"}, {keySize, "Dk"}, {valueSize, "Dv"}};
  SmallVector<ExpectedDim> normalizer = {
      {batch, "B"}, {heads, "H"}, {keySize, "Dk"}};
  if (failed(verifyShape(op, "query", queryType, keys)) ||
      failed(verifyShape(op, "key", keyType, keys)) ||
      failed(verifyShape(op, "value", valueType, values)) ||
      failed(verifyShape(op, "result", getResult().getType(), values)) ||
      failed(verifyShape(op, "final_state", getFinalState().getType(),
                         state)) ||
      failed(verifyShape(op, "final_normalizer",
                         getFinalNormalizer().getType(), normalizer)))
    return failure();
  if (getInitialState() &&
      failed(verifyShape(op, "initial_state", getInitialState().getType(),
                         state)))
    return failure();
  if (getInitialNormalizer() &&
      failed(verifyShape(op, "initial_normalizer",
                         getInitialNormalizer().getType(), normalizer)))
    return failure();
  if (getEpsilon().convertToFloat() < 0)
    return emitOpError() << "epsilon must not be negative, found "
                         << getEpsilon().convertToFloat();
  for (Value value : op->getOperands())
    if (failed(verifySameElementType(op, "operands", queryType,
                                     value.getType())))
      return failure();
  for (Value value : op->getResults())
    if (failed(verifySameElementType(op, "results", queryType,
                                     value.getType())))
      return failure();
  return success();
}
