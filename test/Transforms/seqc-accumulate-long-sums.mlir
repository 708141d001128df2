// RUN: seq-opt %s --seqc-accumulate-long-sums | FileCheck %s

#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d0)>
#row = affine_map<(d0, d1) -> (d1)>

// A sum of squares over the time steps (a run-time extent): the square in
// float32, extended, added to a float64 accumulator that starts from the
// extended fill, and the result rounded back to float32 once.
// CHECK-LABEL: func.func @sum_of_squares_over_time
// CHECK: %[[ZERO:.+]] = arith.extf %{{.+}} : f32 to f64
// CHECK: %[[INIT:.+]] = linalg.fill ins(%[[ZERO]] : f64) outs(%{{.+}} : tensor<8xf64>)
// CHECK: %[[WIDE:.+]] = linalg.generic {{.+}} ins(%{{.+}} : tensor<?x8xf32>) outs(%[[INIT]] : tensor<8xf64>)
// CHECK-NEXT: ^bb0(%[[IN:.+]]: f32, %[[ACC:.+]]: f64):
// CHECK-NEXT: %[[SQ:.+]] = arith.mulf %[[IN]], %[[IN]] : f32
// CHECK-NEXT: %[[EXT:.+]] = arith.extf %[[SQ]] : f32 to f64
// CHECK-NEXT: %[[SUM:.+]] = arith.addf %[[EXT]], %[[ACC]] : f64
// CHECK-NEXT: linalg.yield %[[SUM]] : f64
// CHECK: %[[NARROW:.+]] = linalg.generic {{.+}} ins(%[[WIDE]] : tensor<8xf64>) outs(%{{.+}} : tensor<8xf32>)
// CHECK: arith.truncf %{{.+}} : f64 to f32
// CHECK: return %[[NARROW]]
func.func @sum_of_squares_over_time(%x: tensor<?x8xf32>) -> tensor<8xf32> {
  %zero = arith.constant 0.0 : f32
  %e = tensor.empty() : tensor<8xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<8xf32>) -> tensor<8xf32>
  %s = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["reduction", "parallel"]}
      ins(%x : tensor<?x8xf32>) outs(%init : tensor<8xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %sq = arith.mulf %in, %in : f32
    %r = arith.addf %acc, %sq : f32
    linalg.yield %r : f32
  } -> tensor<8xf32>
  return %s : tensor<8xf32>
}

// A softmax denominator over 4096 static keys, exp(x - max) with the row
// max broadcast: one operand read along the keys, long: float64. Its
// initial value, not a fill, is extended element by element.
// CHECK-LABEL: func.func @softmax_denominator
// CHECK: linalg.generic {{.+}} ins(%{{.+}} : tensor<2xf32>) outs(%{{.+}} : tensor<2xf64>)
// CHECK: arith.extf
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<2x4096xf32>, tensor<2xf32>) outs(%{{.+}} : tensor<2xf64>)
// CHECK: math.exp
// CHECK: arith.extf
// CHECK: arith.addf {{.+}} : f64
// CHECK: arith.truncf
func.func @softmax_denominator(%x: tensor<2x4096xf32>, %m: tensor<2xf32>, %init: tensor<2xf32>) -> tensor<2xf32> {
  %s = linalg.generic {indexing_maps = [#id, #col, #col], iterator_types = ["parallel", "reduction"]}
      ins(%x, %m : tensor<2x4096xf32>, tensor<2xf32>) outs(%init : tensor<2xf32>) {
  ^bb0(%in: f32, %max: f32, %acc: f32):
    %d = arith.subf %in, %max : f32
    %e = math.exp %d : f32
    %r = arith.addf %e, %acc : f32
    linalg.yield %r : f32
  } -> tensor<2xf32>
  return %s : tensor<2xf32>
}

// Left in float32: a sum of 512 features (a LayerNorm's), a tile of at
// most 64 keys (ValueBounds bounds min(64, n - j)), a contraction (two
// operands read along the reduction: its microkernels sum short runs), a
// max, and an f64 sum.
// CHECK-LABEL: func.func @left_alone
// CHECK-NOT: arith.extf
// CHECK-NOT: arith.truncf
// CHECK: return
func.func @left_alone(%x: tensor<?x512xf32>, %w: tensor<512x?xf32>, %n: index, %j: index,
                      %y: tensor<?xf64>) -> (tensor<?xf32>, tensor<?x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<f64>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %rows = tensor.dim %x, %c0 : tensor<?x512xf32>
  %e = tensor.empty(%rows) : tensor<?xf32>
  %init = linalg.fill ins(%zero : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
  %features = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["parallel", "reduction"]}
      ins(%x : tensor<?x512xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %c1 = arith.constant 1 : index
  %cols = tensor.dim %w, %c1 : tensor<512x?xf32>
  %pe = tensor.empty(%rows, %cols) : tensor<?x?xf32>
  %pinit = linalg.fill ins(%zero : f32) outs(%pe : tensor<?x?xf32>) -> tensor<?x?xf32>
  %product = linalg.matmul ins(%x, %w : tensor<?x512xf32>, tensor<512x?xf32>) outs(%pinit : tensor<?x?xf32>) -> tensor<?x?xf32>
  %size = affine.min affine_map<(d0, d1) -> (64, d0 - d1)>(%n, %j)
  %tile = tensor.extract_slice %x[0, 0] [%rows, %size] [1, 1] : tensor<?x512xf32> to tensor<?x?xf32>
  %tiled = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["parallel", "reduction"]}
      ins(%tile : tensor<?x?xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.addf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %mx = linalg.generic {indexing_maps = [#id, #col], iterator_types = ["parallel", "reduction"]}
      ins(%product : tensor<?x?xf32>) outs(%init : tensor<?xf32>) {
  ^bb0(%in: f32, %acc: f32):
    %r = arith.maximumf %in, %acc : f32
    linalg.yield %r : f32
  } -> tensor<?xf32>
  %ze = tensor.empty() : tensor<f64>
  %wide = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>, affine_map<(d0) -> ()>], iterator_types = ["reduction"]}
      ins(%y : tensor<?xf64>) outs(%ze : tensor<f64>) {
  ^bb0(%in: f64, %acc: f64):
    %r = arith.addf %in, %acc : f64
    linalg.yield %r : f64
  } -> tensor<f64>
  return %features, %product, %tiled, %mx, %wide : tensor<?xf32>, tensor<?x?xf32>, tensor<?xf32>, tensor<?xf32>, tensor<f64>
}
