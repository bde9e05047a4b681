#!/bin/sh
# accept_test.sh: `medsec triage accept` records the architecture's suggestion as a decision of the
# person who accepts it (origin: suggestion, its in-context CVSS and reasoning), `medsec triage`
# then counts it "by suggestion", it turns stale like any decision on the next database, and what
# cannot be accepted is refused with the file untouched.
#
# usage: accept_test.sh MEDSEC_BINARY DB1 DB2 SOURCE_ROOT
set -u
bin=$1 db1=$2 db2=$3 root=$4
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$root" || exit 2
export MEDSEC_NOW=2026-11-28 NO_COLOR=1
fail() { echo "accept_test: $*"; exit 1; }
f=$tmp/t.yaml
cp tests/triage/data/pump-triage.yaml "$f"
before=$(grep -c '^  - ' "$f")
# the one finding pump-triage.yaml leaves open on 3.2.0 has a suggestion; --explain prints why
"$bin" triage --db "$db1" --triage "$f" --version 3.2.0 --explain examples/infusion-pump >"$tmp/out" 2>&1
grep -q 'suggestion for CVE-2099-7003 in main-board/linux 4.9.30:' "$tmp/out" || fail "no suggestion: $(cat "$tmp/out")"
grep -q 'CVSS 3.1 in context: CVSS:3.1/' "$tmp/out" || fail "no in-context 3.1 score"
# accepting needs who
"$bin" triage accept --db "$db1" --triage "$f" examples/infusion-pump CVE-2099-7003 main-board/linux \
    2>"$tmp/err"
[ $? -eq 2 ] || fail "accept without --by should exit 2"
# a finding that is decided already has no suggestion to accept: exit 2, file untouched
cp "$f" "$tmp/keep"
"$bin" triage accept --db "$db1" --triage "$f" --by 'J. Meier' examples/infusion-pump CVE-2099-7001 \
    main-board/openssl 2>"$tmp/err"
[ $? -eq 2 ] || fail "accepting a decided finding should exit 2"
grep -q 'no open finding of that vulnerability and component has a suggestion' "$tmp/err" || fail "$(cat "$tmp/err")"
cmp -s "$f" "$tmp/keep" || fail "a refused accept changed the file"
# accept it on 3.2.0: one decision and one seen record more, with the reasoning
"$bin" triage accept --db "$db1" --triage "$f" --by 'J. Meier (product security)' --version 3.2.0 \
    examples/infusion-pump CVE-2099-7003 main-board/linux 2>"$tmp/err" || fail "accept failed: $(cat "$tmp/err")"
grep -q 'accepted CVE-2099-7003 in main-board/linux 4.9.30 (release 3.2.0): exploitable' "$tmp/err" ||
    fail "accept did not say what it accepted: $(cat "$tmp/err")"
[ "$(grep -c '^  - ' "$f")" -eq $((before + 2)) ] || fail "expected $((before + 2)) entries"
grep -q 'origin: suggestion' "$f" || fail "origin: suggestion not written"
grep -q 'cvss_v3: CVSS:3.1/' "$f" || fail "in-context 3.1 vector not written"
grep -q 'cvss_v4: CVSS:4.0/' "$f" || fail "in-context 4.0 vector not written"
grep -q 'detail: "Suggested from the architecture: ' "$f" || fail "the reasoning is not the detail"
grep -q 'by: J. Meier (product security)' "$f" || fail "who accepted is not recorded"
# the file reads back; 3.2.0 is decided, by suggestion
"$bin" triage --db "$db1" --triage "$f" --version 3.2.0 examples/infusion-pump >"$tmp/out" 2>&1
[ $? -eq 0 ] || fail "triage after accept should exit 0: $(cat "$tmp/out")"
grep -q 'by suggestion 1, ' "$tmp/out" || fail "not counted by suggestion: $(head -3 "$tmp/out")"
grep -q '^suggestion  *main-board/linux  *4.9.30  *CVE-2099-7003 ' "$tmp/out" || fail "status suggestion not shown"
"$bin" triage --db "$db1" --triage "$f" --version 3.2.0 --json examples/infusion-pump >"$tmp/json" 2>/dev/null
grep -q '"by_suggestion": 1' "$tmp/json" || fail "JSON by_suggestion"
# --all accepts every open finding of the releases in the field
"$bin" triage accept --db "$db1" --triage "$f" --by 'J. Meier' --all examples/infusion-pump 2>"$tmp/err" ||
    fail "accept --all failed: $(cat "$tmp/err")"
grep -q 'suggestions\{0,1\} accepted by J. Meier' "$tmp/err" || fail "$(tail -1 "$tmp/err")"
"$bin" triage --db "$db1" --triage "$f" examples/infusion-pump >"$tmp/out" 2>&1
grep -q 'untriaged 0, stale 0' "$tmp/out" || fail "after --all nothing should be untriaged: $(tail -2 "$tmp/out")"
# a month later the advisory of an accepted finding changed: stale, with a new suggestion
"$bin" triage --db "$db2" --triage "$f" --json examples/infusion-pump >"$tmp/json" 2>/dev/null
/usr/bin/python3 - "$tmp/json" <<'PY' || fail "stale accepted decisions must get a suggestion again"
import json, sys
rep = json.load(open(sys.argv[1]))
stale = [f for f in rep["findings"] if f["status"] == "stale"]
assert stale, "no stale decision on db2"
assert all("suggestion" in f or "no_suggestion" in f for f in stale)
PY
echo "accept_test: ok"
