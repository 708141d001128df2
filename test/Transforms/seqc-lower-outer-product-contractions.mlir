// RUN: seq-opt %s --seqc-lower-outer-product-contractions=vector-width=8 --split-input-file | FileCheck %s

// A causal conv1d with dilation 2 as convert-seq-to-linalg emits it, loops
// (b, g, o, c, k, t): y[b, g, o, t] += x[b, c, t + 2k] * w[o, c, k].
// m = o, n = t, reductions c and k. Tiles of 4 output channels by 3
// vectors of 8 steps: 12 accumulators loaded from y, then per (c, k) 3
// vector loads of x and 4 broadcast weights, 12 FMAs; one store per tile.
#x = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d5 + d4 * 2)>
#w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3, d4)>
#y = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
// CHECK-LABEL: func.func @conv
// CHECK-NOT: linalg.generic
// The batch and group loops.
// CHECK: scf.for %[[B:[^ ]+]] =
// CHECK: scf.for %[[G:[^ ]+]] =
// Whole tiles of 4 channels, then 3 vectors of 8 steps.
// CHECK: scf.for %[[O:[^ ]+]] = %{{.+}} to %{{.+}} step %c4
// CHECK: scf.for %[[T:[^ ]+]] = %{{.+}} to %{{.+}} step %c24
// CHECK-COUNT-12: vector.load %{{.+}} : memref<?x1x?x?xf32>, vector<8xf32>
// CHECK: %[[ACC:.+]]:12 = scf.for %[[C:[^ ]+]] = {{.+}} iter_args(
// CHECK: %[[INNER:.+]]:12 = scf.for %[[K:[^ ]+]] = {{.+}} iter_args(
// CHECK-COUNT-3: vector.load %{{.+}} : memref<?x?x?xf32>, vector<8xf32>
// CHECK: memref.load %{{.+}} : memref<?x?x3xf32>
// CHECK: vector.broadcast
// CHECK-COUNT-3: vector.fma
// CHECK: scf.yield
// CHECK: scf.yield
// CHECK-COUNT-12: vector.store
// Single vectors of 8 steps, then the masked tail, only when there is one.
// CHECK: scf.for %{{.+}} step %c8
// CHECK: arith.cmpi ne
// CHECK: scf.if
// CHECK: vector.create_mask
// CHECK: vector.maskedload
// CHECK: vector.maskedstore
// Single output channels.
// CHECK: scf.for %{{.+}} step %c1
func.func @conv(%x: memref<?x?x?xf32>, %w: memref<?x?x3xf32>, %nb: index, %no: index, %nt: index) -> memref<?x1x?x?xf32> {
  %y = memref.alloc(%nb, %no, %nt) : memref<?x1x?x?xf32>
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %w : memref<?x?x?xf32>, memref<?x?x3xf32>) outs(%y : memref<?x1x?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  }
  return %y : memref<?x1x?x?xf32>
}

// -----

// Attention's P V with two query heads per key/value head:
// out[b, h, i, e] += p[b, h, i, j] * v[b, h floordiv 2, j, e]; m = i,
// n = e, reduction j. Without `contract` the product and the sum stay two
// ops (the loop nest's rounding).
// CHECK-LABEL: func.func @pv
// CHECK-NOT: linalg.generic
// CHECK: scf.for %{{.+}} step %c4
// CHECK: scf.for %{{.+}} step %c24
// CHECK: affine.apply #{{.+}}(%{{.+}})
// CHECK: vector.load %{{.+}} : memref<2x2x?x37xf32>, vector<8xf32>
// CHECK: memref.load %{{.+}} : memref<2x4x?x?xf32>
// CHECK-NOT: vector.fma
// CHECK: arith.mulf %{{.+}}, %{{.+}} : vector<8xf32>
// CHECK: arith.addf %{{.+}}, %{{.+}} : vector<8xf32>
func.func @pv(%p: memref<2x4x?x?xf32>, %v: memref<2x2x?x37xf32>, %nq: index) -> memref<2x4x?x37xf32> {
  %o = memref.alloc(%nq) : memref<2x4x?x37xf32>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d3)>,
                                   affine_map<(d0, d1, d2, d3, d4) -> (d0, d1 floordiv 2, d3, d4)>,
                                   affine_map<(d0, d1, d2, d3, d4) -> (d0, d1, d2, d4)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
      ins(%p, %v : memref<2x4x?x?xf32>, memref<2x2x?x37xf32>) outs(%o : memref<2x4x?x37xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return %o : memref<2x4x?x37xf32>
}

// -----

// Left alone: a strided conv (n enters x's index as 2 t, not t + ...), a
// contraction whose innermost output index is not contiguous in an input
// (a dot product: seqc-lower-dot-contractions' form), a body that is not a
// multiply-accumulate, and an f64 one.
// CHECK-LABEL: func.func @not_matched
// CHECK-COUNT-4: linalg.generic
func.func @not_matched(%x: memref<?x?x?xf32>, %w: memref<?x?x3xf32>, %n: index,
                       %a: memref<?x16xf32>, %b: memref<?x16xf32>,
                       %xd: memref<?x?x?xf64>, %wd: memref<?x?x3xf64>) {
  %y = memref.alloc(%n, %n, %n) : memref<?x1x?x?xf32>
  %c = memref.alloc(%n, %n) : memref<?x?xf32>
  %yd = memref.alloc(%n, %n, %n) : memref<?x1x?x?xf64>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d5 * 2 + d4)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3, d4)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %w : memref<?x?x?xf32>, memref<?x?x3xf32>) outs(%y : memref<?x1x?x?xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>,
                                   affine_map<(d0, d1, d2) -> (d1, d2)>,
                                   affine_map<(d0, d1, d2) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%a, %b : memref<?x16xf32>, memref<?x16xf32>) outs(%c : memref<?x?xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.mulf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d5 + d4)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3, d4)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %w : memref<?x?x?xf32>, memref<?x?x3xf32>) outs(%y : memref<?x1x?x?xf32>) {
  ^bb0(%p: f32, %q: f32, %acc: f32):
    %m = arith.maximumf %p, %q : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d5 + d4)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3, d4)>,
                                   affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%xd, %wd : memref<?x?x?xf64>, memref<?x?x3xf64>) outs(%yd : memref<?x1x?x?xf64>) {
  ^bb0(%p: f64, %q: f64, %acc: f64):
    %m = arith.mulf %p, %q : f64
    %s = arith.addf %acc, %m : f64
    linalg.yield %s : f64
  }
  return
}

// -----

// Left alone: y is not a buffer of its own, so the tile's copy of y in
// registers could go stale: a function argument (the caller's buffer may
// alias x or w), and an allocation that the second input is a view of.
// CHECK-LABEL: func.func @may_alias
// CHECK-COUNT-2: linalg.generic
func.func @may_alias(%p: memref<4x8xf32>, %v: memref<8x16xf32>, %o: memref<4x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>,
                                   affine_map<(d0, d1, d2) -> (d2, d1)>,
                                   affine_map<(d0, d1, d2) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p, %v : memref<4x8xf32>, memref<8x16xf32>) outs(%o : memref<4x16xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  %buf = memref.alloc() : memref<12x16xf32>
  %top = memref.subview %buf[0, 0] [8, 16] [1, 1] : memref<12x16xf32> to memref<8x16xf32, strided<[16, 1]>>
  %bottom = memref.subview %buf[8, 0] [4, 16] [1, 1] : memref<12x16xf32> to memref<4x16xf32, strided<[16, 1], offset: 128>>
  linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d2)>,
                                   affine_map<(d0, d1, d2) -> (d2, d1)>,
                                   affine_map<(d0, d1, d2) -> (d0, d1)>],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%p, %top : memref<4x8xf32>, memref<8x16xf32, strided<[16, 1]>>) outs(%bottom : memref<4x16xf32, strided<[16, 1], offset: 128>>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// In a function with a model context, the output channels split over its
// threads in shares of whole 4-channel tiles (at most ceil(O / 4) shares),
// from 2^17 multiply-adds per thread (all the loop extents multiplied);
// each share runs the batch and group loops over its own channels, the
// last share also the channels after the last whole tile.
#x = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d5 + d4 * 2)>
#w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3, d4)>
#y = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
// CHECK-LABEL: func.func @threaded_conv
// CHECK: llvm.getelementptr %{{.+}}[48]
// CHECK: %[[THREADS:.+]] = arith.select
// CHECK: %[[TILES:.+]] = arith.ceildivui %[[O:.+]], %c4
// CHECK: %[[MIN:.+]] = arith.muli %[[THREADS]], %c131072
// CHECK: %[[WORTH:.+]] = arith.cmpi uge, %{{.+}}, %[[MIN]]
// CHECK: %[[FEW:.+]] = arith.minui %[[THREADS]], %[[TILES]]
// CHECK: %[[SHARES:.+]] = arith.select %[[WORTH]], %[[FEW]], %c1
// CHECK: scf.for %[[S:.+]] = %c0{{(_[0-9]+)?}} to %[[SHARES]] step
// CHECK: %[[T0:.+]] = arith.divui %{{.+}}, %[[SHARES]]
// CHECK: %[[T1:.+]] = arith.divui %{{.+}}, %[[SHARES]]
// CHECK: %[[C0:.+]] = arith.muli %[[T0]], %c4
// CHECK: %[[M0:.+]] = arith.minui %[[C0]], %[[O]]
// CHECK: %[[C1:.+]] = arith.muli %[[T1]], %c4
// CHECK: %[[M1:.+]] = arith.minui %[[C1]], %[[O]]
// CHECK: scf.for
// CHECK: scf.for
// CHECK: %[[SPAN:.+]] = arith.subi %[[M1]], %[[M0]]
// CHECK: %[[WHOLE:.+]] = arith.divui %[[SPAN]], %c4
// CHECK: %[[MAIN:.+]] = arith.addi %[[M0]], %{{.+}}
// CHECK: scf.for %{{.+}} = %[[M0]] to %[[MAIN]] step %c4
// CHECK: vector.fma
// CHECK: scf.for %{{.+}} = %[[MAIN]] to %[[M1]] step %c1
// CHECK: } {seqc.parallel}
func.func @threaded_conv(%x: memref<?x?x?xf32>, %w: memref<?x?x3xf32>, %nb: index, %no: index, %nt: index,
                         %ctx: !llvm.ptr {seqc.model_context}) -> memref<?x1x?x?xf32> {
  %y = memref.alloc(%nb, %no, %nt) : memref<?x1x?x?xf32>
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %w : memref<?x?x?xf32>, memref<?x?x3xf32>) outs(%y : memref<?x1x?x?xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  }
  return %y : memref<?x1x?x?xf32>
}
