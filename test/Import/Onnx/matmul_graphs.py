"""ONNX MatMul in numpy.matmul's rank combinations (onnx.helper; PyTorch
writes the same node for `h @ v` with a vector v, attention pooling's
score): 1-D operands as a row or a column whose added dimension is
dropped, a matrix against a batch and back, and batch dimensions that
broadcast. Expected outputs from NumPy."""

import os
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper

from fixture_shapes import TEST_SHAPES

# name: (a's shape, b's shape, the output's), K and B dynamic.
CASES = {
    "vec_mat": (["K"], ["K", 5], [5]),
    "mat_vec": ([3, "K"], ["K"], [3]),
    "vec_vec": (["K"], ["K"], []),
    "vec_batch": (["K"], ["B", "K", 5], ["B", 5]),
    "batch_vec": (["B", 3, "K"], ["K"], ["B", 3]),
    "mat_batch": ([3, "K"], ["B", "K", 5], ["B", 3, 5]),
    "batch_mat": (["B", 3, "K"], ["K", 5], ["B", 3, 5]),
    "broadcast_4d": (["B", 1, 3, "K"], [2, "K", 5], ["B", 2, 3, 5]),
}


def write_matmul_ranks_model(out_dir):
    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    nodes, inputs, outputs = [], [], []
    for name, (a, b, out) in CASES.items():
        inputs += [f32(name + "_a", a), f32(name + "_b", b)]
        nodes.append(helper.make_node("MatMul", [name + "_a", name + "_b"],
                                      [name]))
        outputs.append(f32(name, out))
    model = helper.make_model(
        helper.make_graph(nodes, "matmul_ranks", inputs, outputs),
        opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "matmul_ranks.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"matmul_ranks"))
    for T, B in TEST_SHAPES:
        sizes = {"K": T, "B": B}
        for name, (a_shape, b_shape, _) in CASES.items():
            a, b = (rng.standard_normal([sizes.get(d, d) for d in s]).astype(
                np.float32) for s in (a_shape, b_shape))
            prefix = os.path.join(out_dir, f"matmul_ranks.t{T}")
            np.save(f"{prefix}.in.{name}_a.npy", a)
            np.save(f"{prefix}.in.{name}_b.npy", b)
            np.save(f"{prefix}.out.{name}.npy",
                    np.matmul(a.astype(np.float64), b).astype(np.float32))
