// RUN: seq-opt %s --seqc-outline-attention-kernels --split-input-file | FileCheck %s

// @a (bottom_right) and @b (top_left over q's own length: the same
// attention) share a kernel, and so does @step's; @c's key length is not
// the query's (top_left stays, a kind of its own: inline); @d's scale makes
// it a kind of its own (inline). The operands' extent checks come before
// each call, with the attention's place in their messages.
// CHECK-LABEL: func.func @f(
// CHECK: seq.check %{{.+}}, shape "seq.attention at {{.+}}: 'value' dimension 2 is {}, but 'query' and 'key' make it a different size"
// CHECK: %[[L:.+]] = tensor.dim %arg0, %c2{{.*}} : tensor<1x4x?x8xf32>
// CHECK-NEXT: %[[OUT:.+]] = tensor.empty(%[[L]]) : tensor<1x4x?x8xf32>
// CHECK-NEXT: %[[A:.+]]:2 = call @f_attention0(%arg0, %arg1, %arg2, %[[OUT]], %arg4) : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, !llvm.ptr) -> (tensor<1x4x?x8xf32>, i1)
// CHECK-NEXT: seq.check %[[A]]#1, shape "an attention kernel of the model failed"
// CHECK: %[[B:.+]]:2 = call @f_attention0(%arg0, %arg0, %arg2, %{{.+}}, %arg4)
// CHECK: %[[C:.+]] = seq.attention %arg0, %arg3, %arg2 causal(top_left)
// CHECK: %[[D:.+]] = seq.attention %arg0, %arg1, %arg2 {scale = 5.000000e-01 : f32}
// CHECK: return %[[A]]#0, %[[B]]#0, %[[C]], %[[D]]
// CHECK: func.func private @f_attention0(%arg0: tensor<1x4x?x8xf32> {bufferization.buffer_layout = strided<[?, ?, ?, 1], offset: ?>}, %arg1: tensor<1x4x?x8xf32> {bufferization.buffer_layout = strided<[?, ?, ?, 1], offset: ?>}, %arg2: tensor<1x4x?x8xf32> {bufferization.buffer_layout = strided<[?, ?, ?, 1], offset: ?>}, %arg3: tensor<1x4x?x8xf32>, %arg4: !llvm.ptr {seqc.model_context}) -> (tensor<1x4x?x8xf32>, i1) attributes {llvm.linkage = #llvm.linkage<internal>} {
// CHECK-NEXT: %[[R:.+]] = seq.attention %arg0, %arg1, %arg2 causal(bottom_right)
// CHECK-NEXT: %[[W:.+]] = bufferization.materialize_in_destination %[[R]] in %arg3
// CHECK-NEXT: %[[TRUE:.+]] = arith.constant true
// CHECK-NEXT: return %[[W]], %[[TRUE]]
// CHECK-LABEL: func.func @step(
// CHECK: call @f_attention0(
// CHECK-LABEL: func.func @in_loop(
// CHECK: scf.for
// CHECK-COUNT-2: seq.attention
// CHECK-LABEL: func.func @no_context(
// CHECK-NOT: call
// CHECK-COUNT-2: seq.attention
// CHECK-NOT: func.func
func.func @f(%q: tensor<1x4x?x8xf32>, %k: tensor<1x4x?x8xf32>,
             %v: tensor<1x4x?x8xf32>, %k2: tensor<1x4x?x8xf32>,
             %ctx: !llvm.ptr {seqc.model_context})
    -> (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>,
        tensor<1x4x?x8xf32>) {
  %a = seq.attention %q, %k, %v causal(bottom_right)
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
  %b = seq.attention %q, %q, %v causal(top_left)
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
  %c = seq.attention %q, %k2, %v causal(top_left)
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
  %d = seq.attention %q, %k, %v {scale = 0.5 : f32}
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
  return %a, %b, %c, %d : tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>,
                          tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>
}
func.func @step(%q: tensor<1x4x?x8xf32>, %k: tensor<1x4x?x8xf32>,
                %v: tensor<1x4x?x8xf32>, %ctx: !llvm.ptr {seqc.model_context})
    -> tensor<1x4x?x8xf32> {
  %a = seq.attention %q, %k, %v causal(bottom_right)
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
  return %a : tensor<1x4x?x8xf32>
}
// An attention inside a loop (a hand-written scan's step) stays inline.
func.func @in_loop(%q: tensor<1x4x?x8xf32>, %k: tensor<1x4x?x8xf32>,
                   %v: tensor<1x4x?x8xf32>, %n: index,
                   %ctx: !llvm.ptr {seqc.model_context}) -> tensor<1x4x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %r = scf.for %i = %c0 to %n step %c1 iter_args(%h = %q) -> tensor<1x4x?x8xf32> {
    %a = seq.attention %h, %k, %v causal(bottom_right)
      : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
    %b = seq.attention %a, %k, %v causal(bottom_right)
      : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
    scf.yield %b : tensor<1x4x?x8xf32>
  }
  return %r : tensor<1x4x?x8xf32>
}
// Without a model context a kernel could not report a failure: inline.
func.func @no_context(%q: tensor<1x4x?x8xf32>, %k: tensor<1x4x?x8xf32>,
                      %v: tensor<1x4x?x8xf32>)
    -> (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) {
  %a = seq.attention %q, %k, %v causal(bottom_right)
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
  %b = seq.attention %q, %k, %v causal(bottom_right)
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
  return %a, %b : tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>
}

// -----

// Two attentions that differ only in their attributes (causal or not, a
// window, a mask) are different kernels, never one.
// CHECK-LABEL: func.func @kinds(
// CHECK-COUNT-2: call @kinds_attention0(
// CHECK-COUNT-2: call @kinds_attention1(
// CHECK-COUNT-2: call @kinds_attention2(
// CHECK: func.func private @kinds_attention0(
// CHECK-NEXT: seq.attention %arg0, %arg1, %arg2 :
// CHECK: func.func private @kinds_attention1(
// CHECK-NEXT: seq.attention %arg0, %arg1, %arg2 causal(bottom_right) {window = array<i64: 4, 0>}
// CHECK: func.func private @kinds_attention2(
// CHECK-NEXT: seq.attention %arg0, %arg1, %arg2 mask(%arg3) :
func.func @kinds(%q: tensor<1x4x?x8xf32>, %k: tensor<1x4x?x8xf32>,
                 %v: tensor<1x4x?x8xf32>, %m: tensor<?x?xi1>,
                 %ctx: !llvm.ptr {seqc.model_context}) {
  %a0 = seq.attention %q, %k, %v
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
  %a1 = seq.attention %q, %k, %v
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
  %b0 = seq.attention %q, %k, %v causal(bottom_right) {window = array<i64: 4, 0>}
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
  %b1 = seq.attention %q, %k, %v causal(bottom_right) {window = array<i64: 4, 0>}
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>) -> tensor<1x4x?x8xf32>
  %c0 = seq.attention %q, %k, %v mask(%m)
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<?x?xi1>) -> tensor<1x4x?x8xf32>
  %c1 = seq.attention %q, %k, %v mask(%m)
    : (tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<1x4x?x8xf32>, tensor<?x?xi1>) -> tensor<1x4x?x8xf32>
  return
}

// -----

// One value as two operands of the first attention of a kind (keys that
// are the values) is still two arguments of the kernel: the second call,
// with other values, computes with its own (before, the kernel read its
// keys twice: softmax(q k^T) k for the second attention's P v).
// CHECK-LABEL: func.func @aliased(
// CHECK: call @aliased_attention0(%arg0, %arg1, %arg1,
// CHECK: call @aliased_attention0(%arg0, %arg1, %arg2,
// CHECK: func.func private @aliased_attention0(
// CHECK-NEXT: seq.attention %arg0, %arg1, %arg2 :
func.func @aliased(%q: tensor<1x2x?x4xf32>, %k: tensor<1x2x?x4xf32>,
                   %v: tensor<1x2x?x4xf32>, %ctx: !llvm.ptr {seqc.model_context})
    -> (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) {
  %a = seq.attention %q, %k, %k
    : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %b = seq.attention %q, %k, %v
    : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %a, %b : tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>
}
