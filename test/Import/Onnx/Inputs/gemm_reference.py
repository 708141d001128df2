"""NumPy references of Inputs/gemm_forms.onnx's outputs (ONNX Gemm: alpha
* A' B' + beta * C, C broadcast to [M, N]): INPUT_DIR OUT_DIR prints 'NAME
ok' or 'NAME differ ERR' per output."""
import sys

import numpy as np

inputs, out = sys.argv[1], sys.argv[2]
a, at, b = (np.load(f"{inputs}/{n}.npy").astype(np.float64)
            for n in ("a", "at", "b"))


def weight(shape, seed):
    # Drawn as interop_graphs.py's local_const draws them.
    return np.random.default_rng(seed).standard_normal(shape).astype(
        np.float32).astype(np.float64)


Bc, Cm1 = weight((5, 4), 3), weight((3, 1), 4)
Cmn, Cn = weight((3, 4), 5), weight(4, 6)
expected = {
    "y_trans_a": 0.5 * at.T @ Bc,
    "y_input_b": a @ b.T + 2.0 * Cm1,
    "y_c_mn": 1.5 * a @ Bc - Cmn,
    "y_linear": a @ Bc + Cn,
}
for name, want in expected.items():
    got = np.load(f"{out}/{name}.npy")
    err = float(np.abs(got - want).max()) if got.shape == want.shape else -1
    print(name, "ok" if 0 <= err < 1e-4 else f"differ {err}")
