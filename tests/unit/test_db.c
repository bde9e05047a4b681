/* test_db.c: unit tests of the vulnerability database on temporary SQLite files: schema, import,
 * idempotency, incremental replacement, alias merging, the matcher's read API, compact ranges, the
 * handle's context (allocator and clock; every allocation failing in turn), the mirror layout. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "medsec/db.h"
#include "medsec/alloc.h"
#include "medsec/file.h"

#include "failalloc.h"

#define DATA MEDSEC_SOURCE_DIR "/tests/db/data"

struct fixture {
    char dir[64];
    char path[128];
    struct medsec_db *db;
    char fault_db[128]; /* the database of a fault test, or "" */
};

static void remove_db(const char *path);

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/medsec-test-db-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    snprintf(f->path, sizeof f->path, "%s/v.sqlite", f->dir);
    struct medsec_error err;
    if (medsec_db_open(NULL, f->path, 0, &f->db, &err) != MEDSEC_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    medsec_db_close(f->db);
    if (f->fault_db[0])
        remove_db(f->fault_db);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static void import_ok(struct medsec_db *db, const char *path, struct medsec_db_import_stats *st)
{
    struct medsec_error err;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    const char *paths[] = {path};
    medsec_err rc = medsec_db_import(db, paths, 1, NULL, st, &d, &err);
    if (rc)
        fail_msg("import %s: %s", path, err.msg);
    medsec_diags_release(&d);
}

static void test_schema_version(void **state)
{
    struct fixture *f = *state;
    struct medsec_db_status st;
    struct medsec_error err;
    assert_int_equal(medsec_db_status(f->db, &st, &err), MEDSEC_OK);
    assert_int_equal(st.schema_version, MEDSEC_DB_SCHEMA_VERSION);
    assert_int_equal(st.identities, 0);
    assert_string_equal(st.last_import, "");
    /* a file from a newer medsec is refused */
    medsec_db_close(f->db);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h, "PRAGMA user_version = 99", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(medsec_db_open(NULL, f->path, 0, &f->db, &err), MEDSEC_EUNSUPPORTED);
    assert_null(f->db);
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    /* a version-2 file (no key filters) is read as it is, and migrated when opened writable */
    assert_int_equal(
        sqlite3_exec(h,
                     "DROP TABLE filter; DROP TABLE cpe_ref; ALTER TABLE feed DROP COLUMN source;"
                     " ALTER TABLE feed DROP COLUMN verified; ALTER TABLE feed DROP COLUMN digest;"
                     " PRAGMA user_version = 2",
                     NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(h);
    /* (no import has completed into it: readers refuse it, status and check open it) */
    assert_int_equal(medsec_db_open(NULL, f->path, MEDSEC_DB_READONLY, &f->db, &err),
                     MEDSEC_EINVAL);
    assert_int_equal(
        medsec_db_open(NULL, f->path, MEDSEC_DB_READONLY | MEDSEC_DB_UNFINISHED, &f->db, &err),
        MEDSEC_OK);
    assert_int_equal(medsec_db_status(f->db, &st, &err), MEDSEC_OK);
    assert_int_equal(st.schema_version, 2);
    medsec_db_close(f->db);
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    /* a version-1 file (no product index) is migrated to the current schema */
    assert_int_equal(
        sqlite3_exec(
            h,
            "DROP INDEX affected_product; DROP INDEX alias_vuln; DROP INDEX cpe_match_key;"
            "ALTER TABLE cpe_match DROP COLUMN ver; CREATE INDEX cpe_match_key ON cpe_match(key);"
            "PRAGMA user_version = 1",
            NULL, NULL, NULL),
        SQLITE_OK);
    sqlite3_close(h);
    assert_int_equal(medsec_db_open(NULL, f->path, MEDSEC_DB_READONLY, &f->db, &err),
                     MEDSEC_EUNSUPPORTED);
    assert_int_equal(medsec_db_open(NULL, f->path, 0, &f->db, &err), MEDSEC_OK);
    assert_int_equal(medsec_db_status(f->db, &st, &err), MEDSEC_OK);
    assert_int_equal(st.schema_version, MEDSEC_DB_SCHEMA_VERSION);
    medsec_db_close(f->db);
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(
        sqlite3_prepare_v2(
            h,
            "SELECT count(*) FROM sqlite_master WHERE name IN ('affected_product', 'alias_vuln',"
            " 'filter', 'cpe_ref')",
            -1, &q, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 4);
    sqlite3_finalize(q);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT count(ver) FROM cpe_match", -1, &q, NULL),
                     SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    sqlite3_finalize(q);
    sqlite3_close(h);
    assert_int_equal(medsec_db_open(NULL, f->path, 0, &f->db, &err), MEDSEC_OK);
}

static void test_import_idempotent(void **state)
{
    struct fixture *f = *state;
    struct medsec_db_import_stats st;
    import_ok(f->db, DATA, &st);
    assert_int_equal(st.added[MEDSEC_ADV_OSV], 3);
    assert_int_equal(st.added[MEDSEC_ADV_NVD], 3);
    assert_int_equal(st.added[MEDSEC_ADV_CSAF], 1);
    assert_int_equal(st.added[MEDSEC_ADV_KEV], 2);
    assert_int_equal(st.added[MEDSEC_ADV_EPSS], 10);
    struct medsec_db_status s1, s2;
    struct medsec_error err;
    assert_int_equal(medsec_db_status(f->db, &s1, &err), MEDSEC_OK);
    assert_int_equal(s1.advisories[MEDSEC_ADV_OSV], 3);
    assert_int_equal(s1.advisories[MEDSEC_ADV_NVD], 3);
    assert_int_equal(s1.advisories[MEDSEC_ADV_CSAF], 1);
    assert_int_equal(s1.kev, 2);
    assert_int_equal(s1.epss, 10);
    assert_int_equal(s1.affected[MEDSEC_ADV_OSV], 4);
    assert_int_equal(s1.affected[MEDSEC_ADV_CSAF], 2);
    assert_true(s1.cpe_matches > 10);

    /* the same input again changes nothing */
    import_ok(f->db, DATA, &st);
    for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++) {
        assert_int_equal(st.added[i], 0);
        assert_int_equal(st.updated[i], 0);
    }
    assert_int_equal(st.unchanged[MEDSEC_ADV_OSV], 3);
    assert_int_equal(st.unchanged[MEDSEC_ADV_NVD], 3);
    assert_int_equal(st.unchanged[MEDSEC_ADV_KEV], 2);
    assert_int_equal(st.unchanged[MEDSEC_ADV_EPSS], 10);
    assert_int_equal(medsec_db_status(f->db, &s2, &err), MEDSEC_OK);
    assert_int_equal(s1.identities, s2.identities);
    assert_int_equal(s1.cpe_matches, s2.cpe_matches);
    assert_int_equal(s1.affected[MEDSEC_ADV_OSV], s2.affected[MEDSEC_ADV_OSV]);
}

/* ---- read API ---- */

struct rows {
    int n;
    char vuln[64], ranges[256], record[64], status[32];
    unsigned flags;
};

static int on_affected(void *ud, const struct medsec_db_affected *a)
{
    struct rows *r = ud;
    if (r->n++ == 0) {
        snprintf(r->vuln, sizeof r->vuln, "%s", a->vuln ? a->vuln : "");
        snprintf(r->ranges, sizeof r->ranges, "%s", a->ranges);
        snprintf(r->record, sizeof r->record, "%s", a->record_id);
        snprintf(r->status, sizeof r->status, "%s", a->status);
        r->flags = a->flags;
    }
    return 0;
}

static int on_cpe(void *ud, const struct medsec_db_cpe *c)
{
    struct rows *r = ud;
    if (r->n++ == 0) {
        snprintf(r->vuln, sizeof r->vuln, "%s", c->vuln ? c->vuln : "");
        snprintf(r->record, sizeof r->record, "%u:%u", c->config, c->node);
    }
    return 0;
}

struct tree {
    int nodes, matches, vulnerable;
    bool and_root;
};

static int on_node(void *ud, const struct medsec_db_cpe_node *n)
{
    struct tree *t = ud;
    if (t->nodes++ == 0)
        t->and_root = n->and_op && n->parent == -1;
    return 0;
}

static int on_match(void *ud, const struct medsec_db_cpe *c)
{
    struct tree *t = ud;
    t->matches++;
    t->vulnerable += c->vulnerable;
    return 0;
}

/* The key filters never hide a key the tables hold: every distinct CPE key, purl key and product
 * name of the database finds exactly the rows SQL counts, with filters built by the import; and
 * filters from another import than the last one (a stale stamp) are not used. */
static void test_key_filters(void **state)
{
    struct fixture *f = *state;
    struct medsec_db_import_stats st;
    struct medsec_error err;
    import_ok(f->db, DATA, &st);
    medsec_db_close(f->db);
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(
        sqlite3_prepare_v2(h, "SELECT count(*), sum(length(bits)) FROM filter", -1, &q, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 3);
    assert_true(sqlite3_column_int(q, 1) >= 3 * 1024);
    sqlite3_finalize(q);
    for (int stale = 0; stale < 2; stale++) {
        assert_int_equal(medsec_db_open(NULL, f->path, MEDSEC_DB_READONLY, &f->db, &err),
                         MEDSEC_OK);
        size_t keys = 0;
        assert_int_equal(
            sqlite3_prepare_v2(h, "SELECT key, count(*) FROM cpe_match GROUP BY key", -1, &q, NULL),
            SQLITE_OK);
        while (sqlite3_step(q) == SQLITE_ROW) {
            struct rows r = {0};
            assert_int_equal(medsec_db_cpe_lookup(f->db, (const char *)sqlite3_column_text(q, 0),
                                                  on_cpe, &r, &err),
                             MEDSEC_OK);
            assert_int_equal(r.n, sqlite3_column_int(q, 1));
            keys++;
        }
        sqlite3_finalize(q);
        assert_true(keys > 3);
        assert_int_equal(
            sqlite3_prepare_v2(h,
                               "SELECT purl_type, purl_ns, purl_name, count(*) FROM affected"
                               " GROUP BY 1, 2, 3",
                               -1, &q, NULL),
            SQLITE_OK);
        while (sqlite3_step(q) == SQLITE_ROW) {
            struct rows r = {0};
            assert_int_equal(medsec_db_affected_lookup(
                                 f->db, (const char *)sqlite3_column_text(q, 0),
                                 (const char *)sqlite3_column_text(q, 1),
                                 (const char *)sqlite3_column_text(q, 2), on_affected, &r, &err),
                             MEDSEC_OK);
            assert_int_equal(r.n, sqlite3_column_int(q, 3));
        }
        sqlite3_finalize(q);
        assert_int_equal(
            sqlite3_prepare_v2(
                h,
                "SELECT upper(product), count(*) FROM affected WHERE product IS NOT NULL"
                " GROUP BY lower(product)",
                -1, &q, NULL),
            SQLITE_OK);
        size_t products = 0;
        while (sqlite3_step(q) == SQLITE_ROW) {
            struct rows r = {0};
            assert_int_equal(medsec_db_affected_by_product(f->db,
                                                           (const char *)sqlite3_column_text(q, 0),
                                                           on_affected, &r, &err),
                             MEDSEC_OK);
            assert_int_equal(r.n, sqlite3_column_int(q, 1));
            products++;
        }
        sqlite3_finalize(q);
        assert_true(products > 0);
        /* a key no advisory names finds nothing */
        struct rows none = {0};
        assert_int_equal(medsec_db_cpe_lookup(f->db, "nobody:nothing", on_cpe, &none, &err),
                         MEDSEC_OK);
        assert_int_equal(none.n, 0);
        medsec_db_close(f->db);
        f->db = NULL;
        /* the second round: the filters' stamp is no longer the last import's */
        assert_int_equal(sqlite3_exec(h, "UPDATE filter SET stamp = 'older'", NULL, NULL, NULL),
                         SQLITE_OK);
    }
    sqlite3_close(h);
    assert_int_equal(medsec_db_open(NULL, f->path, 0, &f->db, &err), MEDSEC_OK);
}

static void test_lookups_and_merge(void **state)
{
    struct fixture *f = *state;
    struct medsec_db_import_stats st;
    struct medsec_error err;
    import_ok(f->db, DATA, &st);

    struct rows r = {0};
    assert_int_equal(
        medsec_db_affected_lookup(f->db, "golang", NULL, "stdlib", on_affected, &r, &err),
        MEDSEC_OK);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.vuln, "CVE-2020-7919"); /* GO id merged under its CVE */
    assert_string_equal(r.record, "GO-2022-0229");
    assert_string_equal(r.ranges, "SEMVER\ti=0\tf=1.12.16\ti=1.13.0-0\tf=1.13.7");

    memset(&r, 0, sizeof r);
    assert_int_equal(
        medsec_db_affected_lookup(f->db, "golang", "golang.org/x", "crypto", on_affected, &r, &err),
        MEDSEC_OK);
    assert_int_equal(r.n, 1);
    memset(&r, 0, sizeof r);
    assert_int_equal(
        medsec_db_affected_lookup(f->db, "golang", "", "crypto", on_affected, &r, &err), MEDSEC_OK);
    assert_int_equal(r.n, 0); /* never by bare name */

    /* PYSEC-2005-1 (OSV) and CVE-2005-4644 (NVD) are one vulnerability with both sources */
    struct medsec_db_vuln v;
    assert_int_equal(medsec_db_vuln_get(f->db, "PYSEC-2005-1", &v, &err), MEDSEC_OK);
    assert_string_equal(v.name, "CVE-2005-4644");
    assert_int_equal(v.n_aliases, 1);
    assert_string_equal(v.aliases[0], "PYSEC-2005-1");
    assert_int_equal(v.n_sources, 2);
    assert_string_equal(v.sources[0].source, "nvd");
    assert_string_equal(v.sources[1].source, "osv");
    assert_string_equal(v.sources[1].record_id, "PYSEC-2005-1");
    assert_non_null(strstr(v.sources[1].origin, "PYSEC-2005-1.json"));
    assert_string_equal(v.fixed, "0.10");
    assert_false(v.kev);
    medsec_db_vuln_release(&v);

    /* KEV and CVSS per source */
    assert_int_equal(medsec_db_vuln_get(f->db, "CVE-2016-0189", &v, &err), MEDSEC_OK);
    assert_true(v.kev);
    assert_non_null(v.kev_date_added);
    assert_int_equal(v.n_scores, 2);
    assert_string_equal(v.scores[0].type, "CVSS_V3");
    medsec_db_vuln_release(&v);

    /* EPSS for a CVE the advisories do not know */
    assert_int_equal(medsec_db_vuln_get(f->db, "CVE-1999-0002", &v, &err), MEDSEC_OK);
    assert_true(v.has_epss);
    assert_true(v.epss > 0.2785 && v.epss < 0.2786);
    assert_string_equal(v.epss_date, "2026-09-29");
    medsec_db_vuln_release(&v);
    assert_int_equal(medsec_db_vuln_get(f->db, "CVE-0000-0000", &v, &err), MEDSEC_ENOTFOUND);

    /* CPE: the AND configuration of CVE-2016-0189 with its non-vulnerable platform */
    memset(&r, 0, sizeof r);
    assert_int_equal(medsec_db_cpe_lookup(f->db, "microsoft:vbscript", on_cpe, &r, &err),
                     MEDSEC_OK);
    assert_true(r.n >= 2);
    assert_string_equal(r.vuln, "CVE-2016-0189");
    struct rows r2 = {0};
    assert_int_equal(medsec_db_cpe_lookup(f->db, "gitlab:gitlab", on_cpe, &r2, &err), MEDSEC_OK);
    assert_true(r2.n >= 6);
    /* CSAF: vendor product rows have no purl key; they carry vers ranges and the medical vendor */
    sqlite3 *h;
    assert_int_equal(sqlite3_open_v2(f->path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    sqlite3_stmt *s;
    assert_int_equal(
        sqlite3_prepare_v2(h, "SELECT ranges, vendor FROM affected WHERE product = 'PerformA'", -1,
                           &s, NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(s), SQLITE_ROW);
    assert_string_equal((const char *)sqlite3_column_text(s, 0), "VERS\tvers:generic/<=2.0.14.0");
    assert_string_equal((const char *)sqlite3_column_text(s, 1),
                        "Becton, Dickinson and Company (BD)");
    sqlite3_finalize(s);
    sqlite3_close(h);
}

static int first_entry(void *ud, const struct medsec_db_cpe *c)
{
    int64_t *e = ud;
    *e = c->entry;
    return 1;
}

static void test_cpe_config(void **state)
{
    struct fixture *f = *state;
    struct medsec_db_import_stats st;
    struct medsec_error err;
    import_ok(f->db, DATA "/nvd", &st);
    int64_t entry = 0;
    assert_int_equal(medsec_db_cpe_lookup(f->db, "microsoft:jscript", first_entry, &entry, &err),
                     MEDSEC_OK);
    assert_true(entry > 0);
    int64_t entry2 = 0;
    assert_int_equal(
        medsec_db_cpe_candidates(f->db, "microsoft:jscript", first_entry, &entry2, &err),
        MEDSEC_OK);
    assert_int_equal(entry2, entry);
    struct medsec_db_entry info;
    assert_int_equal(medsec_db_entry_get(f->db, entry, &info, &err), MEDSEC_OK);
    assert_string_equal(info.vuln, "CVE-2016-0189");
    assert_string_equal(info.source, "nvd");
    assert_string_equal(info.record_id, "CVE-2016-0189");
    assert_non_null(strstr(info.origin, "nvdcve-1.1-sample.json"));
    assert_false(info.withdrawn);
    assert_int_equal(medsec_db_entry_get(f->db, 999999, &info, &err), MEDSEC_ENOTFOUND);
    struct tree t = {0};
    assert_int_equal(medsec_db_cpe_config(f->db, entry, 0, on_node, on_match, &t, &err), MEDSEC_OK);
    assert_int_equal(t.nodes, 3);
    assert_true(t.and_root);
    assert_true(t.matches > t.vulnerable); /* the platform criteria are not vulnerable */
    assert_true(t.vulnerable >= 3);
}

static void test_incremental(void **state)
{
    struct fixture *f = *state;
    struct medsec_db_import_stats st;
    struct medsec_error err;
    char src[512], path[256];
    /* a changed record (new modified, new range) replaces its rows */
    snprintf(path, sizeof path, "%s/GO-2022-0229.json", f->dir);
    char *text = NULL;
    size_t len = 0;
    snprintf(src, sizeof src, "%s/osv/GO-2022-0229.json", DATA);
    assert_int_equal(medsec_file_read(src, 1 << 20, &text, &len, &err), MEDSEC_OK);
    assert_int_equal(medsec_file_write_atomic(path, text, len, &err), MEDSEC_OK);
    import_ok(f->db, path, &st);
    assert_int_equal(st.added[MEDSEC_ADV_OSV], 1);

    char *p = strstr(text, "\"fixed\": \"1.13.7\"");
    assert_non_null(p);
    memcpy(p, "\"fixed\": \"1.13.8\"", 17);
    p = strstr(text, "0001-01-01T00:00:00Z");
    memcpy(p, "2024-01-01T00:00:00Z", 20);
    assert_int_equal(medsec_file_write_atomic(path, text, len, &err), MEDSEC_OK);
    import_ok(f->db, path, &st);
    assert_int_equal(st.updated[MEDSEC_ADV_OSV], 1);
    assert_int_equal(st.added[MEDSEC_ADV_OSV], 0);
    struct rows r = {0};
    assert_int_equal(
        medsec_db_affected_lookup(f->db, "golang", NULL, "stdlib", on_affected, &r, &err),
        MEDSEC_OK);
    assert_int_equal(r.n, 1); /* replaced, not added */
    assert_string_equal(r.ranges, "SEMVER\ti=0\tf=1.12.16\ti=1.13.0-0\tf=1.13.8");

    /* an older copy (smaller modified) does not overwrite the newer one */
    p = strstr(text, "2024-01-01T00:00:00Z");
    memcpy(p, "2023-01-01T00:00:00Z", 20);
    p = strstr(text, "\"fixed\": \"1.13.8\"");
    memcpy(p, "\"fixed\": \"1.13.9\"", 17);
    assert_int_equal(medsec_file_write_atomic(path, text, len, &err), MEDSEC_OK);
    import_ok(f->db, path, &st);
    assert_int_equal(st.older[MEDSEC_ADV_OSV], 1);
    memset(&r, 0, sizeof r);
    assert_int_equal(
        medsec_db_affected_lookup(f->db, "golang", NULL, "stdlib", on_affected, &r, &err),
        MEDSEC_OK);
    assert_string_equal(r.ranges, "SEMVER\ti=0\tf=1.12.16\ti=1.13.0-0\tf=1.13.8");
    medsec_free(text);
}

static void test_readonly(void **state)
{
    struct fixture *f = *state;
    struct medsec_db_import_stats st;
    struct medsec_error err;
    import_ok(f->db, DATA "/osv", &st);
    struct medsec_db *ro = NULL;
    assert_int_equal(medsec_db_open(NULL, f->path, MEDSEC_DB_READONLY, &ro, &err), MEDSEC_OK);
    const char *paths[] = {DATA};
    assert_int_equal(medsec_db_import(ro, paths, 1, NULL, &st, NULL, &err), MEDSEC_EINVAL);
    struct rows r = {0};
    assert_int_equal(medsec_db_affected_lookup(ro, "pypi", NULL, "trac", on_affected, &r, &err),
                     MEDSEC_OK);
    assert_int_equal(r.n, 1);
    assert_string_equal(r.vuln, "CVE-2005-4644");
    medsec_db_close(ro);
    /* what the file is, not what the database did: a missing file cannot be opened (I/O), a file
     * that is not a database does not parse; both are the user's input (exit 2) */
    assert_int_equal(
        medsec_db_open(NULL, "/nonexistent/dir/x.sqlite", MEDSEC_DB_READONLY, &ro, &err),
        MEDSEC_EIO);
    assert_int_equal(
        medsec_db_open(NULL, MEDSEC_SOURCE_DIR "/README.md", MEDSEC_DB_READONLY, &ro, &err),
        MEDSEC_EPARSE);
    assert_null(ro);
    assert_non_null(strstr(err.msg, "not a database"));
}

/* A file into which no import has completed (a new one, or one whose first import failed) is
 * refused by readers, who would find nothing in it, with a message that says how to fix it; status
 * and check open it and say it is not complete; a completed import makes it usable. */
static void test_unfinished(void **state)
{
    struct fixture *f = *state;
    struct medsec_error err;
    struct medsec_db *ro = NULL;
    struct medsec_db_status st;
    assert_int_equal(medsec_db_open(NULL, f->path, MEDSEC_DB_READONLY, &ro, &err), MEDSEC_EINVAL);
    assert_null(ro);
    assert_non_null(strstr(err.msg, "no import into this database has completed"));
    assert_non_null(strstr(err.msg, "medsec db import"));
    assert_string_equal(err.msg, medsec_db_unfinished_msg());
    /* a failed import (an unreadable path) commits nothing: still refused */
    const char *bad[] = {DATA "/no-such-file.json"};
    struct medsec_db_import_stats ist;
    assert_int_not_equal(medsec_db_import(f->db, bad, 1, NULL, &ist, NULL, &err), MEDSEC_OK);
    assert_int_equal(medsec_db_open(NULL, f->path, MEDSEC_DB_READONLY, &ro, &err), MEDSEC_EINVAL);
    assert_int_equal(
        medsec_db_open(NULL, f->path, MEDSEC_DB_READONLY | MEDSEC_DB_UNFINISHED, &ro, &err),
        MEDSEC_OK);
    assert_int_equal(medsec_db_status(ro, &st, &err), MEDSEC_OK);
    assert_false(st.complete);
    struct medsec_diags problems = MEDSEC_DIAGS_INIT;
    assert_int_equal(medsec_db_check(ro, &problems, &err), MEDSEC_OK);
    assert_int_equal(problems.n, 1);
    assert_string_equal(problems.v[0].msg, medsec_db_unfinished_msg());
    medsec_diags_release(&problems);
    medsec_db_close(ro);
    /* an empty file (the first import killed before it wrote the schema) is the same */
    char empty[160];
    snprintf(empty, sizeof empty, "%s/empty.sqlite", f->dir);
    FILE *fp = fopen(empty, "w");
    assert_non_null(fp);
    fclose(fp);
    assert_int_equal(medsec_db_open(NULL, empty, MEDSEC_DB_READONLY, &ro, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "no import into this database has completed"));
    assert_int_equal(
        medsec_db_open(NULL, empty, MEDSEC_DB_READONLY | MEDSEC_DB_UNFINISHED, &ro, &err),
        MEDSEC_OK);
    assert_int_equal(medsec_db_status(ro, &st, &err), MEDSEC_OK);
    assert_false(st.complete);
    assert_int_equal(st.schema_version, 0);
    assert_int_equal(medsec_db_check(ro, &problems, &err), MEDSEC_OK);
    assert_int_equal(problems.n, 1);
    medsec_diags_release(&problems);
    medsec_db_close(ro);
    /* an import that completes, even of nothing new, makes the file usable */
    import_ok(f->db, DATA "/osv", &ist);
    assert_int_equal(medsec_db_open(NULL, f->path, MEDSEC_DB_READONLY, &ro, &err), MEDSEC_OK);
    assert_int_equal(medsec_db_status(ro, &st, &err), MEDSEC_OK);
    assert_true(st.complete);
    medsec_db_close(ro);
}

/* A record whose modified time lies in the future (or is no date) does not block the later copies
 * of itself: it is stored, with a warning, but never counts as the newer copy. */
static void test_impossible_time(void **state)
{
    struct fixture *f = *state;
    struct medsec_db_import_stats st;
    struct medsec_error err;
    char src[512], path[256];
    snprintf(path, sizeof path, "%s/GO-2022-0229.json", f->dir);
    snprintf(src, sizeof src, "%s/osv/GO-2022-0229.json", DATA);
    char *text = NULL;
    size_t len = 0;
    assert_int_equal(medsec_file_read(src, 1 << 20, &text, &len, &err), MEDSEC_OK);
    char *mod = strstr(text, "0001-01-01T00:00:00Z");
    assert_non_null(mod);
    memcpy(mod, "9999-12-31T00:00:00Z", 20);
    assert_int_equal(medsec_file_write_atomic(path, text, len, &err), MEDSEC_OK);
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    const char *paths[] = {path};
    assert_int_equal(medsec_db_import(f->db, paths, 1, NULL, &st, &d, &err), MEDSEC_OK);
    assert_int_equal(st.added[MEDSEC_ADV_OSV], 1);
    assert_int_equal(st.impossible_time, 1);
    assert_int_equal(d.n, 1);
    assert_non_null(strstr(d.v[0].msg, "9999-12-31T00:00:00Z"));
    medsec_diags_release(&d);
    /* the real next version of the record replaces it */
    memcpy(mod, "2024-01-01T00:00:00Z", 20);
    char *p = strstr(text, "\"fixed\": \"1.13.7\"");
    assert_non_null(p);
    memcpy(p, "\"fixed\": \"1.13.8\"", 17);
    assert_int_equal(medsec_file_write_atomic(path, text, len, &err), MEDSEC_OK);
    import_ok(f->db, path, &st);
    assert_int_equal(st.older[MEDSEC_ADV_OSV], 0);
    assert_int_equal(st.updated[MEDSEC_ADV_OSV], 1);
    struct rows r = {0};
    assert_int_equal(
        medsec_db_affected_lookup(f->db, "golang", NULL, "stdlib", on_affected, &r, &err),
        MEDSEC_OK);
    assert_string_equal(r.ranges, "SEMVER\ti=0\tf=1.12.16\ti=1.13.0-0\tf=1.13.8");
    /* and a copy claiming a future time does not beat a real one */
    memcpy(mod, "9999-12-31T00:00:00Z", 20);
    memcpy(p, "\"fixed\": \"1.13.9\"", 17);
    char other[256];
    snprintf(other, sizeof other, "%s/copy/GO-2022-0229.json", f->dir);
    assert_int_equal(medsec_db_make_parent(other, &err), MEDSEC_OK);
    assert_int_equal(medsec_file_write_atomic(other, text, len, &err), MEDSEC_OK);
    import_ok(f->db, other, &st);
    memset(&r, 0, sizeof r);
    assert_int_equal(
        medsec_db_affected_lookup(f->db, "golang", NULL, "stdlib", on_affected, &r, &err),
        MEDSEC_OK);
    assert_string_equal(r.ranges, "SEMVER\ti=0\tf=1.12.16\ti=1.13.0-0\tf=1.13.8");
    assert_int_equal(st.older[MEDSEC_ADV_OSV], 1);
    assert_int_equal(st.impossible_time, 1);
    medsec_free(text);
}

/* db check: a sound database has no problem; each broken invariant is found and named. */
static void test_check(void **state)
{
    struct fixture *f = *state;
    struct medsec_db_import_stats st;
    struct medsec_error err;
    import_ok(f->db, DATA, &st);
    struct medsec_diags problems = MEDSEC_DIAGS_INIT;
    assert_int_equal(medsec_db_check(f->db, &problems, &err), MEDSEC_OK);
    for (size_t i = 0; i < problems.n; i++)
        print_message("unexpected: %s\n", problems.v[i].msg);
    assert_int_equal(problems.n, 0);
    static const struct {
        const char *sql, *found;
    } breaks[] = {
        {"DELETE FROM advisory WHERE record_id = 'GO-2022-0229'", "belong to no advisory"},
        {"DELETE FROM cpe_node WHERE node = 0", "belong to no configuration node"},
        {"UPDATE entry SET vuln = NULL WHERE name = 'PYSEC-2005-1'", "have no merged identity"},
        {"UPDATE filter SET bits = zeroblob(length(bits)) WHERE name = 'cpe'",
         "cpe key filter hides"},
        {"UPDATE filter SET stamp = 'older' WHERE name = 'purl'", "not the last import's"},
        {"UPDATE advisory SET modified = '9999-12-31T00:00:00Z' WHERE source = 'osv'",
         "lies after tomorrow"},
        {"DELETE FROM meta WHERE key = 'last_import'", "no import into this database"},
    };
    for (size_t i = 0; i < sizeof breaks / sizeof breaks[0]; i++) {
        medsec_db_close(f->db);
        f->db = NULL;
        sqlite3 *h;
        assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
        assert_int_equal(sqlite3_exec(h, breaks[i].sql, NULL, NULL, NULL), SQLITE_OK);
        sqlite3_close(h);
        assert_int_equal(
            medsec_db_open(NULL, f->path, MEDSEC_DB_READONLY | MEDSEC_DB_UNFINISHED, &f->db, &err),
            MEDSEC_OK);
        medsec_diags_release(&problems);
        assert_int_equal(medsec_db_check(f->db, &problems, &err), MEDSEC_OK);
        bool found = false;
        for (size_t k = 0; k < problems.n; k++)
            found = found || strstr(problems.v[k].msg, breaks[i].found) != NULL;
        if (!found)
            fail_msg("after %s: no problem saying '%s' (%zu problems)", breaks[i].sql,
                     breaks[i].found, problems.n);
    }
    medsec_diags_release(&problems);
}

static void test_ranges(void **state)
{
    (void)state;
    const char *s =
        "SEMVER\ti=0\tf=1.2\tla=1.5\tl=2\nGIT\ti=abc\nVERS\tvers:generic/<=3.4\nBOGUS\tx\nTEXT\t< may";
    struct medsec_db_range r;
    assert_true(medsec_db_range_next(&s, &r));
    assert_int_equal(r.type, MEDSEC_DB_RANGE_SEMVER);
    assert_int_equal(r.n_events, 4);
    assert_int_equal(r.events[0].kind, MEDSEC_DB_EV_INTRODUCED);
    assert_int_equal(r.events[0].len, 1);
    assert_int_equal(r.events[1].kind, MEDSEC_DB_EV_FIXED);
    assert_memory_equal(r.events[1].version, "1.2", 3);
    assert_int_equal(r.events[2].kind, MEDSEC_DB_EV_LAST_AFFECTED);
    assert_int_equal(r.events[3].kind, MEDSEC_DB_EV_LIMIT);
    assert_int_equal(r.events[3].len, 1);
    assert_true(medsec_db_range_next(&s, &r));
    assert_int_equal(r.type, MEDSEC_DB_RANGE_GIT);
    assert_true(medsec_db_range_next(&s, &r));
    assert_int_equal(r.type, MEDSEC_DB_RANGE_VERS);
    assert_int_equal(r.text_len, strlen("vers:generic/<=3.4"));
    assert_true(medsec_db_range_next(&s, &r)); /* BOGUS skipped */
    assert_int_equal(r.type, MEDSEC_DB_RANGE_TEXT);
    assert_int_equal(r.text_len, 5);
    assert_false(medsec_db_range_next(&s, &r));
}

/* ---- the handle's context ---- */

/* The handle keeps its context: its allocations come from that allocator and its "now" from that
 * clock, though the caller never entered it, and every call leaves the caller's context in force
 * again (also on an early error return). */
static void test_context(void **state)
{
    struct fixture *f = *state;
    struct medsec_error err;
    medsec_db_close(f->db); /* this test's handle is the only one */
    f->db = NULL;
    struct medsec_ctx c = *failalloc_ctx_arm(-1);
    int64_t at;
    assert_int_equal(medsec_ctx_fix_clock(&c, "2030-05-06T07:08:09Z", &at), MEDSEC_OK);
    struct medsec_ctx mine;
    medsec_ctx_init(&mine);
    const struct medsec_ctx *outer = medsec_ctx_enter(&mine);
    size_t live = failalloc_live;

    struct medsec_db *db = NULL;
    assert_int_equal(medsec_db_open(&c, f->path, 0, &db, &err), MEDSEC_OK);
    assert_ptr_equal(medsec_ctx_current(), &mine);
    assert_true(failalloc_live > live); /* the handle itself */
    struct medsec_db_import_stats st;
    const char *paths[] = {DATA "/osv"};
    long calls = failalloc_calls;
    assert_int_equal(medsec_db_import(db, paths, 1, NULL, &st, NULL, &err), MEDSEC_OK);
    assert_ptr_equal(medsec_ctx_current(), &mine);
    assert_true(failalloc_calls > calls);
    struct medsec_db_status s;
    assert_int_equal(medsec_db_status(db, &s, &err), MEDSEC_OK);
    assert_string_equal(s.last_import, "2030-05-06T07:08:09Z");
    struct medsec_db_vuln v;
    assert_int_equal(medsec_db_vuln_get(db, "PYSEC-2005-1", &v, &err), MEDSEC_OK);
    medsec_db_vuln_release(&v);
    assert_int_equal(medsec_db_vuln_get(db, "CVE-0000-0000", &v, &err), MEDSEC_ENOTFOUND);
    assert_ptr_equal(medsec_ctx_current(), &mine);
    medsec_db_close(db);
    assert_ptr_equal(medsec_ctx_current(), &mine);
    assert_int_equal(failalloc_live, live);

    /* an early error return leaves too */
    assert_int_equal(medsec_db_open(&c, f->path, MEDSEC_DB_READONLY, &db, &err), MEDSEC_OK);
    assert_int_equal(medsec_db_import(db, paths, 1, NULL, &st, NULL, &err), MEDSEC_EINVAL);
    assert_ptr_equal(medsec_ctx_current(), &mine);
    medsec_db_close(db);
    assert_int_equal(medsec_db_open(&c, "/nonexistent/dir/x.sqlite", MEDSEC_DB_READONLY, &db, &err),
                     MEDSEC_EIO);
    assert_ptr_equal(medsec_ctx_current(), &mine);
    assert_int_equal(failalloc_live, live);
    medsec_ctx_leave(outer);

    /* every row of the import is stamped with the handle's clock */
    sqlite3 *h;
    assert_int_equal(sqlite3_open(f->path, &h), SQLITE_OK);
    sqlite3_stmt *q;
    assert_int_equal(
        sqlite3_prepare_v2(h, "SELECT count(*), min(imported), max(imported) FROM advisory", -1, &q,
                           NULL),
        SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(q, 0), 3);
    assert_string_equal((const char *)sqlite3_column_text(q, 1), "2030-05-06T07:08:09Z");
    assert_string_equal((const char *)sqlite3_column_text(q, 2), "2030-05-06T07:08:09Z");
    sqlite3_finalize(q);
    sqlite3_close(h);
}

/* ---- every allocation failing in turn ---- */

/* The database of a fault test: in a folder in memory when the system has one (each run creates a
 * file, and the syncs of a disk would make hundreds of runs slow), else in the fixture's folder.
 * The teardown removes it. */
static const char *fault_db_path(struct fixture *f)
{
    struct stat st;
    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
        snprintf(f->fault_db, sizeof f->fault_db, "/dev/shm/medsec-test-db-%ld.sqlite",
                 (long)getpid());
    else
        snprintf(f->fault_db, sizeof f->fault_db, "%s/fault.sqlite", f->dir);
    return f->fault_db;
}

static void remove_db(const char *path)
{
    static const char *const ext[] = {"", "-wal", "-shm", "-journal"};
    for (size_t i = 0; i < sizeof ext / sizeof ext[0]; i++) {
        char p[600];
        snprintf(p, sizeof p, "%s%s", path, ext[i]);
        unlink(p);
    }
}

/* Open a new database and import every test input under a context that fails allocation number n,
 * for n = 0, 1, ... until the whole run succeeds. Each failed run returns MEDSEC_ENOMEM, leaks
 * nothing, commits nothing, and leaves a file that opens; the run that succeeds imports what an
 * import that never fails imports. */
static void test_import_alloc_failures(void **state)
{
    struct fixture *f = *state;
    const char *path = fault_db_path(f);
    const char *paths[] = {DATA};
    struct medsec_error err;
    struct medsec_db_import_stats want, got;
    struct medsec_db *db;
    remove_db(path);
    assert_int_equal(medsec_db_open(failalloc_ctx_arm(-1), path, 0, &db, &err), MEDSEC_OK);
    assert_int_equal(medsec_db_import(db, paths, 1, NULL, &want, NULL, &err), MEDSEC_OK);
    medsec_db_close(db);
    long total = failalloc_calls;
    assert_true(total > 20);

    bool done = false;
    for (long n = 0; !done && n <= total; n++) {
        remove_db(path);
        size_t live = failalloc_live;
        struct medsec_diags d = MEDSEC_DIAGS_INIT;
        db = NULL;
        medsec_err rc = medsec_db_open(failalloc_ctx_arm(n), path, 0, &db, &err);
        if (rc == MEDSEC_OK)
            rc = medsec_db_import(db, paths, 1, NULL, &got, &d, &err);
        medsec_diags_release(&d);
        medsec_db_close(db);
        failalloc_ctx_arm(-1);
        assert_int_equal(failalloc_live, live);
        if (rc == MEDSEC_OK) {
            assert_memory_equal(got.added, want.added, sizeof want.added);
            assert_int_equal(got.read.malformed, want.read.malformed);
            assert_int_equal(got.read.ignored, want.read.ignored);
            assert_int_equal(got.identities, want.identities);
            done = true;
            continue;
        }
        if (rc != MEDSEC_ENOMEM)
            fail_msg("allocation %ld failing: %s (%s)", n, medsec_strerror(rc), err.msg);
        /* the file opens, and holds nothing */
        struct medsec_db_status s;
        assert_int_equal(medsec_db_open(NULL, path, 0, &db, &err), MEDSEC_OK);
        assert_int_equal(medsec_db_status(db, &s, &err), MEDSEC_OK);
        for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++)
            assert_int_equal(s.advisories[i], 0);
        assert_string_equal(s.last_import, "");
        medsec_db_close(db);
    }
    assert_true(done);
}

struct read_result {
    size_t affected, cpes;
    char vuln[64], alias[64];
    size_t n_aliases, n_sources, n_scores;
    bool kev;
};

static int count_affected(void *ud, const struct medsec_db_affected *a)
{
    (void)a;
    ((struct read_result *)ud)->affected++;
    return 0;
}

static int count_cpe(void *ud, const struct medsec_db_cpe *c)
{
    (void)c;
    ((struct read_result *)ud)->cpes++;
    return 0;
}

/* The read queries of the matcher on @db; MEDSEC_ENOMEM as soon as one runs out of memory. */
static medsec_err read_queries(struct medsec_db *db, struct read_result *r)
{
    struct medsec_error err;
    memset(r, 0, sizeof *r);
    medsec_err rc =
        medsec_db_affected_lookup(db, "golang", NULL, "stdlib", count_affected, r, &err);
    if (!rc)
        rc = medsec_db_cpe_lookup(db, "microsoft:vbscript", count_cpe, r, &err);
    if (!rc)
        rc = medsec_db_affected_by_product(db, "PerformA", count_affected, r, &err);
    for (int i = 0; !rc && i < 2; i++) {
        struct medsec_db_vuln v;
        rc = medsec_db_vuln_get(db, i ? "CVE-2016-0189" : "PYSEC-2005-1", &v, &err);
        if (rc)
            break;
        snprintf(r->vuln + i * 32, 32, "%s", v.name);
        if (v.n_aliases)
            snprintf(r->alias, sizeof r->alias, "%s", v.aliases[0]);
        r->n_aliases += v.n_aliases;
        r->n_sources += v.n_sources;
        r->n_scores += v.n_scores;
        r->kev = r->kev || v.kev;
        medsec_db_vuln_release(&v);
    }
    return rc;
}

/* The same for the read side: a read-only handle and the matcher's queries. */
static void test_read_alloc_failures(void **state)
{
    struct fixture *f = *state;
    struct medsec_db_import_stats st;
    import_ok(f->db, DATA, &st);
    struct medsec_error err;
    struct medsec_db *db;
    struct read_result want, got;
    assert_int_equal(medsec_db_open(failalloc_ctx_arm(-1), f->path, MEDSEC_DB_READONLY, &db, &err),
                     MEDSEC_OK);
    assert_int_equal(read_queries(db, &want), MEDSEC_OK);
    medsec_db_close(db);
    long total = failalloc_calls;
    assert_true(want.affected > 1 && want.cpes > 1 && want.n_sources > 1 && want.kev);

    bool done = false;
    for (long n = 0; !done && n <= total; n++) {
        size_t live = failalloc_live;
        db = NULL;
        medsec_err rc =
            medsec_db_open(failalloc_ctx_arm(n), f->path, MEDSEC_DB_READONLY, &db, &err);
        if (rc == MEDSEC_OK)
            rc = read_queries(db, &got);
        medsec_db_close(db);
        failalloc_ctx_arm(-1);
        assert_int_equal(failalloc_live, live);
        if (rc == MEDSEC_OK) {
            assert_memory_equal(&got, &want, sizeof want);
            done = true;
        } else if (rc != MEDSEC_ENOMEM) {
            fail_msg("allocation %ld failing: %s", n, medsec_strerror(rc));
        }
    }
    assert_true(done);
}

/* ---- db update ---- */

/* --mirror points every feed at the mirror's layout, but a feed given its own URL keeps it; nothing
 * answers on the port, so every download fails (one warning each, naming the URL) and so does the
 * update, without committing anything. */
static void test_update_mirror_layout(void **state)
{
    struct fixture *f = *state;
    static const char *const ecos[] = {"Go"};
    char cache[128];
    snprintf(cache, sizeof cache, "%s/cache", f->dir);
    struct medsec_db_update_opts o = {
        .mirror = "http://127.0.0.1:9/m//",
        .osv_ecosystems = ecos,
        .n_osv_ecosystems = 1,
        .kev_url = "http://127.0.0.1:9/own/kev.json",
        .delay_ms = 0,
        .retries = 1,
        .cache_dir = cache,
    };
    struct medsec_db_update_stats st;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    assert_int_equal(medsec_db_update(f->db, &o, &st, &d, &err), MEDSEC_ENET);
    static const char *const want[] = {
        "http://127.0.0.1:9/m/osv/Go/all.zip",
        "http://127.0.0.1:9/m/nvd/rest/json/cves/2.0?startIndex=0&resultsPerPage=2000",
        "http://127.0.0.1:9/m/csaf/provider-metadata.json",
        "http://127.0.0.1:9/own/kev.json",
        "http://127.0.0.1:9/m/epss/epss_scores-current.csv.gz",
    };
    assert_int_equal(d.n, 5);
    for (size_t i = 0; i < 5; i++) {
        assert_string_equal(d.v[i].file, want[i]);
        assert_non_null(strstr(d.v[i].msg, "download failed"));
    }
    assert_int_equal(st.failed, 5);
    medsec_diags_release(&d);
    struct medsec_db_status s;
    assert_int_equal(medsec_db_status(f->db, &s, &err), MEDSEC_OK);
    assert_string_equal(s.last_update, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_schema_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_idempotent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lookups_and_merge, setup, teardown),
        cmocka_unit_test_setup_teardown(test_key_filters, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cpe_config, setup, teardown),
        cmocka_unit_test_setup_teardown(test_incremental, setup, teardown),
        cmocka_unit_test_setup_teardown(test_readonly, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unfinished, setup, teardown),
        cmocka_unit_test_setup_teardown(test_check, setup, teardown),
        cmocka_unit_test_setup_teardown(test_impossible_time, setup, teardown),
        cmocka_unit_test(test_ranges),
        cmocka_unit_test_setup_teardown(test_context, setup, teardown),
        cmocka_unit_test_setup_teardown(test_import_alloc_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_read_alloc_failures, setup, teardown),
        cmocka_unit_test_setup_teardown(test_update_mirror_layout, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
