//===- Passes.td - seq dialect passes ----------------------*- tablegen -*-===//

#ifndef SEQC_DIALECT_SEQ_TRANSFORMS_PASSES_TD
#define SEQC_DIALECT_SEQ_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def DecomposeRecurrencesPass : Pass<"seq-decompose-recurrences"> {
  let summary = "Rewrite seq.rnn/lstm/gru into chunked input GEMMs and "
                "seq.scans with a fused gate epilogue";
  let description = [{
    Every fast recurrent-network library computes the input projection of
    many time steps as one matrix product and keeps only the recurrent
    product inside the time loop. This pass makes that explicit: for each
    direction it emits an `scf.for` over chunks of `chunk-steps` time steps
    (the last chunk shorter; a reverse direction takes the chunks from the
    last) carrying the states and `y`, whose body holds

    1. `seq.linear` of the chunk's input steps with that direction's `W`
       (and the biases that can be folded there) — one GEMM of
       chunk-steps * B rows. Chunking bounds the temporaries by the chunk
       instead of by T (a 10^6-step input needs no [T, B, 4H] buffer) and
       keeps the projected chunk in cache for the scan;
    2. a `seq.scan` (reverse for the backward direction) whose body computes
       `h R^T` with `seq.linear`, adds the projected input of the step, and
       evaluates every gate, the state update, clipping, peepholes and the
       sequence-length mask in one `linalg.generic` (the fused epilogue);
       LSTM projections and GRU's `linear_before_reset = false` need a second
       product inside the step;
    3. an insert of the chunk's outputs into `y`, in the op's layout. When
       `y` has no use, nothing is stored: only the states are carried.

    The final states are assembled into `y_h` (and `y_c`) after the loops.

    Before that, a read of only the last step of a forward recurrence's `y`
    (`last(lstm(x))`, through the importers' collapses and transposes; no
    sequence lengths) is rewritten to read the final hidden state, which is
    the same value: such a classifier then stores no output sequence.

    Sequence lengths need no per-batch loop bounds: a batch row whose step
    `t` is not below its length keeps its state and writes zeros, which is
    the ONNX semantics for both directions.

    Before:
    ```mlir
    %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
      : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>)
      -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
    ```
    After (abridged):
    ```mlir
    %n = affine.apply affine_map<()[s0] -> (s0 ceildiv 64)>()[%T]
    %r:2 = scf.for %c = %c0 to %n step %c1 iter_args(%h = %zeros, %y = %y0)
        -> (tensor<?x8xf32>, tensor<?x1x?x8xf32>) {
      %t0 = affine.apply affine_map<()[s0] -> (s0 * 64)>()[%c]
      %len = affine.min affine_map<()[s0, s1] -> (64, s0 - s1)>()[%T, %t0]
      %xc = tensor.extract_slice %x[%t0, 0, 0] [%len, %B, 4] [1, 1, 1] ...
      %xw = seq.linear %xc, %w0 : (tensor<?x?x4xf32>, tensor<8x4xf32>) -> tensor<?x?x8xf32>
      %hT, %ys = seq.scan step(%t) carry(%hp = %h : tensor<?x8xf32>)
          over(%xw_t = %xw : tensor<?x?x8xf32>) outs(%init : tensor<?x?x8xf32>) {
        %hr = seq.linear %hp, %r0 : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
        %g = arith.addf %xw_t, %hr : tensor<?x8xf32>
        %hn = linalg.generic ... { math.tanh ... }
        seq.yield %hn, %hn : tensor<?x8xf32>, tensor<?x8xf32>
      }
      %y1 = tensor.insert_slice %ys into %y[%t0, 0, 0, 0] [%len, 1, %B, 8] ...
      scf.yield %hT, %y1 : tensor<?x8xf32>, tensor<?x1x?x8xf32>
    }
    ```
  }];
  let options = [
    Option<"chunkSteps", "chunk-steps", "int64_t", /*default=*/"64",
           "Time steps whose input projection is computed as one GEMM (>= 1)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

def DecomposeSelectiveScanPass : Pass<"seq-decompose-selective-scan"> {
  let summary = "Rewrite seq.selective_scan into chunked parallel "
                "discretisation and a seq.scan of the state update";
  let description = [{
    Lowers Mamba's selective scan the way `seq-decompose-recurrences`
    lowers the named cells: an `scf.for` over chunks of `chunk-steps` time
    steps (whole chunks in the loop, so that temporaries have a static step
    count and are allocated once; the remaining steps after it) carrying the
    state `h` `[B, D, N]` and `y`. Per chunk:

    1. parallel `linalg.generic`s compute `delta'` (bias and softplus,
       over `[B, steps, D]`) and then, over `[steps, B, D, N]`, for every
       step of the chunk at once, `dA = exp(delta' * A)` and
       `dBu = delta' * B * u`: all the transcendental work, none of it on
       the sequential path;
    2. a `seq.scan` over the chunk whose step is only
       `h = dA_t * h + dBu_t` and `y_t = sum_n C_t[n] * h[n]`;
    3. one parallel `linalg.generic` adds the skip `D * u`, applies the
       gate `silu(z)` and stores the chunk into `y`.

    Temporaries are bounded by the chunk (2 x steps x B x D x N floats), not
    by T; the final state is the op's `final_state`.

    Operand extents the types do not prove equal (a dynamic T of `delta`
    against that of `input`, ...) are checked at run time with messages
    naming the operand.
  }];
  let options = [
    Option<"chunkSteps", "chunk-steps", "int64_t", /*default=*/"64",
           "Time steps discretised together per chunk (>= 1)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def DecomposeLinearAttentionPass : Pass<"seq-decompose-linear-attention"> {
  let summary = "Rewrite seq.linear_attention into chunked feature maps and "
                "a seq.scan of the state update";
  let description = [{
    Lowers causal linear attention as a recurrence, like
    `seq-decompose-selective-scan`: an `scf.for` over chunks of
    `chunk-steps` steps (whole chunks in the loop, the rest after it)
    carrying the state `S` `[B, H, Dk, Dv]`, the normaliser `z`
    `[B, H, Dk]` and the result. Per chunk, one parallel generic per
    operand applies the feature map to the chunk's queries and keys (and
    lays queries, keys and values out time-major); a `seq.scan` then does,
    per step, `S += phi(k) v^T`, `z += phi(k)` and
    `o = phi(q)^T S (/ (phi(q)^T z + epsilon))`: O(Dk * Dv) per step and
    head, whatever T. Extents the types do not prove equal are checked at
    run time.
  }];
  let options = [
    Option<"chunkSteps", "chunk-steps", "int64_t", /*default=*/"64",
           "Time steps whose feature maps are computed together (>= 1)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def DecomposeWkvPass : Pass<"seq-decompose-wkv"> {
  let summary = "Rewrite seq.wkv (RWKV-4) into chunked seq.scans of the "
                "kernels' stable recurrence";
  let description = [{
    Lowers RWKV-4's WKV like `seq-decompose-linear-attention`: an `scf.for`
    over chunks of `chunk-steps` steps (whole chunks in the loop, the rest
    after it) carrying the state rows `aa`, `bb`, `pp` (`[B, C]` each) and
    the result. Per chunk, the keys and values are laid out time-major, and
    a `seq.scan` runs one fused elementwise generic per step over every
    batch row and channel: the output `(e^(pp-q) aa + e^(u+k-q) v) /
    (e^(pp-q) bb + e^(u+k-q))` and the decayed state update, in place.
    O(C) per step and row, whatever T; `final_state` stacks the rows into
    `[B, 3, C]`. Extents the types do not prove equal are checked at run
    time.
  }];
  let options = [
    Option<"chunkSteps", "chunk-steps", "int64_t", /*default=*/"64",
           "Time steps laid out time-major together (>= 1)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def CreateStepFunctionPass : Pass<"seq-create-step-function", "::mlir::ModuleOp"> {
  let summary = "Derive the streaming step function of a causal model";
  let description = [{
    Adds `<entry>_step`, which runs the model on one chunk of time steps and
    threads the state between chunks through extra arguments and results
    (marked `seq.state`, named `state0`, `state1`, ...). Each op that
    carries state says how through its `StreamableOpInterface` model
    (`dialects/Seq/Transforms/Streaming/`): the final hidden and cell states
    of forward recurrences, the final states of selective scans, WKV and
    linear attention, the carried values of a written-out `seq.scan` (with
    a started flag when its initial values are not zero), the last
    `dilation * (K - 1)` input frames of causal convolutions (all padding
    on the left), the steps seen by `seq.positions`, and for causal
    attention a key/value cache `[B, Hkv, capacity, D]` plus the number of
    steps seen (a `[1]` i64 state): the chunk's keys and values are
    written after a run-time capacity check and its queries attend
    bottom-right aligned to the cached steps; with a sliding window the
    cache is a ring of the last `capacity` steps. `capacity` is a named
    state dimension, bound when the stream opens
    (`<name>_state_create(B, capacity, ...)`). Inputs that only set
    initial states are dropped (a stream sets its states through
    `seqc_rt_stream_state`). Running the step function over consecutive
    chunks from a zero state reproduces the full-sequence outputs.

    A model with an op that reads future steps (a reverse or bidirectional
    recurrence, a non-causal or strided convolution, sequence lengths,
    non-causal or explicitly masked attention), a slice or reshape that
    may select or mix time steps (a position table sliced to the chunk's
    length), or an op not known to be per step is an error naming the op.
    seqc uses the same transformation and simply omits the streaming API
    for such models.

    Before:
    ```mlir
    func.func @m(%x: tensor<?x?x4xf32>) -> tensor<?x1x?x8xf32> {
      %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64} : ...
      return %y : tensor<?x1x?x8xf32>
    }
    ```
    After (added):
    ```mlir
    func.func @m_step(%x: tensor<?x?x4xf32>,
                      %s0: tensor<1x?x8xf32> {seq.name = "state0", seq.state})
        -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32> {seq.name = "state0", seq.state}) {
      %y, %h = seq.rnn %x, %w, %r initial_h(%s0) {hidden_size = 8 : i64} : ...
      return %y, %h : ...
    }
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "The model function (default: the only public function)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // SEQC_DIALECT_SEQ_TRANSFORMS_PASSES_TD
