//===- Patterns.h - seq to linalg patterns, one file per family -*- C++ -*-===//

#ifndef SEQC_COMPILER_CONVERSION_SEQTOLINALG_PATTERNS_H
#define SEQC_COMPILER_CONVERSION_SEQTOLINALG_PATTERNS_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/PatternMatch.h"

namespace seqc {

void populateLinearToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateNormToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateConv1dToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateAttentionToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Collapses all but the last dimension of `value` into one: [d0..dk, N] ->
/// [d0*..*dk, N] (a rank-1 value becomes [1, N]).
mlir::Value collapseToMatrix(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value value);

/// Inverse of collapseToMatrix: [M, N'] -> the leading shape of `like` with
/// N' as the last dimension.
mlir::Value expandFromMatrix(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value matrix, mlir::Value like);

/// Identity indexing maps and all-parallel iterators of rank `rank`.
mlir::linalg::GenericOp
createElementwiseGeneric(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::ValueRange inputs, mlir::Value init,
                         llvm::function_ref<mlir::Value(
                             mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>
                             body);

} // namespace seqc

#endif // SEQC_COMPILER_CONVERSION_SEQTOLINALG_PATTERNS_H
