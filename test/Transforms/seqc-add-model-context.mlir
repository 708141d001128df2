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

// A state the step updates in place (a key/value cache) is writable; the
// step's inputs and other states are not.
// CHECK-LABEL: func.func @step
// CHECK-SAME: (%{{.+}}: tensor<?x4xf32> {bufferization.writable = false, seq.name = "x"}, %{{.+}}: tensor<?x4xf32> {bufferization.writable = true, seq.in_place, seq.state}, %{{.+}}: tensor<1xi64> {bufferization.writable = false, seq.state}, %{{.+}}: !llvm.ptr {seqc.model_context})
func.func @step(%x: tensor<?x4xf32> {seq.name = "x"}, %cache: tensor<?x4xf32> {seq.in_place, seq.state}, %pos: tensor<1xi64> {seq.state}) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
