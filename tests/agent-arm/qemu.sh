#!/bin/sh
# qemu.sh: cross-build the agent for QEMU's mps2-an385 board (Cortex-M3) with Debian's
# arm-none-eabi-gcc and newlib, boot it under qemu-system-arm with semihosting, judge what it
# reports, and print the agent's figures: code size, static RAM and stack (static worst case from
# the call graph, and the peak measured by stack painting on the board).
# usage: qemu.sh SOURCE_ROOT BUILD_DIR CMAKE HOST_STRERROR
# Exit 77 (skip) when the toolchain or QEMU is missing (scripts/deps.sh --test installs them).
set -eu
src=$1 build=$2 cmake=$3 host_strerror=$4
for tool in arm-none-eabi-gcc arm-none-eabi-size qemu-system-arm; do
    command -v $tool >/dev/null 2>&1 || { echo "qemu.sh: $tool not found, skipping (sh scripts/deps.sh --test)"; exit 77; }
done
nano=$(arm-none-eabi-gcc -mcpu=cortex-m3 -mthumb -print-file-name=libc_nano.a)
[ -f "$nano" ] || { echo "qemu.sh: newlib nano for arm-none-eabi not found, skipping (libnewlib-arm-none-eabi)"; exit 77; }

echo "== cross build (arm-none-eabi-gcc $(arm-none-eabi-gcc -dumpversion), -Os, Cortex-M3)"
"$cmake" -S "$src/agent/port/mps2" -B "$build" -G Ninja \
    -DCMAKE_TOOLCHAIN_FILE="$src/agent/port/mps2/arm-none-eabi.cmake" -DCMAKE_BUILD_TYPE=MinSizeRel >"$build.log" 2>&1 ||
    { cat "$build.log"; echo "qemu.sh: configuring the cross build failed"; exit 1; }
"$cmake" --build "$build" >>"$build.log" 2>&1 || { cat "$build.log"; echo "qemu.sh: the cross build failed"; exit 1; }
elf="$build/msa-mps2.elf"

echo "== boot on qemu-system-arm -M mps2-an385"
out="$build/qemu.out"
rc=0
timeout 120 qemu-system-arm -M mps2-an385 -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native -icount shift=0 -kernel "$elf" >"$out" 2>&1 || rc=$?
cat "$out"
fail=0
[ "$rc" -eq 0 ] || { echo "qemu.sh: QEMU exited with status $rc (124: timed out)"; fail=1; }
tail -n 1 "$out" | grep -qx "RESULT PASS" || { echo "qemu.sh: the last line is not RESULT PASS"; fail=1; }
if grep -q "FAILED" "$out"; then echo "qemu.sh: a check on the board failed"; fail=1; fi
# the board's msa_strerror sentences are the host's, code for code
"$host_strerror" >"$build/strerror.host"
grep '^strerror ' "$out" >"$build/strerror.board" || true
if ! cmp -s "$build/strerror.host" "$build/strerror.board"; then
    echo "qemu.sh: msa_strerror on the board differs from the host's:"
    diff "$build/strerror.host" "$build/strerror.board" || true
    fail=1
fi

echo "== figures (arm-none-eabi-size, bytes)"
arm-none-eabi-size -t "$build/libmsa.a" | tail -n 1 | awk '{printf "size.agent   text %d data %d bss %d (agent core: agent/sources.txt)\n", $1, $2, $3}'
arm-none-eabi-size -t "$build/libmsa_crypto.a" | tail -n 1 | awk '{printf "size.crypto  text %d data %d bss %d (agent/crypto)\n", $1, $2, $3}'
arm-none-eabi-size -A "$elf" | awk '$1==".text"||$1==".data"||$1==".bss"||$1==".stack"{printf "image.%s %d\n", substr($1,2), $2}'
awk '/^stack\./{print "measured." $0 " (stack painting on the board)"}' "$out"
# with -icount shift=0 QEMU runs one instruction per virtual nanosecond; SysTick counts the
# board's 25 MHz clock, so one tick is 40 instructions
awk '/^ticks\./{sub(/^ticks\./, ""); printf "measured.instructions.%s %d (QEMU -icount shift=0: one SysTick tick = 40 instructions)\n", $1, $2 * 40}' "$out"
/usr/bin/python3 "$src/tests/agent-arm/stack.py" "$build" | sed 's/^/static./' || { echo "qemu.sh: stack analysis failed"; fail=1; }
[ $fail -eq 0 ] && echo "qemu.sh: PASS" || echo "qemu.sh: FAIL"
exit $fail
