// RUN: seq-opt %s --seqc-order-constant-globals | FileCheck %s

// Globals named and placed as bufferization happened to create them are
// renamed after their first use in module order and moved to the top; the
// get_global ops follow. Other globals and symbols keep their names.
// CHECK: memref.global "private" constant @__constant_4xf32 : memref<4xf32> = dense<1.000000e+00>
// CHECK-NEXT: memref.global "private" constant @__constant_4xf32_0 : memref<4xf32> = dense<2.000000e+00>
// CHECK-NEXT: memref.global "private" constant @__constant_2x3xi64 : memref<2x3xi64> = dense<7>
// CHECK-NEXT: memref.global "private" constant @__constant_4xf32_1 : memref<4xf32> = dense<3.000000e+00>
// CHECK-NEXT: memref.global "private" constant @__constant_xf32 : memref<f32> = dense<5.000000e+00>
// CHECK-NEXT: memref.global "private" @state : memref<4xf32>
// CHECK-LABEL: func.func @f
// CHECK-NEXT: memref.get_global @__constant_4xf32 :
// CHECK-NEXT: memref.get_global @__constant_4xf32_0 :
// CHECK-NEXT: memref.get_global @__constant_2x3xi64 :
// CHECK-LABEL: func.func @g
// CHECK-NEXT: memref.get_global @__constant_4xf32_0 :
// CHECK-NEXT: memref.get_global @__constant_4xf32_1 :
// CHECK-NEXT: memref.get_global @state :
// CHECK-NEXT: memref.get_global @__constant_xf32 :
// A nested module's names are its own.
// CHECK: module @inner
// CHECK-NEXT: memref.global "private" constant @__constant_4xf32_1 : memref<4xf32> = dense<9.000000e+00>
// CHECK: memref.get_global @__constant_4xf32_1 :
memref.global "private" constant @__constant_4xf32_0 : memref<4xf32> = dense<3.0>
memref.global "private" @state : memref<4xf32>
memref.global "private" constant @__constant_2x3xi64 : memref<2x3xi64> = dense<7>
memref.global "private" constant @__constant_4xf32 : memref<4xf32> = dense<2.0>
memref.global "private" constant @__constant_4xf32_1 : memref<4xf32> = dense<1.0>
memref.global "private" constant @__constant_xf32_3 : memref<f32> = dense<5.0>
func.func @f() -> (memref<4xf32>, memref<4xf32>, memref<2x3xi64>) {
  %a = memref.get_global @__constant_4xf32_1 : memref<4xf32>
  %b = memref.get_global @__constant_4xf32 : memref<4xf32>
  %c = memref.get_global @__constant_2x3xi64 : memref<2x3xi64>
  return %a, %b, %c : memref<4xf32>, memref<4xf32>, memref<2x3xi64>
}
func.func @g() -> (memref<4xf32>, memref<4xf32>, memref<4xf32>, memref<f32>) {
  %b = memref.get_global @__constant_4xf32 : memref<4xf32>
  %d = memref.get_global @__constant_4xf32_0 : memref<4xf32>
  %s = memref.get_global @state : memref<4xf32>
  %e = memref.get_global @__constant_xf32_3 : memref<f32>
  return %b, %d, %s, %e : memref<4xf32>, memref<4xf32>, memref<4xf32>, memref<f32>
}
module @inner {
  memref.global "private" constant @__constant_4xf32_1 : memref<4xf32> = dense<9.0>
  func.func @h() -> memref<4xf32> {
    %a = memref.get_global @__constant_4xf32_1 : memref<4xf32>
    return %a : memref<4xf32>
  }
}
