#!/usr/bin/python3
"""ONNX's own operator conformance tests, run through seqc.

The `onnx` Python package carries the backend node tests (one model per
operator variant, with inputs and the outputs its NumPy reference
implementation computes: onnx/backend/test/case/node). This script builds
each of them, compiles it with seqc, runs it with seq-run and compares every
output with ONNX's expected one (dtype, shape, and values within rtol 1e-3,
atol 1e-7 as ONNX's backend test runner checks them; NaN where NaN).

seqc does not import every ONNX operator: onnx_node_tests.txt says, for each
test, how it is expected to end:

  pass                    imported as written and matching the reference
  pass opset13            after onnx.version_converter lifts a model of an
                          opset below 11 (which seqc refuses) to opset 13
  pass constant-inputs    with the inputs after the first made initializers
                          (exporters write axes, pads, split sizes, scales as
                          constants; seqc needs those known when it compiles)
  pass opset13 constant-inputs
  refused                 seqc exits with an error that names the model (an
                          operator, dtype or attribute outside seqc's scope)
  not-run                 inputs seq-run cannot feed (ONNX sequences and
                          optionals, maps): only compiled, which must not
                          crash

A test that fails to match, crashes or times out, and a refused test that
now passes (update the list), fail the run. Tests the list does not name (a
newer onnx package) only must not crash. `--update` rewrites the list from
what seqc does now.

    onnx_node_tests.py --seqc build/bin/seqc --seq-run build/bin/seq-run
                       [--work DIR] [--update] [NAME-SUBSTRING ...]

Needs python3-onnx (Debian 12: onnx 1.12, whose tests are of opsets up to
17) and NumPy; not PyTorch.
"""

import argparse
import concurrent.futures
import os
import shutil
import subprocess
import sys

import numpy as np

# onnx 1.12's test generators use NumPy aliases NumPy 1.24 removed.
for _alias, _type in (("float", float), ("int", int), ("bool", bool),
                      ("object", object)):
    if _alias not in np.__dict__:
        setattr(np, _alias, _type)

import onnx  # noqa: E402
from onnx import TensorProto, version_converter  # noqa: E402
import onnx.backend.test.case.node as node_cases  # noqa: E402

RTOL, ATOL = 1e-3, 1e-7
TIMEOUT_S = 120


def tensor_input_types(model):
    """The ONNX element type of each graph input, None for a non-tensor."""
    return [i.type.tensor_type.elem_type if i.type.HasField("tensor_type")
            else None for i in model.graph.input]


def bf16_to_f32(a):
    """ONNX's bfloat16 arrays hold the bits as uint16 (onnx 1.12)."""
    if a.dtype == np.uint16:
        return (a.astype(np.uint32) << 16).view(np.float32)
    return a.astype(np.float32)


def f32_to_bf16_rounded(a):
    """bfloat16 bits of f32 `a`, rounded to nearest even (NaN stays NaN)."""
    bits = np.asarray(a, np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16
    quiet = (bits >> 16) | 0x40
    return np.where(np.isnan(a), quiet, rounded).astype(np.uint16)


def expected_outputs(case):
    """ONNX's expected outputs, except where onnx 1.12's reference is not
    what the spec says: its Cast to BFLOAT16 truncates the f32 bits, where
    PyTorch's `.bfloat16()` and ONNX's reference since 1.14 round to
    nearest even (as seqc does)."""
    inputs, outputs = case.data_sets[0]
    if case.name.startswith(("test_cast_FLOAT_to_BFLOAT16",
                             "test_castlike_FLOAT_to_BFLOAT16")):
        return [f32_to_bf16_rounded(inputs[0])]
    return outputs


def initializer(info, value):
    """`value` as an initializer of the dtype `info` declares (NumPy has no
    bfloat16: onnx 1.12 gives its bits as uint16)."""
    value = np.asarray(value)
    if info.type.tensor_type.elem_type == TensorProto.BFLOAT16:
        return onnx.helper.make_tensor(info.name, TensorProto.BFLOAT16,
                                       value.shape, value.tobytes(), raw=True)
    return onnx.numpy_helper.from_array(value, info.name)


def transform(model, inputs, steps):
    """The model and the inputs still fed, after each named step."""
    if "opset13" in steps:
        model = version_converter.convert_version(model, 13)
    if "constant-inputs" in steps:
        model = onnx.ModelProto.FromString(model.SerializeToString())
        kept = model.graph.input[:1]
        for info, value in zip(model.graph.input[1:], inputs[1:]):
            model.graph.initializer.append(initializer(info, value))
        del model.graph.input[:]
        model.graph.input.extend(kept)
        inputs = inputs[:1]
    return model, inputs


def run(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True,
                           timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        return None, "timed out"
    return r.returncode, (r.stdout + r.stderr)


def crashed(rc, text):
    return rc is None or rc < 0 or any(
        s in text for s in ("PLEASE submit", "LLVM ERROR", "Assertion",
                            "Sanitizer", "Segmentation"))


def compare(model, outputs, out_dir):
    """Problems of seq-run's outputs against ONNX's expected ones."""
    problems = []
    for info, ref in zip(model.graph.output, outputs):
        ref = np.asarray(ref)
        if info.type.tensor_type.elem_type == TensorProto.BFLOAT16:
            ref = bf16_to_f32(ref)
        path = os.path.join(out_dir, info.name + ".npy")
        if not os.path.exists(path):
            problems.append(f"{info.name}: no output written")
            continue
        got = np.load(path)
        if got.shape != ref.shape:
            problems.append(f"{info.name}: shape {got.shape}, expected "
                            f"{ref.shape}")
        elif got.dtype != ref.dtype:
            problems.append(f"{info.name}: dtype {got.dtype}, expected "
                            f"{ref.dtype}")
        elif ref.dtype.kind in "fc":
            if not np.allclose(got, ref, rtol=RTOL, atol=ATOL,
                               equal_nan=True):
                err = np.nanmax(np.abs(got.astype(np.float64) -
                                       ref.astype(np.float64)))
                problems.append(f"{info.name}: values differ (max abs "
                                f"error {err:.3g})")
        elif not np.array_equal(got, ref):
            problems.append(f"{info.name}: values differ")
    return problems


def attempt(case, steps, args, work):
    """('pass' | 'refused' | 'not-run' | 'FAIL' | 'CRASH', detail)."""
    model, inputs = case.model, case.data_sets[0][0]
    outputs = expected_outputs(case)
    try:
        model, inputs = transform(model, list(inputs), steps)
    except Exception as e:  # the converter refuses some old models
        return "refused", f"onnx.version_converter: {e}"
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "model.onnx")
    onnx.save(model, path)
    types = tensor_input_types(model)
    if None in types:
        rc, text = run([args.seqc, path, "--emit=mlir", "-o", os.devnull])
        if crashed(rc, text):
            return "CRASH", text[-1500:]
        return "not-run", "non-tensor inputs"
    lib = os.path.join(work, "model")
    rc, text = run([args.seqc, path, "--emit=shared", "--mcpu=x86-64",
                    "-o", lib])
    if crashed(rc, text):
        return "CRASH", text[-1500:]
    if rc != 0:
        if "error:" not in text:
            return "FAIL", "refused without an error message:\n" + text
        return "refused", text.strip().splitlines()[0][:300]
    cmd = [args.seq_run, lib + ".so", "--output-dir",
           os.path.join(work, "out")]
    for k, (info, value) in enumerate(zip(model.graph.input, inputs)):
        value = np.asarray(value)
        if types[k] == TensorProto.BFLOAT16:
            value = bf16_to_f32(value)
        f = os.path.join(work, f"input{k}.npy")
        np.save(f, value)
        cmd += ["--input", f"{info.name}={f}"]
    rc, text = run(cmd)
    if crashed(rc, text):
        return "CRASH", text[-1500:]
    if rc != 0:
        # Compiled, then refused at run time (a check on the input's sizes).
        if "error:" not in text:
            return "FAIL", "seq-run failed without an error message:\n" + text
        return "refused", text.strip().splitlines()[-1][:300]
    problems = compare(model, outputs, os.path.join(work, "out"))
    return ("FAIL", "; ".join(problems)) if problems else ("pass", "")


OPSET_STEPS = ("opset13",)
CONSTANT_STEPS = ("constant-inputs",)


def search(case, args, work):
    """What seqc does with a test: the first way it passes, else refused."""
    status, detail = attempt(case, (), args, work)
    steps = ()
    if status == "refused" and "opset" in detail and "supported: 11" in detail:
        steps = OPSET_STEPS
        status, detail = attempt(case, steps, args, work)
    if status == "refused" and len(case.model.graph.input) > 1:
        more = steps + CONSTANT_STEPS
        s, d = attempt(case, more, args, work)
        if s != "refused":
            steps, status, detail = more, s, d
    return status, steps, detail


def read_list(path):
    expected = {}
    with open(path) as f:
        for line in f:
            line = line.split("#")[0].split()
            if line:
                expected[line[0]] = (line[1], tuple(line[2:]))
    return expected


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--seqc", required=True)
    parser.add_argument("--seq-run", required=True)
    parser.add_argument("--work", default=os.path.join(os.getcwd(),
                                                       "onnx-node-tests"))
    parser.add_argument("--list", default=os.path.join(here,
                                                       "onnx_node_tests.txt"))
    parser.add_argument("--update", action="store_true")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()

    cases = [c for c in node_cases.collect_testcases(None)
             if not args.names or any(n in c.name for n in args.names)]
    expected = {} if args.update else read_list(args.list)
    shutil.rmtree(args.work, ignore_errors=True)

    def check(indexed):
        # (onnx 1.12 generates two cases under one name twice: each case its
        # own folder, or two workers would share, and delete, one.)
        index, case = indexed
        work = os.path.join(args.work, f"{index:04d}_{case.name}")
        if case.name not in expected:
            status, steps, detail = search(case, args, work)
            want = None
        else:
            want, steps = expected[case.name]
            status, detail = attempt(case, steps, args, work)
        shutil.rmtree(work, ignore_errors=True)
        return case.name, want, status, steps, detail

    with concurrent.futures.ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(check, enumerate(cases)))

    if args.update:
        with open(args.list, "w") as f:
            f.write("# ONNX backend node tests (onnx 1.12) and how each ends "
                    "in seqc;\n# written by onnx_node_tests.py --update, "
                    "read by its checks.\n")
            for name, _, status, steps, detail in sorted(results):
                if status in ("FAIL", "CRASH"):
                    print(f"{status} {name}: {detail}")
                    continue
                f.write(" ".join((name, status) + tuple(steps)) + "\n")

    passed = failed = 0
    counts = {}
    for name, want, status, steps, detail in results:
        counts[status] = counts.get(status, 0) + 1
        bad = status in ("FAIL", "CRASH") or (
            want is not None and status != want)
        if bad:
            failed += 1
            print(f"FAIL {name} ({' '.join(steps) or 'as written'}): "
                  f"{status}, expected {want or 'no crash'}: {detail}")
        else:
            passed += 1
            if want is None and not args.update and status == "pass":
                print(f"note: {name} passes and is not in {args.list}")
    print(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
