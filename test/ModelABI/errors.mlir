// The model ABI phase's refusals, each naming what to do.
// RUN: not seq-opt %s --seqc-select-model-entry=entry=missing 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: not seq-opt %s --seqc-name-tied-dims 2>&1 | FileCheck %s --check-prefix=UNMARKED
// RUN: not seq-opt %s --seqc-model-abi=name=seqc_rnn 2>&1 | FileCheck %s --check-prefix=RESERVED
// RUN: not seq-opt %s --seqc-model-abi 2>&1 | FileCheck %s --check-prefix=NONAME
// RUN: not seq-opt %s --seqc-model-abi=name=m --seqc-model-abi=name=m 2>&1 | FileCheck %s --check-prefix=TWICE
// RUN: not seq-opt %s --seqc-model-abi='entry=strings name=m' 2>&1 | FileCheck %s --check-prefix=DTYPE

// MISSING: error: no function 'missing' to use as the model entry (--entry, entry= in seq-opt)
// UNMARKED: error: no function is marked 'seq.model_entry': run seqc-select-model-entry first
// RESERVED: error: the model name 'seqc_rnn' is reserved (seqc_ names belong to the runtime); choose another with --name
// NONAME: error: the model has no name: pass name=... (seqc derives one from the file name)
// TWICE: error: the model is already exported (seq.model_abi names @m__forward)
// DTYPE: error: model input 'input0' has element type 'i16', which compiled models cannot exchange (use f32, f64, f16, bf16, i1, i8, i32 or i64)
func.func @m(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
  return %x : tensor<?x4xf32>
}
func.func private @strings(%x: tensor<4xi16>) -> tensor<4xi16> {
  return %x : tensor<4xi16>
}
