#!/usr/bin/env bash
# Sets everything up (scripts/setup.sh) and runs the whole test suite: lit
# (FileCheck tests of ops, passes, pipelines and tools), the GoogleTest unit
# tests and the end-to-end numeric checks against PyTorch-made fixtures.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
"$root/scripts/setup.sh"
build="${SEQC_BUILD_DIR:-$root/build}"
ctest --test-dir "$build" --output-on-failure -j "${SEQC_JOBS:-2}"
