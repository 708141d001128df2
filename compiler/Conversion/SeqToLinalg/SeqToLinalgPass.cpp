//===- SeqToLinalgPass.cpp - convert-seq-to-linalg ----------------------===//

#include "compiler/Conversion/Passes.h"
#include "compiler/Conversion/SeqToLinalg/Patterns.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "convert-seq-to-linalg"

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

void seqc::populateSeqToLinalgPatterns(RewritePatternSet &patterns,
                                       int64_t attentionTile) {
  populateLinearToLinalgPatterns(patterns);
  populateNormToLinalgPatterns(patterns);
  populateElementwiseToLinalgPatterns(patterns);
  populateConv1dToLinalgPatterns(patterns);
  populateAttentionToLinalgPatterns(patterns, attentionTile);
  populateMemoryToLinalgPatterns(patterns);
}

namespace {

/// Why an op the patterns should have lowered is still there: the
/// preconditions the patterns check, in the user's terms.
std::string whyNotLowered(Operation *op) {
  if (auto att = dyn_cast<seq::AttentionOp>(op)) {
    auto q = cast<RankedTensorType>(att.getQuery().getType());
    auto k = cast<RankedTensorType>(att.getKey().getType());
    if (q.isDynamicDim(1) || k.isDynamicDim(1))
      return "query and key/value head counts must be static";
  }
  if (auto conv = dyn_cast<seq::Conv1dOp>(op)) {
    auto input = cast<RankedTensorType>(conv.getInput().getType());
    auto weight = cast<RankedTensorType>(conv.getWeight().getType());
    if (conv.getGroups() > 1 &&
        (input.isDynamicDim(1) || weight.isDynamicDim(0)))
      return "a grouped convolution needs static channel counts";
    if (conv.getCausal() && weight.isDynamicDim(2))
      return "a causal convolution needs a static kernel size";
  }
  if (isa<seq::RecurrenceOpInterface>(op))
    return "recurrences are lowered by seq-decompose-recurrences, which "
           "must run first";
  return "no lowering applies to this form of the op";
}

struct ConvertSeqToLinalgPass
    : seqc::impl::ConvertSeqToLinalgPassBase<ConvertSeqToLinalgPass> {
  using Base::Base;
  void getDependentDialects(DialectRegistry &registry) const override {
    Base::getDependentDialects(registry);
    registerAttentionDecomposition(registry);
  }
  void runOnOperation() override {
    if (attentionTile < 0) {
      getOperation()->emitError()
          << "convert-seq-to-linalg: attention-tile must be >= 0";
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    populateSeqToLinalgPatterns(patterns, attentionTile);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
    // seq.scan is lowered by its own pass and seq.check at the LLVM level;
    // anything else left is an error the user can act on, rather than a
    // bufferization failure later.
    bool failedAny = false;
    getOperation()->walk([&](Operation *op) {
      if (!isa<seq::SeqDialect>(op->getDialect()) ||
          isa<seq::ScanOp, seq::YieldOp, seq::CheckOp>(op))
        return;
      op->emitError() << "cannot compile '" << op->getName()
                      << "': " << whyNotLowered(op);
      failedAny = true;
    });
    if (failedAny)
      signalPassFailure();
  }
};
} // namespace
