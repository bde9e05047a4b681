#!/bin/sh
# release_flow.sh: the manufacturer's and the device's halves together, from the command line, on
# the example device: `medsec release` makes a root key, a certified ES256 release key, the device's
# trust anchor and signed bundles of examples/infusion-pump; medsec-agent installs them (integrated
# and detached payloads), boots them on trial, confirms, rolls an unconfirmed one back by itself and
# refuses a replayed older bundle. Skips (77) when this build has no `medsec release`.
# usage: release_flow.sh MEDSEC MEDSEC_AGENT SOURCE_DIR
set -u
medsec=$1 agent=$2 src=$3
"$medsec" release --help >/dev/null 2>&1 || { echo "release_flow: no 'medsec release' in this build"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
ex=$src/examples/infusion-pump
PP=test-passphrase
export PP
unset MSA_NOW
fails=0
check() { # check WHAT COMMAND...: the command must succeed
    what=$1
    shift
    if "$@" >out 2>err; then echo "ok   $what"; else echo "FAIL $what"; cat out err; fails=$((fails + 1)); fi
}
refuse() { # refuse WHAT PATTERN COMMAND...: the command must fail with exit 1 and PATTERN on stderr
    what=$1 pat=$2
    shift 2
    "$@" >out 2>err
    rc=$?
    if [ $rc = 1 ] && grep -q "$pat" err; then echo "ok   $what: $(cat err)"; else
        echo "FAIL $what (exit $rc)"; cat out err; fails=$((fails + 1)); fi
}
ids="--vendor-domain pump.example"
sign() { # sign SEQ IMAGE OUT [OPTIONS...]
    seq=$1 img=$2 out=$3
    shift 3
    "$medsec" release sign "$ex" --image "$img" --sequence "$seq" --key rel --passphrase-env PP \
        --cert rel.cert $ids "$@" -o "$out"
}
check "root key" "$medsec" release keygen root --test-cost --passphrase-env PP
check "release key (ES256)" "$medsec" release keygen rel --alg ES256 --test-cost --passphrase-env PP
check "certificate" "$medsec" release certify rel.pub --root root --passphrase-env PP \
    --not-before 2020-01-01 --not-after 2099-01-01 $ids -o rel.cert
check "trust anchor" "$medsec" release anchor --root root.pub --device "$ex" $ids -o anchor.cbor
for v in 1 2 3 4; do head -c $((20000 + 7000 * v)) /dev/urandom >img$v; done
check "sign v1" sign 1 img1 b1.suit
check "sign v2" sign 2 img2 b2.suit
check "sign v3" sign 3 img3 b3.suit
check "sign v4 (detached)" sign 4 img4 b4.suit --uri file:img4
check "medsec release verify v2" "$medsec" release verify b2.suit --anchor anchor.cbor
check "device init" "$agent" init dev --anchor anchor.cbor --slot-size 131072
check "install v1" "$agent" install dev b1.suit
check "boot v1 (trial)" "$agent" boot dev
check "confirm v1" "$agent" confirm dev
check "install v2" "$agent" install dev b2.suit
check "boot v2 (trial)" "$agent" boot dev
check "confirm v2" "$agent" confirm dev
refuse "replay of v1" "not newer" "$agent" install dev b1.suit
check "install v3" "$agent" install dev b3.suit
for i in 1 2 3; do check "trial boot $i of v3, never confirmed" "$agent" boot dev; done
check "fourth boot" "$agent" boot dev
grep -q "booted slot B: security version 2, confirmed" out && echo "ok   rolled back to v2 by itself" ||
    { echo "FAIL no rollback: $(cat out)"; fails=$((fails + 1)); }
refuse "v4 without its detached payload" "detached" "$agent" install dev b4.suit
check "install v4 with its payload" "$agent" install dev b4.suit --payload img4
check "boot v4" "$agent" boot dev
check "confirm v4" "$agent" confirm dev
check "status" "$agent" status dev
grep -q "counter: 4" out && echo "ok   counter 4" || { echo "FAIL counter: $(cat out)"; fails=$((fails + 1)); }
check "log export" "$agent" log dev --export dev.log
check "medsec log verify" "$medsec" log verify dev.log --key dev/log.key --device-pub dev/device.pub
[ $fails = 0 ] && echo "all checks passed" || echo "$fails check(s) failed"
[ $fails = 0 ]
