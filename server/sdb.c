/* sdb.c: the backend-independent half of the storage interface (sdb.h): opening by URL,
 * transactions, sdb_insert_id, sdb_query_int and the migrations. */
#include "sdb_int.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"

const char *sdb_quote_sql(const char *sql, char *buf, size_t cap)
{
    size_t o = 0;
    int space = 0;
    if (!cap)
        return "";
    for (const char *s = sql; *s && o + 4 < cap && o < SDB_SQL_QUOTE; s++) {
        if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\r') {
            space = o > 0;
            continue;
        }
        if (space)
            buf[o++] = ' ';
        space = 0;
        buf[o++] = *s;
    }
    buf[o] = '\0';
    if (o >= SDB_SQL_QUOTE && o + 4 < cap)
        memcpy(buf + o, "...", 4);
    return buf;
}

static medsec_err open_backend(struct sdb **out, const char *url, struct medsec_error *err);

medsec_err sdb_open(struct sdb **out, const char *url, struct medsec_error *err)
{
    medsec_err e = open_backend(out, url, err);
    if (!e)
        (*out)->url = medsec_strdup(url); /* NULL when memory ran out: sdb_url says so */
    return e;
}

const char *sdb_url(const struct sdb *db)
{
    return db->url;
}

static medsec_err open_backend(struct sdb **out, const char *url, struct medsec_error *err)
{
    *out = NULL;
    if (!url || !*url)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "database URL: empty");
    if (!strncmp(url, "postgresql://", 13) || !strncmp(url, "postgres://", 11))
        return sdb_pg_open(out, url, err);
    if (!strncmp(url, "sqlite:", 7))
        url += 7;
    else if (strstr(url, "://"))
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, NULL, 0, 0,
                                "database URL %.200s: not sqlite:PATH, a path or postgresql://",
                                url);
    if (!*url)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "database URL: empty path");
    return sdb_sqlite_open(out, url, err);
}

void sdb_close(struct sdb *db)
{
    if (!db)
        return;
    if (db->in_tx)
        sdb_rollback(db);
    medsec_free(db->url);
    db->url = NULL;
    db->ops->close(db);
}

enum sdb_kind sdb_kind(const struct sdb *db)
{
    return db->kind;
}

medsec_err sdb_exec(struct sdb *db, const char *sql, const struct sdb_val *p, size_t n,
                    int64_t *changes, struct medsec_error *err)
{
    if (changes)
        *changes = 0;
    return db->ops->exec(db, sql, p, n, changes, err);
}

medsec_err sdb_script(struct sdb *db, const char *sql, struct medsec_error *err)
{
    return db->ops->script(db, sql, err);
}

medsec_err sdb_query(struct sdb *db, const char *sql, const struct sdb_val *p, size_t n,
                     struct sdb_rows **out, struct medsec_error *err)
{
    *out = NULL;
    return db->ops->query(db, sql, p, n, out, err);
}

int sdb_step(struct sdb_rows *r, struct medsec_error *err)
{
    return r->ops->step(r, err);
}

size_t sdb_columns(const struct sdb_rows *r)
{
    return r->ops->columns(r);
}

int sdb_is_null(const struct sdb_rows *r, size_t col)
{
    return r->ops->is_null(r, col);
}

int64_t sdb_int(const struct sdb_rows *r, size_t col)
{
    return r->ops->get_int(r, col);
}

const char *sdb_text(const struct sdb_rows *r, size_t col)
{
    return r->ops->get_text(r, col);
}

void sdb_rows_free(struct sdb_rows *r)
{
    if (r)
        r->ops->rows_free(r);
}

medsec_err sdb_query_int(struct sdb *db, const char *sql, const struct sdb_val *p, size_t n,
                         int64_t *out, struct medsec_error *err)
{
    struct sdb_rows *r;
    *out = 0;
    medsec_err e = sdb_query(db, sql, p, n, &r, err);
    if (e)
        return e;
    int s = sdb_step(r, err);
    if (s > 0)
        *out = sdb_int(r, 0);
    sdb_rows_free(r);
    if (s < 0)
        return err && err->code ? err->code : MEDSEC_EDB;
    if (s == 0) {
        char q[SDB_SQL_QUOTE + 8];
        return medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0, "no row from: %s",
                                sdb_quote_sql(sql, q, sizeof q));
    }
    return MEDSEC_OK;
}

medsec_err sdb_insert_id(struct sdb *db, const char *sql, const struct sdb_val *p, size_t n,
                         int64_t *id, struct medsec_error *err)
{
    size_t len = strlen(sql);
    while (len && (sql[len - 1] == ';' || sql[len - 1] == ' ' || sql[len - 1] == '\n' ||
                   sql[len - 1] == '\t' || sql[len - 1] == '\r'))
        len--;
    char small[512];
    char *q = small;
    if (len + 14 > sizeof small) {
        q = medsec_malloc(len + 14);
        if (!q)
            return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    memcpy(q, sql, len);
    memcpy(q + len, " RETURNING id", 14);
    medsec_err e = sdb_query_int(db, q, p, n, id, err);
    if (q != small)
        medsec_free(q);
    return e;
}

medsec_err sdb_begin(struct sdb *db, struct medsec_error *err)
{
    if (db->in_tx)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0,
                                "database: a transaction is already open (nested sdb_begin)");
    medsec_err e = db->ops->exec(db, db->ops->begin_sql, NULL, 0, NULL, err);
    if (!e)
        db->in_tx = 1;
    return e;
}

medsec_err sdb_commit(struct sdb *db, struct medsec_error *err)
{
    if (!db->in_tx)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0,
                                "database: commit without a transaction");
    medsec_err e = db->ops->exec(db, "COMMIT", NULL, 0, NULL, err);
    if (e) {
        sdb_rollback(db);
        return e;
    }
    db->in_tx = 0;
    return MEDSEC_OK;
}

int sdb_in_tx(const struct sdb *db)
{
    return db->in_tx;
}

void sdb_rollback(struct sdb *db)
{
    if (!db || !db->in_tx)
        return;
    db->ops->exec(db, "ROLLBACK", NULL, 0, NULL, NULL);
    db->in_tx = 0;
}

/* One migration step: in its own transaction, applied only when nobody applied it meanwhile. */
static medsec_err migrate_step(struct sdb *db, const char *module, const struct sdb_migration *m,
                               size_t i, struct medsec_error *err)
{
    medsec_err e = sdb_begin(db, err);
    if (e)
        return e;
    int64_t done = 0;
    struct sdb_val p[3] = {SDB_S(module), SDB_I(i), SDB_I(0)};
    e = sdb_query_int(db, "SELECT COUNT(*) FROM sdb_migrations WHERE module = $1 AND step = $2", p,
                      2, &done, err);
    if (e)
        goto out_rollback;
    if (done) {
        sdb_rollback(db);
        return MEDSEC_OK;
    }
    const char *sql = db->kind == SDB_POSTGRES && m->sql_postgres ? m->sql_postgres : m->sql_sqlite;
    if (sql && *sql) {
        e = sdb_script(db, sql, err);
        if (e) {
            if (err) {
                char msg[sizeof err->msg];
                snprintf(msg, sizeof msg, "%s", err->msg);
                medsec_error_set(err, e, NULL, 0, 0, "migration %s step %zu: %s", module, i, msg);
            }
            goto out_rollback;
        }
    }
    p[2] = SDB_I(time(NULL));
    e = sdb_exec(db, "INSERT INTO sdb_migrations (module, step, applied_at) VALUES ($1, $2, $3)", p,
                 3, NULL, err);
    if (e)
        goto out_rollback;
    return sdb_commit(db, err);
out_rollback:
    sdb_rollback(db);
    return e;
}

/* PostgreSQL: one advisory lock (a constant key, "medsec migrate") serialises the migrations of
 * every server starting against one database. */
#define SDB_PG_MIGRATE_LOCK "7310597083209281107"

medsec_err sdb_migrate(struct sdb *db, const char *module, const struct sdb_migration *steps,
                       size_t n, struct medsec_error *err)
{
    if (!module || !*module)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "migration: no module name");
    if (db->in_tx)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0,
                                "migration %s: called inside a transaction", module);
    medsec_err e;
    if (db->kind == SDB_POSTGRES) {
        e = sdb_exec(db, "SELECT pg_advisory_lock(" SDB_PG_MIGRATE_LOCK ")", NULL, 0, NULL, err);
        if (e)
            return e;
    }
    e = sdb_script(db,
                   "CREATE TABLE IF NOT EXISTS sdb_migrations (module TEXT NOT NULL, step INTEGER "
                   "NOT NULL, applied_at BIGINT NOT NULL, PRIMARY KEY (module, step))",
                   err);
    if (e)
        goto out_unlock;
    int64_t top = 0;
    struct sdb_val p = SDB_S(module);
    e = sdb_query_int(db, "SELECT COALESCE(MAX(step), 0) FROM sdb_migrations WHERE module = $1", &p,
                      1, &top, err);
    if (e)
        goto out_unlock;
    if (top > (int64_t)n) {
        e = medsec_error_set(err, MEDSEC_EUNSUPPORTED, NULL, 0, 0,
                             "database schema of %s is at step %lld, this medsec knows %zu: made "
                             "by a newer medsec",
                             module, (long long)top, n);
        goto out_unlock;
    }
    for (size_t i = (size_t)top + 1; i <= n; i++) {
        e = migrate_step(db, module, &steps[i - 1], i, err);
        if (e)
            goto out_unlock;
    }
out_unlock:
    if (db->kind == SDB_POSTGRES)
        sdb_exec(db, "SELECT pg_advisory_unlock(" SDB_PG_MIGRATE_LOCK ")", NULL, 0, NULL,
                 e ? NULL : err);
    return e;
}
