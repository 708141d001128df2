// RUN: seq-opt %s -split-input-file -verify-diagnostics

// Every verifier message of the NTM memory ops (seq.content_address,
// seq.address_interpolate, seq.address_shift, seq.address_sharpen,
// seq.memory_read, seq.memory_write).

func.func @memory_rank(%m: tensor<2x16xf32>, %k: tensor<2x1x12xf32>, %s: tensor<2x1xf32>) {
  // expected-error @+1 {{'memory' must be [B, N, W], found 'tensor<2x16xf32>'}}
  %w = seq.content_address %m, %k, %s : (tensor<2x16xf32>, tensor<2x1x12xf32>, tensor<2x1xf32>) -> tensor<2x1x16xf32>
  return
}

// -----

func.func @key_width(%m: tensor<2x16x12xf32>, %k: tensor<2x1x10xf32>, %s: tensor<2x1xf32>) {
  // expected-error @+1 {{'key' must be [B, H, W] = [2, 1, 12], found tensor<2x1x10xf32>}}
  %w = seq.content_address %m, %k, %s : (tensor<2x16x12xf32>, tensor<2x1x10xf32>, tensor<2x1xf32>) -> tensor<2x1x16xf32>
  return
}

// -----

func.func @strength_heads(%m: tensor<2x16x12xf32>, %k: tensor<2x3x12xf32>, %s: tensor<2x1xf32>) {
  // expected-error @+1 {{'strength' must be [B, H] = [2, 3], found tensor<2x1xf32>}}
  %w = seq.content_address %m, %k, %s : (tensor<2x16x12xf32>, tensor<2x3x12xf32>, tensor<2x1xf32>) -> tensor<2x3x16xf32>
  return
}

// -----

func.func @result_rows(%m: tensor<?x16x12xf32>, %k: tensor<?x1x12xf32>, %s: tensor<?x1xf32>) {
  // expected-error @+1 {{'result' must be [B, H, N] = [?, 1, 16], found tensor<?x1x8xf32>}}
  %w = seq.content_address %m, %k, %s : (tensor<?x16x12xf32>, tensor<?x1x12xf32>, tensor<?x1xf32>) -> tensor<?x1x8xf32>
  return
}

// -----

func.func @epsilon(%m: tensor<2x16x12xf32>, %k: tensor<2x1x12xf32>, %s: tensor<2x1xf32>) {
  // expected-error @+1 {{epsilon must not be negative, found -1.000000e-08}}
  %w = seq.content_address %m, %k, %s {epsilon = -1.0e-8 : f32} : (tensor<2x16x12xf32>, tensor<2x1x12xf32>, tensor<2x1xf32>) -> tensor<2x1x16xf32>
  return
}

// -----

func.func @element_type(%m: tensor<2x16x12xf32>, %k: tensor<2x1x12xf16>, %s: tensor<2x1xf32>) {
  // expected-error @+1 {{must have element type 'f32'}}
  %w = seq.content_address %m, %k, %s : (tensor<2x16x12xf32>, tensor<2x1x12xf16>, tensor<2x1xf32>) -> tensor<2x1x16xf32>
  return
}

// -----

func.func @interpolate_previous(%c: tensor<2x1x16xf32>, %p: tensor<2x1x15xf32>, %g: tensor<2x1xf32>) {
  // expected-error @+1 {{'previous' must be [B, H, N] = [2, 1, 16], found tensor<2x1x15xf32>}}
  %w = seq.address_interpolate %c, %p, %g : (tensor<2x1x16xf32>, tensor<2x1x15xf32>, tensor<2x1xf32>) -> tensor<2x1x16xf32>
  return
}

// -----

func.func @interpolate_gate(%c: tensor<2x1x16xf32>, %g: tensor<2x1x1xf32>) {
  // expected-error @+1 {{'gate' must be [B, H], found 'tensor<2x1x1xf32>'}}
  %w = seq.address_interpolate %c, %c, %g : (tensor<2x1x16xf32>, tensor<2x1x16xf32>, tensor<2x1x1xf32>) -> tensor<2x1x16xf32>
  return
}

// -----

func.func @shift_even(%w: tensor<2x1x16xf32>, %s: tensor<2x1x4xf32>) {
  // expected-error @+1 {{the shift kernel size S must be static and odd (offsets -(S-1)/2 .. (S-1)/2), found 'tensor<2x1x4xf32>'}}
  %r = seq.address_shift %w, %s : (tensor<2x1x16xf32>, tensor<2x1x4xf32>) -> tensor<2x1x16xf32>
  return
}

// -----

func.func @shift_dynamic(%w: tensor<2x1x16xf32>, %s: tensor<2x1x?xf32>) {
  // expected-error @+1 {{the shift kernel size S must be static and odd}}
  %r = seq.address_shift %w, %s : (tensor<2x1x16xf32>, tensor<2x1x?xf32>) -> tensor<2x1x16xf32>
  return
}

// -----

func.func @shift_heads(%w: tensor<2x1x16xf32>, %s: tensor<2x2x3xf32>) {
  // expected-error @+1 {{'shift' must be [B, H, S] = [2, 1, 3], found tensor<2x2x3xf32>}}
  %r = seq.address_shift %w, %s : (tensor<2x1x16xf32>, tensor<2x2x3xf32>) -> tensor<2x1x16xf32>
  return
}

// -----

func.func @sharpen_gamma(%w: tensor<2x1x16xf32>, %g: tensor<3x1xf32>) {
  // expected-error @+1 {{'gamma' must be [B, H] = [2, 1], found tensor<3x1xf32>}}
  %r = seq.address_sharpen %w, %g : (tensor<2x1x16xf32>, tensor<3x1xf32>) -> tensor<2x1x16xf32>
  return
}

// -----

func.func @sharpen_epsilon(%w: tensor<2x1x16xf32>, %g: tensor<2x1xf32>) {
  // expected-error @+1 {{epsilon must not be negative, found -1.000000e+00}}
  %r = seq.address_sharpen %w, %g {epsilon = -1.0 : f32} : (tensor<2x1x16xf32>, tensor<2x1xf32>) -> tensor<2x1x16xf32>
  return
}

// -----

func.func @read_rows(%m: tensor<2x16x12xf32>, %w: tensor<2x1x8xf32>) {
  // expected-error @+1 {{'weights' must be [B, H, N] = [2, 1, 16], found tensor<2x1x8xf32>}}
  %r = seq.memory_read %m, %w : (tensor<2x16x12xf32>, tensor<2x1x8xf32>) -> tensor<2x1x12xf32>
  return
}

// -----

func.func @read_result(%m: tensor<2x16x12xf32>, %w: tensor<2x1x16xf32>) {
  // expected-error @+1 {{'result' must be [B, H, W] = [2, 1, 12], found tensor<2x1x16xf32>}}
  %r = seq.memory_read %m, %w : (tensor<2x16x12xf32>, tensor<2x1x16xf32>) -> tensor<2x1x16xf32>
  return
}

// -----

func.func @write_erase(%m: tensor<2x16x12xf32>, %w: tensor<2x1x16xf32>, %e: tensor<2x1x11xf32>, %a: tensor<2x1x12xf32>) {
  // expected-error @+1 {{'erase' must be [B, H, W] = [2, 1, 12], found tensor<2x1x11xf32>}}
  %r = seq.memory_write %m, %w, %e, %a : (tensor<2x16x12xf32>, tensor<2x1x16xf32>, tensor<2x1x11xf32>, tensor<2x1x12xf32>) -> tensor<2x16x12xf32>
  return
}

// -----

func.func @write_add_heads(%m: tensor<2x16x12xf32>, %w: tensor<2x1x16xf32>, %e: tensor<2x1x12xf32>, %a: tensor<2x2x12xf32>) {
  // expected-error @+1 {{'add' must be [B, H, W] = [2, 1, 12], found tensor<2x2x12xf32>}}
  %r = seq.memory_write %m, %w, %e, %a : (tensor<2x16x12xf32>, tensor<2x1x16xf32>, tensor<2x1x12xf32>, tensor<2x2x12xf32>) -> tensor<2x16x12xf32>
  return
}

// -----

func.func @write_result(%m: tensor<2x16x12xf32>, %w: tensor<2x1x16xf32>, %a: tensor<2x1x12xf32>) {
  // expected-error @+1 {{'result' must be [B, N, W] = [2, 16, 12], found tensor<2x12x16xf32>}}
  %r = seq.memory_write %m, %w, %a, %a : (tensor<2x16x12xf32>, tensor<2x1x16xf32>, tensor<2x1x12xf32>, tensor<2x1x12xf32>) -> tensor<2x12x16xf32>
  return
}
