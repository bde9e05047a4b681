/* sdb_int.h: what sdb.c shares with its two backends (sdb_sqlite.c, sdb_pg.c). Not a public
 * header: modules use sdb.h only. */
#ifndef MEDSEC_SERVER_SDB_INT_H
#define MEDSEC_SERVER_SDB_INT_H

#include "sdb.h"

/* The operations each backend provides; sdb.c checks arguments and transaction state around
 * them. */
struct sdb_ops {
    void (*close)(struct sdb *db);
    medsec_err (*exec)(struct sdb *db, const char *sql, const struct sdb_val *p, size_t n,
                       int64_t *changes, struct medsec_error *err);
    medsec_err (*script)(struct sdb *db, const char *sql, struct medsec_error *err);
    medsec_err (*query)(struct sdb *db, const char *sql, const struct sdb_val *p, size_t n,
                        struct sdb_rows **out, struct medsec_error *err);
    int (*step)(struct sdb_rows *r, struct medsec_error *err);
    size_t (*columns)(const struct sdb_rows *r);
    int (*is_null)(const struct sdb_rows *r, size_t col);
    int64_t (*get_int)(const struct sdb_rows *r, size_t col);
    const char *(*get_text)(const struct sdb_rows *r, size_t col);
    void (*rows_free)(struct sdb_rows *r);
    const char *begin_sql;
};

/* The head of every backend's connection and row set. */
struct sdb {
    enum sdb_kind kind;
    const struct sdb_ops *ops;
    int in_tx;
    char *url; /* as opened (sdb.c) */
};
struct sdb_rows {
    const struct sdb_ops *ops;
};

/* Longest SQL text quoted in an error message. */
#define SDB_SQL_QUOTE 120

medsec_err sdb_sqlite_open(struct sdb **out, const char *path, struct medsec_error *err);
medsec_err sdb_pg_open(struct sdb **out, const char *url, struct medsec_error *err);

/* "the statement's first words" for error messages: at most SDB_SQL_QUOTE bytes of @sql, on
 * one line, into @buf. */
const char *sdb_quote_sql(const char *sql, char *buf, size_t cap);

#endif
