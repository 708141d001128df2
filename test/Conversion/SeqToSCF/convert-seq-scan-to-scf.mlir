// RUN: seq-opt %s --convert-seq-scan-to-scf | FileCheck %s

// CHECK-LABEL: func.func @forward
func.func @forward(%h0: tensor<2x8xf32>, %xs: tensor<?x2x8xf32>, %init: tensor<?x2x8xf32>) -> (tensor<2x8xf32>, tensor<?x2x8xf32>) {
  // CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
  // CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
  // CHECK: %[[T:.+]] = tensor.dim %{{.+}}, %[[C0]] : tensor<?x2x8xf32>
  // CHECK: %[[R:.+]]:2 = scf.for %[[I:.+]] = %[[C0]] to %[[T]] step %[[C1]] iter_args(%[[H:.+]] = %{{.+}}, %[[ACC:.+]] = %{{.+}}) -> (tensor<2x8xf32>, tensor<?x2x8xf32>) {
  // CHECK:   %[[X:.+]] = tensor.extract_slice %{{.+}}[%[[I]], 0, 0] [1, 2, 8] [1, 1, 1] : tensor<?x2x8xf32> to tensor<2x8xf32>
  // CHECK:   %[[N:.+]] = arith.addf %[[H]], %[[X]] : tensor<2x8xf32>
  // CHECK:   %[[OUT:.+]] = tensor.insert_slice %[[N]] into %[[ACC]][%[[I]], 0, 0] [1, 2, 8] [1, 1, 1] : tensor<2x8xf32> into tensor<?x2x8xf32>
  // CHECK:   scf.yield %[[N]], %[[OUT]] : tensor<2x8xf32>, tensor<?x2x8xf32>
  // CHECK: return %[[R]]#0, %[[R]]#1
  %h, %ys = seq.scan step(%t) carry(%hp = %h0 : tensor<2x8xf32>) over(%x = %xs : tensor<?x2x8xf32>) outs(%init : tensor<?x2x8xf32>) {
    %n = arith.addf %hp, %x : tensor<2x8xf32>
    seq.yield %n, %n : tensor<2x8xf32>, tensor<2x8xf32>
  }
  return %h, %ys : tensor<2x8xf32>, tensor<?x2x8xf32>
}

// A reverse scan walks T-1 .. 0 and the body sees that step index.
// CHECK-LABEL: func.func @reverse
func.func @reverse(%h0: tensor<4xf32>, %xs: tensor<?x4xf32>) -> tensor<4xf32> {
  // CHECK: %[[LAST:.+]] = arith.subi %{{.+}}, %{{.+}} : index
  // CHECK: scf.for %[[I:[a-z0-9_]+]] = 
  // CHECK:   %[[STEP:.+]] = arith.subi %[[LAST]], %[[I]] : index
  // CHECK:   tensor.extract_slice %{{.+}}[%[[STEP]], 0] [1, 4] [1, 1]
  // CHECK:   arith.index_cast %[[STEP]]
  %h = seq.scan reverse step(%t) carry(%hp = %h0 : tensor<4xf32>) over(%x = %xs : tensor<?x4xf32>) {
    %ti = arith.index_cast %t : index to i64
    %tf = arith.sitofp %ti : i64 to f32
    %s = tensor.splat %tf : tensor<4xf32>
    %a = arith.addf %hp, %x : tensor<4xf32>
    %n = arith.mulf %a, %s : tensor<4xf32>
    seq.yield %n : tensor<4xf32>
  }
  return %h : tensor<4xf32>
}
