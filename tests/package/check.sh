#!/usr/bin/env bash
# A packager's view of aigc: Release builds with GCC and with Clang and no
# extra flags (AIGC_WERROR off, as a distribution builds it), `--version` from
# each; then the .deb that CPack makes, unpacked with dpkg -x into a clean
# directory: its binary runs, its man page renders with `man -l`, and its bash
# completion completes a partial command.
#
#   tests/package/check.sh [WORKDIR]     default: a fresh temporary directory
set -euo pipefail
cd "$(dirname "$0")/../.."
src=$PWD
work=${1:-$(mktemp -d)}
mkdir -p "$work"
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

fail() { echo "package check: $*" >&2; exit 1; }

for compiler in g++ clang++; do
  dir=$work/release-$compiler
  cmake -S "$src" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=$compiler \
        -DAIGC_BUILD_TESTS=OFF "${launcher[@]}" >/dev/null
  cmake --build "$dir" -j2 >/dev/null
  version=$("$dir/aigc" --version)
  [[ $version == "aigc "* ]] || fail "$compiler build: --version printed '$version'"
  echo "ok    Release build with $compiler: $version"
done

# The .deb from the GCC build.
dir=$work/release-g++
(cd "$dir" && cpack >/dev/null 2>&1) || fail "cpack failed"
deb=$(ls "$dir"/aigc_*.deb)
dpkg-deb -I "$deb" | grep -q '^ Depends: .*libc6' || fail "the package declares no dependency on libc6"
root=$work/root
rm -rf "$root"
dpkg -x "$deb" "$root"
for f in usr/bin/aigc usr/share/man/man1/aigc.1.gz usr/share/bash-completion/completions/aigc; do
  [ -f "$root/$f" ] || fail "the package lacks $f"
done
echo "ok    $(basename "$deb"): binary, man page and bash completion"

export HOME=$work/home AIGC_DB=$work/home/w.db
mkdir -p "$HOME"
"$root/usr/bin/aigc" run vendor_table --format csv | grep -q '^百度,' || fail "the packaged binary does not run vendor_table"
echo "ok    the packaged binary builds its warehouse and runs a saved query"

# aigc serve executes aigc-serve from ../lib/aigc/: the package must ship it there.
[ -x "$root/usr/lib/aigc/aigc-serve" ] || fail "the package lacks usr/lib/aigc/aigc-serve"
"$root/usr/bin/aigc" serve --port 0 2>"$work/serve.err" &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null || true' EXIT
url=""
for _ in $(seq 1 100); do
  url=$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/serve.err" | head -1 || true)
  [ -n "$url" ] && break
  sleep 0.1
done
[ -n "$url" ] || fail "the packaged aigc serve did not start: $(cat "$work/serve.err")"
python3 -c 'import json,sys,urllib.request; d=json.load(urllib.request.urlopen(sys.argv[1]+"api/queries/vendor_table")); sys.exit(0 if d["rows"] else 1)' "$url" ||
  fail "the packaged aigc serve did not answer /api/queries/vendor_table"
kill -TERM $serve_pid
wait $serve_pid || fail "the packaged aigc serve did not exit 0 on SIGTERM"
trap - EXIT
echo "ok    the packaged aigc serve answers its JSON API and stops on SIGTERM"

man_text=$(MANWIDTH=80 man -l "$root/usr/share/man/man1/aigc.1.gz" 2>"$work/man.err")
[ ! -s "$work/man.err" ] || fail "man -l warned: $(cat "$work/man.err")"
for want in "SYNOPSIS" "aigc load [OPTIONS] table file" "EXIT STATUS" "AIGC_DB" "aigc export --all --dir"; do
  grep -qF -- "$want" <<<"$man_text" || fail "the man page lacks '$want'"
done
echo "ok    man -l renders the man page with every command"

# Completion as bash runs it on TAB: COMP_WORDS for "aigc ru" and "aigc run vendor_t".
complete_words() {
  bash --norc -c '
    source /usr/share/bash-completion/bash_completion
    source "$1"; shift
    PATH=$(dirname "$1"):$PATH; shift
    COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
    COMP_LINE="$*"; COMP_POINT=${#COMP_LINE}
    _aigc aigc "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD-1]}"
    printf "%s\n" "${COMPREPLY[@]}"' _ "$root/usr/share/bash-completion/completions/aigc" "$root/usr/bin/aigc" "$@"
}
[ "$(complete_words aigc ru)" = "run" ] || fail "completing 'aigc ru' gave: $(complete_words aigc ru)"
[ "$(complete_words aigc run vendor_t)" = "vendor_table" ] || fail "completing 'aigc run vendor_t' gave: $(complete_words aigc run vendor_t)"
complete_words aigc run --for | grep -qx -- "--format" || fail "completing 'aigc run --for' gave: $(complete_words aigc run --for)"
echo "ok    bash completion completes commands, saved-query names and options"
echo "package check passed"
