//===- LowerLinearContractions.cpp - y = x W^T as register-tiled dots ---===//
//
// The contraction convert-seq-to-linalg makes of seq.linear (and of every
// input projection) is y[l..., n] += sum_k x[l..., k] * W[n, k]: both
// operands contiguous along k. Left to LLVM it becomes one dot product per
// output element, whose every FMA needs two loads. Here it becomes a tile
// of R rows of x against C rows of W: R * C vector accumulators along k,
// R + C vector loads feeding R * C FMAs per step (4 x 4 with 16 lanes: 8
// loads for 16 FMAs), reduced horizontally once per output element. W keeps
// its [N, K] layout, so constant and run-time weights take the same path.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

namespace seqc {
#define GEN_PASS_DEF_LOWERLINEARCONTRACTIONSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc;

namespace {

/// The marked contraction, on buffers: x [l..., K], w [N, K], y [l..., N].
struct Contraction {
  Value x, w, y;
  int64_t leadingRank;
};

bool hasUnitInnerStride(Value memref) {
  auto type = cast<MemRefType>(memref.getType());
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)))
    return false;
  return !strides.empty() && strides.back() == 1;
}

std::optional<Contraction> match(linalg::GenericOp op) {
  if (!op->hasAttr("seq.linear") || !op.hasPureBufferSemantics() ||
      op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1)
    return std::nullopt;
  Contraction c{op.getDpsInputs()[0], op.getDpsInputs()[1],
                op.getDpsInits()[0], 0};
  auto xType = dyn_cast<MemRefType>(c.x.getType());
  auto wType = dyn_cast<MemRefType>(c.w.getType());
  if (!xType || !wType || !xType.getElementType().isF32() ||
      !wType.getElementType().isF32() || wType.getRank() != 2 ||
      !hasUnitInnerStride(c.x) || !hasUnitInnerStride(c.w))
    return std::nullopt;
  c.leadingRank = xType.getRank() - 1;
  return c;
}

/// Emits the loops for one contraction. `width` is the vector length.
class TileEmitter {
public:
  TileEmitter(OpBuilder &b, Location loc, const Contraction &c, int64_t width)
      : b(b), loc(loc), c(c), width(width) {
    Value one = cst(1);
    rows = one;
    for (int64_t d = 0; d < c.leadingRank; ++d) {
      Value extent = memref::DimOp::create(b, loc, c.x, d);
      leading.push_back(extent);
      rows = arith::MulIOp::create(b, loc, rows, extent);
    }
    cols = memref::DimOp::create(b, loc, c.w, 0);
    depth = memref::DimOp::create(b, loc, c.w, 1);
    vecType = VectorType::get({width}, b.getF32Type());
    maskType = VectorType::get({width}, b.getI1Type());
  }

  /// Rows in tiles of `rowTile` (then one by one), columns likewise.
  void emit(int64_t rowTile, int64_t colTile) {
    forTiles(rows, rowTile, [&](Value m, int64_t r) {
      forTiles(cols, colTile, [&](Value n, int64_t cTile) {
        emitTile(m, r, n, cTile);
      });
    });
  }

private:
  Value cst(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  /// Calls body(start, tile) over [0, extent) in whole tiles of `tile`, then
  /// body(start, 1) over the rest.
  void forTiles(Value extent, int64_t tile,
                function_ref<void(Value, int64_t)> body) {
    Value main = arith::MulIOp::create(
        b, loc, arith::DivUIOp::create(b, loc, extent, cst(tile)), cst(tile));
    auto loop = [&](Value lo, Value hi, int64_t step) {
      auto forOp = scf::ForOp::create(b, loc, lo, hi, cst(step));
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(forOp.getBody());
      body(forOp.getInductionVar(), step);
    };
    loop(cst(0), main, tile);
    if (tile != 1)
      loop(main, extent, 1);
  }

  /// Indices of x's (and y's) leading dims for flat row `m`.
  SmallVector<Value> rowIndices(Value m) {
    if (c.leadingRank == 0)
      return {};
    auto delin = affine::AffineDelinearizeIndexOp::create(b, loc, m, leading);
    return SmallVector<Value>(delin.getResults());
  }

  /// y[m .. m+R, n .. n+C] += x[m.., :] . w[n.., :]
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
      for (Value row : wRows)
        ws.push_back(load(c.w, {row}));
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
      for (int64_t j = 0; j < cTile; ++j) {
        Value sum = vector::ReductionOp::create(
            b, loc, vector::CombiningKind::ADD, acc[i * cTile + j], Value(),
            arith::FastMathFlags::reassoc);
        SmallVector<Value> idx(xRows[i]);
        idx.push_back(wRows[j]);
        Value old = memref::LoadOp::create(b, loc, c.y, idx);
        memref::StoreOp::create(b, loc, arith::AddFOp::create(b, loc, old, sum),
                                c.y, idx);
      }
  }

  OpBuilder &b;
  Location loc;
  const Contraction &c;
  int64_t width;
  SmallVector<Value> leading;
  Value rows, cols, depth;
  VectorType vecType, maskType;
};

struct LowerLinearContractionsPass
    : seqc::impl::LowerLinearContractionsPassBase<LowerLinearContractionsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (vectorWidth < 1) {
      getOperation()->emitError()
          << "seqc-lower-linear-contractions: vector-width must be >= 1";
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
