/* test_db_threads.c: the import on two threads (the calling one reads, a second one stores)
 * against the import on one: the same rows in every table, the same figures, the same warnings and
 * progress calls in the same order, over a first import, a second one that finds most records
 * stored and one that reads a record twice; and an import that fails on either thread (bad input, a
 * failed statement) leaves the database as it was. `test_db_threads shared` compares the two on
 * real advisories of ../shared/data (skipped when it is absent). Memory running out on either
 * thread is test_db's test_import_alloc_failures, which imports on two threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/db.h"

#define DATA MEDSEC_SOURCE_DIR "/tests/db/data"

struct fixture {
    char dir[64];
    struct medsec_ctx ctx; /* a fixed clock: both imports stamp the same times */
    int64_t now;
};

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    snprintf(f->dir, sizeof f->dir, "/tmp/medsec-test-dbt-XXXXXX");
    if (!mkdtemp(f->dir))
        return -1;
    medsec_ctx_init(&f->ctx);
    if (medsec_ctx_fix_clock(&f->ctx, "2026-11-28T10:00:00Z", &f->now) != MEDSEC_OK)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
    int rc = system(cmd);
    free(f);
    return rc == 0 ? 0 : -1;
}

static int line_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Every table of the database at @path, its schema and its rows (sorted), as text. */
static char *dump(const char *path)
{
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open_v2(path, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    struct medsec_buf out = MEDSEC_BUF_INIT;
    sqlite3_stmt *t = NULL;
    assert_int_equal(sqlite3_prepare_v2(h,
                                        "SELECT name, sql FROM sqlite_schema WHERE sql IS NOT NULL"
                                        " ORDER BY type, name",
                                        -1, &t, NULL),
                     SQLITE_OK);
    while (sqlite3_step(t) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(t, 0);
        const char *sql = (const char *)sqlite3_column_text(t, 1);
        assert_int_equal(medsec_buf_addf(&out, "%s\n", sql), MEDSEC_OK);
        if (strncmp(sql, "CREATE TABLE", 12) != 0)
            continue;
        char q[200];
        snprintf(q, sizeof q, "SELECT * FROM \"%s\"", name);
        sqlite3_stmt *s = NULL;
        assert_int_equal(sqlite3_prepare_v2(h, q, -1, &s, NULL), SQLITE_OK);
        char **rows = NULL;
        size_t n = 0, cap = 0;
        while (sqlite3_step(s) == SQLITE_ROW) {
            struct medsec_buf row = MEDSEC_BUF_INIT;
            assert_int_equal(medsec_buf_addf(&row, "%s:", name), MEDSEC_OK);
            for (int c = 0; c < sqlite3_column_count(s); c++) {
                int type = sqlite3_column_type(s, c);
                if (type == SQLITE_NULL) {
                    assert_int_equal(medsec_buf_addf(&row, "|NULL"), MEDSEC_OK);
                } else if (type == SQLITE_BLOB) {
                    const unsigned char *b = sqlite3_column_blob(s, c);
                    int len = sqlite3_column_bytes(s, c);
                    assert_int_equal(medsec_buf_addf(&row, "|x"), MEDSEC_OK);
                    for (int i = 0; i < len; i++)
                        assert_int_equal(medsec_buf_addf(&row, "%02x", b[i]), MEDSEC_OK);
                } else {
                    assert_int_equal(medsec_buf_addf(&row, "|%d:%s", type,
                                                     (const char *)sqlite3_column_text(s, c)),
                                     MEDSEC_OK);
                }
            }
            if (n == cap) {
                cap = cap ? cap * 2 : 64;
                rows = realloc(rows, cap * sizeof *rows);
                assert_non_null(rows);
            }
            rows[n++] = strdup(row.data);
            medsec_buf_release(&row);
        }
        sqlite3_finalize(s);
        if (n)
            qsort(rows, n, sizeof *rows, line_cmp);
        for (size_t i = 0; i < n; i++) {
            assert_int_equal(medsec_buf_addf(&out, "%s\n", rows[i]), MEDSEC_OK);
            free(rows[i]);
        }
        free(rows);
    }
    sqlite3_finalize(t);
    sqlite3_close(h);
    char *text = strdup(out.data);
    medsec_buf_release(&out);
    return text;
}

/* What one import reports: its figures, warnings and progress calls. */
struct run {
    medsec_err rc;
    struct medsec_db_import_stats st;
    struct medsec_buf calls; /* the progress calls and the warnings, one a line */
};

static void on_progress(void *ud, const char *path, uint64_t done, uint64_t total)
{
    struct run *r = ud;
    assert_int_equal(medsec_buf_addf(&r->calls, "progress %s %llu %llu\n", path,
                                     (unsigned long long)done, (unsigned long long)total),
                     MEDSEC_OK);
}

/* Import @paths into the database at @path on @threads threads. */
static void import(struct fixture *f, const char *path, unsigned threads, const char *const *paths,
                   size_t n, struct run *r)
{
    struct medsec_db *db = NULL;
    struct medsec_error err;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    assert_int_equal(medsec_db_open(&f->ctx, path, 0, &db, &err), MEDSEC_OK);
    struct medsec_db_import_opts o = {.progress = on_progress, .ud = r, .threads = threads};
    r->calls = (struct medsec_buf)MEDSEC_BUF_INIT;
    r->rc = medsec_db_import(db, paths, n, &o, &r->st, &d, &err);
    for (size_t i = 0; i < d.n; i++)
        assert_int_equal(medsec_buf_addf(&r->calls, "warning %s:%u:%u: %s\n",
                                         d.v[i].file ? d.v[i].file : "", d.v[i].line, d.v[i].column,
                                         d.v[i].msg),
                         MEDSEC_OK);
    if (r->rc)
        assert_int_equal(medsec_buf_addf(&r->calls, "error %s: %s: %s\n", medsec_strerror(r->rc),
                                         err.file, err.msg),
                         MEDSEC_OK);
    medsec_diags_release(&d);
    medsec_db_close(db);
}

/* The imports @steps (each a NULL-ended list of paths) on one and on two threads, each into a new
 * database, give the same result at every step. Returns the number of steps. */
static void same_on_both(struct fixture *f, const char *const *const *steps, size_t nsteps)
{
    char one[128], two[128];
    snprintf(one, sizeof one, "%s/one.sqlite", f->dir);
    snprintf(two, sizeof two, "%s/two.sqlite", f->dir);
    for (size_t i = 0; i < nsteps; i++) {
        size_t n = 0;
        while (steps[i][n])
            n++;
        struct run a, b;
        import(f, one, 1, steps[i], n, &a);
        import(f, two, 2, steps[i], n, &b);
        assert_int_equal(a.rc, MEDSEC_OK);
        assert_int_equal(b.rc, MEDSEC_OK);
        assert_string_equal(b.calls.data, a.calls.data);
        assert_memory_equal(&b.st, &a.st, sizeof a.st);
        medsec_buf_release(&a.calls);
        medsec_buf_release(&b.calls);
        char *da = dump(one), *db = dump(two);
        assert_true(strlen(da) > 1000);
        assert_string_equal(db, da);
        free(da);
        free(db);
    }
}

/* The small advisories of tests/db/data: a first import, the same again (every record known), a
 * record read twice in one import, and a bigger import over a part. */
static void test_same(void **state)
{
    static const char *const first[] = {DATA "/osv", DATA "/kev", NULL};
    static const char *const all[] = {DATA, NULL};
    static const char *const twice[] = {DATA "/nvd", DATA "/osv", DATA "/nvd", NULL};
    static const char *const *const steps[] = {first, all, all, twice};
    same_on_both(*state, steps, sizeof steps / sizeof steps[0]);
}

/* A failure on the reading thread (a path that is not there, after two that were read) or on the
 * storing thread (a statement refused) leaves the database as it was. */
static void test_failure_leaves_db(void **state)
{
    struct fixture *f = *state;
    char path[128];
    snprintf(path, sizeof path, "%s/fail.sqlite", f->dir);
    static const char *const first[] = {DATA "/csaf"};
    struct run r;
    import(f, path, 2, first, 1, &r);
    assert_int_equal(r.rc, MEDSEC_OK);
    medsec_buf_release(&r.calls);
    char *before = dump(path);

    static const char *const bad_input[] = {DATA "/osv", DATA "/nvd", DATA "/no-such-folder"};
    import(f, path, 2, bad_input, 3, &r);
    assert_int_equal(r.rc, MEDSEC_ENOTFOUND);
    assert_non_null(strstr(r.calls.data, "no-such-folder"));
    medsec_buf_release(&r.calls);
    char *after = dump(path);
    assert_string_equal(after, before);
    free(after);

    /* the storing thread fails on the first CPE criterion of the NVD records, after the OSV ones
     * and the KEV entries were stored in the transaction */
    sqlite3 *h = NULL;
    assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
    assert_int_equal(sqlite3_exec(h,
                                  "CREATE TRIGGER refuse BEFORE INSERT ON cpe_match"
                                  " BEGIN SELECT RAISE(ABORT, 'refused by the test'); END",
                                  NULL, NULL, NULL),
                     SQLITE_OK);
    sqlite3_close(h);
    free(before);
    before = dump(path);
    static const char *const refused[] = {DATA "/kev", DATA "/nvd", DATA "/osv"};
    for (unsigned threads = 1; threads <= 2; threads++) {
        import(f, path, threads, refused, 3, &r);
        assert_int_equal(r.rc, MEDSEC_EDB);
        assert_non_null(strstr(r.calls.data, "refused by the test"));
        medsec_buf_release(&r.calls);
        after = dump(path);
        assert_string_equal(after, before);
        free(after);
    }
    free(before);
}

/* ---- real advisories (`test_db_threads shared`) ---- */

#define SHARED MEDSEC_SHARED_DATA "/advisories"
#define FEEDS SHARED "/nvd/feeds-1.1/nvdcve-1.1-"

static void test_same_shared(void **state)
{
    static const char *const first[] = {FEEDS "recent.json.gz", SHARED "/osv/crates.io/all.zip",
                                        NULL};
    static const char *const more[] = {FEEDS "modified.json.gz",
                                       FEEDS "recent.json.gz",
                                       SHARED "/osv/crates.io/all.zip",
                                       SHARED "/osv/Go/all.zip",
                                       SHARED "/csaf/cisagov-csaf2.0-icsma-2017-2024.tar.gz",
                                       SHARED "/kev",
                                       FEEDS "modified.json.gz",
                                       NULL};
    static const char *const *const steps[] = {first, more};
    same_on_both(*state, steps, sizeof steps / sizeof steps[0]);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "shared") == 0) {
        if (access(FEEDS "modified.json.gz", R_OK) != 0) {
            printf("skip: no advisories at %s (../shared/data is absent)\n", SHARED);
            return 77;
        }
        const struct CMUnitTest shared[] = {
            cmocka_unit_test_setup_teardown(test_same_shared, setup, teardown),
        };
        return cmocka_run_group_tests(shared, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failure_leaves_db, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
