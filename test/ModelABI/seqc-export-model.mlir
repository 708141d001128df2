// RUN: seq-opt %s --split-input-file --seqc-export-model=name=m --verify-diagnostics | FileCheck %s

// Each entry is marked as seqc-select-model-entry marks it.

// A causal RNN: the entry becomes @m__forward, a streaming step @m__step
// is derived, both get C interfaces, and seq.model_abi records both
// signatures (the step's with its state).
// CHECK: module attributes {seq.model_abi = {forward = {api = "m_api", function = "m__forward", signature = "in x f32 [T,B,4]\0Aout y f32 [T,1,B,8]\0A"}, name = "m", step = {api = "m_step_api", function = "m__step", signature = "time T\0Ain x f32 [T,B,4]\0Astate state0 f32 [1,B,8]\0Aout y f32 [T,1,B,8]\0A", state_docs = ["h (y_h) of 'seq.rnn' at {{.*}}seqc-export-model.mlir:15:12"]}}}
// CHECK-NOT: seq.model_entry
// CHECK: func.func @m__forward({{.*}}) -> ({{.*}}) attributes {llvm.emit_c_interface} {
// CHECK: func.func @m__step({{.*}}) attributes {llvm.emit_c_interface, seq.state_docs = ["h (y_h) of {{.*}}"], seq.stream_dim = "T"} {
func.func @model(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]}) -> (tensor<?x1x?x8xf32> {seq.name = "y", seq.dims = ["T", "", "B", ""]}) attributes {seq.model_entry} {
  %w = arith.constant dense<0.5> : tensor<1x8x4xf32>
  %r = arith.constant dense<0.25> : tensor<1x8x8xf32>
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y : tensor<?x1x?x8xf32>
}

// -----

// A bidirectional RNN reads future steps: no step entry, and the reason
// recorded. Other public functions become private; unnamed dynamic
// dimensions are "?".
// CHECK: module attributes {seq.model_abi = {forward = {api = "m_api", function = "m__forward", signature = "in input0 f32 [T,B,4]\0Aout output0 f32 [?,2,?,8]\0A"}, name = "m", no_step = "'seq.rnn' at {{.*}}seqc-export-model.mlir:{{[0-9]+}}:{{[0-9]+}}: a bidirectional recurrence reads future steps"}}
// CHECK-NOT: m__step
// CHECK: func.func private @other(
// CHECK: func.func @m__forward(
// CHECK-NOT: m__step
func.func @other(%x: tensor<4xf32>) -> tensor<4xf32> {
  return %x : tensor<4xf32>
}
func.func @bidi(%x: tensor<?x?x4xf32> {seq.dims = ["T", "B", ""]}) -> tensor<?x2x?x8xf32> attributes {seq.model_entry} {
  %w = arith.constant dense<0.5> : tensor<2x8x4xf32>
  %r = arith.constant dense<0.25> : tensor<2x8x8xf32>
  %y, %h = seq.rnn %x, %w, %r direction(bidirectional) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<2x8x4xf32>, tensor<2x8x8xf32>) -> (tensor<?x2x?x8xf32>, tensor<2x?x8xf32>)
  return %y : tensor<?x2x?x8xf32>
}

// -----

// Types and names the C interface cannot carry.
// expected-error @+1 {{model input name 'x-1' is not a C identifier}}
func.func @bad_name(%x: tensor<4xf32> {seq.name = "x-1"}) -> tensor<4xf32> attributes {seq.model_entry} {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{model input 'input0' must be a ranked tensor, found 'tensor<*xf32>'}}
func.func @unranked(%x: tensor<*xf32>) -> tensor<*xf32> attributes {seq.model_entry} {
  return %x : tensor<*xf32>
}

// -----

// expected-error @+1 {{a model must return at least one tensor}}
func.func @nothing(%x: tensor<4xf32>) attributes {seq.model_entry} {
  return
}

// -----

// States alone are no outputs (the header had `seqc_tensor seqc_out[0]`).
// expected-error @+1 {{a model must return at least one tensor besides its states (all 1 results are marked seq.state)}}
func.func @only_states(%x: tensor<?x4xf32> {seq.name = "x", seq.state}) -> (tensor<?x4xf32> {seq.name = "y", seq.state}) attributes {seq.model_entry} {
  return %x : tensor<?x4xf32>
}

// -----

// One dimension name on static dimensions of two sizes (the name was
// dropped from the header without a word).
// expected-error @+1 {{dimension name 'T' labels input 'x' dimension 0 (size 3) and input 'y' dimension 0 (size 5); one name is one size}}
func.func @static_names(%x: tensor<3x4xf32> {seq.name = "x", seq.dims = ["T", ""]}, %y: tensor<5x4xf32> {seq.name = "y", seq.dims = ["T", ""]}) -> (tensor<3x4xf32> {seq.name = "z"}) attributes {seq.model_entry} {
  return %x : tensor<3x4xf32>
}
