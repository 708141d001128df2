#!/usr/bin/env python3
"""Compiles every examples/seq-models/<name>/<name>.seq with seqc
(--emit=shared), runs it with seq-run on the committed inputs and compares
each output with PyTorch's (expected_<output>.npy) to 1e-4 of the output's
scale. Needs numpy only.

    check_models.py --seqc build/bin/seqc --seq-run build/bin/seq-run \
        [--seqc-flag=--recurrence-chunk-steps=2 ...]
        [--seq-run-flag=--stream-chunk=7 ...] [--stream] [NAME...]

With --seq-run-flag=--stream-chunk=N a causal model runs through its step
api in chunks of N steps (seq-run joins the chunks' outputs), which must
give the full-sequence outputs. --stream-chunks=1,2,7 compiles each model
once and runs it in chunks of each size in turn. --stream checks each model
once in full and then, with the same library, every model of STREAMING in
chunks of 1, 2 and 7 steps with its own seq-run flags.
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))

# The causal models and the seq-run flags that stream them; streamed in
# chunks, their joined outputs must equal PyTorch's full-sequence outputs.
STREAMING = {
    "forecaster": [],
    # Initial states from the input h0: the first chunk starts from them,
    # as the full run does.
    "gru_stack": [],
    "linear_attention": [],
    "mamba": [],
    # The memory, controller state and head weightings start from the
    # learned initial values and carry over.
    "ntm": [],
    # Learned positions continue across chunks.
    "rms_pos": [],
    "rnn": [],
    # Token shifts and WKV states carry over.
    "rwkv": [],
    "stacked_lstm": [],
    "tcn": [],
    # The GPT block streams through its key/value cache (sequence dim L,
    # a cache of 16 steps): prefill, then decode.
    "gpt": ["--stream-dim=L", "--dim=capacity=16"],
    # ALiBi's distances count from the stream's start through the cache.
    "alibi": ["--stream-dim=L", "--dim=capacity=16"],
    # Sliding-window attention (3 steps) through a ring of 9 cached steps:
    # the 12-step sequence wraps around it (7 + 2 earlier steps fill the
    # ring exactly).
    "swa": ["--stream-dim=L", "--dim=capacity=9"],
    # GQA and RoPE through a key/value cache along T (batch-first, 16
    # steps): the rotary positions continue across chunks.
    "llama": ["--stream-dim=T", "--dim=capacity=16"],
    # GPT-2 (batch-first, fused Conv1D c_attn): learned positions and the
    # key/value cache continue across chunks.
    "gpt2": ["--stream-dim=T", "--dim=capacity=16"],
    # Sinusoidal positions continue across chunks.
    "sinusoidal": ["--stream-dim=T", "--dim=capacity=16"],
    # Partial rotary positions continue across chunks too.
    "gpt_neox": ["--stream-dim=T", "--dim=capacity=16"],
    "gpt_j": ["--stream-dim=T", "--dim=capacity=16"],
    "falcon": ["--stream-dim=T", "--dim=capacity=16"],
    # Multi-query attention: one cached key/value head for 4 query heads.
    "gpt_bigcode": ["--stream-dim=T", "--dim=capacity=16"],
    # Positions from an nn.Parameter table continue across chunks.
    "param_pos": ["--stream-dim=T"],
    # A decoder layer: the self-attention's key/value cache carries over;
    # the cross-attention reads all of `memory` (given whole) in every
    # chunk.
    "seq2seq": ["--stream-dim=T", "--dim=capacity=16"],
    # An encoder and a decoder layer: the encoder reads the source alone,
    # given whole to every chunk and encoded by the first.
    "translator": ["--stream-dim=T", "--dim=capacity=16"],
    # T5: the encoder over input_ids (given whole, encoded by the first
    # chunk); the decoder's relative position buckets count through its
    # cache.
    "t5": ["--stream-dim=T", "--dim=capacity=16"],
}
STREAM_CHUNKS = ["1", "2", "7"]


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
    parser.add_argument("--stream", action="store_true",
                        help="also stream each model of STREAMING in chunks "
                             "of 1, 2 and 7 steps (one compile per model)")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    names = args.names or sorted(
        d for d in os.listdir(HERE)
        if os.path.exists(os.path.join(HERE, d, d + ".seq")))
    unknown = [n for n in STREAMING
               if not os.path.exists(os.path.join(HERE, n, n + ".seq"))]
    if args.stream and unknown:
        print("STREAMING names no model: " + ", ".join(unknown))
        return 2
    chunks = [c for c in args.stream_chunks.split(",") if c]
    runs = [["--stream-chunk=" + c] for c in chunks] or [[]]
    failures = streamed = stream_failures = 0
    with tempfile.TemporaryDirectory() as work:
        def check_runs(name, lib, runs, label):
            """Checks `lib` with each seq-run flag list of `runs` in turn
            and prints one result line; True when all match."""
            problem = ""
            for run in runs:
                problem = check(name, lib, args.seq_run, work,
                                args.seq_run_flag + run)
                if problem:
                    problem = " ".join(run) + ": " + problem
                    break
            print(("FAIL " if problem else "ok   ") + label, flush=True)
            if problem:
                print("  " + problem.replace("\n", "\n  "), flush=True)
            return not problem

        for name in names:
            lib, problem = compile_model(name, args.seqc, work, args.seqc_flag)
            if not lib:
                print("FAIL " + name + "\n  " + problem.replace("\n", "\n  "),
                      flush=True)
                failures += 1
                continue
            if not check_runs(name, lib, runs, name):
                failures += 1
            if not (args.stream and name in STREAMING):
                continue
            streamed += 1
            stream_runs = [STREAMING[name] + ["--stream-chunk=" + c]
                           for c in STREAM_CHUNKS]
            if not check_runs(name, lib, stream_runs, name
                              + " streamed in chunks of "
                              + ", ".join(STREAM_CHUNKS)):
                stream_failures += 1
    print("%d of %d models match PyTorch" % (len(names) - failures, len(names)))
    if args.stream:
        print("%d of %d streamed models match PyTorch"
              % (streamed - stream_failures, streamed))
    return 1 if failures or stream_failures else 0


if __name__ == "__main__":
    sys.exit(main())
