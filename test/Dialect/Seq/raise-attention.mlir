// RUN: seq-opt %s --seq-raise-attention --split-input-file | FileCheck %s

// The products as createBroadcastMatmul builds them (rank 4), k^T a
// transpose, the scores scaled by a constant in the body: one
// seq.attention on k itself, the plain ops erased.
#lhs = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#rhs = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#out = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>
// CHECK-LABEL: func.func @scaled
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[K:.+]]: tensor<2x4x8x16xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>)
// CHECK-NEXT: %[[O:.+]] = seq.attention %[[Q]], %[[K]], %[[V]] {empty_row_nan, scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @scaled(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %et = tensor.empty() : tensor<2x4x16x8xf32>
  %kt = linalg.transpose ins(%k : tensor<2x4x8x16xf32>) outs(%et : tensor<2x4x16x8xf32>) permutation = [0, 1, 3, 2]
  %es = tensor.empty() : tensor<2x4x8x8xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %s = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %kt : tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) outs(%zs : tensor<2x4x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x8x8xf32>
  %sc = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<2x4x8x8xf32>) outs(%es : tensor<2x4x8x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %f = arith.constant 0.25 : f32
    %m = arith.mulf %a, %f : f32
    linalg.yield %m : f32
  } -> tensor<2x4x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%sc : tensor<2x4x8x8xf32>) outs(%es : tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %eo = tensor.empty() : tensor<2x4x8x16xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  %o = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) outs(%zo : tensor<2x4x8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// Rank 3 ([N, L, E], as nn.MultiheadAttention exports it), named
// batch_matmuls, the scale on q (a 0-d constant operand), a causal mask
// built at run time as ONNX's Trilu(ones) == 0 selects -inf: causal, the
// head dimension added around the op, and the mask's extents checked
// against the scores' (L is dynamic).
#id3 = affine_map<(n, i, j) -> (n, i, j)>
#scalar3 = affine_map<(n, i, j) -> ()>
#mask3 = affine_map<(n, i, j) -> (i, j)>
#id2 = affine_map<(i, j) -> (i, j)>
// CHECK-LABEL: func.func @causal_trilu
// CHECK-SAME: (%[[Q:.+]]: tensor<8x?x16xf32>, %[[K:.+]]: tensor<8x?x16xf32>, %[[V:.+]]: tensor<8x?x16xf32>, %[[L:.+]]: index)
// The mask's sizes are read off the tensor.empty it was built in, so none
// of the ops that computed it stays.
// CHECK-NOT: linalg
// CHECK: %[[Q4:.+]] = tensor.expand_shape %[[Q]] {{\[}}[0, 1], [2], [3]]
// CHECK: %[[K4:.+]] = tensor.expand_shape %[[K]] {{\[}}[0, 1], [2], [3]]
// CHECK: %[[V4:.+]] = tensor.expand_shape %[[V]] {{\[}}[0, 1], [2], [3]]
// CHECK: %[[O:.+]] = seq.attention %[[Q4]], %[[K4]], %[[V4]] causal(top_left) {empty_row_nan, scale = 2.500000e-01 : f32} : (tensor<8x1x?x16xf32>, tensor<8x1x?x16xf32>, tensor<8x1x?x16xf32>) -> tensor<8x1x?x16xf32>
// CHECK: arith.cmpi eq, %[[L]],
// CHECK: seq.check {{.+}} shape "attention mask at {{.+}} dimension 0 is {}, but the scores make it a different size"
// CHECK: seq.check {{.+}} shape "attention mask at {{.+}} dimension 1 is {}, but the scores make it a different size"
// CHECK: %[[R:.+]] = tensor.collapse_shape %[[O]] {{\[}}[0, 1], [2], [3]] : tensor<8x1x?x16xf32> into tensor<8x?x16xf32>
// CHECK-NOT: linalg
// CHECK: return %[[R]]
func.func @causal_trilu(%q: tensor<8x?x16xf32>, %k: tensor<8x?x16xf32>, %v: tensor<8x?x16xf32>, %l: index) -> tensor<8x?x16xf32> {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %quarter = arith.constant dense<0.25> : tensor<f32>
  %ninf = arith.constant dense<0xFF800000> : tensor<f32>
  %c1 = arith.constant 1 : index
  %n = tensor.dim %q, %c1 : tensor<8x?x16xf32>
  %eq = tensor.empty(%n) : tensor<8x?x16xf32>
  %qs = linalg.generic {indexing_maps = [#id3, #scalar3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%q, %quarter : tensor<8x?x16xf32>, tensor<f32>) outs(%eq : tensor<8x?x16xf32>) {
  ^bb0(%a: f32, %f: f32, %o: f32):
    %m = arith.mulf %a, %f : f32
    linalg.yield %m : f32
  } -> tensor<8x?x16xf32>
  %et = tensor.empty(%n) : tensor<8x16x?xf32>
  %kt = linalg.transpose ins(%k : tensor<8x?x16xf32>) outs(%et : tensor<8x16x?xf32>) permutation = [0, 2, 1]
  %es = tensor.empty(%n, %n) : tensor<8x?x?xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<8x?x?xf32>) -> tensor<8x?x?xf32>
  %s = linalg.batch_matmul ins(%qs, %kt : tensor<8x?x16xf32>, tensor<8x16x?xf32>) outs(%zs : tensor<8x?x?xf32>) -> tensor<8x?x?xf32>
  // tril(ones(l, l)) == 0
  %eo = tensor.empty(%l, %l) : tensor<?x?xf32>
  %ones = linalg.fill ins(%one : f32) outs(%eo : tensor<?x?xf32>) -> tensor<?x?xf32>
  %tril = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%ones : tensor<?x?xf32>) outs(%eo : tensor<?x?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %d = arith.subi %j, %i : index
    %c0 = arith.constant 0 : index
    %keep = arith.cmpi sle, %d, %c0 : index
    %z = arith.constant 0.0 : f32
    %r = arith.select %keep, %a, %z : f32
    linalg.yield %r : f32
  } -> tensor<?x?xf32>
  %eb = tensor.empty(%l, %l) : tensor<?x?xi1>
  %masked = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]} ins(%tril : tensor<?x?xf32>) outs(%eb : tensor<?x?xi1>) {
  ^bb0(%a: f32, %o: i1):
    %z = arith.constant 0.0 : f32
    %r = arith.cmpf oeq, %a, %z : f32
    linalg.yield %r : i1
  } -> tensor<?x?xi1>
  %w = linalg.generic {indexing_maps = [#mask3, #scalar3, #id3, #id3], iterator_types = ["parallel", "parallel", "parallel"]} ins(%masked, %ninf, %s : tensor<?x?xi1>, tensor<f32>, tensor<8x?x?xf32>) outs(%es : tensor<8x?x?xf32>) {
  ^bb0(%c: i1, %f: f32, %a: f32, %o: f32):
    %r = arith.select %c, %f, %a : f32
    linalg.yield %r : f32
  } -> tensor<8x?x?xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<8x?x?xf32>) outs(%es : tensor<8x?x?xf32>) -> tensor<8x?x?xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eq : tensor<8x?x16xf32>) -> tensor<8x?x16xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<8x?x?xf32>, tensor<8x?x16xf32>) outs(%zo : tensor<8x?x16xf32>) -> tensor<8x?x16xf32>
  return %o : tensor<8x?x16xf32>
}

// -----

// A GPT-2-style block: where(tril buffer sliced to [T, T], scores, -inf)
// is causal, then + an additive [B, 1, 1, T] padding mask kept as the
// op's mask; the scale a division of the scores. (Hugging Face's finfo.min
// fill with a padding mask is left as written: see @left_as_written.)
#lhs = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#rhs = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#out = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>
#tri = affine_map<(b, h, i, j) -> (0, 0, i, j)>
#pad = affine_map<(b, h, i, j) -> (b, 0, 0, j)>
// CHECK-LABEL: func.func @gpt2
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x6x16xf32>, %[[K:.+]]: tensor<2x4x6x16xf32>, %[[V:.+]]: tensor<2x4x6x16xf32>, %[[M:.+]]: tensor<2x1x1x6xf32>)
// CHECK-NOT: seq.check
// CHECK: %[[O:.+]] = seq.attention %[[Q]], %[[K]], %[[V]] mask(%[[M]]) causal(top_left) {empty_row_nan, scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @gpt2(%q: tensor<2x4x6x16xf32>, %k: tensor<2x4x6x16xf32>, %v: tensor<2x4x6x16xf32>, %mask: tensor<2x1x1x6xf32>) -> tensor<2x4x6x16xf32> {
  %zero = arith.constant 0.0 : f32
  %bias = arith.constant dense<[[[[true, false, false, false, false, false, false, false],
                                  [true, true, false, false, false, false, false, false],
                                  [true, true, true, false, false, false, false, false],
                                  [true, true, true, true, false, false, false, false],
                                  [true, true, true, true, true, false, false, false],
                                  [true, true, true, true, true, true, false, false],
                                  [true, true, true, true, true, true, true, false],
                                  [true, true, true, true, true, true, true, true]]]]> : tensor<1x1x8x8xi1>
  %causal = tensor.extract_slice %bias[0, 0, 0, 0] [1, 1, 6, 6] [1, 1, 1, 1] : tensor<1x1x8x8xi1> to tensor<1x1x6x6xi1>
  %et = tensor.empty() : tensor<2x4x16x6xf32>
  %kt = linalg.transpose ins(%k : tensor<2x4x6x16xf32>) outs(%et : tensor<2x4x16x6xf32>) permutation = [0, 1, 3, 2]
  %es = tensor.empty() : tensor<2x4x6x6xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %s = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %kt : tensor<2x4x6x16xf32>, tensor<2x4x16x6xf32>) outs(%zs : tensor<2x4x6x6xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x6x6xf32>
  %sc = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%s : tensor<2x4x6x6xf32>) outs(%es : tensor<2x4x6x6xf32>) {
  ^bb0(%a: f32, %o: f32):
    %f = arith.constant 4.0 : f32
    %m = arith.divf %a, %f : f32
    linalg.yield %m : f32
  } -> tensor<2x4x6x6xf32>
  %w = linalg.generic {indexing_maps = [#tri, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%causal, %sc : tensor<1x1x6x6xi1>, tensor<2x4x6x6xf32>) outs(%es : tensor<2x4x6x6xf32>) {
  ^bb0(%keep: i1, %a: f32, %o: f32):
    %ninf = arith.constant 0xFF800000 : f32
    %r = arith.select %keep, %a, %ninf : f32
    linalg.yield %r : f32
  } -> tensor<2x4x6x6xf32>
  %x = linalg.generic {indexing_maps = [#id, #pad, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%w, %mask : tensor<2x4x6x6xf32>, tensor<2x1x1x6xf32>) outs(%es : tensor<2x4x6x6xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %r = arith.addf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x6x6xf32>
  %p = linalg.softmax dimension(3) ins(%x : tensor<2x4x6x6xf32>) outs(%es : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %eo = tensor.empty() : tensor<2x4x6x16xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x6x16xf32>) -> tensor<2x4x6x16xf32>
  %o = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<2x4x6x6xf32>, tensor<2x4x6x16xf32>) outs(%zo : tensor<2x4x6x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x6x16xf32>
  return %o : tensor<2x4x6x16xf32>
}

// -----

// A bool key-padding mask filled with -inf where true (masked_fill): kept
// as the op's mask, negated (seq.attention keeps where true). No scale:
// scale 1.
#lhs = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#rhs = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#rhsT = affine_map<(b, h, m, n, k) -> (b, h, n, k)>
#out = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>
#pad = affine_map<(b, h, i, j) -> (b, 0, 0, j)>
// CHECK-LABEL: func.func @padding
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x6x16xf32>, %[[K:.+]]: tensor<2x4x6x16xf32>, %[[V:.+]]: tensor<2x4x6x16xf32>, %[[M:.+]]: tensor<2x1x1x6xi1>)
// CHECK: %[[KEEP:.+]] = linalg.generic {{.+}} ins(%[[M]] : tensor<2x1x1x6xi1>)
// CHECK: arith.xori
// CHECK: %[[O:.+]] = seq.attention %[[Q]], %[[K]], %[[V]] mask(%[[KEEP]]) {empty_row_nan, scale = 1.000000e+00 : f32}
// CHECK-NEXT: return %[[O]]
func.func @padding(%q: tensor<2x4x6x16xf32>, %k: tensor<2x4x6x16xf32>, %v: tensor<2x4x6x16xf32>, %mask: tensor<2x1x1x6xi1>) -> tensor<2x4x6x16xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x4x6x6xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  // The contraction reads k transposed itself.
  %s = linalg.generic {indexing_maps = [#lhs, #rhsT, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %k : tensor<2x4x6x16xf32>, tensor<2x4x6x16xf32>) outs(%zs : tensor<2x4x6x6xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x6x6xf32>
  %w = linalg.generic {indexing_maps = [#pad, #id, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%mask, %s : tensor<2x1x1x6xi1>, tensor<2x4x6x6xf32>) outs(%es : tensor<2x4x6x6xf32>) {
  ^bb0(%m: i1, %a: f32, %o: f32):
    %ninf = arith.constant 0xFF800000 : f32
    %r = arith.select %m, %ninf, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x4x6x6xf32>
  %p = linalg.softmax dimension(3) ins(%w : tensor<2x4x6x6xf32>) outs(%es : tensor<2x4x6x6xf32>) -> tensor<2x4x6x6xf32>
  %eo = tensor.empty() : tensor<2x4x6x16xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x6x16xf32>) -> tensor<2x4x6x16xf32>
  %o = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<2x4x6x6xf32>, tensor<2x4x6x16xf32>) outs(%zo : tensor<2x4x6x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x6x16xf32>
  return %o : tensor<2x4x6x16xf32>
}

// -----

// Left as written: a finite fill (-1e9) on a mask that is not causal (a
// fully masked row would be the mean of v, not zeros, and s - 1e9 is not
// -1e9, so it is no additive mask either); a scale after the mask
// ((s + m) * c is not s * c + m); softmax along another dimension; a
// product that accumulates into something else than zeros; a finite
// causal fill (finfo.min) next to a padding mask (a left-padded row could
// hold only filled keys, which the plain ops average); a negative scale.
#lhs = affine_map<(b, m, n, k) -> (b, m, k)>
#rhs = affine_map<(b, m, n, k) -> (b, k, n)>
#out = affine_map<(b, m, n, k) -> (b, m, n)>
#id = affine_map<(b, i, j) -> (b, i, j)>
#pad = affine_map<(b, i, j) -> (b, 0, j)>
#tri = affine_map<(b, i, j) -> (0, i, j)>
// CHECK-LABEL: func.func @left_as_written
// CHECK-NOT: seq.attention
// CHECK: return
func.func @left_as_written(%q: tensor<2x6x16xf32>, %kt: tensor<2x16x6xf32>, %v: tensor<2x6x16xf32>, %mask: tensor<2x1x6xi1>, %add: tensor<2x1x6xf32>, %acc: tensor<2x6x16xf32>) -> (tensor<2x6x16xf32>, tensor<2x6x16xf32>, tensor<2x6x16xf32>, tensor<2x6x16xf32>, tensor<2x6x16xf32>, tensor<2x6x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x6x6xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x6x16xf32>, tensor<2x16x6xf32>) outs(%zs : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %eo = tensor.empty() : tensor<2x6x16xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x6x16xf32>) -> tensor<2x6x16xf32>
  // -1e9 on a padding mask
  %w = linalg.generic {indexing_maps = [#pad, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%mask, %s : tensor<2x1x6xi1>, tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) {
  ^bb0(%m: i1, %a: f32, %o: f32):
    %min = arith.constant -1.0e+09 : f32
    %r = arith.select %m, %min, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6xf32>
  %p1 = linalg.softmax dimension(2) ins(%w : tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %o1 = linalg.batch_matmul ins(%p1, %v : tensor<2x6x6xf32>, tensor<2x6x16xf32>) outs(%zo : tensor<2x6x16xf32>) -> tensor<2x6x16xf32>
  // (s + m) * 0.25
  %x = linalg.generic {indexing_maps = [#id, #pad, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %add : tensor<2x6x6xf32>, tensor<2x1x6xf32>) outs(%es : tensor<2x6x6xf32>) {
  ^bb0(%a: f32, %m: f32, %o: f32):
    %r = arith.addf %a, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x : tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) {
  ^bb0(%a: f32, %o: f32):
    %f = arith.constant 0.25 : f32
    %r = arith.mulf %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6xf32>
  %p2 = linalg.softmax dimension(2) ins(%y : tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %o2 = linalg.batch_matmul ins(%p2, %v : tensor<2x6x6xf32>, tensor<2x6x16xf32>) outs(%zo : tensor<2x6x16xf32>) -> tensor<2x6x16xf32>
  // softmax over the queries
  %p3 = linalg.softmax dimension(1) ins(%s : tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %o3 = linalg.batch_matmul ins(%p3, %v : tensor<2x6x6xf32>, tensor<2x6x16xf32>) outs(%zo : tensor<2x6x16xf32>) -> tensor<2x6x16xf32>
  // accumulating into %acc
  %p4 = linalg.softmax dimension(2) ins(%s : tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %o4 = linalg.batch_matmul ins(%p4, %v : tensor<2x6x6xf32>, tensor<2x6x16xf32>) outs(%acc : tensor<2x6x16xf32>) -> tensor<2x6x16xf32>
  // where(tril, s + pad, finfo.min)
  %tril = arith.constant dense<[[[true, false, false, false, false, false],
                                 [true, true, false, false, false, false],
                                 [true, true, true, false, false, false],
                                 [true, true, true, true, false, false],
                                 [true, true, true, true, true, false],
                                 [true, true, true, true, true, true]]]> : tensor<1x6x6xi1>
  %w5 = linalg.generic {indexing_maps = [#tri, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%tril, %x : tensor<1x6x6xi1>, tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) {
  ^bb0(%keep: i1, %a: f32, %o: f32):
    %min = arith.constant -3.40282347E+38 : f32
    %r = arith.select %keep, %a, %min : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6xf32>
  %p5 = linalg.softmax dimension(2) ins(%w5 : tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %o5 = linalg.batch_matmul ins(%p5, %v : tensor<2x6x6xf32>, tensor<2x6x16xf32>) outs(%zo : tensor<2x6x16xf32>) -> tensor<2x6x16xf32>
  // s * -0.25
  %n6 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s : tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) {
  ^bb0(%a: f32, %o: f32):
    %f = arith.constant -0.25 : f32
    %r = arith.mulf %a, %f : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6xf32>
  %p6 = linalg.softmax dimension(2) ins(%n6 : tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %o6 = linalg.batch_matmul ins(%p6, %v : tensor<2x6x6xf32>, tensor<2x6x16xf32>) outs(%zo : tensor<2x6x16xf32>) -> tensor<2x6x16xf32>
  return %o1, %o2, %o3, %o4, %o5, %o6 : tensor<2x6x16xf32>, tensor<2x6x16xf32>, tensor<2x6x16xf32>, tensor<2x6x16xf32>, tensor<2x6x16xf32>, tensor<2x6x16xf32>
}

// -----

// A 1-D additive mask over the keys (a per-key bias) becomes a [1, Lk]
// mask operand (seq.attention takes rank 2 to 4); a [1, 1] zero mask, 0
// "on and below the diagonal" but broadcast along both the queries and
// the keys, is no causal mask: it adds nothing, so the attention has no
// mask at all.
#lhs = affine_map<(b, m, n, k) -> (b, m, k)>
#rhs = affine_map<(b, m, n, k) -> (b, k, n)>
#out = affine_map<(b, m, n, k) -> (b, m, n)>
#id = affine_map<(b, i, j) -> (b, i, j)>
#keys = affine_map<(b, i, j) -> (j)>
#one = affine_map<(b, i, j) -> (0, 0)>
// CHECK-LABEL: func.func @broadcast_masks
// CHECK-SAME: %[[M:[a-z0-9]+]]: tensor<6xf32>
// CHECK: %[[M2:.+]] = tensor.expand_shape %[[M]] {{\[\[}}0, 1]] output_shape [1, 6] : tensor<6xf32> into tensor<1x6xf32>
// CHECK: seq.attention {{.+}} mask(%[[M2]]) {empty_row_nan, scale = 1.000000e+00 : f32}
// CHECK: seq.attention %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}}, %{{[a-z0-9_]+}} {empty_row_nan, scale = 1.000000e+00 : f32}
// CHECK-NOT: causal
func.func @broadcast_masks(%q: tensor<2x6x16xf32>, %kt: tensor<2x16x6xf32>, %v: tensor<2x6x16xf32>, %m: tensor<6xf32>) -> (tensor<2x6x16xf32>, tensor<2x6x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x6x6xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x6x16xf32>, tensor<2x16x6xf32>) outs(%zs : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %eo = tensor.empty() : tensor<2x6x16xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x6x16xf32>) -> tensor<2x6x16xf32>
  %x = linalg.generic {indexing_maps = [#id, #keys, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %m : tensor<2x6x6xf32>, tensor<6xf32>) outs(%es : tensor<2x6x6xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6xf32>
  %p = linalg.softmax dimension(2) ins(%x : tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %o1 = linalg.batch_matmul ins(%p, %v : tensor<2x6x6xf32>, tensor<2x6x16xf32>) outs(%zo : tensor<2x6x16xf32>) -> tensor<2x6x16xf32>
  %z = arith.constant dense<0.0> : tensor<1x1xf32>
  %y = linalg.generic {indexing_maps = [#id, #one, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%s, %z : tensor<2x6x6xf32>, tensor<1x1xf32>) outs(%es : tensor<2x6x6xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6xf32>
  %p2 = linalg.softmax dimension(2) ins(%y : tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %o2 = linalg.batch_matmul ins(%p2, %v : tensor<2x6x6xf32>, tensor<2x6x16xf32>) outs(%zo : tensor<2x6x16xf32>) -> tensor<2x6x16xf32>
  return %o1, %o2 : tensor<2x6x16xf32>, tensor<2x6x16xf32>
}

// -----

// k transposed with its batch and head dimensions swapped as well: the
// product is valid where B equals the head count, and the types know the
// head count from q but not from k. q, k and v are cast to the extents any
// of them knows (checked at run time); seq.attention needs static heads.
#lhs = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#rhs = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#out = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
// CHECK-LABEL: func.func @swapped_heads
// CHECK-SAME: (%[[Q:.+]]: tensor<?x2x?x4xf32>, %[[K:.+]]: tensor<?x2x?x4xf32>, %[[V:.+]]: tensor<2x2x?x4xf32>)
// CHECK: %[[KT:.+]] = linalg.transpose ins(%[[K]] : tensor<?x2x?x4xf32>) {{.+}} permutation = [1, 0, 2, 3]
// CHECK: %[[QC:.+]] = tensor.cast %[[Q]] : tensor<?x2x?x4xf32> to tensor<2x2x?x4xf32>
// CHECK: %[[KC:.+]] = tensor.cast %[[KT]] : tensor<2x?x?x4xf32> to tensor<2x2x?x4xf32>
// CHECK: seq.attention %[[QC]], %[[KC]], %[[V]]
func.func @swapped_heads(%q: tensor<?x2x?x4xf32>, %k: tensor<?x2x?x4xf32>, %v: tensor<2x2x?x4xf32>) -> tensor<2x2x?x4xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %b = tensor.dim %k, %c0 : tensor<?x2x?x4xf32>
  %t = tensor.dim %k, %c2 : tensor<?x2x?x4xf32>
  %tq = tensor.dim %q, %c2 : tensor<?x2x?x4xf32>
  %et = tensor.empty(%b, %t) : tensor<2x?x4x?xf32>
  %kt = linalg.transpose ins(%k : tensor<?x2x?x4xf32>) outs(%et : tensor<2x?x4x?xf32>) permutation = [1, 0, 3, 2]
  %es = tensor.empty(%tq, %t) : tensor<2x2x?x?xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x2x?x?xf32>) -> tensor<2x2x?x?xf32>
  %s = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %kt : tensor<?x2x?x4xf32>, tensor<2x?x4x?xf32>) outs(%zs : tensor<2x2x?x?xf32>) {
  ^bb0(%a: f32, %bb: f32, %c: f32):
    %m = arith.mulf %a, %bb : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x2x?x?xf32>
  %p = linalg.softmax dimension(3) ins(%s : tensor<2x2x?x?xf32>) outs(%es : tensor<2x2x?x?xf32>) -> tensor<2x2x?x?xf32>
  %eo = tensor.empty(%tq) : tensor<2x2x?x4xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x2x?x4xf32>) -> tensor<2x2x?x4xf32>
  %o = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<2x2x?x?xf32>, tensor<2x2x?x4xf32>) outs(%zo : tensor<2x2x?x4xf32>) {
  ^bb0(%a: f32, %bb: f32, %c: f32):
    %m = arith.mulf %a, %bb : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x2x?x4xf32>
  return %o : tensor<2x2x?x4xf32>
}

// -----

// Grouped-query attention as LLaMA's repeat_kv writes it: k and v
// [B, 2, L, D] get a unit dimension, are broadcast to [B, 2, 2, L, D] and
// reshaped to the 4 query heads (head h reads key/value head h / 2).
// seq.attention takes the 2 key/value heads themselves: nothing is copied.
#lhs = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#rhs = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#out = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#unit = affine_map<(b, h, r, l, d) -> (b, h, 0, l, d)>
#id5 = affine_map<(b, h, r, l, d) -> (b, h, r, l, d)>
// CHECK-LABEL: func.func @repeat_kv
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[K:.+]]: tensor<2x2x8x16xf32>, %[[V:.+]]: tensor<2x2x8x16xf32>)
// CHECK-NEXT: %[[O:.+]] = seq.attention %[[Q]], %[[K]], %[[V]] {empty_row_nan, scale = 1.000000e+00 : f32} : (tensor<2x4x8x16xf32>, tensor<2x2x8x16xf32>, tensor<2x2x8x16xf32>) -> tensor<2x4x8x16xf32>
// CHECK-NEXT: return %[[O]]
func.func @repeat_kv(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<2x2x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e5 = tensor.empty() : tensor<2x2x2x8x16xf32>
  %k5 = tensor.expand_shape %k [[0], [1, 2], [3], [4]] output_shape [2, 2, 1, 8, 16] : tensor<2x2x8x16xf32> into tensor<2x2x1x8x16xf32>
  %kb = linalg.generic {indexing_maps = [#unit, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%k5 : tensor<2x2x1x8x16xf32>) outs(%e5 : tensor<2x2x2x8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<2x2x2x8x16xf32>
  %kr = tensor.collapse_shape %kb [[0], [1, 2], [3], [4]] : tensor<2x2x2x8x16xf32> into tensor<2x4x8x16xf32>
  %v5 = tensor.expand_shape %v [[0], [1, 2], [3], [4]] output_shape [2, 2, 1, 8, 16] : tensor<2x2x8x16xf32> into tensor<2x2x1x8x16xf32>
  %vb = linalg.generic {indexing_maps = [#unit, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%v5 : tensor<2x2x1x8x16xf32>) outs(%e5 : tensor<2x2x2x8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<2x2x2x8x16xf32>
  %vr = tensor.collapse_shape %vb [[0], [1, 2], [3], [4]] : tensor<2x2x2x8x16xf32> into tensor<2x4x8x16xf32>
  %et = tensor.empty() : tensor<2x4x16x8xf32>
  %kt = linalg.transpose ins(%kr : tensor<2x4x8x16xf32>) outs(%et : tensor<2x4x16x8xf32>) permutation = [0, 1, 3, 2]
  %es = tensor.empty() : tensor<2x4x8x8xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %s = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %kt : tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) outs(%zs : tensor<2x4x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%s : tensor<2x4x8x8xf32>) outs(%es : tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %eo = tensor.empty() : tensor<2x4x8x16xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  %o = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %vr : tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) outs(%zo : tensor<2x4x8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// k repeated (2 heads twice) but v read with all 4 of its heads: the
// key/value heads differ, so both stay as the products read them (k's
// copy kept).
#lhs = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#rhs = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#out = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#drop = affine_map<(b, h, r, l, d) -> (b, h, l, d)>
#id5 = affine_map<(b, h, r, l, d) -> (b, h, r, l, d)>
// CHECK-LABEL: func.func @only_k_repeated
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[K:.+]]: tensor<2x2x8x16xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>)
// CHECK: %[[KB:.+]] = linalg.generic {{.+}} ins(%[[K]] : tensor<2x2x8x16xf32>)
// CHECK: %[[KR:.+]] = tensor.collapse_shape %[[KB]]
// CHECK: seq.attention %[[Q]], %[[KR]], %[[V]] {empty_row_nan, scale = 1.000000e+00 : f32} : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>)
func.func @only_k_repeated(%q: tensor<2x4x8x16xf32>, %k: tensor<2x2x8x16xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %e5 = tensor.empty() : tensor<2x2x2x8x16xf32>
  %kb = linalg.generic {indexing_maps = [#drop, #id5], iterator_types = ["parallel", "parallel", "parallel", "parallel", "parallel"]} ins(%k : tensor<2x2x8x16xf32>) outs(%e5 : tensor<2x2x2x8x16xf32>) {
  ^bb0(%a: f32, %o: f32):
    linalg.yield %a : f32
  } -> tensor<2x2x2x8x16xf32>
  %kr = tensor.collapse_shape %kb [[0], [1, 2], [3], [4]] : tensor<2x2x2x8x16xf32> into tensor<2x4x8x16xf32>
  %et = tensor.empty() : tensor<2x4x16x8xf32>
  %kt = linalg.transpose ins(%kr : tensor<2x4x8x16xf32>) outs(%et : tensor<2x4x16x8xf32>) permutation = [0, 1, 3, 2]
  %es = tensor.empty() : tensor<2x4x8x8xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %s = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%q, %kt : tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) outs(%zs : tensor<2x4x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%s : tensor<2x4x8x8xf32>) outs(%es : tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %eo = tensor.empty() : tensor<2x4x8x16xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  %o = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) outs(%zo : tensor<2x4x8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// -----

// DistilBERT's scores.masked_fill((mask == 0).view(B, 1, L), finfo.min):
// a finite fill, but so large that s + fill rounds to fill, so it is the
// additive mask where(c, finfo.min, 0) (a fully masked row stays the mean
// of v, as written).
#pad = affine_map<(b, i, j) -> (b, 0, j)>
#id = affine_map<(b, i, j) -> (b, i, j)>
// CHECK-LABEL: func.func @finfo_min_padding
// CHECK: %[[ADD:.+]] = linalg.generic
// CHECK-NEXT: ^bb0(%[[C:.+]]: i1, %{{.+}}: f32):
// CHECK-DAG: %[[MIN:.+]] = arith.constant -3.40282347E+38 : f32
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: arith.select %[[C]], %[[MIN]], %[[ZERO]] : f32
// CHECK: seq.attention {{.+}} mask(%{{.+}}) {empty_row_nan, scale = 1.000000e+00 : f32} : ({{.+}}, tensor<2x1x1x6xf32>)
// CHECK-NOT: linalg.softmax
func.func @finfo_min_padding(%q: tensor<2x6x16xf32>, %kt: tensor<2x16x6xf32>, %v: tensor<2x6x16xf32>, %mask: tensor<2x1x6xi1>) -> tensor<2x6x16xf32> {
  %zero = arith.constant 0.0 : f32
  %es = tensor.empty() : tensor<2x6x6xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %s = linalg.batch_matmul ins(%q, %kt : tensor<2x6x16xf32>, tensor<2x16x6xf32>) outs(%zs : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %w = linalg.generic {indexing_maps = [#pad, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%mask, %s : tensor<2x1x6xi1>, tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) {
  ^bb0(%m: i1, %a: f32, %o: f32):
    %min = arith.constant -3.40282347E+38 : f32
    %r = arith.select %m, %min, %a : f32
    linalg.yield %r : f32
  } -> tensor<2x6x6xf32>
  %p = linalg.softmax dimension(2) ins(%w : tensor<2x6x6xf32>) outs(%es : tensor<2x6x6xf32>) -> tensor<2x6x6xf32>
  %eo = tensor.empty() : tensor<2x6x16xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x6x16xf32>) -> tensor<2x6x16xf32>
  %o = linalg.batch_matmul ins(%p, %v : tensor<2x6x6xf32>, tensor<2x6x16xf32>) outs(%zo : tensor<2x6x16xf32>) -> tensor<2x6x16xf32>
  return %o : tensor<2x6x16xf32>
}

// -----

// torch 2.x's export of scaled_dot_product_attention: q and k^T each
// scaled by sqrt(scale) (0.5 * 0.5 here) before the product: both factors
// join the op's scale, and k is read untransposed, unscaled.
#lhs = affine_map<(b, h, m, n, k) -> (b, h, m, k)>
#rhs = affine_map<(b, h, m, n, k) -> (b, h, k, n)>
#out = affine_map<(b, h, m, n, k) -> (b, h, m, n)>
#id = affine_map<(b, h, i, j) -> (b, h, i, j)>
#scalar = affine_map<(b, h, i, j) -> ()>
// CHECK-LABEL: func.func @sdpa_export
// CHECK-SAME: (%[[Q:.+]]: tensor<2x4x8x16xf32>, %[[K:.+]]: tensor<2x4x8x16xf32>, %[[V:.+]]: tensor<2x4x8x16xf32>)
// CHECK-NEXT: %[[O:.+]] = seq.attention %[[Q]], %[[K]], %[[V]] {empty_row_nan, scale = 2.500000e-01 : f32}
// CHECK-NEXT: return %[[O]]
func.func @sdpa_export(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %zero = arith.constant 0.0 : f32
  %half = arith.constant dense<0.5> : tensor<f32>
  %eq = tensor.empty() : tensor<2x4x8x16xf32>
  %qs = linalg.generic {indexing_maps = [#id, #scalar, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%q, %half : tensor<2x4x8x16xf32>, tensor<f32>) outs(%eq : tensor<2x4x8x16xf32>) {
  ^bb0(%a: f32, %f: f32, %o: f32):
    %m = arith.mulf %a, %f : f32
    linalg.yield %m : f32
  } -> tensor<2x4x8x16xf32>
  %et = tensor.empty() : tensor<2x4x16x8xf32>
  %kt = linalg.transpose ins(%k : tensor<2x4x8x16xf32>) outs(%et : tensor<2x4x16x8xf32>) permutation = [0, 1, 3, 2]
  %kts = linalg.generic {indexing_maps = [#id, #scalar, #id], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%kt, %half : tensor<2x4x16x8xf32>, tensor<f32>) outs(%et : tensor<2x4x16x8xf32>) {
  ^bb0(%a: f32, %f: f32, %o: f32):
    %m = arith.mulf %a, %f : f32
    linalg.yield %m : f32
  } -> tensor<2x4x16x8xf32>
  %es = tensor.empty() : tensor<2x4x8x8xf32>
  %zs = linalg.fill ins(%zero : f32) outs(%es : tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %s = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%qs, %kts : tensor<2x4x8x16xf32>, tensor<2x4x16x8xf32>) outs(%zs : tensor<2x4x8x8xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x8x8xf32>
  %p = linalg.softmax dimension(3) ins(%s : tensor<2x4x8x8xf32>) outs(%es : tensor<2x4x8x8xf32>) -> tensor<2x4x8x8xf32>
  %eo = tensor.empty() : tensor<2x4x8x16xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  %o = linalg.generic {indexing_maps = [#lhs, #rhs, #out], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%p, %v : tensor<2x4x8x8xf32>, tensor<2x4x8x16xf32>) outs(%zo : tensor<2x4x8x16xf32>) {
  ^bb0(%a: f32, %b: f32, %c: f32):
    %m = arith.mulf %a, %b : f32
    %r = arith.addf %c, %m : f32
    linalg.yield %r : f32
  } -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}
