/* sdb.h: the server's one storage interface. A thin, portable SQL layer with two backends: an
 * embedded SQLite file (the default) and PostgreSQL through libpq (one database for several
 * servers). Every module of the server writes portable SQL against it:
 *   - parameters are written $1, $2 ... in both dialects (the SQLite backend binds them by number);
 *   - values travel as text or 64-bit integers (NULL allowed); booleans are integers 0/1; times are
 *     integers, seconds since the Unix epoch (UTC);
 *   - identity columns: `id INTEGER PRIMARY KEY` in SQLite and `id BIGSERIAL PRIMARY KEY` in
 *     PostgreSQL; use sdb_insert_id to insert a row and get its id (it adds RETURNING id).
 * Schema changes are migrations, numbered per module, kept in a table of their own; each module
 * gives its statements for both dialects where they differ. Nothing here prints or exits. */
#ifndef MEDSEC_SERVER_SDB_H
#define MEDSEC_SERVER_SDB_H

#include <stddef.h>
#include <stdint.h>

#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum sdb_kind { SDB_SQLITE = 1, SDB_POSTGRES = 2 };

struct sdb; /* one connection; not shared between threads (open one per thread) */

/* A parameter or a column value. */
enum sdb_type { SDB_NULL = 0, SDB_INT, SDB_TEXT };
struct sdb_val {
    enum sdb_type type;
    int64_t i;     /* SDB_INT */
    const char *s; /* SDB_TEXT: NUL-terminated */
};
#define SDB_I(v) ((struct sdb_val){.type = SDB_INT, .i = (int64_t)(v)})
/* NULL gives SQL NULL; the test is a function so that a char array argument does not trip
 * -Waddress, and SDB_S stays a compound literal (its address may be taken) */
static inline enum sdb_type sdb_text_type(const char *s)
{
    return s ? SDB_TEXT : SDB_NULL;
}
#define SDB_S(v) ((struct sdb_val){.type = sdb_text_type(v), .s = (v)})
#define SDB_NUL ((struct sdb_val){.type = SDB_NULL})

/* Open @url: "sqlite:PATH" (or a plain path) for SQLite, "postgresql://..." or "postgres://..."
 * (a libpq connection URI) for PostgreSQL. SQLite: WAL journal, foreign keys on, a busy timeout. */
medsec_err sdb_open(struct sdb **out, const char *url, struct medsec_error *err);
void sdb_close(struct sdb *db);
enum sdb_kind sdb_kind(const struct sdb *db);
/* The URL the connection was opened with (connections with the same URL reach the same
 * database); NULL when it could not be kept. */
const char *sdb_url(const struct sdb *db);

/* Run one statement with @n parameters and no result rows (or ignore them). *@changes (may be
 * NULL) gets the number of rows changed. */
medsec_err sdb_exec(struct sdb *db, const char *sql, const struct sdb_val *p, size_t n,
                    int64_t *changes, struct medsec_error *err);
/* Run several statements without parameters (schema scripts). */
medsec_err sdb_script(struct sdb *db, const char *sql, struct medsec_error *err);
/* INSERT one row and give its `id` (the statement must not end in RETURNING). */
medsec_err sdb_insert_id(struct sdb *db, const char *sql, const struct sdb_val *p, size_t n,
                         int64_t *id, struct medsec_error *err);

/* Queries: run, then step through the rows; column values stay valid until the next step or
 * sdb_rows_free. */
struct sdb_rows;
medsec_err sdb_query(struct sdb *db, const char *sql, const struct sdb_val *p, size_t n,
                     struct sdb_rows **out, struct medsec_error *err);
/* 1: a row is there; 0: no more rows; <0: an error (then @err is filled). */
int sdb_step(struct sdb_rows *r, struct medsec_error *err);
size_t sdb_columns(const struct sdb_rows *r);
int sdb_is_null(const struct sdb_rows *r, size_t col);
int64_t sdb_int(const struct sdb_rows *r, size_t col);      /* 0 for NULL */
const char *sdb_text(const struct sdb_rows *r, size_t col); /* NULL for NULL */
void sdb_rows_free(struct sdb_rows *r);

/* One integer from the first row of a query; MEDSEC_ENOTFOUND when there is no row. */
medsec_err sdb_query_int(struct sdb *db, const char *sql, const struct sdb_val *p, size_t n,
                         int64_t *out, struct medsec_error *err);

/* Transactions (SQLite: BEGIN IMMEDIATE). Nested calls are an error. */
medsec_err sdb_begin(struct sdb *db, struct medsec_error *err);
medsec_err sdb_commit(struct sdb *db, struct medsec_error *err);
void sdb_rollback(struct sdb *db);
/* 1 while a transaction opened by sdb_begin is open: a module's operation that needs one opens
 * its own only when its caller has none, so that it joins the caller's (and its srv_audit). */
int sdb_in_tx(const struct sdb *db);

/* Migrations of one module: step i (1-based) is @steps[i-1]; sql_sqlite / sql_postgres are scripts
 * (sql_postgres NULL: the same as sql_sqlite). Applies the steps not yet applied, each in its own
 * transaction, and records them in table sdb_migrations(module, step, applied_at). A database whose
 * recorded step for @module is above @n (made by a newer medsec) is refused with
 * MEDSEC_EUNSUPPORTED. */
struct sdb_migration {
    const char *sql_sqlite;
    const char *sql_postgres;
};
medsec_err sdb_migrate(struct sdb *db, const char *module, const struct sdb_migration *steps,
                       size_t n, struct medsec_error *err);

#ifdef __cplusplus
}
#endif
#endif
