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
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // SEQC_DIALECT_SEQ_TRANSFORMS_PASSES_TD
