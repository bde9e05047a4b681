#!/bin/sh
# serve_store.sh: the storage figures of `medsec serve` (issue 15, item 8) on SQLite and on a
# throw-away PostgreSQL 15 cluster: a generated fleet (DEVICES devices, default 1,000,000, across
# 5,000 sites of 500 hospitals, 10 models and 50 releases, keys derived from a seed), then
#   - the "who is exposed" query: devices per site on K releases (default 5), median and worst of
#     7 runs (target < 100 ms);
#   - check-ins per second through srv_fleet_checkin (signature verification, replay check, one
#     transaction each), THREADS connections (default 2), for at most SECONDS (default 10).
# Printed, not asserted. The HTTP figures (wrk against `medsec serve`) are docs/serve.md's.
# usage: bench/serve_store.sh [BUILD_DIR]   (default build/release; configured and built when
#        missing). Environment: DEVICES, SITES, HOSPITALS, RELEASES, SECONDS, THREADS, MESSAGES, K.
# Needs about 1 GB in TMPDIR per backend for a million devices; each run is bounded by `timeout`.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
[ -f "$build/build.ninja" ] || cmake --preset release -B "$build" >/dev/null
ninja -C "$build" -j2 serve_store_bench >/dev/null
bin=$build/bench/serve_store_bench
tmp=$(mktemp -d "${TMPDIR:-/tmp}/medsec-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 143' INT TERM HUP
args="--devices ${DEVICES:-1000000} --sites ${SITES:-5000} --hospitals ${HOSPITALS:-500}
      --releases ${RELEASES:-50} --seconds ${SECONDS:-10} --threads ${THREADS:-2}
      --messages ${MESSAGES:-200000} --k ${K:-5}"
limit=${LIMIT:-1800}

echo "== SQLite (WAL, synchronous=NORMAL) =="
timeout "$limit" "$bin" "sqlite:$tmp/fleet.db" $args
ls -l "$tmp/fleet.db" | awk '{printf "database file: %.0f MB\n", $5 / 1048576}'
rm -f "$tmp"/fleet.db*

echo "== PostgreSQL 15 (throw-away cluster, default settings) =="
set +e
timeout "$limit" sh "$root/tests/server-store/pgcluster.sh" sh -c "\"$bin\" \"\$MEDSEC_PG_URL\" $(echo $args)"
rc=$?
set -e
[ $rc -eq 77 ] && echo "PostgreSQL 15 server binaries absent: skipped"
[ $rc -eq 0 ] || [ $rc -eq 77 ] || exit $rc
exit 0
