// RUN: seq-opt %s --pass-pipeline='builtin.module(gpu.module(seqc-define-device-math))' | FileCheck %s

// The libdevice functions convert-gpu-to-nvvm calls get the body of the
// LLVM intrinsic they stand for, f32 and f64 alike; others stay declared.
// CHECK-LABEL: gpu.module @kernels
// CHECK:       llvm.func internal @__nv_fabsf(%[[X:.*]]: f32) -> f32
// CHECK-NEXT:    %[[R:.*]] = llvm.intr.fabs(%[[X]]) : (f32) -> f32
// CHECK-NEXT:    llvm.return %[[R]] : f32
// CHECK:       llvm.func internal @__nv_floor(%[[Y:.*]]: f64) -> f64
// CHECK-NEXT:    llvm.intr.floor(%[[Y]]) : (f64) -> f64
// CHECK:       llvm.func internal @__nv_copysignf(%[[A:.*]]: f32, %[[B:.*]]: f32) -> f32
// CHECK-NEXT:    llvm.intr.copysign(%[[A]], %[[B]]) : (f32, f32) -> f32
// CHECK:       llvm.func internal @__nv_rsqrtf(%[[Z:.*]]: f32) -> f32
// CHECK-NEXT:    %[[ONE:.*]] = llvm.mlir.constant(1.000000e+00 : f32) : f32
// CHECK-NEXT:    %[[S:.*]] = llvm.intr.sqrt(%[[Z]]) : (f32) -> f32
// CHECK-NEXT:    llvm.fdiv %[[ONE]], %[[S]] : f32
// CHECK:       llvm.func internal @__nv_fmaf(
// CHECK-NEXT:    llvm.intr.fma(
// CHECK:       llvm.func @__nv_powf(f32, f32) -> f32
// CHECK:       llvm.func @helper(f32) -> f32
gpu.module @kernels {
  llvm.func @__nv_fabsf(f32) -> f32
  llvm.func @__nv_floor(f64) -> f64
  llvm.func @__nv_copysignf(f32, f32) -> f32
  llvm.func @__nv_rsqrtf(f32) -> f32
  llvm.func @__nv_fmaf(f32, f32, f32) -> f32
  llvm.func @__nv_powf(f32, f32) -> f32
  llvm.func @helper(f32) -> f32
}
