"""Writes random q, k, v (.npy) into OUT_DIR and, into OUT_DIR/expected,
NumPy's causal linear attention (Katharopoulos et al. 2020, eq. 9: the
masked-attention form, not the recurrence seqc compiles) for
linear_attention.mlir's two outputs: o (phi = elu + 1, normalised, epsilon
1e-6) and u (phi = identity, unnormalised).

    linear_attention_ref.py OUT_DIR
"""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(os.path.join(out, "expected"), exist_ok=True)
rng = np.random.default_rng(1)
B, H, T, Dk, Dv = 3, 2, 11, 4, 3
q = rng.standard_normal((B, H, T, Dk)).astype(np.float32)
k = rng.standard_normal((B, H, T, Dk)).astype(np.float32)
v = rng.standard_normal((B, H, T, Dv)).astype(np.float32)
for name, a in dict(q=q, k=k, v=v).items():
    np.save(os.path.join(out, name + ".npy"), a)


def attention(phi, normalize):
    Q, K = phi(q.astype(np.float64)), phi(k.astype(np.float64))
    scores = np.einsum("bhti,bhsi->bhts", Q, K) * np.tril(np.ones((T, T)))
    result = np.einsum("bhts,bhsj->bhtj", scores, v)
    if normalize:
        result = result / (scores.sum(-1, keepdims=True) + 1e-6)
    return result.astype(np.float32)


def elu_plus_one(x):
    return np.where(x > 0, x, np.expm1(x)) + 1


np.save(os.path.join(out, "expected", "o.npy"), attention(elu_plus_one, True))
np.save(os.path.join(out, "expected", "u.npy"), attention(lambda x: x, False))
