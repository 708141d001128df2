//===- StreamableOpInterface.td - how an op streams ---------*- tablegen -*-===//

#ifndef SEQC_DIALECT_SEQ_STREAMABLEOPINTERFACE_TD
#define SEQC_DIALECT_SEQ_STREAMABLEOPINTERFACE_TD

include "mlir/IR/OpBase.td"

def Seq_StreamableOpInterface : OpInterface<"StreamableOpInterface"> {
  let cppNamespace = "::seqc::seq";
  let description = [{
    An op that carries information from one time step to the next says how
    a stream carries it from one chunk of steps to the next, so that
    `seq-create-step-function` can derive a model's streaming step function
    without knowing the op: a recurrence binds its initial state to a new
    state argument and hands its final state out, a causal convolution
    prepends its last inputs, attention keeps a key/value cache, a
    normalization carries nothing but checks that it normalizes over the
    features only. Ops without the interface must act on each time step
    independently (seq ops say so with the `ActsPerTimeStep` trait; the
    transformation checks upstream ops by their form), or the model does
    not stream.

    The implementations are external models (the transformation builds
    tensor, linalg and `seq.check` IR the dialect library does not link),
    one file per op family under `dialects/Seq/Transforms/Streaming/`,
    registered by `registerStreamableOpInterfaceExternalModels`.
  }];
  let methods = [
    InterfaceMethod<[{
        Rewrites the op, inside a copy of the model function that becomes
        the step function, to read its state from earlier chunks through
        new state arguments of `stream` and to hand the state after the
        chunk to `stream`. Fails through `stream.fail` (with a reason the
        user sees) when the op cannot stream in its current form.
      }],
      "::mlir::LogicalResult", "carryStreamState",
      (ins "::seqc::seq::StreamState &":$stream)>,
    InterfaceMethod<[{
        Why the op reads time steps after the one it computes (a reverse
        recurrence, self-attention without a causal mask, a convolution
        padded short of its reach on the left), or an empty string when it
        does not or cannot tell (`stream` answers which input dimensions
        are one; nothing is rewritten yet). Asked of every op before any
        is rewritten: a model that is not causal has no step function
        whatever else it does, and that is the reason its user reads, not
        an op before it (a reshape of the heads) that would also have
        stopped the stream.
      }],
      "std::string", "futureStepsReason",
      (ins "::seqc::seq::StreamState &":$stream), [{}],
      /*defaultImplementation=*/[{ return ""; }]>,
    InterfaceMethod<[{
        Whether the op carries anything from one chunk to the next (a
        recurrence's state, a convolution's last inputs, attention's cache):
        its results then depend on earlier chunks. False for an op that
        only checks that it acts within each step (a normalization over the
        features), whose results are as time-free as its operands.
      }],
      "bool", "carriesStreamState", (ins), [{}],
      /*defaultImplementation=*/[{ return true; }]>
  ];
}

#endif // SEQC_DIALECT_SEQ_STREAMABLEOPINTERFACE_TD
