// RUN: seq-opt %s --split-input-file --seqc-model-abi=name=m --verify-diagnostics | FileCheck %s

// The model ABI phase inlines the entry's calls: only the entry gets the
// model context through which run-time checks report (a private helper
// holding a seq op on dynamic sizes failed with "a run-time check in a
// function without a model context").
// CHECK-NOT: @helper
// CHECK-LABEL: func.func @m__forward(
// CHECK-NOT: func.call
// CHECK: %[[R:.+]] = seq.activation <relu>
// CHECK: seq.activation <tanh> %[[R]]
// CHECK-NOT: @helper
func.func private @helper(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %z = seq.activation <relu> %x : tensor<?x4xf32>
  return %z : tensor<?x4xf32>
}
func.func @m(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %h = func.call @helper(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  %z = seq.activation <tanh> %h : tensor<?x4xf32>
  return %z : tensor<?x4xf32>
}

// -----

// A call left after inlining is recursion (the ABI rewrote the entry's
// signature, so the call used to fail with "incorrect number of operands
// for callee").
func.func @m(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  // expected-error @+1 {{the model calls @m, which cannot be inlined into it (a recursive call, or a function without a body); seqc compiles a model into one function}}
  %z = func.call @m(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
  return %z : tensor<?x4xf32>
}
