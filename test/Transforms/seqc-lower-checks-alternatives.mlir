// RUN: seq-opt %s --seqc-cpu-pipeline | FileCheck %s

// A check shared by the copies of a repeated layer records the message of
// the copy that failed: alternatives[selector] (the plain message when the
// selector is outside the list), chosen with selects on the failure path
// (off the checked one) and passed to the function's stop exit.
// CHECK-DAG: llvm.mlir.global internal constant @[[M:seqc_check_message_[0-9]+]]("at m:1 is {}\00")
// CHECK-DAG: llvm.mlir.global internal constant @[[M1:seqc_check_message_[0-9]+]]("at m:2 is {}\00")
// CHECK-LABEL: llvm.func @pick(
// CHECK-DAG: %[[FIRST:.+]] = llvm.mlir.addressof @[[M]]
// CHECK-DAG: %[[SECOND:.+]] = llvm.mlir.addressof @[[M1]]
// CHECK: llvm.cond_br %{{.+}}, ^{{.+}}, ^[[FAIL:bb[0-9]+]]
// CHECK: ^[[FAIL]]:
// CHECK-NEXT: %[[IS0:.+]] = llvm.icmp "eq" %[[LAYER:.+]], %{{.+}} : i64
// CHECK-NEXT: %[[TEXT0:.+]] = llvm.select %[[IS0]], %[[FIRST]], %[[FIRST]] : i1, !llvm.ptr
// CHECK-NEXT: %[[IS1:.+]] = llvm.icmp "eq" %[[LAYER]], %{{.+}} : i64
// CHECK-NEXT: %[[TEXT:.+]] = llvm.select %[[IS1]], %[[SECOND]], %[[TEXT0]] : i1, !llvm.ptr
// CHECK-NEXT: llvm.br ^[[EXIT:bb[0-9]+]](%{{.+}}, %[[TEXT]], %{{.+}}, %{{.+}} :
// CHECK: ^[[EXIT]](%{{.+}}: i32, %[[MESSAGE:.+]]: !llvm.ptr, %{{.+}}: i32, %{{.+}}: i64):
// CHECK-NEXT: llvm.cmpxchg
// CHECK: llvm.store %[[MESSAGE]]
func.func @pick(%a: tensor<?xf32> {seq.name = "a"}, %layer: i64) -> tensor<?xf32> {
  %c0 = arith.constant 0 : index
  %c4 = arith.constant 4 : index
  %n = tensor.dim %a, %c0 : tensor<?xf32>
  %ok = arith.cmpi eq, %n, %c4 : index
  %found = arith.index_cast %n : index to i64
  seq.check %ok, shape "at m:1 is {}" found %found selected by %layer from ["at m:1 is {}", "at m:2 is {}"]
  return %a : tensor<?xf32>
}
