#!/usr/bin/env python3
"""Random-configuration differential test (onnx-mlir's RapidCheck idea).

Each seed draws one random configuration of seq.rnn / seq.lstm / seq.gru /
seq.attention / seq.conv1d (directions, layouts, lengths including T = 0
and 1, recurrences split into chunks of 1-3 steps, batch 1-3, heads, GQA,
masks of every rank and dtype, causal alignments, windows, ALiBi slopes,
relative position biases, dilations, strides, groups, padding, sequence
lengths, initial states, peepholes, projections, clip...), random inputs,
and the expected outputs from the independent NumPy reference
(reference/seq_reference.py). The model is written, compiled and run
exactly as run_fixtures.py does for the committed fixtures, and every output
is compared to 1e-4 of its scale. A configuration the op cannot run (a
convolution input shorter than its receptive field) must fail with the
run-time shape error instead.

  random_configs.py --seqc build/bin/seqc --seq-run build/bin/seq-run \\
      [--seeds 0-39] [--seed N] [--keep DIR] [--tiles]

--tiles draws attention, conv1d and linear cases large enough for the
register tiles of seqc-lower-outer-product-contractions,
seqc-lower-dot-contractions and seqc-lower-packed-contractions (up to 40
queries and keys, 50 value columns, 16 output channels per group, 100
extra steps, 150 output features), each compiled for a CPU
level chosen by the seed (x86-64: 4 lanes, x86-64-v3: 8, native, and
x86-64-v4: 16 where the machine has AVX-512), so that whole tiles, single
rows, single vectors and masked tails are all crossed.

A failure prints its seed and configuration; `--seed N` reproduces it.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "reference"))
import run_fixtures  # noqa: E402  (the model writer and the comparison)
import seq_reference as ref  # noqa: E402

RECURRENT_GATES = {"rnn": 1, "lstm": 4, "gru": 3}


def randn(rng, *shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def recurrence_case(rng, op):
    direction = rng.choice(["forward", "reverse", "bidirectional"])
    D = 2 if direction == "bidirectional" else 1
    layout = int(rng.integers(0, 2))
    T, B = int(rng.choice([0, 1, 2, 3, 5, 9])), int(rng.integers(1, 4))
    I, H = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    G = RECURRENT_GATES[op]
    x = randn(rng, *((B, T, I) if layout else (T, B, I)), scale=1.0)
    inputs = {"X": x, "W": randn(rng, D, G * H, I)}
    attrs = {"hidden_size": H, "direction": str(direction), "layout": layout}
    P = H
    if op == "lstm" and rng.random() < 0.25 and H > 1:
        P = int(rng.integers(1, H))
        inputs["proj"] = randn(rng, D, P, H)
    inputs["R"] = randn(rng, D, G * H, P)
    if rng.random() < 0.6:
        inputs["B"] = randn(rng, D, 2 * G * H)
    state = (lambda n: (B, D, n)) if layout else (lambda n: (D, B, n))
    if rng.random() < 0.4:
        inputs["initial_h"] = randn(rng, *state(P))
    if op == "lstm" and rng.random() < 0.4:
        inputs["initial_c"] = randn(rng, *state(H))
    if op == "lstm" and rng.random() < 0.3:
        inputs["P"] = randn(rng, D, 3 * H)
    if rng.random() < 0.3:
        inputs["sequence_lens"] = rng.integers(0, T + 1, size=B).astype(np.int32)
    if rng.random() < 0.2:
        attrs["clip"] = float(rng.choice([0.5, 1.0, 3.0]))
    if op == "lstm" and rng.random() < 0.2:
        attrs["input_forget"] = 1
    if op == "gru":
        attrs["linear_before_reset"] = int(rng.integers(0, 2))

    kw = dict(B=inputs.get("B"), sequence_lens=inputs.get("sequence_lens"),
              initial_h=inputs.get("initial_h"), direction=attrs["direction"],
              clip=attrs.get("clip"), layout=layout)
    if op == "rnn":
        outs = ref.rnn(inputs["X"], inputs["W"], inputs["R"], **kw)
        names = ["Y", "Y_h"]
    elif op == "gru":
        outs = ref.gru(inputs["X"], inputs["W"], inputs["R"],
                       linear_before_reset=bool(attrs["linear_before_reset"]),
                       **kw)
        names = ["Y", "Y_h"]
    else:
        outs = ref.lstm(inputs["X"], inputs["W"], inputs["R"],
                        initial_c=inputs.get("initial_c"), P=inputs.get("P"),
                        proj=inputs.get("proj"),
                        input_forget=bool(attrs.get("input_forget")), **kw)
        names = ["Y", "Y_h", "Y_c"]
    return inputs, attrs, dict(zip(names, outs))


def attention_case(rng, tiles=False):
    B, Hkv = int(rng.integers(1, 3)), int(rng.integers(1, 3))
    Hq = Hkv * int(rng.integers(1, 3))
    if tiles:
        Lq, Lk = int(rng.integers(1, 41)), int(rng.integers(1, 41))
        Dh, Dv = int(rng.integers(1, 21)), int(rng.integers(1, 51))
    else:
        Lq, Lk = int(rng.integers(1, 6)), int(rng.integers(1, 7))
        Dh, Dv = int(rng.integers(1, 5)), int(rng.integers(1, 5))
    inputs = {"q": randn(rng, B, Hq, Lq, Dh, scale=1.0),
              "k": randn(rng, B, Hkv, Lk, Dh, scale=1.0),
              "v": randn(rng, B, Hkv, Lk, Dv, scale=1.0)}
    attrs = {}
    if rng.random() < 0.4:
        attrs["causal"] = True
        attrs["causal_alignment"] = str(rng.choice(["top_left", "bottom_right"]))
    if rng.random() < 0.25:
        attrs["window"] = [int(rng.integers(-1, 3)), int(rng.integers(0, 3))]
        if attrs["window"] == [-1, -1]:
            attrs["window"] = [1, 0]
    if rng.random() < 0.3:
        attrs["scale"] = float(rng.choice([0.25, 0.5, 2.0]))
    if rng.random() < 0.5:
        rank = int(rng.integers(2, 5))
        full = [B, Hq, Lq, Lk][4 - rank:]
        shape = [d if rng.random() < 0.6 else 1 for d in full]
        if rng.random() < 0.5:
            inputs["mask"] = rng.random(shape) < 0.7
        else:
            m = randn(rng, *shape)
            m[rng.random(shape) < 0.2] = -np.inf
            inputs["mask"] = m
    if rng.random() < 0.3:
        # ALiBi: slopes exact in f32 (powers of two, as for 8 heads).
        attrs["alibi_slopes"] = [float(2.0 ** -int(rng.integers(0, 9)))
                                 for _ in range(Hq)]
    if rng.random() < 0.3:
        # A bias per head and clipped distance (T5's buckets, tabulated).
        R = int(rng.integers(0, 4))
        inputs["relative_bias"] = randn(rng, Hq, 2 * R + 1, scale=1.0)
    out = ref.attention(inputs["q"], inputs["k"], inputs["v"],
                        mask=inputs.get("mask"),
                        causal=attrs.get("causal", False),
                        causal_alignment=attrs.get("causal_alignment",
                                                   "top_left"),
                        window=attrs.get("window"), scale=attrs.get("scale"),
                        alibi_slopes=attrs.get("alibi_slopes"),
                        relative_bias=inputs.get("relative_bias"))
    return inputs, attrs, {"out": out}


def linear_case(rng):
    """A linear layer with its weight compiled in (packed for the GEMM
    microkernel): 1-3 leading dims (empty ones too), N across several
    panels of 12, 24 and 64 columns with a partial last one, K from 0."""
    lead = [int(rng.integers(0 if rng.random() < 0.1 else 1, 14))
            for _ in range(int(rng.integers(1, 4)))]
    K, N = int(rng.integers(0, 70)), int(rng.integers(1, 150))
    inputs = {"x": randn(rng, *lead, K, scale=1.0),
              "w": randn(rng, N, K)}
    if rng.random() < 0.5:
        inputs["b"] = randn(rng, N)
    y = ref.linear(inputs["x"], inputs["w"], inputs.get("b"))
    return inputs, {"constant_weights": True}, {"y": y}


def conv1d_case(rng, tiles=False):
    groups = int(rng.integers(1, 3))
    per_in, per_out = (9, 17) if tiles else (3, 3)
    Cin = groups * int(rng.integers(1, per_in))
    Cout = groups * int(rng.integers(1, per_out))
    K, dilation = int(rng.integers(1, 4)), int(rng.integers(1, 4))
    stride = int(rng.integers(1, 3))
    causal = bool(rng.random() < 0.4)
    padding = [0, 0] if causal else [int(rng.integers(0, 3))] * 2
    span = dilation * (K - 1) + 1
    pad = (span - 1) if causal else sum(padding)
    # Mostly long enough; sometimes one step short of the receptive field.
    shortest = max(span - pad, 1)
    too_short = span - pad > 1 and rng.random() < 0.15
    T = shortest - 1 if too_short else shortest + int(
        rng.integers(0, 101 if tiles else 5))
    B = int(rng.integers(1, 3))
    inputs = {"x": randn(rng, B, Cin, T, scale=1.0),
              "w": randn(rng, Cout, Cin // groups, K)}
    if rng.random() < 0.5:
        inputs["b"] = randn(rng, Cout)
    attrs = {"stride": stride, "dilation": dilation, "groups": groups,
             "causal": causal, "padding": padding}
    if too_short:
        out_len = 1  # the signature's static dims; the run must fail
        return inputs, attrs, {"y": np.zeros((B, Cout, out_len))}, True
    y = ref.conv1d(inputs["x"], inputs["w"], inputs.get("b"), stride=stride,
                   dilation=dilation, groups=groups, padding=padding,
                   causal=causal)
    return inputs, attrs, {"y": y}, False


def make_case(seed, tiles=False):
    rng = np.random.default_rng(seed)
    op = str(rng.choice(["attention", "conv1d", "linear"] if tiles else
                        ["rnn", "lstm", "gru", "attention", "conv1d"]))
    expect_error = False
    if op in RECURRENT_GATES:
        inputs, attrs, outs = recurrence_case(rng, op)
    elif op == "attention":
        inputs, attrs, outs = attention_case(rng, tiles)
    elif op == "linear":
        inputs, attrs, outs = linear_case(rng)
    else:
        inputs, attrs, outs, expect_error = conv1d_case(rng, tiles)
    return op, inputs, attrs, outs, expect_error


def cpu_levels():
    """The --mcpu values this machine can run, narrowest vectors first."""
    levels = ["x86-64", "x86-64-v3", "native"]
    try:
        with open("/proc/cpuinfo") as f:
            if "avx512f" in f.read():
                levels.append("x86-64-v4")
    except OSError:
        pass
    return levels


def describe(op, inputs, attrs):
    shapes = ", ".join("%s%s" % (k, list(v.shape)) for k, v in inputs.items())
    return "%s %s %s" % (op, json.dumps(attrs, sort_keys=True), shapes)


def compile_flags(seed, op, tiles=False):
    """Recurrences run in chunks of a few steps as often as in one chunk, so
    that chunk boundaries (partial last chunks, reverse chunk order, lengths
    ending inside a chunk) are crossed; attention runs in tiles of a few
    rows as often as in the default ones. With --tiles, the CPU level. A
    separate generator: the case itself does not depend on it."""
    flags = []
    if op == "attention":
        # Attention tiles of a few rows and keys (then several tiles per
        # query row, partial last tiles, tiles wholly outside the causal
        # diagonal or the window), 32 (several tiles for the longest
        # --tiles cases), the default (64), and 0: the materialized
        # reference lowering.
        tile = int(np.random.default_rng([seed, 2]).choice(
            [0, 1, 3, 8, 32, 64]))
        flags.append("--attention-tile=%d" % tile)
    if tiles:
        levels = cpu_levels()
        return flags + ["--mcpu=" + levels[seed % len(levels)]]
    # One version, not the default's one per x86-64 level (three times the
    # compile time; test/seqc/cpu-dispatch.test checks the default).
    flags.append("--mcpu=x86-64")
    if op not in RECURRENT_GATES:
        return flags
    chunk = int(np.random.default_rng([seed, 1]).choice([1, 2, 3, 64]))
    return ["--recurrence-chunk-steps=%d" % chunk, "--mcpu=x86-64"]


def run_seed(seed, args, work):
    op, inputs, attrs, outs, expect_error = make_case(seed, args.tiles)
    case_dir = os.path.join(work, "seed%d" % seed)
    os.makedirs(case_dir, exist_ok=True)
    case = {"op": op, "attributes": attrs, "inputs": {}, "outputs": {},
            "shapes": {}}
    for name, array in inputs.items():
        np.save(os.path.join(case_dir, name + ".npy"), array)
        case["inputs"][name] = name + ".npy"
    for name, array in outs.items():
        np.save(os.path.join(case_dir, "expected_" + name + ".npy"),
                np.asarray(array, dtype=np.float64))
        case["outputs"][name] = "expected_" + name + ".npy"
        case["shapes"][name] = list(np.shape(array))
    model_path = os.path.join(case_dir, "model.mlir")
    with open(model_path, "w") as f:
        f.write(run_fixtures.build_model(case, inputs))
    base = os.path.join(case_dir, "model")
    compiled = subprocess.run([args.seqc, model_path, "--emit=shared", "-o",
                               base] + compile_flags(seed, op, args.tiles),
                              capture_output=True, text=True)
    if compiled.returncode != 0:
        return ["seqc failed:\n" + compiled.stderr.strip()]
    out_dir = os.path.join(case_dir, "out")
    command = [args.seq_run, base + ".so", "--output-dir", out_dir]
    for name in inputs:
        if name == "w" and attrs.get("constant_weights"):
            continue
        command += ["--input", "%s=%s" % (name, os.path.join(case_dir,
                                                             name + ".npy"))]
    ran = subprocess.run(command, capture_output=True, text=True)
    if expect_error:
        if ran.returncode != 0 and "receptive field" in ran.stderr:
            return []
        return ["expected the receptive-field error, got rc %d: %s" %
                (ran.returncode, ran.stderr.strip())]
    if ran.returncode != 0:
        return ["seq-run failed:\n" + ran.stderr.strip()]
    return run_fixtures.check(case_dir, case, out_dir)


def parse_seeds(text):
    lo, _, hi = text.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seqc", required=True)
    parser.add_argument("--seq-run", required=True)
    parser.add_argument("--seeds", default="0-39",
                        help="inclusive range, e.g. 0-999")
    parser.add_argument("--seed", type=int, help="run this one seed")
    parser.add_argument("--keep", help="keep the generated files here")
    parser.add_argument("--tiles", action="store_true",
                        help="attention and conv1d sizes that cross the "
                        "register tiles, at every CPU level")
    args = parser.parse_args()
    seeds = [args.seed] if args.seed is not None else parse_seeds(args.seeds)
    work = args.keep or tempfile.mkdtemp(prefix="seqc-random-")
    passed = failed = 0
    start = time.time()
    for seed in seeds:
        failures = run_seed(seed, args, work)
        if failures:
            failed += 1
            op, inputs, attrs, _, _ = make_case(seed, args.tiles)
            print("FAIL seed %d: %s %s" % (
                seed, describe(op, inputs, attrs),
                " ".join(compile_flags(seed, op, args.tiles))))
            for f in failures:
                print("    " + f.replace("\n", "\n    "))
            print("    reproduce: %s --seqc %s --seq-run %s --seed %d%s" %
                  (sys.argv[0], args.seqc, args.seq_run, seed,
                   " --tiles" if args.tiles else ""))
        else:
            passed += 1
        if not args.keep:
            shutil.rmtree(os.path.join(work, "seed%d" % seed),
                          ignore_errors=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print("random configurations: %d in %.0f s" % (passed + failed,
                                                   time.time() - start))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
