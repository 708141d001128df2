"""Compares cast-out-of-range.test's outputs with PyTorch 1.13's results
(torch.tensor(EDGE, dtype=torch.float32).to(dtype).tolist(), written out
here so that the test needs only NumPy)."""
import sys

import numpy as np

I64_MIN, I32_MIN = -2 ** 63, -2 ** 31
EXPECTED = {
    "i64": [I64_MIN, I64_MIN, I64_MIN, 3000000000, I64_MIN, 300, -1,
            -3000000000, 2500000000, -2, 2147483648, -2147483648],
    "i32": [I32_MIN] * 5 + [300, -1, I32_MIN, I32_MIN, -2, I32_MIN, I32_MIN],
    "i16": [0] * 5 + [300, -1, 0, 0, -2, 0, 0],
    "i8": [0] * 5 + [44, -1, 0, 0, -2, 0, 0],
    "u8": [0] * 5 + [44, 255, 0, 0, 254, 0, 0],
}
for name, want in EXPECTED.items():
    for prefix in ("", "c"):
        got = np.load(f"{sys.argv[1]}/{prefix}{name}.npy").astype(np.int64)
        print(prefix + name,
              "match" if got.tolist() == want else f"differ {got.tolist()}")
