#!/usr/bin/env bash
# Formats every C++ source of the project with clang-format (.clang-format),
# or with --check lists the files that differ and exits 1 (CI runs that).
#
#   bash tools/format.sh           rewrite the files in place
#   bash tools/format.sh --check   change nothing; fail if any file is not formatted
set -euo pipefail
cd "$(dirname "$0")/.."
clang_format=$(command -v clang-format || command -v clang-format-14 || true)
if [ -z "$clang_format" ]; then
  echo "tools/format.sh: clang-format is not installed (apt-get install clang-format)" >&2
  exit 2
fi
mapfile -t files < <(git ls-files -- 'src/*.cpp' 'src/*.h' 'tests/*.cpp' 'tests/*.h')
if [ "${1:-}" = "--check" ]; then
  bad=0
  for f in "${files[@]}"; do
    if ! "$clang_format" --dry-run --Werror "$f" >/dev/null 2>&1; then
      echo "not formatted: $f (bash tools/format.sh fixes it)" >&2
      bad=1
    fi
  done
  exit $bad
fi
"$clang_format" -i "${files[@]}"
