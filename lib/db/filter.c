/* filter.c: Bloom filters of the lookup keys in the database (CPE vendor:product keys, purl type/
 * namespace/name, CSAF product names), built at the end of every import and read by the matcher so
 * that the keys no advisory names (most of an SBOM's CPE guesses) cost no SQLite query. */
#include <stdio.h>
#include <string.h>

#include "internal.h"
#include "medsec/alloc.h"

#define FILTER_HASHES 7
#define FILTER_BITS_PER_KEY 12 /* about 0.3 % false positives with 7 hashes */

static const char *const filter_names[DB_FILTER_COUNT] = {"cpe", "purl", "product"};
static const char *const filter_sql[DB_FILTER_COUNT] = {
    "SELECT DISTINCT key FROM cpe_match",
    "SELECT DISTINCT purl_type || char(31) || purl_ns || char(31) || purl_name FROM affected",
    "SELECT DISTINCT lower(product) FROM affected WHERE product IS NOT NULL",
};

/* A key's two hashes. */
struct key_hash {
    uint64_t h1, h2;
};

/* FNV-1a 64 of the key, and a second hash from it, for double hashing (Kirsch and Mitzenmacher). */
static void key_hashes(const char *s, size_t n, uint64_t *h1, uint64_t *h2)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= (unsigned char)s[i];
        h *= 0x100000001b3ull;
    }
    *h1 = h;
    *h2 = ((h >> 29) ^ (h << 7)) * 0x9e3779b97f4a7c15ull | 1;
}

static void filter_set(unsigned char *bits, uint64_t nbits, uint64_t h1, uint64_t h2)
{
    for (int i = 0; i < FILTER_HASHES; i++) {
        uint64_t b = (h1 + (uint64_t)i * h2) & (nbits - 1);
        bits[b >> 3] |= (unsigned char)(1u << (b & 7));
    }
}

static bool filter_has(const struct db_filter *f, const char *s, size_t n)
{
    uint64_t h1, h2;
    key_hashes(s, n, &h1, &h2);
    for (int i = 0; i < FILTER_HASHES; i++) {
        uint64_t b = (h1 + (uint64_t)i * h2) & (f->nbits - 1);
        if (!(f->bits[b >> 3] & (1u << (b & 7))))
            return false;
    }
    return true;
}

medsec_err db_filters_build(struct medsec_db *db, const char *stamp, struct medsec_error *err)
{
    medsec_err rc = db_exec(db, "DELETE FROM filter", err);
    struct key_hash *hashes = NULL; /* collected in one pass before the size is known */
    size_t cap = 0;
    for (int k = 0; !rc && k < DB_FILTER_COUNT; k++) {
        sqlite3_stmt *s = NULL;
        size_t nkeys = 0;
        if (sqlite3_prepare_v2(db->h, filter_sql[k], -1, &s, NULL) != SQLITE_OK) {
            rc = db_fail(db, err, "key filter");
            break;
        }
        int step;
        while ((step = sqlite3_step(s)) == SQLITE_ROW) {
            const char *v = (const char *)sqlite3_column_text(s, 0);
            if (!v)
                continue;
            if (MEDSEC_ARRAY_GROW(hashes, nkeys, cap)) {
                rc = medsec_error_set(err, MEDSEC_ENOMEM, db->path, 0, 0, "out of memory");
                break;
            }
            key_hashes(v, (size_t)sqlite3_column_bytes(s, 0), &hashes[nkeys].h1, &hashes[nkeys].h2);
            nkeys++;
        }
        sqlite3_finalize(s);
        if (!rc && step != SQLITE_DONE)
            rc = db_fail(db, err, "key filter");
        if (rc)
            break;
        uint64_t nbits = 8192;
        while (nbits < (uint64_t)nkeys * FILTER_BITS_PER_KEY)
            nbits <<= 1;
        unsigned char *bits = medsec_calloc(nbits / 8, 1);
        if (!bits) {
            rc = medsec_error_set(err, MEDSEC_ENOMEM, db->path, 0, 0, "out of memory");
            break;
        }
        for (size_t i = 0; i < nkeys; i++)
            filter_set(bits, nbits, hashes[i].h1, hashes[i].h2);
        sqlite3_stmt *ins = NULL;
        if (sqlite3_prepare_v2(db->h,
                               "INSERT INTO filter(name, stamp, keys, bits) VALUES(?, ?, ?, ?)", -1,
                               &ins, NULL) != SQLITE_OK)
            rc = db_fail(db, err, "key filter");
        if (!rc) {
            sqlite3_bind_text(ins, 1, filter_names[k], -1, SQLITE_STATIC);
            sqlite3_bind_text(ins, 2, stamp, -1, SQLITE_STATIC);
            sqlite3_bind_int64(ins, 3, (sqlite3_int64)nkeys);
            sqlite3_bind_blob64(ins, 4, bits, nbits / 8, SQLITE_STATIC);
            if (sqlite3_step(ins) != SQLITE_DONE)
                rc = db_fail(db, err, "key filter");
        }
        sqlite3_finalize(ins);
        medsec_free(bits);
    }
    medsec_free(hashes);
    return rc;
}

/* Read the filters once; a database without them (schema 2, or written by something else since the
 * last import) gets none, and every lookup queries SQLite. */
static void filters_load(struct medsec_db *db)
{
    db->filters_loaded = true;
    char stamp[64] = "";
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db->h, "SELECT value FROM meta WHERE key = 'last_import'", -1, &s,
                           NULL) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0))
        snprintf(stamp, sizeof stamp, "%s", (const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    s = NULL;
    if (!stamp[0] || sqlite3_prepare_v2(db->h, "SELECT stamp, bits FROM filter WHERE name = ?", -1,
                                        &s, NULL) != SQLITE_OK)
        return;
    for (int k = 0; k < DB_FILTER_COUNT; k++) {
        sqlite3_reset(s);
        sqlite3_bind_text(s, 1, filter_names[k], -1, SQLITE_STATIC);
        if (sqlite3_step(s) != SQLITE_ROW)
            continue;
        const char *st = (const char *)sqlite3_column_text(s, 0);
        const void *b = sqlite3_column_blob(s, 1);
        size_t n = (size_t)sqlite3_column_bytes(s, 1);
        /* a power of two of at least 1 KiB, and written by the import the database says was last */
        if (!st || strcmp(st, stamp) != 0 || !b || n < 1024 || (n & (n - 1)))
            continue;
        unsigned char *copy = medsec_malloc(n);
        if (!copy)
            continue;
        memcpy(copy, b, n);
        db->filters[k].bits = copy;
        db->filters[k].nbits = (uint64_t)n * 8;
    }
    sqlite3_finalize(s);
}

bool db_filter_may_have(struct medsec_db *db, enum db_filter_id id, const char *key, size_t len)
{
    if (!db->filters_loaded)
        filters_load(db);
    const struct db_filter *f = &db->filters[id];
    return !f->bits || filter_has(f, key, len);
}

void db_filters_release(struct medsec_db *db)
{
    for (int k = 0; k < DB_FILTER_COUNT; k++) {
        medsec_free(db->filters[k].bits);
        db->filters[k].bits = NULL;
    }
    db->filters_loaded = false;
}

medsec_err db_filters_check(struct medsec_db *db, const char **name,
                            size_t missing[DB_FILTER_COUNT], struct medsec_error *err)
{
    medsec_err rc = MEDSEC_OK;
    for (int k = 0; !rc && k < DB_FILTER_COUNT; k++) {
        name[k] = filter_names[k];
        missing[k] = 0;
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(db->h, filter_sql[k], -1, &s, NULL) != SQLITE_OK)
            return db_fail(db, err, "key filter");
        int step;
        while ((step = sqlite3_step(s)) == SQLITE_ROW) {
            const char *v = (const char *)sqlite3_column_text(s, 0);
            if (v && !db_filter_may_have(db, (enum db_filter_id)k, v,
                                         (size_t)sqlite3_column_bytes(s, 0)))
                missing[k]++;
        }
        if (step != SQLITE_DONE)
            rc = db_fail(db, err, "key filter");
        sqlite3_finalize(s);
    }
    return rc;
}
