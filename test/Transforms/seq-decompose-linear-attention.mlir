// RUN: seq-opt %s --seq-decompose-linear-attention=chunk-steps=4 --split-input-file | FileCheck %s
// RUN: not seq-opt %s --seq-decompose-linear-attention=chunk-steps=0 2>&1 | FileCheck %s --check-prefix=ZERO

// ZERO: chunk-steps must be at least 1, got 0

// T = 6 in chunks of 4: one whole chunk in the loop, then 2 steps. Per
// chunk, phi(x) = elu(x) + 1 on the queries and keys and a transpose of
// the values lay the chunk out time-major; the scan's step updates
// S += phi(k) v^T and z += phi(k), then o = phi(q)^T S / (phi(q)^T z + eps).

// CHECK-LABEL: func.func @normalized
// CHECK-SAME: (%[[Q:[a-z0-9]+]]: tensor<1x2x6x4xf32>, %[[K:[a-z0-9]+]]: tensor<1x2x6x4xf32>, %[[V:[a-z0-9]+]]: tensor<1x2x6x3xf32>)
// CHECK-NOT: seq.check
// CHECK: %[[LOOP:.+]]:3 = scf.for {{.+}} -> (tensor<1x2x4x3xf32>, tensor<1x2x4xf32>, tensor<1x2x6x3xf32>)
// CHECK:   tensor.extract_slice %[[Q]][0, 0, %[[T0:.+]], 0] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK:   %[[PQ:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<4x1x2x4xf32>)
// CHECK:     math.expm1
// CHECK:   %[[PK:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<4x1x2x4xf32>)
// CHECK:     math.expm1
// CHECK:   %[[VT:.+]] = linalg.generic {{.+}} outs(%{{.+}} : tensor<4x1x2x3xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT:   linalg.yield
// CHECK:   %[[SCAN:.+]]:3 = seq.scan step(%{{.+}}) carry(%[[S:.+]] = %{{.+}} : tensor<1x2x4x3xf32>, %[[Z:.+]] = %{{.+}} : tensor<1x2x4xf32>) over(%[[QS:.+]] = %[[PQ]] : tensor<4x1x2x4xf32>, %[[KS:.+]] = %[[PK]] : tensor<4x1x2x4xf32>, %[[VS:.+]] = %[[VT]] : tensor<4x1x2x3xf32>)
// CHECK:     %[[SN:.+]] = linalg.generic {{.+}} ins(%[[S]], %[[KS]], %[[VS]] :
// CHECK:       arith.mulf
// CHECK:       arith.addf
// CHECK:     %[[ZN:.+]] = linalg.generic {{.+}} ins(%[[Z]], %[[KS]] :
// CHECK:     %[[NUM:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[QS]], %[[SN]] :
// CHECK:     %[[DEN:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[QS]], %[[ZN]] :
// CHECK:     %[[O:.+]] = linalg.generic {{.+}} ins(%[[NUM]], %[[DEN]] :
// CHECK:       arith.addf
// CHECK:       arith.divf
// CHECK:     seq.yield %[[SN]], %[[ZN]], %[[O]]
// CHECK:   linalg.transpose ins(%[[SCAN]]#2 : tensor<4x1x2x3xf32>) {{.+}} permutation = [1, 2, 0, 3]
// CHECK:   tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, %[[T0]], 0] [1, 2, 4, 3] [1, 1, 1, 1]
// CHECK: tensor.extract_slice %[[Q]][0, 0, 4, 0] [1, 2, 2, 4] [1, 1, 1, 1]
// CHECK: %[[LAST:.+]]:3 = seq.scan step(%{{.+}}) carry(%{{.+}} = %[[LOOP]]#0 : tensor<1x2x4x3xf32>, %{{.+}} = %[[LOOP]]#1 : tensor<1x2x4xf32>)
// CHECK: %[[OUT:.+]] = tensor.insert_slice %{{.+}} into %[[LOOP]]#2[0, 0, 4, 0] [1, 2, 2, 3] [1, 1, 1, 1]
// CHECK: return %[[OUT]], %[[LAST]]#0, %[[LAST]]#1
func.func @normalized(%q: tensor<1x2x6x4xf32>, %k: tensor<1x2x6x4xf32>, %v: tensor<1x2x6x3xf32>) -> (tensor<1x2x6x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4xf32>) {
  %o, %s, %z = seq.linear_attention %q, %k, %v feature_map(elu_plus_one) {normalize}
    : (tensor<1x2x6x4xf32>, tensor<1x2x6x4xf32>, tensor<1x2x6x3xf32>) -> (tensor<1x2x6x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4xf32>)
  return %o, %s, %z : tensor<1x2x6x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4xf32>
}

// -----

// Run-time sizes are checked against the query's, naming the operand; the
// given initial state and normaliser are carried in; without `normalize`
// the step has no division.

// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: %[[S0:[a-z0-9]+]]: tensor<?x2x4x3xf32>, %[[Z0:[a-z0-9]+]]: tensor<?x2x4xf32>)
// CHECK: seq.check %{{.+}}, shape "seq.linear_attention at {{.+}}: 'key' dimension 0 is {}, but 'query' and 'value' make it a different size"
// CHECK: seq.check %{{.+}}, shape "seq.linear_attention at {{.+}}: 'key' dimension 2 is {}, but 'query' and 'value' make it a different size"
// CHECK: seq.check %{{.+}}, shape "seq.linear_attention at {{.+}}: 'value' dimension 0
// CHECK: seq.check %{{.+}}, shape "seq.linear_attention at {{.+}}: 'value' dimension 2
// CHECK: seq.check %{{.+}}, shape "seq.linear_attention at {{.+}}: 'initial_state' dimension 0
// CHECK: seq.check %{{.+}}, shape "seq.linear_attention at {{.+}}: 'initial_normalizer' dimension 0
// CHECK-NOT: seq.check
// CHECK: scf.for {{.+}} iter_args(%{{.+}} = %[[S0]], %{{.+}} = %[[Z0]],
// CHECK-NOT: math.expm1
// CHECK-NOT: arith.divf
// CHECK: return
func.func @dynamic(%q: tensor<?x2x?x4xf32>, %k: tensor<?x2x?x4xf32>, %v: tensor<?x2x?x3xf32>, %s0: tensor<?x2x4x3xf32>, %z0: tensor<?x2x4xf32>) -> tensor<?x2x?x3xf32> {
  %o, %s, %z = seq.linear_attention %q, %k, %v initial_state(%s0) initial_normalizer(%z0)
    : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x3xf32>, tensor<?x2x4x3xf32>, tensor<?x2x4xf32>) -> (tensor<?x2x?x3xf32>, tensor<?x2x4x3xf32>, tensor<?x2x4xf32>)
  return %o : tensor<?x2x?x3xf32>
}
