// RUN: seq-opt %s -split-input-file -verify-diagnostics

// Every verifier and parser message of the seq dialect, once each.

// expected-error @+1 {{unknown activation 'swish'}}
func.func private @f() attributes {a = #seq.act<swish>}

// -----

// expected-error @+1 {{activation 'tanh' has no parameter 'alpha' (it takes 0)}}
func.func private @f() attributes {a = #seq.act<tanh, alpha = 1.0>}

// -----

// expected-error @+1 {{activation 'leaky_relu' has no parameter 'beta' (it takes 1)}}
func.func private @f() attributes {a = #seq.act<leaky_relu, beta = 1.0>}

// -----

// expected-error @+1 {{activation parameters must be finite}}
func.func private @f() attributes {a = #seq.act<elu, alpha = 1.0e40>}

// -----

func.func @rnn_input_rank(%x: tensor<5x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) {
  // expected-error @+1 {{'input' must have rank 3 (T x B x I), found 'tensor<5x4xf32>'}}
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64} : (tensor<5x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @rnn_hidden_size(%x: tensor<5x2x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) {
  // expected-error @+1 {{attribute 'hidden_size' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 0 : i64} : (tensor<5x2x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @rnn_w(%x: tensor<5x2x4xf32>, %w: tensor<1x8x3xf32>, %r: tensor<1x8x8xf32>) {
  // expected-error @+1 {{'w' must be [D, H, I] = [1, 8, 4], found tensor<1x8x3xf32>}}
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x8x3xf32>, tensor<1x8x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @rnn_r_bidirectional(%x: tensor<5x2x4xf32>, %w: tensor<2x8x4xf32>, %r: tensor<1x8x8xf32>) {
  // expected-error @+1 {{'r' must be [D, H, H] = [2, 8, 8], found tensor<1x8x8xf32>}}
  %y, %h = seq.rnn %x, %w, %r direction(bidirectional) {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<2x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<5x2x2x8xf32>, tensor<2x2x8xf32>)
  return
}

// -----

func.func @rnn_bias(%x: tensor<5x2x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>, %b: tensor<1x8xf32>) {
  // expected-error @+1 {{'bias' must be [D, 2*H] = [1, 16], found tensor<1x8xf32>}}
  %y, %h = seq.rnn %x, %w, %r bias(%b) {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<1x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @rnn_initial_h_batch_major(%x: tensor<2x5x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>, %h0: tensor<1x2x8xf32>) {
  // expected-error @+1 {{'initial_h' must be [B, D, H] = [2, 1, 8], found tensor<1x2x8xf32>}}
  %y, %h = seq.rnn %x, %w, %r initial_h(%h0) layout(batch_major) {hidden_size = 8 : i64} : (tensor<2x5x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<1x2x8xf32>) -> (tensor<2x5x1x8xf32>, tensor<2x1x8xf32>)
  return
}

// -----

func.func @rnn_sequence_lens(%x: tensor<5x2x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>, %len: tensor<3xi32>) {
  // expected-error @+1 {{'sequence_lens' must be [B] = [2], found tensor<3xi32>}}
  %y, %h = seq.rnn %x, %w, %r sequence_lens(%len) {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<3xi32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @rnn_sequence_lens_type(%x: tensor<5x2x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>, %len: tensor<2xf32>) {
  // expected-error @+1 {{operand #3 must be ranked tensor of signless integer of 8 to 64 bits values}}
  %y, %h = "seq.rnn"(%x, %w, %r, %len) <{hidden_size = 8 : i64, operandSegmentSizes = array<i32: 1, 1, 1, 0, 0, 1>}> : (tensor<5x2x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<2xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @rnn_y(%x: tensor<5x2x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) {
  // expected-error @+1 {{'y' must be [T, D, B, H] = [5, 1, 2, 8], found tensor<5x2x8xf32>}}
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<5x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @rnn_y_h(%x: tensor<5x2x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) {
  // expected-error @+1 {{'y_h' must be [D, B, H] = [1, 2, 8], found tensor<2x8xf32>}}
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<2x8xf32>)
  return
}

// -----

func.func @rnn_element_type(%x: tensor<5x2x4xf32>, %w: tensor<1x8x4xf16>, %r: tensor<1x8x8xf32>) {
  // expected-error @+1 {{'w' must have element type 'f32', found 'f16'}}
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x8x4xf16>, tensor<1x8x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @rnn_activations(%x: tensor<5x2x4xf32>, %w: tensor<2x8x4xf32>, %r: tensor<2x8x8xf32>) {
  // expected-error @+1 {{expects 2 activation(s) (1 per direction x 2 direction(s)), found 1}}
  %y, %h = seq.rnn %x, %w, %r direction(bidirectional) {hidden_size = 8 : i64, activations = [#seq.act<relu>]} : (tensor<5x2x4xf32>, tensor<2x8x4xf32>, tensor<2x8x8xf32>) -> (tensor<5x2x2x8xf32>, tensor<2x2x8xf32>)
  return
}

// -----

func.func @rnn_clip(%x: tensor<5x2x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) {
  // expected-error @+1 {{'clip' must be a positive finite threshold, found -1}}
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64, clip = -1.0 : f32} : (tensor<5x2x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @lstm_w_gates(%x: tensor<5x2x4xf32>, %w: tensor<1x24x4xf32>, %r: tensor<1x32x8xf32>) {
  // expected-error @+1 {{'w' must be [D, 4*H, I] = [1, 32, 4], found tensor<1x24x4xf32>}}
  %y, %h, %c = seq.lstm %x, %w, %r {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x24x4xf32>, tensor<1x32x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @lstm_projection(%x: tensor<5x2x4xf32>, %w: tensor<1x32x4xf32>, %r: tensor<1x32x6xf32>, %p: tensor<1x6x7xf32>) {
  // expected-error @+1 {{'projection' must be [D, P, H] = [1, ?, 8], found tensor<1x6x7xf32>}}
  %y, %h, %c = seq.lstm %x, %w, %r projection(%p) {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x32x4xf32>, tensor<1x32x6xf32>, tensor<1x6x7xf32>) -> (tensor<5x1x2x6xf32>, tensor<1x2x6xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @lstm_projected_r(%x: tensor<5x2x4xf32>, %w: tensor<1x32x4xf32>, %r: tensor<1x32x8xf32>, %p: tensor<1x6x8xf32>) {
  // expected-error @+1 {{'r' must be [D, 4*H, P] = [1, 32, 6], found tensor<1x32x8xf32>}}
  %y, %h, %c = seq.lstm %x, %w, %r projection(%p) {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x32x4xf32>, tensor<1x32x8xf32>, tensor<1x6x8xf32>) -> (tensor<5x1x2x6xf32>, tensor<1x2x6xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @lstm_initial_c(%x: tensor<5x2x4xf32>, %w: tensor<1x32x4xf32>, %r: tensor<1x32x8xf32>, %c0: tensor<1x2x4xf32>) {
  // expected-error @+1 {{'initial_c' must be [D, B, H] = [1, 2, 8], found tensor<1x2x4xf32>}}
  %y, %h, %c = seq.lstm %x, %w, %r initial_c(%c0) {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x32x4xf32>, tensor<1x32x8xf32>, tensor<1x2x4xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @lstm_peepholes(%x: tensor<5x2x4xf32>, %w: tensor<1x32x4xf32>, %r: tensor<1x32x8xf32>, %p: tensor<1x32xf32>) {
  // expected-error @+1 {{'peepholes' must be [D, 3*H] = [1, 24], found tensor<1x32xf32>}}
  %y, %h, %c = seq.lstm %x, %w, %r peepholes(%p) {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x32x4xf32>, tensor<1x32x8xf32>, tensor<1x32xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @lstm_y_c(%x: tensor<5x2x4xf32>, %w: tensor<1x32x4xf32>, %r: tensor<1x32x8xf32>) {
  // expected-error @+1 {{'y_c' must be [D, B, H] = [1, 2, 8], found tensor<1x3x8xf32>}}
  %y, %h, %c = seq.lstm %x, %w, %r {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x32x4xf32>, tensor<1x32x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>, tensor<1x3x8xf32>)
  return
}

// -----

func.func @lstm_activations(%x: tensor<5x2x4xf32>, %w: tensor<1x32x4xf32>, %r: tensor<1x32x8xf32>) {
  // expected-error @+1 {{expects 3 activation(s) (3 per direction x 1 direction(s)), found 2}}
  %y, %h, %c = seq.lstm %x, %w, %r {hidden_size = 8 : i64, activations = [#seq.act<sigmoid>, #seq.act<tanh>]} : (tensor<5x2x4xf32>, tensor<1x32x4xf32>, tensor<1x32x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @gru_r(%x: tensor<5x2x4xf32>, %w: tensor<1x24x4xf32>, %r: tensor<1x16x8xf32>) {
  // expected-error @+1 {{'r' must be [D, 3*H, H] = [1, 24, 8], found tensor<1x16x8xf32>}}
  %y, %h = seq.gru %x, %w, %r {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x24x4xf32>, tensor<1x16x8xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

func.func @gru_bias(%x: tensor<5x2x4xf32>, %w: tensor<1x24x4xf32>, %r: tensor<1x24x8xf32>, %b: tensor<1x24xf32>) {
  // expected-error @+1 {{'bias' must be [D, 2*3*H] = [1, 48], found tensor<1x24xf32>}}
  %y, %h = seq.gru %x, %w, %r bias(%b) {hidden_size = 8 : i64} : (tensor<5x2x4xf32>, tensor<1x24x4xf32>, tensor<1x24x8xf32>, tensor<1x24xf32>) -> (tensor<5x1x2x8xf32>, tensor<1x2x8xf32>)
  return
}

// -----

// 4 * 2^62 wraps to 0 in 64 bits; the hidden size is bounded instead.
func.func @f(%x: tensor<?x1x4xf32>, %w: tensor<1x0x4xf32>, %r: tensor<1x0x4611686018427387904xf32>) {
  // expected-error @+1 {{'hidden_size' must be in [1, 2147483647], found 4611686018427387904}}
  %y, %h, %c = seq.lstm %x, %w, %r {hidden_size = 4611686018427387904 : i64} : (tensor<?x1x4xf32>, tensor<1x0x4xf32>, tensor<1x0x4611686018427387904xf32>) -> (tensor<?x1x1x4611686018427387904xf32>, tensor<1x1x4611686018427387904xf32>, tensor<1x1x4611686018427387904xf32>)
  return
}


// -----

func.func @no_input_features(%x: tensor<?x?x0xf32>, %w: tensor<1x8x0xf32>, %r: tensor<1x8x8xf32>) {
  // expected-error @+1 {{the input size I is 0; it must be at least 1}}
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64} : (tensor<?x?x0xf32>, tensor<1x8x0xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return
}
