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

// Another constant step: arange(1, 2 * T + 1, 2) is 1 + 2 * t of the
// positions t (Conv-TasNet's entry counts arange(N, N * (T + 1), N)).
// CHECK-LABEL: func.func @stepped
// CHECK-SAME: (%[[X:.+]]: tensor<?x?xi64>)
// CHECK: %[[P:.+]] = seq.positions %[[X]] dim(1) : tensor<?x?xi64> -> tensor<?xi64>
// CHECK: linalg.generic {{.*}} ins(%[[P]] : tensor<?xi64>)
// CHECK-NEXT: ^bb0(%[[T:.+]]: i64,
// CHECK-NEXT: %[[TWO:.+]] = arith.constant 2 : i64
// CHECK-NEXT: %[[M:.+]] = arith.muli %[[T]], %[[TWO]] : i64
// CHECK-NEXT: %[[V:.+]] = arith.addi %[[M]], %{{.+}} : i64
// CHECK-NEXT: linalg.yield %[[V]]
// CHECK-NOT: linalg.index
func.func @stepped(%x: tensor<?x?xi64>) -> tensor<?xi64> {
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c1 : tensor<?x?xi64>
  %e = tensor.empty(%t) : tensor<?xi64>
  %a = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%e : tensor<?xi64>) {
  ^bb0(%out: i64):
    %i = linalg.index 0 : index
    %two = arith.constant 2 : index
    %m = arith.muli %i, %two : index
    %v = arith.addi %c1, %m : index
    %r = arith.index_cast %v : index to i64
    linalg.yield %r : i64
  } -> tensor<?xi64>
  return %a : tensor<?xi64>
}

// -----

// Left as written: a reversal arange(T - 1, -1, -1) (its start is the
// length: a chunk's in a stream), a constant length (arange(5)), i32
// elements, and a start computed inside the body.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: seq.positions
// CHECK-COUNT-4: linalg.generic
func.func @kept(%x: tensor<?x?xi64>) -> (tensor<?xi64>, tensor<5xi64>, tensor<?xi32>, tensor<?xi64>) {
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c1 : tensor<?x?xi64>
  %e = tensor.empty(%t) : tensor<?xi64>
  %last = arith.subi %t, %c1 : index
  %a = linalg.generic {indexing_maps = [affine_map<(d0) -> (d0)>], iterator_types = ["parallel"]} outs(%e : tensor<?xi64>) {
  ^bb0(%out: i64):
    %i = linalg.index 0 : index
    %minus = arith.constant -1 : index
    %m = arith.muli %i, %minus : index
    %v = arith.addi %last, %m : index
    %r = arith.index_cast %v : index to i64
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

// -----

// pe[:, :x.size(1)] as the ONNX importer writes Slice(pe, 0, T, axis 1):
// the end clamped to [0, 6], the table's rows; added to x. The table's
// rows at seq.positions, [T, 4], expanded back to [1, T, 4].
// CHECK-LABEL: func.func @table_slice
// CHECK-SAME: (%[[X:.+]]: tensor<1x?x4xf32>)
// CHECK-DAG: %[[TABLE:.+]] = arith.constant dense<{{.+}}> : tensor<6x4xf32>
// CHECK-DAG: %[[P:.+]] = seq.positions %[[X]] dim(1) : tensor<1x?x4xf32> -> tensor<?xi64>
// CHECK: %[[ROWS:.+]] = seq.embedding %[[P]], %[[TABLE]] : (tensor<?xi64>, tensor<6x4xf32>) -> tensor<?x4xf32>
// CHECK: %[[PE:.+]] = tensor.expand_shape %[[ROWS]] {{\[\[}}0, 1], [2]] output_shape [1, %{{.+}}, 4] : tensor<?x4xf32> into tensor<1x?x4xf32>
// CHECK-NOT: tensor.extract_slice
// CHECK: linalg.generic {{.+}} ins(%[[X]], %[[PE]] :
func.func @table_slice(%x: tensor<1x?x4xf32>) -> tensor<1x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c6 = arith.constant 6 : index
  %pe = arith.constant dense<[[[0.0, 1.0, 2.0, 3.0], [4.0, 5.0, 6.0, 7.0], [8.0, 9.0, 10.0, 11.0], [12.0, 13.0, 14.0, 15.0], [16.0, 17.0, 18.0, 19.0], [20.0, 21.0, 22.0, 23.0]]]> : tensor<1x6x4xf32>
  %t = tensor.dim %x, %c1 : tensor<1x?x4xf32>
  %a = arith.maxsi %t, %c0 : index
  %b = arith.minsi %a, %c6 : index
  %end = arith.maxsi %b, %c0 : index
  %slice = tensor.extract_slice %pe[0, %c0, 0] [1, %end, 4] [1, 1, 1] : tensor<1x6x4xf32> to tensor<1x?x4xf32>
  %t2 = tensor.dim %x, %c1 : tensor<1x?x4xf32>
  %e = tensor.empty(%t2) : tensor<1x?x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %slice : tensor<1x?x4xf32>, tensor<1x?x4xf32>) outs(%e : tensor<1x?x4xf32>) {
  ^bb0(%in: f32, %p: f32, %out: f32):
    %s = arith.addf %in, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x?x4xf32>
  return %y : tensor<1x?x4xf32>
}

// -----

// The tutorial's time-major table [rows, 1, features] sliced pe[:T],
// added to a [T, B, features] x with the batch broadcast.
// CHECK-LABEL: func.func @time_major_table
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x2xf32>)
// CHECK-DAG: %[[TABLE:.+]] = arith.constant dense<{{.+}}> : tensor<3x2xf32>
// CHECK-DAG: %[[P:.+]] = seq.positions %[[X]] dim(0) : tensor<?x?x2xf32> -> tensor<?xi64>
// CHECK: %[[ROWS:.+]] = seq.embedding %[[P]], %[[TABLE]]
// CHECK: tensor.expand_shape %[[ROWS]] {{\[\[}}0], [1, 2]] output_shape [%{{.+}}, 1, 2] : tensor<?x2xf32> into tensor<?x1x2xf32>
// CHECK-NOT: tensor.extract_slice
func.func @time_major_table(%x: tensor<?x?x2xf32>) -> tensor<?x?x2xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %pe = arith.constant dense<[[[0.5, 1.5]], [[2.5, 3.5]], [[4.5, 5.5]]]> : tensor<3x1x2xf32>
  %t = tensor.dim %x, %c0 : tensor<?x?x2xf32>
  %slice = tensor.extract_slice %pe[0, 0, 0] [%t, 1, 2] [1, 1, 1] : tensor<3x1x2xf32> to tensor<?x1x2xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x2xf32>
  %e = tensor.empty(%t, %b) : tensor<?x?x2xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, 0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %slice : tensor<?x?x2xf32>, tensor<?x1x2xf32>) outs(%e : tensor<?x?x2xf32>) {
  ^bb0(%in: f32, %p: f32, %out: f32):
    %s = arith.addf %in, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x?x2xf32>
  return %y : tensor<?x?x2xf32>
}

// -----

// pe[:, :T] + x, the slice first: the importer sizes the sum by the
// slice's dimension, a tensor.dim that reads only its size.
// CHECK-LABEL: func.func @table_slice_first
// CHECK: %[[ROWS:.+]] = seq.embedding
// CHECK: %[[PE:.+]] = tensor.expand_shape %[[ROWS]]
// CHECK-NOT: tensor.extract_slice
// CHECK: %[[T:.+]] = tensor.dim %[[PE]], %{{.+}} : tensor<1x?x4xf32>
// CHECK: tensor.empty(%[[T]])
func.func @table_slice_first(%x: tensor<1x?x4xf32>) -> tensor<1x?x4xf32> {
  %c1 = arith.constant 1 : index
  %pe = arith.constant dense<1.0> : tensor<1x6x4xf32>
  %t = tensor.dim %x, %c1 : tensor<1x?x4xf32>
  %slice = tensor.extract_slice %pe[0, 0, 0] [1, %t, 4] [1, 1, 1] : tensor<1x6x4xf32> to tensor<1x?x4xf32>
  %n = tensor.dim %slice, %c1 : tensor<1x?x4xf32>
  %e = tensor.empty(%n) : tensor<1x?x4xf32>
  %y = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%slice, %x : tensor<1x?x4xf32>, tensor<1x?x4xf32>) outs(%e : tensor<1x?x4xf32>) {
  ^bb0(%p: f32, %in: f32, %out: f32):
    %s = arith.addf %p, %in : f32
    linalg.yield %s : f32
  } -> tensor<1x?x4xf32>
  return %y : tensor<1x?x4xf32>
}

// -----

// Left as written: a slice returned as it is (for T past the table's 6
// rows it is the 6 rows, not an error); and, each read beside x, one from
// row 1, one clamped to 5 rows (not the table's length), and a table with
// stack of 2 tables before the sliced axis (its rows are not
// contiguous), a table of one row (PyTorch broadcasts it rather than
// reads it at positions), and one read beside a tensor of another length
// (its reader's size check would not fail a run past the table).
// CHECK-LABEL: func.func @table_slice_kept
// CHECK-NOT: seq.positions
// CHECK-NOT: seq.embedding
// CHECK-COUNT-6: tensor.extract_slice
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
#first = affine_map<(d0, d1, d2) -> (0, d1, d2)>
func.func @table_slice_kept(%x: tensor<1x?x4xf32>, %z: tensor<1x?x4xf32>) -> (tensor<1x?x4xf32>, tensor<1x?x4xf32>, tensor<1x?x4xf32>, tensor<2x?x4xf32>, tensor<1x?x4xf32>, tensor<1x?x4xf32>) {
  %c1 = arith.constant 1 : index
  %c5 = arith.constant 5 : index
  %table = arith.constant dense<1.0> : tensor<1x6x4xf32>
  %tables = arith.constant dense<1.0> : tensor<2x6x4xf32>
  %t = tensor.dim %x, %c1 : tensor<1x?x4xf32>
  %whole = tensor.extract_slice %table[0, 0, 0] [1, %t, 4] [1, 1, 1] : tensor<1x6x4xf32> to tensor<1x?x4xf32>
  %from1 = tensor.extract_slice %table[0, 1, 0] [1, %t, 4] [1, 1, 1] : tensor<1x6x4xf32> to tensor<1x?x4xf32>
  %t5 = arith.minsi %t, %c5 : index
  %short = tensor.extract_slice %table[0, 0, 0] [1, %t5, 4] [1, 1, 1] : tensor<1x6x4xf32> to tensor<1x?x4xf32>
  %two = tensor.extract_slice %tables[0, 0, 0] [2, %t, 4] [1, 1, 1] : tensor<2x6x4xf32> to tensor<2x?x4xf32>
  %e = tensor.empty(%t) : tensor<1x?x4xf32>
  %a = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %from1 : tensor<1x?x4xf32>, tensor<1x?x4xf32>) outs(%e : tensor<1x?x4xf32>) {
  ^bb0(%in: f32, %p: f32, %out: f32):
    %s = arith.addf %in, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x?x4xf32>
  %b = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %short : tensor<1x?x4xf32>, tensor<1x?x4xf32>) outs(%e : tensor<1x?x4xf32>) {
  ^bb0(%in: f32, %p: f32, %out: f32):
    %s = arith.addf %in, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x?x4xf32>
  %e2 = tensor.empty(%t) : tensor<2x?x4xf32>
  %c = linalg.generic {indexing_maps = [#first, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %two : tensor<1x?x4xf32>, tensor<2x?x4xf32>) outs(%e2 : tensor<2x?x4xf32>) {
  ^bb0(%in: f32, %p: f32, %out: f32):
    %s = arith.addf %in, %p : f32
    linalg.yield %s : f32
  } -> tensor<2x?x4xf32>
  %one = arith.constant dense<1.0> : tensor<1x1x4xf32>
  %row = tensor.extract_slice %one[0, 0, 0] [1, %t, 4] [1, 1, 1] : tensor<1x1x4xf32> to tensor<1x?x4xf32>
  %d = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %row : tensor<1x?x4xf32>, tensor<1x?x4xf32>) outs(%e : tensor<1x?x4xf32>) {
  ^bb0(%in: f32, %p: f32, %out: f32):
    %s = arith.addf %in, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x?x4xf32>
  %zt = tensor.dim %z, %c1 : tensor<1x?x4xf32>
  %ez = tensor.empty(%zt) : tensor<1x?x4xf32>
  %other = tensor.extract_slice %table[0, 0, 0] [1, %t, 4] [1, 1, 1] : tensor<1x6x4xf32> to tensor<1x?x4xf32>
  %f = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%z, %other : tensor<1x?x4xf32>, tensor<1x?x4xf32>) outs(%ez : tensor<1x?x4xf32>) {
  ^bb0(%in: f32, %p: f32, %out: f32):
    %s = arith.addf %in, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x?x4xf32>
  return %whole, %a, %b, %c, %d, %f : tensor<1x?x4xf32>, tensor<1x?x4xf32>, tensor<1x?x4xf32>, tensor<2x?x4xf32>, tensor<1x?x4xf32>, tensor<1x?x4xf32>
}

// -----

// HF LLaMA's `cos_cached[:, :, :T].squeeze(1).squeeze(0)[arange(T)]`: the
// gather (a seq.embedding of the squeezed slice) at positions of x's T
// reads the whole table (every position is below T). Left as written: a
// gather at token ids (not positions), at positions of another tensor's
// length (z's), and of a slice from row 1.
// CHECK-LABEL: func.func @gathered_table_rows
// CHECK-DAG: %[[T:.+]] = arith.constant dense<{{.+}}> : tensor<6x4xf32>
// CHECK-DAG: %[[P:.+]] = seq.positions %arg0 dim(1)
// CHECK: seq.embedding %[[P]], %[[T]] : (tensor<?xi64>, tensor<6x4xf32>)
// CHECK: seq.embedding %arg2, %{{.+}} {wrap_negative} : (tensor<?xi64>, tensor<?x4xf32>)
// CHECK: seq.embedding %{{.+}}, %{{.+}} : (tensor<?xi64>, tensor<?x4xf32>)
// CHECK: seq.embedding %[[P]], %{{.+}} : (tensor<?xi64>, tensor<?x4xf32>)
func.func @gathered_table_rows(%x: tensor<1x?x4xf32>, %z: tensor<1x?x4xf32>, %ids: tensor<?xi64>) -> (tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>) {
  %c1 = arith.constant 1 : index
  %c0 = arith.constant 0 : index
  %c6 = arith.constant 6 : index
  %table = arith.constant dense<[[[[0.0, 0.1, 0.2, 0.3], [1.0, 1.1, 1.2, 1.3], [2.0, 2.1, 2.2, 2.3], [3.0, 3.1, 3.2, 3.3], [4.0, 4.1, 4.2, 4.3], [5.0, 5.1, 5.2, 5.3]]]]> : tensor<1x1x6x4xf32>
  %t = tensor.dim %x, %c1 : tensor<1x?x4xf32>
  %t0 = arith.maxsi %t, %c0 : index
  %end = arith.minsi %t0, %c6 : index
  %slice = tensor.extract_slice %table[0, 0, 0, 0] [1, 1, %end, 4] [1, 1, 1, 1] : tensor<1x1x6x4xf32> to tensor<1x1x?x4xf32>
  %rows = tensor.collapse_shape %slice [[0, 1, 2], [3]] : tensor<1x1x?x4xf32> into tensor<?x4xf32>
  %pos = seq.positions %x dim(1) : tensor<1x?x4xf32> -> tensor<?xi64>
  %a = seq.embedding %pos, %rows : (tensor<?xi64>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %b = seq.embedding %ids, %rows {wrap_negative} : (tensor<?xi64>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %zpos = seq.positions %z dim(1) : tensor<1x?x4xf32> -> tensor<?xi64>
  %c = seq.embedding %zpos, %rows : (tensor<?xi64>, tensor<?x4xf32>) -> tensor<?x4xf32>
  %from1 = tensor.extract_slice %table[0, 0, 1, 0] [1, 1, %end, 4] [1, 1, 1, 1] : tensor<1x1x6x4xf32> to tensor<1x1x?x4xf32>
  %rows1 = tensor.collapse_shape %from1 [[0, 1, 2], [3]] : tensor<1x1x?x4xf32> into tensor<?x4xf32>
  %d = seq.embedding %pos, %rows1 : (tensor<?xi64>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %a, %b, %c, %d : tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>, tensor<?x4xf32>
}

// -----

// `pe[:, :, :T][0]`: a slice squeezed by an index of its unit dimensions
// (a rank-reducing tensor.extract_slice) and then read beside x's length
// is the table's rows at x's positions, as the slice read directly is.
#id = affine_map<(d0, d1, d2) -> (d0, d1, d2)>
// CHECK-LABEL: func.func @squeezed_table_slice
// CHECK: %[[P:.+]] = seq.positions %arg0 dim(1)
// CHECK: seq.embedding %[[P]], %{{.+}} : (tensor<?xi64>, tensor<6x4xf32>)
// CHECK-NOT: seq.positions
func.func @squeezed_table_slice(%x: tensor<1x?x4xf32>) -> tensor<1x?x4xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %table = arith.constant dense<1.5> : tensor<1x1x6x4xf32>
  %t = tensor.dim %x, %c1 : tensor<1x?x4xf32>
  %slice = tensor.extract_slice %table[0, 0, 0, 0] [1, 1, %t, 4] [1, 1, 1, 1] : tensor<1x1x6x4xf32> to tensor<1x1x?x4xf32>
  %n = tensor.dim %slice, %c2 : tensor<1x1x?x4xf32>
  %rows = tensor.extract_slice %slice[0, 0, 0, 0] [1, 1, %n, 4] [1, 1, 1, 1] : tensor<1x1x?x4xf32> to tensor<1x?x4xf32>
  %e = tensor.empty(%t) : tensor<1x?x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %rows : tensor<1x?x4xf32>, tensor<1x?x4xf32>) outs(%e : tensor<1x?x4xf32>) {
  ^bb0(%in: f32, %p: f32, %out: f32):
    %s = arith.addf %in, %p : f32
    linalg.yield %s : f32
  } -> tensor<1x?x4xf32>
  return %y : tensor<1x?x4xf32>
}

// -----

// The same table indexed `[:, :, :T][0, 0]` (a rank-reducing slice that
// takes the rest whole) before the gather at positions: the whole table.
// CHECK-LABEL: func.func @indexed_table_rows
// CHECK: seq.embedding %{{.+}}, %{{.+}} : (tensor<?xi64>, tensor<6x4xf32>)
func.func @indexed_table_rows(%x: tensor<1x?x4xf32>) -> tensor<?x4xf32> {
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %table = arith.constant dense<1.5> : tensor<1x1x6x4xf32>
  %t = tensor.dim %x, %c1 : tensor<1x?x4xf32>
  %slice = tensor.extract_slice %table[0, 0, 0, 0] [1, 1, %t, 4] [1, 1, 1, 1] : tensor<1x1x6x4xf32> to tensor<1x1x?x4xf32>
  %n = tensor.dim %slice, %c2 : tensor<1x1x?x4xf32>
  %rows = tensor.extract_slice %slice[0, 0, 0, 0] [1, 1, %n, 4] [1, 1, 1, 1] : tensor<1x1x?x4xf32> to tensor<?x4xf32>
  %pos = seq.positions %x dim(1) : tensor<1x?x4xf32> -> tensor<?xi64>
  %a = seq.embedding %pos, %rows : (tensor<?xi64>, tensor<?x4xf32>) -> tensor<?x4xf32>
  return %a : tensor<?x4xf32>
}
