//===- MoreOps.cpp - Pad, Tile, Split, Trilu, Expand, Range ---------------===//
//
// The ops PyTorch's exporter emits for convolutional and attention models
// beyond the elementwise and layout ones of TensorOps.cpp: Pad (constant as
// tensor.pad, reflect and edge by indexing), Tile, Split, Range, and the
// Trilu and Expand that causal masks are built from
// (the comparisons and logic in LogicalOps.cpp, the reductions in
// ReductionOps.cpp).
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

LogicalResult importSplit(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis"})))
    return failure();
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  int64_t rank = tensorType(x).getRank();
  auto axis = normalizeAxis(g, g.intAttr("axis", 0), rank);
  if (!axis)
    return failure();
  unsigned n = g.numOutputs();
  SmallVector<OpFoldResult> sizes = shapeOf(g, x), lengths;
  if (g.hasInput(1)) {
    auto split = g.constIntsInput(1);
    if (!split || split->size() != n) {
      g.nodeError() << "split must be a constant with one entry per output";
      return failure();
    }
    int64_t total = 0;
    for (int64_t s : *split) {
      if (s < 0) {
        g.nodeError() << "split sizes must not be negative";
        return failure();
      }
      total += s;
      lengths.push_back(g.builder.getIndexAttr(s));
    }
    std::optional<int64_t> dim = getConstantIntValue(sizes[*axis]);
    if (dim && *dim != total) {
      g.nodeError() << "split sizes add up to " << total << ", not " << *dim;
      return failure();
    }
  } else {
    std::optional<int64_t> dim = getConstantIntValue(sizes[*axis]);
    OpFoldResult len;
    if (dim) {
      if (*dim % n) {
        g.nodeError() << "dimension " << *dim << " does not split evenly into "
                      << n << " outputs";
        return failure();
      }
      len = g.builder.getIndexAttr(*dim / n);
    } else {
      len = arith::DivUIOp::create(
                g.builder, g.loc, g.indexValue(sizes[*axis]),
                arith::ConstantIndexOp::create(g.builder, g.loc, n))
                .getResult();
    }
    lengths.assign(n, len);
  }
  OpFoldResult offset = g.builder.getIndexAttr(0);
  for (unsigned i = 0; i < n; ++i) {
    SmallVector<OpFoldResult> offsets(rank, g.builder.getIndexAttr(0)),
        part(sizes), strides(rank, g.builder.getIndexAttr(1));
    offsets[*axis] = offset;
    part[*axis] = lengths[i];
    g.setOutput(i, tensor::ExtractSliceOp::create(g.builder, g.loc, x, offsets,
                                                  part, strides)
                       .getResult());
    std::optional<int64_t> a = getConstantIntValue(offset),
                           b = getConstantIntValue(lengths[i]);
    if (a && b)
      offset = g.builder.getIndexAttr(*a + *b);
    else
      offset = arith::AddIOp::create(g.builder, g.loc, g.indexValue(offset),
                                     g.indexValue(lengths[i]))
                   .getResult();
  }
  return success();
}

/// Whether input `i` is a rank-0 integer (symbolic or constant).
LogicalResult importTrilu(GraphImporter &g) {
  if (failed(g.checkAttrs({"upper"})))
    return failure();
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  int64_t rank = tensorType(x).getRank();
  if (rank < 2) {
    g.nodeError() << "the input must have rank 2 or more";
    return failure();
  }
  int64_t k = 0;
  if (g.hasInput(1)) {
    auto kv = g.constIntsInput(1);
    if (!kv || kv->size() != 1) {
      g.nodeError() << "k must be a constant scalar";
      return failure();
    }
    k = (*kv)[0];
  }
  bool upper = g.intAttr("upper", 1) != 0;
  Type et = tensorType(x).getElementType();
  FailureOr<Value> r = buildElementwise(
      g, {x}, [&](OpBuilder &b, Location l, ValueRange a) -> Value {
        Value i = linalg::IndexOp::create(b, l, rank - 2);
        Value j = linalg::IndexOp::create(b, l, rank - 1);
        // upper keeps j - i >= k, lower keeps j - i <= k.
        Value diff = arith::SubIOp::create(b, l, j, i);
        Value kc = arith::ConstantIndexOp::create(b, l, k);
        Value keep = arith::CmpIOp::create(
            b, l, upper ? arith::CmpIPredicate::sge : arith::CmpIPredicate::sle,
            diff, kc);
        Value zero =
            arith::ConstantOp::create(b, l, cast<TypedAttr>(b.getZeroAttr(et)));
        return arith::SelectOp::create(b, l, keep, a[0], zero);
      });
  if (failed(r))
    return failure();
  g.setOutput(0, *r);
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

/// Range(start, limit, delta) of integers: [start, start + delta, ...),
/// max(ceil((limit - start) / delta), 0) elements (positions for
/// embeddings; a negative delta counts down: x[:, arange(T - 1, -1, -1)]).
/// Range of f32 scalars: max(ceil((limit - start) / delta), 0) elements
/// start + i * delta (the ONNX formula), delta known at run time too; a
/// zero delta, or a count past 2^31, fails the run.
LogicalResult importFloatRange(GraphImporter &g) {
  SmallVector<Value> scalars;
  for (unsigned i = 0; i < 3; ++i) {
    Value v = floatInput(g, i);
    if (!v)
      return failure();
    if (tensorType(v).getRank() != 0) {
      g.nodeError() << "input " << i << " must be a scalar";
      return failure();
    }
    scalars.push_back(
        tensor::ExtractOp::create(g.builder, g.loc, v, ValueRange{}));
  }
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  Value s = scalars[0], d = scalars[2];
  Value count = math::CeilOp::create(
      b, loc,
      arith::DivFOp::create(b, loc,
                            arith::SubFOp::create(b, loc, scalars[1], s), d));
  count = arith::MaximumFOp::create(
      b, loc, count, arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)));
  // The count must be finite and in range before it becomes a size.
  Value ok = arith::AndIOp::create(
      b, loc,
      arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::ONE, d,
          arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0))),
      arith::CmpFOp::create(
          b, loc, arith::CmpFPredicate::OLE, count,
          arith::ConstantOp::create(b, loc, b.getF32FloatAttr(2147483648.0f))));
  seq::createCheck(b, loc, ok, Value(),
                   seq::describeLocation(loc) +
                       ": Range needs a nonzero delta and at most 2^31 "
                       "elements",
                   seq::CheckKind::shape);
  Value safe = arith::SelectOp::create(
      b, loc, ok, count,
      arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0)));
  Value n = arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      arith::FPToSIOp::create(b, loc, b.getI64Type(), safe));
  Value init =
      seq::createEmptyTensor(b, loc, {OpFoldResult(n)}, b.getF32Type());
  auto map = AffineMap::getMultiDimIdentityMap(1, g.context);
  g.setOutput(
      0,
      linalg::GenericOp::create(
          b, loc, TypeRange{init.getType()}, ValueRange{}, ValueRange{init},
          ArrayRef<AffineMap>{map},
          ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
          [&](OpBuilder &ib, Location l, ValueRange) {
            Value i = arith::SIToFPOp::create(
                ib, l, ib.getF32Type(),
                arith::IndexCastOp::create(ib, l, ib.getI64Type(),
                                           linalg::IndexOp::create(ib, l, 0)));
            linalg::YieldOp::create(
                ib, l,
                arith::AddFOp::create(ib, l, s,
                                      arith::MulFOp::create(ib, l, i, d))
                    .getResult());
          })
          .getResult(0));
  return success();
}

LogicalResult importRange(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  if (!isIntegerData(g, 0) || !isIntegerData(g, 1) || !isIntegerData(g, 2))
    return importFloatRange(g);
  auto start = g.intsInput(0), limit = g.intsInput(1), delta = g.intsInput(2);
  if (!start || !limit || !delta || start->size() != 1 || limit->size() != 1 ||
      delta->size() != 1) {
    g.nodeError() << "start, limit and delta must be scalars";
    return failure();
  }
  std::optional<int64_t> step = getConstantIntValue((*delta)[0]);
  if (!step || *step == 0) {
    g.nodeError() << "delta must be a nonzero constant";
    return failure();
  }
  // max(ceil((limit - start) / delta), 0) elements. arange(T) of a
  // tensor's length T has exactly T (kept as that size, so that the same
  // length is seen as the same: Reshape's -1, broadcasting).
  Value s = g.indexValue((*start)[0]);
  OpFoldResult length = foldedIndexOp(g, '-', (*limit)[0], (*start)[0]);
  // ceil(x * step / step) is x: arange(0, 2 * T, 2) has T elements.
  auto mul = dyn_cast<Value>(length)
                 ? cast<Value>(length).getDefiningOp<arith::MulIOp>()
                 : arith::MulIOp();
  if (mul && getConstantIntValue(mul.getRhs()) == *step)
    length = mul.getLhs();
  else if (mul && getConstantIntValue(mul.getLhs()) == *step)
    length = mul.getRhs();
  else if (*step != 1)
    length = arith::CeilDivSIOp::create(
                 g.builder, g.loc, g.indexValue(length),
                 arith::ConstantIndexOp::create(g.builder, g.loc, *step))
                 .getResult();
  std::optional<int64_t> constantLength = getConstantIntValue(length);
  auto isSize = [](OpFoldResult size) {
    auto v = dyn_cast<Value>(seq::getDecidedSize(size));
    return v && v.getDefiningOp<tensor::DimOp>();
  };
  SmallVector<OpFoldResult> size{length};
  if (constantLength)
    size[0] = g.builder.getIndexAttr(std::max<int64_t>(*constantLength, 0));
  else if (!isSize(length))
    size[0] = arith::MaxSIOp::create(
                  g.builder, g.loc, g.indexValue(length),
                  arith::ConstantIndexOp::create(g.builder, g.loc, 0))
                  .getResult();
  Type i64 = g.builder.getI64Type();
  Value init = seq::createEmptyTensor(g.builder, g.loc, size, i64);
  auto map = AffineMap::getMultiDimIdentityMap(1, g.context);
  auto generic = linalg::GenericOp::create(
      g.builder, g.loc, TypeRange{init.getType()}, ValueRange{},
      ValueRange{init}, ArrayRef<AffineMap>{map},
      ArrayRef<utils::IteratorType>{utils::IteratorType::parallel},
      [&](OpBuilder &b, Location loc, ValueRange) {
        Value i = linalg::IndexOp::create(b, loc, 0);
        Value v = arith::AddIOp::create(
            b, loc, s,
            arith::MulIOp::create(
                b, loc, i, arith::ConstantIndexOp::create(b, loc, *step)));
        linalg::YieldOp::create(
            b, loc, arith::IndexCastOp::create(b, loc, i64, v).getResult());
      });
  g.setOutput(0, generic.getResult(0));
  return success();
}

} // namespace

LogicalResult importMoreOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "Pad")
    return importPad(g);
  if (op == "Tile")
    return importTile(g);
  if (op == "Split")
    return importSplit(g);
  if (op == "Trilu")
    return importTrilu(g);
  if (op == "Expand")
    return importExpand(g);
  if (op == "Range")
    return importRange(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
