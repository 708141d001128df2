#!/usr/bin/env python3
"""End-to-end numeric checks: compile every fixture case with seqc, run it
with seq-run and compare with the expected outputs that PyTorch (or the
independent NumPy reference) produced.

For each test/Integration/fixtures/<case>/case.json this writes a seq-dialect
model whose inputs are the fixture's inputs (weights included, so one compiled
model serves any values) with dynamic batch and sequence dimensions, compiles
it to a shared library, runs it on the fixture's .npy files and checks every
output to 1e-4 of the output's scale (max |expected|, at least 1).

Needs only python3 and numpy; the fixtures are committed.

  run_fixtures.py --seqc build/bin/seqc --seq-run build/bin/seq-run \
      [--filter SUBSTRING] [--keep DIR]
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "fixtures")
RTOL = 1e-4

MLIR_DTYPES = {
    np.dtype("float32"): "f32",
    np.dtype("int32"): "i32",
    np.dtype("int64"): "i64",
    np.dtype("bool"): "i1",
}


class Tensor:
    """One function argument or result: name, static shape, element type and
    which dimensions are dynamic (with their names)."""

    def __init__(self, name, shape, dtype, dims=None):
        self.name = name
        self.shape = list(shape)
        self.dtype = dtype
        self.dims = dims or [""] * len(shape)

    def type(self):
        sizes = ["?" if d else str(s) for s, d in zip(self.shape, self.dims)]
        return "tensor<" + "x".join(sizes + [self.dtype]) + ">"

    def attrs(self):
        dims = ", ".join('"%s"' % d for d in self.dims)
        return '{seq.name = "%s", seq.dims = [%s]}' % (self.name, dims)


def dense_literal(array):
    """An f32 array as an MLIR dense attribute (little-endian hex bytes)."""
    data = np.ascontiguousarray(array, dtype="<f4").tobytes()
    return 'dense<"0x%s">' % data.hex().upper()


def mlir_float(value):
    """A float literal MLIR parses (it rejects '1e-06': no '.')."""
    return "%.9e" % float(value)


def activation_attr(act):
    text = "#seq.act<" + act["name"]
    if act.get("alpha") is not None:
        text += ", alpha = " + mlir_float(act["alpha"])
    if act.get("beta") is not None:
        text += ", beta = " + mlir_float(act["beta"])
    return text + ">"


def load_inputs(case_dir, case):
    arrays = {}
    for name, file in case["inputs"].items():
        arrays[name] = np.load(os.path.join(case_dir, file))
    return arrays


def recurrence_model(case, arrays):
    op = case["op"]
    a = case["attributes"]
    batch_major = a.get("layout", 0) == 1
    x_dims = ["B", "T", ""] if batch_major else ["T", "B", ""]
    state_dims = ["B", "", ""] if batch_major else ["", "B", ""]
    roles = [("X", None, x_dims), ("W", None, None), ("R", None, None),
             ("B", "bias", None), ("initial_h", "initial_h", state_dims),
             ("initial_c", "initial_c", state_dims),
             ("P", "peepholes", None), ("proj", "projection", None),
             ("sequence_lens", "sequence_lens", ["B"])]
    args, operands, groups = [], [], ""
    for key, keyword, dims in roles:
        if key not in arrays:
            continue
        arr = arrays[key]
        t = Tensor(key, arr.shape, MLIR_DTYPES[arr.dtype], dims)
        args.append(t)
        if keyword is None:
            operands.append("%" + key)
        else:
            groups += " %s(%%%s)" % (keyword, key)
    direction = a.get("direction", "forward")
    if direction != "forward":
        groups += " direction(%s)" % direction
    if batch_major:
        groups += " layout(batch_major)"
    attrs = ["hidden_size = %d : i64" % a["hidden_size"]]
    if a.get("activations"):
        attrs.append("activations = [%s]" % ", ".join(
            activation_attr(x) for x in a["activations"]))
    if a.get("clip") is not None:
        attrs.append("clip = %s : f32" % mlir_float(a["clip"]))
    if a.get("input_forget"):
        attrs.append("input_forget")
    if a.get("linear_before_reset"):
        attrs.append("linear_before_reset")

    outs = []
    y_dims = ["B", "T", "", ""] if batch_major else ["T", "", "B", ""]
    for key in ["Y", "Y_h", "Y_c"]:
        if key not in case["outputs"]:
            continue
        shape = case["shapes"][key]
        dims = y_dims if key == "Y" else state_dims
        outs.append(Tensor(key, shape, "f32", dims))
    results = ", ".join("%" + t.name for t in outs)
    body = "  %s = seq.%s %s%s {%s}\n    : (%s) -> (%s)\n" % (
        results, op, ", ".join(operands), groups, ", ".join(attrs),
        ", ".join(t.type() for t in args), ", ".join(t.type() for t in outs))
    return args, outs, body


def attention_model(case, arrays):
    a = case["attributes"]
    q, k, v = (Tensor(n, arrays[n].shape, "f32",
                      ["B", "", "Lq" if n == "q" else "Lk", ""])
               for n in ("q", "k", "v"))
    args = [q, k, v]
    groups = ""
    if "mask" in arrays:
        m = arrays["mask"]
        args.append(Tensor("mask", m.shape, MLIR_DTYPES[m.dtype]))
        groups += " mask(%mask)"
    if "relative_bias" in arrays:
        t = arrays["relative_bias"]
        args.append(Tensor("relative_bias", t.shape, "f32"))
        groups += " relative_bias(%relative_bias)"
    if a.get("causal"):
        groups += " causal(%s)" % a.get("causal_alignment", "top_left")
    attrs = []
    if a.get("window") is not None:
        attrs.append("window = array<i64: %d, %d>" % tuple(a["window"]))
    if a.get("scale") is not None:
        attrs.append("scale = %s : f32" % mlir_float(a["scale"]))
    if a.get("alibi_slopes") is not None:
        attrs.append("alibi_slopes = array<f32: %s>" % ", ".join(
            mlir_float(m) for m in a["alibi_slopes"]))
    out = Tensor("out", case["shapes"]["out"], "f32", ["B", "", "Lq", ""])
    body = "  %%out = seq.attention %%q, %%k, %%v%s %s\n    : (%s) -> %s\n" % (
        groups, "{%s}" % ", ".join(attrs) if attrs else "",
        ", ".join(t.type() for t in args), out.type())
    return args, [out], body


def conv1d_model(case, arrays):
    a = case["attributes"]
    args = [Tensor("x", arrays["x"].shape, "f32", ["B", "", "T"]),
            Tensor("w", arrays["w"].shape, "f32")]
    groups = ""
    if "b" in arrays:
        args.append(Tensor("b", arrays["b"].shape, "f32"))
        groups = " bias(%b)"
    attrs = ["stride = %d : i64" % a["stride"],
             "dilation = %d : i64" % a["dilation"],
             "groups = %d : i64" % a["groups"]]
    if a.get("causal"):
        attrs.append("causal")
    elif any(a.get("padding", [0, 0])):
        attrs.append("padding = array<i64: %d, %d>" % tuple(a["padding"]))
    out = Tensor("y", case["shapes"]["y"], "f32", ["B", "", "?"])
    body = "  %%y = seq.conv1d %%x, %%w%s {%s}\n    : (%s) -> %s\n" % (
        groups, ", ".join(attrs), ", ".join(t.type() for t in args),
        out.type())
    return args, [out], body


def leading_dynamic(shape):
    return ["N"] + [""] * (len(shape) - 1)


def glue_model(case, arrays):
    op = case["op"]
    a = case["attributes"]
    y_shape = case["shapes"]["y"]
    if op == "linear":
        args = [Tensor("x", arrays["x"].shape, "f32",
                       leading_dynamic(arrays["x"].shape))]
        w = Tensor("w", arrays["w"].shape, "f32")
        prologue = ""
        if a.get("constant_weights"):
            # A weight compiled into the model (what the front ends make of
            # stored weights), not an input: it takes the packed path.
            prologue = "  %%w = arith.constant %s : %s\n" % (
                dense_literal(arrays["w"]), w.type())
        else:
            args.append(w)
        operand_types = [args[0].type(), w.type()]
        groups = ""
        if "b" in arrays:
            args.append(Tensor("b", arrays["b"].shape, "f32"))
            operand_types.append(args[-1].type())
            groups = " bias(%b)"
        out = Tensor("y", y_shape, "f32", leading_dynamic(y_shape))
        body = "%s  %%y = seq.linear %%x, %%w%s\n    : (%s) -> %s\n" % (
            prologue, groups, ", ".join(operand_types), out.type())
        return args, [out], body
    elif op in ("layer_norm", "rms_norm"):
        args = [Tensor("x", arrays["x"].shape, "f32",
                       leading_dynamic(arrays["x"].shape))]
        groups = ""
        for key in ("scale", "bias"):
            if key in arrays:
                args.append(Tensor(key, arrays[key].shape, "f32"))
                groups += " %s(%%%s)" % (key, key)
        text = "seq.%s %%x%s {epsilon = %s : f32, axis = %d : i64}" % (
            op, groups, mlir_float(a["epsilon"]), a["axis"])
    elif op == "softmax":
        # Upstream linalg.softmax: the dialect has no softmax op of its own.
        x = Tensor("x", arrays["x"].shape, "f32",
                   leading_dynamic(arrays["x"].shape))
        out = Tensor("y", y_shape, "f32", leading_dynamic(y_shape))
        rank = len(arrays["x"].shape)
        axis = a["axis"] % rank
        body = ("  %%c0 = arith.constant 0 : index\n"
                "  %%n = tensor.dim %%x, %%c0 : %s\n"
                "  %%init = tensor.empty(%%n) : %s\n"
                "  %%y = linalg.softmax dimension(%d) ins(%%x : %s) "
                "outs(%%init : %s) -> %s\n") % (
                    x.type(), out.type(), axis, x.type(), out.type(),
                    out.type())
        return [x], [out], body
    elif op == "embedding":
        idx = arrays["indices"]
        args = [Tensor("indices", idx.shape, MLIR_DTYPES[idx.dtype],
                       leading_dynamic(idx.shape)),
                Tensor("table", arrays["table"].shape, "f32")]
        text = "seq.embedding %indices, %table"
    else:  # an activation
        x = Tensor("x", arrays["x"].shape, "f32",
                   leading_dynamic(arrays["x"].shape))
        out = Tensor("y", y_shape, "f32", leading_dynamic(y_shape))
        body = "  %%y = seq.activation <%s> %%x : %s\n" % (op, x.type())
        return [x], [out], body
    out = Tensor("y", y_shape, "f32", leading_dynamic(y_shape))
    body = "  %%y = %s\n    : (%s) -> %s\n" % (
        text, ", ".join(t.type() for t in args), out.type())
    return args, [out], body


def build_model(case, arrays):
    op = case["op"]
    if op in ("rnn", "lstm", "gru"):
        args, outs, body = recurrence_model(case, arrays)
    elif op == "attention":
        args, outs, body = attention_model(case, arrays)
    elif op == "conv1d":
        args, outs, body = conv1d_model(case, arrays)
    else:
        args, outs, body = glue_model(case, arrays)
    signature = ", ".join("%%%s: %s %s" % (t.name, t.type(), t.attrs())
                          for t in args)
    results = ", ".join("%s %s" % (t.type(), t.attrs()) for t in outs)
    ret = "  return %s : %s\n" % (", ".join("%" + t.name for t in outs),
                                  ", ".join(t.type() for t in outs))
    return "func.func @model(%s) -> (%s) {\n%s%s}\n" % (
        signature, results, body, ret)


def check(case_dir, case, out_dir):
    failures = []
    for name, file in case["outputs"].items():
        expected = np.load(os.path.join(case_dir, file))
        got_path = os.path.join(out_dir, name + ".npy")
        if not os.path.exists(got_path):
            failures.append("output %s was not written" % name)
            continue
        got = np.load(got_path)
        if got.shape != expected.shape:
            failures.append("output %s has shape %s, expected %s" %
                            (name, got.shape, expected.shape))
            continue
        scale = max(1.0, float(np.max(np.abs(expected))) if expected.size else 1.0)
        err = float(np.max(np.abs(got.astype(np.float64) - expected))) \
            if expected.size else 0.0
        if not np.isfinite(err) or err > RTOL * scale:
            failures.append("output %s differs by %.3g (tolerance %.3g)" %
                            (name, err, RTOL * scale))
    return failures


def run_case(name, args, work):
    case_dir = os.path.join(FIXTURES, name)
    with open(os.path.join(case_dir, "case.json")) as f:
        case = json.load(f)
    arrays = load_inputs(case_dir, case)
    case_work = os.path.join(work, name)
    os.makedirs(case_work, exist_ok=True)
    model_path = os.path.join(case_work, "model.mlir")
    with open(model_path, "w") as f:
        f.write(build_model(case, arrays))
    base = os.path.join(case_work, "model")
    # One version, not the default's one per x86-64 level (three times the
    # compile time; test/seqc/cpu-dispatch.test checks the default).
    compiled = subprocess.run(
        [args.seqc, model_path, "--emit=shared", "--mcpu=x86-64", "-o", base],
        capture_output=True, text=True)
    if compiled.returncode != 0:
        return ["seqc failed:\n" + compiled.stderr.strip()]
    out_dir = os.path.join(case_work, "out")
    command = [args.seq_run, base + ".so", "--output-dir", out_dir]
    for key, file in case["inputs"].items():
        command += ["--input", "%s=%s" % (key, os.path.join(case_dir, file))]
    ran = subprocess.run(command, capture_output=True, text=True)
    if ran.returncode != 0:
        return ["seq-run failed:\n" + ran.stderr.strip()]
    return check(case_dir, case, out_dir)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seqc", required=True)
    parser.add_argument("--seq-run", required=True)
    parser.add_argument("--filter", default="")
    parser.add_argument("--keep", help="keep the generated files here")
    args = parser.parse_args()

    cases = sorted(d for d in os.listdir(FIXTURES)
                   if os.path.exists(os.path.join(FIXTURES, d, "case.json"))
                   and args.filter in d)
    work = args.keep or tempfile.mkdtemp(prefix="seqc-e2e-")
    passed = failed = 0
    for name in cases:
        failures = run_case(name, args, work)
        if failures:
            failed += 1
            print("FAIL %s" % name)
            for f in failures:
                print("    " + f.replace("\n", "\n    "))
        else:
            passed += 1
            print("PASS %s" % name)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or not cases else 0


if __name__ == "__main__":
    sys.exit(main())
