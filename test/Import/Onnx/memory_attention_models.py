"""Attention over a memory of earlier segments, as Transformer-XL writes it
(Dai et al. 2019): keys and values over [memory; x], a causal mask offset
by the memory's length M, which the model reads at run time."""
import math

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class TransformerXlMemory(nn.Module):
    """Queries of the segment x [B, T, 8] attend to [mem; x] (mem [B, M,
    8]); the mask is triu(ones(T, M + T), diagonal=1 + M), a Trilu whose k
    is a run-time size (before: refused, "Trilu k must be a constant
    scalar")."""

    def __init__(self, c=8, heads=2):
        super().__init__()
        self.heads = heads
        self.q = nn.Linear(c, c)
        self.kv = nn.Linear(c, 2 * c)

    def forward(self, x, mem):
        b, t, c = x.shape
        m = mem.size(1)
        d = c // self.heads
        k, v = self.kv(torch.cat([mem, x], 1)).chunk(2, -1)
        q = self.q(x).view(b, t, self.heads, d).transpose(1, 2)
        k = k.reshape(b, m + t, self.heads, d).transpose(1, 2)
        v = v.reshape(b, m + t, self.heads, d).transpose(1, 2)
        future = torch.triu(torch.ones(t, m + t), diagonal=1 + m).bool()
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(d)
        att = F.softmax(scores.masked_fill(future, float("-inf")), dim=-1)
        return (att @ v).transpose(1, 2).reshape(b, t, c)


def memory_inputs(T, B, rng):
    """A memory of T // 2 + 1 steps: M differs between the test shapes."""
    return {"x": rng.standard_normal((B, T, 8)).astype(np.float32),
            "mem": rng.standard_normal((B, T // 2 + 1, 8)).astype(np.float32)}
