// RUN: seq-opt %s --seq-create-step-function --split-input-file --verify-diagnostics | FileCheck %s

// An LSTM and a causal convolution: two recurrent states (h, c) and the
// convolution's history become state arguments and results; the input that
// only fed initial_h is dropped.

// CHECK-LABEL: func.func @m_step(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x?x4xf32> {seq.dims = ["T", "B", ""], seq.name = "x"}
// CHECK-SAME: %[[CX:[a-z0-9]+]]: tensor<?x8x?xf32> {seq.dims = ["B", "", ""]}
// CHECK-SAME: %[[S0:[a-z0-9]+]]: tensor<1x?x8xf32> {seq.dims = ["", "B", ""], seq.name = "state0", seq.state}
// CHECK-SAME: %[[S1:[a-z0-9]+]]: tensor<1x?x8xf32> {seq.dims = ["", "B", ""], seq.name = "state1", seq.state}
// CHECK-SAME: %[[S2:[a-z0-9]+]]: tensor<?x8x4xf32> {seq.dims = ["B", "", ""], seq.name = "state2", seq.state}
// CHECK-SAME: -> (tensor<?x1x?x8xf32>, tensor<?x8x?xf32>, tensor<1x?x8xf32> {seq.dims = ["", "B", ""], seq.name = "state0", seq.state}, tensor<1x?x8xf32> {{.+}}, tensor<?x8x4xf32> {{.+}})
// CHECK: %[[Y:.+]], %[[H:.+]], %[[C:.+]] = seq.lstm %[[X]], %{{.+}}, %{{.+}} initial_h(%[[S0]]) initial_c(%[[S1]])
// CHECK: %[[JOIN:.+]] = tensor.concat dim(2) %[[S2]], %[[CX]]
// CHECK: %[[NEXT:.+]] = tensor.extract_slice %[[JOIN]][0, 0, %{{.+}}] [%{{.+}}, 8, 4] [1, 1, 1]
// CHECK: %[[Z:.+]] = seq.conv1d %[[JOIN]], %{{.+}} {dilation = 2 : i64}
// CHECK: return %{{.+}}, %[[Z]], %[[H]], %[[C]], %[[NEXT]]
func.func @m(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]}, %h0: tensor<1x?x8xf32>, %cx: tensor<?x8x?xf32>) -> (tensor<?x1x?x8xf32>, tensor<?x8x?xf32>) {
  %w = arith.constant dense<0.5> : tensor<1x32x4xf32>
  %r = arith.constant dense<0.25> : tensor<1x32x8xf32>
  %cw = arith.constant dense<1.0> : tensor<8x8x3xf32>
  %y, %h, %c = seq.lstm %x, %w, %r initial_h(%h0) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x32x4xf32>, tensor<1x32x8xf32>, tensor<1x?x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>)
  %a = seq.activation <relu> %y : tensor<?x1x?x8xf32>
  %z = seq.conv1d %cx, %cw {dilation = 2 : i64, causal} : (tensor<?x8x?xf32>, tensor<8x8x3xf32>) -> tensor<?x8x?xf32>
  return %a, %z : tensor<?x1x?x8xf32>, tensor<?x8x?xf32>
}

// -----

// expected-error @+1 {{the model cannot be streamed: 'seq.rnn' at}}
func.func @bidirectional(%x: tensor<?x?x4xf32>, %w: tensor<2x8x4xf32>, %r: tensor<2x8x8xf32>) -> tensor<?x2x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r direction(bidirectional) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<2x8x4xf32>, tensor<2x8x8xf32>) -> (tensor<?x2x?x8xf32>, tensor<2x?x8xf32>)
  return %y : tensor<?x2x?x8xf32>
}

// -----

// expected-error @+1 {{a non-causal convolution reads future steps}}
func.func @noncausal(%x: tensor<?x8x?xf32>, %w: tensor<8x8x3xf32>) -> tensor<?x8x?xf32> {
  %z = seq.conv1d %x, %w : (tensor<?x8x?xf32>, tensor<8x8x3xf32>) -> tensor<?x8x?xf32>
  return %z : tensor<?x8x?xf32>
}

// -----

// expected-error @+1 {{a strided convolution does not produce one output per input step}}
func.func @strided(%x: tensor<?x8x?xf32>, %w: tensor<8x8x3xf32>) -> tensor<?x8x?xf32> {
  %z = seq.conv1d %x, %w {causal, stride = 2 : i64} : (tensor<?x8x?xf32>, tensor<8x8x3xf32>) -> tensor<?x8x?xf32>
  return %z : tensor<?x8x?xf32>
}

// -----

// expected-error @+1 {{sequence_lens masks whole sequences; a stream has no known length}}
func.func @lengths(%x: tensor<?x?x4xf32>, %w: tensor<1x24x4xf32>, %r: tensor<1x24x8xf32>, %len: tensor<?xi32>) -> tensor<1x?x8xf32> {
  %y, %h = seq.gru %x, %w, %r sequence_lens(%len) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x24x4xf32>, tensor<1x24x8xf32>, tensor<?xi32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %h : tensor<1x?x8xf32>
}

// -----

// expected-error @+1 {{streaming attention needs a key/value cache, which seqc does not generate yet}}
func.func @attention(%q: tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32> {
  %o = seq.attention %q, %q, %q causal(top_left) : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

// -----

// expected-error @+1 {{normalizing over more than the feature dimension mixes time steps}}
func.func @norm(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x1x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %n = seq.layer_norm %y {axis = 0 : i64} : (tensor<?x1x?x8xf32>) -> tensor<?x1x?x8xf32>
  return %n : tensor<?x1x?x8xf32>
}

// -----

// expected-error @+1 {{the model carries no state between time steps}}
func.func @stateless(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = seq.activation <relu> %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{not known to act on each time step independently}}
func.func @unknown(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<1x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %c0 = arith.constant 0 : index
  %last = tensor.extract_slice %y[0, 0, 0, 0] [1, 1, 2, 8] [1, 1, 1, 1] : tensor<?x1x?x8xf32> to tensor<1x2x8xf32>
  return %h : tensor<1x?x8xf32>
}

// -----

// Dropping the unit direction dimension of a recurrence's output is per step.
// CHECK-LABEL: func.func @unit_reshape_step(
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2], [3]]
func.func @unit_reshape(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %c = tensor.collapse_shape %y [[0, 1], [2], [3]] : tensor<?x1x?x8xf32> into tensor<?x?x8xf32>
  return %c : tensor<?x?x8xf32>
}

// -----

// expected-error @+1 {{a reshape that merges or splits dimensions of size other than 1 may mix time steps}}
func.func @merging_reshape(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %c = tensor.collapse_shape %y [[0, 1, 2], [3]] : tensor<?x1x?x8xf32> into tensor<?x8xf32>
  return %c : tensor<?x8xf32>
}
