// RUN: seq-opt %s --seqc-approximate-math | FileCheck %s

// Transcendental f32 ops become inline arithmetic (no libm call left).
// CHECK-LABEL: func.func @gates
func.func @gates(%x: f32) -> (f32, f32, f32) {
  // CHECK-NOT: math.tanh
  // CHECK-NOT: math.exp
  // CHECK-NOT: math.erf
  // CHECK-NOT: math.fma
  // CHECK: arith.mulf
  // CHECK: return
  %t = math.tanh %x : f32
  %e = math.exp %x : f32
  %g = math.erf %x : f32
  return %t, %e, %g : f32, f32, f32
}

// sin and cos: k = rint(x * 2/pi), a reduction by three parts of pi/2 in
// fused multiply-adds that stay fused (marked exact), the quadrant k mod 4
// in floats.
// CHECK-LABEL: func.func @angles
func.func @angles(%x: f32) -> (f32, f32) {
  // CHECK-NOT: math.sin
  // CHECK-NOT: math.cos
  // CHECK: math.roundeven
  // CHECK: math.fma %{{.+}}, %{{.+}}, %{{.+}} {seqc.exact_fma} : f32
  // CHECK-NEXT: math.fma %{{.+}}, %{{.+}}, %{{.+}} {seqc.exact_fma} : f32
  // CHECK-NEXT: math.fma %{{.+}}, %{{.+}}, %{{.+}} {seqc.exact_fma} : f32
  // CHECK: math.floor
  // CHECK: return
  %s = math.sin %x : f32
  %c = math.cos %x : f32
  return %s, %c : f32, f32
}
