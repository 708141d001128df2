"""Models of the streaming tests: ones that read the last step of a causal
sequence (stream-last-step.test: a sequence classifier's head on a TCN's
last step, a decoder exported for generation that returns only the next
token's logits, and one that adds the last step to every step, which is
not causal), and scripted loops as controllers and recurrent blocks are
written (stream-scripted-cell.test)."""
from typing import List

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class TcnLastStep(nn.Module):
    """Two dilated causal convolutions (left-padded by their reach) with a
    residual, and a classifier head on the last step, `y[:, :, -1]`, as a
    keyword spotter is written."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv1d(4, 8, 3)
        self.conv2 = nn.Conv1d(8, 8, 3, dilation=2)
        self.head = nn.Linear(8, 3)

    def forward(self, x):  # [B, T, 4]
        h = torch.relu(self.conv1(F.pad(x.transpose(1, 2), (2, 0))))
        h = h + torch.relu(self.conv2(F.pad(h, (4, 0))))
        return self.head(h[:, :, -1])


class NextTokenLogits(nn.Module):
    """A one-layer causal decoder exported for generation: the logits of
    the next token only, `logits[:, -1, :]`."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(11, 8)
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.out = nn.Linear(8, 11)

    def forward(self, ids):  # [B, T]
        x = self.embed(ids)
        t = ids.shape[1]
        mask = torch.full((t, t), float("-inf")).triu(1)
        y = self.attn(x, x, x, attn_mask=mask, need_weights=False)[0] + x
        return self.out(y[:, -1, :])


class NextTokenTopK(NextTokenLogits):
    """The decoder exported for sampling: the 3 most likely next tokens
    and their probabilities at temperature 0.7, `topk(softmax(logits[:,
    -1] / 0.7), 3)`. TopK is a loop of its own over the last step's
    logits, which have no time axis: before, no step function ("'scf.for'
    at node '/TopK': not known to act on each time step
    independently")."""

    def forward(self, ids):  # [B, T]
        logits = super().forward(ids)
        return torch.topk(F.softmax(logits / 0.7, dim=-1), 3)


class NextTokenTopP(NextTokenLogits):
    """The decoder exported for nucleus (top-p) sampling, as generation
    code writes it: the last step's probabilities sorted, their cumsum,
    the tokens past p = 0.8 (after the first) masked and the rest
    renormalized. The cumsum is a scan along the vocabulary, a fixed
    number of steps over the last step's values: before, no step function
    ("'seq.scan' at node '/CumSum': a scan over a fixed number of steps
    does not step with the stream")."""

    def forward(self, ids):  # [B, T]
        probs = F.softmax(super().forward(ids), dim=-1)
        sorted_probs, order = torch.sort(probs, dim=-1, descending=True)
        cumulative = sorted_probs.cumsum(dim=-1)
        drop = cumulative - sorted_probs > 0.8
        kept = sorted_probs.masked_fill(drop, 0.0)
        return kept / kept.sum(dim=-1, keepdim=True), order


class TopKOverTime(nn.Module):
    """The 2 largest of each LSTM output feature over the time steps,
    `topk(lstm(x)[0], 2, dim=1)`: a selection over the whole sequence,
    which no stream can make (no step function, naming the TopK)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8, batch_first=True)

    def forward(self, x):
        return torch.topk(self.lstm(x)[0], 2, dim=1)[0]


class LastStepEveryStep(nn.Module):
    """An LSTM's output plus its last step at every step, `y + y[:, -1:]`:
    each step reads the sequence's end."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8, batch_first=True)

    def forward(self, x):
        y, _ = self.lstm(x)
        return y + y[:, -1:]


def features4(T, B, rng):
    return {"x": rng.standard_normal((B, T, 4)).astype(np.float32)}


def features16(T, B, rng):
    return {"x": rng.standard_normal((B, T, 16)).astype(np.float32)}


def tokens11(T, B, rng):
    return {"ids": rng.integers(0, 11, size=(B, T)).astype(np.int64)}


class ScriptedLstmCellCat(torch.nn.Module):
    """A scripted nn.LSTMCell fed cat([x_t, h]) over x.unbind(1), as an NTM
    or DNC controller is written. torch exports the cell's `input.dim() ==
    1` test as If(Not(Equal(Size(Shape(x)), 1))); seqc knows the rank, so
    the If takes its branch (stream-scripted-cell.test). Before, the Not
    of the known Equal was computed at run time and the If refused
    ("branches on a condition computed at run time")."""

    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(4 + 5, 5)

    def forward(self, x):
        h = torch.zeros(x.shape[0], 5)
        c = torch.zeros(x.shape[0], 5)
        ys: List[torch.Tensor] = []
        for x_t in x.unbind(1):
            h, c = self.cell(torch.cat([x_t, h], -1), (h, c))
            ys.append(h)
        return torch.stack(ys, 1)


class ScriptedZipLoop(torch.nn.Module):
    """A scripted loop over zip(a.unbind(1), b.unbind(1)), two inputs of
    one time axis T: torch exports its trip count as ReduceMin([len(a),
    len(b)]), which seqc reads as T (the runtime checks that inputs of one
    name agree), so the loop streams. Before, the ReduceMin was computed at
    run time and the model had no step api ("'tensor.from_elements' at node
    '/ReduceMin': not known to act on each time step independently")."""

    def forward(self, a, b):
        h = torch.zeros(a.shape[0], a.shape[2])
        ys: List[torch.Tensor] = []
        for a_t, b_t in zip(a.unbind(1), b.unbind(1)):
            h = 0.9 * h + a_t
            ys.append(h + b_t)
        return torch.stack(ys, 1)


class ScriptedHeadsLoop(torch.nn.Module):
    """A scripted loop whose state is split into heads with the batch size
    read before the loop, `h.view(B, 2, 4)` (xLSTM's sLSTM, a per-head
    block-diagonal recurrence): the projection the body reads was reshaped
    with x.size(0) and x.size(1), so its sizes computed from T shape it,
    but the body reads only B. Before, the loop was refused a step api
    ("its body reads the sequence's length")."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 8)
        self.r = nn.Parameter(torch.linspace(-0.4, 0.4, 32).reshape(2, 4, 4))

    def forward(self, x):
        B, T = x.size(0), x.size(1)
        wx = self.proj(x).view(B, T, 2, 4)
        h = torch.zeros(B, 8)
        ys: List[torch.Tensor] = []
        for t in range(x.size(1)):
            rh = torch.einsum("bhd,hde->bhe", h.view(B, 2, 4), self.r)
            h = torch.tanh(wx[:, t] + rh).reshape(B, 8)
            ys.append(h)
        return torch.stack(ys, 1)


class ScriptedUnbindLastStep(torch.nn.Module):
    """An IndRNN-style scripted loop over x.unbind(1) read at its last step,
    `head(h[:, -1])`: torch's shape inference declares the output rank 4
    ([B, ?, ?, 5]), so seqc names its batch from the ops. The slice keeping
    the batch whole (h[:, -1]'s size is tensor.dim of h) had no tie: the
    output's batch was '?' and the model had no step api ("output 0 has a
    dimension of run-time size (0) that no input dimension names")."""

    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 8)
        self.u = nn.Parameter(torch.linspace(0.1, 0.9, 8))
        self.head = nn.Linear(8, 3)

    def forward(self, x):
        return self.head(_indrnn_scan(self.proj(x), self.u)[:, -1])


@torch.jit.script
def _indrnn_scan(wx, u):
    """IndRNN (Li et al. 2018): h_t = relu(wx_t + u * h_{t-1})."""
    h = torch.zeros_like(wx[:, 0])
    hs: List[torch.Tensor] = []
    for x_t in wx.unbind(1):
        h = torch.relu(x_t + u * h)
        hs.append(h)
    return torch.stack(hs, 1)


def two_features4(T, B, rng):
    return {"a": rng.standard_normal((B, T, 4)).astype(np.float32),
            "b": rng.standard_normal((B, T, 4)).astype(np.float32)}


class LastStepSpread(nn.Module):
    """An LSTM's last step spread back over the steps,
    `y[:, -1:].expand(-1, T, -1)`: each step reads the sequence's end (a
    reviewer found its stream repeating each chunk's last step)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8, batch_first=True)

    def forward(self, x):
        y, _ = self.lstm(x)
        return y[:, -1:].expand(-1, x.shape[1], -1)


class LastStepNormalizedHeads(nn.Module):
    """A sequence classifier's log_softmax over its head on the last step,
    and an embedding's F.normalize of it: each reduces over the features
    of the last step alone (log_softmax's z - max(z) reads z twice, which
    the stream check took for the last step combined with the sequence's
    steps: no step function)."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(4, 8, batch_first=True)
        self.head = nn.Linear(8, 5)

    def forward(self, x):
        y, _ = self.lstm(x)
        z = self.head(y[:, -1])
        return F.log_softmax(z, dim=-1), F.normalize(z, dim=-1)


class ScriptedLengthBranch(nn.Module):
    """A scripted branch on the sequence's length, `if x.size(1) > 1`: a
    chunk's length is its own (the refusal named a tensor.from_elements,
    'not known to act on each time step')."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 5, batch_first=True)

    def forward(self, x):
        y = self.gru(x)[0]
        if x.size(1) > 1:
            y = y * 2.0
        return y


class FlippedGru(nn.Module):
    """A GRU over the reversed steps, `gru(x.flip(1))[0].flip(1)`: each step
    reads the later ones (the refusal spoke of a [T, T] mask and GLA's
    decay matrix)."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(4, 5, batch_first=True)

    def forward(self, x):
        return self.gru(x.flip(1))[0].flip(1)


class DelayedCausalConv(nn.Module):
    """A causal convolution delayed by one step, `conv(F.pad(x, (3, 0)))`
    with kernel 3 and the last output cut: each output reads only earlier
    steps (x[t - 3 .. t - 1]; no step function before: "padding other than
    [2, 0]")."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 6, 3)

    def forward(self, x):  # [B, T, 4]
        h = self.conv(F.pad(x.transpose(1, 2), (3, 0)))[:, :, :-1]
        return h.transpose(1, 2)


class OnePaddedConv(nn.Module):
    """A convolution after `F.pad(x, (2, 0), value=1.0)`: causal in reach,
    but its padding is ones, which a stream's first chunk cannot be given
    (the refusal said "a non-causal convolution reads future steps")."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 6, 3)

    def forward(self, x):  # [B, T, 4]
        h = self.conv(F.pad(x.transpose(1, 2), (2, 0), value=1.0))
        return h.transpose(1, 2)


class SsdEinsums(nn.Module):
    """The quadratic (within-chunk) part of Mamba-2's state space duality
    (Dao & Gu 2024, ssd_minimal.py), on the whole sequence as one chunk:
    the decays L = exp(segsum(A)) and the 4-operand Einsum
    'blhn,bshn,bhls,bshp->blhp' (C, B, L, X), plus a 3-operand
    'bld,de,e->bl' read-out. Each Einsum is contracted two operands at a
    time, left to right, as torch.einsum does (one loop nest over every
    letter was 100-1000x slower)."""

    def __init__(self, heads=2, state=4, head_dim=4):
        super().__init__()
        self.h, self.n, self.p = heads, state, head_dim
        self.to_c = nn.Linear(16, heads * state)
        self.to_b = nn.Linear(16, heads * state)
        self.to_x = nn.Linear(16, heads * head_dim)
        self.to_a = nn.Linear(16, heads)
        self.w = nn.Parameter(torch.randn(heads * head_dim, 3) * 0.3)
        self.v = nn.Parameter(torch.randn(3))

    @staticmethod
    def segsum(a):
        """segsum(a)[..., i, j] = a[..., j+1] + ... + a[..., i] for j <= i,
        -inf above the diagonal (ssd_minimal.py's stable form)."""
        t = a.size(-1)
        a = a[..., None].expand(*a.shape, t)
        below = torch.tril(torch.ones(t, t, dtype=torch.bool), -1)
        a = a.masked_fill(~below, 0)
        s = torch.cumsum(a, dim=-2)
        keep = torch.tril(torch.ones(t, t, dtype=torch.bool), 0)
        return s.masked_fill(~keep, float("-inf"))

    def forward(self, x):
        b, t, _ = x.shape
        c = self.to_c(x).view(b, t, self.h, self.n)
        bm = self.to_b(x).view(b, t, self.h, self.n)
        xs = self.to_x(x).view(b, t, self.h, self.p)
        a = -F.softplus(self.to_a(x)).transpose(1, 2)  # [b, h, t]
        decay = torch.exp(self.segsum(a))  # [b, h, l, s]
        y = torch.einsum("blhn,bshn,bhls,bshp->blhp", c, bm, decay, xs)
        y = y.reshape(b, t, self.h * self.p)
        return y, torch.einsum("bld,de,e->bl", y, self.w, self.v)


class ListIndexLastStep(NextTokenLogits):
    """nanoGPT's generation head, `self.lm_head(x[:, [-1], :])`: the last
    step picked by a one-element list, which keeps the time axis (an ONNX
    Gather of the constant [-1])."""

    def forward(self, ids):  # [B, T]
        x = self.embed(ids)
        t = ids.shape[1]
        mask = torch.full((t, t), float("-inf")).triu(1)
        y = self.attn(x, x, x, attn_mask=mask, need_weights=False)[0] + x
        return self.out(y[:, [-1], :])


@torch.jit.script
def _preallocated_scan(u: torch.Tensor) -> torch.Tensor:
    b, l, d = u.shape
    h = torch.zeros(b, d)
    ys = torch.zeros(b, l, d)
    for i in range(l):
        h = 0.9 * h + u[:, i]
        ys[:, i] = h
    return ys


class ConvThenPreallocatedScan(nn.Module):
    """mamba-minimal's selective scan written with a preallocated output,
    `ys[:, i] = y`, sized `u.shape[1]` after the block's causal
    convolution (`conv(x)[..., :L]`): the loop's carried `ys` is as long as
    the sequence, a length seqc cannot follow back through the convolution
    to T, so the refusal's hint says "if"."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(4, 4, 3, padding=2, groups=4)

    def forward(self, x):  # [B, T, 4]
        t = x.size(1)
        u = self.conv(x.transpose(1, 2))[..., :t].transpose(1, 2)
        return _preallocated_scan(u)
