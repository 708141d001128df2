//===- Passes.td - the CUDA target's passes ---------------*- tablegen -*-===//
//
// What `seqc --target=cuda` adds to the CPU pipeline: bufferized loops
// become kernels (upstream's scf.parallel -> gpu.launch -> NVVM -> PTX
// path, shaped by seqc-tile-loops-for-gpu), and the host code launches them
// through the model context (seqc-lower-gpu-launches). compiler/Pipelines
// orders them (buildCudaPipeline).
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_COMPILER_GPU_PASSES_TD
#define SEQC_COMPILER_GPU_PASSES_TD

include "mlir/Pass/PassBase.td"

def TileLoopsForGpuPass : Pass<"seqc-tile-loops-for-gpu", "::mlir::func::FuncOp"> {
  let summary = "Shape each outermost scf.parallel as one grid of thread blocks";
  let description = [{
    Collapses every outermost `scf.parallel` (the parallel dimensions of a
    linalg op, after `convert-linalg-to-parallel-loops`) into one
    dimension and tiles it by `block-size`, without min/max bounds: the
    outer loop walks the tiles, the inner one the `block-size` iterations
    of a tile behind an `scf.if` that skips those past the end.
    `gpu-map-parallel-loops` then maps the tiles to thread blocks (grid x,
    up to 2^31 - 1 of them) and a tile's iterations to the threads of a
    block, so consecutive threads take consecutive elements of the
    innermost dimension (coalesced loads) whatever the op's rank, and no
    extent runs into the 65535 limit of the grid's y and z. Reduction
    dimensions stay `scf.for` loops inside each thread.

    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%m, %n) step (%c1, %c1) { ... }
    // becomes
    scf.parallel (%t) = (%c0) to (%mn) step (%c256) {
      scf.parallel (%k) = (%c0) to (%c256) step (%c1) {
        scf.if (%t + %k < %mn) { ... %i = (%t + %k) / %n, %j = ... mod %n }
      }
    }
    ```
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256",
           "Threads per block (a multiple of the warp size, 32)">,
  ];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect"];
}

def ParallelDimsOutermostPass : Pass<"seqc-parallel-dims-outermost", "::mlir::func::FuncOp"> {
  let summary = "Order a linalg.generic's loops parallel first, reductions last";
  let description = [{
    Interchanges the loops of every `linalg.generic` whose iterators have
    a reduction before a parallel dimension (attention's P V and the
    convolutions, written for the CPU's outer-product lowering as
    (..., j, d)) so that its parallel dimensions come first, in their
    order, and its reductions after them, in theirs. The op computes the
    same values; `convert-linalg-to-parallel-loops` then makes all its
    parallel dimensions one `scf.parallel` (one GPU thread per output
    element) with the reductions as loops inside, instead of threads over
    the outer parallel dimensions only, each looping over the rest.

    ```mlir
    // iterator_types = ["parallel", "reduction", "parallel"], (i, j, d)
    // becomes
    // iterator_types = ["parallel", "parallel", "reduction"], (i, d, j)
    ```
  }];
  let dependentDialects = ["::mlir::affine::AffineDialect",
                           "::mlir::linalg::LinalgDialect"];
}

def AccumulateInRegistersPass : Pass<"seqc-accumulate-in-registers", "::mlir::func::FuncOp"> {
  let summary = "Carry a reduction loop's output element in a register";
  let description = [{
    In an `scf.for` inside an `scf.parallel` (a reduction dimension of a
    linalg op, after `convert-linalg-to-parallel-loops`) whose body loads
    an element the loop does not move, combines it and stores it back, the
    element becomes an iter_arg: loaded once before the loop and stored
    once after it. In a GPU thread the store of each iteration otherwise
    keeps the next iteration's loads waiting (LLVM cannot tell the inputs
    from the output), so a dot product runs one memory latency per term.
    Inner loops are rewritten first, so a two-dimensional reduction (a
    convolution's channels and taps) carries its element through both.

    A loop is left as it is when its body writes anything else, reads an
    accumulated memref at another element, stores two elements of one
    memref, or holds an op whose memory effects are unknown. Like the
    thread-per-element mapping around it, the rewrite takes the inputs not
    to alias the outputs.

    ```mlir
    scf.for %k = %c0 to %K step %c1 {
      %c = memref.load %C[%i] : memref<?xf32>
      ...
      memref.store %s, %C[%i] : memref<?xf32>
    }
    // becomes
    %c0v = memref.load %C[%i] : memref<?xf32>
    %r = scf.for %k = %c0 to %K step %c1 iter_args(%c = %c0v) -> (f32) {
      ...
      scf.yield %s : f32
    }
    memref.store %r, %C[%i] : memref<?xf32>
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def HoistKernelChecksPass : Pass<"seqc-hoist-kernel-checks", "::mlir::func::FuncOp"> {
  let summary = "Report the run-time checks inside a parallel loop after it";
  let description = [{
    A `seq.check` inside an outermost `scf.parallel` (an embedding's or a
    gather's index range check, in the body of its linalg op) would end up
    in a GPU kernel, which cannot write the model context. Each such check
    instead records a failure in a small buffer, allocated once before
    the outermost loop around it (a time loop does not allocate it every
    step) and zeroed by the host before the loop runs: the iteration whose
    condition fails stores 1 and the offending value. After the loop the
    host reads the buffer and makes the same check there, with the same
    kind, message and value. Only `value` checks can occur inside a loop
    body (their op has already made its access safe, so the loop's other
    iterations run as before); a `shape` check there is an error.

    ```mlir
    scf.parallel (%i) = ... {
      seq.check %in_range, value "index {} is out of range" found %index
      ...
    }
    // becomes
    %flag = memref.alloc() : memref<2xi64>   // [failed, value], zeroed
    scf.parallel (%i) = ... {
      scf.if %out_of_range { store 1, %flag[0]; store %index, %flag[1] }
      ...
    }
    %failed = memref.load %flag[0]
    seq.check (%failed == 0), value "index {} is out of range" found %flag[1]
    memref.dealloc %flag
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect"];
}

def DefineDeviceMathPass : Pass<"seqc-define-device-math", "::mlir::gpu::GPUModuleOp"> {
  let summary = "Define the libdevice functions convert-gpu-to-nvvm calls";
  let description = [{
    `convert-gpu-to-nvvm` lowers math ops (and LLVM's math intrinsics) on
    f32/f64 to calls of CUDA's libdevice (`__nv_fabsf`, `__nv_floorf`,
    `__nv_sqrtf`, ...), which only a CUDA toolkit provides. seqc links no
    toolkit, so this pass gives those it knows a body in the kernel module:
    the LLVM intrinsic that the NVPTX back end selects to one instruction
    (`abs.f32`, `cvt.rmi.f32.f32`, `sqrt.rn.f32`, ...), exactly what
    libdevice's own definitions compute. `rsqrt` is `1 / sqrt` (correctly
    rounded division). A call of any other `__nv_` function is left
    declared; `seqc-lower-gpu-launches` then reports it by name.

    ```mlir
    llvm.func @__nv_fabsf(f32) -> f32
    // becomes
    llvm.func internal @__nv_fabsf(%x: f32) -> f32 {
      %r = llvm.intr.fabs(%x) : (f32) -> f32
      llvm.return %r : f32
    }
    ```
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def CheckKernelCallsPass : Pass<"seqc-check-kernel-calls", "::mlir::ModuleOp"> {
  let summary = "Refuse PTX that calls a function it does not define";
  let description = [{
    Runs after `gpu-module-to-binary`. The CUDA driver compiles each kernel
    module's PTX on its own, with nothing to link it to: a module that
    declares a function it does not define (`.extern .func`, e.g. one of
    CUDA's libdevice `__nv_*` functions that `seqc-define-device-math` does
    not define, such as f64 `__nv_exp`) would only fail when the model runs.
    This pass makes it a compile-time error naming the module and the
    function. It also requires each `gpu.binary` to hold one PTX object
    (`format=isa`), which is what the runtime loads.
  }];
}

def LowerGpuLaunchesPass : Pass<"seqc-lower-gpu-launches", "::mlir::ModuleOp"> {
  let summary = "Launch kernels and read weights through the model context";
  let description = [{
    Runs on the host code in the LLVM dialect, after `gpu-module-to-binary`
    (format `isa`: PTX text) and `gpu-to-llvm`, and replaces what upstream
    would lower to calls of MLIR's CUDA runtime wrappers by calls through
    the function pointers of the function's `seqc_model_context` (abi.h,
    ABI version 5), so the object depends on no GPU library:

    - each `gpu.binary` becomes a NUL-terminated PTX string global
      (`seqc_ptx_<module>`);
    - each `gpu.launch_func` becomes `ctx->gpu_launch(gpu, ptx, kernel,
      dims, params)` followed by a `seq.check` of kind `device` on its
      result (the CUDA error code is the check's value);
    - each use of a constant global (a weight) becomes the pointer
      `ctx->gpu_constant(gpu, host, bytes)` returns, computed once at the
      function entry and checked for NULL (out of device memory);
    - every function with a model context first checks that the context
      has a GPU (`gpu_launch` set), else the entry returns
      SEQC_ERR_DEVICE;
    - the module gets `seqc.target = "cuda"`, which object emission writes
      into the model's flags (SEQC_MODEL_FLAG_CUDA).

    A kernel launched from a function without a model context is an error.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect",
                           "::seqc::seq::SeqDialect"];
}

#endif // SEQC_COMPILER_GPU_PASSES_TD
