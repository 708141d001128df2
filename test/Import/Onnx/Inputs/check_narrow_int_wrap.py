"""The expected outputs of Inputs/narrow_int_wrap.onnx (narrow-int-wrap.test),
from NumPy's fixed-width integer arithmetic, which wraps."""
import sys

import numpy as np

out = sys.argv[1]
x = np.load(out + "/x.npy")
h = np.load(out + "/h.npy").astype(np.int64)
load = lambda name: np.load(out + "/out/" + name + ".npy")


def wrap(v, bits, signed):
    v = np.asarray(v, np.int64) & ((1 << bits) - 1)
    return np.where(signed & (v >= 1 << (bits - 1)), v - (1 << bits), v)


b = wrap(x, 8, False)
c = wrap(x, 8, True)
d = wrap(x, 16, True)
hash32 = wrap(h * 16777619 + 1, 32, True)
expected = {
    "u8": wrap((b + 10) * 2, 8, False),
    "i8": wrap(-c, 8, True),
    "i16": wrap(np.cumsum(d), 16, True),
    "bucket": np.mod(hash32, 1000),
    "negative": hash32 < 0,
    "hashf": hash32.astype(np.float32),
    "hmax": np.maximum(h, 1),
    "hwhere": np.where(h > 2, h, 7),
}
for name, want in expected.items():
    got = load(name)
    print(name, got.shape == want.shape and np.array_equal(got, want))
