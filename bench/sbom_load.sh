#!/bin/sh
# sbom_load.sh: load time per file and peak RSS of SBOM import on the 40 largest in-the-lab SPDX files.
# usage: bench/sbom_load.sh [BUILD_DIR]   (default build/release; configured and built when missing)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
data=$root/../shared/data/sbom/bom-shelter-in-the-lab-40-largest.tar.gz
[ -f "$data" ] || { echo "sbom_load: $data not found (../shared/data is absent)" >&2; exit 77; }
[ -f "$build/build.ninja" ] || cmake --preset release -B "$build" >/dev/null
ninja -C "$build" -j2 sbom_bench >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar xzf "$data" -C "$tmp"
find "$tmp" -name '*.json' | sort >"$tmp/list"
# shellcheck disable=SC2046
"$build/bench/sbom_bench" -n 5 $(cat "$tmp/list")
