#!/bin/sh
# demo.sh: the main job on the bundled example device: install, build, then run the medsec pipeline on
# it — validate, summarise, threats, data-flow diagram, risk register, the vulnerability scan of
# every version's SBOMs, and the device's regulatory documents (medsec docs) in build/demo/out/docs.
# usage: scripts/demo.sh [DEVICE_DIR]   (default examples/infusion-pump)
# The scan needs a vulnerability database: $MEDSEC_DB if set, else the default one when it exists
# (medsec db update fills it), else one imported once from ../shared/data/advisories when that is
# beside this checkout; without any, the scan step says so and is skipped.
set -eu
cd "$(dirname "$0")/.."
DEVICE=${1:-examples/infusion-pump}
sh scripts/deps.sh
# the release build of the command alone (its own folder: the tests and their tools are not needed)
cmake --preset release -B build/demo -DMEDSEC_TESTS=OFF >/dev/null
cmake --build build/demo --target medsec-cli
MEDSEC=build/demo/cli/medsec
OUT=build/demo/out
mkdir -p "$OUT"

# step TITLE CMD...: run one step; exit 1 (findings, unacceptable risk) is a result, not a failure
step() {
    title=$1
    shift
    echo
    echo "== $title"
    rc=0
    "$@" || rc=$?
    [ $rc -le 1 ] || { echo "demo: '$*' failed with exit $rc" >&2; exit $rc; }
}

step "medsec validate $DEVICE" $MEDSEC validate "$DEVICE"
step "medsec show $DEVICE" $MEDSEC show "$DEVICE"
step "medsec threats $DEVICE" $MEDSEC threats "$DEVICE"
step "medsec dfd $DEVICE -o $OUT/dfd.svg" $MEDSEC dfd "$DEVICE" -o "$OUT/dfd.svg"
step "medsec risk $DEVICE" $MEDSEC risk "$DEVICE"
# what changed from the release before (the bundled pump's two newest releases)
if [ "$DEVICE" = examples/infusion-pump ]; then
    step "medsec diff $DEVICE 3.1.4 3.2.0" $MEDSEC diff "$DEVICE" 3.1.4 3.2.0
fi

DB=${MEDSEC_DB:-}
if [ -z "$DB" ]; then
    DEFAULT=${XDG_DATA_HOME:-${HOME:-/nonexistent}/.local/share}/medsec/vulndb.sqlite
    if [ -f "$DEFAULT" ]; then
        DB=$DEFAULT
    elif [ -d ../shared/data/advisories ]; then
        DB=$OUT/vulndb.sqlite
        if [ ! -f "$DB" ]; then
            step "medsec db import ../shared/data/advisories (once, into $DB)" \
                $MEDSEC db import --db "$DB" ../shared/data/advisories
        fi
    fi
fi
if [ -n "$DB" ]; then
    step "medsec db status" $MEDSEC db status --db "$DB"
    step "medsec scan $DEVICE" $MEDSEC scan --db "$DB" "$DEVICE"
    step "medsec scan --sarif -o $OUT/scan.sarif $DEVICE" $MEDSEC scan --db "$DB" --sarif -o "$OUT/scan.sarif" "$DEVICE"
    step "medsec risk --db ... --csv $DEVICE > $OUT/risk.csv (threats and the findings of the current version)" \
        sh -c '"$0" risk --db "$1" --csv "$2" > "$3"' $MEDSEC "$DB" "$DEVICE" "$OUT/risk.csv"
    step "medsec triage $DEVICE (the findings against the triage file)" \
        $MEDSEC triage --db "$DB" "$DEVICE"
    step "medsec vex --format csaf -o $OUT/vex.csaf.json $DEVICE" \
        $MEDSEC vex --db "$DB" --format csaf -o "$OUT/vex.csaf.json" "$DEVICE"
    step "medsec gate --junit -o $OUT/gate.junit.xml $DEVICE (the release gate)" \
        $MEDSEC gate --db "$DB" --junit -o "$OUT/gate.junit.xml" "$DEVICE"
    # the portfolio: both bundled devices' vulnerabilities, most urgent first
    step "medsec status examples/infusion-pump examples/glucose-cloud -o $OUT/status.txt" \
        $MEDSEC status --db "$DB" -o "$OUT/status.txt" examples/infusion-pump examples/glucose-cloud
else
    echo
    echo "== medsec scan: skipped — no vulnerability database (run 'medsec db update', or set MEDSEC_DB)"
fi
# the regulatory documents: Markdown, the HTML site (cover: build/demo/out/docs/html/index.html) and
# the attachments; PDF too where Chromium is installed; with the database when there is one
DOCS_DB=""
[ -n "$DB" ] && DOCS_DB="--db $DB"
DOCS_PDF=""
command -v chromium >/dev/null 2>&1 && DOCS_PDF="--pdf"
# shellcheck disable=SC2086
step "medsec docs $DEVICE -o $OUT/docs $DOCS_DB $DOCS_PDF" $MEDSEC docs "$DEVICE" -o "$OUT/docs" $DOCS_DB $DOCS_PDF
echo
echo "demo: done; diagram, SARIF report, risk register (CSV), VEX (CSAF), gate report (JUnit), portfolio status"
echo "and the document set (open $OUT/docs/html/index.html) in $OUT/"
