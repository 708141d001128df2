"""A PyTorch reference of RWKV-4's time mixing and channel mixing (Peng et
al. 2023, "RWKV: Reinventing RNNs for the Transformer Era",
arXiv:2305.13048), for make_models.py (fixtures).

TimeMix and ChannelMix follow RWKV_TimeMix and RWKV_ChannelMix of
BlinkDL/RWKV-LM, RWKV-v4/src/model.py, with the parameter names of that
code, so a trained RWKV-4 block's state_dict loads as it is. Token shift is
nn.ZeroPad2d((0, 0, 1, -1)): x_{t-1}, zeros at t = 0.

The official forward pass calls a CUDA kernel for WKV; here wkv() is the
explicit form of the paper's eq. 14 (w = exp(time_decay), u = time_first),
for every channel c:

    wkv_t = (sum_{i<t} exp(-(t-1-i) w + k_i) v_i + exp(u + k_t) v_t)
          / (sum_{i<t} exp(-(t-1-i) w + k_i)     + exp(u + k_t))

computed in float64 over all (t, i) pairs at once, each row shifted by its
largest exponent. wkv_recurrent() is the recurrence of the official
kernel (RWKV-v4/cuda/wkv_cuda.cu, kernel_forward; RWKV-v4/src/model_run.py,
RWKV_RNN.SA, whose state names aa, bb, pp it takes): aa and bb are the
numerator's and the denominator's running sums divided by exp(pp). The
kernel is given -exp(time_decay) and adds it to pp; here w is positive and
subtracted. Running this file checks that the two agree.
"""

import math

import torch
import torch.nn as nn

MIN_PP = -1e38  # the kernel's initial pp (model_run.py uses -1e30)


def mix(x, xx, m):
    """The token-shift interpolation x * m + x_{t-1} * (1 - m)."""
    return x * m + xx * (1 - m)


def wkv(w, u, k, v):
    """Eq. 14 in its explicit O(T^2) form, in float64. w, u: [A] (w > 0 is
    the decay per step); k, v: [B, T, A]. Returns [B, T, A] in k's dtype."""
    dtype = k.dtype
    w, u, k, v = (a.double() for a in (w, u, k, v))
    T = k.shape[1]
    t = torch.arange(T)
    lag = (t[:, None] - 1 - t[None, :]).double()          # [t, i]: t-1-i
    e = -lag[None, :, :, None] * w + k[:, None, :, :]     # [B, t, i, A]
    e = torch.where((t[:, None] == t[None, :])[None, :, :, None],
                    u + k[:, :, None, :].expand_as(e), e)  # i = t: u + k_t
    e = e.masked_fill((t[None, :] > t[:, None])[None, :, :, None],
                      -math.inf)                           # i > t: no term
    p = torch.exp(e - e.amax(dim=2, keepdim=True))
    y = (p * v[:, None, :, :]).sum(2) / p.sum(2)
    return y.to(dtype)


def wkv_recurrent(w, u, k, v, state=None):
    """The official kernel's recurrence. w, u: [A]; k, v: [B, T, A]; state
    (aa, bb, pp), each [B, A], defaults to aa = bb = 0, pp = -1e38. Returns
    (y [B, T, A], (aa, bb, pp) after the last step), in k's dtype."""
    B, T, A = k.shape
    if state is None:
        aa = torch.zeros(B, A, dtype=k.dtype)
        bb = torch.zeros(B, A, dtype=k.dtype)
        pp = torch.full((B, A), MIN_PP, dtype=k.dtype)
    else:
        aa, bb, pp = state
    ys = []
    for t in range(T):
        kt, vt = k[:, t], v[:, t]
        ww = u + kt
        q = torch.maximum(pp, ww)
        e1, e2 = torch.exp(pp - q), torch.exp(ww - q)
        ys.append((e1 * aa + e2 * vt) / (e1 * bb + e2))
        ww = pp - w
        q = torch.maximum(ww, kt)
        e1, e2 = torch.exp(ww - q), torch.exp(kt - q)
        aa, bb, pp = e1 * aa + e2 * vt, e1 * bb + e2, q
    return torch.stack(ys, dim=1), (aa, bb, pp)


class TimeMix(nn.Module):
    """RWKV_TimeMix: n_embd C, dim_att A (C unless given)."""

    def __init__(self, n_embd, dim_att=None):
        super().__init__()
        C, A = n_embd, dim_att or n_embd
        # As if trained, but tame: w = exp(time_decay) in ~0.05 .. 2.7.
        self.time_decay = nn.Parameter(torch.empty(A).uniform_(-3, 1))
        self.time_first = nn.Parameter(torch.empty(A).uniform_(-1, 1))
        self.time_mix_k = nn.Parameter(torch.rand(1, 1, C))
        self.time_mix_v = nn.Parameter(torch.rand(1, 1, C))
        self.time_mix_r = nn.Parameter(torch.rand(1, 1, C))
        self.time_shift = nn.ZeroPad2d((0, 0, 1, -1))
        self.key = nn.Linear(C, A, bias=False)
        self.value = nn.Linear(C, A, bias=False)
        self.receptance = nn.Linear(C, A, bias=False)
        self.output = nn.Linear(A, C, bias=False)

    def forward(self, x):  # [B, T, C]
        xx = self.time_shift(x)
        k = self.key(mix(x, xx, self.time_mix_k))
        v = self.value(mix(x, xx, self.time_mix_v))
        r = torch.sigmoid(self.receptance(mix(x, xx, self.time_mix_r)))
        return self.output(r * wkv(torch.exp(self.time_decay),
                                   self.time_first, k, v))


class ChannelMix(nn.Module):
    """RWKV_ChannelMix: n_embd C, dim_ffn F (4 C unless given)."""

    def __init__(self, n_embd, dim_ffn=None):
        super().__init__()
        C, F = n_embd, dim_ffn or 4 * n_embd
        self.time_mix_k = nn.Parameter(torch.rand(1, 1, C))
        self.time_mix_r = nn.Parameter(torch.rand(1, 1, C))
        self.time_shift = nn.ZeroPad2d((0, 0, 1, -1))
        self.key = nn.Linear(C, F, bias=False)
        self.receptance = nn.Linear(C, C, bias=False)
        self.value = nn.Linear(F, C, bias=False)

    def forward(self, x):  # [B, T, C]
        xx = self.time_shift(x)
        k = torch.square(torch.relu(self.key(mix(x, xx, self.time_mix_k))))
        r = torch.sigmoid(self.receptance(mix(x, xx, self.time_mix_r)))
        return r * self.value(k)


if __name__ == "__main__":
    # The explicit form and the recurrence agree in float64, with large |k|,
    # over the whole sequence and in chunks with the state carried.
    torch.set_num_threads(1)
    torch.manual_seed(0)
    B, T, A = 3, 40, 7
    w = torch.exp(torch.empty(A, dtype=torch.float64).uniform_(-3, 1))
    u = torch.empty(A, dtype=torch.float64).uniform_(-1, 1)
    k = 3 * torch.randn(B, T, A, dtype=torch.float64)
    k.view(-1)[torch.randperm(B * T * A)[:40]] = \
        torch.tensor([60.0, -60.0]).repeat(20).double()
    v = torch.randn(B, T, A, dtype=torch.float64)
    y = wkv(w, u, k, v)
    y_rec, _ = wkv_recurrent(w, u, k, v)
    state, parts = None, []
    for s in range(0, T, 7):
        part, state = wkv_recurrent(w, u, k[:, s:s + 7], v[:, s:s + 7],
                                    state)
        parts.append(part)
    chunked = torch.cat(parts, dim=1)
    print("explicit vs recurrent: max |diff| %.3g" % (y - y_rec).abs().max())
    print("full vs chunks of 7:   max |diff| %.3g"
          % (y_rec - chunked).abs().max())
    assert torch.allclose(y, y_rec, rtol=0, atol=1e-12)
    assert torch.allclose(y_rec, chunked, rtol=0, atol=1e-12)
