// RUN: seq-opt %s --seqc-lower-dot-contractions=vector-width=4 --split-input-file | FileCheck %s

// A marked linear contraction y[t, b, n] += sum_k x[t, b, k] * w[n, k]
// becomes tiles of 3 rows (t, b flattened) x 3 rows of w: 9 accumulators
// of vector<4xf32> along k, 6 loads and 9 FMAs per step, one masked step
// for the last K mod 4, one reduction per output element.
#x = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#w = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
#y = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @linear
// CHECK-NOT: linalg.generic
// Blocks of w's rows sized for the L2 cache (32768 floats / K, whole tiles).
// CHECK: %[[PER:.+]] = arith.divui %c32768, %{{.+}} : index
// CHECK: %[[BLOCK:.+]] = arith.maxui
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %[[BLOCK]] {
// Whole tiles of rows, then columns.
// CHECK: scf.for %[[M:.+]] = %{{.+}} to %{{.+}} step %c3{{(_[0-9]+)?}} {
// CHECK:   scf.for %[[N:.+]] = %{{.+}} to %{{.+}} step %c3{{(_[0-9]+)?}} {
// CHECK:     affine.delinearize_index
// CHECK:     %[[ACC:.+]]:9 = scf.for %[[K:.+]] = %{{.+}} to %{{.+}} step %c4{{(_[0-9]+)?}} iter_args(
// CHECK-COUNT-6: vector.load
// CHECK-COUNT-9: vector.fma
// CHECK:       scf.yield
// The tail of k under a mask.
// CHECK:     vector.create_mask
// CHECK-COUNT-6: vector.maskedload
// CHECK-COUNT-9: vector.fma
// A row's three sums reduced together (a zero fourth): pairs of lanes,
// then groups of four; lane k holds output k.
// CHECK:     %[[P01_EVEN:.+]] = vector.shuffle %[[A0:.+]], %[[A1:.+]] [0, 4, 2, 6]
// CHECK:     %[[P01_ODD:.+]] = vector.shuffle %[[A0]], %[[A1]] [1, 5, 3, 7]
// CHECK:     %[[P01:.+]] = arith.addf %[[P01_EVEN]], %[[P01_ODD]] fastmath<reassoc>
// CHECK:     vector.shuffle %[[A2:.+]], %[[ZERO:.+]] [0, 4, 2, 6]
// CHECK:     %[[P23:.+]] = arith.addf
// CHECK:     %[[LOW:.+]] = vector.shuffle %[[P01]], %[[P23]] [0, 1, 4, 5]
// CHECK:     %[[HIGH:.+]] = vector.shuffle %[[P01]], %[[P23]] [2, 3, 6, 7]
// CHECK:     %[[SUMS:.+]] = arith.addf %[[LOW]], %[[HIGH]] fastmath<reassoc>
// CHECK:     %[[S0:.+]] = vector.extract %[[SUMS]][0]
// CHECK:     vector.extract %[[SUMS]][1]
// CHECK:     vector.extract %[[SUMS]][2]
// CHECK-NOT: vector.extract %[[SUMS]][3]
// CHECK:     %[[OLD:.+]] = memref.load
// CHECK:     %[[NEW:.+]] = arith.addf %[[OLD]], %[[S0]]
// CHECK:     memref.store %[[NEW]]
// Single columns, then single rows.
// CHECK:   scf.for %{{.+}} step %c1{{(_[0-9]+)?}} {
// CHECK: scf.for %{{.+}} step %c1{{(_[0-9]+)?}} {
func.func @linear(%x: memref<?x?x37xf32>, %w: memref<11x37xf32>, %y: memref<?x?x11xf32>) {
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x?x37xf32>, memref<11x37xf32>) outs(%y : memref<?x?x11xf32>)
      attrs = {seq.contraction} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Rows with a non-unit innermost stride are left alone.
// CHECK-LABEL: func.func @strided_rows
// CHECK: linalg.generic
func.func @strided_rows(%x: memref<?x37xf32, strided<[74, 2]>>, %w: memref<11x37xf32>, %y: memref<?x11xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x37xf32, strided<[74, 2]>>, memref<11x37xf32>) outs(%y : memref<?x11xf32>)
      attrs = {seq.contraction} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Attention's q k^T with grouped keys: w = k[b, h / 2, j, d] depends on the
// outer indices (b, h), so the rows are the queries i under a loop per
// (b, h), and k's leading indices are computed once per (b, h).
#q = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>
#k = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 2, d3, d4)>
#s = affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>
// CHECK-LABEL: func.func @scores
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[B:.+]] = %{{.+}} to %{{.+}} step %c1
// CHECK:   scf.for %[[H:.+]] = %{{.+}} to %{{.+}} step %c1
// CHECK:     %[[KB:.+]] = affine.apply #{{.+}}(%[[B]], %[[H]],
// CHECK:     %[[KV:.+]] = affine.apply #{{.+}}(%[[B]], %[[H]],
// CHECK:     scf.for %[[I:.+]] = %{{.+}} to %{{.+}} step %c3
// CHECK:       scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %c3
// CHECK:         scf.for {{.+}} iter_args(
// CHECK:           vector.load %{{.+}}[%[[B]], %[[H]], %{{.+}}, %{{.+}}] : memref<?x4x?x8xf32>
// CHECK:           vector.load %{{.+}}[%[[KB]], %[[KV]], %{{.+}}, %{{.+}}] : memref<?x2x?x8xf32>
func.func @scores(%q: memref<?x4x?x8xf32>, %k: memref<?x2x?x8xf32>, %s: memref<?x4x?x?xf32>) {
  linalg.generic {indexing_maps = [#q, #k, #s],
                  iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]}
      ins(%q, %k : memref<?x4x?x8xf32>, memref<?x2x?x8xf32>) outs(%s : memref<?x4x?x?xf32>)
      attrs = {seq.contraction} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %r = arith.addf %acc, %p : f32
    linalg.yield %r : f32
  }
  return
}
