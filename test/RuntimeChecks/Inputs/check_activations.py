"""Compares activation-extremes.seq's outputs with NumPy references.

    check_activations.py DIR

DIR holds x.npy and the model's g/e/t/s outputs. References are computed in
float64 from the definitions PyTorch documents (gelu with and without the
tanh approximation, tanh, sigmoid), then rounded to float32. Prints one line
per output: `ok NAME` or `BAD NAME ...`.
"""
import math
import sys

import numpy as np

d = sys.argv[1]
x = np.load(d + "/x.npy").astype(np.float64)
with np.errstate(over="ignore"):
    refs = {
        "g": 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) * (x + 0.044715 * x**3))),
        "e": np.array([0.5 * v * (1 + math.erf(v / math.sqrt(2))) for v in x]),
        "t": np.tanh(x),
        "s": 1 / (1 + np.exp(-x)),
    }
for name, ref in refs.items():
    ref = ref.astype(np.float32)
    got = np.load(d + "/" + name + ".npy")
    close = np.isclose(got, ref, rtol=1e-5, atol=1e-6) & (np.isfinite(got) == np.isfinite(ref))
    print(("ok  " if close.all() else "BAD ") + name,
          "" if close.all() else (got.tolist(), ref.tolist()))
