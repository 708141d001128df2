//===- FoldLastStep.cpp - the last step of a recurrence is its state ----===//
//
// `last(lstm(x))` — a sequence classifier's head — reads one step of a
// [T, B, H] output. For a forward, single-direction recurrence without
// sequence lengths that step is exactly the final hidden state, which the
// op returns anyway. Reading it from there lets seq-decompose-recurrences
// skip storing the output sequence: the model then needs no memory that
// grows with T besides its input.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/Passes.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Interfaces/ValueBoundsOpInterface.h"

using namespace mlir;
using namespace seqc::seq;

namespace {

/// One shape-preserving view between a recurrence's `y` and the slice:
/// the importers put a collapse (dropping the directions dimension) and
/// transposes (layout changes) there.
struct View {
  Operation *op;
  SmallVector<ReassociationIndices> reassociation; // collapse_shape
  SmallVector<int64_t> permutation;                // linalg.transpose
  /// The view's source shape.
  SmallVector<int64_t> sourceShape;
};

/// The value `view` computes when applied to `source`.
Value replay(OpBuilder &b, Location loc, const View &view, Value source) {
  if (!view.permutation.empty()) {
    auto type = cast<RankedTensorType>(source.getType());
    SmallVector<OpFoldResult> sizes;
    for (int64_t p : view.permutation)
      sizes.push_back(tensor::getMixedSize(b, loc, source, p));
    Value init = tensor::EmptyOp::create(b, loc, sizes, type.getElementType());
    return linalg::TransposeOp::create(b, loc, source, init, view.permutation)
        .getResult()[0];
  }
  return tensor::CollapseShapeOp::create(b, loc, source, view.reassociation);
}

/// The sizes of `view`'s result given its source's.
SmallVector<OpFoldResult> mapSizes(OpBuilder &b, Location loc, const View &view,
                                   ArrayRef<OpFoldResult> sizes) {
  SmallVector<OpFoldResult> result;
  if (!view.permutation.empty()) {
    for (int64_t p : view.permutation)
      result.push_back(sizes[p]);
    return result;
  }
  AffineExpr s0 = b.getAffineSymbolExpr(0), s1 = b.getAffineSymbolExpr(1);
  for (const ReassociationIndices &group : view.reassociation) {
    OpFoldResult product = b.getIndexAttr(1);
    for (int64_t d : group)
      product = affine::makeComposedFoldedAffineApply(b, loc, s0 * s1,
                                                      {product, sizes[d]});
    result.push_back(product);
  }
  return result;
}

/// Where dimension `dim` of a view's source goes in its result (nullopt:
/// merged with other dimensions that are not all static 1s, like the
/// directions dimension of a single-direction y).
std::optional<int64_t> mapDim(const View &view, int64_t dim) {
  if (!view.permutation.empty())
    return llvm::find(view.permutation, dim) - view.permutation.begin();
  for (auto [index, group] : llvm::enumerate(view.reassociation)) {
    if (!llvm::is_contained(group, dim))
      continue;
    for (int64_t other : group)
      if (other != dim && view.sourceShape[other] != 1)
        return std::nullopt;
    return index;
  }
  return std::nullopt;
}

/// Users of `value` other than tensor.dim; the views must be its only one.
SmallVector<Operation *> nonDimUsers(Value value) {
  SmallVector<Operation *> users;
  for (Operation *user : value.getUsers())
    if (!isa<tensor::DimOp>(user))
      users.push_back(user);
  return users;
}

struct LastStepToFinalState : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    // Walk from the slice up to the recurrence through single-consumer
    // views.
    SmallVector<View> views;
    Value value = slice.getSource();
    RecurrenceOpInterface recurrence;
    while (true) {
      if (nonDimUsers(value).size() != 1)
        return failure();
      Operation *def = value.getDefiningOp();
      if (!def)
        return failure();
      if ((recurrence = dyn_cast<RecurrenceOpInterface>(def))) {
        if (value != recurrence.getY())
          return failure();
        break;
      }
      if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(def)) {
        views.push_back({def, collapse.getReassociationIndices(), {},
                         llvm::to_vector(collapse.getSrcType().getShape())});
        value = collapse.getSrc();
      } else if (auto transpose = dyn_cast<linalg::TransposeOp>(def)) {
        views.push_back({def, {}, llvm::to_vector(transpose.getPermutation()),
                         {}});
        value = transpose.getInput();
      } else {
        return failure();
      }
    }
    std::reverse(views.begin(), views.end());

    bool batchMajor = recurrence.isBatchMajor();
    bool forward = recurrence.getDirection() == Direction::forward;
    bool hasLengths = static_cast<bool>(recurrence.getSequenceLens());
    // With sequence lengths the final state is the last *valid* step's,
    // while y's last step is zero for a shorter row.
    if (!forward || hasLengths)
      return rewriter.notifyMatchFailure(slice,
                                         "not a plain forward recurrence");

    // y is [T, 1, B, H] or [B, T, 1, H]; follow T through the views.
    std::optional<int64_t> timeDim = batchMajor ? 1 : 0;
    for (const View &view : views)
      if (!(timeDim = mapDim(view, *timeDim)))
        return failure();
    Value source = slice.getSource();
    if (slice.getStaticSizes()[*timeDim] != 1 ||
        slice.getStaticStrides()[*timeDim] != 1)
      return failure();
    AffineMap minusOne = AffineMap::get(
        0, 1, rewriter.getAffineSymbolExpr(0) - 1, rewriter.getContext());
    ValueBoundsConstraintSet::Variable lastStep(
        minusOne, {ValueBoundsConstraintSet::Variable(source, *timeDim)});
    if (!ValueBoundsConstraintSet::compare(
            ValueBoundsConstraintSet::Variable(
                slice.getMixedOffsets()[*timeDim]),
            ValueBoundsConstraintSet::ComparisonOperator::EQ, lastStep))
      return rewriter.notifyMatchFailure(slice, "not the last step");

    Location loc = slice.getLoc();
    // The final hidden state [1, B, H] or [B, 1, H] as a one-step y.
    Value state = recurrence.getFinalState(0);
    SmallVector<ReassociationIndices> expand =
        batchMajor ? SmallVector<ReassociationIndices>{{0}, {1, 2}, {3}}
                   : SmallVector<ReassociationIndices>{{0, 1}, {2}, {3}};
    auto yType = cast<RankedTensorType>(recurrence.getY().getType());
    SmallVector<int64_t> oneStepShape(yType.getShape());
    oneStepShape[batchMajor ? 1 : 0] = 1;
    auto stateType = cast<RankedTensorType>(state.getType());
    // Time-major [1, 1, B, H] from [1, B, H]; batch-major [B, 1, 1, H] from
    // [B, 1, H].
    OpFoldResult one = rewriter.getIndexAttr(1);
    OpFoldResult batch =
        tensor::getMixedSize(rewriter, loc, state, batchMajor ? 0 : 1);
    OpFoldResult hidden = rewriter.getIndexAttr(stateType.getDimSize(2));
    SmallVector<OpFoldResult> oneStepSizes =
        batchMajor ? SmallVector<OpFoldResult>{batch, one, one, hidden}
                   : SmallVector<OpFoldResult>{one, one, batch, hidden};
    Value oneStep = tensor::ExpandShapeOp::create(
        rewriter, loc,
        RankedTensorType::get(oneStepShape, stateType.getElementType()), state,
        expand, oneStepSizes);
    for (const View &view : views)
      oneStep = replay(rewriter, loc, view, oneStep);
    SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
    offsets[*timeDim] = rewriter.getIndexAttr(0);
    Value replacement = tensor::ExtractSliceOp::create(
        rewriter, loc, slice.getType(), oneStep, offsets, slice.getMixedSizes(),
        slice.getMixedStrides());

    // The sizes read from the views (the importer's checks and slice
    // bounds) come from the recurrence's input instead, so that nothing
    // keeps y alive.
    // Computed right after the recurrence: the dims replaced may come
    // before the slice.
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointAfter(recurrence);
    Value input = recurrence.getInput();
    OpFoldResult steps =
        tensor::getMixedSize(rewriter, loc, input, batchMajor ? 1 : 0);
    OpFoldResult rows =
        tensor::getMixedSize(rewriter, loc, input, batchMajor ? 0 : 1);
    OpFoldResult width = rewriter.getIndexAttr(yType.getDimSize(3));
    SmallVector<OpFoldResult> sizes =
        batchMajor ? SmallVector<OpFoldResult>{rows, steps, one, width}
                   : SmallVector<OpFoldResult>{steps, one, rows, width};
    SmallVector<std::pair<Value, SmallVector<OpFoldResult>>> chain = {
        {recurrence.getY(), sizes}};
    for (const View &view : views)
      chain.push_back({view.op->getResult(0),
                       mapSizes(rewriter, loc, view, chain.back().second)});
    for (auto &[viewValue, viewSizes] : chain)
      for (Operation *user : llvm::make_early_inc_range(viewValue.getUsers()))
        if (auto dim = dyn_cast<tensor::DimOp>(user))
          if (std::optional<int64_t> index = dim.getConstantIndex())
            rewriter.replaceOp(
                dim, getValueOrCreateConstantIndexOp(rewriter, dim.getLoc(),
                                                     viewSizes[*index]));
    rewriter.replaceOp(slice, replacement);
    return success();
  }
};

} // namespace

void seqc::seq::populateFoldLastStepPatterns(RewritePatternSet &patterns) {
  patterns.add<LastStepToFinalState>(patterns.getContext());
}
