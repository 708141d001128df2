#!/usr/bin/env python3
"""For each model, checks that `seq-opt` replaying the documented phases on
the imported module writes, byte for byte, the MLIR `seqc --emit=lowered`
writes (compiler/Pipelines/README.md):

    seqc MODEL --emit=mlir --mlir-print-debuginfo -o - |
      seq-opt --seqc-model-abi='name=N' --seqc-cpu-pipeline='vector-width=4'

A .seq model is named by its `model NAME` (no name= option); other inputs
take the file's stem, as seqc does. Extra `--variant SEQC_FLAGS|ABI|CPU`
triples check seqc flags against the pipeline options they map to, on the
first model or on the one a fourth field `|MODEL` names.

    replay.py --seqc seqc --seq-opt seq-opt [--variant ...] MODEL...
"""

import argparse
import os
import shlex
import subprocess
import sys
import tempfile


def lowered_by_seqc(seqc, model, work, flags):
    stem = os.path.splitext(os.path.basename(model))[0]
    base = os.path.join(work, stem)
    # The replay's vector-width=4 is x86-64's; a variant's --mcpu comes later
    # and wins.
    subprocess.run([seqc, model, "--emit=lowered", "--mcpu=x86-64", "-o",
                    base] + flags, check=True)
    with open(base + ".lowered.mlir", "rb") as f:
        return f.read()


def lowered_by_seq_opt(seqc, seq_opt, model, abi, cpu):
    stem = os.path.splitext(os.path.basename(model))[0]
    imported = subprocess.run(
        [seqc, model, "--emit=mlir", "--mlir-print-debuginfo", "-o", "-"],
        check=True, capture_output=True).stdout
    options = [] if model.endswith(".seq") else ["name=" + stem]
    options += abi
    return subprocess.run(
        [seq_opt, "--seqc-model-abi=" + " ".join(options),
         "--seqc-cpu-pipeline=" + " ".join(["vector-width=4"] + cpu)],
        input=imported, check=True, capture_output=True).stdout


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seqc", required=True)
    parser.add_argument("--seq-opt", required=True)
    parser.add_argument("--variant", action="append", default=[],
                        help="'SEQC FLAGS|ABI OPTIONS|CPU OPTIONS[|MODEL]' "
                             "(default MODEL: the first)")
    parser.add_argument("models", nargs="+")
    args = parser.parse_args()
    runs = [(m, [], [], []) for m in args.models]
    for v in args.variant:
        parts = v.split("|")
        model = parts[3] if len(parts) > 3 else args.models[0]
        flags, abi, cpu = (shlex.split(part) for part in parts[:3])
        runs.append((model, flags, abi, cpu))
    differ = 0
    with tempfile.TemporaryDirectory() as work:
        for model, flags, abi, cpu in runs:
            if "--external-weights" in flags:
                abi = abi + ["weights-file=" + os.path.join(work, "w.st")]
            a = lowered_by_seqc(args.seqc, model, work, flags)
            b = lowered_by_seq_opt(args.seqc, args.seq_opt, model, abi, cpu)
            label = os.path.basename(model) + "".join(" " + f for f in flags)
            print(("same   " if a == b else "DIFFER ") + label, flush=True)
            differ += a != b
    print("%d of %d replay byte for byte" % (len(runs) - differ, len(runs)))
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
