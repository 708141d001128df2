//===- RaisePositions.cpp - torch.arange(T) into seq.positions ----------===//
//
// `torch.arange(x.size(d))` numbers the steps of a time axis; as
// seq.positions it names that axis, which is what lets a stream continue
// the numbering across chunks instead of restarting it. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/Passes.h"
#include "dialects/Seq/Transforms/RaisingMatchers.h"

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#define DEBUG_TYPE "seq-raise-positions"

namespace seqc::seq {
#define GEN_PASS_DEF_RAISEPOSITIONSPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

/// The start `s` of a body value `v` that is `s + index * 1` (in any of the
/// importer's spellings: index, s + index, s + index * 1, index * 1 + s)
/// with `s` a zero or defined outside `generic`; a null Value for a start
/// of 0.
/// None for anything else.
std::optional<Value> readStart(linalg::GenericOp generic, Value v) {
  auto isIndex = [&](Value x) {
    if (auto mul = x.getDefiningOp<arith::MulIOp>()) {
      if (matchPattern(mul.getRhs(), m_One()))
        x = mul.getLhs();
      else if (matchPattern(mul.getLhs(), m_One()))
        x = mul.getRhs();
    }
    auto index = x.getDefiningOp<linalg::IndexOp>();
    return index && index.getDim() == 0;
  };
  if (isIndex(v))
    return Value();
  auto add = v.getDefiningOp<arith::AddIOp>();
  if (!add)
    return std::nullopt;
  for (auto [a, b] : {std::pair(add.getLhs(), add.getRhs()),
                      std::pair(add.getRhs(), add.getLhs())}) {
    if (!isIndex(b))
      continue;
    if (matchPattern(a, m_Zero()))
      return Value();
    if (generic->isAncestor(a.getParentRegion()->getParentOp()))
      continue;
    return a;
  }
  return std::nullopt;
}

/// linalg.generic outs(tensor.empty(dim(x, d)) : tensor<?xi64>) yielding
/// index_cast(s + linalg.index 0) -> seq.positions %x dim(d) offset(s).
struct RaiseArange : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp generic,
                                PatternRewriter &rewriter) const override {
    if (generic.getNumDpsInputs() != 0 || generic.getNumDpsInits() != 1 ||
        generic.getNumLoops() != 1 || generic->getNumResults() != 1)
      return failure();
    auto type = dyn_cast<RankedTensorType>(generic->getResult(0).getType());
    if (!type || !type.getElementType().isInteger(64) || type.getRank() != 1)
      return failure();
    auto yield = cast<linalg::YieldOp>(generic.getBody()->getTerminator());
    auto toI64 = yield.getValues()[0].getDefiningOp<arith::IndexCastOp>();
    if (!toI64 || !toI64.getIn().getType().isIndex())
      return failure();
    std::optional<Value> start = readStart(generic, toI64.getIn());
    if (!start)
      return failure();
    // The length: a tensor's dimension, not a constant.
    auto size =
        dyn_cast_if_present<Value>(getDecidedSize(generic.getDpsInits()[0], 0));
    auto dim = size ? size.getDefiningOp<tensor::DimOp>() : tensor::DimOp();
    std::optional<int64_t> index = dim ? dim.getConstantIndex() : std::nullopt;
    if (!index)
      return failure();
    Value like = dim.getSource();
    if (!isa<RankedTensorType>(like.getType()))
      return failure();
    auto likeType = cast<RankedTensorType>(like.getType());
    // A value defined after the generic (a later tensor of the same
    // length) cannot be read before it.
    if (auto def = like.getDefiningOp();
        def && def->getBlock() == generic->getBlock() &&
        generic->isBeforeInBlock(def))
      return failure();
    rewriter.setInsertionPoint(generic);
    Location loc = generic.getLoc();
    Value offset;
    if (*start)
      offset = arith::IndexCastOp::create(rewriter, loc, rewriter.getI64Type(),
                                          *start);
    auto positionsType = RankedTensorType::get({likeType.getDimSize(*index)},
                                               rewriter.getI64Type());
    Value positions =
        PositionsOp::create(rewriter, loc, positionsType, like,
                            rewriter.getI64IntegerAttr(*index), offset);
    if (positions.getType() != type)
      positions = tensor::CastOp::create(rewriter, loc, type, positions);
    rewriter.replaceOp(generic, positions);
    return success();
  }
};

struct RaisePositionsPass
    : seqc::seq::impl::RaisePositionsPassBase<RaisePositionsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseArange>(&getContext());
    applyRaising(getOperation(), std::move(patterns));
  }
};

} // namespace
