//===- IndexingOps.cpp - ONNX Slice, Split and Gather --------------------===//
//
// Slice (bounds constant or computed at run time, ONNX's clamping folded
// or in index arithmetic: forward steps as tensor.extract_slice, negative
// steps as a gather that reads back to front; values known element by
// element sliced at import time), Split (consecutive slices along one
// axis), and Gather (OneHot: OneHotOp.cpp):
// shape vectors element by element at import time, a constant scalar index as a
// slice, embedding lookups as seq.embedding and any other index tensor as
// a generic that reads the data at each index, checked at run time.
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
#include "mlir/IR/Matchers.h"

#include "llvm/Support/MathExtras.h"

#include <climits>
#include <cmath>
#include <limits>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

/// Beyond every size: Slice's starts, ends and steps are clamped to
/// [-kFar, kFar], which keeps their arithmetic (v + dim, end - start,
/// -step) from overflowing without changing any slice.
constexpr int64_t kFar = int64_t(1) << 62;

/// `size` as a base size plus a constant: through additions and
/// subtractions of constants, a convolution's length (its input's T + 3)
/// and the sizes getDecidedSize reads back.
static std::pair<OpFoldResult, int64_t> splitOffset(OpFoldResult size) {
  int64_t offset = 0;
  for (int guard = 0; guard < 16; ++guard) {
    size = seq::getDecidedSize(size);
    auto v = dyn_cast_if_present<Value>(size);
    Operation *def = v ? v.getDefiningOp() : nullptr;
    // A convolution's length: its input's plus what its padding and
    // kernel change (seq.conv1d's shape rule, stride 1).
    if (auto dim = dyn_cast_if_present<tensor::DimOp>(def))
      if (auto conv = dim.getSource().getDefiningOp<seq::Conv1dOp>())
        if (std::optional<int64_t> change = conv.getLengthChange();
            change && dim.getConstantIndex() == 2) {
          int64_t next;
          if (llvm::AddOverflow(offset, *change, next))
            break;
          offset = next;
          size = seq::getDecidedSize(conv.getInput(), 2);
          continue;
        }
    if (!def || !isa<arith::AddIOp, arith::SubIOp>(def))
      break;
    std::optional<int64_t> rhs = getConstantIntValue(def->getOperand(1));
    std::optional<int64_t> lhs = getConstantIntValue(def->getOperand(0));
    int64_t next;
    if (rhs && !llvm::AddOverflow(
                   offset, isa<arith::AddIOp>(def) ? *rhs : -*rhs, next)) {
      offset = next;
      size = def->getOperand(0);
    } else if (lhs && isa<arith::AddIOp>(def) &&
               !llvm::AddOverflow(offset, *lhs, next)) {
      offset = next;
      size = def->getOperand(1);
    } else {
      break;
    }
  }
  return {size, offset};
}

/// Whether size `a` is at most size `b` on every run: both a base size plus
/// a constant (splitOffset), of one base, a's constant the smaller (the
/// end `T` of `conv(x)[..., :T]` within the padded length T + 3).
static bool isAtMost(OpFoldResult a, OpFoldResult b) {
  auto [baseA, offsetA] = splitOffset(a);
  auto [baseB, offsetB] = splitOffset(b);
  return offsetA <= offsetB && isSameRunSize(baseA, baseB);
}

/// The first index and the length of the slice [start:end:step] of a
/// dimension of size `dim` with step > 0 (ONNX Slice: a bound v < 0 counts
/// from the end, v + dim; both are clamped to [0, dim]; the length is
/// ceil((end - start) / step), or 0). Bounds and `dim` may be constants or
/// run-time sizes (a decoder's `pe[:, :T]`, Hugging Face GPT-2's
/// `bias[:, :, Tk - Tq : Tk, :Tk]`); constants fold.
std::pair<OpFoldResult, OpFoldResult>
sliceBounds(GraphImporter &g, OpFoldResult dim, OpFoldResult start,
            OpFoldResult end, int64_t step) {
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  auto cst = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  std::optional<int64_t> staticDim = getConstantIntValue(dim);
  auto clampBound = [&](OpFoldResult v) -> OpFoldResult {
    std::optional<int64_t> c = getConstantIntValue(v);
    // 0 is within [0, dim] on every run: kept a constant (a mask's column
    // offset in mask[Lk - Lq : Lk, :Lk], which seq-raise-attention needs to
    // see as 0).
    if (c && (*c == 0 || staticDim)) {
      int64_t r = *c;
      // r + dim without overflow: an r below -dim clamps to 0 anyway.
      if (staticDim && r < 0)
        r = r < -*staticDim ? 0 : r + *staticDim;
      return b.getIndexAttr(std::clamp<int64_t>(r, 0, staticDim.value_or(0)));
    }
    // dim - k of a dimension known to be a size plus at least k (the
    // causal conv's `conv(x)[..., :-pad]` of length T + pad): base + (the
    // rest), within [0, dim] on every run, so later shapes see T.
    if (c && *c < 0 && *c > -kFar) {
      auto [base, offset] = splitOffset(dim);
      auto size = dyn_cast_if_present<Value>(base);
      if (size && size.getDefiningOp<tensor::DimOp>() && offset + *c >= 0)
        return foldedIndexOp(g, '+', base, b.getIndexAttr(offset + *c));
    }
    Value d = g.indexValue(dim);
    Value r;
    if (c) {
      // Huge constants (INT64_MAX: "to the end") stay far from overflow.
      int64_t bounded = std::clamp<int64_t>(*c, -kFar, kFar);
      r = bounded < 0
              ? arith::AddIOp::create(b, loc, d, cst(bounded)).getResult()
              : cst(bounded);
    } else {
      r = g.indexValue(v);
      // A size within the dimension needs no clamping: the slice keeps
      // it, so later shapes can see it is that size (Mamba's
      // conv(x)[..., :T], reshaped with a -1 that is then 1).
      if (r.getDefiningOp<tensor::DimOp>() && isAtMost(r, dim))
        return r;
      // A size (tensor.dim) is never negative; anything else may be.
      if (!r.getDefiningOp<tensor::DimOp>()) {
        Value negative = b.createOrFold<arith::CmpIOp>(
            loc, arith::CmpIPredicate::slt, r, cst(0));
        r = b.createOrFold<arith::SelectOp>(
            loc, negative, b.createOrFold<arith::AddIOp>(loc, r, d), r);
      }
    }
    r = b.createOrFold<arith::MaxSIOp>(loc, r, cst(0));
    return b.createOrFold<arith::MinSIOp>(loc, r, d);
  };
  OpFoldResult s = clampBound(start), e = clampBound(end);
  // A start clamped to the end of a static dimension: empty whatever the
  // end (tensor.extract_slice rejects that offset even for no elements).
  if (staticDim && isConstantIntValue(s, *staticDim))
    return {s, b.getIndexAttr(0)};
  OpFoldResult len = foldedIndexOp(g, '-', e, s);
  if (std::optional<int64_t> c = getConstantIntValue(len))
    // ceil(c / step) for c > 0, without forming c + step - 1.
    return {s, b.getIndexAttr(*c <= 0 ? 0 : (*c - 1) / step + 1)};
  // end - start < 0 is an empty slice; from 0 the clamped end is >= 0.
  Value l = g.indexValue(len);
  if (!isConstantIntValue(s, 0))
    l = b.createOrFold<arith::MaxSIOp>(loc, l, cst(0));
  if (step != 1)
    l = b.createOrFold<arith::CeilDivSIOp>(loc, l, cst(step));
  return {s, l};
}

/// The first index and the length of the slice [start:end:step] of a
/// dimension of size `dim` with step < 0 (ONNX: start clamped to [0, dim -
/// 1] and end to [-1, dim - 1] after adding dim to negative ones; length
/// ceil((start - end) / -step), or 0). Bounds and `dim` may be constants or
/// run-time sizes; constant bounds are within +-2^62 (importSlice).
std::pair<OpFoldResult, OpFoldResult>
reverseSliceBounds(GraphImporter &g, OpFoldResult dim, OpFoldResult start,
                   OpFoldResult end, int64_t step) {
  std::optional<int64_t> c = getConstantIntValue(dim),
                         cs = getConstantIntValue(start),
                         ce = getConstantIntValue(end);
  if (c && cs && ce) {
    auto bound = [&](int64_t v, int64_t lo) {
      if (v < 0)
        v = v < -*c - 1 ? -1 : v + *c;
      return std::clamp<int64_t>(v, lo, *c - 1);
    };
    int64_t s = *c == 0 ? 0 : bound(*cs, 0), e = bound(*ce, -1);
    int64_t len = *c == 0 || s <= e ? 0 : (s - e - 1) / -step + 1;
    return {g.builder.getIndexAttr(s), g.builder.getIndexAttr(len)};
  }
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  auto cst = [&](int64_t v) {
    return arith::ConstantIndexOp::create(b, loc, v).getResult();
  };
  Value d = g.indexValue(dim);
  Value last = arith::SubIOp::create(b, loc, d, cst(1));
  auto bound = [&](OpFoldResult v, int64_t lo) -> Value {
    // v + dim for a negative v (no overflow: |v| <= 2^62 or dim >= 0).
    Value r;
    if (std::optional<int64_t> k = getConstantIntValue(v))
      r = *k < 0 ? arith::AddIOp::create(b, loc, d, cst(*k)).getResult()
                 : cst(*k);
    else {
      r = g.indexValue(v);
      Value negative = b.createOrFold<arith::CmpIOp>(
          loc, arith::CmpIPredicate::slt, r, cst(0));
      r = b.createOrFold<arith::SelectOp>(
          loc, negative, b.createOrFold<arith::AddIOp>(loc, r, d), r);
    }
    r = arith::MaxSIOp::create(b, loc, r, cst(lo));
    return arith::MinSIOp::create(b, loc, r, last);
  };
  Value s = arith::MaxSIOp::create(b, loc, bound(start, 0), cst(0));
  Value e = bound(end, -1);
  Value span = arith::SubIOp::create(b, loc, s, e);
  Value len = arith::CeilDivSIOp::create(b, loc, span, cst(-step));
  len = arith::MaxSIOp::create(b, loc, len, cst(0));
  // An empty dimension has an empty slice (its clamps above are vacuous).
  Value empty =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, d, cst(0));
  len = arith::SelectOp::create(b, loc, empty, cst(0), len);
  return {s, len};
}

/// For a slice [start:end:step] (step > 0, bounds within +-2^62) that
/// holds one element of every dimension of at least some size and none of
/// a shorter one (x[:, :1], x[:, -1:], x[:, 2:3], x[:, -3:-1:5]), that
/// size; else nullopt. With a run-time size d, ONNX clamps
/// start and end into [0, d] (after adding d to a negative one):
///  - 0 <= start < end, end - start <= step: one element iff d > start;
///  - start < 0, end past any size, -start <= step: the last -start
///    elements, or all d of a shorter dimension, one step's worth: one
///    element iff d >= 1;
///  - start < end < 0, end - start <= step: one element iff d > -end.
std::optional<int64_t> oneElementSliceNeed(int64_t start, int64_t end,
                                           int64_t step) {
  if (start >= 0 && end > start && end - start <= step)
    return start + 1;
  if (start < 0 && end >= INT32_MAX && -start <= step)
    return 1;
  if (start < 0 && end < 0 && end > start && end - start <= step)
    return 1 - end;
  return std::nullopt;
}

LogicalResult importSlice(GraphImporter &g) {
  if (failed(g.checkAttrs({})))
    return failure();
  std::optional<Ints> starts = g.intsInput(1), ends = g.intsInput(2);
  if (!starts || !ends || starts->size() != ends->size()) {
    g.nodeError() << "starts and ends must be constants or sizes computed "
                     "from shapes (Shape, Gather, Sub, ...), of equal length";
    return failure();
  }
  size_t count = starts->size();
  FailureOr<SmallVector<int64_t>> axesOr = sliceAxes(g, count);
  if (failed(axesOr))
    return failure();
  SmallVector<int64_t> axes = *axesOr, steps(count, 1);
  if (g.hasInput(4)) {
    auto s = g.constIntsInput(4);
    if (!s) {
      g.nodeError() << "steps must be a constant";
      return failure();
    }
    steps = *s;
  }
  if (steps.size() != count) {
    g.nodeError() << "starts, ends and steps differ in length";
    return failure();
  }
  for (int64_t &step : steps) {
    if (step == 0) {
      g.nodeError() << "step 0 is not allowed";
      return failure();
    }
    // No size reaches 2^62: a larger step (or bound) means the same, and
    // the arithmetic below (-step, end - start) cannot overflow.
    step = std::clamp<int64_t>(step, -kFar, kFar);
  }
  for (Ints *bounds : {&*starts, &*ends})
    for (OpFoldResult &bound : *bounds)
      if (std::optional<int64_t> c = getConstantIntValue(bound))
        bound = g.builder.getIndexAttr(std::clamp<int64_t>(*c, -kFar, kFar));
  const OnnxValue *in = g.input(0);
  if (!in) {
    g.nodeError() << "input 0 (data) is missing";
    return failure();
  }
  if (count == 0) {
    // Nothing to slice (ONNX allows empty starts and ends).
    g.setOutput(0, *in);
    return success();
  }
  // The bounds of axis i as constants (a shape vector and the one-element
  // rule need them), or none.
  auto constantBounds =
      [&](size_t i) -> std::optional<std::pair<int64_t, int64_t>> {
    std::optional<int64_t> s = getConstantIntValue((*starts)[i]),
                           e = getConstantIntValue((*ends)[i]);
    if (!s || !e)
      return std::nullopt;
    return std::make_pair(*s, *e);
  };
  auto boundsOf = [&](size_t i, OpFoldResult dim) {
    return steps[i] > 0
               ? sliceBounds(g, dim, (*starts)[i], (*ends)[i], steps[i])
               : reverseSliceBounds(g, dim, (*starts)[i], (*ends)[i], steps[i]);
  };
  // Axes in [0, rank), each once (ONNX: "behavior is undefined if an axis
  // is repeated"; 1 and -2 of a rank-3 input are the same axis).
  auto normalizedAxes = [&](int64_t rank) -> FailureOr<SmallVector<int64_t>> {
    SmallVector<int64_t> out;
    for (int64_t axis : axes) {
      std::optional<int64_t> a = normalizeAxis(g, axis, rank);
      if (!a)
        return failure();
      if (llvm::is_contained(out, *a)) {
        g.nodeError() << "axis " << axis << " names axis " << *a
                      << ", which another entry of axes names too";
        return failure();
      }
      out.push_back(*a);
    }
    return out;
  };
  // Values known element by element (shape vectors, small integer
  // constants) are sliced at import time when the bounds are constants;
  // with run-time bounds they are sliced as tensors below.
  bool constantSlice = true;
  for (size_t i = 0; i < count; ++i)
    constantSlice &= constantBounds(i).has_value();
  // A value of rank 2 or more known element by element (F.pad's amounts as
  // [-1, 2] pairs, reversed): its elements gathered at import time.
  if (constantSlice && in->elements && !in->shape.empty()) {
    ArrayRef<int64_t> shape = in->shape;
    int64_t rank = shape.size();
    SmallVector<SmallVector<int64_t>> picks(rank);
    for (int64_t d = 0; d < rank; ++d)
      for (int64_t i = 0; i < shape[d]; ++i)
        picks[d].push_back(i);
    FailureOr<SmallVector<int64_t>> normalized = normalizedAxes(rank);
    if (failed(normalized))
      return failure();
    for (auto [i, d] : llvm::enumerate(*normalized)) {
      auto [start, len] = boundsOf(i, g.builder.getIndexAttr(shape[d]));
      int64_t s0 = *getConstantIntValue(start),
              l0 = *getConstantIntValue(len);
      picks[d].clear();
      for (int64_t k = 0; k < l0; ++k)
        picks[d].push_back(s0 + k * steps[i]);
    }
    SmallVector<int64_t> outShape;
    for (const SmallVector<int64_t> &p : picks)
      outShape.push_back(p.size());
    Ints out;
    if (llvm::all_of(outShape, [](int64_t n) { return n > 0; })) {
      SmallVector<int64_t> at(rank, 0);
      while (true) {
        int64_t linear = 0;
        for (int64_t d = 0; d < rank; ++d)
          linear = linear * shape[d] + picks[d][at[d]];
        out.push_back((*in->elements)[linear]);
        int64_t d = rank - 1;
        while (d >= 0 && ++at[d] == outShape[d])
          at[d--] = 0;
        if (d < 0)
          break;
      }
    }
    g.setOutput(0, symbolicArray(out, outShape));
    return success();
  }
  if (constantSlice && isSymbolicInt(in) && !isScalarInt(in)) {
    // A vector: one axis, 0 or -1.
    if (failed(normalizedAxes(1)))
      return failure();
    Ints elems = *g.intsInput(0);
    auto [s, len] = boundsOf(0, g.builder.getIndexAttr(elems.size()));
    Ints out;
    int64_t s0 = *getConstantIntValue(s), l0 = *getConstantIntValue(len);
    for (int64_t i = 0; i < l0; ++i)
      out.push_back(elems[s0 + i * steps[0]]);
    g.setOutput(0, symbolic(out, false));
    return success();
  }
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  int64_t rank = tensorType(x).getRank();
  SmallVector<OpFoldResult> offsets(rank, g.builder.getIndexAttr(0)),
      sizes = shapeOf(g, x), strides(rank, g.builder.getIndexAttr(1));
  struct Reversed {
    int64_t axis;
    OpFoldResult start, length;
    int64_t step;
  };
  SmallVector<Reversed> reversed;
  FailureOr<SmallVector<int64_t>> normalized = normalizedAxes(rank);
  if (failed(normalized))
    return failure();
  for (auto [i, a] : llvm::enumerate(*normalized)) {
    OpFoldResult dim = sizes[a];
    auto [s, len] = boundsOf(i, dim);
    if (steps[i] < 0) {
      // Read back to front below, after the forward slices.
      reversed.push_back({a, s, len, steps[i]});
      continue;
    }
    offsets[a] = s;
    sizes[a] = len;
    strides[a] = g.builder.getIndexAttr(steps[i]);
    if (getConstantIntValue(len))
      continue;
    OpBuilder &b = g.builder;
    Location loc = g.loc;
    std::optional<std::pair<int64_t, int64_t>> bounds = constantBounds(i);
    if (std::optional<int64_t> need =
            bounds
                ? oneElementSliceNeed(bounds->first, bounds->second, steps[i])
                : std::nullopt) {
      // x[:, :1], x[:, -1:]: one element whenever the dimension is long
      // enough. Typed as a static 1 so that it broadcasts (x - x[:, :1]);
      // with a dynamic size, broadcasting would assume it equals the other
      // operand's and fail the run. A shorter dimension (an empty slice)
      // is refused at run time.
      Value n = g.indexValue(dim);
      Value ok =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, n,
                                arith::ConstantIndexOp::create(b, loc, *need));
      seq::createCheck(
          b, loc, ok, n,
          seq::describeLocation(loc) + ": the one-element slice [" +
              std::to_string(bounds->first) + ":" +
              (bounds->second >= INT32_MAX ? std::string()
                                           : std::to_string(bounds->second)) +
              "] of dimension " + std::to_string(a) + " needs at least " +
              std::to_string(*need) +
              " element(s) (an empty slice is not supported), which has {}",
          seq::CheckKind::shape);
      sizes[a] = b.getIndexAttr(1);
    } else if (isConstantIntValue(dim, 1) && isConstantIntValue(s, 0)) {
      // A dimension of one element sliced from 0 to a run-time end (a
      // one-row table's pe[:, :T]) keeps its one element: typed as a static
      // 1 so that it broadcasts, as in PyTorch; an empty slice (T = 0) is
      // refused at run time.
      Value l = g.indexValue(len);
      seq::createCheck(
          b, loc,
          b.createOrFold<arith::CmpIOp>(
              loc, arith::CmpIPredicate::sge, l,
              arith::ConstantIndexOp::create(b, loc, 1)),
          l,
          seq::describeLocation(loc) + ": the slice of dimension " +
              std::to_string(a) +
              " (size 1) from 0 holds {} elements; an empty slice is not "
              "supported",
          seq::CheckKind::shape);
      sizes[a] = b.getIndexAttr(1);
    }
  }
  // A slice known to be empty is an empty tensor: tensor.extract_slice
  // rejects an offset at the end of a dimension even for zero elements.
  SmallVector<OpFoldResult> resultSizes(sizes);
  for (const Reversed &r : reversed)
    resultSizes[r.axis] = r.length;
  if (llvm::any_of(resultSizes, [](OpFoldResult s) {
        std::optional<int64_t> c = getConstantIntValue(s);
        return c && *c == 0;
      })) {
    g.setOutput(0, seq::createEmptyTensor(g.builder, g.loc, resultSizes,
                                          tensorType(x).getElementType()));
    return success();
  }
  Value y = tensor::ExtractSliceOp::create(g.builder, g.loc, x, offsets, sizes,
                                           strides);
  if (!reversed.empty()) {
    // Negative steps (torch.flip, x[:, ::-1]): element i of a reversed
    // axis reads start + i * step.
    SmallVector<OpFoldResult> outSizes = shapeOf(g, y);
    for (const Reversed &r : reversed)
      outSizes[r.axis] = r.length;
    SmallVector<Value> startValues;
    for (const Reversed &r : reversed)
      startValues.push_back(g.indexValue(r.start));
    Value init = seq::createEmptyTensor(g.builder, g.loc, outSizes,
                                        tensorType(y).getElementType());
    y = linalg::GenericOp::create(
            g.builder, g.loc, TypeRange{init.getType()}, ValueRange{},
            ValueRange{init},
            ArrayRef<AffineMap>{
                AffineMap::getMultiDimIdentityMap(rank, g.context)},
            SmallVector<utils::IteratorType>(rank,
                                             utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange) {
              SmallVector<Value> idx;
              for (int64_t d = 0; d < rank; ++d)
                idx.push_back(linalg::IndexOp::create(b, l, d));
              for (auto [k, r] : llvm::enumerate(reversed))
                idx[r.axis] = arith::AddIOp::create(
                    b, l, startValues[k],
                    arith::MulIOp::create(
                        b, l, idx[r.axis],
                        arith::ConstantIndexOp::create(b, l, r.step)));
              linalg::YieldOp::create(
                  b, l, tensor::ExtractOp::create(b, l, y, idx).getResult());
            })
            .getResult(0);
  }
  g.setOutput(0, y);
  return success();
}

/// ONNX Gather of any index tensor: out[o..., i..., p...] = x[o..., ids[i...],
/// p...] along `axis`, a negative index counting from the end. An index
/// outside [-size, size) fails the run with SEQC_ERR_INVALID_ARGUMENT (the
/// read is clamped meanwhile).
Value gatherAlong(GraphImporter &g, Value x, Value ids, int64_t axis) {
  RankedTensorType xt = tensorType(x), it = tensorType(ids);
  int64_t idsRank = it.getRank(), rank = xt.getRank() - 1 + idsRank;
  SmallVector<OpFoldResult> xSizes = shapeOf(g, x), sizes;
  sizes.append(xSizes.begin(), xSizes.begin() + axis);
  SmallVector<OpFoldResult> idSizes = shapeOf(g, ids);
  sizes.append(idSizes.begin(), idSizes.end());
  sizes.append(xSizes.begin() + axis + 1, xSizes.end());
  Value extent = g.indexValue(xSizes[axis]);
  std::string message =
      seq::describeLocation(g.loc) +
      ": index {} is out of range for "
      "dimension " +
      std::to_string(axis) + " of size " +
      (!getConstantIntValue(xSizes[axis])
           ? std::string("set at run time (valid: -size to size - 1)")
       : *getConstantIntValue(xSizes[axis]) == 0
           ? std::string("0 (no index is valid)")
           : std::to_string(*getConstantIntValue(xSizes[axis])) + " (valid: -" +
                 std::to_string(*getConstantIntValue(xSizes[axis])) + " to " +
                 std::to_string(*getConstantIntValue(xSizes[axis]) - 1) + ")");
  SmallVector<AffineExpr> idExprs;
  for (int64_t d = 0; d < idsRank; ++d)
    idExprs.push_back(g.builder.getAffineDimExpr(axis + d));
  Value init =
      seq::createEmptyTensor(g.builder, g.loc, sizes, xt.getElementType());
  return linalg::GenericOp::create(
             g.builder, g.loc, TypeRange{init.getType()}, ValueRange{ids},
             ValueRange{init},
             ArrayRef<AffineMap>{
                 AffineMap::get(rank, 0, idExprs, g.context),
                 AffineMap::getMultiDimIdentityMap(rank, g.context)},
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &b, Location l, ValueRange args) {
               Value index = checkedIndex(b, l, args[0], extent, message);
               SmallVector<Value> at;
               for (int64_t d = 0; d < axis; ++d)
                 at.push_back(linalg::IndexOp::create(b, l, d));
               at.push_back(index);
               for (int64_t d = axis + 1; d < xt.getRank(); ++d)
                 at.push_back(linalg::IndexOp::create(b, l, d - 1 + idsRank));
               linalg::YieldOp::create(
                   b, l, tensor::ExtractOp::create(b, l, x, at).getResult());
             })
      .getResult(0);
}

/// Whether `x` is a constant's rows from the first on: the constant, or a
/// slice of it from row 0 whose unit dimensions were squeezed away
/// (`cos_cached[:T]`, HF LLaMA's `cos_cached[:, :, :T].squeeze(1)
/// .squeeze(0)`, or indexed `[0, 0]`). Gathered by index it is a seq.embedding,
/// whose table seq-raise-positions reads whole where the indices are the
/// positions of those T steps (`cos[:T][position_ids]` with `position_ids =
/// arange(T)`).
bool isConstantRows(Value x) {
  // (Squeezes: a collapse, or an index of unit dimensions, `[0, 0]`.)
  while (Operation *def = x.getDefiningOp()) {
    auto slice = dyn_cast<tensor::ExtractSliceOp>(def);
    if (!isa<tensor::CollapseShapeOp>(def) &&
        !(slice && slice.getDroppedDims().any()))
      break;
    x = def->getOperand(0);
  }
  if (auto slice = x.getDefiningOp<tensor::ExtractSliceOp>())
    x = slice.getSource();
  return matchPattern(x, m_Constant());
}

LogicalResult importGather(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis"})))
    return failure();
  int64_t axis = g.intAttr("axis", 0);
  const OnnxValue *data = g.input(0);
  auto indices = g.constIntsInput(1);
  bool scalarIndex = g.input(1) && isScalarInt(g.input(1));
  if (data && isSymbolicInt(data) && !isScalarInt(data) && indices) {
    Ints elems = *g.intsInput(0), out;
    for (int64_t i : *indices) {
      if (i < -(int64_t)elems.size() || i >= (int64_t)elems.size()) {
        g.nodeError() << "index " << i << " is out of range";
        return failure();
      }
      out.push_back(elems[i < 0 ? i + elems.size() : i]);
    }
    g.setOutput(0, symbolic(out, scalarIndex));
    return success();
  }
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  int64_t rank = tensorType(x).getRank();
  auto a = normalizeAxis(g, axis, rank);
  if (!a)
    return failure();
  // x[..., i, ...], a slice that drops the axis, and x[..., [i], ...]
  // (nanoGPT's `x[:, [-1], :]`), one that keeps it: the stream reads them
  // as the slices they are, where a gather reads its own index.
  bool oneIndex = indices && indices->size() == 1 &&
                  (scalarIndex || tensorType(g.tensorInput(1)).getRank() == 1);
  if (oneIndex && tensorType(x).getElementType().isF32()) {
    int64_t i = (*indices)[0];
    OpFoldResult dim = g.dimSize(x, *a);
    if (std::optional<int64_t> n = getConstantIntValue(dim);
        n && (i < -*n || i >= *n)) {
      g.nodeError() << "index " << i << " is out of range for axis " << *a
                    << " of size " << *n;
      return failure();
    }
    if (i == std::numeric_limits<int64_t>::min() ||
        i == std::numeric_limits<int64_t>::max()) {
      g.nodeError() << "index " << i << " is out of range for axis " << *a;
      return failure();
    }
    if (!getConstantIntValue(dim)) {
      // i in [-size, size): the slice's own checks would name its offset
      // and extent, not the index.
      Value size = g.indexValue(dim);
      Value bound =
          arith::ConstantIndexOp::create(g.builder, g.loc, i < 0 ? -i : i + 1);
      seq::createCheck(
          g.builder, g.loc,
          arith::CmpIOp::create(g.builder, g.loc, arith::CmpIPredicate::sge,
                                size, bound),
          size,
          seq::describeLocation(g.loc) + ": index " + std::to_string(i) +
              " is out of range for dimension " + std::to_string(*a) +
              " of size {} (valid: -size to size - 1)",
          seq::CheckKind::shape);
    }
    OpFoldResult index = g.builder.getIndexAttr(i);
    if (i < 0)
      index = foldedIndexOp(g, '+', dim, g.builder.getIndexAttr(i));
    Value y;
    if (scalarIndex) {
      y = seq::extractIndexAlong(g.builder, g.loc, x, *a, index);
    } else {
      SmallVector<OpFoldResult> offsets(rank, g.builder.getIndexAttr(0)),
          sizes = shapeOf(g, x), strides(rank, g.builder.getIndexAttr(1));
      offsets[*a] = index;
      sizes[*a] = g.builder.getIndexAttr(1);
      SmallVector<int64_t> shape(tensorType(x).getShape());
      shape[*a] = 1;
      y = tensor::ExtractSliceOp::create(
          g.builder, g.loc,
          RankedTensorType::get(shape, tensorType(x).getElementType()), x,
          offsets, sizes, strides);
    }
    g.setOutput(0, y);
    return success();
  }
  const OnnxValue *table = g.input(0);
  Value ids = g.tensorInput(1);
  if (!ids)
    return failure();
  if (*a == 0 && rank == 2 && (table->constant || isConstantRows(x)) &&
      isa<IntegerType>(tensorType(ids).getElementType())) {
    SmallVector<int64_t> shape(tensorType(ids).getShape());
    shape.push_back(tensorType(x).getDimSize(1));
    auto type = RankedTensorType::get(shape, tensorType(x).getElementType());
    // ONNX Gather: -1 is the last row.
    g.setOutput(0, seq::EmbeddingOp::create(g.builder, g.loc, type, ids, x,
                                            g.builder.getUnitAttr())
                       .getResult());
    return success();
  }
  if (!isa<IntegerType>(tensorType(ids).getElementType()) ||
      tensorType(ids).getElementType().isInteger(1)) {
    g.nodeError() << "indices must be integers, found "
                  << tensorType(ids).getElementType();
    return failure();
  }
  g.setOutput(0, gatherAlong(g, x, ids, *a));
  return success();
}

LogicalResult importSplit(GraphImporter &g) {
  // Before opset 13 the sizes are the attribute `split`, not input 1.
  bool attributeSizes = g.opset < 13;
  // From opset 18, without sizes, num_outputs parts of ceil(d / n)
  // elements, the last one smaller.
  bool numOutputs = g.opset >= 18;
  if (failed(attributeSizes ? g.checkAttrs({"axis", "split"})
             : numOutputs   ? g.checkAttrs({"axis", "num_outputs"})
                            : g.checkAttrs({"axis"})))
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
  if (numOutputs && g.hasInput(1) && g.intAttr("num_outputs")) {
    g.nodeError() << "takes split sizes or num_outputs, not both";
    return failure();
  }
  if (attributeSizes ? g.intsAttr("split").has_value() : g.hasInput(1)) {
    auto split = attributeSizes ? g.intsAttr("split") : g.constIntsInput(1);
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
      if (llvm::AddOverflow(total, s, total)) {
        g.nodeError() << "split sizes add up past 2^63";
        return failure();
      }
      lengths.push_back(g.builder.getIndexAttr(s));
    }
    std::optional<int64_t> dim = getConstantIntValue(sizes[*axis]);
    if (dim && *dim != total) {
      g.nodeError() << "split sizes add up to " << total << ", not " << *dim;
      return failure();
    }
    if (!dim) {
      // ONNX: the sizes add up to the dimension. A dimension that is longer
      // at run time (x.unbind(1) exported at T = 4, run at T = 6) would
      // otherwise silently lose its tail.
      Value d = g.indexValue(sizes[*axis]);
      seq::createCheck(
          g.builder, g.loc,
          arith::CmpIOp::create(
              g.builder, g.loc, arith::CmpIPredicate::eq, d,
              arith::ConstantIndexOp::create(g.builder, g.loc, total)),
          d,
          seq::describeLocation(g.loc) + ": the split sizes add up to " +
              std::to_string(total) + ", but dimension " +
              std::to_string(*axis) + " has {} elements",
          seq::CheckKind::shape);
    }
  } else if (numOutputs) {
    std::optional<int64_t> parts = g.intAttr("num_outputs");
    if (!parts || *parts != static_cast<int64_t>(n)) {
      g.nodeError() << "without split sizes, num_outputs must be given and "
                       "equal the number of outputs ("
                    << n << ")";
      return failure();
    }
    // Parts of ceil(d / n) elements; the last takes what is left, which
    // must not be negative (d = 5 does not make 4 parts of 2).
    Value d = g.indexValue(sizes[*axis]);
    Value len = arith::CeilDivUIOp::create(
        g.builder, g.loc, d,
        arith::ConstantIndexOp::create(g.builder, g.loc, n));
    Value before = arith::MulIOp::create(
        g.builder, g.loc, len,
        arith::ConstantIndexOp::create(g.builder, g.loc, n - 1));
    seq::createCheck(
        g.builder, g.loc,
        arith::CmpIOp::create(g.builder, g.loc, arith::CmpIPredicate::ule,
                              before, d),
        d,
        seq::describeLocation(g.loc) + ": dimension " + std::to_string(*axis) +
            " has {} elements, too few for " + std::to_string(n) +
            " parts of its size divided by " + std::to_string(n) +
            ", rounded up",
        seq::CheckKind::shape);
    lengths.assign(n - 1, len);
    lengths.push_back(
        arith::SubIOp::create(g.builder, g.loc, d, before).getResult());
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
      // Equal parts (ONNX before opset 18: the dimension must divide).
      Value d = g.indexValue(sizes[*axis]);
      Value parts = arith::ConstantIndexOp::create(g.builder, g.loc, n);
      Value rest = arith::RemUIOp::create(g.builder, g.loc, d, parts);
      seq::createCheck(g.builder, g.loc,
                       arith::CmpIOp::create(
                           g.builder, g.loc, arith::CmpIPredicate::eq, rest,
                           arith::ConstantIndexOp::create(g.builder, g.loc, 0)),
                       d,
                       seq::describeLocation(g.loc) + ": dimension " +
                           std::to_string(*axis) +
                           " has {} elements, which do not split "
                           "evenly into " +
                           std::to_string(n) + " outputs",
                       seq::CheckKind::shape);
      len = arith::DivUIOp::create(g.builder, g.loc, d, parts).getResult();
    }
    lengths.assign(n, len);
  }
  // Shape arithmetic (an integer vector known element by element, split
  // into parts of constant lengths) stays so.
  if (isSymbolicInt(g.input(0)) && !isScalarInt(g.input(0)) &&
      llvm::all_of(lengths, [](OpFoldResult l) {
        return getConstantIntValue(l).has_value();
      })) {
    Ints elems = *g.intsInput(0);
    int64_t start = 0;
    for (unsigned i = 0; i < n; ++i) {
      int64_t length = *getConstantIntValue(lengths[i]);
      g.setOutput(i, symbolic(Ints(ArrayRef(elems).slice(start, length)),
                              /*scalar=*/false));
      start += length;
    }
    return success();
  }
  OpFoldResult offset = g.builder.getIndexAttr(0);
  for (unsigned i = 0; i < n; ++i) {
    SmallVector<OpFoldResult> offsets(rank, g.builder.getIndexAttr(0)),
        part(sizes), strides(rank, g.builder.getIndexAttr(1));
    offsets[*axis] = offset;
    part[*axis] = lengths[i];
    g.setOutput(i, seq::extractSliceOrEmpty(g.builder, g.loc, x, offsets, part,
                                            strides));
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

} // namespace

LogicalResult importIndexingOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "OneHot")
    return importOneHot(g);
  if (op == "Slice")
    return importSlice(g);
  if (op == "Gather")
    return importGather(g);
  if (op == "Split")
    return importSplit(g);
  if (op == "ReverseSequence")
    return importReverseSequence(g);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
