//===- ReturnInPlaceStates.cpp - return in-place states uncopied ---------===//
//
// See the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"
#include "dialects/Seq/Transforms/StepFunction.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"

#define DEBUG_TYPE "seqc-return-in-place-states"

namespace seqc {
#define GEN_PASS_DEF_RETURNINPLACESTATESPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

struct ReturnInPlaceStatesPass
    : seqc::impl::ReturnInPlaceStatesPassBase<ReturnInPlaceStatesPass> {
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<bufferization::CloneOp> clones;
    func.walk([&](bufferization::CloneOp clone) {
      auto arg = dyn_cast<BlockArgument>(clone.getInput());
      if (!arg || arg.getOwner() != &func.getBody().front() ||
          !func.getArgAttr(arg.getArgNumber(), seqc::seq::kInPlaceAttr))
        return;
      if (llvm::all_of(clone->getUsers(), [](Operation *user) {
            return isa<func::ReturnOp, memref::ExtractAlignedPointerAsIndexOp>(
                user);
          }))
        clones.push_back(clone);
    });
    for (bufferization::CloneOp clone : clones) {
      clone.getOutput().replaceAllUsesWith(clone.getInput());
      clone.erase();
    }
  }
};

} // namespace
