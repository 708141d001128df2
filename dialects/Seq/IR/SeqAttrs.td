//===- SeqAttrs.td - seq dialect attributes ----------------*- tablegen -*-===//

#ifndef SEQC_DIALECT_SEQ_SEQATTRS_TD
#define SEQC_DIALECT_SEQ_SEQATTRS_TD

include "dialects/Seq/IR/SeqBase.td"
include "dialects/Seq/IR/SeqEnums.td"

def Seq_ActivationAttr : Seq_Attr<"Activation", "act"> {
  let summary = "An activation function with its ONNX alpha/beta parameters";
  let description = [{
    Names an elementwise activation. Kinds that take parameters carry them
    explicitly (`alpha`, `beta`); when the text omits them, the ONNX defaults
    are filled in (leaky_relu 0.01, thresholded_relu 1.0, hard_sigmoid
    0.2/0.5, elu 1.0, affine 1.0/0.0, scaled_tanh 1.0/1.0), so every attribute
    in memory states its full meaning. Giving a parameter to a kind that has
    none is an error.

    ```mlir
    #seq.act<tanh>
    #seq.act<hard_sigmoid, alpha = 2.000000e-01, beta = 5.000000e-01>
    #seq.act<leaky_relu, alpha = 1.000000e-01>
    ```
  }];
  let parameters = (ins
    "::seqc::seq::ActivationKind":$kind,
    APFloatParameter<"first parameter (0 when unused)">:$alpha,
    APFloatParameter<"second parameter (0 when unused)">:$beta);
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let builders = [
    // Builds the attribute with the kind's default parameters.
    AttrBuilder<(ins "::seqc::seq::ActivationKind":$kind)>
  ];
  let extraClassDeclaration = [{
    /// Number of parameters (0, 1 or 2) that `kind` takes.
    static unsigned getNumParameters(::seqc::seq::ActivationKind kind);
    float getAlphaAsFloat() const { return getAlpha().convertToFloat(); }
    float getBetaAsFloat() const { return getBeta().convertToFloat(); }
  }];
}

#endif // SEQC_DIALECT_SEQ_SEQATTRS_TD
