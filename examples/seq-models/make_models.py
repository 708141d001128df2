#!/usr/bin/env python3
"""Builds the seq-models examples: for each model a PyTorch module, its
state_dict as safetensors, a .seq description, an input and PyTorch's output
as .npy files. Run with a python that has torch (1.13+) and numpy:

    /usr/bin/python3 examples/seq-models/make_models.py [NAME...]

With names, only those models' files are written (every module is still
built, so the random weights of each model do not depend on the selection).

The generated files are committed; building and testing need neither torch
nor this script. check_models.py compiles each description with seqc and
compares seq-run's output with PyTorch's.

The models live in four files imported below in a fixed order (the
random weights of each depend on every model built before it); the
export step is export_model.py.
"""

import torch

torch.manual_seed(0)

# Each import builds and exports its models, in this order.
import recurrent_and_hybrid_models  # noqa: E402,F401
import attention_and_memory_models  # noqa: E402,F401
import transformer_family_models  # noqa: E402,F401
import encoder_decoder_models  # noqa: E402,F401
