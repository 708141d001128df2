"""Writes random k, v [B, T, C], w, u [C] (.npy) into OUT_DIR and, into
OUT_DIR/expected, NumPy's RWKV-4 WKV (Peng et al. 2023, eq. 14: the
explicit sum over every earlier step, not the recurrence seqc compiles),
y [B, T, C], and the final state aa, bb, pp [B, C] (stacked: state
[B, 3, C]) of the official
kernel's recurrence (BlinkDL/RWKV-LM, RWKV-v4/cuda/wkv_cuda.cu) started
from aa = bb = 0, pp = -1e38. w > 0 is the decay per step (the model's
exp(time_decay)), u the bonus of the current step (time_first). A few k
are +-30, where one term outweighs the others by more than float32 holds,
and two are +-120, where exp(k) itself is out of float32's range (the
unshifted sums would be inf / inf or 0 / 0).

    wkv_ref.py OUT_DIR
"""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(os.path.join(out, "expected"), exist_ok=True)
rng = np.random.default_rng(1)
B, T, C = 2, 13, 5
k = rng.standard_normal((B, T, C)).astype(np.float32)
for b, t, c, s in [(0, 0, 0, -120), (0, 3, 1, 30), (0, 4, 1, 30),
                   (0, 7, 2, -30), (0, 12, 3, 30), (1, 2, 4, 30),
                   (1, 5, 4, -30), (1, 6, 0, 120), (1, 11, 0, -30)]:
    k[b, t, c] = s
v = rng.standard_normal((B, T, C)).astype(np.float32)
w = np.exp(rng.uniform(np.log(0.05), np.log(3.0), C)).astype(np.float32)
u = rng.uniform(-1.0, 1.0, C).astype(np.float32)
for name, a in dict(k=k, v=v, w=w, u=u).items():
    np.save(os.path.join(out, name + ".npy"), a)

K, V, W, U = (a.astype(np.float64) for a in (k, v, w, u))

# Eq. 14: row t weighs step i < t by exp(-(t-1-i) w + k_i) and step t by
# exp(u + k_t); each row is shifted by its largest exponent.
t = np.arange(T)
lag = (t[:, None] - 1 - t[None, :]).astype(np.float64)        # [t, i]
e = -lag[None, :, :, None] * W + K[:, None, :, :]            # [B, t, i, C]
e[:, t, t, :] = U + K                                        # i = t
e[:, t[:, None] < t[None, :], :] = -np.inf                   # i > t
p = np.exp(e - e.max(axis=2, keepdims=True))
y = (p * V[:, None, :, :]).sum(2) / p.sum(2)

# The kernel's recurrence, for its final state (and a check of y).
aa, bb, pp = np.zeros((B, C)), np.zeros((B, C)), np.full((B, C), -1e38)
y_rec = np.empty((B, T, C))
for s in range(T):
    ww = U + K[:, s]
    q = np.maximum(pp, ww)
    e1, e2 = np.exp(pp - q), np.exp(ww - q)
    y_rec[:, s] = (e1 * aa + e2 * V[:, s]) / (e1 * bb + e2)
    ww = pp - W
    q = np.maximum(ww, K[:, s])
    e1, e2 = np.exp(ww - q), np.exp(K[:, s] - q)
    aa, bb, pp = e1 * aa + e2 * V[:, s], e1 * bb + e2, q
assert np.abs(y - y_rec).max() < 1e-12

state = np.stack([aa, bb, pp], axis=1)  # [B, 3, C], seq.wkv's final_state
for name, a in dict(y=y, aa=aa, bb=bb, pp=pp, state=state).items():
    np.save(os.path.join(out, "expected", name + ".npy"), a.astype(np.float32))
