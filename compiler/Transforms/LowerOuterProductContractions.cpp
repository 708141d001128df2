//===- LowerOuterProductContractions.cpp - broadcast-times-row tiles -----===//
//
// The contractions whose output row is contiguous in the second operand,
// y[..., m, n] += a[... m ...] * b[... , n + s(...)] with n the innermost
// index of y and b and absent from a, and m absent from b: a dilated causal
// conv1d (m = output channel, n = time, reducing over input channel and
// tap) and attention's P V (m = query, n = value column, reducing over
// keys). Left to LLVM, each step of the reduction loads and stores a row of
// y for one FMA per element. Here they become tiles of R values of m by V
// vectors of n: R * V accumulators stay in registers over the whole
// reduction, and each reduction step loads V vectors of b and broadcasts R
// scalars of a (the outer-product microkernel of BLIS-style GEMMs, with b
// read in place: its rows are already contiguous). y is loaded and stored
// once per tile; the n tail uses masked vectors.
//
// The sum keeps its order (the reduction loops run in the op's loop order
// for every output element), and the product and sum fuse into an FMA only
// where the op allows contraction, so the result is the loop nest's.
//
// In a function with a model context, the m extent is split into
// contiguous shares of whole row tiles, one per thread, when the product
// has enough multiply-adds to repay a fork (Threads.h): a conv1d's output
// channels, each share reading its own filters; every output element is
// still computed by one thread in the same order. (Attention's P V runs
// inside the tiled attention's own (batch, head) shares, so it splits only
// in the untiled lowering, attention-tile=0.)
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/BufferViews.h"
#include "compiler/Transforms/ContractionForms.h"
#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Threads.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#define DEBUG_TYPE "seqc-lower-outer-product-contractions"

namespace seqc {
#define GEN_PASS_DEF_LOWEROUTERPRODUCTCONTRACTIONSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using seqc::baseBuffer;
using seqc::hasUnitInnerStride;
using seqc::isMultiplyAccumulate;

namespace {

/// A matched op: which operand is broadcast (a) and which is read as
/// vectors (b), and the roles of its loops.
struct OuterProduct {
  linalg::GenericOp op;
  unsigned a, b; // operand numbers of the inputs
  unsigned m, n; // loop dimensions
  SmallVector<unsigned> outer, reductions;
  bool fuse; // the op allows contracting a * b + y into an FMA
};

/// The tile keeps y in registers over the whole reduction while it reads a
/// and b: y must be a buffer of its own. A fresh allocation that neither
/// input is a view of is one (a function argument could alias anything).
bool outputIsSeparate(linalg::GenericOp op) {
  Value y = baseBuffer(op.getDpsInits()[0]);
  if (!y.getDefiningOp<memref::AllocOp>() &&
      !y.getDefiningOp<memref::AllocaOp>())
    return false;
  return llvm::none_of(op.getDpsInputs(),
                       [&](Value in) { return baseBuffer(in) == y; });
}

/// Whether `expr` is `dim + (an expression without dim)`.
bool isUnitOffsetOf(AffineExpr expr, unsigned dim) {
  if (auto d = dyn_cast<AffineDimExpr>(expr))
    return d.getPosition() == dim;
  auto sum = dyn_cast<AffineBinaryOpExpr>(expr);
  if (!sum || sum.getKind() != AffineExprKind::Add)
    return false;
  AffineExpr lhs = sum.getLHS(), rhs = sum.getRHS();
  return (isUnitOffsetOf(lhs, dim) && !rhs.isFunctionOfDim(dim)) ||
         (isUnitOffsetOf(rhs, dim) && !lhs.isFunctionOfDim(dim));
}

bool usesDim(AffineMap map, unsigned dim) {
  return llvm::any_of(map.getResults(),
                      [&](AffineExpr e) { return e.isFunctionOfDim(dim); });
}

std::optional<OuterProduct> match(linalg::GenericOp op) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1 || op.getNumLoops() < 2)
    return std::nullopt;
  OuterProduct p{op, 0, 1, 0, 0, {}, {}, false};
  if (!isMultiplyAccumulate(op, p.fuse))
    return std::nullopt;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || !type.getElementType().isF32())
      return std::nullopt;
  }
  Value y = op.getDpsInits()[0];
  if (!outputIsSeparate(op) || !hasUnitInnerStride(y))
    return std::nullopt;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  AffineMap yMap = maps[2];
  // y is indexed by the parallel loops, each once; n is its last index.
  if (!yMap.isProjectedPermutation() || yMap.getNumResults() == 0)
    return std::nullopt;
  p.n = cast<AffineDimExpr>(yMap.getResults().back()).getPosition();
  for (unsigned d = 0; d < op.getNumLoops(); ++d) {
    bool parallel =
        op.getIteratorTypesArray()[d] == utils::IteratorType::parallel;
    if (parallel != usesDim(yMap, d))
      return std::nullopt;
    if (!parallel)
      p.reductions.push_back(d);
  }
  if (p.reductions.empty())
    return std::nullopt;
  // b: n + s(...) last, n nowhere else; a: no n.
  auto isVectorOperand = [&](unsigned input) {
    AffineMap map = maps[input];
    if (map.getNumResults() == 0 ||
        !isUnitOffsetOf(map.getResults().back(), p.n) ||
        !hasUnitInnerStride(op.getDpsInputs()[input]))
      return false;
    return llvm::none_of(map.getResults().drop_back(),
                         [&](AffineExpr e) { return e.isFunctionOfDim(p.n); });
  };
  if (isVectorOperand(1) && !usesDim(maps[0], p.n))
    p.a = 0, p.b = 1;
  else if (isVectorOperand(0) && !usesDim(maps[1], p.n))
    p.a = 1, p.b = 0;
  else
    return std::nullopt;
  // m: a parallel loop of y and a, not of b; the innermost such.
  std::optional<unsigned> m;
  for (unsigned d = 0; d < op.getNumLoops(); ++d)
    if (d != p.n && usesDim(yMap, d) && usesDim(maps[p.a], d) &&
        !usesDim(maps[p.b], d))
      m = d;
  if (!m)
    return std::nullopt;
  p.m = *m;
  for (unsigned d = 0; d < op.getNumLoops(); ++d)
    if (d != p.m && d != p.n && usesDim(yMap, d))
      p.outer.push_back(d);
  return p;
}

/// Emits the tiled loops of one matched op.
class TileEmitter {
public:
  TileEmitter(OpBuilder &b, OuterProduct p, int64_t width)
      : b(b), loc(p.op.getLoc()), p(p), width(width),
        zero(arith::ConstantIndexOp::create(b, p.op.getLoc(), 0)),
        // Every index starts at zero: the reduction indices, which do not
        // enter y's indices, keep it outside the reduction loops.
        ivs(p.op.getNumLoops(), zero) {
    auto linalgOp = cast<linalg::LinalgOp>(p.op.getOperation());
    for (Range range : linalgOp.createLoopRanges(b, loc))
      extents.push_back(getValueOrCreateConstantIndexOp(b, loc, range.size));
    vecType = VectorType::get({width}, b.getF32Type());
    maskType = VectorType::get({width}, b.getI1Type());
    maps = p.op.getIndexingMapsArray();
  }

  void emit(int64_t rowTile, int64_t vectorTile) {
    if (seqc::isInsideParallelLoop(p.op) ||
        !seqc::mayRepayFork(extents, /*perIteration=*/1))
      return emitOuter(0, cst(0), extents[p.m], rowTile, vectorTile);
    Value threads = seqc::createThreadCount(b, loc, p.op);
    if (isConstantIntValue(threads, 1))
      return emitOuter(0, cst(0), extents[p.m], rowTile, vectorTile);
    // Shares of whole row tiles (the last one also takes the rest).
    Value macs = cst(1);
    for (Value extent : extents)
      macs = arith::MulIOp::create(b, loc, macs, extent);
    Value tiles = arith::CeilDivUIOp::create(b, loc, extents[p.m],
                                             cst(rowTile));
    OpBuilder::InsertionGuard guard(b);
    auto [t0, t1] = seqc::createShareLoop(b, loc, threads, macs, tiles);
    auto row = [&](Value tile) -> Value {
      return arith::MinUIOp::create(
          b, loc, arith::MulIOp::create(b, loc, tile, cst(rowTile)),
          extents[p.m]);
    };
    Value mBegin = row(t0);
    Value mEnd = row(t1);
    emitOuter(0, mBegin, mEnd, rowTile, vectorTile);
  }

private:
  Value cst(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  /// Calls body(iv) for iv in [lo, hi) step `step`.
  void loop(Value lo, Value hi, int64_t step, function_ref<void(Value)> body) {
    auto forOp = scf::ForOp::create(b, loc, lo, hi, cst(step));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(forOp.getBody());
    body(forOp.getInductionVar());
  }

  /// Whole tiles of `tile` over [lo, hi), then the rest one by one;
  /// body(start, tile) with the tile it covers.
  void forTiles(Value lo, Value hi, int64_t tile,
                function_ref<void(Value, int64_t)> body) {
    Value wholeTiles = arith::DivUIOp::create(
        b, loc, arith::SubIOp::create(b, loc, hi, lo), cst(tile));
    Value main = arith::AddIOp::create(
        b, loc, lo, arith::MulIOp::create(b, loc, wholeTiles, cst(tile)));
    loop(lo, main, tile, [&](Value iv) { body(iv, tile); });
    if (tile != 1)
      loop(main, hi, 1, [&](Value iv) { body(iv, 1); });
  }

  /// The outer loops, then the rows [mBegin, mEnd) of m in tiles.
  void emitOuter(size_t i, Value mBegin, Value mEnd, int64_t rowTile,
                 int64_t vectorTile) {
    if (i < p.outer.size())
      return loop(cst(0), extents[p.outer[i]], 1, [&](Value iv) {
        ivs[p.outer[i]] = iv;
        emitOuter(i + 1, mBegin, mEnd, rowTile, vectorTile);
      });
    forTiles(mBegin, mEnd, rowTile,
             [&](Value m, int64_t rows) { emitRows(m, rows, vectorTile); });
  }

  /// The n extent in tiles of V whole vectors, then single vectors, then
  /// one masked vector for the tail (skipped when there is none).
  void emitRows(Value m, int64_t rows, int64_t vectorTile) {
    Value extent = extents[p.n];
    int64_t span = vectorTile * width;
    Value wide = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, extent, cst(span)), cst(span));
    loop(cst(0), wide, span,
         [&](Value n) { emitTile(m, rows, n, vectorTile, Value()); });
    Value whole = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, extent, cst(width)), cst(width));
    if (vectorTile != 1)
      loop(wide, whole, width, [&](Value n) { emitTile(m, rows, n, 1, {}); });
    Value rest = arith::SubIOp::create(b, loc, extent, whole);
    Value any =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, rest, cst(0));
    auto ifOp = scf::IfOp::create(b, loc, any, /*withElseRegion=*/false);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(&ifOp.getThenRegion().front());
    Value mask = vector::CreateMaskOp::create(b, loc, maskType, rest);
    emitTile(m, rows, whole, 1, mask);
  }

  /// Indices of operand `operand` at the current loop indices.
  SmallVector<Value> indices(unsigned operand) {
    SmallVector<Value> result;
    AffineMap map = maps[operand];
    for (AffineExpr e : map.getResults()) {
      // Most indices are a loop's own (a dim of the map): no affine.apply
      // for the passes before the next canonicalization to carry (a flash
      // attention kernel had ~900 of them).
      if (auto dim = dyn_cast<AffineDimExpr>(e)) {
        result.push_back(ivs[dim.getPosition()]);
        continue;
      }
      result.push_back(affine::AffineApplyOp::create(
          b, loc, AffineMap::get(map.getNumDims(), 0, e), ivs));
    }
    return result;
  }

  Value loadVector(Value memref, ArrayRef<Value> idx, Value mask) {
    if (!mask)
      return vector::LoadOp::create(b, loc, vecType, memref, idx);
    Value zeros =
        arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vecType, 0.f));
    return vector::MaskedLoadOp::create(b, loc, vecType, memref, idx, mask,
                                        zeros);
  }

  void storeVector(Value value, Value memref, ArrayRef<Value> idx, Value mask) {
    if (!mask)
      vector::StoreOp::create(b, loc, value, memref, idx);
    else
      vector::MaskedStoreOp::create(b, loc, memref, idx, mask, value);
  }

  /// y[m .. m+R, n .. n+V*W] += sum over the reductions of
  /// a[m + i] * b[n + v*W ..]: R * V accumulators.
  void emitTile(Value m, int64_t rows, Value n, int64_t vectors, Value mask) {
    Value y = p.op.getDpsInits()[0];
    Value aMem = p.op.getDpsInputs()[p.a], bMem = p.op.getDpsInputs()[p.b];
    auto at = [&](int64_t i, int64_t v) {
      ivs[p.m] = i ? arith::AddIOp::create(b, loc, m, cst(i)).getResult() : m;
      ivs[p.n] =
          v ? arith::AddIOp::create(b, loc, n, cst(v * width)).getResult() : n;
    };
    SmallVector<Value> acc;
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t v = 0; v < vectors; ++v) {
        at(i, v);
        acc.push_back(loadVector(y, indices(2), mask));
      }
    acc = emitReductions(0, acc, [&](ValueRange in) {
      SmallVector<Value> bs, out(in);
      for (int64_t v = 0; v < vectors; ++v) {
        at(0, v);
        bs.push_back(loadVector(bMem, indices(p.b), mask));
      }
      for (int64_t i = 0; i < rows; ++i) {
        at(i, 0);
        Value scalar = memref::LoadOp::create(b, loc, aMem, indices(p.a));
        Value a = vector::BroadcastOp::create(b, loc, vecType, scalar);
        for (int64_t v = 0; v < vectors; ++v) {
          Value &sum = out[i * vectors + v];
          if (p.fuse)
            sum = vector::FMAOp::create(b, loc, a, bs[v], sum);
          else
            sum = arith::AddFOp::create(
                b, loc, sum, arith::MulFOp::create(b, loc, a, bs[v]));
        }
      }
      return out;
    });
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t v = 0; v < vectors; ++v) {
        at(i, v);
        storeVector(acc[i * vectors + v], y, indices(2), mask);
      }
  }

  /// Nested loops over the reduction dimensions (in loop order) carrying
  /// the accumulators; `step` is one reduction step.
  SmallVector<Value>
  emitReductions(size_t r, ValueRange acc,
                 function_ref<SmallVector<Value>(ValueRange)> step) {
    if (r == p.reductions.size())
      return step(acc);
    unsigned dim = p.reductions[r];
    auto forOp = scf::ForOp::create(b, loc, cst(0), extents[dim], cst(1), acc);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(forOp.getBody());
      ivs[dim] = forOp.getInductionVar();
      scf::YieldOp::create(
          b, loc, emitReductions(r + 1, forOp.getRegionIterArgs(), step));
    }
    ivs[dim] = zero;
    return SmallVector<Value>(forOp.getResults());
  }

  OpBuilder &b;
  Location loc;
  OuterProduct p;
  int64_t width;
  Value zero;
  SmallVector<Value> ivs, extents;
  SmallVector<AffineMap> maps;
  VectorType vecType, maskType;
};

struct LowerOuterProductContractionsPass
    : seqc::impl::LowerOuterProductContractionsPassBase<
          LowerOuterProductContractionsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (vectorWidth < 1) {
      getOperation()->emitError()
          << "seqc-lower-outer-product-contractions: vector-width must be >= 1";
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> ops;
    getOperation()->walk([&](linalg::GenericOp op) { ops.push_back(op); });
    for (linalg::GenericOp op : ops) {
      std::optional<OuterProduct> p = match(op);
      if (!p)
        continue;
      OpBuilder b(op);
      // R * V accumulators + V rows of b + 1 broadcast in the vector
      // registers: 4 * 3 + 3 + 1 = 16 (AVX2, SSE), 6 * 4 + 4 + 1 = 29 of
      // 32 (AVX-512). With AVX-512, an m extent known to be a multiple of
      // 4 but not of 6 (a conv1d's 64 output channels) takes tiles of
      // 4 x 4 (16 accumulators still hide the FMA latency; the n tiles
      // stay 64 wide): 6 x 4 would leave 4 rows done one at a time (a
      // quarter of the FMAs per load), and its 11 tiles split over two
      // threads as 5 and 6, 16 as 8 and 8. W8 of bench/bench.py (64
      // channels, T = 1024): 0.50-0.54 ms against 0.54-0.57 on one
      // thread, 0.39 against 0.50-0.54 on two (minimum of 500 runs).
      bool wide = vectorWidth >= 16;
      int64_t m = p->op.getStaticLoopRanges()[p->m];
      bool byFour =
          wide && !ShapedType::isDynamic(m) && m % 6 != 0 && m % 4 == 0;
      TileEmitter(b, *p, vectorWidth)
          .emit(wide ? (byFour ? 4 : 6) : 4, wide ? 4 : 3);
      op.erase();
    }
  }
};

} // namespace
