#!/usr/bin/python3
"""PyTorch-side oracle: runs PyTorch modules and returns operands and results
in the ONNX / seq-dialect conventions used by seq_reference.py.

Weights are given in PyTorch's own layout (the names of nn.RNN/LSTM/GRU
parameters) and converted here to the ONNX layout, the same conversion the
seqc ONNX/safetensors importers must perform:

  LSTM gates  PyTorch i,f,g,o  -> ONNX i,o,f,c
  GRU gates   PyTorch r,z,n    -> ONNX z,r,h
  B           concat(b_ih, b_hh) (each gate-reordered)
  *_reverse   parameters       -> direction index 1 (D = 2)

All computation runs in float64.
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)

# ONNX gate k takes PyTorch chunk ORDER[kind][k]
GATE_ORDER = {"rnn": [0], "lstm": [0, 3, 1, 2], "gru": [1, 0, 2]}
NUM_GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def reorder_gates(a, kind):
    """Reorder the leading (gate-stacked) axis from PyTorch to ONNX order."""
    a = np.asarray(a)
    chunks = np.split(a, NUM_GATES[kind], axis=0)
    return np.concatenate([chunks[k] for k in GATE_ORDER[kind]], axis=0)


def torch_param_shapes(kind, input_size, hidden_size, bidirectional,
                       bias=True, proj_size=0):
    """name -> shape of the parameters of a one-layer nn.RNN/LSTM/GRU."""
    G = NUM_GATES[kind]
    H, P = hidden_size, proj_size
    Hr = P if (kind == "lstm" and P > 0) else H
    shapes = {}
    for sfx in ([""] + (["_reverse"] if bidirectional else [])):
        shapes["weight_ih_l0" + sfx] = (G * H, input_size)
        shapes["weight_hh_l0" + sfx] = (G * H, Hr)
        if bias:
            shapes["bias_ih_l0" + sfx] = (G * H,)
            shapes["bias_hh_l0" + sfx] = (G * H,)
        if kind == "lstm" and P > 0:
            shapes["weight_hr_l0" + sfx] = (P, H)
    return shapes


def torch_to_onnx_weights(kind, params, bidirectional, bias=True,
                          proj_size=0):
    """PyTorch parameter dict -> dict with ONNX W, R, B (and proj)."""
    sfxs = [""] + (["_reverse"] if bidirectional else [])
    out = {
        "W": np.stack([reorder_gates(params["weight_ih_l0" + s], kind)
                       for s in sfxs]),
        "R": np.stack([reorder_gates(params["weight_hh_l0" + s], kind)
                       for s in sfxs]),
    }
    if bias:
        out["B"] = np.stack([
            np.concatenate([reorder_gates(params["bias_ih_l0" + s], kind),
                            reorder_gates(params["bias_hh_l0" + s], kind)])
            for s in sfxs])
    if kind == "lstm" and proj_size > 0:
        out["proj"] = np.stack([params["weight_hr_l0" + s] for s in sfxs])
    return out


def _module(kind, input_size, hidden_size, bidirectional, bias, proj_size,
            nonlinearity, batch_first):
    kw = dict(num_layers=1, bias=bias, batch_first=batch_first,
              bidirectional=bidirectional)
    if kind == "rnn":
        m = nn.RNN(input_size, hidden_size, nonlinearity=nonlinearity, **kw)
    elif kind == "lstm":
        m = nn.LSTM(input_size, hidden_size, proj_size=proj_size, **kw)
    else:
        m = nn.GRU(input_size, hidden_size, **kw)
    return m.double().eval()


def run_torch_recurrent(kind, X, params, hidden_size, bidirectional=False,
                        bias=True, proj_size=0, nonlinearity="tanh",
                        layout=0, h0=None, c0=None, sequence_lens=None):
    """Run nn.RNN / nn.LSTM / nn.GRU and return ONNX-convention arrays.

    X: [T,B,I] (layout 0) or [B,T,I] (layout 1).  params: PyTorch-named
    numpy arrays.  h0/c0: PyTorch layout [D,B,Hout] / [D,B,H] (PyTorch
    keeps [D,B,*] even with batch_first=True).  sequence_lens entries may be
    0: PyTorch's pack_padded_sequence rejects those, so such batch entries
    are filled by definition (Y = 0, Y_h/Y_c = initial state).

    Returns dict with W, R, B, proj, initial_h, initial_c (ONNX layout for
    `layout`) and Y, Y_h, Y_c.
    """
    X = np.asarray(X, dtype=np.float64)
    batch_first = layout == 1
    I = X.shape[-1]
    T, Bsz = (X.shape[1], X.shape[0]) if batch_first else X.shape[:2]
    D = 2 if bidirectional else 1
    H = hidden_size
    Hout = proj_size if (kind == "lstm" and proj_size) else H
    m = _module(kind, I, H, bidirectional, bias, proj_size, nonlinearity,
                batch_first)
    with torch.no_grad():
        names = dict(m.named_parameters())
        assert set(names) == set(params), (sorted(names), sorted(params))
        for n, p in names.items():
            p.copy_(torch.from_numpy(np.asarray(params[n], dtype=np.float64)))
    h0_ = np.zeros((D, Bsz, Hout)) if h0 is None else np.asarray(h0, np.float64)
    c0_ = np.zeros((D, Bsz, H)) if c0 is None else np.asarray(c0, np.float64)

    lens = (np.full(Bsz, T, dtype=np.int64) if sequence_lens is None
            else np.asarray(sequence_lens, dtype=np.int64))
    nz = np.nonzero(lens > 0)[0]
    Y = np.zeros((T, Bsz, D * Hout))
    Y_h = h0_.copy()
    Y_c = c0_.copy()
    if len(nz):
        xs = X[nz] if batch_first else X[:, nz]
        xt = torch.from_numpy(np.ascontiguousarray(xs))
        hx = torch.from_numpy(np.ascontiguousarray(h0_[:, nz]))
        cx = torch.from_numpy(np.ascontiguousarray(c0_[:, nz]))
        state = (hx, cx) if kind == "lstm" else hx
        with torch.no_grad():
            if sequence_lens is None:
                out, hn = m(xt, state)
            else:
                packed = nn.utils.rnn.pack_padded_sequence(
                    xt, torch.from_numpy(lens[nz]), batch_first=batch_first,
                    enforce_sorted=False)
                out, hn = m(packed, state)
                out, _ = nn.utils.rnn.pad_packed_sequence(
                    out, batch_first=batch_first, total_length=T)
        out = out.numpy()
        if batch_first:
            out = out.transpose(1, 0, 2)
        Y[:, nz] = out
        if kind == "lstm":
            Y_h[:, nz] = hn[0].numpy()
            Y_c[:, nz] = hn[1].numpy()
        else:
            Y_h[:, nz] = hn.numpy()
    Y = Y.reshape(T, Bsz, D, Hout).transpose(0, 2, 1, 3)   # [T,D,B,Hout]
    res = torch_to_onnx_weights(kind, params, bidirectional, bias, proj_size)
    res.update(Y=Y, Y_h=Y_h, initial_h=None if h0 is None else h0_,
               initial_c=None if c0 is None else c0_)
    if kind == "lstm":
        res["Y_c"] = Y_c
    if layout == 1:
        res["Y"] = Y.transpose(2, 0, 1, 3)
        for k in ("Y_h", "Y_c", "initial_h", "initial_c"):
            if res.get(k) is not None:
                res[k] = res[k].transpose(1, 0, 2)
    return res


def _t(a):
    return torch.from_numpy(np.asarray(a, dtype=np.float64))


def torch_attention(q, k, v, mask=None, causal=False,
                    causal_alignment="top_left", window=None, scale=None):
    """Explicit softmax(q k^T * scale + mask) v in torch (no SDPA in 1.13).

    Fully masked rows come out as NaN from torch.softmax; they are replaced
    by zeros to match the seq-dialect convention (the caller can check the
    NaN rows via `torch_attention_raw`).
    """
    out = torch_attention_raw(q, k, v, mask, causal, causal_alignment,
                              window, scale)
    return np.nan_to_num(out, nan=0.0)


def torch_attention_raw(q, k, v, mask=None, causal=False,
                        causal_alignment="top_left", window=None, scale=None):
    q, k, v = _t(q), _t(k), _t(v)
    Hq, Lq, Dh = q.shape[1], q.shape[2], q.shape[3]
    Hkv, Lk = k.shape[1], k.shape[2]
    g = Hq // Hkv
    k = k.repeat_interleave(g, dim=1)
    v = v.repeat_interleave(g, dim=1)
    if scale is None:
        scale = Dh ** -0.5
    s = torch.matmul(q, k.transpose(-1, -2)) * scale
    ninf = float("-inf")
    diag = 0 if causal_alignment == "top_left" else Lk - Lq
    ones = torch.ones(Lq, Lk, dtype=torch.bool)
    keep = ones.clone()
    if causal:
        keep &= torch.tril(ones, diagonal=diag)
    if window is not None:
        left, right = window
        if left >= 0:
            keep &= torch.triu(ones, diagonal=diag - left)
        if right >= 0:
            keep &= torch.tril(ones, diagonal=diag + right)
    s = s.masked_fill(~keep, ninf)
    if mask is not None:
        mask = np.asarray(mask)
        if mask.dtype == np.bool_:
            s = s.masked_fill(~torch.from_numpy(mask), ninf)
        else:
            s = s + _t(mask)
    p = torch.softmax(s, dim=-1)
    return torch.matmul(p, v).numpy()


def torch_conv1d(x, w, b=None, stride=1, dilation=1, groups=1, padding=0,
                 causal=False):
    x, w = _t(x), _t(w)
    Cout, Cg, K = w.shape
    if causal:
        pl, pr = (K - 1) * dilation, 0
    elif np.ndim(padding) == 0:
        pl = pr = int(padding)
    else:
        pl, pr = padding
    sym = pl == pr
    conv = nn.Conv1d(x.shape[1], Cout, K, stride=stride, dilation=dilation,
                     groups=groups, bias=b is not None,
                     padding=pl if sym else 0).double()
    with torch.no_grad():
        conv.weight.copy_(w)
        if b is not None:
            conv.bias.copy_(_t(b))
        if not sym:
            x = F.pad(x, (pl, pr))
        return conv(x).numpy()


def torch_linear(x, w, b=None):
    lin = nn.Linear(w.shape[1], w.shape[0], bias=b is not None).double()
    with torch.no_grad():
        lin.weight.copy_(_t(w))
        if b is not None:
            lin.bias.copy_(_t(b))
        return lin(_t(x)).numpy()


def torch_layer_norm(x, scale, bias=None, eps=1e-5, axis=-1):
    x = _t(x)
    shape = tuple(x.shape[axis % x.dim():])
    ln = nn.LayerNorm(shape, eps=eps, elementwise_affine=True).double()
    with torch.no_grad():
        ln.weight.copy_(_t(scale))
        ln.bias.copy_(_t(bias) if bias is not None else torch.zeros(shape))
        return ln(x).numpy()


def torch_embedding(idx, table):
    emb = nn.Embedding(table.shape[0], table.shape[1]).double()
    with torch.no_grad():
        emb.weight.copy_(_t(table))
        return emb(torch.from_numpy(np.asarray(idx, dtype=np.int64))).numpy()


def torch_unary(name, x):
    x = _t(x)
    with torch.no_grad():
        if name == "gelu":
            return F.gelu(x).numpy()
        if name == "gelu_tanh":
            return F.gelu(x, approximate="tanh").numpy()
        if name == "silu":
            return F.silu(x).numpy()
        if name == "relu":
            return F.relu(x).numpy()
        if name == "sigmoid":
            return torch.sigmoid(x).numpy()
        if name == "tanh":
            return torch.tanh(x).numpy()
    raise ValueError(name)


def torch_softmax(x, axis=-1):
    return torch.softmax(_t(x), dim=axis).numpy()
