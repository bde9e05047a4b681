#!/bin/sh
# check-format.sh: every C source and header of the project is as the repository's .clang-format
# (clang-format 14, Debian 12) writes it. Lists the files that are not; exit 77 (skip) without
# clang-format-14. usage: scripts/check-format.sh [SOURCE_ROOT]
set -eu
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
fmt=$(command -v clang-format-14 || true)
[ -n "$fmt" ] || { echo "check-format: clang-format-14 not found (scripts/deps.sh installs it)"; exit 77; }
cd "$root"
files=$(find agent cli include lib server tests bench -name '*.[ch]' -not -path 'tests/fuzz/seeds/*' | sort)
bad=""
for f in $files; do
    "$fmt" --dry-run --Werror "$f" >/dev/null 2>&1 || bad="$bad $f"
done
if [ -n "$bad" ]; then
    echo "check-format: not formatted (run: clang-format-14 -i FILE):"
    for f in $bad; do echo "  $f"; done
    exit 1
fi
echo "check-format: $(echo "$files" | wc -l) files formatted"
