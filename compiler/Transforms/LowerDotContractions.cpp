//===- LowerDotContractions.cpp - dot contractions as register tiles ----===//
//
// The contractions convert-seq-to-linalg makes of seq.linear (every linear
// layer and input projection) and of attention's q k^T are
// y[l..., n] += sum_k x[l..., k] * w[p..., n, k]: both operands contiguous
// along k. Left to LLVM they become one dot product per output element,
// whose every FMA needs two loads. Here they become tiles of R rows of x
// against C rows of w: R * C vector accumulators along k, R + C vector
// loads feeding R * C FMAs per step (4 x 4 with 16 lanes: 8 loads for 16
// FMAs), reduced horizontally once per output element. w keeps its
// layout, so constant weights and run-time keys take the same path.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/BufferViews.h"
#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#define DEBUG_TYPE "seqc-lower-dot-contractions"

namespace seqc {
#define GEN_PASS_DEF_LOWERDOTCONTRACTIONSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using seqc::baseBuffer;
using seqc::hasUnitInnerStride;
using namespace seqc;

namespace {

/// The marked contraction, on buffers: y[l..., n] += sum_k x[l..., k] *
/// w[p..., n, k], where w's leading indices p are functions of l's outer
/// dimensions only (none for a linear layer; (b, h / G) for attention's
/// q k^T, whose l is (b, h, i)).
struct Contraction {
  Value x, w, y;
  int64_t leadingRank;
  /// w's leading results as functions of the loop dimensions.
  SmallVector<AffineExpr> wPrefix;
  unsigned numLoops;
};

std::optional<Contraction> match(linalg::GenericOp op) {
  if (!op->hasAttr("seq.contraction") || !op.hasPureBufferSemantics() ||
      op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return std::nullopt;
  Contraction c{op.getDpsInputs()[0], op.getDpsInputs()[1],
                op.getDpsInits()[0], 0, {}, op.getNumLoops()};
  auto xType = dyn_cast<MemRefType>(c.x.getType());
  auto wType = dyn_cast<MemRefType>(c.w.getType());
  if (!xType || !wType || !xType.getElementType().isF32() ||
      !wType.getElementType().isF32() || wType.getRank() < 2 ||
      !hasUnitInnerStride(c.x) || !hasUnitInnerStride(c.w))
    return std::nullopt;
  // Loops (l..., n, k): x (l..., k), w (p(l outer)..., n, k), y (l..., n).
  unsigned loops = op.getNumLoops();
  c.leadingRank = loops - 2;
  SmallVector<AffineMap> maps = op.getIndexingMapsArray();
  MLIRContext *ctx = op.getContext();
  auto dim = [&](unsigned d) { return getAffineDimExpr(d, ctx); };
  SmallVector<AffineExpr> xExprs, yExprs;
  for (int64_t d = 0; d < c.leadingRank; ++d) {
    xExprs.push_back(dim(d));
    yExprs.push_back(dim(d));
  }
  xExprs.push_back(dim(loops - 1));
  yExprs.push_back(dim(loops - 2));
  if (maps[0] != AffineMap::get(loops, 0, xExprs, ctx) ||
      maps[2] != AffineMap::get(loops, 0, yExprs, ctx))
    return std::nullopt;
  ArrayRef<AffineExpr> wExprs = maps[1].getResults();
  if (wExprs.size() < 2 || wExprs.take_back(2)[0] != dim(loops - 2) ||
      wExprs.back() != dim(loops - 1))
    return std::nullopt;
  for (AffineExpr e : wExprs.drop_back(2))
    for (int64_t d = c.leadingRank - 1; d < loops; ++d)
      if (e.isFunctionOfDim(d))
        return std::nullopt;
  c.wPrefix.assign(wExprs.begin(), wExprs.end() - 2);
  return c;
}

/// f32 elements of w per cache block: 128 KiB, a quarter to an eighth of
/// the L2 of the x86 cores seqc targets (512 KiB - 2 MiB), which leaves
/// room for the rows of x and y passing through.
constexpr int64_t kBlockFloats = 32 * 1024;

/// Emits the loops for one contraction. `width` is the vector length.
class TileEmitter {
public:
  TileEmitter(OpBuilder &b, Location loc, const Contraction &c, int64_t width)
      : b(b), loc(loc), c(c), width(width) {
    for (int64_t d = 0; d < c.leadingRank; ++d)
      leading.push_back(memref::DimOp::create(b, loc, c.x, d));
    cols = memref::DimOp::create(b, loc, c.w, c.wPrefix.size());
    depth = memref::DimOp::create(b, loc, c.w, c.wPrefix.size() + 1);
    vecType = VectorType::get({width}, b.getF32Type());
    maskType = VectorType::get({width}, b.getI1Type());
  }

  /// Tiles of `rowTile` rows (then one by one) by `colTile` columns
  /// (likewise). A w shared by all rows (a linear layer): rows are x's
  /// leading dimensions flattened. A w per outer index (attention): a loop
  /// per outer index, rows along the innermost leading dimension.
  void emit(int64_t rowTile, int64_t colTile) {
    if (c.wPrefix.empty()) {
      Value rows = cst(1);
      for (Value extent : leading)
        rows = arith::MulIOp::create(b, loc, rows, extent);
      emitRows(rows, rowTile, colTile);
      return;
    }
    emitOuter(0, rowTile, colTile);
  }

private:
  Value cst(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  /// One loop per outer leading dimension, then the rows of the last.
  void emitOuter(int64_t d, int64_t rowTile, int64_t colTile) {
    if (d == c.leadingRank - 1) {
      // w's leading indices for this outer index.
      wIndex.clear();
      SmallVector<Value> operands(outer);
      operands.resize(c.numLoops, cst(0));
      for (AffineExpr e : c.wPrefix)
        wIndex.push_back(affine::AffineApplyOp::create(
            b, loc, AffineMap::get(c.numLoops, 0, e), operands));
      emitRows(leading.back(), rowTile, colTile);
      return;
    }
    auto loop = scf::ForOp::create(b, loc, cst(0), leading[d], cst(1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    outer.push_back(loop.getInductionVar());
    emitOuter(d + 1, rowTile, colTile);
    outer.pop_back();
  }

  /// Blocks of w's rows small enough to stay in the L2 cache while every
  /// row tile of x passes over them (else all of w streams from memory
  /// once per row tile), then the row tiles, then the column tiles.
  void emitRows(Value rows, int64_t rowTile, int64_t colTile) {
    Value block = arith::MaxUIOp::create(
        b, loc, cst(colTile),
        arith::MulIOp::create(
            b, loc,
            arith::DivUIOp::create(
                b, loc,
                arith::DivUIOp::create(
                    b, loc, cst(kBlockFloats),
                    arith::MaxUIOp::create(b, loc, depth, cst(1))),
                cst(colTile)),
            cst(colTile)));
    auto blocks = scf::ForOp::create(b, loc, cst(0), cols, block);
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(blocks.getBody());
    Value first = blocks.getInductionVar();
    Value last = arith::MinUIOp::create(
        b, loc, cols, arith::AddIOp::create(b, loc, first, block));
    forTiles(cst(0), rows, rowTile, [&](Value m, int64_t r) {
      forTiles(first, last, colTile, [&](Value n, int64_t cTile) {
        emitTile(m, r, n, cTile);
      });
    });
  }

  /// Calls body(start, tile) over [lo, hi) in whole tiles of `tile`, then
  /// body(start, 1) over the rest.
  void forTiles(Value lo, Value hi, int64_t tile,
                function_ref<void(Value, int64_t)> body) {
    Value extent = arith::SubIOp::create(b, loc, hi, lo);
    Value main = arith::AddIOp::create(
        b, loc, lo,
        arith::MulIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, extent, cst(tile)),
            cst(tile)));
    auto loop = [&](Value from, Value to, int64_t step) {
      auto forOp = scf::ForOp::create(b, loc, from, to, cst(step));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(forOp.getBody());
      body(forOp.getInductionVar(), step);
    };
    loop(lo, main, tile);
    if (tile != 1)
      loop(main, hi, 1);
  }

  /// Indices of x's (and y's) leading dims for row `m`.
  SmallVector<Value> rowIndices(Value m) {
    if (c.leadingRank == 0)
      return {};
    if (!c.wPrefix.empty()) {
      SmallVector<Value> idx(outer);
      idx.push_back(m);
      return idx;
    }
    auto delin = affine::AffineDelinearizeIndexOp::create(b, loc, m, leading);
    return SmallVector<Value>(delin.getResults());
  }

  /// y[m .. m+R, n .. n+C] += x[m.., :] . w[.., n.., :]
  void emitTile(Value m, int64_t r, Value n, int64_t cTile) {
    SmallVector<SmallVector<Value>> xRows;
    for (int64_t i = 0; i < r; ++i) {
      Value row = arith::AddIOp::create(b, loc, m, cst(i));
      xRows.push_back(rowIndices(row));
    }
    SmallVector<Value> wRows;
    for (int64_t j = 0; j < cTile; ++j)
      wRows.push_back(arith::AddIOp::create(b, loc, n, cst(j)));

    Value zero = arith::ConstantOp::create(b, loc, DenseElementsAttr::get(
                                                       vecType, 0.0f));
    SmallVector<Value> init(r * cTile, zero);
    // Whole vectors of k, then one masked step for the rest.
    Value mainDepth = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, depth, cst(width)),
        cst(width));
    auto step = [&](OpBuilder &nb, Value k, ValueRange acc,
                    Value mask) -> SmallVector<Value> {
      auto load = [&](Value memref, ArrayRef<Value> prefix) -> Value {
        SmallVector<Value> idx(prefix);
        idx.push_back(k);
        if (!mask)
          return vector::LoadOp::create(nb, loc, vecType, memref, idx);
        return vector::MaskedLoadOp::create(nb, loc, vecType, memref, idx,
                                            mask, zero);
      };
      SmallVector<Value> xs, ws;
      for (auto &idx : xRows)
        xs.push_back(load(c.x, idx));
      for (Value row : wRows) {
        SmallVector<Value> idx(wIndex);
        idx.push_back(row);
        ws.push_back(load(c.w, idx));
      }
      SmallVector<Value> next;
      for (int64_t i = 0; i < r; ++i)
        for (int64_t j = 0; j < cTile; ++j)
          next.push_back(vector::FMAOp::create(nb, loc, xs[i], ws[j],
                                               acc[i * cTile + j]));
      return next;
    };
    auto kLoop = scf::ForOp::create(
        b, loc, cst(0), mainDepth, cst(width), init,
        [&](OpBuilder &nb, Location, Value k, ValueRange acc) {
          scf::YieldOp::create(nb, loc, step(nb, k, acc, Value()));
        });
    Value rest = arith::SubIOp::create(b, loc, depth, mainDepth);
    Value mask = vector::CreateMaskOp::create(b, loc, maskType, rest);
    SmallVector<Value> acc = step(b, mainDepth, kLoop.getResults(), mask);

    for (int64_t i = 0; i < r; ++i)
      for (int64_t j0 = 0; j0 < cTile; j0 += 4) {
        // Up to four outputs of row i reduced together.
        SmallVector<Value> group;
        for (int64_t j = j0; j < std::min(cTile, j0 + 4); ++j)
          group.push_back(acc[i * cTile + j]);
        SmallVector<Value> sums = reduceLanes(group);
        for (auto [k, sum] : llvm::enumerate(sums)) {
          SmallVector<Value> idx(xRows[i]);
          idx.push_back(wRows[j0 + k]);
          Value old = memref::LoadOp::create(b, loc, c.y, idx);
          memref::StoreOp::create(
              b, loc, arith::AddFOp::create(b, loc, old, sum), c.y, idx);
        }
      }
  }

  /// The lane sums of up to four accumulators. With 4, 8 or 16 lanes they
  /// are reduced together: two levels of shuffles and adds leave in lane
  /// 4g + k the sum of lanes 4g .. 4g + 3 of accumulator k, and halving
  /// adds fold the groups, so four sums cost what one reduction per
  /// accumulator costs alone (a missing accumulator is a zero vector).
  SmallVector<Value> reduceLanes(ArrayRef<Value> group) {
    auto fast = arith::FastMathFlags::reassoc;
    if (width < 4 || !llvm::isPowerOf2_64(width)) {
      SmallVector<Value> sums;
      for (Value a : group)
        sums.push_back(vector::ReductionOp::create(
            b, loc, vector::CombiningKind::ADD, a, Value(), fast));
      return sums;
    }
    Value zero = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(vecType, 0.0f));
    SmallVector<Value> a(group);
    a.resize(4, zero);
    auto shuffle = [&](Value x, Value y, ArrayRef<int64_t> lanes) {
      return vector::ShuffleOp::create(b, loc, x, y, lanes).getResult();
    };
    // x + y of two shuffles of (u, v), built in this order.
    auto addShuffles = [&](Value u, Value v, ArrayRef<int64_t> first,
                           ArrayRef<int64_t> second) {
      Value x = shuffle(u, v, first);
      Value y = shuffle(u, v, second);
      return arith::AddFOp::create(b, loc, x, y, fast).getResult();
    };
    // Level 1: lane 2t + k = a_k[2t] + a_k[2t + 1] (k = 0, 1 / 2, 3).
    SmallVector<int64_t> even, odd;
    for (int64_t t = 0; t < width; t += 2) {
      even.append({t, width + t});
      odd.append({t + 1, width + t + 1});
    }
    Value p01 = addShuffles(a[0], a[1], even, odd);
    Value p23 = addShuffles(a[2], a[3], even, odd);
    // Level 2: lane 4g + k = sum of lanes 4g .. 4g + 3 of a_k.
    SmallVector<int64_t> low, high;
    for (int64_t g = 0; g < width; g += 4) {
      low.append({g, g + 1, width + g, width + g + 1});
      high.append({g + 2, g + 3, width + g + 2, width + g + 3});
    }
    Value q = addShuffles(p01, p23, low, high);
    // Fold the groups of four.
    for (int64_t lanes = width; lanes > 4; lanes /= 2) {
      auto half = [&](int64_t offset) {
        return vector::ExtractStridedSliceOp::create(
                   b, loc, q, ArrayRef<int64_t>{offset},
                   ArrayRef<int64_t>{lanes / 2}, ArrayRef<int64_t>{1})
            .getResult();
      };
      Value lower = half(0);
      Value upper = half(lanes / 2);
      q = arith::AddFOp::create(b, loc, lower, upper, fast);
    }
    SmallVector<Value> sums;
    for (int64_t k = 0; k < (int64_t)group.size(); ++k)
      sums.push_back(vector::ExtractOp::create(b, loc, q, k));
    return sums;
  }

  OpBuilder &b;
  Location loc;
  const Contraction &c;
  int64_t width;
  SmallVector<Value> leading, outer, wIndex;
  Value cols, depth;
  VectorType vecType, maskType;
};

struct LowerDotContractionsPass
    : seqc::impl::LowerDotContractionsPassBase<LowerDotContractionsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (vectorWidth < 1) {
      getOperation()->emitError()
          << "seqc-lower-dot-contractions: vector-width must be >= 1";
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> ops;
    getOperation()->walk([&](linalg::GenericOp op) { ops.push_back(op); });
    for (linalg::GenericOp op : ops) {
      std::optional<Contraction> c = match(op);
      if (!c)
        continue;
      OpBuilder b(op);
      // 16 accumulators + 8 operands fit 32 vector registers (AVX-512);
      // 9 + 6 fit 16 (AVX2, SSE).
      int64_t tile = vectorWidth >= 16 ? 4 : 3;
      TileEmitter(b, op.getLoc(), *c, vectorWidth).emit(tile, tile);
      op.erase();
    }
  }
};

} // namespace
