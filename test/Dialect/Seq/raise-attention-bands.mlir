// RUN: seq-opt %s --seq-raise-attention --split-input-file | FileCheck %s

// Masks that only depend on j - i (key j, query i) become seq.attention's
// `causal` and `window` (AttentionMasks.h): the lowering then skips the
// hidden keys instead of reading a dense mask. Rank-3 [N, L, E] products
// (one head per batch row): the op gets a unit head dimension around it.

// A stored bool band tril().triu(-1) (each query sees itself and the key
// before, Mistral's sliding window), kept by where(): causal, window 1
// back. No check is left: the constant's extents are the scores'.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @window_buffer
// CHECK-NOT: seq.check
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, scale = 1.000000e+00 : f32, window = array<i64: 1, 0>}
// CHECK-NOT: linalg.softmax
func.func @window_buffer(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [false, true, true, false], [false, false, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// ONNX's Trilu(Trilu(ones, upper, -1), lower, 1) (the key on each side),
// kept with finfo.min: a window 1 back and 1 ahead, no causal. The fill is
// finite, but every row keeps its own key (Lq = Lk = 4).
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @local_trilu
// CHECK: seq.attention {{.+}} {empty_row_nan, scale = 1.000000e+00 : f32, window = array<i64: 1, 1>}
// CHECK-NOT: linalg.softmax
func.func @local_trilu(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %true = arith.constant true
  %e2 = tensor.empty() : tensor<4x4xi1>
  %ones = linalg.fill ins(%true : i1) outs(%e2 : tensor<4x4xi1>) -> tensor<4x4xi1>
  %up = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%ones : tensor<4x4xi1>) outs(%e2 : tensor<4x4xi1>) {
  ^bb0(%a: i1, %o: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %d = arith.subi %j, %i : index
    %k = arith.constant -1 : index
    %in = arith.cmpi sge, %d, %k : index
    %z = arith.constant false
    %r = arith.select %in, %a, %z : i1
    linalg.yield %r : i1
  } -> tensor<4x4xi1>
  %band = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%up : tensor<4x4xi1>) outs(%e2 : tensor<4x4xi1>) {
  ^bb0(%a: i1, %o: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %d = arith.subi %j, %i : index
    %k = arith.constant 1 : index
    %in = arith.cmpi sle, %d, %k : index
    %z = arith.constant false
    %r = arith.select %in, %a, %z : i1
    linalg.yield %r : i1
  } -> tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -3.40282347E+38 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// Rows 2..5 of a stored 6x6 tril: query i sees keys up to i + 2, a
// window 2 ahead without causal.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @shifted_slice
// CHECK: seq.attention {{.+}} {empty_row_nan, scale = 1.000000e+00 : f32, window = array<i64: -1, 2>}
func.func @shifted_slice(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %tril = arith.constant dense<[[true, false, false, false, false, false], [true, true, false, false, false, false], [true, true, true, false, false, false], [true, true, true, true, false, false], [true, true, true, true, true, false], [true, true, true, true, true, true]]> : tensor<6x6xi1>
  %rows = tensor.extract_slice %tril[2, 0] [4, 4] [1, 1] : tensor<6x6xi1> to tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%rows, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// triu(full(-inf), 1) and tril(full(-inf), -2) added one after the
// other: the bands intersect to causal with a window 1 back.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @two_additive
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, scale = 1.000000e+00 : f32, window = array<i64: 1, 0>}
func.func @two_additive(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %causal = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  %far = arith.constant dense<[[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0xFF800000, 0.0, 0.0, 0.0], [0xFF800000, 0xFF800000, 0.0, 0.0]]> : tensor<4x4xf32>
  %w1 = linalg.generic {indexing_maps = [#id3, #m2, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %causal : tensor<2x4x4xf32>, tensor<4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %r = arith.addf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %w = linalg.generic {indexing_maps = [#id3, #m2, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w1, %far : tensor<2x4x4xf32>, tensor<4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %r = arith.addf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// masked_fill(triu(ones, 1) | tril(ones, -2), -inf), the two hidden
// regions or-ed: causal, window 1 back.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @or_masked
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, scale = 1.000000e+00 : f32, window = array<i64: 1, 0>}
func.func @or_masked(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %above = arith.constant dense<[[false, true, true, true], [false, false, true, true], [false, false, false, true], [false, false, false, false]]> : tensor<4x4xi1>
  %far = arith.constant dense<[[false, false, false, false], [false, false, false, false], [true, false, false, false], [true, true, false, false]]> : tensor<4x4xi1>
  %e2 = tensor.empty() : tensor<4x4xi1>
  %hidden = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%above, %far : tensor<4x4xi1>, tensor<4x4xi1>) outs(%e2 : tensor<4x4xi1>) {
  ^bb0(%a: i1, %b: i1, %o: i1):
    %r = arith.ori %a, %b : i1
    linalg.yield %r : i1
  } -> tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%hidden, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %f, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// tril(ones, -1) keeps only keys strictly before the query: row 0 keeps
// none (PyTorch's NaN, or the mean of v under a finite fill), which no
// window says. Left as written.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @strict_causal
// CHECK-NOT: seq.attention
// CHECK: linalg.softmax
func.func @strict_causal(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %before = arith.constant dense<[[false, false, false, false], [true, false, false, false], [true, true, false, false], [true, true, true, false]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%before, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// A keep mask that is no band (key 1 hidden from query 3, key 0 not from query 2) stays the
// op's dense mask.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @not_a_band
// CHECK: %[[M:.+]] = arith.constant dense<{{.+}}> : tensor<4x4xi1>
// CHECK: seq.attention {{.+}} mask(%[[M]]) {empty_row_nan, scale = 1.000000e+00 : f32}
func.func @not_a_band(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %odd = arith.constant dense<[[true, true, true, true], [true, true, true, true], [true, true, true, true], [true, false, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%odd, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// A finite fill (finfo.min) with a window whose rows may keep no key: with
// Lq and Lk run-time sizes not known to be equal, a query past Lk + 1 sees
// none, and PyTorch's row is then the mean of v. Left as written.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @finite_window_unknown_lengths
// CHECK-NOT: seq.attention
// CHECK: linalg.softmax
func.func @finite_window_unknown_lengths(%q: tensor<2x?x8xf32>, %kt: tensor<2x8x?xf32>, %v: tensor<2x?x8xf32>, %lq: index, %lk: index) -> tensor<2x?x8xf32> {
  %zero = arith.constant 0.0 : f32
  %true = arith.constant true
  %es = tensor.empty(%lq, %lk) : tensor<2x?x?xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x?x8xf32>, tensor<2x8x?xf32>) outs(%zs : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %e2 = tensor.empty(%lq, %lk) : tensor<?x?xi1>
  %ones = linalg.fill ins(%true : i1) outs(%e2 : tensor<?x?xi1>) -> tensor<?x?xi1>
  %up = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%ones : tensor<?x?xi1>) outs(%e2 : tensor<?x?xi1>) {
  ^bb0(%a: i1, %o: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %d = arith.subi %j, %i : index
    %k = arith.constant -1 : index
    %in = arith.cmpi sge, %d, %k : index
    %z = arith.constant false
    %r = arith.select %in, %a, %z : i1
    linalg.yield %r : i1
  } -> tensor<?x?xi1>
  %band = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%up : tensor<?x?xi1>) outs(%e2 : tensor<?x?xi1>) {
  ^bb0(%a: i1, %o: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %d = arith.subi %j, %i : index
    %k = arith.constant 0 : index
    %in = arith.cmpi sle, %d, %k : index
    %z = arith.constant false
    %r = arith.select %in, %a, %z : i1
    linalg.yield %r : i1
  } -> tensor<?x?xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %s : tensor<?x?xi1>, tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -3.40282347E+38 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x?x?xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %eo = tensor.empty(%lq) : tensor<2x?x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x?x8xf32>) -> tensor<2x?x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x?x?xf32>, tensor<2x?x8xf32>) outs(%zo : tensor<2x?x8xf32>) -> tensor<2x?x8xf32>
  return %o : tensor<2x?x8xf32>
}

// -----

// The same with one run-time length for both (the mask built [L, L]): every
// query keeps its own key, so the finite fill is exact as a window, and the
// mask's extents are checked against the scores'.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @finite_window_square
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, scale = 1.000000e+00 : f32, window = array<i64: 1, 0>}
// CHECK: seq.check {{.+}} "attention mask at {{.+}} dimension 0 is {}, but the scores make it a different size"
func.func @finite_window_square(%q: tensor<2x?x8xf32>, %kt: tensor<2x8x?xf32>, %v: tensor<2x?x8xf32>, %l: index) -> tensor<2x?x8xf32> {
  %zero = arith.constant 0.0 : f32
  %true = arith.constant true
  %es = tensor.empty(%l, %l) : tensor<2x?x?xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x?x8xf32>, tensor<2x8x?xf32>) outs(%zs : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %e2 = tensor.empty(%l, %l) : tensor<?x?xi1>
  %ones = linalg.fill ins(%true : i1) outs(%e2 : tensor<?x?xi1>) -> tensor<?x?xi1>
  %up = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%ones : tensor<?x?xi1>) outs(%e2 : tensor<?x?xi1>) {
  ^bb0(%a: i1, %o: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %d = arith.subi %j, %i : index
    %k = arith.constant -1 : index
    %in = arith.cmpi sge, %d, %k : index
    %z = arith.constant false
    %r = arith.select %in, %a, %z : i1
    linalg.yield %r : i1
  } -> tensor<?x?xi1>
  %band = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%up : tensor<?x?xi1>) outs(%e2 : tensor<?x?xi1>) {
  ^bb0(%a: i1, %o: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %d = arith.subi %j, %i : index
    %k = arith.constant 0 : index
    %in = arith.cmpi sle, %d, %k : index
    %z = arith.constant false
    %r = arith.select %in, %a, %z : i1
    linalg.yield %r : i1
  } -> tensor<?x?xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %s : tensor<?x?xi1>, tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -3.40282347E+38 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x?x?xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %eo = tensor.empty(%l) : tensor<2x?x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x?x8xf32>) -> tensor<2x?x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x?x?xf32>, tensor<2x?x8xf32>) outs(%zo : tensor<2x?x8xf32>) -> tensor<2x?x8xf32>
  return %o : tensor<2x?x8xf32>
}

// -----

// Hugging Face GPT-2: the scores divided by v.size(-1) ** 0.5 computed at
// run time from a static size (from_elements, sitofp, powf: evaluated by
// the ops' folders, 2), and the stored tril buffer sliced at row offset
// Lk - Lq, written dim(kt, 2) - dim(q, 1). Both are the length of %x
// (kt is %x transposed), so the offset is 0 on every run: top-left causal,
// the finfo.min fill exact (every row keeps key 0), the dropped slice's
// extents checked at run time against the scores'.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#s3 = affine_map<(n, i, j) -> ()>
#s0 = affine_map<() -> ()>
// CHECK-LABEL: func.func @hf_gpt2_offset
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, scale = 5.000000e-01 : f32}
// CHECK-COUNT-2: seq.check
// CHECK-NOT: linalg.softmax
func.func @hf_gpt2_offset(%x: tensor<2x?x4xf32>, %v: tensor<2x?x4xf32>) -> tensor<2x?x4xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %len = tensor.dim %x, %c1 : tensor<2x?x4xf32>
  %et = tensor.empty(%len) : tensor<2x4x?xf32>
  %kt = linalg.transpose ins(%x : tensor<2x?x4xf32>) outs(%et : tensor<2x4x?xf32>) permutation = [0, 2, 1]
  %lq = tensor.dim %x, %c1 : tensor<2x?x4xf32>
  %lk = tensor.dim %kt, %c2 : tensor<2x4x?xf32>
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty(%lq, %lk) : tensor<2x?x?xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %s = linalg.batch_matmul ins(%x, %kt : tensor<2x?x4xf32>, tensor<2x4x?xf32>) outs(%zs : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %c4 = arith.constant 4 : index
  %i4 = arith.index_cast %c4 : index to i64
  %size = tensor.from_elements %i4 : tensor<i64>
  %e0 = tensor.empty() : tensor<f32>
  %fsize = linalg.generic {indexing_maps = [#s0, #s0], iterator_types = []} ins(%size : tensor<i64>) outs(%e0 : tensor<f32>) {
  ^bb0(%a: i64, %o: f32):
    %r = arith.sitofp %a : i64 to f32
    linalg.yield %r : f32
  } -> tensor<f32>
  %half = arith.constant dense<5.000000e-01> : tensor<f32>
  %root = linalg.generic {indexing_maps = [#s0, #s0, #s0], iterator_types = []} ins(%fsize, %half : tensor<f32>, tensor<f32>) outs(%e0 : tensor<f32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = math.powf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<f32>
  %scaled = linalg.generic {indexing_maps = [#id3, #s3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %root : tensor<2x?x?xf32>, tensor<f32>) outs(%es : tensor<2x?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.divf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x?x?xf32>
  %tril = arith.constant dense<[[true, false, false, false, false, false], [true, true, false, false, false, false], [true, true, true, false, false, false], [true, true, true, true, false, false], [true, true, true, true, true, false], [true, true, true, true, true, true]]> : tensor<6x6xi1>
  %offset = arith.subi %lk, %lq : index
  %rows = tensor.extract_slice %tril[%offset, 0] [%lq, %lk] [1, 1] : tensor<6x6xi1> to tensor<?x?xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%rows, %scaled : tensor<?x?xi1>, tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -3.40282347E+38 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x?x?xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %eo = tensor.empty(%lq) : tensor<2x?x4xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x?x?xf32>, tensor<2x?x4xf32>) outs(%zo : tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  return %o : tensor<2x?x4xf32>
}

// -----

// The same slice when the keys are not the queries (a key/value cache:
// Lk - Lq differs from run to run) would be bottom-right causal only
// where the offset is Lk - Lq >= 0, which is not known here: not raised.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @kv_cache_offset
// CHECK-NOT: seq.attention
// CHECK: linalg.softmax
func.func @kv_cache_offset(%q: tensor<2x?x4xf32>, %kt: tensor<2x4x?xf32>, %v: tensor<2x?x4xf32>) -> tensor<2x?x4xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %lq = tensor.dim %q, %c1 : tensor<2x?x4xf32>
  %lk = tensor.dim %kt, %c2 : tensor<2x4x?xf32>
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty(%lq, %lk) : tensor<2x?x?xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x?x4xf32>, tensor<2x4x?xf32>) outs(%zs : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %tril = arith.constant dense<[[true, false, false, false, false, false], [true, true, false, false, false, false], [true, true, true, false, false, false], [true, true, true, true, false, false], [true, true, true, true, true, false], [true, true, true, true, true, true]]> : tensor<6x6xi1>
  %offset = arith.subi %lk, %lq : index
  %rows = tensor.extract_slice %tril[%offset, 0] [%lq, %lk] [1, 1] : tensor<6x6xi1> to tensor<?x?xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%rows, %s : tensor<?x?xi1>, tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x?x?xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %eo = tensor.empty(%lq) : tensor<2x?x4xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x?x?xf32>, tensor<2x?x4xf32>) outs(%zo : tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  return %o : tensor<2x?x4xf32>
}

// -----

// A causal mask built at run time by comparing positions (ONNX Range, a
// linalg.index generic): keep where pos[j] <= pos[i].
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id1 = affine_map<(d) -> (d)>
#col = affine_map<(i, j) -> (j)>
#row = affine_map<(i, j) -> (i)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @arange_causal
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, scale = 1.000000e+00 : f32}
// CHECK-NOT: linalg.softmax
func.func @arange_causal(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %e1 = tensor.empty() : tensor<4xi64>
  %pos = linalg.generic {indexing_maps = [#id1], iterator_types = ["parallel"]} outs(%e1 : tensor<4xi64>) {
  ^bb0(%o: i64):
    %i = linalg.index 0 : index
    %p = arith.index_cast %i : index to i64
    linalg.yield %p : i64
  } -> tensor<4xi64>
  %eb = tensor.empty() : tensor<4x4xi1>
  %keep = linalg.generic {indexing_maps = [#col, #row, #id2], iterator_types = ["parallel", "parallel"]} ins(%pos, %pos : tensor<4xi64>, tensor<4xi64>) outs(%eb : tensor<4x4xi1>) {
  ^bb0(%a: i64, %b: i64, %o: i1):
    %r = arith.cmpi sle, %a, %b : i64
    linalg.yield %r : i1
  } -> tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%keep, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// Hugging Face's _make_causal_mask: full(finfo.min).masked_fill_(
// pos < (pos + 1).view(T, 1), 0), unsqueezed to [1, T, T] and added; then
// LLaMA/OPT's torch.max(w, finfo.min). Causal with a finite fill (every
// row keeps key 0).
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#b3 = affine_map<(n, i, j) -> (0, i, j)>
#s3 = affine_map<(n, i, j) -> ()>
#id1 = affine_map<(d) -> (d)>
#s1 = affine_map<(d) -> ()>
#col = affine_map<(i, j) -> (j)>
#row1 = affine_map<(i, j) -> (i, 0)>
#id2 = affine_map<(i, j) -> (i, j)>
#s2 = affine_map<(i, j) -> ()>
// CHECK-LABEL: func.func @make_causal_mask_clamped
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, scale = 1.000000e+00 : f32}
// CHECK-NOT: linalg.softmax
// CHECK-NOT: arith.maximumf
func.func @make_causal_mask_clamped(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %min = arith.constant -3.40282347E+38 : f32
  %e2 = tensor.empty() : tensor<4x4xf32>
  %full = linalg.fill ins(%min : f32) outs(%e2 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %e1 = tensor.empty() : tensor<4xi64>
  %pos = linalg.generic {indexing_maps = [#id1], iterator_types = ["parallel"]} outs(%e1 : tensor<4xi64>) {
  ^bb0(%o: i64):
    %i = linalg.index 0 : index
    %p = arith.index_cast %i : index to i64
    linalg.yield %p : i64
  } -> tensor<4xi64>
  %one = arith.constant dense<1> : tensor<i64>
  %next = linalg.generic {indexing_maps = [#id1, #s1, #id1], iterator_types = ["parallel"]} ins(%pos, %one : tensor<4xi64>, tensor<i64>) outs(%e1 : tensor<4xi64>) {
  ^bb0(%a: i64, %b: i64, %o: i64):
    %r = arith.addi %a, %b : i64
    linalg.yield %r : i64
  } -> tensor<4xi64>
  %column = tensor.expand_shape %next [[0, 1]] output_shape [4, 1] : tensor<4xi64> into tensor<4x1xi64>
  %eb = tensor.empty() : tensor<4x4xi1>
  %cond = linalg.generic {indexing_maps = [#col, #row1, #id2], iterator_types = ["parallel", "parallel"]} ins(%pos, %column : tensor<4xi64>, tensor<4x1xi64>) outs(%eb : tensor<4x4xi1>) {
  ^bb0(%a: i64, %b: i64, %o: i1):
    %r = arith.cmpi slt, %a, %b : i64
    linalg.yield %r : i1
  } -> tensor<4x4xi1>
  %zeroT = arith.constant dense<0.0> : tensor<f32>
  %mask = linalg.generic {indexing_maps = [#id2, #s2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%cond, %zeroT, %full : tensor<4x4xi1>, tensor<f32>, tensor<4x4xf32>) outs(%e2 : tensor<4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %b: f32, %o: f32):
    %r = arith.select %c, %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  %mask3 = tensor.expand_shape %mask [[0, 1], [2]] output_shape [1, 4, 4] : tensor<4x4xf32> into tensor<1x4x4xf32>
  %w = linalg.generic {indexing_maps = [#id3, #b3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %mask3 : tensor<2x4x4xf32>, tensor<1x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %r = arith.addf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %minT = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %clamped = linalg.generic {indexing_maps = [#id3, #s3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w, %minT : tensor<2x4x4xf32>, tensor<f32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%clamped : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// Positions compared the other way round, pos[j] + 2 >= pos[i]: the keys
// from 2 before the query on (j - i >= -2), no causal.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id1 = affine_map<(d) -> (d)>
#col = affine_map<(i, j) -> (j)>
#row = affine_map<(i, j) -> (i)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @arange_window
// CHECK: seq.attention {{.+}} {empty_row_nan, scale = 1.000000e+00 : f32, window = array<i64: 2, -1>}
func.func @arange_window(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %e1 = tensor.empty() : tensor<4xi64>
  %pos = linalg.generic {indexing_maps = [#id1], iterator_types = ["parallel"]} outs(%e1 : tensor<4xi64>) {
  ^bb0(%o: i64):
    %i = linalg.index 0 : index
    %p = arith.index_cast %i : index to i64
    linalg.yield %p : i64
  } -> tensor<4xi64>
  %eb = tensor.empty() : tensor<4x4xi1>
  %keep = linalg.generic {indexing_maps = [#col, #row, #id2], iterator_types = ["parallel", "parallel"]} ins(%pos, %pos : tensor<4xi64>, tensor<4xi64>) outs(%eb : tensor<4x4xi1>) {
  ^bb0(%a: i64, %b: i64, %o: i1):
    %two = arith.constant 2 : i64
    %a2 = arith.addi %a, %two : i64
    %r = arith.cmpi sge, %a2, %b : i64
    linalg.yield %r : i1
  } -> tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%keep, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// Positions scaled (2 * pos[j] <= pos[i]) are no band: a dense mask
// operand, no causal.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id1 = affine_map<(d) -> (d)>
#col = affine_map<(i, j) -> (j)>
#row = affine_map<(i, j) -> (i)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @arange_not_band
// CHECK-NOT: causal
// CHECK: seq.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(
func.func @arange_not_band(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %e1 = tensor.empty() : tensor<4xi64>
  %pos = linalg.generic {indexing_maps = [#id1], iterator_types = ["parallel"]} outs(%e1 : tensor<4xi64>) {
  ^bb0(%o: i64):
    %i = linalg.index 0 : index
    %p = arith.index_cast %i : index to i64
    linalg.yield %p : i64
  } -> tensor<4xi64>
  %eb = tensor.empty() : tensor<4x4xi1>
  %keep = linalg.generic {indexing_maps = [#col, #row, #id2], iterator_types = ["parallel", "parallel"]} ins(%pos, %pos : tensor<4xi64>, tensor<4xi64>) outs(%eb : tensor<4x4xi1>) {
  ^bb0(%a: i64, %b: i64, %o: i1):
    %two = arith.constant 2 : i64
    %a2 = arith.muli %a, %two : i64
    %r = arith.cmpi sle, %a2, %b : i64
    linalg.yield %r : i1
  } -> tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%keep, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// The clamp after a dense run-time mask (Hugging Face LLaMA/OPT 4.2x's
// torch.max(w + mask, finfo.min)): raised with the clamp moved onto the
// mask, max(s + m, min) = s + max(m, min), so a row the mask hides
// entirely is the mean of v, as the clamped fills make it in PyTorch
// (before: not raised, for want of that row).
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#s3 = affine_map<(n, i, j) -> ()>
// CHECK-LABEL: func.func @clamp_after_dense_mask
// CHECK: %[[CLAMPED:.+]] = linalg.generic {{.+}} ins(%arg3 : tensor<2x4x4xf32>)
// CHECK: arith.maximumf %{{.+}}, %{{.+}} : f32
// CHECK: %[[M:.+]] = tensor.expand_shape %[[CLAMPED]]
// CHECK: seq.attention %{{.+}}, %{{.+}}, %{{.+}} mask(%[[M]]) {empty_row_nan, scale = 1.000000e+00 : f32}
// CHECK-NOT: linalg.softmax
// CHECK: return
func.func @clamp_after_dense_mask(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>, %m: tensor<2x4x4xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %w = linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %m : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %minT = arith.constant dense<-3.40282347E+38> : tensor<f32>
  %clamped = linalg.generic {indexing_maps = [#id3, #s3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w, %minT : tensor<2x4x4xf32>, tensor<f32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%clamped : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// The same clamped at -1e9: max(s + m, -1e9) is not s + max(m, -1e9)
// for a mask near -1e9 (s would shift it across the clamp): not raised.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#s3 = affine_map<(n, i, j) -> ()>
// CHECK-LABEL: func.func @small_clamp_after_dense_mask
// CHECK-NOT: seq.attention
// CHECK: linalg.softmax
func.func @small_clamp_after_dense_mask(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>, %m: tensor<2x4x4xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %w = linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %m : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %minT = arith.constant dense<-1.0e9> : tensor<f32>
  %clamped = linalg.generic {indexing_maps = [#id3, #s3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w, %minT : tensor<2x4x4xf32>, tensor<f32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.maximumf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%clamped : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// The reference Mistral's torch.log(tril(ones).triu(-1)) added: log 1 = 0
// where kept, log 0 = -inf elsewhere: causal with a window 1 back.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @log_of_band
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, scale = 1.000000e+00 : f32, window = array<i64: 1, 0>}
// CHECK-NOT: math.log
func.func @log_of_band(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %band = arith.constant dense<[[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0]]> : tensor<4x4xf32>
  %e2 = tensor.empty() : tensor<4x4xf32>
  %m = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%band : tensor<4x4xf32>) outs(%e2 : tensor<4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.log %a : f32
    linalg.yield %r : f32
  } -> tensor<4x4xf32>
  %w = linalg.generic {indexing_maps = [#id3, #m2, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %m : tensor<2x4x4xf32>, tensor<4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// f32 positions scaled before the comparison (sitofp(5 j) <= sitofp(4 j +
// i), j <= i in exact arithmetic) are not read: an f32 counts exactly only
// to 2^24, and 5 j passes it long before j does. A mask operand instead.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @scaled_f32_positions
// CHECK-NOT: causal
// CHECK: seq.attention %{{[^ ]+}}, %{{[^ ]+}}, %{{[^ ]+}} mask(
func.func @scaled_f32_positions(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eb = tensor.empty() : tensor<4x4xi1>
  %keep = linalg.generic {indexing_maps = [#id2], iterator_types = ["parallel", "parallel"]} outs(%eb : tensor<4x4xi1>) {
  ^bb0(%o: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %c5 = arith.constant 5 : index
    %c4 = arith.constant 4 : index
    %j5 = arith.muli %j, %c5 : index
    %j4 = arith.muli %j, %c4 : index
    %j4i = arith.addi %j4, %i : index
    %a64 = arith.index_cast %j5 : index to i64
    %b64 = arith.index_cast %j4i : index to i64
    %a = arith.sitofp %a64 : i64 to f32
    %b = arith.sitofp %b64 : i64 to f32
    %r = arith.cmpf ole, %a, %b : f32
    linalg.yield %r : i1
  } -> tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%keep, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// A -inf band, then masked_fill(pad, finfo.min): the finite fill
// overwrites the -inf of keys the band hid, so a row the padding hides
// entirely averages those keys too (left padding: row 0 sees keys 0 and 1
// of [T, T, F, F]). Not raised (found in review).
// CHECK-LABEL: func.func @band_then_finite_fill
// CHECK-NOT: seq.attention
// CHECK: linalg.softmax
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#pad = affine_map<(n, i, j) -> (n, 0, j)>
func.func @band_then_finite_fill(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>, %pad: tensor<2x1x4xi1>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %causal = arith.constant dense<[[0.0, 0xFF800000, 0xFF800000, 0xFF800000], [0.0, 0.0, 0xFF800000, 0xFF800000], [0.0, 0.0, 0.0, 0xFF800000], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  %w = linalg.generic {indexing_maps = [#id3, #m2, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %causal : tensor<2x4x4xf32>, tensor<4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %r = arith.addf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %w2 = linalg.generic {indexing_maps = [#pad, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%pad, %w : tensor<2x1x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -3.40282347E+38 : f32
    %r = arith.select %c, %f, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w2 : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// LLaMA/OPT/Mistral's _make_causal_mask with P cached keys: every query
// sees the P keys of a kept prefix (true [Lq, P]) and then a square causal
// [Lq, Lq] block. The mask's extents, checked against the scores', make
// P = Lk - Lq: bottom-right causal, and no mask is left.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id1 = affine_map<(d) -> (d)>
#col = affine_map<(i, j) -> (j)>
#row = affine_map<(i, j) -> (i)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @cache_prefix_causal
// CHECK: seq.attention {{.+}} causal(bottom_right) {empty_row_nan, scale = 1.000000e+00 : f32}
// CHECK: seq.check {{.+}} "attention mask at {{.+}} dimension 1 is {}, but the scores make it
// CHECK-NOT: linalg.softmax
func.func @cache_prefix_causal(%q: tensor<2x?x8xf32>, %kt: tensor<2x8x?xf32>, %v: tensor<2x?x8xf32>, %past: index) -> tensor<2x?x8xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %lq = tensor.dim %q, %c1 : tensor<2x?x8xf32>
  %lk = tensor.dim %kt, %c2 : tensor<2x8x?xf32>
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty(%lq, %lk) : tensor<2x?x?xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x?x8xf32>, tensor<2x8x?xf32>) outs(%zs : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %e1 = tensor.empty(%lq) : tensor<?xi64>
  %pos = linalg.generic {indexing_maps = [#id1], iterator_types = ["parallel"]} outs(%e1 : tensor<?xi64>) {
  ^bb0(%o: i64):
    %i = linalg.index 0 : index
    %p = arith.index_cast %i : index to i64
    linalg.yield %p : i64
  } -> tensor<?xi64>
  %eb = tensor.empty(%lq, %lq) : tensor<?x?xi1>
  %block = linalg.generic {indexing_maps = [#col, #row, #id2], iterator_types = ["parallel", "parallel"]} ins(%pos, %pos : tensor<?xi64>, tensor<?xi64>) outs(%eb : tensor<?x?xi1>) {
  ^bb0(%a: i64, %b: i64, %o: i1):
    %r = arith.cmpi sle, %a, %b : i64
    linalg.yield %r : i1
  } -> tensor<?x?xi1>
  %true = arith.constant true
  %ep = tensor.empty(%lq, %past) : tensor<?x?xi1>
  %prefix = linalg.fill ins(%true : i1) outs(%ep : tensor<?x?xi1>) -> tensor<?x?xi1>
  %keep = tensor.concat dim(1) %prefix, %block : (tensor<?x?xi1>, tensor<?x?xi1>) -> tensor<?x?xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%keep, %s : tensor<?x?xi1>, tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x?x?xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %eo = tensor.empty(%lq) : tensor<2x?x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x?x8xf32>) -> tensor<2x?x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x?x?xf32>, tensor<2x?x8xf32>) outs(%zo : tensor<2x?x8xf32>) -> tensor<2x?x8xf32>
  return %o : tensor<2x?x8xf32>
}

// -----

// The same prefix before a causal block whose columns are not its rows
// (%n of them): nothing ties P to Lk - Lq, so the mask stays an operand.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id1 = affine_map<(d) -> (d)>
#col = affine_map<(i, j) -> (j)>
#row = affine_map<(i, j) -> (i)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @cache_prefix_not_square
// CHECK-NOT: causal
// CHECK: seq.attention {{.+}} mask(%{{.+}}) {empty_row_nan, scale = 1.000000e+00 : f32}
// CHECK-NOT: causal
func.func @cache_prefix_not_square(%q: tensor<2x?x8xf32>, %kt: tensor<2x8x?xf32>, %v: tensor<2x?x8xf32>, %past: index, %n: index) -> tensor<2x?x8xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %lq = tensor.dim %q, %c1 : tensor<2x?x8xf32>
  %lk = tensor.dim %kt, %c2 : tensor<2x8x?xf32>
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty(%lq, %lk) : tensor<2x?x?xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x?x8xf32>, tensor<2x8x?xf32>) outs(%zs : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %e1 = tensor.empty(%lq) : tensor<?xi64>
  %pos = linalg.generic {indexing_maps = [#id1], iterator_types = ["parallel"]} outs(%e1 : tensor<?xi64>) {
  ^bb0(%o: i64):
    %i = linalg.index 0 : index
    %p = arith.index_cast %i : index to i64
    linalg.yield %p : i64
  } -> tensor<?xi64>
  %e2 = tensor.empty(%n) : tensor<?xi64>
  %cols = linalg.generic {indexing_maps = [#id1], iterator_types = ["parallel"]} outs(%e2 : tensor<?xi64>) {
  ^bb0(%o: i64):
    %i = linalg.index 0 : index
    %p = arith.index_cast %i : index to i64
    linalg.yield %p : i64
  } -> tensor<?xi64>
  %eb = tensor.empty(%lq, %n) : tensor<?x?xi1>
  %block = linalg.generic {indexing_maps = [#col, #row, #id2], iterator_types = ["parallel", "parallel"]} ins(%cols, %pos : tensor<?xi64>, tensor<?xi64>) outs(%eb : tensor<?x?xi1>) {
  ^bb0(%a: i64, %b: i64, %o: i1):
    %r = arith.cmpi sle, %a, %b : i64
    linalg.yield %r : i1
  } -> tensor<?x?xi1>
  %true = arith.constant true
  %ep = tensor.empty(%lq, %past) : tensor<?x?xi1>
  %prefix = linalg.fill ins(%true : i1) outs(%ep : tensor<?x?xi1>) -> tensor<?x?xi1>
  %keep = tensor.concat dim(1) %prefix, %block : (tensor<?x?xi1>, tensor<?x?xi1>) -> tensor<?x?xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%keep, %s : tensor<?x?xi1>, tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x?x?xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %eo = tensor.empty(%lq) : tensor<2x?x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x?x8xf32>) -> tensor<2x?x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x?x?xf32>, tensor<2x?x8xf32>) outs(%zo : tensor<2x?x8xf32>) -> tensor<2x?x8xf32>
  return %o : tensor<2x?x8xf32>
}

// -----

// A prefix of static width 2 before a 4x4 causal block (an additive one:
// finfo.min above the diagonal): query i sees keys j <= i + 2, whatever
// the lengths, which is a window of no keys before and 2 after.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @static_prefix
// CHECK: seq.attention {{.+}} {empty_row_nan, scale = 1.000000e+00 : f32, window = array<i64: -1, 2>}
// CHECK-NOT: linalg.softmax
func.func @static_prefix(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x6xf32>, %v: tensor<2x6x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x6xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x6xf32>) outs(%zs : tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
  %block = arith.constant dense<[[0.0, -3.40282347E+38, -3.40282347E+38, -3.40282347E+38], [0.0, 0.0, -3.40282347E+38, -3.40282347E+38], [0.0, 0.0, 0.0, -3.40282347E+38], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  %ep = tensor.empty() : tensor<4x2xf32>
  %prefix = linalg.fill ins(%zero : f32) outs(%ep : tensor<4x2xf32>) -> tensor<4x2xf32>
  %mask = tensor.concat dim(1) %prefix, %block : (tensor<4x2xf32>, tensor<4x4xf32>) -> tensor<4x6xf32>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%mask, %s : tensor<4x6xf32>, tensor<2x4x6xf32>) outs(%es : tensor<2x4x6xf32>) {
  ^bb0(%m: f32, %a: f32, %o: f32):
    %r = arith.addf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x6xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x6xf32>) outs(%es : tensor<2x4x6xf32>) -> tensor<2x4x6xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x6xf32>, tensor<2x6x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// nanoGPT's bias[:, :, :T, :T]: a stored tril buffer sliced to the run's
// length with ONNX Slice's clamping, min(max(T, 0), 8). Causal, and the
// buffer's 8 rows, the longest sequence the slice can cover, become
// max_positions (a stream is checked against it, not each chunk); the
// slice's extents are still checked against the scores', after the op.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @buffer_slice_positions
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, max_positions = 8 : i64, scale = 1.000000e+00 : f32}
// CHECK-COUNT-2: seq.check {{.+}} "attention mask at
// CHECK-NOT: linalg.softmax
func.func @buffer_slice_positions(%q: tensor<2x?x4xf32>, %kt: tensor<2x4x?xf32>, %v: tensor<2x?x4xf32>) -> tensor<2x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %l = tensor.dim %q, %c1 : tensor<2x?x4xf32>
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty(%l, %l) : tensor<2x?x?xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x?x4xf32>, tensor<2x4x?xf32>) outs(%zs : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %tril = arith.constant dense<[[true, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false], [true, true, true, false, false, false, false, false], [true, true, true, true, false, false, false, false], [true, true, true, true, true, false, false, false], [true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true]]> : tensor<8x8xi1>
  %pos = arith.maxsi %l, %c0 : index
  %n = arith.minsi %pos, %c8 : index
  %rows = tensor.extract_slice %tril[0, 0] [%n, %n] [1, 1] : tensor<8x8xi1> to tensor<?x?xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%rows, %s : tensor<?x?xi1>, tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x?x?xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %eo = tensor.empty(%l) : tensor<2x?x4xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x?x?xf32>, tensor<2x?x4xf32>) outs(%zo : tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  return %o : tensor<2x?x4xf32>
}

// -----

// GPT-Neo's local attention: a stored band buffer (tril ^ tril(-2), each
// query sees itself and the key before) sliced bias[:, :, Lk - Lq : Lk,
// :Lk] with ONNX Slice's clamps, kept by where() with finfo.min. q and k
// have one length (kt is %x transposed), so no query row is left without
// a key and the finite fill is exact: causal with a window. Before, the
// slice's rows (end minus clamped start) and keys (a clamp of their own)
// were not seen to be one size, and the attention stayed decomposed.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @neo_local_slice
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, max_positions = 6 : i64, scale = 1.000000e+00 : f32, window = array<i64: 1, 0>}
// CHECK-NOT: linalg.softmax
func.func @neo_local_slice(%x: tensor<2x?x4xf32>, %v: tensor<2x?x4xf32>) -> tensor<2x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %c6 = arith.constant 6 : index
  %len = tensor.dim %x, %c1 : tensor<2x?x4xf32>
  %et = tensor.empty(%len) : tensor<2x4x?xf32>
  %kt = linalg.transpose ins(%x : tensor<2x?x4xf32>) outs(%et : tensor<2x4x?xf32>) permutation = [0, 2, 1]
  %lq = tensor.dim %x, %c1 : tensor<2x?x4xf32>
  %lk = tensor.dim %kt, %c2 : tensor<2x4x?xf32>
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty(%lq, %lk) : tensor<2x?x?xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %s = linalg.batch_matmul ins(%x, %kt : tensor<2x?x4xf32>, tensor<2x4x?xf32>) outs(%zs : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %band = arith.constant dense<[[true, false, false, false, false, false], [true, true, false, false, false, false], [false, true, true, false, false, false], [false, false, true, true, false, false], [false, false, false, true, true, false], [false, false, false, false, true, true]]> : tensor<6x6xi1>
  %offset = arith.subi %lk, %lq : index
  %neg = arith.cmpi slt, %offset, %c0 : index
  %wrapped = arith.addi %offset, %c6 : index
  %sel = arith.select %neg, %wrapped, %offset : index
  %smax = arith.maxsi %sel, %c0 : index
  %start = arith.minsi %smax, %c6 : index
  %emax = arith.maxsi %lk, %c0 : index
  %end = arith.minsi %emax, %c6 : index
  %nrows = arith.subi %end, %start : index
  %rows = tensor.extract_slice %band[%start, 0] [%nrows, 6] [1, 1] : tensor<6x6xi1> to tensor<?x6xi1>
  %c0b = arith.constant 0 : index
  %kmax = arith.maxsi %lk, %c0b : index
  %ncols = arith.minsi %kmax, %c6 : index
  %c0r = arith.constant 0 : index
  %nr = tensor.dim %rows, %c0r : tensor<?x6xi1>
  %mask = tensor.extract_slice %rows[0, 0] [%nr, %ncols] [1, 1] : tensor<?x6xi1> to tensor<?x?xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%mask, %s : tensor<?x?xi1>, tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -3.40282347E+38 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x?x?xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %eo = tensor.empty(%lq) : tensor<2x?x4xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x?x?xf32>, tensor<2x?x4xf32>) outs(%zo : tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  return %o : tensor<2x?x4xf32>
}

// -----

// A buffer of 4 rows and 8 columns (tril(ones(4, 8))) sliced [:T, :T]:
// the slice covers at most 4 queries and 8 keys, and q and k have one
// length, so max_positions is 4, the smaller (before, the larger: a stream
// ran on to 8 steps where PyTorch refuses 5).
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @tall_buffer_positions
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, max_positions = 4 : i64, scale = 1.000000e+00 : f32}
func.func @tall_buffer_positions(%x: tensor<2x?x4xf32>, %v: tensor<2x?x4xf32>) -> tensor<2x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c8 = arith.constant 8 : index
  %l = tensor.dim %x, %c1 : tensor<2x?x4xf32>
  %et = tensor.empty(%l) : tensor<2x4x?xf32>
  %kt = linalg.transpose ins(%x : tensor<2x?x4xf32>) outs(%et : tensor<2x4x?xf32>) permutation = [0, 2, 1]
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty(%l, %l) : tensor<2x?x?xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %s = linalg.batch_matmul ins(%x, %kt : tensor<2x?x4xf32>, tensor<2x4x?xf32>) outs(%zs : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %tril = arith.constant dense<[[true, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false], [true, true, true, false, false, false, false, false], [true, true, true, true, false, false, false, false]]> : tensor<4x8xi1>
  %pos = arith.maxsi %l, %c0 : index
  %nr = arith.minsi %pos, %c4 : index
  %nc = arith.minsi %pos, %c8 : index
  %rows = tensor.extract_slice %tril[0, 0] [%nr, %nc] [1, 1] : tensor<4x8xi1> to tensor<?x?xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%rows, %s : tensor<?x?xi1>, tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x?x?xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %eo = tensor.empty(%l) : tensor<2x?x4xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x?x?xf32>, tensor<2x?x4xf32>) outs(%zo : tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  return %o : tensor<2x?x4xf32>
}

// -----

// The buffer slice combined with a window computed from the positions
// (`bias[:T, :T] & ones(T, T).triu(-3)`) into a mask the size of the
// scores (the ONNX importer's And takes the plain length T): its
// bound comes from the operands the combination reads (checked equal to
// it), so max_positions is the buffer's 8 (before, none: a stream ran past
// the buffer).
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @combined_buffer_positions
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, max_positions = 8 : i64, scale = 1.000000e+00 : f32, window = array<i64: 3, 0>}
func.func @combined_buffer_positions(%x: tensor<2x?x4xf32>, %v: tensor<2x?x4xf32>) -> tensor<2x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %l = tensor.dim %x, %c1 : tensor<2x?x4xf32>
  %et = tensor.empty(%l) : tensor<2x4x?xf32>
  %kt = linalg.transpose ins(%x : tensor<2x?x4xf32>) outs(%et : tensor<2x4x?xf32>) permutation = [0, 2, 1]
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty(%l, %l) : tensor<2x?x?xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %s = linalg.batch_matmul ins(%x, %kt : tensor<2x?x4xf32>, tensor<2x4x?xf32>) outs(%zs : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %tril = arith.constant dense<[[true, false, false, false, false, false, false, false], [true, true, false, false, false, false, false, false], [true, true, true, false, false, false, false, false], [true, true, true, true, false, false, false, false], [true, true, true, true, true, false, false, false], [true, true, true, true, true, true, false, false], [true, true, true, true, true, true, true, false], [true, true, true, true, true, true, true, true]]> : tensor<8x8xi1>
  %pos = arith.maxsi %l, %c0 : index
  %n = arith.minsi %pos, %c8 : index
  %rows = tensor.extract_slice %tril[0, 0] [%n, %n] [1, 1] : tensor<8x8xi1> to tensor<?x?xi1>
  %eb = tensor.empty(%l, %l) : tensor<?x?xi1>
  %true = arith.constant true
  %ones = linalg.fill ins(%true : i1) outs(%eb : tensor<?x?xi1>) -> tensor<?x?xi1>
  %win = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%ones : tensor<?x?xi1>) outs(%eb : tensor<?x?xi1>) {
  ^bb0(%b: i1, %o: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %d = arith.subi %j, %i : index
    %cm3 = arith.constant -3 : index
    %near = arith.cmpi sge, %d, %cm3 : index
    %false = arith.constant false
    %r = arith.select %near, %b, %false : i1
    linalg.yield %r : i1
  } -> tensor<?x?xi1>
  %both = linalg.generic {indexing_maps = [#id2, #id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%rows, %win : tensor<?x?xi1>, tensor<?x?xi1>) outs(%eb : tensor<?x?xi1>) {
  ^bb0(%a: i1, %b: i1, %o: i1):
    %r = arith.andi %a, %b : i1
    linalg.yield %r : i1
  } -> tensor<?x?xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%both, %s : tensor<?x?xi1>, tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x?x?xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x?x?xf32>) outs(%es : tensor<2x?x?xf32>) -> tensor<2x?x?xf32>
  %eo = tensor.empty(%l) : tensor<2x?x4xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x?x?xf32>, tensor<2x?x4xf32>) outs(%zo : tensor<2x?x4xf32>) -> tensor<2x?x4xf32>
  return %o : tensor<2x?x4xf32>
}

// -----

// Scales after a band (GPT-J's `where(causal, w, fill) / scale_attn`):
// the factor goes to the op's scale and the fill with it. -inf stays
// -inf; a replaced -1e9 times 1/8 is above -1e9, so the op checks rows
// against it (min_row_max = -1.25e8 + 104 + two f32 ulps); a finite fill
// added to the scores (its value not read) and a negative factor (-inf
// becomes +inf) leave the ops as written.

// -----

#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @scaled_after_infinite_band
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, scale = 5.000000e-01 : f32}
func.func @scaled_after_infinite_band(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %x = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 0.5 : f32
    %r = arith.mulf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%x : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @scaled_after_replaced_fill
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, min_row_max = 0xCCEE6B17 : f32, scale = 1.250000e-01 : f32}
func.func @scaled_after_replaced_fill(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -1.0e9 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %x = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 0.125 : f32
    %r = arith.mulf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%x : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @scaled_after_added_fill
// CHECK-NOT: seq.attention
// CHECK: linalg.softmax
func.func @scaled_after_added_fill(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %band = arith.constant dense<[[0.0, -1.0e9, -1.0e9, -1.0e9], [0.0, 0.0, -1.0e9, -1.0e9], [0.0, 0.0, 0.0, -1.0e9], [0.0, 0.0, 0.0, 0.0]]> : tensor<4x4xf32>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %s : tensor<4x4xf32>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%m: f32, %a: f32, %o: f32):
    %r = arith.addf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %x = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 0.5 : f32
    %r = arith.mulf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%x : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @negative_scale_after_band
// CHECK-NOT: seq.attention
// CHECK: linalg.softmax
func.func @negative_scale_after_band(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %x = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant -0.5 : f32
    %r = arith.mulf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%x : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// A checked fill (-5e8) doubled below -1e9 keeps its check: scores that
// large are what the check is for.

#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @scaled_below_the_checked_range
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, min_row_max = 0xCE6E6B22 : f32, scale = 2.000000e+00 : f32}
func.func @scaled_below_the_checked_range(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -5.0e8 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %x = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 2.0 : f32
    %r = arith.mulf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%x : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// The GPT-2 form with a padding mask: where(band, s, fill) + m. With
// finfo.min the band and the padding fold into one additive mask operand;
// at -2^119 a score near 2^95 added to the fill no longer rounds to it,
// so the written ops stay.
#q4 = affine_map<(b, h, i, j, d) -> (b, h, i, d)>
#k4 = affine_map<(b, h, i, j, d) -> (b, h, j, d)>
#s4 = affine_map<(b, h, i, j, d) -> (b, h, i, j)>
#id4 = affine_map<(b, h, i, j) -> (b, h, i, j)>
#band4 = affine_map<(b, h, i, j) -> (i, j)>
#pad4 = affine_map<(b, h, i, j) -> (b, 0, 0, j)>
#p4 = affine_map<(b, h, i, d, j) -> (b, h, i, j)>
#v4 = affine_map<(b, h, i, d, j) -> (b, h, j, d)>
#o4 = affine_map<(b, h, i, d, j) -> (b, h, i, d)>
// CHECK-LABEL: func.func @padding_after_finfo_min_band
// CHECK: %[[M:.+]] = linalg.generic {{.+}} ins(%{{.+}}, %arg3 : tensor<4x4xi1>, tensor<2x1x1x4xf32>) outs(%{{.+}} : tensor<2x1x4x4xf32>)
// CHECK: arith.select
// CHECK: arith.addf
// CHECK: seq.attention %arg0, %arg1, %arg2 mask(%[[M]]) {empty_row_nan, scale = 1.000000e+00 : f32}
// CHECK-NOT: linalg.softmax
func.func @padding_after_finfo_min_band(%q: tensor<2x2x4x8xf32>, %k: tensor<2x2x4x8xf32>, %v: tensor<2x2x4x8xf32>, %m: tensor<2x1x1x4xf32>) -> tensor<2x2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %s = linalg.generic {indexing_maps = [#q4, #k4, #s4], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>) outs(%zs : tensor<2x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#band4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%band, %s : tensor<4x4xi1>, tensor<2x2x4x4xf32>) outs(%es : tensor<2x2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -3.40282347E+38 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x4xf32>
  %x = linalg.generic {indexing_maps = [#id4, #pad4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%w, %m : tensor<2x2x4x4xf32>, tensor<2x1x1x4xf32>) outs(%es : tensor<2x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x4xf32>
  %pr = linalg.softmax dimension(3) ins(%x : tensor<2x2x4x4xf32>) outs(%es : tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %eo = tensor.empty() : tensor<2x2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32>
  %o = linalg.generic {indexing_maps = [#p4, #v4, #o4], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%pr, %v : tensor<2x2x4x4xf32>, tensor<2x2x4x8xf32>) outs(%zo : tensor<2x2x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x8xf32>
  return %o : tensor<2x2x4x8xf32>
}

// -----

#q4 = affine_map<(b, h, i, j, d) -> (b, h, i, d)>
#k4 = affine_map<(b, h, i, j, d) -> (b, h, j, d)>
#s4 = affine_map<(b, h, i, j, d) -> (b, h, i, j)>
#id4 = affine_map<(b, h, i, j) -> (b, h, i, j)>
#band4 = affine_map<(b, h, i, j) -> (i, j)>
#pad4 = affine_map<(b, h, i, j) -> (b, 0, 0, j)>
#p4 = affine_map<(b, h, i, d, j) -> (b, h, i, j)>
#v4 = affine_map<(b, h, i, d, j) -> (b, h, j, d)>
#o4 = affine_map<(b, h, i, d, j) -> (b, h, i, d)>
// The same with the fill -2^119: not folded (a score near 2^95 added to it
// does not round to it). GPT-J's finfo.min / sqrt(head_dim), -2^124 at
// head_dim 256, is folded (padding_after_scaled_fill below).
// CHECK-LABEL: func.func @padding_after_boundary_fill
// CHECK-NOT: seq.attention
// CHECK: linalg.softmax
func.func @padding_after_boundary_fill(%q: tensor<2x2x4x8xf32>, %k: tensor<2x2x4x8xf32>, %v: tensor<2x2x4x8xf32>, %m: tensor<2x1x1x4xf32>) -> tensor<2x2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %s = linalg.generic {indexing_maps = [#q4, #k4, #s4], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>) outs(%zs : tensor<2x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#band4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%band, %s : tensor<4x4xi1>, tensor<2x2x4x4xf32>) outs(%es : tensor<2x2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -6.64613997E+35 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x4xf32>
  %x = linalg.generic {indexing_maps = [#id4, #pad4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%w, %m : tensor<2x2x4x4xf32>, tensor<2x1x1x4xf32>) outs(%es : tensor<2x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x4xf32>
  %pr = linalg.softmax dimension(3) ins(%x : tensor<2x2x4x4xf32>) outs(%es : tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %eo = tensor.empty() : tensor<2x2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32>
  %o = linalg.generic {indexing_maps = [#p4, #v4, #o4], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%pr, %v : tensor<2x2x4x4xf32>, tensor<2x2x4x8xf32>) outs(%zo : tensor<2x2x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x8xf32>
  return %o : tensor<2x2x4x8xf32>
}

// -----

#q4 = affine_map<(b, h, i, j, d) -> (b, h, i, d)>
#k4 = affine_map<(b, h, i, j, d) -> (b, h, j, d)>
#s4 = affine_map<(b, h, i, j, d) -> (b, h, i, j)>
#id4 = affine_map<(b, h, i, j) -> (b, h, i, j)>
#band4 = affine_map<(b, h, i, j) -> (i, j)>
#pad4 = affine_map<(b, h, i, j) -> (b, 0, 0, j)>
#p4 = affine_map<(b, h, i, d, j) -> (b, h, i, j)>
#v4 = affine_map<(b, h, i, d, j) -> (b, h, j, d)>
#o4 = affine_map<(b, h, i, d, j) -> (b, h, i, d)>
// GPT-J's form (transformers 4.1x-4.3x _attn): where(band, s, finfo.min),
// divided by sqrt(head_dim) (16 at head_dim 256), then the padding mask:
// the divided fill, -2^124, still absorbs the scores, so it folds with the
// padding into one additive mask operand.
// CHECK-LABEL: func.func @padding_after_scaled_fill
// CHECK: %[[M:.+]] = linalg.generic {{.+}} ins(%{{.+}}, %arg3 : tensor<4x4xi1>, tensor<2x1x1x4xf32>) outs(%{{.+}} : tensor<2x1x4x4xf32>)
// CHECK: arith.constant -2.12676467E+37 : f32
// CHECK: arith.select
// CHECK: arith.addf
// CHECK: seq.attention %arg0, %arg1, %arg2 mask(%[[M]]) {empty_row_nan, scale = 6.250000e-02 : f32}
// CHECK-NOT: linalg.softmax
func.func @padding_after_scaled_fill(%q: tensor<2x2x4x8xf32>, %k: tensor<2x2x4x8xf32>, %v: tensor<2x2x4x8xf32>, %m: tensor<2x1x1x4xf32>) -> tensor<2x2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %s = linalg.generic {indexing_maps = [#q4, #k4, #s4], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<2x2x4x8xf32>, tensor<2x2x4x8xf32>) outs(%zs : tensor<2x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#band4, #id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%band, %s : tensor<4x4xi1>, tensor<2x2x4x4xf32>) outs(%es : tensor<2x2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -3.40282347E+38 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x4xf32>
  %ws = linalg.generic {indexing_maps = [#id4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%w : tensor<2x2x4x4xf32>) outs(%es : tensor<2x2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %d = arith.constant 16.0 : f32
    %r = arith.divf %a, %d : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x4xf32>
  %x = linalg.generic {indexing_maps = [#id4, #pad4, #id4], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%ws, %m : tensor<2x2x4x4xf32>, tensor<2x1x1x4xf32>) outs(%es : tensor<2x2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x4xf32>
  %pr = linalg.softmax dimension(3) ins(%x : tensor<2x2x4x4xf32>) outs(%es : tensor<2x2x4x4xf32>) -> tensor<2x2x4x4xf32>
  %eo = tensor.empty() : tensor<2x2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x2x4x8xf32>) -> tensor<2x2x4x8xf32>
  %o = linalg.generic {indexing_maps = [#p4, #v4, #o4], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%pr, %v : tensor<2x2x4x4xf32>, tensor<2x2x4x8xf32>) outs(%zo : tensor<2x2x4x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  } -> tensor<2x2x4x8xf32>
  return %o : tensor<2x2x4x8xf32>
}


// -----

// A positional bias (ALiBi's slopes times the key positions, here a
// constant) before a causal band that replaces what it hides by -1e9,
// `(s + m).masked_fill(band, -1e9)`: raised with the bias as mask operand,
// `causal` and min_row_max = -1e9 + 104 (0xCE6E6B22, rounded up to f32): a
// row whose largest visible score is below it, where the model would
// weigh the filled keys, fails the run.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @bias_then_finite_band
// CHECK: seq.attention %{{.+}} mask(%{{.+}}) causal(top_left) {empty_row_nan, min_row_max = 0xCE6E6B22 : f32, scale = 1.000000e+00 : f32}
// CHECK-NOT: linalg.softmax
func.func @bias_then_finite_band(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %m = arith.constant dense<[[0.0, 0.5, 1.0, 1.5], [0.0, 0.5, 1.0, 1.5], [0.0, 0.5, 1.0, 1.5], [0.0, 0.5, 1.0, 1.5]]> : tensor<4x4xf32>
  %sm = linalg.generic {indexing_maps = [#id3, #m2, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %m : tensor<2x4x4xf32>, tensor<4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %sm : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -1.0e9 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// The same with a mask the model is given (a padding attention_mask): it
// could hide all of a left-padded row's visible keys, which the model then
// averages with the filled ones: not raised.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @mask_then_finite_band
// CHECK-NOT: seq.attention
// CHECK: linalg.softmax
func.func @mask_then_finite_band(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>, %m: tensor<2x4x4xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %sm = linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %m : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %sm : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -1.0e9 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// The mask added after the -1e9 band instead: the hidden keys are -1e9 +
// m, which a large m could bring back into the softmax: not raised.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @finite_band_then_mask
// CHECK-NOT: seq.attention
// CHECK: linalg.softmax
func.func @finite_band_then_mask(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>, %m: tensor<2x4x4xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %s : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -1.0e9 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %wm = linalg.generic {indexing_maps = [#id3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%w, %m : tensor<2x4x4xf32>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%wm : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// Attention logit softcapping (Gemma-2): `tanh(s * 0.25 / 50) * 50` of the
// scaled scores, then a causal -inf band: raised with softcap = 50 (the
// scale stays the factor before the cap). A factor after the cap is no
// scale (tanh is not linear): not raised.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
// CHECK-LABEL: func.func @softcapped
// CHECK: seq.attention {{.+}} causal(top_left) {empty_row_nan, scale = 2.500000e-01 : f32, softcap = 5.000000e+01 : f32}
// CHECK-NOT: linalg.softmax
// CHECK-LABEL: func.func @scaled_after_softcap
// CHECK-NOT: seq.attention
// CHECK: linalg.softmax
func.func @softcapped(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %scaled = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 0.25 : f32
    %r = arith.mulf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %d = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%scaled : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 50.0 : f32
    %r = arith.divf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %t = seq.activation <tanh> %d : tensor<2x4x4xf32>
  %capped = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 50.0 : f32
    %r = arith.mulf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %capped : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant 0xFF800000 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}
func.func @scaled_after_softcap(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %d = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 50.0 : f32
    %r = arith.divf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %t = seq.activation <tanh> %d : tensor<2x4x4xf32>
  %capped = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%t : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 50.0 : f32
    %r = arith.mulf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %after = linalg.generic {indexing_maps = [#id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%capped : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 0.25 : f32
    %r = arith.mulf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%after : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}

// -----

// ALiBi's bias from seq.positions (`slopes * arange(T)` once
// seq-raise-positions named it): positions read x's length, not its
// values, so it is a positional bias: raised with min_row_max.
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#m2 = affine_map<(n, i, j) -> (i, j)>
#key = affine_map<(n, i, j) -> (j)>
// CHECK-LABEL: func.func @positions_bias_then_finite_band
// CHECK: seq.attention {{.+}} mask(%{{.+}}) causal(top_left) {empty_row_nan, min_row_max = 0xCE6E6B22 : f32, scale = 1.000000e+00 : f32}
func.func @positions_bias_then_finite_band(%q: tensor<2x4x8xf32>, %kt: tensor<2x8x4xf32>, %v: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x4xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x4x8xf32>, tensor<2x8x4xf32>) outs(%zs : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %pos = seq.positions %q dim(1) : tensor<2x4x8xf32> -> tensor<4xi64>
  %e4 = tensor.empty() : tensor<4xf32>
  %bias = linalg.generic {indexing_maps = [affine_map<(j) -> (j)>, affine_map<(j) -> (j)>], iterator_types = ["parallel"]} ins(%pos : tensor<4xi64>) outs(%e4 : tensor<4xf32>) {
  ^bb0(%p: i64, %o: f32):
    %pf = arith.sitofp %p : i64 to f32
    %slope = arith.constant 0.5 : f32
    %b = arith.mulf %pf, %slope : f32
    linalg.yield %b : f32
  } -> tensor<4xf32>
  %sm = linalg.generic {indexing_maps = [#id3, #key, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %bias : tensor<2x4x4xf32>, tensor<4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %band = arith.constant dense<[[true, false, false, false], [true, true, false, false], [true, true, true, false], [true, true, true, true]]> : tensor<4x4xi1>
  %w = linalg.generic {indexing_maps = [#m2, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%band, %sm : tensor<4x4xi1>, tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) {
  ^bb0(%c: i1, %a: f32, %o: f32):
    %f = arith.constant -1.0e9 : f32
    %r = arith.select %c, %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x4x4xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x4x4xf32>) outs(%es : tensor<2x4x4xf32>) -> tensor<2x4x4xf32>
  %eo = tensor.empty() : tensor<2x4x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x4x4xf32>, tensor<2x4x8xf32>) outs(%zo : tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %o : tensor<2x4x8xf32>
}
