// RUN: seq-opt %s --seqc-cpu-pipeline | FileCheck %s

// On the LLVM dialect, a failed shape check records status 2
// (SEQC_ERR_SHAPE), its message and value in the model context and returns
// zero descriptors before the first allocation; each allocation is checked
// for null (status 6, SEQC_ERR_OUT_OF_MEMORY; an allocation of 0 bytes may
// return null). Both stop through the function's one exit, which takes the
// record (status, message, has_value, value) as block arguments: a
// 10-layer step function's hundred checks, each returning zero descriptors
// of its own, took LLVM seconds to compile.
#id = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: llvm.mlir.global internal constant @{{seqc_check_message_[0-9]+}}("input 'a' dimension 0 is {}, but the model requires 3
// CHECK-DAG: llvm.mlir.global internal constant @{{.+}}("out of memory: allocating {} bytes failed\00")
// CHECK-LABEL: llvm.func @add(
// CHECK-NOT: seq.check
// CHECK-DAG: %[[ZERO:.+]] = llvm.mlir.zero : !llvm.struct<(ptr, ptr, i64
// CHECK-DAG: %[[OOM:.+]] = llvm.mlir.constant(6 : i32)
// CHECK-DAG: %[[SHAPE:.+]] = llvm.mlir.constant(2 : i32)
// CHECK-DAG: %[[ONE:.+]] = llvm.mlir.constant(1 : i32)
// CHECK: %[[THREE:.+]] = llvm.icmp "eq" %arg3,
// CHECK-NEXT: llvm.cond_br %[[THREE]], ^{{.+}}, ^[[EXIT:bb[0-9]+]](%[[SHAPE]], %{{.+}}, %[[ONE]], %arg3 :
// CHECK: %[[PTR:.+]] = llvm.call @seqc_model_alloc(%{{.+}}, %{{.+}}, %[[BYTES:.+]]) :
// CHECK-NEXT: llvm.icmp "ne" %[[PTR]]
// CHECK: llvm.cond_br %{{.+}}, ^{{.+}}, ^[[EXIT]](%[[OOM]], %{{.+}}, %[[ONE]], %[[BYTES]] :
// CHECK: llvm.return
// CHECK: ^[[EXIT]](%[[STATUS:.+]]: i32, %[[MESSAGE:.+]]: !llvm.ptr, %[[HAS:.+]]: i32, %[[VALUE:.+]]: i64):
// CHECK-NEXT: llvm.cmpxchg %{{.+}}, %{{.+}}, %[[STATUS]] monotonic monotonic
// CHECK: llvm.store %[[HAS]]
// CHECK: llvm.store %[[MESSAGE]]
// CHECK: llvm.store %[[VALUE]]
// CHECK: llvm.return %[[ZERO]]
// CHECK-NEXT: }
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
