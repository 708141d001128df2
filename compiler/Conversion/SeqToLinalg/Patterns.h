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
/// seq.attention in query x key tiles of `tile` rows with an online softmax
/// (FlashAttentionToLinalg.cpp), or with `tile` = 0 through one
/// materialized score matrix (AttentionToLinalg.cpp, the reference).
void populateAttentionToLinalgPatterns(mlir::RewritePatternSet &patterns,
                                       int64_t tile);
void populateFlashAttentionToLinalgPatterns(mlir::RewritePatternSet &patterns,
                                            int64_t tile);
void populateMemoryToLinalgPatterns(mlir::RewritePatternSet &patterns);

/// Identity indexing maps and all-parallel iterators of rank `rank`.
mlir::linalg::GenericOp
createElementwiseGeneric(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::ValueRange inputs, mlir::Value init,
                         llvm::function_ref<mlir::Value(
                             mlir::OpBuilder &, mlir::Location, mlir::ValueRange)>
                             body);

} // namespace seqc

#endif // SEQC_COMPILER_CONVERSION_SEQTOLINALG_PATTERNS_H
