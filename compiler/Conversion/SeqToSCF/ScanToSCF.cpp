//===- ScanToSCF.cpp - seq.scan to scf.for ------------------------------===//

#include "compiler/Conversion/Passes.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#define DEBUG_TYPE "convert-seq-scan-to-scf"

namespace seqc {
#define GEN_PASS_DEF_CONVERTSEQSCANTOSCFPASS
#include "compiler/Conversion/Passes.h.inc"
} // namespace seqc

using namespace mlir;
using namespace seqc;

namespace {

/// Offsets/sizes/strides selecting step `index` of a [T, ...] tensor.
struct StepSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;
};

StepSlice getStepSlice(OpBuilder &b, Location loc, Value sequence,
                       Value index) {
  auto type = cast<RankedTensorType>(sequence.getType());
  StepSlice slice;
  slice.offsets.assign(type.getRank(), b.getIndexAttr(0));
  slice.strides.assign(type.getRank(), b.getIndexAttr(1));
  slice.offsets[0] = index;
  slice.sizes.push_back(b.getIndexAttr(1));
  for (int64_t i = 1; i < type.getRank(); ++i)
    slice.sizes.push_back(
        type.isDynamicDim(i)
            ? OpFoldResult(tensor::DimOp::create(b, loc, sequence, i).getResult())
            : OpFoldResult(b.getIndexAttr(type.getDimSize(i))));
  return slice;
}

struct ScanToFor : OpRewritePattern<seq::ScanOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(seq::ScanOp op,
                                PatternRewriter &rewriter) const override {
    Location loc = op.getLoc();
    Value zero = arith::ConstantIndexOp::create(rewriter, loc, 0);
    Value one = arith::ConstantIndexOp::create(rewriter, loc, 1);
    Value steps = getValueOrCreateConstantIndexOp(
        rewriter, loc,
        tensor::getMixedSize(rewriter, loc, op.getSequences().front(), 0));
    Value last = arith::SubIOp::create(rewriter, loc, steps, one);
    // Every sequence and output destination has the first sequence's
    // number of steps (a longer one would be read or written in part).
    for (Value v : llvm::concat<Value>(op.getSequences().drop_front(),
                                       op.getOuts())) {
      SmallVector<OpFoldResult> expected = {steps};
      auto type = cast<RankedTensorType>(v.getType());
      for (int64_t d = 1; d < type.getRank(); ++d)
        expected.push_back(tensor::getMixedSize(rewriter, loc, v, d));
      seq::createOperandExtentChecks(
          rewriter, op, v,
          llvm::is_contained(op.getOuts(), v) ? "outs" : "sequences", expected,
          "the first sequence's steps make it");
    }

    SmallVector<Value> iterInits(op.getInits());
    llvm::append_range(iterInits, op.getOuts());
    unsigned numCarried = op.getNumCarried();
    Block &body = op.getBodyBlock();

    auto loop = scf::ForOp::create(
        rewriter, loc, zero, steps, one, iterInits,
        [&](OpBuilder &b, Location l, Value iv, ValueRange iterArgs) {
          Value step =
              op.getReverse() ? arith::SubIOp::create(b, l, last, iv).getResult()
                              : iv;
          IRMapping mapping;
          mapping.map(op.getStepIndex(), step);
          for (auto [arg, value] :
               llvm::zip(op.getCarriedArgs(), iterArgs.take_front(numCarried)))
            mapping.map(arg, value);
          for (auto [arg, sequence] :
               llvm::zip(op.getSliceArgs(), op.getSequences())) {
            StepSlice s = getStepSlice(b, l, sequence, step);
            Value slice = tensor::ExtractSliceOp::create(
                b, l, cast<RankedTensorType>(arg.getType()), sequence,
                s.offsets, s.sizes, s.strides);
            mapping.map(arg, slice);
          }
          for (Operation &nested : body.without_terminator())
            b.clone(nested, mapping);

          auto yield = cast<seq::YieldOp>(body.getTerminator());
          SmallVector<Value> next;
          for (Value v : yield.getValues().take_front(numCarried))
            next.push_back(mapping.lookupOrDefault(v));
          for (auto [v, acc] : llvm::zip(yield.getValues().drop_front(numCarried),
                                         iterArgs.drop_front(numCarried))) {
            StepSlice s = getStepSlice(b, l, acc, step);
            next.push_back(tensor::InsertSliceOp::create(
                b, l, mapping.lookupOrDefault(v), acc, s.offsets, s.sizes,
                s.strides));
          }
          scf::YieldOp::create(b, l, next);
        });
    rewriter.replaceOp(op, loop.getResults());
    return success();
  }
};

struct ConvertSeqScanToSCFPass
    : seqc::impl::ConvertSeqScanToSCFPassBase<ConvertSeqScanToSCFPass> {
  using Base::Base;
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    populateSeqScanToSCFPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace

void seqc::populateSeqScanToSCFPatterns(RewritePatternSet &patterns) {
  patterns.add<ScanToFor>(patterns.getContext());
}
