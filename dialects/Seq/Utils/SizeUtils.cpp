//===- SizeUtils.cpp - reasoning about dynamic sizes ---------------------===//

#include "dialects/Seq/Utils/SizeUtils.h"

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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

/// The operand dimension that a seq op's shape rule ties dimension `d` of
/// its result `v` to (DimensionTiesOpInterface), if any.
std::optional<std::pair<Value, int64_t>> tiedOperandDim(Value v, int64_t d) {
  auto tied = v.getDefiningOp<DimensionTiesOpInterface>();
  if (!tied)
    return std::nullopt;
  SmallVector<DimensionTie> ties;
  tied.getDimensionTies(ties);
  auto isOperand = [&](Value x) {
    return llvm::is_contained(tied->getOperands(), x);
  };
  for (const DimensionTie &t : ties) {
    if (t.a == v && t.dimA == d && isOperand(t.b))
      return std::make_pair(t.b, t.dimB);
    if (t.b == v && t.dimB == d && isOperand(t.a))
      return std::make_pair(t.a, t.dimA);
  }
  return std::nullopt;
}

/// getDecidedSize's walk; `end` is the dimension it stopped at.
OpFoldResult traceSize(Value v, int64_t d, std::pair<Value, int64_t> &end) {
  // The last size found on the way (a tensor.dim of a function argument
  // ends the walk and is the answer).
  OpFoldResult found;
  end = {v, d};
  // (Bounded: a chain of reshapes and DPS ops is as long as the model.)
  for (int steps = 0; steps < 1024; ++steps) {
    end = {v, d};
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
    if (std::optional<std::pair<Value, int64_t>> operand =
            tiedOperandDim(v, d)) {
      std::tie(v, d) = *operand;
      continue;
    }
    if (auto cast = v.getDefiningOp<tensor::CastOp>()) {
      v = cast.getSource();
      continue;
    }
    // A dimension a concat does not join has its inputs' (equal) extent:
    // rotate_half(q) = cat(-q[..., h:], q[..., :h]) keeps q's length.
    if (auto concat = v.getDefiningOp<tensor::ConcatOp>();
        concat && int64_t(concat.getDim()) != d) {
      v = concat.getInputs().front();
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
    else if (auto slice = v.getDefiningOp<tensor::ExtractSliceOp>())
      // (A rank-reducing slice, w[:, 0], drops unit dimensions: the d-th
      // kept one.)
      size = slice.getMixedSizes()[sliceSourceDim(slice, d)];
    else if (auto expand = v.getDefiningOp<tensor::ExpandShapeOp>())
      size = expand.getMixedOutputShape()[d];
    else if (auto reshape = v.getDefiningOp<tensor::ReshapeOp>();
             reshape &&
             reshape.getShape().getDefiningOp<tensor::FromElementsOp>())
      // A view to sizes listed at run time (ONNX Reshape's computed shape).
      size = reshape.getShape()
                 .getDefiningOp<tensor::FromElementsOp>()
                 .getElements()[d];
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

} // namespace

int64_t sliceSourceDim(tensor::ExtractSliceOp slice, int64_t d) {
  llvm::SmallBitVector dropped = slice.getDroppedDims();
  for (int64_t s = 0, kept = 0; s < slice.getSourceType().getRank(); ++s)
    if (!dropped.test(s) && kept++ == d)
      return s;
  return d;
}

OpFoldResult getDecidedSize(Value v, int64_t d) {
  std::pair<Value, int64_t> end;
  return traceSize(v, d, end);
}

OpFoldResult getDecidedSize(Value v, int64_t d,
                            std::pair<Value, int64_t> &end) {
  return traceSize(v, d, end);
}

OpFoldResult getDecidedSize(OpFoldResult size) {
  std::optional<std::pair<Value, int64_t>> dim = asDimOf(size);
  if (!dim)
    return size;
  OpFoldResult decided = getDecidedSize(dim->first, dim->second);
  return decided ? decided : size;
}

SmallVector<std::pair<Value, int64_t>> getCollapsedFactors(OpFoldResult size) {
  std::optional<std::pair<Value, int64_t>> dim = asDimOf(size);
  if (!dim)
    return {};
  return getCollapsedFactors(dim->first, dim->second);
}

SmallVector<std::pair<Value, int64_t>> getCollapsedFactors(Value v, int64_t d) {
  SmallVector<std::pair<Value, int64_t>> factors;
  std::pair<Value, int64_t> end;
  (void)traceSize(v, d, end);
  auto collapse = end.first.getDefiningOp<tensor::CollapseShapeOp>();
  if (!collapse)
    return factors;
  // (Kept: the indices are returned by value.)
  SmallVector<ReassociationIndices> groups = collapse.getReassociationIndices();
  for (int64_t s : groups[end.second])
    if (collapse.getSrcType().getDimSize(s) != 1)
      factors.push_back({collapse.getSrc(), s});
  if (factors.size() < 2)
    factors.clear();
  return factors;
}

namespace {

bool isSameSize(OpFoldResult a, OpFoldResult b, int depth) {
  if (!a || !b)
    return false;
  // Two tensor.dims whose walks end at one dimension of one value (the
  // time of an argument, read through a Linear's result and a transpose).
  std::optional<std::pair<Value, int64_t>> dimA = asDimOf(a), dimB = asDimOf(b);
  if (dimA && dimB) {
    std::pair<Value, int64_t> endA, endB;
    (void)traceSize(dimA->first, dimA->second, endA);
    (void)traceSize(dimB->first, dimB->second, endB);
    if (endA == endB)
      return true;
  }
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

/// A constant bound of `size` on every run: the largest value it can take
/// (`upper`) or the smallest. Signed index arithmetic on values far from
/// overflow (sizes, offsets into them).
std::optional<int64_t> getBound(OpFoldResult size, bool upper, int depth) {
  size = getDecidedSize(size);
  if (!size || depth > 8)
    return std::nullopt;
  if (std::optional<int64_t> c = getConstantIntValue(size))
    return c;
  Operation *op = cast<Value>(size).getDefiningOp();
  if (!op)
    return std::nullopt;
  auto bound = [&](Value v, bool up) { return getBound(v, up, depth + 1); };
  // The side of a min or max that decides the bound: either operand's
  // (min's upper, max's lower: ONNX Slice clamping into [0, rows]) or
  // both (min's lower, max's upper; a select's either way).
  auto either = [&](bool takeMin) -> std::optional<int64_t> {
    std::optional<int64_t> a = bound(op->getOperand(0), upper),
                           b = bound(op->getOperand(1), upper);
    if (a && b)
      return takeMin ? std::min(*a, *b) : std::max(*a, *b);
    return a ? a : b;
  };
  auto both = [&](Value x, Value y, bool takeMin) -> std::optional<int64_t> {
    std::optional<int64_t> a = bound(x, upper), b = bound(y, upper);
    if (!a || !b)
      return std::nullopt;
    return takeMin ? std::min(*a, *b) : std::max(*a, *b);
  };
  if (isa<arith::MinSIOp>(op))
    return upper ? either(true)
                 : both(op->getOperand(0), op->getOperand(1), true);
  if (isa<arith::MaxSIOp>(op))
    return upper ? both(op->getOperand(0), op->getOperand(1), false)
                 : either(false);
  if (auto select = dyn_cast<arith::SelectOp>(op))
    return both(select.getTrueValue(), select.getFalseValue(), !upper);
  if (isa<arith::AddIOp, arith::SubIOp>(op)) {
    bool sub = isa<arith::SubIOp>(op);
    std::optional<int64_t> a = bound(op->getOperand(0), upper),
                           b = bound(op->getOperand(1), sub ? !upper : upper);
    constexpr int64_t kFar = int64_t(1) << 40; // no overflow below it
    auto near = [&](int64_t x) { return -kFar <= x && x <= kFar; };
    if (!a || !b || !near(*a) || !near(*b))
      return std::nullopt;
    return sub ? *a - *b : *a + *b;
  }
  return std::nullopt;
}

} // namespace

bool isSameSize(OpFoldResult a, OpFoldResult b) { return isSameSize(a, b, 0); }

std::optional<int64_t> getUpperBound(OpFoldResult size) {
  return getBound(size, /*upper=*/true, 0);
}

bool isSameDimension(Value a, int64_t da, Value b, int64_t db) {
  std::pair<Value, int64_t> endA, endB;
  OpFoldResult sizeA = traceSize(a, da, endA), sizeB = traceSize(b, db, endB);
  return endA == endB || (sizeA && sizeB && isSameSize(sizeA, sizeB));
}

} // namespace seqc::seq
