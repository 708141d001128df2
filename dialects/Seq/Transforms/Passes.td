//===- Passes.td - seq dialect passes ----------------------*- tablegen -*-===//

#ifndef SEQC_DIALECT_SEQ_TRANSFORMS_PASSES_TD
#define SEQC_DIALECT_SEQ_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def RaiseAttentionPass : Pass<"seq-raise-attention"> {
  let summary = "Raise attention written as plain ops to seq.attention";
  let description = [{
    Finds `matmul(softmax(masks(scale(matmul(q, k^T)))), v)` as the front
    ends build it from plain ops (an ONNX export of
    `nn.MultiheadAttention`, `F.scaled_dot_product_attention` or a Hugging
    Face block; a `.seq` model or MLIR that spells attention out) and
    replaces it with one `seq.attention`, which never materialises the
    `[B, H, Lq, Lk]` scores and skips what a causal query cannot see. It
    raises only when the meaning is the same:
    - the products are f32 contractions from zero, over the same batch
      dimensions (rank 3 `[N, L, E]`, taken as N heads, or rank 4
      `[B, H, L, E]` with a static head count H (seq.attention is lowered
      for static head counts), also as the ONNX importer builds it: a batch_matmul
      over the collapsed batch dimensions, expanded back), or with k and v
      of one head read for every query head (multi-query attention: a
      MatMul broadcasting `[B, 1, ..]`, an Einsum without the head letter),
      which stay seq.attention's one key/value head; q, k and v get
      the batch extents any of their types knows (`tensor.cast`, checked at
      run time); the softmax runs along the last dimension;
    - `k^T` is a transpose of k (folded into any transpose before it) or
      the contraction reads k transposed;
    - the scale is a multiplication or division by a finite nonzero
      constant, of the scores or of q, before any mask, or by a positive
      one after masks that are bands hiding with -inf or with fills that
      replace the scores (GPT-J's `where(causal, w, masked_bias) /
      scale_attn`: the fill is scaled with them, -1e9 / 8 then being a
      checked fill, below), not after a mask operand or a finite fill
      added to the scores;
    - masks, in any order: `scores + m` (m f32), `where(c, scores,
      fill)` / `masked_fill(scores, c, fill)` (c i1, fill <= -1e9),
      `scores - x * c` (x 0/1, c >= 1e9 finite: XLNet's `w - 1e30 *
      mask`) and `scores * k + m` with k a 0/1 mask that m hides exactly
      where k is 0 (OpenAI GPT's original `w * b + -1e9 * (1 - b)`), each
      broadcasting to the scores from the right. A finite fill in (-1e9,
      -1e3] (kCheckedFill: GPT-2 <= 4.26's and OpenAIGPT's -1e4, -9984 in
      bfloat16, float16's finfo.min) is a mask only where it replaces the hidden scores (where
      / masked_fill of a band, or `scores * k + fill * (1 - k)`, `scores *
      k - c * (1 - k)`) and only on rows whose largest visible score is
      104 above it (PyTorch attends to hidden keys otherwise): raised with
      `min_row_max = fill + 104`, which fails a run where a row's is not.
      Added to the scores (CTRL's `w + triu(ones, 1) * -1e4`), such a fill
      stays the op's mask operand: a hidden score 1e4 above the rest
      overcomes it, which no check of the visible scores can see. (The
      product forms take `s * 0` at a hidden key as 0: a hidden score that
      is inf or NaN, which makes PyTorch's whole row NaN, is skipped.)
      A mask that keeps key j for query i exactly when `lo <= j - i <= hi` (a diagonal band,
      AttentionMasks.h: a constant, `tril`/`triu` of ones or of -inf,
      a comparison of positions (`arange(T)[None, :] <= arange(T)[:, None]`,
      MaskPositions.h), `== 0`, `== 1`, `~`, `&`, `|`, `1 - x`, `x *
      fill`, an additive band times a 0/1 mask that is 1 exactly where
      it hides (transformers 4.38-4.45's `causal_mask *= arange(T) >
      cache_position.reshape(-1, 1)`), `where(c, 0, fill)`,
      `where(c, fill, x)` with x a 0/1 mask that is 0 exactly where c is
      false (Falcon-RW's `(m * 1.0).masked_fill(m, -1e9)`) or an additive
      band (Gemma-2's `where(tril(ones, -W), finfo.min, causal_mask)`),
      `where(c, 0, x)` with x a fill wherever
      c is false (PyTorch <= 1.12's generate_square_subsequent_mask: `m.float().masked_fill(m
      == 0, -inf).masked_fill(m == 1, 0.0)`), sums of such additive masks,
      casts, transposes of the last two dimensions, broadcasts, reshapes
      adding size-1 dimensions and slices at constant offsets of such;
      several are intersected) becomes attributes:
      `causal(top_left)` when hi = 0, a `window` of -lo keys before and hi
      after otherwise (`-1` where unbounded), with a run-time check that
      its extents still match the scores'. A band must vary along both the
      query and the key dimension (a size-1 one broadcast there is none)
      and keep each query's own position (lo <= 0 <= hi: a mask hiding the
      diagonal empties row 0). At most one other mask is kept as the op's
      mask operand (one of rank 0 or 1 gets leading size-1 dimensions). A
      finite band fill (`finfo.min`, -1e9) is taken as -inf only when no
      other mask is present and every row keeps a key (lo unbounded, or
      Lq + lo <= Lk: static extents, or a mask built square), and assumes
      scores below 1e9 in magnitude. A non-band fill must be -inf, or a
      finite one at most -2^126 (finfo.min), which becomes the additive
      mask `where(c, fill, 0)` (s + fill rounds to fill for scores below
      2^102 in magnitude, so a fully masked row is the mean of v as
      written); other finite fills (-1e9, -1e4) stay as written. A row
      that -inf masks entirely is zeros after raising where PyTorch's
      softmax gives NaN (seq.attention's documented choice).
    - `s - rowmax(s)` (PaLM's `sim - sim.amax(-1, keepdim=True)`) is the
      softmax's own shift and is looked through;
    - after the masks, `max(s, c)` with c <= -1e9 (LLaMA/OPT's
      `torch.max(w, finfo.min)`) makes a band's fill finite (see above);
      after a mask operand it is not raised (a fully hidden row would be the
      mean of v);
    - grouped-query attention with k and v repeated to the query heads
      (LLaMA's `repeat_kv`: a unit dimension broadcast and merged into the
      head dimension, through transposes) gives seq.attention the
      key/value heads themselves, when k and v repeat alike.
    - rank-3 q, k and v that are each, through transposes, a
      `tensor.collapse_shape` merging a batch and a static head count into
      N (`nn.MultiheadAttention`'s `[L, B, H, D] -> [L, B * H, D] ->
      [B * H, L, D]`, or `[B, H, L, D] -> [B * H, L, D]`), all with one
      head count, give seq.attention `[B, H, L, D]` (the result collapsed
      back to `[B * H, L, D]`): its batch is the model's batch, which a
      stream's key/value cache is sized by. A rank-3 mask other than one
      for every row (`[1, Lq, Lk]`) must itself be such a collapse of
      `[B, H, .., Lk]`, else the heads stay merged (as they do under
      `nn.MultiheadAttention`'s key padding mask, which reaches the
      scores through a `masked_fill` after its merge: correct, but not
      streamable anyway).
    - the combined scale is a positive finite f32 (seq.attention's).
    "Constant" includes what the model computes from constants and static
    sizes (GPT-2's `w / v.size(-1) ** 0.5`: folded by the ops' own
    folders, rounded as their types round) and slice offsets value-bounds
    analysis proves the same on every run (GPT-2's `bias[.., Lk - Lq : Lk,
    :Lk]` when q and k have one length). A causal band sliced at a row
    offset that varies is raised only when the offset is Lk - Lq: written
    so, or ONNX Slice's clamping of it into the sliced mask's rows (a
    decoder with a key/value cache: GPT-2's `bias[.., L - T : L, :L]` with
    L cached plus new keys); it becomes `causal(bottom_right)`, the sliced
    mask's extents checked against the scores at run time (with Lk < Lq
    that check fails the run, as PyTorch's broadcast fails). Any other
    varying row offset is not raised. A square band mask after a prefix of
    columns every query sees (LLaMA/OPT/Mistral's `cat([zeros(T, P),
    causal(T, T)], -1)` before P cached keys) is `causal(bottom_right)`
    when P is a run-time size (the mask's extents, checked to be the
    scores' [Lq, Lk], make P = Lk - Lq) and a window reaching P keys ahead
    when P is static; sliced after the concatenation, it is not raised.
    Anything else is left as written and runs as the plain ops. The ops the
    raising leaves unused are erased; nothing else is folded.

    Before:
    ```mlir
    %kt = linalg.transpose ins(%k : tensor<2x4x?x16xf32>) ... permutation = [0, 1, 3, 2]
    %s = linalg.generic {...}  // q x kt, the matmul contraction
    %c = linalg.generic {...}  // %s * 2.500000e-01
    %p = linalg.softmax dimension(3) ins(%c : ...) outs(...)
    %o = linalg.generic {...}  // %p x v
    ```
    After:
    ```mlir
    %o = seq.attention %q, %k, %v {scale = 2.500000e-01 : f32}
        : (...) -> tensor<2x4x?x16xf32>
    ```
  }];
  let dependentDialects = [
    "::seqc::seq::SeqDialect", "::mlir::arith::ArithDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect"
  ];
}

def RaiseGeluPass : Pass<"seq-raise-gelu"> {
  let summary = "Raise GELU written as elementwise ops to seq.activation";
  let description = [{
    Finds `0.5 * x * (1 + erf(x / sqrt(2)))` (exact GELU, as `nn.GELU`
    exports below opset 20) and `0.5 * x * (1 + tanh(sqrt(2 / pi) * (x +
    0.044715 * x^3)))` (`approximate='tanh'`, Hugging Face's `gelu_new`)
    among the elementwise linalg.generics the front ends build, and
    replaces the last with `seq.activation <gelu>` / `<gelu_tanh>` of x:
    one pass over memory instead of five to eight. Products and sums are
    read up to association and operand order (`x * 0.5`, `0.5 * x`, `/ c`
    as `* (1 / c)`, `x * 0.70710678` as `x / sqrt 2`; each constant as f32
    rounds it, within 1e-6 relative),
    `x^3` as `pow(x, 3)` or `x * x * x`, tanh as `seq.activation <tanh>` or
    `math.tanh`; every operand is read elementwise (no broadcast). Anything
    else is left as written. The ops it leaves unused are erased; nothing
    else is folded.
  }];
  let dependentDialects = ["::seqc::seq::SeqDialect"];
}

def RaiseNormsPass : Pass<"seq-raise-norms"> {
  let summary = "Raise LayerNorm and RMSNorm written as plain ops to seq ops";
  let description = [{
    Finds a normalization over the last dimension of an f32 tensor `x`
    (`[..., N]`, N static) spelled out with elementwise linalg.generics and
    means as the front ends build them (ONNX ReduceMean keeping the axis
    and the .seq front end's `mean`: a sum from 0, then an elementwise
    division by N; or a reduction summing `x * (1/N)` from 0; either
    followed by an `expand_shape` adding the unit dimension back last),
    and replaces its
    last op:
    - `(x - mean(x)) / sqrt(mean(d^2) + eps)`, where `d` is that same
      `x - mean(x)` value or `x - mean(x)` computed again (as
      `x.var(unbiased=False)` exports) and `d^2` is `pow(d, 2)` or `d * d`
      (nn.LayerNorm as exported below opset 17), optionally `* w` and
      then `+ b` with `w` and `b` `[N]` tensors read along the last
      dimension, becomes
      `seq.layer_norm %x scale(%w) bias(%b) {epsilon, axis = -1}`;
    - `x / sqrt(mean(x^2) + eps)`, optionally `* w` (LLaMA's and T5's
      RMSNorm), becomes `seq.rms_norm %x scale(%w)`.
    The division may also be written as a product with `rsqrt(...)`,
    `1 / sqrt(...)` (torch.rsqrt exports as the latter; `1.0 /
    torch.sqrt(...)` as that times 1.0) or `pow(..., -0.5)`; products and
    sums are read in either operand order, and the weight may multiply
    before the normalization (`(w * d) / sqrt(...)`, `(w * x) *
    rsqrt(...)`: PyTorch evaluates `w * x * r` left to right); `eps` must
    be a positive finite scalar. A mean multiplies by a constant within
    1e-6 of 1/N (the raised op divides the sum by N, so it may round
    differently in the last bit) or divides by exactly N. x has rank 2 or
    more. Anything else (another axis, a mean over a dynamic extent, a
    bias without a weight, a bias after an RMSNorm) is left as written or
    raised without the part that does not fit. The ops it leaves unused
    are erased; nothing else is folded.
  }];
  let dependentDialects = ["::seqc::seq::SeqDialect"];
}

def RaiseLinearBiasPass : Pass<"seq-raise-linear-bias"> {
  let summary = "Fold a broadcast bias add into the seq.linear before it";
  let description = [{
    `add(seq.linear(x, W), b)` (either operand order), where the linear has
    no bias and nothing else reads it and `b` is a 1-D `[O]` tensor added
    along the last dimension, becomes `seq.linear(x, W) bias(b)`: the bias
    is added in the GEMM's epilogue rather than in another pass over the
    output. PyTorch exports `nn.Linear` on inputs of rank 3 or more (and
    `x @ W + b`) as MatMul then Add, which the ONNX importer makes a
    seq.linear and an add; `b` may be a constant or a run-time tensor.
  }];
  let dependentDialects = ["::seqc::seq::SeqDialect"];
}

def RaiseConvPaddingPass : Pass<"seq-raise-conv-padding"> {
  let summary = "Fold zero pads before, and crops of padding after, a "
                "seq.conv1d into its padding";
  let description = [{
    How PyTorch code writes a causal (or any padded) convolution without
    seq's `causal` flag, made seq.conv1d's `padding`:
    - `conv1d(tensor.pad(x, low [0, 0, a], high [0, 0, b], 0.0))`, as
      `F.pad(x, (a, b))` / `nn.ConstantPad1d` before a convolution export
      (WaveNet's causal convolution), becomes `conv1d(x)` with `a` and `b`
      more steps of padding (any stride, dilation and groups; a `causal`
      convolution's implied padding counts). Only +0.0 pads of the time
      axis are folded; sizes read from the padded tensor are rewritten to
      its source's.
    - `extract_slice(conv1d(x, padding [l, r]), [0, 0, 0], [B, C, Tout - s])`
      with unit strides, a stride-1 convolution and `0 < s <= r` (the TCN
      paper's Chomp1d, `conv(x)[:, :, :-s]`, or `[..., :x.size(-1)]`)
      becomes `conv1d(x, padding [l, r - s])`: the last `s` outputs are
      exactly the ones that read the last `s` padding steps. The kept
      length may be a constant (static T) or computed at run time from the
      convolution's input or output length with `+ - min max` (how the ONNX
      importer clamps Slice bounds); a min or max is read only where
      `T >= 0` decides it. The convolution may have no reader but the
      slice and size queries.
    A convolution padded `[dilation * (K - 1), 0]` is causal: its step
    function streams (seq-create-step-function). Anything else (a pad of
    another axis or value, a crop at the start, a strided convolution's
    crop) is left as written.
  }];
  let dependentDialects = ["::seqc::seq::SeqDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RaiseAlibiPass : Pass<"seq-raise-alibi"> {
  let summary = "Raise a causal attention's per-head key-position bias to "
                "ALiBi slopes";
  let description = [{
    ALiBi (Press et al. 2022) as BLOOM's and MPT's model code writes it:
    `att + slopes[:, None, None] * arange(T)[None, None, :].float()` added
    to the scaled scores of a causal attention, which the importers raise
    to `seq.attention` with that bias as its float mask. When the mask is
    a product (a `linalg.generic` yielding `mulf`) of a constant that
    varies along the heads at most (the mask's dimensions align with
    `[B, H, Lq, Lk]` from the right) and the float conversion of
    `seq.positions` (no offset) of the keys' length, broadcast along the
    key axis, the mask goes and the attention takes `alibi_slopes`, the
    constant per head: under the causal mask `m_h * j` differs from
    ALiBi's `m_h * (j - i)` by a constant per row, which softmax cancels.
    The paper's form itself, the float conversion of the keys' positions
    minus the queries' (`(arange(T)[None, :] - arange(T)[:, None])
    .float()`, broadcast along the key and query axes, reshaped to unit
    dimensions around them), is ALiBi too (a constant per row apart under
    a bottom-right mask; the slopes negated for `i - j`).
    No [H, T] bias is then computed, and a streaming step function adds
    the bias of its keys' positions instead of refusing an explicit mask.
    Masks of other forms, attentions without `causal`, with a window, a
    relative bias or slopes already, are left as they are.
  }];
  let dependentDialects = ["::seqc::seq::SeqDialect"];
}

def RaisePositionsPass : Pass<"seq-raise-positions"> {
  let summary = "Raise torch.arange over a tensor's length, and a table "
                "sliced to it, to seq.positions";
  let description = [{
    `torch.arange(x.size(d))` (ONNX `Range(0, T, 1)`, which the importer
    makes a linalg.generic yielding its index as i64, sized by the
    `tensor.dim` of `x`) and `arange(s, s + T)` with `s` defined before
    it (a constant, a cache's past length) become
    `seq.positions %x dim(d) offset(s)`: the same values, and a streaming
    step function continues them across chunks (GPT-2's learned position
    embeddings `wpe(arange(T))`, RoPE's `outer(arange(T), inv_freq)`).
    Another constant step c, `arange(s, s + c * T, c)` (Conv-TasNet's
    entry counts `arange(N, N * (T + 1), N)`), is `s + c * t` of the
    positions t, elementwise. A start computed from a run-time size
    (`arange(T - 1, -1, -1)`, a reversal: a chunk's T is not the
    sequence's), element types other than i64 and lengths not read
    from a tensor (a constant `arange(5)`) are left as written. The step
    function checks that the dimension is the one it streams along (not a
    state's batch, the same as every other op's time axis), so an arange
    over the batch (`x[torch.arange(B), i]`) keeps the model from streaming
    rather than counting the wrong steps.

    A constant table sliced from row 0 to a tensor's length along one axis,
    `pe[:, :x.size(1)]` (the sinusoidal table of PyTorch's transformer
    tutorial, a learned `pos_embedding[:, :T]`; ONNX `Slice` with its end
    clamped to the table's rows), becomes `seq.embedding` of the table, as
    `[rows, features]`, at `seq.positions %x dim(d)`, expanded back to the
    slice's shape: the same rows, and a stream reads those of its steps,
    not rows `[0, chunk)` again. Only where the dimensions before the
    sliced one are 1, the table has more than one row (one row is
    broadcast), and every reader of the slice is a linalg op that reads it
    beside a tensor of that length (or a `tensor.dim`), so a length past
    the table's rows fails the run either way (an out-of-range index of
    the embedding instead of the reader's size check). A reader may also
    first squeeze the slice's unit dimensions (`pe[:, :, :T][0]`, a
    collapse or an index of them) or add some (`cos[:T][None, None]`, an
    expand_shape).

    Where such a slice (squeezed to `[T, features]`) is itself gathered at
    the positions of those `T` steps, HF LLaMA's `cos_cached[:, :,
    :seq_len].squeeze(1).squeeze(0)[position_ids]` with `position_ids =
    arange(seq_len)` (a `seq.embedding` of the slice, as the ONNX importer
    makes a Gather of a constant's rows), the embedding reads the whole
    table: every position is below `T`, so the slice only decided whether
    a position past the table's rows fails, which the whole table's lookup
    does too.

    ```mlir
    // before: pe [1, 64, 8] sliced to x's T (ONNX clamps the end to 64)
    %end = arith.minsi %t, %c64 : index
    %pe_t = tensor.extract_slice %pe[0, 0, 0] [1, %end, 8] [1, 1, 1]
      : tensor<1x64x8xf32> to tensor<1x?x8xf32>
    // after
    %p = seq.positions %x dim(1) : tensor<1x?x8xf32> -> tensor<?xi64>
    %rows = seq.embedding %p, %pe_rows
      : (tensor<?xi64>, tensor<64x8xf32>) -> tensor<?x8xf32>
    %pe_t = tensor.expand_shape %rows [[0, 1], [2]] output_shape [1, %t, 8]
      : tensor<?x8xf32> into tensor<1x?x8xf32>
    ```
  }];
  let dependentDialects = ["::seqc::seq::SeqDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def RaiseTimeShiftPass : Pass<"seq-raise-time-shift"> {
  let summary = "Raise zero-padded shifts along a time axis to seq.time_shift";
  let description = [{
    The forms PyTorch code writes "each step's value from k steps earlier"
    in (RWKV's token shift), made `seq.time_shift %x dim(d) steps(k)`:
    - `extract_slice(tensor.pad(x, low k, high h, 0.0), offset 0, size T)`
      along dimension `d` (every other dimension unpadded and taken whole,
      unit strides, `T` the length of `x` along `d`): `F.pad(x, (0, 0, k,
      0))[:, :-k]`, and `nn.ZeroPad2d((0, 0, 1, -1))` (ONNX `Pad` with a
      negative end, imported as a pad and a crop);
    - `tensor.concat(zeros, extract_slice(x, offset 0, size T - k))` along
      `d`, `zeros` of size `k` along `d` and of `x`'s sizes elsewhere (a
      zero constant, a zero `linalg.fill`): `torch.cat([zeros,
      x[:, :-k]], d)`.
    Lengths are read as `T + c` through `tensor.dim` of `x`, of the pad or
    of tensors of the same length (SizeUtils) and the `+ - min max` the ONNX
    importer clamps slice bounds with. The computation is the same; the op
    lets a streaming step function carry the last `k` inputs across chunks.
    Pads with another value or of other dimensions, crops at the start and
    shorter or longer slices are left as written.
  }];
  let dependentDialects = ["::seqc::seq::SeqDialect",
                           "::mlir::arith::ArithDialect",
                           "::mlir::tensor::TensorDialect"];
}

def DecomposeRecurrencesPass : Pass<"seq-decompose-recurrences"> {
  let summary = "Rewrite seq.rnn/lstm/gru into chunked input GEMMs and "
                "seq.scans with a fused gate epilogue";
  let description = [{
    Every fast recurrent-network library computes the input projection of
    many time steps as one matrix product and keeps only the recurrent
    product inside the time loop. This pass makes that explicit: for each
    direction it emits an `scf.for` over chunks of `chunk-steps` time steps
    (the last chunk shorter; a reverse direction takes the chunks from the
    last) carrying the states and `y`, whose body holds

    1. `seq.linear` of the chunk's input steps with that direction's `W`
       (and the biases that can be folded there) — one GEMM of
       chunk-steps * B rows. Chunking bounds the temporaries by the chunk
       instead of by T (a 10^6-step input needs no [T, B, 4H] buffer) and
       keeps the projected chunk in cache for the scan;
    2. a `seq.scan` (reverse for the backward direction) whose body computes
       `h R^T` with `seq.linear`, adds the projected input of the step, and
       evaluates every gate, the state update, clipping, peepholes and the
       sequence-length mask in one `linalg.generic` (the fused epilogue);
       LSTM projections and GRU's `linear_before_reset = false` need a second
       product inside the step;
    3. an insert of the chunk's outputs into `y`, in the op's layout. When
       `y` has no use, nothing is stored: only the states are carried.

    The final states are assembled into `y_h` (and `y_c`) after the loops.

    Before that, a read of only the last step of a forward recurrence's `y`
    (`last(lstm(x))`, through the importers' collapses and transposes; no
    sequence lengths) is rewritten to read the final hidden state, which is
    the same value: such a classifier then stores no output sequence.

    Sequence lengths need no per-batch loop bounds: a batch row whose step
    `t` is not below its length keeps its state and writes zeros, which is
    the ONNX semantics for both directions.

    Before:
    ```mlir
    %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64}
      : (tensor<?x?x4xf32>, tensor<1x8x4xf32>, tensor<1x8x8xf32>)
      -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32>)
    ```
    After (abridged):
    ```mlir
    %n = affine.apply affine_map<()[s0] -> (s0 ceildiv 64)>()[%T]
    %r:2 = scf.for %c = %c0 to %n step %c1 iter_args(%h = %zeros, %y = %y0)
        -> (tensor<?x8xf32>, tensor<?x1x?x8xf32>) {
      %t0 = affine.apply affine_map<()[s0] -> (s0 * 64)>()[%c]
      %len = affine.min affine_map<()[s0, s1] -> (64, s0 - s1)>()[%T, %t0]
      %xc = tensor.extract_slice %x[%t0, 0, 0] [%len, %B, 4] [1, 1, 1] ...
      %xw = seq.linear %xc, %w0 : (tensor<?x?x4xf32>, tensor<8x4xf32>) -> tensor<?x?x8xf32>
      %hT, %ys = seq.scan step(%t) carry(%hp = %h : tensor<?x8xf32>)
          over(%xw_t = %xw : tensor<?x?x8xf32>) outs(%init : tensor<?x?x8xf32>) {
        %hr = seq.linear %hp, %r0 : (tensor<?x8xf32>, tensor<8x8xf32>) -> tensor<?x8xf32>
        %g = arith.addf %xw_t, %hr : tensor<?x8xf32>
        %hn = linalg.generic ... { math.tanh ... }
        seq.yield %hn, %hn : tensor<?x8xf32>, tensor<?x8xf32>
      }
      %y1 = tensor.insert_slice %ys into %y[%t0, 0, 0, 0] [%len, 1, %B, 8] ...
      scf.yield %hT, %y1 : tensor<?x8xf32>, tensor<?x1x?x8xf32>
    }
    ```
  }];
  let options = [
    Option<"chunkSteps", "chunk-steps", "int64_t", /*default=*/"64",
           "Time steps whose input projection is computed as one GEMM (>= 1)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect", "::mlir::bufferization::BufferizationDialect",
    "::mlir::linalg::LinalgDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

def DecomposeSelectiveScanPass : Pass<"seq-decompose-selective-scan"> {
  let summary = "Rewrite seq.selective_scan into chunked parallel "
                "discretisation and a seq.scan of the state update";
  let description = [{
    Lowers Mamba's selective scan the way `seq-decompose-recurrences`
    lowers the named cells: an `scf.for` over chunks of `chunk-steps` time
    steps (whole chunks in the loop, so that temporaries have a static step
    count and are allocated once; the remaining steps after it) carrying the
    state `h` `[B, D, N]` and `y`. Per chunk:

    1. parallel `linalg.generic`s compute `delta'` (bias and softplus,
       over `[B, steps, D]`) and then, over `[steps, B, D, N]`, for every
       step of the chunk at once, `dA = exp(delta' * A)` and
       `dBu = delta' * B * u`: all the transcendental work, none of it on
       the sequential path;
    2. a `seq.scan` over the chunk whose step is only
       `h = dA_t * h + dBu_t` and `y_t = sum_n C_t[n] * h[n]`;
    3. one parallel `linalg.generic` adds the skip `D * u`, applies the
       gate `silu(z)` and stores the chunk into `y`.

    Temporaries are bounded by the chunk (2 x steps x B x D x N floats), not
    by T; the final state is the op's `final_state`.

    Operand extents the types do not prove equal (a dynamic T of `delta`
    against that of `input`, ...) are checked at run time with messages
    naming the operand.
  }];
  let options = [
    Option<"chunkSteps", "chunk-steps", "int64_t", /*default=*/"64",
           "Time steps discretised together per chunk (>= 1)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def DecomposeLinearAttentionPass : Pass<"seq-decompose-linear-attention"> {
  let summary = "Rewrite seq.linear_attention into chunked feature maps and "
                "a seq.scan of the state update";
  let description = [{
    Lowers causal linear attention as a recurrence, like
    `seq-decompose-selective-scan`: an `scf.for` over chunks of
    `chunk-steps` steps (whole chunks in the loop, the rest after it)
    carrying the state `S` `[B, H, Dk, Dv]`, the normaliser `z`
    `[B, H, Dk]` and the result. Per chunk, one parallel generic per
    operand applies the feature map to the chunk's queries and keys (and
    lays queries, keys and values out time-major); a `seq.scan` then does,
    per step, `S += phi(k) v^T`, `z += phi(k)` and
    `o = phi(q)^T S (/ (phi(q)^T z + epsilon))`: O(Dk * Dv) per step and
    head, whatever T. Extents the types do not prove equal are checked at
    run time.
  }];
  let options = [
    Option<"chunkSteps", "chunk-steps", "int64_t", /*default=*/"64",
           "Time steps whose feature maps are computed together (>= 1)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def DecomposeWkvPass : Pass<"seq-decompose-wkv"> {
  let summary = "Rewrite seq.wkv (RWKV-4) into chunked seq.scans of the "
                "kernels' stable recurrence";
  let description = [{
    Lowers RWKV-4's WKV like `seq-decompose-linear-attention`: an `scf.for`
    over chunks of `chunk-steps` steps (whole chunks in the loop, the rest
    after it) carrying the state rows `aa`, `bb`, `pp` (`[B, C]` each) and
    the result. Per chunk, the keys and values are laid out time-major, and
    a `seq.scan` runs one fused elementwise generic per step over every
    batch row and channel: the output `(e^(pp-q) aa + e^(u+k-q) v) /
    (e^(pp-q) bb + e^(u+k-q))` and the decayed state update, in place.
    O(C) per step and row, whatever T; `final_state` stacks the rows into
    `[B, 3, C]`. Extents the types do not prove equal are checked at run
    time.
  }];
  let options = [
    Option<"chunkSteps", "chunk-steps", "int64_t", /*default=*/"64",
           "Time steps laid out time-major together (>= 1)">
  ];
  let dependentDialects = [
    "::mlir::affine::AffineDialect",
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::math::MathDialect", "::mlir::scf::SCFDialect",
    "::mlir::tensor::TensorDialect"
  ];
}

def CreateStepFunctionPass : Pass<"seq-create-step-function", "::mlir::ModuleOp"> {
  let summary = "Derive the streaming step function of a causal model";
  let description = [{
    Adds `<entry>_step`, which runs the model on one chunk of time steps and
    threads the state between chunks through extra arguments and results
    (marked `seq.state`, named `state0`, `state1`, ...). Each op that
    carries state says how through its `StreamableOpInterface` model
    (`dialects/Seq/Transforms/Streaming/`): the final hidden and cell states
    of forward recurrences, the final states of selective scans, WKV and
    linear attention, the carried values of a written-out `seq.scan` (and
    the steps seen, when its body reads the step index), the last
    `dilation * (K - 1)` input frames of causal convolutions (all padding
    on the left), the steps seen by `seq.positions`, and for causal
    attention a key/value cache `[B, Hkv, capacity, D]` plus the number of
    steps seen (a `[1]` i64 state): the chunk's keys and values are
    written after a run-time capacity check and its queries attend
    bottom-right aligned to the cached steps; with a sliding window the
    cache is a ring of the last `capacity` steps. `capacity` is a named
    state dimension, bound when the stream opens
    (`<name>_state_create(B, capacity, ...)`). A state whose initial value
    is not zero (a recurrence's input h0, a learned value, a scan's initial
    carried values) keeps that value, read in the first chunk after the
    stream opens or resets, through a started flag (one more `[1]` i64
    state); an initial value computed from another op's state (an
    encoder's final state) makes the model non-streamable. Zero initial
    values, and what only computed them, are dropped. Running the step
    function over consecutive chunks from a zero state reproduces the
    full-sequence outputs.

    A model with an op that reads future steps (a reverse or bidirectional
    recurrence, a non-causal or strided convolution, sequence lengths,
    non-causal or explicitly masked attention), a slice or reshape that
    may select or mix time steps (a position table sliced to the chunk's
    length), or an op not known to be per step is an error naming the op.
    seqc uses the same transformation and simply omits the streaming API
    for such models.

    Before:
    ```mlir
    func.func @m(%x: tensor<?x?x4xf32>) -> tensor<?x1x?x8xf32> {
      %y, %h = seq.rnn %x, %w, %r {hidden_size = 8 : i64} : ...
      return %y : tensor<?x1x?x8xf32>
    }
    ```
    After (added):
    ```mlir
    func.func @m_step(%x: tensor<?x?x4xf32>,
                      %s0: tensor<1x?x8xf32> {seq.name = "state0", seq.state})
        -> (tensor<?x1x?x8xf32>, tensor<1x?x8xf32> {seq.name = "state0", seq.state}) {
      %y, %h = seq.rnn %x, %w, %r initial_h(%s0) {hidden_size = 8 : i64} : ...
      return %y, %h : ...
    }
    ```
  }];
  let options = [
    Option<"entry", "entry", "std::string", /*default=*/"\"\"",
           "The model function (default: the only public function)">
  ];
  let dependentDialects = [
    "::mlir::arith::ArithDialect", "::mlir::linalg::LinalgDialect",
    "::mlir::scf::SCFDialect", "::mlir::tensor::TensorDialect"
  ];
}

#endif // SEQC_DIALECT_SEQ_TRANSFORMS_PASSES_TD
