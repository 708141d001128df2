#!/usr/bin/python3
"""Exports the small models that test the ONNX front end: recurrent,
convolutional (TCN), attention (hand-written, nn.TransformerEncoderLayer,
GPT-style), hybrid, activations and reductions.

Run with Debian's python3 (python3-torch 1.13, python3-onnx 1.12):

    /usr/bin/python3 test/Import/Onnx/make_models.py [OUT_DIR] [--only NAME...]

`--only` writes just the named models (every model is still built, in
order, so their weights do not change).

For every model it writes OUT_DIR/NAME.onnx (exported at T=5, B=3 with
dynamic sequence and batch axes) and, for two other sequence lengths L,
OUT_DIR/NAME.tL.in.INPUT.npy and OUT_DIR/NAME.tL.out.OUTPUT.npy (PyTorch's
results; for reduce_l2, made with onnx.helper because PyTorch never
exports ReduceL2, NumPy's). run_models.py compiles each .onnx with seqc and
compares.

It also writes, with onnx.helper, the small graphs of the lit tests into
Inputs/ next to this script: each ONNX feature the importer maps (the full
RNN/LSTM/GRU attribute set, the tensor ops) and the malformed models of
the error tests.
"""

import functools
import os
import sys
import zlib
from typing import List

import math

import numpy as np
import onnx
import torch
import torch.nn.functional as F
from torch import nn

EXPORT_T, EXPORT_B = 5, 3
TEST_SHAPES = [(3, 2), (9, 4)]  # (T, B), both unlike the export shape


class Rnn(nn.Module):
    def __init__(self, nonlinearity):
        super().__init__()
        self.rnn = nn.RNN(4, 8, num_layers=2, nonlinearity=nonlinearity)

    def forward(self, x):
        y, h = self.rnn(x)
        return y, h


class LstmUni(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        return y, h, c


class LstmBi(nn.Module):
    """Stacked, bidirectional, batch-first; states in and out."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2, bidirectional=True,
                            batch_first=True)

    def forward(self, x, h0, c0):
        y, (h, c) = self.lstm(x, (h0, c0))
        return y, h, c


class LstmInitialState(nn.Module):
    """Stacked, forward, time-major, from states given as inputs: a causal
    model whose stream must start from h0 and c0 as its run does
    (stream-initial-state.test)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2)
        self.head = nn.Linear(6, 3)

    def forward(self, x, h0, c0):
        y, (h, c) = self.lstm(x, (h0, c0))
        return self.head(y), h, c


class ScriptedStepIndex(nn.Module):
    """A scripted loop whose body reads its step index t: a masked
    recurrence (`where(lengths > t, ...)`, how a hand-written RNN skips
    padding) whose update decays with t. A stream must count t from the
    stream's first step, not each chunk's (stream-step-index.test)."""

    def __init__(self):
        super().__init__()
        self.cell = nn.Linear(4 + 6, 6)

    def forward(self, x, lengths):  # x [T, B, 4], lengths [B]
        h = torch.zeros(x.size(1), 6)
        ys: List[torch.Tensor] = []
        for t in range(x.size(0)):
            new = torch.tanh(self.cell(torch.cat([x[t], h], 1)))
            new = h + new / (1.0 + float(t))
            h = torch.where((lengths > t).unsqueeze(1), new, h)
            ys.append(h)
        return torch.stack(ys, 0), h


class ScriptedGreedyDecoder(nn.Module):
    """An autoregressive loop, scripted: each step embeds the token the
    step before chose (argmax fed back as a carried int64); the per-step
    embeddings are sized only by that Gather by a carried index."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(7, 6)
        self.cell = nn.Linear(4 + 6 + 6, 6)
        self.head = nn.Linear(6, 7)
        # Logits that vary with the input: the chosen tokens change.
        nn.init.normal_(self.head.weight, std=2.0)
        nn.init.normal_(self.emb.weight, std=2.0)

    def forward(self, x):  # [T, B, 4]
        tok = torch.zeros(x.size(1), dtype=torch.long)
        h = torch.zeros(x.size(1), 6)
        logits: List[torch.Tensor] = []
        toks: List[torch.Tensor] = []
        embedded: List[torch.Tensor] = []
        for t in range(x.size(0)):
            e = self.emb(tok)
            h = torch.tanh(self.cell(torch.cat([x[t], e, h], 1)))
            step = self.head(h)
            tok = step.argmax(-1)
            logits.append(step)
            toks.append(tok)
            embedded.append(e)
        return (torch.stack(logits, 0), torch.stack(toks, 0),
                torch.stack(embedded, 0))


def step_index_inputs(T, B, rng):
    return {"x": rng.standard_normal((T, B, 4)).astype(np.float32),
            "lengths": rng.integers(0, T + 1, B).astype(np.int64)}


def time_major_state_inputs(T, B, rng):
    return {"x": rng.standard_normal((T, B, 4)).astype(np.float32),
            "h0": rng.standard_normal((2, B, 6)).astype(np.float32),
            "c0": rng.standard_normal((2, B, 6)).astype(np.float32)}


class GruHead(nn.Module):
    """Bidirectional GRU with a linear head on the last step."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, bidirectional=True)
        self.head = nn.Linear(12, 3)

    def forward(self, x):
        y, h = self.gru(x)
        return self.head(y[-1]), h


class GruUni(nn.Module):
    """Unidirectional two-layer GRU returning every step and the final state."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, num_layers=2)

    def forward(self, x):
        y, h = self.gru(x)
        return y, h


class Tcn(nn.Module):
    """Dilated causal TCN with residuals: F.pad on the left, then a conv
    padded on both sides and sliced back to causal."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(4, 6, 3, dilation=1)
        self.down = nn.Conv1d(4, 6, 1)
        self.c2 = nn.Conv1d(6, 6, 3, dilation=2, padding=4)
        self.c3 = nn.Conv1d(6, 6, 2, dilation=4, groups=2)

    def forward(self, x):
        y = F.relu(self.c1(F.pad(x, (2, 0)))) + self.down(x)
        z = F.relu(self.c2(y)[:, :, :-4]) + y
        return F.relu(self.c3(F.pad(z, (4, 0)))) + z


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


class ProjectedLoop(nn.Module):
    """A scripted loop over `x.size(1)` that reads step t of tensors
    computed from x (a minLSTM: f = sigmoid(Linear(x)), c = Linear(x)),
    as mLSTM, minGRU and Mamba loops are written. Those tensors have x's
    length on every run, so the loop reads them whole, and the model
    streams (stream-projected-loop.test)."""

    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(4, 6)
        self.cand = nn.Linear(4, 6)

    def forward(self, x):  # [B, T, 4]
        f = torch.sigmoid(self.gate(x))
        c = self.cand(x)
        h = torch.zeros(x.size(0), 6)
        ys: List[torch.Tensor] = []
        for t in range(x.size(1)):
            h = f[:, t] * h + (1 - f[:, t]) * c[:, t]
            ys.append(h)
        return torch.stack(ys, 1)


class PreallocatedBatchFirst(nn.Module):
    """A diagonal linear recurrence (LRU-style) in a scripted loop that
    fills a preallocated batch-first output, `out[:, t, :] = h`: torch
    exports the assignment as ScatterND whose indices it computes from the
    loop index reshaped to [1, 1] and a Range over the batch (integer data
    of rank 2 at import time)."""

    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(4, 6)
        self.decay = nn.Parameter(torch.rand(6))

    def forward(self, x):  # [B, T, 4]
        u = self.inp(x)
        h = torch.zeros(x.size(0), 6)
        out = torch.zeros(x.size(0), x.size(1), 6)
        for t in range(x.size(1)):
            h = torch.sigmoid(self.decay) * h + u[:, t]
            out[:, t, :] = h
        return out


class Pool2d(nn.Module):
    """2-D MaxPool / AveragePool over [B, 2, 7, T] (a CRNN's pooling of a
    spectrogram): (2, 1) windows, strides with padding and ceil_mode,
    count_include_pad both ways, a dilated max."""

    def forward(self, x):
        return (F.max_pool2d(x, (2, 1)),
                F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
                F.avg_pool2d(x, (3, 2), stride=(1, 2), padding=(1, 1),
                             count_include_pad=False),
                F.avg_pool2d(x, 2, stride=1, padding=1, ceil_mode=True),
                F.max_pool2d(x, 2, stride=1, dilation=2))


def spectrogram_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, 2, 7, T)).astype(np.float32)}


class TokenShifts(nn.Module):
    """Each step mixed with earlier ones, as PyTorch code writes the token
    shift: RWKV-4's channel mixing with nn.ZeroPad2d((0, 0, 1, -1)) (an
    ONNX Pad with a negative end; RWKV-LM v4 model.py), F.pad then a crop,
    RWKV-5/6's F.pad(x, (0, 0, 1, -1)) - x, torch.cat of zeros and a crop,
    and a shift by 2 steps. On [B, T, 8]; each becomes seq.time_shift and
    streams."""

    def __init__(self):
        super().__init__()
        self.time_shift = nn.ZeroPad2d((0, 0, 1, -1))
        self.mix_k = nn.Parameter(torch.rand(1, 1, 8))
        self.mix_r = nn.Parameter(torch.rand(1, 1, 8))
        self.key = nn.Linear(8, 16, bias=False)
        self.value = nn.Linear(16, 8, bias=False)
        self.receptance = nn.Linear(8, 8, bias=False)
        self.mix = nn.Parameter(torch.rand(4, 1, 1, 8))

    def forward(self, x):
        xx = self.time_shift(x)
        xk = x * self.mix_k + xx * (1 - self.mix_k)
        xr = x * self.mix_r + xx * (1 - self.mix_r)
        k = torch.square(torch.relu(self.key(xk)))
        y1 = torch.sigmoid(self.receptance(xr)) * self.value(k)
        y2 = x + self.mix[0] * F.pad(x, (0, 0, 1, 0))[:, :-1]
        y3 = x + (F.pad(x, (0, 0, 1, -1)) - x) * self.mix[1]
        y4 = x * self.mix[2] + torch.cat(
            [torch.zeros_like(x[:, :1]), x[:, :-1]], dim=1)
        y5 = x * self.mix[3] + F.pad(x, (0, 0, 2, -2))
        return y1, y2, y3, y4, y5


class MatMul4d(nn.Module):
    """A MatMul of two 4-D operands over run-time batch and time ([B, T, 1,
    8] @ [B, T, 8, 8], a per-step linear attention readout): a batch matmul
    over B * T whose result is split back into [B, T, ...], which crashed
    LLVM 22's expand-strided-metadata (llvm/llvm-project#186830)."""

    def forward(self, q, s):
        return q @ s


def per_step_matrices(T, B, rng):
    return {"q": rng.standard_normal((B, T, 1, 8)).astype(np.float32),
            "s": rng.standard_normal((B, T, 8, 8)).astype(np.float32)}


class ScriptedConvLstm(nn.Module):
    """A ConvLSTM (Shi et al. 2015, as ndrplz/ConvLSTM_pytorch writes the
    cell: Conv2d over [x_t, h] padded to keep H x W, split into gates) in a
    scripted loop over x [B, T, C, H, W], a 1x1 Conv2d head per step. The
    per-step outputs' batch is the state's, read back through the
    convolution's row padding."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2 + 4, 4 * 4, 3, padding=1)
        self.head = nn.Conv2d(4, 1, 1)

    def forward(self, x):
        h = torch.zeros(x.size(0), 4, 5, 5)
        c = torch.zeros(x.size(0), 4, 5, 5)
        outs: List[torch.Tensor] = []
        for t in range(x.size(1)):
            gates = self.conv(torch.cat([x[:, t], h], dim=1))
            i, f, o, g = torch.split(gates, 4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            outs.append(self.head(h))
        return torch.stack(outs, dim=1)


def video_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, T, 2, 5, 5)).astype(np.float32)}


class FloatDtypes(nn.Module):
    """A model made with `.double()` (float64 weights, inputs and outputs:
    x [T, B, 4] through a Linear, a GRU and a LayerNorm), or, `half_io`,
    the same in f32 taking and returning float16 (`x.float()` on entry,
    `.half()` on exit). seqc computes in f32 behind the declared dtypes
    (float-dtypes.test)."""

    def __init__(self, half_io=False):
        super().__init__()
        self.half_io = half_io
        self.proj = nn.Linear(4, 6)
        self.gru = nn.GRU(6, 5)
        self.norm = nn.LayerNorm(5)

    def forward(self, x):
        if self.half_io:
            x = x.float()
        y, h = self.gru(torch.tanh(self.proj(x)))
        y = self.norm(y)
        if self.half_io:
            return y.half(), h.half()
        return y, h


def time_major_f64(T, B, rng):
    return {"x": rng.standard_normal((T, B, 4))}


def time_major_f16(T, B, rng):
    return {"x": rng.standard_normal((T, B, 4)).astype(np.float16)}


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


def token_inputs(T, B, rng):
    return {"ids": rng.integers(0, 11, (B, T)).astype(np.int64)}


def batch_first_small(T, B, rng):
    return {"x": rng.standard_normal((B, T, 4)).astype(np.float32)}


class BufferMaskAttention(nn.Module):
    """nanoGPT-style: a registered tril(ones) buffer sliced to [:T, :T]
    (Slice with run-time ends) as the causal mask."""

    def __init__(self, c=8, heads=2):
        super().__init__()
        self.heads = heads
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
        return y.transpose(1, 2).contiguous().view(b, t, c)


def encoder_layer():
    return nn.TransformerEncoderLayer(8, 2, dim_feedforward=16, dropout=0.0,
                                      batch_first=True)


def channels_first_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, 4, T)).astype(np.float32)}


class BatchPositions(nn.Module):
    """Learned positions indexed by torch.arange(x.size(0)) on a
    batch-first [B, T, 8] input: a time-major habit applied to batch-first
    data. The model is causal along x's first axis (B), not along T: its
    step api streams along B, and a caller that chunked along T would get
    other numbers."""

    def __init__(self):
        super().__init__()
        self.pos = nn.Embedding(16, 8)

    def forward(self, x):
        return x + self.pos(torch.arange(x.size(0)))[:, None, :]


def batch_first_features(T, B, rng):
    return {"x": rng.standard_normal((B, T, 8)).astype(np.float32)}


def batch_first_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, T, 4)).astype(np.float32),
            "h0": rng.standard_normal((4, B, 6)).astype(np.float32),
            "c0": rng.standard_normal((4, B, 6)).astype(np.float32)}


def time_major_inputs(T, B, rng):
    return {"x": rng.standard_normal((T, B, 4)).astype(np.float32)}


class Activations(nn.Module):
    """The activations and elementwise math PyTorch exports as single ONNX
    nodes: LeakyRelu, Elu, Softplus, Softsign, HardSigmoid, HardSwish, Selu,
    Abs, Log, Reciprocal, Clip (two bounds, one bound), Max and Min."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        a = F.leaky_relu(x, 0.1) + F.elu(x, 0.5) + F.softplus(x) + F.softsign(x)
        b = F.hardsigmoid(x) + F.hardswish(x) + F.selu(x)
        c = torch.log(torch.abs(x) + 1.0) + torch.reciprocal(torch.abs(x) + 2.0)
        d = torch.clamp(x, -0.5, 0.5) + torch.clamp(x, min=0.1)
        return self.fc(torch.maximum(a, b) - torch.minimum(c, d))


class Reductions(nn.Module):
    """ReduceSum (axes as an input), ReduceMax, ReduceMin, ReduceProd,
    ReduceL2 with and without keepdims, and a CTC/LM-style LogSoftmax head."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        h = self.fc(x)
        s = h.sum(dim=-1, keepdim=True) + h.amax(dim=-1).unsqueeze(-1)
        m = h.amin(dim=1, keepdim=True)
        p = torch.tanh(h).prod(dim=-1, keepdim=True) + torch.norm(h, dim=-1,
                                                                   keepdim=True)
        return F.log_softmax(h + s - m + p, dim=-1)


class GreedyHead(nn.Module):
    """A greedy decoding head: a GRU's logits, their log-probabilities and
    the argmax token per step (int64), plus the argmin over time."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 6, batch_first=True)
        self.head = nn.Linear(6, 5)

    def forward(self, x):
        logits = self.head(self.gru(x)[0])
        return (F.log_softmax(logits, dim=-1), logits.argmax(dim=-1),
                logits.argmin(dim=1, keepdim=True))


class TileRepeat(nn.Module):
    """Tensor.repeat (ONNX Tile) along time and features."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc(x).repeat(1, 2, 3)


class ScriptedRnn(nn.Module):
    """A custom cell in a scripted Python loop: torch.onnx.export writes a
    Loop over x.size(0) with Gather(x, t), a carried h and a sequence of
    outputs (SequenceInsert, ConcatFromSequence)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4 + 8, 8)

    def forward(self, x):  # [T, B, 4]
        h = torch.zeros(x.shape[1], 8)
        ys = []
        for t in range(x.shape[0]):
            h = torch.tanh(self.lin(torch.cat([x[t], h], -1)))
            ys.append(h)
        return torch.stack(ys), h


class ScriptedMemory(nn.Module):
    """An NTM-style memory written once per step in a scripted loop:
    content weights over the rows, erase then add, a read of the new
    memory (a learned initial memory broadcast over the batch)."""

    def __init__(self):
        super().__init__()
        self.key = nn.Linear(4, 5)
        self.erase = nn.Linear(4, 5)
        self.add = nn.Linear(4, 5)
        self.m0 = nn.Parameter(0.3 * torch.randn(6, 5))

    def forward(self, x):  # [T, B, 4]
        memory = torch.zeros(x.shape[1], 6, 5) + self.m0
        reads = []
        for t in range(x.shape[0]):
            k = self.key(x[t])
            w = torch.softmax(torch.bmm(memory, k.unsqueeze(2)).squeeze(2), -1)
            e = torch.sigmoid(self.erase(x[t]))
            a = torch.tanh(self.add(x[t]))
            memory = (memory * (1 - w.unsqueeze(2) * e.unsqueeze(1))
                      + w.unsqueeze(2) * a.unsqueeze(1))
            reads.append(torch.bmm(w.unsqueeze(1), memory).squeeze(1))
        return torch.stack(reads)


class ScriptedSsm(nn.Module):
    """A Mamba-style selective scan as a scripted loop (input-dependent
    delta, B, C; exp(delta A) discretisation; D skip), stacked batch-first
    (ConcatFromSequence along axis 1)."""

    def __init__(self):
        super().__init__()
        self.dt = nn.Linear(4, 4)
        self.b = nn.Linear(4, 3)
        self.c = nn.Linear(4, 3)
        self.A = nn.Parameter(-torch.rand(4, 3) - 0.5)
        self.D = nn.Parameter(torch.randn(4))

    def forward(self, x):  # [T, B, 4]
        h = torch.zeros(x.shape[1], 4, 3)
        ys = []
        for t in range(x.shape[0]):
            u = x[t]
            dt = F.softplus(self.dt(u))
            dA = torch.exp(dt.unsqueeze(-1) * self.A)
            h = dA * h + (dt * u).unsqueeze(-1) * self.b(u).unsqueeze(1)
            ys.append((h * self.c(u).unsqueeze(1)).sum(-1) + self.D * u)
        return torch.stack(ys, 1)


class TorchPads(nn.Module):
    """F.pad with mode "reflect" and "replicate" as torch 1.13 exports them
    (Pad reflect / edge, pads computed by a Concat-Reshape-Slice chain),
    two outputs whose time extents differ although the exporter names both
    after the first ("Padr_dim_2")."""

    def forward(self, x):  # [B, T, 8]
        c = x.transpose(1, 2)
        return (nn.functional.pad(c, (2, 1), mode="reflect"),
                nn.functional.pad(c, (1, 3), mode="replicate"))


class MaskOps(nn.Module):
    """Comparisons, logic and casts as masks are built from: Greater,
    GreaterOrEqual, Less, LessOrEqual, Not, And, Or, Xor, Where with a
    scalar, and Cast bool -> float, bool -> int64 -> float, float -> int64
    (toward zero) -> float; and the unary math of positional encodings and
    quantisation: Sin, Cos, Floor, Ceil, Round (halves to even), Sign."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):  # [B, T, 8]
        h = self.fc(x)
        keep = ((h > 0.1) & ~(h >= 0.9)) | ((h < -0.5) ^ (h <= -0.8))
        w = torch.where(keep, h, torch.zeros_like(h) - 1.0)
        return (w + keep.float() * 0.5 + (h > 0).long().float()
                + (h * 3.0).long().float() + torch.sin(h) * torch.cos(2 * h)
                + torch.floor(h * 2) + torch.ceil(h * 2) + torch.round(h * 4)
                + torch.sign(h))


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


class LastValidStep(nn.Module):
    """A GRU encoder's output at each sequence's last valid step, gathered
    as people write it: gather(1, (lengths - 1).view(-1, 1, 1).expand(-1,
    1, H)).squeeze(1). torch 1.13 cannot see the gathered dimension is 1
    and exports the squeeze as If(Equal(Shape(g)[1], 1)); the expand's
    shape is Where(Equal(shape, -1), ones, shape)."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 6, batch_first=True)

    def forward(self, x, lengths):
        y, _ = self.gru(x)
        idx = (lengths - 1).view(-1, 1, 1).expand(-1, 1, y.size(2))
        return torch.gather(y, 1, idx).squeeze(1)


def lengths_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, T, 8)).astype(np.float32),
            "lengths": rng.integers(1, T + 1, size=B).astype(np.int64)}


class ScriptedLocationAttention(nn.Module):
    """Tacotron-2's location-sensitive attention loop, scripted: each
    decoder step scores the memory with v(tanh(memory + query + cumulative
    weights)).squeeze(-1) and masks padding with masked_fill(mask, -1e9).
    torch 1.13 exports the squeeze as a run-time If and, from the Python
    float, the masked scores and the carried cumulative weights as
    float64 (a Cast to DOUBLE in the Loop body)."""

    def __init__(self):
        super().__init__()
        self.v = nn.Linear(8, 1, bias=False)

    def forward(self, memory, lengths, q):
        mask = torch.arange(memory.size(1))[None, :] >= lengths[:, None]
        cum = torch.zeros(memory.size(0), memory.size(1), dtype=torch.float32)
        outs: List[torch.Tensor] = []
        for t in range(q.size(1)):
            e = self.v(torch.tanh(memory + q[:, t].unsqueeze(1)
                                  + cum.unsqueeze(-1))).squeeze(-1)
            w = torch.softmax(e.masked_fill(mask, -1e9), dim=1)
            cum = cum + w
            outs.append(w)
        return torch.stack(outs, 1)


def location_attention_inputs(T, B, rng):
    S = T + 3
    return {"memory": rng.standard_normal((B, S, 8)).astype(np.float32),
            "lengths": rng.integers(1, S + 1, size=B).astype(np.int64),
            "q": rng.standard_normal((B, T, 8)).astype(np.float32)}


class ScriptedIndexedOut(nn.Module):
    """A scripted recurrence writing each step into a preallocated output,
    out[t] = h (the PyTorch seq2seq tutorial's style): the Loop carries
    `out` and updates row t with ScatterND, reading Gather(out, t) for its
    shape."""

    def __init__(self):
        super().__init__()
        self.cell = nn.Linear(4 + 6, 6)

    def forward(self, x):
        h = torch.zeros(x.size(1), 6)
        out = torch.zeros(x.size(0), x.size(1), 6)
        for t in range(x.size(0)):
            h = torch.tanh(self.cell(torch.cat([x[t], h], -1)))
            out[t] = h
        return out


class ScriptedCatGrow(nn.Module):
    """A scripted batch-first recurrence growing its output with
    torch.cat([out, h.unsqueeze(1)], 1) from an empty [B, 0, H] tensor."""

    def __init__(self):
        super().__init__()
        self.ih = nn.Linear(8, 6)
        self.hh = nn.Linear(6, 6, bias=False)

    def forward(self, x):
        h = torch.zeros(x.size(0), 6)
        out = torch.zeros(x.size(0), 0, 6)
        for t in range(x.size(1)):
            h = torch.tanh(self.ih(x[:, t]) + self.hh(h))
            out = torch.cat([out, h.unsqueeze(1)], 1)
        return out


class ScriptedFirstStep(nn.Module):
    """A scripted recurrence whose first step differs (`if t == 0:`): an If
    on the loop counter, a condition known only at run time."""

    def __init__(self):
        super().__init__()
        self.ih = nn.Linear(4, 6)
        self.hh = nn.Linear(6, 6, bias=False)

    def forward(self, x):
        h = torch.zeros(x.size(1), 6)
        ys: List[torch.Tensor] = []
        for t in range(x.size(0)):
            if t == 0:
                h = torch.tanh(self.ih(x[t]))
            else:
                h = torch.tanh(self.ih(x[t]) + self.hh(h))
            ys.append(h)
        return torch.stack(ys, 0)


class ScriptedLookahead(nn.Module):
    """A scripted loop that reads one step ahead where there is one: `if
    t + 1 < T: x[t + 1]`. Both branches of the run-time If are computed; the
    out-of-range index of the branch not taken must not fail the run."""

    def forward(self, x):
        ys: List[torch.Tensor] = []
        for t in range(x.size(0)):
            if t + 1 < x.size(0):
                n = x[t + 1]
            else:
                n = x[t]
            ys.append(torch.tanh(n - x[t]))
        return torch.stack(ys, 0)


class OneHotInput(nn.Module):
    """Tokens as one-hot vectors into a linear layer (F.one_hot exports
    ONNX OneHot, then a Cast to float), plus each sequence's token counts
    (the one-hot vectors summed over time)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(7, 4)

    def forward(self, ids):
        one_hot = F.one_hot(ids, 7).float()              # [B, T, 7]
        return self.fc(one_hot) + one_hot.sum(1, keepdim=True)[..., :4]


def token_inputs(T, B, rng):
    return {"ids": rng.integers(0, 7, size=(B, T)).astype(np.int64)}


class EinsumOps(nn.Module):
    """torch.einsum as ONNX Einsum: attention scores and weighted values
    over heads, a weight contraction, a diagonal ("bhii->bhi"), an
    ellipsis ("...d,d->...") and a three-operand contraction."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.w = nn.Parameter(torch.randn(8, 8) * 0.3)
        self.v = nn.Parameter(torch.randn(8))

    def forward(self, x):  # [B, T, 8]
        h = self.fc(x)
        q = h.reshape(h.shape[0], h.shape[1], 2, 4)
        s = torch.einsum("bihd,bjhd->bhij", q, q) * 0.5
        o = torch.einsum("bhij,bjhd->bihd", torch.softmax(s, -1), q)
        t = torch.einsum("bid,de->bie", h, self.w)
        diag = torch.einsum("bhii->bhi", s).sum(1)
        e = torch.einsum("...d,d->...", h, self.v)
        three = torch.einsum("bid,de,e->bi", h, self.w, self.v)
        return (o.reshape(h.shape) + t + (diag + e + three).unsqueeze(-1))


class ScriptedBatchFirst(nn.Module):
    """A batch-first scripted loop: x[:, t] (Gather along axis 1) and the
    outputs stacked along axis 1."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8 + 6, 6)

    def forward(self, x):  # [B, T, 8]
        h = torch.zeros(x.shape[0], 6)
        ys = []
        for t in range(x.shape[1]):
            h = torch.tanh(self.lin(torch.cat([x[:, t], h], -1))) + 0.5 * h
            ys.append(h)
        return torch.stack(ys, 1)


# name, module, opset, input maker, output names, dynamic axes
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


class CtcBiGru(nn.Module):
    """A CTC speech head: a bidirectional batch-first GRU and
    log_softmax over the labels."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 6, bidirectional=True, batch_first=True)
        self.head = nn.Linear(12, 5)

    def forward(self, x):
        return self.head(self.gru(x)[0]).log_softmax(-1)


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


class ConvSubsampling(nn.Module):
    """Conformer's Conv2dSubsampling (ESPnet, torchaudio, NeMo): the
    [B, T, F] features as one input channel, two stride-2 Conv2d + ReLU,
    then channels and frequencies flattened per step into a Linear; and a
    second 2-D branch with unequal strides, dilations and pads and a grouped
    Conv2d."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 4, 3, 2, padding=1), nn.ReLU(),
                                  nn.Conv2d(4, 4, 3, 2, padding=1), nn.ReLU())
        self.out = nn.Linear(4 * 2, 6)
        self.wide = nn.Conv2d(1, 4, (3, 5), stride=(1, 2), padding=(2, 1),
                              dilation=(2, 1))
        self.grouped = nn.Conv2d(4, 6, 3, padding=(1, 0), groups=2,
                                 bias=False)

    def forward(self, x):
        x = x.unsqueeze(1)
        h = self.conv(x)
        b, c, t, f = h.size()
        y = self.out(h.transpose(1, 2).reshape(b, t, c * f))
        return y, self.grouped(self.wide(x))


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

    def forward(self, x):
        q, k, v = self.c_attn(x).split(self.heads * self.head_dim, dim=2)
        q, k, v = self.split_heads(q), self.split_heads(k), self.split_heads(v)
        w = torch.matmul(q, k.transpose(-1, -2))
        w = w / torch.full([], v.size(-1) ** 0.5, dtype=w.dtype)
        query_length, key_length = q.size(-2), k.size(-2)
        causal_mask = self.bias[:, :, key_length - query_length:key_length,
                                :key_length]
        mask_value = torch.full([], torch.finfo(w.dtype).min, dtype=w.dtype)
        w = torch.where(causal_mask, w.to(w.dtype), mask_value)
        out = torch.matmul(w.softmax(dim=-1), v)
        out = out.permute(0, 2, 1, 3).contiguous()
        return self.c_proj(out.view(out.size()[:-2] + (-1,)))


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


class NormSpellings(nn.Module):
    """Norms as people write them by hand, each a plain chain of ops in the
    export: weight * x * rsqrt(...) (PyTorch multiplies the weight first),
    (mean + eps).pow(-0.5), 1.0 / torch.sqrt(...) (a Reciprocal times 1.0),
    and a LayerNorm written w * (x - mean) / sqrt(var + eps) + b."""

    def __init__(self, d=8):
        super().__init__()
        self.w1 = nn.Parameter(torch.rand(d) + 0.5)
        self.w2 = nn.Parameter(torch.rand(d) + 0.5)
        self.w3 = nn.Parameter(torch.rand(d) + 0.5)
        self.w4 = nn.Parameter(torch.rand(d) + 0.5)
        self.b4 = nn.Parameter(torch.randn(d))
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        h = self.w1 * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)
        h = self.proj(h) + x
        h = self.w2 * h * (h.pow(2).mean(-1, keepdim=True) + 1e-5).pow(-0.5)
        h = self.proj(h)
        h = h * (1.0 / torch.sqrt((h * h).mean(-1, keepdim=True) + 1e-6))
        h = self.w3 * h
        m = h.mean(-1, keepdim=True)
        v = ((h - m) ** 2).mean(-1, keepdim=True)
        return self.w4 * (h - m) / torch.sqrt(v + 1e-5) + self.b4


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


class ExpandComputedShape(nn.Module):
    """Expands to target shapes holding sizes computed at run time (T + 1,
    which is never negative, and T - 1, which the importer cannot prove
    so): the target's literal 1s must stay broadcast dimensions."""

    def forward(self, x):
        B, T, C = x.shape
        up = torch.zeros(T + 1, C).expand(1, T + 1, C)[:, 1:]
        down = torch.ones(T - 1, C).expand(1, 1, T - 1, C)[0]
        return x + up, x[:, 1:] * down


class PadRuntimeAmounts(nn.Module):
    """F.pad by amounts computed from the length: T padded up to a multiple
    of 4 (chunked attention, Mamba-2) beside a padded feature, a negative
    amount (the first step dropped), and reflect padding by T % 3. torch
    exports the amounts as a shape vector reshaped into [-1, 2] pairs,
    reversed, transposed and flattened."""

    def forward(self, x):
        B, T, C = x.shape
        y = F.pad(x, (1, 0, 0, (-T) % 4))
        blocks = y.reshape(B, -1, 4, C + 1).mean(2)
        z = F.pad(x, (0, 0, -1, 1))
        r = F.pad(x.transpose(1, 2), (1, T % 3), mode="reflect")
        return y, blocks, z, r


class NarrowAndHalfCasts(nn.Module):
    """The dtypes PyTorch code casts masks and mixed-precision values to: a
    .byte() mask from a comparison and a stored uint8 buffer (UINT8
    initializer), positions wrapped by .to(torch.uint8), an int8 cast of
    in-range values, and .half() / .bfloat16() round trips, whose rounding
    is the point (FLOAT16, BFLOAT16)."""

    def __init__(self):
        super().__init__()
        self.register_buffer("keep", (torch.arange(8) % 3 != 0).byte())

    def forward(self, x):
        T = x.shape[1]
        y = x * (x > 0).byte().float() * self.keep.float()
        wrapped = (torch.arange(T) * 37).to(torch.uint8).float()
        p = x + wrapped[None, :, None]
        q = (x * 20).to(torch.int8).float()
        h = (x * 3).half().float()
        bf = (x * 1000).bfloat16().float()
        return y, p, q, h, bf


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


MODELS = [
    ("rnn_tanh", lambda: Rnn("tanh"), 13, time_major_inputs, ["y", "h"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 2: "B"}, "h": {1: "B"}}),
    ("rnn_relu", lambda: Rnn("relu"), 17, time_major_inputs, ["y", "h"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 2: "B"}, "h": {1: "B"}}),
    ("lstm_uni", LstmUni, 14, time_major_inputs, ["y", "h", "c"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 2: "B"}, "h": {1: "B"},
      "c": {1: "B"}}),
    ("lstm_bi", LstmBi, 14, batch_first_inputs, ["y", "h", "c"],
     {"x": {0: "B", 1: "T"}, "h0": {1: "B"}, "c0": {1: "B"},
      "y": {0: "B", 1: "T"}, "h": {1: "B"}, "c": {1: "B"}}),
    ("gru_head", GruHead, 15, time_major_inputs, ["out", "h"],
     {"x": {0: "T", 1: "B"}, "out": {0: "B"}, "h": {1: "B"}}),
    ("tcn", Tcn, 14, channels_first_inputs, ["y"],
     {"x": {0: "B", 2: "T"}, "y": {0: "B", 2: "T"}}),
    ("causal_attn", CausalSelfAttention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("addmask_attn", AddMaskAttention, 17, batch_first_features,
     ["y", "m"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"},
                  "m": {0: "B", 1: "T"}}),
    ("encoder_layer", encoder_layer, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("keymask_attn", KeyMaskAttention, 14, key_mask_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "m": {0: "B", 3: "T"}, "y": {0: "B", 1: "T"}}),
    ("gpt_block", Gpt, 14, token_inputs, ["logits"],
     {"ids": {0: "B", 1: "T"}, "logits": {0: "B", 1: "T"}}),
    ("lstm_attn", LstmAttention, 14, batch_first_small, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("buffer_attn", BufferMaskAttention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("gru_uni", GruUni, 16, time_major_inputs, ["y", "h"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}, "h": {1: "B"}}),
    ("activations", Activations, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("reductions", Reductions, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("greedy_head", GreedyHead, 14, batch_first_features,
     ["logp", "tokens", "first"],
     {"x": {0: "B", 1: "T"}, "logp": {0: "B", 1: "T"},
      "tokens": {0: "B", 1: "T"}, "first": {0: "B"}}),
    ("tile", TileRepeat, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T2"}}),
    ("scripted_rnn", lambda: torch.jit.script(ScriptedRnn()), 17,
     time_major_inputs, ["y", "h"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}, "h": {0: "B"}}),
    ("scripted_memory", lambda: torch.jit.script(ScriptedMemory()), 17,
     time_major_inputs, ["r"],
     {"x": {0: "T", 1: "B"}, "r": {0: "T", 1: "B"}}),
    ("scripted_ssm", lambda: torch.jit.script(ScriptedSsm()), 17,
     time_major_inputs, ["y"],
     {"x": {0: "T", 1: "B"}, "y": {0: "B", 1: "T"}}),
    ("mask_ops", MaskOps, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("cross_attn", CrossAttention, 14, cross_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "memory": {0: "B", 1: "S"},
      "y": {0: "B", 1: "T"}}),
    ("einsum", EinsumOps, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_batch_first", lambda: torch.jit.script(ScriptedBatchFirst()),
     17, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("torch_pads", TorchPads, 14, batch_first_features, ["r", "e"],
     {"x": {0: "B", 1: "T"}, "r": {0: "B"}, "e": {0: "B"}}),
    ("transformer_decoder", TransformerDecoder, 14, decoder_inputs, ["y"],
     {"tgt": {0: "T", 1: "B"}, "memory": {0: "S", 1: "B"},
      "memory_pad": {0: "B", 1: "S"}, "y": {0: "T", 1: "B"}}),
    ("bert_mask", BertMask, 14, bert_mask_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "attention_mask": {0: "B", 1: "T"},
      "y": {0: "B", 1: "T"}}),
    ("t5_bias", T5RelativeBias, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("ctc_bigru", CtcBiGru, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("hf_causal_slice", HfCausalSlice, 14, cross_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "memory": {0: "B", 1: "S"},
      "y": {0: "B", 1: "T"}}),
    ("deberta_buckets", DebertaBuckets, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T", 2: "T"}}),
    ("last_valid_step", LastValidStep, 14, lengths_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "lengths": {0: "B"}, "y": {0: "B"}}),
    ("scripted_location_attention",
     lambda: torch.jit.script(ScriptedLocationAttention()), 17,
     location_attention_inputs, ["y"],
     {"memory": {0: "B", 1: "S"}, "lengths": {0: "B"}, "q": {0: "B", 1: "T"},
      "y": {0: "B", 1: "T", 2: "S"}}),
    ("scripted_indexed_out", lambda: torch.jit.script(ScriptedIndexedOut()),
     17, time_major_inputs, ["y"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
    ("scripted_cat_grow", lambda: torch.jit.script(ScriptedCatGrow()), 17,
     batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_first_step", lambda: torch.jit.script(ScriptedFirstStep()),
     17, time_major_inputs, ["y"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
    ("one_hot", OneHotInput, 14, token_inputs, ["y"],
     {"ids": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("scripted_lookahead", lambda: torch.jit.script(ScriptedLookahead()), 17,
     time_major_inputs, ["y"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
    ("neox_attn", NeoXAttention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("gptj_attn", GptJAttention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("conv_subsampling", ConvSubsampling, 14, batch_first_features,
     ["y", "z"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T4"},
                  "z": {0: "B", 2: "T"}}),
    ("gqa_repeat_kv", GroupedQueryAttention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("gqa_repeat_interleave", lambda: GroupedQueryAttention(interleave=True),
     14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("sliding_window", SlidingWindowAttention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("sliding_window_additive", lambda: SlidingWindowAttention("additive"),
     14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("local_window", lambda: SlidingWindowAttention("bidirectional"), 14,
     batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("hf_gpt2_attn", HfGpt2Attention, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("hf_make_causal_mask", HfMakeCausalMaskAttention, 14,
     batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("hf_position_ids", HfPositionIds, 14, token_inputs, ["y"],
     {"ids": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("log_window", lambda: SlidingWindowAttention("log"), 14,
     batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("distilbert_masked_fill", DistilBertMaskedFill, 14,
     fully_padded_mask_inputs, ["y"],
     {"x": {0: "B", 1: "T"}, "attention_mask": {0: "B", 1: "T"},
      "y": {0: "B", 1: "T"}}),
    ("hf_rms_norms", HfRmsNorms, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("norm_spellings", NormSpellings, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("kv_cache_attention", KvCacheAttention, 14, kv_cache_inputs,
     ["y", "k", "v"], KV_CACHE_AXES),
    ("kv_cache_shifted_mask", lambda: KvCacheAttention(shift=1), 14,
     kv_cache_inputs, ["y", "k", "v"], KV_CACHE_AXES),
    ("hf_causal_mask_kv_cache", HfCausalMaskKvCache, 14, kv_cache_inputs,
     ["y", "k", "v"], KV_CACHE_AXES),
    ("narrow_and_half_casts", NarrowAndHalfCasts, 14, batch_first_features,
     ["y", "p", "q", "h", "bf"],
     {"x": {0: "B", 1: "T"}, **{o: {0: "B", 1: "T"}
                               for o in ["y", "p", "q", "h", "bf"]}}),
    ("pad_runtime_amounts", PadRuntimeAmounts, 14, batch_first_features,
     ["y", "blocks", "z", "r"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T4"}, "blocks": {0: "B", 1: "N"},
      "z": {0: "B", 1: "T"}, "r": {0: "B", 2: "TR"}}),
    ("expand_computed_shape", ExpandComputedShape, 14, batch_first_features,
     ["y", "z"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"},
                  "z": {0: "B", 1: "T1"}}),
    ("lstm_initial_state", LstmInitialState, 14, time_major_state_inputs,
     ["y", "h", "c"],
     {"x": {0: "T", 1: "B"}, "h0": {1: "B"}, "c0": {1: "B"},
      "y": {0: "T", 1: "B"}, "h": {1: "B"}, "c": {1: "B"}}),
    ("scripted_step_index", lambda: torch.jit.script(ScriptedStepIndex()), 14,
     step_index_inputs, ["y", "h"],
     {"x": {0: "T", 1: "B"}, "lengths": {0: "B"}, "y": {0: "T", 1: "B"},
      "h": {0: "B"}}),
    ("scripted_greedy_decoder",
     lambda: torch.jit.script(ScriptedGreedyDecoder()), 14, time_major_inputs,
     ["logits", "tokens", "embedded"],
     {"x": {0: "T", 1: "B"}, "logits": {0: "T", 1: "B"},
      "tokens": {0: "T", 1: "B"}, "embedded": {0: "T", 1: "B"}}),
    ("mha_causal_batch1", MhaCausalDecoder, 14, batch_one_features, ["y"],
     {"x": {1: "T"}, "y": {1: "T"}}),
    ("float64_model", lambda: FloatDtypes().double(), 14, time_major_f64,
     ["y", "h"], {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"},
                  "h": {1: "B"}}),
    ("float16_io", lambda: FloatDtypes(half_io=True), 14, time_major_f16,
     ["y", "h"], {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"},
                  "h": {1: "B"}}),
    ("scripted_projected_loop", lambda: torch.jit.script(ProjectedLoop()),
     14, batch_first_small, ["y"], {"x": {0: "B", 1: "T"},
                                    "y": {0: "B", 1: "T"}}),
    ("scripted_prealloc_batch_first",
     lambda: torch.jit.script(PreallocatedBatchFirst()), 14,
     batch_first_small, ["y"], {"x": {0: "B", 1: "T"},
                                "y": {0: "B", 1: "T"}}),
    ("pool2d", Pool2d, 14, spectrogram_inputs,
     ["y1", "y2", "y3", "y4", "y5"],
     {"x": {0: "B", 3: "T"}, **{f"y{i}": {0: "B", 3: f"T{i}"}
                                for i in range(1, 6)}}),
    ("scripted_conv_lstm", lambda: torch.jit.script(ScriptedConvLstm()), 14,
     video_inputs, ["y"], {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("token_shift", TokenShifts, 14, batch_first_features,
     ["y1", "y2", "y3", "y4", "y5"],
     {"x": {0: "B", 1: "T"}, **{f"y{i}": {0: "B", 1: "T"}
                                for i in range(1, 6)}}),
    ("matmul_4d", MatMul4d, 14, per_step_matrices, ["y"],
     {"q": {0: "B", 1: "T"}, "s": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("batch_positions", BatchPositions, 14, batch_first_features, ["y"],
     {"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}}),
    ("table_positions", TablePositionsDecoder, 14, batch_one_features, ["y"],
     {"x": {1: "T"}, "y": {1: "T"}}),
    ("time_major_table_positions", TimeMajorTablePositions, 14,
     lambda T, B, rng: {"x": rng.standard_normal((T, B, 8)).astype(
         np.float32)},
     ["y"], {"x": {0: "T", 1: "B"}, "y": {0: "T", 1: "B"}}),
]


def write_lit_inputs(in_dir):
    from onnx import TensorProto, helper

    os.makedirs(in_dir, exist_ok=True)
    rng = np.random.default_rng(7)

    def const(name, shape, dtype=np.float32):
        data = rng.standard_normal(shape).astype(dtype)
        return helper.make_tensor(name, TensorProto.FLOAT, shape,
                                  data.flatten().tolist())

    def ints(name, values):
        return helper.make_tensor(name, TensorProto.INT64, [len(values)],
                                  values)

    def save(name, nodes, inputs, outputs, inits=(), opset=14):
        graph = helper.make_graph(nodes, name, inputs, outputs,
                                  initializer=list(inits))
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", opset)])
        with open(os.path.join(in_dir, name + ".onnx"), "wb") as f:
            f.write(model.SerializeToString())

    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)

    # LSTM: every optional input, bidirectional, clip, input_forget,
    # parameterised activations, only Y_h requested.
    save("lstm_full", [helper.make_node(
        "LSTM", ["x", "W", "R", "B", "lens", "h0", "c0", "P"], ["", "y_h"],
        name="lstm0", hidden_size=2, direction="bidirectional", clip=3.0,
        input_forget=1,
        activations=["HardSigmoid", "Tanh", "ScaledTanh"] * 2,
        activation_alpha=[0.3, 0.7, 0.25, 0.6], activation_beta=[0.4, 1.5])],
        [f32("x", ["T", "B", 3]),
         helper.make_tensor_value_info("lens", TensorProto.INT32, ["B"]),
         f32("h0", [2, "B", 2]), f32("c0", [2, "B", 2])],
        [f32("y_h", [2, "B", 2])],
        [const("W", [2, 8, 3]), const("R", [2, 8, 2]), const("B", [2, 16]),
         const("P", [2, 6])])
    # GRU: batch-major layout, reverse, linear_before_reset = 0.
    save("gru_layout", [helper.make_node(
        "GRU", ["x", "W", "R"], ["y", "y_h"], name="gru0", hidden_size=2,
        direction="reverse", layout=1, activations=["LeakyRelu", "Softsign"],
        activation_alpha=[0.2])],
        [f32("x", ["B", "T", 3])],
        [f32("y", ["B", "T", 1, 2]), f32("y_h", ["B", 1, 2])],
        [const("W", [1, 6, 3]), const("R", [1, 6, 2])], opset=15)
    # RNN: no hidden_size attribute is needed with W given; Affine.
    save("rnn_affine", [helper.make_node(
        "RNN", ["x", "W", "R", "", "", "h0"], ["y"], name="rnn0",
        hidden_size=2, activations=["Affine"], activation_alpha=[0.5],
        activation_beta=[0.1])],
        [f32("x", ["T", "B", 3]), f32("h0", [1, "B", 2])],
        [f32("y", ["T", 1, "B", 2])],
        [const("W", [1, 2, 3]), const("R", [1, 2, 2])], opset=13)
    # Elementwise ops with broadcasting, MatMul/Gemm into seq.linear.
    save("elementwise", [
        helper.make_node("MatMul", ["x", "Wm"], ["m"], name="mm"),
        helper.make_node("Add", ["m", "bias"], ["a"], name="add"),
        helper.make_node("Relu", ["a"], ["r"], name="relu"),
        helper.make_node("Mul", ["r", "half"], ["s"], name="mul"),
        helper.make_node("Sub", ["s", "x2"], ["d"], name="sub"),
        helper.make_node("Div", ["d", "two"], ["q"], name="div"),
        helper.make_node("Pow", ["q", "two"], ["p"], name="pow"),
        helper.make_node("Sqrt", ["p"], ["sq"], name="sqrt"),
        helper.make_node("Erf", ["sq"], ["e"], name="erf"),
        helper.make_node("Sigmoid", ["e"], ["sg"], name="sigmoid"),
        helper.make_node("Tanh", ["sg"], ["t"], name="tanh"),
        helper.make_node("Softmax", ["t"], ["y"], name="softmax", axis=-1),
        helper.make_node("Gemm", ["flat", "Wg", "bg"], ["z"], name="gemm",
                         transB=1, alpha=2.0, beta=0.5)],
        [f32("x", ["B", "T", 3]), f32("x2", ["B", 1, 4]),
         f32("flat", ["N", 3])],
        [f32("y", ["B", "T", 4]), f32("z", ["N", 2])],
        [const("Wm", [3, 4]), const("bias", [4]),
         helper.make_tensor("half", TensorProto.FLOAT, [], [0.5]),
         helper.make_tensor("two", TensorProto.FLOAT, [], [2.0]),
         const("Wg", [2, 3]), const("bg", [2])])
    # Conv (1-D, dilated, grouped, padded) and LayerNormalization.
    save("conv_norm", [
        helper.make_node("Conv", ["x", "Wc", "bc"], ["c"], name="conv",
                         dilations=[2], group=2, pads=[4, 0], strides=[1],
                         kernel_shape=[3]),
        helper.make_node("Transpose", ["c"], ["ct"], name="tr",
                         perm=[0, 2, 1]),
        helper.make_node("LayerNormalization", ["ct", "g", "b"], ["y"],
                         name="ln", axis=-1, epsilon=1e-3)],
        [f32("x", ["B", 4, "T"])], [f32("y", ["B", "T", 6])],
        [const("Wc", [6, 2, 3]), const("bc", [6]), const("g", [6]),
         const("b", [6])], opset=17)
    # A shape subgraph: zeros of [2, B, 3] from Shape/Gather/Unsqueeze/
    # Concat/ConstantOfShape, a Reshape with 0 and -1, Slice, Squeeze.
    save("shape_ops", [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Constant", [], ["one"], name="c1",
                         value=helper.make_tensor("v", TensorProto.INT64, [], [1])),
        helper.make_node("Gather", ["s", "one"], ["b"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["b", "axes0"], ["b1"], name="unsq"),
        helper.make_node("Concat", ["two", "b1", "three"], ["zs"],
                         name="concat", axis=0),
        helper.make_node("ConstantOfShape", ["zs"], ["zeros"], name="cos",
                         value=helper.make_tensor("v", TensorProto.FLOAT,
                                                  [1], [0.0])),
        helper.make_node("Cast", ["x"], ["xc"], name="cast", to=1),
        helper.make_node("Identity", ["xc"], ["xi"], name="id"),
        helper.make_node("Dropout", ["xi"], ["xd"], name="drop"),
        helper.make_node("Reshape", ["xd", "shape"], ["r"], name="reshape"),
        helper.make_node("Slice", ["r", "st", "en", "ax"], ["sl"],
                         name="slice"),
        helper.make_node("Unsqueeze", ["sl", "axes0"], ["u"], name="unsq2"),
        helper.make_node("Squeeze", ["u", "axes0"], ["y"], name="squeeze")],
        [f32("x", ["T", "B", 2, 3])],
        [f32("zeros", [2, "B", 3]), f32("y", ["T", "B", 5])],
        [ints("axes0", [0]), ints("two", [2]), ints("three", [3]),
         ints("shape", [0, 0, -1]), ints("st", [1]), ints("en", [6]),
         ints("ax", [-1])])

    # Errors.
    save("unsupported_op", [helper.make_node(
        "NonZero", ["x"], ["y"], name="NonZero_3")],
        [f32("x", [2, 2])], [helper.make_tensor_value_info(
            "y", TensorProto.INT64, [2, "N"])])
    save("bad_activation", [helper.make_node(
        "RNN", ["x", "W", "R"], ["y"], name="RNN_7", hidden_size=2,
        activations=["Mish"])],
        [f32("x", ["T", "B", 3])], [f32("y", ["T", 1, "B", 2])],
        [const("W", [1, 2, 3]), const("R", [1, 2, 2])])
    save("bad_auto_pad", [helper.make_node(
        "Conv", ["x", "Wc"], ["y"], name="Conv_3", auto_pad="SAME_UPPER")],
        [f32("x", ["B", 2, "T"])], [f32("y", ["B", 2, "T"])],
        [const("Wc", [2, 2, 3])])
    save("bad_dtype", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
         [helper.make_tensor_value_info("x", TensorProto.COMPLEX64, [2])],
         [helper.make_tensor_value_info("y", TensorProto.COMPLEX64, [2])])
    save("bad_cast", [helper.make_node("Cast", ["x"], ["y"], name="Cast_1",
                                       to=TensorProto.COMPLEX64)],
         [f32("x", [2])],
         [helper.make_tensor_value_info("y", TensorProto.COMPLEX64, [2])])
    save("old_opset", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
         [f32("x", [2])], [f32("y", [2])], opset=11)
    with open(os.path.join(in_dir, "garbage.onnx"), "wb") as f:
        f.write(np.random.default_rng(1).bytes(512))
    write_more_lit_inputs(save, f32, const, ints)


def write_more_lit_inputs(save, f32, const, ints):
    """The ops of convolutional and attention models (Pad, ReduceMean,
    Split, Where, Not, Equal, Trilu, Expand), raisings that must not
    fire, and their errors."""
    from onnx import TensorProto, helper

    scalar = lambda n, v: helper.make_tensor(n, TensorProto.FLOAT, [], [v])
    i64 = lambda n, v: helper.make_tensor(n, TensorProto.INT64, [], [v])
    # Pad (time, left 2 and right 1, value 0.5) -> ReduceMean over channels
    # (keepdims) -> Split of the time axis [2, rest]... with a static split
    # of the channels instead: [1, 2].
    save("more_ops", [
        helper.make_node("Pad", ["x", "pads", "pv"], ["p"], name="pad",
                         mode="constant"),
        helper.make_node("ReduceMean", ["p"], ["m"], name="mean", axes=[1],
                         keepdims=1),
        helper.make_node("ReduceMean", ["p"], ["m2"], name="mean2",
                         axes=[-1], keepdims=0),
        helper.make_node("Split", ["x", "split"], ["s0", "s1"], name="split",
                         axis=1),
        helper.make_node("Split", ["x"], ["h0", "h1", "h2"], name="split3",
                         axis=1),
        helper.make_node("ConstantOfShape", ["tt"], ["ones"], name="ones",
                         value=helper.make_tensor("v", TensorProto.FLOAT, [1],
                                                  [1.0])),
        helper.make_node("Trilu", ["ones", "k0"], ["tri"], name="tril",
                         upper=0),
        helper.make_node("Equal", ["tri", "zero"], ["eq"], name="eq"),
        helper.make_node("Not", ["eq"], ["keep"], name="not"),
        helper.make_node("Where", ["keep", "sq", "ninf"], ["w"], name="where"),
        helper.make_node("Expand", ["w", "eshape"], ["e"], name="expand")],
        [f32("x", ["B", 3, "T"]), f32("sq", [4, 4])],
        [f32("m", ["B", 1, "T2"]), f32("m2", ["B", 3]),
         f32("s0", ["B", 1, "T"]), f32("s1", ["B", 2, "T"]),
         f32("h2", ["B", 1, "T"]), f32("e", [2, 4, 4])],
        [ints("pads", [0, 0, 2, 0, 0, 1]), scalar("pv", 0.5),
         ints("split", [1, 2]), ints("tt", [4, 4]), i64("k0", 0),
         scalar("zero", 0.0), scalar("ninf", float("-inf")),
         ints("eshape", [2, 1, 4])])
    # Near misses that must stay decomposed: 0.6 x (1 + erf(x / sqrt 2)),
    # and MatMul + Add of a runtime bias.
    save("no_raise", [
        helper.make_node("Div", ["x", "sqrt2"], ["d"], name="div"),
        helper.make_node("Erf", ["d"], ["e"], name="erf"),
        helper.make_node("Add", ["e", "one"], ["a"], name="add"),
        helper.make_node("Mul", ["x", "a"], ["xm"], name="mul"),
        helper.make_node("Mul", ["xm", "c06"], ["g"], name="mul2"),
        helper.make_node("MatMul", ["g", "W"], ["mm"], name="mm"),
        helper.make_node("Add", ["mm", "b"], ["y"], name="bias")],
        [f32("x", ["B", 3]), f32("b", [4])], [f32("y", ["B", 4])],
        [scalar("sqrt2", math.sqrt(2.0)), scalar("one", 1.0),
         scalar("c06", 0.6), const("W", [3, 4])])
    # Attention with masks that are not causal: Where with a runtime
    # boolean (true = masked; raised as the keep mask "not c"), and an
    # added runtime float mask; no scale node (scale 1).
    bool_ = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.BOOL, sh)
    save("attn_masks", [
        helper.make_node("Transpose", ["k"], ["kt"], name="kt",
                         perm=[0, 1, 3, 2]),
        helper.make_node("MatMul", ["q", "kt"], ["s"], name="qk"),
        helper.make_node("Mul", ["s", "half"], ["ss"], name="scale"),
        helper.make_node("Where", ["c", "ninf", "ss"], ["sm"], name="mask"),
        helper.make_node("Softmax", ["sm"], ["p"], name="softmax", axis=3),
        helper.make_node("MatMul", ["p", "v"], ["y1"], name="pv"),
        helper.make_node("MatMul", ["q", "kt"], ["s2"], name="qk2"),
        helper.make_node("Add", ["m", "s2"], ["sm2"], name="add_mask"),
        helper.make_node("Softmax", ["sm2"], ["p2"], name="softmax2",
                         axis=-1),
        helper.make_node("MatMul", ["p2", "v"], ["y2"], name="pv2")],
        [f32("q", ["B", 2, "T", 4]), f32("k", ["B", 2, "S", 4]),
         f32("v", ["B", 2, "S", 4]), bool_("c", ["B", 1, 1, "S"]),
         f32("m", ["T", "S"])],
        [f32("y1", ["B", 2, "T", 4]), f32("y2", ["B", 2, "T", 4])],
        [scalar("half", 0.5), scalar("ninf", float("-inf"))])
    # Slice with a run-time end (from Shape -> Gather), and a 4-D MatMul
    # that is not attention (a batch_matmul over B * H).
    save("dyn_slice_matmul", [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "i2"], ["t"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["t", "ax0"], ["t1"], name="unsq"),
        helper.make_node("Slice", ["buf", "st", "t1", "ax3"], ["sl"],
                         name="slice"),
        helper.make_node("MatMul", ["x", "y"], ["p"], name="mm4")],
        [f32("x", ["B", 2, "T", 4]), f32("y", ["B", 2, 4, 3])],
        [f32("sl", [1, 1, 6, "T"]), f32("p", ["B", 2, "T", 3])],
        [const("buf", [1, 1, 6, 6]), i64("i2", 2), ints("ax0", [0]),
         ints("st", [0]), ints("ax3", [3])])
    # Errors.
    save("bad_pad_mode", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="Pad_4", mode="wrap")],
        [f32("x", ["B", 2, "T"])], [f32("y", ["B", 2, "T"])],
        [ints("pads", [0, 0, 2, 0, 0, 0])])
    save("bad_pad_reflect", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="Pad_6", mode="reflect")],
        [f32("x", ["B", 2, 2])], [f32("y", ["B", 2, 5])],
        [ints("pads", [0, 0, 2, 0, 0, 1])])
    # Negative pads remove elements; not more than the dimension has.
    save("bad_pad_negative", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="Pad_5")],
        [f32("x", ["B", 2, 2])], [f32("y", ["B", 2, 1])],
        [ints("pads", [0, 0, -2, 0, 0, -1])])
    save("bad_split", [helper.make_node(
        "Split", ["x", "split"], ["a", "b"], name="Split_2", axis=1)],
        [f32("x", ["B", 5])], [f32("a", ["B", 2]), f32("b", ["B", 2])],
        [ints("split", [2, 2])])
    save("bad_where", [helper.make_node(
        "Where", ["c", "x", "x"], ["y"], name="Where_9")],
        [f32("c", [2]), f32("x", [2])], [f32("y", [2])])
    save("bad_trilu", [helper.make_node(
        "Trilu", ["x"], ["y"], name="Trilu_1")],
        [f32("x", [4])], [f32("y", [4])])
    save("bad_range", [helper.make_node(
        "Range", ["s", "l", "d"], ["y"], name="Range_6")],
        [f32("l", [])], [f32("y", ["N"])],
        [scalar("s", 0.0), scalar("d", 1.0)])
    save("bad_expand", [helper.make_node(
        "Expand", ["x", "shape"], ["y"], name="Expand_3")],
        [f32("x", [2, 3])], [f32("y", [2, 4])], [ints("shape", [2, 4])])
    save("bad_slice_axes", [helper.make_node(
        "Slice", ["x", "st", "en", "ax"], ["y"], name="Slice_7")],
        [f32("x", [4, 6])], [f32("y", [2, 6])],
        [ints("st", [0]), ints("en", [2]), ints("ax", [0, 1])])
    save("bad_slice_steps", [helper.make_node(
        "Slice", ["x", "st", "en", "ax", "sp"], ["y"], name="Slice_8")],
        [f32("x", [4, 6])], [f32("y", [2, 6])],
        [ints("st", [0]), ints("en", [2]), ints("ax", [0]), ints("sp", [1, 1])])
    # OneHot (F.one_hot): a depth below 1, values that are not [off, on],
    # indices that are not integers; and a depth given at run time (checked
    # then).
    ids = helper.make_tensor_value_info("ids", TensorProto.INT64, ["B", "T"])
    onehot = lambda name, ins: helper.make_node("OneHot", ins, ["y"],
                                                name=name, axis=-1)
    off_on = helper.make_tensor("off_on", TensorProto.FLOAT, [2], [0.0, 1.0])
    save("bad_one_hot_depth", [onehot("OneHot_2", ["ids", "zero", "off_on"])],
         [ids], [f32("y", ["B", "T", 0])], [ints("zero", [0]), off_on])
    save("one_hot_runtime_depth",
         [onehot("OneHot_3", ["ids", "depth", "off_on"])],
         [ids, helper.make_tensor_value_info("depth", TensorProto.INT64, [1])],
         [f32("y", ["B", "T", "D"])], [off_on])
    save("bad_one_hot_values", [onehot("OneHot_4", ["ids", "seven", "v3"])],
         [ids], [f32("y", ["B", "T", 7])],
         [ints("seven", [7]), helper.make_tensor(
             "v3", TensorProto.FLOAT, [3], [0.0, 1.0, 2.0])])
    save("bad_one_hot_indices", [onehot("OneHot_5", ["fids", "seven", "off_on"])],
         [f32("fids", ["B", "T"])], [f32("y", ["B", "T", 7])],
         [ints("seven", [7]), off_on])
    write_shape_arithmetic_limit_inputs(save, f32, ints)


def write_shape_arithmetic_limit_inputs(save, f32, ints):
    """Shape arithmetic at its edges (shape-limits.test): sizes that would
    wrap int64, an empty vector broadcast against a one-element one, a
    comparison of a long vector, a repeated transpose axis, and a name
    defined twice."""
    from onnx import TensorProto, helper
    i64 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.INT64, s)
    big = (1 << 63) - 1
    save("bad_pad_huge", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="Pad_6")],
        [f32("x", ["B", 4])], [f32("y", ["B", 4])],
        [ints("pads", [0, big - 1000, 0, 0])])
    save("pad_runtime_amounts", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="Pad_7")],
        [f32("x", ["B", "T"]), i64("pads", [4])], [f32("y", ["B", "U"])])
    save("tile_runtime_repeats", [helper.make_node(
        "Tile", ["x", "repeats"], ["y"], name="Tile_1")],
        [f32("x", ["B", "T"]), i64("repeats", [2])], [f32("y", ["B", "U"])])
    # [] + [T]: NumPy broadcasts to an empty vector.
    save("empty_shape_broadcast", [
        helper.make_node("Shape", ["x"], ["sh"]),
        helper.make_node("Slice", ["sh", "one", "two"], ["t"]),
        helper.make_node("Add", ["empty", "t"], ["y"], name="Add_9")],
        [f32("x", ["B", "T"])], [i64("y", [0])],
        [ints("empty", []), ints("one", [1]), ints("two", [2])])
    # 17 elements, one of them T: more than a shape vector.
    save("long_shape_comparison", [
        helper.make_node("Shape", ["x"], ["sh"]),
        helper.make_node("Slice", ["sh", "one", "two"], ["t"]),
        helper.make_node("Concat", ["five", "t", "eleven"], ["v"], axis=0),
        helper.make_node("Equal", ["v", "three"], ["y"], name="Equal_9")],
        [f32("x", ["B", "T"])],
        [helper.make_tensor_value_info("y", TensorProto.BOOL, [17])],
        [ints("one", [1]), ints("two", [2]), ints("five", [1] * 5),
         ints("eleven", [1] * 11), ints("three", [3])])
    save("bad_transpose_perm", [
        helper.make_node("Transpose", ["table"], ["t"], name="Transpose_9",
                         perm=[0, 0]),
        helper.make_node("Cast", ["t"], ["y"], to=TensorProto.FLOAT)],
        [f32("x", [2])], [f32("y", [3, 3])],
        [helper.make_tensor("table", TensorProto.INT64, [3, 4],
                            list(range(12)))])
    save("bad_duplicate_output", [
        helper.make_node("Relu", ["x"], ["y"], name="Relu_1"),
        helper.make_node("Neg", ["x"], ["y"], name="Neg_1")],
        [f32("x", ["B"])], [f32("y", ["B"])])


def save_opset17_graph(in_dir, name, nodes, inputs, outputs, inits=()):
    """Writes IN_DIR/NAME.onnx: a graph of `nodes` importing opset 17."""
    from onnx import helper
    graph = helper.make_graph(nodes, name, inputs, outputs,
                              initializer=list(inits))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)])
    with open(os.path.join(in_dir, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def write_malformed_graph_inputs(in_dir):
    """Graphs as a hand-written or broken exporter leaves them
    (malformed-graphs.test): an unnamed node that fails, a graph input with
    a negative size (-1, an old exporter's dynamic dimension, aside) or a
    dtype number ONNX does not define, a Loop whose body output is never
    computed, and Loop bodies whose nodes break their schema."""
    from onnx import TensorProto, helper

    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)

    save = functools.partial(save_opset17_graph, in_dir)

    save("unnamed_node", [
        helper.make_node("Relu", ["x"], ["r"]),
        helper.make_node("Flatten", ["r"], ["y"], axis=4)],
        [f32("x", ["B", 4])], [f32("y", ["B", 4])])
    save("negative_input_dim", [helper.make_node("Relu", ["x"], ["y"])],
         [f32("x", ["B", -3])], [f32("y", ["B", 3])])
    save("legacy_dynamic_dim", [helper.make_node("Relu", ["x"], ["y"])],
         [f32("x", [-1, 3])], [f32("y", [-1, 3])])
    save("unknown_input_dtype", [helper.make_node("Relu", ["x"], ["y"])],
         [helper.make_tensor_value_info("x", 99, ["B", 3])],
         [f32("y", ["B", 3])])
    b1 = helper.make_tensor_value_info("c_in", TensorProto.BOOL, [])
    body = helper.make_graph(
        [helper.make_node("Identity", ["c_in"], ["c_out"]),
         helper.make_node("Tanh", ["h_in"], ["h_next"])],
        "body", [helper.make_tensor_value_info("t", TensorProto.INT64, []),
                 b1, f32("h_in", ["B", 4])],
        [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []),
         f32("h_out", ["B", 4])])
    def save_loop(name, body):
        save(name, [
            helper.make_node("Shape", ["x"], ["shape"]),
            helper.make_node("Gather", ["shape", "zero"], ["steps"], axis=0),
            helper.make_node("Loop", ["steps", "true", "h0"], ["h"],
                             name="loop", body=body)],
            [f32("x", ["T", "B", 4]), f32("h0", ["B", 4])],
            [f32("h", ["B", 4])],
            [helper.make_tensor("true", TensorProto.BOOL, [], [True]),
             helper.make_tensor("zero", TensorProto.INT64, [], [0])])

    save_loop("loop_undefined_output", body)

    # Body nodes that break their schema, met by the Loop's pattern
    # matching (the condition's Identity, a Gather of step t) before they
    # are imported: a fuzzer's finding (an Identity without an input).
    def loop_body(nodes):
        return helper.make_graph(
            nodes + [helper.make_node("Add", ["h_in", "xt"], ["h_out"])],
            "body", [helper.make_tensor_value_info("t", TensorProto.INT64, []),
                     b1, f32("h_in", ["B", 4])],
            [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []),
             f32("h_out", ["B", 4])])

    gather_xt = helper.make_node("Gather", ["x", "t"], ["xt"], axis=0)
    save_loop("loop_identity_without_input", loop_body(
        [helper.make_node("Identity", [], ["c_out"]), gather_xt]))
    save_loop("loop_gather_without_output", loop_body(
        [helper.make_node("Identity", ["c_in"], ["c_out"]),
         helper.make_node("Gather", ["x", "t"], [], axis=0),
         helper.make_node("Identity", ["h_in"], ["xt"])]))
    # An operator of another domain has no schema to check it by.
    save_loop("loop_custom_identity", loop_body(
        [helper.make_node("Identity", [], ["c_out"], domain="com.example"),
         gather_xt]))


def write_control_flow_inputs(in_dir):
    """The Loops and Ifs the importer refuses, each with its message: a
    while loop (the body computes the condition), a Loop without a trip
    count, a condition computed at run time, an If on run-time data, and a
    sequence used outside a Loop."""
    from onnx import TensorProto, helper

    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    b1 = lambda n: helper.make_tensor_value_info(n, TensorProto.BOOL, [])
    i64 = lambda n: helper.make_tensor_value_info(n, TensorProto.INT64, [])
    true = helper.make_tensor("true", TensorProto.BOOL, [], [True])

    save = functools.partial(save_opset17_graph, in_dir)

    def body(cond_nodes, cond_out):
        # h = tanh(h + x[t]); the condition as given.
        return helper.make_graph(
            [helper.make_node("Gather", ["x", "t"], ["xt"], axis=0),
             helper.make_node("Add", ["h_in", "xt"], ["s"]),
             helper.make_node("Tanh", ["s"], ["h_out"])] + cond_nodes,
            "body", [i64("t"), b1("c_in"), f32("h_in", ["B", 4])],
            [b1(cond_out), f32("h_out", ["B", 4])])

    trip = [helper.make_node("Shape", ["x"], ["shape"]),
            helper.make_node("Gather", ["shape", "zero"], ["steps"], axis=0)]
    zero = helper.make_tensor("zero", TensorProto.INT64, [], [0])
    three = helper.make_tensor("three", TensorProto.INT64, [], [3])
    # The body stops after 3 steps: Less(t, 3).
    save("loop_while", trip + [helper.make_node(
        "Loop", ["steps", "true", "h0"], ["h"], name="while_loop",
        body=body([helper.make_node("Less", ["t", "three"], ["c_out"])],
                  "c_out"))],
        [f32("x", ["T", "B", 4]), f32("h0", ["B", 4])], [f32("h", ["B", 4])],
        [true, zero, three])
    save("loop_no_trip", [helper.make_node(
        "Loop", ["", "true", "h0"], ["h"], name="no_trip",
        body=body([helper.make_node("Identity", ["c_in"], ["c_out"])],
                  "c_out"))],
        [f32("x", ["T", "B", 4]), f32("h0", ["B", 4])], [f32("h", ["B", 4])],
        [true])
    save("loop_negative_trip", [helper.make_node(
        "Loop", ["minus_two", "true", "h0"], ["h"], name="negative_trip",
        body=body([helper.make_node("Identity", ["c_in"], ["c_out"])],
                  "c_out"))],
        [f32("x", ["T", "B", 4]), f32("h0", ["B", 4])], [f32("h", ["B", 4])],
        [true, helper.make_tensor("minus_two", TensorProto.INT64, [], [-2])])
    # torch's `while` bound (INT64_MAX) with a condition that stays true:
    # the loop would never end.
    save("loop_int64_max_trip", [helper.make_node(
        "Loop", ["int64_max", "true", "h0"], ["h"], name="unbounded",
        body=body([helper.make_node("Identity", ["c_in"], ["c_out"])],
                  "c_out"))],
        [f32("x", ["T", "B", 4]), f32("h0", ["B", 4])], [f32("h", ["B", 4])],
        [true, helper.make_tensor("int64_max", TensorProto.INT64, [],
                                  [2**63 - 1])])
    # 2^62 steps whose per-step outputs would take 2^67 bytes: refused at
    # compile time, once, naming the node.
    save("loop_huge_trip", [helper.make_node(
        "Loop", ["huge", "true", "h0"], ["h", "hs"], name="huge_trip",
        body=helper.make_graph(
            [helper.make_node("Identity", ["c_in"], ["c_out"]),
             helper.make_node("Tanh", ["h_in"], ["h_out"]),
             helper.make_node("Identity", ["h_out"], ["h_t"])],
            "body", [i64("t"), b1("c_in"), f32("h_in", [2, 4])],
            [b1("c_out"), f32("h_out", [2, 4]), f32("h_t", [2, 4])]))],
        [f32("h0", [2, 4])], [f32("h", [2, 4]), f32("hs", None)],
        [true, helper.make_tensor("huge", TensorProto.INT64, [], [2**62])])
    # The starting condition is data: ReduceSum(h0) == 0.
    save("loop_runtime_cond", trip + [
        helper.make_node("ReduceSum", ["h0"], ["total"], keepdims=0),
        helper.make_node("Equal", ["total", "fzero"], ["go"]),
        helper.make_node(
            "Loop", ["steps", "go", "h0"], ["h"], name="data_cond",
            body=body([helper.make_node("Identity", ["c_in"], ["c_out"])],
                      "c_out"))],
        [f32("x", ["T", "B", 4]), f32("h0", ["B", 4])], [f32("h", ["B", 4])],
        [zero, helper.make_tensor("fzero", TensorProto.FLOAT, [], [0.0])])
    branch = lambda op, out: helper.make_graph(
        [helper.make_node(op, ["x"], [out])], op, [], [f32(out, ["T", "B", 4])])
    save("if_runtime", [
        helper.make_node("ReduceSum", ["x"], ["total"], keepdims=0),
        helper.make_node("Equal", ["total", "fzero"], ["positive"]),
        helper.make_node("If", ["positive"], ["y"], name="data_if",
                         then_branch=branch("Relu", "yt"),
                         else_branch=branch("Tanh", "ye"))],
        [f32("x", ["T", "B", 4])], [f32("y", ["T", "B", 4])],
        [helper.make_tensor("fzero", TensorProto.FLOAT, [], [0.0])])
    # A run-time If whose branches give different ranks.
    save("if_runtime_ranks", [
        helper.make_node("ReduceSum", ["x"], ["total"], keepdims=0),
        helper.make_node("Equal", ["total", "fzero"], ["positive"]),
        helper.make_node("If", ["positive"], ["y"], name="rank_if",
                         then_branch=helper.make_graph(
                             [helper.make_node("ReduceSum", ["x"], ["yt"],
                                               keepdims=0)],
                             "sum", [], [f32("yt", [])]),
                         else_branch=branch("Tanh", "ye"))],
        [f32("x", ["T", "B", 4])], [f32("y", None)],
        [helper.make_tensor("fzero", TensorProto.FLOAT, [], [0.0])])
    # Logic on float data: And needs bools.
    save("and_float", [helper.make_node("And", ["x", "x"], ["y"],
                                        name="and_float")],
         [f32("x", ["T", "B", 4])], [helper.make_tensor_value_info(
             "y", TensorProto.BOOL, ["T", "B", 4])])
    # A carried tensor grown at the front (`out = torch.cat([y, out])`):
    # not the supported growth (appended at the end), so its type changes
    # from step to step, and the message says which growth is supported.
    save("loop_cat_prepend", trip + [helper.make_node(
        "Loop", ["steps", "", "empty"], ["out"], name="prepend",
        body=helper.make_graph(
            [helper.make_node("Identity", ["c_in"], ["c_out"]),
             helper.make_node("Gather", ["x", "t"], ["xt"], axis=0),
             helper.make_node("Unsqueeze", ["xt", "axis0"], ["y"]),
             helper.make_node("Concat", ["y", "out_in"], ["out_out"],
                              axis=0)],
            "body", [i64("t"), b1("c_in"), f32("out_in", [0, 2, 4])],
            [b1("c_out"), f32("out_out", [1, 2, 4])],
            initializer=[helper.make_tensor("axis0", TensorProto.INT64, [1],
                                            [0])]))],
        [f32("x", ["T", 2, 4])], [f32("out", ["T", 2, 4])],
        [zero, helper.make_tensor("empty", TensorProto.FLOAT, [0, 2, 4], [])])
    save("sequence_outside_loop", [
        helper.make_node("SequenceEmpty", [], ["seq"], name="empty"),
        helper.make_node("SequenceInsert", ["seq", "x"], ["seq2"],
                         name="insert"),
        helper.make_node("ConcatFromSequence", ["seq2"], ["y"], name="join",
                         axis=0, new_axis=1)],
        [f32("x", ["T", "B", 4])], [f32("y", [1, "T", "B", 4])])
    # What torch 1.13 makes of repeat_interleave along a dimension of
    # unknown size, reduced to its first node: SplitToSequence.
    save("split_to_sequence", [
        helper.make_node("SplitToSequence", ["x"], ["seq"], name="split",
                         axis=0, keepdims=1),
        helper.make_node("ConcatFromSequence", ["seq"], ["y"], name="join",
                         axis=0)],
        [f32("x", ["T", "B", 4])], [f32("y", ["T", "B", 4])])
    # x.unbind(0) (and `for x_t in x` in scripted code): keepdims = 0.
    save("unbind_to_sequence", [
        helper.make_node("SplitToSequence", ["x"], ["seq"], name="unbind",
                         axis=0, keepdims=0),
        helper.make_node("ConcatFromSequence", ["seq"], ["y"], name="join",
                         axis=0, new_axis=1)],
        [f32("x", ["T", "B", 4])], [f32("y", ["T", "B", 4])])


def write_conv2d_inputs(in_dir):
    """Malformed Conv nodes over [B, C, H, W] (and one 1-D), each refused
    with a message in the node's terms: input channels the weight does not
    take, a group that does not divide the output channels, a width shorter
    than the kernel, an empty kernel, a bias of the wrong size."""
    from onnx import TensorProto, helper

    def save(name, x_shape, w_shape, bias=None, **attrs):
        w = helper.make_tensor("w", TensorProto.FLOAT, w_shape,
                               [0.5] * int(np.prod(w_shape)))
        inits, inputs = [w], ["x", "w"]
        if bias is not None:
            inits.append(helper.make_tensor("b", TensorProto.FLOAT, [bias],
                                            [0.0] * bias))
            inputs.append("b")
        graph = helper.make_graph(
            [helper.make_node("Conv", inputs, ["y"], name="conv", **attrs)],
            name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
            initializer=inits)
        onnx.save(helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 14)]),
            os.path.join(in_dir, name + ".onnx"))

    save("conv2d_channels", ["B", 4, "H", "W"], [3, 5, 3, 3])
    save("conv2d_group", ["B", 4, "H", "W"], [3, 2, 3, 3], group=2)
    save("conv2d_width", ["B", 4, "H", 2], [3, 4, 3, 3])
    save("conv2d_empty_kernel", ["B", 4, "H", "W"], [3, 4, 0, 3])
    save("conv2d_bias", ["B", 4, "H", "W"], [3, 4, 3, 3], bias=4)
    save("conv1d_empty_kernel", ["B", 4, "T"], [3, 4, 0])
    # ConvTranspose used to ignore auto_pad (silently other pads).
    graph = helper.make_graph(
        [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up",
                          auto_pad="SAME_UPPER", strides=[2])],
        "conv_transpose_auto_pad",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["B", 4, "T"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=[helper.make_tensor("w", TensorProto.FLOAT, [4, 3, 3],
                                        [0.5] * 36)])
    onnx.save(helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 14)]),
        os.path.join(in_dir, "conv_transpose_auto_pad.onnx"))


def write_einsum_inputs(in_dir):
    """Einsum equations the importer refuses, each with its message."""
    from onnx import TensorProto, helper
    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    for name, equation, shapes in [
            ("einsum_operands", "ij,jk,kl->il", [[2, 3], [3, 4]]),
            ("einsum_rank", "ijk,jk->i", [[2, 3], [3, 4]]),
            ("einsum_sizes", "ij,jk->ik", [[2, 3], [5, 4]]),
            ("einsum_output", "ij,jk->iz", [[2, 3], [3, 4]])]:
        inputs = [f32("a%d" % i, shape) for i, shape in enumerate(shapes)]
        graph = helper.make_graph(
            [helper.make_node("Einsum", [i.name for i in inputs], ["y"],
                              name=name, equation=equation)],
            name, inputs, [f32("y", None)])
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 14)])
        with open(os.path.join(in_dir, name + ".onnx"), "wb") as f:
            f.write(model.SerializeToString())


def write_edge_inputs(in_dir):
    """Edge cases of the importer: a MatMul whose batch dimension
    broadcasts (a [1, K, N] right operand), Equal of an INT32 input and an
    INT32 constant, and a Loop that would read past a static input."""
    from onnx import TensorProto, helper
    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)

    def save(name, nodes, inputs, outputs, inits=(), opset=14):
        graph = helper.make_graph(nodes, name, inputs, outputs,
                                  initializer=list(inits))
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", opset)])
        with open(os.path.join(in_dir, name + ".onnx"), "wb") as f:
            f.write(model.SerializeToString())

    save("matmul_batch_broadcast",
         [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
         [f32("x", ["B", 3, 4]), f32("w", [1, 4, 5])], [f32("y", ["B", 3, 5])])
    save("equal_int32",
         [helper.make_node("Equal", ["ids", "zero"], ["y"], name="eq")],
         [helper.make_tensor_value_info("ids", TensorProto.INT32, ["B", "T"])],
         [helper.make_tensor_value_info("y", TensorProto.BOOL, ["B", "T"])],
         [helper.make_tensor("zero", TensorProto.INT32, [], [0])])
    i64 = lambda n: helper.make_tensor_value_info(n, TensorProto.INT64, [])
    b1 = lambda n: helper.make_tensor_value_info(n, TensorProto.BOOL, [])
    body = helper.make_graph(
        [helper.make_node("Gather", ["x", "t"], ["xt"], axis=0),
         helper.make_node("Add", ["h_in", "xt"], ["h_out"]),
         helper.make_node("Identity", ["c_in"], ["c_out"])],
        "body", [i64("t"), b1("c_in"), f32("h_in", [2, 4])],
        [b1("c_out"), f32("h_out", [2, 4])])
    save("loop_too_long", [helper.make_node(
        "Loop", ["ten", "", "h0"], ["h"], name="too_long", body=body)],
        [f32("x", [5, 2, 4]), f32("h0", [2, 4])], [f32("h", [2, 4])],
        [helper.make_tensor("ten", TensorProto.INT64, [], [10])], opset=17)


def write_narrow_initializers_model(out_dir):
    """Initializers of the narrow dtypes a model may store (a uint8 mask
    buffer, int8 and int16 tables, float16 and bfloat16 weights), in raw
    data and in int32_data; made with onnx.helper, expected outputs from
    NumPy (bfloat16 values chosen exactly representable)."""
    from onnx import TensorProto, helper
    mask = np.array([1, 0, 1, 255], dtype=np.uint8)
    table8 = np.array([-3, 5, -128, 127], dtype=np.int8)
    table16 = np.array([-30000, 2, 300, 32767], dtype=np.int16)
    half = np.array([0.1, -2.5, 1000.3, 6e-5], dtype=np.float16)
    bf16 = np.array([0.5, -1.25, 3.0, 1.0 / 128], dtype=np.float32)
    inits = [
        helper.make_tensor("mask", TensorProto.UINT8, [4], mask.tobytes(),
                           raw=True),
        helper.make_tensor("table8", TensorProto.INT8, [4], table8.tolist()),
        helper.make_tensor("table16", TensorProto.INT16, [4],
                           table16.tobytes(), raw=True),
        helper.make_tensor("half", TensorProto.FLOAT16, [4], half.tobytes(),
                           raw=True),
        # onnx.helper rounds float values to bfloat16 bit patterns and
        # stores them in int32_data.
        helper.make_tensor("bf16", TensorProto.BFLOAT16, [4], bf16.tolist()),
    ]
    f = TensorProto.FLOAT
    nodes = [
        helper.make_node("Cast", ["mask"], ["maskf"], to=f),
        helper.make_node("Cast", ["table8"], ["t8"], to=f),
        helper.make_node("Cast", ["table16"], ["t16"], to=f),
        helper.make_node("Cast", ["half"], ["halff"], to=f),
        helper.make_node("Cast", ["bf16"], ["bf16f"], to=f),
        helper.make_node("Mul", ["x", "maskf"], ["a"]),
        helper.make_node("Mul", ["a", "halff"], ["b"]),
        helper.make_node("Add", ["b", "t8"], ["c"]),
        helper.make_node("Mul", ["c", "bf16f"], ["d"]),
        helper.make_node("Add", ["d", "t16"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "narrow_initializers",
        [helper.make_tensor_value_info("x", f, ["B", "T", 4])],
        [helper.make_tensor_value_info("y", f, ["B", "T", 4])],
        initializer=inits)
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(out_dir, "narrow_initializers.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"narrow_initializers"))
    for T, B in TEST_SHAPES:
        x = rng.standard_normal((B, T, 4)).astype(np.float32)
        np.save(os.path.join(out_dir, f"narrow_initializers.t{T}.in.x.npy"), x)
        y = ((x * mask.astype(np.float32) * half.astype(np.float32)
              + table8.astype(np.float32)) * bf16
             + table16.astype(np.float32))
        np.save(os.path.join(out_dir, f"narrow_initializers.t{T}.out.y.npy"),
                y.astype(np.float32))


def write_reduce_model(out_dir):
    """ReduceL2, ReduceSumSquare, ReduceMax over every axis, and ArgMax /
    ArgMin with ties, which PyTorch's exporter does not write this way
    (torch.norm becomes ReduceSum + Sqrt; no select_last_index); made with
    onnx.helper, expected outputs from NumPy."""
    from onnx import TensorProto, helper
    nodes = [
        helper.make_node("ReduceL2", ["x"], ["l2"], axes=[2], keepdims=1),
        helper.make_node("ReduceSumSquare", ["x"], ["ss"], axes=[1],
                         keepdims=0),
        helper.make_node("ReduceMax", ["x"], ["mx"], keepdims=0),
        helper.make_node("ArgMax", ["x"], ["am"], axis=2, keepdims=0),
        helper.make_node("ArgMin", ["x"], ["an"], axis=1,
                         select_last_index=1),
    ]
    graph = helper.make_graph(
        nodes, "reduce_l2",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "T", 4])],
        [helper.make_tensor_value_info("l2", TensorProto.FLOAT, ["B", "T", 1]),
         helper.make_tensor_value_info("ss", TensorProto.FLOAT, ["B", 4]),
         helper.make_tensor_value_info("mx", TensorProto.FLOAT, []),
         helper.make_tensor_value_info("am", TensorProto.INT64, ["B", "T"]),
         helper.make_tensor_value_info("an", TensorProto.INT64, ["B", 1, 4])])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(out_dir, "reduce_l2.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"reduce_l2"))
    for T, B in TEST_SHAPES:
        # Small integers: many ties for ArgMax (first index) and ArgMin
        # (select_last_index: the last).
        x = rng.integers(-2, 3, size=(B, T, 4)).astype(np.float32)
        np.save(os.path.join(out_dir, f"reduce_l2.t{T}.in.x.npy"), x)
        x64 = x.astype(np.float64)
        last_min = T - 1 - np.argmin(x64[:, ::-1, :], axis=1)[:, None, :]
        for key, value in [
                ("l2", np.sqrt((x64 * x64).sum(axis=2, keepdims=True))),
                ("ss", (x64 * x64).sum(axis=1)), ("mx", x64.max())]:
            np.save(os.path.join(out_dir, f"reduce_l2.t{T}.out.{key}.npy"),
                    np.asarray(value, dtype=np.float32))
        np.save(os.path.join(out_dir, f"reduce_l2.t{T}.out.am.npy"),
                np.argmax(x64, axis=2).astype(np.int64))
        np.save(os.path.join(out_dir, f"reduce_l2.t{T}.out.an.npy"),
                last_min.astype(np.int64))


def write_cumsum_model(out_dir):
    """CumSum along time (axis 1, plain), features reversed (axis -1,
    reverse=1) and time exclusive (exclusive=1), and an int64 running count
    of a mask (HF position ids); made with onnx.helper because PyTorch
    never writes reverse or exclusive, expected outputs from NumPy."""
    from onnx import TensorProto, helper
    axis = lambda n, v: helper.make_tensor(n, TensorProto.INT64, [], [v])
    nodes = [
        helper.make_node("CumSum", ["x", "one"], ["c"]),
        helper.make_node("CumSum", ["x", "minus_one"], ["r"], reverse=1),
        helper.make_node("CumSum", ["x", "one"], ["e"], exclusive=1),
        helper.make_node("Cast", ["x"], ["xi"], to=TensorProto.INT64),
        helper.make_node("CumSum", ["xi", "one"], ["n"]),
    ]
    graph = helper.make_graph(
        nodes, "cumsum",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "T", 4])],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, ["B", "T", 4])
         for name in ("c", "r", "e")] +
        [helper.make_tensor_value_info("n", TensorProto.INT64, ["B", "T", 4])],
        initializer=[axis("one", 1), axis("minus_one", -1)])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(out_dir, "cumsum.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"cumsum"))
    for T, B in TEST_SHAPES:
        x = rng.integers(-3, 4, size=(B, T, 4)).astype(np.float32)
        np.save(os.path.join(out_dir, f"cumsum.t{T}.in.x.npy"), x)
        x64 = x.astype(np.float64)
        outputs = {
            "c": np.cumsum(x64, axis=1),
            "r": np.cumsum(x64[:, :, ::-1], axis=2)[:, :, ::-1],
            "e": np.cumsum(x64, axis=1) - x64,
        }
        for key, value in outputs.items():
            np.save(os.path.join(out_dir, f"cumsum.t{T}.out.{key}.npy"),
                    value.astype(np.float32))
        np.save(os.path.join(out_dir, f"cumsum.t{T}.out.n.npy"),
                np.cumsum(x.astype(np.int64), axis=1))


def write_pad_modes_model(out_dir):
    """Pad with mode reflect (time: 2 before, 1 after) and edge (channels: 1
    before; time: 1 before, 2 after), as PyTorch exports F.pad(...,
    mode="reflect" / "replicate"); made with onnx.helper so the pads are
    exactly these, expected outputs from numpy.pad."""
    from onnx import TensorProto, helper
    pads = lambda n, v: helper.make_tensor(n, TensorProto.INT64, [len(v)], v)
    nodes = [
        helper.make_node("Pad", ["x", "reflect_pads"], ["r"], mode="reflect"),
        helper.make_node("Pad", ["x", "edge_pads"], ["e"], mode="edge"),
    ]
    graph = helper.make_graph(
        nodes, "pad_modes",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", 3, "T"])],
        [helper.make_tensor_value_info("r", TensorProto.FLOAT, ["B", 3, None]),
         helper.make_tensor_value_info("e", TensorProto.FLOAT,
                                       ["B", 4, None])],
        initializer=[pads("reflect_pads", [0, 0, 2, 0, 0, 1]),
                     pads("edge_pads", [0, 1, 1, 0, 0, 2])])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(out_dir, "pad_modes.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"pad_modes"))
    for T, B in TEST_SHAPES:
        x = rng.standard_normal((B, 3, T)).astype(np.float32)
        np.save(os.path.join(out_dir, f"pad_modes.t{T}.in.x.npy"), x)
        np.save(os.path.join(out_dir, f"pad_modes.t{T}.out.r.npy"),
                np.pad(x, ((0, 0), (0, 0), (2, 1)), mode="reflect"))
        np.save(os.path.join(out_dir, f"pad_modes.t{T}.out.e.npy"),
                np.pad(x, ((0, 0), (1, 0), (1, 2)), mode="edge"))


def main():
    """make_models.py [OUT_DIR] [--only NAME ...]: with --only, every model is
    still built in order (the weights depend on it), but only NAME's files
    are written."""
    args = sys.argv[1:]
    only = set()
    if "--only" in args:
        only = set(args[args.index("--only") + 1:])
        args = args[:args.index("--only")]
    out_dir = args[0] if args else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "models")
    os.makedirs(out_dir, exist_ok=True)
    if not only:
        write_lit_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    if not only or "reduce_l2" in only:
        write_reduce_model(out_dir)
    if not only or "narrow_initializers" in only:
        write_narrow_initializers_model(out_dir)
    if not only or "cumsum" in only:
        write_cumsum_model(out_dir)
    if not only or "pad_modes" in only:
        write_pad_modes_model(out_dir)
    if not only or "edge_inputs" in only:
        write_edge_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    if not only or "conv2d_inputs" in only:
        write_conv2d_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    if not only or "einsum_inputs" in only:
        write_einsum_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    if not only or "malformed_graphs" in only:
        write_malformed_graph_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    if not only or "control_flow" in only:
        write_control_flow_inputs(os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "Inputs"))
    export_models(MODELS, out_dir, only)


def export_models(models, out_dir, only=()):
    """Exports each (name, make, opset, make_inputs, outputs, axes) of
    `models` to OUT_DIR/NAME.onnx with PyTorch's results at TEST_SHAPES.
    Every model is built in order from one seed (its weights depend on the
    models before it); only those named in `only` (all when empty) are
    written."""
    torch.manual_seed(0)
    for name, make, opset, make_inputs, outputs, axes in models:
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        model = make().eval()
        if only and name not in only:
            continue
        example = make_inputs(EXPORT_T, EXPORT_B, rng)
        args = tuple(torch.from_numpy(v) for v in example.values())
        torch.onnx.export(model, args, os.path.join(out_dir, name + ".onnx"),
                          input_names=list(example), output_names=outputs,
                          dynamic_axes=axes, opset_version=opset)
        for T, B in TEST_SHAPES:
            inputs = make_inputs(T, B, rng)
            with torch.no_grad():
                results = model(*(torch.from_numpy(v) for v in inputs.values()))
            if isinstance(results, torch.Tensor):
                results = (results,)
            for key, value in inputs.items():
                np.save(os.path.join(out_dir, f"{name}.t{T}.in.{key}.npy"), value)
            for key, value in zip(outputs, results):
                np.save(os.path.join(out_dir, f"{name}.t{T}.out.{key}.npy"),
                        value.detach().numpy())


if __name__ == "__main__":
    main()
