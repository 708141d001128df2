//===- RaisePositions.cpp - torch.arange(T) into seq.positions ----------===//
//
// `torch.arange(x.size(d))` numbers the steps of a time axis, and
// `pe[:, :x.size(1)]` takes a table's rows for them; as seq.positions (and
// seq.embedding of the table at those positions) they name that axis,
// which is what lets a stream continue the numbering across chunks instead
// of restarting it. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/Passes.h"
#include "dialects/Seq/Transforms/RaisingMatchers.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/SizeUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

#define DEBUG_TYPE "seq-raise-positions"

namespace seqc::seq {
#define GEN_PASS_DEF_RAISEPOSITIONSPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

/// The start `s` of a body value `v` that is `s + index * 1` (in any of the
/// importer's spellings: index, s + index, s + index * 1, index * 1 + s)
/// with `s` a zero or defined outside `generic`; a null Value for a start
/// of 0.
/// None for anything else.
std::optional<Value> readStart(linalg::GenericOp generic, Value v) {
  auto isIndex = [&](Value x) {
    if (auto mul = x.getDefiningOp<arith::MulIOp>()) {
      if (matchPattern(mul.getRhs(), m_One()))
        x = mul.getLhs();
      else if (matchPattern(mul.getLhs(), m_One()))
        x = mul.getRhs();
    }
    auto index = x.getDefiningOp<linalg::IndexOp>();
    return index && index.getDim() == 0;
  };
  if (isIndex(v))
    return Value();
  auto add = v.getDefiningOp<arith::AddIOp>();
  if (!add)
    return std::nullopt;
  for (auto [a, b] : {std::pair(add.getLhs(), add.getRhs()),
                      std::pair(add.getRhs(), add.getLhs())}) {
    if (!isIndex(b))
      continue;
    if (matchPattern(a, m_Zero()))
      return Value();
    if (generic->isAncestor(a.getParentRegion()->getParentOp()))
      continue;
    return a;
  }
  return std::nullopt;
}

/// linalg.generic outs(tensor.empty(dim(x, d)) : tensor<?xi64>) yielding
/// index_cast(s + linalg.index 0) -> seq.positions %x dim(d) offset(s).
struct RaiseArange : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp generic,
                                PatternRewriter &rewriter) const override {
    if (generic.getNumDpsInputs() != 0 || generic.getNumDpsInits() != 1 ||
        generic.getNumLoops() != 1 || generic->getNumResults() != 1)
      return failure();
    auto type = dyn_cast<RankedTensorType>(generic->getResult(0).getType());
    if (!type || !type.getElementType().isInteger(64) || type.getRank() != 1)
      return failure();
    auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
    auto toI64 = yield.getValues()[0].getDefiningOp<arith::IndexCastOp>();
    if (!toI64 || !toI64.getIn().getType().isIndex())
      return failure();
    std::optional<Value> start = readStart(generic, toI64.getIn());
    if (!start)
      return failure();
    // The length: a tensor's dimension, not a constant.
    auto size =
        dyn_cast_if_present<Value>(getDecidedSize(generic.getDpsInits()[0], 0));
    auto dim = size ? size.getDefiningOp<tensor::DimOp>() : tensor::DimOp();
    std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
    if (!index)
      return failure();
    Value like = dim.getSource();
    if (!isa<RankedTensorType>(like.getType()))
      return failure();
    auto likeType = cast<RankedTensorType>(like.getType());
    // A value defined after the generic (a later tensor of the same
    // length) cannot be read before it.
    if (auto def = like.getDefiningOp();
        def && def->getBlock() == generic->getBlock() &&
        generic->isBeforeInBlock(def))
      return failure();
    rewriter.setInsertionPoint(generic);
    Location loc = generic.getLoc();
    Value offset;
    if (*start)
      offset = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(),
                                          *start);
    auto positionsType = RankedTensorType::get({likeType.getDimSize(*index)},
                                               rewriter.getI64Type());
    Value positions =
        PositionsOp::create(rewriter, loc, positionsType, like,
                            rewriter.getI64IntegerAttr(*index), offset);
    if (positions.getType() != type)
      positions = tensor::CastOp::create(rewriter, loc, type, positions);
    rewriter.replaceOp(generic, positions);
    return success();
  }
};

/// `size` with the clamps of an ONNX Slice's end peeled off: max(s, 0) and
/// min(s, `extent`), the table's length, in any order and nesting.
Value peelEndClamps(Value size, int64_t extent) {
  while (true) {
    auto max = size.getDefiningOp<arith::MaxSIOp>();
    auto min = size.getDefiningOp<arith::MinSIOp>();
    Operation *clamp = max ? max.getOperation() : min.getOperation();
    if (!clamp)
      return size;
    std::optional<int64_t> bound;
    Value other;
    for (auto [a, b] : {std::pair(clamp->getOperand(0), clamp->getOperand(1)),
                        std::pair(clamp->getOperand(1), clamp->getOperand(0))})
      if ((bound = getConstantIntValue(a))) {
        other = b;
        break;
      }
    if (!bound || *bound != (max ? 0 : extent))
      return size;
    size = other;
  }
}

/// Whether every user of `slice` reads it in a linalg op beside an operand
/// whose dimension on the same loop is dimension `index` of `like` (or
/// reads only its size: `pe[:, :T] + x` sizes the sum by the slice): the
/// run-time check of that op's operand sizes then fails a run whose
/// length is not the slice's, so a table read at positions past its end
/// (which a slice would have cut short) fails either way.
bool isReadBesideLength(tensor::ExtractSliceOp slice, unsigned axis, Value like,
                        int64_t index) {
  bool read = false;
  for (OpOperand &use : slice->getUses()) {
    if (isa<tensor::DimOp>(use.getOwner()))
      continue;
    read = true;
    auto linalgOp = dyn_cast<linalg::LinalgOp>(use.getOwner());
    if (!linalgOp)
      return false;
    auto loop = dyn_cast<AffineDimExpr>(
        linalgOp.getMatchingIndexingMap(&use).getResult(axis));
    if (!loop)
      return false;
    bool tied = false;
    for (OpOperand &other : linalgOp->getOpOperands()) {
      if (&other == &use || !isa<RankedTensorType>(other.get().getType()))
        continue;
      AffineMap map = linalgOp.getMatchingIndexingMap(&other);
      for (auto [d, expr] : llvm::enumerate(map.getResults()))
        tied |= expr == loop && isSameDimension(other.get(), d, like, index);
    }
    if (!tied)
      return false;
  }
  return read;
}

/// tensor.extract_slice of a constant table from row 0 to dim(x, d)
/// (`pe[:, :x.size(1)]`, a sinusoidal or learned position table; ONNX
/// Slice with its end clamped to the table's length) ->
/// seq.embedding(seq.positions %x dim(d), table as [rows, features]),
/// expanded back to the slice's shape. Only where the dimensions before
/// the sliced one are all 1 (the table is then already [rows, features] in
/// memory) and the slice is read beside a tensor of that length.
struct RaiseTableSlice : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    DenseElementsAttr table;
    if (!matchPattern(slice.getSource(), m_Constant(&table)) ||
        !isa<FloatType>(table.getElementType()))
      return failure();
    RankedTensorType sourceType = slice.getSourceType();
    RankedTensorType resultType = slice.getResultType();
    int64_t rank = sourceType.getRank();
    if (resultType.getRank() != rank || rank < 2)
      return failure();
    SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
    SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
    SmallVector<OpFoldResult> strides = slice.getMixedStrides();
    std::optional<unsigned> axis;
    for (int64_t d = 0; d < rank; ++d) {
      if (!isConstantIntValue(offsets[d], 0) ||
          !isConstantIntValue(strides[d], 1))
        return failure();
      if (isConstantIntValue(sizes[d], sourceType.getDimSize(d)))
        continue;
      if (axis || !isa<Value>(sizes[d]))
        return failure();
      axis = d;
    }
    // The rows come first in memory, and some features follow them.
    if (!axis || *axis + 1 == rank)
      return failure();
    for (unsigned d = 0; d < *axis; ++d)
      if (sourceType.getDimSize(d) != 1)
        return failure();
    // A table of one row is broadcast, not read at positions.
    int64_t rows = sourceType.getDimSize(*axis);
    if (rows == 1)
      return failure();
    auto dim = peelEndClamps(cast<Value>(sizes[*axis]), rows)
                   .getDefiningOp<tensor::DimOp>();
    std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
    if (!index)
      return failure();
    // (`like` dominates the slice, whose size is read from it.)
    Value like = dim.getSource();
    auto likeType = dyn_cast<RankedTensorType>(like.getType());
    if (!likeType || *index < 0 || *index >= likeType.getRank() ||
        !isReadBesideLength(slice, *axis, like, *index))
      return failure();

    Location loc = slice.getLoc();
    rewriter.setInsertionPoint(slice);
    int64_t features = sourceType.getNumElements() / rows;
    auto tableType =
        RankedTensorType::get({rows, features}, sourceType.getElementType());
    Value table2d =
        arith::ConstantOp::create(rewriter, loc, table.reshape(tableType));
    auto positionsType = RankedTensorType::get({likeType.getDimSize(*index)},
                                               rewriter.getI64Type());
    Value positions =
        PositionsOp::create(rewriter, loc, positionsType, like,
                            rewriter.getI64IntegerAttr(*index), Value());
    auto rowsType = RankedTensorType::get(
        {positionsType.getDimSize(0), features}, sourceType.getElementType());
    Value gathered =
        EmbeddingOp::create(rewriter, loc, rowsType, positions, table2d);
    // [T, features] -> the slice's [1, .., T, ...]
    SmallVector<ReassociationIndices> groups(2);
    for (int64_t d = 0; d < rank; ++d)
      groups[d <= *axis ? 0 : 1].push_back(d);
    SmallVector<int64_t> shape(sourceType.getShape());
    shape[*axis] = positionsType.getDimSize(0);
    SmallVector<OpFoldResult> outputShape;
    for (int64_t d = 0; d < rank; ++d)
      outputShape.push_back(
          d == *axis ? getDimSize(rewriter, loc, gathered, 0)
                     : OpFoldResult(rewriter.getIndexAttr(shape[d])));
    Value expanded = tensor::ExpandShapeOp::create(
        rewriter, loc, sourceType.clone(shape), gathered, groups, outputShape);
    if (expanded.getType() != resultType)
      expanded = tensor::CastOp::create(rewriter, loc, resultType, expanded);
    rewriter.replaceOp(slice, expanded);
    return success();
  }
};

struct RaisePositionsPass
    : seqc::seq::impl::RaisePositionsPassBase<RaisePositionsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseArange, RaiseTableSlice>(&getContext());
    applyRaising(getOperation(), std::move(patterns));
  }
};

} // namespace
