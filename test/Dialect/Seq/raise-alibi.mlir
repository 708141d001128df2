// RUN: seq-opt %s --split-input-file --seq-raise-alibi | FileCheck %s

// BLOOM's slopes * arange(T): the mask goes, the slopes are the attention's.
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#heads = affine_map<(d0, d1, d2) -> (d0, 0, 0)>
#keys = affine_map<(d0, d1, d2) -> (0, 0, d2)>
// CHECK-LABEL: func.func @key_positions
// CHECK: seq.attention %arg0, %arg1, %arg1 causal(top_left) {alibi_slopes = array<f32: 5.000000e-01, 2.500000e-01>}
// CHECK-NOT: mask(
func.func @key_positions(%q: tensor<?x2x?x4xf32>, %k: tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32> {
  %c0 = arith.constant 0 : index
  %pos = seq.positions %k dim(2) : tensor<?x2x?x4xf32> -> tensor<?xi64>
  %n = tensor.dim %pos, %c0 : tensor<?xi64>
  %e = tensor.expand_shape %pos [[0, 1, 2]] output_shape [1, 1, %n] : tensor<?xi64> into tensor<1x1x?xi64>
  %f0 = tensor.empty(%n) : tensor<1x1x?xf32>
  %f = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%e : tensor<1x1x?xi64>) outs(%f0 : tensor<1x1x?xf32>) {
  ^bb0(%in: i64, %o: f32):
    %v = arith.sitofp %in : i64 to f32
    linalg.yield %v : f32
  } -> tensor<1x1x?xf32>
  %s = arith.constant dense<[[[0.5]], [[0.25]]]> : tensor<2x1x1xf32>
  %m0 = tensor.empty(%n) : tensor<2x1x?xf32>
  %m = linalg.generic {indexing_maps = [#heads, #keys, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %f : tensor<2x1x1xf32>, tensor<1x1x?xf32>) outs(%m0 : tensor<2x1x?xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %b, %a : f32
    linalg.yield %p : f32
  } -> tensor<2x1x?xf32>
  %y = seq.attention %q, %k, %k mask(%m) causal(top_left) : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<2x1x?xf32>) -> tensor<?x2x?x4xf32>
  return %y : tensor<?x2x?x4xf32>
}

// -----

// The same bias without a causal mask (bidirectional: m * j is not
// ALiBi's -m |i - j| there), and with its slopes along the queries' axis:
// both left as written.
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#heads = affine_map<(d0, d1, d2) -> (d0, 0, 0)>
#keys = affine_map<(d0, d1, d2) -> (0, 0, d2)>
#rows = affine_map<(d0, d1, d2) -> (0, d1, 0)>
// CHECK-LABEL: func.func @not_alibi
// CHECK: seq.attention %arg0, %arg1, %arg1 mask(%{{.+}}) :
// CHECK: seq.attention %arg0, %arg1, %arg1 mask(%{{.+}}) causal(top_left) :
func.func @not_alibi(%q: tensor<?x2x3x4xf32>, %k: tensor<?x2x3x4xf32>) -> (tensor<?x2x3x4xf32>, tensor<?x2x3x4xf32>) {
  %pos = seq.positions %k dim(2) : tensor<?x2x3x4xf32> -> tensor<3xi64>
  %e = tensor.expand_shape %pos [[0, 1, 2]] output_shape [1, 1, 3] : tensor<3xi64> into tensor<1x1x3xi64>
  %f0 = tensor.empty() : tensor<1x1x3xf32>
  %f = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%e : tensor<1x1x3xi64>) outs(%f0 : tensor<1x1x3xf32>) {
  ^bb0(%in: i64, %o: f32):
    %v = arith.sitofp %in : i64 to f32
    linalg.yield %v : f32
  } -> tensor<1x1x3xf32>
  %s = arith.constant dense<[[[0.5]], [[0.25]]]> : tensor<2x1x1xf32>
  %m0 = tensor.empty() : tensor<2x1x3xf32>
  %m = linalg.generic {indexing_maps = [#heads, #keys, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %f : tensor<2x1x1xf32>, tensor<1x1x3xf32>) outs(%m0 : tensor<2x1x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    linalg.yield %p : f32
  } -> tensor<2x1x3xf32>
  %y = seq.attention %q, %k, %k mask(%m) : (tensor<?x2x3x4xf32>, tensor<?x2x3x4xf32>, tensor<?x2x3x4xf32>, tensor<2x1x3xf32>) -> tensor<?x2x3x4xf32>
  %r = arith.constant dense<[[[0.5], [0.25], [0.125]]]> : tensor<1x3x1xf32>
  %n0 = tensor.empty() : tensor<1x3x3xf32>
  %n = linalg.generic {indexing_maps = [#rows, #keys, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%r, %f : tensor<1x3x1xf32>, tensor<1x1x3xf32>) outs(%n0 : tensor<1x3x3xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    linalg.yield %p : f32
  } -> tensor<1x3x3xf32>
  %z = seq.attention %q, %k, %k mask(%n) causal(top_left) : (tensor<?x2x3x4xf32>, tensor<?x2x3x4xf32>, tensor<?x2x3x4xf32>, tensor<1x3x3xf32>) -> tensor<?x2x3x4xf32>
  return %y, %z : tensor<?x2x3x4xf32>, tensor<?x2x3x4xf32>
}

// -----

// The paper's slopes * (j - i) of a self-attention's steps, made as [T, T]
// and reshaped to [1, T, T]: ALiBi's slopes. Written i - j, the slopes
// negated; under a bottom-right causal mask (p(i) = i + Lk - Lq) the bias
// differs from ALiBi's by a constant per row: the same slopes.
#id2 = affine_map<(d0, d1) -> (d0, d1)>
#cols = affine_map<(d0, d1) -> (0, d1)>
#rows2 = affine_map<(d0, d1) -> (d0, 0)>
#id3 = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#heads = affine_map<(d0, d1, d2) -> (d0, 0, 0)>
#pairs = affine_map<(d0, d1, d2) -> (0, d1, d2)>
// CHECK-LABEL: func.func @relative
// CHECK: seq.attention %arg0, %arg0, %arg0 causal(top_left) {alibi_slopes = array<f32: 5.000000e-01, 2.500000e-01>}
// CHECK: seq.attention %arg0, %arg0, %arg0 causal(top_left) {alibi_slopes = array<f32: -5.000000e-01, -2.500000e-01>}
// CHECK: seq.attention %arg0, %arg0, %arg0 causal(bottom_right) {alibi_slopes = array<f32: 5.000000e-01, 2.500000e-01>}
func.func @relative(%x: tensor<?x2x?x4xf32>) -> (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>) {
  %c0 = arith.constant 0 : index
  %pos = seq.positions %x dim(2) : tensor<?x2x?x4xf32> -> tensor<?xi64>
  %n = tensor.dim %pos, %c0 : tensor<?xi64>
  %row = tensor.expand_shape %pos [[0, 1]] output_shape [1, %n] : tensor<?xi64> into tensor<1x?xi64>
  %col = tensor.expand_shape %pos [[0, 1]] output_shape [%n, 1] : tensor<?xi64> into tensor<?x1xi64>
  %d0 = tensor.empty(%n, %n) : tensor<?x?xi64>
  %jmi = linalg.generic {indexing_maps = [#cols, #rows2, #id2], iterator_types = ["parallel", "parallel"]} ins(%row, %col : tensor<1x?xi64>, tensor<?x1xi64>) outs(%d0 : tensor<?x?xi64>) {
  ^bb0(%j: i64, %i: i64, %o: i64):
    %v = arith.subi %j, %i : i64
    linalg.yield %v : i64
  } -> tensor<?x?xi64>
  %imj = linalg.generic {indexing_maps = [#cols, #rows2, #id2], iterator_types = ["parallel", "parallel"]} ins(%row, %col : tensor<1x?xi64>, tensor<?x1xi64>) outs(%d0 : tensor<?x?xi64>) {
  ^bb0(%j: i64, %i: i64, %o: i64):
    %v = arith.subi %i, %j : i64
    linalg.yield %v : i64
  } -> tensor<?x?xi64>
  %s = arith.constant dense<[[[0.5]], [[0.25]]]> : tensor<2x1x1xf32>
  %f0 = tensor.empty(%n, %n) : tensor<?x?xf32>
  %m0 = tensor.empty(%n, %n) : tensor<2x?x?xf32>
  %bias = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%jmi : tensor<?x?xi64>) outs(%f0 : tensor<?x?xf32>) {
  ^bb0(%in: i64, %o: f32):
    %v = arith.sitofp %in : i64 to f32
    linalg.yield %v : f32
  } -> tensor<?x?xf32>
  %b3 = tensor.expand_shape %bias [[0, 1], [2]] output_shape [1, %n, %n] : tensor<?x?xf32> into tensor<1x?x?xf32>
  %m = linalg.generic {indexing_maps = [#heads, #pairs, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %b3 : tensor<2x1x1xf32>, tensor<1x?x?xf32>) outs(%m0 : tensor<2x?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    linalg.yield %p : f32
  } -> tensor<2x?x?xf32>
  %rbias = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%imj : tensor<?x?xi64>) outs(%f0 : tensor<?x?xf32>) {
  ^bb0(%in: i64, %o: f32):
    %v = arith.sitofp %in : i64 to f32
    linalg.yield %v : f32
  } -> tensor<?x?xf32>
  %r3 = tensor.expand_shape %rbias [[0, 1], [2]] output_shape [1, %n, %n] : tensor<?x?xf32> into tensor<1x?x?xf32>
  %rm = linalg.generic {indexing_maps = [#heads, #pairs, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %r3 : tensor<2x1x1xf32>, tensor<1x?x?xf32>) outs(%m0 : tensor<2x?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    linalg.yield %p : f32
  } -> tensor<2x?x?xf32>
  %y = seq.attention %x, %x, %x mask(%m) causal(top_left) : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<2x?x?xf32>) -> tensor<?x2x?x4xf32>
  %z = seq.attention %x, %x, %x mask(%rm) causal(top_left) : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<2x?x?xf32>) -> tensor<?x2x?x4xf32>
  %w = seq.attention %x, %x, %x mask(%m) causal(bottom_right) : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<2x?x?xf32>) -> tensor<?x2x?x4xf32>
  return %y, %z, %w : tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>
}
