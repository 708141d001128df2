//===- UntieEmptyTensors.cpp - one tensor.empty per use ------------------===//
//
// Linear bufferization time: see the pass description in Passes.td.
//
//===----------------------------------------------------------------------===//

#include "compiler/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#define DEBUG_TYPE "seqc-untie-empty-tensors"

namespace seqc {
#define GEN_PASS_DEF_UNTIEEMPTYTENSORSPASS
#include "compiler/Transforms/Passes.h.inc"
} // namespace seqc

using namespace mlir;

namespace {

struct UntieEmptyTensorsPass
    : seqc::impl::UntieEmptyTensorsPassBase<UntieEmptyTensorsPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<tensor::EmptyOp> shared;
    getOperation()->walk([&](tensor::EmptyOp op) {
      if (!op->hasOneUse() && !op->use_empty())
        shared.push_back(op);
    });
    OpBuilder b(&getContext());
    for (tensor::EmptyOp op : shared) {
      // Every use but one gets a copy placed right after the original (its
      // sizes are defined there), so it dominates the use as the original
      // does. A use list runs from the newest use to the oldest: the
      // original stays with the oldest, usually the first in the block.
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : op->getUses())
        uses.push_back(&use);
      b.setInsertionPointAfter(op);
      for (OpOperand *use : llvm::reverse(llvm::drop_end(uses)))
        use->set(b.clone(*op)->getResult(0));
    }
  }
};

} // namespace
