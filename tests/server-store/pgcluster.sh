#!/bin/sh
# pgcluster.sh COMMAND [ARG...]: run COMMAND against a throw-away PostgreSQL 15 cluster. The
# cluster lives in a new temporary folder (initdb, trust authentication, superuser "medsec"),
# listens on a free loopback port and keeps its unix socket in that folder; COMMAND gets
# MEDSEC_PG_URL (a libpq URI) and its exit code is ours. The cluster is stopped and the folder
# deleted on any exit. Exit 77 (skip) when the PostgreSQL 15 server binaries are absent.
# initdb refuses to run as root: as root the cluster runs as the `postgres` user of Debian's
# postgresql-common (else `nobody`). MEDSEC_PG_OPTS adds server options (e.g. "-c fsync=off").
set -eu
PGBIN=${MEDSEC_PGBIN:-/usr/lib/postgresql/15/bin}
if [ $# -eq 0 ]; then
    echo "usage: pgcluster.sh COMMAND [ARG...]" >&2
    exit 2
fi
if [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
    echo "pgcluster.sh: $PGBIN/initdb not found (Debian package postgresql-15): skipping" >&2
    exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/medsec-pg.XXXXXX")
as=""
if [ "$(id -u)" = 0 ]; then
    if id -u postgres >/dev/null 2>&1; then user=postgres; else user=nobody; fi
    chown "$user" "$dir"
    as="runuser -u $user --"
fi
started=0
cleanup() {
    if [ "$started" = 1 ]; then
        (cd "$dir" && $as "$PGBIN/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1) || true
    fi
    rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 143' INT TERM HUP

if ! (cd "$dir" && $as "$PGBIN/initdb" -D "$dir/data" -U medsec -A trust -E UTF8 --no-locale \
    >"$dir/initdb.log" 2>&1); then
    echo "pgcluster.sh: initdb failed:" >&2
    cat "$dir/initdb.log" >&2
    exit 1
fi
# a free loopback port (another process may take it before the server does: then try again)
tries=0
while :; do
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    started=1
    if (cd "$dir" && $as "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $dir ${MEDSEC_PG_OPTS:-}" start >/dev/null); then
        break
    fi
    started=0
    tries=$((tries + 1))
    if [ $tries -ge 3 ]; then
        echo "pgcluster.sh: the server did not start:" >&2
        cat "$dir/server.log" >&2
        exit 1
    fi
done
MEDSEC_PG_URL="postgresql://medsec@127.0.0.1:$port/postgres"
export MEDSEC_PG_URL
set +e
"$@"
rc=$?
set -e
exit $rc
