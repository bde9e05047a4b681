#!/bin/sh
# sign.sh: real Ed25519 signatures of VEX documents, end to end: sign with the test key, verify with
# medsec and, independently, with OpenSSL; a changed document, a changed signature and another key
# fail; keygen makes a working pair with a private secret file and never overwrites one; --all
# writes one signed document per release in the field.
#
# usage: sign.sh MEDSEC SOURCE_ROOT
set -u
bin=$1 root=$2
tmp=$(mktemp -d) || exit 2
trap 'rm -rf "$tmp"' EXIT
fail=0
ok() { echo "ok: $*"; }
bad() { echo "FAIL: $*"; fail=1; }
export MEDSEC_NOW=2026-11-28
cd "$root" || exit 2
key=tests/vex/keys/test.key pub=tests/vex/keys/test.key.pub

"$bin" vex examples/infusion-pump --format csaf -o "$tmp/pump.json" --sign "$key" 2>"$tmp/err" ||
    { bad "vex --sign failed: $(cat "$tmp/err")"; exit 1; }
[ -s "$tmp/pump.json.sig" ] && ok "signature written" || bad "no $tmp/pump.json.sig"
"$bin" vex verify "$tmp/pump.json" --key "$pub" 2>"$tmp/err" && ok "verifies" ||
    bad "a fresh signature does not verify: $(cat "$tmp/err")"

# the same document signed again gives the same signature (Ed25519 is deterministic)
"$bin" vex examples/infusion-pump --format csaf -o "$tmp/again.json" --sign "$key" 2>/dev/null
cmp -s "$tmp/pump.json" "$tmp/again.json" && cmp -s "$tmp/pump.json.sig" "$tmp/again.json.sig" &&
    ok "same document, same signature" || bad "signing twice differs"

# an outside judge: OpenSSL checks the same signature with the same public key
if command -v openssl >/dev/null 2>&1; then
    # DER SubjectPublicKeyInfo of an Ed25519 key: the fixed 12-byte prefix, then the 32 bytes
    { printf '\060\052\060\005\006\003\053\145\160\003\041\000'; grep -v '^#' "$pub" | base64 -d; } >"$tmp/pub.der"
    grep -v '^#' "$tmp/pump.json.sig" | base64 -d >"$tmp/sig.bin"
    if openssl pkeyutl -verify -pubin -inkey "$tmp/pub.der" -keyform DER -rawin -in "$tmp/pump.json" \
        -sigfile "$tmp/sig.bin" >"$tmp/ossl" 2>&1; then
        ok "OpenSSL verifies it"
    else
        bad "OpenSSL rejects the signature: $(cat "$tmp/ossl")"
    fi
else
    echo "note: openssl not found: the outside check is skipped"
fi

# tampering: one byte of the document, one byte of the signature
sed 's/known_affected/known_affectes/' "$tmp/pump.json" >"$tmp/tampered.json"
cp "$tmp/pump.json.sig" "$tmp/tampered.json.sig"
"$bin" vex verify "$tmp/tampered.json" --key "$pub" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "does not match" "$tmp/err" && ok "changed document fails (exit 2)" ||
    bad "a changed document verifies: $(cat "$tmp/err")"
sig=$(grep -v '^#' "$tmp/pump.json.sig")
first=$(printf %s "$sig" | cut -c1)
[ "$first" = A ] && repl=B || repl=A
printf '%s%s\n' "$repl" "$(printf %s "$sig" | cut -c2-)" >"$tmp/badsig"
"$bin" vex verify "$tmp/pump.json" --key "$pub" --sig "$tmp/badsig" 2>"$tmp/err"
[ $? -eq 2 ] && ok "changed signature fails (exit 2)" || bad "a changed signature verifies"

# another key: keygen, then the test key's signature fails under it and its own signature verifies
"$bin" vex keygen "$tmp/other.key" 2>/dev/null || bad "keygen failed"
mode=$(stat -c %a "$tmp/other.key")
[ "$mode" = 600 ] && ok "secret key file is 0600" || bad "secret key file mode $mode"
"$bin" vex keygen "$tmp/other.key" 2>/dev/null
[ $? -eq 2 ] && ok "keygen does not overwrite" || bad "keygen overwrote a key"
"$bin" vex verify "$tmp/pump.json" --key "$tmp/other.key.pub" 2>/dev/null
[ $? -eq 2 ] && ok "another key's public key fails" || bad "verifies under another key"
"$bin" vex examples/glucose-cloud --format openvex -o "$tmp/g.json" --sign "$tmp/other.key" 2>/dev/null &&
    "$bin" vex verify "$tmp/g.json" --key "$tmp/other.key.pub" 2>/dev/null &&
    ok "a new key signs and verifies" || bad "a new key pair does not work"

# malformed key and signature files are input errors naming the file
printf 'not base64!\n' >"$tmp/junk.key"
"$bin" vex examples/glucose-cloud --format openvex -o "$tmp/j.json" --sign "$tmp/junk.key" 2>"$tmp/err"
[ $? -eq 2 ] && grep -q "junk.key:1:1: error: secret key: expected the base64 of 32 bytes" "$tmp/err" &&
    ok "malformed key: exit 2 with file:line:column" || bad "malformed key: $(cat "$tmp/err")"
[ ! -e "$tmp/j.json.sig" ] && ok "no signature from a bad key" || bad "a signature from a bad key"

# --all: one signed document per release in the field, the version in the name
mkdir -p "$tmp/all"
"$bin" vex examples/infusion-pump --all --format openvex -o "$tmp/all/vex.openvex.json" --sign "$key" 2>"$tmp/err" ||
    bad "--all failed: $(cat "$tmp/err")"
for v in 3.2.0 3.1.4 2.8.7; do
    f="$tmp/all/vex-$v.openvex.json"
    if [ -s "$f" ] && "$bin" vex verify "$f" --key "$pub" 2>/dev/null && grep -q "VolumeFlow%20LVP%203@$v" "$f"; then
        ok "--all: $v written, signed, about $v"
    else
        bad "--all: $f missing, unsigned or not about $v"
    fi
done
exit $fail
