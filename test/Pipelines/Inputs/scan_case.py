"""A Mamba selective scan (seq.selective_scan with skip D, gate z,
delta_bias and softplus) and its NumPy reference, for the channels that
seqc-split-selective-scan-channels splits over threads: D = 72 channels
are 5 blocks of 16 (the last partial), so 2 or 3 shares get unequal
blocks and the last share the partial one.

    scan_case.py write DIR B T  -> DIR/model.mlir, inputs, y.npy, h.npy
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


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
