/* watch_util.h: small helpers the watch, PMS and vigilance handlers share (request fields, paging,
 * the hospital filter, JSON bodies, row reading). Internal to the server library. */
#ifndef MEDSEC_SERVER_WATCH_UTIL_H
#define MEDSEC_SERVER_WATCH_UTIL_H

#include <stdbool.h>
#include <stdint.h>

#include "medsec/json.h"
#include "srv.h"

/* Cap on a JSON request body these handlers parse. */
#define WU_MAX_BODY (64 * 1024)

/* A query-string or form field, or NULL. */
const char *wu_param(const struct srv_req *rq, const char *name);

/* `limit` (default 100, cap 1000) and `offset` (default 0); false with an error answered in @rs
 * when one is not a number in range. */
bool wu_paging(const struct srv_req *rq, struct srv_resp *rs, int64_t *limit, int64_t *offset);

/* An integer field (query or JSON) in [lo, hi]; false (error answered) when malformed or out of
 * range; *@present says whether it was there. */
bool wu_int_arg(const char *text, const char *name, int64_t lo, int64_t hi, int64_t *out,
                struct srv_resp *rs);

/* The hospital a hospital account is limited to, else 0. */
int64_t wu_hospital(const struct srv_req *rq);

/* The request's body as JSON when its content type says so (or it starts with '{'): *@doc is
 * NULL when there is no JSON body. false (error answered) when it is malformed or too big. */
bool wu_body_json(const struct srv_req *rq, struct srv_resp *rs, struct medsec_json_doc **doc);

/* A text field from the form / query, else from the JSON object @doc (may be NULL). */
const char *wu_field(const struct srv_req *rq, const struct medsec_json_doc *doc, const char *name);

/* A path argument as a positive id; false (404 answered) when it is not one. */
bool wu_id_arg(const struct srv_req *rq, size_t i, struct srv_resp *rs, int64_t *id);

/* SDB_S for a text that may be an array (no always-true address warning). */
static inline struct sdb_val wu_s(const char *s)
{
    return SDB_S(s);
}

/* Answer a database failure (500 with the message). */
medsec_err wu_fail(struct srv_resp *rs, const struct medsec_error *err);

/* Start a JSON answer: a writer on @rs->body, content type set. */
void wu_json_begin(struct srv_resp *rs, struct medsec_jsonw *w);

/* Write column @col of @r as a JSON value: null, integer or string. */
void wu_json_col(struct medsec_jsonw *w, const struct sdb_rows *r, size_t col, bool is_int);

/* Seconds as "YYYY-MM-DDTHH:MM:SSZ" into the writer, or null for 0 / NULL. */
void wu_json_time(struct medsec_jsonw *w, const struct sdb_rows *r, size_t col);
/* Answer {"items": [...], "total": @total}: one object per row of @r with the names @keys, column k
 * written as kinds[k] says ('t' a time, 'i' an integer, anything else text). Frees @r. */
medsec_err wu_json_page(struct srv_resp *rs, struct sdb_rows *r, const char *const *keys,
                        const char *kinds, int64_t total);

/* Parse a time argument: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM:SSZ" or Unix seconds. */
bool wu_time_arg(const char *text, int64_t *out);

#endif
