//===- ReshapeOps.cpp - ONNX Reshape, Flatten, Squeeze, Unsqueeze ---------===//
//
// One collapse_shape or expand_shape where the sizes provably regroup
// (compared factor by factor: [B * T, 8] against [B, T, 8]), an
// expand_shape and a collapse_shape through the shapes' common refinement
// where one dimension splits and others merge ([T, B, 64] -> [T, B, 4, 16]
// -> [T, B * 4, 16], nn.MultiheadAttention's heads), and a collapse to 1-D
// and an expand to the target where nothing provably fits (which computes
// any valid reshape: sizes that only the run tells apart included). A linear of rows flattened for
// it and reshaped back ([T * B, E] -> [T, B, E]) is the linear of the
// rows. A -1 in a Reshape target is inferred factor by factor; a target
// read from a tensor on each run (a graph input) has its 0 and -1 decided
// then, and goes through 1-D. Squeeze checks a dynamic dimension it
// removes is 1.
//
//===----------------------------------------------------------------------===//

#include "compiler/Import/Onnx/GraphImporter.h"
#include "dialects/Seq/IR/SeqOps.h"
#include "dialects/Seq/Utils/CheckUtils.h"
#include "dialects/Seq/Utils/FrontEndBuilders.h"
#include "dialects/Seq/Utils/PointwiseMath.h"
#include "dialects/Seq/Utils/SizeUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

#include "llvm/Support/MathExtras.h"

#include <climits>
#include <cmath>
#include <limits>
#include <numeric>

using namespace mlir;
using namespace seqc;

namespace seqc::onnx_import {
namespace {

//===----------------------------------------------------------------------===//
// Layout ops
//===----------------------------------------------------------------------===//

/// Whether each group of the expanded `type` has at most one dynamic size
/// (memref lowering cannot expand a group of two).
bool oneDynamicPerGroup(RankedTensorType type,
                        ArrayRef<ReassociationIndices> groups) {
  return llvm::all_of(groups, [&](const ReassociationIndices &group) {
    return llvm::count_if(group,
                          [&](int64_t d) { return type.isDynamicDim(d); }) <= 1;
  });
}

/// An expand_shape of `x`, or a tensor.reshape where a group would have
/// more than one dynamic size.
Value expandTo(GraphImporter &g, RankedTensorType type, Value x,
               ArrayRef<ReassociationIndices> groups,
               ArrayRef<OpFoldResult> sizes) {
  if (!oneDynamicPerGroup(type, groups)) {
    SmallVector<Value> elems;
    for (OpFoldResult s : sizes)
      elems.push_back(g.indexValue(s));
    Value shape = tensor::FromElementsOp::create(
        g.builder, g.loc,
        RankedTensorType::get({(int64_t)elems.size()},
                              g.builder.getIndexType()),
        elems);
    return tensor::ReshapeOp::create(g.builder, g.loc, type, x, shape);
  }
  return tensor::ExpandShapeOp::create(g.builder, g.loc, type, x, groups,
                                       sizes);
}

/// A size as a product: a constant times sizes that are not products of
/// others (arith.muli chains taken apart), so that B * T and T * B, or
/// [B * T, 8] against [B, T, 8], compare factor by factor.
struct SizeFactors {
  int64_t constant = 1;
  SmallVector<OpFoldResult> values;
  bool overflowed = false;
};

void addFactors(GraphImporter &g, OpFoldResult size, SizeFactors &f) {
  if (std::optional<int64_t> c = getConstantIntValue(size)) {
    f.overflowed |= llvm::MulOverflow(f.constant, *c, f.constant);
    return;
  }
  if (auto mul = cast<Value>(size).getDefiningOp<arith::MulIOp>()) {
    addFactors(g, mul.getLhs(), f);
    addFactors(g, mul.getRhs(), f);
    return;
  }
  // A collapsed group's size ([T, B * 4, 16] after the heads were joined:
  // B * 4; [T * 4, 2] from a view(-1, 1) of [T, 4]) taken apart into its
  // dimensions' sizes.
  SmallVector<std::pair<Value, int64_t>> parts = seq::getCollapsedFactors(size);
  if (!parts.empty()) {
    for (auto [source, d] : parts)
      addFactors(g, g.dimSize(source, d), f);
    return;
  }
  f.values.push_back(size);
}

/// The product of `a` against that of `b`: their constants and how many
/// dynamic factors of each side the other lacks once the provably equal
/// ones (isSameRunSize) cancel in pairs.
struct ProductBalance {
  SizeFactors a, b;
  size_t onlyA = 0, onlyB = 0;
};

ProductBalance balanceProducts(GraphImporter &g, ArrayRef<OpFoldResult> a,
                               ArrayRef<OpFoldResult> b) {
  ProductBalance p;
  for (OpFoldResult s : a)
    addFactors(g, s, p.a);
  for (OpFoldResult s : b)
    addFactors(g, s, p.b);
  SmallVector<OpFoldResult> rest(p.b.values);
  for (OpFoldResult v : p.a.values) {
    auto same = llvm::find_if(
        rest, [&](OpFoldResult r) { return isSameRunSize(v, r); });
    if (same == rest.end())
      ++p.onlyA;
    else
      rest.erase(same);
  }
  p.onlyB = rest.size();
  return p;
}

/// Whether the product of `a` and that of `b` are the same on every run:
/// equal constants and the same dynamic factors, in any order.
bool isSameProduct(GraphImporter &g, ArrayRef<OpFoldResult> a,
                   ArrayRef<OpFoldResult> b) {
  ProductBalance p = balanceProducts(g, a, b);
  return !p.a.overflowed && !p.b.overflowed && p.a.constant == p.b.constant &&
         p.onlyA == 0 && p.onlyB == 0;
}

/// The shapes `in` and `out` as groups of one list of sizes (`pieces`):
/// each size of `in` is the product of its group's pieces, and so is each
/// size of `out`. A reshape between them is then an expand_shape of `in`
/// to the pieces and a collapse_shape to `out`, with no data moved and no
/// dimension merged into another that it was not beside.
struct Refinement {
  SmallVector<OpFoldResult> pieces;
  SmallVector<ReassociationIndices> inGroups, outGroups;
};

/// The common refinement of `in` and `out` ([T, B, 64] and [T, B * 4, 16]:
/// [T, B, 4, 16], nn.MultiheadAttention's head split at a run-time batch;
/// [T, B * 4, 16] and [T * B, 64]: [T, B, 4, 16], its heads joined again),
/// taken factor by factor from the front of both: each piece is what the
/// current sizes of both sides have in common (the provably equal dynamic
/// factors, the greatest common divisor of the constants), and one of the
/// two must be used up by it. None when they have no such refinement (a
/// dynamic factor of one side only, [B, T] against [T, B], a group that
/// would hold two dynamic pieces), which the caller reshapes through 1-D.
std::optional<Refinement> refine(GraphImporter &g, ArrayRef<OpFoldResult> in,
                                 ArrayRef<OpFoldResult> out) {
  if (in.empty() || out.empty())
    return std::nullopt;
  auto factorsOf = [&](OpFoldResult size) {
    SizeFactors f;
    addFactors(g, size, f);
    return f;
  };
  auto isUnit = [](const SizeFactors &f) {
    return f.constant == 1 && f.values.empty();
  };
  auto invalid = [](const SizeFactors &f) {
    return f.overflowed || f.constant <= 0;
  };
  Refinement r;
  r.inGroups.resize(in.size());
  r.outGroups.resize(out.size());
  size_t i = 0, j = 0;
  SizeFactors a = factorsOf(in[0]), b = factorsOf(out[0]);
  auto addPiece = [&](OpFoldResult size, size_t inDim, size_t outDim) {
    r.inGroups[inDim].push_back(r.pieces.size());
    r.outGroups[outDim].push_back(r.pieces.size());
    r.pieces.push_back(size);
  };
  while (true) {
    if ((i < in.size() && invalid(a)) || (j < out.size() && invalid(b)))
      return std::nullopt;
    // Past sizes used up, on both sides first: a size 1 then goes with the
    // sizes after it ([T, 1, 256] -> [T, 4, 64]: the 1 with the 4).
    bool advanced = false;
    if (i < in.size() && isUnit(a) && !r.inGroups[i].empty()) {
      if (++i < in.size())
        a = factorsOf(in[i]);
      advanced = true;
    }
    if (j < out.size() && isUnit(b) && !r.outGroups[j].empty()) {
      if (++j < out.size())
        b = factorsOf(out[j]);
      advanced = true;
    }
    if (advanced)
      continue;
    if (i == in.size() && j == out.size())
      break;
    // A size 1 from the start: a piece of its own, in the other side's
    // current group (the last one, past its end).
    if (i < in.size() && isUnit(a)) {
      addPiece(g.builder.getIndexAttr(1), i, std::min(j, out.size() - 1));
      continue;
    }
    if (j < out.size() && isUnit(b)) {
      addPiece(g.builder.getIndexAttr(1), std::min(i, in.size() - 1), j);
      continue;
    }
    if (i == in.size() || j == out.size())
      return std::nullopt;
    // What the two sizes have in common.
    OpFoldResult piece = g.builder.getIndexAttr(1);
    int64_t common = std::gcd(a.constant, b.constant);
    if (common != 1)
      piece = g.builder.getIndexAttr(common);
    a.constant /= common;
    b.constant /= common;
    for (auto it = a.values.begin(); it != a.values.end();) {
      auto same = llvm::find_if(
          b.values, [&](OpFoldResult v) { return isSameRunSize(*it, v); });
      if (same == b.values.end()) {
        ++it;
        continue;
      }
      piece = foldedIndexOp(g, '*', piece, *it);
      b.values.erase(same);
      it = a.values.erase(it);
    }
    if (isConstantIntValue(piece, 1) || (!isUnit(a) && !isUnit(b)))
      return std::nullopt;
    addPiece(piece, i, j);
  }
  auto refined = RankedTensorType::get(seq::getStaticShape(r.pieces),
                                       g.builder.getF32Type());
  if (!oneDynamicPerGroup(refined, r.inGroups))
    return std::nullopt;
  // A size of run-time type whose pieces are all constants (one read back
  // through a cast from a static type) would make the reshapes' types
  // disagree with their operands'.
  auto agrees = [&](ArrayRef<OpFoldResult> sizes,
                    ArrayRef<ReassociationIndices> groups) {
    for (auto [size, group] : llvm::zip_equal(sizes, groups)) {
      bool dynamic = !getConstantIntValue(size);
      if (dynamic != llvm::any_of(group, [&](int64_t p) {
            return refined.isDynamicDim(p);
          }))
        return false;
    }
    return true;
  };
  if (!agrees(in, r.inGroups) || !agrees(out, r.outGroups))
    return std::nullopt;
  return r;
}

/// A seq.linear applied to rows flattened for it ([T, B, H, D] collapsed
/// to [T * B, H * D], how nn.MultiheadAttention exports its output
/// projection) computes the same on the rows as they were: the input
/// with only its features collapsed, [T, B, H * D], and that input's sizes
/// for the linear's result, [T, B, O]. None unless `x` is such a linear.
std::optional<std::pair<Value, Ints>> unflattenedLinearInput(GraphImporter &g,
                                                             Value x) {
  auto linear = x.getDefiningOp<seq::LinearOp>();
  auto collapse =
      linear ? linear.getInput().getDefiningOp<tensor::CollapseShapeOp>()
             : tensor::CollapseShapeOp();
  if (!collapse)
    return std::nullopt;
  SmallVector<ReassociationIndices> groups = collapse.getReassociationIndices();
  if (llvm::all_of(ArrayRef(groups).drop_back(),
                   [](const ReassociationIndices &g) { return g.size() == 1; }))
    return std::nullopt;
  Value source = collapse.getSrc();
  SmallVector<ReassociationIndices> features;
  Ints sizes;
  for (int64_t d = 0; d < groups.back().front(); ++d) {
    features.push_back({d});
    sizes.push_back(g.dimSize(source, d));
  }
  features.push_back(groups.back());
  sizes.push_back(g.dimSize(x, tensorType(x).getRank() - 1));
  Value input =
      groups.back().size() == 1
          ? source
          : tensor::CollapseShapeOp::create(g.builder, g.loc, source, features)
                .getResult();
  return std::make_pair(input, sizes);
}

/// `x` collapsed to 1-D and expanded to `sizes`, which computes any valid
/// reshape: the element counts are compared when the expand runs (a
/// static target of a dynamic input is a cast to its count first, also
/// checked).
Value reshapeThroughFlat(GraphImporter &g, Value x,
                         ArrayRef<OpFoldResult> sizes) {
  RankedTensorType t = tensorType(x);
  auto resultType =
      RankedTensorType::get(seq::getStaticShape(sizes), t.getElementType());
  Value flat = x;
  if (t.getRank() != 1) {
    SmallVector<ReassociationIndices> all(1);
    for (int64_t i = 0; i < t.getRank(); ++i)
      all[0].push_back(i);
    if (t.getRank() == 0)
      all.clear();
    flat = tensor::CollapseShapeOp::create(g.builder, g.loc, x, all);
    if (t.getRank() == 0)
      flat = tensor::ExpandShapeOp::create(
          g.builder, g.loc, RankedTensorType::get({1}, t.getElementType()),
          flat, SmallVector<ReassociationIndices>{});
  }
  if (sizes.size() == 1)
    return tensor::CastOp::create(g.builder, g.loc, resultType, flat);
  if (resultType.hasStaticShape() && tensorType(flat).isDynamicDim(0))
    flat = tensor::CastOp::create(
        g.builder, g.loc,
        RankedTensorType::get({resultType.getNumElements()},
                              t.getElementType()),
        flat);
  if (sizes.empty())
    return tensor::CollapseShapeOp::create(g.builder, g.loc, resultType, flat,
                                           SmallVector<ReassociationIndices>{});
  ReassociationIndices group;
  for (size_t i = 0; i < sizes.size(); ++i)
    group.push_back(i);
  return expandTo(g, resultType, flat, SmallVector<ReassociationIndices>{group},
                  sizes);
}

/// Reshapes `x` to `sizes`: one collapse_shape or expand_shape where the
/// shapes allow it, an expand_shape and a collapse_shape through their
/// common refinement, else a collapse to 1-D and an expand to the target.
Value reshapeTo(GraphImporter &g, Value x, ArrayRef<OpFoldResult> sizes) {
  RankedTensorType t = tensorType(x);
  SmallVector<int64_t> staticShape = seq::getStaticShape(sizes);
  auto resultType = RankedTensorType::get(staticShape, t.getElementType());
  int64_t outRank = sizes.size();
  // Size `i` of the target is size `i` of `x`: the same constant, or a
  // tensor.dim of `x` at `i`.
  auto sameDim = [&](int64_t i) {
    std::optional<int64_t> c = getConstantIntValue(sizes[i]);
    if (c)
      return !t.isDynamicDim(i) && t.getDimSize(i) == *c;
    auto dim = dyn_cast<Value>(sizes[i]).getDefiningOp<tensor::DimOp>();
    if (!dim || dim.getSource() != x)
      return false;
    std::optional<int64_t> index = dim.getConstantIndex();
    return index && *index == i;
  };
  // An input with a static 0 is empty on every run, and so is a target
  // with one: no element to move (the collapses below cannot take a 0
  // beside a run-time size in one group: [T, 0] to [0]).
  if (llvm::is_contained(t.getShape(), 0) && llvm::is_contained(staticShape, 0))
    return seq::createEmptyTensor(g.builder, g.loc, sizes, t.getElementType());
  if (outRank == t.getRank()) {
    bool same = true;
    for (int64_t i = 0; i < outRank; ++i)
      same &= sameDim(i);
    if (same)
      return resultType == t
                 ? x
                 : tensor::CastOp::create(g.builder, g.loc, resultType, x)
                       .getResult();
  }
  Ints in = shapeOf(g, x);
  if (outRank == t.getRank()) {
    // Same rank, other sizes: through 1-D below.
  } else if (outRank == 0) {
    // A scalar: every dimension is 1. A dynamic one is cast to 1 first
    // (checked on each run), since a collapse to rank 0 takes unit sizes.
    Value ones = x;
    if (!t.hasStaticShape())
      ones = tensor::CastOp::create(
          g.builder, g.loc,
          RankedTensorType::get(SmallVector<int64_t>(t.getRank(), 1),
                                t.getElementType()),
          x);
    return tensor::CollapseShapeOp::create(g.builder, g.loc, resultType, ones,
                                           SmallVector<ReassociationIndices>{});
  } else if (outRank < t.getRank()) {
    auto re = getReassociationIndicesForCollapse(t.getShape(), staticShape);
    // Groups whose products are not provably the target sizes are a guess
    // ([x, y, z] to [z', -1] grouped as [[0], [1, 2]] when z' may not be
    // x), which a reshape moving sizes across them would prove wrong on a
    // run: such a reshape is still valid, so it goes through the common
    // refinement or 1-D below, which compute any valid reshape.
    for (size_t i = 0; re && i < re->size(); ++i) {
      SmallVector<OpFoldResult> parts;
      for (int64_t d : (*re)[i])
        parts.push_back(in[d]);
      if (!isSameProduct(g, parts, {sizes[i]}))
        re.reset();
    }
    if (re)
      return tensor::CollapseShapeOp::create(g.builder, g.loc, resultType, x,
                                             *re);
  } else if (auto re =
                 getReassociationIndicesForCollapse(staticShape, t.getShape());
             re && oneDynamicPerGroup(resultType, *re)) {
    // Likewise an expand: only where each group's sizes provably multiply
    // to its source dimension ([x, y] to [y', x', 1] is no split of x) --
    // but one: where every other group is proven, the element counts agree
    // exactly when that one does, which the expand checks when it runs
    // (llama2.c's `freqs_cos[:T].view(1, T', 1, D)`, T' read off another
    // tensor: unit dimensions added, no data moved, so a stream still sees
    // the table's rows).
    int64_t unproven = 0;
    for (auto [i, group] : llvm::enumerate(*re)) {
      SmallVector<OpFoldResult> parts;
      for (int64_t d : group)
        parts.push_back(sizes[d]);
      unproven += !isSameProduct(g, parts, {in[i]});
    }
    if (unproven <= 1)
      return tensor::ExpandShapeOp::create(g.builder, g.loc, resultType, x, *re,
                                           sizes);
  }
  // The linear of flattened rows, reshaped to rows again: the linear of the
  // rows ([T * B, E] -> [T, B, E] after nn.MultiheadAttention's output
  // projection; the rows of one step stay apart, so a stream can run it).
  if (auto unflattened = unflattenedLinearInput(g, x);
      unflattened && refine(g, unflattened->second, sizes)) {
    auto linear = x.getDefiningOp<seq::LinearOp>();
    Value rows = seq::LinearOp::create(
        g.builder, g.loc,
        RankedTensorType::get(seq::getStaticShape(unflattened->second),
                              t.getElementType()),
        unflattened->first, linear.getWeight(), linear.getBias());
    return reshapeTo(g, rows, sizes);
  }
  if (std::optional<Refinement> r = refine(g, in, sizes)) {
    auto refined = RankedTensorType::get(seq::getStaticShape(r->pieces),
                                         t.getElementType());
    auto regroups = [](ArrayRef<ReassociationIndices> groups) {
      return llvm::any_of(groups, [](const ReassociationIndices &group) {
        return group.size() != 1;
      });
    };
    Value pieces = x;
    if (regroups(r->inGroups))
      pieces = tensor::ExpandShapeOp::create(g.builder, g.loc, refined, x,
                                             r->inGroups, r->pieces);
    if (regroups(r->outGroups))
      return tensor::CollapseShapeOp::create(g.builder, g.loc, resultType,
                                             pieces, r->outGroups);
    if (pieces.getType() != resultType)
      pieces = tensor::CastOp::create(g.builder, g.loc, resultType, pieces);
    return pieces;
  }
  return reshapeThroughFlat(g, x, sizes);
}

/// Flatten(x, axis = 1): [prod(dims before axis), prod(dims from axis)];
/// axis may be 0 or the rank (a unit dimension on that side) or negative.
LogicalResult importFlatten(GraphImporter &g) {
  if (failed(g.checkAttrs({"axis"})))
    return failure();
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  int64_t rank = tensorType(x).getRank();
  int64_t axis = g.intAttr("axis", 1);
  if (axis < -rank || axis > rank) {
    g.nodeError() << "axis " << axis << " is out of range for rank " << rank;
    return failure();
  }
  if (axis < 0)
    axis += rank;
  Ints in = shapeOf(g, x);
  OpFoldResult outer = g.builder.getIndexAttr(1), inner = outer;
  for (int64_t d = 0; d < rank; ++d) {
    OpFoldResult &side = d < axis ? outer : inner;
    side = foldedIndexOp(g, '*', side, in[d]);
  }
  g.setOutput(0, reshapeTo(g, x, {outer, inner}));
  return success();
}

/// The sizes of a Reshape whose target shape is read from a tensor on each
/// run (a graph input, a vector the importer cannot follow): ONNX's special
/// values are then decided on each run too, and what ONNX calls invalid is
/// refused on it. Without allowzero a 0 copies the input's size at that
/// position (a 0 past the input's rank is refused); one -1 takes the
/// input's element count over the product of the other sizes (two are
/// refused, as is a -1 beside sizes that multiply to 0). The element count
/// itself is compared where the sizes are used (reshapeThroughFlat).
SmallVector<OpFoldResult>
targetSizesReadAtRunTime(GraphImporter &g, ArrayRef<OpFoldResult> in,
                         ArrayRef<OpFoldResult> target, bool allowZero) {
  OpBuilder &b = g.builder;
  Location loc = g.loc;
  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  auto cmp = [&](arith::CmpIPredicate p, Value a, Value c) -> Value {
    return arith::CmpIOp::create(b, loc, p, a, c);
  };
  auto eq = [&](Value a, Value c) {
    return cmp(arith::CmpIPredicate::eq, a, c);
  };
  auto check = [&](Value ok, Value shown, const std::string &message) {
    seq::createCheck(b, loc, ok, shown,
                     seq::describeLocation(loc) + ": " + message,
                     seq::CheckKind::shape);
  };
  Value zero = cst(0), one = cst(1), minusOne = cst(-1);
  Value count = one, others = one, inferred = zero;
  for (OpFoldResult d : in)
    count = arith::MulIOp::create(b, loc, count, g.indexValue(d));
  SmallVector<Value> sizes;
  for (auto [i, d] : llvm::enumerate(target)) {
    Value size = g.indexValue(d);
    if (!allowZero && i < in.size())
      size = arith::SelectOp::create(b, loc, eq(size, zero),
                                     g.indexValue(in[i]), size);
    else if (!allowZero)
      check(cmp(arith::CmpIPredicate::ne, size, zero), size,
            "target entry " + std::to_string(i) +
                " is {}, which copies an input dimension the input (rank " +
                std::to_string(in.size()) + ") lacks");
    Value isInferred = eq(size, minusOne);
    others = arith::MulIOp::create(
        b, loc, others, arith::SelectOp::create(b, loc, isInferred, one, size));
    inferred = arith::AddIOp::create(
        b, loc, inferred,
        arith::SelectOp::create(b, loc, isInferred, one, zero));
    sizes.push_back(size);
  }
  check(cmp(arith::CmpIPredicate::ule, inferred, one), inferred,
        "the target shape read on this run has {} entries of -1; at most one "
        "may be inferred");
  check(arith::OrIOp::create(b, loc, eq(inferred, zero),
                             cmp(arith::CmpIPredicate::ne, others, zero)),
        others,
        "the target shape read on this run has a -1 beside sizes that "
        "multiply to {}: it cannot be inferred");
  Value divisor =
      arith::SelectOp::create(b, loc, eq(others, zero), one, others);
  Value inferredSize = arith::DivSIOp::create(b, loc, count, divisor);
  SmallVector<OpFoldResult> out;
  for (Value size : sizes)
    out.push_back(
        arith::SelectOp::create(b, loc, eq(size, minusOne), inferredSize, size)
            .getResult());
  // A one-entry target goes through a cast, which compares nothing.
  if (out.size() == 1)
    check(eq(cast<Value>(out.front()), count), cast<Value>(out.front()),
          "the target shape read on this run holds {} elements, but the "
          "input has another number");
  return out;
}

LogicalResult importReshape(GraphImporter &g) {
  if (failed(g.checkAttrs({"allowzero"})))
    return failure();
  Value x = g.tensorInput(0);
  auto target = g.intsInput(1);
  if (!x)
    return failure();
  if (!target) {
    g.nodeError() << "the target shape must be a known integer vector";
    return failure();
  }
  bool allowZero = g.intAttr("allowzero", 0) != 0;
  Ints in = shapeOf(g, x), out;
  if (const OnnxValue *shape = g.input(1);
      !shape->elements && !shape->constant) {
    // Sizes that are data, not lengths the importer follows: through 1-D,
    // which is right for any valid target (a guessed grouping of x's
    // dimensions would refuse [2, 3, 4] to [3, 8]).
    g.setOutput(0,
                reshapeThroughFlat(
                    g, x, targetSizesReadAtRunTime(g, in, *target, allowZero)));
    return success();
  }
  int64_t inferred = -1;
  for (auto [i, d] : llvm::enumerate(*target)) {
    std::optional<int64_t> c = getConstantIntValue(d);
    if (c && *c == 0 && !allowZero) {
      if (i >= in.size()) {
        g.nodeError() << "a 0 in the target shape copies a dimension the "
                         "input lacks";
        return failure();
      }
      out.push_back(in[i]);
    } else if (c && *c < -1) {
      // ONNX: -1 (inferred) and 0 (copied) are the only special values.
      g.nodeError() << "target shape entry " << i << " is " << *c
                    << "; sizes must be >= -1";
      return failure();
    } else if (c && *c == -1) {
      if (inferred >= 0) {
        g.nodeError() << "the target shape has two -1 entries";
        return failure();
      }
      inferred = i;
      out.push_back(g.builder.getIndexAttr(1));
    } else {
      out.push_back(d);
    }
  }
  if (inferred >= 0) {
    // -1 is the input's element count over the other target sizes, factor
    // by factor: sizes that appear on both sides (copied by 0, or the same
    // length however reached, or input dimensions of one name:
    // isSameRunSize) cancel, also inside
    // products, so [T, B, 2, 6] -> [0, 0, -1] infers a static 12,
    // x.reshape(B * T, -1) of [B, T, 8] a static 8, and Hugging Face's
    // arange(T).unsqueeze(0).view(-1, T) a static 1 (which broadcasts
    // against the batch).
    SizeFactors num, den;
    for (OpFoldResult d : in)
      addFactors(g, d, num);
    for (auto [i, outSize] : llvm::enumerate(out))
      if ((int64_t)i != inferred)
        addFactors(g, outSize, den);
    if (den.constant == 0) {
      // ONNX: with allowzero, a 0 and a -1 in one shape are invalid (any
      // size would do).
      g.nodeError() << "the target shape has a -1 and a size of 0";
      return failure();
    }
    SmallVector<OpFoldResult> unmatched;
    for (OpFoldResult d : den.values) {
      auto same = llvm::find_if(
          num.values, [&](OpFoldResult n) { return isSameRunSize(n, d); });
      if (same != num.values.end())
        num.values.erase(same);
      else
        unmatched.push_back(d);
    }
    OpFoldResult total = g.builder.getIndexAttr(1),
                 known = g.builder.getIndexAttr(1);
    bool exact =
        !num.overflowed && !den.overflowed && num.constant % den.constant == 0;
    if (exact)
      total = g.builder.getIndexAttr(num.constant / den.constant);
    else {
      total = g.builder.getIndexAttr(num.constant);
      known = g.builder.getIndexAttr(den.constant);
    }
    for (OpFoldResult d : num.values)
      total = foldedIndexOp(g, '*', total, d);
    for (OpFoldResult d : unmatched)
      known = foldedIndexOp(g, '*', known, d);
    // An input with a static 0 has no element: the -1 is 0 ([T, 0] to
    // [-1]), whatever the run-time sizes beside it.
    out[inferred] = !num.overflowed && num.constant == 0
                        ? OpFoldResult(g.builder.getIndexAttr(0))
                        : foldedIndexOp(g, '/', total, known);
  }
  // Element counts that differ on every run ([2, 3] to [5], [T, 6] to
  // [T, 4]) are refused here, where the shapes can be named; counts that
  // may be equal are compared on each run where they are not provably so.
  if (ProductBalance p = balanceProducts(g, in, out);
      !p.a.overflowed && !p.b.overflowed && p.onlyA == 0 && p.onlyB == 0 &&
      p.a.constant != p.b.constant) {
    auto print = [](InFlightDiagnostic &d, ArrayRef<OpFoldResult> shape) {
      d << "[";
      for (auto [i, size] : llvm::enumerate(shape)) {
        std::optional<int64_t> c = getConstantIntValue(size);
        d << (i ? ", " : "");
        if (c)
          d << *c;
        else
          d << "?";
      }
      d << "]";
    };
    InFlightDiagnostic d = g.nodeError();
    d << "the input of shape ";
    print(d, in);
    d << " cannot be reshaped to ";
    print(d, *target);
    const char *sameSizes =
        p.a.values.empty() ? "" : " (times run-time sizes both share)";
    if (inferred < 0) {
      d << ": they hold " << p.a.constant << " and " << p.b.constant
        << " elements" << sameSizes;
    } else {
      SmallVector<OpFoldResult> others(out);
      others.erase(others.begin() + inferred);
      d << ": its " << p.a.constant << " elements" << sameSizes
        << " are no multiple of the other sizes' product "
        << balanceProducts(g, in, others).b.constant;
    }
    return failure();
  }
  // Reshaping a value known element by element keeps its elements (row-
  // major) in the new shape: [-1, 2] makes F.pad's amounts pairs.
  if (const OnnxValue *in = g.input(0); in->elements && !in->boolean) {
    // (Every size at most the vector's own length bound: no product can
    // wrap, and no later loop over a size runs long.)
    SmallVector<int64_t> shape;
    int64_t count = 1;
    for (OpFoldResult d : out)
      if (std::optional<int64_t> c = getConstantIntValue(d);
          c && *c >= 0 && *c <= kMaxShapeVectorLength) {
        shape.push_back(*c);
        if (count >= 0)
          count = count * *c > kMaxShapeVectorLength ? -1 : count * *c;
      }
    if (shape.size() == out.size() &&
        count == static_cast<int64_t>(in->elements->size())) {
      g.setOutput(0, symbolicArray(*in->elements, shape));
      return success();
    }
  }
  g.setOutput(0, reshapeTo(g, x, out));
  return success();
}

LogicalResult importSqueezeUnsqueeze(GraphImporter &g, bool squeeze) {
  // Before opset 13 the axes are an attribute, not input 1.
  bool attributeAxes = g.opset < 13;
  if (failed(attributeAxes ? g.checkAttrs({"axes"}) : g.checkAttrs({})))
    return failure();
  const OnnxValue *in = g.input(0);
  if (!in) {
    g.nodeError() << "input 0 is required";
    return failure();
  }
  std::optional<SmallVector<int64_t>> axes;
  if (attributeAxes) {
    axes = g.intsAttr("axes");
    if (!axes && !squeeze) {
      g.nodeError() << "needs the attribute 'axes'";
      return failure();
    }
  } else if (g.hasInput(1)) {
    axes = g.constIntsInput(1);
    if (!axes) {
      g.nodeError() << "axes must be a constant";
      return failure();
    }
  }
  if (isSymbolicInt(in) &&
      (in->elements || in->constant.getNumElements() <= 16)) {
    Ints elems = *g.intsInput(0);
    bool scalar = isScalarInt(in);
    if (!squeeze && scalar && axes && axes->size() == 1) {
      g.setOutput(0, symbolic(elems, false));
      return success();
    }
    if (squeeze && !scalar && elems.size() == 1) {
      g.setOutput(0, symbolic(elems, true));
      return success();
    }
  }
  Value x = g.tensorInput(0);
  if (!x)
    return failure();
  Ints shape = shapeOf(g, x), out;
  int64_t rank = tensorType(x).getRank();
  if (squeeze) {
    SmallVector<bool> drop(rank, false);
    if (axes) {
      for (int64_t a : *axes) {
        auto n = normalizeAxis(g, a, rank);
        if (!n)
          return failure();
        if (tensorType(x).isDynamicDim(*n) == false &&
            tensorType(x).getDimSize(*n) != 1) {
          g.nodeError() << "cannot squeeze dimension " << *n << " of "
                        << x.getType();
          return failure();
        }
        if (tensorType(x).isDynamicDim(*n)) {
          // ONNX: a squeezed dimension is 1; checked on each run, then
          // typed so (the reshape below merges nothing else into it).
          Value d = g.indexValue(shape[*n]);
          seq::createCheck(
              g.builder, g.loc,
              arith::CmpIOp::create(
                  g.builder, g.loc, arith::CmpIPredicate::eq, d,
                  arith::ConstantIndexOp::create(g.builder, g.loc, 1)),
              d,
              seq::describeLocation(g.loc) + ": squeezing dimension " +
                  std::to_string(*n) +
                  ", which has {} elements (it must "
                  "have 1)",
              seq::CheckKind::shape);
          shape[*n] = g.builder.getIndexAttr(1);
        }
        drop[*n] = true;
      }
    } else {
      // Without axes ONNX removes every dimension of size 1, so the rank
      // of the result would depend on the input: static 1s are removed,
      // and a dynamic dimension must not be 1 on any run (checked).
      for (int64_t i = 0; i < rank; ++i) {
        drop[i] = tensorType(x).getDimSize(i) == 1;
        if (!tensorType(x).isDynamicDim(i))
          continue;
        Value d = g.indexValue(shape[i]);
        seq::createCheck(
            g.builder, g.loc,
            arith::CmpIOp::create(
                g.builder, g.loc, arith::CmpIPredicate::ne, d,
                arith::ConstantIndexOp::create(g.builder, g.loc, 1)),
            d,
            seq::describeLocation(g.loc) +
                ": Squeeze without axes removes every dimension of size 1, "
                "and dimension " +
                std::to_string(i) +
                " (dynamic) has {} in this run: the result's rank would "
                "depend on the input (export with explicit axes)",
            seq::CheckKind::shape);
      }
    }
    for (int64_t i = 0; i < rank; ++i)
      if (!drop[i])
        out.push_back(shape[i]);
    // The checked dimensions typed as 1, so that the reshape provably
    // drops only them.
    SmallVector<int64_t> checked(tensorType(x).getShape());
    for (int64_t i = 0; i < rank; ++i)
      if (drop[i])
        checked[i] = 1;
    if (checked != SmallVector<int64_t>(tensorType(x).getShape()))
      x = tensor::CastOp::create(
          g.builder, g.loc,
          RankedTensorType::get(checked, tensorType(x).getElementType()), x);
  } else {
    if (!axes) {
      g.nodeError() << "axes are required";
      return failure();
    }
    int64_t outRank = rank + axes->size();
    // Each axis is a new dimension: a repeated one would leave fewer than
    // rank + |axes| dimensions to fill.
    std::optional<SmallVector<int64_t>> newDims =
        normalizeDistinctAxes(g, *axes, outRank);
    if (!newDims)
      return failure();
    SmallVector<bool> inserted(outRank, false);
    for (int64_t n : *newDims)
      inserted[n] = true;
    for (int64_t i = 0, j = 0; i < outRank; ++i)
      out.push_back(inserted[i] ? OpFoldResult(g.builder.getIndexAttr(1))
                                : shape[j++]);
  }
  g.setOutput(0, reshapeTo(g, x, out));
  return success();
}

} // namespace

LogicalResult importReshapeOp(GraphImporter &g, StringRef op, bool &handled) {
  handled = true;
  if (op == "Reshape")
    return importReshape(g);
  if (op == "Flatten")
    return importFlatten(g);
  if (op == "Squeeze")
    return importSqueezeUnsqueeze(g, /*squeeze=*/true);
  if (op == "Unsqueeze")
    return importSqueezeUnsqueeze(g, /*squeeze=*/false);
  handled = false;
  return success();
}

} // namespace seqc::onnx_import
