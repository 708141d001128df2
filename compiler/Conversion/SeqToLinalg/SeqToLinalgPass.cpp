//===- SeqToLinalgPass.cpp - convert-seq-to-linalg ----------------------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace seqc {
#define GEN_PASS_DEF_CONVERTSEQTOLINALGPASS
#include "compiler/Conversion/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc;

linalg::GenericOp seqc::createElementwiseGeneric(
    OpBuilder &b, Location loc, ValueRange inputs, Value init,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = cast<RankedTensorType>(init.getType()).getRank();
  SmallVector<AffineMap> maps(inputs.size() + 1,
                              b.getMultiDimIdentityMap(rank));
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  return linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, maps,
      iterators, [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value result = body(nb, nl, args.drop_back());
        linalg::YieldOp::create(nb, nl, result);
      });
}

void seqc::populateSeqToLinalgPatterns(RewritePatternSet &patterns) {
  populateLinearToLinalgPatterns(patterns);
  populateNormToLinalgPatterns(patterns);
  populateElementwiseToLinalgPatterns(patterns);
  populateConv1dToLinalgPatterns(patterns);
  populateAttentionToLinalgPatterns(patterns);
}

namespace {
struct ConvertSeqToLinalgPass
    : seqc::impl::ConvertSeqToLinalgPassBase<ConvertSeqToLinalgPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSeqToLinalgPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};
} // namespace
