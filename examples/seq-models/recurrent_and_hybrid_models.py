#!/usr/bin/env python3
"""The first models make_models.py builds, in its order: recurrences (RNN,
stacked LSTM, BiGRU, projected LSTM, LSTM/GRU/RNN stacks with states), the
forecaster and classifier, TCN, the transformer encoder, GPT, LSTM with
attention, RMSNorm with positions, head reshapes, Mamba, the NTM and
RWKV. Importing it builds and exports them.
"""

import numpy as np
import torch
import torch.nn as nn

from export_model import export
from mamba_reference import Mamba
from ntm_reference import NTM
from rwkv_reference import ChannelMix, TimeMix


# --- vanilla RNN (relu) + linear head over every step -----------------------
class Rnn(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(3, 8, nonlinearity="relu")
        self.head = nn.Linear(8, 2)


export("rnn", Rnn(), """
# A vanilla (Elman) RNN with ReLU and a linear head on every step.
model rnn
weights "rnn.safetensors"
input x: f32[T, B, 3]
h = rnn(x, hidden=8, nonlinearity=relu, name=rnn)  # rnn.weight_ih_l0, ...
y = linear(h, out=2, name=head)           # head.weight, head.bias
output y
""", {"x": torch.randn(6, 2, 3)}, lambda m, x: m.head(m.rnn(x)[0]))


# --- stacked LSTM ------------------------------------------------------------
class StackedLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.LSTM(4, 16, num_layers=2)


export("stacked_lstm", StackedLstm(), """
# Two stacked LSTM layers; the output is every hidden state of the top layer.
model stacked_lstm
weights "stacked_lstm.safetensors"
input x: f32[T, B, 4]
enc = lstm(x, hidden=16, num_layers=2)   # enc.weight_ih_l0 ... enc.bias_hh_l1
output enc
""", {"x": torch.randn(7, 3, 4)}, lambda m, x: {"enc": m.enc(x)[0]})


# --- bidirectional GRU, batch first -------------------------------------------
class BiGru(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(5, 12, bidirectional=True, batch_first=True)


export("bigru", BiGru(), """
# A bidirectional GRU over batch-first input: y is [B, T, 2 * 12].
model bigru
weights "bigru.safetensors"
input x: f32[B, T, 5]
y = gru(x, hidden=12, bidirectional=true, batch_first=true, name=gru)
output y
""", {"x": torch.randn(2, 9, 5)}, lambda m, x: m.gru(x)[0])


# --- LSTM forecaster: next value of every step ---------------------------------
class Forecaster(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.LSTM(1, 32)
        self.head = nn.Linear(32, 1)


export("forecaster", Forecaster(), """
# forecaster.seq: one LSTM layer and a linear head predicting the next value.
model forecaster
weights "forecaster.safetensors"
input x: f32[T, B, 1]
enc  = lstm(x, hidden=32)       # enc.weight_ih_l0, enc.weight_hh_l0, enc.bias_*
y    = linear(enc, out=1, name=head)
output y
""", {"x": torch.sin(torch.linspace(0, 6, 20)).reshape(20, 1, 1).repeat(1, 2, 1)},
    lambda m, x: m.head(m.enc(x)[0]))


# --- LSTM classifier: last step, f16 weights -------------------------------------
class Classifier(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.LSTM(6, 10, batch_first=True)
        self.head = nn.Linear(10, 3)


export("classifier", Classifier(), """
# An LSTM classifier: the last step's hidden state, a linear head and a
# softmax. The weights are stored as f16 and converted at compile time.
model classifier
weights "classifier.safetensors"
input x: f32[B, T, 6]
enc    = lstm(x, hidden=10, batch_first=true)
last_h = last(enc, dim=1)               # [B, 10]
logits = linear(last_h, out=3, name=head)
probs  = softmax(logits, dim=-1)
output probs
""", {"x": torch.randn(4, 5, 6)},
    lambda m, x: {"probs": torch.softmax(m.head(m.enc(x)[0][:, -1]), -1)},
    dtype="F16")


# --- TCN: causal dilated convolutions with a residual -----------------------------
class Tcn(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(4, 8, 3, dilation=1)
        self.conv2 = nn.Conv1d(8, 8, 3, dilation=2)
        self.conv3 = nn.Conv1d(8, 8, 3, dilation=4, groups=2)
        self.down = nn.Conv1d(4, 8, 1)

    def forward(self, x):
        def causal(conv, x):
            pad = conv.dilation[0] * (conv.kernel_size[0] - 1)
            return conv(nn.functional.pad(x, (pad, 0)))
        h = torch.relu(causal(self.conv1, x))
        h = torch.relu(causal(self.conv2, h))
        h = causal(self.conv3, h)
        return torch.relu(h + self.down(x))


export("tcn", Tcn(), """
# A temporal convolution net: causal dilated convolutions, a grouped one and
# a 1x1 residual projection. Inputs and outputs are channels first [B, C, T].
model tcn
weights "tcn.safetensors"
input x: f32[B, 4, T]
c1  = conv1d(x, out=8, kernel=3, causal=true, name=conv1)
r1  = relu(c1)
c2  = conv1d(r1, kernel=3, dilation=2, causal=true, name=conv2)
r2  = relu(c2)
c3  = conv1d(r2, kernel=3, dilation=4, groups=2, causal=true, name=conv3)
res = conv1d(x, out=8, kernel=1, name=down)
sum = add(c3, res)
y   = relu(sum)
output y
""", {"x": torch.randn(2, 4, 16)}, lambda m, x: m(x))


# --- transformer encoder layer (post-norm, batch first) ------------------------------
layer = nn.TransformerEncoderLayer(16, 2, dim_feedforward=32, dropout=0.0,
                                   batch_first=True)


def encoder_forward(m, x):
    # The math of nn.TransformerEncoderLayer (post-norm, relu), spelled out
    # so that no fused fast path is involved.
    a = m.self_attn(x, x, x, need_weights=False)[0]
    h = m.norm1(x + a)
    f = m.linear2(torch.relu(m.linear1(h)))
    return m.norm2(h + f)


export("transformer", layer, """
# One nn.TransformerEncoderLayer(d_model=16, nhead=2, dim_feedforward=32,
# batch_first=True): its state_dict names are used as they are.
model transformer
weights "transformer.safetensors"
input x: f32[B, L, 16]
attn  = mha(x, heads=2, batch_first=true, name=self_attn)
res1  = add(x, attn)
h     = layer_norm(res1, name=norm1)
ff1   = linear(h, out=32, name=linear1)
act   = relu(ff1)
ff2   = linear(act, out=16, name=linear2)
drop  = dropout(ff2, p=0.1)            # identity at inference
res2  = add(h, drop)
y     = layer_norm(res2, name=norm2)
output y
""", {"x": torch.randn(2, 6, 16)}, encoder_forward)


# --- GPT-style block: token embedding, pre-norm causal attention, GELU MLP ----------
class Gpt(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(50, 16)
        self.ln_1 = nn.LayerNorm(16)
        self.attn = nn.MultiheadAttention(16, 4)
        self.ln_2 = nn.LayerNorm(16)
        self.fc = nn.Linear(16, 64)
        self.proj = nn.Linear(64, 16)
        self.ln_f = nn.LayerNorm(16)
        self.lm_head = nn.Linear(16, 50, bias=False)

    def forward(self, ids):
        x = self.wte(ids)                      # [L, B, E]
        h = self.ln_1(x)
        L = ids.shape[0]
        mask = torch.triu(torch.full((L, L), float("-inf")), 1)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        x = x + self.proj(nn.functional.gelu(self.fc(self.ln_2(x)),
                                             approximate="tanh"))
        return self.lm_head(self.ln_f(x))


export("gpt", Gpt(), """
# A GPT-style decoder block over token ids (sequence first, as
# nn.MultiheadAttention's default): causal self-attention and a GELU MLP,
# both pre-norm with residuals, then the language-model head.
model gpt
weights "gpt.safetensors"
input ids: i64[L, B]
x      = embedding(ids, name=wte)
h1     = layer_norm(x, name=ln_1)
a      = mha(h1, heads=4, causal=true, name=attn)
x1     = add(x, a)
h2     = layer_norm(x1, name=ln_2)
fc     = linear(h2, out=64)
g      = gelu(fc, approximate=tanh)
p      = linear(g, out=16, name=proj)
x2     = add(x1, p)
hf     = layer_norm(x2, name=ln_f)
logits = linear(hf, out=50, bias=false, name=lm_head)
output logits
""", {"ids": torch.randint(0, 50, (8, 2))}, lambda m, ids: {"logits": m(ids)})


# --- LSTM + attention hybrid ----------------------------------------------------------
class Hybrid(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.LSTM(3, 16, batch_first=True)
        self.attn = nn.MultiheadAttention(16, 2, batch_first=True)
        self.head = nn.Linear(32, 1)

    def forward(self, x):
        h = self.enc(x)[0]
        L = x.shape[1]
        mask = torch.triu(torch.full((L, L), float("-inf")), 1)
        a = self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return self.head(torch.cat([h, a], -1))


export("lstm_attention", Hybrid(), """
# An LSTM encoder, causal self-attention over its states, and a head on the
# concatenation of both (a branch and a join in the layer graph).
model lstm_attention
weights "lstm_attention.safetensors"
input x: f32[B, T, 3]
y    = linear(both, out=1, name=head)    # layers may be written in any order
enc  = lstm(x, hidden=16, batch_first=true)
ctx  = mha(enc, heads=2, causal=true, batch_first=true, name=attn)
both = concat(enc, ctx, dim=-1)
output y
""", {"x": torch.randn(2, 10, 3)}, lambda m, x: m(x))


# --- two-layer bidirectional LSTM with a projection (proj_size) -------------
class ProjLstm(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.LSTM(3, 8, num_layers=2, bidirectional=True, proj_size=4)


export("lstm_proj", ProjLstm(), """
# Two bidirectional LSTM layers whose hidden states are projected from 8 to
# 4 (PyTorch's proj_size, weight_hr_l{k}): y is [T, B, 2 * 4].
model lstm_proj
weights "lstm_proj.safetensors"
input x: f32[T, B, 3]
y = lstm(x, hidden=8, num_layers=2, bidirectional=true, proj_size=4, name=enc)
output y
""", {"x": torch.randn(5, 2, 3)}, lambda m, x: m.enc(x)[0])


# --- initial and final states: stacked bidirectional batch-first LSTM -------
class LstmStates(nn.Module):
    def __init__(self):
        super().__init__()
        self.enc = nn.LSTM(3, 8, num_layers=2, bidirectional=True,
                           batch_first=True)


def lstm_states_forward(m, x, h0, c0):
    y, (h_n, c_n) = m.enc(x, (h0, c0))
    return {"y": y, "h_n": h_n, "c_n": c_n}


export("lstm_states", LstmStates(), """
# Initial states in, final states out, as nn.LSTM(x, (h0, c0)) -> y, (h_n, c_n).
# h0/c0 and h_n/c_n are [num_layers * 2, B, 8] even with batch_first.
model lstm_states
weights "lstm_states.safetensors"
input x: f32[B, T, 3]
input h0: f32[4, B, 8]
input c0: f32[4, B, 8]
enc = lstm(x, h0, c0, hidden=8, num_layers=2, bidirectional=true, batch_first=true)
output y=enc, h_n=enc.h_n, c_n=enc.c_n
""", {"x": torch.randn(2, 5, 3), "h0": torch.randn(4, 2, 8),
      "c0": torch.randn(4, 2, 8)}, lstm_states_forward)


# --- two GRU layers without biases, f64 weights -------------------------------
class GruStack(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, num_layers=2, bias=False)
        self.head = nn.Linear(6, 2)


def gru_stack_forward(m, x, h0):
    y, h_n = m.gru(x, h0)
    return {"y": m.head(h_n[-1]), "h_n": h_n}


export("gru_stack", GruStack(), """
# Two stacked GRU layers with bias=False (no bias_* weights) from an initial
# state; the head reads the top layer's final state. Weights are f64.
model gru_stack
weights "gru_stack.safetensors"
input x: f32[T, B, 4]
input h0: f32[2, B, 6]
enc = gru(x, h0, num_layers=2, bias=false, name=gru)
top = last(enc.h_n)                    # h_n[-1]: the top layer
y   = linear(top, out=2, name=head)
output y, h_n=enc.h_n
""", {"x": torch.randn(6, 3, 4), "h0": torch.randn(2, 3, 6)},
    gru_stack_forward, dtype="F64")


# --- two bidirectional tanh RNN layers without biases, bf16 weights -----------
class RnnStack(nn.Module):
    def __init__(self):
        super().__init__()
        self.rnn = nn.RNN(4, 5, num_layers=2, bias=False, bidirectional=True)


def rnn_stack_forward(m, x):
    y, h_n = m.rnn(x)
    return {"y": y, "h_n": h_n}


export("rnn_stack", RnnStack(), """
# Two bidirectional tanh RNN layers with bias=False; weights stored as bf16.
model rnn_stack
weights "rnn_stack.safetensors"
input x: f32[T, B, 4]
y = rnn(x, num_layers=2, bidirectional=true, bias=false, name=rnn)
output y, h_n=y.h_n
""", {"x": torch.randn(7, 2, 4)}, rnn_stack_forward, dtype="BF16")


# --- rms_norm, learned positions and broadcasting ------------------------------
class RmsPos(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(20, 8)
        self.pos = nn.Embedding(16, 8)          # a learned table [max_len, E]
        self.norm = nn.Module()
        self.norm.weight = nn.Parameter(torch.randn(8))
        self.head = nn.Linear(8, 4)


def rms_pos_forward(m, ids, scale, shift):
    T = ids.shape[0]
    x = m.wte(ids) + m.pos.weight[:T].unsqueeze(1)   # position t = step t
    # PyTorch 1.13 has no nn.RMSNorm: its formula in NumPy.
    xn, w = x.numpy().astype(np.float64), m.norm.weight.numpy()
    h = xn / np.sqrt(np.mean(xn * xn, -1, keepdims=True) + 1e-6) * w
    h = torch.from_numpy(h.astype(np.float32))
    return {"y": m.head(h * scale + shift)}


export("rms_pos", RmsPos(), """
# Token embeddings plus learned positions (pos.weight row t at step t), an
# RMS norm, and numpy-broadcast mul/add with a [E] scale and a [B, 1] shift.
model rms_pos
weights "rms_pos.safetensors"
input ids: i64[T, B]
input scale: f32[8]
input shift: f32[B, 1]
tok = embedding(ids, name=wte)
x   = pos_embedding(tok, name=pos)     # [T, B, 8] + pos.weight[t]
h   = rms_norm(x, eps=1e-6, name=norm)
g   = mul(h, scale)                    # [T, B, 8] * [8]
s   = add(g, shift)                    # [T, B, 8] + [B, 1]
y   = linear(s, out=4, name=head)
output y
""", {"ids": torch.randint(0, 20, (9, 3)), "scale": torch.randn(8),
      "shift": torch.randn(3, 1)}, rms_pos_forward)


# --- reshape and permute: split heads, reorder, flatten -----------------------
class Heads(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(4, 3)


def heads_forward(m, x):
    B, T, _ = x.shape
    p = x.reshape(B, T, 2, 4).permute(0, 2, 1, 3)
    return {"p": p, "y": m.head(p.reshape(-1, 4))}


export("reshape", Heads(), """
# reshape / permute as torch.reshape / torch.permute: [B, T, 8] is split
# into 2 heads of 4, heads are moved before time, and everything but the
# last dimension is flattened (-1) for a linear layer.
model reshape
weights "reshape.safetensors"
input x: f32[B, T, 8]
h = reshape(x, shape=[B, T, 2, 4])     # names keep B and T dynamic
p = permute(h, dims=[0, 2, 1, 3])      # [B, 2, T, 4]
f = reshape(p, shape=[-1, 4])          # [B * 2 * T, 4]
y = linear(f, out=3, name=head)
output p, y
""", {"x": torch.randn(2, 5, 8)}, heads_forward)


# --- Mamba: two pre-norm residual Mamba-1 blocks ------------------------------
class RmsNorm(nn.Module):
    """nn.RMSNorm (PyTorch 2.4+), written out for PyTorch 1.13."""

    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(1 + 0.1 * torch.randn(dim))

    def forward(self, x):
        return x / torch.sqrt((x * x).mean(-1, keepdim=True) + self.eps) \
            * self.weight


class MambaStack(nn.Module):
    def __init__(self):
        super().__init__()
        self.mixer0 = Mamba(8)
        self.norm = RmsNorm(8, 1e-5)
        self.mixer1 = Mamba(8)


def mamba_forward(m, x):
    r = x + m.mixer0(x)
    return r + m.mixer1(m.norm(r))


export("mamba", MambaStack(), """
# Two residual Mamba-1 blocks (mamba_ssm's Mamba, d_model 8, d_inner 16,
# d_state 4, d_conv 4, dt_rank 1) with an RMS norm between them. Causal:
# seqc also emits a step api that streams it chunk by chunk.
model mamba
weights "mamba.safetensors"
input x: f32[B, T, 8]
h0 = mamba(x, d_state=4, d_conv=4, expand=2, name=mixer0)
r  = add(x, h0)
n  = rms_norm(r, eps=1e-5, name=norm)
h1 = mamba(n, name=mixer1)
y  = add(r, h1)
output y
""", {"x": torch.randn(2, 37, 8)}, mamba_forward)


# --- Neural Turing Machine: LSTM controller, 2 read heads, 1 write head ------
# Last in the file: building it draws from the random stream, and the models
# above keep their weights.
class NtmHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.ntm = NTM(5, 16, 8, 6, read_heads=2, write_heads=1,
                       shift_range=3)
        self.head = nn.Linear(16 + 2 * 6, 3)


export("ntm", NtmHead(), """
# A Neural Turing Machine (Graves et al. 2014): an LSTM controller reading
# and writing an 8 x 6 memory through 2 read heads and 1 write head
# (content addressing, interpolation, shift, sharpening). Causal: seqc also
# emits a step api that carries the memory between chunks.
model ntm
weights "ntm.safetensors"
input x: f32[T, B, 5]
m = ntm(x, name=ntm)
y = linear(m, out=3, name=head)
output y
""", {"x": torch.randn(23, 2, 5)}, lambda m, x: m.head(m.ntm(x)))


# --- RWKV-4: two pre-norm residual blocks (time mixing, channel mixing) ------
# After the ntm: the models above keep their weights.
class RwkvBlock(nn.Module):
    def __init__(self, C):
        super().__init__()
        self.ln1 = nn.LayerNorm(C)
        self.att = TimeMix(C)
        self.ln2 = nn.LayerNorm(C)
        self.ffn = ChannelMix(C, 4 * C)
        with torch.no_grad():  # as if trained: not the identity
            for ln in (self.ln1, self.ln2):
                ln.weight.add_(0.1 * torch.randn(C))
                ln.bias.normal_(0, 0.1)


class RwkvStack(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.ModuleList([RwkvBlock(16) for _ in range(2)])

    def forward(self, x):  # [B, T, C]; WKV in float64, explicit form
        for b in self.blocks:
            x = x + b.att(b.ln1(x))
            x = x + b.ffn(b.ln2(x))
        return x


export("rwkv", RwkvStack(), """
# Two RWKV-4 blocks (BlinkDL/RWKV-LM v4 weights: time mixing with the WKV
# recurrence, channel mixing, pre-norm residuals), d_model 16. Causal:
# seqc also emits a step api (token shift and WKV state carried).
model rwkv
weights "rwkv.safetensors"
input x: f32[B, T, 16]
n0 = layer_norm(x, name=blocks.0.ln1)
a0 = rwkv_time_mix(n0, name=blocks.0.att)
r0 = add(x, a0)
m0 = layer_norm(r0, name=blocks.0.ln2)
f0 = rwkv_channel_mix(m0, name=blocks.0.ffn)
x1 = add(r0, f0)
n1 = layer_norm(x1, name=blocks.1.ln1)
a1 = rwkv_time_mix(n1, name=blocks.1.att)
r1 = add(x1, a1)
m1 = layer_norm(r1, name=blocks.1.ln2)
f1 = rwkv_channel_mix(m1, name=blocks.1.ffn)
y  = add(r1, f1)
output y
""", {"x": torch.randn(2, 29, 16)}, lambda m, x: m(x))
