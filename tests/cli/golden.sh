#!/bin/sh
# golden.sh: run one CLI golden case and compare stdout, stderr and the exit code exactly.
#
# usage: golden.sh MEDSEC_BINARY CASE_DIR SOURCE_ROOT
# A case folder holds `args` (the arguments, one shell line, run from SOURCE_ROOT), and the
# expected `stdout`, `stderr` (missing = empty) and `exit` (missing = 0). Optional `stdin`.
# With MEDSEC_UPDATE_GOLDEN=1 the expected files are rewritten from the actual run.
set -u
bin=$1 case=$2 root=$3
[ -f "$case/args" ] || { echo "golden: $case/args missing" >&2; exit 2; }
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
args=$(cat "$case/args")
input=/dev/null
[ -f "$case/stdin" ] && input="$case/stdin"
(cd "$root" && eval "set -- $args" && MEDSEC_NOW=2026-11-28 NO_COLOR=1 "$bin" "$@") \
    <"$input" >"$tmp/stdout" 2>"$tmp/stderr"
echo $? >"$tmp/exit"
if [ "${MEDSEC_UPDATE_GOLDEN:-0}" = 1 ]; then
    cp "$tmp/stdout" "$case/stdout"
    cp "$tmp/stderr" "$case/stderr"
    cp "$tmp/exit" "$case/exit"
    echo "golden: updated $case"
    exit 0
fi
fail=0
for f in stdout stderr exit; do
    want="$case/$f"
    if [ ! -f "$want" ]; then
        want="$tmp/empty.$f"
        if [ "$f" = exit ]; then echo 0 >"$want"; else : >"$want"; fi
    fi
    if ! cmp -s "$want" "$tmp/$f"; then
        echo "golden: $case: $f differs (expected vs actual):"
        diff -u "$want" "$tmp/$f" | head -60
        fail=1
    fi
done
exit $fail
