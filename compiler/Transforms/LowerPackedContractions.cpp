//===- LowerPackedContractions.cpp - the GEMM microkernel on packed weights
//===//
//
// The linear contractions whose weights seqc-pack-constant-weights packed,
// y[l..., n] += x[l..., k] * packed[n floordiv NR, k, n mod NR], become
// BLIS's loops around an outer-product microkernel (Goto and van de Geijn
// 2008; Van Zee and van de Geijn, "BLIS", 2015):
//
//   for each thread's contiguous share of the panels (seqc.parallel; one
//   share, the whole nest, when the product is small or one thread runs):
//     for each block of kc = 256 steps of k (a panel's kc x NR slice, 64
//     KiB with AVX-512, read from L2):
//       for each block of mc rows of x (mc x kc fits in L2):
//         for each panel j of the share (NR = V vectors of W columns):
//           for each tile of R rows of the block (x's leading dims
//           flattened; the remainder in tiles of 4, 2 and 1 rows):
//             R x V vector accumulators start from y[rows, j*NR ..];
//             for k in the block: load the V vectors of packed[j, k, :]
//               (contiguous: the panel is one stream), broadcast x[row i,
//               k] for each of the R rows, R * V FMAs;
//             store the accumulators to y.
//
// The panel's slice is read from L2 (the first row tile brings it; the
// others find it) by every row tile of the block, the rows of x come from
// L2 one scalar per FMA row, and each FMA needs
// (V + R) / (R * V) loads (7 per 12 with R = 4, V = 3 on AVX2; 10 per 24
// with R = 6, V = 4 on AVX-512) against 2 per FMA for a dot product: the
// kernel is bound by the FMA units. y makes one round trip per k block.
// Columns past N in the last panel are zeros in the packed constant; their
// lanes are masked off when y is read and written.
//
// Every output element sums its products in k order, starting from y, as
// the loop nest does (a k block continues from the y the previous one
// stored); product and sum fuse into an FMA only where the op
// allows contraction. Where the op just before only initialised y (a fill,
// a bias broadcast over the rows), the first k block's accumulators start
// from those values instead of loading them, and that op goes: one pass
// over y in memory fewer, the same sums. Where y was zeroed and is only
// read by `out = a + y` right after (a recurrence step adding its input
// projection to the recurrent product), the sums start from a and are
// stored to out, and the zeroing and the add go: each element is then
// (a + p1) + p2 + ... instead of a + (p1 + p2 + ...), a reassociation
// (as a GEMM with beta = 1 makes), done only where the contraction's sum
// carries `reassoc`.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/AccumulatorStart.h"
#include "compiler/Transforms/BufferViews.h"
#include "compiler/Transforms/ContractionForms.h"
#include "compiler/Transforms/Passes.h"
#include "compiler/Transforms/Threads.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include "llvm/Support/Debug.h"

#define DEBUG_TYPE "seqc-lower-packed-contractions"

namespace seqc {
#define GEN_PASS_DEF_LOWERPACKEDCONTRACTIONSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc;

namespace {

/// A matched op on buffers: x [l..., K], packed [panels, K, NR] (static),
/// y [l..., N].
struct PackedContraction {
  linalg::GenericOp op;
  Value x, packed, y;
  int64_t leadingRank, panels, depth, panelWidth;
  bool fuse;
  /// What the first k block's accumulators start from; results go to
  /// start.out.
  AccumulatorStart start;
};

std::optional<PackedContraction> match(linalg::GenericOp op,
                                       int64_t vectorWidth) {
  if (!op.hasPureBufferSemantics() || op.getNumDpsInputs() != 2 ||
      op.getNumDpsInits() != 1)
    return std::nullopt;
  PackedContraction c{op,
                      op.getDpsInputs()[0],
                      op.getDpsInputs()[1],
                      op.getDpsInits()[0],
                      op.getNumLoops() - 2,
                      0,
                      0,
                      0,
                      false,
                      {}};
  if (op.getNumLoops() < 2 || !isMultiplyAccumulate(op, c.fuse))
    return std::nullopt;
  auto packedType = dyn_cast<MemRefType>(c.packed.getType());
  if (!packedType || packedType.getRank() != 3 ||
      !packedType.hasStaticShape() || !packedType.getLayout().isIdentity())
    return std::nullopt;
  c.panels = packedType.getDimSize(0);
  c.depth = packedType.getDimSize(1);
  c.panelWidth = packedType.getDimSize(2);
  if (c.panelWidth % vectorWidth != 0)
    return std::nullopt;
  for (Value v : {c.x, c.packed, c.y}) {
    auto type = dyn_cast<MemRefType>(v.getType());
    if (!type || !type.getElementType().isF32() || !hasUnitInnerStride(v))
      return std::nullopt;
  }
  // The accumulators hold y while x is read: they must not overlap.
  if (baseBuffer(c.y) == baseBuffer(c.x))
    return std::nullopt;
  int64_t nr = c.panelWidth;
  auto packed = [nr](unsigned loops, AffineExpr n, AffineExpr k) {
    return AffineMap::get(loops, 0, {n.floorDiv(nr), k, n % nr},
                          n.getContext());
  };
  if (!isLinearContraction(op, packed))
    return std::nullopt;
  // With no k steps the nest stores nothing: y keeps what it holds.
  if (c.depth > 0)
    c.start = findAccumulatorStart(op);
  else
    c.start.out = c.y;
  return c;
}

/// Steps of k per k block (BLIS's kc): a panel's slice of kc x NR is
/// read from the L2 by every row tile of the block (64 KiB with AVX-512's
/// 64 columns, 24 KiB with AVX2's 24). Each k block makes one round trip
/// of the y block through the caches, so fewer, deeper blocks pay off
/// more than keeping the slice in the L1 does: the kernel streams the
/// slice at V vectors per R * V FMAs, a third of the L2's bandwidth.
/// Measured against an L1-sized 24 KiB slice (kc = 96 with AVX-512) on a
/// Xeon (Emerald Rapids; 48 KiB L1, 2 MiB L2), one thread: 5-6% less time
/// for W4's and W6's GEMMs (K = 256 and 512: 1-2 k blocks instead of
/// 3-6), 3% for W7's; kc = 512 was no faster. AVX2's blocks were 256
/// steps already.
constexpr int64_t kDepthBlock = 256;
/// f32 elements of x's row block (mc x kc): 256 KiB, a quarter to an eighth
/// of the L2 (1-2 MiB), read once per panel (512 KiB measured no faster).
constexpr int64_t kL2Floats = 64 * 1024;

class TileEmitter {
public:
  TileEmitter(OpBuilder &b, Location loc, const PackedContraction &c,
              int64_t width)
      : b(b), loc(loc), c(c), width(width),
        vectors(c.panelWidth / width) {
    for (int64_t d = 0; d < c.leadingRank; ++d)
      leading.push_back(memref::DimOp::create(b, loc, c.x, d));
    cols = memref::DimOp::create(b, loc, c.y, c.leadingRank);
    vecType = VectorType::get({width}, b.getF32Type());
    maskType = VectorType::get({width}, b.getI1Type());
  }

  void emit(int64_t rowTile) {
    Value rows = cst(1);
    for (Value extent : leading)
      rows = arith::MulIOp::create(b, loc, rows, extent);
    int64_t kc = kDepthBlock;
    oneKBlock = c.depth <= kc;
    int64_t mc = std::max<int64_t>(1, kL2Floats / kc / rowTile) * rowTile;
    // Panels [0, whole) hold NR columns of y each; panel `whole`, if it
    // exists, holds the last N mod NR.
    int64_t staticCols =
        cast<MemRefType>(c.y.getType()).getDimSize(c.leadingRank);
    bool mayBePartial =
        ShapedType::isDynamic(staticCols) || staticCols % c.panelWidth != 0;
    Value whole = arith::DivUIOp::create(b, loc, cols, cst(c.panelWidth));
    Value partial = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult,
                                          whole, cst(c.panels));
    Value panels = arith::SelectOp::create(
        b, loc, partial, arith::AddIOp::create(b, loc, whole, cst(1)), whole);
    // BLIS's jc loop split over the threads: each takes a contiguous share
    // of the panels (its own part of W in its own L2) and runs the k and
    // row blocks over it. A product too small to repay a fork stays in one
    // share, which is the serial loop nest.
    Value threads = createThreadCount(b, loc, c.op);
    Value macs = arith::MulIOp::create(
        b, loc, arith::MulIOp::create(b, loc, rows, cols), cst(c.depth));
    OpBuilder::InsertionGuard guard(b);
    // Not a binding: the loops below capture j0 (C++20 only).
    Share share =
        createShareLoop(b, loc, threads, macs, panels, kMinPackedMacsPerThread);
    Value j0 = share.begin, j1 = share.end;
    // The partial panel, if any, is the last: it belongs to the last share.
    Value hasPartial = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt,
                                             j1, whole);
    Value wholeEnd = arith::MinUIOp::create(b, loc, j1, whole);
    loop(cst(0), cst(c.depth), kc, [&](Value k0) {
      Value k1 = arith::MinUIOp::create(
          b, loc, cst(c.depth), arith::AddIOp::create(b, loc, k0, cst(kc)));
      loop(cst(0), rows, mc, [&](Value m0) {
        Value m1 = arith::MinUIOp::create(
            b, loc, rows, arith::AddIOp::create(b, loc, m0, cst(mc)));
        auto panelTiles = [&](Value j, bool masked) {
          forRowTiles(m0, m1, rowTile, [&](Value m, int64_t r) {
            emitTile(m, r, j, k0, k1, masked);
          });
        };
        loop(j0, wholeEnd, 1, [&](Value j) { panelTiles(j, false); });
        // N a static multiple of NR: no partial panel, and no code for one
        // (the share's end is not static, so hasPartial would not fold;
        // its masked tiles were half of a model's GEMM code).
        if (!mayBePartial)
          return;
        auto ifOp = scf::IfOp::create(b, loc, hasPartial, false);
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(&ifOp.getThenRegion().front());
        panelTiles(whole, true);
      });
    });
  }

private:
  Value cst(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }

  void loop(Value lo, Value hi, int64_t step, function_ref<void(Value)> body) {
    auto forOp = scf::ForOp::create(b, loc, lo, hi, cst(step));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(forOp.getBody());
    body(forOp.getInductionVar());
  }

  /// body(m, tile) over [lo, hi) in whole tiles of `tile` rows, then the
  /// rest (fewer than `tile`) in at most one tile each of 4, 2 and 1 rows
  /// (the smaller of them that are below `tile`): a batch of 8 rows is a
  /// tile of 6 and one of 2, not 6 and two single rows, which would load
  /// the panel once per row.
  void forRowTiles(Value lo, Value hi, int64_t tile,
                   function_ref<void(Value, int64_t)> body) {
    Value extent = arith::SubIOp::create(b, loc, hi, lo);
    Value main = arith::AddIOp::create(
        b, loc, lo,
        arith::MulIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, extent, cst(tile)),
            cst(tile)));
    loop(lo, main, tile, [&](Value m) { body(m, tile); });
    Value next = main;
    for (int64_t rest : {4, 2, 1}) {
      if (rest >= tile)
        continue;
      Value fits = arith::CmpIOp::create(
          b, loc, arith::CmpIPredicate::uge,
          arith::SubIOp::create(b, loc, hi, next), cst(rest));
      auto ifOp = scf::IfOp::create(b, loc, fits, false);
      {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPointToStart(&ifOp.getThenRegion().front());
        body(next, rest);
      }
      next = arith::SelectOp::create(
          b, loc, fits, arith::AddIOp::create(b, loc, next, cst(rest)), next);
    }
  }

  /// Indices of x's (and y's) leading dims for flattened row `m`.
  SmallVector<Value> rowIndices(Value m) {
    if (c.leadingRank == 0)
      return {};
    if (c.leadingRank == 1)
      return {m};
    auto delin = affine::AffineDelinearizeIndexOp::create(b, loc, m, leading);
    return SmallVector<Value>(delin.getResults());
  }

  /// y[m .. m+R, j*NR .. (j+1)*NR] += x[m .. m+R, :] * panel j.
  void emitTile(Value m, int64_t rows, Value j, Value k0, Value k1,
                bool partial) {
    SmallVector<SmallVector<Value>> rowIdx;
    for (int64_t i = 0; i < rows; ++i)
      rowIdx.push_back(
          rowIndices(i ? arith::AddIOp::create(b, loc, m, cst(i)).getResult()
                       : m));
    Value n0 = arith::MulIOp::create(b, loc, j, cst(c.panelWidth));
    SmallVector<Value> columns, masks;
    for (int64_t v = 0; v < vectors; ++v) {
      columns.push_back(
          v ? arith::AddIOp::create(b, loc, n0, cst(v * width)).getResult()
            : n0);
      // create_mask clamps: a vector wholly past N gets no lane.
      if (partial)
        masks.push_back(vector::CreateMaskOp::create(
            b, loc, maskType,
            arith::SubIOp::create(b, loc, cols, columns.back()).getResult()));
    }
    auto yIndices = [&](int64_t i, int64_t v) {
      SmallVector<Value> idx(rowIdx[i]);
      idx.push_back(columns[v]);
      return idx;
    };
    Value zeros =
        arith::ConstantOp::create(b, loc, DenseElementsAttr::get(vecType, 0.f));
    auto load = [&](Value buffer, ValueRange indices, int64_t v) -> Value {
      if (partial)
        return vector::MaskedLoadOp::create(b, loc, vecType, buffer, indices,
                                            masks[v], zeros);
      return vector::LoadOp::create(b, loc, vecType, buffer, indices);
    };
    // The accumulators: what y (or out) holds, or, in the first k block,
    // what the replaced ops would have put there.
    auto loadOut = [&]() {
      SmallVector<Value> acc;
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t v = 0; v < vectors; ++v)
          acc.push_back(load(c.start.out, yIndices(i, v), v));
      return acc;
    };
    auto startValues = [&]() {
      SmallVector<Value> acc, bias;
      if (c.start.kind == AccumulatorStart::Kind::Row)
        for (int64_t v = 0; v < vectors; ++v)
          bias.push_back(load(c.start.value, columns[v], v));
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t v = 0; v < vectors; ++v) {
          switch (c.start.kind) {
          case AccumulatorStart::Kind::Scalar:
            acc.push_back(
                vector::BroadcastOp::create(b, loc, vecType, c.start.value));
            break;
          case AccumulatorStart::Kind::Row:
            acc.push_back(bias[v]);
            break;
          case AccumulatorStart::Kind::Sum:
            acc.push_back(load(c.start.value, yIndices(i, v), v));
            break;
          case AccumulatorStart::Kind::Output:
            llvm_unreachable("y is loaded by loadOut");
          }
        }
      return acc;
    };
    SmallVector<Value> acc;
    if (c.start.kind == AccumulatorStart::Kind::Output) {
      acc = loadOut();
    } else if (oneKBlock) {
      acc = startValues();
    } else {
      Value first =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, k0, cst(0));
      auto ifOp = scf::IfOp::create(
          b, loc, SmallVector<Type>(rows * vectors, vecType), first,
          /*addThenBlock=*/true, /*addElseBlock=*/true);
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      scf::YieldOp::create(b, loc, startValues());
      b.setInsertionPointToStart(&ifOp.getElseRegion().front());
      scf::YieldOp::create(b, loc, loadOut());
      acc = SmallVector<Value>(ifOp.getResults());
    }
    auto kLoop = scf::ForOp::create(
        b, loc, k0, k1, cst(1), acc,
        [&](OpBuilder &nb, Location, Value k, ValueRange in) {
          SmallVector<Value> bs, out(in);
          for (int64_t v = 0; v < vectors; ++v)
            bs.push_back(vector::LoadOp::create(
                nb, loc, vecType, c.packed,
                ValueRange{j, k, arith::ConstantIndexOp::create(nb, loc, v * width)}));
          for (int64_t i = 0; i < rows; ++i) {
            SmallVector<Value> idx(rowIdx[i]);
            idx.push_back(k);
            Value a = vector::BroadcastOp::create(
                nb, loc, vecType, memref::LoadOp::create(nb, loc, c.x, idx));
            for (int64_t v = 0; v < vectors; ++v) {
              Value &sum = out[i * vectors + v];
              sum = c.fuse ? vector::FMAOp::create(nb, loc, a, bs[v], sum)
                                 .getResult()
                           : arith::AddFOp::create(
                                 nb, loc, sum,
                                 arith::MulFOp::create(nb, loc, a, bs[v]))
                                 .getResult();
            }
          }
          scf::YieldOp::create(nb, loc, out);
        });
    for (int64_t i = 0; i < rows; ++i)
      for (int64_t v = 0; v < vectors; ++v) {
        Value sum = kLoop.getResult(i * vectors + v);
        if (partial)
          vector::MaskedStoreOp::create(b, loc, c.start.out, yIndices(i, v),
                                        masks[v], sum);
        else
          vector::StoreOp::create(b, loc, sum, c.start.out, yIndices(i, v));
      }
  }

  OpBuilder &b;
  Location loc;
  const PackedContraction &c;
  int64_t width, vectors;
  /// Whether the depth is one k block (k0 is always 0).
  bool oneKBlock = false;
  SmallVector<Value> leading;
  Value cols;
  VectorType vecType, maskType;
};

struct LowerPackedContractionsPass
    : seqc::impl::LowerPackedContractionsPassBase<
          LowerPackedContractionsPass> {
  using Base::Base;
  void runOnOperation() override {
    if (vectorWidth < 1) {
      getOperation()->emitError()
          << "seqc-lower-packed-contractions: vector-width must be >= 1";
      return signalPassFailure();
    }
    SmallVector<linalg::GenericOp> ops;
    getOperation()->walk([&](linalg::GenericOp op) { ops.push_back(op); });
    // The fills, broadcasts and sums a lowering replaces are generics of
    // the list too: they are skipped once erased.
    llvm::SmallPtrSet<Operation *, 8> erased;
    for (linalg::GenericOp op : ops) {
      if (erased.contains(op))
        continue;
      std::optional<PackedContraction> c = match(op, vectorWidth);
      if (!c)
        continue;
      OpBuilder b(op);
      // R * V accumulators, V panel vectors and a broadcast must fit the
      // vector registers: 32 with AVX-512, 16 otherwise.
      int64_t registers = vectorWidth >= 16 ? 32 : 16;
      int64_t vectors = c->panelWidth / vectorWidth;
      // At most 8 rows: the remainder goes in tiles of 4, 2 and 1.
      int64_t rowTile = std::clamp<int64_t>(
          (registers - vectors - 1) / vectors, 1, 8);
      LLVM_DEBUG(llvm::dbgs() << "[" DEBUG_TYPE "] " << op.getLoc()
                              << ": panels of " << c->panelWidth
                              << " columns, tiles of " << rowTile << " rows\n");
      TileEmitter(b, op.getLoc(), *c, vectorWidth).emit(rowTile);
      op.erase();
      for (Operation *replaced : c->start.replaced) {
        erased.insert(replaced);
        replaced->erase();
      }
    }
  }
};

} // namespace
