//===- ContractionForms.h - what contraction passes ask of a generic -*- C++ -*-===//
//
// seqc-pack-constant-weights, seqc-lower-packed-contractions and
// seqc-lower-outer-product-contractions recognize contractions by their
// body and indexing maps: the questions they share.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_TRANSFORMS_CONTRACTIONFORMS_H
#define SEQC_COMPILER_TRANSFORMS_CONTRACTIONFORMS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace seqc {

/// Whether the body of `op` (two inputs, one output) is
/// yield(out + in0 * in1) in any operand order; sets `fuse` when both the
/// multiplication and the addition carry the `contract` fast-math flag
/// (the pair may become one FMA).
bool isMultiplyAccumulate(mlir::linalg::GenericOp op, bool &fuse);

/// Whether `op` (two inputs, one output, loops (l..., n, k)) indexes its
/// first input x as (l..., k), its output y as (l..., n) and its second
/// input as `weightMap` applied to (n, k): a linear layer's contraction
/// y[l..., n] += x[l..., k] * w(n, k), whatever layout w has.
bool isLinearContraction(mlir::linalg::GenericOp op,
                         llvm::function_ref<mlir::AffineMap(
                             unsigned loops, mlir::AffineExpr n,
                             mlir::AffineExpr k)>
                             weightMap);

} // namespace seqc

#endif // SEQC_COMPILER_TRANSFORMS_CONTRACTIONFORMS_H
