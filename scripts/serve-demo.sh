#!/bin/sh
# serve-demo.sh: the post-market server on the bundled example devices: install, build, register
# both example devices' models and releases, generate a demonstration fleet of 2000 devices (with
# signed check-ins), rescan the releases against the vulnerability database, and serve the console
# and the API on http://127.0.0.1:8443/ until Ctrl-C. An administrator account `admin` is created
# on the first run; its password is printed then (and kept in build/demo/out/serve-admin-password).
# The vulnerability database: $MEDSEC_DB if set, else the default one when it exists (medsec db
# update fills it), else one imported once from ../shared/data/advisories when that is beside this
# checkout; without any, the server runs but finds no vulnerability.
# usage: scripts/serve-demo.sh [--listen ADDR:PORT] [other medsec serve options]
set -eu
cd "$(dirname "$0")/.."
sh scripts/deps.sh
cmake --preset release -B build/demo -DMEDSEC_TESTS=OFF >/dev/null
cmake --build build/demo --target medsec-cli
MEDSEC=build/demo/cli/medsec
OUT=build/demo/out
mkdir -p "$OUT"

DB=${MEDSEC_DB:-}
if [ -z "$DB" ]; then
    DEFAULT=${XDG_DATA_HOME:-${HOME:-/nonexistent}/.local/share}/medsec/vulndb.sqlite
    if [ -f "$DEFAULT" ]; then
        DB=$DEFAULT
    elif [ -d ../shared/data/advisories ]; then
        DB=$OUT/vulndb.sqlite
        [ -f "$DB" ] || $MEDSEC db import --db "$DB" ../shared/data/advisories
    else
        DB=$OUT/vulndb.sqlite
        echo "serve-demo: no vulnerability database (medsec db update fills the default one)" >&2
    fi
fi

SERVER_DB=$OUT/server.sqlite
PWFILE=$OUT/serve-admin-password
if [ ! -f "$PWFILE" ]; then
    # a fresh demo database with a new administrator
    rm -f "$SERVER_DB" "$SERVER_DB-wal" "$SERVER_DB-shm"
    (umask 077 && od -An -N18 -tx1 /dev/urandom | tr -d ' \n' > "$PWFILE")
    $MEDSEC serve user add admin --role admin --db "$SERVER_DB" < "$PWFILE"
fi
echo "serve-demo: log in as admin with the password in $PWFILE: $(cat "$PWFILE")"
exec $MEDSEC serve --db "$SERVER_DB" --vulndb "$DB" \
    --device examples/infusion-pump --device examples/glucose-cloud --demo-fleet 2000 "$@"
