//===- TensorOps.cpp - ONNX tensor ops into seq and upstream ops ---------===//
//
// Shape arithmetic (Shape, Gather, Unsqueeze, Concat, ...) on small integer
// vectors is evaluated at import time on index values, so dynamic sizes stay
// tensor.dim results. Elementwise ops become linalg.generic with numpy
// broadcasting made explicit in the indexing maps. Products, normalization
// and convolution are in LayerOps.cpp, Slice and Gather in IndexingOps.cpp,
// Reshape, Flatten, Squeeze and Unsqueeze in ReshapeOps.cpp.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/FrontEndBuilders.h"
#include "dialects/Seq/Utils/PointwiseMath.h"
#include "dialects/Seq/Utils/SizeUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

#include "llvm/Support/MathExtras.h"

#include <climits>
#include <cmath>
#include <limits>
#include <sstream>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {

StringRef inputDimName(OpFoldResult size) {
  auto v = dyn_cast_if_present<Value>(size);
  auto dim = v ? v.getDefiningOp<tensor::DimOp>() : tensor::DimOp();
  std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
  if (!index)
    return "";
  // Where the size was decided: the walk ends at a model input's dimension
  // (a Linear's batch is its input's).
  std::pair<Value, int64_t> end;
  (void)seq::getDecidedSize(dim.getSource(), *index, end);
  auto arg = dyn_cast<BlockArgument>(end.first);
  // (A block being built, a Loop body's, has no parent op yet.)
  auto func =
      arg ? dyn_cast_if_present<func::FuncOp>(arg.getOwner()->getParentOp())
          : func::FuncOp();
  auto names =
      func ? func.getArgAttrOfType<ArrayAttr>(arg.getArgNumber(), "seq.dims")
           : ArrayAttr();
  if (!names || end.second >= static_cast<int64_t>(names.size()))
    return "";
  auto name = dyn_cast<StringAttr>(names[end.second]);
  return name ? name.getValue() : "";
}

bool isSameRunSize(OpFoldResult a, OpFoldResult b) {
  if (seq::isSameSize(a, b))
    return true;
  StringRef name = inputDimName(a);
  return !name.empty() && name == inputDimName(b);
}

OpFoldResult foldedIndexOp(GraphImporter &g, char kind, OpFoldResult a,
                           OpFoldResult b) {
  std::optional<int64_t> ca = getConstantIntValue(a),
                         cb = getConstantIntValue(b);
  if (ca && cb) {
    // Folded only when exact; an overflowing size is left to the run-time
    // arithmetic, whose results the shape and allocation checks vet.
    int64_t r;
    switch (kind) {
    case '+':
      if (!llvm::AddOverflow(*ca, *cb, r))
        return g.builder.getIndexAttr(r);
      break;
    case '-':
      if (!llvm::SubOverflow(*ca, *cb, r))
        return g.builder.getIndexAttr(r);
      break;
    case '*':
      if (!llvm::MulOverflow(*ca, *cb, r))
        return g.builder.getIndexAttr(r);
      break;
    case '/':
      if (*cb != 0 &&
          !(*ca == std::numeric_limits<int64_t>::min() && *cb == -1))
        return g.builder.getIndexAttr(*ca / *cb);
      break;
    }
  }
  // x + 0, x - 0, x * 1, x / 1 (and 0 + x, 1 * x) are x: sizes stay the
  // values they came from, so that the same length is seen as the same.
  if ((cb == 0 && (kind == '+' || kind == '-')) ||
      (cb == 1 && (kind == '*' || kind == '/')))
    return a;
  if ((ca == 0 && kind == '+') || (ca == 1 && kind == '*'))
    return b;
  // (x + y) - y is x: the length of arange(past, T + past) is T.
  if (auto add = dyn_cast_if_present<Value>(a)
                     ? cast<Value>(a).getDefiningOp<arith::AddIOp>()
                     : arith::AddIOp();
      add && kind == '-') {
    if (seq::isSameSize(add.getRhs(), b))
      return add.getLhs();
    if (seq::isSameSize(add.getLhs(), b))
      return add.getRhs();
  }
  Value va = g.indexValue(a), vb = g.indexValue(b);
  switch (kind) {
  case '+':
    return arith::AddIOp::create(g.builder, g.loc, va, vb).getResult();
  case '-':
    return arith::SubIOp::create(g.builder, g.loc, va, vb).getResult();
  case '*':
    return arith::MulIOp::create(g.builder, g.loc, va, vb).getResult();
  default: {
    // A size divided by a size known only at run time (the -1 of a Reshape
    // when the other sizes multiply to 0): a shape error, never a trap.
    Value zero = arith::ConstantIndexOp::create(g.builder, g.loc, 0);
    Value one = arith::ConstantIndexOp::create(g.builder, g.loc, 1);
    Value isZero = arith::CmpIOp::create(g.builder, g.loc,
                                         arith::CmpIPredicate::eq, vb, zero);
    seq::createCheck(
        g.builder, g.loc,
        arith::CmpIOp::create(g.builder, g.loc, arith::CmpIPredicate::ne, vb,
                              zero),
        vb,
        seq::describeLocation(g.loc) +
            ": a size computed at run time divides by {} (a -1 that cannot "
            "be inferred when the other sizes multiply to 0)",
        seq::CheckKind::shape);
    // A size over itself is 1 on every run it is not 0 (checked above):
    // the -1 of reshape(b, T, -1, N) of a [b, T, N] tensor, a constant 1
    // that a later Expand may broadcast.
    if (isSameRunSize(a, b))
      return g.builder.getIndexAttr(1);
    Value divisor = arith::SelectOp::create(g.builder, g.loc, isZero, one, vb);
    return arith::DivSIOp::create(g.builder, g.loc, va, divisor).getResult();
  }
  }
}

OnnxValue symbolic(Ints elems, bool scalar) {
  OnnxValue v;
  v.elements = std::move(elems);
  v.scalar = scalar;
  return v;
}

bool isSymbolicInt(const OnnxValue *v) {
  if (!v || v->boolean || !v->shape.empty())
    return false;
  if (v->elements)
    return true;
  return v->constant && v->constant.getElementType().isInteger(64) &&
         v->constant.getType().getRank() <= 1 &&
         v->constant.getNumElements() <= kMaxShapeVectorLength;
}

OnnxValue symbolicArray(Ints elems, ArrayRef<int64_t> shape) {
  OnnxValue v = symbolic(std::move(elems), shape.empty());
  if (shape.size() >= 2)
    v.shape.assign(shape.begin(), shape.end());
  return v;
}

bool isScalarInt(const OnnxValue *v) {
  if (v->elements)
    return v->scalar;
  if (v->constant)
    return v->constant.getType().getRank() == 0;
  return v->tensor && tensorType(v->tensor).getRank() == 0;
}

//===----------------------------------------------------------------------===//
// Elementwise with broadcasting
//===----------------------------------------------------------------------===//

/// A linalg.generic over the numpy broadcast of `operands`
/// (seq::planBroadcast, shared with the .seq front end).
FailureOr<Value> buildElementwise(GraphImporter &g, ValueRange operands,
                                  ElementwiseBody body, Type resultElement) {
  SmallVector<RankedTensorType> types;
  for (Value v : operands)
    types.push_back(tensorType(v));
  seq::BroadcastClash clash;
  FailureOr<seq::BroadcastPlan> plan = seq::planBroadcast(types, clash);
  if (failed(plan)) {
    g.nodeError() << "operand shapes " << operands.getTypes()
                  << " do not broadcast";
    return failure();
  }
  // Operands whose sizes meet in a result dimension are equal on every
  // run (checked); the result takes the one that is plainly a length, an
  // input's extent (read through ops that keep it), over one computed by
  // arithmetic: a mask cut from a stored buffer, min(max(T, 0), 32) rows,
  // would make the masked scores' length not T, and a later Reshape's -1
  // (numel / T) could no longer cancel to a fixed size.
  auto isComputed = [](OpFoldResult size) {
    auto v = dyn_cast_if_present<Value>(seq::getDecidedSize(size));
    return v && v.getDefiningOp() && !isa<tensor::DimOp>(v.getDefiningOp());
  };
  SmallVector<OpFoldResult> sizes;
  for (auto [r, source] : llvm::enumerate(plan->source)) {
    if (source.first < 0) {
      sizes.push_back(g.builder.getIndexAttr(1));
      continue;
    }
    OpFoldResult size = g.dimSize(operands[source.first], source.second);
    for (auto [i, map] : llvm::enumerate(plan->maps)) {
      if (!isComputed(size))
        break;
      for (auto [d, walked] : llvm::enumerate(map))
        if (walked == int64_t(r) && types[i].isDynamicDim(d))
          if (OpFoldResult other = g.dimSize(operands[i], d);
              !isComputed(other)) {
            size = other;
            break;
          }
    }
    sizes.push_back(size);
  }
  Type elementType = resultElement
                         ? resultElement
                         : tensorType(operands.front()).getElementType();
  return seq::createMappedGeneric(g.builder, g.loc, operands, plan->maps,
                                  sizes, elementType, body);
}

namespace {

bool isFloatValue(const OnnxValue *v) {
  if (!v)
    return false;
  if (v->tensor)
    return tensorType(v->tensor).getElementType().isF32();
  return v->constant && v->constant.getElementType().isF32();
}

/// Input `i` as f32 data; an integer constant next to float data (input
/// `other`) becomes that float, as numpy promotes it: torch.jit.script
/// exports `1 - x` as Add(Neg(x), 1) with an int64 1.
Value promotedFloatInput(GraphImporter &g, unsigned i, unsigned other) {
  const OnnxValue *v = g.input(i);
  if (v && v->constant && v->constant.getElementType().isInteger(64) &&
      isFloatValue(g.input(other))) {
    SmallVector<float> data;
    for (int64_t x : v->constant.getValues<int64_t>())
      data.push_back(static_cast<float>(x));
    auto type = RankedTensorType::get(v->constant.getType().getShape(),
                                      g.builder.getF32Type());
    return arith::ConstantOp::create(
        g.builder, g.loc, DenseElementsAttr::get(type, ArrayRef(data)));
  }
  return floatInput(g, i);
}

} // namespace

bool isIntegerData(GraphImporter &g, unsigned i) {
  const OnnxValue *v = g.input(i);
  if (!v)
    return false;
  // Symbolic ints of any rank: a loop index reshaped to [1, 1], as a
  // scripted `out[:, t, :] = h` builds ScatterND's indices.
  if (isSymbolicInt(v) || (v->elements && !v->boolean))
    return true;
  Type t = v->tensor     ? tensorType(v->tensor).getElementType()
           : v->constant ? v->constant.getElementType()
                         : Type();
  return t && isa<IntegerType>(t) && !t.isInteger(1);
}

/// Add, Sub, Mul, Div (truncating toward zero, as C and ONNX Runtime) and
/// Mod (fmod = 0: the divisor's sign, as Python's %; fmod = 1: the
/// dividend's, as C's %) of integer tensors, broadcast; the narrower
/// operand is sign-extended. A zero divisor fails the run with
/// SEQC_ERR_INVALID_ARGUMENT (the element computes with divisor 1 meanwhile,
/// never trapping); INT_MIN / -1 wraps.
LogicalResult importIntegerBinary(GraphImporter &g, StringRef op) {
  Value a = g.tensorInput(0), b = g.tensorInput(1);
  if (!a || !b)
    return failure();
  auto ta = cast<IntegerType>(tensorType(a).getElementType()),
       tb = cast<IntegerType>(tensorType(b).getElementType());
  IntegerType wide = ta.getWidth() >= tb.getWidth() ? ta : tb;
  bool cMod = g.intAttr("fmod", 0) != 0;
  std::string where = seq::describeLocation(g.loc);
  FailureOr<Value> r = buildElementwise(
      g, {a, b},
      [&](OpBuilder &bld, Location l, ValueRange x) -> Value {
        auto widened = [&](Value v) -> Value {
          return v.getType() == wide
                     ? v
                     : arith::ExtSIOp::create(bld, l, wide, v).getResult();
        };
        Value lhs = widened(x[0]), rhs = widened(x[1]);
        if (op == "Add")
          return arith::AddIOp::create(bld, l, lhs, rhs);
        if (op == "Sub")
          return arith::SubIOp::create(bld, l, lhs, rhs);
        if (op == "Mul")
          return arith::MulIOp::create(bld, l, lhs, rhs);
        auto cst = [&](int64_t v) {
          return arith::ConstantOp::create(bld, l, bld.getIntegerAttr(wide, v));
        };
        Value zero = cst(0);
        Value nonzero =
            arith::CmpIOp::create(bld, l, arith::CmpIPredicate::ne, rhs, zero);
        seq::createCheck(bld, l, nonzero, rhs,
                         where + ": integer " + op.str() +
                             " by zero (divisor {})",
                         seq::CheckKind::value);
        // Divisor 1 where it is 0 (the run fails) or -1 (negate instead:
        // INT_MIN / -1 would trap).
        Value minusOne = arith::CmpIOp::create(bld, l, arith::CmpIPredicate::eq,
                                               rhs, cst(-1));
        Value safe = arith::SelectOp::create(
            bld, l,
            arith::OrIOp::create(
                bld, l, minusOne,
                arith::XOrIOp::create(
                    bld, l, nonzero,
                    arith::ConstantOp::create(bld, l, bld.getBoolAttr(true)))),
            cst(1), rhs);
        if (op == "Div") {
          Value q = arith::DivSIOp::create(bld, l, lhs, safe);
          return arith::SelectOp::create(
              bld, l, minusOne, arith::SubIOp::create(bld, l, zero, lhs), q);
        }
        Value rem = arith::SelectOp::create(
            bld, l, minusOne, zero, arith::RemSIOp::create(bld, l, lhs, safe));
        if (cMod)
          return rem;
        // Python's %: a nonzero remainder takes the divisor's sign.
        Value differ = arith::CmpIOp::create(
            bld, l, arith::CmpIPredicate::ne,
            arith::CmpIOp::create(bld, l, arith::CmpIPredicate::slt, rem, zero),
            arith::CmpIOp::create(bld, l, arith::CmpIPredicate::slt, rhs,
                                  zero));
        Value adjust = arith::AndIOp::create(
            bld, l, differ,
            arith::CmpIOp::create(bld, l, arith::CmpIPredicate::ne, rem, zero));
        return arith::SelectOp::create(
            bld, l, adjust, arith::AddIOp::create(bld, l, rem, rhs), rem);
      },
      wide);
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

namespace {

/// x^e for integers, e >= 0, by squaring over e's bits (wrapping on
/// overflow as two's complement does, NumPy's and PyTorch's rule).
Value integerPower(OpBuilder &b, Location l, Value x, Value e) {
  Type t = x.getType();
  unsigned bits = t.getIntOrFloatBitWidth();
  Value result = arith::ConstantOp::create(b, l, b.getIntegerAttr(t, 1));
  Value one = arith::ConstantOp::create(b, l, b.getIntegerAttr(t, 1));
  for (unsigned i = 0; i + 1 < bits; ++i) {
    Value bit = arith::AndIOp::create(
        b, l,
        arith::ShRUIOp::create(
            b, l, e, arith::ConstantOp::create(b, l, b.getIntegerAttr(t, i))),
        one);
    Value set = arith::CmpIOp::create(
        b, l, arith::CmpIPredicate::ne, bit,
        arith::ConstantOp::create(b, l, b.getIntegerAttr(t, 0)));
    result = arith::SelectOp::create(
        b, l, set, arith::MulIOp::create(b, l, result, x), result);
    x = arith::MulIOp::create(b, l, x, x);
  }
  return result;
}

/// Pow(X, Y): ONNX lets the exponent be of any numeric type and gives the
/// result X's. A float base takes an integer exponent as a float (exact up
/// to 2^24); an integer base an integer exponent, which must be >= 0
/// (PyTorch: "Integers to negative integer powers are not allowed"; a run
/// with one fails naming it), or a float exponent, the power computed in
/// f64 and truncated toward zero (ONNX Runtime's cast; NaN gives 0,
/// out-of-range results saturate).
LogicalResult importPow(GraphImporter &g) {
  bool intBase = isIntegerData(g, 0), intExponent = isIntegerData(g, 1);
  Value x = intBase ? g.tensorInput(0) : floatInput(g, 0);
  Value e = intExponent ? g.tensorInput(1) : floatInput(g, 1);
  if (!x || !e)
    return failure();
  std::string negative = seq::describeLocation(g.loc) +
                         ": Pow of integers needs exponents >= 0, found {} "
                         "(in '" +
                         g.node->input(1) + "')";
  FailureOr<Value> r = buildElementwise(
      g, {x, e},
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value base = a[0], exponent = a[1];
        if (!intBase) {
          Value f = arith::SIToFPOp::create(b, l, base.getType(), exponent);
          return math::PowFOp::create(b, l, base, f);
        }
        Type t = base.getType();
        if (intExponent) {
          if (exponent.getType() != t)
            exponent = arith::ExtSIOp::create(b, l, t, exponent);
          Value zero = arith::ConstantOp::create(b, l, b.getIntegerAttr(t, 0));
          Value ok = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                           exponent, zero);
          seq::createCheck(b, l, ok, exponent, negative, seq::CheckKind::value);
          return integerPower(
              b, l, base, arith::SelectOp::create(b, l, ok, exponent, zero));
        }
        Type f64 = b.getF64Type();
        Value p =
            math::PowFOp::create(b, l, arith::SIToFPOp::create(b, l, f64, base),
                                 arith::ExtFOp::create(b, l, f64, exponent));
        p = math::TruncOp::create(b, l, p);
        unsigned bits = t.getIntOrFloatBitWidth();
        auto bound = [&](double v) {
          return arith::ConstantOp::create(b, l, b.getF64FloatAttr(v));
        };
        // [-2^(bits-1), 2^(bits-1)) is exact in f64 at its ends.
        double lo = -std::ldexp(1.0, bits - 1), hi = std::ldexp(1.0, bits - 1);
        Value nan =
            arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, p, p);
        p = arith::SelectOp::create(b, l, nan, bound(0), p);
        p = arith::MaximumFOp::create(b, l, p, bound(lo));
        Value high = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGE, p,
                                           bound(hi));
        Value v = arith::FPToSIOp::create(
            b, l, t, arith::SelectOp::create(b, l, high, bound(0), p));
        Value max = arith::ConstantOp::create(
            b, l, b.getIntegerAttr(t, APInt::getSignedMaxValue(bits)));
        return arith::SelectOp::create(b, l, high, max, v);
      },
      intBase ? tensorType(x).getElementType() : Type());
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

LogicalResult importBinary(GraphImporter &g, StringRef op) {
  if (failed(g.checkAttrs({})))
    return failure();
  // Integer shape arithmetic stays symbolic.
  if (isSymbolicInt(g.input(0)) && isSymbolicInt(g.input(1)) && op != "Pow") {
    Ints a = *g.intsInput(0), b = *g.intsInput(1);
    bool scalar = isScalarInt(g.input(0)) && isScalarInt(g.input(1));
    std::optional<size_t> n = broadcastLength(a.size(), b.size());
    if (!n) {
      g.nodeError() << "integer operands do not broadcast";
      return failure();
    }
    Ints out;
    char kind = op == "Add" ? '+' : op == "Sub" ? '-' : op == "Mul" ? '*' : '/';
    for (size_t i = 0; i < *n; ++i)
      out.push_back(foldedIndexOp(g, kind, a[a.size() == 1 ? 0 : i],
                                  b[b.size() == 1 ? 0 : i]));
    g.setOutput(0, symbolic(out, scalar));
    return success();
  }
  if (isIntegerData(g, 0) && isIntegerData(g, 1) && op != "Pow")
    return importIntegerBinary(g, op);
  // An integer exponent tensor, or an integer base (a constant exponent
  // is promoted below, as before).
  if (op == "Pow" &&
      (isIntegerData(g, 0) || (isIntegerData(g, 1) && !g.input(1)->constant)))
    return importPow(g);
  Value a = promotedFloatInput(g, 0, 1), b = promotedFloatInput(g, 1, 0);
  if (!a || !b)
    return failure();
  FailureOr<Value> r = buildElementwise(
      g, {a, b}, [&](OpBuilder &bld, Location l, ValueRange x) -> Value {
        if (op == "Add")
          return arith::AddFOp::create(bld, l, x[0], x[1]);
        if (op == "Sub")
          return arith::SubFOp::create(bld, l, x[0], x[1]);
        if (op == "Mul")
          return arith::MulFOp::create(bld, l, x[0], x[1]);
        if (op == "Div")
          return arith::DivFOp::create(bld, l, x[0], x[1]);
        return math::PowFOp::create(bld, l, x[0], x[1]);
      });
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

LogicalResult importUnary(GraphImporter &g, StringRef op) {
  if (failed(g.checkAttrs({})))
    return failure();
  // -size in shape arithmetic stays symbolic ((-T) % 4: padding to a block).
  if (op == "Neg" && isSymbolicInt(g.input(0))) {
    Ints in = *g.intsInput(0), out;
    for (OpFoldResult e : in)
      out.push_back(foldedIndexOp(g, '-', g.builder.getIndexAttr(0), e));
    g.setOutput(0, symbolic(out, isScalarInt(g.input(0))));
    return success();
  }
  if (op == "Neg" && isIntegerData(g, 0)) {
    // 0 - x, wrapping at the type's minimum as two's complement does.
    Value x = g.tensorInput(0);
    FailureOr<Value> r = buildElementwise(
        g, {x}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          Value zero = arith::ConstantOp::create(
              b, l, b.getIntegerAttr(a[0].getType(), 0));
          return arith::SubIOp::create(b, l, zero, a[0]);
        });
    if (failed(r))
      return failure();
    g.setOutput(0, *r);
    return success();
  }
  Value x = floatInput(g, 0);
  if (!x)
    return failure();
  if (op == "Relu" || op == "Sigmoid" || op == "Tanh") {
    seq::ActivationKind kind = op == "Relu"      ? seq::ActivationKind::relu
                               : op == "Sigmoid" ? seq::ActivationKind::sigmoid
                                                 : seq::ActivationKind::tanh;
    g.setOutput(
        0, seq::ActivationOp::create(
               g.builder, g.loc, seq::ActivationAttr::get(g.context, kind), x)
               .getResult());
    return success();
  }
  FailureOr<Value> r = buildElementwise(
      g, {x}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        // Sqrt, Erf, Exp, Neg.
        return seq::emitUnaryMath(b, l, op.lower(), a[0]);
      });
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

//===----------------------------------------------------------------------===//
// Constants and shapes
//===----------------------------------------------------------------------===//

LogicalResult importConstant(GraphImporter &g) {
  if (const auto *a = g.attr("value")) {
    FailureOr<DenseElementsAttr> attr = g.convertTensor(a->t(), true);
    if (failed(attr))
      return failure();
    OnnxValue v;
    v.constant = *attr;
    g.setOutput(0, v);
    return success();
  }
  OnnxValue v;
  if (auto f = g.floatAttr("value_float")) {
    v.constant = DenseElementsAttr::get(
        RankedTensorType::get({}, g.builder.getF32Type()), *f);
  } else if (auto i = g.intAttr("value_int")) {
    v.constant = DenseElementsAttr::get(
        RankedTensorType::get({}, g.builder.getI64Type()), *i);
  } else if (auto is = g.intsAttr("value_ints")) {
    v.constant = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)is->size()}, g.builder.getI64Type()),
        ArrayRef<int64_t>(*is));
  } else if (auto fs = g.floatsAttr("value_floats")) {
    v.constant = DenseElementsAttr::get(
        RankedTensorType::get({(int64_t)fs->size()}, g.builder.getF32Type()),
        ArrayRef<float>(*fs));
  } else {
    g.nodeError() << "only the value, value_float(s) and value_int(s) forms "
                     "are supported";
    return failure();
  }
  g.setOutput(0, v);
  return success();
}

LogicalResult importShape(GraphImporter &g) {
  if (failed(g.checkAttrs({"start", "end"})))
    return failure();
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  int64_t rank = tensorType(x).getRank();
  int64_t start = g.intAttr("start", 0), end = g.intAttr("end", rank);
  if (start < 0)
    start += rank;
  if (end < 0)
    end += rank;
  start = std::clamp<int64_t>(start, 0, rank);
  end = std::clamp<int64_t>(end, 0, rank);
  Ints dims;
  for (int64_t i = start; i < end; ++i)
    dims.push_back(g.dimSize(x, i));
  g.setOutput(0, symbolic(dims, false));
  return success();
}

/// Size: the number of elements of input 0, an int64 scalar (torch's
/// `x.numel()`), symbolic like Shape's dimensions.
LogicalResult importSize(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  OpFoldResult count = g.builder.getIndexAttr(1);
  for (int64_t i = 0, rank = tensorType(x).getRank(); i < rank; ++i)
    count = foldedIndexOp(g, '*', count, g.dimSize(x, i));
  g.setOutput(0, symbolic({count}, /*scalar=*/true));
  return success();
}

LogicalResult importConstantOfShape(GraphImporter &g) {
  if (failed(g.checkAttrs({"value"})))
    return failure();
  auto shape = g.intsInput(0);
  if (!shape) {
    g.nodeError() << "the shape operand must be a known integer vector";
    return failure();
  }
  // ONNX: every value of the shape is >= 0.
  for (auto [index, d] : llvm::enumerate(*shape))
    if (std::optional<int64_t> c = getConstantIntValue(d); c && *c < 0) {
      g.nodeError() << "shape value " << index << " is " << *c
                    << "; every value must be >= 0";
      return failure();
    }
  g.checkSizesNotNegative(*shape, "shape value");
  Attribute fill = g.builder.getF32FloatAttr(0.0f);
  if (const auto *a = g.attr("value")) {
    FailureOr<DenseElementsAttr> attr = g.convertTensor(a->t(), true);
    if (failed(attr))
      return failure();
    if (attr->getNumElements() != 1) {
      g.nodeError() << "value must hold one element";
      return failure();
    }
    fill = *attr->value_begin<Attribute>();
  }
  Type elementType = cast<TypedAttr>(fill).getType();
  SmallVector<int64_t> dims;
  int64_t count = 1;
  for (OpFoldResult d : *shape)
    if (std::optional<int64_t> c = getConstantIntValue(d)) {
      dims.push_back(*c);
      if (count >= 0 && llvm::MulOverflow(count, *c, count))
        count = -1;
    }
  if (isa<IntegerType>(elementType) && dims.size() == shape->size() &&
      count >= 0 && count <= kMaxShapeVectorLength) {
    // Small integer fills of a known shape are shape arithmetic: keep them
    // constant. (With run-time or large sizes, zeros_like of int64
    // positions or scatter indices, they are filled tensors below, whose
    // allocation is checked.)
    OnnxValue v;
    v.constant =
        DenseElementsAttr::get(RankedTensorType::get(dims, elementType), fill);
    g.setOutput(0, v);
    return success();
  }
  Value init = seq::createEmptyTensor(g.builder, g.loc, *shape, elementType);
  Value scalar =
      arith::ConstantOp::create(g.builder, g.loc, cast<TypedAttr>(fill));
  g.setOutput(0, linalg::FillOp::create(g.builder, g.loc, ValueRange{scalar},
                                        ValueRange{init})
                     .getResult(0));
  return success();
}

//===----------------------------------------------------------------------===//
// Layout ops (Reshape, Flatten, Squeeze and Unsqueeze: ReshapeOps.cpp)
//===----------------------------------------------------------------------===//

LogicalResult importTranspose(GraphImporter &g) {
  if (failed(g.checkAttrs({"perm"})))
    return failure();
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  int64_t rank = tensorType(x).getRank();
  SmallVector<int64_t> perm;
  if (auto p = g.intsAttr("perm"))
    perm = *p;
  else
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  // torch 1.13 writes x.permute(0, -2, -1, 1) with its negative entries,
  // which count from the end as in PyTorch.
  SmallVector<int64_t> sorted;
  for (int64_t p : perm)
    sorted.push_back(p < 0 && p >= -rank ? p + rank : p);
  SmallVector<int64_t> given = std::exchange(perm, sorted);
  llvm::sort(sorted);
  for (int64_t i = 0; i < (int64_t)sorted.size(); ++i)
    if (sorted[i] != i || (int64_t)perm.size() != rank) {
      InFlightDiagnostic diag = g.nodeError();
      diag << "perm [";
      llvm::interleaveComma(given, diag);
      diag << "] is not a permutation of the input's " << rank << " dimensions";
      return failure();
    }
  // A value of rank 2 or more known element by element stays so.
  if (const OnnxValue *in = g.input(0); in->elements && !in->shape.empty()) {
    ArrayRef<int64_t> shape = in->shape;
    SmallVector<int64_t> outShape, inStrides(rank, 1);
    for (int64_t d = rank - 2; d >= 0; --d)
      inStrides[d] = inStrides[d + 1] * shape[d + 1];
    for (int64_t p : perm)
      outShape.push_back(shape[p]);
    Ints out;
    for (int64_t linear = 0, n = in->elements->size(); linear < n; ++linear) {
      // Output element `linear`: its index in each output dimension d
      // indexes input dimension perm[d].
      int64_t rest = linear, source = 0;
      for (int64_t d = rank - 1; d >= 0; --d) {
        source += (rest % outShape[d]) * inStrides[perm[d]];
        rest /= outShape[d];
      }
      out.push_back((*in->elements)[source]);
    }
    g.setOutput(0, symbolicArray(out, outShape));
    return success();
  }
  g.setOutput(0, seq::createTranspose(g.builder, g.loc, x, perm));
  return success();
}

LogicalResult importConcat(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis"})))
    return failure();
  int64_t axis = g.intAttr("axis", 0);
  unsigned n = g.node->input_size();
  bool allInts = n > 0;
  int64_t length = 0;
  // Stops at the cap: a node may list the same vector thousands of times.
  for (unsigned i = 0; i < n && allInts && length <= kMaxShapeVectorLength;
       ++i) {
    allInts &= isSymbolicInt(g.input(i)) && !isScalarInt(g.input(i));
    if (allInts)
      length += g.intsInput(i)->size();
  }
  // A concatenation of shape vectors stays one only while it is short.
  if (allInts && length <= kMaxShapeVectorLength) {
    Ints out;
    for (unsigned i = 0; i < n; ++i)
      out.append(*g.intsInput(i));
    g.setOutput(0, symbolic(out, false));
    return success();
  }
  SmallVector<Value> inputs;
  for (unsigned i = 0; i < n; ++i) {
    Value v = g.tensorInput(i);
    if (!v)
      return failure();
    inputs.push_back(v);
  }
  auto a = normalizeAxis(g, axis, tensorType(inputs[0]).getRank());
  if (!a)
    return failure();
  // ONNX: inputs of one rank (at least 1) and element type that agree off
  // the axis (dynamic extents are checked when the model runs).
  RankedTensorType first = tensorType(inputs[0]);
  for (auto [i, v] : llvm::enumerate(inputs)) {
    RankedTensorType t = tensorType(v);
    bool agree = t.getRank() == first.getRank() && t.getRank() >= 1 &&
                 t.getElementType() == first.getElementType();
    for (int64_t d = 0; agree && d < t.getRank(); ++d)
      agree = d == *a || t.isDynamicDim(d) || first.isDynamicDim(d) ||
              t.getDimSize(d) == first.getDimSize(d);
    if (!agree) {
      g.nodeError() << "input " << i << " is " << t << ", which cannot be "
                    << "concatenated with " << first << " along axis " << *a;
      return failure();
    }
  }
  if (inputs.size() == 1) {
    g.setOutput(0, inputs[0]);
    return success();
  }
  g.setOutput(
      0, tensor::ConcatOp::create(g.builder, g.loc, *a, inputs).getResult());
  return success();
}

} // namespace

/// Dropout (ONNX): the identity in inference, its mask all true. From
/// opset 12 the optional input `training_mode` may ask for training, which
/// is the identity too when the ratio is 0 (torch.dropout(x, 0.0,
/// train=True), PyTorch's reference scaled_dot_product_attention with
/// dropout_p = 0); with another ratio the output is random: refused.
static LogicalResult importDropout(GraphImporter &g) {
  const OnnxValue *x = g.input(0);
  if (!x) {
    g.nodeError() << "input 0 is required";
    return failure();
  }
  if (const OnnxValue *training = g.input(2)) {
    if (!training->constant || training->constant.getNumElements() != 1) {
      g.nodeError() << "has a training_mode computed at run time; seqc "
                       "compiles inference (export the model after "
                       "model.eval())";
      return failure();
    }
    Attribute mode = *training->constant.getValues<Attribute>().begin();
    bool train = isa<IntegerAttr>(mode)
                     ? !cast<IntegerAttr>(mode).getValue().isZero()
                     : !cast<FloatAttr>(mode).getValue().isZero();
    // ONNX's default ratio is 0.5.
    double ratio = 0.5;
    if (const OnnxValue *r = g.input(1)) {
      if (!r->constant || r->constant.getNumElements() != 1 ||
          !isa<FloatType>(r->constant.getElementType())) {
        if (train) {
          g.nodeError() << "runs in training mode with a ratio computed at "
                           "run time; seqc compiles inference (export the "
                           "model after model.eval())";
          return failure();
        }
      } else {
        ratio = (*r->constant.getValues<APFloat>().begin()).convertToDouble();
      }
    }
    if (train && ratio != 0.0) {
      std::ostringstream shown; // 0.1, as the model writes it
      shown << static_cast<float>(ratio);
      g.nodeError() << "runs in training mode with ratio " << shown.str()
                    << ", which makes its output random; seqc compiles "
                       "inference (export the model after model.eval(), or "
                       "with dropout_p = 0)";
      return failure();
    }
  }
  g.setOutput(0, *x);
  if (g.hasOutput(1)) {
    Value data = g.tensorInput(0);
    if (!data)
      return failure();
    Value empty = seq::createEmptyTensor(g.builder, g.loc, shapeOf(g, data),
                                         g.builder.getI1Type());
    Value ones = arith::ConstantOp::create(g.builder, g.loc,
                                           g.builder.getBoolAttr(true));
    g.setOutput(1, linalg::FillOp::create(g.builder, g.loc, ValueRange{ones},
                                          ValueRange{empty})
                       .getResult(0));
  }
  return success();
}

LogicalResult importTensorOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Pow")
    return importBinary(g, op);
  if (op == "Relu" || op == "Sigmoid" || op == "Tanh" || op == "Sqrt" ||
      op == "Erf" || op == "Exp" || op == "Neg")
    return importUnary(g, op);
  if (op == "Dropout")
    return importDropout(g);
  if (op == "Identity") {
    if (!g.input(0)) {
      g.nodeError() << "input 0 is required";
      return failure();
    }
    g.setOutput(0, *g.input(0));
    return success();
  }
  if (op == "Constant")
    return importConstant(g);
  if (op == "Shape")
    return importShape(g);
  if (op == "Size")
    return importSize(g);
  if (op == "ConstantOfShape")
    return importConstantOfShape(g);
  if (op == "Transpose")
    return importTranspose(g);
  if (op == "Concat")
    return importConcat(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
