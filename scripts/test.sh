#!/bin/sh
# test.sh: install, build and run every test: the dev build, the ASan+UBSan build, a build of the
# release preset (-O3 sees warnings the others do not; -Werror stops on them), and a run of each
# fuzz harness (45 s each, two at a time: MEDSEC_FUZZ_SECONDS, MEDSEC_FUZZ_JOBS; with 32 harnesses
# that is 12 minutes, which keeps the whole run under CI's 30). Exits non-zero when anything fails.
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh --test
status=0
for preset in dev asan; do
    echo "== build and test: $preset"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
    ctest --preset "$preset" -j2 || status=1
done
echo "== build: release"
cmake --preset release >/dev/null
cmake --build --preset release || status=1
echo "== fuzz harnesses (${MEDSEC_FUZZ_SECONDS:-45} s each, ${MEDSEC_FUZZ_JOBS:-2} at a time)"
cmake --preset fuzz >/dev/null
cmake --build --preset fuzz --target fuzzers
sh tests/fuzz/run.sh build/fuzz "${MEDSEC_FUZZ_SECONDS:-45}" "${MEDSEC_FUZZ_JOBS:-2}" || status=1
exit $status
