//===- RaiseNorms.cpp - LayerNorm and RMSNorm spelled out to seq ops -----===//
//
// Exports below opset 17 spell nn.LayerNorm as ReduceMean, Sub, Pow,
// ReduceMean, Add, Sqrt, Div, Mul, Add, and every export of an RMSNorm
// (LLaMA's, T5's; ONNX has no such op before opset 23) as Pow, ReduceMean,
// Add, Sqrt, Div, Mul: six to nine passes over memory that
// seq.layer_norm / seq.rms_norm do in one. The front ends build each of
// those ops as one linalg.generic (a mean as a sum divided by N and an
// expand_shape that keeps the axis; a reduction of x * (1/N) is read too,
// as MLIR input may write it); this pass reads them back. See Passes.td.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/Transforms/Passes.h"
#include "dialects/Seq/Transforms/RaisingMatchers.h"

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include "llvm/Support/Debug.h"

#include <cmath>

#define DEBUG_TYPE "seq-raise-norms"

namespace seqc::seq {
#define GEN_PASS_DEF_RAISENORMSPASS
#include "dialects/Seq/Transforms/Passes.h.inc"
} // namespace seqc::seq

using namespace mlir;
using namespace seqc::seq;

namespace {

/// One binary op of type Op in an elementwise generic, on two leaves.
struct Binary {
  BodyLeaf lhs, rhs;
  RankedTensorType type; // the generic's result
};

template <typename Op> std::optional<Binary> matchBinary(Value v) {
  std::optional<Elementwise> e = matchElementwise(v);
  auto op = e ? e->yielded.getDefiningOp<Op>() : Op();
  if (!op || op->getBlock() != e->op.getBody())
    return std::nullopt;
  std::optional<BodyLeaf> lhs = readLeaf(e->op, op->getOperand(0));
  std::optional<BodyLeaf> rhs = readLeaf(e->op, op->getOperand(1));
  if (!lhs || !rhs)
    return std::nullopt;
  return Binary{*lhs, *rhs, cast<RankedTensorType>(v.getType())};
}

/// Whether `leaf` reads a whole tensor of `type` element by element.
bool isFull(const BodyLeaf &leaf, RankedTensorType type) {
  return leaf.tensor && leaf.map.isIdentity() && leaf.tensor.getType() == type;
}

/// Whether `leaf` reads a [..., 1] tensor, one value per row of `type`
/// broadcast along its last dimension.
bool isPerRow(const BodyLeaf &leaf, RankedTensorType type) {
  auto t = leaf.tensor ? dyn_cast<RankedTensorType>(leaf.tensor.getType())
                       : RankedTensorType();
  return t && t.getRank() == type.getRank() && t.getRank() >= 1 &&
         t.getShape().back() == 1 && type.getShape().back() != 1 &&
         isRightAlignedBroadcast(leaf.map, t);
}

/// Whether `leaf` reads an [N] tensor (N the last extent of `type`) along
/// the last dimension: a LayerNorm's weight or bias.
bool isPerFeature(const BodyLeaf &leaf, RankedTensorType type) {
  auto t = leaf.tensor ? dyn_cast<RankedTensorType>(leaf.tensor.getType())
                       : RankedTensorType();
  return t && t.getRank() == 1 && t.getDimSize(0) == type.getShape().back() &&
         isRightAlignedBroadcast(leaf.map, t);
}

/// (d0, ..., d{rank-1}) -> (d0, ..., d{rank-2}): what a reduction over the
/// last of `rank` loops writes.
AffineMap keptDims(int64_t rank, MLIRContext *ctx) {
  SmallVector<AffineExpr> dims;
  for (int64_t d = 0; d + 1 < rank; ++d)
    dims.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(rank, 0, dims, ctx);
}

/// x when `v` is the mean of x over its last dimension, kept as size 1
/// ([..., 1], x static along it), as the front ends build it: a reduction
/// summing x and then an elementwise division by N (ONNX ReduceMean, the
/// .seq front end's `mean`), or summing x * (1/N) from 0, and an
/// expand_shape adding the unit dimension back.
Value readLastAxisMean(Value v) {
  auto expand = v.getDefiningOp<tensor::ExpandShapeOp>();
  if (!expand)
    return nullptr;
  RankedTensorType result = expand.getResultType();
  int64_t rank = result.getRank();
  if (rank < 2 || result.getShape().back() != 1 ||
      expand.getSrcType().getRank() != rank - 1)
    return nullptr;
  // The unit dimension is added after the last one: groups {0}, ...,
  // {rank - 2, rank - 1}.
  SmallVector<ReassociationIndices> groups = expand.getReassociationIndices();
  for (auto [g, group] : llvm::enumerate(groups)) {
    bool last = g + 1 == groups.size();
    ReassociationIndices want = {static_cast<int64_t>(g)};
    if (last)
      want.push_back(static_cast<int64_t>(g) + 1);
    if (group != want)
      return nullptr;
  }
  Value sum = expand.getSrc();
  std::optional<double> divisor;
  if (std::optional<Elementwise> e = matchElementwise(sum)) {
    auto div = e->yielded.getDefiningOp<arith::DivFOp>();
    std::optional<BodyLeaf> in = div && div->getBlock() == e->op.getBody()
                                     ? readLeaf(e->op, div.getLhs())
                                     : std::nullopt;
    if (!in || !in->tensor || !in->map.isIdentity() ||
        in->tensor.getType() != sum.getType())
      return nullptr;
    divisor = splatValue(div.getRhs());
    if (!divisor)
      return nullptr;
    sum = in->tensor;
  }
  auto reduction = sum.getDefiningOp<linalg::GenericOp>();
  if (!reduction || reduction.getNumDpsInputs() != 1 ||
      reduction.getNumDpsInits() != 1 || reduction.getNumLoops() != rank ||
      reduction.getNumReductionLoops() != 1 ||
      reduction.getIteratorTypesArray().back() !=
          utils::IteratorType::reduction)
    return nullptr;
  OpOperand *in = reduction.getDpsInputOperand(0);
  OpOperand *init = reduction.getDpsInitOperand(0);
  auto xType = dyn_cast<RankedTensorType>(in->get().getType());
  if (!xType || xType.getRank() != rank || xType.isDynamicDim(rank - 1) ||
      !reduction.getMatchingIndexingMap(in).isIdentity() ||
      reduction.getMatchingIndexingMap(init) !=
          keptDims(rank, v.getContext()) ||
      splatValue(init->get()) != 0.0)
    return nullptr;
  // out + in * (1 / N), or out + in then / N; either operand order.
  Block *body = reduction.getBody();
  auto add =
      body->getTerminator()->getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add || add->getBlock() != body)
    return nullptr;
  Value acc = body->getArgument(1), element = body->getArgument(0);
  if (add.getLhs() != acc && add.getRhs() != acc)
    return nullptr;
  Value term = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  double n = static_cast<double>(xType.getShape().back());
  if (divisor)
    return term == element && *divisor == n ? in->get() : nullptr;
  auto mul = term.getDefiningOp<arith::MulFOp>();
  if (!mul || mul->getBlock() != body ||
      (mul.getLhs() != element && mul.getRhs() != element))
    return nullptr;
  std::optional<double> c =
      splatValue(mul.getLhs() == element ? mul.getRhs() : mul.getLhs());
  if (!c || !(std::fabs(*c * n - 1.0) <= 1e-6)) // NaN is no 1/N
    return nullptr;
  return in->get();
}

/// t when `v` is t * t or pow(t, 2) elementwise.
Value squareOperand(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (auto pow = matchBinary<math::PowFOp>(v))
    return isFull(pow->lhs, type) && pow->rhs.scalar == 2.0 ? pow->lhs.tensor
                                                            : nullptr;
  if (auto mul = matchBinary<arith::MulFOp>(v))
    return isFull(mul->lhs, type) && isFull(mul->rhs, type) &&
                   mul->lhs.tensor == mul->rhs.tensor
               ? mul->lhs.tensor
               : nullptr;
  return nullptr;
}

/// (variance, epsilon) when `v` is variance + epsilon, epsilon a positive
/// finite scalar.
std::optional<std::pair<Value, double>> readPlusEpsilon(Value v) {
  auto add = matchBinary<arith::AddFOp>(v);
  if (!add)
    return std::nullopt;
  for (auto [t, c] : {std::pair(add->lhs, add->rhs), {add->rhs, add->lhs}})
    if (isFull(t, add->type) && !t.scalar && c.scalar && *c.scalar > 0 &&
        std::isfinite(*c.scalar))
      return std::make_pair(t.tensor, *c.scalar);
  return std::nullopt;
}

/// What a normalization's core `d * (1 / sqrt(variance + epsilon))`
/// consists of.
struct Core {
  Value centered, variance; // [..., N] and [..., 1]
  double epsilon;
};

/// t when `v` is t * 1.0 elementwise (torch exports `1.0 / t` as a
/// reciprocal times 1.0), else `v`.
Value skipTimesOne(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  if (auto mul = matchBinary<arith::MulFOp>(v))
    for (auto [a, b] : {std::pair(mul->lhs, mul->rhs), {mul->rhs, mul->lhs}})
      if (isFull(a, type) && b.scalar == 1.0)
        return a.tensor;
  return v;
}

/// The core when `v` is d / sqrt(w) or d * r with r = rsqrt(w),
/// 1 / sqrt(w) (also times 1.0) or pow(w, -0.5); w = variance + epsilon.
std::optional<Core> readCore(Value v) {
  auto type = cast<RankedTensorType>(v.getType());
  Value d, sq, invSq;
  if (auto div = matchBinary<arith::DivFOp>(v)) {
    if (isFull(div->lhs, type) && isPerRow(div->rhs, type)) {
      d = div->lhs.tensor;
      sq = div->rhs.tensor;
    }
  } else if (auto mul = matchBinary<arith::MulFOp>(v)) {
    for (auto [a, b] : {std::pair(mul->lhs, mul->rhs), {mul->rhs, mul->lhs}})
      if (isFull(a, type) && isPerRow(b, type)) {
        d = a.tensor;
        invSq = b.tensor;
      }
  }
  if (invSq) {
    invSq = skipTimesOne(invSq);
    auto rowType = cast<RankedTensorType>(invSq.getType());
    Value w = unaryOperand<math::RsqrtOp>(invSq);
    if (auto pow = matchBinary<math::PowFOp>(invSq))
      if (isFull(pow->lhs, rowType) && pow->rhs.scalar == -0.5)
        w = pow->lhs.tensor;
    if (w) {
      std::optional<std::pair<Value, double>> plus = readPlusEpsilon(w);
      if (!plus)
        return std::nullopt;
      return Core{d, plus->first, plus->second};
    }
    // 1 / sqrt(w)
    auto recip = matchBinary<arith::DivFOp>(invSq);
    if (!recip || recip->lhs.scalar != 1.0 || !isFull(recip->rhs, rowType))
      return std::nullopt;
    sq = recip->rhs.tensor;
  }
  if (!d || !sq)
    return std::nullopt;
  Value w = unaryOperand<math::SqrtOp>(sq);
  std::optional<std::pair<Value, double>> plus =
      w ? readPlusEpsilon(w) : std::nullopt;
  if (!plus)
    return std::nullopt;
  return Core{d, plus->first, plus->second};
}

/// A normalization over the last dimension of `x`, read back.
struct Norm {
  bool rms;
  Value x, scale, bias;
  double epsilon;
};

/// x when `d` is x - mean(x), the mean over x's last dimension.
Value centeredOperand(Value d) {
  auto type = cast<RankedTensorType>(d.getType());
  auto sub = matchBinary<arith::SubFOp>(d);
  if (sub && isFull(sub->lhs, type) && isPerRow(sub->rhs, type) &&
      readLastAxisMean(sub->rhs.tensor) == sub->lhs.tensor)
    return sub->lhs.tensor;
  return nullptr;
}

/// The LayerNorm or RMSNorm whose core (of result type `type`) is `core`,
/// without weight or bias.
std::optional<Norm> readNormOfCore(const Core &core, RankedTensorType type) {
  Value squared = readLastAxisMean(core.variance);
  Value base = squared ? squareOperand(squared) : nullptr;
  if (!base)
    return std::nullopt;
  // LayerNorm: d = x - mean(x), the variance the mean of d^2 (of that d,
  // or of x - mean(x) computed again: x.var(unbiased=False) exports its
  // own).
  Value x = centeredOperand(core.centered);
  if (x && (base == core.centered || centeredOperand(base) == x))
    return Norm{false, x, nullptr, nullptr, core.epsilon};
  // RMSNorm: d = x.
  if (base == core.centered && core.centered.getType() == type)
    return Norm{true, core.centered, nullptr, nullptr, core.epsilon};
  return std::nullopt;
}

/// The LayerNorm or RMSNorm core `v` computes, without weight or bias.
std::optional<Norm> readNormCore(Value v) {
  std::optional<Core> core = readCore(v);
  return core ? readNormOfCore(*core, cast<RankedTensorType>(v.getType()))
              : std::nullopt;
}

/// The norm `v` computes when its weight multiplies before the
/// normalization: (w * d) * r or (w * d) / s (`weight * x * rsqrt(...)`
/// in PyTorch, which evaluates left to right), with `scale` set to w.
std::optional<Norm> readWeightFirstNorm(Value v, Value &scale) {
  std::optional<Core> core = readCore(v);
  auto mul = core ? matchBinary<arith::MulFOp>(core->centered) : std::nullopt;
  if (!mul)
    return std::nullopt;
  for (auto [a, b] : {std::pair(mul->lhs, mul->rhs), {mul->rhs, mul->lhs}}) {
    if (!isFull(a, mul->type) || !isPerFeature(b, mul->type))
      continue;
    Core unweighted = *core;
    unweighted.centered = a.tensor;
    if (std::optional<Norm> norm =
            readNormOfCore(unweighted, cast<RankedTensorType>(v.getType()))) {
      scale = b.tensor;
      return norm;
    }
  }
  return std::nullopt;
}

/// The normalization `v` computes: a core, times an [N] weight, plus an
/// [N] bias (LayerNorm only), each optional.
std::optional<Norm> readNorm(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || !type.getElementType().isF32() || type.getRank() < 1)
    return std::nullopt;
  Value bias;
  Value scaled = v;
  if (auto add = matchBinary<arith::AddFOp>(v)) {
    for (auto [a, b] : {std::pair(add->lhs, add->rhs), {add->rhs, add->lhs}})
      if (isFull(a, type) && isPerFeature(b, type)) {
        scaled = a.tensor;
        bias = b.tensor;
      }
    if (!bias)
      return std::nullopt;
  }
  // core * w, either order.
  Value scale;
  std::optional<Norm> norm;
  if (auto mul = matchBinary<arith::MulFOp>(scaled)) {
    for (auto [a, b] : {std::pair(mul->lhs, mul->rhs), {mul->rhs, mul->lhs}})
      if (!norm && isFull(a, type) && isPerFeature(b, type) &&
          (norm = readNormCore(a.tensor)))
        scale = b.tensor;
  }
  if (!norm)
    norm = readNormCore(scaled);
  if (!norm)
    norm = readWeightFirstNorm(scaled, scale);
  if (!norm || norm->x.getType() != type || (norm->rms && bias) ||
      (bias && !scale))
    return std::nullopt;
  norm->scale = scale;
  norm->bias = bias;
  return norm;
}

/// Rooted at the outermost op of the normalization: a match that its one
/// user extends (the core before its weight, say) waits for that user.
struct RaiseNorm : OpRewritePattern<linalg::GenericOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(linalg::GenericOp op,
                                PatternRewriter &rewriter) const override {
    if (op->getNumResults() != 1)
      return failure();
    Value out = op->getResult(0);
    std::optional<Norm> norm = readNorm(out);
    if (!norm)
      return failure();
    if (out.hasOneUse())
      if (auto user = dyn_cast<linalg::GenericOp>(*out.user_begin());
          user && user->getNumResults() == 1 && readNorm(user->getResult(0)))
        return failure();
    LLVM_DEBUG(llvm::dbgs()
               << "[" DEBUG_TYPE "] " << op.getLoc() << ": "
               << (norm->rms ? "rms_norm" : "layer_norm") << " with epsilon "
               << norm->epsilon << (norm->scale ? ", a weight" : "")
               << (norm->bias ? ", a bias" : "") << "\n");
    FloatAttr epsilon =
        rewriter.getF32FloatAttr(static_cast<float>(norm->epsilon));
    IntegerAttr axis = rewriter.getI64IntegerAttr(-1);
    if (norm->rms)
      rewriter.replaceOpWithNewOp<RmsNormOp>(op, out.getType(), norm->x,
                                             norm->scale, epsilon, axis);
    else
      rewriter.replaceOpWithNewOp<LayerNormOp>(
          op, out.getType(), norm->x, norm->scale, norm->bias, epsilon, axis);
    return success();
  }
};

struct RaiseNormsPass : seqc::seq::impl::RaiseNormsPassBase<RaiseNormsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<RaiseNorm>(&getContext());
    applyRaising(getOperation(), std::move(patterns));
  }
};

} // namespace
