#!/usr/bin/env bash
# Benchmark: aigc against the sqlite3 shell, in the same run, on the same
# machine, alternating which goes first. Prints medians, ratios
# (aigc / sqlite3; below 1 means aigc is faster) and aigc's peak memory.
#
#   tests/bench/run.sh [ROWS] [ROUNDS]        default 1000000 rows, 5 rounds
#   tests/bench/run.sh --memory               peak memory of import and load at 100k, 1M and 3M rows
#
# Needs: a build in build/ (bash .ci/setup), sqlite3 and GNU time (installed
# by .ci/setup). Work files go to $BENCH_DIR (default: a fresh temp dir).
set -euo pipefail
cd "$(dirname "$0")/../.."
aigc=$PWD/build/aigc
gen=$PWD/build/aigc_gen_prices
[ -x "$aigc" ] && [ -x "$gen" ] || { echo "build first: bash .ci/setup" >&2; exit 2; }
command -v sqlite3 >/dev/null || { echo "sqlite3 is missing: bash .ci/setup installs it" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "GNU time is missing: bash .ci/setup installs it" >&2; exit 2; }

work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
trap '[ -z "${BENCH_DIR:-}" ] && rm -rf "$work"' EXIT

# measure NAME CMD...: runs CMD, appends "NAME seconds peak_kb" to $work/times.
measure() {
  local name=$1; shift
  /usr/bin/time -f "%e %M" -o "$work/t" "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
  echo "$name $(cat "$work/t")" >> "$work/times"
}

base=$work/base.db
"$aigc" --db "$base" build --quiet

if [ "${1:-}" = "--memory" ]; then
  printf '%-10s %12s %14s %14s\n' rows "file MB" "import peak MB" "load peak MB"
  for n in 100000 1000000 3000000; do
    "$gen" "$n" > "$work/p.csv"
    : > "$work/times"
    cp "$base" "$work/i.db"; measure import "$aigc" --db "$work/i.db" import "$work/p.csv" --as t
    cp "$base" "$work/a.db"; measure load "$aigc" --db "$work/a.db" load pricing "$work/p.csv"
    awk -v n="$n" -v size="$(stat -c %s "$work/p.csv")" '
      $1 == "import" { imp = $3 } $1 == "load" { ld = $3 }
      END { printf "%-10d %12.0f %14.1f %14.1f\n", n, size / 1048576, imp / 1024, ld / 1024 }' "$work/times"
    rm -f "$work/p.csv" "$work/i.db" "$work/a.db"
  done
  exit 0
fi

rows=${1:-1000000}
rounds=${2:-5}
csv=$work/prices.csv
"$gen" "$rows" > "$csv"
echo "input: $rows rows, $(( $(stat -c %s "$csv") / 1048576 )) MB; $rounds rounds; $(nproc) cores; $(sqlite3 --version | cut -d' ' -f1-2)"

# The SQL of a small saved query, for sqlite3 to run as a whole process.
small_sql=$(grep -v '^--' queries/api_prices.sql)
# Columns named, so a column the generator does not write (assumption_gap)
# takes its default, as it does in aigc's load.
sqlite3_insert="INSERT INTO main.pricing (pricing_id, product_id, billing_basis, direction, unit, unit_stated,
  price_min, price_max, currency, open_ended, free_tier, revenue_model, as_of, price_text, section_id, source_line,
  source_quote, source_note) SELECT pricing_id, product_id, billing_basis, direction, unit, unit_stated,
  price_min, price_max, currency, open_ended, free_tier, revenue_model, as_of, price_text, NULLIF(section_id, ''),
  NULLIF(source_line, ''), NULLIF(source_quote, ''), NULLIF(source_note, '') FROM temp.staging"
: > "$work/times"
for ((r = 1; r <= rounds; r++)); do
  order=(aigc sqlite3)
  if ((r % 2 == 0)); then order=(sqlite3 aigc); fi
  for who in "${order[@]}"; do
    if [ "$who" = aigc ]; then
      rm -f "$work/ai.db"; cp "$base" "$work/ai.db"
      measure aigc_import "$aigc" --db "$work/ai.db" import "$csv" --as t
      rm -f "$work/al.db"; cp "$base" "$work/al.db"
      measure aigc_load "$aigc" --db "$work/al.db" load pricing "$csv"
      measure aigc_export "$aigc" --db "$work/ai.db" sql "SELECT * FROM t" --format csv
      measure aigc_run bash -c 'for i in $(seq 20); do "$0" --db "$1" run api_prices --format csv; done' "$aigc" "$base"
    else
      rm -f "$work/si.db"
      measure sqlite3_import sqlite3 "$work/si.db" ".import --csv $csv t"
      rm -f "$work/sl.db"; cp "$base" "$work/sl.db"
      # The generator's synthetic rows leave provenance empty, which sqlite3's
      # .import would store as '' (and a STRICT INTEGER column refuses), so
      # sqlite3 imports into a temporary table and inserts with NULLIF: what
      # a sqlite3 user must do to load this file correctly.
      measure sqlite3_load sqlite3 "$work/sl.db" ".import --csv --schema temp $csv staging" "$sqlite3_insert"
      # The same file aigc exports: its numbers are stored as INTEGER and
      # REAL, as in the warehouse, where sqlite3's own import keeps text.
      measure sqlite3_export sqlite3 -csv -header "$work/ai.db" "SELECT * FROM t"
      measure sqlite3_run bash -c 'for i in $(seq 20); do sqlite3 -csv -header "$1" "$2"; done' sqlite3 "$base" "$small_sql"
    fi
  done
  # Both sides must have loaded every row, or the timings mean nothing.
  for db in ai.db si.db; do
    n=$(sqlite3 "$work/$db" "SELECT count(*) FROM t")
    [ "$n" = "$rows" ] || { echo "$db holds $n rows, expected $rows" >&2; exit 1; }
  done
  for db in al.db sl.db; do
    n=$(sqlite3 "$work/$db" "SELECT count(*) FROM pricing WHERE pricing_id LIKE 'obs%'")
    [ "$n" = "$rows" ] || { echo "$db holds $n new pricing rows, expected $rows" >&2; exit 1; }
  done
done

awk '
  { t[$1] = t[$1] " " $2; if ($3 > peak[$1]) peak[$1] = $3 }
  function median(list,   a, n, i, j, x) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    printf "%-28s %10s %10s %8s %8s %14s\n", "task", "aigc s", "sqlite3 s", "ratio", "target", "aigc peak MB"
    split("import load export run", tasks, " ")
    split("0.67 0.67 0.67 1.50", targets, " ")
    split("import CSV into a new table|load into typed pricing|export table as CSV|20 runs of a saved query", names, "|")
    for (i = 1; i <= 4; i++) {
      a = median(t["aigc_" tasks[i]]); s = median(t["sqlite3_" tasks[i]])
      printf "%-28s %10.2f %10.2f %8.2f %8s %14.1f\n", names[i], a, s, a / s, "<= " targets[i], peak["aigc_" tasks[i]] / 1024
    }
  }' "$work/times"
