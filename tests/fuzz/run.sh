#!/bin/sh
# run.sh: run every fuzz harness in BUILD_DIR/tests/fuzz for SECONDS each, seeded from
# tests/fuzz/seeds/<harness>/ (in the repo) plus ../shared/data when present.
# usage: run.sh BUILD_DIR SECONDS
set -u
build=$1 secs=$2
here=$(cd "$(dirname "$0")" && pwd)
status=0
for h in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$h" ] || continue
    name=$(basename "$h")
    work=$(mktemp -d)
    seeds="$here/seeds/$name"
    set -- "$work"
    [ -d "$seeds" ] && set -- "$@" "$seeds"
    echo "fuzz: $name for ${secs}s"
    if ! "$h" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/" "$@" >"$work/log" 2>&1; then
        echo "fuzz: $name FAILED"; tail -40 "$work/log"; status=1
    else
        grep -E '^Done|#[0-9]+.*DONE' "$work/log" | tail -1
    fi
    rm -rf "$work"
done
exit $status
