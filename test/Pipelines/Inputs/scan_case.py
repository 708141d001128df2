"""A Mamba selective scan (seq.selective_scan with skip D, gate z,
delta_bias and softplus) or an RWKV-4 WKV (seq.wkv with an initial state)
and its NumPy reference, for the channels that seqc-split-scan-channels
splits over threads: 72 channels (selective scan) are 5 blocks of 16 and
40 (WKV) 3, the last partial, so 2 or 3 shares get unequal blocks and the
last share the partial one.

    scan_case.py write DIR B T      -> DIR/model.mlir, inputs, y.npy, h.npy
    scan_case.py write-wkv DIR B T  -> the same for seq.wkv
    scan_case.py check DIR/y.npy DIR/out/y.npy
"""
import os
import sys

import numpy as np

from linear_case import check

D, N = 72, 16

MODEL = """
func.func @model(%u: tensor<?x?x{D}xf32> {{seq.name = "u"}},
                 %dt: tensor<?x?x{D}xf32> {{seq.name = "dt"}},
                 %a: tensor<{D}x{N}xf32> {{seq.name = "a"}},
                 %b: tensor<?x?x{N}xf32> {{seq.name = "b"}},
                 %c: tensor<?x?x{N}xf32> {{seq.name = "c"}},
                 %d: tensor<{D}xf32> {{seq.name = "d"}},
                 %z: tensor<?x?x{D}xf32> {{seq.name = "z"}},
                 %bias: tensor<{D}xf32> {{seq.name = "bias"}})
    -> (tensor<?x?x{D}xf32> {{seq.name = "y"}},
        tensor<?x{D}x{N}xf32> {{seq.name = "h"}}) {{
  %y, %h = seq.selective_scan %u, %dt, %a, %b, %c skip(%d) gate(%z)
      delta_bias(%bias) {{delta_softplus}}
    : (tensor<?x?x{D}xf32>, tensor<?x?x{D}xf32>, tensor<{D}x{N}xf32>,
       tensor<?x?x{N}xf32>, tensor<?x?x{N}xf32>, tensor<{D}xf32>,
       tensor<?x?x{D}xf32>, tensor<{D}xf32>)
    -> (tensor<?x?x{D}xf32>, tensor<?x{D}x{N}xf32>)
  return %y, %h : tensor<?x?x{D}xf32>, tensor<?x{D}x{N}xf32>
}}
"""


def write(directory, batch, steps):
    rng = np.random.default_rng(batch * 100 + steps)
    f32 = lambda *s: rng.standard_normal(s).astype(np.float32)
    inputs = {"u": f32(batch, steps, D), "dt": f32(batch, steps, D) * 0.5,
              "a": -np.exp(f32(D, N) * 0.5), "b": f32(batch, steps, N),
              "c": f32(batch, steps, N), "d": f32(D), "z": f32(batch, steps, D),
              "bias": f32(D) * 0.1}
    with open(os.path.join(directory, "model.mlir"), "w") as f:
        f.write(MODEL.format(D=D, N=N))
    for name, value in inputs.items():
        np.save(os.path.join(directory, name + ".npy"), value)
    # Mamba's selective_scan_ref (Gu & Dao 2023), in float64.
    x = {k: v.astype(np.float64) for k, v in inputs.items()}
    dt = np.logaddexp(0.0, x["dt"] + x["bias"])  # softplus
    h = np.zeros((batch, D, N))
    ys = []
    for t in range(steps):
        h = (np.exp(dt[:, t, :, None] * x["a"]) * h
             + dt[:, t, :, None] * x["b"][:, t, None, :] * x["u"][:, t, :, None])
        ys.append((h * x["c"][:, t, None, :]).sum(-1))
    y = np.stack(ys, 1) + x["u"] * x["d"]
    y = y * (x["z"] / (1 + np.exp(-x["z"])))
    np.save(os.path.join(directory, "y.npy"), y)
    np.save(os.path.join(directory, "h.npy"), h)


C = 40

WKV_MODEL = """
func.func @model(%k: tensor<?x?x{C}xf32> {{seq.name = "k"}},
                 %v: tensor<?x?x{C}xf32> {{seq.name = "v"}},
                 %w: tensor<{C}xf32> {{seq.name = "w"}},
                 %u: tensor<{C}xf32> {{seq.name = "u"}},
                 %s0: tensor<?x3x{C}xf32> {{seq.name = "s0"}})
    -> (tensor<?x?x{C}xf32> {{seq.name = "y"}},
        tensor<?x3x{C}xf32> {{seq.name = "h"}}) {{
  %y, %s = seq.wkv %k, %v, %w, %u initial_state(%s0)
    : (tensor<?x?x{C}xf32>, tensor<?x?x{C}xf32>, tensor<{C}xf32>,
       tensor<{C}xf32>, tensor<?x3x{C}xf32>)
    -> (tensor<?x?x{C}xf32>, tensor<?x3x{C}xf32>)
  return %y, %s : tensor<?x?x{C}xf32>, tensor<?x3x{C}xf32>
}}
"""


def write_wkv(directory, batch, steps):
    rng = np.random.default_rng(batch * 100 + steps + 1)
    f32 = lambda *s: rng.standard_normal(s).astype(np.float32)
    s0 = np.stack([f32(batch, C), np.abs(f32(batch, C)) + 0.5,
                   f32(batch, C)], 1)
    inputs = {"k": f32(batch, steps, C), "v": f32(batch, steps, C),
              "w": np.exp(f32(C) * 0.5), "u": f32(C), "s0": s0}
    with open(os.path.join(directory, "model.mlir"), "w") as f:
        f.write(WKV_MODEL.format(C=C))
    for name, value in inputs.items():
        np.save(os.path.join(directory, name + ".npy"), value)
    # RWKV-LM's wkv_cuda.cu recurrence (the op's documentation), float64.
    x = {k: v.astype(np.float64) for k, v in inputs.items()}
    aa, bb, pp = x["s0"][:, 0], x["s0"][:, 1], x["s0"][:, 2]
    w, u = x["w"], x["u"]
    ys = []
    for t in range(steps):
        kt, vt = x["k"][:, t], x["v"][:, t]
        q = np.maximum(pp, u + kt)
        e1, e2 = np.exp(pp - q), np.exp(u + kt - q)
        ys.append((e1 * aa + e2 * vt) / (e1 * bb + e2))
        q = np.maximum(pp - w, kt)
        e1, e2 = np.exp(pp - w - q), np.exp(kt - q)
        aa, bb, pp = e1 * aa + e2 * vt, e1 * bb + e2, q
    np.save(os.path.join(directory, "y.npy"), np.stack(ys, 1))
    np.save(os.path.join(directory, "h.npy"), np.stack([aa, bb, pp], 1))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    elif sys.argv[1] == "write-wkv":
        write_wkv(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
