//===- ReplicationOps.cpp - ONNX Pad, Tile and Expand --------------------===//
//
// The ops whose output repeats or pads its input: Pad (constant as
// tensor.pad, reflect and edge by indexing), Tile, and Expand (numpy
// broadcasting to a shape, which causal masks are built with; the
// comparisons and logic in LogicalOps.cpp, Trilu in PositionMaskOps.cpp).
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/SizeUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <climits>
#include <limits>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

/// out[i...] = x[index(i...)] over an output of `sizes`: a linalg.generic
/// whose body reads x with tensor.extract at the indices `index` computes
/// from the loop indices (Pad reflect/edge, Tile).
Value gatherByIndices(
    GraphImporter &g, Value x, ArrayRef<OpFoldResult> sizes,
    function_ref<SmallVector<Value>(OpBuilder &, Location, ArrayRef<Value>)>
        index) {
  int64_t rank = tensorType(x).getRank();
  Value init = seq::createEmptyTensor(g.builder, g.loc, sizes,
                                      tensorType(x).getElementType());
  auto generic = linalg::GenericOp::create(
      g.builder, g.loc, TypeRange{init.getType()}, ValueRange{},
      ValueRange{init},
      ArrayRef<AffineMap>{AffineMap::getMultiDimIdentityMap(rank, g.context)},
      SmallVector<utils::IteratorType>(rank, utils::IteratorType::parallel),
      [&](OpBuilder &b, Location l, ValueRange) {
        SmallVector<Value> loops;
        for (int64_t d = 0; d < rank; ++d)
          loops.push_back(linalg::IndexOp::create(b, l, d));
        linalg::YieldOp::create(
            b, l,
            tensor::ExtractOp::create(b, l, x, index(b, l, loops)).getResult());
      });
  return generic.getResult(0);
}

/// Pad with mode reflect (mirrored without repeating the edge: numpy's and
/// PyTorch's "reflect") or edge (the edge repeated: PyTorch's
/// "replicate"): each output element reads x at its index mapped back into
/// range. reflect needs every pad below its dimension's size and edge a
/// non-empty dimension where it pads; sizes known only at run time are
/// checked then.
Value padByIndexing(GraphImporter &g, Value x, ArrayRef<int64_t> pads,
                    bool reflect) {
  RankedTensorType xt = tensorType(x);
  int64_t rank = xt.getRank();
  SmallVector<OpFoldResult> in = shapeOf(g, x), out;
  SmallVector<Value> extents;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t lo = pads[d], hi = pads[d + rank];
    Value n = g.indexValue(in[d]);
    extents.push_back(n);
    std::optional<int64_t> size = getConstantIntValue(in[d]);
    out.push_back(size ? OpFoldResult(g.builder.getIndexAttr(*size + lo + hi))
                       : OpFoldResult(arith::AddIOp::create(
                                          g.builder, g.loc, n,
                                          arith::ConstantIndexOp::create(
                                              g.builder, g.loc, lo + hi))
                                          .getResult()));
    if (lo == 0 && hi == 0)
      continue;
    // reflect: max(lo, hi) <= n - 1; edge: n >= 1.
    int64_t need = reflect ? std::max(lo, hi) + 1 : 1;
    std::string what = reflect ? "reflect padding by " +
                                     std::to_string(std::max(lo, hi)) +
                                     " needs more than that many elements"
                               : "edge padding needs at least one element";
    if (size) {
      if (*size < need) {
        g.nodeError() << what << " in dimension " << d << ", which has "
                      << *size;
        return Value();
      }
      continue;
    }
    Value ok = arith::CmpIOp::create(
        g.builder, g.loc, arith::CmpIPredicate::sge, n,
        arith::ConstantIndexOp::create(g.builder, g.loc, need));
    seq::createCheck(g.builder, g.loc, ok, n,
                     seq::describeLocation(g.loc) + ": " + what +
                         " in dimension " + std::to_string(d) +
                         ", which has {}",
                     seq::CheckKind::shape);
  }
  return gatherByIndices(
      g, x, out, [&](OpBuilder &b, Location l, ArrayRef<Value> loops) {
        SmallVector<Value> idx;
        for (int64_t d = 0; d < rank; ++d) {
          Value i = loops[d];
          int64_t lo = pads[d], hi = pads[d + rank];
          if (lo == 0 && hi == 0) {
            idx.push_back(i);
            continue;
          }
          auto cst = [&](int64_t v) {
            return arith::ConstantIndexOp::create(b, l, v);
          };
          Value j = arith::SubIOp::create(b, l, i, cst(lo));
          Value last = arith::SubIOp::create(b, l, extents[d], cst(1));
          if (reflect) {
            // |j| folds the front; last - |last - |j|| folds the back.
            Value front = arith::MaxSIOp::create(
                b, l, j, arith::SubIOp::create(b, l, cst(0), j));
            Value back = arith::SubIOp::create(b, l, last, front);
            Value backAbs = arith::MaxSIOp::create(
                b, l, back, arith::SubIOp::create(b, l, cst(0), back));
            j = arith::SubIOp::create(b, l, last, backAbs);
          } else {
            j = arith::MinSIOp::create(
                b, l, arith::MaxSIOp::create(b, l, j, cst(0)), last);
          }
          idx.push_back(j);
        }
        return idx;
      });
}

LogicalResult importPad(GraphImporter &g) {
  if (failed(g.checkAttrs({"mode"})))
    return failure();
  std::string mode = g.stringAttr("mode").value_or("constant");
  if (mode != "constant" && mode != "reflect" && mode != "edge") {
    g.nodeError() << "mode '" << mode
                  << "' is not supported (constant, reflect and edge are)";
    return failure();
  }
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  if (g.node->input_size() > 3 && !g.node->input(3).empty()) {
    g.nodeError() << "the axes input is not supported";
    return failure();
  }
  RankedTensorType xt = tensorType(x);
  int64_t rank = xt.getRank();
  auto pads = g.constIntsInput(1);
  if (!pads || (int64_t)pads->size() != 2 * rank) {
    g.nodeError() << "pads must be a constant of " << 2 * rank
                  << " integers (2 x the input rank)";
    return failure();
  }
  for (int64_t p : *pads)
    if (p < 0) {
      g.nodeError() << "negative pads (cropping) are not supported";
      return failure();
    }
  if (mode != "constant") {
    Value padded = padByIndexing(g, x, *pads, mode == "reflect");
    if (!padded)
      return failure();
    g.setOutput(0, padded);
    return success();
  }
  Attribute fill = g.builder.getZeroAttr(xt.getElementType());
  if (g.hasInput(2)) {
    const OnnxValue *c = g.input(2);
    if (!c->constant || c->constant.getNumElements() != 1 ||
        c->constant.getElementType() != xt.getElementType()) {
      g.nodeError() << "constant_value must be a constant scalar of the "
                       "input's type";
      return failure();
    }
    fill = *c->constant.value_begin<Attribute>();
  }
  SmallVector<OpFoldResult> low, high;
  SmallVector<int64_t> shape;
  for (int64_t i = 0; i < rank; ++i) {
    low.push_back(g.builder.getIndexAttr((*pads)[i]));
    high.push_back(g.builder.getIndexAttr((*pads)[i + rank]));
    shape.push_back(xt.isDynamicDim(i)
                        ? ShapedType::kDynamic
                        : xt.getDimSize(i) + (*pads)[i] + (*pads)[i + rank]);
  }
  Value value =
      arith::ConstantOp::create(g.builder, g.loc, cast<TypedAttr>(fill));
  auto type = RankedTensorType::get(shape, xt.getElementType());
  g.setOutput(0,
              tensor::PadOp::create(g.builder, g.loc, type, x, low, high, value)
                  .getResult());
  return success();
}

/// Tile(input, repeats): output dimension d is input_d * repeats_d and
/// element [i...] is input[i_d mod input_d ...]: one generic that gathers
/// from the input (any element type). Repeats must be >= 0 (a negative
/// one known only at run time fails the allocation-size check).
LogicalResult importTile(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  Value x = g.tensorInput(0);
  auto repeats = g.intsInput(1);
  if (!x)
    return failure();
  int64_t rank = tensorType(x).getRank();
  if (!repeats || (int64_t)repeats->size() != rank) {
    g.nodeError() << "repeats must be a known integer vector of " << rank
                  << " entries (the input's rank)";
    return failure();
  }
  SmallVector<OpFoldResult> in = shapeOf(g, x), out;
  for (int64_t d = 0; d < rank; ++d) {
    OpFoldResult r = (*repeats)[d];
    std::optional<int64_t> cr = getConstantIntValue(r),
                           cin = getConstantIntValue(in[d]);
    int64_t product;
    if (cr && *cr < 0) {
      g.nodeError() << "repeats entry " << d << " is " << *cr
                    << "; repeats must be >= 0";
      return failure();
    }
    if (cr && cin && !llvm::MulOverflow(*cr, *cin, product)) {
      out.push_back(g.builder.getIndexAttr(product));
      continue;
    }
    out.push_back(arith::MulIOp::create(g.builder, g.loc, g.indexValue(in[d]),
                                        g.indexValue(r))
                      .getResult());
  }
  SmallVector<Value> inDims;
  for (OpFoldResult d : in)
    inDims.push_back(g.indexValue(d));
  g.setOutput(
      0,
      gatherByIndices(
          g, x, out, [&](OpBuilder &b, Location l, ArrayRef<Value> loops) {
            // An empty input dimension makes the output empty:
            // no iteration divides by it.
            SmallVector<Value> idx;
            for (int64_t d = 0; d < rank; ++d)
              idx.push_back(arith::RemUIOp::create(b, l, loops[d], inDims[d]));
            return idx;
          }));
  return success();
}

LogicalResult importExpand(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  Value x = g.tensorInput(0);
  auto shape = g.intsInput(1);
  if (!x)
    return failure();
  if (!shape) {
    g.nodeError() << "the shape operand must be a known integer vector";
    return failure();
  }
  for (auto [index, d] : llvm::enumerate(*shape))
    if (std::optional<int64_t> c = getConstantIntValue(d); c && *c < 0) {
      g.nodeError() << "shape entry " << index << " is " << *c
                    << "; sizes must be >= 0";
      return failure();
    }
  RankedTensorType xt = tensorType(x);
  int64_t rank = std::max<int64_t>(xt.getRank(), shape->size());
  int64_t xoff = rank - xt.getRank(), soff = rank - shape->size();
  SmallVector<OpFoldResult> sizes;
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < rank; ++d) {
    std::optional<int64_t> t;
    if (d >= soff)
      t = getConstantIntValue((*shape)[d - soff]);
    bool hasTarget = d >= soff && !(t && *t == 1);
    if (d < xoff) {
      sizes.push_back(d >= soff ? (*shape)[d - soff]
                                : OpFoldResult(g.builder.getIndexAttr(1)));
      continue;
    }
    int64_t xd = xt.getDimSize(d - xoff);
    if (xd == 1 && hasTarget) {
      sizes.push_back((*shape)[d - soff]);
      exprs.push_back(g.builder.getAffineConstantExpr(0));
    } else {
      if (xd != ShapedType::kDynamic && t && *t != 1 && *t != xd) {
        g.nodeError() << "cannot expand " << x.getType() << " to a size of "
                      << *t << " in dimension " << d;
        return failure();
      }
      sizes.push_back(g.dimSize(x, d - xoff));
      exprs.push_back(g.builder.getAffineDimExpr(d));
      // A target size known only at run time must be 1 or x's own size
      // (numpy's rule; x's dimension is not broadcast here).
      if (d >= soff && !(t && (*t == 1 || *t == xd))) {
        Value target = g.indexValue((*shape)[d - soff]);
        Value own = g.indexValue(g.dimSize(x, d - xoff));
        Value one = arith::ConstantIndexOp::create(g.builder, g.loc, 1);
        Value ok = arith::OrIOp::create(
            g.builder, g.loc,
            arith::CmpIOp::create(g.builder, g.loc, arith::CmpIPredicate::eq,
                                  target, one),
            arith::CmpIOp::create(g.builder, g.loc, arith::CmpIPredicate::eq,
                                  target, own));
        seq::createCheck(g.builder, g.loc, ok, target,
                         seq::describeLocation(g.loc) +
                             ": cannot expand dimension " + std::to_string(d) +
                             " to {} (it must be 1 or the input's size)",
                         seq::CheckKind::shape);
      }
    }
  }
  Value init =
      seq::createEmptyTensor(g.builder, g.loc, sizes, xt.getElementType());
  SmallVector<AffineMap> maps{
      AffineMap::get(rank, 0, exprs, g.context),
      AffineMap::getMultiDimIdentityMap(rank, g.context)};
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  auto generic =
      linalg::GenericOp::create(g.builder, g.loc, TypeRange{init.getType()},
                                ValueRange{x}, ValueRange{init}, maps, iters,
                                [&](OpBuilder &b, Location l, ValueRange args) {
                                  linalg::YieldOp::create(b, l, args[0]);
                                });
  g.setOutput(0, generic.getResult(0));
  return success();
}

} // namespace

LogicalResult importReplicationOp(GraphImporter &g, StringRef op,
                                  bool &handled) {
  handled = true;
  if (op == "Pad")
    return importPad(g);
  if (op == "Tile")
    return importTile(g);
  if (op == "Expand")
    return importExpand(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
