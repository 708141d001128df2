"""Writes ONNX models whose nodes break their operator's schema (committed;
run again only to change them). Hand-made with onnx.helper: exporters do not
write these, fuzzers and hand-edited graphs do.

    /usr/bin/python3 make_malformed.py
"""
import os

import onnx
from onnx import TensorProto, helper

here = os.path.dirname(os.path.abspath(__file__))


def save(name, nodes, inputs, shape=("T", 4), initializers=()):
    graph = helper.make_graph(
        nodes, name,
        [helper.make_tensor_value_info(n, TensorProto.FLOAT, list(shape))
         for n in inputs],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["T", 4])],
        list(initializers))
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 14)])
    onnx.save(model, os.path.join(here, name + ".onnx"))


# Add and Div take exactly two inputs.
save("add_one_input", [helper.make_node("Add", ["x"], ["y"], name="Add_0")],
     ["x"])
save("div_three_inputs",
     [helper.make_node("Div", ["x", "x", "x"], ["y"], name="Div_0")], ["x"])
# What the LayerNorm raising looks at first: a ReduceMean feeding a Sub,
# then an Add with one input.
save("layernorm_short_add", [
    helper.make_node("ReduceMean", ["x"], ["m"], name="ReduceMean_0",
                     axes=[-1]),
    helper.make_node("Sub", ["x", "m"], ["d"], name="Sub_1"),
    helper.make_node("Add", ["d"], ["y"], name="Add_2"),
], ["x"])
# Relu with an attribute its schema does not have.
save("relu_bad_attr",
     [helper.make_node("Relu", ["x"], ["y"], name="Relu_0", alpha=0.5)],
     ["x"])
# ConstantOfShape whose shape holds a negative value (fuzz_onnx_import: an
# integer fill made a tensor type with a negative dimension, whose "element
# count" then looked small and was iterated for minutes).
save("bad_constantofshape", [
    helper.make_node("Constant", [], ["s"], name="Constant_0",
                     value=helper.make_tensor("v", TensorProto.INT64, [1],
                                              [-4])),
    helper.make_node("ConstantOfShape", ["s"], ["c"], name="ConstantOfShape_1",
                     value=helper.make_tensor("f", TensorProto.INT64, [1],
                                              [0])),
    helper.make_node("Constant", [], ["two"], name="Constant_2",
                     value=helper.make_tensor("t", TensorProto.INT64, [1],
                                              [2])),
    helper.make_node("Concat", ["two", "c"], ["shape"], name="Concat_3",
                     axis=0),
    helper.make_node("Reshape", ["x", "shape"], ["y"], name="Reshape_4"),
], ["x"])
# Reshape to a negative size other than -1 (fuzz_onnx_import: the negative
# dimension reached a Slice, whose bound arithmetic overflowed).
save("bad_reshape_negative", [
    helper.make_node("Constant", [], ["s"], name="Constant_0",
                     value=helper.make_tensor("v", TensorProto.INT64, [2],
                                              [-1099511627265, 2])),
    helper.make_node("Reshape", ["x", "s"], ["r"], name="Reshape_1"),
    helper.make_node("Slice", ["r", "s", "s"], ["y"], name="Slice_2"),
], ["x"])
# Expand to a negative size: caught by the check every node's outputs get.
save("bad_expand_negative", [
    helper.make_node("Constant", [], ["s"], name="Constant_0",
                     value=helper.make_tensor("v", TensorProto.INT64, [3],
                                              [-3, 1, 1])),
    helper.make_node("Expand", ["x", "s"], ["y"], name="Expand_1"),
], ["x"])
# Reshapes whose element counts differ on every run: x[T, 4] to [0, 3]
# and to [0, -1, 3] (T * 4 over T * 3), and x[2, 1] to a scalar (these
# reached MLIR's verifier: "'tensor.cast' op operand type ... are cast
# incompatible", "rank 0 memrefs can only be ... collapsed with/from ones").
i64 = lambda name, values: helper.make_tensor(
    name, TensorProto.INT64, [len(values)], values)
save("bad_reshape_count", [
    helper.make_node("Constant", [], ["s"], name="Constant_0",
                     value=i64("v", [0, 3])),
    helper.make_node("Reshape", ["x", "s"], ["y"], name="Reshape_1"),
], ["x"])
save("bad_reshape_infer", [
    helper.make_node("Constant", [], ["s"], name="Constant_0",
                     value=i64("v", [0, -1, 3])),
    helper.make_node("Reshape", ["x", "s"], ["y"], name="Reshape_1"),
], ["x"])
save("bad_reshape_scalar", [
    helper.make_node("Constant", [], ["s"], name="Constant_0",
                     value=i64("v", [])),
    helper.make_node("Reshape", ["x", "s"], ["y"], name="Reshape_1"),
], ["x"], shape=(2, 1))
# A MatMul whose weight is defined nowhere (an initializer dropped when the
# graph was edited), and an Add that reads a value a later node writes.
save("missing_initializer",
     [helper.make_node("MatMul", ["x", "W"], ["y"], name="MatMul_0")], ["x"])
save("unsorted_nodes", [
    helper.make_node("Add", ["x", "r"], ["y"], name="Add_0"),
    helper.make_node("Relu", ["x"], ["r"], name="Relu_1"),
], ["x"])
# x[T, 4] times a weight of 3 rows (the seq.linear verifier's message,
# "'weight' must be [O, I] = [4, 4], found tensor<4x3xf32>", before).
save("matmul_k_mismatch",
     [helper.make_node("MatMul", ["x", "W"], ["y"], name="MatMul_0")], ["x"],
     initializers=[helper.make_tensor("W", TensorProto.FLOAT, [3, 4],
                                      [0.5] * 12)])
# Not malformed: converters that write "?" for each unknown dimension mean
# each its own (taken as a name, x[?, 3] and y[?, 3] had to be one length).
unknown = lambda name: helper.make_tensor_value_info(
    name, TensorProto.FLOAT, ["?", 3])
onnx.save(
    helper.make_model(
        helper.make_graph(
            [helper.make_node("Concat", ["x", "y"], ["z"], name="Concat_0",
                              axis=0)],
            "unknown_dims", [unknown("x"), unknown("y")], [unknown("z")]),
        opset_imports=[helper.make_opsetid("", 14)]),
    os.path.join(here, "unknown_dims.onnx"))
