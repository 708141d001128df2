"""A PyTorch reference of mamba_ssm's Mamba block (Gu & Dao 2023), for
make_models.py (fixtures) and bench/bench.py (peer timing).

It follows mamba_ssm.modules.mamba_simple.Mamba on its path without the
fused kernel, with the recurrence of selective_scan_ref
(mamba_ssm/ops/selective_scan_interface.py): exp(delta * A) and
delta * B * u for every step at once, then a loop over time for
h = dA_t * h + dBu_t and y_t = C_t . h. The parameter names are
mamba_ssm's, so its state_dict is what a trained block saves.
"""

import math

import torch
import torch.nn as nn


class Mamba(nn.Module):
    def __init__(self, d_model, d_state=4, d_conv=4, expand=2):
        super().__init__()
        d_inner = expand * d_model
        self.dt_rank = math.ceil(d_model / 16)
        self.d_state = d_state
        self.in_proj = nn.Linear(d_model, 2 * d_inner, bias=False)
        self.conv1d = nn.Conv1d(d_inner, d_inner, d_conv, groups=d_inner,
                                padding=d_conv - 1)
        self.x_proj = nn.Linear(d_inner, self.dt_rank + 2 * d_state,
                                bias=False)
        self.dt_proj = nn.Linear(self.dt_rank, d_inner)
        A = torch.arange(1, d_state + 1, dtype=torch.float32)
        self.A_log = nn.Parameter(torch.log(A).repeat(d_inner, 1))
        self.D = nn.Parameter(torch.ones(d_inner))
        self.out_proj = nn.Linear(d_inner, d_model, bias=False)
        with torch.no_grad():  # as if trained: no two channels alike
            self.A_log.add_(0.3 * torch.randn_like(self.A_log))
            self.D.normal_()

    def forward(self, hidden):  # [B, L, d_model]
        L = hidden.shape[1]
        x, z = self.in_proj(hidden).chunk(2, dim=-1)
        x = self.conv1d(x.transpose(1, 2))[..., :L].transpose(1, 2)
        x = nn.functional.silu(x)
        dt, Bm, Cm = self.x_proj(x).split(
            [self.dt_rank, self.d_state, self.d_state], dim=-1)
        dt = nn.functional.softplus(self.dt_proj(dt))
        A = -torch.exp(self.A_log)
        dA = torch.exp(dt.unsqueeze(-1) * A)                    # [B, L, D, N]
        dBu = dt.unsqueeze(-1) * Bm.unsqueeze(2) * x.unsqueeze(-1)
        h = torch.zeros(x.shape[0], x.shape[2], self.d_state)
        ys = []
        for t in range(L):
            h = dA[:, t] * h + dBu[:, t]
            ys.append(torch.einsum("bdn,bn->bd", h, Cm[:, t]))
        y = torch.stack(ys, dim=1) + x * self.D
        return self.out_proj(y * nn.functional.silu(z))
