"""A causal dilated conv1d ([B, C, T] -> [B, O, T]) and its NumPy
reference, for the output channels that seqc-lower-outer-product-
contractions splits over threads in shares of whole row tiles (O is no
multiple of the 4- or 6-channel tile, so the last share also takes the
channels after the last whole tile).

    conv_case.py write DIR B C O T DILATION -> DIR/model.seq, weights,
                                               x.npy, expected.npy
    conv_case.py check DIR/expected.npy DIR/out/y.npy
"""
import os
import sys

import numpy as np

from linear_case import check, write_safetensors

KERNEL = 3


def write(directory, b, c, o, t, dilation):
    rng = np.random.default_rng(b * 1000 + c * 10 + o)
    w = rng.standard_normal((o, c, KERNEL)).astype(np.float32) / np.sqrt(c)
    bias = rng.standard_normal(o).astype(np.float32)
    x = rng.standard_normal((b, c, t)).astype(np.float32)
    write_safetensors(os.path.join(directory, "w.safetensors"),
                      {"conv.weight": w, "conv.bias": bias})
    with open(os.path.join(directory, "model.seq"), "w") as f:
        f.write('weights "w.safetensors"\ninput x: f32[B, %d, T]\n'
                'y = conv1d(x, out=%d, kernel=%d, dilation=%d, causal=true, '
                'name=conv)\noutput y\n' % (c, o, KERNEL, dilation))
    np.save(os.path.join(directory, "x.npy"), x)
    pad = dilation * (KERNEL - 1)
    xp = np.concatenate([np.zeros((b, c, pad)), x.astype(np.float64)], 2)
    y = np.zeros((b, o, t)) + bias[None, :, None]
    for k in range(KERNEL):
        # Tap k reads x[t - pad + k * dilation].
        y += np.einsum("oc,bct->bot", w[:, :, k].astype(np.float64),
                       xp[:, :, k * dilation:k * dilation + t])
    np.save(os.path.join(directory, "expected.npy"), y)


if __name__ == "__main__":
    if sys.argv[1] == "write":
        write(sys.argv[2], *(int(v) for v in sys.argv[3:8]))
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
