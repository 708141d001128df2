// RUN: seq-opt %s --seqc-split-scan-channels --split-input-file | FileCheck %s

// A selective scan in a function with a model context becomes a loop over
// shares of 16-channel blocks: work B x T x D x N x 6 against 2^17 per
// thread, at most ceil(D / 16) shares; share s runs the scan on channels
// [c0, c1) of every per-channel operand (B and C whole: the scan's tile,
// TilingInterface) and inserts its y and final state.
// CHECK-LABEL: func.func @scan
// CHECK-SAME: %[[U:[a-z0-9]+]]: tensor<?x?x40xf32>, %[[DT:[a-z0-9]+]]: tensor<?x?x40xf32>, %[[A:[a-z0-9]+]]: tensor<40x8xf32>, %[[B:[a-z0-9]+]]: tensor<?x?x8xf32>, %[[D:[a-z0-9]+]]: tensor<40xf32>, %[[H0:[a-z0-9]+]]: tensor<?x40x8xf32>
// CHECK: %[[BLOCKS:.+]] = arith.ceildivui %{{.+}}, %c16
// CHECK: llvm.getelementptr %{{.+}}[48]
// CHECK: %[[WORTH:.+]] = arith.cmpi uge
// CHECK: %[[FEW:.+]] = arith.minui %{{.+}}, %[[BLOCKS]]
// CHECK: %[[SHARES:.+]] = arith.select %[[WORTH]], %[[FEW]], %c1
// CHECK: %[[RES:.+]]:2 = scf.for %{{.+}} = %c0{{(_[0-9]+)?}} to %[[SHARES]] step %{{.+}} iter_args(%[[Y:.+]] = %{{.+}}, %[[H:.+]] = %{{.+}}) -> (tensor<?x?x40xf32>, tensor<?x40x8xf32>)
// CHECK: %[[C0:.+]] = arith.minui
// CHECK: %[[C1:.+]] = arith.minui
// CHECK: %[[N:.+]] = arith.subi %[[C1]], %[[C0]]
// CHECK: %[[US:.+]] = tensor.extract_slice %[[U]][0, 0, %[[C0]]] [%{{.+}}, %{{.+}}, %[[N]]] [1, 1, 1]
// CHECK: %[[DTS:.+]] = tensor.extract_slice %[[DT]][0, 0, %[[C0]]]
// CHECK: %[[AS:.+]] = tensor.extract_slice %[[A]][%[[C0]], 0] [%[[N]], 8] [1, 1]
// CHECK: %[[BS:.+]] = tensor.extract_slice %[[B]][0, 0, 0] [%{{.+}}, %{{.+}}, 8] [1, 1, 1]
// CHECK: %[[DS:.+]] = tensor.extract_slice %[[D]][%[[C0]]] [%[[N]]] [1]
// CHECK: %[[HS:.+]] = tensor.extract_slice %[[H0]][0, %[[C0]], 0]
// CHECK: %[[PY:.+]], %[[PH:.+]] = seq.selective_scan %[[US]], %[[DTS]], %[[AS]], %[[BS]], %[[BS]] skip(%[[DS]]) initial_state(%[[HS]]) {delta_softplus}
// CHECK: tensor.insert_slice %[[PY]] into %[[Y]][0, 0, %[[C0]]]
// CHECK: tensor.insert_slice %[[PH]] into %[[H]][0, %[[C0]], 0]
// CHECK: } {seqc.parallel}
// CHECK: tensor.cast %[[RES]]#1 : tensor<?x40x8xf32> to tensor<2x40x8xf32>
func.func @scan(%u: tensor<?x?x40xf32>, %dt: tensor<?x?x40xf32>, %a: tensor<40x8xf32>,
                %b: tensor<?x?x8xf32>, %d: tensor<40xf32>, %h0: tensor<?x40x8xf32>,
                %ctx: !llvm.ptr {seqc.model_context}) -> (tensor<?x?x40xf32>, tensor<2x40x8xf32>) {
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %b skip(%d) initial_state(%h0) {delta_softplus}
    : (tensor<?x?x40xf32>, tensor<?x?x40xf32>, tensor<40x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<40xf32>, tensor<?x40x8xf32>) -> (tensor<?x?x40xf32>, tensor<2x40x8xf32>)
  return %y, %h : tensor<?x?x40xf32>, tensor<2x40x8xf32>
}

// -----

// Left alone: no model context (no threads), and static sizes whose work
// (1 x 4 x 40 x 8 x 6) cannot reach 2 x 2^17.
// CHECK-LABEL: func.func @no_context
// CHECK-NOT: scf.for
// CHECK: seq.selective_scan
func.func @no_context(%u: tensor<?x?x40xf32>, %a: tensor<40x8xf32>, %b: tensor<?x?x8xf32>)
    -> tensor<?x?x40xf32> {
  %y, %h = seq.selective_scan %u, %u, %a, %b, %b
    : (tensor<?x?x40xf32>, tensor<?x?x40xf32>, tensor<40x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>) -> (tensor<?x?x40xf32>, tensor<?x40x8xf32>)
  return %y : tensor<?x?x40xf32>
}
// CHECK-LABEL: func.func @small
// CHECK-NOT: scf.for
// CHECK: seq.selective_scan
func.func @small(%u: tensor<1x4x40xf32>, %a: tensor<40x8xf32>, %b: tensor<1x4x8xf32>,
                 %ctx: !llvm.ptr {seqc.model_context}) -> tensor<1x4x40xf32> {
  %y, %h = seq.selective_scan %u, %u, %a, %b, %b
    : (tensor<1x4x40xf32>, tensor<1x4x40xf32>, tensor<40x8xf32>, tensor<1x4x8xf32>, tensor<1x4x8xf32>) -> (tensor<1x4x40xf32>, tensor<1x40x8xf32>)
  return %y : tensor<1x4x40xf32>
}

// -----

// A WKV: key, value and the initial state [B, 3, C] sliced along C, decay
// and bonus along their only dimension; result and final state inserted
// along C.
// CHECK-LABEL: func.func @wkv
// CHECK-SAME: %[[K:[a-z0-9]+]]: tensor<?x?x40xf32>, %[[W:[a-z0-9]+]]: tensor<40xf32>, %[[S0:[a-z0-9]+]]: tensor<?x3x40xf32>
// CHECK: %[[RES:.+]]:2 = scf.for {{.+}} iter_args(%[[Y:.+]] = %{{.+}}, %[[S:.+]] = %{{.+}}) -> (tensor<?x?x40xf32>, tensor<?x3x40xf32>)
// CHECK: %[[C0:.+]] = arith.minui
// CHECK: %[[KS:.+]] = tensor.extract_slice %[[K]][0, 0, %[[C0]]]
// CHECK: %[[WS:.+]] = tensor.extract_slice %[[W]][%[[C0]]]
// CHECK: %[[SS:.+]] = tensor.extract_slice %[[S0]][0, 0, %[[C0]]] [%{{.+}}, 3, %{{.+}}]
// CHECK: %[[PY:.+]], %[[PS:.+]] = seq.wkv %[[KS]], %[[KS]], %[[WS]], %[[WS]] initial_state(%[[SS]]) : {{.+}} -> (tensor<?x?x?xf32>, tensor<?x3x?xf32>)
// CHECK: tensor.insert_slice %[[PY]] into %[[Y]][0, 0, %[[C0]]]
// CHECK: tensor.insert_slice %[[PS]] into %[[S]][0, 0, %[[C0]]]
// CHECK: } {seqc.parallel}
func.func @wkv(%k: tensor<?x?x40xf32>, %w: tensor<40xf32>, %s0: tensor<?x3x40xf32>,
               %ctx: !llvm.ptr {seqc.model_context}) -> (tensor<?x?x40xf32>, tensor<?x3x40xf32>) {
  %y, %s = seq.wkv %k, %k, %w, %w initial_state(%s0)
    : (tensor<?x?x40xf32>, tensor<?x?x40xf32>, tensor<40xf32>, tensor<40xf32>, tensor<?x3x40xf32>) -> (tensor<?x?x40xf32>, tensor<?x3x40xf32>)
  return %y, %s : tensor<?x?x40xf32>, tensor<?x3x40xf32>
}
