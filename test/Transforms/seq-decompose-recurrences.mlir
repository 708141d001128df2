// RUN: seq-opt %s --seq-decompose-recurrences --split-input-file | FileCheck %s

// The input projection of all steps is one seq.linear outside the scan; the
// step does the recurrent product and one fused epilogue.

// CHECK-LABEL: func.func @rnn
func.func @rnn(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>, %b: tensor<1x16xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>) {
  // CHECK-DAG: %[[W0:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0] [1, 8, 4] [1, 1, 1] : tensor<1x8x4xf32> to tensor<8x4xf32>
  // CHECK-DAG: %[[R0:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0] [1, 8, 8] [1, 1, 1] : tensor<1x8x8xf32> to tensor<8x8xf32>
  // CHECK: %[[BIAS:.+]] = arith.addf %{{.+}}, %{{.+}} : tensor<8xf32>
  // CHECK: %[[XW:.+]] = seq.linear %{{.+}}, %[[W0]] bias(%[[BIAS]]) : (tensor<?x?x4xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<?x?x8xf32>
  // CHECK: %[[H0:.+]] = linalg.fill
  // CHECK: %[[SCAN:.+]]:2 = seq.scan step(%{{.+}}) carry(%[[H:.+]] = %[[H0]] : tensor<?x8xf32>) over(%[[XT:.+]] = %[[XW]] : tensor<?x?x8xf32>) outs(%{{.+}} : tensor<?x?x8xf32>) {
  // CHECK:   %[[HR:.+]] = seq.linear %[[H]], %[[R0]] : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  // CHECK:   %[[G:.+]] = arith.addf %[[XT]], %[[HR]] : tensor<?x8xf32>
  // CHECK:   %[[N:.+]] = linalg.generic {{.+}} ins(%[[G]] : tensor<?x8xf32>)
  // CHECK:     math.tanh
  // CHECK:   seq.yield %[[N]], %[[N]]
  // CHECK: tensor.insert_slice %[[SCAN]]#1 into %{{.+}}[0, 0, 0, 0] [%{{.+}}, 1, %{{.+}}, 8] [1, 1, 1, 1] : tensor<?x?x8xf32> into tensor<?x1x?x8xf32>
  // CHECK: tensor.insert_slice %[[SCAN]]#0 into %{{.+}}[0, 0, 0] [1, %{{.+}}, 8] [1, 1, 1] : tensor<?x8xf32> into tensor<1x?x8xf32>
  %y, %h = seq.rnn %x, %w, %r bias(%b) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<1x16xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y, %h : tensor<?x1x?x8xf32>, tensor<1x?x8xf32>
}

// -----

// Bidirectional: one forward and one reverse scan; sequence lengths mask the
// state update inside the epilogue; batch-major inputs are transposed once.
// CHECK-LABEL: func.func @rnn_bidirectional_lengths
func.func @rnn_bidirectional_lengths(%x: tensor<?x?x4xf32>, %w: tensor<2x8x4xf32>, %r: tensor<2x8x8xf32>, %len: tensor<?xi32>) -> tensor<?x?x2x8xf32> {
  // CHECK: linalg.transpose ins(%{{.+}} : tensor<?x?x4xf32>) outs(%{{.+}} : tensor<?x?x4xf32>) permutation = [1, 0, 2]
  // CHECK: seq.scan step(%[[T:.+]]) carry
  // CHECK:   %[[TL:.+]] = arith.index_cast %[[T]] : index to i32
  // CHECK:   linalg.generic
  // CHECK:     %[[VALID:.+]] = arith.cmpi slt, %[[TL]], %{{.+}} : i32
  // CHECK:     arith.select %[[VALID]]
  // CHECK: seq.scan reverse step
  %y, %h = seq.rnn %x, %w, %r sequence_lens(%len) direction(bidirectional) layout(batch_major) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<2x8x4xf32>, tensor<2x8x8xf32>, tensor<?xi32>) -> (tensor<?x?x2x8xf32>, tensor<?x2x8xf32>)
  return %y : tensor<?x?x2x8xf32>
}

// -----

// LSTM: gates sliced i, o, f, c from one product; peepholes broadcast per
// column; the projection is a second product inside the step. The cell
// epilogue writes the new c into the carried c (its destination).
// CHECK-LABEL: func.func @lstm
func.func @lstm(%x: tensor<?x?x4xf32>, %w: tensor<1x32x4xf32>, %r: tensor<1x32x6xf32>, %p: tensor<1x24xf32>, %proj: tensor<1x6x8xf32>) -> tensor<1x?x8xf32> {
  // CHECK: seq.scan step(%{{.+}}) carry(%[[H:.+]] = %{{.+}} : tensor<?x6xf32>, %[[C:.+]] = %{{.+}} : tensor<?x8xf32>)
  // CHECK:   seq.linear %[[H]], %{{.+}} : (tensor<?x6xf32>, tensor<32x6xf32>) -> tensor<?x32xf32>
  // CHECK-COUNT-4: tensor.extract_slice %{{.+}}[0, {{0|8|16|24}}] [%{{.+}}, 8] [1, 1]
  // CHECK:   %[[CELL:.+]]:2 = linalg.generic {indexing_maps = [#{{.+}}, #{{.+}}, #{{.+}}, #{{.+}}, #{{.+}}, #[[COL:.+]], #[[COL]], #[[COL]], #{{.+}}, #{{.+}}]
  // CHECK-SAME: outs(%[[C]], %{{.+}} : tensor<?x8xf32>, tensor<?x8xf32>)
  // CHECK:   %[[HP:.+]] = seq.linear %[[CELL]]#1, %{{.+}} : (tensor<?x8xf32>, tensor<6x8xf32>) -> tensor<?x6xf32>
  // The projected state goes into the carried one (updated in place).
  // CHECK:   %[[HN:.+]] = bufferization.materialize_in_destination %[[HP]] in %[[H]]
  // CHECK:   seq.yield %[[HN]], %[[CELL]]#0, %[[HN]]
  %y, %h, %c = seq.lstm %x, %w, %r peepholes(%p) projection(%proj) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x32x4xf32>, tensor<1x32x6xf32>, tensor<1x24xf32>, tensor<1x6x8xf32>) -> (tensor<?x1x?x6xf32>, tensor<1x?x6xf32>, tensor<1x?x8xf32>)
  return %c : tensor<1x?x8xf32>
}

// -----

// GRU with linear_before_reset = false: z and r first, then (r*h) R_h^T.
// CHECK-LABEL: func.func @gru
func.func @gru(%x: tensor<?x?x4xf32>, %w: tensor<1x24x4xf32>, %r: tensor<1x24x8xf32>) -> tensor<1x?x8xf32> {
  // CHECK: seq.scan
  // CHECK:   seq.linear %{{.+}}, %{{.+}} : (tensor<?x8xf32>, tensor<16x8xf32>) -> tensor<?x16xf32>
  // CHECK:   %[[ZR:.+]]:2 = linalg.generic
  // CHECK:   seq.linear %[[ZR]]#1, %{{.+}} : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  // CHECK:   linalg.generic
  %y, %h = seq.gru %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x24x4xf32>, tensor<1x24x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %h : tensor<1x?x8xf32>
}
