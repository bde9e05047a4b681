/* watch.c: the vulnerability watch (watch.h): rescans of the fleet's releases, "who is exposed",
 * and notifications of new KEV-listed or critical findings by e-mail and webhook. */
#include "watch.h"

#include <curl/curl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "medsec/alloc.h"
#include "medsec/date.h"
#include "medsec/device.h"
#include "medsec/json.h"
#include "medsec/triage.h"
#include "medsec/vex.h"
#include "watch_util.h"

/* ---- schema ------------------------------------------------------------------------------- */

/* cvss_tenths: the chosen CVSS base score times ten (98 = 9.8), NULL when none; epss_ppm: the
 * EPSS probability in millionths, NULL when none. */
#define WATCH_SCHEMA_1(ID)                                                                          \
    "CREATE TABLE release_findings(id " ID ", release_id BIGINT NOT NULL REFERENCES releases(id),"  \
    " vuln_id TEXT NOT NULL, aliases TEXT NOT NULL DEFAULT '', summary TEXT,"                       \
    " severity TEXT NOT NULL DEFAULT 'unknown', cvss_tenths BIGINT, kev BIGINT NOT NULL DEFAULT 0," \
    " epss_ppm BIGINT, fixed_version TEXT, components TEXT NOT NULL DEFAULT '',"                    \
    " first_seen BIGINT NOT NULL, last_seen BIGINT NOT NULL, gone_at BIGINT,"                       \
    " triage_state TEXT NOT NULL DEFAULT 'in_triage', triage_at BIGINT,"                            \
    " fixed_release_id BIGINT REFERENCES releases(id), UNIQUE(release_id, vuln_id));"               \
    "CREATE INDEX release_findings_vuln ON release_findings(vuln_id, gone_at, release_id);"         \
    "CREATE INDEX release_findings_open ON release_findings(gone_at, release_id);"                  \
    "CREATE TABLE watch_runs(id " ID ", started_at BIGINT NOT NULL, finished_at BIGINT,"            \
    " vulndb_mtime BIGINT, vulndb_size BIGINT, releases BIGINT NOT NULL DEFAULT 0,"                 \
    " findings BIGINT NOT NULL DEFAULT 0, new_findings BIGINT NOT NULL DEFAULT 0,"                  \
    " gone BIGINT NOT NULL DEFAULT 0, notifications BIGINT NOT NULL DEFAULT 0, by_user TEXT,"       \
    " note TEXT);"                                                                                  \
    "CREATE TABLE watch_subscriptions(id " ID ", kind TEXT NOT NULL CHECK(kind IN"                  \
    " ('email','webhook')), target TEXT NOT NULL, created_at BIGINT NOT NULL,"                      \
    " disabled BIGINT NOT NULL DEFAULT 0, UNIQUE(kind, target));"                                   \
    "CREATE TABLE watch_events(id " ID ", event_key TEXT NOT NULL UNIQUE, vuln_id TEXT NOT NULL,"   \
    " reason TEXT NOT NULL, created_at BIGINT NOT NULL);"                                           \
    "CREATE TABLE notifications(id " ID ", event_id BIGINT NOT NULL REFERENCES watch_events(id),"   \
    " subscription_id BIGINT NOT NULL REFERENCES watch_subscriptions(id), kind TEXT NOT NULL,"      \
    " target TEXT NOT NULL, subject TEXT NOT NULL, payload TEXT NOT NULL,"                          \
    " status TEXT NOT NULL DEFAULT 'pending', attempts BIGINT NOT NULL DEFAULT 0,"                  \
    " last_error TEXT, created_at BIGINT NOT NULL, next_attempt_at BIGINT NOT NULL,"                \
    " sent_at BIGINT, UNIQUE(event_id, subscription_id));"                                          \
    "CREATE INDEX notifications_due ON notifications(status, next_attempt_at);"

static const struct sdb_migration watch_steps[] = {
    {WATCH_SCHEMA_1("INTEGER PRIMARY KEY"), WATCH_SCHEMA_1("BIGSERIAL PRIMARY KEY")},
};

medsec_err srv_watch_migrate(struct sdb *db, struct medsec_error *err)
{
    return sdb_migrate(db, "watch", watch_steps, sizeof watch_steps / sizeof *watch_steps, err);
}

/* ---- rescan: scanning (no transaction held) ------------------------------------------------ */

struct rel {
    int64_t id, security_version, released_at, devices;
    char *version;
    bool scanned;
};

/* One release x vulnerability, as this scan found it. */
struct agg {
    int64_t release_id;
    char *vuln, *summary, *fixed, *severity;
    struct medsec_buf aliases, components;
    int64_t cvss; /* tenths, -1 none */
    int64_t epss; /* ppm, -1 none */
    bool kev;
    int state_rank; /* of the triage state chosen so far */
    const char *state;
    int64_t triage_at; /* 0: none */
    bool undecided;    /* a component's finding is not decided */
};

struct scan {
    struct agg *a;
    size_t n, cap;
    struct rel *rels;
    size_t nrels;
    int64_t model_id;
};

static void scan_free(struct scan *s)
{
    for (size_t i = 0; i < s->n; i++) {
        medsec_free(s->a[i].vuln);
        medsec_free(s->a[i].summary);
        medsec_free(s->a[i].fixed);
        medsec_free(s->a[i].severity);
        medsec_buf_release(&s->a[i].aliases);
        medsec_buf_release(&s->a[i].components);
    }
    medsec_free(s->a);
    for (size_t i = 0; i < s->nrels; i++)
        medsec_free(s->rels[i].version);
    medsec_free(s->rels);
    memset(s, 0, sizeof *s);
}

static struct agg *agg_get(struct scan *s, int64_t release_id, const char *vuln, bool make)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->a[i].release_id == release_id && strcmp(s->a[i].vuln, vuln) == 0)
            return &s->a[i];
    if (!make)
        return NULL;
    if (s->n == s->cap) {
        size_t nc = s->cap ? s->cap * 2 : 32;
        struct agg *na = medsec_realloc(s->a, nc * sizeof *na);
        if (!na)
            return NULL;
        s->a = na;
        s->cap = nc;
    }
    struct agg *g = &s->a[s->n];
    memset(g, 0, sizeof *g);
    g->release_id = release_id;
    g->vuln = medsec_strdup(vuln);
    g->cvss = -1;
    g->epss = -1;
    g->state = "in_triage";
    medsec_buf_init(&g->aliases, 8192);
    medsec_buf_init(&g->components, 8192);
    if (!g->vuln)
        return NULL;
    s->n++;
    return g;
}

/* Append @item to a comma-separated list unless it is there already. */
static void list_add(struct medsec_buf *b, const char *item)
{
    if (!item || !*item)
        return;
    const char *p = b->data;
    size_t n = strlen(item);
    while (p && *p) {
        const char *e = strchr(p, ',');
        size_t len = e ? (size_t)(e - p) : strlen(p);
        if (len == n && memcmp(p, item, n) == 0)
            return;
        p = e ? e + 1 : NULL;
    }
    if (b->len)
        medsec_buf_addc(b, ',');
    medsec_buf_adds(b, item);
}

static struct rel *rel_by_version(struct scan *s, const char *version)
{
    for (size_t i = 0; version && i < s->nrels; i++)
        if (strcmp(s->rels[i].version, version) == 0)
            return &s->rels[i];
    return NULL;
}

/* The rank of a triage state for a release: the one that says most about exposure wins. */
static int state_rank(enum medsec_vex_state st)
{
    switch (st) {
    case MEDSEC_VEX_EXPLOITABLE: return 5;
    case MEDSEC_VEX_IN_TRIAGE: return 4;
    case MEDSEC_VEX_NOT_AFFECTED: return 3;
    case MEDSEC_VEX_RESOLVED:
    case MEDSEC_VEX_RESOLVED_PEDIGREE: return 2;
    default: return 1;
    }
}

static const char *base_name(const char *p)
{
    size_t n = strlen(p);
    while (n > 1 && p[n - 1] == '/')
        n--;
    const char *b = p + n;
    while (b > p && b[-1] != '/')
        b--;
    return b;
}

static bool same_base(const char *a, const char *b)
{
    const char *x = base_name(a), *y = base_name(b);
    size_t nx = strcspn(x, "/"), ny = strcspn(y, "/");
    return nx == ny && nx > 0 && memcmp(x, y, nx) == 0;
}

/* The model a device folder belongs to: 0 when none. */
static medsec_err find_model(struct sdb *db, const char *dir, const char *name, int64_t *model,
                             struct medsec_error *err)
{
    struct sdb_rows *r;
    medsec_err rc =
        sdb_query(db, "SELECT id, name, device_dir FROM models ORDER BY id", NULL, 0, &r, err);
    if (rc)
        return rc;
    *model = 0;
    int st = 0;
    int64_t by_base = 0, by_name = 0;
    while ((st = sdb_step(r, err)) > 0) {
        const char *n = sdb_text(r, 1), *d = sdb_text(r, 2);
        if (d && strcmp(d, dir) == 0) {
            *model = sdb_int(r, 0);
            break;
        }
        if (!by_base && d && same_base(d, dir))
            by_base = sdb_int(r, 0);
        if (!by_name && n && name && strcmp(n, name) == 0)
            by_name = sdb_int(r, 0);
    }
    sdb_rows_free(r);
    if (st < 0)
        return err->code ? err->code : MEDSEC_EDB;
    if (!*model) /* the same folder, else one of the same name, else the device's name */
        *model = by_base ? by_base : by_name;
    return MEDSEC_OK;
}

static medsec_err load_releases(struct sdb *db, struct scan *s, struct medsec_error *err)
{
    struct sdb_val p[] = {SDB_I(s->model_id)};
    struct sdb_rows *r;
    medsec_err rc = sdb_query(db,
                              "SELECT r.id, r.version, r.security_version, r.released_at,"
                              " (SELECT COUNT(*) FROM devices d WHERE d.release_id = r.id AND"
                              " d.status = 'active') FROM releases r WHERE r.model_id = $1"
                              " ORDER BY r.security_version, r.released_at, r.id",
                              p, 1, &r, err);
    if (rc)
        return rc;
    int st = 0;
    size_t cap = 0;
    while ((st = sdb_step(r, err)) > 0) {
        if (s->nrels == cap) {
            size_t nc = cap ? cap * 2 : 16;
            struct rel *nr = medsec_realloc(s->rels, nc * sizeof *nr);
            if (!nr) {
                sdb_rows_free(r);
                return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
            }
            s->rels = nr;
            cap = nc;
        }
        struct rel *x = &s->rels[s->nrels];
        memset(x, 0, sizeof *x);
        x->id = sdb_int(r, 0);
        x->version = medsec_strdup(sdb_text(r, 1) ? sdb_text(r, 1) : "");
        x->security_version = sdb_int(r, 2);
        x->released_at = sdb_int(r, 3);
        x->devices = sdb_int(r, 4);
        if (!x->version) {
            sdb_rows_free(r);
            return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        }
        s->nrels++;
    }
    sdb_rows_free(r);
    return st < 0 ? (err->code ? err->code : MEDSEC_EDB) : MEDSEC_OK;
}

static int64_t date_secs(const char *d)
{
    long days;
    return d && medsec_date_parse(d, &days) ? (int64_t)days * 86400 : 0;
}

/* Scan one device folder into @s (its model already found, its releases loaded). */
static medsec_err scan_dir(struct scan *s, struct medsec_db *vdb, const char *dir, int64_t now,
                           unsigned flags, struct medsec_error *err)
{
    struct medsec_scan_plan *plan = NULL;
    struct medsec_triage *tri = NULL;
    struct medsec_triage_report rep;
    memset(&rep, 0, sizeof rep);
    const struct medsec_scan_target **targets = NULL;
    char *tpath = NULL;
    medsec_err rc = medsec_scan_plan_new(NULL, &plan, err);
    if (rc)
        goto out;
    if ((rc = medsec_scan_plan_add(plan, dir, NULL, err)))
        goto out;
    size_t failed = 0;
    if ((rc = medsec_scan_plan_run(plan, vdb, NULL, NULL, NULL, &failed, err)))
        goto out;
    size_t nt = medsec_scan_plan_count(plan), nsel = 0;
    targets = medsec_calloc(nt ? nt : 1, sizeof *targets);
    if (!targets) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < nt; i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(plan, i);
        struct rel *r = rel_by_version(s, t->version);
        if (!r || ((flags & SRV_WATCH_FIELDED_ONLY) && r->devices == 0))
            continue;
        r->scanned = true;
        targets[nsel++] = t;
        for (size_t k = 0; k < t->result.nfindings; k++) {
            const struct medsec_scan_finding *f = &t->result.findings[k];
            if (f->withdrawn)
                continue;
            const struct medsec_scan_vuln *v = f->vuln;
            struct agg *g = agg_get(s, r->id, v->id, true);
            if (!g) {
                rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
                goto out;
            }
            for (size_t a = 0; a < v->naliases; a++)
                list_add(&g->aliases, v->aliases[a]);
            const struct medsec_sbom_component *c = &t->sbom->components[f->component];
            list_add(&g->components, c->name);
            int64_t cv = v->cvss_score >= 0 ? (int64_t)(v->cvss_score * 10 + 0.5) : -1;
            if (cv > g->cvss || !g->severity) {
                if (cv > g->cvss)
                    g->cvss = cv;
                medsec_free(g->severity);
                g->severity = medsec_strdup(medsec_cvss_severity_name(v->severity));
            }
            if (v->kev)
                g->kev = true;
            if (v->has_epss)
                g->epss = (int64_t)(v->epss * 1e6 + 0.5);
            if (!g->summary && v->summary)
                g->summary = medsec_strdup(v->summary);
            if (!g->fixed && f->nfixed)
                g->fixed = medsec_strdup(f->fixed[0]);
        }
    }
    /* the triage file's decisions */
    const struct medsec_model *m = nt ? medsec_scan_plan_target(plan, 0)->model : NULL;
    tpath = medsec_triage_path(dir, m);
    if ((rc = medsec_triage_new(&tri, err)))
        goto out;
    struct stat sst;
    if (tpath && stat(tpath, &sst) == 0 && (rc = medsec_triage_read(tri, tpath, err)))
        goto out;
    char today[11];
    medsec_date_format(now, today);
    const struct medsec_triage_assess_opts ao = {today, NULL, true};
    if ((rc = medsec_triage_assess_targets(tri, vdb, targets, nsel, &ao, &rep, err)))
        goto out;
    for (size_t i = 0; i < rep.nitems; i++) {
        const struct medsec_triage_item *it = &rep.items[i];
        if (!it->finding || !it->target)
            continue;
        struct rel *r = rel_by_version(s, it->target->version);
        struct agg *g = r ? agg_get(s, r->id, it->finding->vuln->id, false) : NULL;
        if (!g)
            continue;
        bool decided = medsec_triage_item_decided(it);
        enum medsec_vex_state st = decided ? it->state : MEDSEC_VEX_IN_TRIAGE;
        if (!decided)
            g->undecided = true;
        int rank = state_rank(st);
        if (rank > g->state_rank) {
            g->state_rank = rank;
            g->state = medsec_vex_state_name(st);
        }
        const char *at = NULL;
        if (decided && it->decision && it->decision->at)
            at = it->decision->at;
        else if (decided && it->rule && it->rule->at)
            at = it->rule->at;
        int64_t ts = date_secs(at);
        if (ts > g->triage_at)
            g->triage_at = ts;
    }
out:
    medsec_triage_report_release(&rep);
    medsec_triage_free(tri);
    medsec_free(tpath);
    medsec_free(targets);
    medsec_scan_plan_free(plan);
    return rc;
}

/* ---- rescan: writing (one transaction) ----------------------------------------------------- */

struct event {
    int64_t id;
    char vuln[128];
    const char *reason;
};

static medsec_err upsert(struct sdb *db, struct scan *s, int64_t now, struct srv_watch_stats *st,
                         struct medsec_error *err)
{
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < s->n && !rc; i++) {
        struct agg *g = &s->a[i];
        const char *state = g->undecided && g->state_rank < 4 ? "in_triage" : g->state;
        struct sdb_val p[] = {
            SDB_I(g->release_id),
            SDB_S(g->vuln),
            SDB_S(g->aliases.data),
            g->summary ? SDB_S(g->summary) : SDB_NUL,
            SDB_S(g->severity ? g->severity : "unknown"),
            g->cvss >= 0 ? SDB_I(g->cvss) : SDB_NUL,
            SDB_I(g->kev),
            g->epss >= 0 ? SDB_I(g->epss) : SDB_NUL,
            g->fixed ? SDB_S(g->fixed) : SDB_NUL,
            SDB_S(g->components.data),
            SDB_I(now),
            SDB_S(state),
            g->triage_at && !g->undecided ? SDB_I(g->triage_at) : SDB_NUL,
        };
        int64_t changed = 0;
        rc = sdb_exec(db,
                      "UPDATE release_findings SET aliases = $3, summary = $4, severity = $5,"
                      " cvss_tenths = $6, kev = $7, epss_ppm = $8, fixed_version = $9,"
                      " components = $10, last_seen = $11, gone_at = NULL, triage_state = $12,"
                      " triage_at = $13 WHERE release_id = $1 AND vuln_id = $2",
                      p, 13, &changed, err);
        if (rc || changed)
            continue;
        int64_t id;
        rc = sdb_insert_id(db,
                           "INSERT INTO release_findings(release_id, vuln_id, aliases, summary,"
                           " severity, cvss_tenths, kev, epss_ppm, fixed_version, components,"
                           " first_seen, last_seen, triage_state, triage_at) VALUES ($1, $2, $3,"
                           " $4, $5, $6, $7, $8, $9, $10, $11, $11, $12, $13)",
                           p, 13, &id, err);
        if (!rc && st)
            st->new_findings++;
    }
    if (st)
        st->findings += s->n;
    /* what this scan no longer finds in the releases it scanned */
    for (size_t i = 0; i < s->nrels && !rc; i++) {
        if (!s->rels[i].scanned)
            continue;
        struct sdb_val p[] = {SDB_I(s->rels[i].id), SDB_I(now)};
        int64_t gone = 0;
        rc = sdb_exec(db,
                      "UPDATE release_findings SET gone_at = $2 WHERE release_id = $1 AND"
                      " last_seen < $2 AND gone_at IS NULL",
                      p, 2, &gone, err);
        if (st) {
            st->gone += (size_t)gone;
            st->releases++;
        }
    }
    return rc;
}

/* The fixing release of every open finding of the model: the first scanned release after the
 * highest release that has it, which does not have it. */
static medsec_err set_fixing(struct sdb *db, struct scan *s, struct medsec_error *err)
{
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < s->n && !rc; i++) {
        struct agg *g = &s->a[i];
        /* process each vulnerability once: at its first entry */
        bool first = true;
        for (size_t k = 0; k < i && first; k++)
            if (strcmp(s->a[k].vuln, g->vuln) == 0)
                first = false;
        if (!first)
            continue;
        size_t last = 0;
        bool any = false;
        for (size_t r = 0; r < s->nrels; r++)
            if (agg_get(s, s->rels[r].id, g->vuln, false)) {
                last = r;
                any = true;
            }
        int64_t fix = 0;
        for (size_t r = any ? last + 1 : s->nrels; r < s->nrels && !fix; r++)
            if (s->rels[r].scanned && !agg_get(s, s->rels[r].id, g->vuln, false))
                fix = s->rels[r].id;
        for (size_t r = 0; r < s->nrels && !rc; r++) {
            if (!agg_get(s, s->rels[r].id, g->vuln, false))
                continue;
            struct sdb_val p[] = {fix ? SDB_I(fix) : SDB_NUL, SDB_I(s->rels[r].id), SDB_S(g->vuln)};
            rc = sdb_exec(db,
                          "UPDATE release_findings SET fixed_release_id = $1 WHERE release_id"
                          " = $2 AND vuln_id = $3",
                          p, 3, NULL, err);
        }
    }
    return rc;
}

/* The events of this scan: one per vulnerability and reason ("kev", "critical") for open findings
 * on releases with active devices, made once ever. */
static medsec_err make_events(struct sdb *db, struct scan *s, int64_t now, struct event **ev,
                              size_t *nev, size_t *cap, struct medsec_error *err)
{
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < s->n && !rc; i++) {
        struct agg *g = &s->a[i];
        struct rel *r = NULL;
        for (size_t k = 0; k < s->nrels; k++)
            if (s->rels[k].id == g->release_id)
                r = &s->rels[k];
        if (!r || r->devices == 0)
            continue;
        const char *reasons[2] = {g->kev ? "kev" : NULL,
                                  g->cvss >= (int64_t)(SRV_WATCH_CRITICAL * 10) ? "critical"
                                                                                : NULL};
        for (int k = 0; k < 2 && !rc; k++) {
            if (!reasons[k])
                continue;
            char key[192];
            snprintf(key, sizeof key, "%s:%s", g->vuln, reasons[k]);
            struct sdb_val q[] = {wu_s(key)};
            int64_t have;
            rc = sdb_query_int(db, "SELECT id FROM watch_events WHERE event_key = $1", q, 1, &have,
                               err);
            if (rc == MEDSEC_OK)
                continue; /* made before (this scan or an earlier one) */
            if (rc != MEDSEC_ENOTFOUND)
                break;
            struct sdb_val p[] = {wu_s(key), SDB_S(g->vuln), SDB_S(reasons[k]), SDB_I(now)};
            int64_t id;
            if ((rc = sdb_insert_id(db,
                                    "INSERT INTO watch_events(event_key, vuln_id, reason,"
                                    " created_at) VALUES ($1, $2, $3, $4)",
                                    p, 4, &id, err)))
                break;
            if (*nev == *cap) {
                size_t nc = *cap ? *cap * 2 : 8;
                struct event *ne = medsec_realloc(*ev, nc * sizeof *ne);
                if (!ne)
                    return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
                *ev = ne;
                *cap = nc;
            }
            struct event *e = &(*ev)[(*nev)++];
            e->id = id;
            snprintf(e->vuln, sizeof e->vuln, "%s", g->vuln);
            e->reason = reasons[k];
        }
    }
    return rc;
}

/* The text and JSON of one event: the vulnerability and its fielded releases with device counts. */
static medsec_err describe_event(struct sdb *db, const struct event *e, int64_t now,
                                 struct medsec_buf *subject, struct medsec_buf *text,
                                 struct medsec_buf *json, struct medsec_error *err)
{
    struct sdb_val p[] = {SDB_S(e->vuln)};
    struct sdb_rows *r;
    medsec_err rc = sdb_query(
        db,
        "SELECT m.name, rl.version, f.severity, f.cvss_tenths, f.kev, f.summary, f.aliases,"
        " (SELECT COUNT(*) FROM devices d WHERE d.release_id = rl.id AND d.status = 'active'),"
        " fx.version FROM release_findings f JOIN releases rl ON rl.id = f.release_id"
        " JOIN models m ON m.id = rl.model_id LEFT JOIN releases fx ON fx.id = f.fixed_release_id"
        " WHERE f.vuln_id = $1 AND f.gone_at IS NULL ORDER BY m.name, rl.security_version,"
        " rl.id",
        p, 1, &r, err);
    if (rc)
        return rc;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, json, 0);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "event", e->reason);
    medsec_jsonw_kv_string(&w, "vulnerability", e->vuln);
    char t[21];
    medsec_time_format(now, t);
    medsec_jsonw_kv_string(&w, "at", t);
    medsec_jsonw_key(&w, "releases");
    medsec_jsonw_array_begin(&w);
    int st = 0;
    int64_t devices = 0, nrel = 0, cvss = -1;
    bool kev = false;
    struct medsec_buf lines = MEDSEC_BUF_INIT;
    char summary[512] = "", aliases[512] = "";
    while ((st = sdb_step(r, err)) > 0) {
        int64_t n = sdb_int(r, 7);
        if (n == 0)
            continue;
        nrel++;
        devices += n;
        if (!sdb_is_null(r, 3) && sdb_int(r, 3) > cvss)
            cvss = sdb_int(r, 3);
        kev = kev || sdb_int(r, 4);
        if (!summary[0] && sdb_text(r, 5))
            snprintf(summary, sizeof summary, "%s", sdb_text(r, 5));
        if (!aliases[0] && sdb_text(r, 6))
            snprintf(aliases, sizeof aliases, "%s", sdb_text(r, 6));
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "model", sdb_text(r, 0));
        medsec_jsonw_kv_string(&w, "version", sdb_text(r, 1));
        medsec_jsonw_kv_int(&w, "devices", n);
        medsec_jsonw_kv_string(&w, "fixed_in", sdb_text(r, 8));
        medsec_jsonw_object_end(&w);
        medsec_buf_addf(&lines, "  - %s %s: %lld devices; fixed in %s\r\n", sdb_text(r, 0),
                        sdb_text(r, 1), (long long)n,
                        sdb_text(r, 8) ? sdb_text(r, 8) : "(none yet)");
    }
    sdb_rows_free(r);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_int(&w, "devices", devices);
    medsec_jsonw_key(&w, "cvss");
    if (cvss >= 0)
        medsec_jsonw_fixed(&w, (double)cvss / 10, 1);
    else
        medsec_jsonw_null(&w);
    medsec_jsonw_kv_bool(&w, "kev", kev);
    medsec_jsonw_kv_string(&w, "aliases", aliases);
    medsec_jsonw_kv_string(&w, "summary", summary);
    medsec_jsonw_object_end(&w);
    rc = medsec_jsonw_finish(&w);
    if (st < 0 && !rc)
        rc = err->code ? err->code : MEDSEC_EDB;
    const char *why = strcmp(e->reason, "kev") == 0 ? "KEV-listed (known exploited)" : "critical";
    medsec_buf_addf(subject, "[medsec] %s %s on %lld fielded release%s (%lld devices)", why,
                    e->vuln, (long long)nrel, nrel == 1 ? "" : "s", (long long)devices);
    medsec_buf_addf(text,
                    "The vulnerability watch found %s on releases in the field.\r\n\r\n"
                    "Vulnerability: %s%s%s%s\r\n",
                    e->vuln, e->vuln, aliases[0] ? " (" : "", aliases, aliases[0] ? ")" : "");
    if (cvss >= 0)
        medsec_buf_addf(text, "CVSS base score: %.1f\r\n", (double)cvss / 10);
    medsec_buf_addf(text, "Known exploited (CISA KEV): %s\r\n", kev ? "yes" : "no");
    if (summary[0])
        medsec_buf_addf(text, "Summary: %s\r\n", summary);
    medsec_buf_addf(text, "\r\nExposed devices: %lld, on these releases:\r\n%s", (long long)devices,
                    lines.data);
    medsec_buf_release(&lines);
    return rc;
}

static medsec_err queue_event(struct sdb *db, const struct event *e, int64_t now, size_t *queued,
                              struct medsec_error *err)
{
    struct medsec_buf subject = MEDSEC_BUF_INIT, text = MEDSEC_BUF_INIT, json = MEDSEC_BUF_INIT;
    medsec_err rc = describe_event(db, e, now, &subject, &text, &json, err);
    struct sdb_rows *r = NULL;
    if (!rc)
        rc = sdb_query(db,
                       "SELECT id, kind, target FROM watch_subscriptions WHERE disabled = 0"
                       " ORDER BY id",
                       NULL, 0, &r, err);
    int st = 0;
    while (!rc && (st = sdb_step(r, err)) > 0) {
        bool mail = strcmp(sdb_text(r, 1), "email") == 0;
        struct sdb_val p[] = {SDB_I(e->id),
                              SDB_I(sdb_int(r, 0)),
                              SDB_S(sdb_text(r, 1)),
                              SDB_S(sdb_text(r, 2)),
                              SDB_S(subject.data),
                              SDB_S(mail ? text.data : json.data),
                              SDB_I(now)};
        int64_t id;
        rc = sdb_insert_id(db,
                           "INSERT INTO notifications(event_id, subscription_id, kind, target,"
                           " subject, payload, status, attempts, created_at, next_attempt_at)"
                           " VALUES ($1, $2, $3, $4, $5, $6, 'pending', 0, $7, $7)",
                           p, 7, &id, err);
        if (!rc)
            (*queued)++;
    }
    if (st < 0 && !rc)
        rc = err->code ? err->code : MEDSEC_EDB;
    sdb_rows_free(r);
    medsec_buf_release(&subject);
    medsec_buf_release(&text);
    medsec_buf_release(&json);
    return rc;
}

medsec_err srv_watch_rescan(struct sdb *db, const char *vulndb_path, const char *const *dirs,
                            size_t ndirs, int64_t now, unsigned flags, struct srv_req *rq,
                            struct srv_watch_stats *st, struct medsec_error *err)
{
    struct srv_watch_stats local;
    if (!st)
        st = &local;
    memset(st, 0, sizeof *st);
    if (!vulndb_path)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "no vulnerability database configured");
    struct stat vst;
    if (stat(vulndb_path, &vst) != 0)
        return medsec_error_set(err, MEDSEC_EIO, vulndb_path, 0, 0,
                                "the vulnerability database cannot be read");
    struct medsec_db *vdb = NULL;
    medsec_err rc = medsec_db_open(NULL, vulndb_path, MEDSEC_DB_READONLY, &vdb, err);
    if (rc)
        return rc;
    struct scan *scans = medsec_calloc(ndirs ? ndirs : 1, sizeof *scans);
    struct event *ev = NULL;
    size_t nev = 0, evcap = 0;
    if (!scans) {
        medsec_db_close(vdb);
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    /* scan first, with no transaction held: check-ins go on meanwhile */
    for (size_t i = 0; i < ndirs && !rc; i++) {
        struct medsec_scan_plan *plan = NULL;
        struct medsec_error e2;
        const char *name = NULL;
        char namebuf[256] = "";
        if (medsec_scan_plan_new(NULL, &plan, &e2) == MEDSEC_OK &&
            medsec_scan_plan_add(plan, dirs[i], NULL, &e2) == MEDSEC_OK &&
            medsec_scan_plan_count(plan) && medsec_scan_plan_target(plan, 0)->device) {
            snprintf(namebuf, sizeof namebuf, "%s", medsec_scan_plan_target(plan, 0)->device);
            name = namebuf;
        }
        medsec_scan_plan_free(plan);
        if ((rc = find_model(db, dirs[i], name, &scans[i].model_id, err)))
            break;
        if (!scans[i].model_id) {
            size_t ul = strlen(st->unmatched);
            snprintf(st->unmatched + ul, sizeof st->unmatched - ul, "%s%s", ul ? "," : "",
                     base_name(dirs[i]));
            continue;
        }
        st->models++;
        if ((rc = load_releases(db, &scans[i], err)))
            break;
        rc = scan_dir(&scans[i], vdb, dirs[i], now, flags, err);
        if (rc && rc != MEDSEC_ENOMEM && rc != MEDSEC_EDB) {
            /* a folder that cannot be scanned (no SBOM, a broken file) is noted, not fatal: the
             * other models are still watched and this one's rows stay as they were */
            size_t ul = strlen(st->unmatched);
            snprintf(st->unmatched + ul, sizeof st->unmatched - ul, "%s%s (%s)", ul ? "," : "",
                     base_name(dirs[i]), medsec_strerror(rc));
            scan_free(&scans[i]);
            st->models--;
            rc = MEDSEC_OK;
        }
    }
    medsec_db_close(vdb);
    if (rc)
        goto out;
    /* then write it all in one transaction: our own, or the caller's when it has one */
    bool own = !sdb_in_tx(db);
    if (own && (rc = sdb_begin(db, err)))
        goto out;
    for (size_t i = 0; i < ndirs && !rc; i++) {
        if (!scans[i].model_id)
            continue;
        if (!(rc = upsert(db, &scans[i], now, st, err)) && !(rc = set_fixing(db, &scans[i], err)))
            rc = make_events(db, &scans[i], now, &ev, &nev, &evcap, err);
    }
    for (size_t i = 0; i < nev && !rc; i++)
        rc = queue_event(db, &ev[i], now, &st->notifications, err);
    if (!rc) {
        struct sdb_val p[] = {SDB_I(now),
                              SDB_I((int64_t)vst.st_mtime),
                              SDB_I((int64_t)vst.st_size),
                              SDB_I(st->releases),
                              SDB_I(st->findings),
                              SDB_I(st->new_findings),
                              SDB_I(st->gone),
                              SDB_I(st->notifications),
                              rq && rq->user ? SDB_S(rq->user->name) : SDB_S("server"),
                              st->unmatched[0] ? SDB_S(st->unmatched) : SDB_NUL};
        rc = sdb_insert_id(db,
                           "INSERT INTO watch_runs(started_at, finished_at, vulndb_mtime,"
                           " vulndb_size, releases, findings, new_findings, gone, notifications,"
                           " by_user, note) VALUES ($1, $1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                           p, 10, &st->run_id, err);
    }
    if (!rc && rq) {
        char obj[64], detail[256];
        snprintf(obj, sizeof obj, "watch_run/%lld", (long long)st->run_id);
        snprintf(detail, sizeof detail,
                 "{\"releases\":%zu,\"findings\":%zu,\"new\":%zu,\"gone\":%zu,"
                 "\"notifications\":%zu}",
                 st->releases, st->findings, st->new_findings, st->gone, st->notifications);
        rc = srv_audit(rq, "watch.rescan", obj, detail, err);
    }
    if (own && rc)
        sdb_rollback(db);
    else if (own)
        rc = sdb_commit(db, err);
out:
    for (size_t i = 0; i < ndirs; i++)
        scan_free(&scans[i]);
    medsec_free(scans);
    medsec_free(ev);
    return rc;
}

/* ---- delivery ------------------------------------------------------------------------------ */

void srv_watch_hmac_hex(const char *key, const char *body, size_t len, char out[65])
{
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_state s;
    crypto_auth_hmacsha256_init(&s, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&s, (const unsigned char *)body, len);
    crypto_auth_hmacsha256_final(&s, mac);
    sodium_bin2hex(out, 65, mac, sizeof mac);
}

/* A header value with no line breaks or other control characters. */
static void add_header(struct medsec_buf *b, const char *name, const char *value)
{
    medsec_buf_adds(b, name);
    medsec_buf_adds(b, ": ");
    for (const char *p = value ? value : ""; *p; p++)
        medsec_buf_addc(b, (unsigned char)*p < 0x20 || *p == 0x7f ? ' ' : *p);
    medsec_buf_adds(b, "\r\n");
}

medsec_err srv_watch_mail_format(struct medsec_buf *out, const char *from, const char *to,
                                 const char *subject, const char *body, int64_t date,
                                 const char *message_id)
{
    static const char *const days[] = {"Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"};
    static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                         "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    char d[11], t[21], datebuf[64];
    medsec_date_format(date, d);
    medsec_time_format(date, t);
    int mon = atoi(d + 5);
    snprintf(datebuf, sizeof datebuf, "%s, %d %s %.4s %.8s +0000", days[(date / 86400) % 7],
             atoi(d + 8), months[(mon >= 1 && mon <= 12) ? mon - 1 : 0], d, t + 11);
    medsec_buf_reset(out);
    add_header(out, "Date", datebuf);
    add_header(out, "From", from);
    add_header(out, "To", to);
    add_header(out, "Subject", subject);
    add_header(out, "Message-ID", message_id);
    add_header(out, "MIME-Version", "1.0");
    add_header(out, "Content-Type", "text/plain; charset=UTF-8");
    add_header(out, "Content-Transfer-Encoding", "8bit");
    medsec_buf_adds(out, "\r\n");
    /* the body with CRLF line ends; a line that is a lone "." is dot-stuffed by curl */
    for (const char *p = body; *p; p++) {
        if (*p == '\n' && (p == body || p[-1] != '\r'))
            medsec_buf_addc(out, '\r');
        medsec_buf_addc(out, *p);
    }
    if (out->len < 2 || memcmp(out->data + out->len - 2, "\r\n", 2) != 0)
        medsec_buf_adds(out, "\r\n");
    return out->len ? MEDSEC_OK : MEDSEC_ENOMEM;
}

struct reader {
    const char *p;
    size_t left;
};

static size_t read_cb(char *buf, size_t size, size_t n, void *ud)
{
    struct reader *r = ud;
    size_t k = size * n < r->left ? size * n : r->left;
    memcpy(buf, r->p, k);
    r->p += k;
    r->left -= k;
    return k;
}

static size_t sink_cb(char *buf, size_t size, size_t n, void *ud)
{
    (void)buf;
    (void)ud;
    return size * n;
}

static bool send_mail(const struct srv_config *cfg, const char *to, const char *subject,
                      const char *text, int64_t now, int64_t id, char *why, size_t cap)
{
    if (!cfg->smtp_url || !*cfg->smtp_url) {
        snprintf(why, cap, "no SMTP relay configured");
        return false;
    }
    const char *from = cfg->smtp_from && *cfg->smtp_from ? cfg->smtp_from : "medsec@localhost";
    char mid[128], angle_from[300], angle_to[300];
    const char *at = strchr(from, '@');
    snprintf(mid, sizeof mid, "<medsec.%lld.%lld@%s>", (long long)id, (long long)now,
             at ? at + 1 : "localhost");
    struct medsec_buf msg = MEDSEC_BUF_INIT;
    srv_watch_mail_format(&msg, from, to, subject, text, now, mid);
    snprintf(angle_from, sizeof angle_from, "<%s>", from);
    snprintf(angle_to, sizeof angle_to, "<%s>", to);
    CURL *c = curl_easy_init();
    struct curl_slist *rcpt = curl_slist_append(NULL, angle_to);
    struct reader rd = {msg.data, msg.len};
    char ebuf[CURL_ERROR_SIZE] = "";
    CURLcode cc = CURLE_OUT_OF_MEMORY;
    if (c && rcpt) {
        curl_easy_setopt(c, CURLOPT_URL, cfg->smtp_url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
        curl_easy_setopt(c, CURLOPT_MAIL_FROM, angle_from);
        curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
        curl_easy_setopt(c, CURLOPT_READFUNCTION, read_cb);
        curl_easy_setopt(c, CURLOPT_READDATA, &rd);
        curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
        cc = curl_easy_perform(c);
    }
    if (cc != CURLE_OK)
        snprintf(why, cap, "smtp: %s", ebuf[0] ? ebuf : curl_easy_strerror(cc));
    curl_slist_free_all(rcpt);
    curl_easy_cleanup(c);
    medsec_buf_release(&msg);
    return cc == CURLE_OK;
}

static bool send_hook(const struct srv_config *cfg, const char *url, const char *body,
                      int64_t event_id, char *why, size_t cap)
{
    struct curl_slist *h = curl_slist_append(NULL, "Content-Type: application/json");
    char line[160];
    snprintf(line, sizeof line, "X-Medsec-Event: %lld", (long long)event_id);
    h = h ? curl_slist_append(h, line) : NULL;
    if (h && cfg->webhook_secret && *cfg->webhook_secret) {
        char hex[65];
        srv_watch_hmac_hex(cfg->webhook_secret, body, strlen(body), hex);
        snprintf(line, sizeof line, "X-Medsec-Signature: sha256=%s", hex);
        h = curl_slist_append(h, line);
    }
    CURL *c = curl_easy_init();
    char ebuf[CURL_ERROR_SIZE] = "";
    CURLcode cc = CURLE_OUT_OF_MEMORY;
    long code = 0;
    if (c && h) {
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, sink_cb);
        curl_easy_setopt(c, CURLOPT_TIMEOUT, 20L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_ERRORBUFFER, ebuf);
        cc = curl_easy_perform(c);
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    }
    curl_slist_free_all(h);
    curl_easy_cleanup(c);
    if (cc != CURLE_OK) {
        snprintf(why, cap, "webhook: %s", ebuf[0] ? ebuf : curl_easy_strerror(cc));
        return false;
    }
    if (code < 200 || code > 299) {
        snprintf(why, cap, "webhook: HTTP %ld", code);
        return false;
    }
    return true;
}

struct due {
    int64_t id, event_id, attempts;
    char *kind, *target, *subject, *payload;
};

medsec_err srv_watch_deliver(struct sdb *db, const struct srv_config *cfg, int64_t now,
                             size_t *sent, size_t *failed, struct medsec_error *err)
{
    size_t ns = 0, nf = 0;
    struct due d[32];
    size_t n = 0;
    struct sdb_val p[] = {SDB_I(now)};
    struct sdb_rows *r;
    medsec_err rc = sdb_query(db,
                              "SELECT id, event_id, attempts, kind, target, subject, payload FROM"
                              " notifications WHERE status = 'pending' AND next_attempt_at <= $1"
                              " ORDER BY id LIMIT 32",
                              p, 1, &r, err);
    if (rc)
        return rc;
    int st = 0;
    while ((st = sdb_step(r, err)) > 0 && n < 32) {
        d[n].id = sdb_int(r, 0);
        d[n].event_id = sdb_int(r, 1);
        d[n].attempts = sdb_int(r, 2);
        d[n].kind = medsec_strdup(sdb_text(r, 3));
        d[n].target = medsec_strdup(sdb_text(r, 4));
        d[n].subject = medsec_strdup(sdb_text(r, 5));
        d[n].payload = medsec_strdup(sdb_text(r, 6));
        n++;
    }
    sdb_rows_free(r);
    if (st < 0)
        rc = err->code ? err->code : MEDSEC_EDB;
    for (size_t i = 0; i < n; i++) {
        char why[512] = "";
        bool ok = false;
        if (!rc && d[i].kind && d[i].target && d[i].subject && d[i].payload) {
            if (strcmp(d[i].kind, "email") == 0)
                ok = send_mail(cfg, d[i].target, d[i].subject, d[i].payload, now, d[i].id, why,
                               sizeof why);
            else
                ok = send_hook(cfg, d[i].target, d[i].payload, d[i].event_id, why, sizeof why);
        } else if (!rc) {
            snprintf(why, sizeof why, "out of memory");
        }
        if (!rc) {
            int64_t att = d[i].attempts + 1;
            int64_t delay = (int64_t)60 << (att < 20 ? att : 20);
            const char *status =
                ok ? "sent" : (att >= SRV_WATCH_MAX_ATTEMPTS ? "failed" : "pending");
            struct sdb_val u[] = {SDB_S(status),
                                  SDB_I(att),
                                  ok ? SDB_NUL : wu_s(why),
                                  SDB_I(now + delay),
                                  ok ? SDB_I(now) : SDB_NUL,
                                  SDB_I(d[i].id)};
            rc = sdb_exec(db,
                          "UPDATE notifications SET status = $1, attempts = $2, last_error = $3,"
                          " next_attempt_at = $4, sent_at = $5 WHERE id = $6",
                          u, 6, NULL, err);
            if (ok)
                ns++;
            else
                nf++;
        }
        medsec_free(d[i].kind);
        medsec_free(d[i].target);
        medsec_free(d[i].subject);
        medsec_free(d[i].payload);
    }
    if (sent)
        *sent = ns;
    if (failed)
        *failed = nf;
    return rc;
}

medsec_err srv_watch_poll(struct srv_watch_poller *p, struct sdb *db, const struct srv_config *cfg,
                          int64_t now, bool *ran, struct medsec_error *err)
{
    if (ran)
        *ran = false;
    if (p->checked_at && now - p->checked_at < SRV_WATCH_POLL_SECONDS)
        return srv_watch_deliver(db, cfg, now, NULL, NULL, err);
    bool first = p->checked_at == 0;
    p->checked_at = now;
    struct stat st;
    if (!cfg->vulndb_path || stat(cfg->vulndb_path, &st) != 0)
        return MEDSEC_OK; /* nothing to scan with (yet) */
    bool changed = first || (int64_t)st.st_mtime != p->mtime || (int64_t)st.st_size != p->size;
    if (changed) {
        p->mtime = (int64_t)st.st_mtime;
        p->size = (int64_t)st.st_size;
        medsec_err rc = srv_watch_rescan(db, cfg->vulndb_path, cfg->device_dirs,
                                         cfg->device_dir_count, now, 0, NULL, NULL, err);
        if (rc)
            return rc;
        if (ran)
            *ran = true;
    }
    return srv_watch_deliver(db, cfg, now, NULL, NULL, err);
}

/* ---- routes -------------------------------------------------------------------------------- */

/* The device filter of a hospital account, as SQL on devices d (with parameter $N). */
#define HOSP_FILTER(n)                                                                             \
    " AND ($" #n " = 0 OR d.site_id IN (SELECT id FROM sites WHERE hospital_id = $" #n "))"

static medsec_err h_advisories(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t limit, offset;
    if (!wu_paging(rq, rs, &limit, &offset))
        return MEDSEC_OK;
    int64_t h = wu_hospital(rq);
    const char *kev = wu_param(rq, "kev");
    int64_t only_kev = kev && strcmp(kev, "1") == 0;
    struct medsec_error err;
    int64_t total = 0;
    struct sdb_val c[] = {SDB_I(only_kev)};
    if (sdb_query_int(rq->db,
                      "SELECT COUNT(DISTINCT vuln_id) FROM release_findings WHERE gone_at IS NULL"
                      " AND ($1 = 0 OR kev = 1)",
                      c, 1, &total, &err))
        return wu_fail(rs, &err);
    struct sdb_val p[] = {SDB_I(h), SDB_I(only_kev), SDB_I(limit), SDB_I(offset)};
    struct sdb_rows *r;
    /* the devices of each release with an open finding, counted once (bounded by the fleet, not
     * by the number of advisories times their releases), then summed per advisory */
    static const char sql[] =
        "WITH rc AS (SELECT d.release_id AS release_id, COUNT(*) AS n FROM devices d"
        " WHERE d.status = 'active' AND d.release_id IN (SELECT g.release_id FROM"
        " release_findings g WHERE g.gone_at IS NULL)" HOSP_FILTER(
            1) " GROUP BY d.release_id)"
               " SELECT f.vuln_id, MAX(f.cvss_tenths), MAX(f.kev), MIN(f.first_seen), COUNT(*),"
               " MAX(f.epss_ppm), MIN(f.aliases), MIN(f.summary), MAX(f.severity),"
               " COALESCE(SUM(rc.n), 0), SUM(CASE WHEN f.triage_state = 'in_triage' THEN 1 ELSE 0 END)"
               " FROM release_findings f LEFT JOIN rc ON rc.release_id = f.release_id"
               " WHERE f.gone_at IS NULL AND ($2 = 0 OR f.kev = 1) GROUP BY f.vuln_id"
               " ORDER BY MAX(f.kev) DESC, MAX(f.cvss_tenths) DESC, f.vuln_id LIMIT $3 OFFSET $4";
    if (sdb_query(rq->db, sql, p, 4, &r, &err))
        return wu_fail(rs, &err);
    struct medsec_jsonw w;
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "items");
    medsec_jsonw_array_begin(&w);
    int st = 0;
    while ((st = sdb_step(r, &err)) > 0) {
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "id", sdb_text(r, 0));
        medsec_jsonw_kv_string(&w, "aliases", sdb_text(r, 6));
        medsec_jsonw_kv_string(&w, "summary", sdb_text(r, 7));
        medsec_jsonw_key(&w, "cvss");
        if (sdb_is_null(r, 1))
            medsec_jsonw_null(&w);
        else
            medsec_jsonw_fixed(&w, (double)sdb_int(r, 1) / 10, 1);
        medsec_jsonw_kv_bool(&w, "kev", sdb_int(r, 2) != 0);
        medsec_jsonw_key(&w, "epss");
        if (sdb_is_null(r, 5))
            medsec_jsonw_null(&w);
        else
            medsec_jsonw_fixed(&w, (double)sdb_int(r, 5) / 1e6, 6);
        medsec_jsonw_key(&w, "first_seen");
        wu_json_time(&w, r, 3);
        medsec_jsonw_kv_int(&w, "releases", sdb_int(r, 4));
        medsec_jsonw_kv_int(&w, "devices", sdb_int(r, 9));
        medsec_jsonw_kv_int(&w, "releases_in_triage", sdb_int(r, 10));
        medsec_jsonw_object_end(&w);
    }
    sdb_rows_free(r);
    if (st < 0)
        return wu_fail(rs, &err);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_int(&w, "total", total);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

/* The devices exposed to one advisory, counted in one pass over the fleet's index devices_exposure
 * (release_id, status, site_id): per release, per site and in all. */
struct exposure {
    struct {
        int64_t id, n;
    } * rel, *site;
    size_t nrel, nsite, caprel, capsite;
    int64_t total;
};

static void exposure_free(struct exposure *x)
{
    medsec_free(x->rel);
    medsec_free(x->site);
}

static int64_t exposure_of_release(const struct exposure *x, int64_t release)
{
    for (size_t i = 0; i < x->nrel; i++)
        if (x->rel[i].id == release)
            return x->rel[i].n;
    return 0;
}

static medsec_err exposure_count(struct sdb *db, const char *vuln, int64_t h, struct exposure *x,
                                 struct medsec_error *err)
{
    memset(x, 0, sizeof *x);
    struct sdb_val p[] = {SDB_S(vuln), SDB_I(h)};
    struct sdb_rows *r;
    medsec_err rc =
        sdb_query(db,
                  "SELECT d.release_id, d.site_id, COUNT(*) FROM devices d WHERE"
                  " d.status = 'active' AND d.release_id IN (SELECT g.release_id FROM"
                  " release_findings g WHERE g.vuln_id = $1 AND g.gone_at IS NULL)" HOSP_FILTER(
                      2) " GROUP BY d.release_id, d.site_id",
                  p, 2, &r, err);
    if (rc)
        return rc;
    int st;
    while ((st = sdb_step(r, err)) > 0) {
        int64_t rel = sdb_int(r, 0), site = sdb_int(r, 1), n = sdb_int(r, 2);
        x->total += n;
        if (!x->nrel || x->rel[x->nrel - 1].id != rel) {
            if (medsec_array_reserve(&x->rel, &x->caprel, x->nrel + 1, sizeof *x->rel)) {
                rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            x->rel[x->nrel].id = rel;
            x->rel[x->nrel++].n = 0;
        }
        x->rel[x->nrel - 1].n += n;
        /* sites come grouped per release: merge into the site list (sorted by id) */
        size_t lo = 0, hi = x->nsite;
        while (lo < hi) {
            size_t mid = (lo + hi) / 2;
            if (x->site[mid].id < site)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < x->nsite && x->site[lo].id == site) {
            x->site[lo].n += n;
            continue;
        }
        if (medsec_array_reserve(&x->site, &x->capsite, x->nsite + 1, sizeof *x->site)) {
            rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        memmove(&x->site[lo + 1], &x->site[lo], (x->nsite - lo) * sizeof *x->site);
        x->site[lo].id = site;
        x->site[lo].n = n;
        x->nsite++;
    }
    sdb_rows_free(r);
    if (!rc && st < 0)
        rc = err->code ? err->code : MEDSEC_EDB;
    return rc;
}

static medsec_err advisory_releases(struct srv_req *rq, struct medsec_jsonw *w, const char *vuln,
                                    int64_t h, const struct exposure *x, struct medsec_error *err)
{
    struct sdb_val p[] = {SDB_S(vuln)};
    struct sdb_rows *r;
    medsec_err rc = sdb_query(
        rq->db,
        "SELECT rl.id, m.name, rl.version, f.severity, f.cvss_tenths, f.kev, f.triage_state,"
        " f.triage_at, f.first_seen, f.fixed_version, fx.id, fx.version, f.components,"
        " 0, rl.support_end"
        " FROM release_findings f JOIN releases rl ON rl.id = f.release_id JOIN models m ON"
        " m.id = rl.model_id LEFT JOIN releases fx ON fx.id = f.fixed_release_id"
        " WHERE f.vuln_id = $1 AND f.gone_at IS NULL ORDER BY m.name, rl.security_version, rl.id",
        p, 1, &r, err);
    if (rc)
        return rc;
    medsec_jsonw_key(w, "releases");
    medsec_jsonw_array_begin(w);
    int st = 0;
    int64_t fixes[64];
    size_t nfix = 0;
    while ((st = sdb_step(r, err)) > 0) {
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_int(w, "release_id", sdb_int(r, 0));
        medsec_jsonw_kv_string(w, "model", sdb_text(r, 1));
        medsec_jsonw_kv_string(w, "version", sdb_text(r, 2));
        medsec_jsonw_kv_string(w, "severity", sdb_text(r, 3));
        medsec_jsonw_key(w, "cvss");
        if (sdb_is_null(r, 4))
            medsec_jsonw_null(w);
        else
            medsec_jsonw_fixed(w, (double)sdb_int(r, 4) / 10, 1);
        medsec_jsonw_kv_bool(w, "kev", sdb_int(r, 5) != 0);
        medsec_jsonw_kv_string(w, "triage_state", sdb_text(r, 6));
        medsec_jsonw_key(w, "triage_at");
        wu_json_time(w, r, 7);
        medsec_jsonw_key(w, "first_seen");
        wu_json_time(w, r, 8);
        medsec_jsonw_kv_string(w, "fixed_version", sdb_text(r, 9));
        medsec_jsonw_kv_string(w, "components", sdb_text(r, 12));
        medsec_jsonw_kv_int(w, "devices", exposure_of_release(x, sdb_int(r, 0)));
        medsec_jsonw_key(w, "support_end");
        wu_json_time(w, r, 14);
        medsec_jsonw_key(w, "fixing_release");
        if (sdb_is_null(r, 10)) {
            medsec_jsonw_null(w);
        } else {
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_int(w, "id", sdb_int(r, 10));
            medsec_jsonw_kv_string(w, "version", sdb_text(r, 11));
            medsec_jsonw_object_end(w);
            bool have = false;
            for (size_t i = 0; i < nfix; i++)
                have = have || fixes[i] == sdb_int(r, 10);
            if (!have && nfix < 64)
                fixes[nfix++] = sdb_int(r, 10);
        }
        medsec_jsonw_object_end(w);
    }
    sdb_rows_free(r);
    if (st < 0)
        return err->code ? err->code : MEDSEC_EDB;
    medsec_jsonw_array_end(w);
    /* the roll-outs of the fixing releases and their progress */
    medsec_jsonw_key(w, "rollouts");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < nfix; i++) {
        struct sdb_val q[] = {SDB_I(fixes[i]), SDB_I(h)};
        if ((rc = sdb_query(
                 rq->db,
                 "SELECT ro.id, ro.name, ro.state, ro.percent, rl.version,"
                 " (SELECT COUNT(*) FROM rollout_devices x JOIN devices d ON d.id ="
                 " x.device_id WHERE x.rollout_id = ro.id" HOSP_FILTER(
                     2) "),"
                        " (SELECT COUNT(*) FROM rollout_devices x JOIN devices d ON d.id ="
                        " x.device_id WHERE x.rollout_id = ro.id AND x.state = 'succeeded'" HOSP_FILTER(
                            2) "),"
                               " (SELECT COUNT(*) FROM rollout_devices x JOIN devices d ON d.id ="
                               " x.device_id WHERE x.rollout_id = ro.id AND x.state = 'failed'" HOSP_FILTER(
                                   2) ")"
                                      " FROM rollouts ro JOIN releases rl ON rl.id = ro.release_id WHERE"
                                      " ro.release_id = $1 ORDER BY ro.id",
                 q, 2, &r, err)))
            return rc;
        while ((st = sdb_step(r, err)) > 0) {
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_int(w, "id", sdb_int(r, 0));
            medsec_jsonw_kv_string(w, "name", sdb_text(r, 1));
            medsec_jsonw_kv_string(w, "state", sdb_text(r, 2));
            medsec_jsonw_kv_int(w, "percent", sdb_int(r, 3));
            medsec_jsonw_kv_string(w, "release", sdb_text(r, 4));
            medsec_jsonw_kv_int(w, "devices", sdb_int(r, 5));
            medsec_jsonw_kv_int(w, "succeeded", sdb_int(r, 6));
            medsec_jsonw_kv_int(w, "failed", sdb_int(r, 7));
            medsec_jsonw_object_end(w);
        }
        sdb_rows_free(r);
        if (st < 0)
            return err->code ? err->code : MEDSEC_EDB;
    }
    medsec_jsonw_array_end(w);
    return MEDSEC_OK;
}

struct place {
    int64_t id, n, hospital;
    char *name, *hname, *country;
};

static int place_cmp(const void *a, const void *b)
{
    const struct place *x = a, *y = b;
    if (x->n != y->n)
        return x->n > y->n ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

static void places_free(struct place *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        medsec_free(v[i].name);
        medsec_free(v[i].hname);
        medsec_free(v[i].country);
    }
    medsec_free(v);
}

/* Devices per site, then per hospital, largest first (@limit rows each), from the counts of the
 * exposure pass and the names of the sites that have any. */
static medsec_err advisory_places(struct srv_req *rq, struct medsec_jsonw *w, int64_t h,
                                  int64_t limit, const struct exposure *x, struct medsec_error *err)
{
    struct place *sites = NULL, *hosp = NULL;
    size_t ns = 0, caps = 0, nh = 0, caph = 0;
    struct sdb_val p[] = {SDB_I(h)};
    struct sdb_rows *r;
    medsec_err rc = sdb_query(rq->db,
                              "SELECT s.id, s.name, ho.id, ho.name, ho.country FROM sites s JOIN"
                              " hospitals ho ON ho.id = s.hospital_id WHERE ($1 = 0 OR"
                              " s.hospital_id = $1) ORDER BY s.id",
                              p, 1, &r, err);
    if (rc)
        return rc;
    int st = 0;
    size_t k = 0; /* walks x->site, sorted by id like the rows */
    while (!rc && x->nsite && (st = sdb_step(r, err)) > 0) {
        int64_t id = sdb_int(r, 0);
        while (k < x->nsite && x->site[k].id < id)
            k++;
        if (k == x->nsite)
            break;
        if (x->site[k].id != id)
            continue;
        if (medsec_array_reserve(&sites, &caps, ns + 1, sizeof *sites)) {
            rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
            break;
        }
        struct place *pl = &sites[ns++];
        memset(pl, 0, sizeof *pl);
        pl->id = id;
        pl->n = x->site[k].n;
        pl->hospital = sdb_int(r, 2);
        pl->name = medsec_strdup(sdb_text(r, 1) ? sdb_text(r, 1) : "");
        pl->hname = medsec_strdup(sdb_text(r, 3) ? sdb_text(r, 3) : "");
        pl->country = sdb_text(r, 4) ? medsec_strdup(sdb_text(r, 4)) : NULL;
        if (!pl->name || !pl->hname)
            rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    sdb_rows_free(r);
    if (!rc && st < 0)
        rc = err->code ? err->code : MEDSEC_EDB;
    /* the hospitals: sum their sites */
    for (size_t i = 0; i < ns && !rc; i++) {
        size_t j = 0;
        while (j < nh && hosp[j].id != sites[i].hospital)
            j++;
        if (j == nh) {
            if (medsec_array_reserve(&hosp, &caph, nh + 1, sizeof *hosp)) {
                rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
                break;
            }
            memset(&hosp[nh], 0, sizeof *hosp);
            hosp[nh].id = sites[i].hospital;
            hosp[nh].name = medsec_strdup(sites[i].hname);
            hosp[nh].country = sites[i].country ? medsec_strdup(sites[i].country) : NULL;
            nh++;
        }
        hosp[j].n += sites[i].n;
    }
    if (!rc) {
        qsort(sites, ns, sizeof *sites, place_cmp);
        qsort(hosp, nh, sizeof *hosp, place_cmp);
        medsec_jsonw_key(w, "sites");
        medsec_jsonw_array_begin(w);
        for (size_t i = 0; i < ns && (int64_t)i < limit; i++) {
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_int(w, "site_id", sites[i].id);
            medsec_jsonw_kv_string(w, "site", sites[i].name);
            medsec_jsonw_kv_int(w, "hospital_id", sites[i].hospital);
            medsec_jsonw_kv_string(w, "hospital", sites[i].hname);
            medsec_jsonw_kv_int(w, "devices", sites[i].n);
            medsec_jsonw_object_end(w);
        }
        medsec_jsonw_array_end(w);
        medsec_jsonw_kv_int(w, "sites_total", (long long)ns);
        medsec_jsonw_key(w, "hospitals");
        medsec_jsonw_array_begin(w);
        for (size_t i = 0; i < nh && (int64_t)i < limit; i++) {
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_int(w, "hospital_id", hosp[i].id);
            medsec_jsonw_kv_string(w, "hospital", hosp[i].name);
            medsec_jsonw_kv_string(w, "country", hosp[i].country);
            medsec_jsonw_kv_int(w, "devices", hosp[i].n);
            medsec_jsonw_object_end(w);
        }
        medsec_jsonw_array_end(w);
        medsec_jsonw_kv_int(w, "hospitals_total", (long long)nh);
    }
    places_free(sites, ns);
    places_free(hosp, nh);
    return rc;
}

static medsec_err h_advisory(struct srv_req *rq, struct srv_resp *rs)
{
    const char *vuln = rq->nargs ? rq->args[0] : NULL;
    int64_t limit, offset;
    if (!wu_paging(rq, rs, &limit, &offset))
        return MEDSEC_OK;
    if (!vuln || !*vuln || strlen(vuln) > 128)
        return srv_error(rs, 404, "no such advisory");
    int64_t h = wu_hospital(rq);
    struct medsec_error err;
    struct sdb_val p[] = {SDB_S(vuln)};
    struct sdb_rows *r;
    if (sdb_query(rq->db,
                  "SELECT MIN(aliases), MIN(summary), MAX(cvss_tenths), MAX(kev), MAX(epss_ppm),"
                  " MIN(first_seen), MAX(last_seen), COUNT(*) FROM release_findings WHERE"
                  " vuln_id = $1 AND gone_at IS NULL",
                  p, 1, &r, &err))
        return wu_fail(rs, &err);
    int st = sdb_step(r, &err);
    if (st < 0) {
        sdb_rows_free(r);
        return wu_fail(rs, &err);
    }
    if (st == 0 || sdb_int(r, 7) == 0) {
        sdb_rows_free(r);
        return srv_error(rs, 404, "no open finding of %s", vuln);
    }
    struct medsec_jsonw w;
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "id", vuln);
    medsec_jsonw_kv_string(&w, "aliases", sdb_text(r, 0));
    medsec_jsonw_kv_string(&w, "summary", sdb_text(r, 1));
    medsec_jsonw_key(&w, "cvss");
    if (sdb_is_null(r, 2))
        medsec_jsonw_null(&w);
    else
        medsec_jsonw_fixed(&w, (double)sdb_int(r, 2) / 10, 1);
    medsec_jsonw_kv_bool(&w, "kev", sdb_int(r, 3) != 0);
    medsec_jsonw_key(&w, "epss");
    if (sdb_is_null(r, 4))
        medsec_jsonw_null(&w);
    else
        medsec_jsonw_fixed(&w, (double)sdb_int(r, 4) / 1e6, 6);
    medsec_jsonw_key(&w, "first_seen");
    wu_json_time(&w, r, 5);
    medsec_jsonw_key(&w, "last_seen");
    wu_json_time(&w, r, 6);
    sdb_rows_free(r);
    struct exposure x;
    if (exposure_count(rq->db, vuln, h, &x, &err) || advisory_releases(rq, &w, vuln, h, &x, &err) ||
        advisory_places(rq, &w, h, limit, &x, &err)) {
        exposure_free(&x);
        return wu_fail(rs, &err);
    }
    medsec_jsonw_kv_int(&w, "devices", x.total);
    exposure_free(&x);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

static medsec_err h_rescan(struct srv_req *rq, struct srv_resp *rs)
{
    struct srv_watch_stats st;
    struct medsec_error err;
    const char *fo = wu_param(rq, "fielded_only");
    unsigned flags = fo && strcmp(fo, "1") == 0 ? SRV_WATCH_FIELDED_ONLY : 0;
    medsec_err rc = srv_watch_rescan(
        rq->db, rq->cfg ? rq->cfg->vulndb_path : NULL, rq->cfg ? rq->cfg->device_dirs : NULL,
        rq->cfg ? rq->cfg->device_dir_count : 0, rq->now, flags, rq, &st, &err);
    if (rc == MEDSEC_EINVAL || rc == MEDSEC_EIO)
        return srv_error(rs, 409, "%s", err.msg);
    if (rc)
        return srv_error(rs, 500, "rescan: %s", err.msg);
    size_t sent = 0, failed = 0;
    if (rq->cfg)
        (void)srv_watch_deliver(rq->db, rq->cfg, rq->now, &sent, &failed, &err);
    struct medsec_jsonw w;
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "run_id", st.run_id);
    medsec_jsonw_kv_int(&w, "models", (long long)st.models);
    medsec_jsonw_kv_int(&w, "releases", (long long)st.releases);
    medsec_jsonw_kv_int(&w, "findings", (long long)st.findings);
    medsec_jsonw_kv_int(&w, "new_findings", (long long)st.new_findings);
    medsec_jsonw_kv_int(&w, "gone", (long long)st.gone);
    medsec_jsonw_kv_int(&w, "notifications", (long long)st.notifications);
    medsec_jsonw_kv_int(&w, "sent", (long long)sent);
    medsec_jsonw_kv_int(&w, "failed", (long long)failed);
    medsec_jsonw_kv_string(&w, "unmatched", st.unmatched);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

static medsec_err h_runs(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t limit, offset, total = 0;
    if (!wu_paging(rq, rs, &limit, &offset))
        return MEDSEC_OK;
    struct medsec_error err;
    if (sdb_query_int(rq->db, "SELECT COUNT(*) FROM watch_runs", NULL, 0, &total, &err))
        return wu_fail(rs, &err);
    struct sdb_val p[] = {SDB_I(limit), SDB_I(offset)};
    struct sdb_rows *r;
    if (sdb_query(rq->db,
                  "SELECT id, started_at, releases, findings, new_findings, gone, notifications,"
                  " by_user, note FROM watch_runs ORDER BY id DESC LIMIT $1 OFFSET $2",
                  p, 2, &r, &err))
        return wu_fail(rs, &err);
    static const char *const keys[] = {
        "id", "at", "releases", "findings", "new", "gone", "notifications", "by", "unmatched"};
    return wu_json_page(rs, r, keys, "itiiiiiss", total);
}

static medsec_err h_notifications(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t limit, offset, total = 0;
    if (!wu_paging(rq, rs, &limit, &offset))
        return MEDSEC_OK;
    struct medsec_error err;
    if (sdb_query_int(rq->db, "SELECT COUNT(*) FROM notifications", NULL, 0, &total, &err))
        return wu_fail(rs, &err);
    struct sdb_val p[] = {SDB_I(limit), SDB_I(offset)};
    struct sdb_rows *r;
    if (sdb_query(rq->db,
                  "SELECT n.id, e.event_key, n.kind, n.target, n.subject, n.status, n.attempts,"
                  " n.last_error, n.created_at, n.sent_at FROM notifications n JOIN watch_events"
                  " e ON e.id = n.event_id ORDER BY n.id DESC LIMIT $1 OFFSET $2",
                  p, 2, &r, &err))
        return wu_fail(rs, &err);
    static const char *const keys[] = {"id",     "event",    "kind",       "target",     "subject",
                                       "status", "attempts", "last_error", "created_at", "sent_at"};
    return wu_json_page(rs, r, keys, "isssssistt", total);
}

static medsec_err h_subs(struct srv_req *rq, struct srv_resp *rs)
{
    struct medsec_error err;
    struct sdb_rows *r;
    if (sdb_query(rq->db,
                  "SELECT id, kind, target, created_at, disabled FROM watch_subscriptions ORDER"
                  " BY id",
                  NULL, 0, &r, &err))
        return wu_fail(rs, &err);
    struct medsec_jsonw w;
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "items");
    medsec_jsonw_array_begin(&w);
    int st = 0;
    long long n = 0;
    while ((st = sdb_step(r, &err)) > 0) {
        n++;
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_int(&w, "id", sdb_int(r, 0));
        medsec_jsonw_kv_string(&w, "kind", sdb_text(r, 1));
        medsec_jsonw_kv_string(&w, "target", sdb_text(r, 2));
        medsec_jsonw_key(&w, "created_at");
        wu_json_time(&w, r, 3);
        medsec_jsonw_kv_bool(&w, "disabled", sdb_int(r, 4) != 0);
        medsec_jsonw_object_end(&w);
    }
    sdb_rows_free(r);
    if (st < 0)
        return wu_fail(rs, &err);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_int(&w, "total", n);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

/* An e-mail address we accept: local@domain, printable, no spaces or angle brackets. */
static bool mail_ok(const char *s)
{
    const char *at = strchr(s, '@');
    if (!at || at == s || !at[1] || strchr(at + 1, '@') || strlen(s) > 254)
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f || strchr("<>()[],;:\\\"", *p))
            return false;
    return true;
}

static bool url_ok(const char *s)
{
    if (strlen(s) > 1000)
        return false;
    for (const char *p = s; *p; p++)
        if ((unsigned char)*p <= 0x20 || *p == 0x7f)
            return false;
    return strncmp(s, "http://", 7) == 0 || strncmp(s, "https://", 8) == 0;
}

static medsec_err h_sub_add(struct srv_req *rq, struct srv_resp *rs)
{
    struct medsec_json_doc *doc;
    if (!wu_body_json(rq, rs, &doc))
        return MEDSEC_OK;
    const char *kind = wu_field(rq, doc, "kind"), *target = wu_field(rq, doc, "target");
    medsec_err rc = MEDSEC_OK;
    struct medsec_error err;
    if (!kind || (strcmp(kind, "email") && strcmp(kind, "webhook"))) {
        rc = srv_error(rs, 400, "kind: expected \"email\" or \"webhook\"");
        goto out;
    }
    if (!target || !(strcmp(kind, "email") == 0 ? mail_ok(target) : url_ok(target))) {
        rc = srv_error(rs, 400, "target: expected %s",
                       strcmp(kind, "email") == 0 ? "an e-mail address (local@domain)"
                                                  : "an http:// or https:// URL");
        goto out;
    }
    struct sdb_val p[] = {SDB_S(kind), SDB_S(target), SDB_I(rq->now)};
    int64_t id = 0;
    if (sdb_begin(rq->db, &err)) {
        rc = wu_fail(rs, &err);
        goto out;
    }
    struct sdb_val q[] = {SDB_S(kind), SDB_S(target)};
    int64_t have;
    if (sdb_query_int(rq->db, "SELECT id FROM watch_subscriptions WHERE kind = $1 AND target = $2",
                      q, 2, &have, &err) == MEDSEC_OK) {
        sdb_rollback(rq->db);
        rc = srv_error(rs, 409, "target: already subscribed (subscription %lld)", (long long)have);
        goto out;
    }
    char obj[64];
    struct medsec_buf d = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &d, 0);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "kind", kind);
    medsec_jsonw_kv_string(&w, "target", target);
    medsec_jsonw_object_end(&w);
    medsec_err jr = medsec_jsonw_finish(&w);
    if (jr ||
        sdb_insert_id(rq->db,
                      "INSERT INTO watch_subscriptions(kind, target, created_at) VALUES ($1, $2,"
                      " $3)",
                      p, 3, &id, &err) ||
        (snprintf(obj, sizeof obj, "watch_subscription/%lld", (long long)id),
         srv_audit(rq, "watch.subscribe", obj, d.data, &err)) ||
        sdb_commit(rq->db, &err)) {
        sdb_rollback(rq->db);
        medsec_buf_release(&d);
        rc = jr ? jr : wu_fail(rs, &err);
        goto out;
    }
    medsec_buf_release(&d);
    rs->status = 201;
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "id", id);
    medsec_jsonw_kv_string(&w, "kind", kind);
    medsec_jsonw_kv_string(&w, "target", target);
    medsec_jsonw_object_end(&w);
    rc = medsec_jsonw_finish(&w);
out:
    medsec_json_doc_free(doc);
    return rc;
}

static medsec_err h_sub_del(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t id;
    if (!wu_id_arg(rq, 0, rs, &id))
        return MEDSEC_OK;
    struct medsec_error err;
    struct sdb_val p[] = {SDB_I(id)};
    int64_t changed = 0;
    char obj[64];
    snprintf(obj, sizeof obj, "watch_subscription/%lld", (long long)id);
    if (sdb_begin(rq->db, &err))
        return wu_fail(rs, &err);
    if (sdb_exec(rq->db, "UPDATE watch_subscriptions SET disabled = 1 WHERE id = $1", p, 1,
                 &changed, &err)) {
        sdb_rollback(rq->db);
        return wu_fail(rs, &err);
    }
    if (!changed) {
        sdb_rollback(rq->db);
        return srv_error(rs, 404, "no such subscription");
    }
    if (srv_audit(rq, "watch.unsubscribe", obj, "{}", &err) || sdb_commit(rq->db, &err)) {
        sdb_rollback(rq->db);
        return wu_fail(rs, &err);
    }
    struct medsec_jsonw w;
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "id", id);
    medsec_jsonw_kv_bool(&w, "disabled", true);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

const struct srv_route srv_routes_watch[] = {
    {"GET", "/api/v1/advisories", SRV_ROLES_ALL, h_advisories},
    {"GET", "/api/v1/advisories/{}", SRV_ROLES_ALL, h_advisory},
    {"POST", "/api/v1/watch/rescan", SRV_ROLE_ADMIN | SRV_ROLE_ANALYST, h_rescan},
    {"GET", "/api/v1/watch/runs", SRV_ROLES_STAFF, h_runs},
    {"GET", "/api/v1/notifications", SRV_ROLES_STAFF, h_notifications},
    {"GET", "/api/v1/watch/subscriptions", SRV_ROLE_ADMIN | SRV_ROLE_ANALYST, h_subs},
    {"POST", "/api/v1/watch/subscriptions", SRV_ROLE_ADMIN, h_sub_add},
    {"DELETE", "/api/v1/watch/subscriptions/{}", SRV_ROLE_ADMIN, h_sub_del},
    {NULL, NULL, 0, NULL},
};
