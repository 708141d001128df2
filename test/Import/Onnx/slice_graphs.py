"""ONNX Slice with bounds computed from the input's shape at run time
(T - 1, -(T // 2), T // 3, T + 3), mixed with constant bounds and with a
negative step on another axis of the same node: ONNX's clamping rule at
run time. Made with onnx.helper; expected outputs from Python's slicing,
whose clamping of starts and ends (positive and negative steps) is the
rule the ONNX Slice operator documents."""

import os
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper

from fixture_shapes import TEST_SHAPES

INT64_MAX = np.iinfo(np.int64).max


def write_runtime_slices_model(out_dir):
    i64 = lambda name, values: helper.make_tensor(
        name, TensorProto.INT64, [len(values)], values)
    nodes = [
        helper.make_node("Shape", ["x"], ["shape"]),
        helper.make_node("Gather", ["shape", "one"], ["T"], axis=0),  # [1]
        helper.make_node("Sub", ["T", "one"], ["T_minus_1"]),
        helper.make_node("Div", ["T", "two"], ["half_T"]),
        helper.make_node("Neg", ["half_T"], ["minus_half_T"]),
        helper.make_node("Div", ["T", "three"], ["third_T"]),
        helper.make_node("Add", ["T", "three"], ["T_plus_3"]),
        # x[:, :T-1, 5::-2]: a run-time end beside a negative step.
        helper.make_node("Concat", ["T_minus_1", "minus_100"], ["ends_a"],
                         axis=0),
        helper.make_node("Slice", ["x", "starts_a", "ends_a", "axes_12",
                                   "steps_a"], ["a"]),
        # x[:, -(T//2):]: a run-time negative start, counted from the end.
        helper.make_node("Slice", ["x", "minus_half_T", "to_end", "axes_1"],
                         ["b"]),
        # x[:, T//3 : T+3 : 2]: a run-time start, an end past the dimension.
        helper.make_node("Slice", ["x", "third_T", "T_plus_3", "axes_1",
                                   "two"], ["c"]),
        # x[:, -2 : T-1]: a constant negative start, a run-time end.
        helper.make_node("Slice", ["x", "minus_2", "T_minus_1", "axes_1"],
                         ["d"]),
        # x[:, T-1 : 1]: start past end, an empty slice.
        helper.make_node("Slice", ["x", "T_minus_1", "one", "axes_1"], ["e"]),
    ]
    out = lambda name: helper.make_tensor_value_info(
        name, TensorProto.FLOAT, ["B", None, None])
    graph = helper.make_graph(
        nodes, "runtime_slices",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["B", "T", 6])],
        [out(n) for n in "abcde"],
        initializer=[i64("one", [1]), i64("two", [2]), i64("three", [3]),
                     i64("minus_2", [-2]), i64("minus_100", [-100]),
                     i64("starts_a", [0, 5]), i64("axes_12", [1, 2]),
                     i64("steps_a", [1, -2]), i64("axes_1", [1]),
                     i64("to_end", [INT64_MAX])])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 13)]),
              os.path.join(out_dir, "runtime_slices.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"runtime_slices"))
    for T, B in TEST_SHAPES:
        x = rng.standard_normal((B, T, 6)).astype(np.float32)
        outputs = {
            "a": x[:, 0:T - 1, 5:-100:-2],
            "b": x[:, -(T // 2):],
            "c": x[:, T // 3:T + 3:2],
            "d": x[:, -2:T - 1],
            "e": x[:, T - 1:1],
        }
        prefix = os.path.join(out_dir, f"runtime_slices.t{T}")
        np.save(prefix + ".in.x.npy", x)
        for name, value in outputs.items():
            np.save(prefix + f".out.{name}.npy", np.ascontiguousarray(value))
