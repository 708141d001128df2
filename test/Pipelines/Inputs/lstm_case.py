"""A one-layer nn.LSTM model in .seq and its NumPy reference (the gate
equations of torch.nn.LSTM's documentation, gates in i, f, g, o order):

    lstm_case.py write DIR T B I H   -> DIR/model.seq, weights, x.npy,
                                        expected.npy
    lstm_case.py check DIR/expected.npy DIR/out/y.npy   (linear_case.py's)
"""
import os
import sys

import numpy as np

from linear_case import check, write_safetensors


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def write(directory, t, b, i, h):
    rng = np.random.default_rng(t * 1000 + h)
    bound = 1.0 / np.sqrt(h)
    w = {name: rng.uniform(-bound, bound, shape).astype(np.float32)
         for name, shape in [("enc.weight_ih_l0", (4 * h, i)),
                             ("enc.weight_hh_l0", (4 * h, h)),
                             ("enc.bias_ih_l0", (4 * h,)),
                             ("enc.bias_hh_l0", (4 * h,))]}
    x = rng.standard_normal((t, b, i)).astype(np.float32)
    write_safetensors(os.path.join(directory, "w.safetensors"), w)
    with open(os.path.join(directory, "model.seq"), "w") as f:
        f.write('weights "w.safetensors"\ninput x: f32[T, B, %d]\n'
                'enc = lstm(x, hidden=%d)\noutput enc\n' % (i, h))
    np.save(os.path.join(directory, "x.npy"), x)
    wi, wh = (w["enc.weight_ih_l0"].astype(np.float64),
              w["enc.weight_hh_l0"].astype(np.float64))
    bias = (w["enc.bias_ih_l0"] + w["enc.bias_hh_l0"]).astype(np.float64)
    hs, cs = np.zeros((b, h)), np.zeros((b, h))
    ys = []
    for step in range(t):
        gates = x[step].astype(np.float64) @ wi.T + hs @ wh.T + bias
        ig, fg, gg, og = np.split(gates, 4, axis=1)
        cs = sigmoid(fg) * cs + sigmoid(ig) * np.tanh(gg)
        hs = sigmoid(og) * np.tanh(cs)
        ys.append(hs)
    np.save(os.path.join(directory, "expected.npy"), np.stack(ys))


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], *(int(v) for v in sys.argv[3:7]))
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
