#!/bin/sh
# set_test.sh: `medsec triage set` rewrites a triage file without losing entries, the decision it
# records holds on the database it was made against and turns stale on the next one.
#
# usage: set_test.sh MEDSEC_BINARY DB1 DB2 SOURCE_ROOT
set -u
bin=$1 db1=$2 db2=$3 root=$4
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$root" || exit 2
export MEDSEC_NOW=2026-11-28 NO_COLOR=1
fail() { echo "set_test: $*"; exit 1; }
f=$tmp/t.yaml
cp tests/triage/data/pump-triage.yaml "$f"
before=$(grep -c '^  - ' "$f")
# a new decision on the one finding pump-triage.yaml leaves open on 3.2.0
"$bin" triage set --db "$db1" --triage "$f" examples/infusion-pump CVE-2099-7003 main-board/linux \
    --state affected --response update --response workaround_available --fixed-in 3.2.1 \
    --detail 'Remote memory exhaustion: "SACK" handling, fixed in 4.9.35' --by 'J. Meier' \
    2>"$tmp/err" || fail "set failed: $(cat "$tmp/err")"
after=$(grep -c '^  - ' "$f")
# one decision and one seen record more, nothing lost
[ "$after" -eq $((before + 2)) ] || fail "expected $((before + 2)) entries, found $after"
grep -q 'state: exploitable' "$f" || fail "OpenVEX 'affected' not written as exploitable"
grep -q 'response: \[update, workaround_available\]' "$f" || fail "responses not written"
grep -q 'detail: "Remote memory exhaustion: \\"SACK\\" handling' "$f" || fail "detail not quoted"
# every finding of 3.2.0 is now decided: exit 0
"$bin" triage --db "$db1" --triage "$f" --version 3.2.0 examples/infusion-pump >"$tmp/out" 2>&1
[ $? -eq 0 ] || fail "triage on db1 should exit 0: $(cat "$tmp/out")"
grep -q 'remaining 0' "$tmp/out" || fail "expected remaining 0"
# replacing the same decision keeps the count
"$bin" triage set --db "$db1" --triage "$f" examples/infusion-pump CVE-2099-7003 main-board/linux \
    --state not_affected --justification code_not_reachable --detail 'SACK off' --by 'J. Meier' \
    2>/dev/null || fail "second set failed"
[ "$(grep -c '^  - ' "$f")" -eq "$after" ] || fail "replacing a decision changed the entry count"
# on the database a month later the openssl and bluez decisions are stale: exit 1
"$bin" triage --db "$db2" --triage "$f" --version 3.2.0 examples/infusion-pump >"$tmp/out" 2>&1
[ $? -eq 1 ] || fail "triage on db2 should exit 1"
grep -q 'stale 2' "$tmp/out" || fail "expected 2 stale decisions: $(cat "$tmp/out")"
# bad input to set: exit 2, file untouched
cp "$f" "$tmp/keep"
"$bin" triage set --db "$db1" --triage "$f" examples/infusion-pump CVE-2099-7003 main-board/linux \
    --state not_affected --by x 2>/dev/null
[ $? -eq 2 ] || fail "not_affected without justification should exit 2"
cmp -s "$f" "$tmp/keep" || fail "a refused set changed the file"
# sync: a seen record for every finding without one, once
cp tests/triage/data/pump-triage.yaml "$f"
"$bin" triage sync --db "$db1" --triage "$f" examples/infusion-pump 2>"$tmp/err" || fail "sync failed"
grep -q '17 findings first seen today (2026-11-28)' "$tmp/err" || fail "sync: $(cat "$tmp/err")"
"$bin" triage sync --db "$db1" --triage "$f" examples/infusion-pump 2>"$tmp/err" || fail "sync 2"
grep -q ' 0 findings first seen' "$tmp/err" || fail "second sync added records: $(cat "$tmp/err")"
# due dates now count from today: the untriaged findings are open but not past due
"$bin" triage --db "$db1" --triage "$f" examples/infusion-pump >"$tmp/out" 2>&1
[ $? -eq 1 ] || fail "untriaged findings should still exit 1"
grep -q 'past due 0)$' "$tmp/out" || fail "nothing should be past due after sync: $(tail -1 "$tmp/out")"
# the security file's `triage:` names the device's triage file
cp -r tests/scan/data/monitor "$tmp/dev"
printf 'triage: review/decisions.yaml\n' >>"$tmp/dev/device.yaml"
mkdir "$tmp/dev/review"
printf 'medsec_triage: 1\ndecisions:\n  - vuln: CVE-1\n' >"$tmp/dev/review/decisions.yaml"
"$bin" triage --db "$db1" "$tmp/dev" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "a bad triage file named by the security file should exit 2"
grep -q 'review/decisions.yaml:3:5: error: decision on CVE-1 without `component`' "$tmp/err" ||
    fail "the error should name the file the security file names: $(cat "$tmp/err")"
echo "set_test: ok"
