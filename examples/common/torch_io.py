"""Writes a PyTorch state_dict as safetensors, for the scripts that make
seqc's fixtures and benchmarks (make_models.py, char-gpt/make_model.py,
bench/bench.py)."""

import json
import struct

import numpy as np
import torch


def save_safetensors(path, tensors, dtype="F32"):
    """Writes the safetensors format directly: an 8-byte little-endian header
    length, a JSON header and the data, back to back."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach()
        if dtype == "BF16":  # numpy has no bfloat16: its bits, via torch
            data = t.to(torch.bfloat16).view(torch.int16).numpy().tobytes()
        else:
            np_dtype = {"F32": np.float32, "F16": np.float16,
                        "F64": np.float64}[dtype]
            data = np.ascontiguousarray(t.numpy().astype(np_dtype)).tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
