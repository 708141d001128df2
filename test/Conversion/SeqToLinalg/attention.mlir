// RUN: seq-opt %s --convert-seq-to-linalg=attention-tile=0 | FileCheck %s

// CHECK-DAG: #[[MAP_Q:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[MAP_K:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[MAP_S:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[MAP_ID:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[MAP_ROW:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[MAP_K_GQA:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 4, d3, d4)>
// CHECK-DAG: #[[MAP_MASK_B:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>
// CHECK-DAG: #[[MAP_MASK_2D:.+]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[MAP_HEAD:.+]] = affine_map<(d0, d1, d2, d3) -> (d1)>

// CHECK-LABEL: func.func @mha
// CHECK-SAME: %[[Q:[^:]+]]: tensor<2x4x8x16xf32>, %[[K:[^:]+]]: tensor<2x4x8x16xf32>, %[[V:[^:]+]]: tensor<2x4x8x16xf32>
// CHECK-DAG: %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[SCALE:.+]] = arith.constant 2.500000e-01 : f32
// CHECK-DAG: %[[ZERO:.+]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[QK:.+]] = linalg.generic {indexing_maps = [#[[MAP_Q]], #[[MAP_K]], #[[MAP_S]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%[[Q]], %[[K]] : {{.+}}) outs(%{{.+}} : tensor<2x4x8x8xf32>)
// CHECK: %[[S:.+]] = linalg.generic {indexing_maps = [#[[MAP_ID]], #[[MAP_ID]]], {{.+}} ins(%[[QK]] :
// CHECK: arith.mulf %{{.+}}, %[[SCALE]]
// CHECK: %[[MAX_INIT:.+]] = linalg.fill ins(%[[NEG_INF]] : f32) outs(%{{.+}} : tensor<2x4x8xf32>)
// CHECK: %[[MAX:.+]] = linalg.generic {indexing_maps = [#[[MAP_ID]], #[[MAP_ROW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[S]] : {{.+}}) outs(%[[MAX_INIT]]
// CHECK: arith.maximumf
// CHECK: %[[P:.+]] = linalg.generic {indexing_maps = [#[[MAP_ID]], #[[MAP_ROW]], #[[MAP_ID]]], {{.+}} ins(%[[S]], %[[MAX]] :
// CHECK: %[[EMPTY_ROW:.+]] = arith.cmpf oeq, %{{.+}}, %[[NEG_INF]]
// CHECK: %[[E:.+]] = math.exp
// CHECK: arith.select %[[EMPTY_ROW]], %[[ZERO]], %[[E]]
// CHECK: %[[SUM:.+]] = linalg.generic {indexing_maps = [#[[MAP_ID]], #[[MAP_ROW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[P]] :
// CHECK: arith.addf
// P V reduces over keys (d3) with the value columns (d4) innermost: a
// contiguous row of v per weight, not a gather down v's rows.
// CHECK: %[[PV:.+]] = linalg.generic {indexing_maps = [#[[MAP_S]], #[[MAP_K]], #[[MAP_Q]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]} ins(%[[P]], %[[V]] :
// CHECK: linalg.generic {{.+}} ins(%[[PV]], %[[SUM]] :
// CHECK: %[[NO_KEY:.+]] = arith.cmpf oeq, %{{.+}}, %[[ZERO]]
// CHECK: %[[DIV:.+]] = arith.divf
// CHECK: arith.select %[[NO_KEY]], %[[ZERO]], %[[DIV]]
func.func @mha(%q: tensor<2x4x8x16xf32>, %k: tensor<2x4x8x16xf32>, %v: tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32> {
  %o = seq.attention %q, %k, %v : (tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>, tensor<2x4x8x16xf32>) -> tensor<2x4x8x16xf32>
  return %o : tensor<2x4x8x16xf32>
}

// CHECK-LABEL: func.func @gqa_float_mask
// CHECK-SAME: %[[Q:[^:]+]]: tensor<2x8x4x16xf32>, %[[K:[^:]+]]: tensor<2x2x6x16xf32>, %[[V:[^:]+]]: tensor<2x2x6x32xf32>, %[[M:[^:]+]]: tensor<2x1x4x6xf32>
// CHECK: %[[QK:.+]] = linalg.generic {indexing_maps = [#[[MAP_Q]], #[[MAP_K_GQA]], #[[MAP_S]]], {{.+}} ins(%[[Q]], %[[K]] :
// CHECK: linalg.generic {indexing_maps = [#[[MAP_ID]], #[[MAP_MASK_B]], #[[MAP_ID]]], {{.+}} ins(%[[QK]], %[[M]] :
// CHECK: ^bb0(%{{.+}}: f32, %[[MASK_IN:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[SCALED:.+]] = arith.mulf
// CHECK: arith.addf %[[SCALED]], %[[MASK_IN]]
// CHECK: linalg.generic {indexing_maps = [#[[MAP_S]], #[[MAP_K_GQA]], #[[MAP_Q]]], {{.+}} ins(%{{.+}}, %[[V]] : {{.+}}) outs(%{{.+}} : tensor<2x8x4x32xf32>)
func.func @gqa_float_mask(%q: tensor<2x8x4x16xf32>, %k: tensor<2x2x6x16xf32>, %v: tensor<2x2x6x32xf32>, %m: tensor<2x1x4x6xf32>) -> tensor<2x8x4x32xf32> {
  %o = seq.attention %q, %k, %v mask(%m)
    : (tensor<2x8x4x16xf32>, tensor<2x2x6x16xf32>, tensor<2x2x6x32xf32>, tensor<2x1x4x6xf32>) -> tensor<2x8x4x32xf32>
  return %o : tensor<2x8x4x32xf32>
}

// Visible iff j <= i + (Lk - Lq) and i + (Lk - Lq) <= j + 3, with Lq and Lk
// read at run time.
// CHECK-LABEL: func.func @causal_window
// CHECK-SAME: %[[Q:[^:]+]]: tensor<?x2x?x16xf32>, %[[K:[^:]+]]: tensor<?x2x?x16xf32>
// CHECK-DAG: %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG: %[[LQ:.+]] = tensor.dim %[[Q]], %[[C2]]
// CHECK-DAG: %[[LK:.+]] = tensor.dim %[[K]], %[[C2]]
// CHECK: %[[OFFSET:.+]] = arith.subi %[[LK]], %[[LQ]] : index
// CHECK: linalg.generic
// CHECK: %[[I:.+]] = linalg.index 2 : index
// CHECK: %[[J:.+]] = linalg.index 3 : index
// CHECK: %[[P:.+]] = arith.addi %[[I]], %[[OFFSET]] : index
// CHECK: %[[CAUSAL:.+]] = arith.cmpi sle, %[[J]], %[[P]] : index
// CHECK: %[[J_LEFT:.+]] = arith.addi %[[J]], %[[C3]] : index
// CHECK: %[[LEFT:.+]] = arith.cmpi sle, %[[P]], %[[J_LEFT]] : index
// CHECK: %[[VISIBLE:.+]] = arith.andi %[[CAUSAL]], %[[LEFT]] : i1
// CHECK: %[[SCALED:.+]] = arith.mulf
// CHECK: arith.select %[[VISIBLE]], %[[SCALED]], %[[NEG_INF]] : f32
// CHECK: -> tensor<?x2x?x?xf32>
func.func @causal_window(%q: tensor<?x2x?x16xf32>, %k: tensor<?x2x?x16xf32>, %v: tensor<?x2x?x16xf32>) -> tensor<?x2x?x16xf32> {
  %o = seq.attention %q, %k, %v causal(bottom_right) {window = array<i64: 3, -1>}
    : (tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>) -> tensor<?x2x?x16xf32>
  return %o : tensor<?x2x?x16xf32>
}

// CHECK-LABEL: func.func @bool_mask
// CHECK-SAME: %[[M:[^:]+]]: tensor<4x6xi1>
// CHECK-DAG: %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK: linalg.generic {indexing_maps = [#[[MAP_ID]], #[[MAP_MASK_2D]], #[[MAP_ID]]], {{.+}} ins(%{{.+}}, %[[M]] :
// CHECK: ^bb0(%{{.+}}: f32, %[[KEEP:.+]]: i1, %{{.+}}: f32):
// CHECK: %[[SCALED:.+]] = arith.mulf
// CHECK: arith.select %[[KEEP]], %[[SCALED]], %[[NEG_INF]] : f32
func.func @bool_mask(%q: tensor<1x2x4x16xf32>, %k: tensor<1x2x6x16xf32>, %v: tensor<1x2x6x16xf32>, %m: tensor<4x6xi1>) -> tensor<1x2x4x16xf32> {
  %o = seq.attention %q, %k, %v mask(%m)
    : (tensor<1x2x4x16xf32>, tensor<1x2x6x16xf32>, tensor<1x2x6x16xf32>, tensor<4x6xi1>) -> tensor<1x2x4x16xf32>
  return %o : tensor<1x2x4x16xf32>
}

// CHECK-LABEL: func.func @custom_scale
// CHECK-DAG: %[[SCALE:.+]] = arith.constant 5.000000e-01 : f32
// CHECK: arith.mulf %{{.+}}, %[[SCALE]] : f32
func.func @custom_scale(%q: tensor<1x2x4x16xf32>, %k: tensor<1x2x4x16xf32>, %v: tensor<1x2x4x16xf32>) -> tensor<1x2x4x16xf32> {
  %o = seq.attention %q, %k, %v {scale = 5.000000e-01 : f32}
    : (tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>, tensor<1x2x4x16xf32>) -> tensor<1x2x4x16xf32>
  return %o : tensor<1x2x4x16xf32>
}

// ALiBi: the slopes are a constant [Hq] read as (b, h, i, j) -> (h), and
// -slope * |p(i) - j| (p(i) = i + Lk - Lq, bottom-right) is added to the
// scaled score before the mask.
// CHECK-LABEL: func.func @alibi
// GQA (4 query heads, 2 key/value heads): the slope is the query head's.
// CHECK: %[[SLOPES:.+]] = arith.constant dense<[2.500000e-01, 6.250000e-02, 5.000000e-01, 1.250000e-01]> : tensor<4xf32>
// CHECK: linalg.generic {indexing_maps = [#[[MAP_ID]], #[[MAP_MASK_2D]], #[[MAP_HEAD]], #[[MAP_ID]]], {{.+}} ins(%{{.+}}, %{{.+}}, %[[SLOPES]] :
// CHECK: ^bb0(%[[SCORE:[^:]+]]: f32, %[[MASK:[^:]+]]: f32, %[[SLOPE:[^:]+]]: f32,
// CHECK: %[[I:.+]] = linalg.index 2
// CHECK: %[[J:.+]] = linalg.index 3
// CHECK: %[[P:.+]] = arith.addi %[[I]], %[[OFFSET:.+]] : index
// CHECK: arith.cmpi sle, %[[J]], %[[P]]
// CHECK: %[[P2:.+]] = arith.addi %[[I]], %[[OFFSET]] : index
// CHECK: %[[D:.+]] = arith.subi %[[P2]], %[[J]] : index
// CHECK: %[[NEG_D:.+]] = arith.subi %{{.+}}, %[[D]] : index
// CHECK: %[[ABS:.+]] = arith.maxsi %[[D]], %[[NEG_D]] : index
// CHECK: %[[ABS64:.+]] = arith.index_cast %[[ABS]] : index to i64
// CHECK: %[[DF:.+]] = arith.sitofp %[[ABS64]] : i64 to f32
// CHECK: %[[MD:.+]] = arith.mulf %[[SLOPE]], %[[DF]] : f32
// CHECK: %[[BIAS:.+]] = arith.negf %[[MD]] : f32
// CHECK: %[[SCALED:.+]] = arith.mulf %[[SCORE]], %{{.+}} : f32
// CHECK: %[[BIASED:.+]] = arith.addf %[[SCALED]], %[[BIAS]] : f32
// CHECK: arith.addf %[[BIASED]], %[[MASK]] : f32
func.func @alibi(%q: tensor<1x4x3x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>, %m: tensor<3x5xf32>) -> tensor<1x4x3x4xf32> {
  %o = seq.attention %q, %k, %v mask(%m) causal(bottom_right) {alibi_slopes = array<f32: 0.25, 0.0625, 0.5, 0.125>} : (tensor<1x4x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<3x5xf32>) -> tensor<1x4x3x4xf32>
  return %o : tensor<1x4x3x4xf32>
}

// A relative position bias: table[h, clamp(j - p(i), -R, R) + R] (R = 1),
// read in the masking generic.
// CHECK-LABEL: func.func @relative_bias
// CHECK-SAME: %[[TABLE:[^:]+]]: tensor<4x3xf32>
// CHECK: linalg.generic
// CHECK: %[[I:.+]] = linalg.index 2
// CHECK: %[[J:.+]] = linalg.index 3
// CHECK: %[[H:.+]] = linalg.index 1
// CHECK: %[[D:.+]] = arith.subi %[[J]], %[[I]] : index
// CHECK: %[[HI:.+]] = arith.minsi %[[D]], %[[R:.+]] : index
// CHECK: %[[LO:.+]] = arith.maxsi %[[HI]], %{{.+}} : index
// CHECK: %[[COL:.+]] = arith.addi %[[LO]], %[[R]] : index
// The row is the query head (index 1 of the scores), not the key/value one.
// CHECK: %[[BIAS:.+]] = tensor.extract %[[TABLE]][%[[H]], %[[COL]]] : tensor<4x3xf32>
// CHECK: %[[SCALED:.+]] = arith.mulf
// CHECK: arith.addf %[[SCALED]], %[[BIAS]] : f32
func.func @relative_bias(%q: tensor<1x4x3x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>, %t: tensor<4x3xf32>) -> tensor<1x4x3x4xf32> {
  %o = seq.attention %q, %k, %v relative_bias(%t) : (tensor<1x4x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<4x3xf32>) -> tensor<1x4x3x4xf32>
  return %o : tensor<1x4x3x4xf32>
}

// With empty_row_nan (an attention raised from a softmax) the division is
// left alone: 0 / 0 is the NaN that softmax gives a row of -inf scores.
// CHECK-LABEL: func.func @empty_row_nan
// CHECK: linalg.generic {{.+}} ins(%{{.+}}, %{{.+}} : tensor<1x2x3x4xf32>, tensor<1x2x3xf32>)
// CHECK-NEXT: ^bb0(%[[X:.+]]: f32, %[[L:.+]]: f32, %{{.+}}: f32):
// CHECK-NEXT: %[[Q:.+]] = arith.divf %[[X]], %[[L]] : f32
// CHECK-NEXT: linalg.yield %[[Q]] : f32
func.func @empty_row_nan(%q: tensor<1x2x3x4xf32>, %k: tensor<1x2x5x4xf32>, %v: tensor<1x2x5x4xf32>, %m: tensor<1x1x1x5xi1>) -> tensor<1x2x3x4xf32> {
  %o = seq.attention %q, %k, %v mask(%m) {empty_row_nan} : (tensor<1x2x3x4xf32>, tensor<1x2x5x4xf32>, tensor<1x2x5x4xf32>, tensor<1x1x1x5xi1>) -> tensor<1x2x3x4xf32>
  return %o : tensor<1x2x3x4xf32>
}

// max_positions (a causal mask buffer's length): a run-time query or key
// length above it fails first, with a message that names the limit; a
// static length within it needs no check.
// CHECK-LABEL: func.func @max_positions
// CHECK-SAME: %[[Q:[^:]+]]: tensor<1x2x?x8xf32>, %[[K:[^:]+]]: tensor<1x2x4x8xf32>
// CHECK: %[[FITS:.+]] = arith.cmpi ule, %{{.+}}, %c16
// CHECK: seq.check %[[FITS]], shape "seq.attention at {{.+}}: {} queries, more than its max_positions, 16 (the longest sequence the model defines it for)"
// CHECK-NOT: keys, more than
// CHECK: return
func.func @max_positions(%q: tensor<1x2x?x8xf32>, %k: tensor<1x2x4x8xf32>) -> tensor<1x2x?x8xf32> {
  %o = seq.attention %q, %k, %k causal(bottom_right) {max_positions = 16 : i64} : (tensor<1x2x?x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>) -> tensor<1x2x?x8xf32>
  return %o : tensor<1x2x?x8xf32>
}
