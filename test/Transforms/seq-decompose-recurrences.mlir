// RUN: seq-opt %s --seq-decompose-recurrences=chunk-steps=4 --split-input-file | FileCheck %s
// RUN: not seq-opt %s --seq-decompose-recurrences=chunk-steps=0 2>&1 | FileCheck %s --check-prefix=ZERO
// ZERO: chunk-steps must be at least 1, got 0

// Per chunk of 4 steps: the input projection of the chunk is one
// seq.linear; the scan's step does the recurrent product and one fused
// epilogue. Whole chunks run in an scf.for (static step count), the
// remaining T mod 4 steps after it.

// CHECK-LABEL: func.func @rnn
func.func @rnn(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>, %b: tensor<1x16xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>) {
  // CHECK-DAG: %[[W0:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0] [1, 8, 4] [1, 1, 1] : tensor<1x8x4xf32> to tensor<8x4xf32>
  // CHECK-DAG: %[[R0:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0] [1, 8, 8] [1, 1, 1] : tensor<1x8x8xf32> to tensor<8x8xf32>
  // CHECK: %[[BIAS:.+]] = arith.addf %{{.+}}, %{{.+}} : tensor<8xf32>
  // CHECK: %[[H0:.+]] = linalg.fill
  // CHECK: %[[LOOP:.+]]:2 = scf.for %[[C:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[HC:.+]] = %[[H0]], %[[Y:.+]] = %{{.+}})
  // CHECK:   %[[T0:.+]] = affine.apply #{{.+}}()[%[[C]]]
  // CHECK:   %[[XC:.+]] = tensor.extract_slice %{{.+}}[%[[T0]], 0, 0] [4, %{{.+}}, 4] [1, 1, 1] : tensor<?x?x4xf32> to tensor<4x?x4xf32>
  // CHECK:   %[[XW:.+]] = seq.linear %[[XC]], %[[W0]] bias(%[[BIAS]]) : (tensor<4x?x4xf32>, tensor<8x4xf32>, tensor<8xf32>) -> tensor<4x?x8xf32>
  // CHECK:   %[[SCAN:.+]]:2 = seq.scan step(%{{.+}}) carry(%[[H:.+]] = %[[HC]] : tensor<?x8xf32>) over(%[[XT:.+]] = %[[XW]] : tensor<4x?x8xf32>) outs(%{{.+}} : tensor<4x?x8xf32>) {
  // CHECK:     %[[HR:.+]] = seq.linear %[[H]], %[[R0]] : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
  // CHECK:     %[[G:.+]] = arith.addf %[[XT]], %[[HR]] : tensor<?x8xf32>
  // CHECK:     %[[N:.+]] = linalg.generic {{.+}} ins(%[[G]] : tensor<?x8xf32>)
  // CHECK:       math.tanh
  // CHECK:     seq.yield %[[N]], %[[N]]
  // CHECK:   %[[YC:.+]] = tensor.insert_slice %[[SCAN]]#1 into %[[Y]][%[[T0]], 0, 0, 0] [4, 1, %{{.+}}, 8] [1, 1, 1, 1] : tensor<4x?x8xf32> into tensor<?x1x?x8xf32>
  // CHECK:   scf.yield %[[SCAN]]#0, %[[YC]]
  // The remaining T mod 4 steps continue from the loop's state.
  // CHECK: %[[REST:.+]]:2 = seq.scan step(%{{.+}}) carry(%{{.+}} = %[[LOOP]]#0 : tensor<?x8xf32>) over(%{{.+}} : tensor<?x?x8xf32>)
  // CHECK: %[[YOUT:.+]] = tensor.insert_slice %[[REST]]#1 into %[[LOOP]]#1
  // CHECK: %[[HOUT:.+]] = tensor.insert_slice %[[REST]]#0 into %{{.+}}[0, 0, 0] [1, %{{.+}}, 8] [1, 1, 1] : tensor<?x8xf32> into tensor<1x?x8xf32>
  // CHECK: return %[[YOUT]], %[[HOUT]]
  %y, %h = seq.rnn %x, %w, %r bias(%b) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<1x16xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y, %h : tensor<?x1x?x8xf32>, tensor<1x?x8xf32>
}

// -----

// Bidirectional: the forward direction's chunks, then the reverse
// direction's from the last (the partial chunk at the end of the sequence
// first); sequence lengths mask the state update inside the epilogue, at
// the step's index in the whole sequence; batch-major chunks are transposed
// to time-major on the way in and back on the way out.
// CHECK-LABEL: func.func @rnn_bidirectional_lengths
func.func @rnn_bidirectional_lengths(%x: tensor<?x?x4xf32>, %w: tensor<2x8x4xf32>, %r: tensor<2x8x8xf32>, %len: tensor<?xi32>) -> tensor<?x?x2x8xf32> {
  // CHECK: scf.for %[[C:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args
  // CHECK:   %[[T0:.+]] = affine.apply #{{.+}}()[%[[C]]]
  // CHECK:   tensor.extract_slice %{{.+}}[0, %[[T0]], 0] [%{{.+}}, 4, 4] [1, 1, 1] : tensor<?x?x4xf32> to tensor<?x4x4xf32>
  // CHECK:   linalg.transpose ins(%{{.+}} : tensor<?x4x4xf32>) outs(%{{.+}} : tensor<4x?x4xf32>) permutation = [1, 0, 2]
  // CHECK:   seq.scan step(%[[T:.+]]) carry
  // CHECK:     %[[GT:.+]] = arith.addi %[[T0]], %[[T]] : index
  // CHECK:     %[[TL:.+]] = arith.index_cast %[[GT]] : index to i32
  // CHECK:     linalg.generic
  // CHECK:       %[[VALID:.+]] = arith.cmpi slt, %[[TL]], %{{.+}} : i32
  // CHECK:       arith.select %[[VALID]]
  // CHECK:   linalg.transpose ins(%{{.+}} : tensor<4x?x8xf32>) outs(%{{.+}} : tensor<?x4x8xf32>) permutation = [1, 0, 2]
  // CHECK:   tensor.insert_slice %{{.+}}[0, %[[T0]], 0, 0] [%{{.+}}, 4, 1, 8] [1, 1, 1, 1] : tensor<?x4x8xf32> into tensor<?x?x2x8xf32>
  // CHECK: seq.scan step
  // CHECK: tensor.insert_slice {{.+}}[0, %{{.+}}, 0, 0] [%{{.+}}, %{{.+}}, 1, 8]
  // CHECK: seq.scan reverse step
  // CHECK: tensor.insert_slice {{.+}}[0, %{{.+}}, 1, 0] [%{{.+}}, %{{.+}}, 1, 8]
  // CHECK: scf.for
  // CHECK:   seq.scan reverse step
  // CHECK:   tensor.insert_slice {{.+}}[0, %{{.+}}, 1, 0] [%{{.+}}, 4, 1, 8]
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
  // Only the final c is read: the steps' outputs are not yielded.
  // CHECK:   seq.yield %[[HN]], %[[CELL]]#0 :
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

// -----

// Stacked layers: an RNN whose whole y feeds a GRU runs in the GRU's chunk
// loop; the GRU's projection reads the chunk the RNN just produced, and the
// RNN's y is never stored.
// CHECK-LABEL: func.func @stacked
func.func @stacked(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>, %gw: tensor<1x15x8xf32>, %gr: tensor<1x15x5xf32>) -> (tensor<?x1x?x5xf32>, tensor<1x?x8xf32>) {
  // CHECK: scf.for
  // CHECK:   %[[XW:.+]] = seq.linear %{{.+}}, %{{.+}} : (tensor<4x?x4xf32>, tensor<8x4xf32>) -> tensor<4x?x8xf32>
  // CHECK:   %[[RNN:.+]]:2 = seq.scan step(%{{.+}}) carry(%{{.+}} : tensor<?x8xf32>) over(%{{.+}} = %[[XW]] : tensor<4x?x8xf32>) outs(%{{.+}} : tensor<4x?x8xf32>)
  // CHECK:   %[[GW:.+]] = seq.linear %[[RNN]]#1, %{{.+}} : (tensor<4x?x8xf32>, tensor<15x8xf32>) -> tensor<4x?x15xf32>
  // CHECK:   seq.scan step(%{{.+}}) carry(%{{.+}} : tensor<?x5xf32>) over(%{{.+}} = %[[GW]] : tensor<4x?x15xf32>) outs(%{{.+}} : tensor<4x?x5xf32>)
  // CHECK:   tensor.insert_slice
  // CHECK-NOT: tensor.insert_slice
  // CHECK:   scf.yield
  // CHECK-NOT: seq.rnn
  // CHECK-NOT: seq.gru
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %seq = tensor.collapse_shape %y [[0, 1], [2], [3]] : tensor<?x1x?x8xf32> into tensor<?x?x8xf32>
  %gy, %gh = seq.gru %seq, %gw, %gr {hidden_size = 5 : i64}
    : (tensor<?x?x8xf32>, tensor<1x15x8xf32>, tensor<1x15x5xf32>) -> (tensor<?x1x?x5xf32>, tensor<1x?x5xf32>)
  return %gy, %h : tensor<?x1x?x5xf32>, tensor<1x?x8xf32>
}

// -----

// A bidirectional layer cannot run chunk by chunk with its consumer: two
// separate chunk loops, the first storing its y.
// CHECK-LABEL: func.func @stacked_bidirectional
func.func @stacked_bidirectional(%x: tensor<?x?x4xf32>, %w: tensor<2x8x4xf32>, %r: tensor<2x8x8xf32>, %w2: tensor<1x8x16xf32>, %r2: tensor<1x8x8xf32>) -> tensor<?x1x?x8xf32> {
  // CHECK: seq.scan reverse
  // CHECK: %[[T:.+]] = linalg.transpose ins(%{{.+}} : tensor<?x2x?x8xf32>)
  // CHECK: %[[SEQ:.+]] = tensor.collapse_shape %[[T]]
  // CHECK: tensor.extract_slice %[[SEQ]]
  %y, %h = seq.rnn %x, %w, %r direction(bidirectional) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<2x8x4xf32>, tensor<2x8x8xf32>) -> (tensor<?x2x?x8xf32>, tensor<2x?x8xf32>)
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %steps = tensor.dim %y, %c0 : tensor<?x2x?x8xf32>
  %rows = tensor.dim %y, %c2 : tensor<?x2x?x8xf32>
  %e = tensor.empty(%steps, %rows) : tensor<?x?x2x8xf32>
  %t = linalg.transpose ins(%y : tensor<?x2x?x8xf32>) outs(%e : tensor<?x?x2x8xf32>) permutation = [0, 2, 1, 3]
  %seq = tensor.collapse_shape %t [[0], [1], [2, 3]] : tensor<?x?x2x8xf32> into tensor<?x?x16xf32>
  %y2, %h2 = seq.rnn %seq, %w2, %r2 {hidden_size = 8 : i64}
    : (tensor<?x?x16xf32>, tensor<1x8x16xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y2 : tensor<?x1x?x8xf32>
}

// -----

// last(lstm(x)): the last step of a forward recurrence's y is its final h,
// read from there; y is not stored (the scan has no outs) and the size
// check of `last` reads T from the input.
// CHECK-LABEL: func.func @last_step
func.func @last_step(%x: tensor<?x?x6xf32>, %w: tensor<1x40x6xf32>, %r: tensor<1x40x10xf32>) -> tensor<?x10xf32> {
  // CHECK: seq.scan step(%{{.+}}) carry(%{{.+}} : tensor<?x10xf32>, %{{.+}} : tensor<?x10xf32>) over(%{{.+}} : tensor<4x?x40xf32>) {
  // CHECK: seq.scan step(%{{.+}}) carry(%{{.+}} : tensor<?x10xf32>, %{{.+}} : tensor<?x10xf32>) over(%{{.+}} : tensor<?x?x40xf32>) {
  // CHECK: %[[H:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 0] [%{{.+}}, 1, 10] [1, 1, 1] : tensor<?x10xf32> into tensor<?x1x10xf32>
  // CHECK: %[[LAST:.+]] = tensor.extract_slice %[[H]][0, 0, 0] [%{{.+}}, 1, 10] [1, 1, 1] : tensor<?x1x10xf32> to tensor<?x10xf32>
  // CHECK: return %[[LAST]]
  %y, %h, %c = seq.lstm %x, %w, %r layout(batch_major) {hidden_size = 10 : i64}
    : (tensor<?x?x6xf32>, tensor<1x40x6xf32>, tensor<1x40x10xf32>) -> (tensor<?x?x1x10xf32>, tensor<?x1x10xf32>, tensor<?x1x10xf32>)
  %seq = tensor.collapse_shape %y [[0], [1], [2, 3]] : tensor<?x?x1x10xf32> into tensor<?x?x10xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %seq, %c0 : tensor<?x?x10xf32>
  %t = tensor.dim %seq, %c1 : tensor<?x?x10xf32>
  %ok = arith.cmpi sge, %t, %c1 : index
  %tv = arith.index_cast %t : index to i64
  seq.check %ok, shape "needs a step, has {}" found %tv
  %last = arith.subi %t, %c1 : index
  %slice = tensor.extract_slice %seq[0, %last, 0] [%b, 1, 10] [1, 1, 1] : tensor<?x?x10xf32> to tensor<?x10xf32>
  return %slice : tensor<?x10xf32>
}

// -----

// With sequence lengths, y's last step is zero for a shorter row while the
// final state is that of its last valid step: y is stored and sliced.
// CHECK-LABEL: func.func @last_step_with_lengths
func.func @last_step_with_lengths(%x: tensor<?x?x6xf32>, %w: tensor<1x40x6xf32>, %r: tensor<1x40x10xf32>, %len: tensor<?xi32>) -> tensor<?x10xf32> {
  // CHECK: outs(
  // CHECK: tensor.extract_slice %{{.+}}[0, %{{.+}}, 0] [%{{.+}}, 1, 10]
  %y, %h, %c = seq.lstm %x, %w, %r sequence_lens(%len) layout(batch_major) {hidden_size = 10 : i64}
    : (tensor<?x?x6xf32>, tensor<1x40x6xf32>, tensor<1x40x10xf32>, tensor<?xi32>) -> (tensor<?x?x1x10xf32>, tensor<?x1x10xf32>, tensor<?x1x10xf32>)
  %seq = tensor.collapse_shape %y [[0], [1], [2, 3]] : tensor<?x?x1x10xf32> into tensor<?x?x10xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %seq, %c0 : tensor<?x?x10xf32>
  %t = tensor.dim %seq, %c1 : tensor<?x?x10xf32>
  %last = arith.subi %t, %c1 : index
  %slice = tensor.extract_slice %seq[0, %last, 0] [%b, 1, 10] [1, 1, 1] : tensor<?x?x10xf32> to tensor<?x10xf32>
  return %slice : tensor<?x10xf32>
}

// -----

// Time-major, as the .seq front end writes last(gru(x)): the collapse
// merges T with the unit directions dimension; still the final state.
// CHECK-LABEL: func.func @last_step_time_major
func.func @last_step_time_major(%x: tensor<?x?x4xf32>, %w: tensor<1x24x4xf32>, %r: tensor<1x24x8xf32>) -> tensor<?x8xf32> {
  // CHECK: seq.scan step(%{{.+}}) carry(%{{.+}} : tensor<?x8xf32>) over(%{{.+}} : tensor<4x?x24xf32>) {
  // CHECK: %[[H:.+]] = tensor.insert_slice %{{.+}} into %{{.+}}[0, 0, 0] [1, %{{.+}}, 8] [1, 1, 1] : tensor<?x8xf32> into tensor<1x?x8xf32>
  // CHECK: %[[LAST:.+]] = tensor.extract_slice %[[H]][0, 0, 0] [1, %{{.+}}, 8] [1, 1, 1] : tensor<1x?x8xf32> to tensor<?x8xf32>
  // CHECK: return %[[LAST]]
  %y, %h = seq.gru %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x24x4xf32>, tensor<1x24x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %seq = tensor.collapse_shape %y [[0, 1], [2], [3]] : tensor<?x1x?x8xf32> into tensor<?x?x8xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tensor.dim %seq, %c0 : tensor<?x?x8xf32>
  %b = tensor.dim %seq, %c1 : tensor<?x?x8xf32>
  %last = arith.subi %t, %c1 : index
  %slice = tensor.extract_slice %seq[%last, 0, 0] [1, %b, 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x8xf32>
  return %slice : tensor<?x8xf32>
}
