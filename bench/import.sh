#!/bin/sh
# import.sh: time `medsec db import` of ../shared/data/advisories, per source and all at once, on one
# thread (`--threads 1`, the import as it was: "old") and on two (`--threads 2`, the default: a
# reading thread parses while the calling one stores: "new"), and report the wall time and peak
# resident memory of each run (GNU time, Debian package `time`) and new/old.
# usage: bench/import.sh [MEDSEC_BINARY] [ADVISORIES_DIR] [BASELINE_BINARY]   (defaults:
#        build/release/cli/medsec, ../shared/data/advisories, none). Targets: all sources < 20 s,
#        peak RSS < 200 MB; on two cores the new import of all sources in under 60 % of the time the
#        import took before it used two threads, at the same peak memory. That import is
#        BASELINE_BINARY when given (a release build of the commit before, e.g. 464a2b6): the last
#        lines then time it against the new one on all sources, RUNS times each, alternating, and
#        print the medians (RUNS from the environment, default 3).
# The two threads share the machine's cores with whatever else runs: time on a quiet machine.
set -eu
bin=${1:-build/release/cli/medsec}
adv=${2:-../shared/data/advisories}
base=${3:-}
runs=${RUNS:-3}
[ -x "$bin" ] || { echo "import.sh: no medsec binary at $bin (cmake --preset release && ninja -C build/release)" >&2; exit 2; }
[ -d "$adv" ] || { echo "import.sh: no advisories folder at $adv" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "import.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# once THREADS DB PATH...: one import into DB (with $bin; THREADS "-" runs $base without the option,
# which it does not know); sets secs and mb
once() {
    threads=$1
    db=$2
    shift 2
    if [ "$threads" = - ]; then
        set -- "$base" db import --db "$db" "$@"
    else
        set -- "$bin" db import --threads "$threads" --db "$db" "$@"
    fi
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" \
        >"$work/out" 2>"$work/err" || {
        cat "$work/err" "$work/time" >&2
        exit 1
    }
    secs=$(cut -d' ' -f1 "$work/time")
    mb=$(($(cut -d' ' -f2 "$work/time") / 1024))
}

# row LABEL PATH...: a fresh database on one thread, then on two; one line of figures
row() {
    label=$1
    shift
    for t in 1 2; do
        rm -f "$work/$label-$t.sqlite" "$work/$label-$t.sqlite-wal" "$work/$label-$t.sqlite-shm"
    done
    once 1 "$work/$label-1.sqlite" "$@"
    old_s=$secs old_mb=$mb
    once 2 "$work/$label-2.sqlite" "$@"
    size=$(du -k "$work/$label-2.sqlite" | cut -f1)
    printf '%-6s %9s %7d %9s %7d %6s %7d\n' "$label" "$old_s" "$old_mb" "$secs" "$mb" \
        "$(awk -v a="$secs" -v b="$old_s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')" \
        $((size / 1024))
}

printf '%-6s %9s %7s %9s %7s %6s %7s\n' SOURCE 'OLD WALL' 'OLD MB' 'NEW WALL' 'NEW MB' 'NEW/OLD' 'DB MB'
row osv "$adv/osv"
row nvd "$adv/nvd"
row csaf "$adv/csaf"
row kev "$adv/kev"
row epss "$adv/epss"
row all "$adv"
# the second import of everything only checks content hashes
once 1 "$work/all-1.sqlite" "$adv"
old_s=$secs old_mb=$mb
once 2 "$work/all-2.sqlite" "$adv"
printf '%-6s %9s %7d %9s %7d %6s\n' again "$old_s" "$old_mb" "$secs" "$mb" \
    "$(awk -v a="$secs" -v b="$old_s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"

[ -n "$base" ] || exit 0
[ -x "$base" ] || { echo "import.sh: no baseline binary at $base" >&2; exit 2; }
# baseline against new on all sources, alternating; medians of the wall times, the highest peaks
: >"$work/base" && : >"$work/new"
for i in $(seq "$runs"); do
    rm -f "$work/b.sqlite"* "$work/n.sqlite"*
    once - "$work/b.sqlite" "$adv"
    echo "$secs $mb" >>"$work/base"
    once 2 "$work/n.sqlite" "$adv"
    echo "$secs $mb" >>"$work/new"
done
median() { sort -n "$1" | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
peak() { sort -n -k2 "$1" | tail -1 | cut -d' ' -f2; }
b_s=$(median "$work/base") n_s=$(median "$work/new")
printf '\n%-9s %9s %7s %9s %7s %6s   (medians of %d runs each)\n' SOURCE 'BASE WALL' 'BASE MB' \
    'NEW WALL' 'NEW MB' 'NEW/BASE' "$runs"
printf '%-9s %9s %7d %9s %7d %6s\n' all "$b_s" "$(peak "$work/base")" "$n_s" "$(peak "$work/new")" \
    "$(awk -v a="$n_s" -v b="$b_s" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')"
