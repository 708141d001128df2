"""Deep stacks of identical layers, which seqc compiles as one function
called per layer (seqc-outline-repeated-layers)."""
import torch
from torch import nn


class EncoderStackBatchOne(nn.Module):
    """An 8-layer post-norm nn.TransformerEncoder exported for batch 1 with
    a dynamic sequence length, as latency-bound deployments export it
    (x [1, T, 8]). Each layer gets weights of its own. Before: the size
    proofs of layers 5 to 8 walked the chain of every layer before them,
    ran out of budget and kept run-time checks in their attention tiles
    that layers 1 to 4 did not, so the stack became two functions (a dynamic
    batch, as deep_encoder's, hid it)."""

    def __init__(self):
        super().__init__()
        self.layers = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0,
                                       batch_first=True), 8,
            enable_nested_tensor=False)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn_like(p) * 0.3)

    def forward(self, x):
        with torch.enable_grad():
            return self.layers(x)


class CausalDecoderStack(nn.Module):
    """A 3-layer pre-norm nn.TransformerEncoder under the additive causal
    mask built at run time (`full(-inf).triu(1)`), exported for batch 1
    with a dynamic T: a GPT-style decoder stack. Its step function keeps a
    key/value cache per layer, updated in place; the layers become one
    function there too (the cache is written through the call's argument,
    not copied), as in the whole-sequence function. Streamed in chunks of
    1 and 2 steps by run_models.py against PyTorch's whole-sequence run."""

    def __init__(self):
        super().__init__()
        self.layers = nn.TransformerEncoder(
            nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0,
                                       batch_first=True, norm_first=True),
            3, enable_nested_tensor=False)
        with torch.no_grad():
            for p in self.parameters():
                p.copy_(torch.randn_like(p) * 0.3)

    def forward(self, x):
        t = x.shape[1]
        mask = torch.full((t, t), float("-inf")).triu(1)
        with torch.enable_grad():
            return self.layers(x, mask=mask)
