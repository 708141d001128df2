// RUN: seq-opt %s -split-input-file -verify-diagnostics

func.func @input_rank(%x: tensor<16x10xf32>, %w: tensor<8x16x3xf32>) {
  // expected-error @+1 {{'input' must have rank 3 (B x Cin x T), found 'tensor<16x10xf32>'}}
  %y = seq.conv1d %x, %w : (tensor<16x10xf32>, tensor<8x16x3xf32>) -> tensor<1x8x8xf32>
  return
}

// -----

func.func @weight_rank(%x: tensor<1x16x10xf32>, %w: tensor<8x16xf32>) {
  // expected-error @+1 {{'weight' must have rank 3 (Cout x Cin/groups x K), found 'tensor<8x16xf32>'}}
  %y = seq.conv1d %x, %w : (tensor<1x16x10xf32>, tensor<8x16xf32>) -> tensor<1x8x8xf32>
  return
}

// -----

func.func @groups_in(%x: tensor<1x15x10xf32>, %w: tensor<8x5x3xf32>) {
  // expected-error @+1 {{input channels (15) must be divisible by groups (2)}}
  %y = seq.conv1d %x, %w {groups = 2 : i64} : (tensor<1x15x10xf32>, tensor<8x5x3xf32>) -> tensor<1x8x8xf32>
  return
}

// -----

func.func @groups_out(%x: tensor<1x16x10xf32>, %w: tensor<9x8x3xf32>) {
  // expected-error @+1 {{output channels (9) must be divisible by groups (2)}}
  %y = seq.conv1d %x, %w {groups = 2 : i64} : (tensor<1x16x10xf32>, tensor<9x8x3xf32>) -> tensor<1x9x8xf32>
  return
}

// -----

func.func @weight_channels(%x: tensor<1x16x10xf32>, %w: tensor<8x16x3xf32>) {
  // expected-error @+1 {{'weight' must be [Cout, Cin/groups, K] = [8, 8, 3], found tensor<8x16x3xf32>}}
  %y = seq.conv1d %x, %w {groups = 2 : i64} : (tensor<1x16x10xf32>, tensor<8x16x3xf32>) -> tensor<1x8x8xf32>
  return
}

// -----

func.func @bias(%x: tensor<1x16x10xf32>, %w: tensor<8x16x3xf32>, %b: tensor<16xf32>) {
  // expected-error @+1 {{'bias' must be [Cout] = [8], found tensor<16xf32>}}
  %y = seq.conv1d %x, %w bias(%b) : (tensor<1x16x10xf32>, tensor<8x16x3xf32>, tensor<16xf32>) -> tensor<1x8x8xf32>
  return
}

// -----

func.func @causal_and_padding(%x: tensor<1x16x10xf32>, %w: tensor<8x16x3xf32>) {
  // expected-error @+1 {{'causal' fixes the padding; do not also give 'padding'}}
  %y = seq.conv1d %x, %w {causal, padding = array<i64: 2, 0>} : (tensor<1x16x10xf32>, tensor<8x16x3xf32>) -> tensor<1x8x10xf32>
  return
}

// -----

func.func @padding(%x: tensor<1x16x10xf32>, %w: tensor<8x16x3xf32>) {
  // expected-error @+1 {{'padding' must be two non-negative sizes [left, right]}}
  %y = seq.conv1d %x, %w {padding = array<i64: -1, 1>} : (tensor<1x16x10xf32>, tensor<8x16x3xf32>) -> tensor<1x8x8xf32>
  return
}

// -----

func.func @stride(%x: tensor<1x16x10xf32>, %w: tensor<8x16x3xf32>) {
  // expected-error @+1 {{attribute 'stride' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %y = seq.conv1d %x, %w {stride = 0 : i64} : (tensor<1x16x10xf32>, tensor<8x16x3xf32>) -> tensor<1x8x8xf32>
  return
}

// -----

func.func @element_type(%x: tensor<1x16x10xf32>, %w: tensor<8x16x3xbf16>) {
  // expected-error @+1 {{'weight' must have element type 'f32', found 'bf16'}}
  %y = seq.conv1d %x, %w : (tensor<1x16x10xf32>, tensor<8x16x3xbf16>) -> tensor<1x8x8xf32>
  return
}

// -----

func.func @too_short(%x: tensor<1x16x4xf32>, %w: tensor<8x16x3xf32>) {
  // expected-error @+1 {{the dilated kernel (7 steps) is longer than the padded input (4 steps)}}
  %y = seq.conv1d %x, %w {dilation = 3 : i64} : (tensor<1x16x4xf32>, tensor<8x16x3xf32>) -> tensor<1x8x1xf32>
  return
}

// -----

func.func @result(%x: tensor<1x16x10xf32>, %w: tensor<8x16x3xf32>) {
  // expected-error @+1 {{'result' must be [B, Cout, Tout] = [1, 8, 10], found tensor<1x8x8xf32>}}
  %y = seq.conv1d %x, %w {causal} : (tensor<1x16x10xf32>, tensor<8x16x3xf32>) -> tensor<1x8x8xf32>
  return
}

// -----

func.func @huge_padding(%x: tensor<?x2x?xf32>, %w: tensor<4x2x3xf32>) {
  // expected-error @+1 {{'padding' must be at most 2147483647 on each side, found 1152921504606846976}}
  %y = seq.conv1d %x, %w {padding = array<i64: 1152921504606846976, 0>} : (tensor<?x2x?xf32>, tensor<4x2x3xf32>) -> tensor<?x4x?xf32>
  return
}

// -----

func.func @huge_dilation(%x: tensor<?x2x?xf32>, %w: tensor<4x2x3xf32>) {
  // expected-error @+1 {{'dilation' must be at most 2147483647, found 9223372036854775807}}
  %y = seq.conv1d %x, %w {dilation = 9223372036854775807 : i64} : (tensor<?x2x?xf32>, tensor<4x2x3xf32>) -> tensor<?x4x?xf32>
  return
}

// -----

// A zero channel count would leave the lowering slicing an empty dimension.
func.func @no_input_channels(%x: tensor<?x0x?xf32>, %w: tensor<4x0x3xf32>) {
  // expected-error @+1 {{the input channel count Cin is 0; it must be at least 1}}
  %y = seq.conv1d %x, %w {causal} : (tensor<?x0x?xf32>, tensor<4x0x3xf32>) -> tensor<?x4x?xf32>
  return
}
