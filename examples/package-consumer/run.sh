#!/usr/bin/env bash
# Checks find_package(seqc) end to end: installs the seqc build tree BUILD
# into a temporary prefix, then configures, builds and runs the consumer
# project SRC against it, compiling MODEL with the installed seqc.
#   run.sh BUILD SRC MODEL [DATA_DIR]
set -euo pipefail
build="$1" src="$2" model="$3" data="${4:-}"
work="$(mktemp -d "${TMPDIR:-/tmp}/seqc-package.XXXXXX")"
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" >/dev/null
echo "installed into $work/prefix:"
(cd "$work/prefix" && find bin lib/cmake include/seqc -maxdepth 2 | sort | sed 's/^/  /')
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
cmake -S "$src" -B "$work/build" "${generator[@]}" \
  -DCMAKE_PREFIX_PATH="$work/prefix" -DSEQC_MODEL="$model"
cmake --build "$work/build"
"$work/build/consumer" ${data:+"$data"}
"$work/build/consumer_external" ${data:+"$data"}
