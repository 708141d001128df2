//===- ReverseSequenceOp.cpp - ONNX ReverseSequence -----------------------===//
//
// ReverseSequence (tf.reverse_sequence; tf2onnx writes it for the backward
// half of a bidirectional RNN over padded batches): each batch row's first
// sequence_lens[b] steps in reverse order, the padding after them left in
// place.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace seqc::onnx_import {

/// out[t, b, ...] = x[L_b - 1 - t, b, ...] for t < L_b, else x[t, b, ...],
/// with L = sequence_lens (int64 [B]) and the time and batch axes as the
/// attributes say (0 and 1, either way round; default time 0, batch 1).
/// A length outside [0, T] fails the run (SEQC_ERR_INVALID_ARGUMENT; the
/// row is read unreversed meanwhile).
LogicalResult importReverseSequence(GraphImporter &g) {
  if (failed(g.checkAttrs({"batch_axis", "time_axis"})))
    return failure();
  int64_t batchAxis = g.intAttr("batch_axis", 1),
          timeAxis = g.intAttr("time_axis", 0);
  if (!((batchAxis == 0 && timeAxis == 1) ||
        (batchAxis == 1 && timeAxis == 0))) {
    g.nodeError() << "has batch_axis " << batchAxis << " and time_axis "
                  << timeAxis << "; ONNX takes 0 and 1, one each";
    return failure();
  }
  Value x = g.tensorInput(0), lens = g.tensorInput(1);
  if (!x || !lens)
    return failure();
  RankedTensorType xt = tensorType(x), lt = tensorType(lens);
  if (xt.getRank() < 2 || lt.getRank() != 1 ||
      !isa<IntegerType>(lt.getElementType()) ||
      lt.getElementType().isInteger(1)) {
    g.nodeError() << "takes an input of rank >= 2 and integer sequence_lens "
                     "of rank 1, not "
                  << x.getType() << " and " << lens.getType();
    return failure();
  }
  OpBuilder &b = g.builder;
  int64_t rank = xt.getRank();
  Value steps = g.indexValue(g.dimSize(x, timeAxis));
  // One length per batch row (checked against the batch extent by the
  // generic's shape checks).
  AffineMap lensMap = AffineMap::get(rank, 0, b.getAffineDimExpr(batchAxis));
  Value init =
      seq::createEmptyTensor(b, g.loc, shapeOf(g, x), xt.getElementType());
  std::string message = seq::describeLocation(g.loc) +
                        ": sequence_lens {} is out of range [0, the length " +
                        "of the time axis]";
  Value out =
      linalg::GenericOp::create(
          b, g.loc, TypeRange{init.getType()}, ValueRange{lens},
          ValueRange{init},
          ArrayRef<AffineMap>{
              lensMap, AffineMap::getMultiDimIdentityMap(rank, g.context)},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location l, ValueRange args) {
            Value length =
                arith::IndexCastOp::create(nb, l, nb.getIndexType(), args[0]);
            Value zero = arith::ConstantIndexOp::create(nb, l, 0);
            Value valid = arith::AndIOp::create(
                nb, l,
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sge, length,
                                      zero),
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::sle, length,
                                      steps));
            seq::createCheck(nb, l, valid, args[0], message,
                             seq::CheckKind::value);
            SmallVector<Value> at;
            for (int64_t d = 0; d < rank; ++d)
              at.push_back(linalg::IndexOp::create(nb, l, d));
            Value t = at[timeAxis];
            Value reversed = arith::AndIOp::create(
                nb, l, valid,
                arith::CmpIOp::create(nb, l, arith::CmpIPredicate::slt, t,
                                      length));
            Value mirror = arith::SubIOp::create(
                nb, l,
                arith::SubIOp::create(nb, l, length,
                                      arith::ConstantIndexOp::create(nb, l, 1)),
                t);
            at[timeAxis] = arith::SelectOp::create(nb, l, reversed, mirror, t);
            linalg::YieldOp::create(
                nb, l, tensor::ExtractOp::create(nb, l, x, at).getResult());
          })
          .getResult(0);
  g.setOutput(0, out);
  return success();
}

} // namespace seqc::onnx_import
