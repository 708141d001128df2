//===- SeqWkvOp.cpp - seq.wkv (RWKV-4 time mixing) ----------------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/SeqVerifyUtils.h"

using namespace mlir;
using namespace seqc::seq;

LogicalResult WkvOp::verify() {
  SmallVector<RoleShape> shapes = {
      {"key", getKey().getType(), "BTC"},
      {"value", getValue().getType(), "BTC"},
      {"decay", getDecay().getType(), "C"},
      {"bonus", getBonus().getType(), "C"},
      {"result", getResult().getType(), "BTC"},
      // The rows aa, bb and pp of the kernels' state.
      {"final_state", getFinalState().getType(), "B3C"}};
  if (getInitialState())
    shapes.push_back({"initial_state", getInitialState().getType(), "B3C"});
  return verifyRoles(*this, shapes);
}
