// RUN: seq-opt %s --seqc-seq-to-loops | FileCheck %s --check-prefix=LOOPS
// RUN: seq-opt %s --seqc-seq-to-loops --seqc-lower-to-llvm | FileCheck %s --check-prefix=LLVM
// RUN: seq-opt %s --seqc-cpu-pipeline | FileCheck %s --check-prefix=LLVM

// A hybrid: a GRU feeding causal self-attention and a linear head. Every
// stage of the CPU pipeline, checked at its boundary.

// After the first half: bufferized linalg and one scf.for time loop, no seq
// op and no tensor left; temporaries are freed.
// LOOPS-LABEL: func.func @hybrid
// LOOPS-SAME: (%{{.+}}: memref<?x1x4xf32>, %{{.+}}: !llvm.ptr {seqc.model_context}) -> memref<?x1x8xf32>
// Of the seq dialect only run-time checks remain (seq.check, lowered with
// the LLVM dialect).
// LOOPS-NOT: {{seq\.(gru|attention|linear|scan|yield)}}
// LOOPS: scf.for
// LOOPS: linalg.generic
// LOOPS: memref.dealloc
// LOOPS-NOT: tensor<

// After the second half: only the LLVM dialect.
// LLVM-LABEL: llvm.func @hybrid
// LLVM-NOT: linalg.
// LLVM-NOT: scf.
// LLVM-NOT: memref.
// LLVM-NOT: seq.
// LLVM: llvm.call @aligned_alloc
// LLVM: llvm.call @free
// LLVM-NOT: memrefCopy
func.func @hybrid(%x: tensor<?x1x4xf32>) -> tensor<?x1x8xf32> {
  %w = arith.constant dense<0.1> : tensor<1x24x4xf32>
  %r = arith.constant dense<0.05> : tensor<1x24x8xf32>
  %y, %h = seq.gru %x, %w, %r {hidden_size = 8 : i64, linear_before_reset}
    : (tensor<?x1x4xf32>, tensor<1x24x4xf32>, tensor<1x24x8xf32>) -> (tensor<?x1x1x8xf32>, tensor<1x1x8xf32>)
  %c0 = arith.constant 0 : index
  %c = tensor.dim %x, %c0 : tensor<?x1x4xf32>
  %seq = tensor.collapse_shape %y [[0, 1, 2], [3]] : tensor<?x1x1x8xf32> into tensor<?x8xf32>
  %q = tensor.expand_shape %seq [[0, 1, 2], [3]] output_shape [1, 1, %c, 8] : tensor<?x8xf32> into tensor<1x1x?x8xf32>
  %a = seq.attention %q, %q, %q causal(top_left) : (tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>, tensor<1x1x?x8xf32>) -> tensor<1x1x?x8xf32>
  %flat = tensor.collapse_shape %a [[0, 1, 2], [3]] : tensor<1x1x?x8xf32> into tensor<?x8xf32>
  %wo = arith.constant dense<0.2> : tensor<8x8xf32>
  %o = seq.linear %flat, %wo : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  %out = tensor.expand_shape %o [[0, 1], [2]] output_shape [%c, 1, 8] : tensor<?x8xf32> into tensor<?x1x8xf32>
  return %out : tensor<?x1x8xf32>
}
