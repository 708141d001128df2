// RUN: seq-opt %s --seqc-tile-loops-for-gpu | FileCheck %s
// RUN: seq-opt %s --seqc-tile-loops-for-gpu='block-size=128' | FileCheck %s --check-prefix=B128

// A rank-2 loop over a dynamic [M, N] becomes one dimension of M * N
// iterations in tiles of 256, each thread behind a bound check; the inner
// reduction loop stays a loop.
// CHECK-LABEL: func.func @rows
// CHECK:         %[[M:.*]] = memref.dim %{{.*}}, %c0
// CHECK:         %[[N:.*]] = memref.dim %{{.*}}, %c1
// CHECK:         %[[MN:.*]] = arith.muli %{{.*}}, %[[N]] : index
// CHECK:         %[[C256:.*]] = arith.constant 256 : index
// CHECK:         %[[STEP:.*]] = arith.muli %{{.*}}, %[[C256]] : index
// CHECK:         scf.parallel (%[[TILE:.*]]) = (%{{.*}}) to (%[[MN]]) step (%[[STEP]])
// CHECK-NEXT:      scf.parallel (%[[LANE:.*]]) = (%{{.*}}) to (%[[STEP]]) step (%{{.*}})
// CHECK-NEXT:        %[[I:.*]] = arith.addi %[[LANE]], %[[TILE]]
// CHECK:             %[[IN:.*]] = arith.cmpi ult, %{{.*}}, %[[MN]]
// CHECK:             %[[GUARD:.*]] = arith.andi %{{.*}}, %[[IN]]
// CHECK:             scf.if %[[GUARD]]
// CHECK-NEXT:          %[[J:.*]] = arith.remsi %[[I]], %[[N]]
// CHECK-NEXT:          %[[ROW:.*]] = arith.divsi %[[I]], %[[N]]
// CHECK:               scf.for
// CHECK:                 memref.load %{{.*}}[%[[ROW]], %[[J]], %{{.*}}]
// CHECK:               memref.store %{{.*}}, %{{.*}}[%[[ROW]], %[[J]]]
// B128-LABEL: func.func @rows
// B128:         arith.constant 128 : index
func.func @rows(%a: memref<?x?x8xf32>, %out: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %m = memref.dim %out, %c0 : memref<?x?xf32>
  %n = memref.dim %out, %c1 : memref<?x?xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%m, %n) step (%c1, %c1) {
    %zero = arith.constant 0.0 : f32
    %sum = scf.for %k = %c0 to %c8 step %c1 iter_args(%acc = %zero) -> f32 {
      %v = memref.load %a[%i, %j, %k] : memref<?x?x8xf32>
      %s = arith.addf %acc, %v : f32
      scf.yield %s : f32
    }
    memref.store %sum, %out[%i, %j] : memref<?x?xf32>
    scf.reduce
  }
  return
}

// A loop with a reduction result is left alone (no GPU mapping takes it;
// it stays host code).
// CHECK-LABEL: func.func @total
// CHECK:         scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) init
// CHECK-NOT:     scf.parallel
func.func @total(%a: memref<?xf32>) -> f32 {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  %zero = arith.constant 0.0 : f32
  %r = scf.parallel (%i) = (%c0) to (%n) step (%c1) init (%zero) -> f32 {
    %v = memref.load %a[%i] : memref<?xf32>
    scf.reduce(%v : f32) {
    ^bb0(%x: f32, %y: f32):
      %s = arith.addf %x, %y : f32
      scf.reduce.return %s : f32
    }
  }
  return %r : f32
}
