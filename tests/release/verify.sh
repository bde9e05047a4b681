#!/bin/sh
# verify.sh: `medsec release verify` and `inspect` (the device agent's decoder and verifier) on real
# bundles: good ones pass; each kind of bad one is rejected with exit 1 and its own reason: a bad
# signature, an unknown key, too few roots for the threshold, the wrong vendor, the wrong class, an
# expired certificate, a revoked key, a key without the signing purpose, a changed manifest, a
# changed or truncated bundle, a changed or missing detached payload, a replayed older bundle.
# inspect shows what was signed; the judge (judge.py) agrees with verify on the good bundles.
#
# usage: verify.sh MEDSEC SOURCE_ROOT
set -u
bin=$1 root=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
cd "$root" || exit 2
/usr/bin/python3 -c 'import cbor2' 2>/dev/null || { echo "skip: python3-cbor2 missing"; exit 77; }
export PW=pass MEDSEC_NOW=2026-12-04
dom=helvetia-infusion.example
dev=examples/infusion-pump
ids="--vendor-domain $dom --hardware rev-B"
k() { "$bin" release keygen "$tmp/$1.key" ${2:+--alg $2} --passphrase-env PW --test-cost >/dev/null || bad "keygen $1"; }
k root1
k root2 ES256
k rel1 ES256
k rel2
k stranger
cert() { # NAME ROOT [extra options]
    n=$1 r=$2
    shift 2
    "$bin" release certify "$tmp/$n.key.pub" --root "$tmp/$r.key" --passphrase-env PW --not-before 2026-01-01 \
        --not-after 2027-01-01 --vendor-domain $dom -o "$tmp/$n.cert" "$@" >/dev/null || bad "certify $n"
}
cert rel1 root1
cert rel2 root2
"$bin" release anchor --root "$tmp/root1.key.pub" --device $dev $ids -o "$tmp/a1" >/dev/null &&
"$bin" release anchor --root "$tmp/root1.key.pub" --root "$tmp/root2.key.pub" --threshold 2 --device $dev $ids \
    -o "$tmp/a2" >/dev/null &&
"$bin" release anchor --root "$tmp/root1.key.pub" --device $dev --vendor-domain $dom --hardware rev-C \
    -o "$tmp/a1-revC" >/dev/null &&
"$bin" release anchor --root "$tmp/root1.key.pub" --device $dev --vendor-domain other.example --hardware rev-B \
    -o "$tmp/a1-other" >/dev/null || bad "anchor"
head -c 200000 /dev/urandom >"$tmp/fw.bin"
sign() { # OUT SEQ [options]
    o=$1 s=$2
    shift 2
    "$bin" release sign $dev --image "$tmp/fw.bin" --sequence "$s" --passphrase-env PW $ids -o "$tmp/$o" "$@" \
        >/dev/null 2>"$tmp/err" || bad "sign $o: $(cat "$tmp/err")"
}
# expect EXIT TEXT BUNDLE ARGS...: verify exits EXIT and, when TEXT is set, says it on stderr
expect() {
    want=$1 text=$2 what=$3
    shift 3
    "$bin" release verify "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    if [ $got -eq "$want" ] && { [ -z "$text" ] || grep -q "$text" "$tmp/err"; }; then
        ok "$what"
    else
        bad "$what: exit $got, $(cat "$tmp/out" "$tmp/err")"
    fi
}

sign root.suit 5 --key "$tmp/root1.key"
expect 0 "" "a root-signed bundle verifies" "$tmp/root.suit" --anchor "$tmp/a1"
grep -q "authentic: VF-3000 3.2.0, security version 5" "$tmp/out" || bad "verify's line: $(cat "$tmp/out")"
sign rel.suit 6 --key "$tmp/rel1.key" --cert "$tmp/rel1.cert"
expect 0 "" "a certified release key's bundle verifies" "$tmp/rel.suit" --anchor "$tmp/a1"
expect 0 "" "anti-rollback: sequence 6 above counter 5" "$tmp/rel.suit" --anchor "$tmp/a1" --counter 5
expect 0 "" "--min-sequence 6 accepts 6" "$tmp/rel.suit" --anchor "$tmp/a1" --min-sequence 6
expect 1 "not newer than the installed security version" "replayed older bundle: rollback" \
    "$tmp/root.suit" --anchor "$tmp/a1" --counter 5
expect 1 "not newer" "--min-sequence 7 refuses 6" "$tmp/rel.suit" --anchor "$tmp/a1" --min-sequence 7
sign stranger.suit 6 --key "$tmp/stranger.key"
expect 1 "signing key is not trusted" "a key no root vouches for" "$tmp/stranger.suit" --anchor "$tmp/a1"
sign nocert.suit 6 --key "$tmp/rel1.key"
expect 1 "signing key is not trusted" "a release key without its certificate" "$tmp/nocert.suit" --anchor "$tmp/a1"
expect 1 "fewer valid signatures" "1 root of 2 required: threshold" "$tmp/rel.suit" --anchor "$tmp/a2"
sign two.suit 6 --key "$tmp/rel1.key" --key "$tmp/rel2.key" --cert "$tmp/rel1.cert" --cert "$tmp/rel2.cert"
expect 0 "" "2 of 2 roots through two certified release keys" "$tmp/two.suit" --anchor "$tmp/a2"
sign same.suit 6 --key "$tmp/rel1.key" --key "$tmp/root1.key" --cert "$tmp/rel1.cert"
expect 1 "fewer valid signatures" "two signatures for the same root count once" "$tmp/same.suit" --anchor "$tmp/a2"
expect 1 "another device model or hardware" "the wrong hardware revision: class" "$tmp/rel.suit" --anchor "$tmp/a1-revC"
"$bin" release anchor --root "$tmp/root1.key.pub" --device $dev --vendor-domain other.example --hardware rev-B \
    -o "$tmp/a1-other" >/dev/null
# a bundle for another vendor: signed with the other domain and checked against our anchor
"$bin" release sign $dev --image "$tmp/fw.bin" --sequence 6 --key "$tmp/root1.key" --passphrase-env PW \
    --vendor-domain other.example --hardware rev-B -o "$tmp/vendor.suit" >/dev/null
expect 1 "another vendor" "the wrong vendor" "$tmp/vendor.suit" --anchor "$tmp/a1"
expect 1 "expired or not yet valid" "an expired certificate" "$tmp/rel.suit" --anchor "$tmp/a1" --now 2027-06-01
expect 1 "expired or not yet valid" "a certificate not yet valid" "$tmp/rel.suit" --anchor "$tmp/a1" --now 2025-06-01
expect 0 "" "no trusted clock: validity not checked" "$tmp/rel.suit" --anchor "$tmp/a1" --now none
"$bin" release revoke --root "$tmp/root1.key" --passphrase-env PW --number 1 --key "$tmp/rel1.key.pub" \
    -o "$tmp/rev1" >/dev/null || bad "revoke"
sign revoked.suit 7 --key "$tmp/rel1.key" --cert "$tmp/rel1.cert" --revocation "$tmp/rev1"
expect 1 "signing key is revoked" "a revoked key (the list in the bundle)" "$tmp/revoked.suit" --anchor "$tmp/a1"
cp "$tmp/rel1.key" "$tmp/relp.key"
cp "$tmp/rel1.key.pub" "$tmp/relp.key.pub"
cert relp root1 --purpose revoke
sign purpose.suit 7 --key "$tmp/relp.key" --cert "$tmp/relp.cert"
expect 1 "not certified for this purpose" "a key certified only for revocation lists" "$tmp/purpose.suit" --anchor "$tmp/a1"

# corruption: a byte of the manifest, of a signature, of the payload; truncation; trailing bytes
/usr/bin/python3 - "$tmp/root.suit" "$tmp" <<'EOF'
import cbor2, sys
src, out = sys.argv[1], sys.argv[2]
data = open(src, "rb").read()
env = cbor2.loads(data).value
man = env[3]
m_at = data.index(man)            # the manifest bstr's content
p_at = data.index(env["#image0"]) # the payload's content
aw = cbor2.loads(env[2])
s_at = data.index(aw[1]) + len(aw[1]) - 5  # inside the signature bytes
def flip(at, name):
    b = bytearray(data)
    b[at] ^= 0x40
    open(f"{out}/{name}", "wb").write(b)
flip(m_at + len(man) - 3, "man.suit")
flip(s_at, "sig.suit")
flip(p_at + 1000, "pay.suit")
open(f"{out}/trunc.suit", "wb").write(data[: len(data) - 10])
open(f"{out}/trunchead.suit", "wb").write(data[: m_at + 5])
open(f"{out}/trail.suit", "wb").write(data + b"\x00")
EOF
expect 1 "manifest does not match" "a changed manifest byte" "$tmp/man.suit" --anchor "$tmp/a1"
expect 1 "signature does not verify" "a changed signature byte" "$tmp/sig.suit" --anchor "$tmp/a1"
expect 1 "payload does not match its digest" "a changed payload byte" "$tmp/pay.suit" --anchor "$tmp/a1"
expect 1 "truncated" "a bundle cut in its payload" "$tmp/trunc.suit" --anchor "$tmp/a1"
expect 1 "truncated" "a bundle cut in its manifest" "$tmp/trunchead.suit" --anchor "$tmp/a1"
expect 1 "not well-formed" "a byte after the envelope" "$tmp/trail.suit" --anchor "$tmp/a1"
printf 'not a bundle' >"$tmp/junk.suit"
expect 1 "rejected" "not a bundle at all" "$tmp/junk.suit" --anchor "$tmp/a1"
expect 2 "junk.suit: error: not a trust anchor" "a file that is no anchor: exit 2, named" "$tmp/root.suit" --anchor "$tmp/junk.suit"
expect 2 "" "no --anchor: usage" "$tmp/root.suit"

# detached payload
sign det.suit 8 --key "$tmp/root1.key" --uri https://updates.example.com/fw.bin
expect 0 "" "detached payload given" "$tmp/det.suit" --anchor "$tmp/a1" --payload "$tmp/fw.bin"
expect 1 "was not given" "detached payload missing" "$tmp/det.suit" --anchor "$tmp/a1"
cp "$tmp/fw.bin" "$tmp/fw2.bin"
printf x >>"$tmp/fw2.bin"
expect 1 "size is wrong" "a detached payload one byte longer" "$tmp/det.suit" --anchor "$tmp/a1" --payload "$tmp/fw2.bin"
expect 1 "more than the bundle" "a payload file for an integrated bundle" "$tmp/root.suit" --anchor "$tmp/a1" \
    --payload "$tmp/fw.bin"

# bounds: a revocation list of 300 key ids makes the envelope bigger than a device buffers; sign
# refuses it unless told the devices' bound is larger, and verify, as a device, refuses it
kids=$(/usr/bin/python3 -c 'print(" ".join("--kid %032x" % (i + 1) for i in range(300)))')
"$bin" release revoke --root "$tmp/root1.key" --passphrase-env PW --number 2 $kids -o "$tmp/rev300" >/dev/null ||
    bad "revoke 300"
"$bin" release sign $dev --image "$tmp/fw.bin" --sequence 9 --key "$tmp/root1.key" --passphrase-env PW $ids \
    --revocation "$tmp/rev300" -o "$tmp/big.suit" >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "MSA_MANIFEST_MAX" "$tmp/err" && [ ! -e "$tmp/big.suit" ] &&
    ok "sign refuses an envelope bigger than the agent buffers" || bad "sign of a too big envelope: $(cat "$tmp/err")"
sign big.suit 9 --key "$tmp/root1.key" --revocation "$tmp/rev300" --members-max 65536
expect 1 "exceeds a configured bound" "verify, as a device, refuses it too" "$tmp/big.suit" --anchor "$tmp/a1"

# one trusted key instead of an anchor (no vendor or class to check)
expect 0 "" "verify --key: the root's public key file" "$tmp/root.suit" --key "$tmp/root1.key.pub"
expect 1 "signing key is not trusted" "verify --key: another key" "$tmp/root.suit" --key "$tmp/stranger.key.pub"
expect 2 "" "--anchor and --key together: usage" "$tmp/root.suit" --key "$tmp/root1.key.pub" --anchor "$tmp/a1"

# --json
"$bin" release verify "$tmp/rel.suit" --anchor "$tmp/a1" --counter 5 --json >"$tmp/v.json" 2>/dev/null
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["accepted"] and d["sequence"]==6 and d["sequence_checked"], d' \
    "$tmp/v.json" && ok "verify --json" || bad "verify --json: $(cat "$tmp/v.json")"
"$bin" release verify "$tmp/root.suit" --anchor "$tmp/a1" --counter 5 --json >"$tmp/v.json" 2>/dev/null
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert not d["accepted"] and d["error_code"]==-22, d' \
    "$tmp/v.json" && ok "verify --json of a rejection names the agent's code" || bad "verify --json rejection"

# inspect: what was signed, read back through the agent's decoder; the judge agrees
"$bin" release inspect "$tmp/two.suit" --json >"$tmp/i.json" 2>"$tmp/err" || bad "inspect: $(cat "$tmp/err")"
/usr/bin/python3 - "$tmp/i.json" "$tmp/fw.bin" <<'EOF' && ok "inspect --json: sequence, release, component, commands, 2 signatures, 2 certificates" || bad "inspect --json: $(cat "$tmp/i.json")"
import hashlib, json, sys
d = json.load(open(sys.argv[1]))
img = open(sys.argv[2], "rb").read()
assert d["sequence"] == 6
assert d["release"]["version"] == "3.2.0" and d["release"]["model"] == "VF-3000"
c = d["components"][0]
assert c["sha256"] == hashlib.sha256(img).hexdigest() and c["size"] == len(img) and c["uri"] == "#image0"
assert d["sequences"]["install"] == ["directive-override-parameters", "directive-fetch", "condition-image-match"]
assert len(d["signatures"]) == 2 and len(d["certificates"]) == 2
assert d["payloads"] == [{"name": "#image0", "size": len(img)}]
EOF
"$bin" release inspect "$tmp/revoked.suit" --anchor "$tmp/a1" >"$tmp/out" 2>&1
[ $? -eq 1 ] && grep -q "revocation list 1 by" "$tmp/out" && grep -q "NOT authentic.*revoked" "$tmp/out" &&
    ok "inspect --anchor: shows the list and says why it is not authentic" || bad "inspect revoked: $(cat "$tmp/out")"
"$bin" release inspect "$tmp/trunchead.suit" >/dev/null 2>"$tmp/err"
[ $? -eq 1 ] && grep -q "does not decode" "$tmp/err" && ok "inspect of a cut bundle: exit 1" || bad "inspect trunchead"
for b in root rel two det; do
    extra=""
    [ $b = det ] && extra="--payload $tmp/fw.bin"
    anchor=$tmp/a1
    [ $b = two ] && anchor=$tmp/a2
    /usr/bin/python3 tests/release/judge.py envelope "$tmp/$b.suit" --anchor "$anchor" $extra >"$tmp/j" 2>&1 ||
        bad "the judge rejects $b.suit, which verify accepts: $(cat "$tmp/j")"
done
ok "the judge accepts every bundle verify accepts"
exit $fail
