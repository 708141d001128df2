//===- RaiseAlibi.cpp - a causal attention's position bias as ALiBi -------===//
//
// ALiBi (Press et al. 2022) as model code writes it: per-head slopes times
// the key positions added to the scaled scores of a causal attention,
// `att + slopes[:, None, None] * arange(T)[None, None, :]` (BLOOM's and
// MPT's form), imported as seq.attention with that bias as its mask. Under
// the causal mask `m_h * j` differs from the paper's `m_h * (j - i)` by a
// constant per row, which softmax cancels, so the attention is
// seq.attention's `alibi_slopes = m` (so is the paper's `m_h * (j - i)`
// itself): no [H, T] bias in memory, and a
// stream reads the bias of its steps' positions instead of refusing an
// explicit mask. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/Passes.h"
#include "dialects/Seq/Transforms/RaisingMatchers.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

namespace seqc::seq {
#define GEN_PASS_DEF_RAISEALIBIPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

/// The only loop along which an operand of `generic` varies (its indexing
/// map reads it at a dimension of more than one element; a broadcast
/// reads one), or none when it varies along several or none.
std::optional<unsigned> onlyDimRead(linalg::GenericOp generic,
                                    unsigned operand) {
  AffineMap map = generic.getIndexingMapsArray()[operand];
  auto type = cast<RankedTensorType>(generic->getOperand(operand).getType());
  std::optional<unsigned> read;
  for (auto [i, e] : llvm::enumerate(map.getResults())) {
    if (auto c = dyn_cast<AffineConstantExpr>(e); c && c.getValue() == 0)
      continue;
    if (type.getDimSize(i) == 1)
      continue;
    auto d = dyn_cast<AffineDimExpr>(e);
    if (!d || read)
      return std::nullopt;
    read = d.getPosition();
  }
  return read;
}

/// The single-input generic yielding `cast(its input)` that defines `v`,
/// its output indexed like its input; null otherwise.
template <typename CastOp> linalg::GenericOp castOf(Value v) {
  auto generic = v.getDefiningOp<linalg::GenericOp>();
  if (!generic || generic.getNumDpsInputs() != 1 ||
      generic.getNumDpsInits() != 1 ||
      !llvm::all_of(generic.getIndexingMapsArray(),
                    [](AffineMap m) { return m.isIdentity(); }))
    return linalg::GenericOp();
  auto yield = cast<linalg::YieldOp>(generic.getBlock()->getTerminator());
  auto op = yield.getOperand(0).getDefiningOp<CastOp>();
  if (!op || op->getOperand(0) != generic.getBlock()->getArgument(0))
    return linalg::GenericOp();
  return generic;
}

/// Which positions operand `posIn` of the mask's product `product` holds
/// per mask element, its dimensions aligned with [B, H, Lq, Lk] from the
/// right: +1 for float(j), the key's position (BLOOM's form); +2 for
/// float(j - i) and -2 for float(i - j), the query's position i too (the
/// paper's); 0 for anything else.
int readPositions(linalg::GenericOp product, unsigned posIn,
                  AttentionOp attention) {
  int64_t rank =
      cast<RankedTensorType>(product.getResult(0).getType()).getRank();
  int64_t keyDim = rank - 1, queryDim = rank - 2;
  // The floats may be reshaped to unit dimensions around them first
  // ([T, T] -> [1, T, T]): `outer[d]` is the operand dimension that their
  // dimension d became.
  Value floats = product.getDpsInputs()[posIn];
  SmallVector<int64_t> outer = llvm::to_vector(llvm::seq<int64_t>(
      0, cast<RankedTensorType>(floats.getType()).getRank()));
  while (auto expand = floats.getDefiningOp<tensor::ExpandShapeOp>()) {
    SmallVector<int64_t> inner;
    for (const ReassociationIndices &group : expand.getReassociationIndices()) {
      SmallVector<int64_t> wide;
      for (int64_t d : group)
        if (expand.getResultType().getDimSize(d) != 1)
          wide.push_back(d);
      if (wide.size() > 1)
        return 0;
      inner.push_back(outer[wide.empty() ? group.back() : wide.front()]);
    }
    outer = inner;
    floats = expand.getSrc();
  }
  linalg::GenericOp toFloat = castOf<arith::SIToFPOp>(floats);
  if (!toFloat)
    return 0;
  Value ints = toFloat.getDpsInputs()[0];
  auto isKeys = [&](PositionsOp p) {
    return p && isSameDimension(p.getLike(), p.getDim(), attention.getKey(), 2);
  };
  if (PositionsOp keys = positionsFromZero(ints)) {
    std::optional<unsigned> along = onlyDimRead(product, posIn);
    return isKeys(keys) && along && static_cast<int64_t>(*along) == keyDim ? 1
                                                                           : 0;
  }
  // j - i: a generic yielding subi of two positions, each broadcast along
  // one of its loops, which the product reads as the key and query axes.
  auto diff = ints.getDefiningOp<linalg::GenericOp>();
  if (!diff || diff.getNumDpsInputs() != 2 || diff.getNumDpsInits() != 1 ||
      !diff.getIndexingMapsArray().back().isIdentity())
    return 0;
  auto yield = cast<linalg::YieldOp>(diff.getBlock()->getTerminator());
  auto sub = yield.getOperand(0).getDefiningOp<arith::SubIOp>();
  Block *body = diff.getBlock();
  if (!sub)
    return 0;
  // The product's loop that loop `l` of `diff` (a dimension of the
  // positions tensor) is read along.
  AffineMap read = product.getIndexingMapsArray()[posIn];
  auto productLoop = [&](unsigned l) -> std::optional<int64_t> {
    auto d = dyn_cast<AffineDimExpr>(read.getResult(outer[l]));
    return d ? std::optional<int64_t>(d.getPosition()) : std::nullopt;
  };
  // The positions one side of the subtraction reads, and the product's
  // loop they vary along.
  auto side = [&](Value operand) -> std::pair<PositionsOp, int64_t> {
    auto arg = dyn_cast<BlockArgument>(operand);
    if (!arg || arg.getOwner() != body || arg.getArgNumber() > 1)
      return {PositionsOp(), -1};
    PositionsOp p = positionsFromZero(diff.getDpsInputs()[arg.getArgNumber()]);
    std::optional<unsigned> loop = onlyDimRead(diff, arg.getArgNumber());
    std::optional<int64_t> at = loop ? productLoop(*loop) : std::nullopt;
    return {p, at ? *at : -1};
  };
  auto isKeySide = [&](std::pair<PositionsOp, int64_t> s) {
    return isKeys(s.first) && s.second == keyDim;
  };
  auto isQuerySide = [&](std::pair<PositionsOp, int64_t> s) {
    return s.first &&
           isSameDimension(s.first.getLike(), s.first.getDim(),
                           attention.getQuery(), 2) &&
           s.second == queryDim;
  };
  auto lhs = side(sub.getLhs()), rhs = side(sub.getRhs());
  if (isKeySide(lhs) && isQuerySide(rhs))
    return 2;
  if (isQuerySide(lhs) && isKeySide(rhs))
    return -2;
  return 0;
}

/// seq.attention under a causal mask whose float mask is `c * float(p)`:
/// `c` a constant varying along the heads at most, `p` the key positions
/// (broadcast along the key axis) or the keys' minus the queries'
/// (readPositions) -> alibi_slopes = c per head (negated for i - j).
struct RaiseAlibiMask : OpRewritePattern<AttentionOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(AttentionOp attention,
                                PatternRewriter &rewriter) const override {
    Value mask = attention.getMask();
    if (!mask || !attention.getCausal() || attention.getAlibiSlopes() ||
        attention.getRelativeBias() || attention.getWindow() ||
        !isa<FloatType>(getElementTypeOrSelf(mask.getType())))
      return failure();
    auto queryType = cast<RankedTensorType>(attention.getQuery().getType());
    int64_t heads = queryType.getDimSize(1);
    if (ShapedType::isDynamic(heads))
      return failure();
    auto product = mask.getDefiningOp<linalg::GenericOp>();
    if (!product || product.getNumDpsInputs() != 2 ||
        product.getNumDpsInits() != 1 ||
        product.getNumParallelLoops() != product.getNumLoops())
      return failure();
    auto yield = cast<linalg::YieldOp>(product.getBlock()->getTerminator());
    auto mul = yield.getOperand(0).getDefiningOp<arith::MulFOp>();
    Block *body = product.getBlock();
    if (!mul || !product.getIndexingMapsArray().back().isIdentity())
      return failure();
    int64_t rank = cast<RankedTensorType>(mask.getType()).getRank();
    // The mask's dimensions align with [B, H, Lq, Lk] from the right.
    int64_t headDim = rank - 3;
    for (auto [slopeIn, posIn] :
         {std::pair<unsigned, unsigned>{0, 1}, {1, 0}}) {
      if (!((mul.getLhs() == body->getArgument(slopeIn) &&
             mul.getRhs() == body->getArgument(posIn)) ||
            (mul.getRhs() == body->getArgument(slopeIn) &&
             mul.getLhs() == body->getArgument(posIn))))
        continue;
      DenseElementsAttr slopes;
      Value slopeValue = product.getDpsInputs()[slopeIn];
      int form = readPositions(product, posIn, attention);
      if (!matchPattern(slopeValue, m_Constant(&slopes)) || !form ||
          !slopes.getElementType().isF32())
        continue;
      // Under the causal mask ALiBi adds m (j - p(i)): m j and m (j - i)
      // differ from it by a constant per row (p(i) - i = Lk - Lq when
      // bottom-right aligned), which softmax cancels.
      float sign = form == -2 ? -1.0f : 1.0f;
      // The slopes vary along the heads at most.
      SmallVector<float> perHead;
      if (slopes.isSplat()) {
        perHead.assign(heads, sign * slopes.getSplatValue<float>());
      } else {
        std::optional<unsigned> slopeDim = onlyDimRead(product, slopeIn);
        if (!slopeDim || static_cast<int64_t>(*slopeDim) != headDim ||
            slopes.getNumElements() != heads)
          continue;
        for (float s : slopes.getValues<float>())
          perHead.push_back(sign * s);
      }
      if (!llvm::all_of(perHead, [](float s) { return std::isfinite(s); }))
        continue;
      rewriter.modifyOpInPlace(attention, [&] {
        attention.getMaskMutable().clear();
        attention.setAlibiSlopesAttr(rewriter.getDenseF32ArrayAttr(perHead));
      });
      return success();
    }
    return failure();
  }
};

struct RaiseAlibiPass : seqc::seq::impl::RaiseAlibiPassBase<RaiseAlibiPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseAlibiMask>(&getContext());
    applyRaising(getOperation(), std::move(patterns));
  }
};

} // namespace
