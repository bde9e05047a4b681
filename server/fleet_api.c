/* fleet_api.c: the fleet's REST routes (srv_routes_fleet): hospitals, sites, models, releases,
 * devices (with CSV import), the devices' signed check-ins and log uploads, and roll-outs. Lists
 * take limit/offset and answer {"items": [...], "total": N}; a hospital account sees only its own
 * hospital, sites and devices, and gets 404 for anybody else's. Every change by a user is audited
 * in its transaction. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fleet.h"
#include "medsec/json.h"
#include "srv.h"

#define ROLES_WRITE (SRV_ROLE_ADMIN | SRV_ROLE_ANALYST)
#define LIST_DEFAULT 100
#define LIST_MAX 1000
#define BODY_JSON_MAX (1u << 20)

/* ---- request fields ---- */

/* A request's fields: a JSON object body, or form / query-string fields. */
struct fields {
    struct medsec_json_doc *doc;
    const struct srv_req *rq;
};

static int is_json(const struct srv_req *rq)
{
    return rq->content_type && !strncmp(rq->content_type, "application/json", 16);
}

static medsec_err fields_open(struct fields *f, struct srv_req *rq, struct srv_resp *rs, int *bad)
{
    f->doc = NULL;
    f->rq = rq;
    *bad = 0;
    if (!is_json(rq) || !rq->body_len)
        return MEDSEC_OK;
    struct medsec_error err = {0};
    struct medsec_json_limits lim = {.max_bytes = BODY_JSON_MAX, .max_depth = 16};
    if (medsec_json_parse(rq->body, rq->body_len, &lim, "body", &f->doc, &err)) {
        *bad = 1;
        return srv_error(rs, 400, "body: %s", err.msg);
    }
    if (!medsec_json_is(f->doc->root, MEDSEC_JSON_OBJECT)) {
        *bad = 1;
        medsec_json_doc_free(f->doc);
        f->doc = NULL;
        return srv_error(rs, 400, "body: not a JSON object");
    }
    return MEDSEC_OK;
}

static void fields_close(struct fields *f)
{
    medsec_json_doc_free(f->doc);
}

/* A field as text (a JSON string or number, or a form/query field); NULL when absent or null. */
static const char *field(const struct fields *f, const char *name)
{
    if (f->doc) {
        const struct medsec_json *v = medsec_json_get(f->doc->root, name);
        if (v && (v->type == MEDSEC_JSON_STRING || v->type == MEDSEC_JSON_NUMBER))
            return v->u.str;
        if (v)
            return NULL;
    }
    return f->rq->param ? f->rq->param(f->rq, name) : NULL;
}

/* An integer field: 1 with *@out set, 0 when absent, -1 when not an integer (error written). */
static int field_int(const struct fields *f, const char *name, int64_t lo, int64_t hi, int64_t *out,
                     struct srv_resp *rs)
{
    const char *s = field(f, name);
    if (!s || !*s)
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi) {
        srv_error(rs, 400, "%s: %.40s is not an integer in %" PRId64 "..%" PRId64, name, s, lo, hi);
        return -1;
    }
    *out = v;
    return 1;
}

static int query_int(const struct srv_req *rq, const char *name, int64_t lo, int64_t hi,
                     int64_t *out, struct srv_resp *rs)
{
    struct fields f = {.doc = NULL, .rq = rq};
    return field_int(&f, name, lo, hi, out, rs);
}

/* An id in the path; 0 (after a 404) when it is not a positive integer. */
static int64_t path_id(const struct srv_req *rq, size_t i)
{
    if (i >= rq->nargs || !rq->args[i])
        return 0;
    char *end;
    errno = 0;
    long long v = strtoll(rq->args[i], &end, 10);
    return errno || *end || v <= 0 ? 0 : v;
}

/* Map a library error to an HTTP answer. */
static medsec_err fail(struct srv_resp *rs, medsec_err e, const struct medsec_error *err)
{
    int status;
    switch (e) {
    case MEDSEC_EINVAL:
    case MEDSEC_EPARSE:
    case MEDSEC_ENOTFOUND: /* a referenced id in the body */ status = 400; break;
    case MEDSEC_ETOOBIG: status = 413; break;
    case MEDSEC_EUNSUPPORTED: status = 415; break;
    default: status = 500; break;
    }
    return srv_error(rs, status, "%s", err->msg[0] ? err->msg : medsec_strerror(e));
}

static int is_hospital(const struct srv_req *rq)
{
    return rq->user && rq->user->role == SRV_ROLE_HOSPITAL;
}

/* ---- lists ---- */

/* A WHERE clause and its parameters, built from the request's filters. */
struct where {
    char sql[512];
    size_t len;
    struct sdb_val p[12];
    size_t n;
};

/* Add "@column = $N" (a column name from this file, never from the request). */
static void where_add(struct where *w, const char *column, struct sdb_val v)
{
    if (w->n >= sizeof w->p / sizeof w->p[0] - 2)
        return;
    w->p[w->n++] = v;
    int k = snprintf(w->sql + w->len, sizeof w->sql - w->len, "%s%s = $%zu",
                     w->len ? " AND " : " WHERE ", column, w->n);
    if (k > 0 && (size_t)k < sizeof w->sql - w->len)
        w->len += (size_t)k;
}

/* Column kinds of a list's rows: 'i' integer (null when NULL), 's' text, 'b' boolean. */
struct col {
    const char *name;
    char kind;
};

static void write_row(struct medsec_jsonw *w, const struct sdb_rows *r, const struct col *cols)
{
    medsec_jsonw_object_begin(w);
    for (size_t i = 0; cols[i].name; i++) {
        medsec_jsonw_key(w, cols[i].name);
        if (sdb_is_null(r, i))
            medsec_jsonw_null(w);
        else if (cols[i].kind == 'i')
            medsec_jsonw_int(w, sdb_int(r, i));
        else if (cols[i].kind == 'b')
            medsec_jsonw_bool(w, sdb_int(r, i) != 0);
        else
            medsec_jsonw_string(w, sdb_text(r, i));
    }
    medsec_jsonw_object_end(w);
}

/* Answer {"items": [...], "total": N} for SELECT @select @from @where, ordered by @order, with the
 * request's limit and offset. */
static medsec_err list(struct srv_req *rq, struct srv_resp *rs, const char *select,
                       const char *from, struct where *w, const char *order, const struct col *cols)
{
    int64_t limit = LIST_DEFAULT, offset = 0;
    if (query_int(rq, "limit", 1, LIST_MAX, &limit, rs) < 0 ||
        query_int(rq, "offset", 0, INT64_MAX / 2, &offset, rs) < 0)
        return MEDSEC_OK;
    struct medsec_error err = {0};
    char sql[2048];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM %s%s", from, w->sql);
    int64_t total = 0;
    medsec_err e = sdb_query_int(rq->db, sql, w->p, w->n, &total, &err);
    if (e)
        return fail(rs, e, &err);
    size_t n = w->n;
    w->p[n] = SDB_I(limit);
    w->p[n + 1] = SDB_I(offset);
    snprintf(sql, sizeof sql, "SELECT %s FROM %s%s ORDER BY %s LIMIT $%zu OFFSET $%zu", select,
             from, w->sql, order, n + 1, n + 2);
    struct sdb_rows *r;
    e = sdb_query(rq->db, sql, w->p, n + 2, &r, &err);
    if (e)
        return fail(rs, e, &err);
    struct medsec_jsonw jw;
    medsec_jsonw_init(&jw, &rs->body, 0);
    medsec_jsonw_object_begin(&jw);
    medsec_jsonw_key(&jw, "items");
    medsec_jsonw_array_begin(&jw);
    int s;
    while ((s = sdb_step(r, &err)) > 0)
        write_row(&jw, r, cols);
    sdb_rows_free(r);
    medsec_jsonw_array_end(&jw);
    medsec_jsonw_kv_int(&jw, "total", total);
    medsec_jsonw_object_end(&jw);
    if (s < 0) {
        medsec_buf_reset(&rs->body);
        return fail(rs, MEDSEC_EDB, &err);
    }
    rs->content_type = "application/json";
    return medsec_jsonw_finish(&jw);
}

/* Answer one row (the first of @sql with @p) as an object, or 404 naming @what. */
static medsec_err one(struct srv_req *rq, struct srv_resp *rs, const char *sql,
                      const struct sdb_val *p, size_t n, const struct col *cols, const char *what)
{
    struct medsec_error err = {0};
    struct sdb_rows *r;
    medsec_err e = sdb_query(rq->db, sql, p, n, &r, &err);
    if (e)
        return fail(rs, e, &err);
    int s = sdb_step(r, &err);
    if (s > 0) {
        struct medsec_jsonw jw;
        medsec_jsonw_init(&jw, &rs->body, 0);
        write_row(&jw, r, cols);
        e = medsec_jsonw_finish(&jw);
    }
    sdb_rows_free(r);
    if (s < 0)
        return fail(rs, MEDSEC_EDB, &err);
    if (!s)
        return srv_error(rs, 404, "no such %s", what);
    rs->content_type = "application/json";
    return e;
}

/* ---- changes: one transaction with its audit line ---- */

static medsec_err created(struct srv_resp *rs, int64_t id, const char *extra_key, int64_t extra)
{
    struct medsec_jsonw jw;
    rs->status = 201;
    rs->content_type = "application/json";
    medsec_jsonw_init(&jw, &rs->body, 0);
    medsec_jsonw_object_begin(&jw);
    medsec_jsonw_kv_int(&jw, "id", id);
    if (extra_key)
        medsec_jsonw_kv_int(&jw, extra_key, extra);
    medsec_jsonw_object_end(&jw);
    return medsec_jsonw_finish(&jw);
}

/* The audit line of a change: @object "kind/id", @detail_json built by the caller. */
static medsec_err audit(struct srv_req *rq, const char *action, const char *kind, int64_t id,
                        const char *detail, struct medsec_error *err)
{
    char obj[64];
    snprintf(obj, sizeof obj, "%s/%" PRId64, kind, id);
    return srv_audit(rq, action, obj, detail, err);
}

/* A JSON object of string fields for audit details: pairs of key, value, ending with NULL. */
static char *detail_json(char *buf, size_t cap, ...)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    va_list ap;
    medsec_jsonw_init(&w, &b, 0);
    medsec_jsonw_object_begin(&w);
    va_start(ap, cap);
    const char *k;
    while ((k = va_arg(ap, const char *))) {
        const char *v = va_arg(ap, const char *);
        medsec_jsonw_kv_string(&w, k, v);
    }
    va_end(ap);
    medsec_jsonw_object_end(&w);
    if (medsec_jsonw_finish(&w) || b.len >= cap)
        snprintf(buf, cap, "{}");
    else
        snprintf(buf, cap, "%s", b.data);
    medsec_buf_release(&b);
    return buf;
}

/* ---- hospitals and sites ---- */

static const struct col hospital_cols[] = {{"id", 'i'},    {"name", 's'},    {"country", 's'},
                                           {"sites", 'i'}, {"devices", 'i'}, {NULL, 0}};
#define HOSPITAL_SELECT                                                                            \
    "h.id, h.name, h.country, (SELECT COUNT(*) FROM sites s WHERE s.hospital_id = h.id),"          \
    " (SELECT COUNT(*) FROM devices d JOIN sites s ON s.id = d.site_id WHERE s.hospital_id ="      \
    " h.id)"

static medsec_err hospitals_list(struct srv_req *rq, struct srv_resp *rs)
{
    struct where w = {0};
    if (is_hospital(rq))
        where_add(&w, "h.id", SDB_I(rq->user->hospital_id));
    return list(rq, rs, HOSPITAL_SELECT, "hospitals h", &w, "h.name", hospital_cols);
}

static medsec_err hospitals_create(struct srv_req *rq, struct srv_resp *rs)
{
    struct fields f;
    int bad;
    medsec_err e = fields_open(&f, rq, rs, &bad);
    if (bad)
        return e;
    struct medsec_error err = {0};
    int64_t id = 0;
    char detail[512];
    const char *name = field(&f, "name"), *country = field(&f, "country");
    e = sdb_begin(rq->db, &err);
    if (!e)
        e = srv_fleet_hospital_add(rq->db, name, country, &id, &err);
    if (!e)
        e = audit(rq, "hospital.create", "hospital", id,
                  detail_json(detail, sizeof detail, "name", name, "country", country, NULL), &err);
    if (!e)
        e = sdb_commit(rq->db, &err);
    else
        sdb_rollback(rq->db);
    fields_close(&f);
    return e ? fail(rs, e, &err) : created(rs, id, NULL, 0);
}

static const struct col site_cols[] = {{"id", 'i'},   {"hospital_id", 'i'}, {"hospital", 's'},
                                       {"name", 's'}, {"devices", 'i'},     {NULL, 0}};

static medsec_err sites_list(struct srv_req *rq, struct srv_resp *rs)
{
    struct where w = {0};
    int64_t h;
    int k = query_int(rq, "hospital", 1, INT64_MAX, &h, rs);
    if (k < 0)
        return MEDSEC_OK;
    if (k)
        where_add(&w, "s.hospital_id", SDB_I(h));
    if (is_hospital(rq))
        where_add(&w, "s.hospital_id", SDB_I(rq->user->hospital_id));
    return list(rq, rs,
                "s.id, s.hospital_id, h.name, s.name,"
                " (SELECT COUNT(*) FROM devices d WHERE d.site_id = s.id)",
                "sites s JOIN hospitals h ON h.id = s.hospital_id", &w, "h.name, s.name",
                site_cols);
}

static medsec_err sites_create(struct srv_req *rq, struct srv_resp *rs)
{
    struct fields f;
    int bad;
    medsec_err e = fields_open(&f, rq, rs, &bad);
    if (bad)
        return e;
    struct medsec_error err = {0};
    int64_t id = 0, h = 0;
    char detail[512];
    int k = field_int(&f, "hospital_id", 1, INT64_MAX, &h, rs);
    if (k <= 0) {
        fields_close(&f);
        return k < 0 ? MEDSEC_OK : srv_error(rs, 400, "hospital_id: missing");
    }
    const char *name = field(&f, "name");
    e = sdb_begin(rq->db, &err);
    if (!e)
        e = srv_fleet_site_add(rq->db, h, name, &id, &err);
    if (!e)
        e = audit(rq, "site.create", "site", id,
                  detail_json(detail, sizeof detail, "name", name, "hospital_id",
                              field(&f, "hospital_id"), NULL),
                  &err);
    if (!e)
        e = sdb_commit(rq->db, &err);
    else
        sdb_rollback(rq->db);
    fields_close(&f);
    return e ? fail(rs, e, &err) : created(rs, id, NULL, 0);
}

/* ---- models and releases ---- */

static const struct col model_cols[] = {{"id", 'i'},       {"name", 's'},    {"device_dir", 's'},
                                        {"releases", 'i'}, {"devices", 'i'}, {NULL, 0}};

static medsec_err models_list(struct srv_req *rq, struct srv_resp *rs)
{
    struct where w = {0};
    return list(rq, rs,
                "m.id, m.name, m.device_dir,"
                " (SELECT COUNT(*) FROM releases r WHERE r.model_id = m.id),"
                " (SELECT COUNT(*) FROM devices d WHERE d.model_id = m.id)",
                "models m", &w, "m.name", model_cols);
}

/* POST /api/v1/models: {"device_dir": D} registers one of the server's configured device folders
 * (never another path: the request names, the configuration decides) with its releases. */
static medsec_err models_create(struct srv_req *rq, struct srv_resp *rs)
{
    struct fields f;
    int bad;
    medsec_err e = fields_open(&f, rq, rs, &bad);
    if (bad)
        return e;
    const char *dir = field(&f, "device_dir");
    int allowed = 0;
    for (size_t i = 0; dir && rq->cfg && i < rq->cfg->device_dir_count; i++)
        allowed |= !strcmp(rq->cfg->device_dirs[i], dir);
    if (!dir || !allowed) {
        fields_close(&f);
        return srv_error(rs, 400, "device_dir: %s",
                         dir ? "not one of the server's device folders" : "missing");
    }
    struct medsec_error err = {0};
    int64_t id = 0;
    size_t nrel = 0;
    char detail[512];
    e = sdb_begin(rq->db, &err);
    if (!e)
        e = srv_fleet_model_add(rq->db, dir, &id, &nrel, &err);
    if (!e)
        e = audit(rq, "model.register", "model", id,
                  detail_json(detail, sizeof detail, "device_dir", dir, NULL), &err);
    if (!e)
        e = sdb_commit(rq->db, &err);
    else
        sdb_rollback(rq->db);
    fields_close(&f);
    return e ? fail(rs, e, &err) : created(rs, id, "releases_added", (int64_t)nrel);
}

static const struct col release_cols[] = {{"id", 'i'},
                                          {"model_id", 'i'},
                                          {"model", 's'},
                                          {"version", 's'},
                                          {"security_version", 'i'},
                                          {"released_at", 'i'},
                                          {"support_end", 'i'},
                                          {"sbom_path", 's'},
                                          {"bundle_digest", 's'},
                                          {"devices", 'i'},
                                          {NULL, 0}};

static medsec_err releases_list(struct srv_req *rq, struct srv_resp *rs)
{
    struct where w = {0};
    int64_t m;
    int k = query_int(rq, "model", 1, INT64_MAX, &m, rs);
    if (k < 0)
        return MEDSEC_OK;
    if (k)
        where_add(&w, "r.model_id", SDB_I(m));
    return list(rq, rs,
                "r.id, r.model_id, m.name, r.version, r.security_version, r.released_at,"
                " r.support_end, r.sbom_path, r.bundle_digest,"
                " (SELECT COUNT(*) FROM devices d WHERE d.release_id = r.id)",
                "releases r JOIN models m ON m.id = r.model_id", &w,
                "m.name, r.security_version, r.id", release_cols);
}

static medsec_err releases_create(struct srv_req *rq, struct srv_resp *rs)
{
    struct fields f;
    int bad;
    medsec_err e = fields_open(&f, rq, rs, &bad);
    if (bad)
        return e;
    struct srv_release_new r = {0};
    int k[4] = {field_int(&f, "model_id", 1, INT64_MAX, &r.model_id, rs),
                field_int(&f, "security_version", 0, INT64_MAX, &r.security_version, rs),
                field_int(&f, "released_at", 0, INT64_MAX, &r.released_at, rs),
                field_int(&f, "support_end", 0, INT64_MAX, &r.support_end, rs)};
    if (k[0] < 0 || k[1] < 0 || k[2] < 0 || k[3] < 0 || !k[0]) {
        fields_close(&f);
        return k[0] ? MEDSEC_OK : srv_error(rs, 400, "model_id: missing");
    }
    r.version = field(&f, "version");
    r.sbom_path = field(&f, "sbom_path");
    r.bundle_digest = field(&f, "bundle_digest");
    if (!k[2])
        r.released_at = rq->now;
    struct medsec_error err = {0};
    int64_t id = 0;
    char detail[512];
    e = sdb_begin(rq->db, &err);
    if (!e)
        e = srv_fleet_release_add(rq->db, &r, &id, &err);
    if (!e)
        e = audit(rq, "release.create", "release", id,
                  detail_json(detail, sizeof detail, "model_id", field(&f, "model_id"), "version",
                              r.version, NULL),
                  &err);
    if (!e)
        e = sdb_commit(rq->db, &err);
    else
        sdb_rollback(rq->db);
    fields_close(&f);
    return e ? fail(rs, e, &err) : created(rs, id, NULL, 0);
}

/* ---- devices ---- */

static const struct col device_cols[] = {{"id", 'i'},
                                         {"model_id", 'i'},
                                         {"model", 's'},
                                         {"serial", 's'},
                                         {"uuid", 's'},
                                         {"pubkey", 's'},
                                         {"site_id", 'i'},
                                         {"site", 's'},
                                         {"hospital_id", 'i'},
                                         {"hospital", 's'},
                                         {"release_id", 'i'},
                                         {"version", 's'},
                                         {"security_version", 'i'},
                                         {"last_checkin", 'i'},
                                         {"last_counter", 'i'},
                                         {"status", 's'},
                                         {"registered_at", 'i'},
                                         {NULL, 0}};
#define DEVICE_SELECT                                                                              \
    "d.id, d.model_id, m.name, d.serial, d.uuid, d.pubkey, d.site_id, s.name, s.hospital_id,"      \
    " h.name, d.release_id, r.version, d.security_version, d.last_checkin, d.last_counter,"        \
    " d.status, d.registered_at"
#define DEVICE_FROM                                                                                \
    "devices d JOIN models m ON m.id = d.model_id JOIN sites s ON s.id = d.site_id"                \
    " JOIN hospitals h ON h.id = s.hospital_id LEFT JOIN releases r ON r.id = d.release_id"

static medsec_err devices_list(struct srv_req *rq, struct srv_resp *rs)
{
    static const struct {
        const char *param, *column;
    } filters[] = {{"model", "d.model_id"},
                   {"site", "d.site_id"},
                   {"hospital", "s.hospital_id"},
                   {"release", "d.release_id"}};
    struct where w = {0};
    for (size_t i = 0; i < sizeof filters / sizeof filters[0]; i++) {
        int64_t v;
        int k = query_int(rq, filters[i].param, 1, INT64_MAX, &v, rs);
        if (k < 0)
            return MEDSEC_OK;
        if (k)
            where_add(&w, filters[i].column, SDB_I(v));
    }
    const char *status = rq->param ? rq->param(rq, "status") : NULL;
    if (status) {
        if (strcmp(status, "active") && strcmp(status, "decommissioned"))
            return srv_error(rs, 400, "status: not active or decommissioned");
        where_add(&w, "d.status", SDB_S(status));
    }
    if (is_hospital(rq))
        where_add(&w, "s.hospital_id", SDB_I(rq->user->hospital_id));
    return list(rq, rs, DEVICE_SELECT, DEVICE_FROM, &w, "d.id", device_cols);
}

static medsec_err devices_show(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t id = path_id(rq, 0);
    if (!id)
        return srv_error(rs, 404, "no such device");
    struct sdb_val p[2] = {SDB_I(id), SDB_I(is_hospital(rq) ? rq->user->hospital_id : 0)};
    return one(rq, rs,
               is_hospital(rq) ? "SELECT " DEVICE_SELECT " FROM " DEVICE_FROM
                                 " WHERE d.id = $1 AND s.hospital_id = $2"
                               : "SELECT " DEVICE_SELECT " FROM " DEVICE_FROM " WHERE d.id = $1",
               p, is_hospital(rq) ? 2 : 1, device_cols, "device");
}

static const struct col checkin_cols[] = {
    {"id", 'i'},          {"received_at", 'i'},      {"counter", 'i'},
    {"release_id", 'i'},  {"security_version", 'i'}, {"log_last", 'i'},
    {"install_seq", 'i'}, {"install_result", 'i'},   {NULL, 0}};

/* GET /api/v1/devices/{}/checkins: the device's check-ins, newest first. */
static medsec_err devices_checkins(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t id = path_id(rq, 0), x;
    struct medsec_error err = {0};
    struct sdb_val p[2] = {SDB_I(id), SDB_I(is_hospital(rq) ? rq->user->hospital_id : 0)};
    medsec_err e = sdb_query_int(rq->db,
                                 is_hospital(rq) ? "SELECT d.id FROM devices d JOIN sites s ON"
                                                   " s.id = d.site_id WHERE d.id = $1 AND"
                                                   " s.hospital_id = $2"
                                                 : "SELECT id FROM devices WHERE id = $1",
                                 p, is_hospital(rq) ? 2 : 1, &x, &err);
    if (e == MEDSEC_ENOTFOUND || !id)
        return srv_error(rs, 404, "no such device");
    if (e)
        return fail(rs, e, &err);
    struct where w = {0};
    where_add(&w, "device_id", SDB_I(id));
    return list(rq, rs,
                "id, received_at, counter, release_id, security_version, log_last, install_seq,"
                " install_result",
                "checkins", &w, "id DESC", checkin_cols);
}

static int is_csv(const struct srv_req *rq)
{
    return rq->content_type && !strncmp(rq->content_type, "text/csv", 8);
}

/* POST /api/v1/devices: one device (JSON or form fields), or many as text/csv. */
static medsec_err devices_create(struct srv_req *rq, struct srv_resp *rs)
{
    struct medsec_error err = {0};
    char detail[512], count[32];
    if (is_csv(rq)) {
        size_t n = 0;
        medsec_err e = sdb_begin(rq->db, &err);
        if (!e)
            e = srv_fleet_devices_import_csv(rq->db, rq->body, rq->body_len, rq->now, &n, &err);
        snprintf(count, sizeof count, "%zu", n);
        if (!e)
            e = audit(rq, "device.import", "devices", 0,
                      detail_json(detail, sizeof detail, "count", count, NULL), &err);
        if (!e)
            e = sdb_commit(rq->db, &err);
        else
            sdb_rollback(rq->db);
        if (e)
            return fail(rs, e, &err);
        rs->status = 201;
        struct medsec_jsonw jw;
        medsec_jsonw_init(&jw, &rs->body, 0);
        medsec_jsonw_object_begin(&jw);
        medsec_jsonw_kv_int(&jw, "imported", (long long)n);
        medsec_jsonw_object_end(&jw);
        rs->content_type = "application/json";
        return medsec_jsonw_finish(&jw);
    }
    struct fields f;
    int bad;
    medsec_err e = fields_open(&f, rq, rs, &bad);
    if (bad)
        return e;
    struct srv_device_new d = {0};
    int k[4] = {field_int(&f, "model_id", 1, INT64_MAX, &d.model_id, rs),
                field_int(&f, "site_id", 1, INT64_MAX, &d.site_id, rs),
                field_int(&f, "release_id", 1, INT64_MAX, &d.release_id, rs),
                field_int(&f, "security_version", 0, INT64_MAX, &d.security_version, rs)};
    if (k[0] < 0 || k[1] < 0 || k[2] < 0 || k[3] < 0 || !k[0] || !k[1]) {
        fields_close(&f);
        if (k[0] < 0 || k[1] < 0 || k[2] < 0 || k[3] < 0)
            return MEDSEC_OK;
        return srv_error(rs, 400, "%s: missing", !k[0] ? "model_id" : "site_id");
    }
    d.serial = field(&f, "serial");
    d.uuid = field(&f, "uuid");
    d.pubkey = field(&f, "pubkey");
    int64_t id = 0;
    e = sdb_begin(rq->db, &err);
    if (!e)
        e = srv_fleet_device_add(rq->db, &d, rq->now, &id, &err);
    if (!e)
        e = audit(rq, "device.register", "device", id,
                  detail_json(detail, sizeof detail, "serial", d.serial, "uuid", d.uuid, NULL),
                  &err);
    if (!e)
        e = sdb_commit(rq->db, &err);
    else
        sdb_rollback(rq->db);
    fields_close(&f);
    return e ? fail(rs, e, &err) : created(rs, id, NULL, 0);
}

/* ---- device endpoints (no login: each verifies the device's own signature) ---- */

static medsec_err checkin_post(struct srv_req *rq, struct srv_resp *rs)
{
    if (rq->content_type && *rq->content_type && strncmp(rq->content_type, "application/cbor", 16))
        return srv_error(rs, 415, "check-in: send application/cbor");
    if (rq->body_len > SRV_FLEET_CHECKIN_MAX)
        return srv_error(rs, 413, "check-in: more than %d bytes", SRV_FLEET_CHECKIN_MAX);
    struct medsec_error err = {0};
    struct srv_checkin_result res;
    medsec_err e = srv_fleet_checkin(rq->db, (const unsigned char *)rq->body, rq->body_len, rq->now,
                                     rq, &res, &err);
    switch (e) {
    case MEDSEC_OK:
        rs->content_type = "application/json";
        return srv_fleet_checkin_answer(&res, &rs->body);
    case MEDSEC_EPARSE:
    case MEDSEC_ETOOBIG: return srv_error(rs, 400, "%s", err.msg);
    case MEDSEC_ENOTFOUND: return srv_error(rs, 404, "%s", err.msg);
    case MEDSEC_EVERIFY:
        return srv_error(rs, 401, "check-in: the signature does not verify with the device's key");
    case MEDSEC_EINVAL: return srv_error(rs, 409, "%s", err.msg);
    default: return fail(rs, e, &err);
    }
}

/* POST /api/v1/devices/{}/log: {} is the device's uuid (what the device knows) or id. */
static medsec_err log_post(struct srv_req *rq, struct srv_resp *rs)
{
    if (rq->body_len > SRV_FLEET_LOG_MAX)
        return srv_error(rs, 413, "log: more than %u bytes", SRV_FLEET_LOG_MAX);
    struct medsec_error err = {0};
    const char *key = rq->nargs ? rq->args[0] : "";
    int64_t id = 0;
    struct sdb_val p[1] = {SDB_S(key)};
    medsec_err e =
        strlen(key) == 32
            ? sdb_query_int(rq->db, "SELECT id FROM devices WHERE uuid = $1", p, 1, &id, &err)
            : MEDSEC_OK;
    if (!id)
        id = path_id(rq, 0);
    if (e && e != MEDSEC_ENOTFOUND)
        return fail(rs, e, &err);
    if (!id)
        return srv_error(rs, 404, "no such device");
    int64_t upload = 0;
    int verified = 0;
    char detail[256];
    e = srv_fleet_log_upload(rq->db, id, (const unsigned char *)rq->body, rq->body_len, rq->now,
                             &upload, &verified, detail, sizeof detail, &err);
    if (e == MEDSEC_ENOTFOUND)
        return srv_error(rs, 404, "no such device");
    if (e)
        return fail(rs, e, &err);
    rs->status = verified ? 201 : 422;
    rs->content_type = "application/json";
    struct medsec_jsonw jw;
    medsec_jsonw_init(&jw, &rs->body, 0);
    medsec_jsonw_object_begin(&jw);
    medsec_jsonw_kv_int(&jw, "id", upload);
    medsec_jsonw_kv_bool(&jw, "verified", verified);
    medsec_jsonw_kv_string(&jw, "detail", detail[0] ? detail : NULL);
    medsec_jsonw_object_end(&jw);
    return medsec_jsonw_finish(&jw);
}

/* ---- roll-outs ---- */

static const struct col rollout_cols[] = {{"id", 'i'},
                                          {"release_id", 'i'},
                                          {"model", 's'},
                                          {"version", 's'},
                                          {"name", 's'},
                                          {"state", 's'},
                                          {"percent", 'i'},
                                          {"hospital_id", 'i'},
                                          {"site_id", 'i'},
                                          {"max_failure_permille", 'i'},
                                          {"created_at", 'i'},
                                          {"started_at", 'i'},
                                          {"halted_reason", 's'},
                                          {"offered", 'i'},
                                          {"succeeded", 'i'},
                                          {"failed", 'i'},
                                          {NULL, 0}};
#define ROLLOUT_SELECT                                                                             \
    "o.id, o.release_id, m.name, r.version, o.name, o.state, o.percent, o.hospital_id,"            \
    " o.site_id, o.max_failure_permille, o.created_at, o.started_at, o.halted_reason,"             \
    " (SELECT COUNT(*) FROM rollout_devices x WHERE x.rollout_id = o.id),"                         \
    " (SELECT COUNT(*) FROM rollout_devices x WHERE x.rollout_id = o.id AND x.state ="             \
    " 'succeeded'),"                                                                               \
    " (SELECT COUNT(*) FROM rollout_devices x WHERE x.rollout_id = o.id AND x.state = 'failed')"
#define ROLLOUT_FROM                                                                               \
    "rollouts o JOIN releases r ON r.id = o.release_id JOIN models m ON m.id = r.model_id"

static medsec_err rollouts_list(struct srv_req *rq, struct srv_resp *rs)
{
    struct where w = {0};
    int64_t rel;
    int k = query_int(rq, "release", 1, INT64_MAX, &rel, rs);
    if (k < 0)
        return MEDSEC_OK;
    if (k)
        where_add(&w, "o.release_id", SDB_I(rel));
    const char *state = rq->param ? rq->param(rq, "state") : NULL;
    if (state)
        where_add(&w, "o.state", SDB_S(state));
    return list(rq, rs, ROLLOUT_SELECT, ROLLOUT_FROM, &w, "o.id DESC", rollout_cols);
}

static medsec_err rollouts_show(struct srv_req *rq, struct srv_resp *rs)
{
    struct sdb_val p[1] = {SDB_I(path_id(rq, 0))};
    return one(rq, rs, "SELECT " ROLLOUT_SELECT " FROM " ROLLOUT_FROM " WHERE o.id = $1", p, 1,
               rollout_cols, "roll-out");
}

static medsec_err rollouts_create(struct srv_req *rq, struct srv_resp *rs)
{
    struct fields f;
    int bad;
    medsec_err e = fields_open(&f, rq, rs, &bad);
    if (bad)
        return e;
    struct srv_rollout_new r = {.max_failure_permille = 100};
    int64_t pct = 0, perm = 100;
    int k[5] = {field_int(&f, "release_id", 1, INT64_MAX, &r.release_id, rs),
                field_int(&f, "percent", 0, 100, &pct, rs),
                field_int(&f, "hospital_id", 1, INT64_MAX, &r.hospital_id, rs),
                field_int(&f, "site_id", 1, INT64_MAX, &r.site_id, rs),
                field_int(&f, "max_failure_permille", 0, 1000, &perm, rs)};
    for (int i = 0; i < 5; i++)
        if (k[i] < 0) {
            fields_close(&f);
            return MEDSEC_OK;
        }
    if (!k[0]) {
        fields_close(&f);
        return srv_error(rs, 400, "release_id: missing");
    }
    r.percent = (int)pct;
    r.max_failure_permille = (int)perm;
    r.name = field(&f, "name");
    struct medsec_error err = {0};
    int64_t id = 0;
    char detail[512];
    e = sdb_begin(rq->db, &err);
    if (!e)
        e = srv_fleet_rollout_add(rq->db, &r, rq->now, &id, &err);
    if (!e)
        e = audit(rq, "rollout.create", "rollout", id,
                  detail_json(detail, sizeof detail, "name", r.name, "release_id",
                              field(&f, "release_id"), "percent", field(&f, "percent"), NULL),
                  &err);
    if (!e)
        e = sdb_commit(rq->db, &err);
    else
        sdb_rollback(rq->db);
    fields_close(&f);
    return e ? fail(rs, e, &err) : created(rs, id, NULL, 0);
}

/* POST /api/v1/rollouts/{}/ACTION; the action is the path's last segment. An optional "percent"
 * with start or resume widens the roll-out; "reason" goes with halt. */
static medsec_err rollouts_action(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t id = path_id(rq, 0);
    const char *action = strrchr(rq->path, '/');
    action = action ? action + 1 : "";
    if (!id)
        return srv_error(rs, 404, "no such roll-out");
    struct fields f;
    int bad;
    medsec_err e = fields_open(&f, rq, rs, &bad);
    if (bad)
        return e;
    int64_t pct = -1;
    if (field_int(&f, "percent", 0, 100, &pct, rs) < 0) {
        fields_close(&f);
        return MEDSEC_OK;
    }
    const char *reason = field(&f, "reason");
    struct medsec_error err = {0};
    char detail[1200], act[64];
    snprintf(act, sizeof act, "rollout.%s", action);
    e = sdb_begin(rq->db, &err);
    if (!e)
        e = srv_fleet_rollout_action(rq->db, id, action, reason, rq->now, &err);
    if (!e && pct >= 0)
        e = srv_fleet_rollout_percent(rq->db, id, (int)pct, &err);
    if (!e)
        e = audit(rq, act, "rollout", id,
                  detail_json(detail, sizeof detail, "reason", reason, "percent",
                              field(&f, "percent"), NULL),
                  &err);
    if (!e)
        e = sdb_commit(rq->db, &err);
    else
        sdb_rollback(rq->db);
    fields_close(&f);
    if (e == MEDSEC_ENOTFOUND)
        return srv_error(rs, 404, "no such roll-out");
    if (e == MEDSEC_EINVAL)
        return srv_error(rs, 409, "%s", err.msg);
    if (e)
        return fail(rs, e, &err);
    return rollouts_show(rq, rs);
}

const struct srv_route srv_routes_fleet[] = {
    {"GET", "/api/v1/hospitals", SRV_ROLES_ALL, hospitals_list},
    {"POST", "/api/v1/hospitals", ROLES_WRITE, hospitals_create},
    {"GET", "/api/v1/sites", SRV_ROLES_ALL, sites_list},
    {"POST", "/api/v1/sites", ROLES_WRITE, sites_create},
    {"GET", "/api/v1/models", SRV_ROLES_ALL, models_list},
    {"POST", "/api/v1/models", ROLES_WRITE, models_create},
    {"GET", "/api/v1/releases", SRV_ROLES_ALL, releases_list},
    {"POST", "/api/v1/releases", ROLES_WRITE, releases_create},
    {"GET", "/api/v1/devices", SRV_ROLES_ALL, devices_list},
    {"POST", "/api/v1/devices", ROLES_WRITE, devices_create},
    {"GET", "/api/v1/devices/{}", SRV_ROLES_ALL, devices_show},
    {"GET", "/api/v1/devices/{}/checkins", SRV_ROLES_ALL, devices_checkins},
    {"POST", "/api/v1/checkin", SRV_ROLE_PUBLIC, checkin_post},
    {"POST", "/api/v1/devices/{}/log", SRV_ROLE_PUBLIC, log_post},
    {"GET", "/api/v1/rollouts", SRV_ROLES_STAFF, rollouts_list},
    {"POST", "/api/v1/rollouts", ROLES_WRITE, rollouts_create},
    {"GET", "/api/v1/rollouts/{}", SRV_ROLES_STAFF, rollouts_show},
    {"POST", "/api/v1/rollouts/{}/start", ROLES_WRITE, rollouts_action},
    {"POST", "/api/v1/rollouts/{}/pause", ROLES_WRITE, rollouts_action},
    {"POST", "/api/v1/rollouts/{}/resume", ROLES_WRITE, rollouts_action},
    {"POST", "/api/v1/rollouts/{}/halt", ROLES_WRITE, rollouts_action},
    {NULL, NULL, 0, NULL},
};
