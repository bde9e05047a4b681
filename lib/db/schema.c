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
    /* 4: what `db update` verified about each file it imported (the feed's source, the checks that
     * passed, the digest it matched); readers of schema 2 and 3 files do without */
    "ALTER TABLE feed ADD COLUMN source TEXT;"
    "ALTER TABLE feed ADD COLUMN verified TEXT;"
    "ALTER TABLE feed ADD COLUMN digest TEXT;",
    /* 5: the NVD CPE dictionary's product references (cpedict.c): a component's download, website
     * or VCS URL derives its CPE from them; readers of schema 2-4 files do without */
    ("CREATE TABLE cpe_ref(host TEXT NOT NULL, path TEXT NOT NULL, cpe TEXT NOT NULL,"
     " PRIMARY KEY(host, path, cpe)) WITHOUT ROWID;"),
};

/* The oldest schema a read-only open accepts: later steps only add what readers can do without. */
#define MIN_READ_SCHEMA 2

/* What SQLite's result @ext (an extended code) says, as the one error enum: what the file is (not a
 * database, damaged) is bad input, what could not be done to the file (opened, read, written: a
 * full disk, no permission, an I/O error) is EIO, the rest is the database's (docs/exit-codes.md).
 */
static medsec_err db_code(int ext)
{
    if (ext == SQLITE_IOERR_NOMEM)
        return MEDSEC_ENOMEM;
    switch (ext & 0xff) {
    case SQLITE_NOMEM: return MEDSEC_ENOMEM;
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
    case SQLITE_FORMAT: return MEDSEC_EPARSE;
    case SQLITE_CANTOPEN:
    case SQLITE_PERM:
    case SQLITE_READONLY:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_AUTH: return MEDSEC_EIO;
    default: return MEDSEC_EDB;
    }
}

/* A hint after SQLite's message, for the errors a user can do something about. */
static const char *db_hint(int ext)
{
    switch (ext & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return " (another process is writing the database, an import or update: try again when it"
               " has finished)";
    case SQLITE_FULL: return " (free space on its disk, then run the import again)";
    case SQLITE_CORRUPT:
        return " (the file is damaged: `medsec db check` tells more; move it away and import again)";
    default: return "";
    }
}

medsec_err db_fail(struct medsec_db *db, struct medsec_error *err, const char *what)
{
    int ext = db && db->h ? sqlite3_extended_errcode(db->h) : SQLITE_ERROR;
    const char *msg = db && db->h ? sqlite3_errmsg(db->h) : "no database";
    return medsec_error_set(err, db_code(ext), db ? db->path : NULL, 0, 0, "%s: %s%s", what, msg,
                            db_hint(ext));
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

const char db_unfinished_msg[] =
    "no import into this database has completed (the first import or update was interrupted,"
    " failed, or is still running): run `medsec db import PATH...` or `medsec db update` again";

const char *medsec_db_unfinished_msg(void)
{
    return db_unfinished_msg;
}

static medsec_err migrate(struct medsec_db *db, unsigned flags, struct medsec_error *err)
{
    sqlite3_stmt *s = NULL;
    int have = 0;
    if (sqlite3_prepare_v2(db->h, "PRAGMA user_version", -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, err, "reading the schema version");
    int sr = sqlite3_step(s);
    if (sr == SQLITE_ROW)
        have = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (sr != SQLITE_ROW)
        return db_fail(db, err, "reading the schema version");
    db->schema = have;
    int want = (int)(sizeof migrations / sizeof migrations[0]);
    if (have > want)
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, db->path, 0, 0,
                                "database schema %d is newer than this medsec (%d)", have, want);
    if (have == want)
        return MEDSEC_OK;
    /* an empty file: a first import that did not get as far as its schema */
    if (db->readonly && have == 0)
        return flags & MEDSEC_DB_UNFINISHED
                   ? MEDSEC_OK
                   : medsec_error_set(err, MEDSEC_EINVAL, db->path, 0, 0, "%s", db_unfinished_msg);
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
    if (!rc)
        db->schema = want;
    return rc;
}

/* Has an import into the file completed? Every import stamps last_import in its own transaction, so
 * the stamp is there exactly when one has committed. */
static medsec_err read_complete(struct medsec_db *db, struct medsec_error *err)
{
    db->complete = false;
    if (db->schema == 0)
        return MEDSEC_OK;
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db->h, "SELECT 1 FROM meta WHERE key = 'last_import' AND value <> ''",
                           -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, err, "reading the import state");
    int sr = sqlite3_step(s);
    sqlite3_finalize(s);
    if (sr != SQLITE_ROW && sr != SQLITE_DONE)
        return db_fail(db, err, "reading the import state");
    db->complete = sr == SQLITE_ROW;
    return MEDSEC_OK;
}

/* Open @db->h as @oflags and read the schema (the first read of the file). */
static int open_and_read(struct medsec_db *db, int oflags)
{
    if (sqlite3_open_v2(db->path, &db->h, oflags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        return sqlite3_extended_errcode(db->h);
    sqlite3_busy_timeout(db->h, 5000);
    return sqlite3_exec(db->h, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) == SQLITE_OK
               ? SQLITE_OK
               : sqlite3_extended_errcode(db->h);
}

/*
 * A process killed while it wrote the file (an import's commit) leaves a "hot" rollback journal
 * that the next opener must play back, which a read-only handle cannot do: SQLite refuses it with
 * "attempt to write a readonly database". Open the file writable once, which plays the journal back
 * (restoring the last committed state; SQLite does so only when no writer holds the file), then
 * read-only again.
 */
static medsec_err open_read_only(struct medsec_db *db, struct medsec_error *err)
{
    int ext = open_and_read(db, SQLITE_OPEN_READONLY);
    if (ext == SQLITE_READONLY_ROLLBACK || ext == SQLITE_READONLY_RECOVERY) {
        sqlite3_close(db->h);
        db->h = NULL;
        ext = open_and_read(db, SQLITE_OPEN_READWRITE);
        if (ext != SQLITE_OK) {
            medsec_error_set(err, MEDSEC_EIO, db->path, 0, 0,
                             "an interrupted import left a journal (%s-journal) that must be rolled"
                             " back first, which needs write access to the file and its folder: %s",
                             db->path, db->h ? sqlite3_errmsg(db->h) : "cannot open");
            return MEDSEC_EIO;
        }
        sqlite3_close(db->h);
        db->h = NULL;
        ext = open_and_read(db, SQLITE_OPEN_READONLY);
    }
    return ext == SQLITE_OK ? MEDSEC_OK : db_fail(db, err, "cannot open database");
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
    medsec_err rc;
    if (db->readonly) {
        rc = open_read_only(db, err);
    } else if (sqlite3_open_v2(path, &db->h,
                               SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                               NULL) != SQLITE_OK) {
        rc = db_fail(db, err, "cannot open database");
    } else {
        sqlite3_busy_timeout(db->h, 5000);
        rc = MEDSEC_OK;
    }
    /* a new file gets 16 KiB pages (an existing one keeps its own): a first import of everything
     * writes a quarter of the pages and b-tree splits, and runs in about 0.8 of the time it takes
     * with 4 KiB pages; lookups are as fast (bench/scan.sh). Set before the cache size: the other
     * way round a first import peaked at 330 MB instead of 160 (measured). */
    if (!rc)
        rc = db_exec(
            db,
            "PRAGMA page_size=16384; PRAGMA foreign_keys=OFF; PRAGMA cache_size=-" DB_CACHE_KIB_TEXT
            "; PRAGMA temp_store=MEMORY",
            err);
    if (!rc && !db->readonly)
        rc = db_exec(db, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL", err);
    /* lookups touch scattered pages: map the file instead of copying pages through read() */
    if (!rc && db->readonly)
        rc = db_exec(db, "PRAGMA mmap_size=1073741824", err);
    if (!rc)
        rc = migrate(db, flags, err);
    if (!rc)
        rc = read_complete(db, err);
    /* the readers: a file no import has completed into would answer every lookup with nothing */
    if (!rc && db->readonly && !db->complete && !(flags & MEDSEC_DB_UNFINISHED))
        rc = medsec_error_set(err, MEDSEC_EINVAL, db->path, 0, 0, "%s", db_unfinished_msg);
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
    db_coverage_release(db);
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
