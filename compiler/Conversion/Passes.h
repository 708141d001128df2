//===- Passes.h - seqc conversion passes ------------------------*- C++ -*-===//

#ifndef SEQC_COMPILER_CONVERSION_PASSES_H
#define SEQC_COMPILER_CONVERSION_PASSES_H

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace seqc {

#define GEN_PASS_DECL
#include "compiler/Conversion/Passes.h.inc"

/// seq.linear, norms, embedding, activation, conv1d, attention -> linalg;
/// `attentionTile` as convert-seq-to-linalg's attention-tile.
void populateSeqToLinalgPatterns(mlir::RewritePatternSet &patterns,
                                 int64_t attentionTile);

/// Attaches seq.attention's linalg::AggregatedOpInterface: its
/// decomposition into the reference lowering (a materialized score matrix,
/// attention-tile=0). convert-seq-to-linalg registers it itself.
void registerAttentionDecomposition(mlir::DialectRegistry &registry);

/// seq.scan -> scf.for.
void populateSeqScanToSCFPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "compiler/Conversion/Passes.h.inc"

} // namespace seqc

#endif // SEQC_COMPILER_CONVERSION_PASSES_H
