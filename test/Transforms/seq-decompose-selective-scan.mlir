// RUN: seq-opt %s --seq-decompose-selective-scan=chunk-steps=4 --split-input-file --verify-diagnostics | FileCheck %s
// RUN: not seq-opt %s --seq-decompose-selective-scan=chunk-steps=0 2>&1 | FileCheck %s --check-prefix=ZERO

// ZERO: chunk-steps must be at least 1, got 0

// T = 10 in chunks of 4: two whole chunks in the loop, then the last 2
// steps. Per chunk a parallel generic over [B, steps, D] computes
// delta' = softplus(delta + bias), one over [steps, B, D, N] discretises
// every step (exp(delta' * A), delta' * B * u), the seq.scan does only the
// multiply-add and the C contraction, and a parallel generic adds D * u and
// the silu(z) gate before the chunk is stored into y.

// CHECK-LABEL: func.func @full
// CHECK-SAME: (%[[U:[a-z0-9]+]]: tensor<2x10x4xf32>, %[[DT:[a-z0-9]+]]: tensor<2x10x4xf32>, %[[A:[a-z0-9]+]]: tensor<4x3xf32>, %[[B:[a-z0-9]+]]: tensor<2x10x3xf32>, %[[C:[a-z0-9]+]]: tensor<2x10x3xf32>, %[[D:[a-z0-9]+]]: tensor<4xf32>, %[[Z:[a-z0-9]+]]: tensor<2x10x4xf32>, %[[BIAS:[a-z0-9]+]]: tensor<4xf32>)
// CHECK-NOT: seq.check
// CHECK: %[[H0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<2x4x3xf32>)
// CHECK: %[[LOOP:.+]]:2 = scf.for %[[I:.+]] = %{{.+}} to %c2 step %{{.+}} iter_args(%[[H:.+]] = %[[H0]], %[[Y:.+]] = %{{.+}}) -> (tensor<2x4x3xf32>, tensor<2x10x4xf32>)
// CHECK:   %[[UC:.+]] = tensor.extract_slice %[[U]][0, %[[T0:.+]], 0] [2, 4, 4] [1, 1, 1]
// CHECK:   %[[DTC:.+]] = tensor.extract_slice %[[DT]][0, %[[T0]], 0] [2, 4, 4] [1, 1, 1]
// CHECK:   %[[DELTA:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel"]} ins(%[[DTC]], %[[BIAS]] : tensor<2x4x4xf32>, tensor<4xf32>) outs(%{{.+}} : tensor<2x4x4xf32>)
// CHECK:     arith.addf
// CHECK:     math.log1p
// CHECK:   %[[DISC:.+]]:2 = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%[[DELTA]], %[[A]], {{.+}}, %[[UC]] : {{.+}}) outs({{.+}} : tensor<4x2x4x3xf32>, tensor<4x2x4x3xf32>)
// CHECK-NOT: math.log1p
// CHECK:     math.exp
// CHECK:   linalg.transpose {{.+}} permutation = [1, 0, 2]
// CHECK:   %[[SCAN:.+]]:2 = seq.scan step(%{{.+}}) carry(%[[HP:.+]] = %[[H]] : tensor<2x4x3xf32>) over(%[[DA:.+]] = %[[DISC]]#0 : tensor<4x2x4x3xf32>, %[[DBU:.+]] = %[[DISC]]#1 : tensor<4x2x4x3xf32>, %[[CT:.+]] = %{{.+}} : tensor<4x2x3xf32>) outs(%{{.+}} : tensor<4x2x4xf32>)
// CHECK:     %[[HN:.+]] = linalg.generic {{.+}} ins(%[[DA]], %[[HP]], %[[DBU]] :
// CHECK-NEXT:  ^bb0
// CHECK-NEXT:    arith.mulf
// CHECK-NEXT:    arith.addf
// CHECK:     %[[YT:.+]] = linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]} ins(%[[HN]], %[[CT]] :
// CHECK:     seq.yield %[[HN]], %[[YT]]
// CHECK:   %[[OUT:.+]] = linalg.generic {{.+}} ins(%[[SCAN]]#1, %[[UC]], %[[D]], %{{.+}} : tensor<4x2x4xf32>, tensor<2x4x4xf32>, tensor<4xf32>, tensor<2x4x4xf32>)
// CHECK:   %[[YN:.+]] = tensor.insert_slice %[[OUT]] into %[[Y]][0, %[[T0]], 0] [2, 4, 4] [1, 1, 1]
// CHECK:   scf.yield %[[SCAN]]#0, %[[YN]]
// CHECK: tensor.extract_slice %[[U]][0, 8, 0] [2, 2, 4] [1, 1, 1]
// CHECK: %[[LAST:.+]]:2 = seq.scan step(%{{.+}}) carry(%{{.+}} = %[[LOOP]]#0 : tensor<2x4x3xf32>) {{.+}} outs(%{{.+}} : tensor<2x2x4xf32>)
// CHECK: %[[YL:.+]] = tensor.insert_slice %{{.+}} into %[[LOOP]]#1[0, 8, 0] [2, 2, 4] [1, 1, 1]
// CHECK: return %[[YL]], %[[LAST]]#0
func.func @full(%u: tensor<2x10x4xf32>, %dt: tensor<2x10x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x10x3xf32>, %c: tensor<2x10x3xf32>, %d: tensor<4xf32>, %z: tensor<2x10x4xf32>, %bias: tensor<4xf32>) -> (tensor<2x10x4xf32>, tensor<2x4x3xf32>) {
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c skip(%d) gate(%z) delta_bias(%bias) {delta_softplus}
    : (tensor<2x10x4xf32>, tensor<2x10x4xf32>, tensor<4x3xf32>, tensor<2x10x3xf32>, tensor<2x10x3xf32>, tensor<4xf32>, tensor<2x10x4xf32>, tensor<4xf32>) -> (tensor<2x10x4xf32>, tensor<2x4x3xf32>)
  return %y, %h : tensor<2x10x4xf32>, tensor<2x4x3xf32>
}

// -----

// Dynamic sizes: every extent the types do not prove equal to the one
// 'input' and 'a' define is checked at run time, naming the operand. The
// initial state is carried in (no zero fill); without softplus, bias, skip
// or gate the generics hold only the scan's arithmetic.

// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: %[[H0:[a-z0-9]+]]: tensor<?x4x3xf32>)
// CHECK: seq.check %{{.+}}, shape "seq.selective_scan at {{.+}}: 'delta' dimension 0 is {}, but 'input' and 'a' make it a different size"
// CHECK: seq.check %{{.+}}, shape "seq.selective_scan at {{.+}}: 'delta' dimension 1 is {}, but 'input' and 'a' make it a different size"
// CHECK: seq.check %{{.+}}, shape "seq.selective_scan at {{.+}}: 'b' dimension 0
// CHECK: seq.check %{{.+}}, shape "seq.selective_scan at {{.+}}: 'b' dimension 1
// CHECK: seq.check %{{.+}}, shape "seq.selective_scan at {{.+}}: 'c' dimension 0
// CHECK: seq.check %{{.+}}, shape "seq.selective_scan at {{.+}}: 'c' dimension 1
// CHECK: seq.check %{{.+}}, shape "seq.selective_scan at {{.+}}: 'initial_state' dimension 0
// CHECK-NOT: seq.check
// CHECK-NOT: linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<?x4x3xf32>)
// CHECK: scf.for {{.+}} iter_args(%{{.+}} = %[[H0]],
// CHECK-NOT: math.log1p
// CHECK-NOT: math.exp
// CHECK: linalg.generic
// CHECK-NOT: math.log1p
// CHECK: math.exp
// CHECK-NOT: math.log1p
// CHECK: seq.scan
// CHECK: seq.yield
// CHECK-NEXT: }
// CHECK-NEXT: %[[OUT:.+]] = tensor.empty
// CHECK-NEXT: linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<4x?x4xf32>, tensor<?x4x4xf32>)
// CHECK-NEXT: ^bb0
// CHECK-NEXT: linalg.yield
func.func @dynamic(%u: tensor<?x?x4xf32>, %dt: tensor<?x?x4xf32>, %a: tensor<4x3xf32>, %b: tensor<?x?x3xf32>, %c: tensor<?x?x3xf32>, %h0: tensor<?x4x3xf32>) -> (tensor<?x?x4xf32>, tensor<?x4x3xf32>) {
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c initial_state(%h0)
    : (tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<4x3xf32>, tensor<?x?x3xf32>, tensor<?x?x3xf32>, tensor<?x4x3xf32>) -> (tensor<?x?x4xf32>, tensor<?x4x3xf32>)
  return %y, %h : tensor<?x?x4xf32>, tensor<?x4x3xf32>
}
