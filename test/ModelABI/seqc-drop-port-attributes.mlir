// RUN: seq-opt %s --seqc-drop-port-attributes | FileCheck %s

// seq.* argument and result attributes go, on func.func and llvm.func alike;
// other attributes and the module's seq.model_abi stay.
// CHECK: module attributes {seq.model_abi
// CHECK: func.func @f(%{{.+}}: tensor<4xf32> {bufferization.writable = false}, %{{.+}}: tensor<4xf32>) -> tensor<4xf32> {
// CHECK: llvm.func @g(%{{.+}}: !llvm.ptr {llvm.noalias}) -> i32 {
module attributes {seq.model_abi = {name = "m", forward = {api = "m_api", function = "f", signature = "out y f32 [4]\n"}}} {
  func.func @f(%x: tensor<4xf32> {seq.name = "x", seq.dims = [""], bufferization.writable = false},
               %s: tensor<4xf32> {seq.state, seq.in_place}) -> (tensor<4xf32> {seq.name = "y"}) {
    return %x : tensor<4xf32>
  }
  llvm.func @g(%p: !llvm.ptr {seq.weight, llvm.noalias}) -> (i32 {seq.state}) {
    %c = llvm.mlir.constant(0 : i32) : i32
    llvm.return %c : i32
  }
}
