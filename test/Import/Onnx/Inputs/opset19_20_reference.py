"""NumPy references of Inputs/opset19_20_ops.onnx's outputs (ONNX opsets
19 and 20: Gelu exact and tanh, Pad's wrap mode, AveragePool's
dilations, Cast's saturate): prints 'NAME ok' or 'NAME differ ERR' for
each output in OUT_DIR. Formulas from the ONNX operator documentation."""
import math
import sys

import numpy as np

x = np.load(sys.argv[1]).astype(np.float64)
out = sys.argv[2]

erf = np.vectorize(math.erf)


def avg_pool_dilated(x, pad, include_pad):
    """kernel 2, dilation 2, stride 1 over the last axis, `pad` zeros on
    each side: the mean of the window's two taps, over the taps inside the
    input (or both with include_pad)."""
    n = x.shape[-1]
    taps = lambda t: [t - pad, t - pad + 2]
    steps = n + 2 * pad - 2
    result = np.zeros(x.shape[:-1] + (steps,))
    for t in range(steps):
        inside = [i for i in taps(t) if 0 <= i < n]
        total = sum(x[..., i] for i in inside)
        result[..., t] = total / (2 if include_pad else len(inside))
    return result


expected = {
    "g": 0.5 * x * (1 + erf(x / math.sqrt(2))),
    "gt": 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi) *
                                 (x + 0.044715 * x ** 3))),
    "pw": np.pad(x, ((0, 0), (0, 0), (2, 4)), mode="wrap"),
    "pw1": np.pad(x, ((0, 0), (1, 2), (0, 0)), mode="wrap"),
    "ap": avg_pool_dilated(x, 0, False),
    "apd": avg_pool_dilated(x, 1, False),
    "apc": avg_pool_dilated(x, 1, True),
    "cs": x.astype(np.float32).astype(np.float16).astype(np.float64),
}
for name, want in expected.items():
    got = np.load(f"{out}/{name}.npy")
    err = float(np.abs(got - want).max()) if got.shape == want.shape else -1
    print(name, "ok" if 0 <= err < 1e-5 else f"differ {err} {got.shape}")
