// RUN: seq-opt %s --split-input-file --seq-raise-conv-padding | FileCheck %s

// F.pad(x, (2, 0)) then a convolution (WaveNet's causal convolution), and
// a pad of both ends before a padded convolution: the pads become the
// convolution's padding; a size read from the padded tensor comes from x.
// CHECK-LABEL: func.func @zero_pad
// CHECK-SAME: (%[[X:.+]]: tensor<?x4x?xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[A:.+]] = seq.conv1d %[[X]], %{{.+}} bias(%{{.+}}) {padding = array<i64: 2, 0>}
// CHECK: %[[B:.+]] = seq.conv1d %[[X]], %{{.+}} {dilation = 2 : i64, padding = array<i64: 5, 4>}
// CHECK: %[[T:.+]] = tensor.dim %[[X]], %c2
// CHECK: %[[P:.+]] = arith.addi %[[T]], %c2
// CHECK: return %[[A]], %[[B]], %[[P]]
func.func @zero_pad(%x: tensor<?x4x?xf32>, %w: tensor<6x4x3xf32>, %b: tensor<6xf32>) -> (tensor<?x6x?xf32>, tensor<?x6x?xf32>, index) {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 2] high[0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %zero : f32
  } : tensor<?x4x?xf32> to tensor<?x4x?xf32>
  %a = seq.conv1d %p, %w bias(%b) {padding = array<i64: 0, 0>} : (tensor<?x4x?xf32>, tensor<6x4x3xf32>, tensor<6xf32>) -> tensor<?x6x?xf32>
  %q = tensor.pad %x low[0, 0, 1] high[0, 0, 2] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %zero : f32
  } : tensor<?x4x?xf32> to tensor<?x4x?xf32>
  %c = seq.conv1d %q, %w {dilation = 2 : i64, padding = array<i64: 4, 2>} : (tensor<?x4x?xf32>, tensor<6x4x3xf32>) -> tensor<?x6x?xf32>
  %c2 = arith.constant 2 : index
  %n = tensor.dim %p, %c2 : tensor<?x4x?xf32>
  return %a, %c, %n : tensor<?x6x?xf32>, tensor<?x6x?xf32>, index
}

// -----

// A causal convolution's implied padding counts: pad 1 more on the left of
// a causal (dilation 2, K 3) one is padding [5, 0].
// CHECK-LABEL: func.func @pad_causal
// CHECK: seq.conv1d %arg0, %arg1 {dilation = 2 : i64, padding = array<i64: 5, 0>}
func.func @pad_causal(%x: tensor<1x4x10xf32>, %w: tensor<6x4x3xf32>) -> tensor<1x6x11xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1] high[0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %zero : f32
  } : tensor<1x4x10xf32> to tensor<1x4x11xf32>
  %y = seq.conv1d %p, %w {dilation = 2 : i64, causal} : (tensor<1x4x11xf32>, tensor<6x4x3xf32>) -> tensor<1x6x11xf32>
  return %y : tensor<1x6x11xf32>
}

// -----

// Left as written: a pad of 1.0, of -0.0, of the channels, and by a
// run-time amount.
// CHECK-LABEL: func.func @pad_kept
// CHECK-COUNT-4: tensor.pad
// CHECK-NOT: padding = array<i64: 1
func.func @pad_kept(%x: tensor<?x4x?xf32>, %w: tensor<6x4x3xf32>, %w5: tensor<6x5x3xf32>, %n: index) -> (tensor<?x6x?xf32>, tensor<?x6x?xf32>, tensor<?x6x?xf32>, tensor<?x6x?xf32>) {
  %one = arith.constant 1.0 : f32
  %negzero = arith.constant -0.0 : f32
  %zero = arith.constant 0.0 : f32
  %p1 = tensor.pad %x low[0, 0, 1] high[0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %one : f32
  } : tensor<?x4x?xf32> to tensor<?x4x?xf32>
  %y1 = seq.conv1d %p1, %w : (tensor<?x4x?xf32>, tensor<6x4x3xf32>) -> tensor<?x6x?xf32>
  %p2 = tensor.pad %x low[0, 0, 1] high[0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %negzero : f32
  } : tensor<?x4x?xf32> to tensor<?x4x?xf32>
  %y2 = seq.conv1d %p2, %w : (tensor<?x4x?xf32>, tensor<6x4x3xf32>) -> tensor<?x6x?xf32>
  %p3 = tensor.pad %x low[0, 1, 1] high[0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %zero : f32
  } : tensor<?x4x?xf32> to tensor<?x5x?xf32>
  %y3 = seq.conv1d %p3, %w5 : (tensor<?x5x?xf32>, tensor<6x5x3xf32>) -> tensor<?x6x?xf32>
  %p4 = tensor.pad %x low[0, 0, %n] high[0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %zero : f32
  } : tensor<?x4x?xf32> to tensor<?x4x?xf32>
  %y4 = seq.conv1d %p4, %w : (tensor<?x4x?xf32>, tensor<6x4x3xf32>) -> tensor<?x6x?xf32>
  return %y1, %y2, %y3, %y4 : tensor<?x6x?xf32>, tensor<?x6x?xf32>, tensor<?x6x?xf32>, tensor<?x6x?xf32>
}

// -----

// Chomp1d as the ONNX importer reads `conv(x, padding=4)[:, :, :-4]`
// (dilation 2, K 3): Slice's bounds clamped to [0, Tout] at run time. The
// crop removes the right padding: padding [4, 0], and the convolution's
// own size queries are answered from the new one.
// CHECK-LABEL: func.func @chomp
// CHECK-SAME: (%[[X:.+]]: tensor<?x4x?xf32>
// CHECK: %[[Y:.+]] = seq.conv1d %[[X]], %{{.+}} {dilation = 2 : i64, padding = array<i64: 4, 0>}
// CHECK-NOT: extract_slice
// CHECK: %[[T:.+]] = tensor.dim %[[Y]], %c2
// CHECK: %[[FULL:.+]] = arith.addi %[[T]], %c4
// CHECK: return %[[Y]], %[[FULL]]
func.func @chomp(%x: tensor<?x4x?xf32>, %w: tensor<6x4x3xf32>) -> (tensor<?x6x?xf32>, index) {
  %y = seq.conv1d %x, %w {dilation = 2 : i64, padding = array<i64: 4, 4>} : (tensor<?x4x?xf32>, tensor<6x4x3xf32>) -> tensor<?x6x?xf32>
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %b = tensor.dim %y, %c0 : tensor<?x6x?xf32>
  %t = tensor.dim %y, %c2 : tensor<?x6x?xf32>
  %z = arith.constant 0 : index
  %lo = arith.maxsi %z, %z : index
  %start = arith.minsi %lo, %t : index
  %m4 = arith.constant -4 : index
  %e0 = arith.addi %t, %m4 : index
  %e1 = arith.maxsi %e0, %z : index
  %end = arith.minsi %e1, %t : index
  %n0 = arith.subi %end, %start : index
  %n = arith.maxsi %n0, %z : index
  %s = tensor.extract_slice %y[0, 0, %start] [%b, 6, %n] [1, 1, 1] : tensor<?x6x?xf32> to tensor<?x6x?xf32>
  %full = tensor.dim %y, %c2 : tensor<?x6x?xf32>
  return %s, %full : tensor<?x6x?xf32>, index
}

// -----

// `conv(x)[..., :x.size(-1)]` with padding [2, 2] (K 3): the kept length is
// the input's, so 2 steps are dropped; a static-length crop likewise.
// CHECK-LABEL: func.func @crop_to_input
// CHECK: seq.conv1d %arg0, %arg1 {padding = array<i64: 2, 0>} : (tensor<?x4x?xf32>, tensor<6x4x3xf32>) -> tensor<?x6x?xf32>
// CHECK: seq.conv1d %arg2, %arg1 {padding = array<i64: 2, 1>} : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x11xf32>
// CHECK-NOT: extract_slice
func.func @crop_to_input(%x: tensor<?x4x?xf32>, %w: tensor<6x4x3xf32>, %s: tensor<2x4x10xf32>) -> (tensor<?x6x?xf32>, tensor<2x6x11xf32>) {
  %y = seq.conv1d %x, %w {padding = array<i64: 2, 2>} : (tensor<?x4x?xf32>, tensor<6x4x3xf32>) -> tensor<?x6x?xf32>
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %b = tensor.dim %x, %c0 : tensor<?x4x?xf32>
  %t = tensor.dim %x, %c2 : tensor<?x4x?xf32>
  %c = tensor.extract_slice %y[0, 0, 0] [%b, 6, %t] [1, 1, 1] : tensor<?x6x?xf32> to tensor<?x6x?xf32>
  %ys = seq.conv1d %s, %w {padding = array<i64: 2, 2>} : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x12xf32>
  %cs = tensor.extract_slice %ys[0, 0, 0] [2, 6, 11] [1, 1, 1] : tensor<2x6x12xf32> to tensor<2x6x11xf32>
  return %c, %cs : tensor<?x6x?xf32>, tensor<2x6x11xf32>
}

// -----

// Left as written: a strided convolution's crop, a crop of some channels,
// and a crop of a convolution something else reads whole.
// CHECK-LABEL: func.func @crop_kept
// CHECK-COUNT-3: tensor.extract_slice
// CHECK-NOT: padding = array<i64: 2, 0>
func.func @crop_kept(%x: tensor<2x4x10xf32>, %w: tensor<6x4x3xf32>) -> (tensor<2x6x5xf32>, tensor<2x3x10xf32>, tensor<2x6x10xf32>, tensor<2x6x12xf32>) {
  %y3 = seq.conv1d %x, %w {stride = 2 : i64, padding = array<i64: 2, 2>} : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x6xf32>
  %c = tensor.extract_slice %y3[0, 0, 0] [2, 6, 5] [1, 1, 1] : tensor<2x6x6xf32> to tensor<2x6x5xf32>
  %y4 = seq.conv1d %x, %w {padding = array<i64: 2, 2>} : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x12xf32>
  %d = tensor.extract_slice %y4[0, 0, 0] [2, 3, 10] [1, 1, 1] : tensor<2x6x12xf32> to tensor<2x3x10xf32>
  %y5 = seq.conv1d %x, %w {padding = array<i64: 2, 2>} : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x12xf32>
  %e = tensor.extract_slice %y5[0, 0, 0] [2, 6, 10] [1, 1, 1] : tensor<2x6x12xf32> to tensor<2x6x10xf32>
  return %c, %d, %e, %y5 : tensor<2x6x5xf32>, tensor<2x3x10xf32>, tensor<2x6x10xf32>, tensor<2x6x12xf32>
}

// -----

// A crop at the start removes left padding: `conv(F.pad(x, (3, 0)))[...,
// 1:]` with kernel 3 is the causal convolution, and padding [2, 2] cut to
// its last 10 of 12 outputs reads x[t .. t + 2] (padding [0, 2]).
// CHECK-LABEL: func.func @crop_start
// CHECK: seq.conv1d %arg0, %arg1 {padding = array<i64: 2, 0>} : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x10xf32>
// CHECK: seq.conv1d %arg0, %arg1 {padding = array<i64: 0, 2>} : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x10xf32>
// CHECK-NOT: tensor.extract_slice
func.func @crop_start(%x: tensor<2x4x10xf32>, %w: tensor<6x4x3xf32>) -> (tensor<2x6x10xf32>, tensor<2x6x10xf32>) {
  %y1 = seq.conv1d %x, %w {padding = array<i64: 3, 0>} : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x11xf32>
  %a = tensor.extract_slice %y1[0, 0, 1] [2, 6, 10] [1, 1, 1] : tensor<2x6x11xf32> to tensor<2x6x10xf32>
  %y2 = seq.conv1d %x, %w {padding = array<i64: 2, 2>} : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x12xf32>
  %b = tensor.extract_slice %y2[0, 0, 2] [2, 6, 10] [1, 1, 1] : tensor<2x6x12xf32> to tensor<2x6x10xf32>
  return %a, %b : tensor<2x6x10xf32>, tensor<2x6x10xf32>
}

// -----

// A crop past the right padding delays the convolution: `conv(F.pad(x,
// (3, 0)))[..., :-1]` with kernel 3 (padding [3, 0], one step cut) reads
// x[t - 3 .. t - 1], the causal convolution of x shifted by one step,
// with T run-time or fixed. A crop shorter than the input (padding [2, 2]
// cut by 3: T - 1 outputs) stays as written. (Before: left as written, and
// the model did not stream: "padding other than [2, 0]".)
// CHECK-LABEL: func.func @crop_past_padding
// CHECK: %[[S1:.+]] = seq.time_shift %arg0 dim(2) steps(1)
// CHECK: seq.conv1d %[[S1]], %arg1 {padding = array<i64: 2, 0>} : (tensor<?x4x?xf32>, tensor<6x4x3xf32>) -> tensor<?x6x?xf32>
// CHECK: %[[S2:.+]] = seq.time_shift %arg2 dim(2) steps(1)
// CHECK: seq.conv1d %[[S2]], %arg1 {padding = array<i64: 2, 0>} : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x10xf32>
// CHECK: seq.conv1d %arg2, %arg1 {padding = array<i64: 2, 2>}
// CHECK-NEXT: tensor.extract_slice
func.func @crop_past_padding(%x: tensor<?x4x?xf32>, %w: tensor<6x4x3xf32>, %s: tensor<2x4x10xf32>) -> (tensor<?x6x?xf32>, tensor<2x6x10xf32>, tensor<2x6x9xf32>) {
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %c1 = arith.constant 1 : index
  %y = seq.conv1d %x, %w {padding = array<i64: 3, 0>} : (tensor<?x4x?xf32>, tensor<6x4x3xf32>) -> tensor<?x6x?xf32>
  %b = tensor.dim %y, %c0 : tensor<?x6x?xf32>
  %t = tensor.dim %y, %c2 : tensor<?x6x?xf32>
  %kept = arith.subi %t, %c1 : index
  %a = tensor.extract_slice %y[0, 0, 0] [%b, 6, %kept] [1, 1, 1] : tensor<?x6x?xf32> to tensor<?x6x?xf32>
  %y1 = seq.conv1d %s, %w {padding = array<i64: 3, 0>} : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x11xf32>
  %d = tensor.extract_slice %y1[0, 0, 0] [2, 6, 10] [1, 1, 1] : tensor<2x6x11xf32> to tensor<2x6x10xf32>
  %y2 = seq.conv1d %s, %w {padding = array<i64: 2, 2>} : (tensor<2x4x10xf32>, tensor<6x4x3xf32>) -> tensor<2x6x12xf32>
  %c = tensor.extract_slice %y2[0, 0, 0] [2, 6, 9] [1, 1, 1] : tensor<2x6x12xf32> to tensor<2x6x9xf32>
  return %a, %d, %c : tensor<?x6x?xf32>, tensor<2x6x10xf32>, tensor<2x6x9xf32>
}

// -----

// Mamba's `conv(x.transpose(1, 2))[:, :, :l]` with l = x.size(1) read before
// the transpose: l is the convolution input's length on every run (read
// back through the transpose's init), so the crop is the right padding.
// CHECK-LABEL: func.func @crop_to_length_read_before
// CHECK: seq.conv1d %{{.+}}, %arg1 {groups = 4 : i64, padding = array<i64: 3, 0>}
// CHECK-NOT: extract_slice
func.func @crop_to_length_read_before(%x: tensor<?x?x4xf32>, %w: tensor<4x1x4xf32>) -> tensor<?x4x?xf32> {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x4xf32>
  %l = tensor.dim %x, %c1 : tensor<?x?x4xf32>
  %e = tensor.empty(%b, %l) : tensor<?x4x?xf32>
  %xt = linalg.transpose ins(%x : tensor<?x?x4xf32>) outs(%e : tensor<?x4x?xf32>) permutation = [0, 2, 1]
  %y = seq.conv1d %xt, %w {groups = 4 : i64, padding = array<i64: 3, 3>} : (tensor<?x4x?xf32>, tensor<4x1x4xf32>) -> tensor<?x4x?xf32>
  %yb = tensor.dim %y, %c0 : tensor<?x4x?xf32>
  %t = tensor.dim %y, %c2 : tensor<?x4x?xf32>
  %z = arith.constant 0 : index
  %e0 = arith.maxsi %l, %z : index
  %e1 = arith.minsi %e0, %t : index
  %n = arith.maxsi %e1, %z : index
  %s = tensor.extract_slice %y[0, 0, 0] [%yb, 4, %n] [1, 1, 1] : tensor<?x4x?xf32> to tensor<?x4x?xf32>
  return %s : tensor<?x4x?xf32>
}

// -----

// The output's length read before the crop, for something else
// (`arange(c.size(2))[:T] + c[..., :T]`): the new convolution takes the old
// one's place, so that length, now its length + 2, is still defined where
// it is read (before: "operand #0 does not dominate this use", an
// adversarial trial's finding).
// CHECK-LABEL: func.func @length_read_before_crop
// CHECK-SAME: (%[[X:.+]]: tensor<?x4x?xf32>
// CHECK: %[[Y:.+]] = seq.conv1d %[[X]], %{{.+}} {padding = array<i64: 2, 0>}
// CHECK: %[[T:.+]] = tensor.dim %[[Y]], %c2
// CHECK: %[[FULL:.+]] = arith.addi %[[T]], %c2
// CHECK: return %[[Y]], %[[FULL]]
func.func @length_read_before_crop(%x: tensor<?x4x?xf32>, %w: tensor<6x4x3xf32>) -> (tensor<?x6x?xf32>, index) {
  %y = seq.conv1d %x, %w {padding = array<i64: 2, 2>} : (tensor<?x4x?xf32>, tensor<6x4x3xf32>) -> tensor<?x6x?xf32>
  %c0 = arith.constant 0 : index
  %c2 = arith.constant 2 : index
  %full = tensor.dim %y, %c2 : tensor<?x6x?xf32>
  %b = tensor.dim %x, %c0 : tensor<?x4x?xf32>
  %t = tensor.dim %x, %c2 : tensor<?x4x?xf32>
  %s = tensor.extract_slice %y[0, 0, 0] [%b, 6, %t] [1, 1, 1] : tensor<?x6x?xf32> to tensor<?x6x?xf32>
  return %s, %full : tensor<?x6x?xf32>, index
}
