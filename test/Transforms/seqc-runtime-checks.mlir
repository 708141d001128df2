// RUN: seq-opt %s --seqc-insert-shape-checks | FileCheck %s --check-prefix=INSERT
// RUN: seq-opt %s --seqc-insert-shape-checks --canonicalize --seqc-hoist-checks | FileCheck %s --check-prefix=HOIST
// RUN: seq-opt %s --seqc-add-model-context | FileCheck %s --check-prefix=CONTEXT
// RUN: seq-opt %s --seqc-cpu-pipeline | FileCheck %s --check-prefix=LOWER

// An elementwise add whose first operand is dynamic and second static: the
// loops take their extent from %a, so %b's 3 rows must match it.
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @add(%a: tensor<?x4xf32> {seq.name = "a"}, %b: tensor<3x4xf32> {seq.name = "b"}) -> tensor<3x4xf32> {
  %e = tensor.empty() : tensor<3x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<?x4xf32>, tensor<3x4xf32>) outs(%e : tensor<3x4xf32>) {
  ^bb0(%x: f32, %z: f32, %o: f32):
    %s = arith.addf %x, %z : f32
    linalg.yield %s : f32
  } -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// INSERT-LABEL: func.func @add
// INSERT: %[[D:.+]] = tensor.dim %{{.+}}, %c0
// INSERT: %[[OK:.+]] = arith.cmpi eq, %c3{{.*}}, %[[D]]
// INSERT: seq.check %[[OK]], shape "linalg.generic at {{.*}}seqc-runtime-checks.mlir:11:8: dimension 0 of operand 0 is {}, but must equal dimension 0 of operand 1 (3)" found
// INSERT: linalg.generic

// After hoisting, the check reads the argument directly and names it.
// HOIST-LABEL: func.func @add
// HOIST: seq.check %{{.+}}, shape "input 'a' dimension 0 is {}, but the model requires 3 (linalg.generic at {{.*}})"
// HOIST: linalg.generic

// The caller's tensors become read-only for bufferization.
// CONTEXT: func.func @add(%{{.+}}: tensor<?x4xf32> {bufferization.writable = false, seq.name = "a"}, %{{.+}}: tensor<3x4xf32> {bufferization.writable = false, seq.name = "b"}, %{{.+}}: !llvm.ptr {seqc.model_context})

// The failed check records status 2 (SEQC_ERR_SHAPE) and returns zeros
// before the first allocation; each allocation is checked for null (6,
// SEQC_ERR_OUT_OF_MEMORY).
// LOWER-DAG: llvm.mlir.global internal constant @[[MSG:seqc_check_message_[0-9]+]]("input 'a' dimension 0 is {}, but the model requires 3
// LOWER-DAG: llvm.mlir.global internal constant @{{.+}}("out of memory: allocating {} bytes failed\00")
// LOWER-LABEL: llvm.func @add(
// LOWER-NOT: seq.check
// LOWER: llvm.mlir.constant(2 : i32)
// LOWER: llvm.cond_br
// LOWER: llvm.return
// LOWER: llvm.call @malloc
// LOWER: llvm.icmp "ne"

// A slice whose window the loop bounds already prove costs nothing.
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
// INSERT-LABEL: func.func @rows
// INSERT-NOT: seq.check
// INSERT: return
