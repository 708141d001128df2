"""NumPy references of Inputs/opset11_ops.onnx's outputs (opset 11 rules:
Softmax and LogSoftmax coerce the input to 2-D at `axis`): prints
'NAME ok' or 'NAME differ ERR' for each output in OUT_DIR."""
import sys

import numpy as np

x = np.load(sys.argv[1]).astype(np.float64)
out = sys.argv[2]
B = x.shape[0]


def softmax_from(v, axis):
    flat = v.reshape(int(np.prod(v.shape[:axis])), -1)
    e = np.exp(flat - flat.max(1, keepdims=True))
    return (e / e.sum(1, keepdims=True)).reshape(v.shape)


expected = {
    "sq": x,
    "p1": x[:, :, :1],
    "p2": x[:, :, 1:],
    "sm": softmax_from(x, 1),
    "lsm": np.log(softmax_from(x, 1)),
    "sml": softmax_from(x, 2),
    "rs": x.sum(1),
}
for name, want in expected.items():
    got = np.load(f"{out}/{name}.npy")
    err = float(np.abs(got - want).max()) if got.shape == want.shape else -1
    print(name, "ok" if 0 <= err < 1e-5 else f"differ {err} {got.shape}")
