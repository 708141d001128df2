// RUN: seq-opt %s --seqc-merge-equivalent-functions --split-input-file | FileCheck %s

// @b is @a; @wb is @wa once @b is @a (a second round). @c differs in a
// constant, @d in which argument it stores at, @e in an attribute, @pub is
// public: they stay.
// CHECK-LABEL: func.func private @a(
// CHECK-NOT: func.func private @b(
// CHECK: func.func private @c(
// CHECK: func.func private @d(
// CHECK: func.func private @e(
// CHECK: func.func @pub(
// CHECK: func.func private @wa(
// CHECK-NOT: func.func private @wb(
// CHECK: func.func @main(
// CHECK-NEXT: call @wa(
// CHECK-NEXT: call @wa(
// CHECK-NEXT: call @c(
// CHECK-NEXT: call @d(
// CHECK-NEXT: call @e(
// CHECK-NEXT: call @pub(
// CHECK-NEXT: %[[F:.+]] = constant @a :
// CHECK-NEXT: call_indirect %[[F]](
func.func private @a(%m: memref<?xf32>, %i: index, %j: index) {
  %c = arith.constant 1.0 : f32
  memref.store %c, %m[%i] : memref<?xf32>
  return
}
func.func private @b(%m: memref<?xf32>, %i: index, %j: index) {
  %c = arith.constant 1.0 : f32
  memref.store %c, %m[%i] : memref<?xf32>
  return
}
func.func private @c(%m: memref<?xf32>, %i: index, %j: index) {
  %c = arith.constant 2.0 : f32
  memref.store %c, %m[%i] : memref<?xf32>
  return
}
func.func private @d(%m: memref<?xf32>, %i: index, %j: index) {
  %c = arith.constant 1.0 : f32
  memref.store %c, %m[%j] : memref<?xf32>
  return
}
func.func private @e(%m: memref<?xf32>, %i: index, %j: index) attributes {llvm.linkage = #llvm.linkage<internal>} {
  %c = arith.constant 1.0 : f32
  memref.store %c, %m[%i] : memref<?xf32>
  return
}
func.func @pub(%m: memref<?xf32>, %i: index, %j: index) {
  %c = arith.constant 1.0 : f32
  memref.store %c, %m[%i] : memref<?xf32>
  return
}
func.func private @wa(%m: memref<?xf32>, %i: index, %j: index) {
  call @a(%m, %i, %j) : (memref<?xf32>, index, index) -> ()
  return
}
func.func private @wb(%m: memref<?xf32>, %i: index, %j: index) {
  call @b(%m, %i, %j) : (memref<?xf32>, index, index) -> ()
  return
}
func.func @main(%m: memref<?xf32>, %i: index, %j: index) {
  call @wa(%m, %i, %j) : (memref<?xf32>, index, index) -> ()
  call @wb(%m, %i, %j) : (memref<?xf32>, index, index) -> ()
  call @c(%m, %i, %j) : (memref<?xf32>, index, index) -> ()
  call @d(%m, %i, %j) : (memref<?xf32>, index, index) -> ()
  call @e(%m, %i, %j) : (memref<?xf32>, index, index) -> ()
  call @pub(%m, %i, %j) : (memref<?xf32>, index, index) -> ()
  %f = func.constant @b : (memref<?xf32>, index, index) -> ()
  func.call_indirect %f(%m, %i, %j) : (memref<?xf32>, index, index) -> ()
  return
}

// -----

// Same ops, different types: not merged.
// CHECK-LABEL: func.func private @f32(
// CHECK: func.func private @f64(
func.func private @f32(%m: memref<?xf32>, %i: index) {
  %c = arith.constant 1.0 : f32
  memref.store %c, %m[%i] : memref<?xf32>
  return
}
func.func private @f64(%m: memref<?xf64>, %i: index) {
  %c = arith.constant 1.0 : f64
  memref.store %c, %m[%i] : memref<?xf64>
  return
}

// -----

// Same body, different argument attributes (llvm.noalias): not merged.
// CHECK-LABEL: func.func private @plain(
// CHECK: func.func private @noalias(
func.func private @plain(%m: memref<?xf32>, %i: index) {
  %c = arith.constant 1.0 : f32
  memref.store %c, %m[%i] : memref<?xf32>
  return
}
func.func private @noalias(%m: memref<?xf32> {llvm.noalias}, %i: index) {
  %c = arith.constant 1.0 : f32
  memref.store %c, %m[%i] : memref<?xf32>
  return
}

