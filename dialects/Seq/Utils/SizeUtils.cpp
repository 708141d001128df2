//===- SizeUtils.cpp - reasoning about dynamic sizes ---------------------===//

#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/OperationSupport.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace seqc::seq {

namespace {

/// The tensor and dimension `size` is the tensor.dim of (a constant
/// index), if it is one.
std::optional<std::pair<Value, int64_t>> asDimOf(OpFoldResult size) {
  auto v = dyn_cast_if_present<Value>(size);
  auto dim = v ? v.getDefiningOp<tensor::DimOp>() : tensor::DimOp();
  std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
  if (!index)
    return std::nullopt;
  return std::make_pair(dim.getSource(), *index);
}

} // namespace

OpFoldResult getDecidedSize(Value v, int64_t d) {
  // The last size found on the way (a tensor.dim of a function argument
  // ends the walk and is the answer).
  OpFoldResult found;
  // (Bounded: a chain of reshapes and DPS ops is as long as the model.)
  for (int steps = 0; steps < 1024; ++steps) {
    auto type = dyn_cast<RankedTensorType>(v.getType());
    if (!type || d < 0 || d >= type.getRank())
      return found;
    if (!type.isDynamicDim(d))
      return Builder(v.getContext()).getIndexAttr(type.getDimSize(d));
    if (auto dps = v.getDefiningOp<DestinationStyleOpInterface>();
        dps && dps->getNumResults() == 1 && dps.getNumDpsInits() == 1) {
      v = dps.getDpsInitOperand(0)->get();
      continue;
    }
    if (auto cast = v.getDefiningOp<tensor::CastOp>()) {
      v = cast.getSource();
      continue;
    }
    if (auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>()) {
      // The one source dimension of the group that is not size 1.
      std::optional<int64_t> only;
      // (Kept: the indices are returned by value.)
      SmallVector<ReassociationIndices> groups =
          collapse.getReassociationIndices();
      for (int64_t s : groups[d]) {
        if (collapse.getSrcType().getDimSize(s) == 1)
          continue;
        if (only)
          return found; // a product of sizes
        only = s;
      }
      if (!only)
        return found;
      v = collapse.getSrc();
      d = *only;
      continue;
    }
    OpFoldResult size;
    if (auto empty = v.getDefiningOp<tensor::EmptyOp>())
      size = empty.getMixedSizes()[d];
    else if (auto slice = v.getDefiningOp<tensor::ExtractSliceOp>();
             slice && slice.getSourceType().getRank() == type.getRank())
      size = slice.getMixedSizes()[d];
    else if (auto expand = v.getDefiningOp<tensor::ExpandShapeOp>())
      size = expand.getMixedOutputShape()[d];
    else
      return found;
    std::optional<std::pair<Value, int64_t>> dim = asDimOf(size);
    if (!dim)
      return size;
    found = size;
    std::tie(v, d) = *dim;
  }
  return found;
}

OpFoldResult getDecidedSize(OpFoldResult size) {
  std::optional<std::pair<Value, int64_t>> dim = asDimOf(size);
  if (!dim)
    return size;
  OpFoldResult decided = getDecidedSize(dim->first, dim->second);
  return decided ? decided : size;
}

namespace {

bool isSameSize(OpFoldResult a, OpFoldResult b, int depth) {
  if (!a || !b)
    return false;
  a = getDecidedSize(a);
  b = getDecidedSize(b);
  std::optional<int64_t> ca = getConstantIntValue(a),
                         cb = getConstantIntValue(b);
  if (ca || cb)
    return ca && cb && *ca == *cb;
  Value va = cast<Value>(a), vb = cast<Value>(b);
  if (va == vb)
    return true;
  Operation *x = va.getDefiningOp(), *y = vb.getDefiningOp();
  if (!x || !y || depth > 8 || x->getNumRegions() || !isPure(x) ||
      cast<OpResult>(va).getResultNumber() !=
          cast<OpResult>(vb).getResultNumber())
    return false;
  return OperationEquivalence::isEquivalentTo(
      x, y,
      [&](Value l, Value r) { return success(isSameSize(l, r, depth + 1)); },
      nullptr, OperationEquivalence::IgnoreLocations);
}

} // namespace

bool isSameSize(OpFoldResult a, OpFoldResult b) { return isSameSize(a, b, 0); }

} // namespace seqc::seq
