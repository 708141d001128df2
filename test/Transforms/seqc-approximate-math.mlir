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
