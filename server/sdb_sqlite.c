/* sdb_sqlite.c: the SQLite backend of sdb.h: one database file in WAL mode, `$N` parameters bound
 * by number, and a small cache of prepared statements for the hot paths (check-ins). */
#include "sdb_int.h"

#include <limits.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "medsec/alloc.h"

/* Prepared statements kept per connection, looked up by their SQL text. */
#define LITE_CACHE 64
/* How long a writer waits for another one before SQLITE_BUSY (ms). */
#define LITE_BUSY_MS 10000

struct lite_cached {
    char *sql;
    sqlite3_stmt *st;
    int busy; /* handed out in a row set right now */
    unsigned long used;
};

struct lite {
    struct sdb head;
    sqlite3 *h;
    struct lite_cached cache[LITE_CACHE];
    unsigned long tick;
    struct timespec busy_since; /* lite_busy's clock */
};

struct lite_rows {
    struct sdb_rows head;
    struct lite *db;
    sqlite3_stmt *st;
    struct lite_cached *slot; /* NULL: finalize on free */
    int done;
    int started;
    int first; /* sqlite3_step result of the first step, taken in query */
};

/* SQLite's own busy handler sleeps 1, 2, 5 ... 100 ms between tries, which turns a writer
 * waiting for another (a check-in takes a fraction of a millisecond) into a long stall. This one
 * sleeps 20 us, growing to 1 ms, until LITE_BUSY_MS have passed. */
static int lite_busy(void *arg, int n)
{
    struct timespec *start = arg, now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    if (n == 0)
        *start = now;
    long long ms =
        (long long)(now.tv_sec - start->tv_sec) * 1000 + (now.tv_nsec - start->tv_nsec) / 1000000;
    if (ms >= LITE_BUSY_MS)
        return 0;
    struct timespec d = {0, (n < 50 ? n + 1 : 50) * 20000L};
    nanosleep(&d, NULL);
    return 1;
}

static medsec_err lite_fail(struct lite *db, int rc, const char *sql, struct medsec_error *err)
{
    char q[SDB_SQL_QUOTE + 8];
    return medsec_error_set(err, MEDSEC_EDB, NULL, 0, 0, "sqlite: %s (%d) in: %s",
                            db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc), rc,
                            sdb_quote_sql(sql, q, sizeof q));
}

static void lite_close(struct sdb *base)
{
    struct lite *db = (struct lite *)base;
    for (size_t i = 0; i < LITE_CACHE; i++) {
        sqlite3_finalize(db->cache[i].st);
        medsec_free(db->cache[i].sql);
    }
    sqlite3_close_v2(db->h);
    medsec_free(db);
}

/* A prepared statement for @sql: from the cache when it is there and free, else prepared (and
 * cached when a slot is free or can be evicted). *@slot is NULL for an uncached statement. */
static medsec_err lite_prepare(struct lite *db, const char *sql, sqlite3_stmt **st,
                               struct lite_cached **slot, struct medsec_error *err)
{
    struct lite_cached *victim = NULL;
    *slot = NULL;
    for (size_t i = 0; i < LITE_CACHE; i++) {
        struct lite_cached *c = &db->cache[i];
        if (c->sql && !c->busy && !strcmp(c->sql, sql)) {
            c->busy = 1;
            c->used = ++db->tick;
            *st = c->st;
            *slot = c;
            return MEDSEC_OK;
        }
        if (!c->busy && (!victim || (victim->sql && (!c->sql || c->used < victim->used))))
            victim = c;
    }
    const char *tail = NULL;
    int rc = sqlite3_prepare_v3(db->h, sql, -1, victim ? SQLITE_PREPARE_PERSISTENT : 0, st, &tail);
    if (rc != SQLITE_OK)
        return lite_fail(db, rc, sql, err);
    if (!*st)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "sqlite: empty statement");
    while (tail &&
           (*tail == ' ' || *tail == '\n' || *tail == '\t' || *tail == '\r' || *tail == ';'))
        tail++;
    if (tail && *tail) {
        sqlite3_finalize(*st);
        *st = NULL;
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "sqlite: more than one statement (use sdb_script)");
    }
    if (victim) {
        char *copy = medsec_strdup(sql);
        if (copy) {
            sqlite3_finalize(victim->st);
            medsec_free(victim->sql);
            victim->sql = copy;
            victim->st = *st;
            victim->busy = 1;
            victim->used = ++db->tick;
            *slot = victim;
        }
    }
    return MEDSEC_OK;
}

static void lite_release(sqlite3_stmt *st, struct lite_cached *slot)
{
    if (slot) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        slot->busy = 0;
    } else {
        sqlite3_finalize(st);
    }
}

/* Bind @p to the statement's `$N` parameters (N 1-based, any order, repeated allowed). */
static medsec_err lite_bind(struct lite *db, sqlite3_stmt *st, const char *sql,
                            const struct sdb_val *p, size_t n, struct medsec_error *err)
{
    int count = sqlite3_bind_parameter_count(st);
    for (int i = 1; i <= count; i++) {
        const char *name = sqlite3_bind_parameter_name(st, i);
        char *end = NULL;
        long k = name && name[0] == '$' ? strtol(name + 1, &end, 10) : 0;
        if (!name || name[0] != '$' || !end || *end || k < 1)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                    "sqlite: parameter %s is not $N", name ? name : "?");
        if ((size_t)k > n)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                    "sqlite: parameter $%ld but %zu values given", k, n);
        const struct sdb_val *v = &p[k - 1];
        int rc;
        switch (v->type) {
        case SDB_INT: rc = sqlite3_bind_int64(st, i, v->i); break;
        case SDB_TEXT:
            rc =
                v->s ? sqlite3_bind_text(st, i, v->s, -1, SQLITE_STATIC) : sqlite3_bind_null(st, i);
            break;
        default: rc = sqlite3_bind_null(st, i); break;
        }
        if (rc != SQLITE_OK)
            return lite_fail(db, rc, sql, err);
    }
    return MEDSEC_OK;
}

static medsec_err lite_exec(struct sdb *base, const char *sql, const struct sdb_val *p, size_t n,
                            int64_t *changes, struct medsec_error *err)
{
    struct lite *db = (struct lite *)base;
    sqlite3_stmt *st;
    struct lite_cached *slot;
    medsec_err e = lite_prepare(db, sql, &st, &slot, err);
    if (e)
        return e;
    e = lite_bind(db, st, sql, p, n, err);
    if (!e) {
        int rc;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            ;
        if (rc != SQLITE_DONE)
            e = lite_fail(db, rc, sql, err);
        else if (changes)
            *changes = sqlite3_changes64(db->h);
    }
    lite_release(st, slot);
    return e;
}

static medsec_err lite_script(struct sdb *base, const char *sql, struct medsec_error *err)
{
    struct lite *db = (struct lite *)base;
    char *msg = NULL;
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK)
        return MEDSEC_OK;
    char q[SDB_SQL_QUOTE + 8];
    medsec_err e =
        medsec_error_set(err, MEDSEC_EDB, NULL, 0, 0, "sqlite: %s (%d) in: %s",
                         msg ? msg : sqlite3_errstr(rc), rc, sdb_quote_sql(sql, q, sizeof q));
    sqlite3_free(msg);
    return e;
}

static const struct sdb_ops lite_ops;

static medsec_err lite_query(struct sdb *base, const char *sql, const struct sdb_val *p, size_t n,
                             struct sdb_rows **out, struct medsec_error *err)
{
    struct lite *db = (struct lite *)base;
    struct lite_rows *r = medsec_calloc(1, sizeof *r);
    if (!r)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    medsec_err e = lite_prepare(db, sql, &r->st, &r->slot, err);
    if (e) {
        medsec_free(r);
        return e;
    }
    e = lite_bind(db, r->st, sql, p, n, err);
    if (!e) {
        /* the first step runs here, so that a query's errors come from sdb_query */
        r->first = sqlite3_step(r->st);
        if (r->first != SQLITE_ROW && r->first != SQLITE_DONE)
            e = lite_fail(db, r->first, sql, err);
    }
    if (e) {
        lite_release(r->st, r->slot);
        medsec_free(r);
        return e;
    }
    r->head.ops = &lite_ops;
    r->db = db;
    *out = &r->head;
    return MEDSEC_OK;
}

static int lite_step(struct sdb_rows *base, struct medsec_error *err)
{
    struct lite_rows *r = (struct lite_rows *)base;
    if (r->done)
        return 0;
    int rc;
    if (!r->started) {
        r->started = 1;
        rc = r->first;
    } else {
        rc = sqlite3_step(r->st);
    }
    if (rc == SQLITE_ROW)
        return 1;
    r->done = 1;
    if (rc == SQLITE_DONE)
        return 0;
    lite_fail(r->db, rc, sqlite3_sql(r->st), err);
    return -1;
}

static size_t lite_columns(const struct sdb_rows *base)
{
    const struct lite_rows *r = (const struct lite_rows *)base;
    return (size_t)sqlite3_column_count(r->st);
}

static int lite_col_ok(const struct lite_rows *r, size_t col)
{
    return r->started && !r->done && col < (size_t)sqlite3_column_count(r->st);
}

static int lite_is_null(const struct sdb_rows *base, size_t col)
{
    const struct lite_rows *r = (const struct lite_rows *)base;
    return !lite_col_ok(r, col) || sqlite3_column_type(r->st, (int)col) == SQLITE_NULL;
}

static int64_t lite_int(const struct sdb_rows *base, size_t col)
{
    const struct lite_rows *r = (const struct lite_rows *)base;
    if (!lite_col_ok(r, col))
        return 0;
    return sqlite3_column_int64(r->st, (int)col);
}

static const char *lite_text(const struct sdb_rows *base, size_t col)
{
    const struct lite_rows *r = (const struct lite_rows *)base;
    if (!lite_col_ok(r, col) || sqlite3_column_type(r->st, (int)col) == SQLITE_NULL)
        return NULL;
    return (const char *)sqlite3_column_text(r->st, (int)col);
}

static void lite_rows_free(struct sdb_rows *base)
{
    struct lite_rows *r = (struct lite_rows *)base;
    lite_release(r->st, r->slot);
    medsec_free(r);
}

static const struct sdb_ops lite_ops = {
    .close = lite_close,
    .exec = lite_exec,
    .script = lite_script,
    .query = lite_query,
    .step = lite_step,
    .columns = lite_columns,
    .is_null = lite_is_null,
    .get_int = lite_int,
    .get_text = lite_text,
    .rows_free = lite_rows_free,
    .begin_sql = "BEGIN IMMEDIATE",
};

medsec_err sdb_sqlite_open(struct sdb **out, const char *path, struct medsec_error *err)
{
    struct lite *db = medsec_calloc(1, sizeof *db);
    if (!db)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    db->head.kind = SDB_SQLITE;
    db->head.ops = &lite_ops;
    int rc = sqlite3_open_v2(
        path, &db->h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        medsec_error_set(err, MEDSEC_EDB, path, 0, 0, "sqlite: cannot open: %s",
                         db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        lite_close(&db->head);
        return MEDSEC_EDB;
    }
    sqlite3_busy_handler(db->h, lite_busy, &db->busy_since);
    sqlite3_extended_result_codes(db->h, 1);
    /* WAL: readers do not block the writer; synchronous=NORMAL: a commit survives the process
     * being killed (not a power cut, which may lose the last commits but never corrupts). */
    medsec_err e = lite_script(&db->head,
                               "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                               "PRAGMA foreign_keys=ON; PRAGMA temp_store=MEMORY; "
                               /* a checkpoint (two fsyncs) every 64 MiB of WAL, not every 4 MiB:
                                * they are what a commit waits for most on a slow disk */
                               "PRAGMA wal_autocheckpoint=16384; PRAGMA cache_size=-65536",
                               err);
    if (e) {
        lite_close(&db->head);
        return e;
    }
    *out = &db->head;
    return MEDSEC_OK;
}
