"""NumPy references for every activation kind (ONNX default parameters, as
Inputs/activations.mlir uses them), computed in float64 from their
definitions and compared with the model's outputs in DIR. Prints `ok NAME`
or `BAD NAME` with the offending inputs.

    check_activation_audit.py DIR
"""
import math
import sys

import numpy as np

d = sys.argv[1]
x = np.load(d + "/x.npy").astype(np.float64)
erf = np.vectorize(math.erf)
with np.errstate(over="ignore", invalid="ignore"):
    sig = 1 / (1 + np.exp(-x))
    refs = {
        "tanh": np.tanh(x),
        "relu": np.maximum(x, 0),
        "sigmoid": sig,
        "hard_sigmoid": np.clip(0.2 * x + 0.5, 0, 1),
        "leaky_relu": np.where(x >= 0, x, 0.01 * x),
        "thresholded_relu": np.where(x > 1.0, x, 0),
        "scaled_tanh": np.tanh(x),
        "affine": x,
        "elu": np.where(x >= 0, x, np.expm1(np.minimum(x, 0))),
        "softsign": x / (1 + np.abs(x)),
        "softplus": np.logaddexp(0, x),
        "gelu": 0.5 * x * (1 + erf(x / math.sqrt(2))),
        "gelu_tanh": 0.5 * x * (1 + np.tanh(math.sqrt(2 / math.pi)
                                            * (x + 0.044715 * x**3))),
        "silu": x * sig,
    }
for name, ref in refs.items():
    ref32 = ref.astype(np.float32)
    got = np.load("%s/%s.npy" % (d, name))
    close = np.isclose(got, ref32, rtol=2e-5, atol=1e-6) & \
        (np.isfinite(got) == np.isfinite(ref32))
    if close.all():
        print("ok  " + name)
    else:
        bad = ~close
        print("BAD %s at x=%s: got %s, expected %s" % (
            name, x[bad].tolist(), got[bad].tolist(), ref32[bad].tolist()))
