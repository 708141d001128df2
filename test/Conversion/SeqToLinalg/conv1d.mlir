// RUN: seq-opt %s --convert-seq-to-linalg | FileCheck %s

// CHECK-DAG: #[[MAP_IN:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d4 + d5)>
// CHECK-DAG: #[[MAP_W:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3, d4)>
// CHECK-DAG: #[[MAP_OUT:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
// CHECK-DAG: #[[MAP_IN_DIL:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d5 + d4 * 4)>
// CHECK-DAG: #[[MAP_BIAS_G:.+]] = affine_map<(d0, d1, d2, d3) -> (d1 * 3 + d2)>
// CHECK-DAG: #[[MAP_IN_G:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1 * 2 + d3, d5 * 2 + d4 * 2)>
// CHECK-DAG: #[[MAP_W_G:.+]] = affine_map<(d0, d1, d2, d3, d4, d5) -> (d1 * 3 + d2, d3, d4)>

// CHECK-LABEL: func.func @plain
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x4x9xf32>, %[[W:[^:]+]]: tensor<5x4x3xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[EMPTY:.+]] = tensor.empty() : tensor<2x1x5x7xf32>
// CHECK: %[[INIT:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[EMPTY]]
// CHECK: %[[CONV:.+]] = linalg.generic {indexing_maps = [#[[MAP_IN]], #[[MAP_W]], #[[MAP_OUT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
// CHECK-SAME: ins(%[[X]], %[[W]] : {{.+}}) outs(%[[INIT]] : tensor<2x1x5x7xf32>)
// CHECK: arith.mulf
// CHECK: arith.addf
// CHECK: tensor.collapse_shape %[[CONV]] {{\[}}[0], [1, 2], [3]] : tensor<2x1x5x7xf32> into tensor<2x5x7xf32>
func.func @plain(%x: tensor<2x4x9xf32>, %w: tensor<5x4x3xf32>) -> tensor<2x5x7xf32> {
  %y = seq.conv1d %x, %w : (tensor<2x4x9xf32>, tensor<5x4x3xf32>) -> tensor<2x5x7xf32>
  return %y : tensor<2x5x7xf32>
}

// CHECK-LABEL: func.func @causal_dilated_bias
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x4x6xf32>, %[[W:[^:]+]]: tensor<4x4x3xf32>, %[[B:[^:]+]]: tensor<4xf32>
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 8] high[0, 0, 0]
// CHECK: : tensor<1x4x6xf32> to tensor<1x4x14xf32>
// CHECK: %[[BIAS:.+]] = linalg.generic {{.+}} ins(%[[B]] : tensor<4xf32>) outs(%{{.+}} : tensor<1x1x4x6xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[MAP_IN_DIL]], #[[MAP_W]], #[[MAP_OUT]]]
// CHECK-SAME: ins(%[[PAD]], %[[W]] : {{.+}}) outs(%[[BIAS]] : tensor<1x1x4x6xf32>)
func.func @causal_dilated_bias(%x: tensor<1x4x6xf32>, %w: tensor<4x4x3xf32>, %b: tensor<4xf32>) -> tensor<1x4x6xf32> {
  %y = seq.conv1d %x, %w bias(%b) {dilation = 4 : i64, causal}
    : (tensor<1x4x6xf32>, tensor<4x4x3xf32>, tensor<4xf32>) -> tensor<1x4x6xf32>
  return %y : tensor<1x4x6xf32>
}

// CHECK-LABEL: func.func @grouped_strided
// CHECK-SAME: %[[X:[^:]+]]: tensor<2x4x9xf32>, %[[W:[^:]+]]: tensor<6x2x3xf32>, %[[B:[^:]+]]: tensor<6xf32>
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 2] high[0, 0, 1]
// CHECK: %[[BIAS:.+]] = linalg.generic {indexing_maps = [#[[MAP_BIAS_G]], {{.+}}]
// CHECK-SAME: outs(%{{.+}} : tensor<2x2x3x4xf32>)
// CHECK: %[[CONV:.+]] = linalg.generic {indexing_maps = [#[[MAP_IN_G]], #[[MAP_W_G]], #[[MAP_OUT]]]
// CHECK-SAME: ins(%[[PAD]], %[[W]] : {{.+}}) outs(%[[BIAS]] : tensor<2x2x3x4xf32>)
// CHECK: tensor.collapse_shape %[[CONV]] {{\[}}[0], [1, 2], [3]] : tensor<2x2x3x4xf32> into tensor<2x6x4xf32>
func.func @grouped_strided(%x: tensor<2x4x9xf32>, %w: tensor<6x2x3xf32>, %b: tensor<6xf32>) -> tensor<2x6x4xf32> {
  %y = seq.conv1d %x, %w bias(%b) {groups = 2 : i64, stride = 2 : i64, dilation = 2 : i64, padding = array<i64: 2, 1>}
    : (tensor<2x4x9xf32>, tensor<6x2x3xf32>, tensor<6xf32>) -> tensor<2x6x4xf32>
  return %y : tensor<2x6x4xf32>
}

// Tout = (T + 1 + 1 - 2 - 1) / 2 + 1 is computed at run time.
// CHECK-LABEL: func.func @dynamic
// CHECK-SAME: %[[X:[^:]+]]: tensor<?x4x?xf32>
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK: %[[PAD:.+]] = tensor.pad %[[X]] low[0, 0, 1] high[0, 0, 1]
// CHECK: %[[T:.+]] = tensor.dim %[[PAD]], %[[C2]]
// CHECK: %[[LAST:.+]] = arith.subi %{{.+}}, %[[C1]]
// CHECK: %[[STEPS:.+]] = arith.divui %[[LAST]], %[[C2]]
// CHECK: %[[TOUT:.+]] = arith.addi %[[STEPS]], %[[C1]]
// CHECK: %[[BATCH:.+]] = tensor.dim %[[X]], %[[C0]]
// CHECK: tensor.empty(%[[BATCH]], %[[TOUT]]) : tensor<?x1x5x?xf32>
// CHECK: %[[CONV:.+]] = linalg.generic
// CHECK: tensor.collapse_shape %[[CONV]] {{\[}}[0], [1, 2], [3]] : tensor<?x1x5x?xf32> into tensor<?x5x?xf32>
func.func @dynamic(%x: tensor<?x4x?xf32>, %w: tensor<5x4x3xf32>) -> tensor<?x5x?xf32> {
  %y = seq.conv1d %x, %w {stride = 2 : i64, padding = array<i64: 1, 1>}
    : (tensor<?x4x?xf32>, tensor<5x4x3xf32>) -> tensor<?x5x?xf32>
  return %y : tensor<?x5x?xf32>
}
