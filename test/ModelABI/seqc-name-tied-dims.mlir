// RUN: seq-opt %s --split-input-file --seqc-select-model-entry --seqc-name-tied-dims --verify-diagnostics | FileCheck %s

// The RNN ties the batch of x to that of initial_h and of both results, and
// the length of x to that of y: unnamed groups get d0, d1.
// CHECK-LABEL: func.func @m(
// CHECK-SAME: %{{.+}}: tensor<?x?x4xf32> {seq.dims = ["d0", "d1", ""]}
// CHECK-SAME: %{{.+}}: tensor<1x?x8xf32> {seq.dims = ["", "d1", ""]}
// CHECK-SAME: -> (tensor<?x1x?x8xf32> {seq.dims = ["d0", "", "d1", ""]}, tensor<1x?x8xf32> {seq.dims = ["", "d1", ""]})
func.func @m(%x: tensor<?x?x4xf32>, %h0: tensor<1x?x8xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>) {
  %y, %h = seq.rnn %x, %w, %r initial_h(%h0) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<1x?x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y, %h : tensor<?x1x?x8xf32>, tensor<1x?x8xf32>
}

// -----

// A name the user gave spreads to its equals; an input returned as it is
// ties to its output (d0).
// CHECK-LABEL: func.func @named(
// CHECK-SAME: {seq.dims = ["T", "B", ""]}
// CHECK-SAME: %{{.+}}: tensor<1x?x8xf32> {seq.dims = ["", "B", ""]}
// CHECK-SAME: %{{.+}}: tensor<?xf32> {seq.dims = ["d0"]})
// CHECK-SAME: -> (tensor<?x1x?x8xf32> {seq.dims = ["T", "", "B", ""]}, tensor<?xf32> {seq.dims = ["d0"]})
func.func @named(%x: tensor<?x?x4xf32> {seq.dims = ["T", "B", ""]}, %h0: tensor<1x?x8xf32>, %z: tensor<?xf32>) -> (tensor<?x1x?x8xf32>, tensor<?xf32>) {
  %w = arith.constant dense<0.5> : tensor<1x8x4xf32>
  %r = arith.constant dense<0.25> : tensor<1x8x8xf32>
  %y, %h = seq.rnn %x, %w, %r initial_h(%h0) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<1x?x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y, %z : tensor<?x1x?x8xf32>, tensor<?xf32>
}

// -----

// Two user names the model requires to be equal.
// expected-error @+1 {{input #0 dimension 1 is named 'B' and input #1 dimension 1 is named 'N', but the model requires them to be equal}}
func.func @clash(%x: tensor<?x?x4xf32> {seq.dims = ["T", "B", ""]}, %h0: tensor<1x?x8xf32> {seq.dims = ["", "N", ""]}) -> tensor<?x1x?x8xf32> {
  %w = arith.constant dense<0.5> : tensor<1x8x4xf32>
  %r = arith.constant dense<0.25> : tensor<1x8x8xf32>
  %y, %h = seq.rnn %x, %w, %r initial_h(%h0) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<1x?x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y : tensor<?x1x?x8xf32>
}
