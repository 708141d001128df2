//===- ApproximateMath.cpp - inline polynomials for f32 math ------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace seqc {
#define GEN_PASS_DEF_APPROXIMATEMATHPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

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
}
