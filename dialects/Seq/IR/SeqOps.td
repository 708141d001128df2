//===- SeqOps.td - seq dialect ops -------------------------*- tablegen -*-===//

#ifndef SEQC_DIALECT_SEQ_SEQOPS_TD
#define SEQC_DIALECT_SEQ_SEQOPS_TD

include "dialects/Seq/IR/SeqBase.td"
include "dialects/Seq/IR/SeqEnums.td"
include "dialects/Seq/IR/SeqAttrs.td"
include "dialects/Seq/IR/DimensionTiesOpInterface.td"
include "dialects/Seq/IR/RecurrenceOpInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/InferTypeOpInterface.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/TilingInterface.td"
include "mlir/IR/OpAsmInterface.td"

def Seq_ActivationArrayAttr
    : TypedArrayAttrBase<Seq_ActivationAttr, "array of #seq.act">;

def Seq_FloatTensor : RankedTensorOf<[AnyFloat]>;
// Indices and lengths: signless integers of 8 to 64 bits, read as signed
// (an i1 would read `true` as -1).
def Seq_IndexInteger
    : AnyTypeOf<[I8, I16, I32, I64], "signless integer of 8 to 64 bits">;
def Seq_IntTensor : RankedTensorOf<[Seq_IndexInteger]>;
def Seq_MaskTensor : RankedTensorOf<[AnyFloat, I1]>;

//===----------------------------------------------------------------------===//
// Recurrences
//===----------------------------------------------------------------------===//

// What seq.rnn, seq.lstm and seq.gru share: the ONNX operands, attributes
// and layouts, which RecurrenceOpInterface gives the passes. G is the number
// of gates (1, 4, 3), D the number of directions, H the hidden size.
class Seq_RecurrenceOp<string mnemonic, list<Trait> traits = []>
    : Seq_Op<mnemonic, !listconcat(traits, [Pure, AttrSizedOperandSegments,
        DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>,
        Seq_RecurrenceOpInterface])> {
  code commonExtraClassDeclaration = [{
    /// G, the number of gate blocks in W's and R's rows.
    int64_t getNumGates();
    /// The initial-state operand of state k (h, then an LSTM's c).
    ::mlir::MutableOperandRange getInitialStateMutable(unsigned k);
    /// 2 for a bidirectional recurrence, else 1.
    int64_t getNumDirections() {
      return getDirection() == ::seqc::seq::Direction::bidirectional ? 2 : 1;
    }
    bool isBatchMajor() {
      return getLayout() == ::seqc::seq::Layout::batch_major;
    }
    /// The activation in `slot` (0-based, per direction) for direction
    /// `dir`, or the ONNX default when the op does not list activations.
    ::seqc::seq::ActivationAttr getActivation(unsigned dir, unsigned slot);
  }];
}

def Seq_RnnOp : Seq_RecurrenceOp<"rnn"> {
  let summary = "Elman recurrence: h_t = f(x_t W^T + h_{t-1} R^T + Wb + Rb)";
  let description = [{
    One layer of a simple recurrent network with the full ONNX `RNN`
    semantics (PyTorch's `nn.RNN` is the case tanh|relu, no clip, no
    sequence lengths). Stacks are chains of ops: each layer is its own op so
    that a pass sees every weight and can schedule layers as a wavefront.

    Operands (D directions, H = `hidden_size`, ONNX shapes):
    - `input`: `[T, B, I]` (`time_major`) or `[B, T, I]` (`batch_major`)
    - `w`: `[D, H, I]`, `r`: `[D, H, H]`
    - `bias` (optional): `[D, 2H]`, the input bias then the recurrent bias
    - `initial_h` (optional): `[D, B, H]` (`[B, D, H]` batch-major)
    - `sequence_lens` (optional): `[B]` integers; batch `b` runs only its
      first `len[b]` steps (reverse: from `len[b]-1` down to 0); later
      entries of `y` are zero and `y_h` holds the last valid state.

    Results: `y` `[T, D, B, H]` (`[B, T, D, H]` batch-major), every hidden
    state; `y_h` `[D, B, H]` (`[B, D, H]`), the final state.

    `activations` lists one `#seq.act` per direction (default tanh); `clip`
    clamps pre-activations to `[-clip, clip]`.

    ```mlir
    %y, %h = seq.rnn %x, %w, %r bias(%b) {hidden_size = 8 : i64,
        activations = [#seq.act<relu>]}
      : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>,
         tensor<1x16xf32>) -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
    ```
  }];
  let arguments = (ins
    Seq_FloatTensor:$input, Seq_FloatTensor:$w, Seq_FloatTensor:$r,
    Optional<Seq_FloatTensor>:$bias,
    Optional<Seq_FloatTensor>:$initial_h,
    Optional<Seq_IntTensor>:$sequence_lens,
    ConfinedAttr<I64Attr, [IntPositive]>:$hidden_size,
    DefaultValuedAttr<Seq_Direction, "::seqc::seq::Direction::forward">:$direction,
    DefaultValuedAttr<Seq_Layout, "::seqc::seq::Layout::time_major">:$layout,
    OptionalAttr<Seq_ActivationArrayAttr>:$activations,
    OptionalAttr<F32Attr>:$clip);
  let results = (outs Seq_FloatTensor:$y, Seq_FloatTensor:$y_h);
  let assemblyFormat = [{
    $input `,` $w `,` $r (`bias` `(` $bias^ `)`)?
    (`initial_h` `(` $initial_h^ `)`)?
    (`sequence_lens` `(` $sequence_lens^ `)`)?
    (`direction` `(` $direction^ `)`)?
    (`layout` `(` $layout^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = commonExtraClassDeclaration;
}

def Seq_LstmOp : Seq_RecurrenceOp<"lstm"> {
  let summary = "Long short-term memory recurrence (ONNX LSTM, PyTorch nn.LSTM)";
  let description = [{
    One LSTM layer with the full ONNX `LSTM` semantics plus PyTorch's
    `proj_size`. Gates are in ONNX order **i, o, f, c**:

    ```
    i = f(x W_i^T + h R_i^T + Wb_i + Rb_i + P_i * c_{t-1})
    f = f(x W_f^T + h R_f^T + Wb_f + Rb_f + P_f * c_{t-1})   (1 - i if input_forget)
    c~ = g(x W_c^T + h R_c^T + Wb_c + Rb_c)
    c_t = f * c_{t-1} + i * c~
    o = f(x W_o^T + h R_o^T + Wb_o + Rb_o + P_o * c_t)
    h_t = o * h(c_t)                   then h_t = h_t Proj^T with a projection
    ```

    Operands (H = `hidden_size`, P = projection size, Hout = P or H):
    `input` as for `seq.rnn`; `w` `[D, 4H, I]`; `r` `[D, 4H, Hout]`;
    `bias` `[D, 8H]`; `initial_h` `[D, B, Hout]`; `initial_c` `[D, B, H]`;
    `peepholes` `[D, 3H]` (i, o, f); `projection` `[D, P, H]` (PyTorch's
    `weight_hr`); `sequence_lens` `[B]`.
    Results: `y` `[T, D, B, Hout]`, `y_h` `[D, B, Hout]`, `y_c` `[D, B, H]`
    (batch-major: `[B, T, D, Hout]`, `[B, D, Hout]`, `[B, D, H]`).
    `activations` lists f, g, h per direction (default sigmoid, tanh, tanh).

    ```mlir
    %y, %h, %c = seq.lstm %x, %w, %r bias(%b) direction(bidirectional)
        {hidden_size = 8 : i64}
      : (tensor<?x?x4xf32>, tensor<2x32x4xf32>, tensor<2x32x8xf32>,
         tensor<2x64xf32>)
      -> (tensor<?x2x?x8xf32>, tensor<2x?x8xf32>, tensor<2x?x8xf32>)
    ```
  }];
  let arguments = (ins
    Seq_FloatTensor:$input, Seq_FloatTensor:$w, Seq_FloatTensor:$r,
    Optional<Seq_FloatTensor>:$bias,
    Optional<Seq_FloatTensor>:$initial_h,
    Optional<Seq_FloatTensor>:$initial_c,
    Optional<Seq_FloatTensor>:$peepholes,
    Optional<Seq_FloatTensor>:$projection,
    Optional<Seq_IntTensor>:$sequence_lens,
    ConfinedAttr<I64Attr, [IntPositive]>:$hidden_size,
    DefaultValuedAttr<Seq_Direction, "::seqc::seq::Direction::forward">:$direction,
    DefaultValuedAttr<Seq_Layout, "::seqc::seq::Layout::time_major">:$layout,
    OptionalAttr<Seq_ActivationArrayAttr>:$activations,
    OptionalAttr<F32Attr>:$clip,
    UnitAttr:$input_forget);
  let results = (outs Seq_FloatTensor:$y, Seq_FloatTensor:$y_h,
                      Seq_FloatTensor:$y_c);
  let assemblyFormat = [{
    $input `,` $w `,` $r (`bias` `(` $bias^ `)`)?
    (`initial_h` `(` $initial_h^ `)`)?
    (`initial_c` `(` $initial_c^ `)`)?
    (`peepholes` `(` $peepholes^ `)`)?
    (`projection` `(` $projection^ `)`)?
    (`sequence_lens` `(` $sequence_lens^ `)`)?
    (`direction` `(` $direction^ `)`)?
    (`layout` `(` $layout^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = commonExtraClassDeclaration;
}

def Seq_GruOp : Seq_RecurrenceOp<"gru"> {
  let summary = "Gated recurrent unit (ONNX GRU, PyTorch nn.GRU)";
  let description = [{
    One GRU layer with the full ONNX `GRU` semantics. Gates are in ONNX
    order **z, r, h**:

    ```
    z = f(x W_z^T + h R_z^T + Wb_z + Rb_z)
    r = f(x W_r^T + h R_r^T + Wb_r + Rb_r)
    h~ = g(x W_h^T + (r * h) R_h^T + Rb_h + Wb_h)       linear_before_reset = false
    h~ = g(x W_h^T + r * (h R_h^T + Rb_h) + Wb_h)       linear_before_reset = true
    h_t = (1 - z) * h~ + z * h_{t-1}
    ```

    PyTorch's `nn.GRU` is `linear_before_reset` with gates reordered from
    (r, z, n). Operands and results are those of `seq.rnn` with 3H gate rows:
    `w` `[D, 3H, I]`, `r` `[D, 3H, H]`, `bias` `[D, 6H]`. `activations`
    lists f, g per direction (default sigmoid, tanh).

    ```mlir
    %y, %h = seq.gru %x, %w, %r {hidden_size = 8 : i64, linear_before_reset}
      : (tensor<?x?x4xf32>, tensor<1x24x4xf32>, tensor<1x24x8xf32>)
      -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
    ```
  }];
  let arguments = (ins
    Seq_FloatTensor:$input, Seq_FloatTensor:$w, Seq_FloatTensor:$r,
    Optional<Seq_FloatTensor>:$bias,
    Optional<Seq_FloatTensor>:$initial_h,
    Optional<Seq_IntTensor>:$sequence_lens,
    ConfinedAttr<I64Attr, [IntPositive]>:$hidden_size,
    DefaultValuedAttr<Seq_Direction, "::seqc::seq::Direction::forward">:$direction,
    DefaultValuedAttr<Seq_Layout, "::seqc::seq::Layout::time_major">:$layout,
    OptionalAttr<Seq_ActivationArrayAttr>:$activations,
    OptionalAttr<F32Attr>:$clip,
    UnitAttr:$linear_before_reset);
  let results = (outs Seq_FloatTensor:$y, Seq_FloatTensor:$y_h);
  let assemblyFormat = [{
    $input `,` $w `,` $r (`bias` `(` $bias^ `)`)?
    (`initial_h` `(` $initial_h^ `)`)?
    (`sequence_lens` `(` $sequence_lens^ `)`)?
    (`direction` `(` $direction^ `)`)?
    (`layout` `(` $layout^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = commonExtraClassDeclaration;
}

//===----------------------------------------------------------------------===//
// Generic recurrence
//===----------------------------------------------------------------------===//

def Seq_ScanOp : Seq_Op<"scan", [
    RecursiveMemoryEffects, SingleBlock, AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>,
    DeclareOpInterfaceMethods<OpAsmOpInterface, ["getAsmBlockArgumentNames"]>]> {
  let summary = "A recurrence whose region is the step body";
  let description = [{
    Runs its body once per time step over dimension 0 of the `sequences`.
    The body receives the step index, the carried state and the step's
    slices of the sequences; it yields the next state followed by the step's
    outputs. The op returns the final state followed by the outputs stacked
    along dimension 0 into the `outs` tensors, which give the outputs' shapes
    (destination-passing style, as in linalg: a dynamic batch size is known
    before the first step runs). With `reverse` the steps run from the last
    to the first; outputs are still stored at their step's index.

    Any cell, a custom one or a state-space / linear recurrence, can be
    written this way; `seq-decompose-recurrences` rewrites the named cells
    into it with the input projection hoisted out of the loop.

    ```mlir
    %h, %ys = seq.scan step(%t) carry(%h_prev = %h0 : tensor<2x8xf32>)
        over(%x = %xs : tensor<?x2x8xf32>) outs(%init : tensor<?x2x8xf32>) {
      %sum = arith.addf %h_prev, %x : tensor<2x8xf32>
      %h_next = math.tanh %sum : tensor<2x8xf32>
      seq.yield %h_next, %h_next : tensor<2x8xf32>, tensor<2x8xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<AnyRankedTensor>:$inits,
                       Variadic<AnyRankedTensor>:$sequences,
                       Variadic<AnyRankedTensor>:$outs,
                       UnitAttr:$reverse);
  let results = (outs Variadic<AnyRankedTensor>:$results);
  let regions = (region SizedRegion<1>:$body);
  let hasCustomAssemblyFormat = 1;
  let hasVerifier = 1;
  let hasRegionVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    // Builds the op and its body block; `bodyBuilder` receives the step
    // index, the carried values and the step slices, and must create the
    // seq.yield.
    OpBuilder<(ins "::mlir::ValueRange":$inits,
                   "::mlir::ValueRange":$sequences,
                   "::mlir::ValueRange":$outs, "bool":$reverse,
                   "::llvm::function_ref<void(::mlir::OpBuilder &, "
                   "::mlir::Location, ::mlir::Value, ::mlir::ValueRange, "
                   "::mlir::ValueRange)>":$bodyBuilder)>
  ];
  let extraClassDeclaration = [{
    /// The type of one step's slice of `sequenceType` (dimension 0 dropped).
    static ::mlir::RankedTensorType getSliceType(::mlir::Type sequenceType);
    unsigned getNumCarried() { return getInits().size(); }
    unsigned getNumOutputs() { return getResults().size() - getNumCarried(); }
    ::mlir::ResultRange getFinalStates() {
      return getResults().take_front(getNumCarried());
    }
    ::mlir::ResultRange getOutputs() {
      return getResults().drop_front(getNumCarried());
    }
    ::mlir::Block &getBodyBlock() { return getBody().front(); }
    ::mlir::BlockArgument getStepIndex() { return getBodyBlock().getArgument(0); }
    ::mlir::Block::BlockArgListType getCarriedArgs() {
      return getBodyBlock().getArguments().slice(1, getNumCarried());
    }
    ::mlir::Block::BlockArgListType getSliceArgs() {
      return getBodyBlock().getArguments().drop_front(1 + getNumCarried());
    }
  }];
}

def Seq_YieldOp : Seq_Op<"yield", [Pure, Terminator, ReturnLike,
                                  HasParent<"ScanOp">]> {
  let summary = "Ends a seq.scan step: next state, then step outputs";
  let description = [{
    ```mlir
    seq.yield %h_next, %y_t : tensor<2x8xf32>, tensor<2x8xf32>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let assemblyFormat = "($values^ `:` type($values))? attr-dict";
  let builders = [OpBuilder<(ins), [{ build($_builder, $_state, {}); }]>];
}

//===----------------------------------------------------------------------===//
// Linear recurrences (state-space models)
//===----------------------------------------------------------------------===//

def Seq_SelectiveScanOp : Seq_Op<"selective_scan",
                                 [Pure, AttrSizedOperandSegments,
                                  Seq_IndependentChannelScan,
                                  DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>,
                                  DeclareOpInterfaceMethods<TilingInterface,
                                      ["getLoopIteratorTypes",
                                       "getIterationDomain",
                                       "getTiledImplementation",
                                       "getResultTilePosition"]>]> {
  let summary = "Mamba's selective state-space scan (diagonal, input-dependent)";
  let description = [{
    The selective scan of Mamba (Gu & Dao, "Mamba: Linear-Time Sequence
    Modeling with Selective State Spaces", 2023, Algorithm 2), with the
    semantics of `selective_scan_ref` in the reference implementation
    (`mamba_ssm/ops/selective_scan_interface.py`). Per batch `b`, channel
    `d` and state index `n`, with zero-order-hold discretisation of `A` and
    the simplified (Euler) discretisation of `B`:

    ```
    delta'[b,t,d] = delta[b,t,d] + delta_bias[d]
                    (then softplus(x) = log(1 + exp(x)) with
                    `delta_softplus`; x itself above 20, as F.softplus)
    h_t[b,d,n]    = exp(delta'[b,t,d] * A[d,n]) * h_{t-1}[b,d,n]
                    + delta'[b,t,d] * B[b,t,n] * u[b,t,d]
    y[b,t,d]      = sum_n C[b,t,n] * h_t[b,d,n] + D[d] * u[b,t,d]
                    (times silu(z[b,t,d]) = z * sigmoid(z) with `z`)
    ```

    Operands (B batch, T steps, D channels = `d_inner`, N = `d_state`), all
    batch-major as the Mamba block holds them:
    - `input` (u): `[B, T, D]`; `delta`: `[B, T, D]`
    - `a`: `[D, N]`, the continuous-time diagonal state matrix (Mamba stores
      `A_log` and uses `A = -exp(A_log)`)
    - `b`, `c`: `[B, T, N]`, the input-dependent projections
    - `d` (optional): `[D]`, the skip connection
    - `z` (optional): `[B, T, D]`, the gate
    - `delta_bias` (optional): `[D]`
    - `initial_state` (optional): `[B, D, N]`; zeros when absent

    Results: `y` `[B, T, D]` and `final_state` `[B, D, N]`, the state after
    the last step (what a stream carries to the next chunk).

    Tiling (`TilingInterface`): loops B, T, D, N, of which B and D are
    parallel (each (b, d) is an independent recurrence); T and N are
    reductions a tile must span whole.

    ```mlir
    %y, %h = seq.selective_scan %u, %dt, %A, %B, %C skip(%D) gate(%z)
        {delta_softplus}
      : (tensor<?x?x32xf32>, tensor<?x?x32xf32>, tensor<32x16xf32>,
         tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<32xf32>,
         tensor<?x?x32xf32>) -> (tensor<?x?x32xf32>, tensor<?x32x16xf32>)
    ```
  }];
  let arguments = (ins
    Seq_FloatTensor:$input, Seq_FloatTensor:$delta, Seq_FloatTensor:$a,
    Seq_FloatTensor:$b, Seq_FloatTensor:$c,
    Optional<Seq_FloatTensor>:$d,
    Optional<Seq_FloatTensor>:$z,
    Optional<Seq_FloatTensor>:$delta_bias,
    Optional<Seq_FloatTensor>:$initial_state,
    UnitAttr:$delta_softplus);
  let results = (outs Seq_FloatTensor:$y, Seq_FloatTensor:$final_state);
  let assemblyFormat = [{
    $input `,` $delta `,` $a `,` $b `,` $c
    (`skip` `(` $d^ `)`)?
    (`gate` `(` $z^ `)`)?
    (`delta_bias` `(` $delta_bias^ `)`)?
    (`initial_state` `(` $initial_state^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Seq_LinearAttentionOp : Seq_Op<"linear_attention",
                                  [Pure, AttrSizedOperandSegments,
                                   DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>]> {
  let summary = "Causal linear attention as a recurrence (Transformers are RNNs)";
  let description = [{
    Causal linear attention (Katharopoulos et al., "Transformers are RNNs:
    Fast Autoregressive Transformers with Linear Attention", 2020, eq. 6-9),
    per batch `b` and head `h`, with the feature map `phi` of
    `feature_map`:

    ```
    S_t = S_{t-1} + phi(k_t) v_t^T          [Dk, Dv]
    z_t = z_{t-1} + phi(k_t)                [Dk]
    o_t = phi(q_t)^T S_t                    [Dv]
          (divided by phi(q_t)^T z_t + epsilon with `normalize`)
    ```

    `identity` makes it unnormalised linear attention (the recurrence
    behind RetNet-style and "linear transformer" layers); `elu_plus_one`
    with `normalize` is the paper's (and fast-transformers'
    `CausalLinearAttention`, epsilon 1e-6).

    Operands: `query`, `key` `[B, H, T, Dk]`, `value` `[B, H, T, Dv]`;
    `initial_state` `[B, H, Dk, Dv]` and `initial_normalizer` `[B, H, Dk]`
    (optional, zeros when absent: S_0 and z_0). Results: `result`
    `[B, H, T, Dv]`, `final_state` `[B, H, Dk, Dv]` and `final_normalizer`
    `[B, H, Dk]` (S_T and z_T: what a stream carries to the next chunk).

    ```mlir
    %o, %s, %z = seq.linear_attention %q, %k, %v
        feature_map(elu_plus_one) {normalize}
      : (tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>, tensor<?x4x?x16xf32>)
      -> (tensor<?x4x?x16xf32>, tensor<?x4x16x16xf32>, tensor<?x4x16xf32>)
    ```
  }];
  let arguments = (ins
    Seq_FloatTensor:$query, Seq_FloatTensor:$key, Seq_FloatTensor:$value,
    Optional<Seq_FloatTensor>:$initial_state,
    Optional<Seq_FloatTensor>:$initial_normalizer,
    DefaultValuedAttr<Seq_FeatureMap, "::seqc::seq::FeatureMap::identity">:$feature_map,
    UnitAttr:$normalize,
    DefaultValuedAttr<F32Attr, "1e-6f">:$epsilon);
  let results = (outs Seq_FloatTensor:$result, Seq_FloatTensor:$final_state,
                      Seq_FloatTensor:$final_normalizer);
  let assemblyFormat = [{
    $query `,` $key `,` $value
    (`initial_state` `(` $initial_state^ `)`)?
    (`initial_normalizer` `(` $initial_normalizer^ `)`)?
    (`feature_map` `(` $feature_map^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Attention and convolution
//===----------------------------------------------------------------------===//

def Seq_WkvOp : Seq_Op<"wkv", [Pure, Seq_IndependentChannelScan,
                                DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>,
                                DeclareOpInterfaceMethods<TilingInterface,
                                    ["getLoopIteratorTypes",
                                     "getIterationDomain",
                                     "getTiledImplementation",
                                     "getResultTilePosition"]>]> {
  let summary = "RWKV-4's WKV: a decayed, bonus-weighted average of values";
  let description = [{
    The time-mixing recurrence of RWKV-4 (Peng et al., "RWKV: Reinventing
    RNNs for the Transformer Era", 2023, eq. 14), per batch `b` and channel
    `c`, with `w = decay[c]` and `u = bonus[c]`:

    ```
    result[b,t,c] = ( sum_{i<t} exp(-(t-1-i) w + k_i) v_i + exp(u + k_t) v_t )
                  / ( sum_{i<t} exp(-(t-1-i) w + k_i)     + exp(u + k_t)     )
    ```

    RWKV-4 checkpoints store `time_decay` and `time_first`: `decay` is
    `exp(time_decay)`, `bonus` is `time_first`. It is computed as the
    official kernels do (BlinkDL/RWKV-LM, `wkv_cuda.cu`), carrying per
    channel a numerator `aa`, a denominator `bb` and the exponent `pp` both
    are scaled by, so that no `exp` overflows:

    ```
    q = max(pp, u + k_t);  result_t = (e^(pp-q) aa + e^(u+k_t-q) v_t)
                                     / (e^(pp-q) bb + e^(u+k_t-q))
    q = max(pp - w, k_t);  aa = e^(pp-w-q) aa + e^(k_t-q) v_t
                           bb = e^(pp-w-q) bb + e^(k_t-q);  pp = q
    ```

    Operands: `key`, `value` `[B, T, C]`; `decay`, `bonus` `[C]`;
    `initial_state` (optional, zeros when absent) `[B, 3, C]`, the rows
    `aa`, `bb`, `pp`. A channel whose `bb` is 0 holds no steps and its `pp`
    is taken as the kernels' `-1e38`, so a zero state (a new stream's) is
    exactly the kernels' start. Results: `result` `[B, T, C]` and
    `final_state` `[B, 3, C]`.

    Tiling (`TilingInterface`): loops B, T, C, of which B and C are
    parallel (each (b, c) is an independent recurrence); a tile must span
    T whole.

    ```mlir
    %y, %s = seq.wkv %k, %v, %w, %u
      : (tensor<?x?x16xf32>, tensor<?x?x16xf32>, tensor<16xf32>,
         tensor<16xf32>) -> (tensor<?x?x16xf32>, tensor<?x3x16xf32>)
    ```
  }];
  let arguments = (ins
    Seq_FloatTensor:$key, Seq_FloatTensor:$value, Seq_FloatTensor:$decay,
    Seq_FloatTensor:$bonus, Optional<Seq_FloatTensor>:$initial_state);
  let results = (outs Seq_FloatTensor:$result, Seq_FloatTensor:$final_state);
  let assemblyFormat = [{
    $key `,` $value `,` $decay `,` $bonus
    (`initial_state` `(` $initial_state^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Seq_AttentionOp : Seq_Op<"attention", [Pure, AttrSizedOperandSegments, DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>]> {
  let summary = "Scaled dot-product attention (MHA, GQA, MQA)";
  let description = [{
    `softmax(softcap(q k^T * scale) + mask) v` per batch and query head, with
    `q` `[B, Hq, Lq, D]`, `k` `[B, Hkv, Lk, D]`, `v` `[B, Hkv, Lk, Dv]` and
    result `[B, Hq, Lq, Dv]`. Query head `h` reads key/value head
    `h / (Hq / Hkv)`: Hkv = Hq is multi-head, 1 < Hkv < Hq grouped-query,
    Hkv = 1 multi-query attention. `scale` defaults to `1/sqrt(D)`.

    - `causal`: query `i` sees key `j` only if `j <= p(i)`, where
      `p(i) = i` for `top_left` and `p(i) = i + Lk - Lq` for `bottom_right`.
    - `window = array<i64: left, right>`: key `j` is seen only if
      `p(i) - left <= j <= p(i) + right`; `-1` leaves a side unbounded,
      and a side must be below 2^62.
      Without `causal`, `p(i) = i`.
    - `mask` (optional), broadcastable to `[B, Hq, Lq, Lk]` (right-aligned,
      size-1 dimensions broadcast): a float mask is added to the scores, an
      `i1` mask keeps the positions where it is true.
    - `alibi_slopes = array<f32: m_0, ..., m_{Hq-1}>` (ALiBi, Press et al.
      2022, "Train Short, Test Long"): `-m_h * |p(i) - j|` is added to query
      head `h`'s scaled score of key `j` (`p(i)` as for `causal`). Under
      `causal` this is the paper's `m_h * (j - i)`, and BLOOM's `m_h * j`
      up to a per-row constant (the same softmax); without it, MPT's
      bidirectional `-m_h * |i - j|`.
    - `relative_bias` (optional) `[Hq, 2R + 1]`: a bias by relative
      position, `relative_bias[h, clamp(j - p(i), -R, R) + R]` added to
      query head `h`'s scaled score of key `j` (`p(i)` as for `causal`):
      T5's bucketed relative attention bias (Raffel et al. 2020) tabulated
      per distance, or any learned scalar bias per clipped distance (Shaw
      et al. 2018).

    - `softcap` (optional, positive, finite): attention logit softcapping
      (Gemma-2's `attn_logit_softcapping`, Grok-1's): the scaled score `s`
      becomes `softcap * tanh(s / softcap)` before the mask and the
      position bias are added. Without it, the scaled score itself.

    - `max_positions` (optional, positive): the model defines the attention
      for at most this many positions. A run with `Lq` or `Lk` above it
      fails with an error, and so does a stream whose steps would pass it
      (a streaming step function checks the key/value cache's position
      plus the chunk). seq-raise-attention sets it from a causal mask
      sliced out of a stored buffer, nanoGPT's `bias[:, :, :T, :T]` of
      `block_size` rows (GPT-2's `n_positions`): a slice that cannot cover
      a longer sequence.

    A query row that no key may be seen by yields zeros (PyTorch would yield
    NaN); this keeps padded batches finite. With `empty_row_nan` it yields
    NaN, as `softmax` over scores that are all -inf does: seq-raise-attention
    sets it on the attention it raises from such a softmax, so that raising
    never changes a result.

    - `min_row_max` (optional, finite): a run where some query row's largest
      score among the keys it sees (scaled, with mask and position bias) is
      below this fails with SEQC_ERR_INVALID_ARGUMENT (a `value` check
      naming the op and counting the rows). seq-raise-attention sets it to
      `fill + 104` when it drops keys that the model filled with a finite
      score `fill` above -1e9 (GPT-2 <= 2.x's and OpenAI GPT's `-1e4`,
      float16's finfo.min): next to a row maximum that far above it,
      `exp(fill - max)` rounds to exactly 0 in f32 (e^-104 is below half
      the least subnormal), so the model's softmax weighs the filled keys
      0 too, and dropping them is exact. Below it the model's softmax would
      weigh them, which this op cannot (a stream has not seen them yet).

    Implements `linalg::AggregatedOpInterface` (as IREE's LinalgExt
    attention does): `decomposeOperation` builds the reference lowering,
    one materialized score matrix with its row max, exp and row sum
    (`convert-seq-to-linalg{attention-tile=0}`). The model is attached by
    `seqc::registerAttentionDecomposition` (compiler/Conversion/Passes.h),
    since it builds linalg.

    ```mlir
    %o = seq.attention %q, %k, %v causal(bottom_right)
        {window = array<i64: 16, 0>}
      : (tensor<?x8x?x64xf32>, tensor<?x2x?x64xf32>, tensor<?x2x?x64xf32>)
      -> tensor<?x8x?x64xf32>
    ```
  }];
  let arguments = (ins Seq_FloatTensor:$query, Seq_FloatTensor:$key,
                       Seq_FloatTensor:$value,
                       Optional<Seq_MaskTensor>:$mask,
                       Optional<Seq_FloatTensor>:$relative_bias,
                       OptionalAttr<Seq_CausalAlignment>:$causal,
                       OptionalAttr<DenseI64ArrayAttr>:$window,
                       OptionalAttr<F32Attr>:$scale,
                       OptionalAttr<DenseF32ArrayAttr>:$alibi_slopes,
                       UnitAttr:$empty_row_nan,
                       OptionalAttr<ConfinedAttr<I64Attr, [IntPositive]>>:$max_positions,
                       OptionalAttr<F32Attr>:$min_row_max,
                       OptionalAttr<F32Attr>:$softcap);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = [{
    $query `,` $key `,` $value (`mask` `(` $mask^ `)`)?
    (`relative_bias` `(` $relative_bias^ `)`)?
    (`causal` `(` $causal^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Seq_Conv1dOp : Seq_Op<"conv1d", [Pure, DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>]> {
  let summary = "Dilated, grouped, optionally causal 1-D convolution (TCN)";
  let description = [{
    PyTorch `nn.Conv1d` semantics: `input` `[B, Cin, T]`, `weight`
    `[Cout, Cin / groups, K]`, optional `bias` `[Cout]`, result
    `[B, Cout, Tout]` with
    `Tout = (T + pad_l + pad_r - dilation * (K - 1) - 1) / stride + 1`.
    `causal` pads `dilation * (K - 1)` zeros on the left only, so output
    step `t` depends on inputs up to `t` (with stride 1, Tout = T); it
    excludes an explicit `padding = array<i64: left, right>`.

    ```mlir
    %y = seq.conv1d %x, %w bias(%b) {dilation = 4 : i64, causal}
      : (tensor<?x16x?xf32>, tensor<16x16x3xf32>, tensor<16xf32>)
      -> tensor<?x16x?xf32>
    ```
  }];
  let arguments = (ins Seq_FloatTensor:$input, Seq_FloatTensor:$weight,
                       Optional<Seq_FloatTensor>:$bias,
                       DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>, "1">:$stride,
                       DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>, "1">:$dilation,
                       DefaultValuedAttr<ConfinedAttr<I64Attr, [IntPositive]>, "1">:$groups,
                       OptionalAttr<DenseI64ArrayAttr>:$padding,
                       UnitAttr:$causal);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`bias` `(` $bias^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
  let extraClassDeclaration = [{
    /// Zeros added before and after the time axis.
    std::pair<int64_t, int64_t> getPaddingSizes();
    /// Tout - T with stride 1 and a static kernel: left + right -
    /// dilation * (K - 1) (a padded convolution's T + 3); none otherwise.
    std::optional<int64_t> getLengthChange();
  }];
}

def Seq_TimeShiftOp : Seq_Op<"time_shift", [Pure, SameOperandsAndResultType,
    DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>]> {
  let summary = "Each step's value from `steps` steps earlier (a token shift)";
  let description = [{
    `result[..., t, ...] = t >= steps ? input[..., t - steps, ...] : 0`
    along dimension `dim` (the time axis), the same shape and element type
    out: the first `steps` steps read zeros. RWKV's token shift
    (`nn.ZeroPad2d((0, 0, 1, -1))` on `[B, T, C]`, RWKV-LM v4
    `model.py`), `F.pad(x, (0, 0, 1, 0))[:, :-1]` and `torch.cat([zeros,
    x[:, :-1]], 1)` all compute it; `seq-raise-time-shift` finds those forms.
    As an op, a streaming step function carries the last `steps` inputs to
    the next chunk, which a pad and a slice along time cannot say.

    ```mlir
    %prev = seq.time_shift %x dim(1) steps(1) : tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins RankedTensorOf<[AnyFloat, AnySignlessInteger]>:$input,
                       ConfinedAttr<I64Attr, [IntNonNegative]>:$dim,
                       ConfinedAttr<I64Attr, [IntPositive]>:$steps);
  let results = (outs RankedTensorOf<[AnyFloat, AnySignlessInteger]>:$result);
  let assemblyFormat = [{
    $input `dim` `(` $dim `)` `steps` `(` $steps `)` attr-dict `:` type($input)
  }];
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Model glue
//===----------------------------------------------------------------------===//

def Seq_LinearOp : Seq_Op<"linear", [Pure, Seq_ActsPerTimeStep,
    DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>]> {
  let summary = "y = x W^T + b over the last dimension (PyTorch nn.Linear)";
  let description = [{
    `input` `[..., I]`, `weight` `[O, I]` (PyTorch layout), optional `bias`
    `[O]`; the result is `[..., O]`. Kept as one op (rather than a
    transpose, matmul and broadcast add) so packing and epilogue fusion see
    a weight and a bias.

    ```mlir
    %y = seq.linear %x, %w bias(%b)
      : (tensor<?x?x16xf32>, tensor<4x16xf32>, tensor<4xf32>) -> tensor<?x?x4xf32>
    ```
  }];
  let arguments = (ins Seq_FloatTensor:$input, Seq_FloatTensor:$weight,
                       Optional<Seq_FloatTensor>:$bias);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = [{
    $input `,` $weight (`bias` `(` $bias^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Seq_LayerNormOp : Seq_Op<"layer_norm", [Pure, AttrSizedOperandSegments,
    DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>]> {
  let summary = "Layer normalization over the trailing dimensions from `axis`";
  let description = [{
    `(x - mean) / sqrt(var + epsilon) * scale + bias`, with mean and the
    biased variance taken over dimensions `[axis, rank)` (ONNX
    `LayerNormalization`; PyTorch `nn.LayerNorm` with a normalized shape of
    that many dimensions). `scale` and `bias`, when present, have the shape
    of those dimensions.

    ```mlir
    %y = seq.layer_norm %x scale(%g) bias(%b) {epsilon = 1.0e-05 : f32}
      : (tensor<?x?x64xf32>, tensor<64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins Seq_FloatTensor:$input,
                       Optional<Seq_FloatTensor>:$scale,
                       Optional<Seq_FloatTensor>:$bias,
                       DefaultValuedAttr<F32Attr, "1.0e-05f">:$epsilon,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scale` `(` $scale^ `)`)? (`bias` `(` $bias^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Seq_RmsNormOp : Seq_Op<"rms_norm", [Pure, DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>]> {
  let summary = "Root-mean-square normalization over the trailing dimensions";
  let description = [{
    `x / sqrt(mean(x^2) + epsilon) * scale`, the mean over dimensions
    `[axis, rank)`; `scale` has the shape of those dimensions.

    ```mlir
    %y = seq.rms_norm %x scale(%g) {epsilon = 1.0e-06 : f32}
      : (tensor<?x?x64xf32>, tensor<64xf32>) -> tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins Seq_FloatTensor:$input,
                       Optional<Seq_FloatTensor>:$scale,
                       DefaultValuedAttr<F32Attr, "1.0e-05f">:$epsilon,
                       DefaultValuedAttr<I64Attr, "-1">:$axis);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = [{
    $input (`scale` `(` $scale^ `)`)?
    attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Seq_EmbeddingOp : Seq_Op<"embedding", [Pure, Seq_ActsPerTimeStep,
    DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>]> {
  let summary = "Gathers rows of a table by integer index (nn.Embedding)";
  let description = [{
    `indices` of any shape `S` select rows of `table` `[V, E]`; the result
    is `S x [E]`. Valid indices are `[0, V)` (PyTorch's `nn.Embedding`) or,
    with `wrap_negative`, `[-V, V)` where `-1` is the last row (ONNX
    `Gather`). Any other index fails the run with `SEQC_ERR_INVALID_ARGUMENT`
    naming the index (a `seq.check` of kind `value`); the generated code
    clamps it meanwhile, so it never reads outside the table.

    ```mlir
    %e = seq.embedding %ids, %table
      : (tensor<?x?xi64>, tensor<1000x64xf32>) -> tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins Seq_IntTensor:$indices, Seq_FloatTensor:$table,
                       UnitAttr:$wrap_negative);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = [{
    $indices `,` $table attr-dict `:` functional-type(operands, results)
  }];
  let hasVerifier = 1;
}

def Seq_PositionsOp : Seq_Op<"positions", [Pure,
    DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>]> {
  let summary = "The position of every step along a time dimension";
  let description = [{
    `result[t] = offset + t` for `t` in `[0, T)`, where `T` is dimension
    `dim` of `like` and `offset` (an `i64`, default 0) is the position of
    the first step. Front ends build learned position embeddings from it
    (`seq.embedding` of a position table, PyTorch's `wpe(arange(T))`):
    naming the time dimension on the op is what lets a streaming step
    function continue the positions across chunks (it passes the number of
    steps already seen as `offset`).

    ```mlir
    %pos = seq.positions %x dim(0) : tensor<?x?x16xf32> -> tensor<?xi64>
    %pos2 = seq.positions %x dim(0) offset(%start)
      : tensor<?x?x16xf32> -> tensor<?xi64>
    ```
  }];
  let arguments = (ins AnyRankedTensor:$like, I64Attr:$dim,
                       Optional<I64>:$offset);
  let results = (outs RankedTensorOf<[I64]>:$result);
  let assemblyFormat = [{
    $like `dim` `(` $dim `)` (`offset` `(` $offset^ `)`)?
    attr-dict `:` type($like) `->` type($result)
  }];
  let hasVerifier = 1;
}

def Seq_ActivationOp : Seq_Op<"activation", [Pure, Seq_ActsPerTimeStep,
    SameOperandsAndResultType,
    DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>]> {
  let summary = "Applies an activation function elementwise";
  let description = [{
    Any `#seq.act` kind, elementwise. Upstream `math.tanh`, `arith.maximumf`
    and friends express the simple ones too; this op exists so front ends
    emit one spelling for every activation (GELU, SiLU, the ONNX
    parameterised ones) and the lowering chooses a vectorised form.

    ```mlir
    %y = seq.activation <gelu_tanh> %x : tensor<?x?x64xf32>
    ```
  }];
  let arguments = (ins Seq_ActivationAttr:$kind, Seq_FloatTensor:$input);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = "$kind $input attr-dict `:` type($input)";
}

//===----------------------------------------------------------------------===//
// Run-time checks
//===----------------------------------------------------------------------===//

def Seq_CheckOp : Seq_Op<"check", [MemoryEffects<[MemWrite]>,
    Seq_ActsPerTimeStep, AttrSizedOperandSegments]> {
  let summary = "A run-time check whose failure the model returns as a status";
  let description = [{
    Fails the run when `condition` is false. Lowerings and importers emit it
    wherever the generated code relies on something the types cannot
    guarantee: two dynamic extents that must agree, a static extent a
    dynamic input must match, an index inside a table. The compiled entry
    reports the first failed check through its model context (see
    `runtime/include/seqc/abi.h`): the runtime returns its `seqc_status`
    with `message`, where `{}` stands for `value` (the offending size or
    index) when one is given.

    `kind = shape`: nothing may run after a failed check, so the entry
    returns at once (`seqc-hoist-checks` moves such checks to the function
    entry, before any allocation, whenever the sizes they read are known
    there). A check whose condition folds to true, or that repeats an
    earlier check of the same condition in its block, canonicalizes away.
    `kind = value`: the op that emitted the check has already made
    its own access safe (it clamps the index); the run finishes and its
    results are discarded.

    A check shared by several places (the function of a repeated layer,
    which `seqc-outline-repeated-layers` calls once per layer) names the
    place that failed: with `selector`, the message is
    `alternatives[selector]` (`message` when the selector is outside the
    list).

    ```mlir
    seq.check %ok, shape "input 'x' dimension 1 is {}, but must be 16" found %t
    seq.check %ok, shape "m.onnx:3" found %t selected by %layer from ["m.onnx:3", "m.onnx:9"]
    ```
  }];
  let arguments = (ins I1:$condition, Optional<I64>:$value,
                       Optional<I64>:$selector, StrAttr:$message,
                       OptionalAttr<StrArrayAttr>:$alternatives,
                       Seq_CheckKind:$kind);
  let assemblyFormat = [{
    $condition `,` $kind $message (`found` $value^)?
    (`selected` `by` $selector^ `from` $alternatives)? attr-dict
  }];
  let builders = [
    OpBuilder<(ins "::mlir::Value":$condition, "::mlir::Value":$value,
                   "::llvm::StringRef":$message, "CheckKind":$kind), [{
      build($_builder, $_state, condition, value, /*selector=*/nullptr,
            message, /*alternatives=*/nullptr, kind);
    }]>
  ];
  let hasCanonicalizeMethod = 1;
  let hasVerifier = 1;
}

//===----------------------------------------------------------------------===//
// Memory-augmented networks
//===----------------------------------------------------------------------===//

include "dialects/Seq/IR/SeqMemoryOps.td"

#endif // SEQC_DIALECT_SEQ_SEQOPS_TD
