//===- Passes.td - seq dialect passes ----------------------*- tablegen -*-===//

#ifndef SEQC_DIALECT_SEQ_TRANSFORMS_PASSES_TD
#define SEQC_DIALECT_SEQ_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def DecomposeRecurrencesPass : Pass<"seq-decompose-recurrences"> {
  let summary = "Rewrite seq.rnn/lstm/gru into a hoisted input GEMM and a "
                "seq.scan with a fused gate epilogue";
  let description = [{
    Every fast recurrent-network library computes the input projection of
    all time steps as one matrix product and keeps only the recurrent
    product inside the time loop. This pass makes that explicit: for each
    direction it emits

    1. `seq.linear` of the whole input sequence with that direction's `W`
       (and the biases that can be folded there) — one GEMM of T*B rows;
    2. a `seq.scan` (reverse for the backward direction) whose body computes
       `h R^T` with `seq.linear`, adds the projected input of the step, and
       evaluates every gate, the state update, clipping, peepholes and the
       sequence-length mask in one `linalg.generic` (the fused epilogue);
       LSTM projections and GRU's `linear_before_reset = false` need a second
       product inside the step;
    3. inserts that assemble `y`, `y_h` (and `y_c`) in the op's layout.

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
    %xw = seq.linear %x, %w0 : (tensor<?x?x4xf32>, tensor<8x4xf32>) -> tensor<?x?x8xf32>
    %hT, %ys = seq.scan step(%t) carry(%h = %zeros : tensor<?x8xf32>)
        over(%xw_t = %xw : tensor<?x?x8xf32>) outs(%init : tensor<?x?x8xf32>) {
      %hr = seq.linear %h, %r0 : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
      %g = arith.addf %xw_t, %hr : tensor<?x8xf32>
      %hn = linalg.generic ... { math.tanh ... }
      seq.yield %hn, %hn : tensor<?x8xf32>, tensor<?x8xf32>
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

def CreateStepFunctionPass : Pass<"seq-create-step-function", "::mlir::ModuleOp"> {
  let summary = "Derive the streaming step function of a causal model";
  let description = [{
    Adds `<entry>_step`, which runs the model on one chunk of time steps and
    threads the state between chunks through extra arguments and results
    (marked `seq.state`, named `state0`, `state1`, ...): the final hidden and
    cell states of forward recurrences, and the last `dilation * (K - 1)`
    input frames of causal convolutions. Running it over consecutive chunks
    from a zero state reproduces the full-sequence outputs. A model with an
    op that reads future steps (a reverse or bidirectional recurrence, a
    non-causal or strided convolution, sequence lengths) or whose streaming
    form is not generated (attention's key/value cache) is an error naming
    the op. seqc uses the same transformation and simply omits the
    streaming API for such models.

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
    "::mlir::arith::ArithDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // SEQC_DIALECT_SEQ_TRANSFORMS_PASSES_TD
