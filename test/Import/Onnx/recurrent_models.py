#!/usr/bin/python3
"""The recurrent fixtures of make_models.py: nn.RNN/LSTM/GRU in their
export forms, torch.jit.script loops (ONNX Loop), temporal convolutions and
shifts, and the input makers they share. make_models.MODELS lists them.
"""

from typing import List

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class Rnn(nn.Module):
    def __init__(self, nonlinearity):
        super().__init__()
        self.rnn = nn.RNN(4, 8, num_layers=2, nonlinearity=nonlinearity)

    def forward(self, x):
        y, h = self.rnn(x)
        return y, h


class LstmUni(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8)

    def forward(self, x):
        y, (h, c) = self.lstm(x)
        return y, h, c


class LstmBi(nn.Module):
    """Stacked, bidirectional, batch-first; states in and out."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2, bidirectional=True,
                            batch_first=True)

    def forward(self, x, h0, c0):
        y, (h, c) = self.lstm(x, (h0, c0))
        return y, h, c


class LstmInitialState(nn.Module):
    """Stacked, forward, time-major, from states given as inputs: a causal
    model whose stream must start from h0 and c0 as its run does
    (stream-initial-state.test)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 6, num_layers=2)
        self.head = nn.Linear(6, 3)

    def forward(self, x, h0, c0):
        y, (h, c) = self.lstm(x, (h0, c0))
        return self.head(y), h, c


class ScriptedStepIndex(nn.Module):
    """A scripted loop whose body reads its step index t: a masked
    recurrence (`where(lengths > t, ...)`, how a hand-written RNN skips
    padding) whose update decays with t. A stream must count t from the
    stream's first step, not each chunk's (stream-step-index.test)."""

    def __init__(self):
        super().__init__()
        self.cell = nn.Linear(4 + 6, 6)

    def forward(self, x, lengths):  # x [T, B, 4], lengths [B]
        h = torch.zeros(x.size(1), 6)
        ys: List[torch.Tensor] = []
        for t in range(x.size(0)):
            new = torch.tanh(self.cell(torch.cat([x[t], h], 1)))
            new = h + new / (1.0 + float(t))
            h = torch.where((lengths > t).unsqueeze(1), new, h)
            ys.append(h)
        return torch.stack(ys, 0), h


class ScriptedLengthInLoop(nn.Module):
    """A scripted loop whose body reads the sequence's length T: each step
    scaled by its position's share of T, the last step marked. Not
    streamable (a chunk does not know T): before, the step function read
    the chunk's length instead (wrong numbers, no error;
    stream-length-in-loop.test)."""

    def __init__(self):
        super().__init__()
        self.f = nn.Linear(8, 6)

    def forward(self, x):  # x [B, T, 8]
        T = x.size(1)
        h = torch.zeros(x.size(0), 6)
        ys: List[torch.Tensor] = []
        for t in range(T):
            h = torch.tanh(self.f(x[:, t]) + h)
            ys.append(h * (t + 1) / T + float(t == T - 1))
        return torch.stack(ys, 1)


class ScriptedDeepCells(nn.Module):
    """Six hand-written GRU cells stacked inside a scripted time loop, the
    layers' states one [L, B, H] tensor: a body hundreds of ops deep. The
    sizes of its per-step output are followed back through all of it
    (before: refused from five cells on, "cannot tell the size of
    dimension 0 of its per-step value")."""

    class Cell(nn.Module):
        def __init__(self, i: int, h: int):
            super().__init__()
            self.wx = nn.Linear(i, 3 * h)
            self.wh = nn.Linear(h, 3 * h)

        def forward(self, x, h):
            xr, xz, xn = self.wx(x).chunk(3, -1)
            hr, hz, hn = self.wh(h).chunk(3, -1)
            r = torch.sigmoid(xr + hr)
            z = torch.sigmoid(xz + hz)
            n = torch.tanh(xn + r * hn)
            return (1 - z) * n + z * h

    def __init__(self):
        super().__init__()
        self.cells = nn.ModuleList(
            [ScriptedDeepCells.Cell(8 if l == 0 else 6, 6) for l in range(6)])

    def forward(self, x):  # x [B, T, 8]
        h = torch.zeros(6, x.size(0), 6)
        outs: List[torch.Tensor] = []
        for t in range(x.size(1)):
            inp = x[:, t]
            new: List[torch.Tensor] = []
            for l, cell in enumerate(self.cells):
                inp = cell(inp, h[l])
                new.append(inp)
            h = torch.stack(new, 0)
            outs.append(inp)
        return torch.stack(outs, 1), h


class ScriptedUnbindLoops(nn.Module):
    """Scripted loops over a tensor's steps as people write them:
    `for x_t in x.unbind(1)`, `for t, x_t in enumerate(...)` and
    `for x_t in torch.split(x, 1, dim=1)`, which torch exports as
    SplitToSequence + a Loop over its SequenceLength reading
    SequenceAt(pieces, t) (before: refused, "sequences are supported only
    as a Loop's per-step values")."""

    def __init__(self):
        super().__init__()
        self.a = nn.Linear(8 + 6, 6)
        self.b = nn.Linear(8 + 6, 6)

    def forward(self, x):  # x [B, T, 8]
        h = torch.zeros(x.size(0), 6)
        ys: List[torch.Tensor] = []
        for t, x_t in enumerate(x.unbind(1)):
            h = torch.tanh(self.a(torch.cat([x_t, h], 1))) + 0.1 * t
            ys.append(h)
        g = torch.zeros(x.size(0), 6)
        zs: List[torch.Tensor] = []
        for piece in torch.split(x, 1, dim=1):
            g = torch.tanh(self.b(torch.cat([piece.squeeze(1), g], 1)))
            zs.append(g)
        return torch.stack(ys, 1), torch.stack(zs, 1)


class ScriptedOtherLength(nn.Module):
    """A scripted loop over x's steps whose body reads the length of a
    second input y, named T like x's (so the same size, chunked alike):
    not streamable either (before: the step read the chunk's length)."""

    def __init__(self):
        super().__init__()
        self.f = nn.Linear(8, 6)

    def forward(self, x, y):  # x [B, T, 8], y [B, T]
        n = y.size(1)
        h = torch.zeros(x.size(0), 6)
        ys: List[torch.Tensor] = []
        for t, x_t in enumerate(x.unbind(1)):
            h = torch.tanh(self.f(x_t) + h) * float(n - t)
            ys.append(h)
        return torch.stack(ys, 1)


class ScriptedReshapedLength(nn.Module):
    """A scripted loop whose body reads a size computed from T through a
    reshape: x.view(B, -1, 2).size(1) is 2 * T, x.flatten(1).size(1) is
    T * F. Not streamable (a chunk knows only its own length); a reviewer
    found the step read each chunk's (wrong numbers, no error), the
    flatten's also before the reshape rule was narrowed."""

    def __init__(self, flatten: bool):
        super().__init__()
        self.flatten = flatten
        self.f = nn.Linear(4, 6)

    def forward(self, x):  # x [B, T, 4]
        if self.flatten:
            n = x.flatten(1).size(1) // 4
        else:
            n = x.view(x.size(0), -1, 2).size(1)
        h = torch.zeros(x.size(0), 6)
        ys: List[torch.Tensor] = []
        for t in range(x.size(1)):
            h = torch.tanh(self.f(x[:, t]) + 0.5 * h) * (t + 1) / n
            ys.append(h)
        return torch.stack(ys, 1)


class GruFlattenTime(nn.Module):
    """A GRU's outputs flattened over time and features, [B, T * H]: its
    chunks cannot be joined, so no step function (before: one whose
    output seq-run took from the last chunk)."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 4, batch_first=True)

    def forward(self, x):  # x [B, T, 8]
        return self.gru(x)[0].flatten(1)


def other_length_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, T, 8)).astype(np.float32),
            "y": rng.standard_normal((B, T)).astype(np.float32)}


class ScriptedGreedyDecoder(nn.Module):
    """An autoregressive loop, scripted: each step embeds the token the
    step before chose (argmax fed back as a carried int64); the per-step
    embeddings are sized only by that Gather by a carried index."""

    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(7, 6)
        self.cell = nn.Linear(4 + 6 + 6, 6)
        self.head = nn.Linear(6, 7)
        # Logits that vary with the input: the chosen tokens change.
        nn.init.normal_(self.head.weight, std=2.0)
        nn.init.normal_(self.emb.weight, std=2.0)

    def forward(self, x):  # [T, B, 4]
        tok = torch.zeros(x.size(1), dtype=torch.long)
        h = torch.zeros(x.size(1), 6)
        logits: List[torch.Tensor] = []
        toks: List[torch.Tensor] = []
        embedded: List[torch.Tensor] = []
        for t in range(x.size(0)):
            e = self.emb(tok)
            h = torch.tanh(self.cell(torch.cat([x[t], e, h], 1)))
            step = self.head(h)
            tok = step.argmax(-1)
            logits.append(step)
            toks.append(tok)
            embedded.append(e)
        return (torch.stack(logits, 0), torch.stack(toks, 0),
                torch.stack(embedded, 0))


def step_index_inputs(T, B, rng):
    return {"x": rng.standard_normal((T, B, 4)).astype(np.float32),
            "lengths": rng.integers(0, T + 1, B).astype(np.int64)}


def time_major_state_inputs(T, B, rng):
    return {"x": rng.standard_normal((T, B, 4)).astype(np.float32),
            "h0": rng.standard_normal((2, B, 6)).astype(np.float32),
            "c0": rng.standard_normal((2, B, 6)).astype(np.float32)}


class GruHead(nn.Module):
    """Bidirectional GRU with a linear head on the last step."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, bidirectional=True)
        self.head = nn.Linear(12, 3)

    def forward(self, x):
        y, h = self.gru(x)
        return self.head(y[-1]), h


class GruUni(nn.Module):
    """Unidirectional two-layer GRU returning every step and the final state."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 6, num_layers=2)

    def forward(self, x):
        y, h = self.gru(x)
        return y, h


class StridedTimeGru(nn.Module):
    """A GRU over every other step (x[:, ::2], a strided Slice of the
    time axis): no step api, since a chunk's steps are not the model's."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 6, batch_first=True)

    def forward(self, x):  # [B, T, 8]
        return self.gru(x[:, ::2])[0]


class ConvGruStack(nn.Module):
    """A causal conv1d front end and two GRUs after it: a two-layer one
    from zeros (the export slices its h0 = zeros[2, B, 16] per layer) and
    one from a learned h0 expanded to the conv output's batch (a size
    read from the conv's result, not its values)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(8, 12, 3)
        self.stack = nn.GRU(12, 16, num_layers=2, batch_first=True)
        self.single = nn.GRU(12, 5, batch_first=True)
        self.h0 = nn.Parameter(torch.randn(1, 1, 5))

    def forward(self, x):  # [B, T, 8]
        y = self.conv(F.pad(x.transpose(1, 2), (2, 0))).transpose(1, 2)
        h0 = self.h0.expand(1, y.shape[0], 5).contiguous()
        return self.stack(y)[0], self.single(y, h0)[0]


class ScriptedBranches(nn.Module):
    """Scripted ifs on run-time values whose untaken branch would fail:
    x[:, 5] read only when T > 5 (T = 3 takes the else branch: an index
    check), x[:, :6] reshaped to 48 features only when T > 5 (a shape
    check: at T = 3 the slice has 24), and an embedding looked up at
    ids - 10 only when some id is past the table (t3's ids are 10..19,
    t9's 0..9); y's branches differ in size ([B, 2, 8] or [B, 1, 8],
    summed over the features)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 8)
        self.table = nn.Embedding(10, 8)

    def forward(self, x, ids):  # [B, T, 8], [B, T]
        if x.size(1) > 5:
            d = x[:, 5] - x[:, 0]
        else:
            d = torch.zeros_like(x[:, 0])
        if bool(ids.max() < 10):
            e = self.table(ids)
        else:
            e = self.table(ids - 10)
        if x.size(1) > 5:
            y = x[:, :2] * 2.0
        else:
            y = x[:, :1]
        if x.size(1) > 5:
            r = x[:, :6].reshape(x.size(0), 48).sum(-1)
        else:
            r = x.sum((1, 2))
        return self.lin(d), e, y.sum(-1), r


def branch_inputs(T, B, rng):
    low = 0 if T > 5 else 10
    return {"x": rng.standard_normal((B, T, 8)).astype(np.float32),
            "ids": rng.integers(low, low + 10, (B, T)).astype(np.int64)}


class Tcn(nn.Module):
    """Dilated causal TCN with residuals: F.pad on the left, then a conv
    padded on both sides and sliced back to causal."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv1d(4, 6, 3, dilation=1)
        self.down = nn.Conv1d(4, 6, 1)
        self.c2 = nn.Conv1d(6, 6, 3, dilation=2, padding=4)
        self.c3 = nn.Conv1d(6, 6, 2, dilation=4, groups=2)

    def forward(self, x):
        y = F.relu(self.c1(F.pad(x, (2, 0)))) + self.down(x)
        z = F.relu(self.c2(y)[:, :, :-4]) + y
        return F.relu(self.c3(F.pad(z, (4, 0)))) + z


class TcnTagger(nn.Module):
    """A causal conv (F.pad on the left) whose [B, C, T] output is turned
    into rows for a Linear head with `reshape(b * t, -1)`, b and t read
    from the input's shape (a tagger as people write it). The conv keeps
    the length, but nothing tells the importer so: the reshape's grouping
    cannot be proven and goes through 1-D (before, it was guessed as
    [B, T * C] and failed every run)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 6, 3)
        self.head = nn.Linear(6, 3)

    def forward(self, x):
        b, _, t = x.shape
        h = F.relu(self.conv(F.pad(x, (2, 0))))
        return self.head(h.transpose(1, 2).reshape(b * t, -1)).reshape(b, t, -1)


class ProjectedLoop(nn.Module):
    """A scripted loop over `x.size(1)` that reads step t of tensors
    computed from x (a minLSTM: f = sigmoid(Linear(x)), c = Linear(x)),
    as mLSTM, minGRU and Mamba loops are written. Those tensors have x's
    length on every run, so the loop reads them whole, and the model
    streams (stream-projected-loop.test)."""

    def __init__(self):
        super().__init__()
        self.gate = nn.Linear(4, 6)
        self.cand = nn.Linear(4, 6)

    def forward(self, x):  # [B, T, 4]
        f = torch.sigmoid(self.gate(x))
        c = self.cand(x)
        h = torch.zeros(x.size(0), 6)
        ys: List[torch.Tensor] = []
        for t in range(x.size(1)):
            h = f[:, t] * h + (1 - f[:, t]) * c[:, t]
            ys.append(h)
        return torch.stack(ys, 1)


class PreallocatedBatchFirst(nn.Module):
    """A diagonal linear recurrence (LRU-style) in a scripted loop that
    fills a preallocated batch-first output, `out[:, t, :] = h`: torch
    exports the assignment as ScatterND whose indices it computes from the
    loop index reshaped to [1, 1] and a Range over the batch (integer data
    of rank 2 at import time)."""

    def __init__(self):
        super().__init__()
        self.inp = nn.Linear(4, 6)
        self.decay = nn.Parameter(torch.rand(6))

    def forward(self, x):  # [B, T, 4]
        u = self.inp(x)
        h = torch.zeros(x.size(0), 6)
        out = torch.zeros(x.size(0), x.size(1), 6)
        for t in range(x.size(1)):
            h = torch.sigmoid(self.decay) * h + u[:, t]
            out[:, t, :] = h
        return out


class TokenShifts(nn.Module):
    """Each step mixed with earlier ones, as PyTorch code writes the token
    shift: RWKV-4's channel mixing with nn.ZeroPad2d((0, 0, 1, -1)) (an
    ONNX Pad with a negative end; RWKV-LM v4 model.py), F.pad then a crop,
    RWKV-5/6's F.pad(x, (0, 0, 1, -1)) - x, torch.cat of zeros and a crop,
    and a shift by 2 steps. On [B, T, 8]; each becomes seq.time_shift and
    streams."""

    def __init__(self):
        super().__init__()
        self.time_shift = nn.ZeroPad2d((0, 0, 1, -1))
        self.mix_k = nn.Parameter(torch.rand(1, 1, 8))
        self.mix_r = nn.Parameter(torch.rand(1, 1, 8))
        self.key = nn.Linear(8, 16, bias=False)
        self.value = nn.Linear(16, 8, bias=False)
        self.receptance = nn.Linear(8, 8, bias=False)
        self.mix = nn.Parameter(torch.rand(4, 1, 1, 8))

    def forward(self, x):
        xx = self.time_shift(x)
        xk = x * self.mix_k + xx * (1 - self.mix_k)
        xr = x * self.mix_r + xx * (1 - self.mix_r)
        k = torch.square(torch.relu(self.key(xk)))
        y1 = torch.sigmoid(self.receptance(xr)) * self.value(k)
        y2 = x + self.mix[0] * F.pad(x, (0, 0, 1, 0))[:, :-1]
        y3 = x + (F.pad(x, (0, 0, 1, -1)) - x) * self.mix[1]
        y4 = x * self.mix[2] + torch.cat(
            [torch.zeros_like(x[:, :1]), x[:, :-1]], dim=1)
        y5 = x * self.mix[3] + F.pad(x, (0, 0, 2, -2))
        return y1, y2, y3, y4, y5


class ScriptedConvLstm(nn.Module):
    """A ConvLSTM (Shi et al. 2015, as ndrplz/ConvLSTM_pytorch writes the
    cell: Conv2d over [x_t, h] padded to keep H x W, split into gates) in a
    scripted loop over x [B, T, C, H, W], a 1x1 Conv2d head per step. The
    per-step outputs' batch is the state's, read back through the
    convolution's row padding."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(2 + 4, 4 * 4, 3, padding=1)
        self.head = nn.Conv2d(4, 1, 1)

    def forward(self, x):
        h = torch.zeros(x.size(0), 4, 5, 5)
        c = torch.zeros(x.size(0), 4, 5, 5)
        outs: List[torch.Tensor] = []
        for t in range(x.size(1)):
            gates = self.conv(torch.cat([x[:, t], h], dim=1))
            i, f, o, g = torch.split(gates, 4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
            outs.append(self.head(h))
        return torch.stack(outs, dim=1)


def video_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, T, 2, 5, 5)).astype(np.float32)}


class BatchPositions(nn.Module):
    """Learned positions indexed by torch.arange(x.size(0)) on a
    batch-first [B, T, 8] input: a time-major habit applied to batch-first
    data. The model is causal along x's first axis (B), not along T: its
    step api streams along B, and a caller that chunked along T would get
    other numbers."""

    def __init__(self):
        super().__init__()
        self.pos = nn.Embedding(16, 8)

    def forward(self, x):
        return x + self.pos(torch.arange(x.size(0)))[:, None, :]


def batch_first_features(T, B, rng):
    return {"x": rng.standard_normal((B, T, 8)).astype(np.float32)}


def batch_first_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, T, 4)).astype(np.float32),
            "h0": rng.standard_normal((4, B, 6)).astype(np.float32),
            "c0": rng.standard_normal((4, B, 6)).astype(np.float32)}


def time_major_inputs(T, B, rng):
    return {"x": rng.standard_normal((T, B, 4)).astype(np.float32)}


class ScriptedRnn(nn.Module):
    """A custom cell in a scripted Python loop: torch.onnx.export writes a
    Loop over x.size(0) with Gather(x, t), a carried h and a sequence of
    outputs (SequenceInsert, ConcatFromSequence)."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(4 + 8, 8)

    def forward(self, x):  # [T, B, 4]
        h = torch.zeros(x.shape[1], 8)
        ys = []
        for t in range(x.shape[0]):
            h = torch.tanh(self.lin(torch.cat([x[t], h], -1)))
            ys.append(h)
        return torch.stack(ys), h


class ScriptedMemory(nn.Module):
    """An NTM-style memory written once per step in a scripted loop:
    content weights over the rows, erase then add, a read of the new
    memory (a learned initial memory broadcast over the batch)."""

    def __init__(self):
        super().__init__()
        self.key = nn.Linear(4, 5)
        self.erase = nn.Linear(4, 5)
        self.add = nn.Linear(4, 5)
        self.m0 = nn.Parameter(0.3 * torch.randn(6, 5))

    def forward(self, x):  # [T, B, 4]
        memory = torch.zeros(x.shape[1], 6, 5) + self.m0
        reads = []
        for t in range(x.shape[0]):
            k = self.key(x[t])
            w = torch.softmax(torch.bmm(memory, k.unsqueeze(2)).squeeze(2), -1)
            e = torch.sigmoid(self.erase(x[t]))
            a = torch.tanh(self.add(x[t]))
            memory = (memory * (1 - w.unsqueeze(2) * e.unsqueeze(1))
                      + w.unsqueeze(2) * a.unsqueeze(1))
            reads.append(torch.bmm(w.unsqueeze(1), memory).squeeze(1))
        return torch.stack(reads)


class ScriptedSsm(nn.Module):
    """A Mamba-style selective scan as a scripted loop (input-dependent
    delta, B, C; exp(delta A) discretisation; D skip), stacked batch-first
    (ConcatFromSequence along axis 1)."""

    def __init__(self):
        super().__init__()
        self.dt = nn.Linear(4, 4)
        self.b = nn.Linear(4, 3)
        self.c = nn.Linear(4, 3)
        self.A = nn.Parameter(-torch.rand(4, 3) - 0.5)
        self.D = nn.Parameter(torch.randn(4))

    def forward(self, x):  # [T, B, 4]
        h = torch.zeros(x.shape[1], 4, 3)
        ys = []
        for t in range(x.shape[0]):
            u = x[t]
            dt = F.softplus(self.dt(u))
            dA = torch.exp(dt.unsqueeze(-1) * self.A)
            h = dA * h + (dt * u).unsqueeze(-1) * self.b(u).unsqueeze(1)
            ys.append((h * self.c(u).unsqueeze(1)).sum(-1) + self.D * u)
        return torch.stack(ys, 1)


class LastValidStep(nn.Module):
    """A GRU encoder's output at each sequence's last valid step, gathered
    as people write it: gather(1, (lengths - 1).view(-1, 1, 1).expand(-1,
    1, H)).squeeze(1). torch 1.13 cannot see the gathered dimension is 1
    and exports the squeeze as If(Equal(Shape(g)[1], 1)); the expand's
    shape is Where(Equal(shape, -1), ones, shape)."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 6, batch_first=True)

    def forward(self, x, lengths):
        y, _ = self.gru(x)
        idx = (lengths - 1).view(-1, 1, 1).expand(-1, 1, y.size(2))
        return torch.gather(y, 1, idx).squeeze(1)


def lengths_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, T, 8)).astype(np.float32),
            "lengths": rng.integers(1, T + 1, size=B).astype(np.int64)}


class ScriptedLocationAttention(nn.Module):
    """Tacotron-2's location-sensitive attention loop, scripted: each
    decoder step scores the memory with v(tanh(memory + query + cumulative
    weights)).squeeze(-1) and masks padding with masked_fill(mask, -1e9).
    torch 1.13 exports the squeeze as a run-time If and, from the Python
    float, the masked scores and the carried cumulative weights as
    float64 (a Cast to DOUBLE in the Loop body)."""

    def __init__(self):
        super().__init__()
        self.v = nn.Linear(8, 1, bias=False)

    def forward(self, memory, lengths, q):
        mask = torch.arange(memory.size(1))[None, :] >= lengths[:, None]
        cum = torch.zeros(memory.size(0), memory.size(1), dtype=torch.float32)
        outs: List[torch.Tensor] = []
        for t in range(q.size(1)):
            e = self.v(torch.tanh(memory + q[:, t].unsqueeze(1)
                                  + cum.unsqueeze(-1))).squeeze(-1)
            w = torch.softmax(e.masked_fill(mask, -1e9), dim=1)
            cum = cum + w
            outs.append(w)
        return torch.stack(outs, 1)


def location_attention_inputs(T, B, rng):
    S = T + 3
    return {"memory": rng.standard_normal((B, S, 8)).astype(np.float32),
            "lengths": rng.integers(1, S + 1, size=B).astype(np.int64),
            "q": rng.standard_normal((B, T, 8)).astype(np.float32)}


class ScriptedIndexedOut(nn.Module):
    """A scripted recurrence writing each step into a preallocated output,
    out[t] = h (the PyTorch seq2seq tutorial's style): the Loop carries
    `out` and updates row t with ScatterND, reading Gather(out, t) for its
    shape."""

    def __init__(self):
        super().__init__()
        self.cell = nn.Linear(4 + 6, 6)

    def forward(self, x):
        h = torch.zeros(x.size(1), 6)
        out = torch.zeros(x.size(0), x.size(1), 6)
        for t in range(x.size(0)):
            h = torch.tanh(self.cell(torch.cat([x[t], h], -1)))
            out[t] = h
        return out


class ScriptedCatGrow(nn.Module):
    """A scripted batch-first recurrence growing its output with
    torch.cat([out, h.unsqueeze(1)], 1) from an empty [B, 0, H] tensor."""

    def __init__(self):
        super().__init__()
        self.ih = nn.Linear(8, 6)
        self.hh = nn.Linear(6, 6, bias=False)

    def forward(self, x):
        h = torch.zeros(x.size(0), 6)
        out = torch.zeros(x.size(0), 0, 6)
        for t in range(x.size(1)):
            h = torch.tanh(self.ih(x[:, t]) + self.hh(h))
            out = torch.cat([out, h.unsqueeze(1)], 1)
        return out


class ScriptedFirstStep(nn.Module):
    """A scripted recurrence whose first step differs (`if t == 0:`): an If
    on the loop counter, a condition known only at run time."""

    def __init__(self):
        super().__init__()
        self.ih = nn.Linear(4, 6)
        self.hh = nn.Linear(6, 6, bias=False)

    def forward(self, x):
        h = torch.zeros(x.size(1), 6)
        ys: List[torch.Tensor] = []
        for t in range(x.size(0)):
            if t == 0:
                h = torch.tanh(self.ih(x[t]))
            else:
                h = torch.tanh(self.ih(x[t]) + self.hh(h))
            ys.append(h)
        return torch.stack(ys, 0)


class ScriptedLookahead(nn.Module):
    """A scripted loop that reads one step ahead where there is one: `if
    t + 1 < T: x[t + 1]`. Both branches of the run-time If are computed; the
    out-of-range index of the branch not taken must not fail the run."""

    def forward(self, x):
        ys: List[torch.Tensor] = []
        for t in range(x.size(0)):
            if t + 1 < x.size(0):
                n = x[t + 1]
            else:
                n = x[t]
            ys.append(torch.tanh(n - x[t]))
        return torch.stack(ys, 0)


class ScriptedBatchFirst(nn.Module):
    """A batch-first scripted loop: x[:, t] (Gather along axis 1) and the
    outputs stacked along axis 1."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8 + 6, 6)

    def forward(self, x):  # [B, T, 8]
        h = torch.zeros(x.shape[0], 6)
        ys = []
        for t in range(x.shape[1]):
            h = torch.tanh(self.lin(torch.cat([x[:, t], h], -1))) + 0.5 * h
            ys.append(h)
        return torch.stack(ys, 1)


class CumulativeLayerNorm(nn.Module):
    """Conv-TasNet's cumulative layer norm (Luo & Mesgarani, 2019; their
    code's cLN): statistics over the channels of every step so far, the
    entry count torch.arange(N, N * (T + 1), N) with N from y.size(). Also
    the count written arange(1, T + 1) * N, and odd numbers
    arange(1, 2 * T, 2) (a start the step does not divide). Causal: it
    streams. A reversal arange(T - 1, -1, -1) does not (flipped)."""

    def __init__(self, flipped=False):
        super().__init__()
        self.conv = nn.Conv1d(4, 5, 1)
        self.flipped = flipped

    def forward(self, x):  # [B, 4, T]
        y = self.conv(x)
        _, n, t = y.size()
        if self.flipped:
            return y[:, :, torch.arange(t - 1, -1, -1)]
        cum_sum = torch.cumsum(y.sum(1), dim=1)
        cum_pow = torch.cumsum(y.pow(2).sum(1), dim=1)
        count = torch.arange(n, n * (t + 1), n, dtype=y.dtype).view(1, -1)
        mean = cum_sum / count
        var = cum_pow / count - mean.pow(2)
        norm = (y - mean.unsqueeze(1)) / (var.unsqueeze(1) + 1e-8).sqrt()
        scaled = cum_sum / (torch.arange(1, t + 1, dtype=y.dtype) * n)
        odd = cum_sum / torch.arange(1, 2 * t, 2).to(y.dtype)
        return norm, scaled, odd


class ScriptedFeedback(nn.Module):
    """An autoregressive scripted loop whose feedback starts as
    `zeros_like(x[:, 0])`: the slice is read only for its shape (it stopped
    the step function: "a slice of a dimension of unknown size may select
    time steps")."""

    def __init__(self):
        super().__init__()
        self.cell = nn.Linear(8 + 6, 6)
        self.out = nn.Linear(6, 8)

    def forward(self, x):  # [B, T, 8]
        y = torch.zeros_like(x[:, 0])
        h = torch.zeros(x.shape[0], 6)
        ys: List[torch.Tensor] = []
        for t in range(x.shape[1]):
            h = torch.tanh(self.cell(torch.cat([x[:, t] + y, h], -1)))
            y = self.out(h)
            ys.append(y)
        return torch.stack(ys, 1)


class ScriptedCatSteps(nn.Module):
    """A batch-first scripted loop joining its steps with torch.cat along
    an axis the step keeps (ConcatFromSequence with axis 1 and axis -1):
    y as [B, T, 6], z as [B, 2, 3, T]."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8 + 6, 6)

    def forward(self, x):  # [B, T, 8]
        h = torch.zeros(x.shape[0], 6)
        ys: List[torch.Tensor] = []
        zs: List[torch.Tensor] = []
        for t in range(x.shape[1]):
            h = torch.tanh(self.lin(torch.cat([x[:, t], h], -1))) + 0.5 * h
            ys.append(h.unsqueeze(1))
            zs.append(h.reshape(h.shape[0], 2, 3, 1))
        return torch.cat(ys, 1), torch.cat(zs, -1)


# name, module, opset, input maker, output names, dynamic axes


class CtcBiGru(nn.Module):
    """A CTC speech head: a bidirectional batch-first GRU and
    log_softmax over the labels."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 6, bidirectional=True, batch_first=True)
        self.head = nn.Linear(12, 5)

    def forward(self, x):
        return self.head(self.gru(x)[0]).log_softmax(-1)


class ConvSubsampling(nn.Module):
    """Conformer's Conv2dSubsampling (ESPnet, torchaudio, NeMo): the
    [B, T, F] features as one input channel, two stride-2 Conv2d + ReLU,
    then channels and frequencies flattened per step into a Linear; and a
    second 2-D branch with unequal strides, dilations and pads and a grouped
    Conv2d."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Sequential(nn.Conv2d(1, 4, 3, 2, padding=1), nn.ReLU(),
                                  nn.Conv2d(4, 4, 3, 2, padding=1), nn.ReLU())
        self.out = nn.Linear(4 * 2, 6)
        self.wide = nn.Conv2d(1, 4, (3, 5), stride=(1, 2), padding=(2, 1),
                              dilation=(2, 1))
        self.grouped = nn.Conv2d(4, 6, 3, padding=(1, 0), groups=2,
                                 bias=False)

    def forward(self, x):
        x = x.unsqueeze(1)
        h = self.conv(x)
        b, c, t, f = h.size()
        y = self.out(h.transpose(1, 2).reshape(b, t, c * f))
        return y, self.grouped(self.wide(x))


class ScriptedWrittenInitialState(nn.Module):
    """A scripted NTM-style loop whose attention weights start as a one-hot
    written in place, `w = zeros(B, N); w[:, 0] = 1` (an ONNX ScatterND:
    a loop of inserts at indices from arange(B)). That value is computed
    from the batch size alone, the same in every chunk (it stopped the step
    function: "'scf.for' at node '/ScatterND': not known to act on each
    time step independently")."""

    def __init__(self):
        super().__init__()
        self.key = nn.Linear(8 + 4, 4)
        self.register_buffer("memory", torch.randn(4, 6))

    def forward(self, x):  # [B, T, 8]
        w = torch.zeros(x.shape[0], 4)
        w[:, 0] = 1.0
        ys: List[torch.Tensor] = []
        for t in range(x.shape[1]):
            w = torch.softmax(self.key(torch.cat([x[:, t], w], -1)), -1)
            ys.append(w @ self.memory)
        return torch.stack(ys, 1)


class ScriptedTrimmedConvScan(nn.Module):
    """Mamba's block as its reference code writes it: a depthwise conv
    padded by its reach on both sides and trimmed to the input's length,
    `conv(x)[..., :x.size(1)]`, feeding a scripted scan. The trim takes the
    conv's whole length (it stopped the step function once the conv read
    its state: "a slice of a dimension of unknown size may select time
    steps")."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(8, 8, 4, groups=8, padding=3)
        self.gate = nn.Linear(8, 8)

    def forward(self, x):  # [B, T, 8]
        u = self.conv(x.transpose(1, 2))[:, :, :x.size(1)].transpose(1, 2)
        f = torch.sigmoid(self.gate(u))
        h = torch.zeros(x.shape[0], 8)
        ys: List[torch.Tensor] = []
        for t in range(x.size(1)):
            h = f[:, t] * h + u[:, t]
            ys.append(h)
        return torch.stack(ys, 1)


class ScriptedUnbindCell(nn.Module):
    """A GRU-style cell scripted over `for x_t in x.unbind(1)` with one
    output: torch 1.13 declares the stacked output with a made-up rank
    ([B, T, ..., ...] for [B, T, 9]), so no dimension name came from the
    declaration, and the state zeros(x.size(0), 9) named none either (no
    step api: "output 0 has a dimension of run-time size (0) that no input
    dimension names")."""

    def __init__(self):
        super().__init__()
        self.ih = nn.Linear(8, 27)
        self.hh = nn.Linear(9, 27)

    def forward(self, x):  # [B, T, 8]
        h = torch.zeros(x.size(0), 9)
        outs: List[torch.Tensor] = []
        for x_t in x.unbind(1):
            i_r, i_z, i_n = self.ih(x_t).chunk(3, 1)
            h_r, h_z, h_n = self.hh(h).chunk(3, 1)
            r = torch.sigmoid(i_r + h_r)
            z = torch.sigmoid(i_z + h_z)
            n = torch.tanh(i_n + r * h_n)
            h = (1 - z) * n + z * h
            outs.append(h)
        return torch.stack(outs, 1)


class StaticContextLstm(nn.Module):
    """The Temporal Fusion Transformer's static enrichment: an LSTM started
    from LayerNorm(Linear(static)) of a time-less input (before: no step
    api, "its initial state is computed from the state of
    'seq.layer_norm'", as if a norm carried state across chunks)."""

    def __init__(self):
        super().__init__()
        self.enc = nn.Linear(4, 6)
        self.norm = nn.LayerNorm(6)
        self.lstm = nn.LSTM(8, 6, batch_first=True)

    def forward(self, x, static):  # [B, T, 8], [B, 4]
        c = self.norm(self.enc(static)).unsqueeze(0)
        y, _ = self.lstm(x, (c, torch.zeros_like(c)))
        return y


def static_context_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, T, 8)).astype(np.float32),
            "static": rng.standard_normal((B, 4)).astype(np.float32)}


@torch.jit.script
def _fo_pool(f: torch.Tensor, z: torch.Tensor,
             o: torch.Tensor) -> torch.Tensor:
    c = torch.zeros(z.size(1), z.size(2))
    hs: List[torch.Tensor] = []
    for t in range(z.size(0)):
        c = f[t] * c + (1 - f[t]) * z[t]
        hs.append(o[t] * c)
    return torch.stack(hs, 0)


class QrnnConvStack(nn.Module):
    """A QRNN layer (Bradbury et al. 2016: causal conv gates, fo-pooling
    in a scripted loop appending o_t * c_t) feeding a causal conv (before:
    no step api, "cannot tell which model input dimension is the batch
    dimension of its state" of the second conv)."""

    def __init__(self):
        super().__init__()
        self.gates = nn.Conv1d(4, 18, 2)
        self.out = nn.Conv1d(6, 6, 2)

    def forward(self, x):  # [T, B, 4]
        g = self.gates(F.pad(x.permute(1, 2, 0), (1, 0))).permute(2, 0, 1)
        z, f, o = g.chunk(3, 2)
        h = _fo_pool(torch.sigmoid(f), torch.tanh(z), torch.sigmoid(o))
        return self.out(F.pad(h.permute(1, 2, 0), (1, 0))).permute(2, 0, 1)


class ChompedCumulativeNorm(nn.Module):
    """Conv-TasNet's causal configuration: a conv padded on both sides and
    chomped on the right (Chomp1d), then the cumulative layer norm, whose
    entry count arange(N, N * (T + 1), N) reads the chomped length (before:
    no step api, "'/Range': reads its own iteration index": the count's
    clamp max(T, 0) hid the length once the chomp was folded into the
    conv)."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 5, 3, padding=2)

    def forward(self, x):  # [B, 4, T]
        y = self.conv(x)[:, :, :-2].contiguous()
        _, n, t = y.size()
        cum_sum = torch.cumsum(y.sum(1, keepdim=True), dim=-1)
        cum_pow = torch.cumsum(y.pow(2).sum(1, keepdim=True), dim=-1)
        count = torch.arange(n, n * (t + 1), n, dtype=y.dtype).view(1, 1, -1)
        mean = cum_sum / count
        var = cum_pow / count - mean.pow(2)
        return (y - mean) / (var + 1e-8).sqrt()


class MovingAverages(nn.Module):
    """Moving averages (AvgPool1d, stride 1): a causal one after a left
    F.pad (causal=True; before: no step api, "'tensor.pad' ... not known
    to act on each time step independently"), or one padded on both sides
    counting the padding, and one unpadded. Each is a depthwise conv of
    1/k taps."""

    def __init__(self, causal=True):
        super().__init__()
        self.causal = causal
        self.proj = nn.Conv1d(4, 5, 1)

    def forward(self, x):  # [B, 4, T]
        if self.causal:
            return self.proj(F.avg_pool1d(F.pad(x, (3, 0)), 4, stride=1))
        return (F.avg_pool1d(x, 3, stride=1, padding=1),
                F.avg_pool1d(x, 2, stride=1))


class LuongDecoder(nn.Module):
    """An LSTM decoder with Luong's "general" attention over encoder
    outputs `enc` [B, S, H] (Luong et al. 2015): scores h W enc^T, softmax
    over S, context, tanh(W_c [h; ctx]). Raised to cross-attention; before,
    no step api ("attention without a causal mask over another input's
    steps ... cannot stream")."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 16, batch_first=True)
        self.score = nn.Linear(16, 16, bias=False)
        self.combine = nn.Linear(32, 16)
        self.out = nn.Linear(16, 5)

    def forward(self, y, enc):  # y [B, T, 8], enc [B, S, 16]
        h, _ = self.lstm(y)
        scores = torch.bmm(self.score(h), enc.transpose(1, 2))  # [B, T, S]
        context = torch.bmm(torch.softmax(scores, dim=-1), enc)
        return self.out(torch.tanh(self.combine(torch.cat([h, context], -1))))


class BahdanauDecoder(nn.Module):
    """A GRU decoder with Bahdanau's additive attention over encoder
    outputs (Bahdanau et al. 2015): v^T tanh(W_q h + W_k enc) per (t, s),
    masked where the encoder step is padding (`enc_pad` [B, S], True: a
    padded step), softmax over S. A softmax and a product over the
    encoder's steps, which no chunk splits (before, no step api: "a
    softmax along a dimension of run-time size may combine time
    steps")."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, batch_first=True)
        self.query = nn.Linear(16, 12)
        self.key = nn.Linear(16, 12)
        self.v = nn.Linear(12, 1, bias=False)
        self.out = nn.Linear(32, 5)

    def forward(self, y, enc, enc_pad):
        h, _ = self.gru(y)
        energy = self.v(torch.tanh(self.query(h)[:, :, None, :]
                                   + self.key(enc)[:, None, :, :]))
        energy = energy.squeeze(-1).masked_fill(enc_pad[:, None, :],
                                                float("-inf"))
        context = torch.softmax(energy, dim=-1) @ enc       # [B, T, 16]
        return self.out(torch.cat([h, context], -1))


def encoder_output_inputs(T, B, rng):
    """Decoder steps y [B, T, 8] and encoder outputs enc [B, T + 3, 16]
    with the last b % 3 steps of row b padding."""
    S = T + 3
    pad = np.zeros((B, S), dtype=bool)
    for b in range(B):
        pad[b, S - b % 3:] = True
    return {"y": rng.standard_normal((B, T, 8)).astype(np.float32),
            "enc": rng.standard_normal((B, S, 16)).astype(np.float32),
            "enc_pad": pad}


class BahdanauLengthMask(BahdanauDecoder):
    """BahdanauDecoder whose padding mask is built from lengths in the
    model, `arange(S) >= enc_len[:, None]` (positions along the encoder's
    S, which no chunk splits: before, they were taken for the stream's
    positions and the model had no step api)."""

    def forward(self, y, enc, enc_len):
        steps = torch.arange(enc.shape[1])[None, :]
        return super().forward(y, enc, steps >= enc_len[:, None])


def encoder_length_inputs(T, B, rng):
    """encoder_output_inputs with lengths (S - b % 3) instead of a mask."""
    inputs = encoder_output_inputs(T, B, rng)
    S = inputs["enc"].shape[1]
    return {"y": inputs["y"], "enc": inputs["enc"],
            "enc_len": np.array([S - b % 3 for b in range(B)], dtype=np.int64)}


class LuongDotWeights(LuongDecoder):
    """LuongDecoder with the dot score, returning its attention weights
    [B, T, S] too (as attention visualizations do). Not raised to
    cross-attention: the scores' batch_matmul and the softmax over S stay
    linalg ops, which no chunk splits along S; the weights' dimensions,
    which the export leaves unnamed, are named through the softmax (before:
    no step api, "a softmax along a dimension of run-time size may combine
    time steps")."""

    def forward(self, y, enc):
        h, _ = self.lstm(y)
        weights = torch.softmax(torch.bmm(h, enc.transpose(1, 2)), dim=-1)
        context = torch.bmm(weights, enc)
        out = self.out(torch.tanh(self.combine(torch.cat([h, context], -1))))
        return out, weights
