//===- ValueOps.cpp - parameters, matmul, cumsum, masks and selection -----===//
//
// The layers that compute on values the way PyTorch tensor functions do:
// a learned `parameter` read from the weights, `matmul` (torch.matmul),
// `cumsum`, the comparisons and logical ops (bool results), `where`,
// `masked_fill` and `sequence_mask` (tf.sequence_mask: lengths to a bool
// [B, T] mask). Broadcasting is numpy's, as for `add`.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/Emitter.h"
#include "dialects/Seq/Utils/PointwiseMath.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/FrontEndBuilders.h"

using namespace mlir;

namespace seqc {
namespace md {

std::string elementName(Type t) {
  if (t.isInteger(1))
    return "bool";
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

FailureOr<Val> Emitter::emitTo(const Val &x) {
  StringRef dtype = keyword("dtype")->value.text;
  Type from = x.type().getElementType();
  Type to = llvm::StringSwitch<Type>(dtype)
                .Case("f32", b.getF32Type())
                .Case("i64", b.getI64Type())
                .Case("i32", b.getI32Type())
                .Default(b.getI1Type());
  if (from == to)
    return x;
  auto body = [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    return seq::emitCast(nb, l, a[0], to);
  };
  return mapBroadcast({x}, to, body);
}

FailureOr<Val> Emitter::emitParameter() {
  FailureOr<WeightTensor> w = weightNamed(prefix());
  if (failed(w))
    return failure();
  if (const Argument *shape = keyword("shape")) {
    SmallVector<int64_t> expected;
    for (const Literal &item : shape->value.items) {
      if (item.kind != Literal::Kind::Int) {
        error(item.pos) << "parameter's shape lists fixed sizes; found '"
                        << item.text << "'";
        return failure();
      }
      expected.push_back(item.intValue);
    }
    if (failed(expectShape(*w, expected, "the parameter's shape keyword")))
      return failure();
  }
  Val out;
  out.value = constant(w->shape, w->data);
  out.dims.assign(w->shape.size(), "");
  return out;
}

FailureOr<Val> Emitter::emitMatmul(const Val &a, const Val &bv) {
  const Val *ops[] = {&a, &bv};
  for (unsigned i = 0; i < 2; ++i) {
    const Val &v = *ops[i];
    if (!isa<FloatType>(v.type().getElementType()) || v.rank() < 1) {
      error(current->operands[i].value.pos)
          << "matmul expects float operands of rank >= 1; "
          << describe(v, current->operands[i].value.text);
      return failure();
    }
  }
  if (a.type().getElementType() != bv.type().getElementType()) {
    error(current->operands[1].value.pos)
        << "matmul needs operands of one element type; "
        << describe(a, current->operands[0].value.text) << ", "
        << describe(bv, current->operands[1].value.text);
    return failure();
  }
  FailureOr<Value> product = seq::createTorchMatmul(
      b, here(), a.value, bv.value, seq::describeOrigin("matmul", here()), [&] {
        return error(current->layerPos)
               << "matmul of " << describe(a, current->operands[0].value.text)
               << " and " << describe(bv, current->operands[1].value.text)
               << ": ";
      });
  if (failed(product))
    return failure();
  // Dimension names, as torch.matmul lays the result out: the batch
  // dimensions from either operand (right-aligned), then M from a (unless
  // a is 1-D) and N from bv (unless bv is 1-D).
  int64_t batch = std::max(a.rank(), bv.rank()) - 2;
  Val out{*product, {}};
  for (int64_t o = 0; o < batch; ++o) {
    std::string name;
    for (const Val *v : {&a, &bv}) {
      int64_t j = o - (batch - (v->rank() - 2));
      if (j >= 0 && name.empty() && v->type().getDimSize(j) != 1)
        name = v->dims[j];
    }
    out.dims.push_back(name);
  }
  if (a.rank() >= 2)
    out.dims.push_back(a.dims[a.rank() - 2]);
  if (bv.rank() >= 2)
    out.dims.push_back(bv.dims[bv.rank() - 1]);
  return out;
}

FailureOr<Val> Emitter::emitCumSum(const Val &x) {
  Type elt = x.type().getElementType();
  if (x.rank() < 1 || elt.isInteger(1)) {
    error(current->operands[0].value.pos)
        << "cumsum expects a float or integer input of rank >= 1; "
        << describe(x, current->operands[0].value.text);
    return failure();
  }
  FailureOr<int64_t> dim = normalizeDim(intKw("dim", 0), x.rank(), "dim");
  if (failed(dim))
    return failure();
  Val out = x;
  out.value = seq::createCumSum(b, here(), x.value, *dim,
                                boolKw("exclusive", false),
                                boolKw("reverse", false));
  return out;
}

FailureOr<Val> Emitter::emitSelection(ArrayRef<Val> operands) {
  StringRef kind = current->layer;
  auto elt = [&](unsigned i) { return operands[i].type().getElementType(); };
  auto zeroDim = [&](unsigned i) { return operands[i].rank() == 0; };
  auto expect = [&](unsigned i, bool ok, StringRef what) -> LogicalResult {
    if (ok)
      return success();
    error(current->operands[i].value.pos)
        << kind << " expects " << what << "; "
        << describe(operands[i], current->operands[i].value.text);
    return failure();
  };
  bool logical = kind.starts_with("logical_");
  bool compare = !logical && kind != "where" && kind != "masked_fill";
  Type i1 = b.getI1Type();
  Type resultElt, operandElt = elt(0);
  // Which operands must be bool, and the type the others are read in.
  if (logical) {
    for (unsigned i = 0; i < operands.size(); ++i)
      if (failed(expect(i, elt(i).isInteger(1), "bool operands")))
        return failure();
    resultElt = i1;
  } else if (compare) {
    // Two operands compare in the type torch's promotion gives them (an
    // i64 with an f32: as f32), as does an operand with a value= number
    // (integer data with a float number: as f32); bools as 0 and 1.
    const Argument *value = keyword("value");
    if ((operands.size() == 2) == (value != nullptr)) {
      error(value ? value->keyPos : current->layerPos)
          << kind << " compares two operands, or one operand with value=";
      return failure();
    }
    operandElt =
        value ? promoteWithScalar(b, elt(0),
                                  value->value.kind != Literal::Kind::Int)
              : promoteTensorTypes(b, elt(0), zeroDim(0), elt(1), zeroDim(1));
    resultElt = i1;
  } else if (kind == "where") {
    // torch.where(cond, a, b) is of a's and b's promoted type.
    if (failed(expect(0, elt(0).isInteger(1), "a bool condition")))
      return failure();
    resultElt = operandElt =
        promoteTensorTypes(b, elt(1), zeroDim(1), elt(2), zeroDim(2));
  } else { // masked_fill
    if (failed(expect(0, isa<FloatType>(elt(0)), "a float input")) ||
        failed(expect(1, elt(1).isInteger(1), "a bool mask")))
      return failure();
    resultElt = operandElt = elt(0);
  }
  double fill = floatKw("value", 0);
  auto body = [&](OpBuilder &nb, Location l, ValueRange args) -> Value {
    // Comparisons and where read their operands in operandElt.
    SmallVector<Value> a(args);
    if (!logical && kind != "masked_fill")
      for (unsigned i = kind == "where" ? 1 : 0; i < a.size(); ++i)
        a[i] = seq::emitCast(nb, l, a[i], operandElt);
    if (kind == "where")
      return arith::SelectOp::create(nb, l, a[0], a[1], a[2]);
    if (kind == "masked_fill") {
      Value v = arith::ConstantOp::create(
          nb, l, nb.getFloatAttr(operandElt, fill));
      return arith::SelectOp::create(nb, l, a[1], v, a[0]);
    }
    if (kind == "logical_and")
      return arith::AndIOp::create(nb, l, a[0], a[1]);
    if (kind == "logical_or")
      return arith::OrIOp::create(nb, l, a[0], a[1]);
    if (kind == "logical_not")
      return arith::XOrIOp::create(
          nb, l, a[0], arith::ConstantIntOp::create(nb, l, i1, 1));
    // Comparisons: NaN compares false, except `ne` (as torch and IEEE).
    Value rhs = a.size() > 1 ? a[1] : Value();
    // (operandElt is f32 when a float value= meets integer data.)
    if (!rhs && isa<FloatType>(operandElt))
      rhs = arith::ConstantOp::create(nb, l, nb.getFloatAttr(operandElt, fill));
    else if (!rhs)
      rhs = arith::ConstantOp::create(
          nb, l, nb.getIntegerAttr(operandElt, keyword("value")->value.intValue));
    if (isa<FloatType>(operandElt)) {
      auto p = llvm::StringSwitch<arith::CmpFPredicate>(kind)
                   .Case("lt", arith::CmpFPredicate::OLT)
                   .Case("le", arith::CmpFPredicate::OLE)
                   .Case("gt", arith::CmpFPredicate::OGT)
                   .Case("ge", arith::CmpFPredicate::OGE)
                   .Case("eq", arith::CmpFPredicate::OEQ)
                   .Default(arith::CmpFPredicate::UNE);
      return arith::CmpFOp::create(nb, l, p, a[0], rhs);
    }
    bool bools = operandElt.isInteger(1); // false < true
    auto p = llvm::StringSwitch<arith::CmpIPredicate>(kind)
                 .Case("lt", bools ? arith::CmpIPredicate::ult
                                   : arith::CmpIPredicate::slt)
                 .Case("le", bools ? arith::CmpIPredicate::ule
                                   : arith::CmpIPredicate::sle)
                 .Case("gt", bools ? arith::CmpIPredicate::ugt
                                   : arith::CmpIPredicate::sgt)
                 .Case("ge", bools ? arith::CmpIPredicate::uge
                                   : arith::CmpIPredicate::sge)
                 .Case("eq", arith::CmpIPredicate::eq)
                 .Default(arith::CmpIPredicate::ne);
    return arith::CmpIOp::create(nb, l, p, a[0], rhs);
  };
  return mapBroadcast(operands, resultElt, body);
}

FailureOr<Val> Emitter::emitSequenceMask(const Val &lengths, const Val &like) {
  if (lengths.rank() != 1 || !isa<IntegerType>(lengths.type().getElementType()) ||
      lengths.type().getElementType().isInteger(1)) {
    error(current->operands[0].value.pos)
        << "sequence_mask expects integer lengths [B]; "
        << describe(lengths, current->operands[0].value.text);
    return failure();
  }
  FailureOr<int64_t> dim = normalizeDim(intKw("dim", 0), like.rank(), "dim");
  if (failed(dim))
    return failure();
  SmallVector<int64_t> shape = {lengths.type().getDimSize(0),
                                like.type().getDimSize(*dim)};
  SmallVector<Value> dyn;
  if (ShapedType::isDynamic(shape[0]))
    dyn.push_back(dimValue(lengths.value, 0));
  if (ShapedType::isDynamic(shape[1]))
    dyn.push_back(dimValue(like.value, *dim));
  Val out;
  // mask[b, t] = t < lengths[b]: true on the steps a sequence has.
  out.value = mapElements(
      {lengths.value}, {{0}}, shape, dyn, b.getI1Type(),
      [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value t = arith::IndexCastOp::create(
            nb, l, a[0].getType(), linalg::IndexOp::create(nb, l, 1));
        return arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, t,
                                     a[0]);
      });
  out.dims = {lengths.dims[0], like.dims[*dim]};
  return out;
}

} // namespace md
} // namespace seqc
