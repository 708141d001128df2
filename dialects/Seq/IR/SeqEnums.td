//===- SeqEnums.td - seq dialect enums ---------------------*- tablegen -*-===//

#ifndef SEQC_DIALECT_SEQ_SEQENUMS_TD
#define SEQC_DIALECT_SEQ_SEQENUMS_TD

include "mlir/IR/EnumAttr.td"

def Seq_Direction : I32EnumAttr<"Direction",
    "direction a recurrence walks the sequence in", [
      I32EnumAttrCase<"forward", 0>,
      I32EnumAttrCase<"reverse", 1>,
      I32EnumAttrCase<"bidirectional", 2>
    ]> {
  let cppNamespace = "::seqc::seq";
}

def Seq_Layout : I32EnumAttr<"Layout",
    "whether time or batch is the outer dimension", [
      // ONNX layout = 0: X is [T, B, I], Y is [T, D, B, H].
      I32EnumAttrCase<"time_major", 0>,
      // ONNX layout = 1 (PyTorch batch_first): X is [B, T, I], Y is [B, T, D, H].
      I32EnumAttrCase<"batch_major", 1>
    ]> {
  let cppNamespace = "::seqc::seq";
}

def Seq_CausalAlignment : I32EnumAttr<"CausalAlignment",
    "which corner the causal diagonal starts from when Lq != Lk", [
      // Query i sees keys j <= i (PyTorch's tril(ones(Lq, Lk))).
      I32EnumAttrCase<"top_left", 0>,
      // Query i sees keys j <= i + (Lk - Lq): the queries are the last Lq
      // positions of the key sequence (a decoder with a KV cache).
      I32EnumAttrCase<"bottom_right", 1>
    ]> {
  let cppNamespace = "::seqc::seq";
}

def Seq_FeatureMap : I32EnumAttr<"FeatureMap",
    "the kernel feature map phi of linear attention", [
      // phi(x) = x.
      I32EnumAttrCase<"identity", 0>,
      // phi(x) = elu(x) + 1 (Katharopoulos et al. 2020), positive.
      I32EnumAttrCase<"elu_plus_one", 1>
    ]> {
  let cppNamespace = "::seqc::seq";
}

def Seq_CheckKind : I32EnumAttr<"CheckKind",
    "what a failed seq.check means and how the run goes on", [
      // A size the generated code relies on does not hold (two extents that
      // must agree, a window past the end of a tensor). Nothing may run
      // after it: the entry returns at once with SEQC_ERR_SHAPE.
      I32EnumAttrCase<"shape", 0>,
      // A value read from a tensor is out of the range its op accepts (a
      // gather index, a sequence length). The op has already made its own
      // access safe (it clamps); the run finishes, its results are
      // discarded and the caller gets SEQC_ERR_INVALID_ARGUMENT.
      I32EnumAttrCase<"value", 1>,
      // The GPU failed (no GPU in the model context, a kernel that did not
      // launch or run, a weight that did not fit in device memory). Nothing
      // may run after it: the entry returns at once with SEQC_ERR_DEVICE.
      I32EnumAttrCase<"device", 2>
    ]> {
  let cppNamespace = "::seqc::seq";
}

def Seq_ActivationKind : I32EnumAttr<"ActivationKind",
    "an elementwise activation function", [
      I32EnumAttrCase<"tanh", 0>,
      I32EnumAttrCase<"relu", 1>,
      I32EnumAttrCase<"sigmoid", 2>,
      // ONNX recurrent activations with parameters.
      I32EnumAttrCase<"hard_sigmoid", 3>,     // max(0, min(1, alpha*x + beta))
      I32EnumAttrCase<"leaky_relu", 4>,       // x >= 0 ? x : alpha*x
      I32EnumAttrCase<"thresholded_relu", 5>, // x > alpha ? x : 0
      I32EnumAttrCase<"scaled_tanh", 6>,      // alpha * tanh(beta * x)
      I32EnumAttrCase<"affine", 7>,           // alpha * x + beta
      I32EnumAttrCase<"elu", 8>,              // x >= 0 ? x : alpha*(exp(x)-1)
      I32EnumAttrCase<"softsign", 9>,         // x / (1 + |x|)
      I32EnumAttrCase<"softplus", 10>,        // log(1 + exp(x))
      // Transformer activations.
      I32EnumAttrCase<"gelu", 11>,            // x * Phi(x), exact (erf)
      I32EnumAttrCase<"gelu_tanh", 12>,       // PyTorch approximate='tanh'
      I32EnumAttrCase<"silu", 13>             // x * sigmoid(x)
    ]> {
  let cppNamespace = "::seqc::seq";
  // The attribute that users see is #seq.act<...> (SeqAttrs.td), which adds
  // alpha and beta; this enum is only its kind.
  let genSpecializedAttr = 0;
}

#endif // SEQC_DIALECT_SEQ_SEQENUMS_TD
