// RUN: seq-opt %s --seqc-fill-pad-borders --split-input-file | FileCheck %s
// RUN: seq-opt %s --seqc-fill-pad-borders --split-input-file --one-shot-bufferize="bufferize-function-boundaries" | FileCheck %s --check-prefix=BUF

// A causal convolution's pad (two steps before the time axis): the empty
// result's first two steps are filled, the source goes into the rest. Once
// bufferized, one allocation, a fill of the 2-step slab only and one copy
// of the source: no fill of the whole buffer.
// CHECK-LABEL: func.func @causal
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<1x64x1024xf32>
// CHECK-NOT: tensor.pad
// CHECK: %[[E:.+]] = tensor.empty() : tensor<1x64x1026xf32>
// CHECK: %[[S:.+]] = tensor.extract_slice %[[E]][0, 0, 0] [1, 64, 2] [1, 1, 1]
// CHECK: %[[F:.+]] = linalg.fill ins(%{{.+}} : f32) outs(%[[S]] : tensor<1x64x2xf32>)
// CHECK: %[[B:.+]] = tensor.insert_slice %[[F]] into %[[E]][0, 0, 0] [1, 64, 2] [1, 1, 1]
// CHECK: %[[R:.+]] = tensor.insert_slice %[[X]] into %[[B]][0, 0, 2] [1, 64, 1024] [1, 1, 1]
// CHECK: return %[[R]]
// BUF-LABEL: func.func @causal
// BUF: %[[A:.+]] = memref.alloc() {{.*}}: memref<1x64x1026xf32>
// BUF: %[[SV:.+]] = memref.subview %[[A]][0, 0, 0] [1, 64, 2] [1, 1, 1]
// BUF: linalg.fill ins(%{{.+}} : f32) outs(%[[SV]]
// BUF-NOT: linalg.fill
// BUF-NOT: linalg.map
// BUF: memref.copy %arg0
// BUF-NOT: linalg.fill
// BUF-NOT: linalg.map
// BUF: return %[[A]]
func.func @causal(%x: tensor<1x64x1024xf32>) -> tensor<1x64x1026xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 2] high[0, 0, 0] {
  ^bb0(%i: index, %j: index, %k: index):
    tensor.yield %zero : f32
  } : tensor<1x64x1024xf32> to tensor<1x64x1026xf32>
  return %p : tensor<1x64x1026xf32>
}

// -----

// Dynamic sizes, both sides of one dimension and a dynamic low side of the
// other: the result's size is low + source + high, each padded side its
// own slab (the high one after the low padding and the source; none for a
// side of size 0), the source at the low offsets.
// CHECK-LABEL: func.func @two_dims
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<?x?xf32>, %[[L:[a-z0-9]+]]: index, %[[V:[a-z0-9]+]]: f32
// CHECK: %[[D0:.+]] = tensor.dim %[[X]], %c0
// CHECK: %[[D1:.+]] = tensor.dim %[[X]], %c1
// CHECK: %[[H0:.+]] = arith.addi %c1{{.*}}, %[[D0]]
// CHECK: %[[N0:.+]] = arith.addi %[[H0]], %c3
// CHECK: %[[N1:.+]] = arith.addi %[[L]], %[[D1]]
// CHECK: %[[E:.+]] = tensor.empty(%[[N0]], %[[N1]]) : tensor<?x?xf32>
// CHECK: tensor.extract_slice %[[E]][0, 0] [1, %[[N1]]] [1, 1]
// CHECK: linalg.fill ins(%[[V]] : f32)
// CHECK: %[[B0:.+]] = tensor.insert_slice %{{.+}} into %[[E]][0, 0] [1, %[[N1]]] [1, 1]
// CHECK-NOT: arith.addi
// CHECK: tensor.extract_slice %[[B0]][%[[H0]], 0] [3, %[[N1]]] [1, 1]
// CHECK: linalg.fill ins(%[[V]] : f32)
// CHECK: %[[B1:.+]] = tensor.insert_slice %{{.+}} into %[[B0]][%[[H0]], 0] [3, %[[N1]]] [1, 1]
// CHECK: tensor.extract_slice %[[B1]][0, 0] [%[[N0]], %[[L]]] [1, 1]
// CHECK: linalg.fill ins(%[[V]] : f32)
// CHECK: %[[B2:.+]] = tensor.insert_slice %{{.+}} into %[[B1]][0, 0] [%[[N0]], %[[L]]] [1, 1]
// CHECK-NOT: linalg.fill
// CHECK: %[[R:.+]] = tensor.insert_slice %[[X]] into %[[B2]][1, %[[L]]] [%[[D0]], %[[D1]]] [1, 1]
// CHECK: return %[[R]]
func.func @two_dims(%x: tensor<?x?xf32>, %l: index, %v: f32) -> tensor<?x?xf32> {
  %p = tensor.pad %x low[1, %l] high[3, 0] {
  ^bb0(%i: index, %j: index):
    tensor.yield %v : f32
  } : tensor<?x?xf32> to tensor<?x?xf32>
  return %p : tensor<?x?xf32>
}

// -----

// A padding value computed from the position is left to bufferization.
// CHECK-LABEL: func.func @per_position
// CHECK: tensor.pad
func.func @per_position(%x: tensor<4xf32>) -> tensor<6xf32> {
  %p = tensor.pad %x low[1] high[1] {
  ^bb0(%i: index):
    %c = arith.index_cast %i : index to i32
    %f = arith.sitofp %c : i32 to f32
    tensor.yield %f : f32
  } : tensor<4xf32> to tensor<6xf32>
  return %p : tensor<6xf32>
}

// -----

// An integer padding value defined in the pad's own body: the fills use a
// copy of it made before the pad. A low padding given as a constant value
// makes the pad's result type dynamic while every size is known: the
// rewritten result is static and cast back to the pad's type.
// CHECK-LABEL: func.func @inner_constant
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<3xi32>
// CHECK: %[[SEVEN:.+]] = arith.constant 7 : i32
// CHECK: %[[E:.+]] = tensor.empty() : tensor<5xi32>
// CHECK: linalg.fill ins(%[[SEVEN]] : i32) outs(%{{.+}} : tensor<2xi32>)
// CHECK: %[[R:.+]] = tensor.insert_slice %[[X]] into %{{.+}}[2] [3] [1]
// CHECK: %[[C:.+]] = tensor.cast %[[R]] : tensor<5xi32> to tensor<?xi32>
// CHECK: return %[[C]]
func.func @inner_constant(%x: tensor<3xi32>) -> tensor<?xi32> {
  %two = arith.constant 2 : index
  %p = tensor.pad %x low[%two] high[0] {
  ^bb0(%i: index):
    %c = arith.constant 7 : i32
    tensor.yield %c : i32
  } : tensor<3xi32> to tensor<?xi32>
  return %p : tensor<?xi32>
}

// -----

// A `nofold` pad asks for a copy: it stays as it is.
// CHECK-LABEL: func.func @nofold
// CHECK: tensor.pad %{{.+}} nofold
func.func @nofold(%x: tensor<4xf32>, %v: f32) -> tensor<6xf32> {
  %p = tensor.pad %x nofold low[1] high[1] {
  ^bb0(%i: index):
    tensor.yield %v : f32
  } : tensor<4xf32> to tensor<6xf32>
  return %p : tensor<6xf32>
}
