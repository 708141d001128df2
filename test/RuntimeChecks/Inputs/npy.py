"""Writes small .npy inputs for the run-time check tests.

    npy.py OUT.npy=DTYPE[D0,D1,...]:FILL ...

FILL is one number (every element) or a comma-separated list of all the
elements, e.g. `ids.npy=i64[2,3]:0,1,2,3,4,-1` or `x.npy=f32[0,1,4]:1`.
"""
import sys

import numpy as np

DTYPES = {"f32": np.float32, "i64": np.int64, "i32": np.int32, "bool": np.bool_}

for spec in sys.argv[1:]:
    path, rest = spec.split("=", 1)
    head, fill = rest.split(":", 1)
    dtype, dims = head.rstrip("]").split("[")
    shape = tuple(int(d) for d in dims.split(",") if d)
    values = [float(v) for v in fill.split(",")]
    if len(values) == 1:
        array = np.full(shape, values[0], dtype=DTYPES[dtype])
    else:
        array = np.array(values, dtype=DTYPES[dtype]).reshape(shape)
    np.save(path, array)
