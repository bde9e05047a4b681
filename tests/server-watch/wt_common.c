/* wt_common.c: the watch tests' database, fleet and handler calls (watch_test.h). */
#include "watch_test.h"

#include <setjmp.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "medsec/buf.h"
#include "watch_util.h"

static void ok(medsec_err rc, const struct medsec_error *err)
{
    if (rc)
        fail_msg("%s: %s", medsec_strerror(rc), err->msg);
}

void wt_open(struct wt *t)
{
    struct medsec_error err;
    const char *pg = getenv("MEDSEC_PG_URL");
    t->dir[0] = 0;
    if (pg && *pg) {
        /* PostgreSQL (under pgcluster.sh): an empty schema for each case */
        snprintf(t->path, sizeof t->path, "%s", pg);
        ok(sdb_open(&t->db, t->path, &err), &err);
        ok(sdb_script(t->db, "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public", &err),
           &err);
    } else {
        const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
        snprintf(t->dir, sizeof t->dir, "%s/medsec-watch-XXXXXX", tmp);
        assert_non_null(mkdtemp(t->dir));
        snprintf(t->path, sizeof t->path, "%s/server.sqlite", t->dir);
        ok(sdb_open(&t->db, t->path, &err), &err);
    }
    ok(srv_fleet_migrate(t->db, &err), &err);
    ok(srv_auth_migrate(t->db, &err), &err);
    ok(srv_watch_migrate(t->db, &err), &err);
    ok(srv_vigilance_migrate(t->db, &err), &err);
}

void wt_close(struct wt *t)
{
    sdb_close(t->db);
    t->db = NULL;
    if (!t->dir[0])
        return;
    char p[1100];
    static const char *const sfx[] = {"", "-wal", "-shm"};
    for (int i = 0; i < 3; i++) {
        snprintf(p, sizeof p, "%s%s", t->path, sfx[i]);
        unlink(p);
    }
    rmdir(t->dir);
}

static void exec(struct wt *t, const char *sql, const struct sdb_val *p, size_t n)
{
    struct medsec_error err;
    ok(sdb_exec(t->db, sql, p, n, NULL, &err), &err);
}

void wt_fleet(struct wt *t, const char *device_dir)
{
    exec(t,
         "INSERT INTO hospitals(id, name, country) VALUES (1, 'North', 'DE'), (2, 'South', 'AT');"
         "",
         NULL, 0);
    exec(t,
         "INSERT INTO sites(id, hospital_id, name) VALUES (1, 1, 'North ICU'), (2, 1, 'North OR'),"
         " (3, 2, 'South ICU')",
         NULL, 0);
    struct sdb_val m[] = {SDB_S(device_dir)};
    exec(t, "INSERT INTO models(id, name, device_dir) VALUES (1, 'Watch Pump', $1)", m, 1);
    exec(t,
         "INSERT INTO releases(id, model_id, version, security_version, released_at, support_end)"
         " VALUES (1, 1, '1.0.0', 1, 4007836800, 4070822400), (2, 1, '1.1.0', 2, 4052419200,"
         " 4115491200), (3, 1, '2.0.0', 3, 4072550400, 4291660800)",
         NULL, 0);
    for (int i = 1; i <= 20; i++) {
        int rel = i <= 10 ? 1 : i <= 16 ? 2 : 3;
        int site = i <= 10 ? (i % 2 ? 1 : 2) : i <= 16 ? 3 : 1;
        char serial[32], uuid[40];
        snprintf(serial, sizeof serial, "WP-%04d", i);
        snprintf(uuid, sizeof uuid, "%032x", i);
        struct sdb_val p[] = {SDB_I(i),    wu_s(serial), wu_s(uuid),
                              SDB_I(site), SDB_I(rel),   SDB_I(rel)};
        exec(t,
             "INSERT INTO devices(id, model_id, serial, uuid, pubkey, site_id, release_id,"
             " security_version, status, registered_at) VALUES ($1, 1, $2, $3,"
             " '0000000000000000000000000000000000000000000000000000000000000000', $4, $5, $6,"
             " 'active', 3597523200)",
             p, 6);
    }
}

/* Query fields of a "a=1&b=2" text. */
struct qctx {
    char buf[1024];
    const char *k[16], *v[16];
    size_t n;
};

static const char *param(const struct srv_req *rq, const char *name)
{
    const struct qctx *q = rq->param_ctx;
    for (size_t i = 0; i < q->n; i++)
        if (strcmp(q->k[i], name) == 0)
            return q->v[i];
    return NULL;
}

static bool match(const char *pattern, const char *path, struct srv_req *rq, char segs[4][256])
{
    rq->nargs = 0;
    while (*pattern && *path) {
        if (strncmp(pattern, "{}", 2) == 0) {
            size_t n = strcspn(path, "/");
            if (!n || rq->nargs == SRV_MAX_ARGS)
                return false;
            snprintf(segs[rq->nargs], 256, "%.*s", (int)n, path);
            rq->args[rq->nargs] = segs[rq->nargs];
            rq->nargs++;
            pattern += 2;
            path += n;
        } else if (*pattern == *path) {
            pattern++;
            path++;
        } else {
            return false;
        }
    }
    return !*pattern && !*path;
}

int wt_call(struct wt *t, const struct srv_route *table, const char *method, const char *path,
            const char *query, const char *body, unsigned role, int64_t hospital,
            struct srv_resp *rs)
{
    struct qctx q;
    memset(&q, 0, sizeof q);
    snprintf(q.buf, sizeof q.buf, "%s", query ? query : "");
    for (char *save = NULL, *kv = strtok_r(q.buf, "&", &save); kv && q.n < 16;
         kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        if (eq)
            *eq = 0;
        q.k[q.n] = kv;
        q.v[q.n++] = eq ? eq + 1 : "";
    }
    struct srv_user u = {.id = 0, .role = role, .hospital_id = hospital};
    snprintf(u.name, sizeof u.name, "tester");
    static const char *const dirs[] = {NULL};
    struct srv_config cfg = {.db_url = t->path, .device_dirs = dirs};
    struct srv_req rq = {.method = method,
                         .path = path,
                         .body = body ? body : "",
                         .body_len = body ? strlen(body) : 0,
                         .content_type = body && *body ? "application/json" : "",
                         .param = param,
                         .param_ctx = &q,
                         .user = &u,
                         .db = t->db,
                         .cfg = &cfg,
                         .now = WT_NOW};
    char segs[4][256];
    memset(rs, 0, sizeof *rs);
    medsec_buf_init(&rs->body, 0);
    for (const struct srv_route *r = table; r->method; r++) {
        if (strcmp(r->method, method) || !match(r->pattern, path, &rq, segs))
            continue;
        if (r->roles && !(r->roles & role)) {
            rs->status = 403;
            return 403;
        }
        medsec_err rc = r->fn(&rq, rs);
        if (rc)
            fail_msg("handler %s %s: %s", method, path, medsec_strerror(rc));
        return rs->status ? rs->status : 200;
    }
    rs->status = 404;
    return 404;
}
