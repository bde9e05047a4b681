#!/bin/sh
# interop.sh: medsec release and the agent's independent test-only bundle maker
# (tests/agent-common/mkbundle.py, python3-cbor2 + python3-cryptography, written from docs/suit.md)
# agree: its envelopes, anchors, certificates and revocation lists verify and inspect with medsec
# (and its changed ones are refused), medsec's envelopes pass its SUIT structure check, and both
# derive the same vendor and class ids.
#
# usage: interop.sh MEDSEC SOURCE_ROOT
set -u
bin=$1 root=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
cd "$root" || exit 2
mk="/usr/bin/python3 tests/agent-common/mkbundle.py"
[ -f tests/agent-common/mkbundle.py ] || { echo "skip: no mkbundle.py"; exit 77; }
/usr/bin/python3 -c 'import cbor2, cryptography' 2>/dev/null || { echo "skip: python3-cbor2 or python3-cryptography missing"; exit 77; }
export PW=pass MEDSEC_NOW=2026-12-04
dom=helvetia-infusion.example
dev=examples/infusion-pump

# the same ids
"$bin" release keygen "$tmp/root.key" --passphrase-env PW --test-cost >/dev/null
"$bin" release anchor --root "$tmp/root.key.pub" --device $dev --vendor-domain $dom --hardware rev-B \
    -o "$tmp/anchor" >"$tmp/out" || bad "anchor"
want=$($mk ids --vendor-domain $dom --class-name "VF-3000 rev-B" |
    /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["vendor"], d["class"])')
got=$(sed -n 's/.*vendor \([0-9a-f]*\), class \([0-9a-f]*\) .*/\1 \2/p' "$tmp/out")
[ -n "$got" ] && [ "$got" = "$want" ] && ok "vendor and class ids agree ($got)" || bad "ids: medsec '$got', mkbundle '$want'"

# medsec's envelopes pass mkbundle's structure check
head -c 50000 /dev/urandom >"$tmp/fw.bin"
"$bin" release sign $dev --image "$tmp/fw.bin" --sequence 3 --key "$tmp/root.key" --passphrase-env PW \
    --vendor-domain $dom --hardware rev-B -o "$tmp/ours.suit" >/dev/null &&
"$bin" release sign $dev --image "$tmp/fw.bin" --sequence 3 --key "$tmp/root.key" --passphrase-env PW \
    --vendor-domain $dom --hardware rev-B --uri https://example.com/fw.bin -o "$tmp/ours-det.suit" >/dev/null ||
    bad "sign"
$mk check "$tmp/ours.suit" "$tmp/ours-det.suit" >"$tmp/out" 2>&1 && ok "mkbundle's SUIT check accepts medsec's envelopes" ||
    bad "mkbundle check: $(cat "$tmp/out")"

# mkbundle's keys, certificate, revocation list, anchor and envelopes, verified by medsec
$mk keygen --alg eddsa "$tmp/r1.json" && $mk keygen --alg es256 "$tmp/r2.json" &&
$mk keygen --alg es256 "$tmp/rel.json" || bad "mkbundle keygen"
$mk anchor --root "$tmp/r1.json" --root "$tmp/r2.json" --k 2 --vendor-domain $dom --class-name "VF-3000 rev-B" \
    "$tmp/mk-anchor" 2>"$tmp/err" || bad "mkbundle anchor: $(cat "$tmp/err")"
$mk cert --help >"$tmp/help" 2>&1
$mk cert --root "$tmp/r2.json" --subject "$tmp/rel.json" --not-before 1767225600 --not-after 1798761600 \
    --vendor-domain $dom "$tmp/rel.cert" 2>"$tmp/err" || bad "mkbundle cert: $(cat "$tmp/err") $(cat "$tmp/help")"
$mk envelope --key "$tmp/r1.json" --key "$tmp/rel.json" --cert "$tmp/rel.cert" --sequence 12 \
    --image "$tmp/fw.bin" --release-version 9.9.9 --model VF-3000 --vendor-domain $dom \
    --class-name "VF-3000 rev-B" "$tmp/mk.suit" 2>"$tmp/err" || bad "mkbundle envelope: $(cat "$tmp/err")"
"$bin" release verify "$tmp/mk.suit" --anchor "$tmp/mk-anchor" --counter 11 >"$tmp/out" 2>&1 &&
    grep -q "authentic: VF-3000 9.9.9, security version 12" "$tmp/out" &&
    ok "medsec verifies mkbundle's 2-of-2 envelope (EdDSA root + certified ES256 key)" || bad "verify mk.suit: $(cat "$tmp/out")"
"$bin" release inspect "$tmp/mk.suit" --anchor "$tmp/mk-anchor" --json >"$tmp/i.json" 2>&1 &&
    /usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["sequence"]==12 and d["authenticated"] and len(d["signatures"])==2 and len(d["certificates"])==1, d' "$tmp/i.json" &&
    ok "medsec inspects it" || bad "inspect mk.suit: $(cat "$tmp/i.json")"
$mk envelope --key "$tmp/r1.json" --sequence 12 --image "$tmp/fw.bin" --vendor-domain $dom \
    --class-name "VF-3000 rev-B" "$tmp/mk1.suit" 2>/dev/null
"$bin" release verify "$tmp/mk1.suit" --anchor "$tmp/mk-anchor" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "fewer valid signatures" "$tmp/out" && ok "one of two roots is refused" || bad "mk1: $(cat "$tmp/out")"
$mk envelope --key "$tmp/r1.json" --key "$tmp/r2.json" --sequence 12 --image "$tmp/fw.bin" --size-delta 1 \
    --vendor-domain $dom --class-name "VF-3000 rev-B" "$tmp/mksize.suit" 2>/dev/null
"$bin" release verify "$tmp/mksize.suit" --anchor "$tmp/mk-anchor" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "size is wrong" "$tmp/out" && ok "a signed wrong image size is refused" || bad "mksize: $(cat "$tmp/out")"
exit $fail
