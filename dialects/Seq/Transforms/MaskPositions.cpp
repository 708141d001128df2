//===- MaskPositions.cpp - masks built by comparing positions ------------===//

#include "dialects/Seq/Transforms/MaskPositions.h"
#include "dialects/Seq/Transforms/RaisingMatchers.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace seqc::seq {

namespace {

/// An integer affine function of some loops or dimensions:
/// sum_d coeff[d] * x_d + constant.
struct Affine {
  SmallVector<int64_t> coeff;
  int64_t constant = 0;

  static Affine zero(size_t n) { return Affine{SmallVector<int64_t>(n, 0)}; }
  Affine scaled(int64_t s) const {
    Affine out = *this;
    for (int64_t &c : out.coeff)
      c *= s;
    out.constant *= s;
    return out;
  }
  Affine plus(const Affine &other) const {
    Affine out = *this;
    for (auto [c, o] : llvm::zip(out.coeff, other.coeff))
      c += o;
    out.constant += other.constant;
    return out;
  }
};

/// Coefficients and constants past this are not positions (and could
/// overflow the arithmetic on them).
constexpr int64_t kMaxCoefficient = int64_t(1) << 20;

bool isSmall(const Affine &a) {
  auto small = [](int64_t c) {
    return c > -kMaxCoefficient && c < kMaxCoefficient;
  };
  return small(a.constant) && llvm::all_of(a.coeff, small);
}

/// Whether every value of `a` is exact in `type`: index and i64 hold any
/// small affine function of the indices; i32, f32 and f64 only positions
/// and their differences (|coefficients| summing to at most 2, a constant
/// below 2^20: below 2^24 in magnitude while lengths stay below 2^23, so an
/// f32 counts them exactly); narrower integers and floats (f16 counts
/// exactly only to 2048) none.
bool isExactIn(const Affine &a, Type type) {
  if (type.isIndex() || type.isInteger(64))
    return isSmall(a);
  if (!type.isInteger(32) && !type.isF32() && !type.isF64())
    return false;
  constexpr int64_t kMaxPositionConstant = int64_t(1) << 20;
  int64_t weight = 0;
  for (int64_t c : a.coeff)
    weight += c < 0 ? -c : c;
  return weight <= 2 && a.constant > -kMaxPositionConstant &&
         a.constant < kMaxPositionConstant;
}

constexpr int kMaxDepth = 16;

std::optional<Affine> tensorPosition(Value t, int depth);

std::optional<Affine> bodyPositionOf(linalg::GenericOp op, Value x, int depth);

/// The body value `x` of `op` as a function of op's loops, when `x`'s type
/// holds it exactly.
std::optional<Affine> bodyPosition(linalg::GenericOp op, Value x, int depth) {
  std::optional<Affine> a = bodyPositionOf(op, x, depth);
  if (!a || !isExactIn(*a, x.getType()))
    return std::nullopt;
  return a;
}

std::optional<Affine> bodyPositionOf(linalg::GenericOp op, Value x, int depth) {
  if (depth > kMaxDepth)
    return std::nullopt;
  size_t loops = op.getNumLoops();
  if (auto arg = dyn_cast<BlockArgument>(x)) {
    if (arg.getOwner() != op.getBody() ||
        arg.getArgNumber() >= (unsigned)op.getNumDpsInputs())
      return std::nullopt;
    OpOperand *in = op.getDpsInputOperand(arg.getArgNumber());
    std::optional<Affine> inner = tensorPosition(in->get(), depth + 1);
    if (!inner)
      return std::nullopt;
    // Compose with the indexing map: operand dimension d is read at the
    // loop the map names (or at 0, a broadcast size-1 dimension).
    AffineMap map = op.getMatchingIndexingMap(in);
    Affine out = Affine::zero(loops);
    out.constant = inner->constant;
    for (auto [d, expr] : llvm::enumerate(map.getResults())) {
      if (inner->coeff[d] == 0)
        continue;
      if (auto dim = dyn_cast<AffineDimExpr>(expr))
        out.coeff[dim.getPosition()] += inner->coeff[d];
      else if (auto c = dyn_cast<AffineConstantExpr>(expr))
        out.constant += inner->coeff[d] * c.getValue();
      else
        return std::nullopt;
    }
    return out;
  }
  Attribute attr;
  if (matchPattern(x, m_Constant(&attr))) {
    auto i = dyn_cast<IntegerAttr>(attr);
    if (!i || i.getType().isInteger(1))
      return std::nullopt;
    Affine out = Affine::zero(loops);
    out.constant = i.getValue().getSExtValue();
    return isSmall(out) ? std::optional<Affine>(out) : std::nullopt;
  }
  Operation *def = x.getDefiningOp();
  if (!def || def->getBlock() != op.getBody())
    return std::nullopt;
  if (auto index = dyn_cast<linalg::IndexOp>(def)) {
    Affine out = Affine::zero(loops);
    out.coeff[index.getDim()] = 1;
    return out;
  }
  // Casts between integers and to floats keep small integers exact.
  if (isa<arith::IndexCastOp, arith::ExtSIOp, arith::SIToFPOp>(def))
    return bodyPosition(op, def->getOperand(0), depth + 1);
  if (!isa<arith::AddIOp, arith::SubIOp, arith::MulIOp>(def))
    return std::nullopt;
  std::optional<Affine> a = bodyPosition(op, def->getOperand(0), depth + 1);
  std::optional<Affine> b = bodyPosition(op, def->getOperand(1), depth + 1);
  if (!a || !b)
    return std::nullopt;
  std::optional<Affine> out;
  if (isa<arith::AddIOp>(def))
    out = a->plus(*b);
  else if (isa<arith::SubIOp>(def))
    out = a->plus(b->scaled(-1));
  else if (llvm::all_of(b->coeff, [](int64_t c) { return c == 0; }))
    out = a->scaled(b->constant);
  else if (llvm::all_of(a->coeff, [](int64_t c) { return c == 0; }))
    out = b->scaled(a->constant);
  if (!out || !isSmall(*out))
    return std::nullopt;
  return out;
}

std::optional<Affine> tensorPositionOf(Value t, int depth);

/// The elements of tensor `t` as a function of its indices, when its
/// element type holds them exactly.
std::optional<Affine> tensorPosition(Value t, int depth) {
  std::optional<Affine> a = tensorPositionOf(t, depth);
  if (!a ||
      !isExactIn(*a, cast<RankedTensorType>(t.getType()).getElementType()))
    return std::nullopt;
  return a;
}

std::optional<Affine> tensorPositionOf(Value t, int depth) {
  auto type = dyn_cast<RankedTensorType>(t.getType());
  if (!type || depth > kMaxDepth)
    return std::nullopt;
  size_t rank = type.getRank();
  if (std::optional<double> splat = splatValue(t)) {
    Affine out = Affine::zero(rank);
    out.constant = (int64_t)*splat;
    if ((double)out.constant != *splat || !isSmall(out))
      return std::nullopt;
    return out;
  }
  if (auto cast = t.getDefiningOp<tensor::CastOp>())
    return tensorPosition(cast.getSource(), depth + 1);
  // Reshapes that add or drop size-1 dimensions: each group holds one
  // dimension of any size, the others are static 1 (index 0).
  auto regroup = [&](Value source, ArrayRef<ReassociationIndices> groups,
                     RankedTensorType wide,
                     bool toWide) -> std::optional<Affine> {
    std::optional<Affine> inner = tensorPosition(source, depth + 1);
    if (!inner)
      return std::nullopt;
    Affine out = Affine::zero(rank);
    out.constant = inner->constant;
    for (auto [g, group] : llvm::enumerate(groups)) {
      std::optional<int64_t> kept;
      for (int64_t d : group)
        if (wide.getDimSize(d) != 1) {
          if (kept)
            return std::nullopt;
          kept = d;
        }
      int64_t wideDim = kept ? *kept : group.back();
      if (toWide)
        out.coeff[wideDim] = inner->coeff[g];
      else
        out.coeff[g] = inner->coeff[wideDim];
    }
    return out;
  };
  if (auto expand = t.getDefiningOp<tensor::ExpandShapeOp>())
    return regroup(expand.getSrc(), expand.getReassociationIndices(), type,
                   /*toWide=*/true);
  if (auto collapse = t.getDefiningOp<tensor::CollapseShapeOp>())
    return regroup(collapse.getSrc(), collapse.getReassociationIndices(),
                   collapse.getSrcType(), /*toWide=*/false);
  auto op = t.getDefiningOp<linalg::GenericOp>();
  if (!op || op->getNumResults() != 1 ||
      op.getNumParallelLoops() != op.getNumLoops() ||
      !op.getMatchingIndexingMap(op.getDpsInitOperand(0)).isIdentity() ||
      op.payloadUsesValueFromOperand(op.getDpsInitOperand(0)))
    return std::nullopt;
  return bodyPosition(op, op.getBody()->getTerminator()->getOperand(0),
                      depth + 1);
}

/// A comparison's predicate as a signed-integer one; none for unordered
/// float and unsigned ones.
std::optional<arith::CmpIPredicate> signedPredicate(Operation *op) {
  using I = arith::CmpIPredicate;
  if (auto cmp = dyn_cast<arith::CmpIOp>(op)) {
    switch (cmp.getPredicate()) {
    case I::eq:
    case I::ne:
    case I::slt:
    case I::sle:
    case I::sgt:
    case I::sge:
      return cmp.getPredicate();
    default:
      return std::nullopt;
    }
  }
  if (auto cmp = dyn_cast<arith::CmpFOp>(op)) {
    using F = arith::CmpFPredicate;
    switch (cmp.getPredicate()) {
    case F::OEQ:
      return I::eq;
    case F::ONE:
      return I::ne;
    case F::OLT:
      return I::slt;
    case F::OLE:
      return I::sle;
    case F::OGT:
      return I::sgt;
    case F::OGE:
      return I::sge;
    default:
      return std::nullopt;
    }
  }
  return std::nullopt;
}

/// The predicate p' with p(-x, 0) == p'(x, 0).
arith::CmpIPredicate negatedOperandPredicate(arith::CmpIPredicate pred) {
  using I = arith::CmpIPredicate;
  switch (pred) {
  case I::slt:
    return I::sgt;
  case I::sle:
    return I::sge;
  case I::sgt:
    return I::slt;
  case I::sge:
    return I::sle;
  default:
    return pred; // eq, ne
  }
}

} // namespace

std::optional<Band> readPositionComparisonBand(Value v, bool whereTrue) {
  std::optional<Elementwise> e = matchElementwise(v);
  if (!e || e->op.getNumLoops() < 2)
    return std::nullopt;
  Operation *cmp = e->yielded.getDefiningOp();
  std::optional<arith::CmpIPredicate> pred =
      cmp ? signedPredicate(cmp) : std::nullopt;
  if (!pred)
    return std::nullopt;
  std::optional<Affine> a = bodyPosition(e->op, cmp->getOperand(0), 0);
  std::optional<Affine> b = bodyPosition(e->op, cmp->getOperand(1), 0);
  if (!a || !b)
    return std::nullopt;
  // a - b = s * (j - i) + c, nothing else varying.
  Affine diff = a->plus(b->scaled(-1));
  size_t loops = diff.coeff.size();
  int64_t s = diff.coeff[loops - 1];
  if ((s != 1 && s != -1) || diff.coeff[loops - 2] != -s)
    return std::nullopt;
  for (size_t d = 0; d + 2 < loops; ++d)
    if (diff.coeff[d] != 0)
      return std::nullopt;
  if (!whereTrue)
    pred = arith::invertPredicate(*pred);
  // pred(s * d + c, 0), d = j - i; with s = -1 the comparison turns.
  int64_t c = diff.constant;
  using I = arith::CmpIPredicate;
  if (s == -1) {
    // pred(-(d - c), 0) is p'(d - c, 0).
    pred = negatedOperandPredicate(*pred);
    c = -c;
  }
  // Now pred(d + c, 0).
  switch (*pred) {
  case I::eq:
    return Band{-c, -c};
  case I::slt:
    return Band{std::nullopt, -c - 1};
  case I::sle:
    return Band{std::nullopt, -c};
  case I::sgt:
    return Band{1 - c, std::nullopt};
  case I::sge:
    return Band{-c, std::nullopt};
  default:
    return std::nullopt;
  }
}

} // namespace seqc::seq
