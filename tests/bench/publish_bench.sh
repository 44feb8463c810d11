#!/usr/bin/env bash
# Benchmark: `aigc publish` against pgloader, on the same SQLite file and the
# same PostgreSQL server, in the same run. The warehouse holds a 1,000,000-row
# user table (the generator's synthetic price rows, imported with
# `aigc import --as user_prices`). Prints both times and the ratio.
# Target: aigc publish at most 0.5x pgloader's time.
#
#   tests/bench/publish_bench.sh [ROWS]      default 1000000
#
# The script starts its own PostgreSQL 15 (Debian's postgresql-15: initdb in
# a temporary directory, run as nobody when run as root, listening only on a
# Unix socket there) and stops it at the end. pgloader is Debian's package; it
# is installed when missing and the script runs as root.
# aigc publish does more than pgloader here: one transaction, keys, CHECKs,
# foreign keys and indexes, and the digest check of every table; both are
# timed as whole processes, wall clock.
set -euo pipefail
cd "$(dirname "$0")/../.."
aigc=$PWD/build/aigc
gen=$PWD/build/aigc_gen_prices
[ -x "$aigc" ] && [ -x "$gen" ] || { echo "build first: bash .ci/setup" >&2; exit 2; }
rows=${1:-1000000}
pgbin=/usr/lib/postgresql/15/bin
[ -x "$pgbin/initdb" ] || { echo "needs Debian's postgresql-15" >&2; exit 2; }
if ! command -v pgloader >/dev/null; then
  if [ "$(id -u)" = 0 ]; then apt-get install -y pgloader >/dev/null; else echo "needs pgloader (apt-get install pgloader)" >&2; exit 2; fi
fi

work=$(mktemp -d /tmp/aigc-publish-bench.XXXXXX)
chmod 755 "$work"
as_server=()
[ "$(id -u)" = 0 ] && as_server=(setpriv --reuid=nobody --regid=nogroup --clear-groups --)
pgdata=$work/pgdata
mkdir -p "$pgdata" && chmod 700 "$pgdata"
[ "$(id -u)" = 0 ] && chown nobody:nogroup "$pgdata" "$work"
stop() {
  "${as_server[@]}" "$pgbin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT
export HOME=$work AIGC_DB=$work/unused.db

"${as_server[@]}" "$pgbin/initdb" -D "$pgdata" -U aigc -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_server[@]}" "$pgbin/pg_ctl" -D "$pgdata" -l "$work/server.log" -w -t 60 \
  -o "-c listen_addresses='' -c unix_socket_directories=$work -c port=5432 -c fsync=off" start >/dev/null
psql() { command "$pgbin/psql" -X -q -At -v ON_ERROR_STOP=1 -h "$work" -U aigc "$@"; }
psql -d postgres -c "CREATE DATABASE aigc_publish" -c "CREATE DATABASE aigc_pgloader"

now() { date +%s.%N; }
"$aigc" --db "$work/w.db" build --quiet
"$gen" "$rows" > "$work/p.csv"
"$aigc" --db "$work/w.db" import "$work/p.csv" --as user_prices >/dev/null
rm "$work/p.csv"
[ "$(id -u)" = 0 ] && chown nobody:nogroup "$work/w.db"

t0=$(now)
"$aigc" --db "$work/w.db" publish "host=$work dbname=aigc_publish user=aigc" >/dev/null
t1=$(now)
aigc_s=$(echo "$t1 - $t0" | bc -l)

# pgloader has no cast for STRICT's ANY (imported columns): it is given one, to text as aigc does.
cat > "$work/load.pgl" <<LOAD
LOAD DATABASE
  FROM sqlite://$work/w.db
  INTO pgsql://aigc@unix:$work:5432/aigc_pgloader
  CAST type any to text drop typemod;
LOAD
t0=$(now)
pgloader --quiet "$work/load.pgl" >"$work/pgloader.log" 2>&1 || { cat "$work/pgloader.log" >&2; exit 1; }
t1=$(now)
pgl_s=$(echo "$t1 - $t0" | bc -l)

# Both copies hold every row of the big table.
a=$(psql -d aigc_publish -c "SELECT count(*) FROM aigc.user_prices")
p=$(psql -d aigc_pgloader -c "SELECT count(*) FROM user_prices")
[ "$a" = "$rows" ] && [ "$p" = "$rows" ] || { echo "row counts differ: aigc $a, pgloader $p, expected $rows" >&2; exit 1; }

echo "aigc $(git rev-parse --short HEAD 2>/dev/null || echo '?'); $(nproc) cores; PostgreSQL $(psql -d postgres -c 'SHOW server_version'); $rows-row user table"
printf '%-16s %8.2f s\n' "aigc publish" "$aigc_s" pgloader "$pgl_s"
awk -v a="$aigc_s" -v p="$pgl_s" 'BEGIN { printf "ratio            %8.2f  (target <= 0.50)\n", a / p }'
