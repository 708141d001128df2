"""Deep stacks of identical layers, which seqc compiles as one function
called per layer (seqc-outline-repeated-layers)."""
import math

import torch
from torch import nn


class EncoderStackBatchOne(nn.Module):
    """An 8-layer post-norm nn.TransformerEncoder exported for batch 1 with
    a dynamic sequence length, as latency-bound deployments export it
    (x [1, T, 8]). Each layer gets weights of its own. Before: the size
    proofs of layers 5 to 8 walked the chain of every layer before them,
    ran out of budget and kept run-time checks in their attention tiles
    that layers 1 to 4 did not, so the stack became two functions (a dynamic
    batch, as deep_encoder's, hid it)."""

    def __init__(self):
        super().__init__()
        self.layers = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0,
                                       batch_first=True), 8,
            enable_nested_tensor=False)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn_like(p) * 0.3)

    def forward(self, x):
        with torch.enable_grad():
            return self.layers(x)


class CausalDecoderStack(nn.Module):
    """A 3-layer pre-norm nn.TransformerEncoder under the additive causal
    mask built at run time (`full(-inf).triu(1)`), exported for batch 1
    with a dynamic T: a GPT-style decoder stack. Its step function keeps a
    key/value cache per layer, updated in place; the layers become one
    function there too (the cache is written through the call's argument,
    not copied), as in the whole-sequence function. Streamed in chunks of
    1 and 2 steps by run_models.py against PyTorch's whole-sequence run."""

    def __init__(self):
        super().__init__()
        self.layers = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0,
                                       batch_first=True, norm_first=True),
            3, enable_nested_tensor=False)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn_like(p) * 0.3)

    def forward(self, x):
        t = x.shape[1]
        mask = torch.full((t, t), float("-inf")).triu(1)
        with torch.enable_grad():
            return self.layers(x, mask=mask)


class Gpt2Stack(nn.Module):
    """A 3-layer GPT-2 as Hugging Face transformers 4.30 writes it (Conv1D
    projections, a tril buffer sliced and applied with torch.where(...,
    finfo.min), gelu_new), exported without a key/value cache. The copies
    of its repeated layer begin inside one layer, so a copy hands the next
    its empty buffer for the residual sum beside the sum written into it:
    the outlined layer function returned both, bufferization took them for
    two buffers, and the next layer's fill overwrote its own input (logits
    off by 10 on a scale of 10; a user's 6-layer model by 36)."""

    def __init__(self, vocab=11, e=16, heads=2, layers=3, positions=32):
        super().__init__()
        self.heads, self.e = heads, e
        self.wte = nn.Embedding(vocab, e)
        self.wpe = nn.Embedding(positions, e)
        self.blocks = nn.ModuleList([_Gpt2Block(e, heads, positions)
                                     for _ in range(layers)])
        self.ln_f = nn.LayerNorm(e)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn_like(p) * 0.3)

    def forward(self, ids):
        positions = torch.arange(ids.size(1)).unsqueeze(0)
        h = self.wte(ids) + self.wpe(positions)
        for block in self.blocks:
            h = block(h)
        return torch.matmul(self.ln_f(h), self.wte.weight.t())


class _Conv1D(nn.Module):
    """Hugging Face's Conv1D: a linear layer with the weight [in, out]."""

    def __init__(self, nf, nx):
        super().__init__()
        self.nf = nf
        self.weight = nn.Parameter(torch.empty(nx, nf))
        self.bias = nn.Parameter(torch.empty(nf))

    def forward(self, x):
        size_out = x.size()[:-1] + (self.nf,)
        x = torch.addmm(self.bias, x.view(-1, x.size(-1)), self.weight)
        return x.view(size_out)


class _Gpt2Block(nn.Module):
    def __init__(self, e, heads, positions):
        super().__init__()
        self.heads, self.d = heads, e // heads
        self.ln_1, self.ln_2 = nn.LayerNorm(e), nn.LayerNorm(e)
        self.c_attn, self.c_proj = _Conv1D(3 * e, e), _Conv1D(e, e)
        self.c_fc, self.mlp_proj = _Conv1D(4 * e, e), _Conv1D(e, 4 * e)
        self.register_buffer("bias", torch.tril(torch.ones(
            positions, positions, dtype=torch.bool)).view(
                1, 1, positions, positions), persistent=False)

    def split(self, t):
        return t.view(t.size()[:-1] + (self.heads, self.d)).permute(0, 2, 1, 3)

    def forward(self, h):
        q, k, v = self.c_attn(self.ln_1(h)).split(self.heads * self.d, dim=2)
        q, k, v = self.split(q), self.split(k), self.split(v)
        w = torch.matmul(q, k.transpose(-1, -2)) / (v.size(-1) ** 0.5)
        ql, kl = q.size(-2), k.size(-2)
        mask = self.bias[:, :, kl - ql:kl, :kl]
        w = torch.where(mask, w, torch.tensor(torch.finfo(w.dtype).min))
        a = torch.matmul(torch.softmax(w, dim=-1), v).permute(0, 2, 1, 3)
        a = a.contiguous().view(a.size()[:-2] + (self.heads * self.d,))
        h = self.c_proj(a) + h
        x = self.c_fc(self.ln_2(h))
        x = 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) *
                                        (x + 0.044715 * torch.pow(x, 3.0))))
        return h + self.mlp_proj(x)
