#!/usr/bin/env bash
# Builds the libFuzzer harnesses of test/Fuzz with clang-22 (ASan + UBSan,
# every library instrumented) and runs each for SECONDS (default 600), one
# after the other, from a corpus seeded with the test inputs:
#   fuzz_seq_import   .seq model descriptions (parser + importer)
#   fuzz_onnx_import  ONNX models (importer)
#   fuzz_safetensors  safetensors files (weights)
#   fuzz_npy          .npy files (seq-run's inputs)
#   fuzz_signature    compiled models' signature text (runtime)
#
#   scripts/fuzz.sh [SECONDS] [BUILD_DIR] [FUZZER...]
#
# With SEQC_FUZZ_RUNS=N each fuzzer instead runs N inputs from a fixed
# seed (-seed=1), so that the result does not depend on the machine's speed:
# what CTest's fuzz.smoke does.
#
# SEQC_FUZZ_OPT (default -O1) is the optimization level of a BUILD_DIR
# configured here (an existing one keeps its own). CTest's fuzz.smoke uses
# -O0: it builds the instrumented importers and dialect in about a quarter
# of -O1's time (ASan at -O1 spends minutes on the generated op classes),
# and its 3000 inputs per fuzzer still run in seconds; a campaign wants -O1's
# executions per second.
#
# A finding stops the run with the fuzzer's report and a reproducer
# (crash-*) in BUILD_DIR/fuzz-findings; once fixed, the reproducer goes in
# test/Fuzz/corpus/ (onnx/, signature/), which seeds every later run. CTest runs it as fuzz.smoke with a
# few seconds per fuzzer; a real campaign is `scripts/fuzz.sh 600`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${1:-600}"
build="${2:-$root/build-fuzz}"
shift $(( $# < 2 ? $# : 2 ))
fuzzers=("$@")
[[ ${#fuzzers[@]} -gt 0 ]] || fuzzers=(fuzz_seq_import fuzz_onnx_import
  fuzz_safetensors fuzz_npy fuzz_signature)

opt="${SEQC_FUZZ_OPT:--O1}"
if [[ ! -f "$build/build.ninja" ]]; then
  # Line tables only: symbolized reports, at a fraction of RelWithDebInfo's
  # compile time.
  CC=clang-22 CXX=clang++-22 cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DSEQC_FUZZ=ON -DSEQC_BUILD_TESTS=OFF \
    -DCMAKE_C_FLAGS_RELEASE="$opt -gline-tables-only -DNDEBUG" \
    -DCMAKE_CXX_FLAGS_RELEASE="$opt -gline-tables-only -DNDEBUG" >/dev/null
fi
cmake --build "$build" -j "${SEQC_JOBS:-2}" --target seqc-fuzzers >/dev/null

seeds() {
  case "$1" in
    fuzz_seq_import) find "$root/test" "$root/examples" -name '*.seq' ;;
    fuzz_onnx_import) find "$root/test" "$root/examples" -name '*.onnx' -size -200k ;;
    fuzz_safetensors) find "$root/test" "$root/examples" -name '*.safetensors' -size -200k ;;
    fuzz_npy) find "$root/test" -name '*.npy' -size -20k | awk 'NR <= 200' ;;
    fuzz_signature) find "$root/test/Fuzz/corpus/signature" -type f ;;
  esac
}

findings="$build/fuzz-findings"
mkdir -p "$findings"
# allow_user_poisoning=0: libMLIR/libLLVM are not instrumented, but the
# inline parts of LLVM's allocators (BumpPtrAllocator, Recycler) compiled
# into our instrumented code poison slabs that the uninstrumented library
# then uses legitimately; ASan's real checks (bounds, use after free) stay.
# allocator_may_return_null=1: a huge allocation that a signature asks for
# returns NULL as malloc would, and the code's out-of-memory path runs.
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allow_user_poisoning=0:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
passed=0
failed=0
for f in "${fuzzers[@]}"; do
  corpus="$build/fuzz-corpus/$f"
  mkdir -p "$corpus"
  seeds "$f" | while read -r s; do cp -f "$s" "$corpus/"; done
  log="$build/fuzz-$f.log"
  if [[ -n "${SEQC_FUZZ_RUNS:-}" ]]; then
    budget=(-runs="$SEQC_FUZZ_RUNS" -seed=1 -timeout=60)
    what="from seed 1"
  else
    budget=(-max_total_time="$seconds" -timeout=20)
    what="in ${seconds}s"
  fi
  if "$build/bin/$f" "${budget[@]}" -rss_limit_mb=4096 -print_final_stats=1 \
       -artifact_prefix="$findings/$f-" "$corpus" >"$log" 2>&1; then
    execs=$(grep -m1 'stat::number_of_executed_units' "$log" | awk '{print $2}')
    echo "$f: ${execs:-?} executions $what, no finding"
    passed=$((passed + 1))
  else
    echo "$f: FINDING (log: $log)"
    tail -n 40 "$log"
    failed=$((failed + 1))
  fi
done
echo "fuzz: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
