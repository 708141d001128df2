//===- DimensionTiesOpInterface.td - sizes an op ties ------*- tablegen -*-===//

#ifndef SEQC_DIALECT_SEQ_DIMENSIONTIESOPINTERFACE_TD
#define SEQC_DIALECT_SEQ_DIMENSIONTIESOPINTERFACE_TD

include "mlir/IR/OpBase.td"

def Seq_DimensionTiesOpInterface : OpInterface<"DimensionTiesOpInterface"> {
  let cppNamespace = "::seqc::seq";
  let description = [{
    An op's shape rule as pairs of dimensions that must have the same size
    at run time: the batch of an LSTM's `input` and of its `initial_h`, the
    key length of attention's `key` and `value`. `seqc-name-tied-dims`
    unions the ties of every op of a model to find which dynamic sizes of
    its inputs and outputs must agree, and names them, so that the runtime
    rejects disagreeing inputs before the model runs instead of the
    generated code reading out of bounds (the `seq.check`s the pipeline
    inserts are the second guard).

    Only dimensions the rule ties unconditionally belong here; a dimension
    that broadcasts when it is 1 (a mask's) is tied only where its static
    size is not 1. Elementwise ops of other dialects (`OpTrait::Elementwise`)
    need no interface: the pass ties all their operands' dimensions.

    Each op implements it next to its verifier, which checks the same rule
    where sizes are static.
  }];
  let methods = [
    InterfaceMethod<[{
        Appends the op's ties to `ties` (an absent optional operand is
        skipped).
      }],
      "void", "getDimensionTies",
      (ins "::llvm::SmallVectorImpl<::seqc::seq::DimensionTie> &":$ties)>
  ];
}

#endif // SEQC_DIALECT_SEQ_DIMENSIONTIESOPINTERFACE_TD
