#!/usr/bin/python3
"""Compiles every models/*.onnx with seqc, runs it with seq-run on the
fixtures that make_models.py wrote (sequence lengths unlike the export's)
and checks each output against PyTorch's: the same dtype, and values within
1e-4 of the output's scale (1e-3 for float16). A model that seqc gives a
streaming step api is also streamed along T in chunks of 1 and 2 steps
(a key/value cache of 32 steps), and the joined outputs checked the same
way: a step function is a promise that chunks give the run's numbers.

    run_models.py --seqc build/bin/seqc --seq-run build/bin/seq-run [--models DIR]

Needs only Python 3 and NumPy.
"""

import argparse
import glob
import os
import re
import subprocess
import sys
import tempfile

import numpy as np

TOLERANCE = 1e-4


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser()
    parser.add_argument("--seqc", required=True)
    parser.add_argument("--seq-run", required=True)
    parser.add_argument("--models", default=os.path.join(here, "models"))
    args = parser.parse_args()

    failures = 0
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for onnx_path in sorted(glob.glob(os.path.join(args.models, "*.onnx"))):
            name = os.path.splitext(os.path.basename(onnx_path))[0]
            base = os.path.join(tmp, name)
            # One version, not the default's one per x86-64 level.
            r = subprocess.run([args.seqc, onnx_path, "--emit=shared",
                                "--mcpu=x86-64", "-o", base],
                               capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAIL {name}: seqc failed\n{r.stderr}")
                failures += 1
                continue
            lengths = sorted({int(m.group(1)) for f in os.listdir(args.models)
                              for m in [re.match(re.escape(name) + r"\.t(\d+)\.", f)]
                              if m})
            if not lengths:
                print(f"FAIL {name}: no fixtures")
                failures += 1
            header = subprocess.run([args.seqc, onnx_path, "--emit=header",
                                     "-o", "-"], capture_output=True,
                                    text=True).stdout
            # (extra seq-run arguments, what the run is called)
            runs = [([], "")]
            if f"*{name}_step_api(void)" in header:
                cache = ["--dim", "capacity=32"] if "capacity" in header else []
                runs += [(["--stream-chunk", str(c)] + cache, f" chunk {c}")
                         for c in (1, 2)]
            for t, (extra, how) in ((t, r) for t in lengths for r in runs):
                prefix = os.path.join(args.models, f"{name}.t{t}.")
                inputs = sorted(glob.glob(prefix + "in.*.npy"))
                outputs = sorted(glob.glob(prefix + "out.*.npy"))
                out_dir = os.path.join(tmp, f"{name}.t{t}{how.replace(' ', '')}")
                os.makedirs(out_dir)
                cmd = [args.seq_run, base + ".so", "--output-dir", out_dir]
                for f in inputs:
                    cmd += ["--input", f"{f[len(prefix) + 3:-4]}={f}"]
                r = subprocess.run(cmd + extra, capture_output=True, text=True)
                if r.returncode != 0:
                    print(f"FAIL {name} T={t}{how}: seq-run failed\n{r.stderr}")
                    failures += 1
                    continue
                for f in outputs:
                    out = f[len(prefix) + 4:-4]
                    want = np.load(f)
                    got_path = os.path.join(out_dir, out + ".npy")
                    if not os.path.exists(got_path):
                        print(f"FAIL {name} T={t}: no output '{out}'")
                        failures += 1
                        continue
                    got = np.load(got_path)
                    # initial=0: an empty output (a slice past its end) has
                    # no largest element and no error.
                    scale = max(1.0, float(np.abs(want).max(initial=0.0)))
                    # float16 outputs are rounded to half an ulp of 2^-10.
                    tolerance = 1e-3 if want.dtype == np.float16 else TOLERANCE
                    err = (float(np.abs(got.astype(np.float64) -
                                        want.astype(np.float64)).max(
                                            initial=0.0)) / scale
                           if got.shape == want.shape else float("inf"))
                    ok = err <= tolerance and got.dtype == want.dtype
                    checked += 1
                    failures += not ok
                    print(f"{'ok  ' if ok else 'FAIL'} {name} T={t}{how} {out} "
                          f"{got.dtype}{list(got.shape)} max error {err:.2e}"
                          + ("" if got.dtype == want.dtype
                             else f" (PyTorch's dtype is {want.dtype})"))
    print(f"{checked} outputs checked, {failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
