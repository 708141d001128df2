// RUN: rm -rf %t && mkdir -p %t
// RUN: seq-opt %s --seqc-select-model-entry --seqc-externalize-weights=weights-file=%t/w.safetensors | FileCheck %s
// RUN: %python -c "import json,struct,sys; d=open(sys.argv[1],'rb').read(); n=struct.unpack('<Q',d[:8])[0]; print(sorted((k,v['dtype'],v['shape']) for k,v in json.loads(d[8:8+n]).items()))" %t/w.safetensors | FileCheck %s --check-prefix=FILE
// Without weights-file the arguments change and nothing is written.
// RUN: seq-opt %s --seqc-select-model-entry --seqc-externalize-weights | FileCheck %s
// Constants below min-elements stay.
// RUN: seq-opt %s --seqc-select-model-entry --seqc-externalize-weights=min-elements=40 | FileCheck %s --check-prefix=BIG

// Every f32 and f64 tensor constant of the entry becomes a trailing weight
// argument, the one-element bias too (a retrained file must replace every
// value); the integer one and the helper's stay.
// CHECK-LABEL: func.func private @helper
// CHECK: arith.constant dense<2.000000e+00> : tensor<4x8xf32>
// CHECK-LABEL: func.func @m(
// CHECK-SAME: %[[X:[a-z0-9]+]]: tensor<8xf32>,
// CHECK-SAME: %[[W0:[a-z0-9]+]]: tensor<4x8xf32> {seq.name = "weight0", seq.weight},
// CHECK-SAME: %[[W1:[a-z0-9]+]]: tensor<1xf32> {seq.name = "weight1", seq.weight},
// CHECK-SAME: %[[W2:[a-z0-9]+]]: tensor<8x8xf64> {seq.name = "weight2", seq.weight})
// CHECK-NOT: arith.constant {{.*}}f32>
// CHECK: arith.constant dense<3> : tensor<4x8xi32>
// CHECK: call @helper(%[[W0]])
// FILE: [('weight0', 'F32', [4, 8]), ('weight1', 'F32', [1]), ('weight2', 'F64', [8, 8])]
// BIG: %{{.+}}: tensor<8x8xf64> {seq.name = "weight0", seq.weight})
// BIG-DAG: arith.constant dense<5.000000e-01> : tensor<4x8xf32>
// BIG-DAG: arith.constant dense<1.000000e+00> : tensor<1xf32>
func.func private @helper(%w: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c = arith.constant dense<2.0> : tensor<4x8xf32>
  %s = arith.addf %w, %c : tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}
func.func @m(%x: tensor<8xf32>) -> (tensor<4x8xf32>, tensor<1xf32>, tensor<4x8xi32>, tensor<8x8xf64>) {
  %w = arith.constant dense<0.5> : tensor<4x8xf32>
  %small = arith.constant dense<1.0> : tensor<1xf32>
  %ints = arith.constant dense<3> : tensor<4x8xi32>
  %d = arith.constant dense<0.25> : tensor<8x8xf64>
  %y = func.call @helper(%w) : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y, %small, %ints, %d : tensor<4x8xf32>, tensor<1xf32>, tensor<4x8xi32>, tensor<8x8xf64>
}
