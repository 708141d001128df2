//===- FlashAttentionToLinalg.cpp - seq.attention as tiles, online softmax ===//
//
// The default lowering of seq.attention (convert-seq-to-linalg's
// attention-tile = T > 0): FlashAttention's tiling and online softmax
// (Dao et al. 2022, "FlashAttention: Fast and Memory-Efficient Exact
// Attention with IO-Awareness", Algorithm 1), on tensors:
//
//   for each thread's contiguous share of the (b, h) pairs (seqc.parallel;
//   one share when the attention is small or one thread runs),
//   for b, h in the share (kv head h / G: GQA and MQA read K and V in place),
//   for each tile of T query rows [i0, i0 + bq):
//     m = -inf, l = 0, acc = 0                      (per row of the tile)
//     for each tile of keys [j0, j0 + bk) that a row of it can see
//     (T keys with packed k, 4T with k read as it is), unless a float mask
//     hides all of it:
//       s    = q_tile k_tile^T * scale + position bias, masked (bq x bk)
//       m'   = max(m, rowmax(s));  alpha = exp(m - m')
//       p    = exp(s - m');        l = l * alpha + rowsum(p)
//       acc  = acc * alpha + p v_tile
//     out[b, h, i0 : i0 + bq] = acc / l (0 where l = 0, NaN with empty_row_nan)
//
// No [Lq, Lk] score matrix exists: the tiles' working set stays in the
// first cache levels. Key tiles wholly outside the causal diagonal or the
// sliding window are not visited (the key loop's bounds are those of the
// tile's first and last rows), so causal attention does about half the
// work. A row that sees no key keeps m = -inf and l = 0 and yields zeros
// (NaN with empty_row_nan), as in the reference lowering. The contractions are
// the ones seqc-lower-outer-product-contractions (p v into a fresh tile, and q
// k^T against packed k) and seqc-lower-dot-contractions (q k^T against k as it
// is, marked seq.contraction) turn into register tiles.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SeqToLinalg/AttentionParts.h"
#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "compiler/Transforms/Threads.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace seqc;
using namespace seqc::attention;

namespace {

using utils::IteratorType;

constexpr double kMinusInfinity = -std::numeric_limits<double>::infinity();

/// Emits the loops for one seq.attention. Values that do not depend on the
/// loops (sizes, scale, the visibility offset) are built once, before them.
class FlashEmitter {
public:
  /// `destination`: the tensor the result is written into (null: a new
  /// one).
  FlashEmitter(OpBuilder &b, seq::AttentionOp op, int64_t tile,
               Value destination)
      : op(op), loc(op.getLoc()), tile(tile), destination(destination) {
    query = op.getQuery();
    key = op.getKey();
    value = op.getValue();
    mask = op.getMask();
    elementType = cast<RankedTensorType>(query.getType()).getElementType();
    auto dim = [&](Value v, int64_t d) {
      return getValueOrCreateConstantIndexOp(b, loc,
                                             seq::getDimSize(b, loc, v, d));
    };
    batch = dim(query, 0);
    heads = dim(query, 1);
    queryLen = dim(query, 2);
    keyLen = dim(key, 2);
    valueDim = dim(value, 3);
    groupSize = cast<RankedTensorType>(query.getType()).getDimSize(1) /
                cast<RankedTensorType>(key.getType()).getDimSize(1);
    scale = createScale(b, loc, op);
    softcap = createSoftcap(b, loc, op);
    visibility = Visibility::get(b, loc, op, queryLen, keyLen);
    slopes = createAlibiSlopes(b, loc, op);
    relativeBias = op.getRelativeBias();
    if (mask)
      maskBroadcast = getMaskBroadcast(op);
  }

  /// The attention result [B, Hq, Lq, Dv] and, with min_row_max, each
  /// row's largest score [B, Hq, Lq] (else null): the loops with k^T when
  /// there are enough query rows to repay transposing k, else with k as it
  /// is (decoding one or a few tokens against a long key/value cache).
  std::pair<Value, Value> emit(OpBuilder &b) {
    // One result tensor, which either loop nest fills.
    SmallVector<Value> outs = {
        destination
            ? destination
            : seq::createEmptyTensor(b, loc,
                                     getAsOpFoldResult(ValueRange{
                                         batch, heads, queryLen, valueDim}),
                                     elementType)};
    if (op.getMinRowMax())
      outs.push_back(seq::createEmptyTensor(
          b, loc, getAsOpFoldResult(ValueRange{batch, heads, queryLen}),
          elementType));
    auto results = [&](ValueRange r) {
      return std::make_pair(r[0], r.size() > 1 ? r[1] : Value());
    };
    auto queryType = cast<RankedTensorType>(query.getType());
    if (!queryType.isDynamicDim(2))
      return results(
          emitLoops(b, queryType.getDimSize(2) >= kMinRowsToTranspose, outs));
    Value many =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, queryLen,
                              cst(b, kMinRowsToTranspose));
    auto ifOp = scf::IfOp::create(
        b, loc, many,
        [&](OpBuilder &tb, Location) {
          scf::YieldOp::create(tb, loc, emitLoops(tb, true, outs));
        },
        [&](OpBuilder &eb, Location) {
          scf::YieldOp::create(eb, loc, emitLoops(eb, false, outs));
        });
    ifOp->setAttr(seq::kAlternativeBranchesAttr, b.getUnitAttr());
    return results(ifOp.getResults());
  }

private:
  /// Query rows from which the score tiles are computed against packed
  /// keys (k^T per key tile, [B, Hkv, ceil(Lk / T), D, T], packed once per
  /// call) as outer products: a row of the packed tile times a broadcast
  /// element of q, with the score tile held in registers. With fewer rows
  /// the packing (a pass over all of k) costs more than it saves, and each
  /// score is a dot product of a row of q and a row of k, reduced across
  /// the vector lanes.
  static constexpr int64_t kMinRowsToTranspose = 16;
  /// Key tiles per query tile's worth of keys when k is read unpacked.
  static constexpr int64_t kFewRowsKeyTiles = 4;

  /// The loops filling `outs` (the result, and the row maxima with
  /// min_row_max).
  SmallVector<Value> emitLoops(OpBuilder &b, bool packKeys, ValueRange outs) {
    keysPacked = packKeys ? emitPackedKeys(b) : Value();
    // Packed keys come in tiles of `tile`; with few query rows a key tile
    // is mostly loop and allocation overhead, so it spans more keys.
    keyTile = packKeys ? tile : kFewRowsKeyTiles * tile;
    // Loops over the (b, h) pairs and the query tiles, each carrying the
    // result. The pairs come in contiguous shares, one per thread when the
    // attention is large enough to repay a fork (seqc.parallel:
    // seqc-outline-parallel-loops runs the shares on the model context's
    // threads); each pair writes only its own rows of the result.
    Value pairs = arith::MulIOp::create(b, loc, batch, heads);
    Value shares = createShareCount(b, pairs);
    auto shareLoop = scf::ForOp::create(
        b, loc, cst(b, 0), shares, cst(b, 1), outs,
        [&](OpBuilder &sb, Location, Value share, ValueRange shareArgs) {
          auto bound = [&](Value s) {
            return seqc::createShareStart(sb, loc, s, pairs, shares);
          };
          Value first = bound(share);
          Value last = bound(arith::AddIOp::create(sb, loc, share, cst(sb, 1)));
          scf::YieldOp::create(
              sb, loc,
              loop(sb, first, last, cst(sb, 1), shareArgs,
                   [&](OpBuilder &pb, Value pair, ValueRange pairArgs) {
                     Value batchIndex =
                         arith::DivUIOp::create(pb, loc, pair, heads);
                     Value head = arith::RemUIOp::create(pb, loc, pair, heads);
                     return loop(
                         pb, cst(pb, 0), queryLen, cst(pb, tile), pairArgs,
                         [&](OpBuilder &rb, Value row, ValueRange rowArgs) {
                           return emitQueryTile(rb, batchIndex, head, row,
                                                rowArgs);
                         });
                   }));
        });
    shareLoop->setAttr(kParallelLoopAttr, b.getUnitAttr());
    return SmallVector<Value>(shareLoop.getResults());
  }

  /// Shares of the `pairs` (b, h) pairs: the model context's threads (at
  /// most one per pair) when every thread gets at least 2^17 multiply-adds
  /// of q k^T and p v, else 1.
  Value createShareCount(OpBuilder &b, Value pairs) {
    Value threads = createThreadCount(b, loc, op);
    Value perPair = arith::MulIOp::create(
        b, loc, arith::MulIOp::create(b, loc, queryLen, keyLen),
        arith::AddIOp::create(
            b, loc,
            getValueOrCreateConstantIndexOp(b, loc,
                                            seq::getDimSize(b, loc, query, 3)),
            valueDim));
    Value macs = arith::MulIOp::create(b, loc, pairs, perPair);
    return seqc::createShareCount(b, loc, threads, macs, pairs);
  }

  using LoopBody =
      function_ref<SmallVector<Value>(OpBuilder &, Value, ValueRange)>;

  Value cst(OpBuilder &b, int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v);
  }

  /// An scf.for over [lo, hi) by `step` carrying `init`; returns its
  /// results.
  SmallVector<Value> loop(OpBuilder &b, Value lo, Value hi, Value step,
                          ValueRange init, LoopBody body) {
    auto forOp = scf::ForOp::create(
        b, loc, lo, hi, step, init,
        [&](OpBuilder &nb, Location, Value iv, ValueRange args) {
          scf::YieldOp::create(nb, loc, body(nb, iv, args));
        });
    return SmallVector<Value>(forOp.getResults());
  }

  /// min(size, hi - start): the rows (or keys) of the tile at `start`.
  Value tileSize(OpBuilder &b, Value start, Value hi, int64_t size) {
    AffineExpr s = b.getAffineDimExpr(0), h = b.getAffineDimExpr(1);
    return affine::AffineMinOp::create(
        b, loc, AffineMap::get(2, 0, {b.getAffineConstantExpr(size), h - s},
                               b.getContext()),
        ValueRange{start, hi});
  }

  /// `source`[b, h, start : start + rows, :] as a rank-4 tensor.
  Value slice(OpBuilder &b, Value source, Value batchIndex, Value head,
              Value start, Value rows) {
    SmallVector<OpFoldResult> offsets = {batchIndex, head, start,
                                         b.getIndexAttr(0)};
    SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                       rows,
                                       seq::getDimSize(b, loc, source, 3)};
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    return tensor::ExtractSliceOp::create(b, loc, source, offsets, sizes,
                                          strides);
  }

  /// The keys that some query of rows [row, row + rows) may see:
  /// [lo, hi), clamped to [0, Lk) (empty when hi <= lo).
  std::pair<Value, Value> keyRange(OpBuilder &b, Value row, Value rows) {
    Value lo = cst(b, 0), hi = keyLen;
    if (!visibility.restricts())
      return {lo, hi};
    // p(first) and p(last) + 1: the aligned key positions of the tile's
    // first row and one past its last.
    Value first = row, end = arith::AddIOp::create(b, loc, row, rows);
    if (visibility.offset) {
      first = arith::AddIOp::create(b, loc, first, visibility.offset);
      end = arith::AddIOp::create(b, loc, end, visibility.offset);
    }
    if (visibility.causal)
      hi = arith::MinSIOp::create(b, loc, hi, end);
    if (visibility.right >= 0)
      hi = arith::MinSIOp::create(
          b, loc, hi,
          arith::AddIOp::create(b, loc, end, cst(b, visibility.right)));
    if (visibility.left >= 0) {
      lo = arith::MaxSIOp::create(
          b, loc, lo,
          arith::SubIOp::create(b, loc, first, cst(b, visibility.left)));
      // Packed keys come in whole tiles: start at the tile holding lo (the
      // keys before lo in it are outside the window, so hidden).
      if (keysPacked)
        lo = arith::MulIOp::create(
            b, loc, arith::DivUIOp::create(b, loc, lo, cst(b, tile)),
            cst(b, tile));
    }
    return {lo, hi};
  }

  /// The mask's window for scores [b, h, row : row + rows, col : col +
  /// cols] (a broadcast dimension keeps its one element).
  Value maskTile(OpBuilder &b, Value batchIndex, Value head, Value row,
                 Value rows, Value col, Value cols) {
    int64_t rank = maskBroadcast.size();
    OpFoldResult scoreOffsets[4] = {batchIndex, head, row, col};
    OpFoldResult scoreSizes[4] = {b.getIndexAttr(1), b.getIndexAttr(1), rows,
                                  cols};
    SmallVector<OpFoldResult> offsets, sizes;
    for (int64_t i = 0; i < rank; ++i) {
      int64_t d = 4 - rank + i;
      offsets.push_back(maskBroadcast[i] ? b.getIndexAttr(0) : scoreOffsets[d]);
      sizes.push_back(maskBroadcast[i] ? b.getIndexAttr(1) : scoreSizes[d]);
    }
    SmallVector<OpFoldResult> strides(rank, b.getIndexAttr(1));
    return tensor::ExtractSliceOp::create(b, loc, mask, offsets, sizes,
                                          strides);
  }

  /// How a contraction reads a k or v tile (its head already selected):
  /// [d0, d1, d3, d4], or [d0, d1, d4, d3] for a transposed key tile.
  SmallVector<AffineExpr> tileIndices(OpBuilder &b, bool transposed) {
    return {b.getAffineDimExpr(0), b.getAffineDimExpr(1),
            b.getAffineDimExpr(transposed ? 4 : 3),
            b.getAffineDimExpr(transposed ? 3 : 4)};
  }

  AffineMap identity(OpBuilder &b, unsigned rank) {
    return b.getMultiDimIdentityMap(rank);
  }
  /// (b, h, i, j) -> (b, h, i): a row statistic.
  AffineMap rowMap(OpBuilder &b) {
    return AffineMap::get(4, 0,
                          {b.getAffineDimExpr(0), b.getAffineDimExpr(1),
                           b.getAffineDimExpr(2)},
                          b.getContext());
  }

  /// k [B, Hkv, Lk, D] as kP [B, Hkv, ceil(Lk / T), D, T]: key tile t
  /// transposed and contiguous, kP[b, h, t, d, c] = k[b, h, t * T + c, d]
  /// (zero past Lk). A score tile reads all D rows of its key tile for
  /// every few query rows; from k^T with rows Lk apart (a power of two, as
  /// often as not) they would share a few L1 sets and evict each other.
  Value emitPackedKeys(OpBuilder &b) {
    MLIRContext *ctx = b.getContext();
    AffineExpr lk = b.getAffineDimExpr(0);
    Value tiles = affine::AffineApplyOp::create(
        b, loc, AffineMap::get(1, 0, lk.ceilDiv(tile), ctx), keyLen);
    Value padHigh = affine::AffineApplyOp::create(
        b, loc, AffineMap::get(1, 0, lk.ceilDiv(tile) * tile - lk, ctx),
        keyLen);
    auto keyType = cast<RankedTensorType>(key.getType());
    SmallVector<OpFoldResult> zeros(4, b.getIndexAttr(0));
    SmallVector<OpFoldResult> high = {b.getIndexAttr(0), b.getIndexAttr(0),
                                      padHigh, b.getIndexAttr(0)};
    SmallVector<int64_t> paddedShape(keyType.getShape());
    paddedShape[2] = ShapedType::kDynamic;
    Value padded = tensor::PadOp::create(
        b, loc, RankedTensorType::get(paddedShape, elementType), key, zeros,
        high, seq::emitFloatConstant(b, loc, elementType, 0.0));
    OpFoldResult batchSize = seq::getDimSize(b, loc, key, 0),
                 headSize = seq::getDimSize(b, loc, key, 1),
                 depth = seq::getDimSize(b, loc, key, 3);
    SmallVector<OpFoldResult> tiled = {batchSize, headSize,
                                       getAsOpFoldResult(tiles),
                                       b.getIndexAttr(tile), depth};
    Value expanded = tensor::ExpandShapeOp::create(
        b, loc,
        RankedTensorType::get(seq::getStaticShape(tiled), elementType), padded,
        SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}, {4}}, tiled);
    SmallVector<OpFoldResult> packedSizes = {batchSize, headSize,
                                             getAsOpFoldResult(tiles), depth,
                                             b.getIndexAttr(tile)};
    return linalg::TransposeOp::create(
               b, loc, expanded,
               seq::createEmptyTensor(b, loc, packedSizes, elementType),
               ArrayRef<int64_t>{0, 1, 2, 4, 3})
        .getResult()
        .front();
  }

  /// outs (the result, and the row maxima with min_row_max) with rows
  /// [row, row + bq) of head `head` written.
  SmallVector<Value> emitQueryTile(OpBuilder &b, Value batchIndex, Value head,
                                   Value row, ValueRange outs) {
    Value out = outs[0];
    Value kvHead = head;
    if (groupSize != 1)
      kvHead = arith::DivUIOp::create(b, loc, head, cst(b, groupSize));
    Value rows = tileSize(b, row, queryLen, tile);
    Value queryTile = slice(b, query, batchIndex, head, row, rows);
    Value lo, hi; // not a binding: the loop body captures hi (C++20 only)
    std::tie(lo, hi) = keyRange(b, row, rows);

    SmallVector<OpFoldResult> rowSizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                          rows};
    SmallVector<OpFoldResult> accSizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                          rows, getAsOpFoldResult(valueDim)};
    SmallVector<Value> init = {
        createFilled(b, loc, rowSizes, elementType, kMinusInfinity),
        createFilled(b, loc, rowSizes, elementType, 0.0),
        createFilled(b, loc, accSizes, elementType, 0.0)};
    SmallVector<Value> state =
        loop(b, lo, hi, cst(b, keyTile), init,
             [&](OpBuilder &b, Value col, ValueRange args) {
               return emitKeyTile(b, batchIndex, head, kvHead, row, rows,
                                  queryTile, hi, col, args[0], args[1],
                                  args[2]);
             });

    // out[b, h, rows] = acc / l, 0 where no key was visible (NaN with
    // empty_row_nan).
    SmallVector<OpFoldResult> offsets = {batchIndex, head, row,
                                         b.getIndexAttr(0)};
    SmallVector<OpFoldResult> strides(4, b.getIndexAttr(1));
    Value outTile =
        tensor::ExtractSliceOp::create(b, loc, out, offsets, accSizes, strides);
    Value normalized =
        linalg::GenericOp::create(
            b, loc, TypeRange{outTile.getType()},
            ValueRange{state[2], state[1]}, ValueRange{outTile},
            ArrayRef<AffineMap>{identity(b, 4), rowMap(b), identity(b, 4)},
            SmallVector<IteratorType>(4, IteratorType::parallel),
            [&](OpBuilder &nb, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  nb, l,
                  emitNormalized(nb, l, args[0], args[1], op.getEmptyRowNan()));
            })
            .getResult(0);
    SmallVector<Value> written = {tensor::InsertSliceOp::create(
        b, loc, normalized, out, offsets, accSizes, strides)};
    if (outs.size() > 1)
      written.push_back(tensor::InsertSliceOp::create(
          b, loc, state[0], outs[1], ArrayRef(offsets).drop_back(), rowSizes,
          ArrayRef(strides).drop_back()));
    return written;
  }

  /// One key tile [col, col + bk): skipped when a float mask hides all of
  /// it (-inf everywhere, as an additive causal mask does above the
  /// diagonal: its keys would get weight 0), else folded into the running
  /// (m, l, acc). As with the causal and window bounds, keys that are never
  /// visited cannot spread a NaN or inf from k or v into the result.
  SmallVector<Value> emitKeyTile(OpBuilder &b, Value batchIndex, Value head,
                                 Value kvHead, Value row, Value rows,
                                 Value queryTile, Value hi, Value col,
                                 Value rowMax, Value rowSum, Value acc) {
    Value cols = tileSize(b, col, hi, keyTile);
    Value maskValues;
    if (mask)
      maskValues = maskTile(b, batchIndex, head, row, rows, col, cols);
    auto fold = [&](OpBuilder &fb) {
      return foldKeyTile(fb, batchIndex, head, kvHead, row, rows, queryTile,
                         col, cols, maskValues, rowMax, rowSum, acc);
    };
    if (!maskValues ||
        !isa<FloatType>(getElementTypeOrSelf(maskValues.getType())))
      return fold(b);
    return scf::IfOp::create(
               b, loc, isAllMinusInfinity(b, maskValues),
               [&](OpBuilder &tb, Location) {
                 scf::YieldOp::create(tb, loc,
                                      ValueRange{rowMax, rowSum, acc});
               },
               [&](OpBuilder &eb, Location) {
                 scf::YieldOp::create(eb, loc, fold(eb));
               })
        ->getResults();
  }

  /// Whether every element of a float mask tile is -inf: the max of each
  /// row (seqc-vectorize-rows makes it vector code), then of the rows. A
  /// NaN is not -inf.
  Value isAllMinusInfinity(OpBuilder &b, Value values) {
    auto type = cast<RankedTensorType>(values.getType());
    Type floatType = type.getElementType();
    int64_t rank = type.getRank();
    auto maxOf = [](OpBuilder &nb, Location l, ValueRange args) {
      linalg::YieldOp::create(
          nb, l, arith::MaximumFOp::create(nb, l, args[0], args[1]).getResult());
    };
    SmallVector<OpFoldResult> rowSizes;
    SmallVector<AffineExpr> rowExprs;
    for (int64_t d = 0; d + 1 < rank; ++d) {
      rowSizes.push_back(seq::getDimSize(b, loc, values, d));
      rowExprs.push_back(b.getAffineDimExpr(d));
    }
    SmallVector<IteratorType> rowIterators(rank, IteratorType::parallel);
    rowIterators.back() = IteratorType::reduction;
    Value rowMaxes = createFilled(b, loc, rowSizes, floatType, kMinusInfinity);
    rowMaxes = linalg::GenericOp::create(
                   b, loc, TypeRange{rowMaxes.getType()}, ValueRange{values},
                   ValueRange{rowMaxes},
                   ArrayRef<AffineMap>{
                       identity(b, rank),
                       AffineMap::get(rank, 0, rowExprs, b.getContext())},
                   rowIterators, maxOf)
                   .getResult(0);
    Value all = createFilled(b, loc, {}, floatType, kMinusInfinity);
    all = linalg::GenericOp::create(
              b, loc, TypeRange{all.getType()}, ValueRange{rowMaxes},
              ValueRange{all},
              ArrayRef<AffineMap>{identity(b, rank - 1),
                                  AffineMap::get(rank - 1, 0, {},
                                                 b.getContext())},
              SmallVector<IteratorType>(rank - 1, IteratorType::reduction),
              maxOf)
              .getResult(0);
    Value largest = tensor::ExtractOp::create(b, loc, all, ValueRange{});
    return arith::CmpFOp::create(
        b, loc, arith::CmpFPredicate::OEQ, largest,
        seq::emitFloatConstant(b, loc, floatType, kMinusInfinity));
  }

  /// Key tile [col, col + cols) folded into the running (m, l, acc);
  /// `maskValues` is the mask's window on it (null without a mask).
  SmallVector<Value> foldKeyTile(OpBuilder &b, Value batchIndex, Value head,
                                 Value kvHead, Value row, Value rows,
                                 Value queryTile, Value col, Value cols,
                                 Value maskValues, Value rowMax, Value rowSum,
                                 Value acc) {
    MLIRContext *ctx = b.getContext();
    Value valueTile = slice(b, value, batchIndex, kvHead, col, cols);
    SmallVector<OpFoldResult> scoreSizes = {b.getIndexAttr(1),
                                            b.getIndexAttr(1), rows, cols};
    SmallVector<OpFoldResult> rowSizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                          rows};
    AffineMap scoreMap = identity(b, 4), row4 = rowMap(b),
              rowId = identity(b, 3);
    SmallVector<IteratorType> parallel4(4, IteratorType::parallel);
    SmallVector<IteratorType> rowReduction = {
        IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
        IteratorType::reduction};

    // s = q_tile k_tile^T, then scaled and masked in place.
    Value scores = createFilled(b, loc, scoreSizes, elementType, 0.0);
    if (keysPacked) {
      // kP[b, h / G, col / T, :, :cols] (col is a multiple of T), keys
      // along the last dimension: y[i, j] += q[i, d] * kT[d, j], the
      // outer-product form.
      Value tileIndex = arith::DivUIOp::create(b, loc, col, cst(b, tile));
      SmallVector<OpFoldResult> offsets = {batchIndex, kvHead, tileIndex,
                                           b.getIndexAttr(0),
                                           b.getIndexAttr(0)};
      OpFoldResult depth = seq::getDimSize(b, loc, keysPacked, 3);
      SmallVector<OpFoldResult> sizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                         b.getIndexAttr(1), depth, cols};
      auto tileType = RankedTensorType::get(
          seq::getStaticShape({b.getIndexAttr(1), b.getIndexAttr(1), depth,
                               cols}),
          elementType);
      Value keyTile = tensor::ExtractSliceOp::create(
          b, loc, tileType, keysPacked, offsets, sizes,
          SmallVector<OpFoldResult>(5, b.getIndexAttr(1)));
      scores = createContraction(b, loc, queryTile, keyTile, scores,
                                 tileIndices(b, /*transposed=*/true),
                                 /*reduceInnermost=*/true);
    } else {
      Value keyTile = slice(b, key, batchIndex, kvHead, col, cols);
      scores = createContraction(b, loc, queryTile, keyTile, scores,
                                 tileIndices(b, /*transposed=*/false),
                                 /*reduceInnermost=*/true);
      // Register-tiled by seqc-lower-dot-contractions.
      scores.getDefiningOp()->setAttr("seq.contraction", b.getUnitAttr());
    }
    SmallVector<Value> maskInputs;
    SmallVector<AffineMap> maskMaps;
    if (mask) {
      maskInputs.push_back(maskValues);
      maskMaps.push_back(getMaskMap(ctx, maskBroadcast));
    }
    maskMaps.push_back(scoreMap);
    // ALiBi: this head's slope.
    Value slope;
    if (slopes)
      slope = tensor::ExtractOp::create(b, loc, slopes, ValueRange{head});
    scores =
        linalg::GenericOp::create(
            b, loc, TypeRange{scores.getType()}, maskInputs,
            ValueRange{scores}, maskMaps, parallel4,
            [&](OpBuilder &nb, Location l, ValueRange args) {
              Value visible, bias;
              if (visibility.restricts() || slope || relativeBias) {
                Value i = arith::AddIOp::create(
                    nb, l, linalg::IndexOp::create(nb, l, 2), row);
                Value j = arith::AddIOp::create(
                    nb, l, linalg::IndexOp::create(nb, l, 3), col);
                visible = visibility.emitVisible(nb, l, i, j);
                bias = emitPositionBias(
                    nb, l, slope, relativeBias, head,
                    visibility.emitAlignedPosition(nb, l, i), j);
              }
              linalg::YieldOp::create(nb, l,
                                      emitMaskedScore(nb, l, args.back(), scale,
                                                      mask ? args[0] : Value(),
                                                      visible, bias, softcap));
            })
            .getResult(0);

    // The tile's row max, then m' = max(m, it), alpha = exp(m - m') (0
    // while m' is -inf: nothing was accumulated) and l * alpha.
    Value tileMax = createFilled(b, loc, rowSizes, elementType, kMinusInfinity);
    tileMax = linalg::GenericOp::create(
                  b, loc, TypeRange{tileMax.getType()}, ValueRange{scores},
                  ValueRange{tileMax}, ArrayRef<AffineMap>{scoreMap, row4},
                  rowReduction,
                  [](OpBuilder &nb, Location l, ValueRange args) {
                    linalg::YieldOp::create(
                        nb, l,
                        arith::MaximumFOp::create(nb, l, args[0], args[1])
                            .getResult());
                  })
                  .getResult(0);
    Value alphaInit = seq::createEmptyTensor(b, loc, rowSizes, elementType);
    auto update = linalg::GenericOp::create(
        b, loc, TypeRange{rowMax.getType(), rowSum.getType(), alphaInit.getType()},
        ValueRange{tileMax}, ValueRange{rowMax, rowSum, alphaInit},
        SmallVector<AffineMap>(4, rowId),
        SmallVector<IteratorType>(3, IteratorType::parallel),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value newMax = arith::MaximumFOp::create(nb, l, args[1], args[0]);
          Value alpha = emitShiftedExp(nb, l, args[1], newMax);
          Value sum = arith::MulFOp::create(nb, l, args[2], alpha);
          linalg::YieldOp::create(nb, l, ValueRange{newMax, sum, alpha});
        });
    rowMax = update.getResult(0);
    rowSum = update.getResult(1);
    Value alpha = update.getResult(2);

    // p = exp(s - m') in place, l += rowsum(p).
    Value weights =
        linalg::GenericOp::create(
            b, loc, TypeRange{scores.getType()}, ValueRange{rowMax},
            ValueRange{scores}, ArrayRef<AffineMap>{row4, scoreMap}, parallel4,
            [&](OpBuilder &nb, Location l, ValueRange args) {
              linalg::YieldOp::create(nb, l,
                                      emitShiftedExp(nb, l, args[1], args[0]));
            })
            .getResult(0);
    rowSum = linalg::GenericOp::create(
                 b, loc, TypeRange{rowSum.getType()}, ValueRange{weights},
                 ValueRange{rowSum}, ArrayRef<AffineMap>{scoreMap, row4},
                 rowReduction,
                 [](OpBuilder &nb, Location l, ValueRange args) {
                   linalg::YieldOp::create(
                       nb, l,
                       arith::AddFOp::create(nb, l, args[1], args[0],
                                             arith::FastMathFlags::reassoc)
                           .getResult());
                 })
                 .getResult(0);

    // acc = acc * alpha + p v_tile. p v goes to a fresh tile: the
    // outer-product kernel keeps its output in registers and needs it to
    // be a buffer of its own, which the loop-carried acc is not.
    SmallVector<OpFoldResult> accSizes = {b.getIndexAttr(1), b.getIndexAttr(1),
                                          rows, getAsOpFoldResult(valueDim)};
    Value product = createContraction(
        b, loc, weights, valueTile,
        createFilled(b, loc, accSizes, elementType, 0.0),
        tileIndices(b, /*transposed=*/false), /*reduceInnermost=*/false);
    acc = linalg::GenericOp::create(
              b, loc, TypeRange{acc.getType()}, ValueRange{product, alpha},
              ValueRange{acc}, ArrayRef<AffineMap>{scoreMap, row4, scoreMap},
              parallel4,
              [](OpBuilder &nb, Location l, ValueRange args) {
                Value scaled = arith::MulFOp::create(nb, l, args[2], args[1]);
                linalg::YieldOp::create(
                    nb, l,
                    arith::AddFOp::create(nb, l, scaled, args[0]).getResult());
              })
              .getResult(0);
    return {rowMax, rowSum, acc};
  }

  seq::AttentionOp op;
  Location loc;
  /// Query rows per tile; keys per tile of the loops being emitted.
  int64_t tile, keyTile = 0;
  Value destination;
  Value query, key, value, mask;
  Type elementType;
  Value batch, heads, queryLen, keyLen, valueDim;
  int64_t groupSize;
  Value scale;
  /// The op's softcap (null without one).
  Value softcap;
  /// ALiBi's [Hq] slopes and the [Hq, 2R + 1] relative bias table (null
  /// without them).
  Value slopes, relativeBias;
  /// k packed per key tile (emitPackedKeys) in the loops that read it so; null
  /// in the others.
  Value keysPacked;
  Visibility visibility;
  SmallVector<bool> maskBroadcast;
};

struct AttentionToFlashLoops : OpRewritePattern<seq::AttentionOp> {
  AttentionToFlashLoops(MLIRContext *ctx, int64_t tile)
      : OpRewritePattern(ctx), tile(tile) {}

  LogicalResult matchAndRewrite(seq::AttentionOp op,
                                PatternRewriter &rewriter) const override {
    auto queryType = cast<RankedTensorType>(op.getQuery().getType());
    auto keyType = cast<RankedTensorType>(op.getKey().getType());
    if (queryType.isDynamicDim(1) || keyType.isDynamicDim(1))
      return rewriter.notifyMatchFailure(
          op, "the query-to-key/value head map needs static head counts");
    // Written into the destination of a materialize_in_destination that is
    // its only use (an attention kernel's result argument:
    // seqc-outline-attention-kernels), else into a new tensor.
    bufferization::MaterializeInDestinationOp materialize;
    if (op->hasOneUse())
      materialize = dyn_cast<bufferization::MaterializeInDestinationOp>(
          *op->getUsers().begin());
    if (materialize && (materialize.getSource() != op.getResult() ||
                        materialize.getDest().getType() != op.getType()))
      materialize = {};
    Value destination = materialize ? materialize.getDest() : Value();
    auto [result, rowMaxima] =
        FlashEmitter(rewriter, op, tile, destination).emit(rewriter);
    // After the loops (which only read within the query's and key's
    // extents): a larger key/value batch or mask fails the run.
    createAttentionExtentChecks(rewriter, op);
    if (rowMaxima)
      createRowMaxCheck(rewriter, op, rowMaxima);
    if (result.getType() != op.getType())
      result = tensor::CastOp::create(rewriter, op.getLoc(), op.getType(),
                                      result);
    if (materialize)
      rewriter.replaceOp(materialize, result);
    rewriter.replaceOp(op, result);
    return success();
  }

  int64_t tile;
};

} // namespace

void seqc::populateFlashAttentionToLinalgPatterns(RewritePatternSet &patterns,
                                                  int64_t tile) {
  patterns.add<AttentionToFlashLoops>(patterns.getContext(), tile);
}
