/* query.c: the read side of the database: status counts, affected-package and CPE lookups for the
 * matcher, vulnerability details, and the compact range reader. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "medsec/alloc.h"

static const char *col(sqlite3_stmt *s, int i)
{
    return (const char *)sqlite3_column_text(s, i);
}

/* *n = the count @sql (one optional text argument @arg) gives. A failed query (a damaged file) is
 * an error, never a count of zero. */
static medsec_err count_of(struct medsec_db *db, const char *sql, const char *arg, size_t *n,
                           struct medsec_error *err)
{
    sqlite3_stmt *s = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(db->h, sql, -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, err, "counting");
    if (arg)
        sqlite3_bind_text(s, 1, arg, -1, SQLITE_STATIC);
    int sr = sqlite3_step(s);
    if (sr == SQLITE_ROW)
        *n = (size_t)sqlite3_column_int64(s, 0);
    medsec_err rc = sr == SQLITE_ROW ? MEDSEC_OK : db_fail(db, err, "counting");
    sqlite3_finalize(s);
    return rc;
}

static medsec_err meta_get(struct medsec_db *db, const char *key, char out[32],
                           struct medsec_error *err)
{
    sqlite3_stmt *s = NULL;
    out[0] = '\0';
    if (sqlite3_prepare_v2(db->h, "SELECT value FROM meta WHERE key = ?", -1, &s, NULL) !=
        SQLITE_OK)
        return db_fail(db, err, "reading meta");
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    int sr = sqlite3_step(s);
    if (sr == SQLITE_ROW && col(s, 0))
        snprintf(out, 32, "%s", col(s, 0));
    medsec_err rc =
        sr == SQLITE_ROW || sr == SQLITE_DONE ? MEDSEC_OK : db_fail(db, err, "reading meta");
    sqlite3_finalize(s);
    return rc;
}

medsec_err medsec_db_freshness(struct medsec_db *db, struct medsec_db_status *out,
                               struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    memset(out, 0, sizeof *out);
    out->schema_version = db->schema;
    if (db->schema == 0) /* an empty file (opened with MEDSEC_DB_UNFINISHED) */
        return MEDSEC_OK;
    medsec_err rc = meta_get(db, "last_import", out->last_import, err);
    if (!rc)
        rc = meta_get(db, "last_update", out->last_update, err);
    out->complete = out->last_import[0] != '\0';
    return rc;
}

/* What `db update` verified about the files it imported, per source (table feed, schema 4). */
static medsec_err verified_counts(struct medsec_db *db, struct medsec_db_status *out,
                                  struct medsec_error *err)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(
            db->h,
            "SELECT source, count(*), sum(verified LIKE '%sha256%'), sum(verified LIKE '%sha512%'),"
            " sum(verified LIKE '%openpgp%'), sum(verified LIKE '%modified%'),"
            " sum(verified IS NULL OR verified = '') FROM feed WHERE source IS NOT NULL GROUP BY 1",
            -1, &s, NULL) != SQLITE_OK)
        return db_fail(db, err, "counting verified files");
    int sr;
    while ((sr = sqlite3_step(s)) == SQLITE_ROW) {
        enum medsec_adv_source src;
        if (!col(s, 0) || !medsec_adv_source_parse(col(s, 0), &src))
            continue;
        struct medsec_db_verified *v = &out->verified[src];
        v->files = (size_t)sqlite3_column_int64(s, 1);
        v->sha256 = (size_t)sqlite3_column_int64(s, 2);
        v->sha512 = (size_t)sqlite3_column_int64(s, 3);
        v->openpgp = (size_t)sqlite3_column_int64(s, 4);
        v->modified = (size_t)sqlite3_column_int64(s, 5);
        v->unverified = (size_t)sqlite3_column_int64(s, 6);
    }
    medsec_err rc = sr == SQLITE_DONE ? MEDSEC_OK : db_fail(db, err, "counting verified files");
    sqlite3_finalize(s);
    return rc;
}

medsec_err medsec_db_status(struct medsec_db *db, struct medsec_db_status *out,
                            struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    medsec_err rc = medsec_db_freshness(db, out, err);
    if (rc || db->schema == 0)
        return rc;
    for (int i = 0; !rc && i < MEDSEC_ADV_NSOURCES; i++) {
        const char *src = medsec_adv_source_name((enum medsec_adv_source)i);
        rc = count_of(db, "SELECT count(*) FROM advisory WHERE source = ?", src,
                      &out->advisories[i], err);
        if (!rc)
            rc = count_of(db,
                          "SELECT count(*) FROM entry JOIN advisory a ON a.id = entry.advisory"
                          " WHERE a.source = ?",
                          src, &out->vulns[i], err);
        if (!rc)
            rc = count_of(db,
                          "SELECT count(*) FROM affected JOIN entry e ON e.id = affected.entry"
                          " JOIN advisory a ON a.id = e.advisory WHERE a.source = ?",
                          src, &out->affected[i], err);
    }
    const struct {
        size_t *n;
        const char *sql;
    } counts[] = {
        {&out->kev, "SELECT count(*) FROM kev"},
        {&out->epss, "SELECT count(*) FROM epss"},
        {&out->cpe_matches, "SELECT count(*) FROM cpe_match"},
        {&out->cpe_nodes, "SELECT count(*) FROM cpe_node"},
        {&out->identities, "SELECT count(*) FROM vuln"},
        {&out->aliases, "SELECT count(*) FROM alias"},
        {&out->needs_review, "SELECT count(*) FROM affected WHERE flags & 1"},
    };
    for (size_t i = 0; !rc && i < sizeof counts / sizeof counts[0]; i++)
        rc = count_of(db, counts[i].sql, NULL, counts[i].n, err);
    out->advisories[MEDSEC_ADV_KEV] = out->kev;
    out->advisories[MEDSEC_ADV_EPSS] = out->epss;
    if (!rc && db->schema >= 4)
        rc = verified_counts(db, out, err);
    return rc;
}

#define AFFECTED_COLUMNS                                                                           \
    "SELECT f.entry, v.name, a.source, a.record_id, f.purl_type, f.purl_ns, f.purl_name,"          \
    " f.ecosystem, f.scheme, f.ranges, f.versions, f.fixed, f.status, f.flags, f.vendor,"          \
    " f.product, f.product_id, f.cpe, e.withdrawn"                                                 \
    " FROM affected f JOIN entry e ON e.id = f.entry JOIN advisory a ON a.id = e.advisory"         \
    " LEFT JOIN vuln v ON v.id = e.vuln"

/* Step @s (bound) and hand each affected row to @fn. */
static medsec_err affected_rows(struct medsec_db *db, sqlite3_stmt *s, medsec_db_affected_fn fn,
                                void *ud, struct medsec_error *err, const char *what)
{
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct medsec_db_affected a = {
            .entry = sqlite3_column_int64(s, 0),
            .vuln = col(s, 1),
            .source = col(s, 2),
            .record_id = col(s, 3),
            .purl_type = col(s, 4),
            .purl_ns = col(s, 5),
            .purl_name = col(s, 6),
            .ecosystem = col(s, 7),
            .scheme = col(s, 8),
            .ranges = col(s, 9),
            .versions = col(s, 10),
            .fixed = col(s, 11),
            .status = col(s, 12),
            .flags = (unsigned)sqlite3_column_int(s, 13),
            .vendor = col(s, 14),
            .product = col(s, 15),
            .product_id = col(s, 16),
            .cpe = col(s, 17),
            .withdrawn = col(s, 18) != NULL,
        };
        if (fn(ud, &a))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(db, err, what);
    sqlite3_reset(s);
    return MEDSEC_OK;
}

/* May the purl key (type, namespace, name) have rows? (the key filter; joined as the import joins
 * it) */
static bool purl_may_have(struct medsec_db *db, const char *type, const char *ns, const char *name)
{
    char key[1024];
    int n = snprintf(key, sizeof key, "%s\x1f%s\x1f%s", type ? type : "", ns ? ns : "",
                     name ? name : "");
    return n < 0 || (size_t)n >= sizeof key ||
           db_filter_may_have(db, DB_FILTER_PURL, key, (size_t)n);
}

medsec_err medsec_db_affected_lookup(struct medsec_db *db, const char *type, const char *ns,
                                     const char *name, medsec_db_affected_fn fn, void *ud,
                                     struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    if (!purl_may_have(db, type, ns, name))
        return MEDSEC_OK;
    sqlite3_stmt *s =
        db_stmt(db, ST_Q_AFFECTED,
                AFFECTED_COLUMNS " WHERE f.purl_type = ? AND f.purl_ns = ? AND f.purl_name = ?"
                                 " ORDER BY f.entry, f.seq");
    if (!s)
        return db_fail(db, err, "affected lookup");
    sqlite3_bind_text(s, 1, type ? type : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, ns ? ns : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 3, name ? name : "", -1, SQLITE_STATIC);
    return affected_rows(db, s, fn, ud, err, "affected lookup");
}

medsec_err medsec_db_affected_by_product(struct medsec_db *db, const char *product,
                                         medsec_db_affected_fn fn, void *ud,
                                         struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    /* SQLite's lower() folds ASCII only: fold the same way for the filter */
    char low[512];
    size_t n = product ? strlen(product) : 0;
    if (n < sizeof low) {
        for (size_t i = 0; i < n; i++)
            low[i] = product[i] >= 'A' && product[i] <= 'Z' ? (char)(product[i] + 32) : product[i];
        if (!db_filter_may_have(db, DB_FILTER_PRODUCT, low, n))
            return MEDSEC_OK;
    }
    sqlite3_stmt *s =
        db_stmt(db, ST_Q_AFF_PRODUCT,
                AFFECTED_COLUMNS " WHERE f.product IS NOT NULL AND lower(f.product) = lower(?)"
                                 " ORDER BY f.entry, f.seq");
    if (!s)
        return db_fail(db, err, "product lookup");
    sqlite3_bind_text(s, 1, product ? product : "", -1, SQLITE_STATIC);
    return affected_rows(db, s, fn, ud, err, "product lookup");
}

static void fill_cpe(sqlite3_stmt *s, struct medsec_db_cpe *c)
{
    c->entry = sqlite3_column_int64(s, 0);
    c->vuln = col(s, 1);
    c->source = col(s, 2);
    c->record_id = col(s, 3);
    c->config = (unsigned)sqlite3_column_int(s, 4);
    c->node = (unsigned)sqlite3_column_int(s, 5);
    c->vulnerable = sqlite3_column_int(s, 6) != 0;
    c->criteria = col(s, 7);
    c->vsi = col(s, 8);
    c->vse = col(s, 9);
    c->vei = col(s, 10);
    c->vee = col(s, 11);
}

/* Step @s (bound) and hand each criterion to @fn. */
static medsec_err cpe_rows(struct medsec_db *db, sqlite3_stmt *s, medsec_db_cpe_fn fn, void *ud,
                           struct medsec_error *err, const char *what)
{
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
        struct medsec_db_cpe c;
        fill_cpe(s, &c);
        if (fn(ud, &c))
            break;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return db_fail(db, err, what);
    sqlite3_reset(s);
    return MEDSEC_OK;
}

#define CPE_COLUMNS                                                                                            \
    "SELECT m.entry, v.name, a.source, a.record_id, m.config, m.node, m.vulnerable, m.criteria, m.vsi, m.vse," \
    " m.vei, m.vee FROM cpe_match m JOIN entry e ON e.id = m.entry JOIN advisory a ON a.id = e.advisory"       \
    " LEFT JOIN vuln v ON v.id = e.vuln"

bool medsec_db_cpe_key_known(struct medsec_db *db, const char *key)
{
    DB_CTX_ENTER(db->ctx);
    return db_filter_may_have(db, DB_FILTER_CPE, key, strlen(key));
}

medsec_err medsec_db_cpe_lookup(struct medsec_db *db, const char *key, medsec_db_cpe_fn fn,
                                void *ud, struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    if (!db_filter_may_have(db, DB_FILTER_CPE, key, strlen(key)))
        return MEDSEC_OK;
    sqlite3_stmt *s = db_stmt(
        db, ST_Q_CPE, CPE_COLUMNS " WHERE m.key = ? ORDER BY m.entry, m.config, m.node, m.seq");
    if (!s)
        return db_fail(db, err, "cpe lookup");
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    return cpe_rows(db, s, fn, ud, err, "cpe lookup");
}

medsec_err medsec_db_cpe_candidates(struct medsec_db *db, const char *key, medsec_db_cpe_fn fn,
                                    void *ud, struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    if (!db_filter_may_have(db, DB_FILTER_CPE, key, strlen(key)))
        return MEDSEC_OK;
    sqlite3_stmt *s = db_stmt(
        db, ST_Q_CPE_FAST,
        "SELECT entry, NULL, NULL, NULL, config, node, vulnerable, criteria, vsi, vse, vei, vee"
        " FROM cpe_match WHERE key = ?");
    if (!s)
        return db_fail(db, err, "cpe lookup");
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    return cpe_rows(db, s, fn, ud, err, "cpe lookup");
}

medsec_err medsec_db_cpe_candidates_for(struct medsec_db *db, const char *key, const char *ver_key,
                                        medsec_db_cpe_fn fn, void *ud, struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    if (!ver_key)
        return medsec_db_cpe_candidates(db, key, fn, ud, err);
    if (!db_filter_may_have(db, DB_FILTER_CPE, key, strlen(key)))
        return MEDSEC_OK;
    sqlite3_stmt *s = db_stmt(
        db, ST_Q_CPE_VER,
        "SELECT entry, NULL, NULL, NULL, config, node, vulnerable, criteria, vsi, vse, vei, vee"
        " FROM cpe_match WHERE key = ? AND ver IN ('', ?)");
    if (!s)
        return db_fail(db, err, "cpe lookup");
    sqlite3_bind_text(s, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(s, 2, ver_key, -1, SQLITE_STATIC);
    return cpe_rows(db, s, fn, ud, err, "cpe lookup");
}

medsec_err medsec_db_entry_get(struct medsec_db *db, int64_t entry, struct medsec_db_entry *out,
                               struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    memset(out, 0, sizeof *out);
    sqlite3_stmt *s = db_stmt(
        db, ST_Q_ENTRY,
        "SELECT v.name, e.name, a.source, a.record_id, a.origin, e.withdrawn FROM entry e"
        " JOIN advisory a ON a.id = e.advisory LEFT JOIN vuln v ON v.id = e.vuln WHERE e.id = ?");
    if (!s)
        return db_fail(db, err, "entry lookup");
    sqlite3_bind_int64(s, 1, entry);
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0, "no vulnerability entry %lld",
                                (long long)entry);
    if (rc != SQLITE_ROW)
        return db_fail(db, err, "entry lookup");
    /* the row stays current until the statement is reset on the next call */
    out->entry = entry;
    out->vuln = col(s, 0);
    out->name = col(s, 1);
    out->source = col(s, 2);
    out->record_id = col(s, 3);
    out->origin = col(s, 4);
    out->withdrawn = col(s, 5) != NULL;
    return MEDSEC_OK;
}

medsec_err medsec_db_cpe_config(struct medsec_db *db, int64_t entry, unsigned config,
                                medsec_db_node_fn node_fn, medsec_db_cpe_fn cpe_fn, void *ud,
                                struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    int rc;
    if (node_fn) {
        sqlite3_stmt *s =
            db_stmt(db, ST_Q_NODES,
                    "SELECT node, parent, op, negate FROM cpe_node WHERE entry = ? AND config = ?"
                    " ORDER BY node");
        if (!s)
            return db_fail(db, err, "cpe nodes");
        sqlite3_bind_int64(s, 1, entry);
        sqlite3_bind_int(s, 2, (int)config);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            const char *op = col(s, 2);
            struct medsec_db_cpe_node n = {
                .node = (unsigned)sqlite3_column_int(s, 0),
                .parent = sqlite3_column_int(s, 1),
                .and_op = op && strcmp(op, "AND") == 0,
                .negate = sqlite3_column_int(s, 3) != 0,
            };
            if (node_fn(ud, &n))
                break;
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return db_fail(db, err, "cpe nodes");
        sqlite3_reset(s);
    }
    if (cpe_fn) {
        sqlite3_stmt *s =
            db_stmt(db, ST_Q_MATCHES,
                    CPE_COLUMNS " WHERE m.entry = ? AND m.config = ? ORDER BY m.node, m.seq");
        if (!s)
            return db_fail(db, err, "cpe matches");
        sqlite3_bind_int64(s, 1, entry);
        sqlite3_bind_int(s, 2, (int)config);
        while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
            struct medsec_db_cpe c;
            fill_cpe(s, &c);
            if (cpe_fn(ud, &c))
                break;
        }
        if (rc != SQLITE_ROW && rc != SQLITE_DONE)
            return db_fail(db, err, "cpe matches");
        sqlite3_reset(s);
    }
    return MEDSEC_OK;
}

/* ---- vulnerability details ---- */

static const char *dup(struct medsec_arena *a, sqlite3_stmt *s, int i, bool *oom)
{
    const char *v = col(s, i);
    if (!v)
        return NULL;
    char *d = medsec_arena_strdup(a, v);
    if (!d)
        *oom = true;
    return d;
}

static int str_cmp(const void *x, const void *y)
{
    return strcmp(*(const char *const *)x, *(const char *const *)y);
}

medsec_err medsec_db_vuln_get(struct medsec_db *db, const char *id, struct medsec_db_vuln *out,
                              struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    memset(out, 0, sizeof *out);
    struct medsec_arena *a = &out->arena;
    bool oom = false;
    sqlite3_int64 vid = 0;
    sqlite3_stmt *s = db_stmt(db, ST_Q_ALIAS,
                              "SELECT a.vuln, v.name FROM alias a JOIN vuln v ON v.id = a.vuln"
                              " WHERE a.name = ?");
    if (!s)
        return db_fail(db, err, "vulnerability lookup");
    sqlite3_bind_text(s, 1, id, -1, SQLITE_STATIC);
    if (sqlite3_step(s) == SQLITE_ROW) {
        vid = sqlite3_column_int64(s, 0);
        out->name = dup(a, s, 1, &oom);
    }
    sqlite3_reset(s);
    if (!vid)
        out->name = medsec_arena_strdup(a, id);
    medsec_err rc = MEDSEC_OK;
    sqlite3_stmt *q = NULL;
/* the cached statement @ID (db_stmt resets the previous use) */
#define PREP(ID, sql)                                                                              \
    do {                                                                                           \
        if (q)                                                                                     \
            sqlite3_reset(q);                                                                      \
        q = db_stmt(db, (ID), (sql));                                                              \
        if (!q) {                                                                                  \
            rc = db_fail(db, err, "vulnerability details");                                        \
            goto out_fail;                                                                         \
        }                                                                                          \
    } while (0)
    if (vid) {
        /* aliases */
        PREP(ST_V_ALIASES, "SELECT name FROM alias WHERE vuln = ? ORDER BY name");
        sqlite3_bind_int64(q, 1, vid);
        size_t cap = 0;
        while (!oom && sqlite3_step(q) == SQLITE_ROW) {
            if (strcmp(col(q, 0), out->name) == 0)
                continue;
            if (MEDSEC_ARRAY_GROW(out->aliases, out->n_aliases, cap))
                oom = true;
            else
                out->aliases[out->n_aliases++] = dup(a, q, 0, &oom);
        }
        /* entries: first one with text wins for summary etc.; provenance for each */
        PREP(
            ST_V_ENTRIES,
            "SELECT e.id, a.source, a.record_id, a.origin, a.modified, a.hash, e.summary, e.details,"
            " e.published, e.modified, e.withdrawn, e.cwes, e.refs FROM entry e JOIN advisory a ON a.id = e.advisory"
            " WHERE e.vuln = ? ORDER BY a.source, a.record_id, e.id");
        sqlite3_bind_int64(q, 1, vid);
        cap = 0;
        while (!oom && sqlite3_step(q) == SQLITE_ROW) {
            if (MEDSEC_ARRAY_GROW(out->sources, out->n_sources, cap)) {
                oom = true;
                break;
            }
            struct medsec_db_provenance *p = &out->sources[out->n_sources++];
            p->source = dup(a, q, 1, &oom);
            p->record_id = dup(a, q, 2, &oom);
            p->origin = dup(a, q, 3, &oom);
            p->modified = dup(a, q, 4, &oom);
            p->hash = (uint64_t)sqlite3_column_int64(q, 5);
            if (!out->summary)
                out->summary = dup(a, q, 6, &oom);
            if (!out->details)
                out->details = dup(a, q, 7, &oom);
            if (!out->published)
                out->published = dup(a, q, 8, &oom);
            const char *m = col(q, 9);
            if (m && (!out->modified || strcmp(m, out->modified) > 0))
                out->modified = dup(a, q, 9, &oom);
            if (!out->withdrawn)
                out->withdrawn = dup(a, q, 10, &oom);
            if (!out->cwes)
                out->cwes = dup(a, q, 11, &oom);
            if (!out->refs)
                out->refs = dup(a, q, 12, &oom);
        }
        /* scores */
        PREP(ST_V_SCORES,
             "SELECT a.source, a.record_id, s.type, s.vector, s.score, s.scored_by FROM score s"
             " JOIN entry e ON e.id = s.entry JOIN advisory a ON a.id = e.advisory WHERE e.vuln = ?"
             " ORDER BY a.source, a.record_id, s.seq");
        sqlite3_bind_int64(q, 1, vid);
        cap = 0;
        while (!oom && sqlite3_step(q) == SQLITE_ROW) {
            if (MEDSEC_ARRAY_GROW(out->scores, out->n_scores, cap)) {
                oom = true;
                break;
            }
            struct medsec_db_score *sc = &out->scores[out->n_scores++];
            sc->source = dup(a, q, 0, &oom);
            sc->record_id = dup(a, q, 1, &oom);
            sc->type = dup(a, q, 2, &oom);
            sc->vector = dup(a, q, 3, &oom);
            sc->score = sqlite3_column_type(q, 4) == SQLITE_NULL ? -1 : sqlite3_column_double(q, 4);
            sc->scored_by = dup(a, q, 5, &oom);
        }
        /* fixed versions over every affected row */
        PREP(
            ST_V_FIXED,
            "SELECT group_concat(fixed, char(10)) FROM (SELECT DISTINCT f.fixed FROM affected f"
            " JOIN entry e ON e.id = f.entry WHERE e.vuln = ? AND f.fixed IS NOT NULL ORDER BY f.fixed)");
        sqlite3_bind_int64(q, 1, vid);
        if (sqlite3_step(q) == SQLITE_ROW)
            out->fixed = dup(a, q, 0, &oom);
    }
    /* KEV and EPSS by the canonical name (a CVE) or the id asked for */
    PREP(
        ST_V_KEV,
        "SELECT date_added, due_date, ransomware, name, action FROM kev WHERE cve = ? OR cve = ? LIMIT 1");
    sqlite3_bind_text(q, 1, out->name ? out->name : id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        out->kev = true;
        out->kev_date_added = dup(a, q, 0, &oom);
        out->kev_due_date = dup(a, q, 1, &oom);
        out->kev_ransomware = dup(a, q, 2, &oom);
        out->kev_name = dup(a, q, 3, &oom);
        out->kev_action = dup(a, q, 4, &oom);
    }
    PREP(ST_V_EPSS, "SELECT score, percentile, date FROM epss WHERE cve = ? OR cve = ? LIMIT 1");
    sqlite3_bind_text(q, 1, out->name ? out->name : id, -1, SQLITE_STATIC);
    sqlite3_bind_text(q, 2, id, -1, SQLITE_STATIC);
    if (sqlite3_step(q) == SQLITE_ROW) {
        out->has_epss = true;
        out->epss = sqlite3_column_double(q, 0);
        out->epss_percentile = sqlite3_column_double(q, 1);
        out->epss_date = dup(a, q, 2, &oom);
    }
    sqlite3_reset(q);
    q = NULL;
    if (oom || !out->name) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_fail;
    }
    if (out->n_aliases > 1)
        qsort(out->aliases, out->n_aliases, sizeof *out->aliases, str_cmp);
    if (!vid && !out->kev && !out->has_epss) {
        rc = medsec_error_set(err, MEDSEC_ENOTFOUND, NULL, 0, 0, "%s is not in the database", id);
        goto out_fail;
    }
    return MEDSEC_OK;
out_fail:
    if (q)
        sqlite3_reset(q);
    medsec_db_vuln_release(out);
    return rc;
#undef PREP
}

void medsec_db_vuln_release(struct medsec_db_vuln *v)
{
    if (!v)
        return;
    medsec_free(v->aliases);
    medsec_free(v->sources);
    medsec_free(v->scores);
    medsec_arena_release(&v->arena);
    memset(v, 0, sizeof *v);
}

/* ---- compact ranges ---- */

bool medsec_db_range_next(const char **cursor, struct medsec_db_range *out)
{
    static const struct {
        const char *name;
        enum medsec_db_range_type type;
    } types[] = {{"SEMVER", MEDSEC_DB_RANGE_SEMVER},
                 {"ECOSYSTEM", MEDSEC_DB_RANGE_ECOSYSTEM},
                 {"GIT", MEDSEC_DB_RANGE_GIT},
                 {"VERS", MEDSEC_DB_RANGE_VERS},
                 {"TEXT", MEDSEC_DB_RANGE_TEXT}};
    const char *p = *cursor;
    while (p && *p) {
        const char *eol = strchr(p, '\n');
        const char *end = eol ? eol : p + strlen(p);
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *tend = tab ? tab : end;
        memset(out, 0, sizeof *out);
        bool ok = false;
        for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
            if (strlen(types[i].name) == (size_t)(tend - p) &&
                memcmp(types[i].name, p, (size_t)(tend - p)) == 0) {
                out->type = types[i].type;
                ok = true;
            }
        if (ok && (out->type == MEDSEC_DB_RANGE_VERS || out->type == MEDSEC_DB_RANGE_TEXT)) {
            ok = tab != NULL;
            if (ok) {
                out->text = tab + 1;
                out->text_len = (size_t)(end - tab - 1);
            }
        } else if (ok) {
            const char *q = tab;
            while (q && q < end) {
                const char *ev = q + 1;
                const char *next = memchr(ev, '\t', (size_t)(end - ev));
                const char *evend = next ? next : end;
                const char *eq = memchr(ev, '=', (size_t)(evend - ev));
                if (!eq) {
                    ok = false;
                    break;
                }
                size_t kl = (size_t)(eq - ev);
                enum medsec_db_event_kind k;
                if (kl == 1 && ev[0] == 'i')
                    k = MEDSEC_DB_EV_INTRODUCED;
                else if (kl == 1 && ev[0] == 'f')
                    k = MEDSEC_DB_EV_FIXED;
                else if (kl == 2 && ev[0] == 'l' && ev[1] == 'a')
                    k = MEDSEC_DB_EV_LAST_AFFECTED;
                else if (kl == 1 && ev[0] == 'l')
                    k = MEDSEC_DB_EV_LIMIT;
                else {
                    ok = false;
                    break;
                }
                if (out->n_events < MEDSEC_DB_MAX_EVENTS) {
                    out->events[out->n_events].kind = k;
                    out->events[out->n_events].version = eq + 1;
                    out->events[out->n_events].len = (size_t)(evend - eq - 1);
                    out->n_events++;
                } else {
                    out->n_events = MEDSEC_DB_MAX_EVENTS + 1;
                    break;
                }
                q = next;
            }
        }
        p = eol ? eol + 1 : end;
        if (ok) {
            *cursor = p;
            return true;
        }
    }
    *cursor = p;
    return false;
}
