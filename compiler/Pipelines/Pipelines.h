//===- Pipelines.h - the one place that orders seqc's passes ----*- C++ -*-===//
//
// seqc and seq-opt both build their pass pipelines here, so a pipeline run
// by the driver can be replayed stage by stage with seq-opt:
//
//   seq-opt --seqc-model-abi         entry, tied dims, weights, signature
//   seq-opt --seqc-seq-to-loops      seq ops -> linalg/scf on buffers
//   seq-opt --seqc-lower-to-llvm     buffers -> LLVM dialect
//   seq-opt --seqc-cpu-pipeline      both
//   seq-opt --seqc-cuda-pipeline     seq ops -> kernels (PTX) + host code
//
// with the options of CpuPipelineOptions (see README.md here).
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_PIPELINES_PIPELINES_H
#define SEQC_COMPILER_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassManager.h"

#include <string>

namespace seqc {

/// Options of the CPU pipeline. Target options (CPU name, features) belong
/// to object emission, not here: the MLIR pipeline is target-independent.
struct CpuPipelineOptions {
  /// Run canonicalization and CSE between the stages (off only to debug a
  /// stage in isolation).
  bool cleanup = true;
  /// Time steps per input-projection GEMM of a recurrence
  /// (seq-decompose-recurrences' chunk-steps): its temporaries hold
  /// this many steps, whatever T is.
  int64_t recurrenceChunkSteps = 64;
  /// Query rows and keys per seq.attention tile (convert-seq-to-linalg's
  /// attention-tile; 0: the whole score matrix at once). 64: a row of a
  /// score tile is the four AVX-512 vectors of the outer-product
  /// microkernel's widest tile; against 32, 5-7% less time for W6 and W7
  /// of bench/bench.py (Xeon, 1 and 2 threads), no difference with AVX2.
  int64_t attentionTile = 64;
  /// f32 lanes of the target's vectors (seqc-lower-dot-contractions):
  /// 16 with AVX-512, 8 with AVX2, 4 otherwise.
  int64_t vectorWidth = 16;
  /// Pack constant linear weights in panels of columns
  /// (seqc-pack-constant-weights): the CPU GEMM microkernel's layout, and
  /// the CUDA kernels' (a warp's threads, consecutive columns, then read
  /// one contiguous line per step of the reduction).
  bool packWeights = true;
  /// Columns per panel; 0: the CPU microkernel's, derived from
  /// vectorWidth. The CUDA pipeline sets the warp size, 32.
  int64_t panelWidth = 0;
  /// Compile a stack of identical layers as one function called per layer
  /// (seqc-outline-repeated-layers): compile time stays flat in depth. The
  /// CUDA pipeline keeps the layers inline (its host code is not checked
  /// with calls yet).
  bool outlineRepeatedLayers = true;
  /// Compile each distinct seq.attention as one function called where it
  /// occurs (seqc-outline-attention-kernels): a streaming model's entries
  /// share their attention's code. The CUDA pipeline keeps the attention
  /// inline (its kernels are outlined from the host code's loops).
  bool outlineAttentionKernels = true;
  /// Float32 sums over the time steps (or 2048 elements or more)
  /// accumulate in float64 (seqc-accumulate-long-sums). The CUDA pipeline
  /// keeps float32: there a sum is one thread's loop, and the conversions
  /// would be kernels of their own (one more launch per softmax).
  bool accumulateLongSums = true;
};

/// Options of the CUDA pipeline (`seqc --target=cuda`).
struct CudaPipelineOptions {
  bool cleanup = true;
  int64_t recurrenceChunkSteps = 64;
  /// 0: the whole [Lq, Lk] score matrix, a few large kernels. A tile
  /// size makes the tile loop host code, a handful of small launches per
  /// tile (measured on an H200: docs/Benchmarks.md, GPU section).
  int64_t attentionTile = 0;
  /// The GPU the PTX is for (nvvm-attach-target's chip): sm_80 runs on
  /// every NVIDIA GPU from the A100 on (the driver compiles PTX for newer
  /// chips).
  std::string chip = "sm_80";
  /// Threads per block (seqc-tile-loops-for-gpu).
  int64_t blockSize = 256;
};

/// Options of the model ABI phase (compiler/ModelABI/Passes.td).
struct ModelAbiOptions {
  /// The model's function; empty: the module's only public function.
  std::string entry;
  /// The C prefix of the generated API; empty: the module's seq.model_name.
  std::string name;
  /// Move the weights out of the code (trailing seq.weight arguments).
  bool externalWeights = false;
  /// Where external weights are written; empty: nowhere (the header needs
  /// only the signature).
  std::string weightsFile;
};

/// The model ABI phase: select the entry, name its tied dimensions,
/// optionally externalize its weights, export it (and its streaming step)
/// and record the C signatures in `seq.model_abi`.
void buildModelAbiPipeline(mlir::OpPassManager &pm,
                           const ModelAbiOptions &options);

/// seq ops on tensors -> linalg and scf on memrefs: decomposes recurrences,
/// converts seq to linalg/scf, bufferizes and places deallocations.
/// buildSharedLoopsPipeline followed by buildVectorLoopsPipeline.
void buildSeqToLoopsPipeline(mlir::OpPassManager &pm,
                             const CpuPipelineOptions &options);
/// The first half of buildSeqToLoopsPipeline, which no option that differs
/// between CPU levels (vectorWidth, panelWidth) changes: decompositions,
/// seq to linalg/scf on tensors, shape checks (inserted, resolved, hoisted)
/// and fused elementwise chains. seqc runs it once before copying the
/// module for each CPU level of the object.
void buildSharedLoopsPipeline(mlir::OpPassManager &pm,
                              const CpuPipelineOptions &options);
/// The second half: weights packed for the vector width, repeated layers
/// outlined, bufferization, deallocation.
void buildVectorLoopsPipeline(mlir::OpPassManager &pm,
                              const CpuPipelineOptions &options);

/// Bufferized linalg/scf/math -> the LLVM dialect.
void buildLowerToLLVMPipeline(mlir::OpPassManager &pm,
                              const CpuPipelineOptions &options);

/// buildSeqToLoopsPipeline followed by buildLowerToLLVMPipeline.
void buildCpuPipeline(mlir::OpPassManager &pm,
                      const CpuPipelineOptions &options);

/// Bufferized loops -> kernels: every linalg op becomes a gpu.launch_func
/// of an outlined kernel, serialized to PTX in a gpu.binary (no CUDA
/// toolkit needed). `seqc --emit=ptx` stops here.
void buildCudaKernelsPipeline(mlir::OpPassManager &pm,
                              const CudaPipelineOptions &options);

/// The host code after buildCudaKernelsPipeline -> the LLVM dialect, with
/// the launches and weight copies through the model context
/// (seqc-lower-gpu-launches).
void buildCudaHostPipeline(mlir::OpPassManager &pm,
                           const CudaPipelineOptions &options);

/// buildSeqToLoopsPipeline (no weight packing), buildCudaKernelsPipeline
/// and, with `lowerHost`, buildCudaHostPipeline.
void buildCudaPipeline(mlir::OpPassManager &pm,
                       const CudaPipelineOptions &options,
                       bool lowerHost = true);

/// Registers the pipelines above with the command-line registry.
void registerPipelines();

} // namespace seqc

#endif // SEQC_COMPILER_PIPELINES_PIPELINES_H
