// RUN: seq-opt %s --split-input-file --seqc-outline-repeated-layers | FileCheck %s

// Three copies of a layer (its weights w and b differ, its constant 0.5
// does not) become three calls of one function. The layer reads the
// previous layer's output, the size %n, its two weights and the context;
// the constant and the empty tensor (of size %n) are rematerialized
// inside. Arguments come in the order the first layer reads them. The
// check (on a size the layer computes, so that it stayed in
// the layer) names its layer's place: the function keeps each layer's
// message, selected by the layer index. The function also returns a
// flag, true when it ran to its end (false when it stopped on a failed
// check or allocation); after each call a check of it stops the caller.
// CHECK-LABEL: func.func @stack(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<4x?xf32>, %[[N:[a-z0-9]+]]: index, %[[CTX:[a-z0-9]+]]: !llvm.ptr
// CHECK-DAG: %[[W0:.+]] = arith.constant dense<1.000000e+00> : tensor<4xf32>
// CHECK-DAG: %[[W1:.+]] = arith.constant dense<2.000000e+00> : tensor<4xf32>
// CHECK-DAG: %[[W2:.+]] = arith.constant dense<3.000000e+00> : tensor<4xf32>
// CHECK: %[[I0:.+]] = arith.constant 0 : i64
// CHECK-NEXT: %[[Y0:.+]]:2 = call @stack_layer0(%[[X]], %[[W0]], %{{.+}}, %[[N]], %[[I0]], %[[CTX]])
// CHECK-NEXT: seq.check %[[Y0]]#1, shape "a repeated layer of the model failed"
// CHECK: %[[I1:.+]] = arith.constant 1 : i64
// CHECK-NEXT: %[[Y1:.+]]:2 = call @stack_layer0(%[[Y0]]#0, %[[W1]], %{{.+}}, %[[N]], %[[I1]], %[[CTX]])
// CHECK-NEXT: seq.check %[[Y1]]#1, shape "a repeated layer of the model failed"
// CHECK: %[[I2:.+]] = arith.constant 2 : i64
// CHECK-NEXT: %[[Y2:.+]]:2 = call @stack_layer0(%[[Y1]]#0, %[[W2]], %{{.+}}, %[[N]], %[[I2]], %[[CTX]])
// CHECK-NEXT: seq.check %[[Y2]]#1, shape "a repeated layer of the model failed"
// CHECK-NOT: linalg.generic
// CHECK: return %[[Y2]]#0

// CHECK-LABEL: func.func private @stack_layer0(
// CHECK-SAME: %[[LX:[a-z0-9]+]]: tensor<4x?xf32>, %[[LW:[a-z0-9]+]]: tensor<4xf32>, %[[LB:[a-z0-9]+]]: tensor<4xf32>, %[[LN:[a-z0-9]+]]: index, %[[LI:[a-z0-9]+]]: i64, %[[LCTX:[a-z0-9]+]]: !llvm.ptr {seqc.model_context}) -> (tensor<4x?xf32>, i1)
// CHECK-SAME: llvm.linkage = #llvm.linkage<internal>
// CHECK-DAG: arith.constant dense<5.000000e-01> : tensor<4xf32>
// CHECK-DAG: tensor.empty(%[[LN]]) : tensor<4x?xf32>
// CHECK: linalg.generic
// CHECK: seq.check %{{.+}}, shape "layer at m.onnx:1" found %{{.+}} selected by %[[LI]] from ["layer at m.onnx:1", "layer at m.onnx:2", "layer at m.onnx:3"]
// CHECK: linalg.generic
// CHECK: %[[TRUE:.+]] = arith.constant true
// CHECK: return %{{.+}}, %[[TRUE]] : tensor<4x?xf32>, i1
#col = affine_map<(d0, d1) -> (d0)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @stack(%x: tensor<4x?xf32>, %n: index, %ctx: !llvm.ptr {seqc.model_context}) -> tensor<4x?xf32> {
  %c1 = arith.constant 1 : index
  %w0 = arith.constant dense<1.0> : tensor<4xf32>
  %w1 = arith.constant dense<2.0> : tensor<4xf32>
  %w2 = arith.constant dense<3.0> : tensor<4xf32>
  %b0 = arith.constant dense<0.1> : tensor<4xf32>
  %b1 = arith.constant dense<0.2> : tensor<4xf32>
  %b2 = arith.constant dense<0.3> : tensor<4xf32>
  %half = arith.constant dense<0.5> : tensor<4xf32>
  %e = tensor.empty(%n) : tensor<4x?xf32>

  %a0 = linalg.generic {indexing_maps = [#id, #col, #col, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %w0, %b0, %half : tensor<4x?xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4x?xf32>) {
  ^bb0(%v: f32, %w: f32, %b: f32, %h: f32, %o: f32):
    %m = arith.mulf %v, %w : f32
    %s = arith.addf %m, %b : f32
    %t = arith.mulf %s, %h : f32
    linalg.yield %t : f32
  } -> tensor<4x?xf32>
  %d0 = tensor.dim %a0, %c1 : tensor<4x?xf32>
  %ok0 = arith.cmpi eq, %d0, %n : index
  %f0 = arith.index_cast %d0 : index to i64
  seq.check %ok0, shape "layer at m.onnx:1" found %f0
  %t0 = math.tanh %a0 : tensor<4x?xf32>
  %u0 = arith.addf %t0, %x : tensor<4x?xf32>
  %v0 = arith.mulf %u0, %u0 : tensor<4x?xf32>
  %y0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v0 : tensor<4x?xf32>) outs(%e : tensor<4x?xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.negf %v : f32
    linalg.yield %r : f32
  } -> tensor<4x?xf32>

  %a1 = linalg.generic {indexing_maps = [#id, #col, #col, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%y0, %w1, %b1, %half : tensor<4x?xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4x?xf32>) {
  ^bb0(%v: f32, %w: f32, %b: f32, %h: f32, %o: f32):
    %m = arith.mulf %v, %w : f32
    %s = arith.addf %m, %b : f32
    %t = arith.mulf %s, %h : f32
    linalg.yield %t : f32
  } -> tensor<4x?xf32>
  %d1 = tensor.dim %a1, %c1 : tensor<4x?xf32>
  %ok1 = arith.cmpi eq, %d1, %n : index
  %f1 = arith.index_cast %d1 : index to i64
  seq.check %ok1, shape "layer at m.onnx:2" found %f1
  %t1 = math.tanh %a1 : tensor<4x?xf32>
  %u1 = arith.addf %t1, %y0 : tensor<4x?xf32>
  %v1 = arith.mulf %u1, %u1 : tensor<4x?xf32>
  %y1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v1 : tensor<4x?xf32>) outs(%e : tensor<4x?xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.negf %v : f32
    linalg.yield %r : f32
  } -> tensor<4x?xf32>

  %a2 = linalg.generic {indexing_maps = [#id, #col, #col, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%y1, %w2, %b2, %half : tensor<4x?xf32>, tensor<4xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e : tensor<4x?xf32>) {
  ^bb0(%v: f32, %w: f32, %b: f32, %h: f32, %o: f32):
    %m = arith.mulf %v, %w : f32
    %s = arith.addf %m, %b : f32
    %t = arith.mulf %s, %h : f32
    linalg.yield %t : f32
  } -> tensor<4x?xf32>
  %d2 = tensor.dim %a2, %c1 : tensor<4x?xf32>
  %ok2 = arith.cmpi eq, %d2, %n : index
  %f2 = arith.index_cast %d2 : index to i64
  seq.check %ok2, shape "layer at m.onnx:3" found %f2
  %t2 = math.tanh %a2 : tensor<4x?xf32>
  %u2 = arith.addf %t2, %y1 : tensor<4x?xf32>
  %v2 = arith.mulf %u2, %u2 : tensor<4x?xf32>
  %y2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%v2 : tensor<4x?xf32>) outs(%e : tensor<4x?xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.negf %v : f32
    linalg.yield %r : f32
  } -> tensor<4x?xf32>
  return %y2 : tensor<4x?xf32>
}

// -----

// The same three layers, but the second one computes something else
// (subf for addf): the first and third are not back to back, so nothing
// is outlined.
// CHECK-LABEL: func.func @different
// CHECK-NOT: call
// CHECK-LABEL: func.func @in_place

// A step's key/value caches (states updated in place), one per layer: each
// layer writes its output into its own cache. The cache is an argument of
// the layer function and the updated cache one of its results
// (bufferization then writes through the argument and drops the result,
// test/Import/Onnx/repeated-layers.test).
// CHECK-SAME: %[[X:.+]]: tensor<4x8xf32>, %[[K0:.+]]: tensor<4x8xf32> {seq.in_place}, %[[K1:.+]]: tensor<4x8xf32> {seq.in_place}
// CHECK: %[[L0:.+]]:3 = call @in_place_layer0(%[[X]], %{{.+}}, %[[K0]],
// CHECK: %[[L1:.+]]:3 = call @in_place_layer0(%[[L0]]#0, %{{.+}}, %[[K1]],
// CHECK: return %[[L1]]#0, %[[L0]]#1, %[[L1]]#1
// CHECK: func.func private @in_place_layer0(
// CHECK-SAME: -> (tensor<4x8xf32>, tensor<4x8xf32>, i1)
// CHECK: tensor.insert_slice
#col = affine_map<(d0, d1) -> (d0)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @different(%x: tensor<4x8xf32>, %ctx: !llvm.ptr {seqc.model_context}) -> tensor<4x8xf32> {
  %w0 = arith.constant dense<1.0> : tensor<4xf32>
  %w1 = arith.constant dense<2.0> : tensor<4xf32>
  %w2 = arith.constant dense<3.0> : tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %a0 = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %w0 : tensor<4x8xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%v: f32, %w: f32, %o: f32):
    %m = arith.addf %v, %w : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  %t0 = math.tanh %a0 : tensor<4x8xf32>
  %p0 = arith.addf %t0, %x : tensor<4x8xf32>
  %q0 = arith.mulf %p0, %p0 : tensor<4x8xf32>
  %r0 = arith.addf %q0, %x : tensor<4x8xf32>
  %s0 = arith.mulf %r0, %r0 : tensor<4x8xf32>
  %u0 = arith.addf %s0, %x : tensor<4x8xf32>
  %y0 = arith.mulf %u0, %u0 : tensor<4x8xf32>
  %a1 = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%y0, %w1 : tensor<4x8xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%v: f32, %w: f32, %o: f32):
    %m = arith.subf %v, %w : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  %t1 = math.tanh %a1 : tensor<4x8xf32>
  %p1 = arith.subf %t1, %y0 : tensor<4x8xf32>
  %q1 = arith.mulf %p1, %p1 : tensor<4x8xf32>
  %r1 = arith.addf %q1, %y0 : tensor<4x8xf32>
  %s1 = arith.mulf %r1, %r1 : tensor<4x8xf32>
  %u1 = arith.addf %s1, %y0 : tensor<4x8xf32>
  %y1 = arith.mulf %u1, %u1 : tensor<4x8xf32>
  %a2 = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%y1, %w2 : tensor<4x8xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%v: f32, %w: f32, %o: f32):
    %m = arith.addf %v, %w : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  %t2 = math.tanh %a2 : tensor<4x8xf32>
  %p2 = arith.addf %t2, %y1 : tensor<4x8xf32>
  %q2 = arith.mulf %p2, %p2 : tensor<4x8xf32>
  %r2 = arith.addf %q2, %y1 : tensor<4x8xf32>
  %s2 = arith.mulf %r2, %r2 : tensor<4x8xf32>
  %u2 = arith.addf %s2, %y1 : tensor<4x8xf32>
  %y2 = arith.mulf %u2, %u2 : tensor<4x8xf32>
  return %y2 : tensor<4x8xf32>
}

func.func @in_place(%x: tensor<4x8xf32>, %k0: tensor<4x8xf32> {seq.in_place}, %k1: tensor<4x8xf32> {seq.in_place}, %ctx: !llvm.ptr {seqc.model_context}) -> (tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>) {
  %w0 = arith.constant dense<1.0> : tensor<4xf32>
  %w1 = arith.constant dense<2.0> : tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %a0 = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %w0 : tensor<4x8xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%v: f32, %w: f32, %o: f32):
    %m = arith.addf %v, %w : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  %t0 = math.tanh %a0 : tensor<4x8xf32>
  %p0 = arith.addf %t0, %x : tensor<4x8xf32>
  %q0 = arith.mulf %p0, %p0 : tensor<4x8xf32>
  %r0 = arith.addf %q0, %x : tensor<4x8xf32>
  %s0 = arith.mulf %r0, %r0 : tensor<4x8xf32>
  %u0 = arith.addf %s0, %x : tensor<4x8xf32>
  %y0 = arith.mulf %u0, %u0 : tensor<4x8xf32>
  %k0n = tensor.insert_slice %y0 into %k0[0, 0] [4, 8] [1, 1] : tensor<4x8xf32> into tensor<4x8xf32>
  %a1 = linalg.generic {indexing_maps = [#id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%y0, %w1 : tensor<4x8xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%v: f32, %w: f32, %o: f32):
    %m = arith.addf %v, %w : f32
    linalg.yield %m : f32
  } -> tensor<4x8xf32>
  %t1 = math.tanh %a1 : tensor<4x8xf32>
  %p1 = arith.addf %t1, %y0 : tensor<4x8xf32>
  %q1 = arith.mulf %p1, %p1 : tensor<4x8xf32>
  %r1 = arith.addf %q1, %y0 : tensor<4x8xf32>
  %s1 = arith.mulf %r1, %r1 : tensor<4x8xf32>
  %u1 = arith.addf %s1, %y0 : tensor<4x8xf32>
  %y1 = arith.mulf %u1, %u1 : tensor<4x8xf32>
  %k1n = tensor.insert_slice %y1 into %k1[0, 0] [4, 8] [1, 1] : tensor<4x8xf32> into tensor<4x8xf32>
  return %y1, %k0n, %k1n : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Input injection: every layer reads the model's input x besides the
// previous layer's output, so the first layer reads x in both places. A
// layer function made from the first layer would take one argument for
// both and compute layer_i(h, h) in the others: every read is compared,
// the first layer stays inline and the other three become calls that
// pass h and x apart.
// CHECK-LABEL: func.func @injection(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<4x8xf32>
// CHECK: linalg.generic {{.+}} ins(%[[X]], %[[X]], %{{.+}} :
// CHECK-COUNT-3: call @injection_layer0(%{{.+}}, %[[X]], %{{.+}}, %{{.+}}) :
// CHECK-NOT: call
// CHECK: return
// CHECK-LABEL: func.func private @injection_layer0(
// CHECK-SAME: tensor<4x8xf32>, %{{.+}}: tensor<4x8xf32>, %{{.+}}: tensor<4xf32>, %{{.+}}: !llvm.ptr
#col = affine_map<(d0, d1) -> (d0)>
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @injection(%x: tensor<4x8xf32>, %ctx: !llvm.ptr {seqc.model_context}) -> tensor<4x8xf32> {
  %w0 = arith.constant dense<1.0> : tensor<4xf32>
  %w1 = arith.constant dense<2.0> : tensor<4xf32>
  %w2 = arith.constant dense<3.0> : tensor<4xf32>
  %w3 = arith.constant dense<4.0> : tensor<4xf32>
  %e = tensor.empty() : tensor<4x8xf32>
  %a0 = linalg.generic {indexing_maps = [#id, #id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %x, %w0 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%v: f32, %u: f32, %w: f32, %o: f32):
    %m = arith.mulf %v, %w : f32
    %s = arith.addf %m, %u : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %t0 = math.tanh %a0 : tensor<4x8xf32>
  %p0 = arith.addf %t0, %x : tensor<4x8xf32>
  %q0 = arith.mulf %p0, %p0 : tensor<4x8xf32>
  %r0 = arith.addf %q0, %x : tensor<4x8xf32>
  %s0 = arith.mulf %r0, %r0 : tensor<4x8xf32>
  %u0 = arith.addf %s0, %x : tensor<4x8xf32>
  %y0 = arith.mulf %u0, %u0 : tensor<4x8xf32>
  %a1 = linalg.generic {indexing_maps = [#id, #id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%y0, %x, %w1 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%v: f32, %u: f32, %w: f32, %o: f32):
    %m = arith.mulf %v, %w : f32
    %s = arith.addf %m, %u : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %t1 = math.tanh %a1 : tensor<4x8xf32>
  %p1 = arith.addf %t1, %y0 : tensor<4x8xf32>
  %q1 = arith.mulf %p1, %p1 : tensor<4x8xf32>
  %r1 = arith.addf %q1, %y0 : tensor<4x8xf32>
  %s1 = arith.mulf %r1, %r1 : tensor<4x8xf32>
  %u1 = arith.addf %s1, %y0 : tensor<4x8xf32>
  %y1 = arith.mulf %u1, %u1 : tensor<4x8xf32>
  %a2 = linalg.generic {indexing_maps = [#id, #id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%y1, %x, %w2 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%v: f32, %u: f32, %w: f32, %o: f32):
    %m = arith.mulf %v, %w : f32
    %s = arith.addf %m, %u : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %t2 = math.tanh %a2 : tensor<4x8xf32>
  %p2 = arith.addf %t2, %y1 : tensor<4x8xf32>
  %q2 = arith.mulf %p2, %p2 : tensor<4x8xf32>
  %r2 = arith.addf %q2, %y1 : tensor<4x8xf32>
  %s2 = arith.mulf %r2, %r2 : tensor<4x8xf32>
  %u2 = arith.addf %s2, %y1 : tensor<4x8xf32>
  %y2 = arith.mulf %u2, %u2 : tensor<4x8xf32>
  %a3 = linalg.generic {indexing_maps = [#id, #id, #col, #id], iterator_types = ["parallel", "parallel"]} ins(%y2, %x, %w3 : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4xf32>) outs(%e : tensor<4x8xf32>) {
  ^bb0(%v: f32, %u: f32, %w: f32, %o: f32):
    %m = arith.mulf %v, %w : f32
    %s = arith.addf %m, %u : f32
    linalg.yield %s : f32
  } -> tensor<4x8xf32>
  %t3 = math.tanh %a3 : tensor<4x8xf32>
  %p3 = arith.addf %t3, %y2 : tensor<4x8xf32>
  %q3 = arith.mulf %p3, %p3 : tensor<4x8xf32>
  %r3 = arith.addf %q3, %y2 : tensor<4x8xf32>
  %s3 = arith.mulf %r3, %r3 : tensor<4x8xf32>
  %u3 = arith.addf %s3, %y2 : tensor<4x8xf32>
  %y3 = arith.mulf %u3, %u3 : tensor<4x8xf32>
  return %y3 : tensor<4x8xf32>
}

// -----

// Each layer writes into an empty tensor sized by the previous layer's
// output, and the copies' boundary falls between the size and the layer
// reading it: the empty tensor of the next layer is made inside this copy.
// It is passed on as an output, not rematerialized from a size the
// erased copy computed (that read freed memory); the call site makes a
// fresh empty tensor of the returned one's sizes for the next layer: the
// returned one may be the buffer the layer wrote its result into (a
// GPT-2 stack's residual sum), which bufferization cannot tell.
// CHECK-LABEL: func.func @sized_by_previous(
// CHECK: %[[E:.+]] = tensor.empty
// CHECK-NEXT: %[[A:.+]]:3 = call @sized_by_previous_layer0(%{{.+}}, %[[E]], %{{.+}})
// CHECK: %[[DA:.+]] = tensor.dim %[[A]]#1
// CHECK-NEXT: %[[EA:.+]] = tensor.empty(%[[DA]])
// CHECK: %[[B:.+]]:3 = call @sized_by_previous_layer0(%[[A]]#0, %[[EA]], %{{.+}})
// CHECK: %[[DB:.+]] = tensor.dim %[[B]]#1
// CHECK-NEXT: %[[EB:.+]] = tensor.empty(%[[DB]])
// CHECK: call @sized_by_previous_layer0(%[[B]]#0, %[[EB]], %{{.+}})
#id = affine_map<(d0, d1) -> (d0, d1)>
func.func @sized_by_previous(%x: tensor<4x?xf32>, %n: index, %ctx: !llvm.ptr {seqc.model_context}) -> tensor<4x?xf32> {
  %c1 = arith.constant 1 : index
  %e0 = tensor.empty(%n) : tensor<4x?xf32>
  %a0 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x?xf32>) outs(%e0 : tensor<4x?xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.negf %v : f32
    linalg.yield %r : f32
  } -> tensor<4x?xf32>
  %t0 = math.tanh %a0 : tensor<4x?xf32>
  %p0 = arith.addf %t0, %x : tensor<4x?xf32>
  %q0 = arith.mulf %p0, %p0 : tensor<4x?xf32>
  %r0 = arith.addf %q0, %x : tensor<4x?xf32>
  %h0 = arith.mulf %r0, %r0 : tensor<4x?xf32>
  %d1 = tensor.dim %h0, %c1 : tensor<4x?xf32>
  %e1 = tensor.empty(%d1) : tensor<4x?xf32>
  %a1 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%h0 : tensor<4x?xf32>) outs(%e1 : tensor<4x?xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.negf %v : f32
    linalg.yield %r : f32
  } -> tensor<4x?xf32>
  %t1 = math.tanh %a1 : tensor<4x?xf32>
  %p1 = arith.addf %t1, %h0 : tensor<4x?xf32>
  %q1 = arith.mulf %p1, %p1 : tensor<4x?xf32>
  %r1 = arith.addf %q1, %h0 : tensor<4x?xf32>
  %h1 = arith.mulf %r1, %r1 : tensor<4x?xf32>
  %d2 = tensor.dim %h1, %c1 : tensor<4x?xf32>
  %e2 = tensor.empty(%d2) : tensor<4x?xf32>
  %a2 = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%h1 : tensor<4x?xf32>) outs(%e2 : tensor<4x?xf32>) {
  ^bb0(%v: f32, %o: f32):
    %r = arith.negf %v : f32
    linalg.yield %r : f32
  } -> tensor<4x?xf32>
  %t2 = math.tanh %a2 : tensor<4x?xf32>
  %p2 = arith.addf %t2, %h1 : tensor<4x?xf32>
  %q2 = arith.mulf %p2, %p2 : tensor<4x?xf32>
  %r2 = arith.addf %q2, %h1 : tensor<4x?xf32>
  %h2 = arith.mulf %r2, %r2 : tensor<4x?xf32>
  %d3 = tensor.dim %h2, %c1 : tensor<4x?xf32>
  %e3 = tensor.empty(%d3) : tensor<4x?xf32>
  %z = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]} ins(%h2, %x : tensor<4x?xf32>, tensor<4x?xf32>) outs(%e3 : tensor<4x?xf32>) {
  ^bb0(%v: f32, %w: f32, %o: f32):
    %r = arith.addf %v, %w : f32
    linalg.yield %r : f32
  } -> tensor<4x?xf32>
  return %z : tensor<4x?xf32>
}
