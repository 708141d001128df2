//===- AttentionToLinalg.cpp - seq.attention to materialized softmax ----===//
//
// The reference lowering (convert-seq-to-linalg{attention-tile=0}), which is
// also seq.attention's linalg::AggregatedOpInterface decomposition: scores
// [B, Hq, Lq, Lk] are materialized by a contraction, masked (scale,
// additive or boolean mask, ALiBi and relative position biases, causal
// diagonal, sliding window) in one elementwise generic that reads the
// positions with linalg.index, normalized by a row max / exp / row sum,
// contracted with V and divided by the row sum. Masked scores are -inf; a
// row whose max is -inf gets all-zero weights and a zero sum, and the final
// division maps 0 / 0 to 0, so a query that sees no key yields zeros rather
// than NaN (unless the op has empty_row_nan: a raised softmax's NaN). The tiled
// lowering (FlashAttentionToLinalg.cpp) computes the same function. The
// contractions and the row sum may be reassociated (vectorized).
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SeqToLinalg/AttentionParts.h"
#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;
using namespace seqc;
using namespace seqc::attention;

namespace {

using utils::IteratorType;

/// The reference decomposition: seq.attention's
/// linalg::AggregatedOpInterface::decomposeOperation. Built at `b`'s
/// insertion point (before `op`); fails, building nothing, when the head
/// counts are dynamic (the query-to-key/value head map needs them).
FailureOr<SmallVector<Value>> decomposeAttention(OpBuilder &builder,
                                                 seq::AttentionOp op) {
  Location loc = op.getLoc();
  MLIRContext *ctx = builder.getContext();
  Value query = op.getQuery(), key = op.getKey(), value = op.getValue();
  auto queryType = cast<RankedTensorType>(query.getType());
  auto keyType = cast<RankedTensorType>(key.getType());
  Type elementType = queryType.getElementType();
  if (queryType.isDynamicDim(1) || keyType.isDynamicDim(1))
    return failure();
  int64_t groupSize = queryType.getDimSize(1) / keyType.getDimSize(1);

  OpFoldResult batch = seq::getDimSize(builder, loc, query, 0);
  OpFoldResult heads = seq::getDimSize(builder, loc, query, 1);
  OpFoldResult queryLen = seq::getDimSize(builder, loc, query, 2);
  OpFoldResult keyLen = seq::getDimSize(builder, loc, key, 2);
  OpFoldResult valueDim = seq::getDimSize(builder, loc, value, 3);
  SmallVector<OpFoldResult> scoreSizes = {batch, heads, queryLen, keyLen};
  SmallVector<OpFoldResult> rowSizes = {batch, heads, queryLen};
  SmallVector<OpFoldResult> outSizes = {batch, heads, queryLen, valueDim};

  // Query head h reads key/value head h / (Hq / Hkv): k and v are
  // indexed [b, h / G, d3, d4].
  AffineExpr h = getAffineDimExpr(1, ctx);
  AffineExpr kvHead = groupSize == 1 ? h : h.floorDiv(groupSize);
  SmallVector<AffineExpr> kvIndices = {getAffineDimExpr(0, ctx), kvHead,
                                       getAffineDimExpr(3, ctx),
                                       getAffineDimExpr(4, ctx)};

  // scores[b, h, i, j] = sum_d q[b, h, i, d] * k[b, h / G, j, d].
  Value scores = createContraction(
      builder, loc, query, key,
      createFilled(builder, loc, scoreSizes, elementType, 0.0), kvIndices,
      /*reduceInnermost=*/true);
  // Register-tiled by seqc-lower-dot-contractions after bufferization.
  scores.getDefiningOp()->setAttr("seq.contraction", builder.getUnitAttr());

  // Scale, mask, causal diagonal and window; hidden scores become -inf.
  Value scale = createScale(builder, loc, op);
  Value softcap = createSoftcap(builder, loc, op);
  Visibility visibility = Visibility::get(
      builder, loc, op, getValueOrCreateConstantIndexOp(builder, loc, queryLen),
      getValueOrCreateConstantIndexOp(builder, loc, keyLen));
  Value mask = op.getMask();
  auto scoresType = cast<RankedTensorType>(scores.getType());
  SmallVector<Value> maskInputs = {scores};
  AffineMap scoreMap = builder.getMultiDimIdentityMap(4);
  SmallVector<AffineMap> maskMaps = {scoreMap};
  if (mask) {
    maskInputs.push_back(mask);
    maskMaps.push_back(getMaskMap(ctx, getMaskBroadcast(op)));
  }
  // ALiBi: head h's slope, read as (b, h, i, j) -> (h). The relative
  // bias table is read at (h, clamped distance) in the body.
  Value slopes = createAlibiSlopes(builder, loc, op);
  Value table = op.getRelativeBias();
  if (slopes) {
    maskInputs.push_back(slopes);
    maskMaps.push_back(AffineMap::get(4, 0, {h}, ctx));
  }
  maskMaps.push_back(scoreMap);
  Value masked =
      linalg::GenericOp::create(
          builder, loc, TypeRange{scoresType}, maskInputs,
          ValueRange{
              seq::createEmptyTensor(builder, loc, scoreSizes, elementType)},
          maskMaps, SmallVector<IteratorType>(4, IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange args) {
            Value visible, bias;
            if (visibility.restricts() || slopes || table) {
              Value i = linalg::IndexOp::create(b, l, 2);
              Value j = linalg::IndexOp::create(b, l, 3);
              visible = visibility.emitVisible(b, l, i, j);
              bias =
                  emitPositionBias(b, l, slopes ? args[mask ? 2 : 1] : Value(),
                                   table, linalg::IndexOp::create(b, l, 1),
                                   visibility.emitAlignedPosition(b, l, i), j);
            }
            linalg::YieldOp::create(b, l,
                                    emitMaskedScore(b, l, args[0], scale,
                                                    mask ? args[1] : Value(),
                                                    visible, bias, softcap));
          })
          .getResult(0);

  // Row max over j.
  AffineMap rowMap = AffineMap::get(
      4, 0, {getAffineDimExpr(0, ctx), h, getAffineDimExpr(2, ctx)}, ctx);
  SmallVector<IteratorType> rowIterators = {
      IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
      IteratorType::reduction};
  Value rowMax = createFilled(builder, loc, rowSizes, elementType,
                              -std::numeric_limits<double>::infinity());
  rowMax =
      linalg::GenericOp::create(
          builder, loc, TypeRange{rowMax.getType()}, ValueRange{masked},
          ValueRange{rowMax}, ArrayRef<AffineMap>{scoreMap, rowMap},
          rowIterators,
          [](OpBuilder &b, Location l, ValueRange args) {
            linalg::YieldOp::create(
                b, l,
                arith::MaximumFOp::create(b, l, args[0], args[1]).getResult());
          })
          .getResult(0);

  // weights = exp(s - max); a row with no visible key gets zero weights.
  Value weights =
      linalg::GenericOp::create(
          builder, loc, TypeRange{scoresType}, ValueRange{masked, rowMax},
          ValueRange{
              seq::createEmptyTensor(builder, loc, scoreSizes, elementType)},
          ArrayRef<AffineMap>{scoreMap, rowMap, scoreMap},
          SmallVector<IteratorType>(4, IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange args) {
            linalg::YieldOp::create(b, l,
                                    emitShiftedExp(b, l, args[0], args[1]));
          })
          .getResult(0);

  // Row sum over j.
  Value rowSum = createFilled(builder, loc, rowSizes, elementType, 0.0);
  rowSum = linalg::GenericOp::create(
               builder, loc, TypeRange{rowSum.getType()}, ValueRange{weights},
               ValueRange{rowSum}, ArrayRef<AffineMap>{scoreMap, rowMap},
               rowIterators,
               [&](OpBuilder &b, Location l, ValueRange args) {
                 linalg::YieldOp::create(
                     b, l,
                     arith::AddFOp::create(b, l, args[1], args[0],
                                           arith::FastMathFlags::reassoc)
                         .getResult());
               })
               .getResult(0);

  // out[b, h, i, e] = sum_j weights[b, h, i, j] * v[b, h / G, j, e].
  Value out = createContraction(
      builder, loc, weights, value,
      createFilled(builder, loc, outSizes, elementType, 0.0), kvIndices,
      /*reduceInnermost=*/false);

  // Divide by the row sum; a zero sum (no visible key) gives zeros, or
  // NaN with empty_row_nan.
  Value result =
      linalg::GenericOp::create(
          builder, loc, TypeRange{out.getType()}, ValueRange{out, rowSum},
          ValueRange{
              seq::createEmptyTensor(builder, loc, outSizes, elementType)},
          ArrayRef<AffineMap>{scoreMap, rowMap, scoreMap},
          SmallVector<IteratorType>(4, IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange args) {
            linalg::YieldOp::create(
                b, l,
                emitNormalized(b, l, args[0], args[1], op.getEmptyRowNan()));
          })
          .getResult(0);
  if (result.getType() != op.getType())
    result = tensor::CastOp::create(builder, loc, op.getType(), result);
  // The generics only read within the query's and key's extents: a
  // larger key/value batch or mask fails the run.
  createAttentionExtentChecks(builder, op);
  createRowMaxCheck(builder, op, rowMax);
  return SmallVector<Value>{result};
}

/// seq.attention's linalg::AggregatedOpInterface (as IREE's LinalgExt
/// attention has): an external model because the decomposition builds
/// linalg and lives with the lowering, below the dialect.
struct AttentionAggregatedOpModel
    : linalg::AggregatedOpInterface::ExternalModel<AttentionAggregatedOpModel,
                                                   seq::AttentionOp> {
  FailureOr<SmallVector<Value>> decomposeOperation(Operation *op,
                                                   OpBuilder &b) const {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPoint(op);
    return decomposeAttention(b, cast<seq::AttentionOp>(op));
  }
};

/// attention-tile=0: the op decomposes itself.
struct DecomposeAttention : OpRewritePattern<seq::AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(seq::AttentionOp op,
                                PatternRewriter &rewriter) const override {
    auto aggregated =
        dyn_cast<linalg::AggregatedOpInterface>(op.getOperation());
    if (!aggregated)
      return rewriter.notifyMatchFailure(
          op, "seq.attention's AggregatedOpInterface model is not "
              "registered (seqc::registerAttentionDecomposition)");
    FailureOr<SmallVector<Value>> results =
        aggregated.decomposeOperation(rewriter);
    if (failed(results))
      return rewriter.notifyMatchFailure(
          op, "the query-to-key/value head map needs static head counts");
    rewriter.replaceOp(op, *results);
    return success();
  }
};

} // namespace

void seqc::registerAttentionDecomposition(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, seq::SeqDialect *) {
    seq::AttentionOp::attachInterface<AttentionAggregatedOpModel>(*context);
  });
}

void seqc::populateAttentionToLinalgPatterns(RewritePatternSet &patterns,
                                             int64_t tile) {
  if (tile > 0)
    populateFlashAttentionToLinalgPatterns(patterns, tile);
  else
    patterns.add<DecomposeAttention>(patterns.getContext());
}
