// RUN: seq-opt %s --convert-seq-to-linalg=attention-tile=4 | FileCheck %s
// RUN: not seq-opt %s --convert-seq-to-linalg=attention-tile=-1 2>&1 | FileCheck %s --check-prefix=BAD

// The default lowering of seq.attention: FlashAttention's loops (query
// tiles of 4 rows, key tiles of 4 keys, online softmax). No [Lq, Lk] score
// matrix: every score tensor is one tile, [1, 1, rows, keys].

// CHECK-DAG: #[[MIN:.+]] = affine_map<(d0, d1) -> (4, d1 - d0)>
// CHECK-DAG: #[[MIN16:.+]] = affine_map<(d0, d1) -> (16, d1 - d0)>
// CHECK-DAG: #[[MAP_Q:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
// CHECK-DAG: #[[MAP_K:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d3, d4)>
// CHECK-DAG: #[[MAP_S:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[ID4:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>
// CHECK-DAG: #[[ROW:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[ID3:.+]] = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-DAG: #[[MASK_B:.+]] = affine_map<(d0, d1, d2, d3) -> (d0, 0, d2, d3)>
// CHECK-DAG: #[[TILES:.+]] = affine_map<(d0) -> (d0 ceildiv 4)>
// CHECK-DAG: #[[PAD:.+]] = affine_map<(d0) -> ((d0 ceildiv 4) * 4 - d0)>
// CHECK-DAG: #[[MAP_KP:.+]] = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d4, d3)>

// GQA reads key/value head h / 4 in place; the mask's broadcast head
// dimension keeps its one element.
// CHECK-LABEL: func.func @gqa_float_mask
// CHECK-SAME: %[[Q:[^:]+]]: tensor<2x8x4x16xf32>, %[[K:[^:]+]]: tensor<2x2x6x16xf32>, %[[V:[^:]+]]: tensor<2x2x6x32xf32>, %[[M:[^:]+]]: tensor<2x1x4x6xf32>
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C1:.+]] = arith.constant 1 : index
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[C6:.+]] = arith.constant 6 : index
// CHECK-DAG: %[[C16:.+]] = arith.constant 16 : index
// CHECK-DAG: %[[NEG_INF:.+]] = arith.constant 0xFF800000 : f32
// CHECK-DAG: %[[SCALE:.+]] = arith.constant 2.500000e-01 : f32
// CHECK: %[[OUT:.+]] = tensor.empty() : tensor<2x8x4x32xf32>
// The (b, h) pairs come in one contiguous share per thread (a loop marked
// seqc.parallel; without a model context, one share).
// CHECK: scf.for %[[S:.+]] = %[[C0]] to %[[C1]] step %[[C1]] iter_args(%{{.+}} = %[[OUT]])
// CHECK: scf.for %[[P:.+]] = %{{.+}} to %{{.+}} step %[[C1]]
// CHECK: %[[B:.+]] = arith.divui %[[P]], %{{.+}} : index
// CHECK: %[[H:.+]] = arith.remui %[[P]], %{{.+}} : index
// CHECK: scf.for %[[I0:.+]] = %[[C0]] to %{{.+}} step %[[C4]] iter_args(%[[RES:.+]] = %{{.+}})
// CHECK: %[[KV:.+]] = arith.divui %[[H]], %[[C4]] : index
// CHECK: %[[ROWS:.+]] = affine.min #[[MIN]](%[[I0]], %{{.+}})
// CHECK: %[[QT:.+]] = tensor.extract_slice %[[Q]][%[[B]], %[[H]], %[[I0]], 0] [1, 1, %[[ROWS]], 16]
// CHECK: %[[M0:.+]] = linalg.fill ins(%[[NEG_INF]] : f32) outs(%{{.+}} : tensor<1x1x?xf32>)
// CHECK: %[[L0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x1x?xf32>)
// CHECK: %[[A0:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%{{.+}} : tensor<1x1x?x32xf32>)
// With few query rows (k read unpacked) a key tile spans 4 query tiles'
// worth of keys.
// CHECK: %[[STATE:.+]]:3 = scf.for %[[J0:.+]] = %[[C0]] to %[[C6]] step %[[C16]] iter_args(%[[MAX:.+]] = %[[M0]], %[[SUM:.+]] = %[[L0]], %[[ACC:.+]] = %[[A0]])
// CHECK: %[[COLS:.+]] = affine.min #[[MIN16]](%[[J0]], %[[C6]])
// CHECK: %[[MT:.+]] = tensor.extract_slice %[[M]][%[[B]], 0, %[[I0]], %[[J0]]] [1, 1, %[[ROWS]], %[[COLS]]]
// A key tile that the float mask hides everywhere (-inf) is skipped: the
// max of each row of the mask's window, then of the rows.
// CHECK: %[[MASK_ROWS:.+]] = linalg.generic {indexing_maps = [#[[ID4]], #[[ROW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[MT]] :
// CHECK: arith.maximumf
// CHECK: %[[MASK_ALL:.+]] = linalg.generic {{.+}} iterator_types = ["reduction", "reduction", "reduction"]} ins(%[[MASK_ROWS]] : tensor<1x1x?xf32>) outs(%{{.+}} : tensor<f32>)
// CHECK: %[[LARGEST:.+]] = tensor.extract %[[MASK_ALL]][] : tensor<f32>
// CHECK: %[[HIDDEN:.+]] = arith.cmpf oeq, %[[LARGEST]], %[[NEG_INF]] : f32
// CHECK: %[[FOLDED:.+]]:3 = scf.if %[[HIDDEN]]
// CHECK: scf.yield %[[MAX]], %[[SUM]], %[[ACC]]
// CHECK: } else {
// CHECK: %[[VT:.+]] = tensor.extract_slice %[[V]][%[[B]], %[[KV]], %[[J0]], 0] [1, 1, %[[COLS]], 32]
// Four query rows: each score a dot product of rows of q and k.
// CHECK: %[[KT:.+]] = tensor.extract_slice %[[K]][%[[B]], %[[KV]], %[[J0]], 0] [1, 1, %[[COLS]], 16]
// CHECK: %[[S:.+]] = linalg.generic {indexing_maps = [#[[MAP_Q]], #[[MAP_K]], #[[MAP_S]]], {{.+}} ins(%[[QT]], %[[KT]] : {{.+}}) outs(%{{.+}} : tensor<1x1x?x?xf32>) attrs = {seq.contraction}
// CHECK: %[[MASKED:.+]] = linalg.generic {indexing_maps = [#[[MASK_B]], #[[ID4]]], {{.+}} ins(%[[MT]] : {{.+}}) outs(%[[S]] : tensor<1x1x?x?xf32>)
// CHECK: ^bb0(%[[MASK_IN:.+]]: f32, %[[S_IN:.+]]: f32):
// CHECK: %[[SCALED:.+]] = arith.mulf %[[S_IN]], %[[SCALE]]
// CHECK: arith.addf %[[SCALED]], %[[MASK_IN]]
// The tile's row max, then m' = max(m, it), alpha = exp(m - m') (0 while
// m' is -inf) and l * alpha, in one generic.
// CHECK: %[[TILE_MAX:.+]] = linalg.generic {indexing_maps = [#[[ID4]], #[[ROW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[MASKED]] :
// CHECK: arith.maximumf
// CHECK: %[[UPD:.+]]:3 = linalg.generic {indexing_maps = [#[[ID3]], #[[ID3]], #[[ID3]], #[[ID3]]], {{.+}} ins(%[[TILE_MAX]] : {{.+}}) outs(%[[MAX]], %[[SUM]], %{{.+}} :
// CHECK: ^bb0(%[[T_IN:.+]]: f32, %[[M_OLD:.+]]: f32, %[[L_OLD:.+]]: f32, %{{.+}}: f32):
// CHECK: %[[M_NEW:.+]] = arith.maximumf %[[M_OLD]], %[[T_IN]]
// CHECK: %[[NO_MAX:.+]] = arith.cmpf oeq, %[[M_NEW]], %[[NEG_INF]]
// CHECK: %[[DIFF:.+]] = arith.subf %[[M_OLD]], %[[M_NEW]]
// CHECK: %[[E:.+]] = math.exp %[[DIFF]]
// CHECK: %[[ALPHA:.+]] = arith.select %[[NO_MAX]], %{{.+}}, %[[E]]
// CHECK: %[[L_SCALED:.+]] = arith.mulf %[[L_OLD]], %[[ALPHA]]
// CHECK: linalg.yield %[[M_NEW]], %[[L_SCALED]], %[[ALPHA]]
// p = exp(s - m'), in place of the scores.
// CHECK: %[[P:.+]] = linalg.generic {indexing_maps = [#[[ROW]], #[[ID4]]], {{.+}} ins(%[[UPD]]#0 : {{.+}}) outs(%[[MASKED]] :
// CHECK: math.exp
// CHECK: %[[L_NEW:.+]] = linalg.generic {indexing_maps = [#[[ID4]], #[[ROW]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[P]] : {{.+}}) outs(%[[UPD]]#1 :
// p v into a fresh tile, then acc * alpha + it.
// CHECK: %[[PV:.+]] = linalg.generic {indexing_maps = [#[[MAP_S]], #[[MAP_K]], #[[MAP_Q]]], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]} ins(%[[P]], %[[VT]] : {{.+}}) outs(%{{.+}} : tensor<1x1x?x32xf32>)
// CHECK: %[[ACC_NEW:.+]] = linalg.generic {indexing_maps = [#[[ID4]], #[[ROW]], #[[ID4]]], {{.+}} ins(%[[PV]], %[[UPD]]#2 : {{.+}}) outs(%[[ACC]] :
// CHECK: scf.yield %[[UPD]]#0, %[[L_NEW]], %[[ACC_NEW]]
// CHECK: scf.yield %[[FOLDED]]#0, %[[FOLDED]]#1, %[[FOLDED]]#2
// out[b, h, rows] = acc / l, 0 where l = 0.
// CHECK: %[[OT:.+]] = tensor.extract_slice %[[RES]][%[[B]], %[[H]], %[[I0]], 0] [1, 1, %[[ROWS]], 32]
// CHECK: %[[NORM:.+]] = linalg.generic {indexing_maps = [#[[ID4]], #[[ROW]], #[[ID4]]], {{.+}} ins(%[[STATE]]#2, %[[STATE]]#1 : {{.+}}) outs(%[[OT]] :
// CHECK: arith.divf
// CHECK: tensor.insert_slice %[[NORM]] into %[[RES]][%[[B]], %[[H]], %[[I0]], 0] [1, 1, %[[ROWS]], 32]
// CHECK-NOT: tensor<2x8x4x6xf32>
func.func @gqa_float_mask(%q: tensor<2x8x4x16xf32>, %k: tensor<2x2x6x16xf32>, %v: tensor<2x2x6x32xf32>, %m: tensor<2x1x4x6xf32>) -> tensor<2x8x4x32xf32> {
  %o = seq.attention %q, %k, %v mask(%m)
    : (tensor<2x8x4x16xf32>, tensor<2x2x6x16xf32>, tensor<2x2x6x32xf32>, tensor<2x1x4x6xf32>) -> tensor<2x8x4x32xf32>
  return %o : tensor<2x8x4x32xf32>
}

// Only the key tiles a row of the query tile can see are visited: with
// p(i) = i + (Lk - Lq), keys [max(0, p(i0) - 3), min(Lk, p(i0 + rows))),
// the start rounded down to a whole key tile. Inside a tile the positions
// are the tile's origin plus linalg.index. From 16 query rows on (read at
// run time here), k is packed once per call into transposed key tiles
// [B, Hkv, ceil(Lk / 4), D, 4] and the scores are outer products.
// CHECK: } {seqc.parallel}
// CHECK-LABEL: func.func @causal_window
// CHECK-SAME: %[[Q:[^:]+]]: tensor<?x2x?x16xf32>, %[[K:[^:]+]]: tensor<?x2x?x16xf32>
// CHECK-DAG: %[[C0:.+]] = arith.constant 0 : index
// CHECK-DAG: %[[C2:.+]] = arith.constant 2 : index
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// CHECK-DAG: %[[C4:.+]] = arith.constant 4 : index
// CHECK-DAG: %[[C16:.+]] = arith.constant 16 : index
// CHECK-DAG: %[[LQ:.+]] = tensor.dim %[[Q]], %[[C2]]
// CHECK-DAG: %[[LK:.+]] = tensor.dim %[[K]], %[[C2]]
// CHECK: %[[OFFSET:.+]] = arith.subi %[[LK]], %[[LQ]] : index
// CHECK: %[[MANY:.+]] = arith.cmpi sge, %[[LQ]], %[[C16]] : index
// CHECK: scf.if %[[MANY]]
// CHECK: %[[NT:.+]] = affine.apply #[[TILES]](%[[LK]])
// CHECK: %[[HIGH:.+]] = affine.apply #[[PAD]](%[[LK]])
// CHECK: %[[PADDED:.+]] = tensor.pad %[[K]] low[0, 0, 0, 0] high[0, 0, %[[HIGH]], 0]
// CHECK: %[[TILED:.+]] = tensor.expand_shape %[[PADDED]] {{\[}}[0], [1], [2, 3], [4]] output_shape [%{{.+}}, 2, %[[NT]], 4, 16]
// CHECK: %[[PACKED:.+]] = linalg.transpose ins(%[[TILED]] : tensor<?x2x?x4x16xf32>) outs(%{{.+}} : tensor<?x2x?x16x4xf32>) permutation = [0, 1, 2, 4, 3]
// CHECK: scf.for %[[I0:.+]] = %[[C0]] to %[[LQ]] step %[[C4]]
// CHECK: %[[ROWS:.+]] = affine.min #[[MIN]](%[[I0]], %[[LQ]])
// CHECK: %[[END:.+]] = arith.addi %[[I0]], %[[ROWS]] : index
// CHECK: %[[FIRST:.+]] = arith.addi %[[I0]], %[[OFFSET]] : index
// CHECK: %[[LAST:.+]] = arith.addi %[[END]], %[[OFFSET]] : index
// CHECK: %[[HI:.+]] = arith.minsi %[[LK]], %[[LAST]] : index
// CHECK: %[[LEFT:.+]] = arith.subi %[[FIRST]], %[[C3]] : index
// CHECK: %[[CLAMPED:.+]] = arith.maxsi %[[LEFT]], %[[C0]] : index
// CHECK: %[[TILE_OF:.+]] = arith.divui %[[CLAMPED]], %[[C4]] : index
// CHECK: %[[LO:.+]] = arith.muli %[[TILE_OF]], %[[C4]] : index
// CHECK: scf.for %[[J0:.+]] = %[[LO]] to %[[HI]] step %[[C4]]
// CHECK: %[[COLS:.+]] = affine.min #[[MIN]](%[[J0]], %[[HI]])
// CHECK: %[[T:.+]] = arith.divui %[[J0]], %[[C4]] : index
// CHECK: %[[KT:.+]] = tensor.extract_slice %[[PACKED]][%{{.+}}, %{{.+}}, %[[T]], 0, 0] [1, 1, 1, 16, %[[COLS]]] [1, 1, 1, 1, 1] : tensor<?x2x?x16x4xf32> to tensor<1x1x16x?xf32>
// CHECK: linalg.generic {indexing_maps = [#[[MAP_Q]], #[[MAP_KP]], #[[MAP_S]]], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%{{.+}}, %[[KT]] :
// CHECK-NOT: seq.contraction
// CHECK: linalg.generic
// CHECK: %[[II:.+]] = linalg.index 2 : index
// CHECK: %[[I:.+]] = arith.addi %[[II]], %[[I0]] : index
// CHECK: %[[JJ:.+]] = linalg.index 3 : index
// CHECK: %[[J:.+]] = arith.addi %[[JJ]], %[[J0]] : index
// CHECK: %[[P:.+]] = arith.addi %[[I]], %[[OFFSET]] : index
// CHECK: %[[CAUSAL:.+]] = arith.cmpi sle, %[[J]], %[[P]] : index
// CHECK: %[[J_LEFT:.+]] = arith.addi %[[J]], %[[C3]] : index
// CHECK: %[[IN_WINDOW:.+]] = arith.cmpi sle, %[[P]], %[[J_LEFT]] : index
// CHECK: %[[VISIBLE:.+]] = arith.andi %[[CAUSAL]], %[[IN_WINDOW]] : i1
// CHECK: %[[SCALED:.+]] = arith.mulf
// CHECK: arith.select %[[VISIBLE]], %[[SCALED]], %{{.+}} : f32
// Fewer query rows: k as it is, the window's start not rounded.
// CHECK: } else {
// CHECK-NOT: tensor.pad
// CHECK: arith.maxsi
// CHECK-NOT: arith.divui
// CHECK: scf.for {{.+}} step %[[C16]]
// CHECK: linalg.generic {{.+}} attrs = {seq.contraction}
func.func @causal_window(%q: tensor<?x2x?x16xf32>, %k: tensor<?x2x?x16xf32>, %v: tensor<?x2x?x16xf32>) -> tensor<?x2x?x16xf32> {
  %o = seq.attention %q, %k, %v causal(bottom_right) {window = array<i64: 3, -1>}
    : (tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>, tensor<?x2x?x16xf32>) -> tensor<?x2x?x16xf32>
  return %o : tensor<?x2x?x16xf32>
}

// BAD: convert-seq-to-linalg: attention-tile must be >= 0

// ALiBi in the tiles: each (b, h) reads its head's slope once, and every
// score of a tile gets -slope * |p(i) - j| with the tile's row and column
// offsets added to the indices.
// CHECK-LABEL: func.func @alibi
// GQA: the pair's query head h = pair mod Hq indexes the slopes; the
// key/value head is h / 2.
// CHECK: %[[SLOPES:.+]] = arith.constant dense<[5.000000e-01, 1.250000e-01, 2.500000e-01, 6.250000e-02]> : tensor<4xf32>
// CHECK: %[[HEAD:.+]] = arith.remui %{{.+}}, %c4
// CHECK: arith.divui %[[HEAD]], %c2
// CHECK: %[[SLOPE:.+]] = tensor.extract %[[SLOPES]][%[[HEAD]]] : tensor<4xf32>
// CHECK: linalg.generic
// CHECK: %[[I:.+]] = arith.addi %{{.+}}, %{{.+}} : index
// CHECK: %[[J:.+]] = arith.addi %{{.+}}, %{{.+}} : index
// CHECK: %[[D:.+]] = arith.subi %[[I]], %[[J]] : index
// CHECK: arith.maxsi %[[D]]
// CHECK: arith.sitofp
// CHECK: %[[MD:.+]] = arith.mulf %[[SLOPE]], %{{.+}} : f32
// CHECK: %[[BIAS:.+]] = arith.negf %[[MD]] : f32
// CHECK: arith.addf %{{.+}}, %[[BIAS]] : f32
func.func @alibi(%q: tensor<1x4x8x4xf32>, %k: tensor<1x2x8x4xf32>, %v: tensor<1x2x8x4xf32>) -> tensor<1x4x8x4xf32> {
  %o = seq.attention %q, %k, %v {alibi_slopes = array<f32: 0.5, 0.125, 0.25, 0.0625>} : (tensor<1x4x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>) -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}

// The relative bias in the tiles: the tile's row and column offsets added,
// the pair's query head as the table's row.
// CHECK-LABEL: func.func @relative_bias
// CHECK-SAME: %[[TABLE:[^:]+]]: tensor<4x5xf32>
// CHECK: %[[HEAD:.+]] = arith.remui %{{.+}}, %c4
// CHECK: linalg.generic
// CHECK: arith.minsi
// CHECK: arith.maxsi
// CHECK: %[[BIAS:.+]] = tensor.extract %[[TABLE]][%[[HEAD]], %{{.+}}] : tensor<4x5xf32>
// CHECK: arith.addf %{{.+}}, %[[BIAS]] : f32
func.func @relative_bias(%q: tensor<1x4x8x4xf32>, %k: tensor<1x2x8x4xf32>, %v: tensor<1x2x8x4xf32>, %t: tensor<4x5xf32>) -> tensor<1x4x8x4xf32> {
  %o = seq.attention %q, %k, %v relative_bias(%t) causal(top_left) : (tensor<1x4x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<4x5xf32>) -> tensor<1x4x8x4xf32>
  return %o : tensor<1x4x8x4xf32>
}
