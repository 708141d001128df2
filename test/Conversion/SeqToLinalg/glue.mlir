// RUN: seq-opt %s --convert-seq-to-linalg --split-input-file | FileCheck %s

// CHECK-DAG: #[[BIAS:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-DAG: #[[X:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[W:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[Y:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @linear
func.func @linear(%x: tensor<?x?x16xf32>, %w: tensor<4x16xf32>, %b: tensor<4xf32>) -> tensor<?x?x4xf32> {
  // CHECK: %[[INIT:.+]] = linalg.generic {indexing_maps = [#[[BIAS]], #{{.+}}], iterator_types = ["parallel", "parallel", "parallel"]} ins(%{{.+}} : tensor<4xf32>)
  // CHECK: linalg.generic {indexing_maps = [#[[X]], #[[W]], #[[Y]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %{{.+}} : tensor<?x?x16xf32>, tensor<4x16xf32>) outs(%[[INIT]] : tensor<?x?x4xf32>)
  // The dot product may be reassociated, so LLVM vectorizes the k loop.
  // CHECK:   arith.mulf %{{.+}}, %{{.+}} fastmath<reassoc,contract> : f32
  // CHECK:   arith.addf %{{.+}}, %{{.+}} fastmath<reassoc,contract> : f32
  %y = seq.linear %x, %w bias(%b) : (tensor<?x?x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  return %y : tensor<?x?x4xf32>
}

// -----

// CHECK-LABEL: func.func @linear_no_bias
func.func @linear_no_bias(%x: tensor<3x16xf32>, %w: tensor<4x16xf32>) -> tensor<3x4xf32> {
  // CHECK: %[[ZERO:.+]] = linalg.fill
  // CHECK: linalg.generic {{.+}} outs(%[[ZERO]] : tensor<3x4xf32>)
  %y = seq.linear %x, %w : (tensor<3x16xf32>, tensor<4x16xf32>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// Statistics reduce the trailing dimensions into a tensor of the leading ones.
// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[LEAD:.+]] = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-DAG: #[[TRAIL:.+]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @layer_norm
func.func @layer_norm(%x: tensor<?x?x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<?x?x8xf32> {
  // The statistics are sums in any order (reassoc: vectorized rows).
  // CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[LEAD]]], iterator_types = ["parallel", "parallel", "reduction"]}
  // CHECK:   arith.addf %{{.+}}, %{{.+}} fastmath<reassoc> : f32
  // CHECK: %[[MEAN:.+]] = linalg.generic {{.+}} ins(%[[SUM]] : tensor<?x?xf32>)
  // CHECK:   arith.divf
  // CHECK: %[[SQ:.+]] = linalg.generic {indexing_maps = [#[[ID]], #[[LEAD]], #[[LEAD]]], iterator_types = ["parallel", "parallel", "reduction"]} ins(%{{.+}}, %[[MEAN]] :
  // CHECK:   arith.addf %{{.+}}, %{{.+}} fastmath<reassoc> : f32
  // CHECK: %[[VAR:.+]] = linalg.generic {{.+}} ins(%[[SQ]] : tensor<?x?xf32>)
  // CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[LEAD]], #[[LEAD]], #[[TRAIL]], #[[TRAIL]], #[[ID]]], iterator_types = ["parallel", "parallel", "parallel"]} ins(%{{.+}}, %[[VAR]], %[[MEAN]], %{{.+}}, %{{.+}} :
  // CHECK:   math.rsqrt
  %y = seq.layer_norm %x scale(%g) bias(%b) : (tensor<?x?x8xf32>, tensor<8xf32>, tensor<8xf32>) -> tensor<?x?x8xf32>
  return %y : tensor<?x?x8xf32>
}

// -----

// CHECK-DAG: #[[ID:.+]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ALL:.+]] = affine_map<(d0, d1) -> ()>
// CHECK-LABEL: func.func @rms_norm_whole_tensor
func.func @rms_norm_whole_tensor(%x: tensor<4x8xf32>, %g: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ALL]]], iterator_types = ["reduction", "reduction"]}
  // CHECK:   arith.mulf
  // CHECK: math.rsqrt
  %y = seq.rms_norm %x scale(%g) {axis = 0 : i64, epsilon = 1.0e-6 : f32} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func.func @embedding
func.func @embedding(%ids: tensor<?x?xi64>, %table: tensor<100x16xf32>) -> tensor<?x?x16xf32> {
  // CHECK-DAG: %[[MAXROW:.+]] = arith.constant 99 : index
  // CHECK: linalg.generic {{.+}} ins(%{{.+}} : tensor<?x?xi64>)
  // CHECK:   %[[I:.+]] = arith.index_cast %{{.+}} : i64 to index
  // CHECK:   %[[LO:.+]] = arith.maxsi %[[I]], %{{.+}} : index
  // CHECK:   %[[ROW:.+]] = arith.minsi %[[LO]], %{{.+}} : index
  // CHECK:   %[[COL:.+]] = linalg.index 2 : index
  // CHECK:   tensor.extract %{{.+}}[%[[ROW]], %[[COL]]] : tensor<100x16xf32>
  %e = seq.embedding %ids, %table : (tensor<?x?xi64>, tensor<100x16xf32>) -> tensor<?x?x16xf32>
  return %e : tensor<?x?x16xf32>
}

// -----

// CHECK-LABEL: func.func @activations
func.func @activations(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // CHECK: linalg.generic
  // CHECK:   math.erf
  %a = seq.activation <gelu> %x : tensor<?x8xf32>
  // CHECK: linalg.generic
  // CHECK:   math.exp
  // CHECK:   arith.divf
  // CHECK:   arith.mulf
  %b = seq.activation <silu> %a : tensor<?x8xf32>
  // CHECK: linalg.generic
  // CHECK:   arith.cmpf oge
  // CHECK:   arith.select
  %c = seq.activation <leaky_relu, alpha = 0.2> %b : tensor<?x8xf32>
  // CHECK: linalg.generic
  // CHECK:   math.log1p
  %d = seq.activation <softplus> %c : tensor<?x8xf32>
  return %d : tensor<?x8xf32>
}

// -----

// Positions along dimension 1: index + offset, as i64.
// CHECK-LABEL: func.func @positions
// CHECK-SAME: (%[[X:.+]]: tensor<2x?x8xf32>, %[[START:.+]]: i64)
// CHECK: %[[T:.+]] = tensor.dim %[[X]], %c1
// CHECK: %[[INIT:.+]] = tensor.empty(%[[T]]) : tensor<?xi64>
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel"]} outs(%[[INIT]] : tensor<?xi64>)
// CHECK: %[[I:.+]] = linalg.index 0 : index
// CHECK: %[[I64:.+]] = arith.index_cast %[[I]] : index to i64
// CHECK: %[[P:.+]] = arith.addi %[[I64]], %[[START]] : i64
// CHECK: linalg.yield %[[P]] : i64
func.func @positions(%x: tensor<2x?x8xf32>, %start: i64) -> tensor<?xi64> {
  %p = seq.positions %x dim(1) offset(%start) : tensor<2x?x8xf32> -> tensor<?xi64>
  return %p : tensor<?xi64>
}

// -----

// A shift by 2 along dimension 1: 2 zeros padded before the first step,
// the first T steps kept (a static T stays static).
// CHECK-LABEL: func.func @time_shift
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x8xf32>, %[[Y:.+]]: tensor<4x6xi32>)
// CHECK: %[[Z:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[P:.+]] = tensor.pad %[[X]] low[0, 2, 0] high[0, 0, 0]
// CHECK: tensor.yield %[[Z]] : f32
// CHECK: } : tensor<?x?x8xf32> to tensor<?x?x8xf32>
// CHECK: %[[B:.+]] = tensor.dim %[[X]], %c0
// CHECK: %[[T:.+]] = tensor.dim %[[X]], %c1
// CHECK: %[[S:.+]] = tensor.extract_slice %[[P]][0, 0, 0] [%[[B]], %[[T]], 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x8xf32>
// CHECK: %[[PI:.+]] = tensor.pad %[[Y]] low[1, 0] high[0, 0]
// CHECK: tensor.yield %{{.+}} : i32
// CHECK: } : tensor<4x6xi32> to tensor<5x6xi32>
// CHECK: %[[SI:.+]] = tensor.extract_slice %[[PI]][0, 0] [4, 6] [1, 1] : tensor<5x6xi32> to tensor<4x6xi32>
// CHECK: return %[[S]], %[[SI]]
func.func @time_shift(%x: tensor<?x?x8xf32>, %y: tensor<4x6xi32>) -> (tensor<?x?x8xf32>, tensor<4x6xi32>) {
  %s = seq.time_shift %x dim(1) steps(2) : tensor<?x?x8xf32>
  %t = seq.time_shift %y dim(0) steps(1) : tensor<4x6xi32>
  return %s, %t : tensor<?x?x8xf32>, tensor<4x6xi32>
}
