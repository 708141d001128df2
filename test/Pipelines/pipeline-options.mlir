// seq-opt's pipelines take seqc's options, so that what seqc compiles can be
// replayed stage by stage: the chunk of a recurrence's input projection
// (seqc --recurrence-chunk-steps) and the vector width seqc derives from
// --mcpu (8 for x86-64-v3).

// RUN: seq-opt %s --seqc-seq-to-loops='recurrence-chunk-steps=8' | FileCheck %s --check-prefix=CHUNK
// CHUNK-LABEL: func.func @rnn
// The step loop of a whole chunk runs 8 steps.
// CHUNK: scf.for %{{.+}} = %c0 to %c8 step %c1

// RUN: seq-opt %s --seqc-cpu-pipeline='vector-width=8' | FileCheck %s --check-prefix=WIDTH
// RUN: seq-opt %s --seqc-cpu-pipeline | FileCheck %s --check-prefix=DEFAULT
// WIDTH: llvm.intr.fmuladd({{.+}}) : (vector<8xf32>, vector<8xf32>, vector<8xf32>) -> vector<8xf32>
// DEFAULT: llvm.intr.fmuladd({{.+}}) : (vector<16xf32>, vector<16xf32>, vector<16xf32>) -> vector<16xf32>
func.func @rnn(%x: tensor<?x1x4xf32> {seq.name = "x"}) -> tensor<?x1x1x8xf32> {
  %w = arith.constant dense<0.1> : tensor<1x8x4xf32>
  %r = arith.constant dense<0.05> : tensor<1x8x8xf32>
  %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
    : (tensor<?x1x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>) -> (tensor<?x1x1x8xf32>, tensor<1x1x8xf32>)
  return %y : tensor<?x1x1x8xf32>
}
