"""Causal seq.attention (top-left diagonal) on random q, k, v [B, H, T, D]
and its NumPy reference, softmax(q k^T / sqrt(D) + causal mask) v:

    attention_case.py write DIR B H T D [static]
        -> DIR/model.mlir (B and T dynamic, or all static), q.npy, k.npy,
           v.npy, expected.npy
    attention_case.py check DIR/expected.npy DIR/out/output0.npy
"""
import os
import sys

import numpy as np

from linear_case import check


def write(directory, b, h, t, d, static=False):
    rng = np.random.default_rng(b * 1000 + t)
    q, k, v = (rng.standard_normal((b, h, t, d)).astype(np.float32)
               for _ in range(3))
    for name, value in (("q", q), ("k", k), ("v", v)):
        np.save(os.path.join(directory, name + ".npy"), value)
    ty = ("tensor<%dx%dx%dx%dxf32>" % (b, h, t, d) if static else
          "tensor<?x%dx?x%dxf32>" % (h, d))
    with open(os.path.join(directory, "model.mlir"), "w") as f:
        f.write("func.func @attention(%%q: %s, %%k: %s, %%v: %s) -> %s {\n"
                "  %%o = seq.attention %%q, %%k, %%v causal(top_left) : "
                "(%s, %s, %s) -> %s\n  return %%o : %s\n}\n" % (
                    (ty,) * 9))
    scores = (q.astype(np.float64) @ k.astype(np.float64).swapaxes(-1, -2)
              / np.sqrt(d))
    scores[..., np.triu(np.ones((t, t), dtype=bool), 1)] = -np.inf
    p = np.exp(scores - scores.max(axis=-1, keepdims=True))
    p /= p.sum(axis=-1, keepdims=True)
    np.save(os.path.join(directory, "expected.npy"), p @ v.astype(np.float64))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], *(int(v) for v in sys.argv[3:7]),
              static=sys.argv[7:] == ["static"])
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
