// RUN: seq-opt %s --seqc-insert-shape-checks | FileCheck %s

// An elementwise add whose first operand is dynamic and second static: the
// loops take their extent from %a, so %b's 3 rows must match it.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-LABEL: func.func @add
func.func @add(%a: tensor<?x4xf32>, %b: tensor<3x4xf32>) -> tensor<3x4xf32> {
  // CHECK: %[[D:.+]] = tensor.dim %{{.+}}, %c0
  // CHECK: %[[OK:.+]] = arith.cmpi eq, %c3{{.*}}, %[[D]]
  // CHECK: seq.check %[[OK]], shape "linalg.generic at {{.*}}seqc-insert-shape-checks.mlir:[[@LINE+3]]:8: dimension 0 of operand 0 is {}, but must equal dimension 0 of operand 1 (3)" found
  // CHECK: linalg.generic
  %e = tensor.empty() : tensor<3x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<?x4xf32>, tensor<3x4xf32>) outs(%e : tensor<3x4xf32>) {
  ^bb0(%x: f32, %z: f32, %o: f32):
    %s = arith.addf %x, %z : f32
    linalg.yield %s : f32
  } -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// A slice whose window the loop bounds already prove costs nothing.
// CHECK-LABEL: func.func @rows
// CHECK-NOT: seq.check
// CHECK: return
func.func @rows(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %x, %c0 : tensor<?x4xf32>
  %c1 = arith.constant 1 : index
  %init = tensor.empty(%n) : tensor<?x4xf32>
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%acc = %init) -> tensor<?x4xf32> {
    %row = tensor.extract_slice %x[%i, 0] [1, 4] [1, 1] : tensor<?x4xf32> to tensor<1x4xf32>
    %u = tensor.insert_slice %row into %acc[%i, 0] [1, 4] [1, 1] : tensor<1x4xf32> into tensor<?x4xf32>
    scf.yield %u : tensor<?x4xf32>
  }
  return %r : tensor<?x4xf32>
}

// A cast to a static size is a promise the run must keep.
// CHECK-LABEL: func.func @cast
// CHECK: seq.check %{{.+}}, shape "tensor.cast at {{.*}}: dimension 1 is {}, but must be 3"
func.func @cast(%h: tensor<1x?x4xf32>) -> tensor<1x3x4xf32> {
  %c = tensor.cast %h : tensor<1x?x4xf32> to tensor<1x3x4xf32>
  return %c : tensor<1x3x4xf32>
}

// A reshape to a run-time shape: the element counts must agree, computed
// without wrapping (a non-negative exact product).
// CHECK-LABEL: func.func @reshape
// CHECK: arith.mului_extended
// CHECK: seq.check %{{.+}}, shape "tensor.reshape at {{.*}}: the input has {} elements, but the new shape holds a different number (or a negative size)"
func.func @reshape(%x: tensor<?x4xf32>, %s: tensor<2xindex>) -> tensor<?x?xf32> {
  %r = tensor.reshape %x(%s) : (tensor<?x4xf32>, tensor<2xindex>) -> tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}

// Extents passed along a chain (a generic's result has its init's sizes,
// tensor.empty's are its operands, tensor.dim reads one) are equal without
// a check, however long the chain; an extent that starts elsewhere (%b's)
// is checked against them.
#row = affine_map<(d0) -> (d0)>
// CHECK-LABEL: func.func @chain
// CHECK-COUNT-1: seq.check
// CHECK-SAME: dimension 0 of operand 1 is {}, but must equal dimension 0 of operand 0
// CHECK-NOT: seq.check
// CHECK: return
func.func @chain(%a: tensor<?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %e0 = tensor.empty(%n) : tensor<?xf32>
  %r0 = linalg.generic {indexing_maps = [#row, #row], iterator_types = ["parallel"]}
      ins(%a : tensor<?xf32>) outs(%e0 : tensor<?xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.maximumf %x, %x : f32
    linalg.yield %m : f32
  } -> tensor<?xf32>
  %n1 = tensor.dim %r0, %c0 : tensor<?xf32>
  %e1 = tensor.empty(%n1) : tensor<?xf32>
  %r1 = linalg.generic {indexing_maps = [#row, #row], iterator_types = ["parallel"]}
      ins(%r0 : tensor<?xf32>) outs(%e1 : tensor<?xf32>) {
  ^bb0(%x: f32, %o: f32):
    %m = arith.maximumf %x, %x : f32
    linalg.yield %m : f32
  } -> tensor<?xf32>
  %e2 = tensor.empty(%n1) : tensor<?xf32>
  %r2 = linalg.generic {indexing_maps = [#row, #row, #row], iterator_types = ["parallel"]}
      ins(%r1, %b : tensor<?xf32>, tensor<?xf32>) outs(%e2 : tensor<?xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %s = arith.addf %x, %y : f32
    linalg.yield %s : f32
  } -> tensor<?xf32>
  return %r2 : tensor<?xf32>
}

// A tensor.dim whose constant index is out of range is valid IR (undefined
// only when run): the extent it gives is compared, not followed.
// CHECK-LABEL: func.func @dim_out_of_range
// CHECK: seq.check
func.func @dim_out_of_range(%a: tensor<?x?xf32>, %b: tensor<?xf32>) -> tensor<?xf32> {
  %c5 = arith.constant 5 : index
  %n = tensor.dim %a, %c5 : tensor<?x?xf32>
  %e = tensor.empty(%n) : tensor<?xf32>
  %r = linalg.generic {indexing_maps = [#row, #row], iterator_types = ["parallel"]}
      ins(%b : tensor<?xf32>) outs(%e : tensor<?xf32>) {
  ^bb0(%x: f32, %o: f32):
    linalg.yield %x : f32
  } -> tensor<?xf32>
  return %r : tensor<?xf32>
}

// Element accesses a .mlir model wrote (marked seqc.check_bounds by the
// importer): an index read from data is checked and the access guarded;
// one the loop bounds keep in range (linalg.index over the tensor's own
// extent) is not; unmarked accesses (the lowerings' own) are left alone.
// CHECK-LABEL: func.func @element_indices
// CHECK: %[[I:.*]] = arith.index_cast
// CHECK: %[[OK:.*]] = arith.andi
// CHECK: seq.check %[[OK]], value "tensor.extract{{.*}}: index {} is out of range for dimension 0 of size 8" found
// CHECK: %[[Z:.*]] = arith.constant 0.0
// CHECK-NEXT: %[[V:.*]] = scf.if %[[OK]] -> (f32) {
// CHECK-NEXT: %[[E:.*]] = tensor.extract %{{.*}}[%[[I]]] : tensor<8xf32>
// CHECK-NEXT: scf.yield %[[E]]
// CHECK-NEXT: } else {
// CHECK-NEXT: scf.yield %[[Z]]
// CHECK: linalg.generic
// CHECK-NOT: seq.check
// CHECK: tensor.extract
// CHECK-NOT: seq.check
// CHECK: linalg.yield
// CHECK: tensor.extract %{{.*}}[%[[I]]] : tensor<8xf32>
// CHECK-NEXT: return
// CHECK-NOT: seqc.check_bounds
func.func @element_indices(%x: tensor<8xf32>, %i: i64) -> (f32, tensor<8xf32>, f32) {
  %idx = arith.index_cast %i : i64 to index
  %v = tensor.extract %x[%idx] {seqc.check_bounds} : tensor<8xf32>
  %e = tensor.empty() : tensor<8xf32>
  %r = linalg.generic {indexing_maps = [#row], iterator_types = ["parallel"]}
      outs(%e : tensor<8xf32>) {
  ^bb0(%o: f32):
    %j = linalg.index 0 : index
    %g = tensor.extract %x[%j] {seqc.check_bounds} : tensor<8xf32>
    linalg.yield %g : f32
  } -> tensor<8xf32>
  %w = tensor.extract %x[%idx] : tensor<8xf32>
  return %v, %r, %w : f32, tensor<8xf32>, f32
}
