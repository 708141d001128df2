// RUN: seq-opt %s | seq-opt | FileCheck %s
// RUN: seq-opt %s --mlir-print-op-generic | seq-opt | FileCheck %s
// RUN: seq-opt %s -emit-bytecode | seq-opt | FileCheck %s

// Every seq op in every form round-trips through the custom, the generic and
// the bytecode form.

// CHECK-LABEL: func.func @rnn_minimal
func.func @rnn_minimal(%x: tensor<5x2x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<5x1x2x8xf32> {
  // CHECK: %[[Y:.+]], %{{.+}} = seq.rnn %{{.+}}, %{{.+}}, %{{.+}} {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<5x2x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  return %y : tensor<5x1x2x8xf32>
}

// CHECK-LABEL: func.func @rnn_every_option
func.func @rnn_every_option(%x: tensor<?x?x4xf32>, %w: tensor<2x8x4xf32>, %r: tensor<2x8x8xf32>, %b: tensor<2x16xf32>, %h0: tensor<2x?x8xf32>, %len: tensor<?xi32>) -> tensor<2x?x8xf32> {
  // CHECK: seq.rnn %{{.+}}, %{{.+}}, %{{.+}} bias(%{{.+}}) initial_h(%{{.+}}) sequence_lens(%{{.+}}) direction(bidirectional)
  // CHECK-SAME: activations = [#seq.act<relu>, #seq.act<leaky_relu, alpha = 1.000000e-01>]
  // CHECK-SAME: clip = 3.000000e+00 : f32
  %y, %h = seq.rnn %x, %w, %r bias(%b) initial_h(%h0) sequence_lens(%len) direction(bidirectional)
    {hidden_size = 8 : i64, activations = [#seq.act<relu>, #seq.act<leaky_relu, alpha = 0.1>], clip = 3.0 : f32}
    : (tensor<?x?x4xf32>, tensor<2x8x4xf32>, tensor<2x8x8xf32>, tensor<2x16xf32>, tensor<2x?x8xf32>, tensor<?xi32>) -> (tensor<?x2x?x8xf32>, tensor<2x?x8xf32>)
  return %h : tensor<2x?x8xf32>
}

// CHECK-LABEL: func.func @rnn_batch_major_reverse
func.func @rnn_batch_major_reverse(%x: tensor<3x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>, %h0: tensor<3x1x8xf32>) -> tensor<3x?x1x8xf32> {
  // CHECK: seq.rnn {{.+}} initial_h(%{{.+}}) direction(reverse) layout(batch_major) {activations = [#seq.act<sigmoid>], hidden_size = 8 : i64}
  %y, %h = seq.rnn %x, %w, %r initial_h(%h0) direction(reverse) layout(batch_major) {hidden_size = 8 : i64, activations = [#seq.act<sigmoid>]}
    : (tensor<3x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<3x1x8xf32>) -> (tensor<3x?x1x8xf32>, tensor<3x1x8xf32>)
  return %y : tensor<3x?x1x8xf32>
}

// CHECK-LABEL: func.func @lstm_minimal
func.func @lstm_minimal(%x: tensor<?x?x4xf32>, %w: tensor<1x32x4xf32>, %r: tensor<1x32x8xf32>) -> tensor<1x?x8xf32> {
  // CHECK: seq.lstm %{{.+}}, %{{.+}}, %{{.+}} {hidden_size = 8 : i64}
  %y, %h, %c = seq.lstm %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x32x4xf32>, tensor<1x32x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>)
  return %c : tensor<1x?x8xf32>
}

// CHECK-LABEL: func.func @lstm_every_option
func.func @lstm_every_option(%x: tensor<?x?x4xf32>, %w: tensor<2x32x4xf32>, %r: tensor<2x32x6xf32>, %b: tensor<2x64xf32>,
                             %h0: tensor<2x?x6xf32>, %c0: tensor<2x?x8xf32>, %p: tensor<2x24xf32>, %proj: tensor<2x6x8xf32>,
                             %len: tensor<?xi64>) -> tensor<?x2x?x6xf32> {
  // CHECK: seq.lstm {{.+}} bias(%{{.+}}) initial_h(%{{.+}}) initial_c(%{{.+}}) peepholes(%{{.+}}) projection(%{{.+}}) sequence_lens(%{{.+}}) direction(bidirectional)
  // CHECK-SAME: #seq.act<hard_sigmoid, alpha = 2.000000e-01, beta = 5.000000e-01>
  // CHECK-SAME: #seq.act<scaled_tanh, alpha = 2.000000e+00, beta = 1.000000e+00>
  // CHECK-SAME: input_forget
  %y, %h, %c = seq.lstm %x, %w, %r bias(%b) initial_h(%h0) initial_c(%c0) peepholes(%p) projection(%proj) sequence_lens(%len) direction(bidirectional)
    {hidden_size = 8 : i64, clip = 5.0 : f32, input_forget,
     activations = [#seq.act<hard_sigmoid>, #seq.act<tanh>, #seq.act<tanh>,
                    #seq.act<sigmoid>, #seq.act<scaled_tanh, alpha = 2.0>, #seq.act<softsign>]}
    : (tensor<?x?x4xf32>, tensor<2x32x4xf32>, tensor<2x32x6xf32>, tensor<2x64xf32>, tensor<2x?x6xf32>, tensor<2x?x8xf32>, tensor<2x24xf32>, tensor<2x6x8xf32>, tensor<?xi64>)
    -> (tensor<?x2x?x6xf32>, tensor<2x?x6xf32>, tensor<2x?x8xf32>)
  return %y : tensor<?x2x?x6xf32>
}

// CHECK-LABEL: func.func @lstm_batch_major
func.func @lstm_batch_major(%x: tensor<?x?x4xf64>, %w: tensor<1x32x4xf64>, %r: tensor<1x32x8xf64>, %c0: tensor<?x1x8xf64>) -> tensor<?x?x1x8xf64> {
  // CHECK: seq.lstm {{.+}} initial_c(%{{.+}}) layout(batch_major)
  %y, %h, %c = seq.lstm %x, %w, %r initial_c(%c0) layout(batch_major) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf64>, tensor<1x32x4xf64>, tensor<1x32x8xf64>, tensor<?x1x8xf64>) -> (tensor<?x?x1x8xf64>, tensor<?x1x8xf64>, tensor<?x1x8xf64>)
  return %y : tensor<?x?x1x8xf64>
}

// CHECK-LABEL: func.func @gru
func.func @gru(%x: tensor<?x?x4xf32>, %w: tensor<2x24x4xf32>, %r: tensor<2x24x8xf32>, %b: tensor<2x48xf32>, %len: tensor<?xi32>) -> tensor<2x?x8xf32> {
  // CHECK: seq.gru {{.+}} bias(%{{.+}}) sequence_lens(%{{.+}}) direction(bidirectional) {hidden_size = 8 : i64, linear_before_reset}
  %y, %h = seq.gru %x, %w, %r bias(%b) sequence_lens(%len) direction(bidirectional) {hidden_size = 8 : i64, linear_before_reset}
    : (tensor<?x?x4xf32>, tensor<2x24x4xf32>, tensor<2x24x8xf32>, tensor<2x48xf32>, tensor<?xi32>) -> (tensor<?x2x?x8xf32>, tensor<2x?x8xf32>)
  // CHECK: seq.gru {{.+}} direction(bidirectional) {activations = [#seq.act<elu, alpha = 1.000000e+00>, #seq.act<affine, alpha = 5.000000e-01, beta = 1.000000e+00>, #seq.act<thresholded_relu, alpha = 1.000000e+00>, #seq.act<softplus>], clip = 1.000000e+01 : f32, hidden_size = 8 : i64}
  %y2, %h2 = seq.gru %x, %w, %r direction(bidirectional) {hidden_size = 8 : i64, clip = 10.0 : f32,
      activations = [#seq.act<elu>, #seq.act<affine, alpha = 0.5, beta = 1.0>, #seq.act<thresholded_relu>, #seq.act<softplus>]}
    : (tensor<?x?x4xf32>, tensor<2x24x4xf32>, tensor<2x24x8xf32>) -> (tensor<?x2x?x8xf32>, tensor<2x?x8xf32>)
  return %h : tensor<2x?x8xf32>
}

// CHECK-LABEL: func.func @scan
func.func @scan(%h0: tensor<2x8xf32>, %c0: tensor<2x8xf32>, %xs: tensor<?x2x8xf32>, %gs: tensor<?x2x8xf32>, %init: tensor<?x2x8xf32>) -> (tensor<2x8xf32>, tensor<?x2x8xf32>) {
  // CHECK: %{{.+}}:3 = seq.scan reverse step(%[[T:.+]]) carry(%[[H:.+]] = %{{.+}} : tensor<2x8xf32>, %[[C:.+]] = %{{.+}} : tensor<2x8xf32>) over(%[[X:.+]] = %{{.+}} : tensor<?x2x8xf32>, %[[G:.+]] = %{{.+}} : tensor<?x2x8xf32>) outs(%{{.+}} : tensor<?x2x8xf32>) {
  // CHECK: seq.yield
  %h, %c, %ys = seq.scan reverse step(%t) carry(%hp = %h0 : tensor<2x8xf32>, %cp = %c0 : tensor<2x8xf32>)
      over(%x = %xs : tensor<?x2x8xf32>, %g = %gs : tensor<?x2x8xf32>) outs(%init : tensor<?x2x8xf32>) {
    %s = arith.addf %hp, %x : tensor<2x8xf32>
    %m = arith.mulf %s, %g : tensor<2x8xf32>
    %c1 = arith.addf %cp, %m : tensor<2x8xf32>
    %n = math.tanh %c1 : tensor<2x8xf32>
    seq.yield %n, %c1, %n : tensor<2x8xf32>, tensor<2x8xf32>, tensor<2x8xf32>
  }
  return %h, %ys : tensor<2x8xf32>, tensor<?x2x8xf32>
}

// A scan without state is a per-step map; one with no outputs only folds.
// CHECK-LABEL: func.func @scan_forms
func.func @scan_forms(%h0: tensor<4xf32>, %xs: tensor<7x4xf32>) -> (tensor<7x4xf32>, tensor<4xf32>) {
  %init = tensor.empty() : tensor<7x4xf32>
  // CHECK: seq.scan step(%{{.+}}) over(%{{.+}} = %{{.+}} : tensor<7x4xf32>) outs(%{{.+}} : tensor<7x4xf32>) {
  %ys = seq.scan step(%t) over(%x = %xs : tensor<7x4xf32>) outs(%init : tensor<7x4xf32>) {
    %e = math.exp %x : tensor<4xf32>
    seq.yield %e : tensor<4xf32>
  }
  // CHECK: seq.scan step(%{{.+}}) carry(%{{.+}} = %{{.+}} : tensor<4xf32>) over(%{{.+}} = %{{.+}} : tensor<7x4xf32>) {
  %sum = seq.scan step(%t) carry(%acc = %h0 : tensor<4xf32>) over(%x = %xs : tensor<7x4xf32>) {
    %a = arith.addf %acc, %x : tensor<4xf32>
    seq.yield %a : tensor<4xf32>
  }
  return %ys, %sum : tensor<7x4xf32>, tensor<4xf32>
}

// CHECK-LABEL: func.func @attention
func.func @attention(%q: tensor<?x8x?x64xf32>, %k: tensor<?x8x?x64xf32>, %v: tensor<?x8x?x32xf32>,
                     %k2: tensor<?x2x?x64xf32>, %v2: tensor<?x2x?x32xf32>,
                     %k1: tensor<?x1x?x64xf32>, %v1: tensor<?x1x?x32xf32>,
                     %fmask: tensor<?x?xf32>, %bmask: tensor<?x1x?x?xi1>,
                     %table: tensor<8x33xf32>) -> tensor<?x8x?x32xf32> {
  // CHECK: seq.attention %{{.+}}, %{{.+}}, %{{.+}} : (tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x32xf32>) -> tensor<?x8x?x32xf32>
  %mha = seq.attention %q, %k, %v : (tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x32xf32>) -> tensor<?x8x?x32xf32>
  // CHECK: seq.attention {{.+}} mask(%{{.+}}) {scale = 1.250000e-01 : f32}
  %gqa = seq.attention %q, %k2, %v2 mask(%fmask) {scale = 0.125 : f32}
    : (tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x32xf32>, tensor<?x?xf32>) -> tensor<?x8x?x32xf32>
  // CHECK: seq.attention {{.+}} mask(%{{.+}}) causal(top_left)
  %mqa = seq.attention %q, %k1, %v1 mask(%bmask) causal(top_left)
    : (tensor<?x8x?x64xf32>, tensor<?x1x?x64xf32>, tensor<?x1x?x32xf32>, tensor<?x1x?x?xi1>) -> tensor<?x8x?x32xf32>
  // CHECK: seq.attention {{.+}} mask(%{{.+}}) {empty_row_nan}
  %nan = seq.attention %q, %k, %v mask(%bmask) {empty_row_nan}
    : (tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x32xf32>, tensor<?x1x?x?xi1>) -> tensor<?x8x?x32xf32>
  // CHECK: seq.attention {{.+}} causal(bottom_right) {window = array<i64: 16, 0>}
  %win = seq.attention %q, %k, %v causal(bottom_right) {window = array<i64: 16, 0>}
    : (tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x32xf32>) -> tensor<?x8x?x32xf32>
  // CHECK: seq.attention {{.+}} {window = array<i64: -1, 4>}
  %local = seq.attention %q, %k, %v {window = array<i64: -1, 4>}
    : (tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x32xf32>) -> tensor<?x8x?x32xf32>
  // CHECK: seq.attention {{.+}} mask(%{{.+}}) relative_bias(%{{.+}}) causal(top_left) {alibi_slopes = array<f32: 5.000000e-01, 2.500000e-01, 1.250000e-01, 6.250000e-02, 3.125000e-02, 1.562500e-02, 7.812500e-03, 3.906250e-03>}
  %biased = seq.attention %q, %k, %v mask(%fmask) relative_bias(%table) causal(top_left)
      {alibi_slopes = array<f32: 0.5, 0.25, 0.125, 0.0625, 0.03125, 0.015625, 0.0078125, 0.00390625>}
    : (tensor<?x8x?x64xf32>, tensor<?x8x?x64xf32>, tensor<?x8x?x32xf32>, tensor<?x?xf32>, tensor<8x33xf32>) -> tensor<?x8x?x32xf32>
  return %win : tensor<?x8x?x32xf32>
}

// CHECK-LABEL: func.func @conv1d
func.func @conv1d(%x: tensor<?x16x?xf32>, %w: tensor<32x16x3xf32>, %wg: tensor<16x4x3xf32>, %b: tensor<32xf32>, %xs: tensor<2x16x10xf32>) -> tensor<2x32x4xf32> {
  // CHECK: seq.conv1d %{{.+}}, %{{.+}} : (tensor<?x16x?xf32>, tensor<32x16x3xf32>) -> tensor<?x32x?xf32>
  %plain = seq.conv1d %x, %w : (tensor<?x16x?xf32>, tensor<32x16x3xf32>) -> tensor<?x32x?xf32>
  // CHECK: seq.conv1d {{.+}} bias(%{{.+}}) {causal, dilation = 4 : i64}
  %tcn = seq.conv1d %x, %w bias(%b) {dilation = 4 : i64, causal}
    : (tensor<?x16x?xf32>, tensor<32x16x3xf32>, tensor<32xf32>) -> tensor<?x32x?xf32>
  // CHECK: seq.conv1d {{.+}} {groups = 4 : i64}
  %grouped = seq.conv1d %x, %wg {groups = 4 : i64} : (tensor<?x16x?xf32>, tensor<16x4x3xf32>) -> tensor<?x16x?xf32>
  // (10 + 1 + 1 - 3) / 2 + 1 = 5 steps... with dilation 2: (12 - 5) / 2 + 1 = 4.
  // CHECK: seq.conv1d {{.+}} {dilation = 2 : i64, padding = array<i64: 1, 1>, stride = 2 : i64} : (tensor<2x16x10xf32>, tensor<32x16x3xf32>, tensor<32xf32>) -> tensor<2x32x4xf32>
  %strided = seq.conv1d %xs, %w bias(%b) {stride = 2 : i64, dilation = 2 : i64, padding = array<i64: 1, 1>}
    : (tensor<2x16x10xf32>, tensor<32x16x3xf32>, tensor<32xf32>) -> tensor<2x32x4xf32>
  return %strided : tensor<2x32x4xf32>
}

// CHECK-LABEL: func.func @glue
func.func @glue(%x: tensor<?x?x16xf32>, %w: tensor<4x16xf32>, %b: tensor<4xf32>, %g: tensor<16xf32>, %ids: tensor<?x?xi64>, %table: tensor<100x16xf32>) -> tensor<?x?x16xf32> {
  // CHECK: seq.linear %{{.+}}, %{{.+}} bias(%{{.+}}) : (tensor<?x?x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  %lin = seq.linear %x, %w bias(%b) : (tensor<?x?x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  // CHECK: seq.linear %{{.+}}, %{{.+}} : (tensor<?x?x16xf32>, tensor<4x16xf32>) -> tensor<?x?x4xf32>
  %nobias = seq.linear %x, %w : (tensor<?x?x16xf32>, tensor<4x16xf32>) -> tensor<?x?x4xf32>
  // CHECK: seq.layer_norm %{{.+}} scale(%{{.+}}) bias(%{{.+}}) : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  %ln = seq.layer_norm %x scale(%g) bias(%g) : (tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  // CHECK: seq.layer_norm %{{.+}} {epsilon = 9.99999997E-7 : f32} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  %ln2 = seq.layer_norm %x {epsilon = 1.0e-6 : f32} : (tensor<?x?x16xf32>) -> tensor<?x?x16xf32>
  // CHECK: seq.rms_norm %{{.+}} scale(%{{.+}}) {axis = 2 : i64} : (tensor<?x?x16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  %rms = seq.rms_norm %x scale(%g) {axis = 2 : i64} : (tensor<?x?x16xf32>, tensor<16xf32>) -> tensor<?x?x16xf32>
  // CHECK: seq.embedding %{{.+}}, %{{.+}} : (tensor<?x?xi64>, tensor<100x16xf32>) -> tensor<?x?x16xf32>
  %emb = seq.embedding %ids, %table : (tensor<?x?xi64>, tensor<100x16xf32>) -> tensor<?x?x16xf32>
  // CHECK: seq.activation <gelu> %{{.+}} : tensor<?x?x16xf32>
  %a0 = seq.activation <gelu> %emb : tensor<?x?x16xf32>
  // CHECK: seq.activation <gelu_tanh>
  %a1 = seq.activation <gelu_tanh> %a0 : tensor<?x?x16xf32>
  // CHECK: seq.activation <silu>
  %a2 = seq.activation <silu> %a1 : tensor<?x?x16xf32>
  // CHECK: seq.activation <leaky_relu, alpha = 2.000000e-01>
  %a3 = seq.activation <leaky_relu, alpha = 0.2> %a2 : tensor<?x?x16xf32>
  // CHECK: seq.activation <relu>
  %a4 = seq.activation <relu> %a3 : tensor<?x?x16xf32>
  return %a4 : tensor<?x?x16xf32>
}

// CHECK-LABEL: func.func @embedding_wrap_negative
func.func @embedding_wrap_negative(%ids: tensor<?xi64>, %table: tensor<10x4xf32>) -> tensor<?x4xf32> {
  // CHECK: seq.embedding %{{.+}}, %{{.+}} {wrap_negative} : (tensor<?xi64>, tensor<10x4xf32>) -> tensor<?x4xf32>
  %e = seq.embedding %ids, %table {wrap_negative} : (tensor<?xi64>, tensor<10x4xf32>) -> tensor<?x4xf32>
  return %e : tensor<?x4xf32>
}

// CHECK-LABEL: func.func @checks
func.func @checks(%ok: i1, %n: i64) {
  // CHECK: seq.check %{{.+}}, shape "input 'x' dimension 0 is {}, but the model requires 3" found %{{.+}}
  seq.check %ok, shape "input 'x' dimension 0 is {}, but the model requires 3" found %n
  // CHECK: seq.check %{{.+}}, value "index out of range"
  seq.check %ok, value "index out of range"
  // CHECK: seq.check %{{.+}}, shape "at m:1" found %{{.+}} selected by %{{.+}} from ["at m:1", "at m:2"]
  seq.check %ok, shape "at m:1" found %n selected by %n from ["at m:1", "at m:2"]
  return
}

// CHECK-LABEL: func.func @selective_scan_minimal
func.func @selective_scan_minimal(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x5x3xf32>) -> tensor<2x5x4xf32> {
  // CHECK: seq.selective_scan %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c
    : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  return %y : tensor<2x5x4xf32>
}

// CHECK-LABEL: func.func @selective_scan_full
func.func @selective_scan_full(%u: tensor<?x?x4xf32>, %dt: tensor<?x?x4xf32>, %a: tensor<4x3xf32>, %b: tensor<?x?x3xf32>, %c: tensor<?x?x3xf32>, %d: tensor<4xf32>, %z: tensor<?x?x4xf32>, %bias: tensor<4xf32>, %h0: tensor<?x4x3xf32>) -> tensor<?x4x3xf32> {
  // CHECK: seq.selective_scan %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} skip(%{{.+}}) gate(%{{.+}}) delta_bias(%{{.+}}) initial_state(%{{.+}}) {delta_softplus}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c skip(%d) gate(%z) delta_bias(%bias) initial_state(%h0) {delta_softplus}
    : (tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<4x3xf32>, tensor<?x?x3xf32>, tensor<?x?x3xf32>, tensor<4xf32>, tensor<?x?x4xf32>, tensor<4xf32>, tensor<?x4x3xf32>) -> (tensor<?x?x4xf32>, tensor<?x4x3xf32>)
  return %h : tensor<?x4x3xf32>
}

// CHECK-LABEL: func.func @positions
func.func @positions(%x: tensor<?x2x8xf32>, %start: i64) -> (tensor<?xi64>, tensor<?xi64>) {
  // CHECK: seq.positions %{{.+}} dim(0) : tensor<?x2x8xf32> -> tensor<?xi64>
  %p = seq.positions %x dim(0) : tensor<?x2x8xf32> -> tensor<?xi64>
  // CHECK: seq.positions %{{.+}} dim(0) offset(%{{.+}}) : tensor<?x2x8xf32> -> tensor<?xi64>
  %q = seq.positions %x dim(0) offset(%start) : tensor<?x2x8xf32> -> tensor<?xi64>
  return %p, %q : tensor<?xi64>, tensor<?xi64>
}

// CHECK-LABEL: func.func @time_shift
func.func @time_shift(%x: tensor<?x?x8xf32>, %ids: tensor<?x2xi64>) -> (tensor<?x?x8xf32>, tensor<?x2xi64>) {
  // CHECK: seq.time_shift %{{.+}} dim(1) steps(1) : tensor<?x?x8xf32>
  %y = seq.time_shift %x dim(1) steps(1) : tensor<?x?x8xf32>
  // CHECK: seq.time_shift %{{.+}} dim(0) steps(3) : tensor<?x2xi64>
  %z = seq.time_shift %ids dim(0) steps(3) : tensor<?x2xi64>
  return %y, %z : tensor<?x?x8xf32>, tensor<?x2xi64>
}

// CHECK-LABEL: func.func @linear_attention
func.func @linear_attention(%q: tensor<?x2x?x4xf32>, %v: tensor<?x2x?x3xf32>, %s0: tensor<?x2x4x3xf32>, %z0: tensor<?x2x4xf32>) -> tensor<?x2x?x3xf32> {
  // CHECK: seq.linear_attention %{{.+}}, %{{.+}}, %{{.+}} : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x3xf32>) -> (tensor<?x2x?x3xf32>, tensor<?x2x4x3xf32>, tensor<?x2x4xf32>)
  %o, %s, %z = seq.linear_attention %q, %q, %v
    : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x3xf32>) -> (tensor<?x2x?x3xf32>, tensor<?x2x4x3xf32>, tensor<?x2x4xf32>)
  // CHECK: seq.linear_attention %{{.+}}, %{{.+}}, %{{.+}} initial_state(%{{.+}}) initial_normalizer(%{{.+}}) feature_map(elu_plus_one) {epsilon = 1.000000e-03 : f32, normalize}
  %o2, %s2, %z2 = seq.linear_attention %q, %q, %v initial_state(%s0) initial_normalizer(%z0) feature_map(elu_plus_one) {normalize, epsilon = 1.0e-3 : f32}
    : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x3xf32>, tensor<?x2x4x3xf32>, tensor<?x2x4xf32>) -> (tensor<?x2x?x3xf32>, tensor<?x2x4x3xf32>, tensor<?x2x4xf32>)
  return %o2 : tensor<?x2x?x3xf32>
}

// CHECK-LABEL: func.func @ntm_memory
func.func @ntm_memory(%m: tensor<?x16x12xf32>, %k: tensor<?x2x12xf32>, %beta: tensor<?x2xf32>, %prev: tensor<?x2x16xf32>, %s: tensor<?x2x3xf32>, %e: tensor<?x2x12xf32>) -> (tensor<?x2x12xf32>, tensor<?x16x12xf32>) {
  // CHECK: seq.content_address %{{.+}}, %{{.+}}, %{{.+}} : (tensor<?x16x12xf32>, tensor<?x2x12xf32>, tensor<?x2xf32>) -> tensor<?x2x16xf32>
  %wc = seq.content_address %m, %k, %beta : (tensor<?x16x12xf32>, tensor<?x2x12xf32>, tensor<?x2xf32>) -> tensor<?x2x16xf32>
  // CHECK: seq.content_address {{.+}} {epsilon = 9.99999997E-7 : f32}
  %wc2 = seq.content_address %m, %k, %beta {epsilon = 1.0e-6 : f32} : (tensor<?x16x12xf32>, tensor<?x2x12xf32>, tensor<?x2xf32>) -> tensor<?x2x16xf32>
  // CHECK: seq.address_interpolate %{{.+}}, %{{.+}}, %{{.+}} : (tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<?x2xf32>) -> tensor<?x2x16xf32>
  %wg = seq.address_interpolate %wc, %prev, %beta : (tensor<?x2x16xf32>, tensor<?x2x16xf32>, tensor<?x2xf32>) -> tensor<?x2x16xf32>
  // CHECK: seq.address_shift %{{.+}}, %{{.+}} : (tensor<?x2x16xf32>, tensor<?x2x3xf32>) -> tensor<?x2x16xf32>
  %ws = seq.address_shift %wg, %s : (tensor<?x2x16xf32>, tensor<?x2x3xf32>) -> tensor<?x2x16xf32>
  // CHECK: seq.address_sharpen %{{.+}}, %{{.+}} {epsilon = 1.000000e-16 : f32} : (tensor<?x2x16xf32>, tensor<?x2xf32>) -> tensor<?x2x16xf32>
  %w = seq.address_sharpen %ws, %beta {epsilon = 1.0e-16 : f32} : (tensor<?x2x16xf32>, tensor<?x2xf32>) -> tensor<?x2x16xf32>
  // CHECK: seq.memory_read %{{.+}}, %{{.+}} : (tensor<?x16x12xf32>, tensor<?x2x16xf32>) -> tensor<?x2x12xf32>
  %r = seq.memory_read %m, %w : (tensor<?x16x12xf32>, tensor<?x2x16xf32>) -> tensor<?x2x12xf32>
  // CHECK: seq.memory_write %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : (tensor<?x16x12xf32>, tensor<?x2x16xf32>, tensor<?x2x12xf32>, tensor<?x2x12xf32>) -> tensor<?x16x12xf32>
  %m2 = seq.memory_write %m, %w, %e, %k : (tensor<?x16x12xf32>, tensor<?x2x16xf32>, tensor<?x2x12xf32>, tensor<?x2x12xf32>) -> tensor<?x16x12xf32>
  return %r, %m2 : tensor<?x2x12xf32>, tensor<?x16x12xf32>
}

// CHECK-LABEL: func.func @wkv
func.func @wkv(%k: tensor<?x?x16xf32>, %w: tensor<16xf32>, %s0: tensor<?x3x16xf32>) -> tensor<?x3x16xf32> {
  // CHECK: seq.wkv %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x3x16xf32>)
  %y, %s = seq.wkv %k, %k, %w, %w : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x3x16xf32>)
  // CHECK: seq.wkv %{{.+}}, %{{.+}}, %{{.+}}, %{{.+}} initial_state(%{{.+}}) : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<?x3x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x3x16xf32>)
  %y2, %s2 = seq.wkv %k, %k, %w, %w initial_state(%s) : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<?x3x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x3x16xf32>)
  return %s2 : tensor<?x3x16xf32>
}
