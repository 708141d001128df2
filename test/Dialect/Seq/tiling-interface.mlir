// RUN: seq-opt %s --transform-interpreter --split-input-file --verify-diagnostics | FileCheck %s

// seq.selective_scan tiles (upstream TilingInterface) along its parallel
// loops, batch and channels (loops B, T, D, N): each tile is the scan on
// its rows of every operand with that role (u, delta, z, A, D, the initial
// state by channel; B and C by batch only), its y and final state inserted
// at the same place.
// CHECK-LABEL: func.func @scan_bd
// CHECK-SAME: %[[U:[a-z0-9]+]]: tensor<2x5x40xf32>, %[[DT:[a-z0-9]+]]: tensor<2x5x40xf32>, %[[A:[a-z0-9]+]]: tensor<40x8xf32>, %[[B:[a-z0-9]+]]: tensor<2x5x8xf32>, %[[D:[a-z0-9]+]]: tensor<40xf32>, %[[H0:[a-z0-9]+]]: tensor<2x40x8xf32>
// CHECK: scf.for %[[IB:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(
// CHECK: scf.for %[[ID:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[Y:.+]] = %{{.+}}, %[[H:.+]] = %{{.+}})
// CHECK: %[[N:.+]] = affine.min
// CHECK: %[[US:.+]] = tensor.extract_slice %[[U]][%[[IB]], 0, %[[ID]]] [1, 5, %[[N]]] [1, 1, 1]
// CHECK: %[[DTS:.+]] = tensor.extract_slice %[[DT]][%[[IB]], 0, %[[ID]]] [1, 5, %[[N]]] [1, 1, 1]
// CHECK: %[[AS:.+]] = tensor.extract_slice %[[A]][%[[ID]], 0] [%[[N]], 8] [1, 1]
// CHECK: %[[BS:.+]] = tensor.extract_slice %[[B]][%[[IB]], 0, 0] [1, 5, 8] [1, 1, 1]
// CHECK: %[[DS:.+]] = tensor.extract_slice %[[D]][%[[ID]]] [%[[N]]] [1]
// CHECK: %[[HS:.+]] = tensor.extract_slice %[[H0]][%[[IB]], %[[ID]], 0] [1, %[[N]], 8] [1, 1, 1]
// CHECK: %[[TY:.+]], %[[TH:.+]] = seq.selective_scan %[[US]], %[[DTS]], %[[AS]], %[[BS]], %[[BS]] skip(%[[DS]]) initial_state(%[[HS]]) {delta_softplus}
// CHECK-SAME: -> (tensor<1x5x?xf32>, tensor<1x?x8xf32>)
// CHECK: tensor.insert_slice %[[TY]] into %[[Y]][%[[IB]], 0, %[[ID]]] [1, 5, %[[N]]] [1, 1, 1]
// CHECK: tensor.insert_slice %[[TH]] into %[[H]][%[[IB]], %[[ID]], 0] [1, %[[N]], 8] [1, 1, 1]
func.func @scan_bd(%u: tensor<2x5x40xf32>, %dt: tensor<2x5x40xf32>, %a: tensor<40x8xf32>,
                   %b: tensor<2x5x8xf32>, %d: tensor<40xf32>, %h0: tensor<2x40x8xf32>)
    -> (tensor<2x5x40xf32>, tensor<2x40x8xf32>) {
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %b skip(%d) initial_state(%h0) {delta_softplus}
    : (tensor<2x5x40xf32>, tensor<2x5x40xf32>, tensor<40x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32>, tensor<40xf32>, tensor<2x40x8xf32>) -> (tensor<2x5x40xf32>, tensor<2x40x8xf32>)
  return %y, %h : tensor<2x5x40xf32>, tensor<2x40x8xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %scan = transform.structured.match ops{["seq.selective_scan"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loops:2 = transform.structured.tile_using_for %scan tile_sizes [1, 0, 16, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// The steps are a recurrence and y sums over the state index: a tile that
// cuts T (or N) is refused.
func.func @scan_t(%u: tensor<2x5x40xf32>, %a: tensor<40x8xf32>, %b: tensor<2x5x8xf32>)
    -> tensor<2x5x40xf32> {
  // expected-error@+3 {{'seq.selective_scan' op cannot be tiled along its 'T' loop (a reduction): a tile must span it}}
  // expected-error@+2 {{faild to tile operation}}
  // expected-error@+1 {{failed to generate tiling loops}}
  %y, %h = seq.selective_scan %u, %u, %a, %b, %b
    : (tensor<2x5x40xf32>, tensor<2x5x40xf32>, tensor<40x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32>) -> (tensor<2x5x40xf32>, tensor<2x40x8xf32>)
  return %y : tensor<2x5x40xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %scan = transform.structured.match ops{["seq.selective_scan"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_for %scan tile_sizes [0, 2, 0, 0] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

func.func @scan_n(%u: tensor<2x5x40xf32>, %a: tensor<40x8xf32>, %b: tensor<2x5x8xf32>)
    -> tensor<2x5x40xf32> {
  // expected-error@+3 {{'seq.selective_scan' op cannot be tiled along its 'N' loop (a reduction): a tile must span it}}
  // expected-error@+2 {{faild to tile operation}}
  // expected-error@+1 {{failed to generate tiling loops}}
  %y, %h = seq.selective_scan %u, %u, %a, %b, %b
    : (tensor<2x5x40xf32>, tensor<2x5x40xf32>, tensor<40x8xf32>, tensor<2x5x8xf32>, tensor<2x5x8xf32>) -> (tensor<2x5x40xf32>, tensor<2x40x8xf32>)
  return %y : tensor<2x5x40xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %scan = transform.structured.match ops{["seq.selective_scan"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_for %scan tile_sizes [0, 0, 0, 4] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}

// -----

// seq.wkv (loops B, T, C): key and value (one value here, sliced once),
// decay and bonus by channel, the state [B, 3, C] by batch and channel.
// CHECK-LABEL: func.func @wkv_c
// CHECK-SAME: %[[K:[a-z0-9]+]]: tensor<2x5x40xf32>, %[[W:[a-z0-9]+]]: tensor<40xf32>, %[[S0:[a-z0-9]+]]: tensor<2x3x40xf32>
// CHECK: scf.for %[[IC:.+]] = %{{.+}} to %{{.+}} step %{{.+}} iter_args(%[[Y:.+]] = %{{.+}}, %[[S:.+]] = %{{.+}})
// CHECK: %[[KS:.+]] = tensor.extract_slice %[[K]][0, 0, %[[IC]]] [2, 5, %[[N:.+]]] [1, 1, 1]
// CHECK: %[[WS:.+]] = tensor.extract_slice %[[W]][%[[IC]]] [%[[N]]] [1]
// CHECK: %[[SS:.+]] = tensor.extract_slice %[[S0]][0, 0, %[[IC]]] [2, 3, %[[N]]] [1, 1, 1]
// CHECK: %[[TY:.+]], %[[TS:.+]] = seq.wkv %[[KS]], %[[KS]], %[[WS]], %[[WS]] initial_state(%[[SS]])
// CHECK-SAME: -> (tensor<2x5x?xf32>, tensor<2x3x?xf32>)
// CHECK: tensor.insert_slice %[[TY]] into %[[Y]][0, 0, %[[IC]]] [2, 5, %[[N]]] [1, 1, 1]
// CHECK: tensor.insert_slice %[[TS]] into %[[S]][0, 0, %[[IC]]] [2, 3, %[[N]]] [1, 1, 1]
func.func @wkv_c(%k: tensor<2x5x40xf32>, %w: tensor<40xf32>, %s0: tensor<2x3x40xf32>)
    -> (tensor<2x5x40xf32>, tensor<2x3x40xf32>) {
  %y, %s = seq.wkv %k, %k, %w, %w initial_state(%s0)
    : (tensor<2x5x40xf32>, tensor<2x5x40xf32>, tensor<40xf32>, tensor<40xf32>, tensor<2x3x40xf32>) -> (tensor<2x5x40xf32>, tensor<2x3x40xf32>)
  return %y, %s : tensor<2x5x40xf32>, tensor<2x3x40xf32>
}
module attributes {transform.with_named_sequence} {
  transform.named_sequence @__transform_main(%root: !transform.any_op {transform.readonly}) {
    %wkv = transform.structured.match ops{["seq.wkv"]} in %root : (!transform.any_op) -> !transform.any_op
    %tiled, %loop = transform.structured.tile_using_for %wkv tile_sizes [0, 0, 16] : (!transform.any_op) -> (!transform.any_op, !transform.any_op)
    transform.yield
  }
}
