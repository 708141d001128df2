//===- TensorOps.cpp - ONNX tensor ops into seq and upstream ops ---------===//
//
// Shape arithmetic (Shape, Gather, Unsqueeze, Concat, ...) on small integer
// vectors is evaluated at import time on index values, so dynamic sizes stay
// tensor.dim results. Elementwise ops become linalg.generic with numpy
// broadcasting made explicit in the indexing maps. Products, normalization
// and convolution are in LayerOps.cpp, Slice and Gather in IndexingOps.cpp.
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

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {

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
  SmallVector<OpFoldResult> sizes;
  for (auto [o, source] : llvm::enumerate(plan->source))
    sizes.push_back(source.first < 0
                        ? OpFoldResult(g.builder.getIndexAttr(1))
                        : g.dimSize(operands[source.first], source.second));
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
  // ONNX: every value of the shape is >= 0 (a negative one at run time is
  // caught by the allocation-size check).
  for (auto [index, d] : llvm::enumerate(*shape))
    if (std::optional<int64_t> c = getConstantIntValue(d); c && *c < 0) {
      g.nodeError() << "shape value " << index << " is " << *c
                    << "; every value must be >= 0";
      return failure();
    }
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
// Layout ops
//===----------------------------------------------------------------------===//

/// An expand_shape of `x`, or a tensor.reshape where a group would have
/// more than one dynamic size (which memref lowering cannot expand).
Value expandTo(GraphImporter &g, RankedTensorType type, Value x,
               ArrayRef<ReassociationIndices> groups,
               ArrayRef<OpFoldResult> sizes) {
  for (const ReassociationIndices &group : groups) {
    int dynamic = 0;
    for (int64_t d : group)
      dynamic += type.isDynamicDim(d);
    if (dynamic > 1) {
      SmallVector<Value> elems;
      for (OpFoldResult s : sizes)
        elems.push_back(g.indexValue(s));
      Value shape = tensor::FromElementsOp::create(
          g.builder, g.loc,
          RankedTensorType::get({(int64_t)elems.size()},
                                g.builder.getIndexType()),
          elems);
      return tensor::ReshapeOp::create(g.builder, g.loc, type, x, shape);
    }
  }
  return tensor::ExpandShapeOp::create(g.builder, g.loc, type, x, groups,
                                       sizes);
}

/// A size as a product: a constant times sizes that are not products of
/// others (arith.muli chains taken apart), so that B * T and T * B, or
/// [B * T, 8] against [B, T, 8], compare factor by factor.
struct SizeFactors {
  int64_t constant = 1;
  SmallVector<OpFoldResult> values;
  bool overflowed = false;
};

void addFactors(OpFoldResult size, SizeFactors &f) {
  if (std::optional<int64_t> c = getConstantIntValue(size)) {
    f.overflowed |= llvm::MulOverflow(f.constant, *c, f.constant);
    return;
  }
  if (auto mul = cast<Value>(size).getDefiningOp<arith::MulIOp>()) {
    addFactors(mul.getLhs(), f);
    addFactors(mul.getRhs(), f);
    return;
  }
  f.values.push_back(size);
}

/// Whether the product of `a` and that of `b` are the same on every run:
/// equal constants and the same dynamic factors (seq::isSameSize), in any
/// order.
bool isSameProduct(ArrayRef<OpFoldResult> a, ArrayRef<OpFoldResult> b) {
  SizeFactors fa, fb;
  for (OpFoldResult s : a)
    addFactors(s, fa);
  for (OpFoldResult s : b)
    addFactors(s, fb);
  if (fa.overflowed || fb.overflowed || fa.constant != fb.constant ||
      fa.values.size() != fb.values.size())
    return false;
  SmallVector<OpFoldResult> rest(fb.values);
  for (OpFoldResult v : fa.values) {
    auto same = llvm::find_if(
        rest, [&](OpFoldResult r) { return seq::isSameSize(v, r); });
    if (same == rest.end())
      return false;
    rest.erase(same);
  }
  return true;
}

/// Whether the product of `a` and that of `b` have as many dynamic factors
/// once the provably equal ones cancel: [T'] against [T] may be one size
/// (a conv that keeps the length), [B] against [B * T] cannot be.
bool mayBeSameProduct(ArrayRef<OpFoldResult> a, ArrayRef<OpFoldResult> b) {
  SizeFactors fa, fb;
  for (OpFoldResult s : a)
    addFactors(s, fa);
  for (OpFoldResult s : b)
    addFactors(s, fb);
  SmallVector<OpFoldResult> rest(fb.values);
  size_t unmatched = 0;
  for (OpFoldResult v : fa.values) {
    auto same = llvm::find_if(
        rest, [&](OpFoldResult r) { return seq::isSameSize(v, r); });
    if (same == rest.end())
      ++unmatched;
    else
      rest.erase(same);
  }
  return unmatched == rest.size();
}

/// Whether `groups` (of the longer shape) regroups sizes `longer` into
/// sizes `shorter` on every run: each size of the shorter is the product
/// of its group's. The reassociation that static extents suggest is only a
/// guess when sizes are dynamic ([B, T, 8] to [B * T, ?] is not
/// [B, T * 8]), and a collapse_shape derives its sizes from its groups, so
/// nothing would notice a wrong guess.
bool isProvenRegrouping(ArrayRef<ReassociationIndices> groups,
                        ArrayRef<OpFoldResult> longer,
                        ArrayRef<OpFoldResult> shorter) {
  for (auto [i, group] : llvm::enumerate(groups)) {
    SmallVector<OpFoldResult> parts;
    for (int64_t d : group)
      parts.push_back(longer[d]);
    if (!isSameProduct(parts, {shorter[i]}))
      return false;
  }
  return true;
}

/// Reshapes `x` to `sizes`: one collapse_shape or expand_shape where the
/// shapes allow it, else a collapse to 1-D and an expand to the target.
Value reshapeTo(GraphImporter &g, Value x, ArrayRef<OpFoldResult> sizes) {
  RankedTensorType t = tensorType(x);
  SmallVector<int64_t> staticShape = seq::getStaticShape(sizes);
  auto resultType = RankedTensorType::get(staticShape, t.getElementType());
  int64_t outRank = sizes.size();
  // Size `i` of the target is size `i` of `x`: the same constant, or a
  // tensor.dim of `x` at `i`.
  auto sameDim = [&](int64_t i) {
    std::optional<int64_t> c = getConstantIntValue(sizes[i]);
    if (c)
      return !t.isDynamicDim(i) && t.getDimSize(i) == *c;
    auto dim = dyn_cast<Value>(sizes[i]).getDefiningOp<tensor::DimOp>();
    if (!dim || dim.getSource() != x)
      return false;
    std::optional<int64_t> index = dim.getConstantIndex();
    return index && *index == i;
  };
  if (outRank == t.getRank()) {
    bool same = true;
    for (int64_t i = 0; i < outRank; ++i)
      same &= sameDim(i);
    if (same)
      return resultType == t
                 ? x
                 : tensor::CastOp::create(g.builder, g.loc, resultType, x)
                       .getResult();
  }
  Ints in = shapeOf(g, x);
  if (outRank == t.getRank()) {
    // Same rank, other sizes: through 1-D below.
  } else if (outRank < t.getRank()) {
    auto re = getReassociationIndicesForCollapse(t.getShape(), staticShape);
    // A guess that pairs a group with a target size of another number of
    // dynamic factors ([B] with B * T, after a conv whose length is not
    // provably T) is wrong: through 1-D below, which computes any valid
    // reshape.
    for (size_t i = 0; re && i < re->size(); ++i) {
      SmallVector<OpFoldResult> parts;
      for (int64_t d : (*re)[i])
        parts.push_back(in[d]);
      if (!mayBeSameProduct(parts, {sizes[i]}))
        re.reset();
    }
    if (re) {
      // A group whose product is not provably its target size is checked
      // on each run: a collapse derives its sizes from its groups, so a
      // wrong guess would otherwise go unnoticed. (A reshape that moves
      // dynamic sizes across the guessed groups is refused then, not
      // computed.)
      for (auto [i, group] : llvm::enumerate(*re)) {
        SmallVector<OpFoldResult> parts;
        for (int64_t d : group)
          parts.push_back(in[d]);
        if (isProvenRegrouping({group}, in, {sizes[i]}))
          continue;
        OpFoldResult product = g.builder.getIndexAttr(1);
        for (OpFoldResult part : parts)
          product = foldedIndexOp(g, '*', product, part);
        Value have = g.indexValue(product);
        seq::createCheck(
            g.builder, g.loc,
            arith::CmpIOp::create(g.builder, g.loc, arith::CmpIPredicate::eq,
                                  have, g.indexValue(sizes[i])),
            have,
            seq::describeLocation(g.loc) + ": dimension " + std::to_string(i) +
                " of the new shape would hold input dimension(s) " +
                std::to_string(group.front()) + ".." +
                std::to_string(group.back()) +
                " ({} elements), but the target shape asks for another size",
            seq::CheckKind::shape);
      }
      return tensor::CollapseShapeOp::create(g.builder, g.loc, resultType, x,
                                             *re);
    }
  } else if (auto re = getReassociationIndicesForCollapse(staticShape,
                                                          t.getShape())) {
    // An expand names every target size, and each group is checked against
    // its source dimension when it runs (seqc-insert-shape-checks).
    return expandTo(g, resultType, x, *re, sizes);
  }
  // Through 1-D: the element counts are compared when the expand runs (a
  // static target of a dynamic input is a cast to its count first, also
  // checked).
  Value flat = x;
  if (t.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t i = 0; i < t.getRank(); ++i)
      all[0].push_back(i);
    if (t.getRank() == 0)
      all.clear();
    flat = tensor::CollapseShapeOp::create(g.builder, g.loc, x, all);
    if (t.getRank() == 0)
      flat = tensor::ExpandShapeOp::create(
          g.builder, g.loc, RankedTensorType::get({1}, t.getElementType()),
          flat, SmallVector<ReassociationIndices>{});
  }
  if (sizes.size() == 1)
    return tensor::CastOp::create(g.builder, g.loc, resultType, flat);
  if (resultType.hasStaticShape() && tensorType(flat).isDynamicDim(0))
    flat = tensor::CastOp::create(
        g.builder, g.loc,
        RankedTensorType::get({resultType.getNumElements()},
                              t.getElementType()),
        flat);
  if (sizes.empty())
    return tensor::CollapseShapeOp::create(g.builder, g.loc, resultType, flat,
                                           SmallVector<ReassociationIndices>{});
  ReassociationIndices group;
  for (size_t i = 0; i < sizes.size(); ++i)
    group.push_back(i);
  return expandTo(g, resultType, flat, SmallVector<ReassociationIndices>{group},
                  sizes);
}

/// Flatten(x, axis = 1): [prod(dims before axis), prod(dims from axis)];
/// axis may be 0 or the rank (a unit dimension on that side) or negative.
LogicalResult importFlatten(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis"})))
    return failure();
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  int64_t rank = tensorType(x).getRank();
  int64_t axis = g.intAttr("axis", 1);
  if (axis < -rank || axis > rank) {
    g.nodeError() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  if (axis < 0)
    axis += rank;
  Ints in = shapeOf(g, x);
  OpFoldResult outer = g.builder.getIndexAttr(1), inner = outer;
  for (int64_t d = 0; d < rank; ++d) {
    OpFoldResult &side = d < axis ? outer : inner;
    side = foldedIndexOp(g, '*', side, in[d]);
  }
  g.setOutput(0, reshapeTo(g, x, {outer, inner}));
  return success();
}

LogicalResult importReshape(GraphImporter &g) {
  if (failed(g.checkAttrs({"allowzero"})))
    return failure();
  Value x = g.tensorInput(0);
  auto target = g.intsInput(1);
  if (!x)
    return failure();
  if (!target) {
    g.nodeError() << "the target shape must be a known integer vector";
    return failure();
  }
  bool allowZero = g.intAttr("allowzero", 0) != 0;
  Ints in = shapeOf(g, x), out;
  int64_t inferred = -1;
  for (auto [i, d] : llvm::enumerate(*target)) {
    std::optional<int64_t> c = getConstantIntValue(d);
    if (c && *c == 0 && !allowZero) {
      if (i >= in.size()) {
        g.nodeError() << "a 0 in the target shape copies a dimension the "
                         "input lacks";
        return failure();
      }
      out.push_back(in[i]);
    } else if (c && *c < -1) {
      // ONNX: -1 (inferred) and 0 (copied) are the only special values.
      g.nodeError() << "target shape entry " << i << " is " << *c
                    << "; sizes must be >= -1";
      return failure();
    } else if (c && *c == -1) {
      if (inferred >= 0) {
        g.nodeError() << "the target shape has two -1 entries";
        return failure();
      }
      inferred = i;
      out.push_back(g.builder.getIndexAttr(1));
    } else {
      out.push_back(d);
    }
  }
  if (inferred >= 0) {
    // -1 is the input's element count over the other target sizes, factor
    // by factor: sizes that appear on both sides (copied by 0, or the same
    // length however reached: seq::isSameSize) cancel, also inside
    // products, so [T, B, 2, 6] -> [0, 0, -1] infers a static 12,
    // x.reshape(B * T, -1) of [B, T, 8] a static 8, and Hugging Face's
    // arange(T).unsqueeze(0).view(-1, T) a static 1 (which broadcasts
    // against the batch).
    SizeFactors num, den;
    for (OpFoldResult d : in)
      addFactors(d, num);
    for (auto [i, outSize] : llvm::enumerate(out))
      if ((int64_t)i != inferred)
        addFactors(outSize, den);
    if (den.constant == 0) {
      // ONNX: with allowzero, a 0 and a -1 in one shape are invalid (any
      // size would do).
      g.nodeError() << "the target shape has a -1 and a size of 0";
      return failure();
    }
    SmallVector<OpFoldResult> unmatched;
    for (OpFoldResult d : den.values) {
      auto same = llvm::find_if(
          num.values, [&](OpFoldResult n) { return seq::isSameSize(n, d); });
      if (same != num.values.end())
        num.values.erase(same);
      else
        unmatched.push_back(d);
    }
    OpFoldResult total = g.builder.getIndexAttr(1),
                 known = g.builder.getIndexAttr(1);
    bool exact =
        !num.overflowed && !den.overflowed && num.constant % den.constant == 0;
    if (exact)
      total = g.builder.getIndexAttr(num.constant / den.constant);
    else {
      total = g.builder.getIndexAttr(num.constant);
      known = g.builder.getIndexAttr(den.constant);
    }
    for (OpFoldResult d : num.values)
      total = foldedIndexOp(g, '*', total, d);
    for (OpFoldResult d : unmatched)
      known = foldedIndexOp(g, '*', known, d);
    out[inferred] = foldedIndexOp(g, '/', total, known);
  }
  // Reshaping a value known element by element keeps its elements (row-
  // major) in the new shape: [-1, 2] makes F.pad's amounts pairs.
  if (const OnnxValue *in = g.input(0); in->elements && !in->boolean) {
    // (Every size at most the vector's own length bound: no product can
    // wrap, and no later loop over a size runs long.)
    SmallVector<int64_t> shape;
    int64_t count = 1;
    for (OpFoldResult d : out)
      if (std::optional<int64_t> c = getConstantIntValue(d);
          c && *c >= 0 && *c <= kMaxShapeVectorLength) {
        shape.push_back(*c);
        if (count >= 0)
          count = count * *c > kMaxShapeVectorLength ? -1 : count * *c;
      }
    if (shape.size() == out.size() &&
        count == static_cast<int64_t>(in->elements->size())) {
      g.setOutput(0, symbolicArray(*in->elements, shape));
      return success();
    }
  }
  g.setOutput(0, reshapeTo(g, x, out));
  return success();
}

LogicalResult importSqueezeUnsqueeze(GraphImporter &g, bool squeeze) {
  if (failed(g.checkAttrs({})))
    return failure();
  const OnnxValue *in = g.input(0);
  if (!in) {
    g.nodeError() << "input 0 is required";
    return failure();
  }
  std::optional<SmallVector<int64_t>> axes;
  if (g.hasInput(1)) {
    axes = g.constIntsInput(1);
    if (!axes) {
      g.nodeError() << "axes must be a constant";
      return failure();
    }
  }
  if (isSymbolicInt(in) &&
      (in->elements || in->constant.getNumElements() <= 16)) {
    Ints elems = *g.intsInput(0);
    bool scalar = isScalarInt(in);
    if (!squeeze && scalar && axes && axes->size() == 1) {
      g.setOutput(0, symbolic(elems, false));
      return success();
    }
    if (squeeze && !scalar && elems.size() == 1) {
      g.setOutput(0, symbolic(elems, true));
      return success();
    }
  }
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  Ints shape = shapeOf(g, x), out;
  int64_t rank = tensorType(x).getRank();
  if (squeeze) {
    SmallVector<bool> drop(rank, false);
    if (axes) {
      for (int64_t a : *axes) {
        auto n = normalizeAxis(g, a, rank);
        if (!n)
          return failure();
        if (tensorType(x).isDynamicDim(*n) == false &&
            tensorType(x).getDimSize(*n) != 1) {
          g.nodeError() << "cannot squeeze dimension " << *n << " of "
                        << x.getType();
          return failure();
        }
        if (tensorType(x).isDynamicDim(*n)) {
          // ONNX: a squeezed dimension is 1; checked on each run, then
          // typed so (the reshape below merges nothing else into it).
          Value d = g.indexValue(shape[*n]);
          seq::createCheck(
              g.builder, g.loc,
              arith::CmpIOp::create(
                  g.builder, g.loc, arith::CmpIPredicate::eq, d,
                  arith::ConstantIndexOp::create(g.builder, g.loc, 1)),
              d,
              seq::describeLocation(g.loc) + ": squeezing dimension " +
                  std::to_string(*n) +
                  ", which has {} elements (it must "
                  "have 1)",
              seq::CheckKind::shape);
          shape[*n] = g.builder.getIndexAttr(1);
        }
        drop[*n] = true;
      }
    } else {
      // Without axes ONNX removes every dimension of size 1, so the rank
      // of the result would depend on the input: static 1s are removed,
      // and a dynamic dimension must not be 1 on any run (checked).
      for (int64_t i = 0; i < rank; ++i) {
        drop[i] = tensorType(x).getDimSize(i) == 1;
        if (!tensorType(x).isDynamicDim(i))
          continue;
        Value d = g.indexValue(shape[i]);
        seq::createCheck(
            g.builder, g.loc,
            arith::CmpIOp::create(
                g.builder, g.loc, arith::CmpIPredicate::ne, d,
                arith::ConstantIndexOp::create(g.builder, g.loc, 1)),
            d,
            seq::describeLocation(g.loc) +
                ": Squeeze without axes removes every dimension of size 1, "
                "and dimension " +
                std::to_string(i) +
                " (dynamic) has {} in this run: the result's rank would "
                "depend on the input (export with explicit axes)",
            seq::CheckKind::shape);
      }
    }
    for (int64_t i = 0; i < rank; ++i)
      if (!drop[i])
        out.push_back(shape[i]);
    // The checked dimensions typed as 1, so that the reshape provably
    // drops only them.
    SmallVector<int64_t> checked(tensorType(x).getShape());
    for (int64_t i = 0; i < rank; ++i)
      if (drop[i])
        checked[i] = 1;
    if (checked != SmallVector<int64_t>(tensorType(x).getShape()))
      x = tensor::CastOp::create(
          g.builder, g.loc,
          RankedTensorType::get(checked, tensorType(x).getElementType()), x);
  } else {
    if (!axes) {
      g.nodeError() << "axes are required";
      return failure();
    }
    int64_t outRank = rank + axes->size();
    SmallVector<bool> inserted(outRank, false);
    for (int64_t a : *axes) {
      auto n = normalizeAxis(g, a, outRank);
      if (!n)
        return failure();
      // Each axis is a new dimension: a repeated one would leave fewer
      // than rank + |axes| dimensions to fill.
      if (inserted[*n]) {
        g.nodeError() << "axes name dimension " << *n << " twice";
        return failure();
      }
      inserted[*n] = true;
    }
    for (int64_t i = 0, j = 0; i < outRank; ++i)
      out.push_back(inserted[i] ? OpFoldResult(g.builder.getIndexAttr(1))
                                : shape[j++]);
  }
  g.setOutput(0, reshapeTo(g, x, out));
  return success();
}

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
  SmallVector<int64_t> sorted(perm);
  llvm::sort(sorted);
  for (int64_t i = 0; i < (int64_t)sorted.size(); ++i)
    if (sorted[i] != i || (int64_t)perm.size() != rank) {
      g.nodeError() << "perm is not a permutation of the input's " << rank
                    << " dimensions";
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

LogicalResult importTensorOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" || op == "Pow")
    return importBinary(g, op);
  if (op == "Relu" || op == "Sigmoid" || op == "Tanh" || op == "Sqrt" ||
      op == "Erf" || op == "Exp" || op == "Neg")
    return importUnary(g, op);
  if (op == "Identity" || op == "Dropout") {
    // Inference: Dropout is the identity (its mask output is unsupported).
    if (op == "Dropout" && g.hasOutput(1)) {
      g.nodeError() << "the mask output is not supported";
      return failure();
    }
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
  if (op == "Reshape")
    return importReshape(g);
  if (op == "Flatten")
    return importFlatten(g);
  if (op == "Squeeze")
    return importSqueezeUnsqueeze(g, /*squeeze=*/true);
  if (op == "Unsqueeze")
    return importSqueezeUnsqueeze(g, /*squeeze=*/false);
  if (op == "Transpose")
    return importTranspose(g);
  if (op == "Concat")
    return importConcat(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
