"""Row-wise generics (layer norm, GELU, softmax) on a [B, T, D] input and
their NumPy reference, for the rows that seqc-vectorize-rows splits over
threads: the [B x T] rows are one flat range cut into shares, so a share
may start and end inside a sequence (T is chosen so that B x T / shares
is not a multiple of T).

    rows_case.py write DIR B T D  -> DIR/model.seq, w.safetensors, x.npy,
                                     ln.npy, act.npy, prob.npy (expected)
    rows_case.py check DIR/ln.npy DIR/out/ln.npy
"""
import math
import os
import sys

import numpy as np

from linear_case import check, write_safetensors


def erf(x):
    # NumPy has no erf; Python's math.erf (float64), elementwise.
    return np.vectorize(math.erf, otypes=[np.float64])(x)


def write(directory, b, t, d):
    rng = np.random.default_rng(b * 10000 + t * 100 + d)
    x = (rng.standard_normal((b, t, d)) * 2 + 0.5).astype(np.float32)
    w = rng.standard_normal(d).astype(np.float32)
    bias = rng.standard_normal(d).astype(np.float32)
    write_safetensors(os.path.join(directory, "w.safetensors"),
                      {"ln.weight": w, "ln.bias": bias})
    with open(os.path.join(directory, "model.seq"), "w") as f:
        f.write('weights "w.safetensors"\n'
                'input x: f32[B, T, %d]\n'
                'n = layer_norm(x, name=ln)\n'
                'a = gelu(n)\n'
                'p = softmax(a)\n'
                'output ln=n, act=a, prob=p\n' % d)
    np.save(os.path.join(directory, "x.npy"), x)
    x64 = x.astype(np.float64)
    mean = x64.mean(-1, keepdims=True)
    var = ((x64 - mean) ** 2).mean(-1, keepdims=True)
    n = (x64 - mean) / np.sqrt(var + 1e-5) * w + bias
    a = 0.5 * n * (1 + erf(n / np.sqrt(2)))
    e = np.exp(a - a.max(-1, keepdims=True))
    p = e / e.sum(-1, keepdims=True)
    for name, value in (("ln", n), ("act", a), ("prob", p)):
        np.save(os.path.join(directory, name + ".npy"), value)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], *(int(v) for v in sys.argv[3:6]))
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
