#!/bin/sh
# run.sh: run every fuzz harness in BUILD_DIR/tests/fuzz (or only the HARNESS names given) for SECONDS
# each, JOBS at a time (default 2), seeded from tests/fuzz/seeds/<harness>/ (in the repo) and from the
# files of ../shared/data that seeds/shared-data.txt lists for it (copied or extracted into its
# temporary corpus; skipped with a message when ../shared/data is absent), with the dictionary
# seeds/<harness>.dict when there is one. A crash, leak, timeout, out-of-memory or UBSan report fails
# the run; its log end is printed and its work folder (log, artifact) is kept.
# usage: run.sh BUILD_DIR SECONDS [JOBS [HARNESS...]]
#
# CI (scripts/test.sh) gives each of the 25 harnesses 60 s, two at a time: 13 minutes of fuzzing on a
# 2-core machine. A longer local campaign, after `cmake --preset fuzz && cmake --build --preset fuzz`:
#   sh tests/fuzz/run.sh build/fuzz 1800 "$(nproc)"          # 30 minutes each, one per core
#   sh tests/fuzz/run.sh build/fuzz 7200 2 fuzz_json fuzz_sbom  # two hours for the parsers you changed
# Each harness starts from the seeds every time (the corpus it grows is temporary). What a run finds
# becomes a seed: copy the artifact from the kept work folder to tests/fuzz/seeds/<harness>/ under a
# name that says what it is, fix the code (or, when the reference agrees with the code, the
# harness's check), and run the harness on the seed: `build/fuzz/tests/fuzz/<harness> SEED_FILE`.
set -u
build=$1 secs=$2 jobs=${3:-2}
shift $(($# < 3 ? $# : 3))
only=" $* " # harness names to run; all when empty
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../../../shared/data # ../shared/data from the project root
# the fuzz preset builds UBSan in recover mode: make every report fatal so that it counts
UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
export UBSAN_OPTIONS
out=$(mktemp -d)

# shared_seeds NAME DIR: copy or extract into DIR the seeds of harness NAME kept in ../shared/data
shared_seeds() {
    grep -v '^#' "$here/seeds/shared-data.txt" | while read -r harness file member; do
        [ "$harness" = "$1" ] || continue
        dest="$2/$(basename "${member:-$file}")"
        case $file in
        *.zip) unzip -p "$data/$file" "$member" >"$dest" ;;
        *.tar.gz) tar -xzOf "$data/$file" "$member" >"$dest" ;;
        *) cp "$data/$file" "$dest" ;;
        esac || {
            rm -f "$dest"
            echo "fuzz: $1: could not read the seed $file ${member:-} from ../shared/data"
        }
    done
}

# run_one NAME PATH: fuzz one harness from its corpus folder $out/NAME/corpus; leaves $out/NAME/{log,status}
run_one() {
    name=$1 h=$2
    work="$out/$name"
    set -- "$work/corpus"
    [ -d "$here/seeds/$name" ] && set -- "$@" "$here/seeds/$name"
    [ -f "$here/seeds/$name.dict" ] && set -- -dict="$here/seeds/$name.dict" "$@"
    if "$h" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/" "$@" >"$work/log" 2>&1; then
        echo ok >"$work/status"
    else
        echo failed >"$work/status"
    fi
}

[ -d "$data" ] || echo "fuzz: ../shared/data not found: starting without the seeds kept there (seeds/shared-data.txt)"
names=
running=0
for h in "$build"/tests/fuzz/fuzz_*; do
    [ -x "$h" ] || continue
    name=$(basename "$h")
    [ "$only" = "  " ] || case $only in *" $name "*) ;; *) continue ;; esac
    names="$names $name"
    mkdir -p "$out/$name/corpus"
    [ -d "$data" ] && shared_seeds "$name" "$out/$name/corpus"
    echo "fuzz: $name for ${secs}s"
    run_one "$name" "$h" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
        wait
        running=0
    fi
done
wait

status=0
for name in $names; do
    work="$out/$name"
    if [ "$(cat "$work/status" 2>/dev/null)" = ok ]; then
        echo "fuzz: $name: $(grep -E '^Done [0-9]+ runs' "$work/log" | tail -1)"
        rm -rf "$work"
    else
        echo "fuzz: $name FAILED (log and artifacts kept in $work)"
        tail -40 "$work/log"
        status=1
    fi
done
[ "$status" -eq 0 ] && rm -rf "$out"
exit $status
