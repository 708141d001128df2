// RUN: seq-opt %s --split-input-file --seqc-select-model-entry --seqc-name-tied-dims --verify-diagnostics | FileCheck %s

// The RNN ties the batch of x to that of initial_h and of both results, and
// the length of x to that of y: unnamed groups get d0, d1.
// CHECK-LABEL: func.func @m(
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?x?x4xf32> {seq.dims = ["d0", "d1", ""]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<1x?x8xf32> {seq.dims = ["", "d1", ""]}
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
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<1x?x8xf32> {seq.dims = ["", "B", ""]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?xf32> {seq.dims = ["d0"]})
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

// -----

// Each seq op states its rule (DimensionTiesOpInterface): WKV ties batch
// and time of key, value and result and the batch of its state; a causal
// convolution of stride 1 keeps the length; attention ties the key length
// of key, value and mask.
// CHECK-LABEL: func.func @ops(
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?x?x16xf32> {seq.dims = ["d0", "d1", ""]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?x?x16xf32> {seq.dims = ["d0", "d1", ""]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?x3x16xf32> {seq.dims = ["d0", "", ""]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?x8x?xf32> {seq.dims = ["d2", "", "d3"]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<1x2x?x4xf32> {seq.dims = ["", "", "d4", ""]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<1x2x?x4xf32> {seq.dims = ["", "", "d5", ""]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<1x2x?x4xf32> {seq.dims = ["", "", "d5", ""]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?x?xi1> {seq.dims = ["d4", "d5"]}
// CHECK-SAME: -> (tensor<?x?x16xf32> {seq.dims = ["d0", "d1", ""]}, tensor<?x8x?xf32> {seq.dims = ["d2", "", "d3"]}, tensor<1x2x?x4xf32> {seq.dims = ["", "", "d4", ""]})
func.func @ops(%k: tensor<?x?x16xf32>, %v: tensor<?x?x16xf32>, %s: tensor<?x3x16xf32>,
               %x: tensor<?x8x?xf32>,
               %q: tensor<1x2x?x4xf32>, %ak: tensor<1x2x?x4xf32>, %av: tensor<1x2x?x4xf32>, %mask: tensor<?x?xi1>)
    -> (tensor<?x?x16xf32>, tensor<?x8x?xf32>, tensor<1x2x?x4xf32>) {
  %w = arith.constant dense<0.5> : tensor<16xf32>
  %u = arith.constant dense<0.25> : tensor<16xf32>
  %y, %s2 = seq.wkv %k, %v, %w, %u initial_state(%s)
    : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<?x3x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x3x16xf32>)
  %cw = arith.constant dense<1.0> : tensor<8x8x3xf32>
  %z = seq.conv1d %x, %cw {causal} : (tensor<?x8x?xf32>, tensor<8x8x3xf32>) -> tensor<?x8x?xf32>
  %o = seq.attention %q, %ak, %av mask(%mask) : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<?x?xi1>) -> tensor<1x2x?x4xf32>
  return %y, %z, %o : tensor<?x?x16xf32>, tensor<?x8x?xf32>, tensor<1x2x?x4xf32>
}

// -----

// Every sequence a scan steps over has as many steps as the first.
// expected-error @+1 {{input #0 dimension 0 is named 'T' and input #1 dimension 0 is named 'S', but the model requires them to be equal}}
func.func @scan_steps(%x: tensor<?x4xf32> {seq.dims = ["T", ""]}, %u: tensor<?x4xf32> {seq.dims = ["S", ""]}) -> tensor<4xf32> {
  %h0 = arith.constant dense<0.0> : tensor<4xf32>
  %h = seq.scan step(%i) carry(%h_prev = %h0 : tensor<4xf32>)
      over(%a = %x : tensor<?x4xf32>, %b = %u : tensor<?x4xf32>) {
    %s = arith.addf %a, %b : tensor<4xf32>
    %n = arith.addf %h_prev, %s : tensor<4xf32>
    seq.yield %n : tensor<4xf32>
  }
  return %h : tensor<4xf32>
}
