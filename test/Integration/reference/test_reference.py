#!/usr/bin/python3
"""Cross-checks seq_reference.py (NumPy) against PyTorch 1.13, against
hand-computed scalar cases for options PyTorch lacks, against algebraic
properties, and (where present) against onnx.reference and the fixtures.

Run:  /usr/bin/python3 test/Integration/reference/test_reference.py [-v] [-k SUBSTR]
Prints 'N passed, M failed' (', K skipped') and exits non-zero on failure.
"""
import itertools
import json
import math
import os
import sys
import traceback
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import seq_reference as ref  # noqa: E402

try:
    import torch  # noqa: F401
    import torch_ref as tr
    HAVE_TORCH = True
except ImportError:  # pragma: no cover
    HAVE_TORCH = False

TOL = 1e-5
TESTS = []
MAX_ERR = [0.0]


class Skip(Exception):
    pass


def test(name):
    def deco(fn):
        TESTS.append((name, fn))
        return fn
    return deco


def close(actual, expected, tol=TOL, what=""):
    actual = np.asarray(actual, dtype=np.float64)
    expected = np.asarray(expected, dtype=np.float64)
    if actual.shape != expected.shape:
        raise AssertionError("%s shape %s != %s" % (what, actual.shape,
                                                   expected.shape))
    if not np.isfinite(actual).all() or not np.isfinite(expected).all():
        raise AssertionError("%s non-finite values" % what)
    err = np.abs(actual - expected)
    bound = tol * np.maximum(1.0, np.abs(expected))
    if (err > bound).any():
        i = np.unravel_index(np.argmax(err - bound), err.shape)
        raise AssertionError("%s mismatch at %s: %r vs %r (max abs err %.3g)"
                             % (what, i, actual[i], expected[i], err.max()))
    if err.size:
        MAX_ERR[0] = max(MAX_ERR[0], float(err.max()))


def rng_for(*key):
    import zlib
    return np.random.RandomState(zlib.crc32(repr(key).encode()) & 0x7fffffff)


def f32(a):
    return np.asarray(a, dtype=np.float32).astype(np.float64)


def rand(rng, *shape, scale=1.0):
    return f32(rng.uniform(-scale, scale, size=shape))


def need_torch():
    if not HAVE_TORCH:
        raise Skip("torch not available")


# --------------------------------------------------------------------------
# Recurrent ops against PyTorch
# --------------------------------------------------------------------------

def _torch_case(kind, rng, T, Bsz, I, H, bidir, bias, layout, with_h0,
                lens_kind, nonlinearity="tanh", proj=0):
    shapes = tr.torch_param_shapes(kind, I, H, bidir, bias, proj)
    params = {n: rand(rng, *s, scale=0.7) for n, s in sorted(shapes.items())}
    X = rand(rng, *((Bsz, T, I) if layout else (T, Bsz, I)), scale=1.5)
    D = 2 if bidir else 1
    Hout = proj or H
    h0 = rand(rng, D, Bsz, Hout) if with_h0 else None
    c0 = rand(rng, D, Bsz, H) if (with_h0 and kind == "lstm") else None
    lens = None
    if lens_kind == "mixed":
        lens = np.array([T, max(1, T - 3), 1][:Bsz], dtype=np.int32)
    elif lens_kind == "full":
        lens = np.full(Bsz, T, dtype=np.int32)
    res = tr.run_torch_recurrent(kind, X, params, H, bidir, bias, proj,
                                 nonlinearity, layout, h0, c0, lens)
    return X, lens, res


def _ref_from(kind, X, lens, res, direction, layout, **kw):
    fn = {"rnn": ref.rnn, "lstm": ref.lstm, "gru": ref.gru}[kind]
    args = dict(B=res.get("B"), sequence_lens=lens,
                initial_h=res["initial_h"], direction=direction,
                layout=layout, **kw)
    if kind == "lstm":
        args.update(initial_c=res["initial_c"], proj=res.get("proj"))
    return fn(X, res["W"], res["R"], **args)


def _check_outputs(kind, got, res):
    names = ["Y", "Y_h"] + (["Y_c"] if kind == "lstm" else [])
    for n, g in zip(names, got):
        close(g, res[n], what=n)


def _register_recurrent(kind, extra):
    for combo in itertools.product([False, True], [False, True], [0, 1],
                                   [False, True], ["none", "mixed", "full"],
                                   *[v for _, v in extra]):
        bidir, bias, layout, h0, lens_kind = combo[:5]
        ex = dict(zip([k for k, _ in extra], combo[5:]))
        name = "torch/%s/%s%s%s/layout%d%s/lens=%s%s" % (
            kind, "bidir" if bidir else "fwd", "" if bias else "/nobias",
            "", layout, "/h0" if h0 else "", lens_kind,
            "".join("/%s=%s" % kv for kv in ex.items()))

        def fn(kind=kind, bidir=bidir, bias=bias, layout=layout, h0=h0,
               lens_kind=lens_kind, ex=ex, name=name):
            need_torch()
            rng = rng_for(name)
            T, Bsz, I, H = 6, 3, 4, 5
            nonlin = ex.get("nl", "tanh")
            proj = ex.get("proj", 0)
            X, lens, res = _torch_case(kind, rng, T, Bsz, I, H, bidir, bias,
                                       layout, h0, lens_kind, nonlin, proj)
            kw = {}
            if kind == "rnn":
                kw["activations"] = [nonlin] * (2 if bidir else 1)
            if kind == "gru":
                kw["linear_before_reset"] = True
            got = _ref_from(kind, X, lens, res,
                            "bidirectional" if bidir else "forward", layout,
                            **kw)
            _check_outputs(kind, got, res)
        test(name)(fn)


_register_recurrent("rnn", [("nl", ["tanh", "relu"])])
_register_recurrent("lstm", [("proj", [0, 3])])
_register_recurrent("gru", [])


def _reverse_test(kind, lens_kind, proj=0):
    name = "torch/%s/reverse-via-bidir-half/lens=%s%s" % (
        kind, lens_kind, "/proj" if proj else "")

    @test(name)
    def fn():
        need_torch()
        rng = rng_for(name)
        X, lens, res = _torch_case(kind, rng, 7, 3, 3, 4, True, True, 0,
                                   True, lens_kind, "tanh", proj)
        sub = {k: (None if v is None else v[1:2]) for k, v in res.items()
               if k in ("W", "R", "B", "proj", "initial_h", "initial_c")}
        sub.setdefault("proj", None)
        kw = {"linear_before_reset": True} if kind == "gru" else {}
        got = _ref_from(kind, X, lens, sub, "reverse", 0, **kw)
        close(got[0][:, 0], res["Y"][:, 1], what="Y")
        close(got[1][0], res["Y_h"][1], what="Y_h")
        if kind == "lstm":
            close(got[2][0], res["Y_c"][1], what="Y_c")


for _k in ("rnn", "lstm", "gru"):
    for _l in ("none", "mixed"):
        _reverse_test(_k, _l)
_reverse_test("lstm", "mixed", proj=2)


@test("torch/rnn/zero-length-sequence")
def _():
    # PyTorch cannot pack a 0 length; check the definitional fill-in plus
    # the remaining batch entries against torch.
    need_torch()
    rng = rng_for("zero-len")
    T, Bsz, I, H = 5, 3, 2, 3
    shapes = tr.torch_param_shapes("rnn", I, H, True, True)
    params = {n: rand(rng, *s) for n, s in sorted(shapes.items())}
    X = rand(rng, T, Bsz, I)
    h0 = rand(rng, 2, Bsz, H)
    lens = np.array([0, T, 2], dtype=np.int32)
    res = tr.run_torch_recurrent("rnn", X, params, H, True, True, 0, "tanh",
                                 0, h0, None, lens)
    Y, Y_h = ref.rnn(X, res["W"], res["R"], res["B"], lens, h0,
                     "bidirectional")
    close(Y, res["Y"], what="Y")
    close(Y_h, res["Y_h"], what="Y_h")
    assert (Y[:, :, 0] == 0).all()
    close(Y_h[:, 0], h0[:, 0], what="Y_h[len0]")


# --------------------------------------------------------------------------
# Hand-computed single-step scalars for options PyTorch lacks
# --------------------------------------------------------------------------

def sig(x):
    return 1.0 / (1.0 + math.exp(-x))


@test("scalar/lstm/peephole+clip+activations")
def _():
    x, h, c = 0.7, -0.4, 0.9
    wi, wo, wf, wc = 0.5, 0.2, 2.0, 0.8
    ri, ro, rf, rc = 0.3, 0.6, -0.7, 1.1
    b = [0.1, -0.2, 0.3, 0.05, 0.02, 0.01, -0.03, 0.04]
    pi, po, pf = 0.25, -0.5, 0.75
    clip = 0.9
    cl = lambda v: max(-clip, min(clip, v))  # noqa: E731
    hs = lambda v: max(0.0, min(1.0, 0.3 * v + 0.4))  # noqa: E731
    i = hs(cl(wi * x + ri * h + b[0] + b[4] + pi * c))
    f = hs(cl(wf * x + rf * h + b[2] + b[6] + pf * c))
    g = 2.0 * math.tanh(0.5 * cl(wc * x + rc * h + b[3] + b[7]))
    cn = f * c + i * g
    o = hs(cl(wo * x + ro * h + b[1] + b[5] + po * cn))
    hn = o * (cn / (1 + abs(cn)))
    Y, Y_h, Y_c = ref.lstm(
        np.array([[[x]]]), np.array([[[wi], [wo], [wf], [wc]]]),
        np.array([[[ri], [ro], [rf], [rc]]]), np.array([b]),
        initial_h=np.array([[[h]]]), initial_c=np.array([[[c]]]),
        P=np.array([[pi, po, pf]]), clip=clip,
        activations=[("hard_sigmoid", 0.3, 0.4), ("scaled_tanh", 2.0, 0.5),
                     "softsign"])
    close(Y_h.ravel(), [hn], tol=1e-12)
    close(Y_c.ravel(), [cn], tol=1e-12)
    close(Y.ravel(), [hn], tol=1e-12)


@test("scalar/lstm/input_forget")
def _():
    x, h, c = -0.3, 0.2, -0.6
    W = [0.9, 0.4, -5.0, 0.7]
    R = [0.1, -0.3, 9.0, 0.5]
    i = sig(W[0] * x + R[0] * h)
    f = 1.0 - i
    g = math.tanh(W[3] * x + R[3] * h)
    cn = f * c + i * g
    o = sig(W[1] * x + R[1] * h)
    hn = o * math.tanh(cn)
    _, Y_h, Y_c = ref.lstm(np.array([[[x]]]), np.array(W).reshape(1, 4, 1),
                           np.array(R).reshape(1, 4, 1),
                           initial_h=np.array([[[h]]]),
                           initial_c=np.array([[[c]]]), input_forget=True)
    close(Y_h.ravel(), [hn], tol=1e-12)
    close(Y_c.ravel(), [cn], tol=1e-12)


@test("scalar/gru/linear_before_reset=0/1")
def _():
    x, h = 0.8, -0.5
    W = [0.3, -0.6, 1.4]
    R = [0.7, 0.2, -1.3]
    Bv = [0.1, 0.2, 0.3, -0.1, 0.05, 0.4]
    z = sig(W[0] * x + R[0] * h + Bv[0] + Bv[3])
    r = sig(W[1] * x + R[1] * h + Bv[1] + Bv[4])
    h0 = math.tanh(W[2] * x + R[2] * (r * h) + Bv[5] + Bv[2])
    h1 = math.tanh(W[2] * x + r * (R[2] * h + Bv[5]) + Bv[2])
    for lbr, ht in ((False, h0), (True, h1)):
        _, Y_h = ref.gru(np.array([[[x]]]), np.array(W).reshape(1, 3, 1),
                         np.array(R).reshape(1, 3, 1), np.array([Bv]),
                         initial_h=np.array([[[h]]]),
                         linear_before_reset=lbr)
        close(Y_h.ravel(), [(1 - z) * ht + z * h], tol=1e-12)
    assert abs(h0 - h1) > 1e-3


@test("scalar/rnn/leaky_relu+clip+two-steps")
def _():
    xs, h = [1.5, -2.0], 0.3
    w, r, b, clip = 0.9, 1.1, 0.2, 1.0
    for xv in xs:
        v = max(-clip, min(clip, w * xv + r * h + b))
        h = v if v >= 0 else 0.1 * v
    _, Y_h = ref.rnn(np.array(xs).reshape(2, 1, 1), [[[w]]], [[[r]]],
                     [[b, 0.0]], initial_h=[[[0.3]]], clip=clip,
                     activations=[("leaky_relu", 0.1)])
    close(Y_h.ravel(), [h], tol=1e-12)


# --------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------

def _rand_weights(rng, kind, D, I, H, proj=0):
    G = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
    w = dict(W=rand(rng, D, G * H, I), R=rand(rng, D, G * H, proj or H),
             B=rand(rng, D, 2 * G * H))
    if proj:
        w["proj"] = rand(rng, D, proj, H)
    return w


def _call(kind, X, w, **kw):
    fn = {"rnn": ref.rnn, "lstm": ref.lstm, "gru": ref.gru}[kind]
    return fn(X, **w, **kw)


for _kind in ("rnn", "lstm", "gru"):
    @test("prop/%s/layout1==transposed-layout0" % _kind)
    def _(kind=_kind):
        rng = rng_for("layout", kind)
        w = _rand_weights(rng, kind, 2, 3, 4)
        X = rand(rng, 5, 2, 3)
        h0 = rand(rng, 2, 2, 4)
        lens = np.array([3, 5])
        kw = dict(direction="bidirectional", sequence_lens=lens, initial_h=h0)
        if kind == "lstm":
            kw["initial_c"] = rand(rng, 2, 2, 4)
        a = _call(kind, X, w, **kw)
        kw1 = dict(kw, initial_h=h0.transpose(1, 0, 2), layout=1)
        if kind == "lstm":
            kw1["initial_c"] = kw["initial_c"].transpose(1, 0, 2)
        b = _call(kind, X.transpose(1, 0, 2), w, **kw1)
        close(b[0], a[0].transpose(2, 0, 1, 3), tol=1e-12)
        for x, y in zip(b[1:], a[1:]):
            close(x, y.transpose(1, 0, 2), tol=1e-12)

    @test("prop/%s/full-lens==no-lens" % _kind)
    def _(kind=_kind):
        rng = rng_for("fulllens", kind)
        w = _rand_weights(rng, kind, 2, 3, 4)
        X = rand(rng, 5, 3, 3)
        a = _call(kind, X, w, direction="bidirectional")
        b = _call(kind, X, w, direction="bidirectional",
                  sequence_lens=np.full(3, 5, np.int32))
        for x, y in zip(a, b):
            close(x, y, tol=0)

    @test("prop/%s/reverse-with-lens==forward-on-flipped-prefix" % _kind)
    def _(kind=_kind):
        rng = rng_for("revlens", kind)
        w = _rand_weights(rng, kind, 1, 3, 4)
        T = 6
        X = rand(rng, T, 3, 3)
        lens = np.array([6, 2, 4])
        Y, Y_h = _call(kind, X, w, direction="reverse",
                       sequence_lens=lens)[:2]
        for b, L in enumerate(lens):
            Xb = X[:L, b:b + 1][::-1]
            Yf, Yhf = _call(kind, Xb, w)[:2]
            close(Y[:L, :, b:b + 1], Yf[::-1], tol=1e-12)
            assert (Y[L:, :, b] == 0).all()
            close(Y_h[:, b], Yhf[:, 0], tol=1e-12)

    @test("prop/%s/huge-clip==no-clip" % _kind)
    def _(kind=_kind):
        rng = rng_for("clip", kind)
        w = _rand_weights(rng, kind, 1, 3, 4)
        X = rand(rng, 4, 2, 3)
        a = _call(kind, X, w)
        b = _call(kind, X, w, clip=1e6)
        for x, y in zip(a, b):
            close(x, y, tol=0)

    @test("prop/%s/bidir==fwd+rev" % _kind)
    def _(kind=_kind):
        rng = rng_for("bidir", kind)
        w = _rand_weights(rng, kind, 2, 3, 4)
        X = rand(rng, 5, 2, 3)
        lens = np.array([5, 3])
        a = _call(kind, X, w, direction="bidirectional", sequence_lens=lens)
        f = _call(kind, X, {k: v[:1] for k, v in w.items()},
                  sequence_lens=lens)
        r = _call(kind, X, {k: v[1:] for k, v in w.items()},
                  direction="reverse", sequence_lens=lens)
        close(a[0], np.concatenate([f[0], r[0]], axis=1), tol=0)
        for x, y, z in zip(a[1:], f[1:], r[1:]):
            close(x, np.concatenate([y, z]), tol=0)


@test("prop/lstm/zero-peephole==no-peephole")
def _():
    rng = rng_for("peep0")
    w = _rand_weights(rng, "lstm", 1, 3, 4)
    X = rand(rng, 4, 2, 3)
    a = ref.lstm(X, **w)
    b = ref.lstm(X, **w, P=np.zeros((1, 12)))
    for x, y in zip(a, b):
        close(x, y, tol=0)


@test("prop/rnn/affine-identity-activation-is-linear")
def _():
    rng = rng_for("affine")
    w = _rand_weights(rng, "rnn", 1, 2, 3)
    X = rand(rng, 3, 1, 2)
    Y, _ = ref.rnn(X, **w, activations=[("affine", 1.0, 0.0)])
    h = np.zeros(3)
    W, R, B = w["W"][0], w["R"][0], w["B"][0]
    for t in range(3):
        h = W @ X[t, 0] + R @ h + B[:3] + B[3:]
        close(Y[t, 0, 0], h, tol=1e-12)


# --------------------------------------------------------------------------
# Activation functions
# --------------------------------------------------------------------------

@test("torch/activations")
def _():
    need_torch()
    import torch.nn.functional as F
    x = np.linspace(-4, 4, 161)
    t = torch.from_numpy(x)
    cases = [
        ("tanh", torch.tanh(t)), ("relu", F.relu(t)),
        ("sigmoid", torch.sigmoid(t)),
        (("leaky_relu",), F.leaky_relu(t, 0.01)),
        (("leaky_relu", 0.3), F.leaky_relu(t, 0.3)),
        (("thresholded_relu",), F.threshold(t, 1.0, 0.0)),
        (("thresholded_relu", 0.5), F.threshold(t, 0.5, 0.0)),
        (("elu",), F.elu(t)), (("elu", 0.7), F.elu(t, 0.7)),
        ("softsign", F.softsign(t)), ("softplus", F.softplus(t)),
        (("hard_sigmoid", 1.0 / 6.0, 0.5), F.hardsigmoid(t)),
        (("hard_sigmoid",), torch.clamp(0.2 * t + 0.5, 0, 1)),
        (("scaled_tanh", 1.7, 0.6), 1.7 * torch.tanh(0.6 * t)),
        (("affine", 2.0, -1.0), 2.0 * t - 1.0),
        ("HardSigmoid", torch.clamp(0.2 * t + 0.5, 0, 1)),
        ("LeakyRelu", F.leaky_relu(t, 0.01)),
    ]
    for spec, want in cases:
        close(ref.apply_activation(spec, x), want.numpy(), what=str(spec))


@test("torch/glue-unary")
def _():
    need_torch()
    x = np.linspace(-6, 6, 241)
    for name, fn in (("gelu", ref.gelu), ("gelu_tanh", ref.gelu_tanh),
                     ("silu", ref.silu), ("relu", ref.relu),
                     ("sigmoid", ref.sigmoid), ("tanh", ref.tanh)):
        close(fn(x), tr.torch_unary(name, x), what=name)


@test("torch/linear")
def _():
    need_torch()
    rng = rng_for("linear")
    x, w, b = rand(rng, 2, 3, 5), rand(rng, 4, 5), rand(rng, 4)
    close(ref.linear(x, w, b), tr.torch_linear(x, w, b))
    close(ref.linear(x, w), tr.torch_linear(x, w))


@test("torch/layer_norm")
def _():
    need_torch()
    rng = rng_for("ln")
    x = rand(rng, 2, 3, 6, scale=3.0) + 1.0
    s, b = rand(rng, 6), rand(rng, 6)
    close(ref.layer_norm(x, s, b, 1e-5), tr.torch_layer_norm(x, s, b, 1e-5))
    s2, b2 = rand(rng, 3, 6), rand(rng, 3, 6)
    close(ref.layer_norm(x, s2, b2, 1e-3, axis=1),
          tr.torch_layer_norm(x, s2, b2, 1e-3, axis=1))


@test("torch/rms_norm-manual")
def _():
    need_torch()
    rng = rng_for("rms")
    x, s = rand(rng, 3, 8, scale=2.0), rand(rng, 8)
    t = torch.from_numpy(x)
    want = t * torch.rsqrt(t.pow(2).mean(-1, keepdim=True) + 1e-6) \
        * torch.from_numpy(s)
    close(ref.rms_norm(x, s, 1e-6), want.numpy())


@test("torch/embedding")
def _():
    need_torch()
    rng = rng_for("emb")
    table = rand(rng, 7, 4)
    idx = np.array([[0, 6, 3], [3, 3, 1]], dtype=np.int32)
    close(ref.embedding(idx, table), tr.torch_embedding(idx, table))


# --------------------------------------------------------------------------
# Attention
# --------------------------------------------------------------------------

def _attn_case(name, Bsz=2, Hq=4, Hkv=4, Lq=5, Lk=5, Dh=8, Dv=None,
               mask=None, **kw):
    @test("torch/attention/" + name)
    def fn():
        need_torch()
        rng = rng_for("attn", name)
        q = rand(rng, Bsz, Hq, Lq, Dh, scale=2.0)
        k = rand(rng, Bsz, Hkv, Lk, Dh, scale=2.0)
        v = rand(rng, Bsz, Hkv, Lk, Dv or Dh)
        m = None
        if mask == "additive":
            m = rand(rng, Bsz, 1, Lq, Lk, scale=3.0)
        elif mask == "additive-ninf":
            m = rand(rng, 1, 1, Lq, Lk, scale=3.0)
            m[0, 0, 1, :] = -np.inf
            m[0, 0, 2, 0] = -np.inf
        elif mask == "bool":
            m = rng.uniform(size=(Bsz, Hq, Lq, Lk)) > 0.4
            m[..., 0] = True
        elif mask == "bool-empty-row":
            m = rng.uniform(size=(Lq, Lk)) > 0.3
            m[2, :] = False
        got = ref.attention(q, k, v, m, **kw)
        raw = tr.torch_attention_raw(q, k, v, m, **kw)
        nan_rows = np.isnan(raw).any(axis=-1)
        close(got, np.nan_to_num(raw, nan=0.0))
        # torch gives NaN exactly where the reference gives a zero row
        assert (np.abs(got).sum(-1)[nan_rows] == 0).all()
        if "empty" in name or "ninf" in name:
            assert nan_rows.any(), "expected a fully masked row"
    return fn


_attn_case("mha")
_attn_case("gqa", Hq=6, Hkv=2, Dv=3)
_attn_case("mqa", Hq=4, Hkv=1)
_attn_case("causal-top_left-square", causal=True)
_attn_case("causal-top_left-Lq<Lk", Lq=3, Lk=6, causal=True)
_attn_case("causal-bottom_right-Lq<Lk", Lq=3, Lk=6, causal=True,
           causal_alignment="bottom_right")
_attn_case("causal-top_left-Lq>Lk", Lq=6, Lk=4, causal=True)
_attn_case("causal-bottom_right-Lq>Lk-empty-rows", Lq=6, Lk=4, causal=True,
           causal_alignment="bottom_right")
_attn_case("window-2-0", Lq=7, Lk=7, window=(2, 0))
_attn_case("window-causal-2", Lq=7, Lk=7, window=(2, -1), causal=True)
_attn_case("window-1-1", Lq=6, Lk=6, window=(1, 1))
_attn_case("window-bottom_right", Lq=3, Lk=7, window=(2, 0), causal=True,
           causal_alignment="bottom_right")
_attn_case("window-unbounded-left", Lq=5, Lk=5, window=(-1, 1))
_attn_case("additive-mask", mask="additive")
_attn_case("additive-mask-ninf-empty", mask="additive-ninf")
_attn_case("bool-mask", mask="bool")
_attn_case("bool-mask-empty-row", mask="bool-empty-row")
_attn_case("scale", scale=0.2)
_attn_case("gqa-causal-mask", Hq=4, Hkv=2, Lq=4, Lk=6, causal=True,
           causal_alignment="bottom_right", mask="additive", scale=0.5)


@test("prop/attention/mqa==repeated-kv")
def _():
    rng = rng_for("mqa-prop")
    q, k, v = rand(rng, 1, 3, 4, 2), rand(rng, 1, 1, 5, 2), rand(rng, 1, 1, 5, 3)
    a = ref.attention(q, k, v, causal=True, causal_alignment="bottom_right")
    b = ref.attention(q, np.repeat(k, 3, 1), np.repeat(v, 3, 1), causal=True,
                      causal_alignment="bottom_right")
    close(a, b, tol=0)


@test("prop/attention/allowed-matrix")
def _():
    A = ref.attention_allowed(2, 4, causal=True,
                              causal_alignment="bottom_right")
    assert A.tolist() == [[1, 1, 1, 0], [1, 1, 1, 1]], A
    A = ref.attention_allowed(2, 4, causal=True)
    assert A.tolist() == [[1, 0, 0, 0], [1, 1, 0, 0]], A
    A = ref.attention_allowed(4, 4, window=(1, 0))
    assert A.tolist() == [[1, 0, 0, 0], [1, 1, 0, 0], [0, 1, 1, 0],
                          [0, 0, 1, 1]], A


# --------------------------------------------------------------------------
# Conv1d
# --------------------------------------------------------------------------

def _conv_case(name, Cin=4, Cout=6, K=3, T=7, bias=True, **kw):
    @test("torch/conv1d/" + name)
    def fn():
        need_torch()
        rng = rng_for("conv", name)
        g = kw.get("groups", 1)
        x = rand(rng, 2, Cin, T)
        w = rand(rng, Cout, Cin // g, K)
        b = rand(rng, Cout) if bias else None
        close(ref.conv1d(x, w, b, **kw), tr.torch_conv1d(x, w, b, **kw))
    return fn


for _d in (1, 2, 4):
    _conv_case("dilation%d" % _d, T=12, dilation=_d, padding=_d)
    _conv_case("causal-dilation%d" % _d, T=9, dilation=_d, causal=True)
_conv_case("pad-asym", padding=(2, 1))
_conv_case("pad-asym-stride2", padding=(0, 3), stride=2)
_conv_case("stride2", stride=2)
_conv_case("stride3-dil2", T=12, stride=3, dilation=2, padding=1)
_conv_case("groups2", groups=2)
_conv_case("depthwise", Cin=4, Cout=4, groups=4, causal=True)
_conv_case("depthwise-mult2", Cin=3, Cout=6, groups=3, padding=1)
_conv_case("nobias", bias=False, padding=1)
_conv_case("k1", K=1)


@test("torch/conv1d/padding-same-matches-explicit")
def _():
    # torch's padding='same' puts the odd extra pad on the right
    need_torch()
    import torch.nn.functional as F
    rng = rng_for("same")
    x, w = rand(rng, 1, 2, 7), rand(rng, 3, 2, 4)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")   # even-kernel 'same' warns
        want = F.conv1d(torch.from_numpy(x), torch.from_numpy(w),
                        padding="same")
    close(ref.conv1d(x, w, padding=(1, 2)), want.numpy())


# --------------------------------------------------------------------------
# onnx.reference (onnx >= 1.13 only)
# --------------------------------------------------------------------------

def _onnx_ref_test(kind):
    @test("onnx.reference/%s" % kind)
    def fn():
        try:
            from onnx.reference import ReferenceEvaluator
            from onnx import helper, TensorProto
        except ImportError:
            raise Skip("onnx.reference not available (onnx < 1.13)")
        rng = rng_for("onnxref", kind)
        G = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
        T, Bsz, I, H = 4, 2, 3, 5
        X = rand(rng, T, Bsz, I).astype(np.float32)
        W = rand(rng, 1, G * H, I).astype(np.float32)
        R = rand(rng, 1, G * H, H).astype(np.float32)
        B = rand(rng, 1, 2 * G * H).astype(np.float32)
        op = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}[kind]
        node = helper.make_node(op, ["X", "W", "R", "B"], ["Y", "Y_h"],
                                hidden_size=H)
        graph = helper.make_graph(
            [node], "g",
            [helper.make_tensor_value_info(n, TensorProto.FLOAT, a.shape)
             for n, a in (("X", X), ("W", W), ("R", R), ("B", B))],
            [helper.make_tensor_value_info("Y", TensorProto.FLOAT, None),
             helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, None)])
        sess = ReferenceEvaluator(helper.make_model(graph))
        Y, Y_h = sess.run(None, {"X": X, "W": W, "R": R, "B": B})
        got = _call(kind, X, dict(W=W, R=R, B=B))
        close(got[0], Y, tol=1e-4)
        close(got[1], Y_h, tol=1e-4)
    return fn


for _k in ("rnn", "lstm", "gru"):
    _onnx_ref_test(_k)


# --------------------------------------------------------------------------
# onnx's own NumPy helpers from its backend test cases (onnx 1.12 ships them
# as onnx.backend.test.case.node.{rnn,lstm,gru}; forward, default
# activations only, no sequence_lens).  NB: for layout=1 these helpers
# return Y_h = Y[:, :, -1, :] (indexing the direction axis of [B,T,D,H]),
# i.e. a wrong [B,T,H] tensor, so only Y is compared for layout 1; they also
# take the batch size from X.shape[1] before the layout swap.
# --------------------------------------------------------------------------

def _onnx_helper(kind):
    try:
        if kind == "rnn":
            from onnx.backend.test.case.node.rnn import RNN_Helper as Hlp
        elif kind == "lstm":
            from onnx.backend.test.case.node.lstm import LSTM_Helper as Hlp
        else:
            from onnx.backend.test.case.node.gru import GRU_Helper as Hlp
    except ImportError:
        raise Skip("onnx backend test helpers not available")
    return Hlp


def _onnx_helper_test(kind, layout, **opt):
    name = "onnx-helper/%s/layout%d%s" % (
        kind, layout, "".join("/%s=%s" % kv for kv in sorted(opt.items())))

    @test(name)
    def fn():
        Hlp = _onnx_helper(kind)
        rng = rng_for(name)
        G = {"rnn": 1, "lstm": 4, "gru": 3}[kind]
        # layout=1: the helpers size their zero initial_h from X.shape[1]
        # before swapping axes (i.e. T instead of B), so use T == B there.
        T, Bsz, I, H = (3 if layout else 5), 3, 4, 6
        X = rand(rng, *((Bsz, T, I) if layout else (T, Bsz, I)), scale=1.5)
        W, R = rand(rng, 1, G * H, I), rand(rng, 1, G * H, H)
        Bv = rand(rng, 1, 2 * G * H)
        params = dict(X=X, W=W, R=R, B=Bv)
        kw = {}
        if layout == 0:
            params["initial_h"] = kw["initial_h"] = rand(rng, 1, Bsz, H)
            if kind == "lstm":
                params["initial_c"] = kw["initial_c"] = rand(rng, 1, Bsz, H)
        else:
            params["layout"] = kw["layout"] = 1
        if opt.get("peephole"):
            params["P"] = kw["P"] = rand(rng, 1, 3 * H)
        if "lbr" in opt:
            params["linear_before_reset"] = opt["lbr"]
            kw["linear_before_reset"] = bool(opt["lbr"])
        Y, Y_h = Hlp(**{k: (v.copy() if hasattr(v, "copy") else v)
                        for k, v in params.items()}).step()
        got = _call(kind, X, dict(W=W, R=R, B=Bv), **kw)
        close(got[0], Y, what="Y")
        if layout == 0:
            close(got[1], Y_h, what="Y_h")
    return fn


for _k in ("rnn", "lstm", "gru"):
    for _lay in (0, 1):
        if _k == "gru":
            _onnx_helper_test(_k, _lay, lbr=0)
            _onnx_helper_test(_k, _lay, lbr=1)
        else:
            _onnx_helper_test(_k, _lay)
_onnx_helper_test("lstm", 0, peephole=True)
_onnx_helper_test("lstm", 1, peephole=True)


# --------------------------------------------------------------------------
# Fixtures (if generated): NumPy reference must reproduce every expected file
# --------------------------------------------------------------------------

FIXTURES = os.path.join(os.path.dirname(HERE), "fixtures")


def _fixture_tests():
    if not os.path.isdir(FIXTURES):
        return
    sys.path.insert(0, FIXTURES)
    for case in sorted(os.listdir(FIXTURES)):
        d = os.path.join(FIXTURES, case)
        if not os.path.isfile(os.path.join(d, "case.json")):
            continue

        @test("fixture/" + case)
        def fn(d=d):
            import gen_fixtures
            with open(os.path.join(d, "case.json")) as fh:
                meta = json.load(fh)
            got = gen_fixtures.evaluate_case(d, meta)
            for name, fname in meta["outputs"].items():
                want = np.load(os.path.join(d, fname))
                assert want.dtype == np.float32, fname
                close(got[name], want, what=name)


_fixture_tests()


@test("fixture/regenerates-byte-identically")
def _():
    if not os.path.isdir(FIXTURES):
        raise Skip("no fixtures folder")
    need_torch()
    sys.path.insert(0, FIXTURES)
    import gen_fixtures
    bad = gen_fixtures.check()
    assert not bad, "fixtures differ from a fresh generation: %s" % bad


def main(argv):
    verbose = "-v" in argv
    pat = None
    if "-k" in argv:
        pat = argv[argv.index("-k") + 1]
    passed = failed = skipped = 0
    for name, fn in TESTS:
        if pat and pat not in name:
            continue
        try:
            fn()
        except Skip as e:
            skipped += 1
            if verbose:
                print("SKIP %s: %s" % (name, e))
        except Exception:
            failed += 1
            print("FAIL %s" % name)
            traceback.print_exc()
        else:
            passed += 1
            if verbose:
                print("ok   %s" % name)
    print("max abs error seen in passing comparisons: %.3g" % MAX_ERR[0])
    print("%d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
