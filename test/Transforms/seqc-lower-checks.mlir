// RUN: seq-opt %s --seqc-cpu-pipeline | FileCheck %s

// On the LLVM dialect, a failed shape check records status 2
// (SEQC_ERR_SHAPE), its message and value in the model context and returns
// zero descriptors before the first allocation; each allocation is checked
// for null (status 6, SEQC_ERR_OUT_OF_MEMORY; an allocation of 0 bytes may
// return null).
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: llvm.mlir.global internal constant @{{seqc_check_message_[0-9]+}}("input 'a' dimension 0 is {}, but the model requires 3
// CHECK-DAG: llvm.mlir.global internal constant @{{.+}}("out of memory: allocating {} bytes failed\00")
// CHECK-LABEL: llvm.func @add(
// CHECK-NOT: seq.check
// CHECK: llvm.mlir.constant(2 : i32)
// CHECK: llvm.cond_br
// CHECK: llvm.return
// CHECK: llvm.call @seqc_model_alloc(
// CHECK: llvm.icmp "ne"
func.func @add(%a: tensor<?x4xf32> {seq.name = "a"}, %b: tensor<3x4xf32> {seq.name = "b"}) -> tensor<3x4xf32> {
  %e = tensor.empty() : tensor<3x4xf32>
  %y = linalg.generic {indexing_maps = [#id, #id, #id], iterator_types = ["parallel", "parallel"]}
      ins(%a, %b : tensor<?x4xf32>, tensor<3x4xf32>) outs(%e : tensor<3x4xf32>) {
  ^bb0(%x: f32, %z: f32, %o: f32):
    %s = arith.addf %x, %z : f32
    linalg.yield %s : f32
  } -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}
