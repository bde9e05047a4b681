#!/bin/sh
# demo.sh: the main job on the bundled example device: install, build, then run medsec on it.
set -eu
cd "$(dirname "$0")/.."
DEVICE=${1:-examples/infusion-pump}
sh scripts/deps.sh
cmake --preset release >/dev/null
cmake --build --preset release
MEDSEC=build/release/cli/medsec
echo "== medsec validate $DEVICE"
$MEDSEC validate "$DEVICE"
echo "== medsec show $DEVICE"
$MEDSEC show "$DEVICE"
