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

/// Dimension `axis` of `squeezed`'s source as a dimension of `squeezed`, a
/// tensor.collapse_shape or a rank-reducing tensor.extract_slice that only
/// drops unit dimensions (`pe[:, :T][0]`, `.squeeze(0)`), or a
/// tensor.expand_shape that only adds them (`cos[:T][None, None]`); none
/// for any other op.
std::optional<unsigned> squeezedDim(Operation *squeezed, unsigned axis) {
  if (auto expand = dyn_cast<tensor::ExpandShapeOp>(squeezed)) {
    RankedTensorType result = expand.getResultType();
    SmallVector<ReassociationIndices> groups = expand.getReassociationIndices();
    if (axis >= groups.size())
      return std::nullopt;
    // The one dimension of the group that is not a static 1 (with several,
    // `axis` is split).
    std::optional<unsigned> kept;
    for (int64_t d : groups[axis]) {
      if (result.getDimSize(d) == 1)
        continue;
      if (kept)
        return std::nullopt;
      kept = d;
    }
    return kept;
  }
  if (auto collapse = dyn_cast<tensor::CollapseShapeOp>(squeezed)) {
    RankedTensorType source = collapse.getSrcType();
    for (auto [g, group] :
         llvm::enumerate(collapse.getReassociationIndices())) {
      if (!llvm::is_contained(group, static_cast<int64_t>(axis)))
        continue;
      for (int64_t d : group)
        if (d != axis && source.getDimSize(d) != 1)
          return std::nullopt;
      return g;
    }
    return std::nullopt;
  }
  auto slice = dyn_cast<tensor::ExtractSliceOp>(squeezed);
  if (!slice ||
      !llvm::all_of(slice.getMixedOffsets(),
                    [](OpFoldResult o) { return isConstantIntValue(o, 0); }) ||
      !llvm::all_of(slice.getMixedStrides(),
                    [](OpFoldResult o) { return isConstantIntValue(o, 1); }))
    return std::nullopt;
  RankedTensorType source = slice.getSourceType();
  SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
  llvm::SmallBitVector dropped = slice.getDroppedDims();
  unsigned kept = 0;
  for (int64_t d = 0; d < source.getRank(); ++d) {
    // (The whole of it: its static extent, or its tensor.dim.)
    auto dim = dyn_cast_if_present<Value>(sizes[d])
                   ? cast<Value>(sizes[d]).getDefiningOp<tensor::DimOp>()
                   : tensor::DimOp();
    bool whole = isConstantIntValue(sizes[d], source.getDimSize(d)) ||
                 (dim && dim.getSource() == slice.getSource() &&
                  dim.getConstantIndex() == d);
    if (!whole)
      return std::nullopt;
    if (d == axis)
      return dropped.test(d) ? std::nullopt : std::optional<unsigned>(kept);
    kept += !dropped.test(d);
  }
  return std::nullopt;
}

/// Whether `op` is a rank-reducing tensor.extract_slice that only drops
/// unit dimensions (`t[0, 0]` of a [1, 1, T, D] table), taking the rest
/// whole.
bool isIndexedSqueeze(Operation *op) {
  auto slice = dyn_cast<tensor::ExtractSliceOp>(op);
  if (!slice || !slice.getDroppedDims().any())
    return false;
  llvm::SmallBitVector dropped = slice.getDroppedDims();
  return llvm::all_of(
      llvm::seq<int64_t>(slice.getSourceType().getRank()), [&](int64_t d) {
        return dropped.test(d) ? slice.getSourceType().getDimSize(d) == 1
                               : squeezedDim(slice, d).has_value();
      });
}

/// Whether every user of `value` (a table's slice, or that slice squeezed)
/// reads it in a linalg op beside an operand whose dimension on the same
/// loop is dimension `index` of `like` (or reads only its size: `pe[:,
/// :T] + x` sizes the sum by the slice): the run-time check of that op's
/// operand sizes then fails a run whose length is not the slice's, so a
/// table read at positions past its end (which a slice would have cut
/// short) fails either way.
bool isReadBesideLength(Value value, unsigned axis, Value like, int64_t index,
                        int depth = 0) {
  bool read = false;
  for (OpOperand &use : value.getUses()) {
    if (isa<tensor::DimOp>(use.getOwner()))
      continue;
    read = true;
    if (std::optional<unsigned> kept = squeezedDim(use.getOwner(), axis)) {
      if (depth > 4 || !isReadBesideLength(use.getOwner()->getResult(0), *kept,
                                           like, index, depth + 1))
        return false;
      continue;
    }
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

/// A constant table's first rows: tensor.extract_slice of the constant
/// from row 0 to `dim(like, index)` along `axis` (ONNX Slice with its end
/// clamped to the table's length), whole along every other dimension, the
/// dimensions before `axis` all 1 (the rows are then [rows, features] in
/// memory) and some features after it.
struct TableRows {
  DenseElementsAttr table;
  unsigned axis;
  int64_t rows, features;
  Value like;
  int64_t index;
};
std::optional<TableRows> matchTableRows(tensor::ExtractSliceOp slice) {
  DenseElementsAttr table;
  if (!matchPattern(slice.getSource(), m_Constant(&table)) ||
      !isa<FloatType>(table.getElementType()))
    return std::nullopt;
  RankedTensorType sourceType = slice.getSourceType();
  int64_t rank = sourceType.getRank();
  if (slice.getResultType().getRank() != rank || rank < 2)
    return std::nullopt;
  SmallVector<OpFoldResult> offsets = slice.getMixedOffsets();
  SmallVector<OpFoldResult> sizes = slice.getMixedSizes();
  SmallVector<OpFoldResult> strides = slice.getMixedStrides();
  std::optional<unsigned> axis;
  for (int64_t d = 0; d < rank; ++d) {
    if (!isConstantIntValue(offsets[d], 0) ||
        !isConstantIntValue(strides[d], 1))
      return std::nullopt;
    if (isConstantIntValue(sizes[d], sourceType.getDimSize(d)))
      continue;
    if (axis || !isa<Value>(sizes[d]))
      return std::nullopt;
    axis = d;
  }
  if (!axis || *axis + 1 == rank)
    return std::nullopt;
  for (unsigned d = 0; d < *axis; ++d)
    if (sourceType.getDimSize(d) != 1)
      return std::nullopt;
  // A table of one row is broadcast, not read at positions.
  int64_t rows = sourceType.getDimSize(*axis);
  if (rows == 1)
    return std::nullopt;
  auto dim = peelEndClamps(cast<Value>(sizes[*axis]), rows)
                 .getDefiningOp<tensor::DimOp>();
  std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
  auto likeType =
      dim ? dyn_cast<RankedTensorType>(dim.getSource().getType()) : nullptr;
  if (!index || !likeType || *index < 0 || *index >= likeType.getRank())
    return std::nullopt;
  return TableRows{
      table,           *axis, rows, sourceType.getNumElements() / rows,
      dim.getSource(), *index};
}

/// The table of `rows` as a [rows, features] constant.
Value createTable2d(PatternRewriter &rewriter, Location loc, TableRows rows) {
  auto type = RankedTensorType::get({rows.rows, rows.features},
                                    rows.table.getElementType());
  return arith::ConstantOp::create(rewriter, loc, rows.table.reshape(type));
}

/// tensor.extract_slice of a constant table from row 0 to dim(x, d)
/// (`pe[:, :x.size(1)]`, a sinusoidal or learned position table; ONNX
/// Slice with its end clamped to the table's length) ->
/// seq.embedding(seq.positions %x dim(d), table as [rows, features]),
/// expanded back to the slice's shape. Only where the slice is read beside
/// a tensor of that length (see matchTableRows for the table's form).
struct RaiseTableSlice : OpRewritePattern<tensor::ExtractSliceOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tensor::ExtractSliceOp slice,
                                PatternRewriter &rewriter) const override {
    std::optional<TableRows> rows = matchTableRows(slice);
    // (`like` dominates the slice, whose size is read from it.)
    if (!rows ||
        !isReadBesideLength(slice, rows->axis, rows->like, rows->index))
      return failure();
    RankedTensorType sourceType = slice.getSourceType();
    int64_t rank = sourceType.getRank();
    Location loc = slice.getLoc();
    rewriter.setInsertionPoint(slice);
    Value table2d = createTable2d(rewriter, loc, *rows);
    auto likeType = cast<RankedTensorType>(rows->like.getType());
    auto positionsType = RankedTensorType::get(
        {likeType.getDimSize(rows->index)}, rewriter.getI64Type());
    Value positions =
        PositionsOp::create(rewriter, loc, positionsType, rows->like,
                            rewriter.getI64IntegerAttr(rows->index), Value());
    auto rowsType =
        RankedTensorType::get({positionsType.getDimSize(0), rows->features},
                              sourceType.getElementType());
    Value gathered =
        EmbeddingOp::create(rewriter, loc, rowsType, positions, table2d);
    // [T, features] -> the slice's [1, .., T, ...]
    SmallVector<ReassociationIndices> groups(2);
    for (int64_t d = 0; d < rank; ++d)
      groups[d <= rows->axis ? 0 : 1].push_back(d);
    SmallVector<int64_t> shape(sourceType.getShape());
    shape[rows->axis] = positionsType.getDimSize(0);
    SmallVector<OpFoldResult> outputShape;
    for (int64_t d = 0; d < rank; ++d)
      outputShape.push_back(
          d == rows->axis ? getDimSize(rewriter, loc, gathered, 0)
                          : OpFoldResult(rewriter.getIndexAttr(shape[d])));
    Value expanded = tensor::ExpandShapeOp::create(
        rewriter, loc, sourceType.clone(shape), gathered, groups, outputShape);
    if (expanded.getType() != slice.getResultType())
      expanded = tensor::CastOp::create(rewriter, loc, slice.getResultType(),
                                        expanded);
    rewriter.replaceOp(slice, expanded);
    return success();
  }
};

/// seq.embedding of a constant table's first T rows at positions of those
/// T steps (HF LLaMA's rotary `cos_cached[:seq_len][position_ids]` with
/// `position_ids = arange(seq_len)`, also of a [1, 1, L, D] table squeezed
/// to [T, D]) -> seq.embedding of the whole table, as [rows, features]:
/// every position is below T, so the slice only decided whether a position
/// past the table's rows fails, which the whole table's lookup fails too;
/// a stream then reads the rows of its steps, not rows [0, chunk) again.
struct RaiseGatheredTableRows : OpRewritePattern<EmbeddingOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(EmbeddingOp embedding,
                                PatternRewriter &rewriter) const override {
    PositionsOp positions = positionsFromZero(embedding.getIndices());
    if (!positions)
      return failure();
    // The table squeezed from the slice: its unit dimensions dropped, by
    // a collapse (`.squeeze(1)`) or an index of them (`[0, 0]`, a
    // rank-reducing slice taking the rest whole).
    Value table = embedding.getTable();
    while (Operation *def = table.getDefiningOp()) {
      if (!isa<tensor::CollapseShapeOp>(def) && !isIndexedSqueeze(def))
        break;
      table = def->getOperand(0);
    }
    auto slice = table.getDefiningOp<tensor::ExtractSliceOp>();
    std::optional<TableRows> rows =
        slice ? matchTableRows(slice) : std::nullopt;
    auto tableType = cast<RankedTensorType>(embedding.getTable().getType());
    if (!rows || tableType.getDimSize(1) != rows->features ||
        !isSameDimension(rows->like, rows->index, positions.getLike(),
                         positions.getDim()))
      return failure();
    rewriter.setInsertionPoint(embedding);
    Value table2d = createTable2d(rewriter, embedding.getLoc(), *rows);
    rewriter.modifyOpInPlace(
        embedding, [&] { embedding.getTableMutable().assign(table2d); });
    return success();
  }
};

struct RaisePositionsPass
    : seqc::seq::impl::RaisePositionsPassBase<RaisePositionsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseArange, RaiseTableSlice, RaiseGatheredTableRows>(
        &getContext());
    applyRaising(getOperation(), std::move(patterns));
  }
};

} // namespace
