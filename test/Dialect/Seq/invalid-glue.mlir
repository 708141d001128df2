// RUN: seq-opt %s -split-input-file -verify-diagnostics

func.func @linear_weight_rank(%x: tensor<2x16xf32>, %w: tensor<16xf32>) {
  // expected-error @+1 {{'weight' must have rank 2 (O x I), found 'tensor<16xf32>'}}
  %y = seq.linear %x, %w : (tensor<2x16xf32>, tensor<16xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @linear_weight(%x: tensor<2x16xf32>, %w: tensor<4x8xf32>) {
  // expected-error @+1 {{'weight' must be [O, I] = [4, 16], found tensor<4x8xf32>}}
  %y = seq.linear %x, %w : (tensor<2x16xf32>, tensor<4x8xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @linear_bias(%x: tensor<2x16xf32>, %w: tensor<4x16xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{'bias' must be [O] = [4], found tensor<16xf32>}}
  %y = seq.linear %x, %w bias(%b) : (tensor<2x16xf32>, tensor<4x16xf32>, tensor<16xf32>) -> tensor<2x4xf32>
  return
}

// -----

func.func @linear_result(%x: tensor<3x2x16xf32>, %w: tensor<4x16xf32>) {
  // expected-error @+1 {{'result' must be [d0, d1, O] = [3, 2, 4], found tensor<3x4xf32>}}
  %y = seq.linear %x, %w : (tensor<3x2x16xf32>, tensor<4x16xf32>) -> tensor<3x4xf32>
  return
}

// -----

func.func @linear_input_rank(%x: tensor<f32>, %w: tensor<4x16xf32>) {
  // expected-error @+1 {{'input' must have rank >= 1}}
  %y = seq.linear %x, %w : (tensor<f32>, tensor<4x16xf32>) -> tensor<4xf32>
  return
}

// -----

func.func @linear_element_type(%x: tensor<2x16xf32>, %w: tensor<4x16xf64>) {
  // expected-error @+1 {{'weight' must have element type 'f32', found 'f64'}}
  %y = seq.linear %x, %w : (tensor<2x16xf32>, tensor<4x16xf64>) -> tensor<2x4xf32>
  return
}

// -----

func.func @layer_norm_axis(%x: tensor<2x16xf32>) {
  // expected-error @+1 {{'axis' must be in [-2, 2), found 2}}
  %y = seq.layer_norm %x {axis = 2 : i64} : (tensor<2x16xf32>) -> tensor<2x16xf32>
  return
}

// -----

func.func @layer_norm_scale(%x: tensor<2x3x16xf32>, %g: tensor<16xf32>) {
  // expected-error @+1 {{'scale' must be [d1, d2] = [3, 16], found tensor<16xf32>}}
  %y = seq.layer_norm %x scale(%g) {axis = -2 : i64} : (tensor<2x3x16xf32>, tensor<16xf32>) -> tensor<2x3x16xf32>
  return
}

// -----

func.func @layer_norm_bias_type(%x: tensor<2x16xf32>, %b: tensor<16xf16>) {
  // expected-error @+1 {{'bias' must have element type 'f32', found 'f16'}}
  %y = seq.layer_norm %x bias(%b) : (tensor<2x16xf32>, tensor<16xf16>) -> tensor<2x16xf32>
  return
}

// -----

func.func @layer_norm_epsilon(%x: tensor<2x16xf32>) {
  // expected-error @+1 {{'epsilon' must be non-negative and finite}}
  %y = seq.layer_norm %x {epsilon = -1.0 : f32} : (tensor<2x16xf32>) -> tensor<2x16xf32>
  return
}

// -----

func.func @layer_norm_result(%x: tensor<2x16xf32>) {
  // expected-error @+1 {{result type 'tensor<?x16xf32>' must equal the input type 'tensor<2x16xf32>'}}
  %y = seq.layer_norm %x : (tensor<2x16xf32>) -> tensor<?x16xf32>
  return
}

// -----

func.func @rms_norm_scale(%x: tensor<2x16xf32>, %g: tensor<8xf32>) {
  // expected-error @+1 {{'scale' must be [d1] = [16], found tensor<8xf32>}}
  %y = seq.rms_norm %x scale(%g) : (tensor<2x16xf32>, tensor<8xf32>) -> tensor<2x16xf32>
  return
}

// -----

func.func @embedding_table(%ids: tensor<2x3xi64>, %t: tensor<100xf32>) {
  // expected-error @+1 {{'table' must have rank 2 (V x E), found 'tensor<100xf32>'}}
  %y = seq.embedding %ids, %t : (tensor<2x3xi64>, tensor<100xf32>) -> tensor<2x3x1xf32>
  return
}

// -----

func.func @embedding_result(%ids: tensor<2x3xi64>, %t: tensor<100x8xf32>) {
  // expected-error @+1 {{'result' must be [d0, d1, E] = [2, 3, 8], found tensor<2x8xf32>}}
  %y = seq.embedding %ids, %t : (tensor<2x3xi64>, tensor<100x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @embedding_result_type(%ids: tensor<2xi64>, %t: tensor<100x8xf32>) {
  // expected-error @+1 {{'result' must have element type 'f32', found 'f16'}}
  %y = seq.embedding %ids, %t : (tensor<2xi64>, tensor<100x8xf32>) -> tensor<2x8xf16>
  return
}

// -----

func.func @embedding_indices(%ids: tensor<2xf32>, %t: tensor<100x8xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of signless integer of 8 to 64 bits values}}
  %y = seq.embedding %ids, %t : (tensor<2xf32>, tensor<100x8xf32>) -> tensor<2x8xf32>
  return
}

// -----

func.func @activation_type(%x: tensor<4xi32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of floating-point values}}
  %y = seq.activation <relu> %x : tensor<4xi32>
  return
}

// -----

func.func @positions_dim(%x: tensor<?x2x8xf32>) {
  // expected-error @+1 {{dim 3 is out of range for 'like' 'tensor<?x2x8xf32>'}}
  %p = seq.positions %x dim(3) : tensor<?x2x8xf32> -> tensor<?xi64>
  return
}

// -----

func.func @positions_length(%x: tensor<5x2x8xf32>) {
  // expected-error @+1 {{'result' must be [T] = [5], found tensor<2xi64>}}
  %p = seq.positions %x dim(0) : tensor<5x2x8xf32> -> tensor<2xi64>
  return
}

// -----

func.func @time_shift_dim(%x: tensor<?x?x8xf32>) {
  // expected-error @+1 {{dim 3 is out of range for 'tensor<?x?x8xf32>'}}
  %y = seq.time_shift %x dim(3) steps(1) : tensor<?x?x8xf32>
  return
}

// -----

func.func @time_shift_steps(%x: tensor<?x?x8xf32>) {
  // expected-error @+1 {{attribute 'steps' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = seq.time_shift %x dim(1) steps(0) : tensor<?x?x8xf32>
  return
}

// -----

// Bool ids would read `true` as -1.
func.func @bool_ids(%ids: tensor<?xi1>, %table: tensor<10x1xf32>) {
  // expected-error @+1 {{operand #0 must be ranked tensor of signless integer of 8 to 64 bits values, but got 'tensor<?xi1>'}}
  %e = seq.embedding %ids, %table {wrap_negative} : (tensor<?xi1>, tensor<10x1xf32>) -> tensor<?x1xf32>
  return
}

// -----

func.func @check_selector_without_messages(%ok: i1, %i: i64) {
  // expected-error @+1 {{takes a selector and its alternative messages together, or neither}}
  "seq.check"(%ok, %i) <{kind = 0 : i32, message = "m", operandSegmentSizes = array<i32: 1, 0, 1>}> : (i1, i64) -> ()
  return
}
