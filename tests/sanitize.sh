#!/usr/bin/env bash
# The whole test suite under AddressSanitizer and UndefinedBehaviorSanitizer
# (and LeakSanitizer), in a build of its own.
#
#   tests/sanitize.sh [BUILD_DIR]          default build/asan (beside the main build)
#
# The compiler is CMake's default (g++) unless CXX says otherwise. JOBS sets
# the parallelism (default 2). About 6 minutes on 2 cores: 4 to build, 2 to
# test. .ci/test runs it; the fuzz targets have their own script,
# tests/fuzz/run.sh.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/asan}
jobs=${JOBS:-2}
# -O1 with line tables only: half the build time of -O2 -g, stack traces
# still name file and line, and assert() stays on (no NDEBUG).
config=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DAIGC_SANITIZE=ON -DAIGC_WERROR=ON)
cmake -S "$root" -B "$build" -G Ninja "${config[@]}" >/dev/null
cmake --build "$build" -j"$jobs"

# A sanitizer report must not pass for an ordinary failure: by default both
# exit with status 1, which is also aigc's "data error". Abort instead
# (status 134), which no test expects.
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:strict_string_checks=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-abort_on_error=1:print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" --output-on-failure -j"$jobs"
