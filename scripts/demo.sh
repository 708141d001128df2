#!/usr/bin/env bash
# The headline demo: sets everything up (scripts/setup.sh: dependencies, then
# configure and build, examples included), then runs the forecaster example:
# an LSTM compiled by seqc streams a noisy sine wave one step at a time and
# forecasts it, checked against PyTorch, with its per-step latency.
#
#   scripts/demo.sh            (SEQC_BUILD_DIR, SEQC_JOBS as for setup.sh)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEQC_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
app="$build/bin/forecaster"
if [[ ! -x "$app" ]]; then
  echo "demo: $app was not built (see examples/CMakeLists.txt)" >&2
  exit 1
fi
echo
echo "== examples/forecaster (model: examples/forecaster/forecaster.mlir)"
"$app" "$root/examples/forecaster/data"
