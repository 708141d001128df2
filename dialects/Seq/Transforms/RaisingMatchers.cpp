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

/// The elements of a constant `v` (at most 2^20 of them) as doubles.
std::optional<SmallVector<double>> constantValues(Value v,
                                                  RankedTensorType &type) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || attr.getNumElements() > (1 << 20))
    return std::nullopt;
  type = cast<RankedTensorType>(attr.getType());
  SmallVector<double> out;
  out.reserve(attr.getNumElements());
  if (isa<FloatType>(type.getElementType())) {
    for (APFloat f : attr.getValues<APFloat>())
      out.push_back(f.convertToDouble());
  } else if (type.getElementType().isInteger(1)) {
    for (bool b : attr.getValues<bool>())
      out.push_back(b ? 1.0 : 0.0);
  } else if (isa<IntegerType>(type.getElementType())) {
    for (APInt i : attr.getValues<APInt>())
      out.push_back((double)i.getSExtValue());
  } else {
    return std::nullopt;
  }
  return out;
}

/// Whether the constant `v` (rank >= 2) has `want(i, j, value)` for every
/// element, (i, j) its position in the last two dimensions.
template <typename Pred>
bool constantHasPattern(Value v, Pred want) {
  RankedTensorType type;
  auto values = constantValues(v, type);
  if (!values || type.getRank() < 2)
    return false;
  int64_t rows = type.getDimSize(type.getRank() - 2),
          cols = type.getDimSize(type.getRank() - 1);
  for (size_t k = 0; k < values->size(); ++k)
    if (!want((int64_t)(k / cols) % rows, (int64_t)k % cols, (*values)[k]))
      return false;
  return true;
}

} // namespace

bool keepsLastTwoDims(AffineMap map) {
  unsigned n = map.getNumResults(), loops = map.getNumDims();
  return n >= 2 && map.getResult(n - 2) == getAffineDimExpr(loops - 2,
                                                            map.getContext()) &&
         map.getResult(n - 1) ==
             getAffineDimExpr(loops - 1, map.getContext());
}

namespace {

/// Whether `op` converts its operand keeping which elements are 0 and
/// which are 1 (casts between floats, integers and bools; a sign-extending
/// one not from i1, whose true would become -1).
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

/// `v` with broadcasts, copies and slices that keep a triangular pattern in
/// the last two dimensions looked through (a top-left corner of tril(ones)
/// is tril(ones)), and casts: any that keeps 0s and 1s with
/// `zerosAndOnes`, else only float-to-float ones (which keep -inf).
Value throughPatternKeepingOps(Value v, bool zerosAndOnes) {
  while (true) {
    if (auto slice = v.getDefiningOp<tensor::ExtractSliceOp>();
        slice &&
        slice.getSourceType().getRank() == slice.getType().getRank() &&
        slice.getType().getRank() >= 2) {
      int64_t r = slice.getType().getRank();
      auto offsets = slice.getMixedOffsets(), strides = slice.getMixedStrides();
      if (!isZeroInteger(offsets[r - 2]) || !isZeroInteger(offsets[r - 1]) ||
          !isOneInteger(strides[r - 2]) || !isOneInteger(strides[r - 1]))
        return v;
      v = slice.getSource();
      continue;
    }
    std::optional<Elementwise> e = matchElementwise(v);
    if (!e || e->op.getNumDpsInputs() != 1)
      return v;
    auto arg = dyn_cast<BlockArgument>(e->yielded);
    Operation *cast = e->yielded.getDefiningOp();
    bool keeps = cast && (zerosAndOnes ? keepsZerosAndOnes(cast)
                                       : isa<arith::ExtFOp, arith::TruncFOp>(cast));
    if (!arg && !(keeps &&
                  (arg = dyn_cast<BlockArgument>(cast->getOperand(0)))))
      return v;
    if (arg.getOwner() != e->op.getBody() || arg.getArgNumber() != 0)
      return v;
    OpOperand *in = e->op.getDpsInputOperand(0);
    if (!keepsLastTwoDims(e->op.getMatchingIndexingMap(in)))
      return v;
    v = in->get();
  }
}

/// Trilu as the ONNX importer builds it: `select(j - i <= k, x, 0)` (lower)
/// or `select(j - i >= k, x, 0)` (upper), i and j the last two loops.
struct Trilu {
  Value input;
  bool upper;
  int64_t k;
};

std::optional<Trilu> matchTrilu(Value v) {
  std::optional<Elementwise> e = matchElementwise(v);
  if (!e || e->op.getNumDpsInputs() != 1)
    return std::nullopt;
  auto select = e->yielded.getDefiningOp<arith::SelectOp>();
  if (!select)
    return std::nullopt;
  std::optional<BodyLeaf> x = readLeaf(e->op, select.getTrueValue());
  std::optional<BodyLeaf> zero = readLeaf(e->op, select.getFalseValue());
  if (!x || !x->tensor || !x->map.isIdentity() || !zero ||
      zero->scalar != 0.0)
    return std::nullopt;
  auto cmp = select.getCondition().getDefiningOp<arith::CmpIOp>();
  if (!cmp || (cmp.getPredicate() != arith::CmpIPredicate::sle &&
               cmp.getPredicate() != arith::CmpIPredicate::sge))
    return std::nullopt;
  auto diff = cmp.getLhs().getDefiningOp<arith::SubIOp>();
  IntegerAttr k;
  if (!diff || !matchPattern(cmp.getRhs(), m_Constant(&k)))
    return std::nullopt;
  auto j = diff.getLhs().getDefiningOp<linalg::IndexOp>();
  auto i = diff.getRhs().getDefiningOp<linalg::IndexOp>();
  int64_t loops = e->op.getNumLoops();
  if (!i || !j || (int64_t)i.getDim() != loops - 2 ||
      (int64_t)j.getDim() != loops - 1)
    return std::nullopt;
  return Trilu{x->tensor, cmp.getPredicate() == arith::CmpIPredicate::sge,
               k.getInt()};
}

} // namespace

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

bool isLowerOnes(Value v) {
  v = throughPatternKeepingOps(v, true);
  if (constantHasPattern(v, [](int64_t i, int64_t j,
                                                   double x) {
        return x == (j <= i ? 1.0 : 0.0);
      }))
    return true;
  std::optional<Trilu> t = matchTrilu(v);
  return t && !t->upper && t->k == 0 && splatValue(t->input) == 1.0;
}

bool isCausalMaskedCondition(Value c) {
  c = throughPatternKeepingOps(c, true);
  if (constantHasPattern(c,
                         [](int64_t i, int64_t j, double x) {
                           // Exactly 0 and 1: a truncating cast looked
                           // through could make a 2 false.
                           return x == (j > i ? 1.0 : 0.0);
                         }))
    return true;
  if (std::optional<Trilu> t = matchTrilu(c))
    return t->upper && t->k == 1 && splatValue(t->input) == 1.0;
  std::optional<Elementwise> e = matchElementwise(c);
  if (!e)
    return false;
  Operation *op = e->yielded.getDefiningOp();
  if (!op || op->getNumOperands() != 2)
    return false;
  std::optional<BodyLeaf> lhs = readLeaf(e->op, op->getOperand(0));
  std::optional<BodyLeaf> rhs = readLeaf(e->op, op->getOperand(1));
  if (!lhs || !rhs)
    return false;
  // The tensor operand is tril(ones), the other a scalar: 0 for == (the
  // positions tril leaves 0), true for xor (~tril).
  if (lhs->scalar)
    std::swap(lhs, rhs);
  if (lhs->scalar || !rhs->scalar || !keepsLastTwoDims(lhs->map) ||
      !isLowerOnes(lhs->tensor))
    return false;
  if (auto cmp = dyn_cast<arith::CmpFOp>(op))
    return (cmp.getPredicate() == arith::CmpFPredicate::OEQ ||
            cmp.getPredicate() == arith::CmpFPredicate::UEQ) &&
           rhs->scalar == 0.0;
  if (auto cmp = dyn_cast<arith::CmpIOp>(op))
    return cmp.getPredicate() == arith::CmpIPredicate::eq &&
           rhs->scalar == 0.0;
  if (isa<arith::XOrIOp>(op))
    return op->getResult(0).getType().isInteger(1) && rhs->scalar == 1.0;
  return false;
}

bool isCausalAdditiveMask(Value m, bool &infinite) {
  m = throughPatternKeepingOps(m, false);
  infinite = true;
  if (constantHasPattern(m, [&](int64_t i, int64_t j, double x) {
        if (j <= i)
          return x == 0.0;
        infinite &= std::isinf(x);
        return x <= kMaskedFill;
      }))
    return true;
  std::optional<Trilu> t = matchTrilu(m);
  if (!t || !t->upper || t->k != 1)
    return false;
  std::optional<double> fill = splatValue(t->input);
  infinite = fill && std::isinf(*fill);
  return fill && *fill <= kMaskedFill;
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
