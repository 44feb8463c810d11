#!/usr/bin/env bash
# Load benchmark of `aigc serve` (issue 14) against nginx serving the same
# bytes as static files, in the same run, on the same machine. wrk drives
# four targets in turn at 1, 16 and 64 connections:
#   aigc json   GET /api/queries/api_prices   (a saved query's JSON)
#   aigc page   GET /queries/api_prices       (its HTML page)
#   nginx json, nginx page: the bytes aigc sent for those two, fetched once,
#               written to files and served by nginx with the same Content-Type
#               and the same security headers, at the same paths.
# Prints one table (requests/s, p50 and p99 latency, errors, and aigc's ratios
# to nginx), the issue's target at 16 connections (JSON throughput >= 0.5x
# nginx's, p99 <= 2x nginx's), and aigc's resident memory after 10,000 and
# after 100,000 requests at the JSON endpoint (flat: grew less than 10 %).
#
#   tests/bench/serve_bench.sh [SECONDS] [ROUNDS]   default 5 s per run, 3 rounds
#
# Each (target, connections) pair is run ROUNDS times, alternating whether aigc
# or nginx goes first; the table shows the medians and the sum of the errors.
# wrk's threads: min(connections, 2). Total time about 4 x 3 x ROUNDS x
# (SECONDS + 1) s plus the 100,000 requests of the memory check.
#
# Exit status: 0 when there were no errors, the target holds and memory stayed
# flat; 1 on any error (a failed request, a server that would not start);
# 3 when the run was clean but the target or the memory check missed;
# 77 when wrk or nginx is missing and cannot be installed (not root).
#
# Needs: a build in build/ with `aigc serve` (bash .ci/setup), curl, and
# Debian's wrk and nginx. They are not in .ci/setup (CI does not run this
# benchmark): as root this script installs them with apt-get when missing.
# Every server listens on 127.0.0.1 only; nginx runs from a temporary prefix
# (as nobody when started by root) and both servers are stopped on exit.
# Work files go to $BENCH_DIR (default: a fresh temp dir, removed at the end).
set -euo pipefail
cd "$(dirname "$0")/../.."
aigc=$PWD/build/aigc
[ -x "$aigc" ] || { echo "build first: bash .ci/setup" >&2; exit 2; }
command -v curl >/dev/null || { echo "curl is missing" >&2; exit 2; }

seconds=${1:-5}
rounds=${2:-3}
[[ $seconds =~ ^[1-9][0-9]*$ && $rounds =~ ^[1-9][0-9]*$ ]] || {
  echo "usage: $0 [SECONDS] [ROUNDS]" >&2
  exit 2
}

if ! command -v wrk >/dev/null || ! [ -x /usr/sbin/nginx ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "serve_bench: needs Debian's wrk and nginx (apt-get install wrk nginx); skipped" >&2
    exit 77
  fi
  echo "installing wrk nginx" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends wrk nginx >/dev/null
fi
nginx=/usr/sbin/nginx

work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work"
export HOME=$work AIGC_DB=$work/unused.db
aigc_pid="" nginx_pid=""
stop_servers() {
  # SIGTERM: aigc finishes in-flight requests and exits; nginx -s quit equivalent.
  if [ -n "$aigc_pid" ]; then kill -TERM "$aigc_pid" 2>/dev/null || true; fi
  if [ -n "$nginx_pid" ]; then kill -QUIT "$nginx_pid" 2>/dev/null || true; fi
  [ -z "$aigc_pid" ] || wait "$aigc_pid" 2>/dev/null || true
  [ -z "$nginx_pid" ] || wait "$nginx_pid" 2>/dev/null || true
  aigc_pid="" nginx_pid=""
}
trap 'stop_servers; [ -z "${BENCH_DIR:-}" ] && rm -rf "$work"' EXIT
fail() {
  echo "serve_bench: $*" >&2
  exit 1
}

# free_port: a TCP port nobody listens on at 127.0.0.1 (nginx cannot pick one
# itself; a race with another process is possible but then nginx fails loudly).
free_port() {
  local port
  for _ in $(seq 100); do
    port=$((20000 + RANDOM % 40000))
    [ -z "$(ss -Htln "sport = :$port")" ] && { echo "$port"; return; }
  done
  fail "no free port found"
}

# ---- aigc: a warehouse and its server -----------------------------------
db=$work/warehouse.db
"$aigc" --db "$db" build --quiet
"$aigc" --db "$db" serve --port 0 2> "$work/aigc.err" &
aigc_pid=$!
aigc_port=""
for _ in $(seq 100); do
  aigc_port=$(sed -n 's|^aigc serve: http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$work/aigc.err")
  [ -n "$aigc_port" ] && break
  kill -0 "$aigc_pid" 2>/dev/null || { cat "$work/aigc.err" >&2; fail "aigc serve exited before listening"; }
  sleep 0.1
done
[ -n "$aigc_port" ] || { cat "$work/aigc.err" >&2; fail "aigc serve did not print its URL within 10 s"; }
aigc_url=http://127.0.0.1:$aigc_port

json_path=/api/queries/api_prices
page_path=/queries/api_prices
www=$work/www
mkdir -p "$www/api/queries" "$www/queries"
# fetch PATH: stores aigc's body under $www/PATH and its headers in $work/h.PATH.
fetch() {
  local name=${1//\//_}
  curl -sS --fail -D "$work/h$name" -o "$www$1" "$aigc_url$1" || fail "GET $aigc_url$1 failed"
}
fetch "$json_path"
fetch "$page_path"
# header FILE NAME: the value of header NAME in a saved curl header dump.
header() {
  awk -v name="$2" 'index(tolower($0), tolower(name) ":") == 1 {
    sub(/^[^:]*:[ \t]*/, ""); sub(/\r$/, ""); print; exit }' "$1"
}
json_type=$(header "$work/h${json_path//\//_}" Content-Type)
page_type=$(header "$work/h${page_path//\//_}" Content-Type)
# add_headers FILE: nginx add_header lines for the headers aigc sent (its
# security headers and any other) except those nginx writes itself.
add_headers() {
  tr -d '\r' < "$1" | awk -F': ' 'NR > 1 && NF >= 2 {
    name = tolower($1)
    if (name ~ /^(date|server|content-type|content-length|connection|keep-alive|transfer-encoding|accept-ranges|etag|last-modified)$/) next
    value = substr($0, length($1) + 3)
    if (value ~ /["$\\]/) { print "cannot copy header " $1 " to nginx" > "/dev/stderr"; exit 1 }
    printf "add_header %s \"%s\" always; ", $1, value
  }'
}
json_headers=$(add_headers "$work/h${json_path//\//_}") || fail "aigc's headers for $json_path"
page_headers=$(add_headers "$work/h${page_path//\//_}") || fail "aigc's headers for $page_path"
[ -n "$json_type" ] || fail "aigc sent no Content-Type for $json_path"
[ -n "$page_type" ] || fail "aigc sent no Content-Type for $page_path"

# ---- nginx: the same bytes as static files ------------------------------
nginx_port=$(free_port)
mkdir -p "$work/nginx/tmp"
user_line=""
if [ "$(id -u)" -eq 0 ]; then
  # The workers drop to nobody: they must be able to read the files.
  user_line="user nobody nogroup;"
  chmod 755 "$work" "$work/nginx"
  chmod -R a+rX "$www"
fi
cat > "$work/nginx/nginx.conf" <<EOF
$user_line
worker_processes $(nproc);
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  client_body_temp_path $work/nginx/tmp/body;
  proxy_temp_path $work/nginx/tmp/proxy;
  fastcgi_temp_path $work/nginx/tmp/fastcgi;
  uwsgi_temp_path $work/nginx/tmp/uwsgi;
  scgi_temp_path $work/nginx/tmp/scgi;
  types { }
  server {
    listen 127.0.0.1:$nginx_port;
    root $www;
    location = $json_path { default_type "$json_type"; $json_headers}
    location = $page_path { default_type "$page_type"; $page_headers}
    location / { return 404; }
  }
}
EOF
"$nginx" -e "$work/nginx/error.log" -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
nginx_url=http://127.0.0.1:$nginx_port
for _ in $(seq 100); do
  curl -sf -o /dev/null "$nginx_url$json_path" && break
  kill -0 "$nginx_pid" 2>/dev/null || { cat "$work/nginx/error.log" >&2; fail "nginx exited before listening"; }
  sleep 0.1
done
# nginx must send what aigc sent, or the comparison means nothing.
for path in "$json_path" "$page_path"; do
  curl -sS --fail -D "$work/nh" -o "$work/nb" "$nginx_url$path" || { cat "$work/nginx/error.log" >&2; fail "nginx: GET $path failed"; }
  cmp -s "$work/nb" "$www$path" || fail "nginx's $path differs from aigc's"
  [ "$(header "$work/nh" Content-Type)" = "$(header "$work/h${path//\//_}" Content-Type)" ] ||
    fail "nginx's Content-Type for $path differs from aigc's"
done

# ---- wrk scripts ---------------------------------------------------------
# report.lua: one line "RESULT requests duration_us p50_us p99_us connect read
# write status timeout not2xx". wrk counts a status >= 400 as an error
# ("status"); not2xx is counted only by count.lua, which reads every response.
cat > "$work/report.lua" <<'EOF'
local threads = {}
setup = function(thread) table.insert(threads, thread) end
done = function(summary, latency, requests)
  local e, not2xx = summary.errors, 0
  for _, thread in ipairs(threads) do not2xx = not2xx + (thread:get("not2xx") or 0) end
  io.write(string.format("RESULT %d %d %.0f %.0f %d %d %d %d %d %d\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect, e.read, e.write, e.status, e.timeout, not2xx))
end
EOF
# count.lua: the same report; each thread stops after LIMIT responses
# (wrk -s count.lua URL -- LIMIT) and counts those whose status is not 2xx.
cat > "$work/count.lua" <<'EOF'
local limit, seen = 0, 0
init = function(args) limit = tonumber(args[1]) end
response = function(status, headers, body)
  seen = seen + 1
  if status < 200 or status > 299 then not2xx = (not2xx or 0) + 1 end
  if seen >= limit then wrk.thread:stop() end
end
EOF
cat "$work/report.lua" >> "$work/count.lua"

# run_wrk CONNS SECONDS URL [wrk args...]: prints wrk's RESULT line's fields.
run_wrk() {
  local conns=$1 secs=$2 url=$3; shift 3
  local threads=$((conns < 2 ? conns : 2))
  local out
  out=$(wrk -t "$threads" -c "$conns" -d "${secs}s" --timeout 2s "$url" "$@" 2>&1) || { echo "$out" >&2; fail "wrk failed on $url"; }
  grep '^RESULT ' <<< "$out" | cut -d' ' -f2- || { echo "$out" >&2; fail "wrk printed no result for $url"; }
}

rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$aigc_pid/status"; }

echo "aigc $("$aigc" --version 2>/dev/null | head -1); $(nginx -v 2>&1 | sed 's/^nginx version: //'); $(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2)"
echo "$(nproc) cores, load average $(cut -d" " -f1-3 /proc/loadavg); ${seconds} s per run, $rounds rounds; JSON $(stat -c %s "$www$json_path") bytes, page $(stat -c %s "$www$page_path") bytes"

# ---- memory: 100,000 requests at the JSON endpoint -----------------------
# First, on the fresh server: 10,000 requests, RSS; then to 100,000, RSS.
mem_conns=16
served=2 # the two fetches above
mem_errors=0
drive() { # drive N: about N more requests at the JSON endpoint, 16 connections
  local result
  result=$(run_wrk "$mem_conns" 120 "$aigc_url$json_path" -s "$work/count.lua" -- $(($1 / 2)))
  read -r n _ _ _ c r w s t x <<< "$result"
  served=$((served + n))
  mem_errors=$((mem_errors + c + r + w + s + t + x))
}
drive 10000
rss_10k=$(rss_kb) served_10k=$served
drive 90000
rss_100k=$(rss_kb) served_100k=$served
(( served_100k >= 100000 )) || fail "the memory check served only $served_100k requests"

# ---- throughput and latency ----------------------------------------------
: > "$work/results"
warm_errors=0
for ((round = 1; round <= rounds; round++)); do
  for conns in 1 16 64; do
    order=("aigc json" "nginx json" "aigc page" "nginx page")
    ((round % 2 == 0)) && order=("nginx json" "aigc json" "nginx page" "aigc page")
    for target in "${order[@]}"; do
      read -r server kind <<< "$target"
      if [ "$server" = aigc ]; then url=$aigc_url; else url=$nginx_url; fi
      if [ "$kind" = json ]; then url+=$json_path; else url+=$page_path; fi
      warm=$(run_wrk "$conns" 1 "$url" -s "$work/report.lua") # warm-up: not in the table
      result=$(run_wrk "$conns" "$seconds" "$url" -s "$work/report.lua")
      echo "$server-$kind $conns $result" >> "$work/results"
      if [ "$server" = aigc ]; then served=$((served + ${warm%% *} + ${result%% *})); fi
      read -r _ _ _ _ c r w s t x <<< "$warm"
      warm_errors=$((warm_errors + c + r + w + s + t + x))
    done
  done
done

rss_end=$(rss_kb)

# ---- report ----------------------------------------------------------------
awk -v rss_10k="$rss_10k" -v rss_100k="$rss_100k" -v served_10k="$served_10k" -v served_100k="$served_100k" \
    -v rss_end="$rss_end" -v served_end="$served" -v mem_errors="$mem_errors" -v warm_errors="$warm_errors" -v report="$work/verdict" '
  {
    key = $1 " " $2
    rps[key] = rps[key] " " $3 / ($4 / 1e6); p50[key] = p50[key] " " $5; p99[key] = p99[key] " " $6
    errs[key] += $7 + $8 + $9 + $10 + $11 + $12
    err_list[key] = sprintf("%d/%d/%d/%d/%d", e1[key] += $7, e2[key] += $8, e3[key] += $9, e4[key] += $10, e5[key] += $11)
  }
  function median(list,   a, n, i, j, x) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    printf "%-11s %5s %10s %8s %8s %13s %11s %11s\n", "target", "conns", "req/s", "p50 ms", "p99 ms", "errors*", "req/s ratio", "p99 ratio"
    split("1 16 64", conn_list, " ")
    split("json page", kinds, " ")
    total_errors = mem_errors + warm_errors
    for (c = 1; c <= 3; c++) for (k = 1; k <= 2; k++) {
      a = "aigc-" kinds[k] " " conn_list[c]; n = "nginx-" kinds[k] " " conn_list[c]
      ra = median(rps[a]); rn = median(rps[n]); pa = median(p99[a]); pn = median(p99[n])
      printf "%-11s %5d %10.0f %8.2f %8.2f %13s %11.2f %11.2f\n", "aigc " kinds[k], conn_list[c], ra, median(p50[a]) / 1000, pa / 1000, err_list[a], ra / rn, pa / pn
      printf "%-11s %5d %10.0f %8.2f %8.2f %13s %11s %11s\n", "nginx " kinds[k], conn_list[c], rn, median(p50[n]) / 1000, pn / 1000, err_list[n], "", ""
      total_errors += errs[a] + errs[n]
      if (kinds[k] == "json" && conn_list[c] == 16) { json_rps_ratio = ra / rn; json_p99_ratio = pa / pn }
    }
    print "* errors: connect/read/write/status >= 400/timeout, summed over the rounds; ratios: aigc / nginx"
    if (warm_errors) print "warm-up runs (not in the table): " warm_errors " errors"
    target_ok = json_rps_ratio >= 0.5 && json_p99_ratio <= 2
    printf "target at 16 connections, JSON: throughput %.2fx nginx (>= 0.5x), p99 %.2fx nginx (<= 2x): %s\n",
      json_rps_ratio, json_p99_ratio, target_ok ? "HOLDS" : "MISSED"
    growth = (rss_100k - rss_10k) / rss_10k
    memory_ok = growth < 0.10
    printf "memory: aigc RSS %.1f MB after %d requests, %.1f MB after %d (%+.1f %%, %.1f bytes a request; %s requests failed): %s\n",
      rss_10k / 1024, served_10k, rss_100k / 1024, served_100k, growth * 100,
      (rss_100k - rss_10k) * 1024 / (served_100k - served_10k), mem_errors,
      memory_ok ? "FLAT (< 10 % growth)" : "GREW (>= 10 %)"
    printf "memory at the end: aigc RSS %.1f MB after %d requests\n", rss_end / 1024, served_end
    print total_errors, target_ok, memory_ok > report
  }' "$work/results"

read -r total_errors target_ok memory_ok < "$work/verdict"
if ((total_errors > 0)); then
  echo "serve_bench: FAILED: $total_errors requests failed (see the errors column)" >&2
  exit 1
fi
# aigc must stop cleanly on SIGTERM (exit 0) after this load.
kill -TERM "$aigc_pid"
status=0
wait "$aigc_pid" || status=$?
aigc_pid=""
((status == 0)) || fail "aigc serve exited $status on SIGTERM"
((target_ok && memory_ok)) || exit 3
