// RUN: seq-opt %s --split-input-file --seq-raise-positions | FileCheck %s

// torch.arange(ids.shape[1]) as the ONNX importer writes Range(0, T, 1):
// the index as i64 over an init sized by the tensor's length; and
// arange(3, 3 + T) (s + index * 1), an offset.
// CHECK-LABEL: func.func @arange
// CHECK-SAME: (%[[X:.+]]: tensor<?x?xi64>)
// CHECK-DAG: %[[P:.+]] = seq.positions %[[X]] dim(1) : tensor<?x?xi64> -> tensor<?xi64>
// CHECK-DAG: %[[C3:.+]] = arith.constant 3 : index
// CHECK: %[[S:.+]] = arith.index_cast %[[C3]] : index to i64
// CHECK: %[[Q:.+]] = seq.positions %[[X]] dim(1) offset(%[[S]]) : tensor<?x?xi64> -> tensor<?xi64>
// CHECK-NOT: linalg.generic
// CHECK: return %[[P]], %[[Q]]
func.func @arange(%x: tensor<?x?xi64>) -> (tensor<?xi64>, tensor<?xi64>) {
  %c1 = arith.constant 1 : index
  %c3 = arith.constant 3 : index
  %t = tensor.dim %x, %c1 : tensor<?x?xi64>
  %e = tensor.empty(%t) : tensor<?xi64>
  %p = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%e : tensor<?xi64>) {
  ^bb0(%out: i64):
    %i = linalg.index 0 : index
    %c0 = arith.constant 0 : index
    %one = arith.constant 1 : index
    %m = arith.muli %i, %one : index
    %v = arith.addi %c0, %m : index
    %r = arith.index_cast %v : index to i64
    linalg.yield %r : i64
  } -> tensor<?xi64>
  %e2 = tensor.empty(%t) : tensor<?xi64>
  %q = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%e2 : tensor<?xi64>) {
  ^bb0(%out: i64):
    %i = linalg.index 0 : index
    %v = arith.addi %c3, %i : index
    %r = arith.index_cast %v : index to i64
    linalg.yield %r : i64
  } -> tensor<?xi64>
  return %p, %q : tensor<?xi64>, tensor<?xi64>
}

// -----

// Left as written: a step of 2, a constant length (arange(5)), i32
// elements, and a start computed inside the body.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: seq.positions
// CHECK-COUNT-4: linalg.generic
func.func @kept(%x: tensor<?x?xi64>) -> (tensor<?xi64>, tensor<5xi64>, tensor<?xi32>, tensor<?xi64>) {
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c1 : tensor<?x?xi64>
  %e = tensor.empty(%t) : tensor<?xi64>
  %a = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%e : tensor<?xi64>) {
  ^bb0(%out: i64):
    %i = linalg.index 0 : index
    %two = arith.constant 2 : index
    %m = arith.muli %i, %two : index
    %r = arith.index_cast %m : index to i64
    linalg.yield %r : i64
  } -> tensor<?xi64>
  %e5 = tensor.empty() : tensor<5xi64>
  %b = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%e5 : tensor<5xi64>) {
  ^bb0(%out: i64):
    %i = linalg.index 0 : index
    %r = arith.index_cast %i : index to i64
    linalg.yield %r : i64
  } -> tensor<5xi64>
  %e32 = tensor.empty(%t) : tensor<?xi32>
  %c = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%e32 : tensor<?xi32>) {
  ^bb0(%out: i32):
    %i = linalg.index 0 : index
    %r = arith.index_cast %i : index to i32
    linalg.yield %r : i32
  } -> tensor<?xi32>
  %e2 = tensor.empty(%t) : tensor<?xi64>
  %d = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%e2 : tensor<?xi64>) {
  ^bb0(%out: i64):
    %i = linalg.index 0 : index
    %s = arith.muli %i, %i : index
    %v = arith.addi %s, %i : index
    %r = arith.index_cast %v : index to i64
    linalg.yield %r : i64
  } -> tensor<?xi64>
  return %a, %b, %c, %d : tensor<?xi64>, tensor<5xi64>, tensor<?xi32>, tensor<?xi64>
}
