#!/usr/bin/env python3
"""Writes small.safetensors (and bias_kv.safetensors) for the model
description tests (numpy only).

Biases count up (bias_ih = 0..15, bias_hh = 100..115) so the tests can see
PyTorch's LSTM gate order i, f, g, o become the seq dialect's i, o, f, c.
"""
import json
import os
import struct

import numpy as np

rng = np.random.default_rng(0)


def f32(*shape):
    return rng.standard_normal(shape).astype(np.float32)


tensors = {
    # lstm: input 2, hidden 4
    "enc.weight_ih_l0": f32(16, 2),
    "enc.weight_hh_l0": f32(16, 4),
    "enc.bias_ih_l0": np.arange(16, dtype=np.float32),
    "enc.bias_hh_l0": 100 + np.arange(16, dtype=np.float32),
    # gru: input 2, hidden 3, bidirectional
    "gru.weight_ih_l0": f32(9, 2),
    "gru.weight_hh_l0": f32(9, 3),
    "gru.bias_ih_l0": np.arange(9, dtype=np.float32),
    "gru.bias_hh_l0": 100 + np.arange(9, dtype=np.float32),
    "gru.weight_ih_l0_reverse": f32(9, 2),
    "gru.weight_hh_l0_reverse": f32(9, 3),
    "gru.bias_ih_l0_reverse": f32(9),
    "gru.bias_hh_l0_reverse": f32(9),
    # linear 4 -> 3, stored as f16
    "head.weight": f32(3, 4).astype(np.float16),
    "head.bias": f32(3).astype(np.float16),
    "wrong.weight": f32(3, 5),
    "ints.weight": np.arange(12, dtype=np.int64).reshape(3, 4),
    "norm.weight": f32(4),
    "norm.bias": f32(4),
    # mha: embedding 4, in_proj / out_proj
    "attn.in_proj_weight": f32(12, 4),
    "attn.in_proj_bias": f32(12),
    "attn.out_proj.weight": f32(4, 4),
    "attn.out_proj.bias": f32(4),
    # conv1d: 2 -> 4 channels, kernel 3
    "conv.weight": f32(4, 2, 3),
    "conv.bias": f32(4),
    "emb.weight": f32(10, 4),
}

names = {np.float32: "F32", np.float16: "F16", np.int64: "I64"}


def write(file_name, tensors):
    header, blobs, offset = {}, [], 0
    for name, array in tensors.items():
        data = np.ascontiguousarray(array).tobytes()
        header[name] = {"dtype": names[array.dtype.type],
                        "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), file_name)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))


write("small.safetensors", tensors)
# nn.MultiheadAttention(4, 2, add_bias_kv=True): its bias_k / bias_v rows.
write("bias_kv.safetensors", {
    "attn.in_proj_weight": f32(12, 4),
    "attn.in_proj_bias": f32(12),
    "attn.bias_k": f32(1, 1, 4),
    "attn.bias_v": f32(1, 1, 4),
    "attn.out_proj.weight": f32(4, 4),
    "attn.out_proj.bias": f32(4),
})
