//===- SeqMemoryOps.td - memory-augmented network ops ------*- tablegen -*-===//
//
// The memory access of Neural Turing Machines (Graves et al., "Neural Turing
// Machines", 2014, sec. 3) and the content lookup DNCs share with them
// (Graves et al., "Hybrid computing using a neural network with dynamic
// external memory", Nature 2016). A model carries its memory matrix as a
// `seq.scan` state and calls these ops once per step.
//
// Shapes: B batch, N memory rows (locations), W memory width (row size),
// H heads (each head has its own key and weighting), S shift kernel size.
// Every op takes the heads of one kind together: a weighting is [B, H, N].
//
//===----------------------------------------------------------------------===//

#ifndef SEQC_DIALECT_SEQ_SEQMEMORYOPS_TD
#define SEQC_DIALECT_SEQ_SEQMEMORYOPS_TD

class Seq_MemoryOp<string mnemonic>
    : Seq_Op<mnemonic, [Pure,
        DeclareOpInterfaceMethods<Seq_DimensionTiesOpInterface>]> {
  let hasVerifier = 1;
}

def Seq_ContentAddressOp : Seq_MemoryOp<"content_address"> {
  let summary = "Content-based addressing: softmax of sharpened cosine similarity";
  let description = [{
    NTM eq. 5-6: the weighting of each head over the memory rows,

    ```
    K[b,h,n]      = key[b,h] . memory[b,n]
                    / (max(|key[b,h]|, epsilon) * max(|memory[b,n]|, epsilon))
    result[b,h,n] = softmax_n(strength[b,h] * K[b,h,n])
    ```

    K is PyTorch's `F.cosine_similarity(key, memory, dim=-1, eps=epsilon)`
    (each vector divided by its norm clamped below by epsilon, so an
    all-zero row scores 0, not NaN).

    Operands: `memory` `[B, N, W]`, `key` `[B, H, W]`, `strength` (beta,
    the key strength, >= 0 in the paper) `[B, H]`. Result: `[B, H, N]`.

    ```mlir
    %w = seq.content_address %memory, %key, %beta
      : (tensor<?x16x12xf32>, tensor<?x1x12xf32>, tensor<?x1xf32>)
      -> tensor<?x1x16xf32>
    ```
  }];
  let arguments = (ins Seq_FloatTensor:$memory, Seq_FloatTensor:$key,
                       Seq_FloatTensor:$strength,
                       DefaultValuedAttr<F32Attr, "1e-8f">:$epsilon);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = [{
    $memory `,` $key `,` $strength attr-dict `:`
    functional-type(operands, results)
  }];
}

def Seq_AddressInterpolateOp : Seq_MemoryOp<"address_interpolate"> {
  let summary = "Interpolation gate between a new and the previous weighting";
  let description = [{
    NTM eq. 7: `result[b,h,n] = gate[b,h] * content[b,h,n]
    + (1 - gate[b,h]) * previous[b,h,n]`, with the gate in [0, 1] (a
    sigmoid in the paper).

    Operands: `content` and `previous` `[B, H, N]`, `gate` `[B, H]`.
    Result: `[B, H, N]`.

    ```mlir
    %wg = seq.address_interpolate %wc, %w_prev, %g
      : (tensor<?x1x16xf32>, tensor<?x1x16xf32>, tensor<?x1xf32>)
      -> tensor<?x1x16xf32>
    ```
  }];
  let arguments = (ins Seq_FloatTensor:$content, Seq_FloatTensor:$previous,
                       Seq_FloatTensor:$gate);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = [{
    $content `,` $previous `,` $gate attr-dict `:`
    functional-type(operands, results)
  }];
}

def Seq_AddressShiftOp : Seq_MemoryOp<"address_shift"> {
  let summary = "Location-based shift: circular convolution with a shift kernel";
  let description = [{
    NTM eq. 8: the weighting rotated by a distribution over the shifts
    `o_k = k - (S - 1) / 2` for `k = 0 .. S-1` (S odd; S = 3 is the
    paper's shifts -1, 0, +1):

    ```
    result[b,h,n] = sum_k shift[b,h,k] * weights[b,h,(n - o_k) mod N]
    ```

    so `shift[b,h,k] = 1` moves the weighting `o_k` rows forward:
    `torch.roll(weights, o_k, dims=-1)`. (pytorch-ntm's `_convolve` indexes
    the kernel the other way round: its kernel is this one reversed.)

    Operands: `weights` `[B, H, N]`, `shift` `[B, H, S]` (a softmax in the
    paper). Result: `[B, H, N]`.

    ```mlir
    %ws = seq.address_shift %wg, %s
      : (tensor<?x1x16xf32>, tensor<?x1x3xf32>) -> tensor<?x1x16xf32>
    ```
  }];
  let arguments = (ins Seq_FloatTensor:$weights, Seq_FloatTensor:$shift);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = [{
    $weights `,` $shift attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_AddressSharpenOp : Seq_MemoryOp<"address_sharpen"> {
  let summary = "Sharpening: renormalized power of a weighting";
  let description = [{
    NTM eq. 9, with an optional `epsilon` added to the sum (pytorch-ntm
    adds 1e-16 against an all-zero weighting):

    ```
    result[b,h,n] = weights[b,h,n]^gamma[b,h]
                    / (sum_m weights[b,h,m]^gamma[b,h] + epsilon)
    ```

    Operands: `weights` `[B, H, N]` (non-negative), `gamma` `[B, H]`
    (>= 1 in the paper). Result: `[B, H, N]`.

    ```mlir
    %w = seq.address_sharpen %ws, %gamma
      : (tensor<?x1x16xf32>, tensor<?x1xf32>) -> tensor<?x1x16xf32>
    ```
  }];
  let arguments = (ins Seq_FloatTensor:$weights, Seq_FloatTensor:$gamma,
                       DefaultValuedAttr<F32Attr, "0.0f">:$epsilon);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = [{
    $weights `,` $gamma attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_MemoryReadOp : Seq_MemoryOp<"memory_read"> {
  let summary = "Read heads: the weighted sum of the memory rows";
  let description = [{
    NTM eq. 2: `result[b,h,w] = sum_n weights[b,h,n] * memory[b,n,w]`.

    Operands: `memory` `[B, N, W]`, `weights` `[B, H, N]`. Result: the read
    vectors `[B, H, W]`.

    ```mlir
    %r = seq.memory_read %memory, %w
      : (tensor<?x16x12xf32>, tensor<?x1x16xf32>) -> tensor<?x1x12xf32>
    ```
  }];
  let arguments = (ins Seq_FloatTensor:$memory, Seq_FloatTensor:$weights);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = [{
    $memory `,` $weights attr-dict `:` functional-type(operands, results)
  }];
}

def Seq_MemoryWriteOp : Seq_MemoryOp<"memory_write"> {
  let summary = "Write heads: erase, then add";
  let description = [{
    NTM eq. 3-4, for all write heads at once: every head's erase, then every
    head's add ("the erasures can be performed in any order, as
    multiplication is commutative", sec. 3.2):

    ```
    result[b,n,w] = memory[b,n,w] * prod_h (1 - weights[b,h,n] * erase[b,h,w])
                    + sum_h weights[b,h,n] * add[b,h,w]
    ```

    With one head this is also the DNC's write (Graves et al. 2016,
    Methods, "Writing").

    Operands: `memory` `[B, N, W]`, `weights` `[B, H, N]`, `erase`
    (in [0, 1]) and `add` `[B, H, W]`. Result: the new memory `[B, N, W]`.

    ```mlir
    %m_next = seq.memory_write %memory, %w, %e, %a
      : (tensor<?x16x12xf32>, tensor<?x1x16xf32>, tensor<?x1x12xf32>,
         tensor<?x1x12xf32>) -> tensor<?x16x12xf32>
    ```
  }];
  let arguments = (ins Seq_FloatTensor:$memory, Seq_FloatTensor:$weights,
                       Seq_FloatTensor:$erase, Seq_FloatTensor:$add);
  let results = (outs Seq_FloatTensor:$result);
  let assemblyFormat = [{
    $memory `,` $weights `,` $erase `,` $add attr-dict `:`
    functional-type(operands, results)
  }];
}

#endif // SEQC_DIALECT_SEQ_SEQMEMORYOPS_TD
