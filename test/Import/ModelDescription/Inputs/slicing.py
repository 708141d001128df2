"""slicing.test: `write DIR` writes inputs x of [B, T, 12] with T = 5, 2
and 0, a channels-first z [1, 6, 7] and a weight `scale` [6, 1]; `check
DIR` compares seqc's slice / flip / glu outputs for each (DIR/oT/NAME.npy)
with NumPy's slicing, np.flip and F.glu's formula (a * sigmoid(g) with a,
g the two halves), and the streamed channel model's (DIR/whole, DIR/chunks)
with NumPy's."""
import json
import struct
import sys

import numpy as np

SHAPES = {5: (2, 5, 12), 2: (3, 2, 12), 0: (1, 0, 12)}


def glu(x, axis):
    a, g = np.split(x, 2, axis=axis)
    return a / (1 + np.exp(-g))


def expected(x):
    return {
        "a": x[:, :, 2:-3:2],
        "b": x[:, -3:],
        "c": x[:, 1:100:3],
        "d": np.flip(x, axis=(1, -1)),
        "e": glu(x, -1),
        "f": glu(x[..., :8], 2),
        "g": x[:, :-1],
        "h": x[:, ::2, 3:],
    }


def scale():
    return np.linspace(-1.5, 2.0, 6).reshape(6, 1).astype(np.float32)


def write(d):
    for t, shape in SHAPES.items():
        x = np.random.default_rng(t).standard_normal(shape)
        np.save(f"{d}/x{t}.npy", x.astype(np.float32))
    z = np.random.default_rng(9).standard_normal((1, 6, 7))
    np.save(f"{d}/z.npy", z.astype(np.float32))
    data = scale().tobytes()
    header = json.dumps({"scale": {"dtype": "F32", "shape": [6, 1],
                                   "data_offsets": [0, len(data)]}}).encode()
    header += b" " * (-len(header) % 8)
    with open(f"{d}/scale.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(header)) + header + data)


def check(d):
    for t in SHAPES:
        x = np.load(f"{d}/x{t}.npy").astype(np.float64)
        worst = 0.0
        for name, want in expected(x).items():
            got = np.load(f"{d}/o{t}/{name}.npy")
            if got.shape != want.shape:
                print(f"T={t} {name}: shape {got.shape}, expected {want.shape}")
                return
            if want.size:
                worst = max(worst, float(np.abs(got - want).max()))
        print(f"T={t} " + ("match" if worst < 1e-6 else f"differ by {worst}"))
    z = np.load(f"{d}/z.npy").astype(np.float64)
    want = glu(np.cumsum(np.flip(z, axis=1) * scale(), axis=2), 1)
    for name, ref in (("y", want), ("last", want[..., -1:])):
        for run in ("whole", "chunks"):
            got = np.load(f"{d}/{run}/{name}.npy")
            worst = np.abs(got - ref).max() if got.shape == ref.shape else 1
            label = run if name == "y" else f"{run} last"
            print(f"{label} " +
                  ("match" if worst < 1e-6 else f"differ by {worst}"))


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
