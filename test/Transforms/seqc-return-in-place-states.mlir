// RUN: seq-opt %s --seqc-return-in-place-states | FileCheck %s

// A state marked seq.in_place is returned as the argument itself; a clone
// of any other argument, or one that is also read elsewhere, stays.

// CHECK-LABEL: func.func @step
// CHECK-SAME: (%[[CACHE:[a-z0-9]+]]: memref<?x4xf32> {seq.in_place}, %[[H:[a-z0-9]+]]: memref<4xf32>, %[[USED:[a-z0-9]+]]: memref<4xf32> {seq.in_place})
// CHECK-NOT: bufferization.clone %[[CACHE]]
// CHECK: %[[HC:.+]] = bufferization.clone %[[H]]
// CHECK: %[[UC:.+]] = bufferization.clone %[[USED]]
// CHECK: memref.load %[[UC]]
// CHECK: return %[[CACHE]], %[[HC]], %[[UC]]
func.func @step(%cache: memref<?x4xf32> {seq.in_place}, %h: memref<4xf32>, %used: memref<4xf32> {seq.in_place}) -> (memref<?x4xf32>, memref<4xf32>, memref<4xf32>) {
  %c0 = arith.constant 0 : index
  %0 = bufferization.clone %cache : memref<?x4xf32> to memref<?x4xf32>
  %1 = bufferization.clone %h : memref<4xf32> to memref<4xf32>
  %2 = bufferization.clone %used : memref<4xf32> to memref<4xf32>
  %v = memref.load %2[%c0] : memref<4xf32>
  return %0, %1, %2 : memref<?x4xf32>, memref<4xf32>, memref<4xf32>
}
