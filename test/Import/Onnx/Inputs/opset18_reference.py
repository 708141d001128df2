"""NumPy references of Inputs/opset18_ops.onnx's outputs (ONNX opset 18:
Pad's axes input, Split's num_outputs, reductions' axes input, Mish): prints
'NAME ok' or 'NAME differ ERR' for each output in OUT_DIR."""
import sys

import numpy as np

x = np.load(sys.argv[1]).astype(np.float64)
out = sys.argv[2]

m = x.max(axis=(1, 2), keepdims=True)
expected = {
    # Axis -1 padded by 1 before and 2 after, with 0.5.
    "pc": np.pad(x, ((0, 0), (0, 0), (1, 2)), constant_values=0.5),
    # Axis 1 reflected by 1 before and 2 after.
    "pr": np.pad(x, ((0, 0), (1, 2), (0, 0)), mode="reflect"),
    # 5 steps in 3 parts of ceil(5 / 3) = 2, the last smaller.
    "s0": x[:, :, 0:2],
    "s1": x[:, :, 2:4],
    "s2": x[:, :, 4:5],
    "rm": x.mean(axis=1),
    "rx": x.max(axis=2, keepdims=True),
    "rl": (np.log(np.exp(x - m).sum(axis=(1, 2), keepdims=True)) + m)
    .reshape(x.shape[0]),
    # Mish: x * tanh(softplus(x)) (Misra 2019; the ONNX operator).
    "mi": x * np.tanh(np.log1p(np.exp(x))),
}
for name, want in expected.items():
    got = np.load(f"{out}/{name}.npy")
    err = float(np.abs(got - want).max()) if got.shape == want.shape else -1
    print(name, "ok" if 0 <= err < 1e-5 else f"differ {err} {got.shape}")
