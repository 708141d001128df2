#!/usr/bin/python3
"""The attention fixtures of make_models.py: nn.MultiheadAttention and
Transformer layers, GPT/BERT/T5/NeoX/GPT-J/GQA-style blocks as Hugging Face
writes them, masks, position tables and key/value caches, and the input
makers they share. make_models.MODELS lists them.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class CausalSelfAttention(nn.Module):
    """Hand-written causal self-attention (a fused qkv projection split in
    three, head reshapes, a tril(ones) mask via masked_fill) and a GELU
    MLP, with residuals."""

    def __init__(self, c=8, heads=2):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(c, 3 * c)
        self.proj = nn.Linear(c, c)
        self.fc = nn.Linear(c, 16)
        self.out = nn.Linear(16, c)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q = q.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        k = k.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        v = v.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(c // self.heads))
        mask = torch.tril(torch.ones(t, t))
        att = att.masked_fill(mask == 0, float("-inf"))
        y = (F.softmax(att, dim=-1) @ v).transpose(1, 2).reshape(b, t, c)
        x = x + self.proj(y)
        return x + self.out(F.gelu(self.fc(x)))


class MhaCausalDecoder(nn.Module):
    """nn.MultiheadAttention with an additive causal mask built at run time
    (`full(-inf).triu(1)`, which torch 1.13 exports as Trilu of a filled
    tensor, times 1.0), exported at batch 1: how a decoder for
    token-by-token generation is exported. Streamed one token at a time it
    is a key/value cache decode (stream-mha-decode.test)."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x):
        t = x.shape[1]
        mask = torch.full((t, t), float("-inf")).triu(1)
        return self.attn(x, x, x, attn_mask=mask, need_weights=False)[0]


class MhaCausalSeqFirst(nn.Module):
    """nn.MultiheadAttention in its default sequence-first layout, [T, B,
    E], under a bool causal mask (`ones(t, t).triu(1)`, True: not
    attended), exported with a run-time batch: the heads are merged into
    the batch ([T, B, E] -> [T, B * H, D]) and the output projection runs
    on [T * B, E]. seqc splits the heads out again, so it streams with a
    key/value cache per batch row (stream-mha-batched.test)."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2)

    def forward(self, x):
        t = x.shape[0]
        mask = torch.ones(t, t, dtype=torch.bool).triu(1)
        return self.attn(x, x, x, attn_mask=mask, need_weights=False)[0]


class OldTutorialMask(nn.Module):
    """nn.MultiheadAttention (sequence first) under the float causal mask of
    PyTorch <= 1.12's nn.Transformer.generate_square_subsequent_mask, which
    its language-modeling tutorial copied: `m = (triu(ones) == 1)
    .transpose(0, 1)`, then `m.float().masked_fill(m == 0, -inf)
    .masked_fill(m == 1, 0.0)`. `variant` "future" leaves out the
    transpose (each query sees itself and the keys after it) and "soft"
    fills -1.0 instead of -inf (no key hidden: a plain additive mask)."""

    def __init__(self, variant="causal"):
        super().__init__()
        self.variant = variant
        self.attn = nn.MultiheadAttention(8, 2)

    def forward(self, x):
        t = x.shape[0]
        m = torch.triu(torch.ones(t, t)) == 1
        if self.variant != "future":
            m = m.transpose(0, 1)
        fill = -1.0 if self.variant == "soft" else float("-inf")
        mask = m.float().masked_fill(m == 0, fill).masked_fill(m == 1, 0.0)
        return self.attn(x, x, x, attn_mask=mask, need_weights=False)[0]


def time_major_features(T, B, rng):
    return {"x": rng.standard_normal((T, B, 8)).astype(np.float32)}


def sinusoidal_table(max_len, d):
    """The sinusoidal position table of PyTorch's transformer tutorial
    ("Language Modeling with nn.Transformer"): [max_len, d]."""
    position = torch.arange(max_len).unsqueeze(1)
    div_term = torch.exp(torch.arange(0, d, 2) * (-math.log(10000.0) / d))
    pe = torch.zeros(max_len, d)
    pe[:, 0::2] = torch.sin(position * div_term)
    pe[:, 1::2] = torch.cos(position * div_term)
    return pe


class TablePositionsDecoder(MhaCausalDecoder):
    """The tutorial's PositionalEncoding batch-first, a registered
    [1, max_len, d] buffer sliced `pe[:, :x.size(1)]` (ONNX Slice with the
    end clamped to 32), before causal self-attention at batch 1. Streamed,
    each chunk must read the table's rows at its own steps, not rows
    [0, chunk) again (stream-table-positions.test)."""

    def __init__(self):
        super().__init__()
        self.register_buffer("pe", sinusoidal_table(32, 8)[None])

    def forward(self, x):
        return super().forward(x + self.pe[:, :x.size(1)])


class OneRowTable(nn.Module):
    """A learned table of one row sliced to the input's length,
    `x + pe[:, :x.size(1)]` with pe [1, 1, d]: PyTorch's slice keeps the
    one row, which broadcasts over T (ONNX Slice with the end clamped to
    1). Before, the slice was typed as T long and the sum refused every
    T > 1 at run time."""

    def __init__(self):
        super().__init__()
        self.pe = nn.Parameter(torch.randn(1, 1, 8))
        self.proj = nn.Linear(8, 8)

    def forward(self, x):
        return self.proj(x + self.pe[:, :x.size(1)])


class FloatArangeRotary(MhaCausalDecoder):
    """Rotary position angles computed in forward from a float arange,
    `torch.arange(x.size(1), dtype=torch.float32)` (ONNX Range(0.0, Cast(T),
    1.0)), as many RoPE implementations write them, applied to x before
    causal self-attention at batch 1. Streamed, the angles continue from
    the stream's steps (stream-float-arange.test)."""

    def __init__(self):
        super().__init__()
        self.register_buffer(
            "inv_freq", 1.0 / (10000 ** (torch.arange(0, 8, 2).float() / 8)))

    def forward(self, x):
        t = torch.arange(x.size(1), dtype=torch.float32)
        angles = torch.outer(t, self.inv_freq)
        angles = torch.cat((angles, angles), dim=-1)
        half = torch.cat((-x[..., 4:], x[..., :4]), dim=-1)
        return super().forward(x * angles.cos() + half * angles.sin())


class CachedRotary(MhaCausalDecoder):
    """Hugging Face LLaMA / GPT-NeoX rotary embeddings as they were written
    (transformers 4.2x LlamaRotaryEmbedding): cos and sin tables of 32
    positions registered as buffers and sliced `[:T]`, applied as
    x * cos + rotate_half(x) * sin with rotate_half = cat(-x2, x1), before
    causal self-attention."""

    def __init__(self):
        super().__init__()
        inv_freq = 1.0 / (10000 ** (torch.arange(0, 8, 2).float() / 8))
        angles = torch.outer(torch.arange(32).float(), inv_freq)
        angles = torch.cat((angles, angles), dim=-1)
        self.register_buffer("cos_cached", angles.cos())
        self.register_buffer("sin_cached", angles.sin())

    def forward(self, x):
        t = x.shape[1]
        cos, sin = self.cos_cached[:t], self.sin_cached[:t]
        half = torch.cat((-x[..., 4:], x[..., :4]), dim=-1)
        return super().forward(x * cos + half * sin)


class GatheredRotary(MhaCausalDecoder):
    """Hugging Face LLaMA's rotary embeddings exactly as transformers 4.30
    wrote them: cos and sin buffers of 32 positions as [1, 1, 32, 8],
    sliced `[:, :, :seq_len, ...]`, squeezed to [T, 8] and gathered at
    `position_ids = arange(seq_len)[None]` (apply_rotary_pos_emb); the sin
    table instead indexed `[0][0]` after its slice (GPT-NeoX-style code),
    then x * cos + rotate_half(x) * sin before causal self-attention.
    Before, the gather of the sliced table (and the index of the 4-D
    slice) had no step api: "a slice whose bounds are run-time sizes may
    select time steps"."""

    def __init__(self):
        super().__init__()
        inv_freq = 1.0 / (10000 ** (torch.arange(0, 8, 2).float() / 8))
        angles = torch.outer(torch.arange(32).float(), inv_freq)
        angles = torch.cat((angles, angles), dim=-1)
        self.register_buffer("cos_cached", angles.cos()[None, None])
        self.register_buffer("sin_cached", angles.sin()[None, None])

    def forward(self, x):
        seq_len = x.shape[1]
        position_ids = torch.arange(0, seq_len, dtype=torch.long)[None]
        cos = self.cos_cached[:, :, :seq_len, ...].squeeze(1).squeeze(0)
        cos = cos[position_ids]
        sin = self.sin_cached[:, :, :seq_len, ...][0][0]
        half = torch.cat((-x[..., 4:], x[..., :4]), dim=-1)
        return super().forward(x * cos + half * sin)


class AlibiCausal(nn.Module):
    """ALiBi (Press et al. 2022) as model code writes it: per-head slopes
    (the paper's geometric 2^(-8 h / H)) times the key positions added to
    the scaled scores, BLOOM's and MPT's `slopes * arange(T)` (or, with
    `relative`, the paper's `slopes * (j - i)`), under a causal mask from
    `tril(ones(T, T)).bool()` filled with -inf (or `fill`: BLOOM's
    finfo.min, or -1e9); 4 heads of 4 features. Before, it had no step api
    ("an explicit mask spans the whole sequence"; the relative form "pairs
    time steps with time steps"; a finite fill "'/Trilu': reads its own
    iteration index", the attention not raised)."""

    def __init__(self, relative=False, fill=float("-inf")):
        super().__init__()
        self.relative = relative
        self.fill = fill
        self.qkv = nn.Linear(16, 48)
        self.proj = nn.Linear(16, 16)
        self.register_buffer("slopes", torch.tensor(
            [2 ** (-8 * (h + 1) / 4) for h in range(4)]))

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = (z.view(b, t, 4, 4).transpose(1, 2)
                   for z in self.qkv(x).split(c, dim=2))
        att = (q @ k.transpose(-2, -1)) * 0.5
        pos = torch.arange(t)
        if self.relative:
            bias = (pos[None, :] - pos[:, None]).float()[None]
        else:
            bias = pos[None, None, :].float()
        att = att + self.slopes[:, None, None] * bias
        causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
        att = att.masked_fill(~causal, self.fill)
        y = (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, c)
        return self.proj(y)


class TimeMajorTablePositions(nn.Module):
    """The tutorial's PositionalEncoding as written there: a [max_len, 1,
    d] buffer sliced `pe[:x.size(0)]` and added to a time-major [T, B, d]
    x, then a Linear."""

    def __init__(self):
        super().__init__()
        self.register_buffer("pe", sinusoidal_table(32, 8)[:, None])
        self.proj = nn.Linear(8, 8)

    def forward(self, x):
        return self.proj(x + self.pe[:x.size(0)])


def batch_one_features(T, B, rng):
    return {"x": rng.standard_normal((1, T, 8)).astype(np.float32)}


class AddMaskAttention(nn.Module):
    """Separate q/k/v projections, scores divided by sqrt(d), an additive
    causal mask triu(full(-inf), 1); the mean over features as a head."""

    def __init__(self, c=8, heads=2):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(c, c)
        self.k = nn.Linear(c, c)
        self.v = nn.Linear(c, c)

    def forward(self, x):
        b, t, c = x.shape
        d = c // self.heads
        q = self.q(x).view(b, t, self.heads, d).transpose(1, 2)
        k = self.k(x).view(b, t, self.heads, d).transpose(1, 2)
        v = self.v(x).view(b, t, self.heads, d).transpose(1, 2)
        mask = torch.triu(torch.full((t, t), float("-inf")), diagonal=1)
        att = F.softmax(q @ k.transpose(-2, -1) / math.sqrt(d) + mask, dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, c)
        return y, y.mean(-1, keepdim=True)


class KeyMaskAttention(nn.Module):
    """Multi-head self-attention with an additive key mask input."""

    def __init__(self, c=8, heads=2):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(c, 3 * c)

    def forward(self, x, m):
        b, t, c = x.shape
        d = c // self.heads
        q, k, v = self.qkv(x).view(b, t, 3, self.heads, d).permute(
            2, 0, 3, 1, 4)
        att = F.softmax((q @ k.transpose(-2, -1)) / math.sqrt(d) + m, dim=-1)
        return (att @ v).transpose(1, 2).reshape(b, t, c)


def key_mask_inputs(T, B, rng):
    m = np.where(rng.random((B, 1, 1, T)) < 0.3, -1e9, 0.0)
    m[..., 0] = 0.0
    return {"x": rng.standard_normal((B, T, 8)).astype(np.float32),
            "m": m.astype(np.float32)}


class Gpt(nn.Module):
    """A GPT-style block: token and position embeddings (positions from
    torch.arange, a Range node), pre-LayerNorm causal attention with a GELU
    MLP, a final LayerNorm and a vocabulary head."""

    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(11, 8)
        self.pos = nn.Embedding(32, 8)
        self.ln1 = nn.LayerNorm(8)
        self.block = CausalSelfAttention()
        self.ln2 = nn.LayerNorm(8)
        self.head = nn.Linear(8, 11)

    def forward(self, ids):
        x = self.tok(ids) + self.pos(torch.arange(ids.shape[1]))
        return self.head(self.ln2(self.block(self.ln1(x))))


class LstmAttention(nn.Module):
    """An LSTM + causal self-attention hybrid with a linear head."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8, batch_first=True)
        self.block = CausalSelfAttention()
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.head(self.block(y))


def batch_first_small(T, B, rng):
    return {"x": rng.standard_normal((B, T, 4)).astype(np.float32)}


class BufferMaskAttention(nn.Module):
    """nanoGPT-style: a registered tril(ones) buffer sliced to [:T, :T]
    (Slice with run-time ends) as the causal mask. With `inferred`, the
    heads are merged by reshape(B, T, -1), whose -1 is numel / (B * T)."""

    def __init__(self, c=8, heads=2, inferred=False):
        super().__init__()
        self.heads = heads
        self.inferred = inferred
        self.attn = nn.Linear(c, 3 * c)
        self.register_buffer("bias", torch.tril(torch.ones(16, 16))
                             .view(1, 1, 16, 16))

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.attn(x).split(c, dim=2)
        q = q.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        k = k.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        v = v.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.bias[:, :, :t, :t] == 0, float("-inf"))
        y = F.softmax(att, dim=-1) @ v
        if self.inferred:
            return y.transpose(1, 2).reshape(b, t, -1)
        return y.transpose(1, 2).contiguous().view(b, t, c)


def encoder_layer():
    return nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                      batch_first=True)


class CrossAttention(nn.Module):
    """nn.MultiheadAttention with key/value from a second input (an
    encoder's memory of another length): torch 1.13 exports the key/value
    projections as MatMul by Transpose(Slice(in_proj_weight)), a weight
    computed from a weight."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)

    def forward(self, x, memory):
        return self.attn(x, memory, memory, need_weights=False)[0]


def cross_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, T, 8)).astype(np.float32),
            "memory": rng.standard_normal((B, T + 2, 8)).astype(np.float32)}


class HfCausalSlice(nn.Module):
    """Hugging Face GPT-2's causal mask with a key/value cache: the queries
    x are the last T of the S keys (memory), and the mask is
    bias[:, :, S - T : S, :S] of a stored lower-triangular buffer, a Slice
    whose start is a run-time size (S - T)."""

    def __init__(self):
        super().__init__()
        self.register_buffer("bias", torch.tril(
            torch.ones(64, 64, dtype=torch.bool)).view(1, 1, 64, 64))
        self.q = nn.Linear(8, 8)

    def forward(self, x, memory):
        T, S = x.size(1), memory.size(1)
        mask = self.bias[:, :, S - T:S, :S]
        scores = torch.matmul(self.q(x), memory.transpose(1, 2))[:, None]
        scores = torch.where(mask, scores, torch.tensor(-1e4))
        return torch.matmul(scores.softmax(-1), memory[:, None])[:, 0]


class DebertaBuckets(nn.Module):
    """DeBERTa-v2's relative position embedding: make_log_bucket_position
    (Hugging Face modeling_deberta_v2) buckets the integer relative
    positions on a log scale using torch.sign of integers, then looks the
    buckets up in an embedding added to every (query, key) pair."""

    def __init__(self):
        super().__init__()
        self.rel_embeddings = nn.Embedding(16, 8)

    @staticmethod
    def log_buckets(relative_pos, bucket_size, max_position):
        sign = torch.sign(relative_pos)
        mid = bucket_size // 2
        abs_pos = torch.where(
            (relative_pos < mid) & (relative_pos > -mid),
            torch.tensor(mid - 1).type_as(relative_pos),
            torch.abs(relative_pos))
        log_pos = torch.ceil(
            torch.log(abs_pos / mid)
            / torch.log(torch.tensor((max_position - 1) / mid))
            * (mid - 1)) + mid
        return torch.where(abs_pos <= mid, relative_pos.type_as(log_pos),
                           log_pos * sign)

    def forward(self, x):
        T = x.size(1)
        q = torch.arange(T)
        rel = q[:, None] - q[None, :]
        buckets = self.log_buckets(rel, 8, 32).long() + 8
        return x.unsqueeze(2) + self.rel_embeddings(buckets)[None]


class TransformerDecoder(nn.Module):
    """nn.TransformerDecoder (2 post-norm layers: causal self-attention
    under a float tgt_mask, cross-attention over `memory` with a bool
    memory_key_padding_mask input)."""

    def __init__(self):
        super().__init__()
        self.decoder = nn.TransformerDecoder(
            nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0), 2)

    def forward(self, tgt, memory, memory_pad):
        L = tgt.shape[0]
        causal = torch.triu(torch.full((L, L), float("-inf")), 1)
        return self.decoder(tgt, memory, tgt_mask=causal,
                            memory_key_padding_mask=memory_pad)


class PaddedTransformerEncoder(nn.Module):
    """nn.TransformerEncoder (2 batch-first post-norm layers, the defaults)
    with a bool src_key_padding_mask input (True: a padded step). In eval
    mode without autograd, eager PyTorch 1.13 takes its fast path here:
    nested tensors, which write zeros at the padded steps. The exported
    graph is the plain path (what every ONNX runtime runs), whose padded
    steps hold the layers' values; the reference is that path too,
    computed with autograd on, which turns the fast path off."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0,
                                       batch_first=True), 2)

    def forward(self, x, pad):
        with torch.enable_grad():
            return self.encoder(x, src_key_padding_mask=pad)


class DeepEncoder(nn.Module):
    """Two stacks of identical layers, as deep transformer models repeat
    them: a post-norm nn.TransformerEncoder of 4 layers, then a pre-norm
    causal one of 3 (a GPT-style stack) with a final LayerNorm. Each layer
    gets weights of its own (nn.TransformerEncoder deep-copies one layer,
    so its layers would otherwise start out equal), so that a layer
    function reading one layer's weights for another's fails the check.
    seqc compiles each stack as one function called per layer
    (seqc-outline-repeated-layers); the reference is autograd-on PyTorch
    (the plain path, as PaddedTransformerEncoder's)."""

    def __init__(self):
        super().__init__()
        self.post = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0,
                                       batch_first=True), 4)
        self.pre = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0,
                                       batch_first=True, norm_first=True),
            3, norm=nn.LayerNorm(8))
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn_like(p) * 0.3)

    def forward(self, x):
        with torch.enable_grad():
            T = x.shape[1]
            causal = torch.triu(torch.full((T, T), float("-inf")), 1)
            return self.pre(self.post(x), mask=causal)


class OddFirstLayers(nn.Module):
    """Two stacks whose first layer reads one value in two places where
    the later layers read two: 4 input-injection layers (h = h +
    tanh(A_i(LN_i(h)) + U_i(x)), h_0 = x: the first layer reads x twice),
    then a 3-layer post-norm nn.TransformerEncoder whose first layer keeps
    LayerNorm's initial weights (norm1 and norm2 both ones: equal
    constants, one value after import) while the later layers' differ.
    A layer function that took the first layer's reads for the others'
    computed layer_i(h, h) (found by a stress test of
    seqc-outline-repeated-layers); seqc compares every read and keeps such
    a first layer inline."""

    def __init__(self, d=8):
        super().__init__()
        self.a = nn.ModuleList(nn.Linear(d, d) for _ in range(4))
        self.u = nn.ModuleList(nn.Linear(d, d) for _ in range(4))
        self.n = nn.ModuleList(nn.LayerNorm(d) for _ in range(4))
        self.encoder = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(d, 2, 16, dropout=0.0,
                                       batch_first=True), 3)
        with torch.no_grad():
            for i, layer in enumerate(self.encoder.layers):
                for name, p in layer.named_parameters():
                    if i > 0 or "norm" not in name:
                        p.copy_(torch.randn_like(p) * 0.3)

    def forward(self, x):
        with torch.enable_grad():
            h = x
            for a, u, n in zip(self.a, self.u, self.n):
                h = h + torch.tanh(a(n(h)) + u(x))
            return self.encoder(h)


def padded_encoder_inputs(T, B, rng):
    pad = np.zeros((B, T), dtype=bool)
    for b in range(B):
        pad[b, T - b % 3:] = True          # the last 0, 1 or 2 steps
    return {"x": rng.standard_normal((B, T, 8), dtype=np.float32),
            "pad": pad}


def decoder_inputs(T, B, rng):
    pad = np.zeros((B, T + 2), dtype=bool)
    for b in range(B):
        pad[b, T + 2 - b % 3:] = True      # the last 0, 1 or 2 steps
    return {"tgt": rng.standard_normal((T, B, 8), dtype=np.float32),
            "memory": rng.standard_normal((T + 2, B, 8), dtype=np.float32),
            "memory_pad": pad}


class BertMask(nn.Module):
    """Hugging Face BertSelfAttention's arithmetic: an int64
    attention_mask (1: a real token) cast to float, (1 - mask) * finfo.min
    added to the scores."""

    def __init__(self):
        super().__init__()
        self.query, self.key, self.value = (nn.Linear(8, 8) for _ in range(3))
        self.dense = nn.Linear(8, 8)

    def forward(self, x, attention_mask):
        B, T, _ = x.shape

        def heads(t):
            return t.view(B, T, 2, 4).transpose(1, 2)

        scores = heads(self.query(x)) @ heads(self.key(x)).transpose(-1, -2)
        scores = scores / math.sqrt(4)
        extended = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) \
            * torch.finfo(torch.float32).min
        ctx = (scores + extended).softmax(-1) @ heads(self.value(x))
        return self.dense(ctx.transpose(1, 2).reshape(B, T, 8))


def bert_mask_inputs(T, B, rng):
    mask = np.ones((B, T), dtype=np.int64)
    for b in range(B):
        padded = b % T                      # 0, 1, 2, ... padded tokens
        if padded:
            mask[b, T - padded:] = 0
    return {"x": rng.standard_normal((B, T, 8), dtype=np.float32),
            "attention_mask": mask}


class T5RelativeBias(nn.Module):
    """T5's self-attention: no score scaling, a learned bias per head and
    relative-position bucket (T5Attention._relative_position_bucket,
    bidirectional, 32 buckets, max distance 128) added to the scores."""

    def __init__(self):
        super().__init__()
        self.q, self.k, self.v, self.o = (nn.Linear(8, 8, bias=False)
                                          for _ in range(4))
        self.relative_attention_bias = nn.Embedding(32, 2)

    @staticmethod
    def bucket(relative, buckets=32, max_distance=128):
        buckets //= 2
        out = (relative > 0).to(torch.long) * buckets
        n = torch.abs(relative)
        exact = buckets // 2
        large = exact + (torch.log(n.float() / exact) /
                         math.log(max_distance / exact) *
                         (buckets - exact)).to(torch.long)
        large = torch.min(large, torch.full_like(large, buckets - 1))
        return out + torch.where(n < exact, n, large)

    def forward(self, x):
        B, T, _ = x.shape
        relative = torch.arange(T)[None, :] - torch.arange(T)[:, None]
        bias = self.relative_attention_bias(self.bucket(relative))
        bias = bias.permute(2, 0, 1)[None]               # [1, H, T, T]

        def heads(t):
            return t.view(B, T, 2, 4).transpose(1, 2)

        scores = heads(self.q(x)) @ heads(self.k(x)).transpose(-1, -2) + bias
        ctx = scores.softmax(-1) @ heads(self.v(x))
        return self.o(ctx.transpose(1, 2).reshape(B, T, 8))


class NeoXAttention(nn.Module):
    """Hugging Face GPTNeoXAttention (Pythia) as torch.onnx exports it:
    one fused query_key_value Linear viewed [B, T, heads, 3 * head_size]
    (each head's q, k, v together), rotary embeddings (rotate_half) on only
    the first rotary_ndims = head_size / 2 features of q and k, a causal
    bool mask filled with finfo.min, and the dense output Linear."""

    def __init__(self, hidden=8, heads=2):
        super().__init__()
        self.heads, self.head_size = heads, hidden // heads
        self.rotary_ndims = self.head_size // 2
        self.query_key_value = nn.Linear(hidden, 3 * hidden)
        self.dense = nn.Linear(hidden, hidden)

    def forward(self, x):
        B, T, E = x.shape
        d, r = self.head_size, self.rotary_ndims
        qkv = self.query_key_value(x).view(B, T, self.heads, 3 * d)
        q = qkv[..., :d].permute(0, 2, 1, 3)
        k = qkv[..., d:2 * d].permute(0, 2, 1, 3)
        v = qkv[..., 2 * d:].permute(0, 2, 1, 3)
        inv_freq = 1.0 / (10000 ** (torch.arange(0, r, 2).float() / r))
        freqs = torch.outer(torch.arange(T).float(), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()

        def rope(t):
            rot, rest = t[..., :r], t[..., r:]
            half = torch.cat((-rot[..., r // 2:], rot[..., :r // 2]), -1)
            return torch.cat((rot * cos + half * sin, rest), -1)

        scores = rope(q) @ rope(k).transpose(-1, -2) / math.sqrt(d)
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
        scores = scores.masked_fill(causal, torch.finfo(scores.dtype).min)
        out = scores.softmax(-1) @ v
        return self.dense(out.permute(0, 2, 1, 3).reshape(B, T, E))


class GptJAttention(nn.Module):
    """Hugging Face GPTJAttention as torch.onnx exports it: bias-free
    q/k/v/out projections, rotary embeddings from the embed_positions
    buffer (create_sinusoidal_positions: sin and cos of p * f side by side,
    gathered by position) on the first rotary_dim features of each head
    with adjacent features paired (rotate_every_two: strided Slices, a
    stack; repeat_interleave'd sin and cos), causal."""

    def __init__(self, hidden=8, heads=2, rotary_dim=2, max_positions=32):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.rotary_dim = rotary_dim
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            setattr(self, n, nn.Linear(hidden, hidden, bias=False))
        inv_freq = 1.0 / (10000 ** (torch.arange(0, rotary_dim, 2).float()
                                    / rotary_dim))
        angles = torch.einsum("i,j->ij",
                              torch.arange(max_positions).float(), inv_freq)
        self.register_buffer("embed_positions",
                             torch.cat((angles.sin(), angles.cos()), 1))

    def forward(self, x):
        B, T, E = x.shape
        split = lambda t: t.view(B, T, self.heads, self.head_dim)
        q, k = split(self.q_proj(x)), split(self.k_proj(x))
        v = split(self.v_proj(x)).permute(0, 2, 1, 3)
        r = self.rotary_dim
        sincos = self.embed_positions[torch.arange(T)]
        sin, cos = torch.split(sincos, r // 2, dim=-1)
        sin = torch.repeat_interleave(sin[None, :, None, :], 2, 3)
        cos = torch.repeat_interleave(cos[None, :, None, :], 2, 3)

        def rope(t):
            rot, rest = t[..., :r], t[..., r:]
            pairs = torch.stack((-rot[..., 1::2], rot[..., ::2]), dim=-1)
            return torch.cat((rot * cos + pairs.flatten(-2) * sin, rest), -1)

        q, k = rope(q).permute(0, 2, 1, 3), rope(k).permute(0, 2, 1, 3)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
        scores = scores.masked_fill(causal, torch.finfo(scores.dtype).min)
        out = scores.softmax(-1) @ v
        return self.out_proj(out.permute(0, 2, 1, 3).reshape(B, T, E))


class InterleavedRope(nn.Module):
    """Causal one-head attention with rotary embeddings on adjacent feature
    pairs, as Meta's LLaMA and GPT-J write them: x[..., 0::2] and
    x[..., 1::2] (strided Slices of the features), rotated, stacked and
    flattened back; the angles from torch.arange(T)."""

    def __init__(self, d=8):
        super().__init__()
        self.qkv = nn.Linear(d, 3 * d)
        self.scale = 1 / math.sqrt(d)
        self.register_buffer(
            "inv_freq", 1.0 / (10000 ** (torch.arange(0, d, 2).float() / d)))

    def forward(self, x):  # [1, T, d]
        T = x.shape[1]
        q, k, v = self.qkv(x).chunk(3, -1)
        angles = torch.outer(torch.arange(T).float(), self.inv_freq)
        cos, sin = angles.cos(), angles.sin()

        def rope(t):
            even, odd = t[..., 0::2], t[..., 1::2]
            return torch.stack((even * cos - odd * sin,
                                even * sin + odd * cos), -1).flatten(-2)

        q, k = rope(q), rope(k)
        scores = q @ k.transpose(-1, -2) * self.scale
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
        return scores.masked_fill(causal, float("-inf")).softmax(-1) @ v


class GroupedQueryAttention(nn.Module):
    """Hugging Face LLaMA/Mistral attention with fewer key/value heads than
    query heads (GQA): k and v repeated to the query heads by repeat_kv
    (a 5-D expand of [B, Hkv, 1, T, D] reshaped to [B, Hq, T, D]) or by
    repeat_interleave, and a causal -inf mask built at run time."""

    def __init__(self, interleave=False, hidden=8, heads=4, kv_heads=2):
        super().__init__()
        self.interleave = interleave
        self.heads, self.kv_heads = heads, kv_heads
        self.head_dim = hidden // heads
        self.q_proj = nn.Linear(hidden, heads * self.head_dim, bias=False)
        self.k_proj = nn.Linear(hidden, kv_heads * self.head_dim, bias=False)
        self.v_proj = nn.Linear(hidden, kv_heads * self.head_dim, bias=False)
        self.o_proj = nn.Linear(heads * self.head_dim, hidden, bias=False)

    def repeat(self, t):
        # t: [B, T, Hkv, D] -> [B, Hq, T, D]
        B, T, H, D = t.shape
        n = self.heads // self.kv_heads
        if self.interleave:
            # (torch 1.13 exports repeat_interleave on dim 1 of [B, H, T,
            # D] with a Reshape to [0, -1, 0, D] that is wrong for T != n.)
            return t.repeat_interleave(n, dim=2).transpose(1, 2)
        t = t.transpose(1, 2)
        return t[:, :, None, :, :].expand(B, H, n, T, D).reshape(B, H * n, T, D)

    def forward(self, x):
        B, T, _ = x.shape
        d = self.head_dim
        q = self.q_proj(x).view(B, T, self.heads, d).transpose(1, 2)
        k = self.repeat(self.k_proj(x).view(B, T, self.kv_heads, d))
        v = self.repeat(self.v_proj(x).view(B, T, self.kv_heads, d))
        w = q @ k.transpose(2, 3) / math.sqrt(d)
        w = w + torch.full((T, T), float("-inf")).triu(1)
        out = w.softmax(-1) @ v
        return self.o_proj(out.transpose(1, 2).reshape(B, T, -1))


class SlidingWindowAttention(nn.Module):
    """Attention whose mask is a diagonal band: a stored bool buffer
    tril().triu(-2) (each query sees itself and the 2 keys before, as
    Mistral's sliding window) sliced [:T, :T] and filled with finfo.min
    (`bidirectional`: triu(-2).tril(2), the 2 keys on each side, filled
    with -inf), or (`additive`) two run-time -inf masks added one after
    the other, triu(1) and tril(-3), or (`log`, the reference Mistral's)
    log(tril(ones).triu(-2)) added."""

    def __init__(self, mode="buffer", hidden=8, heads=2):
        super().__init__()
        self.mode, self.heads, self.head_dim = mode, heads, hidden // heads
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.out = nn.Linear(hidden, hidden)
        ones = torch.ones(64, 64, dtype=torch.bool)
        band = ones.triu(-2).tril(2) if mode == "bidirectional" else \
            ones.tril().triu(-2)
        self.register_buffer("band", band)

    def forward(self, x):
        B, T, E = x.shape
        q, k, v = self.qkv(x).chunk(3, -1)
        q, k, v = (t.view(B, T, self.heads, self.head_dim).transpose(1, 2)
                   for t in (q, k, v))
        w = q @ k.transpose(-1, -2) * self.head_dim ** -0.5
        if self.mode == "additive":
            w = w + torch.full((T, T), float("-inf")).triu(1)
            w = w + torch.full((T, T), float("-inf")).tril(-3)
        elif self.mode == "log":
            mask = torch.tril(torch.ones(T, T, dtype=w.dtype), diagonal=0)
            w = w + torch.log(torch.triu(mask, diagonal=-2))
        elif self.mode == "bidirectional":
            w = w.masked_fill(~self.band[:T, :T], float("-inf"))
        else:
            w = w.masked_fill(~self.band[:T, :T], torch.finfo(w.dtype).min)
        out = w.softmax(-1) @ v
        return self.out(out.transpose(1, 2).reshape(B, T, E))


class HfGpt2Attention(nn.Module):
    """Hugging Face GPT2Attention (transformers 4.x, eager _attn) as
    torch.onnx exports it: a fused c_attn projection split in three, the
    scale `w / torch.full([], v.size(-1) ** 0.5)` (a Pow of a run-time
    size), the causal mask `bias[:, :, Lk - Lq : Lk, :Lk]` of a stored bool
    buffer (its row offset is a run-time size) and a finfo.min fill."""

    def __init__(self, hidden=8, heads=2, max_positions=64):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.c_attn = nn.Linear(hidden, 3 * hidden)
        self.c_proj = nn.Linear(hidden, hidden)
        self.register_buffer("bias", torch.tril(torch.ones(
            (max_positions, max_positions), dtype=torch.bool)).view(
                1, 1, max_positions, max_positions))

    def split_heads(self, t):
        return t.view(t.size()[:-1] + (self.heads, self.head_dim)).permute(
            0, 2, 1, 3)

    def forward(self, x, attention_mask=None):
        q, k, v = self.c_attn(x).split(self.heads * self.head_dim, dim=2)
        q, k, v = self.split_heads(q), self.split_heads(k), self.split_heads(v)
        w = torch.matmul(q, k.transpose(-1, -2))
        w = w / torch.full([], v.size(-1) ** 0.5, dtype=w.dtype)
        query_length, key_length = q.size(-2), k.size(-2)
        causal_mask = self.bias[:, :, key_length - query_length:key_length,
                                :key_length]
        mask_value = torch.full([], torch.finfo(w.dtype).min, dtype=w.dtype)
        w = torch.where(causal_mask, w.to(w.dtype), mask_value)
        if attention_mask is not None:
            extended = attention_mask[:, None, None, :].to(dtype=w.dtype)
            w = w + (1.0 - extended) * torch.finfo(w.dtype).min
        out = torch.matmul(w.softmax(dim=-1), v)
        out = out.permute(0, 2, 1, 3).contiguous()
        return self.c_proj(out.view(out.size()[:-2] + (-1,)))


class HfGpt2PaddedAttention(HfGpt2Attention):
    """Hugging Face GPT-2 (transformers 4.x) run with a padding
    attention_mask: the causal `where(bias[..], w, finfo.min)`, then the
    extended mask `(1 - attention_mask[:, None, None, :]) * finfo.min`
    added. Raised as one additive mask operand, `where(causal, 0, min) +
    extended`, which is exact on every row: one whose visible keys are all
    padding (left padding) averages PyTorch's way over those and the later
    unpadded keys, all at finfo.min. Before, the attention was not raised
    (the written ops, five times slower than PyTorch at T = 256)."""

    def forward(self, x, attention_mask):
        return super().forward(x, attention_mask)


def left_padded_mask_inputs(T, B, rng):
    """x [B, T, 8] and an attention_mask padding row b's first b tokens
    (left padding, as batched generation pads), the last row all padding."""
    mask = np.ones((B, T), dtype=np.int64)
    for b in range(B):
        mask[b, :b % T] = 0
    mask[-1, :] = 0
    return {"x": rng.standard_normal((B, T, 8), dtype=np.float32),
            "attention_mask": mask}


class GptJScaledAfterMask(HfGpt2Attention):
    """Hugging Face GPT-J's _attn (transformers 4.1x-4.2x): the scores
    masked by `where(causal_mask, w, mask_value)` and only then divided by
    `scale_attn` (sqrt(head_dim)), the fill "masked_bias" (a -1e9 buffer,
    -3.5e8 once divided: raised with a run-time check) or "finfo_min"
    (still below -1e9 once divided). Before, a scale after a mask was not
    read: no step api ("'/MatMul': pairs time steps with time steps")."""

    def __init__(self, form, hidden=16, heads=2, max_positions=64):
        super().__init__(hidden, heads, max_positions)
        self.form = form
        self.register_buffer("masked_bias", torch.tensor(-1e9))
        self.scale_attn = math.sqrt(self.head_dim)

    def forward(self, x):
        q, k, v = self.c_attn(x).split(self.heads * self.head_dim, dim=2)
        q, k, v = self.split_heads(q), self.split_heads(k), self.split_heads(v)
        w = torch.matmul(q, k.transpose(-1, -2))
        ql, kl = q.size(-2), k.size(-2)
        causal_mask = self.bias[:, :, kl - ql:kl, :kl]
        fill = (self.masked_bias.to(w.dtype) if self.form == "masked_bias"
                else torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
        w = torch.where(causal_mask, w, fill)
        w = w / self.scale_attn
        out = torch.matmul(w.softmax(dim=-1), v)
        out = out.permute(0, 2, 1, 3).contiguous()
        return self.c_proj(out.view(out.size()[:-2] + (-1,)))


class GptJPaddedAttention(GptJScaledAfterMask):
    """Hugging Face GPT-J (and CodeGen) run with a padding attention_mask,
    as transformers 4.2x-4.3x write it: `where(causal_mask, w, finfo.min)`,
    divided by `scale_attn` (sqrt(head_dim)), then GPTJModel's extended
    mask `(1 - attention_mask[:, None, None, :]) * finfo.min` added. The
    divided fill, finfo.min / sqrt(4) = -1.7e38 (-2.1e37 at GPT-J-6B's
    head_dim 256), still absorbs every score, so the band and the padding
    fold into one additive mask operand of one seq.attention. Before, only
    fills at most -2^127 folded: the attention was left as the written
    ops."""

    def __init__(self, hidden=8, heads=2, max_positions=64):
        super().__init__("finfo_min", hidden, heads, max_positions)
        self.scale_attn = torch.sqrt(torch.tensor(self.head_dim,
                                                  dtype=torch.float32))

    def forward(self, x, attention_mask):
        q, k, v = self.c_attn(x).split(self.heads * self.head_dim, dim=2)
        q, k, v = self.split_heads(q), self.split_heads(k), self.split_heads(v)
        w = torch.matmul(q, k.transpose(-1, -2))
        ql, kl = q.size(-2), k.size(-2)
        causal_mask = self.bias[:, :, kl - ql:kl, :kl]
        mask_value = torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype)
        w = torch.where(causal_mask, w, mask_value)
        w = w / self.scale_attn
        extended = attention_mask.view(x.size(0), -1)[:, None, None, :]
        extended = (1.0 - extended.to(w.dtype)) * torch.finfo(w.dtype).min
        w = w + extended
        out = torch.matmul(nn.functional.softmax(w, dim=-1), v)
        out = out.permute(0, 2, 1, 3).contiguous()
        return self.c_proj(out.view(out.size()[:-2] + (-1,)))


class DeepPaddingBias(nn.Module):
    """A padding bias from the attention_mask input reached through a long
    chain of elementwise ops (300 relus), added before a causal
    masked_fill of -1e4. It is no positional bias: a left-padded row's
    visible keys are all -1e9, which the model then averages with the
    filled ones, so the attention stays as written (before, past 256 ops
    the chain was taken for one computed from sizes alone, and the raised
    attention failed the run on such a row). A review's finding."""

    def __init__(self, hidden=8, heads=2, depth=300):
        super().__init__()
        self.heads, self.head_dim, self.depth = heads, hidden // heads, depth
        self.qkv = nn.Linear(hidden, 3 * hidden)

    def forward(self, x, attention_mask):
        b, t, c = x.shape
        q, k, v = (z.view(b, t, self.heads, self.head_dim).transpose(1, 2)
                   for z in self.qkv(x).split(c, dim=2))
        att = (q @ k.transpose(-2, -1)) * 0.5
        m = attention_mask.float()
        for _ in range(self.depth):
            m = torch.relu(m)
        att = att + (1.0 - m)[:, None, None, :] * -1e9
        causal = torch.tril(torch.ones(t, t, dtype=torch.bool))
        att = att.masked_fill(~causal, -1e4)
        return (att.softmax(-1) @ v).transpose(1, 2).reshape(b, t, c)


class HfUpdateCausalMask(nn.Module):
    """Hugging Face LLaMA / Qwen2 / Mistral attention's causal mask as
    transformers 4.38-4.45 build it (_update_causal_mask, no padding, no
    cache): `triu(full((T, T), finfo.min), 1)` multiplied in place by
    `arange(T) > cache_position.reshape(-1, 1)` with `cache_position =
    arange(T)`, expanded to [B, 1, T, T], sliced to the keys and added to
    the scores. Before, the product was not read as a band: no step api
    ("attention whose mask is not a causal band alone reads future
    steps")."""

    def __init__(self, hidden=16, heads=4):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.qkv = nn.Linear(hidden, 3 * hidden, bias=False)
        self.o_proj = nn.Linear(hidden, hidden, bias=False)

    def forward(self, x):
        B, T, E = x.shape
        q, k, v = (t.view(B, T, self.heads, self.head_dim).transpose(1, 2)
                   for t in self.qkv(x).split(E, dim=-1))
        cache_position = torch.arange(0, T)
        mask = torch.full((T, T), torch.finfo(x.dtype).min, dtype=x.dtype)
        mask = torch.triu(mask, diagonal=1)
        mask *= torch.arange(T) > cache_position.reshape(-1, 1)
        mask = mask[None, None, :, :].expand(B, 1, -1, -1)
        w = q @ k.transpose(2, 3) / math.sqrt(self.head_dim)
        w = w + mask[:, :, :, :k.shape[-2]]
        w = nn.functional.softmax(w, dim=-1, dtype=torch.float32)
        y = (w @ v).transpose(1, 2).reshape(B, T, E)
        return self.o_proj(y)


class Gemma2SlidingMask(nn.Module):
    """Gemma-2's sliding-window mask as transformers builds it: the keys
    more than W back hidden on top of a causal `triu(full(finfo.min), 1)`
    by `where(tril(ones, -W), finfo.min, causal_mask)`, added to the
    scores. Read as causal with a window of W - 1 keys back. Before, a
    where() filling into an additive mask was not read: no step api.
    With `python_fill`, the fill is the Python float transformers passes
    (`min_dtype = torch.finfo(dtype).min`), which torch 1.13 exports as a
    DOUBLE constant, casting the scores to double to add the mask: before,
    that round trip hid the scores from the raise (not raised, "'/Trilu':
    reads its own iteration index"). With `softcap`, Gemma-2's attention
    logit softcapping, `tanh(w / softcap) * softcap` of the scaled scores
    before the mask: raised as seq.attention's softcap (before: computed
    as written, no step api)."""

    def __init__(self, hidden=16, heads=4, window=3, python_fill=False,
                 softcap=None):
        super().__init__()
        self.heads, self.head_dim, self.window = heads, hidden // heads, window
        self.python_fill = python_fill
        self.softcap = softcap
        self.qkv = nn.Linear(hidden, 3 * hidden)
        self.o = nn.Linear(hidden, hidden)

    def forward(self, x):
        B, T, E = x.shape
        q, k, v = (t.view(B, T, self.heads, self.head_dim).transpose(1, 2)
                   for t in self.qkv(x).split(E, -1))
        low = torch.finfo(x.dtype).min
        mask = torch.triu(torch.full((T, T), low, dtype=x.dtype), 1)
        band = torch.tril(torch.ones(T, T, dtype=torch.bool),
                          diagonal=-self.window)
        fill = low if self.python_fill else torch.tensor(low, dtype=x.dtype)
        mask = torch.where(band, fill, mask)
        w = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        if self.softcap is not None:
            w = w / self.softcap
            w = torch.tanh(w)
            w = w * self.softcap
        w = w + mask
        if self.python_fill:
            # transformers' softmax in f32 and back to the query's dtype
            # (which keeps the output f32 where the export typed the masked
            # scores double).
            w = F.softmax(w, dim=-1, dtype=torch.float32).to(q.dtype)
        else:
            w = w.softmax(-1)
        y = (w @ v).transpose(1, 2).reshape(B, T, E)
        return self.o(y)


class Qwen1CausalMask(nn.Module):
    """Qwen-1's attention (modeling_qwen.py, trust_remote_code): the causal
    mask made per call, `tril(ones((kl, kl), bool)).view(1, 1, kl, kl)`
    cut to `[:, :, kl - ql:kl, :kl]`, and `where(mask, w, finfo.min)`.
    The slice's start `kl - ql` is not a constant: before, the mask kept
    for its extent checks blocked the step api ("'/Trilu' reads its own
    iteration index")."""

    def __init__(self, hidden=16, heads=4):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.c_attn = nn.Linear(hidden, 3 * hidden)
        self.c_proj = nn.Linear(hidden, hidden, bias=False)

    def forward(self, x):
        B, T, E = x.shape
        q, k, v = (t.view(B, T, self.heads, self.head_dim).permute(0, 2, 1, 3)
                   for t in self.c_attn(x).split(E, dim=2))
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        ql, kl = q.size(-2), k.size(-2)
        mask = torch.tril(torch.ones((kl, kl), dtype=torch.bool))
        mask = mask.view(1, 1, kl, kl)[:, :, kl - ql:kl, :kl]
        fill = torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype)
        w = torch.where(mask, w, fill).softmax(dim=-1)
        y = torch.matmul(w, v).transpose(1, 2).contiguous().view(B, T, E)
        return self.c_proj(y)


class HfMakeCausalMaskAttention(nn.Module):
    """Hugging Face LLaMA/OPT attention (transformers 4.2x eager path):
    the causal mask built at run time by _make_causal_mask
    (full(finfo.min).masked_fill_(arange < (arange + 1).view(T, 1), 0),
    expanded to [B, 1, T, T]) and added, then torch.max(w, finfo.min) and
    softmax(dtype=float32)."""

    def __init__(self, hidden=8, heads=2):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.q_proj = nn.Linear(hidden, hidden, bias=False)
        self.k_proj = nn.Linear(hidden, hidden, bias=False)
        self.v_proj = nn.Linear(hidden, hidden, bias=False)
        self.o_proj = nn.Linear(hidden, hidden, bias=False)

    @staticmethod
    def make_causal_mask(B, T, dtype):
        mask = torch.full((T, T), torch.finfo(dtype).min)
        mask_cond = torch.arange(mask.size(-1))
        mask.masked_fill_(mask_cond < (mask_cond + 1).view(mask.size(-1), 1),
                          0)
        return mask.to(dtype)[None, None, :, :].expand(B, 1, T, T)

    def forward(self, x):
        B, T, E = x.shape
        q, k, v = (p(x).view(B, T, self.heads, self.head_dim).transpose(1, 2)
                   for p in (self.q_proj, self.k_proj, self.v_proj))
        w = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        w = w + self.make_causal_mask(B, T, w.dtype)
        w = torch.max(w, torch.tensor(torch.finfo(w.dtype).min))
        w = nn.functional.softmax(w, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(w, v).transpose(1, 2).reshape(B, T, E)
        return self.o_proj(out)


class HfLlamaPaddedAttention(HfMakeCausalMaskAttention):
    """The same run with a padding attention_mask, as LLaMA and OPT in
    transformers 4.2x-4.3x combine them: `_make_causal_mask(..) +
    _expand_mask(attention_mask)` (both finfo.min where they hide, -inf
    where both do) added to the scores, then `torch.max(w, finfo.min)`.
    Raised to one seq.attention with the mask operand `max(mask,
    finfo.min)`: exact on every row, also one whose keys are all hidden
    (the clamp makes them finfo.min: the mean of v). Before, the attention
    was not raised (the written ops)."""

    def forward(self, x, attention_mask):
        B, T, E = x.shape
        q, k, v = (p(x).view(B, T, self.heads, self.head_dim).transpose(1, 2)
                   for p in (self.q_proj, self.k_proj, self.v_proj))
        w = torch.matmul(q, k.transpose(2, 3)) / math.sqrt(self.head_dim)
        expanded = attention_mask[:, None, None, :].expand(B, 1, T, T)
        inverted = 1.0 - expanded.to(w.dtype)
        padding = inverted.masked_fill(inverted.to(torch.bool),
                                       torch.finfo(w.dtype).min)
        w = w + (self.make_causal_mask(B, T, w.dtype) + padding)
        w = torch.max(w, torch.tensor(torch.finfo(w.dtype).min))
        w = nn.functional.softmax(w, dim=-1, dtype=torch.float32).to(q.dtype)
        out = torch.matmul(w, v).transpose(1, 2).reshape(B, T, E)
        return self.o_proj(out)


class HfPositionIds(nn.Module):
    """Hugging Face GPT2Model's embeddings: input_ids.view(-1, T) and
    position_ids = arange(0, T).unsqueeze(0).view(-1, T), a Reshape whose
    -1 is 1 (it must broadcast against the batch), then wte + wpe; also
    positions from arange(1, T + 1) and arange(0, 2 * T, 2), whose lengths
    are T too."""

    def __init__(self, vocab=11, hidden=8, max_positions=32):
        super().__init__()
        self.wte = nn.Embedding(vocab, hidden)
        self.wpe = nn.Embedding(max_positions, hidden)

    def forward(self, ids):
        input_shape = ids.size()
        ids = ids.view(-1, input_shape[-1])
        T = input_shape[-1]
        position_ids = torch.arange(0, T, dtype=torch.long)
        position_ids = position_ids.unsqueeze(0).view(-1, T)
        shifted = torch.arange(1, T + 1).unsqueeze(0).view(-1, T)
        even = torch.arange(0, 2 * T, 2).unsqueeze(0).view(-1, T)
        return (self.wte(ids) + self.wpe(position_ids) + self.wpe(shifted)
                + self.wpe(even))


class HfRmsNorms(nn.Module):
    """Hugging Face LlamaRMSNorm (weight * (x * rsqrt(mean(x^2) + eps))),
    T5LayerNorm (the same, variance from pow), and an RMSNorm written as x
    / sqrt(...) * weight: ONNX has no RMSNormalization before opset 23, so
    each exports as Pow/Mul, ReduceMean, Add, Sqrt, Div (rsqrt as 1 /
    sqrt), Mul. Between them a residual and a linear, as in a block."""

    def __init__(self, d=8):
        super().__init__()
        self.w1 = nn.Parameter(torch.rand(d) + 0.5)
        self.w2 = nn.Parameter(torch.rand(d) + 0.5)
        self.w3 = nn.Parameter(torch.rand(d) + 0.5)
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        variance = x.pow(2).mean(-1, keepdim=True)
        h = self.w1 * (x * torch.rsqrt(variance + 1e-6))
        h = self.proj(h) + x
        variance = (h * h).mean(-1, keepdim=True)
        h2 = self.w2 * (h * torch.rsqrt(variance + 1e-5))
        h3 = h2 / torch.sqrt(h2.pow(2).mean(-1, keepdim=True) + 1e-6) * self.w3
        return h3


class DistilBertMaskedFill(nn.Module):
    """Hugging Face DistilBERT's MultiHeadSelfAttention: the padding mask
    (attention_mask == 0).view(B, 1, 1, T).expand_as(scores) filled with
    torch.finfo.min by masked_fill; the inputs hold a fully padded row
    (softmax over equal fills: the mean of v)."""

    def __init__(self, hidden=8, heads=2):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.q_lin = nn.Linear(hidden, hidden)
        self.k_lin = nn.Linear(hidden, hidden)
        self.v_lin = nn.Linear(hidden, hidden)
        self.out_lin = nn.Linear(hidden, hidden)

    def forward(self, x, attention_mask):
        B, T, E = x.shape
        shape = lambda t: t.view(B, -1, self.heads, self.head_dim).transpose(
            1, 2)
        q = shape(self.q_lin(x)) / math.sqrt(self.head_dim)
        k, v = shape(self.k_lin(x)), shape(self.v_lin(x))
        scores = torch.matmul(q, k.transpose(2, 3))
        mask = (attention_mask == 0).view(B, 1, 1, T).expand_as(scores)
        scores = scores.masked_fill(
            mask, torch.tensor(torch.finfo(scores.dtype).min))
        weights = nn.functional.softmax(scores, dim=-1)
        context = torch.matmul(weights, v).transpose(1, 2).reshape(B, -1, E)
        return self.out_lin(context)


class KvCacheAttention(nn.Module):
    """A GPT-2-style decode step with a key/value cache: past_k/past_v [B,
    H, P, D] concatenated with this step's keys and values, scores masked
    by Hugging Face GPT-2's causal buffer slice bias[L - T : L, :L]
    (bottom-right: query i sees keys up to P + i). With shift=1 the slice
    is bias[L - T - 1 : L - 1, :L], one key fewer per query: no causal
    alignment, it stays a mask."""

    def __init__(self, shift=0, embed=16, heads=2, max_positions=64):
        super().__init__()
        self.shift = shift
        self.heads = heads
        self.head_dim = embed // heads
        self.qkv = nn.Linear(embed, 3 * embed)
        self.out = nn.Linear(embed, embed)
        self.register_buffer("bias", torch.tril(torch.ones(
            max_positions, max_positions, dtype=torch.bool)))

    def heads_with_cache(self, x, past_k, past_v):
        """q [B, H, T, D] and the cached keys and values with this step's
        appended, [B, H, P + T, D]."""
        B, T, E = x.shape
        q, k, v = self.qkv(x).split(E, dim=2)
        shape = (B, T, self.heads, self.head_dim)
        q = q.view(shape).transpose(1, 2)
        k = torch.cat([past_k, k.view(shape).transpose(1, 2)], dim=2)
        v = torch.cat([past_v, v.view(shape).transpose(1, 2)], dim=2)
        return q, k, v

    def forward(self, x, past_k, past_v):
        B, T, E = x.shape
        q, k, v = self.heads_with_cache(x, past_k, past_v)
        L = k.shape[2]
        w = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        s = self.shift
        mask = self.bias[L - T - s:L - s, :L]
        w = w.masked_fill(~mask, float("-inf")).softmax(-1)
        y = (w @ v).transpose(1, 2).reshape(B, T, E)
        return self.out(y), k, v


class HfCausalMaskKvCache(KvCacheAttention):
    """The same decode step masked as Hugging Face LLaMA/OPT/Mistral do
    (transformers 4.2x `_make_causal_mask` with past_key_values_length): a
    [T, T] finfo.min triangle after a [T, P] block of zeros, expanded to
    [B, 1, T, P + T]. torch exports the expand's target shape as
    Where(Equal(shape, -1), 1, shape) with P + T computed at run time."""

    def forward(self, x, past_k, past_v):
        B, T, E = x.shape
        q, k, v = self.heads_with_cache(x, past_k, past_v)
        P = past_k.shape[2]
        mask = torch.full((T, T), torch.finfo(torch.float32).min)
        cond = torch.arange(T)
        mask.masked_fill_(cond < (cond + 1).view(T, 1), 0)
        mask = torch.cat([torch.zeros(T, P), mask], dim=-1)
        mask = mask[None, None, :, :].expand(B, 1, T, T + P)
        w = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim) + mask
        y = (w.softmax(-1) @ v).transpose(1, 2).reshape(B, T, E)
        return self.out(y), k, v


def kv_cache_inputs(T, B, rng):
    """x for T new steps and a cache of T + 2 earlier ones."""
    P = T + 2
    return {"x": rng.standard_normal((B, T, 16)).astype(np.float32),
            "past_k": rng.standard_normal((B, 2, P, 8)).astype(np.float32),
            "past_v": rng.standard_normal((B, 2, P, 8)).astype(np.float32)}


KV_CACHE_AXES = {"x": {0: "B", 1: "T"}, "past_k": {0: "B", 2: "P"},
                 "past_v": {0: "B", 2: "P"}, "y": {0: "B", 1: "T"},
                 "k": {0: "B", 2: "L"}, "v": {0: "B", 2: "L"}}


def fully_padded_mask_inputs(T, B, rng):
    """bert_mask_inputs with the last batch row entirely padding."""
    inputs = bert_mask_inputs(T, B, rng)
    inputs["attention_mask"][-1, :] = 0
    return inputs


class BertEncoder(nn.Module):
    """A 2-layer BERT encoder as Hugging Face's BertModel computes it
    (embeddings: word + learned position + token type 0, LayerNorm; each
    layer: self-attention under an int64 attention_mask turned into
    (1 - mask) * finfo.min, BertSelfOutput's dense + residual LayerNorm,
    BertIntermediate's exact GELU, BertOutput's dense + residual
    LayerNorm), eps 1e-12 as BERT's config."""

    def __init__(self, vocab=30, hidden=16, heads=2, ffn=32, positions=32,
                 layers=2):
        super().__init__()
        self.heads = heads
        self.word = nn.Embedding(vocab, hidden)
        self.position = nn.Embedding(positions, hidden)
        self.token_type = nn.Embedding(2, hidden)
        self.embed_norm = nn.LayerNorm(hidden, eps=1e-12)
        self.layers = nn.ModuleList()
        for _ in range(layers):
            layer = nn.Module()
            layer.query, layer.key, layer.value, layer.dense = (
                nn.Linear(hidden, hidden) for _ in range(4))
            layer.attn_norm = nn.LayerNorm(hidden, eps=1e-12)
            layer.intermediate = nn.Linear(hidden, ffn)
            layer.output = nn.Linear(ffn, hidden)
            layer.out_norm = nn.LayerNorm(hidden, eps=1e-12)
            self.layers.append(layer)

    def forward(self, input_ids, attention_mask):
        B, T = input_ids.shape
        x = (self.word(input_ids) + self.position(torch.arange(T))[None]
             + self.token_type(torch.zeros_like(input_ids)))
        x = self.embed_norm(x)
        extended = (1.0 - attention_mask[:, None, None, :].to(torch.float32)) \
            * torch.finfo(torch.float32).min
        d = x.shape[-1] // self.heads

        def heads(t):
            return t.view(B, T, self.heads, d).transpose(1, 2)

        for layer in self.layers:
            scores = heads(layer.query(x)) @ heads(layer.key(x)).transpose(
                -1, -2) / math.sqrt(d)
            ctx = (scores + extended).softmax(-1) @ heads(layer.value(x))
            ctx = ctx.transpose(1, 2).reshape(B, T, -1)
            x = layer.attn_norm(layer.dense(ctx) + x)
            up = F.gelu(layer.intermediate(x))
            x = layer.out_norm(layer.output(up) + x)
        return x


def bert_encoder_inputs(T, B, rng):
    mask = bert_mask_inputs(T, B, rng)["attention_mask"]
    return {"input_ids": rng.integers(0, 30, (B, T)).astype(np.int64),
            "attention_mask": mask}


def t5_bucket(relative, bidirectional, buckets=8, max_distance=20):
    """Hugging Face T5Attention._relative_position_bucket."""
    out = torch.zeros_like(relative)
    if bidirectional:
        buckets //= 2
        out = out + (relative > 0).to(torch.long) * buckets
        relative = torch.abs(relative)
    else:
        relative = -torch.min(relative, torch.zeros_like(relative))
    exact = buckets // 2
    large = exact + (torch.log(relative.float() / exact)
                     / math.log(max_distance / exact)
                     * (buckets - exact)).to(torch.long)
    large = torch.min(large, torch.full_like(large, buckets - 1))
    return out + torch.where(relative < exact, relative, large)


class T5Norm(nn.Module):
    """T5LayerNorm: weight * x / sqrt(mean(x^2) + eps), no mean, no bias."""

    def __init__(self, hidden):
        super().__init__()
        self.weight = nn.Parameter(1 + 0.1 * torch.randn(hidden))

    def forward(self, x):
        return self.weight * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True)
                                             + 1e-6)


class T5Attention(nn.Module):
    def __init__(self, hidden, heads, bias_buckets=None):
        super().__init__()
        self.heads = heads
        self.q, self.k, self.v, self.o = (nn.Linear(hidden, hidden,
                                                    bias=False)
                                          for _ in range(4))
        self.relative_attention_bias = (nn.Embedding(bias_buckets, heads)
                                        if bias_buckets else None)

    def forward(self, x, kv, bidirectional=True, causal=False):
        B, L, E = x.shape
        S, d = kv.shape[1], E // self.heads

        def heads(t, n):
            return t.view(B, n, self.heads, d).transpose(1, 2)

        scores = heads(self.q(x), L) @ heads(self.k(kv), S).transpose(-1, -2)
        if self.relative_attention_bias is not None:
            relative = torch.arange(S)[None, :] - torch.arange(L)[:, None]
            bias = self.relative_attention_bias(
                t5_bucket(relative, bidirectional)).permute(2, 0, 1)[None]
            if causal:
                keep = torch.tril(torch.ones(L, S))
                bias = bias + (1.0 - keep) * torch.finfo(torch.float32).min
            scores = scores + bias
        ctx = scores.softmax(-1) @ heads(self.v(kv), S)
        return self.o(ctx.transpose(1, 2).reshape(B, L, E))


class T5EncoderDecoder(nn.Module):
    """A T5 encoder-decoder as Hugging Face's T5ForConditionalGeneration
    computes it, one block per stack: shared embeddings, pre-RMS-norm
    residual blocks, unscaled attention with relative position buckets
    (bidirectional in the encoder, one-sided under a causal mask in the
    decoder; 8 buckets, max distance 20, so the lengths reach the
    logarithmic buckets), cross-attention without a bias, ReLU feed
    forward, the tied LM head scaled by d_model^-0.5. The decoder's length
    S differs from the encoder's T."""

    def __init__(self, vocab=24, hidden=16, heads=2, ffn=32):
        super().__init__()
        self.shared = nn.Embedding(vocab, hidden)
        self.enc_norm1, self.enc_norm2, self.enc_final = (
            T5Norm(hidden) for _ in range(3))
        self.enc_attn = T5Attention(hidden, heads, bias_buckets=8)
        self.enc_wi, self.enc_wo = (nn.Linear(hidden, ffn, bias=False),
                                    nn.Linear(ffn, hidden, bias=False))
        self.dec_norm1, self.dec_norm2, self.dec_norm3, self.dec_final = (
            T5Norm(hidden) for _ in range(4))
        self.dec_self = T5Attention(hidden, heads, bias_buckets=8)
        self.dec_cross = T5Attention(hidden, heads)
        self.dec_wi, self.dec_wo = (nn.Linear(hidden, ffn, bias=False),
                                    nn.Linear(ffn, hidden, bias=False))
        self.hidden = hidden

    def forward(self, input_ids, decoder_input_ids):
        h = self.shared(input_ids)
        n = self.enc_norm1(h)
        h = h + self.enc_attn(n, n)
        h = h + self.enc_wo(torch.relu(self.enc_wi(self.enc_norm2(h))))
        memory = self.enc_final(h)
        y = self.shared(decoder_input_ids)
        n = self.dec_norm1(y)
        y = y + self.dec_self(n, n, bidirectional=False, causal=True)
        y = y + self.dec_cross(self.dec_norm2(y), memory)
        y = y + self.dec_wo(torch.relu(self.dec_wi(self.dec_norm3(y))))
        y = self.dec_final(y) * self.hidden ** -0.5
        return y @ self.shared.weight.t()


def t5_inputs(T, B, rng):
    return {"input_ids": rng.integers(0, 24, (B, T)).astype(np.int64),
            "decoder_input_ids": rng.integers(0, 24, (B, T + 2)).astype(
                np.int64)}


class BaddbmmAttention(nn.Module):
    """GPT-NeoX's attention as Hugging Face transformers 4.30 writes _attn:
    q and k viewed as [B * H, T, D], the scores torch.baddbmm(zeros, q,
    k^T, beta=1, alpha=1/sqrt(D)) (ONNX: a MatMul scaled and added to
    ConstantOfShape(0) times 1 before the view back to [B, H, T, T]), the
    causal mask a slice of a registered tril buffer applied with
    torch.where(mask, scores, finfo.min). Before, it was not raised to
    seq.attention: no step api ("a slice whose bounds are run-time sizes
    may select time steps")."""

    def __init__(self, e=8, heads=2, max_positions=32):
        super().__init__()
        self.heads, self.d = heads, e // heads
        self.qkv = nn.Linear(e, 3 * e)
        self.dense = nn.Linear(e, e)
        self.register_buffer("bias", torch.tril(torch.ones(
            max_positions, max_positions, dtype=torch.bool)).view(
                1, 1, max_positions, max_positions))
        self.norm_factor = math.sqrt(self.d)

    def forward(self, x):
        b, t, e = x.shape
        qkv = self.qkv(x).view(b, t, self.heads, 3 * self.d).permute(0, 2, 1, 3)
        q, k, v = qkv.chunk(3, dim=-1)
        ql, kl = q.size(-2), k.size(-2)
        causal = self.bias[:, :, kl - ql:kl, :kl]
        q = q.reshape(b * self.heads, ql, self.d)
        k = k.reshape(b * self.heads, kl, self.d)
        scores = torch.zeros(b * self.heads, ql, kl, dtype=q.dtype)
        scores = torch.baddbmm(scores, q, k.transpose(1, 2), beta=1.0,
                               alpha=1.0 / self.norm_factor)
        scores = scores.view(b, self.heads, ql, kl)
        fill = torch.tensor(torch.finfo(scores.dtype).min, dtype=scores.dtype)
        scores = torch.where(causal, scores, fill)
        weights = F.softmax(scores, dim=-1)
        out = torch.matmul(weights, v).transpose(1, 2).reshape(b, t, e)
        return self.dense(out)


class HfBartDecoderLayer(nn.Module):
    """A decoder layer as Hugging Face BART/Whisper/Marian write it
    (transformers 4.30): q, k, v as [B * H, T, D] views
    (`_shape(proj, -1, bsz).view(B * H, -1, D)`, the cross-attention's keys
    reshaped with the decoder's bsz), scores by torch.bmm, the causal mask
    of _make_causal_mask added in a [B, H, T, S] view and viewed back,
    softmax and bmm on the [B * H] views. Before: the self-attention was
    not raised (its scores a collapse of the masked 4-D ones) and the
    cross-attention's keys were an opaque reshape (the decoder's batch is
    the memory's only by their common name, B): no step api."""

    def __init__(self, e=8, heads=2):
        super().__init__()
        self.heads, self.d = heads, e // heads
        self.self_q, self.self_k = nn.Linear(e, e), nn.Linear(e, e)
        self.self_v, self.self_o = nn.Linear(e, e), nn.Linear(e, e)
        self.cross_q, self.cross_k = nn.Linear(e, e), nn.Linear(e, e)
        self.cross_v, self.cross_o = nn.Linear(e, e), nn.Linear(e, e)
        self.norm1, self.norm2 = nn.LayerNorm(e), nn.LayerNorm(e)

    def shape(self, t, seq_len: int, bsz: int):
        return t.view(bsz, seq_len, self.heads, self.d).transpose(
            1, 2).contiguous()

    def attend(self, h, kv, q_proj, k_proj, v_proj, o_proj, mask):
        bsz, tgt_len, e = h.size()
        proj_shape = (bsz * self.heads, -1, self.d)
        q = self.shape(q_proj(h) * self.d ** -0.5, tgt_len, bsz)
        q = q.view(*proj_shape)
        k = self.shape(k_proj(kv), -1, bsz).reshape(*proj_shape)
        v = self.shape(v_proj(kv), -1, bsz).reshape(*proj_shape)
        src_len = k.size(1)
        w = torch.bmm(q, k.transpose(1, 2))
        if mask is not None:
            w = w.view(bsz, self.heads, tgt_len, src_len) + mask
            w = w.view(bsz * self.heads, tgt_len, src_len)
        out = torch.bmm(F.softmax(w, dim=-1), v)
        out = out.view(bsz, self.heads, tgt_len, self.d).transpose(1, 2)
        return o_proj(out.reshape(bsz, tgt_len, e))

    def forward(self, x, memory):
        bsz, tgt_len = x.size(0), x.size(1)
        mask = torch.full((tgt_len, tgt_len),
                          torch.tensor(torch.finfo(x.dtype).min))
        cond = torch.arange(mask.size(-1))
        mask.masked_fill_(cond < (cond + 1).view(mask.size(-1), 1), 0)
        mask = mask[None, None, :, :].expand(bsz, 1, tgt_len, tgt_len)
        h = x + self.attend(self.norm1(x), self.norm1(x), self.self_q,
                            self.self_k, self.self_v, self.self_o, mask)
        return h + self.attend(self.norm2(h), memory, self.cross_q,
                               self.cross_k, self.cross_v, self.cross_o, None)


class EinsumLayoutAttention(nn.Module):
    """Causal attention written with torch.einsum in the [B, T, H, D]
    layout of the projections ('bqhd,bkhd->bhqk', 'bhqk,bkhd->bqhd'): the
    products are batched matmuls with their dimensions in another order
    (no step api before: the raise saw no matmul)."""

    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(16, 48)
        self.out = nn.Linear(16, 16)

    def forward(self, x):
        b, t, _ = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, 2, 8).unbind(2)
        s = torch.einsum("bqhd,bkhd->bhqk", q, k) / math.sqrt(8)
        s = s.masked_fill(torch.ones(t, t, dtype=torch.bool).triu(1),
                          float("-inf"))
        o = torch.einsum("bhqk,bkhd->bqhd", s.softmax(-1), v)
        return self.out(o.reshape(b, t, 16))


class ArithmeticMaskAttention(HfGpt2Attention):
    """Causal masks written as arithmetic on 0/1 masks with a finite fill,
    as model code writes them:
    - "openai_gpt": the original OpenAI GPT's `w * b + -1e9 * (1 - b)` of
      a float tril buffer cut to [:T, :T];
    - "gpt2_v2": GPT-2's original `w * b - 1e10 * (1 - b)`, the buffer cut
      to [ns - nd : ns, :ns];
    - "xlnet": XLNet's `w - 1e30 * mask`, mask = triu(ones(T, T), 1);
    - "ctrl": CTRL's `w + triu(ones(T, T), 1) * -1e4` (Hugging Face's
      OpenAIGPT and GPT-2 <= 2.x use -1e4 too): a score 1e4 above the
      rest overcomes it, so it is no mask to raise;
    - "fp16_min": GPT-2 4.x's where(b, w, finfo(float16).min), the fill a
      float16 model uses: likewise;
    - "mismatched": `w * tril - 1e10 * triu(ones, 2)`, whose product zeroes
      the scores just above the diagonal that the added mask keeps (so
      query i sees key i + 1 with score 0): not a causal mask;
    - "openai_gpt_hf": Hugging Face OpenAIGPT's `w * b + -1e4 * (1 - b)`;
    - "gpt2_v2_hf": Hugging Face GPT-2 2.x's `w * b - 1e4 * (1 - b)`;
    - "masked_bias": Hugging Face GPT-2 3.x to 4.26's
      `where(b, w, self.masked_bias)`, a -1e4 buffer;
    - "falcon_rw": Falcon-RW's `(m * 1.0).masked_fill(m, -1e9)` of the bool
      mask m = triu(ones(T, T), 1), added.
    The last three (and "fp16_min") replace the hidden scores by a finite
    fill, exact to drop only on rows whose largest visible score is 104
    above it."""

    def __init__(self, form, hidden=8, heads=2, max_positions=64):
        super().__init__(hidden, heads, max_positions)
        self.form = form
        self.bias = self.bias.float()  # the tril buffer as 0/1 floats
        self.register_buffer("masked_bias", torch.tensor(-1e4))

    def forward(self, x):
        q, k, v = self.c_attn(x).split(self.heads * self.head_dim, dim=2)
        q, k, v = self.split_heads(q), self.split_heads(k), self.split_heads(v)
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        nd, ns = w.size(-2), w.size(-1)
        ones = torch.ones(nd, ns, device=x.device)
        if self.form == "openai_gpt":
            b = self.bias[:, :, :nd, :ns]
            w = w * b + -1e9 * (1 - b)
        elif self.form == "gpt2_v2":
            b = self.bias[:, :, ns - nd:ns, :ns]
            w = w * b - 1e10 * (1 - b)
        elif self.form == "ctrl":
            w = w + torch.triu(ones, 1) * -1e4
        elif self.form == "xlnet":
            w = w - 1e30 * torch.triu(ones, 1)
        elif self.form == "fp16_min":
            b = self.bias[:, :, ns - nd:ns, :ns].bool()
            w = torch.where(b, w, torch.tensor(torch.finfo(torch.float16).min))
        elif self.form == "openai_gpt_hf":
            b = self.bias[:, :, :nd, :ns]
            w = w * b + -1e4 * (1 - b)
        elif self.form == "gpt2_v2_hf":
            b = self.bias[:, :, ns - nd:ns, :ns]
            w = w * b - 1e4 * (1 - b)
        elif self.form == "masked_bias":
            b = self.bias[:, :, ns - nd:ns, :ns].bool()
            w = torch.where(b, w, self.masked_bias.to(w.dtype))
        elif self.form == "falcon_rw":
            m = torch.triu(ones, 1).bool()
            w = w + (m * 1.0).masked_fill(m, -1e9)
        else:
            w = w * self.bias[:, :, :nd, :ns] - 1e10 * torch.triu(ones, 2)
        out = torch.matmul(w.softmax(dim=-1), v)
        out = out.permute(0, 2, 1, 3).contiguous()
        return self.c_proj(out.view(out.size()[:-2] + (-1,)))


class MultiQueryAttention(nn.Module):
    """Multi-query attention (Shazeer 2019, PaLM, Falcon, StarCoder): one
    key/value head shared by the 4 query heads, causal.
    - "matmul": broadcast by MatMul, `q @ k[:, None].transpose(-1, -2)`;
    - "einsum": 'bhqd,bkd->bhqk' and 'bhqk,bkd->bhqd';
    - "einsum_permuted": 'bqhd,bkd->bhqk' and 'bhqk,bkd->bqhd' (the query
      heads after the time axis);
    - "shared_keys": the keys shared, the values per head (not multi-query
      attention: computed as written)."""

    def __init__(self, form, hidden=16, heads=4):
        super().__init__()
        self.form, self.heads, self.head_dim = form, heads, hidden // heads
        self.q = nn.Linear(hidden, hidden)
        self.k = nn.Linear(hidden, self.head_dim)
        self.v = nn.Linear(hidden, hidden if form == "shared_keys"
                           else self.head_dim)
        self.o = nn.Linear(hidden, hidden)

    def forward(self, x):
        B, T, _ = x.shape
        q = self.q(x).view(B, T, self.heads, self.head_dim)
        k, v = self.k(x), self.v(x)
        causal = torch.ones(T, T, dtype=torch.bool, device=x.device).tril()
        scale = 1.0 / math.sqrt(self.head_dim)
        if self.form == "einsum_permuted":
            w = torch.einsum("bqhd,bkd->bhqk", q, k) * scale
            p = w.masked_fill(~causal, float("-inf")).softmax(-1)
            a = torch.einsum("bhqk,bkd->bqhd", p, v)
            return self.o(a.reshape(B, T, -1))
        q = q.transpose(1, 2)
        if self.form == "einsum":
            w = torch.einsum("bhqd,bkd->bhqk", q, k) * scale
            p = w.masked_fill(~causal, float("-inf")).softmax(-1)
            a = torch.einsum("bhqk,bkd->bhqd", p, v)
        else:
            if self.form == "shared_keys":
                v = v.view(B, T, self.heads, self.head_dim).transpose(1, 2)
            else:
                v = v[:, None]
            w = q @ k[:, None].transpose(-1, -2) * scale
            a = w.masked_fill(~causal, float("-inf")).softmax(-1) @ v
        return self.o(a.transpose(1, 2).reshape(B, T, -1))


class PalmAttention(nn.Module):
    """PaLM's attention as lucidrains' PaLM-pytorch writes it: multi-query
    ('bhid,bjd->bhij'), the causal mask filled with -finfo.max, then
    `sim - sim.amax(dim=-1, keepdim=True).detach()` before the softmax
    (the softmax's own shift). With `shift_dim=-2` the maximum is taken
    over the queries instead: no softmax shift, the numbers change. With
    `shift_first` the shift comes before the mask: its maximum counts keys
    the mask then hides, and `sim - max` rounds with their gap."""

    def __init__(self, shift_dim=-1, shift_first=False, hidden=16, heads=4):
        super().__init__()
        self.shift_dim, self.shift_first, self.heads = (shift_dim, shift_first,
                                                        heads)
        self.head_dim = hidden // heads
        self.q = nn.Linear(hidden, hidden)
        self.kv = nn.Linear(hidden, 2 * self.head_dim)
        self.o = nn.Linear(hidden, hidden)

    def forward(self, x):
        b, t, _ = x.shape
        q = self.q(x).view(b, t, self.heads, self.head_dim).transpose(1, 2)
        q = q * self.head_dim ** -0.5
        k, v = self.kv(x).split(self.head_dim, dim=-1)
        sim = torch.einsum("bhid,bjd->bhij", q, k)
        causal = torch.ones(t, t, dtype=torch.bool, device=x.device).triu(1)
        if self.shift_first:
            sim = sim - sim.amax(dim=self.shift_dim, keepdim=True).detach()
        sim = sim.masked_fill(causal, -torch.finfo(sim.dtype).max)
        if not self.shift_first:
            sim = sim - sim.amax(dim=self.shift_dim, keepdim=True).detach()
        out = torch.einsum("bhij,bjd->bhid", sim.softmax(dim=-1), v)
        return self.o(out.transpose(1, 2).reshape(b, t, -1))
