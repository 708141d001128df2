//===- HoistBranchScratch.cpp - branch temporaries before the branch ----===//
//
// Tiled causal attention skips a key tile that is fully masked with an
// scf.if, and the tile's temporaries (scores, row statistics, the
// rescaled accumulator) are allocated inside the branch it takes: one
// allocation of each per key tile, thousands per run, on a path where a
// page fault costs microseconds. Upstream buffer-loop-hoisting moves an
// allocation out of a loop, not out of a branch. Here an allocation of a
// static size that only the branch uses moves before the scf.if; then
// buffer-loop-hoisting takes it out of the tile loops, and
// seqc-outline-parallel-loops gives each thread's share its own.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

#define DEBUG_TYPE "seqc-hoist-branch-scratch"

namespace seqc {
#define GEN_PASS_DEF_HOISTBRANCHSCRATCHPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

/// Whether `alloc` and every view of it are used only inside `branch` and
/// never leave it (yielded as the branch's result or returned), and nothing
/// frees it (freed in the branch, it would leak when the branch is not
/// taken: the pass runs before the deallocation pipeline).
bool usedOnlyInside(memref::AllocOp alloc, scf::IfOp branch) {
  SmallVector<Value> work{alloc.getResult()};
  while (!work.empty()) {
    Value value = work.pop_back_val();
    for (Operation *user : value.getUsers()) {
      if (!branch->isProperAncestor(user) ||
          user->hasTrait<OpTrait::IsTerminator>() ||
          isa<memref::DeallocOp>(user))
        return false;
      if (auto view = dyn_cast<ViewLikeOpInterface>(user))
        if (view.getViewSource() == value)
          llvm::append_range(work, user->getResults());
    }
  }
  return true;
}

struct HoistBranchScratchPass
    : seqc::impl::HoistBranchScratchPassBase<HoistBranchScratchPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<memref::AllocOp> allocs;
    getOperation().walk([&](memref::AllocOp op) { allocs.push_back(op); });
    for (memref::AllocOp alloc : allocs) {
      // Sizes defined in the branch would not exist before it.
      if (!alloc.getDynamicSizes().empty() ||
          !alloc.getSymbolOperands().empty())
        continue;
      // Out of every enclosing branch that is the only one to use it.
      while (auto branch = dyn_cast<scf::IfOp>(alloc->getParentOp())) {
        if (!usedOnlyInside(alloc, branch))
          break;
        alloc->moveBefore(branch);
      }
    }
  }
};

} // namespace
