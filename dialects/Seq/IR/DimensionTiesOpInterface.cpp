//===- DimensionTiesOpInterface.cpp - sizes an op ties -------------------===//

#include "dialects/Seq/IR/DimensionTiesOpInterface.h"

#include "mlir/IR/BuiltinTypes.h"

#include <algorithm>

using namespace mlir;

namespace seqc::seq {

#include "dialects/Seq/IR/DimensionTiesOpInterface.cpp.inc"

void addTie(SmallVectorImpl<DimensionTie> &ties, Value a, int64_t dimA, Value b,
            int64_t dimB) {
  if (a && b)
    ties.push_back({a, dimA, b, dimB});
}

void addTiesOfAllDims(SmallVectorImpl<DimensionTie> &ties, Value a, Value b) {
  auto typeA = a ? dyn_cast<RankedTensorType>(a.getType()) : nullptr;
  auto typeB = b ? dyn_cast<RankedTensorType>(b.getType()) : nullptr;
  if (!typeA || !typeB)
    return;
  for (int64_t i = 0, e = std::min(typeA.getRank(), typeB.getRank()); i < e;
       ++i)
    addTie(ties, a, i, b, i);
}

} // namespace seqc::seq
