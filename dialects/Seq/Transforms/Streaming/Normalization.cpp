//===- Normalization.cpp - how layer and RMS norms stream ---------------===//
//
// A normalization over the feature dimension acts on each time step alone
// and carries nothing between chunks. Over more dimensions, or over a last
// dimension of run-time size (time, in a [B, C, T] layout), it would mix
// steps: the model does not stream, and the reason says so.
//
//===----------------------------------------------------------------------===//

#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/IR/StreamableOpInterface.h"
#include "dialects/Seq/Transforms/StreamableOpInterfaceImpl.h"

using namespace mlir;

namespace seqc::seq {
namespace {

LogicalResult checkFeatureNormalization(Operation *op, int64_t axis,
                                        StreamState &s) {
  auto type = cast<RankedTensorType>(op->getResult(0).getType());
  int64_t rank = type.getRank();
  if (axis != -1 && axis != rank - 1)
    return s.fail(op, "normalizing over more than the feature dimension "
                      "mixes time steps");
  if (type.isDynamicDim(rank - 1))
    return s.fail(op, "normalizing over a dimension of run-time size may "
                      "mix time steps");
  return success();
}

template <typename NormOp>
struct NormModel
    : StreamableOpInterface::ExternalModel<NormModel<NormOp>, NormOp> {
  LogicalResult carryStreamState(Operation *op, StreamState &s) const {
    return checkFeatureNormalization(
        op, static_cast<int64_t>(cast<NormOp>(op).getAxis()), s);
  }
  bool carriesStreamState(Operation *) const { return false; }
};

} // namespace

void attachNormalizationStreamingModels(MLIRContext *ctx) {
  LayerNormOp::attachInterface<NormModel<LayerNormOp>>(*ctx);
  RmsNormOp::attachInterface<NormModel<RmsNormOp>>(*ctx);
}

} // namespace seqc::seq
