//===- ApproximateMath.cpp - inline polynomials for f32 math ------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

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
    auto splat = [&](double v) -> Value {
      TypedAttr attr = rewriter.getF32FloatAttr(v);
      if (auto shaped = dyn_cast<ShapedType>(type))
        attr = SplatElementsAttr::get(shaped, attr);
      return arith::ConstantOp::create(rewriter, loc, attr);
    };
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

/// f32 sin and cos accurate for large arguments (RoPE and sinusoidal
/// position tables reach angles of thousands of radians). MLIR's
/// approximation reduces by pi/2 with a single f32 constant, so its error
/// grows as 5e-8 * |x| (3e-4 at position 5000). Here the reduction is
/// Cody-Waite's with three f32 parts of pi/2 and fused multiply-adds:
/// k = rint(x * 2/pi), r = ((x - k C1) - k C2) - k C3, each product exact
/// in the FMA, so |r| <= pi/4 carries an absolute error of a few 1e-8 for
/// |x| up to 2^24 (about 1e-6 at 1e9). sin and cos of r are Cephes' sinf /
/// cosf minimax polynomials (Moshier, Cephes Math Library, 1 ulp on
/// [-pi/4, pi/4]); the quadrant k mod 4, computed in floats (exact for
/// every finite k), picks and signs one of them. NaN and +-inf give NaN.
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
    auto c = [&](double v) -> Value {
      TypedAttr attr = rewriter.getF32FloatAttr(static_cast<float>(v));
      if (auto shaped = dyn_cast<ShapedType>(type))
        attr = SplatElementsAttr::get(shaped, attr);
      return arith::ConstantOp::create(rewriter, loc, attr);
    };
    auto mul = [&](Value a, Value b) {
      return arith::MulFOp::create(rewriter, loc, a, b).getResult();
    };
    auto fma = [&](Value a, Value b, Value acc) {
      return math::FmaOp::create(rewriter, loc, a, b, acc).getResult();
    };
    auto eq = [&](Value a, double v) {
      return arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OEQ,
                                   a, c(v))
          .getResult();
    };
    auto select = [&](Value cond, Value a, Value b) {
      return arith::SelectOp::create(rewriter, loc, cond, a, b).getResult();
    };
    // pi/2 = C1 + C2 + C3, each the f32 nearest to what remains.
    constexpr double kHalfPi = 1.57079632679489661923;
    const float c1 = static_cast<float>(kHalfPi);
    const float c2 = static_cast<float>(kHalfPi - c1);
    const float c3 = static_cast<float>(kHalfPi - c1 - static_cast<double>(c2));
    Value k = math::RoundEvenOp::create(rewriter, loc,
                                        mul(x, c(2.0 / 3.14159265358979323846)));
    Value negK = arith::NegFOp::create(rewriter, loc, k);
    // These three must round once (a call to fmaf where the CPU has no
    // FMA): FmaToContractedMulAdd leaves them alone.
    auto exactFma = [&](Value a, Value b, Value acc) {
      auto op = math::FmaOp::create(rewriter, loc, a, b, acc);
      op->setAttr(kExactFma, rewriter.getUnitAttr());
      return op.getResult();
    };
    Value r = exactFma(negK, c(c1), x);
    r = exactFma(negK, c(c2), r);
    r = exactFma(negK, c(c3), r);
    Value z = mul(r, r);
    // sin r = r + r z (s0 z^2 + s1 z + s2); cos r = 1 - z/2 + z^2 (...).
    Value sinPoly = fma(fma(c(-1.9515295891e-4), z, c(8.3321608736e-3)), z,
                        c(-1.6666654611e-1));
    Value sinR = fma(mul(r, z), sinPoly, r);
    Value cosPoly = fma(fma(c(2.443315711809948e-5), z,
                            c(-1.388731625493765e-3)),
                        z, c(4.166664568298827e-2));
    Value cosR = fma(mul(z, z), cosPoly, fma(z, c(-0.5), c(1.0)));
    // The quadrant k mod 4 = k - 4 floor(k / 4), exact in floats.
    Value quadrant = arith::SubFOp::create(
        rewriter, loc, k,
        mul(c(4.0), math::FloorOp::create(rewriter, loc, mul(k, c(0.25)))));
    Value odd = arith::OrIOp::create(rewriter, loc, eq(quadrant, 1.0),
                                     eq(quadrant, 3.0));
    // sin x: sin r, cos r, -sin r, -cos r; cos x: cos r, -sin r, -cos r,
    // sin r for quadrants 0 .. 3.
    Value picked = isCos ? select(odd, sinR, cosR) : select(odd, cosR, sinR);
    Value negate =
        isCos ? arith::OrIOp::create(rewriter, loc, eq(quadrant, 1.0),
                                     eq(quadrant, 2.0))
                    .getResult()
              : arith::CmpFOp::create(rewriter, loc, arith::CmpFPredicate::OGE,
                                      quadrant, c(2.0))
                    .getResult();
    rewriter.replaceOp(
        op, select(negate, arith::NegFOp::create(rewriter, loc, picked),
                   picked));
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
  // f32: tanh(9) and erf(4) round to exactly 1.
  patterns.add<SaturateBeforeApproximation<math::TanhOp>>(
      patterns.getContext(), 9.0);
  patterns.add<SaturateBeforeApproximation<math::ErfOp>>(
      patterns.getContext(), 4.0);
}
