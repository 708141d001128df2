//===- AttentionBandAttributes.cpp - a band as causal / window ------------===//

#include "dialects/Seq/Transforms/AttentionBandAttributes.h"

#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace seqc::seq {

/// Whether the row offset `offset` of a slice of a mask is Lk - Lq on
/// every run whose sliced mask has Lq rows (which the raising checks at
/// run time): Lk - Lq itself, or ONNX Slice's clamping of it into the
/// sliced tensor's D rows, min(max(select(a < 0, a + D, a), 0), D) with
/// a = Lk - Lq, as the ONNX importer builds `mask[Lk - Lq : Lk, :Lk]`.
/// For 0 <= a <= D that is a. For a > D the slice starts at D and has no
/// rows (it must end by D), so the run fails the check unless Lq = 0. For
/// a < 0 it starts at or after a + D and so has at most -a = Lq - Lk rows:
/// Lq rows only when Lk = 0, where both forms yield zeros.
static bool isKeyMinusQueryLength(Value offset, OpFoldResult lq,
                                  OpFoldResult lk) {
  Value a = offset;
  if (auto min = a.getDefiningOp<arith::MinSIOp>()) {
    auto max = min.getLhs().getDefiningOp<arith::MaxSIOp>();
    if (!max || !isZeroInteger(max.getRhs()))
      return false;
    // D must be the row extent of what `offset` slices (a slice ends by
    // its source's extent): every slice using it as a row offset.
    Value rows = min.getRhs();
    bool slicesRows = false;
    for (Operation *user : offset.getUsers()) {
      auto slice = dyn_cast<tensor::ExtractSliceOp>(user);
      int64_t r = slice ? slice.getSourceType().getRank() : 0;
      if (!slice || r < 2 ||
          slice.getMixedOffsets()[r - 2] != OpFoldResult(offset))
        continue;
      if (!isSameSize(rows, getDecidedSize(slice.getSource(), r - 2)))
        return false;
      slicesRows = true;
    }
    if (!slicesRows)
      return false;
    a = max.getLhs();
    if (auto select = a.getDefiningOp<arith::SelectOp>()) {
      Value plain = select.getFalseValue();
      auto negative = select.getCondition().getDefiningOp<arith::CmpIOp>();
      auto wrapped = select.getTrueValue().getDefiningOp<arith::AddIOp>();
      if (!negative || negative.getPredicate() != arith::CmpIPredicate::slt ||
          negative.getLhs() != plain || !isZeroInteger(negative.getRhs()) ||
          !wrapped || wrapped.getLhs() != plain ||
          !isSameSize(wrapped.getRhs(), rows))
        return false;
      a = plain;
    }
  }
  auto sub = a.getDefiningOp<arith::SubIOp>();
  return sub && isSameSize(sub.getLhs(), lk) && isSameSize(sub.getRhs(), lq);
}

std::optional<BandAttributes>
attributesForBand(Builder &b, Band band, OpFoldResult lq, OpFoldResult lk) {
  if ((band.lo && *band.lo > 0) || (band.hi && *band.hi < 0))
    return std::nullopt;
  int64_t left = band.lo ? -*band.lo : -1, right = band.hi ? *band.hi : -1;
  if (band.offset) {
    if (right != 0 ||
        (!band.prefixedBlock && !isKeyMinusQueryLength(band.offset, lq, lk)))
      return std::nullopt;
    return BandAttributes{true,
                          left == -1 ? DenseI64ArrayAttr()
                                     : b.getDenseI64ArrayAttr({left, 0}),
                          /*bottomRight=*/true};
  }
  if (right == 0)
    return BandAttributes{true, left == -1 ? DenseI64ArrayAttr()
                                           : b.getDenseI64ArrayAttr({left, 0})};
  if (left == -1 && right == -1)
    return BandAttributes{false, DenseI64ArrayAttr()};
  return BandAttributes{false, b.getDenseI64ArrayAttr({left, right})};
}

} // namespace seqc::seq
