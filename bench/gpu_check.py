#!/usr/bin/python3
"""The checks of `seqc --target=cuda` on a machine with an NVIDIA GPU.

Two steps, so that the GPU machine needs neither LLVM/MLIR nor seqc:

  prepare (here, where seqc and PyTorch are):
    bench/gpu_check.py prepare --seqc build/bin/seqc --out gpu-check
        [--mcpu sm_90]
  compiles every end-to-end numeric case of examples/seq-models and the
  benchmark workloads W1 (LSTM B1 T256 I128 H256), W3 (PyTorch GRU B1 T256
  I128 H256), W6 (causal MHA d512 T512, ONNX) and W7 (post-norm encoder
  layer d256 T256, ONNX) twice, for the GPU (--target=cuda) and the CPU
  (--mcpu=x86-64-v3), with their inputs, PyTorch's outputs (expected_*.npy)
  and the seq-run flags that stream it on the CPU (a model with a step
  api); copies build/bin/seq-run (which links only seqc's runtime) into OUT.

  run (on the GPU machine, from OUT, in a checkout of this repository):
    python3 gpu-check/gpu_check.py run --dir gpu-check [--runs 30]
        [--jobs N] [--bench-dir bench]
  runs each case with seq-run on the GPU and on the CPU, and streamed on
  the GPU in chunks of 3 steps, compares the GPU's outputs with PyTorch's
  and with the CPU's (max error over the output's scale, max(1,
  max|expected|)), times the workloads (seq-run --bench, median ms)
  against PyTorch CUDA (cuDNN RNN; nn.MultiheadAttention and
  nn.TransformerEncoderLayer, built there from bench.py) when torch with
  CUDA is importable there, and writes the table to OUT/results.md and
  every failure's full message to OUT/failures.log. Needs only Python 3
  (no NumPy); torch is optional (its columns say "-" without it).
"""

import argparse
import array
import ast
import concurrent.futures
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
TOLERANCE = 1e-4
STREAM_CHUNK = 3


# ---------------------------------------------------------------- prepare --

def compile_both(seqc, model, folder, chip, extra=()):
    """cuda.so and cpu.so of `model` in `folder`; "" or why it failed."""
    for target, flags in (("cuda", ["--target=cuda", "--mcpu=" + chip]),
                          ("cpu", ["--mcpu=x86-64-v3"])):
        r = subprocess.run([seqc, model, "--emit=shared", "-o",
                            os.path.join(folder, target)] + flags +
                           list(extra), capture_output=True, text=True)
        if r.returncode != 0:
            return "%s: %s" % (target, r.stderr.strip())
    return ""


def stream_flags(args, model, folder):
    """The seq-run flags that stream `model` on the CPU, or None.

    None where the model has no step api (its header says so). The time
    dimension is seq-run's default (the one the step api's signature
    names, else T), else the first of L, S with which the CPU library
    streams; a KV-cache model's capacity is bound to 32 steps (every case
    is shorter)."""
    header = subprocess.run([args.seqc, model, "--emit=header", "-o", "-"],
                            capture_output=True, text=True).stdout
    if "_step_api" not in header:
        return None
    cache = ["--dim", "capacity=32"] if "capacity" in header else []
    for dim in (None, "L", "S"):
        flags = ["--stream-chunk", str(STREAM_CHUNK)] + (
            ["--stream-dim", dim] if dim else []) + cache
        if run_model(args.seq_run, os.path.join(folder, "cpu.so"), folder,
                     os.path.join(folder, "out_stream"),
                     flags).returncode == 0:
            shutil.rmtree(os.path.join(folder, "out_stream"))
            return flags
    return []  # a step api that seq-run could not stream: a failure


def prepare_cases(args, manifest):
    models = os.path.join(ROOT, "examples", "seq-models")
    for folder in sorted(glob.glob(os.path.join(models, "*", ""))):
        name = os.path.basename(os.path.dirname(folder))
        seq = os.path.join(folder, name + ".seq")
        if not os.path.exists(seq) or args.filter not in name:
            continue
        out = os.path.join(args.out, "cases", name)
        os.makedirs(out, exist_ok=True)
        why = compile_both(args.seqc, seq, out, args.mcpu)
        for npy in glob.glob(os.path.join(folder, "*.npy")):
            shutil.copy(npy, out)
        manifest["cases"].append({
            "name": name, "compile_error": why,
            "stream": None if why else stream_flags(args, seq, out)})
        print("case %-16s %s" % (name, why or "compiled"))


def prepare_workloads(args, manifest):
    sys.path.insert(0, HERE)
    import numpy as np
    import torch
    import bench  # the workloads' definitions

    def save(name, peer, x, model_path, expected):
        out = os.path.join(args.out, "workloads", name)
        os.makedirs(out, exist_ok=True)
        np.save(os.path.join(out, "x.npy"), x.numpy())
        np.save(os.path.join(out, "expected_y.npy"), expected)
        why = compile_both(args.seqc, model_path, out, args.mcpu)
        manifest["workloads"].append({
            "name": name, "compile_error": why, "peer": peer,
            "stream": None if why else stream_flags(args, model_path, out)})
        print("workload %-22s %s" % (name, why or "compiled"))

    work = os.path.join(args.out, "sources")
    os.makedirs(work, exist_ok=True)
    for name, kind, t, b, i, h in (("W1_lstm_B1_T256_H256", "lstm", 256, 1,
                                    128, 256),
                                   ("W3_gru_B1_T256_H256", "gru", 256, 1,
                                    128, 256)):
        if args.filter not in name:
            continue
        torch.manual_seed(0)
        cls = torch.nn.LSTM if kind == "lstm" else torch.nn.GRU
        module = cls(i, h).eval()
        path = os.path.join(work, name + ".mlir")
        with open(path, "w") as f:
            f.write(bench.recurrent_model(kind, module, i, h))
        x = torch.randn(t, b, i)
        with torch.no_grad():
            # seqc's y is [T, 1, B, H] (ONNX layout); PyTorch's [T, B, H].
            expected = module(x)[0].numpy()[:, None]

        save(name, [kind, i, h], x, path, expected)
    for name, factory, shape in bench.ONNX_CONFIGS:
        if not name.startswith(("W6", "W7")) or args.filter not in name:
            continue
        torch.manual_seed(0)
        module = factory().eval()
        x = torch.randn(*shape)
        path = os.path.join(work, name + ".onnx")
        torch.onnx.export(module, (x,), path, input_names=["x"],
                          output_names=["y"], opset_version=14)
        with torch.no_grad():
            expected = module(x).numpy()
        save(name, ["bench", name], x, path, expected)


def prepare(args):
    os.makedirs(args.out, exist_ok=True)
    manifest = {"chip": args.mcpu, "cases": [], "workloads": []}
    prepare_cases(args, manifest)
    prepare_workloads(args, manifest)
    shutil.copy(args.seq_run, os.path.join(args.out, "seq-run"))
    shutil.copy(os.path.abspath(__file__), args.out)
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    return 0


# -------------------------------------------------------------------- run --

NPY_TYPES = {"<f4": "f", "<f8": "d", "<i4": "i", "<i8": "q", "|b1": "B",
             "|u1": "B", "<f2": "H", "|i1": "b"}


def read_npy(path):
    """(shape, flat list of values) of a little-endian, C-order .npy file."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:6] != b"\x93NUMPY":
        raise ValueError("%s is not a .npy file" % path)
    major = data[6]
    length_bytes = 2 if major == 1 else 4
    length = int.from_bytes(data[8:8 + length_bytes], "little")
    start = 8 + length_bytes
    header = ast.literal_eval(data[start:start + length].decode("latin1"))
    if header["fortran_order"] or header["descr"] not in NPY_TYPES:
        raise ValueError("%s: unsupported layout %s" % (path, header))
    values = array.array(NPY_TYPES[header["descr"]])
    values.frombytes(data[start + length:])
    return tuple(header["shape"]), values


def relative_error(expected_path, got_path):
    """max |expected - got| / max(1, max |expected|), or a message."""
    if not os.path.exists(got_path):
        return "no output"
    (es, ev), (gs, gv) = read_npy(expected_path), read_npy(got_path)
    if es != gs:
        return "shape %s, expected %s" % (gs, es)
    scale = max([1.0] + [abs(v) for v in ev])
    worst = max([0.0] + [abs(a - b) for a, b in zip(ev, gv)])
    return worst / scale


def run_model(seq_run, library, folder, out, extra=(), timeout=120):
    """seq-run's CompletedProcess; a run past `timeout` s fails (rc 124)."""
    cmd = [seq_run, library, "--output-dir", out] + list(extra)
    for npy in sorted(glob.glob(os.path.join(folder, "*.npy"))):
        base = os.path.basename(npy)
        if not base.startswith("expected_"):
            cmd += ["--input", base[:-4] + "=" + npy]
    try:
        return subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(
            cmd, 124, "", "timed out after %d s: %s" % (timeout,
                                                         " ".join(cmd)))


def compare(folder, gpu_out, cpu_out):
    """(worst error against PyTorch, worst GPU-vs-CPU error, problems)."""
    problems, torch_err, cpu_err = [], 0.0, 0.0
    for expected in sorted(glob.glob(os.path.join(folder, "expected_*.npy"))):
        name = os.path.basename(expected)
        got = os.path.join(gpu_out, name[len("expected_"):])
        err = relative_error(expected, got)
        if isinstance(err, str):
            problems.append("%s: %s" % (name, err))
            continue
        torch_err = max(torch_err, err)
        cpu = os.path.join(cpu_out or "", name[len("expected_"):])
        if cpu_out and os.path.exists(cpu):
            err = relative_error(cpu, got)
            cpu_err = max(cpu_err, err if not isinstance(err, str) else 1e9)
    return torch_err, cpu_err, problems


def peer_module(spec, bench_dir):
    """The PyTorch module a workload is timed against, built here (its
    weights are random: only its time is used): ["lstm" | "gru", I, H] or
    ["bench", NAME] (bench.py's ONNX_CONFIGS entry NAME)."""
    import torch
    if spec[0] in ("lstm", "gru"):
        cls = torch.nn.LSTM if spec[0] == "lstm" else torch.nn.GRU
        rnn = cls(spec[1], spec[2])

        class Output(torch.nn.Module):
            def __init__(self):
                super().__init__()
                self.rnn = rnn

            def forward(self, x):
                return self.rnn(x)[0]
        return Output()
    sys.path.insert(0, bench_dir)
    import bench
    return {n: f for n, f, _ in bench.ONNX_CONFIGS}[spec[1]]()


def torch_cuda_ms(folder, spec, bench_dir, runs):
    """PyTorch CUDA's median ms on the workload, or None without it."""
    try:
        import torch
        if not torch.cuda.is_available():
            return None
    except ImportError:
        return None
    module = peer_module(spec, bench_dir).cuda().eval()
    shape, _ = read_npy(os.path.join(folder, "x.npy"))
    x = torch.randn(*shape, device="cuda")
    times = []
    with torch.no_grad():
        for i in range(runs + 5):
            torch.cuda.synchronize()
            start = time.perf_counter()
            module(x)
            torch.cuda.synchronize()
            if i >= 5:
                times.append((time.perf_counter() - start) * 1e3)
    return sorted(times)[len(times) // 2]


def run(args):
    folder = os.path.abspath(args.dir)
    seq_run = os.path.join(folder, "seq-run")
    with open(os.path.join(folder, "manifest.json")) as f:
        manifest = json.load(f)
    device = "unknown GPU"
    try:
        device = subprocess.run(
            ["nvidia-smi", "--query-gpu=name,driver_version",
             "--format=csv,noheader"],
            capture_output=True, text=True).stdout.strip() or device
    except OSError:
        pass
    lines = ["# seqc --target=cuda on %s (PTX for %s)" % (device,
                                                          manifest["chip"]),
             "", "| case | GPU vs PyTorch | GPU vs CPU | streamed on the "
             "GPU (chunks of %d) | status |" % STREAM_CHUNK,
             "|---|---|---|---|---|"]
    # The full messages of what failed, written as they come so that a run
    # stopped at its time limit still leaves them.
    log_file = open(os.path.join(folder, "failures.log"), "w")
    log_lock = threading.Lock()

    def note(message):
        with log_lock:
            log_file.write(message + "\n\n")
            log_file.flush()

    def check(kind, entry):
        """(row, failed) of one case or workload."""
        where = os.path.join(folder, kind, entry["name"])
        if entry["compile_error"]:
            note("%s: seqc: %s" % (entry["name"], entry["compile_error"]))
            return ("-", "-", "-", "seqc failed: " +
                    entry["compile_error"][:120]), True
        gpu = run_model(seq_run, os.path.join(where, "cuda.so"), where,
                        os.path.join(where, "out_gpu"))
        cpu = run_model(seq_run, os.path.join(where, "cpu.so"), where,
                        os.path.join(where, "out_cpu"))
        if gpu.returncode != 0:
            note("%s: GPU run (rc %d): %s" % (entry["name"],
                                                    gpu.returncode,
                                                    gpu.stderr.strip()))
            return ("-", "-", "-", "GPU run failed: " +
                    gpu.stderr.strip()[:160]), True
        torch_err, cpu_err, problems = compare(
            where, os.path.join(where, "out_gpu"), os.path.join(where,
                                                                "out_cpu"))
        ok = not problems and torch_err <= TOLERANCE
        status = "ok" if ok else "MISMATCH " + "; ".join(problems)
        if cpu.returncode != 0:
            status += " (CPU run failed)"
            note("%s: CPU run: %s" % (entry["name"], cpu.stderr.strip()))
        if entry["stream"] is None:
            return ("%.2g" % torch_err, "%.2g" % cpu_err, "no step api",
                    status), not ok
        if not entry["stream"]:
            return ("%.2g" % torch_err, "%.2g" % cpu_err,
                    "the CPU library did not stream either", status), True
        streamed = run_model(seq_run, os.path.join(where, "cuda.so"), where,
                             os.path.join(where, "out_stream"),
                             entry["stream"])
        if streamed.returncode == 0:
            s_err, _, s_problems = compare(
                where, os.path.join(where, "out_stream"), None)
            s_ok = not s_problems and s_err <= TOLERANCE
            stream = "%.2g" % s_err if s_ok else "MISMATCH %.2g %s" % (
                s_err, "; ".join(s_problems))
            ok = ok and s_ok
        else:
            ok = False
            stream = "failed: " + streamed.stderr.strip()[:100]
            note("%s: streamed GPU run (rc %d): %s" % (
                entry["name"], streamed.returncode, streamed.stderr.strip()))
        return ("%.2g" % torch_err, "%.2g" % cpu_err, stream, status), not ok

    def guarded(check, kind, entry):
        # One case's surprise (an unreadable output, say) fails that case
        # and keeps the rest of the table.
        try:
            row, failed = check(kind, entry)
        except Exception as e:  # noqa: BLE001 -- reported, not hidden
            note("%s: the check itself failed: %r" % (entry["name"], e))
            row, failed = ("-", "-", "-", "check failed: %r" % e), True
        print("checked %s: %s" % (entry["name"], " | ".join(row)), flush=True)
        return row, failed

    entries = [("cases", e) for e in manifest["cases"]] + [
        ("workloads", e) for e in manifest["workloads"]]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda ke: guarded(check, *ke), entries))
    failures = 0
    for (kind, entry), (row, failed) in zip(entries, results):
        failures += failed
        lines.append("| %s | %s |" % (entry["name"], " | ".join(row)))

    lines += ["", "| workload | seqc GPU ms | seqc CPU ms (1 thread) | "
              "PyTorch CUDA ms | PyTorch / seqc |", "|---|---|---|---|---|"]
    for entry in manifest["workloads"]:
        where = os.path.join(folder, "workloads", entry["name"])
        times = []
        for lib in ("cuda.so", "cpu.so"):
            r = run_model(seq_run, os.path.join(where, lib), where,
                          os.path.join(where, "out_bench"),
                          ["--bench", str(args.runs)], timeout=300)
            m = re.search(r"median ([0-9.]+)", r.stdout)
            times.append(float(m.group(1)) if m else None)
        try:
            peer = torch_cuda_ms(where, entry["peer"], args.bench_dir,
                                 args.runs)
        except Exception as e:  # noqa: BLE001 -- reported, not hidden
            note("%s: PyTorch CUDA peer failed: %r" % (entry["name"],
                                                            e))
            peer = None
        fmt = lambda v: "%.3f" % v if v is not None else "-"
        ratio = ("%.2f" % (peer / times[0]) if peer and times[0] else "-")
        lines.append("| %s | %s | %s | %s | %s |" % (
            entry["name"], fmt(times[0]), fmt(times[1]), fmt(peer), ratio))
        print(lines[-1], flush=True)
    with open(os.path.join(folder, "results.md"), "w") as f:
        f.write("\n".join(lines) + "\n")
    log_file.close()
    print("%d failed" % failures)
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="step", required=True)
    p = sub.add_parser("prepare")
    p.add_argument("--seqc", default=os.path.join(ROOT, "build/bin/seqc"))
    p.add_argument("--seq-run",
                   default=os.path.join(ROOT, "build/bin/seq-run"))
    p.add_argument("--out", required=True)
    p.add_argument("--mcpu", default="sm_80")
    p.add_argument("--filter", default="",
                   help="only the cases and workloads whose name has this")
    r = sub.add_parser("run")
    r.add_argument("--dir", default=HERE)
    r.add_argument("--runs", type=int, default=30)
    r.add_argument("--bench-dir", default=os.path.join(ROOT, "bench"),
                   help="the folder of bench.py, whose modules are the "
                   "PyTorch CUDA peers (a checkout's bench/)")
    r.add_argument("--jobs", type=int, default=max(1, os.cpu_count() // 2),
                   help="cases checked at once")
    args = parser.parse_args()
    return prepare(args) if args.step == "prepare" else run(args)


if __name__ == "__main__":
    sys.exit(main())
