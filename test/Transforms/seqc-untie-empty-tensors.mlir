// RUN: seq-opt %s --seqc-untie-empty-tensors | FileCheck %s

// Three generics writing into one (CSE-merged) empty tensor: the second and
// third get their own copies, with the same size, placed after the
// original. A single-use empty and the users' order stay as they were.
#map = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @chain
// CHECK-SAME: (%[[X:.+]]: tensor<?xf32>, %[[N:.+]]: index)
func.func @chain(%x: tensor<?xf32>, %n: index) -> (tensor<?xf32>, tensor<4xf32>) {
  // CHECK:      %[[E:.+]] = tensor.empty(%[[N]]) : tensor<?xf32>
  // CHECK-NEXT: %[[E1:.+]] = tensor.empty(%[[N]]) : tensor<?xf32>
  // CHECK-NEXT: %[[E2:.+]] = tensor.empty(%[[N]]) : tensor<?xf32>
  // CHECK-NEXT: %[[ONE:.+]] = tensor.empty() : tensor<4xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %one = tensor.empty() : tensor<4xf32>
  // CHECK: linalg.generic {{.+}} ins(%[[X]] : tensor<?xf32>) outs(%[[E]] : tensor<?xf32>)
  %a = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%x : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  // CHECK: linalg.generic {{.+}} outs(%[[E1]] : tensor<?xf32>)
  %b = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%a : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  // CHECK: linalg.generic {{.+}} outs(%[[E2]] : tensor<?xf32>)
  %c = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel"]}
      ins(%b : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%in: f32, %out: f32):
    %r = arith.negf %in : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  // CHECK: linalg.fill {{.+}} outs(%[[ONE]] : tensor<4xf32>)
  %zero = arith.constant 0.0 : f32
  %f = linalg.fill ins(%zero : f32) outs(%one : tensor<4xf32>) -> tensor<4xf32>
  return %c, %f : tensor<?xf32>, tensor<4xf32>
}

// A use inside a loop keeps the copy outside it, where the original is.
// CHECK-LABEL: func.func @loop
func.func @loop(%x: tensor<8xf32>, %steps: index) -> tensor<8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  // CHECK:      %[[E:.+]] = tensor.empty() : tensor<8xf32>
  // CHECK-NEXT: %[[E1:.+]] = tensor.empty() : tensor<8xf32>
  // CHECK: linalg.copy ins(%{{.+}} : tensor<8xf32>) outs(%[[E]] : tensor<8xf32>)
  // CHECK: scf.for
  // CHECK: linalg.copy ins(%{{.+}} : tensor<8xf32>) outs(%[[E1]] : tensor<8xf32>)
  %e = tensor.empty() : tensor<8xf32>
  %init = linalg.copy ins(%x : tensor<8xf32>) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %r = scf.for %i = %c0 to %steps step %c1 iter_args(%s = %init) -> tensor<8xf32> {
    %n = linalg.copy ins(%s : tensor<8xf32>) outs(%e : tensor<8xf32>) -> tensor<8xf32>
    scf.yield %n : tensor<8xf32>
  }
  return %r : tensor<8xf32>
}
