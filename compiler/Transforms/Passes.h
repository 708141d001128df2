//===- Passes.h - seqc codegen passes on upstream dialects ------*- C++ -*-===//

#ifndef SEQC_COMPILER_TRANSFORMS_PASSES_H
#define SEQC_COMPILER_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace seqc {

#define GEN_PASS_DECL
#include "compiler/Transforms/Passes.h.inc"

/// The argument attribute that marks an entry's model-context pointer
/// (seqc-add-model-context adds it, seqc-lower-checks writes through it).
inline constexpr const char kModelContextAttr[] = "seqc.model_context";

/// The internal functions through which seqc-allocate-through-context routes
/// an entry's allocations: (context, alignment, size) -> block and
/// (context, block).
inline constexpr const char kModelAllocFunction[] = "seqc_model_alloc";
inline constexpr const char kModelFreeFunction[] = "seqc_model_free";

/// Ops implementing linalg::AggregatedOpInterface -> their decomposition.
void populateDecomposeAggregatedOpsPatterns(mlir::RewritePatternSet &patterns);

/// f32 math ops -> polynomial approximations.
void populateApproximateMathPatterns(mlir::RewritePatternSet &patterns);

/// memref.copy -> linalg.copy.
void populateMemrefCopyToLinalgPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "compiler/Transforms/Passes.h.inc"

} // namespace seqc

#endif // SEQC_COMPILER_TRANSFORMS_PASSES_H
