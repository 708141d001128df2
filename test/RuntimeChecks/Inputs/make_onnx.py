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
