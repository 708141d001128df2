// RUN: seq-opt %s --seqc-add-model-context | FileCheck %s

// Public functions get the context pointer last, and their tensors become
// read-only for bufferization; private ones are left alone.
// CHECK-LABEL: func.func @entry
// CHECK-SAME: (%{{.+}}: tensor<?x4xf32> {bufferization.writable = false, seq.name = "a"}, %{{.+}}: i64, %{{.+}}: !llvm.ptr {seqc.model_context})
func.func @entry(%a: tensor<?x4xf32> {seq.name = "a"}, %n: i64) -> tensor<?x4xf32> {
  return %a : tensor<?x4xf32>
}

// CHECK-LABEL: func.func private @helper
// CHECK-SAME: (%{{.+}}: tensor<?x4xf32>) -> tensor<?x4xf32>
func.func private @helper(%a: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %a : tensor<?x4xf32>
}
