//===- Passes.h - seq dialect passes ----------------------------*- C++ -*-===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_PASSES_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_PASSES_H

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Pass/Pass.h"

namespace seqc::seq {

#define GEN_PASS_DECL
#include "dialects/Seq/Transforms/Passes.h.inc"

/// Patterns rewriting seq.rnn, seq.lstm and seq.gru into seq.linear +
/// seq.scan (see DecomposeRecurrencesPass).
void populateDecomposeRecurrencesPatterns(mlir::RewritePatternSet &patterns,
                                          int64_t chunkSteps = 64);

/// Patterns rewriting seq.selective_scan into chunked generics and a
/// seq.scan (see DecomposeSelectiveScanPass).
void populateDecomposeSelectiveScanPatterns(mlir::RewritePatternSet &patterns,
                                            int64_t chunkSteps = 64);

/// Patterns reading the last step of a forward recurrence's output (through
/// collapses and transposes) from its final state instead, so that the
/// output sequence need not be stored (run before the decomposition).
void populateFoldLastStepPatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "dialects/Seq/Transforms/Passes.h.inc"

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_PASSES_H
