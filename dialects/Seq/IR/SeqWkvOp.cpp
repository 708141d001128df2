//===- SeqWkvOp.cpp - seq.wkv (RWKV-4 time mixing) ----------------------===//

#include "dialects/Seq/IR/SeqOps.h"
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
