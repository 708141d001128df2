// RUN: seq-opt %s --seqc-accumulate-in-registers --split-input-file | FileCheck %s

// A matmul's reduction as convert-linalg-to-parallel-loops writes it: the
// output element is loaded before the loop, carried, and stored after it.
// CHECK-LABEL: func.func @matmul
// CHECK:         scf.parallel (%[[I:.*]], %[[J:.*]]) =
// CHECK-NEXT:      %[[INIT:.*]] = memref.load %[[C:.*]][%[[I]], %[[J]]]
// CHECK-NEXT:      %[[SUM:.*]] = scf.for %{{.*}} = %{{.*}} to %{{.*}} step %{{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32)
// CHECK-NEXT:        %[[A:.*]] = memref.load %{{.*}}[%[[I]], %{{.*}}]
// CHECK-NEXT:        %[[B:.*]] = memref.load %{{.*}}[%{{.*}}, %[[J]]]
// CHECK-NEXT:        %[[P:.*]] = arith.mulf %[[A]], %[[B]]
// CHECK-NEXT:        %[[S:.*]] = arith.addf %[[ACC]], %[[P]]
// CHECK-NEXT:        scf.yield %[[S]] : f32
// CHECK:           memref.store %[[SUM]], %[[C]][%[[I]], %[[J]]]
// CHECK-NOT:       memref.store
func.func @matmul(%a: memref<?x?xf32>, %b: memref<?x?xf32>, %c: memref<?x?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %m = memref.dim %c, %c0 : memref<?x?xf32>
  %n = memref.dim %c, %c1 : memref<?x?xf32>
  %k = memref.dim %a, %c1 : memref<?x?xf32>
  scf.parallel (%i, %j) = (%c0, %c0) to (%m, %n) step (%c1, %c1) {
    scf.for %r = %c0 to %k step %c1 {
      %x = memref.load %a[%i, %r] : memref<?x?xf32>
      %y = memref.load %b[%r, %j] : memref<?x?xf32>
      %acc = memref.load %c[%i, %j] : memref<?x?xf32>
      %p = arith.mulf %x, %y : f32
      %s = arith.addf %acc, %p : f32
      memref.store %s, %c[%i, %j] : memref<?x?xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Two reduction dimensions (a convolution's channels and taps): the inner
// loop is rewritten first, then the outer one carries the element too.
// CHECK-LABEL: func.func @two_reductions
// CHECK:         scf.parallel (%[[O:.*]]) =
// CHECK-NEXT:      %[[INIT:.*]] = memref.load %[[OUT:.*]][%[[O]]]
// CHECK-NEXT:      %[[OUTER:.*]] = scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32)
// CHECK-NEXT:        %[[INNER:.*]] = scf.for {{.*}} iter_args(%[[ACC2:.*]] = %[[ACC]]) -> (f32)
// CHECK:               scf.yield
// CHECK:             scf.yield %[[INNER]] : f32
// CHECK:           memref.store %[[OUTER]], %[[OUT]][%[[O]]]
func.func @two_reductions(%in: memref<?x4x3xf32>, %out: memref<?xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %c4 = arith.constant 4 : index
  %n = memref.dim %out, %c0 : memref<?xf32>
  scf.parallel (%o) = (%c0) to (%n) step (%c1) {
    scf.for %ch = %c0 to %c4 step %c1 {
      scf.for %tap = %c0 to %c3 step %c1 {
        %x = memref.load %in[%o, %ch, %tap] : memref<?x4x3xf32>
        %acc = memref.load %out[%o] : memref<?xf32>
        %s = arith.addf %acc, %x : f32
        memref.store %s, %out[%o] : memref<?xf32>
      }
    }
    scf.reduce
  }
  return
}

// -----

// Kept: the body also reads the accumulated memref at another element
// (which the loop's own stores may change).
// CHECK-LABEL: func.func @reads_other_element
// CHECK:         scf.for
// CHECK-NOT:       iter_args
// CHECK:           memref.load %{{.*}}[%{{.*}}]
// CHECK:           memref.store
func.func @reads_other_element(%out: memref<?xf32>, %j: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %n = memref.dim %out, %c0 : memref<?xf32>
  scf.parallel (%o) = (%c0) to (%n) step (%c1) {
    scf.for %r = %c0 to %c8 step %c1 {
      %other = memref.load %out[%j] : memref<?xf32>
      %acc = memref.load %out[%o] : memref<?xf32>
      %s = arith.addf %acc, %other : f32
      memref.store %s, %out[%o] : memref<?xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Kept: the element stored moves with the loop (a scan, not a reduction).
// CHECK-LABEL: func.func @moving_element
// CHECK:         scf.for
// CHECK-NOT:       iter_args
// CHECK:           memref.store
func.func @moving_element(%in: memref<?x8xf32>, %out: memref<?x8xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %n = memref.dim %out, %c0 : memref<?x8xf32>
  scf.parallel (%o) = (%c0) to (%n) step (%c1) {
    scf.for %r = %c0 to %c8 step %c1 {
      %x = memref.load %in[%o, %r] : memref<?x8xf32>
      %acc = memref.load %out[%o, %r] : memref<?x8xf32>
      %s = arith.addf %acc, %x : f32
      memref.store %s, %out[%o, %r] : memref<?x8xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Kept: the body writes something else too (a check's flag, say).
// CHECK-LABEL: func.func @other_write
// CHECK:         scf.for
// CHECK-NOT:       iter_args
// CHECK:           scf.if
// CHECK:             memref.store
func.func @other_write(%in: memref<?x8xf32>, %out: memref<?xf32>, %flag: memref<2xi64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  %one = arith.constant 1 : i64
  %zero = arith.constant 0.0 : f32
  %n = memref.dim %out, %c0 : memref<?xf32>
  scf.parallel (%o) = (%c0) to (%n) step (%c1) {
    scf.for %r = %c0 to %c8 step %c1 {
      %x = memref.load %in[%o, %r] : memref<?x8xf32>
      %neg = arith.cmpf olt, %x, %zero : f32
      scf.if %neg {
        memref.store %one, %flag[%c0] : memref<2xi64>
      }
      %acc = memref.load %out[%o] : memref<?xf32>
      %s = arith.addf %acc, %x : f32
      memref.store %s, %out[%o] : memref<?xf32>
    }
    scf.reduce
  }
  return
}

// -----

// Kept: a host loop (no parallel loop around it) is not a kernel's.
// CHECK-LABEL: func.func @host_loop
// CHECK:         scf.for
// CHECK-NOT:       iter_args
func.func @host_loop(%in: memref<8xf32>, %out: memref<1xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c8 = arith.constant 8 : index
  scf.for %r = %c0 to %c8 step %c1 {
    %x = memref.load %in[%r] : memref<8xf32>
    %acc = memref.load %out[%c0] : memref<1xf32>
    %s = arith.addf %acc, %x : f32
    memref.store %s, %out[%c0] : memref<1xf32>
  }
  return
}
