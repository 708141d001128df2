//===- Pipelines.cpp - the one place that orders seqc's passes ----------===//

#include "compiler/Pipelines/Pipelines.h"

#include "compiler/Conversion/Passes.h"
#include "compiler/GPU/Passes.h"
#include "compiler/ModelABI/Passes.h"
#include "compiler/Transforms/Passes.h"
#include "dialects/Seq/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Arith/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/Math/Transforms/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SCF/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace seqc {

void buildModelAbiPipeline(OpPassManager &pm, const ModelAbiOptions &options) {
  SelectModelEntryPassOptions select;
  select.entry = options.entry;
  pm.addPass(createSelectModelEntryPass(select));
  // Calls into the model's other functions are inlined: only the entry gets
  // the model context that run-time checks report through. No cleanup
  // pipeline: the next phases canonicalize.
  pm.addPass(createInlinerPass(/*opPipelines=*/{}, [](OpPassManager &) {}));
  // The functions that are not the model, and that it no longer calls.
  pm.addPass(createSymbolDCEPass());
  // Sizes the model requires to agree get a shared name, which the runtime
  // checks before every run.
  pm.addPass(createNameTiedDimsPass());
  if (options.externalWeights) {
    ExternalizeWeightsPassOptions weights;
    weights.weightsFile = options.weightsFile;
    pm.addPass(createExternalizeWeightsPass(weights));
  }
  ExportModelPassOptions exportModel;
  exportModel.name = options.name;
  pm.addPass(createExportModelPass(exportModel));
}

static void addCleanup(OpPassManager &pm, const CpuPipelineOptions &options) {
  if (!options.cleanup)
    return;
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
}

/// Columns per packed weight panel: the GEMM microkernel's vectors per
/// row times their lanes. 4 vectors when there are 32 registers (AVX-512:
/// 6 rows x 4 accumulators + 4 + 1), 3 with 16 (4 x 3 + 3 + 1).
static int64_t packedPanelWidth(int64_t vectorWidth) {
  return (vectorWidth >= 16 ? 4 : 3) * vectorWidth;
}

void buildSharedLoopsPipeline(OpPassManager &pm,
                              const CpuPipelineOptions &options) {
  // Every public function reports failed checks through a model context.
  pm.addPass(createAddModelContextPass());
  // Recurrences, selective scans, linear attention and WKV first: their
  // decompositions emit seq.linear and seq.scan, which the next two
  // conversions lower.
  seq::DecomposeRecurrencesPassOptions decompose;
  decompose.chunkSteps = options.recurrenceChunkSteps;
  pm.addPass(seq::createDecomposeRecurrencesPass(decompose));
  // A selective scan's and a WKV's channels are independent: one share
  // per thread.
  pm.addPass(createSplitScanChannelsPass());
  seq::DecomposeSelectiveScanPassOptions selectiveScan;
  selectiveScan.chunkSteps = options.recurrenceChunkSteps;
  pm.addPass(seq::createDecomposeSelectiveScanPass(selectiveScan));
  seq::DecomposeLinearAttentionPassOptions linearAttention;
  linearAttention.chunkSteps = options.recurrenceChunkSteps;
  pm.addPass(seq::createDecomposeLinearAttentionPass(linearAttention));
  seq::DecomposeWkvPassOptions wkv;
  wkv.chunkSteps = options.recurrenceChunkSteps;
  pm.addPass(seq::createDecomposeWkvPass(wkv));
  // Each kind of attention that occurs twice or more compiled once, called
  // from every entry and layer that has it (a step entry's attention over
  // a key/value cache is its full-sequence entry's): lowered in place,
  // each copy was its own loops.
  if (options.outlineAttentionKernels)
    pm.addPass(createOutlineAttentionKernelsPass());
  ConvertSeqToLinalgPassOptions toLinalg;
  toLinalg.attentionTile = options.attentionTile;
  pm.addPass(createConvertSeqToLinalgPass(toLinalg));
  pm.addPass(createConvertSeqScanToSCFPass());
  // Upstream aggregates the model may use directly (linalg.softmax).
  pm.addPass(createDecomposeAggregatedOpsPass());
  // arith ops on whole tensors (bias sums, gate additions) become generics.
  pm.addPass(createElementwiseToLinalgPass());
  // Run-time checks for every size assumption, resolved to the input sizes
  // and moved to the entry (always: they are what keeps a wrong input from
  // reading or writing out of bounds). Before any canonicalization: it
  // treats a tensor.cast to a static size as a promise and folds it into
  // its users (a cast of h0 to batch 3 becomes a slice of its first 3
  // rows), so the promise must be checked while it is still visible.
  pm.addPass(createInsertShapeChecksPass());
  addCleanup(pm, options);
  memref::ResolveRankedShapeTypeResultDimsPassOptions resolve;
  resolve.errorOnPatternIterationLimit = false;
  pm.addPass(memref::createResolveRankedShapeTypeResultDimsPass(resolve));
  pm.addPass(createSCFForLoopCanonicalizationPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  pm.addNestedPass<func::FuncOp>(createHoistChecksPass());
  // After the shapes are resolved: a tensor.dim of an intermediate result
  // would be a second use that keeps its producer apart.
  pm.addPass(createFuseElementwiseChainsPass());
  // Sums over the time steps (or 2048 elements or more) accumulate in
  // float64: in float32 a mean over 4M steps is 1.4% off.
  if (options.accumulateLongSums)
    pm.addPass(createAccumulateLongSumsPass());
}

void buildVectorLoopsPipeline(OpPassManager &pm,
                              const CpuPipelineOptions &options) {
  // Constant linear weights in the GEMM microkernel's panels, at compile
  // time (the canonicalization below drops the unpacked constants).
  if (options.packWeights) {
    PackConstantWeightsPassOptions pack;
    pack.panelWidth = options.panelWidth != 0
                          ? options.panelWidth
                          : packedPanelWidth(options.vectorWidth);
    pm.addPass(createPackConstantWeightsPass(pack));
  }
  // CSE first: checks of the same condition then share it, and
  // canonicalization keeps only the first.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());

  // Layers repeated N times: one function, so that everything below (and
  // LLVM) compiles a layer once. After the checks are hoisted and the
  // weights packed (the layer function takes packed weights); before the
  // empty tensors are untied, which splits their uses into groups that
  // do not follow layer boundaries.
  if (options.outlineRepeatedLayers)
    pm.addPass(createOutlineRepeatedLayersPass());
  // Pads written once per element, not filled whole and then copied into.
  pm.addPass(createFillPadBordersPass());
  // After the last CSE: CSE ties the empty tensors of one shape together,
  // which makes bufferization's analysis quadratic.
  pm.addPass(createUntieEmptyTensorsPass());
  // Contiguous buffers at the model entries, views into attention kernels.
  pm.addPass(createOneShotBufferizeModelPass());
  // Its constants' globals in an order that does not depend on pointers.
  pm.addPass(createOrderConstantGlobalsPass());
  // Temporaries of a loop-invariant size are allocated once, before the
  // time loop, instead of once per step (carried states are updated in
  // place: seq-decompose-recurrences writes each step's state into the
  // previous one). Canonicalization first resolves their sizes to values
  // defined outside the loop; it also folds the loops and branches that
  // only pass a buffer through (an attention kernel writes its result into
  // the caller's buffer through both of its loop nests, and returns it),
  // so that the next pass sees the argument returned.
  pm.addPass(createCanonicalizerPass());
  // A repeated layer's function returns the key/value cache it wrote
  // through its argument, an attention kernel its result buffer: dropped,
  // or the deallocation pipeline would make them copies the caller owns (a
  // whole cache per layer per step).
  pm.addPass(bufferization::createDropEquivalentBufferResultsPass());
  // A tile's temporaries allocated in the branch that skips masked tiles
  // move before it, so that they leave the tile loops too.
  pm.addNestedPass<func::FuncOp>(createHoistBranchScratchPass());
  pm.addNestedPass<func::FuncOp>(bufferization::createBufferLoopHoistingPass());
  // No buffer size may wrap (a zero-element input can carry huge extents).
  pm.addNestedPass<func::FuncOp>(createCheckAllocationSizesPass());
  // Checks that read a loop's carried state before bufferization read
  // loop-invariant sizes now: out of the loop with them too.
  pm.addNestedPass<func::FuncOp>(createHoistChecksPass());
  // Frees every temporary and makes every returned buffer one the caller
  // owns (copies arguments and constants that would otherwise escape).
  bufferization::buildBufferDeallocationPipeline(pm);
  // ... except a key/value cache, which the stream keeps in place.
  pm.addNestedPass<func::FuncOp>(createReturnInPlaceStatesPass());
  addCleanup(pm, options);
}

/// Half-precision arithmetic computes in f32 with explicit conversions,
/// and bf16 conversions become integer code: LLVM would otherwise call
/// __truncsfbf2, which Debian 12's libgcc lacks (the object would not link).
/// Then transcendental ops become inline arithmetic, which LLVM vectorizes
/// instead of making one libm call per element (and which a GPU kernel can
/// run without CUDA's libdevice).
static void addScalarMath(OpPassManager &pm) {
  pm.addPass(math::createMathExtendToSupportedTypes());
  arith::ArithEmulateUnsupportedFloatsOptions emulate;
  emulate.sourceTypeStrs = {"bf16", "f16"};
  emulate.targetTypeStr = "f32";
  pm.addPass(arith::createArithEmulateUnsupportedFloats(emulate));
  arith::ArithExpandOpsPassOptions expand;
  expand.includeBf16 = true;
  pm.addPass(arith::createArithExpandOpsPass(expand));
  pm.addPass(createApproximateMathPass());
}

/// The host code (and, on the CPU, everything) from loops on buffers to
/// the LLVM dialect, the allocations and checks through the model context.
static void addHostToLLVM(OpPassManager &pm, bool cleanup, bool cuda) {
  // Upstream conversions in the order their inputs require.
  pm.addPass(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(createExpandShapeToReinterpretCastPass()); // LLVM 22's crash
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertVectorToLLVMPass());
  // aligned_alloc keeps the allocated and aligned pointers equal, so the
  // runtime hands a returned buffer to the caller instead of copying it (a
  // T-sized output would otherwise exist twice).
  FinalizeMemRefToLLVMConversionPassOptions memrefToLLVM;
  memrefToLLVM.useAlignedAlloc = true;
  pm.addPass(createFinalizeMemRefToLLVMConversionPass(memrefToLLVM));
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertIndexToLLVMPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  if (cuda) {
    // Kernel operands as the kernels' LLVM parameters (a memref is its
    // descriptor's fields), then launches through the model context.
    pm.addPass(createGpuToLLVMConversionPass());
    pm.addPass(createLowerGpuLaunchesPass());
  }
  // Temporaries and results come from the caller's allocator (the
  // runtime's cache of mapped blocks), so a warm run takes no page faults.
  pm.addPass(createAllocateThroughContextPass());
  // Checks become writes of the model context once control flow is LLVM's.
  pm.addPass(createLowerChecksPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  if (cleanup)
    pm.addPass(createCanonicalizerPass());
  // The ports' names and roles are in seq.model_abi; LLVM IR has no use
  // for them.
  pm.addPass(createDropPortAttributesPass());
}

void buildLowerToLLVMPipeline(OpPassManager &pm,
                              const CpuPipelineOptions &options) {
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createMemrefCopyToLinalgPass());
  // Linear layers with packed constant weights: the GEMM microkernel.
  LowerPackedContractionsPassOptions packed;
  packed.vectorWidth = options.vectorWidth;
  pm.addPass(createLowerPackedContractionsPass(packed));
  // The other linear layers (run-time or external weights) and attention
  // scores as register-tiled dot products.
  LowerDotContractionsPassOptions contractions;
  contractions.vectorWidth = options.vectorWidth;
  pm.addPass(createLowerDotContractionsPass(contractions));
  // Convolutions and attention's P V: a row of one operand times a scalar
  // of the other, as register tiles of outer products.
  LowerOuterProductContractionsPassOptions outerProducts;
  outerProducts.vectorWidth = options.vectorWidth;
  pm.addPass(createLowerOuterProductContractionsPass(outerProducts));
  // The elementwise and row-reduction generics around them (scale, mask,
  // exp, row max and sum) as explicit vector loops.
  VectorizeRowsPassOptions rows;
  rows.vectorWidth = options.vectorWidth;
  pm.addPass(createVectorizeRowsPass(rows));
  // Loops the lowerings above split into per-thread shares run on the
  // model context's threads.
  pm.addPass(createOutlineParallelLoopsPass());
  // The copies of one loop (a recurrence's chunks, layers of one shape,
  // the step entry's) lowered once.
  pm.addPass(createMergeEquivalentFunctionsPass());
  addScalarMath(pm);
  addHostToLLVM(pm, options.cleanup, /*cuda=*/false);
}

void buildCudaKernelsPipeline(OpPassManager &pm,
                              const CudaPipelineOptions &options) {
  pm.addPass(createConvertBufferizationToMemRefPass());
  pm.addPass(createMemrefCopyToLinalgPass());
  // powf as exp(y log x), which seqc-approximate-math then makes inline
  // arithmetic (the CPU calls libm's powf; a kernel has no libm).
  math::MathExpandOpsPassOptions pow;
  pow.opMnemonics = {"powf"};
  pm.addPass(math::createMathExpandOpsPass(pow));
  addScalarMath(pm);
  // Every linalg op is one kernel: its parallel dimensions one grid of
  // blocks, its reduction dimensions a loop in each thread. Parallel
  // dimensions first, so that none stays inside a reduction loop (every
  // output element a thread).
  pm.addNestedPass<func::FuncOp>(createParallelDimsOutermostPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  // A kernel cannot write the model context: index checks report through
  // a flag buffer the host reads after the launch.
  pm.addNestedPass<func::FuncOp>(createHoistKernelChecksPass());
  // Reduction loops keep their output element in a register.
  pm.addNestedPass<func::FuncOp>(createAccumulateInRegistersPass());
  TileLoopsForGpuPassOptions tile;
  tile.blockSize = options.blockSize;
  pm.addNestedPass<func::FuncOp>(createTileLoopsForGpuPass(tile));
  pm.addNestedPass<func::FuncOp>(createGpuMapParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createConvertParallelLoopToGpuPass());
  // Constants (a reduction loop's bounds and step among them) are
  // recomputed in each kernel rather than passed as its arguments, so LLVM
  // sees the loops' trip counts: it unrolls them and keeps several loads
  // in flight instead of one per iteration.
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createLowerAffinePass());
  GpuNVVMAttachTargetOptions nvvm;
  nvvm.chip = options.chip;
  pm.addPass(createGpuNVVMAttachTarget(nvvm));
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(createConvertGpuOpsToNVVMOps());
  // The libdevice functions it calls, as the intrinsics they stand for.
  kernels.addPass(createDefineDeviceMathPass());
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  // PTX text from LLVM's NVPTX back end: no CUDA toolkit at compile time;
  // the driver compiles it for the GPU it runs on.
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa";
  pm.addPass(createGpuModuleToBinaryPass(binary));
  // The driver loads each module alone: no call may stay unresolved.
  pm.addPass(createCheckKernelCallsPass());
}

void buildCudaHostPipeline(OpPassManager &pm,
                           const CudaPipelineOptions &options) {
  addHostToLLVM(pm, options.cleanup, /*cuda=*/true);
}

void buildCudaPipeline(OpPassManager &pm, const CudaPipelineOptions &options,
                       bool lowerHost) {
  CpuPipelineOptions loops;
  loops.cleanup = options.cleanup;
  loops.recurrenceChunkSteps = options.recurrenceChunkSteps;
  loops.attentionTile = options.attentionTile;
  // Constant weights in panels of 32 columns: the 32 threads of a warp
  // take 32 consecutive columns of a linear layer, so each step of their
  // dot products reads one 128-byte line of the panel instead of 32 rows
  // of the PyTorch layout.
  loops.packWeights = true;
  loops.panelWidth = kWarpSize;
  loops.outlineRepeatedLayers = false;
  loops.outlineAttentionKernels = false;
  loops.accumulateLongSums = false;
  buildSeqToLoopsPipeline(pm, loops);
  buildCudaKernelsPipeline(pm, options);
  if (lowerHost)
    buildCudaHostPipeline(pm, options);
}

void buildSeqToLoopsPipeline(OpPassManager &pm,
                             const CpuPipelineOptions &options) {
  buildSharedLoopsPipeline(pm, options);
  buildVectorLoopsPipeline(pm, options);
}

void buildCpuPipeline(OpPassManager &pm, const CpuPipelineOptions &options) {
  buildSeqToLoopsPipeline(pm, options);
  buildLowerToLLVMPipeline(pm, options);
}

namespace {
/// The options both targets' pipelines take, spelled as seqc spells them;
/// their defaults are `Options`' (CpuPipelineOptions or
/// CudaPipelineOptions), which differ per target.
template <typename Derived, typename Options>
struct LoopsCLOptions : PassPipelineOptions<Derived> {
  using Base = PassPipelineOptions<Derived>;
  typename Base::template Option<bool> cleanup{
      *this, "cleanup", llvm::cl::desc("Canonicalize and CSE between stages"),
      llvm::cl::init(true)};
  typename Base::template Option<int64_t> recurrenceChunkSteps{
      *this, "recurrence-chunk-steps",
      llvm::cl::desc("Time steps per input-projection GEMM of a recurrence"),
      llvm::cl::init(Options{}.recurrenceChunkSteps)};
  typename Base::template Option<int64_t> attentionTile{
      *this, "attention-tile",
      llvm::cl::desc("Query rows and keys per attention tile (0: the whole "
                     "score matrix)"),
      llvm::cl::init(Options{}.attentionTile)};

  /// These options as an `Options`.
  Options common() const {
    Options options;
    options.cleanup = cleanup;
    options.recurrenceChunkSteps = recurrenceChunkSteps;
    options.attentionTile = attentionTile;
    return options;
  }
};

/// CpuPipelineOptions on seq-opt's command line, so `seq-opt
/// --seqc-cpu-pipeline='vector-width=8'` replays what `seqc
/// --mcpu=x86-64-v3` runs.
struct CpuPipelineCLOptions
    : LoopsCLOptions<CpuPipelineCLOptions, CpuPipelineOptions> {
  Option<int64_t> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("f32 lanes of the target's vectors (seqc derives it from "
                     "--mcpu: 16 AVX-512, 8 AVX2, 4 otherwise)"),
      llvm::cl::init(16)};
  Option<bool> packWeights{
      *this, "pack-weights",
      llvm::cl::desc("Pack constant linear weights in panels of columns"),
      llvm::cl::init(true)};
  Option<bool> outlineRepeatedLayers{
      *this, "outline-repeated-layers",
      llvm::cl::desc("Compile repeated layers as one function called per "
                     "layer"),
      llvm::cl::init(true)};
  Option<bool> outlineAttentionKernels{
      *this, "outline-attention-kernels",
      llvm::cl::desc("Compile each distinct seq.attention as one function "
                     "called where it occurs"),
      llvm::cl::init(true)};
  Option<bool> accumulateLongSums{
      *this, "accumulate-long-sums",
      llvm::cl::desc("Accumulate float32 sums over the time steps (or 2048 "
                     "elements or more) in float64"),
      llvm::cl::init(true)};
  Option<int64_t> panelWidth{
      *this, "panel-width",
      llvm::cl::desc("Columns per panel (0: the CPU microkernel's, from "
                     "vector-width; seqc --target=cuda: 32)"),
      llvm::cl::init(0)};

  CpuPipelineOptions get() const {
    CpuPipelineOptions options = common();
    options.vectorWidth = vectorWidth;
    options.packWeights = packWeights;
    options.panelWidth = panelWidth;
    options.outlineRepeatedLayers = outlineRepeatedLayers;
    options.outlineAttentionKernels = outlineAttentionKernels;
    options.accumulateLongSums = accumulateLongSums;
    return options;
  }
};

/// CudaPipelineOptions on seq-opt's command line: `seq-opt
/// --seqc-cuda-pipeline='chip=sm_90'` replays `seqc --target=cuda
/// --mcpu=sm_90`.
struct CudaPipelineCLOptions
    : LoopsCLOptions<CudaPipelineCLOptions, CudaPipelineOptions> {
  Option<std::string> chip{
      *this, "chip",
      llvm::cl::desc("The GPU the PTX is for (seqc --mcpu with --target=cuda)"),
      llvm::cl::init("sm_80")};
  Option<int64_t> blockSize{*this, "block-size",
                            llvm::cl::desc("Threads per block"),
                            llvm::cl::init(256)};

  CudaPipelineOptions get() const {
    CudaPipelineOptions options = common();
    options.chip = chip;
    options.blockSize = blockSize;
    return options;
  }
};
/// ModelAbiOptions on seq-opt's command line: `seq-opt
/// --seqc-model-abi='name=lstm'` replays what `seqc -o lstm` runs first.
struct ModelAbiCLOptions : PassPipelineOptions<ModelAbiCLOptions> {
  Option<std::string> entry{
      *this, "entry",
      llvm::cl::desc("The model's function (default: the only public one)")};
  Option<std::string> name{
      *this, "name",
      llvm::cl::desc("The C prefix of the API (default: seq.model_name)")};
  Option<bool> externalWeights{
      *this, "external-weights",
      llvm::cl::desc("Move the weights out of the code"),
      llvm::cl::init(false)};
  Option<std::string> weightsFile{
      *this, "weights-file",
      llvm::cl::desc("The safetensors file external weights go to")};

  ModelAbiOptions get() const {
    ModelAbiOptions options;
    options.entry = entry;
    options.name = name;
    options.externalWeights = externalWeights;
    options.weightsFile = weightsFile;
    return options;
  }
};
} // namespace

void registerPipelines() {
  PassPipelineRegistration<ModelAbiCLOptions>(
      "seqc-model-abi",
      "The model ABI phase: entry, tied dimensions, weights, C signatures",
      [](OpPassManager &pm, const ModelAbiCLOptions &options) {
        buildModelAbiPipeline(pm, options.get());
      });
  PassPipelineRegistration<CpuPipelineCLOptions>(
      "seqc-seq-to-loops",
      "Lower seq ops to bufferized linalg/scf (first half of the CPU pipeline)",
      [](OpPassManager &pm, const CpuPipelineCLOptions &options) {
        buildSeqToLoopsPipeline(pm, options.get());
      });
  PassPipelineRegistration<CpuPipelineCLOptions>(
      "seqc-lower-to-llvm",
      "Lower bufferized linalg/scf/math to the LLVM dialect",
      [](OpPassManager &pm, const CpuPipelineCLOptions &options) {
        buildLowerToLLVMPipeline(pm, options.get());
      });
  PassPipelineRegistration<CpuPipelineCLOptions>(
      "seqc-cpu-pipeline", "The whole CPU pipeline: seq ops to the LLVM dialect",
      [](OpPassManager &pm, const CpuPipelineCLOptions &options) {
        buildCpuPipeline(pm, options.get());
      });
  PassPipelineRegistration<CudaPipelineCLOptions>(
      "seqc-cuda-kernels",
      "Bufferized loops to GPU kernels serialized as PTX (gpu.binary)",
      [](OpPassManager &pm, const CudaPipelineCLOptions &options) {
        buildCudaKernelsPipeline(pm, options.get());
      });
  PassPipelineRegistration<CudaPipelineCLOptions>(
      "seqc-cuda-host",
      "The host code around the kernels to the LLVM dialect",
      [](OpPassManager &pm, const CudaPipelineCLOptions &options) {
        buildCudaHostPipeline(pm, options.get());
      });
  PassPipelineRegistration<CudaPipelineCLOptions>(
      "seqc-cuda-pipeline",
      "The whole CUDA pipeline: seq ops to PTX kernels and LLVM host code",
      [](OpPassManager &pm, const CudaPipelineCLOptions &options) {
        buildCudaPipeline(pm, options.get());
      });
}

} // namespace seqc
