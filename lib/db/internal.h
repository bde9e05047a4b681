/* internal.h: the database handle and the statement cache shared by the db module's files. */
#ifndef MEDSEC_DB_INTERNAL_H
#define MEDSEC_DB_INTERNAL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stdint.h>

#include "medsec/ctx.h"
#include "medsec/db.h"

enum db_stmt_id {
    ST_ADV_FIND,
    ST_ADV_INSERT,
    ST_ADV_UPDATE,
    ST_ADV_HASH,
    ST_ENTRIES_OF,
    ST_DEL_AFFECTED,
    ST_DEL_SCORE,
    ST_DEL_REM,
    ST_DEL_ALIAS,
    ST_DEL_NODE,
    ST_DEL_MATCH,
    ST_DEL_ENTRIES,
    ST_ENTRY_INSERT,
    ST_ALIAS_INSERT,
    ST_SCORE_INSERT,
    ST_REM_INSERT,
    ST_AFF_INSERT,
    ST_NODE_INSERT,
    ST_MATCH_INSERT,
    ST_KEV_UPSERT,
    ST_EPSS_UPSERT,
    ST_Q_AFFECTED,
    ST_Q_AFF_PRODUCT,
    ST_Q_CPE,
    ST_Q_CPE_FAST,
    ST_Q_CPE_VER,
    ST_Q_ENTRY,
    ST_Q_NODES,
    ST_Q_CPE_REF,
    ST_Q_MATCHES,
    ST_Q_ALIAS,
    ST_V_ALIASES,
    ST_V_ENTRIES,
    ST_V_SCORES,
    ST_V_FIXED,
    ST_V_KEV,
    ST_V_EPSS,
    ST_COUNT
};

/* Bloom filters of the lookup keys (filter.c). */
enum db_filter_id { DB_FILTER_CPE, DB_FILTER_PURL, DB_FILTER_PRODUCT, DB_FILTER_COUNT };
struct db_filter {
    unsigned char *bits; /* NULL: no filter, every key may be there */
    uint64_t nbits;      /* a power of two */
};

struct medsec_db {
    const struct medsec_ctx
        *ctx; /* the opener's context (NULL: the default), in force in every call */
    sqlite3 *h;
    char *path;
    bool readonly;
    int schema;    /* PRAGMA user_version after opening (0: an empty file, read-only) */
    bool complete; /* an import has completed into the file (meta last_import is set) */
    sqlite3_stmt *st[ST_COUNT];
    struct db_filter filters[DB_FILTER_COUNT];
    bool filters_loaded;
    struct medsec_db_coverage coverage; /* medsec_db_coverage's, read once (coverage.c) */
    bool coverage_loaded;
};

/*
 * Run the rest of the enclosing function under context @ctx: enter it here and leave it again when
 * the function returns, by whichever return (the variable's cleanup handler, a gcc and clang
 * extension, runs after the return value is computed; "unused" only quiets clang, which does not
 * count the cleanup as a use). The first statement of every public function on a handle:
 *
 *     DB_CTX_ENTER(db->ctx);
 */
static inline void db_ctx_leave_(const struct medsec_ctx *const *prev)
{
    medsec_ctx_leave(*prev);
}
#define DB_CTX_ENTER(ctx)                                                                          \
    const struct medsec_ctx *const db_ctx_prev_ __attribute__((cleanup(db_ctx_leave_), unused)) =  \
        medsec_ctx_enter(ctx)

/* Rebuild every key filter from the tables (inside the import's transaction), stamped @stamp (the
 * import's last_import time): a filter whose stamp is not the database's last_import is not used.
 */
medsec_err db_filters_build(struct medsec_db *db, const char *stamp, struct medsec_error *err);
/* Count what the database covers into meta `coverage` (inside the import's transaction), stamped
 * @stamp like the filters; and forget the handle's copy. */
medsec_err db_coverage_build(struct medsec_db *db, const char *stamp, struct medsec_error *err);
void db_coverage_release(struct medsec_db *db);
/* False only when @key (@len bytes) is certainly not in the table behind filter @id. */
bool db_filter_may_have(struct medsec_db *db, enum db_filter_id id, const char *key, size_t len);
void db_filters_release(struct medsec_db *db);
/* For each filter in use, name[k] and how many keys of its table it would hide (missing[k], 0 for a
 * sound filter); a filter not in use hides none. */
medsec_err db_filters_check(struct medsec_db *db, const char **name,
                            size_t missing[DB_FILTER_COUNT], struct medsec_error *err);

/* The cached statement @id (prepared from @sql on first use), reset and with bindings cleared. */
sqlite3_stmt *db_stmt(struct medsec_db *db, enum db_stmt_id id, const char *sql);
/* Fill @err with the SQLite message; returns MEDSEC_EDB (or ENOMEM for SQLITE_NOMEM). */
medsec_err db_fail(struct medsec_db *db, struct medsec_error *err, const char *what);
/* The message of a file no import has completed into, and how to fix it. */
extern const char db_unfinished_msg[];
/* Run SQL without results. */
medsec_err db_exec(struct medsec_db *db, const char *sql, struct medsec_error *err);
medsec_err db_meta_set(struct medsec_db *db, const char *key, const char *value,
                       struct medsec_error *err);
/* The names of a first import's entries as they are stored (merge.c): each entry is stored with
 * the identity its own name would have alone, so the merge rewrites only the entries whose set
 * another name heads. */
struct db_names;
struct db_names *db_names_new(void);
void db_names_free(struct db_names *t);
/* The identity (vuln id) entry name @name gets when it heads its set; 0 when memory ran out. */
sqlite3_int64 db_names_vuln(struct db_names *t, const char *name);
/* Rebuild vuln/alias from entry names and aliases (union-find); *count = identities. An identity's
 * id is its canonical name's number in @names (the names of a first import's entries in the order
 * they were stored, then the aliases; NULL: a new numbering, the entries' names first in id
 * order); only the entries whose id changes are rewritten. */
medsec_err db_merge_identities(struct medsec_db *db, struct db_names *names, size_t *count,
                               struct medsec_error *err);

/* ---- what a feed publishes about its files (verify.c) ---- */

/* Does the digest file @text (@n bytes: "HEX" or "HEX  name") give @digest (@dlen bytes)? Compared
 * in constant time. */
bool db_digest_file_matches(const char *text, size_t n, const unsigned char *digest, size_t dlen);
/* An NVD 1.1 feed's .meta: the sha256 of the inflated feed, its size and the .gz size (-1 when not
 * given). False when it gives no sha256. */
struct db_nvd_meta {
    unsigned char sha256[32];
    long long size, gz_size;
};
bool db_nvd_meta_parse(const char *text, size_t n, struct db_nvd_meta *m);
/* The sha256 and size of gzip data @gz inflated (at most @max bytes). EPARSE when it is not gzip.
 */
medsec_err db_gunzip_sha256(const void *gz, size_t n, size_t max, unsigned char out[32],
                            uint64_t *size) __attribute__((warn_unused_result));
/* OpenPGP signatures by the keys a provider lists, in a keyring of their own made in @folder. */
struct db_pgp;
enum db_pgp_result { DB_PGP_GOOD, DB_PGP_BAD, DB_PGP_ERROR };
medsec_err db_pgp_new(const char *folder, struct db_pgp **out, char *why, size_t whylen)
    __attribute__((warn_unused_result));
void db_pgp_free(struct db_pgp *p);
/* Import key @key (armoured or binary) for fingerprint @fingerprint (40 hex digits, spaces
 * allowed): only signatures whose primary key is a listed fingerprint count. False when refused. */
bool db_pgp_add_key(struct db_pgp *p, const char *fingerprint, const void *key, size_t n);
size_t db_pgp_keys(const struct db_pgp *p);
/* Verify the detached signature @sig over @data: GOOD when every signature in it is good and one is
 * by a listed key (its fingerprint to @signer). */
enum db_pgp_result db_pgp_verify(struct db_pgp *p, const void *data, size_t n, const void *sig,
                                 size_t sn, char signer[41]) __attribute__((warn_unused_result));

/* An import in progress: one transaction from begin to end. */
/* The page cache of a handle, KiB (also what bounds a sort's memory). */
#define DB_CACHE_KIB 65536
#define DB_CACHE_KIB_TEXT "65536"

struct importer {
    struct medsec_db *db;
    struct medsec_db_import_stats *stats;
    const struct medsec_db_import_opts *opts;
    struct medsec_diags *diags;
    struct medsec_error *err; /* detail of a failed statement */
    char now[21]; /* "YYYY-MM-DDTHH:MM:SSZ" from the handle's clock, stamped on what it writes */
    char tomorrow[11]; /* a modified time after this day is impossible */
    bool bulk;         /* the tables were empty: indexes are built at the end */
    bool dirty;        /* entries changed: identities need merging */
    bool dict_done;    /* a CPE dictionary replaced the stored references (cpedict.c) */
    bool threaded;     /* records are stored on a second thread while this one reads (pipe.c) */
    bool cpe_indexed;  /* with bulk: the CPE index was built before the end (pipe.c) */
    struct db_known *known;     /* with threaded: the content hashes stored (pipe.c) */
    struct db_names *names;     /* with bulk: the entries' names as stored (merge.c) */
    struct db_flusher *flusher; /* with bulk and threaded: early write-back (flush.c) */
};
medsec_err db_import_begin(struct importer *im, struct medsec_db *db,
                           const struct medsec_db_import_opts *opts,
                           struct medsec_db_import_stats *stats, struct medsec_diags *diags,
                           struct medsec_error *err) __attribute__((warn_unused_result));
medsec_err db_import_path(struct importer *im, const char *path)
    __attribute__((warn_unused_result));
/* Finish: indexes, identities, commit when @rc is 0, else roll back. Returns the final result. */
medsec_err db_import_end(struct importer *im, medsec_err rc) __attribute__((warn_unused_result));

/* ---- the threaded import (pipe.c); the calls store records as import.c does ---- */

/* Is a record with content hash @hash stored (its source counted as unchanged)? */
bool db_import_known(struct importer *im, uint64_t hash);
/* The warning about an impossible modified time of @adv, made before it is stored. */
void db_import_check_time(struct importer *im, const struct medsec_advisory *adv);
medsec_err db_import_store(struct importer *im, const struct medsec_advisory *adv);
/* With bulk: build the CPE index now (the storing thread, once the NVD records are stored), with a
 * smaller page cache so that its sort and the records queued meanwhile fit in the memory the end of
 * the import takes anyway. */
medsec_err db_import_cpe_index(struct importer *im);
medsec_err db_import_store_kev(struct importer *im, const struct medsec_kev_entry *k,
                               const char *origin, uint64_t hash);
medsec_err db_import_store_epss(struct importer *im, const struct medsec_epss_entry *e,
                                const char *origin);
void db_import_progress(struct importer *im, const char *path, uint64_t done, uint64_t total);
/* Load the content hashes stored into im->known. */
medsec_err db_known_load(struct importer *im) __attribute__((warn_unused_result));
void db_known_free(struct importer *im);
/* A thread that has the kernel write @path's dirty pages back every quarter of a second until
 * stopped (NULL when it cannot start: the import runs without it). */
struct db_flusher *db_flusher_start(const char *path);
void db_flusher_stop(struct db_flusher *f); /* NULL is allowed */
/* Read @path on this thread while a second one stores its records; *@started is false when no
 * thread could be started (nothing was read: import it on this thread alone). */
medsec_err db_pipe_import(struct importer *im, const char *path, bool *started)
    __attribute__((warn_unused_result));

#endif
