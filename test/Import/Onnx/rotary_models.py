"""Rotary position embeddings as older model code computes them in forward
(Su et al. 2021, "RoFormer"): no position buffer, the angles made from
torch.arange on every call."""
import math

import torch
from torch import nn


class GptJComputedRotary(nn.Module):
    """Hugging Face GPT-J attention as transformers 4.1x wrote it
    (modeling_gptj.py fixed_pos_embedding / duplicate_interleave /
    apply_rotary_pos_emb): inv_freq from arange(0, dim, 2) over the rotary
    features, angles from arange(seq_len, dtype=torch.float), sin and cos
    interleaved by view(-1, 1).repeat(1, 2).view(T, -1) (a Tile of
    time-merged rows), sliced [None, offset:T + offset, None, :], rotary on
    the first rotary_dim features of each head (rotate_every_two), causal.
    Before, each of these stopped its step api: the Range over the features
    ("reads its own iteration index"), the Tile, the Reshape back to [T, 8]
    and the slice to T."""

    def __init__(self, hidden=8, heads=2, rotary_dim=2):
        super().__init__()
        self.heads, self.head_dim = heads, hidden // heads
        self.rotary_dim = rotary_dim
        for n in ("q_proj", "k_proj", "v_proj", "out_proj"):
            setattr(self, n, nn.Linear(hidden, hidden, bias=False))

    @staticmethod
    def fixed_pos_embedding(x, seq_len):
        dim = x.shape[-1]
        inv_freq = 1.0 / (10000 ** (torch.arange(0, dim, 2) / dim))
        angles = torch.einsum("i , j -> i j",
                              torch.arange(seq_len, dtype=torch.float),
                              inv_freq).float()
        return torch.sin(angles), torch.cos(angles)

    @staticmethod
    def rotate_every_two(x):
        x1, x2 = x[:, :, :, ::2], x[:, :, :, 1::2]
        return torch.stack((-x2, x1), dim=-1).flatten(-2)

    @staticmethod
    def duplicate_interleave(m):
        dim0 = m.shape[0]
        return m.view(-1, 1).repeat(1, 2).view(dim0, -1)

    def apply_rotary_pos_emb(self, x, sincos, offset=0):
        sin, cos = (self.duplicate_interleave(t)[None, offset:x.shape[1] +
                                                 offset, None, :]
                    for t in sincos)
        return x * cos + self.rotate_every_two(x) * sin

    def forward(self, x):  # [B, T, hidden]
        B, T, E = x.shape
        split = lambda t: t.view(B, T, self.heads, self.head_dim)
        q, k = split(self.q_proj(x)), split(self.k_proj(x))
        v = split(self.v_proj(x)).permute(0, 2, 1, 3)
        r = self.rotary_dim
        sincos = self.fixed_pos_embedding(k[:, :, :, :r], seq_len=T)
        q = torch.cat([self.apply_rotary_pos_emb(q[..., :r], sincos),
                       q[..., r:]], -1).permute(0, 2, 1, 3)
        k = torch.cat([self.apply_rotary_pos_emb(k[..., :r], sincos),
                       k[..., r:]], -1).permute(0, 2, 1, 3)
        scores = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        causal = torch.ones(T, T).tril().bool()
        scores = torch.where(causal, scores, torch.tensor(-1e9))
        y = (scores.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(B, T, E)
        return self.out_proj(y)


class GptJGatheredRotary(GptJComputedRotary):
    """Hugging Face GPT-J (and CodeGen) attention as transformers >= 4.27
    write it: a sin/cos table of max_positions rows (a buffer) repeated
    over the batch and gathered at position_ids (GPTJModel's
    `arange(T).unsqueeze(0)`), split in sin and cos, each made
    `repeat_interleave(t[:, :, None, :], 2, 3)`, rotary on the first
    rotary_dim features of each head, then GPT-J's `where(causal, w,
    finfo.min) / sqrt(head_dim)`. torch 1.13 exports each
    repeat_interleave as a Loop over the rotary_dim / 2 angles whose Expand
    takes its shape from the step's repeat count; it is unrolled at import.
    Before: "splits into pieces other than single steps"."""

    def __init__(self, hidden=16, heads=2, rotary_dim=4, max_positions=32):
        super().__init__(hidden, heads, rotary_dim)
        inv_freq = 1.0 / (10000 ** (torch.arange(0, rotary_dim, 2) /
                                    rotary_dim))
        angles = torch.einsum("i , j -> i j",
                              torch.arange(max_positions, dtype=torch.float),
                              inv_freq).float()
        self.register_buffer("embed_positions", torch.cat(
            (torch.sin(angles), torch.cos(angles)), dim=1))
        self.register_buffer("bias", torch.tril(torch.ones(
            (max_positions, max_positions), dtype=torch.bool)).view(
                1, 1, max_positions, max_positions))

    @staticmethod
    def apply_rotary(t, sin, cos):
        sin = torch.repeat_interleave(sin[:, :, None, :], 2, 3)
        cos = torch.repeat_interleave(cos[:, :, None, :], 2, 3)
        return (t * cos) + (GptJComputedRotary.rotate_every_two(t) * sin)

    def forward(self, x):  # [B, T, hidden]
        B, T, E = x.shape
        position_ids = torch.arange(0, T, dtype=torch.long).unsqueeze(0)
        split = lambda t: t.view(B, T, self.heads, self.head_dim)
        q, k = split(self.q_proj(x)), split(self.k_proj(x))
        v = split(self.v_proj(x)).permute(0, 2, 1, 3)
        embed_positions = self.embed_positions.repeat(
            position_ids.shape[0], 1, 1)
        repeated = position_ids.unsqueeze(-1).repeat(
            1, 1, embed_positions.shape[-1])
        sincos = torch.gather(embed_positions, 1, repeated)
        sin, cos = torch.split(sincos, sincos.shape[-1] // 2, dim=-1)
        r = self.rotary_dim
        k = torch.cat([self.apply_rotary(k[..., :r], sin, cos), k[..., r:]],
                      dim=-1).permute(0, 2, 1, 3)
        q = torch.cat([self.apply_rotary(q[..., :r], sin, cos), q[..., r:]],
                      dim=-1).permute(0, 2, 1, 3)
        w = torch.matmul(q, k.transpose(-1, -2))
        causal_mask = self.bias[:, :, T - T:T, :T]
        w = torch.where(causal_mask, w,
                        torch.tensor(torch.finfo(w.dtype).min, dtype=w.dtype))
        w = w / torch.sqrt(torch.tensor(self.head_dim, dtype=torch.float32))
        y = (w.softmax(-1) @ v).permute(0, 2, 1, 3).reshape(B, T, E)
        return self.out_proj(y)


class HeadRotary(nn.Module):
    """Rotary embeddings applied to per-head q and k [B, H, T, D] from cos
    and sin buffers of 32 positions sliced `[:T]` (lit-gpt's build_rope_cache
    and apply_rope, rotate_half style), broadcast as they are
    ("broadcast") or made [1, 1, T, D] first ("unsqueezed": `cos[:T][None,
    None]`, as hand-written LLaMA code does; "viewed": `cos.view(1, 1,
    q.size(2), D)`, llama2.c's reshape_for_broadcast), then causal
    attention. Before, the Unsqueeze after the slice, and the view (a
    Reshape through 1-D, since q's T is not provably the table slice's),
    stopped the step api ("a slice whose bounds are run-time sizes may
    select time steps")."""

    def __init__(self, form, hidden=16, heads=4):
        super().__init__()
        self.form, self.heads, self.head_dim = form, heads, hidden // heads
        self.qkv = nn.Linear(hidden, 3 * hidden, bias=False)
        self.out = nn.Linear(hidden, hidden, bias=False)
        d = self.head_dim
        inv_freq = 1.0 / (10000 ** (torch.arange(0, d, 2).float() / d))
        angles = torch.outer(torch.arange(32).float(), inv_freq).repeat(1, 2)
        self.register_buffer("cos", angles.cos())
        self.register_buffer("sin", angles.sin())

    def rope(self, x, cos, sin):
        half = self.head_dim // 2
        rotated = torch.cat((-x[..., half:], x[..., :half]), dim=-1)
        return x * cos + rotated * sin

    def forward(self, x):  # [B, T, hidden]
        B, T, E = x.shape
        q, k, v = (t.view(B, T, self.heads, self.head_dim).transpose(1, 2)
                   for t in self.qkv(x).split(E, dim=-1))
        cos, sin = self.cos[:T], self.sin[:T]
        if self.form == "unsqueezed":
            cos, sin = cos[None, None], sin[None, None]
        elif self.form == "viewed":
            # llama2.c's reshape_for_broadcast: a view to q's shape with
            # the other dimensions 1, T read off q rather than the table.
            shape = [d if i >= 2 else 1 for i, d in enumerate(q.shape)]
            cos, sin = cos.view(shape), sin.view(shape)
        q, k = self.rope(q, cos, sin), self.rope(k, cos, sin)
        w = q @ k.transpose(-1, -2) / math.sqrt(self.head_dim)
        w = w.masked_fill(torch.ones(T, T, dtype=torch.bool).triu(1),
                          float("-inf"))
        y = (w.softmax(-1) @ v).transpose(1, 2).reshape(B, T, E)
        return self.out(y)
