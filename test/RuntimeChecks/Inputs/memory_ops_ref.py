"""Writes random inputs (.npy) for memory_ops.mlir into OUT_DIR and, into
OUT_DIR/expected, NumPy's NTM memory access (Graves et al. 2014, eq. 2-9)
computed independently of seqc, in float64:

    memory_ops_ref.py OUT_DIR
"""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(os.path.join(out, "expected"), exist_ok=True)
rng = np.random.default_rng(3)
B, H, N, W = 3, 2, 7, 5


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


inputs = dict(
    memory=rng.standard_normal((B, N, W)),
    key=rng.standard_normal((B, H, W)),
    strength=rng.uniform(0.0, 5.0, (B, H)),
    previous=softmax(rng.standard_normal((B, H, N))),
    gate=rng.uniform(0.0, 1.0, (B, H)),
    shift3=softmax(rng.standard_normal((B, H, 3))),
    shift9=softmax(rng.standard_normal((B, H, 9))),
    gamma=rng.uniform(1.0, 4.0, (B, H)),
    erase=rng.uniform(0.0, 1.0, (B, H, W)),
    add=rng.standard_normal((B, H, W)),
)
inputs["memory"][1, 3] = 0.0  # an empty row: cosine 0 (norm clamped), not NaN
inputs = {k: v.astype(np.float32) for k, v in inputs.items()}
for name, a in inputs.items():
    np.save(os.path.join(out, name + ".npy"), a)
x = {k: v.astype(np.float64) for k, v in inputs.items()}

eps = 1e-8  # F.cosine_similarity: each norm clamped below by eps
M, k = x["memory"], x["key"]
knorm = np.maximum(np.linalg.norm(k, axis=-1), eps)       # [B, H]
mnorm = np.maximum(np.linalg.norm(M, axis=-1), eps)       # [B, N]
cosine = np.einsum("bhw,bnw->bhn", k, M) / knorm[:, :, None] / mnorm[:, None, :]
content = softmax(x["strength"][:, :, None] * cosine)
g = x["gate"][:, :, None]
gated = g * content + (1 - g) * x["previous"]


def shift(w, s):
    S = s.shape[-1]
    # offset o_k = k - (S-1)/2 moves the weighting o_k rows forward
    return sum(s[:, :, i:i + 1] * np.roll(w, i - (S - 1) // 2, axis=-1)
               for i in range(S))


shifted3 = shift(gated, x["shift3"])
shifted9 = shift(gated, x["shift9"])
powered = shifted3 ** x["gamma"][:, :, None]
sharpened = powered / (powered.sum(-1, keepdims=True) + 1e-3)
read = np.einsum("bhn,bnw->bhw", sharpened, M)
keep = np.prod(1 - sharpened[:, :, :, None] * x["erase"][:, :, None, :], axis=1)
written = M * keep + np.einsum("bhn,bhw->bnw", sharpened, x["add"])
for name, value in dict(content=content, gated=gated, shifted3=shifted3,
                        shifted9=shifted9, sharpened=sharpened, read=read,
                        written=written).items():
    np.save(os.path.join(out, "expected", name + ".npy"),
            value.astype(np.float32))
