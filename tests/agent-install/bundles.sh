#!/bin/sh
# bundles.sh: make the signed bundles of the agent's install tests with the test-only bundle maker
# (tests/agent-common/mkbundle.py), then run the test program on them.
# usage: bundles.sh TEST_PROGRAM MKBUNDLE
set -eu
prog=$1 mk=$2
py=/usr/bin/python3
$py -c 'import cbor2, cryptography' 2>/dev/null || { echo "bundles.sh: python3-cbor2 or python3-cryptography missing"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ids="--vendor-domain pump.example --class-name infusion-pump-rev2"
$py "$mk" keygen --alg eddsa "$tmp/root.json"
$py "$mk" keygen --alg es256 "$tmp/root2.json"
$py "$mk" keygen --alg eddsa "$tmp/other.json"
$py "$mk" anchor --root "$tmp/root.json" --root "$tmp/root2.json" --k 1 $ids "$tmp/anchor.cbor"
# images: 40000 and 45000 bytes (not multiples of the journal's 4096)
$py -c "import random; r=random.Random(1); open('$tmp/img1','wb').write(bytes(r.getrandbits(8) for _ in range(40000)))"
$py -c "import random; r=random.Random(2); open('$tmp/img2','wb').write(bytes(r.getrandbits(8) for _ in range(45000)))"
$py "$mk" envelope --key "$tmp/root.json" --sequence 1 --image "$tmp/img1" $ids "$tmp/b1.suit"
$py "$mk" envelope --key "$tmp/root2.json" --sequence 2 --image "$tmp/img2" $ids "$tmp/b2.suit"
# the same release with its payload detached
$py "$mk" envelope --key "$tmp/root.json" --sequence 2 --image "$tmp/img2=file:img2" $ids "$tmp/b2-detached.suit"
# signed by a key the device does not trust; for another device class
$py "$mk" envelope --key "$tmp/other.json" --sequence 3 --image "$tmp/img2" $ids "$tmp/b3-untrusted.suit"
$py "$mk" envelope --key "$tmp/root.json" --sequence 3 --image "$tmp/img2" --vendor-domain pump.example --class-name infusion-pump-rev9 "$tmp/b3-class.suit"
# a release key certified by the root; a revocation list (number 1, by the root) revoking it,
# carried by a bundle the root signs; later bundles by the release key without the list
$py "$mk" keygen --alg eddsa "$tmp/rel.json"
$py "$mk" cert --root "$tmp/root.json" --subject "$tmp/rel.json" --purposes 1 $ids "$tmp/rel.cert"
$py "$mk" revocation --signer "$tmp/root.json" --number 1 --revoke "$tmp/rel.json" "$tmp/rev1.cbor"
$py "$mk" envelope --key "$tmp/rel.json" --cert "$tmp/rel.cert" --sequence 2 --image "$tmp/img2" $ids "$tmp/b2-rel.suit"
$py "$mk" envelope --key "$tmp/root.json" --revocation "$tmp/rev1.cbor" --sequence 3 --image "$tmp/img1" $ids "$tmp/b3-revoke.suit"
$py "$mk" envelope --key "$tmp/rel.json" --cert "$tmp/rel.cert" --sequence 4 --image "$tmp/img2" $ids "$tmp/b4-rel.suit"
# a payload byte flipped after signing (the envelope's last bytes are the payload's)
$py -c "b=bytearray(open('$tmp/b2.suit','rb').read()); b[-100]^=1; open('$tmp/b2-tampered.suit','wb').write(b)"
exec "$prog" "$tmp"
