#!/usr/bin/env python3
"""The last group make_models.py builds, in its order: the Hugging Face
transformer families (GPT-2, T5, GPT-NeoX, GPT-J, Falcon), the tutorial's
sinusoidal language model, the math ops, spelled-out attention and, last,
GPT-BigCode (multi-query attention).
Importing it builds and exports them.
"""

import math

import torch
import torch.nn as nn

from export_model import export


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


# --- GPT-BigCode (SantaCoder / StarCoder): multi-query attention ------------
class GPTBigCodeAttention(nn.Module):
    """Hugging Face GPTBigCodeAttention with multi_query=True: c_attn gives
    the query (heads * D) then one key and one value head (D each), which
    every query head reads; causal (the bool `bias` buffer, masked with
    finfo.min), biases on both projections."""

    def __init__(self, hidden, heads):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.c_attn = nn.Linear(hidden, hidden + 2 * self.head_dim)
        self.c_proj = nn.Linear(hidden, hidden)

    def forward(self, x):
        B, T, E = x.shape
        d = self.head_dim
        query, key, value = self.c_attn(x).split((E, d, d), dim=2)
        q = query.view(B, T, self.heads, d).transpose(1, 2)   # [B, H, T, D]
        k, v = key.unsqueeze(1), value.unsqueeze(1)           # [B, 1, T, D]
        scores = q @ k.transpose(-1, -2) / math.sqrt(d)
        causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
        scores = torch.where(causal, scores,
                             torch.tensor(torch.finfo(scores.dtype).min))
        out = scores.softmax(-1) @ v
        return self.c_proj(out.transpose(1, 2).reshape(B, T, E))


class GPTBigCode(nn.Module):
    """GPTBigCodeForCausalLM's names: transformer.wte / wpe (learned
    positions), transformer.h.N.{ln_1, attn, ln_2, mlp.c_fc, mlp.c_proj},
    transformer.ln_f, lm_head (no bias). nn.Linear layers ([out, in]
    weights), unlike GPT-2's Conv1D."""

    def __init__(self, vocab=40, hidden=32, heads=4, positions=32):
        super().__init__()
        self.transformer = nn.Module()
        self.transformer.wte = nn.Embedding(vocab, hidden)
        self.transformer.wpe = nn.Embedding(positions, hidden)
        layer = nn.Module()
        layer.ln_1 = nn.LayerNorm(hidden)
        layer.attn = GPTBigCodeAttention(hidden, heads)
        layer.ln_2 = nn.LayerNorm(hidden)
        layer.mlp = nn.Module()
        layer.mlp.c_fc = nn.Linear(hidden, 4 * hidden)
        layer.mlp.c_proj = nn.Linear(4 * hidden, hidden)
        self.transformer.h = nn.ModuleList([layer])
        self.transformer.ln_f = nn.LayerNorm(hidden)
        self.lm_head = nn.Linear(hidden, vocab, bias=False)

    def forward(self, input_ids):
        T = input_ids.shape[1]
        x = self.transformer.wte(input_ids) + self.transformer.wpe(
            torch.arange(T))
        for layer in self.transformer.h:
            x = x + layer.attn(layer.ln_1(x))
            up = nn.functional.gelu(layer.mlp.c_fc(layer.ln_2(x)),
                                    approximate="tanh")
            x = x + layer.mlp.c_proj(up)
        return self.lm_head(self.transformer.ln_f(x))


export("gpt_bigcode", GPTBigCode(), """
# A GPT-BigCode (SantaCoder / StarCoder) layer under Hugging Face's
# GPTBigCodeForCausalLM names: multi-query attention, c_attn holding the 4
# query heads' rows, then the one key head's and the one value head's
# (kv_heads=1), learned positions, nn.Linear weights.
model gpt_bigcode
weights "gpt_bigcode.safetensors"
input input_ids: i64[B, T]
x      = embedding(input_ids, name=transformer.wte)
xp     = pos_embedding(x, batch_first=true, name=transformer.wpe)
h1     = layer_norm(xp, name=transformer.h.0.ln_1)
a      = mha(h1, heads=4, kv_heads=1, causal=true, batch_first=true,
             weights_from=[c_attn, c_proj], name=transformer.h.0.attn)
x1     = add(xp, a)
h2     = layer_norm(x1, name=transformer.h.0.ln_2)
fc     = linear(h2, name=transformer.h.0.mlp.c_fc)
p      = linear(gelu(fc, approximate=tanh), name=transformer.h.0.mlp.c_proj)
x2     = add(x1, p)
hf     = layer_norm(x2, name=transformer.ln_f)
logits = linear(hf, bias=false, name=lm_head)
output logits
""", {"input_ids": torch.randint(0, 40, (2, 13))},
    lambda m, ids: {"logits": m(ids)})


# --- minGPT / ViT learned positions: an nn.Parameter, not an nn.Embedding ---
class ParameterPositions(nn.Module):
    def __init__(self, block_size=16, hidden=8):
        super().__init__()
        # minGPT's `self.pos_emb = nn.Parameter(torch.zeros(1, block_size,
        # n_embd))` (random here, so the check sees every row).
        self.pos_emb = nn.Parameter(torch.randn(1, block_size, hidden))
        self.head = nn.Linear(hidden, 4)

    def forward(self, x):
        T = x.shape[1]
        return self.head(x + self.pos_emb[:, :T, :])


export("param_pos", ParameterPositions(), """
# Learned positions kept as an nn.Parameter [1, block_size, E] (minGPT's
# and ViT's pos_emb, added as x + pos_emb[:, :T]): pos_embedding reads the
# tensor pos_emb itself when the file has no pos_emb.weight.
model param_pos
weights "param_pos.safetensors"
input x: f32[B, T, 8]
h = pos_embedding(x, batch_first=true, name=pos_emb)
y = linear(h, out=4, name=head)
output y
""", {"x": torch.randn(3, 11, 8)}, lambda m, x: {"y": m(x)})


# --- learned scalars: 0-d nn.Parameters (ReZero's alpha, CLIP's logit_scale) --
class LearnedScalars(nn.Module):
    def __init__(self, hidden=8):
        super().__init__()
        self.fc = nn.Linear(hidden, hidden)
        # ReZero (Bachlechner et al. 2020) starts alpha at 0; CLIP's
        # logit_scale at log(1 / 0.07). Nonzero here so both matter.
        self.alpha = nn.Parameter(torch.tensor(0.3))
        self.logit_scale = nn.Parameter(torch.tensor(2.6593))

    def forward(self, x):
        h = x + self.alpha * torch.relu(self.fc(x))
        scale = self.logit_scale.exp()
        return {"y": h * scale, "scale": scale}


export("learned_scalars", LearnedScalars(), """
# 0-d learned scalars broadcast as in torch: a ReZero residual x + alpha *
# f(x) and CLIP's logit_scale.exp(), which is also an output of its own.
model learned_scalars
weights "learned_scalars.safetensors"
input x: f32[B, T, 8]
alpha = parameter(name=alpha)
s     = parameter(name=logit_scale)
h     = add(x, mul(alpha, relu(linear(x, name=fc))))
scale = exp(s)
y     = mul(h, scale)
output y, scale
""", {"x": torch.randn(2, 5, 8)}, LearnedScalars.forward)


# --- a seq2seq decoder layer that streams: cross-attention to memory --------
class Seq2SeqDecoder(nn.Module):
    def __init__(self):
        super().__init__()
        # A pre-norm, batch-first nn.TransformerDecoderLayer (as in
        # Whisper's and BART-style decoders, one layer).
        self.layer = nn.TransformerDecoderLayer(16, 4, dim_feedforward=32,
                                                dropout=0.0, batch_first=True,
                                                norm_first=True)
        self.head = nn.Linear(16, 5)


def seq2seq_forward(m, tgt, memory, mem_len):
    T, S = tgt.shape[1], memory.shape[1]
    causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
    pad = torch.arange(S)[None, :] >= mem_len[:, None]   # [B, S]: padding
    x = m.layer(tgt, memory, tgt_mask=causal, memory_key_padding_mask=pad)
    return {"y": m.head(x)}


export("seq2seq", Seq2SeqDecoder(), """
# A decoder layer of an encoder-decoder model (pre-norm, batch-first
# nn.TransformerDecoderLayer): causal self-attention, then cross-attention
# to the encoder's `memory`, whose padded steps a key_padding_mask built
# from lengths hides. It streams along T: the self-attention keeps a
# key/value cache, and every chunk reads all of memory (given whole; its
# key and value projections are computed by the first chunk and kept).
model seq2seq
weights "seq2seq.safetensors"
input tgt: f32[B, T, 16]
input memory: f32[B, S, 16]
input mem_len: i64[B]
pad = logical_not(sequence_mask(mem_len, memory, dim=1))   # [B, S]
n1  = layer_norm(tgt, name=layer.norm1)
sa  = mha(n1, heads=4, causal=true, batch_first=true, name=layer.self_attn)
x1  = add(tgt, sa)
n2  = layer_norm(x1, name=layer.norm2)
ca  = mha(n2, memory, heads=4, batch_first=true, key_padding_mask=pad,
          name=layer.multihead_attn)
x2  = add(x1, ca)
n3  = layer_norm(x2, name=layer.norm3)
f   = linear(relu(linear(n3, name=layer.linear1)), name=layer.linear2)
x3  = add(x2, f)
y   = linear(x3, out=5, name=head)
output y
""", {"tgt": torch.randn(3, 11, 16), "memory": torch.randn(3, 6, 16),
      "mem_len": torch.tensor([6, 2, 4])}, seq2seq_forward)
