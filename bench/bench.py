#!/usr/bin/python3
"""Side-by-side latency of seqc and PyTorch on the same sequence models.

For each configuration this builds the model in PyTorch (fixed seed), writes
the equivalent seq-dialect model with the same weights embedded, compiles it
with seqc (--mcpu=native), checks both produce the same output, then times
seq-run --bench against PyTorch (eager, torch.no_grad, 1 and 2 threads) on the
same input, and prints a table with ratios (PyTorch time / seqc time: > 1
means seqc is faster).

Needs Debian's python3-torch (a benchmark tool, not a build or test
dependency). ONNX Runtime, IREE and onnx-mlir are not packaged for Debian 12;
oneDNN is (libdnnl-dev) but has no driver here yet. All are listed as not
measured.

  bench/bench.py [--seqc build/bin/seqc] [--seq-run build/bin/seq-run]
                 [--runs 50] [--filter lstm]
"""

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)


def dense(array):
    """An MLIR dense attribute with the array's float32 bytes in hex."""
    data = np.ascontiguousarray(array, dtype=np.float32)
    return 'dense<"0x%s">' % data.tobytes().hex().upper()


def tensor_type(shape):
    return "tensor<" + "x".join([str(s) for s in shape] + ["f32"]) + ">"


def lstm_model(module, input_size, hidden):
    """seq.lstm with the module's weights (gates reordered i,f,g,o -> i,o,f,c)."""
    def reorder(w):
        i, f, g, o = np.split(w, 4, axis=0)
        return np.concatenate([i, o, f, g], axis=0)
    w = reorder(module.weight_ih_l0.detach().numpy())[None]
    r = reorder(module.weight_hh_l0.detach().numpy())[None]
    b = np.concatenate([reorder(module.bias_ih_l0.detach().numpy()),
                        reorder(module.bias_hh_l0.detach().numpy())])[None]
    out = "tensor<?x1x?x%dxf32>" % hidden
    state = "tensor<1x?x%dxf32>" % hidden
    return f"""func.func @model(%x: tensor<?x?x{input_size}xf32> {{seq.name = "x", seq.dims = ["T", "B", ""]}})
    -> ({out} {{seq.name = "y", seq.dims = ["T", "", "B", ""]}}) {{
  %w = arith.constant {dense(w)} : {tensor_type(w.shape)}
  %r = arith.constant {dense(r)} : {tensor_type(r.shape)}
  %b = arith.constant {dense(b)} : {tensor_type(b.shape)}
  %y, %h, %c = seq.lstm %x, %w, %r bias(%b) {{hidden_size = {hidden} : i64}}
    : (tensor<?x?x{input_size}xf32>, {tensor_type(w.shape)}, {tensor_type(r.shape)}, {tensor_type(b.shape)})
    -> ({out}, {state}, {state})
  return %y : {out}
}}
"""


def gru_model(module, input_size, hidden):
    """seq.gru (linear_before_reset, PyTorch's form; gates r,z,n -> z,r,h)."""
    def reorder(w):
        r, z, n = np.split(w, 3, axis=0)
        return np.concatenate([z, r, n], axis=0)
    w = reorder(module.weight_ih_l0.detach().numpy())[None]
    r = reorder(module.weight_hh_l0.detach().numpy())[None]
    b = np.concatenate([reorder(module.bias_ih_l0.detach().numpy()),
                        reorder(module.bias_hh_l0.detach().numpy())])[None]
    out = "tensor<?x1x?x%dxf32>" % hidden
    state = "tensor<1x?x%dxf32>" % hidden
    return f"""func.func @model(%x: tensor<?x?x{input_size}xf32> {{seq.name = "x", seq.dims = ["T", "B", ""]}})
    -> ({out} {{seq.name = "y", seq.dims = ["T", "", "B", ""]}}) {{
  %w = arith.constant {dense(w)} : {tensor_type(w.shape)}
  %r = arith.constant {dense(r)} : {tensor_type(r.shape)}
  %b = arith.constant {dense(b)} : {tensor_type(b.shape)}
  %y, %h = seq.gru %x, %w, %r bias(%b) {{hidden_size = {hidden} : i64, linear_before_reset}}
    : (tensor<?x?x{input_size}xf32>, {tensor_type(w.shape)}, {tensor_type(r.shape)}, {tensor_type(b.shape)})
    -> ({out}, {state})
  return %y : {out}
}}
"""


CONFIGS = [
    # name, kind, T, B, input, hidden
    ("lstm_T100_B1_H64", "lstm", 100, 1, 32, 64),
    ("lstm_T100_B8_H256", "lstm", 100, 8, 128, 256),
    ("gru_T100_B1_H64", "gru", 100, 1, 32, 64),
    ("gru_T100_B8_H256", "gru", 100, 8, 128, 256),
]


def time_torch(module, x, runs, threads):
    torch.set_num_threads(threads)
    with torch.no_grad():
        for _ in range(5):
            module(x)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            module(x)
            samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seqc", default=os.path.join(ROOT, "build/bin/seqc"))
    parser.add_argument("--seq-run",
                        default=os.path.join(ROOT, "build/bin/seq-run"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--filter", default="")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="seqc-bench-")
    print("not measured: ONNX Runtime, IREE, onnx-mlir (not packaged for "
          "Debian 12); oneDNN (libdnnl-dev, no driver here yet)")
    print("%-20s %10s %10s %10s %8s %8s" % (
        "model", "seqc ms", "torch1 ms", "torch2 ms", "t1/seqc", "t2/seqc"))
    for name, kind, t, b, i, h in CONFIGS:
        if args.filter not in name:
            continue
        torch.manual_seed(0)
        cls = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
        module = cls(i, h).eval()
        text = (lstm_model if kind == "lstm" else gru_model)(module, i, h)
        model = os.path.join(work, name + ".mlir")
        with open(model, "w") as f:
            f.write(text)
        base = os.path.join(work, name)
        subprocess.run([args.seqc, model, "--emit=shared", "--mcpu=native",
                        "-o", base], check=True)
        x = torch.randn(t, b, i)
        np.save(base + "_x.npy", x.numpy())
        out_dir = base + "_out"
        run = subprocess.run(
            [args.seq_run, base + ".so", "--input", "x=%s_x.npy" % base,
             "--output-dir", out_dir, "--bench", str(args.runs)],
            check=True, capture_output=True, text=True)
        median = float(re.search(r"median ([0-9.]+)", run.stdout).group(1))
        with torch.no_grad():
            expected = module(x)[0].numpy()
        got = np.load(os.path.join(out_dir, "y.npy"))[:, 0]
        err = float(np.max(np.abs(got - expected)))
        if err > 1e-4 * max(1.0, float(np.max(np.abs(expected)))):
            print("%s: seqc and PyTorch disagree by %.3g" % (name, err))
            return 1
        t1 = time_torch(module, x, args.runs, 1)
        t2 = time_torch(module, x, args.runs, 2)
        print("%-20s %10.3f %10.3f %10.3f %8.2f %8.2f" % (
            name, median, t1, t2, t1 / median, t2 / median))
    return 0


if __name__ == "__main__":
    sys.exit(main())
