#!/usr/bin/env python3
"""Trains the ntm-copy example: a Neural Turing Machine (NTM in
examples/seq-models/ntm_reference.py: LSTM controller of 64, a 16 x 12
memory, one read and one write head, shifts -1..1) and a linear layer on
the copy task of Graves et al. 2014 (sec. 4.1), and writes what the
example needs:

    ntm_copy.seq, ntm_copy.safetensors   the model for seqc
    data/input_<k>.npy    f32 [2L+1, 1, 8]  a test sequence, as fed
    data/logits_<k>.npy   f32 [2L+1, 1, 6]  PyTorch's logits, every step
    data/target_<k>.npy   f32 [L, 6]        the bits to recall

for the test lengths L = 3, 5, 6 and 8 (k = 0..3; training saw 1..6 only,
so 8 shows generalisation).

Input encoding, 8 channels per step: channels 0-5 are the bits of the
vector, channel 6 the delimiter, channel 7 the recall flag. A sequence of L
vectors is L steps with the bits (6 and 7 zero), one delimiter step (only
channel 6 set), then L recall steps (only channel 7 set) during which the
model outputs the sequence again: logit > 0 (sigmoid > 0.5) means bit 1.
The loss is the binary cross entropy of the recall steps alone.

Run with a python that has torch (1.13+) and numpy:

    /usr/bin/python3 examples/ntm-copy/make_model.py   # trains for ~1 minute

Training is deterministic (fixed seeds; it stops after MAX_STEPS, or once
100 fixed sequences of every length 1..6 are copied without a wrong bit at
CLEAN_EVALS evaluations in a row, and keeps the weights of the last
evaluation with the fewest wrong bits). A safety time limit (BUDGET_S) also
stops it; it is not reached on an idle machine.
The outputs are committed; the build and the tests need neither torch nor
this script.
"""

import copy
import os
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
sys.path.insert(0, os.path.join(HERE, "..", "seq-models"))
from torch_io import save_safetensors  # noqa: E402
from ntm_reference import NTM  # noqa: E402

DATA = os.path.join(HERE, "data")
BITS, INPUT = 6, 8                  # bits + delimiter + recall flag
DELIM, RECALL = BITS, BITS + 1
MAX_LEN, TEST_LENGTHS = 6, (3, 5, 6, 8)
BATCH, LR, CLIP = 32, 3e-3, 10.0
MAX_STEPS, EVAL_EVERY, BUDGET_S = 12000, 250, 480
CLEAN_EVALS = 4     # stop after this many evaluations in a row without error

DESCRIPTION = f"""
# A Neural Turing Machine trained by make_model.py on the copy task
# (Graves et al. 2014, sec. 4.1): it reads a sequence of 6-bit vectors and
# a delimiter, then writes the sequence back from its memory.
model ntm_copy
weights "ntm_copy.safetensors"
input x: f32[T, B, {INPUT}]
m = ntm(x, name=ntm)
y = linear(m, name=fc)
output y
"""


class NtmCopy(nn.Module):
    def __init__(self):
        super().__init__()
        self.ntm = NTM(INPUT, 64, 16, 12, read_heads=1, write_heads=1,
                       shift_range=3)
        self.fc = nn.Linear(64 + 12, BITS)

    def forward(self, x):  # [T, B, INPUT] -> logits [T, B, BITS]
        return self.fc(self.ntm(x))


def copy_batch(length, batch, generator=None):
    """(x [2L+1, B, INPUT], bits [L, B, BITS]) of random bit vectors."""
    bits = torch.randint(0, 2, (length, batch, BITS),
                         generator=generator).float()
    x = torch.zeros(2 * length + 1, batch, INPUT)
    x[:length, :, :BITS] = bits
    x[length, :, DELIM] = 1
    x[length + 1:, :, RECALL] = 1
    return x, bits


def bit_errors(model, x, bits):
    """Wrong bits per sequence (mean over the batch)."""
    with torch.no_grad():
        logits = model(x)[x.shape[0] - bits.shape[0]:]
    return ((logits > 0).float() != bits).float().sum().item() / x.shape[1]


def main():
    torch.manual_seed(0)
    torch.set_num_threads(1)
    model = NtmCopy()
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    g = torch.Generator().manual_seed(1)   # fixed evaluation sequences
    evals = {n: copy_batch(n, 100, g) for n in range(1, MAX_LEN + 1)}
    best, best_errors, clean, start = None, None, 0, time.time()
    for step in range(1, MAX_STEPS + 1):
        length = int(torch.randint(1, MAX_LEN + 1, ()))
        x, bits = copy_batch(length, BATCH)
        logits = model(x)[length + 1:]
        loss = F.binary_cross_entropy_with_logits(logits, bits)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), CLIP)
        opt.step()
        if step % EVAL_EVERY:
            continue
        errors = [bit_errors(model, *evals[n]) for n in evals]
        print("step %5d  %4.0fs  loss %.4f  bit errors per sequence, "
              "length 1..%d: %s" % (step, time.time() - start, loss.item(),
                                    MAX_LEN,
                                    " ".join("%.2f" % e for e in errors)),
              flush=True)
        if best_errors is None or sum(errors) <= sum(best_errors):
            best, best_errors = copy.deepcopy(model.state_dict()), errors
        clean = clean + 1 if sum(errors) == 0 else 0
        if clean == CLEAN_EVALS:
            break
        if time.time() - start > BUDGET_S:
            print("time budget spent: keeping the best weights")
            break
    model.load_state_dict(best)
    model.eval()
    print("kept weights with bit errors per sequence (length 1..%d): %s"
          % (MAX_LEN, " ".join("%.2f" % e for e in best_errors)))

    save_safetensors(os.path.join(HERE, "ntm_copy.safetensors"),
                     model.state_dict())
    with open(os.path.join(HERE, "ntm_copy.seq"), "w") as f:
        f.write(DESCRIPTION.lstrip())
    os.makedirs(DATA, exist_ok=True)
    g = torch.Generator().manual_seed(2)
    for k, length in enumerate(TEST_LENGTHS):
        x, bits = copy_batch(length, 1, g)
        with torch.no_grad():
            logits = model(x)
        np.save(os.path.join(DATA, "input_%d.npy" % k), x.numpy())
        np.save(os.path.join(DATA, "logits_%d.npy" % k), logits.numpy())
        np.save(os.path.join(DATA, "target_%d.npy" % k), bits[:, 0].numpy())
        wrong = int(((logits[length + 1:] > 0).float() != bits).sum())
        print("test %d: length %d, %d wrong bits" % (k, length, wrong))


if __name__ == "__main__":
    main()
