//===- TensorUtils.cpp - small tensor-building helpers ------------------===//

#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace seqc::seq {

OpFoldResult getDimSize(OpBuilder &b, Location loc, Value tensor,
                        int64_t dim) {
  auto type = cast<RankedTensorType>(tensor.getType());
  if (!type.isDynamicDim(dim))
    return b.getIndexAttr(type.getDimSize(dim));
  return tensor::DimOp::create(b, loc, tensor, dim).getResult();
}

SmallVector<int64_t> getStaticShape(ArrayRef<OpFoldResult> sizes) {
  SmallVector<int64_t> shape;
  for (OpFoldResult size : sizes) {
    if (std::optional<int64_t> constant = getConstantIntValue(size))
      shape.push_back(*constant);
    else
      shape.push_back(ShapedType::kDynamic);
  }
  return shape;
}

Value createEmptyTensor(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                        Type elementType) {
  return tensor::EmptyOp::create(b, loc, sizes, elementType);
}

Value createFilledTensor(OpBuilder &b, Location loc, RankedTensorType type,
                         ValueRange dynamicSizes, double value) {
  Value empty = tensor::EmptyOp::create(b, loc, type, dynamicSizes);
  Value scalar = arith::ConstantOp::create(
      b, loc, type.getElementType(),
      b.getFloatAttr(type.getElementType(), value));
  return linalg::FillOp::create(b, loc, ValueRange{scalar}, ValueRange{empty})
      .getResult(0);
}

Value extractIndexAlong(OpBuilder &b, Location loc, Value source, int64_t dim,
                        OpFoldResult index) {
  auto type = cast<RankedTensorType>(source.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(rank, b.getIndexAttr(1));
  SmallVector<int64_t> resultShape;
  for (int64_t i = 0; i < rank; ++i) {
    if (i == dim) {
      offsets[i] = index;
      sizes.push_back(b.getIndexAttr(1));
      continue;
    }
    sizes.push_back(getDimSize(b, loc, source, i));
    resultShape.push_back(type.getDimSize(i));
  }
  auto resultType = RankedTensorType::get(resultShape, type.getElementType());
  return tensor::ExtractSliceOp::create(b, loc, resultType, source, offsets,
                                        sizes, strides);
}

Value insertUnitDim(OpBuilder &b, Location loc, Value v, int64_t axis) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(type.getShape());
  shape.insert(shape.begin() + axis, 1);
  // The unit dimension joins a neighbour's group (a rank-0 value expands
  // with no groups).
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < type.getRank(); ++d)
    groups.push_back({d + (d >= axis)});
  if (axis < type.getRank())
    groups[axis].insert(groups[axis].begin(), axis);
  else if (!groups.empty())
    groups.back().push_back(axis);
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), v, groups);
}

Value extractSliceOrEmpty(OpBuilder &b, Location loc, Value source,
                          ArrayRef<OpFoldResult> offsets,
                          ArrayRef<OpFoldResult> sizes,
                          ArrayRef<OpFoldResult> strides) {
  if (llvm::any_of(
          sizes, [](OpFoldResult size) { return isConstantIntValue(size, 0); }))
    return createEmptyTensor(
        b, loc, sizes,
        cast<RankedTensorType>(source.getType()).getElementType());
  return tensor::ExtractSliceOp::create(b, loc, source, offsets, sizes,
                                        strides);
}

Value extractLastDimRange(OpBuilder &b, Location loc, Value source,
                          int64_t offset, int64_t size) {
  auto type = cast<RankedTensorType>(source.getType());
  int64_t rank = type.getRank();
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(rank, b.getIndexAttr(1));
  for (int64_t i = 0; i < rank; ++i)
    sizes.push_back(getDimSize(b, loc, source, i));
  offsets.back() = b.getIndexAttr(offset);
  sizes.back() = b.getIndexAttr(size);
  SmallVector<int64_t> shape(type.getShape());
  shape.back() = size;
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return tensor::ExtractSliceOp::create(b, loc, resultType, source, offsets,
                                        sizes, strides);
}

Value insertIndexAlong(OpBuilder &b, Location loc, Value source, Value dest,
                       int64_t dim, OpFoldResult index) {
  auto destType = cast<RankedTensorType>(dest.getType());
  int64_t rank = destType.getRank();
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
  SmallVector<OpFoldResult> sizes, strides(rank, b.getIndexAttr(1));
  int64_t sourceDim = 0;
  for (int64_t i = 0; i < rank; ++i) {
    if (i == dim) {
      offsets[i] = index;
      sizes.push_back(b.getIndexAttr(1));
      continue;
    }
    sizes.push_back(getDimSize(b, loc, source, sourceDim++));
  }
  return tensor::InsertSliceOp::create(b, loc, source, dest, offsets, sizes,
                                       strides);
}

Value createTranspose(OpBuilder &b, Location loc, Value source,
                      ArrayRef<int64_t> permutation) {
  auto type = cast<RankedTensorType>(source.getType());
  SmallVector<OpFoldResult> sizes;
  for (int64_t p : permutation)
    sizes.push_back(getDimSize(b, loc, source, p));
  Value init = createEmptyTensor(b, loc, sizes, type.getElementType());
  return linalg::TransposeOp::create(b, loc, source, init, permutation)
      .getResult()[0];
}

AffineMap selectLoopDims(MLIRContext *ctx, unsigned numDims,
                         ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(numDims, 0, exprs, ctx);
}

} // namespace seqc::seq
