//===- SeqSelectiveScanOp.cpp - seq.selective_scan ----------------------===//
//
// The verifier names every dimension (B, T, D channels, N state size) so a
// front end that split Mamba's x_proj output the wrong way round is told
// which projection has which size.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/RoleTiling.h"
#include "dialects/Seq/IR/SeqVerifyUtils.h"

using namespace mlir;
using namespace seqc::seq;

LogicalResult SelectiveScanOp::verify() {
  Operation *op = getOperation();
  Type inputType = getInput().getType();
  if (cast<RankedTensorType>(inputType).getRank() != 3)
    return emitOpError("'input' must be [B, T, D], found ") << inputType;
  if (cast<RankedTensorType>(getA().getType()).getRank() != 2)
    return emitOpError("'a' must be [D, N], found ") << getA().getType();
  // Each size from the first operand that knows it statically; every
  // operand is then checked against it.
  auto merged = [](std::initializer_list<std::pair<Value, unsigned>> dims) {
    int64_t size = ShapedType::kDynamic;
    for (auto [value, dim] : dims) {
      auto type = value ? dyn_cast<RankedTensorType>(value.getType())
                        : RankedTensorType();
      if (type && dim < type.getRank())
        size = mergeDims(size, type.getDimSize(dim));
    }
    return size;
  };
  Value u = getInput(), delta = getDelta(), a = getA(), b = getB(),
        c = getC(), z = getZ(), h0 = getInitialState(), y = getY(),
        hT = getFinalState();
  int64_t batch = merged({{u, 0}, {delta, 0}, {b, 0}, {c, 0}, {z, 0},
                          {h0, 0}, {y, 0}, {hT, 0}});
  int64_t steps = merged({{u, 1}, {delta, 1}, {b, 1}, {c, 1}, {z, 1},
                          {y, 1}});
  int64_t channels = merged({{u, 2}, {a, 0}, {delta, 2}, {z, 2},
                             {getD(), 0}, {getDeltaBias(), 0}, {h0, 1},
                             {y, 2}, {hT, 1}});
  int64_t stateSize = merged({{a, 1}, {b, 2}, {c, 2}, {h0, 2}, {hT, 2}});
  // A static batch, channel or state size of 0 leaves nothing to scan (a
  // front end that produced one misread its weights); a run-time batch or
  // sequence of 0 gives empty results.
  if (batch == 0 || channels == 0 || stateSize == 0)
    return emitOpError() << "the batch (B = " << batch << "), channel (D = "
                         << channels << ") and state (N = " << stateSize
                         << ") sizes must be at least 1 where static";

  SmallVector<ExpectedDim> perChannel = {{batch, "B"}, {steps, "T"},
                                         {channels, "D"}};
  SmallVector<ExpectedDim> perState = {{batch, "B"}, {steps, "T"},
                                       {stateSize, "N"}};
  SmallVector<ExpectedDim> state = {{batch, "B"}, {channels, "D"},
                                    {stateSize, "N"}};
  SmallVector<std::pair<StringRef, Value>> perChannelValues = {
      {"input", getInput()}, {"delta", getDelta()}, {"z", getZ()},
      {"y", getY()}};
  for (auto [what, value] : perChannelValues)
    if (value && failed(verifyShape(op, what, value.getType(), perChannel)))
      return failure();
  if (failed(verifyShape(op, "a", getA().getType(),
                         {{channels, "D"}, {stateSize, "N"}})) ||
      failed(verifyShape(op, "b", getB().getType(), perState)) ||
      failed(verifyShape(op, "c", getC().getType(), perState)) ||
      failed(verifyShape(op, "final_state", getFinalState().getType(), state)))
    return failure();
  if (getInitialState() &&
      failed(verifyShape(op, "initial_state", getInitialState().getType(),
                         state)))
    return failure();
  SmallVector<std::pair<StringRef, Value>> perChannelVectors = {
      {"d", getD()}, {"delta_bias", getDeltaBias()}};
  for (auto [what, value] : perChannelVectors)
    if (value &&
        failed(verifyShape(op, what, value.getType(), {{channels, "D"}})))
      return failure();

  return verifyAllElementTypes(op, inputType);
}

/// The verifier's rule (B batch, T steps, D channels, N state size).
static SmallVector<RoleShape> rolesOf(SelectiveScanOp op) {
  return {{"input", op.getInput(), "BTD"},
          {"delta", op.getDelta(), "BTD"},
          {"a", op.getA(), "DN"},
          {"b", op.getB(), "BTN"},
          {"c", op.getC(), "BTN"},
          {"d", op.getD(), "D"},
          {"z", op.getZ(), "BTD"},
          {"delta_bias", op.getDeltaBias(), "D"},
          {"initial_state", op.getInitialState(), "BDN"},
          {"y", op.getY(), "BTD"},
          {"final_state", op.getFinalState(), "BDN"}};
}

void SelectiveScanOp::getDimensionTies(SmallVectorImpl<DimensionTie> &ties) {
  addRoleTies(ties, rolesOf(*this));
}

// Tiling: each (batch, channel) pair is an independent recurrence over the
// steps; y sums over the state index, so T and N are reductions.
static constexpr StringLiteral kLoops = "BTDN";

SmallVector<utils::IteratorType> SelectiveScanOp::getLoopIteratorTypes() {
  using utils::IteratorType;
  return {IteratorType::parallel, IteratorType::reduction,
          IteratorType::parallel, IteratorType::reduction};
}

SmallVector<Range> SelectiveScanOp::getIterationDomain(OpBuilder &b) {
  return getRoleIterationDomain(b, getLoc(), rolesOf(*this), kLoops);
}

FailureOr<TilingResult>
SelectiveScanOp::getTiledImplementation(OpBuilder &b,
                                        ArrayRef<OpFoldResult> offsets,
                                        ArrayRef<OpFoldResult> sizes) {
  return getRoleTiledImplementation(b, *this, rolesOf(*this), kLoops,
                                    getLoopIteratorTypes(), offsets, sizes);
}

LogicalResult SelectiveScanOp::getResultTilePosition(
    OpBuilder &b, unsigned resultNumber, ArrayRef<OpFoldResult> offsets,
    ArrayRef<OpFoldResult> sizes, SmallVector<OpFoldResult> &resultOffsets,
    SmallVector<OpFoldResult> &resultSizes) {
  return getRoleResultTilePosition(b, *this, rolesOf(*this), kLoops,
                                   resultNumber, offsets, sizes, resultOffsets,
                                   resultSizes);
}
