//===- Passes.td - seqc conversion passes ------------------*- tablegen -*-===//

#ifndef SEQC_COMPILER_CONVERSION_PASSES_TD
#define SEQC_COMPILER_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertSeqToLinalgPass : Pass<"convert-seq-to-linalg"> {
  let summary = "Lower seq attention, convolution and glue ops to linalg";
  let description = [{
    Lowers `seq.linear`, `seq.layer_norm`, `seq.rms_norm`,
    `seq.embedding`, `seq.activation`, `seq.conv1d` and `seq.attention` to
    `linalg.generic` ops on tensors (with `tensor` ops for reshapes and
    padding), so the upstream bufferization and vectorization apply.
    Recurrences must first be decomposed (`seq-decompose-recurrences`) and
    `seq.scan` is left for `convert-seq-scan-to-scf`.

    Before:
    ```mlir
    %y = seq.linear %x, %w bias(%b)
      : (tensor<?x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<?x4xf32>
    ```
    After:
    ```mlir
    %init = linalg.generic {...broadcast of %b...} -> tensor<?x4xf32>
    %y = linalg.generic {iterator_types = ["parallel", "parallel", "reduction"]}
        ins(%x, %w : ...) outs(%init : tensor<?x4xf32>) { mulf, addf }
    ```

    `seq.embedding` checks each index (a `seq.check` of kind `value`: the
    run fails with the offending index) and clamps it meanwhile, so the
    gather never reads outside the table.

    `seq.attention` becomes, with `attention-tile` = T > 0 (the default),
    FlashAttention's loops (Dao et al. 2022, Algorithm 1): per batch entry,
    query head and tile of T query rows, a loop over the key tiles that a
    row of it can see (tiles wholly hidden by the causal diagonal or the
    sliding window are not visited; tiles a float mask hides everywhere are
    skipped at run time) with an online softmax; no [Lq, Lk] score matrix
    is materialized. From 16 query rows on, K is packed once per call into
    transposed tiles of T keys and the scores are outer products; with
    fewer (decoding), K is read as it is, in tiles of 4T keys. With
    `attention-tile=0`, the reference form: the whole score matrix, its row
    max, exp and row sum. The tiled form's loop over the (batch, head)
    pairs runs in contiguous shares, as many as the model context's
    threads when each gets at least 2^17 multiply-adds (an `scf.for`
    marked `seqc.parallel`, which `seqc-outline-parallel-loops` runs on
    them), else one.
  }];
  let options = [
    Option<"attentionTile", "attention-tile", "int64_t", /*default=*/"64",
           "Query rows and keys per seq.attention tile (0: materialize "
           "the whole [Lq, Lk] score matrix)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::LLVM::LLVMDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def ConvertSeqScanToSCFPass : Pass<"convert-seq-scan-to-scf"> {
  let summary = "Lower seq.scan to an scf.for over the time steps";
  let description = [{
    Each `seq.scan` becomes an `scf.for` whose iteration arguments are the
    carried state and the output tensors; the step's slices are
    `tensor.extract_slice`s and its outputs `tensor.insert_slice`s at the
    step index (`T - 1 - i` for a reverse scan). The loop is never
    unrolled: compile time does not grow with the sequence length, which is
    dynamic anyway.

    Before:
    ```mlir
    %h, %ys = seq.scan step(%t) carry(%hp = %h0 : tensor<2x8xf32>)
        over(%x = %xs : tensor<?x2x8xf32>) outs(%init : tensor<?x2x8xf32>) {
      %n = arith.addf %hp, %x : tensor<2x8xf32>
      seq.yield %n, %n : tensor<2x8xf32>, tensor<2x8xf32>
    }
    ```
    After:
    ```mlir
    %r:2 = scf.for %i = %c0 to %T step %c1 iter_args(%hp = %h0, %acc = %init) {
      %x = tensor.extract_slice %xs[%i, 0, 0] [1, 2, 8] [1, 1, 1]
      %n = arith.addf %hp, %x : tensor<2x8xf32>
      %acc2 = tensor.insert_slice %n into %acc[%i, 0, 0] [1, 2, 8] [1, 1, 1]
      scf.yield %n, %acc2
    }
    ```
  }];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

#endif // SEQC_COMPILER_CONVERSION_PASSES_TD
