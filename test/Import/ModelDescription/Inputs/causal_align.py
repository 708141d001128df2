"""mha-causal-align.test: `write DIR` writes random nn.MultiheadAttention
weights (E = 8, 2 heads) as safetensors and inputs x [3, 1, 8], kv [5, 1,
8]; `check DIR` compares seqc's outputs with NumPy's attention under a
causal mask aligned top-left (query i sees keys 0..i) and bottom-right
(keys 0..i + S - L)."""
import json
import struct
import sys

import numpy as np

E, H, L, S = 8, 2, 3, 5


def weights(rng):
    return {"attn.in_proj_weight": rng.standard_normal((3 * E, E)) * 0.3,
            "attn.in_proj_bias": rng.standard_normal(3 * E) * 0.1,
            "attn.out_proj.weight": rng.standard_normal((E, E)) * 0.3,
            "attn.out_proj.bias": rng.standard_normal(E) * 0.1}


def write(d):
    rng = np.random.default_rng(7)
    w = {k: v.astype(np.float32) for k, v in weights(rng).items()}
    header, blobs, offset = {}, [], 0
    for name, t in w.items():
        data = t.tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    with open(d + "/attn.safetensors", "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
    np.save(d + "/x.npy", rng.standard_normal((L, 1, E)).astype(np.float32))
    np.save(d + "/kv.npy", rng.standard_normal((S, 1, E)).astype(np.float32))


def attention(w, x, kv, offset):
    wq, wk, wv = np.split(w["attn.in_proj_weight"], 3)
    bq, bk, bv = np.split(w["attn.in_proj_bias"], 3)
    q, k, v = x @ wq.T + bq, kv @ wk.T + bk, kv @ wv.T + bv
    d = E // H
    out = np.zeros((x.shape[0], E))
    for h in range(H):
        sl = slice(h * d, (h + 1) * d)
        s = q[:, sl] @ k[:, sl].T / np.sqrt(d)
        i, j = np.indices(s.shape)
        s = np.where(j <= i + offset, s, -np.inf)
        p = np.exp(s - s.max(1, keepdims=True))
        out[:, sl] = (p / p.sum(1, keepdims=True)) @ v[:, sl]
    return out @ w["attn.out_proj.weight"].T + w["attn.out_proj.bias"]


def check(d):
    w = weights(np.random.default_rng(7))
    w = {k: v.astype(np.float32).astype(np.float64) for k, v in w.items()}
    x = np.load(d + "/x.npy")[:, 0].astype(np.float64)
    kv = np.load(d + "/kv.npy")[:, 0].astype(np.float64)
    for name, offset in (("top_left", 0), ("bottom_right", S - L)):
        got = np.load(d + "/" + name + "/y.npy")[:, 0]
        err = np.abs(got - attention(w, x, kv, offset)).max()
        print(name, "match" if err < 1e-5 else "differ %g" % err)


if __name__ == "__main__":
    {"write": write, "check": check}[sys.argv[1]](sys.argv[2])
