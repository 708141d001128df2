// RUN: seq-opt %s --split-input-file --verify-diagnostics --seqc-hoist-kernel-checks | FileCheck %s

// An embedding's index check inside the loop body (what
// convert-linalg-to-parallel-loops makes of its linalg.generic) records into
// a zeroed flag buffer; the host checks it after the loop with the same
// message, kind and value.
// CHECK-LABEL: func.func @gather
// CHECK:         %[[FLAGS:.*]] = memref.alloc() : memref<2xi64>
// CHECK:         memref.store %[[ZERO:.*]], %[[FLAGS]][%{{.*}}]
// CHECK:         memref.store %[[ZERO]], %[[FLAGS]][%{{.*}}]
// CHECK:         scf.parallel
// CHECK:           %[[BAD:.*]] = arith.xori %[[OK:.*]], %true
// CHECK:           scf.if %[[BAD]] {
// CHECK:             memref.store %{{.*}}, %[[FLAGS]][%[[C0:.*]]]
// CHECK:             memref.store %[[INDEX:.*]], %[[FLAGS]][%[[C1:.*]]]
// CHECK:           }
// CHECK-NOT:       seq.check
// CHECK:         }
// CHECK:         %[[FAILED:.*]] = memref.load %[[FLAGS]][%{{.*}}]
// CHECK:         %[[CLEAN:.*]] = arith.cmpi eq, %[[FAILED]], %{{.*}} : i64
// CHECK:         %[[VALUE:.*]] = memref.load %[[FLAGS]][%{{.*}}]
// CHECK:         seq.check %[[CLEAN]], value "embedding at m.seq:3:5: index {} is out of range [0, 10)" found %[[VALUE]]
// CHECK:         memref.dealloc %[[FLAGS]]
func.func @gather(%ids: memref<?xi64>, %table: memref<10x4xf32>, %out: memref<?x4xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c9 = arith.constant 9 : i64
  %c0i = arith.constant 0 : i64
  %n = memref.dim %ids, %c0 : memref<?xi64>
  scf.parallel (%i, %j) = (%c0, %c0) to (%n, %c4) step (%c1, %c1) {
    %id = memref.load %ids[%i] : memref<?xi64>
    %ge = arith.cmpi sge, %id, %c0i : i64
    %le = arith.cmpi sle, %id, %c9 : i64
    %ok = arith.andi %ge, %le : i1
    seq.check %ok, value "embedding at m.seq:3:5: index {} is out of range [0, 10)" found %id
    %clamped = arith.maxsi %id, %c0i : i64
    %row64 = arith.minsi %clamped, %c9 : i64
    %row = arith.index_cast %row64 : i64 to index
    %v = memref.load %table[%row, %j] : memref<10x4xf32>
    memref.store %v, %out[%i, %j] : memref<?x4xf32>
    scf.reduce
  }
  return
}

// -----

// Inside a time loop the buffer is allocated once, before the time loop,
// and zeroed before each run of the parallel loop.
// CHECK-LABEL: func.func @steps
// CHECK:         %[[FLAGS:.*]] = memref.alloc() : memref<2xi64>
// CHECK-NEXT:    scf.for
// CHECK-NOT:       memref.alloc
// CHECK:           memref.store %{{.*}}, %[[FLAGS]]
// CHECK:           scf.parallel
// CHECK:           seq.check {{.*}} found
// CHECK-NEXT:    {{^ *}}}
// CHECK-NEXT:    memref.dealloc %[[FLAGS]]
func.func @steps(%ids: memref<?xi64>, %t: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c9 = arith.constant 9 : i64
  %n = memref.dim %ids, %c0 : memref<?xi64>
  scf.for %s = %c0 to %t step %c1 {
    scf.parallel (%i) = (%c0) to (%n) step (%c1) {
      %id = memref.load %ids[%i] : memref<?xi64>
      %ok = arith.cmpi sle, %id, %c9 : i64
      seq.check %ok, value "index {} is out of range" found %id
      scf.reduce
    }
  }
  return
}

// -----

// A check outside any parallel loop stays where it is.
// CHECK-LABEL: func.func @host
// CHECK-NOT:     memref.alloc
// CHECK:         seq.check %{{.*}}, shape "sizes differ"
func.func @host(%ok: i1) {
  seq.check %ok, shape "sizes differ"
  return
}

// -----

func.func @shape_inside(%a: memref<?xf32>, %ok: i1) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = memref.dim %a, %c0 : memref<?xf32>
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    // expected-error @+1 {{a 'shape' check inside a parallel loop (only value checks, whose op keeps its own accesses safe, can be reported after the loop)}}
    seq.check %ok, shape "sizes differ"
    scf.reduce
  }
  return
}
