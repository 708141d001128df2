"""NumPy references of Inputs/auto_pad_ops.onnx's outputs: X.npy XS.npy
OUT_DIR prints 'NAME ok' or 'NAME differ ...' per output. The pads follow
the ONNX Conv/MaxPool documentation: SAME_* make the output ceil(size /
stride) long, the odd step of padding at the end (UPPER) or start (LOWER);
VALID pads nothing."""
import sys

import numpy as np

x, xs, out = np.load(sys.argv[1]), np.load(sys.argv[2]), sys.argv[3]
# The graph's weights, drawn as interop_graphs.py's local_const draws them.
weights = {
    name: np.random.default_rng(seed).standard_normal(shape).astype(
        np.float32).astype(np.float64)
    for name, shape, seed in [("Wa", (3, 2, 4), 1), ("Wb", (3, 2, 3, 2), 2)]}


def same_pads(size, kernel, stride, dilation, upper):
    extent = dilation * (kernel - 1) + 1
    out_len = -(-size // stride)
    total = max((out_len - 1) * stride + extent - size, 0)
    begin = total // 2 if upper else total - total // 2
    return begin, total - begin


def window(v, pads, kernel, stride, dilation, fill):
    """v [N, C, *S] padded by pads [(b, e)...]: the windows, as
    [N, C, *out, *kernel]."""
    padded = np.pad(v, [(0, 0), (0, 0)] + list(pads), constant_values=fill)
    spatial = padded.shape[2:]
    outs = [(s - (dilation[i] * (kernel[i] - 1) + 1)) // stride[i] + 1
            for i, s in enumerate(spatial)]
    res = np.empty(v.shape[:2] + tuple(outs) + tuple(kernel))
    for o in np.ndindex(*outs):
        for k in np.ndindex(*kernel):
            idx = tuple(o[i] * stride[i] + k[i] * dilation[i]
                        for i in range(len(o)))
            res[(slice(None), slice(None)) + o + k] = \
                padded[(slice(None), slice(None)) + idx]
    return res


def conv(v, w, pads, stride, dilation):
    win = window(v, pads, w.shape[2:], stride, dilation, 0.0)
    n = len(w.shape) - 2
    axes_w = [1] + list(range(2, 2 + n))
    axes_v = [1] + list(range(2 + n, 2 + 2 * n))
    res = np.tensordot(win, w, axes=(axes_v, axes_w))  # [N, *out, Cout]
    return np.moveaxis(res, -1, 1)


def maxpool(v, kernel, pads, stride):
    win = window(v, pads, kernel, stride, [1] * len(kernel), -np.inf)
    return win.reshape(win.shape[:2 + len(kernel)] + (-1,)).max(-1)


T = x.shape[2]
x64, xs64 = x.astype(np.float64), xs.astype(np.float64)
Wa, Wb = weights["Wa"], weights["Wb"]
expected = {
    "c_upper": conv(x64, Wa, [same_pads(T, 4, 1, 1, True)], [1], [1]),
    "c_lower": conv(x64, Wa, [same_pads(T, 4, 1, 2, False)], [1], [2]),
    "c_valid": conv(x64, Wa, [(0, 0)], [1], [1]),
    "p_upper": maxpool(x64, [2], [same_pads(T, 2, 1, 1, True)], [1]),
    "c2": conv(xs64, Wb, [same_pads(7, 3, 2, 1, False),
                          same_pads(6, 2, 2, 1, False)], [2, 2], [1, 1]),
    "p2": maxpool(xs64, [2, 3], [same_pads(7, 2, 2, 1, True),
                                 same_pads(6, 3, 2, 1, True)], [2, 2]),
}
for name, want in expected.items():
    got = np.load(f"{out}/{name}.npy")
    err = float(np.abs(got - want).max()) if got.shape == want.shape else -1
    print(name, "ok" if 0 <= err < 1e-4 else f"differ {err} {got.shape} "
          f"{want.shape}")
