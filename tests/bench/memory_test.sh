#!/usr/bin/env bash
# Peak memory of aigc import and load on a large generated file, measured
# from outside the process with GNU time: it must stay under the bound
# whatever the file's size (the reader and loader stream in bounded batches).
#   memory_test.sh AIGC GEN_PRICES [ROWS] [LIMIT_MB]
set -euo pipefail
aigc=$1 gen=$2 rows=${3:-400000} limit_mb=${4:-64}
[ -x /usr/bin/time ] || { echo "GNU time is missing (bash .ci/setup installs it)"; exit 77; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
"$gen" "$rows" > "$work/p.csv"
"$aigc" --db "$work/w.db" build --quiet
fail=0
for what in import load; do
  cp "$work/w.db" "$work/$what.db"
  if [ $what = import ]; then
    /usr/bin/time -f %M -o "$work/kb" "$aigc" --db "$work/$what.db" import "$work/p.csv" --as t > /dev/null
  else
    /usr/bin/time -f %M -o "$work/kb" "$aigc" --db "$work/$what.db" load pricing "$work/p.csv" > /dev/null
  fi
  kb=$(tail -1 "$work/kb")
  echo "$what of $rows rows ($(( $(stat -c %s "$work/p.csv") / 1048576 )) MB): peak ${kb} KB (limit ${limit_mb} MB)"
  (( kb < limit_mb * 1024 )) || fail=1
done
exit $fail
