// RUN: seq-opt %s -split-input-file -verify-diagnostics

// Every verifier message of seq.wkv.

func.func @key_rank(%k: tensor<2x16xf32>, %v: tensor<2x5x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{'key' must be [B, T, C], found 'tensor<2x16xf32>'}}
  %y, %s = seq.wkv %k, %v, %w, %w : (tensor<2x16xf32>, tensor<2x5x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<2x5x16xf32>, tensor<2x3x16xf32>)
  return
}

// -----

func.func @value_steps(%k: tensor<2x5x16xf32>, %v: tensor<2x6x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{'value' must be [B, T, C] = [2, 5, 16], found tensor<2x6x16xf32>}}
  %y, %s = seq.wkv %k, %v, %w, %w : (tensor<2x5x16xf32>, tensor<2x6x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<2x5x16xf32>, tensor<2x3x16xf32>)
  return
}

// -----

func.func @decay_channels(%k: tensor<?x?x16xf32>, %w: tensor<8xf32>, %u: tensor<16xf32>) {
  // expected-error @+1 {{'decay' must be [C] = [16], found tensor<8xf32>}}
  %y, %s = seq.wkv %k, %k, %w, %u : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<8xf32>, tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x3x16xf32>)
  return
}

// -----

func.func @bonus_rank(%k: tensor<?x?x16xf32>, %w: tensor<16xf32>, %u: tensor<1x16xf32>) {
  // expected-error @+1 {{'bonus' must be [C], found 'tensor<1x16xf32>'}}
  %y, %s = seq.wkv %k, %k, %w, %u : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<1x16xf32>) -> (tensor<?x?x16xf32>, tensor<?x3x16xf32>)
  return
}

// -----

func.func @state_rows(%k: tensor<?x?x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{'final_state' must be [B, 3, C] = [?, 3, 16], found tensor<?x2x16xf32>}}
  %y, %s = seq.wkv %k, %k, %w, %w : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>, tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x2x16xf32>)
  return
}

// -----

func.func @initial_batch(%k: tensor<2x?x16xf32>, %w: tensor<16xf32>, %s0: tensor<3x3x16xf32>) {
  // expected-error @+1 {{'initial_state' must be [B, 3, C] = [2, 3, 16], found tensor<3x3x16xf32>}}
  %y, %s = seq.wkv %k, %k, %w, %w initial_state(%s0) : (tensor<2x?x16xf32>, tensor<2x?x16xf32>, tensor<16xf32>, tensor<16xf32>, tensor<3x3x16xf32>) -> (tensor<2x?x16xf32>, tensor<2x3x16xf32>)
  return
}

// -----

func.func @element_type(%k: tensor<2x5x16xf32>, %v: tensor<2x5x16xf16>, %w: tensor<16xf32>) {
  // expected-error @+1 {{must have element type 'f32'}}
  %y, %s = seq.wkv %k, %v, %w, %w : (tensor<2x5x16xf32>, tensor<2x5x16xf16>, tensor<16xf32>, tensor<16xf32>) -> (tensor<2x5x16xf32>, tensor<2x3x16xf32>)
  return
}
