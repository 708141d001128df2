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

// sin and cos: in f64, k = rint(x * 2/pi) and a reduction by three parts
// of pi/2 in fused multiply-adds that stay fused (marked exact); past 2^50
// Payne and Hanek's (four parts of 2/pi, exact products); the polynomials
// in f32; the quadrant k mod 4 in floats.
// CHECK-LABEL: func.func @angles
func.func @angles(%x: f32) -> (f32, f32) {
  // CHECK-NOT: math.sin
  // CHECK-NOT: math.cos
  // CHECK: arith.extf %{{.+}} : f32 to f64
  // CHECK: math.roundeven %{{.+}} : f64
  // CHECK: math.fma %{{.+}}, %{{.+}}, %{{.+}} {seqc.exact_fma} : f64
  // CHECK-NEXT: math.fma %{{.+}}, %{{.+}}, %{{.+}} {seqc.exact_fma} : f64
  // CHECK-NEXT: math.fma %{{.+}}, %{{.+}}, %{{.+}} {seqc.exact_fma} : f64
  // CHECK: arith.truncf %{{.+}} : f64 to f32
  // CHECK: math.floor %{{.+}} : f64
  // CHECK: return
  %s = math.sin %x : f32
  %c = math.cos %x : f32
  return %s, %c : f32, f32
}

// A vector of angles takes the long reduction only when a lane is past
// 2^50 (a branch on the lanes' or), so ordinary angles cost what the
// three-part reduction does.
// CHECK-LABEL: func.func @vector_angles
func.func @vector_angles(%x: vector<16xf32>) -> vector<16xf32> {
  // CHECK: %[[NEEDED:.+]] = vector.reduction <or>, %{{.+}} : vector<16xi1> into i1
  // CHECK: scf.if %[[NEEDED]] -> (vector<16xf64>, vector<16xf64>)
  // CHECK-COUNT-4: math.fma %{{.+}}, %{{.+}}, %{{.+}} {seqc.exact_fma} : vector<16xf64>
  // CHECK: } else {
  // CHECK-NEXT: scf.yield
  %s = math.sin %x : vector<16xf32>
  return %s : vector<16xf32>
}
