"""NumPy reference for the attention models of onnx-attention.test.

    check_attention.py DIR padmask|finite_fill

Reads q, k, v (and mask / masked) and the model's y from DIR, computes the
ONNX graph's meaning directly (scores = q k^T * 0.5, masked as the graph
says, softmax over the last axis, times v) and prints `ok` or the mismatch.
"""
import sys

import numpy as np

d, kind = sys.argv[1], sys.argv[2]
q, k, v = (np.load("%s/%s.npy" % (d, n)).astype(np.float64) for n in "qkv")
s = q @ k.transpose(0, 2, 1) * 0.5
if kind == "padmask":
    s = s + np.load(d + "/mask.npy")  # [N, 1, L] broadcast per item
else:
    s = np.where(np.load(d + "/masked.npy"), -1e9, s)
with np.errstate(invalid="ignore"):
    p = np.exp(s - s.max(-1, keepdims=True))
    p /= p.sum(-1, keepdims=True)
ref = p @ v
y = np.load(d + "/y.npy")
print("ok" if np.allclose(y, ref, atol=1e-5, equal_nan=True)
      else "BAD\n%s\n%s" % (y, ref))
