// RUN: seq-opt %s --seqc-hoist-branch-scratch | FileCheck %s

// A tile's temporaries allocated in the branch taken for tiles that are not
// fully masked move before the branch (out of nested branches too), so that
// buffer-loop-hoisting can take them out of the tile loop. (The pass runs
// before the deallocation pipeline: nothing frees them yet.)
// CHECK-LABEL: func.func @tile_scratch
// CHECK: scf.for
// CHECK-NEXT: memref.load
// CHECK-NEXT: %[[S:.+]] = memref.alloc() : memref<4x4xf32>
// CHECK-NEXT: %[[R:.+]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: scf.if
// CHECK-NEXT: memref.subview %[[S]]
// CHECK-NOT: memref.alloc
// CHECK: scf.if
// CHECK-NEXT: linalg.fill {{.+}} outs(%[[R]] : memref<4xf32>)
// CHECK: return
func.func @tile_scratch(%x: memref<16x4xf32>, %keep: memref<4xi1>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %zero = arith.constant 0.0 : f32
  scf.for %i = %c0 to %c4 step %c1 {
    %k = memref.load %keep[%i] : memref<4xi1>
    scf.if %k {
      %s = memref.alloc() : memref<4x4xf32>
      %v = memref.subview %s[0, 0] [4, 1] [1, 1] : memref<4x4xf32> to memref<4xf32, strided<[4]>>
      linalg.fill ins(%zero : f32) outs(%v : memref<4xf32, strided<[4]>>)
      scf.if %k {
        %r = memref.alloc() : memref<4xf32>
        linalg.fill ins(%zero : f32) outs(%r : memref<4xf32>)
      }
    }
  }
  return
}

// A buffer the branch yields, one sized inside the branch and one freed
// in it stay.
// CHECK-LABEL: func.func @escaping
// CHECK: scf.if
// CHECK-NEXT: %[[Y:.+]] = memref.alloc() : memref<4xf32>
// CHECK-NEXT: scf.yield %[[Y]]
// CHECK: } else {
// CHECK-NEXT: %[[N:.+]] = memref.load
// CHECK-NEXT: %[[D:.+]] = memref.alloc(%[[N]]) : memref<?xf32>
// CHECK-NEXT: memref.dealloc %[[D]]
// CHECK-NEXT: %[[F:.+]] = memref.alloc() : memref<8xf32>
// CHECK-NEXT: memref.dealloc %[[F]]
func.func @escaping(%c: i1, %n: memref<index>) -> memref<4xf32> {
  %y = scf.if %c -> memref<4xf32> {
    %a = memref.alloc() : memref<4xf32>
    scf.yield %a : memref<4xf32>
  } else {
    %m = memref.load %n[] : memref<index>
    %d = memref.alloc(%m) : memref<?xf32>
    memref.dealloc %d : memref<?xf32>
    %f = memref.alloc() : memref<8xf32>
    memref.dealloc %f : memref<8xf32>
    %b = memref.alloc() : memref<4xf32>
    scf.yield %b : memref<4xf32>
  }
  return %y : memref<4xf32>
}
