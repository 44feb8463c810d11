#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer
# (and LeakSanitizer), in a build of its own.
#
#   tests/sanitize.sh [BUILD_DIR]          default /tmp/aigc-build-asan
#
# CXX picks the compiler (the default one, g++, unless set). With
# AIGC_FUZZ_SECONDS=N the build uses clang++ with AIGC_FUZZ=ON, so the same
# run also fuzzes each libFuzzer target for N seconds (CI does this: one
# extra build covers both). JOBS sets the parallelism (default 2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-/tmp/aigc-build-asan}
jobs=${JOBS:-2}
config=(-DCMAKE_BUILD_TYPE=RelWithDebInfo -DAIGC_SANITIZE=ON)
if [[ -n ${AIGC_FUZZ_SECONDS:-} ]]; then
  config+=(-DCMAKE_CXX_COMPILER="${CXX:-clang++}" -DAIGC_FUZZ=ON -DAIGC_FUZZ_SECONDS="$AIGC_FUZZ_SECONDS")
fi
cmake -S "$root" -B "$build" -G Ninja "${config[@]}" >/dev/null
cmake --build "$build" -j"$jobs"

# A sanitizer report must not pass for an ordinary failure: by default both
# exit with status 1, which is also aigc's "data error". Abort instead
# (status 134), which no test expects.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-abort_on_error=1:print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" --output-on-failure -j"$jobs"
