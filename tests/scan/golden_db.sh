#!/bin/sh
# golden_db.sh: a CLI golden case (tests/cli/golden.sh) that needs a vulnerability database.
#
# usage: golden_db.sh MEDSEC_BINARY DB CASE_DIR SOURCE_ROOT
# The case's args may name the database as $MEDSEC_TEST_DB. Skips (exit 77) when DB does not exist,
# which is the case when ../shared/data is absent and the test that builds it skipped.
set -u
bin=$1 db=$2 case=$3 root=$4
if [ ! -f "$db" ]; then
    echo "SKIP: no database at $db (../shared/data is absent or the database test failed)"
    exit 77
fi
MEDSEC_TEST_DB=$db
export MEDSEC_TEST_DB
exec sh "$root/tests/cli/golden.sh" "$bin" "$case" "$root"
