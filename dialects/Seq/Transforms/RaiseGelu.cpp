//===- RaiseGelu.cpp - GELU spelled out with elementwise ops to seq.activation ===//
//
// Exporters and hand-written models spell GELU as four or five elementwise
// ops, each of which the CPU pipeline runs as its own pass over memory;
// seq.activation <gelu> / <gelu_tanh> is one. Products and sums are read up
// to association and order, so `x * 0.5 * (1 + erf(x / sqrt 2))` and
// `0.5 * x * (erf(x * 0.7071) + 1)` are the same GELU. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/RaisingMatchers.h"
#include "dialects/Seq/Transforms/Passes.h"

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <cmath>

#define DEBUG_TYPE "seq-raise-gelu"

namespace seqc::seq {
#define GEN_PASS_DEF_RAISEGELUPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

/// `v` as `scalar * t_1 * ... * t_n` (or a sum `scalar + t_1 + ... + t_n`):
/// elementwise generics of mulf (addf) whose operands are constants or
/// tensors of the result's type, flattened; a division (subtraction) by a
/// constant counts as its inverse.
struct Flattened {
  double scalar;
  SmallVector<Value> terms;
};

void flatten(Value v, bool product, Flattened &out, int depth);

/// Adds what the body value `x` of `e` is a product (sum) of to `out`:
/// false when some part is neither a constant nor a tensor read through
/// the identity map.
bool flattenBody(Elementwise e, Value x, bool product, Flattened &out,
                 int depth) {
  Operation *op = x.getDefiningOp();
  if (op && op->getBlock() == e.op.getBody() && depth <= 16) {
    bool combines = product
                        ? isa<arith::MulFOp, arith::DivFOp>(op)
                        : isa<arith::AddFOp, arith::SubFOp>(op);
    if (combines && isa<arith::DivFOp, arith::SubFOp>(op)) {
      // x / c and x - c only: c / x and c - x are no product or sum of x.
      std::optional<BodyLeaf> c = readLeaf(e.op, op->getOperand(1));
      if (!c || !c->scalar || (product && *c->scalar == 0.0))
        return false;
      out.scalar = product ? out.scalar / *c->scalar : out.scalar - *c->scalar;
      return flattenBody(e, op->getOperand(0), product, out, depth + 1);
    }
    if (combines)
      return flattenBody(e, op->getOperand(0), product, out, depth + 1) &&
             flattenBody(e, op->getOperand(1), product, out, depth + 1);
  }
  std::optional<BodyLeaf> l = readLeaf(e.op, x);
  if (!l)
    return false;
  if (l->scalar) {
    out.scalar = product ? out.scalar * *l->scalar : out.scalar + *l->scalar;
    return true;
  }
  if (!l->map.isIdentity() ||
      l->tensor.getType() != e.op->getResult(0).getType())
    return false;
  flatten(l->tensor, product, out, depth + 1);
  return true;
}

/// `v` flattened into `out` across the elementwise generics that combine
/// it (a term of its own when its generic does not combine).
void flatten(Value v, bool product, Flattened &out, int depth) {
  std::optional<Elementwise> e = matchElementwise(v);
  Operation *yielded = e ? e->yielded.getDefiningOp() : nullptr;
  bool combines =
      yielded && (product ? isa<arith::MulFOp, arith::DivFOp>(yielded)
                          : isa<arith::AddFOp, arith::SubFOp>(yielded));
  Flattened inner = out;
  if (combines && depth <= 16 &&
      flattenBody(*e, e->yielded, product, inner, depth)) {
    out = std::move(inner);
    return;
  }
  out.terms.push_back(v);
}

Flattened flattenProduct(Value v) {
  Flattened f{1.0, {}};
  flatten(v, /*product=*/true, f, 0);
  return f;
}

Flattened flattenSum(Value v) {
  Flattened f{0.0, {}};
  flatten(v, /*product=*/false, f, 0);
  return f;
}

/// Whether `v` is `want` up to the rounding of an f32 constant (and of a
/// product of two).
bool near(double v, double want) {
  return std::fabs(v - want) <= 1e-6 * std::fabs(want);
}

/// Whether `v` is exactly `c * x` (one tensor factor, x).
bool isScaled(Value v, Value x, double c) {
  Flattened f = flattenProduct(v);
  return f.terms.size() == 1 && f.terms[0] == x && near(f.scalar, c);
}

/// Whether `v` is x^3 on its own: pow(x, 3) or x * x * x.
bool isCube(Value v, Value x) {
  std::optional<Elementwise> e = matchElementwise(v);
  if (auto pow = e ? e->yielded.getDefiningOp<math::PowFOp>() : nullptr) {
    std::optional<BodyLeaf> base = readLeaf(e->op, pow.getLhs());
    std::optional<BodyLeaf> exponent = readLeaf(e->op, pow.getRhs());
    return base && base->tensor == x && !base->scalar &&
           base->map.isIdentity() && exponent && exponent->scalar == 3.0;
  }
  Flattened f = flattenProduct(v);
  return f.scalar == 1.0 && f.terms.size() == 3 &&
         llvm::all_of(f.terms, [&](Value t) { return t == x; });
}

/// tanh(w) as either front end writes it: seq.activation <tanh> or a
/// generic over math.tanh.
Value tanhOperand(Value v) {
  if (auto act = v.getDefiningOp<ActivationOp>();
      act && act.getKind().getKind() == ActivationKind::tanh)
    return act.getInput();
  return unaryOperand<math::TanhOp>(v);
}

/// Which GELU `t` completes as `0.5 * x * t`: t = 1 + erf(x / sqrt 2)
/// (exact), or 1 + tanh(sqrt(2 / pi) * (x + 0.044715 * x^3)) (PyTorch's
/// approximate='tanh', Hugging Face's gelu_new).
std::optional<ActivationKind> geluKind(Value t, Value x) {
  Flattened sum = flattenSum(t);
  if (sum.terms.size() != 1 || !near(sum.scalar, 1.0))
    return std::nullopt;
  if (Value u = unaryOperand<math::ErfOp>(sum.terms[0]))
    return isScaled(u, x, M_SQRT1_2) ? std::optional(ActivationKind::gelu)
                                     : std::nullopt;
  Value w = tanhOperand(sum.terms[0]);
  if (!w)
    return std::nullopt;
  Flattened scaled = flattenProduct(w);
  if (scaled.terms.size() != 1 || !near(scaled.scalar, std::sqrt(2.0 / M_PI)))
    return std::nullopt;
  Flattened inner = flattenSum(scaled.terms[0]);
  if (inner.scalar != 0.0 || inner.terms.size() != 2)
    return std::nullopt;
  for (int i = 0; i < 2; ++i) {
    // 0.044715 * pow(x, 3), or 0.044715 * x * x * x flattened together.
    Flattened cubic = flattenProduct(inner.terms[1 - i]);
    bool cube = (cubic.terms.size() == 1 && isCube(cubic.terms[0], x)) ||
                (cubic.terms.size() == 3 &&
                 llvm::all_of(cubic.terms, [&](Value t) { return t == x; }));
    if (inner.terms[i] == x && cube && near(cubic.scalar, 0.044715))
      return ActivationKind::gelu_tanh;
  }
  return std::nullopt;
}

/// Rooted at the outermost product 0.5 * x * t.
struct RaiseGelu : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1)
      return failure();
    Value out = op->getResult(0);
    auto type = dyn_cast<RankedTensorType>(out.getType());
    if (!type || !isa<FloatType>(type.getElementType()))
      return failure();
    Flattened f = flattenProduct(out);
    if (f.terms.size() != 2 || !near(f.scalar, 0.5))
      return failure();
    for (int i = 0; i < 2; ++i) {
      Value x = f.terms[i];
      std::optional<ActivationKind> kind = geluKind(f.terms[1 - i], x);
      if (!kind)
        continue;
      rewriter.replaceOpWithNewOp<ActivationOp>(
          op, ActivationAttr::get(rewriter.getContext(), *kind), x);
      return success();
    }
    return failure();
  }
};

struct RaiseGeluPass : seqc::seq::impl::RaiseGeluPassBase<RaiseGeluPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseGelu>(&getContext());
    applyRaising(getOperation(), std::move(patterns));
  }
};

} // namespace
