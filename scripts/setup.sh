#!/usr/bin/env bash
# The single source of truth for what seqc needs on a Debian 12 machine:
# installs whatever is missing (idempotent, quiet when all is present), then
# configures and builds into build/ (or $SEQC_BUILD_DIR).
#
#   scripts/setup.sh            install + configure + build
#   SEQC_SKIP_INSTALL=1 ...     only configure + build
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${SEQC_BUILD_DIR:-$root/build}"
jobs="${SEQC_JOBS:-2}"

# Build and test dependencies, all from Debian 12's own archive.
packages=(
  build-essential cmake ninja-build git
  llvm-22-dev libmlir-22-dev mlir-22-tools llvm-22-tools
  libhwy-dev libgtest-dev libgmock-dev
  libonnx-dev libprotobuf-dev protobuf-compiler
  python3 python3-numpy python3-onnx   # python3-onnx: ONNX's node tests
  clang-22 libclang-rt-22-dev   # the compiler; libFuzzer (scripts/fuzz.sh)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$p")
done

if [[ ${#missing[@]} -gt 0 && -z "${SEQC_SKIP_INSTALL:-}" ]]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -ne 0 ]] && sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# clang-22 builds the tree (CC/CXX choose another): it compiles the
# MLIR-facing code in a third of GCC 12's CPU time (636 against 2,037 s for
# a whole build; GCC's 1 GB precompiled header is read, page by page, into
# every compile, where clang's loads what a file uses).
# A build tree copied or moved from another checkout names that one's
# sources: building it would build (and test) the other tree. Start over.
if [[ -f "$build/CMakeCache.txt" ]]; then
  cached="$(sed -n 's/^CMAKE_CACHEFILE_DIR:INTERNAL=//p' "$build/CMakeCache.txt")"
  if [[ "$(cd "$cached" 2>/dev/null && pwd -P)" != "$(cd "$build" && pwd -P)" ]]; then
    echo "setup: $build was configured for $cached; configuring it again"
    rm -rf "$build"
  fi
fi
if [[ ! -f "$build/build.ninja" ]]; then
  echo "setup: configuring $build; the first build takes 4 to 5 minutes on 2 cores"
  CC="${CC:-clang-22}" CXX="${CXX:-clang++-22}" cmake -S "$root" -B "$build" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release \
    -DLLVM_EXTERNAL_LIT=/usr/lib/llvm-22/bin/lit >/dev/null
fi
cmake --build "$build" -j "$jobs"
