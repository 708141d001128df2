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
  Type resultType = getResult().getType(),
       stateType = getFinalState().getType(),
       normalizerType = getFinalNormalizer().getType();
  // Each size from the first operand or result that knows it statically.
  auto merged = [](std::initializer_list<std::pair<Type, unsigned>> dims) {
    int64_t size = ShapedType::kDynamic;
    for (auto [type, dim] : dims) {
      auto ranked = cast<RankedTensorType>(type);
      if (dim < ranked.getRank())
        size = mergeDims(size, ranked.getDimSize(dim));
    }
    return size;
  };
  int64_t batch = merged({{queryType, 0}, {keyType, 0}, {valueType, 0},
                          {resultType, 0}, {stateType, 0},
                          {normalizerType, 0}});
  int64_t heads = merged({{queryType, 1}, {keyType, 1}, {valueType, 1},
                          {resultType, 1}, {stateType, 1},
                          {normalizerType, 1}});
  int64_t steps = merged({{queryType, 2}, {keyType, 2}, {valueType, 2},
                          {resultType, 2}});
  int64_t keySize = merged({{queryType, 3}, {keyType, 3}, {stateType, 2},
                            {normalizerType, 2}});
  int64_t valueSize = merged({{valueType, 3}, {resultType, 3},
                              {stateType, 3}});
  SmallVector<ExpectedDim> keys = {
      {batch, "B"}, {heads, "H"}, {steps, "T"}, {keySize, "Dk"}};
  SmallVector<ExpectedDim> values = {
      {batch, "B"}, {heads, "H"}, {steps, "T"}, {valueSize, "Dv"}};
  SmallVector<ExpectedDim> state = {
      {batch, "B"}, {heads, "H"}, {keySize, "Dk"}, {valueSize, "Dv"}};
  SmallVector<ExpectedDim> normalizer = {
      {batch, "B"}, {heads, "H"}, {keySize, "Dk"}};
  if (failed(verifyNonZeroSizes(op, {{heads, "the head count H"},
                                     {keySize, "the key size Dk"},
                                     {valueSize, "the value size Dv"}})))
    return failure();
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
  return verifyAllElementTypes(op, queryType);
}

void LinearAttentionOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  // The verifier's rule (B batch, H heads, T steps, K = Dk, V = Dv).
  addRoleTies(ties, {{"query", getQuery(), "BHTK"},
                     {"key", getKey(), "BHTK"},
                     {"value", getValue(), "BHTV"},
                     {"initial_state", getInitialState(), "BHKV"},
                     {"initial_normalizer", getInitialNormalizer(), "BHK"},
                     {"result", getResult(), "BHTV"},
                     {"final_state", getFinalState(), "BHKV"},
                     {"final_normalizer", getFinalNormalizer(), "BHK"}});
}
