// RUN: seq-opt %s --seqc-decompose-aggregated-ops | FileCheck %s

// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: tensor<?x8xf32>, %init: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // CHECK-NOT: linalg.softmax
  // CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
  // CHECK:   arith.maxnumf
  // CHECK: linalg.generic
  // CHECK:   math.exp
  // CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
  // CHECK:   arith.addf
  // CHECK: linalg.generic
  // CHECK:   arith.divf
  %y = linalg.softmax dimension(1) ins(%x : tensor<?x8xf32>) outs(%init : tensor<?x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}
