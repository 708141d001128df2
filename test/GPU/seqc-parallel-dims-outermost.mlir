// RUN: seq-opt %s --seqc-parallel-dims-outermost | FileCheck %s

// Attention's P V as the CPU lowering writes it, (b, i, j, d) with the key
// reduction j before the channel d: d moves before j, and the maps follow.
// CHECK-DAG: #[[P:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[V:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d3, d2)>
// CHECK-DAG: #[[O:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[J:.*]] = affine_map<(d0, d1, d2) -> (d2)>
// CHECK-LABEL: func.func @pv
// CHECK:         linalg.generic {indexing_maps = [#[[P]], #[[V]], #[[O]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]}
#p = affine_map<(b, i, j, d) -> (b, i, j)>
#v = affine_map<(b, i, j, d) -> (b, j, d)>
#o = affine_map<(b, i, j, d) -> (b, i, d)>
func.func @pv(%p: memref<2x8x8xf32>, %v: memref<2x8x4xf32>, %o: memref<2x8x4xf32>) {
  linalg.generic {indexing_maps = [#p, #v, #o],
                  iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%p, %v : memref<2x8x8xf32>, memref<2x8x4xf32>) outs(%o : memref<2x8x4xf32>) {
  ^bb0(%a: f32, %b: f32, %acc: f32):
    %m = arith.mulf %a, %b : f32
    %s = arith.addf %acc, %m : f32
    linalg.yield %s : f32
  }
  return
}

// A reduction already innermost is left as it is.
// CHECK-LABEL: func.func @rows
// CHECK:         linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}], iterator_types = ["parallel", "reduction"]}
#in = affine_map<(i, k) -> (i, k)>
#out = affine_map<(i, k) -> (i)>
func.func @rows(%x: memref<8x16xf32>, %y: memref<8xf32>) {
  linalg.generic {indexing_maps = [#in, #out], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<8x16xf32>) outs(%y : memref<8xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  }
  return
}

// A body that reads its iteration indices follows the interchange: the
// old dimension 1 (the reduction) is the new dimension 2.
// CHECK-LABEL: func.func @indexed
// CHECK:         linalg.generic
// CHECK-SAME:      iterator_types = ["parallel", "parallel", "reduction"]
// CHECK:           %[[I0:.*]] = linalg.index 0 : index
// CHECK-NEXT:      %[[I1:.*]] = linalg.index 1 : index
// CHECK-NEXT:      %[[I2:.*]] = linalg.index 2 : index
// CHECK-NEXT:      %[[OLD1:.*]] = affine.apply #[[J]](%[[I0]], %[[I1]], %[[I2]])
// CHECK-NEXT:      arith.index_cast %[[OLD1]]
#a3 = affine_map<(i, j, d) -> (i, j, d)>
#o3 = affine_map<(i, j, d) -> (i, d)>
func.func @indexed(%x: memref<4x8x2xf32>, %y: memref<4x2xf32>) {
  linalg.generic {indexing_maps = [#a3, #o3], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x : memref<4x8x2xf32>) outs(%y : memref<4x2xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %j = linalg.index 1 : index
    %ji = arith.index_cast %j : index to i32
    %jf = arith.sitofp %ji : i32 to f32
    %w = arith.mulf %a, %jf : f32
    %s = arith.addf %acc, %w : f32
    linalg.yield %s : f32
  }
  return
}
