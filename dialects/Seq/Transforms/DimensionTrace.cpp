//===- DimensionTrace.cpp - following a dimension through per-step ops ---===//
//
// See DimensionTrace.h.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/DimensionTrace.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/DestinationStyleOpInterface.h"

using namespace mlir;

namespace seqc::seq::detail {

/// The operand dimension of `op` whose size dimension `dim` of its result
/// `value` has by the op's shape rule (DimensionTiesOpInterface, followed
/// through chains of ties), the earliest operand when several do. None
/// when no operand dimension is tied to it (a linear's output features).
std::optional<std::pair<Value, unsigned>>
tiedOperandDimension(DimensionTiesOpInterface op, Value value, unsigned dim) {
  SmallVector<DimensionTie> ties;
  op.getDimensionTies(ties);
  SmallVector<std::pair<Value, int64_t>> tied = {{value, dim}};
  for (size_t next = 0; next < tied.size(); ++next) {
    for (const DimensionTie &tie : ties) {
      std::pair<Value, int64_t> a = {tie.a, tie.dimA}, b = {tie.b, tie.dimB};
      if (a == tied[next] && !llvm::is_contained(tied, b))
        tied.push_back(b);
      else if (b == tied[next] && !llvm::is_contained(tied, a))
        tied.push_back(a);
    }
  }
  for (OpOperand &operand : op->getOpOperands())
    for (auto [tiedValue, tiedDim] : tied)
      if (tiedValue == operand.get())
        return std::make_pair(tiedValue, static_cast<unsigned>(tiedDim));
  return std::nullopt;
}

using TracedDim = std::optional<std::pair<BlockArgument, unsigned>>;
/// Where a generic's inputs led, each followed once per traceDimension
/// call: a chain of generics each reading several traced values would be
/// followed along every path (exponential in its depth) otherwise.
using TraceMemo = llvm::DenseMap<std::pair<Value, unsigned>, TracedDim>;

static TracedDim traceDimension(Value value, unsigned dim, TraceMemo &memo);

/// The function argument dimension that dimension `dim` of `value` is
/// (the same extent; the same rows where the ops carry rows): followed back
/// through the ops a model applies per step. None when it cannot be
/// followed.
///
/// A flatten and a split between (torch's head split at batch 1 exports
/// [T, 1, E] -> [T*E] -> [T, H, E/H]) are followed through the leading
/// dimension of the groups: the split's leading T has the flat dimension's
/// rows of E = H * E/H elements (`inner`), which the flatten's group, led
/// by T with static trailing extents of product E, takes back.
std::optional<std::pair<BlockArgument, unsigned>> traceDimension(Value value,
                                                                 unsigned dim) {
  TraceMemo memo;
  return traceDimension(value, dim, memo);
}

/// Whether `v` is `dest` written into: insert_slice / insert into it, or
/// a destination-style op whose init it is, any number of times (such
/// writes keep the destination's extents).
static bool writesInto(Value v, Value dest) {
  for (int steps = 0; steps < 1024 && v != dest; ++steps) {
    Operation *op = v.getDefiningOp();
    if (auto insert = dyn_cast_or_null<tensor::InsertSliceOp>(op))
      v = insert.getDest();
    else if (auto element = dyn_cast_or_null<tensor::InsertOp>(op))
      v = element.getDest();
    else if (auto dps = dyn_cast_or_null<DestinationStyleOpInterface>(op))
      v = dps.getTiedOpOperand(cast<OpResult>(v))->get();
    else
      return false;
  }
  return v == dest;
}

static TracedDim traceDimension(Value value, unsigned dim, TraceMemo &memo) {
  int64_t inner = 1;
  // The product of a group's extents after its first; none if one is
  // dynamic.
  auto trailing =
      [](RankedTensorType type,
         const ReassociationIndices &group) -> std::optional<int64_t> {
    int64_t product = 1;
    for (int64_t d : llvm::drop_begin(group)) {
      if (type.isDynamicDim(d))
        return std::nullopt;
      product *= type.getDimSize(d);
    }
    return product;
  };
  while (true) {
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      if (!isa<func::FuncOp>(arg.getOwner()->getParentOp()) || inner != 1)
        return std::nullopt;
      return std::make_pair(arg, dim);
    }
    Operation *op = value.getDefiningOp();
    bool reshape = isa<tensor::CollapseShapeOp, tensor::ExpandShapeOp>(op);
    // (A cast or a comparison keeps the shape, not the element type.)
    auto sameShape = [&](Value operand) {
      auto type = dyn_cast<RankedTensorType>(operand.getType());
      return type && type.getShape() ==
                         cast<RankedTensorType>(value.getType()).getShape();
    };
    bool flatElementwise = op->getNumOperands() > 0 &&
                           op->hasTrait<OpTrait::Elementwise>() &&
                           sameShape(op->getOperand(0));
    // Inside a flattened stretch only the flat layout's own ops.
    if (inner != 1 && !reshape && !flatElementwise)
      return std::nullopt;
    if (auto tied = dyn_cast<DimensionTiesOpInterface>(op)) {
      // A seq op's shape rule says which operand dimension a result
      // dimension has the size of; for the batch dimension a state is
      // sized by, that is the same batch.
      std::optional<std::pair<Value, unsigned>> operandDim =
          tiedOperandDimension(tied, value, dim);
      if (!operandDim)
        return std::nullopt;
      std::tie(value, dim) = *operandDim;
    } else if (flatElementwise) {
      value = op->getOperand(0);
    } else if (auto softmax = dyn_cast<linalg::SoftmaxOp>(op)) {
      value = softmax.getInput();
    } else if (auto transpose = dyn_cast<linalg::TransposeOp>(op)) {
      dim = transpose.getPermutation()[dim];
      value = transpose.getInput();
    } else if (auto slice = dyn_cast<tensor::ExtractSliceOp>(op)) {
      // (A rank-reducing slice, a[:, :, 0], drops unit dimensions.)
      dim = sliceSourceDim(slice, dim);
      value = slice.getSource();
    } else if (auto concat = dyn_cast<tensor::ConcatOp>(op)) {
      // The last operand: a convolution's history state comes first.
      value = concat.getInputs().back();
    } else if (reshape) {
      // Through a group that holds one dimension of size other than 1, or
      // through its leading dimension (above).
      bool collapse = isa<tensor::CollapseShapeOp>(op);
      Value source = op->getOperand(0);
      auto expanded =
          cast<RankedTensorType>((collapse ? source : value).getType());
      SmallVector<ReassociationIndices> groups =
          collapse ? cast<tensor::CollapseShapeOp>(op).getReassociationIndices()
                   : cast<tensor::ExpandShapeOp>(op).getReassociationIndices();
      std::optional<unsigned> next;
      for (auto [g, group] : llvm::enumerate(groups)) {
        bool holds = collapse ? g == dim : llvm::is_contained(group, dim);
        if (!holds)
          continue;
        SmallVector<int64_t> nonUnit;
        for (int64_t d : group)
          if (expanded.getDimSize(d) != 1)
            nonUnit.push_back(d);
        std::optional<int64_t> rest = trailing(expanded, group);
        if (nonUnit.size() == 1 && inner == 1) {
          next = collapse ? nonUnit[0] : g;
          if (!collapse && nonUnit[0] != static_cast<int64_t>(dim))
            return std::nullopt;
        } else if (!collapse && group.front() == dim && rest) {
          // A split: its leading dimension's rows of `rest` elements.
          next = g;
          inner *= *rest;
        } else if (collapse && rest && *rest != 0 && inner % *rest == 0) {
          // A flatten of rows of `rest` elements, led by the traced one.
          next = group.front();
          inner /= *rest;
        } else {
          return std::nullopt;
        }
      }
      if (!next)
        return std::nullopt;
      dim = *next;
      value = source;
    } else if (auto shaped = dyn_cast<tensor::ReshapeOp>(op)) {
      // A view whose leading extent is its source's leading one
      // (`memory.view(S, B * H, D)` of a [S, B, E] memory, flattened
      // first): in row-major order each leading index is a contiguous
      // block of the same elements on both sides, since the element
      // counts agree (checked when it runs).
      auto shape = shaped.getShape().getDefiningOp<tensor::FromElementsOp>();
      auto size = shape ? shape.getElements()[0].getDefiningOp<tensor::DimOp>()
                        : tensor::DimOp();
      if (dim != 0 || inner != 1 || !size || size.getConstantIndex() != 0)
        return std::nullopt;
      Value source = shaped.getSource();
      auto flatten = source.getDefiningOp<tensor::CollapseShapeOp>();
      if (size.getSource() != source &&
          !(flatten && flatten.getResultType().getRank() == 1 &&
            size.getSource() == flatten.getSrc()))
        return std::nullopt;
      value = size.getSource();
    } else if (auto generic = dyn_cast<linalg::LinalgOp>(op)) {
      // A generic (or a named op, a batch_matmul of scores): the loop of
      // output `dim`, read by an input.
      auto result = cast<OpResult>(value);
      AffineMap outMap = generic.getIndexingMapMatchingResult(result);
      auto loop = dyn_cast<AffineDimExpr>(outMap.getResult(dim));
      if (!loop)
        return std::nullopt;
      // Every input that reads the loop has its extent and its rows; the
      // first one that leads back to an argument does (`ones(B, 1, 1) *
      // x` reads B from x, not from the constant-filled operand, when
      // that one is not followed).
      for (OpOperand *input : generic.getDpsInputOperands()) {
        AffineMap map = generic.getMatchingIndexingMap(input);
        for (auto [d, expr] : llvm::enumerate(map.getResults())) {
          if (expr != loop)
            continue;
          std::pair<Value, unsigned> key = {input->get(),
                                            static_cast<unsigned>(d)};
          if (memo.try_emplace(key, std::nullopt).second) {
            TracedDim traced = traceDimension(key.first, key.second, memo);
            memo[key] = traced; // (the map may have grown meanwhile)
          }
          if (TracedDim traced = memo.lookup(key))
            return traced;
        }
      }
      // None does (an iota, computed from the loop's index alone; a fill,
      // one value in every row): the extent is the init's, of the
      // result's type.
      value = generic.getDpsInitOperand(result.getResultNumber())->get();
    } else if (auto loop = dyn_cast<scf::ForOp>(op)) {
      // A loop result the body only writes into (TopK's selection loop
      // inserting each pick into its iter_arg) keeps its init's extents.
      unsigned i = cast<OpResult>(value).getResultNumber();
      if (!writesInto(loop.getYieldedValues()[i], loop.getRegionIterArgs()[i]))
        return std::nullopt;
      value = loop.getInitArgs()[i];
    } else if (auto empty = dyn_cast<tensor::EmptyOp>(op)) {
      // A run-time extent read from another tensor, `tensor.empty(dim x,
      // 0)`: that tensor's dimension (no rows to follow; the extent is
      // what a caller of this needs).
      if (!empty.getType().isDynamicDim(dim))
        return std::nullopt;
      auto size = empty.getDynamicSize(dim).getDefiningOp<tensor::DimOp>();
      std::optional<int64_t> index =
          size ? size.getConstantIndex() : std::nullopt;
      if (!index)
        return std::nullopt;
      value = size.getSource();
      dim = static_cast<unsigned>(*index);
    } else {
      return std::nullopt;
    }
  }
}

/// How many consecutive entries of run-time dimension `d` of `v` belong to
/// one step of the run-time size it carries: 64 after [T, 4, 16] -> [T *
/// 64], followed back through the collapses that merged static sizes into
/// it (also a chain of them: view(-1, 1) then a Tile and a view(T, -1)),
/// the splits of such blocks, transposes, casts and elementwise
/// generics, and seq ops' shape rules. 1 for a dimension as an op other
/// than those made it (a model
/// input's time); none when a group holds another run-time size or does
/// not split evenly. Every op on the way is checked per step on its own,
/// so an entry of the dimension stays within its step.
std::optional<int64_t> elementsPerStep(Value v, int64_t d) {
  int64_t block = 1;
  // (Bounded: the chain is as long as the model.)
  for (int steps = 0; steps < 1024; ++steps) {
    auto type = cast<RankedTensorType>(v.getType());
    if (!type.isDynamicDim(d))
      return std::nullopt;
    // The group of `d` in `groups`, whose first dimension of size other
    // than 1 must be the run-time one and the rest static: their product.
    auto staticRest = [&](RankedTensorType expanded,
                          const ReassociationIndices &group,
                          int64_t &outer) -> std::optional<int64_t> {
      int64_t product = 1;
      outer = -1;
      for (int64_t e : group) {
        if (expanded.getDimSize(e) == 1)
          continue;
        if (outer < 0 && expanded.isDynamicDim(e)) {
          outer = e;
          continue;
        }
        if (outer < 0 || expanded.isDynamicDim(e) ||
            llvm::MulOverflow(product, expanded.getDimSize(e), product))
          return std::nullopt;
      }
      if (outer < 0)
        return std::nullopt;
      return product;
    };
    if (auto transpose = v.getDefiningOp<linalg::TransposeOp>()) {
      d = transpose.getPermutation()[d];
      v = transpose.getInput();
    } else if (auto tied = v.getDefiningOp<DimensionTiesOpInterface>()) {
      // A seq op's result dimension that its shape rule ties to an
      // operand's (attention's batch, the heads merged into it, is its
      // query's).
      std::optional<std::pair<Value, unsigned>> operandDim =
          tiedOperandDimension(tied, v, d);
      if (!operandDim)
        return block;
      std::tie(v, d) = *operandDim;
    } else if (auto cast = v.getDefiningOp<tensor::CastOp>()) {
      v = cast.getSource();
    } else if (auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>()) {
      int64_t outer;
      std::optional<int64_t> rest = staticRest(
          collapse.getSrcType(), collapse.getReassociationIndices()[d], outer);
      if (!rest || llvm::MulOverflow(block, *rest, block))
        return std::nullopt;
      v = collapse.getSrc();
      d = outer;
    } else if (auto expand = v.getDefiningOp<tensor::ExpandShapeOp>()) {
      SmallVector<ReassociationIndices> groups =
          expand.getReassociationIndices();
      auto group = llvm::find_if(groups, [&](const ReassociationIndices &g) {
        return llvm::is_contained(g, d);
      });
      int64_t outer;
      std::optional<int64_t> rest =
          staticRest(expand.getResultType(), *group, outer);
      if (!rest || outer != d)
        return std::nullopt;
      std::optional<int64_t> source =
          elementsPerStep(expand.getSrc(), group - groups.begin());
      if (!source || *source % *rest != 0)
        return std::nullopt;
      return block * (*source / *rest);
    } else if (auto generic = v.getDefiningOp<linalg::GenericOp>();
               generic && generic->getNumResults() == 1 &&
               generic.getMatchingIndexingMap(generic.getDpsInitOperand(0))
                   .isIdentity()) {
      // Entry i of the result is computed from entry i of an input that
      // reads this loop straight along a run-time dimension.
      Value next;
      int64_t nextDim = -1;
      for (OpOperand *input : generic.getDpsInputOperands()) {
        auto inputType = dyn_cast<RankedTensorType>(input->get().getType());
        AffineMap map = generic.getMatchingIndexingMap(input);
        for (auto [e, expr] : llvm::enumerate(map.getResults()))
          if (inputType && inputType.isDynamicDim(e) &&
              expr == getAffineDimExpr(d, v.getContext()) && !next) {
            next = input->get();
            nextDim = e;
          }
      }
      if (!next)
        return block;
      v = next;
      d = nextDim;
    } else {
      return block;
    }
  }
  return std::nullopt;
}

} // namespace seqc::seq::detail
