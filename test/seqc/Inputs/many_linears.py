"""Writes a .seq model of N stacked linear layers with tanh between them
(2N weight tensors), its weights as safetensors, an input x.npy [T, B, 8]
and NumPy's y.npy: the reference for a model with more external weights
than the runtime's input limit (SEQC_RT_MODEL_MAX_INPUTS).

usage: many_linears.py N DIR
"""
import json
import struct
import sys

import numpy as np

n, out = int(sys.argv[1]), sys.argv[2]
rng = np.random.default_rng(7)
lines = ["model many_linears", 'weights "many_linears.safetensors"',
         "input x: f32[T, B, 8]"]
tensors = {}
h = "x"
for i in range(n):
    lines.append(f"h{i} = linear({h}, out=8, name=l{i})")
    lines.append(f"a{i} = tanh(h{i})")
    tensors[f"l{i}.weight"] = (rng.standard_normal((8, 8)) * 0.4).astype(
        np.float32)
    tensors[f"l{i}.bias"] = (rng.standard_normal(8) * 0.1).astype(np.float32)
    h = f"a{i}"
lines.append(f"output {h}")
with open(f"{out}/many_linears.seq", "w") as f:
    f.write("\n".join(lines) + "\n")

header, data = {}, b""
for name, value in tensors.items():
    header[name] = {"dtype": "F32", "shape": list(value.shape),
                    "data_offsets": [len(data), len(data) + value.nbytes]}
    data += value.tobytes()
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
with open(f"{out}/many_linears.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + data)

x = rng.standard_normal((5, 2, 8)).astype(np.float32)
y = x.astype(np.float64)
for i in range(n):
    y = np.tanh(y @ tensors[f"l{i}.weight"].T.astype(np.float64)
                + tensors[f"l{i}.bias"])
np.save(f"{out}/x.npy", x)
np.save(f"{out}/ref/a{n - 1}.npy", y.astype(np.float32))
