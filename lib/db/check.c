/* check.c: `medsec db check`: SQLite's integrity check of the file, then the invariants medsec's
 * own writers keep (an import has completed, every row hangs off a record, every entry has an
 * identity, the key filters hold every key, no time lies in the future), each broken one reported
 * as a problem. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "medsec/date.h"

/* How many rows @sql counts (?1 bound to @arg when given); -1 when the query failed. */
static long long count_rows(struct medsec_db *db, const char *sql, const char *arg)
{
    sqlite3_stmt *s = NULL;
    long long n = -1;
    if (sqlite3_prepare_v2(db->h, sql, -1, &s, NULL) != SQLITE_OK)
        return -1;
    if (arg)
        sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW)
        n = sqlite3_column_int64(s, 0);
    sqlite3_finalize(s);
    return n;
}

/* One invariant: a query counting the rows that break it, and what they are. */
struct invariant {
    const char *sql;
    const char *what; /* after the count */
};

static const struct invariant invariants[] = {
    {"SELECT count(*) FROM entry WHERE advisory NOT IN (SELECT id FROM advisory)",
     "vulnerability entries belong to no advisory"},
    {"SELECT count(*) FROM affected WHERE entry NOT IN (SELECT id FROM entry)",
     "affected-package rows belong to no entry"},
    {"SELECT count(*) FROM score WHERE entry NOT IN (SELECT id FROM entry)",
     "scores belong to no entry"},
    {"SELECT count(*) FROM remediation WHERE entry NOT IN (SELECT id FROM entry)",
     "remediations belong to no entry"},
    {"SELECT count(*) FROM entry_alias WHERE entry NOT IN (SELECT id FROM entry)",
     "entry aliases belong to no entry"},
    {"SELECT count(*) FROM cpe_node WHERE entry NOT IN (SELECT id FROM entry)",
     "CPE configuration nodes belong to no entry"},
    {"SELECT count(*) FROM cpe_match WHERE entry NOT IN (SELECT id FROM entry)",
     "CPE criteria belong to no entry"},
    {"SELECT count(*) FROM cpe_match m WHERE NOT EXISTS (SELECT 1 FROM cpe_node n WHERE"
     " n.entry = m.entry AND n.config = m.config AND n.node = m.node)",
     "CPE criteria belong to no configuration node"},
    {"SELECT count(*) FROM cpe_node c WHERE parent <> -1 AND NOT EXISTS (SELECT 1 FROM cpe_node p"
     " WHERE p.entry = c.entry AND p.config = c.config AND p.node = c.parent)",
     "CPE configuration nodes have a parent that does not exist"},
    {"SELECT count(*) FROM entry WHERE vuln IS NULL OR vuln NOT IN (SELECT id FROM vuln)",
     "vulnerability entries have no merged identity"},
    {"SELECT count(*) FROM alias WHERE vuln NOT IN (SELECT id FROM vuln)",
     "aliases name no identity"},
    {"SELECT count(*) FROM entry e WHERE NOT EXISTS (SELECT 1 FROM alias a WHERE a.name = e.name)",
     "vulnerability entries are not found by their own name"},
    {"SELECT count(*) FROM advisory WHERE source NOT IN ('osv', 'nvd', 'csaf')",
     "advisories name a source medsec does not write"},
    {"SELECT count(*) FROM advisory WHERE modified IS NOT NULL AND (substr(modified, 1, 10) > ?1"
     " OR modified NOT GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*')",
     "advisories have a modified time that is not a date or lies after tomorrow"},
};

/* SQLite's own check of the file: b-trees, free pages, indexes against their tables. */
static medsec_err integrity(struct medsec_db *db, struct medsec_diags *problems, bool *sound)
{
    sqlite3_stmt *s = NULL;
    medsec_err rc = MEDSEC_OK;
    *sound = false;
    if (sqlite3_prepare_v2(db->h, "PRAGMA integrity_check(50)", -1, &s, NULL) != SQLITE_OK)
        return medsec_diags_add(problems, MEDSEC_SEV_ERROR, db->path, 0, 0, NULL,
                                "the file cannot be checked: %s", sqlite3_errmsg(db->h));
    int step;
    size_t bad = 0;
    while (!rc && (step = sqlite3_step(s)) == SQLITE_ROW) {
        const char *line = (const char *)sqlite3_column_text(s, 0);
        if (line && strcmp(line, "ok") == 0)
            continue;
        bad++;
        rc = medsec_diags_add(problems, MEDSEC_SEV_ERROR, db->path, 0, 0, NULL,
                              "SQLite integrity check: %s", line ? line : "(no text)");
    }
    if (!rc && step != SQLITE_DONE) {
        bad++;
        rc = medsec_diags_add(problems, MEDSEC_SEV_ERROR, db->path, 0, 0, NULL,
                              "the file is damaged: %s", sqlite3_errmsg(db->h));
    }
    sqlite3_finalize(s);
    *sound = !rc && bad == 0;
    return rc;
}

medsec_err medsec_db_check(struct medsec_db *db, struct medsec_diags *problems,
                           struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    medsec_error_clear(err);
    if (db->schema == 0)
        return medsec_diags_add(problems, MEDSEC_SEV_ERROR, db->path, 0, 0, NULL,
                                "the file is empty: %s", db_unfinished_msg);
    bool sound;
    medsec_err rc = integrity(db, problems, &sound);
    /* the invariants read every table: on a damaged file they would only repeat its damage */
    if (rc || !sound)
        return rc;
    char last[64] = "";
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db->h, "SELECT value FROM meta WHERE key = 'last_import'", -1, &s,
                           NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(last, sizeof last, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    int64_t t;
    if (!last[0])
        rc = medsec_diags_add(problems, MEDSEC_SEV_ERROR, db->path, 0, 0, NULL, "%s",
                              db_unfinished_msg);
    else if (!medsec_time_parse(last, &t))
        rc = medsec_diags_add(problems, MEDSEC_SEV_ERROR, db->path, 0, 0, NULL,
                              "the last import's time '%s' is not a time", last);
    /* a day of slack for the clocks of the sources */
    char tomorrow[11];
    medsec_date_format(medsec_ctx_now(db->ctx) + 86400, tomorrow);
    for (size_t i = 0; !rc && i < sizeof invariants / sizeof invariants[0]; i++) {
        long long n = count_rows(db, invariants[i].sql, tomorrow);
        if (n < 0)
            rc = medsec_diags_add(problems, MEDSEC_SEV_ERROR, db->path, 0, 0, NULL,
                                  "a table medsec needs cannot be read: %s", sqlite3_errmsg(db->h));
        else if (n > 0)
            rc = medsec_diags_add(problems, MEDSEC_SEV_ERROR, db->path, 0, 0, NULL, "%lld %s", n,
                                  invariants[i].what);
    }
    if (rc || db->schema < 3)
        return rc;
    long long stale =
        count_rows(db,
                   "SELECT count(*) FROM filter WHERE stamp IS NOT (SELECT value FROM meta WHERE"
                   " key = 'last_import')",
                   NULL);
    if (stale > 0)
        rc = medsec_diags_add(problems, MEDSEC_SEV_ERROR, db->path, 0, 0, NULL,
                              "%lld key filters are not the last import's (lookups do without them"
                              " until the next import rebuilds them)",
                              stale);
    const char *names[DB_FILTER_COUNT];
    size_t missing[DB_FILTER_COUNT];
    if (!rc)
        rc = db_filters_check(db, names, missing, err);
    for (int k = 0; !rc && k < DB_FILTER_COUNT; k++)
        if (missing[k])
            rc = medsec_diags_add(problems, MEDSEC_SEV_ERROR, db->path, 0, 0, NULL,
                                  "the %s key filter hides %zu keys of its table: lookups of those"
                                  " keys would find nothing",
                                  names[k], missing[k]);
    return rc;
}
