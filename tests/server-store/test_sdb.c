/* test_sdb.c: the storage interface (sdb.h) on the backend under test: types, NULLs, parameters,
 * transactions and rollback, migrations (idempotent, newer refused, concurrent). */
#include <stdio.h>
#include <string.h>

#include "store_test.h"

static void sdb_types_and_nulls(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    STORE_OK(sdb_script(db, "CREATE TABLE t (a BIGINT, b TEXT, c BIGINT)", &err), &err);
    struct sdb_val p[3] = {SDB_I(INT64_MAX), SDB_S("h\xc3\xa9llo 'quoted' \"x\""), SDB_NUL};
    int64_t changes = -1;
    STORE_OK(sdb_exec(db, "INSERT INTO t (a, b, c) VALUES ($1, $2, $3)", p, 3, &changes, &err),
             &err);
    assert_int_equal(changes, 1);
    p[0] = SDB_I(INT64_MIN);
    p[1] = SDB_S(NULL); /* a NULL text is NULL */
    p[2] = SDB_I(-7);
    STORE_OK(sdb_exec(db, "INSERT INTO t (a, b, c) VALUES ($1, $2, $3)", p, 3, NULL, &err), &err);

    struct sdb_rows *r;
    STORE_OK(sdb_query(db, "SELECT a, b, c FROM t ORDER BY a DESC", NULL, 0, &r, &err), &err);
    assert_int_equal(sdb_columns(r), 3);
    assert_int_equal(sdb_step(r, &err), 1);
    assert_true(sdb_int(r, 0) == INT64_MAX);
    assert_string_equal(sdb_text(r, 1), "h\xc3\xa9llo 'quoted' \"x\"");
    assert_true(sdb_is_null(r, 2));
    assert_null(sdb_text(r, 2));
    assert_int_equal(sdb_int(r, 2), 0);
    assert_false(sdb_is_null(r, 0));
    assert_int_equal(sdb_step(r, &err), 1);
    assert_true(sdb_int(r, 0) == INT64_MIN);
    assert_true(sdb_is_null(r, 1));
    assert_int_equal(sdb_int(r, 2), -7);
    assert_string_equal(sdb_text(r, 2), "-7"); /* an integer read as text */
    assert_int_equal(sdb_step(r, &err), 0);
    assert_int_equal(sdb_step(r, &err), 0);
    sdb_rows_free(r);

    /* a column out of range reads as NULL, not a crash */
    STORE_OK(sdb_query(db, "SELECT a FROM t WHERE a = $1", &SDB_I(-7), 1, &r, &err), &err);
    assert_int_equal(sdb_step(r, &err), 0);
    assert_true(sdb_is_null(r, 5));
    sdb_rows_free(r);
}

static void sdb_params(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    STORE_OK(sdb_script(db,
                        sdb_kind(db) == SDB_POSTGRES
                            ? "CREATE TABLE p (id BIGSERIAL PRIMARY KEY, n BIGINT, s TEXT);"
                              "CREATE TABLE q (x BIGINT)"
                            : "CREATE TABLE p (id INTEGER PRIMARY KEY, n BIGINT, s TEXT);"
                              "CREATE TABLE q (x BIGINT)",
                        &err),
             &err);
    /* parameters out of order and repeated */
    struct sdb_val p[2] = {SDB_S("two"), SDB_I(5)};
    int64_t id = 0, id2 = 0;
    STORE_OK(sdb_insert_id(db, "INSERT INTO p (n, s) VALUES ($2, $1)", p, 2, &id, &err), &err);
    assert_true(id > 0);
    STORE_OK(sdb_insert_id(db, "INSERT INTO p (n, s) VALUES ($2 + $2, $1);\n", p, 2, &id2, &err),
             &err);
    assert_true(id2 > id);
    int64_t v = 0;
    STORE_OK(sdb_query_int(db, "SELECT n FROM p WHERE id = $1", &SDB_I(id2), 1, &v, &err), &err);
    assert_int_equal(v, 10);
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM p WHERE s = $1 AND n >= $2", p, 2, &v, &err),
             &err);
    assert_int_equal(v, 2);
    /* no row */
    assert_int_equal(sdb_query_int(db, "SELECT n FROM p WHERE id = $1", &SDB_I(-1), 1, &v, &err),
                     MEDSEC_ENOTFOUND);
    /* too few values for the statement's parameters */
    memset(&err, 0, sizeof err);
    assert_int_not_equal(sdb_exec(db, "INSERT INTO q (x) VALUES ($3)", p, 2, NULL, &err),
                         MEDSEC_OK);
    assert_true(err.msg[0] != '\0');
    /* a syntax error names the statement */
    memset(&err, 0, sizeof err);
    assert_int_equal(sdb_exec(db, "INSERT INTO nosuchtable VALUES (1)", NULL, 0, NULL, &err),
                     MEDSEC_EDB);
    assert_non_null(strstr(err.msg, "nosuchtable"));
    /* changes counts updated rows; the same statement again (from the cache) still works */
    int64_t changes = 0;
    for (int i = 0; i < 3; i++) {
        STORE_OK(sdb_exec(db, "UPDATE p SET n = n + 1 WHERE s = $1", p, 1, &changes, &err), &err);
        assert_int_equal(changes, 2);
    }
    STORE_OK(sdb_query_int(db, "SELECT SUM(n) FROM p", NULL, 0, &v, &err), &err);
    assert_int_equal(v, 5 + 10 + 6);
    /* two row sets of the same statement open at once */
    struct sdb_rows *a, *b;
    STORE_OK(sdb_query(db, "SELECT id FROM p ORDER BY id", NULL, 0, &a, &err), &err);
    STORE_OK(sdb_query(db, "SELECT id FROM p ORDER BY id", NULL, 0, &b, &err), &err);
    assert_int_equal(sdb_step(a, &err), 1);
    assert_int_equal(sdb_step(b, &err), 1);
    assert_int_equal(sdb_step(b, &err), 1);
    assert_int_equal(sdb_int(a, 0), id);
    assert_int_equal(sdb_int(b, 0), id2);
    sdb_rows_free(a);
    sdb_rows_free(b);
}

static void sdb_transactions(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    STORE_OK(sdb_script(db, "CREATE TABLE t (k TEXT PRIMARY KEY, v BIGINT)", &err), &err);
    STORE_OK(sdb_begin(db, &err), &err);
    assert_int_equal(sdb_begin(db, &err), MEDSEC_EINTERNAL); /* nested: refused */
    STORE_OK(sdb_exec(db, "INSERT INTO t VALUES ('a', 1)", NULL, 0, NULL, &err), &err);
    STORE_OK(sdb_commit(db, &err), &err);

    STORE_OK(sdb_begin(db, &err), &err);
    STORE_OK(sdb_exec(db, "INSERT INTO t VALUES ('b', 2)", NULL, 0, NULL, &err), &err);
    sdb_rollback(db);
    int64_t n = 0;
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM t", NULL, 0, &n, &err), &err);
    assert_int_equal(n, 1);

    /* a failed statement inside a transaction, then rollback: nothing of it stays */
    STORE_OK(sdb_begin(db, &err), &err);
    STORE_OK(sdb_exec(db, "INSERT INTO t VALUES ('c', 3)", NULL, 0, NULL, &err), &err);
    assert_int_equal(sdb_exec(db, "INSERT INTO t VALUES ('a', 9)", NULL, 0, NULL, &err),
                     MEDSEC_EDB);
    sdb_rollback(db);
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM t", NULL, 0, &n, &err), &err);
    assert_int_equal(n, 1);
    assert_int_equal(sdb_commit(db, &err), MEDSEC_EINTERNAL); /* no transaction */
    sdb_rollback(db);                                         /* harmless */

    /* another connection sees only committed rows */
    struct sdb *db2;
    STORE_OK(sdb_open(&db2, store_url, &err), &err);
    STORE_OK(sdb_begin(db, &err), &err);
    STORE_OK(sdb_exec(db, "INSERT INTO t VALUES ('d', 4)", NULL, 0, NULL, &err), &err);
    STORE_OK(sdb_query_int(db2, "SELECT COUNT(*) FROM t", NULL, 0, &n, &err), &err);
    assert_int_equal(n, 1);
    STORE_OK(sdb_commit(db, &err), &err);
    STORE_OK(sdb_query_int(db2, "SELECT COUNT(*) FROM t", NULL, 0, &n, &err), &err);
    assert_int_equal(n, 2);
    /* closing with a transaction open rolls it back */
    STORE_OK(sdb_begin(db2, &err), &err);
    STORE_OK(sdb_exec(db2, "INSERT INTO t VALUES ('e', 5)", NULL, 0, NULL, &err), &err);
    sdb_close(db2);
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM t", NULL, 0, &n, &err), &err);
    assert_int_equal(n, 2);
}

static const struct sdb_migration mig_v2[] = {
    {"CREATE TABLE m1 (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
     "CREATE TABLE m1 (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL)"},
    {"ALTER TABLE m1 ADD COLUMN size BIGINT; CREATE INDEX m1_name ON m1 (name)", NULL},
};
static const struct sdb_migration mig_v3_bad[] = {
    {"CREATE TABLE m1 (id INTEGER PRIMARY KEY, name TEXT NOT NULL)",
     "CREATE TABLE m1 (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL)"},
    {"ALTER TABLE m1 ADD COLUMN size BIGINT; CREATE INDEX m1_name ON m1 (name)", NULL},
    {"CREATE TABLE m2 (x BIGINT); INSERT INTO nosuch VALUES (1)", NULL},
};

static void sdb_migrations(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    STORE_OK(sdb_migrate(db, "test", mig_v2, 1, &err), &err);
    STORE_OK(sdb_migrate(db, "test", mig_v2, 2, &err), &err);
    STORE_OK(sdb_migrate(db, "test", mig_v2, 2, &err), &err); /* idempotent */
    int64_t id = 0, n = 0;
    STORE_OK(sdb_insert_id(db, "INSERT INTO m1 (name, size) VALUES ('x', 3)", NULL, 0, &id, &err),
             &err);
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM sdb_migrations WHERE module = 'test'", NULL, 0,
                           &n, &err),
             &err);
    assert_int_equal(n, 2);
    /* another module's numbering is its own */
    STORE_OK(sdb_migrate(db, "other", mig_v2 + 1, 0, &err), &err);
    /* a database made by a newer medsec is refused */
    memset(&err, 0, sizeof err);
    assert_int_equal(sdb_migrate(db, "test", mig_v2, 1, &err), MEDSEC_EUNSUPPORTED);
    assert_non_null(strstr(err.msg, "newer"));
    /* a failing step leaves nothing of itself and is not recorded */
    memset(&err, 0, sizeof err);
    assert_int_equal(sdb_migrate(db, "test", mig_v3_bad, 3, &err), MEDSEC_EDB);
    assert_non_null(strstr(err.msg, "step 3"));
    STORE_OK(sdb_query_int(db, "SELECT MAX(step) FROM sdb_migrations WHERE module = 'test'", NULL,
                           0, &n, &err),
             &err);
    assert_int_equal(n, 2);
    assert_int_equal(sdb_exec(db, "INSERT INTO m2 VALUES (1)", NULL, 0, NULL, &err), MEDSEC_EDB);
    /* the row written before survives it all */
    STORE_OK(sdb_query_int(db, "SELECT size FROM m1 WHERE id = $1", &SDB_I(id), 1, &n, &err), &err);
    assert_int_equal(n, 3);
}

/* Two connections migrating at once (servers starting together) end with one schema. */
static void sdb_migrations_concurrent(void **state)
{
    struct sdb *db = *state;
    struct medsec_error err = {0};
    struct sdb *db2;
    STORE_OK(sdb_open(&db2, store_url, &err), &err);
    /* interleave by hand: db2 migrates step 1 while db holds nothing; then both run all */
    STORE_OK(sdb_migrate(db2, "conc", mig_v2, 1, &err), &err);
    STORE_OK(sdb_migrate(db, "conc", mig_v2, 2, &err), &err);
    STORE_OK(sdb_migrate(db2, "conc", mig_v2, 2, &err), &err);
    int64_t n = 0;
    STORE_OK(sdb_query_int(db, "SELECT COUNT(*) FROM sdb_migrations WHERE module = 'conc'", NULL, 0,
                           &n, &err),
             &err);
    assert_int_equal(n, 2);
    sdb_close(db2);
}

static void sdb_open_errors(void **state)
{
    (void)state;
    struct medsec_error err = {0};
    struct sdb *db = (struct sdb *)1;
    assert_int_equal(sdb_open(&db, "", &err), MEDSEC_EINVAL);
    assert_null(db);
    assert_int_equal(sdb_open(&db, "mysql://x", &err), MEDSEC_EUNSUPPORTED);
    assert_int_equal(sdb_open(&db, "sqlite:/nonexistent-dir/x/y.db", &err), MEDSEC_EDB);
    assert_null(db);
    memset(&err, 0, sizeof err);
    /* a port nobody listens on (connect refused at once) */
    assert_int_equal(sdb_open(&db, "postgresql://nobody@127.0.0.1:1/x?connect_timeout=2", &err),
                     MEDSEC_EDB);
    assert_non_null(strstr(err.msg, "cannot connect"));
}

const struct CMUnitTest store_sdb_tests[] = {
    cmocka_unit_test_setup_teardown(sdb_types_and_nulls, store_setup, store_teardown),
    cmocka_unit_test_setup_teardown(sdb_params, store_setup, store_teardown),
    cmocka_unit_test_setup_teardown(sdb_transactions, store_setup, store_teardown),
    cmocka_unit_test_setup_teardown(sdb_migrations, store_setup, store_teardown),
    cmocka_unit_test_setup_teardown(sdb_migrations_concurrent, store_setup, store_teardown),
    cmocka_unit_test(sdb_open_errors),
};
const size_t store_sdb_count = sizeof store_sdb_tests / sizeof store_sdb_tests[0];
