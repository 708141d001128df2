"""Helpers the example generators share: float32 tensors as MLIR constants.

Weights are embedded with MLIR's hex form of DenseElementsAttr,
`dense<"0x...">`, whose bytes are the raw little-endian float32 data.
"""

import numpy as np


def tensor_type(shape, dims=None):
    """`tensor<AxBxf32>`; a dimension named in `dims` is dynamic (`?`)."""
    dims = dims or [""] * len(shape)
    sizes = ["?" if d else str(s) for s, d in zip(shape, dims)]
    return "tensor<" + "x".join(sizes + ["f32"]) + ">"


def constant(name, array):
    """`%name = arith.constant dense<"0x..."> : tensor<...>`."""
    a = np.ascontiguousarray(array, dtype="<f4")
    return '  %%%s = arith.constant dense<"0x%s"> : %s\n' % (
        name, a.tobytes().hex().upper(), tensor_type(a.shape))


def arg_attrs(name, dims):
    return '{seq.name = "%s", seq.dims = [%s]}' % (
        name, ", ".join('"%s"' % d for d in dims))
