#!/bin/sh
# qemu.sh: cross-build the agent for QEMU's mps2-an385 board (Cortex-M3) with Debian's
# arm-none-eabi-gcc and newlib, boot it under qemu-system-arm with semihosting, judge what it
# reports, and print the agent's figures: code size, static RAM and stack (static worst case from
# the call graph, and the peak measured by stack painting on the board).
#
# Two images, each with real Ed25519-signed SUIT bundles made on the host by
# tests/agent-common/mkbundle.py and compiled in; the board updates from them with msa_update
# (read in 61-byte chunks), resets, boots, confirms (agent/port/mps2/update.c):
#   install   v1 installs into slot A and confirms; v2 into slot B, the power cut in the middle,
#             still boots v1, the same bundle resumes the install, trial boot, confirm; v1
#             replayed is refused (MSA_E_ROLLBACK); v3 installs into slot A but never confirms,
#             and the agent rolls back to slot B by itself; v4, whose image is a detached payload
#             read apart from the envelope, installs into slot A; v5, signed by a release key
#             that the root certifies, installs into slot B; the security log verifies; the
#             device is decommissioned (record signed by its key, keys erased, no more boots)
#   tampered  v1 installs; v2 with one payload bit flipped is refused (MSA_E_IMAGE_DIGEST), a
#             bundle signed by an unknown key (MSA_E_KEY_UNKNOWN), and one for another hardware
#             class (MSA_E_CLASS), v4 with one bit of its detached payload flipped
#             (MSA_E_IMAGE_DIGEST), v5 carrying a revocation list that revokes its release key
#             (MSA_E_KEY_REVOKED); each time the device still boots v1
# usage: qemu.sh SOURCE_ROOT BUILD_DIR CMAKE HOST_STRERROR
# Exit 77 (skip) when the toolchain, QEMU or the bundle maker's Python modules are missing
# (scripts/deps.sh --test installs them).
set -eu
src=$1 build=$2 cmake=$3 host_strerror=$4
py=/usr/bin/python3
for tool in arm-none-eabi-gcc arm-none-eabi-size qemu-system-arm; do
    command -v $tool >/dev/null 2>&1 || { echo "qemu.sh: $tool not found, skipping (sh scripts/deps.sh --test)"; exit 77; }
done
nano=$(arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -print-file-name=libc_nano.a)
[ -f "$nano" ] || { echo "qemu.sh: newlib nano for arm-none-eabi not found, skipping (libnewlib-arm-none-eabi)"; exit 77; }
$py -c 'import cbor2, cryptography' 2>/dev/null || { echo "qemu.sh: python3-cbor2 or python3-cryptography missing, skipping"; exit 77; }

mkdir -p "$build"
b="$build/bundles"
rm -rf "$b"
mkdir -p "$b"
mk="$py $src/tests/agent-common/mkbundle.py"
ids="--vendor-domain example.com --class-name infusion-pump-rev-A"
echo "== bundles (tests/agent-common/mkbundle.py, Ed25519)"
$mk keygen --alg eddsa "$b/root.json" >/dev/null
$mk keygen --alg eddsa "$b/stranger.json" >/dev/null
$mk anchor --root "$b/root.json" $ids "$b/anchor.cbor" >/dev/null
$py - "$b" <<'PY'
import random, sys
r = random.Random(14)
for name, n in (("v1.bin", 20000), ("v2.bin", 30011), ("v4.bin", 12345)):
    with open(sys.argv[1] + "/" + name, "wb") as f:
        f.write(bytes(r.getrandbits(8) for _ in range(n)))
PY
$mk envelope --key "$b/root.json" --sequence 1 --image "$b/v1.bin" $ids "$b/v1.suit" >/dev/null
$mk envelope --key "$b/root.json" --sequence 2 --image "$b/v2.bin" $ids "$b/v2.suit" >/dev/null
$mk envelope --key "$b/root.json" --sequence 3 --image "$b/v1.bin" $ids "$b/v3.suit" >/dev/null
$mk envelope --key "$b/root.json" --sequence 4 --image "$b/v4.bin=file:v4.bin" $ids "$b/v4.suit" >/dev/null
# a release key the root certifies (the certificate travels in the bundle), and a revocation
# list of the root that revokes it
$mk keygen --alg eddsa "$b/release.json" >/dev/null
$mk cert --root "$b/root.json" --subject "$b/release.json" --not-before 0 --not-after 4102444800 \
    --purposes 1 --serial 7 --vendor-domain example.com "$b/release.cert" >/dev/null
$mk revocation --signer "$b/root.json" --number 1 --revoke "$b/release.json" "$b/revoked.rl" >/dev/null
$mk envelope --key "$b/release.json" --cert "$b/release.cert" --sequence 5 --image "$b/v2.bin" $ids \
    "$b/v5.suit" >/dev/null
$mk envelope --key "$b/release.json" --cert "$b/release.cert" --revocation "$b/revoked.rl" \
    --sequence 5 --image "$b/v2.bin" $ids "$b/v5-revoked.suit" >/dev/null
$mk envelope --key "$b/stranger.json" --sequence 3 --image "$b/v2.bin" $ids "$b/stranger.suit" >/dev/null
$mk envelope --key "$b/root.json" --sequence 3 --image "$b/v2.bin" --vendor-domain example.com \
    --class-name infusion-pump-rev-B "$b/other-class.suit" >/dev/null
# one bit of the image, inside the integrated payload (the envelope's last member)
$py - "$b/v2.suit" "$b/v2-tampered.suit" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[len(data) - 1000] ^= 0x01
open(sys.argv[2], "wb").write(data)
PY
$py - "$b/v4.bin" "$b/v4-tampered.bin" <<'PY'
import sys
data = bytearray(open(sys.argv[1], "rb").read())
data[4321] ^= 0x80
open(sys.argv[2], "wb").write(data)
PY
ls -l "$b"/*.suit | awk '{print "  " $NF " " $5 " bytes"}'

fail=0
# run NAME BUNDLES: configure, build and boot one image; judge its output
run() {
    name=$1 bundles=$2 dir="$build/$1"
    echo "== cross build '$name' (arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion), -Os, Cortex-M3)"
    "$cmake" -S "$src/agent/port/mps2" -B "$dir" -G Ninja \
        -DCMAKE_TOOLCHAIN_FILE="$src/agent/port/mps2/arm-none-eabi.cmake" -DCMAKE_BUILD_TYPE=MinSizeRel \
        -DMSA_MPS2_ANCHOR="$b/anchor.cbor" -DMSA_MPS2_BUNDLES="$bundles" >"$dir.log" 2>&1 ||
        { cat "$dir.log"; echo "qemu.sh: configuring the cross build failed"; fail=1; return; }
    "$cmake" --build "$dir" >>"$dir.log" 2>&1 || { cat "$dir.log"; echo "qemu.sh: the cross build failed"; fail=1; return; }
    grep -E "warning:" "$dir.log" | sort -u || true
    echo "== boot '$name' on qemu-system-arm -M mps2-an385"
    out="$dir/qemu.out"
    rc=0
    timeout 120 qemu-system-arm -M mps2-an385 -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native -icount shift=0 -kernel "$dir/msa-mps2.elf" >"$out" 2>&1 || rc=$?
    grep -v '^strerror ' "$out"
    [ "$rc" -eq 0 ] || { echo "qemu.sh: QEMU exited with status $rc (124: timed out)"; fail=1; }
    tail -n 1 "$out" | grep -qx "RESULT PASS" || { echo "qemu.sh: '$name': the last line is not RESULT PASS"; fail=1; }
    if grep -q "FAILED" "$out"; then echo "qemu.sh: '$name': a check on the board failed"; fail=1; fi
    # the board's msa_strerror sentences are the host's, code for code
    "$host_strerror" >"$dir/strerror.host"
    grep '^strerror ' "$out" >"$dir/strerror.board" || true
    if ! cmp -s "$dir/strerror.host" "$dir/strerror.board"; then
        echo "qemu.sh: '$name': msa_strerror on the board differs from the host's:"
        diff "$dir/strerror.host" "$dir/strerror.board" || true
        fail=1
    fi
}
run install "v1=$b/v1.suit=MSA_OK;v2=$b/v2.suit=MSA_OK=MPS2_POWER_CUT;v1-replayed=$b/v1.suit=MSA_E_ROLLBACK;v3-unconfirmed=$b/v3.suit=MSA_OK=MPS2_NO_CONFIRM;v4-detached=$b/v4.suit=MSA_OK=MPS2_CONFIRM=$b/v4.bin;v5-release-key=$b/v5.suit=MSA_OK"
# the issue's flow, line by line: v2 into slot B, on trial, confirmed; v3 rolled back by itself
for line in "bundle v2: success (as expected)" "  the install resumed: ok" "  installed into slot B" "  boots on trial: slot B" \
    "  it confirms itself: ok" "  rolled back to the confirmed image by itself: ok" \
    "  the log's chain and HMACs verify: ok" "  the signed check-in verifies: ok" \
    "  the counter increases: ok" "  the signed decommission record verifies: ok"; do
    grep -qxF "$line" "$build/install/qemu.out" 2>/dev/null || { echo "qemu.sh: missing on the board: '$line'"; fail=1; }
done
run tampered "v1=$b/v1.suit=MSA_OK;v2-tampered=$b/v2-tampered.suit=MSA_E_IMAGE_DIGEST;stranger=$b/stranger.suit=MSA_E_KEY_UNKNOWN;other-class=$b/other-class.suit=MSA_E_CLASS;v4-payload-tampered=$b/v4.suit=MSA_E_IMAGE_DIGEST=MPS2_CONFIRM=$b/v4-tampered.bin;v5-key-revoked=$b/v5-revoked.suit=MSA_E_KEY_REVOKED"

# the same board built by plain make from agent/sources.txt (agent/port/mps2/Makefile): the
# crypto self-test and msa_strerror, no bundles
if command -v make >/dev/null 2>&1; then
    echo "== plain make build (agent/port/mps2/Makefile)"
    rm -rf "$build/make"
    if make -C "$src/agent/port/mps2" BUILD="$build/make" >"$build/make.log" 2>&1; then
        rc=0
        timeout 120 qemu-system-arm -M mps2-an385 -nographic -monitor none -serial none \
            -semihosting-config enable=on,target=native -icount shift=0 -kernel "$build/make/msa-mps2.elf" \
            >"$build/make/qemu.out" 2>&1 || rc=$?
        grep '^strerror ' "$build/make/qemu.out" >"$build/make/strerror.board" || true
        if [ "$rc" -eq 0 ] && tail -n 1 "$build/make/qemu.out" | grep -qx "RESULT PASS" &&
            ! grep -q FAILED "$build/make/qemu.out" && cmp -s "$build/install/strerror.host" "$build/make/strerror.board"; then
            echo "make build: boots, self-test and msa_strerror as the CMake build"
        else
            cat "$build/make/qemu.out"
            echo "qemu.sh: the make build's image failed on the board"
            fail=1
        fi
    else
        cat "$build/make.log"
        echo "qemu.sh: the make build failed"
        fail=1
    fi
fi

dir="$build/install"
echo "== figures (arm-none-eabi-size, bytes; image 'install')"
arm-none-eabi-size -t "$dir/libmsa.a" | tail -n 1 | awk '{printf "size.agent   text %d data %d bss %d (agent core: agent/sources.txt)\n", $1, $2, $3}'
# per source file of the core
arm-none-eabi-size "$dir/libmsa.a" | awk 'NR>1{n=$6; sub(/.*\//, "", n); sub(/\.obj$/, "", n); printf "size.file    %-10s text %6d data %d bss %d\n", n, $1, $2, $3}'
arm-none-eabi-size -t "$dir/libmsa_crypto.a" | tail -n 1 | awk '{printf "size.crypto  text %d data %d bss %d (agent/crypto)\n", $1, $2, $3}'
arm-none-eabi-size -A "$dir/msa-mps2.elf" | awk '$1==".text"||$1==".data"||$1==".bss"||$1==".stack"{printf "image.%s %d\n", substr($1,2), $2}'
awk '/^stack\./{print "measured." $0 " (stack painting on the board)"}' "$dir/qemu.out"
awk '/^ram\./{print $0 " (RAM the caller gives the agent: sizeof on the board)"}' "$dir/qemu.out"
# with -icount shift=0 QEMU runs one instruction per virtual nanosecond; SysTick counts the
# board's 25 MHz clock, so one tick is 40 instructions
awk '/^ticks\./{sub(/^ticks\./, ""); printf "measured.instructions.%s %d (QEMU -icount shift=0: one SysTick tick = 40 instructions)\n", $1, $2 * 40}' "$dir/qemu.out"
# the SUIT interpreter recurses through try-each, at most MSA_SUIT_TRY_DEPTH deep
depth=$(sed -n 's/^#define MSA_SUIT_TRY_DEPTH \([0-9]*\).*/\1/p' "$src/agent/include/msa/suit.h")
bound=$(( ${depth:-0} + 1 ))
# the deepest entry points (all of them: $dir/stack.txt)
if $py "$src/tests/agent-arm/stack.py" "$dir" --bound run=$bound --bound try_each=$bound --root mps2_reset >"$dir/stack.txt"; then
    grep '^stack.entry' "$dir/stack.txt" | head -n 6 | sed 's/^/static./'
    grep -v '^stack.entry' "$dir/stack.txt" | sed 's/^/static./'
    # the whole program's static bound (from the reset handler) holds the painted peak, or the
    # call graph misses a path
    program=$(awk '$1=="stack.root"{print $3}' "$dir/stack.txt")
    peak=$(awk '$1=="stack.peak"{print $2}' "$dir/qemu.out")
    if [ -n "$program" ] && [ -n "$peak" ] && [ "$peak" -le "$program" ]; then
        echo "stack check: measured peak $peak <= static bound of the whole program $program"
    else
        echo "qemu.sh: the measured stack peak ($peak) exceeds the static bound ($program)"
        fail=1
    fi
else
    cat "$dir/stack.txt"
    echo "qemu.sh: stack analysis failed"
    fail=1
fi
[ $fail -eq 0 ] && echo "qemu.sh: PASS" || echo "qemu.sh: FAIL"
exit $fail
