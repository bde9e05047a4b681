#!/bin/sh
# bundles.sh: our own bundles (made by the independent tests/agent-common/mkbundle.py) through the
# agent's streaming verifier (msa-suit-dump): each case names the one msa_err the agent must give.
# Covers keys and certificates (unknown, expired, not yet valid, wrong purpose, wrong vendor,
# revoked), k-of-n thresholds, device checks (vendor, class, replayed older bundle), payload size
# and digest, detached payloads, and the bounds (MSA_E_LIMIT).
# usage: bundles.sh MSA_SUIT_DUMP MKBUNDLE_PY
set -eu
dump=$1
mk="/usr/bin/python3 $2"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
fails=0
cases=0

# expect RESULT ARGS...: run the dump, compare its "result"
expect() {
    want=$1
    shift
    cases=$((cases + 1))
    out=$("$dump" "$@" 2>&1) || true
    got=$(printf '%s' "$out" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["result"])' 2>/dev/null || echo "no-json: $out")
    if [ "$got" = "$want" ]; then
        echo "ok   $want: $*"
    else
        echo "FAIL want $want, got $got: $*"
        fails=$((fails + 1))
    fi
}
# field EXPR ARGS...: print a python expression over the JSON output j
field() {
    expr=$1
    shift
    "$dump" "$@" | /usr/bin/python3 -c "import json,sys; j=json.load(sys.stdin); print($expr)"
}
check() { # check WHAT GOT WANT
    cases=$((cases + 1))
    if [ "$2" = "$3" ]; then echo "ok   $1 = $3"; else echo "FAIL $1: got $2, want $3"; fails=$((fails + 1)); fi
}

ids="--vendor-domain example.com --class-name infusion-pump-rev-B"
$mk keygen --alg eddsa root1.json
$mk keygen --alg es256 root2.json
$mk keygen --alg es256 rel.json
$mk keygen --alg eddsa rel2.json
$mk keygen --alg eddsa stranger.json
head -c 300000 /dev/urandom >img.bin
head -c 5000 /dev/urandom >img2.bin
$mk anchor --root root1.json --root root2.json --k 1 $ids ta1.cbor
$mk anchor --root root1.json --root root2.json --k 2 $ids ta2.cbor
$mk cert --root root1.json --subject rel.json --vendor-domain example.com rel.cert
$mk cert --root root2.json --subject rel2.json --vendor-domain example.com rel2.cert
env="--sequence 5 $ids --image img.bin"

# a release key certified by a root
$mk envelope --key rel.json --cert rel.cert $env --release-version 1.2.3 --model pump ok.suit
expect MSA_OK --trust ta1.cbor ok.suit
expect MSA_OK --trust ta1.cbor --seed 9 --chunk 1000 ok.suit
expect MSA_OK --trust ta1.cbor --one-shot ok.suit
check "payload bytes to the sink" "$(field 'j["sunk"][0]' --trust ta1.cbor --seed 3 --chunk 777 ok.suit)" 300000
check "payload verified" "$(field 'j["components"][0]["verified"]' --trust ta1.cbor ok.suit)" True
check "release metadata" "$(field 'j["medsec"]["version"] + "/" + j["medsec"]["model"]' --trust ta1.cbor ok.suit)" 1.2.3/pump
# the device
expect MSA_E_ROLLBACK --trust ta1.cbor --counter 5 ok.suit
expect MSA_E_ROLLBACK --trust ta1.cbor --counter 9 ok.suit
expect MSA_E_ROLLBACK --trust ta1.cbor --counter 5 --one-shot ok.suit
expect MSA_E_VENDOR --trust ta1.cbor --vendor 00112233445566778899aabbccddeeff ok.suit
expect MSA_E_CLASS --trust ta1.cbor --class 00112233445566778899aabbccddeeff ok.suit
$mk envelope --key rel.json --cert rel.cert --sequence 5 --vendor-domain example.com --class-name other-model --image img.bin other.suit
expect MSA_E_CLASS --trust ta1.cbor other.suit
# keys
$mk envelope --key stranger.json $env stranger.suit
expect MSA_E_KEY_UNKNOWN --trust ta1.cbor stranger.suit
$mk envelope --key rel.json $env nocert.suit
expect MSA_E_KEY_UNKNOWN --trust ta1.cbor nocert.suit
$mk envelope --key root1.json $env root.suit
expect MSA_OK --trust ta1.cbor root.suit
$mk envelope --key root2.json --no-kid $env nokid.suit
expect MSA_OK --trust ta1.cbor nokid.suit
$mk cert --root root1.json --subject rel.json --vendor-domain example.com --not-before 1000 --not-after 2000 short.cert
$mk envelope --key rel.json --cert short.cert $env short.suit
expect MSA_E_KEY_EXPIRED --trust ta1.cbor --now 2001 short.suit
expect MSA_E_KEY_EXPIRED --trust ta1.cbor --now 999 short.suit
expect MSA_OK --trust ta1.cbor --now 1500 short.suit
expect MSA_OK --trust ta1.cbor short.suit
$mk cert --root root1.json --subject rel.json --vendor-domain example.com --purposes 6 purpose.cert
$mk envelope --key rel.json --cert purpose.cert $env purpose.suit
expect MSA_E_KEY_PURPOSE --trust ta1.cbor purpose.suit
$mk cert --root root1.json --subject rel.json --vendor-domain other.example vendor.cert
$mk envelope --key rel.json --cert vendor.cert $env vendorcert.suit
expect MSA_E_VENDOR --trust ta1.cbor vendorcert.suit
$mk cert --root stranger.json --subject rel.json --vendor-domain example.com stranger.cert
$mk envelope --key rel.json --cert stranger.cert $env strangercert.suit
expect MSA_E_KEY_UNKNOWN --trust ta1.cbor strangercert.suit
# revocation lists travel in bundles; a device keeps the highest number
$mk revocation --signer root1.json --number 3 --revoke rel.json rl3.cbor
$mk revocation --signer root1.json --number 2 rl2.cbor
$mk revocation --signer stranger.json --number 9 --revoke rel.json rl-stranger.cbor
$mk envelope --key rel.json --cert rel.cert --revocation rl3.cbor $env revoked.suit
expect MSA_E_KEY_REVOKED --trust ta1.cbor revoked.suit
check "revocation list number kept" "$(field 'j["revoked"]' --trust ta1.cbor revoked.suit)" 3
expect MSA_OK --trust ta1.cbor --revoked 3 revoked.suit
$mk envelope --key root2.json --revocation rl3.cbor $env rl-root.suit
expect MSA_OK --trust ta1.cbor rl-root.suit
check "a newer list is taken" "$(field 'j["revoked"]' --trust ta1.cbor --revoked 1 rl-root.suit)" 3
$mk envelope --key rel.json --cert rel.cert --revocation rl2.cbor $env rl-old.suit
check "an older list is ignored" "$(field 'j["revoked"]' --trust ta1.cbor --revoked 3 rl-old.suit)" 3
expect MSA_OK --trust ta1.cbor --revoked 3 rl-old.suit
$mk envelope --key rel.json --cert rel.cert --revocation rl-stranger.cbor $env rl-forged.suit
expect MSA_E_KEY_UNKNOWN --trust ta1.cbor rl-forged.suit
# k of n
$mk envelope --key root1.json $env k1.suit
expect MSA_E_THRESHOLD --trust ta2.cbor k1.suit
$mk envelope --key root1.json --key root1.json $env k1twice.suit
expect MSA_E_THRESHOLD --trust ta2.cbor k1twice.suit
$mk envelope --key root1.json --key rel.json --cert rel.cert $env k1rel.suit
expect MSA_E_THRESHOLD --trust ta2.cbor k1rel.suit
$mk envelope --key root1.json --key root2.json $env k2.suit
expect MSA_OK --trust ta2.cbor k2.suit
$mk envelope --key rel.json --key rel2.json --cert rel.cert --cert rel2.cert $env k2rel.suit
expect MSA_OK --trust ta2.cbor k2rel.suit
$mk envelope --key root1.json --key stranger.json $env k1stranger.suit
expect MSA_E_THRESHOLD --trust ta2.cbor k1stranger.suit
$mk envelope --key root1.json --key rel.json --cert rel.cert --revocation rl3.cbor $env k1revoked.suit
expect MSA_E_KEY_REVOKED --trust ta2.cbor k1revoked.suit
# payloads
$mk envelope --key root1.json --sequence 5 $ids --image img.bin --size-delta 1 size.suit
expect MSA_E_IMAGE_SIZE --trust ta1.cbor size.suit
expect MSA_E_IMAGE_SIZE --trust ta1.cbor --one-shot size.suit
$mk envelope --key root1.json --sequence 5 $ids --image img.bin=file:img.bin detached.suit
expect MSA_OK --trust ta1.cbor --payload 0=img.bin --seed 4 --chunk 5000 detached.suit
check "detached payload verified" "$(field 'j["components"][0]["verified"]' --trust ta1.cbor --payload 0=img.bin detached.suit)" True
check "detached payload not given" "$(field 'j["components"][0]["verified"]' --trust ta1.cbor detached.suit)" False
expect MSA_E_IMAGE_SIZE --trust ta1.cbor --payload 0=img2.bin detached.suit
head -c 300000 /dev/urandom >img-other.bin
expect MSA_E_IMAGE_DIGEST --trust ta1.cbor --payload 0=img-other.bin detached.suit
$mk envelope --key root1.json --sequence 5 $ids --image img.bin --image img2.bin=https://example.com/img2.bin two.suit
expect MSA_OK --trust ta1.cbor --payload 1=img2.bin --seed 5 --chunk 999 two.suit
check "two components verified" "$(field '[c["verified"] for c in j["components"]]' --trust ta1.cbor --payload 1=img2.bin two.suit)" "[True, True]"
$mk envelope --key root1.json --no-tag $env notag.suit
expect MSA_OK --trust ta1.cbor notag.suit
# bounds: MSA_MANIFEST_MAX (the buffer), MSA_COMPONENTS_MAX, MSA_SIGNATURES_MAX
expect MSA_E_LIMIT --trust ta1.cbor --buffer 200 ok.suit
$mk envelope --key root1.json --sequence 5 $ids --image img2.bin --image img2.bin --image img2.bin --image img2.bin --image img2.bin five.suit
expect MSA_E_LIMIT --trust ta1.cbor five.suit
$mk envelope --key root1.json --key root1.json --key root1.json --key root1.json --key root1.json $env fivesig.suit
expect MSA_E_LIMIT --trust ta1.cbor fivesig.suit
expect MSA_E_LIMIT --trust ta1.cbor --one-shot fivesig.suit
# commands beyond MSA_SUIT_COMMANDS_MAX (64), nesting beyond MSA_CBOR_DEPTH_MAX (16), both signed
$mk envelope --key root1.json $env --extra-commands 50 cmds-ok.suit
expect MSA_OK --trust ta1.cbor cmds-ok.suit
$mk envelope --key root1.json $env --extra-commands 60 cmds-over.suit
expect MSA_E_LIMIT --trust ta1.cbor cmds-over.suit
$mk envelope --key root1.json $env --deep-member 10 deep-ok.suit
expect MSA_OK --trust ta1.cbor deep-ok.suit
$mk envelope --key root1.json $env --deep-member 20 deep-over.suit
expect MSA_E_LIMIT --trust ta1.cbor deep-over.suit
# a trust anchor of more than MSA_ROOTS_MAX roots, a revocation list of more than MSA_REVOKED_MAX
for n in 1 2 3 4 5; do $mk keygen --alg eddsa r$n.json; done
$mk anchor --root r1.json --root r2.json --root r3.json --root r4.json --root r5.json $ids ta5.cbor
cases=$((cases + 1))
if "$dump" --trust ta5.cbor ok.suit >/dev/null 2>err.txt; then
    echo "FAIL: a trust anchor of 5 roots was read"
    fails=$((fails + 1))
elif grep -q "exceeds a configured bound" err.txt; then
    echo "ok   MSA_E_LIMIT: trust anchor of 5 roots"
else
    echo "FAIL: trust anchor of 5 roots: $(cat err.txt)"
    fails=$((fails + 1))
fi
$mk revocation --signer root1.json --number 5 $(for i in $(seq 10 26); do printf -- '--revoke-kid %032d ' "$i"; done) rl17.cbor
$mk envelope --key root1.json --revocation rl17.cbor $env rl17.suit
expect MSA_E_LIMIT --trust ta1.cbor rl17.suit
$mk revocation --signer root1.json --number 5 $(for i in $(seq 10 25); do printf -- '--revoke-kid %032d ' "$i"; done) rl16.cbor
$mk envelope --key root1.json --revocation rl16.cbor $env rl16.suit
expect MSA_OK --trust ta1.cbor rl16.suit

# every envelope made here is a valid SUIT structure to python3-cbor2 (mkbundle.py check)
cases=$((cases + 1))
if $mk check ./*.suit >check.txt; then
    echo "ok   $(wc -l <check.txt) envelopes valid SUIT structures (mkbundle.py check)"
else
    grep '"valid": false' check.txt
    fails=$((fails + 1))
fi

echo "bundles: $cases cases, $fails failed"
[ "$fails" -eq 0 ]
