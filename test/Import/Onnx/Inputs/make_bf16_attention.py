"""Writes bf16_attention.onnx and its PyTorch reference for
stream-bf16-attention.test (committed; run again only to change them):
Hugging Face GPT-2's attention (`w / torch.full([], d ** 0.5)`, a causal
buffer mask filled with finfo.min by `torch.where(causal, w.to(w.dtype),
...)`) in a model made `.bfloat16()`, whose export divides in f32 and Casts
the scores back to BFLOAT16 before the mask. Inputs and outputs are float32 (the model casts),
so the fixtures are plain .npy files.

    /usr/bin/python3 make_bf16_attention.py
"""
import os

import numpy as np
import torch
from torch import nn

here = os.path.dirname(os.path.abspath(__file__))


class Bf16Attention(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(16, 48)
        self.out = nn.Linear(16, 16)
        self.register_buffer("bias", torch.tril(
            torch.ones(32, 32, dtype=torch.bool)).view(1, 1, 32, 32))

    def forward(self, x):
        x = x.bfloat16()
        b, t, _ = x.shape
        q, k, v = self.qkv(x).view(b, t, 3, 2, 8).permute(2, 0, 3, 1, 4)
        w = torch.matmul(q, k.transpose(-1, -2))
        w = w / torch.full([], v.size(-1) ** 0.5, dtype=w.dtype)
        ql, kl = q.size(-2), k.size(-2)
        causal = self.bias[:, :, kl - ql:kl, :kl].to(torch.bool)
        masked = torch.full([], torch.finfo(w.dtype).min, dtype=w.dtype)
        w = torch.where(causal, w.to(w.dtype), masked)
        o = torch.matmul(nn.functional.softmax(w, dim=-1), v)
        return self.out(o.transpose(1, 2).reshape(b, t, 16)).float()


torch.manual_seed(0)
model = Bf16Attention().eval().bfloat16()
torch.onnx.export(model, (torch.randn(2, 9, 16),),
                  os.path.join(here, "bf16_attention.onnx"),
                  input_names=["x"], output_names=["y"],
                  dynamic_axes={"x": {0: "B", 1: "T"}, "y": {0: "B", 1: "T"}},
                  opset_version=14)
x = torch.randn(2, 9, 16)
np.save(os.path.join(here, "bf16_attention.x.npy"), x.numpy())
with torch.no_grad():
    np.save(os.path.join(here, "bf16_attention.y.npy"), model(x).numpy())
