#!/usr/bin/python3
"""The fixtures of make_models.py written with onnx.helper rather than
exported from PyTorch: the small graphs of the lit tests (Inputs/: each ONNX
feature the importer maps, the malformed models of the error tests) and
the models PyTorch cannot export (ReduceL2, pad modes, narrow initializers,
CumSum attributes) with NumPy's results.
"""

import functools
import math
import os
import zlib

import numpy as np
import onnx

from fixture_shapes import TEST_SHAPES


def write_lit_inputs(in_dir):
    from onnx import TensorProto, helper

    os.makedirs(in_dir, exist_ok=True)
    rng = np.random.default_rng(7)

    def const(name, shape, dtype=np.float32):
        data = rng.standard_normal(shape).astype(dtype)
        return helper.make_tensor(name, TensorProto.FLOAT, shape,
                                  data.flatten().tolist())

    def ints(name, values):
        return helper.make_tensor(name, TensorProto.INT64, [len(values)],
                                  values)

    def save(name, nodes, inputs, outputs, inits=(), opset=14):
        graph = helper.make_graph(nodes, name, inputs, outputs,
                                  initializer=list(inits))
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", opset)])
        with open(os.path.join(in_dir, name + ".onnx"), "wb") as f:
            f.write(model.SerializeToString())

    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)

    # LSTM: every optional input, bidirectional, clip, input_forget,
    # parameterised activations, only Y_h requested.
    save("lstm_full", [helper.make_node(
        "LSTM", ["x", "W", "R", "B", "lens", "h0", "c0", "P"], ["", "y_h"],
        name="lstm0", hidden_size=2, direction="bidirectional", clip=3.0,
        input_forget=1,
        activations=["HardSigmoid", "Tanh", "ScaledTanh"] * 2,
        activation_alpha=[0.3, 0.7, 0.25, 0.6], activation_beta=[0.4, 1.5])],
        [f32("x", ["T", "B", 3]),
         helper.make_tensor_value_info("lens", TensorProto.INT32, ["B"]),
         f32("h0", [2, "B", 2]), f32("c0", [2, "B", 2])],
        [f32("y_h", [2, "B", 2])],
        [const("W", [2, 8, 3]), const("R", [2, 8, 2]), const("B", [2, 16]),
         const("P", [2, 6])])
    # GRU: batch-major layout, reverse, linear_before_reset = 0.
    save("gru_layout", [helper.make_node(
        "GRU", ["x", "W", "R"], ["y", "y_h"], name="gru0", hidden_size=2,
        direction="reverse", layout=1, activations=["LeakyRelu", "Softsign"],
        activation_alpha=[0.2])],
        [f32("x", ["B", "T", 3])],
        [f32("y", ["B", "T", 1, 2]), f32("y_h", ["B", 1, 2])],
        [const("W", [1, 6, 3]), const("R", [1, 6, 2])], opset=15)
    # RNN: no hidden_size attribute is needed with W given; Affine.
    save("rnn_affine", [helper.make_node(
        "RNN", ["x", "W", "R", "", "", "h0"], ["y"], name="rnn0",
        hidden_size=2, activations=["Affine"], activation_alpha=[0.5],
        activation_beta=[0.1])],
        [f32("x", ["T", "B", 3]), f32("h0", [1, "B", 2])],
        [f32("y", ["T", 1, "B", 2])],
        [const("W", [1, 2, 3]), const("R", [1, 2, 2])], opset=13)
    # Elementwise ops with broadcasting, MatMul/Gemm into seq.linear.
    save("elementwise", [
        helper.make_node("MatMul", ["x", "Wm"], ["m"], name="mm"),
        helper.make_node("Add", ["m", "bias"], ["a"], name="add"),
        helper.make_node("Relu", ["a"], ["r"], name="relu"),
        helper.make_node("Mul", ["r", "half"], ["s"], name="mul"),
        helper.make_node("Sub", ["s", "x2"], ["d"], name="sub"),
        helper.make_node("Div", ["d", "two"], ["q"], name="div"),
        helper.make_node("Pow", ["q", "two"], ["p"], name="pow"),
        helper.make_node("Sqrt", ["p"], ["sq"], name="sqrt"),
        helper.make_node("Erf", ["sq"], ["e"], name="erf"),
        helper.make_node("Sigmoid", ["e"], ["sg"], name="sigmoid"),
        helper.make_node("Tanh", ["sg"], ["t"], name="tanh"),
        helper.make_node("Softmax", ["t"], ["y"], name="softmax", axis=-1),
        helper.make_node("Gemm", ["flat", "Wg", "bg"], ["z"], name="gemm",
                         transB=1, alpha=2.0, beta=0.5)],
        [f32("x", ["B", "T", 3]), f32("x2", ["B", 1, 4]),
         f32("flat", ["N", 3])],
        [f32("y", ["B", "T", 4]), f32("z", ["N", 2])],
        [const("Wm", [3, 4]), const("bias", [4]),
         helper.make_tensor("half", TensorProto.FLOAT, [], [0.5]),
         helper.make_tensor("two", TensorProto.FLOAT, [], [2.0]),
         const("Wg", [2, 3]), const("bg", [2])])
    # Conv (1-D, dilated, grouped, padded) and LayerNormalization.
    save("conv_norm", [
        helper.make_node("Conv", ["x", "Wc", "bc"], ["c"], name="conv",
                         dilations=[2], group=2, pads=[4, 0], strides=[1],
                         kernel_shape=[3]),
        helper.make_node("Transpose", ["c"], ["ct"], name="tr",
                         perm=[0, 2, 1]),
        helper.make_node("LayerNormalization", ["ct", "g", "b"], ["y"],
                         name="ln", axis=-1, epsilon=1e-3)],
        [f32("x", ["B", 4, "T"])], [f32("y", ["B", "T", 6])],
        [const("Wc", [6, 2, 3]), const("bc", [6]), const("g", [6]),
         const("b", [6])], opset=17)
    # A shape subgraph: zeros of [2, B, 3] from Shape/Gather/Unsqueeze/
    # Concat/ConstantOfShape, a Reshape with 0 and -1, Slice, Squeeze.
    save("shape_ops", [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Constant", [], ["one"], name="c1",
                         value=helper.make_tensor("v", TensorProto.INT64, [], [1])),
        helper.make_node("Gather", ["s", "one"], ["b"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["b", "axes0"], ["b1"], name="unsq"),
        helper.make_node("Concat", ["two", "b1", "three"], ["zs"],
                         name="concat", axis=0),
        helper.make_node("ConstantOfShape", ["zs"], ["zeros"], name="cos",
                         value=helper.make_tensor("v", TensorProto.FLOAT,
                                                  [1], [0.0])),
        helper.make_node("Cast", ["x"], ["xc"], name="cast", to=1),
        helper.make_node("Identity", ["xc"], ["xi"], name="id"),
        helper.make_node("Dropout", ["xi"], ["xd"], name="drop"),
        helper.make_node("Reshape", ["xd", "shape"], ["r"], name="reshape"),
        helper.make_node("Slice", ["r", "st", "en", "ax"], ["sl"],
                         name="slice"),
        helper.make_node("Unsqueeze", ["sl", "axes0"], ["u"], name="unsq2"),
        helper.make_node("Squeeze", ["u", "axes0"], ["y"], name="squeeze")],
        [f32("x", ["T", "B", 2, 3])],
        [f32("zeros", [2, "B", 3]), f32("y", ["T", "B", 5])],
        [ints("axes0", [0]), ints("two", [2]), ints("three", [3]),
         ints("shape", [0, 0, -1]), ints("st", [1]), ints("en", [6]),
         ints("ax", [-1])])

    # Errors.
    save("unsupported_op", [helper.make_node(
        "NonZero", ["x"], ["y"], name="NonZero_3")],
        [f32("x", [2, 2])], [helper.make_tensor_value_info(
            "y", TensorProto.INT64, [2, "N"])])
    save("bad_activation", [helper.make_node(
        "RNN", ["x", "W", "R"], ["y"], name="RNN_7", hidden_size=2,
        activations=["Mish"])],
        [f32("x", ["T", "B", 3])], [f32("y", ["T", 1, "B", 2])],
        [const("W", [1, 2, 3]), const("R", [1, 2, 2])])
    # SAME padding with a stride over a run-time length depends on the
    # length: refused.
    save("bad_auto_pad", [helper.make_node(
        "Conv", ["x", "Wc"], ["y"], name="Conv_3", auto_pad="SAME_UPPER",
        strides=[2])],
        [f32("x", ["B", 2, "T"])], [f32("y", ["B", 2, "T2"])],
        [const("Wc", [2, 2, 3])])

    save("bad_dtype", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
         [helper.make_tensor_value_info("x", TensorProto.COMPLEX64, [2])],
         [helper.make_tensor_value_info("y", TensorProto.COMPLEX64, [2])])
    save("bad_cast", [helper.make_node("Cast", ["x"], ["y"], name="Cast_1",
                                       to=TensorProto.COMPLEX64)],
         [f32("x", [2])],
         [helper.make_tensor_value_info("y", TensorProto.COMPLEX64, [2])])
    # CastLike's input 1 (the dtype to cast to) left out.
    save("cast_like_no_dtype", [helper.make_node(
        "CastLike", ["x", ""], ["y"], name="cast_like")],
         [f32("x", [2])], [f32("y", [2])], opset=15)
    # CastLike to a value whose dtype the graph does not declare, in a
    # graph with FLOAT16 values (held as f32): refused, not guessed.
    save("cast_like_undeclared", [
        helper.make_node("Add", ["h", "h"], ["hh"], name="add"),
        helper.make_node("CastLike", ["x", "hh"], ["y"], name="cast_like")],
         [f32("x", [2]),
          helper.make_tensor_value_info("h", TensorProto.FLOAT16, [2])],
         [helper.make_tensor_value_info("y", TensorProto.FLOAT16, [2])],
         opset=15)
    save("old_opset", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
         [f32("x", [2])], [f32("y", [2])], opset=10)
    with open(os.path.join(in_dir, "garbage.onnx"), "wb") as f:
        f.write(np.random.default_rng(1).bytes(512))
    write_more_lit_inputs(save, f32, const, ints)
    from interop_graphs import write_external_data_inputs, write_interop_inputs
    write_interop_inputs(save, f32)
    write_external_data_inputs(in_dir)


def write_more_lit_inputs(save, f32, const, ints):
    """The ops of convolutional and attention models (Pad, ReduceMean,
    Split, Where, Not, Equal, Trilu, Expand), raisings that must not
    fire, and their errors."""
    from onnx import TensorProto, helper

    scalar = lambda n, v: helper.make_tensor(n, TensorProto.FLOAT, [], [v])
    i64 = lambda n, v: helper.make_tensor(n, TensorProto.INT64, [], [v])
    # Pad (time, left 2 and right 1, value 0.5) -> ReduceMean over channels
    # (keepdims) -> Split of the time axis [2, rest]... with a static split
    # of the channels instead: [1, 2].
    save("more_ops", [
        helper.make_node("Pad", ["x", "pads", "pv"], ["p"], name="pad",
                         mode="constant"),
        helper.make_node("ReduceMean", ["p"], ["m"], name="mean", axes=[1],
                         keepdims=1),
        helper.make_node("ReduceMean", ["p"], ["m2"], name="mean2",
                         axes=[-1], keepdims=0),
        helper.make_node("Split", ["x", "split"], ["s0", "s1"], name="split",
                         axis=1),
        helper.make_node("Split", ["x"], ["h0", "h1", "h2"], name="split3",
                         axis=1),
        helper.make_node("ConstantOfShape", ["tt"], ["ones"], name="ones",
                         value=helper.make_tensor("v", TensorProto.FLOAT, [1],
                                                  [1.0])),
        helper.make_node("Trilu", ["ones", "k0"], ["tri"], name="tril",
                         upper=0),
        helper.make_node("Equal", ["tri", "zero"], ["eq"], name="eq"),
        helper.make_node("Not", ["eq"], ["keep"], name="not"),
        helper.make_node("Where", ["keep", "sq", "ninf"], ["w"], name="where"),
        helper.make_node("Expand", ["w", "eshape"], ["e"], name="expand")],
        [f32("x", ["B", 3, "T"]), f32("sq", [4, 4])],
        [f32("m", ["B", 1, "T2"]), f32("m2", ["B", 3]),
         f32("s0", ["B", 1, "T"]), f32("s1", ["B", 2, "T"]),
         f32("h2", ["B", 1, "T"]), f32("e", [2, 4, 4])],
        [ints("pads", [0, 0, 2, 0, 0, 1]), scalar("pv", 0.5),
         ints("split", [1, 2]), ints("tt", [4, 4]), i64("k0", 0),
         scalar("zero", 0.0), scalar("ninf", float("-inf")),
         ints("eshape", [2, 1, 4])])
    # ReduceMean over a time axis that may be empty: torch.mean and
    # np.mean give NaN there (0 / 0), not 0.
    save("mean_over_time", [
        helper.make_node("ReduceMean", ["x"], ["m"], name="mean_t", axes=[1],
                         keepdims=0)],
        [f32("x", ["B", "T", 4])], [f32("m", ["B", 4])])
    # Near misses that must stay decomposed: 0.6 x (1 + erf(x / sqrt 2)),
    # and MatMul + Add of a runtime bias.
    save("no_raise", [
        helper.make_node("Div", ["x", "sqrt2"], ["d"], name="div"),
        helper.make_node("Erf", ["d"], ["e"], name="erf"),
        helper.make_node("Add", ["e", "one"], ["a"], name="add"),
        helper.make_node("Mul", ["x", "a"], ["xm"], name="mul"),
        helper.make_node("Mul", ["xm", "c06"], ["g"], name="mul2"),
        helper.make_node("MatMul", ["g", "W"], ["mm"], name="mm"),
        helper.make_node("Add", ["mm", "b"], ["y"], name="bias")],
        [f32("x", ["B", 3]), f32("b", [4])], [f32("y", ["B", 4])],
        [scalar("sqrt2", math.sqrt(2.0)), scalar("one", 1.0),
         scalar("c06", 0.6), const("W", [3, 4])])
    # Attention with masks that are not causal: Where with a runtime
    # boolean (true = masked; raised as the keep mask "not c"), and an
    # added runtime float mask; no scale node (scale 1).
    bool_ = lambda n, sh: helper.make_tensor_value_info(n, TensorProto.BOOL, sh)
    save("attn_masks", [
        helper.make_node("Transpose", ["k"], ["kt"], name="kt",
                         perm=[0, 1, 3, 2]),
        helper.make_node("MatMul", ["q", "kt"], ["s"], name="qk"),
        helper.make_node("Mul", ["s", "half"], ["ss"], name="scale"),
        helper.make_node("Where", ["c", "ninf", "ss"], ["sm"], name="mask"),
        helper.make_node("Softmax", ["sm"], ["p"], name="softmax", axis=3),
        helper.make_node("MatMul", ["p", "v"], ["y1"], name="pv"),
        helper.make_node("MatMul", ["q", "kt"], ["s2"], name="qk2"),
        helper.make_node("Add", ["m", "s2"], ["sm2"], name="add_mask"),
        helper.make_node("Softmax", ["sm2"], ["p2"], name="softmax2",
                         axis=-1),
        helper.make_node("MatMul", ["p2", "v"], ["y2"], name="pv2")],
        [f32("q", ["B", 2, "T", 4]), f32("k", ["B", 2, "S", 4]),
         f32("v", ["B", 2, "S", 4]), bool_("c", ["B", 1, 1, "S"]),
         f32("m", ["T", "S"])],
        [f32("y1", ["B", 2, "T", 4]), f32("y2", ["B", 2, "T", 4])],
        [scalar("half", 0.5), scalar("ninf", float("-inf"))])
    # Slice with a run-time end (from Shape -> Gather), and a 4-D MatMul
    # that is not attention (a batch_matmul over B * H).
    save("dyn_slice_matmul", [
        helper.make_node("Shape", ["x"], ["s"], name="shape"),
        helper.make_node("Gather", ["s", "i2"], ["t"], name="gather", axis=0),
        helper.make_node("Unsqueeze", ["t", "ax0"], ["t1"], name="unsq"),
        helper.make_node("Slice", ["buf", "st", "t1", "ax3"], ["sl"],
                         name="slice"),
        helper.make_node("MatMul", ["x", "y"], ["p"], name="mm4")],
        [f32("x", ["B", 2, "T", 4]), f32("y", ["B", 2, 4, 3])],
        [f32("sl", [1, 1, 6, "T"]), f32("p", ["B", 2, "T", 3])],
        [const("buf", [1, 1, 6, 6]), i64("i2", 2), ints("ax0", [0]),
         ints("st", [0]), ints("ax3", [3])])
    # Errors.
    save("bad_pad_mode", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="Pad_4", mode="wrap")],
        [f32("x", ["B", 2, "T"])], [f32("y", ["B", 2, "T"])],
        [ints("pads", [0, 0, 2, 0, 0, 0])])
    save("bad_pad_reflect", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="Pad_6", mode="reflect")],
        [f32("x", ["B", 2, 2])], [f32("y", ["B", 2, 5])],
        [ints("pads", [0, 0, 2, 0, 0, 1])])
    # Negative pads remove elements; not more than the dimension has.
    save("bad_pad_negative", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="Pad_5")],
        [f32("x", ["B", 2, 2])], [f32("y", ["B", 2, 1])],
        [ints("pads", [0, 0, -2, 0, 0, -1])])
    save("bad_split", [helper.make_node(
        "Split", ["x", "split"], ["a", "b"], name="Split_2", axis=1)],
        [f32("x", ["B", 5])], [f32("a", ["B", 2]), f32("b", ["B", 2])],
        [ints("split", [2, 2])])
    save("bad_where", [helper.make_node(
        "Where", ["c", "x", "x"], ["y"], name="Where_9")],
        [f32("c", [2]), f32("x", [2])], [f32("y", [2])])
    save("bad_trilu", [helper.make_node(
        "Trilu", ["x"], ["y"], name="Trilu_1")],
        [f32("x", [4])], [f32("y", [4])])
    save("bad_range", [helper.make_node(
        "Range", ["s", "l", "d"], ["y"], name="Range_6")],
        [f32("l", [])], [f32("y", ["N"])],
        [scalar("s", 0.0), scalar("d", 1.0)])
    save("bad_expand", [helper.make_node(
        "Expand", ["x", "shape"], ["y"], name="Expand_3")],
        [f32("x", [2, 3])], [f32("y", [2, 4])], [ints("shape", [2, 4])])
    save("bad_slice_axes", [helper.make_node(
        "Slice", ["x", "st", "en", "ax"], ["y"], name="Slice_7")],
        [f32("x", [4, 6])], [f32("y", [2, 6])],
        [ints("st", [0]), ints("en", [2]), ints("ax", [0, 1])])
    save("bad_slice_steps", [helper.make_node(
        "Slice", ["x", "st", "en", "ax", "sp"], ["y"], name="Slice_8")],
        [f32("x", [4, 6])], [f32("y", [2, 6])],
        [ints("st", [0]), ints("en", [2]), ints("ax", [0]), ints("sp", [1, 1])])
    # OneHot (F.one_hot): a depth below 1, values that are not [off, on],
    # indices that are not integers; and a depth given at run time (checked
    # then).
    ids = helper.make_tensor_value_info("ids", TensorProto.INT64, ["B", "T"])
    onehot = lambda name, ins: helper.make_node("OneHot", ins, ["y"],
                                                name=name, axis=-1)
    off_on = helper.make_tensor("off_on", TensorProto.FLOAT, [2], [0.0, 1.0])
    save("bad_one_hot_depth", [onehot("OneHot_2", ["ids", "zero", "off_on"])],
         [ids], [f32("y", ["B", "T", 0])], [ints("zero", [0]), off_on])
    save("one_hot_runtime_depth",
         [onehot("OneHot_3", ["ids", "depth", "off_on"])],
         [ids, helper.make_tensor_value_info("depth", TensorProto.INT64, [1])],
         [f32("y", ["B", "T", "D"])], [off_on])
    save("bad_one_hot_values", [onehot("OneHot_4", ["ids", "seven", "v3"])],
         [ids], [f32("y", ["B", "T", 7])],
         [ints("seven", [7]), helper.make_tensor(
             "v3", TensorProto.FLOAT, [3], [0.0, 1.0, 2.0])])
    save("bad_one_hot_indices", [onehot("OneHot_5", ["bids", "seven", "off_on"])],
         [helper.make_tensor_value_info("bids", TensorProto.BOOL, ["B", "T"])],
         [f32("y", ["B", "T", 7])], [ints("seven", [7]), off_on])
    # Any numeric indices and depth, cast to int64 before use (the spec):
    # f32 indices with a run-time f32 depth, and with a constant f16 depth.
    save("one_hot_float", [
        onehot("OneHot_6", ["fids", "fdepth", "off_on"]),
        helper.make_node("OneHot", ["fids", "hdepth", "off_on"], ["z"],
                         name="OneHot_7", axis=1)],
         [f32("fids", ["B", "T"]), f32("fdepth", [])],
         [f32("y", ["B", "T", "D"]), f32("z", ["B", 7, "T"])],
         [off_on, helper.make_tensor("hdepth", TensorProto.FLOAT16, [1], [7.9])])
    # Output dimensions the export names but no input has
    # (dynamic_axes={"y": {1: "T_out"}}): the name where the model ties the
    # dimension to no input's and it names nothing else; "w" of another
    # size keeps '?'; "z", tied to x, keeps x's names; torch's made-up
    # "<op><output>_dim_<i>" is no name; "v" is named "d0" by the user, so
    # the tie of u and t gets d1.
    slice_from = lambda start, out: [
        helper.make_node("Constant", [], [out + "_s"],
                         value=helper.make_tensor("", TensorProto.INT64, [1],
                                                  [start])),
        helper.make_node("Constant", [], [out + "_e"],
                         value=helper.make_tensor("", TensorProto.INT64, [1],
                                                  [2 ** 62])),
        helper.make_node("Constant", [], [out + "_a"],
                         value=helper.make_tensor("", TensorProto.INT64, [1],
                                                  [1])),
        helper.make_node("Slice", ["x", out + "_s", out + "_e", out + "_a"],
                         [out])]
    save("output_dim_names",
         slice_from(1, "y") + slice_from(2, "w") + slice_from(3, "u") +
         slice_from(4, "v") + [helper.make_node("Identity", ["x"], ["z"]),
                               helper.make_node("Neg", ["u"], ["t"])],
         [f32("x", ["B", "T"])],
         [f32("y", ["B", "T_out"]), f32("w", ["B", "T_out"]),
          f32("z", ["Bz", "Tz"]), f32("u", ["B", "Sliceu_dim_1"]),
          f32("t", ["B", "Negt_dim_1"]), f32("v", ["B", "d0"])])
    # GatherND (tf.gather_nd as tf2onnx converts it): [batch, step] pairs
    # into [B, T, 4], and with batch_dims=1 one step per sequence (the last
    # valid output of a padded batch); K larger than the data allows.
    i64 = lambda n, shape: helper.make_tensor_value_info(
        n, TensorProto.INT64, shape)
    save("gather_nd", [
        helper.make_node("GatherND", ["x", "pairs"], ["y"], name="GatherND_1"),
        helper.make_node("GatherND", ["x", "steps"], ["z"], name="GatherND_2",
                         batch_dims=1)],
         [f32("x", ["B", "T", 4]), i64("pairs", ["N", 2]),
          i64("steps", ["Bs", 1])],
         [f32("y", ["N", 4]), f32("z", ["B", 4])])
    save("bad_gather_nd", [
        helper.make_node("GatherND", ["x", "pairs"], ["y"], name="GatherND_3",
                         batch_dims=1)],
         [f32("x", ["B", "T", 4]), i64("pairs", ["B", 3])], [f32("y", ["B"])])
    # Pow of integers: an int64 power of int64 exponents, and of f32 ones.
    save("pow_integers", [
        helper.make_node("Pow", ["n", "e"], ["p"], name="Pow_1"),
        helper.make_node("Pow", ["n", "f"], ["q"], name="Pow_2"),
        helper.make_node("Pow", ["x", "e"], ["r"], name="Pow_3")],
         [i64("n", ["N"]), i64("e", ["N"]), f32("f", ["N"]), f32("x", ["N"])],
         [i64("p", ["N"]), i64("q", ["N"]), f32("r", ["N"])])
    # NegativeLogLikelihoodLoss with ignore_index 2 inside [0, C).
    save("nll_loss_rows", [helper.make_node(
        "NegativeLogLikelihoodLoss", ["logp", "target"], ["loss"],
        name="NLL_1", reduction="none", ignore_index=2)],
         [f32("logp", ["N", 3]), i64("target", ["N"])], [f32("loss", ["N"])])
    # UINT8 and INT8 inputs and outputs (u8 and i8 at the C interface),
    # held in their dtype's range: a uint8 + 1 wraps at 256, an int8
    # negation at -128.
    save("byte_ports", [
        helper.make_node("Add", ["x", "one_u8"], ["y"]),
        helper.make_node("Cast", ["x"], ["xf"], to=TensorProto.FLOAT),
        helper.make_node("Neg", ["z"], ["w"])],
         [helper.make_tensor_value_info("x", TensorProto.UINT8, ["B", "T"]),
          helper.make_tensor_value_info("z", TensorProto.INT8, ["B"])],
         [helper.make_tensor_value_info("y", TensorProto.UINT8, ["B", "T"]),
          f32("xf", ["B", "T"]),
          helper.make_tensor_value_info("w", TensorProto.INT8, ["B"])],
         [helper.make_tensor("one_u8", TensorProto.UINT8, [1], [1])])
    # QuantizeLinear at its edges (int8 with a zero point of -3), and back.
    save("quantize_edges", [
        helper.make_node("QuantizeLinear", ["x", "qs", "qz"], ["q"]),
        helper.make_node("DequantizeLinear", ["q", "qs", "qz"], ["d"])],
         [f32("x", ["N"])],
         [helper.make_tensor_value_info("q", TensorProto.INT8, ["N"]),
          f32("d", ["N"])],
         [helper.make_tensor("qs", TensorProto.FLOAT, [], [0.5]),
          helper.make_tensor("qz", TensorProto.INT8, [], [-3])], opset=13)
    # A per-axis scale of the wrong length; a loss target of the wrong rank.
    save("bad_quantize_axis", [helper.make_node(
        "QuantizeLinear", ["x", "s3", "z3"], ["y"], axis=1, name="Q_1")],
         [f32("x", [3, 4])],
         [helper.make_tensor_value_info("y", TensorProto.UINT8, [3, 4])],
         [helper.make_tensor("s3", TensorProto.FLOAT, [3], [1.0, 2.0, 3.0]),
          helper.make_tensor("z3", TensorProto.UINT8, [3], [0, 0, 0])],
         opset=13)
    save("bad_nll_target", [helper.make_node(
        "NegativeLogLikelihoodLoss", ["x", "t"], ["y"], name="NLL_2")],
         [f32("x", ["N", 4]), i64("t", ["N", 2])], [f32("y", [])], opset=13)
    # Hardmax: ties and NaN rows (NumPy's argmax takes the first NaN).
    save("hardmax_rows", [helper.make_node("Hardmax", ["x"], ["y"], axis=1)],
         [f32("x", ["B", 4])], [f32("y", ["B", 4])], opset=13)
    write_shape_arithmetic_limit_inputs(save, f32, ints)


def write_shape_arithmetic_limit_inputs(save, f32, ints):
    """Shape arithmetic at its edges (shape-limits.test): sizes that would
    wrap int64, an empty vector broadcast against a one-element one, a
    comparison of a long vector, a repeated transpose axis, and a name
    defined twice."""
    from onnx import TensorProto, helper
    i64 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.INT64, s)
    big = (1 << 63) - 1
    save("bad_pad_huge", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="Pad_6")],
        [f32("x", ["B", 4])], [f32("y", ["B", 4])],
        [ints("pads", [0, big - 1000, 0, 0])])
    save("pad_runtime_amounts", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="Pad_7")],
        [f32("x", ["B", "T"]), i64("pads", [4])], [f32("y", ["B", "U"])])
    save("tile_runtime_repeats", [helper.make_node(
        "Tile", ["x", "repeats"], ["y"], name="Tile_1")],
        [f32("x", ["B", "T"]), i64("repeats", [2])], [f32("y", ["B", "U"])])
    # Cast of int64 values past int32's range to INT32 (they wrap), read
    # back as INT64 and as Gather indices (cast-int32-wrap.test).
    save("cast_int32_wrap", [
        helper.make_node("Cast", ["ids"], ["i32"], name="narrow",
                         to=TensorProto.INT32),
        helper.make_node("Cast", ["i32"], ["back"], name="widen",
                         to=TensorProto.INT64),
        helper.make_node("Gather", ["table", "i32"], ["rows"],
                         name="lookup", axis=0)],
        [i64("ids", ["N"])],
        [helper.make_tensor_value_info("i32", TensorProto.INT32, ["N"]),
         i64("back", ["N"]), f32("rows", ["N", 4])],
        [helper.make_tensor("table", TensorProto.FLOAT, [10, 4],
                            [float(v) for v in range(40)])])
    # A zero repeat of a run-time dimension and pads that crop a whole
    # dimension: empty outputs ([B, 0, 8] and [B, T, 0]).
    save("tile_zero_repeat", [helper.make_node(
        "Tile", ["x", "repeats"], ["y"], name="Tile_2")],
        [f32("x", ["B", "T", 4])], [f32("y", ["B", 0, 8])],
        [ints("repeats", [1, 0, 2])])
    save("pad_crop_all", [helper.make_node(
        "Pad", ["x", "pads"], ["y"], name="Pad_8")],
        [f32("x", ["B", "T", 4])], [f32("y", ["B", "T", 0])],
        [ints("pads", [0, 0, -5, 0, 0, 1])])
    # [] + [T]: NumPy broadcasts to an empty vector.
    save("empty_shape_broadcast", [
        helper.make_node("Shape", ["x"], ["sh"]),
        helper.make_node("Slice", ["sh", "one", "two"], ["t"]),
        helper.make_node("Add", ["empty", "t"], ["y"], name="Add_9")],
        [f32("x", ["B", "T"])], [i64("y", [0])],
        [ints("empty", []), ints("one", [1]), ints("two", [2])])
    # 17 elements, one of them T: more than a shape vector.
    save("long_shape_comparison", [
        helper.make_node("Shape", ["x"], ["sh"]),
        helper.make_node("Slice", ["sh", "one", "two"], ["t"]),
        helper.make_node("Concat", ["five", "t", "eleven"], ["v"], axis=0),
        helper.make_node("Equal", ["v", "three"], ["y"], name="Equal_9")],
        [f32("x", ["B", "T"])],
        [helper.make_tensor_value_info("y", TensorProto.BOOL, [17])],
        [ints("one", [1]), ints("two", [2]), ints("five", [1] * 5),
         ints("eleven", [1] * 11), ints("three", [3])])
    save("bad_transpose_perm", [
        helper.make_node("Transpose", ["table"], ["t"], name="Transpose_9",
                         perm=[0, 0]),
        helper.make_node("Cast", ["t"], ["y"], to=TensorProto.FLOAT)],
        [f32("x", [2])], [f32("y", [3, 3])],
        [helper.make_tensor("table", TensorProto.INT64, [3, 4],
                            list(range(12)))])
    save("bad_duplicate_output", [
        helper.make_node("Relu", ["x"], ["y"], name="Relu_1"),
        helper.make_node("Neg", ["x"], ["y"], name="Neg_1")],
        [f32("x", ["B"])], [f32("y", ["B"])])
    # InstanceNormalization (how nn.GroupNorm exports) of data far from 0
    # (norm-offset.test).
    save("instance_norm_offset", [helper.make_node(
        "InstanceNormalization", ["x", "scale", "bias"], ["y"],
        name="InstanceNorm_0", epsilon=1e-5)],
        [f32("x", ["B", 3, "T"])], [f32("y", ["B", 3, "T"])],
        [helper.make_tensor("scale", TensorProto.FLOAT, [3], [1.0, 0.5, 2.0]),
         helper.make_tensor("bias", TensorProto.FLOAT, [3], [0.0, 1.0, -1.0])])
    # Arithmetic in dtypes narrower than INT64 wraps to them
    # (narrow-int-wrap.test): uint8 (b + 10) * 2, int8 negation, int16
    # CumSum, an int32 hash of an INT32 input with INT32 constants read by
    # Mod, Less and a Cast to FLOAT, and Max / Where of the INT32 input with
    # INT32 constants (which were refused: "different types 'i32' and
    # 'i64'").
    i32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.INT32, s)
    const = lambda n, t, v: helper.make_tensor(n, t, [], [v])
    cast = lambda a, o, t: helper.make_node("Cast", [a], [o], to=t)
    save("narrow_int_wrap", [
        cast("x", "b", TensorProto.UINT8),
        helper.make_node("Add", ["b", "ten"], ["b10"], name="u8_add"),
        helper.make_node("Mul", ["b10", "two"], ["b20"], name="u8_mul"),
        cast("b20", "u8", TensorProto.INT64),
        cast("x", "c", TensorProto.INT8),
        helper.make_node("Neg", ["c"], ["nc"], name="i8_neg"),
        cast("nc", "i8", TensorProto.INT64),
        cast("x", "d", TensorProto.INT16),
        helper.make_node("CumSum", ["d", "axis"], ["cd"], name="i16_cumsum"),
        cast("cd", "i16", TensorProto.INT64),
        helper.make_node("Mul", ["h", "prime"], ["hp"], name="i32_mul"),
        helper.make_node("Add", ["hp", "one32"], ["hash"], name="i32_add"),
        helper.make_node("Mod", ["hash", "thousand"], ["bucket"]),
        helper.make_node("Less", ["hash", "zero32"], ["negative"]),
        cast("hash", "hashf", TensorProto.FLOAT),
        helper.make_node("Max", ["h", "one32"], ["hmax"], name="i32_max"),
        helper.make_node("Greater", ["h", "two32"], ["big"]),
        helper.make_node("Where", ["big", "h", "seven32"], ["hwhere"])],
        [i64("x", ["N"]), i32("h", ["N"])],
        [i64("u8", ["N"]), i64("i8", ["N"]), i64("i16", ["N"]),
         i32("bucket", ["N"]),
         helper.make_tensor_value_info("negative", TensorProto.BOOL, ["N"]),
         f32("hashf", ["N"]), i32("hmax", ["N"]), i32("hwhere", ["N"])],
        [const("ten", TensorProto.UINT8, 10), const("two", TensorProto.UINT8, 2),
         helper.make_tensor("axis", TensorProto.INT64, [], [0]),
         const("prime", TensorProto.INT32, 16777619),
         const("one32", TensorProto.INT32, 1),
         const("thousand", TensorProto.INT32, 1000),
         const("zero32", TensorProto.INT32, 0),
         const("two32", TensorProto.INT32, 2),
         const("seven32", TensorProto.INT32, 7)])
    # INT32 through control flow and back to INT64 (narrow-int-wrap.test):
    # a Loop-carried INT32 plus an INT32 constant, a Scan's INT32 running
    # sum, and a Cast to INT64 of an INT32 value squared (int64: no wrap).
    loop_body = helper.make_graph([
        helper.make_node("Add", ["c_in", "one"], ["c_out"]),
        helper.make_node("Identity", ["cond_in"], ["cond_out"])],
        "body", [i64("i", []),
                 helper.make_tensor_value_info("cond_in", TensorProto.BOOL, []),
                 i32("c_in", [1])],
        [helper.make_tensor_value_info("cond_out", TensorProto.BOOL, []),
         i32("c_out", [1])],
        [helper.make_tensor("one", TensorProto.INT32, [], [1])])
    scan_body = helper.make_graph([
        helper.make_node("Add", ["s_in", "xt"], ["s_out"]),
        helper.make_node("Identity", ["s_out"], ["o"])],
        "sbody", [i32("s_in", [1]), i32("xt", [1])],
        [i32("s_out", [1]), i32("o", [1])])
    save("narrow_int_control_flow", [
        cast("c", "ci", TensorProto.INT32),
        helper.make_node("Loop", ["trips", "", "ci"], ["carried"],
                         body=loop_body, name="counted"),
        cast("carried", "loop_y", TensorProto.INT64),
        cast("x", "xi", TensorProto.INT32),
        cast("s0", "s0i", TensorProto.INT32),
        helper.make_node("Scan", ["s0i", "xi"], ["sf", "ys"], body=scan_body,
                         num_scan_inputs=1, name="running"),
        cast("ys", "scan_y", TensorProto.INT64),
        cast("xi", "wide", TensorProto.INT64),
        helper.make_node("Mul", ["wide", "wide"], ["square"], name="i64_mul")],
        [i64("c", [1]), i64("x", ["T", 1]), i64("s0", [1])],
        [i64("loop_y", [1]), i64("scan_y", ["T", 1]), i64("square", ["T", 1])],
        [helper.make_tensor("trips", TensorProto.INT64, [], [3])])
    # ArgMax over an axis that is empty at run time (an index 0 came out
    # and a Gather read row 0 of a table; PyTorch refuses), and ArgMin over
    # one empty at compile time (shape-limits.test).
    save("argmax_empty_axis", [
        helper.make_node("ArgMax", ["x"], ["i"], name="ArgMax_3", axis=1,
                         keepdims=0),
        helper.make_node("Gather", ["table", "i"], ["y"], name="Gather_3",
                         axis=0)],
        [f32("x", ["B", "T"])], [f32("y", ["B", 2])],
        [helper.make_tensor("table", TensorProto.FLOAT, [4, 2],
                            [float(v) for v in range(8)])])
    # Float -> integer Casts of NaN, infinities and values past the
    # target's conversion, at run time and folded (cast-out-of-range.test).
    edge = [float("nan"), float("inf"), -float("inf"), 3e9, 1e19, 300.0,
            -1.0, -3e9, 2.5e9, -2.7, 2.0 ** 31, -2.0 ** 31]
    targets = [("i64", TensorProto.INT64), ("i32", TensorProto.INT32),
               ("i16", TensorProto.INT16), ("i8", TensorProto.INT8),
               ("u8", TensorProto.UINT8)]
    save("cast_out_of_range",
         [helper.make_node("Cast", ["x"], [n], name="Cast_" + n, to=t)
          for n, t in targets] +
         [helper.make_node("Cast", ["c"], ["c" + n], name="Cast_c" + n, to=t)
          for n, t in targets],
         [f32("x", ["N"])],
         [helper.make_tensor_value_info(n, t, ["N"]) for n, t in targets] +
         [helper.make_tensor_value_info("c" + n, t, [len(edge)])
          for n, t in targets],
         [helper.make_tensor("c", TensorProto.FLOAT, [len(edge)], edge)])
    save("argmin_static_empty", [
        helper.make_node("ArgMin", ["x"], ["y"], name="ArgMin_3", axis=-1)],
        [f32("x", [2, 0])], [i64("y", [2, 1])])


def save_opset17_graph(in_dir, name, nodes, inputs, outputs, inits=()):
    """Writes IN_DIR/NAME.onnx: a graph of `nodes` importing opset 17."""
    from onnx import helper
    graph = helper.make_graph(nodes, name, inputs, outputs,
                              initializer=list(inits))
    model = helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 17)])
    with open(os.path.join(in_dir, name + ".onnx"), "wb") as f:
        f.write(model.SerializeToString())


def write_malformed_graph_inputs(in_dir):
    """Graphs as a hand-written or broken exporter leaves them
    (malformed-graphs.test): an unnamed node that fails, a graph input with
    a negative size (-1, an old exporter's dynamic dimension, aside) or a
    dtype number ONNX does not define, a Loop whose body output is never
    computed, and Loop bodies whose nodes break their schema."""
    from onnx import TensorProto, helper

    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)

    save = functools.partial(save_opset17_graph, in_dir)

    save("unnamed_node", [
        helper.make_node("Relu", ["x"], ["r"]),
        helper.make_node("Flatten", ["r"], ["y"], axis=4)],
        [f32("x", ["B", 4])], [f32("y", ["B", 4])])
    save("negative_input_dim", [helper.make_node("Relu", ["x"], ["y"])],
         [f32("x", ["B", -3])], [f32("y", ["B", 3])])
    save("legacy_dynamic_dim", [helper.make_node("Relu", ["x"], ["y"])],
         [f32("x", [-1, 3])], [f32("y", [-1, 3])])
    save("unknown_input_dtype", [helper.make_node("Relu", ["x"], ["y"])],
         [helper.make_tensor_value_info("x", 99, ["B", 3])],
         [f32("y", ["B", 3])])
    b1 = helper.make_tensor_value_info("c_in", TensorProto.BOOL, [])
    body = helper.make_graph(
        [helper.make_node("Identity", ["c_in"], ["c_out"]),
         helper.make_node("Tanh", ["h_in"], ["h_next"])],
        "body", [helper.make_tensor_value_info("t", TensorProto.INT64, []),
                 b1, f32("h_in", ["B", 4])],
        [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []),
         f32("h_out", ["B", 4])])
    def save_loop(name, body):
        save(name, [
            helper.make_node("Shape", ["x"], ["shape"]),
            helper.make_node("Gather", ["shape", "zero"], ["steps"], axis=0),
            helper.make_node("Loop", ["steps", "true", "h0"], ["h"],
                             name="loop", body=body)],
            [f32("x", ["T", "B", 4]), f32("h0", ["B", 4])],
            [f32("h", ["B", 4])],
            [helper.make_tensor("true", TensorProto.BOOL, [], [True]),
             helper.make_tensor("zero", TensorProto.INT64, [], [0])])

    save_loop("loop_undefined_output", body)

    # Body nodes that break their schema, met by the Loop's pattern
    # matching (the condition's Identity, a Gather of step t) before they
    # are imported: a fuzzer's finding (an Identity without an input).
    def loop_body(nodes):
        return helper.make_graph(
            nodes + [helper.make_node("Add", ["h_in", "xt"], ["h_out"])],
            "body", [helper.make_tensor_value_info("t", TensorProto.INT64, []),
                     b1, f32("h_in", ["B", 4])],
            [helper.make_tensor_value_info("c_out", TensorProto.BOOL, []),
             f32("h_out", ["B", 4])])

    gather_xt = helper.make_node("Gather", ["x", "t"], ["xt"], axis=0)
    save_loop("loop_identity_without_input", loop_body(
        [helper.make_node("Identity", [], ["c_out"]), gather_xt]))
    save_loop("loop_gather_without_output", loop_body(
        [helper.make_node("Identity", ["c_in"], ["c_out"]),
         helper.make_node("Gather", ["x", "t"], [], axis=0),
         helper.make_node("Identity", ["h_in"], ["xt"])]))
    # An operator of another domain has no schema to check it by.
    save_loop("loop_custom_identity", loop_body(
        [helper.make_node("Identity", [], ["c_out"], domain="com.example"),
         gather_xt]))


def write_conv2d_inputs(in_dir):
    """Malformed Conv nodes over [B, C, H, W] (and one 1-D), each refused
    with a message in the node's terms: input channels the weight does not
    take, a group that does not divide the output channels, a width shorter
    than the kernel, an empty kernel, a bias of the wrong size."""
    from onnx import TensorProto, helper

    def save(name, x_shape, w_shape, bias=None, **attrs):
        w = helper.make_tensor("w", TensorProto.FLOAT, w_shape,
                               [0.5] * int(np.prod(w_shape)))
        inits, inputs = [w], ["x", "w"]
        if bias is not None:
            inits.append(helper.make_tensor("b", TensorProto.FLOAT, [bias],
                                            [0.0] * bias))
            inputs.append("b")
        graph = helper.make_graph(
            [helper.make_node("Conv", inputs, ["y"], name="conv", **attrs)],
            name,
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, x_shape)],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
            initializer=inits)
        onnx.save(helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 14)]),
            os.path.join(in_dir, name + ".onnx"))

    save("conv2d_channels", ["B", 4, "H", "W"], [3, 5, 3, 3])
    save("conv2d_group", ["B", 4, "H", "W"], [3, 2, 3, 3], group=2)
    save("conv2d_width", ["B", 4, "H", 2], [3, 4, 3, 3])
    save("conv2d_empty_kernel", ["B", 4, "H", "W"], [3, 4, 0, 3])
    save("conv2d_bias", ["B", 4, "H", "W"], [3, 4, 3, 3], bias=4)
    save("conv1d_empty_kernel", ["B", 4, "T"], [3, 4, 0])
    # ConvTranspose used to ignore auto_pad (silently other pads).
    graph = helper.make_graph(
        [helper.make_node("ConvTranspose", ["x", "w"], ["y"], name="up",
                          auto_pad="SAME_UPPER", strides=[2])],
        "conv_transpose_auto_pad",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                       ["B", 4, "T"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
        initializer=[helper.make_tensor("w", TensorProto.FLOAT, [4, 3, 3],
                                        [0.5] * 36)])
    onnx.save(helper.make_model(
        graph, opset_imports=[helper.make_opsetid("", 14)]),
        os.path.join(in_dir, "conv_transpose_auto_pad.onnx"))


def write_einsum_inputs(in_dir):
    """Einsum equations the importer refuses, each with its message, and
    ones whose letters broadcast a fixed 1 (einsum_broadcast*: NumPy's
    einsum does; they were refused) or whose "..." stands for fewer
    dimensions in one operand (einsum_ellipsis_ranks, right-aligned)."""
    from onnx import TensorProto, helper
    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    for name, equation, shapes in [
            ("einsum_operands", "ij,jk,kl->il", [[2, 3], [3, 4]]),
            ("einsum_rank", "ijk,jk->i", [[2, 3], [3, 4]]),
            ("einsum_sizes", "ij,jk->ik", [[2, 3], [5, 4]]),
            ("einsum_output", "ij,jk->iz", [[2, 3], [3, 4]]),
            ("einsum_ellipsis_letters", "...ijk,kl->...il", [[2, 3], [3, 4]]),
            ("einsum_broadcast", "bij,bjk->bik", [["B", 2, 3], [1, 3, 4]]),
            ("einsum_broadcast_dots", "...ij,...jk->...ik",
             [["B", 2, 3], [1, 3, 4]]),
            ("einsum_broadcast_heads", "bqhd,bkhd->bhqk",
             [["B", "T", 2, 4], [1, "S", 1, 4]]),
            ("einsum_ellipsis_ranks", "...ij,...jk->...ik",
             [["B", 1, "T", 3], [2, 3, 4]])]:
        inputs = [f32("a%d" % i, shape) for i, shape in enumerate(shapes)]
        graph = helper.make_graph(
            [helper.make_node("Einsum", [i.name for i in inputs], ["y"],
                              name=name, equation=equation)],
            name, inputs, [f32("y", None)])
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", 14)])
        with open(os.path.join(in_dir, name + ".onnx"), "wb") as f:
            f.write(model.SerializeToString())


def write_edge_inputs(in_dir):
    """Edge cases of the importer: a MatMul whose batch dimension
    broadcasts (a [1, K, N] right operand), Equal of an INT32 input and an
    INT32 constant, a Loop that would read past a static input, and
    recurrences whose hidden_size disagrees with W or cannot be inferred."""
    from onnx import TensorProto, helper
    f32 = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)

    def save(name, nodes, inputs, outputs, inits=(), opset=14):
        graph = helper.make_graph(nodes, name, inputs, outputs,
                                  initializer=list(inits))
        model = helper.make_model(
            graph, opset_imports=[helper.make_opsetid("", opset)])
        with open(os.path.join(in_dir, name + ".onnx"), "wb") as f:
            f.write(model.SerializeToString())

    save("matmul_batch_broadcast",
         [helper.make_node("MatMul", ["x", "w"], ["y"], name="mm")],
         [f32("x", ["B", 3, 4]), f32("w", [1, 4, 5])], [f32("y", ["B", 3, 5])])
    save("equal_int32",
         [helper.make_node("Equal", ["ids", "zero"], ["y"], name="eq")],
         [helper.make_tensor_value_info("ids", TensorProto.INT32, ["B", "T"])],
         [helper.make_tensor_value_info("y", TensorProto.BOOL, ["B", "T"])],
         [helper.make_tensor("zero", TensorProto.INT32, [], [0])])
    i64 = lambda n: helper.make_tensor_value_info(n, TensorProto.INT64, [])
    b1 = lambda n: helper.make_tensor_value_info(n, TensorProto.BOOL, [])
    body = helper.make_graph(
        [helper.make_node("Gather", ["x", "t"], ["xt"], axis=0),
         helper.make_node("Add", ["h_in", "xt"], ["h_out"]),
         helper.make_node("Identity", ["c_in"], ["c_out"])],
        "body", [i64("t"), b1("c_in"), f32("h_in", [2, 4])],
        [b1("c_out"), f32("h_out", [2, 4])])
    save("loop_too_long", [helper.make_node(
        "Loop", ["ten", "", "h0"], ["h"], name="too_long", body=body)],
        [f32("x", [5, 2, 4]), f32("h0", [2, 4])], [f32("h", [2, 4])],
        [helper.make_tensor("ten", TensorProto.INT64, [], [10])], opset=17)
    weights = np.random.default_rng(3)
    weight = lambda n, s: helper.make_tensor(
        n, TensorProto.FLOAT, s,
        weights.standard_normal(s).astype(np.float32).ravel().tolist())
    # hidden_size against W and R: an LSTM's W of 8 rows is 4 gates of 2,
    # not of 3; a GRU without hidden_size whose W and R have run-time sizes,
    # and one whose R gives it.
    save("bad_hidden_size", [helper.make_node(
        "LSTM", ["x", "W", "R"], ["y"], name="LSTM_2", hidden_size=3)],
        [f32("x", ["T", "B", 3])], [f32("y", ["T", 1, "B", 3])],
        [weight("W", [1, 8, 3]), weight("R", [1, 8, 2])])
    save("no_hidden_size", [helper.make_node(
        "GRU", ["x", "W", "R"], ["y"], name="GRU_4")],
        [f32("x", ["T", "B", 3]), f32("W", [1, "G", 3]),
         f32("R", [1, "G", "H"])], [f32("y", ["T", 1, "B", 2])])
    save("hidden_size_from_r", [helper.make_node(
        "GRU", ["x", "W", "R"], ["y"], name="GRU_5")],
        [f32("x", ["T", "B", 3]), f32("W", [1, "G", 3])],
        [f32("y", ["T", 1, "B", 2])], [weight("R", [1, 6, 2])])
    save("bad_r_columns", [helper.make_node(
        "GRU", ["x", "W", "R"], ["y"], name="GRU_6", hidden_size=2)],
        [f32("x", ["T", "B", 3])], [f32("y", ["T", 1, "B", 2])],
        [weight("W", [1, 6, 3]), weight("R", [1, 6, 3])])
    save("uneven_gate_rows", [helper.make_node(
        "GRU", ["x", "W", "R"], ["y"], name="GRU_7")],
        [f32("x", ["T", "B", 3]), f32("R", [1, "G", "H"])],
        [f32("y", ["T", 1, "B", 2])], [weight("W", [1, 7, 3])])
    save("huge_hidden_size", [helper.make_node(
        "RNN", ["x", "W", "R"], ["y"], name="RNN_8", hidden_size=2 ** 31)],
        [f32("x", ["T", "B", 3]), f32("W", [1, "G", 3]),
         f32("R", [1, "G", "H"])], [f32("y", ["T", 1, "B", 2])])
    # An LSTM's zero initial state as torch.onnx writes it for a packed
    # sequence: Expand of 0 to a constant [D, B, H] of the traced batch
    # (2), while x's batch is dynamic. The model runs at batch 2 only;
    # compiling warns and names the cause.
    state_rng = np.random.default_rng(5)
    state_weight = lambda n, s: helper.make_tensor(
        n, TensorProto.FLOAT, s,
        state_rng.standard_normal(s).astype(np.float32).ravel().tolist())
    save("constant_state_batch", [
        helper.make_node("Expand", ["zero", "state_shape"], ["h0"],
                         name="/l/Expand"),
        helper.make_node("LSTM", ["x", "W", "R", "", "", "h0", "h0"], ["y"],
                         name="/l/LSTM", hidden_size=4)],
        [f32("x", ["T", "B", 3])], [f32("y", ["T", 1, "B", 4])],
        [state_weight("W", [1, 16, 3]), state_weight("R", [1, 16, 4]),
         helper.make_tensor("zero", TensorProto.FLOAT, [], [0.0]),
         helper.make_tensor("state_shape", TensorProto.INT64, [3],
                            [1, 2, 4])])
    # Flags of values other than 0 and 1, which were read as true.
    save("bad_linear_before_reset", [helper.make_node(
        "GRU", ["x", "W", "R"], ["y"], name="GRU_9", hidden_size=2,
        linear_before_reset=7)],
        [f32("x", ["T", "B", 3])], [f32("y", ["T", 1, "B", 2])],
        [state_weight("W", [1, 6, 3]), state_weight("R", [1, 6, 2])])
    save("bad_input_forget", [helper.make_node(
        "LSTM", ["x", "W", "R"], ["y"], name="LSTM_9", hidden_size=2,
        input_forget=-1)],
        [f32("x", ["T", "B", 3])], [f32("y", ["T", 1, "B", 2])],
        [state_weight("W", [1, 8, 3]), state_weight("R", [1, 8, 2])])
    # Time split into chunks of 2 (a chunked scan's view(B, -1, 2, 4)): a
    # run of odd length fails naming the multiple.
    save("reshape_into_chunks", [helper.make_node(
        "Reshape", ["x", "chunks"], ["y"], name="Reshape_12")],
        [f32("x", ["B", "T", 4])], [f32("y", ["B", "C", 2, 4])],
        [helper.make_tensor("chunks", TensorProto.INT64, [4],
                            [0, -1, 2, 4])])
    # F.logsigmoid as torch 1.13 exports it: Log(Sigmoid(x)).
    save("log_sigmoid", [
        helper.make_node("Sigmoid", ["x"], ["s"], name="sigmoid"),
        helper.make_node("Log", ["s"], ["y"], name="log")],
        [f32("x", ["N"])], [f32("y", ["N"])])
    # torch.randn_like(x) (a VAE's reparameterization).
    save("random_like", [helper.make_node(
        "RandomNormalLike", ["x"], ["y"], name="/RandomNormalLike")],
        [f32("x", ["B", 4])], [f32("y", ["B", 4])])
    # A Python loop over time traced by torch.onnx.export: its 3 export
    # steps unrolled (Gather, Unsqueeze, Concat), the output still declared
    # with the input's dynamic T.
    steps = [f"t{i}" for i in range(3)]
    save("unrolled_steps",
         [helper.make_node("Gather", ["x", f"i{i}"], [f"g{i}"], axis=1,
                           name=f"Gather_{i}") for i in range(3)] +
         [helper.make_node("Unsqueeze", [f"g{i}", "one"], [t],
                           name=f"Unsqueeze_{i}") for i, t in enumerate(steps)] +
         [helper.make_node("Concat", steps, ["y"], axis=1, name="Concat_9")],
         [f32("x", ["B", "T", 4])], [f32("y", ["B", "T", 4])],
         [helper.make_tensor(f"i{i}", TensorProto.INT64, [], [i])
          for i in range(3)] +
         [helper.make_tensor("one", TensorProto.INT64, [1], [1])])

    # Dropout in training mode with ratio 0 (torch.dropout(x, 0.0,
    # train=True), PyTorch's reference scaled_dot_product_attention with
    # dropout_p = 0) and in inference with ratio 0.3: both the identity,
    # their masks all true (y = x * mask * inference mask); training with
    # ratio 0.1, and a training_mode computed at run time, are refused.
    flag = lambda n, v: helper.make_tensor(n, TensorProto.BOOL, [], [v])
    ratio = lambda n, v: helper.make_tensor(n, TensorProto.FLOAT, [], [v])
    save("dropout_modes", [
        helper.make_node("Dropout", ["x", "zero", "yes"], ["d", "m"],
                         name="train_p0"),
        helper.make_node("Dropout", ["d", "p3", "no"], ["e", "m2"],
                         name="eval_p3"),
        helper.make_node("Cast", ["m"], ["mf"], to=TensorProto.FLOAT),
        helper.make_node("Cast", ["m2"], ["mf2"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["e", "mf"], ["p"]),
        helper.make_node("Mul", ["p", "mf2"], ["y"])],
        [f32("x", ["B", 3])], [f32("y", ["B", 3])],
        [ratio("zero", 0.0), ratio("p3", 0.3), flag("yes", True),
         flag("no", False)], opset=14)
    save("dropout_training", [
        helper.make_node("Dropout", ["x", "p1", "yes"], ["y"],
                         name="train_p1")],
        [f32("x", ["B", 3])], [f32("y", ["B", 3])],
        [ratio("p1", 0.1), flag("yes", True)], opset=14)
    save("dropout_runtime_training", [
        helper.make_node("Dropout", ["x", "p1", "mode"], ["y"],
                         name="train_at_run_time")],
        [f32("x", ["B", 3]),
         helper.make_tensor_value_info("mode", TensorProto.BOOL, [])],
        [f32("y", ["B", 3])], [ratio("p1", 0.1)], opset=14)

    # Range over bounds known at run time, with steps 1, INT64_MAX and -2
    # (one graph each): the count from the bounds' distance without
    # wrapping (before, Range(INT64_MAX, INT64_MIN, 1) gave [INT64_MAX]).
    i64 = lambda n: helper.make_tensor_value_info(n, TensorProto.INT64, [])
    for name, d in (("1", 1), ("max", 2**63 - 1), ("minus2", -2)):
        save("range_runtime_step_" + name,
             [helper.make_node("Range", ["a", "b", "d"], ["y"],
                               name="range")],
             [i64("a"), i64("b")],
             [helper.make_tensor_value_info("y", TensorProto.INT64, ["N"])],
             [helper.make_tensor("d", TensorProto.INT64, [], [d])], opset=14)
    # TopK with K given at run time over a static dimension of 4: a K past
    # it fails the run naming the size.
    save("topk_runtime_k", [
        helper.make_node("TopK", ["x", "k"], ["values", "indices"],
                         name="topk", axis=1)],
        [f32("x", ["B", 4]),
         helper.make_tensor_value_info("k", TensorProto.INT64, [1])],
        [f32("values", ["B", "K"]),
         helper.make_tensor_value_info("indices", TensorProto.INT64,
                                       ["B", "K"])], opset=14)


def write_narrow_initializers_model(out_dir):
    """Initializers of the narrow dtypes a model may store (a uint8 mask
    buffer, int8 and int16 tables, float16 and bfloat16 weights), in raw
    data and in int32_data; made with onnx.helper, expected outputs from
    NumPy (bfloat16 values chosen exactly representable)."""
    from onnx import TensorProto, helper
    mask = np.array([1, 0, 1, 255], dtype=np.uint8)
    table8 = np.array([-3, 5, -128, 127], dtype=np.int8)
    table16 = np.array([-30000, 2, 300, 32767], dtype=np.int16)
    half = np.array([0.1, -2.5, 1000.3, 6e-5], dtype=np.float16)
    bf16 = np.array([0.5, -1.25, 3.0, 1.0 / 128], dtype=np.float32)
    inits = [
        helper.make_tensor("mask", TensorProto.UINT8, [4], mask.tobytes(),
                           raw=True),
        helper.make_tensor("table8", TensorProto.INT8, [4], table8.tolist()),
        helper.make_tensor("table16", TensorProto.INT16, [4],
                           table16.tobytes(), raw=True),
        helper.make_tensor("half", TensorProto.FLOAT16, [4], half.tobytes(),
                           raw=True),
        # onnx.helper rounds float values to bfloat16 bit patterns and
        # stores them in int32_data.
        helper.make_tensor("bf16", TensorProto.BFLOAT16, [4], bf16.tolist()),
    ]
    f = TensorProto.FLOAT
    nodes = [
        helper.make_node("Cast", ["mask"], ["maskf"], to=f),
        helper.make_node("Cast", ["table8"], ["t8"], to=f),
        helper.make_node("Cast", ["table16"], ["t16"], to=f),
        helper.make_node("Cast", ["half"], ["halff"], to=f),
        helper.make_node("Cast", ["bf16"], ["bf16f"], to=f),
        helper.make_node("Mul", ["x", "maskf"], ["a"]),
        helper.make_node("Mul", ["a", "halff"], ["b"]),
        helper.make_node("Add", ["b", "t8"], ["c"]),
        helper.make_node("Mul", ["c", "bf16f"], ["d"]),
        helper.make_node("Add", ["d", "t16"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes, "narrow_initializers",
        [helper.make_tensor_value_info("x", f, ["B", "T", 4])],
        [helper.make_tensor_value_info("y", f, ["B", "T", 4])],
        initializer=inits)
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(out_dir, "narrow_initializers.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"narrow_initializers"))
    for T, B in TEST_SHAPES:
        x = rng.standard_normal((B, T, 4)).astype(np.float32)
        np.save(os.path.join(out_dir, f"narrow_initializers.t{T}.in.x.npy"), x)
        y = ((x * mask.astype(np.float32) * half.astype(np.float32)
              + table8.astype(np.float32)) * bf16
             + table16.astype(np.float32))
        np.save(os.path.join(out_dir, f"narrow_initializers.t{T}.out.y.npy"),
                y.astype(np.float32))


def write_reduce_model(out_dir):
    """ReduceL2, ReduceSumSquare, ReduceMax over every axis, and ArgMax /
    ArgMin with ties, which PyTorch's exporter does not write this way
    (torch.norm becomes ReduceSum + Sqrt; no select_last_index); made with
    onnx.helper, expected outputs from NumPy."""
    from onnx import TensorProto, helper
    nodes = [
        helper.make_node("ReduceL2", ["x"], ["l2"], axes=[2], keepdims=1),
        helper.make_node("ReduceSumSquare", ["x"], ["ss"], axes=[1],
                         keepdims=0),
        helper.make_node("ReduceMax", ["x"], ["mx"], keepdims=0),
        helper.make_node("ArgMax", ["x"], ["am"], axis=2, keepdims=0),
        helper.make_node("ArgMin", ["x"], ["an"], axis=1,
                         select_last_index=1),
    ]
    graph = helper.make_graph(
        nodes, "reduce_l2",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "T", 4])],
        [helper.make_tensor_value_info("l2", TensorProto.FLOAT, ["B", "T", 1]),
         helper.make_tensor_value_info("ss", TensorProto.FLOAT, ["B", 4]),
         helper.make_tensor_value_info("mx", TensorProto.FLOAT, []),
         helper.make_tensor_value_info("am", TensorProto.INT64, ["B", "T"]),
         helper.make_tensor_value_info("an", TensorProto.INT64, ["B", 1, 4])])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(out_dir, "reduce_l2.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"reduce_l2"))
    for T, B in TEST_SHAPES:
        # Small integers: many ties for ArgMax (first index) and ArgMin
        # (select_last_index: the last).
        x = rng.integers(-2, 3, size=(B, T, 4)).astype(np.float32)
        np.save(os.path.join(out_dir, f"reduce_l2.t{T}.in.x.npy"), x)
        x64 = x.astype(np.float64)
        last_min = T - 1 - np.argmin(x64[:, ::-1, :], axis=1)[:, None, :]
        for key, value in [
                ("l2", np.sqrt((x64 * x64).sum(axis=2, keepdims=True))),
                ("ss", (x64 * x64).sum(axis=1)), ("mx", x64.max())]:
            np.save(os.path.join(out_dir, f"reduce_l2.t{T}.out.{key}.npy"),
                    np.asarray(value, dtype=np.float32))
        np.save(os.path.join(out_dir, f"reduce_l2.t{T}.out.am.npy"),
                np.argmax(x64, axis=2).astype(np.int64))
        np.save(os.path.join(out_dir, f"reduce_l2.t{T}.out.an.npy"),
                last_min.astype(np.int64))


def write_variadic_model(out_dir):
    """ONNX's variadic elementwise ops with three and four inputs, broadcast
    (x [B, T, 4], a weight [4], y [B, T, 1] and a scalar): Max, Min, Sum
    and Mean, which PyTorch's exporter writes with two inputs or as Add
    chains and tf2onnx and hand-built graphs with more; made with
    onnx.helper, expected outputs from NumPy."""
    from onnx import TensorProto, helper, numpy_helper
    w = np.array([0.5, -1.0, 2.0, 0.0], np.float32)
    s = np.array(0.25, np.float32)
    nodes = [
        helper.make_node("Max", ["x", "w", "y"], ["mx"]),
        helper.make_node("Min", ["x", "w", "y", "s"], ["mn"]),
        helper.make_node("Sum", ["x", "w", "y"], ["sm"]),
        helper.make_node("Mean", ["x", "w", "y", "s"], ["me"]),
        helper.make_node("Sum", ["x"], ["one"]),
    ]
    dims = ["B", "T", 4]
    graph = helper.make_graph(
        nodes, "variadic",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, dims),
         helper.make_tensor_value_info("y", TensorProto.FLOAT, ["B", "T", 1])],
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, dims)
         for n in ("mx", "mn", "sm", "me", "one")],
        [numpy_helper.from_array(w, "w"), numpy_helper.from_array(s, "s")])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(out_dir, "variadic.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"variadic"))
    for T, B in TEST_SHAPES:
        x = rng.standard_normal((B, T, 4)).astype(np.float32)
        y = rng.standard_normal((B, T, 1)).astype(np.float32)
        np.save(os.path.join(out_dir, f"variadic.t{T}.in.x.npy"), x)
        np.save(os.path.join(out_dir, f"variadic.t{T}.in.y.npy"), y)
        x64, y64 = x.astype(np.float64), y.astype(np.float64)
        w64, s64 = w.astype(np.float64), np.float64(s)
        for key, value in [
                ("mx", np.maximum(np.maximum(x64, w64), y64)),
                ("mn", np.minimum(np.minimum(np.minimum(x64, w64), y64), s64)),
                ("sm", x64 + w64 + y64),
                ("me", (x64 + w64 + y64 + s64) / 4),
                ("one", x64)]:
            np.save(os.path.join(out_dir, f"variadic.t{T}.out.{key}.npy"),
                    value.astype(np.float32))


def write_reshape_regroup_model(out_dir):
    """Reshapes whose target sizes are computed from Shape at run time, as
    PyTorch exports `view`: x [T, B, 12] to [T, B * 3, 4] (a split of the
    features and a merge with the batch: nn.MultiheadAttention's heads),
    that to [T * B, 12] and back to [T, B, 12], a Gemm (how PyTorch exports
    a 2-D Linear) on [T * B, 12] reshaped to [T, B, 5], and x to [B, T, 12]
    (sizes swapped: no
    regrouping, a row-major reshape of the flat data). Made with
    onnx.helper, expected outputs from NumPy."""
    from onnx import TensorProto, helper, numpy_helper
    rng = np.random.default_rng(zlib.crc32(b"reshape_regroup"))
    w = rng.standard_normal((5, 12)).astype(np.float32)
    b = rng.standard_normal(5).astype(np.float32)
    i64 = lambda n, v: numpy_helper.from_array(np.array(v, np.int64), n)
    nodes = [
        helper.make_node("Shape", ["x"], ["s"]),
        helper.make_node("Slice", ["s", "zero", "one"], ["t"]),
        helper.make_node("Slice", ["s", "one", "two"], ["b"]),
        helper.make_node("Mul", ["b", "three"], ["b3"]),
        helper.make_node("Mul", ["t", "b"], ["tb"]),
        helper.make_node("Concat", ["t", "b3", "four"], ["heads_shape"],
                         axis=0),
        helper.make_node("Reshape", ["x", "heads_shape"], ["heads"]),
        helper.make_node("Concat", ["tb", "twelve"], ["rows_shape"], axis=0),
        helper.make_node("Reshape", ["heads", "rows_shape"], ["rows"]),
        helper.make_node("Concat", ["t", "b", "twelve"], ["back_shape"],
                         axis=0),
        helper.make_node("Reshape", ["heads", "back_shape"], ["back"]),
        helper.make_node("Gemm", ["rows", "w", "bias"], ["pb"], transB=1),
        helper.make_node("Concat", ["t", "b", "five"], ["y_shape"], axis=0),
        helper.make_node("Reshape", ["pb", "y_shape"], ["y"]),
        helper.make_node("Concat", ["b", "t", "twelve"], ["swap_shape"],
                         axis=0),
        helper.make_node("Reshape", ["x", "swap_shape"], ["swapped"]),
    ]
    graph = helper.make_graph(
        nodes, "reshape_regroup",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["T", "B", 12])],
        [helper.make_tensor_value_info("heads", TensorProto.FLOAT,
                                       ["T", "BH", 4]),
         helper.make_tensor_value_info("rows", TensorProto.FLOAT, ["TB", 12]),
         helper.make_tensor_value_info("back", TensorProto.FLOAT,
                                       ["T", "B", 12]),
         helper.make_tensor_value_info("y", TensorProto.FLOAT, ["T", "B", 5]),
         helper.make_tensor_value_info("swapped", TensorProto.FLOAT,
                                       ["B", "T", 12])],
        [i64("zero", [0]), i64("one", [1]), i64("two", [2]),
         i64("three", [3]), i64("four", [4]), i64("five", [5]),
         i64("twelve", [12]), numpy_helper.from_array(w, "w"),
         numpy_helper.from_array(b, "bias")])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(out_dir, "reshape_regroup.onnx"))
    for T, B in TEST_SHAPES:
        x = rng.standard_normal((T, B, 12)).astype(np.float32)
        np.save(os.path.join(out_dir, f"reshape_regroup.t{T}.in.x.npy"), x)
        y = (x.reshape(T * B, 12).astype(np.float64) @ w.T.astype(np.float64)
             + b.astype(np.float64)).reshape(T, B, 5)
        for key, value in [("heads", x.reshape(T, B * 3, 4)),
                           ("rows", x.reshape(T * B, 12)),
                           ("back", x), ("y", y),
                           ("swapped", x.reshape(B, T, 12))]:
            np.save(os.path.join(out_dir, f"reshape_regroup.t{T}.out.{key}.npy"),
                    value.astype(np.float32))


def write_reshape_cast_model(out_dir):
    """A static x [2, 3, 4] reshaped by a shape read at run time (the
    input `s`, [24]: a dynamic [?] the importer casts from the static
    count) and reshaped again: after an Unsqueeze to [4, 6] ("cast_unsq"),
    and to Shape(r) from [4, 6] ("cast_like"). The sizes read back through
    that cast are constants, the types dynamic; the refinement that split
    them built ops whose types disagreed (the verifier refused the model).
    Made with onnx.helper, expected outputs from NumPy."""
    from onnx import TensorProto, helper, numpy_helper
    nodes = [
        helper.make_node("Reshape", ["x", "s"], ["r"]),
        helper.make_node("Unsqueeze", ["r", "axis1"], ["u"]),
        helper.make_node("Reshape", ["u", "shape46"], ["cast_unsq"]),
        helper.make_node("Reshape", ["x", "shape46"], ["x46"]),
        helper.make_node("Shape", ["r"], ["rs"]),
        helper.make_node("Reshape", ["x46", "rs"], ["cast_like"]),
    ]
    graph = helper.make_graph(
        nodes, "reshape_cast",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 4]),
         helper.make_tensor_value_info("s", TensorProto.INT64, [1])],
        [helper.make_tensor_value_info("cast_unsq", TensorProto.FLOAT, [4, 6]),
         helper.make_tensor_value_info("cast_like", TensorProto.FLOAT,
                                       ["N"])],
        [numpy_helper.from_array(np.array([1], np.int64), "axis1"),
         numpy_helper.from_array(np.array([4, 6], np.int64), "shape46")])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(out_dir, "reshape_cast.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"reshape_cast"))
    for T, _ in TEST_SHAPES:
        x = rng.standard_normal((2, 3, 4)).astype(np.float32)
        np.save(os.path.join(out_dir, f"reshape_cast.t{T}.in.x.npy"), x)
        np.save(os.path.join(out_dir, f"reshape_cast.t{T}.in.s.npy"),
                np.array([24], np.int64))
        np.save(os.path.join(out_dir, f"reshape_cast.t{T}.out.cast_unsq.npy"),
                x.reshape(4, 6))
        np.save(os.path.join(out_dir, f"reshape_cast.t{T}.out.cast_like.npy"),
                x.reshape(24))


def write_cumsum_model(out_dir):
    """CumSum along time (axis 1, plain), features reversed (axis -1,
    reverse=1) and time exclusive (exclusive=1), and an int64 running count
    of a mask (HF position ids); made with onnx.helper because PyTorch
    never writes reverse or exclusive, expected outputs from NumPy."""
    from onnx import TensorProto, helper
    axis = lambda n, v: helper.make_tensor(n, TensorProto.INT64, [], [v])
    nodes = [
        helper.make_node("CumSum", ["x", "one"], ["c"]),
        helper.make_node("CumSum", ["x", "minus_one"], ["r"], reverse=1),
        helper.make_node("CumSum", ["x", "one"], ["e"], exclusive=1),
        helper.make_node("Cast", ["x"], ["xi"], to=TensorProto.INT64),
        helper.make_node("CumSum", ["xi", "one"], ["n"]),
    ]
    graph = helper.make_graph(
        nodes, "cumsum",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", "T", 4])],
        [helper.make_tensor_value_info(name, TensorProto.FLOAT, ["B", "T", 4])
         for name in ("c", "r", "e")] +
        [helper.make_tensor_value_info("n", TensorProto.INT64, ["B", "T", 4])],
        initializer=[axis("one", 1), axis("minus_one", -1)])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(out_dir, "cumsum.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"cumsum"))
    for T, B in TEST_SHAPES:
        x = rng.integers(-3, 4, size=(B, T, 4)).astype(np.float32)
        np.save(os.path.join(out_dir, f"cumsum.t{T}.in.x.npy"), x)
        x64 = x.astype(np.float64)
        outputs = {
            "c": np.cumsum(x64, axis=1),
            "r": np.cumsum(x64[:, :, ::-1], axis=2)[:, :, ::-1],
            "e": np.cumsum(x64, axis=1) - x64,
        }
        for key, value in outputs.items():
            np.save(os.path.join(out_dir, f"cumsum.t{T}.out.{key}.npy"),
                    value.astype(np.float32))
        np.save(os.path.join(out_dir, f"cumsum.t{T}.out.n.npy"),
                np.cumsum(x.astype(np.int64), axis=1))


def write_pad_modes_model(out_dir):
    """Pad with mode reflect (time: 2 before, 1 after) and edge (channels: 1
    before; time: 1 before, 2 after), as PyTorch exports F.pad(...,
    mode="reflect" / "replicate"); made with onnx.helper so the pads are
    exactly these, expected outputs from numpy.pad."""
    from onnx import TensorProto, helper
    pads = lambda n, v: helper.make_tensor(n, TensorProto.INT64, [len(v)], v)
    nodes = [
        helper.make_node("Pad", ["x", "reflect_pads"], ["r"], mode="reflect"),
        helper.make_node("Pad", ["x", "edge_pads"], ["e"], mode="edge"),
    ]
    graph = helper.make_graph(
        nodes, "pad_modes",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["B", 3, "T"])],
        [helper.make_tensor_value_info("r", TensorProto.FLOAT, ["B", 3, None]),
         helper.make_tensor_value_info("e", TensorProto.FLOAT,
                                       ["B", 4, None])],
        initializer=[pads("reflect_pads", [0, 0, 2, 0, 0, 1]),
                     pads("edge_pads", [0, 1, 1, 0, 0, 2])])
    onnx.save(helper.make_model(graph,
                                opset_imports=[helper.make_opsetid("", 14)]),
              os.path.join(out_dir, "pad_modes.onnx"))
    rng = np.random.default_rng(zlib.crc32(b"pad_modes"))
    for T, B in TEST_SHAPES:
        x = rng.standard_normal((B, 3, T)).astype(np.float32)
        np.save(os.path.join(out_dir, f"pad_modes.t{T}.in.x.npy"), x)
        np.save(os.path.join(out_dir, f"pad_modes.t{T}.out.r.npy"),
                np.pad(x, ((0, 0), (0, 0), (2, 1)), mode="reflect"))
        np.save(os.path.join(out_dir, f"pad_modes.t{T}.out.e.npy"),
                np.pad(x, ((0, 0), (1, 0), (1, 2)), mode="edge"))
