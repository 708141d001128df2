// RUN: seq-opt %s --seq-decompose-recurrences --convert-seq-to-linalg --split-input-file --verify-diagnostics

// Forms the lowering does not handle are errors that say why, not a failure
// further down the pipeline.

func.func @dynamic_heads(%q: tensor<1x?x4x8xf32>) -> tensor<1x?x4x8xf32> {
  // expected-error @+1 {{cannot compile 'seq.attention': query and key/value head counts must be static}}
  %o = seq.attention %q, %q, %q : (tensor<1x?x4x8xf32>, tensor<1x?x4x8xf32>, tensor<1x?x4x8xf32>) -> tensor<1x?x4x8xf32>
  return %o : tensor<1x?x4x8xf32>
}

// -----

func.func @grouped_dynamic_channels(%x: tensor<1x?x10xf32>, %w: tensor<?x2x3xf32>) -> tensor<1x?x8xf32> {
  // expected-error @+1 {{cannot compile 'seq.conv1d': a grouped convolution needs static channel counts}}
  %y = seq.conv1d %x, %w {groups = 2 : i64} : (tensor<1x?x10xf32>, tensor<?x2x3xf32>) -> tensor<1x?x8xf32>
  return %y : tensor<1x?x8xf32>
}

// -----

func.func @causal_dynamic_kernel(%x: tensor<1x4x10xf32>, %w: tensor<4x4x?xf32>) -> tensor<1x4x10xf32> {
  // expected-error @+1 {{cannot compile 'seq.conv1d': a causal convolution needs a static kernel size}}
  %y = seq.conv1d %x, %w {causal} : (tensor<1x4x10xf32>, tensor<4x4x?xf32>) -> tensor<1x4x10xf32>
  return %y : tensor<1x4x10xf32>
}

// -----

func.func @dynamic_projection(%x: tensor<5x2x4xf32>, %w: tensor<1x32x4xf32>, %r: tensor<1x32x?xf32>, %p: tensor<1x?x8xf32>) -> tensor<1x2x8xf32> {
  // expected-error @+1 {{cannot decompose 'seq.lstm': the projection size must be static}}
  %y, %h, %c = seq.lstm %x, %w, %r projection(%p) {hidden_size = 8 : i64}
    : (tensor<5x2x4xf32>, tensor<1x32x4xf32>, tensor<1x32x?xf32>, tensor<1x?x8xf32>) -> (tensor<5x1x2x?xf32>, tensor<1x2x?xf32>, tensor<1x2x8xf32>)
  return %c : tensor<1x2x8xf32>
}
