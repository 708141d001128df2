//===- AttentionParts.cpp - pieces both attention lowerings share -------===//

#include "compiler/Conversion/SeqToLinalg/AttentionParts.h"

#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

#include "llvm/Support/Format.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace seqc::attention {

using utils::IteratorType;

static Value minusInfinity(OpBuilder &b, Location loc, Type type) {
  return seq::emitFloatConstant(b, loc, type,
                                -std::numeric_limits<double>::infinity());
}

Value createFilled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Type elementType, double value) {
  Value empty = seq::createEmptyTensor(b, loc, sizes, elementType);
  Value scalar = seq::emitFloatConstant(b, loc, elementType, value);
  return linalg::FillOp::create(b, loc, ValueRange{scalar}, ValueRange{empty})
      .getResult(0);
}

Value createScale(OpBuilder &b, Location loc, seq::AttentionOp op) {
  auto type = cast<RankedTensorType>(op.getQuery().getType());
  Type elementType = type.getElementType();
  if (op.getScale())
    return seq::emitFloatConstant(b, loc, elementType,
                                  op.getScale()->convertToDouble());
  if (!type.isDynamicDim(3))
    return seq::emitFloatConstant(b, loc, elementType,
                                  1.0 / std::sqrt(double(type.getDimSize(3))));
  Value depth = tensor::DimOp::create(b, loc, op.getQuery(), 3);
  Value depthInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), depth);
  Value depthFloat = arith::SIToFPOp::create(b, loc, elementType, depthInt);
  return math::RsqrtOp::create(b, loc, depthFloat);
}

SmallVector<bool> getMaskBroadcast(seq::AttentionOp op) {
  auto maskType = cast<RankedTensorType>(op.getMask().getType());
  auto query = cast<RankedTensorType>(op.getQuery().getType());
  auto key = cast<RankedTensorType>(op.getKey().getType());
  int64_t scoreSizes[4] = {query.getDimSize(0), query.getDimSize(1),
                           query.getDimSize(2), key.getDimSize(2)};
  int64_t rank = maskType.getRank();
  SmallVector<bool> broadcast;
  for (int64_t i = 0; i < rank; ++i)
    broadcast.push_back(maskType.getDimSize(i) == 1 &&
                        scoreSizes[4 - rank + i] != 1);
  return broadcast;
}

void createAttentionExtentChecks(OpBuilder &b, seq::AttentionOp op) {
  Location loc = op.getLoc();
  Value query = op.getQuery(), key = op.getKey(), value = op.getValue();
  auto size = [&](Value v, int64_t d) { return seq::getDimSize(b, loc, v, d); };
  // First the lengths past the model's own limit, whose message says why
  // (the operands' extents then match whatever the limit: checked next).
  if (std::optional<uint64_t> limit = op.getMaxPositions()) {
    for (auto [v, what] :
         {std::pair(query, "queries"), std::pair(key, "keys")}) {
      auto type = cast<RankedTensorType>(v.getType());
      if (!type.isDynamicDim(2) && type.getDimSize(2) <= int64_t(*limit))
        continue;
      Value length = tensor::DimOp::create(b, loc, v, 2);
      Value fits = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::ule, length,
          arith::ConstantIndexOp::create(b, loc, int64_t(*limit)));
      seq::createCheck(b, loc, fits, length,
                       seq::describeOrigin("seq.attention", loc) + ": {} " +
                           what + ", more than its max_positions, " +
                           std::to_string(*limit) +
                           " (the longest sequence the model defines it for)",
                       seq::CheckKind::shape);
    }
  }
  seq::createOperandExtentChecks(
      b, op, key, "key",
      {size(query, 0), size(key, 1), size(key, 2), size(query, 3)},
      "'query' makes it");
  seq::createOperandExtentChecks(
      b, op, value, "value",
      {size(query, 0), size(key, 1), size(key, 2), size(value, 3)},
      "'query' and 'key' make it");
  Value mask = op.getMask();
  if (!mask)
    return;
  auto maskType = cast<RankedTensorType>(mask.getType());
  OpFoldResult scores[4] = {size(query, 0), size(query, 1), size(query, 2),
                            size(key, 2)};
  int64_t rank = maskType.getRank();
  SmallVector<OpFoldResult> expected;
  for (int64_t i = 0; i < rank; ++i)
    expected.push_back(maskType.getDimSize(i) == 1 ? b.getIndexAttr(1)
                                                   : scores[4 - rank + i]);
  seq::createOperandExtentChecks(b, op, mask, "mask", expected,
                                 "the scores [B, Hq, Lq, Lk] make it");
}

void createRowMaxCheck(OpBuilder &b, seq::AttentionOp op, Value rowMax) {
  std::optional<APFloat> floor = op.getMinRowMax();
  if (!floor)
    return;
  Location loc = op.getLoc();
  MLIRContext *ctx = b.getContext();
  auto type = cast<RankedTensorType>(rowMax.getType());
  // In the scores' type, rounded up (a half type's nearest value may be
  // below it: a weaker check).
  auto elementType = cast<FloatType>(type.getElementType());
  APFloat rounded = *floor;
  bool losesInfo = false;
  rounded.convert(elementType.getFloatSemantics(), APFloat::rmTowardPositive,
                  &losesInfo);
  Value threshold =
      arith::ConstantOp::create(b, loc, b.getFloatAttr(elementType, rounded));
  // The rows below it, counted (ordered: a NaN maximum, which NaN scores
  // give the model's softmax too, is not one).
  Type i64 = b.getI64Type();
  Value zero = arith::ConstantIntOp::create(b, loc, i64, 0);
  Value count =
      linalg::FillOp::create(
          b, loc, ValueRange{zero},
          ValueRange{tensor::EmptyOp::create(b, loc, ArrayRef<int64_t>{}, i64)})
          .getResult(0);
  count =
      linalg::GenericOp::create(
          b, loc, TypeRange{count.getType()}, ValueRange{rowMax},
          ValueRange{count},
          ArrayRef<AffineMap>{b.getMultiDimIdentityMap(3),
                              AffineMap::get(3, 0, {}, ctx)},
          SmallVector<IteratorType>(3, IteratorType::reduction),
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value below = arith::CmpFOp::create(
                nb, l, arith::CmpFPredicate::OLT, args[0], threshold);
            Value one = arith::ExtUIOp::create(nb, l, i64, below);
            linalg::YieldOp::create(
                nb, l, arith::AddIOp::create(nb, l, args[1], one).getResult());
          })
          .getResult(0);
  Value rows = tensor::ExtractOp::create(b, loc, count, ValueRange{});
  Value none =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, rows, zero);
  std::string bound;
  llvm::raw_string_ostream(bound)
      << llvm::format("%.9g", floor->convertToDouble());
  auto message = [&](StringRef origin) {
    return b.getStringAttr(
        origin +
        ": {} query row(s) have no score at or above its "
        "min_row_max, " +
        bound +
        ": the model's mask gives the keys it hides a finite score 104 "
        "below that, which PyTorch's softmax weighs on rows whose scores "
        "are this low (it attends to hidden, later keys there), and this "
        "attention, which skips them, would differ; a mask filled with "
        "-1e9 or less (torch.finfo(dtype).min) hides them on any input");
  };
  seq::CheckOp check = seq::createCheck(
      b, loc, none, rows,
      message(seq::describeOrigin("seq.attention", loc)).getValue(),
      seq::CheckKind::value);
  // In a kernel shared by several attentions, the message of the call.
  auto sites = op->getAttrOfType<ArrayAttr>(kCallSitesAttr);
  auto func = op->getParentOfType<FunctionOpInterface>();
  if (!sites || !func)
    return;
  for (unsigned i = 0; i < func.getNumArguments(); ++i) {
    if (!func.getArgAttr(i, kCallSiteArgAttr))
      continue;
    SmallVector<Attribute> alternatives;
    for (auto origin : sites.getAsValueRange<StringAttr>())
      alternatives.push_back(message(origin));
    check.getSelectorMutable().assign(func.getArgument(i));
    check.setAlternativesAttr(b.getArrayAttr(alternatives));
  }
}

AffineMap getMaskMap(MLIRContext *ctx, ArrayRef<bool> broadcast) {
  int64_t rank = broadcast.size();
  SmallVector<AffineExpr> results;
  for (int64_t i = 0; i < rank; ++i)
    results.push_back(broadcast[i] ? getAffineConstantExpr(0, ctx)
                                   : getAffineDimExpr(4 - rank + i, ctx));
  return AffineMap::get(4, 0, results, ctx);
}

Value createContraction(OpBuilder &b, Location loc, Value lhs, Value rhs,
                        Value init, ArrayRef<AffineExpr> rhsIndices,
                        bool reduceInnermost) {
  MLIRContext *ctx = b.getContext();
  AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx),
             d2 = getAffineDimExpr(2, ctx), d3 = getAffineDimExpr(3, ctx),
             d4 = getAffineDimExpr(4, ctx);
  AffineExpr r = reduceInnermost ? d4 : d3, n = reduceInnermost ? d3 : d4;
  SmallVector<IteratorType> iterators(5, IteratorType::parallel);
  iterators[reduceInnermost ? 4 : 3] = IteratorType::reduction;
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs},
             ValueRange{init},
             ArrayRef<AffineMap>{AffineMap::get(5, 0, {d0, d1, d2, r}, ctx),
                                 AffineMap::get(5, 0, rhsIndices, ctx),
                                 AffineMap::get(5, 0, {d0, d1, d2, n}, ctx)},
             iterators,
             [&](OpBuilder &nb, Location l, ValueRange args) {
               auto fast = arith::FastMathFlags::reassoc |
                           arith::FastMathFlags::contract;
               Value product =
                   arith::MulFOp::create(nb, l, args[0], args[1], fast);
               linalg::YieldOp::create(
                   nb, l,
                   arith::AddFOp::create(nb, l, args[2], product, fast)
                       .getResult());
             })
      .getResult(0);
}

Visibility Visibility::get(OpBuilder &b, Location loc, seq::AttentionOp op,
                           Value queryLen, Value keyLen) {
  Visibility v;
  std::optional<seq::CausalAlignment> causal = op.getCausal();
  v.causal = causal.has_value();
  if (std::optional<ArrayRef<int64_t>> window = op.getWindow()) {
    v.left = (*window)[0];
    v.right = (*window)[1];
  }
  if (causal == seq::CausalAlignment::bottom_right)
    v.offset = arith::SubIOp::create(b, loc, keyLen, queryLen);
  return v;
}

Value Visibility::emitVisible(OpBuilder &b, Location loc, Value i,
                              Value j) const {
  if (!restricts())
    return Value();
  Value p = emitAlignedPosition(b, loc, i);
  auto atMost = [&](Value x, Value y) {
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, x, y)
        .getResult();
  };
  auto plus = [&](Value x, int64_t c) {
    Value cst = arith::ConstantIndexOp::create(b, loc, c);
    return arith::AddIOp::create(b, loc, x, cst).getResult();
  };
  Value visible;
  auto both = [&](Value condition) {
    visible = visible
                  ? arith::AndIOp::create(b, loc, visible, condition).getResult()
                  : condition;
  };
  if (causal)
    both(atMost(j, p));
  if (left >= 0)
    both(atMost(p, plus(j, left)));
  if (right >= 0)
    both(atMost(j, plus(p, right)));
  return visible;
}

Value Visibility::emitAlignedPosition(OpBuilder &b, Location loc,
                                      Value i) const {
  return offset ? arith::AddIOp::create(b, loc, i, offset).getResult() : i;
}

Value createAlibiSlopes(OpBuilder &b, Location loc, seq::AttentionOp op) {
  std::optional<ArrayRef<float>> slopes = op.getAlibiSlopes();
  if (!slopes)
    return Value();
  Type elementType = getElementTypeOrSelf(op.getQuery().getType());
  SmallVector<Attribute> values;
  for (float slope : *slopes)
    values.push_back(b.getFloatAttr(elementType, slope));
  auto type = RankedTensorType::get({static_cast<int64_t>(slopes->size())},
                                    elementType);
  return arith::ConstantOp::create(b, loc, type,
                                   DenseElementsAttr::get(type, values));
}

Value emitAlibiBias(OpBuilder &b, Location loc, Value slope, Value p,
                    Value j) {
  // |p - j| in i64 (positions are tensor extents, far below 2^63), then
  // -slope * distance in the slope's type.
  Value distance = arith::SubIOp::create(b, loc, p, j);
  distance = arith::MaxSIOp::create(
      b, loc, distance,
      arith::SubIOp::create(b, loc, arith::ConstantIndexOp::create(b, loc, 0),
                            distance));
  distance = arith::IndexCastOp::create(b, loc, b.getI64Type(), distance);
  Value d = arith::SIToFPOp::create(b, loc, slope.getType(), distance);
  return arith::NegFOp::create(b, loc,
                               arith::MulFOp::create(b, loc, slope, d));
}

Value emitRelativeBias(OpBuilder &b, Location loc, Value table, Value h,
                       Value p, Value j) {
  int64_t radius =
      (cast<RankedTensorType>(table.getType()).getDimSize(1) - 1) / 2;
  Value r = arith::ConstantIndexOp::create(b, loc, radius);
  Value minusR = arith::ConstantIndexOp::create(b, loc, -radius);
  Value distance = arith::SubIOp::create(b, loc, j, p);
  distance = arith::MaxSIOp::create(
      b, loc, arith::MinSIOp::create(b, loc, distance, r), minusR);
  Value column = arith::AddIOp::create(b, loc, distance, r);
  return tensor::ExtractOp::create(b, loc, table, ValueRange{h, column});
}

Value emitPositionBias(OpBuilder &b, Location loc, Value slope, Value table,
                       Value h, Value p, Value j) {
  Value bias = slope ? emitAlibiBias(b, loc, slope, p, j) : Value();
  if (!table)
    return bias;
  Value relative = emitRelativeBias(b, loc, table, h, p, j);
  return bias ? arith::AddFOp::create(b, loc, bias, relative).getResult()
              : relative;
}

Value createSoftcap(OpBuilder &b, Location loc, seq::AttentionOp op) {
  if (!op.getSoftcap())
    return Value();
  Type elementType =
      cast<RankedTensorType>(op.getQuery().getType()).getElementType();
  return seq::emitFloatConstant(b, loc, elementType,
                                op.getSoftcap()->convertToDouble());
}

Value emitMaskedScore(OpBuilder &b, Location loc, Value score, Value scale,
                      Value maskValue, Value visible, Value bias,
                      Value softcap) {
  Value s = arith::MulFOp::create(b, loc, score, scale);
  // Gemma-2's `tanh(w / cap) * cap`, divided as the model divides.
  if (softcap)
    s = arith::MulFOp::create(
        b, loc,
        math::TanhOp::create(b, loc, arith::DivFOp::create(b, loc, s, softcap)),
        softcap);
  if (bias)
    s = arith::AddFOp::create(b, loc, s, bias);
  if (maskValue && maskValue.getType().isInteger(1))
    visible = visible ? arith::AndIOp::create(b, loc, maskValue, visible)
                            .getResult()
                      : maskValue;
  else if (maskValue)
    s = arith::AddFOp::create(b, loc, s, maskValue);
  if (!visible)
    return s;
  return arith::SelectOp::create(b, loc, visible, s,
                                 minusInfinity(b, loc, s.getType()));
}

Value emitShiftedExp(OpBuilder &b, Location loc, Value score, Value rowMax) {
  Type type = score.getType();
  Value zero = seq::emitFloatConstant(b, loc, type, 0.0);
  Value empty = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, rowMax,
                                      minusInfinity(b, loc, type));
  Value e = math::ExpOp::create(b, loc,
                                arith::SubFOp::create(b, loc, score, rowMax));
  return arith::SelectOp::create(b, loc, empty, zero, e);
}

Value emitNormalized(OpBuilder &b, Location loc, Value x, Value sum,
                     bool emptyRowNaN) {
  if (emptyRowNaN)
    return arith::DivFOp::create(b, loc, x, sum);
  Value zero = seq::emitFloatConstant(b, loc, x.getType(), 0.0);
  Value empty =
      arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OEQ, sum, zero);
  Value quotient = arith::DivFOp::create(b, loc, x, sum);
  return arith::SelectOp::create(b, loc, empty, zero, quotient);
}

} // namespace seqc::attention
