#!/usr/bin/env python3
"""Builds the seq-models examples: for each model a PyTorch module, its
state_dict as safetensors, a .seq description, an input and PyTorch's output
as .npy files. Run with a python that has torch (1.13+) and numpy:

    /usr/bin/python3 examples/seq-models/make_models.py [NAME...]

With names, only those models' files are written (every module is still
built, so the random weights of each model do not depend on the selection).

The generated files are committed; building and testing need neither torch
nor this script. check_models.py compiles each description with seqc and
compares seq-run's output with PyTorch's.
"""

import math
import os
import sys

import numpy as np
import torch
import torch.nn as nn

from mamba_reference import Mamba
from ntm_reference import NTM
from rwkv_reference import ChannelMix, TimeMix

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from torch_io import save_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
ONLY = set(sys.argv[1:])
torch.manual_seed(0)


def export(name, module, description, inputs, forward, dtype="F32"):
    """Saves module's state_dict, the description and input/expected .npy."""
    if ONLY and name not in ONLY:
        return
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    module.eval()
    if dtype in ("F16", "BF16"):
        # PyTorch's reference runs on the weights as stored (rounded).
        torch_dtype = torch.float16 if dtype == "F16" else torch.bfloat16
        with torch.no_grad():
            for t in module.state_dict().values():
                t.copy_(t.to(torch_dtype).float())
    save_safetensors(os.path.join(folder, name + ".safetensors"),
                     module.state_dict(), dtype)
    with open(os.path.join(folder, name + ".seq"), "w") as f:
        f.write(description.lstrip())
    with torch.no_grad():
        outputs = forward(module, *inputs.values())
    if not isinstance(outputs, dict):
        outputs = {"y": outputs}
    for key, value in inputs.items():
        np.save(os.path.join(folder, key + ".npy"), value.numpy())
    for key, value in outputs.items():
        np.save(os.path.join(folder, "expected_" + key + ".npy"),
                value.contiguous().numpy().astype(np.float32))


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


# --- sliding-window attention (Mistral-style decoder window) -----------------
class SlidingWindowGpt(nn.Module):
    WINDOW = 3  # each token sees itself and the 2 before it

    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(50, 16)
        self.ln_1 = nn.LayerNorm(16)
        self.attn = nn.MultiheadAttention(16, 4)
        self.ln_2 = nn.LayerNorm(16)
        self.fc = nn.Linear(16, 64)
        self.proj = nn.Linear(64, 16)
        self.lm_head = nn.Linear(16, 50, bias=False)

    def forward(self, ids):
        x = self.wte(ids)                      # [L, B, E]
        L = ids.shape[0]
        i = torch.arange(L)[:, None]
        j = torch.arange(L)[None, :]
        hidden = (j > i) | (j <= i - self.WINDOW)
        mask = torch.zeros(L, L).masked_fill(hidden, float("-inf"))
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        x = x + self.proj(nn.functional.gelu(self.fc(self.ln_2(x))))
        return self.lm_head(x)


export("swa", SlidingWindowGpt(), """
# A decoder block whose causal attention sees a sliding window of 3 steps
# (each token, and the 2 before it; Mistral's sliding_window). Streamed,
# its key/value cache is a ring of the last `capacity` steps: a stream
# runs for ever as long as each chunk's steps + 2 fit in it.
model swa
weights "swa.safetensors"
input ids: i64[L, B]
x      = embedding(ids, name=wte)
h1     = layer_norm(x, name=ln_1)
a      = mha(h1, heads=4, causal=true, window=3, name=attn)
x1     = add(x, a)
h2     = layer_norm(x1, name=ln_2)
fc     = linear(h2, out=64)
g      = gelu(fc)
p      = linear(g, out=16, name=proj)
x2     = add(x1, p)
logits = linear(x2, out=50, bias=false, name=lm_head)
output logits
""", {"ids": torch.randint(0, 50, (12, 2))}, lambda m, ids: {"logits": m(ids)})


# --- causal linear attention (fast-transformers' AttentionLayer) -------------
class CausalLinearAttentionLayer(nn.Module):
    """fast-transformers' AttentionLayer (query/key/value/out_projection)
    around CausalLinearAttention (Katharopoulos et al. 2020): phi = elu + 1,
    computed here in the masked-attention form (eq. 9), not the recurrence
    seqc compiles."""

    def __init__(self, d_model, n_heads, eps=1e-6):
        super().__init__()
        self.query_projection = nn.Linear(d_model, d_model)
        self.key_projection = nn.Linear(d_model, d_model)
        self.value_projection = nn.Linear(d_model, d_model)
        self.out_projection = nn.Linear(d_model, d_model)
        self.n_heads, self.eps = n_heads, eps

    def forward(self, x):  # [B, T, E]
        B, T, E = x.shape
        H = self.n_heads
        q = self.query_projection(x).view(B, T, H, -1)
        k = self.key_projection(x).view(B, T, H, -1)
        v = self.value_projection(x).view(B, T, H, -1)
        Q = nn.functional.elu(q) + 1
        K = nn.functional.elu(k) + 1
        scores = torch.einsum("bthd,bshd->bhts", Q, K) * torch.tril(
            torch.ones(T, T))
        out = torch.einsum("bhts,bshd->bthd", scores, v)
        out = out / (scores.sum(-1).permute(0, 2, 1)[..., None] + self.eps)
        return self.out_projection(out.reshape(B, T, E))


class LinearTransformer(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln = nn.LayerNorm(8)
        self.attn = CausalLinearAttentionLayer(8, 2)
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        return self.head(x + self.attn(self.ln(x)))


export("linear_attention", LinearTransformer(), """
# A causal linear-attention block (Katharopoulos et al. 2020, "Transformers
# are RNNs"; fast-transformers' AttentionLayer weights: query/key/value/
# out_projection), pre-norm with a residual, and a head. Causal: seqc also
# emits a step api carrying each head's [Dk, Dv] state and normaliser.
model linear_attention
weights "linear_attention.safetensors"
input x: f32[B, T, 8]
h = layer_norm(x, name=ln)
a = linear_attention(h, heads=2, name=attn)
r = add(x, a)
y = linear(r, out=3, name=head)
output y
""", {"x": torch.randn(2, 19, 8)}, lambda m, x: m(x))


# --- CTC head: log_softmax, sub/div, sum/mean/max reductions -----------------
class CtcHead(nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(6, 8, batch_first=True)
        self.head = nn.Linear(8, 5)


def ctc_head_forward(m, x, scale):
    h, _ = m.gru(x)
    z = (h - h.mean(1, keepdim=True)) / scale          # per-utterance centering
    return {"logp": m.head(z).log_softmax(-1),
            "pooled": z.sum(1) + z.max(1).values,       # [B, 8]
            "energy": h.mean(-1, keepdim=True)}          # [B, T, 1]


export("ctc_head", CtcHead(), """
# A CTC-style head: a batch-first GRU, each utterance centred over time
# (sub of a keepdim mean) and divided by a [8] scale, log-probabilities
# (log_softmax, stable for tiny probabilities), and pooled features (sum and
# max over time, mean over features).
model ctc_head
weights "ctc_head.safetensors"
input x: f32[B, T, 6]
input scale: f32[8]
h      = gru(x, hidden=8, batch_first=true, name=gru)
c      = mean(h, dim=1, keepdim=true)       # [B, 1, 8]
d      = sub(h, c)
z      = div(d, scale)
logits = linear(z, out=5, name=head)
logp   = log_softmax(logits, dim=-1)
total  = sum(z, dim=1)                      # [B, 8]
peak   = max(z, dim=1)
pooled = add(total, peak)
energy = mean(h, dim=-1, keepdim=true)      # [B, T, 1]
output logp, pooled, energy
""", {"x": torch.randn(3, 11, 6) * 3, "scale": torch.rand(8) + 0.5},
       ctc_head_forward)


# --- a transformer decoder layer: masks, cross-attention, kdim != E -----------
class Decoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.layer = nn.TransformerDecoderLayer(16, 4, dim_feedforward=32,
                                                dropout=0.0)
        # Cross-attention over features of another size (kdim = vdim = 12):
        # nn.MultiheadAttention keeps q/k/v_proj_weight instead of in_proj.
        self.feats_attn = nn.MultiheadAttention(16, 2, kdim=12, vdim=12)
        self.head = nn.Linear(16, 5)


def decoder_forward(m, tgt, memory, mem_len, tgt_mask, feats):
    steps = torch.arange(memory.shape[0])[None, :]
    pad = steps >= mem_len[:, None]                     # [B, S], true: padding
    x = m.layer(tgt, memory, tgt_mask=tgt_mask,
                memory_key_padding_mask=pad)
    x = x + m.feats_attn(x, feats, feats, need_weights=False)[0]
    return {"y": m.head(x)}


S_MEM = 9
export("decoder", Decoder(), """
# nn.TransformerDecoderLayer (post-norm: self-attention under a bool
# tgt_mask, cross-attention over `memory` whose padded steps a
# key_padding_mask built from lengths hides, ReLU feed-forward), then a
# second cross-attention over features of another size (kdim = vdim = 12,
# nn.MultiheadAttention's q/k/v_proj_weight) and a head.
model decoder
weights "decoder.safetensors"
input tgt: f32[L, B, 16]
input memory: f32[S, B, 16]
input mem_len: i64[B]
input tgt_mask: bool[L, L]
input feats: f32[F, B, 12]
valid = sequence_mask(mem_len, memory, dim=0)      # [B, S], true: a real step
pad   = logical_not(valid)
sa    = mha(tgt, heads=4, attn_mask=tgt_mask, name=layer.self_attn)
x1    = add(tgt, sa)
n1    = layer_norm(x1, name=layer.norm1)
ca    = mha(n1, memory, heads=4, key_padding_mask=pad, name=layer.multihead_attn)
x2    = add(n1, ca)
n2    = layer_norm(x2, name=layer.norm2)
f1    = linear(n2, name=layer.linear1)
r     = relu(f1)
f2    = linear(r, name=layer.linear2)
x3    = add(n2, f2)
n3    = layer_norm(x3, name=layer.norm3)
fa    = mha(n3, feats, heads=2, name=feats_attn)
x4    = add(n3, fa)
y     = linear(x4, out=5, name=head)
output y
""", {"tgt": torch.randn(7, 3, 16), "memory": torch.randn(S_MEM, 3, 16),
      "mem_len": torch.tensor([9, 4, 1]),
      "tgt_mask": torch.triu(torch.ones(7, 7, dtype=torch.bool), 1),
      "feats": torch.randn(5, 3, 12)},
       decoder_forward)


# --- a LLaMA-style decoder block: RMSNorm, GQA, RoPE, SwiGLU ------------------
class LlamaRMSNorm(nn.Module):
    def __init__(self, dim, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(1 + 0.1 * torch.randn(dim))
        self.eps = eps

    def forward(self, x):
        return self.weight * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True)
                                              + self.eps))


class LlamaAttention(nn.Module):
    """Hugging Face LlamaAttention (q/k/v/o_proj without bias, grouped
    key/value heads, rotary embeddings in the rotate_half layout)."""

    def __init__(self, dim, heads, kv_heads, theta):
        super().__init__()
        self.h, self.kv, self.d, self.theta = heads, kv_heads, dim // heads, theta
        self.q_proj = nn.Linear(dim, heads * self.d, bias=False)
        self.k_proj = nn.Linear(dim, kv_heads * self.d, bias=False)
        self.v_proj = nn.Linear(dim, kv_heads * self.d, bias=False)
        self.o_proj = nn.Linear(heads * self.d, dim, bias=False)

    def forward(self, x):  # [B, T, E]
        B, T, _ = x.shape
        q = self.q_proj(x).view(B, T, self.h, self.d).transpose(1, 2)
        k = self.k_proj(x).view(B, T, self.kv, self.d).transpose(1, 2)
        v = self.v_proj(x).view(B, T, self.kv, self.d).transpose(1, 2)
        inv_freq = 1.0 / (self.theta ** (torch.arange(0, self.d, 2).float()
                                         / self.d))
        freqs = torch.outer(torch.arange(T).float(), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()

        def rotate_half(t):
            t1, t2 = t[..., : self.d // 2], t[..., self.d // 2:]
            return torch.cat((-t2, t1), dim=-1)

        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k = k.repeat_interleave(self.h // self.kv, dim=1)
        v = v.repeat_interleave(self.h // self.kv, dim=1)
        scores = q @ k.transpose(-1, -2) / self.d ** 0.5
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
        scores = scores.masked_fill(causal, float("-inf"))
        out = scores.softmax(-1) @ v
        return self.o_proj(out.transpose(1, 2).reshape(B, T, -1))


class LlamaBlock(nn.Module):
    def __init__(self):
        super().__init__()
        self.input_layernorm = LlamaRMSNorm(16)
        self.self_attn = LlamaAttention(16, 4, 2, 500.0)
        self.post_attention_layernorm = LlamaRMSNorm(16)
        self.mlp = nn.Module()
        self.mlp.gate_proj = nn.Linear(16, 24, bias=False)
        self.mlp.up_proj = nn.Linear(16, 24, bias=False)
        self.mlp.down_proj = nn.Linear(24, 16, bias=False)

    def forward(self, x):
        h = x + self.self_attn(self.input_layernorm(x))
        n = self.post_attention_layernorm(h)
        mlp = self.mlp
        return h + mlp.down_proj(nn.functional.silu(mlp.gate_proj(n))
                                 * mlp.up_proj(n))


export("llama", LlamaBlock(), """
# A LLaMA decoder block under Hugging Face's names: RMSNorm, causal
# attention with 4 query heads sharing 2 key/value heads (GQA), rotary
# position embeddings (theta 500) and no biases, then a SwiGLU MLP.
model llama
weights "llama.safetensors"
input x: f32[B, T, 16]
n1   = rms_norm(x, eps=1e-6, name=input_layernorm)
a    = mha(n1, heads=4, kv_heads=2, causal=true, rope=true, rope_theta=500,
           bias=false, batch_first=true,
           weights_from=[q_proj, k_proj, v_proj, o_proj], name=self_attn)
h    = add(x, a)
n2   = rms_norm(h, eps=1e-6, name=post_attention_layernorm)
gate = linear(n2, bias=false, name=mlp.gate_proj)
act  = silu(gate)
up   = linear(n2, bias=false, name=mlp.up_proj)
prod = mul(act, up)
down = linear(prod, bias=false, name=mlp.down_proj)
y    = add(h, down)
output y
""", {"x": torch.randn(2, 11, 16)}, lambda m, x: m(x))


# --- BERT-style self-attention: an int64 attention mask and a score bias ------
class BertAttention(nn.Module):
    """Hugging Face BertSelfAttention + BertSelfOutput (query/key/value,
    output.dense, output.LayerNorm), with an additive [B * heads, T, T]
    score bias (as nn.MultiheadAttention's 3-D attn_mask takes it)."""

    def __init__(self, dim, heads):
        super().__init__()
        self.h, self.d = heads, dim // heads
        self.attention = nn.Module()
        self.attention.self = nn.Module()
        self.attention.self.query = nn.Linear(dim, dim)
        self.attention.self.key = nn.Linear(dim, dim)
        self.attention.self.value = nn.Linear(dim, dim)
        self.attention.output = nn.Module()
        self.attention.output.dense = nn.Linear(dim, dim)
        self.attention.output.LayerNorm = nn.LayerNorm(dim, eps=1e-12)

    def forward(self, x, attention_mask, score_bias):
        B, T, E = x.shape
        s = self.attention.self

        def heads(t):
            return t.view(B, T, self.h, self.d).transpose(1, 2)

        q, k, v = heads(s.query(x)), heads(s.key(x)), heads(s.value(x))
        scores = q @ k.transpose(-1, -2) / self.d ** 0.5
        scores = scores + score_bias.view(B, self.h, T, T)
        extended = (1.0 - attention_mask[:, None, None, :].float()) \
            * torch.finfo(torch.float32).min
        ctx = (scores + extended).softmax(-1) @ v
        ctx = ctx.transpose(1, 2).reshape(B, T, E)
        o = self.attention.output
        return o.LayerNorm(o.dense(ctx) + x)


class BertEncoder(nn.Module):
    """The state_dict names of a Hugging Face BertModel's first layer."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.Module()
        self.encoder.layer = nn.ModuleList([BertAttention(16, 4)])

    def forward(self, x, attention_mask, score_bias):
        return self.encoder.layer[0](x, attention_mask, score_bias)


export("bert_attention", BertEncoder(), """
# BERT self-attention under Hugging Face's names (attention.self.query, ...,
# attention.output.dense and .LayerNorm): the int64 attention_mask (1: a
# real token) becomes nn.MultiheadAttention's key_padding_mask, and a
# [B * heads, T, T] score bias is passed as its 3-D float attn_mask.
model bert_attention
weights "bert_attention.safetensors"
input x: f32[B, T, 16]
input attention_mask: i64[B, T]
input score_bias: f32[BH, T, T]
pad = eq(attention_mask, value=0)
a   = mha(x, heads=4, batch_first=true, key_padding_mask=pad,
          attn_mask=score_bias, weights_from=[attention.self.query,
          attention.self.key, attention.self.value, attention.output.dense],
          name=encoder.layer.0)
r   = add(a, x)
y   = layer_norm(r, eps=1e-12, name=encoder.layer.0.attention.output.LayerNorm)
output y
""", {"x": torch.randn(3, 6, 16),
      "attention_mask": torch.tensor([[1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 0, 0],
                                      [1, 1, 0, 0, 0, 0]]),
      "score_bias": torch.randn(12, 6, 6)},
       lambda m, x, am, sb: m(x, am, sb))


# --- value ops: parameters, matmul, cumsum, comparisons, where, masks ---------
class MemoryRead(nn.Module):
    def __init__(self):
        super().__init__()
        self.memory = nn.Parameter(torch.randn(6, 8))
        self.cls_token = nn.Parameter(torch.randn(1, 1, 8))
        self.readout = nn.Parameter(torch.randn(8))


def value_ops_forward(m, q, ids, lens):
    s = q @ m.memory.t()                                  # [B, T, 6]
    r = s.softmax(-1) @ m.memory                          # [B, T, 8]
    c = torch.cumsum(r, dim=1)
    back = r.flip(1).cumsum(1).flip(1) - r               # reverse, exclusive
    pos, neg = c > 0, c <= -0.5
    mid = ~(pos | neg)
    z = torch.where(pos, c, back).masked_fill(mid, -3.5)
    hi = z >= r
    z = torch.where(hi & (z != back), z, r)
    score = (z @ m.readout).masked_fill(ids == 0, 0.0)    # [B, T]
    valid = torch.arange(q.shape[1])[None, :] < lens[:, None]
    score = score.masked_fill(~valid, 0.0)
    gram = q @ q.transpose(1, 2)                          # [B, T, T]
    arith = (gram * 0.25 - 1.5) / 2 + 3                   # value= operands
    lengths = (lens + 1).float()                          # integer add, to()
    truncated = (q * 3).long().float()
    return {"z": z, "score": score, "gram": gram, "with_cls": q + m.cls_token,
            "arith": arith, "lengths": lengths, "truncated": truncated,
            "valid_f": valid.float()}


export("value_ops", MemoryRead(), """
# A memory read written with value ops: a learned memory matrix and CLS
# token (parameter), matmul of values (2-D, 3-D and a vector), cumsum
# (forward, and reverse exclusive), comparisons with a value and between
# values, logical ops, where, masked_fill, sequence_mask, arithmetic with a
# scalar (value=), integer arithmetic and dtype conversions (to).
model value_ops
weights "value_ops.safetensors"
input q: f32[B, T, 8]
input ids: i64[B, T]
input lens: i64[B]
mem   = parameter(name=memory)                  # [6, 8]
cls   = parameter(name=cls_token, shape=[1, 1, 8])
vec   = parameter(name=readout)
mt    = transpose(mem, dim0=0, dim1=1)
s     = matmul(q, mt)                            # [B, T, 6]
p     = softmax(s)
r     = matmul(p, mem)                           # [B, T, 8]
c     = cumsum(r, dim=1)
back  = cumsum(r, dim=1, reverse=true, exclusive=true)
pos   = gt(c, value=0)
neg   = le(c, value=-0.5)
either = logical_or(pos, neg)
mid   = logical_not(either)
w     = where(pos, c, back)
z0    = masked_fill(w, mid, value=-3.5)
hi    = ge(z0, r)
moved = ne(z0, back)
keep  = logical_and(hi, moved)
z     = where(keep, z0, r)
sc    = matmul(z, vec)                           # [B, T]
is_pad = eq(ids, value=0)
sc1   = masked_fill(sc, is_pad, value=0.0)
valid = sequence_mask(lens, q, dim=1)
invalid = logical_not(valid)
score = masked_fill(sc1, invalid, value=0.0)
qt    = transpose(q, dim0=1, dim1=2)
gram  = matmul(q, qt)                            # [B, T, T]
with_cls = add(q, cls)
quarter = mul(gram, value=0.25)                  # a scalar right-hand side
shifted = sub(quarter, value=1.5)
halved = div(shifted, value=2)
arith = add(halved, value=3)
lens1 = add(lens, value=1)                      # integer arithmetic
lengths = to(lens1, dtype=f32)
q3    = mul(q, value=3)
q3i   = to(q3, dtype=i64)                       # toward zero, as .long()
truncated = to(q3i, dtype=f32)
valid_f = to(valid, dtype=f32)
output z, score, gram, with_cls, arith, lengths, truncated, valid_f
""", {"q": torch.randn(2, 7, 8), "ids": torch.randint(0, 4, (2, 7)),
      "lens": torch.tensor([7, 3])},
       value_ops_forward)


# --- scan blocks: a minGRU and a reversed moving average, written in .seq ----
class MinGru(nn.Module):
    """minGRU (Feng et al. 2024, "Were RNNs All We Needed?", eq. 7-8):
    h_t = (1 - z_t) * h_{t-1} + z_t * h~_t, z_t = sigmoid(linear_z(x_t)),
    h~_t = linear_h(x_t)."""

    def __init__(self):
        super().__init__()
        self.cell = nn.Module()
        self.cell.linear_z = nn.Linear(8, 16)
        self.cell.linear_h = nn.Linear(8, 16)
        self.decay = nn.Parameter(torch.randn(16))
        self.head = nn.Linear(16, 3)


def scan_blocks_forward(m, x):
    B, T, _ = x.shape
    h = torch.zeros(B, 16)
    ys = []
    for t in range(T):
        z = torch.sigmoid(m.cell.linear_z(x[:, t]))
        h = h + z * (m.cell.linear_h(x[:, t]) - h)
        ys.append(h)
    y = torch.stack(ys, 1)                       # [B, T, 16]
    a = torch.sigmoid(m.decay)
    s = torch.zeros(B, 16)
    smooth = [None] * T
    for t in reversed(range(T)):                 # from the last step
        s = a * s + (1 - a) * y[:, t]
        smooth[t] = s
    return {"y": m.head(torch.stack(smooth, 1)), "h_n": h, "s_n": s}


export("scan_blocks", MinGru(), """
# Two user-written recurrences: a minGRU over a batch-first input (scan
# dimension 1, the state starting at zero), then an exponential moving
# average of its outputs run from the last step (reverse=true) whose decay
# is a learned parameter computed outside the scan.
model scan_blocks
weights "scan_blocks.safetensors"
input x: f32[B, T, 8]
h0 = zeros(x, shape=[B, 16])
scan cell(x_t in x, h = h0, dim=1)
  z  = linear(x_t, name=cell.linear_z)
  zs = sigmoid(z)
  c  = linear(x_t, name=cell.linear_h)
  d  = sub(c, h)
  e  = mul(zs, d)
  hn = add(h, e)
  yield h = hn, y = hn
end
decay = parameter(name=decay)
a     = sigmoid(decay)
scan ema(u in cell.y, s = h0, dim=1, reverse=true)
  keep = mul(a, s)
  w    = mul(a, u)
  new  = sub(u, w)
  sn   = add(keep, new)
  yield s = sn, smooth = sn
end
y = linear(ema.smooth, out=3, name=head)
output y, h_n=cell.h, s_n=ema.s
""", {"x": torch.randn(3, 10, 8)}, scan_blocks_forward)


# --- ALiBi (BLOOM-style linear biases instead of position embeddings) --------
def bloom_alibi_slopes(heads):
    """Hugging Face BLOOM's build_alibi_tensor slopes (Press et al. 2022's
    get_slopes), written out here as the independent reference."""
    closest = 2 ** math.floor(math.log2(heads))
    base = torch.tensor(2 ** (-(2 ** -(math.log2(closest) - 3))),
                        dtype=torch.float32)
    slopes = torch.pow(base, torch.arange(1, 1 + closest, dtype=torch.int32))
    if closest != heads:
        extra_base = torch.tensor(
            2 ** (-(2 ** -(math.log2(2 * closest) - 3))), dtype=torch.float32)
        remaining = min(closest, heads - closest)
        powers = torch.arange(1, 1 + 2 * remaining, 2, dtype=torch.int32)
        slopes = torch.cat([slopes, torch.pow(extra_base, powers)])
    return slopes


class AlibiGpt(nn.Module):
    """A decoder block whose attention has no position embedding but
    ALiBi's per-head linear biases, added as BLOOM adds them (slope * key
    position, which differs from -slope * (i - j) by a constant per query
    row: the same softmax), with 6 heads: 4 slopes of the power of two
    below 6 and 2 of the next one."""

    HEADS = 6

    def __init__(self):
        super().__init__()
        self.wte = nn.Embedding(50, 24)
        self.ln_1 = nn.LayerNorm(24)
        self.attn = nn.MultiheadAttention(24, self.HEADS)
        self.ln_2 = nn.LayerNorm(24)
        self.fc = nn.Linear(24, 48)
        self.proj = nn.Linear(48, 24)
        self.lm_head = nn.Linear(24, 50, bias=False)

    def forward(self, ids):
        x = self.wte(ids)                      # [L, B, E]
        L, B = ids.shape
        slopes = bloom_alibi_slopes(self.HEADS)
        bias = slopes[:, None, None] * torch.arange(L)[None, None, :]
        future = torch.ones(L, L, dtype=torch.bool).triu(1)
        bias = bias.expand(self.HEADS, L, L).masked_fill(future, float("-inf"))
        mask = bias.repeat(B, 1, 1)            # [B * heads, L, L]
        h = self.ln_1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        x = x + self.proj(nn.functional.gelu(self.fc(self.ln_2(x))))
        return self.lm_head(x)


export("alibi", AlibiGpt(), """
# A decoder block with ALiBi (Press et al. 2022; BLOOM, MPT): no position
# embedding, each of the 6 heads adds -slope * distance to its scores.
# Streamed, the distances count from the start of the stream (the queries'
# positions continue through the key/value cache).
model alibi
weights "alibi.safetensors"
input ids: i64[L, B]
x      = embedding(ids, name=wte)
h1     = layer_norm(x, name=ln_1)
a      = mha(h1, heads=6, causal=true, alibi=true, name=attn)
x1     = add(x, a)
h2     = layer_norm(x1, name=ln_2)
fc     = linear(h2, out=48)
g      = gelu(fc)
p      = linear(g, out=24, name=proj)
x2     = add(x1, p)
logits = linear(x2, out=50, bias=false, name=lm_head)
output logits
""", {"ids": torch.randint(0, 50, (11, 2))}, lambda m, ids: {"logits": m(ids)})


# --- GPT-2 (Hugging Face's GPT2Model block, Conv1D weights stored [in, out]) -
class Conv1D(nn.Module):
    """Hugging Face's transformers.pytorch_utils.Conv1D: a linear layer whose
    weight is stored [in, out] (nx, nf): y = x @ W + b."""

    def __init__(self, nf, nx):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(nx, nf) * 0.2)
        self.bias = nn.Parameter(torch.randn(nf) * 0.1)

    def forward(self, x):
        size_out = x.size()[:-1] + (self.weight.size(-1),)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


class Gpt2Attention(nn.Module):
    """GPT2Attention's forward (eager): one fused c_attn split into q, k, v,
    a causal bool buffer, softmax, c_proj."""

    def __init__(self, embed, heads, n_ctx):
        super().__init__()
        self.heads = heads
        self.c_attn = Conv1D(3 * embed, embed)
        self.c_proj = Conv1D(embed, embed)
        self.register_buffer(
            "bias", torch.tril(torch.ones(n_ctx, n_ctx, dtype=torch.bool)),
            persistent=False)

    def forward(self, x):
        B, T, E = x.shape
        q, k, v = self.c_attn(x).split(E, dim=2)

        def heads(t):
            return t.view(B, T, self.heads, E // self.heads).transpose(1, 2)
        q, k, v = heads(q), heads(k), heads(v)
        w = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(E // self.heads)
        w = torch.where(self.bias[:T, :T], w,
                        torch.tensor(torch.finfo(w.dtype).min))
        a = torch.matmul(nn.functional.softmax(w, dim=-1), v)
        return self.c_proj(a.transpose(1, 2).reshape(B, T, E))


class Gpt2Block(nn.Module):
    def __init__(self, embed, heads, n_ctx):
        super().__init__()
        self.ln_1 = nn.LayerNorm(embed)
        self.attn = Gpt2Attention(embed, heads, n_ctx)
        self.ln_2 = nn.LayerNorm(embed)
        self.mlp = nn.Module()
        self.mlp.c_fc = Conv1D(4 * embed, embed)
        self.mlp.c_proj = Conv1D(embed, 4 * embed)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        h = self.mlp.c_fc(self.ln_2(x))
        h = nn.functional.gelu(h, approximate="tanh")  # GPT-2's gelu_new
        return x + self.mlp.c_proj(h)


class Gpt2(nn.Module):
    """GPT2Model's names (wte, wpe, h.N, ln_f) with the LM head tied to wte,
    as GPT2LMHeadModel's checkpoints store it (no lm_head.weight)."""

    def __init__(self, vocab=50, embed=16, heads=4, n_ctx=32):
        super().__init__()
        self.wte = nn.Embedding(vocab, embed)
        self.wpe = nn.Embedding(n_ctx, embed)
        self.h = nn.ModuleList([Gpt2Block(embed, heads, n_ctx)])
        self.ln_f = nn.LayerNorm(embed)

    def forward(self, input_ids):
        T = input_ids.shape[1]
        x = self.wte(input_ids) + self.wpe(torch.arange(T))[None]
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.T


export("gpt2", Gpt2(), """
# A GPT-2 block under Hugging Face's GPT2Model names: c_attn (q, k and v in
# one projection) and c_proj are Conv1D layers, whose weights are stored
# [in, out] (fan_in_fan_out=true), as are the MLP's; learned positions;
# the LM head is tied to the token embedding.
model gpt2
weights "gpt2.safetensors"
input input_ids: i64[B, T]
x      = embedding(input_ids, name=wte)
xp     = pos_embedding(x, batch_first=true, name=wpe)
h1     = layer_norm(xp, name=h.0.ln_1)
a      = mha(h1, heads=4, causal=true, batch_first=true,
             weights_from=[c_attn, c_proj], fan_in_fan_out=true,
             name=h.0.attn)
x1     = add(xp, a)
h2     = layer_norm(x1, name=h.0.ln_2)
fc     = linear(h2, fan_in_fan_out=true, name=h.0.mlp.c_fc)
g      = gelu(fc, approximate=tanh)
p      = linear(g, fan_in_fan_out=true, name=h.0.mlp.c_proj)
x2     = add(x1, p)
hf     = layer_norm(x2, name=ln_f)
logits = linear(hf, bias=false, name=wte)
output logits
""", {"input_ids": torch.randint(0, 50, (2, 13))},
    lambda m, ids: {"logits": m(ids)})


# --- T5 (Hugging Face's T5Attention with relative position buckets) ---------
def t5_relative_position_bucket(relative_position, bidirectional, num_buckets,
                                max_distance):
    """Hugging Face T5Attention._relative_position_bucket, as written there."""
    relative_buckets = 0
    if bidirectional:
        num_buckets //= 2
        relative_buckets += (relative_position > 0).to(torch.long) * num_buckets
        relative_position = torch.abs(relative_position)
    else:
        relative_position = -torch.min(relative_position,
                                       torch.zeros_like(relative_position))
    max_exact = num_buckets // 2
    is_small = relative_position < max_exact
    relative_position_if_large = max_exact + (
        torch.log(relative_position.float() / max_exact)
        / math.log(max_distance / max_exact)
        * (num_buckets - max_exact)
    ).to(torch.long)
    relative_position_if_large = torch.min(
        relative_position_if_large,
        torch.full_like(relative_position_if_large, num_buckets - 1))
    relative_buckets += torch.where(is_small, relative_position,
                                    relative_position_if_large)
    return relative_buckets


class T5Attention(nn.Module):
    """T5Attention's forward without a cache: q, k, v, o without biases, no
    1/sqrt(d) scaling, the position bias from relative_attention_bias (only
    in the layers that have one; the others are handed the first's)."""

    BUCKETS, MAX_DISTANCE = 8, 10

    def __init__(self, d_model, heads, has_relative_attention_bias,
                 is_decoder):
        super().__init__()
        self.heads, self.is_decoder = heads, is_decoder
        self.q = nn.Linear(d_model, d_model, bias=False)
        self.k = nn.Linear(d_model, d_model, bias=False)
        self.v = nn.Linear(d_model, d_model, bias=False)
        self.o = nn.Linear(d_model, d_model, bias=False)
        if has_relative_attention_bias:
            self.relative_attention_bias = nn.Embedding(self.BUCKETS, heads)

    def compute_bias(self, query_length, key_length):
        context_position = torch.arange(query_length)[:, None]
        memory_position = torch.arange(key_length)[None, :]
        relative_position = memory_position - context_position
        bucket = t5_relative_position_bucket(
            relative_position, not self.is_decoder, self.BUCKETS,
            self.MAX_DISTANCE)
        values = self.relative_attention_bias(bucket)  # [q, k, heads]
        return values.permute([2, 0, 1]).unsqueeze(0)

    def forward(self, x, kv=None, position_bias=None, causal=False):
        B, L, E = x.shape
        kv = x if kv is None else kv
        S = kv.shape[1]

        def heads(t):
            return t.view(B, -1, self.heads, E // self.heads).transpose(1, 2)
        q, k, v = heads(self.q(x)), heads(self.k(kv)), heads(self.v(kv))
        scores = torch.matmul(q, k.transpose(3, 2))
        if position_bias is None:
            position_bias = (self.compute_bias(L, S)
                             if hasattr(self, "relative_attention_bias")
                             else torch.zeros(1, self.heads, L, S))
        bias = position_bias
        if causal:
            future = torch.ones(L, S, dtype=torch.bool).triu(1)
            bias = bias.masked_fill(future, torch.finfo(torch.float32).min)
        w = nn.functional.softmax(scores + bias, dim=-1)
        out = torch.matmul(w, v).transpose(1, 2).reshape(B, L, E)
        return self.o(out), position_bias


class T5LayerNorm(nn.Module):
    def __init__(self, d_model, eps=1e-6):
        super().__init__()
        self.weight = nn.Parameter(1 + 0.1 * torch.randn(d_model))
        self.eps = eps

    def forward(self, x):
        variance = x.pow(2).mean(-1, keepdim=True)
        return self.weight * (x * torch.rsqrt(variance + self.eps))


class T5Ff(nn.Module):
    def __init__(self, d_model, d_ff):
        super().__init__()
        self.layer_norm = T5LayerNorm(d_model)
        self.DenseReluDense = nn.Module()
        self.DenseReluDense.wi = nn.Linear(d_model, d_ff, bias=False)
        self.DenseReluDense.wo = nn.Linear(d_ff, d_model, bias=False)

    def forward(self, x):
        d = self.DenseReluDense
        return x + d.wo(torch.relu(d.wi(self.layer_norm(x))))


class T5Sub(nn.Module):
    """One attention sublayer: layer_norm, then SelfAttention or
    EncDecAttention, with the residual."""

    def __init__(self, d_model, heads, kind, has_bias, is_decoder):
        super().__init__()
        self.layer_norm = T5LayerNorm(d_model)
        setattr(self, kind, T5Attention(d_model, heads, has_bias, is_decoder))
        self.kind = kind


class T5(nn.Module):
    """A T5 encoder-decoder under Hugging Face's names: 2 encoder blocks
    (the second reuses the first's position bias, as T5Stack does) and 1
    decoder block (causal self-attention with its own buckets,
    unidirectional; cross-attention without a position bias), an untied
    lm_head (T5 v1.1). Small bucket settings (8 buckets, max_distance 10)
    so that the test's lengths reach the logarithmic and saturated
    buckets."""

    def __init__(self, vocab=40, d_model=16, heads=4, d_ff=32):
        super().__init__()
        self.shared = nn.Embedding(vocab, d_model)

        def block(is_decoder, first):
            b = nn.Module()
            b.layer = nn.ModuleList(
                [T5Sub(d_model, heads, "SelfAttention", first, is_decoder)] +
                ([T5Sub(d_model, heads, "EncDecAttention", False, True)]
                 if is_decoder else []) + [T5Ff(d_model, d_ff)])
            return b
        self.encoder = nn.Module()
        self.encoder.block = nn.ModuleList([block(False, True),
                                            block(False, False)])
        self.encoder.final_layer_norm = T5LayerNorm(d_model)
        self.decoder = nn.Module()
        self.decoder.block = nn.ModuleList([block(True, True)])
        self.decoder.final_layer_norm = T5LayerNorm(d_model)
        self.lm_head = nn.Linear(d_model, vocab, bias=False)

    def forward(self, input_ids, decoder_input_ids):
        x, bias = self.shared(input_ids), None
        for b in self.encoder.block:
            sub = b.layer[0]
            a, bias = sub.SelfAttention(sub.layer_norm(x), position_bias=bias)
            x = b.layer[1](x + a)
        memory = self.encoder.final_layer_norm(x)
        y = self.shared(decoder_input_ids)
        for b in self.decoder.block:
            sub = b.layer[0]
            a, _ = sub.SelfAttention(sub.layer_norm(y), causal=True)
            y = y + a
            sub = b.layer[1]
            a, _ = sub.EncDecAttention(sub.layer_norm(y), kv=memory)
            y = b.layer[2](y + a)
        return self.lm_head(self.decoder.final_layer_norm(y))


export("t5", T5(), """
# A T5 encoder-decoder under Hugging Face's names: relative position
# buckets (relative_attention_bias: the first block's, reused by the
# second; bidirectional in the encoder, causal and unidirectional in the
# decoder), no 1/sqrt(d) scaling (scale=1), RMS layer norms, ReLU FFNs.
model t5
weights "t5.safetensors"
input input_ids: i64[B, S]
input decoder_input_ids: i64[B, T]
x     = embedding(input_ids, name=shared)
e0n   = rms_norm(x, eps=1e-6, name=encoder.block.0.layer.0.layer_norm)
e0a   = mha(e0n, heads=4, batch_first=true, bias=false, scale=1,
            weights_from=[q, k, v, o],
            relative_attention_bias=encoder.block.0.layer.0.SelfAttention.relative_attention_bias,
            relative_attention_max_distance=10,
            name=encoder.block.0.layer.0.SelfAttention)
e0r   = add(x, e0a)
e0fn  = rms_norm(e0r, eps=1e-6, name=encoder.block.0.layer.1.layer_norm)
e0fi  = linear(e0fn, bias=false, name=encoder.block.0.layer.1.DenseReluDense.wi)
e0fr  = relu(e0fi)
e0fo  = linear(e0fr, bias=false, name=encoder.block.0.layer.1.DenseReluDense.wo)
e0    = add(e0r, e0fo)
e1n   = rms_norm(e0, eps=1e-6, name=encoder.block.1.layer.0.layer_norm)
e1a   = mha(e1n, heads=4, batch_first=true, bias=false, scale=1,
            weights_from=[q, k, v, o],
            relative_attention_bias=encoder.block.0.layer.0.SelfAttention.relative_attention_bias,
            relative_attention_max_distance=10,
            name=encoder.block.1.layer.0.SelfAttention)
e1r   = add(e0, e1a)
e1fn  = rms_norm(e1r, eps=1e-6, name=encoder.block.1.layer.1.layer_norm)
e1fi  = linear(e1fn, bias=false, name=encoder.block.1.layer.1.DenseReluDense.wi)
e1fr  = relu(e1fi)
e1fo  = linear(e1fr, bias=false, name=encoder.block.1.layer.1.DenseReluDense.wo)
e1    = add(e1r, e1fo)
mem   = rms_norm(e1, eps=1e-6, name=encoder.final_layer_norm)
y     = embedding(decoder_input_ids, name=shared)
d0n   = rms_norm(y, eps=1e-6, name=decoder.block.0.layer.0.layer_norm)
d0a   = mha(d0n, heads=4, batch_first=true, bias=false, scale=1, causal=true,
            weights_from=[q, k, v, o],
            relative_attention_bias=decoder.block.0.layer.0.SelfAttention.relative_attention_bias,
            relative_attention_max_distance=10,
            name=decoder.block.0.layer.0.SelfAttention)
d0r   = add(y, d0a)
d0cn  = rms_norm(d0r, eps=1e-6, name=decoder.block.0.layer.1.layer_norm)
d0c   = mha(d0cn, mem, heads=4, batch_first=true, bias=false, scale=1,
            weights_from=[q, k, v, o],
            name=decoder.block.0.layer.1.EncDecAttention)
d0cr  = add(d0r, d0c)
d0fn  = rms_norm(d0cr, eps=1e-6, name=decoder.block.0.layer.2.layer_norm)
d0fi  = linear(d0fn, bias=false, name=decoder.block.0.layer.2.DenseReluDense.wi)
d0fr  = relu(d0fi)
d0fo  = linear(d0fr, bias=false, name=decoder.block.0.layer.2.DenseReluDense.wo)
d0    = add(d0cr, d0fo)
dn    = rms_norm(d0, eps=1e-6, name=decoder.final_layer_norm)
logits = linear(dn, bias=false, name=lm_head)
output logits
""", {"input_ids": torch.randint(0, 40, (2, 13)),
      "decoder_input_ids": torch.randint(0, 40, (2, 12))},
    lambda m, ids, dec: {"logits": m(ids, dec)})


# --- sinusoidal positions (PyTorch's nn.Transformer tutorial) ----------------
class PositionalEncoding(nn.Module):
    """The PositionalEncoding of PyTorch's "Language Modeling with
    nn.Transformer" tutorial (its buffer kept out of the state_dict)."""

    def __init__(self, d_model, max_len=5000):
        super().__init__()
        position = torch.arange(max_len).unsqueeze(1)
        div_term = torch.exp(torch.arange(0, d_model, 2) *
                             (-math.log(10000.0) / d_model))
        pe = torch.zeros(max_len, 1, d_model)
        pe[:, 0, 0::2] = torch.sin(position * div_term)
        pe[:, 0, 1::2] = torch.cos(position * div_term)
        self.register_buffer("pe", pe, persistent=False)

    def forward(self, x):
        return x + self.pe[:x.size(0)]


class SinusoidalLm(nn.Module):
    """The tutorial's TransformerModel, cut to one causal pre-norm block:
    embedding * sqrt(d_model), sinusoidal positions, attention, decoder."""

    def __init__(self, vocab=30, d_model=16):
        super().__init__()
        self.d_model = d_model
        self.embedding = nn.Embedding(vocab, d_model)
        self.pos_encoder = PositionalEncoding(d_model)
        self.norm = nn.LayerNorm(d_model)
        self.attn = nn.MultiheadAttention(d_model, 2)
        self.linear = nn.Linear(d_model, vocab)

    def forward(self, src):
        L = src.shape[0]
        x = self.pos_encoder(self.embedding(src) * math.sqrt(self.d_model))
        mask = torch.ones(L, L, dtype=torch.bool).triu(1)
        h = self.norm(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return self.linear(x)


export("sinusoidal", SinusoidalLm(), """
# PyTorch's nn.Transformer tutorial model, cut to one causal block: token
# embedding scaled by sqrt(d_model), the sinusoidal positional encoding
# (pos_encoding: Vaswani et al. 2017; positions continue across a stream's
# chunks), pre-norm causal self-attention, linear decoder.
model sinusoidal
weights "sinusoidal.safetensors"
input src: i64[T, B]
e      = embedding(src, name=embedding)
es     = mul(e, value=4)                    # sqrt(d_model)
x      = pos_encoding(es)
h      = layer_norm(x, name=norm)
a      = mha(h, heads=2, causal=true, name=attn)
x1     = add(x, a)
logits = linear(x1, name=linear)
output logits
""", {"src": torch.randint(0, 30, (14, 2))}, lambda m, src: {"logits": m(src)})


# --- pointwise math: a hand-written RMSNorm and a feed-forward zoo ----------
class PointwiseFfn(nn.Module):
    def __init__(self):
        super().__init__()
        self.norm_weight = nn.Parameter(torch.rand(8) + 0.5)
        self.fc1 = nn.Linear(8, 12)
        self.fc2 = nn.Linear(12, 5)


def math_ops_forward(m, x):
    F = torch.nn.functional
    # LLaMA's RMSNorm as people write it by hand.
    n = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6) * m.norm_weight
    h = m.fc1(n)                                          # [B, T, 12]
    acts = torch.cat([
        F.mish(h), F.hardswish(h), F.softplus(h, beta=2, threshold=1),
        F.softplus(h), F.elu(h, alpha=0.5), F.leaky_relu(h, 0.2),
        F.hardsigmoid(h), F.softsign(h), torch.clamp(h, min=-1, max=1.5),
        torch.clamp(h, max=0), torch.maximum(F.mish(h), F.hardswish(h)),
        torch.minimum(F.elu(h, alpha=0.5), F.leaky_relu(h, 0.2)),
        torch.rsub(torch.sigmoid(h), 1)], -1)
    pos = h.abs() + 1                                     # >= 1
    unit = torch.tanh(h) * 0.9                            # in (-0.9, 0.9)
    math_ = torch.cat([
        torch.exp(-h.abs()), torch.expm1(unit), torch.log(pos),
        torch.log1p(h.abs()), torch.sqrt(pos), torch.reciprocal(pos),
        torch.sin(h), torch.cos(h), torch.tan(unit), torch.asin(unit),
        torch.acos(unit), torch.atan(h), torch.sinh(unit), torch.cosh(unit),
        torch.asinh(h), torch.acosh(pos), torch.atanh(unit), torch.erf(h),
        torch.floor(h * 4), torch.ceil(h * 4), torch.round(h * 4),
        torch.sign(h), torch.neg(h), h.pow(3), pos.pow(0.5)], -1)
    return {"y": m.fc2(F.mish(h)), "acts": acts, "math": math_}


export("math_ops", PointwiseFfn(), """
# Pointwise math as PyTorch names it: a hand-written RMSNorm (pow, mean,
# rsqrt), a feed-forward layer with Mish, and every activation and unary
# function of the language with PyTorch's keywords (softplus beta and
# threshold, elu alpha, leaky_relu negative_slope, clamp min / max, pow
# exponent, rsub value); a nested call.
model math_ops
weights "math_ops.safetensors"
input x: f32[B, T, 8]
sq    = pow(x, exponent=2)
ms    = mean(sq, dim=-1, keepdim=true)
mse   = add(ms, value=1e-6)
inv   = rsqrt(mse)
g     = parameter(name=norm_weight)
n     = mul(x, inv, g)
h     = linear(n, name=fc1)
mish_h = mish(h)
y     = linear(mish_h, name=fc2)
hsw   = hardswish(h)
sp2   = softplus(h, beta=2, threshold=1)
sp    = softplus(h)
el    = elu(h, alpha=0.5)
lr    = leaky_relu(h, negative_slope=0.2)
hsg   = hardsigmoid(h)
ssn   = softsign(h)
cl    = clamp(h, min=-1, max=1.5)
neg_part = clamp(h, max=0)
mx    = maximum(mish_h, hsw)
mn    = minimum(el, lr)
gate  = sigmoid(h)
keep  = rsub(gate, value=1)                 # 1 - gate
acts  = concat(mish_h, hsw, sp2, sp, el, lr, hsg, ssn, cl, neg_part, mx, mn, keep)
a     = abs(h)
pos   = add(a, value=1)
th    = tanh(h)
unit  = mul(th, value=0.9)
m0    = exp(neg(a))                            # calls nest
m1    = expm1(unit)
m2    = log(pos)
m3    = log1p(a)
m4    = sqrt(pos)
m5    = reciprocal(pos)
m6    = sin(h)
m7    = cos(h)
m8    = tan(unit)
m9    = asin(unit)
m10   = acos(unit)
m11   = atan(h)
m12   = sinh(unit)
m13   = cosh(unit)
m14   = asinh(h)
m15   = acosh(pos)
m16   = atanh(unit)
m17   = erf(h)
h4    = mul(h, value=4)
m18   = floor(h4)
m19   = ceil(h4)
m20   = round(h4)
m21   = sign(h)
m22   = neg(h)
m23   = pow(h, exponent=3)
m24   = pow(pos, exponent=0.5)
math  = concat(m0, m1, m2, m3, m4, m5, m6, m7, m8, m9, m10, m11, m12, m13, m14, m15, m16, m17, m18, m19, m20, m21, m22, m23, m24)
output y, acts, math
""", {"x": torch.randn(2, 9, 8)}, math_ops_forward)


# --- GPT-NeoX / Pythia: per-head fused qkv, partial rotary, parallel residual -
class GptNeoXAttention(nn.Module):
    """Hugging Face GPTNeoXAttention's forward (eager): query_key_value
    viewed [B, T, heads, 3 * head_size] (each head's q, k, v together),
    rotary embeddings on the first rotary_ndims = rotary_pct * head_size
    features of q and k (rotate_half layout), causal softmax, dense."""

    def __init__(self, hidden, heads, rotary_pct, base=10000):
        super().__init__()
        self.heads, self.head_size = heads, hidden // heads
        self.rotary_ndims = int(self.head_size * rotary_pct)
        self.base = base
        self.query_key_value = nn.Linear(hidden, 3 * hidden)
        self.dense = nn.Linear(hidden, hidden)

    def forward(self, x):
        B, T, E = x.shape
        qkv = self.query_key_value(x).view(B, T, self.heads,
                                           3 * self.head_size)
        d, r = self.head_size, self.rotary_ndims
        q = qkv[..., :d].permute(0, 2, 1, 3)
        k = qkv[..., d:2 * d].permute(0, 2, 1, 3)
        v = qkv[..., 2 * d:].permute(0, 2, 1, 3)
        inv_freq = 1.0 / (self.base ** (torch.arange(0, r, 2).float() / r))
        freqs = torch.outer(torch.arange(T).float(), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()

        def rotate_half(t):
            return torch.cat((-t[..., r // 2:], t[..., :r // 2]), dim=-1)

        def rope(t):
            rot, rest = t[..., :r], t[..., r:]
            return torch.cat((rot * cos + rotate_half(rot) * sin, rest), -1)

        q, k = rope(q), rope(k)
        scores = q @ k.transpose(-1, -2) / math.sqrt(d)
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
        scores = scores.masked_fill(causal, torch.finfo(scores.dtype).min)
        out = scores.softmax(-1) @ v
        return self.dense(out.permute(0, 2, 1, 3).reshape(B, T, E))


class GptNeoXLayer(nn.Module):
    def __init__(self, hidden, heads, rotary_pct):
        super().__init__()
        self.input_layernorm = nn.LayerNorm(hidden)
        self.post_attention_layernorm = nn.LayerNorm(hidden)
        self.attention = GptNeoXAttention(hidden, heads, rotary_pct)
        self.mlp = nn.Module()
        self.mlp.dense_h_to_4h = nn.Linear(hidden, 4 * hidden)
        self.mlp.dense_4h_to_h = nn.Linear(4 * hidden, hidden)

    def forward(self, x):
        # use_parallel_residual=True (Pythia): both branches read x.
        a = self.attention(self.input_layernorm(x))
        n = self.post_attention_layernorm(x)
        m = self.mlp.dense_4h_to_h(nn.functional.gelu(
            self.mlp.dense_h_to_4h(n)))
        return m + a + x


class GptNeoX(nn.Module):
    """GPTNeoXForCausalLM's names: gpt_neox.embed_in, gpt_neox.layers.N,
    gpt_neox.final_layer_norm and an untied embed_out."""

    def __init__(self, vocab=40, hidden=48, heads=4, rotary_pct=0.5):
        super().__init__()
        self.gpt_neox = nn.Module()
        self.gpt_neox.embed_in = nn.Embedding(vocab, hidden)
        self.gpt_neox.layers = nn.ModuleList(
            [GptNeoXLayer(hidden, heads, rotary_pct)])
        self.gpt_neox.final_layer_norm = nn.LayerNorm(hidden)
        self.embed_out = nn.Linear(hidden, vocab, bias=False)

    def forward(self, input_ids):
        x = self.gpt_neox.embed_in(input_ids)
        for layer in self.gpt_neox.layers:
            x = layer(x)
        return self.embed_out(self.gpt_neox.final_layer_norm(x))


export("gpt_neox", GptNeoX(), """
# A Pythia / GPT-NeoX layer under Hugging Face's GPTNeoXForCausalLM names:
# query_key_value holds each head's query, key and value rows together
# (qkv_layout=per_head), rotary embeddings turn only the first half of each
# head's 12 features (rotary_pct 0.5: rotary_dim=6), and attention and MLP
# both read the layer's input (parallel residual).
model gpt_neox
weights "gpt_neox.safetensors"
input input_ids: i64[B, T]
x      = embedding(input_ids, name=gpt_neox.embed_in)
n1     = layer_norm(x, name=gpt_neox.layers.0.input_layernorm)
a      = mha(n1, heads=4, causal=true, batch_first=true, rope=true,
             rotary_dim=6, weights_from=[query_key_value, dense],
             qkv_layout=per_head, name=gpt_neox.layers.0.attention)
n2     = layer_norm(x, name=gpt_neox.layers.0.post_attention_layernorm)
up     = linear(n2, name=gpt_neox.layers.0.mlp.dense_h_to_4h)
act    = gelu(up)
down   = linear(act, name=gpt_neox.layers.0.mlp.dense_4h_to_h)
h      = add(x, a)
y      = add(h, down)
nf     = layer_norm(y, name=gpt_neox.final_layer_norm)
logits = linear(nf, bias=false, name=embed_out)
output logits
""", {"input_ids": torch.randint(0, 40, (2, 13))},
    lambda m, ids: {"logits": m(ids)})


# --- GPT-J: rotate_every_two rotary on part of each head, parallel block ----
class GptJAttention(nn.Module):
    """Hugging Face GPTJAttention's forward (eager): q_proj, k_proj, v_proj
    and out_proj without biases, rotary embeddings on the first rotary_dim
    features of each head with adjacent features paired
    (rotate_every_two, sin/cos repeat_interleave'd), causal softmax."""

    def __init__(self, hidden, heads, rotary_dim):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.rotary_dim = rotary_dim
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            setattr(self, n, nn.Linear(hidden, hidden, bias=False))

    def forward(self, x):
        B, T, E = x.shape
        split = lambda t: t.view(B, T, self.heads, self.head_dim)
        q, k = split(self.q_proj(x)), split(self.k_proj(x))
        v = split(self.v_proj(x)).permute(0, 2, 1, 3)
        r = self.rotary_dim
        # create_sinusoidal_positions: [T, r] = cat(sin, cos) of p * f.
        inv_freq = 1.0 / (10000 ** (torch.arange(0, r, 2).float() / r))
        angles = torch.einsum("i,j->ij", torch.arange(T).float(), inv_freq)
        sin = torch.repeat_interleave(angles.sin()[None, :, None, :], 2, 3)
        cos = torch.repeat_interleave(angles.cos()[None, :, None, :], 2, 3)

        def rotate_every_two(t):
            pairs = torch.stack((-t[..., 1::2], t[..., ::2]), dim=-1)
            return pairs.flatten(-2)

        def rope(t):
            rot, rest = t[..., :r], t[..., r:]
            return torch.cat((rot * cos + rotate_every_two(rot) * sin, rest),
                             -1)

        q, k = rope(q).permute(0, 2, 1, 3), rope(k).permute(0, 2, 1, 3)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
        scores = scores.masked_fill(causal, torch.finfo(scores.dtype).min)
        out = scores.softmax(-1) @ v
        return self.out_proj(out.permute(0, 2, 1, 3).reshape(B, T, E))


class GptJBlock(nn.Module):
    def __init__(self, hidden, heads, rotary_dim):
        super().__init__()
        self.ln_1 = nn.LayerNorm(hidden)
        self.attn = GptJAttention(hidden, heads, rotary_dim)
        self.mlp = nn.Module()
        self.mlp.fc_in = nn.Linear(hidden, 4 * hidden)
        self.mlp.fc_out = nn.Linear(4 * hidden, hidden)

    def forward(self, x):
        # One layer norm feeds both attention and the MLP (gelu_new).
        h = self.ln_1(x)
        m = self.mlp.fc_out(nn.functional.gelu(self.mlp.fc_in(h),
                                               approximate="tanh"))
        return self.attn(h) + m + x


class GptJ(nn.Module):
    """GPTJForCausalLM's names: transformer.wte, transformer.h.N,
    transformer.ln_f and lm_head (with a bias)."""

    def __init__(self, vocab=40, hidden=48, heads=4, rotary_dim=8):
        super().__init__()
        self.transformer = nn.Module()
        self.transformer.wte = nn.Embedding(vocab, hidden)
        self.transformer.h = nn.ModuleList(
            [GptJBlock(hidden, heads, rotary_dim)])
        self.transformer.ln_f = nn.LayerNorm(hidden)
        self.lm_head = nn.Linear(hidden, vocab)

    def forward(self, input_ids):
        x = self.transformer.wte(input_ids)
        for block in self.transformer.h:
            x = block(x)
        return self.lm_head(self.transformer.ln_f(x))


export("gpt_j", GptJ(), """
# A GPT-J layer under Hugging Face's GPTJForCausalLM names: separate
# q_proj / k_proj / v_proj / out_proj without biases, rotary embeddings on
# the first 8 of each head's 12 features with adjacent features paired
# (rope_layout=rotate_every_two), one layer norm feeding attention and the
# MLP (gelu_new), whose outputs add to the input.
model gpt_j
weights "gpt_j.safetensors"
input input_ids: i64[B, T]
x      = embedding(input_ids, name=transformer.wte)
h      = layer_norm(x, name=transformer.h.0.ln_1)
a      = mha(h, heads=4, causal=true, batch_first=true, bias=false,
             rope=true, rotary_dim=8, rope_layout=rotate_every_two,
             weights_from=[q_proj, k_proj, v_proj, out_proj],
             name=transformer.h.0.attn)
up     = linear(h, name=transformer.h.0.mlp.fc_in)
act    = gelu(up, approximate=tanh)
m      = linear(act, name=transformer.h.0.mlp.fc_out)
y      = add(a, m, x)
nf     = layer_norm(y, name=transformer.ln_f)
logits = linear(nf, name=lm_head)
output logits
""", {"input_ids": torch.randint(0, 40, (2, 13))},
    lambda m, ids: {"logits": m(ids)})


# --- Falcon (new_decoder_architecture): grouped fused qkv, two layer norms --
class FalconAttention(nn.Module):
    """Hugging Face FalconAttention's forward with new_decoder_architecture
    (Falcon-40B/180B): query_key_value viewed [B, T, kv_heads, heads /
    kv_heads + 2, D] (each key/value head's query heads, then its key and
    value), keys and values broadcast to their query heads, rotary
    embeddings (rotate_half) on whole heads, causal, no biases."""

    def __init__(self, hidden, heads, kv_heads):
        super().__init__()
        self.heads, self.kv_heads = heads, kv_heads
        self.head_dim = hidden // heads
        self.query_key_value = nn.Linear(
            hidden, (heads + 2 * kv_heads) * self.head_dim, bias=False)
        self.dense = nn.Linear(hidden, hidden, bias=False)

    def forward(self, x):
        B, T, E = x.shape
        d = self.head_dim
        qkv = self.query_key_value(x).view(
            B, T, self.kv_heads, self.heads // self.kv_heads + 2, d)
        q = qkv[:, :, :, :-2]
        k = torch.broadcast_to(qkv[:, :, :, [-2]], q.shape)
        v = torch.broadcast_to(qkv[:, :, :, [-1]], q.shape)
        q, k, v = [t.flatten(2, 3).permute(0, 2, 1, 3) for t in (q, k, v)]
        inv_freq = 1.0 / (10000 ** (torch.arange(0, d, 2).float() / d))
        freqs = torch.outer(torch.arange(T).float(), inv_freq)
        emb = torch.cat((freqs, freqs), dim=-1)
        cos, sin = emb.cos(), emb.sin()

        def rope(t):
            half = torch.cat((-t[..., d // 2:], t[..., :d // 2]), -1)
            return t * cos + half * sin

        scores = rope(q) @ rope(k).transpose(-1, -2) / math.sqrt(d)
        causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
        scores = scores.masked_fill(causal, torch.finfo(scores.dtype).min)
        out = scores.softmax(-1) @ v
        return self.dense(out.permute(0, 2, 1, 3).reshape(B, T, E))


class FalconLayer(nn.Module):
    def __init__(self, hidden, heads, kv_heads):
        super().__init__()
        self.ln_attn = nn.LayerNorm(hidden)
        self.ln_mlp = nn.LayerNorm(hidden)
        self.self_attention = FalconAttention(hidden, heads, kv_heads)
        self.mlp = nn.Module()
        self.mlp.dense_h_to_4h = nn.Linear(hidden, 4 * hidden, bias=False)
        self.mlp.dense_4h_to_h = nn.Linear(4 * hidden, hidden, bias=False)

    def forward(self, x):
        a = self.self_attention(self.ln_attn(x))
        m = self.mlp.dense_4h_to_h(nn.functional.gelu(
            self.mlp.dense_h_to_4h(self.ln_mlp(x))))
        return m + a + x


class Falcon(nn.Module):
    """FalconForCausalLM's names: transformer.word_embeddings,
    transformer.h.N, transformer.ln_f, lm_head (no bias)."""

    def __init__(self, vocab=40, hidden=48, heads=4, kv_heads=2):
        super().__init__()
        self.transformer = nn.Module()
        self.transformer.word_embeddings = nn.Embedding(vocab, hidden)
        self.transformer.h = nn.ModuleList(
            [FalconLayer(hidden, heads, kv_heads)])
        self.transformer.ln_f = nn.LayerNorm(hidden)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)

    def forward(self, input_ids):
        x = self.transformer.word_embeddings(input_ids)
        for layer in self.transformer.h:
            x = layer(x)
        return self.lm_head(self.transformer.ln_f(x))


export("falcon", Falcon(), """
# A Falcon-40B-style layer (new_decoder_architecture) under Hugging Face's
# FalconForCausalLM names: query_key_value holds, for each of the 2
# key/value heads, its 2 query heads' rows, then its key's and value's
# (qkv_layout=per_head with kv_heads=2), rotary embeddings on whole heads,
# separate layer norms for attention and the MLP, no biases.
model falcon
weights "falcon.safetensors"
input input_ids: i64[B, T]
x      = embedding(input_ids, name=transformer.word_embeddings)
na     = layer_norm(x, name=transformer.h.0.ln_attn)
a      = mha(na, heads=4, kv_heads=2, causal=true, batch_first=true,
             bias=false, rope=true, qkv_layout=per_head,
             weights_from=[query_key_value, dense],
             name=transformer.h.0.self_attention)
nm     = layer_norm(x, name=transformer.h.0.ln_mlp)
up     = linear(nm, bias=false, name=transformer.h.0.mlp.dense_h_to_4h)
m      = linear(gelu(up), bias=false, name=transformer.h.0.mlp.dense_4h_to_h)
y      = add(m, a, x)
nf     = layer_norm(y, name=transformer.ln_f)
logits = linear(nf, bias=false, name=lm_head)
output logits
""", {"input_ids": torch.randint(0, 40, (2, 13))},
    lambda m, ids: {"logits": m(ids)})


# --- attention spelled out with value ops (raised to seq.attention) ---------
class SpelledAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.q_proj = nn.Linear(16, 16)
        self.k_proj = nn.Linear(16, 16)
        self.v_proj = nn.Linear(16, 16)
        self.out_proj = nn.Linear(16, 16)


def spelled_attention_forward(m, x, lens, bias):
    B, T, _ = x.shape

    def heads(t):
        return t.reshape(B, T, 4, 4).permute(0, 2, 1, 3)

    q, k, v = heads(m.q_proj(x)), heads(m.k_proj(x)), heads(m.v_proj(x))
    s = (q @ k.transpose(2, 3)) * 0.5
    valid = torch.arange(T)[None, :] < lens[:, None]
    pad = (~valid).reshape(B, 1, 1, T)
    p = s.masked_fill(pad, float("-inf")).softmax(-1)
    o = (p @ v).permute(0, 2, 1, 3).reshape(B, T, 16)
    # An additive [T, T] bias, q scaled before the product.
    p2 = ((q / 4) @ k.transpose(2, 3) + bias).softmax(-1)
    o2 = (p2 @ v).permute(0, 2, 1, 3).reshape(B, T, 16)
    y = m.out_proj(o)
    # GELU written out, exact and Hugging Face's gelu_new (tanh).
    g = y * 0.5 * (1 + torch.erf(y / math.sqrt(2.0)))
    g2 = 0.5 * o2 * (1 + torch.tanh(math.sqrt(2 / math.pi) *
                                    (o2 + 0.044715 * torch.pow(o2, 3))))
    return {"y": y, "y2": o2, "g": g, "g2": g2}


export("spelled_attention", SpelledAttention(), """
# Multi-head attention written out with value ops rather than mha: the
# products, the scale, a key-padding mask (masked_fill with -inf) and an
# additive bias; then GELU written out, exact (erf) and Hugging Face's
# gelu_new (tanh). seqc raises each attention to one seq.attention (no
# [B, H, T, T] scores in memory) and each GELU to one seq.activation.
model spelled_attention
weights "spelled_attention.safetensors"
input x: f32[B, T, 16]
input lens: i64[B]
input bias: f32[T, T]
q   = permute(reshape(linear(x, out=16, name=q_proj), shape=[B, T, 4, 4]), dims=[0, 2, 1, 3])
k   = permute(reshape(linear(x, out=16, name=k_proj), shape=[B, T, 4, 4]), dims=[0, 2, 1, 3])
v   = permute(reshape(linear(x, out=16, name=v_proj), shape=[B, T, 4, 4]), dims=[0, 2, 1, 3])
s   = mul(matmul(q, transpose(k, dim0=2, dim1=3)), value=0.5)
valid = sequence_mask(lens, x, dim=1)            # [B, T]
pad = reshape(logical_not(valid), shape=[B, 1, 1, T])
p   = softmax(masked_fill(s, pad, value=-inf))
o   = reshape(permute(matmul(p, v), dims=[0, 2, 1, 3]), shape=[B, T, 16])
y   = linear(o, out=16, name=out_proj)
qs  = div(q, value=4)
p2  = softmax(add(matmul(qs, transpose(k, dim0=2, dim1=3)), bias))
y2  = reshape(permute(matmul(p2, v), dims=[0, 2, 1, 3]), shape=[B, T, 16])
g   = mul(mul(y, value=0.5), add(erf(div(y, value=1.4142135623730951)), value=1))
cube = pow(y2, exponent=3)
w   = mul(add(y2, mul(cube, value=0.044715)), value=0.7978845608028654)
g2  = mul(mul(y2, add(tanh(w), value=1)), value=0.5)
output y, y2, g, g2
""", {"x": torch.randn(3, 7, 16), "lens": torch.tensor([7, 4, 1]),
      "bias": torch.randn(7, 7)},
    spelled_attention_forward)
