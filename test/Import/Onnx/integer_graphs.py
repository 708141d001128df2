"""int32 data through ONNX's integer-capable ops (what tf2onnx and
hand-built graphs write; PyTorch exports int64): elementwise arithmetic
(Div truncating toward zero, Mod with the divisor's sign), comparisons,
Where, reductions, ArgMax / ArgMin, CumSum, Gather and OneHot indices,
Cast, Concat and Transpose. Made with onnx.helper, expected outputs from
NumPy."""

import os
import zlib

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from fixture_shapes import TEST_SHAPES

BINARY = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply,
          "Div": lambda a, b: np.trunc(a / b.astype(np.float64)),
          "Mod": np.mod, "Max": np.maximum, "Min": np.minimum}
COMPARE = {"Less": np.less, "Greater": np.greater, "Equal": np.equal,
           "LessOrEqual": np.less_equal, "GreaterOrEqual": np.greater_equal}
UNARY = {"Neg": np.negative, "Abs": np.abs, "Sign": np.sign}
TABLE = np.arange(30, dtype=np.float32).reshape(10, 3)


def reference(a, b, c):
    """Every output of int32_ops.onnx for inputs a, b (int32 [T, 4]; b
    never 0) and c (bool [T, 4])."""
    out = {}
    for op, f in {**BINARY, **UNARY}.items():
        args = (a,) if op in UNARY else (a, b)
        out[op.lower()] = f(*args).astype(np.int32)
    for op, f in COMPARE.items():
        out[op.lower()] = f(a, b)
    ids = np.abs(a) % 10
    out.update({
        "where": np.where(c, a, b),
        "reduce_sum": a.sum(1, dtype=np.int32),
        "reduce_max": a.max(1),
        "argmax": a.argmax(1),
        "argmin_last": (3 - a[:, ::-1].argmin(1))[:, None],
        "cumsum": np.cumsum(a, 1, dtype=np.int32),
        "gather": TABLE[ids],
        "one_hot": np.eye(5, dtype=np.float32)[ids % 5],
        "cast": a.astype(np.float32),
        "concat": np.concatenate([a, b], 1),
        "transpose": a.T.copy()})
    return out


def write_int32_model(out_dir):
    i32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.INT32, s)
    t = lambda n, s, dtype: helper.make_tensor_value_info(n, dtype, s)
    node = helper.make_node
    nodes = [node(op, ["a", "b"], [op.lower()]) for op in BINARY]
    nodes += [node(op, ["a"], [op.lower()]) for op in UNARY]
    nodes += [node(op, ["a", "b"], [op.lower()]) for op in COMPARE]
    nodes += [
        node("Where", ["c", "a", "b"], ["where"]),
        node("ReduceSum", ["a", "axis1"], ["reduce_sum"], keepdims=0),
        node("ReduceMax", ["a"], ["reduce_max"], axes=[1], keepdims=0),
        node("ArgMax", ["a"], ["argmax"], axis=1, keepdims=0),
        node("ArgMin", ["a"], ["argmin_last"], axis=1, select_last_index=1),
        node("CumSum", ["a", "axis1_i32"], ["cumsum"]),
        node("Abs", ["a"], ["abs_a"]),
        node("Mod", ["abs_a", "ten"], ["ids"]),
        node("Gather", ["table", "ids"], ["gather"], axis=0),
        node("Mod", ["ids", "five"], ["ids5"]),
        node("OneHot", ["ids5", "depth", "off_on"], ["one_hot"]),
        node("Cast", ["a"], ["cast"], to=TensorProto.FLOAT),
        node("Concat", ["a", "b"], ["concat"], axis=1),
        node("Transpose", ["a"], ["transpose"], perm=[1, 0])]
    rng = np.random.default_rng(zlib.crc32(b"int32_ops"))
    probe = reference(*example(2, rng))
    dtypes = {np.dtype(np.int32): TensorProto.INT32,
              np.dtype(np.int64): TensorProto.INT64,
              np.dtype(np.float32): TensorProto.FLOAT,
              np.dtype(bool): TensorProto.BOOL}
    outputs = [t(name, ["T"] + list(value.shape[1:]) if name != "transpose"
                 else [4, "T"], dtypes[value.dtype])
               for name, value in probe.items()]
    inits = [numpy_helper.from_array(np.array([1], np.int64), "axis1"),
             numpy_helper.from_array(np.array(1, np.int32), "axis1_i32"),
             numpy_helper.from_array(np.array(10, np.int32), "ten"),
             numpy_helper.from_array(np.array(5, np.int32), "five"),
             numpy_helper.from_array(TABLE, "table"),
             numpy_helper.from_array(np.array(5, np.int64), "depth"),
             numpy_helper.from_array(np.array([0, 1], np.float32),
                                     "off_on")]
    graph = helper.make_graph(
        nodes, "int32_ops",
        [i32("a", ["T", 4]), i32("b", ["T", 4]),
         t("c", ["T", 4], TensorProto.BOOL)], outputs, inits)
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 14)])
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(out_dir, "int32_ops.onnx"))
    for T, _ in TEST_SHAPES:
        a, b, c = example(T, rng)
        for key, value in {"a": a, "b": b, "c": c}.items():
            np.save(os.path.join(out_dir, f"int32_ops.t{T}.in.{key}.npy"),
                    value)
        for key, value in reference(a, b, c).items():
            np.save(os.path.join(out_dir, f"int32_ops.t{T}.out.{key}.npy"),
                    value)


def example(T, rng):
    a = rng.integers(-20, 20, (T, 4)).astype(np.int32)
    a[0, :2] = 7                          # a tie for ArgMax / ArgMin
    b = (rng.integers(1, 7, (T, 4)) * rng.choice([-1, 1], (T, 4))).astype(
        np.int32)
    return a, b, rng.random((T, 4)) < 0.5


def write_size_cast_like_model(out_dir):
    """Size (torch's x.numel(): the element count as an int64 scalar, here
    dividing x) and CastLike (opset 15: Cast to another tensor's dtype)
    from int64 to float, float to int64 (truncating toward zero), float to
    bool, bool to float, and float to a FLOAT16 value (rounding to half). Made with onnx.helper, expected outputs from
    NumPy."""
    nodes = [
        helper.make_node("Size", ["x"], ["numel"]),
        helper.make_node("CastLike", ["numel", "x"], ["numel_f"]),
        helper.make_node("Div", ["x", "numel_f"], ["scaled"]),
        helper.make_node("CastLike", ["ids", "x"], ["ids_f"]),
        helper.make_node("CastLike", ["x", "ids"], ["x_i"]),
        helper.make_node("Greater", ["ids", "zero"], ["positive"]),
        helper.make_node("CastLike", ["x", "positive"], ["nonzero"]),
        helper.make_node("CastLike", ["nonzero", "x"], ["nonzero_f"]),
        # To a FLOAT16 value (held as f32 by seqc): the dtype comes from
        # the Cast that makes it, and the values are rounded to half.
        helper.make_node("Cast", ["x"], ["half"], to=TensorProto.FLOAT16),
        helper.make_node("Mul", ["x", "thousand"], ["big"]),
        helper.make_node("CastLike", ["big", "half"], ["big_half"]),
        helper.make_node("Cast", ["big_half"], ["rounded"],
                         to=TensorProto.FLOAT),
    ]
    graph = helper.make_graph(
        nodes, "size_cast_like",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "T", 4]),
         helper.make_tensor_value_info("ids", TensorProto.INT64,
                                       ["B", "T", 4])],
        [helper.make_tensor_value_info("numel", TensorProto.INT64, []),
         helper.make_tensor_value_info("scaled", TensorProto.FLOAT,
                                       ["B", "T", 4]),
         helper.make_tensor_value_info("ids_f", TensorProto.FLOAT,
                                       ["B", "T", 4]),
         helper.make_tensor_value_info("x_i", TensorProto.INT64,
                                       ["B", "T", 4]),
         helper.make_tensor_value_info("nonzero_f", TensorProto.FLOAT,
                                       ["B", "T", 4]),
         helper.make_tensor_value_info("rounded", TensorProto.FLOAT,
                                       ["B", "T", 4])],
        initializer=[helper.make_tensor("zero", TensorProto.INT64, [], [0]),
                     helper.make_tensor("thousand", TensorProto.FLOAT, [],
                                        [1000.0])])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 15)]),
              os.path.join(out_dir, "size_cast_like.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"size_cast_like"))
    for T, B in TEST_SHAPES:
        x = (4 * rng.standard_normal((B, T, 4))).astype(np.float32)
        x[0, 0, :2] = 0.0                       # CastLike to bool: False
        ids = rng.integers(-5, 50, size=(B, T, 4)).astype(np.int64)
        outputs = {
            "numel": np.array(x.size, dtype=np.int64),
            "scaled": (x / np.float32(x.size)).astype(np.float32),
            "ids_f": ids.astype(np.float32),
            "x_i": np.trunc(x).astype(np.int64),
            "nonzero_f": (x != 0).astype(np.float32),
            "rounded": (x * np.float32(1000)).astype(np.float16).astype(
                np.float32),
        }
        prefix = os.path.join(out_dir, f"size_cast_like.t{T}")
        np.save(prefix + ".in.x.npy", x)
        np.save(prefix + ".in.ids.npy", ids)
        for name, value in outputs.items():
            np.save(prefix + f".out.{name}.npy", value)
