// RUN: seq-opt %s -split-input-file -verify-diagnostics

func.func @rank(%q: tensor<8x4x16xf32>, %k: tensor<1x8x4x16xf32>, %v: tensor<1x8x4x16xf32>) {
  // expected-error @+1 {{'query' must have rank 4 (B x heads x L x D), found 'tensor<8x4x16xf32>'}}
  %o = seq.attention %q, %k, %v : (tensor<8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @element_type(%q: tensor<1x8x4x16xf32>, %k: tensor<1x8x4x16xf16>, %v: tensor<1x8x4x16xf32>) {
  // expected-error @+1 {{'key' must have element type 'f32', found 'f16'}}
  %o = seq.attention %q, %k, %v : (tensor<1x8x4x16xf32>, tensor<1x8x4x16xf16>, tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @key_dim(%q: tensor<1x8x4x16xf32>, %k: tensor<1x8x4x32xf32>, %v: tensor<1x8x4x16xf32>) {
  // expected-error @+1 {{'key' must be [B, Hkv, Lk, D] = [1, 8, 4, 16], found tensor<1x8x4x32xf32>}}
  %o = seq.attention %q, %k, %v : (tensor<1x8x4x16xf32>, tensor<1x8x4x32xf32>, tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @value_len(%q: tensor<1x8x4x16xf32>, %k: tensor<1x8x4x16xf32>, %v: tensor<1x8x5x16xf32>) {
  // expected-error @+1 {{'value' must be [B, Hkv, Lk, Dv] = [1, 8, 4, 16], found tensor<1x8x5x16xf32>}}
  %o = seq.attention %q, %k, %v : (tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<1x8x5x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @result(%q: tensor<1x8x4x16xf32>, %k: tensor<1x8x6x16xf32>, %v: tensor<1x8x6x8xf32>) {
  // expected-error @+1 {{'result' must be [B, Hq, Lq, Dv] = [1, 8, 4, 8], found tensor<1x8x4x16xf32>}}
  %o = seq.attention %q, %k, %v : (tensor<1x8x4x16xf32>, tensor<1x8x6x16xf32>, tensor<1x8x6x8xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @heads(%q: tensor<1x8x4x16xf32>, %k: tensor<1x3x4x16xf32>, %v: tensor<1x3x4x16xf32>) {
  // expected-error @+1 {{query heads (8) must be a multiple of key/value heads (3)}}
  %o = seq.attention %q, %k, %v : (tensor<1x8x4x16xf32>, tensor<1x3x4x16xf32>, tensor<1x3x4x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @mask_type(%q: tensor<1x8x4x16xf32>, %k: tensor<1x8x4x16xf32>, %v: tensor<1x8x4x16xf32>, %m: tensor<4x4xf16>) {
  // expected-error @+1 {{'mask' must be i1 (keep where true) or 'f32' (added to the scores), found 'f16'}}
  %o = seq.attention %q, %k, %v mask(%m) : (tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<4x4xf16>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @mask_rank(%q: tensor<1x8x4x16xf32>, %k: tensor<1x8x4x16xf32>, %v: tensor<1x8x4x16xf32>, %m: tensor<4xf32>) {
  // expected-error @+1 {{'mask' must have rank 2 to 4 (broadcast to B x Hq x Lq x Lk), found 'tensor<4xf32>'}}
  %o = seq.attention %q, %k, %v mask(%m) : (tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<4xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @mask_dim(%q: tensor<1x8x4x16xf32>, %k: tensor<1x8x6x16xf32>, %v: tensor<1x8x6x16xf32>, %m: tensor<1x4x4xi1>) {
  // expected-error @+1 {{'mask' dimension 2 (4) must be 1 or Lk (6)}}
  %o = seq.attention %q, %k, %v mask(%m) : (tensor<1x8x4x16xf32>, tensor<1x8x6x16xf32>, tensor<1x8x6x16xf32>, tensor<1x4x4xi1>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @window_size(%q: tensor<1x8x4x16xf32>) {
  // expected-error @+1 {{'window' must be [left, right], found 1 value(s)}}
  %o = seq.attention %q, %q, %q {window = array<i64: 4>} : (tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @window_sides(%q: tensor<1x8x4x16xf32>) {
  // expected-error @+1 {{'window' sides must be >= 0, or -1 for unbounded}}
  %o = seq.attention %q, %q, %q {window = array<i64: -2, 0>} : (tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @window_side_too_long(%q: tensor<1x8x4x16xf32>) {
  // expected-error @+1 {{'window' sides must be below 2^62 (use -1 for an unbounded side)}}
  %o = seq.attention %q, %q, %q causal(top_left) {window = array<i64: 9223372036854775806, 0>} : (tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @window_unbounded(%q: tensor<1x8x4x16xf32>) {
  // expected-error @+1 {{'window' is unbounded on both sides; omit it}}
  %o = seq.attention %q, %q, %q {window = array<i64: -1, -1>} : (tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @scale(%q: tensor<1x8x4x16xf32>) {
  // expected-error @+1 {{'scale' must be positive and finite, found 0}}
  %o = seq.attention %q, %q, %q {scale = 0.0 : f32} : (tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @softcap(%q: tensor<1x8x4x16xf32>) {
  // expected-error @+1 {{'softcap' must be positive and finite, found -5}}
  %o = seq.attention %q, %q, %q {softcap = -5.0 : f32} : (tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @causal_keyword(%q: tensor<1x8x4x16xf32>) {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'causal' [top_left, bottom_right]}}
  %o = seq.attention %q, %q, %q causal(diagonal) : (tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @mask_dynamic_against_one(%q: tensor<?x1x4x16xf32>, %m: tensor<?x?x4x4xf32>) {
  // expected-error @+1 {{'mask' dimension 1 is dynamic, but Hq is 1: give the mask a static 1 there}}
  %o = seq.attention %q, %q, %q mask(%m) : (tensor<?x1x4x16xf32>, tensor<?x1x4x16xf32>, tensor<?x1x4x16xf32>, tensor<?x?x4x4xf32>) -> tensor<?x1x4x16xf32>
  return
}

// -----

func.func @alibi_count(%q: tensor<1x8x4x16xf32>) {
  // expected-error @+1 {{'alibi_slopes' must have one slope per query head (8), found 2}}
  %o = seq.attention %q, %q, %q {alibi_slopes = array<f32: 0.5, 0.25>} : (tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>, tensor<1x8x4x16xf32>) -> tensor<1x8x4x16xf32>
  return
}

// -----

func.func @alibi_dynamic_heads(%q: tensor<1x?x4x16xf32>) {
  // expected-error @+1 {{'alibi_slopes' needs a static number of query heads}}
  %o = seq.attention %q, %q, %q {alibi_slopes = array<f32: 0.5>} : (tensor<1x?x4x16xf32>, tensor<1x?x4x16xf32>, tensor<1x?x4x16xf32>) -> tensor<1x?x4x16xf32>
  return
}

// -----

func.func @alibi_not_finite(%q: tensor<1x2x4x16xf32>) {
  // expected-error @+1 {{'alibi_slopes' must be finite, found INF}}
  %o = seq.attention %q, %q, %q {alibi_slopes = array<f32: 0.5, 0x7F800000>} : (tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>) -> tensor<1x2x4x16xf32>
  return
}

// -----

func.func @relative_bias_rank(%q: tensor<1x2x4x16xf32>, %t: tensor<2x3x1xf32>) {
  // expected-error @+1 {{'relative_bias' must be a [Hq, 2R + 1] table, found 'tensor<2x3x1xf32>'}}
  %o = seq.attention %q, %q, %q relative_bias(%t) : (tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>, tensor<2x3x1xf32>) -> tensor<1x2x4x16xf32>
  return
}

// -----

func.func @relative_bias_rows(%q: tensor<1x2x4x16xf32>, %t: tensor<?x3xf32>) {
  // expected-error @+1 {{'relative_bias' must have one row per query head, a static number, found 'tensor<?x3xf32>' for 'tensor<1x2x4x16xf32>'}}
  %o = seq.attention %q, %q, %q relative_bias(%t) : (tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>, tensor<?x3xf32>) -> tensor<1x2x4x16xf32>
  return
}

// -----

func.func @relative_bias_even(%q: tensor<1x2x4x16xf32>, %t: tensor<2x4xf32>) {
  // expected-error @+1 {{'relative_bias' must have a static, odd number of columns (distances -R .. R), found 'tensor<2x4xf32>'}}
  %o = seq.attention %q, %q, %q relative_bias(%t) : (tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>, tensor<2x4xf32>) -> tensor<1x2x4x16xf32>
  return
}

// -----

func.func @relative_bias_type(%q: tensor<1x2x4x16xf32>, %t: tensor<2x3xf16>) {
  // expected-error @+1 {{'relative_bias' must have element type 'f32', found 'f16'}}
  %o = seq.attention %q, %q, %q relative_bias(%t) : (tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>, tensor<2x3xf16>) -> tensor<1x2x4x16xf32>
  return
}

// -----

// Zero heads or a zero head size: the head map divides by Hkv.
func.func @no_kv_heads(%q: tensor<1x2x4x8xf32>, %k: tensor<1x0x4x8xf32>, %v: tensor<1x0x4x8xf32>) {
  // expected-error @+1 {{the key/value head count Hkv is 0; it must be at least 1}}
  %o = seq.attention %q, %k, %v : (tensor<1x2x4x8xf32>, tensor<1x0x4x8xf32>, tensor<1x0x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @empty_head(%q: tensor<1x2x4x0xf32>, %v: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{the head size D is 0; it must be at least 1}}
  %o = seq.attention %q, %q, %v : (tensor<1x2x4x0xf32>, tensor<1x2x4x0xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @no_positions(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{attribute 'max_positions' failed to satisfy constraint: 64-bit signless integer attribute whose value is positive}}
  %o = seq.attention %q, %q, %q {max_positions = 0 : i64} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

// min_row_max is compared with each row's largest score: NaN would pass
// every row, infinity none.
func.func @nan_row_floor(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'min_row_max' must be finite, found nan}}
  %o = seq.attention %q, %q, %q {min_row_max = 0x7FC00000 : f32} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}

// -----

func.func @infinite_row_floor(%q: tensor<1x2x4x8xf32>) {
  // expected-error @+1 {{'min_row_max' must be finite, found INF}}
  %o = seq.attention %q, %q, %q {min_row_max = 0x7F800000 : f32} : (tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32>
  return
}
