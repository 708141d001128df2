"""A PyTorch reference of a Neural Turing Machine (Graves, Wayne & Danihelka
2014, "Neural Turing Machines", arXiv:1410.5401), for make_models.py and
examples/ntm-copy/make_model.py (fixtures).

An LSTM controller (nn.LSTMCell) reads and writes an N x W memory through
read and write heads. Each head is an nn.Linear of the controller's hidden
state whose output p holds, along its last dimension:

    p[0:W]            key k                      (sec. 3.3.1)
    p[W]              key strength beta = softplus
    p[W+1]            interpolation gate g = sigmoid      (sec. 3.3.2)
    p[W+2:W+2+S]      shift weighting s = softmax over S
    p[W+2+S]          sharpening gamma = 1 + softplus
    write heads only:
    p[W+S+3:2W+S+3]   erase vector e = sigmoid            (sec. 3.2)
    p[2W+S+3:3W+S+3]  add vector a = tanh

Addressing (sec. 3.3) is eqs. 5-9: content weighting softmax(beta * cosine
similarity) (eqs. 5-6), interpolation with the previous weighting (eq. 7),
circular convolution with shift offsets -(S-1)/2 .. (S-1)/2 (eq. 8) and
sharpening (eq. 9). Reads (eq. 2) see the memory before the step's write;
the write applies every head's erase, then every head's add (eqs. 3-4).
The initial memory, read vectors and controller state are learned
(memory_bias, read_bias, h_bias, c_bias); the initial weightings are zero.
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F


class NTM(nn.Module):
    def __init__(self, input_size, hidden_size, memory_rows, memory_width,
                 read_heads=1, write_heads=1, shift_range=3):
        super().__init__()
        assert shift_range % 2 == 1, "shift_range must be odd"
        N, W, S = memory_rows, memory_width, shift_range
        self.N, self.W, self.S = N, W, S
        self.R, self.Wh = read_heads, write_heads
        self.controller = nn.LSTMCell(input_size + read_heads * W,
                                      hidden_size)
        self.read_heads = nn.ModuleList(
            [nn.Linear(hidden_size, W + S + 3) for _ in range(read_heads)])
        self.write_heads = nn.ModuleList(
            [nn.Linear(hidden_size, 3 * W + S + 3)
             for _ in range(write_heads)])
        bound = 1 / math.sqrt(N + W)
        self.memory_bias = nn.Parameter(torch.empty(N, W).uniform_(-bound,
                                                                   bound))
        self.read_bias = nn.Parameter(0.01 * torch.randn(read_heads, W))
        self.h_bias = nn.Parameter(0.01 * torch.randn(hidden_size))
        self.c_bias = nn.Parameter(0.01 * torch.randn(hidden_size))

    def initial_state(self, batch):
        """(h, c, memory [B, N, W], reads [B, R, W], weightings
        [B, R + Wh, N]: the read heads' then the write heads')."""
        return (self.h_bias.expand(batch, -1),
                self.c_bias.expand(batch, -1),
                self.memory_bias.expand(batch, -1, -1),
                self.read_bias.expand(batch, -1, -1),
                torch.zeros(batch, self.R + self.Wh, self.N))

    def address(self, p, memory, w_prev):
        """Eqs. 5-9: the weighting [B, N] of one head's parameters p."""
        W, S = self.W, self.S
        k = p[:, :W]
        beta = F.softplus(p[:, W:W + 1])
        g = torch.sigmoid(p[:, W + 1:W + 2])
        s = torch.softmax(p[:, W + 2:W + 2 + S], dim=-1)
        gamma = 1 + F.softplus(p[:, W + 2 + S:W + 3 + S])
        cos = F.cosine_similarity(k[:, None, :], memory, dim=-1, eps=1e-8)
        wc = torch.softmax(beta * cos, dim=-1)
        wg = g * wc + (1 - g) * w_prev
        # torch.roll(w, o)[i] = w[(i - o) mod N]: offset o weighted by s.
        ws = sum(s[:, i:i + 1] * torch.roll(wg, shifts=i - (S - 1) // 2,
                                             dims=-1)
                 for i in range(S))
        w = ws ** gamma
        return w / w.sum(-1, keepdim=True)

    def step(self, x_t, state):
        """One time step: x_t [B, I] -> (output [B, H + R * W], state)."""
        h, c, memory, reads, weights = state
        W, R = self.W, self.R
        h, c = self.controller(
            torch.cat([x_t] + [reads[:, r] for r in range(R)], -1), (h, c))
        new_weights, new_reads = [], []
        for r, head in enumerate(self.read_heads):
            w = self.address(head(h), memory, weights[:, r])
            new_weights.append(w)
            new_reads.append(torch.bmm(w[:, None, :], memory)[:, 0])
        keep, add = 1, 0
        for j, head in enumerate(self.write_heads):
            p = head(h)
            w = self.address(p, memory, weights[:, R + j])
            new_weights.append(w)
            o = W + self.S + 3
            e = torch.sigmoid(p[:, o:o + W])
            a = torch.tanh(p[:, o + W:o + 2 * W])
            keep = keep * (1 - w[:, :, None] * e[:, None, :])
            add = add + w[:, :, None] * a[:, None, :]
        memory = memory * keep + add
        out = torch.cat([h] + new_reads, -1)
        return out, (h, c, memory, torch.stack(new_reads, 1),
                     torch.stack(new_weights, 1))

    def run(self, x, state=None):
        """x [T, B, I] from `state` (initial_state if None) ->
        (y [T, B, H + R * W], the state after the last step)."""
        if state is None:
            state = self.initial_state(x.shape[1])
        ys = []
        for t in range(x.shape[0]):
            y, state = self.step(x[t], state)
            ys.append(y)
        return torch.stack(ys), state

    def forward(self, x):  # [T, B, I]
        return self.run(x)[0]
