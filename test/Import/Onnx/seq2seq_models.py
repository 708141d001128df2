"""Encoder-decoder models exported as one graph: the encoder over the
source `src` [B, S, ...], the decoder over the target `tgt` [B, T, ...].
Their step functions stream along T, the encoder computed from src (given
whole to every chunk) by the first chunk (stream-encoder-decoder.test)."""

from typing import List

import numpy as np
import torch
from torch import nn


class TransformerSeq2Seq(nn.Module):
    """nn.Transformer (2 encoder and 2 decoder post-norm layers, d 16, 2
    heads, batch-first) with a causal target mask and the source's padding
    hidden from both the encoder and the cross-attention."""

    def __init__(self):
        super().__init__()
        self.transformer = nn.Transformer(
            16, 2, num_encoder_layers=2, num_decoder_layers=2,
            dim_feedforward=32, dropout=0.0, batch_first=True)
        self.out = nn.Linear(16, 7)

    def forward(self, src, src_pad, tgt):
        T = tgt.shape[1]
        causal = self.transformer.generate_square_subsequent_mask(T)
        y = self.transformer(src, tgt, tgt_mask=causal,
                             src_key_padding_mask=src_pad,
                             memory_key_padding_mask=src_pad)
        return self.out(y)


def transformer_seq2seq_inputs(T, B, rng):
    """src [B, T + 2, 16] with the last b % 2 steps of row b padding
    (src_pad True), tgt [B, T, 16]."""
    S = T + 2
    pad = np.zeros((B, S), dtype=bool)
    for b in range(B):
        pad[b, S - b % 2:] = True
    return {"src": rng.standard_normal((B, S, 16)).astype(np.float32),
            "src_pad": pad,
            "tgt": rng.standard_normal((B, T, 16)).astype(np.float32)}


class BiGruAttentionSeq2Seq(nn.Module):
    """A bidirectional GRU encoder over source tokens; a GRU decoder started
    from tanh(W [h_fwd; h_bwd]) of the encoder's final states, with dot
    attention (Luong et al. 2015) over the projected encoder outputs."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 8)
        self.encoder = nn.GRU(8, 12, batch_first=True, bidirectional=True)
        self.bridge = nn.Linear(24, 12)
        self.memory = nn.Linear(24, 12, bias=False)
        self.decoder = nn.GRU(8, 12, batch_first=True)
        self.out = nn.Linear(24, 20)

    def forward(self, src, tgt):
        enc, h = self.encoder(self.embed(src))  # [B, S, 24], [2, B, 12]
        h0 = torch.tanh(self.bridge(torch.cat([h[0], h[1]], -1)))[None]
        y, _ = self.decoder(self.embed(tgt), h0)  # [B, T, 12]
        memory = self.memory(enc)  # [B, S, 12]
        weights = torch.softmax(torch.bmm(y, memory.transpose(1, 2)), -1)
        return self.out(torch.cat([y, torch.bmm(weights, memory)], -1))


class LstmSeq2Seq(nn.Module):
    """Sutskever et al. (2014): a 2-layer LSTM encoder over source tokens
    whose final (h, c) start a 2-layer LSTM decoder over target tokens."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 8)
        self.encoder = nn.LSTM(8, 12, num_layers=2, batch_first=True)
        self.decoder = nn.LSTM(8, 12, num_layers=2, batch_first=True)
        self.out = nn.Linear(12, 20)

    def forward(self, src, tgt):
        _, state = self.encoder(self.embed(src))
        y, _ = self.decoder(self.embed(tgt), state)
        return self.out(y)


def token_seq2seq_inputs(T, B, rng):
    """Source tokens src [B, T + 3] and target tokens tgt [B, T], int64."""
    return {"src": rng.integers(0, 20, (B, T + 3)).astype(np.int64),
            "tgt": rng.integers(0, 20, (B, T)).astype(np.int64)}


class EncoderOutputReturned(nn.Module):
    """A bidirectional GRU encoder whose outputs are an output of the model
    and, projected, the memory of the decoder's dot attention: a kept
    value computed from another (before, seqc crashed naming the states)."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.GRU(8, 6, batch_first=True, bidirectional=True)
        self.memory = nn.Linear(12, 6)
        self.decoder = nn.GRU(8, 6, batch_first=True)
        self.out = nn.Linear(12, 5)

    def forward(self, src, tgt):
        enc, _ = self.encoder(src)
        memory = self.memory(enc)
        y, _ = self.decoder(tgt)
        weights = torch.softmax(torch.bmm(y, memory.transpose(1, 2)), -1)
        return self.out(torch.cat([y, torch.bmm(weights, memory)], -1)), enc


class PrefixedMemoryLength(nn.Module):
    """Memory with two learned steps in front, cat(prefix, W src) [B, S + 2,
    8]: its length is S + 2, not S, and the output is scaled by it (before,
    a stream read it as S: every output off by S / (S + 2))."""

    def __init__(self):
        super().__init__()
        self.prefix = nn.Parameter(torch.randn(1, 2, 8))
        self.project = nn.Linear(8, 8)
        self.keys = nn.Linear(8, 8)
        self.decoder = nn.GRU(8, 8, batch_first=True)
        self.out = nn.Linear(16, 5)

    def forward(self, src, tgt):
        prefixed = torch.cat(
            [self.prefix.expand(src.shape[0], 2, 8), self.project(src)], 1)
        memory = self.keys(prefixed[:, 2:])
        y, _ = self.decoder(tgt)
        weights = torch.softmax(torch.bmm(y, memory.transpose(1, 2)), -1)
        out = self.out(torch.cat([y, torch.bmm(weights, memory)], -1))
        return out * prefixed.shape[1]


def feature_seq2seq_inputs(T, B, rng):
    """src [B, T + 3, 8] and tgt [B, T, 8]."""
    return {"src": rng.standard_normal((B, T + 3, 8)).astype(np.float32),
            "tgt": rng.standard_normal((B, T, 8)).astype(np.float32)}


class ScriptedGuardedAlignment(nn.Module):
    """A scripted decoder loop reading the encoder's step t only where
    there is one (`if t < enc.size(1)`), S shorter than T: that read is not
    the loop's sequence (before, the full run failed, "runs 9 steps but
    reads them from ..., which is shorter")."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.GRU(8, 4, batch_first=True, bidirectional=True)
        self.ih = nn.Linear(16, 6)
        self.hh = nn.Linear(6, 6, bias=False)

    def forward(self, src, tgt):
        enc, _ = self.encoder(src)
        h = torch.zeros(tgt.size(0), 6)
        ys: List[torch.Tensor] = []
        for t in range(tgt.size(1)):
            if t < enc.size(1):
                c = enc[:, t]
            else:
                c = torch.zeros(tgt.size(0), 8)
            h = torch.tanh(self.ih(torch.cat([tgt[:, t], c], -1)) + self.hh(h))
            ys.append(h)
        return torch.stack(ys, 1)


def short_source_inputs(T, B, rng):
    """src [B, T - 1, 8] (one step shorter than tgt) and tgt [B, T, 8]."""
    return {"src": rng.standard_normal((B, T - 1, 8)).astype(np.float32),
            "tgt": rng.standard_normal((B, T, 8)).astype(np.float32)}


class ScriptedBranchMadeRead(nn.Module):
    """A scripted loop whose If reads step t of a value one branch makes
    (`z = x * 2; z[:, t]`) and of x in the other: the branches keep their
    Gathers (before, seqc refused the model, "cannot tell the size of
    dimension 0 of its per-step value")."""

    def __init__(self):
        super().__init__()
        self.ih = nn.Linear(8, 6)
        self.hh = nn.Linear(6, 6, bias=False)

    def forward(self, x):
        h = torch.zeros(x.size(0), 6)
        ys: List[torch.Tensor] = []
        for t in range(x.size(1)):
            if t > 0:
                z = x * 2.0
                inp = z[:, t]
            else:
                inp = x[:, t]
            h = torch.tanh(self.ih(inp) + self.hh(h))
            ys.append(h)
        return torch.stack(ys, 1)


class ContextEveryStep(nn.Module):
    """Cho et al. (2014): a GRU encoder whose final state starts the GRU
    decoder and whose mean output, projected, is added to every decoder
    input: the decoder's sequence reads src too (before, no step api: "a
    reduction may combine time steps")."""

    def __init__(self):
        super().__init__()
        self.encoder = nn.GRU(8, 6, batch_first=True)
        self.context = nn.Linear(6, 8)
        self.decoder = nn.GRU(8, 6, batch_first=True)
        self.out = nn.Linear(6, 5)

    def forward(self, src, tgt):
        enc, h = self.encoder(src)
        y, _ = self.decoder(tgt + self.context(enc.mean(1))[:, None], h)
        return self.out(y)
