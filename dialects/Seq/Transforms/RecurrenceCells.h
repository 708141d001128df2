//===- RecurrenceCells.h - one step of an RNN, LSTM or GRU ----*- C++ -*-===//
//
// The cells of seq-decompose-recurrences: each emits, inside a seq.scan
// body, one time step of its recurrence — the recurrent product, then every
// gate, clip, peephole and sequence-length mask in one fused epilogue —
// and returns {next carried states..., the step's output}. Gate order and
// formulas are ONNX's (onnx.ai/onnx/operators: RNN, LSTM, GRU).
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECTS_SEQ_TRANSFORMS_RECURRENCECELLS_H
#define SEQC_DIALECTS_SEQ_TRANSFORMS_RECURRENCECELLS_H

#include "dialects/Seq/IR/SeqOps.h"

#include "mlir/IR/PatternMatch.h"
#include "dialects/Seq/Utils/ActivationUtils.h"
#include "dialects/Seq/Utils/TensorUtils.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

#include <functional>
#include <optional>

namespace seqc::seq {

/// The per-op facts every cell needs.
struct RecurrenceContext {
  mlir::Location loc;
  mlir::Value x; // [T, B, I], or [B, T, I] when batchMajor
  mlir::Type elementType;
  int64_t hidden;
  std::optional<float> clip;
  mlir::Value sequenceLens; // [B] or null
  bool batchMajor;
  int64_t numDirections;
  Direction direction;
  /// Activation `slot` of direction `dir`.
  std::function<ActivationAttr(unsigned dir, unsigned slot)> activation;

  int64_t timeDim() const { return batchMajor ? 1 : 0; }
  int64_t batchDim() const { return batchMajor ? 0 : 1; }
  mlir::OpFoldResult steps(mlir::OpBuilder &b) const {
    return getDimSize(b, loc, x, timeDim());
  }
  mlir::OpFoldResult batch(mlir::OpBuilder &b) const {
    return getDimSize(b, loc, x, batchDim());
  }
  int64_t staticBatch() const {
    return llvm::cast<mlir::RankedTensorType>(x.getType())
        .getDimSize(batchDim());
  }
  mlir::RankedTensorType stateType(int64_t size) const {
    return mlir::RankedTensorType::get({staticBatch(), size}, elementType);
  }
  bool isReverse(int64_t dir) const {
    return direction == Direction::reverse || dir == 1;
  }
};

/// Builds the per-step epilogue pieces shared by the cells: clipping,
/// activations and the sequence-length mask.
struct StepEmitter {
  const RecurrenceContext &ctx;
  int64_t dir;
  mlir::Value step; // index

  mlir::Value activate(mlir::OpBuilder &b, mlir::Location loc, unsigned slot,
                       mlir::Value x) const {
    if (ctx.clip)
      x = emitClamp(b, loc, x, *ctx.clip);
    return emitActivation(b, loc, ctx.activation(dir, slot), x);
  }

  /// `step` converted to the element type of sequence_lens, computed once
  /// per step outside the epilogue.
  mlir::Value stepAsLength(mlir::OpBuilder &b, mlir::Location loc) const {
    mlir::Type lenType =
        llvm::cast<mlir::RankedTensorType>(ctx.sequenceLens.getType())
            .getElementType();
    return mlir::arith::IndexCastOp::create(b, loc, lenType, step);
  }

  /// Inside an epilogue: is this row's step within its length?
  static mlir::Value isValid(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value stepLen, mlir::Value len) {
    return mlir::arith::CmpIOp::create(b, loc, mlir::arith::CmpIPredicate::slt,
                                       stepLen, len);
  }
};

/// seq.linear of `input` [..., K] with `weight` [N, K] (and `bias` [N], or
/// null), its result type derived from the operands: [..., N].
mlir::Value createLinear(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value input, mlir::Value weight,
                         mlir::Value bias);

/// How `steps` time steps split into chunks of `chunkSteps`: the whole
/// chunks run in an scf.for (a static step count, so their temporaries are
/// allocated once) and the remaining steps outside it.
struct StepChunks {
  mlir::OpFoldResult fullChunks;     // steps floordiv chunkSteps
  mlir::OpFoldResult remainderStart; // fullChunks * chunkSteps
  mlir::OpFoldResult remainder;      // steps mod chunkSteps
};
StepChunks splitIntoChunks(mlir::OpBuilder &b, mlir::Location loc,
                           mlir::OpFoldResult steps, int64_t chunkSteps);

/// Emits one chunk of steps [t0, t0 + length) from the `carried` values and
/// returns the next ones.
using ChunkEmitter = llvm::function_ref<llvm::SmallVector<mlir::Value>(
    mlir::OpBuilder &, mlir::OpFoldResult t0, mlir::OpFoldResult length,
    mlir::ValueRange carried)>;

/// Runs `emitChunk` over `steps` time steps in chunks of `chunkSteps`: the
/// whole chunks in an scf.for carrying `inits` (a static chunk length, so
/// their temporaries are allocated once), the remaining steps after it.
/// Returns the values after the last step.
llvm::SmallVector<mlir::Value>
emitChunkLoop(mlir::OpBuilder &b, mlir::Location loc, mlir::OpFoldResult steps,
              int64_t chunkSteps, mlir::ValueRange inits,
              ChunkEmitter emitChunk);

/// Rewrites each OpTy with `Lowering`, a class built from the op and a
/// builder that emits its run-time checks (`emitChecks(builder)`) and then
/// replaces it by chunk loops (`rewrite(rewriter, chunkSteps)`): the shape
/// of the selective-scan and linear-attention decompositions.
template <typename OpTy, typename Lowering>
struct DecomposeInChunks : mlir::OpRewritePattern<OpTy> {
  DecomposeInChunks(mlir::MLIRContext *context, int64_t chunkSteps)
      : mlir::OpRewritePattern<OpTy>(context), chunkSteps(chunkSteps) {}

  mlir::LogicalResult
  matchAndRewrite(OpTy op, mlir::PatternRewriter &rewriter) const override {
    rewriter.setInsertionPoint(op);
    Lowering lowering(op, rewriter);
    lowering.emitChecks(rewriter);
    lowering.rewrite(rewriter, chunkSteps);
    return mlir::success();
  }

  int64_t chunkSteps;
};

/// Emits "<passName>: chunk-steps must be at least 1, got N" on `root` and
/// fails when `chunkSteps` < 1.
mlir::LogicalResult checkChunkSteps(mlir::Operation *root,
                                    llvm::StringRef passName,
                                    int64_t chunkSteps);

/// `value` as `type` through a tensor.cast, or `value` when it has it.
mlir::Value castIfNeeded(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Value value, mlir::Type type);

/// One RNN step: h' = f(xw + h R^T); returns {h', y}.
llvm::SmallVector<mlir::Value>
emitRnnStep(mlir::OpBuilder &b, mlir::Location loc, const StepEmitter &emit,
            mlir::Value r, mlir::Value xw, mlir::ValueRange carried);

/// One LSTM step (gates i, o, f, c; peepholes, projection and input_forget
/// as in `op`); carried = {h, c}; returns {h', c', y}.
llvm::SmallVector<mlir::Value>
emitLstmStep(mlir::OpBuilder &b, mlir::Location loc, const StepEmitter &emit,
             LstmOp op, mlir::Value r, mlir::Value peepholes,
             mlir::Value projection, mlir::Value xw, mlir::ValueRange carried);

/// One GRU step (gates z, r, h; `linearBeforeReset` as ONNX's attribute,
/// `recurrentBias` Rb when it must stay inside r * (...)); returns {h', y}.
llvm::SmallVector<mlir::Value>
emitGruStep(mlir::OpBuilder &b, mlir::Location loc, const StepEmitter &emit,
            bool linearBeforeReset, mlir::Value r, mlir::Value recurrentBias,
            mlir::Value xw, mlir::ValueRange carried);

} // namespace seqc::seq

#endif // SEQC_DIALECTS_SEQ_TRANSFORMS_RECURRENCECELLS_H
