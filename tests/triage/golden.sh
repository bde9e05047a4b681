#!/bin/sh
# golden.sh: a CLI golden case (tests/cli/golden.sh) on the two triage test databases.
#
# usage: golden.sh MEDSEC_BINARY DB1 DB2 CASE_DIR SOURCE_ROOT
# The case's args may name the databases as $MEDSEC_TRIAGE_DB1 (tests/triage/data/v1) and
# $MEDSEC_TRIAGE_DB2 (v2: the same advisories a month later, one score and two ranges changed).
set -u
bin=$1 db1=$2 db2=$3 case=$4 root=$5
MEDSEC_TRIAGE_DB1=$db1 MEDSEC_TRIAGE_DB2=$db2
export MEDSEC_TRIAGE_DB1 MEDSEC_TRIAGE_DB2
exec sh "$root/tests/cli/golden.sh" "$bin" "$case" "$root"
