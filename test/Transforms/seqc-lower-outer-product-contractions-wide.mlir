// RUN: seq-opt %s --seqc-lower-outer-product-contractions=vector-width=16 --split-input-file | FileCheck %s

// With 16-lane vectors (AVX-512) a conv1d takes tiles of 6 output
// channels by 4 vectors (24 accumulators), unless its channel count is
// known to be a multiple of 4 but not of 6: then tiles of 4 by 4 (16
// accumulators), so that no channel is left for the one-row tail and the
// tiles split evenly over two threads (64 channels: 16 tiles, not 10 and
// 4 single rows).
#x = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d5 + d4 * 2)>
#w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3, d4)>
#y = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
// CHECK-LABEL: func.func @conv64
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c4
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c64
// CHECK-COUNT-16: vector.load %{{.+}} : memref<1x1x64x1024xf32>, vector<16xf32>
// CHECK-NOT: vector.load %{{.+}} : memref<1x1x64x1024xf32>, vector<16xf32>
// CHECK: %{{.+}}:16 = scf.for
func.func @conv64(%x: memref<1x64x1028xf32>, %w: memref<64x64x3xf32>) -> memref<1x1x64x1024xf32> {
  %y = memref.alloc() : memref<1x1x64x1024xf32>
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %w : memref<1x64x1028xf32>, memref<64x64x3xf32>) outs(%y : memref<1x1x64x1024xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  }
  return %y : memref<1x1x64x1024xf32>
}

// -----

// 48 channels (a multiple of 6) and a dynamic count keep tiles of 6 by 4.
#x = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d5 + d4 * 2)>
#w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3, d4)>
#y = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
// CHECK-LABEL: func.func @conv48
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c6
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c64
// CHECK-COUNT-24: vector.load %{{.+}} : memref<1x1x48x1024xf32>, vector<16xf32>
func.func @conv48(%x: memref<1x48x1028xf32>, %w: memref<48x48x3xf32>) -> memref<1x1x48x1024xf32> {
  %y = memref.alloc() : memref<1x1x48x1024xf32>
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %w : memref<1x48x1028xf32>, memref<48x48x3xf32>) outs(%y : memref<1x1x48x1024xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  }
  return %y : memref<1x1x48x1024xf32>
}

// -----

#x = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d3, d5 + d4 * 2)>
#w = affine_map<(d0, d1, d2, d3, d4, d5) -> (d2, d3, d4)>
#y = affine_map<(d0, d1, d2, d3, d4, d5) -> (d0, d1, d2, d5)>
// CHECK-LABEL: func.func @conv_dynamic
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c6
// CHECK: scf.for %{{.+}} = %{{.+}} to %{{.+}} step %c64
func.func @conv_dynamic(%x: memref<1x?x1028xf32>, %w: memref<?x?x3xf32>, %o: index) -> memref<1x1x?x1024xf32> {
  %y = memref.alloc(%o) : memref<1x1x?x1024xf32>
  linalg.generic {indexing_maps = [#x, #w, #y],
                  iterator_types = ["parallel", "parallel", "parallel", "reduction", "reduction", "parallel"]}
      ins(%x, %w : memref<1x?x1028xf32>, memref<?x?x3xf32>) outs(%y : memref<1x1x?x1024xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %p = arith.mulf %a, %b fastmath<reassoc, contract> : f32
    %s = arith.addf %acc, %p fastmath<reassoc, contract> : f32
    linalg.yield %s : f32
  }
  return %y : memref<1x1x?x1024xf32>
}
