//===- RaisingMatchers.h - reading plain ops for the seq-raise-* passes -*- C++
//-*-===//
//
// What the raisings (`seq-raise-attention`, `seq-raise-gelu`,
// `seq-raise-norms`, `seq-raise-linear-bias`, `seq-raise-conv-padding`,
// `seq-raise-time-shift`, `seq-raise-positions`) need
// to read the plain ops the front ends emit
// (dialects/Seq/Utils/FrontEndBuilders.h): elementwise linalg.generics and
// their operands, scalar constants and value-keeping casts, lengths as T + k;
// and how they apply their patterns. Attention masks are read in
// AttentionMasks.h.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_RAISINGMATCHERS_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_RAISINGMATCHERS_H

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

#include <optional>

namespace seqc::seq {

/// A linalg.generic that maps elements: every loop parallel, one result
/// written through the identity map and not read. `yielded` is the value
/// its body yields.
struct Elementwise {
  mlir::linalg::GenericOp op;
  mlir::Value yielded;
};

/// The elementwise generic producing `v`, if that is what produces it.
std::optional<Elementwise> matchElementwise(mlir::Value v);

/// out[b..., m, n] = sum_k lhs[b..., m, k] * rhs[b..., k, n] from zero
/// (rhs[b..., n, k] when `rhsTransposed`), f32, every batch dimension a
/// plain loop of both operands: createBroadcastMatmul's generic or
/// linalg.batch_matmul.
struct Matmul {
  mlir::Value lhs, rhs;
  bool rhsTransposed;
  /// A constant factor applied to the product before its batch dimensions
  /// were expanded (torch.baddbmm's alpha on [B * H, L, S] scores).
  double scale = 1.0;
  /// Rank 4 only: rhs is [B, 1, .., ..] or [B, .., ..], its one head read
  /// for every head of lhs (multi-query attention's key/value head, by
  /// MatMul's broadcasting `q @ k[:, None].transpose(-1, -2)` or Einsum
  /// 'bhqd,bkd->bhqk').
  bool rhsHeadBroadcast = false;
};

/// The product `v` is, if it is one: a contraction generic or
/// linalg.batch_matmul, or the rank-r (r >= 4) product the ONNX importer
/// builds over the batch dimensions collapsed into one, expand(matmul(
/// collapse(a), collapse(b))) (a constant scale, an added zero and k^T of
/// the collapsed view looked through).
std::optional<Matmul> matchMatmul(mlir::Value v);

/// `v` = s * c, c * s or s / c with c a finite nonzero constant: s and the
/// factor.
std::optional<std::pair<mlir::Value, double>> matchScale(mlir::Value v);

/// Whether `reassociation` groups all dimensions but the last two of a
/// rank-`rank` tensor into one.
bool groupsBatchDims(llvm::ArrayRef<mlir::ReassociationIndices> reassociation,
                     int64_t rank);

/// `x` where `v` = x + z (or z + x), an elementwise generic reading x
/// element for element with `v`'s type and z all zeros (a fill, or
/// ConstantOfShape(0) times a constant: torch.baddbmm's `beta * zeros`
/// before GPT-NeoX's scores, GPT-2's `+ 0.0`); null otherwise. (x + 0 is
/// x, but for -0, which becomes +0.)
mlir::Value plusZeroOperand(mlir::Value v);

/// `x` where `v` = x - rowmax(x), an elementwise generic reading x element
/// for element and x's maximum along its last dimension (a reduction
/// generic from -inf, kept as a unit dimension or not) broadcast along it:
/// PaLM's and x-transformers' `sim - sim.amax(-1, keepdim=True).detach()`
/// as a softmax's input, which subtracts the same maximum itself; null
/// otherwise. (Below a mask the maximum counts hidden keys, and the
/// subtraction rounds with their gap: not the same weights.)
mlir::Value rowMaxShiftOperand(mlir::Value v);

/// The tensor operand of a unary elementwise generic `v` applying one Op
/// to a tensor of `v`'s type read element by element; null otherwise.
template <typename Op> mlir::Value unaryOperand(mlir::Value v);

/// `x` where `v` rounds x to f16 or bf16 and back, extf(truncf(x)) element
/// for element (an fp16 or bf16 export's Cast of f32 data held as f32);
/// null otherwise (also for narrower types: a float8 fake quantization).
mlir::Value halfRoundingOperand(mlir::Value v);

/// What a value in an elementwise generic's body reads: an input tensor
/// (through `map`), whose elements may all be one constant (`scalar`), or a
/// constant defined in the body (`tensor` null).
struct BodyLeaf {
  mlir::Value tensor;
  mlir::AffineMap map;
  std::optional<double> scalar;
};

/// The leaf `x` is, when it is a block argument of an input or a constant.
std::optional<BodyLeaf> readLeaf(mlir::linalg::GenericOp op, mlir::Value x);

/// The scalar (IntegerAttr or FloatAttr) every element of `v` is, or `v`
/// is: a constant or splat; a fill, from_elements, reshape, slice, cast,
/// broadcast or transpose of one; an elementwise generic or an arith/math
/// op on such values, evaluated by the ops' own folders (so rounded as
/// their types round: `w / v.size(-1) ** 0.5` with a static size is
/// 1/2 exactly as the model computes it); or an index that value-bounds
/// analysis proves the same on every run (dim(k, 2) - dim(q, 2) when both
/// are one length). Null otherwise.
mlir::Attribute evaluateConstant(mlir::Value v);

/// evaluateConstant(v) as a double (i1 true is 1).
std::optional<double> splatValue(mlir::Value v);

/// The integer `ofr` is on every run (see evaluateConstant).
std::optional<int64_t> constantIndex(mlir::OpFoldResult ofr);

/// Whether `map` reads an operand right-aligned against the loops: operand
/// dimension i is loop `numLoops - rank + i`, or the constant 0 where the
/// operand's size is 1 (numpy broadcasting, as the front ends build it).
bool isRightAlignedBroadcast(mlir::AffineMap map, mlir::RankedTensorType type);

/// Whether `op` (one operand, in an elementwise body) converts keeping
/// which elements are 0 and which are 1: casts between floats, integers
/// and bools (a sign-extending one not from i1, whose true would become
/// -1), and `x != 0`.
bool keepsZerosAndOnes(mlir::Operation *op);

/// A length as `T + k`, T one reference length (never negative) such as
/// a convolution's input steps, or as the constant `k` (hasT false).
struct Length {
  bool hasT;
  int64_t k;
};

/// Reads the index (or i64) `v` as a Length: constants, the +, -, min and
/// max (through index_cast) the front ends compute slice bounds with, and
/// tensor.dim ops as `readDim(source, index)` says (none: unknown). A min
/// or max of `T + k` and `c` is read only where T >= minT (0 unless the
/// caller knows more) decides it (k + minT >= c). None when `v` is
/// anything else.
std::optional<Length> readLength(
    mlir::Value v,
    llvm::function_ref<std::optional<Length>(mlir::Value, int64_t)> readDim,
    int64_t minT = 0);

/// Replaces each `tensor.dim(value, i)` with a constant index by
/// `size(i)`, built before the dim: sizes read from a tensor a raising
/// removes, read from what replaces it.
void replaceDims(mlir::PatternRewriter &rewriter, mlir::Value value,
                 llvm::function_ref<mlir::Value(mlir::Location, int64_t)> size);

/// The seq.positions starting at 0 (no offset, or a zero one) that `v` is,
/// through reshapes and casts to unit dimensions around them (`arange(T)
/// [None, :]`); null when it is not.
PositionsOp positionsFromZero(mlir::Value v);

/// Applies a raising's `patterns` to `op` until none matches, erasing the
/// ops they leave unused and folding nothing else (the model's other ops
/// stay as the front end wrote them).
void applyRaising(mlir::Operation *op, mlir::RewritePatternSet &&patterns);

template <typename Op> mlir::Value unaryOperand(mlir::Value v) {
  std::optional<Elementwise> e = matchElementwise(v);
  auto op = e ? e->yielded.template getDefiningOp<Op>() : Op();
  if (!op || op->getBlock() != e->op.getBody())
    return nullptr;
  std::optional<BodyLeaf> in = readLeaf(e->op, op->getOperand(0));
  if (!in || in->scalar || !in->tensor || !in->map.isIdentity() ||
      in->tensor.getType() != v.getType())
    return nullptr;
  return in->tensor;
}

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_RAISINGMATCHERS_H
