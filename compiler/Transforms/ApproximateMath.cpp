//===- ApproximateMath.cpp - inline polynomials for f32 math ------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>
#include <limits>

#define DEBUG_TYPE "seqc-approximate-math"

namespace seqc {
#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Marks a math.fma whose single rounding the result depends on.
constexpr const char *kExactFma = "seqc.exact_fma";

/// math.fma -> mulf + addf marked `contract`: LLVM fuses them where the CPU
/// has FMA and keeps two instructions where it has not, instead of calling
/// libm's (software) fmaf on the portable x86-64 baseline. An fma marked
/// exact stays.
struct FmaToContractedMulAdd : OpRewritePattern<math::FmaOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FmaOp op,
                                PatternRewriter &rewriter) const override {
    if (op->hasAttr(kExactFma))
      return failure();
    auto contract = arith::FastMathFlags::contract;
    Value product = arith::MulFOp::create(rewriter, op.getLoc(), op.getA(),
                                          op.getB(), contract);
    rewriter.replaceOpWithNewOp<arith::AddFOp>(op, product, op.getC(),
                                               contract);
    return success();
  }
};

/// An f32 constant `v` of `type` (a scalar, or a splat of a shaped type).
Value splatF32(OpBuilder &b, Location loc, Type type, double v) {
  TypedAttr attr = b.getF32FloatAttr(v);
  if (auto shaped = dyn_cast<ShapedType>(type))
    attr = SplatElementsAttr::get(shaped, attr);
  return arith::ConstantOp::create(b, loc, attr);
}

/// MLIR's tanh and erf approximations clamp their argument and so never
/// reach +-1: tanh saturates at 1 - 1.8e-7, which turns
/// gelu(x, approximate='tanh') = 0.5 * x * (1 + tanh(...)) at x = -1e30 into
/// -8.9e22 instead of PyTorch's -0. Past `threshold` (where the f32 value of
/// the function is exactly +-1), the result is copysign(1, x).
template <typename OpTy>
struct SaturateBeforeApproximation : OpRewritePattern<OpTy> {
  SaturateBeforeApproximation(MLIRContext *ctx, double threshold)
      : OpRewritePattern<OpTy>(ctx, /*benefit=*/2), threshold(threshold) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (op->hasAttr(kSaturated) ||
        !getElementTypeOrSelf(op.getType()).isF32())
      return failure();
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Type type = x.getType();
    auto splat = [&](double v) { return splatF32(rewriter, loc, type, v); };
    auto inner = OpTy::create(rewriter, loc, x);
    inner->setAttr(kSaturated, rewriter.getUnitAttr());
    Value large = arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OGE,
                                        math::AbsFOp::create(rewriter, loc, x),
                                        splat(threshold));
    Value one = math::CopySignOp::create(rewriter, loc, splat(1.0), x);
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, large, one, inner);
    return success();
  }
  static constexpr const char *kSaturated = "seqc.saturated";
  double threshold;
};

/// MLIR's log and log2 approximations read the exponent field, so a
/// subnormal input (below 2^-126) reads as 2^-126: log(1e-40) gave
/// -87.34 instead of -92.10. A subnormal is scaled by 2^24 first (exact) and
/// the logarithm of 2^24 taken off again (24 ln 2, or 24 for log2); 0,
/// negatives and NaN keep their results (-inf, NaN).
template <typename OpTy>
struct ScaleSubnormalsBeforeLog : OpRewritePattern<OpTy> {
  ScaleSubnormalsBeforeLog(MLIRContext *ctx, double logOfScale)
      : OpRewritePattern<OpTy>(ctx, /*benefit=*/2), logOfScale(logOfScale) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (op->hasAttr(kScaled) || !getElementTypeOrSelf(op.getType()).isF32())
      return failure();
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Type type = x.getType();
    auto splat = [&](double v) { return splatF32(rewriter, loc, type, v); };
    Value subnormal = arith::CmpFOp::create(
        rewriter, loc, arith::CmpFPredicate::OLT,
        math::AbsFOp::create(rewriter, loc, x), splat(std::ldexp(1.0, -126)));
    Value scaled = arith::SelectOp::create(
        rewriter, loc, subnormal,
        arith::MulFOp::create(rewriter, loc, x, splat(16777216.0)), x);
    auto inner = OpTy::create(rewriter, loc, scaled);
    inner->setAttr(kScaled, rewriter.getUnitAttr());
    Value unscaled =
        arith::SubFOp::create(rewriter, loc, inner, splat(logOfScale));
    rewriter.replaceOpWithNewOp<arith::SelectOp>(op, subnormal, unscaled,
                                                 inner);
    return success();
  }
  static constexpr const char *kScaled = "seqc.subnormals_scaled";
  double logOfScale;
};

/// f32 sin and cos accurate for large arguments (RoPE and sinusoidal
/// position tables reach angles of thousands of radians). MLIR's
/// approximation reduces by pi/2 with a single f32 constant, so its error
/// grows as 5e-8 * |x| (3e-4 at position 5000). Here the reduction runs in
/// f64 (Cody-Waite with three parts of pi/2 in fused multiply-adds, each
/// product exact): k = rint(x * 2/pi), r = ((x - k C1) - k C2) - k C3 is
/// exact to about 1e-16 while k is an exact integer and k C1 cancels
/// (|x| < 2^50, 1e15 radians); beyond that by Payne and Hanek's method
/// (below: sin of an f32 timestamp in nanoseconds, 1.7e18, was NaN). sin
/// and cos of r (|r| <= pi/4, in f32) are
/// Cephes' sinf / cosf minimax polynomials (Moshier, Cephes Math Library, 1
/// ulp); the quadrant k mod 4, computed in floats (exact for every such
/// k), picks and signs one of them. sin(-0) is -0; NaN and +-inf give NaN.
template <typename OpTy, bool isCos>
struct AccurateSinCos : OpRewritePattern<OpTy> {
  AccurateSinCos(MLIRContext *ctx) : OpRewritePattern<OpTy>(ctx, /*benefit=*/2) {}
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (!getElementTypeOrSelf(op.getType()).isF32())
      return failure();
    Location loc = op.getLoc();
    Value x = op.getOperand();
    Type type = x.getType();
    Type wide = rewriter.getF64Type();
    if (auto shaped = dyn_cast<ShapedType>(type))
      wide = shaped.clone(rewriter.getF64Type());
    auto constant = [&](Type t, double v) -> Value {
      Type elt = getElementTypeOrSelf(t);
      TypedAttr attr = rewriter.getFloatAttr(elt, v);
      if (auto shaped = dyn_cast<ShapedType>(t))
        attr = SplatElementsAttr::get(shaped, attr);
      return arith::ConstantOp::create(rewriter, loc, attr);
    };
    auto c = [&](double v) { return constant(type, v); };
    auto d = [&](double v) { return constant(wide, v); };
    auto mul = [&](Value a, Value b) {
      return arith::MulFOp::create(rewriter, loc, a, b).getResult();
    };
    auto fma = [&](Value a, Value b, Value acc) {
      return math::FmaOp::create(rewriter, loc, a, b, acc).getResult();
    };
    // These three must round once (a call to fma where the CPU has no
    // FMA): FmaToContractedMulAdd leaves them alone.
    auto exactFma = [&](Value a, Value b, Value acc) {
      auto op = math::FmaOp::create(rewriter, loc, a, b, acc);
      op->setAttr(kExactFma, rewriter.getUnitAttr());
      return op.getResult();
    };
    auto cmp = [&](arith::CmpFPredicate p, Value a, Value b) {
      return arith::CmpFOp::create(rewriter, loc, p, a, b).getResult();
    };
    auto select = [&](Value cond, Value a, Value b) {
      return arith::SelectOp::create(rewriter, loc, cond, a, b).getResult();
    };
    // pi/2 = C1 + C2 + C3, each the f64 nearest to what remains.
    const double c1 = 1.5707963267948966, c2 = 6.123233995736766e-17,
                 c3 = -1.4973849048591698e-33;
    Value xd = arith::ExtFOp::create(rewriter, loc, wide, x);
    Value k = math::RoundEvenOp::create(rewriter, loc,
                                        mul(xd, d(0.63661977236758134308)));
    Value negK = arith::NegFOp::create(rewriter, loc, k);
    Value rd = exactFma(negK, d(c1), xd);
    rd = exactFma(negK, d(c2), rd);
    rd = exactFma(negK, d(c3), rd);
    // Past 2^50 (k no longer exact) the reduction of Payne and Hanek, with
    // no table: x (24 bits) times 2/pi = P1 + P2 + P3 + P4 (the f64
    // nearest to what remains; fdlibm's ipio2 bits, 212 of them, enough
    // for x up to f32's 2^128) as exact products hi + lo (fused
    // multiply-adds). Each is reduced to [-2, 2] exactly (v - 4 rint(v / 4):
    // a multiple of an ulp >= 4 is 0 mod 4, a small v stays itself) and
    // added to a fraction in [-1/2, 1/2] whose whole part goes to a count
    // of quarter turns (t - rint(t) is exact), so that r = fraction * pi/2
    // keeps its relative accuracy near a zero of sin or cos (about 1e-15
    // absolute).
    auto rint = [&](Value v) {
      return math::RoundEvenOp::create(rewriter, loc, v).getResult();
    };
    auto sub = [&](Value a, Value b) {
      return arith::SubFOp::create(rewriter, loc, a, b).getResult();
    };
    auto add = [&](Value a, Value b) {
      return arith::AddFOp::create(rewriter, loc, a, b).getResult();
    };
    const double twoOverPi[] = {0x1.45f306dc9c883p-1, -0x1.6b01ec5417056p-55,
                                -0x1.6447e493ad4cep-109,
                                0x1.e21c820ff28b2p-163};
    // (At the rewriter's insertion point: the quarter turns and r.)
    auto reduceLarge = [&]() -> std::pair<Value, Value> {
      Value fraction = d(0.0), quarters = d(0.0);
      auto addTurns = [&](Value v) {
        Value t = add(fraction, sub(v, mul(d(4.0), rint(mul(v, d(0.25))))));
        Value whole = rint(t);
        quarters = add(quarters, whole);
        fraction = sub(t, whole);
      };
      for (double part : twoOverPi) {
        Value hi = mul(xd, d(part));
        addTurns(hi);
        addTurns(
            exactFma(xd, d(part), arith::NegFOp::create(rewriter, loc, hi)));
      }
      return {quarters, mul(fraction, d(c1))};
    };
    Value small =
        cmp(arith::CmpFPredicate::OLT, math::AbsFOp::create(rewriter, loc, x),
            c(1125899906842624.0));
    if (isa<VectorType>(type)) {
      // A vector (seqc-vectorize-rows' rows) takes the long reduction only
      // when a lane needs it: sin and cos of ordinary angles cost what
      // they did (the reduction tripled their time).
      Value needed = vector::ReductionOp::create(
          rewriter, loc, vector::CombiningKind::OR,
          cmp(arith::CmpFPredicate::UGE, math::AbsFOp::create(rewriter, loc, x),
              c(1125899906842624.0)));
      auto branch = scf::IfOp::create(
          rewriter, loc, TypeRange{k.getType(), rd.getType()}, needed,
          /*withElseRegion=*/true);
      {
        OpBuilder::InsertionGuard guard(rewriter);
        rewriter.setInsertionPointToStart(branch.thenBlock());
        auto [kLarge, rLarge] = reduceLarge();
        scf::YieldOp::create(
            rewriter, loc,
            ValueRange{select(small, k, kLarge), select(small, rd, rLarge)});
        rewriter.setInsertionPointToStart(branch.elseBlock());
        scf::YieldOp::create(rewriter, loc, ValueRange{k, rd});
      }
      k = branch.getResult(0);
      rd = branch.getResult(1);
    } else {
      // (A scalar, in a loop LLVM vectorizes: both, selected per lane.)
      auto [kLarge, rLarge] = reduceLarge();
      k = select(small, k, kLarge);
      rd = select(small, rd, rLarge);
    }
    Value r = arith::TruncFOp::create(rewriter, loc, type, rd);
    Value z = mul(r, r);
    // sin r = r + r z (s0 z^2 + s1 z + s2); cos r = 1 - z/2 + z^2 (...).
    Value sinPoly = fma(fma(c(-1.9515295891e-4), z, c(8.3321608736e-3)), z,
                        c(-1.6666654611e-1));
    Value sinR = fma(mul(r, z), sinPoly, r);
    Value cosPoly = fma(fma(c(2.443315711809948e-5), z,
                            c(-1.388731625493765e-3)),
                        z, c(4.166664568298827e-2));
    Value cosR = fma(mul(z, z), cosPoly, fma(z, c(-0.5), c(1.0)));
    // The quadrant k mod 4 = k - 4 floor(k / 4), exact in f64.
    Value quadrant = arith::SubFOp::create(
        rewriter, loc, k,
        mul(d(4.0), math::FloorOp::create(rewriter, loc, mul(k, d(0.25)))));
    auto is = [&](double q) {
      return cmp(arith::CmpFPredicate::OEQ, quadrant, d(q));
    };
    Value odd = arith::OrIOp::create(rewriter, loc, is(1.0), is(3.0));
    // sin x: sin r, cos r, -sin r, -cos r; cos x: cos r, -sin r, -cos r,
    // sin r for quadrants 0 .. 3.
    Value picked = isCos ? select(odd, sinR, cosR) : select(odd, cosR, sinR);
    Value negate =
        isCos ? arith::OrIOp::create(rewriter, loc, is(1.0), is(2.0))
                    .getResult()
              : cmp(arith::CmpFPredicate::OGE, quadrant, d(2.0));
    Value result =
        select(negate, arith::NegFOp::create(rewriter, loc, picked), picked);
    // +-inf (and NaN) give NaN.
    Value finite =
        cmp(arith::CmpFPredicate::OLT, math::AbsFOp::create(rewriter, loc, x),
            c(std::numeric_limits<double>::infinity()));
    result = select(finite, result, c(std::nan("")));
    if (!isCos) // sin(+-0) = +-0
      result = select(cmp(arith::CmpFPredicate::OEQ, x, c(0.0)), x, result);
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct ApproximateMathPass
    : seqc::impl::ApproximateMathPassBase<ApproximateMathPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    seqc::populateApproximateMathPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void seqc::populateApproximateMathPatterns(RewritePatternSet &patterns) {
  // The legacy entry point also expands ops (tanh, sinh, ...) into forms the
  // approximations cover; AVX2 intrinsics stay off so the result is
  // target-independent.
  populateMathPolynomialApproximationPatterns(
      patterns, MathPolynomialApproximationOptions{/*enableAvx2=*/false});
  patterns.add<FmaToContractedMulAdd>(patterns.getContext());
  patterns.add<AccurateSinCos<math::SinOp, false>,
               AccurateSinCos<math::CosOp, true>>(patterns.getContext());
  patterns.add<ScaleSubnormalsBeforeLog<math::LogOp>>(patterns.getContext(),
                                                      24.0 * M_LN2);
  patterns.add<ScaleSubnormalsBeforeLog<math::Log2Op>>(patterns.getContext(),
                                                       24.0);
  // f32: tanh(9) and erf(4) round to exactly 1.
  patterns.add<SaturateBeforeApproximation<math::TanhOp>>(
      patterns.getContext(), 9.0);
  patterns.add<SaturateBeforeApproximation<math::ErfOp>>(
      patterns.getContext(), 4.0);
}
