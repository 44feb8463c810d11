#!/usr/bin/env bash
# Benchmark: every saved query on the bare warehouse, then with 10k, 100k and
# 1M of the generator's synthetic user price rows loaded into pricing.
# Prints the load time, each query's time and its ratio to the bare time.
# Target: report queries at most 3x their bare time at 1M rows.
#
#   tests/bench/user_data.sh [RUNS] [SIZES...]    default 9 runs, 10000 100000 1000000
#
# A query's time is the median wall time of RUNS runs of `aigc run NAME
# --format csv` (the whole process: startup included, as a user sees it).
# Work files go to $BENCH_DIR (default: a fresh temp dir).
set -euo pipefail
cd "$(dirname "$0")/../.."
aigc=$PWD/build/aigc
gen=$PWD/build/aigc_gen_prices
[ -x "$aigc" ] && [ -x "$gen" ] || { echo "build first: bash .ci/setup" >&2; exit 2; }

runs=${1:-9}
shift || true
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(10000 100000 1000000)

work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
trap '[ -z "${BENCH_DIR:-}" ] && rm -rf "$work"' EXIT
export HOME=$work AIGC_DB=$work/unused.db

now() { date +%s.%N; }
# median_time DB NAME: median seconds of $runs runs of saved query NAME on DB.
median_time() {
  local db=$1 name=$2 t0 t1 i
  for ((i = 0; i < runs; i++)); do
    t0=$(now)
    "$aigc" --db "$db" run "$name" --format csv >/dev/null
    t1=$(now)
    echo "$t1 - $t0" | bc -l
  done | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
}

"$aigc" --db "$work/base.db" build --quiet
mapfile -t names < <("$aigc" --db "$work/base.db" queries --format csv | tail -n +2 | cut -d, -f1)
declare -A scope
while IFS=, read -r name s; do scope[$name]=$s; done < <(
  "$aigc" --db "$work/base.db" queries --format json | tr '{' '\n' | sed -n 's/.*"name": *"\([^"]*\)".*"scope": *"\([^"]*\)".*/\1,\2/p')

declare -A bare
for name in "${names[@]}"; do bare[$name]=$(median_time "$work/base.db" "$name"); done

echo "aigc $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $(nproc) cores; median of $runs runs per query (whole process)"
for n in "${sizes[@]}"; do
  "$gen" "$n" > "$work/p.csv"
  cp "$work/base.db" "$work/u.db"
  t0=$(now)
  "$aigc" --db "$work/u.db" load pricing "$work/p.csv" >/dev/null
  t1=$(now)
  printf '\n== %d user price rows: load %.2f s\n' "$n" "$(echo "$t1 - $t0" | bc -l)"
  printf '%-26s %-9s %9s %9s %7s\n' query scope "bare s" "loaded s" ratio
  for name in "${names[@]}"; do
    t=$(median_time "$work/u.db" "$name")
    awk -v n="$name" -v s="${scope[$name]:-?}" -v b="${bare[$name]}" -v t="$t" \
      'BEGIN { printf "%-26s %-9s %9.3f %9.3f %7.2f%s\n", n, s, b, t, t / b, (s == "report" && t / b > 3) ? "  > 3x" : "" }'
  done
  rm -f "$work/p.csv" "$work/u.db"
done
