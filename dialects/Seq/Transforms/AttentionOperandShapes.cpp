//===- AttentionOperandShapes.cpp - seq.attention's operands' shapes ------===//

#include "dialects/Seq/Transforms/AttentionOperandShapes.h"

#include "dialects/Seq/Transforms/RaisingMatchers.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

using namespace mlir;

namespace seqc::seq {

static RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

SmallVector<OpFoldResult> decidedSizes(OpBuilder &b, Location loc, Value v) {
  while (auto dps = v.getDefiningOp<DestinationStyleOpInterface>()) {
    if (dps->getNumResults() != 1 || dps.getNumDpsInits() != 1)
      break;
    v = dps.getDpsInitOperand(0)->get();
  }
  if (auto empty = v.getDefiningOp<tensor::EmptyOp>())
    return empty.getMixedSizes();
  return tensor::getMixedSizes(b, loc, v);
}

void forgetSizeUses(PatternRewriter &rewriter, Value v) {
  SmallVector<tensor::DimOp> dims;
  for (Operation *user : v.getUsers())
    if (auto dim = dyn_cast<tensor::DimOp>(user))
      dims.push_back(dim);
  for (tensor::DimOp dim : dims) {
    std::optional<int64_t> index = dim.getConstantIndex();
    auto type = cast<RankedTensorType>(v.getType());
    if (!index || *index < 0 || *index >= type.getRank())
      continue;
    rewriter.setInsertionPoint(dim);
    OpFoldResult size = decidedSizes(rewriter, dim.getLoc(), v)[*index];
    rewriter.replaceOp(
        dim, getValueOrCreateConstantIndexOp(rewriter, dim.getLoc(), size));
  }
}

Value addHeadDim(OpBuilder &b, Location loc, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, x);
  sizes.insert(sizes.begin() + 1, b.getIndexAttr(1));
  auto expanded =
      RankedTensorType::get(getStaticShape(sizes), type.getElementType());
  return tensor::ExpandShapeOp::create(
      b, loc, expanded, x, SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}},
      sizes);
}

bool maskFitsScores(Value mask, RankedTensorType scores) {
  RankedTensorType type = tensorType(mask);
  int64_t offset = scores.getRank() - type.getRank();
  for (int64_t i = 0; i < type.getRank(); ++i)
    if (type.isDynamicDim(i) && scores.getDimSize(offset + i) == 1)
      return false;
  return true;
}

Value throughBroadcastCopies(Value m) {
  while (std::optional<Elementwise> e = matchElementwise(m)) {
    auto arg = dyn_cast<BlockArgument>(e->yielded);
    if (e->op.getNumDpsInputs() != 1 || !arg ||
        arg.getOwner() != e->op.getBody() || arg.getArgNumber() != 0)
      break;
    OpOperand *in = e->op.getDpsInputOperand(0);
    RankedTensorType type = tensorType(in->get());
    if (type.getRank() != tensorType(m).getRank() ||
        !isRightAlignedBroadcast(e->op.getMatchingIndexingMap(in), type))
      break;
    m = in->get();
  }
  return m;
}

Value prependUnitDims(OpBuilder &b, Location loc, Value x, int64_t rank) {
  RankedTensorType type = tensorType(x);
  int64_t added = rank - type.getRank();
  SmallVector<int64_t> shape(added, 1);
  llvm::append_range(shape, type.getShape());
  SmallVector<OpFoldResult> sizes(added, b.getIndexAttr(1));
  llvm::append_range(sizes, tensor::getMixedSizes(b, loc, x));
  SmallVector<ReassociationIndices> groups;
  for (int64_t i = 0; i < type.getRank(); ++i)
    groups.push_back({i + added});
  if (!groups.empty())
    for (int64_t i = added - 1; i >= 0; --i)
      groups.front().insert(groups.front().begin(), i);
  return tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(shape, type.getElementType()), x, groups,
      sizes);
}

void joinBatchExtents(OpBuilder &b, Location loc, ArrayRef<Value *> values,
                      int64_t batch) {
  SmallVector<int64_t> joined(batch, ShapedType::kDynamic);
  for (Value *v : values)
    for (int64_t d = 0; d < batch; ++d)
      if (!tensorType(*v).isDynamicDim(d))
        joined[d] = tensorType(*v).getDimSize(d);
  for (Value *v : values) {
    RankedTensorType type = tensorType(*v);
    SmallVector<int64_t> shape(type.getShape());
    for (int64_t d = 0; d < batch; ++d)
      shape[d] = joined[d];
    if (ArrayRef<int64_t>(shape) != type.getShape())
      *v = tensor::CastOp::create(
          b, loc, RankedTensorType::get(shape, type.getElementType()), *v);
  }
}

Value keysFromTransposed(OpBuilder &b, Location loc, Value kt) {
  int64_t rank = cast<RankedTensorType>(kt.getType()).getRank();
  SmallVector<int64_t> swap;
  for (int64_t i = 0; i < rank; ++i)
    swap.push_back(i);
  std::swap(swap[rank - 1], swap[rank - 2]);
  auto t = kt.getDefiningOp<linalg::TransposeOp>();
  if (!t)
    return createTranspose(b, loc, kt, swap);
  SmallVector<int64_t> composed;
  bool identity = true;
  for (int64_t i = 0; i < rank; ++i) {
    composed.push_back(t.getPermutation()[swap[i]]);
    identity &= composed.back() == i;
  }
  return identity ? t.getInput()
                  : createTranspose(b, loc, t.getInput(), composed);
}

} // namespace seqc::seq
