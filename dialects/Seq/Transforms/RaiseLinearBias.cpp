//===- RaiseLinearBias.cpp - a broadcast bias add into seq.linear --------===//
//
// `x @ W + b` exports as MatMul then Add; the ONNX importer makes the
// MatMul a seq.linear without bias, and the Add is a broadcast
// elementwise generic: one more pass over the output. seq.linear's bias is
// added in the GEMM's epilogue instead. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/RaisingMatchers.h"
#include "dialects/Seq/Transforms/Passes.h"

#include "dialects/Seq/IR/SeqOps.h"

#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#define DEBUG_TYPE "seq-raise-linear-bias"

namespace seqc::seq {
#define GEN_PASS_DEF_RAISELINEARBIASPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

/// Whether `linear` is read by `add` and otherwise only for its sizes (the
/// front ends' tensor.dim, e.g. for the add's result).
bool onlySizesReadElsewhere(LinearOp linear, Operation *add) {
  return llvm::all_of(linear->getUsers(), [&](Operation *user) {
    return user == add || isa<tensor::DimOp>(user);
  });
}

/// Replaces each tensor.dim of `linear` by the size it has from its input
/// ([..., I] -> [..., O]) and weight ([O, I]).
void forgetSizeUses(PatternRewriter &rewriter, LinearOp linear) {
  int64_t rank = linear.getType().getRank();
  for (Operation *user : llvm::make_early_inc_range(linear->getUsers())) {
    auto dim = dyn_cast<tensor::DimOp>(user);
    std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
    if (!index || *index < 0 || *index >= rank)
      continue;
    rewriter.setInsertionPoint(dim);
    OpFoldResult size =
        *index == rank - 1
            ? getDimSize(rewriter, dim.getLoc(), linear.getWeight(), 0)
            : getDimSize(rewriter, dim.getLoc(), linear.getInput(), *index);
    rewriter.replaceOp(dim, getValueOrCreateConstantIndexOp(
                                rewriter, dim.getLoc(), size));
  }
}

/// add(linear(x, W), b) or add(b, linear(x, W)), the linear without a bias
/// and read by nothing else but for its sizes, b a 1-D [O] tensor broadcast
/// along the last dimension -> linear(x, W) bias(b).
struct RaiseLinearBias : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1)
      return failure();
    Value out = op->getResult(0);
    std::optional<Elementwise> e = matchElementwise(out);
    auto add = e ? e->yielded.getDefiningOp<arith::AddFOp>() : nullptr;
    if (!add)
      return failure();
    for (int i = 0; i < 2; ++i) {
      std::optional<BodyLeaf> y = readLeaf(e->op, add->getOperand(i));
      std::optional<BodyLeaf> b = readLeaf(e->op, add->getOperand(1 - i));
      if (!y || !b || !y->tensor || !b->tensor || y->scalar ||
          !y->map.isIdentity() || y->tensor.getType() != out.getType())
        continue;
      auto linear = y->tensor.getDefiningOp<LinearOp>();
      auto biasType = dyn_cast<RankedTensorType>(b->tensor.getType());
      if (!linear || linear.getBias() || !onlySizesReadElsewhere(linear, op) ||
          !biasType ||
          biasType.getRank() != 1 ||
          biasType.getElementType() != linear.getType().getElementType() ||
          !isRightAlignedBroadcast(b->map, biasType))
        continue;
      // The bias has O elements: a size-1 one broadcast by the add is not
      // seq.linear's bias.
      int64_t features =
          cast<RankedTensorType>(linear.getWeight().getType()).getDimSize(0);
      if (biasType.getDimSize(0) != features || ShapedType::isDynamic(features))
        continue;
      rewriter.replaceOpWithNewOp<LinearOp>(op, out.getType(),
                                            linear.getInput(),
                                            linear.getWeight(), b->tensor);
      forgetSizeUses(rewriter, linear);
      return success();
    }
    return failure();
  }
};

struct RaiseLinearBiasPass
    : seqc::seq::impl::RaiseLinearBiasPassBase<RaiseLinearBiasPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseLinearBias>(&getContext());
    applyRaising(getOperation(), std::move(patterns));
  }
};

} // namespace
