#!/bin/sh
# golden.sh: `medsec docs` on one example, compared with tests/docs/golden/EXAMPLE.txt: the gap
# summary and exit code, then the Markdown of every document (md/*.md, sorted), each under a
# "==> md/NAME <==" line.
#
# usage: golden.sh MEDSEC_BINARY EXAMPLE SOURCE_ROOT
# With MEDSEC_UPDATE_GOLDEN=1 the golden file is rewritten from the actual run (docs/HACKING.md).
set -u
bin=$1 example=$2 root=$3
golden="$root/tests/docs/golden/$example.txt"
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
# a fixed source commit and no SOURCE_DATE_EPOCH: the date is the release's, the output is stable
(cd "$tmp" && env -u SOURCE_DATE_EPOCH NO_COLOR=1 "$bin" docs "$root/examples/$example" -o out \
    --source-commit golden --format md >/dev/null 2>stderr; echo "exit $?" >exit)
{
    echo "==> exit <=="
    cat "$tmp/exit"
    echo "==> stderr <=="
    cat "$tmp/stderr"
    for f in $(cd "$tmp/out" && ls md/*.md | LC_ALL=C sort); do
        echo "==> $f <=="
        cat "$tmp/out/$f"
    done
} >"$tmp/actual"
if [ "${MEDSEC_UPDATE_GOLDEN:-0}" = 1 ]; then
    mkdir -p "$(dirname "$golden")"
    cp "$tmp/actual" "$golden"
    echo "golden: updated $golden"
    exit 0
fi
if ! cmp -s "$golden" "$tmp/actual"; then
    echo "golden: $example differs from $golden (expected vs actual; MEDSEC_UPDATE_GOLDEN=1 rewrites):"
    diff -u "$golden" "$tmp/actual" | head -80
    exit 1
fi
