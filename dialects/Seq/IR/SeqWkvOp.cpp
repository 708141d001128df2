//===- SeqWkvOp.cpp - seq.wkv (RWKV-4 time mixing) ----------------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/RoleTiling.h"
#include "dialects/Seq/IR/SeqVerifyUtils.h"

using namespace mlir;
using namespace seqc::seq;

static SmallVector<RoleShape> rolesOf(WkvOp op) {
  return {{"key", op.getKey(), "BTC"},
          {"value", op.getValue(), "BTC"},
          {"decay", op.getDecay(), "C"},
          {"bonus", op.getBonus(), "C"},
          {"result", op.getResult(), "BTC"},
          // The rows aa, bb and pp of the kernels' state.
          {"final_state", op.getFinalState(), "B3C"},
          {"initial_state", op.getInitialState(), "B3C"}};
}

LogicalResult WkvOp::verify() { return verifyRoles(*this, rolesOf(*this)); }

void WkvOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addRoleTies(ties, rolesOf(*this));
}

// Tiling: each (batch, channel) pair is an independent recurrence over the
// steps.
static constexpr StringLiteral kLoops = "BTC";

SmallVector<utils::IteratorType> WkvOp::getLoopIteratorTypes() {
  using utils::IteratorType;
  return {IteratorType::parallel, IteratorType::reduction,
          IteratorType::parallel};
}

SmallVector<Range> WkvOp::getIterationDomain(OpBuilder &b) {
  return getRoleIterationDomain(b, getLoc(), rolesOf(*this), kLoops);
}

FailureOr<TilingResult>
WkvOp::getTiledImplementation(OpBuilder &b, ArrayRef<OpFoldResult> offsets,
                              ArrayRef<OpFoldResult> sizes) {
  return getRoleTiledImplementation(b, *this, rolesOf(*this), kLoops,
                                    getLoopIteratorTypes(), offsets, sizes);
}

LogicalResult WkvOp::getResultTilePosition(
    OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  return getRoleResultTilePosition(b, *this, rolesOf(*this), kLoops,
                                   resultNumber, offsets, sizes, resultOffsets,
                                   resultSizes);
}
