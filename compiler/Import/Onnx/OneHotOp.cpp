//===- OneHotOp.cpp - ONNX OneHot -----------------------------------------===//
//
// OneHot (torch.nn.functional.one_hot exports it): indices and depth of any
// numeric type, as the ONNX spec allows (cast to int64 before use), the
// depth constant, computed from shapes or given at run time (checked then).
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <cmath>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {

/// Whether integer index `id` (negative: counted from `depth`) is `slot`.
static Value integerIndexHits(OpBuilder &b, Location loc, Value id, Value depth,
                              Value slot) {
  id = arith::IndexCastOp::create(b, loc, b.getIndexType(), id);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, id, zero);
  id = arith::SelectOp::create(b, loc, negative,
                               arith::AddIOp::create(b, loc, id, depth), id);
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, id, slot);
}

/// The same for a floating-point index, truncated toward zero and compared
/// in f64 (exact for every depth below 2^53): no conversion to an integer
/// that a NaN, an infinity or a huge value would make undefined.
static Value floatIndexHits(OpBuilder &b, Location loc, Value id, Value depth,
                            Value slot) {
  Type f64 = b.getF64Type();
  auto toF64 = [&](Value index) -> Value {
    Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
    return arith::SIToFPOp::create(b, loc, f64, i64);
  };
  if (id.getType() != f64)
    id = arith::ExtFOp::create(b, loc, f64, id);
  id = math::TruncOp::create(b, loc, id);
  Value zero = arith::ConstantOp::create(b, loc, b.getF64FloatAttr(0));
  Value negative =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, id, zero);
  id = arith::SelectOp::create(
      b, loc, negative, arith::AddFOp::create(b, loc, id, toF64(depth)), id);
  return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, id,
                               toF64(slot));
}

/// OneHot's depth given as a floating-point constant of one element (the
/// spec allows any numeric type, "casted to int64 before use": truncated
/// toward zero); nullopt for anything else.
static std::optional<int64_t> floatConstantDepth(GraphImporter &g) {
  const OnnxValue *v = g.input(1);
  if (!v || !v->constant || v->constant.getNumElements() != 1 ||
      !isa<FloatType>(v->constant.getElementType()))
    return std::nullopt;
  APFloat f = *v->constant.getValues<APFloat>().begin();
  bool lost = false;
  f.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
  double d = std::trunc(f.convertToDouble());
  // Beyond +-2^62 no depth is meaningful; the "at least 1" check reports it.
  if (!(std::abs(d) < 0x1p62))
    return -1;
  return static_cast<int64_t>(d);
}

/// The same for a depth given at run time as one floating-point element:
/// truncated toward zero as an index, NaN as 0 and beyond +-2^62 clamped
/// there (so no undefined conversion; the "at least 1" check reports the
/// value). Null when input 1 is not such a tensor.
static Value floatRunTimeDepth(GraphImporter &g) {
  const OnnxValue *v = g.input(1);
  if (!v || v->constant || !v->tensor)
    return {};
  auto type = cast<RankedTensorType>(v->tensor.getType());
  if (!isa<FloatType>(type.getElementType()) || !type.hasStaticShape() ||
      type.getNumElements() != 1)
    return {};
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  SmallVector<Value> at(type.getRank(),
                        arith::ConstantIndexOp::create(b, loc, 0));
  Value d = tensor::ExtractOp::create(b, loc, v->tensor, at);
  Type f64 = b.getF64Type();
  if (d.getType() != f64)
    d = arith::ExtFOp::create(b, loc, f64, d);
  auto constant = [&](double x) -> Value {
    return arith::ConstantOp::create(b, loc, b.getF64FloatAttr(x));
  };
  // minimumf/maximumf would pass a NaN on: the comparisons below drop it.
  Value tooSmall = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, d,
                                         constant(-0x1p62));
  d = arith::SelectOp::create(b, loc, tooSmall, constant(-0x1p62), d);
  Value tooLarge = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, d,
                                         constant(0x1p62));
  d = arith::SelectOp::create(b, loc, tooLarge, constant(0x1p62), d);
  Value nan = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, d, d);
  d = arith::SelectOp::create(b, loc, nan, constant(0), d);
  Value i64 = arith::FPToSIOp::create(b, loc, b.getI64Type(), d);
  return arith::IndexCastOp::create(b, loc, b.getIndexType(), i64);
}

/// ONNX OneHot (torch.nn.functional.one_hot exports it): depth's slots
/// inserted at `axis`, values[1] where the slot is the index (a negative
/// index counts from depth) and values[0] elsewhere; an index outside
/// [-depth, depth) gives values[0] everywhere, as the ONNX spec says.
/// Floating-point indices are cast to int64 first (truncated toward zero,
/// as the ONNX reference's astype does); a NaN or infinite one hits no slot.
LogicalResult importOneHot(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis"})))
    return failure();
  Value ids = g.tensorInput(0);
  auto depth = g.intsInput(1);
  Value values = g.tensorInput(2);
  if (!ids || !values)
    return failure();
  Type idType = tensorType(ids).getElementType();
  if (idType.isInteger(1)) {
    g.nodeError() << "indices must be numbers, not booleans";
    return failure();
  }
  if (!depth) {
    if (std::optional<int64_t> d = floatConstantDepth(g))
      depth = SmallVector<OpFoldResult>{g.builder.getIndexAttr(*d)};
    else if (Value d = floatRunTimeDepth(g))
      depth = SmallVector<OpFoldResult>{d};
  }
  if (!depth || depth->size() != 1) {
    g.nodeError() << "depth must be one number known when the model is "
                     "compiled, or one integer computed from shapes or given "
                     "at run time";
    return failure();
  }
  std::optional<int64_t> constantDepth = getConstantIntValue((*depth)[0]);
  if (constantDepth && *constantDepth < 1) {
    g.nodeError() << "depth " << *constantDepth << " must be at least 1";
    return failure();
  }
  auto valuesType = tensorType(values);
  if (!valuesType.hasStaticShape() || valuesType.getNumElements() != 2) {
    g.nodeError() << "values must hold two elements [off, on], not "
                  << valuesType;
    return failure();
  }
  int64_t rank = tensorType(ids).getRank() + 1;
  std::optional<int64_t> axis = normalizeAxis(g, g.intAttr("axis", -1), rank);
  if (!axis)
    return failure();
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  SmallVector<OpFoldResult> sizes = shapeOf(g, ids);
  sizes.insert(sizes.begin() + *axis, (*depth)[0]);
  Value n = g.indexValue((*depth)[0]);
  if (!constantDepth) {
    // A depth given at run time: the same rule, checked when it arrives.
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, n,
                                     arith::ConstantIndexOp::create(b, loc, 1));
    seq::createCheck(b, loc, ok, n,
                     seq::describeLocation(loc) +
                         ": OneHot depth must be at least 1, not {}",
                     seq::CheckKind::value);
  }
  // Two elements: rank 1 or more ([2], or [1, 2] ...), read flat.
  Value flat = values;
  if (valuesType.getRank() > 1)
    flat = tensor::CollapseShapeOp::create(
        b, loc, values,
        SmallVector<ReassociationIndices>{ReassociationIndices(
            llvm::to_vector(llvm::seq<int64_t>(0, valuesType.getRank())))});
  auto at = [&](int64_t i) -> Value {
    return tensor::ExtractOp::create(
        b, loc, flat, ValueRange{arith::ConstantIndexOp::create(b, loc, i)});
  };
  Value off = at(0), on = at(1);
  Value init =
      seq::createEmptyTensor(b, loc, sizes, valuesType.getElementType());
  SmallVector<AffineExpr> idExprs;
  for (int64_t d = 0; d < rank; ++d)
    if (d != *axis)
      idExprs.push_back(b.getAffineDimExpr(d));
  Value out =
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{ids}, ValueRange{init},
          ArrayRef<AffineMap>{
              AffineMap::get(rank, 0, idExprs, g.context),
              AffineMap::getMultiDimIdentityMap(rank, g.context)},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value slot = linalg::IndexOp::create(nb, l, *axis);
            Value hit = isa<FloatType>(idType)
                            ? floatIndexHits(nb, l, args[0], n, slot)
                            : integerIndexHits(nb, l, args[0], n, slot);
            linalg::YieldOp::create(
                nb, l,
                arith::SelectOp::create(nb, l, hit, on, off).getResult());
          })
          .getResult(0);
  g.setOutput(0, out);
  return success();
}

} // namespace seqc::onnx_import
