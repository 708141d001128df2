// RUN: seq-opt %s -split-input-file -verify-diagnostics

// Every verifier message of seq.selective_scan.

func.func @input_rank(%u: tensor<5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x5x3xf32>) {
  // expected-error @+1 {{'input' must be [B, T, D], found 'tensor<5x4xf32>'}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c : (tensor<5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  return
}

// -----

func.func @a_rank(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x5x3xf32>) {
  // expected-error @+1 {{'a' must be [D, N], found 'tensor<4xf32>'}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  return
}

// -----

func.func @delta_steps(%u: tensor<2x5x4xf32>, %dt: tensor<2x6x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x5x3xf32>) {
  // expected-error @+1 {{'delta' must be [B, T, D] = [2, 5, 4], found tensor<2x6x4xf32>}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c : (tensor<2x5x4xf32>, tensor<2x6x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  return
}

// -----

func.func @a_channels(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<5x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x5x3xf32>) {
  // expected-error @+1 {{'a' must be [D, N] = [4, 3], found tensor<5x3xf32>}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<5x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  return
}

// -----

func.func @b_state(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x2xf32>, %c: tensor<2x5x3xf32>) {
  // expected-error @+1 {{'b' must be [B, T, N] = [2, 5, 3], found tensor<2x5x2xf32>}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x2xf32>, tensor<2x5x3xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  return
}

// -----

func.func @c_batch(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<1x5x3xf32>) {
  // expected-error @+1 {{'c' must be [B, T, N] = [2, 5, 3], found tensor<1x5x3xf32>}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf32>, tensor<1x5x3xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  return
}

// -----

func.func @y_shape(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x5x3xf32>) {
  // expected-error @+1 {{'y' must be [B, T, D] = [2, 5, 4], found tensor<2x5x3xf32>}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>) -> (tensor<2x5x3xf32>, tensor<2x4x3xf32>)
  return
}

// -----

func.func @state_shape(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x5x3xf32>) {
  // expected-error @+1 {{'final_state' must be [B, D, N] = [2, 4, 3], found tensor<2x3x4xf32>}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>) -> (tensor<2x5x4xf32>, tensor<2x3x4xf32>)
  return
}

// -----

func.func @z_shape(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x5x3xf32>, %o: tensor<2x5x8xf32>) {
  // expected-error @+1 {{'z' must be [B, T, D] = [2, 5, 4], found tensor<2x5x8xf32>}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c gate(%o) : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>, tensor<2x5x8xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  return
}

// -----

func.func @skip_shape(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x5x3xf32>, %o: tensor<3xf32>) {
  // expected-error @+1 {{'d' must be [D] = [4], found tensor<3xf32>}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c skip(%o) : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>, tensor<3xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  return
}

// -----

func.func @bias_shape(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x5x3xf32>, %o: tensor<4x1xf32>) {
  // expected-error @+1 {{'delta_bias' must be [D] = [4], found tensor<4x1xf32>}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c delta_bias(%o) : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>, tensor<4x1xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  return
}

// -----

func.func @initial_state_shape(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x5x3xf32>, %o: tensor<1x4x3xf32>) {
  // expected-error @+1 {{'initial_state' must be [B, D, N] = [2, 4, 3], found tensor<1x4x3xf32>}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c initial_state(%o) : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>, tensor<1x4x3xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  return
}

// -----

func.func @element_type(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x3xf16>, %c: tensor<2x5x3xf32>) {
  // expected-error @+1 {{'operands' must have element type 'f32', found 'f16'}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf16>, tensor<2x5x3xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf32>)
  return
}

// -----

func.func @result_type(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x3xf32>, %b: tensor<2x5x3xf32>, %c: tensor<2x5x3xf32>) {
  // expected-error @+1 {{'results' must have element type 'f32', found 'f16'}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x3xf32>, tensor<2x5x3xf32>, tensor<2x5x3xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x3xf16>)
  return
}

// -----

// Sizes are merged from every operand: the skip and the bias disagree on D
// even though the input and 'a' leave it dynamic.
func.func @skip_vs_bias(%u: tensor<?x?x?xf32>, %dt: tensor<?x?x?xf32>, %a: tensor<?x3xf32>, %b: tensor<?x?x3xf32>, %c: tensor<?x?x3xf32>, %d: tensor<4xf32>, %bias: tensor<5xf32>) {
  // expected-error @+1 {{'delta_bias' must be [D] = [4], found tensor<5xf32>}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c skip(%d) delta_bias(%bias) : (tensor<?x?x?xf32>, tensor<?x?x?xf32>, tensor<?x3xf32>, tensor<?x?x3xf32>, tensor<?x?x3xf32>, tensor<4xf32>, tensor<5xf32>) -> (tensor<?x?x?xf32>, tensor<?x?x3xf32>)
  return
}

// -----

func.func @empty_state(%u: tensor<2x5x4xf32>, %dt: tensor<2x5x4xf32>, %a: tensor<4x0xf32>, %b: tensor<2x5x0xf32>, %c: tensor<2x5x0xf32>) {
  // expected-error @+1 {{the batch (B = 2), channel (D = 4) and state (N = 0) sizes must be at least 1 where static}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<4x0xf32>, tensor<2x5x0xf32>, tensor<2x5x0xf32>) -> (tensor<2x5x4xf32>, tensor<2x4x0xf32>)
  return
}

// -----

// The results' static sizes count too: a final state of batch 2 against
// projections of batch 3.
func.func @state_batch(%u: tensor<?x?x4xf32>, %dt: tensor<?x?x4xf32>, %a: tensor<4x3xf32>, %b: tensor<3x?x3xf32>) {
  // expected-error @+1 {{'final_state' must be [B, D, N] = [3, 4, 3], found tensor<2x4x3xf32>}}
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %b : (tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<4x3xf32>, tensor<3x?x3xf32>, tensor<3x?x3xf32>) -> (tensor<?x?x4xf32>, tensor<2x4x3xf32>)
  return
}
