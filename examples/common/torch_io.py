"""Writes a PyTorch state_dict as safetensors, for the scripts that make
seqc's fixtures and benchmarks (make_models.py, char-gpt/make_model.py,
bench/bench.py)."""

import json
import struct

import torch


# safetensors' dtype names of the torch dtypes.
SAFETENSORS_DTYPES = {
    torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16",
    torch.float64: "F64", torch.int64: "I64", torch.int32: "I32",
    torch.int16: "I16", torch.int8: "I8", torch.uint8: "U8",
    torch.bool: "BOOL"}


def save_safetensors(path, tensors, dtype="F32"):
    """Writes the safetensors format directly: an 8-byte little-endian header
    length, a JSON header and the data, back to back. Floating-point
    tensors are written as `dtype` (F32, F16, BF16 or F64; None keeps each
    one's own), others (an int64 buffer, a bool mask) in their own dtype."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        if t.dtype not in SAFETENSORS_DTYPES:
            raise TypeError("%s: no safetensors dtype for %s" % (name, t.dtype))
        kind = (dtype if dtype and t.is_floating_point()
                else SAFETENSORS_DTYPES[t.dtype])
        torch_dtype = {v: k for k, v in SAFETENSORS_DTYPES.items()}[kind]
        t = t.to(torch_dtype)
        if kind == "BF16":  # numpy has no bfloat16: its bits
            data = t.view(torch.int16).numpy().tobytes()
        else:
            data = t.numpy().tobytes()
        header[name] = {"dtype": kind, "shape": list(t.shape),
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
