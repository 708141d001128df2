// RUN: seq-opt %s -split-input-file -verify-diagnostics

// Every verifier message of seq.linear_attention.

func.func @rank(%q: tensor<2x5x4xf32>, %v: tensor<1x2x5x3xf32>) {
  // expected-error @+1 {{'query' must be [B, H, T, D], found 'tensor<2x5x4xf32>'}}
  %o, %s, %z = seq.linear_attention %q, %q, %v : (tensor<2x5x4xf32>, tensor<2x5x4xf32>, tensor<1x2x5x3xf32>) -> (tensor<1x2x5x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @key_size(%q: tensor<1x2x5x4xf32>, %k: tensor<1x2x5x6xf32>, %v: tensor<1x2x5x3xf32>) {
  // expected-error @+1 {{'key' must be [B, H, T, Dk] = [1, 2, 5, 4], found tensor<1x2x5x6xf32>}}
  %o, %s, %z = seq.linear_attention %q, %k, %v : (tensor<1x2x5x4xf32>, tensor<1x2x5x6xf32>, tensor<1x2x5x3xf32>) -> (tensor<1x2x5x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @value_steps(%q: tensor<1x2x5x4xf32>, %v: tensor<1x2x6x3xf32>) {
  // expected-error @+1 {{'value' must be [B, H, T, Dv] = [1, 2, 5, 3], found tensor<1x2x6x3xf32>}}
  %o, %s, %z = seq.linear_attention %q, %q, %v : (tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x6x3xf32>) -> (tensor<1x2x5x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @result(%q: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x3xf32>) {
  // expected-error @+1 {{'result' must be [B, H, T, Dv] = [1, 2, 5, 3], found tensor<1x2x5x4xf32>}}
  %o, %s, %z = seq.linear_attention %q, %q, %v : (tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x3xf32>) -> (tensor<1x2x5x4xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @state(%q: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x3xf32>) {
  // expected-error @+1 {{'final_state' must be [B, H, Dk, Dv] = [1, 2, 4, 3], found tensor<1x2x3x4xf32>}}
  %o, %s, %z = seq.linear_attention %q, %q, %v : (tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x3xf32>) -> (tensor<1x2x5x3xf32>, tensor<1x2x3x4xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @normalizer(%q: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x3xf32>) {
  // expected-error @+1 {{'final_normalizer' must be [B, H, Dk] = [1, 2, 4], found tensor<1x2x3xf32>}}
  %o, %s, %z = seq.linear_attention %q, %q, %v : (tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x3xf32>) -> (tensor<1x2x5x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x3xf32>)
  return
}

// -----

func.func @initial_state(%q: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x3xf32>, %s0: tensor<2x2x4x3xf32>) {
  // expected-error @+1 {{'initial_state' must be [B, H, Dk, Dv] = [1, 2, 4, 3], found tensor<2x2x4x3xf32>}}
  %o, %s, %z = seq.linear_attention %q, %q, %v initial_state(%s0) : (tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x3xf32>, tensor<2x2x4x3xf32>) -> (tensor<1x2x5x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @initial_normalizer(%q: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x3xf32>, %z0: tensor<1x4xf32>) {
  // expected-error @+1 {{'initial_normalizer' must be [B, H, Dk] = [1, 2, 4], found tensor<1x4xf32>}}
  %o, %s, %z = seq.linear_attention %q, %q, %v initial_normalizer(%z0) : (tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x3xf32>, tensor<1x4xf32>) -> (tensor<1x2x5x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @epsilon(%q: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x3xf32>) {
  // expected-error @+1 {{epsilon must not be negative, found -1}}
  %o, %s, %z = seq.linear_attention %q, %q, %v {normalize, epsilon = -1.0 : f32} : (tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x3xf32>) -> (tensor<1x2x5x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4xf32>)
  return
}

// -----

func.func @element_type(%q: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x3xf16>) {
  // expected-error @+1 {{'operands' must have element type 'f32', found 'f16'}}
  %o, %s, %z = seq.linear_attention %q, %q, %v : (tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x3xf16>) -> (tensor<1x2x5x3xf32>, tensor<1x2x4x3xf32>, tensor<1x2x4xf32>)
  return
}

// -----

// The results' static sizes count too: a state of batch 2 against a value
// of batch 3.
func.func @state_batch(%q: tensor<?x2x?x4xf32>, %v: tensor<3x2x?x3xf32>) {
  // expected-error @+1 {{'final_state' must be [B, H, Dk, Dv] = [3, 2, 4, 3], found tensor<2x2x4x3xf32>}}
  %o, %s, %z = seq.linear_attention %q, %q, %v : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<3x2x?x3xf32>) -> (tensor<?x2x?x3xf32>, tensor<2x2x4x3xf32>, tensor<?x2x4xf32>)
  return
}

// -----

func.func @no_heads(%q: tensor<?x0x?x4xf32>, %v: tensor<?x0x?x3xf32>) {
  // expected-error @+1 {{the head count H is 0; it must be at least 1}}
  %o, %s, %z = seq.linear_attention %q, %q, %v : (tensor<?x0x?x4xf32>, tensor<?x0x?x4xf32>, tensor<?x0x?x3xf32>) -> (tensor<?x0x?x3xf32>, tensor<?x0x4x3xf32>, tensor<?x0x4xf32>)
  return
}
