//===- RaisingMatchers.cpp - reading plain ops for the seq-raise-* passes ===//

#include "dialects/Seq/Transforms/RaisingMatchers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

using namespace mlir;

namespace seqc::seq {

namespace {

/// A constant's value as a double (i1 true is 1).
std::optional<double> scalarOf(Attribute a) {
  if (!a)
    return std::nullopt;
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

Value plusZeroOperand(Value v) {
  std::optional<Elementwise> e = matchElementwise(v);
  auto add = e ? e->yielded.getDefiningOp<arith::AddFOp>() : arith::AddFOp();
  if (!add)
    return {};
  std::optional<BodyLeaf> a = readLeaf(e->op, add.getLhs()),
                          b = readLeaf(e->op, add.getRhs());
  if (a && a->scalar == 0.0)
    std::swap(a, b);
  if (!a || !b || b->scalar != 0.0 || !a->tensor || !a->map.isIdentity() ||
      a->tensor.getType() != v.getType())
    return {};
  return a->tensor;
}

/// Whether `m` is the maximum of `x` along its last dimension: a generic
/// reducing x's last loop with maximumf (or maxnumf) of the output and x's
/// element, from a -inf fill, perhaps expanded with a trailing unit
/// dimension.
static bool isRowMaxOf(Value m, Value x) {
  if (auto expand = m.getDefiningOp<tensor::ExpandShapeOp>()) {
    if (expand.getResultType().getShape().back() != 1 ||
        expand.getReassociationIndices().back().size() != 2)
      return false;
    m = expand.getSrc();
  }
  auto reduce = m.getDefiningOp<linalg::GenericOp>();
  if (!reduce || reduce.getNumDpsInputs() != 1 ||
      reduce.getNumDpsInits() != 1 || reduce.getNumReductionLoops() != 1 ||
      reduce.getIteratorTypesArray().back() != utils::IteratorType::reduction ||
      reduce.getDpsInputOperand(0)->get() != x ||
      !reduce.getMatchingIndexingMap(reduce.getDpsInputOperand(0))
           .isIdentity() ||
      reduce.getMatchingIndexingMap(reduce.getDpsInitOperand(0)) !=
          AffineMap::getMultiDimIdentityMap(reduce.getNumLoops(),
                                            m.getContext())
              .dropResult(reduce.getNumLoops() - 1) ||
      splatValue(reduce.getDpsInitOperand(0)->get()) !=
          -std::numeric_limits<double>::infinity())
    return false;
  Block *body = reduce.getBody();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  Operation *max = yield.getValues()[0].getDefiningOp();
  return max && isa<arith::MaximumFOp, arith::MaxNumFOp>(max) &&
         body->getOperations().size() == 2 &&
         llvm::is_contained(max->getOperands(), body->getArgument(0)) &&
         llvm::is_contained(max->getOperands(), body->getArgument(1));
}

Value rowMaxShiftOperand(Value v) {
  std::optional<Elementwise> e = matchElementwise(v);
  auto sub = e ? e->yielded.getDefiningOp<arith::SubFOp>() : arith::SubFOp();
  if (!sub)
    return {};
  std::optional<BodyLeaf> x = readLeaf(e->op, sub.getLhs()),
                          m = readLeaf(e->op, sub.getRhs());
  if (!x || !m || !x->tensor || !m->tensor || !x->map.isIdentity() ||
      x->tensor.getType() != v.getType() || !isRowMaxOf(m->tensor, x->tensor))
    return {};
  // m read along the rows only: its last index is the broadcast 0 of the
  // unit dimension, or absent.
  AffineMap map = m->map;
  unsigned rank = map.getNumDims();
  SmallVector<AffineExpr> rows;
  for (unsigned d = 0; d + 1 < rank; ++d)
    rows.push_back(getAffineDimExpr(d, v.getContext()));
  SmallVector<AffineExpr> kept = rows;
  kept.push_back(getAffineConstantExpr(0, v.getContext()));
  if (map != AffineMap::get(rank, 0, rows, v.getContext()) &&
      map != AffineMap::get(rank, 0, kept, v.getContext()))
    return {};
  return x->tensor;
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

namespace {

/// Evaluations deeper than this give up (a constant scale or offset is a
/// few ops deep; this bounds the work on long chains that are not).
constexpr int kMaxEvaluationDepth = 32;

/// The scalar `op` folds to when its operands are `operands` (one result;
/// only arith and math ops). Folded on a detached clone: some folders
/// rewrite their op in place (extsi of an extsi), which a matcher must not.
Attribute foldScalarOp(Operation *op, ArrayRef<Attribute> operands) {
  if (op->getNumResults() != 1 || op->getNumRegions() != 0 ||
      !isa_and_present<arith::ArithDialect, math::MathDialect>(
          op->getDialect()))
    return {};
  Operation *clone = op->clone();
  SmallVector<OpFoldResult> results;
  Attribute folded;
  if (succeeded(clone->fold(operands, results)) && results.size() == 1) {
    if (auto attr = dyn_cast<Attribute>(results[0])) {
      if (isa<IntegerAttr, FloatAttr>(attr))
        folded = attr;
    } else {
      // Folded to one of its operands (select of a constant condition,
      // x * 1); its own result means it was rewritten, not evaluated.
      for (auto [operand, attr] : llvm::zip(clone->getOperands(), operands))
        if (operand == cast<Value>(results[0]))
          folded = attr;
    }
  }
  clone->destroy();
  return folded;
}

/// Evaluates values to constants, each once (a model's graph shares
/// subexpressions: without the memo, x + x chains take exponential time).
class ConstantEvaluator {
public:
  Attribute evaluate(Value v, int depth) {
    if (auto known = memo.find(v); known != memo.end())
      return known->second;
    Attribute attr = evaluateOnce(v, depth);
    memo[v] = attr;
    return attr;
  }

private:
  Attribute evaluateOnce(Value v, int depth);
  Attribute evaluateGenericBody(linalg::GenericOp op, int depth);

  DenseMap<Value, Attribute> memo; // null: not a constant
};

/// The scalar an elementwise generic whose inputs are all splats yields.
Attribute ConstantEvaluator::evaluateGenericBody(linalg::GenericOp op,
                                                 int depth) {
  if (op.getNumDpsInits() != 1 || op.getNumParallelLoops() != op.getNumLoops())
    return {};
  DenseMap<Value, Attribute> known;
  for (OpOperand &operand : op->getOpOperands()) {
    BlockArgument arg = op.getMatchingBlockArgument(&operand);
    if (arg.use_empty())
      continue;
    Attribute attr = evaluate(operand.get(), depth + 1);
    if (!attr)
      return {};
    known[arg] = attr;
  }
  for (Operation &bodyOp : op.getBody()->without_terminator()) {
    SmallVector<Attribute> operands;
    for (Value operand : bodyOp.getOperands()) {
      Attribute attr = known.lookup(operand);
      if (!attr && !matchPattern(operand, m_Constant(&attr)))
        return {};
      operands.push_back(attr);
    }
    Attribute result = foldScalarOp(&bodyOp, operands);
    if (!result)
      return {};
    known[bodyOp.getResult(0)] = result;
  }
  Value yielded = op.getBody()->getTerminator()->getOperand(0);
  Attribute attr = known.lookup(yielded);
  if (!attr)
    matchPattern(yielded, m_Constant(&attr));
  return attr;
}

Attribute ConstantEvaluator::evaluateOnce(Value v, int depth) {
  if (depth > kMaxEvaluationDepth)
    return {};
  Attribute constant;
  if (matchPattern(v, m_Constant(&constant))) {
    if (auto splat = dyn_cast<SplatElementsAttr>(constant))
      return splat.getSplatValue<Attribute>();
    return isa<IntegerAttr, FloatAttr>(constant) ? constant : Attribute();
  }
  Operation *def = v.getDefiningOp();
  if (!def) {
    // A block argument: only an index equal to a constant on every run.
    return {};
  }
  // Ops that keep a splat a splat of the same value.
  if (isa<tensor::ExtractSliceOp, tensor::ExpandShapeOp,
          tensor::CollapseShapeOp, tensor::CastOp, tensor::ExtractOp,
          tensor::SplatOp, linalg::BroadcastOp, linalg::TransposeOp>(def))
    return evaluate(def->getOperand(0), depth + 1);
  if (auto fill = dyn_cast<linalg::FillOp>(def))
    return evaluate(fill.getInputs()[0], depth + 1);
  if (auto elements = dyn_cast<tensor::FromElementsOp>(def)) {
    Attribute first;
    for (Value element : elements.getElements()) {
      Attribute attr = evaluate(element, depth + 1);
      if (!attr || (first && attr != first))
        return {};
      first = attr;
    }
    return first;
  }
  if (auto generic = dyn_cast<linalg::GenericOp>(def))
    return evaluateGenericBody(generic, depth);
  if (!v.getType().isIntOrIndexOrFloat())
    return {};
  SmallVector<Attribute> operands;
  for (Value operand : def->getOperands())
    operands.push_back(evaluate(operand, depth + 1));
  if (llvm::all_of(operands, [](Attribute a) { return bool(a); }))
    if (Attribute folded = foldScalarOp(def, operands))
      return folded;
  // An index the same on every run though not written as a constant:
  // dim(k, 2) - dim(q, 2) where both are the sequence length.
  if (v.getType().isIndex()) {
    FailureOr<int64_t> bound = ValueBoundsConstraintSet::computeConstantBound(
        presburger::BoundType::EQ, ValueBoundsConstraintSet::Variable(v));
    if (succeeded(bound))
      return Builder(v.getContext()).getIndexAttr(*bound);
  }
  return {};
}

} // namespace

Value halfRoundingOperand(Value v) {
  std::optional<Elementwise> e = matchElementwise(v);
  auto extend = e ? e->yielded.getDefiningOp<arith::ExtFOp>() : nullptr;
  auto round =
      extend ? extend.getIn().getDefiningOp<arith::TruncFOp>() : nullptr;
  if (!round || round->getBlock() != e->op.getBody() ||
      !isa<Float16Type, BFloat16Type>(round.getType()))
    return nullptr;
  std::optional<BodyLeaf> in = readLeaf(e->op, round.getIn());
  if (!in || in->scalar || !in->tensor || !in->map.isIdentity() ||
      in->tensor.getType() != v.getType())
    return nullptr;
  return in->tensor;
}

Attribute evaluateConstant(Value v) {
  return ConstantEvaluator().evaluate(v, 0);
}

std::optional<double> splatValue(Value v) {
  return scalarOf(evaluateConstant(v));
}

std::optional<int64_t> constantIndex(OpFoldResult ofr) {
  if (std::optional<int64_t> c = getConstantIntValue(ofr))
    return c;
  if (auto attr =
          dyn_cast_if_present<IntegerAttr>(evaluateConstant(cast<Value>(ofr))))
    return attr.getValue().getSExtValue();
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

static std::optional<Length>
readLength(Value v,
           llvm::function_ref<std::optional<Length>(Value, int64_t)> readDim,
           int64_t minT, int depth) {
  if (depth > 16)
    return std::nullopt;
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return Length{false, *c};
  Operation *def = v.getDefiningOp();
  if (!def)
    return std::nullopt;
  auto read = [&](Value operand) {
    return readLength(operand, readDim, minT, depth + 1);
  };
  if (auto dim = dyn_cast<tensor::DimOp>(def)) {
    std::optional<int64_t> index = dim.getConstantIndex();
    if (!index)
      return std::nullopt;
    return readDim(dim.getSource(), *index);
  }
  if (isa<arith::IndexCastOp>(def))
    return read(def->getOperand(0));
  if (!isa<arith::AddIOp, arith::SubIOp, arith::MinSIOp, arith::MaxSIOp>(def))
    return std::nullopt;
  std::optional<Length> a = read(def->getOperand(0)),
                        b = read(def->getOperand(1));
  if (!a || !b)
    return std::nullopt;
  if (isa<arith::AddIOp>(def)) {
    if (a->hasT && b->hasT)
      return std::nullopt;
    return Length{a->hasT || b->hasT, a->k + b->k};
  }
  if (isa<arith::SubIOp>(def)) {
    if (b->hasT && !a->hasT)
      return std::nullopt;
    return Length{a->hasT && !b->hasT, a->k - b->k};
  }
  bool isMin = isa<arith::MinSIOp>(def);
  if (a->hasT == b->hasT)
    return Length{a->hasT, isMin ? std::min(a->k, b->k) : std::max(a->k, b->k)};
  Length t = a->hasT ? *a : *b, c = a->hasT ? *b : *a;
  if (t.k + minT < c.k)
    return std::nullopt; // depends on T
  return isMin ? c : t;
}

std::optional<Length>
readLength(Value v,
           llvm::function_ref<std::optional<Length>(Value, int64_t)> readDim,
           int64_t minT) {
  return readLength(v, readDim, minT, 0);
}

void replaceDims(PatternRewriter &rewriter, Value value,
                 llvm::function_ref<Value(Location, int64_t)> size) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  for (Operation *user : llvm::make_early_inc_range(value.getUsers())) {
    auto dim = dyn_cast<tensor::DimOp>(user);
    std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
    if (!index || *index < 0 || *index >= rank)
      continue;
    rewriter.setInsertionPoint(dim);
    rewriter.replaceOp(dim, size(dim.getLoc(), *index));
  }
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

PositionsOp positionsFromZero(Value v) {
  while (isa_and_present<tensor::ExpandShapeOp, tensor::CollapseShapeOp,
                         tensor::CastOp>(v.getDefiningOp()))
    v = v.getDefiningOp()->getOperand(0);
  auto positions = v.getDefiningOp<PositionsOp>();
  if (!positions ||
      (positions.getOffset() && !matchPattern(positions.getOffset(), m_Zero())))
    return PositionsOp();
  return positions;
}

/// Whether `reassociation` groups all dimensions but the last two of a
/// rank-`rank` tensor into one.
bool groupsBatchDims(ArrayRef<ReassociationIndices> reassociation,
                     int64_t rank) {
  if (reassociation.size() != 3 ||
      (int64_t)reassociation[0].size() != rank - 2 ||
      reassociation[1].size() != 1 || reassociation[2].size() != 1)
    return false;
  return true;
}

/// The rank-r (r >= 4) product the ONNX importer builds as a batch_matmul
/// over the batch dimensions collapsed into one: expand(matmul(collapse(a),
/// collapse(b))), with a's and b's batch extents compatible (a run-time
/// disagreement that the product of the extents hides is caught by
/// seq.attention's own checks on q, k and v).
static std::optional<Matmul> matchCollapsedBatchMatmul(Value v) {
  auto expand = v.getDefiningOp<tensor::ExpandShapeOp>();
  if (!expand)
    return std::nullopt;
  int64_t rank = expand.getResultType().getRank();
  if (rank < 4 || !groupsBatchDims(expand.getReassociationIndices(), rank))
    return std::nullopt;
  // A constant scale and an added zero in the collapsed space (GPT-NeoX's
  // baddbmm(zeros, q, k^T, beta=1, alpha=1/norm) on [B * H, L, D] views).
  Value product = expand.getSrc();
  double scale = 1.0;
  while (true) {
    if (Value x = plusZeroOperand(product)) {
      product = x;
    } else if (auto scaled = matchScale(product)) {
      product = scaled->first;
      scale *= scaled->second;
    } else {
      break;
    }
  }
  std::optional<Matmul> inner = matchMatmul(product);
  if (!inner)
    return std::nullopt;
  ArrayRef<int64_t> batch =
      expand.getResultType().getShape().take_front(rank - 2);
  auto uncollapse = [&](Value x) -> Value {
    auto collapse = x.getDefiningOp<tensor::CollapseShapeOp>();
    if (!collapse || collapse.getSrcType().getRank() != rank ||
        !groupsBatchDims(collapse.getReassociationIndices(), rank))
      return nullptr;
    ArrayRef<int64_t> xBatch =
        collapse.getSrcType().getShape().take_front(rank - 2);
    for (auto [a, b] : llvm::zip(batch, xBatch))
      if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
        return nullptr;
    return collapse.getSrc();
  };
  Value lhs = uncollapse(inner->lhs), rhs = uncollapse(inner->rhs);
  bool rhsTransposed = inner->rhsTransposed;
  // k.transpose(1, 2) of the [B * H, S, D] view: the uncollapsed k read
  // the other way round.
  auto swap = inner->rhs.getDefiningOp<linalg::TransposeOp>();
  if (!rhs && swap && swap.getPermutation() == ArrayRef<int64_t>{0, 2, 1}) {
    rhs = uncollapse(swap.getInput());
    rhsTransposed = !rhsTransposed;
  }
  if (!lhs || !rhs)
    return std::nullopt;
  return Matmul{lhs, rhs, rhsTransposed, inner->scale * scale};
}

/// Whether `op` is a sum of products, out + a * b, over one reduction loop
/// after the parallel ones: a contraction whose operand maps may also
/// read a size-1 dimension at 0 (which isaContractionOpInterface, asking
/// for projected permutations, refuses).
static bool isBroadcastProduct(linalg::LinalgOp op) {
  if (op.getNumReductionLoops() != 1 ||
      op.getIteratorTypesArray().back() != utils::IteratorType::reduction)
    return false;
  Block *body = op.getBlock();
  auto yield = cast<linalg::YieldOp>(body->getTerminator());
  auto add = yield.getValues()[0].getDefiningOp<arith::AddFOp>();
  if (!add || body->getOperations().size() != 3)
    return false;
  for (int i = 0; i < 2; ++i) {
    auto mul = add->getOperand(1 - i).getDefiningOp<arith::MulFOp>();
    if (add->getOperand(i) == body->getArgument(2) && mul &&
        llvm::is_contained(mul->getOperands(), body->getArgument(0)) &&
        llvm::is_contained(mul->getOperands(), body->getArgument(1)) &&
        mul.getLhs() != mul.getRhs())
      return true;
  }
  return false;
}

std::optional<Matmul> matchMatmul(Value v) {
  if (std::optional<Matmul> m = matchCollapsedBatchMatmul(v))
    return m;
  auto op = v.getDefiningOp<linalg::LinalgOp>();
  if (!op || op->getNumResults() != 1 || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 ||
      !(linalg::isaContractionOpInterface(op) || isBroadcastProduct(op)))
    return std::nullopt;
  auto type = cast<RankedTensorType>(v.getType());
  int64_t rank = type.getRank();
  if (rank < 3 || (int64_t)op.getNumLoops() != rank + 1)
    return std::nullopt;
  MLIRContext *ctx = v.getContext();
  auto loop = [&](int64_t i) { return getAffineDimExpr(i, ctx); };
  auto mapOf = [&](AffineExpr a, AffineExpr b) {
    SmallVector<AffineExpr> exprs;
    for (int64_t i = 0; i < rank - 2; ++i)
      exprs.push_back(loop(i));
    exprs.append({a, b});
    return AffineMap::get(rank + 1, 0, exprs, ctx);
  };
  AffineExpr m = loop(rank - 2), n = loop(rank - 1), k = loop(rank);
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  if (maps[0] != mapOf(m, k) || maps[2] != mapOf(m, n))
    return std::nullopt;
  Value lhs = op.getDpsInputOperand(0)->get(),
        rhs = op.getDpsInputOperand(1)->get();
  // A rank-4 product's rhs of one head read for every head: at head 0
  // (the importer's broadcasting MatMul) or without a head dimension
  // (Einsum 'bhqd,bkd->bhqk').
  AffineMap rhsMap = maps[1];
  bool headBroadcast = false;
  if (rank == 4 && rhsMap.getNumResults() == 4 &&
      rhsMap.getResult(1) == getAffineConstantExpr(0, ctx) &&
      cast<RankedTensorType>(rhs.getType()).getDimSize(1) == 1) {
    rhsMap = rhsMap.replace(getAffineConstantExpr(0, ctx), loop(1),
                            rhsMap.getNumDims(), 0);
    headBroadcast = true;
  } else if (rank == 4 && rhsMap.getNumResults() == 3 &&
             rhsMap.getResult(0) == loop(0)) {
    SmallVector<AffineExpr> exprs(rhsMap.getResults());
    exprs.insert(exprs.begin() + 1, loop(1));
    rhsMap = AffineMap::get(rank + 1, 0, exprs, ctx);
    headBroadcast = true;
  }
  bool transposed = rhsMap == mapOf(n, k);
  if (!transposed && rhsMap != mapOf(k, n))
    return std::nullopt;
  if (!type.getElementType().isF32() ||
      !getElementTypeOrSelf(lhs.getType()).isF32() ||
      !getElementTypeOrSelf(rhs.getType()).isF32() ||
      splatValue(op.getDpsInitOperand(0)->get()) != 0.0)
    return std::nullopt;
  return Matmul{lhs, rhs, transposed, 1.0, headBroadcast};
}

/// `v` = s * c, c * s or s / c with c a finite nonzero constant: s and the
/// factor.
std::optional<std::pair<Value, double>> matchScale(Value v) {
  std::optional<Elementwise> e = matchElementwise(v);
  if (!e)
    return std::nullopt;
  Operation *op = e->yielded.getDefiningOp();
  if (!isa_and_nonnull<arith::MulFOp, arith::DivFOp>(op))
    return std::nullopt;
  std::optional<BodyLeaf> s = readLeaf(e->op, op->getOperand(0));
  std::optional<BodyLeaf> c = readLeaf(e->op, op->getOperand(1));
  bool divide = isa<arith::DivFOp>(op);
  if (s && c && !divide && !s->tensor)
    std::swap(s, c);
  if (!s || !c || !s->tensor || !s->map.isIdentity() || !c->scalar ||
      *c->scalar == 0.0 || !std::isfinite(*c->scalar) ||
      s->tensor.getType() != v.getType())
    return std::nullopt;
  return std::make_pair(s->tensor, divide ? 1.0 / *c->scalar : *c->scalar);
}

} // namespace seqc::seq
