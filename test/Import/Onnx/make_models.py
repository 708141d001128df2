#!/usr/bin/python3
"""Exports the small recurrent models that test the ONNX front end.

Run with Debian's python3 (python3-torch 1.13, python3-onnx 1.12):

    /usr/bin/python3 test/Import/Onnx/make_models.py [OUT_DIR]

For every model it writes OUT_DIR/NAME.onnx (exported at T=5, B=3 with
dynamic sequence and batch axes) and, for two other sequence lengths L,
OUT_DIR/NAME.tL.in.INPUT.npy and OUT_DIR/NAME.tL.out.OUTPUT.npy (PyTorch's
results). run_models.py compiles each .onnx with seqc and compares.

It also writes, with onnx.helper, the small graphs of the lit tests into
Inputs/ next to this script: each ONNX feature the importer maps (the full
RNN/LSTM/GRU attribute set, the tensor ops) and the malformed models of
the error tests.
"""

import os
import sys
import zlib

import numpy as np
import torch
from torch import nn

EXPORT_T, EXPORT_B = 5, 3
TEST_SHAPES = [(3, 2), (9, 4)]  # (T, B), both unlike the export shape


class Rnn(nn.Module):
    def __init__(self, nonlinearity):
        super().__init__()
        self.rnn = nn.RNN(4, 8, num_layers=2, nonlinearity=nonlinearity)

    def forward(self, x):
        y, h = self.rnn(x)
        return y, h


class LstmUni(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        return y, h, c


class LstmBi(nn.Module):
    """Stacked, bidirectional, batch-first; states in and out."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2, bidirectional=True,
                            batch_first=True)

    def forward(self, x, h0, c0):
        y, (h, c) = self.lstm(x, (h0, c0))
        return y, h, c


class GruHead(nn.Module):
    """Bidirectional GRU with a linear head on the last step."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, bidirectional=True)
        self.head = nn.Linear(12, 3)

    def forward(self, x):
        y, h = self.gru(x)
        return self.head(y[-1]), h


def batch_first_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, T, 4)).astype(np.float32),
            "h0": rng.standard_normal((4, B, 6)).astype(np.float32),
            "c0": rng.standard_normal((4, B, 6)).astype(np.float32)}


def time_major_inputs(T, B, rng):
    return {"x": rng.standard_normal((T, B, 4)).astype(np.float32)}


# name, module, opset, input maker, output names, dynamic axes
MODELS = [
    ("rnn_tanh", lambda: Rnn("tanh"), 13, time_major_inputs, ["y", "h"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 2: "B"}, "h": {1: "B"}}),
    ("rnn_relu", lambda: Rnn("relu"), 17, time_major_inputs, ["y", "h"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 2: "B"}, "h": {1: "B"}}),
    ("lstm_uni", LstmUni, 14, time_major_inputs, ["y", "h", "c"],
     {"x": {0: "T", 1: "B"}, "y": {0: "T", 2: "B"}, "h": {1: "B"},
      "c": {1: "B"}}),
    ("lstm_bi", LstmBi, 14, batch_first_inputs, ["y", "h", "c"],
     {"x": {0: "B", 1: "T"}, "h0": {1: "B"}, "c0": {1: "B"},
      "y": {0: "B", 1: "T"}, "h": {1: "B"}, "c": {1: "B"}}),
    ("gru_head", GruHead, 15, time_major_inputs, ["out", "h"],
     {"x": {0: "T", 1: "B"}, "out": {0: "B"}, "h": {1: "B"}}),
]


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
        "Einsum", ["x", "x"], ["y"], name="Einsum_3", equation="ij,ij->ij")],
        [f32("x", [2, 2])], [f32("y", [2, 2])])
    save("bad_activation", [helper.make_node(
        "RNN", ["x", "W", "R"], ["y"], name="RNN_7", hidden_size=2,
        activations=["Mish"])],
        [f32("x", ["T", "B", 3])], [f32("y", ["T", 1, "B", 2])],
        [const("W", [1, 2, 3]), const("R", [1, 2, 2])])
    save("bad_auto_pad", [helper.make_node(
        "Conv", ["x", "Wc"], ["y"], name="Conv_3", auto_pad="SAME_UPPER")],
        [f32("x", ["B", 2, "T"])], [f32("y", ["B", 2, "T"])],
        [const("Wc", [2, 2, 3])])
    save("bad_dtype", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
         [helper.make_tensor_value_info("x", TensorProto.DOUBLE, [2])],
         [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [2])])
    save("bad_cast", [helper.make_node("Cast", ["x"], ["y"], name="Cast_1",
                                       to=TensorProto.DOUBLE)],
         [f32("x", [2])],
         [helper.make_tensor_value_info("y", TensorProto.DOUBLE, [2])])
    save("old_opset", [helper.make_node("Relu", ["x"], ["y"], name="relu")],
         [f32("x", [2])], [f32("y", [2])], opset=11)
    with open(os.path.join(in_dir, "garbage.onnx"), "wb") as f:
        f.write(np.random.default_rng(1).bytes(512))


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "models")
    os.makedirs(out_dir, exist_ok=True)
    write_lit_inputs(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                  "Inputs"))
    torch.manual_seed(0)
    for name, make, opset, make_inputs, outputs, axes in MODELS:
        rng = np.random.default_rng(zlib.crc32(name.encode()))
        model = make().eval()
        example = make_inputs(EXPORT_T, EXPORT_B, rng)
        args = tuple(torch.from_numpy(v) for v in example.values())
        torch.onnx.export(model, args, os.path.join(out_dir, name + ".onnx"),
                          input_names=list(example), output_names=outputs,
                          dynamic_axes=axes, opset_version=opset)
        for T, B in TEST_SHAPES:
            inputs = make_inputs(T, B, rng)
            with torch.no_grad():
                results = model(*(torch.from_numpy(v) for v in inputs.values()))
            for key, value in inputs.items():
                np.save(os.path.join(out_dir, f"{name}.t{T}.in.{key}.npy"), value)
            for key, value in zip(outputs, results):
                np.save(os.path.join(out_dir, f"{name}.t{T}.out.{key}.npy"),
                        value.numpy())


if __name__ == "__main__":
    main()
