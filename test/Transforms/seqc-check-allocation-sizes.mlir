// RUN: seq-opt %s --seqc-check-allocation-sizes --split-input-file --verify-diagnostics | FileCheck %s

// A buffer sized by run-time extents: each size non-negative, the byte
// count (4 * 8 * n * m) exact in 63 bits.
// CHECK-LABEL: func.func @dynamic
// CHECK-COUNT-2: arith.mului_extended
// CHECK: seq.check %{{.+}}, shape "the input sizes ask for a buffer of more than 2^63 bytes (or a negative size): a dimension of {} and the others multiply past it"
// CHECK: memref.alloc
func.func @dynamic(%n: index, %m: index) {
  %a = memref.alloc(%n, %m) : memref<?x8x?xf32>
  memref.dealloc %a : memref<?x8x?xf32>
  return
}

// -----

// A static size that overflows is a compile-time error.
func.func @static() {
  // expected-error @+1 {{a buffer of type 'memref<4611686018427387905x4xf32>' needs more than 2^63 bytes}}
  %a = memref.alloc() : memref<4611686018427387905x4xf32>
  return
}
