#!/bin/sh
# release.sh: `medsec release` end to end with real keys: keygen (both algorithms, encrypted at
# rest, mode 0600, never overwriting), certify, revoke, anchor, sign (integrated and detached,
# one and several signers); every bundle is judged by judge.py (python3-cbor2 and
# python3-cryptography, independent of medsec's code). The errors: wrong passphrase, a changed
# key file, a public key where a private one is needed, missing options.
#
# usage: release.sh MEDSEC SOURCE_ROOT
set -u
bin=$1 root=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
judge() { /usr/bin/python3 "$root/tests/release/judge.py" envelope "$@"; }
cd "$root" || exit 2
/usr/bin/python3 -c 'import cbor2, cryptography' 2>/dev/null || { echo "skip: python3-cbor2 or python3-cryptography missing"; exit 77; }
export PW1=correct-horse PW2=battery-staple PW3=third-pass
dom=helvetia-infusion.example
dev=examples/infusion-pump
ids="--vendor-domain $dom --hardware rev-B"

# keys: three roots (EdDSA, ES256, EdDSA) and two release keys (ES256, EdDSA)
"$bin" release keygen "$tmp/root1.key" --passphrase-env PW1 --test-cost >"$tmp/out" 2>&1 &&
"$bin" release keygen "$tmp/root2.key" --alg ES256 --passphrase-env PW2 --test-cost >>"$tmp/out" 2>&1 &&
"$bin" release keygen "$tmp/root3.key" --passphrase-env PW3 --test-cost >>"$tmp/out" 2>&1 &&
"$bin" release keygen "$tmp/rel1.key" --alg es256 --passphrase-env PW1 --test-cost >>"$tmp/out" 2>&1 &&
"$bin" release keygen "$tmp/rel2.key" --passphrase-env PW2 --test-cost >>"$tmp/out" 2>&1 &&
    ok "keygen: 5 keys" || { bad "keygen failed: $(cat "$tmp/out")"; exit 1; }
[ "$(stat -c %a "$tmp/root1.key")" = 600 ] && ok "private key file is 0600" || bad "private key mode $(stat -c %a "$tmp/root1.key")"
grep -q "^cost: test" "$tmp/root1.key" && grep -q "^opslimit: 1$" "$tmp/root1.key" &&
    ok "the test cost is written into the key file" || bad "test cost not recorded"
PWS=short "$bin" release keygen "$tmp/weak.key" --passphrase-env PWS 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "fewer than 12" "$tmp/err" && [ ! -e "$tmp/weak.key" ] && ok "a short passphrase is refused" ||
    bad "short passphrase: $(cat "$tmp/err")"
PWL=a-long-enough-passphrase "$bin" release keygen "$tmp/real.key" --passphrase-env PWL >/dev/null 2>"$tmp/err" &&
    grep -q "^opslimit: 3$" "$tmp/real.key" && grep -q "^memlimit: 268435456$" "$tmp/real.key" &&
    grep -q "^cost: default$" "$tmp/real.key" && ok "the default cost: Argon2id 3 passes over 256 MiB, in the file" ||
    bad "default cost: $(cat "$tmp/err")"
PWL=a-long-enough-passphrase "$bin" release revoke --root "$tmp/real.key" --passphrase-env PWL --number 1 \
    -o "$tmp/real.rev" >/dev/null 2>"$tmp/err" && ok "a default-cost key decrypts and signs" ||
    bad "default-cost key: $(cat "$tmp/err")"
"$bin" release keygen "$tmp/root1.key" --passphrase-env PW1 --test-cost 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "exists already" "$tmp/err" && ok "keygen never overwrites" || bad "keygen overwrote a key"
# the secret must not be in the file in clear: the public key derived from each 32-byte window
# would show it; simpler and sufficient: decrypting needs the passphrase
"$bin" release certify "$tmp/rel1.key.pub" --root "$tmp/root1.key" --passphrase-env PW2 \
    --not-after 2099-01-01 --vendor-domain $dom -o "$tmp/x.cert" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "wrong passphrase" "$tmp/err" && [ ! -e "$tmp/x.cert" ] &&
    ok "wrong passphrase: exit 2, nothing written" || bad "wrong passphrase: $(cat "$tmp/err")"
# change the first character of a field's value to another one
change() { # FIELD IN OUT
    /usr/bin/python3 - "$@" <<'EOF'
import sys
field, src, dst = sys.argv[1:]
out = []
for line in open(src):
    if line.startswith(field + ": "):
        v = line[len(field) + 2:]
        line = field + ": " + ("B" if v[0] != "B" else "C") + v[1:]
        if field == "kid":
            line = "kid: " + ("1" if v[0] != "1" else "2") + v[1:]
    out.append(line)
open(dst, "w").write("".join(out))
EOF
}
change secret "$tmp/root1.key" "$tmp/changed.key"
cmp -s "$tmp/root1.key" "$tmp/changed.key" && bad "the secret was not changed"
"$bin" release certify "$tmp/rel1.key.pub" --root "$tmp/changed.key" --passphrase-env PW1 \
    --not-after 2099-01-01 --vendor-domain $dom -o "$tmp/x.cert" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "changed" "$tmp/err" && ok "changed secret: rejected" || bad "changed secret: $(cat "$tmp/err")"
change kid "$tmp/root1.key.pub" "$tmp/changed.pub"
cmp -s "$tmp/root1.key.pub" "$tmp/changed.pub" && bad "the kid was not changed"
"$bin" release anchor --root "$tmp/changed.pub" --device $dev $ids -o "$tmp/x.anchor" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "changed.pub" "$tmp/err" && ok "changed public key file: rejected, file named" ||
    bad "changed public key: $(cat "$tmp/err")"
"$bin" release sign $dev --image "$tmp/out" --sequence 1 --key "$tmp/root1.key.pub" --passphrase-env PW1 $ids \
    -o "$tmp/x.suit" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "public key file" "$tmp/err" && ok "a public key to sign with: a clear error" ||
    bad "public key as signer: $(cat "$tmp/err")"
printf 'garbage\n' >"$tmp/garbage.key"
"$bin" release sign $dev --image "$tmp/out" --sequence 1 --key "$tmp/garbage.key" --passphrase-env PW1 $ids \
    -o "$tmp/x.suit" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "garbage.key:1:1" "$tmp/err" && ok "a bad key file: file, line and column" ||
    bad "garbage key: $(cat "$tmp/err")"
"$bin" release sign $dev --image "$tmp/out" --key "$tmp/root1.key" --passphrase-env PW1 $ids -o "$tmp/x.suit" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q -- "--sequence" "$tmp/err" && ok "sign without --sequence: usage error" || bad "no --sequence accepted"
for sub in keygen certify revoke anchor sign verify inspect; do
    "$bin" release $sub --help >"$tmp/help" 2>&1 && grep -q "usage: medsec release $sub" "$tmp/help" ||
        bad "release $sub --help"
done
ok "every subcommand has --help"

# certificates, a revocation list, anchors
"$bin" release certify "$tmp/rel1.key.pub" --root "$tmp/root1.key" --passphrase-env PW1 \
    --not-before 2026-01-01 --not-after 2099-01-01 --vendor-domain $dom --serial 11 -o "$tmp/rel1.cert" >/dev/null &&
"$bin" release certify "$tmp/rel2.key" --root "$tmp/root2.key" --passphrase-env PW2 \
    --not-after 2099-01-01 --purpose sign,revoke --vendor-domain $dom -o "$tmp/rel2.cert" >/dev/null &&
    ok "certify" || bad "certify failed"
"$bin" release certify "$tmp/rel1.key.pub" --root "$tmp/root1.key" --passphrase-env PW1 \
    --not-before 2030-01-01 --not-after 2029-01-01 --vendor-domain $dom -o "$tmp/x.cert" 2>"$tmp/err"
[ $? -eq 2 ] && ok "certify: validity ending before it starts is refused" || bad "inverted validity accepted"
"$bin" release revoke --root "$tmp/root1.key" --passphrase-env PW1 --number 3 --key "$tmp/root3.key.pub" \
    --kid 00112233445566778899aabbccddeeff -o "$tmp/rev.cbor" >/dev/null && ok "revoke" || bad "revoke failed"
"$bin" release anchor --root "$tmp/root1.key.pub" --device $dev $ids -o "$tmp/a1.cbor" >/dev/null &&
"$bin" release anchor --root "$tmp/root1.key.pub" --root "$tmp/root2.key.pub" --root "$tmp/root3.key.pub" \
    --threshold 2 --device $dev $ids -o "$tmp/a23.cbor" >/dev/null && ok "anchor 1-of-1 and 2-of-3" || bad "anchor failed"
"$bin" release anchor --root "$tmp/root1.key.pub" --root "$tmp/root1.key.pub" --threshold 2 --device $dev $ids \
    -o "$tmp/x.cbor" 2>/dev/null
[ $? -eq 2 ] && ok "anchor: the same root twice is refused" || bad "anchor with a repeated root accepted"
"$bin" release anchor --root "$tmp/root1.key.pub" --threshold 2 --device $dev $ids -o "$tmp/x.cbor" 2>/dev/null
[ $? -eq 2 ] && ok "anchor: k > n is refused" || bad "anchor k > n accepted"

# the vendor domain and hardware revision from device.yaml (device.vendor_domain,
# device.hardware_revision) give the same ids as the options; a domain that is no DNS name is an error
cp -r $dev "$tmp/pump"
/usr/bin/python3 - "$tmp/pump/device.yaml" <<'EOF'
import sys
p = sys.argv[1]
s = open(p).read().replace("  model: VF-3000\n", "  model: VF-3000\n  vendor_domain: helvetia-infusion.example\n  hardware_revision: rev-B\n", 1)
open(p, "w").write(s)
EOF
"$bin" release anchor --root "$tmp/root1.key.pub" --device "$tmp/pump" -o "$tmp/a1-yaml.cbor" >/dev/null 2>"$tmp/err" &&
    cmp -s "$tmp/a1.cbor" "$tmp/a1-yaml.cbor" && ok "device.yaml's vendor_domain and hardware_revision give the options' ids" ||
    bad "ids from device.yaml: $(cat "$tmp/err")"
sed -i 's/vendor_domain: helvetia-infusion.example/vendor_domain: "helvetia infusion"/' "$tmp/pump/device.yaml"
"$bin" validate "$tmp/pump" >"$tmp/out" 2>&1
[ $? -eq 2 ] && grep -q "device.yaml:[0-9]*:[0-9]*: error: vendor_domain 'helvetia infusion' is not a DNS name" "$tmp/out" &&
    ok "validate: a vendor_domain that is no DNS name" || bad "vendor_domain check: $(cat "$tmp/out")"
"$bin" release anchor --root "$tmp/root1.key.pub" --device $dev --hardware rev-B -o "$tmp/x.cbor" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "no vendor domain" "$tmp/err" && ok "no vendor domain anywhere: usage error" ||
    bad "no vendor domain: $(cat "$tmp/err")"

# --json of certify, revoke and anchor
"$bin" release certify "$tmp/rel1.key.pub" --root "$tmp/root1.key" --passphrase-env PW1 --not-before 2026-01-01 \
    --not-after 2099-01-01 --vendor-domain $dom --serial 11 --json -o "$tmp/j.cert" >"$tmp/c.json" &&
"$bin" release revoke --root "$tmp/root1.key" --passphrase-env PW1 --number 3 --key "$tmp/root3.key.pub" \
    --json -o "$tmp/j.rev" >"$tmp/r.json" &&
"$bin" release anchor --root "$tmp/root1.key.pub" --root "$tmp/root2.key.pub" --threshold 2 --device $dev $ids \
    --json -o "$tmp/j.anchor" >"$tmp/a.json" || bad "--json runs"
/usr/bin/python3 - "$tmp" <<'EOF' && ok "certify, revoke and anchor --json" || bad "--json: $(cat "$tmp/c.json" "$tmp/r.json" "$tmp/a.json")"
import json, sys
t = sys.argv[1]
kid = lambda f: [l.split(": ")[1].strip() for l in open(f) if l.startswith("kid: ")][0]
c = json.load(open(t + "/c.json"))
assert c["subject_kid"] == kid(t + "/rel1.key.pub") and c["root_kid"] == kid(t + "/root1.key.pub"), c
assert c["serial"] == 11 and c["purposes"] == 1 and c["not_before"] == 1767225600 and c["alg"] == "ES256", c
r = json.load(open(t + "/r.json"))
assert r["number"] == 3 and r["revoked"] == [kid(t + "/root3.key.pub")], r
a = json.load(open(t + "/a.json"))
assert a["threshold"] == 2 and [x["kid"] for x in a["roots"]] == [kid(t + "/root1.key.pub"), kid(t + "/root2.key.pub")], a
import uuid
v = uuid.uuid5(uuid.NAMESPACE_DNS, "helvetia-infusion.example")
assert a["vendor_id"] == v.hex and a["class_id"] == uuid.uuid5(v, "VF-3000 rev-B").hex, a
assert a["hardware_revision"] == "rev-B", a
EOF

# bundles, each judged
head -c 300000 /dev/urandom >"$tmp/fw.bin"
printf '%s\n' "$PW2" >"$tmp/pass2"
"$bin" release sign $dev --image "$tmp/fw.bin" --sequence 5 --key "$tmp/root1.key" --passphrase-env PW1 $ids \
    --notes-uri https://example.com/notes/3.2.0 -o "$tmp/b1.suit" >/dev/null 2>"$tmp/err" || bad "sign b1: $(cat "$tmp/err")"
judge "$tmp/b1.suit" --anchor "$tmp/a1.cbor" --expect-sequence 5 --expect-signers 1 --vendor-domain $dom \
    --model VF-3000 --hardware rev-B >"$tmp/j" 2>&1 && ok "judge: root-signed EdDSA bundle, integrated" ||
    bad "judge b1: $(cat "$tmp/j")"
"$bin" release sign $dev --image "$tmp/fw.bin" --sequence 6 --version 3.1.4 --key "$tmp/rel1.key" --key "$tmp/rel2.key" \
    --passphrase-env PW1 --passphrase-env PW2 --cert "$tmp/rel1.cert" --cert "$tmp/rel2.cert" \
    --revocation "$tmp/rev.cbor" $ids -o "$tmp/b2.suit" >/dev/null 2>"$tmp/err" || bad "sign b2: $(cat "$tmp/err")"
judge "$tmp/b2.suit" --anchor "$tmp/a23.cbor" --expect-sequence 6 --expect-signers 2 >"$tmp/j" 2>&1 &&
    grep -q "revocation list 3 verifies (2 revoked)" "$tmp/j" &&
    ok "judge: 2-of-3 by two certified release keys (ES256 + EdDSA), certificates and revocation list" ||
    bad "judge b2: $(cat "$tmp/j")"
/usr/bin/python3 - "$tmp/b2.suit" "$dev/sbom/3.1.4/main-board.cdx.json" <<'EOF' && ok "metadata: version 3.1.4, its SBOM's name and SHA-256" || bad "metadata of b2"
import cbor2, hashlib, sys
env = cbor2.loads(open(sys.argv[1], "rb").read()).value
meta = cbor2.loads(env[3])[-257]
assert meta[1] == "3.1.4", meta
assert meta[3] == "sbom/3.1.4/main-board.cdx.json", meta
assert meta[2] == [-16, hashlib.sha256(open(sys.argv[2], "rb").read()).digest()], meta
assert meta[5] == "VF-3000", meta
EOF
judge "$tmp/b1.suit" --anchor "$tmp/a23.cbor" >"$tmp/j" 2>&1
[ $? -eq 1 ] && grep -q "1 roots vouch, the anchor asks 2" "$tmp/j" && ok "judge: one signature is not 2 of 3" ||
    bad "the judge accepted 1 of 2: $(cat "$tmp/j")"
"$bin" release sign $dev --image "$tmp/fw.bin" --sequence 7 --uri https://updates.example.com/fw.bin \
    --key "$tmp/root2.key" --passphrase-file "$tmp/pass2" $ids -o "$tmp/b3.suit" >/dev/null 2>"$tmp/err" ||
    bad "sign b3: $(cat "$tmp/err")"
sz=$(stat -c %s "$tmp/b3.suit")
[ "$sz" -lt 2000 ] && ok "detached bundle is small ($sz bytes)" || bad "detached bundle is $sz bytes"
"$bin" release anchor --root "$tmp/root2.key.pub" --device $dev $ids -o "$tmp/a2.cbor" >/dev/null
judge "$tmp/b3.suit" --anchor "$tmp/a2.cbor" --payload "$tmp/fw.bin" --expect-sequence 7 >"$tmp/j" 2>&1 &&
    ok "judge: ES256 root, detached payload, passphrase from a file" || bad "judge b3: $(cat "$tmp/j")"
printf x >>"$tmp/fw.bin"
judge "$tmp/b3.suit" --anchor "$tmp/a2.cbor" --payload "$tmp/fw.bin" >"$tmp/j" 2>&1
[ $? -eq 1 ] && ok "judge: a changed payload fails" || bad "judge accepted a changed payload"
# one flipped byte in the signature area fails the judge
/usr/bin/python3 - "$tmp/b1.suit" "$tmp/flip.suit" <<'EOF'
import sys
b = bytearray(open(sys.argv[1], "rb").read())
b[100] ^= 1
open(sys.argv[2], "wb").write(b)
EOF
judge "$tmp/flip.suit" --anchor "$tmp/a1.cbor" >"$tmp/j" 2>&1
[ $? -eq 1 ] && ok "judge: a flipped byte fails" || bad "judge accepted a flipped byte"
# signing is deterministic for EdDSA: the same inputs give the same bundle
"$bin" release sign $dev --image "$tmp/fw.bin" --sequence 5 --key "$tmp/root1.key" --passphrase-env PW1 $ids \
    -o "$tmp/d1.suit" >/dev/null 2>&1
"$bin" release sign $dev --image "$tmp/fw.bin" --sequence 5 --key "$tmp/root1.key" --passphrase-env PW1 $ids \
    -o "$tmp/d2.suit" >/dev/null 2>&1
cmp -s "$tmp/d1.suit" "$tmp/d2.suit" && ok "EdDSA bundles are reproducible" || bad "two signings differ"
ls "$tmp" | grep -q tmp- && bad "a temporary file was left behind" || ok "no temporary file left"
exit $fail
