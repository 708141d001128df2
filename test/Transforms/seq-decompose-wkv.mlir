// RUN: seq-opt %s --seq-decompose-wkv=chunk-steps=4 --split-input-file | FileCheck %s
// RUN: not seq-opt %s --seq-decompose-wkv=chunk-steps=0 2>&1 | FileCheck %s --check-prefix=ZERO

// ZERO: chunk-steps must be at least 1, got 0

// T = 6 in chunks of 4: one whole chunk in the loop, then 2 steps. Per
// chunk the keys and values are laid out time-major; the scan carries the
// kernels' rows aa, bb, pp ([B, C] each, zeros when no initial state is
// given) and runs one elementwise generic per step that writes them in
// place. A channel with bb = 0 has pp = -1e38 (no exponent).

// CHECK-LABEL: func.func @wkv
// CHECK-SAME: (%[[K:[a-z0-9]+]]: tensor<2x6x5xf32>, %[[V:[a-z0-9]+]]: tensor<2x6x5xf32>, %[[W:[a-z0-9]+]]: tensor<5xf32>, %[[U:[a-z0-9]+]]: tensor<5xf32>)
// CHECK-NOT: seq.check
// CHECK: %[[LOOP:.+]]:4 = scf.for {{.+}} -> (tensor<2x5xf32>, tensor<2x5xf32>, tensor<2x5xf32>, tensor<2x6x5xf32>)
// CHECK:   tensor.extract_slice %[[K]][0, %{{.+}}, 0] [2, 4, 5] [1, 1, 1]
// CHECK:   %[[KT:.+]] = linalg.transpose {{.+}} outs(%{{.+}} : tensor<4x2x5xf32>) permutation = [1, 0, 2]
// CHECK:   %[[VT:.+]] = linalg.transpose {{.+}} outs(%{{.+}} : tensor<4x2x5xf32>) permutation = [1, 0, 2]
// CHECK:   %[[SCAN:.+]]:4 = seq.scan step(%{{.+}}) carry(%[[AA:.+]] = %{{.+}} : tensor<2x5xf32>, %[[BB:.+]] = %{{.+}} : tensor<2x5xf32>, %[[PP:.+]] = %{{.+}} : tensor<2x5xf32>) over(%[[KS:.+]] = %[[KT]] : tensor<4x2x5xf32>, %[[VS:.+]] = %[[VT]] : tensor<4x2x5xf32>)
// CHECK:     linalg.generic {{.+}} ins(%[[KS]], %[[VS]], %[[W]], %[[U]] : {{.+}}) outs(%[[AA]], %[[BB]], %[[PP]], %{{.+}} : {{.+}})
// CHECK:       arith.cmpf oeq
// CHECK:       arith.select
// CHECK:       arith.maximumf
// CHECK:       math.exp
// CHECK:       arith.divf
// CHECK:       arith.maximumf
// CHECK:   tensor.insert_slice
// CHECK: seq.scan
// The rows stacked into the final state [B, 3, C].
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 0] [2, 1, 5]
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[0, 1, 0] [2, 1, 5]
// CHECK: tensor.insert_slice %{{.+}} into %{{.+}}[0, 2, 0] [2, 1, 5]
func.func @wkv(%k: tensor<2x6x5xf32>, %v: tensor<2x6x5xf32>, %w: tensor<5xf32>, %u: tensor<5xf32>) -> (tensor<2x6x5xf32>, tensor<2x3x5xf32>) {
  %y, %s = seq.wkv %k, %v, %w, %u : (tensor<2x6x5xf32>, tensor<2x6x5xf32>, tensor<5xf32>, tensor<5xf32>) -> (tensor<2x6x5xf32>, tensor<2x3x5xf32>)
  return %y, %s : tensor<2x6x5xf32>, tensor<2x3x5xf32>
}

// -----

// Dynamic extents the key does not prove equal are checked at run time; a
// given initial state is split into its rows.
// CHECK-LABEL: func.func @checked
// CHECK: seq.check %{{.+}}, shape "seq.wkv at {{.+}}: 'value' dimension 1 is {}, but 'key' makes it a different size"
// CHECK: seq.check %{{.+}}, shape "seq.wkv at {{.+}}: 'decay' dimension 0 is {}, but 'key' makes it 5"
// CHECK: seq.check %{{.+}}, shape "seq.wkv at {{.+}}: 'initial_state' dimension 0 is {}, but 'key' makes it a different size"
// CHECK: tensor.extract_slice %{{.+}}[0, 0, 0] [%{{.+}}, 1, 5] [1, 1, 1] : tensor<?x3x5xf32> to tensor<?x5xf32>
// CHECK: tensor.extract_slice %{{.+}}[0, 1, 0]
// CHECK: tensor.extract_slice %{{.+}}[0, 2, 0]
func.func @checked(%k: tensor<?x?x5xf32>, %v: tensor<?x?x5xf32>, %w: tensor<?xf32>, %u: tensor<5xf32>, %s0: tensor<?x3x5xf32>) -> tensor<?x?x5xf32> {
  %y, %s = seq.wkv %k, %v, %w, %u initial_state(%s0) : (tensor<?x?x5xf32>, tensor<?x?x5xf32>, tensor<?xf32>, tensor<5xf32>, tensor<?x3x5xf32>) -> (tensor<?x?x5xf32>, tensor<?x3x5xf32>)
  return %y : tensor<?x?x5xf32>
}
