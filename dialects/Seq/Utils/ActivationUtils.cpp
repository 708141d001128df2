//===- ActivationUtils.cpp - scalar code for #seq.act -------------------===//

#include "dialects/Seq/Utils/ActivationUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

using namespace mlir;

namespace seqc::seq {

Value emitFloatConstant(OpBuilder &b, Location loc, Type type, double value) {
  return arith::ConstantOp::create(b, loc, type, b.getFloatAttr(type, value));
}

Value emitClamp(OpBuilder &b, Location loc, Value x, double limit) {
  Type type = x.getType();
  Value hi = emitFloatConstant(b, loc, type, limit);
  Value lo = emitFloatConstant(b, loc, type, -limit);
  return arith::MinimumFOp::create(b, loc,
                                   arith::MaximumFOp::create(b, loc, x, lo), hi);
}

/// 1 / (1 + exp(-x)); exp(-x) overflowing to +inf gives exactly 0.
static Value emitSigmoid(OpBuilder &b, Location loc, Value x) {
  Type type = x.getType();
  Value one = emitFloatConstant(b, loc, type, 1.0);
  Value negX = arith::NegFOp::create(b, loc, x);
  Value denom =
      arith::AddFOp::create(b, loc, one, math::ExpOp::create(b, loc, negX));
  return arith::DivFOp::create(b, loc, one, denom);
}

Value emitActivation(OpBuilder &b, Location loc, ActivationAttr act, Value x) {
  Type type = x.getType();
  auto constant = [&](double v) { return emitFloatConstant(b, loc, type, v); };
  double alpha = act.getAlphaAsFloat();
  double beta = act.getBetaAsFloat();
  Value zero = constant(0.0);
  switch (act.getKind()) {
  case ActivationKind::tanh:
    return math::TanhOp::create(b, loc, x);
  case ActivationKind::relu:
    return arith::MaximumFOp::create(b, loc, x, zero);
  case ActivationKind::sigmoid:
    return emitSigmoid(b, loc, x);
  case ActivationKind::hard_sigmoid: {
    Value affine = arith::AddFOp::create(
        b, loc, arith::MulFOp::create(b, loc, constant(alpha), x),
        constant(beta));
    return arith::MinimumFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, affine, zero), constant(1.0));
  }
  case ActivationKind::leaky_relu: {
    Value isPositive =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x, zero);
    Value scaled = arith::MulFOp::create(b, loc, constant(alpha), x);
    return arith::SelectOp::create(b, loc, isPositive, x, scaled);
  }
  case ActivationKind::thresholded_relu: {
    Value above = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGT, x,
                                        constant(alpha));
    return arith::SelectOp::create(b, loc, above, x, zero);
  }
  case ActivationKind::scaled_tanh: {
    Value inner = arith::MulFOp::create(b, loc, constant(beta), x);
    return arith::MulFOp::create(b, loc, constant(alpha),
                                 math::TanhOp::create(b, loc, inner));
  }
  case ActivationKind::affine:
    return arith::AddFOp::create(
        b, loc, arith::MulFOp::create(b, loc, constant(alpha), x),
        constant(beta));
  case ActivationKind::elu: {
    Value isPositive =
        arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OGE, x, zero);
    Value negative = arith::MulFOp::create(b, loc, constant(alpha),
                                           math::ExpM1Op::create(b, loc, x));
    return arith::SelectOp::create(b, loc, isPositive, x, negative);
  }
  case ActivationKind::softsign: {
    Value denom = arith::AddFOp::create(b, loc, constant(1.0),
                                        math::AbsFOp::create(b, loc, x));
    return arith::DivFOp::create(b, loc, x, denom);
  }
  case ActivationKind::softplus: {
    // max(x, 0) + log1p(exp(-|x|)) never overflows, unlike log(1 + exp(x)).
    Value negAbs =
        arith::NegFOp::create(b, loc, math::AbsFOp::create(b, loc, x));
    Value tail = math::Log1pOp::create(b, loc, math::ExpOp::create(b, loc, negAbs));
    return arith::AddFOp::create(
        b, loc, arith::MaximumFOp::create(b, loc, x, zero), tail);
  }
  case ActivationKind::gelu: {
    Value scaled = arith::MulFOp::create(b, loc, x, constant(M_SQRT1_2));
    Value onePlusErf = arith::AddFOp::create(b, loc, constant(1.0),
                                             math::ErfOp::create(b, loc, scaled));
    Value half = arith::MulFOp::create(b, loc, constant(0.5), x);
    return arith::MulFOp::create(b, loc, half, onePlusErf);
  }
  case ActivationKind::gelu_tanh: {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
    Value cube = arith::MulFOp::create(b, loc, x,
                                       arith::MulFOp::create(b, loc, x, x));
    Value inner = arith::AddFOp::create(
        b, loc, x, arith::MulFOp::create(b, loc, constant(0.044715), cube));
    Value scaled =
        arith::MulFOp::create(b, loc, constant(std::sqrt(2.0 / M_PI)), inner);
    Value onePlusTanh = arith::AddFOp::create(
        b, loc, constant(1.0), math::TanhOp::create(b, loc, scaled));
    Value half = arith::MulFOp::create(b, loc, constant(0.5), x);
    return arith::MulFOp::create(b, loc, half, onePlusTanh);
  }
  case ActivationKind::silu:
    return arith::MulFOp::create(b, loc, x, emitSigmoid(b, loc, x));
  }
  llvm_unreachable("unhandled activation kind");
}

} // namespace seqc::seq
