//===- ScatterOps.cpp - ONNX Gather/ScatterElements, GatherND, ScatterND --===//
//
// The element-wise index ops PyTorch exports for torch.gather /
// Tensor.scatter (GatherElements, ScatterElements) and for assignments
// into a tensor in forward (x[:, 0] = v, index_put_: ScatterND), and
// GatherND (tf.gather_nd). Gathers
// are one generic reading the data at each index; scatters copy the data
// and write each update in order in an scf.for nest (ONNX leaves duplicate
// indices without a reduction undefined; here the last write wins, as in
// ONNX Runtime). Every index is checked: one outside [-size, size) fails
// the run with SEQC_ERR_INVALID_ARGUMENT, the access clamped meanwhile.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <algorithm>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

/// "index {} in indices 'IDS' is out of range for dimension D of the data
/// 'X' of size N (valid: -N to N - 1)" (the size unnamed when it is set
/// at run time).
std::string rangeMessage(GraphImporter &g, int64_t axis, Value data) {
  std::optional<int64_t> size = getConstantIntValue(g.dimSize(data, axis));
  std::string valid =
      size ? " of size " + std::to_string(*size) +
                 (*size == 0 ? std::string(" (no index is valid)")
                             : " (valid: -" + std::to_string(*size) + " to " +
                                   std::to_string(*size - 1) + ")")
           : std::string(" (valid: -size to size - 1)");
  return seq::describeLocation(g.loc) + ": index {} in indices '" +
         g.node->input(1) + "' is out of range for dimension " +
         std::to_string(axis) + " of the data '" + g.node->input(0) + "'" +
         valid;
}

/// An integer (not bool) index tensor, input `i`.
Value indexInput(GraphImporter &g, unsigned i) {
  Value v = g.tensorInput(i);
  if (v && (!isa<IntegerType>(tensorType(v).getElementType()) ||
            tensorType(v).getElementType().isInteger(1))) {
    g.nodeError() << "indices (input " << i << ") must be integers, found "
                  << tensorType(v).getElementType();
    return Value();
  }
  return v;
}

/// For each dimension d != `skip` of `inner`, a check that it is at most
/// dimension d of `outer` (torch.gather's rule for its index); static
/// violations are import errors.
LogicalResult checkWithin(GraphImporter &g, Value inner, Value outer,
                          int64_t skip, StringRef innerName,
                          StringRef outerName = "the data") {
  for (int64_t d = 0; d < tensorType(inner).getRank(); ++d) {
    if (d == skip)
      continue;
    OpFoldResult in = g.dimSize(inner, d), out = g.dimSize(outer, d);
    std::optional<int64_t> ci = getConstantIntValue(in),
                           co = getConstantIntValue(out);
    if (ci && co) {
      if (*ci > *co) {
        g.nodeError() << innerName << " dimension " << d << " is " << *ci
                      << ", larger than dimension " << d << " of " << outerName
                      << " (" << *co << ")";
        return failure();
      }
      continue;
    }
    Value vi = g.indexValue(in), vo = g.indexValue(out);
    seq::createCheck(g.builder, g.loc,
                     arith::CmpIOp::create(g.builder, g.loc,
                                           arith::CmpIPredicate::sle, vi, vo),
                     vi,
                     seq::describeLocation(g.loc) + ": " + innerName.str() +
                         " dimension " + std::to_string(d) +
                         " is {}, larger than dimension " + std::to_string(d) +
                         " of " + outerName.str(),
                     seq::CheckKind::shape);
  }
  return success();
}

/// GatherElements(data, indices, axis): out[i] = data[i with i[axis] =
/// indices[i]], shaped like indices (torch.gather).
LogicalResult importGatherElements(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis"})))
    return failure();
  Value x = g.tensorInput(0), ids = indexInput(g, 1);
  if (!x || !ids)
    return failure();
  int64_t rank = tensorType(x).getRank();
  if (tensorType(ids).getRank() != rank) {
    g.nodeError() << "indices must have the data's rank " << rank;
    return failure();
  }
  std::optional<int64_t> axis = normalizeAxis(g, g.intAttr("axis", 0), rank);
  if (!axis || failed(checkWithin(g, ids, x, *axis, "indices")))
    return failure();
  Value extent = g.indexValue(g.dimSize(x, *axis));
  std::string message = rangeMessage(g, *axis, x);
  Value init = seq::createEmptyTensor(g.builder, g.loc, shapeOf(g, ids),
                                      tensorType(x).getElementType());
  AffineMap identity = AffineMap::getMultiDimIdentityMap(rank, g.context);
  g.setOutput(
      0,
      linalg::GenericOp::create(
          g.builder, g.loc, TypeRange{init.getType()}, ValueRange{ids},
          ValueRange{init}, ArrayRef<AffineMap>{identity, identity},
          SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
          [&](OpBuilder &b, Location l, ValueRange a) {
            SmallVector<Value> at;
            for (int64_t d = 0; d < rank; ++d)
              at.push_back(linalg::IndexOp::create(b, l, d));
            at[*axis] = checkedIndex(b, l, a[0], extent, message);
            linalg::YieldOp::create(
                b, l, tensor::ExtractOp::create(b, l, x, at).getResult());
          })
          .getResult(0));
  return success();
}

/// GatherND(data [r], indices [q] with last dimension K, batch_dims b):
/// out[i..., t...] = data[i[:b]..., indices[i..., :]..., t...], shaped
/// indices.shape[:-1] + data.shape[b + K:] (the ONNX operator; TensorFlow's
/// tf.gather_nd as tf2onnx converts it, e.g. the last valid step of each
/// sequence, gather_nd(outputs, stack([range(B), lengths - 1], 1))). The
/// first b dimensions of indices and data are the same batch.
LogicalResult importGatherND(GraphImporter &g) {
  if (failed(g.checkAttrs({"batch_dims"})))
    return failure();
  Value x = g.tensorInput(0), ids = indexInput(g, 1);
  if (!x || !ids)
    return failure();
  RankedTensorType xt = tensorType(x), it = tensorType(ids);
  int64_t r = xt.getRank(), q = it.getRank();
  int64_t b = g.intAttr("batch_dims", 0);
  if (r < 1 || q < 1 || b < 0 || b >= std::min(r, q)) {
    g.nodeError() << "batch_dims " << b << " must be below the ranks of the "
                  << "data (" << r << ") and the indices (" << q
                  << "), both at least 1";
    return failure();
  }
  int64_t k = it.getDimSize(q - 1);
  if (ShapedType::isDynamic(k) || k < 1 || k > r - b) {
    g.nodeError() << "indices must have a static last dimension K in [1, "
                  << r - b << "] (the data's rank less batch_dims), found "
                  << ids.getType();
    return failure();
  }
  SmallVector<OpFoldResult> dataSizes = shapeOf(g, x),
                            idSizes = shapeOf(g, ids);
  for (int64_t d = 0; d < b; ++d) {
    std::optional<int64_t> ci = getConstantIntValue(idSizes[d]),
                           cx = getConstantIntValue(dataSizes[d]);
    if (ci && cx && *ci != *cx) {
      g.nodeError() << "indices dimension " << d << " is " << *ci
                    << ", but batch_dims " << b
                    << " makes it the data's dimension " << d << " (" << *cx
                    << ")";
      return failure();
    }
  }
  SmallVector<OpFoldResult> batch(dataSizes.begin(), dataSizes.begin() + b);
  seq::createExtentChecks(g.builder, g.loc,
                          ArrayRef<OpFoldResult>(idSizes).take_front(b), batch,
                          seq::describeLocation(g.loc) + ": indices",
                          "batch_dims makes it the data's");
  SmallVector<OpFoldResult> outSizes(idSizes.begin(), idSizes.end() - 1);
  outSizes.append(dataSizes.begin() + b + k, dataSizes.end());
  SmallVector<Value> extents;
  SmallVector<std::string> messages;
  for (int64_t j = 0; j < k; ++j) {
    extents.push_back(g.indexValue(dataSizes[b + j]));
    messages.push_back(rangeMessage(g, b + j, x));
  }
  int64_t outRank = static_cast<int64_t>(outSizes.size());
  Value init =
      seq::createEmptyTensor(g.builder, g.loc, outSizes, xt.getElementType());
  g.setOutput(
      0,
      linalg::GenericOp::create(
          g.builder, g.loc, TypeRange{init.getType()}, ValueRange{},
          ValueRange{init},
          ArrayRef<AffineMap>{
              AffineMap::getMultiDimIdentityMap(outRank, g.context)},
          SmallVector<utils::IteratorType>(outRank,
                                           utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location l, ValueRange) {
            SmallVector<Value> out;
            for (int64_t d = 0; d < outRank; ++d)
              out.push_back(linalg::IndexOp::create(nb, l, d));
            // data[batch..., the K indices..., the rest...]
            SmallVector<Value> at(out.begin(), out.begin() + b);
            for (int64_t j = 0; j < k; ++j) {
              SmallVector<Value> where(out.begin(), out.begin() + q - 1);
              where.push_back(arith::ConstantIndexOp::create(nb, l, j));
              Value raw = tensor::ExtractOp::create(nb, l, ids, where);
              at.push_back(checkedIndex(nb, l, raw, extents[j], messages[j]));
            }
            at.append(out.begin() + q - 1, out.end());
            linalg::YieldOp::create(
                nb, l, tensor::ExtractOp::create(nb, l, x, at).getResult());
          })
          .getResult(0));
  return success();
}

/// `current` combined with `update` by the node's reduction (none: the
/// update).
Value reduceScalar(OpBuilder &b, Location l, StringRef reduction, Value current,
                   Value update) {
  bool isFloat = isa<FloatType>(update.getType());
  if (reduction == "add")
    return isFloat ? arith::AddFOp::create(b, l, current, update).getResult()
                   : arith::AddIOp::create(b, l, current, update).getResult();
  if (reduction == "mul")
    return isFloat ? arith::MulFOp::create(b, l, current, update).getResult()
                   : arith::MulIOp::create(b, l, current, update).getResult();
  if (reduction == "max")
    return isFloat
               ? arith::MaximumFOp::create(b, l, current, update).getResult()
               : arith::MaxSIOp::create(b, l, current, update).getResult();
  if (reduction == "min")
    return isFloat
               ? arith::MinimumFOp::create(b, l, current, update).getResult()
               : arith::MinSIOp::create(b, l, current, update).getResult();
  return update;
}

std::optional<std::string> reductionAttr(GraphImporter &g) {
  std::string reduction = g.stringAttr("reduction").value_or("none");
  if (reduction != "none" && reduction != "add" && reduction != "mul" &&
      reduction != "max" && reduction != "min") {
    g.nodeError() << "reduction '" << reduction
                  << "' is not one of none, add, mul, max, min";
    return std::nullopt;
  }
  return reduction;
}

/// A loop nest over `sizes` carrying `init`; `body` gets the indices and
/// the carried tensor and returns its next value.
Value scatterLoops(
    GraphImporter &g, ArrayRef<OpFoldResult> sizes, Value init,
    function_ref<Value(OpBuilder &, Location, ValueRange, Value)> body) {
  SmallVector<Value> lbs, ubs, steps;
  Value zero = arith::ConstantIndexOp::create(g.builder, g.loc, 0);
  Value one = arith::ConstantIndexOp::create(g.builder, g.loc, 1);
  for (OpFoldResult s : sizes) {
    lbs.push_back(zero);
    ubs.push_back(g.indexValue(s));
    steps.push_back(one);
  }
  scf::LoopNest nest = scf::buildLoopNest(
      g.builder, g.loc, lbs, ubs, steps, ValueRange{init},
      [&](OpBuilder &b, Location l, ValueRange ivs, ValueRange carried) {
        return scf::ValueVector{body(b, l, ivs, carried[0])};
      });
  return nest.results.front();
}

/// ScatterElements(data, indices, updates, axis, reduction): a copy of
/// data where each updates[i] lands at i with i[axis] = indices[i]
/// (Tensor.scatter / scatter_add / scatter_reduce).
LogicalResult importScatterElements(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis", "reduction"})))
    return failure();
  Value x = g.tensorInput(0), ids = indexInput(g, 1), updates;
  if (!x || !ids || !(updates = g.tensorInput(2)))
    return failure();
  std::optional<std::string> reduction = reductionAttr(g);
  if (!reduction)
    return failure();
  int64_t rank = tensorType(x).getRank();
  if (tensorType(ids).getRank() != rank ||
      tensorType(updates).getRank() != rank ||
      tensorType(updates).getElementType() != tensorType(x).getElementType()) {
    g.nodeError() << "indices and updates must have the data's rank and "
                     "updates its element type, found "
                  << x.getType() << ", " << ids.getType() << ", "
                  << updates.getType();
    return failure();
  }
  std::optional<int64_t> axis = normalizeAxis(g, g.intAttr("axis", 0), rank);
  if (!axis || failed(checkWithin(g, ids, x, *axis, "indices")) ||
      failed(checkWithin(g, ids, updates, -1, "indices", "the updates")))
    return failure();
  Value extent = g.indexValue(g.dimSize(x, *axis));
  std::string message = rangeMessage(g, *axis, x);
  g.setOutput(
      0, scatterLoops(
             g, shapeOf(g, ids), x,
             [&](OpBuilder &b, Location l, ValueRange ivs, Value out) {
               Value raw = tensor::ExtractOp::create(b, l, ids, ivs);
               SmallVector<Value> at(ivs);
               at[*axis] = checkedIndex(b, l, raw, extent, message);
               Value update = tensor::ExtractOp::create(b, l, updates, ivs);
               Value current = tensor::ExtractOp::create(b, l, out, at);
               return tensor::InsertOp::create(
                          b, l, reduceScalar(b, l, *reduction, current, update),
                          out, at)
                   .getResult();
             }));
  return success();
}

/// ScatterND(data, indices [..., K], updates, reduction): a copy of data
/// where each updates[j...] (shaped data.shape[K:]) lands at data[indices[j
/// ...]] (x[:, 0] = v and index_put_ in forward).
LogicalResult importScatterND(GraphImporter &g) {
  if (failed(g.checkAttrs({"reduction"})))
    return failure();
  Value x = g.tensorInput(0), ids = indexInput(g, 1), updates;
  if (!x || !ids || !(updates = g.tensorInput(2)))
    return failure();
  std::optional<std::string> reduction = reductionAttr(g);
  if (!reduction)
    return failure();
  RankedTensorType xt = tensorType(x), it = tensorType(ids),
                   ut = tensorType(updates);
  int64_t rank = xt.getRank(), q = it.getRank();
  int64_t k = q == 0 ? ShapedType::kDynamic : it.getDimSize(q - 1);
  if (q == 0 || ShapedType::isDynamic(k) || k < 1 || k > rank) {
    g.nodeError() << "indices must have a static last dimension K in [1, "
                  << rank << "], found " << ids.getType();
    return failure();
  }
  if (ut.getRank() != q - 1 + rank - k ||
      ut.getElementType() != xt.getElementType()) {
    g.nodeError() << "updates must be " << ids.getType()
                  << "'s leading dimensions then the data's last " << rank - k
                  << ", with the data's element type, found "
                  << updates.getType();
    return failure();
  }
  // updates' shape must be indices.shape[:-1] + data.shape[K:].
  SmallVector<OpFoldResult> want = shapeOf(g, ids);
  want.pop_back();
  SmallVector<OpFoldResult> dataSizes = shapeOf(g, x);
  want.append(dataSizes.begin() + k, dataSizes.end());
  for (int64_t d = 0; d < ut.getRank(); ++d) {
    std::optional<int64_t> w = getConstantIntValue(want[d]);
    if (w && !ut.isDynamicDim(d) && ut.getDimSize(d) != *w) {
      g.nodeError() << "updates dimension " << d << " is " << ut.getDimSize(d)
                    << ", but the indices and the data make it " << *w;
      return failure();
    }
  }
  seq::createExtentChecks(g.builder, g.loc, updates, want,
                          seq::describeLocation(g.loc) + ": updates",
                          "indices and the data make it");
  SmallVector<Value> extents;
  for (int64_t d = 0; d < k; ++d)
    extents.push_back(g.indexValue(dataSizes[d]));
  SmallVector<OpFoldResult> rows = shapeOf(g, ids);
  rows.pop_back();
  OpBuilder &gb = g.builder;
  SmallVector<OpFoldResult> sliceSizes(k, gb.getIndexAttr(1));
  sliceSizes.append(dataSizes.begin() + k, dataSizes.end());
  SmallVector<OpFoldResult> unit(rank, gb.getIndexAttr(1));
  SmallVector<int64_t> tail(xt.getShape().drop_front(k));
  auto tailType = RankedTensorType::get(tail, xt.getElementType());
  g.setOutput(
      0,
      scatterLoops(
          g, rows, x, [&](OpBuilder &b, Location l, ValueRange ivs, Value out) {
            SmallVector<OpFoldResult> at;
            for (int64_t d = 0; d < k; ++d) {
              SmallVector<Value> where(ivs);
              where.push_back(arith::ConstantIndexOp::create(b, l, d));
              Value raw = tensor::ExtractOp::create(b, l, ids, where);
              at.push_back(
                  checkedIndex(b, l, raw, extents[d], rangeMessage(g, d, x)));
            }
            for (int64_t d = k; d < rank; ++d)
              at.push_back(b.getIndexAttr(0));
            // updates[ivs..., :] as data.shape[K:].
            SmallVector<OpFoldResult> uOffsets(ivs.begin(), ivs.end()),
                uSizes(ivs.size(), b.getIndexAttr(1)),
                uStrides(ut.getRank(), b.getIndexAttr(1));
            for (int64_t d = k; d < rank; ++d) {
              uOffsets.push_back(b.getIndexAttr(0));
              uSizes.push_back(dataSizes[d]);
            }
            Value update = tensor::ExtractSliceOp::create(
                b, l, tailType, updates, uOffsets, uSizes, uStrides);
            if (*reduction != "none") {
              Value current = tensor::ExtractSliceOp::create(
                  b, l, tailType, out, at, sliceSizes, unit);
              int64_t tr = tailType.getRank();
              AffineMap id = AffineMap::getMultiDimIdentityMap(tr, g.context);
              update = linalg::GenericOp::create(
                           b, l, TypeRange{tailType}, ValueRange{update},
                           ValueRange{current}, ArrayRef<AffineMap>{id, id},
                           SmallVector<utils::IteratorType>(
                               tr, utils::IteratorType::parallel),
                           [&](OpBuilder &ib, Location il, ValueRange a) {
                             linalg::YieldOp::create(
                                 ib, il,
                                 reduceScalar(ib, il, *reduction, a[1], a[0]));
                           })
                           .getResult(0);
            }
            return tensor::InsertSliceOp::create(b, l, update, out, at,
                                                 sliceSizes, unit)
                .getResult();
          }));
  return success();
}

} // namespace

LogicalResult importScatterOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "GatherElements")
    return importGatherElements(g);
  if (op == "GatherND")
    return importGatherND(g);
  if (op == "ScatterElements")
    return importScatterElements(g);
  if (op == "ScatterND")
    return importScatterND(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
