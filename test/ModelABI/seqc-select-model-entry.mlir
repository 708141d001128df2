// RUN: seq-opt %s --split-input-file --seqc-select-model-entry --verify-diagnostics | FileCheck %s
// RUN: seq-opt %S/Inputs/two-public.mlir --seqc-select-model-entry=entry=second | FileCheck %s --check-prefix=NAMED

// The only public function with a body is the model; private helpers and
// declarations are not candidates.
// CHECK-LABEL: func.func private @helper
// CHECK-NOT: seq.model_entry
// CHECK: func.func @model({{.*}}) -> tensor<4xf32> attributes {seq.model_entry}
func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func private @declared(tensor<4xf32>) -> tensor<4xf32>
func.func @model(%x: tensor<4xf32>) -> tensor<4xf32> {
  %y = func.call @helper(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %y : tensor<4xf32>
}

// -----

// Several public functions and no entry=: an error lists them.
func.func @first(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
// expected-error @+1 {{the module has several public functions; choose the model with --entry (entry= in seq-opt): @first @second}}
func.func @second(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{the module has no public function with a body; a model is a public func.func}}
module {
  func.func private @helper(%x: tensor<4xf32>) -> tensor<4xf32> {
    return %x : tensor<4xf32>
  }
}

// entry= picks one of several.
// NAMED: func.func private @first(
// NAMED-NOT: seq.model_entry
// NAMED: func.func @second({{.*}}) -> tensor<4xf32> attributes {seq.model_entry}
