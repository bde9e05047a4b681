/* test_store.c: the store test program: the same cases on SQLite (a temporary file per case) and
 * on PostgreSQL (the cluster MEDSEC_PG_URL names, from pgcluster.sh; a clean schema per case).
 * Usage: test_server_store sqlite|pg. Exit 77 (skip) for pg without MEDSEC_PG_URL. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "medsec/alloc.h"
#include "store_test.h"

const char *store_backend = "sqlite";
char store_url[1024];
static char tmpdir[512];
static unsigned case_no;

static void remove_sqlite(const char *path)
{
    char p[1100];
    unlink(path);
    snprintf(p, sizeof p, "%s-wal", path);
    unlink(p);
    snprintf(p, sizeof p, "%s-shm", path);
    unlink(p);
}

int store_setup(void **state)
{
    struct medsec_error err = {0};
    struct sdb *db = NULL;
    if (!strcmp(store_backend, "pg")) {
        snprintf(store_url, sizeof store_url, "%s", getenv("MEDSEC_PG_URL"));
        if (sdb_open(&db, store_url, &err) ||
            sdb_script(db, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public", &err)) {
            print_error("setup: %s\n", err.msg);
            sdb_close(db);
            return -1;
        }
    } else {
        snprintf(store_url, sizeof store_url, "sqlite:%s/case%u.db", tmpdir, ++case_no);
        remove_sqlite(store_url + 7);
        if (sdb_open(&db, store_url, &err)) {
            print_error("setup: %s\n", err.msg);
            return -1;
        }
    }
    *state = db;
    return 0;
}

int store_teardown(void **state)
{
    sdb_close(*state);
    if (strcmp(store_backend, "pg"))
        remove_sqlite(store_url + 7);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 2 || (strcmp(argv[1], "sqlite") && strcmp(argv[1], "pg"))) {
        fprintf(stderr, "usage: %s sqlite|pg\n", argv[0]);
        return 2;
    }
    store_backend = argv[1];
    if (!strcmp(store_backend, "pg") && !getenv("MEDSEC_PG_URL")) {
        fprintf(stderr, "MEDSEC_PG_URL not set (run under pgcluster.sh): skipping\n");
        return 77;
    }
    snprintf(tmpdir, sizeof tmpdir, "%s/medsec-store.XXXXXX",
             getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (!mkdtemp(tmpdir)) {
        perror("mkdtemp");
        return 1;
    }
    int failed = 0;
    failed += _cmocka_run_group_tests(!strcmp(store_backend, "pg") ? "sdb_pg" : "sdb_sqlite",
                                      store_sdb_tests, store_sdb_count, NULL, NULL);
    failed += _cmocka_run_group_tests(!strcmp(store_backend, "pg") ? "fleet_pg" : "fleet_sqlite",
                                      store_fleet_tests, store_fleet_count, NULL, NULL);
    failed += _cmocka_run_group_tests(!strcmp(store_backend, "pg") ? "http_pg" : "http_sqlite",
                                      store_http_tests, store_http_count, NULL, NULL);
    if (strcmp(store_backend, "pg"))
        failed += _cmocka_run_group_tests("sqlite_only", store_sqlite_only_tests,
                                          store_sqlite_only_count, NULL, NULL);
    rmdir(tmpdir);
    return failed ? 1 : 0;
}
