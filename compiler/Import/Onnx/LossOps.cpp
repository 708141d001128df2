//===- LossOps.cpp - ONNX NegativeLogLikelihoodLoss, SoftmaxCrossEntropy
//---===//
//
// The losses torch.onnx.export writes for F.nll_loss and F.cross_entropy
// (opset 12+): a model exported to score sequences (per-token negative log
// likelihood, perplexity) returns them. ONNX's operator definitions, which
// follow PyTorch's: input [N, C] or [N, C, d1, ..., dk], target [N] or
// [N, d1, ..., dk] of class indices in [0, C) or ignore_index, optional
// per-class weight [C]; reduction none (a loss per target), sum, or mean
// (the sum over the summed weights of the targets not ignored).
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

/// A rank-0 f32 tensor: the sum of all elements of `x`.
Value sumAll(GraphImporter &g, Value x) {
  OpBuilder &b = g.builder;
  int64_t rank = tensorType(x).getRank();
  Value init = seq::createEmptyTensor(b, g.loc, {}, b.getF32Type());
  Value zero = arith::ConstantOp::create(b, g.loc, b.getF32FloatAttr(0));
  init = linalg::FillOp::create(b, g.loc, ValueRange{zero}, ValueRange{init})
             .getResult(0);
  return linalg::GenericOp::create(
             b, g.loc, TypeRange{init.getType()}, ValueRange{x},
             ValueRange{init},
             ArrayRef<AffineMap>{
                 AffineMap::getMultiDimIdentityMap(rank, g.context),
                 AffineMap::get(rank, 0, {}, g.context)},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::reduction),
             [](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(
                   nb, l, arith::AddFOp::create(nb, l, a[1], a[0]).getResult());
             })
      .getResult(0);
}

/// The loss of log-probabilities `logp` [N, C, d...] at `target` [N, d...]
/// (inputs 1 and, optionally, 2 of the node: the target and the weight),
/// reduced as the node says; errors name the node.
FailureOr<Value> buildNllLoss(GraphImporter &g, Value logp) {
  if (failed(g.checkAttrs({"reduction", "ignore_index"})))
    return failure();
  std::string reduction = g.stringAttr("reduction").value_or("mean");
  if (reduction != "none" && reduction != "sum" && reduction != "mean") {
    g.nodeError() << "reduction '" << reduction
                  << "' is not one of none, sum, mean";
    return failure();
  }
  Value target = g.tensorInput(1);
  if (!target)
    return failure();
  Type targetType = tensorType(target).getElementType();
  if (!isa<IntegerType>(targetType) || targetType.isInteger(1)) {
    g.nodeError() << "the target (input 1, '" << g.node->input(1)
                  << "') must hold integer class indices, not " << targetType;
    return failure();
  }
  Value weight = g.hasInput(2) ? floatInput(g, 2) : Value();
  if (g.hasInput(2) && !weight)
    return failure();
  int64_t rank = tensorType(logp).getRank();
  if (rank < 2 || tensorType(target).getRank() != rank - 1 ||
      (weight && tensorType(weight).getRank() != 1)) {
    InFlightDiagnostic diag = g.nodeError();
    diag << "expects the input [N, C, d1, ..., dk], the target [N, d1, ..., "
            "dk] and a weight [C], found "
         << logp.getType() << ", " << target.getType();
    if (weight)
      diag << ", " << weight.getType();
    return failure();
  }
  // The target's extents are the input's without C; the weight's is C.
  SmallVector<OpFoldResult> sizes = shapeOf(g, logp);
  SmallVector<OpFoldResult> targetSizes(sizes);
  targetSizes.erase(targetSizes.begin() + 1);
  SmallVector<OpFoldResult> given = shapeOf(g, target);
  for (auto [d, pair] : llvm::enumerate(llvm::zip(given, targetSizes))) {
    std::optional<int64_t> a = getConstantIntValue(std::get<0>(pair)),
                           e = getConstantIntValue(std::get<1>(pair));
    if (a && e && *a != *e) {
      g.nodeError() << "the target's dimension " << d << " is " << *a
                    << ", but the input makes it " << *e;
      return failure();
    }
  }
  seq::createExtentChecks(g.builder, g.loc, target, targetSizes,
                          seq::describeLocation(g.loc) + ": the target",
                          "the input [N, C, ...] makes it");
  if (weight)
    seq::createExtentChecks(g.builder, g.loc, weight, {sizes[1]},
                            seq::describeLocation(g.loc) + ": the weight",
                            "the input's C makes it");
  std::optional<int64_t> ignore;
  if (g.attr("ignore_index"))
    ignore = g.intAttr("ignore_index", 0);
  Value classes = g.indexValue(sizes[1]);
  std::string message =
      seq::describeLocation(g.loc) + ": class {} in '" + g.node->input(1) +
      "' is out of range [0, C) of the input (C = " +
      (getConstantIntValue(sizes[1])
           ? std::to_string(*getConstantIntValue(sizes[1]))
           : std::string("its dimension 1")) +
      (ignore ? "; ignore_index " + std::to_string(*ignore) : std::string()) +
      ")";
  // Three steps, none reading a time step's position (so a per-token loss
  // streams): each target's weight w (0 where ignored; the class checked),
  // the log-probability of its class picked by a reduction over C, and
  // the loss -w * logp (0 where ignored, so a -inf there gives no NaN).
  OpBuilder &b = g.builder;
  int64_t tr = rank - 1;
  Type f32 = b.getF32Type();
  AffineMap identity = AffineMap::getMultiDimIdentityMap(tr, g.context);
  SmallVector<utils::IteratorType> parallel(tr, utils::IteratorType::parallel);
  auto isIgnored = [&](OpBuilder &nb, Location l, Value t) -> Value {
    if (!ignore)
      return arith::ConstantOp::create(nb, l, nb.getBoolAttr(false));
    return arith::CmpIOp::create(
        nb, l, arith::CmpIPredicate::eq, t,
        arith::ConstantOp::create(nb, l,
                                  nb.getIntegerAttr(t.getType(), *ignore)));
  };
  auto zerosLike = [&]() {
    Value init = seq::createEmptyTensor(b, g.loc, targetSizes, f32);
    Value zero = arith::ConstantOp::create(b, g.loc, b.getF32FloatAttr(0));
    return linalg::FillOp::create(b, g.loc, ValueRange{zero}, ValueRange{init})
        .getResult(0);
  };
  Value weightInit = seq::createEmptyTensor(b, g.loc, targetSizes, f32);
  Value weights =
      linalg::GenericOp::create(
          b, g.loc, TypeRange{weightInit.getType()}, ValueRange{target},
          ValueRange{weightInit}, ArrayRef<AffineMap>{identity, identity},
          parallel,
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value ignored = isIgnored(nb, l, a[0]);
            Value at =
                arith::IndexCastOp::create(nb, l, nb.getIndexType(), a[0]);
            Value zero = arith::ConstantIndexOp::create(nb, l, 0);
            Value inRange = arith::AndIOp::create(
                nb, l,
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, at,
                                      zero),
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, at,
                                      classes));
            seq::createCheck(nb, l,
                             arith::OrIOp::create(nb, l, inRange, ignored),
                             a[0], message, seq::CheckKind::value);
            Value zeroF =
                arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(0));
            Value w =
                weight ? tensor::ExtractOp::create(
                             nb, l, weight,
                             ValueRange{arith::SelectOp::create(nb, l, inRange,
                                                                at, zero)})
                             .getResult()
                       : arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(1))
                             .getResult();
            linalg::YieldOp::create(
                nb, l,
                arith::SelectOp::create(nb, l, ignored, zeroF, w).getResult());
          })
          .getResult(0);
  // logp[n, t, d...]: the sum over C of logp where the class is t.
  SmallVector<AffineExpr> noClass;
  for (int64_t d = 0; d < rank; ++d)
    if (d != 1)
      noClass.push_back(b.getAffineDimExpr(d));
  AffineMap withoutClass = AffineMap::get(rank, 0, noClass, g.context);
  SmallVector<utils::IteratorType> overClasses(rank,
                                               utils::IteratorType::parallel);
  overClasses[1] = utils::IteratorType::reduction;
  Value picked =
      linalg::GenericOp::create(
          b, g.loc, TypeRange{weightInit.getType()}, ValueRange{logp, target},
          ValueRange{zerosLike()},
          ArrayRef<AffineMap>{
              AffineMap::getMultiDimIdentityMap(rank, g.context), withoutClass,
              withoutClass},
          overClasses,
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value c = arith::IndexCastOp::create(
                nb, l, a[1].getType(), linalg::IndexOp::create(nb, l, 1));
            Value hit =
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::eq, c, a[1]);
            linalg::YieldOp::create(
                nb, l,
                arith::SelectOp::create(nb, l, hit, a[0], a[2]).getResult());
          })
          .getResult(0);
  Value lossInit = seq::createEmptyTensor(b, g.loc, targetSizes, f32);
  Value losses =
      linalg::GenericOp::create(
          b, g.loc, TypeRange{lossInit.getType()},
          ValueRange{picked, weights, target}, ValueRange{lossInit},
          ArrayRef<AffineMap>{identity, identity, identity, identity}, parallel,
          [&](OpBuilder &nb, Location l, ValueRange a) {
            Value zeroF =
                arith::ConstantOp::create(nb, l, nb.getF32FloatAttr(0));
            Value loss = arith::NegFOp::create(
                nb, l, arith::MulFOp::create(nb, l, a[0], a[1]));
            linalg::YieldOp::create(
                nb, l,
                arith::SelectOp::create(nb, l, isIgnored(nb, l, a[2]), zeroF,
                                        loss)
                    .getResult());
          })
          .getResult(0);
  if (reduction == "none")
    return losses;
  Value total = sumAll(g, losses);
  if (reduction == "sum")
    return total;
  Value weightTotal = sumAll(g, weights);
  Value init = seq::createEmptyTensor(b, g.loc, {}, f32);
  AffineMap scalar = AffineMap::get(0, 0, {}, g.context);
  return linalg::GenericOp::create(
             b, g.loc, TypeRange{init.getType()},
             ValueRange{total, weightTotal}, ValueRange{init},
             ArrayRef<AffineMap>{scalar, scalar, scalar},
             ArrayRef<utils::IteratorType>{},
             [](OpBuilder &nb, Location l, ValueRange a) {
               linalg::YieldOp::create(
                   nb, l, arith::DivFOp::create(nb, l, a[0], a[1]).getResult());
             })
      .getResult(0);
}

/// NegativeLogLikelihoodLoss(input, target, weight) (F.nll_loss).
LogicalResult importNllLoss(GraphImporter &g) {
  Value logp = floatInput(g, 0);
  if (!logp)
    return failure();
  FailureOr<Value> loss = buildNllLoss(g, logp);
  if (failed(loss))
    return failure();
  g.setOutput(0, *loss);
  return success();
}

/// SoftmaxCrossEntropyLoss(scores, labels, weights) (F.cross_entropy):
/// the NLL loss of log_softmax(scores) over C, which is output 1
/// (log_prob) when asked for.
LogicalResult importSoftmaxCrossEntropyLoss(GraphImporter &g) {
  Value scores = floatInput(g, 0);
  if (!scores)
    return failure();
  if (tensorType(scores).getRank() < 2) {
    g.nodeError() << "expects scores [N, C, d1, ..., dk], found "
                  << scores.getType();
    return failure();
  }
  Value logp = buildLogSoftmax(g, scores, 1);
  FailureOr<Value> loss = buildNllLoss(g, logp);
  if (failed(loss))
    return failure();
  g.setOutput(0, *loss);
  g.setOutput(1, logp);
  return success();
}

} // namespace

LogicalResult importLossOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "NegativeLogLikelihoodLoss")
    return importNllLoss(g);
  if (op == "SoftmaxCrossEntropyLoss")
    return importSoftmaxCrossEntropyLoss(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
