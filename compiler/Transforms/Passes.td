//===- Passes.td - seqc codegen passes on upstream dialects -*- tablegen -*-===//

#ifndef SEQC_COMPILER_TRANSFORMS_PASSES_TD
#define SEQC_COMPILER_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def ElementwiseToLinalgPass : Pass<"seqc-elementwise-to-linalg"> {
  let summary = "Elementwise ops on ranked tensors as linalg.generics, "
                "without folding";
  let description = [{
    Upstream's `convert-elementwise-to-linalg` (arith and math ops on whole
    tensors become elementwise `linalg.generic`s, as the ONNX importer
    writes them), except that no op is folded on the way: upstream's
    dialect conversion folds an op before converting it, and some folders
    make an `arith.constant` of the result's type, which for a dynamic
    shape is no constant at all (`x == x` on `tensor<?x4xi32>` became
    `dense<true> : tensor<?x4xi1>`, then a dynamically shaped
    `memref.global`). In the generic the body's scalar op folds safely.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def MemrefCopyToLinalgPass : Pass<"seqc-memref-copy-to-linalg"> {
  let summary = "Rewrite memref.copy as linalg.copy";
  let description = [{
    `finalize-memref-to-llvm` lowers a `memref.copy` between non-contiguous
    views to a call of `memrefCopy` from MLIR's C runner utilities, which a
    compiled model must not depend on. As a `linalg.copy` the copy becomes
    plain loops (and can be vectorized) like every other linalg op.

    Before:
    ```mlir
    memref.copy %src, %dst : memref<?x8xf32> to memref<?x8xf32, strided<[16, 1]>>
    ```
    After:
    ```mlir
    linalg.copy ins(%src : memref<?x8xf32>)
                outs(%dst : memref<?x8xf32, strided<[16, 1]>>)
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def ExpandShapeToReinterpretCastPass
    : Pass<"seqc-expand-shape-to-reinterpret-cast"> {
  let summary = "Rewrite a memref.expand_shape that splits one dimension "
                "into several of run-time size as a memref.reinterpret_cast";
  let description = [{
    LLVM 22's `expand-strided-metadata` assumes at most one dimension of
    run-time size per reassociation group of a `memref.expand_shape` and
    crashes on more (llvm/llvm-project#186830, fixed by #187844 for LLVM
    23): a [B * T, ...] buffer split back into [B, T, ...] (a 4-D MatMul
    over run-time batch and time is a batch matmul over B * T). For such an
    expand of a buffer in row-major identity layout, the view is the same
    buffer at offset 0 with the output shape's sizes and their row-major
    strides, which is what this pass writes; every other expand_shape is
    left to upstream.

    Before:
    ```mlir
    %e = memref.expand_shape %a [[0, 1], [2]] output_shape [%b, %t, 12]
      : memref<?x12xf32> into memref<?x?x12xf32>
    ```
    After:
    ```mlir
    %s = arith.muli %t, %c12 : index
    %e = memref.reinterpret_cast %a to offset: [0], sizes: [%b, %t, 12],
      strides: [%s, 12, 1] : memref<?x12xf32> to memref<?x?x12xf32>
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::memref::MemRefDialect"];
}

def DecomposeAggregatedOpsPass : Pass<"seqc-decompose-aggregated-ops"> {
  let summary = "Decompose linalg ops that are aggregates (linalg.softmax)";
  let description = [{
    Models may use upstream `linalg.softmax` (the dialect's rationale picks
    it over a seq op). Ops implementing `linalg::AggregatedOpInterface` have
    no loop lowering of their own; this pass rewrites each into the
    generics it stands for (max, subtract-exp, sum, divide for softmax).
    It also drops the operands of `tensor.concat` that are statically
    empty along the concatenated dimension: bufferized, each would be a
    `memref.subview` at the end of the result, which the subview verifier
    rejects.

    Before:
    ```mlir
    %y = linalg.softmax dimension(1) ins(%x : tensor<?x8xf32>)
                                     outs(%e : tensor<?x8xf32>) -> tensor<?x8xf32>
    ```
    After: `linalg.fill` + reduction `linalg.generic`s computing the row max,
    `exp(x - max)`, the row sum and the division.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def ApproximateMathPass : Pass<"seqc-approximate-math"> {
  let summary = "Replace f32 transcendental math ops with inline polynomials";
  let description = [{
    Lowered as-is, `math.tanh`, `math.exp`, `math.erf` and friends become
    calls to libm, one scalar call per element, which stops LLVM from
    vectorizing the gate epilogues and activations. MLIR's polynomial
    approximations (about 1 ulp for tanh/exp/log on f32, a few ulp for erf;
    every end-to-end fixture still agrees with PyTorch to 1e-4 of scale) are
    plain arithmetic that inlines and vectorizes. `math.sin` and `math.cos`
    get seqc's own expansion instead (a three-part Cody-Waite reduction by
    pi/2 in f64 with exact FMAs, and Cephes' polynomials), accurate to 1e-7
    for arguments up to 2^50 (NaN beyond), where upstream's error grows as
    5e-8 |x|: position tables reach thousands of radians.

    Before:
    ```mlir
    %y = math.tanh %x : f32
    ```
    After: a clamp, a rational polynomial in `%x` and selects (no call).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def InsertShapeChecksPass : Pass<"seqc-insert-shape-checks"> {
  let summary = "Guard every size assumption of linalg and tensor ops with seq.check";
  let description = [{
    A linalg op runs its loops over extents it takes from one operand and
    reads every other operand with them; a `tensor.cast` to a static type,
    an `extract_slice` window or an `expand_shape` group assumes sizes that
    dynamic inputs need not have. When such an assumption is wrong, the loops
    read or write outside a buffer. This pass emits, before each op, one
    `seq.check` (kind `shape`) per assumption that the types do not already
    prove:
    - linalg ops: every operand extent indexed by a plain loop dimension
      equals that loop's range; an extent indexed by a compound expression
      that only grows with the loops (`c + sum(c_i * d_i)`, c_i >= 0, e.g. a
      convolution window `t * stride + k * dilation`) covers the
      expression's largest value, unless some loop is empty; any other
      expression (GQA's `h floordiv g`, a hand-written `d mod 3` or
      `3 - d`) lies in the extent over the loops' box, by interval
      arithmetic where that gives its exact range (each loop once, a mod
      of consecutive values); others, which intervals would over-estimate
      and so refuse valid models (GPT-J's rotate-every-two partner
      `d mod 8 - (d mod 2) * 2 + 1`, in an even extent and not an odd one),
      by their exact range over the loops they read, enumerated: at compile
      time for static extents (up to 2^20 combinations), else by a loop nest
      before the op (no more iterations than the op's own), skipped when a
      loop is empty;
    - `tensor.cast`: each dynamic source extent equals the static one;
    - `tensor.extract_slice` / `tensor.insert_slice`: the window lies inside
      the tensor (and, when no dimension is dropped, the inserted tensor has
      the window's sizes);
    - `tensor.expand_shape` / `tensor.reshape`: sizes non-negative, and their
      exact (non-wrapping) product equals the source's extent or element
      count;
    - `tensor.concat`: the extents off the concatenation axis agree;
    - `tensor.extract` / `tensor.insert` / `tensor.pad` that a `.mlir` model
      wrote itself (marked `seqc.check_bounds` by the importer; the front
      ends' and lowerings' own accesses are in bounds by construction or
      check and clamp their indices): each index the IR does not keep in
      bounds (value bounds, or a clamp of a checked index) gets a `value`
      check, also inside a linalg body (a gather written by hand), and the
      access runs under an `scf.if` of the checks (an extract yields 0, an
      insert its destination, otherwise), so a failing run touches nothing
      outside the buffer; a pad amount not known at compile time is checked
      to be non-negative; an integer division or remainder (also marked)
      checks its divisor is not 0, and a signed one that it is not
      INT_MIN / -1 (both trap), dividing by 1 instead while the run fails.
    Checks that hold by construction fold away; `seqc-hoist-checks` then
    moves the rest to the function entry.

    Before:
    ```mlir
    %y = linalg.generic {indexing_maps = [#id, #id, #id], ...}
        ins(%a, %b : tensor<?x4xf32>, tensor<3x4xf32>) outs(%e : tensor<3x4xf32>)
    ```
    After (the output's extent 3 is checked the same way):
    ```mlir
    %d = tensor.dim %a, %c0 : tensor<?x4xf32>
    %ok = arith.cmpi eq, %c3, %d : index
    seq.check %ok, shape "linalg.generic at m.seq:4:5: dimension 0 of operand 0 is {}, but must equal dimension 0 of operand 1 (3)" found %d64
    ```
  }];
  let dependentDialects = ["::seqc::seq::SeqDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect"];
}

def HoistChecksPass : Pass<"seqc-hoist-checks", "::mlir::func::FuncOp"> {
  let summary = "Move shape checks to the function entry and name the tensors they read";
  let description = [{
    A failed `shape` check must stop the run before anything is allocated,
    and a check inside the time loop must not cost a comparison per step.
    Every `seq.check` of kind `shape` whose condition and value are pure
    functions of the entry block's arguments (`tensor.dim` of an argument,
    constants, index arithmetic: what `resolve-ranked-shaped-type-result-dims`
    and canonicalization leave) is cloned, with that computation, to the start
    of the function, and the original erased; an identical earlier check makes
    a later one redundant. When the condition compares an argument's extent
    with a constant, with another argument's extent or with a sum or
    product of those (a mask's length against a cache's plus the new
    steps': `input 'past' dimension 2 + input 'ids' dimension 1`), the
    message is rewritten to name them (`input 'x' dimension 1`, from
    `seq.name`). A
    check whose condition can never hold is a compile-time error: the model
    cannot run on any input. Checks that read run-time data stay where they
    are. The pipeline runs it twice: on tensors, and again after
    bufferization, when sizes that were read from a loop's carried state
    have become the loop-invariant values they always were.
  }];
  let dependentDialects = ["::seqc::seq::SeqDialect"];
}

def OrderConstantGlobalsPass
    : Pass<"seqc-order-constant-globals", "::mlir::ModuleOp"> {
  let summary = "Name and place bufferized constants in a fixed order";
  let description = [{
    One-shot bufferization turns each tensor constant into a
    `memref.global` (`__constant_<shape><type>`, with `_1`, `_2`, ...
    suffixes for distinct values of one type), created in the order it
    visits functions. Functions that do not call each other (a model's
    forward and step entries) are visited in an order that depends on
    pointer values, so the same model could compile to differently ordered
    and differently named globals from one run to the next. This pass
    renames every such global after the order of its first use, walking
    functions in module order, and places the globals at the top of the
    module in that order: the output depends on the input alone.

    Before (one run of two):
    ```mlir
    memref.global "private" constant @__constant_4xf32_0 : memref<4xf32> = dense<2.0>
    memref.global "private" constant @__constant_4xf32 : memref<4xf32> = dense<1.0>
    func.func @f() { %a = memref.get_global @__constant_4xf32 ... }
    func.func @g() { %b = memref.get_global @__constant_4xf32_0 ... }
    ```
    After (every run):
    ```mlir
    memref.global "private" constant @__constant_4xf32 : memref<4xf32> = dense<1.0>
    memref.global "private" constant @__constant_4xf32_0 : memref<4xf32> = dense<2.0>
    ```
  }];
}

def ReturnInPlaceStatesPass
    : Pass<"seqc-return-in-place-states", "::mlir::func::FuncOp"> {
  let summary = "Return a state updated in place as its own buffer, uncopied";
  let description = [{
    The buffer deallocation pipeline makes every returned buffer one the
    caller owns, so a function argument that is returned is cloned first.
    For a state argument marked `seq.in_place` (a key/value cache the step
    appended to) that clone would copy the whole cache every step, and the
    stream keeps the state's buffer anyway: a `bufferization.clone` of such
    an argument whose only users are `func.return`s is replaced by the
    argument. So is one whose other users read its address for the lowered
    deallocation's alias test (when the function still frees buffers at its
    end, as a step that calls a repeated layer's function does): neither a
    fresh clone nor an argument is among the buffers the function frees,
    so the test answers the same. The runtime recognises a next state that
    is the state's own buffer and neither copies nor frees it
    (seqc/abi.h).
  }];
}

def AddModelContextPass : Pass<"seqc-add-model-context", "::mlir::ModuleOp"> {
  let summary = "Give every public function the model-context argument";
  let description = [{
    The compiled entry reports a failed `seq.check` (and an allocation that
    failed) through a `seqc_model_context` record the runtime passes as the
    entry's last argument (`runtime/include/seqc/abi.h`). This pass appends
    that argument, an `!llvm.ptr` marked `seqc.model_context`, to every
    public function with a body; `seqc-lower-checks` writes through it. It
    also marks every tensor argument `bufferization.writable = false`: the
    caller's buffers are inputs, never scratch space (a recurrence whose
    initial state is an input copies it once instead of updating the
    caller's tensor).
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def AllocateThroughContextPass : Pass<"seqc-allocate-through-context", "::mlir::ModuleOp"> {
  let summary = "Route each entry's allocations through its model context's allocator";
  let description = [{
    Runs on the LLVM dialect, after `finalize-memref-to-llvm{use-aligned-alloc=1}`
    and before `seqc-lower-checks`. In each function with a model context,
    `aligned_alloc(alignment, size)` becomes `seqc_model_alloc(context,
    alignment, size)` and `free(block)` becomes `seqc_model_free(context,
    block)`: two internal functions that call the context's `alloc` / `free`
    with its `allocator` (abi.h, since ABI version 3), or aligned_alloc / free when
    `alloc` is null. seqc's runtime passes a cache that keeps freed blocks
    mapped, so a warm run takes no page faults and no system allocation for
    its temporaries; a caller without one gets libc as before. Functions
    without a context keep libc: ownership-based deallocation frees a buffer
    only where it was allocated or returned, and the runtime hands a block
    it does not know to free().
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def LowerChecksPass : Pass<"seqc-lower-checks", "::mlir::ModuleOp"> {
  let summary = "Lower seq.check and allocation failures to writes of the model context";
  let description = [{
    Runs on the LLVM dialect, after `convert-func-to-llvm`. In each function
    with a model context (the last argument, see `seqc-add-model-context`):
    - a `seq.check` becomes a branch; when its condition is false and no
      earlier failure was recorded, the context gets the check's status
      (`SEQC_ERR_SHAPE` for `shape`, `SEQC_ERR_INVALID_ARGUMENT` for `value`),
      its message and its value. A `shape` check then returns at once with
      all-zero result descriptors; a `value` check goes on.
    - every `malloc` / `aligned_alloc` / `seqc_model_alloc` result is
      tested against null; a
      failed allocation records `SEQC_ERR_OUT_OF_MEMORY` and returns at once
      instead of writing through a null pointer.
    A `seq.check` in a function without a context is an error.
  }];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

def HoistBranchScratchPass
    : Pass<"seqc-hoist-branch-scratch", "::mlir::func::FuncOp"> {
  let summary = "Move static-size temporaries of an scf.if branch before it";
  let description = [{
    Runs on buffers, after bufferization and before
    `buffer-loop-hoisting` and the deallocation pipeline. A `memref.alloc`
    of a static size inside a branch of an `scf.if` whose buffer (and every
    view of it) only that branch uses, and that no terminator yields, moves
    before the `scf.if` (out of every such enclosing branch). Its contents
    are undefined at allocation either way, so the program means the same;
    the buffer is allocated even when the branch is not taken, once, which
    buffer-loop-hoisting then takes out of the enclosing loops. Tiled
    causal attention allocates its per-tile temporaries in the branch that
    skips fully masked key tiles: without this, once per tile.
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect"];
}

def AccumulateLongSumsPass : Pass<"seqc-accumulate-long-sums"> {
  let summary = "Float32 sums over many elements accumulate in float64";
  let description = [{
    A sum in float32 order, one element after another into one accumulator
    (or a few vector lanes), loses the low bits of every element once the
    running sum is large: a mean of 4M values near 3 comes out 1.4% low,
    a sum of squares over 4M steps 1% high, softmax over 3e7 scores 13% off.
    PyTorch sums pairwise (and CPU cumulative sums in double). Here a
    `linalg.generic` on tensors that sums (its body yields `addf` of its
    accumulator), over a reduction of run-time extent (the time steps) or
    of at least 2048 elements, reading one operand along the reduced loops
    (a sum, mean, sum of squares, log-sum-exp or softmax denominator; not a
    contraction, whose blocked microkernels sum short runs) accumulates in
    float64: its initial value is extended, each term is computed as before
    in float32 and extended, and the result is rounded back to float32
    once. The error is then that of one rounding, as PyTorch's. Shorter
    sums of fixed extent (a LayerNorm over up to 2047 features, a tile of
    attention's keys, bounded by ValueBounds) are left as they are; a
    LayerNorm over 4096 features accumulates in float64 too (its statistics
    took about 10% longer in a reviewer's measurement). A sum carried
    across a loop's iterations (a scripted loop's running total) stays
    float32 (cumsum's own scan carries float64). The CUDA pipeline does
    not run this pass yet.

    ```mlir
    %s = linalg.generic {iterator_types = ["parallel", "reduction"]}
        ins(%x : tensor<?x?xf32>) outs(%zero : tensor<?xf32>) {
      ^bb0(%in: f32, %acc: f32):
        %r = arith.addf %in, %acc : f32 ... }
    // becomes
    %s64 = linalg.generic ... outs(%zero64 : tensor<?xf64>) {
      ^bb0(%in: f32, %acc: f64):
        %e = arith.extf %in : f32 to f64
        %r = arith.addf %e, %acc : f64 ... }
    %s = linalg.generic ... ins(%s64) { arith.truncf ... }
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def FuseElementwiseChainsPass : Pass<"seqc-fuse-elementwise-chains"> {
  let summary = "Fuse chains of elementwise linalg.generics into one";
  let description = [{
    A bias add, an activation, a scale and a residual add each become an
    elementwise `linalg.generic` (every loop parallel); in sequence, each
    writes a temporary the next reads back. This pass folds a producer into
    its consumer (linalg's elementwise fusion) when both are elementwise,
    the producer's one result has no other use and the consumer reads it
    element for element (a permutation map: a broadcast would repeat the
    producer's work for every element it is broadcast to), in the same
    block (not into a loop, where it would run every iteration, nor into a
    branch). The chain becomes one loop nest: one pass over memory, no
    temporaries, and fewer loops for LLVM to compile (a chain of 500 ReLUs:
    one generic; bodies stop growing at 2048 ops, as each fusion copies
    both). Contractions, reductions, generics whose results have
    several users and a contraction's epilogue (the op reading its result,
    which seqc-lower-packed-contractions folds into the accumulators) stay
    as they are, as do unread `outs` operands (in-place state updates).

    ```mlir
    %a = linalg.generic {iterator_types = ["parallel"]} ins(%x) outs(%e0) {
      %r = arith.addf %in, %in : f32 ... }
    %y = linalg.generic {iterator_types = ["parallel"]} ins(%a) outs(%e1) {
      %r = arith.maximumf %in, %zero : f32 ... }
    ```
    becomes
    ```mlir
    %y = linalg.generic {iterator_types = ["parallel"]} ins(%x) outs(%e1) {
      %r = arith.addf %in, %in : f32
      %m = arith.maximumf %r, %zero : f32 ... }
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

def FillPadBordersPass : Pass<"seqc-fill-pad-borders"> {
  let summary = "Write a constant tensor.pad as its borders and its source";
  let description = [{
    Bufferized as it is, a `tensor.pad` writes the padding value over its
    whole buffer and then copies the source into it: every element is
    written twice. A causal convolution pads its input by a few steps
    (dilation * (kernel - 1)), so on the TCN benchmark (W8: 64 channels,
    1,024 steps) a quarter-megabyte fill per layer, 3% of the run and
    work the second thread waits for. Here, before bufferization, a pad
    whose value is one value (not computed per position) becomes an empty
    tensor whose border slabs (one per side of each padded dimension, each
    spanning the other dimensions whole) are filled in place through
    `tensor.extract_slice` / `linalg.fill` / `tensor.insert_slice`, and the
    source is inserted into the rest: each element is written once.

    ```mlir
    %p = tensor.pad %x low[0, 0, 2] high[0, 0, 0] {
    ^bb0(%i: index, %j: index, %k: index):
      tensor.yield %zero : f32
    } : tensor<1x64x1024xf32> to tensor<1x64x1026xf32>
    ```
    becomes
    ```mlir
    %e = tensor.empty() : tensor<1x64x1026xf32>
    %s = tensor.extract_slice %e[0, 0, 0] [1, 64, 2] [1, 1, 1]
    %f = linalg.fill ins(%zero : f32) outs(%s : tensor<1x64x2xf32>)
    %b = tensor.insert_slice %f into %e[0, 0, 0] [1, 64, 2] [1, 1, 1]
    %p = tensor.insert_slice %x into %b[0, 0, 2] [1, 64, 1024] [1, 1, 1]
    ```
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect"];
}

def UntieEmptyTensorsPass : Pass<"seqc-untie-empty-tensors"> {
  let summary = "Give each group of 8 uses of a tensor.empty its own";
  let description = [{
    CSE merges the `tensor.empty` ops of one shape into one, so that a
    chain of elementwise generics all write into the same empty tensor.
    One-shot bufferization then puts every one of those results in one
    alias set and checks each write against every other use of the set:
    quadratic in the number of uses (a chain of 500 ReLUs spent 12.6 of
    18.7 s there, 1,000 over a minute). This pass, run just before
    bufferization, keeps the first 8 uses (in use order) on the original
    and gives each next 8 a copy of the op (placed after the original,
    with the same sizes): the analysis is then linear, and a short chain
    may still be written into one buffer, each op in place on the last.

    ```mlir
    %e = tensor.empty(%n) : tensor<?xf32>
    %a = linalg.generic ... outs(%e : tensor<?xf32>)  // use 1 of 10
    ...
    %j = linalg.generic ... outs(%e : tensor<?xf32>)  // use 10
    ```
    becomes
    ```mlir
    %e = tensor.empty(%n) : tensor<?xf32>
    %e_0 = tensor.empty(%n) : tensor<?xf32>
    %a = linalg.generic ... outs(%e : tensor<?xf32>)    // uses 1-8
    ...
    %j = linalg.generic ... outs(%e_0 : tensor<?xf32>)  // uses 9-10
    ```
  }];
}

def CheckAllocationSizesPass : Pass<"seqc-check-allocation-sizes", "::mlir::func::FuncOp"> {
  let summary = "Guard every buffer size computed from run-time extents";
  let description = [{
    After bufferization, each `memref.alloc` of a dynamic size multiplies
    extents read from the inputs. A zero-element input can still carry a
    huge extent (shape [0, 2^58, 1]); the byte count of a buffer sized by
    the other dimensions then wraps around 2^64, malloc succeeds with a
    small block and the loops write past it. This pass emits, before each
    such allocation, a `seq.check` (kind `shape`) that every dynamic size is
    non-negative and that the byte count does not overflow 63 bits
    (`arith.mului_extended`); `seqc-hoist-checks` moves it to the entry.
    An allocation whose static size alone overflows is a compile-time
    error.
  }];
  let dependentDialects = ["::seqc::seq::SeqDialect",
                           "::mlir::arith::ArithDialect"];
}

def LowerDotContractionsPass : Pass<"seqc-lower-dot-contractions"> {
  let summary = "Lower dot-product contractions to register-tiled vector "
                "code";
  let description = [{
    Rewrites every `linalg.generic` marked `seq.contraction` (f32, on
    buffers whose innermost stride is 1) of the form
    `y[l..., n] += sum_k x[l..., k] * w[p..., n, k]` — a `seq.linear`
    (`w` [N, K], no `p`) or attention's `q k^T` (`p` = (b, h / G), functions
    of l's outer dimensions) — into loops over tiles of R rows of x and C
    rows of w, the remainder rows and columns one at a time. Rows are x's
    leading dimensions flattened when w is shared by all of them, else the
    innermost one, under a loop per outer index. A tile keeps R * C
    `vector<Wxf32>` accumulators along k: per step of W elements it loads
    R + C vectors and issues R * C FMAs; the last partial step uses masked
    loads; each accumulator is reduced once and added to y (which holds the
    bias or zero). R = C = 4 for 16 lanes (AVX-512's 32 registers), 3
    otherwise. W keeps its layout.

    Why dot products and not outer products: both operands are contiguous
    along k, so no packing or transposition is needed and run-time weights
    (attention's keys) take the same path; the horizontal reduction is paid
    once per output element, which is small against K FMAs.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "f32 lanes per vector: 16 (AVX-512), 8 (AVX2), 4 (SSE)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def VectorizeRowsPass : Pass<"seqc-vectorize-rows"> {
  let summary = "Lower row-wise elementwise and row-reduction generics to "
                "vector loops";
  let description = [{
    Rewrites every `linalg.generic` on f32 buffers whose innermost loop
    walks rows (`linalg.transpose`, `linalg.broadcast` and `linalg.copy`
    are generalized first: a transpose that keeps the innermost dimension
    in place, such as attention's head split, copies whole rows): each
    operand indexed by loop dimensions and constants, the innermost loop
    (if at all) as its last index with unit stride; every other loop
    parallel; the body made of ops that apply lane by lane
    (`Vectorizable`), `linalg.index` and constants. It becomes loops over
    the outer dimensions and, along the row, whole vectors of
    `vector-width` lanes and one masked vector for the rest: operands that
    the innermost loop indexes are vector loads, the others one scalar per
    row broadcast to the lanes.

    - Innermost loop parallel (scale, mask, exp, activations): the yields
      are vector stores. An output may share its buffer with an input only
      element for element (the same value and indexing map), since a
      step's loads run before its stores.
    - Innermost loop a reduction into one output `y = combine(y, v)` with
      `arith.maximumf` or `arith.minimumf` (exact in any order) or
      `arith.addf` carrying `reassoc`: a vector accumulator starts at the
      neutral value (masked lanes contribute it), is reduced across lanes
      once per row and combined into y. A sum without `reassoc` keeps its
      order and its loop nest.

    In a function with a model context, the outer loops become one flat
    range of rows split into contiguous shares, one per thread (a loop
    marked `seqc.parallel`, see Threads.h), when elements x lane operations
    per element reaches 2^17 per thread (a body op 1, a transcendental 16,
    an operand read or written element by element 4, one read once per row
    1); a share steps its outer indices from
    row to row. A row is never split, so each output is computed as in the
    serial loop. Not inside a loop that is already split, nor where static
    extents rule out the threshold.

    LLVM leaves many of these scalar: it cannot prove the memrefs disjoint,
    and a reduction into y[i] reloads and stores y[i] for each element.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "f32 lanes per vector: 16 (AVX-512), 8 (AVX2), 4 (SSE)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

def LowerOuterProductContractionsPass
    : Pass<"seqc-lower-outer-product-contractions"> {
  let summary = "Lower broadcast-times-row contractions to register-tiled "
                "vector code";
  let description = [{
    Rewrites every `linalg.generic` on f32 buffers whose body is
    `y + a * b` (in any operand order) and whose indexing is
    `y[..., m, n] += a[... m ...] * b[..., n + s(...)]`: y indexed by the
    parallel loops, n the last index of y and b (unit inner stride, b's
    index n plus an offset free of n), a free of n, m a parallel loop of a
    and y that b does not use (the innermost such). That is a conv1d with
    unit stride (m = output channel, n = time, reducing over input channel
    and tap, any dilation and groups) and attention's P V (m = query, n =
    value column, reducing over keys) — no mark needed: the form is the
    proof. It becomes loops over the other parallel dimensions, then tiles
    of R values of m by V vectors of W lanes along n: R * V accumulators
    start from y, run over all reduction loops in the op's order (each step
    loads V vectors of b and broadcasts R scalars of a), and are stored
    once. The m remainder goes one row at a time, the n remainder one
    vector at a time and then one masked vector. The product and sum fuse
    into an FMA only when both ops carry `contract`. R = 6, V = 4 for 16
    lanes (32 registers), or R = 4, V = 4 when m is static and a multiple
    of 4 but not of 6 (no one-row remainder, tiles that split evenly);
    R = 4, V = 3 otherwise (16 registers).

    In a function with a model context, the m extent is split into
    contiguous shares of whole row tiles, one per thread (a loop marked
    `seqc.parallel`), when the product of all loop extents reaches 2^17
    multiply-adds per thread; each share runs the other parallel loops
    over its rows of m. Not inside a loop that is already split (the tiled
    attention's P V), nor where static extents rule out the threshold.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "f32 lanes per vector: 16 (AVX-512), 8 (AVX2), 4 (SSE)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::memref::MemRefDialect", "::mlir::scf::SCFDialect",
    "::mlir::vector::VectorDialect"
  ];
}

def PackConstantWeightsPass : Pass<"seqc-pack-constant-weights"> {
  let summary = "Pack constant linear weights into the GEMM microkernel's "
                "panel layout";
  let description = [{
    Rewrites every `linalg.generic` on tensors marked `seq.contraction` of
    the linear form `y[l..., n] += x[l..., k] * w[n, k]` whose `w` is an
    f32 `arith.constant` of static shape [N, K], or a static unit-stride
    `tensor.extract_slice` of one (a recurrence's weights for one
    direction): `w` becomes the constant
    `packed` [ceil(N / NR), K, NR] with `packed[j, k, c] = w[j * NR + c, k]`
    (zero past column N), and the op reads `packed[n floordiv NR, k,
    n mod NR]`, the same value. A weight with N < NR (mostly padding) is
    left alone. NR is `panel-width`. A weight computed at
    run time, or passed in (`--external-weights`), keeps its layout and its
    dot-product lowering. The packed layout is what
    `seqc-lower-packed-contractions` turns into the GEMM microkernel: per
    step of k, NR contiguous columns, the next step's right after.
  }];
  let options = [
    Option<"panelWidth", "panel-width", "int64_t", /*default=*/"64",
           "columns per panel (NR): the microkernel's vectors times their "
           "lanes, 4 x 16 (AVX-512) or 3 x 8 (AVX2)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
}

def LowerPackedContractionsPass : Pass<"seqc-lower-packed-contractions"> {
  let summary = "Lower contractions with packed weights to the GEMM "
                "microkernel";
  let description = [{
    Rewrites every `linalg.generic` on f32 buffers of the form
    `y[l..., n] += x[l..., k] * packed[n floordiv NR, k, n mod NR]` with
    body `y + x * packed` (what `seqc-pack-constant-weights` makes;
    `packed` [panels, K, NR] static, identity layout; x and y with unit
    inner stride and not views of one buffer; NR a multiple of
    `vector-width`) into BLIS's loops: blocks of kc = 256 steps of k (a
    panel's kc x NR slice, 64 KiB with AVX-512's 64 columns, read from
    L2), blocks of rows of x of 256 KiB
    (kept in L2), each panel, then tiles of R rows of x (x's leading
    dimensions flattened; the remainder in at most one tile each of 4, 2
    and 1 rows). Around them, an `scf.for` marked `seqc.parallel` splits
    the panels into contiguous shares, as many as the model context's
    threads when the product has at least 2^16 multiply-adds per thread
    (`kMinPackedMacsPerThread` in Threads.h), else one (`seqc-outline-parallel-loops` runs the shares on the
    context's threads). A tile is an
    R x V register tile of `vector<Wxf32>` accumulators (V = NR / W) that
    starts from y, runs over the k block loading V contiguous vectors of
    the panel and broadcasting R scalars of x, and is stored once. The
    last panel's columns past N are masked. R is as many rows as fit the
    registers with V + 1 to spare, at most 8:
    6 for V = 4 with 32 registers (AVX-512), 4 for V = 3 with 16.
    The product and sum fuse into an FMA only when both carry `contract`.
  }];
  let options = [
    Option<"vectorWidth", "vector-width", "int64_t", /*default=*/"16",
           "f32 lanes per vector: 16 (AVX-512), 8 (AVX2), 4 (SSE)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::mlir::vector::VectorDialect"
  ];
}

def SplitScanChannelsPass
    : Pass<"seqc-split-scan-channels", "::mlir::ModuleOp"> {
  let summary = "Split the independent channels of a scan over time (a "
                "selective scan, a WKV) over the model context's threads";
  let description = [{
    Runs on tensors, before `seq-decompose-selective-scan` and
    `seq-decompose-wkv`, in functions with a model context. An op with the
    trait `IndependentChannelScan` (`seq.selective_scan`, Mamba, Gu & Dao
    2023; `seq.wkv`, RWKV-4) updates each channel's state from that
    channel's inputs only, so its channels split with no communication
    between steps: the op becomes an `scf.for` marked `seqc.parallel` over
    contiguous shares of 16-channel blocks of its innermost parallel loop
    (upstream `TilingInterface`), one share per thread (min(threads,
    ceil(channels / 16))), when its work (the product of its iteration
    domain, times 6) reaches 2^17 per thread (Threads.h), else one share.
    Each share is the op's tile on its channels (the op slices its operands
    by their dimension roles: the selective scan's B and C are read whole)
    inserted into the loop-carried results. Ops whose static sizes rule out
    a split, and ops inside a loop that is already split, are left alone.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect", "::mlir::LLVM::LLVMDialect"
  ];
}

def OutlineParallelLoopsPass
    : Pass<"seqc-outline-parallel-loops", "::mlir::ModuleOp"> {
  let summary = "Run the iterations of seqc.parallel loops on the model "
                "context's threads";
  let description = [{
    Runs on buffers and loops, before `convert-scf-to-cf`. Each outermost
    `scf.for` marked `seqc.parallel` (no results; its iterations write
    disjoint memory) in a function with a model context becomes a call
    `seqc_parallel_for(context, n, fn, args)`: `fn` is a new internal
    function `(args, begin, end)` that calls `<fn>_loop(args, begin, end,
    context)`, which runs iterations [begin, end) of the loop with the
    context as its model-context argument (its allocations go through the
    context's allocator, a failed one is recorded there); `args` is a stack
    record of the context and the values the body uses from outside
    (memref descriptors, indices, scalars, vectors, pointers) and `n` the
    trip count. `seqc_parallel_for` calls the context's `parallel_for` with
    its `pool` (abi.h, ABI version 4), or `fn(args, 0, n)` when it is null.
    Constants the body uses are cloned into `<fn>_loop`. A buffer
    allocated and freed next to the loop and used only inside it (a
    temporary that buffer-loop hoisting moved out) is moved back into the
    loop body, so that each iteration has its own. A failed check or
    allocation in the loop returns from its chunk (the other chunks guard
    their own accesses and finish); after the call the entry returns too
    when the context records a shape or allocation failure. A marked loop
    stays a plain loop (its mark dropped) when it is nested in another
    marked loop, when its function has no context, when it has results,
    when it uses such a temporary allocated further out or through a view
    made outside, or when its body uses a value of a type the record
    cannot hold: then it runs on the calling thread.
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::memref::MemRefDialect",
    "::mlir::scf::SCFDialect", "::seqc::seq::SeqDialect"
  ];
}

def MergeEquivalentFunctionsPass
    : Pass<"seqc-merge-equivalent-functions", "::mlir::ModuleOp"> {
  let summary = "Keep one of each set of identical private functions";
  let description = [{
    A model's parallel loops are outlined once per place they occur
    (`seqc-outline-parallel-loops`): the same GEMM in each chunk of a
    recurrence's steps, in each layer of one shape, in the full-sequence
    entry and again in the step entry. The copies have the same body and
    differ only in what their callers pass them. This pass keeps the first
    of each set of private `func.func`s with the same type, the same
    attributes (the name aside) and equivalent bodies (the same ops,
    operands, attributes and types, locations aside), points every use of
    the others' names at it, and erases them; it repeats until nothing
    changes, since two callers become equal once their callees are merged.
    LLVM's mergefunc does the same later, but every lowering pass in
    between would otherwise convert each copy: for a two-layer LSTM with a
    step entry, 16 GEMM functions are 3 distinct ones.

    Before:
    ```mlir
    func.func private @f_parallel0_loop(%a: memref<?xf32>) { ... }
    func.func private @f_parallel1_loop(%a: memref<?xf32>) { ... same ... }
    func.func @f(...) {
      call @f_parallel0_loop(%x) : (memref<?xf32>) -> ()
      call @f_parallel1_loop(%y) : (memref<?xf32>) -> ()
    }
    ```
    After:
    ```mlir
    func.func private @f_parallel0_loop(%a: memref<?xf32>) { ... }
    func.func @f(...) {
      call @f_parallel0_loop(%x) : (memref<?xf32>) -> ()
      call @f_parallel0_loop(%y) : (memref<?xf32>) -> ()
    }
    ```
  }];
}

def OutlineRepeatedLayersPass
    : Pass<"seqc-outline-repeated-layers", "::mlir::ModuleOp"> {
  let summary = "Compile a stack of identical layers once: one function, "
                "called per layer";
  let description = [{
    Runs on tensors, after the run-time checks are inserted and hoisted and
    the constant weights packed, before bufferization. A deep model repeats
    one layer N times, differing only in its weights: compiled inline, every
    later pass and LLVM work N times over (a 16-layer encoder took 40 s, in
    proportion to its depth). In each public function with a model context,
    the run of top-level ops that repeats back to back saving most (N >= 2
    copies of at least 8 ops, identical up to the values of constants; the
    copies are compared op by op, regions included, and their data flow
    must correspond: a value a copy reads in two places is one value in
    every copy, else that copy stays inline, and when it is the first, the
    second is the one compared with) becomes one private function
    `@<fn>_layer<k>`: its
    arguments are the values a copy reads from outside (the previous
    layer's output, sizes, and every constant whose value differs between
    copies: the weights) and the model context last, its results the
    values used after the copy and a flag, last. Constants equal in every copy, and empty
    tensors (with their sizes as arguments), are rematerialized inside.
    Each copy becomes a `func.call`, followed by a check that stops the
    caller when the layer stopped: the function's last result is true
    when it returns normally, false (all zeros) when a failed shape check
    or allocation made it return early (the layer's own message is
    recorded already). A check whose message
    differs between copies (it names its op's place in the model) keeps
    every copy's message, selected by a layer-index argument. Repeats
    continue to be outlined until none is left. A step's key/value cache
    (a state updated in place) is an argument like any other: the layer
    function returns the updated cache, which bufferization writes through
    the argument, and `drop-equivalent-buffer-results` then removes from
    the layer function's results, so no cache is copied per call.

    Before (3 copies):
    ```mlir
    %1 = linalg.generic ... ins(%x, %w0 ...)
    %2 = linalg.generic ... ins(%1, %w1 ...)
    %3 = linalg.generic ... ins(%2, %w2 ...)
    ```
    After:
    ```mlir
    %1, %done0 = func.call @model_layer0(%x, %w0, %context)
    seq.check %done0, shape "a repeated layer of the model failed"
    %2, %done1 = func.call @model_layer0(%1, %w1, %context)
    seq.check %done1, shape "a repeated layer of the model failed"
    %3, %done2 = func.call @model_layer0(%2, %w2, %context)
    seq.check %done2, shape "a repeated layer of the model failed"
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::func::FuncDialect",
    "::mlir::LLVM::LLVMDialect", "::mlir::tensor::TensorDialect",
    "::seqc::seq::SeqDialect"
  ];
}

def OutlineAttentionKernelsPass
    : Pass<"seqc-outline-attention-kernels", "::mlir::ModuleOp"> {
  let summary = "One function per distinct seq.attention, called where each "
                "occurs";
  let description = [{
    Runs on seq ops, before `convert-seq-to-linalg`. A streaming model has
    the same attention in its full-sequence entry and in its step entry
    (and in each layer); lowered in place, each copy became its own
    flash-attention loops, a few thousand lines of LLVM IR apiece, which no
    later pass can merge: the copies differ in what is constant (a causal
    offset of 0, a key length equal to the query length) and in the
    layouts of the buffers they read (a key/value cache's first rows are a
    view). Here every `seq.attention` in a function with a model context
    whose kind (its attributes and operand types) occurs twice or more
    becomes a `func.call` of a private function that holds the op, one
    function per kind; an attention of its own kind stays inline (a call
    would save nothing, and the loops would see less of their operands:
    static strides, the shapes that prove the slices in bounds). The
    function takes the op's operands, a result buffer and the model
    context (its threads, its allocations, its failure record); it writes
    the result into that buffer (`bufferization.materialize_in_destination`,
    which the flash lowering consumes: its loops fill the destination) and
    returns it and a flag that is false when a failed check or allocation
    made it return early (the result, the argument itself, is dropped after
    bufferization: a buffer the kernel allocated and returned would be one
    the caller's deallocation cannot tell from those it keeps, a run-time
    check per call);
    a check after the call then stops the caller, the kernel's own message
    recorded already. The operands' extent checks (those the lowering
    emits: key and value against the query, the mask against the scores,
    `max_positions`) are emitted before the call as well, where they can be
    proven or read back to the model's inputs. Its tensor arguments carry
    `bufferization.buffer_layout = strided<[?, ..., ?, 1], offset: ?>`, so
    that bufferization passes views (a key/value cache's first rows, a
    slice of a fused QKV projection) without copying them. Only the
    function body's own attentions are outlined: one in a loop (a
    hand-written `seq.scan`'s step) stays inline, where the loop's
    temporaries are allocated once before it. A kind with `min_row_max`,
    whose check fails on the data rather than the shapes, also takes its
    call's index (an i64 argument marked `seqc.call_site`; the kernel's op
    lists the calls' origins in `seqc.call_sites`), so that the check's
    message names the attention that failed.

    `causal(top_left)` becomes `causal(bottom_right)` when the query and key
    lengths are provably the same (self-attention over one sequence: the
    two alignments are then one attention), so that a full-sequence
    entry's attention and its step entry's, which attends over a
    key/value cache bottom-right aligned, share a kernel.

    Before:
    ```mlir
    %o = seq.attention %q, %k, %v causal(bottom_right) : (...) -> tensor<...>
    ```
    After:
    ```mlir
    %out = tensor.empty(...) : tensor<...>
    %o, %ran = call @f_attention0(%q, %k, %v, %out, %ctx) : (...) -> (tensor<...>, i1)
    seq.check %ran, shape "an attention kernel of the model failed"
    ```
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::tensor::TensorDialect",
                           "::seqc::seq::SeqDialect"];
}

def OneShotBufferizeModelPass
    : Pass<"seqc-one-shot-bufferize", "::mlir::ModuleOp"> {
  let summary = "One-shot bufferization with seqc's function boundary "
                "layouts";
  let description = [{
    Upstream `one-shot-bufferize` with function boundaries and identity
    layouts there (`function-boundary-type-conversion=identity-layout-map`:
    the model entries take and return the contiguous buffers the runtime's
    descriptors describe), loops allowed to yield buffers they allocate (a
    hand-written seq.scan's state), and two defaults its options cannot
    change:

    - A buffer whose layout is asked for before its producer is
      bufferized, and which the analysis cannot tell, is guessed
      contiguous (upstream: fully dynamic). The flash attention's `scf.if`
      over its two loop nests (packed or unpacked keys) is asked for by its
      first branch before the second is bufferized; both yield fresh
      buffers, but the fully dynamic guess made the result a view, and a
      function returning it (an attention kernel) copied it.
    - A buffer of a strided type is allocated contiguous and cast to it:
      upstream allocates the strided type itself (invalid IR) when it copies
      a view that cannot be cast to a function argument's layout.

    An argument's `bufferization.buffer_layout` sets its layout (an
    attention kernel's operands: any strided layout whose innermost stride
    is 1, so that a key/value cache's view is passed with a `memref.cast`,
    and only a view whose innermost dimension is not contiguous is copied).
  }];
}

#endif // SEQC_COMPILER_TRANSFORMS_PASSES_TD
