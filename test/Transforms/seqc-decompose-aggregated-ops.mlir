// RUN: seq-opt %s --seqc-decompose-aggregated-ops | FileCheck %s

// CHECK-LABEL: func.func @softmax
func.func @softmax(%x: tensor<?x8xf32>, %init: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // CHECK-NOT: linalg.softmax
  // CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
  // CHECK:   arith.maxnumf
  // CHECK: linalg.generic
  // CHECK:   math.exp
  // CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "reduction"]
  // CHECK:   arith.addf
  // CHECK: linalg.generic
  // CHECK:   arith.divf
  %y = linalg.softmax dimension(1) ins(%x : tensor<?x8xf32>) outs(%init : tensor<?x8xf32>) -> tensor<?x8xf32>
  return %y : tensor<?x8xf32>
}

// An operand empty along the concatenated dimension is dropped (bufferized,
// it would be a subview at offset 4 of a memref<4xi64>, which the verifier
// rejects); one operand left is the result itself.
// CHECK-LABEL: func.func @concat_with_empty
// CHECK-SAME: (%[[A:.+]]: tensor<3xi64>, %[[B:.+]]: tensor<1xi64>, %[[E:.+]]: tensor<0xi64>)
// CHECK: %[[C:.+]] = tensor.concat dim(0) %[[A]], %[[B]] : (tensor<3xi64>, tensor<1xi64>) -> tensor<4xi64>
// CHECK: return %[[C]]
func.func @concat_with_empty(%a: tensor<3xi64>, %b: tensor<1xi64>, %e: tensor<0xi64>) -> tensor<4xi64> {
  %c = tensor.concat dim(0) %a, %b, %e : (tensor<3xi64>, tensor<1xi64>, tensor<0xi64>) -> tensor<4xi64>
  return %c : tensor<4xi64>
}

// CHECK-LABEL: func.func @concat_one_left
// CHECK-SAME: (%[[E:.+]]: tensor<?x0xf32>, %[[X:.+]]: tensor<?x5xf32>)
// CHECK-NOT: tensor.concat
// CHECK: return %[[X]]
func.func @concat_one_left(%e: tensor<?x0xf32>, %x: tensor<?x5xf32>) -> tensor<?x5xf32> {
  %c = tensor.concat dim(1) %e, %x : (tensor<?x0xf32>, tensor<?x5xf32>) -> tensor<?x5xf32>
  return %c : tensor<?x5xf32>
}

// Every operand empty: an empty tensor sized like the first.
// CHECK-LABEL: func.func @concat_all_empty
// CHECK: %[[D:.+]] = tensor.dim %arg0, %c0
// CHECK: tensor.empty(%[[D]]) : tensor<?x0xf32>
func.func @concat_all_empty(%e: tensor<?x0xf32>, %f: tensor<?x0xf32>) -> tensor<?x0xf32> {
  %c = tensor.concat dim(1) %e, %f : (tensor<?x0xf32>, tensor<?x0xf32>) -> tensor<?x0xf32>
  return %c : tensor<?x0xf32>
}

// seq.attention implements AggregatedOpInterface: it decomposes into the
// reference lowering (convert-seq-to-linalg{attention-tile=0}): q k^T, the
// masked scores, row max, exp, row sum, P V and the division.
// CHECK-LABEL: func.func @attention
// CHECK-NOT: = seq.attention
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]
// CHECK:   arith.mulf
// CHECK: linalg.generic
// CHECK:   arith.cmpi
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK:   arith.maximumf
// CHECK: linalg.generic
// CHECK:   math.exp
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction"]
// CHECK:   arith.addf
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]
// CHECK: linalg.generic
// CHECK:   arith.divf
// The key's extents are checked against the query's at run time.
// CHECK: seq.check {{.+}} "seq.attention at {{.+}}: 'key' dimension 0 is {}, but 'query' makes it a different size"
// CHECK-NOT: = seq.attention
// CHECK: return
func.func @attention(%q: tensor<?x8x?x64xf32>, %k: tensor<?x2x?x64xf32>, %v: tensor<?x2x?x64xf32>) -> tensor<?x8x?x64xf32> {
  %o = seq.attention %q, %k, %v causal(top_left)
    : (tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>) -> tensor<?x8x?x64xf32>
  return %o : tensor<?x8x?x64xf32>
}

// Dynamic head counts: no head map to build, the op stays (and
// convert-seq-to-linalg says why).
// CHECK-LABEL: func.func @attention_dynamic_heads
// CHECK: seq.attention
func.func @attention_dynamic_heads(%q: tensor<1x?x4x16xf32>, %k: tensor<1x?x4x16xf32>, %v: tensor<1x?x4x16xf32>) -> tensor<1x?x4x16xf32> {
  %o = seq.attention %q, %k, %v
    : (tensor<1x?x4x16xf32>, tensor<1x?x4x16xf32>, tensor<1x?x4x16xf32>) -> tensor<1x?x4x16xf32>
  return %o : tensor<1x?x4x16xf32>
}
