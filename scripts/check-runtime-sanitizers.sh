#!/usr/bin/env bash
# Builds the runtime alone with ASan + UBSan and runs its unit tests: the
# runtime is the part of seqc that ships inside applications, so it must be
# clean under both. Run by CTest as runtime.sanitizers.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${1:-$root/build/runtime-sanitizers}"
# -O1 with minimal debug information (line tables, enough for symbolized
# reports): about half the compile time of RelWithDebInfo, and most of
# this test's time is the build.
cmake -S "$root/runtime" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_C_FLAGS_RELEASE="-O1 -g1 -DNDEBUG" \
  -DCMAKE_CXX_FLAGS_RELEASE="-O1 -g1 -DNDEBUG" \
  -DSEQC_ENABLE_SANITIZERS=ON >/dev/null
cmake --build "$build" -j "${SEQC_JOBS:-2}"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$build" --output-on-failure
