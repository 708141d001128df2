#!/usr/bin/env python3
"""The second group make_models.py builds, in its order: sliding-window
attention, the causal linear transformer, a CTC head, the cross-attention
decoder, LLaMA, BERT attention, the value ops, scan blocks and ALiBi.
Importing it builds and exports them.
"""

import math

import torch
import torch.nn as nn

from export_model import export


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
