#!/bin/sh
# import_test.sh: `medsec triage import` names a supplier VEX document in the device's triage file:
# its statements then decide findings as the supplier's; a document that does not load in full, a
# file outside the triage file's folder or a missing --supplier leave the triage file as it was;
# naming the same document again replaces its entry.
#
# usage: import_test.sh MEDSEC_BINARY DB1 SOURCE_ROOT
set -u
bin=$1 db1=$2 root=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
cd "$root" || exit 2
export MEDSEC_NOW=2026-11-28 NO_COLOR=1
fail() { echo "import_test: $*"; exit 1; }
dev=$tmp/pump
cp -r examples/infusion-pump "$dev" || exit 2
mkdir "$dev/vex" || exit 2
cp tests/triage/data/supplier/bsp-vendor.openvex.json tests/triage/data/supplier/bad-status.openvex.json "$dev/vex/"
cp "$dev/triage.yaml" "$tmp/orig.yaml"
entries() { grep -c '^  - ' "$1"; }
before=$(entries "$dev/triage.yaml")

# before: no supplier decides anything
"$bin" triage --db "$db1" --version 3.2.0 "$dev" >"$tmp/out" 2>&1
grep -q 'by supplier 0' "$tmp/out" || fail "expected no supplier decisions before: $(cat "$tmp/out")"

"$bin" triage import "$dev" "$dev/vex/bsp-vendor.openvex.json" --supplier 'Example BSP Vendor' \
    2>"$tmp/err" || fail "import failed: $(cat "$tmp/err")"
grep -q '5 statements by supplier Example BSP Vendor' "$tmp/err" || fail "unexpected message: $(cat "$tmp/err")"
grep -q '^vex:' "$dev/triage.yaml" || fail "no vex: list written"
grep -q 'file: vex/bsp-vendor.openvex.json' "$dev/triage.yaml" || fail "path not relative to the triage file"
grep -q 'supplier: Example BSP Vendor' "$dev/triage.yaml" || fail "supplier not written"
[ "$(entries "$dev/triage.yaml")" -eq $((before + 1)) ] || fail "expected one entry more, nothing lost"
[ ! -e "$dev/triage.yaml.import.tmp" ] || fail "temporary file left behind"

# the supplier now decides findings the triage file left open
"$bin" triage --db "$db1" --version 3.2.0 "$dev" >"$tmp/out" 2>&1
grep -q 'by supplier [1-9]' "$tmp/out" || fail "expected supplier decisions after: $(cat "$tmp/out")"
grep -q 'supplier Example BSP Vendor' "$tmp/out" || fail "decisions not attributed to the supplier"

# the same document again: its entry is replaced (new supplier name), not added
"$bin" triage import "$dev" "$dev/vex/bsp-vendor.openvex.json" --supplier 'BSP Vendor GmbH' 2>/dev/null ||
    fail "second import failed"
[ "$(entries "$dev/triage.yaml")" -eq $((before + 1)) ] || fail "re-import added an entry"
grep -q 'supplier: BSP Vendor GmbH' "$dev/triage.yaml" || fail "re-import did not replace the supplier"
cp "$dev/triage.yaml" "$tmp/good.yaml"
# the OpenVEX medsec writes names the supplier of the statements the supplier decided
"$bin" vex --db "$db1" --format openvex --version 3.2.0 "$dev" >"$tmp/vex.json" 2>/dev/null ||
    fail "vex failed"
grep -q '"supplier": "BSP Vendor GmbH"' "$tmp/vex.json" || fail "OpenVEX does not name the supplier"

# refused, file untouched: a document with a bad statement, a file outside the folder, no --supplier
"$bin" triage import "$dev" "$dev/vex/bad-status.openvex.json" --supplier X 2>"$tmp/err"
[ $? -eq 2 ] || fail "a bad document should exit 2"
grep -q 'bad-status.openvex.json:11:17: error: .*statements\[0\].status' "$tmp/err" ||
    fail "the error should name the document's line, column and field: $(cat "$tmp/err")"
grep -q 'import.tmp' "$tmp/err" && fail "the error names the temporary file: $(cat "$tmp/err")"
"$bin" triage import "$dev" tests/triage/data/supplier/bsp-vendor.openvex.json --supplier X 2>"$tmp/err"
[ $? -eq 2 ] || fail "a file outside the folder should exit 2"
grep -q 'is not a file inside' "$tmp/err" || fail "unexpected message: $(cat "$tmp/err")"
"$bin" triage import "$dev" "$dev/vex/bsp-vendor.openvex.json" 2>/dev/null
[ $? -eq 2 ] || fail "a missing --supplier should exit 2"
cmp -s "$dev/triage.yaml" "$tmp/good.yaml" || fail "a refused import changed the triage file"
[ ! -e "$dev/triage.yaml.import.tmp" ] || fail "temporary file left behind after a refusal"
echo "import_test: ok"
