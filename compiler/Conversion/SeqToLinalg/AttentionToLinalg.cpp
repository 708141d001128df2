//===- AttentionToLinalg.cpp - seq.attention to materialized softmax ----===//
//
// The reference lowering: scores [B, Hq, Lq, Lk] are materialized by a
// contraction, masked (scale, additive or boolean mask, causal diagonal,
// sliding window) in one elementwise generic that reads the positions with
// linalg.index, normalized by a row max / exp / row sum, contracted with V
// and divided by the row sum. Masked scores are -inf; a row whose max is
// -inf gets all-zero weights and a zero sum, and the final division maps
// 0 / 0 to 0, so a query that sees no key yields zeros rather than NaN.
//
//===----------------------------------------------------------------------===//

#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace seqc;

namespace {

using utils::IteratorType;

/// A tensor of `sizes` filled with `value`.
Value createFilled(OpBuilder &b, Location loc, ArrayRef<OpFoldResult> sizes,
                   Type elementType, double value) {
  Value empty = seq::createEmptyTensor(b, loc, sizes, elementType);
  Value scalar = seq::emitFloatConstant(b, loc, elementType, value);
  return linalg::FillOp::create(b, loc, ValueRange{scalar}, ValueRange{empty})
      .getResult(0);
}

/// The map from the (b, h, i, j) score loops to a mask of rank 2 to 4,
/// aligned to the right; static size-1 dimensions broadcast.
AffineMap getMaskMap(MLIRContext *ctx, RankedTensorType maskType,
                     RankedTensorType scoresType) {
  int64_t rank = maskType.getRank();
  SmallVector<AffineExpr> results;
  for (int64_t i = 0; i < rank; ++i) {
    int64_t scoreDim = 4 - rank + i;
    bool broadcast =
        maskType.getDimSize(i) == 1 && scoresType.getDimSize(scoreDim) != 1;
    results.push_back(broadcast ? getAffineConstantExpr(0, ctx)
                                : getAffineDimExpr(scoreDim, ctx));
  }
  return AffineMap::get(4, 0, results, ctx);
}

/// 1 / sqrt(D) as a scalar of `elementType`, folded when D is static.
Value createDefaultScale(OpBuilder &b, Location loc, Value query,
                         Type elementType) {
  auto type = cast<RankedTensorType>(query.getType());
  if (!type.isDynamicDim(3))
    return seq::emitFloatConstant(b, loc, elementType,
                                  1.0 / std::sqrt(double(type.getDimSize(3))));
  Value depth = tensor::DimOp::create(b, loc, query, 3);
  Value depthInt = arith::IndexCastOp::create(b, loc, b.getI64Type(), depth);
  Value depthFloat = arith::SIToFPOp::create(b, loc, elementType, depthInt);
  return math::RsqrtOp::create(b, loc, depthFloat);
}

struct AttentionToGenerics : OpRewritePattern<seq::AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(seq::AttentionOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value query = op.getQuery(), key = op.getKey(), value = op.getValue();
    auto queryType = cast<RankedTensorType>(query.getType());
    auto keyType = cast<RankedTensorType>(key.getType());
    Type elementType = queryType.getElementType();
    if (queryType.isDynamicDim(1) || keyType.isDynamicDim(1))
      return rewriter.notifyMatchFailure(
          op, "the query-to-key/value head map needs static head counts");
    int64_t groupSize = queryType.getDimSize(1) / keyType.getDimSize(1);

    OpFoldResult batch = seq::getDimSize(rewriter, loc, query, 0);
    OpFoldResult heads = seq::getDimSize(rewriter, loc, query, 1);
    OpFoldResult queryLen = seq::getDimSize(rewriter, loc, query, 2);
    OpFoldResult keyLen = seq::getDimSize(rewriter, loc, key, 2);
    OpFoldResult valueDim = seq::getDimSize(rewriter, loc, value, 3);
    SmallVector<OpFoldResult> scoreSizes = {batch, heads, queryLen, keyLen};
    SmallVector<OpFoldResult> rowSizes = {batch, heads, queryLen};
    SmallVector<OpFoldResult> outSizes = {batch, heads, queryLen, valueDim};

    AffineExpr d0 = getAffineDimExpr(0, ctx), d1 = getAffineDimExpr(1, ctx),
               d2 = getAffineDimExpr(2, ctx), d3 = getAffineDimExpr(3, ctx),
               d4 = getAffineDimExpr(4, ctx);
    // Query head h reads key/value head h / (Hq / Hkv).
    AffineExpr kvHead = groupSize == 1 ? d1 : d1.floorDiv(groupSize);
    auto addF = [](OpBuilder &b, Location l, Value x, Value y) {
      return arith::AddFOp::create(b, l, x, y).getResult();
    };

    // A batched contraction into a zero-filled [d0, d1, d2, n] result over
    // the reduction dimension r: lhs [d0, d1, d2, r], `rhsMap` says how the
    // key/value side is indexed. The innermost loop is the one whose
    // operands are contiguous: QK^T reduces over the head dimension, which
    // is contiguous in both q and k (r = d4, n = d3: dot products); P V
    // reduces over keys, which is strided in v, so there the output's
    // columns come innermost (r = d3, n = d4: a row of v times a scalar
    // weight) instead of a gather along v's rows.
    auto contract = [&](Value lhs, Value rhs, ArrayRef<OpFoldResult> sizes,
                        ArrayRef<AffineExpr> rhsMap, bool reduceInnermost) {
      Value init = createFilled(rewriter, loc, sizes, elementType, 0.0);
      AffineExpr r = reduceInnermost ? d4 : d3, n = reduceInnermost ? d3 : d4;
      SmallVector<IteratorType> iterators(5, IteratorType::parallel);
      iterators[reduceInnermost ? 4 : 3] = IteratorType::reduction;
      return linalg::GenericOp::create(
                 rewriter, loc, TypeRange{init.getType()}, ValueRange{lhs, rhs},
                 ValueRange{init},
                 ArrayRef<AffineMap>{AffineMap::get(5, 0, {d0, d1, d2, r}, ctx),
                                     AffineMap::get(5, 0, rhsMap, ctx),
                                     AffineMap::get(5, 0, {d0, d1, d2, n}, ctx)},
                 iterators,
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   // Dot products may be reassociated (vectorized over d4).
                   auto fast = arith::FastMathFlags::reassoc |
                               arith::FastMathFlags::contract;
                   Value product =
                       arith::MulFOp::create(b, l, args[0], args[1], fast);
                   linalg::YieldOp::create(
                       b, l,
                       arith::AddFOp::create(b, l, args[2], product, fast)
                           .getResult());
                 })
          .getResult(0);
    };

    // scores[b, h, i, j] = sum_d q[b, h, i, d] * k[b, h / G, j, d].
    Value scores = contract(query, key, scoreSizes, {d0, kvHead, d3, d4},
                            /*reduceInnermost=*/true);
    // Register-tiled by seqc-lower-dot-contractions after bufferization.
    scores.getDefiningOp()->setAttr("seq.contraction", rewriter.getUnitAttr());

    // Scale, mask, causal diagonal and window; hidden scores become -inf.
    Value scale = op.getScale()
                      ? seq::emitFloatConstant(rewriter, loc, elementType,
                                               op.getScale()->convertToDouble())
                      : createDefaultScale(rewriter, loc, query, elementType);
    std::optional<seq::CausalAlignment> causal = op.getCausal();
    std::optional<ArrayRef<int64_t>> window = op.getWindow();
    // p(i) = i + offset: the key position query i is aligned with.
    Value offset;
    if (causal == seq::CausalAlignment::bottom_right) {
      Value lq = getValueOrCreateConstantIndexOp(rewriter, loc, queryLen);
      Value lk = getValueOrCreateConstantIndexOp(rewriter, loc, keyLen);
      offset = arith::SubIOp::create(rewriter, loc, lk, lq);
    }
    Value mask = op.getMask();
    bool boolMask = mask && getElementTypeOrSelf(mask.getType()).isInteger(1);
    auto scoresType = cast<RankedTensorType>(scores.getType());
    SmallVector<Value> maskInputs = {scores};
    SmallVector<AffineMap> maskMaps = {rewriter.getMultiDimIdentityMap(4)};
    if (mask) {
      maskInputs.push_back(mask);
      maskMaps.push_back(
          getMaskMap(ctx, cast<RankedTensorType>(mask.getType()), scoresType));
    }
    maskMaps.push_back(rewriter.getMultiDimIdentityMap(4));
    Value maskInit =
        seq::createEmptyTensor(rewriter, loc, scoreSizes, elementType);
    Value masked =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{scoresType}, maskInputs,
            ValueRange{maskInit}, maskMaps,
            SmallVector<IteratorType>(4, IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value s = arith::MulFOp::create(b, l, args[0], scale);
              if (mask && !boolMask)
                s = addF(b, l, s, args[1]);
              Value visible = boolMask ? args[1] : Value();
              auto both = [&](Value condition) {
                visible = visible
                              ? arith::AndIOp::create(b, l, visible, condition)
                                    .getResult()
                              : condition;
              };
              if (causal || window) {
                Value i = linalg::IndexOp::create(b, l, 2);
                Value j = linalg::IndexOp::create(b, l, 3);
                Value p =
                    offset ? arith::AddIOp::create(b, l, i, offset).getResult()
                           : i;
                auto cmp = [&](Value x, Value y) {
                  return arith::CmpIOp::create(b, l, arith::CmpIPredicate::sle,
                                               x, y)
                      .getResult();
                };
                auto plus = [&](Value x, int64_t c) {
                  Value cst = arith::ConstantIndexOp::create(b, l, c);
                  return arith::AddIOp::create(b, l, x, cst).getResult();
                };
                if (causal)
                  both(cmp(j, p));
                if (window && (*window)[0] >= 0)
                  both(cmp(p, plus(j, (*window)[0])));
                if (window && (*window)[1] >= 0)
                  both(cmp(j, plus(p, (*window)[1])));
              }
              if (visible) {
                Value minusInf = seq::emitFloatConstant(
                    b, l, elementType,
                    -std::numeric_limits<double>::infinity());
                s = arith::SelectOp::create(b, l, visible, s, minusInf);
              }
              linalg::YieldOp::create(b, l, s);
            })
            .getResult(0);

    // Row max over j.
    AffineMap scoreMap = rewriter.getMultiDimIdentityMap(4);
    AffineMap rowMap = AffineMap::get(4, 0, {d0, d1, d2}, ctx);
    SmallVector<IteratorType> rowIterators = {
        IteratorType::parallel, IteratorType::parallel, IteratorType::parallel,
        IteratorType::reduction};
    Value rowMax = createFilled(rewriter, loc, rowSizes, elementType,
                                -std::numeric_limits<double>::infinity());
    rowMax = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{rowMax.getType()}, ValueRange{masked},
                 ValueRange{rowMax}, ArrayRef<AffineMap>{scoreMap, rowMap},
                 rowIterators,
                 [](OpBuilder &b, Location l, ValueRange args) {
                   linalg::YieldOp::create(
                       b, l,
                       arith::MaximumFOp::create(b, l, args[0], args[1])
                           .getResult());
                 })
                 .getResult(0);

    // weights = exp(s - max); a row with no visible key gets zero weights.
    Value weightsInit =
        seq::createEmptyTensor(rewriter, loc, scoreSizes, elementType);
    Value weights =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{scoresType}, ValueRange{masked, rowMax},
            ValueRange{weightsInit},
            ArrayRef<AffineMap>{scoreMap, rowMap, scoreMap},
            SmallVector<IteratorType>(4, IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value minusInf = seq::emitFloatConstant(
                  b, l, elementType, -std::numeric_limits<double>::infinity());
              Value zero = seq::emitFloatConstant(b, l, elementType, 0.0);
              Value empty = arith::CmpFOp::create(
                  b, l, arith::CmpFPredicate::OEQ, args[1], minusInf);
              Value e = math::ExpOp::create(
                  b, l, arith::SubFOp::create(b, l, args[0], args[1]));
              linalg::YieldOp::create(
                  b, l,
                  arith::SelectOp::create(b, l, empty, zero, e).getResult());
            })
            .getResult(0);

    // Row sum over j.
    Value rowSum = createFilled(rewriter, loc, rowSizes, elementType, 0.0);
    rowSum = linalg::GenericOp::create(
                 rewriter, loc, TypeRange{rowSum.getType()},
                 ValueRange{weights}, ValueRange{rowSum},
                 ArrayRef<AffineMap>{scoreMap, rowMap}, rowIterators,
                 [&](OpBuilder &b, Location l, ValueRange args) {
                   linalg::YieldOp::create(b, l, addF(b, l, args[1], args[0]));
                 })
                 .getResult(0);

    // out[b, h, i, e] = sum_j weights[b, h, i, j] * v[b, h / G, j, e].
    Value out = contract(weights, value, outSizes, {d0, kvHead, d3, d4},
                         /*reduceInnermost=*/false);

    // Divide by the row sum; a zero sum (no visible key) gives zeros.
    Value resultInit =
        seq::createEmptyTensor(rewriter, loc, outSizes, elementType);
    Value result =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{out.getType()}, ValueRange{out, rowSum},
            ValueRange{resultInit},
            ArrayRef<AffineMap>{scoreMap, rowMap, scoreMap},
            SmallVector<IteratorType>(4, IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value zero = seq::emitFloatConstant(b, l, elementType, 0.0);
              Value empty = arith::CmpFOp::create(
                  b, l, arith::CmpFPredicate::OEQ, args[1], zero);
              Value quotient = arith::DivFOp::create(b, l, args[0], args[1]);
              linalg::YieldOp::create(
                  b, l,
                  arith::SelectOp::create(b, l, empty, zero, quotient)
                      .getResult());
            })
            .getResult(0);
    if (result.getType() != op.getType())
      result = tensor::CastOp::create(rewriter, loc, op.getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void seqc::populateAttentionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<AttentionToGenerics>(patterns.getContext());
}
