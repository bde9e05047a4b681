#!/bin/sh
# verify.sh: how fast `medsec release verify` checks a bundle (issue 14, item 9), against sha256sum
# and b2sum reading the same file: a 1 GiB image is signed into an integrated bundle; each of the
# three reads the bundle RUNS times (default 3) and the median wall time gives its throughput; the
# target is verify >= 90 % of sha256sum's throughput. Then the peak resident memory of verify (GNU
# time) on a 64 MiB and the 1 GiB bundle: it must not grow with the bundle (streaming).
# usage: bench/verify.sh [BUILD_DIR]   (default build/release; configured and built when missing)
#        SIZE_MIB=N changes the large image's size (default 1024). Needs 2 x SIZE in /tmp (TMPDIR).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
runs=${RUNS:-3}
size=${SIZE_MIB:-1024}
[ -x /usr/bin/time ] || { echo "verify.sh: /usr/bin/time missing (apt-get install time)" >&2; exit 2; }
for t in sha256sum b2sum; do
    command -v $t >/dev/null || { echo "verify.sh: $t missing (coreutils)" >&2; exit 2; }
done
[ -f "$build/build.ninja" ] || cmake --preset release -B "$build" >/dev/null
ninja -C "$build" -j2 medsec-cli >/dev/null
bin=$build/cli/medsec
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM
export MEDSEC_BENCH_PASS=bench
dev=$root/examples/infusion-pump
ids="--vendor-domain bench.example --hardware rev-A"
"$bin" release keygen "$tmp/root.key" --passphrase-env MEDSEC_BENCH_PASS --test-cost >/dev/null
"$bin" release anchor --root "$tmp/root.key.pub" --device "$dev" $ids -o "$tmp/anchor" >/dev/null

# bundle MIB NAME: an integrated bundle of a MIB-MiB random image as $tmp/NAME.suit
bundle() {
    head -c $(($1 * 1048576)) /dev/urandom >"$tmp/$2.bin"
    "$bin" release sign "$dev" --image "$tmp/$2.bin" --sequence 1 --key "$tmp/root.key" \
        --passphrase-env MEDSEC_BENCH_PASS $ids -o "$tmp/$2.suit" >/dev/null
    rm -f "$tmp/$2.bin"
}

# median of the wall seconds of RUNS runs of "$@" (output discarded)
median() {
    i=0
    : >"$tmp/times"
    while [ $i -lt "$runs" ]; do
        /usr/bin/time -f %e -o "$tmp/t" "$@" >/dev/null 2>&1 || { echo "verify.sh: '$*' failed" >&2; exit 1; }
        cat "$tmp/t" >>"$tmp/times"
        i=$((i + 1))
    done
    sort -n "$tmp/times" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'
}

maxrss() {
    /usr/bin/time -f %M -o "$tmp/m" "$@" >/dev/null 2>&1 || { echo "verify.sh: '$*' failed" >&2; exit 1; }
    cat "$tmp/m"
}

bundle 64 small
rss_small=$(maxrss "$bin" release verify "$tmp/small.suit" --anchor "$tmp/anchor")
rm -f "$tmp/small.suit"
bundle "$size" big
bytes=$(stat -c %s "$tmp/big.suit")
cat "$tmp/big.suit" >/dev/null # the page cache holds it for every reader alike
t_sha=$(median sha256sum "$tmp/big.suit")
t_b2=$(median b2sum "$tmp/big.suit")
t_ver=$(median "$bin" release verify "$tmp/big.suit" --anchor "$tmp/anchor")
rss_big=$(maxrss "$bin" release verify "$tmp/big.suit" --anchor "$tmp/anchor")
awk -v b="$bytes" -v s="$t_sha" -v k="$t_b2" -v v="$t_ver" -v rs="$rss_small" -v rb="$rss_big" \
    -v n="$runs" -v sz="$size" 'BEGIN {
    mib = b / 1048576
    printf "bundle: %.0f MiB (image %d MiB, integrated), median of %d runs, page cache warm\n", mib, sz, n
    printf "  %-24s %7.2f s  %8.1f MiB/s\n", "sha256sum", s, mib / s
    printf "  %-24s %7.2f s  %8.1f MiB/s\n", "b2sum", k, mib / k
    printf "  %-24s %7.2f s  %8.1f MiB/s\n", "medsec release verify", v, mib / v
    printf "verify / sha256sum throughput: %.1f %% (target >= 90 %%); verify / b2sum: %.1f %%\n",
        100 * s / v, 100 * k / v
    printf "peak RSS of verify: %d KiB on 64 MiB, %d KiB on %d MiB (constant memory: %s)\n", rs, rb, sz,
        (rb < rs + 2048 ? "yes" : "NO")
}'
