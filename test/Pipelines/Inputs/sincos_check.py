"""Writes the arguments of sin-cos-numerics.test, or compares seq-run's
sin and cos of them with NumPy's (float64 of the same f32 arguments).

  sincos_check.py write DIR     # DIR/x.npy
  sincos_check.py check DIR     # reads DIR/out/{s,c}.npy
"""
import sys

import numpy as np

mode, folder = sys.argv[1], sys.argv[2]
if mode == "write":
    rng = np.random.default_rng(3)
    x = np.concatenate([
        rng.uniform(-4, 4, 2000),             # activations, small angles
        rng.uniform(-1e3, 1e3, 2000),         # sinusoidal tables
        rng.uniform(-1e5, 1e5, 2000),         # RoPE at long context
        np.arange(0, 200000, 97.0),           # integer positions (t * 1)
        np.arange(-64, 65) * np.pi / 2,       # quadrant boundaries
        [0.0, -0.0, 1e-30, -1e-30, 3e4 * np.pi, 65535.0, 1e7]])
    np.save(folder + "/x.npy", x.astype(np.float32))
    np.save(folder + "/special.npy",
            np.array([np.inf, -np.inf, np.nan], np.float32))
    sys.exit(0)

x = np.load(folder + "/x.npy").astype(np.float64)
worst = 0.0
for name, fn in (("s", np.sin), ("c", np.cos)):
    got = np.load(folder + "/out/" + name + ".npy").astype(np.float64)
    # The f32 argument is exact; the error allowed grows past 2^24 only.
    tol = np.where(np.abs(x) <= 2 ** 17, 4e-7, 2e-6)
    err = np.abs(got - fn(x))
    worst = max(worst, float(err.max()))
    bad = np.nonzero(err > tol)[0]
    if len(bad):
        i = bad[0]
        print("MISMATCH %s(%r) = %r, expected %r" % (name, x[i], got[i], fn(x[i])))
        sys.exit(1)
special = [np.load(folder + "/out/" + n + ".npy") for n in ("ss", "cs")]
if not all(np.isnan(v).all() for v in special):
    print("MISMATCH sin/cos of inf, -inf, nan:", special)
    sys.exit(1)
print("sin cos ok, worst abs error %.1e" % worst)
