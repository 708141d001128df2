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

/// How Pad fills: mirrored without repeating the edge (numpy's and
/// PyTorch's "reflect"), the edge repeated (PyTorch's "replicate"), or
/// wrapped around (opset 19; numpy's "wrap", PyTorch's "circular").
enum class PadFill { reflect, edge, wrap };

/// Pad with mode reflect, edge or wrap by `low[d]` / `high[d]` (>= 0,
/// index values or constants): each output element reads x at its index
/// mapped back into range (wrap: modulo the dimension). reflect needs
/// every pad below its dimension's size, edge a non-empty dimension where
/// it pads, wrap a non-empty one at least as large as each pad (torch's
/// circular padding's rule; wrapping more than once, numpy's np.pad,
/// which ONNX's reference implementation calls, is not periodic: its
/// result for pads past the size is refused rather than guessed); what is
/// known only at run time is checked then.
Value padByIndexing(GraphImporter &g, Value x, ArrayRef<OpFoldResult> low,
                    ArrayRef<OpFoldResult> high, PadFill fill) {
  bool reflect = fill == PadFill::reflect;
  RankedTensorType xt = tensorType(x);
  int64_t rank = xt.getRank();
  SmallVector<OpFoldResult> in = shapeOf(g, x), out;
  SmallVector<Value> extents;
  for (int64_t d = 0; d < rank; ++d) {
    Value n = g.indexValue(in[d]);
    extents.push_back(n);
    out.push_back(foldedIndexOp(g, '+', foldedIndexOp(g, '+', in[d], low[d]),
                                high[d]));
    if (isConstantIntValue(low[d], 0) && isConstantIntValue(high[d], 0))
      continue;
    // reflect: max(lo, hi) <= n - 1; edge: n >= 1.
    std::optional<int64_t> size = getConstantIntValue(in[d]),
                           lo = getConstantIntValue(low[d]),
                           hi = getConstantIntValue(high[d]);
    bool wrap = fill == PadFill::wrap;
    std::string what =
        fill == PadFill::edge ? "edge padding needs at least one element"
        : wrap && lo && hi
            ? "wrap padding by " + std::to_string(std::max(*lo, *hi)) +
                  " needs at least " +
                  std::to_string(std::max<int64_t>({*lo, *hi, 1})) +
                  " elements (it wraps around once at most)"
        : wrap ? std::string("wrap padding by a run-time amount needs a "
                             "non-empty dimension at least that large (it "
                             "wraps around once at most)")
        : lo && hi
            ? "reflect padding by " + std::to_string(std::max(*lo, *hi)) +
                  " needs more than that many elements"
            : std::string("reflect padding by a run-time amount needs more "
                          "elements than that amount");
    if (size && lo && hi) {
      int64_t need = reflect ? std::max(*lo, *hi) + 1
                     : wrap  ? std::max<int64_t>({*lo, *hi, 1})
                             : 1;
      if (*size < need) {
        g.nodeError() << what << " in dimension " << d << ", which has "
                      << *size;
        return Value();
      }
      continue;
    }
    Value need = arith::ConstantIndexOp::create(g.builder, g.loc, 1);
    Value widest = arith::MaxSIOp::create(
        g.builder, g.loc, g.indexValue(low[d]), g.indexValue(high[d]));
    if (reflect)
      need = arith::AddIOp::create(g.builder, g.loc, widest, need);
    else if (wrap)
      need = arith::MaxSIOp::create(g.builder, g.loc, widest, need);
    Value ok = arith::CmpIOp::create(g.builder, g.loc,
                                     arith::CmpIPredicate::sge, n, need);
    seq::createCheck(g.builder, g.loc, ok, n,
                     seq::describeLocation(g.loc) + ": " + what +
                         " in dimension " + std::to_string(d) +
                         ", which has {}",
                     seq::CheckKind::shape);
  }
  SmallVector<Value> lows;
  for (OpFoldResult lo : low)
    lows.push_back(g.indexValue(lo));
  return gatherByIndices(
      g, x, out, [&](OpBuilder &b, Location l, ArrayRef<Value> loops) {
        SmallVector<Value> idx;
        for (int64_t d = 0; d < rank; ++d) {
          Value i = loops[d];
          if (isConstantIntValue(low[d], 0) &&
              isConstantIntValue(high[d], 0)) {
            idx.push_back(i);
            continue;
          }
          auto cst = [&](int64_t v) {
            return arith::ConstantIndexOp::create(b, l, v);
          };
          Value j = arith::SubIOp::create(b, l, i, lows[d]);
          Value last = arith::SubIOp::create(b, l, extents[d], cst(1));
          if (reflect) {
            // |j| folds the front; last - |last - |j|| folds the back.
            Value front = arith::MaxSIOp::create(
                b, l, j, arith::SubIOp::create(b, l, cst(0), j));
            Value back = arith::SubIOp::create(b, l, last, front);
            Value backAbs = arith::MaxSIOp::create(
                b, l, back, arith::SubIOp::create(b, l, cst(0), back));
            j = arith::SubIOp::create(b, l, last, backAbs);
          } else if (fill == PadFill::wrap) {
            // j in [-n, 2n) (no pad exceeds n): j + n before, j - n after.
            Value before = arith::CmpIOp::create(
                b, l, arith::CmpIPredicate::slt, j, cst(0));
            Value after = arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                                j, extents[d]);
            j = arith::SelectOp::create(
                b, l, before, arith::AddIOp::create(b, l, j, extents[d]),
                arith::SelectOp::create(
                    b, l, after, arith::SubIOp::create(b, l, j, extents[d]),
                    j));
          } else {
            j = arith::MinSIOp::create(
                b, l, arith::MaxSIOp::create(b, l, j, cst(0)), last);
          }
          idx.push_back(j);
        }
        return idx;
      });
}

/// Pad's `pads` input (begins of every axis, then ends): known
/// elements, or read from the tensor at run time (F.pad with amounts
/// computed from a length: torch exports them through Reshape, Slice and
/// Transpose of a 2-D tensor). Emits an error and returns none when it is
/// not an integer vector of `count` elements.
std::optional<Ints> padAmounts(GraphImporter &g, size_t count) {
  std::string found;
  if (std::optional<Ints> known = g.intsInput(1)) {
    if (known->size() == count)
      return known;
    found = std::to_string(known->size()) + " elements";
  } else if (Value pads = g.tensorInput(1)) {
    RankedTensorType type = tensorType(pads);
    if (type.getRank() == 1 && type.getDimSize(0) == (int64_t)count &&
        isa<IntegerType>(type.getElementType()) &&
        !type.getElementType().isInteger(1)) {
      Ints amounts;
      for (size_t i = 0; i < count; ++i) {
        Value index = arith::ConstantIndexOp::create(g.builder, g.loc, i);
        Value element = tensor::ExtractOp::create(g.builder, g.loc, pads,
                                                  ValueRange{index});
        amounts.push_back(arith::IndexCastOp::create(g.builder, g.loc,
                                                     g.builder.getIndexType(),
                                                     element)
                              .getResult());
      }
      return amounts;
    }
    llvm::raw_string_ostream os(found);
    os << "a " << type;
  } else {
    return std::nullopt;
  }
  g.nodeError() << "pads must be an integer vector of " << count
                << " elements (2 x the padded dimensions: the input rank, "
                   "or from opset 18 the length of axes), found "
                << found;
  return std::nullopt;
}

/// v >= 0: an error naming the node when v is a constant, else a run-time
/// check that fails the run. `message` has a {} where v's value goes.
LogicalResult checkNonNegative(GraphImporter &g, OpFoldResult v,
                               const std::string &message) {
  if (std::optional<int64_t> c = getConstantIntValue(v)) {
    if (*c >= 0)
      return success();
    std::string text = message;
    text.replace(text.find("{}"), 2, std::to_string(*c));
    g.nodeError() << text;
    return failure();
  }
  Value n = g.indexValue(v);
  seq::createCheck(g.builder, g.loc,
                   arith::CmpIOp::create(
                       g.builder, g.loc, arith::CmpIPredicate::sge, n,
                       arith::ConstantIndexOp::create(g.builder, g.loc, 0)),
                   n, seq::describeLocation(g.loc) + ": " + message,
                   seq::CheckKind::shape);
  return success();
}

/// max(v, 0), folded for constants.
OpFoldResult clampedAtZero(GraphImporter &g, OpFoldResult v) {
  if (std::optional<int64_t> c = getConstantIntValue(v))
    return g.builder.getIndexAttr(std::max<int64_t>(*c, 0));
  return arith::MaxSIOp::create(
             g.builder, g.loc, g.indexValue(v),
             arith::ConstantIndexOp::create(g.builder, g.loc, 0))
      .getResult();
}

/// ONNX Pad (opsets 11-22; PyTorch F.pad): constant (tensor.pad), reflect,
/// edge or (from opset 19) wrap mode. Amounts may be computed at run time
/// (padding a length to a block size) and are at most 2^40; a negative amount
/// removes elements (after the padding: for constant, edge and reflect the
/// same as ONNX Runtime's removing first; wrap takes none), and removing
/// more than a dimension has fails the run. From opset 18 an `axes` input selects
/// the padded dimensions.
LogicalResult importPad(GraphImporter &g) {
  if (failed(g.checkAttrs({"mode"})))
    return failure();
  std::string mode = g.stringAttr("mode").value_or("constant");
  if (mode == "wrap" && g.opset < 19) {
    g.nodeError() << "mode 'wrap' is a mode of opset 19 and later (the "
                     "model imports opset "
                  << g.opset << ")";
    return failure();
  }
  if (mode != "constant" && mode != "reflect" && mode != "edge" &&
      mode != "wrap") {
    g.nodeError() << "mode '" << mode
                  << "' is not supported (constant, reflect, edge and, from "
                     "opset 19, wrap are)";
    return failure();
  }
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  RankedTensorType xt = tensorType(x);
  int64_t rank = xt.getRank();
  // From opset 18, `axes` (input 3) names the padded dimensions: `pads`
  // then has their begins and ends, the others are not padded.
  std::optional<Ints> pads;
  if (g.opset >= 18 && g.hasInput(3)) {
    std::optional<SmallVector<int64_t>> axes = g.constIntsInput(3);
    if (!axes) {
      g.nodeError() << "axes must be a constant";
      return failure();
    }
    std::optional<Ints> given = padAmounts(g, 2 * axes->size());
    if (!given)
      return failure();
    std::optional<SmallVector<int64_t>> dims =
        normalizeDistinctAxes(g, *axes, rank);
    if (!dims)
      return failure();
    pads = Ints(2 * rank, g.builder.getIndexAttr(0));
    for (auto [i, d] : llvm::enumerate(*dims)) {
      (*pads)[d] = (*given)[i];
      (*pads)[d + rank] = (*given)[i + dims->size()];
    }
  } else {
    pads = padAmounts(g, 2 * rank);
  }
  if (!pads)
    return failure();
  // Amounts past 2^40 (a size no tensor reaches) are an error: bounded so,
  // no output size computed from them can wrap.
  constexpr int64_t kMaxPad = int64_t(1) << 40;
  for (auto [k, amount] : llvm::enumerate(*pads)) {
    std::string what = "pads entry " + std::to_string(k);
    if (std::optional<int64_t> c = getConstantIntValue(amount)) {
      if (*c > kMaxPad || *c < -kMaxPad) {
        g.nodeError() << what << " is " << *c
                      << ", past the 2^40 elements a pad may add or remove";
        return failure();
      }
      continue;
    }
    Value v = g.indexValue(amount);
    auto cmp = [&](arith::CmpIPredicate p, int64_t bound) {
      return arith::CmpIOp::create(
          g.builder, g.loc, p, v,
          arith::ConstantIndexOp::create(g.builder, g.loc, bound));
    };
    seq::createCheck(
        g.builder, g.loc,
        arith::AndIOp::create(g.builder, g.loc,
                              cmp(arith::CmpIPredicate::sle, kMaxPad),
                              cmp(arith::CmpIPredicate::sge, -kMaxPad)),
        v,
        seq::describeLocation(g.loc) + ": " + what +
            " is {}, past the 2^40 elements a pad may add or remove",
        seq::CheckKind::shape);
  }
  OpFoldResult zero = g.builder.getIndexAttr(0);
  SmallVector<OpFoldResult> low(rank, zero), high(rank, zero);
  for (int64_t d = 0; d < rank; ++d) {
    low[d] = (*pads)[d];
    high[d] = (*pads)[d + rank];
  }
  // A negative pad with wrap: ONNX Runtime and PyTorch's circular padding
  // crop first and wrap what is left, where the pads below pad first (for
  // constant, edge and reflect the orders agree): refused, not guessed.
  if (mode == "wrap")
    for (int64_t d = 0; d < rank; ++d)
      for (OpFoldResult amount : {low[d], high[d]})
        if (failed(checkNonNegative(
                g, amount,
                "wrap padding with a negative pad (cropping) in dimension " +
                    std::to_string(d) + " is not supported (pad {})")))
          return failure();
  // Pad by the positive parts, then remove the negative parts.
  SmallVector<OpFoldResult> padLow, padHigh, cropLow, cropHigh;
  for (int64_t d = 0; d < rank; ++d) {
    padLow.push_back(clampedAtZero(g, low[d]));
    padHigh.push_back(clampedAtZero(g, high[d]));
    cropLow.push_back(clampedAtZero(g, foldedIndexOp(g, '-', zero, low[d])));
    cropHigh.push_back(clampedAtZero(g, foldedIndexOp(g, '-', zero, high[d])));
  }
  Value padded;
  if (mode != "constant") {
    padded = padByIndexing(g, x, padLow, padHigh,
                           mode == "reflect" ? PadFill::reflect
                           : mode == "edge"  ? PadFill::edge
                                             : PadFill::wrap);
    if (!padded)
      return failure();
  } else {
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
    SmallVector<int64_t> shape;
    for (int64_t d = 0; d < rank; ++d) {
      std::optional<int64_t> lo = getConstantIntValue(padLow[d]),
                             hi = getConstantIntValue(padHigh[d]);
      shape.push_back(xt.isDynamicDim(d) || !lo || !hi
                          ? ShapedType::kDynamic
                          : xt.getDimSize(d) + *lo + *hi);
    }
    Value value =
        arith::ConstantOp::create(g.builder, g.loc, cast<TypedAttr>(fill));
    padded = tensor::PadOp::create(
                 g.builder, g.loc,
                 RankedTensorType::get(shape, xt.getElementType()), x, padLow,
                 padHigh, value)
                 .getResult();
  }
  auto isZero = [](OpFoldResult c) { return isConstantIntValue(c, 0); };
  if (llvm::all_of(cropLow, isZero) && llvm::all_of(cropHigh, isZero)) {
    g.setOutput(0, padded);
    return success();
  }
  SmallVector<OpFoldResult> paddedSizes = shapeOf(g, padded), sizes;
  SmallVector<int64_t> shape;
  for (int64_t d = 0; d < rank; ++d) {
    OpFoldResult size = foldedIndexOp(
        g, '-', foldedIndexOp(g, '-', paddedSizes[d], cropLow[d]),
        cropHigh[d]);
    if (failed(checkNonNegative(g, size,
                                "negative pads leave {} elements in "
                                "dimension " +
                                    std::to_string(d))))
      return failure();
    std::optional<int64_t> known = getConstantIntValue(size);
    sizes.push_back(size);
    shape.push_back(known ? *known : ShapedType::kDynamic);
    // (Nothing left: the slice starts at 0, not past the end.)
    if (known && *known == 0)
      cropLow[d] = g.builder.getIndexAttr(0);
  }
  SmallVector<OpFoldResult> strides(rank, g.builder.getIndexAttr(1));
  g.setOutput(0, tensor::ExtractSliceOp::create(
                     g.builder, g.loc,
                     RankedTensorType::get(shape, xt.getElementType()), padded,
                     cropLow, sizes, strides)
                     .getResult());
  return success();
}

/// Tile(input, repeats): output dimension d is input_d * repeats_d and
/// element [i...] is input[i_d mod input_d ...]: one generic that gathers
/// from the input (any element type). Repeats must be >= 0 (a negative
/// one known only at run time fails the allocation-size check).
/// `x` copied to a tensor of `sizes`, element (i0, i1, ...) read at
/// `exprs` of those indices (a broadcast: each of x's dimensions at one
/// of the result's, or at 0).
Value broadcastTo(GraphImporter &g, Value x, ArrayRef<OpFoldResult> sizes,
                  ArrayRef<AffineExpr> exprs) {
  int64_t loops = sizes.size();
  Value init = seq::createEmptyTensor(g.builder, g.loc, sizes,
                                      tensorType(x).getElementType());
  SmallVector<AffineMap> maps{
      AffineMap::get(loops, 0, exprs, g.context),
      AffineMap::getMultiDimIdentityMap(loops, g.context)};
  SmallVector<utils::IteratorType> iters(loops, utils::IteratorType::parallel);
  auto generic =
      linalg::GenericOp::create(g.builder, g.loc, TypeRange{init.getType()},
                                ValueRange{x}, ValueRange{init}, maps, iters,
                                [&](OpBuilder &b, Location l, ValueRange args) {
                                  linalg::YieldOp::create(b, l, args[0]);
                                });
  return generic.getResult(0);
}

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
  SmallVector<OpFoldResult> in = shapeOf(g, x);
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
    if ((cr && cin && !llvm::MulOverflow(*cr, *cin, product)) ||
        (cr && *cr <= 1))
      continue;
    // At run time the product must not wrap (repeats in the billions
    // would make a small, wrong output) and a repeat must not be negative.
    Value one = arith::ConstantOp::create(g.builder, g.loc,
                                          g.builder.getI64IntegerAttr(1));
    auto [product64, exact] = seq::createExactProduct(
        g.builder, g.loc, one,
        ValueRange{g.indexValue(in[d]), g.indexValue(r)});
    seq::createCheck(g.builder, g.loc, exact, g.indexValue(r),
                     seq::describeLocation(g.loc) + ": repeats entry " +
                         std::to_string(d) +
                         " is {}, which makes a negative output size or "
                         "one past 2^63",
                     seq::CheckKind::shape);
  }
  if (rank == 0) {
    g.setOutput(0, x);
    return success();
  }
  // A repeat of 0 leaves nothing to copy: an empty tensor of the output's
  // shape (the broadcast below would collapse a 0 with a run-time size).
  if (llvm::any_of(*repeats,
                   [](OpFoldResult r) { return isConstantIntValue(r, 0); })) {
    SmallVector<OpFoldResult> outSizes;
    for (int64_t d = 0; d < rank; ++d)
      outSizes.push_back(isConstantIntValue((*repeats)[d], 0)
                             ? g.builder.getIndexAttr(0)
                             : foldedIndexOp(g, '*', in[d], (*repeats)[d]));
    g.setOutput(0, tensor::EmptyOp::create(g.builder, g.loc, outSizes,
                                           tensorType(x).getElementType())
                       .getResult());
    return success();
  }
  // Tile is a broadcast to [r0, d0, r1, d1, ...] (a dimension repeated
  // once keeps only d) collapsed pairwise: output[i] = x[i mod d] is
  // x[b] at i = a * d + b. No element is read at a computed index, so the
  // copy vectorizes, and a dimension repeated once stays a plain loop
  // (along time, a model that tiles only its features streams).
  SmallVector<OpFoldResult> sizes;
  SmallVector<AffineExpr> exprs;
  SmallVector<ReassociationIndices> groups;
  for (int64_t d = 0; d < rank; ++d) {
    ReassociationIndices group;
    std::optional<int64_t> cr = getConstantIntValue((*repeats)[d]);
    if (!cr || *cr != 1) {
      group.push_back(sizes.size());
      sizes.push_back((*repeats)[d]);
    }
    group.push_back(sizes.size());
    exprs.push_back(g.builder.getAffineDimExpr(sizes.size()));
    sizes.push_back(in[d]);
    groups.push_back(group);
  }
  Value tiled = broadcastTo(g, x, sizes, exprs);
  if ((int64_t)sizes.size() != rank)
    tiled = tensor::CollapseShapeOp::create(g.builder, g.loc, tiled, groups);
  g.setOutput(0, tiled);
  return success();
}

/// Expand of shape arithmetic: an integer scalar or vector known element
/// by element, expanded to a vector of constant length, stays so (torch
/// 1.13's repeat_interleave export expands the repeat count to one per
/// piece and splits it into the Expand shapes of the pieces; kept symbolic,
/// those shapes fold to constants and the repeated heads keep static
/// extents). Whether it applied.
bool expandSymbolicInts(GraphImporter &g) {
  // (The largest vector made so: shape arithmetic is short.)
  constexpr int64_t kMaxExpandedInts = 1024;
  const OnnxValue *in = g.input(0);
  auto shape = g.intsInput(1);
  if (!isSymbolicInt(in) || !shape || shape->size() > 1)
    return false;
  Ints elems = *g.intsInput(0);
  if (shape->empty()) {
    g.setOutput(0, symbolic(elems, isScalarInt(in)));
    return true;
  }
  std::optional<int64_t> target = getConstantIntValue(shape->front());
  if (!target || *target < 0 || *target > kMaxExpandedInts)
    return false;
  std::optional<size_t> length = broadcastLength(elems.size(), *target);
  if (!length)
    return false; // (the tensor path says why)
  if (*length != elems.size())
    elems.assign(*length, elems.front());
  g.setOutput(0, symbolic(elems, /*scalar=*/false));
  return true;
}

LogicalResult importExpand(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  if (expandSymbolicInts(g))
    return success();
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
  g.checkSizesNotNegative(*shape, "shape entry");
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
        seq::createCheck(
            g.builder, g.loc, ok, target,
            seq::describeLocation(g.loc) + ": cannot expand dimension " +
                std::to_string(d) +
                " to {}: it must be 1 or the input's size there" +
                (xd == ShapedType::kDynamic
                     ? " (seqc broadcasts an input dimension only where it "
                       "is 1 in the model's types, not where it turns out 1 "
                       "at run time)"
                     : ""),
            seq::CheckKind::shape);
      }
    }
  }
  g.setOutput(0, broadcastTo(g, x, sizes, exprs));
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
