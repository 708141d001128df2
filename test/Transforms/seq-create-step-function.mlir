// RUN: seq-opt %s --seq-create-step-function --split-input-file --verify-diagnostics | FileCheck %s

// An LSTM and a causal convolution: two recurrent states (h, c) and the
// convolution's history become state arguments and results. initial_h
// comes from the input h0, which stays an input: the first chunk after a
// stream opens (or resets) reads it, later ones the carried state, by a
// started flag (a state of its own, set to one by every chunk), as a run
// starts from h0. initial_c is absent: the state, zeros in a new stream.

// CHECK-LABEL: func.func @m_step(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x?x4xf32> {seq.dims = ["T", "B", ""], seq.name = "x"}
// CHECK-SAME: %[[H0:[a-z0-9]+]]: tensor<1x?x8xf32>,
// CHECK-SAME: %[[CX:[a-z0-9]+]]: tensor<?x8x?xf32> {seq.dims = ["B", "", "T"]}
// CHECK-SAME: %[[S0:[a-z0-9]+]]: tensor<1x?x8xf32> {seq.dims = ["", "B", ""], seq.name = "state0", seq.state}
// CHECK-SAME: %[[FLAG:[a-z0-9]+]]: tensor<1xi64> {seq.dims = [""], seq.name = "state1", seq.state}
// CHECK-SAME: %[[S1:[a-z0-9]+]]: tensor<1x?x8xf32> {seq.dims = ["", "B", ""], seq.name = "state2", seq.state}
// CHECK-SAME: %[[S2:[a-z0-9]+]]: tensor<?x8x4xf32> {seq.dims = ["B", "", ""], seq.name = "state3", seq.state}
// CHECK-SAME: -> (tensor<?x1x?x8xf32>, tensor<?x8x?xf32>, tensor<1x?x8xf32> {seq.dims = ["", "B", ""], seq.name = "state0", seq.state}, tensor<1xi64> {{.+}}, tensor<1x?x8xf32> {{.+}}, tensor<?x8x4xf32> {{.+}})
// CHECK: %[[ONE:.+]] = arith.constant dense<1> : tensor<1xi64>
// CHECK: %[[H0OR:.+]] = linalg.generic {{.+}} ins(%[[S0]], %[[H0]], %[[FLAG]] : tensor<1x?x8xf32>, tensor<1x?x8xf32>, tensor<1xi64>)
// CHECK: arith.select
// CHECK: %[[Y:.+]], %[[H:.+]], %[[C:.+]] = seq.lstm %[[X]], %{{.+}}, %{{.+}} initial_h(%[[H0OR]]) initial_c(%[[S1]])
// An empty chunk would leave the unpadded convolution without a window: a
// check says so before the lowering's receptive-field check would.
// CHECK: seq.check %{{.+}}, shape "seq.conv1d at {{.+}}.mlir:[[@LINE+12]]:8: a streamed chunk has {} steps; this causal convolution's step needs at least one"
// CHECK: %[[JOIN:.+]] = tensor.concat dim(2) %[[S2]], %[[CX]]
// CHECK: %[[NEXT:.+]] = tensor.extract_slice %[[JOIN]][0, 0, %{{.+}}] [%{{.+}}, 8, 4] [1, 1, 1]
// CHECK: %[[Z:.+]] = seq.conv1d %[[JOIN]], %{{.+}} {dilation = 2 : i64}
// CHECK: return %{{.+}}, %[[Z]], %[[H]], %[[ONE]], %[[C]], %[[NEXT]]
func.func @m(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]}, %h0: tensor<1x?x8xf32>, %cx: tensor<?x8x?xf32> {seq.dims = ["B", "", "T"]}) -> (tensor<?x1x?x8xf32>, tensor<?x8x?xf32>) {
  %w = arith.constant dense<0.5> : tensor<1x32x4xf32>
  %r = arith.constant dense<0.25> : tensor<1x32x8xf32>
  %cw = arith.constant dense<1.0> : tensor<8x8x3xf32>
  %y, %h, %c = seq.lstm %x, %w, %r initial_h(%h0) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x32x4xf32>, tensor<1x32x8xf32>, tensor<1x?x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>)
  %a = seq.activation <relu> %y : tensor<?x1x?x8xf32>
  %z = seq.conv1d %cx, %cw {dilation = 2 : i64, causal} : (tensor<?x8x?xf32>, tensor<8x8x3xf32>) -> tensor<?x8x?xf32>
  return %a, %z : tensor<?x1x?x8xf32>, tensor<?x8x?xf32>
}

// -----

// expected-error @+1 {{the model cannot be streamed: 'seq.rnn' at}}
func.func @bidirectional(%x: tensor<?x?x4xf32>, %w: tensor<2x8x4xf32>, %r: tensor<2x8x8xf32>) -> tensor<?x2x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r direction(bidirectional) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<2x8x4xf32>, tensor<2x8x8xf32>) -> (tensor<?x2x?x8xf32>, tensor<2x?x8xf32>)
  return %y : tensor<?x2x?x8xf32>
}

// -----

// expected-error @+1 {{a non-causal convolution reads future steps}}
func.func @noncausal(%x: tensor<?x8x?xf32>, %w: tensor<8x8x3xf32>) -> tensor<?x8x?xf32> {
  %z = seq.conv1d %x, %w : (tensor<?x8x?xf32>, tensor<8x8x3xf32>) -> tensor<?x8x?xf32>
  return %z : tensor<?x8x?xf32>
}

// -----

// Padding on both sides reads future steps even when it keeps T.
// expected-error @+1 {{a non-causal convolution reads future steps}}
func.func @symmetric_padding(%x: tensor<?x8x?xf32>, %w: tensor<8x8x3xf32>) -> tensor<?x8x?xf32> {
  %z = seq.conv1d %x, %w {padding = array<i64: 1, 1>} : (tensor<?x8x?xf32>, tensor<8x8x3xf32>) -> tensor<?x8x?xf32>
  return %z : tensor<?x8x?xf32>
}

// -----

// Padding past the kernel's reach reads no future step but delays the
// outputs (T + 1 of them): no stream either, for that reason.
// expected-error @+1 {{padding other than [2, 0] (dilation x (kernel - 1) on the left) does not make one output per input step}}
func.func @delayed_padding(%x: tensor<?x8x?xf32>, %w: tensor<8x8x3xf32>) -> tensor<?x8x?xf32> {
  %z = seq.conv1d %x, %w {padding = array<i64: 3, 0>} : (tensor<?x8x?xf32>, tensor<8x8x3xf32>) -> tensor<?x8x?xf32>
  return %z : tensor<?x8x?xf32>
}

// -----

// A model that is not causal is told so, even when an op before the one
// that reads future steps would stop the stream first (here a reshape
// that merges the batch with the heads and time); the reason was "a
// reshape that merges or splits dimensions of size other than 1 may mix
// time steps".
// expected-error @+1 {{attention without a causal mask reads future steps}}
func.func @merged_heads_bidirectional(%q: tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %b = tensor.dim %q, %c0 : tensor<?x2x?x4xf32>
  %t = tensor.dim %q, %c2 : tensor<?x2x?x4xf32>
  %m = tensor.collapse_shape %q [[0, 1, 2], [3]] : tensor<?x2x?x4xf32> into tensor<?x4xf32>
  %e = tensor.expand_shape %m [[0, 1, 2], [3]] output_shape [%b, 2, %t, 4] : tensor<?x4xf32> into tensor<?x2x?x4xf32>
  %o = seq.attention %e, %e, %e : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32>
  return %o : tensor<?x2x?x4xf32>
}

// -----

// All the padding on the left is causal without the attribute (an ONNX
// Conv with pads [2, 0]); a 1-wide kernel without padding is per step and
// needs no state (a TCN's residual projection).
// CHECK-LABEL: func.func @left_padding_step(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x8x?xf32>
// CHECK-SAME: %[[S:[a-z0-9]+]]: tensor<?x8x2xf32> {seq.dims = ["B", "", ""], seq.name = "state0", seq.state}
// CHECK: %[[JOIN:.+]] = tensor.concat dim(2) %[[S]], %[[X]]
// CHECK: seq.conv1d %[[JOIN]], %{{.+}} :
// CHECK: seq.conv1d %[[X]], %{{.+}} :
// CHECK-NOT: seq.state
func.func @left_padding(%x: tensor<?x8x?xf32>, %w: tensor<8x8x3xf32>, %w1: tensor<8x8x1xf32>) -> (tensor<?x8x?xf32>, tensor<?x8x?xf32>) {
  %z = seq.conv1d %x, %w {padding = array<i64: 2, 0>} : (tensor<?x8x?xf32>, tensor<8x8x3xf32>) -> tensor<?x8x?xf32>
  %p = seq.conv1d %x, %w1 : (tensor<?x8x?xf32>, tensor<8x8x1xf32>) -> tensor<?x8x?xf32>
  return %z, %p : tensor<?x8x?xf32>, tensor<?x8x?xf32>
}

// -----

// expected-error @+1 {{a strided convolution does not produce one output per input step}}
func.func @strided(%x: tensor<?x8x?xf32>, %w: tensor<8x8x3xf32>) -> tensor<?x8x?xf32> {
  %z = seq.conv1d %x, %w {causal, stride = 2 : i64} : (tensor<?x8x?xf32>, tensor<8x8x3xf32>) -> tensor<?x8x?xf32>
  return %z : tensor<?x8x?xf32>
}

// -----

// expected-error @+1 {{sequence_lens masks whole sequences; a stream has no known length}}
func.func @lengths(%x: tensor<?x?x4xf32>, %w: tensor<1x24x4xf32>, %r: tensor<1x24x8xf32>, %len: tensor<?xi32>) -> tensor<1x?x8xf32> {
  %y, %h = seq.gru %x, %w, %r sequence_lens(%len) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x24x4xf32>, tensor<1x24x8xf32>, tensor<?xi32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %h : tensor<1x?x8xf32>
}

// -----

// The lengths sorted first (pack_padded_sequence(enforce_sorted=False)'s
// TopK, a loop of its own over the batch): the recurrence's lengths are
// still the reason (before, the loop's use of the batch size was named).
// expected-error-re @+1 {{'seq.gru' at {{.+}}: sequence_lens masks whole sequences; a stream has no known length}}
func.func @sorted_lengths(%x: tensor<?x?x4xf32>, %w: tensor<1x24x4xf32>, %r: tensor<1x24x8xf32>, %len: tensor<?xi32>) -> tensor<1x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %len, %c0 : tensor<?xi32>
  %sorted = scf.for %i = %c0 to %b step %c1 iter_args(%acc = %len) -> (tensor<?xi32>) {
    scf.yield %acc : tensor<?xi32>
  }
  %y, %h = seq.gru %x, %w, %r sequence_lens(%sorted) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x24x4xf32>, tensor<1x24x8xf32>, tensor<?xi32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %h : tensor<1x?x8xf32>
}

// -----

// Causal attention streams through a key/value cache: [B, Hkv, capacity,
// D] per keys and values (only the 1 key/value head of this GQA model,
// not the query's 2) and the number of steps cached. The chunk's keys and
// values are written at that position after a capacity check, and the
// queries attend to the first position + L cached steps, bottom-right
// aligned; the window stays.
// CHECK-LABEL: func.func @attention_step(
// CHECK-SAME: %[[Q:[a-z0-9]+]]: tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""]}, %[[K:[a-z0-9]+]]: tensor<?x1x?x4xf32> {seq.dims = ["B", "", "T", ""]}, %[[V:[a-z0-9]+]]: tensor<?x1x?x8xf32>,
// CHECK-SAME: %[[KC:[a-z0-9]+]]: tensor<?x1x?x4xf32> {seq.dims = ["B", "", "capacity", ""], seq.in_place, seq.name = "state0", seq.state},
// CHECK-SAME: %[[VC:[a-z0-9]+]]: tensor<?x1x?x8xf32> {seq.dims = ["B", "", "capacity", ""], seq.in_place, seq.name = "state1", seq.state},
// CHECK-SAME: %[[POS:[a-z0-9]+]]: tensor<1xi64> {seq.dims = [""], seq.name = "state2", seq.state})
// The caches are updated in place (seq.in_place: writable for
// bufferization, returned uncopied); the position is a new value.
// CHECK: %[[P:.+]] = tensor.extract %[[POS]][%{{.+}}] : tensor<1xi64>
// CHECK: %[[START:.+]] = arith.index_cast %[[P]] : i64 to index
// CHECK: %[[L:.+]] = tensor.dim %[[K]], %{{.+}} : tensor<?x1x?x4xf32>
// CHECK: %[[END:.+]] = arith.addi %[[START]], %[[L]] : index
// CHECK: %[[CAP:.+]] = tensor.dim %[[KC]], %{{.+}} : tensor<?x1x?x4xf32>
// CHECK: %[[NONNEG:.+]] = arith.cmpi sge, %[[START]], %{{.+}} : index
// CHECK: seq.check %[[NONNEG]], shape "seq.attention at {{.+}}: the key/value cache's position is {}; it must not be negative"
// A position past the capacity is named before position + steps could wrap.
// CHECK: %[[INSIDE:.+]] = arith.cmpi ule, %[[START]], %[[CAP]] : index
// CHECK: seq.check %[[INSIDE]], shape "seq.attention at {{.+}}: the key/value cache's position is {}, past the capacity the stream was opened with"
// CHECK: %[[FITS:.+]] = arith.cmpi ule, %[[END]], %[[CAP]] : index
// CHECK: seq.check %[[FITS]], shape "seq.attention at {{.+}}: the key/value cache would hold {} steps, more than the capacity the stream was opened with"
// CHECK: %[[KN:.+]] = tensor.insert_slice %[[K]] into %[[KC]][0, 0, %[[START]], 0] [%{{.+}}, 1, %[[L]], 4] [1, 1, 1, 1]
// CHECK: %[[KS:.+]] = tensor.extract_slice %[[KN]][0, 0, 0, 0] [%{{.+}}, 1, %[[END]], 4] [1, 1, 1, 1]
// CHECK: %[[VN:.+]] = tensor.insert_slice %[[V]] into %[[VC]][0, 0, %[[START]], 0] [%{{.+}}, 1, %[[L]], 8] [1, 1, 1, 1]
// CHECK: %[[VS:.+]] = tensor.extract_slice %[[VN]][0, 0, 0, 0] [%{{.+}}, 1, %[[END]], 8] [1, 1, 1, 1]
// CHECK: %[[NEXT:.+]] = tensor.from_elements %{{.+}} : tensor<1xi64>
// CHECK: %[[O:.+]] = seq.attention %[[Q]], %[[KS]], %[[VS]] causal(bottom_right)
// CHECK: return %[[O]], %[[KN]], %[[VN]], %[[NEXT]]
func.func @attention(%q: tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""]}, %k: tensor<?x1x?x4xf32> {seq.dims = ["B", "", "T", ""]}, %v: tensor<?x1x?x8xf32>) -> tensor<?x2x?x8xf32> {
  %o = seq.attention %q, %k, %v causal(top_left) : (tensor<?x2x?x4xf32>, tensor<?x1x?x4xf32>, tensor<?x1x?x8xf32>) -> tensor<?x2x?x8xf32>
  return %o : tensor<?x2x?x8xf32>
}

// -----

// max_positions (a causal mask buffer's length) bounds the whole stream:
// the position, then position + steps, against it (not the chunk's
// length alone), beside the capacity checks.
// CHECK-LABEL: func.func @attention_max_positions
// CHECK: %[[START:.+]] = arith.index_cast %{{.+}} : i64 to index
// CHECK: %[[END:.+]] = arith.addi %[[START]], %{{.+}} : index
// CHECK: %[[LIMIT:.+]] = arith.constant 16 : index
// CHECK: %[[OK:.+]] = arith.cmpi ule, %[[START]], %[[LIMIT]] : index
// CHECK: seq.check %[[OK]], shape "seq.attention at {{.+}}: the stream's position is {}, more than its max_positions, 16 (the longest sequence the model defines it for)"
// CHECK: %[[REACH:.+]] = arith.cmpi ule, %[[END]], %[[LIMIT]] : index
// CHECK: seq.check %[[REACH]], shape "seq.attention at {{.+}}: the stream would reach {} steps, more than its max_positions, 16 (the longest sequence the model defines it for)"
// CHECK: seq.attention {{.+}} causal(bottom_right) {max_positions = 16 : i64}
func.func @attention_max_positions(%q: tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""]}, %k: tensor<?x1x?x4xf32> {seq.dims = ["B", "", "T", ""]}, %v: tensor<?x1x?x8xf32>) -> tensor<?x2x?x8xf32> {
  %o = seq.attention %q, %k, %v causal(top_left) {max_positions = 16 : i64} : (tensor<?x2x?x4xf32>, tensor<?x1x?x4xf32>, tensor<?x1x?x8xf32>) -> tensor<?x2x?x8xf32>
  return %o : tensor<?x2x?x8xf32>
}

// -----

// Sliding-window attention (3 earlier steps) keeps a ring of the last
// `capacity` steps: the chunk of L steps is written at position mod
// capacity (in two parts when it wraps), and the queries read the last
// min(end, 3 + L) steps in order (two slices joined); the window stays.
// The capacity must hold L + 3 steps and at least one.
// CHECK-LABEL: func.func @sliding_window_step(
// CHECK-SAME: %[[KC:[a-z0-9]+]]: tensor<?x1x?x4xf32> {seq.dims = ["B", "", "capacity", ""], seq.in_place, seq.name = "state0", seq.state},
// CHECK: %[[START:.+]] = arith.index_cast %{{.+}} : i64 to index
// CHECK: %[[L:.+]] = tensor.dim %{{.+}}, %{{.+}} : tensor<?x1x?x4xf32>
// CHECK: %[[END:.+]] = arith.addi %[[START]], %[[L]] : index
// CHECK: %[[CAP:.+]] = tensor.dim %[[KC]], %{{.+}} : tensor<?x1x?x4xf32>
// CHECK: seq.check %{{.+}}, shape "seq.attention at {{.+}}: the key/value cache's position is {}; it must not be negative"
// CHECK: %[[NEEDED:.+]] = arith.addi %[[L]], %{{.+}} : index
// CHECK: %[[FITS:.+]] = arith.cmpi ule, %[[NEEDED]], %[[CAP]] : index
// CHECK: seq.check %[[FITS]], shape "seq.attention at {{.+}}: a chunk and its sliding window of 3 earlier steps need a key/value cache of {} steps, more than the capacity the stream was opened with" found
// CHECK: seq.check %{{.+}}, shape "seq.attention at {{.+}}: a sliding-window key/value cache of {} steps holds nothing"
// CHECK: %[[SLOT:.+]] = arith.remui %[[START]], %[[CAP]] : index
// CHECK: %[[ROOM:.+]] = arith.subi %[[CAP]], %[[SLOT]] : index
// CHECK: %[[FIRST:.+]] = arith.minui %[[L]], %[[ROOM]] : index
// CHECK: %[[SEEN:.+]] = arith.minui %[[END]], %[[NEEDED]] : index
// CHECK: %[[K1:.+]] = tensor.extract_slice %{{.+}}[0, 0, 0, 0] [%{{.+}}, 1, %[[FIRST]], 4]
// CHECK: %[[W1:.+]] = tensor.insert_slice %[[K1]] into %[[KC]][0, 0, %[[SLOT]], 0] [%{{.+}}, 1, %[[FIRST]], 4]
// CHECK: %[[K2:.+]] = tensor.extract_slice %{{.+}}[0, 0, %[[FIRST]], 0]
// CHECK: %[[KN:.+]] = tensor.insert_slice %[[K2]] into %[[W1]][0, 0, 0, 0]
// CHECK: %[[KS:.+]] = tensor.concat dim(2)
// CHECK: seq.attention %{{.+}}, %[[KS]], %{{.+}} causal(bottom_right) {window = array<i64: 3, 0>}
// CHECK: return %{{.+}}, %[[KN]]
func.func @sliding_window(%q: tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""]}, %k: tensor<?x1x?x4xf32> {seq.dims = ["B", "", "T", ""]}, %v: tensor<?x1x?x8xf32>) -> tensor<?x2x?x8xf32> {
  %o = seq.attention %q, %k, %v causal(top_left) {window = array<i64: 3, 0>} : (tensor<?x2x?x4xf32>, tensor<?x1x?x4xf32>, tensor<?x1x?x8xf32>) -> tensor<?x2x?x8xf32>
  return %o : tensor<?x2x?x8xf32>
}

// -----

// Cross-attention to another input (a decoder's memory, its length a
// dimension of its own) reads no future step of the stream and carries
// nothing: each chunk's queries read all of the memory, which every chunk
// is given whole. The causal self-attention before it keeps the cache.
// CHECK-LABEL: func.func @cross_attention_step
// CHECK-SAME: %[[Q:[^:]+]]: tensor<1x2x?x4xf32>
// CHECK-SAME: %[[MEM:[^:]+]]: tensor<1x2x?x4xf32>
// CHECK: %[[SA:.+]] = seq.attention {{.+}} causal(bottom_right)
// CHECK: seq.attention %[[SA]], %[[MEM]], %[[MEM]] :
func.func @cross_attention(%q: tensor<1x2x?x4xf32> {seq.dims = ["", "", "T", ""]}, %mem: tensor<1x2x?x4xf32> {seq.dims = ["", "", "S", ""]}) -> tensor<1x2x?x4xf32> {
  %s = seq.attention %q, %q, %q causal(top_left) : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %o = seq.attention %s, %mem, %mem : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

// -----

// Keys projected from the memory (a contraction over its features) are
// the same in every chunk: the first chunk after the stream opens or
// resets computes them, a state keeps them ([1, 2, S, 4]: S is bound
// when the stream opens), and later chunks read the state instead.
// CHECK-LABEL: func.func @cross_attention_cached_step
// CHECK-SAME: %[[MEM:[^:]+]]: tensor<1x2x?x4xf32> {seq.dims = ["", "", "S", ""]}
// CHECK-SAME: %[[FLAG:[^:]+]]: tensor<1xi64> {seq.dims = [""], seq.name = "state3", seq.state}
// CHECK-SAME: %[[KEPT:[^:]+]]: tensor<1x2x?x4xf32> {seq.dims = ["", "", "S", ""], seq.name = "state4", seq.state}
// CHECK-SAME: "computed from inputs given whole in the first chunk after the stream opens or resets and read by later chunks ('linalg.generic' at
// CHECK: %[[STARTED:.+]] = tensor.extract %[[FLAG]]
// CHECK: %[[AFTER:.+]] = arith.cmpi ne, %[[STARTED]]
// CHECK: %[[K:.+]] = scf.if %[[AFTER]] -> (tensor<1x2x?x4xf32>) {
// CHECK-NEXT: scf.yield %[[KEPT]]
// CHECK-NEXT: } else {
// CHECK: %[[NEW:.+]] = linalg.generic {{.+}} ins(%[[MEM]]
// CHECK: scf.yield %[[NEW]]
// CHECK-NOT: linalg.generic
// CHECK: seq.attention %{{.+}}, %[[K]], %[[K]] :
// CHECK: return {{.+}}, %[[K]] :
func.func @cross_attention_cached(%q: tensor<1x2x?x4xf32> {seq.dims = ["", "", "T", ""]}, %mem: tensor<1x2x?x4xf32> {seq.dims = ["", "", "S", ""]}) -> tensor<1x2x?x4xf32> {
  %w = arith.constant dense<0.5> : tensor<4x4xf32>
  %c2 = arith.constant 2 : index
  %s = tensor.dim %mem, %c2 : tensor<1x2x?x4xf32>
  %e = tensor.empty(%s) : tensor<1x2x?x4xf32>
  %zero = arith.constant 0.0 : f32
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %k = linalg.generic {indexing_maps = [affine_map<(a, b, s, f, g) -> (a, b, s, g)>, affine_map<(a, b, s, f, g) -> (g, f)>, affine_map<(a, b, s, f, g) -> (a, b, s, f)>], iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction"]} ins(%mem, %w : tensor<1x2x?x4xf32>, tensor<4x4xf32>) outs(%z : tensor<1x2x?x4xf32>) {
  ^bb0(%x: f32, %y: f32, %o: f32):
    %m = arith.mulf %x, %y : f32
    %a = arith.addf %o, %m : f32
    linalg.yield %a : f32
  } -> tensor<1x2x?x4xf32>
  %sa = seq.attention %q, %q, %q causal(top_left) : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %o = seq.attention %sa, %k, %k : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

// -----

// Another input read along the time loop (x + other, other [T2, B, 8]) is
// as long as x at run time; a stream would chunk x and give other whole,
// failing every chunk shorter than the sequence.
// expected-error @+1 {{it reads input 'x' dimension 0 (T) and input 'other' dimension 0 (T2) along one loop, so they are one size, but a stream splits only the first into chunks: give them one name}}
func.func @other_length_on_time_loop(%x: tensor<?x?x8xf32> {seq.dims = ["T", "B", ""], seq.name = "x"}, %other: tensor<?x?x8xf32> {seq.dims = ["T2", "B", ""], seq.name = "other"}, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x1x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %e = tensor.empty(%t, %b) : tensor<?x?x8xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %other : tensor<?x?x8xf32>, tensor<?x?x8xf32>) outs(%e : tensor<?x?x8xf32>) {
  ^bb0(%a: f32, %o: f32, %out: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<?x?x8xf32>
  %y, %h = seq.rnn %sum, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y : tensor<?x1x?x8xf32>
}

// -----

// A memory whose length has the time axis's name is chunked with the
// stream: attention over it is self-attention reading future steps.
// expected-error @+1 {{attention without a causal mask reads future steps (cross-attention to a decoder's memory streams when its keys follow back to an input dimension named other than the time axis, S of memory [S, B, E])}}
func.func @cross_attention_same_name(%q: tensor<1x2x?x4xf32> {seq.dims = ["", "", "T", ""]}, %mem: tensor<1x2x?x4xf32> {seq.dims = ["", "", "T", ""]}) -> tensor<1x2x?x4xf32> {
  %s = seq.attention %q, %q, %q causal(top_left) : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %o = seq.attention %s, %mem, %mem : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

// -----

// A window without `causal` pairs query i with keys near i, the query's
// index in the op (Luong's local attention |t - s| <= D, raised as a
// band): in a chunk that index restarts at 0.
// expected-error @+1 {{cross-attention with a window, a position bias or max_positions pairs each query's position with the keys', which restarts at every chunk}}
func.func @cross_attention_window(%q: tensor<1x2x?x4xf32> {seq.dims = ["", "", "T", ""]}, %mem: tensor<1x2x?x4xf32> {seq.dims = ["", "", "S", ""]}) -> tensor<1x2x?x4xf32> {
  %s = seq.attention %q, %q, %q causal(top_left) : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %o = seq.attention %s, %mem, %mem {window = array<i64: 1, 1>} : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

// -----

// Keys that are another attention's output over the memory's steps (an
// encoder in the same graph: attention over its source, reading its future
// steps) are computed from memory alone, which each chunk is given whole:
// the first chunk computes them, that attention with them, carrying
// nothing (no cache for it), and a state keeps them for later chunks.
// CHECK-LABEL: func.func @cross_attention_encoder_keys_step
// CHECK-SAME: %[[MEM:[^:]+]]: tensor<1x2x?x4xf32> {seq.dims = ["", "", "S", ""]}
// CHECK-SAME: %[[KEPT:[^:]+]]: tensor<1x2x?x4xf32> {seq.dims = ["", "", "S", ""], seq.name = "state4", seq.state}
// CHECK-NOT: state5
// CHECK: %[[K:.+]] = scf.if %{{.+}} -> (tensor<1x2x?x4xf32>) {
// CHECK-NEXT: scf.yield %[[KEPT]]
// CHECK-NEXT: } else {
// CHECK-NEXT: %[[ENC:.+]] = seq.attention %[[MEM]], %[[MEM]], %[[MEM]] :
// CHECK-NEXT: scf.yield %[[ENC]]
// CHECK: seq.attention %{{.+}}, %[[K]], %[[K]] :
func.func @cross_attention_encoder_keys(%q: tensor<1x2x?x4xf32> {seq.dims = ["", "", "T", ""]}, %mem: tensor<1x2x?x4xf32> {seq.dims = ["", "", "S", ""]}) -> tensor<1x2x?x4xf32> {
  %k = seq.attention %mem, %mem, %mem : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %s = seq.attention %q, %q, %q causal(top_left) : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %o = seq.attention %s, %k, %k : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

// -----

// The same encoder over an input that shares the time axis's name is
// chunked with it: its attention would read a chunk's future steps alone.
// expected-error @+1 {{attention without a causal mask reads future steps}}
func.func @encoder_same_name(%q: tensor<1x2x?x4xf32> {seq.dims = ["", "", "T", ""]}, %mem: tensor<1x2x?x4xf32> {seq.dims = ["", "", "T", ""]}) -> tensor<1x2x?x4xf32> {
  %k = seq.attention %mem, %mem, %mem : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %s = seq.attention %q, %q, %q causal(top_left) : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %o = seq.attention %s, %k, %k : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

// -----

// An encoder's causal attention over memory (feeding cross-attention's
// keys) carries nothing either: memory is whole in every chunk.
// CHECK-LABEL: func.func @cross_attention_stateful_keys_step
// CHECK: scf.if
// CHECK: seq.attention {{.+}} causal(top_left)
// CHECK: scf.yield
func.func @cross_attention_stateful_keys(%q: tensor<1x2x?x4xf32> {seq.dims = ["", "", "T", ""]}, %mem: tensor<1x2x?x4xf32> {seq.dims = ["", "", "S", ""]}) -> tensor<1x2x?x4xf32> {
  %k = seq.attention %mem, %mem, %mem causal(top_left) : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %s = seq.attention %q, %q, %q causal(top_left) : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  %o = seq.attention %s, %k, %k : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

// -----

// expected-error @+1 {{attention without a causal mask reads future steps}}
func.func @bidirectional_attention(%q: tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32> {
  %o = seq.attention %q, %q, %q : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>) -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

// -----

// expected-error @+1 {{an explicit mask spans the whole sequence and cannot be cut into chunks; streaming attention supports `causal` (and `window`) only (a causal decoder exported with a key padding mask, tgt_key_padding_mask or a padding attention_mask, streams exported without it}}
func.func @masked_attention(%q: tensor<1x2x?x4xf32>, %m: tensor<?x?xf32>) -> tensor<1x2x?x4xf32> {
  %o = seq.attention %q, %q, %q mask(%m) causal(top_left) : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<?x?xf32>) -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

// -----

// A mask operand without `causal` is what was left once no causal band
// could be read off the model's masks (a causal mask combined with a key
// padding mask, say): the reason says so instead of calling the model
// one without a causal mask.
// expected-error @+1 {{attention whose mask is not a causal band alone reads future steps: its mask, kept whole (a causal mask combined with a key padding mask, or one seqc does not read as causal), spans the whole sequence; only a causal (or sliding-window) mask streams (a causal decoder exported with a key padding mask, tgt_key_padding_mask or a padding attention_mask, streams exported without it: a stream has no padding, and for right-padded rows a causal mask already hides every padded key from the real steps) (cross-attention to a decoder's memory streams when its keys follow back to an input dimension named other than the time axis, S of memory [S, B, E])}}
func.func @mask_without_causal(%q: tensor<1x2x?x4xf32>, %m: tensor<?x?xf32>) -> tensor<1x2x?x4xf32> {
  %o = seq.attention %q, %q, %q mask(%m) : (tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<1x2x?x4xf32>, tensor<?x?xf32>) -> tensor<1x2x?x4xf32>
  return %o : tensor<1x2x?x4xf32>
}

// -----

// expected-error @+1 {{the key/value heads and head sizes must be static}}
func.func @dynamic_heads(%q: tensor<1x?x?x4xf32>) -> tensor<1x?x?x4xf32> {
  %o = seq.attention %q, %q, %q causal(top_left) : (tensor<1x?x?x4xf32>, tensor<1x?x?x4xf32>, tensor<1x?x?x4xf32>) -> tensor<1x?x?x4xf32>
  return %o : tensor<1x?x?x4xf32>
}

// -----

// A fixed-length attention (keys of a static length) is not a stream.
// expected-error @+1 {{the query and key lengths must be the stream's run-time number of steps}}
func.func @static_length(%q: tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32> {
  %o = seq.attention %q, %q, %q causal(top_left) : (tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>, tensor<1x2x8x4xf32>) -> tensor<1x2x8x4xf32>
  return %o : tensor<1x2x8x4xf32>
}

// -----

// expected-error @+1 {{normalizing over more than the feature dimension mixes time steps}}
func.func @norm(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x1x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %n = seq.layer_norm %y {axis = 0 : i64} : (tensor<?x1x?x8xf32>) -> tensor<?x1x?x8xf32>
  return %n : tensor<?x1x?x8xf32>
}

// -----

// expected-error @+1 {{the model carries no state between time steps}}
func.func @stateless(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  %y = seq.activation <relu> %x : tensor<?x4xf32>
  return %y : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{not known to act on each time step independently}}
func.func @unknown(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<1x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %c0 = arith.constant 0 : index
  %first = tensor.extract %y[%c0, %c0, %c0, %c0] : tensor<?x1x?x8xf32>
  return %h : tensor<1x?x8xf32>
}

// -----

// Dropping the unit direction dimension of a recurrence's output is per step.
// CHECK-LABEL: func.func @unit_reshape_step(
// CHECK: tensor.collapse_shape %{{.+}} {{\[}}[0, 1], [2], [3]]
func.func @unit_reshape(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %c = tensor.collapse_shape %y [[0, 1], [2], [3]] : tensor<?x1x?x8xf32> into tensor<?x?x8xf32>
  return %c : tensor<?x?x8xf32>
}

// -----

// expected-error @+1 {{a reshape that merges or splits dimensions of size other than 1 may mix time steps}}
func.func @merging_reshape(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %c = tensor.collapse_shape %y [[0, 1, 2], [3]] : tensor<?x1x?x8xf32> into tensor<?x8xf32>
  return %c : tensor<?x8xf32>
}

// -----

// A Mamba block's shape: in_proj split into x and z by feature slices, a
// depthwise causal convolution between transposes, and a selective scan
// whose [B, D, N] state is carried (its initial_state bound to a state
// argument, its final_state returned).
// CHECK-LABEL: func.func @mamba_step(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x?x4xf32> {seq.dims = ["B", "T", ""], seq.name = "x"}
// CHECK-SAME: %[[S0:[a-z0-9]+]]: tensor<?x4x3xf32> {seq.dims = ["B", "", ""], seq.name = "state0", seq.state}
// CHECK-SAME: %[[S1:[a-z0-9]+]]: tensor<?x4x3xf32> {seq.dims = ["B", "", ""], seq.name = "state1", seq.state}
// CHECK: tensor.concat dim(2) %[[S0]]
// CHECK: %[[Y:.+]], %[[H:.+]] = seq.selective_scan {{.+}} initial_state(%[[S1]]) {delta_softplus}
// CHECK: return %{{.+}}, %{{.+}}, %[[H]]
func.func @mamba(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["B", "T", ""]}) -> tensor<?x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %win = arith.constant dense<0.5> : tensor<8x4xf32>
  %cw = arith.constant dense<0.25> : tensor<4x1x4xf32>
  %a = arith.constant dense<-1.0> : tensor<4x3xf32>
  %xz = seq.linear %x, %win : (tensor<?x?x4xf32>, tensor<8x4xf32>) -> tensor<?x?x8xf32>
  %b = tensor.dim %xz, %c0 : tensor<?x?x8xf32>
  %t = tensor.dim %xz, %c1 : tensor<?x?x8xf32>
  %u = tensor.extract_slice %xz[0, 0, 0] [%b, %t, 4] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x4xf32>
  %z = tensor.extract_slice %xz[0, 0, 4] [%b, %t, 4] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x4xf32>
  %e = tensor.empty(%b, %t) : tensor<?x4x?xf32>
  %uc = linalg.transpose ins(%u : tensor<?x?x4xf32>) outs(%e : tensor<?x4x?xf32>) permutation = [0, 2, 1]
  %conv = seq.conv1d %uc, %cw {groups = 4 : i64, causal} : (tensor<?x4x?xf32>, tensor<4x1x4xf32>) -> tensor<?x4x?xf32>
  %e2 = tensor.empty(%b, %t) : tensor<?x?x4xf32>
  %v = linalg.transpose ins(%conv : tensor<?x4x?xf32>) outs(%e2 : tensor<?x?x4xf32>) permutation = [0, 2, 1]
  %bc = tensor.extract_slice %xz[0, 0, 0] [%b, %t, 3] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x3xf32>
  %y, %h = seq.selective_scan %v, %u, %a, %bc, %bc gate(%z) {delta_softplus}
    : (tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<4x3xf32>, tensor<?x?x3xf32>, tensor<?x?x3xf32>, tensor<?x?x4xf32>) -> (tensor<?x?x4xf32>, tensor<?x4x3xf32>)
  return %y : tensor<?x?x4xf32>
}

// -----

// A slice of the time dimension (here its first step) selects steps; the
// first step's slice says how a time shift streams.
// expected-error @+1 {{a slice of a dimension of unknown size may select time steps (x[:1] is each chunk's first step; a time shift streams written torch.cat([torch.zeros_like(x[:1]), x[:-1]]) or with F.pad)}}
func.func @time_slice(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<1x1x2x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %first = tensor.extract_slice %y[0, 0, 0, 0] [1, 1, 2, 8] [1, 1, 1, 1] : tensor<?x1x?x8xf32> to tensor<1x1x2x8xf32>
  return %first : tensor<1x1x2x8xf32>
}

// -----

// A position table sliced to the chunk's length would restart at position
// 0 in every chunk.
// expected-error @+1 {{a slice whose bounds are run-time sizes may select time steps}}
func.func @position_table(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %table = arith.constant dense<1.0> : tensor<16x8xf32>
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %t = tensor.dim %x, %c0 : tensor<?x?x4xf32>
  %pos = tensor.extract_slice %table[0, 0] [%t, 8] [1, 1] : tensor<16x8xf32> to tensor<?x8xf32>
  return %pos : tensor<?x8xf32>
}

// -----

// Stacking two layers' final states (h_n) joins a dimension of static size.
// CHECK-LABEL: func.func @stacked_states_step(
// CHECK: %[[H:.+]] = tensor.concat dim(0)
// CHECK: return %[[H]],
func.func @stacked_states(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<2x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %y2, %h2 = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %hn = tensor.concat dim(0) %h, %h2 : (tensor<1x?x8xf32>, tensor<1x?x8xf32>) -> tensor<2x?x8xf32>
  return %hn : tensor<2x?x8xf32>
}

// -----

// expected-error @+1 {{a concatenation along a dimension of run-time size may join time steps}}
func.func @time_concat(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x1x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %both = tensor.concat dim(0) %y, %y : (tensor<?x1x?x8xf32>, tensor<?x1x?x8xf32>) -> tensor<?x1x?x8xf32>
  return %both : tensor<?x1x?x8xf32>
}

// -----

// h0 [2, B, 8] feeds the two layers' initial states through slices (sized
// by tensor.dim): the step keeps h0 as an input and both layers start from
// their slice in the first chunk, sharing one started flag.
// CHECK-LABEL: func.func @sliced_initial_states_step(
// CHECK-SAME: %{{[a-z0-9]+}}: tensor<?x?x4xf32> {seq.dims = ["", "B", ""], seq.name = "x"}, %[[H0:[a-z0-9]+]]: tensor<2x?x8xf32> {seq.name = "h0"}, %{{[a-z0-9]+}}: tensor<1x8x4xf32>, %{{[a-z0-9]+}}: tensor<1x8x8xf32>,
// CHECK-SAME: %[[S0:[a-z0-9]+]]: tensor<1x?x8xf32> {seq.dims = ["", "B", ""], seq.name = "state0", seq.state},
// CHECK-SAME: %[[FLAG:[a-z0-9]+]]: tensor<1xi64> {seq.dims = [""], seq.name = "state1", seq.state},
// CHECK-SAME: %[[S1:[a-z0-9]+]]: tensor<1x?x8xf32> {seq.dims = ["", "B", ""], seq.name = "state2", seq.state})
// CHECK: %[[L0:.+]] = tensor.extract_slice %[[H0]][0, 0, 0]
// CHECK: %[[L1:.+]] = tensor.extract_slice %[[H0]][1, 0, 0]
// CHECK: %[[I0:.+]] = linalg.generic {{.+}} ins(%[[S0]], %[[L0]], %[[FLAG]]
// CHECK: seq.rnn {{.+}} initial_h(%[[I0]])
// CHECK: %[[I1:.+]] = linalg.generic {{.+}} ins(%[[S1]], %[[L1]], %[[FLAG]]
// CHECK: seq.rnn {{.+}} initial_h(%[[I1]])
// CHECK: return
func.func @sliced_initial_states(%x: tensor<?x?x4xf32> {seq.name = "x"}, %h0: tensor<2x?x8xf32> {seq.name = "h0"}, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<1x?x8xf32> {
  %c1 = arith.constant 1 : index
  %b = tensor.dim %h0, %c1 : tensor<2x?x8xf32>
  %s0 = tensor.extract_slice %h0[0, 0, 0] [1, %b, 8] [1, 1, 1] : tensor<2x?x8xf32> to tensor<1x?x8xf32>
  %s1 = tensor.extract_slice %h0[1, 0, 0] [1, %b, 8] [1, 1, 1] : tensor<2x?x8xf32> to tensor<1x?x8xf32>
  %y, %h = seq.rnn %x, %w, %r initial_h(%s0) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<1x?x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %y2, %h2 = seq.rnn %x, %w, %r initial_h(%s1) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<1x?x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %h2 : tensor<1x?x8xf32>
}

// -----

// Learned positions continue across chunks: seq.positions takes the steps
// seen so far (a [1] i64 state) as its offset, and the state advances by
// the chunk's length. The broadcasting add of the position rows (an
// elementwise generic) is per step.
// CHECK-LABEL: func.func @positions_step(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x?x8xf32>
// CHECK-SAME: %[[SEEN:[a-z0-9]+]]: tensor<1xi64> {seq.dims = [""], seq.name = "state0", seq.state}
// CHECK: %[[START:.+]] = tensor.extract %[[SEEN]]
// CHECK: %[[L:.+]] = tensor.dim %[[X]], %{{.+}}
// CHECK: %[[L64:.+]] = arith.index_cast %[[L]] : index to i64
// CHECK: %[[AGAIN:.+]] = tensor.extract %[[SEEN]]
// CHECK: %[[SUM:.+]] = arith.addi %[[AGAIN]], %[[L64]] : i64
// CHECK: %[[NEXT:.+]] = tensor.from_elements %[[SUM]] : tensor<1xi64>
// CHECK: seq.positions %[[X]] dim(0) offset(%[[START]])
// CHECK: return %{{.+}}, %[[NEXT]], %{{.+}}, %{{.+}} :
func.func @positions(%x: tensor<?x?x8xf32>, %w: tensor<1x32x8xf32>, %r: tensor<1x32x8xf32>) -> tensor<?x1x?x8xf32> {
  %table = arith.constant dense<1.0> : tensor<16x8xf32>
  %pos = seq.positions %x dim(0) : tensor<?x?x8xf32> -> tensor<?xi64>
  %rows = seq.embedding %pos, %table : (tensor<?xi64>, tensor<16x8xf32>) -> tensor<?x8xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %e = tensor.empty(%t, %b) : tensor<?x?x8xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%x, %rows : tensor<?x?x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x?x8xf32>) {
  ^bb0(%a: f32, %p: f32, %o: f32):
    %s = arith.addf %a, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x?x8xf32>
  %y, %h, %c = seq.lstm %sum, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x8xf32>, tensor<1x32x8xf32>, tensor<1x32x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>)
  return %y : tensor<?x1x?x8xf32>
}

// -----

// A fixed-size table read along the run-time time dimension would restart
// at row 0 in every chunk.
// expected-error @+1 {{reads an operand of fixed size (16) along a dimension of run-time size: along time it would restart at every chunk, and a stream's batch has no fixed size}}
func.func @fixed_table(%x: tensor<?x8xf32>, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x8xf32> {
  %table = arith.constant dense<1.0> : tensor<16x8xf32>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%t) : tensor<?x8xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%x, %table : tensor<?x8xf32>, tensor<16x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%a: f32, %p: f32, %o: f32):
    %s = arith.addf %a, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x8xf32>
  %x3 = tensor.expand_shape %sum [[0, 1], [2]] output_shape [%t, 1, 8] : tensor<?x8xf32> into tensor<?x1x8xf32>
  %y, %h = seq.rnn %x3, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x1x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x1x8xf32>, tensor<1x1x8xf32>)
  return %sum : tensor<?x8xf32>
}

// -----

// expected-error @+1 {{reads its own iteration index, which restarts at every chunk}}
func.func @iota(%x: tensor<?x8xf32>, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%t) : tensor<?x8xf32>
  %iota = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x8xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %i64 = arith.index_cast %i : index to i64
    %f = arith.sitofp %i64 : i64 to f32
    linalg.yield %f : f32
  } -> tensor<?x8xf32>
  %x3 = tensor.expand_shape %iota [[0, 1], [2]] output_shape [%t, 1, 8] : tensor<?x8xf32> into tensor<?x1x8xf32>
  %y, %h = seq.rnn %x3, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x1x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x1x8xf32>, tensor<1x1x8xf32>)
  return %iota : tensor<?x8xf32>
}

// -----

// A reduction over the features and a softmax over them stay within a
// step (a gated variable selection's weights); only a reduction along a
// run-time loop (@time_sum below) may combine steps.
// CHECK-LABEL: func.func @feature_sum_step(
// CHECK: linalg.generic {{.+}} iterator_types = ["parallel", "parallel", "reduction"]
// CHECK: linalg.softmax dimension(2)
func.func @feature_sum(%x: tensor<?x?x8xf32>, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> (tensor<?x?xf32>, tensor<?x?x8xf32>) {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %init = tensor.empty(%t, %b) : tensor<?x?xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1)>], iterator_types = ["parallel", "parallel", "reduction"]} ins(%x : tensor<?x?x8xf32>) outs(%init : tensor<?x?xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<?x?xf32>
  %e = tensor.empty(%t, %b) : tensor<?x?x8xf32>
  %p = linalg.softmax dimension(2) ins(%x : tensor<?x?x8xf32>) outs(%e : tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %sum, %p : tensor<?x?xf32>, tensor<?x?x8xf32>
}

// -----

// Heads split as nn.MultiheadAttention exports it: [T, 1, 8] merged to
// [T * 8] and split back to [T, 2, 4], the same 8 values per step.
// CHECK-LABEL: func.func @head_split_step(
// CHECK: tensor.collapse_shape %{{.+}} {{\[\[}}0, 1, 2]] : tensor<?x1x8xf32> into tensor<?xf32>
// CHECK: tensor.expand_shape %{{.+}} {{\[\[}}0, 1, 2]] output_shape [%{{.+}}, 2, 4] : tensor<?xf32> into tensor<?x2x4xf32>
func.func @head_split(%x: tensor<?x1x8xf32>, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x2x4xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x1x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x1x8xf32>, tensor<1x1x8xf32>)
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x1x8xf32>
  %flat = tensor.collapse_shape %x [[0, 1, 2]] : tensor<?x1x8xf32> into tensor<?xf32>
  %heads = tensor.expand_shape %flat [[0, 1, 2]] output_shape [%t, 2, 4] : tensor<?xf32> into tensor<?x2x4xf32>
  return %heads : tensor<?x2x4xf32>
}

// -----

// Framing ([T * 8] split into rows of 16: two steps a row) would put
// several steps in one row.
// expected-error @+1 {{a reshape that merges or splits dimensions of size other than 1 may mix time steps}}
func.func @framing(%x: tensor<?x1x8xf32>, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x16xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x1x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x1x8xf32>, tensor<1x1x8xf32>)
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x1x8xf32>
  %c2 = arith.constant 2 : index
  %rows = arith.divui %t, %c2 : index
  %flat = tensor.collapse_shape %x [[0, 1, 2]] : tensor<?x1x8xf32> into tensor<?xf32>
  %frames = tensor.expand_shape %flat [[0, 1]] output_shape [%rows, 16] : tensor<?xf32> into tensor<?x16xf32>
  return %frames : tensor<?x16xf32>
}

// -----

// expected-error @+1 {{a softmax along a dimension of run-time size may combine time steps}}
func.func @time_softmax(%x: tensor<?x?x8xf32>, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %e = tensor.empty(%t, %b) : tensor<?x?x8xf32>
  %p = linalg.softmax dimension(0) ins(%x : tensor<?x?x8xf32>) outs(%e : tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %p : tensor<?x?x8xf32>
}

// -----

// A softmax over the named time axis (of the recurrence's output, followed
// back to x's T) is refused once that axis is known to be the stream's.
// expected-error @+1 {{a softmax along a dimension of run-time size may combine time steps}}
func.func @named_time_softmax(%x: tensor<?x?x8xf32> {seq.dims = ["T", "B", ""]}, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %y3 = tensor.collapse_shape %y [[0, 1], [2], [3]] : tensor<?x1x?x8xf32> into tensor<?x?x8xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %e = tensor.empty(%t, %b) : tensor<?x?x8xf32>
  %p = linalg.softmax dimension(0) ins(%y3 : tensor<?x?x8xf32>) outs(%e : tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %p : tensor<?x?x8xf32>
}

// -----

// Attention weights over an encoder's steps (Luong's dot score): the
// scores' product over the features, the softmax over S and the context's
// product over S combine steps of `enc`, an input no chunk splits (its S
// is not the stream's T): each chunk computes them as the run does.
// CHECK-LABEL: func.func @encoder_attention_step
// CHECK: seq.rnn
// CHECK: linalg.softmax dimension(2)
// CHECK: iterator_types = ["parallel", "parallel", "parallel", "reduction"]
func.func @encoder_attention(%x: tensor<?x?x8xf32> {seq.dims = ["T", "B", ""]}, %enc: tensor<?x?x8xf32> {seq.dims = ["S", "B", ""]}, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x?x8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %y3 = tensor.collapse_shape %y [[0, 1], [2], [3]] : tensor<?x1x?x8xf32> into tensor<?x?x8xf32>
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %zero = arith.constant 0.0 : f32
  %t = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %s = tensor.dim %enc, %c0 : tensor<?x?x8xf32>
  %e = tensor.empty(%t, %b, %s) : tensor<?x?x?xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  %scores = linalg.generic {indexing_maps = [affine_map<(t, b, s, f) -> (t, b, f)>, affine_map<(t, b, s, f) -> (s, b, f)>, affine_map<(t, b, s, f) -> (t, b, s)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%y3, %enc : tensor<?x?x8xf32>, tensor<?x?x8xf32>) outs(%z : tensor<?x?x?xf32>) {
  ^bb0(%a: f32, %k: f32, %o: f32):
    %m = arith.mulf %a, %k : f32
    %sum = arith.addf %o, %m : f32
    linalg.yield %sum : f32
  } -> tensor<?x?x?xf32>
  %p = linalg.softmax dimension(2) ins(%scores : tensor<?x?x?xf32>) outs(%e : tensor<?x?x?xf32>) -> tensor<?x?x?xf32>
  %e2 = tensor.empty(%t, %b) : tensor<?x?x8xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %ctx = linalg.generic {indexing_maps = [affine_map<(t, b, f, s) -> (t, b, s)>, affine_map<(t, b, f, s) -> (s, b, f)>, affine_map<(t, b, f, s) -> (t, b, f)>], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%p, %enc : tensor<?x?x?xf32>, tensor<?x?x8xf32>) outs(%z2 : tensor<?x?x8xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %m = arith.mulf %a, %v : f32
    %sum = arith.addf %o, %m : f32
    linalg.yield %sum : f32
  } -> tensor<?x?x8xf32>
  return %ctx : tensor<?x?x8xf32>
}

// -----

// expected-error @+1 {{a reduction may combine time steps}}
func.func @time_sum(%x: tensor<?x1x8xf32>, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<8xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x1x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x1x8xf32>, tensor<1x1x8xf32>)
  %zero = arith.constant dense<0.0> : tensor<8xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d2)>], iterator_types = ["reduction", "reduction", "parallel"]} ins(%x : tensor<?x1x8xf32>) outs(%zero : tensor<8xf32>) {
  ^bb0(%a: f32, %o: f32):
    %s = arith.addf %a, %o : f32
    linalg.yield %s : f32
  } -> tensor<8xf32>
  return %sum : tensor<8xf32>
}

// -----

// The state's batch dimension is named after the model input dimension it
// comes from, followed back through per-step ops: here the scan's batch is
// the input's dimension named T (the model scans along B), so a stream
// along T fails its shape check instead of mixing steps into the state.
// CHECK-LABEL: func.func @scan_over_b_step(
// CHECK-SAME: tensor<?x4x3xf32> {seq.dims = ["T", "", ""], seq.name = "state0", seq.state}
func.func @scan_over_b(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]}) -> tensor<?x?x4xf32> {
  %a = arith.constant dense<-1.0> : tensor<4x3xf32>
  %bc = arith.constant dense<0.5> : tensor<3x4xf32>
  %p = seq.linear %x, %bc : (tensor<?x?x4xf32>, tensor<3x4xf32>) -> tensor<?x?x3xf32>
  %y, %h = seq.selective_scan %x, %x, %a, %p, %p
    : (tensor<?x?x4xf32>, tensor<?x?x4xf32>, tensor<4x3xf32>, tensor<?x?x3xf32>, tensor<?x?x3xf32>) -> (tensor<?x?x4xf32>, tensor<?x4x3xf32>)
  return %y : tensor<?x?x4xf32>
}

// -----

// A batch of a size no input dimension has (B + 1, computed).
// expected-error @+1 {{cannot tell which model input dimension is the batch dimension of its state}}
func.func @untraceable_batch(%x: tensor<?x?x4xf32>, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<1x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c0 : tensor<?x?x4xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x4xf32>
  %b1 = arith.addi %b, %c1 : index
  %e = tensor.empty(%t, %b1) : tensor<?x?x4xf32>
  %ones = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%o: f32):
    %one = arith.constant 1.0 : f32
    linalg.yield %one : f32
  } -> tensor<?x?x4xf32>
  %y, %h = seq.rnn %ones, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %h : tensor<1x?x8xf32>
}

// -----

// A sequence computed from the loop indices alone (ones, an iota) streams
// along the input dimension its size is read from: x's T.
// CHECK-LABEL: func.func @ones_rnn_step(
// CHECK-SAME: seq.stream_dim = "T"
func.func @ones_rnn(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]}, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x1x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c0 : tensor<?x?x4xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x4xf32>
  %e = tensor.empty(%t, %b) : tensor<?x?x4xf32>
  %ones = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} outs(%e : tensor<?x?x4xf32>) {
  ^bb0(%o: f32):
    %one = arith.constant 1.0 : f32
    linalg.yield %one : f32
  } -> tensor<?x?x4xf32>
  %y, %h = seq.rnn %ones, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y : tensor<?x1x?x8xf32>
}

// -----

// cumsum(ones(B, 1, 1) * x, 0): the scan's time axis is followed back
// through the fill's size to x's B, so the stream is along B (the caller
// cuts chunks along it) and the carried sum is sized by T. (Before, the
// axis was taken on trust, unnamed, and a caller cut chunks along T.)
// CHECK-LABEL: func.func @cumsum_over_batch_step(
// CHECK-SAME: tensor<?x4xf32> {seq.dims = ["T", ""], seq.name = "state0", seq.state}
// CHECK-SAME: seq.stream_dim = "B"
func.func @cumsum_over_batch(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["B", "T", ""]}) -> tensor<?x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x4xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x4xf32>
  %e = tensor.empty(%b) : tensor<?x1x1xf32>
  %one = arith.constant 1.0 : f32
  %ones = linalg.fill ins(%one : f32) outs(%e : tensor<?x1x1xf32>) -> tensor<?x1x1xf32>
  %b2 = tensor.dim %ones, %c0 : tensor<?x1x1xf32>
  %pe = tensor.empty(%b2, %t) : tensor<?x?x4xf32>
  %prod = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, 0, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%ones, %x : tensor<?x1x1xf32>, tensor<?x?x4xf32>) outs(%pe : tensor<?x?x4xf32>) {
  ^bb0(%a: f32, %v: f32, %o: f32):
    %m = arith.mulf %a, %v : f32
    linalg.yield %m : f32
  } -> tensor<?x?x4xf32>
  %zero = arith.constant 0.0 : f32
  %s0 = tensor.empty(%t) : tensor<?x4xf32>
  %init = linalg.fill ins(%zero : f32) outs(%s0 : tensor<?x4xf32>) -> tensor<?x4xf32>
  %out = tensor.empty(%b2, %t) : tensor<?x?x4xf32>
  %sum, %ys = seq.scan step(%i) carry(%acc = %init : tensor<?x4xf32>) over(%xt = %prod : tensor<?x?x4xf32>) outs(%out : tensor<?x?x4xf32>) {
    %n = tensor.dim %acc, %c0 : tensor<?x4xf32>
    %ne = tensor.empty(%n) : tensor<?x4xf32>
    %next = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%acc, %xt : tensor<?x4xf32>, tensor<?x4xf32>) outs(%ne : tensor<?x4xf32>) {
    ^bb0(%p: f32, %q: f32, %o: f32):
      %a = arith.addf %p, %q : f32
      linalg.yield %a : f32
    } -> tensor<?x4xf32>
    seq.yield %next, %next : tensor<?x4xf32>, tensor<?x4xf32>
  }
  return %ys : tensor<?x?x4xf32>
}

// -----

// A feature softmax before a recurrence over a batch of fixed size 1 (the
// usual batch-1 export): the time axis is followed through the softmax
// (before, it was not, and the model was refused: "cannot tell which
// model input dimension is its time axis").
// CHECK-LABEL: func.func @softmax_rnn_step(
// CHECK-SAME: seq.stream_dim = "T"
func.func @softmax_rnn(%x: tensor<?x1x4xf32> {seq.name = "x", seq.dims = ["T", "", ""]}, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x1x1x8xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x1x4xf32>
  %e = tensor.empty(%t) : tensor<?x1x4xf32>
  %s = linalg.softmax dimension(2) ins(%x : tensor<?x1x4xf32>) outs(%e : tensor<?x1x4xf32>) -> tensor<?x1x4xf32>
  %y, %h = seq.rnn %s, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x1x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x1x8xf32>, tensor<1x1x8xf32>)
  return %y : tensor<?x1x1x8xf32>
}

// -----

// A time axis of a size no input dimension has (T + 1, computed): the
// caller could not tell along which input dimension to cut the chunks.
// expected-error @+1 {{cannot tell which model input dimension is its time axis}}
func.func @untraceable_time(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]}, %w: tensor<1x8x4xf32>, %r: tensor<1x8x8xf32>) -> tensor<1x?x8xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c0 : tensor<?x?x4xf32>
  %t1 = arith.addi %t, %c1 : index
  %b = tensor.dim %x, %c1 : tensor<?x?x4xf32>
  %e = tensor.empty(%t1, %b) : tensor<?x?x4xf32>
  %one = arith.constant 1.0 : f32
  %ones = linalg.fill ins(%one : f32) outs(%e : tensor<?x?x4xf32>) -> tensor<?x?x4xf32>
  %y, %h = seq.rnn %ones, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %h : tensor<1x?x8xf32>
}

// -----

// Linear attention carries its state S and normaliser z between chunks.
// CHECK-LABEL: func.func @linear_attention_step(
// CHECK-SAME: %[[Q:[a-z0-9]+]]: tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""], seq.name = "q"}
// CHECK-SAME: %[[S:[a-z0-9]+]]: tensor<?x2x4x3xf32> {seq.dims = ["B", "", "", ""], seq.name = "state0", seq.state}
// CHECK-SAME: %[[Z:[a-z0-9]+]]: tensor<?x2x4xf32> {seq.dims = ["B", "", ""], seq.name = "state1", seq.state})
// CHECK: %[[O:.+]], %[[SN:.+]], %[[ZN:.+]] = seq.linear_attention %[[Q]], %{{.+}}, %{{.+}} initial_state(%[[S]]) initial_normalizer(%[[Z]])
// CHECK: return %[[O]], %[[SN]], %[[ZN]]
func.func @linear_attention(%q: tensor<?x2x?x4xf32> {seq.name = "q", seq.dims = ["B", "", "T", ""]}, %v: tensor<?x2x?x3xf32> {seq.name = "v", seq.dims = ["B", "", "T", ""]}) -> tensor<?x2x?x3xf32> {
  %o, %s, %z = seq.linear_attention %q, %q, %v feature_map(elu_plus_one) {normalize}
    : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x3xf32>) -> (tensor<?x2x?x3xf32>, tensor<?x2x4x3xf32>, tensor<?x2x4xf32>)
  return %o : tensor<?x2x?x3xf32>
}

// -----

// The fixed-size table read along the run-time loop is refused whatever the
// operand order (the table first: the loop's static range comes from it).
// expected-error @+1 {{reads an operand of fixed size (16) along a dimension of run-time size: along time it would restart at every chunk, and a stream's batch has no fixed size}}
func.func @fixed_table_first(%x: tensor<?x8xf32>, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x8xf32> {
  %table = arith.constant dense<1.0> : tensor<16x8xf32>
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%t) : tensor<?x8xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%table, %x : tensor<16x8xf32>, tensor<?x8xf32>) outs(%e : tensor<?x8xf32>) {
  ^bb0(%p: f32, %a: f32, %o: f32):
    %s = arith.addf %a, %p : f32
    linalg.yield %s : f32
  } -> tensor<?x8xf32>
  %x3 = tensor.expand_shape %sum [[0, 1], [2]] output_shape [%t, 1, 8] : tensor<?x8xf32> into tensor<?x1x8xf32>
  %y, %h = seq.rnn %x3, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x1x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x1x8xf32>, tensor<1x1x8xf32>)
  return %sum : tensor<?x8xf32>
}

// -----

// A norm over a last dimension of run-time size (time, in [B, C, T]).
// expected-error @+1 {{normalizing over a dimension of run-time size may mix time steps}}
func.func @norm_over_time(%x: tensor<?x1x8xf32>, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<1x8x?xf32> {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x1x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x1x8xf32>, tensor<1x1x8xf32>)
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x1x8xf32>
  %e = tensor.empty(%t) : tensor<1x8x?xf32>
  %ct = linalg.transpose ins(%x : tensor<?x1x8xf32>) outs(%e : tensor<1x8x?xf32>) permutation = [1, 2, 0]
  %n = seq.rms_norm %ct : (tensor<1x8x?xf32>) -> tensor<1x8x?xf32>
  return %n : tensor<1x8x?xf32>
}

// -----

// One constant as both initial states: bound to two state arguments, and
// erased once.
// CHECK-LABEL: func.func @shared_initial_states_step(
// CHECK-SAME: seq.name = "state0", seq.state
// CHECK-SAME: seq.name = "state1", seq.state
func.func @shared_initial_states(%x: tensor<?x2x4xf32>, %w: tensor<1x32x4xf32>, %r: tensor<1x32x8xf32>) -> tensor<1x2x8xf32> {
  %h0 = arith.constant dense<0.0> : tensor<1x2x8xf32>
  %y, %h, %c = seq.lstm %x, %w, %r initial_h(%h0) initial_c(%h0) {hidden_size = 8 : i64}
    : (tensor<?x2x4xf32>, tensor<1x32x4xf32>, tensor<1x32x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>) -> (tensor<?x1x2x8xf32>, tensor<1x2x8xf32>, tensor<1x2x8xf32>)
  return %h : tensor<1x2x8xf32>
}

// -----

// A scan written out (a memory network's step) carries its values between
// chunks. Its initial value (here a learned [4] vector broadcast over the
// batch) is used until the started flag, zero in a new stream, is set.
// CHECK-LABEL: func.func @scan_step(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x?x4xf32> {seq.dims = ["T", "B", ""], seq.name = "x"}
// CHECK-SAME: %[[H:[a-z0-9]+]]: tensor<?x4xf32> {seq.dims = ["B", ""], seq.name = "state0", seq.state}
// CHECK-SAME: %[[FLAG:[a-z0-9]+]]: tensor<1xi64> {seq.dims = [""], seq.name = "state1", seq.state})
// CHECK: %[[ONE:.+]] = arith.constant dense<1> : tensor<1xi64>
// CHECK: %[[INIT:.+]] = linalg.generic {{.+}} ins(%{{.+}} : tensor<4xf32>)
// CHECK: %[[CHOSEN:.+]] = linalg.generic {{.+}} ins(%[[H]], %[[INIT]], %[[FLAG]] : tensor<?x4xf32>, tensor<?x4xf32>, tensor<1xi64>)
// CHECK: arith.cmpi ne
// CHECK: arith.select
// CHECK: %[[FINAL:.+]]:2 = seq.scan step(%{{.+}}) carry(%{{.+}} = %[[CHOSEN]] : tensor<?x4xf32>)
// CHECK: return %[[FINAL]]#1, %[[FINAL]]#0, %[[ONE]]
func.func @scan(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]}) -> tensor<?x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %bias = arith.constant dense<[0.5, -1.0, 2.0, 0.25]> : tensor<4xf32>
  %t = tensor.dim %x, %c0 : tensor<?x?x4xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x4xf32>
  %e = tensor.empty(%b) : tensor<?x4xf32>
  %h0 = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%bias : tensor<4xf32>) outs(%e : tensor<?x4xf32>) {
  ^bb0(%in: f32, %out: f32):
    linalg.yield %in : f32
  } -> tensor<?x4xf32>
  %outs = tensor.empty(%t, %b) : tensor<?x?x4xf32>
  %h, %ys = seq.scan step(%i) carry(%h_prev = %h0 : tensor<?x4xf32>)
      over(%xt = %x : tensor<?x?x4xf32>) outs(%outs : tensor<?x?x4xf32>) {
    %sum = arith.addf %h_prev, %xt : tensor<?x4xf32>
    %next = math.tanh %sum : tensor<?x4xf32>
    seq.yield %next, %next : tensor<?x4xf32>, tensor<?x4xf32>
  }
  return %ys : tensor<?x?x4xf32>
}

// -----

// A scan whose body reads its step index counts from the stream's first
// step: the steps seen (a [1] i64 state) offset the chunk's index, and
// grow by the chunk's length.
// CHECK-LABEL: func.func @scan_step_index_step(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x4xf32> {seq.dims = ["T", ""], seq.name = "x"}
// CHECK-SAME: %[[SEEN:[a-z0-9]+]]: tensor<1xi64> {seq.dims = [""], seq.name = "state0", seq.state})
// CHECK: %[[S:.+]] = tensor.extract %[[SEEN]][%{{.+}}] : tensor<1xi64>
// CHECK: %[[OFFSET:.+]] = arith.index_cast %[[S]] : i64 to index
// CHECK: %[[L:.+]] = tensor.dim %[[X]], %{{.+}} : tensor<?x4xf32>
// CHECK: %[[LI:.+]] = arith.index_cast %[[L]] : index to i64
// CHECK: %[[END:.+]] = arith.addi %[[S]], %[[LI]] : i64
// CHECK: %[[NEXT:.+]] = tensor.from_elements %[[END]] : tensor<1xi64>
// CHECK: %[[YS:.+]] = seq.scan step(%[[T:.+]]) over(
// CHECK: %[[GLOBAL:.+]] = arith.addi %[[T]], %[[OFFSET]] : index
// CHECK: arith.index_cast %[[GLOBAL]] : index to i64
// CHECK: return %[[YS]], %[[NEXT]]
func.func @scan_step_index(%x: tensor<?x4xf32> {seq.name = "x", seq.dims = ["T", ""]}) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x4xf32>
  %outs = tensor.empty(%t) : tensor<?x4xf32>
  %ys = seq.scan step(%i) over(%xt = %x : tensor<?x4xf32>) outs(%outs : tensor<?x4xf32>) {
    %ii = arith.index_cast %i : index to i64
    %f = arith.sitofp %ii : i64 to f32
    %v = tensor.splat %f : tensor<4xf32>
    %y = arith.mulf %xt, %v : tensor<4xf32>
    seq.yield %y : tensor<4xf32>
  }
  return %ys : tensor<?x4xf32>
}

// -----

// expected-error @+1 {{a reverse scan reads future steps}}
func.func @reverse_scan(%x: tensor<?x2x4xf32>, %h0: tensor<2x4xf32>) -> tensor<?x2x4xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x4xf32>
  %outs = tensor.empty(%t) : tensor<?x2x4xf32>
  %h, %ys = seq.scan reverse step(%i) carry(%h_prev = %h0 : tensor<2x4xf32>)
      over(%xt = %x : tensor<?x2x4xf32>) outs(%outs : tensor<?x2x4xf32>) {
    %sum = arith.addf %h_prev, %xt : tensor<2x4xf32>
    seq.yield %sum, %sum : tensor<2x4xf32>, tensor<2x4xf32>
  }
  return %ys : tensor<?x2x4xf32>
}

// -----

// A scan over a fixed number of steps runs along another axis than time
// (a cumsum over the last step's vocabulary): over tensors no chunk
// splits, each chunk computes it as a run does. Here it is all the model
// has, and it carries nothing from step to step.
// expected-error @+1 {{the model carries no state between time steps}}
func.func @fixed_steps_scan(%x: tensor<?x2x4xf32>, %table: tensor<8x2x4xf32>, %h0: tensor<2x4xf32>) -> tensor<?x2x4xf32> {
  %outs = tensor.empty() : tensor<8x2x4xf32>
  %h, %ys = seq.scan step(%i) carry(%h_prev = %h0 : tensor<2x4xf32>)
      over(%xt = %table : tensor<8x2x4xf32>) outs(%outs : tensor<8x2x4xf32>) {
    %sum = arith.addf %h_prev, %xt : tensor<2x4xf32>
    seq.yield %sum, %sum : tensor<2x4xf32>, tensor<2x4xf32>
  }
  return %x : tensor<?x2x4xf32>
}

// -----

// A scan over 8 fixed steps that reads the time axis' tensor whole (its
// first step) next to a recurrence over time: a chunk would read its own
// first step, not the stream's.
// expected-error @+1 {{not known to act on each time step independently (a loop or branch of its own streams over tensors without the time axis}}
func.func @fixed_steps_scan_reading_time(%x: tensor<?x2x4xf32>, %table: tensor<8x2x4xf32>, %h0: tensor<2x4xf32>) -> (tensor<?x2x4xf32>, tensor<8x2x4xf32>) {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x2x4xf32>
  %outs = tensor.empty(%t) : tensor<?x2x4xf32>
  %h, %ys = seq.scan step(%i) carry(%h_prev = %h0 : tensor<2x4xf32>)
      over(%xt = %x : tensor<?x2x4xf32>) outs(%outs : tensor<?x2x4xf32>) {
    %sum = arith.addf %h_prev, %xt : tensor<2x4xf32>
    seq.yield %sum, %sum : tensor<2x4xf32>, tensor<2x4xf32>
  }
  %fixed_outs = tensor.empty() : tensor<8x2x4xf32>
  %g, %zs = seq.scan step(%j) carry(%g_prev = %h0 : tensor<2x4xf32>)
      over(%row = %table : tensor<8x2x4xf32>) outs(%fixed_outs : tensor<8x2x4xf32>) {
    %first = tensor.extract_slice %x[0, 0, 0] [1, 2, 4] [1, 1, 1] : tensor<?x2x4xf32> to tensor<2x4xf32>
    %a = arith.addf %g_prev, %row : tensor<2x4xf32>
    %b = arith.addf %a, %first : tensor<2x4xf32>
    seq.yield %b, %b : tensor<2x4xf32>, tensor<2x4xf32>
  }
  return %ys, %zs : tensor<?x2x4xf32>, tensor<8x2x4xf32>
}

// -----

// expected-error @+1 {{a carried value with more than one dimension of run-time size cannot be sized when a stream opens}}
func.func @two_dynamic_carried(%x: tensor<?x?x4xf32>, %h0: tensor<?x?xf32>) -> tensor<?x?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c0 : tensor<?x?x4xf32>
  %b = tensor.dim %x, %c1 : tensor<?x?x4xf32>
  %outs = tensor.empty(%t, %b) : tensor<?x?x4xf32>
  %h, %ys = seq.scan step(%i) carry(%h_prev = %h0 : tensor<?x?xf32>)
      over(%xt = %x : tensor<?x?x4xf32>) outs(%outs : tensor<?x?x4xf32>) {
    seq.yield %h_prev, %xt : tensor<?x?xf32>, tensor<?x4xf32>
  }
  return %ys : tensor<?x?x4xf32>
}

// -----

// WKV carries its state rows [B, 3, C] between chunks (a zero state is the
// kernels' start).
// CHECK-LABEL: func.func @wkv_step(
// CHECK-SAME: %[[K:[a-z0-9]+]]: tensor<?x?x5xf32> {seq.dims = ["B", "T", ""], seq.name = "k"}
// CHECK-SAME: %[[S:[a-z0-9]+]]: tensor<?x3x5xf32> {seq.dims = ["B", "", ""], seq.name = "state0", seq.state})
// CHECK: %[[Y:.+]], %[[SN:.+]] = seq.wkv %[[K]], %[[K]], %{{.+}}, %{{.+}} initial_state(%[[S]])
// CHECK: return %[[Y]], %[[SN]]
func.func @wkv(%k: tensor<?x?x5xf32> {seq.name = "k", seq.dims = ["B", "T", ""]}) -> tensor<?x?x5xf32> {
  %w = arith.constant dense<0.5> : tensor<5xf32>
  %y, %s = seq.wkv %k, %k, %w, %w : (tensor<?x?x5xf32>, tensor<?x?x5xf32>, tensor<5xf32>, tensor<5xf32>) -> (tensor<?x?x5xf32>, tensor<?x3x5xf32>)
  return %y : tensor<?x?x5xf32>
}

// -----

// Position biases stream: ALiBi's slopes and a relative bias table depend
// only on distances, which the bottom-right alignment over the cached keys
// keeps (query i of the chunk is step position + i of the stream).
// CHECK-LABEL: func.func @biased_step(
// CHECK-SAME: %[[Q:[a-z0-9]+]]: tensor<?x2x?x4xf32> {{.*}}, %{{[a-z0-9]+}}: tensor<?x2x?x4xf32> {{.*}}, %[[T:[a-z0-9]+]]: tensor<2x7xf32>,
// CHECK: seq.attention %[[Q]], %{{.+}}, %{{.+}} relative_bias(%[[T]]) causal(bottom_right) {alibi_slopes = array<f32: 5.000000e-01, 2.500000e-01>}
func.func @biased(%q: tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""]}, %k: tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""]}, %v: tensor<?x2x?x4xf32>, %t: tensor<2x7xf32>) -> tensor<?x2x?x4xf32> {
  %o = seq.attention %q, %k, %v relative_bias(%t) causal(top_left) {alibi_slopes = array<f32: 0.5, 0.25>} : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<2x7xf32>) -> tensor<?x2x?x4xf32>
  return %o : tensor<?x2x?x4xf32>
}

// -----

// A decoder started from an encoder's final state: a stream knows that
// state only after the last chunk, so the model does not stream (before,
// the decoder silently started from zeros).
// expected-error @+1 {{its initial state is computed from the state of 'seq.rnn'}}
func.func @encoder_decoder(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]}) -> tensor<?x1x?x8xf32> {
  %w = arith.constant dense<0.5> : tensor<1x8x4xf32>
  %r = arith.constant dense<0.25> : tensor<1x8x8xf32>
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %y2, %h2 = seq.rnn %x, %w, %r initial_h(%h) {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>, tensor<1x?x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y2 : tensor<?x1x?x8xf32>
}

// -----

// A token shift by 2 along time (dim 1 of [B, T, C]) carries its last two
// inputs: the chunk's shift is the first L steps of [state, chunk], the
// next state the 2 steps from L on.
// CHECK-LABEL: func.func @token_shift_step(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x?x8xf32>
// CHECK-SAME: %[[S:[a-z0-9]+]]: tensor<?x2x8xf32> {seq.dims = ["B", "", ""], seq.name = "state0", seq.state}
// CHECK: %[[JOIN:.+]] = tensor.concat dim(1) %[[S]], %[[X]]
// CHECK: %[[B:.+]] = tensor.dim %[[X]], %c0
// CHECK: %[[L:.+]] = tensor.dim %[[X]], %c1
// CHECK: %[[SHIFT:.+]] = tensor.extract_slice %[[JOIN]][0, 0, 0] [%[[B]], %[[L]], 8] [1, 1, 1]
// CHECK: %[[NEXT:.+]] = tensor.extract_slice %[[JOIN]][0, %[[L]], 0] [%[[B]], 2, 8] [1, 1, 1]
// CHECK-NOT: seq.time_shift
// CHECK: return %{{.+}}, %[[NEXT]]
func.func @token_shift(%x: tensor<?x?x8xf32> {seq.name = "x", seq.dims = ["B", "T", ""]}) -> tensor<?x?x8xf32> {
  %s = seq.time_shift %x dim(1) steps(2) : tensor<?x?x8xf32>
  %e = arith.addf %x, %s : tensor<?x?x8xf32>
  return %e : tensor<?x?x8xf32>
}

// -----

// A shift along a dimension of fixed size is no time axis.
// expected-error @+1 {{it shifts along a dimension of fixed size, which is not the time axis of a stream}}
func.func @static_shift(%x: tensor<?x4x8xf32>) -> tensor<?x4x8xf32> {
  %s = seq.time_shift %x dim(1) steps(1) : tensor<?x4x8xf32>
  return %s : tensor<?x4x8xf32>
}

// -----

// Positions along the batch (an arange over x.size(1) of a time-major x,
// which the LSTM's state says is its batch) are the same in every chunk:
// they stay as they are, counting no steps (before: refused, "its time
// axis is the batch dimension of the state of 'seq.lstm'", when positions
// always counted steps).
// CHECK-LABEL: func.func @positions_of_batch_step(
// CHECK-SAME: seq.name = "state1", seq.state})
// CHECK: seq.positions %arg0 dim(1) : tensor<?x?x4xf32> -> tensor<?xi64>
// CHECK-NEXT: return
func.func @positions_of_batch(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]}) -> (tensor<?x1x?x8xf32>, tensor<?xi64>) {
  %w = arith.constant dense<0.5> : tensor<1x32x4xf32>
  %r = arith.constant dense<0.25> : tensor<1x32x8xf32>
  %y, %h, %c = seq.lstm %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x32x4xf32>, tensor<1x32x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>, tensor<1x?x8xf32>)
  %p = seq.positions %x dim(1) : tensor<?x?x4xf32> -> tensor<?xi64>
  return %y, %p : tensor<?x1x?x8xf32>, tensor<?xi64>
}

// -----

// Two ops counting steps along different input dimensions (a source of
// length S and a target of length T) cannot both follow one stream.
// expected-error @+1 {{its time axis is not that of 'seq.positions' at}}
func.func @two_time_axes(%src: tensor<?x8xf32> {seq.name = "src", seq.dims = ["S", ""]}, %tgt: tensor<?x8xf32> {seq.name = "tgt", seq.dims = ["T", ""]}) -> (tensor<?xi64>, tensor<?xi64>) {
  %p = seq.positions %src dim(0) : tensor<?x8xf32> -> tensor<?xi64>
  %q = seq.positions %tgt dim(0) : tensor<?x8xf32> -> tensor<?xi64>
  return %p, %q : tensor<?xi64>, tensor<?xi64>
}

// -----

// Relative positions i - j (T5's and DeBERTa's buckets written out) pair
// steps with steps: a chunk would hold only its own pairs.
// expected-error @+1 {{pairs time steps with time steps}}
func.func @relative_positions(%x: tensor<?x8xf32> {seq.name = "x", seq.dims = ["T", ""]}) -> tensor<?x?xi64> {
  %c0 = arith.constant 0 : index
  %p = seq.positions %x dim(0) : tensor<?x8xf32> -> tensor<?xi64>
  %t = tensor.dim %x, %c0 : tensor<?x8xf32>
  %e = tensor.empty(%t, %t) : tensor<?x?xi64>
  %d = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%p, %p : tensor<?xi64>, tensor<?xi64>) outs(%e : tensor<?x?xi64>) {
  ^bb0(%a: i64, %b: i64, %out: i64):
    %s = arith.subi %a, %b : i64
    linalg.yield %s : i64
  } -> tensor<?x?xi64>
  return %d : tensor<?x?xi64>
}

// -----

// A scripted loop that looks one step ahead (x[t + 1], read from x whole
// inside the body) reads a step the chunk does not hold.
// expected-error @+1 {{its body reads a tensor as long as the sequence at steps of its own choosing}}
func.func @lookahead(%x: tensor<?x4xf32> {seq.name = "x", seq.dims = ["T", ""]}) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %t = tensor.dim %x, %c0 : tensor<?x4xf32>
  %last = arith.subi %t, %c1 : index
  %outs = tensor.empty(%t) : tensor<?x4xf32>
  %ys = seq.scan step(%i) over(%xt = %x : tensor<?x4xf32>) outs(%outs : tensor<?x4xf32>) {
    %n = arith.addi %i, %c1 : index
    %m = arith.minsi %n, %last : index
    %next = tensor.extract_slice %x[%m, 0] [1, 4] [1, 1] : tensor<?x4xf32> to tensor<4xf32>
    %d = arith.subf %next, %xt : tensor<4xf32>
    seq.yield %d : tensor<4xf32>
  }
  return %ys : tensor<?x4xf32>
}

// -----

// A recurrence's final state added to its per-step outputs (o + h_n): after
// a chunk h is the state so far, so every chunk would add its own.
// expected-error @+1 {{it combines the final state of 'seq.rnn' at}}
func.func @final_state_per_step(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]}) -> tensor<?x1x?x8xf32> {
  %w = arith.constant dense<0.5> : tensor<1x8x4xf32>
  %r = arith.constant dense<0.25> : tensor<1x8x8xf32>
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %t = tensor.dim %y, %c0 : tensor<?x1x?x8xf32>
  %b = tensor.dim %y, %c2 : tensor<?x1x?x8xf32>
  %e = tensor.empty(%t, %b) : tensor<?x1x?x8xf32>
  %s = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d1, d2, d3)>, affine_map<(d0, d1, d2, d3) -> (d0, d1, d2, d3)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%y, %h : tensor<?x1x?x8xf32>, tensor<1x?x8xf32>) outs(%e : tensor<?x1x?x8xf32>) {
  ^bb0(%a: f32, %c: f32, %out: f32):
    %sum = arith.addf %a, %c : f32
    linalg.yield %sum : f32
  } -> tensor<?x1x?x8xf32>
  return %s : tensor<?x1x?x8xf32>
}

// -----

// A head on the final state alone (h_n through a linear layer, returned)
// is the run's after the last chunk: it streams.
// CHECK-LABEL: func.func @final_state_head_step(
// CHECK: %[[Y:.+]], %[[H:.+]] = seq.rnn
// CHECK: %[[HEAD:.+]] = seq.linear %[[H]]
// CHECK: return %[[Y]], %[[HEAD]], %[[H]]
func.func @final_state_head(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]}) -> (tensor<?x1x?x8xf32>, tensor<1x?x3xf32>) {
  %w = arith.constant dense<0.5> : tensor<1x8x4xf32>
  %r = arith.constant dense<0.25> : tensor<1x8x8xf32>
  %lw = arith.constant dense<0.125> : tensor<3x8xf32>
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %head = seq.linear %h, %lw : (tensor<1x?x8xf32>, tensor<3x8xf32>) -> tensor<1x?x3xf32>
  return %y, %head : tensor<?x1x?x8xf32>, tensor<1x?x3xf32>
}

// -----

// Positions along the batch whose start is the time length (arange(T, T +
// B)) would restart at every chunk's length: refused (before, the batch's
// positions were kept per chunk with their start, and streamed wrong
// numbers; an adversarial trial's finding).
// expected-error @+1 {{its first position is computed from a length a chunk changes}}
func.func @batch_positions_from_length(%x: tensor<?x?x4xf32> {seq.name = "x", seq.dims = ["T", "B", ""]}) -> (tensor<?x1x?x8xf32>, tensor<?xi64>) {
  %w = arith.constant dense<0.5> : tensor<1x8x4xf32>
  %r = arith.constant dense<0.25> : tensor<1x8x8xf32>
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x?x4xf32>
  %start = arith.index_cast %t : index to i64
  %p = seq.positions %x dim(1) offset(%start) : tensor<?x?x4xf32> -> tensor<?xi64>
  return %y, %p : tensor<?x1x?x8xf32>, tensor<?xi64>
}

// -----

// Time positions starting at the length of another input of the time
// axis's name (arange(m.size(0), m.size(0) + T)): m is chunked with x, so
// the start would be each chunk's length.
// expected-error @+1 {{its first position is computed from a length a chunk changes (arange(T, T + n), or the length of another input of the stream's time axis)}}
func.func @time_positions_from_other_length(%x: tensor<?x8xf32> {seq.name = "x", seq.dims = ["T", ""]}, %m: tensor<?xf32> {seq.name = "m", seq.dims = ["T"]}) -> tensor<?xi64> {
  %c0 = arith.constant 0 : index
  %n = tensor.dim %m, %c0 : tensor<?xf32>
  %start = arith.index_cast %n : index to i64
  %p = seq.positions %x dim(0) offset(%start) : tensor<?x8xf32> -> tensor<?xi64>
  return %p : tensor<?xi64>
}

// -----

// A scan reading a fixed step of another input of the time axis's name
// (m[0] of an m chunked with x) would read each chunk's first step
// (before: a step api, with wrong numbers from the second chunk on).
// expected-error @+1 {{its body reads a tensor as long as the sequence at steps of its own choosing}}
func.func @scan_reads_other_input_step(%x: tensor<?x4xf32> {seq.name = "x", seq.dims = ["T", ""]}, %m: tensor<?x4xf32> {seq.name = "m", seq.dims = ["T", ""]}) -> tensor<?x4xf32> {
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x4xf32>
  %outs = tensor.empty(%t) : tensor<?x4xf32>
  %h0 = arith.constant dense<0.0> : tensor<4xf32>
  %h, %ys = seq.scan step(%i) carry(%h_prev = %h0 : tensor<4xf32>)
      over(%xt = %x : tensor<?x4xf32>) outs(%outs : tensor<?x4xf32>) {
    %first = tensor.extract_slice %m[0, 0] [1, 4] [1, 1] : tensor<?x4xf32> to tensor<4xf32>
    %d = arith.mulf %first, %xt : tensor<4xf32>
    %next = arith.addf %h_prev, %d : tensor<4xf32>
    seq.yield %next, %next : tensor<4xf32>, tensor<4xf32>
  }
  return %ys : tensor<?x4xf32>
}

// -----

// Steps paired with steps behind a rank-reducing slice (a = y[:, :, 0];
// |a[:, :, None] - a[:, None, :]|): the slice's kept dimensions are
// followed, so the pairing is seen (before: a step api whose chunks gave
// only their own diagonal blocks).
// expected-error @+1 {{pairs time steps with time steps}}
func.func @pairs_behind_rank_reducing_slice(%x: tensor<?x8xf32> {seq.name = "x", seq.dims = ["T", ""]}) -> tensor<?x?xf32> {
  %w = arith.constant dense<0.5> : tensor<1x8x8xf32>
  %r = arith.constant dense<0.25> : tensor<1x8x8xf32>
  %c0 = arith.constant 0 : index
  %t0 = tensor.dim %x, %c0 : tensor<?x8xf32>
  %x3 = tensor.expand_shape %x [[0, 1], [2]] output_shape [%t0, 1, 8] : tensor<?x8xf32> into tensor<?x1x8xf32>
  %y, %h = seq.rnn %x3, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x1x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x1x8xf32>, tensor<1x1x8xf32>)
  %t = tensor.dim %y, %c0 : tensor<?x1x1x8xf32>
  %a = tensor.extract_slice %y[0, 0, 0, 0] [%t, 1, 1, 1] [1, 1, 1, 1] : tensor<?x1x1x8xf32> to tensor<?xf32>
  %e = tensor.empty(%t, %t) : tensor<?x?xf32>
  %d = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d1)>, affine_map<(d0, d1) -> (d0)>, affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} ins(%a, %a : tensor<?xf32>, tensor<?xf32>) outs(%e : tensor<?x?xf32>) {
  ^bb0(%p: f32, %q: f32, %out: f32):
    %s = arith.subf %p, %q : f32
    linalg.yield %s : f32
  } -> tensor<?x?xf32>
  return %d : tensor<?x?xf32>
}

// -----

// An encoder whose final state starts the decoder, over an input that
// shares the decoder's time axis name: the stream would chunk it, so its
// state would be the chunk's, not the source's.
// expected-error @+1 {{it runs along an encoder's input (one that starts a recurrence or gives attention its keys), which a stream must give whole to every chunk: export its steps with a dimension name of their own (S, not the decoder's T)}}
func.func @encoder_state_same_name(%src: tensor<?x?x8xf32> {seq.dims = ["T", "B", ""], seq.name = "src"}, %tgt: tensor<?x?x8xf32> {seq.dims = ["T", "B", ""], seq.name = "tgt"}, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x1x?x8xf32> {
  %y, %h = seq.rnn %src, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %y2, %h2 = seq.rnn %tgt, %w, %r initial_h(%h) {hidden_size = 8 : i64}
    : (tensor<?x?x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>, tensor<1x?x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y2 : tensor<?x1x?x8xf32>
}

// -----

// The same with the source's steps named S: the encoder runs whole in the
// first chunk, its final state starting the decoder, kept for later chunks.
// CHECK-LABEL: func.func @encoder_state_step
// CHECK: scf.if
// CHECK: } else {
// CHECK: seq.rnn %{{[^,]+}}, %{{[^,]+}}, %{{[^ ]+}} {hidden_size
// CHECK: scf.yield
// CHECK: seq.rnn {{.+}} initial_h(
func.func @encoder_state(%src: tensor<?x?x8xf32> {seq.dims = ["S", "B", ""], seq.name = "src"}, %tgt: tensor<?x?x8xf32> {seq.dims = ["T", "B", ""], seq.name = "tgt"}, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> tensor<?x1x?x8xf32> {
  %y, %h = seq.rnn %src, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %y2, %h2 = seq.rnn %tgt, %w, %r initial_h(%h) {hidden_size = 8 : i64}
    : (tensor<?x?x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>, tensor<1x?x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  return %y2 : tensor<?x1x?x8xf32>
}

// -----

// A classifier's head on the last step of a causal convolution, y[:, :, -1]:
// in a chunk, the chunk's last step (the stream's so far). A chunk of no
// steps has none, which a check says before the slice's offset would.
// CHECK-LABEL: func.func @last_step_step
// CHECK: seq.check %{{.+}}, shape "tensor.extract_slice at {{.+}}.mlir:[[@LINE+10]]:8: a streamed chunk has {} steps; the model reads the last step of each (y[:, -1]), which needs at least one"
// CHECK: tensor.extract_slice %{{.+}}[0, 0, %{{.+}}] [%{{.+}}, 8, 1] [1, 1, 1] : tensor<?x8x?xf32> to tensor<?x8xf32>
func.func @last_step(%x: tensor<?x4x?xf32> {seq.dims = ["B", "", "T"], seq.name = "x"}, %w: tensor<8x4x3xf32>) -> (tensor<?x8xf32> {seq.dims = ["B", ""], seq.name = "y"}) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %cm1 = arith.constant -1 : index
  %y = seq.conv1d %x, %w {causal} : (tensor<?x4x?xf32>, tensor<8x4x3xf32>) -> tensor<?x8x?xf32>
  %t = tensor.dim %y, %c2 : tensor<?x8x?xf32>
  %last = arith.addi %t, %cm1 : index
  %b = tensor.dim %y, %c0 : tensor<?x8x?xf32>
  %s = tensor.extract_slice %y[0, 0, %last] [%b, 8, 1] [1, 1, 1] : tensor<?x8x?xf32> to tensor<?x8xf32>
  return %s : tensor<?x8xf32>
}

// -----

// The last step added to every step reads the sequence's end at each.
// expected-error @+1 {{it combines the last step taken by 'tensor.extract_slice'}}
func.func @last_step_every_step(%x: tensor<?x4x?xf32> {seq.dims = ["B", "", "T"], seq.name = "x"}, %w: tensor<8x4x3xf32>) -> (tensor<?x8x?xf32> {seq.dims = ["B", "", "T"], seq.name = "y"}) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %cm1 = arith.constant -1 : index
  %y = seq.conv1d %x, %w {causal} : (tensor<?x4x?xf32>, tensor<8x4x3xf32>) -> tensor<?x8x?xf32>
  %t = tensor.dim %y, %c2 : tensor<?x8x?xf32>
  %last = arith.addi %t, %cm1 : index
  %b = tensor.dim %y, %c0 : tensor<?x8x?xf32>
  %s = tensor.extract_slice %y[0, 0, %last] [%b, 8, 1] [1, 1, 1] : tensor<?x8x?xf32> to tensor<?x8x1xf32>
  %e = tensor.empty(%b, %t) : tensor<?x8x?xf32>
  %sum = linalg.generic {indexing_maps = [affine_map<(d0, d1, d2) -> (d0, d1, d2)>, affine_map<(d0, d1, d2) -> (d0, d1, 0)>, affine_map<(d0, d1, d2) -> (d0, d1, d2)>], iterator_types = ["parallel", "parallel", "parallel"]} ins(%y, %s : tensor<?x8x?xf32>, tensor<?x8x1xf32>) outs(%e : tensor<?x8x?xf32>) {
  ^bb0(%a: f32, %l: f32, %o: f32):
    %r = arith.addf %a, %l : f32
    linalg.yield %r : f32
  } -> tensor<?x8x?xf32>
  return %sum : tensor<?x8x?xf32>
}

// -----

// A [T, T] mask over pairs of steps outside an attention (a parallel form's
// decay matrix) reads two run-time iteration indices: refused, saying what
// streams instead.
// expected-error @+1 {{reads its own iteration index, which restarts at every chunk (a [T, T] mask over pairs of steps is read as causal only in an attention's scores; a recurrence's parallel form, GLA's or mLSTM's decay matrix, streams written as its recurrence)}}
func.func @pairs_of_steps(%x: tensor<?x?x8xf32> {seq.dims = ["T", "B", ""], seq.name = "x"}, %w: tensor<1x8x8xf32>, %r: tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<?x?xf32> {seq.dims = ["T", "T"], seq.name = "m"}) {
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x?x8xf32>, tensor<1x8x8xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
  %c0 = arith.constant 0 : index
  %t = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %e = tensor.empty(%t, %t) : tensor<?x?xf32>
  %m = linalg.generic {indexing_maps = [affine_map<(d0, d1) -> (d0, d1)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x?xf32>) {
  ^bb0(%o: f32):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %keep = arith.cmpi sge, %i, %j : index
    %one = arith.constant 1.0 : f32
    %zero = arith.constant 0.0 : f32
    %v = arith.select %keep, %one, %zero : f32
    linalg.yield %v : f32
  } -> tensor<?x?xf32>
  return %y, %m : tensor<?x1x?x8xf32>, tensor<?x?xf32>
}

// -----

// A causal mask made per call and cut from `kl - ql` to `kl` (Qwen-1's
// `tril(ones(kl, kl))[kl - ql:kl, :kl]`), dropped into the attention's
// causal flag and read only by its extent checks: its bounds are run-time
// sizes and nothing else, so a chunk's check compares what a full run of
// that length compares. The mask stays as it is in the step.
// CHECK-LABEL: func.func @per_call_mask_cut_step(
// CHECK: tensor.extract_slice %{{.+}} : tensor<?x?xi1> to tensor<?x?xi1>
// CHECK: seq.attention {{.+}} causal(bottom_right)
// CHECK: seq.check %{{.+}}, shape "attention mask rows are {}"
func.func @per_call_mask_cut(%q: tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""]}) -> tensor<?x2x?x4xf32> {
  %c2 = arith.constant 2 : index
  %c0 = arith.constant 0 : index
  %ql = tensor.dim %q, %c2 : tensor<?x2x?x4xf32>
  %kl = tensor.dim %q, %c2 : tensor<?x2x?x4xf32>
  %e = tensor.empty(%kl, %kl) : tensor<?x?xi1>
  %tril = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x?xi1>) {
  ^bb0(%out: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %keep = arith.cmpi sle, %j, %i : index
    linalg.yield %keep : i1
  } -> tensor<?x?xi1>
  %start = arith.subi %kl, %ql : index
  %first = arith.maxsi %start, %c0 : index
  %rows = arith.subi %kl, %first : index
  %cut = tensor.extract_slice %tril[%first, 0] [%rows, %kl] [1, 1] : tensor<?x?xi1> to tensor<?x?xi1>
  %o = seq.attention %q, %q, %q causal(top_left) : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32>
  %r = tensor.dim %cut, %c0 : tensor<?x?xi1>
  %same = arith.cmpi eq, %r, %ql : index
  %found = arith.index_cast %r : index to i64
  seq.check %same, shape "attention mask rows are {}" found %found
  return %o : tensor<?x2x?x4xf32>
}

// -----

// The same cut with a fixed bound (`[:, :16]`): a chunk of 4 steps would
// pass a check that a whole stream of 20 fails, so the mask is per step.
// expected-error @+1 {{the model cannot be streamed: 'linalg.generic' at}}
func.func @mask_cut_fixed_bound(%q: tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""]}) -> tensor<?x2x?x4xf32> {
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  %kl = tensor.dim %q, %c2 : tensor<?x2x?x4xf32>
  %e = tensor.empty(%kl, %kl) : tensor<?x?xi1>
  %tril = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x?xi1>) {
  ^bb0(%out: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %keep = arith.cmpi sle, %j, %i : index
    linalg.yield %keep : i1
  } -> tensor<?x?xi1>
  %cols = arith.minsi %kl, %c16 : index
  %cut = tensor.extract_slice %tril[0, 0] [%kl, %cols] [1, 1] : tensor<?x?xi1> to tensor<?x?xi1>
  %o = seq.attention %q, %q, %q causal(top_left) : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32>
  %n = tensor.dim %cut, %c1 : tensor<?x?xi1>
  %same = arith.cmpi eq, %n, %kl : index
  %found = arith.index_cast %n : index to i64
  seq.check %same, shape "attention mask columns are {}" found %found
  return %o : tensor<?x2x?x4xf32>
}

// -----

// The per-call cut whose rows also size a tensor the model computes with:
// its sizes are not only checked, so the mask is per step.
// expected-error @+1 {{the model cannot be streamed: 'linalg.generic' at}}
func.func @mask_cut_sizes_a_value(%q: tensor<?x2x?x4xf32> {seq.dims = ["B", "", "T", ""]}) -> (tensor<?x2x?x4xf32>, tensor<?xf32>) {
  %c2 = arith.constant 2 : index
  %c0 = arith.constant 0 : index
  %one = arith.constant 1.0 : f32
  %ql = tensor.dim %q, %c2 : tensor<?x2x?x4xf32>
  %kl = tensor.dim %q, %c2 : tensor<?x2x?x4xf32>
  %e = tensor.empty(%kl, %kl) : tensor<?x?xi1>
  %tril = linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]} outs(%e : tensor<?x?xi1>) {
  ^bb0(%out: i1):
    %i = linalg.index 0 : index
    %j = linalg.index 1 : index
    %keep = arith.cmpi sle, %j, %i : index
    linalg.yield %keep : i1
  } -> tensor<?x?xi1>
  %start = arith.subi %kl, %ql : index
  %rows = arith.subi %kl, %start : index
  %cut = tensor.extract_slice %tril[%start, 0] [%rows, %kl] [1, 1] : tensor<?x?xi1> to tensor<?x?xi1>
  %o = seq.attention %q, %q, %q causal(top_left) : (tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>, tensor<?x2x?x4xf32>) -> tensor<?x2x?x4xf32>
  %r = tensor.dim %cut, %c0 : tensor<?x?xi1>
  %ones = tensor.empty(%r) : tensor<?xf32>
  %filled = linalg.fill ins(%one : f32) outs(%ones : tensor<?xf32>) -> tensor<?xf32>
  return %o, %filled : tensor<?x2x?x4xf32>, tensor<?xf32>
}
