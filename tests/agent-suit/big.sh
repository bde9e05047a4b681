#!/bin/sh
# big.sh: a 64 MiB integrated payload streamed through the agent's verifier in random chunk sizes
# (1 byte .. 1 MiB). The bundle verifies, the sink receives every byte in order, and the process's
# peak memory is no larger (within 2 MiB) than for a 1 MiB bundle: memory does not grow with the
# payload. Prints both figures and the throughput.
# usage: big.sh MSA_SUIT_DUMP MKBUNDLE_PY
set -eu
dump=$1
mk="/usr/bin/python3 $2"
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cd "$dir"
ids="--vendor-domain example.com --class-name pump-B"
$mk keygen --alg eddsa root.json
$mk anchor --root root.json $ids ta.cbor
/usr/bin/python3 -c 'import random,sys; r=random.Random(14); sys.stdout.buffer.write(r.randbytes(64<<20))' >big.bin
head -c 1048576 big.bin >small.bin
$mk envelope --key root.json --sequence 2 $ids --image big.bin big.suit
$mk envelope --key root.json --sequence 2 $ids --image small.bin small.suit
rm big.bin small.bin

run() { # run BUNDLE: prints "result sunk verified max_rss_kib seconds"
    start=$(date +%s.%N)
    out=$("$dump" --trust ta.cbor --seed 64 --chunk 1048576 "$1" || true)
    end=$(date +%s.%N)
    printf '%s' "$out" | /usr/bin/python3 -c "import json,sys; j=json.load(sys.stdin); print(j['result'], j['sunk'][0], j['components'][0]['verified'], j['sink_disorder'], j['max_rss_kib'], $end - $start)"
}
set -- $(run big.suit)
big_result=$1 big_sunk=$2 big_ok=$3 big_disorder=$4 big_rss=$5 big_s=$6
set -- $(run small.suit)
small_result=$1 small_rss=$5
echo "64 MiB payload: $big_result, $big_sunk bytes to the sink, verified $big_ok, peak RSS $big_rss KiB, $big_s s"
echo "1 MiB payload:  $small_result, peak RSS $small_rss KiB"
/usr/bin/python3 -c "print('throughput: %.0f MiB/s' % (64 / $big_s))"
fail=0
[ "$big_result" = MSA_OK ] && [ "$small_result" = MSA_OK ] || { echo "FAIL: not verified"; fail=1; }
[ "$big_sunk" = 67108864 ] && [ "$big_ok" = True ] && [ "$big_disorder" = False ] || { echo "FAIL: payload bytes"; fail=1; }
[ $((big_rss - small_rss)) -lt 2048 ] || { echo "FAIL: memory grew with the payload"; fail=1; }
# a single flipped byte deep in the payload is caught at its end
/usr/bin/python3 -c "
import os; f=open('big.suit','r+b'); f.seek(os.path.getsize('big.suit')-12345); b=f.read(1); f.seek(-1,1); f.write(bytes([b[0]^1]))"
set -- $(run big.suit)
echo "64 MiB payload with one byte flipped: $1"
[ "$1" = MSA_E_IMAGE_DIGEST ] || { echo "FAIL: flipped payload not rejected"; fail=1; }
exit $fail
