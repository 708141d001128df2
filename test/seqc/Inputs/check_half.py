"""NumPy reference for Inputs/bf16.mlir: bf16 rounding is emulated on the
float32 bits (round to nearest even), f16 is NumPy's float16. Prints `ok`
when the model's y.npy in DIR agrees to bf16 precision."""
import sys

import numpy as np


def to_bf16(a):
    bits = np.asarray(a, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
    return rounded.astype(np.uint32).view(np.float32)


d = sys.argv[1]
x = np.load(d + "/x.npy")
b = to_bf16(x)
t = to_bf16(np.tanh(to_bf16(b + b).astype(np.float64)).astype(np.float32))
ref = t * x.astype(np.float16).astype(np.float32)
y = np.load(d + "/y.npy")
ok = np.allclose(y, ref, rtol=1e-2, atol=1e-3)
print("ok" if ok else "BAD %s vs %s" % (y.tolist(), ref.tolist()))
