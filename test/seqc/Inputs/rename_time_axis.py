"""Writes mha_time_named.onnx: test/Import/Onnx/models/mha_causal_batch1.onnx
(nn.MultiheadAttention with a causal mask, exported at batch 1) with its
time axis named `time` instead of `T`, as an export with dynamic_axes
{"x": {1: "time"}} names it. Committed; run again only to change it:

    /usr/bin/python3 rename_time_axis.py
"""
import os

import onnx

here = os.path.dirname(os.path.abspath(__file__))
model = onnx.load(os.path.join(
    here, "../../Import/Onnx/models/mha_causal_batch1.onnx"))
for value in list(model.graph.input) + list(model.graph.output):
    for dim in value.type.tensor_type.shape.dim:
        if dim.dim_param == "T":
            dim.dim_param = "time"
onnx.save(model, os.path.join(here, "mha_time_named.onnx"))
