"""ONNX Slice with bounds computed from the input's shape at run time
(T - 1, -(T // 2), T // 3, T + 3) or read from an input tensor, mixed with
constant bounds and with a negative step on another axis of the same node:
ONNX's clamping rule at run time. Also the extremes: INT64_MIN / INT64_MAX
bounds and steps, a step larger than a negative start's distance from the
end (x[:, -5::7], one element of any non-empty dimension), a start at the
end of a static dimension with a run-time end (empty), a shape vector
sliced with empty starts and ends (unchanged), and integer values known
element by element (an int64 table, shape values reshaped to pairs)
sliced with run-time bounds. Made with onnx.helper; expected outputs from Python's slicing,
whose clamping of starts and ends (positive and negative steps) is the
rule the ONNX Slice operator documents."""

import os
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper

from fixture_shapes import TEST_SHAPES

INT64_MAX = np.iinfo(np.int64).max
INT64_MIN = np.iinfo(np.int64).min


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
        # x[:, -5::7]: one element of any non-empty T; x[:, -4:-1:5]: one
        # element once T >= 2.
        helper.make_node("Slice", ["x", "minus_5", "to_end", "axes_1",
                                   "seven"], ["f"]),
        helper.make_node("Slice", ["x", "minus_4", "minus_1", "axes_1",
                                   "five"], ["g"]),
        # x[:, INT64_MIN:]: all of it.
        helper.make_node("Slice", ["x", "int64_min", "to_end", "axes_1"],
                         ["h"]),
        # x[:, :, 6:T]: from the end of the static axis, empty.
        helper.make_node("Slice", ["x", "six", "T", "axes_2"], ["i"]),
        # x[:, 3:0:INT64_MIN] and x[:, T-2::-1]: negative steps, the second
        # with a run-time start.
        helper.make_node("Slice", ["x", "three", "zero", "axes_1",
                                   "int64_min"], ["j"]),
        helper.make_node("Sub", ["T", "two"], ["T_minus_2"]),
        helper.make_node("Slice", ["x", "T_minus_2", "int64_min", "axes_1",
                                   "minus_1"], ["k"]),
        # x[:, s:, ::-1] with s an input tensor.
        helper.make_node("Concat", ["s", "minus_1"], ["starts_l"], axis=0),
        helper.make_node("Slice", ["x", "starts_l", "ends_l", "axes_12",
                                   "steps_l"], ["l"]),
        # Reshape(x, Shape(x)[]): a shape vector sliced by nothing.
        helper.make_node("Slice", ["shape", "empty", "empty"], ["same"]),
        helper.make_node("Reshape", ["x", "same"], ["m"]),
        # arange(64)[:T] of an int64 table, and [[B, T], [6, B], [T, 6]]
        # (Shape(x) twice, as pairs) from row T on, flattened.
        helper.make_node("Slice", ["table", "zero", "T", "zero"],
                         ["positions"]),
        helper.make_node("Cast", ["positions"], ["n"], to=TensorProto.FLOAT),
        helper.make_node("Concat", ["shape", "shape"], ["shape2"], axis=0),
        helper.make_node("Reshape", ["shape2", "pairs"], ["shape_pairs"]),
        helper.make_node("Slice", ["shape_pairs", "T", "to_end", "zero"],
                         ["later_pairs"]),
        helper.make_node("Reshape", ["later_pairs", "minus_1"], ["flat"]),
        helper.make_node("Cast", ["flat"], ["o"], to=TensorProto.FLOAT),
    ]
    out = lambda name: helper.make_tensor_value_info(
        name, TensorProto.FLOAT, ["B", None, None])
    graph = helper.make_graph(
        nodes, "runtime_slices",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["B", "T", 6]),
         helper.make_tensor_value_info("s", TensorProto.INT64, [1])],
        [out(n) for n in "abcdefghijklm"] +
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, [None])
         for n in "no"],
        initializer=[i64("one", [1]), i64("two", [2]), i64("three", [3]),
                     i64("minus_2", [-2]), i64("minus_100", [-100]),
                     i64("starts_a", [0, 5]), i64("axes_12", [1, 2]),
                     i64("steps_a", [1, -2]), i64("axes_1", [1]),
                     i64("to_end", [INT64_MAX]), i64("minus_5", [-5]),
                     i64("seven", [7]), i64("minus_4", [-4]),
                     i64("minus_1", [-1]), i64("five", [5]),
                     i64("int64_min", [INT64_MIN]), i64("six", [6]),
                     i64("axes_2", [2]), i64("zero", [0]),
                     i64("ends_l", [INT64_MAX, INT64_MIN]),
                     i64("steps_l", [1, -1]),
                     helper.make_tensor("empty", TensorProto.INT64, [0],
                                        []),
                     i64("table", list(range(64))), i64("pairs", [3, 2])])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 13)]),
              os.path.join(out_dir, "runtime_slices.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"runtime_slices"))
    for T, B in TEST_SHAPES:
        x = rng.standard_normal((B, T, 6)).astype(np.float32)
        start = np.array([-1 if T == 3 else T // 2], dtype=np.int64)
        outputs = {
            "a": x[:, 0:T - 1, 5:-100:-2],
            "b": x[:, -(T // 2):],
            "c": x[:, T // 3:T + 3:2],
            "d": x[:, -2:T - 1],
            "e": x[:, T - 1:1],
            "f": x[:, -5::7],
            "g": x[:, -4:-1:5],
            "h": x[:, -2**63:],
            "i": x[:, :, 6:T],
            "j": x[:, 3:0:-2**62],
            "k": x[:, T - 2::-1],
            "l": x[:, int(start[0]):, ::-1],
            "m": x,
            "n": np.arange(64, dtype=np.float32)[:T],
            "o": np.array([[B, T], [6, B], [T, 6]],
                          dtype=np.float32)[T:].reshape(-1),
        }
        prefix = os.path.join(out_dir, f"runtime_slices.t{T}")
        np.save(prefix + ".in.x.npy", x)
        np.save(prefix + ".in.s.npy", start)
        for name, value in outputs.items():
            np.save(prefix + f".out.{name}.npy", np.ascontiguousarray(value))
