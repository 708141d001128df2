//===- ReductionOps.cpp - ONNX Reduce*, ArgMax / ArgMin, CumSum -----------===//
//
// Reductions over chosen axes as linalg.generic reductions (keepdims by
// expanding unit dimensions back), ArgMax / ArgMin with ONNX's tie rules,
// and CumSum as a seq.scan over its axis. Formulas and defaults are the
// ONNX operator documentation's (onnx.ai/onnx/operators).
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/FrontEndBuilders.h"
#include "dialects/Seq/Utils/SizeUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <limits>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

/// Inserts unit dimensions into `x` where `kept` is false.
Value expandUnitDims(GraphImporter &g, Value x, ArrayRef<bool> kept,
                     ArrayRef<OpFoldResult> sizes) {
  SmallVector<ReassociationIndices> groups;
  ReassociationIndices pending;
  for (int64_t d = 0; d < (int64_t)kept.size(); ++d) {
    if (kept[d]) {
      pending.push_back(d);
      groups.push_back(pending);
      pending.clear();
    } else if (!groups.empty()) {
      groups.back().push_back(d);
    } else {
      pending.push_back(d);
    }
  }
  auto type = RankedTensorType::get(seq::getStaticShape(sizes),
                                    tensorType(x).getElementType());
  return tensor::ExpandShapeOp::create(g.builder, g.loc, type, x, groups,
                                       sizes);
}

/// The iteration space of a reduction of `x` over the dimensions marked in
/// `reduced`: the result's sizes and indexing expressions, the sizes with
/// unit reduced dimensions (for keepdims), and the iterator types.
struct ReductionShape {
  SmallVector<OpFoldResult> outSizes, keptSizes;
  SmallVector<AffineExpr> outExprs;
  SmallVector<utils::IteratorType> iterators;
  SmallVector<bool> kept;
};

ReductionShape getReductionShape(GraphImporter &g, Value x,
                                 ArrayRef<bool> reduced) {
  ReductionShape r;
  SmallVector<OpFoldResult> all = shapeOf(g, x);
  for (int64_t d = 0; d < (int64_t)reduced.size(); ++d) {
    r.kept.push_back(!reduced[d]);
    r.iterators.push_back(reduced[d] ? utils::IteratorType::reduction
                                     : utils::IteratorType::parallel);
    r.keptSizes.push_back(reduced[d] ? OpFoldResult(g.builder.getIndexAttr(1))
                                     : all[d]);
    if (!reduced[d]) {
      r.outExprs.push_back(g.builder.getAffineDimExpr(d));
      r.outSizes.push_back(all[d]);
    }
  }
  return r;
}

/// ReduceMin / ReduceMax of a short vector of sizes (symbolic elements),
/// kept symbolic: torch exports a scripted `enumerate(xs)`'s trip count as
/// ReduceMin([INT64_MAX, len(xs)]), which must stay len(xs) for the Loop
/// to read xs whole. Identity constants drop out, and sizes equal to one
/// kept (isSameSize, or input dimensions of one name, which the runtime
/// checks agree); one size left is the result. Fails (leaving the op to
/// importReduce) otherwise.
static LogicalResult foldSizeExtreme(GraphImporter &g, bool isMin) {
  const OnnxValue *in = g.input(0);
  // Over the vector's one axis (ONNX's default, unless
  // noop_with_empty_axes makes no axes the identity).
  std::optional<SmallVector<int64_t>> axes = g.intsAttr("axes");
  bool overAll =
      !axes || axes->empty()
          ? g.intAttr("noop_with_empty_axes", 0) == 0
          : axes->size() == 1 && ((*axes)[0] == 0 || (*axes)[0] == -1);
  if (!in || !in->elements || in->boolean || in->scalar || !in->shape.empty() ||
      g.hasInput(1) || !overAll)
    return failure();
  const int64_t identity = isMin ? std::numeric_limits<int64_t>::max()
                                 : std::numeric_limits<int64_t>::min();
  // (Sizes equal on every run count once: a scripted `zip(a.unbind(1),
  // b.unbind(1))` is min(len(a), len(b)) over two inputs of one T.)
  SmallVector<OpFoldResult> kept;
  for (OpFoldResult e : *in->elements)
    if (getConstantIntValue(e) != identity &&
        llvm::none_of(kept,
                      [&](OpFoldResult k) { return isSameRunSize(k, e); }))
      kept.push_back(e);
  if (kept.size() != 1)
    return failure();
  OnnxValue out;
  out.elements = kept;
  out.scalar = g.intAttr("keepdims", 1) == 0;
  g.setOutput(0, out);
  return success();
}

/// ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd, ReduceL1,
/// ReduceL2, ReduceSumSquare, ReduceLogSum and ReduceLogSumExp over `axes`
/// (an attribute, or ReduceSum's input 1 from opset 13 and every
/// reduction's from opset 18; none: every axis, or the identity with
/// noop_with_empty_axes), keeping unit dimensions with keepdims (default
/// 1). An empty reduction gives the operator's identity (0, 1, -inf for
/// Max, +inf for Min), as in ONNX Runtime; ReduceMean NaN (the sum divided
/// by the count, 0 / 0, as torch.mean). ReduceLogSumExp subtracts the
/// maximum first, as torch.logsumexp does (no overflow; a maximum of +-inf
/// is not subtracted). ReduceSum, ReduceProd, ReduceMax and ReduceMin also
/// take integer data (element counts of shape arithmetic: torch.std).
LogicalResult importReduce(GraphImporter &g, StringRef op) {
  // The axes are input 1 from ReduceSum's opset 13 and every other
  // reduction's opset 18 on: the attribute of the older versions is gone.
  bool axesInput = g.opset >= (op == "ReduceSum" ? 13 : 18);
  if (axesInput && g.intsAttr("axes")) {
    g.nodeError() << "axes is input 1 from opset "
                  << (op == "ReduceSum" ? 13 : 18) << " on, not an attribute";
    return failure();
  }
  if (failed(axesInput
                 ? g.checkAttrs({"keepdims", "noop_with_empty_axes"})
                 : g.checkAttrs({"axes", "keepdims", "noop_with_empty_axes"})))
    return failure();
  if ((op == "ReduceMin" || op == "ReduceMax") &&
      succeeded(foldSizeExtreme(g, op == "ReduceMin")))
    return success();
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  Type element = tensorType(x).getElementType();
  bool isInt = isa<IntegerType>(element) && !element.isInteger(1) &&
               (op == "ReduceSum" || op == "ReduceProd" || op == "ReduceMax" ||
                op == "ReduceMin");
  if (!isInt && !(x = floatInput(g, 0)))
    return failure();
  int64_t rank = tensorType(x).getRank();
  std::optional<SmallVector<int64_t>> axes = g.intsAttr("axes");
  if (g.hasInput(1)) {
    axes = g.constIntsInput(1);
    if (!axes) {
      g.nodeError() << "axes must be a constant";
      return failure();
    }
  }
  if ((!axes || axes->empty()) && g.intAttr("noop_with_empty_axes", 0)) {
    g.setOutput(0, x);
    return success();
  }
  SmallVector<bool> reduced(rank, !axes || axes->empty());
  if (axes)
    for (int64_t a : *axes) {
      auto n = normalizeAxis(g, a, rank);
      if (!n)
        return failure();
      reduced[*n] = true;
    }
  // Plain references: structured bindings cannot be captured by lambdas
  // in C++17.
  ReductionShape shape = getReductionShape(g, x, reduced);
  SmallVector<OpFoldResult> &outSizes = shape.outSizes,
                            &keptSizes = shape.keptSizes;
  SmallVector<AffineExpr> &outExprs = shape.outExprs;
  SmallVector<utils::IteratorType> &iters = shape.iterators;
  SmallVector<bool> &kept = shape.kept;
  Value count = arith::ConstantIndexOp::create(g.builder, g.loc, 1);
  for (int64_t d = 0; d < rank; ++d)
    if (reduced[d])
      count = arith::MulIOp::create(g.builder, g.loc, count,
                                    g.indexValue(g.dimSize(x, d)));
  Type f32 = g.builder.getF32Type();
  // The mean is the sum divided by the count afterwards, as torch.mean
  // computes it: over no elements 0 / 0, NaN (a sum of x / count would
  // give 0 there, a number PyTorch does not return).
  Value countF;
  if (op == "ReduceMean")
    countF = arith::UIToFPOp::create(
        g.builder, g.loc, f32,
        arith::IndexCastOp::create(g.builder, g.loc, g.builder.getI64Type(),
                                   count));
  AffineMap identityMap = AffineMap::getMultiDimIdentityMap(rank, g.context);
  AffineMap rowMap = AffineMap::get(rank, 0, outExprs, g.context);
  // One reduction of x into a tensor filled with `identity` (a double for
  // floats, an integer for integers); `shift` (of the result's shape) is
  // read beside x when given.
  using Body = function_ref<Value(OpBuilder &, Location, Value, Value, Value)>;
  auto reduce = [&](double identity, Value shift, Body body) {
    TypedAttr start;
    if (isInt)
      start = g.builder.getIntegerAttr(
          element,
          identity == std::numeric_limits<double>::infinity()
              ? APInt::getSignedMaxValue(element.getIntOrFloatBitWidth())
          : identity == -std::numeric_limits<double>::infinity()
              ? APInt::getSignedMinValue(element.getIntOrFloatBitWidth())
              : APInt(element.getIntOrFloatBitWidth(),
                      static_cast<int64_t>(identity), true));
    else
      start = g.builder.getF32FloatAttr(identity);
    Value init =
        seq::createEmptyTensor(g.builder, g.loc, outSizes, start.getType());
    init = linalg::FillOp::create(
               g.builder, g.loc,
               ValueRange{arith::ConstantOp::create(g.builder, g.loc, start)},
               ValueRange{init})
               .getResult(0);
    SmallVector<Value> inputs = {x};
    SmallVector<AffineMap> maps = {identityMap};
    if (shift) {
      inputs.push_back(shift);
      maps.push_back(rowMap);
    }
    maps.push_back(rowMap);
    return linalg::GenericOp::create(
               g.builder, g.loc, TypeRange{init.getType()}, inputs,
               ValueRange{init}, maps, iters,
               [&](OpBuilder &b, Location l, ValueRange a) {
                 linalg::YieldOp::create(
                     b, l, body(b, l, a[0], shift ? a[1] : Value(), a.back()));
               })
        .getResult(0);
  };
  double inf = std::numeric_limits<double>::infinity();
  double identity = op == "ReduceProd"  ? 1.0
                    : op == "ReduceMax" ? -inf
                    : op == "ReduceMin" ? inf
                                        : 0.0;
  Value out, maximum;
  if (op == "ReduceLogSumExp") {
    // shift = max, or 0 where the max is +-inf (torch.logsumexp).
    maximum = reduce(
        -inf, Value(), [](OpBuilder &b, Location l, Value v, Value, Value acc) {
          return arith::MaximumFOp::create(b, l, acc, v).getResult();
        });
    FailureOr<Value> finite = buildElementwise(
        g, {maximum}, [](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value mag = math::AbsFOp::create(b, l, a[0]);
          Value isInf = arith::CmpFOp::create(
              b, l, arith::CmpFPredicate::OEQ, mag,
              arith::ConstantOp::create(
                  b, l,
                  b.getF32FloatAttr(std::numeric_limits<float>::infinity())));
          return arith::SelectOp::create(
              b, l, isInf,
              arith::ConstantOp::create(b, l, b.getF32FloatAttr(0)), a[0]);
        });
    if (failed(finite))
      return failure();
    maximum = *finite;
  }
  out = reduce(
      identity, maximum,
      [&](OpBuilder &b, Location l, Value v, Value shift, Value acc) -> Value {
        if (isInt) {
          if (op == "ReduceProd")
            return arith::MulIOp::create(b, l, acc, v);
          if (op == "ReduceMax")
            return arith::MaxSIOp::create(b, l, acc, v);
          if (op == "ReduceMin")
            return arith::MinSIOp::create(b, l, acc, v);
          return arith::AddIOp::create(b, l, acc, v);
        }
        if (op == "ReduceProd")
          return arith::MulFOp::create(b, l, acc, v);
        if (op == "ReduceMax")
          return arith::MaximumFOp::create(b, l, acc, v);
        if (op == "ReduceMin")
          return arith::MinimumFOp::create(b, l, acc, v);
        if (op == "ReduceL2" || op == "ReduceSumSquare")
          return arith::AddFOp::create(b, l, acc,
                                       arith::MulFOp::create(b, l, v, v));
        if (op == "ReduceL1")
          return arith::AddFOp::create(b, l, acc,
                                       math::AbsFOp::create(b, l, v));
        if (op == "ReduceLogSumExp")
          return arith::AddFOp::create(
              b, l, acc,
              math::ExpOp::create(b, l, arith::SubFOp::create(b, l, v, shift)));
        return arith::AddFOp::create(b, l, acc, v);
      });
  if (op == "ReduceL2" || op == "ReduceLogSum" || op == "ReduceLogSumExp" ||
      op == "ReduceMean") {
    SmallVector<Value> operands = {out};
    if (maximum)
      operands.push_back(maximum);
    FailureOr<Value> finished = buildElementwise(
        g, operands, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          if (op == "ReduceMean")
            return arith::DivFOp::create(b, l, a[0], countF);
          if (op == "ReduceL2")
            return math::SqrtOp::create(b, l, a[0]);
          Value log = math::LogOp::create(b, l, a[0]);
          return op == "ReduceLogSum"
                     ? log
                     : arith::AddFOp::create(b, l, log, a[1]).getResult();
        });
    if (failed(finished))
      return failure();
    out = *finished;
  }
  if (g.intAttr("keepdims", 1) != 0)
    out = expandUnitDims(g, out, kept, keptSizes);
  g.setOutput(0, out);
  return success();
}

/// ArgMax / ArgMin along `axis` (default 0) as int64 indices, keepdims
/// (default 1); ties give the first index, or the last with
/// select_last_index. Float data (a NaN counts as the extreme: numpy and
/// PyTorch return the first NaN's index) or integer data (signed).
LogicalResult importArgExtreme(GraphImporter &g, bool isMax) {
  if (failed(g.checkAttrs({"axis", "keepdims", "select_last_index"})))
    return failure();
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  auto intType = dyn_cast<IntegerType>(tensorType(x).getElementType());
  if (intType && intType.getWidth() == 1) {
    g.nodeError() << "input 0 ('" << g.node->input(0)
                  << "') is bool data; ArgMax and ArgMin take numbers";
    return failure();
  }
  if (!intType && !(x = floatInput(g, 0)))
    return failure();
  int64_t rank = tensorType(x).getRank();
  auto axis = normalizeAxis(g, g.intAttr("axis", 0), rank);
  if (!axis)
    return failure();
  bool last = g.intAttr("select_last_index", 0) != 0;
  // An empty axis has no extreme (PyTorch: "Expected reduction dim to have
  // non-zero size"); index 0 would read a value that is not there.
  std::optional<int64_t> axisSize = getConstantIntValue(g.dimSize(x, *axis));
  if (axisSize == 0) {
    g.nodeError() << "axis " << *axis << " of " << x.getType()
                  << " is empty: there is no "
                  << (isMax ? "largest" : "smallest") << " element to index";
    return failure();
  }
  if (!axisSize) {
    Value size = g.indexValue(g.dimSize(x, *axis));
    seq::createCheck(g.builder, g.loc,
                     arith::CmpIOp::create(
                         g.builder, g.loc, arith::CmpIPredicate::sgt, size,
                         arith::ConstantIndexOp::create(g.builder, g.loc, 0)),
                     size,
                     seq::describeLocation(g.loc) + ": axis " +
                         std::to_string(*axis) +
                         " has {} entries: there is no " +
                         (isMax ? "largest" : "smallest") + " element to index",
                     seq::CheckKind::shape);
  }
  SmallVector<bool> reduced(rank, false);
  reduced[*axis] = true;
  // Plain references: structured bindings cannot be captured by lambdas
  // in C++17.
  ReductionShape shape = getReductionShape(g, x, reduced);
  SmallVector<OpFoldResult> &outSizes = shape.outSizes,
                            &keptSizes = shape.keptSizes;
  SmallVector<AffineExpr> &outExprs = shape.outExprs;
  SmallVector<utils::IteratorType> &iters = shape.iterators;
  SmallVector<bool> &kept = shape.kept;
  Type element = tensorType(x).getElementType(), i64 = g.builder.getI64Type();
  // The running extreme starts below (above) every value.
  TypedAttr start =
      intType
          ? TypedAttr(g.builder.getIntegerAttr(
                intType, isMax ? APInt::getSignedMinValue(intType.getWidth())
                               : APInt::getSignedMaxValue(intType.getWidth())))
          : TypedAttr(g.builder.getF32FloatAttr(
                isMax ? -std::numeric_limits<float>::infinity()
                      : std::numeric_limits<float>::infinity()));
  auto filled = [&](Type type, TypedAttr value) {
    Value init = seq::createEmptyTensor(g.builder, g.loc, outSizes, type);
    Value c = arith::ConstantOp::create(g.builder, g.loc, value);
    return linalg::FillOp::create(g.builder, g.loc, ValueRange{c},
                                  ValueRange{init})
        .getResult(0);
  };
  Value bestInit = filled(element, start);
  Value indexInit = filled(i64, g.builder.getI64IntegerAttr(0));
  AffineMap row = AffineMap::get(rank, 0, outExprs, g.context);
  auto generic = linalg::GenericOp::create(
      g.builder, g.loc, TypeRange{bestInit.getType(), indexInit.getType()},
      ValueRange{x}, ValueRange{bestInit, indexInit},
      ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, g.context),
                          row, row},
      iters, [&](OpBuilder &b, Location l, ValueRange a) {
        Value v = a[0], best = a[1], bestIndex = a[2];
        Value take;
        if (intType) {
          using P = arith::CmpIPredicate;
          P better =
              isMax ? (last ? P::sge : P::sgt) : (last ? P::sle : P::slt);
          // Values equal to the start keep index 0 (the first), or the
          // last with select_last_index, as the rule asks.
          take = arith::CmpIOp::create(b, l, better, v, best);
        } else {
          using P = arith::CmpFPredicate;
          P better =
              isMax ? (last ? P::OGE : P::OGT) : (last ? P::OLE : P::OLT);
          take = arith::CmpFOp::create(b, l, better, v, best);
          Value newNaN = arith::CmpFOp::create(b, l, P::UNO, v, v);
          Value bestNaN = arith::CmpFOp::create(b, l, P::UNO, best, best);
          Value firstNaN = arith::AndIOp::create(
              b, l, newNaN,
              arith::XOrIOp::create(
                  b, l, bestNaN,
                  arith::ConstantOp::create(b, l, b.getBoolAttr(true))));
          take = arith::OrIOp::create(b, l, take, firstNaN);
        }
        Value index = arith::IndexCastOp::create(
            b, l, b.getI64Type(), linalg::IndexOp::create(b, l, *axis));
        linalg::YieldOp::create(
            b, l,
            ValueRange{arith::SelectOp::create(b, l, take, v, best),
                       arith::SelectOp::create(b, l, take, index, bestIndex)});
      });
  Value out = generic.getResult(1);
  if (g.intAttr("keepdims", 1) != 0)
    out = expandUnitDims(g, out, kept, keptSizes);
  g.setOutput(0, out);
  return success();
}

/// CumSum along `axis` (an input): a seq.scan over that axis carrying the
/// running sum (linear in the length, unlike a masked reduction), with
/// `reverse` from the end and `exclusive` leaving each step out of its own
/// sum. Float and integer data (position ids: cumsum of an attention mask).
LogicalResult importCumSum(GraphImporter &g) {
  if (failed(g.checkAttrs({"exclusive", "reverse"})))
    return failure();
  Value x = g.tensorInput(0);
  std::optional<SmallVector<int64_t>> axisInput = g.constIntsInput(1);
  if (!x)
    return failure();
  if (!axisInput || axisInput->size() != 1) {
    g.nodeError() << "needs a constant axis (input 1)";
    return failure();
  }
  RankedTensorType type = tensorType(x);
  if (type.getRank() < 1) {
    g.nodeError() << "input 0 must have rank >= 1";
    return failure();
  }
  std::optional<int64_t> axis =
      normalizeAxis(g, (*axisInput)[0], type.getRank());
  if (!axis)
    return failure();
  g.setOutput(0, seq::createCumSum(g.builder, g.loc, x, *axis,
                                   g.intAttr("exclusive", 0) != 0,
                                   g.intAttr("reverse", 0) != 0));
  return success();
}

/// TopK(x, K) along `axis` (default -1) of f32 or integer data: the K
/// largest (or, with largest = 0, smallest) elements and their int64
/// indices, in order
/// (sorted = 0 allows any order; this order is one). Equal values keep
/// their index order (the ONNX rule); NaN counts as larger than every
/// number, as in torch.topk. K may be known only at run time (torch.sort
/// and argsort export TopK with K = the dimension's size); it must lie in
/// [0, size], checked at run time where not known at import. Selection
/// sort: an scf.for over the K outputs, each one reduction over the axis
/// that takes the best element after the previous pick, O(K * size).
LogicalResult importTopK(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis", "largest", "sorted"})))
    return failure();
  // f32, or integers (torch.sort of int64 lengths: pack_padded_sequence
  // with enforce_sorted=False).
  Value x = isIntegerData(g, 0) ? g.tensorInput(0) : floatInput(g, 0);
  if (!x)
    return failure();
  Type element = tensorType(x).getElementType();
  bool isInt = isa<IntegerType>(element);
  std::optional<SmallVector<OpFoldResult>> kInput = g.intsInput(1);
  if (!kInput || kInput->size() != 1) {
    g.nodeError() << "K (input 1) must be an integer vector of one element";
    return failure();
  }
  int64_t rank = tensorType(x).getRank();
  std::optional<int64_t> axis = normalizeAxis(g, g.intAttr("axis", -1), rank);
  if (!axis)
    return failure();
  bool largest = g.intAttr("largest", 1) != 0;
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  OpFoldResult kSize = (*kInput)[0];
  Value k = g.indexValue(kSize);
  Value n = g.indexValue(g.dimSize(x, *axis));
  std::optional<int64_t> kConst = getConstantIntValue(kSize),
                         nConst = getConstantIntValue(g.dimSize(x, *axis));
  if (kConst && (*kConst < 0 || (nConst && *kConst > *nConst))) {
    g.nodeError() << "K = " << *kConst << " is outside [0, "
                  << (nConst ? std::to_string(*nConst) : "size") << "]";
    return failure();
  }
  if (!kConst || !nConst) {
    Value zero = arith::ConstantIndexOp::create(b, loc, 0);
    Value ok = arith::AndIOp::create(
        b, loc,
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, k, zero),
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sle, k, n));
    seq::createCheck(
        b, loc, ok, k,
        seq::describeLocation(loc) + ": K = {} is outside [0, " +
            (nConst ? std::to_string(*nConst) + "], dimension " +
                          std::to_string(*axis) + "'s size"
                    : "the size of dimension " + std::to_string(*axis) + "]"),
        seq::CheckKind::shape);
  }

  SmallVector<bool> reduced(rank, false);
  reduced[*axis] = true;
  ReductionShape shape = getReductionShape(g, x, reduced);
  SmallVector<OpFoldResult> outSizes = shapeOf(g, x);
  outSizes[*axis] = kSize;
  if (llvm::any_of(outSizes, [](OpFoldResult s) {
        std::optional<int64_t> c = getConstantIntValue(s);
        return c && *c == 0;
      })) {
    // Nothing to select (and no slice to write: tensor.insert_slice
    // rejects offsets into an empty dimension).
    g.setOutput(0, seq::createEmptyTensor(b, loc, outSizes, element));
    g.setOutput(1, seq::createEmptyTensor(b, loc, outSizes, b.getI64Type()));
    return success();
  }
  Type i64 = b.getI64Type();
  auto filled = [&](ArrayRef<OpFoldResult> sizes, TypedAttr value) {
    Value init = seq::createEmptyTensor(b, loc, sizes, value.getType());
    return linalg::FillOp::create(
               b, loc, ValueRange{arith::ConstantOp::create(b, loc, value)},
               ValueRange{init})
        .getResult(0);
  };
  TypedAttr zeroValue = isInt ? TypedAttr(b.getIntegerAttr(element, 0))
                              : TypedAttr(b.getF32FloatAttr(0));
  Value values = filled(outSizes, zeroValue);
  Value indices = filled(outSizes, b.getI64IntegerAttr(0));
  // The previous pick per row; index -1 before the first.
  Value prevValue = filled(shape.outSizes, zeroValue);
  Value prevIndex = filled(shape.outSizes, b.getI64IntegerAttr(-1));
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, g.context);
  AffineMap row = AffineMap::get(rank, 0, shape.outExprs, g.context);
  int64_t axisDim = *axis;

  auto forOp = scf::ForOp::create(
      b, loc, arith::ConstantIndexOp::create(b, loc, 0), k,
      arith::ConstantIndexOp::create(b, loc, 1),
      ValueRange{values, indices, prevValue, prevIndex},
      [&](OpBuilder &fb, Location l, Value j, ValueRange carried) {
        Value bestValue =
            seq::createEmptyTensor(fb, l, shape.outSizes, element);
        Value bestIndex =
            linalg::FillOp::create(
                fb, l,
                ValueRange{
                    arith::ConstantOp::create(fb, l, fb.getI64IntegerAttr(-1))},
                ValueRange{seq::createEmptyTensor(fb, l, shape.outSizes, i64)})
                .getResult(0);
        auto pick = linalg::GenericOp::create(
            fb, l, TypeRange{bestValue.getType(), bestIndex.getType()},
            ValueRange{x, carried[2], carried[3]},
            ValueRange{bestValue, bestIndex},
            ArrayRef<AffineMap>{identity, row, row, row, row}, shape.iterators,
            [&](OpBuilder &ib, Location il, ValueRange a) {
              Value v = a[0], pv = a[1], pi = a[2], bv = a[3], bi = a[4];
              Value i = arith::IndexCastOp::create(
                  ib, il, i64, linalg::IndexOp::create(ib, il, axisDim));
              using P = arith::CmpFPredicate;
              // Whether (v1, i1) comes before (v2, i2) in the output order.
              auto before = [&](Value v1, Value i1, Value v2, Value i2) {
                if (isInt) {
                  using IP = arith::CmpIPredicate;
                  Value ahead = arith::CmpIOp::create(
                      ib, il, largest ? IP::sgt : IP::slt, v1, v2);
                  Value tieAhead = arith::AndIOp::create(
                      ib, il, arith::CmpIOp::create(ib, il, IP::eq, v1, v2),
                      arith::CmpIOp::create(ib, il, IP::slt, i1, i2));
                  return arith::OrIOp::create(ib, il, ahead, tieAhead);
                }
                Value nan1 = arith::CmpFOp::create(ib, il, P::UNO, v1, v1);
                Value nan2 = arith::CmpFOp::create(ib, il, P::UNO, v2, v2);
                Value ahead = arith::CmpFOp::create(
                    ib, il, largest ? P::OGT : P::OLT, v1, v2);
                // A NaN ranks as the largest value.
                Value nanAhead =
                    largest ? arith::AndIOp::create(
                                  ib, il, nan1,
                                  arith::XOrIOp::create(
                                      ib, il, nan2,
                                      arith::ConstantOp::create(
                                          ib, il, ib.getBoolAttr(true))))
                                  .getResult()
                            : arith::AndIOp::create(
                                  ib, il, nan2,
                                  arith::XOrIOp::create(
                                      ib, il, nan1,
                                      arith::ConstantOp::create(
                                          ib, il, ib.getBoolAttr(true))))
                                  .getResult();
                Value equal = arith::OrIOp::create(
                    ib, il, arith::CmpFOp::create(ib, il, P::OEQ, v1, v2),
                    arith::AndIOp::create(ib, il, nan1, nan2));
                Value tieAhead = arith::AndIOp::create(
                    ib, il, equal,
                    arith::CmpIOp::create(ib, il, arith::CmpIPredicate::slt, i1,
                                          i2));
                return arith::OrIOp::create(
                    ib, il, arith::OrIOp::create(ib, il, ahead, nanAhead),
                    tieAhead);
              };
              Value zero =
                  arith::ConstantOp::create(ib, il, ib.getI64IntegerAttr(0));
              Value first = arith::CmpIOp::create(
                  ib, il, arith::CmpIPredicate::slt, pi, zero);
              Value eligible =
                  arith::OrIOp::create(ib, il, first, before(pv, pi, v, i));
              Value none = arith::CmpIOp::create(
                  ib, il, arith::CmpIPredicate::slt, bi, zero);
              Value better =
                  arith::OrIOp::create(ib, il, none, before(v, i, bv, bi));
              Value take = arith::AndIOp::create(ib, il, eligible, better);
              linalg::YieldOp::create(
                  ib, il,
                  ValueRange{arith::SelectOp::create(ib, il, take, v, bv),
                             arith::SelectOp::create(ib, il, take, i, bi)});
            });
        // Write the pick at position j of the axis.
        auto insert = [&](Value picked, Value into) {
          Value slice = expandUnitDims(g, picked, shape.kept, shape.keptSizes);
          SmallVector<OpFoldResult> offsets(rank, fb.getIndexAttr(0));
          offsets[axisDim] = j;
          SmallVector<OpFoldResult> strides(rank, fb.getIndexAttr(1));
          return tensor::InsertSliceOp::create(fb, l, slice, into, offsets,
                                               shape.keptSizes, strides)
              .getResult();
        };
        scf::YieldOp::create(fb, l,
                             ValueRange{insert(pick.getResult(0), carried[0]),
                                        insert(pick.getResult(1), carried[1]),
                                        pick.getResult(0), pick.getResult(1)});
      });
  g.setOutput(0, forOp.getResult(0));
  g.setOutput(1, forOp.getResult(1));
  return success();
}

} // namespace

LogicalResult importReductionOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "CumSum")
    return importCumSum(g);
  if (op == "TopK")
    return importTopK(g);
  if (op == "ArgMax" || op == "ArgMin")
    return importArgExtreme(g, op == "ArgMax");
  if (op == "ReduceMean" || op == "ReduceSum" || op == "ReduceMax" ||
      op == "ReduceMin" || op == "ReduceProd" || op == "ReduceL1" ||
      op == "ReduceL2" || op == "ReduceSumSquare" || op == "ReduceLogSum" ||
      op == "ReduceLogSumExp")
    return importReduce(g, op);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
