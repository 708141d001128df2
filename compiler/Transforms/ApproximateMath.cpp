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
}
