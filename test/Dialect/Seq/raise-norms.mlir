// RUN: seq-opt %s --seq-raise-norms --split-input-file | FileCheck %s

// LayerNorm and RMSNorm as the ONNX importer builds them (ReduceMean as a
// reduction of x * (1/N) from 0 and an expand_shape keeping the axis; each
// other op one elementwise generic, per-row values broadcast as (i, 0),
// weights as (j)) become seq.layer_norm / seq.rms_norm of x.
#id = affine_map<(i, j) -> (i, j)>
#s = affine_map<(i, j) -> ()>
#row = affine_map<(i, j) -> (i)>
#bc = affine_map<(i, j) -> (i, 0)>
#w = affine_map<(i, j) -> (j)>
// nn.LayerNorm as exported below opset 17: (x - mean) / sqrt(mean((x -
// mean)^2) + eps) * w + b.
// CHECK-LABEL: func.func @layer_norm
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[G:.+]]: tensor<8xf32>, %[[B:.+]]: tensor<8xf32>)
// CHECK: %[[Y:.+]] = seq.layer_norm %[[X]] scale(%[[G]]) bias(%[[B]]) : (
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
func.func @layer_norm(%x: tensor<?x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %e1 = tensor.empty(%n) : tensor<?x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty(%n) : tensor<?xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<?xf32>) -> tensor<?xf32>
  %inv = arith.constant 0.125 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %v1 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v2 = tensor.expand_shape %v1 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v3 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %v2 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.subf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v4 = linalg.generic {indexing_maps = [#id, #s, #id], iterator_types = ["parallel", "parallel"]} ins(%v3, %two : tensor<?x8xf32>, tensor<f32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = math.powf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v5 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%v4 : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v6 = tensor.expand_shape %v5 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v7 = linalg.generic {indexing_maps = [#id, #s, #id], iterator_types = ["parallel", "parallel"]} ins(%v6, %eps : tensor<?x1xf32>, tensor<f32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v8 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v7 : tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.sqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v9 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%v3, %v8 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.divf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v10 = linalg.generic {indexing_maps = [#id, #w, #id], iterator_types = ["parallel", "parallel"]} ins(%v9, %g : tensor<?x8xf32>, tensor<8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v11 = linalg.generic {indexing_maps = [#id, #w, #id], iterator_types = ["parallel", "parallel"]} ins(%v10, %b : tensor<?x8xf32>, tensor<8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  return %v11 : tensor<?x8xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#s = affine_map<(i, j) -> ()>
#row = affine_map<(i, j) -> (i)>
#bc = affine_map<(i, j) -> (i, 0)>
#w = affine_map<(i, j) -> (j)>
// LLaMA's RMSNorm: weight * (x * rsqrt(mean(x * x) + eps)), operands in
// either order.
// CHECK-LABEL: func.func @rms_norm_rsqrt
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[G:.+]]: tensor<8xf32>)
// CHECK: %[[Y:.+]] = seq.rms_norm %[[X]] scale(%[[G]]) {epsilon = 9.99999997E-7 : f32}
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
func.func @rms_norm_rsqrt(%x: tensor<?x8xf32>, %g: tensor<8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %e1 = tensor.empty(%n) : tensor<?x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty(%n) : tensor<?xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<?xf32>) -> tensor<?xf32>
  %inv = arith.constant 0.125 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %v12 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %x : tensor<?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v13 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%v12 : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v14 = tensor.expand_shape %v13 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v15 = linalg.generic {indexing_maps = [#s, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%eps6, %v14 : tensor<f32>, tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v16 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v15 : tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.rsqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v17 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %v16 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v18 = linalg.generic {indexing_maps = [#w, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%g, %v17 : tensor<8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  return %v18 : tensor<?x8xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#s = affine_map<(i, j) -> ()>
#row = affine_map<(i, j) -> (i)>
#bc = affine_map<(i, j) -> (i, 0)>
#w = affine_map<(i, j) -> (j)>
// torch.rsqrt exports as Div(1, Sqrt(.)); an RMSNorm without weight.
// CHECK-LABEL: func.func @rms_norm_reciprocal
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>)
// CHECK: %[[Y:.+]] = seq.rms_norm %[[X]] {epsilon = 9.99999997E-7 : f32}
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
func.func @rms_norm_reciprocal(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %e1 = tensor.empty(%n) : tensor<?x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty(%n) : tensor<?xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<?xf32>) -> tensor<?xf32>
  %inv = arith.constant 0.125 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %v19 = linalg.generic {indexing_maps = [#id, #s, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %two : tensor<?x8xf32>, tensor<f32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = math.powf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v20 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%v19 : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v21 = tensor.expand_shape %v20 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v22 = linalg.generic {indexing_maps = [#id, #s, #id], iterator_types = ["parallel", "parallel"]} ins(%v21, %eps6 : tensor<?x1xf32>, tensor<f32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v23 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v22 : tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.sqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v24 = linalg.generic {indexing_maps = [#s, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%one, %v23 : tensor<f32>, tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.divf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v25 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %v24 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  return %v25 : tensor<?x8xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#s = affine_map<(i, j) -> ()>
#row = affine_map<(i, j) -> (i)>
#bc = affine_map<(i, j) -> (i, 0)>
#w = affine_map<(i, j) -> (j)>
// seq.rms_norm has no bias: the add after it stays.
// CHECK-LABEL: func.func @rms_norm_then_bias
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[G:.+]]: tensor<8xf32>, %[[B:.+]]: tensor<8xf32>)
// CHECK: %[[N:.+]] = seq.rms_norm %[[X]] scale(%[[G]]) {epsilon = 9.99999997E-7 : f32}
// CHECK: %[[Y:.+]] = linalg.generic {{.+}} ins(%[[N]], %[[B]] :
// CHECK: arith.addf
// CHECK: return %[[Y]]
func.func @rms_norm_then_bias(%x: tensor<?x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %e1 = tensor.empty(%n) : tensor<?x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty(%n) : tensor<?xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<?xf32>) -> tensor<?xf32>
  %inv = arith.constant 0.125 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %v26 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %x : tensor<?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v27 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%v26 : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v28 = tensor.expand_shape %v27 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v29 = linalg.generic {indexing_maps = [#id, #s, #id], iterator_types = ["parallel", "parallel"]} ins(%v28, %eps6 : tensor<?x1xf32>, tensor<f32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v30 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v29 : tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.sqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v31 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %v30 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.divf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v32 = linalg.generic {indexing_maps = [#id, #w, #id], iterator_types = ["parallel", "parallel"]} ins(%v31, %g : tensor<?x8xf32>, tensor<8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v33 = linalg.generic {indexing_maps = [#id, #w, #id], iterator_types = ["parallel", "parallel"]} ins(%v32, %b : tensor<?x8xf32>, tensor<8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  return %v33 : tensor<?x8xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#s = affine_map<(i, j) -> ()>
#row = affine_map<(i, j) -> (i)>
#bc = affine_map<(i, j) -> (i, 0)>
#w = affine_map<(i, j) -> (j)>
// A sum scaled by 0.1 over 8 elements is no mean: left as written.
// CHECK-LABEL: func.func @not_a_mean
// CHECK-NOT: seq.rms_norm
// CHECK: math.sqrt
func.func @not_a_mean(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %e1 = tensor.empty(%n) : tensor<?x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty(%n) : tensor<?xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<?xf32>) -> tensor<?xf32>
  %inv = arith.constant 0.125 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %tenth = arith.constant 0.1 : f32
  %v34 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %x : tensor<?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v35 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%v34 : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %tenth : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v36 = tensor.expand_shape %v35 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v37 = linalg.generic {indexing_maps = [#id, #s, #id], iterator_types = ["parallel", "parallel"]} ins(%v36, %eps : tensor<?x1xf32>, tensor<f32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v38 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v37 : tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.sqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v39 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %v38 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.divf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  return %v39 : tensor<?x8xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#s = affine_map<(i, j) -> ()>
#row = affine_map<(i, j) -> (i)>
#bc = affine_map<(i, j) -> (i, 0)>
#w = affine_map<(i, j) -> (j)>
// The variance is of x2 - mean(x), the numerator x - mean(x): no norm.
// CHECK-LABEL: func.func @variance_of_another
// CHECK-NOT: seq.layer_norm
// CHECK-NOT: seq.rms_norm
// CHECK: math.sqrt
func.func @variance_of_another(%x: tensor<?x8xf32>, %x2: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %e1 = tensor.empty(%n) : tensor<?x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty(%n) : tensor<?xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<?xf32>) -> tensor<?xf32>
  %inv = arith.constant 0.125 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %v40 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v41 = tensor.expand_shape %v40 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v42 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %v41 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.subf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v43 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%x2, %v41 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.subf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v44 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%v43, %v43 : tensor<?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v45 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%v44 : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v46 = tensor.expand_shape %v45 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v47 = linalg.generic {indexing_maps = [#id, #s, #id], iterator_types = ["parallel", "parallel"]} ins(%v46, %eps : tensor<?x1xf32>, tensor<f32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v48 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v47 : tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.sqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v49 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%v42, %v48 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.divf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  return %v49 : tensor<?x8xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#s = affine_map<(i, j) -> ()>
#row = affine_map<(i, j) -> (i)>
#bc = affine_map<(i, j) -> (i, 0)>
#w = affine_map<(i, j) -> (j)>
// x.var(unbiased=False) exports its own x - mean(x): the same centering.
// CHECK-LABEL: func.func @variance_recentered
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>)
// CHECK: %[[Y:.+]] = seq.layer_norm %[[X]] : (
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
func.func @variance_recentered(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %e1 = tensor.empty(%n) : tensor<?x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty(%n) : tensor<?xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<?xf32>) -> tensor<?xf32>
  %inv = arith.constant 0.125 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %v50 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v51 = tensor.expand_shape %v50 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v52 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %v51 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.subf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v53 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v54 = tensor.expand_shape %v53 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v55 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %v54 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.subf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v56 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%v55, %v55 : tensor<?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v57 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%v56 : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v58 = tensor.expand_shape %v57 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v59 = linalg.generic {indexing_maps = [#id, #s, #id], iterator_types = ["parallel", "parallel"]} ins(%v58, %eps : tensor<?x1xf32>, tensor<f32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v60 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v59 : tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.sqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v61 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%v52, %v60 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.divf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  return %v61 : tensor<?x8xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#s = affine_map<(i, j) -> ()>
#row = affine_map<(i, j) -> (i)>
#bc = affine_map<(i, j) -> (i, 0)>
#w = affine_map<(i, j) -> (j)>
// The weight multiplied first, as PyTorch evaluates `weight * x *
// (mean(x * x) + eps).pow(-0.5)`: (weight * x) * pow(w, -0.5).
// CHECK-LABEL: func.func @rms_norm_weight_first_pow
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[G:.+]]: tensor<8xf32>)
// CHECK: %[[Y:.+]] = seq.rms_norm %[[X]] scale(%[[G]]) {epsilon = 9.99999997E-7 : f32}
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
func.func @rms_norm_weight_first_pow(%x: tensor<?x8xf32>, %g: tensor<8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %e1 = tensor.empty(%n) : tensor<?x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty(%n) : tensor<?xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<?xf32>) -> tensor<?xf32>
  %inv = arith.constant 0.125 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %v12 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %x : tensor<?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v13 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%v12 : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v14 = tensor.expand_shape %v13 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v15 = linalg.generic {indexing_maps = [#s, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%eps6, %v14 : tensor<f32>, tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v16 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v15 : tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %mhalf = arith.constant -0.5 : f32
    %r = math.powf %in0, %mhalf : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v17 = linalg.generic {indexing_maps = [#w, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%g, %x : tensor<8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v18 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%v17, %v16 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  return %v18 : tensor<?x8xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#s = affine_map<(i, j) -> ()>
#row = affine_map<(i, j) -> (i)>
#bc = affine_map<(i, j) -> (i, 0)>
#w = affine_map<(i, j) -> (j)>
// `1.0 / torch.sqrt(w)` exports as a reciprocal times 1.0.
// CHECK-LABEL: func.func @rms_norm_reciprocal_times_one
// CHECK-SAME: (%[[X:.+]]: tensor<?x8xf32>, %[[G:.+]]: tensor<8xf32>)
// CHECK: %[[Y:.+]] = seq.rms_norm %[[X]] scale(%[[G]]) {epsilon = 9.99999997E-7 : f32}
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
func.func @rms_norm_reciprocal_times_one(%x: tensor<?x8xf32>, %g: tensor<8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %e1 = tensor.empty(%n) : tensor<?x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty(%n) : tensor<?xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<?xf32>) -> tensor<?xf32>
  %inv = arith.constant 0.125 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %v12 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %x : tensor<?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v13 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%v12 : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v14 = tensor.expand_shape %v13 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v15 = linalg.generic {indexing_maps = [#s, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%eps6, %v14 : tensor<f32>, tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v16a = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v15 : tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.sqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v16r = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v16a : tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %c1 = arith.constant 1.0 : f32
    %r = arith.divf %c1, %in0 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v16b = linalg.generic {indexing_maps = [#id, #s, #id], iterator_types = ["parallel", "parallel"]} ins(%v16r, %one : tensor<?x1xf32>, tensor<f32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v17 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %v16b : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v18 = linalg.generic {indexing_maps = [#w, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%g, %v17 : tensor<8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  return %v18 : tensor<?x8xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#s = affine_map<(i, j) -> ()>
#row = affine_map<(i, j) -> (i)>
#bc = affine_map<(i, j) -> (i, 0)>
#w = affine_map<(i, j) -> (j)>
// Near miss: pow(w, -0.25) is no reciprocal square root.
// CHECK-LABEL: func.func @pow_not_rsqrt
// CHECK-NOT: seq.rms_norm
// CHECK: math.powf
// CHECK-NOT: seq.rms_norm
func.func @pow_not_rsqrt(%x: tensor<?x8xf32>, %g: tensor<8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%n) : tensor<?x8xf32>
  %e1 = tensor.empty(%n) : tensor<?x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty(%n) : tensor<?xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<?xf32>) -> tensor<?xf32>
  %inv = arith.constant 0.125 : f32
  %two = arith.constant dense<2.0> : tensor<f32>
  %one = arith.constant dense<1.0> : tensor<f32>
  %eps = arith.constant dense<1.0e-5> : tensor<f32>
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %v12 = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %x : tensor<?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v13 = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%v12 : tensor<?x8xf32>) outs(%zr : tensor<?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %v14 = tensor.expand_shape %v13 [[0, 1]] output_shape [%n, 1] : tensor<?xf32> into tensor<?x1xf32>
  %v15 = linalg.generic {indexing_maps = [#s, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%eps6, %v14 : tensor<f32>, tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v16 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v15 : tensor<?x1xf32>) outs(%e1 : tensor<?x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %mhalf = arith.constant -0.25 : f32
    %r = math.powf %in0, %mhalf : f32
    linalg.yield %r : f32
  } -> tensor<?x1xf32>
  %v17 = linalg.generic {indexing_maps = [#w, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%g, %x : tensor<8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  %v18 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%v17, %v16 : tensor<?x8xf32>, tensor<?x1xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<?x8xf32>
  return %v18 : tensor<?x8xf32>
}

// -----

#id = affine_map<(i, j) -> (i, j)>
#s = affine_map<(i, j) -> ()>
#row = affine_map<(i, j) -> (i)>
#bc = affine_map<(i, j) -> (i, 0)>
#w = affine_map<(i, j) -> (j)>

// The weight first, then the normalization: only an [N] weight read along
// the last dimension, on the x the statistics are of, is a norm's weight.
// CHECK-LABEL: func.func @layer_norm_weight_first
// CHECK-SAME: (%[[X:.+]]: tensor<8x8xf32>, %[[G:.+]]: tensor<8xf32>)
// CHECK: %[[Y:.+]] = seq.layer_norm %[[X]] scale(%[[G]]) {epsilon = 9.99999997E-7 : f32}
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
func.func @layer_norm_weight_first(%x: tensor<8x8xf32>, %g: tensor<8xf32>) -> tensor<8x8xf32> {
  %e = tensor.empty() : tensor<8x8xf32>
  %e1 = tensor.empty() : tensor<8x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty() : tensor<8xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<8xf32>) -> tensor<8xf32>
  %inv = arith.constant 0.125 : f32
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %mu_s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<8x8xf32>) outs(%zr : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %mu = tensor.expand_shape %mu_s [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
  %d = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %mu : tensor<8x8xf32>, tensor<8x1xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.subf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%d, %d : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %m_s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%sq : tensor<8x8xf32>) outs(%zr : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %m = tensor.expand_shape %m_s [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
  %s_pe = linalg.generic {indexing_maps = [#s, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%eps6, %m : tensor<f32>, tensor<8x1xf32>) outs(%e1 : tensor<8x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x1xf32>
  %s = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%s_pe : tensor<8x1xf32>) outs(%e1 : tensor<8x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.sqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<8x1xf32>
  %wd = linalg.generic {indexing_maps = [#w, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%g, %d : tensor<8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%wd, %s : tensor<8x8xf32>, tensor<8x1xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.divf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}

// CHECK-LABEL: func.func @layer_norm_weight_first_bias
// CHECK-SAME: (%[[X:.+]]: tensor<8x8xf32>, %[[G:.+]]: tensor<8xf32>, %[[B:.+]]: tensor<8xf32>)
// CHECK: %[[Y:.+]] = seq.layer_norm %[[X]] scale(%[[G]]) bias(%[[B]])
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y]]
func.func @layer_norm_weight_first_bias(%x: tensor<8x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<8x8xf32> {
  %e = tensor.empty() : tensor<8x8xf32>
  %e1 = tensor.empty() : tensor<8x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty() : tensor<8xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<8xf32>) -> tensor<8xf32>
  %inv = arith.constant 0.125 : f32
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %mu_s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<8x8xf32>) outs(%zr : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %mu = tensor.expand_shape %mu_s [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
  %d = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %mu : tensor<8x8xf32>, tensor<8x1xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.subf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %sq = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%d, %d : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %m_s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%sq : tensor<8x8xf32>) outs(%zr : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %m = tensor.expand_shape %m_s [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
  %s_pe = linalg.generic {indexing_maps = [#s, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%eps6, %m : tensor<f32>, tensor<8x1xf32>) outs(%e1 : tensor<8x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x1xf32>
  %s = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%s_pe : tensor<8x1xf32>) outs(%e1 : tensor<8x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.sqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<8x1xf32>
  %wd = linalg.generic {indexing_maps = [#id, #w, #id], iterator_types = ["parallel", "parallel"]} ins(%d, %g : tensor<8x8xf32>, tensor<8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %y0 = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%wd, %s : tensor<8x8xf32>, tensor<8x1xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.divf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #w, #id], iterator_types = ["parallel", "parallel"]} ins(%y0, %b : tensor<8x8xf32>, tensor<8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}

// A weight read per row (i) is no norm weight.
// CHECK-LABEL: func.func @weight_per_row
// CHECK-NOT: seq.rms_norm
// CHECK: return
func.func @weight_per_row(%x: tensor<8x8xf32>, %g: tensor<8xf32>) -> tensor<8x8xf32> {
  %e = tensor.empty() : tensor<8x8xf32>
  %e1 = tensor.empty() : tensor<8x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty() : tensor<8xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<8xf32>) -> tensor<8xf32>
  %inv = arith.constant 0.125 : f32
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %sq = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %m_s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%sq : tensor<8x8xf32>) outs(%zr : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %m = tensor.expand_shape %m_s [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
  %rs_pe = linalg.generic {indexing_maps = [#s, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%eps6, %m : tensor<f32>, tensor<8x1xf32>) outs(%e1 : tensor<8x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x1xf32>
  %rs = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%rs_pe : tensor<8x1xf32>) outs(%e1 : tensor<8x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.rsqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<8x1xf32>
  %wx = linalg.generic {indexing_maps = [#row, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%g, %x : tensor<8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%wx, %rs : tensor<8x8xf32>, tensor<8x1xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}

// w * x2 normalized by the statistics of another x.
// CHECK-LABEL: func.func @weight_times_other_x
// CHECK-NOT: seq.rms_norm
// CHECK: return
func.func @weight_times_other_x(%x: tensor<8x8xf32>, %x2: tensor<8x8xf32>, %g: tensor<8xf32>) -> tensor<8x8xf32> {
  %e = tensor.empty() : tensor<8x8xf32>
  %e1 = tensor.empty() : tensor<8x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty() : tensor<8xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<8xf32>) -> tensor<8xf32>
  %inv = arith.constant 0.125 : f32
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %sq = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %m_s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%sq : tensor<8x8xf32>) outs(%zr : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %m = tensor.expand_shape %m_s [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
  %rs_pe = linalg.generic {indexing_maps = [#s, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%eps6, %m : tensor<f32>, tensor<8x1xf32>) outs(%e1 : tensor<8x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x1xf32>
  %rs = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%rs_pe : tensor<8x1xf32>) outs(%e1 : tensor<8x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.rsqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<8x1xf32>
  %wx = linalg.generic {indexing_maps = [#w, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%g, %x2 : tensor<8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%wx, %rs : tensor<8x8xf32>, tensor<8x1xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}

// A full [8, 8] weight is no [N] weight.
// CHECK-LABEL: func.func @weight_full_tensor
// CHECK-NOT: seq.rms_norm
// CHECK: return
func.func @weight_full_tensor(%x: tensor<8x8xf32>, %g: tensor<8x8xf32>) -> tensor<8x8xf32> {
  %e = tensor.empty() : tensor<8x8xf32>
  %e1 = tensor.empty() : tensor<8x1xf32>
  %zero = arith.constant 0.0 : f32
  %z = tensor.empty() : tensor<8xf32>
  %zr = linalg.fill ins(%zero : f32) outs(%z : tensor<8xf32>) -> tensor<8xf32>
  %inv = arith.constant 0.125 : f32
  %eps6 = arith.constant dense<1.0e-6> : tensor<f32>
  %sq = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %m_s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%sq : tensor<8x8xf32>) outs(%zr : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %p = arith.mulf %a, %inv : f32
    %r = arith.addf %o, %p : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  %m = tensor.expand_shape %m_s [[0, 1]] output_shape [8, 1] : tensor<8xf32> into tensor<8x1xf32>
  %rs_pe = linalg.generic {indexing_maps = [#s, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%eps6, %m : tensor<f32>, tensor<8x1xf32>) outs(%e1 : tensor<8x1xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.addf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x1xf32>
  %rs = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%rs_pe : tensor<8x1xf32>) outs(%e1 : tensor<8x1xf32>) {
  ^bb0(%in0: f32, %o: f32):
    %r = math.rsqrt %in0 : f32
    linalg.yield %r : f32
  } -> tensor<8x1xf32>
  %wx = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%g, %x : tensor<8x8xf32>, tensor<8x8xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  %y = linalg.generic {indexing_maps = [#id, #bc, #id], iterator_types = ["parallel", "parallel"]} ins(%wx, %rs : tensor<8x8xf32>, tensor<8x1xf32>) outs(%e : tensor<8x8xf32>) {
  ^bb0(%in0: f32, %in1: f32, %o: f32):
    %r = arith.mulf %in0, %in1 : f32
    linalg.yield %r : f32
  } -> tensor<8x8xf32>
  return %y : tensor<8x8xf32>
}
