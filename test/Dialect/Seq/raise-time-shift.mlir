// RUN: seq-opt %s --split-input-file --seq-raise-time-shift | FileCheck %s

// RWKV's nn.ZeroPad2d((0, 0, 1, -1)) on [B, T, C] as the ONNX importer
// writes a Pad with a negative end: pad the time axis by 1 before and crop
// 1 after, the kept length read from the padded tensor.
// CHECK-LABEL: func.func @zero_pad_2d
// CHECK-SAME: (%[[X:.+]]: tensor<?x?x8xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[S:.+]] = seq.time_shift %[[X]] dim(1) steps(1) : tensor<?x?x8xf32>
// CHECK-NEXT: return %[[S]]
func.func @zero_pad_2d(%x: tensor<?x?x8xf32>) -> tensor<?x?x8xf32> {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %p = tensor.pad %x low[0, 1, 0] high[0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %zero : f32
  } : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  %b = tensor.dim %p, %c0 : tensor<?x?x8xf32>
  %n = tensor.dim %p, %c1 : tensor<?x?x8xf32>
  %t = arith.subi %n, %c1 : index
  %s = tensor.extract_slice %p[0, 0, 0] [%b, %t, 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  return %s : tensor<?x?x8xf32>
}

// -----

// F.pad(x, (0, 0, 2, 3))[:, :T] on time-major [T, B, C] with i64 elements,
// the length read from x itself: a shift by 2 along dim 0.
// CHECK-LABEL: func.func @pad_then_slice
// CHECK: seq.time_shift %arg0 dim(0) steps(2) : tensor<?x?x4xi64>
func.func @pad_then_slice(%x: tensor<?x?x4xi64>) -> tensor<?x?x4xi64> {
  %zero = arith.constant 0 : i64
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %p = tensor.pad %x low[2, 0, 0] high[3, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %zero : i64
  } : tensor<?x?x4xi64> to tensor<?x?x4xi64>
  %t = tensor.dim %x, %c0 : tensor<?x?x4xi64>
  %b = tensor.dim %x, %c1 : tensor<?x?x4xi64>
  %s = tensor.extract_slice %p[0, 0, 0] [%t, %b, 4] [1, 1, 1] : tensor<?x?x4xi64> to tensor<?x?x4xi64>
  return %s : tensor<?x?x4xi64>
}

// -----

// torch.cat([zeros_like(x[:, :1]), x[:, :-1]], 1), the zeros sized from x
// and the kept length T - 1; and a static shape, shifted by 2.
// CHECK-LABEL: func.func @zero_concat
// CHECK: %[[A:.+]] = seq.time_shift %arg0 dim(1) steps(1) : tensor<?x?x8xf32>
// CHECK: %[[B:.+]] = seq.time_shift %arg1 dim(1) steps(2) : tensor<2x6x8xf32>
// CHECK-NOT: tensor.concat
// CHECK: return %[[A]], %[[B]]
func.func @zero_concat(%x: tensor<?x?x8xf32>, %y: tensor<2x6x8xf32>) -> (tensor<?x?x8xf32>, tensor<2x6x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %e = tensor.empty(%b) : tensor<?x1x8xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<?x1x8xf32>) -> tensor<?x1x8xf32>
  %n = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %t = arith.subi %n, %c1 : index
  %s = tensor.extract_slice %x[0, 0, 0] [%b, %t, 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  %c = tensor.concat dim(1) %z, %s : (tensor<?x1x8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %z2 = arith.constant dense<0.0> : tensor<2x2x8xf32>
  %s2 = tensor.extract_slice %y[0, 0, 0] [2, 4, 8] [1, 1, 1] : tensor<2x6x8xf32> to tensor<2x4x8xf32>
  %c2 = tensor.concat dim(1) %z2, %s2 : (tensor<2x2x8xf32>, tensor<2x4x8xf32>) -> tensor<2x6x8xf32>
  return %c, %c2 : tensor<?x?x8xf32>, tensor<2x6x8xf32>
}

// -----

// Left as written: a pad of 1.0 and of -0.0, pads of two axes, a crop at
// the start (a shift backwards), zeros of one step before a slice two
// steps short, zeros as wide as another tensor's batch, and ones.
// CHECK-LABEL: func.func @kept
// CHECK-NOT: seq.time_shift
// CHECK-COUNT-4: tensor.pad
// CHECK-COUNT-3: tensor.concat
func.func @kept(%x: tensor<?x?x8xf32>, %other: tensor<?x?x8xf32>) -> (tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>) {
  %zero = arith.constant 0.0 : f32
  %one = arith.constant 1.0 : f32
  %negzero = arith.constant -0.0 : f32
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c2 = arith.constant 2 : index
  %b = tensor.dim %x, %c0 : tensor<?x?x8xf32>
  %t = tensor.dim %x, %c1 : tensor<?x?x8xf32>
  %p1 = tensor.pad %x low[0, 1, 0] high[0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %one : f32
  } : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  %s1 = tensor.extract_slice %p1[0, 0, 0] [%b, %t, 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  %p2 = tensor.pad %x low[0, 1, 0] high[0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %negzero : f32
  } : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  %s2 = tensor.extract_slice %p2[0, 0, 0] [%b, %t, 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  %p3 = tensor.pad %x low[1, 1, 0] high[0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %zero : f32
  } : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  %s3 = tensor.extract_slice %p3[0, 0, 0] [%b, %t, 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  %p4 = tensor.pad %x low[0, 0, 0] high[0, 1, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %zero : f32
  } : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  %s4 = tensor.extract_slice %p4[0, 1, 0] [%b, %t, 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  %keep = arith.subi %t, %c1 : index
  %short = arith.subi %t, %c2 : index
  %eb = tensor.empty(%b) : tensor<?x1x8xf32>
  %zb = linalg.fill ins(%zero : f32) outs(%eb : tensor<?x1x8xf32>) -> tensor<?x1x8xf32>
  %s5 = tensor.extract_slice %x[0, 0, 0] [%b, %short, 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  %c5 = tensor.concat dim(1) %zb, %s5 : (tensor<?x1x8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %ob = tensor.dim %other, %c0 : tensor<?x?x8xf32>
  %eo = tensor.empty(%ob) : tensor<?x1x8xf32>
  %zo = linalg.fill ins(%zero : f32) outs(%eo : tensor<?x1x8xf32>) -> tensor<?x1x8xf32>
  %s6 = tensor.extract_slice %x[0, 0, 0] [%b, %keep, 8] [1, 1, 1] : tensor<?x?x8xf32> to tensor<?x?x8xf32>
  %c6 = tensor.concat dim(1) %zo, %s6 : (tensor<?x1x8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  %ones = linalg.fill ins(%one : f32) outs(%eb : tensor<?x1x8xf32>) -> tensor<?x1x8xf32>
  %c7 = tensor.concat dim(1) %ones, %s6 : (tensor<?x1x8xf32>, tensor<?x?x8xf32>) -> tensor<?x?x8xf32>
  return %s1, %s2, %s3, %s4, %c5, %c6, %c7 : tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>, tensor<?x?x8xf32>
}
