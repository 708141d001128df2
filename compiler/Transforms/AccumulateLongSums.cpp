//===- AccumulateLongSums.cpp - long float32 sums in float64 ------------===//
//
// A float32 sum over the time steps of a long sequence (a mean pool,
// InstanceNorm's statistics, a softmax over the keys) loses the low bits
// of its terms once the running sum is large: see the pass description in
// Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

#define DEBUG_TYPE "seqc-accumulate-long-sums"

namespace seqc {
#define GEN_PASS_DEF_ACCUMULATELONGSUMSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Sums of fixed extent shorter than this keep float32 accumulation: the
/// error of n float32 additions grows as n * 2^-24 at worst, 1.2e-4 here,
/// and such sums (a LayerNorm over up to 2047 features, a tile of
/// attention scores) are on the hot paths that vector code sums in several
/// lanes anyway.
constexpr int64_t kLongSum = 2048;

/// The addf that accumulates `op`'s one result (the body yields addf(term,
/// acc) or addf(acc, term), and the accumulator has no other use), or
/// null.
arith::AddFOp accumulation(linalg::GenericOp op) {
  if (op.getNumDpsInits() != 1 || op.getNumReductionLoops() == 0)
    return {};
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  BlockArgument acc = op.getMatchingBlockArgument(op.getDpsInitOperand(0));
  if (!add || add->getBlock() != &body || !acc.hasOneUse() ||
      !add.getResult().hasOneUse() ||
      (add.getLhs() != acc && add.getRhs() != acc))
    return {};
  return add;
}

/// The largest extent loop `d` of `op` can have: its static range, else
/// the closest constant upper bound ValueBounds proves for an input
/// dimension it walks (a tile of attention's keys, min(64, T - j)), else
/// none (the time steps).
std::optional<int64_t> extentBound(linalg::GenericOp op, unsigned d) {
  int64_t range = op.getStaticLoopRanges()[d];
  if (!ShapedType::isDynamic(range))
    return range;
  std::optional<int64_t> best;
  for (OpOperand *in : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(in);
    for (unsigned i = 0; i < map.getNumResults(); ++i) {
      auto dim = dyn_cast<AffineDimExpr>(map.getResult(i));
      if (!dim || dim.getPosition() != d)
        continue;
      // A bounded walk (ValueBounds' cost grows with the slice it visits).
      int visited = 0;
      FailureOr<int64_t> bound = ValueBoundsConstraintSet::computeConstantBound(
          presburger::BoundType::UB,
          ValueBoundsConstraintSet::Variable(in->get(), i),
          [&](Value, std::optional<int64_t>, ValueBoundsConstraintSet &) {
            return ++visited > 64;
          },
          /*closedUB=*/true);
      if (succeeded(bound) && (!best || *bound < *best))
        best = *bound;
    }
  }
  return best;
}

/// Whether `op` sums many elements: a reduction loop of unbounded extent
/// or reduced extents of kLongSum elements or more.
bool isLongSum(linalg::GenericOp op) {
  SmallVector<unsigned> reduced;
  op.getReductionDims(reduced);
  int64_t count = 1;
  for (unsigned d : reduced) {
    std::optional<int64_t> extent = extentBound(op, d);
    if (!extent || *extent >= kLongSum)
      return true;
    // (Both below kLongSum: no overflow.)
    count *= std::max<int64_t>(*extent, 0);
    if (count >= kLongSum)
      return true;
  }
  return false;
}

/// Whether exactly one input of `op` is read along its reduced loops (a
/// sum of one operand's terms; a contraction reads two).
bool readsOneOperandAlongReduction(linalg::GenericOp op) {
  SmallVector<unsigned> reduced;
  op.getReductionDims(reduced);
  int count = 0;
  for (OpOperand *in : op.getDpsInputOperands()) {
    AffineMap map = op.getMatchingIndexingMap(in);
    if (llvm::any_of(reduced,
                     [&](unsigned d) { return map.isFunctionOfDim(d); }))
      ++count;
  }
  return count == 1;
}

/// An elementwise generic converting `value` (a tensor) to `elementType`
/// with `convert` (extf or truncf).
template <typename ConvertOp>
Value convertElements(OpBuilder &b, Location loc, Value value,
                      Type elementType) {
  auto type = cast<RankedTensorType>(value.getType());
  Value init = tensor::EmptyOp::create(
      b, loc, tensor::getMixedSizes(b, loc, value), elementType);
  int64_t rank = type.getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, ValueRange{value},
             ValueRange{init}, ArrayRef<AffineMap>{identity, identity},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &nb, Location l, ValueRange args) {
               linalg::YieldOp::create(
                   nb, l,
                   ConvertOp::create(nb, l, elementType, args[0]).getResult());
             })
      .getResult(0);
}

/// The float64 initial value of a float32 accumulator: a fill of a
/// constant is a fill of the extended constant, anything else extended
/// element by element.
Value extendedInit(OpBuilder &b, Location loc, Value init, Type f64) {
  if (auto fill = init.getDefiningOp<linalg::FillOp>()) {
    Value empty = tensor::EmptyOp::create(
        b, loc, tensor::getMixedSizes(b, loc, init), f64);
    Value value = arith::ExtFOp::create(b, loc, f64, fill.value());
    return linalg::FillOp::create(b, loc, value, empty).getResult(0);
  }
  return convertElements<arith::ExtFOp>(b, loc, init, f64);
}

void accumulateInF64(linalg::GenericOp op, arith::AddFOp add) {
  OpBuilder b(op);
  Location loc = op.getLoc();
  Type f64 = b.getF64Type();
  Value init = op.getDpsInitOperand(0)->get();
  Value init64 = extendedInit(b, loc, init, f64);
  Block &body = op.getRegion().front();
  BlockArgument acc = op.getMatchingBlockArgument(op.getDpsInitOperand(0));
  Value term = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  auto wide = linalg::GenericOp::create(
      b, loc, TypeRange{init64.getType()}, op.getDpsInputs(),
      ValueRange{init64}, op.getIndexingMapsArray(), op.getIteratorTypesArray(),
      [&](OpBuilder &nb, Location l, ValueRange args) {
        // The body as it was up to the term (in float32), then the
        // extended term added to the float64 accumulator.
        IRMapping map;
        for (auto [old, now] : llvm::zip(body.getArguments(), args))
          map.map(old, now);
        for (Operation &inner : body.without_terminator())
          if (&inner != add.getOperation())
            nb.clone(inner, map);
        Value extended =
            arith::ExtFOp::create(nb, l, f64, map.lookupOrDefault(term));
        Value sum = arith::AddFOp::create(nb, l, extended, args.back(),
                                          add.getFastmathAttr());
        linalg::YieldOp::create(nb, l, sum);
      });
  wide->setDiscardableAttrs(op->getDiscardableAttrDictionary());
  Value narrowed = convertElements<arith::TruncFOp>(
      b, loc, wide.getResult(0),
      cast<RankedTensorType>(init.getType()).getElementType());
  op.getResult(0).replaceAllUsesWith(narrowed);
  op.erase();
}

struct AccumulateLongSumsPass
    : seqc::impl::AccumulateLongSumsPassBase<AccumulateLongSumsPass> {
  void runOnOperation() override {
    SmallVector<std::pair<linalg::GenericOp, arith::AddFOp>> sums;
    getOperation()->walk([&](linalg::GenericOp op) {
      if (!op.hasPureTensorSemantics() || op.getNumResults() != 1 ||
          !getElementTypeOrSelf(op.getResult(0).getType()).isF32())
        return;
      arith::AddFOp add = accumulation(op);
      if (add && isLongSum(op) && readsOneOperandAlongReduction(op))
        sums.push_back({op, add});
    });
    for (auto [op, add] : sums)
      accumulateInF64(op, add);
  }
};

} // namespace
