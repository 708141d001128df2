//===- ElementwiseToLinalg.cpp - activation, embedding, positions, shift -===//

#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Interfaces/FunctionInterfaces.h"

using namespace mlir;
using namespace seqc;

namespace {

struct ActivationToGeneric : OpRewritePattern<seq::ActivationOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(seq::ActivationOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    Value init = seq::createEmptyTensor(rewriter, loc,
                                        tensor::getMixedSizes(rewriter, loc, input),
                                        getElementTypeOrSelf(input.getType()));
    seq::ActivationAttr act = op.getKind();
    auto generic = createElementwiseGeneric(
        rewriter, loc, ValueRange{input}, init,
        [&](OpBuilder &b, Location l, ValueRange args) {
          return seq::emitActivation(b, l, act, args[0]);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// Whether `indices` are seq.positions (through reshapes): a position
/// table's rows read at the steps' positions.
static bool arePositions(Value indices) {
  while (Operation *def = indices.getDefiningOp()) {
    if (isa<seq::PositionsOp>(def))
      return true;
    if (!isa<tensor::ExpandShapeOp, tensor::CollapseShapeOp, tensor::CastOp>(
            def))
      return false;
    indices = def->getOperand(0);
  }
  return false;
}

/// How an index operand is named in check messages: "input 'ids': index"
/// when it is an argument of the model, "position" for seq.positions, else
/// "index".
static std::string describeIndices(Value indices) {
  if (arePositions(indices))
    return "position";
  auto arg = dyn_cast<BlockArgument>(indices);
  auto func = arg ? dyn_cast<FunctionOpInterface>(arg.getOwner()->getParentOp())
                  : FunctionOpInterface();
  if (func && arg.getOwner() == &func.getFunctionBody().front())
    if (auto name = func.getArgAttrOfType<StringAttr>(arg.getArgNumber(),
                                                      "seq.name"))
      return "input '" + name.getValue().str() + "': index";
  return "index";
}

/// result[i..., e] = table[indices[i...], e]. An index outside the valid
/// range fails the run (a value check) and is clamped meanwhile, so it never
/// reads outside the table.
struct EmbeddingToGeneric : OpRewritePattern<seq::EmbeddingOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(seq::EmbeddingOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    MLIRContext *ctx = rewriter.getContext();
    Value indices = op.getIndices(), table = op.getTable();
    int64_t rank = cast<RankedTensorType>(indices.getType()).getRank();
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(rewriter, loc, indices);
    sizes.push_back(seq::getDimSize(rewriter, loc, table, 1));
    Value init = seq::createEmptyTensor(rewriter, loc, sizes,
                                        getElementTypeOrSelf(table.getType()));
    OpFoldResult rowCount = seq::getDimSize(rewriter, loc, table, 0);
    Value rows = getValueOrCreateConstantIndexOp(rewriter, loc, rowCount);
    // An empty table has no row to clamp to: no lookup can be valid.
    if (std::optional<int64_t> n = getConstantIntValue(rowCount); !n || *n <= 0) {
      seq::createCheck(
          rewriter, loc,
          arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::sgt, rows,
                                arith::ConstantIndexOp::create(rewriter, loc, 0)),
          rows,
          seq::describeOrigin("seq.embedding", loc) + ": the table has {} rows; a lookup needs at least one",
          seq::CheckKind::shape);
    }
    // Positions are never negative: a negative one (a stream's position
    // state overwritten) is out of range, not a row from the end.
    bool wrap = op.getWrapNegative() && !arePositions(indices);
    // "[0, 10)", or "[0, R)" and what R is when the table's size is
    // dynamic (a table sliced to the sequence's length: `cos[:T]`).
    bool staticRows = getConstantIntValue(rowCount).has_value();
    std::string v = staticRows ? seq::formatSize(rowCount) : std::string("R");
    std::string range = wrap ? "[-" + v + ", " + v + ")" : "[0, " + v + ")";
    std::string message =
        describeIndices(indices) + " {} is out of range " + range + " (" +
        seq::describeOrigin(op->getName().getStringRef(), loc) +
        (staticRows ? ""
                    : "; R is the table's row count, "
                      "set at run time: a table sliced "
                      "[:T] has T rows") +
        ")";
    // Positions run past a table only by the sequence's length (in a
    // stream, the steps of every chunk so far).
    if (arePositions(indices))
      message += ": the sequence, or the stream so far, is longer than the "
                 "position table";
    SmallVector<AffineExpr> indexExprs;
    for (int64_t i = 0; i < rank; ++i)
      indexExprs.push_back(getAffineDimExpr(i, ctx));
    SmallVector<AffineMap> maps = {
        AffineMap::get(rank + 1, 0, indexExprs, ctx),
        rewriter.getMultiDimIdentityMap(rank + 1)};
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{indices},
        ValueRange{init}, maps,
        SmallVector<utils::IteratorType>(rank + 1,
                                         utils::IteratorType::parallel),
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value given =
              arith::IndexCastOp::create(b, l, b.getIndexType(), args[0]);
          Value zero = arith::ConstantIndexOp::create(b, l, 0);
          Value index = given;
          if (wrap) {
            Value negative = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::slt, given, zero);
            index = arith::SelectOp::create(
                b, l, negative, arith::AddIOp::create(b, l, given, rows),
                given);
          }
          Value inRange = arith::AndIOp::create(
              b, l,
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge, index,
                                    zero),
              arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, index,
                                    rows));
          seq::createCheck(b, l, inRange, args[0], message,
                           seq::CheckKind::value);
          Value maxRow = arith::SubIOp::create(
              b, l, rows, arith::ConstantIndexOp::create(b, l, 1));
          index = arith::MaxSIOp::create(b, l, index, zero);
          index = arith::MinSIOp::create(b, l, index, maxRow);
          Value column = linalg::IndexOp::create(b, l, rank);
          Value value = tensor::ExtractOp::create(b, l, table,
                                                  ValueRange{index, column});
          linalg::YieldOp::create(b, l, value);
        });
    Value result = generic.getResult(0);
    if (result.getType() != op.getType())
      result = tensor::CastOp::create(rewriter, loc, op.getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// result[t] = offset + t.
struct PositionsToGeneric : OpRewritePattern<seq::PositionsOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(seq::PositionsOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value init = seq::createEmptyTensor(
        rewriter, loc,
        {seq::getDimSize(rewriter, loc, op.getLike(),
                         static_cast<int64_t>(op.getDim()))},
        rewriter.getI64Type());
    Value offset = op.getOffset();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{init.getType()}, ValueRange{},
        ValueRange{init}, {rewriter.getMultiDimIdentityMap(1)},
        {utils::IteratorType::parallel},
        [&](OpBuilder &b, Location l, ValueRange) {
          Value step = arith::IndexCastOp::create(
              b, l, b.getI64Type(), linalg::IndexOp::create(b, l, 0));
          if (offset)
            step = arith::AddIOp::create(b, l, step, offset);
          linalg::YieldOp::create(b, l, step);
        });
    Value result = generic.getResult(0);
    if (result.getType() != op.getType())
      result = tensor::CastOp::create(rewriter, loc, op.getType(), result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

/// seq.time_shift: the input padded with `steps` zeros before the first
/// step along `dim`, its first T steps kept.
struct TimeShiftToPad : OpRewritePattern<seq::TimeShiftOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(seq::TimeShiftOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value input = op.getInput();
    auto type = cast<RankedTensorType>(input.getType());
    int64_t rank = type.getRank(), dim = op.getDim();
    SmallVector<OpFoldResult> low(rank, rewriter.getIndexAttr(0));
    SmallVector<OpFoldResult> high = low;
    low[dim] = rewriter.getIndexAttr(op.getSteps());
    SmallVector<int64_t> paddedShape(type.getShape());
    if (!type.isDynamicDim(dim))
      paddedShape[dim] += op.getSteps();
    Value zero = arith::ConstantOp::create(
        rewriter, loc, rewriter.getZeroAttr(type.getElementType()));
    Value padded = tensor::PadOp::create(rewriter, loc, type.clone(paddedShape),
                                         input, low, high, zero);
    SmallVector<OpFoldResult> offsets = high;
    SmallVector<OpFoldResult> strides(rank, rewriter.getIndexAttr(1));
    rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
        op, type, padded, offsets, tensor::getMixedSizes(rewriter, loc, input),
        strides);
    return success();
  }
};

} // namespace

void seqc::populateElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ActivationToGeneric, EmbeddingToGeneric, PositionsToGeneric,
               TimeShiftToPad>(patterns.getContext());
}
