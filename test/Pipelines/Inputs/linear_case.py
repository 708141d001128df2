"""A seq.linear model with odd sizes and its NumPy reference, for the
register-tiled contraction (seqc-lower-dot-contractions): K not a
multiple of any vector width, rows and columns not multiples of the tile.

    linear_case.py write DIR T B K N   -> DIR/model.seq, weights, x.npy,
                                          expected.npy
    linear_case.py check DIR/expected.npy DIR/out/y.npy
"""
import json
import os
import struct
import sys

import numpy as np


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, value in tensors.items():
        data = value.astype(np.float32).tobytes()
        header[name] = {"dtype": "F32", "shape": list(value.shape),
                        "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


def write(directory, t, b, k, n):
    rng = np.random.default_rng(k * 1000 + n)
    w = rng.standard_normal((n, k)).astype(np.float32)
    bias = rng.standard_normal(n).astype(np.float32)
    x = rng.standard_normal((t, b, k)).astype(np.float32)
    write_safetensors(os.path.join(directory, "w.safetensors"),
                      {"fc.weight": w, "fc.bias": bias})
    with open(os.path.join(directory, "model.seq"), "w") as f:
        f.write('weights "w.safetensors"\ninput x: f32[T, B, %d]\n'
                'y = linear(x, out=%d, name=fc)\noutput y\n' % (k, n))
    np.save(os.path.join(directory, "x.npy"), x)
    expected = x.astype(np.float64) @ w.T.astype(np.float64) + bias
    np.save(os.path.join(directory, "expected.npy"), expected)


def check(expected_path, got_path):
    expected, got = np.load(expected_path), np.load(got_path)
    if expected.shape != got.shape:
        print("shape %s, expected %s" % (got.shape, expected.shape))
        return 1
    err = float(np.max(np.abs(got - expected))) if got.size else 0.0
    scale = max(1.0, float(np.max(np.abs(expected))) if got.size else 1.0)
    print("max error %.3g of scale %.3g: %s" % (
        err, scale, "ok" if err <= 1e-4 * scale else "MISMATCH"))
    return 0 if err <= 1e-4 * scale else 1


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], *(int(v) for v in sys.argv[3:7]))
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
