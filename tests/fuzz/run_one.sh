#!/usr/bin/env bash
# Runs one libFuzzer target for a bounded time.
#
#   run_one.sh FUZZER WORKDIR SECONDS [SEED_DIR...]
#
# The corpus grows in WORKDIR/corpus (kept between runs); the seed
# directories are only read. A crash, leak, timeout or sanitizer report is
# saved as WORKDIR/crash-* (or leak-*, timeout-*) and makes the exit status
# non-zero. A dictionary NAME.dict beside this script is used when present.
set -euo pipefail
fuzzer=$1 work=$2 seconds=$3
shift 3
mkdir -p "$work/corpus"
name=$(basename "$fuzzer")
dict="$(dirname "$0")/${name#fuzz_}.dict"
args=(-max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$work/")
[[ -f $dict ]] && args+=(-dict="$dict")
seeds=()
for d in "$@"; do [[ -d $d ]] && seeds+=("$d"); done
exec "$fuzzer" "${args[@]}" "$work/corpus" "${seeds[@]}"
