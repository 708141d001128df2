// RUN: seq-opt %s --split-input-file --seqc-expand-shape-to-reinterpret-cast | FileCheck %s
// RUN: seq-opt %s --split-input-file --seqc-expand-shape-to-reinterpret-cast --expand-strided-metadata | FileCheck %s --check-prefix=LOWERED

// [B * T, 1, 12] split back into [B, T, 1, 12] (a 4-D MatMul over run-time
// batch and time, as a batch matmul): a reinterpret_cast with row-major
// strides, which expand-strided-metadata then lowers (it crashed on the
// expand_shape: llvm/llvm-project#186830).
// CHECK-LABEL: func.func @split_batch_time
// CHECK-SAME: (%[[A:.+]]: memref<?x1x12xf32>, %[[B:.+]]: index, %[[T:.+]]: index)
// CHECK: %[[C12:.+]] = arith.constant 12 : index
// CHECK: %[[S:.+]] = arith.muli %[[T]], %[[C12]] : index
// CHECK: memref.reinterpret_cast %[[A]] to offset: [0], sizes: [%[[B]], %[[T]], 1, 12], strides: [%[[S]], 12, 12, 1] : memref<?x1x12xf32> to memref<?x?x1x12xf32>
// CHECK-NOT: memref.expand_shape
// LOWERED-LABEL: func.func @split_batch_time
// LOWERED: memref.reinterpret_cast
func.func @split_batch_time(%a: memref<?x1x12xf32>, %b: index, %t: index) -> memref<?x?x1x12xf32> {
  %e = memref.expand_shape %a [[0, 1], [2], [3]] output_shape [%b, %t, 1, 12] : memref<?x1x12xf32> into memref<?x?x1x12xf32>
  return %e : memref<?x?x1x12xf32>
}

// -----

// One size of run-time size per group is upstream's to lower: kept.
// CHECK-LABEL: func.func @one_runtime_size
// CHECK: memref.expand_shape
func.func @one_runtime_size(%a: memref<?x12xf32>, %t: index) -> memref<?x3x4xf32> {
  %e = memref.expand_shape %a [[0], [1, 2]] output_shape [%t, 3, 4] : memref<?x12xf32> into memref<?x3x4xf32>
  return %e : memref<?x3x4xf32>
}
