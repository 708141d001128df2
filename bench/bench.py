#!/usr/bin/python3
"""Side-by-side latency of seqc and PyTorch on the same sequence models.

W1-W9 are the workloads of the performance issue (W6 at T = 512 and, its
second target, T = 2048); W5, one streaming LSTM
step, is timed per step (its row's times are microseconds per step), and
W10, decoding with a key/value cache (W6's attention block at d 256 fed one
token at a time: seqc's step function against PyTorch appending to its
cache with torch.cat), per token; W11, a Hugging Face GPT-2 block run with
a padding attention_mask (a left-padded batch of 2). For each recurrent configuration (W1-W4, W9 and
smaller LSTM/GRU rows) this builds the model in PyTorch (fixed seed),
writes the equivalent seq-dialect model with the same weights embedded;
the attention, encoder and TCN workloads (W6-W8) go through
torch.onnx.export and seqc's ONNX front end instead, and a Mamba block, an
RWKV-4 block and a Neural Turing Machine through a .seq description and
its safetensors state_dict. seqc compiles it
with seqc (--mcpu=native, or --mcpu=CPU: '' for seqc's default, a version
per x86-64 level), checks both produce the same output, then times
seq-run --bench (1 and 2 threads) against PyTorch (eager, torch.no_grad, 1
and 2 threads) and
oneDNN (bench/onednn_rnn.cpp: lstm_forward / lbr_gru_forward /
vanilla_rnn_forward, forward
inference, f32, one thread) on the same weights and input, and prints a table
with ratios (peer time / seqc time: > 1 means seqc is faster) and seqc's
page faults per run (seq-run's getrusage count over the timed runs) and
its compile time (seconds, wall clock, `--emit=shared`).

The torch1 column is one thread in torch and in OpenBLAS (whose own pool
torch.set_num_threads does not reach); when OpenBLAS does not recognize the
CPU (it then runs SSE3 kernels) the script sets OPENBLAS_CORETYPE from the
CPU's vector ISA, and an OPENBLAS_CORETYPE in the environment that names
narrower kernels than the CPU runs is dropped; the "threads:" line says
which core ran.

Needs Debian's python3-torch (a benchmark tool, not a build or test
dependency). oneDNN is optional: with Debian's libdnnl-dev installed the
driver is compiled once per run with `c++ -O2 ... -ldnnl`; without it the
oneDNN columns are skipped with a "not measured" line. ONNX Runtime, IREE and
onnx-mlir are not packaged for Debian 12 and are listed as not measured.

  bench/bench.py [--seqc build/bin/seqc] [--seq-run build/bin/seq-run]
                 [--runs 50] [--filter lstm]
"""

import argparse
import atexit
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time



# OpenBLAS (the BLAS behind Debian's PyTorch and NumPy, with
# libopenblas0-pthread) picks its kernels by CPU model, and names a model it
# does not know "Prescott": SSE3 kernels, 4x slower on an AVX-512 machine.
# It must be told the core before it loads, which is when numpy or torch is
# imported.
def openblas_core_type():
    """The OPENBLAS_CORETYPE this machine's vector ISA calls for, or None."""
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return None
    if "avx512f" in flags:
        return "SkylakeX"
    if "avx2" in flags:
        return "Haswell"
    return None


def detected_openblas_core():
    probe = ("import ctypes, torch\n"  # torch loads the BLAS alternative
             "for line in open('/proc/self/maps'):\n"
             "    if 'libopenblas' in line:\n"
             "        lib = ctypes.CDLL(line.split()[-1])\n"
             "        lib.openblas_get_corename.restype = ctypes.c_char_p\n"
             "        print(lib.openblas_get_corename().decode()); break\n")
    # The core OpenBLAS picks by itself: without OPENBLAS_CORETYPE.
    env = {k: v for k, v in os.environ.items() if k != "OPENBLAS_CORETYPE"}
    out = subprocess.run([sys.executable, "-c", probe], env=env,
                         capture_output=True, text=True)
    return out.stdout.strip() or None


# Without OpenBLAS, torch's matrix products go to whatever libblas.so.3
# provides, on a bare machine the reference BLAS: 10-40x slower, which would
# make every ratio meaningless.
OPENBLAS_NOTE = ("NOT OpenBLAS: torch's BLAS is the libblas.so.3 alternative "
                 "(the reference BLAS is 10-40x slower; install "
                 "libopenblas0-pthread)")
_preset = os.environ.get("OPENBLAS_CORETYPE")
_detected = detected_openblas_core()  # None: torch does not load OpenBLAS
_wanted = openblas_core_type()
# How wide a core's kernels are: 0 SSE, 1 AVX, 2 AVX2, 3 AVX-512 (a core
# this table does not name is kept as set).
_ISA_LEVEL = {"prescott": 0, "core2": 0, "nehalem": 0, "katmai": 0,
              "sandybridge": 1, "bulldozer": 1, "piledriver": 1,
              "haswell": 2, "zen": 2, "skylakex": 3, "cooperlake": 3,
              "sapphirerapids": 3}


def _isa_level(core):
    return _ISA_LEVEL.get((core or "").lower(), -1)


if (_detected and _preset and 0 <= _isa_level(_preset) <
        _isa_level(_wanted)):
    # Set from outside (some hosts set it for every process) to an older
    # core than this CPU's: the peer would run narrower kernels (Haswell's
    # AVX2 on a Zen 5: half the sgemm speed of its AVX-512 ones). Benchmark
    # against the strongest peer: drop it, and let OpenBLAS pick (or pick
    # for it below).
    del os.environ["OPENBLAS_CORETYPE"]
    _dropped = "OPENBLAS_CORETYPE=%s from the environment dropped" % _preset
    _preset = None
else:
    _dropped = None
if _detected and _preset:
    OPENBLAS_NOTE = "OpenBLAS core %s, from OPENBLAS_CORETYPE" % _preset
elif _detected and _wanted and _detected.lower() in ("prescott", "core2",
                                                     "nehalem", "katmai"):
    os.environ["OPENBLAS_CORETYPE"] = _wanted
    OPENBLAS_NOTE = "OpenBLAS core %s (it detected %s)" % (_wanted, _detected)
elif _detected:
    OPENBLAS_NOTE = "OpenBLAS core %s" % _detected
if _dropped:
    OPENBLAS_NOTE += " (%s)" % _dropped

import numpy as np  # noqa: E402  (after OPENBLAS_CORETYPE)
import torch  # noqa: E402


def set_blas_threads(threads):
    """torch.set_num_threads does not reach OpenBLAS's own thread pool: its
    GEMMs would use every core in the torch1 column."""
    import ctypes
    with open("/proc/self/maps") as f:
        for line in f:
            if "libopenblas" in line:
                ctypes.CDLL(line.split()[-1]).openblas_set_num_threads(threads)
                return

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(ROOT, "examples", "seq-models"))
sys.path.insert(0, os.path.join(ROOT, "examples", "common"))
from mamba_reference import Mamba  # noqa: E402
from ntm_reference import NTM  # noqa: E402
from rwkv_reference import ChannelMix, TimeMix, wkv_recurrent  # noqa: E402
from torch_io import save_safetensors  # noqa: E402


def dense(array):
    """An MLIR dense attribute with the array's float32 bytes in hex."""
    data = np.ascontiguousarray(array, dtype=np.float32)
    return 'dense<"0x%s">' % data.tobytes().hex().upper()


def tensor_type(shape):
    return "tensor<" + "x".join([str(s) for s in shape] + ["f32"]) + ">"


# PyTorch gate order -> the seq dialect's (ONNX) order, as row blocks.
GATE_ORDER = {"lstm": [0, 3, 1, 2],   # i,f,g,o -> i,o,f,c
              "gru": [1, 0, 2],       # r,z,n -> z,r,h
              "rnn": [0]}


def recurrent_model(kind, module, input_size, hidden):
    """seq.lstm / seq.gru (linear_before_reset, PyTorch's GRU) / seq.rnn
    (tanh), one op per layer of `module` (its num_layers chained through
    the collapse of y's directions dimension), with the module's weights
    reordered into the dialect's gate order."""
    def reorder(w):
        blocks = np.split(w, len(GATE_ORDER[kind]), axis=0)
        return np.concatenate([blocks[i] for i in GATE_ORDER[kind]], axis=0)
    out = "tensor<?x1x?x%dxf32>" % hidden
    state = "tensor<1x?x%dxf32>" % hidden
    lines = []
    x, size = "%x", input_size
    for layer in range(module.num_layers):
        def weight(name):
            return getattr(module, "%s_l%d" % (name, layer)).detach().numpy()
        w = reorder(weight("weight_ih"))[None]
        r = reorder(weight("weight_hh"))[None]
        b = np.concatenate([reorder(weight("bias_ih")),
                            reorder(weight("bias_hh"))])[None]
        if kind == "lstm":
            results, attrs, types = "%%y%d, %%h%d, %%c%d" % (
                layer, layer, layer), "", f"{out}, {state}, {state}"
        else:
            results, types = "%%y%d, %%h%d" % (layer, layer), f"{out}, {state}"
            attrs = ", linear_before_reset" if kind == "gru" else ""
        in_type = f"tensor<?x?x{size}xf32>"
        lines.append(f"""  %w{layer} = arith.constant {dense(w)} : {tensor_type(w.shape)}
  %r{layer} = arith.constant {dense(r)} : {tensor_type(r.shape)}
  %b{layer} = arith.constant {dense(b)} : {tensor_type(b.shape)}
  {results} = seq.{kind} {x}, %w{layer}, %r{layer} bias(%b{layer}) {{hidden_size = {hidden} : i64{attrs}}}
    : ({in_type}, {tensor_type(w.shape)}, {tensor_type(r.shape)}, {tensor_type(b.shape)})
    -> ({types})""")
        if layer + 1 < module.num_layers:
            lines.append(f"  %x{layer + 1} = tensor.collapse_shape %y{layer} "
                         f"[[0, 1], [2], [3]] : {out} into "
                         f"tensor<?x?x{hidden}xf32>")
            x, size = "%%x%d" % (layer + 1), hidden
    body = "\n".join(lines)
    return f"""func.func @model(%x: tensor<?x?x{input_size}xf32> {{seq.name = "x", seq.dims = ["T", "B", ""]}})
    -> ({out} {{seq.name = "y", seq.dims = ["T", "", "B", ""]}}) {{
{body}
  return %y{module.num_layers - 1} : {out}
}}
"""


def recurrent_module(kind, i, h, layers):
    """The PyTorch peer of a CONFIGS row: nn.LSTM, nn.GRU or nn.RNN (tanh)."""
    cls = {"lstm": torch.nn.LSTM, "gru": torch.nn.GRU,
           "rnn": torch.nn.RNN}[kind]
    return cls(i, h, num_layers=layers).eval()


CONFIGS = [
    # name, kind, T, B, input, hidden, layers
    ("lstm_T100_B1_H64", "lstm", 100, 1, 32, 64, 1),
    ("lstm_T100_B8_H256", "lstm", 100, 8, 128, 256, 1),
    ("gru_T100_B1_H64", "gru", 100, 1, 32, 64, 1),
    ("gru_T100_B8_H256", "gru", 100, 8, 128, 256, 1),
    # The performance issue's recurrent workloads: W1 LSTM, W2 a stacked
    # LSTM, W3 GRU, W4 LSTM at batch 32, W9 RNN (tanh); and a batch-1
    # recurrence with a wider step (W2's layer size, one layer).
    ("W1_lstm_T256_B1_H256", "lstm", 256, 1, 128, 256, 1),
    ("W2_lstm2_T128_B1_H512", "lstm", 128, 1, 256, 512, 2),
    ("W3_gru_T256_B1_H256", "gru", 256, 1, 128, 256, 1),
    ("W4_lstm_T64_B32_H256", "lstm", 64, 32, 256, 256, 1),
    ("W9_rnn_T512_B1_H256", "rnn", 512, 1, 128, 256, 1),
    ("lstm_T128_B1_H512", "lstm", 128, 1, 256, 512, 1),
]


class Tcn(torch.nn.Module):
    """W8: four dilated causal conv1d layers (C channels, kernel 3,
    dilation 1/2/4/8), each ReLU'd, with residuals (PyTorch form: F.pad on
    the left)."""

    def __init__(self, c=64):
        super().__init__()
        self.convs = torch.nn.ModuleList(
            torch.nn.Conv1d(c, c, 3, dilation=d) for d in (1, 2, 4, 8))

    def forward(self, x):
        for conv in self.convs:
            pad = conv.dilation[0] * 2
            x = torch.relu(conv(torch.nn.functional.pad(x, (pad, 0)))) + x
        return x


class CausalMha(torch.nn.Module):
    """W6: causal multi-head self-attention with its QKV and output
    projections (nn.MultiheadAttention, batch_first, additive causal mask:
    a boolean one exports as a BOOL tensor, which the ONNX front end does
    not take yet)."""

    def __init__(self, d=512, heads=8):
        super().__init__()
        self.attn = torch.nn.MultiheadAttention(d, heads, batch_first=True)

    def forward(self, x):
        t = x.shape[1]
        mask = torch.full((t, t), float("-inf"), device=x.device).triu(1)
        return self.attn(x, x, x, attn_mask=mask, need_weights=False)[0]


class PaddedGpt2Block(torch.nn.Module):
    """W11: a Hugging Face GPT-2 block (transformers 4.x eager attention)
    run on a left-padded batch: `where(bias, w, finfo.min)` plus the
    extended padding mask `(1 - attention_mask) * finfo.min`, then the
    GELU (tanh) MLP, pre-norm, as the export of a generation batch has it."""

    def __init__(self, d=256, heads=4, positions=1024):
        super().__init__()
        self.heads, self.head_dim = heads, d // heads
        self.ln_1 = torch.nn.LayerNorm(d)
        self.c_attn = torch.nn.Linear(d, 3 * d)
        self.c_proj = torch.nn.Linear(d, d)
        self.ln_2 = torch.nn.LayerNorm(d)
        self.c_fc = torch.nn.Linear(d, 4 * d)
        self.mlp_proj = torch.nn.Linear(4 * d, d)
        self.register_buffer("bias", torch.tril(torch.ones(
            (positions, positions), dtype=torch.bool)).view(
                1, 1, positions, positions))

    def attention(self, x, attention_mask):
        b, t, d = x.shape
        q, k, v = (u.view(b, t, self.heads, self.head_dim).transpose(1, 2)
                   for u in self.c_attn(x).split(d, dim=2))
        w = torch.matmul(q, k.transpose(-1, -2))
        w = w / torch.full([], v.size(-1) ** 0.5, dtype=w.dtype)
        lq, lk = q.size(-2), k.size(-2)
        low = torch.full([], torch.finfo(w.dtype).min, dtype=w.dtype)
        w = torch.where(self.bias[:, :, lk - lq:lk, :lk], w, low)
        extended = attention_mask[:, None, None, :].to(w.dtype)
        w = w + (1.0 - extended) * torch.finfo(w.dtype).min
        y = torch.matmul(w.softmax(dim=-1), v).transpose(1, 2)
        return self.c_proj(y.reshape(b, t, d))

    def forward(self, x, attention_mask):
        x = x + self.attention(self.ln_1(x), attention_mask)
        h = torch.nn.functional.gelu(self.c_fc(self.ln_2(x)),
                                     approximate="tanh")
        return x + self.mlp_proj(h)


class WithMask(torch.nn.Module):
    """`module(x, mask)` as a module of x alone, for the timing helpers."""

    def __init__(self, module, mask):
        super().__init__()
        self.module, self.mask = module, mask

    def forward(self, x):
        return self.module(x, self.mask)


# ONNX exports (torch.onnx.export, opset 14), compiled by seqc's ONNX
# front end: name, module factory, input shape.
ONNX_CONFIGS = [
    ("W6_mha_d512_T512", lambda: CausalMha(), (1, 512, 512)),
    ("W6_mha_d512_T2048", lambda: CausalMha(), (1, 2048, 512)),
    ("W7_encoder_d256_T256", lambda: torch.nn.TransformerEncoderLayer(
        256, 4, 1024, dropout=0.0, batch_first=True), (1, 256, 256)),
    ("W8_tcn_C64_T1024", lambda: Tcn(), (1, 64, 1024)),
]


def time_torch(module, x, runs, threads, blas_threads=None):
    torch.set_num_threads(threads)
    set_blas_threads(blas_threads or threads)
    with torch.no_grad():
        for _ in range(5):
            module(x)
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            module(x)
            samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def time_torch2(module, x, runs):
    """PyTorch on two cores: the faster of two threads in both torch and
    OpenBLAS, and one torch thread over a two-thread OpenBLAS (its OpenMP
    threads and OpenBLAS's contend for the two cores otherwise)."""
    return min(time_torch(module, x, runs, 2),
               time_torch(module, x, runs, 1, blas_threads=2))


ONEDNN_SRC = os.path.join(HERE, "onednn_rnn.cpp")
# Debian's libdnnl is built with the OpenMP CPU runtime (ldd shows libgomp):
# OMP_NUM_THREADS=1 makes its column single-threaded like seqc's.
ONEDNN_ENV = dict(os.environ, OMP_NUM_THREADS="1")


def build_onednn(work):
    """Compiles bench/onednn_rnn.cpp; returns (binary, None) or (None, why)."""
    if not any(os.path.exists(os.path.join(d, "oneapi/dnnl/dnnl.hpp"))
               for d in ("/usr/include", "/usr/local/include")):
        return None, "header oneapi/dnnl/dnnl.hpp not found"
    binary = os.path.join(work, "onednn_rnn")
    try:
        build = subprocess.run(["c++", "-O2", ONEDNN_SRC, "-ldnnl", "-o",
                                binary], capture_output=True, text=True)
    except OSError as e:
        return None, "c++ failed to start: %s" % e
    if build.returncode != 0:
        last = (build.stderr.strip().splitlines() or ["?"])[-1]
        return None, "c++ -ldnnl failed: %s" % last
    return binary, None


def onednn_threads(binary, work):
    """'OpenMP, 1 thread' from ONEDNN_VERBOSE's info line, or '?'."""
    probe = os.path.join(work, "onednn_probe")
    os.makedirs(probe, exist_ok=True)
    torch.manual_seed(0)
    module = torch.nn.GRU(2, 2).eval()
    write_onednn_inputs(probe, module, torch.randn(1, 1, 2))
    env = dict(ONEDNN_ENV, ONEDNN_VERBOSE="1", DNNL_VERBOSE="1")
    run = subprocess.run([binary, "gru", "1", "1", "2", "2", probe, "1"],
                         env=env, capture_output=True, text=True)
    m = re.search(r"cpu,runtime:([^,\n]+),nthr:(\d+)", run.stdout)
    return "%s, nthr %s" % (m.group(1), m.group(2)) if m else "?"


def write_onednn_inputs(directory, module, x):
    """Raw float32 files in PyTorch's layout for bench/onednn_rnn.cpp."""
    def save(name, value):
        np.ascontiguousarray(value, dtype=np.float32).tofile(
            os.path.join(directory, name + ".f32"))
    save("x", x.numpy())
    save("w_ih", module.weight_ih_l0.detach().numpy())
    save("w_hh", module.weight_hh_l0.detach().numpy())
    save("b_ih", module.bias_ih_l0.detach().numpy())
    save("b_hh", module.bias_hh_l0.detach().numpy())
    with torch.no_grad():
        save("expected", module(x)[0].numpy())


def time_onednn(binary, directory, kind, t, b, i, h, runs):
    """Median ms, or raises RuntimeError with the driver's message."""
    run = subprocess.run([binary, kind, str(t), str(b), str(i), str(h),
                          directory, str(runs)],
                         env=ONEDNN_ENV, capture_output=True, text=True)
    if run.returncode != 0:
        raise RuntimeError((run.stderr or run.stdout).strip())
    return float(re.search(r"median_ms ([0-9.]+)", run.stdout).group(1))


def run_seqc(base, x, args, threads=1, extra=(), more=None):
    """Times BASE.so on `x` (and the inputs `more` names, arrays) with
    seq-run --bench --threads THREADS (and the `extra` seq-run arguments);
    returns (median ms, page faults per run, y)."""
    np.save(base + "_x.npy", x.numpy())
    for input_name, value in (more or {}).items():
        np.save("%s_%s.npy" % (base, input_name), value)
        extra = list(extra) + ["--input", "%s=%s_%s.npy" % (
            input_name, base, input_name)]
    out_dir = base + "_out%d" % threads
    # The worker threads of this process's PyTorch (OpenMP) and OpenBLAS
    # spin for a while after their last job (OpenBLAS ~2^28 cycles): on two
    # cores they would take one from seq-run's second thread. Let them
    # go to sleep first.
    time.sleep(0.5)
    run = subprocess.run(
        [args.seq_run, base + ".so", "--input", "x=%s_x.npy" % base,
         "--output-dir", out_dir, "--bench", str(args.runs),
         "--threads", str(threads)] + list(extra),
        check=True, capture_output=True, text=True)
    median = float(re.search(r"median ([0-9.]+)", run.stdout).group(1))
    faults = float(re.search(r"page_faults: ([0-9.]+)", run.stdout).group(1))
    return median, faults, np.load(os.path.join(out_dir, "y.npy"))


# One table row: the times, then the ratios (peer / seqc at the same
# number of threads; oneDNN runs one thread), then seqc's page faults and
# its compile time.
ROW = "%-20s %10.3f %10.3f %10.3f %10.3f %10s %8.2f %9.2f %11s %8.1f %9.2f"


def compile_seqc(args, model, base, check=True):
    """Compiles `model` to BASE.so; returns seqc's wall time in seconds and
    its completed process (with `check`, a failure raises, with seqc's
    message)."""
    start = time.perf_counter()
    done = subprocess.run(
        [args.seqc, model, "--emit=shared", "--mcpu=" + args.mcpu, "-o",
         base], capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if check and done.returncode != 0:
        raise RuntimeError("seqc failed on %s: %s" % (model, done.stderr))
    return seconds, done


def disagree(name, got, expected):
    """Prints and returns True when seqc's output is off PyTorch's by more
    than 1e-4 of its scale."""
    err = float(np.max(np.abs(got - expected)))
    if err > 1e-4 * max(1.0, float(np.max(np.abs(expected)))):
        print("%s: seqc and PyTorch disagree by %.3g" % (name, err))
        return True
    return False


def compare_and_report(name, module, x, base, args, compile_s, more=None):
    """Times BASE.so against `module` on `x` (eager PyTorch, 1 and 2
    threads), checks both outputs agree and prints one table row (with
    `compile_s`, seqc's compile time). `more`: seqc's other inputs by name
    (`module` holds them itself). Returns nonzero on a mismatch."""
    median, faults, got = run_seqc(base, x, args, more=more)
    median2, _, got2 = run_seqc(base, x, args, threads=2, more=more)
    with torch.no_grad():
        expected = module(x).numpy()
    if disagree(name, got, expected) or disagree(name, got2, expected):
        return 1
    t1 = time_torch(module, x, args.runs, 1)
    t2 = time_torch2(module, x, args.runs)
    print(ROW % (name, median, median2, t1, t2, "-", t1 / median,
                 t2 / median2, "-", faults, compile_s))
    return 0


def bench_onnx(name, factory, shape, args, work):
    """Exports `factory()` to ONNX, compiles it with seqc, checks its output
    against PyTorch's and prints one table row. Returns nonzero on a
    mismatch."""
    torch.manual_seed(0)
    module = factory().eval()
    x = torch.randn(*shape)
    base = os.path.join(work, name)
    compile_s = export_and_compile(name, module, {"x": x}, base, args)
    if compile_s is None:
        return 0
    return compare_and_report(name, module, x, base, args, compile_s)


def export_and_compile(name, module, inputs, base, args):
    """Exports `module` on `inputs` (name -> tensor, in order) to
    BASE.onnx and compiles it to BASE.so; returns seqc's compile time, or
    None (saying so) when seqc cannot compile it."""
    torch.onnx.export(module, tuple(inputs.values()), base + ".onnx",
                      input_names=list(inputs), output_names=["y"],
                      opset_version=14)
    compile_s, compiled = compile_seqc(args, base + ".onnx", base,
                                       check=False)
    if compiled.returncode != 0:
        print("%-20s seqc cannot compile it: %s" % (
            name, compiled.stderr.strip().splitlines()[0]))
        return None
    return compile_s


def bench_padded(name, factory, shape, args, work):
    """bench_onnx for a model of x [B, T, d] and a padding attention_mask
    [B, T] (W11): the batch's last row left-padded by a quarter of T."""
    torch.manual_seed(0)
    module = factory().eval()
    x = torch.randn(*shape)
    mask = torch.ones(shape[0], shape[1], dtype=torch.int64)
    mask[-1, :shape[1] // 4] = 0
    base = os.path.join(work, name)
    compile_s = export_and_compile(
        name, module, {"x": x, "attention_mask": mask}, base, args)
    if compile_s is None:
        return 0
    return compare_and_report(name, WithMask(module, mask), x, base, args,
                              compile_s, more={"attention_mask": mask.numpy()})


PADDED_CONFIGS = [
    ("W11_gpt2_padded_T256", lambda: PaddedGpt2Block(), (2, 256, 256)),
]


# .seq workloads: (name, module factory, description, input shape). The
# first is one Mamba-1 block (mamba_ssm sizes for d_model 256); the PyTorch peer is
# the reference without the fused CUDA kernel (selective_scan_ref's
# recurrence), which is what mamba_ssm runs on a CPU.
class RecurrentTimeMix(TimeMix):
    """RWKV-4 time mixing with WKV run as the official CPU path runs it:
    the kernel's recurrence step by step in float32 (rwkv_reference's
    forward uses the O(T^2) explicit form, a reference, not a peer)."""

    def forward(self, x):
        xx = self.time_shift(x)
        k = self.key(x * self.time_mix_k + xx * (1 - self.time_mix_k))
        v = self.value(x * self.time_mix_v + xx * (1 - self.time_mix_v))
        r = torch.sigmoid(self.receptance(
            x * self.time_mix_r + xx * (1 - self.time_mix_r)))
        y, _ = wkv_recurrent(torch.exp(self.time_decay), self.time_first, k, v)
        return self.output(r * y)


class RwkvBlock(torch.nn.Module):
    """One RWKV-4 block: pre-norm time mixing and channel mixing."""

    def __init__(self, d):
        super().__init__()
        self.ln1 = torch.nn.LayerNorm(d)
        self.att = RecurrentTimeMix(d)
        self.ln2 = torch.nn.LayerNorm(d)
        self.ffn = ChannelMix(d)

    def forward(self, x):
        x = x + self.att(self.ln1(x))
        return x + self.ffn(self.ln2(x))


SEQ_CONFIGS = [
    ("mamba_d256_T512", lambda: Mamba(256, d_state=16), """
weights "mamba_d256_T512.safetensors"
input x: f32[B, T, 256]
y = mamba(x, name=m)
output y
""", (1, 512, 256)),
    # One RWKV-4 block (RWKV-LM v4 weights), d_model 256, T 512.
    ("rwkv4_d256_T512", lambda: RwkvBlock(256), """
weights "rwkv4_d256_T512.safetensors"
input x: f32[B, T, 256]
n1 = layer_norm(x, name=m.ln1)
a  = rwkv_time_mix(n1, name=m.att)
r  = add(x, a)
n2 = layer_norm(r, name=m.ln2)
f  = rwkv_channel_mix(n2, name=m.ffn)
y  = add(r, f)
output y
""", (1, 512, 256)),
    # An NTM (LSTM controller 256, a 128 x 32 memory, one read and
    # one write head), input 32, T 256: a step-by-step loop in both.
    ("ntm_h256_T256", lambda: NTM(32, 256, 128, 32), """
weights "ntm_h256_T256.safetensors"
input x: f32[T, B, 32]
y = ntm(x, name=m)
output y
""", (256, 1, 32)),
]


def bench_seq(name, factory, description, shape, args, work):
    """Compiles a .seq workload (weights from `factory()`'s state_dict under
    the prefix `m`), checks it against PyTorch and prints one table row.
    Returns nonzero on a mismatch."""
    torch.manual_seed(0)
    module = factory().eval()
    base = os.path.join(work, name)
    save_safetensors(base + ".safetensors",
                     {"m." + k: v for k, v in module.state_dict().items()})
    with open(base + ".seq", "w") as f:
        f.write(description.lstrip())
    compile_s, _ = compile_seqc(args, base + ".seq", base)
    x = torch.randn(*shape)
    return compare_and_report(name, module, x, base, args, compile_s)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seqc", default=os.path.join(ROOT, "build/bin/seqc"))
    parser.add_argument("--seq-run",
                        default=os.path.join(ROOT, "build/bin/seq-run"))
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--filter", default="")
    parser.add_argument("--mcpu", default="native",
                        help="seqc's --mcpu; '' keeps seqc's default (a "
                             "version per x86-64 level, picked at run time)")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="seqc-bench-")
    # The compiled models and their outputs (100+ MB a run) go with it.
    atexit.register(shutil.rmtree, work, ignore_errors=True)
    onednn, why = build_onednn(work)
    print("not measured: ONNX Runtime, IREE, onnx-mlir (not packaged for "
          "Debian 12)")
    if onednn is None:
        print("not measured: oneDNN (install libdnnl-dev): %s" % why)
    print("threads: seqc 1, seqc2 2 (seq-run --threads 2: GEMMs, "
          "attention heads, convolutions, row-wise layers and scan channels "
          "split over the runtime's pool), torch1 1 (torch.set_num_threads and OpenBLAS's "
          "openblas_set_num_threads; %s), torch2 2 (the faster of 2 torch x "
          "2 OpenBLAS and 1 x 2), onednn %s" % (OPENBLAS_NOTE,
              "1 (OMP_NUM_THREADS=1; %s)" % onednn_threads(onednn, work)
              if onednn else "-"))
    print("%-20s %10s %10s %10s %10s %10s %8s %9s %11s %8s %9s" % (
        "model", "seqc ms", "seqc2 ms", "torch1 ms", "torch2 ms", "onednn ms",
        "t1/seqc", "t2/seqc2", "onednn/seqc", "faults", "compile s"))
    for name, factory, shape in ONNX_CONFIGS:
        if args.filter not in name:
            continue
        if bench_onnx(name, factory, shape, args, work):
            return 1
    for name, factory, shape in PADDED_CONFIGS:
        if args.filter not in name:
            continue
        if bench_padded(name, factory, shape, args, work):
            return 1
    for name, factory, description, shape in SEQ_CONFIGS:
        if args.filter not in name:
            continue
        if bench_seq(name, factory, description, shape, args, work):
            return 1
    for name, kind, t, b, i, h, layers in CONFIGS:
        if args.filter not in name:
            continue
        torch.manual_seed(0)
        module = recurrent_module(kind, i, h, layers)
        text = recurrent_model(kind, module, i, h)
        model = os.path.join(work, name + ".mlir")
        with open(model, "w") as f:
            f.write(text)
        base = os.path.join(work, name)
        compile_s, _ = compile_seqc(args, model, base)
        x = torch.randn(t, b, i)
        median, faults, got = run_seqc(base, x, args)
        median2, _, got2 = run_seqc(base, x, args, threads=2)
        with torch.no_grad():
            expected = module(x)[0].numpy()
        if (disagree(name, got[:, 0], expected) or
                disagree(name, got2[:, 0], expected)):
            return 1
        t1 = time_torch(module, x, args.runs, 1)
        t2 = time_torch2(module, x, args.runs)
        dnnl_ms, dnnl_ratio = "-", "-"
        # oneDNN's driver runs one layer (a stack of layers of different
        # input widths is a chain of primitives it does not build).
        if onednn and layers == 1:
            directory = base + "_onednn"
            os.makedirs(directory, exist_ok=True)
            write_onednn_inputs(directory, module, x)
            try:
                ms = time_onednn(onednn, directory, kind, t, b, i, h,
                                 args.runs)
            except RuntimeError as e:
                print("%s: oneDNN failed or disagrees with PyTorch: %s" % (
                    name, e))
                return 1
            dnnl_ms, dnnl_ratio = "%.3f" % ms, "%.2f" % (ms / median)
        print(ROW % (name, median, median2, t1, t2, dnnl_ms, t1 / median,
                     t2 / median2, dnnl_ratio, faults, compile_s))
    if args.filter in STEP_CONFIG[0] and bench_step(args, work, onednn):
        return 1
    if args.filter in DECODE_CONFIG[0] and bench_decode(args, work):
        return 1
    return 0


# W5: one step of a streaming LSTM at batch 1 (name, input, hidden, steps):
# what a caller feeding one frame at a time waits for. seqc runs the model's
# step function through seq-run --stream-chunk 1 (a run is all the steps,
# the state carried from call to call); PyTorch runs nn.LSTM on one step
# with the state passed back in; oneDNN one lstm_forward of T = 1.
STEP_CONFIG = ("W5_lstm_step_I128_H256", 128, 256, 256)


def time_torch_steps(module, x, runs, threads, blas_threads=None):
    """Median ms of feeding `x` [T, 1, I] to `module` one step at a time."""
    torch.set_num_threads(threads)
    set_blas_threads(blas_threads or threads)

    def one_pass():
        state = None
        for t in range(x.shape[0]):
            _, state = module(x[t:t + 1], state)

    with torch.no_grad():
        one_pass()
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            one_pass()
            samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples)


def bench_step(args, work, onednn):
    """Prints the W5 row in microseconds per step; nonzero on a mismatch."""
    name, i, h, steps = STEP_CONFIG
    torch.manual_seed(0)
    module = recurrent_module("lstm", i, h, 1)
    model = os.path.join(work, name + ".mlir")
    with open(model, "w") as f:
        f.write(recurrent_model("lstm", module, i, h))
    base = os.path.join(work, name)
    compile_s, _ = compile_seqc(args, model, base)
    x = torch.randn(steps, 1, i)
    stream = ("--stream-chunk", "1")
    median, faults, got = run_seqc(base, x, args, extra=stream)
    median2, _, got2 = run_seqc(base, x, args, threads=2, extra=stream)
    with torch.no_grad():
        expected = module(x)[0].numpy()
    if (disagree(name, got[:, 0], expected) or
            disagree(name, got2[:, 0], expected)):
        return 1
    t1 = time_torch_steps(module, x, args.runs, 1)
    t2 = min(time_torch_steps(module, x, args.runs, 2),
             time_torch_steps(module, x, args.runs, 1, blas_threads=2))
    dnnl_us, dnnl_ratio = "-", "-"
    per_step = 1e3 / steps  # ms per pass -> us per step
    if onednn:
        directory = base + "_onednn"
        os.makedirs(directory, exist_ok=True)
        write_onednn_inputs(directory, module, x[:1])
        try:
            us = 1e3 * time_onednn(onednn, directory, "lstm", 1, 1, i, h,
                                   args.runs)
        except RuntimeError as e:
            print("%s: oneDNN failed or disagrees with PyTorch: %s" % (name, e))
            return 1
        dnnl_us, dnnl_ratio = "%.3f" % us, "%.2f" % (us / (median * per_step))
    print(ROW % (name + " us", median * per_step, median2 * per_step,
                 t1 * per_step, t2 * per_step, dnnl_us, t1 / median,
                 t2 / median2, dnnl_ratio, faults / steps, compile_s))
    return 0


# W10: decoding with a key/value cache, one token at a time (name, d_model,
# heads, tokens): W6's attention block at d 256, 4 heads, fed token by token
# from an empty cache. seqc runs the ONNX export's step function (the cache
# is a state of `capacity` steps) through seq-run --stream-chunk 1; PyTorch
# runs the same nn.MultiheadAttention weights the way Hugging Face decoders
# do in eager mode: project the token, append its key and value to the
# cache (torch.cat), attend over the cache, project out.
DECODE_CONFIG = ("W10_kv_decode_d256", 256, 4, 512)


class KvDecoder(torch.nn.Module):
    """One token of CausalMha's attention with a growing key/value cache."""

    def __init__(self, mha):
        super().__init__()
        self.mha = mha.attn

    def forward(self, x, cache):
        m = self.mha
        d, heads = m.embed_dim, m.num_heads
        q, k, v = torch.nn.functional.linear(
            x, m.in_proj_weight, m.in_proj_bias).chunk(3, dim=-1)
        split = lambda t: t.view(t.shape[0], -1, heads, d // heads).transpose(1, 2)
        q, k, v = split(q), split(k), split(v)
        if cache is not None:
            k = torch.cat([cache[0], k], dim=2)
            v = torch.cat([cache[1], v], dim=2)
        scores = torch.matmul(q, k.transpose(-1, -2)) / (d // heads) ** 0.5
        out = torch.matmul(torch.softmax(scores, dim=-1), v)
        out = out.transpose(1, 2).reshape(x.shape[0], -1, d)
        return m.out_proj(out), (k, v)


def time_torch_decode(decoder, x, runs, threads, blas_threads=None):
    """Median ms of decoding `x` [1, T, d] one token at a time."""
    torch.set_num_threads(threads)
    set_blas_threads(blas_threads or threads)

    def one_pass():
        cache, outs = None, []
        for t in range(x.shape[1]):
            y, cache = decoder(x[:, t:t + 1], cache)
            outs.append(y)
        return torch.cat(outs, dim=1)

    with torch.no_grad():
        result = one_pass()
        samples = []
        for _ in range(runs):
            start = time.perf_counter()
            one_pass()
            samples.append((time.perf_counter() - start) * 1e3)
    return statistics.median(samples), result


def bench_decode(args, work):
    """Prints the W10 row in microseconds per token; nonzero on a
    mismatch."""
    name, d, heads, tokens = DECODE_CONFIG
    torch.manual_seed(0)
    module = CausalMha(d, heads).eval()
    base = os.path.join(work, name)
    x = torch.randn(1, tokens, d)
    torch.onnx.export(module, (x,), base + ".onnx", input_names=["x"],
                      output_names=["y"], opset_version=14,
                      dynamic_axes={"x": {1: "T"}, "y": {1: "T"}})
    compile_s, compiled = compile_seqc(args, base + ".onnx", base,
                                       check=False)
    if compiled.returncode != 0:
        print("%-20s seqc cannot compile it: %s" % (
            name, compiled.stderr.strip().splitlines()[0]))
        return 0
    stream = ("--stream-chunk", "1", "--stream-dim", "T", "--dim",
              "capacity=%d" % tokens)
    median, faults, got = run_seqc(base, x, args, extra=stream)
    median2, _, got2 = run_seqc(base, x, args, threads=2, extra=stream)
    decoder = KvDecoder(module).eval()
    t1, decoded = time_torch_decode(decoder, x, args.runs, 1)
    with torch.no_grad():
        expected = module(x).numpy()
    if (disagree(name, got, expected) or disagree(name, got2, expected) or
            disagree(name + " (PyTorch decode)", decoded.numpy(), expected)):
        return 1
    t2 = min(time_torch_decode(decoder, x, args.runs, 2)[0],
             time_torch_decode(decoder, x, args.runs, 1, blas_threads=2)[0])
    per_token = 1e3 / tokens  # ms per pass -> us per token
    print(ROW % (name + " us", median * per_token, median2 * per_token,
                 t1 * per_token, t2 * per_token, "-", t1 / median,
                 t2 / median2, "-", faults / tokens, compile_s))
    return 0


if __name__ == "__main__":
    sys.exit(main())
