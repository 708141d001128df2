// RUN: seq-opt %s --seqc-pack-constant-weights=panel-width=4 --split-input-file | FileCheck %s

// A linear contraction with a constant w [N = 5, K = 3] reads it packed in
// panels of 4 columns: packed[j, k, c] = w[4 j + c, k], the fifth column
// alone in the second panel with zeros after it.
#x = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#w = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
#y = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[PACKED:.+]] = affine_map<(d0, d1, d2, d3) -> (d2 floordiv 4, d3, d2 mod 4)>
// CHECK-LABEL: func.func @linear
// CHECK: %[[P:.+]] = arith.constant dense<{{\[}}{{\[}}[1.000000e+00, 4.000000e+00, 7.000000e+00, 1.000000e+01], [2.000000e+00, 5.000000e+00, 8.000000e+00, 1.100000e+01], [3.000000e+00, 6.000000e+00, 9.000000e+00, 1.200000e+01]], {{\[}}[1.300000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00], [1.400000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00], [1.500000e+01, 0.000000e+00, 0.000000e+00, 0.000000e+00]]]> : tensor<2x3x4xf32>
// CHECK: linalg.generic {indexing_maps = [#{{.+}}, #[[PACKED]], #{{.+}}]
// CHECK-SAME: ins(%{{.+}}, %[[P]] : tensor<?x?x3xf32>, tensor<2x3x4xf32>)
func.func @linear(%x: tensor<?x?x3xf32>, %y: tensor<?x?x5xf32>) -> tensor<?x?x5xf32> {
  %w = arith.constant dense<[[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0],
                             [10.0, 11.0, 12.0], [13.0, 14.0, 15.0]]> : tensor<5x3xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x?x3xf32>, tensor<5x3xf32>) outs(%y : tensor<?x?x5xf32>)
      attrs = {seq.contraction} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  } -> tensor<?x?x5xf32>
  return %r : tensor<?x?x5xf32>
}

// -----

// A weight that is an argument (run-time, or --external-weights) keeps its
// layout: it is packed by nobody.
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d1, d2)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @argument_weight
// CHECK-NOT: floordiv
// CHECK: ins(%{{.+}}, %{{.+}} : tensor<?x3xf32>, tensor<5x3xf32>)
func.func @argument_weight(%x: tensor<?x3xf32>, %w: tensor<5x3xf32>, %y: tensor<?x5xf32>) -> tensor<?x5xf32> {
  %r = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x3xf32>, tensor<5x3xf32>) outs(%y : tensor<?x5xf32>)
      attrs = {seq.contraction} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  } -> tensor<?x5xf32>
  return %r : tensor<?x5xf32>
}

// -----

// Only the mark says "linear layer": an unmarked generic of the same form
// keeps its constant. f64 weights are not packed either.
#q = affine_map<(d0, d1, d2) -> (d0, d2)>
#k = affine_map<(d0, d1, d2) -> (d1, d2)>
#s = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @not_linear
// CHECK-NOT: floordiv
// CHECK: tensor<5x3xf32>)
// CHECK: tensor<5x3xf64>)
func.func @not_linear(%x: tensor<?x3xf32>, %y: tensor<?x5xf32>,
                      %xd: tensor<?x3xf64>, %yd: tensor<?x5xf64>) -> (tensor<?x5xf32>, tensor<?x5xf64>) {
  %w = arith.constant dense<1.0> : tensor<5x3xf32>
  %r = linalg.generic {indexing_maps = [#q, #k, #s],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x3xf32>, tensor<5x3xf32>) outs(%y : tensor<?x5xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x5xf32>
  %wd = arith.constant dense<1.0> : tensor<5x3xf64>
  %rd = linalg.generic {indexing_maps = [#q, #k, #s],
                        iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%xd, %wd : tensor<?x3xf64>, tensor<5x3xf64>) outs(%yd : tensor<?x5xf64>)
      attrs = {seq.contraction} {
  ^bb0(%a: f64, %b: f64, %acc: f64):
    %p = arith.mulf %a, %b : f64
    %s = arith.addf %acc, %p : f64
    linalg.yield %s : f64
  } -> tensor<?x5xf64>
  return %r, %rd : tensor<?x5xf32>, tensor<?x5xf64>
}

// -----

// A recurrence's weights for one direction are a static slice of the
// [D, G*H, I] constant: the slice is packed (here direction 1 of 2, its
// [N = 4, K = 2] rows 4..7 of the whole). A weight with fewer columns than
// a panel (N = 3) is left alone.
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d1, d2)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @direction_slice
// CHECK: %[[P:.+]] = arith.constant dense<{{\[}}{{\[}}[9.000000e+00, 1.100000e+01, 1.300000e+01, 1.500000e+01], [1.000000e+01, 1.200000e+01, 1.400000e+01, 1.600000e+01]]]> : tensor<1x2x4xf32>
// CHECK: ins(%{{.+}}, %[[P]] : tensor<?x2xf32>, tensor<1x2x4xf32>)
// CHECK: ins(%{{.+}}, %{{.+}} : tensor<?x2xf32>, tensor<3x2xf32>)
func.func @direction_slice(%x: tensor<?x2xf32>, %y: tensor<?x4xf32>, %z: tensor<?x3xf32>) -> (tensor<?x4xf32>, tensor<?x3xf32>) {
  %all = arith.constant dense<[[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0], [7.0, 8.0]],
                               [[9.0, 10.0], [11.0, 12.0], [13.0, 14.0], [15.0, 16.0]]]> : tensor<2x4x2xf32>
  %w = tensor.extract_slice %all[1, 0, 0] [1, 4, 2] [1, 1, 1] : tensor<2x4x2xf32> to tensor<4x2xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x2xf32>, tensor<4x2xf32>) outs(%y : tensor<?x4xf32>)
      attrs = {seq.contraction} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  } -> tensor<?x4xf32>
  %narrow = tensor.extract_slice %all[0, 0, 0] [1, 3, 2] [1, 1, 1] : tensor<2x4x2xf32> to tensor<3x2xf32>
  %q = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %narrow : tensor<?x2xf32>, tensor<3x2xf32>) outs(%z : tensor<?x3xf32>)
      attrs = {seq.contraction} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  } -> tensor<?x3xf32>
  return %r, %q : tensor<?x4xf32>, tensor<?x3xf32>
}

// -----

// A slice that starts inside the innermost dim (columns 1..2 of each row
// of a [4, 4] constant: w[n] = [4n + 2, 4n + 3]) is copied row by row; a
// splat weight packs to a splat (N = 4, K = 3: one full panel).
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#w = affine_map<(d0, d1, d2) -> (d1, d2)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @inner_slice_and_splat
// CHECK: arith.constant dense<{{\[}}{{\[}}[2.000000e+00, 6.000000e+00, 1.000000e+01, 1.400000e+01], [3.000000e+00, 7.000000e+00, 1.100000e+01, 1.500000e+01]]]> : tensor<1x2x4xf32>
// CHECK: arith.constant dense<5.000000e-01> : tensor<1x3x4xf32>
func.func @inner_slice_and_splat(%x: tensor<?x2xf32>, %y: tensor<?x4xf32>, %x3: tensor<?x3xf32>) -> (tensor<?x4xf32>, tensor<?x4xf32>) {
  %all = arith.constant dense<[[1.0, 2.0, 3.0, 4.0], [5.0, 6.0, 7.0, 8.0],
                               [9.0, 10.0, 11.0, 12.0], [13.0, 14.0, 15.0, 16.0]]> : tensor<4x4xf32>
  %w = tensor.extract_slice %all[0, 1] [4, 2] [1, 1] : tensor<4x4xf32> to tensor<4x2xf32>
  %r = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : tensor<?x2xf32>, tensor<4x2xf32>) outs(%y : tensor<?x4xf32>)
      attrs = {seq.contraction} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  } -> tensor<?x4xf32>
  %half = arith.constant dense<0.5> : tensor<4x3xf32>
  %q = linalg.generic {indexing_maps = [#x, #w, #y],
                       iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x3, %half : tensor<?x3xf32>, tensor<4x3xf32>) outs(%y : tensor<?x4xf32>)
      attrs = {seq.contraction} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  } -> tensor<?x4xf32>
  return %r, %q : tensor<?x4xf32>, tensor<?x4xf32>
}
