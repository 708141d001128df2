//===- PositionMaskOps.cpp - ONNX Range and Trilu ------------------------===//
//
// The ops positions and causal masks are built from: Range (positions for
// embeddings, integer or f32) and Trilu (the lower or upper triangle of a
// matrix, the rest zero).
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/PointwiseMath.h"
#include "dialects/Seq/Utils/SizeUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <climits>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

LogicalResult importTrilu(GraphImporter &g) {
  if (failed(g.checkAttrs({"upper"})))
    return failure();
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  int64_t rank = tensorType(x).getRank();
  if (rank < 2) {
    g.nodeError() << "the input must have rank 2 or more";
    return failure();
  }
  // k: a constant, or a size known only at run time (Transformer-XL's
  // triu(ones, diagonal=1 + M) over a memory of M steps).
  OpFoldResult k = g.builder.getIndexAttr(0);
  if (g.hasInput(1)) {
    auto kv = g.intsInput(1);
    if (!kv || kv->size() != 1) {
      g.nodeError() << "k must be a scalar integer";
      return failure();
    }
    k = (*kv)[0];
  }
  // A constant k stays in the body, where the mask raisings read it.
  std::optional<int64_t> constantK = getConstantIntValue(k);
  Value kValue = constantK ? Value() : g.indexValue(k);
  bool upper = g.intAttr("upper", 1) != 0;
  Type et = tensorType(x).getElementType();
  FailureOr<Value> r = buildElementwise(
      g, {x}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value i = linalg::IndexOp::create(b, l, rank - 2);
        Value j = linalg::IndexOp::create(b, l, rank - 1);
        // upper keeps j - i >= k, lower keeps j - i <= k.
        Value diff = arith::SubIOp::create(b, l, j, i);
        Value kc = constantK ? arith::ConstantIndexOp::create(b, l, *constantK)
                             : kValue;
        Value keep = arith::CmpIOp::create(
            b, l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
            diff, kc);
        Value zero =
            arith::ConstantOp::create(b, l, cast<TypedAttr>(b.getZeroAttr(et)));
        return arith::SelectOp::create(b, l, keep, a[0], zero);
      });
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

/// `size` as `coef * var + constant` in one run-time index value `var`
/// (none when coef is 0), read through addi / subi and muli by constants;
/// none for anything else or on overflow.
struct LinearSize {
  Value var;
  int64_t coef = 0, constant = 0;
};
std::optional<LinearSize> readLinear(OpFoldResult size, int depth = 0) {
  if (std::optional<int64_t> c = getConstantIntValue(size))
    return LinearSize{Value(), 0, *c};
  Value v = cast<Value>(size);
  Operation *def = v.getDefiningOp();
  bool add = isa_and_nonnull<arith::AddIOp>(def),
       sub = isa_and_nonnull<arith::SubIOp>(def),
       mul = isa_and_nonnull<arith::MulIOp>(def);
  if (depth > 8 || !(add || sub || mul))
    return LinearSize{v, 1, 0};
  std::optional<LinearSize> a = readLinear(def->getOperand(0), depth + 1),
                            b = readLinear(def->getOperand(1), depth + 1);
  if (!a || !b)
    return LinearSize{v, 1, 0};
  LinearSize r;
  bool overflow = false;
  if (mul) {
    if (a->coef != 0 && b->coef != 0)
      return LinearSize{v, 1, 0};
    const LinearSize &term = a->coef != 0 ? *a : *b;
    int64_t factor = a->coef != 0 ? b->constant : a->constant;
    r.var = term.var;
    overflow |= llvm::MulOverflow(term.coef, factor, r.coef);
    overflow |= llvm::MulOverflow(term.constant, factor, r.constant);
  } else {
    if (a->coef != 0 && b->coef != 0 && a->var != b->var)
      return LinearSize{v, 1, 0};
    r.var = a->coef != 0 ? a->var : b->var;
    overflow |= add ? llvm::AddOverflow(a->coef, b->coef, r.coef)
                    : llvm::SubOverflow(a->coef, b->coef, r.coef);
    overflow |= add ? llvm::AddOverflow(a->constant, b->constant, r.constant)
                    : llvm::SubOverflow(a->constant, b->constant, r.constant);
  }
  if (overflow)
    return std::nullopt;
  if (r.coef == 0)
    r.var = Value();
  return r;
}

/// The integer Range [start, start + step, ...) of max(ceil((limit -
/// start) / step), 0) elements, as i64.
/// ceil((limit - start) / step) clamped at 0, of bounds known at run time,
/// without wrapping: the distance between them taken as unsigned (exact
/// for any two int64 values in order), divided by |step| unsigned. A count
/// past INT64_MAX (arange(INT64_MIN, INT64_MAX)) fails the run.
static Value countRangeAtRunTime(GraphImporter &g, OpFoldResult start,
                                 OpFoldResult limit, int64_t step) {
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  Value lo = g.indexValue(step > 0 ? start : limit);
  Value hi = g.indexValue(step > 0 ? limit : start);
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  // |INT64_MIN| is 2^63 as unsigned: the same bits.
  int64_t magnitude =
      step == std::numeric_limits<int64_t>::min() ? step : std::abs(step);
  Value count = arith::CeilDivUIOp::create(
      b, loc, arith::SubIOp::create(b, loc, hi, lo),
      arith::ConstantIndexOp::create(b, loc, magnitude));
  count = arith::SelectOp::create(
      b, loc, arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sgt, hi, lo),
      count, zero);
  Value fits =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, count, zero);
  seq::createCheck(b, loc, fits, Value(),
                   seq::describeLocation(loc) +
                       ": Range would make 2^63 elements or more",
                   seq::CheckKind::shape);
  return arith::SelectOp::create(b, loc, fits, count, zero);
}

Value buildIntegerRange(GraphImporter &g, OpFoldResult start,
                        OpFoldResult limit, int64_t step) {
  // max(ceil((limit - start) / step), 0) elements. arange(T) of a
  // tensor's length T has exactly T (kept as that size, so that the same
  // length is seen as the same: Reshape's -1, broadcasting).
  Value s = g.indexValue(start);
  OpFoldResult length = foldedIndexOp(g, '-', limit, start);
  // ceil((a * step * x + b) / step) is a * x + ceil(b / step) for an
  // integer x: arange(0, 2 * T, 2), arange(1, 2 * T, 2) and Conv-TasNet's
  // arange(N, N * (T + 1), N) have T elements, as do arange(1, T + 1) and
  // arange(T - 1, -1, -1).
  std::optional<LinearSize> lo = readLinear(start), hi = readLinear(limit);
  int64_t coef = 0, constant = 0;
  bool exact = lo && hi &&
               (lo->coef == 0 || hi->coef == 0 || lo->var == hi->var) &&
               !llvm::SubOverflow(hi->coef, lo->coef, coef) &&
               !llvm::SubOverflow(hi->constant, lo->constant, constant) &&
               coef != 0 && coef % step == 0;
  if (exact)
    length = foldedIndexOp(
        g, '+',
        foldedIndexOp(g, '*', hi->coef != 0 ? hi->var : lo->var,
                      g.builder.getIndexAttr(coef / step)),
        g.builder.getIndexAttr(llvm::divideCeilSigned(constant, step)));
  else if (std::optional<int64_t> span = getConstantIntValue(length))
    // Constant bounds (arange(0, 8, 2) over a static feature size) give
    // a static length: a tensor<?xi64> would look like a run-time axis.
    length = g.builder.getIndexAttr(llvm::divideCeilSigned(*span, step));
  else
    length = countRangeAtRunTime(g, start, limit, step);
  std::optional<int64_t> constantLength = getConstantIntValue(length);
  auto isSize = [](OpFoldResult size) {
    auto v = dyn_cast<Value>(seq::getDecidedSize(size));
    return v && v.getDefiningOp<tensor::DimOp>();
  };
  SmallVector<OpFoldResult> size{length};
  if (constantLength)
    size[0] = g.builder.getIndexAttr(std::max<int64_t>(*constantLength, 0));
  else if (!isSize(length))
    size[0] = arith::MaxSIOp::create(
                  g.builder, g.loc, g.indexValue(length),
                  arith::ConstantIndexOp::create(g.builder, g.loc, 0))
                  .getResult();
  Type i64 = g.builder.getI64Type();
  Value init = seq::createEmptyTensor(g.builder, g.loc, size, i64);
  auto map = AffineMap::getMultiDimIdentityMap(1, g.context);
  auto generic = linalg::GenericOp::create(
      g.builder, g.loc, TypeRange{init.getType()}, ValueRange{},
      ValueRange{init}, ArrayRef<AffineMap>{map},
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
      [&](OpBuilder &b, Location loc, ValueRange) {
        Value i = linalg::IndexOp::create(b, loc, 0);
        Value v = arith::AddIOp::create(
            b, loc, s,
            arith::MulIOp::create(
                b, loc, i, arith::ConstantIndexOp::create(b, loc, step)));
        linalg::YieldOp::create(
            b, loc, arith::IndexCastOp::create(b, loc, i64, v).getResult());
      });
  return generic.getResult(0);
}

/// The constant integral value of the f32 scalar input `i` (0.0, 1.0),
/// if it is one.
std::optional<int64_t> integralFloatScalar(GraphImporter &g, unsigned i) {
  const OnnxValue *v = g.input(i);
  if (!v || !v->constant || v->constant.getNumElements() != 1 ||
      !v->constant.getElementType().isF32())
    return std::nullopt;
  float f = *v->constant.getValues<float>().begin();
  if (!(std::fabs(f) < 2147483648.0f) || std::trunc(f) != f)
    return std::nullopt;
  return static_cast<int64_t>(f);
}

/// The integer scalar input `i` was Cast to float from, when the importer
/// knows it (a size read from a Shape): torch.arange(x.size(1),
/// dtype=torch.float) exports Range(0.0, Cast(T), 1.0).
std::optional<OpFoldResult> castFromInteger(GraphImporter &g, unsigned i) {
  if (!g.graph || static_cast<int>(i) >= g.node->input_size())
    return std::nullopt;
  const std::string &name = g.node->input(i);
  int p = g.producer(name);
  if (p < 0 || p >= g.graph->node_size())
    return std::nullopt;
  const onnx::NodeProto &cast = g.graph->node(p);
  if (cast.op_type() != "Cast" || cast.input_size() != 1 ||
      cast.output_size() != 1 || cast.output(0) != name)
    return std::nullopt;
  // To FLOAT or DOUBLE only: a FLOAT16 Cast rounds a T past 2048, and the
  // Range's count with it.
  bool wide = false;
  for (const onnx::AttributeProto &a : cast.attribute())
    wide |= a.name() == "to" && (a.i() == onnx::TensorProto::FLOAT ||
                                 a.i() == onnx::TensorProto::DOUBLE);
  if (!wide)
    return std::nullopt;
  const OnnxValue *in = g.lookup(cast.input(0));
  if (!in || !in->elements || in->elements->size() != 1 || in->boolean)
    return std::nullopt;
  return (*in->elements)[0];
}

/// Range of f32 scalars: max(ceil((limit - start) / delta), 0) elements
/// start + i * delta (the ONNX formula), delta known at run time too; a
/// zero delta, or a count past 2^31, fails the run. With integral constant
/// start and delta and a limit Cast from a size, the integer Range of
/// that size converted (below).
LogicalResult importFloatRange(GraphImporter &g) {
  // A float arange over a size (torch.arange(T, dtype=torch.float):
  // Range(0.0, Cast(T), 1.0)) with integral start and delta is the integer
  // Range converted: exactly its count (the float ceil(float(T)) would not
  // be seen as T, nor equal it past 2^24), and arange(T) that
  // seq-raise-positions names the time axis of, so a stream continues it.
  // (A start or delta Cast from a static size counts as integral too:
  // Conv-TasNet's arange(N, N * (T + 1), N) of `B, N, T = y.size()`.)
  auto integral = [&](unsigned i) -> std::optional<int64_t> {
    if (std::optional<int64_t> v = integralFloatScalar(g, i))
      return v;
    if (std::optional<OpFoldResult> size = castFromInteger(g, i))
      return getConstantIntValue(*size);
    return std::nullopt;
  };
  std::optional<int64_t> start = integral(0), step = integral(2);
  if (std::optional<OpFoldResult> limit = castFromInteger(g, 1);
      limit && start && step && *step != 0) {
    Value positions =
        buildIntegerRange(g, g.builder.getIndexAttr(*start), *limit, *step);
    FailureOr<Value> values = buildElementwise(
        g, {positions},
        [&](OpBuilder &b, Location l, ValueRange a) {
          return seq::emitCast(b, l, a[0], b.getF32Type());
        },
        g.builder.getF32Type());
    if (failed(values))
      return failure();
    g.setOutput(0, *values);
    return success();
  }
  SmallVector<Value> scalars;
  for (unsigned i = 0; i < 3; ++i) {
    Value v = floatInput(g, i);
    if (!v)
      return failure();
    if (tensorType(v).getRank() != 0) {
      g.nodeError() << "input " << i << " must be a scalar";
      return failure();
    }
    scalars.push_back(
        tensor::ExtractOp::create(g.builder, g.loc, v, ValueRange{}));
  }
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  Value s = scalars[0], d = scalars[2];
  Value count = math::CeilOp::create(
      b, loc,
      arith::DivFOp::create(b, loc,
                            arith::SubFOp::create(b, loc, scalars[1], s), d));
  count = arith::MaximumFOp::create(
      b, loc, count, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)));
  // The count must be finite and in range before it becomes a size.
  Value ok = arith::AndIOp::create(
      b, loc,
      arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::ONE, d,
          arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0))),
      arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::OLE, count,
          arith::ConstantOp::create(b, loc, b.getF32FloatAttr(2147483648.0f))));
  seq::createCheck(b, loc, ok, Value(),
                   seq::describeLocation(loc) +
                       ": Range needs a nonzero delta and at most 2^31 "
                       "elements",
                   seq::CheckKind::shape);
  Value safe = arith::SelectOp::create(
      b, loc, ok, count,
      arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)));
  Value n = arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      arith::FPToSIOp::create(b, loc, b.getI64Type(), safe));
  Value init =
      seq::createEmptyTensor(b, loc, {OpFoldResult(n)}, b.getF32Type());
  auto map = AffineMap::getMultiDimIdentityMap(1, g.context);
  g.setOutput(
      0,
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init},
          ArrayRef<AffineMap>{map},
          ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
          [&](OpBuilder &ib, Location l, ValueRange) {
            Value i = arith::SIToFPOp::create(
                ib, l, ib.getF32Type(),
                arith::IndexCastOp::create(ib, l, ib.getI64Type(),
                                           linalg::IndexOp::create(ib, l, 0)));
            linalg::YieldOp::create(
                ib, l,
                arith::AddFOp::create(ib, l, s,
                                      arith::MulFOp::create(ib, l, i, d))
                    .getResult());
          })
          .getResult(0));
  return success();
}

/// Range(start, limit, delta) of integers: [start, start + delta, ...),
/// max(ceil((limit - start) / delta), 0) elements (positions for
/// embeddings; a negative delta counts down: x[:, arange(T - 1, -1, -1)]).
LogicalResult importRange(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  if (!isIntegerData(g, 0) || !isIntegerData(g, 1) || !isIntegerData(g, 2))
    return importFloatRange(g);
  auto start = g.intsInput(0), limit = g.intsInput(1), delta = g.intsInput(2);
  if (!start || !limit || !delta || start->size() != 1 || limit->size() != 1 ||
      delta->size() != 1) {
    g.nodeError() << "start, limit and delta must be scalars";
    return failure();
  }
  std::optional<int64_t> step = getConstantIntValue((*delta)[0]);
  if (!step || *step == 0) {
    g.nodeError() << "delta must be a nonzero constant";
    return failure();
  }
  g.setOutput(0, buildIntegerRange(g, (*start)[0], (*limit)[0], *step));
  return success();
}

} // namespace

LogicalResult importPositionMaskOp(GraphImporter &g, StringRef op,
                                   bool &handled) {
  handled = true;
  if (op == "Trilu")
    return importTrilu(g);
  if (op == "Range")
    return importRange(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
