/* sdb_pg.c: the PostgreSQL backend of sdb.h over libpq: parameters travel as text (integers
 * typed int8 so that the server need not guess), results come back as text and are converted on
 * reading. libpq's notices are swallowed: library code does not print. */
#include "sdb_int.h"

#include <inttypes.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"

/* Parameters per statement: on the stack up to this many, else refused. */
#define PG_MAX_PARAMS 64
#define PG_INT8OID 20

struct pg {
    struct sdb head;
    PGconn *c;
};

struct pg_rows {
    struct sdb_rows head;
    PGresult *res;
    int row; /* the current row, -1 before the first step */
    int nrows;
};

static void pg_quiet(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

static medsec_err pg_fail_msg(const char *what, const char *sql, struct medsec_error *err)
{
    char q[SDB_SQL_QUOTE + 8];
    char m[300];
    snprintf(m, sizeof m, "%s", what ? what : "unknown error");
    size_t l = strlen(m);
    while (l && (m[l - 1] == '\n' || m[l - 1] == ' '))
        m[--l] = '\0';
    return medsec_error_set(err, MEDSEC_EDB, NULL, 0, 0, "postgresql: %s in: %s", m,
                            sdb_quote_sql(sql, q, sizeof q));
}

static void pg_close(struct sdb *base)
{
    struct pg *db = (struct pg *)base;
    if (db->c)
        PQfinish(db->c);
    medsec_free(db);
}

/* Run @sql with @p; the result must be a command or tuples result. */
static medsec_err pg_run(struct pg *db, const char *sql, const struct sdb_val *p, size_t n,
                         PGresult **out, struct medsec_error *err)
{
    *out = NULL;
    if (n > PG_MAX_PARAMS)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0,
                                "postgresql: %zu parameters, at most %d", n, PG_MAX_PARAMS);
    const char *values[PG_MAX_PARAMS];
    Oid types[PG_MAX_PARAMS];
    char ints[PG_MAX_PARAMS][24];
    for (size_t i = 0; i < n; i++) {
        types[i] = 0;
        values[i] = NULL;
        if (p[i].type == SDB_INT) {
            snprintf(ints[i], sizeof ints[i], "%" PRId64, p[i].i);
            values[i] = ints[i];
            types[i] = PG_INT8OID;
        } else if (p[i].type == SDB_TEXT) {
            values[i] = p[i].s;
        }
    }
    PGresult *res = n ? PQexecParams(db->c, sql, (int)n, types, values, NULL, NULL, 0)
                      : PQexecParams(db->c, sql, 0, NULL, NULL, NULL, NULL, 0);
    if (!res)
        return pg_fail_msg(PQerrorMessage(db->c), sql, err);
    ExecStatusType s = PQresultStatus(res);
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK) {
        medsec_err e = pg_fail_msg(PQresultErrorMessage(res), sql, err);
        PQclear(res);
        return e;
    }
    /* COMMIT of a failed transaction answers "ROLLBACK" without an error */
    if (!strcmp(sql, "COMMIT") && !strcmp(PQcmdStatus(res), "ROLLBACK")) {
        PQclear(res);
        return medsec_error_set(err, MEDSEC_EDB, NULL, 0, 0,
                                "postgresql: the transaction failed and was rolled back");
    }
    *out = res;
    return MEDSEC_OK;
}

static medsec_err pg_exec(struct sdb *base, const char *sql, const struct sdb_val *p, size_t n,
                          int64_t *changes, struct medsec_error *err)
{
    PGresult *res;
    medsec_err e = pg_run((struct pg *)base, sql, p, n, &res, err);
    if (e)
        return e;
    if (changes) {
        const char *t = PQcmdTuples(res);
        *changes = t && *t ? strtoll(t, NULL, 10) : 0;
    }
    PQclear(res);
    return MEDSEC_OK;
}

static medsec_err pg_script(struct sdb *base, const char *sql, struct medsec_error *err)
{
    struct pg *db = (struct pg *)base;
    PGresult *res = PQexec(db->c, sql);
    if (!res)
        return pg_fail_msg(PQerrorMessage(db->c), sql, err);
    ExecStatusType s = PQresultStatus(res);
    medsec_err e = MEDSEC_OK;
    if (s != PGRES_COMMAND_OK && s != PGRES_TUPLES_OK && s != PGRES_EMPTY_QUERY)
        e = pg_fail_msg(PQresultErrorMessage(res), sql, err);
    PQclear(res);
    return e;
}

static const struct sdb_ops pg_ops;

static medsec_err pg_query(struct sdb *base, const char *sql, const struct sdb_val *p, size_t n,
                           struct sdb_rows **out, struct medsec_error *err)
{
    struct pg_rows *r = medsec_calloc(1, sizeof *r);
    if (!r)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    medsec_err e = pg_run((struct pg *)base, sql, p, n, &r->res, err);
    if (e) {
        medsec_free(r);
        return e;
    }
    r->head.ops = &pg_ops;
    r->row = -1;
    r->nrows = PQntuples(r->res);
    *out = &r->head;
    return MEDSEC_OK;
}

static int pg_step(struct sdb_rows *base, struct medsec_error *err)
{
    (void)err;
    struct pg_rows *r = (struct pg_rows *)base;
    if (r->row < r->nrows)
        r->row++;
    return r->row < r->nrows;
}

static size_t pg_columns(const struct sdb_rows *base)
{
    return (size_t)PQnfields(((const struct pg_rows *)base)->res);
}

static int pg_col_ok(const struct pg_rows *r, size_t col)
{
    return r->row >= 0 && r->row < r->nrows && col < (size_t)PQnfields(r->res);
}

static int pg_is_null(const struct sdb_rows *base, size_t col)
{
    const struct pg_rows *r = (const struct pg_rows *)base;
    return !pg_col_ok(r, col) || PQgetisnull(r->res, r->row, (int)col);
}

static const char *pg_text(const struct sdb_rows *base, size_t col)
{
    const struct pg_rows *r = (const struct pg_rows *)base;
    if (pg_is_null(base, col))
        return NULL;
    return PQgetvalue(r->res, r->row, (int)col);
}

static int64_t pg_int(const struct sdb_rows *base, size_t col)
{
    const char *t = pg_text(base, col);
    if (!t)
        return 0;
    if (!strcmp(t, "t")) /* a boolean expression */
        return 1;
    if (!strcmp(t, "f"))
        return 0;
    return strtoll(t, NULL, 10);
}

static void pg_rows_free(struct sdb_rows *base)
{
    struct pg_rows *r = (struct pg_rows *)base;
    PQclear(r->res);
    medsec_free(r);
}

static const struct sdb_ops pg_ops = {
    .close = pg_close,
    .exec = pg_exec,
    .script = pg_script,
    .query = pg_query,
    .step = pg_step,
    .columns = pg_columns,
    .is_null = pg_is_null,
    .get_int = pg_int,
    .get_text = pg_text,
    .rows_free = pg_rows_free,
    .begin_sql = "BEGIN",
};

medsec_err sdb_pg_open(struct sdb **out, const char *url, struct medsec_error *err)
{
    struct pg *db = medsec_calloc(1, sizeof *db);
    if (!db)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    db->head.kind = SDB_POSTGRES;
    db->head.ops = &pg_ops;
    db->c = PQconnectdb(url);
    if (!db->c || PQstatus(db->c) != CONNECTION_OK) {
        char m[300];
        snprintf(m, sizeof m, "%s", db->c ? PQerrorMessage(db->c) : "out of memory");
        size_t l = strlen(m);
        while (l && (m[l - 1] == '\n' || m[l - 1] == ' '))
            m[--l] = '\0';
        pg_close(&db->head);
        return medsec_error_set(err, MEDSEC_EDB, NULL, 0, 0, "postgresql: cannot connect: %s", m);
    }
    PQsetNoticeProcessor(db->c, pg_quiet, NULL);
    medsec_err e =
        pg_script(&db->head, "SET client_min_messages = warning; SET TIME ZONE 'UTC'", err);
    if (e) {
        pg_close(&db->head);
        return e;
    }
    *out = &db->head;
    return MEDSEC_OK;
}
