#!/usr/bin/env python3
"""Trains the char-gpt example: a 2-layer GPT-style character model
(nn.MultiheadAttention blocks, pre-norm, tanh-GELU MLP, no positional
encoding: causal attention alone orders the tokens) on data/text.txt, and
writes what the example needs:

    char_gpt.seq, char_gpt.safetensors   the model for seqc
    data/vocab.txt                       one line: the characters, by id
    data/prompt.txt                      the prompt the app starts from
    data/expected.txt                    PyTorch's greedy continuation
    data/logits.npy                      PyTorch's logits for the prompt

Run with a python that has torch (1.13+) and numpy:

    /usr/bin/python3 examples/char-gpt/make_model.py

The outputs are committed; the build and the tests need neither torch nor
this script.
"""

import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from torch_io import save_safetensors  # noqa: E402
DATA = os.path.join(HERE, "data")
D_MODEL, HEADS, LAYERS, CONTEXT = 48, 4, 2, 128
PROMPT = "The compiler "
GENERATE = 100
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln_1 = nn.LayerNorm(D_MODEL)
        self.attn = nn.MultiheadAttention(D_MODEL, HEADS)
        self.ln_2 = nn.LayerNorm(D_MODEL)
        self.fc = nn.Linear(D_MODEL, 4 * D_MODEL)
        self.proj = nn.Linear(4 * D_MODEL, D_MODEL)

    def forward(self, x, mask):  # x [L, B, E]
        h = self.ln_1(x)
        a, _ = self.attn(h, h, h, attn_mask=mask, need_weights=False)
        x = x + a
        return x + self.proj(F.gelu(self.fc(self.ln_2(x)), approximate="tanh"))


class CharGpt(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.wte = nn.Embedding(vocab, D_MODEL)
        self.h0 = Block()
        self.h1 = Block()
        self.ln_f = nn.LayerNorm(D_MODEL)
        self.lm_head = nn.Linear(D_MODEL, vocab, bias=False)

    def forward(self, ids):  # ids [L, B] -> logits [L, B, vocab]
        L = ids.shape[0]
        mask = torch.triu(torch.full((L, L), float("-inf")), diagonal=1)
        x = self.wte(ids)
        x = self.h1(self.h0(x, mask), mask)
        return self.lm_head(self.ln_f(x))


DESCRIPTION = """
# A 2-layer GPT-style character model (nn.MultiheadAttention blocks,
# pre-norm, tanh-GELU MLP) trained by make_model.py on data/text.txt.
# Causal, so seqc also emits char_gpt_step: generation feeds one token at a
# time through a key/value cache of a capacity fixed at state creation.
model char_gpt
weights "char_gpt.safetensors"
input ids: i64[L, B]
x   = embedding(ids, name=wte)
"""
for k in range(LAYERS):
    DESCRIPTION += f"""
n{k}1 = layer_norm({'x' if k == 0 else f'r{k-1}2'}, name=h{k}.ln_1)
a{k}  = mha(n{k}1, heads={HEADS}, causal=true, name=h{k}.attn)
r{k}1 = add({'x' if k == 0 else f'r{k-1}2'}, a{k})
n{k}2 = layer_norm(r{k}1, name=h{k}.ln_2)
f{k}  = linear(n{k}2, name=h{k}.fc)
g{k}  = gelu(f{k}, approximate=tanh)
p{k}  = linear(g{k}, name=h{k}.proj)
r{k}2 = add(r{k}1, p{k})
"""
DESCRIPTION += f"""
hf     = layer_norm(r{LAYERS-1}2, name=ln_f)
logits = linear(hf, bias=false, name=lm_head)
output logits
"""


def main():
    # One line: whitespace runs (the file's line breaks) become one space.
    text = " ".join(open(os.path.join(DATA, "text.txt")).read().split())
    vocab = sorted(set(text))
    index = {c: i for i, c in enumerate(vocab)}
    data = torch.tensor([index[c] for c in text])
    model = CharGpt(len(vocab))
    opt = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for step in range(1500):
        starts = torch.randint(0, len(data) - CONTEXT - 1, (32,))
        batch = torch.stack([data[s:s + CONTEXT + 1] for s in starts], 1)
        logits = model(batch[:-1])
        loss = F.cross_entropy(logits.reshape(-1, len(vocab)),
                               batch[1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 250 == 0:
            print("step %d loss %.3f" % (step, loss.item()))
    model.eval()

    save_safetensors(os.path.join(HERE, "char_gpt.safetensors"),
                     model.state_dict())
    with open(os.path.join(HERE, "char_gpt.seq"), "w") as f:
        f.write(DESCRIPTION.lstrip())
    with open(os.path.join(DATA, "vocab.txt"), "w") as f:
        f.write("".join(vocab) + "\n")
    with open(os.path.join(DATA, "prompt.txt"), "w") as f:
        f.write(PROMPT)
    ids = [index[c] for c in PROMPT]
    with torch.no_grad():
        prompt = torch.tensor(ids).reshape(-1, 1)
        np.save(os.path.join(DATA, "logits.npy"), model(prompt).numpy())
        # Greedy decoding over the whole sequence each time: PyTorch's
        # reference for the app's cached, token-by-token generation.
        for _ in range(GENERATE):
            logits = model(torch.tensor(ids).reshape(-1, 1))
            ids.append(int(logits[-1, 0].argmax()))
    with open(os.path.join(DATA, "expected.txt"), "w") as f:
        f.write("".join(vocab[i] for i in ids[len(PROMPT):]))
    print("".join(vocab[i] for i in ids))


if __name__ == "__main__":
    main()
