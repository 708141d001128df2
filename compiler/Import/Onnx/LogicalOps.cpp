//===- LogicalOps.cpp - comparisons, logic, Where and Cast ---------------===//
//
// Masks and the integer/boolean values around them: Equal, Greater, Less,
// GreaterOrEqual, LessOrEqual (i1 results; ordered float predicates, so a
// NaN compares false as in NumPy), And, Or, Xor, Not, Where, and Cast
// between float32, integers and bool (`attention_mask.to(float)`, a
// position difference cast for a bias table). Booleans are i1 tensors,
// integers i64 (i32 graph inputs stay i32). Comparisons of sizes known at
// import time fold to constants, so the If a scripted export writes around
// a shape test takes its branch at import time.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/Utils/PointwiseMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <cmath>

using namespace mlir;

namespace seqc::onnx_import {
namespace {

/// Whether input `i` is a rank-0 integer (symbolic or constant).
bool isScalarInput(GraphImporter &g, unsigned i) {
  const OnnxValue *v = g.input(i);
  return v && ((v->elements && v->scalar) ||
               (v->constant && v->constant.getType().getRank() == 0));
}

/// The element type input `i` has (or will have once built).
Type elementTypeOf(GraphImporter &g, unsigned i) {
  const OnnxValue *v = g.input(i);
  if (!v)
    return {};
  if (v->tensor)
    return tensorType(v->tensor).getElementType();
  if (v->constant)
    return v->constant.getElementType();
  if (v->elements)
    return v->boolean ? g.builder.getI1Type() : g.builder.getI64Type();
  return {};
}

/// Whether `size` is never negative at run time: a constant >= 0, a
/// tensor.dim, or sums, products, quotients, maxima and selections of such
/// (`T + past_len`, `B * H`; a size that large would overflow long before
/// the shape and allocation checks, which reject it).
bool isNonNegativeSize(OpFoldResult size, int depth = 0) {
  if (std::optional<int64_t> c = getConstantIntValue(size))
    return *c >= 0;
  auto value = dyn_cast<Value>(size);
  Operation *def = value ? value.getDefiningOp() : nullptr;
  if (!def || depth > 16)
    return false;
  auto nonNegative = [&](Value v) { return isNonNegativeSize(v, depth + 1); };
  if (isa<tensor::DimOp>(def))
    return true;
  if (isa<arith::AddIOp, arith::MulIOp, arith::MinSIOp, arith::DivSIOp,
          arith::CeilDivSIOp, arith::FloorDivSIOp, arith::RemSIOp>(def))
    return llvm::all_of(def->getOperands(), nonNegative);
  if (isa<arith::MaxSIOp>(def))
    return llvm::any_of(def->getOperands(), nonNegative);
  if (auto select = dyn_cast<arith::SelectOp>(def))
    return nonNegative(select.getTrueValue()) &&
           nonNegative(select.getFalseValue());
  return false;
}

/// Input `i` as a tensor; an integer or DOUBLE constant next to f32 data
/// (input `other`) becomes float32, as PyTorch promotes a Python scalar.
Value promotedInput(GraphImporter &g, unsigned i, unsigned other) {
  const OnnxValue *v = g.input(i);
  Type otherType = elementTypeOf(g, other);
  if (v && v->constant && isa<IntegerType>(v->constant.getElementType()) &&
      otherType && otherType.isF32()) {
    SmallVector<float> data;
    for (APInt x : v->constant.getValues<APInt>())
      data.push_back(static_cast<float>(x.getSExtValue()));
    auto type = RankedTensorType::get(v->constant.getType().getShape(),
                                      g.builder.getF32Type());
    return arith::ConstantOp::create(
        g.builder, g.loc, DenseElementsAttr::get(type, ArrayRef(data)));
  }
  if (otherType && otherType.isF32())
    if (Value narrowed = narrowedF64Constant(g, i))
      return narrowed;
  return g.tensorInput(i);
}

/// `v` sign-extended to the element type of `other` when both are integers
/// (not bool) and `other`'s is wider; else `v`.
Value widenedInt(GraphImporter &g, Value v, Value other) {
  auto from = dyn_cast<IntegerType>(tensorType(v).getElementType());
  auto to = dyn_cast<IntegerType>(tensorType(other).getElementType());
  if (!from || !to || from.getWidth() == 1 || to.getWidth() == 1 ||
      from.getWidth() >= to.getWidth())
    return v;
  FailureOr<Value> r = buildElementwise(
      g, {v},
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        return arith::ExtSIOp::create(b, l, to, a[0]);
      },
      to);
  return failed(r) ? Value() : *r;
}

/// The longest integer vectors whose comparison stays a vector of sizes
/// element by element when some elements are decided only at run time:
/// shape vectors (a tensor's rank).
constexpr size_t kMaxComparedShapeLength = 16;

/// `a OP b` (an ONNX comparison) of two sizes at run time, as an index 0
/// or 1.
Value comparedSizes(GraphImporter &g, StringRef op, OpFoldResult a,
                    OpFoldResult b) {
  auto predicate = op == "Equal"            ? arith::CmpIPredicate::eq
                   : op == "Greater"        ? arith::CmpIPredicate::sgt
                   : op == "Less"           ? arith::CmpIPredicate::slt
                   : op == "GreaterOrEqual" ? arith::CmpIPredicate::sge
                                            : arith::CmpIPredicate::sle;
  Value holds = arith::CmpIOp::create(g.builder, g.loc, predicate,
                                      g.indexValue(a), g.indexValue(b));
  return arith::SelectOp::create(
      g.builder, g.loc, holds,
      arith::ConstantIndexOp::create(g.builder, g.loc, 1),
      arith::ConstantIndexOp::create(g.builder, g.loc, 0));
}

LogicalResult importComparison(GraphImporter &g, StringRef op) {
  if (failed(g.checkAttrs({})))
    return failure();
  auto compare = [&](int64_t a, int64_t b) {
    if (op == "Equal")
      return a == b;
    if (op == "Greater")
      return a > b;
    if (op == "Less")
      return a < b;
    if (op == "GreaterOrEqual")
      return a >= b;
    return a <= b;
  };
  // Sizes known at import time compare at import time: a scripted
  // `x.squeeze(2)` exports If(Equal(Shape(x)[2], 1)). A run-time size is
  // never negative, so it differs from the -1 of `expand(-1, 1, H)`
  // (exported as Where(Equal(shape, -1), 1, shape)) and compares with any
  // negative constant as 0 does.
  auto decide = [&](OpFoldResult a, OpFoldResult b) -> std::optional<bool> {
    std::optional<int64_t> x = getConstantIntValue(a),
                           y = getConstantIntValue(b);
    if (x && y)
      return compare(*x, *y);
    if (y && *y < 0 && isNonNegativeSize(a))
      return compare(0, *y);
    if (x && *x < 0 && isNonNegativeSize(b))
      return compare(*x, 0);
    return std::nullopt;
  };
  std::optional<Ints> ia = isSymbolicInt(g.input(0)) ? g.intsInput(0)
                                                     : std::nullopt,
                      ib = isSymbolicInt(g.input(1)) ? g.intsInput(1)
                                                     : std::nullopt;
  std::optional<SmallVector<bool>> folded;
  if (ia && ib && broadcastLength(ia->size(), ib->size())) {
    SmallVector<bool> decided;
    Ints elements;
    bool allDecided = true;
    size_t n = *broadcastLength(ia->size(), ib->size());
    for (size_t i = 0; i < n; ++i) {
      OpFoldResult x = (*ia)[ia->size() == 1 ? 0 : i],
                   y = (*ib)[ib->size() == 1 ? 0 : i];
      if (std::optional<bool> r = decide(x, y)) {
        decided.push_back(*r);
        elements.push_back(g.builder.getIndexAttr(*r));
        continue;
      }
      allDecided = false;
      if (n > kMaxComparedShapeLength)
        break;
      elements.push_back(comparedSizes(g, op, x, y));
    }
    if (allDecided)
      folded = std::move(decided);
    // Not decided for every element (a size computed at run time against
    // the -1 of `expand`): a shape vector's comparison stays a boolean
    // vector known element by element, so that a Where choosing between
    // shape vectors keeps the decided ones; a longer one is data.
    else if (n <= kMaxComparedShapeLength) {
      OnnxValue v = symbolic(std::move(elements),
                             isScalarInput(g, 0) && isScalarInput(g, 1));
      v.boolean = true;
      g.setOutput(0, v);
      return success();
    }
  }
  if (folded) {
    SmallVector<bool> result = *folded;
    SmallVector<int64_t> shape;
    if (!(isScalarInput(g, 0) && isScalarInput(g, 1)))
      shape.push_back(result.size());
    OnnxValue v;
    v.constant = DenseElementsAttr::get(
        RankedTensorType::get(shape, g.builder.getI1Type()), ArrayRef(result));
    g.setOutput(0, v);
    return success();
  }
  Value a = promotedInput(g, 0, 1), b = promotedInput(g, 1, 0);
  if (!a || !b)
    return failure();
  // i32 against i64 (an INT32 graph input against a constant, which the
  // importer holds as i64): compare as i64.
  a = widenedInt(g, a, b);
  b = widenedInt(g, b, a);
  if (!a || !b)
    return failure();
  Type ea = tensorType(a).getElementType(), eb = tensorType(b).getElementType();
  if (ea != eb) {
    g.nodeError() << "operands have different element types " << ea << " and "
                  << eb;
    return failure();
  }
  auto fPredicate = op == "Equal"            ? arith::CmpFPredicate::OEQ
                    : op == "Greater"        ? arith::CmpFPredicate::OGT
                    : op == "Less"           ? arith::CmpFPredicate::OLT
                    : op == "GreaterOrEqual" ? arith::CmpFPredicate::OGE
                                             : arith::CmpFPredicate::OLE;
  // Booleans compare unsigned (true > false), integers signed.
  bool isBool = ea.isInteger(1);
  auto iPredicate =
      op == "Equal" ? arith::CmpIPredicate::eq
      : op == "Greater"
          ? (isBool ? arith::CmpIPredicate::ugt : arith::CmpIPredicate::sgt)
      : op == "Less"
          ? (isBool ? arith::CmpIPredicate::ult : arith::CmpIPredicate::slt)
      : op == "GreaterOrEqual"
          ? (isBool ? arith::CmpIPredicate::uge : arith::CmpIPredicate::sge)
          : (isBool ? arith::CmpIPredicate::ule : arith::CmpIPredicate::sle);
  FailureOr<Value> r = buildElementwise(
      g, {a, b},
      [&](OpBuilder &bld, Location l, ValueRange x) -> Value {
        if (isa<FloatType>(ea))
          return arith::CmpFOp::create(bld, l, fPredicate, x[0], x[1]);
        return arith::CmpIOp::create(bld, l, iPredicate, x[0], x[1]);
      },
      g.builder.getI1Type());
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

Value boolInput(GraphImporter &g, unsigned i) {
  Value v = g.tensorInput(i);
  if (v && !tensorType(v).getElementType().isInteger(1)) {
    g.nodeError() << "input " << i << " has element type "
                  << tensorType(v).getElementType() << ", not bool";
    return nullptr;
  }
  return v;
}

/// And, Or, Xor (two inputs) and Not (one), on bool tensors.
LogicalResult importLogical(GraphImporter &g, StringRef op) {
  if (failed(g.checkAttrs({})))
    return failure();
  // Known bools (a shape test's Equal, a scripted LSTMCell's `not
  // is_batched`) stay known, so that an If on them takes its branch.
  unsigned arity = op == "Not" ? 1u : 2u;
  SmallVector<DenseElementsAttr> known;
  for (unsigned i = 0; i < arity; ++i)
    if (const OnnxValue *in = g.input(i);
        in && in->constant && in->constant.getElementType().isInteger(1) &&
        in->constant.isSplat() && in->constant.getType().getRank() == 0)
      known.push_back(in->constant);
  if (known.size() == arity) {
    bool a = known[0].getSplatValue<bool>();
    bool b = arity == 2 && known[1].getSplatValue<bool>();
    bool r = op == "Not"   ? !a
             : op == "And" ? (a && b)
             : op == "Or"  ? (a || b)
                           : a != b;
    OnnxValue v;
    v.constant = DenseElementsAttr::get(
        RankedTensorType::get({}, g.builder.getI1Type()), r);
    g.setOutput(0, v);
    return success();
  }
  SmallVector<Value> operands;
  for (unsigned i = 0; i < arity; ++i) {
    Value v = boolInput(g, i);
    if (!v)
      return failure();
    operands.push_back(v);
  }
  FailureOr<Value> r = buildElementwise(
      g, operands, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        if (op == "Not")
          return arith::XOrIOp::create(
              b, l, a[0], arith::ConstantOp::create(b, l, b.getBoolAttr(true)));
        if (op == "And")
          return arith::AndIOp::create(b, l, a[0], a[1]);
        if (op == "Or")
          return arith::OrIOp::create(b, l, a[0], a[1]);
        return arith::XOrIOp::create(b, l, a[0], a[1]);
      });
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

LogicalResult importWhere(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  // A known condition choosing between shape vectors stays a shape vector
  // (`expand(-1, 1, H)`: Where(Equal(shape, -1), ones, shape)).
  // A condition known element by element but not decided for all (a size
  // computed at run time against that -1) selects at run time where it
  // must: the sizes it decides stay constants (the 1s of a broadcast).
  const OnnxValue *cond = g.input(0);
  std::optional<Ints> knownCond;
  if (cond && cond->constant && cond->constant.getElementType().isInteger(1) &&
      cond->constant.getType().getRank() <= 1) {
    knownCond.emplace();
    for (bool x : cond->constant.getValues<bool>())
      knownCond->push_back(g.builder.getIndexAttr(x));
  } else if (cond && cond->boolean) {
    knownCond = *cond->elements;
  }
  if (knownCond && isSymbolicInt(g.input(1)) && isSymbolicInt(g.input(2))) {
    std::optional<Ints> a = g.intsInput(1), b = g.intsInput(2);
    std::optional<size_t> ab = broadcastLength(a->size(), b->size());
    std::optional<size_t> all =
        ab ? broadcastLength(knownCond->size(), *ab) : std::nullopt;
    if (all) {
      size_t n = *all;
      Ints out;
      for (size_t i = 0; i < n; ++i) {
        OpFoldResult ci = (*knownCond)[knownCond->size() == 1 ? 0 : i],
                     ai = (*a)[a->size() == 1 ? 0 : i],
                     bi = (*b)[b->size() == 1 ? 0 : i];
        if (std::optional<int64_t> known = getConstantIntValue(ci)) {
          out.push_back(*known ? ai : bi);
          continue;
        }
        Value holds = arith::CmpIOp::create(
            g.builder, g.loc, arith::CmpIPredicate::ne, g.indexValue(ci),
            arith::ConstantIndexOp::create(g.builder, g.loc, 0));
        out.push_back(arith::SelectOp::create(g.builder, g.loc, holds,
                                              g.indexValue(ai),
                                              g.indexValue(bi))
                          .getResult());
      }
      bool scalar = isScalarInput(g, 0) && isScalarInt(g.input(1)) &&
                    isScalarInt(g.input(2));
      g.setOutput(0, symbolic(out, scalar));
      return success();
    }
  }
  Value c = boolInput(g, 0), a = promotedInput(g, 1, 2),
        b = promotedInput(g, 2, 1);
  if (!c || !a || !b)
    return failure();
  if (tensorType(a).getElementType() != tensorType(b).getElementType()) {
    g.nodeError() << "X and Y have different element types";
    return failure();
  }
  FailureOr<Value> r = buildElementwise(
      g, {c, a, b},
      [&](OpBuilder &bld, Location l, ValueRange x) -> Value {
        return arith::SelectOp::create(bld, l, x[0], x[1], x[2]);
      },
      tensorType(a).getElementType());
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

/// Output 0 as the constant `data` of `elementType` in input 0's
/// (constant) shape.
template <typename T>
LogicalResult setConstantLikeInput(GraphImporter &g, Type elementType,
                                   ArrayRef<T> data) {
  OnnxValue out;
  out.constant = DenseElementsAttr::get(
      RankedTensorType::get(g.input(0)->constant.getType().getShape(),
                            elementType),
      data);
  g.setOutput(0, out);
  return success();
}

/// Output 0 as `convert` of each element of input 0, of `elementType`.
LogicalResult
setConvertedInput(GraphImporter &g, Type elementType,
                  function_ref<Value(OpBuilder &, Location, Value)> convert) {
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  FailureOr<Value> r = buildElementwise(
      g, {x},
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        return convert(b, l, a[0]);
      },
      elementType);
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

/// Cast to an integer dtype narrower than INT64 (`.byte()`, `.int()`,
/// `.to(torch.int8)`): held as i64 in the target's range, the value
/// truncated toward zero (a float, as x86-64 converts it: NaN and values
/// past int32's range are INT32_MIN, whose low bits are kept,
/// seq::floatToIntegerLikeX86) and wrapped to the target's width as
/// PyTorch's conversion does (-1.5 -> 255 for UINT8).
LogicalResult importNarrowIntegerCast(GraphImporter &g, unsigned bits,
                                      bool isSigned) {
  const OnnxValue *in = g.input(0);
  Type from = elementTypeOf(g, 0);
  Type i64 = g.builder.getI64Type();
  auto wrap = [&](int64_t v) {
    APInt x(bits, static_cast<uint64_t>(v), /*isSigned=*/false,
            /*implicitTrunc=*/true);
    return isSigned ? x.getSExtValue() : static_cast<int64_t>(x.getZExtValue());
  };
  if (in->constant && !from.isF64()) {
    SmallVector<int64_t> data;
    if (from.isF32())
      for (float v : in->constant.getValues<float>())
        data.push_back(seq::floatToIntegerLikeX86(v, bits, isSigned));
    else if (from.isInteger(1))
      for (bool v : in->constant.getValues<bool>())
        data.push_back(v);
    else
      for (int64_t v : in->constant.getValues<int64_t>())
        data.push_back(wrap(v));
    return setConstantLikeInput(g, i64, ArrayRef(data));
  }
  Type narrow = g.builder.getIntegerType(bits);
  // (An unsigned 32-bit target converts through 64 bits on x86-64.)
  bool through64 = bits == 32 && !isSigned && isa<FloatType>(from);
  return setConvertedInput(g, i64, [&](OpBuilder &b, Location l, Value x) {
    Value truncated =
        isa<FloatType>(x.getType()) && !through64
            ? seq::emitCast(b, l, x, narrow)
            : arith::TruncIOp::create(b, l, narrow, seq::emitCast(b, l, x, i64))
                  .getResult();
    return isSigned
               ? arith::ExtSIOp::create(b, l, i64, truncated).getResult()
               : arith::ExtUIOp::create(b, l, i64, truncated).getResult();
  });
}

/// Cast to FLOAT16 or BFLOAT16 (`.half()`, autocast regions): values stay
/// float32 but rounded to the half type's precision and range (to nearest,
/// ties to even; overflow to inf), which is what the cast changes.
LogicalResult importHalfCast(GraphImporter &g, bool bfloat) {
  const OnnxValue *in = g.input(0);
  Type from = elementTypeOf(g, 0);
  Type f32 = g.builder.getF32Type();
  FloatType half = bfloat ? FloatType(g.builder.getBF16Type())
                          : FloatType(g.builder.getF16Type());
  if (in->constant && from.isF32()) {
    SmallVector<float> data;
    for (float v : in->constant.getValues<float>()) {
      APFloat x(v);
      bool lost = false;
      x.convert(half.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
      x.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
      data.push_back(x.convertToFloat());
    }
    return setConstantLikeInput(g, f32, ArrayRef(data));
  }
  return setConvertedInput(g, f32, [&](OpBuilder &b, Location l, Value x) {
    Value rounded =
        arith::TruncFOp::create(b, l, half, seq::emitCast(b, l, x, f32));
    return arith::ExtFOp::create(b, l, f32, rounded).getResult();
  });
}

/// Cast to ONNX dtype `to` (Cast's attribute, or CastLike's second
/// input's dtype).
LogicalResult importCastTo(GraphImporter &g, int64_t to) {
  const OnnxValue *in = g.input(0);
  if (!in) {
    g.nodeError() << "input 0 is required";
    return failure();
  }
  // DOUBLE is for the casts torch 1.13 wraps around IsInf and nan_to_num;
  // the other ops take f32, and say so.
  Type target =
      to == onnx::TensorProto::FLOAT    ? g.builder.getF32Type()
      : to == onnx::TensorProto::DOUBLE ? Type(g.builder.getF64Type())
      : to == onnx::TensorProto::INT64 || to == onnx::TensorProto::INT32
          ? Type(g.builder.getI64Type())
      : to == onnx::TensorProto::BOOL ? Type(g.builder.getI1Type())
                                      : Type();
  if (std::optional<std::pair<unsigned, bool>> narrow =
          narrowIntegerType(static_cast<int32_t>(to)))
    return importNarrowIntegerCast(g, narrow->first, narrow->second);
  if (to == onnx::TensorProto::FLOAT16 || to == onnx::TensorProto::BFLOAT16)
    return importHalfCast(g, to == onnx::TensorProto::BFLOAT16);
  if (!target) {
    g.nodeError() << "Cast to " << onnxDtypeName(static_cast<int32_t>(to))
                  << " is not supported (supported: FLOAT, DOUBLE, FLOAT16, "
                     "BFLOAT16, INT64, INT32, INT16, INT8, UINT32, UINT16, "
                     "UINT8, BOOL)";
    return failure();
  }
  Type from = elementTypeOf(g, 0);
  // INT32 is held as i64: a value past int32's range wraps, as PyTorch's
  // and ONNX Runtime's int32 does (2^32 + 3 -> 3), so that the ops after
  // it read what an INT32 output shows. (Sizes held symbolically, a shape
  // cast to INT32, stay as they are: no size reaches 2^31.)
  if (to == onnx::TensorProto::INT32 && from && !from.isInteger(32) &&
      !from.isInteger(1) && !in->elements)
    return importNarrowIntegerCast(g, 32, /*isSigned=*/true);
  // Integers stay what they are (shape arithmetic stays symbolic); the
  // same type is the identity.
  // (A narrower integer tensor, an INT32 graph input, is widened below.)
  bool fromInt = from && isa<IntegerType>(from) && !from.isInteger(1);
  bool narrowTensor = fromInt && in->tensor && !from.isInteger(64);
  if (!from || from == target ||
      (fromInt && target.isInteger(64) && !narrowTensor)) {
    g.setOutput(0, *in);
    return success();
  }
  // A constant converts here (to f32, an integer or bool).
  if (in->constant && !target.isF64()) {
    DenseElementsAttr c = in->constant;
    auto type = RankedTensorType::get(c.getType().getShape(), target);
    auto convert = [&](auto values) -> DenseElementsAttr {
      if (target.isF32()) {
        SmallVector<float> data;
        for (auto v : values)
          data.push_back(static_cast<float>(v));
        return DenseElementsAttr::get(type, ArrayRef(data));
      }
      if (target.isInteger(1)) {
        SmallVector<bool> data;
        for (auto v : values)
          data.push_back(v != 0);
        return DenseElementsAttr::get(type, ArrayRef(data));
      }
      SmallVector<int64_t> data;
      for (auto v : values)
        data.push_back(
            std::is_floating_point_v<decltype(v)>
                ? seq::floatToIntegerLikeX86(static_cast<double>(v), 64)
                : static_cast<int64_t>(v));
      return DenseElementsAttr::get(type, ArrayRef(data));
    };
    OnnxValue out;
    if (from.isF32())
      out.constant = convert(c.getValues<float>());
    else if (from.isF64())
      out.constant = convert(c.getValues<double>());
    else if (from.isInteger(1))
      out.constant = convert(c.getValues<bool>());
    else
      out.constant = convert(c.getValues<int64_t>());
    g.setOutput(0, out);
    return success();
  }
  return setConvertedInput(g, target, [&](OpBuilder &b, Location l, Value x) {
    return seq::emitCast(b, l, x, target);
  });
}

LogicalResult importCast(GraphImporter &g) {
  if (failed(g.checkAttrs({"to", "saturate"})))
    return failure();
  return importCastTo(g, g.intAttr("to", 0));
}

/// The ONNX dtype the current graph declares for value `name`: a graph
/// input's, an initializer's, a value_info's, or the `to` of the Cast that
/// makes it; 0 when the graph says nothing.
static int32_t declaredDtype(GraphImporter &g, const std::string &name) {
  if (!g.graph)
    return 0;
  for (const onnx::ValueInfoProto &v : g.graph->input())
    if (v.name() == name && v.type().has_tensor_type())
      return v.type().tensor_type().elem_type();
  for (const onnx::TensorProto &t : g.graph->initializer())
    if (t.name() == name)
      return t.data_type();
  for (const onnx::ValueInfoProto &v : g.graph->value_info())
    if (v.name() == name && v.type().has_tensor_type())
      return v.type().tensor_type().elem_type();
  for (const onnx::NodeProto &n : g.graph->node())
    if (n.op_type() == "Cast")
      for (const std::string &out : n.output())
        if (out == name)
          for (const onnx::AttributeProto &a : n.attribute())
            if (a.name() == "to")
              return static_cast<int32_t>(a.i());
  return 0;
}

/// Whether the graph declares or casts to a dtype the importer holds
/// widened (FLOAT16, BFLOAT16 and DOUBLE as f32; integers narrower than
/// INT32 as i64): then an element type alone does not say a value's dtype.
static bool holdsWidenedDtypes(GraphImporter &g) {
  auto widened = [](int64_t t) {
    return t == onnx::TensorProto::FLOAT16 ||
           t == onnx::TensorProto::BFLOAT16 || t == onnx::TensorProto::DOUBLE ||
           narrowIntegerType(static_cast<int32_t>(t));
  };
  if (!g.graph)
    return false;
  for (const onnx::ValueInfoProto &v : g.graph->input())
    if (v.type().has_tensor_type() &&
        widened(v.type().tensor_type().elem_type()))
      return true;
  for (const onnx::TensorProto &t : g.graph->initializer())
    if (widened(t.data_type()))
      return true;
  for (const onnx::NodeProto &n : g.graph->node())
    for (const onnx::AttributeProto &a : n.attribute())
      if (n.op_type() == "Cast" && a.name() == "to" && widened(a.i()))
        return true;
  return false;
}

/// CastLike (opset 15): Cast to the dtype of input 1, whose values are
/// not read. The dtype is the one the graph declares for input 1 (a graph
/// input, an initializer, a value_info, a Cast's `to`); else the one its
/// element type says, which is exact unless the graph holds FLOAT16,
/// BFLOAT16, DOUBLE or narrow integers widened (f32, i64): then CastLike
/// is refused rather than cast to the wrong dtype.
LogicalResult importCastLike(GraphImporter &g) {
  if (failed(g.checkAttrs({"saturate"})))
    return failure();
  if (!g.input(0) || !g.input(1)) {
    g.nodeError() << "inputs 0 (the values) and 1 (the dtype to cast to) "
                     "are required";
    return failure();
  }
  const std::string &likeName = g.node->input(1);
  if (int32_t declared = declaredDtype(g, likeName))
    return importCastTo(g, declared);
  Type like = elementTypeOf(g, 1);
  int64_t to = !like                ? onnx::TensorProto::UNDEFINED
               : like.isF32()       ? onnx::TensorProto::FLOAT
               : like.isF64()       ? onnx::TensorProto::DOUBLE
               : like.isInteger(1)  ? onnx::TensorProto::BOOL
               : like.isInteger(32) ? onnx::TensorProto::INT32
               : like.isInteger(64) ? onnx::TensorProto::INT64
                                    : onnx::TensorProto::UNDEFINED;
  if (to == onnx::TensorProto::UNDEFINED ||
      ((to == onnx::TensorProto::FLOAT || to == onnx::TensorProto::INT64) &&
       holdsWidenedDtypes(g))) {
    g.nodeError() << "the dtype of input 1 ('" << likeName
                  << "') is not declared in the graph and cannot be told "
                     "from the values seqc holds (the graph has FLOAT16, "
                     "BFLOAT16, DOUBLE or narrow integer values, held "
                     "widened); declare it in a value_info or use Cast";
    return failure();
  }
  return importCastTo(g, to);
}

} // namespace

LogicalResult importLogicalOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "Equal" || op == "Greater" || op == "Less" ||
      op == "GreaterOrEqual" || op == "LessOrEqual")
    return importComparison(g, op);
  if (op == "And" || op == "Or" || op == "Xor" || op == "Not")
    return importLogical(g, op);
  if (op == "Where")
    return importWhere(g);
  if (op == "Cast")
    return importCast(g);
  if (op == "CastLike")
    return importCastLike(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
