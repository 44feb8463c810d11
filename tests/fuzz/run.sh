#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, with ASan and UBSan) and runs each
# for a bounded time, starting from a seed corpus of the tests' inputs.
#
#   tests/fuzz/run.sh [SECONDS] [TARGET...]     default 60 seconds; all targets
#
# Targets: csv_reader, load, params. The build goes to $AIGC_FUZZ_BUILD
# (default build/fuzz, beside the main build); each target's corpus grows in
# BUILD/tests/fuzz/TARGET/corpus and is kept for the next run. A crash is
# saved there as crash-* and the script exits non-zero; replay one with
#   BUILD/fuzz_TARGET BUILD/tests/fuzz/TARGET/crash-...
# then add the input to the doctest suite as a regression test.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(csv_reader load params)
build=${AIGC_FUZZ_BUILD:-$root/build/fuzz}
command -v clang++ >/dev/null || { echo "clang++ is missing: apt-get install clang libclang-rt-14-dev" >&2; exit 2; }

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" \
      -DCMAKE_CXX_COMPILER=clang++ -DAIGC_FUZZ=ON -DAIGC_WERROR=ON -DAIGC_FUZZ_SECONDS="$seconds" >/dev/null
cmake --build "$build" -j"${JOBS:-2}" --target "${targets[@]/#/fuzz_}"

status=0
for t in "${targets[@]}"; do
  echo "== fuzz_$t: $seconds s"
  ctest --test-dir "$build" -R "^fuzz_$t\$" --timeout $((seconds + 300)) --output-on-failure || status=1
  ls "$build/tests/fuzz/$t"/crash-* "$build/tests/fuzz/$t"/leak-* "$build/tests/fuzz/$t"/timeout-* 2>/dev/null || true
done
exit $status
