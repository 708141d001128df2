//===- ContractionForms.cpp - what contraction passes ask of a generic --===//

#include "compiler/Transforms/ContractionForms.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

using namespace mlir;

bool seqc::isMultiplyAccumulate(linalg::GenericOp op, bool &fuse) {
  Block &body = op.getRegion().front();
  if (body.getOperations().size() != 3)
    return false;
  auto mul = dyn_cast<arith::MulFOp>(body.front());
  auto add = dyn_cast<arith::AddFOp>(*std::next(body.begin()));
  auto yield = dyn_cast<linalg::YieldOp>(body.back());
  if (!mul || !add || !yield || yield.getNumOperands() != 1 ||
      yield.getOperand(0) != add.getResult())
    return false;
  Value in0 = body.getArgument(0), in1 = body.getArgument(1),
        out = body.getArgument(2);
  bool mulOk = (mul.getLhs() == in0 && mul.getRhs() == in1) ||
               (mul.getLhs() == in1 && mul.getRhs() == in0);
  bool addOk = (add.getLhs() == out && add.getRhs() == mul.getResult()) ||
               (add.getRhs() == out && add.getLhs() == mul.getResult());
  auto contracts = [](arith::FastMathFlags flags) {
    return bitEnumContainsAll(flags, arith::FastMathFlags::contract);
  };
  fuse = contracts(mul.getFastmath()) && contracts(add.getFastmath());
  return mulOk && addOk;
}

bool seqc::isLinearContraction(
    linalg::GenericOp op,
    function_ref<AffineMap(unsigned, AffineExpr, AffineExpr)> weightMap) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      op.getNumLoops() < 2)
    return false;
  unsigned loops = op.getNumLoops();
  MLIRContext *ctx = op.getContext();
  SmallVector<AffineExpr> xExprs, yExprs;
  for (unsigned d = 0; d + 2 < loops; ++d) {
    xExprs.push_back(getAffineDimExpr(d, ctx));
    yExprs.push_back(getAffineDimExpr(d, ctx));
  }
  AffineExpr n = getAffineDimExpr(loops - 2, ctx),
             k = getAffineDimExpr(loops - 1, ctx);
  xExprs.push_back(k);
  yExprs.push_back(n);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  return maps[0] == AffineMap::get(loops, 0, xExprs, ctx) &&
         maps[1] == weightMap(loops, n, k) &&
         maps[2] == AffineMap::get(loops, 0, yExprs, ctx);
}
