//===- InsertShapeChecks.cpp - guard size assumptions with seq.check -----===//
//
// Every linalg op and the tensor ops that assume sizes get one seq.check per
// assumption the types do not prove. The checks compare extents (index
// values); canonicalization folds those that hold statically, and
// seqc-hoist-checks moves the rest to the function entry.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"

#include "mlir/Dialect/Affine/Utils.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

#include "llvm/ADT/SmallBitVector.h"
#include "llvm/ADT/TypeSwitch.h"
#include "llvm/Support/MathExtras.h"

#include <functional>

#define DEBUG_TYPE "seqc-insert-shape-checks"

namespace seqc {
#define GEN_PASS_DEF_INSERTSHAPECHECKSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using seqc::seq::CheckKind;
using seqc::seq::createCheck;

namespace {

/// Builds the checks for one op, all before it.
class CheckBuilder {
public:
  CheckBuilder(Operation *op) : b(op), loc(op->getLoc()) {
    where = seqc::seq::describeOrigin(op->getName().getStringRef(), loc);
  }

  Value index(OpFoldResult size) {
    return getValueOrCreateConstantIndexOp(b, loc, size);
  }
  Value dim(Value tensor, int64_t d) {
    auto type = cast<RankedTensorType>(tensor.getType());
    if (!type.isDynamicDim(d))
      return arith::ConstantIndexOp::create(b, loc, type.getDimSize(d));
    return tensor::DimOp::create(b, loc, tensor, d);
  }
  Value cmp(arith::CmpIPredicate pred, Value lhs, Value rhs) {
    return arith::CmpIOp::create(b, loc, pred, lhs, rhs);
  }
  Value constant(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  /// Emits a shape check unless `condition` folds to true.
  void check(Value condition, Value found, const llvm::Twine &what) {
    if (matchPattern(condition, m_One()))
      return;
    createCheck(b, loc, condition, found, where + ": " + what,
                CheckKind::shape);
  }

  OpBuilder b;
  Location loc;
  std::string where;
};

static bool isStaticallyEqual(Value a, Value b) {
  if (a == b)
    return true;
  std::optional<int64_t> ca = getConstantIntValue(a), cb = getConstantIntValue(b);
  return ca && cb && *ca == *cb;
}

using Variable = ValueBoundsConstraintSet::Variable;

/// ValueBounds' analysis of at most `kBudget` values of the backward slice:
/// unbounded, it walks the whole slice behind each extent and its cost grows
/// with the cube of the chain's length (a 16-layer encoder spent 40 s here).
/// A relation that needs more is not proven, and gets a run-time check.
class BoundedConstraints : public ValueBoundsConstraintSet {
public:
  explicit BoundedConstraints(MLIRContext *ctx)
      : ValueBoundsConstraintSet(
            ctx, [this](Value, std::optional<int64_t>,
                        ValueBoundsConstraintSet &) {
              return ++visited > kBudget;
            }) {}

private:
  static constexpr int kBudget = 64;
  int visited = 0;
};

/// Whether the IR proves `lhs cmp rhs` (loop bounds, tensor.empty sizes,
/// index arithmetic) close to the op: then no check is needed.
static bool proves(const Variable &lhs,
                   ValueBoundsConstraintSet::ComparisonOperator cmp,
                   const Variable &rhs) {
  BoundedConstraints constraints(lhs.getContext());
  return constraints.populateAndCompare(lhs, cmp, rhs);
}

/// Where an extent comes from, through the ops that pass sizes on
/// unchanged: a destination-style op's result has its init's sizes, a
/// tensor.empty's dynamic sizes are its operands, and a tensor.dim is the
/// extent it reads. Returns a static size as {null, size}, else the
/// (tensor, dim) or (index value, -1) the chain starts from.
static std::pair<Value, int64_t> sourceExtent(Value tensor, int64_t dim) {
  while (true) {
    auto type = cast<RankedTensorType>(tensor.getType());
    if (!type.isDynamicDim(dim))
      return {Value(), type.getDimSize(dim)};
    auto result = dyn_cast<OpResult>(tensor);
    if (!result)
      return {tensor, dim};
    if (auto dps = dyn_cast<DestinationStyleOpInterface>(result.getOwner())) {
      Value init = dps.getTiedOpOperand(result)->get();
      if (!isa<RankedTensorType>(init.getType()))
        return {tensor, dim};
      tensor = init;
      continue;
    }
    auto empty = dyn_cast<tensor::EmptyOp>(result.getOwner());
    if (!empty)
      return {tensor, dim};
    Value size = empty.getDynamicSize(dim);
    auto read = size.getDefiningOp<tensor::DimOp>();
    std::optional<int64_t> index =
        read ? read.getConstantIndex() : std::nullopt;
    auto source = read ? dyn_cast<RankedTensorType>(read.getSource().getType())
                       : RankedTensorType();
    // An index out of range is valid IR (undefined only at run time).
    if (!index || !source || *index < 0 || *index >= source.getRank())
      return {size, -1};
    tensor = read.getSource();
    dim = *index;
  }
}

/// Makes every tensor.dim read its extent where sourceExtent traces it to:
/// another tensor's dimension (a function argument's, often) or an index
/// value. A tile loop's bound and the tensor it slices then name the same
/// value, which ValueBounds relates without walking the chain of layers
/// between them. (Each layer lengthens that chain: in a 16-layer encoder
/// the attention slices of layers 5 to 16 ran out of proof budget and kept
/// run-time checks that the first four did not, so the layers were no
/// longer copies of one another and were compiled twice.) Exact: the
/// chains follow only ops whose result sizes are their operands'.
static void readExtentsAtSources(Operation *root) {
  SmallVector<tensor::DimOp> dims;
  root->walk([&](tensor::DimOp op) { dims.push_back(op); });
  for (tensor::DimOp op : dims) {
    std::optional<int64_t> index = op.getConstantIndex();
    auto type = dyn_cast<RankedTensorType>(op.getSource().getType());
    if (!index || !type || *index < 0 || *index >= type.getRank())
      continue;
    auto [source, dim] = sourceExtent(op.getSource(), *index);
    if (!source || source == op.getResult() ||
        (source == op.getSource() && dim == *index))
      continue;
    Value extent = source;
    if (dim >= 0) {
      OpBuilder b(op);
      extent = tensor::DimOp::create(b, op.getLoc(), source, dim);
    }
    op.replaceAllUsesWith(extent);
    op.erase();
  }
}

/// Whether the IR proves that two extents are equal. The chains of
/// sourceExtent first: they settle most extents (a chain of elementwise ops
/// passes one size along) and cost a walk each; then a bounded ValueBounds
/// query (500 chained ReLUs took minutes with unbounded ones).
static bool provesEqual(Value a, int64_t da, Value b, int64_t db) {
  if (sourceExtent(a, da) == sourceExtent(b, db))
    return true;
  return proves(Variable(a, da), ValueBoundsConstraintSet::EQ,
                Variable(b, db));
}

/// True for `c0 + sum(ci * dj)` with every ci >= 0: its largest value over a
/// box of loop ranges is at the upper corner.
static bool isMonotone(AffineExpr expr) {
  if (auto bin = dyn_cast<AffineBinaryOpExpr>(expr)) {
    if (expr.getKind() == AffineExprKind::Add)
      return isMonotone(bin.getLHS()) && isMonotone(bin.getRHS());
    if (expr.getKind() == AffineExprKind::Mul) {
      auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
      return c && c.getValue() >= 0 && isMonotone(bin.getLHS());
    }
    return false;
  }
  if (auto c = dyn_cast<AffineConstantExpr>(expr))
    return c.getValue() >= 0;
  return isa<AffineDimExpr>(expr);
}

/// The least and largest values of `expr` over the loops l in
/// [0, last[l]], by interval arithmetic: sums of loop multiples (of either
/// sign) and floordiv / ceildiv by constants; a mod by c is its operand's
/// residues where the operand stays in one block of c, else [0, c - 1].
/// Exact where each loop occurs once and a mod's operand takes consecutive
/// values (isExactlyBounded). None for a symbol or a non-constant
/// divisor.
static std::optional<std::pair<Value, Value>>
valueRange(CheckBuilder &cb, AffineExpr expr, ArrayRef<Value> last) {
  OpBuilder &b = cb.b;
  Location loc = cb.loc;
  if (auto c = dyn_cast<AffineConstantExpr>(expr)) {
    Value v = cb.constant(c.getValue());
    return std::make_pair(v, v);
  }
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    return std::make_pair(cb.constant(0), last[d.getPosition()]);
  auto bin = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!bin)
    return std::nullopt;
  std::optional<std::pair<Value, Value>> lhs =
      valueRange(cb, bin.getLHS(), last);
  if (!lhs)
    return std::nullopt;
  auto [lo, hi] = *lhs;
  if (expr.getKind() == AffineExprKind::Add) {
    std::optional<std::pair<Value, Value>> rhs =
        valueRange(cb, bin.getRHS(), last);
    if (!rhs)
      return std::nullopt;
    return std::make_pair(
        arith::AddIOp::create(b, loc, lo, rhs->first).getResult(),
        arith::AddIOp::create(b, loc, hi, rhs->second).getResult());
  }
  auto constant = dyn_cast<AffineConstantExpr>(bin.getRHS());
  if (!constant)
    return std::nullopt;
  int64_t c = constant.getValue();
  Value cv = cb.constant(c);
  switch (expr.getKind()) {
  case AffineExprKind::Mul: {
    Value a = arith::MulIOp::create(b, loc, lo, cv),
          z = arith::MulIOp::create(b, loc, hi, cv);
    return c >= 0 ? std::make_pair(a, z) : std::make_pair(z, a);
  }
  case AffineExprKind::FloorDiv:
  case AffineExprKind::CeilDiv: {
    if (c == 0)
      return std::nullopt;
    auto div = [&](Value v) -> Value {
      if (expr.getKind() == AffineExprKind::FloorDiv)
        return arith::FloorDivSIOp::create(b, loc, v, cv);
      return arith::CeilDivSIOp::create(b, loc, v, cv);
    };
    Value a = div(lo), z = div(hi);
    return c > 0 ? std::make_pair(a, z) : std::make_pair(z, a);
  }
  case AffineExprKind::Mod: {
    if (c <= 0)
      return std::nullopt;
    // Within one block [k * c, (k + 1) * c) the residues of lo and hi;
    // across a block boundary, consecutive values reach both 0 and c - 1.
    Value loBlock = arith::FloorDivSIOp::create(b, loc, lo, cv),
          hiBlock = arith::FloorDivSIOp::create(b, loc, hi, cv);
    auto residue = [&](Value v, Value block) -> Value {
      return arith::SubIOp::create(b, loc, v,
                                   arith::MulIOp::create(b, loc, block, cv));
    };
    Value sameBlock = cb.cmp(arith::CmpIPredicate::eq, loBlock, hiBlock);
    return std::make_pair(
        arith::SelectOp::create(b, loc, sameBlock, residue(lo, loBlock),
                                cb.constant(0))
            .getResult(),
        arith::SelectOp::create(b, loc, sameBlock, residue(hi, hiBlock),
                                cb.constant(c - 1))
            .getResult());
  }
  default:
    return std::nullopt;
  }
}

/// Whether `expr` takes consecutive values as its one loop runs: d or -d
/// plus a constant (or a constant).
static bool isConsecutive(AffineExpr expr) {
  if (isa<AffineDimExpr, AffineConstantExpr>(expr))
    return true;
  auto bin = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!bin)
    return false;
  if (expr.getKind() == AffineExprKind::Add)
    return (isConsecutive(bin.getLHS()) &&
            isa<AffineConstantExpr>(bin.getRHS())) ||
           (isConsecutive(bin.getRHS()) &&
            isa<AffineConstantExpr>(bin.getLHS()));
  auto c = dyn_cast<AffineConstantExpr>(bin.getRHS());
  return expr.getKind() == AffineExprKind::Mul && c &&
         (c.getValue() == 1 || c.getValue() == -1) &&
         isa<AffineDimExpr>(bin.getLHS());
}

/// Whether valueRange's interval of `expr` is its exact range: each loop
/// occurs once (d mod 8 - (d mod 2) * 2, GPT-J's rotate-every-two partner,
/// mixes one loop's values and would be over-estimated) and a mod reads
/// consecutive values (all its residues, or a run of them).
static bool isExactlyBounded(AffineExpr expr, llvm::SmallBitVector &seen) {
  if (auto d = dyn_cast<AffineDimExpr>(expr)) {
    if (seen.test(d.getPosition()))
      return false;
    seen.set(d.getPosition());
    return true;
  }
  auto bin = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!bin)
    return isa<AffineConstantExpr>(expr);
  if (expr.getKind() == AffineExprKind::Mod && !isConsecutive(bin.getLHS()))
    return false;
  return isExactlyBounded(bin.getLHS(), seen) &&
         isExactlyBounded(bin.getRHS(), seen);
}

/// `expr` at the loop values `at` (affine semantics: floordiv and mod
/// round towards -inf, a mod's result is in [0, c)); none for a symbol or
/// a non-positive divisor.
static std::optional<int64_t> evaluate(AffineExpr expr, ArrayRef<int64_t> at) {
  if (auto c = dyn_cast<AffineConstantExpr>(expr))
    return c.getValue();
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    return at[d.getPosition()];
  auto bin = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!bin)
    return std::nullopt;
  std::optional<int64_t> a = evaluate(bin.getLHS(), at),
                         z = evaluate(bin.getRHS(), at);
  if (!a || !z)
    return std::nullopt;
  int64_t r;
  switch (expr.getKind()) {
  case AffineExprKind::Add:
    return llvm::AddOverflow(*a, *z, r) ? std::nullopt
                                        : std::optional<int64_t>(r);
  case AffineExprKind::Mul:
    return llvm::MulOverflow(*a, *z, r) ? std::nullopt
                                        : std::optional<int64_t>(r);
  case AffineExprKind::FloorDiv:
    return *z > 0 ? std::optional<int64_t>(llvm::divideFloorSigned(*a, *z))
                  : std::nullopt;
  case AffineExprKind::CeilDiv:
    return *z > 0 ? std::optional<int64_t>(llvm::divideCeilSigned(*a, *z))
                  : std::nullopt;
  case AffineExprKind::Mod:
    return *z > 0 ? std::optional<int64_t>(llvm::mod(*a, *z)) : std::nullopt;
  default:
    return std::nullopt;
  }
}

/// Iterations an enumerated range is computed over at compile time, at
/// most (static extents: a rotary partner over a head's 64 features).
constexpr int64_t kMaxFoldedIterations = int64_t(1) << 20;

/// The least and largest value of `expr` over every combination of the
/// loops it reads (`used`, each over [0, extent)), computed here when the
/// extents are static and the combinations few (a rotary partner over a
/// head's 64 features); none otherwise, or when a loop runs no iteration.
static std::optional<std::pair<int64_t, int64_t>>
foldedRange(AffineExpr expr, ArrayRef<unsigned> used, ArrayRef<Value> range,
            unsigned numLoops) {
  SmallVector<int64_t> extents;
  int64_t iterations = 1;
  for (unsigned l : used) {
    std::optional<int64_t> n = getConstantIntValue(range[l]);
    if (!n || *n <= 0 || iterations > kMaxFoldedIterations / *n)
      return std::nullopt;
    extents.push_back(*n);
    iterations *= *n;
  }
  SmallVector<int64_t> at(numLoops, 0);
  int64_t lo = INT64_MAX, hi = INT64_MIN;
  for (int64_t i = 0; i < iterations; ++i) {
    int64_t rest = i;
    for (auto [k, l] : llvm::enumerate(used)) {
      at[l] = rest % extents[k];
      rest /= extents[k];
    }
    std::optional<int64_t> v = evaluate(expr, at);
    if (!v)
      return std::nullopt;
    lo = std::min(lo, *v);
    hi = std::max(hi, *v);
  }
  return std::make_pair(lo, hi);
}

/// The same range computed when the op runs, by a loop nest over the loops
/// `expr` reads (a pass over them: never more than the op's own
/// iterations), inside an scf.if that skips it when a loop runs none
/// (`someEmpty`; the check passes then, and the range is [0, 0]).
static std::pair<Value, Value> loopRange(CheckBuilder &cb, AffineExpr expr,
                                         ArrayRef<unsigned> used,
                                         ArrayRef<Value> range,
                                         unsigned numLoops, Value someEmpty) {
  OpBuilder &b = cb.b;
  Location loc = cb.loc;
  Type index = b.getIndexType();
  auto ifOp = scf::IfOp::create(b, loc, TypeRange{index, index}, someEmpty,
                                /*withElse=*/true);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&ifOp.getThenRegion().front());
  scf::YieldOp::create(b, loc, ValueRange{cb.constant(0), cb.constant(0)});
  b.setInsertionPointToStart(&ifOp.getElseRegion().front());
  // for each used loop ...: lo = min(lo, expr), hi = max(hi, expr).
  SmallVector<Value> at(numLoops, cb.constant(0));
  std::function<std::pair<Value, Value>(size_t, Value, Value)> nest =
      [&](size_t k, Value lo, Value hi) -> std::pair<Value, Value> {
    if (k == used.size()) {
      Value v = affine::expandAffineExpr(b, loc, expr, at, ValueRange{});
      return {arith::MinSIOp::create(b, loc, lo, v),
              arith::MaxSIOp::create(b, loc, hi, v)};
    }
    auto loop = scf::ForOp::create(b, loc, cb.constant(0), range[used[k]],
                                   cb.constant(1), ValueRange{lo, hi});
    OpBuilder::InsertionGuard inner(b);
    b.setInsertionPointToStart(loop.getBody());
    at[used[k]] = loop.getInductionVar();
    auto [newLo, newHi] =
        nest(k + 1, loop.getRegionIterArgs()[0], loop.getRegionIterArgs()[1]);
    scf::YieldOp::create(b, loc, ValueRange{newLo, newHi});
    return {loop.getResult(0), loop.getResult(1)};
  };
  auto [lo, hi] = nest(0, cb.constant(INT64_MAX), cb.constant(INT64_MIN));
  scf::YieldOp::create(b, loc, ValueRange{lo, hi});
  return {ifOp.getResult(0), ifOp.getResult(1)};
}

static void checkLinalgOp(linalg::LinalgOp op) {
  if (!op.hasPureTensorSemantics())
    return;
  CheckBuilder cb(op);
  unsigned numLoops = op.getNumLoops();
  // The loop ranges: each loop takes its extent from the first operand that
  // indexes a dimension with it alone (as linalg's own loop bounds do).
  SmallVector<Value> range(numLoops);
  SmallVector<std::pair<unsigned, unsigned>> source(numLoops);
  for (OpOperand &operand : op->getOpOperands()) {
    if (!isa<RankedTensorType>(operand.get().getType()))
      continue;
    AffineMap map = op.getMatchingIndexingMap(&operand);
    for (auto [pos, expr] : llvm::enumerate(map.getResults())) {
      auto d = dyn_cast<AffineDimExpr>(expr);
      if (d && !range[d.getPosition()]) {
        range[d.getPosition()] = cb.dim(operand.get(), pos);
        source[d.getPosition()] = {operand.getOperandNumber(), (unsigned)pos};
      }
    }
  }

  for (OpOperand &operand : op->getOpOperands()) {
    if (!isa<RankedTensorType>(operand.get().getType()))
      continue;
    unsigned number = operand.getOperandNumber();
    AffineMap map = op.getMatchingIndexingMap(&operand);
    for (auto [pos, expr] : llvm::enumerate(map.getResults())) {
      std::string dimText = "dimension " + std::to_string(pos) +
                            " of operand " + std::to_string(number);
      if (auto d = dyn_cast<AffineDimExpr>(expr)) {
        auto [srcOperand, srcPos] = source[d.getPosition()];
        if (srcOperand == number && srcPos == pos)
          continue;
        Value extent = cb.dim(operand.get(), pos);
        Value want = range[d.getPosition()];
        if (isStaticallyEqual(extent, want) ||
            provesEqual(operand.get(), pos, op->getOperand(srcOperand),
                        srcPos))
          continue;
        Value ok = cb.cmp(arith::CmpIPredicate::eq, extent, want);
        std::string srcText = "dimension " + std::to_string(srcPos) +
                              " of operand " + std::to_string(srcOperand);
        // Report the dynamic extent: the static one is the expectation.
        if (std::optional<int64_t> fixed = getConstantIntValue(extent))
          cb.check(ok, want,
                   srcText + " is {}, but must equal " + dimText + " (" +
                       std::to_string(*fixed) + ")");
        else
          cb.check(ok, extent, dimText + " is {}, but must equal " + srcText);
        continue;
      }
      // A compound index: its largest value must be inside the extent
      // whenever the loops run at all (and, unless it only grows with the
      // loops, its least value too).
      SmallVector<unsigned> used;
      for (unsigned l = 0; l < numLoops; ++l)
        if (expr.isFunctionOfDim(l))
          used.push_back(l);
      if (llvm::any_of(used, [&](unsigned l) { return !range[l]; }))
        continue;
      SmallVector<Value> last(numLoops);
      Value one = cb.constant(1), zero = cb.constant(0);
      Value someEmpty = arith::ConstantIntOp::create(cb.b, cb.loc, 0, 1);
      for (unsigned l = 0; l < numLoops; ++l) {
        if (!range[l]) {
          last[l] = zero;
          continue;
        }
        last[l] = arith::SubIOp::create(cb.b, cb.loc, range[l], one);
        // (Any empty loop: the op then reads nothing, whatever the map.)
        someEmpty = arith::OrIOp::create(
            cb.b, cb.loc, someEmpty,
            cb.cmp(arith::CmpIPredicate::eq, range[l], zero));
      }
      Value extent = cb.dim(operand.get(), pos);
      if (isMonotone(expr)) {
        Value largest =
            affine::expandAffineExpr(cb.b, cb.loc, expr, last, ValueRange{});
        Value inside = cb.cmp(arith::CmpIPredicate::slt, largest, extent);
        cb.check(arith::OrIOp::create(cb.b, cb.loc, someEmpty, inside), extent,
                 dimText + " is {}, too short for the window the op reads "
                           "(the input is shorter than the op's receptive "
                           "field)");
        continue;
      }
      // Any other map (d floordiv 2, d mod 3, 5 - d: one written by hand):
      // its range over the loops, by intervals where they give it exactly,
      // else by enumerating the loops it reads (an over-estimate would
      // refuse a valid model: the rotate-every-two partner d + 1 - (d mod
      // 2) * 2 stays inside an even extent, not an odd one).
      llvm::SmallBitVector seen(numLoops);
      std::optional<std::pair<Value, Value>> bounds;
      if (isExactlyBounded(expr, seen)) {
        bounds = valueRange(cb, expr, last);
      } else if (!evaluate(expr, SmallVector<int64_t>(numLoops, 0))) {
        continue; // (a symbol, a divisor not above 0: nothing to bound)
      } else if (llvm::all_of(used, [&](unsigned l) {
                   return getConstantIntValue(range[l]).has_value();
                 })) {
        // (A static loop of no iteration: the op reads nothing.)
        if (llvm::any_of(used, [&](unsigned l) {
              return *getConstantIntValue(range[l]) <= 0;
            }))
          continue;
        // (Folded to constants, the check still waits for the op's other
        // loops: one of run-time size may be empty.)
        if (auto folded = foldedRange(expr, used, range, numLoops))
          bounds = {cb.constant(folded->first), cb.constant(folded->second)};
        else
          bounds = loopRange(cb, expr, used, range, numLoops, someEmpty);
      } else {
        bounds = loopRange(cb, expr, used, range, numLoops, someEmpty);
      }
      // (No range for a map evaluate() refused: none to check against.)
      if (!bounds)
        continue;
      std::string exprText;
      llvm::raw_string_ostream(exprText) << expr;
      Value inside = arith::AndIOp::create(
          cb.b, cb.loc,
          cb.cmp(arith::CmpIPredicate::sge, bounds->first, cb.constant(0)),
          cb.cmp(arith::CmpIPredicate::slt, bounds->second, extent));
      cb.check(arith::OrIOp::create(cb.b, cb.loc, someEmpty, inside), extent,
               dimText + " is {}, but the op " +
                   (op.isDpsInit(&operand) ? "writes" : "reads") + " it at " +
                   exprText + " over its loops, outside [0, that size)");
    }
  }
}

static void checkCast(tensor::CastOp op) {
  auto from = cast<RankedTensorType>(op.getSource().getType());
  auto to = dyn_cast<RankedTensorType>(op.getType());
  if (!to)
    return;
  CheckBuilder cb(op);
  for (int64_t d = 0; d < to.getRank(); ++d) {
    if (!from.isDynamicDim(d) || to.isDynamicDim(d))
      continue;
    Value extent = cb.dim(op.getSource(), d);
    cb.check(cb.cmp(arith::CmpIPredicate::eq, extent,
                    cb.constant(to.getDimSize(d))),
             extent,
             "dimension " + std::to_string(d) + " is {}, but must be " +
                 std::to_string(to.getDimSize(d)));
  }
}

/// size >= 0, offset >= 0, and unless the window is empty both its ends
/// (offset and offset + (size - 1) * stride, the second below the first
/// when the stride is negative) inside [0, extent).
static void checkWindow(CheckBuilder &cb, Value tensor,
                        ArrayRef<OpFoldResult> offsets,
                        ArrayRef<OpFoldResult> sizes,
                        ArrayRef<OpFoldResult> strides, StringRef role) {
  using Cmp = ValueBoundsConstraintSet::ComparisonOperator;
  MLIRContext *ctx = tensor.getContext();
  Variable zeroIndex(OpFoldResult(IntegerAttr::get(IndexType::get(ctx), 0)));
  for (unsigned d = 0; d < offsets.size(); ++d) {
    // offset + (size - 1) * stride < extent, as an affine map when the
    // stride is static.
    std::optional<int64_t> staticStride = getConstantIntValue(strides[d]);
    if (staticStride && *staticStride >= 0 &&
        proves(Variable(sizes[d]), Cmp::GE, zeroIndex) &&
        proves(Variable(offsets[d]), Cmp::GE, zeroIndex) &&
        proves(Variable(AffineMap::get(2, 0,
                                       getAffineDimExpr(0, ctx) +
                                           (getAffineDimExpr(1, ctx) - 1) *
                                               *staticStride),
                        ArrayRef<Variable>{Variable(offsets[d]),
                                           Variable(sizes[d])}),
               Cmp::LT, Variable(tensor, d)))
      continue;
    Value offset = cb.index(offsets[d]), size = cb.index(sizes[d]),
          stride = cb.index(strides[d]);
    Value extent = cb.dim(tensor, d);
    Value zero = cb.constant(0), one = cb.constant(1);
    std::string dim = std::to_string(d);
    if (!proves(Variable(sizes[d]), Cmp::GE, zeroIndex))
      cb.check(cb.cmp(arith::CmpIPredicate::sge, size, zero), size,
               "the slice's size along dimension " + dim +
                   " is {}; it must be >= 0");
    if (!proves(Variable(offsets[d]), Cmp::GE, zeroIndex))
      cb.check(cb.cmp(arith::CmpIPredicate::sge, offset, zero), offset,
               "the slice's offset along dimension " + dim +
                   " is {}; it must be >= 0");
    Value empty = cb.cmp(arith::CmpIPredicate::sle, size, zero);
    Value lastIndex = arith::AddIOp::create(
        cb.b, cb.loc, offset,
        arith::MulIOp::create(cb.b, cb.loc,
                              arith::SubIOp::create(cb.b, cb.loc, size, one),
                              stride));
    Value high = arith::MaxSIOp::create(cb.b, cb.loc, offset, lastIndex);
    cb.check(
        arith::OrIOp::create(cb.b, cb.loc, empty,
                             cb.cmp(arith::CmpIPredicate::slt, high, extent)),
        extent,
        "dimension " + dim + " of the " + role.str() +
            " is {}, too short for the slice taken from it");
    if (staticStride && *staticStride >= 0)
      continue;
    // A negative stride walks down from the offset.
    cb.check(arith::OrIOp::create(
                 cb.b, cb.loc, empty,
                 cb.cmp(arith::CmpIPredicate::sge, lastIndex, zero)),
             lastIndex,
             "the slice along dimension " + dim +
                 " steps (by a negative stride) to index {}, before the "
                 "start of the " +
                 role.str());
  }
}

static void checkExtractSlice(tensor::ExtractSliceOp op) {
  CheckBuilder cb(op);
  checkWindow(cb, op.getSource(), op.getMixedOffsets(), op.getMixedSizes(),
              op.getMixedStrides(), "source");
}

static void checkInsertSlice(tensor::InsertSliceOp op) {
  CheckBuilder cb(op);
  checkWindow(cb, op.getDest(), op.getMixedOffsets(), op.getMixedSizes(),
              op.getMixedStrides(), "destination");
  // The inserted tensor has the window's sizes (its unit dimensions may be
  // dropped: compare only when the ranks agree).
  auto sourceType = op.getSourceType();
  SmallVector<OpFoldResult> sizes = op.getMixedSizes();
  if (sourceType.getRank() != (int64_t)sizes.size())
    return;
  for (int64_t d = 0; d < sourceType.getRank(); ++d) {
    Value extent = cb.dim(op.getSource(), d), want = cb.index(sizes[d]);
    if (isStaticallyEqual(extent, want))
      continue;
    cb.check(cb.cmp(arith::CmpIPredicate::eq, extent, want), extent,
             "dimension " + std::to_string(d) +
                 " of the inserted tensor is {}, but the slice it fills "
                 "differs");
  }
}

/// Whether `cond` holds only where `index` lies in [0, extent): a
/// conjunction that includes `index >= 0` and `index < e` with e provably
/// at most `extent`.
static bool boundsIndex(Value cond, Value index, Value extent) {
  bool lower = false, upper = false;
  SmallVector<Value> terms = {cond};
  while (!terms.empty()) {
    Value term = terms.pop_back_val();
    if (auto both = term.getDefiningOp<arith::AndIOp>()) {
      terms.append({both.getLhs(), both.getRhs()});
      continue;
    }
    auto cmp = term.getDefiningOp<arith::CmpIOp>();
    if (!cmp || cmp.getLhs() != index)
      continue;
    std::optional<int64_t> rhs = getConstantIntValue(cmp.getRhs());
    lower |= cmp.getPredicate() == arith::CmpIPredicate::sge && rhs == 0;
    upper |= cmp.getPredicate() == arith::CmpIPredicate::slt &&
             (isStaticallyEqual(cmp.getRhs(), extent) ||
              proves(Variable(cmp.getRhs()),
                     ValueBoundsConstraintSet::ComparisonOperator::LE,
                     Variable(extent)));
  }
  return lower && upper;
}

/// Whether the IR keeps `index` inside [0, extent) on every run: proven by
/// value bounds (loop indices, sizes), or clamped where a check already
/// guards it (ONNX Gather's select of an in-range index, seq.embedding's
/// max(min(...)) of a checked one).
static bool isIndexInBounds(Value index, Value extent) {
  using Cmp = ValueBoundsConstraintSet::ComparisonOperator;
  MLIRContext *ctx = index.getContext();
  Variable zero(OpFoldResult(IntegerAttr::get(IndexType::get(ctx), 0)));
  auto inBounds = [&](Value v) {
    return proves(Variable(v), Cmp::GE, zero) &&
           proves(Variable(v), Cmp::LT, Variable(extent));
  };
  if (auto select = index.getDefiningOp<arith::SelectOp>())
    return boundsIndex(select.getCondition(), select.getTrueValue(), extent) &&
           inBounds(select.getFalseValue());
  if (auto min = index.getDefiningOp<arith::MinSIOp>()) {
    for (auto [inner, upper] : {std::pair(min.getLhs(), min.getRhs()),
                                std::pair(min.getRhs(), min.getLhs())}) {
      auto max = inner.getDefiningOp<arith::MaxSIOp>();
      if (max &&
          (matchPattern(max.getRhs(), m_Zero()) ||
           matchPattern(max.getLhs(), m_Zero())) &&
          inBounds(upper))
        return true;
    }
  }
  return inBounds(index);
}

/// tensor.extract / tensor.insert at `indices` of `tensor`: each index that
/// the IR does not keep in bounds (one read from data: a gather written in
/// a linalg body) gets a value check, and the access runs only when all are
/// in range (else the extract yields 0, the insert its destination), so
/// nothing outside the buffer is touched while the run fails.
static void checkElementIndices(Operation *op, Value tensor,
                                ValueRange indices) {
  CheckBuilder cb(op);
  // The extents of a tensor defined outside the linalg body the access is
  // in are read outside it.
  OpBuilder outside(op);
  Operation *body = op->getParentOfType<linalg::LinalgOp>();
  while (body && body->getParentOfType<linalg::LinalgOp>())
    body = body->getParentOfType<linalg::LinalgOp>();
  if (body && !body->isAncestor(tensor.getParentBlock()->getParentOp()))
    outside.setInsertionPoint(body);
  auto type = cast<RankedTensorType>(tensor.getType());
  Value all;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    Value index = indices[d];
    Value extent =
        type.isDynamicDim(d)
            ? tensor::DimOp::create(outside, cb.loc, tensor, d).getResult()
            : arith::ConstantIndexOp::create(outside, cb.loc,
                                             type.getDimSize(d))
                  .getResult();
    if (isIndexInBounds(index, extent))
      continue;
    Value inRange = arith::AndIOp::create(
        cb.b, cb.loc, cb.cmp(arith::CmpIPredicate::sge, index, cb.constant(0)),
        cb.cmp(arith::CmpIPredicate::slt, index, extent));
    std::optional<int64_t> size = getConstantIntValue(extent);
    createCheck(cb.b, cb.loc, inRange, index,
                cb.where + ": index {} is out of range for dimension " +
                    std::to_string(d) + " of size " +
                    (size ? std::to_string(*size) : "set at run time"),
                CheckKind::value);
    all = all ? arith::AndIOp::create(cb.b, cb.loc, all, inRange).getResult()
              : inRange;
  }
  if (!all)
    return;
  Value otherwise;
  if (auto insert = dyn_cast<tensor::InsertOp>(op)) {
    otherwise = insert.getDest();
  } else {
    auto zero = dyn_cast<TypedAttr>(cb.b.getZeroAttr(type.getElementType()));
    if (!zero)
      return; // (an element type without a zero: the check still fails the run)
    otherwise = arith::ConstantOp::create(cb.b, cb.loc, zero);
  }
  auto guarded = scf::IfOp::create(cb.b, cb.loc, op->getResultTypes(), all,
                                   /*addThenBlock=*/true,
                                   /*addElseBlock=*/true);
  op->replaceAllUsesWith(guarded.getResults());
  op->moveBefore(guarded.thenBlock(), guarded.thenBlock()->end());
  OpBuilder thenBuilder = OpBuilder::atBlockEnd(guarded.thenBlock());
  scf::YieldOp::create(thenBuilder, cb.loc, op->getResults());
  OpBuilder elseBuilder = OpBuilder::atBlockEnd(guarded.elseBlock());
  scf::YieldOp::create(elseBuilder, cb.loc, otherwise);
}

/// An integer division or remainder a .mlir model wrote: a divisor of 0
/// (and INT_MIN / -1, signed) traps on the CPU, so each gets a value check
/// and the op divides by 1 instead while the run fails.
static void checkDivision(Operation *op) {
  Value lhs = op->getOperand(0), rhs = op->getOperand(1);
  Type type = rhs.getType();
  if (!type.isIntOrIndex())
    return; // (on whole tensors: made elementwise before this pass runs)
  CheckBuilder cb(op);
  auto cst = [&](const APInt &v) -> Value {
    return arith::ConstantOp::create(cb.b, cb.loc, type,
                                     cb.b.getIntegerAttr(type, v));
  };
  unsigned width = type.isIndex() ? IndexType::kInternalStorageBitWidth
                                  : type.getIntOrFloatBitWidth();
  Value zero = cst(APInt(width, 0)), one = cst(APInt(width, 1));
  Value ok = cb.cmp(arith::CmpIPredicate::ne, rhs, zero);
  createCheck(cb.b, cb.loc, ok, rhs,
              cb.where + ": integer division or remainder by zero (divisor "
                         "{})",
              CheckKind::value);
  if (isa<arith::DivSIOp, arith::RemSIOp, arith::CeilDivSIOp,
          arith::FloorDivSIOp>(op)) {
    Value overflow = arith::AndIOp::create(
        cb.b, cb.loc,
        cb.cmp(arith::CmpIPredicate::eq, lhs,
               cst(APInt::getSignedMinValue(width))),
        cb.cmp(arith::CmpIPredicate::eq, rhs, cst(APInt::getAllOnes(width))));
    Value fits = arith::XOrIOp::create(
        cb.b, cb.loc, overflow,
        arith::ConstantOp::create(cb.b, cb.loc, cb.b.getBoolAttr(true)));
    createCheck(cb.b, cb.loc, fits, lhs,
                cb.where + ": signed integer division of {} by -1 "
                           "overflows",
                CheckKind::value);
    ok = arith::AndIOp::create(cb.b, cb.loc, ok, fits);
  }
  op->setOperand(1, arith::SelectOp::create(cb.b, cb.loc, ok, rhs, one));
}

/// tensor.pad: each amount read at run time is non-negative (a negative
/// one would crop, which the lowering does not do).
static void checkPad(tensor::PadOp op) {
  CheckBuilder cb(op);
  for (auto [side, amounts] : {std::pair("low", op.getMixedLowPad()),
                               std::pair("high", op.getMixedHighPad())})
    for (auto [d, amount] : llvm::enumerate(amounts)) {
      if (getConstantIntValue(amount))
        continue;
      Value value = cb.index(amount);
      cb.check(cb.cmp(arith::CmpIPredicate::sge, value, cb.constant(0)), value,
               std::string(side) + " padding of dimension " +
                   std::to_string(d) + " is {}; it must be >= 0");
    }
}

/// The product of `sizes` (index values) as an index, and whether it is
/// exact (see createExactProduct).
static std::pair<Value, Value> exactProduct(CheckBuilder &cb,
                                            ArrayRef<Value> sizes) {
  Value one = arith::ConstantIntOp::create(cb.b, cb.loc, cb.b.getI64Type(), 1);
  auto [product, ok] =
      seqc::seq::createExactProduct(cb.b, cb.loc, one, sizes);
  return {arith::IndexCastOp::create(cb.b, cb.loc, cb.b.getIndexType(),
                                     product),
          ok};
}

static void checkExpandShape(tensor::ExpandShapeOp op) {
  CheckBuilder cb(op);
  SmallVector<OpFoldResult> outputs = op.getMixedOutputShape();
  for (auto [d, group] : llvm::enumerate(op.getReassociationIndices())) {
    SmallVector<Value> sizes;
    for (int64_t r : group)
      sizes.push_back(cb.index(outputs[r]));
    auto [product, exact] = exactProduct(cb, sizes);
    Value extent = cb.dim(op.getSrc(), d);
    if (matchPattern(exact, m_One()) && isStaticallyEqual(extent, product))
      continue;
    // The sizes it is split into, run-time ones as '?': a chunked scan's
    // [?, 4] must be a multiple of 4 (Mamba-2's SSD chunks).
    std::string into;
    int64_t fixed = 1, unknown = 0;
    for (int64_t r : group) {
      std::optional<int64_t> size = getConstantIntValue(outputs[r]);
      into += (into.empty() ? "" : ", ") +
              (size ? std::to_string(*size) : std::string("?"));
      fixed *= size.value_or(1);
      unknown += !size;
    }
    std::string multiple =
        unknown == 1 && fixed > 1
            ? ": it must be a multiple of " + std::to_string(fixed)
            : "";
    cb.check(arith::AndIOp::create(
                 cb.b, cb.loc, exact,
                 cb.cmp(arith::CmpIPredicate::eq, extent, product)),
             extent,
             "dimension " + std::to_string(d) +
                 " is {}, which the reshape does not split into its sizes [" +
                 into + "]" + multiple);
  }
}

static void checkReshape(tensor::ReshapeOp op) {
  auto shapeType = cast<RankedTensorType>(op.getShape().getType());
  auto from = cast<RankedTensorType>(op.getSource().getType());
  if (!shapeType.hasStaticShape())
    return;
  CheckBuilder cb(op);
  Value have = cb.constant(1);
  for (int64_t d = 0; d < from.getRank(); ++d)
    have = arith::MulIOp::create(cb.b, cb.loc, have, cb.dim(op.getSource(), d));
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < shapeType.getDimSize(0); ++d) {
    Value size = tensor::ExtractOp::create(
        cb.b, cb.loc, op.getShape(), ValueRange{cb.constant(d)});
    if (!size.getType().isIndex())
      size = arith::IndexCastOp::create(cb.b, cb.loc,
                                        cb.b.getIndexType(), size);
    sizes.push_back(size);
  }
  auto [want, exact] = exactProduct(cb, sizes);
  cb.check(arith::AndIOp::create(cb.b, cb.loc, exact,
                                 cb.cmp(arith::CmpIPredicate::eq, have, want)),
           have,
           "the input has {} elements, but the new shape holds a different "
           "number (or a negative size)");
}

static void checkConcat(tensor::ConcatOp op) {
  CheckBuilder cb(op);
  int64_t axis = op.getDim();
  ValueRange inputs = op.getInputs();
  auto type = cast<RankedTensorType>(op.getType());
  for (int64_t d = 0; d < type.getRank(); ++d) {
    if (d == axis)
      continue;
    Value first = cb.dim(inputs[0], d);
    for (unsigned i = 1; i < inputs.size(); ++i) {
      Value extent = cb.dim(inputs[i], d);
      if (isStaticallyEqual(extent, first))
        continue;
      cb.check(cb.cmp(arith::CmpIPredicate::eq, extent, first), extent,
               "dimension " + std::to_string(d) + " of operand " +
                   std::to_string(i) +
                   " is {}, but must equal that of operand 0");
    }
  }
}

struct InsertShapeChecksPass
    : seqc::impl::InsertShapeChecksPassBase<InsertShapeChecksPass> {
  using Base::Base;
  void runOnOperation() override {
    readExtentsAtSources(getOperation());
    SmallVector<Operation *> ops;
    getOperation()->walk([&](Operation *op) {
      // Ops in a linalg body work on scalars; only their element accesses
      // can leave a buffer.
      // (Only hand-written ones: the lowerings keep their own accesses in
      // bounds by construction, or check and clamp them.)
      if (isa<tensor::ExtractOp, tensor::InsertOp, tensor::PadOp,
              arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
              arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(
              op)) {
        if (op->removeAttr(seqc::seq::kCheckBoundsAttr))
          ops.push_back(op);
        return;
      }
      if (op->getParentOfType<linalg::LinalgOp>())
        return;
      if (isa<linalg::LinalgOp, tensor::CastOp, tensor::ExtractSliceOp,
              tensor::InsertSliceOp, tensor::ExpandShapeOp, tensor::ConcatOp,
              tensor::ReshapeOp>(op))
        ops.push_back(op);
    });
    for (Operation *op : ops)
      llvm::TypeSwitch<Operation *>(op)
          .Case([](linalg::LinalgOp o) { checkLinalgOp(o); })
          .Case([](tensor::CastOp o) { checkCast(o); })
          .Case([](tensor::ExtractSliceOp o) { checkExtractSlice(o); })
          .Case([](tensor::InsertSliceOp o) { checkInsertSlice(o); })
          .Case([](tensor::ExpandShapeOp o) { checkExpandShape(o); })
          .Case([](tensor::ConcatOp o) { checkConcat(o); })
          .Case([](tensor::ReshapeOp o) { checkReshape(o); })
          .Case([](tensor::PadOp o) { checkPad(o); })
          .Case<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
                arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(
              [](Operation *o) { checkDivision(o); })
          .Case([](tensor::ExtractOp o) {
            checkElementIndices(o, o.getTensor(), o.getIndices());
          })
          .Case([](tensor::InsertOp o) {
            checkElementIndices(o, o.getDest(), o.getIndices());
          });
  }
};

} // namespace
