// RUN: seq-opt %s --seqc-lower-packed-contractions=vector-width=4 --split-input-file | FileCheck %s

// y[t, b, n] += x[t, b, k] * packed[n floordiv 12, k, n mod 12] with 4
// lanes: panels of V = 3 vectors, so tiles of (16 - 3 - 1) / 3 = 4 rows
// (t, b flattened). k in blocks of 256 steps (here one), rows in blocks
// of 65536 / 256 = 256; per panel and row tile 12 accumulators
// start from y, each k loads the panel's 3 vectors and broadcasts 4
// scalars of x, and the sums are stored once. The last panel (N = 20:
// columns 12..19, 8 of 12) is masked.
#x = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
#p = affine_map<(d0, d1, d2, d3) -> (d2 floordiv 12, d3, d2 mod 12)>
#y = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// Around it, the panels in one contiguous share per thread (a loop marked
// seqc.parallel); without a model context, one thread and one share.
// CHECK-LABEL: func.func @linear
// CHECK-NOT: linalg.generic
// CHECK: %[[SHARES:.+]] = arith.select %{{.+}}, %{{.+}}, %c1{{(_[0-9]+)?}} : index
// CHECK: scf.for %[[S:.+]] = %c0{{(_[0-9]+)?}} to %[[SHARES]] step %c1{{(_[0-9]+)?}} {
// CHECK: scf.for %[[K0:.+]] = %c0{{(_[0-9]+)?}} to %c37{{(_[0-9]+)?}} step %c256{{(_[0-9]+)?}} {
// CHECK:   %[[K1:.+]] = arith.minui %c37{{(_[0-9]+)?}}, %{{.+}} : index
// CHECK:   scf.for %[[M0:.+]] = %c0{{(_[0-9]+)?}} to %{{.+}} step %c256{{(_[0-9]+)?}} {
// CHECK:     scf.for %[[J:.+]] = %{{.+}} to %{{.+}} step %c1{{(_[0-9]+)?}} {
// CHECK:       scf.for %[[M:.+]] = %[[M0]] to %{{.+}} step %c4{{(_[0-9]+)?}} {
// CHECK-COUNT-4: affine.delinearize_index
// CHECK-COUNT-12: vector.load %{{.+}} : memref<?x?x20xf32>, vector<4xf32>
// CHECK:         %{{.+}}:12 = scf.for %[[K:.+]] = %[[K0]] to %[[K1]] step %c1{{(_[0-9]+)?}} iter_args(
// CHECK-COUNT-3: vector.load %{{.+}}[%[[J]], %[[K]], %{{.+}}] : memref<2x37x12xf32>, vector<4xf32>
// CHECK:           memref.load
// CHECK:           vector.broadcast
// CHECK-COUNT-3:   vector.fma
// CHECK:           memref.load
// CHECK:           vector.broadcast
// CHECK-COUNT-3:   vector.fma
// CHECK:           scf.yield
// CHECK-COUNT-12: vector.store
// Then the remaining rows (fewer than 4): a tile of 2 if they are 2 or 3,
// then one of 1 if one is left.
// CHECK:       %[[LEFT:.+]] = arith.subi
// CHECK:       %[[TWO:.+]] = arith.cmpi uge, %[[LEFT]], %c2
// CHECK:       scf.if %[[TWO]] {
// CHECK:         %{{.+}}:6 = scf.for
// CHECK-COUNT-6: vector.fma
// CHECK:       arith.select %[[TWO]]
// CHECK:       arith.cmpi uge, %{{.+}}, %c1
// CHECK:       scf.if
// CHECK:         %{{.+}}:3 = scf.for
// CHECK-COUNT-3: vector.fma
// The partial last panel, under masks of N - column lanes.
// CHECK:     scf.if
// CHECK:       vector.create_mask
// CHECK-COUNT-12: vector.maskedload
// CHECK:       scf.for
// CHECK-COUNT-12: vector.maskedstore
// CHECK: } {seqc.parallel}
func.func @linear(%x: memref<?x?x37xf32>, %w: memref<2x37x12xf32>, %y: memref<?x?x20xf32>) {
  linalg.generic {indexing_maps = [#x, #p, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x?x37xf32>, memref<2x37x12xf32>) outs(%y : memref<?x?x20xf32>)
      attrs = {seq.contraction} {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Without `contract` the product and the sum stay two ops; a panel width
// that is not whole vectors (6 with 4 lanes) keeps the loop nest.
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 8, d2, d1 mod 8)>
#q = affine_map<(d0, d1, d2) -> (d1 floordiv 6, d2, d1 mod 6)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @unfused
// CHECK-NOT: vector.fma
// CHECK: arith.mulf %{{.+}}, %{{.+}} : vector<4xf32>
// CHECK: arith.addf %{{.+}}, %{{.+}} : vector<4xf32>
// CHECK: linalg.generic
// CHECK-SAME: memref<1x5x6xf32>
func.func @unfused(%x: memref<?x5xf32>, %w: memref<1x5x8xf32>, %y: memref<?x8xf32>,
                   %v: memref<1x5x6xf32>, %z: memref<?x6xf32>) {
  linalg.generic {indexing_maps = [#x, #p, #y],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x5xf32>, memref<1x5x8xf32>) outs(%y : memref<?x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#x, #q, #y],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %v : memref<?x5xf32>, memref<1x5x6xf32>) outs(%z : memref<?x6xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<contract> : f32
    %s = arith.addf %acc, %p fastmath<contract> : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// One vector per panel (NR = W = 4) would leave room for 14 rows: tiles are
// capped at 8 so that the remainder's tiles of 4, 2 and 1 cover the rest
// (13 rows: 8, then 4, then 1).
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 4, d2, d1 mod 4)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @narrow_panels
// CHECK: scf.for %{{.+}} step %c8
// CHECK:   %{{.+}}:8 = scf.for
// CHECK: arith.cmpi uge, %{{.+}}, %c4
// CHECK:   %{{.+}}:4 = scf.for
// CHECK: arith.cmpi uge, %{{.+}}, %c2
// CHECK:   %{{.+}}:2 = scf.for
// CHECK: arith.cmpi uge, %{{.+}}, %c1
// CHECK:   %{{.+}} = scf.for
func.func @narrow_panels(%x: memref<13x8xf32>, %w: memref<2x8x4xf32>, %y: memref<13x6xf32>) {
  linalg.generic {indexing_maps = [#x, #p, #y],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<13x8xf32>, memref<2x8x4xf32>) outs(%y : memref<13x6xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<contract> : f32
    %s = arith.addf %acc, %p fastmath<contract> : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// In an entry with a model context, the threads are the context's
// num_threads (offset 64) when its parallel_for (offset 48) is set, and a
// product of fewer than 2^16 multiply-adds per thread (kMinPackedMacsPerThread)
// stays in one share.
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 8, d2, d1 mod 8)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
// CHECK-LABEL: func.func @threads
// CHECK-SAME: %[[CTX:[a-z0-9]+]]: !llvm.ptr {seqc.model_context}
// CHECK: %[[PF:.+]] = llvm.getelementptr %[[CTX]][48]
// CHECK: %[[FN:.+]] = llvm.load %[[PF]] : !llvm.ptr -> !llvm.ptr
// CHECK: %[[SET:.+]] = llvm.icmp "ne" %[[FN]]
// CHECK: %[[NT:.+]] = llvm.getelementptr %[[CTX]][64]
// CHECK: llvm.load %[[NT]] : !llvm.ptr -> i64
// CHECK: %[[ATLEAST1:.+]] = arith.maxsi
// CHECK: %[[THREADS:.+]] = arith.select %[[SET]], %[[ATLEAST1]], %c1
// CHECK: %[[MACS:.+]] = arith.muli %{{.+}}, %c64
// CHECK: %[[MIN:.+]] = arith.muli %[[THREADS]], %c65536
// CHECK: %[[WORTH:.+]] = arith.cmpi uge, %[[MACS]], %[[MIN]]
// CHECK: %[[FEW:.+]] = arith.minui %[[THREADS]], %{{.+}}
// CHECK: %[[SHARES:.+]] = arith.select %[[WORTH]], %[[FEW]], %c1
// CHECK: scf.for %{{.+}} = %c0{{(_[0-9]+)?}} to %[[SHARES]]
// N = 32 is 4 whole panels: no code for a partial one.
// CHECK-NOT: vector.create_mask
// CHECK-NOT: vector.maskedload
// CHECK: } {seqc.parallel}
func.func @threads(%x: memref<?x64xf32>, %w: memref<4x64x8xf32>, %y: memref<?x32xf32>,
                   %ctx: !llvm.ptr {seqc.model_context}) {
  linalg.generic {indexing_maps = [#x, #p, #y],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x64xf32>, memref<4x64x8xf32>) outs(%y : memref<?x32xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<contract> : f32
    %s = arith.addf %acc, %p fastmath<contract> : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// What the sums start from. A bias broadcast over the rows just before the
// contraction: the accumulators start from the bias row (one load per
// vector, shared by the tile's rows) instead of y, and the broadcast goes.
// With 1030 steps of k (four blocks of 256 and one of 6), only the first
// block starts from the bias; the others continue from y.
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 8, d2, d1 mod 8)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
#row = affine_map<(d0, d1) -> (d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @bias_start
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<?x1030xf32>, %{{.+}}: memref<1x1030x8xf32>, %[[BIAS:[a-z0-9]+]]: memref<8xf32>, %[[Y:[a-z0-9]+]]: memref<?x8xf32>
// CHECK-NOT: linalg.generic
// CHECK: scf.for %[[K0:.+]] = %c0{{(_[0-9]+)?}} to %c1030{{(_[0-9]+)?}} step %c256
// CHECK: %[[FIRST:.+]] = arith.cmpi eq, %[[K0]], %c0
// CHECK: %{{.+}}:12 = scf.if %[[FIRST]] -> (vector<4xf32>
// CHECK-COUNT-2: vector.load %[[BIAS]]
// CHECK-NOT: vector.load %[[BIAS]]
// CHECK: scf.yield
// CHECK: } else {
// CHECK-COUNT-12: vector.load %[[Y]]
// CHECK: scf.yield
// CHECK-COUNT-12: vector.store %{{.+}}, %[[Y]]
func.func @bias_start(%x: memref<?x1030xf32>, %w: memref<1x1030x8xf32>, %bias: memref<8xf32>, %y: memref<?x8xf32>) {
  linalg.generic {indexing_maps = [#row, #id], iterator_types = ["parallel", "parallel"]}
      ins(%bias : memref<8xf32>) outs(%y : memref<?x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#x, #p, #y],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x1030xf32>, memref<1x1030x8xf32>) outs(%y : memref<?x8xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<contract> : f32
    %s = arith.addf %acc, %p fastmath<contract> : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A recurrence step: y zeroed, the product (its sum may be reassociated),
// then z = a + y, and y is read by nothing else. One k block: the
// accumulators start from a and the sums go to z; the fill and the add go
// (y stays an unused buffer). (@kept_starts: without `reassoc` the add
// stays.)
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 8, d2, d1 mod 8)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @step_sum
// CHECK-SAME: %[[X:[a-z0-9]+]]: memref<?x16xf32>, %{{.+}}: memref<1x16x8xf32>, %[[A:[a-z0-9]+]]: memref<?x8xf32, strided<[16, 1]>>, %[[Z:[a-z0-9]+]]: memref<?x8xf32>
// CHECK-NOT: linalg.fill
// CHECK-NOT: linalg.generic
// CHECK-NOT: scf.if %{{.+}} -> (vector
// CHECK-COUNT-12: vector.load %[[A]]
// CHECK: scf.for
// CHECK-COUNT-12: vector.store %{{.+}}, %[[Z]]
// CHECK-NOT: linalg.generic
// CHECK: memref.dealloc
func.func @step_sum(%x: memref<?x16xf32>, %w: memref<1x16x8xf32>, %a: memref<?x8xf32, strided<[16, 1]>>, %z: memref<?x8xf32>) {
  %c0 = arith.constant 0 : index
  %zero = arith.constant 0.0 : f32
  %b = memref.dim %x, %c0 : memref<?x16xf32>
  %y = memref.alloc(%b) : memref<?x8xf32>
  linalg.fill ins(%zero : f32) outs(%y : memref<?x8xf32>)
  linalg.generic {indexing_maps = [#x, #p, #y],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<?x16xf32>, memref<1x16x8xf32>) outs(%y : memref<?x8xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %y : memref<?x8xf32, strided<[16, 1]>>, memref<?x8xf32>) outs(%z : memref<?x8xf32>) {
  ^bb0(%l: f32, %r: f32, %out: f32):
    %s = arith.addf %l, %r : f32
    linalg.yield %s : f32
  }
  memref.dealloc %y : memref<?x8xf32>
  return
}

// -----

// Where y is read elsewhere too (or the sum may not be reassociated: no
// `reassoc` here), the add stays (the fill still becomes the
// accumulators' start: zeros); a fill of another buffer, or a broadcast
// that is not along y's last dimension, is left as it is.
#x = affine_map<(d0, d1, d2) -> (d0, d2)>
#p = affine_map<(d0, d1, d2) -> (d1 floordiv 8, d2, d1 mod 8)>
#y = affine_map<(d0, d1, d2) -> (d0, d1)>
#id = affine_map<(d0, d1) -> (d0, d1)>
#col = affine_map<(d0, d1) -> (d0)>
// CHECK-LABEL: func.func @kept_starts
// CHECK-NOT: linalg.fill
// CHECK: arith.constant dense<0.000000e+00> : vector<4xf32>
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.+}}, %{{.+}} : memref<?x8xf32>, memref<?x8xf32>)
// CHECK: memref.copy
// CHECK: linalg.fill
// CHECK: vector.load
// CHECK: linalg.generic
// CHECK-SAME: ins(%{{.+}} : memref<4xf32>)
// CHECK: vector.load
func.func @kept_starts(%x: memref<4x16xf32>, %w: memref<1x16x8xf32>, %a: memref<?x8xf32>, %z: memref<?x8xf32>, %other: memref<4x8xf32>, %col: memref<4xf32>, %y2: memref<4x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %y = memref.alloc() : memref<4x8xf32>
  linalg.fill ins(%zero : f32) outs(%y : memref<4x8xf32>)
  linalg.generic {indexing_maps = [#x, #p, #y],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<4x16xf32>, memref<1x16x8xf32>) outs(%y : memref<4x8xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt fastmath<contract> : f32
    %s = arith.addf %acc, %p fastmath<contract> : f32
    linalg.yield %s : f32
  }
  %yd = memref.cast %y : memref<4x8xf32> to memref<?x8xf32>
  linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %yd : memref<?x8xf32>, memref<?x8xf32>) outs(%z : memref<?x8xf32>) {
  ^bb0(%l: f32, %r: f32, %out: f32):
    %s = arith.addf %l, %r : f32
    linalg.yield %s : f32
  }
  memref.copy %y, %other : memref<4x8xf32> to memref<4x8xf32>
  linalg.fill ins(%zero : f32) outs(%other : memref<4x8xf32>)
  linalg.generic {indexing_maps = [#x, #p, #y],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<4x16xf32>, memref<1x16x8xf32>) outs(%y2 : memref<4x8xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt fastmath<contract> : f32
    %s = arith.addf %acc, %p fastmath<contract> : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [#col, #id], iterator_types = ["parallel", "parallel"]}
      ins(%col : memref<4xf32>) outs(%y2 : memref<4x8xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  }
  linalg.generic {indexing_maps = [#x, #p, #y],
                  iterator_types = ["parallel", "parallel", "reduction"]}
      ins(%x, %w : memref<4x16xf32>, memref<1x16x8xf32>) outs(%y2 : memref<4x8xf32>) {
  ^bb0(%in: f32, %wt: f32, %acc: f32):
    %p = arith.mulf %in, %wt fastmath<contract> : f32
    %s = arith.addf %acc, %p fastmath<contract> : f32
    linalg.yield %s : f32
  }
  memref.dealloc %y : memref<4x8xf32>
  return
}
