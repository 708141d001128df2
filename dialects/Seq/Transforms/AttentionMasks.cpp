//===- AttentionMasks.cpp - which keys a mask lets each query see ---------===//

#include "dialects/Seq/Transforms/AttentionMasks.h"
#include "dialects/Seq/Transforms/MaskPositions.h"
#include "dialects/Seq/Transforms/RaisingMatchers.h"
#include "dialects/Seq/Utils/SizeUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>
#include <cmath>

using namespace mlir;

namespace seqc::seq {

std::optional<Band> Band::intersect(const Band &other) const {
  if (offset != other.offset || prefixedBlock != other.prefixedBlock)
    return std::nullopt;
  Band out = *this;
  if (other.lo)
    out.lo = lo ? std::max(*lo, *other.lo) : *other.lo;
  if (other.hi)
    out.hi = hi ? std::min(*hi, *other.hi) : *other.hi;
  return out;
}

bool Band::sameAs(const Band &other) const {
  return lo == other.lo && hi == other.hi && offset == other.offset &&
         prefixedBlock == other.prefixedBlock;
}

Band Band::shifted(int64_t rowMinusColumn) const {
  // m[i + r, j + c] is kept iff lo <= (j + c) - (i + r) <= hi.
  Band out = *this;
  if (lo)
    *out.lo += rowMinusColumn;
  if (hi)
    *out.hi += rowMinusColumn;
  return out;
}

bool keepsLastTwoDims(AffineMap map) {
  unsigned n = map.getNumResults(), loops = map.getNumDims();
  return n >= 2 && map.getResult(n - 2) == getAffineDimExpr(loops - 2,
                                                            map.getContext()) &&
         map.getResult(n - 1) ==
             getAffineDimExpr(loops - 1, map.getContext());
}

namespace {

/// The elements of a constant `v` (at most 2^20 of them) as doubles.
std::optional<SmallVector<double>> constantValues(Value v,
                                                  RankedTensorType &type) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) || attr.getNumElements() > (1 << 20))
    return std::nullopt;
  type = cast<RankedTensorType>(attr.getType());
  SmallVector<double> out;
  out.reserve(attr.getNumElements());
  if (isa<FloatType>(type.getElementType())) {
    for (APFloat f : attr.getValues<APFloat>())
      out.push_back(f.convertToDouble());
  } else if (type.getElementType().isInteger(1)) {
    for (bool b : attr.getValues<bool>())
      out.push_back(b ? 1.0 : 0.0);
  } else if (isa<IntegerType>(type.getElementType())) {
    for (APInt i : attr.getValues<APInt>())
      out.push_back((double)i.getSExtValue());
  } else {
    return std::nullopt;
  }
  return out;
}

/// The band of the constant `v` (rank >= 2) whose elements are `kept(x)`
/// inside it and `hidden(x)` outside, in every matrix of its last two
/// dimensions. A bound the matrix never reaches is dropped (no bound), so
/// the band reads the same on any slice of it.
template <typename Kept, typename Hidden>
std::optional<Band> constantBand(Value v, Kept kept, Hidden hidden) {
  RankedTensorType type;
  std::optional<SmallVector<double>> values = constantValues(v, type);
  if (!values || type.getRank() < 2 || values->empty())
    return std::nullopt;
  int64_t rows = type.getDimSize(type.getRank() - 2),
          cols = type.getDimSize(type.getRank() - 1);
  auto offset = [&](size_t k) {
    return (int64_t)k % cols - (int64_t)(k / cols) % rows; // j - i
  };
  std::optional<int64_t> lo, hi;
  for (size_t k = 0; k < values->size(); ++k) {
    double x = (*values)[k];
    if (kept(x)) {
      lo = lo ? std::min(*lo, offset(k)) : offset(k);
      hi = hi ? std::max(*hi, offset(k)) : offset(k);
    } else if (!hidden(x)) {
      return std::nullopt;
    }
  }
  if (!lo)
    return std::nullopt; // nothing is kept
  for (size_t k = 0; k < values->size(); ++k)
    if (kept((*values)[k]) != (*lo <= offset(k) && offset(k) <= *hi))
      return std::nullopt;
  Band band{lo, hi};
  if (*lo <= -(rows - 1))
    band.lo.reset();
  if (*hi >= cols - 1)
    band.hi.reset();
  return band;
}

/// Whether a reshape between `wide` and the tensor of `groups.size()`
/// dimensions keeps the last two dimensions of both (only adds or drops
/// size-1 dimensions before them).
bool reshapeKeepsLastTwoDims(ArrayRef<ReassociationIndices> groups,
                             RankedTensorType wide) {
  int64_t n = groups.size(), w = wide.getRank();
  if (n < 2 || groups[n - 1] != ReassociationIndices{w - 1} ||
      groups[n - 2].back() != w - 2)
    return false;
  return llvm::all_of(ArrayRef<int64_t>(groups[n - 2]).drop_back(),
                      [&](int64_t d) { return wide.getDimSize(d) == 1; });
}

/// `a op b`, both tensors read on the loops' last two dimensions, or
/// `t op scalar` in either order (`b` empty, `scalar` set).
struct BinaryLeaves {
  Operation *op;
  Value a, b;
  std::optional<double> scalar;
  bool scalarFirst = false; // `scalar op a` (1 - x), not `a op scalar`
};

std::optional<BinaryLeaves> readBinary(Value v) {
  std::optional<Elementwise> e = matchElementwise(v);
  if (!e)
    return std::nullopt;
  Operation *op = e->yielded.getDefiningOp();
  if (!op || op->getNumOperands() != 2)
    return std::nullopt;
  std::optional<BodyLeaf> lhs = readLeaf(e->op, op->getOperand(0));
  std::optional<BodyLeaf> rhs = readLeaf(e->op, op->getOperand(1));
  if (!lhs || !rhs)
    return std::nullopt;
  // (A splat tensor operand is a scalar too.)
  bool scalarFirst = lhs->scalar.has_value();
  if (scalarFirst)
    std::swap(lhs, rhs);
  if (lhs->scalar || !keepsLastTwoDims(lhs->map))
    return std::nullopt;
  if (rhs->scalar)
    return BinaryLeaves{op, lhs->tensor, Value(), rhs->scalar, scalarFirst};
  if (!keepsLastTwoDims(rhs->map))
    return std::nullopt;
  return BinaryLeaves{op, lhs->tensor, rhs->tensor, std::nullopt};
}

/// `v` with broadcasts, copies, reshapes and slices looked through (adding
/// each slice's row-minus-column offset to `shift`; one run-time row
/// offset may be `offset`, the column offsets must be constants), and
/// casts: any that keeps 0s and 1s with `zerosAndOnes`, else only
/// float-to-float ones (which keep -inf).
Value throughPatternKeepingOps(Value v, bool zerosAndOnes, int64_t &shift,
                               Value &offset, bool &sliced) {
  while (true) {
    if (auto slice = v.getDefiningOp<tensor::ExtractSliceOp>();
        slice &&
        slice.getSourceType().getRank() == slice.getType().getRank() &&
        slice.getType().getRank() >= 2) {
      int64_t r = slice.getType().getRank();
      auto offsets = slice.getMixedOffsets(), strides = slice.getMixedStrides();
      // (Offsets that are the same on every run count as constants:
      // Hugging Face GPT-2's Lk - Lq row offset when k and q have one
      // length.)
      std::optional<int64_t> row = constantIndex(offsets[r - 2]),
                             col = constantIndex(offsets[r - 1]);
      if (!col || (!row && offset) || !isOneInteger(strides[r - 2]) ||
          !isOneInteger(strides[r - 1]))
        return v;
      if (row)
        shift += *row;
      else
        offset = cast<Value>(offsets[r - 2]);
      shift -= *col;
      sliced = true;
      v = slice.getSource();
      continue;
    }
    if (auto expand = v.getDefiningOp<tensor::ExpandShapeOp>();
        expand && reshapeKeepsLastTwoDims(expand.getReassociationIndices(),
                                          expand.getResultType())) {
      v = expand.getSrc(); // mask[None, None, :, :]
      continue;
    }
    if (auto collapse = v.getDefiningOp<tensor::CollapseShapeOp>();
        collapse && reshapeKeepsLastTwoDims(collapse.getReassociationIndices(),
                                            collapse.getSrcType())) {
      v = collapse.getSrc();
      continue;
    }
    // `m * 1.0` and `m + 0.0` keep every value (torch's
    // multi_head_attention_forward multiplies a float attn_mask by 1.0).
    if (std::optional<BinaryLeaves> b = readBinary(v);
        b && b->scalar &&
        ((isa<arith::MulFOp>(b->op) && *b->scalar == 1.0) ||
         (isa<arith::AddFOp>(b->op) && *b->scalar == 0.0))) {
      v = b->a;
      continue;
    }
    std::optional<Elementwise> e = matchElementwise(v);
    if (!e || e->op.getNumDpsInputs() != 1)
      return v;
    auto arg = dyn_cast<BlockArgument>(e->yielded);
    Operation *cast = e->yielded.getDefiningOp();
    bool keeps = cast && (zerosAndOnes ? keepsZerosAndOnes(cast)
                                       : isa<arith::ExtFOp, arith::TruncFOp>(cast));
    if (!arg && !(keeps &&
                  (arg = dyn_cast<BlockArgument>(cast->getOperand(0)))))
      return v;
    if (arg.getOwner() != e->op.getBody() || arg.getArgNumber() != 0)
      return v;
    OpOperand *in = e->op.getDpsInputOperand(0);
    if (!keepsLastTwoDims(e->op.getMatchingIndexingMap(in)))
      return v;
    v = in->get();
  }
}

/// Trilu as the ONNX importer builds it: `select(j - i <= k, x, 0)` (lower)
/// or `select(j - i >= k, x, 0)` (upper), i and j the last two loops.
struct Trilu {
  Value input;
  bool upper;
  int64_t k;
};

std::optional<Trilu> matchTrilu(Value v) {
  std::optional<Elementwise> e = matchElementwise(v);
  if (!e || e->op.getNumDpsInputs() != 1)
    return std::nullopt;
  auto select = e->yielded.getDefiningOp<arith::SelectOp>();
  if (!select)
    return std::nullopt;
  std::optional<BodyLeaf> x = readLeaf(e->op, select.getTrueValue());
  std::optional<BodyLeaf> zero = readLeaf(e->op, select.getFalseValue());
  if (!x || !x->tensor || !x->map.isIdentity() || !zero ||
      zero->scalar != 0.0)
    return std::nullopt;
  auto cmp = select.getCondition().getDefiningOp<arith::CmpIOp>();
  if (!cmp || (cmp.getPredicate() != arith::CmpIPredicate::sle &&
               cmp.getPredicate() != arith::CmpIPredicate::sge))
    return std::nullopt;
  auto diff = cmp.getLhs().getDefiningOp<arith::SubIOp>();
  IntegerAttr k;
  if (!diff || !matchPattern(cmp.getRhs(), m_Constant(&k)))
    return std::nullopt;
  auto j = diff.getLhs().getDefiningOp<linalg::IndexOp>();
  auto i = diff.getRhs().getDefiningOp<linalg::IndexOp>();
  int64_t loops = e->op.getNumLoops();
  if (!i || !j || (int64_t)i.getDim() != loops - 2 ||
      (int64_t)j.getDim() != loops - 1)
    return std::nullopt;
  return Trilu{x->tensor, cmp.getPredicate() == arith::CmpIPredicate::sge,
               k.getInt()};
}

/// Offsets this far from the diagonal are past any tensor's extent: a
/// bound beyond them is no bound (and a diagonal k from a model's Trilu
/// cannot overflow the arithmetic on bands).
constexpr int64_t kFar = int64_t(1) << 40;

/// `band` with bounds past kFar dropped when they bound nothing (a bound
/// past it on the other side keeps no position and stays).
Band withoutFarBounds(Band band) {
  if (band.lo && *band.lo <= -kFar)
    band.lo.reset();
  if (band.hi && *band.hi >= kFar)
    band.hi.reset();
  return band;
}

/// The positions a Trilu keeps of its input (zero elsewhere).
Band triluBand(const Trilu &t) {
  int64_t k = std::clamp(t.k, -kFar, kFar);
  return t.upper ? Band{k, std::nullopt} : Band{std::nullopt, k};
}

/// The positions a Trilu zeroes: the band of the other triangle.
Band outsideTriluBand(const Trilu &t) {
  int64_t k = std::clamp(t.k, -kFar, kFar);
  return t.upper ? Band{std::nullopt, k - 1} : Band{k + 1, std::nullopt};
}

/// The input of `v` when `v` is a linalg.transpose that swaps its last two
/// dimensions only (`mask.transpose(0, 1)`), else null.
Value transposedLastTwo(Value v) {
  auto t = v.getDefiningOp<linalg::TransposeOp>();
  if (!t)
    return Value();
  ArrayRef<int64_t> perm = t.getPermutation();
  int64_t r = perm.size();
  for (int64_t d = 0; d < r; ++d)
    if (perm[d] != (d == r - 2 ? r - 1 : d == r - 1 ? r - 2 : d))
      return Value();
  return r >= 2 ? t.getInput() : Value();
}

/// The band of m^T (last two dimensions swapped) when `band` is m's: m^T
/// keeps (i, j) iff m keeps (j, i), iff lo <= i - j <= hi. (None for a
/// band with a run-time offset: its sign would flip.)
std::optional<Band> transposedBand(std::optional<Band> band) {
  if (!band || band->offset || band->prefixedBlock)
    return std::nullopt;
  Band out;
  if (band->hi)
    out.lo = -*band->hi;
  if (band->lo)
    out.hi = -*band->lo;
  return out;
}

/// Whether two bands keep the same positions on every run.
bool isSameBand(const Band &a, const Band &b) { return a.sameAs(b); }

/// The band a mask of 0s and 1s has where it is nonzero (`nonzero`) or
/// zero (else).
/// Masks combine a few masks at most: deeper `&`/`|`/`+` trees are not
/// read (each level reads both sides, so the work doubles per level).
constexpr int kMaxMaskDepth = 8;

std::optional<Band> readBand(Value v, bool nonzero, int depth);

/// The band of concat([prefix, block]) along the last dimension, `prefix`
/// keeping every position (`keepsAll`) and `block` a mask whose band
/// (`readBlock`) has an upper bound and no lower one: Hugging Face's
/// `cat([zeros(T, P), causal(T, T)], -1)` before P cached keys (LLaMA,
/// OPT, Mistral's _make_causal_mask). Position (i, j) is block's
/// (i, j - P), kept iff j - i <= hi + P; the prefix (j < P) is kept by
/// that too when hi >= -1. A prefix of static width shifts the band; one
/// of run-time width becomes its offset when `block` is square (see
/// Band::prefixedBlock).
std::optional<Band>
readPrefixedBand(Value v, function_ref<bool(Value)> keepsAll,
                 function_ref<std::optional<Band>(Value)> readBlock) {
  auto concat = v.getDefiningOp<tensor::ConcatOp>();
  if (!concat || concat.getInputs().size() != 2)
    return std::nullopt;
  int64_t r = concat.getResultType().getRank();
  if (r < 2 || static_cast<int64_t>(concat.getDim()) != r - 1)
    return std::nullopt;
  Value prefix = concat.getInputs()[0], block = concat.getInputs()[1];
  if (!keepsAll(prefix))
    return std::nullopt;
  std::optional<Band> inner = readBlock(block);
  if (!inner || inner->lo || !inner->hi || *inner->hi < -1 || inner->offset)
    return std::nullopt;
  OpFoldResult width = getDecidedSize(prefix, r - 1);
  Band out;
  if (std::optional<int64_t> w = getConstantIntValue(width)) {
    out.hi = *inner->hi + *w;
    return withoutFarBounds(out);
  }
  if (!isSameSize(getDecidedSize(block, r - 2), getDecidedSize(block, r - 1)))
    return std::nullopt;
  out.hi = inner->hi;
  out.offset = cast<Value>(width);
  out.prefixedBlock = block;
  return out;
}

/// Whether `op` compares for equality (with the scalar `x == c` reads).
bool isEquality(Operation *op) {
  if (auto cmp = dyn_cast<arith::CmpFOp>(op))
    return cmp.getPredicate() == arith::CmpFPredicate::OEQ ||
           cmp.getPredicate() == arith::CmpFPredicate::UEQ;
  if (auto cmp = dyn_cast<arith::CmpIOp>(op))
    return cmp.getPredicate() == arith::CmpIPredicate::eq;
  return false;
}

/// Whether `op` compares with 0 for equality (`x == 0`, which is `~x` on
/// 0/1 values).
bool isEqualZero(Operation *op, std::optional<double> scalar) {
  return scalar == 0.0 && isEquality(op);
}

std::optional<Band> readBandAt(Value v, bool nonzero, int depth) {
  if (depth > kMaxMaskDepth)
    return std::nullopt;
  if (std::optional<double> splat = splatValue(v)) {
    if (*splat == (nonzero ? 1.0 : 0.0))
      return Band{};
    return std::nullopt;
  }
  if (std::optional<Band> band = readPrefixedBand(
          v,
          [&](Value prefix) {
            return splatValue(prefix) == (nonzero ? 1.0 : 0.0);
          },
          [&](Value block) { return readBand(block, nonzero, depth + 1); }))
    return band;
  if (nonzero) {
    if (auto band = constantBand(
            v, [](double x) { return x == 1.0; },
            [](double x) { return x == 0.0; }))
      return band;
  } else if (auto band = constantBand(
                 v, [](double x) { return x == 0.0; },
                 [](double x) { return x == 1.0; })) {
    return band;
  }
  if (std::optional<Trilu> t = matchTrilu(v)) {
    if (nonzero) {
      std::optional<Band> in = readBand(t->input, true, depth + 1);
      return in ? in->intersect(triluBand(*t)) : std::nullopt;
    }
    // Zero where the input is or outside the triangle: a band only when
    // the input is never zero.
    if (splatValue(t->input) == 1.0)
      return outsideTriluBand(*t);
    return std::nullopt;
  }
  if (std::optional<Band> band = readPositionComparisonBand(v, nonzero))
    return band;
  // The transposed mask (PyTorch <= 1.12's generate_square_subsequent_mask:
  // `(triu(ones) == 1).transpose(0, 1)`).
  if (Value m = transposedLastTwo(v))
    return transposedBand(readBand(m, nonzero, depth + 1));
  std::optional<BinaryLeaves> bin = readBinary(v);
  // 1 - x swaps where a float mask of 0s and 1s is zero and nonzero
  // (OpenAI GPT's and BERT's `1 - b`).
  if (bin && isa<arith::SubFOp>(bin->op) && bin->scalar == 1.0 &&
      bin->scalarFirst)
    return readBand(bin->a, !nonzero, depth + 1);
  if (!bin || !bin->op->getResult(0).getType().isInteger(1))
    return std::nullopt;
  // ~x and x == 0 swap where a 0/1 mask is zero and nonzero; x == 1 is x.
  if ((isa<arith::XOrIOp>(bin->op) && bin->scalar == 1.0) ||
      isEqualZero(bin->op, bin->scalar))
    return readBand(bin->a, !nonzero, depth + 1);
  if (bin->scalar == 1.0 && isEquality(bin->op))
    return readBand(bin->a, nonzero, depth + 1);
  // Both operands must keep: nonzero where both are (and) or zero where
  // both are (or).
  if (bin->b && isa<arith::AndIOp, arith::OrIOp>(bin->op) &&
      isa<arith::AndIOp>(bin->op) == nonzero) {
    std::optional<Band> a = readBand(bin->a, nonzero, depth + 1),
                        b = readBand(bin->b, nonzero, depth + 1);
    if (a && b)
      return a->intersect(*b);
  }
  return std::nullopt;
}

/// `band`, read past slices whose offsets were `shift` and `offset`, as
/// the sliced tensor's band.
std::optional<Band> throughSlices(std::optional<Band> band, int64_t shift,
                                  Value offset, bool sliced) {
  // A slice of a prefixed mask changes the extents that prove its offset.
  if (!band || band->empty() || (band->offset && offset) ||
      (band->prefixedBlock && sliced))
    return std::nullopt;
  Band out = withoutFarBounds(band->shifted(shift));
  if (offset)
    out.offset = offset;
  return out;
}

std::optional<Band> readBand(Value v, bool nonzero, int depth) {
  int64_t shift = 0;
  Value offset;
  bool sliced = false;
  v = throughPatternKeepingOps(v, /*zerosAndOnes=*/true, shift, offset, sliced);
  return throughSlices(readBandAt(v, nonzero, depth), shift, offset, sliced);
}

} // namespace

std::optional<Band> readKeptBand(Value v) { return readBand(v, true, 0); }

std::optional<Band> readMaskedBand(Value c) { return readBand(c, false, 0); }

namespace {

std::optional<Band> readAdditiveBandAt(Value m, bool &infinite, int depth);

/// Whether `x` is <= -1e9 (kMaskedFill) at every position outside `band` (what
/// it holds inside does not matter): a splat fill, an additive mask of that
/// band, or where(c, fill, y) with c true outside it (where(c, y, fill) with c
/// false outside it). `infinite` is cleared when such a fill is finite.
bool isHiddenOutside(Value x, const Band &band, bool &infinite, int depth) {
  if (depth > kMaxMaskDepth)
    return false;
  if (std::optional<double> fill = splatValue(x)) {
    infinite &= std::isinf(*fill);
    return *fill <= kMaskedFill;
  }
  bool additiveInfinite = true;
  if (std::optional<Band> own = readAdditiveBandAt(x, additiveInfinite, depth);
      own && isSameBand(*own, band)) {
    infinite &= additiveInfinite;
    return true;
  }
  std::optional<Elementwise> e = matchElementwise(x);
  auto select =
      e ? e->yielded.getDefiningOp<arith::SelectOp>() : arith::SelectOp();
  if (!select)
    return false;
  std::optional<BodyLeaf> c = readLeaf(e->op, select.getCondition());
  std::optional<BodyLeaf> t = readLeaf(e->op, select.getTrueValue());
  std::optional<BodyLeaf> f = readLeaf(e->op, select.getFalseValue());
  if (!c || !c->tensor || !keepsLastTwoDims(c->map) || !t || !f)
    return false;
  // (`infinite` is updated only by the branch that proves it.)
  auto hidden = [&](const BodyLeaf &leaf) {
    bool leafInfinite = true, isHidden;
    if (leaf.scalar) {
      leafInfinite = std::isinf(*leaf.scalar);
      isHidden = *leaf.scalar <= kMaskedFill;
    } else {
      isHidden = leaf.tensor && keepsLastTwoDims(leaf.map) &&
                 isHiddenOutside(leaf.tensor, band, leafInfinite, depth + 1);
    }
    if (isHidden)
      infinite &= leafInfinite;
    return isHidden;
  };
  // Outside the band c is true (the masked band is the band) and the true
  // value is hidden, or c is false there and the false value is.
  if (std::optional<Band> masked = readMaskedBand(c->tensor);
      masked && isSameBand(*masked, band) && hidden(*t))
    return true;
  if (std::optional<Band> kept = readKeptBand(c->tensor);
      kept && isSameBand(*kept, band) && hidden(*f))
    return true;
  return false;
}

/// The band of an additive mask built from a bool one: where(c, 0, fill)
/// or where(c, fill, 0) with fill <= -1e9 (Hugging Face's
/// `full(finfo.min).masked_fill_(cond, 0)`), where(c, 0, x) with x hidden
/// wherever c is false, or where(c, fill, x) with x a 0/1 mask that is 0
/// exactly where c keeps (Falcon-RW) or an additive band (Gemma-2's
/// window on a causal mask: the bands intersected).
std::optional<Band> readSelectedAdditiveBand(Value m, bool &infinite,
                                             int depth) {
  std::optional<Elementwise> e = matchElementwise(m);
  auto select =
      e ? e->yielded.getDefiningOp<arith::SelectOp>() : arith::SelectOp();
  if (!select)
    return std::nullopt;
  std::optional<BodyLeaf> c = readLeaf(e->op, select.getCondition());
  std::optional<BodyLeaf> t = readLeaf(e->op, select.getTrueValue());
  std::optional<BodyLeaf> f = readLeaf(e->op, select.getFalseValue());
  if (!c || !c->tensor || !keepsLastTwoDims(c->map) || !t || !f)
    return std::nullopt;
  // where(c, 0, x) with x hidden wherever c is false, or where(c, x, 0)
  // with x hidden wherever c is true: PyTorch <= 1.12's
  // `m.float().masked_fill(m == 0, -inf).masked_fill(m == 1, 0.0)`.
  if (t->scalar != f->scalar && (t->scalar == 0.0 || f->scalar == 0.0)) {
    bool keptWhereTrue = t->scalar == 0.0;
    std::optional<BodyLeaf> x = keptWhereTrue ? f : t;
    std::optional<Band> band =
        keptWhereTrue ? readKeptBand(c->tensor) : readMaskedBand(c->tensor);
    // (Whether every fill is -inf is told only when it is a band.)
    bool hiddenInfinite = true;
    if (x->tensor && band && keepsLastTwoDims(x->map) &&
        isHiddenOutside(x->tensor, *band, hiddenInfinite, depth + 1)) {
      infinite = hiddenInfinite;
      return band;
    }
  }
  // where(c, fill, x) with x a 0/1 mask that is 0 exactly where c is
  // false (Falcon-RW's `(m * 1.0).masked_fill(m, -1e9)`), or where(c, x,
  // fill) with x 0 exactly where c is true.
  for (bool fillWhereTrue : {true, false}) {
    std::optional<BodyLeaf> fill = fillWhereTrue ? t : f;
    std::optional<BodyLeaf> x = fillWhereTrue ? f : t;
    if (!fill->scalar || !(*fill->scalar <= kMaskedFill) || !x->tensor ||
        !keepsLastTwoDims(x->map))
      continue;
    std::optional<Band> band =
        fillWhereTrue ? readMaskedBand(c->tensor) : readKeptBand(c->tensor);
    std::optional<Band> zeroBand = readMaskedBand(x->tensor);
    if (band && zeroBand && band->sameAs(*zeroBand)) {
      infinite = std::isinf(*fill->scalar);
      return band;
    }
    // x itself an additive band: hidden where either hides (Gemma-2's
    // sliding window `where(tril(ones, -W), finfo.min, causal_mask)`).
    bool xInfinite = true;
    std::optional<Band> xBand =
        band ? readAdditiveBandAt(x->tensor, xInfinite, depth + 1)
             : std::nullopt;
    if (std::optional<Band> both =
            xBand ? band->intersect(*xBand) : std::nullopt) {
      infinite = std::isinf(*fill->scalar) && xInfinite;
      return both;
    }
  }
  if (!t->scalar || !f->scalar)
    return std::nullopt;
  double onTrue = *t->scalar, onFalse = *f->scalar; // (NaN is no fill)
  bool keptWhereTrue;
  if (onTrue == 0.0 && onFalse <= kMaskedFill)
    keptWhereTrue = true;
  else if (onFalse == 0.0 && onTrue <= kMaskedFill)
    keptWhereTrue = false;
  else
    return std::nullopt;
  std::optional<Band> band =
      keptWhereTrue ? readKeptBand(c->tensor) : readMaskedBand(c->tensor);
  if (band)
    infinite = std::isinf(keptWhereTrue ? onFalse : onTrue);
  return band;
}

/// The band of `a + b`, two additive masks: where both are 0 (a sum of
/// two values <= -1e9, or of one and 0, is <= -1e9). A zero tensor (an
/// all-ones padding mask, `(1 - ones) * finfo.min`) keeps everything.
std::optional<Band> readSummedAdditiveBand(Value m, bool &infinite, int depth) {
  std::optional<BinaryLeaves> bin = readBinary(m);
  if (!bin || !isa<arith::AddFOp>(bin->op))
    return std::nullopt;
  bool infiniteA = true, infiniteB = true;
  std::optional<Band> a = readAdditiveBandAt(bin->a, infiniteA, depth + 1);
  std::optional<Band> b =
      bin->b
          ? readAdditiveBandAt(bin->b, infiniteB, depth + 1)
          : (bin->scalar == 0.0 ? std::optional<Band>(Band{}) : std::nullopt);
  if (!a || !b)
    return std::nullopt;
  infinite = infiniteA && infiniteB;
  return a->intersect(*b);
}

/// The band of `x * c` (or `c * x`) as a mask added with `sign` (+1, or
/// -1 for `s - x * c`), x of 0s and 1s and `sign * c` a finite fill at
/// most `limit`: kept where x is 0 (OpenAI GPT's original `-1e9 * (1 -
/// b)`, XLNet's `s - 1e30 * mask`). `fill`, when given, is set to `sign *
/// c`. An infinite c is none: inf * 0 is NaN.
std::optional<Band> readScaledBand(Value m, double sign,
                                   double limit = kMaskedFill,
                                   double *fill = nullptr) {
  std::optional<BinaryLeaves> bin = readBinary(m);
  if (!bin || !isa<arith::MulFOp>(bin->op) || !bin->scalar ||
      !std::isfinite(*bin->scalar) || !(sign * *bin->scalar <= limit))
    return std::nullopt;
  if (fill)
    *fill = sign * *bin->scalar;
  return readMaskedBand(bin->a);
}

/// The band of `a * x` (or `x * a`), a an additive mask and x a mask of 0s
/// and 1s that is 1 exactly where a hides (transformers 4.38-4.45's
/// `causal_mask *= arange(T) > cache_position.reshape(-1, 1)` of a
/// `triu(full(finfo.min), 1)`): a itself. (Where x is 0 a is 0, so no
/// -inf meets a 0; bands that differ, a cache offset, are left as
/// written.)
std::optional<Band> readMultipliedAdditiveBand(Value m, bool &infinite,
                                               int depth) {
  std::optional<BinaryLeaves> bin = readBinary(m);
  if (!bin || !isa<arith::MulFOp>(bin->op) || !bin->b)
    return std::nullopt;
  for (auto [a, x] : {std::pair(bin->a, bin->b), std::pair(bin->b, bin->a)}) {
    bool aInfinite = true;
    std::optional<Band> additive = readAdditiveBandAt(a, aInfinite, depth + 1);
    std::optional<Band> oneWhereHidden =
        additive ? readMaskedBand(x) : std::nullopt;
    if (oneWhereHidden && additive->sameAs(*oneWhereHidden)) {
      infinite = aInfinite;
      return additive;
    }
  }
  return std::nullopt;
}

/// The band of log(k), k a mask of 0s and 1s (the reference Mistral's
/// torch.log(tril(ones).triu(-W))): log 1 = 0 where k keeps, log 0 = -inf
/// elsewhere.
std::optional<Band> readLogOfKeptBand(Value m) {
  std::optional<Elementwise> e = matchElementwise(m);
  auto log = e ? e->yielded.getDefiningOp<math::LogOp>() : math::LogOp();
  std::optional<BodyLeaf> k =
      log ? readLeaf(e->op, log.getOperand()) : std::nullopt;
  if (!k || !k->tensor || !keepsLastTwoDims(k->map))
    return std::nullopt;
  return readKeptBand(k->tensor);
}

std::optional<Band> readAdditiveBandAt(Value m, bool &infinite, int depth) {
  if (depth > kMaxMaskDepth)
    return std::nullopt;
  int64_t shift = 0;
  Value offset;
  bool sliced = false;
  m = throughPatternKeepingOps(m, /*zerosAndOnes=*/false, shift, offset,
                               sliced);
  infinite = true;
  std::optional<Band> band;
  if (splatValue(m) == 0.0) {
    band = Band{};
  } else if ((band = readPrefixedBand(
                  m, [](Value prefix) { return splatValue(prefix) == 0.0; },
                  [&](Value block) {
                    return readAdditiveBandAt(block, infinite, depth + 1);
                  })) ||
             (band = readSelectedAdditiveBand(m, infinite, depth)) ||
             (band = readSummedAdditiveBand(m, infinite, depth)) ||
             (band = readMultipliedAdditiveBand(m, infinite, depth)) ||
             (band = readLogOfKeptBand(m))) {
  } else if ((band = readScaledBand(m, 1.0))) {
    infinite = false;
  } else if (Value mt = transposedLastTwo(m)) {
    band = transposedBand(readAdditiveBandAt(mt, infinite, depth + 1));
  } else if (std::optional<Trilu> t = matchTrilu(m)) {
    std::optional<double> fill = splatValue(t->input);
    if (!fill || !(*fill <= kMaskedFill))
      return std::nullopt;
    infinite = std::isinf(*fill);
    band = outsideTriluBand(*t);
  } else {
    band = constantBand(
        m, [](double x) { return x == 0.0; },
        [&](double x) {
          infinite &= std::isinf(x);
          return x <= kMaskedFill;
        });
  }
  return throughSlices(band, shift, offset, sliced);
}

} // namespace

std::optional<Band> readAdditiveBand(Value m, bool &infinite) {
  return readAdditiveBandAt(m, infinite, 0);
}

std::optional<Band> readSubtractedBand(Value m) {
  int64_t shift = 0;
  Value offset;
  bool sliced = false;
  m = throughPatternKeepingOps(m, /*zerosAndOnes=*/false, shift, offset,
                               sliced);
  return throughSlices(readScaledBand(m, -1.0), shift, offset, sliced);
}

std::optional<Band> readReplacingProductBand(Value m, double sign,
                                             double &fill) {
  int64_t shift = 0;
  Value offset;
  bool sliced = false;
  m = throughPatternKeepingOps(m, /*zerosAndOnes=*/false, shift, offset,
                               sliced);
  return throughSlices(readScaledBand(m, sign, kCheckedFill, &fill), shift,
                       offset, sliced);
}

namespace {

/// A constant that dimension `d` of `v` never exceeds on a run: its size's
/// bound (getUpperBound), or the least bound of the operands an
/// all-parallel linalg.generic producing `v` reads on that dimension's
/// loop, whose extents are checked equal to it (a buffer slice combined
/// with another mask: `bias[:, :, :T, :T] != 0 & window`).
std::optional<int64_t> extentUpperBound(Value v, int64_t d, int depth = 0) {
  std::optional<int64_t> best = getUpperBound(getDecidedSize(v, d));
  auto generic = v.getDefiningOp<linalg::GenericOp>();
  if (!generic || depth > 6 ||
      generic.getNumParallelLoops() != generic.getNumLoops())
    return best;
  auto result = cast<OpResult>(v);
  auto loop = dyn_cast<AffineDimExpr>(
      generic.getIndexingMapMatchingResult(result).getResult(d));
  if (!loop)
    return best;
  for (OpOperand *input : generic.getDpsInputOperands()) {
    if (!isa<RankedTensorType>(input->get().getType()))
      continue;
    for (auto [p, e] :
         llvm::enumerate(generic.getMatchingIndexingMap(input).getResults()))
      if (e == loop)
        if (std::optional<int64_t> b =
                extentUpperBound(input->get(), p, depth + 1))
          best = best ? std::min(*best, *b) : *b;
  }
  return best;
}

} // namespace

std::optional<int64_t> maxPositions(ArrayRef<DroppedMask> dropped, int64_t rank,
                                    bool selfAttention) {
  std::optional<int64_t> bound[2];
  for (const DroppedMask &m : dropped)
    for (auto [i, e] : llvm::enumerate(m.map.getResults())) {
      auto loop = dyn_cast<AffineDimExpr>(e);
      if (!loop || loop.getPosition() < rank - 2)
        continue;
      std::optional<int64_t> upper = extentUpperBound(m.mask, i);
      if (!upper || *upper < 1)
        continue;
      std::optional<int64_t> &b = bound[loop.getPosition() - (rank - 2)];
      b = b ? std::min(*b, *upper) : *upper;
    }
  if (selfAttention && (bound[0] || bound[1]))
    return std::min(bound[0].value_or(INT64_MAX), bound[1].value_or(INT64_MAX));
  if (!bound[0] || !bound[1])
    return std::nullopt;
  return std::max(*bound[0], *bound[1]);
}

} // namespace seqc::seq
