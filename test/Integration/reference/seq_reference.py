#!/usr/bin/python3
"""Plain NumPy reference implementation of the `seq` dialect ops.

Written independently of PyTorch so that it can serve as the oracle for
options PyTorch does not have (peepholes, clip, input_forget, custom
activations, GRU linear_before_reset=0, sequence_lens of 0, attention
windows, ...).  Everything is computed in float64; inputs of any float dtype
are accepted and upcast.

Recurrent ops follow the ONNX operator spec (RNN-14 / LSTM-14 / GRU-14):

  layout=0: X [T,B,I]  Y [T,D,B,H]  Y_h/Y_c [D,B,H]  initial_h/initial_c [D,B,H]
  layout=1: X [B,T,I]  Y [B,T,D,H]  Y_h/Y_c [B,D,H]  initial_h/initial_c [B,D,H]
  W [D, G*H, I], R [D, G*H, H] (LSTM with projection: R [D, 4H, P]),
  B [D, 2*G*H] = concat(Wb, Rb) along the last axis.
  Gate order: RNN (single), LSTM i,o,f,c  GRU z,r,h.  Peepholes P [D,3H] (i,o,f).
  D = 2 for direction='bidirectional' (index 0 forward, index 1 reverse).

  sequence_lens [B]: for batch b only steps t < len[b] are computed; Y is 0
  at t >= len[b]; Y_h/Y_c are the state after the last valid step (the
  initial state when len[b] == 0); the reverse direction runs from
  t = len[b]-1 down to 0.

  clip: gate pre-activations are clipped to [-clip, clip] before the
  activation function (the cell state itself is never clipped).

Extension (not in ONNX): LSTM projection `proj` [D, P, H] (PyTorch's
weight_hr_l0 stacked over directions): h_t = proj @ (o * h(c_t)); Y/Y_h then
have size P and the recurrent input is the projected h.

Attention: a row whose keys are all masked out (by causal/window/boolean
mask, or by -inf additive mask entries) produces an all-zero output row
instead of NaN.  This is the documented seq-dialect choice.
"""
import math

import numpy as np

__all__ = [
    "ACTIVATION_DEFAULTS", "normalize_activation", "apply_activation",
    "default_activations", "rnn", "lstm", "gru", "attention", "conv1d",
    "linear", "layer_norm", "rms_norm", "embedding", "relu", "sigmoid",
    "tanh", "gelu", "gelu_tanh", "silu", "softmax",
]

# name -> (default alpha, default beta); None = not used by the function.
ACTIVATION_DEFAULTS = {
    "tanh": (None, None),
    "relu": (None, None),
    "sigmoid": (None, None),
    "affine": (1.0, 0.0),
    "leaky_relu": (0.01, None),
    "thresholded_relu": (1.0, None),
    "scaled_tanh": (1.0, 1.0),
    "hard_sigmoid": (0.2, 0.5),
    "elu": (1.0, None),
    "softsign": (None, None),
    "softplus": (None, None),
}

# ONNX spells the names in CamelCase in model files; accept both.
_ONNX_NAMES = {
    "tanh": "tanh", "relu": "relu", "sigmoid": "sigmoid", "affine": "affine",
    "leakyrelu": "leaky_relu", "thresholdedrelu": "thresholded_relu",
    "scaledtanh": "scaled_tanh", "hardsigmoid": "hard_sigmoid", "elu": "elu",
    "softsign": "softsign", "softplus": "softplus",
}


def normalize_activation(spec):
    """Return (name, alpha, beta) with defaults filled in.

    `spec` may be a name, a tuple/list (name[, alpha[, beta]]) or a dict
    {"name":..., "alpha":..., "beta":...}.  alpha/beta of None take defaults.
    """
    if isinstance(spec, str):
        name, alpha, beta = spec, None, None
    elif isinstance(spec, dict):
        name, alpha, beta = spec["name"], spec.get("alpha"), spec.get("beta")
    else:
        spec = tuple(spec)
        name = spec[0]
        alpha = spec[1] if len(spec) > 1 else None
        beta = spec[2] if len(spec) > 2 else None
    key = name.lower()
    key = _ONNX_NAMES.get(key.replace("_", ""), key)
    if key not in ACTIVATION_DEFAULTS:
        raise ValueError("unknown activation %r" % (name,))
    da, db = ACTIVATION_DEFAULTS[key]
    alpha = da if alpha is None else float(alpha)
    beta = db if beta is None else float(beta)
    return key, alpha, beta


def sigmoid(x):
    x = np.asarray(x, dtype=np.float64)
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh(x):
    return np.tanh(np.asarray(x, dtype=np.float64))


def relu(x):
    return np.maximum(np.asarray(x, dtype=np.float64), 0.0)


def apply_activation(spec, x):
    name, alpha, beta = normalize_activation(spec)
    x = np.asarray(x, dtype=np.float64)
    if name == "tanh":
        return np.tanh(x)
    if name == "relu":
        return np.maximum(x, 0.0)
    if name == "sigmoid":
        return sigmoid(x)
    if name == "affine":
        return alpha * x + beta
    if name == "leaky_relu":
        return np.where(x >= 0, x, alpha * x)
    if name == "thresholded_relu":
        return np.where(x > alpha, x, 0.0)
    if name == "scaled_tanh":
        return alpha * np.tanh(beta * x)
    if name == "hard_sigmoid":
        return np.clip(alpha * x + beta, 0.0, 1.0)
    if name == "elu":
        return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0.0)))
    if name == "softsign":
        return x / (1.0 + np.abs(x))
    if name == "softplus":
        return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))
    raise AssertionError(name)


def default_activations(op):
    return {"rnn": ["tanh"], "lstm": ["sigmoid", "tanh", "tanh"],
            "gru": ["sigmoid", "tanh"]}[op]


# --------------------------------------------------------------------------
# Recurrent ops
# --------------------------------------------------------------------------

def _num_dirs(direction):
    if direction not in ("forward", "reverse", "bidirectional"):
        raise ValueError("bad direction %r" % (direction,))
    return 2 if direction == "bidirectional" else 1


def _per_direction_activations(op, activations, D):
    n = len(default_activations(op))
    acts = list(default_activations(op) if activations is None else activations)
    if len(acts) == n and D == 2:
        acts = acts + acts
    if len(acts) != n * D:
        raise ValueError("%s needs %d activations per direction, got %d"
                         % (op, n, len(acts)))
    acts = [normalize_activation(a) for a in acts]
    return [acts[d * n:(d + 1) * n] for d in range(D)]


def _f64(a):
    return None if a is None else np.asarray(a, dtype=np.float64)


def _prepare(X, layout, sequence_lens, states, D):
    """Bring X/states to layout 0; returns (X [T,B,I], lens [B], states)."""
    X = _f64(X)
    if X.ndim != 3:
        raise ValueError("X must be rank 3")
    if layout == 1:
        X = X.transpose(1, 0, 2)
    elif layout != 0:
        raise ValueError("layout must be 0 or 1")
    T, Bsz, _ = X.shape
    if sequence_lens is None:
        lens = np.full((Bsz,), T, dtype=np.int64)
    else:
        lens = np.asarray(sequence_lens, dtype=np.int64).reshape(Bsz)
        if (lens < 0).any() or (lens > T).any():
            raise ValueError("sequence_lens out of range [0, T]")
    out = []
    for s in states:
        s = _f64(s)
        if s is not None and layout == 1:
            s = s.transpose(1, 0, 2)
        out.append(s)
    return X, lens, out


def _scan(T, lens, reverse, step, states):
    """Run `step(t, states) -> new_states` over time with masking.

    states: list of [B, n] arrays; new_states[0] is the output of the step.
    Returns (outputs [T, B, n0], final states).
    """
    states = [s.copy() for s in states]
    Bsz, n0 = states[0].shape
    Y = np.zeros((T, Bsz, n0))
    order = range(T - 1, -1, -1) if reverse else range(T)
    for t in order:
        active = (t < lens)[:, None]
        if not active.any():
            continue
        with np.errstate(over="ignore", invalid="ignore"):
            new = step(t, states)
        for k in range(len(states)):
            states[k] = np.where(active, new[k], states[k])
        Y[t] = np.where(active, new[0], 0.0)
    return Y, states


def _clip(x, clip):
    return x if clip is None else np.clip(x, -clip, clip)


def _finish(Ys, finals, layout):
    """Ys: list over directions of [T,B,n]; finals: list of lists over dirs."""
    Y = np.stack(Ys, axis=1)                       # [T, D, B, n]
    outs = [np.stack(f, axis=0) for f in finals]   # [D, B, n]
    if layout == 1:
        Y = Y.transpose(2, 0, 1, 3)                # [B, T, D, n]
        outs = [o.transpose(1, 0, 2) for o in outs]
    return (Y,) + tuple(outs)


def rnn(X, W, R, B=None, sequence_lens=None, initial_h=None,
        direction="forward", activations=None, clip=None, layout=0):
    """ONNX RNN.  Returns (Y, Y_h)."""
    D = _num_dirs(direction)
    X, lens, (h0,) = _prepare(X, layout, sequence_lens, [initial_h], D)
    W, R, B = _f64(W), _f64(R), _f64(B)
    T, Bsz, _ = X.shape
    H = R.shape[-1]
    assert W.shape[:2] == (D, H) and R.shape == (D, H, H)
    acts = _per_direction_activations("rnn", activations, D)
    Ys, hs = [], []
    for d in range(D):
        reverse = direction == "reverse" or d == 1
        Wd, Rd = W[d], R[d]
        bias = np.zeros(H) if B is None else B[d, :H] + B[d, H:]
        f = acts[d][0]
        h = np.zeros((Bsz, H)) if h0 is None else h0[d]

        def step(t, st, Wd=Wd, Rd=Rd, bias=bias, f=f):
            pre = X[t] @ Wd.T + st[0] @ Rd.T + bias
            return [apply_activation(f, _clip(pre, clip))]

        Y, (hT,) = _scan(T, lens, reverse, step, [h])
        Ys.append(Y)
        hs.append(hT)
    return _finish(Ys, [hs], layout)


def lstm(X, W, R, B=None, sequence_lens=None, initial_h=None, initial_c=None,
         P=None, proj=None, direction="forward", activations=None, clip=None,
         input_forget=False, layout=0):
    """ONNX LSTM (+ optional PyTorch-style projection).  Returns (Y, Y_h, Y_c)."""
    D = _num_dirs(direction)
    X, lens, (h0, c0) = _prepare(X, layout, sequence_lens,
                                 [initial_h, initial_c], D)
    W, R, B, P, proj = _f64(W), _f64(R), _f64(B), _f64(P), _f64(proj)
    T, Bsz, _ = X.shape
    H = W.shape[1] // 4
    Hout = H if proj is None else proj.shape[1]
    assert W.shape[:2] == (D, 4 * H) and R.shape == (D, 4 * H, Hout)
    if proj is not None:
        assert proj.shape == (D, Hout, H)
    acts = _per_direction_activations("lstm", activations, D)
    Ys, hs, cs = [], [], []
    for d in range(D):
        reverse = direction == "reverse" or d == 1
        Wd, Rd = W[d], R[d]
        bias = np.zeros(4 * H) if B is None else B[d, :4 * H] + B[d, 4 * H:]
        pi, po, pf = ((np.zeros(H),) * 3 if P is None
                      else (P[d, :H], P[d, H:2 * H], P[d, 2 * H:]))
        f, g, hact = acts[d]
        h = np.zeros((Bsz, Hout)) if h0 is None else h0[d]
        c = np.zeros((Bsz, H)) if c0 is None else c0[d]
        pd = None if proj is None else proj[d]

        def step(t, st, Wd=Wd, Rd=Rd, bias=bias, pi=pi, po=po, pf=pf,
                 f=f, g=g, hact=hact, pd=pd):
            hp, cp = st
            gates = X[t] @ Wd.T + hp @ Rd.T + bias
            gi, go, gf, gc = (gates[:, k * H:(k + 1) * H] for k in range(4))
            i = apply_activation(f, _clip(gi + pi * cp, clip))
            if input_forget:
                fg = 1.0 - i
            else:
                fg = apply_activation(f, _clip(gf + pf * cp, clip))
            ct = apply_activation(g, _clip(gc, clip))
            c_new = fg * cp + i * ct
            o = apply_activation(f, _clip(go + po * c_new, clip))
            h_new = o * apply_activation(hact, c_new)
            if pd is not None:
                h_new = h_new @ pd.T
            return [h_new, c_new]

        Y, (hT, cT) = _scan(T, lens, reverse, step, [h, c])
        Ys.append(Y)
        hs.append(hT)
        cs.append(cT)
    return _finish(Ys, [hs, cs], layout)


def gru(X, W, R, B=None, sequence_lens=None, initial_h=None,
        direction="forward", activations=None, clip=None,
        linear_before_reset=False, layout=0):
    """ONNX GRU.  Returns (Y, Y_h)."""
    D = _num_dirs(direction)
    X, lens, (h0,) = _prepare(X, layout, sequence_lens, [initial_h], D)
    W, R, B = _f64(W), _f64(R), _f64(B)
    T, Bsz, _ = X.shape
    H = R.shape[-1]
    assert W.shape[:2] == (D, 3 * H) and R.shape == (D, 3 * H, H)
    acts = _per_direction_activations("gru", activations, D)
    Ys, hs = [], []
    for d in range(D):
        reverse = direction == "reverse" or d == 1
        Wd, Rd = W[d], R[d]
        Wb = np.zeros(3 * H) if B is None else B[d, :3 * H]
        Rb = np.zeros(3 * H) if B is None else B[d, 3 * H:]
        f, g = acts[d]
        h = np.zeros((Bsz, H)) if h0 is None else h0[d]
        Wz, Wr, Wh = Wd[:H], Wd[H:2 * H], Wd[2 * H:]
        Rz, Rr, Rh = Rd[:H], Rd[H:2 * H], Rd[2 * H:]
        Wbz, Wbr, Wbh = Wb[:H], Wb[H:2 * H], Wb[2 * H:]
        Rbz, Rbr, Rbh = Rb[:H], Rb[H:2 * H], Rb[2 * H:]

        def step(t, st, f=f, g=g, Wz=Wz, Wr=Wr, Wh=Wh, Rz=Rz, Rr=Rr, Rh=Rh,
                 Wbz=Wbz, Wbr=Wbr, Wbh=Wbh, Rbz=Rbz, Rbr=Rbr, Rbh=Rbh):
            hp = st[0]
            x = X[t]
            z = apply_activation(f, _clip(x @ Wz.T + hp @ Rz.T + Wbz + Rbz, clip))
            r = apply_activation(f, _clip(x @ Wr.T + hp @ Rr.T + Wbr + Rbr, clip))
            if linear_before_reset:
                pre = x @ Wh.T + r * (hp @ Rh.T + Rbh) + Wbh
            else:
                pre = x @ Wh.T + (r * hp) @ Rh.T + Rbh + Wbh
            hh = apply_activation(g, _clip(pre, clip))
            return [(1.0 - z) * hh + z * hp]

        Y, (hT,) = _scan(T, lens, reverse, step, [h])
        Ys.append(Y)
        hs.append(hT)
    return _finish(Ys, [hs], layout)


# --------------------------------------------------------------------------
# Attention
# --------------------------------------------------------------------------

def attention_allowed(Lq, Lk, causal=False, causal_alignment="top_left",
                      window=None):
    """[Lq, Lk] bool matrix of structurally allowed (query, key) pairs."""
    if causal_alignment == "top_left":
        offset = 0
    elif causal_alignment == "bottom_right":
        offset = Lk - Lq
    else:
        raise ValueError("bad causal_alignment %r" % (causal_alignment,))
    p = np.arange(Lq)[:, None] + offset          # aligned query position
    j = np.arange(Lk)[None, :]
    allowed = np.ones((Lq, Lk), dtype=bool)
    if causal:
        allowed &= j <= p
    if window is not None:
        left, right = window
        if left >= 0:
            allowed &= j >= p - left
        if right >= 0:
            allowed &= j <= p + right
    return allowed


def attention(q, k, v, mask=None, causal=False, causal_alignment="top_left",
              window=None, scale=None, alibi_slopes=None, relative_bias=None):
    """softmax(q k^T * scale + mask) v with GQA/MQA, causal and window masks.

    q [B,Hq,Lq,D], k [B,Hkv,Lk,D], v [B,Hkv,Lk,Dv] -> [B,Hq,Lq,Dv].
    Boolean mask: True = attend.  Float mask: added to the scaled scores;
    -inf entries count as masked.  Fully masked rows give zeros.
    alibi_slopes [Hq]: -slope[h] * |p(i) - j| is added to head h's scaled
    scores (ALiBi, Press et al. 2022), p(i) the aligned query position.
    relative_bias [Hq, 2R+1]: relative_bias[h, clip(j - p(i), -R, R) + R]
    is added to head h's scaled scores.
    """
    q, k, v = _f64(q), _f64(k), _f64(v)
    Bsz, Hq, Lq, Dh = q.shape
    Hkv, Lk = k.shape[1], k.shape[2]
    if Hq % Hkv:
        raise ValueError("Hq must be a multiple of Hkv")
    group = Hq // Hkv
    # query head h uses kv head h // group
    kk = np.repeat(k, group, axis=1)
    vv = np.repeat(v, group, axis=1)
    if scale is None:
        scale = 1.0 / math.sqrt(Dh)
    s = np.einsum("bhid,bhjd->bhij", q, kk) * scale
    offset = Lk - Lq if causal and causal_alignment == "bottom_right" else 0
    relative = np.arange(Lk)[None, :] - (np.arange(Lq)[:, None] + offset)
    if alibi_slopes is not None:
        s = s - np.asarray(alibi_slopes, np.float64)[None, :, None, None] * \
            np.abs(relative)[None, None]
    if relative_bias is not None:
        table = _f64(relative_bias)
        R = (table.shape[1] - 1) // 2
        s = s + table[:, np.clip(relative, -R, R) + R][None]
    allowed = np.broadcast_to(
        attention_allowed(Lq, Lk, causal, causal_alignment, window),
        s.shape).copy()
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype == np.bool_:
            allowed &= np.broadcast_to(mask, s.shape)
        else:
            s = s + np.broadcast_to(mask.astype(np.float64), s.shape)
    allowed &= s > -np.inf
    s = np.where(allowed, s, -np.inf)
    m = np.max(s, axis=-1, keepdims=True)
    m = np.where(np.isfinite(m), m, 0.0)
    e = np.where(allowed, np.exp(s - m), 0.0)
    denom = e.sum(axis=-1, keepdims=True)
    p = np.divide(e, denom, out=np.zeros_like(e), where=denom > 0)
    return np.einsum("bhij,bhjd->bhid", p, vv)


# --------------------------------------------------------------------------
# Convolution and glue
# --------------------------------------------------------------------------

def conv1d(x, w, b=None, stride=1, dilation=1, groups=1, padding=0,
           causal=False):
    """x [B,Cin,T], w [Cout, Cin/groups, K] -> [B, Cout, Tout].

    padding: int (both sides) or (left, right); causal=True means
    padding ((K-1)*dilation, 0) and overrides `padding`.
    """
    x, w, b = _f64(x), _f64(w), _f64(b)
    Bsz, Cin, T = x.shape
    Cout, Cg, K = w.shape
    if Cin != Cg * groups or Cout % groups:
        raise ValueError("channel/group mismatch")
    if causal:
        pl, pr = (K - 1) * dilation, 0
    elif np.ndim(padding) == 0:
        pl = pr = int(padding)
    else:
        pl, pr = (int(p) for p in padding)
    xp = np.pad(x, ((0, 0), (0, 0), (pl, pr)))
    Tp = T + pl + pr
    span = dilation * (K - 1) + 1
    Tout = (Tp - span) // stride + 1
    if Tout <= 0:
        raise ValueError("empty output")
    Og = Cout // groups
    y = np.zeros((Bsz, Cout, Tout))
    for gi in range(groups):
        xs = xp[:, gi * Cg:(gi + 1) * Cg, :]
        for kk in range(K):
            start = kk * dilation
            tap = xs[:, :, start:start + stride * (Tout - 1) + 1:stride]
            y[:, gi * Og:(gi + 1) * Og, :] += np.einsum(
                "oc,bct->bot", w[gi * Og:(gi + 1) * Og, :, kk], tap)
    if b is not None:
        y += b[None, :, None]
    return y


def linear(x, w, b=None):
    """x [..., I] @ w[O, I]^T + b[O]."""
    y = _f64(x) @ _f64(w).T
    return y if b is None else y + _f64(b)


def _norm_axes(x, axis):
    axis = axis % x.ndim
    return tuple(range(axis, x.ndim))


def layer_norm(x, scale, bias=None, eps=1e-5, axis=-1):
    """ONNX LayerNormalization: normalize over dims [axis, rank)."""
    x = _f64(x)
    axes = _norm_axes(x, axis)
    mu = x.mean(axis=axes, keepdims=True)
    var = ((x - mu) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mu) / np.sqrt(var + eps) * _f64(scale)
    return y if bias is None else y + _f64(bias)


def rms_norm(x, scale, eps=1e-6, axis=-1):
    """x / sqrt(mean(x^2 over dims [axis, rank)) + eps) * scale."""
    x = _f64(x)
    axes = _norm_axes(x, axis)
    ms = (x * x).mean(axis=axes, keepdims=True)
    return x / np.sqrt(ms + eps) * _f64(scale)


def embedding(idx, table):
    idx = np.asarray(idx)
    if not np.issubdtype(idx.dtype, np.integer):
        raise ValueError("indices must be integers")
    return _f64(table)[idx]


_erf = np.vectorize(math.erf, otypes=[np.float64])


def gelu(x):
    x = _f64(x)
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def gelu_tanh(x):
    x = _f64(x)
    return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi)
                                    * (x + 0.044715 * x ** 3)))


def silu(x):
    x = _f64(x)
    return x * sigmoid(x)


def softmax(x, axis=-1):
    x = _f64(x)
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)
