/* watch_util.c: request and answer helpers of the watch, PMS and vigilance handlers. */
#include "watch_util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/date.h"

const char *wu_param(const struct srv_req *rq, const char *name)
{
    return rq->param ? rq->param(rq, name) : NULL;
}

bool wu_int_arg(const char *text, const char *name, int64_t lo, int64_t hi, int64_t *out,
                struct srv_resp *rs)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (!*text || *end || errno || v < lo || v > hi) {
        srv_error(rs, 400, "%s: expected an integer from %lld to %lld", name, (long long)lo,
                  (long long)hi);
        return false;
    }
    *out = v;
    return true;
}

bool wu_paging(const struct srv_req *rq, struct srv_resp *rs, int64_t *limit, int64_t *offset)
{
    const char *l = wu_param(rq, "limit"), *o = wu_param(rq, "offset");
    *limit = 100;
    *offset = 0;
    if (l && !wu_int_arg(l, "limit", 1, 1000, limit, rs))
        return false;
    if (o && !wu_int_arg(o, "offset", 0, INT64_C(1) << 40, offset, rs))
        return false;
    return true;
}

int64_t wu_hospital(const struct srv_req *rq)
{
    if (rq->user && rq->user->role == SRV_ROLE_HOSPITAL)
        return rq->user->hospital_id > 0 ? rq->user->hospital_id : -1; /* -1: sees nothing */
    return 0;
}

bool wu_body_json(const struct srv_req *rq, struct srv_resp *rs, struct medsec_json_doc **doc)
{
    *doc = NULL;
    if (!rq->body || rq->body_len == 0)
        return true;
    bool json = (rq->content_type && strstr(rq->content_type, "json")) || rq->body[0] == '{';
    if (!json)
        return true;
    if (rq->body_len > WU_MAX_BODY) {
        srv_error(rs, 413, "body: more than %d bytes", WU_MAX_BODY);
        return false;
    }
    struct medsec_json_limits lim = {WU_MAX_BODY, 16, 4096};
    struct medsec_error err;
    if (medsec_json_parse(rq->body, rq->body_len, &lim, "body", doc, &err)) {
        srv_error(rs, 400, "body: line %u, column %u: %s", err.line, err.column, err.msg);
        return false;
    }
    if (!medsec_json_is((*doc)->root, MEDSEC_JSON_OBJECT)) {
        medsec_json_doc_free(*doc);
        *doc = NULL;
        srv_error(rs, 400, "body: expected a JSON object");
        return false;
    }
    return true;
}

const char *wu_field(const struct srv_req *rq, const struct medsec_json_doc *doc, const char *name)
{
    const char *v = wu_param(rq, name);
    if (v)
        return v;
    if (!doc)
        return NULL;
    const struct medsec_json *j = medsec_json_get(doc->root, name);
    if (!j)
        return NULL;
    if (medsec_json_is(j, MEDSEC_JSON_STRING) || medsec_json_is(j, MEDSEC_JSON_NUMBER))
        return j->u.str;
    if (medsec_json_is(j, MEDSEC_JSON_TRUE))
        return "1";
    if (medsec_json_is(j, MEDSEC_JSON_FALSE))
        return "0";
    return NULL;
}

bool wu_id_arg(const struct srv_req *rq, size_t i, struct srv_resp *rs, int64_t *id)
{
    const char *s = i < rq->nargs ? rq->args[i] : NULL;
    char *end;
    errno = 0;
    long long v = s ? strtoll(s, &end, 10) : 0;
    if (!s || !*s || *end || errno || v <= 0) {
        srv_error(rs, 404, "no such object");
        return false;
    }
    *id = v;
    return true;
}

medsec_err wu_fail(struct srv_resp *rs, const struct medsec_error *err)
{
    return srv_error(rs, 500, "database: %s", err->msg[0] ? err->msg : "failed");
}

void wu_json_begin(struct srv_resp *rs, struct medsec_jsonw *w)
{
    rs->content_type = "application/json";
    medsec_buf_reset(&rs->body);
    medsec_jsonw_init(w, &rs->body, 0);
}

void wu_json_col(struct medsec_jsonw *w, const struct sdb_rows *r, size_t col, bool is_int)
{
    if (sdb_is_null(r, col))
        medsec_jsonw_null(w);
    else if (is_int)
        medsec_jsonw_int(w, sdb_int(r, col));
    else
        medsec_jsonw_string(w, sdb_text(r, col));
}

void wu_json_time(struct medsec_jsonw *w, const struct sdb_rows *r, size_t col)
{
    if (sdb_is_null(r, col)) {
        medsec_jsonw_null(w);
        return;
    }
    char t[21];
    medsec_time_format(sdb_int(r, col), t);
    medsec_jsonw_string(w, t);
}

bool wu_time_arg(const char *text, int64_t *out)
{
    if (!text || !*text)
        return false;
    if (medsec_time_parse(text, out))
        return true;
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (*end || errno || v < 0)
        return false;
    *out = v;
    return true;
}

medsec_err wu_json_page(struct srv_resp *rs, struct sdb_rows *r, const char *const *keys,
                        const char *kinds, int64_t total)
{
    struct medsec_error err;
    struct medsec_jsonw w;
    wu_json_begin(rs, &w);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "items");
    medsec_jsonw_array_begin(&w);
    int st = 0;
    while ((st = sdb_step(r, &err)) > 0) {
        medsec_jsonw_object_begin(&w);
        for (size_t k = 0; kinds[k]; k++) {
            medsec_jsonw_key(&w, keys[k]);
            if (kinds[k] == 't')
                wu_json_time(&w, r, k);
            else
                wu_json_col(&w, r, k, kinds[k] == 'i');
        }
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
