//===- PointwiseMath.cpp - unary math shared by the front ends ----------===//

#include "dialects/Seq/Utils/PointwiseMath.h"
#include "dialects/Seq/IR/SeqDialect.h"
#include "dialects/Seq/Utils/ActivationUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include "llvm/ADT/STLExtras.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace seqc::seq {

ArrayRef<StringRef> unaryMathNames() {
  static const StringRef names[] = {
      "abs",   "neg",   "exp",   "expm1", "log",   "log1p",      "sqrt",
      "rsqrt", "reciprocal",    "sin",   "cos",   "tan",        "asin",
      "acos",  "atan",  "sinh",  "cosh",  "asinh", "acosh",      "atanh",
      "erf",   "floor", "ceil",  "round", "sign",  "hardswish",  "mish"};
  return names;
}

bool isUnaryMath(StringRef name) {
  return llvm::is_contained(unaryMathNames(), name);
}

Value emitUnaryMath(OpBuilder &b, Location loc, StringRef name, Value x) {
  auto c = [&](double v) { return emitFloatConstant(b, loc, x.getType(), v); };
  if (name == "abs")
    return math::AbsFOp::create(b, loc, x);
  if (name == "neg")
    return arith::NegFOp::create(b, loc, x);
  if (name == "exp")
    return math::ExpOp::create(b, loc, x);
  if (name == "expm1")
    return math::ExpM1Op::create(b, loc, x);
  if (name == "log")
    return math::LogOp::create(b, loc, x);
  if (name == "log1p")
    return math::Log1pOp::create(b, loc, x);
  if (name == "sqrt")
    return math::SqrtOp::create(b, loc, x);
  if (name == "rsqrt")
    return math::RsqrtOp::create(b, loc, x);
  if (name == "reciprocal")
    return arith::DivFOp::create(b, loc, c(1.0), x);
  if (name == "sin")
    return math::SinOp::create(b, loc, x);
  if (name == "cos")
    return math::CosOp::create(b, loc, x);
  if (name == "tan")
    return math::TanOp::create(b, loc, x);
  if (name == "asin")
    return math::AsinOp::create(b, loc, x);
  if (name == "acos")
    return math::AcosOp::create(b, loc, x);
  if (name == "atan")
    return math::AtanOp::create(b, loc, x);
  if (name == "sinh")
    return math::SinhOp::create(b, loc, x);
  if (name == "cosh")
    return math::CoshOp::create(b, loc, x);
  if (name == "asinh")
    return math::AsinhOp::create(b, loc, x);
  if (name == "acosh")
    return math::AcoshOp::create(b, loc, x);
  if (name == "atanh")
    return math::AtanhOp::create(b, loc, x);
  if (name == "erf")
    return math::ErfOp::create(b, loc, x);
  if (name == "floor")
    return math::FloorOp::create(b, loc, x);
  if (name == "ceil")
    return math::CeilOp::create(b, loc, x);
  if (name == "round") // halves to even, as torch.round and ONNX Round
    return math::RoundEvenOp::create(b, loc, x);
  if (name == "sign") {
    // 1 above zero, -1 below, 0 otherwise: +-0 and NaN give 0, as
    // torch.sign.
    Value above =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x, c(0.0));
    Value below =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x, c(0.0));
    return arith::SelectOp::create(
        b, loc, above, c(1.0),
        arith::SelectOp::create(b, loc, below, c(-1.0), c(0.0)));
  }
  if (name == "hardswish") {
    // x * max(0, min(1, x / 6 + 1 / 2))
    Value hs = arith::AddFOp::create(
        b, loc, arith::MulFOp::create(b, loc, x, c(1.0 / 6)), c(0.5));
    hs = arith::MinimumFOp::create(b, loc, hs, c(1.0));
    hs = arith::MaximumFOp::create(b, loc, hs, c(0.0));
    return arith::MulFOp::create(b, loc, x, hs);
  }
  assert(name == "mish" && "not a unary math function");
  MLIRContext *ctx = b.getContext();
  Value softplus = emitActivation(
      b, loc, ActivationAttr::get(ctx, ActivationKind::softplus), x);
  Value t = emitActivation(b, loc, ActivationAttr::get(ctx, ActivationKind::tanh),
                           softplus);
  return arith::MulFOp::create(b, loc, x, t);
}

Value emitCast(OpBuilder &b, Location loc, Value x, Type to) {
  Type from = x.getType();
  if (from == to)
    return x;
  if (to.isInteger(1)) // nonzero (NaN too) is true, as bool(x)
    return isa<FloatType>(from)
               ? arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x,
                                       emitFloatConstant(b, loc, from, 0.0))
                     .getResult()
               : arith::CmpIOp::create(
                     b, loc, arith::CmpIPredicate::ne, x,
                     arith::ConstantOp::create(b, loc,
                                               b.getIntegerAttr(from, 0)))
                     .getResult();
  if (isa<FloatType>(to) && isa<FloatType>(from))
    return from.getIntOrFloatBitWidth() < to.getIntOrFloatBitWidth()
               ? arith::ExtFOp::create(b, loc, to, x).getResult()
               : arith::TruncFOp::create(b, loc, to, x).getResult();
  if (isa<FloatType>(to)) // bool is 0 or 1
    return from.isInteger(1)
               ? arith::UIToFPOp::create(b, loc, to, x).getResult()
               : arith::SIToFPOp::create(b, loc, to, x).getResult();
  unsigned bits = to.getIntOrFloatBitWidth();
  if (isa<FloatType>(from)) {
    // (f16 and bf16 through f32: +-2^31 and 2^63 are not f16 values.)
    if (from.getIntOrFloatBitWidth() < 32) {
      x = arith::ExtFOp::create(b, loc, b.getF32Type(), x);
      from = x.getType();
    }
    // Through a 32-bit conversion for targets of 32 bits or fewer (the
    // low bits kept), a 64-bit one for wider: NaN and values outside it
    // give its minimum.
    unsigned via = bits <= 32 ? 32 : 64;
    double limit = std::ldexp(1.0, via - 1);
    Value inRange = arith::AndIOp::create(
        b, loc,
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x,
                              emitFloatConstant(b, loc, from, -limit)),
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, x,
                              emitFloatConstant(b, loc, from, limit)));
    Value safe = arith::SelectOp::create(b, loc, inRange, x,
                                         emitFloatConstant(b, loc, from, 0.0));
    Type viaType = b.getIntegerType(via);
    Value converted = arith::SelectOp::create(
        b, loc, inRange, arith::FPToSIOp::create(b, loc, viaType, safe),
        arith::ConstantOp::create(
            b, loc, b.getIntegerAttr(viaType, APInt::getSignedMinValue(via))));
    return via > bits
               ? arith::TruncIOp::create(b, loc, to, converted).getResult()
               : converted;
  }
  unsigned fromBits = from.getIntOrFloatBitWidth();
  if (fromBits > bits)
    return arith::TruncIOp::create(b, loc, to, x);
  return from.isInteger(1) ? arith::ExtUIOp::create(b, loc, to, x).getResult()
                           : arith::ExtSIOp::create(b, loc, to, x).getResult();
}

int64_t floatToIntegerLikeX86(double v, unsigned bits, bool isSigned) {
  unsigned via = bits < 32 || (bits == 32 && isSigned) ? 32 : 64;
  double limit = std::ldexp(1.0, via - 1);
  int64_t converted = v >= -limit && v < limit
                          ? static_cast<int64_t>(v)
                          : std::numeric_limits<int64_t>::min() >> (64 - via);
  APInt low(bits, static_cast<uint64_t>(converted), /*isSigned=*/true,
            /*implicitTrunc=*/true);
  return isSigned ? low.getSExtValue()
                  : static_cast<int64_t>(low.getZExtValue());
}

} // namespace seqc::seq
