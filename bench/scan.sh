#!/bin/sh
# scan.sh: how fast `medsec scan` is on the database of all of ../shared/data/advisories.
#   - in-process: medsec_scan_sbom after the database is open and the SBOM loaded (median of 20 runs)
#   - whole process: `medsec scan --json SBOM` wall time (median of 10 runs) and peak RSS (GNU time)
# on the nightscout SBOM (983 npm components), the 40 largest SPDX files of the performance corpus,
# and the example devices. Targets (issue 4): a 1,000-component scan < 10 ms in-process and < 50 ms
# as a whole process; peak memory < 200 MB.
# usage: bench/scan.sh [BUILD_DIR]   (default build/release; configured and built when missing)
#        MEDSEC_BENCH_DB=PATH reuses a database instead of importing one (about 10 s).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
data=$root/../shared/data
[ -d "$data/advisories" ] || { echo "scan.sh: $data/advisories not found (../shared/data is absent)" >&2; exit 77; }
[ -x /usr/bin/time ] || { echo "scan.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
[ -f "$build/build.ninja" ] || cmake --preset release -B "$build" >/dev/null
ninja -C "$build" -j2 medsec-cli scan_bench >/dev/null
bin=$build/cli/medsec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

db=${MEDSEC_BENCH_DB:-$tmp/all.sqlite}
if [ ! -f "$db" ]; then
    echo "== importing ../shared/data/advisories"
    /usr/bin/time -f "import: %e s wall, %M KB peak RSS" "$bin" db import --db "$db" "$data/advisories" >/dev/null
fi

gzip -dc "$data/sbom/medical-adjacent/nightscout-15.0.7-cdxgen-12.8.4-cdx1.6.json.gz" >"$tmp/nightscout-cdx1.6.json"
mkdir "$tmp/lab"
tar xzf "$data/sbom/bom-shelter-in-the-lab-40-largest.tar.gz" -C "$tmp/lab"
find "$tmp/lab" -name '*.json' | sort >"$tmp/lab.list"
ex=$root/examples

echo "== in-process (database open, SBOM loaded; 20 runs each)"
# shellcheck disable=SC2046
"$build/bench/scan_bench" --db "$db" -n 20 "$tmp/nightscout-cdx1.6.json" \
    "$ex/infusion-pump/sbom/main-board.cdx.json" "$ex/infusion-pump/sbom/pump-controller.cdx.json" \
    "$ex/glucose-cloud/sbom/cloud-service.cdx.json" "$ex/glucose-cloud/sbom/mobile-app.cdx.json" \
    $(cat "$tmp/lab.list") | tee "$tmp/inproc"

# whole: LABEL FILE... : median wall ms of 10 runs, max peak RSS
whole() {
    label=$1
    shift
    : >"$tmp/runs"
    i=0
    while [ $i -lt 10 ]; do
        /usr/bin/time -f "%e %M" -o "$tmp/t" "$bin" scan --db "$db" --json "$@" >/dev/null 2>&1 || [ $? -eq 1 ]
        tail -n 1 "$tmp/t" >>"$tmp/runs"
        i=$((i + 1))
    done
    sort -n "$tmp/runs" | awk -v l="$label" '{w[NR]=$1*1000; if ($2>m) m=$2} END {printf "%-44s %9.0f %9.0f %9.1f\n", l, w[int((NR+1)/2)], w[1], m/1024}'
}
echo "== whole process: medsec scan --json (10 runs each)"
printf '%-44s %9s %9s %9s\n' "SBOM" "MEDIAN ms" "MIN ms" "PEAK MB"
whole "nightscout (983 npm components)" "$tmp/nightscout-cdx1.6.json"
whole "infusion-pump device (3 releases, 6 SBOMs)" "$ex/infusion-pump"
whole "largest SPDX of the corpus" "$(tail -n 1 "$tmp/lab.list")"
# shellcheck disable=SC2046
whole "all 40 largest SPDX files at once" $(cat "$tmp/lab.list")

ns=$(awk '/nightscout/ {print $5}' "$tmp/inproc")
echo "== targets: 1,000-component scan < 10 ms in-process (nightscout median: $ns ms); < 50 ms whole"
echo "   process; peak memory < 200 MB (see the tables above)"
