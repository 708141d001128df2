//===- Threads.h - splitting work over the context's threads ----*- C++ -*-===//
//
// A lowering that has independent work marks an scf.for with
// kParallelLoopAttr and sizes it from createThreadCount (at most that many
// iterations, each a contiguous share); seqc-outline-parallel-loops then
// hands the loop's iterations to the model context's parallel_for (abi.h).
// Without a context, or with a zeroed one, everything runs on the calling
// thread, so a marked loop is also correct run serially.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_TRANSFORMS_THREADS_H
#define SEQC_COMPILER_TRANSFORMS_THREADS_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace seqc {

/// Unit attribute on an scf.for without results whose iterations write
/// disjoint memory: its iterations may run on several threads at once. A
/// buffer used only inside the loop is each iteration's scratch (buffer
/// hoisting may have moved it out): seqc-outline-parallel-loops gives each
/// iteration its own.
inline constexpr const char kParallelLoopAttr[] = "seqc.parallel";

/// Multiply-adds (or lane operations) below which a thread's share of a
/// split is not worth a fork: 2^17 take 1.5-4 us on one core, a few times a
/// handoff to a spinning worker and back. Packed GEMMs split from half of
/// it (kMinPackedMacsPerThread).
inline constexpr int64_t kMinMacsPerThread = int64_t(1) << 17;

/// A share of a split (createShareLoop): pieces [begin, end).
struct Share {
  mlir::Value begin, end;
};

/// Multiply-adds below which a thread's share of a packed GEMM (a linear
/// layer's or a recurrence step's product on weights packed at compile
/// time) is not worth a fork: half of kMinMacsPerThread, since each share
/// also keeps its own panels of W in its core's L2. A batch-1 LSTM step
/// with H = 256 (4H x H) splits in two: 1.2-1.8x faster on two cores
/// (bench/bench.py W1_lstm_T256_B1_H256); a GRU step with H = 256 (3H x H
/// = 196K multiply-adds) now too: on W3_gru_T256_B1_H256 two threads took
/// 1.66-1.69 ms split against 1.98-2.37 unsplit in three interleaved
/// seq-run rounds (one thread 1.9-2.0), 1.74-1.75 in bench.py's passes.
inline constexpr int64_t kMinPackedMacsPerThread = int64_t(1) << 16;

/// The number of shares a split of `pieces` independent pieces of work
/// (`work` multiply-adds or lane operations in all) gets: min(threads,
/// pieces) when `work` reaches threads x `minWorkPerThread`, else 1.
mlir::Value createShareCount(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value threads, mlir::Value work,
                             mlir::Value pieces,
                             int64_t minWorkPerThread = kMinMacsPerThread);

/// The first piece of share `share` of `shares`: share * pieces / shares
/// (contiguous shares that together cover all pieces).
mlir::Value createShareStart(mlir::OpBuilder &b, mlir::Location loc,
                             mlir::Value share, mlir::Value pieces,
                             mlir::Value shares);

/// Splits `pieces` independent pieces of work (`work` multiply-adds or
/// lane operations in all) over the threads: an scf.for marked
/// kParallelLoopAttr over min(threads, pieces) shares when `work` reaches
/// threads x `minWorkPerThread`, else over one share (the serial loop).
/// Leaves `b` at the start of the loop's body (so the caller keeps an
/// InsertionGuard), where share s covers pieces [s * pieces / shares,
/// (s + 1) * pieces / shares): contiguous, together all of them.
Share createShareLoop(mlir::OpBuilder &b, mlir::Location loc,
                      mlir::Value threads, mlir::Value work, mlir::Value pieces,
                      int64_t minWorkPerThread = kMinMacsPerThread);

/// Whether work whose loop extents are `extents` (the static ones) times
/// `perIteration` could ever reach 2 x kMinMacsPerThread, the least that
/// splits in two: false only when every extent is static and the product
/// is smaller, so that the serial form can be emitted outright.
bool mayRepayFork(llvm::ArrayRef<mlir::Value> extents, int64_t perIteration);

/// Whether `op` already runs inside a loop marked kParallelLoopAttr: a
/// split there would run its shares one after another on that loop's
/// thread (seqc-outline-parallel-loops drops nested marks), so a lowering
/// emits its serial form instead.
bool isInsideParallelLoop(mlir::Operation *op);

/// Loads the `type` field at byte `offset` (offsetof in seqc/abi.h) of the
/// seqc_model_context `context` points to.
mlir::Value createContextLoad(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Value context, size_t offset,
                              mlir::Type type);

/// The model-context argument of `func` (see kModelContextAttr), if any.
mlir::Value modelContextArgument(mlir::func::FuncOp func);

/// The number of threads the entry around `at` may use, an index >= 1:
/// the context's num_threads when its parallel_for is set, else 1 (also
/// when the function has no context).
mlir::Value createThreadCount(mlir::OpBuilder &b, mlir::Location loc,
                              mlir::Operation *at);

} // namespace seqc

#endif // SEQC_COMPILER_TRANSFORMS_THREADS_H
