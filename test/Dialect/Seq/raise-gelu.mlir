// RUN: seq-opt %s --seq-raise-gelu --split-input-file | FileCheck %s

// Exact GELU as nn.GELU exports it (Div by sqrt 2, Erf, Add 1, Mul x,
// Mul 0.5), and the same product in another order (0.5 first, erf(x *
// 1/sqrt 2) + 1): each becomes one seq.activation <gelu> of x.
#id = affine_map<(i, j) -> (i, j)>
#s = affine_map<(i, j) -> ()>
// CHECK-LABEL: func.func @exact
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[E:.+]]: tensor<?x8xf32>)
// CHECK-DAG: %[[A:.+]] = seq.activation <gelu> %[[X]] : tensor<?x8xf32>
// CHECK-DAG: %[[B:.+]] = seq.activation <gelu> %[[X]] : tensor<?x8xf32>
// CHECK-NOT: linalg.generic
// CHECK: return %[[A]], %[[B]]
func.func @exact(%x: tensor<?x8xf32>, %e: tensor<?x8xf32>) -> (tensor<?x8xf32>, tensor<?x8xf32>) {
  %sqrt2 = arith.constant dense<1.41421354> : tensor<f32>
  %d = linalg.generic {indexing_maps = [#id, #s, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %sqrt2 : tensor<?x8xf32>, tensor<f32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.divf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %erf = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%d : tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.erf %a : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %p = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%erf : tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %r = arith.addf %a, %one : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %m = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %p : tensor<?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %g = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%m : tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %half = arith.constant 0.5 : f32
    %r = arith.mulf %a, %half : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  // 0.5 * x first, then * (erf(x * 0.70710678) + 1)
  %h = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %half = arith.constant 0.5 : f32
    %r = arith.mulf %half, %a : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %u = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 0.707106769 : f32
    %r = arith.mulf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %erf2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%u : tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.erf %a : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %p2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%erf2 : tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %r = arith.addf %one, %a : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %g2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%h, %p2 : tensor<?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.mulf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  return %g, %g2 : tensor<?x8xf32>, tensor<?x8xf32>
}

// -----

// Hugging Face's gelu_new: 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715
// * pow(x, 3)))), tanh as seq.activation (how the ONNX importer reads
// Tanh): seq.activation <gelu_tanh>.
#id = affine_map<(i) -> (i)>
// CHECK-LABEL: func.func @tanh_approx
// CHECK-SAME: (%[[X:[a-z0-9]+]]: tensor<16xf32>
// CHECK-NEXT: %[[G:.+]] = seq.activation <gelu_tanh> %[[X]] : tensor<16xf32>
// CHECK-NEXT: return %[[G]]
func.func @tanh_approx(%x: tensor<16xf32>, %e: tensor<16xf32>) -> tensor<16xf32> {
  %cube = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %three = arith.constant 3.0 : f32
    %r = math.powf %a, %three : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %c = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%cube : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %k = arith.constant 0.044715 : f32
    %r = arith.mulf %k, %a : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %in = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%x, %c : tensor<16xf32>, tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %r = arith.addf %a, %b : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %w = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%in : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %k = arith.constant 0.797884583 : f32
    %r = arith.mulf %a, %k : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %t = seq.activation <tanh> %w : tensor<16xf32>
  %p = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%t : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %r = arith.addf %a, %one : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %h = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%x, %p : tensor<16xf32>, tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %half = arith.constant 0.5 : f32
    %m = arith.mulf %a, %half : f32
    %r = arith.mulf %m, %b : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  return %h : tensor<16xf32>
}

// -----

// Near misses stay as written: 0.6 instead of 0.5, erf of x / 2, and the
// erf of another tensor than the one multiplied.
#id = affine_map<(i) -> (i)>
// CHECK-LABEL: func.func @near_misses
// CHECK-NOT: seq.activation
// CHECK: return
func.func @near_misses(%x: tensor<16xf32>, %y: tensor<16xf32>, %e: tensor<16xf32>) -> (tensor<16xf32>, tensor<16xf32>, tensor<16xf32>) {
  %u = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 0.707106769 : f32
    %r = arith.mulf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %u2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%x : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %c = arith.constant 2.0 : f32
    %r = arith.divf %a, %c : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %t1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%u : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %r = math.erf %a : f32
    %s = arith.addf %r, %one : f32
    linalg.yield %s : f32
  } -> tensor<16xf32>
  %erf2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%u2 : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %r = math.erf %a : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %t2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel"]} ins(%erf2 : tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %o: f32):
    %one = arith.constant 1.0 : f32
    %r = arith.addf %a, %one : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %g1 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%x, %t1 : tensor<16xf32>, tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %c = arith.constant 0.6 : f32
    %m = arith.mulf %a, %b : f32
    %r = arith.mulf %m, %c : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %g2 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%x, %t2 : tensor<16xf32>, tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %c = arith.constant 0.5 : f32
    %m = arith.mulf %a, %b : f32
    %r = arith.mulf %m, %c : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  %g3 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel"]} ins(%y, %t2 : tensor<16xf32>, tensor<16xf32>) outs(%e : tensor<16xf32>) {
  ^bb0(%a: f32, %b: f32, %o: f32):
    %c = arith.constant 0.5 : f32
    %m = arith.mulf %a, %b : f32
    %r = arith.mulf %m, %c : f32
    linalg.yield %r : f32
  } -> tensor<16xf32>
  return %g1, %g2, %g3 : tensor<16xf32>, tensor<16xf32>, tensor<16xf32>
}
