//===- SeqBase.td - seq dialect definition -----------------*- tablegen -*-===//
//
// The `seq` dialect describes sequence models at the level a model author
// thinks in: recurrences, attention and temporal convolution are single named
// ops with complete semantics, so that the rewrites that need their meaning
// (hoisting input projections, fusing gates, flash attention) can see it.
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECT_SEQ_SEQBASE_TD
#define SEQC_DIALECT_SEQ_SEQBASE_TD

include "mlir/IR/OpBase.td"
include "mlir/IR/AttrTypeBase.td"

def Seq_Dialect : Dialect {
  let name = "seq";
  let cppNamespace = "::seqc::seq";
  let summary = "Sequence-model ops: recurrences, attention, temporal convolution";
  let description = [{
    The `seq` dialect holds tensor-level ops with value semantics for
    sequence models: `seq.rnn`, `seq.lstm`, `seq.gru` (the ONNX operator
    semantics, which are a superset of PyTorch's), `seq.attention`
    (scaled dot-product attention with MHA/GQA/MQA, causal alignment, sliding
    windows and masks), `seq.conv1d` (dilated, grouped, optionally causal),
    a generic recurrence `seq.scan` whose region is the step body, and the
    model glue that upstream dialects do not express directly (`seq.linear`,
    `seq.layer_norm`, `seq.rms_norm`, `seq.embedding`, `seq.activation`).
    Time and batch dimensions may be dynamic; feature sizes are static in
    practice because weights fix them, but the verifiers accept dynamic ones.
    See `dialects/Seq/Rationale.md` for why the dialect looks like this.
  }];
  let useDefaultAttributePrinterParser = 1;
  // The discardable attributes the compiler reads (seq.name, seq.dims,
  // seq.state, seq.in_place, seq.weight on function arguments and results;
  // seq.model_name on the module; seq.contraction on a linalg op) are
  // checked when the IR is verified, not when the model is emitted.
  let hasRegionArgAttrVerify = 1;
  let hasRegionResultAttrVerify = 1;
  let hasOperationAttrVerify = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
  }];
  let dependentDialects = ["::mlir::tensor::TensorDialect"];
}

// A recurrence over the time steps whose parallel loops (TilingInterface)
// are independent recurrences: seq-split-scan-channels splits it over the
// threads along its innermost parallel loop (SeqTraits.h).
def Seq_IndependentChannelScan : NativeOpTrait<"IndependentChannelScan"> {
  let cppNamespace = "::seqc::seq";
}

// An op that computes each time step's results from that step's inputs
// (and from operands without a time dimension: weights): a stream runs it
// on each chunk as it runs on the whole sequence, with no state
// (seq-create-step-function; SeqTraits.h).
def Seq_ActsPerTimeStep : NativeOpTrait<"ActsPerTimeStep"> {
  let cppNamespace = "::seqc::seq";
}

class Seq_Op<string mnemonic, list<Trait> traits = []>
    : Op<Seq_Dialect, mnemonic, traits>;

class Seq_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<Seq_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

#endif // SEQC_DIALECT_SEQ_SEQBASE_TD
