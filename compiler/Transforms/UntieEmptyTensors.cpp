//===- UntieEmptyTensors.cpp - a tensor.empty per group of uses ----------===//
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

/// Uses one tensor.empty keeps: bufferization may still write a chain of
/// them into one buffer (each op in place on the last), while its analysis
/// of one alias set costs at most kUsesPerEmpty^2 per group, linear overall.
constexpr size_t kUsesPerEmpty = 8;

struct UntieEmptyTensorsPass
    : seqc::impl::UntieEmptyTensorsPassBase<UntieEmptyTensorsPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<tensor::EmptyOp> shared;
    getOperation()->walk([&](tensor::EmptyOp op) {
      if (!op.getResult().hasNUsesOrMore(kUsesPerEmpty + 1))
        return;
      shared.push_back(op);
    });
    OpBuilder b(&getContext());
    for (tensor::EmptyOp op : shared) {
      // A use list runs from the newest use to the oldest: reversed, the
      // uses in order (usually program order in a block). The first
      // kUsesPerEmpty keep the original; each next group of kUsesPerEmpty
      // gets a copy placed right after it (its sizes are defined there), so
      // that the copy dominates its uses as the original does.
      SmallVector<OpOperand *> uses;
      for (OpOperand &use : op->getUses())
        uses.push_back(&use);
      std::reverse(uses.begin(), uses.end());
      b.setInsertionPointAfter(op);
      Value copy;
      for (size_t i = kUsesPerEmpty; i < uses.size(); ++i) {
        if (i % kUsesPerEmpty == 0)
          copy = b.clone(*op)->getResult(0);
        uses[i]->set(copy);
      }
    }
  }
};

} // namespace
