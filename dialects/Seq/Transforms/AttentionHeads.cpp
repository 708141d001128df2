//===- AttentionHeads.cpp - how q, k and v carry their heads -------------===//
//
// See AttentionHeads.h.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/AttentionHeads.h"

#include "dialects/Seq/Transforms/RaisingMatchers.h"
#include "dialects/Seq/Utils/SizeUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace seqc::seq {

namespace {

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// A rank-3 attention operand [N, L, D] whose N is a batch and heads
/// merged, batch outer: the rank-4 value the merge was collapsed from and
/// the permutation that makes it [B, H, L, D]. nn.MultiheadAttention
/// exports its heads this way ([L, B, E] -> [L, B, H, D] -> [L, B * H, D]
/// -> [B * H, L, D]); so does `x.view(B, L, H, D).transpose(1, 2)
/// .reshape(B * H, L, D)`.
struct MergedHeads {
  Value source;
  SmallVector<int64_t> permutation;
};

std::optional<MergedHeads> matchMergedHeads(Value x) {
  if (tensorType(x).getRank() != 3)
    return std::nullopt;
  // Dimension i of x is dimension perm[i] of w, through transposes and
  // casts.
  SmallVector<int64_t> perm = {0, 1, 2};
  Value w = x;
  while (true) {
    if (auto cast = w.getDefiningOp<tensor::CastOp>()) {
      w = cast.getSource();
    } else if (auto t = w.getDefiningOp<linalg::TransposeOp>()) {
      for (int64_t &p : perm)
        p = t.getPermutation()[p];
      w = t.getInput();
    } else {
      break;
    }
  }
  auto collapse = w.getDefiningOp<tensor::CollapseShapeOp>();
  if (!collapse || collapse.getSrcType().getRank() != 4)
    return std::nullopt;
  SmallVector<ReassociationIndices> groups = collapse.getReassociationIndices();
  const ReassociationIndices &merged = groups[perm[0]];
  if (merged.size() != 2 || collapse.getSrcType().isDynamicDim(merged[1]))
    return std::nullopt;
  return MergedHeads{
      collapse.getSrc(),
      {merged[0], merged[1], groups[perm[1]].front(), groups[perm[2]].front()}};
}

/// `m` as [B, H, L, D].
Value splitHeads(OpBuilder &b, Location loc, const MergedHeads &m) {
  if (llvm::equal(m.permutation, llvm::seq<int64_t>(0, 4)))
    return m.source;
  return createTranspose(b, loc, m.source, m.permutation);
}

/// Whether `piece` is slice `index` of `source` along `dim`, of size 1,
/// whole along every other dimension.
bool isUnitSliceAt(Value piece, Value source, int64_t dim, int64_t index) {
  auto slice = piece.getDefiningOp<tensor::ExtractSliceOp>();
  if (!slice || slice.getSource() != source || !slice.hasUnitStride() ||
      slice.getSourceType().getRank() != slice.getResultType().getRank())
    return false;
  for (int64_t d = 0; d < slice.getSourceType().getRank(); ++d) {
    std::optional<int64_t> offset =
        getConstantIntValue(slice.getMixedOffsets()[d]);
    OpFoldResult size = slice.getMixedSizes()[d];
    bool whole =
        d != dim && offset == 0 && isSameSize(size, getDecidedSize(source, d));
    bool unitAtIndex =
        d == dim && offset == index && getConstantIntValue(size) == 1;
    if (!whole && !unitAtIndex)
      return false;
  }
  return true;
}

} // namespace

std::optional<Unrepeated> unrepeat(OpBuilder &b, Location loc, Value x,
                                   int64_t dim) {
  if (auto t = x.getDefiningOp<linalg::TransposeOp>()) {
    ArrayRef<int64_t> perm = t.getPermutation();
    std::optional<Unrepeated> in = unrepeat(b, loc, t.getInput(), perm[dim]);
    if (!in)
      return std::nullopt;
    return Unrepeated{createTranspose(b, loc, in->value, perm), in->repeats};
  }
  if (auto concat = x.getDefiningOp<tensor::ConcatOp>()) {
    // torch 1.13's repeat_interleave export: each head h of `source`,
    // sliced out and repeated, concatenated in order.
    if (int64_t(concat.getDim()) != dim)
      return std::nullopt;
    Value source;
    int64_t repeats = 0;
    for (auto [h, piece] : llvm::enumerate(concat.getInputs())) {
      std::optional<Unrepeated> one = unrepeat(b, loc, piece, dim);
      if (!one || (repeats && one->repeats != repeats))
        return std::nullopt;
      repeats = one->repeats;
      auto slice = one->value.getDefiningOp<tensor::ExtractSliceOp>();
      if (!slice)
        return std::nullopt;
      if (!source)
        source = slice.getSource();
      if (!isUnitSliceAt(one->value, source, dim, h))
        return std::nullopt;
    }
    if (!source || tensorType(source).getDimSize(dim) !=
                       int64_t(concat.getInputs().size()))
      return std::nullopt;
    return Unrepeated{source, repeats};
  }
  auto collapse = x.getDefiningOp<tensor::CollapseShapeOp>();
  if (!collapse)
    return std::nullopt;
  SmallVector<ReassociationIndices> groups = collapse.getReassociationIndices();
  for (auto [i, group] : llvm::enumerate(groups))
    if ((int64_t)i != dim ? group.size() != 1 : group.size() != 2)
      return std::nullopt;
  int64_t outer = groups[dim][0], inner = groups[dim][1];
  RankedTensorType wide = collapse.getSrcType();
  if (wide.isDynamicDim(outer) || wide.isDynamicDim(inner))
    return std::nullopt;
  // The repeated tensor is a copy that reads the same element for every
  // index along `inner`.
  std::optional<Elementwise> copy = matchElementwise(collapse.getSrc());
  if (!copy || copy->op.getNumDpsInputs() != 1 ||
      copy->yielded != copy->op.getBody()->getArgument(0))
    return std::nullopt;
  OpOperand *in = copy->op.getDpsInputOperand(0);
  AffineMap map = copy->op.getMatchingIndexingMap(in);
  auto inType = cast<RankedTensorType>(in->get().getType());
  int64_t rank = wide.getRank();
  bool keepsUnitDim = inType.getRank() == rank;
  if (!keepsUnitDim && inType.getRank() != rank - 1)
    return std::nullopt;
  for (int64_t d = 0, r = 0; d < rank; ++d) {
    if (d == inner) {
      if (keepsUnitDim &&
          (inType.getDimSize(r) != 1 ||
           map.getResult(r) != getAffineConstantExpr(0, b.getContext())))
        return std::nullopt;
      r += keepsUnitDim;
      continue;
    }
    if (map.getResult(r++) != getAffineDimExpr(d, b.getContext()))
      return std::nullopt;
  }
  Value narrow = in->get();
  if (keepsUnitDim) {
    // Drop the unit dimension again (the expand_shape that made it, if
    // that is what it is).
    auto expand = narrow.getDefiningOp<tensor::ExpandShapeOp>();
    auto addsOnlyInner = [&](ReassociationIndices g) {
      return g.size() == 1 || (g.size() == 2 && llvm::is_contained(g, inner));
    };
    if (expand && expand.getSrcType().getRank() == rank - 1 &&
        llvm::all_of(expand.getReassociationIndices(), addsOnlyInner))
      narrow = expand.getSrc();
    else
      narrow = tensor::CollapseShapeOp::create(b, loc, narrow, groups);
  }
  return Unrepeated{narrow, wide.getDimSize(inner)};
}

std::optional<SmallVector<Value>> splitMergedHeads(OpBuilder &b, Location loc,
                                                   Value q, Value k, Value v,
                                                   Value mask) {
  SmallVector<MergedHeads> merged;
  for (Value x : {q, k, v}) {
    std::optional<MergedHeads> m = matchMergedHeads(x);
    if (!m)
      return std::nullopt;
    merged.push_back(*m);
  }
  auto heads = [](const MergedHeads &m) {
    return tensorType(m.source).getDimSize(m.permutation[1]);
  };
  if (heads(merged[1]) != heads(merged[0]) ||
      heads(merged[2]) != heads(merged[0]))
    return std::nullopt;
  std::optional<MergedHeads> maskHeads;
  if (mask && tensorType(mask).getRank() == 3 &&
      tensorType(mask).getDimSize(0) != 1) {
    maskHeads = matchMergedHeads(mask);
    if (!maskHeads || heads(*maskHeads) != heads(merged[0]))
      return std::nullopt;
  }
  SmallVector<Value> split;
  for (const MergedHeads &m : merged)
    split.push_back(splitHeads(b, loc, m));
  split.push_back(maskHeads ? splitHeads(b, loc, *maskHeads) : mask);
  return split;
}

} // namespace seqc::seq
