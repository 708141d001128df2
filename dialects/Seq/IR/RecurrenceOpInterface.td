//===- RecurrenceOpInterface.td - the named recurrences ------*- tablegen -*-===//

#ifndef SEQC_DIALECT_SEQ_RECURRENCEOPINTERFACE_TD
#define SEQC_DIALECT_SEQ_RECURRENCEOPINTERFACE_TD

include "mlir/IR/OpBase.td"

def Seq_RecurrenceOpInterface : OpInterface<"RecurrenceOpInterface"> {
  let cppNamespace = "::seqc::seq";
  let description = [{
    A gated recurrence in ONNX's operand layout (`seq.rnn`, `seq.lstm`,
    `seq.gru`): what the passes that do not build its cell need to know,
    so that they handle every such op alike — its input and weights, its
    carried states, its layout and its directions. D is the number of
    directions, G the number of gates, H the hidden size, Hout the width of
    the hidden state (H, or an LSTM's projection size).

    Layouts: time-major input `[T, B, I]`, `y` `[T, D, B, Hout]`, states
    `[D, B, ·]`; batch-major input `[B, T, I]`, `y` `[B, T, D, Hout]`,
    states `[B, D, ·]`. Result 0 is `y`; results 1.. are the final states,
    in the order of their initial-state operands.
  }];
  let methods = [
    InterfaceMethod<"The sequence input, `[T, B, I]` or `[B, T, I]`.",
      "::mlir::Value", "getInput">,
    InterfaceMethod<"The input weights, `[D, G*H, I]`.",
      "::mlir::Value", "getW">,
    InterfaceMethod<"The recurrent weights, `[D, G*H, Hout]`.",
      "::mlir::Value", "getR">,
    InterfaceMethod<[{
        The input then the recurrent biases, `[D, 2*G*H]`; null when the op
        has none (zeros).
      }], "::mlir::Value", "getBias">,
    InterfaceMethod<[{
        Per batch row, how many steps run (`[B]`, integers); null when all
        T do.
      }], "::mlir::Value", "getSequenceLens">,
    InterfaceMethod<"The `y` result: every step's hidden state.",
      "::mlir::Value", "getY">,
    InterfaceMethod<"H, the `hidden_size` attribute.",
      "uint64_t", "getHiddenSize">,
    InterfaceMethod<"G: 1 (RNN), 4 (LSTM: i, o, f, c), 3 (GRU: z, r, h).",
      "int64_t", "getNumGates">,
    InterfaceMethod<"forward, reverse or bidirectional.",
      "::seqc::seq::Direction", "getDirection">,
    InterfaceMethod<"D: 2 for a bidirectional recurrence, else 1.",
      "int64_t", "getNumDirections">,
    InterfaceMethod<"Whether the layout is batch-major.",
      "bool", "isBatchMajor">,
    InterfaceMethod<"The `clip` threshold on pre-activations, if any.",
      "::std::optional<::llvm::APFloat>", "getClip">,
    InterfaceMethod<[{
        The activation in `slot` (0-based, per direction) for direction
        `dir`, the ONNX default when the op lists none.
      }], "::seqc::seq::ActivationAttr", "getActivation",
      (ins "unsigned":$dir, "unsigned":$slot)>,
    InterfaceMethod<"How many states the op carries (h; an LSTM h and c).",
      "unsigned", "getNumStates", (ins), [{}],
      [{ return $_op->getNumResults() - 1; }]>,
    InterfaceMethod<"State `k`'s value after the last step (result 1 + k).",
      "::mlir::OpResult", "getFinalState", (ins "unsigned":$k), [{}],
      [{ return $_op->getResult(1 + k); }]>,
    InterfaceMethod<[{
        The operand that holds state `k` before the first step (optional:
        empty when the state starts at zeros).
      }], "::mlir::MutableOperandRange", "getInitialStateMutable",
      (ins "unsigned":$k)>
  ];
  let extraClassDeclaration = [{
    /// State `k` before the first step; null when it starts at zeros.
    ::mlir::Value getInitialState(unsigned k) {
      ::mlir::MutableOperandRange range = getInitialStateMutable(k);
      return range.empty() ? ::mlir::Value() : range[0].get();
    }
  }];
}

#endif // SEQC_DIALECT_SEQ_RECURRENCEOPINTERFACE_TD
