// RUN: seq-opt %s --seq-raise-linear-bias | FileCheck %s

// MatMul then Add as the ONNX importer reads them: a seq.linear without
// bias, an add of a [4] bias along the last dimension (either operand
// order, the bias a constant or an argument), the linear's size read by a
// tensor.dim for the add's result. Each add becomes the linear's bias.
#id = affine_map<(b, t, o) -> (b, t, o)>
#bias = affine_map<(b, t, o) -> (o)>
#one = affine_map<(b, t, o) -> (0)>
// CHECK-LABEL: func.func @bias
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x3xf32>, %[[B:.+]]: tensor<4xf32>, %[[B1:.+]]: tensor<1xf32>)
// CHECK-DAG: %[[W:.+]] = arith.constant dense<{{.+}}> : tensor<4x3xf32>
// CHECK-DAG: %[[C:.+]] = arith.constant dense<[1.000000e+00, 2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<4xf32>
// CHECK: %[[Y1:.+]] = seq.linear %[[X]], %[[W]] bias(%[[C]])
// CHECK: %[[Y2:.+]] = seq.linear %[[X]], %[[W]] bias(%[[B]])
// A [1] bias broadcast by the add is not seq.linear's [O] bias; a linear
// read by something else than the add keeps its add; a linear that has a
// bias already keeps the add.
// CHECK: %[[L3:.+]] = seq.linear %[[X]], %[[W]] :
// CHECK: linalg.generic {{.+}} ins(%[[L3]], %[[B1]]
// CHECK: %[[L4:.+]] = seq.linear %[[X]], %[[W]] :
// CHECK: %[[A4:.+]] = linalg.generic {{.+}} ins(%[[L4]], %[[B]]
// CHECK: %[[L5:.+]] = seq.linear %[[X]], %[[W]] bias(%[[B]])
// CHECK: linalg.generic {{.+}} ins(%[[L5]], %[[B]]
// CHECK: return %[[Y1]], %[[Y2]], %{{.+}}, %[[A4]], %[[L4]], %{{.+}}
func.func @bias(%x: tensor<?x?x3xf32>, %b: tensor<4xf32>, %b1: tensor<1xf32>) -> (tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>) {
  %w = arith.constant dense<0.5> : tensor<4x3xf32>
  %c = arith.constant dense<[1.0, 2.0, 3.0, 4.0]> : tensor<4xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %l1 = seq.linear %x, %w : (tensor<?x?x3xf32>, tensor<4x3xf32>) -> tensor<?x?x4xf32>
  %d0 = tensor.dim %l1, %c0 : tensor<?x?x4xf32>
  %d1 = tensor.dim %l1, %c1 : tensor<?x?x4xf32>
  %e = tensor.empty(%d0, %d1) : tensor<?x?x4xf32>
  %y1 = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%l1, %c : tensor<?x?x4xf32>, tensor<4xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %r = arith.addf %a, %bb : f32
    linalg.yield %r : f32
  } -> tensor<?x?x4xf32>
  %l2 = seq.linear %x, %w : (tensor<?x?x3xf32>, tensor<4x3xf32>) -> tensor<?x?x4xf32>
  %y2 = linalg.generic {indexing_maps = [#bias, #id, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%b, %l2 : tensor<4xf32>, tensor<?x?x4xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%bb: f32, %a: f32, %o: f32):
    %r = arith.addf %bb, %a : f32
    linalg.yield %r : f32
  } -> tensor<?x?x4xf32>
  %l3 = seq.linear %x, %w : (tensor<?x?x3xf32>, tensor<4x3xf32>) -> tensor<?x?x4xf32>
  %y3 = linalg.generic {indexing_maps = [#id, #one, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%l3, %b1 : tensor<?x?x4xf32>, tensor<1xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %r = arith.addf %a, %bb : f32
    linalg.yield %r : f32
  } -> tensor<?x?x4xf32>
  %l4 = seq.linear %x, %w : (tensor<?x?x3xf32>, tensor<4x3xf32>) -> tensor<?x?x4xf32>
  %y4 = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%l4, %b : tensor<?x?x4xf32>, tensor<4xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %r = arith.addf %a, %bb : f32
    linalg.yield %r : f32
  } -> tensor<?x?x4xf32>
  %l5 = seq.linear %x, %w bias(%b) : (tensor<?x?x3xf32>, tensor<4x3xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
  %y5 = linalg.generic {indexing_maps = [#id, #bias, #id], iterator_types = ["parallel", "parallel", "parallel"]} ins(%l5, %b : tensor<?x?x4xf32>, tensor<4xf32>) outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%a: f32, %bb: f32, %o: f32):
    %r = arith.addf %a, %bb : f32
    linalg.yield %r : f32
  } -> tensor<?x?x4xf32>
  return %y1, %y2, %y3, %y4, %l4, %y5 : tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<?x?x4xf32>
}
