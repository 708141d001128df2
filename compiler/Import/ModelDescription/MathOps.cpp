//===- MathOps.cpp - activations and pointwise math ----------------------===//
//
// The elementwise functions of float values, with PyTorch's names, keywords
// and defaults (pytorch.org/docs, torch.nn.functional): the activations
// (relu, tanh, sigmoid, silu, gelu, elu, leaky_relu, hardsigmoid, softsign,
// softplus) become seq.activation where its kinds say the same; the unary
// math shared with the ONNX front end (seq::unaryMathNames: abs, exp, log,
// rsqrt, ...), clamp, pow, rsub, minimum and maximum are elementwise
// generics.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/ModelDescription/Emitter.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/PointwiseMath.h"

#include "mlir/Dialect/Math/IR/Math.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace seqc {
namespace md {

/// The seq.activation a layer kind is, with its keywords; none for the
/// other pointwise layers (and for softplus with a beta or threshold other
/// than PyTorch's defaults, which seq.activation's softplus does not take).
std::optional<seq::ActivationAttr> Emitter::activationOf(StringRef kind) {
  using seq::ActivationKind;
  std::optional<ActivationKind> act =
      llvm::StringSwitch<std::optional<ActivationKind>>(kind)
          .Case("relu", ActivationKind::relu)
          .Case("tanh", ActivationKind::tanh)
          .Case("sigmoid", ActivationKind::sigmoid)
          .Case("silu", ActivationKind::silu)
          .Case("gelu", nameKw("approximate", "none") == "tanh"
                            ? ActivationKind::gelu_tanh
                            : ActivationKind::gelu)
          .Case("elu", ActivationKind::elu)
          .Case("leaky_relu", ActivationKind::leaky_relu)
          .Case("hardsigmoid", ActivationKind::hard_sigmoid)
          .Case("softsign", ActivationKind::softsign)
          .Case("softplus", ActivationKind::softplus)
          .Default(std::nullopt);
  if (!act)
    return std::nullopt;
  if (kind == "softplus" &&
      (floatKw("beta", 1.0) != 1.0 || floatKw("threshold", 20.0) != 20.0))
    return std::nullopt;
  // F.elu's alpha (1), F.leaky_relu's negative_slope (0.01), F.hardsigmoid's
  // relu6(x + 3) / 6 = max(0, min(1, x / 6 + 1 / 2)).
  double alpha = kind == "elu"          ? floatKw("alpha", 1.0)
                 : kind == "leaky_relu" ? floatKw("negative_slope", 0.01)
                 : kind == "hardsigmoid" ? 1.0 / 6
                                         : 0.0;
  double beta = kind == "hardsigmoid" ? 0.5 : 0.0;
  if (seq::ActivationAttr::getNumParameters(*act) == 0)
    return seq::ActivationAttr::get(ctx, *act);
  return seq::ActivationAttr::get(ctx, *act, APFloat(static_cast<float>(alpha)),
                                  APFloat(static_cast<float>(beta)));
}

FailureOr<Val> Emitter::emitMinMax(ArrayRef<Val> operands) {
  // torch.minimum / torch.maximum: float or integer operands, in the type
  // torch's promotion gives them; NaN propagates.
  StringRef kind = current->layer;
  for (auto [i, v] : llvm::enumerate(operands)) {
    Type t = v.type().getElementType();
    if (!t.isInteger(1))
      continue;
    error(current->operands[i].value.pos)
        << kind << " expects float or integer operands; "
        << describe(v, current->operands[i].value.text);
    return failure();
  }
  Type elt = promoteTensorTypes(
      b, operands[0].type().getElementType(), operands[0].rank() == 0,
      operands[1].type().getElementType(), operands[1].rank() == 0);
  bool max = kind == "maximum";
  return mapBroadcast(
      operands, elt, [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
        Value x = seq::emitCast(nb, l, a[0], elt);
        Value y = seq::emitCast(nb, l, a[1], elt);
        if (isa<FloatType>(elt))
          return max ? arith::MaximumFOp::create(nb, l, x, y).getResult()
                     : arith::MinimumFOp::create(nb, l, x, y).getResult();
        return max ? arith::MaxSIOp::create(nb, l, x, y).getResult()
                   : arith::MinSIOp::create(nb, l, x, y).getResult();
      });
}

FailureOr<Val> Emitter::emitMath(ArrayRef<Val> operands) {
  StringRef kind = current->layer;
  if (kind == "minimum" || kind == "maximum")
    return emitMinMax(operands);
  for (auto [i, v] : llvm::enumerate(operands)) {
    if (isa<FloatType>(v.type().getElementType()) &&
        v.type().getElementType() == operands[0].type().getElementType())
      continue;
    error(current->operands[i].value.pos)
        << kind
        << (operands.size() == 1 ? " expects a float input"
                                 : " expects float operands of one element type")
        << "; " << describe(v, current->operands[i].value.text);
    return failure();
  }
  if (std::optional<seq::ActivationAttr> act = activationOf(kind)) {
    Val out = operands[0];
    out.value = seq::ActivationOp::create(b, here(), *act, operands[0].value);
    return out;
  }
  const Argument *lo = keyword("min"), *hi = keyword("max");
  if (kind == "clamp" && !lo && !hi) {
    error(current->layerPos)
        << "clamp needs min=, max= or both (torch.clamp)";
    return failure();
  }
  double beta = floatKw("beta", 1.0), threshold = floatKw("threshold", 20.0);
  if (kind == "softplus" && beta == 0.0) {
    error(keyword("beta")->value.pos) << "softplus needs a nonzero beta";
    return failure();
  }
  double value = floatKw("value", 0.0), exponent = floatKw("exponent", 1.0);
  auto body = [&](OpBuilder &nb, Location l, ValueRange a) -> Value {
    Value x = a[0];
    auto c = [&](double v) {
      return seq::emitFloatConstant(nb, l, x.getType(), v);
    };
    if (kind == "clamp") {
      // min(max(x, min), max): NaN stays NaN, and min > max gives max
      // everywhere (torch.clamp).
      if (lo)
        x = arith::MaximumFOp::create(nb, l, x, c(lo->value.floatValue));
      if (hi)
        x = arith::MinimumFOp::create(nb, l, x, c(hi->value.floatValue));
      return x;
    }
    if (kind == "pow") {
      // x ** exponent as torch.pow computes it (ATen's
      // pow_tensor_scalar_optimized_kernel): 0.5 and -0.5 are sqrt and its
      // reciprocal (sqrt(-inf) is NaN, sqrt(-0) is -0, where powf gives
      // +inf and +0), 2, 3, -1 and -2 products; other exponents libm's
      // powf (negative x: integers).
      auto mul = [&](Value a, Value b) {
        return arith::MulFOp::create(nb, l, a, b).getResult();
      };
      auto reciprocal = [&](Value a) {
        return arith::DivFOp::create(nb, l, c(1.0), a).getResult();
      };
      if (exponent == 0.5)
        return math::SqrtOp::create(nb, l, x).getResult();
      if (exponent == -0.5)
        return math::RsqrtOp::create(nb, l, x).getResult();
      if (exponent == 2.0)
        return mul(x, x);
      if (exponent == 3.0)
        return mul(mul(x, x), x);
      if (exponent == -1.0)
        return reciprocal(x);
      if (exponent == -2.0)
        return reciprocal(mul(x, x));
      return math::PowFOp::create(nb, l, x, c(exponent)).getResult();
    }
    if (kind == "rsub") // torch.rsub(x, value) = value - x
      return arith::SubFOp::create(nb, l, c(value), x);
    if (kind == "softplus") {
      // F.softplus(x, beta, threshold): x where beta * x > threshold, else
      // log(1 + exp(beta * x)) / beta.
      Value scaled = arith::MulFOp::create(nb, l, x, c(beta));
      Value soft = seq::emitActivation(
          nb, l, seq::ActivationAttr::get(ctx, seq::ActivationKind::softplus),
          scaled);
      soft = arith::DivFOp::create(nb, l, soft, c(beta));
      Value linear = arith::CmpFOp::create(nb, l, arith::CmpFPredicate::OGT,
                                           scaled, c(threshold));
      return arith::SelectOp::create(nb, l, linear, x, soft);
    }
    return seq::emitUnaryMath(nb, l, kind, x);
  };
  return mapBroadcast(operands, operands[0].type().getElementType(), body);
}

} // namespace md
} // namespace seqc
