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
        10.0 ** rng.uniform(6, 15, 500),      # up to 1e15 radians
        # past 2^50 (Payne-Hanek), to f32's largest, both signs
        10.0 ** rng.uniform(15, 38.5, 1000) * rng.choice([-1, 1], 1000),
        [0.0, -0.0, 1e-30, -1e-30, 3e4 * np.pi, 65535.0, 1e7, 1e9, 1e12,
         2.0 ** 49, 2.0 ** 50, -2.0 ** 50, 1.7e18, -1e20, 3.4e38, -3.4e38,
         # cos is -1.6e-9 here: the reduction must keep its relative
         # accuracy (a sum taken mod 4 was 16 ulps off)
         float.fromhex("0x1.f37c8ap+95")]])
    np.save(folder + "/x.npy", x.astype(np.float32))
    # NaN: not a number and +-inf.
    np.save(folder + "/special.npy",
            np.array([np.inf, -np.inf, np.nan], np.float32))
    sys.exit(0)

x = np.load(folder + "/x.npy").astype(np.float64)
worst = 0.0
for name, fn in (("s", np.sin), ("c", np.cos)):
    got = np.load(folder + "/out/" + name + ".npy").astype(np.float64)
    # The f32 argument is exact, and so is the reduction below 2^50 (to
    # about 1e-15 above).
    tol = 2e-7
    err = np.abs(got - fn(x))
    worst = max(worst, float(err.max()))
    # Near a zero of the function, to 5e-7 of the value as well (8 f32 ulps).
    near = np.abs(fn(x)) < 1e-3
    err[near] = np.where(err[near] <= 5e-7 * np.abs(fn(x[near])), 0.0, np.inf)
    bad = np.nonzero(~(err <= tol))[0]  # NaN too
    if len(bad):
        i = bad[0]
        print("MISMATCH %s(%r) = %r, expected %r" % (name, x[i], got[i], fn(x[i])))
        sys.exit(1)
special = [np.load(folder + "/out/" + n + ".npy") for n in ("ss", "cs")]
if not all(np.isnan(v).all() for v in special):
    print("MISMATCH sin/cos of inf, -inf, nan:", special)
    sys.exit(1)
# sin keeps the sign of zero, as torch.sin.
s = np.load(folder + "/out/s.npy")
zeros = np.nonzero(x == 0)[0]
if list(np.signbit(s[zeros])) != list(np.signbit(np.load(folder + "/x.npy")[zeros])):
    print("MISMATCH sin(-0) is not -0")
    sys.exit(1)
print("sin cos ok, worst abs error %.1e" % worst)
