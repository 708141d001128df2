#!/usr/bin/python3
"""The op-coverage fixtures of make_models.py: activations, reductions,
pads, einsum, dtypes, shape arithmetic and the other tensor ops PyTorch
exports, and the input makers they share. make_models.MODELS lists them.
"""

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn


class Pool2d(nn.Module):
    """2-D MaxPool / AveragePool over [B, 2, 7, T] (a CRNN's pooling of a
    spectrogram): (2, 1) windows, strides with padding and ceil_mode,
    count_include_pad both ways, a dilated max."""

    def forward(self, x):
        return (F.max_pool2d(x, (2, 1)),
                F.max_pool2d(x, 3, stride=2, padding=1, ceil_mode=True),
                F.avg_pool2d(x, (3, 2), stride=(1, 2), padding=(1, 1),
                             count_include_pad=False),
                F.avg_pool2d(x, 2, stride=1, padding=1, ceil_mode=True),
                F.max_pool2d(x, 2, stride=1, dilation=2))


def spectrogram_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, 2, 7, T)).astype(np.float32)}


class MatMul4d(nn.Module):
    """A MatMul of two 4-D operands over run-time batch and time ([B, T, 1,
    8] @ [B, T, 8, 8], a per-step linear attention readout): a batch matmul
    over B * T whose result is split back into [B, T, ...], which crashed
    LLVM 22's expand-strided-metadata (llvm/llvm-project#186830)."""

    def forward(self, q, s):
        return q @ s


def per_step_matrices(T, B, rng):
    return {"q": rng.standard_normal((B, T, 1, 8)).astype(np.float32),
            "s": rng.standard_normal((B, T, 8, 8)).astype(np.float32)}


class FloatDtypes(nn.Module):
    """A model made with `.double()` (float64 weights, inputs and outputs:
    x [T, B, 4] through a Linear, a GRU and a LayerNorm), or, `half_io`,
    the same in f32 taking and returning float16 (`x.float()` on entry,
    `.half()` on exit). seqc computes in f32 behind the declared dtypes
    (float-dtypes.test)."""

    def __init__(self, half_io=False):
        super().__init__()
        self.half_io = half_io
        self.proj = nn.Linear(4, 6)
        self.gru = nn.GRU(6, 5)
        self.norm = nn.LayerNorm(5)

    def forward(self, x):
        if self.half_io:
            x = x.float()
        y, h = self.gru(torch.tanh(self.proj(x)))
        y = self.norm(y)
        if self.half_io:
            return y.half(), h.half()
        return y, h


def time_major_f64(T, B, rng):
    return {"x": rng.standard_normal((T, B, 4))}


def time_major_f16(T, B, rng):
    return {"x": rng.standard_normal((T, B, 4)).astype(np.float16)}


def channels_first_inputs(T, B, rng):
    return {"x": rng.standard_normal((B, 4, T)).astype(np.float32)}


class Activations(nn.Module):
    """The activations and elementwise math PyTorch exports as single ONNX
    nodes: LeakyRelu, Elu, Softplus, Softsign, HardSigmoid, HardSwish, Selu,
    Abs, Log, Reciprocal, Clip (two bounds, one bound), Max and Min."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        a = F.leaky_relu(x, 0.1) + F.elu(x, 0.5) + F.softplus(x) + F.softsign(x)
        b = F.hardsigmoid(x) + F.hardswish(x) + F.selu(x)
        c = torch.log(torch.abs(x) + 1.0) + torch.reciprocal(torch.abs(x) + 2.0)
        d = torch.clamp(x, -0.5, 0.5) + torch.clamp(x, min=0.1)
        return self.fc(torch.maximum(a, b) - torch.minimum(c, d))


class Reductions(nn.Module):
    """ReduceSum (axes as an input), ReduceMax, ReduceMin, ReduceProd,
    ReduceL2 with and without keepdims, and a CTC/LM-style LogSoftmax head."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):
        h = self.fc(x)
        s = h.sum(dim=-1, keepdim=True) + h.amax(dim=-1).unsqueeze(-1)
        m = h.amin(dim=1, keepdim=True)
        p = torch.tanh(h).prod(dim=-1, keepdim=True) + torch.norm(h, dim=-1,
                                                                   keepdim=True)
        return F.log_softmax(h + s - m + p, dim=-1)


class GreedyHead(nn.Module):
    """A greedy decoding head: a GRU's logits, their log-probabilities and
    the argmax token per step (int64), plus the argmin over time."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 6, batch_first=True)
        self.head = nn.Linear(6, 5)

    def forward(self, x):
        logits = self.head(self.gru(x)[0])
        return (F.log_softmax(logits, dim=-1), logits.argmax(dim=-1),
                logits.argmin(dim=1, keepdim=True))


class TileRepeat(nn.Module):
    """Tensor.repeat (ONNX Tile) along time and features."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 4)

    def forward(self, x):
        return self.fc(x).repeat(1, 2, 3)


class TorchPads(nn.Module):
    """F.pad with mode "reflect" and "replicate" as torch 1.13 exports them
    (Pad reflect / edge, pads computed by a Concat-Reshape-Slice chain),
    two outputs whose time extents differ although the exporter names both
    after the first ("Padr_dim_2")."""

    def forward(self, x):  # [B, T, 8]
        c = x.transpose(1, 2)
        return (nn.functional.pad(c, (2, 1), mode="reflect"),
                nn.functional.pad(c, (1, 3), mode="replicate"))


class MaskOps(nn.Module):
    """Comparisons, logic and casts as masks are built from: Greater,
    GreaterOrEqual, Less, LessOrEqual, Not, And, Or, Xor, Where with a
    scalar, and Cast bool -> float, bool -> int64 -> float, float -> int64
    (toward zero) -> float; and the unary math of positional encodings and
    quantisation: Sin, Cos, Floor, Ceil, Round (halves to even), Sign."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)

    def forward(self, x):  # [B, T, 8]
        h = self.fc(x)
        keep = ((h > 0.1) & ~(h >= 0.9)) | ((h < -0.5) ^ (h <= -0.8))
        w = torch.where(keep, h, torch.zeros_like(h) - 1.0)
        return (w + keep.float() * 0.5 + (h > 0).long().float()
                + (h * 3.0).long().float() + torch.sin(h) * torch.cos(2 * h)
                + torch.floor(h * 2) + torch.ceil(h * 2) + torch.round(h * 4)
                + torch.sign(h))


class OneHotInput(nn.Module):
    """Tokens as one-hot vectors into a linear layer (F.one_hot exports
    ONNX OneHot, then a Cast to float), plus each sequence's token counts
    (the one-hot vectors summed over time)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(7, 4)

    def forward(self, ids):
        one_hot = F.one_hot(ids, 7).float()              # [B, T, 7]
        return self.fc(one_hot) + one_hot.sum(1, keepdim=True)[..., :4]


def token_inputs(T, B, rng):
    return {"ids": rng.integers(0, 7, size=(B, T)).astype(np.int64)}


class TokenLosses(nn.Module):
    """A GRU language model scoring its targets (F.cross_entropy and
    F.nll_loss export SoftmaxCrossEntropyLoss and NegativeLogLikelihoodLoss
    at opset 12+): the per-token loss with class weights and padding
    targets of -100 ignored, the mean over the tokens, and a summed NLL of
    log-probabilities (written with logsumexp: torch 1.13 fuses
    nll_loss(log_softmax(x).transpose(1, 2)) into a loss of the wrong
    input). `per_token` returns only the first, which streams."""

    def __init__(self, per_token=False):
        super().__init__()
        self.per_token = per_token
        self.emb = nn.Embedding(7, 8)
        self.rnn = nn.GRU(8, 16, batch_first=True)
        self.head = nn.Linear(16, 7)
        self.register_buffer("weight", torch.linspace(0.5, 2.0, 7))

    def forward(self, ids, targets):
        logits = self.head(self.rnn(self.emb(ids))[0])        # [B, T, 7]
        tok = F.cross_entropy(logits.transpose(1, 2), targets,
                              weight=self.weight, reduction="none")
        if self.per_token:
            return tok
        mean = F.cross_entropy(logits.reshape(-1, 7), targets.reshape(-1))
        logp = logits - torch.logsumexp(logits, -1, keepdim=True)
        nll = F.nll_loss(logp.transpose(1, 2), targets.clamp(min=0),
                         reduction="sum")
        return tok, mean, nll


class FakeQuantizedGru(nn.Module):
    """Quantization-aware training's fake quantization, which torch exports
    as QuantizeLinear / DequantizeLinear pairs (QDQ): a uint8 per-tensor
    input, int8 per-channel weights (axis 0) and an int8 activation with a
    nonzero zero point, into a GRU."""

    def __init__(self):
        super().__init__()
        self.lin = nn.Linear(8, 6)
        self.rnn = nn.GRU(6, 5, batch_first=True)

    def forward(self, x):
        x = torch.fake_quantize_per_tensor_affine(x, 0.05, 3, 0, 255)
        w = torch.fake_quantize_per_channel_affine(
            self.lin.weight, torch.linspace(0.01, 0.02, 6),
            torch.zeros(6, dtype=torch.int32), 0, -128, 127)
        h = F.linear(x, w, self.lin.bias)
        h = torch.fake_quantize_per_tensor_affine(h, 0.1, -5, -128, 127)
        return self.rnn(h)[0]


class ConvTrimHeads(nn.Module):
    """Mamba-2's (transformers' Mamba2Mixer.torch_forward) causal depthwise
    conv trimmed to the input's length, `conv(x)[..., :T]`, reshaped with a
    -1 that is 1 (`reshape(b, T, -1, N)`) and expanded to the heads: seqc
    must see that the trimmed length is T for the -1 to be 1."""

    def __init__(self, trim_from_end=False):
        super().__init__()
        self.trim_from_end = trim_from_end
        self.conv = nn.Conv1d(16, 16, 4, groups=16, padding=3)

    def forward(self, x):
        b, t, _ = x.shape
        # (NX-AI xLSTM's CausalConv1d trims `y[:, :, :-pad]` instead.)
        h = self.conv(x.transpose(1, 2))
        h = (h[..., :-3] if self.trim_from_end else h[..., :t]).transpose(1, 2)
        y = h.reshape(b, t, -1, 16).expand(b, t, 4, 16)
        return y * torch.arange(4).float()[:, None]


class NegativePermute(nn.Module):
    """x.permute with negative dimensions (transformers' Mamba2
    `decay_states.permute(0, -2, -1, 1)`), which torch 1.13 exports with
    negative entries in Transpose's perm."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(16, 16, 3, padding=1)

    def forward(self, x):
        return self.conv(x.permute(0, -1, 1)).permute(0, -1, -2).exp()


def scored_token_inputs(T, B, rng):
    """Tokens and next-token targets, the last steps of sequence 0 padding
    (-100, cross_entropy's default ignore_index)."""
    targets = rng.integers(0, 7, size=(B, T)).astype(np.int64)
    targets[0, T // 2 + 1:] = -100
    return {"ids": rng.integers(0, 7, size=(B, T)).astype(np.int64),
            "targets": targets}


class EinsumOps(nn.Module):
    """torch.einsum as ONNX Einsum: attention scores and weighted values
    over heads, a weight contraction, a diagonal ("bhii->bhi"), an
    ellipsis ("...d,d->...") and a three-operand contraction."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(8, 8)
        self.w = nn.Parameter(torch.randn(8, 8) * 0.3)
        self.v = nn.Parameter(torch.randn(8))

    def forward(self, x):  # [B, T, 8]
        h = self.fc(x)
        q = h.reshape(h.shape[0], h.shape[1], 2, 4)
        s = torch.einsum("bihd,bjhd->bhij", q, q) * 0.5
        o = torch.einsum("bhij,bjhd->bihd", torch.softmax(s, -1), q)
        t = torch.einsum("bid,de->bie", h, self.w)
        diag = torch.einsum("bhii->bhi", s).sum(1)
        e = torch.einsum("...d,d->...", h, self.v)
        three = torch.einsum("bid,de,e->bi", h, self.w, self.v)
        return (o.reshape(h.shape) + t + (diag + e + three).unsqueeze(-1))


class NormSpellings(nn.Module):
    """Norms as people write them by hand, each a plain chain of ops in the
    export: weight * x * rsqrt(...) (PyTorch multiplies the weight first),
    (mean + eps).pow(-0.5), 1.0 / torch.sqrt(...) (a Reciprocal times 1.0),
    and a LayerNorm written w * (x - mean) / sqrt(var + eps) + b."""

    def __init__(self, d=8):
        super().__init__()
        self.w1 = nn.Parameter(torch.rand(d) + 0.5)
        self.w2 = nn.Parameter(torch.rand(d) + 0.5)
        self.w3 = nn.Parameter(torch.rand(d) + 0.5)
        self.w4 = nn.Parameter(torch.rand(d) + 0.5)
        self.b4 = nn.Parameter(torch.randn(d))
        self.proj = nn.Linear(d, d)

    def forward(self, x):
        h = self.w1 * x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-6)
        h = self.proj(h) + x
        h = self.w2 * h * (h.pow(2).mean(-1, keepdim=True) + 1e-5).pow(-0.5)
        h = self.proj(h)
        h = h * (1.0 / torch.sqrt((h * h).mean(-1, keepdim=True) + 1e-6))
        h = self.w3 * h
        m = h.mean(-1, keepdim=True)
        v = ((h - m) ** 2).mean(-1, keepdim=True)
        return self.w4 * (h - m) / torch.sqrt(v + 1e-5) + self.b4


class ExpandComputedShape(nn.Module):
    """Expands to target shapes holding sizes computed at run time (T + 1,
    which is never negative, and T - 1, which the importer cannot prove
    so): the target's literal 1s must stay broadcast dimensions."""

    def forward(self, x):
        B, T, C = x.shape
        up = torch.zeros(T + 1, C).expand(1, T + 1, C)[:, 1:]
        down = torch.ones(T - 1, C).expand(1, 1, T - 1, C)[0]
        return x + up, x[:, 1:] * down


class PadRuntimeAmounts(nn.Module):
    """F.pad by amounts computed from the length: T padded up to a multiple
    of 4 (chunked attention, Mamba-2) beside a padded feature, a negative
    amount (the first step dropped), and reflect padding by T % 3. torch
    exports the amounts as a shape vector reshaped into [-1, 2] pairs,
    reversed, transposed and flattened."""

    def forward(self, x):
        B, T, C = x.shape
        y = F.pad(x, (1, 0, 0, (-T) % 4))
        blocks = y.reshape(B, -1, 4, C + 1).mean(2)
        z = F.pad(x, (0, 0, -1, 1))
        r = F.pad(x.transpose(1, 2), (1, T % 3), mode="reflect")
        return y, blocks, z, r


class NarrowAndHalfCasts(nn.Module):
    """The dtypes PyTorch code casts masks and mixed-precision values to: a
    .byte() mask from a comparison and a stored uint8 buffer (UINT8
    initializer), positions wrapped by .to(torch.uint8), an int8 cast of
    in-range values, and .half() / .bfloat16() round trips, whose rounding
    is the point (FLOAT16, BFLOAT16)."""

    def __init__(self):
        super().__init__()
        self.register_buffer("keep", (torch.arange(8) % 3 != 0).byte())

    def forward(self, x):
        T = x.shape[1]
        y = x * (x > 0).byte().float() * self.keep.float()
        wrapped = (torch.arange(T) * 37).to(torch.uint8).float()
        p = x + wrapped[None, :, None]
        q = (x * 20).to(torch.int8).float()
        h = (x * 3).half().float()
        bf = (x * 1000).bfloat16().float()
        return y, p, q, h, bf


ACTIVATION_OUTPUTS = ["leaky_relu", "elu", "softplus", "softsign",
                      "hardsigmoid", "hardswish", "selu", "abs", "log",
                      "reciprocal", "clamp", "clamp_min", "maximum",
                      "minimum", "log_softmax"]


class ActivationsEach(nn.Module):
    """Each activation of Activations as its own output (no sum, max or min
    that could hide one op's error behind another's), on inputs that
    cross every kink (x in about [-3, 3])."""

    def forward(self, x):
        y = x.flip(-1)
        return (F.leaky_relu(x, 0.1), F.elu(x, 0.5), F.softplus(x),
                F.softsign(x), F.hardsigmoid(x), F.hardswish(x), F.selu(x),
                torch.abs(x), torch.log(torch.abs(x) + 0.5),
                torch.reciprocal(x + 4.0), torch.clamp(x, -0.5, 0.5),
                torch.clamp(x, min=0.1), torch.maximum(x, y),
                torch.minimum(x, y), F.log_softmax(x, dim=-1))
