/* schema.c: opening the database file under the caller's context, the schema and its migrations
 * (PRAGMA user_version), the statement cache, and small helpers. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "medsec/alloc.h"

/* Migration N brings a file from user_version N-1 to N. Never edit a shipped step: add one. */
static const char *const migrations[] = {
    /* 1: the first schema (docs/db.md) */
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID;"
    "CREATE TABLE feed(url TEXT PRIMARY KEY, etag TEXT, last_modified TEXT, fetched TEXT) WITHOUT ROWID;"
    "CREATE TABLE advisory(id INTEGER PRIMARY KEY, source TEXT NOT NULL, record_id TEXT NOT NULL,"
    " origin TEXT NOT NULL, title TEXT, published TEXT, modified TEXT, hash INTEGER NOT NULL,"
    " imported TEXT NOT NULL, UNIQUE(source, record_id));"
    "CREATE INDEX advisory_hash ON advisory(hash);"
    "CREATE TABLE entry(id INTEGER PRIMARY KEY, advisory INTEGER NOT NULL, name TEXT NOT NULL, vuln INTEGER,"
    " summary TEXT, details TEXT, published TEXT, modified TEXT, withdrawn TEXT, cwes TEXT, refs TEXT);"
    "CREATE INDEX entry_advisory ON entry(advisory);"
    "CREATE INDEX entry_vuln ON entry(vuln);"
    "CREATE TABLE entry_alias(entry INTEGER NOT NULL, name TEXT NOT NULL, PRIMARY KEY(entry, name)) WITHOUT ROWID;"
    "CREATE TABLE score(entry INTEGER NOT NULL, seq INTEGER NOT NULL, type TEXT, vector TEXT, score REAL,"
    " scored_by TEXT, PRIMARY KEY(entry, seq)) WITHOUT ROWID;"
    "CREATE TABLE remediation(entry INTEGER NOT NULL, seq INTEGER NOT NULL, category TEXT, details TEXT,"
    " url TEXT, products TEXT, PRIMARY KEY(entry, seq)) WITHOUT ROWID;"
    "CREATE TABLE affected(entry INTEGER NOT NULL, seq INTEGER NOT NULL, purl_type TEXT NOT NULL,"
    " purl_ns TEXT NOT NULL, purl_name TEXT NOT NULL, purl TEXT, ecosystem TEXT, scheme TEXT NOT NULL,"
    " ranges TEXT NOT NULL, versions TEXT, fixed TEXT, status TEXT NOT NULL, flags INTEGER NOT NULL,"
    " vendor TEXT, product TEXT, product_id TEXT, cpe TEXT, PRIMARY KEY(entry, seq)) WITHOUT ROWID;"
    "CREATE INDEX affected_key ON affected(purl_type, purl_ns, purl_name);"
    "CREATE TABLE cpe_node(entry INTEGER NOT NULL, config INTEGER NOT NULL, node INTEGER NOT NULL,"
    " parent INTEGER NOT NULL, op TEXT NOT NULL, negate INTEGER NOT NULL,"
    " PRIMARY KEY(entry, config, node)) WITHOUT ROWID;"
    "CREATE TABLE cpe_match(entry INTEGER NOT NULL, config INTEGER NOT NULL, node INTEGER NOT NULL,"
    " seq INTEGER NOT NULL, vulnerable INTEGER NOT NULL, key TEXT NOT NULL, criteria TEXT NOT NULL,"
    " vsi TEXT, vse TEXT, vei TEXT, vee TEXT, PRIMARY KEY(entry, config, node, seq)) WITHOUT ROWID;"
    "CREATE INDEX cpe_match_key ON cpe_match(key);"
    "CREATE TABLE kev(cve TEXT PRIMARY KEY, vendor TEXT, product TEXT, name TEXT, description TEXT,"
    " date_added TEXT, due_date TEXT, ransomware TEXT, action TEXT, notes TEXT, origin TEXT, hash INTEGER)"
    " WITHOUT ROWID;"
    "CREATE TABLE epss(cve TEXT PRIMARY KEY, score REAL NOT NULL, percentile REAL NOT NULL, date TEXT,"
    " origin TEXT) WITHOUT ROWID;"
    "CREATE TABLE vuln(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);"
    "CREATE TABLE alias(name TEXT PRIMARY KEY, vuln INTEGER NOT NULL) WITHOUT ROWID;",
    /* 2: CSAF products without purl or CPE are found by product name (the matcher's third path);
     * an identity's aliases are read by identity (the matcher's details) */
    "CREATE INDEX IF NOT EXISTS affected_product ON affected(lower(product)) WHERE product IS NOT NULL;"
    "CREATE INDEX IF NOT EXISTS alias_vuln ON alias(vuln);"
    /* exact-version criteria carry their version key ('' for ranges and wildcards): the matcher
     * reads only the criteria that can name its version (a re-import fills the column of older
     * files) */
    "ALTER TABLE cpe_match ADD COLUMN ver TEXT NOT NULL DEFAULT '';"
    "DROP INDEX IF EXISTS cpe_match_key;"
    "CREATE INDEX cpe_match_key ON cpe_match(key, ver);",
    /* 3: Bloom filters of the lookup keys, rebuilt by every import (filter.c); readers of schema 2
     * files do without */
    ("CREATE TABLE filter(name TEXT PRIMARY KEY, stamp TEXT NOT NULL, keys INTEGER NOT NULL, bits BLOB NOT NULL)"
     " WITHOUT ROWID;"),
};

/* The oldest schema a read-only open accepts: later steps only add what readers can do without. */
#define MIN_READ_SCHEMA 2

medsec_err db_fail(struct medsec_db *db, struct medsec_error *err, const char *what)
{
    int code = db && db->h ? sqlite3_errcode(db->h) : SQLITE_ERROR;
    const char *msg = db && db->h ? sqlite3_errmsg(db->h) : "no database";
    /* what the file is (not a database, damaged) is bad input; what happened to it is the
     * database's */
    medsec_err rc = code == SQLITE_NOMEM                              ? MEDSEC_ENOMEM
                    : code == SQLITE_NOTADB || code == SQLITE_CORRUPT ? MEDSEC_EPARSE
                    : code == SQLITE_CANTOPEN                         ? MEDSEC_EIO
                                                                      : MEDSEC_EDB;
    return medsec_error_set(err, rc, db ? db->path : NULL, 0, 0, "%s: %s", what, msg);
}

medsec_err db_exec(struct medsec_db *db, const char *sql, struct medsec_error *err)
{
    if (sqlite3_exec(db->h, sql, NULL, NULL, NULL) != SQLITE_OK)
        return db_fail(db, err, "SQL failed");
    return MEDSEC_OK;
}

sqlite3_stmt *db_stmt(struct medsec_db *db, enum db_stmt_id id, const char *sql)
{
    sqlite3_stmt *s = db->st[id];
    if (!s) {
        if (sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &db->st[id], NULL) !=
            SQLITE_OK)
            return NULL;
        return db->st[id];
    }
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
    return s;
}

medsec_err db_meta_set(struct medsec_db *db, const char *key, const char *value,
                       struct medsec_error *err)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db->h, "INSERT OR REPLACE INTO meta(key, value) VALUES(?, ?)", -1, &s,
                           NULL) != SQLITE_OK)
        return db_fail(db, err, "meta");
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, value, -1, SQLITE_STATIC);
    int rc = sqlite3_step(s);
    sqlite3_finalize(s);
    return rc == SQLITE_DONE ? MEDSEC_OK : db_fail(db, err, "meta");
}

static medsec_err migrate(struct medsec_db *db, struct medsec_error *err)
{
    sqlite3_stmt *s = NULL;
    int have = 0;
    if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, err, "reading the schema version");
    if (sqlite3_step(s) == SQLITE_ROW)
        have = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    int want = (int)(sizeof migrations / sizeof migrations[0]);
    if (have > want)
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, db->path, 0, 0,
                                "database schema %d is newer than this medsec (%d)", have, want);
    if (have == want)
        return MEDSEC_OK;
    if (db->readonly && have >= MIN_READ_SCHEMA)
        return MEDSEC_OK;
    if (db->readonly)
        return medsec_error_set(
            err, MEDSEC_EUNSUPPORTED, db->path, 0, 0,
            "database schema %d needs migrating to %d: open it writable (medsec db import)", have,
            want);
    medsec_err rc = db_exec(db, "BEGIN IMMEDIATE", err);
    for (int v = have; !rc && v < want; v++) {
        rc = db_exec(db, migrations[v], err);
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version = %d", v + 1);
        if (!rc)
            rc = db_exec(db, sql, err);
    }
    if (!rc)
        rc = db_exec(db, "COMMIT", err);
    else
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

medsec_err medsec_db_open(const struct medsec_ctx *ctx, const char *path, unsigned flags,
                          struct medsec_db **out, struct medsec_error *err)
{
    DB_CTX_ENTER(ctx);
    *out = NULL;
    struct medsec_db *db = medsec_calloc(1, sizeof *db);
    if (!db || !(db->path = medsec_strdup(path))) {
        medsec_free(db);
        return medsec_error_set(err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
    }
    db->ctx = ctx;
    db->readonly = flags & MEDSEC_DB_READONLY;
    int oflags = db->readonly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
    medsec_err rc;
    if (sqlite3_open_v2(path, &db->h, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        rc = db_fail(db, err, "cannot open database");
        goto out_close;
    }
    sqlite3_busy_timeout(db->h, 5000);
    rc = db_exec(db, "PRAGMA foreign_keys=OFF; PRAGMA cache_size=-65536; PRAGMA temp_store=MEMORY",
                 err);
    if (!rc && !db->readonly)
        rc = db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", err);
    /* lookups touch scattered pages: map the file instead of copying pages through read() */
    if (!rc && db->readonly)
        rc = db_exec(db, "PRAGMA mmap_size=1073741824", err);
    if (!rc)
        rc = migrate(db, err);
    if (rc)
        goto out_close;
    *out = db;
    return MEDSEC_OK;
out_close:
    medsec_db_close(db);
    return rc;
}

void medsec_db_close(struct medsec_db *db)
{
    if (!db)
        return;
    DB_CTX_ENTER(db->ctx);
    for (size_t i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(db->st[i]);
    db_filters_release(db);
    if (db->h)
        sqlite3_close(db->h);
    medsec_free(db->path);
    medsec_free(db);
}

medsec_err medsec_db_make_parent(const char *path, struct medsec_error *err)
{
    char buf[4096];
    if (snprintf(buf, sizeof buf, "%s", path) >= (int)sizeof buf)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "path too long");
    for (char *p = buf + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0755) != 0 && errno != EEXIST)
            return medsec_error_set(err, MEDSEC_EIO, buf, 0, 0, "cannot create folder: %s",
                                    strerror(errno));
        *p = '/';
    }
    return MEDSEC_OK;
}
