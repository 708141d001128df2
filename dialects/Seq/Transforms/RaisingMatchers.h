//===- RaisingMatchers.h - reading plain ops for the seq-raise-* passes -*- C++ -*-===//
//
// What the raisings (`seq-raise-attention`, `seq-raise-gelu`,
// `seq-raise-linear-bias`) need to read the plain ops the front ends emit
// (dialects/Seq/Utils/FrontEndBuilders.h): elementwise linalg.generics and
// their operands, scalar constants and value-keeping casts; and how they
// apply their patterns. Attention masks are read in AttentionMasks.h.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_RAISINGMATCHERS_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_RAISINGMATCHERS_H

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

/// The value every element of `v` has, when `v` is a splat constant, a
/// linalg.fill of a constant, or a reshape or slice of one.
std::optional<double> splatValue(mlir::Value v);

/// Whether `map` reads an operand right-aligned against the loops: operand
/// dimension i is loop `numLoops - rank + i`, or the constant 0 where the
/// operand's size is 1 (numpy broadcasting, as the front ends build it).
bool isRightAlignedBroadcast(mlir::AffineMap map, mlir::RankedTensorType type);

/// Whether `op` (one operand, in an elementwise body) converts keeping
/// which elements are 0 and which are 1: casts between floats, integers
/// and bools (a sign-extending one not from i1, whose true would become
/// -1), and `x != 0`.
bool keepsZerosAndOnes(mlir::Operation *op);

/// Applies a raising's `patterns` to `op` until none matches, erasing the
/// ops they leave unused and folding nothing else (the model's other ops
/// stay as the front end wrote them).
void applyRaising(mlir::Operation *op, mlir::RewritePatternSet &&patterns);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_RAISINGMATCHERS_H
