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

/// A body value `v` that is `start + index * step` (in any of the
/// importer's spellings: index, s + index, s + index * c, index * c + s),
/// with `start` a zero or defined outside `generic` (null for 0) and
/// `step` a constant.
struct ArangeForm {
  Value start;
  int64_t step = 1;
};
std::optional<ArangeForm> readArange(linalg::GenericOp generic, Value v) {
  // The step of `x` = index * step, if it is that.
  auto readIndex = [&](Value x) -> std::optional<int64_t> {
    int64_t step = 1;
    if (auto mul = x.getDefiningOp<arith::MulIOp>()) {
      for (auto [a, b] : {std::pair(mul.getLhs(), mul.getRhs()),
                          std::pair(mul.getRhs(), mul.getLhs())})
        if (std::optional<int64_t> c = getConstantIntValue(b)) {
          step = *c;
          x = a;
          break;
        }
    }
    auto index = x.getDefiningOp<linalg::IndexOp>();
    if (!index || index.getDim() != 0)
      return std::nullopt;
    return step;
  };
  if (std::optional<int64_t> step = readIndex(v))
    return ArangeForm{Value(), *step};
  auto add = v.getDefiningOp<arith::AddIOp>();
  if (!add)
    return std::nullopt;
  for (auto [a, b] : {std::pair(add.getLhs(), add.getRhs()),
                      std::pair(add.getRhs(), add.getLhs())}) {
    std::optional<int64_t> step = readIndex(b);
    if (!step)
      continue;
    if (matchPattern(a, m_Zero()))
      return ArangeForm{Value(), *step};
    if (generic->isAncestor(a.getParentRegion()->getParentOp()))
      continue;
    return ArangeForm{a, *step};
  }
  return std::nullopt;
}

/// Whether scalar `v` is computed from the length `size` (as far as a few
/// ops back): a start `T - 1` is a chunk's in a stream, not the sequence's.
bool readsLength(Value v, Value size, int depth = 0) {
  Operation *def = v.getDefiningOp();
  if (!def || depth > 16)
    return false;
  if (isa<tensor::DimOp>(def))
    return isSameSize(v, size);
  if (def->getNumRegions() || !isa<arith::ArithDialect>(def->getDialect()))
    return false;
  return llvm::any_of(def->getOperands(), [&](Value operand) {
    return readsLength(operand, size, depth + 1);
  });
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
    std::optional<ArangeForm> form = readArange(generic, toI64.getIn());
    if (!form)
      return failure();
    // The length: a tensor's dimension, not a constant; Range's count
    // clamp max(n, 0) is the dimension itself (a trimmed length's Range,
    // arange(C, C * (T + 1), C) after a Chomp1d, keeps it once the trim
    // is folded into the conv).
    auto size =
        dyn_cast_if_present<Value>(getDecidedSize(generic.getDpsInits()[0], 0));
    if (auto clamp =
            size ? size.getDefiningOp<arith::MaxSIOp>() : arith::MaxSIOp())
      for (auto [a, b] : {std::pair(clamp.getLhs(), clamp.getRhs()),
                          std::pair(clamp.getRhs(), clamp.getLhs())})
        if (matchPattern(b, m_Zero()) && a.getDefiningOp<tensor::DimOp>()) {
          size = a;
          break;
        }
    auto dim = size ? size.getDefiningOp<tensor::DimOp>() : tensor::DimOp();
    std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
    if (!index)
      return failure();
    // A start computed from the length itself (arange(T - 1, -1, -1), a
    // reversal) would be a chunk's in a stream, not the sequence's.
    if (form->start && readsLength(form->start, size))
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
    Type i64 = rewriter.getI64Type();
    Value start;
    if (form->start)
      start = arith::IndexCastOp::create(rewriter, loc, i64, form->start);
    auto positionsType =
        RankedTensorType::get({likeType.getDimSize(*index)}, i64);
    Value positions = PositionsOp::create(rewriter, loc, positionsType, like,
                                          rewriter.getI64IntegerAttr(*index),
                                          form->step == 1 ? start : Value());
    if (form->step != 1) {
      // start + t * step of the positions t: elementwise, so a stream's
      // positions carry it on.
      auto map = rewriter.getMultiDimIdentityMap(1);
      positions =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{positionsType}, ValueRange{positions},
              ValueRange{createEmptyTensor(
                  rewriter, loc,
                  tensor::getMixedSizes(rewriter, loc, positions), i64)},
              ArrayRef<AffineMap>{map, map},
              ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value v = arith::MulIOp::create(
                    b, l, args[0],
                    arith::ConstantIntOp::create(b, l, i64, form->step));
                if (start)
                  v = arith::AddIOp::create(b, l, v, start);
                linalg::YieldOp::create(b, l, v);
              })
              .getResult(0);
    }
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
