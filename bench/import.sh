#!/bin/sh
# import.sh: time `medsec db import` of ../shared/data/advisories, per source and all at once, and
# report the peak resident memory of each run (GNU time, Debian package `time`).
# usage: bench/import.sh [MEDSEC_BINARY] [ADVISORIES_DIR]   (defaults: build/release/cli/medsec,
#        ../shared/data/advisories). Targets: all sources < 20 s, peak RSS < 200 MB.
set -eu
bin=${1:-build/release/cli/medsec}
adv=${2:-../shared/data/advisories}
[ -x "$bin" ] || { echo "import.sh: no medsec binary at $bin (cmake --preset release && ninja -C build/release)" >&2; exit 2; }
[ -d "$adv" ] || { echo "import.sh: no advisories folder at $adv" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "import.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

# run LABEL PATH...: fresh database, one import, one line of figures
run() {
    label=$1
    shift
    db="$work/$label.sqlite"
    rm -f "$db" "$db-wal" "$db-shm"
    /usr/bin/time -v "$bin" db import --db "$db" "$@" >"$work/out" 2>"$work/time" || {
        cat "$work/time" >&2
        exit 1
    }
    secs=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time")
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time")
    size=$(du -k "$db" | cut -f1)
    printf '%-6s %10s %10d %10d\n' "$label" "$secs" $((rss / 1024)) $((size / 1024))
}

printf '%-6s %10s %10s %10s\n' SOURCE 'WALL' 'PEAK MB' 'DB MB'
run osv "$adv/osv"
run nvd "$adv/nvd"
run csaf "$adv/csaf"
run kev "$adv/kev"
run epss "$adv/epss"
run all "$adv"
# the second import of everything only checks content hashes
"$bin" db import --db "$work/all.sqlite" "$adv" >/dev/null 2>&1
/usr/bin/time -v "$bin" db import --db "$work/all.sqlite" "$adv" >/dev/null 2>"$work/time"
printf '%-6s %10s %10d\n' again "$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/time")" \
    $(($(sed -n 's/.*Maximum resident set size (kbytes): //p' "$work/time") / 1024))
