//===- VectorizeRows.cpp - row-wise generics as explicit vector loops ----===//
//
// The elementwise and row-reduction generics around the contractions
// (attention's scale / mask / exp, softmax, norms, activations) reach
// LLVM as scalar loop nests over memref descriptors, and LLVM often leaves
// them scalar: it cannot tell that the buffers do not alias, so a fully
// unrolled row is not SLP-vectorized, and a reduction into y[i] stores and
// reloads y[i] for every element (a store-to-load chain of ~5 cycles per
// element). Here a generic whose innermost loop walks contiguous rows
// becomes loops over its outer dimensions and, along the row, whole
// vectors and one masked vector: inputs indexed by the row loop are vector
// loads, the others one scalar per row broadcast to the lanes, the body's
// ops are applied to vectors, and
//   - with the row loop parallel, the yields are vector stores;
//   - with it a reduction, y[outer] = combine(y, v) is kept in a vector
//     accumulator and reduced across the lanes once per row. Max and min
//     are exact in any order; a sum is reordered only where its addf
//     allows reassociation.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/BufferViews.h"
#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Threads.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/IRMapping.h"

#include <limits>

#define DEBUG_TYPE "seqc-vectorize-rows"

namespace seqc {
#define GEN_PASS_DEF_VECTORIZEROWSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using seqc::baseBuffer;
using seqc::hasUnitInnerStride;

namespace {

/// A reduction's combining op: the op, its lane-reduction kind and the
/// value that leaves every operand unchanged.
struct Combiner {
  Operation *op = nullptr;
  vector::CombiningKind kind;
  double neutral;
};

/// Lane operations an operand read or written element by element counts
/// for (RowEmitter::lanesPerElement).
constexpr int64_t kElementOperandLanes = 4;

/// A generic this pass rewrites.
struct RowGeneric {
  linalg::GenericOp op;
  unsigned rowDim;      // the innermost loop
  bool reduction;       // the row loop is a reduction
  Combiner combiner;    // reduction only
};

/// Whether `map` reads operand `value` with dimensions and constants only,
/// `rowDim` at most once and then last, with unit stride.
bool isRowAccess(AffineMap map, Value value, unsigned rowDim) {
  ArrayRef<AffineExpr> results = map.getResults();
  for (auto [i, e] : llvm::enumerate(results)) {
    if (isa<AffineConstantExpr>(e))
      continue;
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d)
      return false;
    if (d.getPosition() == rowDim && i + 1 != results.size())
      return false;
  }
  if (map.isFunctionOfDim(rowDim) && !hasUnitInnerStride(value))
    return false;
  return true;
}

std::optional<Combiner> matchCombiner(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  if (yield.getNumOperands() != 1)
    return std::nullopt;
  Operation *combine = yield.getOperand(0).getDefiningOp();
  BlockArgument out = body.getArguments().back();
  if (!combine || combine->getBlock() != &body ||
      combine->getNumOperands() != 2 || !combine->hasOneUse() ||
      !out.hasOneUse() ||
      out.getUses().begin()->getOwner() != combine)
    return std::nullopt;
  double inf = std::numeric_limits<double>::infinity();
  if (auto add = dyn_cast<arith::AddFOp>(combine)) {
    // A sum in another order is another sum: only where allowed.
    if (!bitEnumContainsAll(add.getFastmath(), arith::FastMathFlags::reassoc))
      return std::nullopt;
    return Combiner{combine, vector::CombiningKind::ADD, -0.0};
  }
  if (isa<arith::MaximumFOp>(combine))
    return Combiner{combine, vector::CombiningKind::MAXIMUMF, -inf};
  if (isa<arith::MinimumFOp>(combine))
    return Combiner{combine, vector::CombiningKind::MINIMUMF, inf};
  return std::nullopt;
}

std::optional<RowGeneric> match(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumLoops() == 0 ||
      op.getNumDpsInits() == 0)
    return std::nullopt;
  RowGeneric g{op, op.getNumLoops() - 1, false, {}};
  auto iterators = op.getIteratorTypesArray();
  for (unsigned d = 0; d < g.rowDim; ++d)
    if (iterators[d] != utils::IteratorType::parallel)
      return std::nullopt;
  g.reduction = iterators[g.rowDim] == utils::IteratorType::reduction;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || !type.getElementType().isF32() ||
        !isRowAccess(op.getMatchingIndexingMap(&operand), operand.get(),
                     g.rowDim))
      return std::nullopt;
  }
  // The outputs: every loop once (elementwise, the row loop last) or every
  // outer loop once (a reduction into one output).
  for (OpOperand &init : op.getDpsInitsMutable()) {
    AffineMap map = op.getMatchingIndexingMap(&init);
    if (!map.isProjectedPermutation(/*allowZeroInResults=*/false) ||
        map.getNumResults() != op.getNumLoops() - (g.reduction ? 1 : 0) ||
        map.isFunctionOfDim(g.rowDim) == g.reduction)
      return std::nullopt;
  }
  // The body: ops that apply lane by lane, positions, and the combiner.
  if (g.reduction) {
    std::optional<Combiner> combiner =
        op.getNumDpsInits() == 1 ? matchCombiner(op) : std::nullopt;
    if (!combiner)
      return std::nullopt;
    g.combiner = *combiner;
  }
  for (Operation &inner : op.getRegion().front().without_terminator()) {
    if (isa<linalg::IndexOp, arith::ConstantOp>(inner) ||
        &inner == g.combiner.op)
      continue;
    // Masked-off lanes compute on zeros: no op that traps on them.
    if (isa<arith::DivSIOp, arith::DivUIOp, arith::RemSIOp, arith::RemUIOp,
            arith::CeilDivSIOp, arith::CeilDivUIOp, arith::FloorDivSIOp>(
            inner))
      return std::nullopt;
    if (!inner.hasTrait<OpTrait::Vectorizable>() || inner.getNumRegions() ||
        llvm::any_of(inner.getOperandTypes(),
                     [](Type t) { return isa<ShapedType>(t); }))
      return std::nullopt;
  }
  // Vector loads run ahead of the stores of the same step: an output may
  // share memory with an input only element for element (in place), and
  // with no other output. Buffers of their own (allocations, constants)
  // are known apart; two other buffers (arguments) might overlap unseen.
  auto isOwnBuffer = [](Value memref) {
    Operation *def = baseBuffer(memref).getDefiningOp();
    return def && isa<memref::AllocOp, memref::AllocaOp, memref::GetGlobalOp>(
                      def);
  };
  auto mayOverlap = [&](Value a, Value b) {
    return baseBuffer(a) == baseBuffer(b) ||
           (!isOwnBuffer(a) && !isOwnBuffer(b));
  };
  for (OpOperand &init : op.getDpsInitsMutable()) {
    for (OpOperand *input : op.getDpsInputOperands()) {
      bool inPlace = !g.reduction && input->get() == init.get() &&
                     op.getMatchingIndexingMap(input) ==
                         op.getMatchingIndexingMap(&init);
      if (!inPlace && mayOverlap(input->get(), init.get()))
        return std::nullopt;
    }
    for (OpOperand &other : op.getDpsInitsMutable())
      if (other.getOperandNumber() < init.getOperandNumber() &&
          mayOverlap(other.get(), init.get()))
        return std::nullopt;
  }
  return g;
}

/// Emits the loops of one matched generic.
class RowEmitter {
public:
  RowEmitter(OpBuilder &b, RowGeneric g, int64_t width)
      : b(b), loc(g.op.getLoc()), g(g), width(width) {
    auto linalgOp = cast<linalg::LinalgOp>(g.op.getOperation());
    for (Range range : linalgOp.createLoopRanges(b, loc))
      extents.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
    maps = g.op.getIndexingMapsArray();
  }

  void emit() {
    if (g.rowDim == 0)
      return emitRow();
    if (seqc::isInsideParallelLoop(g.op) ||
        !seqc::mayRepayFork(extents, lanesPerElement()))
      return emitOuter(0);
    Value threads = seqc::createThreadCount(b, loc, g.op);
    if (isConstantIntValue(threads, 1))
      return emitOuter(0);
    emitShares(threads);
  }

private:
  Value cst(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  VectorType vectorOf(Type element) {
    return VectorType::get({width}, element);
  }

  void emitOuter(unsigned d) {
    if (d == g.rowDim)
      return emitRow();
    auto loop = scf::ForOp::create(b, loc, cst(0), extents[d], cst(1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    ivs.push_back(loop.getInductionVar());
    emitOuter(d + 1);
    ivs.pop_back();
  }

  /// Lane operations per element: each element runs the body and moves
  /// each operand once; vectorized, 2^17 of them take about as long as the
  /// 2^17 multiply-adds of a GEMM share (Threads.h). An operand read or
  /// written element by element counts as kElementOperandLanes: 4 bytes
  /// through the caches take about as long as 4 lane operations (L2 moves
  /// ~32 bytes a cycle; a core does two 16-lane operations a cycle), so a
  /// copy or a bias broadcast of 2^16 elements (a TCN layer's [64, 1024])
  /// splits over two threads instead of running on one while the other
  /// waits; one read per row (a bias) counts as 1. A transcendental
  /// (exp, tanh, log, erf, ...) counts as the ~16 operations of the
  /// polynomial that seqc-approximate-math expands it into: an LSTM cell
  /// (three sigmoids, two tanh) is ~100 per element, not ~25, and at batch
  /// 32 and H = 256 it splits over two threads (W4 of bench/bench.py).
  int64_t lanesPerElement() {
    constexpr int64_t kMathOpLanes = 16;
    int64_t count = 0;
    for (OpOperand &operand : g.op->getOpOperands())
      count += g.op.getMatchingIndexingMap(&operand).isFunctionOfDim(g.rowDim)
                   ? kElementOperandLanes
                   : 1;
    for (Operation &inner : g.op.getRegion().front().without_terminator()) {
      if (isa<linalg::IndexOp, arith::ConstantOp>(inner))
        continue;
      count += isa<math::ExpOp, math::Exp2Op, math::ExpM1Op, math::LogOp,
                   math::Log1pOp, math::Log2Op, math::Log10Op, math::TanhOp,
                   math::SinOp, math::CosOp, math::TanOp, math::ErfOp,
                   math::AtanOp, math::Atan2Op, math::PowFOp>(inner)
                   ? kMathOpLanes
                   : 1;
    }
    return count;
  }

  /// The outer loops as one flat range of rows, split into at most
  /// `threads` contiguous shares (a loop marked kParallelLoopAttr) when the
  /// work repays a fork, else one share: the serial loop.
  void emitShares(Value threads) {
    Value rows = extents[0];
    for (unsigned d = 1; d < g.rowDim; ++d)
      rows = arith::MulIOp::create(b, loc, rows, extents[d]);
    Value work = arith::MulIOp::create(
        b, loc, arith::MulIOp::create(b, loc, rows, extents[g.rowDim]),
        cst(lanesPerElement()));
    OpBuilder::InsertionGuard guard(b);
    auto [r0, r1] = seqc::createShareLoop(b, loc, threads, work, rows);
    if (g.rowDim == 1) {
      auto rowLoop = scf::ForOp::create(b, loc, r0, r1, cst(1));
      b.setInsertionPointToStart(rowLoop.getBody());
      ivs.push_back(rowLoop.getInductionVar());
      emitRow();
      ivs.pop_back();
      return;
    }
    // Several outer loops: row r0's indices once, then carried from row to
    // row (the last index steps, a wrap steps the one before), so no row
    // divides.
    // (An empty extent means no rows; it is read as 1 so as not to divide
    // by zero, which traps.)
    SmallVector<Value> first(g.rowDim);
    Value rest = r0;
    for (unsigned d = g.rowDim; d-- > 0;) {
      Value divisor = arith::MaxUIOp::create(b, loc, extents[d], cst(1));
      first[d] = arith::RemUIOp::create(b, loc, rest, divisor);
      rest = arith::DivUIOp::create(b, loc, rest, divisor);
    }
    auto rowLoop = scf::ForOp::create(b, loc, r0, r1, cst(1), first);
    b.setInsertionPointToStart(rowLoop.getBody());
    ivs.assign(rowLoop.getRegionIterArgs().begin(),
               rowLoop.getRegionIterArgs().end());
    emitRow();
    SmallVector<Value> next(g.rowDim);
    Value carry; // the last index always steps
    for (unsigned d = g.rowDim; d-- > 0;) {
      // ivs[d] < extents[d], so only a carried step can reach the extent.
      Value stepped = arith::AddIOp::create(b, loc, ivs[d], cst(1));
      if (carry)
        stepped = arith::SelectOp::create(b, loc, carry, stepped, ivs[d]);
      carry = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, stepped,
                                    extents[d]);
      next[d] = arith::SelectOp::create(b, loc, carry, cst(0), stepped);
    }
    scf::YieldOp::create(b, loc, next);
    ivs.clear();
  }

  /// Indices of operand `operand` with the row loop at `column`.
  SmallVector<Value> indices(OpBuilder &nb, unsigned operand, Value column) {
    SmallVector<Value> result;
    for (AffineExpr e : maps[operand].getResults()) {
      if (auto c = dyn_cast<AffineConstantExpr>(e)) {
        result.push_back(arith::ConstantIndexOp::create(nb, loc, c.getValue()));
        continue;
      }
      unsigned d = cast<AffineDimExpr>(e).getPosition();
      result.push_back(d == g.rowDim ? column : ivs[d]);
    }
    return result;
  }

  /// The row: whole vectors, then one masked vector for the rest.
  void emitRow() {
    // Inputs the row loop does not index: one scalar per row, read before
    // it (LLVM could not hoist the load past the stores), and so only when
    // the row is not empty (a constant index may be out of range then).
    rowInvariant.clear();
    bool readsRowInvariant = llvm::any_of(
        g.op.getDpsInputOperands(), [&](OpOperand *input) {
          return !maps[input->getOperandNumber()].isFunctionOfDim(g.rowDim);
        });
    OpBuilder::InsertionGuard guard(b);
    if (readsRowInvariant) {
      Value nonEmpty = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::sgt, extents[g.rowDim], cst(0));
      auto ifOp = scf::IfOp::create(b, loc, nonEmpty, /*withElse=*/false);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    }
    for (OpOperand *input : g.op.getDpsInputOperands()) {
      unsigned n = input->getOperandNumber();
      if (!maps[n].isFunctionOfDim(g.rowDim))
        rowInvariant.map(
            g.op.getRegion().front().getArgument(n),
            memref::LoadOp::create(b, loc, input->get(),
                                   indices(b, n, Value())));
    }
    Value extent = extents[g.rowDim];
    Value whole = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, extent, cst(width)),
        cst(width));
    SmallVector<Value> init;
    if (g.reduction)
      init.push_back(neutral(b));
    auto loop = scf::ForOp::create(
        b, loc, cst(0), whole, cst(width), init,
        [&](OpBuilder &nb, Location, Value column, ValueRange acc) {
          scf::YieldOp::create(nb, loc, emitStep(nb, column, Value(), acc));
        });
    Value rest = arith::SubIOp::create(b, loc, extent, whole);
    Value mask =
        vector::CreateMaskOp::create(b, loc, vectorOf(b.getI1Type()), rest);
    SmallVector<Value> acc =
        emitStep(b, whole, mask, ValueRange(loop.getResults()));
    if (!g.reduction)
      return;
    // y = combine(y, the lanes combined).
    Value lanes = vector::ReductionOp::create(
        b, loc, g.combiner.kind, acc.front(), Value(),
        arith::FastMathFlags::reassoc);
    unsigned out = g.op->getNumOperands() - 1;
    Value y = g.op.getDpsInits()[0];
    SmallVector<Value> idx = indices(b, out, Value());
    Value old = memref::LoadOp::create(b, loc, y, idx);
    // Operand order does not matter for these combiners.
    Operation *combined =
        b.create(loc, g.combiner.op->getName().getIdentifier(),
                 ValueRange{old, lanes}, {old.getType()},
                 g.combiner.op->getAttrs());
    memref::StoreOp::create(b, loc, combined->getResult(0), y, idx);
  }

  /// One vector step at `column` (masked when `mask` is set); returns the
  /// new accumulator (reductions) or nothing.
  SmallVector<Value> emitStep(OpBuilder &nb, Value column, Value mask,
                              ValueRange acc) {
    Block &body = g.op.getRegion().front();
    // Lane values: vectors; row-invariant values: scalars.
    IRMapping mapping = rowInvariant;
    for (OpOperand *input : g.op.getDpsInputOperands()) {
      unsigned n = input->getOperandNumber();
      if (!maps[n].isFunctionOfDim(g.rowDim))
        continue;
      SmallVector<Value> idx = indices(nb, n, column);
      Value loaded;
      if (!mask)
        loaded = vector::LoadOp::create(nb, loc, vectorOf(nb.getF32Type()),
                                        input->get(), idx);
      else
        loaded = vector::MaskedLoadOp::create(
            nb, loc, vectorOf(nb.getF32Type()), input->get(), idx, mask,
            zeros(nb));
      mapping.map(body.getArgument(n), loaded);
    }
    if (!g.reduction)
      for (OpOperand &init : g.op.getDpsInitsMutable()) {
        // Read only where the body reads it.
        BlockArgument arg = body.getArgument(init.getOperandNumber());
        if (arg.use_empty())
          continue;
        SmallVector<Value> idx =
            indices(nb, init.getOperandNumber(), column);
        mapping.map(arg, mask ? vector::MaskedLoadOp::create(
                                    nb, loc, vectorOf(nb.getF32Type()),
                                    init.get(), idx, mask, zeros(nb))
                                    .getResult()
                              : vector::LoadOp::create(
                                    nb, loc, vectorOf(nb.getF32Type()),
                                    init.get(), idx)
                                    .getResult());
      }
    for (Operation &inner : body.without_terminator()) {
      if (&inner == g.combiner.op)
        continue;
      if (auto index = dyn_cast<linalg::IndexOp>(inner)) {
        mapping.map(index.getResult(), position(nb, index.getDim(), column));
        continue;
      }
      bool lanes = llvm::any_of(inner.getOperands(), [&](Value v) {
        return isa<VectorType>(mapping.lookupOrDefault(v).getType());
      });
      if (!lanes) {
        nb.clone(inner, mapping);
        continue;
      }
      SmallVector<Value> operands;
      for (Value v : inner.getOperands())
        operands.push_back(broadcast(nb, mapping.lookupOrDefault(v)));
      SmallVector<Type> types;
      for (Type t : inner.getResultTypes())
        types.push_back(vectorOf(t));
      Operation *vectorOp =
          nb.create(loc, inner.getName().getIdentifier(), operands, types,
                    inner.getAttrs());
      mapping.map(inner.getResults(), vectorOp->getResults());
    }
    auto yield = cast<linalg::YieldOp>(body.getTerminator());
    if (g.reduction) {
      // acc = combine(acc, v), masked lanes contributing the neutral value.
      Value rowValue = g.combiner.op->getOperand(0) == body.getArguments().back()
                           ? g.combiner.op->getOperand(1)
                           : g.combiner.op->getOperand(0);
      Value v = broadcast(nb, mapping.lookupOrDefault(rowValue));
      if (mask)
        v = arith::SelectOp::create(nb, loc, mask, v, neutral(nb));
      Operation *combined =
          nb.create(loc, g.combiner.op->getName().getIdentifier(),
                    ValueRange{acc.front(), v}, {acc.front().getType()},
                    g.combiner.op->getAttrs());
      return {combined->getResult(0)};
    }
    for (auto [init, value] :
         llvm::zip(g.op.getDpsInitsMutable(), yield.getOperands())) {
      SmallVector<Value> idx = indices(nb, init.getOperandNumber(), column);
      Value v = broadcast(nb, mapping.lookupOrDefault(value));
      if (mask)
        vector::MaskedStoreOp::create(nb, loc, init.get(), idx, mask, v);
      else
        vector::StoreOp::create(nb, loc, v, init.get(), idx);
    }
    return {};
  }

  /// The combiner's neutral value in every lane.
  Value neutral(OpBuilder &nb) {
    Type element = g.combiner.op->getResult(0).getType();
    return arith::ConstantOp::create(
        nb, loc,
        DenseElementsAttr::get(
            vectorOf(element),
            nb.getFloatAttr(element, g.combiner.neutral).getValue()));
  }

  Value zeros(OpBuilder &nb) {
    return arith::ConstantOp::create(
        nb, loc, DenseElementsAttr::get(vectorOf(nb.getF32Type()), 0.f));
  }

  /// A value as lanes: vectors stay, scalars are broadcast.
  Value broadcast(OpBuilder &nb, Value v) {
    if (isa<VectorType>(v.getType()))
      return v;
    return vector::BroadcastOp::create(nb, loc, vectorOf(v.getType()), v);
  }

  /// linalg.index `d`: the loop index, or along the row column + lane.
  Value position(OpBuilder &nb, unsigned d, Value column) {
    if (d != g.rowDim)
      return ivs[d];
    Value lanes = vector::StepOp::create(nb, loc, vectorOf(nb.getIndexType()));
    return arith::AddIOp::create(nb, loc, broadcast(nb, column), lanes);
  }

  OpBuilder &b;
  Location loc;
  RowGeneric g;
  int64_t width;
  SmallVector<Value> extents, ivs;
  SmallVector<AffineMap> maps;
  /// The row-invariant inputs' block arguments -> this row's scalars.
  IRMapping rowInvariant;
};

struct VectorizeRowsPass
    : seqc::impl::VectorizeRowsPassBase<VectorizeRowsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (vectorWidth < 1) {
      getOperation()->emitError()
          << "seqc-vectorize-rows: vector-width must be >= 1";
      return signalPassFailure();
    }
    // The data-movement named ops are row-wise generics too: a transpose
    // that keeps the innermost dimension in place (attention's head split
    // [T, H, D] -> [H, T, D]), a broadcast, a copy between buffers. As
    // named ops they reach LLVM as scalar loops on one thread.
    SmallVector<linalg::LinalgOp> named;
    getOperation()->walk([&](Operation *op) {
      if (isa<linalg::TransposeOp, linalg::BroadcastOp, linalg::CopyOp>(op))
        named.push_back(cast<linalg::LinalgOp>(op));
    });
    IRRewriter rewriter(&getContext());
    for (linalg::LinalgOp op : named) {
      rewriter.setInsertionPoint(op);
      // A tensor-semantics op stays as it is (match() skips it anyway).
      if (op.hasPureBufferSemantics())
        (void)linalg::generalizeNamedOp(rewriter, op);
    }
    SmallVector<linalg::GenericOp> ops;
    getOperation()->walk([&](linalg::GenericOp op) { ops.push_back(op); });
    for (linalg::GenericOp op : ops) {
      std::optional<RowGeneric> g = match(op);
      if (!g)
        continue;
      OpBuilder b(op);
      RowEmitter(b, *g, vectorWidth).emit();
      op.erase();
    }
  }
};

} // namespace
