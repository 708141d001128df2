//===- RaisingMatchers.cpp - reading plain ops for the seq-raise-* passes ===//

#include "dialects/Seq/Transforms/RaisingMatchers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace seqc::seq {

namespace {

/// A constant's value as a double (i1 true is 1).
std::optional<double> scalarOf(Attribute a) {
  if (auto f = dyn_cast<FloatAttr>(a))
    return f.getValue().convertToDouble();
  if (auto i = dyn_cast<IntegerAttr>(a))
    return i.getType().isInteger(1) ? (double)i.getValue().getZExtValue()
                                    : (double)i.getValue().getSExtValue();
  return std::nullopt;
}

} // namespace

bool keepsZerosAndOnes(Operation *op) {
  if (isa<arith::SIToFPOp, arith::ExtSIOp>(op))
    return !op->getOperand(0).getType().isInteger(1);
  if (isa<arith::UIToFPOp, arith::ExtUIOp, arith::TruncIOp, arith::FPToSIOp,
          arith::FPToUIOp, arith::ExtFOp, arith::TruncFOp>(op))
    return true;
  // x != 0, the cast to bool.
  auto isZero = [](Value v) {
    Attribute a;
    return matchPattern(v, m_Constant(&a)) && scalarOf(a) == 0.0;
  };
  if (auto c = dyn_cast<arith::CmpFOp>(op))
    return (c.getPredicate() == arith::CmpFPredicate::UNE ||
            c.getPredicate() == arith::CmpFPredicate::ONE) &&
           isZero(c.getRhs());
  if (auto c = dyn_cast<arith::CmpIOp>(op))
    return c.getPredicate() == arith::CmpIPredicate::ne && isZero(c.getRhs());
  return false;
}

std::optional<Elementwise> matchElementwise(Value v) {
  auto op = v.getDefiningOp<linalg::GenericOp>();
  if (!op || op.getNumDpsInits() != 1 || op->getNumResults() != 1 ||
      op.getNumParallelLoops() != op.getNumLoops())
    return std::nullopt;
  OpOperand *init = op.getDpsInitOperand(0);
  if (!op.getMatchingIndexingMap(init).isIdentity() ||
      op.payloadUsesValueFromOperand(init))
    return std::nullopt;
  return Elementwise{op, op.getBody()->getTerminator()->getOperand(0)};
}

std::optional<BodyLeaf> readLeaf(linalg::GenericOp op, Value x) {
  if (auto arg = dyn_cast<BlockArgument>(x)) {
    if (arg.getOwner() != op.getBody() ||
        arg.getArgNumber() >= (unsigned)op.getNumDpsInputs())
      return std::nullopt;
    OpOperand *in = op.getDpsInputOperand(arg.getArgNumber());
    return BodyLeaf{in->get(), op.getMatchingIndexingMap(in),
                    splatValue(in->get())};
  }
  Attribute a;
  if (matchPattern(x, m_Constant(&a)))
    if (std::optional<double> s = scalarOf(a))
      return BodyLeaf{Value(), AffineMap(), s};
  return std::nullopt;
}

std::optional<double> splatValue(Value v) {
  while (Operation *def = v.getDefiningOp()) {
    if (isa<tensor::ExtractSliceOp, tensor::ExpandShapeOp,
            tensor::CollapseShapeOp, tensor::CastOp>(def)) {
      v = def->getOperand(0);
      continue;
    }
    if (std::optional<Elementwise> e = matchElementwise(v);
        e && e->op.getNumDpsInputs() == 1) {
      // A broadcast or copy (Expand) keeps the value, and so does any cast
      // of a 0 or a 1.
      auto arg = dyn_cast<BlockArgument>(e->yielded);
      Operation *cast = e->yielded.getDefiningOp();
      bool isCast = cast && cast->getNumOperands() == 1 &&
                    keepsZerosAndOnes(cast) &&
                    (arg = dyn_cast<BlockArgument>(cast->getOperand(0)));
      if (!arg || arg.getOwner() != e->op.getBody() || arg.getArgNumber() != 0)
        return std::nullopt;
      std::optional<double> in = splatValue(e->op.getDpsInputOperand(0)->get());
      if (isCast && in != 0.0 && in != 1.0)
        return std::nullopt;
      return in;
    }
    if (auto fill = dyn_cast<linalg::FillOp>(def)) {
      Attribute a;
      if (!matchPattern(fill.getInputs()[0], m_Constant(&a)))
        return std::nullopt;
      return scalarOf(a);
    }
    break;
  }
  SplatElementsAttr splat;
  if (matchPattern(v, m_Constant(&splat)))
    return scalarOf(splat.getSplatValue<Attribute>());
  return std::nullopt;
}

bool isRightAlignedBroadcast(AffineMap map, RankedTensorType type) {
  int64_t rank = type.getRank(), loops = map.getNumDims();
  if ((int64_t)map.getNumResults() != rank || rank > loops ||
      map.getNumSymbols() != 0)
    return false;
  for (int64_t i = 0; i < rank; ++i) {
    AffineExpr e = map.getResult(i);
    if (e == getAffineDimExpr(loops - rank + i, map.getContext()))
      continue;
    auto c = dyn_cast<AffineConstantExpr>(e);
    if (!c || c.getValue() != 0 || type.getDimSize(i) != 1)
      return false;
  }
  return true;
}

void applyRaising(Operation *op, RewritePatternSet &&patterns) {
  GreedyRewriteConfig config;
  config.enableFolding(false);
  config.enableConstantCSE(false);
  config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
  // Not converging within the driver's iterations leaves some of the model
  // unraised, which is still correct: not an error.
  (void)applyPatternsGreedily(op, std::move(patterns), config);
}

} // namespace seqc::seq
