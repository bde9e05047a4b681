/* coverage.c: what the database can check (docs/db.md, "Coverage"): per matching path, source and
 * purl ecosystem, how many vulnerability entries it holds. Counted at the end of every import into
 * meta `coverage` (stamped with the import's time), read by `db status` and by every scan, so that
 * a scan can say which components it could not check. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"

/* The counts, one query per path. Purl rows count per ecosystem key (db_cover_key's rule, written
 * in SQL); CPE entries are those with at least one criterion; product entries those with a CSAF
 * product name. */
static const struct {
    enum medsec_db_cover_path path;
    const char *sql;
} cover_sql[] = {
    {MEDSEC_DB_COVER_PURL,
     "SELECT a.source, f.purl_type || CASE WHEN f.purl_type IN ('deb','rpm','apk','alpm')"
     " AND f.purl_ns <> '' THEN '/' || f.purl_ns ELSE '' END, count(DISTINCT f.entry)"
     " FROM affected f JOIN entry e ON e.id = f.entry JOIN advisory a ON a.id = e.advisory"
     " WHERE f.purl_type <> '' GROUP BY 1, 2 ORDER BY 1, 2"},
    {MEDSEC_DB_COVER_CPE,
     "SELECT a.source, '', count(*) FROM advisory a JOIN entry e ON e.advisory = a.id"
     " WHERE EXISTS (SELECT 1 FROM cpe_match m WHERE m.entry = e.id) GROUP BY 1 ORDER BY 1"},
    {MEDSEC_DB_COVER_PRODUCT,
     "SELECT a.source, '', count(DISTINCT f.entry) FROM affected f JOIN entry e ON e.id = f.entry"
     " JOIN advisory a ON a.id = e.advisory WHERE f.product IS NOT NULL GROUP BY 1 ORDER BY 1"},
};

static const char *const path_names[] = {"purl", "cpe", "product"};

const char *medsec_db_cover_path_name(enum medsec_db_cover_path p)
{
    return (unsigned)p < sizeof path_names / sizeof path_names[0] ? path_names[p] : "?";
}

size_t medsec_db_cover_key(const char *type, const char *ns, char *out, size_t cap)
{
    static const char *const distro[] = {"deb", "rpm", "apk", "alpm"};
    bool by_ns = false;
    for (size_t i = 0; type && ns && *ns && i < sizeof distro / sizeof distro[0]; i++)
        by_ns |= strcmp(type, distro[i]) == 0;
    int n =
        by_ns ? snprintf(out, cap, "%s/%s", type, ns) : snprintf(out, cap, "%s", type ? type : "");
    return n < 0 ? 0 : (size_t)n;
}

static medsec_err cover_add(struct medsec_db_coverage *c, size_t *cap, enum medsec_db_cover_path p,
                            enum medsec_adv_source src, const char *eco, size_t entries)
{
    if (MEDSEC_ARRAY_GROW(c->items, c->n, *cap))
        return MEDSEC_ENOMEM;
    struct medsec_db_cover *x = &c->items[c->n++];
    memset(x, 0, sizeof *x);
    x->path = p;
    x->source = src;
    snprintf(x->ecosystem, sizeof x->ecosystem, "%s", eco ? eco : "");
    x->entries = entries;
    return MEDSEC_OK;
}

/* Count from the tables (an import's end, or a file imported before coverage was counted). */
static medsec_err cover_count(struct medsec_db *db, struct medsec_db_coverage *c,
                              struct medsec_error *err)
{
    size_t cap = 0;
    medsec_err rc = MEDSEC_OK;
    for (size_t q = 0; !rc && q < sizeof cover_sql / sizeof cover_sql[0]; q++) {
        sqlite3_stmt *s = NULL;
        if (sqlite3_prepare_v2(db->h, cover_sql[q].sql, -1, &s, NULL) != SQLITE_OK)
            return db_fail(db, err, "counting coverage");
        int sr;
        while (!rc && (sr = sqlite3_step(s)) == SQLITE_ROW) {
            enum medsec_adv_source src;
            const char *name = (const char *)sqlite3_column_text(s, 0);
            if (!name || !medsec_adv_source_parse(name, &src))
                continue;
            if (cover_add(c, &cap, cover_sql[q].path, src, (const char *)sqlite3_column_text(s, 1),
                          (size_t)sqlite3_column_int64(s, 2)))
                rc = medsec_error_set(err, MEDSEC_ENOMEM, db->path, 0, 0, "out of memory");
        }
        if (!rc && sr != SQLITE_DONE)
            rc = db_fail(db, err, "counting coverage");
        sqlite3_finalize(s);
    }
    return rc;
}

medsec_err db_coverage_build(struct medsec_db *db, const char *stamp, struct medsec_error *err)
{
    struct medsec_db_coverage c = {0};
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_err rc = cover_count(db, &c, err);
    if (!rc && medsec_buf_addf(&b, "%s\n", stamp))
        rc = medsec_error_set(err, MEDSEC_ENOMEM, db->path, 0, 0, "out of memory");
    for (size_t i = 0; !rc && i < c.n; i++)
        if (medsec_buf_addf(&b, "%s\t%s\t%s\t%zu\n", medsec_db_cover_path_name(c.items[i].path),
                            medsec_adv_source_name(c.items[i].source), c.items[i].ecosystem,
                            c.items[i].entries))
            rc = medsec_error_set(err, MEDSEC_ENOMEM, db->path, 0, 0, "out of memory");
    if (!rc)
        rc = db_meta_set(db, "coverage", b.data, err);
    medsec_buf_release(&b);
    medsec_free(c.items);
    db_coverage_release(db); /* this handle's scans read the new counts */
    return rc;
}

/* The stored counts when they are the last import's: false (and nothing added) otherwise. */
static bool cover_parse(const char *text, const char *stamp, struct medsec_db_coverage *c,
                        bool *nomem)
{
    size_t cap = 0, sl = strlen(stamp);
    if (!stamp[0] || strncmp(text, stamp, sl) != 0 || text[sl] != '\n')
        return false;
    for (const char *p = text + sl + 1; *p;) {
        const char *e = strchr(p, '\n');
        size_t n = e ? (size_t)(e - p) : strlen(p);
        char line[256], path[16], src[16], eco[MEDSEC_DB_COVER_ECOSYSTEM_MAX];
        unsigned long long entries;
        if (n >= sizeof line)
            return false;
        memcpy(line, p, n);
        line[n] = '\0';
        /* the ecosystem may be empty: read the fields by tab */
        char *t1 = strchr(line, '\t'), *t2 = t1 ? strchr(t1 + 1, '\t') : NULL,
             *t3 = t2 ? strchr(t2 + 1, '\t') : NULL;
        if (!t3 || (size_t)(t1 - line) >= sizeof path || (size_t)(t2 - t1 - 1) >= sizeof src ||
            (size_t)(t3 - t2 - 1) >= sizeof eco || sscanf(t3 + 1, "%llu", &entries) != 1)
            return false;
        snprintf(path, sizeof path, "%.*s", (int)(t1 - line), line);
        snprintf(src, sizeof src, "%.*s", (int)(t2 - t1 - 1), t1 + 1);
        snprintf(eco, sizeof eco, "%.*s", (int)(t3 - t2 - 1), t2 + 1);
        enum medsec_adv_source s;
        size_t k = 0;
        while (k < sizeof path_names / sizeof path_names[0] && strcmp(path, path_names[k]))
            k++;
        if (k == sizeof path_names / sizeof path_names[0] || !medsec_adv_source_parse(src, &s))
            return false;
        if (cover_add(c, &cap, (enum medsec_db_cover_path)k, s, eco, (size_t)entries)) {
            *nomem = true;
            return false;
        }
        p = e ? e + 1 : p + n;
    }
    return true;
}

medsec_err medsec_db_coverage(struct medsec_db *db, const struct medsec_db_coverage **out,
                              struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    *out = &db->coverage;
    if (db->coverage_loaded || db->schema == 0) /* an empty file covers nothing */
        return MEDSEC_OK;
    char stamp[32] = "";
    sqlite3_stmt *s = NULL;
    medsec_err rc = MEDSEC_OK;
    bool stored = false, nomem = false;
    if (sqlite3_prepare_v2(db->h,
                           "SELECT (SELECT value FROM meta WHERE key = 'last_import'),"
                           " (SELECT value FROM meta WHERE key = 'coverage')",
                           -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, err, "reading coverage");
    if (sqlite3_step(s) == SQLITE_ROW) {
        const char *li = (const char *)sqlite3_column_text(s, 0);
        const char *cv = (const char *)sqlite3_column_text(s, 1);
        snprintf(stamp, sizeof stamp, "%s", li ? li : "");
        stored = cv && cover_parse(cv, stamp, &db->coverage, &nomem);
    } else {
        rc = db_fail(db, err, "reading coverage");
    }
    sqlite3_finalize(s);
    if (!rc && nomem)
        rc = medsec_error_set(err, MEDSEC_ENOMEM, db->path, 0, 0, "out of memory");
    if (!rc && !stored) {
        /* written by a medsec that did not count coverage (or damaged): count it now */
        db_coverage_release(db);
        rc = cover_count(db, &db->coverage, err);
    }
    if (rc)
        db_coverage_release(db);
    else
        db->coverage_loaded = true;
    return rc;
}

size_t medsec_db_coverage_entries(const struct medsec_db_coverage *c, enum medsec_db_cover_path p,
                                  int source, const char *ecosystem)
{
    size_t n = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->items[i].path == p && (source < 0 || (int)c->items[i].source == source) &&
            (!ecosystem || strcmp(c->items[i].ecosystem, ecosystem) == 0))
            n += c->items[i].entries;
    return n;
}

void db_coverage_release(struct medsec_db *db)
{
    medsec_free(db->coverage.items);
    memset(&db->coverage, 0, sizeof db->coverage);
    db->coverage_loaded = false;
}
