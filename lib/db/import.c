/* import.c: storing parsed advisories in the database: one transaction per import, content-hash
 * skips, replacement of changed records, KEV and EPSS upserts, indexes rebuilt after a bulk load.
 */
#include <stdio.h>
#include <string.h>

#include "cpedict.h"
#include "internal.h"
#include "medsec/date.h"

#define BIND_TEXT(s, i, v) sqlite3_bind_text((s), (i), (v), -1, SQLITE_STATIC)

static medsec_err step_done(struct importer *im, sqlite3_stmt *s, const char *what)
{
    if (!s)
        return db_fail(im->db, im->err, what);
    int rc = sqlite3_step(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_fail(im->db, im->err, what);
    return MEDSEC_OK;
}

bool db_import_known(struct importer *im, uint64_t hash)
{
    sqlite3_stmt *s =
        db_stmt(im->db, ST_ADV_HASH, "SELECT source FROM advisory WHERE hash = ? LIMIT 1");
    if (!s)
        return false;
    sqlite3_bind_int64(s, 1, (sqlite3_int64)hash);
    bool found = sqlite3_step(s) == SQLITE_ROW;
    if (found) {
        const char *src = (const char *)sqlite3_column_text(s, 0);
        for (int i = 0; i < MEDSEC_ADV_NSOURCES; i++)
            if (src && strcmp(src, medsec_adv_source_name((enum medsec_adv_source)i)) == 0)
                im->stats->unchanged[i]++;
    }
    sqlite3_reset(s);
    return found;
}

static bool known(void *ud, uint64_t hash)
{
    return db_import_known(ud, hash);
}

/* Delete every row hanging off advisory @adv (its entries and their children). */
static medsec_err delete_children(struct importer *im, sqlite3_int64 adv)
{
    static const struct {
        enum db_stmt_id id;
        const char *sql;
    } dels[] = {
        {ST_DEL_AFFECTED, "DELETE FROM affected WHERE entry = ?"},
        {ST_DEL_SCORE, "DELETE FROM score WHERE entry = ?"},
        {ST_DEL_REM, "DELETE FROM remediation WHERE entry = ?"},
        {ST_DEL_ALIAS, "DELETE FROM entry_alias WHERE entry = ?"},
        {ST_DEL_NODE, "DELETE FROM cpe_node WHERE entry = ?"},
        {ST_DEL_MATCH, "DELETE FROM cpe_match WHERE entry = ?"},
    };
    sqlite3_int64 ids[4096];
    size_t n = 0;
    sqlite3_stmt *s = db_stmt(im->db, ST_ENTRIES_OF, "SELECT id FROM entry WHERE advisory = ?");
    if (!s)
        return db_fail(im->db, im->err, "entries");
    sqlite3_bind_int64(s, 1, adv);
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW && n < sizeof ids / sizeof ids[0])
        ids[n++] = sqlite3_column_int64(s, 0);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE && rc != SQLITE_ROW)
        return db_fail(im->db, im->err, "entries");
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizeof dels / sizeof dels[0]; k++) {
            sqlite3_stmt *d = db_stmt(im->db, dels[k].id, dels[k].sql);
            if (!d)
                return db_fail(im->db, im->err, "delete");
            sqlite3_bind_int64(d, 1, ids[i]);
            medsec_err e = step_done(im, d, "delete");
            if (e)
                return e;
        }
    s = db_stmt(im->db, ST_DEL_ENTRIES, "DELETE FROM entry WHERE advisory = ?");
    if (!s)
        return db_fail(im->db, im->err, "delete");
    sqlite3_bind_int64(s, 1, adv);
    return step_done(im, s, "delete entries");
}

static medsec_err insert_vuln(struct importer *im, sqlite3_int64 adv,
                              const struct medsec_adv_vuln *v)
{
    struct medsec_db *db = im->db;
    sqlite3_stmt *s = db_stmt(
        db, ST_ENTRY_INSERT,
        "INSERT INTO entry(advisory, name, summary, details, published, modified, withdrawn,"
        " cwes, refs, vuln) VALUES(?,?,?,?,?,?,?,?,?,?)");
    if (!s)
        return db_fail(db, im->err, "entry");
    sqlite3_bind_int64(s, 1, adv);
    BIND_TEXT(s, 2, v->name);
    BIND_TEXT(s, 3, v->summary);
    BIND_TEXT(s, 4, v->details);
    BIND_TEXT(s, 5, v->published);
    BIND_TEXT(s, 6, v->modified);
    BIND_TEXT(s, 7, v->withdrawn);
    BIND_TEXT(s, 8, v->cwes);
    BIND_TEXT(s, 9, v->refs);
    /* a first import stores the identity the name has alone: the merge at the end rewrites only
     * the entries another name's set takes in (15,183 of 158,747 in the shared advisories) */
    if (im->names) {
        sqlite3_int64 vuln = db_names_vuln(im->names, v->name ? v->name : "");
        if (!vuln) {
            sqlite3_reset(s);
            return medsec_error_set(im->err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        }
        sqlite3_bind_int64(s, 10, vuln);
    }
    medsec_err rc = step_done(im, s, "insert entry");
    if (rc)
        return rc;
    sqlite3_int64 e = sqlite3_last_insert_rowid(db->h);

    for (size_t i = 0; i < v->n_aliases; i++) {
        s = db_stmt(db, ST_ALIAS_INSERT,
                    "INSERT OR IGNORE INTO entry_alias(entry, name) VALUES(?,?)");
        if (!s)
            return db_fail(db, im->err, "alias");
        sqlite3_bind_int64(s, 1, e);
        BIND_TEXT(s, 2, v->aliases[i]);
        if ((rc = step_done(im, s, "insert alias")))
            return rc;
    }
    for (size_t i = 0; i < v->n_scores; i++) {
        const struct medsec_adv_score *sc = &v->scores[i];
        s = db_stmt(
            db, ST_SCORE_INSERT,
            "INSERT INTO score(entry, seq, type, vector, score, scored_by) VALUES(?,?,?,?,?,?)");
        if (!s)
            return db_fail(db, im->err, "score");
        sqlite3_bind_int64(s, 1, e);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        BIND_TEXT(s, 3, sc->type);
        BIND_TEXT(s, 4, sc->vector);
        if (sc->score >= 0)
            sqlite3_bind_double(s, 5, sc->score);
        BIND_TEXT(s, 6, sc->source);
        if ((rc = step_done(im, s, "insert score")))
            return rc;
    }
    for (size_t i = 0; i < v->n_remediations; i++) {
        const struct medsec_adv_remediation *r = &v->remediations[i];
        s = db_stmt(
            db, ST_REM_INSERT,
            "INSERT INTO remediation(entry, seq, category, details, url, products) VALUES(?,?,?,?,?,?)");
        if (!s)
            return db_fail(db, im->err, "remediation");
        sqlite3_bind_int64(s, 1, e);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        BIND_TEXT(s, 3, r->category);
        BIND_TEXT(s, 4, r->details);
        BIND_TEXT(s, 5, r->url);
        BIND_TEXT(s, 6, r->products);
        if ((rc = step_done(im, s, "insert remediation")))
            return rc;
    }
    for (size_t i = 0; i < v->n_affected; i++) {
        const struct medsec_adv_affected *a = &v->affected[i];
        s = db_stmt(
            db, ST_AFF_INSERT,
            "INSERT INTO affected(entry, seq, purl_type, purl_ns, purl_name, purl, ecosystem, scheme, ranges,"
            " versions, fixed, status, flags, vendor, product, product_id, cpe)"
            " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
        if (!s)
            return db_fail(db, im->err, "affected");
        sqlite3_bind_int64(s, 1, e);
        sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
        BIND_TEXT(s, 3, a->purl_type ? a->purl_type : "");
        BIND_TEXT(s, 4, a->purl_ns ? a->purl_ns : "");
        BIND_TEXT(s, 5, a->purl_name ? a->purl_name : "");
        BIND_TEXT(s, 6, a->purl);
        BIND_TEXT(s, 7, a->ecosystem);
        BIND_TEXT(s, 8, a->scheme ? a->scheme : "generic");
        BIND_TEXT(s, 9, a->ranges ? a->ranges : "");
        BIND_TEXT(s, 10, a->versions);
        BIND_TEXT(s, 11, a->fixed);
        BIND_TEXT(s, 12, a->status ? a->status : "affected");
        sqlite3_bind_int(s, 13, (int)a->flags);
        BIND_TEXT(s, 14, a->vendor);
        BIND_TEXT(s, 15, a->product);
        BIND_TEXT(s, 16, a->product_id);
        BIND_TEXT(s, 17, a->cpe);
        if ((rc = step_done(im, s, "insert affected")))
            return rc;
    }
    for (size_t i = 0; i < v->n_nodes; i++) {
        const struct medsec_adv_cpe_node *n = &v->nodes[i];
        s = db_stmt(
            db, ST_NODE_INSERT,
            "INSERT OR IGNORE INTO cpe_node(entry, config, node, parent, op, negate) VALUES(?,?,?,?,?,?)");
        if (!s)
            return db_fail(db, im->err, "cpe node");
        sqlite3_bind_int64(s, 1, e);
        sqlite3_bind_int(s, 2, (int)n->config);
        sqlite3_bind_int(s, 3, (int)n->node);
        sqlite3_bind_int(s, 4, n->parent);
        BIND_TEXT(s, 5, n->and_op ? "AND" : "OR");
        sqlite3_bind_int(s, 6, n->negate);
        if ((rc = step_done(im, s, "insert cpe node")))
            return rc;
    }
    for (size_t i = 0; i < v->n_cpes; i++) {
        const struct medsec_adv_cpe *c = &v->cpes[i];
        s = db_stmt(
            db, ST_MATCH_INSERT,
            "INSERT OR IGNORE INTO cpe_match(entry, config, node, seq, vulnerable, key, criteria, vsi, vse,"
            " vei, vee, ver) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)");
        if (!s)
            return db_fail(db, im->err, "cpe match");
        sqlite3_bind_int64(s, 1, e);
        sqlite3_bind_int(s, 2, (int)c->config);
        sqlite3_bind_int(s, 3, (int)c->node);
        sqlite3_bind_int64(s, 4, (sqlite3_int64)i);
        sqlite3_bind_int(s, 5, c->vulnerable);
        BIND_TEXT(s, 6, c->key ? c->key : "");
        BIND_TEXT(s, 7, c->criteria);
        BIND_TEXT(s, 8, c->vsi);
        BIND_TEXT(s, 9, c->vse);
        BIND_TEXT(s, 10, c->vei);
        BIND_TEXT(s, 11, c->vee);
        BIND_TEXT(s, 12, c->ver_key ? c->ver_key : "");
        if ((rc = step_done(im, s, "insert cpe match")))
            return rc;
    }
    return MEDSEC_OK;
}

/* Can modified time @t order two copies of a record? It must start as a date, YYYY-MM-DD, and not
 * lie after @tomorrow (a day of slack for the sources' clocks). A time in the future would make its
 * copy the newer one for ever, and block every real update of the record. */
static bool time_plausible(const char *t, const char *tomorrow)
{
    if (!t || strlen(t) < 10)
        return false;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? t[i] != '-' : t[i] < '0' || t[i] > '9')
            return false;
    int month = (t[5] - '0') * 10 + (t[6] - '0'), day = (t[8] - '0') * 10 + (t[9] - '0');
    return month >= 1 && month <= 12 && day >= 1 && day <= 31 && strncmp(t, tomorrow, 10) <= 0;
}

void db_import_check_time(struct importer *im, const struct medsec_advisory *adv)
{
    if (adv->modified && !time_plausible(adv->modified, im->tomorrow)) {
        im->stats->impossible_time++;
        (void)medsec_diags_add(im->diags, MEDSEC_SEV_WARNING, adv->origin, 0, 0, NULL,
                               "%s: modified time '%.40s' is not a date or lies in the future:"
                               " stored, but it never makes this copy the newer one",
                               adv->id, adv->modified);
    }
}

static medsec_err store_advisory(void *ud, const struct medsec_advisory *adv)
{
    db_import_check_time(ud, adv);
    return db_import_store(ud, adv);
}

/* Store @adv (its time already checked). */
medsec_err db_import_store(struct importer *im, const struct medsec_advisory *adv)
{
    struct medsec_db *db = im->db;
    const char *src = medsec_adv_source_name(adv->source);
    bool new_ok = time_plausible(adv->modified, im->tomorrow);
    sqlite3_int64 id = 0;
    bool update = false;
    {
        sqlite3_stmt *s = db_stmt(
            db, ST_ADV_FIND,
            "SELECT id, hash, modified, origin FROM advisory WHERE source=? AND record_id=?");
        if (!s)
            return db_fail(db, im->err, "advisory lookup");
        BIND_TEXT(s, 1, src);
        BIND_TEXT(s, 2, adv->id);
        int rc = sqlite3_step(s);
        if (rc == SQLITE_ROW) {
            id = sqlite3_column_int64(s, 0);
            uint64_t h = (uint64_t)sqlite3_column_int64(s, 1);
            const char *mod = (const char *)sqlite3_column_text(s, 2);
            if (h == adv->hash) {
                im->stats->unchanged[adv->source]++;
                sqlite3_reset(s);
                return MEDSEC_OK;
            }
            /* Keep the newer copy. Two copies of one record from different files with the same
             * `modified` (test-data duplicates): the larger hash wins, so re-imports are stable. */
            const char *org = (const char *)sqlite3_column_text(s, 3);
            /* a stored impossible time loses to any copy; an impossible new one to a real one */
            bool old_ok = time_plausible(mod, im->tomorrow);
            int cmp = mod && !old_ok             ? -1
                      : adv->modified && !new_ok ? (mod ? 1 : 0)
                      : mod && adv->modified     ? strcmp(mod, adv->modified)
                                                 : 0;
            if (cmp > 0 || (cmp == 0 && org && strcmp(org, adv->origin) != 0 && h > adv->hash)) {
                im->stats->older[adv->source]++;
                sqlite3_reset(s);
                return MEDSEC_OK;
            }
            update = true;
        } else if (rc != SQLITE_DONE) {
            return db_fail(db, im->err, "advisory lookup");
        }
        sqlite3_reset(s);
    }
    medsec_err rc;
    im->dirty = true;
    if (update) {
        if ((rc = delete_children(im, id)))
            return rc;
        sqlite3_stmt *s = db_stmt(
            db, ST_ADV_UPDATE,
            "UPDATE advisory SET origin=?, title=?, published=?, modified=?, hash=?, imported=?"
            " WHERE id=?");
        if (!s)
            return db_fail(db, im->err, "advisory update");
        BIND_TEXT(s, 1, adv->origin);
        BIND_TEXT(s, 2, adv->title);
        BIND_TEXT(s, 3, adv->published);
        BIND_TEXT(s, 4, adv->modified);
        sqlite3_bind_int64(s, 5, (sqlite3_int64)adv->hash);
        BIND_TEXT(s, 6, im->now);
        sqlite3_bind_int64(s, 7, id);
        if ((rc = step_done(im, s, "update advisory")))
            return rc;
        im->stats->updated[adv->source]++;
    } else {
        sqlite3_stmt *s = db_stmt(
            db, ST_ADV_INSERT,
            "INSERT INTO advisory(source, record_id, origin, title, published, modified, hash,"
            " imported) VALUES(?,?,?,?,?,?,?,?)");
        if (!s)
            return db_fail(db, im->err, "advisory insert");
        BIND_TEXT(s, 1, src);
        BIND_TEXT(s, 2, adv->id);
        BIND_TEXT(s, 3, adv->origin);
        BIND_TEXT(s, 4, adv->title);
        BIND_TEXT(s, 5, adv->published);
        BIND_TEXT(s, 6, adv->modified);
        sqlite3_bind_int64(s, 7, (sqlite3_int64)adv->hash);
        BIND_TEXT(s, 8, im->now);
        int sr = sqlite3_step(s);
        if (sr != SQLITE_DONE)
            return db_fail(db, im->err, "insert advisory");
        id = sqlite3_last_insert_rowid(db->h);
        im->stats->added[adv->source]++;
    }
    for (size_t i = 0; i < adv->n_vulns; i++)
        if ((rc = insert_vuln(im, id, &adv->vulns[i])))
            return rc;
    return MEDSEC_OK;
}

static medsec_err store_kev(void *ud, const struct medsec_kev_entry *k, const char *origin,
                            uint64_t hash)
{
    struct importer *im = ud;
    sqlite3_stmt *s = db_stmt(
        im->db, ST_KEV_UPSERT,
        "INSERT INTO kev(cve, vendor, product, name, description, date_added, due_date,"
        " ransomware, action, notes, origin, hash) VALUES(?,?,?,?,?,?,?,?,?,?,?,?)"
        " ON CONFLICT(cve) DO UPDATE SET vendor=excluded.vendor, product=excluded.product,"
        " name=excluded.name, description=excluded.description, date_added=excluded.date_added,"
        " due_date=excluded.due_date, ransomware=excluded.ransomware, action=excluded.action,"
        " notes=excluded.notes, origin=excluded.origin, hash=excluded.hash"
        " WHERE hash IS NOT excluded.hash");
    if (!s)
        return db_fail(im->db, im->err, "kev");
    const char *f[] = {k->cve,         k->vendor,     k->product,  k->name,
                       k->description, k->date_added, k->due_date, k->ransomware,
                       k->action,      k->notes,      origin};
    for (int i = 0; i < 11; i++)
        BIND_TEXT(s, i + 1, f[i]);
    sqlite3_bind_int64(s, 12, (sqlite3_int64)hash);
    medsec_err rc = step_done(im, s, "store KEV entry");
    if (!rc) {
        if (sqlite3_changes(im->db->h))
            im->stats->added[MEDSEC_ADV_KEV]++;
        else
            im->stats->unchanged[MEDSEC_ADV_KEV]++;
    }
    return rc;
}

static medsec_err store_epss(void *ud, const struct medsec_epss_entry *e, const char *origin)
{
    struct importer *im = ud;
    sqlite3_stmt *s = db_stmt(
        im->db, ST_EPSS_UPSERT,
        "INSERT INTO epss(cve, score, percentile, date, origin) VALUES(?,?,?,?,?)"
        " ON CONFLICT(cve) DO UPDATE SET score=excluded.score, percentile=excluded.percentile,"
        " date=excluded.date, origin=excluded.origin"
        " WHERE score IS NOT excluded.score OR percentile IS NOT excluded.percentile"
        " OR date IS NOT excluded.date");
    if (!s)
        return db_fail(im->db, im->err, "epss");
    BIND_TEXT(s, 1, e->cve);
    sqlite3_bind_double(s, 2, e->score);
    sqlite3_bind_double(s, 3, e->percentile);
    BIND_TEXT(s, 4, e->date);
    BIND_TEXT(s, 5, origin);
    medsec_err rc = step_done(im, s, "store EPSS row");
    if (!rc) {
        if (sqlite3_changes(im->db->h))
            im->stats->added[MEDSEC_ADV_EPSS]++;
        else
            im->stats->unchanged[MEDSEC_ADV_EPSS]++;
    }
    return rc;
}

static void on_progress(void *ud, const char *path, uint64_t done, uint64_t total)
{
    struct importer *im = ud;
    if (im->opts && im->opts->progress)
        im->opts->progress(im->opts->ud, path, done, total);
}

medsec_err db_import_store_kev(struct importer *im, const struct medsec_kev_entry *k,
                               const char *origin, uint64_t hash)
{
    return store_kev(im, k, origin, hash);
}

medsec_err db_import_store_epss(struct importer *im, const struct medsec_epss_entry *e,
                                const char *origin)
{
    return store_epss(im, e, origin);
}

void db_import_progress(struct importer *im, const char *path, uint64_t done, uint64_t total)
{
    on_progress(im, path, done, total);
}

static const char *const bulk_indexes[][2] = {
    {"affected_key",
     "CREATE INDEX IF NOT EXISTS affected_key ON affected(purl_type, purl_ns, purl_name)"},
    {"cpe_match_key", "CREATE INDEX IF NOT EXISTS cpe_match_key ON cpe_match(key, ver)"},
    {"affected_product",
     "CREATE INDEX IF NOT EXISTS affected_product ON affected(lower(product)) WHERE product IS NOT NULL"},
    /* the last: built after the identities are merged, which set entry.vuln on every entry */
    {"entry_vuln", "CREATE INDEX IF NOT EXISTS entry_vuln ON entry(vuln)"},
};
#define N_BULK_INDEXES (sizeof bulk_indexes / sizeof bulk_indexes[0])

medsec_err db_import_cpe_index(struct importer *im)
{
    /* the page cache (schema.c: 64 MiB) also bounds the sort's memory: a quarter of it for the
     * sort, the rest free for the records queued while it runs */
    char sql[64];
    snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", DB_CACHE_KIB / 4);
    medsec_err rc = db_exec(im->db, sql, im->err);
    for (size_t i = 0; !rc && i < N_BULK_INDEXES; i++)
        if (!strcmp(bulk_indexes[i][0], "cpe_match_key"))
            rc = db_exec(im->db, bulk_indexes[i][1], im->err);
    snprintf(sql, sizeof sql, "PRAGMA cache_size=-%d", DB_CACHE_KIB);
    medsec_err rc2 = db_exec(im->db, sql, im->err);
    im->cpe_indexed = !rc && !rc2;
    return rc ? rc : rc2;
}

medsec_err db_import_begin(struct importer *im, struct medsec_db *db,
                           const struct medsec_db_import_opts *opts,
                           struct medsec_db_import_stats *stats, struct medsec_diags *diags,
                           struct medsec_error *err)
{
    memset(stats, 0, sizeof *stats);
    memset(im, 0, sizeof *im);
    medsec_error_clear(err);
    if (db->readonly)
        return medsec_error_set(err, MEDSEC_EINVAL, db->path, 0, 0, "database opened read-only");
    im->db = db;
    im->stats = stats;
    im->opts = opts;
    im->diags = diags;
    im->err = err;
    im->threaded = !opts || opts->threads != 1;
    medsec_ctx_timestamp(db->ctx, im->now);
    medsec_date_format(medsec_ctx_now(db->ctx) + 86400, im->tomorrow);
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db->h, "SELECT NOT EXISTS(SELECT 1 FROM advisory)", -1, &s, NULL) ==
            SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW)
        im->bulk = sqlite3_column_int(s, 0) != 0;
    sqlite3_finalize(s);
    /* loading an empty file: a rollback journal writes each page once (it holds only the few pages
     * that existed), where the WAL would write every page twice, then checkpoint them */
    medsec_err rc = im->bulk ? db_exec(db, "PRAGMA journal_mode=TRUNCATE", err) : MEDSEC_OK;
    if (!rc)
        rc = db_exec(db, "BEGIN IMMEDIATE", err);
    if (rc) {
        if (im->bulk)
            sqlite3_exec(db->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
        return rc;
    }
    if (im->bulk) {
        /* secondary indexes are cheaper built once after the load */
        for (size_t i = 0; !rc && i < sizeof bulk_indexes / sizeof bulk_indexes[0]; i++) {
            char sql[128];
            snprintf(sql, sizeof sql, "DROP INDEX IF EXISTS %s", bulk_indexes[i][0]);
            rc = db_exec(db, sql, err);
        }
    }
    if (!rc && im->bulk && im->threaded)
        im->flusher = db_flusher_start(db->path);
    if (!rc && im->bulk && !(im->names = db_names_new()))
        rc = medsec_error_set(err, MEDSEC_ENOMEM, db->path, 0, 0, "out of memory");
    /* the reading thread asks a set of the stored hashes, not the database */
    if (!rc && im->threaded && !im->bulk)
        rc = db_known_load(im);
    if (rc) {
        db_known_free(im);
        db_names_free(im->names);
        im->names = NULL;
        db_flusher_stop(im->flusher);
        im->flusher = NULL;
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
        if (im->bulk)
            sqlite3_exec(db->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    }
    return rc;
}

medsec_err db_import_path(struct importer *im, const char *path)
{
    struct medsec_adv_sink sink = {
        .ud = im,
        .known = known,
        .advisory = store_advisory,
        .kev = store_kev,
        .epss = store_epss,
        .progress = on_progress,
    };
    struct medsec_error rerr;
    bool dict;
    medsec_err rc = db_cpedict_import_path(im, path, &dict);
    if (rc || dict)
        return rc;
    bool started = false;
    rc = im->threaded ? db_pipe_import(im, path, &started) : MEDSEC_OK;
    if (started || rc)
        return rc;
    rc = medsec_adv_read_path(path, &sink, &im->stats->read, im->diags, &rerr);
    /* a statement failure already filled err with SQLite's message; keep the reader's otherwise */
    if (rc && im->err->code == MEDSEC_OK)
        *im->err = rerr;
    return rc;
}

medsec_err db_import_end(struct importer *im, medsec_err rc)
{
    struct medsec_db *db = im->db;
    struct medsec_error *err = im->err;
    sqlite3_stmt *s = NULL;
    db_known_free(im);
    for (size_t i = 0; !rc && im->bulk && i + 1 < N_BULK_INDEXES; i++)
        rc = db_exec(db, bulk_indexes[i][1], err);
    if (!rc && im->dirty)
        rc = db_merge_identities(db, im->names, &im->stats->identities, err);
    db_names_free(im->names);
    im->names = NULL;
    if (!rc && im->bulk)
        rc = db_exec(db, bulk_indexes[N_BULK_INDEXES - 1][1], err);
    if (!rc && !im->dirty) {
        if (sqlite3_prepare_v2(db->h, "SELECT count(*) FROM vuln", -1, &s, NULL) == SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW)
            im->stats->identities = (size_t)sqlite3_column_int64(s, 0);
        sqlite3_finalize(s);
    }
    if (!rc)
        rc = db_meta_set(db, "last_import", im->now, err);
    if (!rc)
        rc = db_filters_build(db, im->now, err);
    if (!rc)
        rc = db_coverage_build(db, im->now, err);
    db_flusher_stop(im->flusher);
    im->flusher = NULL;
    if (!rc)
        rc = db_exec(db, "COMMIT", err);
    db_filters_release(db); /* this handle's lookups read the new ones */
    if (rc)
        sqlite3_exec(db->h, "ROLLBACK", NULL, NULL, NULL);
    if (im->bulk) {
        /* the planner's statistics from a sample of each index (SQLite's analysis_limit): the
         * same plans for medsec's queries, in 10 ms instead of most of a second */
        if (!rc)
            sqlite3_exec(db->h, "PRAGMA analysis_limit=1000; ANALYZE", NULL, NULL, NULL);
        sqlite3_exec(db->h, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
    }
    return rc;
}

medsec_err medsec_db_import(struct medsec_db *db, const char *const *paths, size_t n,
                            const struct medsec_db_import_opts *opts,
                            struct medsec_db_import_stats *stats, struct medsec_diags *diags,
                            struct medsec_error *err)
{
    DB_CTX_ENTER(db->ctx);
    struct medsec_db_import_stats dummy;
    struct medsec_error e2;
    struct importer im;
    if (!stats)
        stats = &dummy;
    if (!err)
        err = &e2;
    medsec_err rc = db_import_begin(&im, db, opts, stats, diags, err);
    if (rc)
        return rc;
    for (size_t i = 0; !rc && i < n; i++)
        rc = db_import_path(&im, paths[i]);
    return db_import_end(&im, rc);
}
