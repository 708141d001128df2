//===- ElementwiseOps.cpp - ONNX activations and elementwise math -------===//
//
// Standalone activation nodes (LeakyRelu, Elu, HardSigmoid, ...: the
// parameterized ones become seq.activation, which the recurrences share),
// the unary math PyTorch exports (Abs, Log, Reciprocal, HardSwish, Mish,
// Selu, Celu, Sin, Cos, Tan, the inverse and hyperbolic functions, Floor,
// Ceil, Round, Sign: seq::emitUnaryMath, shared with the .seq front end),
// IsNaN / IsInf, PRelu, Mod, Clip and the variadic Max / Min (with
// broadcasting). Formulas and default attributes are the ONNX operator
// documentation's (onnx.ai/onnx/operators). Data is f32, except Clip,
// which also clamps integers (index arithmetic), Abs and Sign, which also
// take integers (relative positions), and the bool results of IsNaN /
// IsInf.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/PointwiseMath.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <limits>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

Value constantLike(OpBuilder &b, Location loc, Value like, double value) {
  return arith::ConstantOp::create(b, loc,
                                   b.getFloatAttr(like.getType(), value));
}

/// LeakyRelu, Elu, HardSigmoid, ThresholdedRelu, Softplus, Softsign as
/// seq.activation with the node's alpha (and beta), ONNX's defaults
/// otherwise.
LogicalResult importActivation(GraphImporter &g, seq::ActivationKind kind) {
  unsigned numParams = seq::ActivationAttr::getNumParameters(kind);
  SmallVector<StringRef> known;
  if (numParams > 0)
    known.push_back("alpha");
  if (numParams > 1)
    known.push_back("beta");
  if (failed(g.checkAttrs(known)))
    return failure();
  Value x = floatInput(g, 0);
  if (!x)
    return failure();
  auto defaults = seq::ActivationAttr::get(g.context, kind);
  float alpha = g.floatAttr("alpha").value_or(defaults.getAlphaAsFloat());
  float beta = g.floatAttr("beta").value_or(defaults.getBetaAsFloat());
  auto attr =
      seq::ActivationAttr::get(g.context, kind, APFloat(alpha), APFloat(beta));
  g.setOutput(0,
              seq::ActivationOp::create(g.builder, g.loc, attr, x).getResult());
  return success();
}

/// The sigmoid node 0's input is, if it is one (Log's operand).
static seq::ActivationOp sigmoidInput(GraphImporter &g) {
  const OnnxValue *in = g.input(0);
  auto sigmoid = in && in->sequence == OnnxValue::Sequence::none && in->tensor
                     ? in->tensor.getDefiningOp<seq::ActivationOp>()
                     : seq::ActivationOp();
  return sigmoid && sigmoid.getKind().getKind() == seq::ActivationKind::sigmoid
             ? sigmoid
             : seq::ActivationOp();
}

/// log(sigmoid(x)), how torch exports F.logsigmoid, as -softplus(-x), which
/// PyTorch's own logsigmoid computes (log of a sigmoid that underflowed to
/// 0 is -inf from x = -88 on, where logsigmoid(x) = x).
static LogicalResult importLogSigmoid(GraphImporter &g,
                                      seq::ActivationOp sigmoid) {
  auto negate = [](OpBuilder &b, Location l, ValueRange a) -> Value {
    return arith::NegFOp::create(b, l, a[0]);
  };
  FailureOr<Value> negated = buildElementwise(g, {sigmoid.getInput()}, negate);
  if (failed(negated))
    return failure();
  Value softplus = seq::ActivationOp::create(
      g.builder, g.loc,
      seq::ActivationAttr::get(g.context, seq::ActivationKind::softplus),
      *negated);
  FailureOr<Value> result = buildElementwise(g, {softplus}, negate);
  if (failed(result))
    return failure();
  g.setOutput(0, *result);
  return success();
}

/// Unary math as one elementwise generic.
LogicalResult importUnaryMath(GraphImporter &g, StringRef op) {
  SmallVector<StringRef> known;
  if (op == "Selu")
    known = {"alpha", "gamma"};
  if (op == "Celu")
    known = {"alpha"};
  if (failed(g.checkAttrs(known)))
    return failure();
  if (op == "Log")
    if (seq::ActivationOp sigmoid = sigmoidInput(g))
      return importLogSigmoid(g, sigmoid);
  if ((op == "Abs" || op == "Sign") && isIntegerData(g, 0)) {
    // |x| of integers (relative positions; |INT_MIN| wraps to itself) and
    // their sign -1, 0, 1 (DeBERTa's log buckets).
    FailureOr<Value> r = buildElementwise(
        g, {g.tensorInput(0)},
        [&](OpBuilder &b, Location l, ValueRange a) -> Value {
          auto c = [&](int64_t v) {
            return arith::ConstantOp::create(
                b, l, b.getIntegerAttr(a[0].getType(), v));
          };
          if (op == "Abs")
            return arith::MaxSIOp::create(
                b, l, a[0], arith::SubIOp::create(b, l, c(0), a[0]));
          Value positive = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::sgt, a[0], c(0));
          Value negative = arith::CmpIOp::create(
              b, l, arith::CmpIPredicate::slt, a[0], c(0));
          return arith::SelectOp::create(
              b, l, positive, c(1),
              arith::SelectOp::create(b, l, negative, c(-1), c(0)));
        });
    if (failed(r))
      return failure();
    g.setOutput(0, *r);
    return success();
  }
  Value x = floatInput(g, 0);
  if (!x)
    return failure();
  // ONNX Selu defaults (the SELU paper's constants); Celu's alpha is 1.
  double alpha = g.floatAttr("alpha").value_or(
      op == "Celu" ? 1.0 : 1.67326319217681884765625);
  if (op == "Celu" && alpha == 0) {
    g.nodeError() << "alpha must not be 0";
    return failure();
  }
  double gamma = g.floatAttr("gamma").value_or(1.05070102214813232421875);
  FailureOr<Value> r = buildElementwise(
      g, {x}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value v = a[0];
        if (seq::isUnaryMath(op.lower()))
          return seq::emitUnaryMath(b, l, op.lower(), v);
        if (op == "Celu") {
          // max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
          Value zero = constantLike(b, l, v, 0.0);
          Value e = arith::SubFOp::create(
              b, l,
              math::ExpOp::create(
                  b, l,
                  arith::DivFOp::create(b, l, v, constantLike(b, l, v, alpha))),
              constantLike(b, l, v, 1.0));
          e = arith::MulFOp::create(b, l, constantLike(b, l, v, alpha), e);
          return arith::AddFOp::create(
              b, l, arith::MaximumFOp::create(b, l, zero, v),
              arith::MinimumFOp::create(b, l, zero, e));
        }
        // Selu: gamma * (x > 0 ? x : alpha * (exp(x) - 1))
        Value negative = arith::MulFOp::create(
            b, l, constantLike(b, l, v, alpha),
            arith::SubFOp::create(b, l, math::ExpOp::create(b, l, v),
                                  constantLike(b, l, v, 1.0)));
        Value positive = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT,
                                               v, constantLike(b, l, v, 0.0));
        return arith::MulFOp::create(
            b, l, constantLike(b, l, v, gamma),
            arith::SelectOp::create(b, l, positive, v, negative));
      });
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

/// Max / Min of one or more inputs, broadcast; NaN propagates as in
/// torch.maximum / torch.minimum.
LogicalResult importMaxMin(GraphImporter &g, bool isMax) {
  if (failed(g.checkAttrs({})))
    return failure();
  // Integers of one type (T5's relative-position buckets: torch.min of
  // int64 tensors), else f32.
  bool ints = g.node->input_size() > 0;
  for (int i = 0; i < g.node->input_size(); ++i)
    ints &= isIntegerData(g, i);
  SmallVector<Value> inputs;
  if (ints) {
    for (int i = 0; i < g.node->input_size(); ++i) {
      Value v = g.tensorInput(i);
      if (!v)
        return failure();
      if (tensorType(v).getElementType() !=
          (inputs.empty() ? tensorType(v).getElementType()
                          : tensorType(inputs[0]).getElementType())) {
        g.nodeError() << "integer inputs of different types "
                      << tensorType(inputs[0]).getElementType() << " and "
                      << tensorType(v).getElementType();
        return failure();
      }
      inputs.push_back(v);
    }
  } else {
    FailureOr<SmallVector<Value>> floatIns = floatInputs(g);
    if (failed(floatIns))
      return failure();
    inputs = *floatIns;
  }
  if (inputs.empty()) {
    g.nodeError() << "needs at least one input";
    return failure();
  }
  FailureOr<Value> r = buildElementwise(
      g, inputs, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value acc = a[0];
        for (Value v : a.drop_front()) {
          if (ints)
            acc = isMax ? arith::MaxSIOp::create(b, l, acc, v).getResult()
                        : arith::MinSIOp::create(b, l, acc, v).getResult();
          else
            acc = isMax ? arith::MaximumFOp::create(b, l, acc, v).getResult()
                        : arith::MinimumFOp::create(b, l, acc, v).getResult();
        }
        return acc;
      });
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

/// Sum / Mean of one or more float inputs, broadcast (ONNX's variadic Sum
/// and Mean: tf2onnx and hand-built graphs write them; PyTorch writes Add
/// chains). Added left to right, as onnxruntime does; Mean divides the sum
/// by the number of inputs.
LogicalResult importSumMean(GraphImporter &g, bool isMean) {
  if (failed(g.checkAttrs({})))
    return failure();
  FailureOr<SmallVector<Value>> inputs = floatInputs(g);
  if (failed(inputs))
    return failure();
  if (inputs->empty()) {
    g.nodeError() << "needs at least one input";
    return failure();
  }
  int64_t count = inputs->size();
  FailureOr<Value> r = buildElementwise(
      g, *inputs, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value acc = a[0];
        for (Value v : a.drop_front())
          acc = arith::AddFOp::create(b, l, acc, v);
        if (!isMean || count == 1)
          return acc;
        Value n = arith::ConstantOp::create(
            b, l, b.getFloatAttr(acc.getType(), double(count)));
        return arith::DivFOp::create(b, l, acc, n);
      });
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

/// Clip(x, min, max): bounds as inputs (opset >= 11, each optional) or as
/// attributes (opset < 11). min(max(x, lo), hi), NaN propagating. Integer
/// data (torch.clamp on index arithmetic, an embedding id clamped into
/// range) clamps signed with integer bounds.
LogicalResult importClip(GraphImporter &g) {
  bool attributeBounds = g.opset < 11;
  if (failed(g.checkAttrs(attributeBounds ? SmallVector<StringRef>{"min", "max"}
                                          : SmallVector<StringRef>{})))
    return failure();
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  Type element = tensorType(x).getElementType();
  bool isInt = isa<IntegerType>(element) && !element.isInteger(1);
  if (!isInt && !(x = floatInput(g, 0)))
    return failure();
  SmallVector<Value> operands = {x};
  std::optional<double> lo, hi;
  int loIndex = -1, hiIndex = -1;
  if (attributeBounds) {
    if (std::optional<float> v = g.floatAttr("min"))
      lo = *v;
    if (std::optional<float> v = g.floatAttr("max"))
      hi = *v;
  } else {
    for (unsigned i : {1u, 2u}) {
      if (!g.hasInput(i))
        continue;
      Value bound = isInt ? g.tensorInput(i) : floatInput(g, i);
      if (!bound)
        return failure();
      if (tensorType(bound).getRank() != 0) {
        g.nodeError() << "input " << i << " must be a scalar";
        return failure();
      }
      Type boundType = tensorType(bound).getElementType();
      if (boundType != element &&
          !(isInt && isa<IntegerType>(boundType) && !boundType.isInteger(1))) {
        g.nodeError() << "input " << i << " has element type " << boundType
                      << ", but the data is " << element;
        return failure();
      }
      (i == 1 ? loIndex : hiIndex) = operands.size();
      operands.push_back(bound);
    }
  }
  if (isInt && attributeBounds) {
    g.nodeError() << "integer data needs opset 11 or later (bounds as inputs)";
    return failure();
  }
  FailureOr<Value> r = buildElementwise(
      g, operands, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value v = a[0];
        Value low = loIndex >= 0 ? a[loIndex]
                    : lo         ? constantLike(b, l, v, *lo)
                                 : Value();
        Value high = hiIndex >= 0 ? a[hiIndex]
                     : hi         ? constantLike(b, l, v, *hi)
                                  : Value();
        // An integer bound of another width (an INT32 constant, held as
        // i64) takes the data's.
        auto fit = [&](Value bound) -> Value {
          if (!bound || bound.getType() == v.getType() || !isInt)
            return bound;
          unsigned from = bound.getType().getIntOrFloatBitWidth(),
                   to = v.getType().getIntOrFloatBitWidth();
          return from > to ? arith::TruncIOp::create(b, l, v.getType(), bound)
                                 .getResult()
                           : arith::ExtSIOp::create(b, l, v.getType(), bound)
                                 .getResult();
        };
        low = fit(low);
        high = fit(high);
        if (low)
          v = isInt ? arith::MaxSIOp::create(b, l, v, low).getResult()
                    : arith::MaximumFOp::create(b, l, v, low).getResult();
        if (high)
          v = isInt ? arith::MinSIOp::create(b, l, v, high).getResult()
                    : arith::MinimumFOp::create(b, l, v, high).getResult();
        return v;
      });
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

/// IsNaN, and IsInf with detect_negative / detect_positive (default 1):
/// bool results.
LogicalResult importFloatClass(GraphImporter &g, bool isNaN) {
  if (failed(g.checkAttrs(isNaN ? SmallVector<StringRef>{}
                                : SmallVector<StringRef>{"detect_negative",
                                                         "detect_positive"})))
    return failure();
  // Any float type: torch 1.13 exports isinf as IsInf(Cast(x, DOUBLE)).
  Value x = g.tensorInput(0);
  if (x && !isa<FloatType>(tensorType(x).getElementType())) {
    g.nodeError() << "input 0 has element type "
                  << tensorType(x).getElementType()
                  << "; IsNaN and IsInf take floating-point data";
    return failure();
  }
  if (!x)
    return failure();
  bool negative = g.intAttr("detect_negative", 1) != 0;
  bool positive = g.intAttr("detect_positive", 1) != 0;
  FailureOr<Value> r = buildElementwise(
      g, {x},
      [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value v = a[0];
        if (isNaN)
          return arith::CmpFOp::create(b, l, arith::CmpFPredicate::UNO, v, v);
        double inf = std::numeric_limits<double>::infinity();
        Value isPos = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, v,
                                            constantLike(b, l, v, inf));
        Value isNeg = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, v,
                                            constantLike(b, l, v, -inf));
        Value none = arith::ConstantOp::create(b, l, b.getBoolAttr(false));
        return arith::OrIOp::create(b, l, positive ? isPos : none,
                                    negative ? isNeg : none);
      },
      g.builder.getI1Type());
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

/// PRelu(x, slope): x < 0 ? slope * x : x, `slope` broadcast to x
/// (nn.PReLU exports one slope or one per channel, shaped [C, 1, ...]).
LogicalResult importPRelu(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  FailureOr<SmallVector<Value>> in = floatInputs(g);
  if (failed(in))
    return failure();
  FailureOr<Value> r = buildElementwise(
      g, *in, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value negative =
            arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, a[0],
                                  constantLike(b, l, a[0], 0.0));
        return arith::SelectOp::create(
            b, l, negative, arith::MulFOp::create(b, l, a[1], a[0]), a[0]);
      });
  if (failed(r))
    return failure();
  if (tensorType(*r) != tensorType((*in)[0])) {
    g.nodeError() << "slope " << (*in)[1].getType()
                  << " does not broadcast to the input " << (*in)[0].getType();
    return failure();
  }
  g.setOutput(0, *r);
  return success();
}

/// Mod(a, b): integers as importIntegerBinary; floats, which ONNX allows
/// only with fmod = 1, as C's fmod (the result has the dividend's sign),
/// torch.fmod. (torch.remainder of floats exports as Floor arithmetic.)
/// Mod of shape arithmetic ((-T) % 4: the padding that rounds a length up
/// to a block), kept element by element: folded for constants, else index
/// arithmetic with ONNX's sign rule (fmod = 0: the divisor's; 1: the
/// dividend's). A zero divisor is an import error when known, else fails
/// the run.
LogicalResult importSymbolicMod(GraphImporter &g) {
  bool cMod = g.intAttr("fmod", 0) != 0;
  Ints a = *g.intsInput(0), b = *g.intsInput(1);
  std::optional<size_t> n = broadcastLength(a.size(), b.size());
  if (!n) {
    g.nodeError() << "integer operands do not broadcast";
    return failure();
  }
  OpBuilder &bld = g.builder;
  Location loc = g.loc;
  Ints out;
  for (size_t i = 0; i < *n; ++i) {
    OpFoldResult x = a[a.size() == 1 ? 0 : i], y = b[b.size() == 1 ? 0 : i];
    std::optional<int64_t> cx = getConstantIntValue(x),
                           cy = getConstantIntValue(y);
    if (cy && *cy == 0) {
      g.nodeError() << "integer Mod by zero";
      return failure();
    }
    if (cx && cy && !(*cx == std::numeric_limits<int64_t>::min() && *cy == -1)) {
      int64_t r = *cx % *cy;
      if (!cMod && r != 0 && (r < 0) != (*cy < 0))
        r += *cy;
      out.push_back(bld.getIndexAttr(r));
      continue;
    }
    Value vx = g.indexValue(x), vy = g.indexValue(y);
    Value zero = arith::ConstantIndexOp::create(bld, loc, 0);
    Value one = arith::ConstantIndexOp::create(bld, loc, 1);
    Value isZero =
        arith::CmpIOp::create(bld, loc, arith::CmpIPredicate::eq, vy, zero);
    seq::createCheck(
        bld, loc,
        arith::CmpIOp::create(bld, loc, arith::CmpIPredicate::ne, vy, zero), vy,
        seq::describeLocation(loc) + ": integer Mod by zero (divisor {})",
        seq::CheckKind::value);
    // Divisor 1 where it is 0 (the run fails) or -1 (the same remainder,
    // 0, without INT_MIN % -1 trapping).
    Value minusOne = arith::CmpIOp::create(
        bld, loc, arith::CmpIPredicate::eq, vy,
        arith::ConstantIndexOp::create(bld, loc, -1));
    Value divisor = arith::SelectOp::create(
        bld, loc, arith::OrIOp::create(bld, loc, isZero, minusOne), one, vy);
    Value r = arith::RemSIOp::create(bld, loc, vx, divisor);
    if (!cMod) {
      // A nonzero remainder whose sign differs from the divisor's moves
      // into the divisor's range.
      Value rNeg =
          arith::CmpIOp::create(bld, loc, arith::CmpIPredicate::slt, r, zero);
      Value yNeg = arith::CmpIOp::create(bld, loc, arith::CmpIPredicate::slt,
                                         divisor, zero);
      Value adjust = arith::AndIOp::create(
          bld, loc,
          arith::CmpIOp::create(bld, loc, arith::CmpIPredicate::ne, rNeg, yNeg),
          arith::CmpIOp::create(bld, loc, arith::CmpIPredicate::ne, r, zero));
      r = arith::SelectOp::create(
          bld, loc, adjust, arith::AddIOp::create(bld, loc, r, divisor), r);
    }
    out.push_back(r);
  }
  g.setOutput(0, symbolic(out, isScalarInt(g.input(0)) &&
                                   isScalarInt(g.input(1))));
  return success();
}

LogicalResult importMod(GraphImporter &g) {
  if (failed(g.checkAttrs({"fmod"})))
    return failure();
  if (int64_t fmod = g.intAttr("fmod", 0); fmod != 0 && fmod != 1) {
    g.nodeError() << "fmod must be 0 or 1, found " << fmod;
    return failure();
  }
  if (isSymbolicInt(g.input(0)) && isSymbolicInt(g.input(1)))
    return importSymbolicMod(g);
  if (isIntegerData(g, 0) && isIntegerData(g, 1))
    return importIntegerBinary(g, "Mod");
  FailureOr<SmallVector<Value>> in = floatInputs(g);
  if (failed(in))
    return failure();
  if (g.intAttr("fmod", 0) != 1) {
    g.nodeError() << "floating-point Mod needs fmod = 1 (the ONNX operator "
                     "documentation)";
    return failure();
  }
  FailureOr<Value> r = buildElementwise(
      g, *in, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        return arith::RemFOp::create(b, l, a[0], a[1]);
      });
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
  return success();
}

/// Gelu (opset 20): x * Phi(x) with Phi the standard normal CDF, or with
/// approximate = "tanh" 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3)))
/// (Hendrycks and Gimpel 2016; PyTorch's nn.GELU(approximate=...)), as
/// seq.activation gelu / gelu_tanh.
LogicalResult importGelu(GraphImporter &g) {
  if (g.opset < 20) {
    g.nodeError() << "Gelu is an operator of opset 20 and later (the "
                     "model imports opset "
                  << g.opset << ")";
    return failure();
  }
  if (failed(g.checkAttrs({"approximate"})))
    return failure();
  std::string approximate = g.stringAttr("approximate").value_or("none");
  if (approximate != "none" && approximate != "tanh") {
    g.nodeError() << "approximate must be 'none' or 'tanh', found '"
                  << approximate << "'";
    return failure();
  }
  Value x = floatInput(g, 0);
  if (!x)
    return failure();
  auto kind = approximate == "tanh" ? seq::ActivationKind::gelu_tanh
                                    : seq::ActivationKind::gelu;
  g.setOutput(
      0, seq::ActivationOp::create(g.builder, g.loc,
                                   seq::ActivationAttr::get(g.context, kind), x)
             .getResult());
  return success();
}

} // namespace

LogicalResult importElementwiseOp(GraphImporter &g, StringRef op,
                                  bool &handled) {
  handled = true;
  if (op == "Gelu")
    return importGelu(g);
  if (op == "LeakyRelu")
    return importActivation(g, seq::ActivationKind::leaky_relu);
  if (op == "Elu")
    return importActivation(g, seq::ActivationKind::elu);
  if (op == "HardSigmoid")
    return importActivation(g, seq::ActivationKind::hard_sigmoid);
  if (op == "ThresholdedRelu")
    return importActivation(g, seq::ActivationKind::thresholded_relu);
  if (op == "Softplus")
    return importActivation(g, seq::ActivationKind::softplus);
  if (op == "Softsign")
    return importActivation(g, seq::ActivationKind::softsign);
  if (op == "Abs" || op == "Log" || op == "Reciprocal" || op == "HardSwish" ||
      op == "Mish" || op == "Selu" || op == "Celu" || op == "Sin" ||
      op == "Cos" || op == "Tan" || op == "Asin" || op == "Acos" ||
      op == "Atan" || op == "Sinh" || op == "Cosh" || op == "Asinh" ||
      op == "Acosh" || op == "Atanh" || op == "Floor" || op == "Ceil" ||
      op == "Round" || op == "Sign")
    return importUnaryMath(g, op);
  if (op == "IsNaN" || op == "IsInf")
    return importFloatClass(g, op == "IsNaN");
  if (op == "PRelu")
    return importPRelu(g);
  if (op == "Mod")
    return importMod(g);
  if (op == "Max" || op == "Min")
    return importMaxMin(g, op == "Max");
  if (op == "Sum" || op == "Mean")
    return importSumMean(g, op == "Mean");
  if (op == "Clip")
    return importClip(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
