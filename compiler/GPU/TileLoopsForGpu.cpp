//===- TileLoopsForGpu.cpp - one grid of thread blocks per parallel loop -===//

#include "compiler/GPU/Passes.h"

#include "mlir/Dialect/SCF/Transforms/Transforms.h"
#include "mlir/Dialect/SCF/Utils/Utils.h"
#include "mlir/IR/PatternMatch.h"

#include <numeric>

#define DEBUG_TYPE "seqc-tile-loops-for-gpu"

namespace seqc {
#define GEN_PASS_DEF_TILELOOPSFORGPUPASS
#include "compiler/GPU/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// The scf.parallel ops of `func` that no other scf.parallel encloses.
static SmallVector<scf::ParallelOp> outermostParallelLoops(func::FuncOp func) {
  SmallVector<scf::ParallelOp> loops;
  func.walk([&](scf::ParallelOp loop) {
    if (!loop->getParentOfType<scf::ParallelOp>())
      loops.push_back(loop);
  });
  return loops;
}

struct TileLoopsForGpuPass
    : seqc::impl::TileLoopsForGpuPassBase<TileLoopsForGpuPass> {
  using Base::Base;

  void runOnOperation() override {
    if (blockSize < 1) {
      getOperation().emitError() << "block-size must be positive";
      return signalPassFailure();
    }
    // One dimension: the innermost dimension varies fastest in the
    // collapsed index, so a block's threads read consecutive elements.
    IRRewriter rewriter(&getContext());
    for (scf::ParallelOp loop : outermostParallelLoops(getOperation())) {
      if (loop.getNumLoops() == 1 || !loop.getInitVals().empty())
        continue;
      std::vector<unsigned> all(loop.getNumLoops());
      std::iota(all.begin(), all.end(), 0);
      rewriter.setInsertionPoint(loop);
      collapseParallelLoops(rewriter, loop, {all});
    }
    // Collapsing replaced the loops: collect them again.
    for (scf::ParallelOp loop : outermostParallelLoops(getOperation())) {
      if (loop.getNumLoops() != 1 || !loop.getInitVals().empty())
        continue;
      scf::tileParallelLoop(loop, {blockSize}, /*noMinMaxBounds=*/true);
    }
  }
};

} // namespace
