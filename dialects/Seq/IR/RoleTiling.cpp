//===- RoleTiling.cpp - TilingInterface from dimension roles -------------===//

#include "dialects/Seq/IR/RoleTiling.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/IRMapping.h"

using namespace mlir;

namespace seqc::seq {
namespace {

/// The first value with role `role` and its dimension.
std::optional<std::pair<Value, int64_t>> firstWithRole(
    ArrayRef<RoleShape> shapes, char role) {
  for (const RoleShape &shape : shapes) {
    size_t d = shape.value ? shape.roles.find(role) : StringRef::npos;
    if (d != StringRef::npos)
      return std::make_pair(shape.value, static_cast<int64_t>(d));
  }
  return std::nullopt;
}

/// Whether `size` is loop `role`'s whole extent: the same constant, or a
/// tensor.dim of the value getRoleIterationDomain measures it on.
bool isWholeExtent(ArrayRef<RoleShape> shapes, char role, OpFoldResult size) {
  std::optional<std::pair<Value, int64_t>> first = firstWithRole(shapes, role);
  if (!first)
    return false;
  auto [value, dim] = *first;
  int64_t extent = cast<RankedTensorType>(value.getType()).getDimSize(dim);
  if (!ShapedType::isDynamic(extent))
    return isConstantIntValue(size, extent);
  auto measured = dyn_cast_if_present<Value>(size);
  auto dimOp =
      measured ? measured.getDefiningOp<tensor::DimOp>() : tensor::DimOp();
  return dimOp && dimOp.getSource() == value &&
         dimOp.getConstantIndex() == dim;
}

/// The whole extent of a dimension with role `role`: a digit is that
/// size, a letter the size of the first value with that role.
OpFoldResult wholeExtent(OpBuilder &b, Location loc, ArrayRef<RoleShape> shapes,
                         char role) {
  if (isdigit(role))
    return b.getIndexAttr(role - '0');
  auto [value, dim] = *firstWithRole(shapes, role);
  return tensor::getMixedSize(b, loc, value, dim);
}

/// The tile of a value with roles `roles`: its offsets and sizes per
/// dimension.
void tileOf(OpBuilder &b, Location loc, ArrayRef<RoleShape> shapes,
            StringRef roles, StringRef loops, ArrayRef<OpFoldResult> offsets,
            ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &tileOffsets,
            SmallVector<OpFoldResult> &tileSizes) {
  tileOffsets.clear();
  tileSizes.clear();
  for (char role : roles) {
    size_t loop = loops.find(role);
    bool cut = loop != StringRef::npos;
    tileOffsets.push_back(cut ? offsets[loop] : b.getIndexAttr(0));
    tileSizes.push_back(cut ? sizes[loop] : wholeExtent(b, loc, shapes, role));
  }
}

} // namespace

SmallVector<Range> getRoleIterationDomain(OpBuilder &b, Location loc,
                                          ArrayRef<RoleShape> shapes,
                                          StringRef loops) {
  SmallVector<Range> domain;
  for (char role : loops)
    domain.push_back({b.getIndexAttr(0), wholeExtent(b, loc, shapes, role),
                      b.getIndexAttr(1)});
  return domain;
}

FailureOr<TilingResult> getRoleTiledImplementation(
    OpBuilder &b, Operation *op, ArrayRef<RoleShape> shapes, StringRef loops,
    ArrayRef<utils::IteratorType> iteratorTypes, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes) {
  for (auto [loop, type] : llvm::enumerate(iteratorTypes))
    if (type == utils::IteratorType::reduction &&
        (!isConstantIntValue(offsets[loop], 0) ||
         !isWholeExtent(shapes, loops[loop], sizes[loop])))
      return op->emitOpError("cannot be tiled along its '")
             << loops[loop] << "' loop (a reduction): a tile must span it";
  Location loc = op->getLoc();
  TilingResult tiled;
  IRMapping slices;
  llvm::DenseMap<Value, StringRef> rolesOfValue;
  SmallVector<OpFoldResult> tileOffsets, tileSizes;
  for (const RoleShape &shape : shapes) {
    if (!shape.value)
      continue;
    auto [it, inserted] = rolesOfValue.try_emplace(shape.value, shape.roles);
    if (!inserted && it->second != shape.roles)
      return op->emitOpError("cannot be tiled: one value has roles ")
             << it->second << " and " << shape.roles;
    auto result = dyn_cast<OpResult>(shape.value);
    if ((result && result.getOwner() == op) || !inserted)
      continue;
    tileOf(b, loc, shapes, shape.roles, loops, offsets, sizes, tileOffsets,
           tileSizes);
    SmallVector<OpFoldResult> strides(tileSizes.size(), b.getIndexAttr(1));
    auto slice = tensor::ExtractSliceOp::create(b, loc, shape.value,
                                                tileOffsets, tileSizes, strides);
    slices.map(shape.value, slice.getResult());
    tiled.generatedSlices.push_back(slice);
  }
  Operation *part = b.clone(*op, slices);
  for (OpResult result : part->getResults()) {
    SmallVector<OpFoldResult> resultOffsets, resultSizes;
    if (failed(getRoleResultTilePosition(b, op, shapes, loops,
                                         result.getResultNumber(), offsets,
                                         sizes, resultOffsets, resultSizes)))
      return failure();
    auto type = cast<RankedTensorType>(result.getType());
    SmallVector<int64_t> shape;
    for (OpFoldResult size : resultSizes)
      shape.push_back(getConstantIntValue(size).value_or(ShapedType::kDynamic));
    result.setType(type.clone(shape));
  }
  tiled.tiledOps.push_back(part);
  tiled.tiledValues.assign(part->result_begin(), part->result_end());
  return tiled;
}

LogicalResult getRoleResultTilePosition(
    OpBuilder &b, Operation *op, ArrayRef<RoleShape> shapes, StringRef loops,
    unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  Value result = op->getResult(resultNumber);
  for (const RoleShape &shape : shapes)
    if (shape.value == result) {
      tileOf(b, op->getLoc(), shapes, shape.roles, loops, offsets, sizes,
             resultOffsets, resultSizes);
      return success();
    }
  return op->emitOpError("has no roles for result #") << resultNumber;
}

} // namespace seqc::seq
