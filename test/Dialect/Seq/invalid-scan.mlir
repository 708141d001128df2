// RUN: seq-opt %s -split-input-file -verify-diagnostics

func.func @no_sequence(%h0: tensor<4xf32>) {
  // expected-error @+1 {{needs at least one sequence to scan over; the number of steps is its dimension 0}}
  %h = seq.scan step(%t) carry(%h = %h0 : tensor<4xf32>) {
    seq.yield %h : tensor<4xf32>
  }
  return
}

// -----

func.func @steps_differ(%a: tensor<3x4xf32>, %b: tensor<5x4xf32>) {
  // expected-error @+1 {{sequence #1 has 5 steps, but an earlier one has 3}}
  %y = seq.scan step(%t) over(%x = %a : tensor<3x4xf32>, %z = %b : tensor<5x4xf32>) outs(%a : tensor<3x4xf32>) {
    seq.yield %x : tensor<4xf32>
  }
  return
}

// -----

func.func @scalar_sequence(%a: tensor<f32>) {
  // expected-error @+1 {{a scanned sequence needs rank >= 1, found 'tensor<f32>'}}
  %y = seq.scan step(%t) over(%x = %a : tensor<f32>) {
    seq.yield %x : tensor<f32>
  }
  return
}

// -----

func.func @unranked(%a: tensor<*xf32>) {
  // expected-error @+1 {{expected a ranked tensor type}}
  %y = seq.scan step(%t) over(%x = %a : tensor<*xf32>) {
    seq.yield %x : tensor<f32>
  }
  return
}

// -----

func.func @output_steps(%a: tensor<3x4xf32>, %init: tensor<4x4xf32>) {
  // expected-error @+1 {{output #0 has 4 steps, but the sequences have 3}}
  %y = seq.scan step(%t) over(%x = %a : tensor<3x4xf32>) outs(%init : tensor<4x4xf32>) {
    seq.yield %x : tensor<4xf32>
  }
  return
}

// -----

func.func @output_rank(%a: tensor<3x4xf32>, %h0: tensor<4xf32>, %init: tensor<f32>) {
  // expected-error @+1 {{output #0 must have rank >= 1 (steps first)}}
  %h, %y = "seq.scan"(%h0, %a, %init) <{operandSegmentSizes = array<i32: 1, 1, 1>}> ({
  ^bb0(%t: index, %h: tensor<4xf32>, %x: tensor<4xf32>):
    seq.yield %h, %h : tensor<4xf32>, tensor<4xf32>
  }) : (tensor<4xf32>, tensor<3x4xf32>, tensor<f32>) -> (tensor<4xf32>, tensor<f32>)
  return
}

// -----

func.func @output_type(%a: tensor<3x4xf32>, %init: tensor<3x4xf32>) {
  // expected-error @+1 {{output #0 has type 'tensor<3x?xf32>', but its outs tensor has 'tensor<3x4xf32>'}}
  %y = "seq.scan"(%a, %init) <{operandSegmentSizes = array<i32: 0, 1, 1>}> ({
  ^bb0(%t: index, %x: tensor<4xf32>):
    seq.yield %x : tensor<4xf32>
  }) : (tensor<3x4xf32>, tensor<3x4xf32>) -> (tensor<3x?xf32>)
  return
}

// -----

func.func @final_state_type(%a: tensor<3x4xf32>, %h0: tensor<4xf32>) {
  // expected-error @+1 {{final state #0 has type 'tensor<8xf32>', but its initial value has 'tensor<4xf32>'}}
  %h = "seq.scan"(%h0, %a) <{operandSegmentSizes = array<i32: 1, 1, 0>}> ({
  ^bb0(%t: index, %h: tensor<4xf32>, %x: tensor<4xf32>):
    seq.yield %h : tensor<4xf32>
  }) : (tensor<4xf32>, tensor<3x4xf32>) -> (tensor<8xf32>)
  return
}

// -----

func.func @missing_results(%a: tensor<3x4xf32>, %h0: tensor<4xf32>) {
  // expected-error @+1 {{expects 1 result(s) (1 carried, 0 outs), found 0}}
  "seq.scan"(%h0, %a) <{operandSegmentSizes = array<i32: 1, 1, 0>}> ({
  ^bb0(%t: index, %h: tensor<4xf32>, %x: tensor<4xf32>):
    seq.yield %h : tensor<4xf32>
  }) : (tensor<4xf32>, tensor<3x4xf32>) -> ()
  return
}

// -----

func.func @body_arity(%a: tensor<3x4xf32>) {
  // expected-error @+1 {{body must take 2 arguments (step, carried, slices), found 1}}
  %y = "seq.scan"(%a, %a) <{operandSegmentSizes = array<i32: 0, 1, 1>}> ({
  ^bb0(%x: tensor<4xf32>):
    seq.yield %x : tensor<4xf32>
  }) : (tensor<3x4xf32>, tensor<3x4xf32>) -> (tensor<3x4xf32>)
  return
}

// -----

func.func @step_type(%a: tensor<3x4xf32>) {
  // expected-error @+1 {{body argument #0 (the step) must be index}}
  %y = "seq.scan"(%a, %a) <{operandSegmentSizes = array<i32: 0, 1, 1>}> ({
  ^bb0(%t: i64, %x: tensor<4xf32>):
    seq.yield %x : tensor<4xf32>
  }) : (tensor<3x4xf32>, tensor<3x4xf32>) -> (tensor<3x4xf32>)
  return
}

// -----

func.func @carried_arg(%a: tensor<3x4xf32>, %h0: tensor<4xf32>) {
  // expected-error @+1 {{carried argument #0 has type 'tensor<?xf32>', expected 'tensor<4xf32>'}}
  %h = "seq.scan"(%h0, %a) <{operandSegmentSizes = array<i32: 1, 1, 0>}> ({
  ^bb0(%t: index, %h: tensor<?xf32>, %x: tensor<4xf32>):
    seq.yield %x : tensor<4xf32>
  }) : (tensor<4xf32>, tensor<3x4xf32>) -> (tensor<4xf32>)
  return
}

// -----

func.func @slice_arg(%a: tensor<3x4xf32>) {
  // expected-error @+1 {{slice argument #0 has type 'tensor<3x4xf32>', expected 'tensor<4xf32>'}}
  %y = "seq.scan"(%a, %a) <{operandSegmentSizes = array<i32: 0, 1, 1>}> ({
  ^bb0(%t: index, %x: tensor<3x4xf32>):
    %s = tensor.extract_slice %x[0, 0] [1, 4] [1, 1] : tensor<3x4xf32> to tensor<4xf32>
    seq.yield %s : tensor<4xf32>
  }) : (tensor<3x4xf32>, tensor<3x4xf32>) -> (tensor<3x4xf32>)
  return
}

// -----

func.func @yield_count(%a: tensor<3x4xf32>, %h0: tensor<4xf32>) {
  %h, %y = seq.scan step(%t) carry(%h = %h0 : tensor<4xf32>) over(%x = %a : tensor<3x4xf32>) outs(%a : tensor<3x4xf32>) {
    // expected-error @+1 {{yields 1 value(s), expected 2 (1 carried, 1 per-step output(s))}}
    seq.yield %x : tensor<4xf32>
  }
  return
}

// -----

func.func @yield_carried(%a: tensor<3x4xf32>, %h0: tensor<4xf32>, %o: tensor<?xf32>) {
  %h = seq.scan step(%t) carry(%h = %h0 : tensor<4xf32>) over(%x = %a : tensor<3x4xf32>) {
    // expected-error @+1 {{carried value #0 has type 'tensor<?xf32>', expected 'tensor<4xf32>'}}
    seq.yield %o : tensor<?xf32>
  }
  return
}

// -----

func.func @yield_output(%a: tensor<3x4xf32>, %o: tensor<2xf32>) {
  %y = seq.scan step(%t) over(%x = %a : tensor<3x4xf32>) outs(%a : tensor<3x4xf32>) {
    // expected-error @+1 {{step output #0 has type 'tensor<2xf32>', expected 'tensor<4xf32>' (one step of 'tensor<3x4xf32>')}}
    seq.yield %o : tensor<2xf32>
  }
  return
}

// -----

func.func @yield_outside(%x: tensor<4xf32>) {
  // expected-error @+1 {{'seq.yield' op expects parent op 'seq.scan'}}
  seq.yield %x : tensor<4xf32>
}
