#!/usr/bin/env bash
# Builds the whole tree (compiler, tools, runtime) with ASan + UBSan in its
# own build directory and runs the lit suite there: every importer, pass and
# driver path the tests reach, checked for memory errors and undefined
# behaviour. CI keeps to the runtime's sanitizer build (runtime.sanitizers)
# and the fuzzers (fuzz.smoke); this is the one command for the rest.
#
#   scripts/sanitize.sh [BUILD_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build-sanitize}"
if [[ ! -f "$build/build.ninja" ]]; then
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DSEQC_SANITIZE=ON -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
fi
cmake --build "$build" -j "${SEQC_JOBS:-2}" --target seqc seq-opt seq-run \
  seqc_fake_model
# The models seqc compiles are not instrumented; the tools are. Leaks in the
# tools' one-shot process exits are not findings.
# allow_user_poisoning=0: see scripts/fuzz.sh (libMLIR is not instrumented).
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allow_user_poisoning=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
/usr/lib/llvm-22/bin/lit -s "$build/test"
