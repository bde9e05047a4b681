#!/bin/sh
# serve_load.sh: HTTP load test of `medsec serve` (issue 15, item 8): POST /api/v1/checkin on
# loopback with wrk, real signed check-ins, then the database is checked against what wrk saw.
#   1. a fleet of DEVICES generated devices (default 100,000; srv_fleet_generate, keys derived
#      from SEED) in a temporary SQLite database (and, when tests/server-store/pgcluster.sh can
#      start one, on a throw-away PostgreSQL 15 cluster);
#   2. MESSAGES check-ins (default DEVICES: one per device, counter COUNTER) signed beforehand
#      by bench/serve_load_prep into a file;
#   3. `medsec serve --threads THREADS` on a free 127.0.0.1 port under GNU time (peak RSS);
#   4. wrk -t CONNS -c CONNS -d DURATION with bench/serve_load.lua: every pre-signed check-in is
#      sent at most once (one connection per wrk thread, each its share of the file);
#   5. REPLAY_S seconds (default 5) of one accepted check-in sent again and again: 409 each, the
#      read path and the signature check without the write;
#   6. the server is stopped (SIGTERM) and the database must hold exactly the check-ins answered
#      200 (plus at most the ones in flight when wrk's duration ended), one row per device, and
#      each such device's last_counter the counter it sent; no answer but 200 is expected.
# Prints check-ins/s, latency percentiles, the server's peak RSS and the Ed25519 verify rate of
# one core; exits 1 when a check fails.
# usage: bench/serve_load.sh [BUILD_DIR]   (default build/release; configured and built when
#        missing). Environment: DEVICES, MESSAGES, SITES, HOSPITALS, DURATION (s, default 20),
#        CONNS (default 8), THREADS (server workers, default 2), REPLAY_S, BACKENDS ("sqlite
#        pg"), LIMIT (s per backend, default 900).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
case $build in /*) ;; *) build=$(pwd)/$build ;; esac
DEVICES=${DEVICES:-100000}
MESSAGES=${MESSAGES:-$DEVICES}
SITES=${SITES:-500}
HOSPITALS=${HOSPITALS:-50}
DURATION=${DURATION:-20}
CONNS=${CONNS:-8}
THREADS=${THREADS:-2}
SEED=${SEED:-2026}
COUNTER=${COUNTER:-1000}
LIMIT=${LIMIT:-900}
export DEVICES MESSAGES SITES HOSPITALS DURATION CONNS THREADS SEED COUNTER LIMIT

if [ "${1:-}" = "--run" ]; then
  # one backend: serve_load.sh --run BUILD_DIR DB_URL LABEL (the caller made the temporary folder)
  build=$2
  url=$3
  label=$4
  tmp=$(mktemp -d "${TMPDIR:-/tmp}/medsec-load.XXXXXX")
  srv_pid=
  cleanup() {
    if [ -n "$srv_pid" ] && kill -0 "$srv_pid" 2>/dev/null; then
      kill -TERM "$srv_pid" 2>/dev/null || true
      wait "$srv_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
  }
  trap cleanup EXIT
  trap 'exit 143' INT TERM HUP
  prep=$build/bench/serve_load_prep
  medsec=$build/cli/medsec
  case $url in
    postgres*) sql() { psql "$url" -qAt -c "$1"; } ;;
    *) sql() { sqlite3 "${url#sqlite:}" "$1"; } ;;
  esac
  echo "== $label =="
  "$prep" gen "$url" --devices "$DEVICES" --sites "$SITES" --hospitals "$HOSPITALS" \
    --seed "$SEED"
  "$prep" sign "$tmp/checkins.bin" --devices "$DEVICES" --messages "$MESSAGES" --seed "$SEED" \
    --counter "$COUNTER"
  # the server: GNU time reports its peak RSS once it stops
  /usr/bin/time -v -o "$tmp/time.txt" "$medsec" serve --db "$url" --vulndb "$tmp/none.sqlite" \
    --listen 127.0.0.1:0 --threads "$THREADS" >"$tmp/serve.out" 2>"$tmp/serve.err" &
  srv_pid=$!
  port=
  i=0
  while [ $i -lt 300 ]; do
    port=$(sed -n 's|.*listening on http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/serve.out")
    [ -n "$port" ] && break
    kill -0 "$srv_pid" 2>/dev/null || break
    sleep 0.1
    i=$((i + 1))
  done
  if [ -z "$port" ]; then
    echo "serve_load: the server did not start:" >&2
    cat "$tmp/serve.out" "$tmp/serve.err" >&2
    exit 1
  fi
  echo "medsec serve on 127.0.0.1:$port, $THREADS worker threads; wrk: $CONNS connections," \
    "${DURATION} s"
  timeout $((DURATION + 30)) wrk -t "$CONNS" -c "$CONNS" -d "${DURATION}s" --timeout 10s \
    -s "$root/bench/serve_load.lua" "http://127.0.0.1:$port/" -- "$tmp/checkins.bin" "$CONNS" \
    >"$tmp/wrk.out"
  cat "$tmp/wrk.out"
  # second phase: one accepted check-in replayed (409: the read path and the verify, no write)
  if [ "${REPLAY_S:-5}" -gt 0 ]; then
    timeout $((REPLAY_S + 30)) wrk -t "$CONNS" -c "$CONNS" -d "${REPLAY_S:-5}s" --timeout 10s \
      -s "$root/bench/serve_replay.lua" "http://127.0.0.1:$port/" -- "$tmp/checkins.bin" |
      grep '^REPLAY' | tee "$tmp/replay.out"
  fi
  # SIGTERM to the server itself (GNU time's child), which then exits 0 and GNU time reports
  kill -TERM "$(pgrep -P "$srv_pid")"
  rc=0
  wait "$srv_pid" || rc=$?
  srv_pid=
  [ $rc -eq 0 ] || echo "serve_load: the server exited $rc" >&2
  awk -F': ' '/Maximum resident set size/ {printf "server peak RSS: %.1f MB\n", $2 / 1024}
              /Percent of CPU/ {print "server CPU: " $2}' "$tmp/time.txt"
  # the database against what wrk saw
  v() { sed -n "s/.*[ ]$1=\([0-9.]*\).*/\1/p" "$tmp/wrk.out" | head -1; }
  ok=$(v answered200)
  inflight=$(v in_flight)
  other=$(($(v answered409) + $(v answered4xx) + $(v answered5xx) + $(v answered_other)))
  rows=$(sql "SELECT COUNT(*) FROM checkins")
  dev=$(sql "SELECT COUNT(*) FROM devices WHERE last_counter = $COUNTER")
  multi=$(sql "SELECT COUNT(*) FROM (SELECT device_id FROM checkins GROUP BY device_id
               HAVING COUNT(*) > 1) x")
  wrong=$(sql "SELECT COUNT(*) FROM checkins c JOIN devices d ON d.id = c.device_id
               WHERE c.counter <> $COUNTER OR d.last_counter <> c.counter")
  echo "database: $rows check-ins, $dev devices at counter $COUNTER; wrk: $ok answered 200," \
    "$other other answers, $inflight in flight at the end"
  fail=0
  if [ "$rows" -lt "$ok" ] || [ "$rows" -gt $((ok + inflight)) ]; then
    echo "FAIL: $rows check-ins in the database, $ok answered 200 (+ $inflight in flight)" >&2
    fail=1
  fi
  [ "$dev" -eq "$rows" ] || { echo "FAIL: $dev devices at counter $COUNTER, $rows check-ins" >&2; fail=1; }
  [ "$multi" -eq 0 ] || { echo "FAIL: $multi devices with more than one check-in" >&2; fail=1; }
  [ "$wrong" -eq 0 ] || { echo "FAIL: $wrong check-ins whose counter is not the one sent" >&2; fail=1; }
  [ "$other" -eq 0 ] || { echo "FAIL: $other answers other than 200 (every check-in is new)" >&2; fail=1; }
  if [ -s "$tmp/replay.out" ]; then
    rother=$(sed -n 's/.*answered_other=\([0-9]*\).*/\1/p' "$tmp/replay.out")
    [ "$rother" -eq 0 ] || { echo "FAIL: $rother replays not answered 409" >&2; fail=1; }
  fi
  [ "$ok" -gt 0 ] || { echo "FAIL: no check-in accepted" >&2; fail=1; }
  [ $fail -eq 0 ] && echo "checks: passed"
  exit $fail
fi

[ -x "$build/cli/medsec" ] && [ -x "$build/bench/serve_load_prep" ] ||
  { [ -f "$build/build.ninja" ] || cmake --preset release -B "$build" >/dev/null; }
ninja -C "$build" -j2 medsec-cli serve_load_prep >/dev/null
command -v wrk >/dev/null || { echo "serve_load: wrk is not installed (Debian: wrk)" >&2; exit 77; }
"$build/bench/serve_load_prep" verify-rate --seconds 3
fail=0
for b in ${BACKENDS:-sqlite pg}; do
  case $b in
    sqlite)
      tmp=$(mktemp -d "${TMPDIR:-/tmp}/medsec-load-db.XXXXXX")
      rc=0
      timeout "$LIMIT" sh "$root/bench/serve_load.sh" --run "$build" "sqlite:$tmp/fleet.db" \
        "SQLite (WAL, synchronous=NORMAL)" || rc=$?
      rm -rf "$tmp"
      [ $rc -eq 0 ] || fail=1
      ;;
    pg)
      rc=0
      timeout "$LIMIT" sh "$root/tests/server-store/pgcluster.sh" sh -c \
        "sh '$root/bench/serve_load.sh' --run '$build' \"\$MEDSEC_PG_URL\" 'PostgreSQL 15 (throw-away cluster, default settings)'" ||
        rc=$?
      if [ $rc -eq 77 ]; then echo "PostgreSQL 15 server binaries absent: skipped"
      elif [ $rc -ne 0 ]; then fail=1; fi
      ;;
  esac
done
exit $fail
