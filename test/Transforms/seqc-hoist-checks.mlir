// RUN: seq-opt %s --seqc-hoist-checks --split-input-file --verify-diagnostics | FileCheck %s

// A check on argument sizes moves to the entry, above the work, and names
// the tensors; a second check of the same condition goes.
// CHECK-LABEL: func.func @names
// CHECK-NEXT: %[[C0:.+]] = arith.constant 0 : index
// CHECK-NEXT: %[[D:.+]] = tensor.dim %arg0, %[[C0]]
// CHECK: seq.check %{{.+}}, shape "input 'a' dimension 0 is {}, but the model requires 3 (linalg.generic at m.seq:4:5)" found %{{.+}} {seqc.named}
// CHECK-NOT: seq.check
// CHECK: tensor.empty
func.func @names(%a: tensor<?x4xf32> {seq.name = "a"}) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %e0 = tensor.empty() : tensor<2x2xf32>
  %d = tensor.dim %a, %c0 : tensor<?x4xf32>
  %c3 = arith.constant 3 : index
  %ok = arith.cmpi eq, %d, %c3 : index
  %n = arith.index_cast %d : index to i64
  seq.check %ok, shape "linalg.generic at m.seq:4:5: dimension 0 of operand 0 is {}, but must equal dimension 0 of operand 1 (3)" found %n
  seq.check %ok, shape "linalg.generic at m.seq:4:5: the same condition again"
  return %a : tensor<?x4xf32>
}

// -----

// An extent that must equal a sum of argument dimensions (an attention
// mask over a key/value cache's steps and the new ones, an affine.apply
// after shape resolution) is named as that sum; a user read "dimension 3
// of operand 1 is 4, but must equal dimension 3 of operand 0" before.
// CHECK-LABEL: func.func @sum_of_dims
// CHECK: seq.check %{{.+}}, shape "input 'mask' dimension 1 is {}, but it must equal input 'past' dimension 2 + input 'ids' dimension 1 (linalg.generic at node '/h.0/attn/Add_1')"
// CHECK: seq.check %{{.+}}, shape "input 'mask' dimension 0 is {}, but it must equal (input 'ids' dimension 1 * 2) - 1 (linalg.generic at node '/Mul')"
func.func @sum_of_dims(%ids: tensor<?x?xi64> {seq.name = "ids"}, %mask: tensor<?x?xi64> {seq.name = "mask"},
                       %past: tensor<?x4x?x16xf32> {seq.name = "past"}) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %t = tensor.dim %ids, %c1 : tensor<?x?xi64>
  %p = tensor.dim %past, %c2 : tensor<?x4x?x16xf32>
  %m = tensor.dim %mask, %c1 : tensor<?x?xi64>
  %pt = affine.apply affine_map<()[s0, s1] -> (s0 + s1)>()[%p, %t]
  %ok = arith.cmpi eq, %m, %pt : index
  %n = arith.index_cast %m : index to i64
  seq.check %ok, shape "linalg.generic at node '/h.0/attn/Add_1': dimension 3 of operand 1 is {}, but must equal dimension 3 of operand 0" found %n
  %m0 = tensor.dim %mask, %c0 : tensor<?x?xi64>
  %twice = affine.apply affine_map<()[s0] -> (s0 * 2 - 1)>()[%t]
  %ok2 = arith.cmpi eq, %m0, %twice : index
  %n2 = arith.index_cast %m0 : index to i64
  seq.check %ok2, shape "linalg.generic at node '/Mul': dimension 0 of operand 1 is {}, but must equal dimension 0 of operand 0" found %n2
  return
}

// -----

// A check that reads a loop's data stays where it is.
// CHECK-LABEL: func.func @data
// CHECK: scf.for
// CHECK: seq.check
func.func @data(%x: tensor<?xi64>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %n = tensor.dim %x, %c0 : tensor<?xi64>
  scf.for %i = %c0 to %n step %c1 {
    %v = tensor.extract %x[%i] : tensor<?xi64>
    %z = arith.constant 0 : i64
    %ok = arith.cmpi sge, %v, %z : i64
    seq.check %ok, shape "a data-dependent size" found %v
  }
  return
}

// -----

// A check that can never hold: the model cannot run on any input.
func.func @never() {
  %false = arith.constant false
  // expected-error @+1 {{this model cannot run on any input: sizes that never agree}}
  seq.check %false, shape "sizes that never agree"
  return
}

// -----

// The message's {} shows the value found when it is a constant.
func.func @never_found() {
  %false = arith.constant false
  %c6 = arith.constant 6 : i64
  // expected-error @+1 {{this model cannot run on any input: dimension 1 is 6, but must be 4}}
  seq.check %false, shape "dimension 1 is {}, but must be 4" found %c6
  return
}
