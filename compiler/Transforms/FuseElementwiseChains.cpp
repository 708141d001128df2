//===- FuseElementwiseChains.cpp - one loop nest per elementwise chain ---===//
//
// Fewer loops to compile and fewer passes over memory: see the pass
// description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "seqc-fuse-elementwise-chains"

namespace seqc {
#define GEN_PASS_DEF_FUSEELEMENTWISECHAINSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// The most ops a fused body holds: a longer chain becomes several loop
/// nests of this size.
constexpr size_t kMaxFusedBodyOps = 2048;

bool isAllParallel(linalg::GenericOp op) {
  return op.getNumLoops() == op.getNumParallelLoops();
}

/// Whether `op` reads the result of a contraction (a linalg op with a
/// reduction loop): such an op is its epilogue (a recurrence step's
/// `xw + h R`), which seqc-lower-packed-contractions folds into the
/// contraction's accumulators (AccumulatorStart) only while it is an op of
/// its own.
bool readsContraction(linalg::GenericOp op) {
  return llvm::any_of(op.getDpsInputs(), [](Value v) {
    auto producer = v.getDefiningOp<linalg::LinalgOp>();
    return producer && producer.getNumReductionLoops() > 0;
  });
}

/// Whether the producer of `operand` (an input of `consumer`) folds into
/// it without computing anything twice or changing what other passes see:
/// both are elementwise (every loop parallel) and in one block (a producer
/// moved into a loop would run every iteration; into a branch, its checks
/// might not run), the producer's one result has no other use and is not
/// a contraction's epilogue, and the consumer reads it element for element
/// (a permutation, no broadcast that would repeat the producer's work).
bool isFusibleChainLink(OpOperand *operand) {
  auto consumer = dyn_cast<linalg::GenericOp>(operand->getOwner());
  auto producer = operand->get().getDefiningOp<linalg::GenericOp>();
  if (!consumer || !producer || !consumer.isDpsInput(operand))
    return false;
  if (!isAllParallel(consumer) || !isAllParallel(producer) ||
      producer->getBlock() != consumer->getBlock() ||
      producer->getNumResults() != 1 || !producer->hasOneUse() ||
      readsContraction(producer))
    return false;
  if (!consumer.getMatchingIndexingMap(operand).isPermutation())
    return false;
  // (Each fusion copies both bodies: a chain of n links fused into one
  // would copy O(n^2) ops, minutes for 20,000 ReLUs.)
  if (producer.getBody()->getOperations().size() +
          consumer.getBody()->getOperations().size() >
      kMaxFusedBodyOps)
    return false;
  return linalg::areElementwiseOpsFusable(operand);
}

/// Folds one fusible producer into a generic (linalg's elementwise fusion,
/// under isFusibleChainLink instead of its own patterns, which would also
/// replace unread outs operands, in-place state updates among them).
struct FuseChainLink : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(linalg::GenericOp consumer,
                                PatternRewriter &rewriter) const override {
    for (OpOperand *operand : consumer.getDpsInputOperands()) {
      if (!isFusibleChainLink(operand))
        continue;
      FailureOr<linalg::ElementwiseOpFusionResult> fused =
          linalg::fuseElementwiseOps(rewriter, operand);
      if (failed(fused))
        continue;
      // The producer's only use was the consumer: it is left dead (a
      // producer that reads its own outs keeps its result in the fused op,
      // unused). Its and the consumer's results take their replacements.
      for (auto [original, replacement] : fused->replacements)
        rewriter.replaceAllUsesWith(original, replacement);
      rewriter.eraseOp(consumer);
      return success();
    }
    return failure();
  }
};

struct FuseElementwiseChainsPass
    : seqc::impl::FuseElementwiseChainsPassBase<FuseElementwiseChainsPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<FuseChainLink>(&getContext());
    // Fusion only: no folding of other ops, no region simplification.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    config.setRegionSimplificationLevel(GreedySimplifyRegionLevel::Disabled);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config))) {
      getOperation()->emitError(
          "seqc-fuse-elementwise-chains did not converge");
      return signalPassFailure();
    }
  }
};

} // namespace
