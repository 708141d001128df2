"""Encoder-decoder examples: the encoder over a source and the decoder over
a target in one description. Imported by make_models.py after the other
model files (the random weights of each model depend on every model built
before it)."""

import torch
from torch import nn

from export_model import export


# --- an encoder and a decoder layer that stream along the target ----------
class Translator(nn.Module):
    def __init__(self):
        super().__init__()
        # Post-norm, batch-first layers of nn.Transformer (one each).
        self.encoder = nn.TransformerEncoderLayer(16, 2, dim_feedforward=32,
                                                  dropout=0.0,
                                                  batch_first=True)
        self.decoder = nn.TransformerDecoderLayer(16, 2, dim_feedforward=32,
                                                  dropout=0.0,
                                                  batch_first=True)
        self.head = nn.Linear(16, 6)


def translator_forward(m, src, src_len, tgt):
    T, S = tgt.shape[1], src.shape[1]
    causal = torch.triu(torch.ones(T, T, dtype=torch.bool), 1)
    pad = torch.arange(S)[None, :] >= src_len[:, None]   # [B, S]: padding
    memory = m.encoder(src, src_key_padding_mask=pad)
    x = m.decoder(tgt, memory, tgt_mask=causal, memory_key_padding_mask=pad)
    return {"y": m.head(x)}


export("translator", Translator(), """
# An encoder-decoder (one post-norm, batch-first layer each, as
# nn.Transformer's): the encoder attends over all of the source `src`,
# whose padded steps (from src_len) it and the decoder's cross-attention
# hide; the decoder attends causally over the target. It streams along T:
# the encoder reads the source alone, which every chunk is given whole, so
# the first chunk encodes it and states keep the cross-attention's keys
# and values; the decoder's self-attention keeps a key/value cache.
model translator
weights "translator.safetensors"
input src: f32[B, S, 16]
input src_len: i64[B]
input tgt: f32[B, T, 16]
pad = logical_not(sequence_mask(src_len, src, dim=1))   # [B, S]
ea  = mha(src, heads=2, batch_first=true, key_padding_mask=pad,
          name=encoder.self_attn)
e1  = layer_norm(add(src, ea), name=encoder.norm1)
ef  = linear(relu(linear(e1, name=encoder.linear1)), name=encoder.linear2)
mem = layer_norm(add(e1, ef), name=encoder.norm2)
sa  = mha(tgt, heads=2, causal=true, batch_first=true,
          name=decoder.self_attn)
d1  = layer_norm(add(tgt, sa), name=decoder.norm1)
ca  = mha(d1, mem, heads=2, batch_first=true, key_padding_mask=pad,
          name=decoder.multihead_attn)
d2  = layer_norm(add(d1, ca), name=decoder.norm2)
df  = linear(relu(linear(d2, name=decoder.linear1)), name=decoder.linear2)
d3  = layer_norm(add(d2, df), name=decoder.norm3)
y   = linear(d3, out=6, name=head)
output y
""", {"src": torch.randn(3, 7, 16), "src_len": torch.tensor([7, 3, 5]),
      "tgt": torch.randn(3, 11, 16)}, translator_forward)
