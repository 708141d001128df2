// RUN: seq-opt %s --seqc-one-shot-bufferize | FileCheck %s

// An argument whose bufferization.buffer_layout is strided with a unit
// innermost stride (an attention kernel's) takes such views as they are (a
// cast, no copy); a view that is not contiguous in its innermost dimension
// is copied into a new contiguous buffer (cast to the argument's type).
// Everything else at a function boundary has the identity layout.
// CHECK-LABEL: func.func private @kernel(
// CHECK-SAME: %arg0: memref<4x?x8xf32, strided<[?, ?, 1], offset: ?>>, %arg1: index) -> memref<4x?x8xf32>
// CHECK-LABEL: func.func @caller(
// CHECK-SAME: %arg0: memref<4x?x8xf32>, %arg1: index, %arg2: memref<4x?x16xf32>) -> (memref<4x?x8xf32>, memref<4x?x8xf32>)
// CHECK: %[[VIEW:.+]] = memref.subview %arg0[0, 0, 0] [4, %arg1, 8] [1, 1, 1]
// CHECK-NEXT: %[[CAST:.+]] = memref.cast %[[VIEW]] : memref<4x?x8xf32, strided<[?, 8, 1]>> to memref<4x?x8xf32, strided<[?, ?, 1], offset: ?>>
// CHECK-NEXT: %[[R:.+]] = call @kernel(%[[CAST]], %arg1)
// CHECK: %[[ODD:.+]] = memref.subview %arg2[0, 0, 0] [4, %arg1, 8] [1, 1, 2]
// CHECK: %[[NEW:.+]] = memref.alloc(%{{.+}}) {alignment = 64 : i64} : memref<4x?x8xf32>
// CHECK-NEXT: %[[NEWCAST:.+]] = memref.cast %[[NEW]] : memref<4x?x8xf32> to memref<4x?x8xf32, strided<[?, ?, 1], offset: ?>>
// CHECK-NEXT: memref.copy %[[ODD]], %[[NEWCAST]]
// CHECK-NEXT: %[[S:.+]] = call @kernel(%[[NEWCAST]], %arg1)
// CHECK-NEXT: return %[[R]], %[[S]] : memref<4x?x8xf32>, memref<4x?x8xf32>
func.func private @kernel(%a: tensor<4x?x8xf32> {bufferization.buffer_layout = strided<[?, ?, 1], offset: ?>}, %n: index) -> tensor<4x?x8xf32> {
  %e = tensor.empty(%n) : tensor<4x?x8xf32>
  %r = linalg.copy ins(%a : tensor<4x?x8xf32>) outs(%e : tensor<4x?x8xf32>) -> tensor<4x?x8xf32>
  return %r : tensor<4x?x8xf32>
}
func.func @caller(%cache: tensor<4x?x8xf32>, %n: index, %w: tensor<4x?x16xf32>) -> (tensor<4x?x8xf32>, tensor<4x?x8xf32>) {
  %view = tensor.extract_slice %cache[0, 0, 0] [4, %n, 8] [1, 1, 1] : tensor<4x?x8xf32> to tensor<4x?x8xf32>
  %r = call @kernel(%view, %n) : (tensor<4x?x8xf32>, index) -> tensor<4x?x8xf32>
  %odd = tensor.extract_slice %w[0, 0, 0] [4, %n, 8] [1, 1, 2] : tensor<4x?x16xf32> to tensor<4x?x8xf32>
  %s = call @kernel(%odd, %n) : (tensor<4x?x8xf32>, index) -> tensor<4x?x8xf32>
  return %r, %s : tensor<4x?x8xf32>, tensor<4x?x8xf32>
}

// Two branches that each yield a fresh buffer give the scf.if their
// identity layout: upstream's fully dynamic guess (the first branch's yield
// asks before the second branch is bufferized) made its result a view that
// the function then copied into a contiguous buffer to return it.
// CHECK-LABEL: func.func @branches(
// CHECK: %[[IF:.+]] = scf.if %arg0 -> (memref<?xf32>) {
// CHECK-NOT: memref.copy
// CHECK: return %[[IF]] : memref<?xf32>
func.func @branches(%c: i1, %n: index) -> tensor<?xf32> {
  %z = arith.constant 0.0 : f32
  %o = arith.constant 1.0 : f32
  %r = scf.if %c -> tensor<?xf32> {
    %e = tensor.empty(%n) : tensor<?xf32>
    %f = linalg.fill ins(%z : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
    scf.yield %f : tensor<?xf32>
  } else {
    %e = tensor.empty(%n) : tensor<?xf32>
    %f = linalg.fill ins(%o : f32) outs(%e : tensor<?xf32>) -> tensor<?xf32>
    scf.yield %f : tensor<?xf32>
  }
  return %r : tensor<?xf32>
}
