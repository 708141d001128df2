// RUN: seq-opt %s --seqc-untie-empty-tensors | FileCheck %s

// Ten fills write into one (CSE-merged) empty tensor: the first eight keep
// it, the ninth and tenth share one copy with the same size, placed after
// the original. An empty with eight uses or fewer stays as it is.
// CHECK-LABEL: func.func @many_uses
// CHECK-SAME: %[[N:[a-z0-9]+]]: index
func.func @many_uses(%n: index, %v: f32) -> (tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<4xf32>, tensor<4xf32>) {
  // CHECK:      %[[E:.+]] = tensor.empty(%[[N]]) : tensor<?xf32>
  // CHECK-NEXT: %[[E1:.+]] = tensor.empty(%[[N]]) : tensor<?xf32>
  // CHECK-NEXT: %[[FEW:.+]] = tensor.empty() : tensor<4xf32>
  // CHECK-NOT: tensor.empty
  %e = tensor.empty(%n) : tensor<?xf32>
  %few = tensor.empty() : tensor<4xf32>
  // CHECK-COUNT-8: linalg.fill ins(%{{.+}} : f32) outs(%[[E]] : tensor<?xf32>)
  // CHECK-COUNT-2: linalg.fill ins(%{{.+}} : f32) outs(%[[E1]] : tensor<?xf32>)
  // CHECK-COUNT-2: linalg.fill ins(%{{.+}} : f32) outs(%[[FEW]] : tensor<4xf32>)
  %0 = linalg.fill ins(%v : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %1 = linalg.fill ins(%v : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %2 = linalg.fill ins(%v : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %3 = linalg.fill ins(%v : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %4 = linalg.fill ins(%v : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %5 = linalg.fill ins(%v : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %6 = linalg.fill ins(%v : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %7 = linalg.fill ins(%v : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %8 = linalg.fill ins(%v : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %9 = linalg.fill ins(%v : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %10 = linalg.fill ins(%v : f32) outs(%few : tensor<4xf32>) -> tensor<4xf32>
  %11 = linalg.fill ins(%v : f32) outs(%few : tensor<4xf32>) -> tensor<4xf32>
  return %0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11 : tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<4xf32>, tensor<4xf32>
}

// A use inside a loop gets its copy outside the loop, where the original
// is (so that it dominates the use).
// CHECK-LABEL: func.func @loop
func.func @loop(%x: tensor<8xf32>, %steps: index, %v: f32) -> (tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK:      %[[E:.+]] = tensor.empty() : tensor<8xf32>
  // CHECK-NEXT: %[[E1:.+]] = tensor.empty() : tensor<8xf32>
  // CHECK-COUNT-8: outs(%[[E]] : tensor<8xf32>)
  // CHECK: scf.for
  // CHECK-NEXT: linalg.copy ins(%{{.+}} : tensor<8xf32>) outs(%[[E1]] : tensor<8xf32>)
  %e = tensor.empty() : tensor<8xf32>
  %0 = linalg.fill ins(%v : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %1 = linalg.fill ins(%v : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %2 = linalg.fill ins(%v : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %3 = linalg.fill ins(%v : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %4 = linalg.fill ins(%v : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %5 = linalg.fill ins(%v : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %6 = linalg.fill ins(%v : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %init = linalg.copy ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %r = scf.for %i = %c0 to %steps step %c1 iter_args(%s = %init) -> tensor<8xf32> {
    %n = linalg.copy ins(%s : tensor<8xf32>) outs(%e : tensor<8xf32>) -> tensor<8xf32>
    scf.yield %n : tensor<8xf32>
  }
  return %0, %1, %2, %3, %4, %5, %6, %r, %init : tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>, tensor<8xf32>
}
