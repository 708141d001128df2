//===- AttentionMaskOperands.cpp - seq.attention's mask operand ----------===//
//
// Builders of the mask operand seq-raise-attention gives seq.attention:
// see AttentionMaskOperands.h.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/AttentionMaskOperands.h"

#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace seqc::seq {

/// `body` applied to each element of `x`, into a new tensor of `x`'s sizes
/// and `element` type.
static Value
mapElements(OpBuilder &b, Location loc, Value x, Type element,
            function_ref<Value(OpBuilder &, Location, Value)> body) {
  auto type = cast<RankedTensorType>(x.getType());
  Value init =
      createEmptyTensor(b, loc, tensor::getMixedSizes(b, loc, x), element);
  AffineMap id = b.getMultiDimIdentityMap(type.getRank());
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{x}, ValueRange{init},
             ArrayRef<AffineMap>{id, id},
             SmallVector<utils::IteratorType>(type.getRank(),
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(nb, l, body(nb, l, a[0]));
             })
      .getResult(0);
}

Value createNot(OpBuilder &b, Location loc, Value c) {
  return mapElements(b, loc, c, b.getI1Type(),
                     [](OpBuilder &nb, Location l, Value v) -> Value {
                       Value one = arith::ConstantOp::create(
                           nb, l, nb.getBoolAttr(true));
                       return arith::XOrIOp::create(nb, l, v, one);
                     });
}

/// `select(c, fill, 0)` (`hiddenWhereTrue`) or `select(c, 0, fill)` in a
/// generic's body.
static Value selectFill(OpBuilder &b, Location loc, Value c,
                        bool hiddenWhereTrue, double fill) {
  Value hidden = arith::ConstantOp::create(
      b, loc, b.getF32FloatAttr(static_cast<float>(fill)));
  Value kept = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  return arith::SelectOp::create(b, loc, c, hiddenWhereTrue ? hidden : kept,
                                 hiddenWhereTrue ? kept : hidden);
}

Value createFilledAdditive(OpBuilder &b, Location loc, Value c,
                           bool hiddenWhereTrue, double fill) {
  return mapElements(b, loc, c, b.getF32Type(),
                     [&](OpBuilder &nb, Location l, Value v) {
                       return selectFill(nb, l, v, hiddenWhereTrue, fill);
                     });
}

Value createClampedAdditive(OpBuilder &b, Location loc, Value m, double clamp) {
  return mapElements(b, loc, m, b.getF32Type(),
                     [&](OpBuilder &nb, Location l, Value v) -> Value {
                       Value low = arith::ConstantOp::create(
                           nb, l,
                           nb.getF32FloatAttr(static_cast<float>(clamp)));
                       return arith::MaximumFOp::create(nb, l, v, low);
                     });
}

Value createFilledPlusAdditive(OpBuilder &b, Location loc, Value c,
                               bool hiddenWhereTrue, double fill, Value m,
                               int64_t rank) {
  auto cType = cast<RankedTensorType>(c.getType());
  auto mType = cast<RankedTensorType>(m.getType());
  // Extent d of a right-aligned operand, 1 in front of its own dimensions.
  auto extent = [&](RankedTensorType type, int64_t d) -> int64_t {
    int64_t own = d - (rank - type.getRank());
    return own < 0 ? 1 : type.getDimSize(own);
  };
  SmallVector<int64_t> shape;
  SmallVector<OpFoldResult> sizes;
  SmallVector<AffineExpr> cExprs, mExprs;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t ce = extent(cType, d), me = extent(mType, d);
    // The operand whose extent the result takes: c's unless it is 1.
    bool fromC = ce != 1 || me == 1;
    RankedTensorType from = fromC ? cType : mType;
    Value source = fromC ? c : m;
    int64_t own = d - (rank - from.getRank());
    shape.push_back(fromC ? ce : me);
    sizes.push_back(own < 0 ? OpFoldResult(b.getIndexAttr(1))
                            : tensor::getMixedSize(b, loc, source, own));
    AffineExpr loop = b.getAffineDimExpr(d);
    AffineExpr zero = b.getAffineConstantExpr(0);
    if (d >= rank - cType.getRank())
      cExprs.push_back(ce == 1 && shape.back() != 1 ? zero : loop);
    if (d >= rank - mType.getRank())
      mExprs.push_back(me == 1 && shape.back() != 1 ? zero : loop);
  }
  Type f32 = b.getF32Type();
  Value init = createEmptyTensor(b, loc, sizes, f32);
  SmallVector<AffineMap> maps = {
      AffineMap::get(rank, 0, cExprs, b.getContext()),
      AffineMap::get(rank, 0, mExprs, b.getContext()),
      b.getMultiDimIdentityMap(rank)};
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{c, m},
             ValueRange{init}, maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange a) {
               Value filled = selectFill(nb, l, a[0], hiddenWhereTrue, fill);
               linalg::YieldOp::create(
                   nb, l,
                   arith::AddFOp::create(nb, l, filled, a[1]).getResult());
             })
      .getResult(0);
}

} // namespace seqc::seq
