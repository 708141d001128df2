"""Compares the .npy files of the same names in two folders.

Prints 'match: NAME ...' when every pair has the same shape, the same
NaN and infinities in the same places, and max |a - b| <= 1e-5 *
max(1, max |a|) over the finite elements, else 'MISMATCH: NAME ...'
(exit 1).
"""
import sys

import numpy as np

a_dir, b_dir, names = sys.argv[1], sys.argv[2], sys.argv[3:]
bad = []
for name in names:
    a = np.load(f"{a_dir}/{name}.npy")
    b = np.load(f"{b_dir}/{name}.npy")
    if (a.shape != b.shape or (np.isnan(a) != np.isnan(b)).any() or
            (np.isinf(a) != np.isinf(b)).any() or
            (a[np.isinf(a)] != b[np.isinf(b)]).any()):
        bad.append(name)
        continue
    a, b = a[np.isfinite(a)], b[np.isfinite(b)]
    scale = max(1.0, float(np.abs(a).max(initial=0)))
    if not np.abs(a - b).max(initial=0) <= 1e-5 * scale:
        bad.append(name)
if bad:
    print("MISMATCH:", " ".join(bad))
    sys.exit(1)
print("match:", " ".join(names))
