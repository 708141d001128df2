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

/// math.fma -> mulf + addf marked `contract`: LLVM fuses them where the CPU
/// has FMA and keeps two instructions where it has not, instead of calling
/// libm's (software) fmaf on the portable x86-64 baseline.
struct FmaToContractedMulAdd : OpRewritePattern<math::FmaOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(math::FmaOp op,
                                PatternRewriter &rewriter) const override {
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
  // f32: tanh(9) and erf(4) round to exactly 1.
  patterns.add<SaturateBeforeApproximation<math::TanhOp>>(
      patterns.getContext(), 9.0);
  patterns.add<SaturateBeforeApproximation<math::ErfOp>>(
      patterns.getContext(), 4.0);
}
