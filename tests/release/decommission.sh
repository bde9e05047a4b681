#!/bin/sh
# decommission.sh: `medsec release decommission-verify` (the same check as `medsec log
# decommission-verify`) on a record a device simulated by medsec-agent signed: the record verifies
# with the device's public key, a changed byte or another device's key is refused.
#
# usage: decommission.sh MEDSEC MEDSEC_AGENT SOURCE_ROOT
set -u
bin=$1 agent=$2 root=$3
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
cd "$root" || exit 2
export PW=decommission-test
"$bin" release keygen "$tmp/root" --test-cost --passphrase-env PW >/dev/null &&
"$bin" release anchor --root "$tmp/root.pub" --device examples/infusion-pump --vendor-domain pump.example \
    -o "$tmp/anchor" >/dev/null &&
"$agent" init "$tmp/dev" --anchor "$tmp/anchor" >/dev/null && "$agent" init "$tmp/other" --anchor "$tmp/anchor" >/dev/null &&
"$agent" decommission "$tmp/dev" -o "$tmp/rec" --id SN-0042 >/dev/null || { bad "device setup"; exit 1; }
"$bin" release decommission-verify "$tmp/rec" --device-pub "$tmp/dev/device.pub" >"$tmp/out" 2>&1 &&
    grep -q "device key: *erased" "$tmp/out" && ok "the record verifies and says what was erased" ||
    bad "decommission-verify: $(cat "$tmp/out")"
/usr/bin/python3 - "$tmp/rec" "$tmp/changed" <<'PY'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[len(b) // 2] ^= 1
open(sys.argv[2], "wb").write(b)
PY
"$bin" release decommission-verify "$tmp/changed" --device-pub "$tmp/dev/device.pub" >"$tmp/out" 2>&1
[ $? -ne 0 ] && grep -q "does not verify" "$tmp/out" && ok "a changed record is refused" || bad "changed record: $(cat "$tmp/out")"
"$bin" release decommission-verify "$tmp/rec" --device-pub "$tmp/other/device.pub" >"$tmp/out" 2>&1
[ $? -ne 0 ] && ok "another device's key is refused" || bad "other device's key: $(cat "$tmp/out")"
exit $fail
