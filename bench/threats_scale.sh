#!/bin/sh
# threats_scale.sh: how `medsec threats` and `medsec risk` scale with the size of the security file
# (issue 9, item 9; they used to be quadratic: 3,000 entries took 8 s and 19 s). For 1,000, 3,000
# and 10,000 architecture elements (items, interfaces, flows and assets; bench/gen_model.py) it
# writes a device folder, checks that `medsec validate` accepts it, and prints the threats and risks
# generated, the median wall time of RUNS runs and the peak RSS (GNU time) of
# `medsec threats DIR --json` and `medsec risk DIR --json`, then how much each grew from one size to
# the next (linear: about the ratio of the sizes; quadratic: its square; flagged above its power 1.5).
# usage: bench/threats_scale.sh [MEDSEC_BINARY | BUILD_DIR]
#          default build/release (configured with the release preset and built when missing);
#          MEDSEC=PATH takes that binary. SIZES="1000 3000 10000" and RUNS=3 change the runs.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
[ -x /usr/bin/time ] || { echo "threats_scale.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "threats_scale.sh: python3 missing" >&2; exit 2; }
arg=${1:-}
if [ -n "${MEDSEC:-}" ]; then
    bin=$MEDSEC
elif [ -n "$arg" ] && [ -f "$arg" ]; then
    bin=$arg
else
    build=${arg:-$root/build/release}
    [ -f "$build/build.ninja" ] || cmake --preset release -B "$build" >/dev/null
    ninja -C "$build" -j2 medsec-cli >/dev/null
    bin=$build/cli/medsec
fi
[ -x "$bin" ] || { echo "threats_scale.sh: $bin is not an executable" >&2; exit 2; }
sizes=${SIZES:-1000 3000 10000}
runs=${RUNS:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

# measure CMD N DIR: median wall seconds and peak RSS (MB) of N runs of `medsec CMD DIR --json`
# into $tmp/CMD.N; exit 0 or (risk) 1 is a success
measure() {
    : >"$tmp/runs"
    i=0
    while [ "$i" -lt "$runs" ]; do
        rc=0
        /usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" "$1" "$3" --json >"$tmp/$1.$2.json" 2>"$tmp/err" || rc=$?
        if [ "$rc" -gt 1 ] || { [ "$rc" -eq 1 ] && [ "$1" != risk ]; }; then
            echo "threats_scale.sh: medsec $1 $3 failed (exit $rc):" >&2
            grep -v ': warning: ' "$tmp/err" | head -n 5 >&2
            exit 1
        fi
        tail -n 1 "$tmp/t" >>"$tmp/runs"
        i=$((i + 1))
    done
    sort -n "$tmp/runs" | awk '{w[NR]=$1; if ($2>m) m=$2} END {printf "%.2f %.0f\n", w[int((NR+1)/2)], m/1024}' >"$tmp/$1.$2"
}

count() { # FILE KEY: length of the JSON list KEY
    python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$1" "$2"
}

echo "medsec: $bin (median wall time of $runs runs, peak RSS)"
printf '%9s %9s %9s | %12s %9s | %12s %9s\n' ELEMENTS THREATS RISKS "THREATS s" "PEAK MB" "RISK s" "PEAK MB"
for n in $sizes; do
    dir=$tmp/device-$n
    python3 "$root/bench/gen_model.py" "$n" "$dir"
    if ! "$bin" validate "$dir" >"$tmp/validate" 2>&1; then
        echo "threats_scale.sh: medsec validate rejects the generated $dir:" >&2
        grep ': error: ' "$tmp/validate" | head -n 5 >&2
        exit 1
    fi
    measure threats "$n" "$dir"
    measure risk "$n" "$dir"
    read -r tw tm <"$tmp/threats.$n"
    read -r rw rm <"$tmp/risk.$n"
    printf '%9s %9s %9s | %12s %9s | %12s %9s\n' "$n" "$(count "$tmp/threats.$n.json" threats)" \
        "$(count "$tmp/risk.$n.json" risks)" "$tw" "$tm" "$rw" "$rm"
    echo "$n $tw $rw" >>"$tmp/table"
done
# growth from each size to the next: time ratio against size ratio
awk 'NR > 1 { s = $1 / n; printf "growth %s -> %s elements (x%.1f): threats x%.1f, risk x%.1f%s\n", n, $1, s,
                  (t > 0 ? $2 / t : 0), (r > 0 ? $3 / r : 0),
                  ((t > 0.05 && $2 / t > s ^ 1.5) || (r > 0.05 && $3 / r > s ^ 1.5) ? "  <- superlinear" : "") }
     { n = $1; t = $2; r = $3 }' "$tmp/table"
