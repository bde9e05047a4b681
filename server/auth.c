/* auth.c: who may do what on medsec serve: users with roles and Argon2id passwords, login sessions
 * with their CSRF tokens, API tokens, the login rate limit, and the append-only audit trail
 * (srv_audit) with its routes. Secrets (session cookies, API tokens) are kept only as SHA-256. */
#include "auth.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "medsec/json.h"

/* A text parameter that is never NULL (an array: SDB_S would test its address). */
#define SDB_T(v) ((struct sdb_val){.type = SDB_TEXT, .s = (v)})
/* ---- schema -------------------------------------------------------------------------------- */

static const struct sdb_migration auth_steps[] = {
    {
        "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
        " role TEXT NOT NULL CHECK (role IN ('admin','analyst','regulatory','hospital')),"
        " hospital_id INTEGER, pw_hash TEXT NOT NULL, created_at INTEGER NOT NULL,"
        " disabled INTEGER NOT NULL DEFAULT 0, failed_logins INTEGER NOT NULL DEFAULT 0,"
        " locked_until INTEGER NOT NULL DEFAULT 0);"
        "CREATE TABLE sessions (id INTEGER PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
        " user_id INTEGER NOT NULL REFERENCES users(id), csrf TEXT NOT NULL,"
        " created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL);"
        "CREATE INDEX sessions_user ON sessions(user_id);"
        "CREATE TABLE api_tokens (id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
        " role TEXT NOT NULL CHECK (role IN ('admin','analyst','regulatory','hospital')),"
        " hospital_id INTEGER, token_hash TEXT NOT NULL UNIQUE, created_at INTEGER NOT NULL,"
        " revoked_at INTEGER);"
        "CREATE TABLE audit (id INTEGER PRIMARY KEY, at INTEGER NOT NULL, user_id INTEGER,"
        " user_name TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL,"
        " detail TEXT NOT NULL);"
        "CREATE INDEX audit_at ON audit(at);"
        "CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit"
        " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;"
        "CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit"
        " BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;",

        "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE,"
        " role TEXT NOT NULL CHECK (role IN ('admin','analyst','regulatory','hospital')),"
        " hospital_id BIGINT, pw_hash TEXT NOT NULL, created_at BIGINT NOT NULL,"
        " disabled BIGINT NOT NULL DEFAULT 0, failed_logins BIGINT NOT NULL DEFAULT 0,"
        " locked_until BIGINT NOT NULL DEFAULT 0);"
        "CREATE TABLE sessions (id BIGSERIAL PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE,"
        " user_id BIGINT NOT NULL REFERENCES users(id), csrf TEXT NOT NULL,"
        " created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL);"
        "CREATE INDEX sessions_user ON sessions(user_id);"
        "CREATE TABLE api_tokens (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL,"
        " role TEXT NOT NULL CHECK (role IN ('admin','analyst','regulatory','hospital')),"
        " hospital_id BIGINT, token_hash TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL,"
        " revoked_at BIGINT);"
        "CREATE TABLE audit (id BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, user_id BIGINT,"
        " user_name TEXT NOT NULL, action TEXT NOT NULL, object TEXT NOT NULL,"
        " detail TEXT NOT NULL);"
        "CREATE INDEX audit_at ON audit(at);"
        "CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS"
        " $f$ BEGIN RAISE EXCEPTION 'the audit trail is append-only'; END $f$;"
        "CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit"
        " FOR EACH ROW EXECUTE FUNCTION audit_append_only();"
        "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit"
        " FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();",
    },
};

medsec_err srv_auth_migrate(struct sdb *db, struct medsec_error *err)
{
    return sdb_migrate(db, "auth", auth_steps, sizeof auth_steps / sizeof auth_steps[0], err);
}

/* ---- roles, secrets -------------------------------------------------------------------------- */

static const struct {
    const char *name;
    unsigned bit;
} roles[] = {{"admin", SRV_ROLE_ADMIN},
             {"analyst", SRV_ROLE_ANALYST},
             {"regulatory", SRV_ROLE_REGULATORY},
             {"hospital", SRV_ROLE_HOSPITAL}};

unsigned srv_role_parse(const char *name)
{
    for (size_t i = 0; name && i < sizeof roles / sizeof roles[0]; i++)
        if (strcmp(roles[i].name, name) == 0)
            return roles[i].bit;
    return 0;
}

const char *srv_role_name(unsigned role)
{
    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++)
        if (roles[i].bit == role)
            return roles[i].name;
    return NULL;
}

medsec_err srv_auth_init(struct medsec_error *err)
{
    if (sodium_init() < 0)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "libsodium did not start");
    return MEDSEC_OK;
}

/* 32 random bytes as 64 hex digits. */
static void random_hex(char out[65])
{
    unsigned char b[32];
    randombytes_buf(b, sizeof b);
    sodium_bin2hex(out, 65, b, sizeof b);
    sodium_memzero(b, sizeof b);
}

/* SHA-256 of @s as hex: what is stored of a session cookie or an API token. */
static void secret_hash(const char *s, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(h, (const unsigned char *)s, strlen(s));
    sodium_bin2hex(out, 65, h, sizeof h);
}

static int is_hex64(const char *s)
{
    if (!s || strlen(s) != 64)
        return 0;
    for (size_t i = 0; i < 64; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
    return 1;
}

static int valid_name(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > 63)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '-' || c == '_' || c == '@'))
            return 0;
    }
    return 1;
}

medsec_err srv_auth_hospital_find(struct sdb *db, const char *text, int64_t *id,
                                  struct medsec_error *err)
{
    char *end;
    long long n = strtoll(text, &end, 10);
    medsec_err rc;
    if (*text && !*end)
        rc = sdb_query_int(db, "SELECT id FROM hospitals WHERE id = $1", &SDB_I(n), 1, id, err);
    else
        rc =
            sdb_query_int(db, "SELECT id FROM hospitals WHERE name = $1", &SDB_S(text), 1, id, err);
    if (rc == MEDSEC_ENOTFOUND)
        return medsec_error_set(err, rc, NULL, 0, 0, "hospital: no hospital '%s'", text);
    return rc;
}

static medsec_err check_role(struct sdb *db, unsigned role, int64_t hospital_id,
                             struct medsec_error *err)
{
    if (!srv_role_name(role))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "role: one of admin, analyst, regulatory, hospital");
    if (role == SRV_ROLE_HOSPITAL) {
        int64_t found;
        if (hospital_id <= 0)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                    "hospital_id: a hospital account needs its hospital");
        medsec_err rc = sdb_query_int(db, "SELECT id FROM hospitals WHERE id = $1",
                                      &SDB_I(hospital_id), 1, &found, err);
        if (rc == MEDSEC_ENOTFOUND)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "hospital_id: no hospital %lld",
                                    (long long)hospital_id);
        return rc;
    }
    if (hospital_id)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "hospital_id: only a hospital account has one");
    return MEDSEC_OK;
}

struct srv_req srv_auth_cli_req(struct sdb *db)
{
    struct srv_req rq = {.method = "CLI", .path = "", .body = "", .content_type = "", .db = db};
    rq.now = (int64_t)time(NULL);
    return rq;
}

/* ---- users and tokens ------------------------------------------------------------------------ */

medsec_err srv_auth_user_add(struct srv_req *rq, const char *name, unsigned role,
                             int64_t hospital_id, const char *password, int64_t *id,
                             struct medsec_error *err)
{
    if (!valid_name(name))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "name: 1 to 63 letters, digits or . - _ @");
    size_t plen = password ? strlen(password) : 0;
    if (plen < SRV_PASSWORD_MIN || plen > 1024)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "password: at least %d and at most 1024 characters",
                                SRV_PASSWORD_MIN);
    medsec_err rc = check_role(rq->db, role, hospital_id, err);
    if (rc)
        return rc;
    int64_t other;
    rc =
        sdb_query_int(rq->db, "SELECT id FROM users WHERE name = $1", &SDB_S(name), 1, &other, err);
    if (rc == MEDSEC_OK)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "name: user '%s' exists", name);
    if (rc != MEDSEC_ENOTFOUND)
        return rc;
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(hash, password, plen, crypto_pwhash_OPSLIMIT_INTERACTIVE,
                              crypto_pwhash_MEMLIMIT_INTERACTIVE,
                              crypto_pwhash_ALG_ARGON2ID13) != 0)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0,
                                "password hashing ran out of memory");
    struct sdb_val p[] = {SDB_S(name), SDB_S(srv_role_name(role)),
                          hospital_id ? SDB_I(hospital_id) : SDB_NUL, SDB_T(hash), SDB_I(rq->now)};
    rc = sdb_insert_id(rq->db,
                       "INSERT INTO users (name, role, hospital_id, pw_hash, created_at)"
                       " VALUES ($1, $2, $3, $4, $5)",
                       p, 5, id, err);
    if (rc)
        return rc;
    char detail[160];
    snprintf(detail, sizeof detail, "{\"role\":\"%s\",\"hospital_id\":%lld}", srv_role_name(role),
             (long long)hospital_id);
    char object[96];
    snprintf(object, sizeof object, "user/%lld", (long long)*id);
    return srv_audit(rq, "user.add", object, detail, err);
}

medsec_err srv_auth_token_add(struct srv_req *rq, const char *name, unsigned role,
                              int64_t hospital_id, char token[65], int64_t *id,
                              struct medsec_error *err)
{
    if (!valid_name(name))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "name: 1 to 63 letters, digits or . - _ @");
    medsec_err rc = check_role(rq->db, role, hospital_id, err);
    if (rc)
        return rc;
    char hash[65];
    random_hex(token);
    secret_hash(token, hash);
    struct sdb_val p[] = {SDB_S(name), SDB_S(srv_role_name(role)),
                          hospital_id ? SDB_I(hospital_id) : SDB_NUL, SDB_T(hash), SDB_I(rq->now)};
    rc = sdb_insert_id(rq->db,
                       "INSERT INTO api_tokens (name, role, hospital_id, token_hash, created_at)"
                       " VALUES ($1, $2, $3, $4, $5)",
                       p, 5, id, err);
    if (rc)
        return rc;
    char detail[160], object[96];
    snprintf(detail, sizeof detail, "{\"name\":\"%s\",\"role\":\"%s\"}", name, srv_role_name(role));
    snprintf(object, sizeof object, "token/%lld", (long long)*id);
    return srv_audit(rq, "token.add", object, detail, err);
}

medsec_err srv_auth_identify(struct sdb *db, const char *bearer, const char *session, int64_t now,
                             struct srv_user *u, struct medsec_error *err)
{
    memset(u, 0, sizeof *u);
    char hash[65];
    struct sdb_rows *r;
    medsec_err rc;
    if (bearer && is_hex64(bearer)) {
        secret_hash(bearer, hash);
        rc = sdb_query(db,
                       "SELECT id, name, role, hospital_id FROM api_tokens"
                       " WHERE token_hash = $1 AND revoked_at IS NULL",
                       &SDB_T(hash), 1, &r, err);
        if (rc)
            return rc;
        int st = sdb_step(r, err);
        if (st == 1) {
            u->id = -sdb_int(r, 0);
            snprintf(u->name, sizeof u->name, "token:%s", sdb_text(r, 1));
            u->role = srv_role_parse(sdb_text(r, 2));
            u->hospital_id = sdb_int(r, 3);
        }
        sdb_rows_free(r);
        return st < 0 ? err->code : MEDSEC_OK;
    }
    if (bearer || !session || !is_hex64(session))
        return MEDSEC_OK;
    secret_hash(session, hash);
    rc = sdb_query(db,
                   "SELECT u.id, u.name, u.role, u.hospital_id, s.csrf FROM sessions s"
                   " JOIN users u ON u.id = s.user_id"
                   " WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
                   (struct sdb_val[]){SDB_T(hash), SDB_I(now)}, 2, &r, err);
    if (rc)
        return rc;
    int st = sdb_step(r, err);
    if (st == 1) {
        u->id = sdb_int(r, 0);
        snprintf(u->name, sizeof u->name, "%s", sdb_text(r, 1));
        u->role = srv_role_parse(sdb_text(r, 2));
        u->hospital_id = sdb_int(r, 3);
        snprintf(u->csrf, sizeof u->csrf, "%s", sdb_text(r, 4));
    }
    sdb_rows_free(r);
    return st < 0 ? err->code : MEDSEC_OK;
}

/* ---- the audit trail ------------------------------------------------------------------------- */

medsec_err srv_audit(struct srv_req *rq, const char *action, const char *object,
                     const char *detail_json, struct medsec_error *err)
{
    const struct srv_user *u = rq->user;
    struct sdb_val p[] = {SDB_I(rq->now),
                          u && u->id ? SDB_I(u->id) : SDB_NUL,
                          SDB_S(u && u->id ? u->name : "command line"),
                          SDB_S(action),
                          SDB_S(object ? object : ""),
                          SDB_S(detail_json ? detail_json : "{}")};
    return sdb_exec(rq->db,
                    "INSERT INTO audit (at, user_id, user_name, action, object, detail)"
                    " VALUES ($1, $2, $3, $4, $5, $6)",
                    p, 6, NULL, err);
}

/* ---- request helpers ------------------------------------------------------------------------- */

static int is_json(const struct srv_req *rq)
{
    return strncmp(rq->content_type, "application/json", 16) == 0;
}

/* The request's fields: a JSON object body, or the form / query fields. */
struct fields {
    struct medsec_json_doc *doc;
    const struct srv_req *rq;
};

static medsec_err fields_open(struct fields *f, struct srv_req *rq, struct srv_resp *rs, int *bad)
{
    struct medsec_error e = {0};
    f->doc = NULL;
    f->rq = rq;
    *bad = 0;
    if (!is_json(rq))
        return MEDSEC_OK;
    struct medsec_json_limits lim = {.max_bytes = 65536, .max_depth = 8, .max_nodes = 256};
    if (medsec_json_parse(rq->body, rq->body_len, &lim, NULL, &f->doc, &e) != MEDSEC_OK) {
        *bad = 1;
        return srv_error(rs, 400, "body: %s (line %u, column %u)", e.msg, e.line, e.column);
    }
    if (!medsec_json_is(f->doc->root, MEDSEC_JSON_OBJECT)) {
        *bad = 1;
        medsec_json_doc_free(f->doc);
        f->doc = NULL;
        return srv_error(rs, 400, "body: a JSON object is expected");
    }
    return MEDSEC_OK;
}

/* A field as text (JSON strings and numbers; NULL when absent or of another type). */
static const char *field(const struct fields *f, const char *name)
{
    if (!f->doc)
        return f->rq->param ? f->rq->param(f->rq, name) : NULL;
    const struct medsec_json *v = medsec_json_get(f->doc->root, name);
    if (v && (v->type == MEDSEC_JSON_STRING || v->type == MEDSEC_JSON_NUMBER))
        return v->u.str;
    return NULL;
}

/* A non-negative integer field: 0 when absent; -1 when it is not such a number. */
static int64_t field_id(const struct fields *f, const char *name)
{
    const char *s = field(f, name);
    if (!s || !*s)
        return 0;
    char *end;
    long long v = strtoll(s, &end, 10);
    return (*end || v < 0) ? -1 : (int64_t)v;
}

/* limit (default 100, at most 1000) and offset of a list request; 0 or a 400 answer. */
static int list_window(struct srv_req *rq, struct srv_resp *rs, int64_t *limit, int64_t *offset)
{
    const char *l = rq->param ? rq->param(rq, "limit") : NULL;
    const char *o = rq->param ? rq->param(rq, "offset") : NULL;
    char *end;
    *limit = 100;
    *offset = 0;
    if (l) {
        long long v = strtoll(l, &end, 10);
        if (!*l || *end || v < 1 || v > 1000) {
            srv_error(rs, 400, "limit: a number from 1 to 1000");
            return -1;
        }
        *limit = v;
    }
    if (o) {
        long long v = strtoll(o, &end, 10);
        if (!*o || *end || v < 0) {
            srv_error(rs, 400, "offset: a number from 0");
            return -1;
        }
        *offset = v;
    }
    return 0;
}

static medsec_err fail(struct srv_resp *rs, const struct medsec_error *e, medsec_err rc)
{
    if (rc == MEDSEC_EINVAL)
        return srv_error(rs, 400, "%s", e->msg);
    return srv_error(rs, 500, "database: %s", e->msg[0] ? e->msg : medsec_strerror(rc));
}

static void user_json(struct medsec_jsonw *w, struct sdb_rows *r)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "id", sdb_int(r, 0));
    medsec_jsonw_kv_string(w, "name", sdb_text(r, 1));
    medsec_jsonw_kv_string(w, "role", sdb_text(r, 2));
    medsec_jsonw_key(w, "hospital_id");
    if (sdb_is_null(r, 3))
        medsec_jsonw_null(w);
    else
        medsec_jsonw_int(w, sdb_int(r, 3));
    medsec_jsonw_kv_int(w, "created_at", sdb_int(r, 4));
    medsec_jsonw_kv_bool(w, "disabled", sdb_int(r, 5) != 0);
    medsec_jsonw_object_end(w);
}

/* ---- login, logout --------------------------------------------------------------------------- */

/* A local path to go back to after the login, else "/". */
static const char *safe_next(const char *next)
{
    if (!next || next[0] != '/' || next[1] == '/' || next[1] == '\\' || strlen(next) > 400)
        return "/";
    for (const char *p = next; *p; p++)
        if ((unsigned char)*p < 0x21 || *p == 0x7f)
            return "/";
    return next;
}

static medsec_err login_refused(struct srv_req *rq, struct srv_resp *rs, int status,
                                const char *why)
{
    if (is_json(rq))
        return srv_error(rs, status, "%s", why);
    rs->status = 303;
    snprintf(rs->location, sizeof rs->location, "/login?failed=%s", status == 429 ? "locked" : "1");
    return MEDSEC_OK;
}

static medsec_err h_login(struct srv_req *rq, struct srv_resp *rs)
{
    struct fields f;
    int bad;
    medsec_err rc = fields_open(&f, rq, rs, &bad);
    if (bad)
        return rc;
    const char *name = field(&f, "name"), *password = field(&f, "password");
    const char *next = safe_next(field(&f, "next"));
    struct medsec_error e = {0};
    struct sdb_rows *r = NULL;
    if (!name || !password || !*name || strlen(password) > 1024) {
        rc = login_refused(rq, rs, 400, "name and password are needed");
        goto out_free_fields;
    }
    if ((rc = sdb_begin(rq->db, &e))) {
        rc = fail(rs, &e, rc);
        goto out_free_fields;
    }
    rc = sdb_query(rq->db,
                   "SELECT id, pw_hash, disabled, failed_logins, locked_until, role FROM users"
                   " WHERE name = $1",
                   &SDB_S(name), 1, &r, &e);
    int st = rc ? -1 : sdb_step(r, &e);
    if (st < 0) {
        rc = fail(rs, &e, rc ? rc : e.code);
        goto out_rollback;
    }
    if (st == 0) {
        /* the same work as for a real account, so a name cannot be probed by timing */
        char dummy[crypto_pwhash_STRBYTES];
        if (crypto_pwhash_str_alg(
                dummy, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) != 0) {
        }
        sdb_rows_free(r);
        r = NULL;
        sdb_rollback(rq->db);
        rc = login_refused(rq, rs, 401, "wrong name or password");
        goto out_free_fields;
    }
    int64_t uid = sdb_int(r, 0), failures = sdb_int(r, 3), locked = sdb_int(r, 4);
    int disabled = sdb_int(r, 2) != 0;
    char object[64];
    snprintf(object, sizeof object, "user/%lld", (long long)uid);
    struct srv_user who = {.id = uid, .role = srv_role_parse(sdb_text(r, 5))};
    snprintf(who.name, sizeof who.name, "%s", name);
    const struct srv_user *caller = rq->user;
    rq->user = &who;
    if (locked > rq->now) {
        sdb_rows_free(r);
        r = NULL;
        sdb_rollback(rq->db);
        rq->user = caller;
        rc = login_refused(rq, rs, 429, "too many failed logins; try again later");
        goto out_free_fields;
    }
    int ok = crypto_pwhash_str_verify(sdb_text(r, 1), password, strlen(password)) == 0;
    sdb_rows_free(r);
    r = NULL;
    if (!ok || disabled) {
        failures++;
        int lock = failures >= SRV_LOGIN_MAX_FAILURES;
        struct sdb_val p[] = {SDB_I(lock ? 0 : failures),
                              SDB_I(lock ? rq->now + SRV_LOGIN_LOCK_SECONDS : 0), SDB_I(uid)};
        if ((rc = sdb_exec(rq->db,
                           "UPDATE users SET failed_logins = $1, locked_until = $2"
                           " WHERE id = $3",
                           p, 3, NULL, &e)) ||
            (rc = srv_audit(rq, lock ? "login.locked" : "login.failed", object, "{}", &e)) ||
            (rc = sdb_commit(rq->db, &e))) {
            rq->user = caller;
            rc = fail(rs, &e, rc);
            goto out_rollback;
        }
        rq->user = caller;
        rc = login_refused(rq, rs, 401, "wrong name or password");
        goto out_free_fields;
    }
    char token[65], hash[65], csrf[65];
    random_hex(token);
    random_hex(csrf);
    secret_hash(token, hash);
    struct sdb_val p[] = {SDB_T(hash), SDB_I(uid), SDB_T(csrf), SDB_I(rq->now),
                          SDB_I(rq->now + SRV_SESSION_SECONDS)};
    if ((rc = sdb_exec(rq->db,
                       "INSERT INTO sessions (token_hash, user_id, csrf, created_at, expires_at)"
                       " VALUES ($1, $2, $3, $4, $5)",
                       p, 5, NULL, &e)) ||
        (rc = sdb_exec(rq->db, "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE id = $1",
                       &SDB_I(uid), 1, NULL, &e)) ||
        (rc = sdb_exec(rq->db, "DELETE FROM sessions WHERE expires_at <= $1", &SDB_I(rq->now), 1,
                       NULL, &e)) ||
        (rc = srv_audit(rq, "login", object, "{}", &e)) || (rc = sdb_commit(rq->db, &e))) {
        rq->user = caller;
        rc = fail(rs, &e, rc);
        goto out_rollback;
    }
    rq->user = caller;
    snprintf(rs->cookie, sizeof rs->cookie,
             SRV_SESSION_COOKIE "=%s; Path=/; HttpOnly; SameSite=Strict; Max-Age=%d", token,
             SRV_SESSION_SECONDS);
    sodium_memzero(token, sizeof token);
    if (is_json(rq)) {
        struct medsec_jsonw w;
        medsec_jsonw_init(&w, &rs->body, 0);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_int(&w, "id", uid);
        medsec_jsonw_kv_string(&w, "name", name);
        medsec_jsonw_kv_string(&w, "role", srv_role_name(who.role));
        medsec_jsonw_kv_string(&w, "csrf", csrf);
        medsec_jsonw_kv_int(&w, "expires_at", rq->now + SRV_SESSION_SECONDS);
        medsec_jsonw_object_end(&w);
        rc = medsec_jsonw_finish(&w);
    } else {
        rs->status = 303;
        snprintf(rs->location, sizeof rs->location, "%s", next);
    }
    goto out_free_fields;
out_rollback:
    sdb_rows_free(r);
    sdb_rollback(rq->db);
out_free_fields:
    medsec_json_doc_free(f.doc);
    return rc;
}

static medsec_err h_logout(struct srv_req *rq, struct srv_resp *rs)
{
    struct medsec_error e = {0};
    medsec_err rc;
    char object[64];
    snprintf(object, sizeof object, "user/%lld", (long long)rq->user->id);
    if (rq->user->id > 0) {
        if ((rc = sdb_begin(rq->db, &e)) ||
            (rc = sdb_exec(rq->db, "DELETE FROM sessions WHERE user_id = $1 AND csrf = $2",
                           (struct sdb_val[]){SDB_I(rq->user->id), SDB_S(rq->user->csrf)}, 2, NULL,
                           &e)) ||
            (rc = srv_audit(rq, "logout", object, "{}", &e)) || (rc = sdb_commit(rq->db, &e))) {
            sdb_rollback(rq->db);
            return fail(rs, &e, rc);
        }
    }
    snprintf(rs->cookie, sizeof rs->cookie,
             SRV_SESSION_COOKIE "=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
    if (is_json(rq)) {
        medsec_buf_adds(&rs->body, "{\"logged_out\":true}");
        return MEDSEC_OK;
    }
    rs->status = 303;
    snprintf(rs->location, sizeof rs->location, "/login");
    return MEDSEC_OK;
}

static medsec_err h_me(struct srv_req *rq, struct srv_resp *rs)
{
    const struct srv_user *u = rq->user;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &rs->body, 0);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "id", u->id);
    medsec_jsonw_kv_string(&w, "name", u->name);
    medsec_jsonw_kv_string(&w, "role", srv_role_name(u->role));
    medsec_jsonw_key(&w, "hospital_id");
    if (u->hospital_id)
        medsec_jsonw_int(&w, u->hospital_id);
    else
        medsec_jsonw_null(&w);
    medsec_jsonw_kv_string(&w, "csrf", u->csrf[0] ? u->csrf : NULL);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

/* ---- users ----------------------------------------------------------------------------------- */

static medsec_err h_users_list(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t limit, offset, total;
    if (list_window(rq, rs, &limit, &offset))
        return MEDSEC_OK;
    struct medsec_error e = {0};
    struct sdb_rows *r;
    medsec_err rc = sdb_query_int(rq->db, "SELECT COUNT(*) FROM users", NULL, 0, &total, &e);
    if (!rc)
        rc = sdb_query(rq->db,
                       "SELECT id, name, role, hospital_id, created_at, disabled FROM users"
                       " ORDER BY id LIMIT $1 OFFSET $2",
                       (struct sdb_val[]){SDB_I(limit), SDB_I(offset)}, 2, &r, &e);
    if (rc)
        return fail(rs, &e, rc);
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &rs->body, 0);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "items");
    medsec_jsonw_array_begin(&w);
    int st;
    while ((st = sdb_step(r, &e)) == 1)
        user_json(&w, r);
    sdb_rows_free(r);
    if (st < 0)
        return fail(rs, &e, e.code);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_int(&w, "total", total);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

static medsec_err h_users_add(struct srv_req *rq, struct srv_resp *rs)
{
    struct fields f;
    int bad;
    medsec_err rc = fields_open(&f, rq, rs, &bad);
    if (bad)
        return rc;
    struct medsec_error e = {0};
    const char *name = field(&f, "name"), *role = field(&f, "role");
    int64_t hospital = field_id(&f, "hospital_id"), id = 0;
    unsigned bit = srv_role_parse(role);
    if (!name)
        rc = srv_error(rs, 400, "name: missing");
    else if (!bit)
        rc = srv_error(rs, 400, "role: one of admin, analyst, regulatory, hospital");
    else if (hospital < 0)
        rc = srv_error(rs, 400, "hospital_id: a hospital's id");
    else if ((rc = sdb_begin(rq->db, &e)) ||
             (rc = srv_auth_user_add(rq, name, bit, hospital, field(&f, "password"), &id, &e)) ||
             (rc = sdb_commit(rq->db, &e))) {
        sdb_rollback(rq->db);
        rc = fail(rs, &e, rc);
    } else {
        struct sdb_rows *r;
        rc = sdb_query(rq->db,
                       "SELECT id, name, role, hospital_id, created_at, disabled FROM users"
                       " WHERE id = $1",
                       &SDB_I(id), 1, &r, &e);
        if (rc) {
            rc = fail(rs, &e, rc);
        } else {
            if (sdb_step(r, &e) == 1) {
                struct medsec_jsonw w;
                medsec_jsonw_init(&w, &rs->body, 0);
                user_json(&w, r);
                rc = medsec_jsonw_finish(&w);
                rs->status = 201;
            } else {
                rc = srv_error(rs, 500, "the new user is gone");
            }
            sdb_rows_free(r);
        }
    }
    medsec_json_doc_free(f.doc);
    return rc;
}

/* ---- API tokens ------------------------------------------------------------------------------ */

static medsec_err h_tokens_list(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t limit, offset, total;
    if (list_window(rq, rs, &limit, &offset))
        return MEDSEC_OK;
    struct medsec_error e = {0};
    struct sdb_rows *r;
    medsec_err rc = sdb_query_int(rq->db, "SELECT COUNT(*) FROM api_tokens", NULL, 0, &total, &e);
    if (!rc)
        rc = sdb_query(rq->db,
                       "SELECT id, name, role, hospital_id, created_at, revoked_at FROM api_tokens"
                       " ORDER BY id LIMIT $1 OFFSET $2",
                       (struct sdb_val[]){SDB_I(limit), SDB_I(offset)}, 2, &r, &e);
    if (rc)
        return fail(rs, &e, rc);
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &rs->body, 0);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "items");
    medsec_jsonw_array_begin(&w);
    int st;
    while ((st = sdb_step(r, &e)) == 1) {
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_int(&w, "id", sdb_int(r, 0));
        medsec_jsonw_kv_string(&w, "name", sdb_text(r, 1));
        medsec_jsonw_kv_string(&w, "role", sdb_text(r, 2));
        medsec_jsonw_key(&w, "hospital_id");
        if (sdb_is_null(r, 3))
            medsec_jsonw_null(&w);
        else
            medsec_jsonw_int(&w, sdb_int(r, 3));
        medsec_jsonw_kv_int(&w, "created_at", sdb_int(r, 4));
        medsec_jsonw_key(&w, "revoked_at");
        if (sdb_is_null(r, 5))
            medsec_jsonw_null(&w);
        else
            medsec_jsonw_int(&w, sdb_int(r, 5));
        medsec_jsonw_object_end(&w);
    }
    sdb_rows_free(r);
    if (st < 0)
        return fail(rs, &e, e.code);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_int(&w, "total", total);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

static medsec_err h_tokens_add(struct srv_req *rq, struct srv_resp *rs)
{
    struct fields f;
    int bad;
    medsec_err rc = fields_open(&f, rq, rs, &bad);
    if (bad)
        return rc;
    struct medsec_error e = {0};
    const char *name = field(&f, "name"), *role = field(&f, "role");
    int64_t hospital = field_id(&f, "hospital_id"), id = 0;
    unsigned bit = srv_role_parse(role);
    char token[65];
    if (!name)
        rc = srv_error(rs, 400, "name: missing");
    else if (!bit)
        rc = srv_error(rs, 400, "role: one of admin, analyst, regulatory, hospital");
    else if (hospital < 0)
        rc = srv_error(rs, 400, "hospital_id: a hospital's id");
    else if ((rc = sdb_begin(rq->db, &e)) ||
             (rc = srv_auth_token_add(rq, name, bit, hospital, token, &id, &e)) ||
             (rc = sdb_commit(rq->db, &e))) {
        sdb_rollback(rq->db);
        rc = fail(rs, &e, rc);
    } else {
        struct medsec_jsonw w;
        medsec_jsonw_init(&w, &rs->body, 0);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_int(&w, "id", id);
        medsec_jsonw_kv_string(&w, "name", name);
        medsec_jsonw_kv_string(&w, "role", srv_role_name(bit));
        medsec_jsonw_key(&w, "hospital_id");
        if (hospital)
            medsec_jsonw_int(&w, hospital);
        else
            medsec_jsonw_null(&w);
        medsec_jsonw_kv_string(&w, "token", token);
        medsec_jsonw_object_end(&w);
        rc = medsec_jsonw_finish(&w);
        rs->status = 201;
        sodium_memzero(token, sizeof token);
    }
    medsec_json_doc_free(f.doc);
    return rc;
}

static medsec_err h_tokens_revoke(struct srv_req *rq, struct srv_resp *rs)
{
    char *end;
    long long id = strtoll(rq->args[0], &end, 10);
    if (*end || id <= 0)
        return srv_error(rs, 404, "no such token");
    struct medsec_error e = {0};
    int64_t changes = 0;
    char object[64];
    snprintf(object, sizeof object, "token/%lld", id);
    medsec_err rc;
    if ((rc = sdb_begin(rq->db, &e)) ||
        (rc = sdb_exec(rq->db,
                       "UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL",
                       (struct sdb_val[]){SDB_I(rq->now), SDB_I(id)}, 2, &changes, &e))) {
        sdb_rollback(rq->db);
        return fail(rs, &e, rc);
    }
    if (changes == 0) {
        sdb_rollback(rq->db);
        return srv_error(rs, 404, "no such token, or revoked already");
    }
    if ((rc = srv_audit(rq, "token.revoke", object, "{}", &e)) || (rc = sdb_commit(rq->db, &e))) {
        sdb_rollback(rq->db);
        return fail(rs, &e, rc);
    }
    return medsec_buf_addf(&rs->body, "{\"id\":%lld,\"revoked_at\":%lld}", id, (long long)rq->now);
}

/* ---- the audit trail, read --------------------------------------------------------------------
 */

static medsec_err h_audit(struct srv_req *rq, struct srv_resp *rs)
{
    int64_t limit, offset, total;
    if (list_window(rq, rs, &limit, &offset))
        return MEDSEC_OK;
    const char *action = rq->param ? rq->param(rq, "action") : NULL;
    struct medsec_error e = {0};
    struct sdb_rows *r;
    /* two statements rather than "$1 IS NULL OR ...": PostgreSQL cannot type a lone NULL $1 */
    struct sdb_val all[] = {SDB_I(limit), SDB_I(offset)};
    struct sdb_val one[] = {SDB_S(action), SDB_I(limit), SDB_I(offset)};
    medsec_err rc = action
                        ? sdb_query_int(rq->db, "SELECT COUNT(*) FROM audit WHERE action = $1", one,
                                        1, &total, &e)
                        : sdb_query_int(rq->db, "SELECT COUNT(*) FROM audit", NULL, 0, &total, &e);
    if (!rc)
        rc = action
                 ? sdb_query(rq->db,
                             "SELECT id, at, user_id, user_name, action, object, detail FROM audit"
                             " WHERE action = $1 ORDER BY id DESC LIMIT $2 OFFSET $3",
                             one, 3, &r, &e)
                 : sdb_query(rq->db,
                             "SELECT id, at, user_id, user_name, action, object, detail FROM audit"
                             " ORDER BY id DESC LIMIT $1 OFFSET $2",
                             all, 2, &r, &e);
    if (rc)
        return fail(rs, &e, rc);
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &rs->body, 0);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "items");
    medsec_jsonw_array_begin(&w);
    int st;
    while ((st = sdb_step(r, &e)) == 1) {
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_int(&w, "id", sdb_int(r, 0));
        medsec_jsonw_kv_int(&w, "at", sdb_int(r, 1));
        medsec_jsonw_key(&w, "user_id");
        if (sdb_is_null(r, 2))
            medsec_jsonw_null(&w);
        else
            medsec_jsonw_int(&w, sdb_int(r, 2));
        medsec_jsonw_kv_string(&w, "user_name", sdb_text(r, 3));
        medsec_jsonw_kv_string(&w, "action", sdb_text(r, 4));
        medsec_jsonw_kv_string(&w, "object", sdb_text(r, 5));
        /* detail is JSON text written by the server; pass it through when it parses */
        const char *d = sdb_text(r, 6);
        struct medsec_json_doc *doc = NULL;
        struct medsec_error pe = {0};
        medsec_jsonw_key(&w, "detail");
        if (d && medsec_json_parse(d, strlen(d), NULL, NULL, &doc, &pe) == MEDSEC_OK)
            medsec_jsonw_value(&w, doc->root);
        else
            medsec_jsonw_string(&w, d);
        medsec_json_doc_free(doc);
        medsec_jsonw_object_end(&w);
    }
    sdb_rows_free(r);
    if (st < 0)
        return fail(rs, &e, e.code);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_int(&w, "total", total);
    medsec_jsonw_object_end(&w);
    return medsec_jsonw_finish(&w);
}

const struct srv_route srv_routes_auth[] = {
    {"POST", "/login", SRV_ROLE_PUBLIC, h_login},
    {"POST", "/logout", SRV_ROLES_ALL, h_logout},
    {"GET", "/api/v1/me", SRV_ROLES_ALL, h_me},
    {"GET", "/api/v1/users", SRV_ROLE_ADMIN, h_users_list},
    {"POST", "/api/v1/users", SRV_ROLE_ADMIN, h_users_add},
    {"GET", "/api/v1/tokens", SRV_ROLE_ADMIN, h_tokens_list},
    {"POST", "/api/v1/tokens", SRV_ROLE_ADMIN, h_tokens_add},
    {"DELETE", "/api/v1/tokens/{}", SRV_ROLE_ADMIN, h_tokens_revoke},
    {"GET", "/api/v1/audit", SRV_ROLE_ADMIN | SRV_ROLE_REGULATORY, h_audit},
    {NULL, NULL, 0, NULL},
};
