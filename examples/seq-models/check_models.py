#!/usr/bin/env python3
"""Compiles every examples/seq-models/<name>/<name>.seq with seqc
(--emit=shared), runs it with seq-run on the committed inputs and compares
each output with PyTorch's (expected_<output>.npy) to 1e-4 of the output's
scale. Needs numpy only.

    check_models.py --seqc build/bin/seqc --seq-run build/bin/seq-run \
        [--seqc-flag=--recurrence-chunk-steps=2 ...]
        [--seq-run-flag=--stream-chunk=7 ...] [NAME...]

With --seq-run-flag=--stream-chunk=N a causal model runs through its step
api in chunks of N steps (seq-run joins the chunks' outputs), which must
give the full-sequence outputs. --stream-chunks=1,2,7 compiles each model
once and runs it in chunks of each size in turn.
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))


def compile_model(name, seqc, work, flags=()):
    """The model's shared library, or (None, the reason it failed)."""
    folder = os.path.join(HERE, name)
    lib = os.path.join(work, name + ".so")
    cmd = [seqc, os.path.join(folder, name + ".seq"), "--emit=shared",
           "-o", os.path.join(work, name)] + list(flags)
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return None, "seqc failed:\n" + r.stderr
    if not os.path.exists(lib):
        candidates = glob.glob(os.path.join(work, name + "*.so"))
        if not candidates:
            return None, "seqc wrote no shared library"
        lib = candidates[0]
    return lib, ""


def check(name, lib, seq_run, work, run_flags=()):
    """Runs `lib` on the model's inputs; "" when every output matches."""
    folder = os.path.join(HERE, name)
    # A fresh folder per run: an output a run failed to write must not be
    # found from an earlier run.
    out = tempfile.mkdtemp(prefix=name + "_out", dir=work)
    cmd = [seq_run, lib, "--output-dir", out] + list(run_flags)
    expected = sorted(glob.glob(os.path.join(folder, "expected_*.npy")))
    for npy in sorted(glob.glob(os.path.join(folder, "*.npy"))):
        if not os.path.basename(npy).startswith("expected_"):
            cmd += ["--input",
                    os.path.basename(npy)[:-4] + "=" + npy]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0:
        return "seq-run failed:\n" + r.stderr
    problems = []
    for exp_path in expected:
        output = os.path.basename(exp_path)[len("expected_"):-4]
        got_path = os.path.join(out, output + ".npy")
        if not os.path.exists(got_path):
            problems.append("no output " + output)
            continue
        exp, got = np.load(exp_path), np.load(got_path)
        if exp.shape != got.shape:
            problems.append("%s: shape %s, expected %s"
                            % (output, got.shape, exp.shape))
            continue
        scale = max(1.0, float(np.abs(exp).max()))
        err = float(np.abs(exp - got).max()) / scale
        if not err <= 1e-4:
            problems.append("%s: max error %.3g of scale %.3g"
                            % (output, err, scale))
    return "\n".join(problems)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seqc", required=True)
    parser.add_argument("--seq-run", required=True)
    parser.add_argument("--seqc-flag", action="append", default=[],
                        help="an extra seqc option (repeatable)")
    parser.add_argument("--seq-run-flag", action="append", default=[],
                        help="an extra seq-run option (repeatable)")
    parser.add_argument("--stream-chunks", default="",
                        help="comma-separated chunk sizes: run each model "
                             "once per size with --stream-chunk=N")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    names = args.names or sorted(
        d for d in os.listdir(HERE)
        if os.path.exists(os.path.join(HERE, d, d + ".seq")))
    chunks = [c for c in args.stream_chunks.split(",") if c]
    runs = [["--stream-chunk=" + c] for c in chunks] or [[]]
    failures = 0
    with tempfile.TemporaryDirectory() as work:
        for name in names:
            lib, problem = compile_model(name, args.seqc, work, args.seqc_flag)
            for run in runs if lib else []:
                problem = check(name, lib, args.seq_run, work,
                                args.seq_run_flag + run)
                if problem:
                    problem = " ".join(run) + ": " + problem
                    break
            print(("FAIL " if problem else "ok   ") + name, flush=True)
            if problem:
                print("  " + problem.replace("\n", "\n  "), flush=True)
                failures += 1
    print("%d of %d models match PyTorch" % (len(names) - failures, len(names)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
