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
  // expected-note @+1 {{'seq.rnn' requires them to be equal}}
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
  // expected-note @+1 {{'seq.scan' requires them to be equal}}
  %h = seq.scan step(%i) carry(%h_prev = %h0 : tensor<4xf32>)
      over(%a = %x : tensor<?x4xf32>, %b = %u : tensor<?x4xf32>) {
    %s = arith.addf %a, %b : tensor<4xf32>
    %n = arith.addf %h_prev, %s : tensor<4xf32>
    seq.yield %n : tensor<4xf32>
  }
  return %h : tensor<4xf32>
}

// -----

// Lengths kept without `causal`: a 1-wide kernel, and padding [1, 1] of a
// 3-wide one (dilation 1) keep T; padding [0, 0] of a 3-wide one does not.
// A linalg op runs each loop over one extent: the broadcasting add ties
// the batch and time of its operands and result (its [16] operand has
// none), the matmul ties its reduction (K) dimension between operands.
// CHECK-LABEL: func.func @kept_lengths(
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?x8x?xf32> {seq.dims = ["B", "", "T"]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?x?xf32> {seq.dims = ["d0", "d1"]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?x?xf32> {seq.dims = ["d1", "d2"]}
// CHECK-SAME: -> (tensor<?x8x?xf32> {seq.dims = ["B", "", "T"]}, tensor<?x8x?xf32> {seq.dims = ["B", "", "T"]}, tensor<?x8x?xf32> {seq.dims = ["B", "", ""]}, tensor<?x?x8xf32> {seq.dims = ["B", "T", ""]}, tensor<?x?xf32> {seq.dims = ["d0", "d2"]})
func.func @kept_lengths(%x: tensor<?x8x?xf32> {seq.dims = ["B", "", "T"]}, %a: tensor<?x?xf32>, %b: tensor<?x?xf32>)
    -> (tensor<?x8x?xf32>, tensor<?x8x?xf32>, tensor<?x8x?xf32>, tensor<?x?x8xf32>, tensor<?x?xf32>) {
  %w1 = arith.constant dense<1.0> : tensor<8x8x1xf32>
  %w3 = arith.constant dense<1.0> : tensor<8x8x3xf32>
  %pointwise = seq.conv1d %x, %w1 : (tensor<?x8x?xf32>, tensor<8x8x1xf32>) -> tensor<?x8x?xf32>
  %same = seq.conv1d %x, %w3 {padding = array<i64: 1, 1>} : (tensor<?x8x?xf32>, tensor<8x8x3xf32>) -> tensor<?x8x?xf32>
  %valid = seq.conv1d %x, %w3 : (tensor<?x8x?xf32>, tensor<8x8x3xf32>) -> tensor<?x8x?xf32>
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %nb = tensor.dim %x, %c0 : tensor<?x8x?xf32>
  %nt = tensor.dim %x, %c2 : tensor<?x8x?xf32>
  %init = tensor.empty(%nb, %nt) : tensor<?x?x8xf32>
  %t = linalg.transpose ins(%same : tensor<?x8x?xf32>) outs(%init : tensor<?x?x8xf32>) permutation = [0, 2, 1]
  %bias = arith.constant dense<0.5> : tensor<8xf32>
  %init2 = tensor.empty(%nb, %nt) : tensor<?x?x8xf32>
  %biased = linalg.generic {indexing_maps = [affine_map<(b, t, c) -> (b, t, c)>, affine_map<(b, t, c) -> (c)>, affine_map<(b, t, c) -> (b, t, c)>], iterator_types = ["parallel", "parallel", "parallel"]}
      ins(%t, %bias : tensor<?x?x8xf32>, tensor<8xf32>) outs(%init2 : tensor<?x?x8xf32>) {
  ^bb0(%in: f32, %c: f32, %out: f32):
    %s = arith.addf %in, %c : f32
    linalg.yield %s : f32
  } -> tensor<?x?x8xf32>
  %m = tensor.dim %a, %c0 : tensor<?x?xf32>
  %c1 = arith.constant 1 : index
  %n = tensor.dim %b, %c1 : tensor<?x?xf32>
  %init3 = tensor.empty(%m, %n) : tensor<?x?xf32>
  %p = linalg.matmul ins(%a, %b : tensor<?x?xf32>, tensor<?x?xf32>) outs(%init3 : tensor<?x?xf32>) -> tensor<?x?xf32>
  return %pointwise, %same, %valid, %biased, %p : tensor<?x8x?xf32>, tensor<?x8x?xf32>, tensor<?x8x?xf32>, tensor<?x?x8xf32>, tensor<?x?xf32>
}

// -----

// Reshapes that add or drop unit dimensions carry a name to the dimension
// they keep ([T, 1, B] to [T, B], [B] to [1, B]); a group of two dynamic
// dimensions ties neither; a concatenation ties the dimensions it does not
// concatenate, and never joins two different names (B1 and B2, which an
// exporter may give one batch; the run checks them).
// CHECK-LABEL: func.func @reshapes(
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?x1x?xf32> {seq.dims = ["T", "", "B"]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?x?xf32> {seq.dims = ["M", "N"]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<2x?xf32> {seq.dims = ["", "B1"]}
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<3x?xf32> {seq.dims = ["", "B2"]}
// CHECK-SAME: -> (tensor<?x?xf32> {seq.dims = ["T", "B"]}, tensor<?xf32>, tensor<5x?xf32> {seq.dims = ["", "B1"]})
func.func @reshapes(%x: tensor<?x1x?xf32> {seq.dims = ["T", "", "B"]},
                    %z: tensor<?x?xf32> {seq.dims = ["M", "N"]},
                    %a: tensor<2x?xf32> {seq.dims = ["", "B1"]},
                    %b: tensor<3x?xf32> {seq.dims = ["", "B2"]})
    -> (tensor<?x?xf32>, tensor<?xf32>, tensor<5x?xf32>) {
  %c = tensor.collapse_shape %x [[0], [1, 2]] : tensor<?x1x?xf32> into tensor<?x?xf32>
  %f = tensor.collapse_shape %z [[0, 1]] : tensor<?x?xf32> into tensor<?xf32>
  %j = tensor.concat dim(0) %a, %b : (tensor<2x?xf32>, tensor<3x?xf32>) -> tensor<5x?xf32>
  return %c, %f, %j : tensor<?x?xf32>, tensor<?xf32>, tensor<5x?xf32>
}

// -----

// A slice that keeps a dimension whole (its size is the source's
// tensor.dim) names it after the source's: the last step of a batch-first
// [B, T, 8] keeps B, also through a rank-reducing slice; a slice of a
// run-time length (the first n steps) names nothing.
// CHECK-LABEL: func.func @slices(
// CHECK-SAME: -> (tensor<?x8xf32> {seq.dims = ["B", ""]}, tensor<?x?x8xf32> {seq.dims = ["B", "", ""]})
func.func @slices(%x: tensor<?x?x8xf32> {seq.dims = ["B", "T", ""]}, %n: index)
    -> (tensor<?x8xf32>, tensor<?x?x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %last = arith.subi %t, %c1 : index
  %y = tensor.extract_slice %x[0, %last, 0] [%b, 1, 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x8xf32>
  %z = tensor.extract_slice %x[0, 0, 0] [%b, %n, 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  return %y, %z : tensor<?x8xf32>, tensor<?x?x8xf32>
}
