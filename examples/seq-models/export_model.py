"""The export step of make_models.py, shared by its model files: each
model's state_dict as safetensors, its .seq description, its inputs and
PyTorch's outputs as .npy files, in the model's folder."""

import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "common"))
from torch_io import save_safetensors  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
# make_models.py NAME...: only those models' files are written.
ONLY = set(sys.argv[1:])


def export(name, module, description, inputs, forward, dtype="F32"):
    """Saves module's state_dict, the description and input/expected .npy."""
    if ONLY and name not in ONLY:
        return
    folder = os.path.join(HERE, name)
    os.makedirs(folder, exist_ok=True)
    module.eval()
    if dtype in ("F16", "BF16"):
        # PyTorch's reference runs on the weights as stored (rounded).
        torch_dtype = torch.float16 if dtype == "F16" else torch.bfloat16
        with torch.no_grad():
            for t in module.state_dict().values():
                t.copy_(t.to(torch_dtype).float())
    save_safetensors(os.path.join(folder, name + ".safetensors"),
                     module.state_dict(), dtype)
    with open(os.path.join(folder, name + ".seq"), "w") as f:
        f.write(description.lstrip())
    with torch.no_grad():
        outputs = forward(module, *inputs.values())
    if not isinstance(outputs, dict):
        outputs = {"y": outputs}
    for key, value in inputs.items():
        np.save(os.path.join(folder, key + ".npy"), value.numpy())
    for key, value in outputs.items():
        np.save(os.path.join(folder, "expected_" + key + ".npy"),
                value.contiguous().numpy().astype(np.float32))
