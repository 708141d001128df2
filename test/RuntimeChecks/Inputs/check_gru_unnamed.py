"""Checks seq-run outputs of gru_unnamed_out.onnx (full run and streamed)
against NumPy's ONNX GRU (linear_before_reset = 1, gates z, r, h):
    z = sigmoid(x Wz^T + h Rz^T + Wbz + Rbz), r likewise,
    n = tanh(x Wh^T + Wbh + r * (h Rh^T + Rbh)), h = (1 - z) * n + z * h.

    check_gru_unnamed.py MODEL.onnx X.npy OUT_DIR...
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper

model = onnx.load(sys.argv[1])
w = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
W, R, B = w["W"][0], w["R"][0], w["B"][0]
H = R.shape[1]
x = np.load(sys.argv[2]).astype(np.float64)
sigmoid = lambda v: 1 / (1 + np.exp(-v))
h = np.zeros((x.shape[0], H))
ys = []
for t in range(x.shape[1]):
    gx = x[:, t] @ W.T + B[:3 * H]
    gh = h @ R.T + B[3 * H:]
    z = sigmoid(gx[:, :H] + gh[:, :H])
    r = sigmoid(gx[:, H:2 * H] + gh[:, H:2 * H])
    n = np.tanh(gx[:, 2 * H:] + r * gh[:, 2 * H:])
    h = (1 - z) * n + z * h
    ys.append(h)
y = np.stack(ys, 1)
for out in sys.argv[3:]:
    got_y = np.load(out + "/y.npy")
    got_h = np.load(out + "/hn.npy")
    ok = (got_y.shape == y.shape and np.allclose(got_y, y, atol=1e-5) and
          np.allclose(got_h, h[None], atol=1e-5))
    print(out.rsplit("/", 1)[-1], "match" if ok else "differ %s %s" % (
        got_y.shape, y.shape))
