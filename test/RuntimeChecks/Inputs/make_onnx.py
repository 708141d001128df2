"""Writes the small ONNX models of the run-time check tests (committed; run
again only to change them). Built with onnx.helper the way torch.onnx.export
writes these patterns: a learned position table added as an initializer of
the export length, and an embedding lookup as Gather on an initializer.

    /usr/bin/python3 make_onnx.py   # writes pos_add.onnx and gather.onnx here
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

here = os.path.dirname(os.path.abspath(__file__))

# y[B, T, 8] = x[B, T, 8] + pos[1, 16, 8]: only runs at T = 16.
pos = numpy_helper.from_array(
    np.arange(16 * 8, dtype=np.float32).reshape(1, 16, 8) / 100, "pos")
graph = helper.make_graph(
    [helper.make_node("Add", ["x", "pos"], ["y"], name="Add_0")], "pos_add",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "T", 8])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["B", "T", 8])],
    [pos])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]),
          os.path.join(here, "pos_add.onnx"))

# e[N, 3] = table[5, 3][ids[N]], ids in [-5, 5) (ONNX Gather).
table = numpy_helper.from_array(
    np.arange(15, dtype=np.float32).reshape(5, 3), "table")
graph = helper.make_graph(
    [helper.make_node("Gather", ["table", "ids"], ["e"], name="Gather_0",
                      axis=0)], "gather",
    [helper.make_tensor_value_info("ids", TensorProto.INT64, ["N"])],
    [helper.make_tensor_value_info("e", TensorProto.FLOAT, ["N", 3])],
    [table])
onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)]),
          os.path.join(here, "gather.onnx"))


def attention(name, mask_nodes, mask_inputs, scores_name, initializers=()):
    """softmax(q k^T * 0.5 [masked]) v over q, k, v [N, L, 4], as
    nn.MultiheadAttention exports it per (batch * head)."""
    nodes = [
        helper.make_node("Transpose", ["k"], ["kt"], name="Transpose_0",
                         perm=[0, 2, 1]),
        helper.make_node("MatMul", ["q", "kt"], ["qk"], name="MatMul_1"),
        helper.make_node("Mul", ["qk", "half"], ["s"], name="Mul_2"),
    ] + mask_nodes + [
        helper.make_node("Softmax", [scores_name], ["p"], name="Softmax_4",
                         axis=-1),
        helper.make_node("MatMul", ["p", "v"], ["y"], name="MatMul_5"),
    ]
    inputs = [helper.make_tensor_value_info(n, TensorProto.FLOAT, ["N", "L", 4])
              for n in ("q", "k", "v")] + mask_inputs
    graph = helper.make_graph(
        nodes, name, inputs,
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", "L", 4])],
        [numpy_helper.from_array(np.array(0.5, dtype=np.float32), "half")] +
        list(initializers))
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(here, name + ".onnx"))


# An additive key-padding mask [N, 1, L] per (batch * head).
attention("attn_padmask",
          [helper.make_node("Add", ["s", "mask"], ["sm"], name="Add_3")],
          [helper.make_tensor_value_info("mask", TensorProto.FLOAT,
                                         ["N", 1, "L"])], "sm")
# masked_fill(mask, -1e9) with a boolean [N, L, L] mask (True = masked).
fill = numpy_helper.from_array(np.array(-1e9, dtype=np.float32), "fill")
attention("attn_finite_fill",
          [helper.make_node("Constant", [], ["fill"], name="Constant_fill",
                            value=fill),
           helper.make_node("Where", ["masked", "fill", "s"], ["sm"],
                            name="Where_3")],
          [helper.make_tensor_value_info("masked", TensorProto.BOOL,
                                         ["N", "L", "L"])], "sm")


def save(name, nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, name, inputs, outputs, list(initializers))
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(here, name + ".onnx"))


def f32(name, dims):
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, dims)


# Two batch axes the exporter named differently: they must still agree.
save("named_axes", [helper.make_node("Add", ["a", "b"], ["y"], name="Add_0")],
     [f32("a", ["B1", 4]), f32("b", ["B2", 4])], [f32("y", ["B1", 4])])
# A product whose contraction sizes are both dynamic.
save("matmul_k", [helper.make_node("MatMul", ["a", "b"], ["y"],
                                   name="MatMul_0")],
     [f32("a", ["M", "K1"]), f32("b", ["K2", 3])], [f32("y", ["M", 3])])
# An LSTM whose initial state is Expand(zeros[1, 3, H]) with the export
# batch (3) baked in, as exporters write `torch.zeros(1, 3, H)`.
rng = np.random.default_rng(0)
H, I = 2, 3
save("lstm_baked_batch", [
    helper.make_node("Expand", ["zeros", "h_shape"], ["h0"], name="Expand_0"),
    helper.make_node("LSTM", ["x", "W", "R", "", "", "h0", "h0"],
                     ["y", "", ""], name="LSTM_1", hidden_size=H),
], [f32("x", ["T", "B", I])], [f32("y", ["T", 1, "B", H])], [
    numpy_helper.from_array(np.zeros((1, 3, H), np.float32), "zeros"),
    numpy_helper.from_array(np.array([1, 3, H], np.int64), "h_shape"),
    numpy_helper.from_array(
        rng.standard_normal((1, 4 * H, I)).astype(np.float32), "W"),
    numpy_helper.from_array(
        rng.standard_normal((1, 4 * H, H)).astype(np.float32), "R"),
])
# An LSTM whose W and R are graph inputs with dynamic dims: W's width must
# still be the input's feature size, R's rows 4*H.
save("lstm_graph_weights", [
    helper.make_node("LSTM", ["x", "W", "R"], ["y"], name="LSTM_0",
                     hidden_size=H),
], [f32("x", ["T", "B", I]), f32("W", [1, "G", "J"]), f32("R", [1, "G2", "K"])],
    [f32("y", ["T", 1, "B", H])])
# Reshape to a shape that is a run-time input.
save("reshape_runtime",
     [helper.make_node("Reshape", ["x", "s"], ["y"], name="Reshape_0")],
     [f32("x", ["A", "B"]),
      helper.make_tensor_value_info("s", TensorProto.INT64, [2])],
     [f32("y", ["C", "D"])])
# Expand to a shape that is a run-time input.
save("expand_runtime",
     [helper.make_node("Expand", ["x", "s"], ["y"], name="Expand_0")],
     [f32("x", [3, 1]),
      helper.make_tensor_value_info("s", TensorProto.INT64, [2])],
     [f32("y", [3, "N"])])
# Shape ops whose sizes only the run decides (found by an attack helper):
# y = x.reshape(B * T, -1) and back, the row mean taken out in between
# (the -1 is C: the grouping was guessed as [B, T * C]); Reshape to the
# shape of another input; a Squeeze of a dynamic dimension; a Split with
# constant sizes of a dynamic one, and one into equal parts.
i64 = lambda name, values: helper.make_tensor(
    name, TensorProto.INT64, [len(values)], values)
save("reshape_rows", [
    helper.make_node("Shape", ["x"], ["shape"]),
    helper.make_node("Gather", ["shape", "zero"], ["b"], axis=0),
    helper.make_node("Gather", ["shape", "one"], ["t"], axis=0),
    helper.make_node("Mul", ["b", "t"], ["bt"]),
    helper.make_node("Concat", ["bt", "minus_one"], ["rows"], axis=0),
    helper.make_node("Reshape", ["x", "rows"], ["r"], name="Reshape_0"),
    helper.make_node("ReduceMean", ["r"], ["m"], axes=[-1]),
    helper.make_node("Sub", ["r", "m"], ["c"]),
    helper.make_node("Reshape", ["c", "shape"], ["y"], name="Reshape_1"),
    helper.make_node("Shape", ["z"], ["zshape"]),
    helper.make_node("Reshape", ["x", "zshape"], ["w"], name="Reshape_2"),
], [f32("x", ["B", "T", 4]), f32("z", ["N", "M"])],
    [f32("y", ["B", "T", 4]), f32("w", ["N", "M"])],
    [i64("zero", [0]), i64("one", [1]), i64("minus_one", [-1])])
save("squeeze_split", [
    helper.make_node("Squeeze", ["x", "axis1"], ["s"], name="Squeeze_0"),
    helper.make_node("Split", ["v", "sizes"], ["a", "b"], axis=1,
                     name="Split_0"),
    helper.make_node("Split", ["u"], ["c", "d"], axis=1, name="Split_1"),
], [f32("x", ["B", "T", 4]), f32("v", ["B", "L", 4]),
    f32("u", ["B", "K", 4])],
    [f32("s", ["B", 4]), f32("a", ["B", 1, 4]), f32("b", ["B", 3, 4]),
     f32("c", ["B", "H", 4]), f32("d", ["B", "H", 4])],
    [i64("axis1", [1]), i64("sizes", [1, 3])])
# Squeeze without axes (only static 1s can go), and a Reshape to a shape
# given at run time whose sizes the input's guessed groups are checked
# against.
save("squeeze_all", [
    helper.make_node("Squeeze", ["x"], ["y"], name="Squeeze_1"),
], [f32("x", ["B", 1, 4])], [f32("y", ["B", 4])])
save("reshape_given", [
    helper.make_node("Reshape", ["x", "s"], ["y"], name="Reshape_3"),
], [f32("x", ["B", "T", 4]),
    helper.make_tensor_value_info("s", TensorProto.INT64, [2])],
    [f32("y", ["N", "M"])])
# A three-entry target read on each run: ONNX's 0 (copy) and -1 (infer)
# are decided then.
save("reshape_given3", [
    helper.make_node("Reshape", ["x", "s"], ["y"], name="Reshape_4"),
], [f32("x", ["B", "T", 4]),
    helper.make_tensor_value_info("s", TensorProto.INT64, [3])],
    [f32("y", ["N", "M", "K"])])
# zeros(T - 5, 4): a negative size on a run with T < 5.
save("zeros_short", [
    helper.make_node("Shape", ["x"], ["s"], name="Shape_0"),
    helper.make_node("Gather", ["s", "one"], ["t"], name="Gather_1", axis=0),
    helper.make_node("Add", ["t", "minus5"], ["n"], name="Add_2"),
    helper.make_node("Concat", ["n", "four"], ["shape"], name="Concat_3",
                     axis=0),
    helper.make_node("ConstantOfShape", ["shape"], ["y"],
                     name="ConstantOfShape_4",
                     value=numpy_helper.from_array(
                         np.array([1.0], np.float32))),
], [f32("x", ["B", "T", 4])], [f32("y", ["N", 4])],
    [numpy_helper.from_array(np.array([1], np.int64), "one"),
     numpy_helper.from_array(np.array([-5], np.int64), "minus5"),
     numpy_helper.from_array(np.array([4], np.int64), "four")])
# torch.onnx.export of a batch-first GRU with dynamic axes given for the
# input only: the exporter names the output's dimensions apart
# ("Transposey_dim_0"), which the importer drops.
rng = np.random.default_rng(0)
save("gru_unnamed_out", [
    helper.make_node("Transpose", ["x"], ["xt"], name="Transpose_0",
                     perm=[1, 0, 2]),
    helper.make_node("GRU", ["xt", "W", "R", "B"], ["yt", "hn"], name="GRU_1",
                     hidden_size=7, linear_before_reset=1),
    helper.make_node("Squeeze", ["yt", "axis1"], ["ys"], name="Squeeze_2"),
    helper.make_node("Transpose", ["ys"], ["y"], name="Transpose_3",
                     perm=[1, 0, 2]),
], [f32("x", ["B", "T", 5])],
    [f32("y", ["Transposey_dim_0", "Transposey_dim_1", 7]),
     f32("hn", [1, "GRUhn_dim_1", 7])],
    [numpy_helper.from_array(
        (rng.standard_normal((1, 21, 5)) * 0.4).astype(np.float32), "W"),
     numpy_helper.from_array(
         (rng.standard_normal((1, 21, 7)) * 0.4).astype(np.float32), "R"),
     numpy_helper.from_array(
         (rng.standard_normal((1, 42)) * 0.4).astype(np.float32), "B"),
     numpy_helper.from_array(np.array([1], np.int64), "axis1")])
# Run-time targets of one entry, and with allowzero.
save("reshape_given1", [
    helper.make_node("Reshape", ["x", "s"], ["y"], name="Reshape_5"),
], [f32("x", ["B", "T", 4]),
    helper.make_tensor_value_info("s", TensorProto.INT64, [1])],
    [f32("y", ["N"])])
save("reshape_given_allowzero", [
    helper.make_node("Reshape", ["x", "s"], ["y"], name="Reshape_6",
                     allowzero=1),
], [f32("x", ["B", "T", 4]),
    helper.make_tensor_value_info("s", TensorProto.INT64, [2])],
    [f32("y", ["N", "M"])])
# reshape(x, [z[1:].shape[0], -1]): the target follows a size computed
# from z, which the import guesses is x's first dimension and checks on
# each run.
save("reshape_to_z_rows", [
    helper.make_node("Slice", ["z", "one", "big"], ["zc"], name="Slice_0"),
    helper.make_node("Shape", ["zc"], ["zs"], name="Shape_0"),
    helper.make_node("Gather", ["zs", "zero"], ["n"], name="Gather_1",
                     axis=0),
    helper.make_node("Concat", ["n", "minus1"], ["shape"], name="Concat_2",
                     axis=0),
    helper.make_node("Reshape", ["x", "shape"], ["y"], name="Reshape_3"),
], [f32("x", ["B", "T", 4]), f32("z", ["N", 2])], [f32("y", ["R", "M"])],
    [numpy_helper.from_array(np.array([0], np.int64), "zero"),
     numpy_helper.from_array(np.array([-1], np.int64), "minus1"),
     numpy_helper.from_array(np.array([1], np.int64), "one"),
     numpy_helper.from_array(np.array([2 ** 62], np.int64), "big")])
save("reshape_given4", [
    helper.make_node("Reshape", ["x", "s"], ["y"], name="Reshape_7"),
], [f32("x", ["B", "T", 4]),
    helper.make_tensor_value_info("s", TensorProto.INT64, [4])],
    [f32("y", ["N", "M", "K", "L"])])
# A row expanded to [T - 5, 4]: a negative size on a run with T < 5.
save("expand_short", [
    helper.make_node("Shape", ["x"], ["s"], name="Shape_0"),
    helper.make_node("Gather", ["s", "zero"], ["t"], name="Gather_1", axis=0),
    helper.make_node("Add", ["t", "minus5"], ["n"], name="Add_2"),
    helper.make_node("Concat", ["n", "four"], ["shape"], name="Concat_3",
                     axis=0),
    helper.make_node("Expand", ["row", "shape"], ["y"], name="Expand_4"),
], [f32("x", ["T", 4])], [f32("y", ["N", 4])],
    [numpy_helper.from_array(np.array([0], np.int64), "zero"),
     numpy_helper.from_array(np.array([-5], np.int64), "minus5"),
     numpy_helper.from_array(np.array([4], np.int64), "four"),
     numpy_helper.from_array(np.arange(4, dtype=np.float32), "row")])
# ceil_mode pooling whose last window starts inside the input but runs
# past it, down to an input shorter than the window (T = 1, window 2).
save("pool_ceil", [
    helper.make_node("MaxPool", ["x"], ["mx"], name="MaxPool_0",
                     kernel_shape=[2], strides=[2], ceil_mode=1),
    helper.make_node("AveragePool", ["x"], ["av"], name="AveragePool_1",
                     kernel_shape=[2], strides=[2], ceil_mode=1),
], [f32("x", ["B", 2, "T"])], [f32("mx", ["B", 2, "U"]),
                               f32("av", ["B", 2, "U"])])
save("pool_ceil_static", [
    helper.make_node("MaxPool", ["x"], ["mx"], name="MaxPool_0",
                     kernel_shape=[2], strides=[2], ceil_mode=1),
], [f32("x", [1, 2, 1])], [f32("mx", [1, 2, 1])])
# A loss-style scalar: x[T, 1] reshaped to rank 0, valid on runs with
# T = 1 only (the collapse to rank 0 took the dynamic size as it was and
# failed to verify).
save("reshape_scalar", [
    helper.make_node("Reshape", ["x", "empty"], ["y"], name="Reshape_0"),
], [f32("x", ["T", 1])], [f32("y", [])],
    [numpy_helper.from_array(np.zeros(0, np.int64), "empty")])
# A Loop whose trip count M is a graph input: v + 1 M times, each step's v
# collected. A negative M (read on the run) is refused naming the Loop.
body = helper.make_graph([
    helper.make_node("Identity", ["cond"], ["cond_out"]),
    helper.make_node("Add", ["v", "one"], ["v_out"]),
    helper.make_node("Identity", ["v_out"], ["step"]),
], "body", [
    helper.make_tensor_value_info("i", TensorProto.INT64, []),
    helper.make_tensor_value_info("cond", TensorProto.BOOL, []),
    f32("v", [2]),
], [
    helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
    f32("v_out", [2]), f32("step", [2]),
], [numpy_helper.from_array(np.ones(2, np.float32), "one")])
save("loop_trip_input", [
    helper.make_node("Loop", ["m", "true", "v0"], ["v", "steps"], body=body,
                     name="counted"),
], [helper.make_tensor_value_info("m", TensorProto.INT64, []), f32("v0", [2])],
    [f32("v", [2]), f32("steps", ["M", 2])],
    [numpy_helper.from_array(np.array(True), "true")])
# Reshapes of inputs empty on every run (a static 0): [T, 0] to [-1] (the
# -1 is 0) and, with allowzero, [0, T] to [0, 5]. Both failed in MLIR's
# verifier (a collapse of a 0 beside a run-time size).
save("reshape_empty", [
    helper.make_node("Reshape", ["a", "flat"], ["y"], name="Reshape_0"),
    helper.make_node("Reshape", ["b", "zero_five"], ["z"], name="Reshape_1",
                     allowzero=1),
], [f32("a", ["T", 0]), f32("b", [0, "T"])], [f32("y", [0]), f32("z", [0, 5])],
    [numpy_helper.from_array(np.array([-1], np.int64), "flat"),
     numpy_helper.from_array(np.array([0, 5], np.int64), "zero_five")])
# A fixed 7 x 7 causal mask (a constant) added to the scores of a run-time
# L (onnx-attention.test): a run at L = 5 fails naming the input's length,
# the mask's 7 and where the mask is read.
attention("attn_fixed_mask",
          [helper.make_node("Add", ["s", "causal7"], ["sm"], name="Add_3")],
          [], "sm", [numpy_helper.from_array(np.where(
              np.tril(np.ones((7, 7), bool)), 0, -np.inf).astype(np.float32),
              "causal7")])
