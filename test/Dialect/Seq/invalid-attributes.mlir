// RUN: seq-opt %s -split-input-file -verify-diagnostics

// The seq dialect's discardable attributes are checked at verify time.

// expected-error @+1 {{'seq.name' of argument 0 must be a non-empty string, found ""}}
func.func @empty_name(%x: tensor<4xf32> {seq.name = ""}) {
  return
}

// -----

// expected-error @+1 {{'seq.dims' of argument 0 must be an array of strings (one name per dimension, "" for none), found [1, 2]}}
func.func @dims_not_strings(%x: tensor<?x4xf32> {seq.dims = [1, 2]}) {
  return
}

// -----

// expected-error @+1 {{'seq.dims' of argument 0 names 3 dimension(s) of 'tensor<?x4xf32>', which has 2 (one name per dimension, "" for none)}}
func.func @dims_count(%x: tensor<?x4xf32> {seq.dims = ["T", "", ""]}) {
  return
}

// -----

// expected-error @+1 {{'seq.state' of argument 0 must be a unit attribute, found 1 : i64}}
func.func @state_not_unit(%x: tensor<4xf32> {seq.state = 1}) {
  return
}

// -----

// expected-error @+1 {{unknown attribute 'seq.sate' on argument 0 (the seq dialect's are seq.name, seq.dims, seq.dim_hints and seq.state, seq.in_place, seq.weight, seq.unsigned)}}
func.func @unknown_arg_attr(%x: tensor<4xf32> {seq.sate}) {
  return
}

// -----

// expected-error @+1 {{unknown attribute 'seq.in_place' on result 0 (the seq dialect's are seq.name, seq.dims, seq.dim_hints and seq.state, seq.unsigned)}}
func.func @in_place_result(%x: tensor<4xf32>) -> (tensor<4xf32> {seq.in_place}) {
  return %x : tensor<4xf32>
}

// -----

// expected-error @+1 {{'seq.model_name' must be a non-empty string on the module}}
module attributes {seq.model_name = 3} {
}

// -----

// An empty name would make the C API `__api` (reserved, and shared by
// every such model).
// expected-error @+1 {{'seq.model_name' must be a non-empty string on the module}}
module attributes {seq.model_name = ""} {
}

// -----

func.func @contraction(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{'seq.contraction' must be a unit attribute}}
  %0 = linalg.matmul {seq.contraction = "yes"} ins(%a, %a : tensor<2x2xf32>, tensor<2x2xf32>) outs(%a : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

func.func @unknown_op_attr(%a: tensor<2x2xf32>) -> tensor<2x2xf32> {
  // expected-error @+1 {{unknown attribute 'seq.fast' (the seq dialect's operation attributes are seq.model_name, seq.model_entry, seq.model_abi, seq.stream_dim and seq.contraction)}}
  %0 = linalg.matmul {seq.fast} ins(%a, %a : tensor<2x2xf32>, tensor<2x2xf32>) outs(%a : tensor<2x2xf32>) -> tensor<2x2xf32>
  return %0 : tensor<2x2xf32>
}

// -----

// expected-error @+1 {{'seq.stream_dim' names 'T', a dimension none of the function's arguments has (seq.dims)}}
func.func @stream_dim_unknown(%a: tensor<?xf32> {seq.dims = ["B"]}) -> tensor<?xf32> attributes {seq.stream_dim = "T"} {
  return %a : tensor<?xf32>
}

// -----

// expected-error @+1 {{'seq.stream_dim' must be a non-empty string on a function}}
func.func @stream_dim_not_string(%a: tensor<?xf32> {seq.dims = ["T"]}) -> tensor<?xf32> attributes {seq.stream_dim = 1 : i32} {
  return %a : tensor<?xf32>
}

// -----

// expected-error @+1 {{'seq.model_entry' must be a unit attribute on a function with a body}}
func.func @entry(%a: tensor<2xf32>) -> tensor<2xf32> attributes {seq.model_entry = 1 : i32} {
  return %a : tensor<2xf32>
}

// -----

// expected-error @+1 {{'seq.model_abi' needs a name and a forward entry}}
module attributes {seq.model_abi = {name = "m"}} {
}

// -----

// expected-error @+1 {{'seq.model_abi' entry 'forward' names no function 'm__forward'}}
module attributes {seq.model_abi = {name = "m", forward = {api = "m_api", function = "m__forward", signature = "out y f32 [2]\n"}}} {
}

// -----

// expected-error @+1 {{'seq.model_abi' entry 'step' must be a dictionary of the strings api, function and signature}}
module attributes {seq.model_abi = {name = "m", forward = {api = "m_api", function = "f", signature = ""}, step = {api = "m_step_api"}}} {
  func.func @f() {
    return
  }
}

// -----

// expected-error @+1 {{'seq.model_abi' has an unknown field 'backward' (fields: name, forward, step, no_step)}}
module attributes {seq.model_abi = {name = "m", backward = {}}} {
}

// -----

// expected-error @+1 {{'seq.model_abi' 'no_step' must be a string}}
module attributes {seq.model_abi = {name = "m", no_step = 3}} {
}

// -----

// expected-error @+1 {{'seq.model_abi' has both a step entry and a reason for none (no_step)}}
module attributes {seq.model_abi = {name = "m", forward = {api = "m_api", function = "f", signature = ""}, step = {api = "m_step_api", function = "f", signature = ""}, no_step = "why"}} {
  func.func @f() {
    return
  }
}

// -----

// expected-error @+1 {{'seq.model_abi' must be a dictionary on the module}}
func.func @abi() attributes {seq.model_abi = {name = "m"}} {
  return
}

// -----

// expected-error @+1 {{'seq.model_entry' must be a unit attribute on a function with a body}}
func.func private @declared(tensor<2xf32>) -> tensor<2xf32> attributes {seq.model_entry}
