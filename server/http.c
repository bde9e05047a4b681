/* http.c: the HTTP core of medsec serve (http.h) on libmicrohttpd: one request's life from the
 * first header to the answer: body cap, route match ({} segments, 404, 405), who is calling,
 * roles, CSRF, query and form fields, the handler, the security headers. */
#include "http.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "auth.h"
#include "medsec/alloc.h"

#define MAX_PARAMS 256
#define MAX_PATH 2048

struct srv_http {
    struct MHD_Daemon *d;
    const struct srv_config *cfg;
    int tls;
    pthread_key_t dbkey;
    unsigned port;
};

struct param {
    char *name, *value;
};

/* One request's state, from its first header to its completion. */
struct conn {
    struct medsec_buf body;
    int too_big;
    struct param params[MAX_PARAMS];
    size_t nparams;
    int bad_params; /* too many or undecodable fields */
    char args[SRV_MAX_ARGS][160];
};

static void conn_free(struct conn *c)
{
    for (size_t i = 0; i < c->nparams; i++) {
        medsec_free(c->params[i].name);
        medsec_free(c->params[i].value);
    }
    medsec_buf_release(&c->body);
    medsec_free(c);
}

static int param_add(struct conn *c, const char *name, size_t nlen, const char *value, size_t vlen)
{
    if (c->nparams >= MAX_PARAMS) {
        c->bad_params = 1;
        return -1;
    }
    char *n = medsec_strndup(name, nlen), *v = medsec_strndup(value ? value : "", vlen);
    if (!n || !v) {
        medsec_free(n);
        medsec_free(v);
        c->bad_params = 1;
        return -1;
    }
    c->params[c->nparams].name = n;
    c->params[c->nparams].value = v;
    c->nparams++;
    return 0;
}

static const char *req_param(const struct srv_req *rq, const char *name)
{
    const struct conn *c = rq->param_ctx;
    for (size_t i = 0; i < c->nparams; i++)
        if (strcmp(c->params[i].name, name) == 0)
            return c->params[i].value;
    return NULL;
}

static enum MHD_Result on_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                    const char *value)
{
    (void)kind;
    struct conn *c = cls;
    param_add(c, key, strlen(key), value, value ? strlen(value) : 0);
    return MHD_YES;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* Decode application/x-www-form-urlencoded text in place ('+' is a space); -1 on a bad escape or
 * an encoded NUL. Returns the decoded length. */
static long form_decode(char *s, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '+') {
            s[o++] = ' ';
        } else if (s[i] == '%') {
            int a = i + 1 < n ? hexval(s[i + 1]) : -1, b = i + 2 < n ? hexval(s[i + 2]) : -1;
            if (a < 0 || b < 0 || (a | b) == 0)
                return -1;
            s[o++] = (char)(a * 16 + b);
            i += 2;
        } else {
            s[o++] = s[i];
        }
    }
    return (long)o;
}

static int parse_form(struct conn *c, const char *body, size_t len)
{
    const char *p = body, *end = body + len;
    while (p < end) {
        const char *amp = memchr(p, '&', (size_t)(end - p));
        if (!amp)
            amp = end;
        if (amp > p) {
            const char *eq = memchr(p, '=', (size_t)(amp - p));
            size_t nlen = (size_t)((eq ? eq : amp) - p);
            char *pair = medsec_strndup(p, (size_t)(amp - p));
            if (!pair)
                return -1;
            long nl = form_decode(pair, nlen);
            long vl = eq ? form_decode(pair + nlen + 1, (size_t)(amp - eq - 1)) : 0;
            int rc = (nl < 0 || vl < 0)
                         ? -1
                         : param_add(c, pair, (size_t)nl, eq ? pair + nlen + 1 : "", (size_t)vl);
            medsec_free(pair);
            if (rc)
                return -1;
        }
        p = amp + 1;
    }
    return 0;
}

/* Match @path against @pattern; the {} segments go to @args. */
static int match(const char *pattern, const char *path, struct conn *c, size_t *nargs)
{
    const char *p = pattern, *s = path;
    *nargs = 0;
    while (*p && *s) {
        if (p[0] == '{' && p[1] == '}' && (p[2] == '/' || p[2] == 0)) {
            const char *e = strchr(s, '/');
            size_t n = e ? (size_t)(e - s) : strlen(s);
            if (n == 0 || n >= sizeof c->args[0] || *nargs >= SRV_MAX_ARGS)
                return 0;
            memcpy(c->args[*nargs], s, n);
            c->args[*nargs][n] = 0;
            (*nargs)++;
            p += 2;
            s += n;
            continue;
        }
        if (*p != *s)
            return 0;
        p++;
        s++;
    }
    return *p == 0 && *s == 0;
}

static int is_log_upload(const char *url)
{
    static const char pre[] = "/api/v1/devices/";
    if (strncmp(url, pre, sizeof pre - 1) != 0)
        return 0;
    const char *slash = strchr(url + sizeof pre - 1, '/');
    return slash && strcmp(slash, "/log") == 0;
}

static struct sdb *thread_db(struct srv_http *h, struct medsec_error *err)
{
    struct sdb *db = pthread_getspecific(h->dbkey);
    if (db)
        return db;
    if (sdb_open(&db, h->cfg->db_url, err) != MEDSEC_OK)
        return NULL;
    if (pthread_setspecific(h->dbkey, db) != 0) {
        sdb_close(db);
        return NULL;
    }
    return db;
}

static void close_db(void *db)
{
    sdb_close(db);
}

/* ---- the answer ------------------------------------------------------------------------------ */

static enum MHD_Result send_resp(struct srv_http *h, struct MHD_Connection *mc, struct srv_resp *rs,
                                 const char *allow)
{
    int status = rs->status ? rs->status : 200;
    struct MHD_Response *r =
        MHD_create_response_from_buffer(rs->body.len, rs->body.data, MHD_RESPMEM_MUST_COPY);
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, "Content-Type",
                            rs->content_type ? rs->content_type : "application/json");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'none'; style-src 'self'; img-src 'self' data:;"
                            " form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "X-Frame-Options", "DENY");
    MHD_add_response_header(r, "Referrer-Policy", "no-referrer");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (h->tls)
        MHD_add_response_header(r, "Strict-Transport-Security", "max-age=31536000");
    if (allow)
        MHD_add_response_header(r, "Allow", allow);
    if (rs->location[0] && status >= 300 && status < 400)
        MHD_add_response_header(r, "Location", rs->location);
    if (rs->filename[0]) {
        char cd[200];
        size_t o = (size_t)snprintf(cd, sizeof cd, "attachment; filename=\"");
        for (const char *p = rs->filename; *p && o + 3 < sizeof cd; p++) {
            char ch = *p;
            int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                     (ch >= '0' && ch <= '9') || ch == '.' || ch == '-' || ch == '_';
            cd[o++] = ok ? ch : '_';
        }
        cd[o++] = '"';
        cd[o] = 0;
        MHD_add_response_header(r, "Content-Disposition", cd);
    }
    if (rs->cookie[0]) {
        char ck[300];
        snprintf(ck, sizeof ck, "%s%s", rs->cookie, h->tls ? "; Secure" : "");
        MHD_add_response_header(r, "Set-Cookie", ck);
    }
    enum MHD_Result ret = MHD_queue_response(mc, (unsigned)status, r);
    MHD_destroy_response(r);
    return ret;
}

static enum MHD_Result send_error(struct srv_http *h, struct MHD_Connection *mc, int status,
                                  const char *allow, const char *msg)
{
    struct srv_resp rs = {.body = MEDSEC_BUF_INIT};
    srv_error(&rs, status, "%s", msg);
    enum MHD_Result ret = send_resp(h, mc, &rs, allow);
    medsec_buf_release(&rs.body);
    return ret;
}

/* ---- one request ----------------------------------------------------------------------------- */

static enum MHD_Result dispatch(struct srv_http *h, struct MHD_Connection *mc, struct conn *c,
                                const char *url, const char *method)
{
    const char *m = strcmp(method, "HEAD") == 0 ? "GET" : method;
    const struct srv_route *route = NULL;
    char allow[64] = "";
    size_t nargs = 0;
    if (strlen(url) > MAX_PATH)
        return send_error(h, mc, 414, NULL, "the path is too long");
    for (size_t t = 0; srv_route_tables[t] && !route; t++)
        for (const struct srv_route *r = srv_route_tables[t]; r->method; r++) {
            size_t n;
            if (!match(r->pattern, url, c, &n))
                continue;
            if (strcmp(r->method, m) == 0) {
                route = r;
                nargs = n;
                break;
            }
            if (strlen(allow) + strlen(r->method) + 3 < sizeof allow && !strstr(allow, r->method))
                snprintf(allow + strlen(allow), sizeof allow - strlen(allow), "%s%s",
                         allow[0] ? ", " : "", r->method);
        }
    if (!route && allow[0])
        return send_error(h, mc, 405, allow, "method not allowed here");
    if (!route)
        return send_error(h, mc, 404, NULL, "no such page");

    const char *ctype = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Type");
    if (!ctype)
        ctype = "";
    MHD_get_connection_values(mc, MHD_GET_ARGUMENT_KIND, on_query_arg, c);
    if (strncmp(ctype, "application/x-www-form-urlencoded", 33) == 0 &&
        parse_form(c, c->body.data, c->body.len) != 0)
        c->bad_params = 1;
    if (c->bad_params)
        return send_error(h, mc, 400, NULL,
                          "query or form: more than 256 fields, or a bad percent-encoding");

    struct medsec_error err = {0};
    struct sdb *db = thread_db(h, &err);
    if (!db)
        return send_error(h, mc, 503, NULL, "the database is not available");
    int64_t now = h->cfg->now ? h->cfg->now() : (int64_t)time(NULL);

    struct srv_user user;
    const char *auth = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Authorization");
    const char *bearer = NULL;
    if (auth && strncasecmp(auth, "Bearer ", 7) == 0)
        bearer = auth + 7;
    const char *cookie = MHD_lookup_connection_value(mc, MHD_COOKIE_KIND, SRV_SESSION_COOKIE);
    if (srv_auth_identify(db, bearer, cookie, now, &user, &err) != MEDSEC_OK)
        return send_error(h, mc, 503, NULL, "the database is not available");
    if (auth && !bearer)
        return send_error(h, mc, 401, NULL, "Authorization: only Bearer tokens are taken");

    if (route->roles != SRV_ROLE_PUBLIC) {
        if (user.id == 0) {
            if (strncmp(url, "/api/", 5) == 0 || strcmp(m, "GET") != 0)
                return send_error(h, mc, 401, NULL, "log in, or send an API token");
            struct srv_resp rs = {.status = 303, .body = MEDSEC_BUF_INIT};
            char *next = medsec_malloc(strlen(url) * 3 + 1);
            if (!next)
                return MHD_NO;
            size_t o = 0;
            for (const char *p = url; *p; p++) {
                unsigned char ch = (unsigned char)*p;
                if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '/' || ch == '-' || ch == '_' || ch == '.')
                    next[o++] = (char)ch;
                else
                    o += (size_t)sprintf(next + o, "%%%02X", ch);
            }
            next[o] = 0;
            snprintf(rs.location, sizeof rs.location, "/login?next=%s", next);
            medsec_free(next);
            enum MHD_Result ret = send_resp(h, mc, &rs, NULL);
            medsec_buf_release(&rs.body);
            return ret;
        }
        if (!(route->roles & user.role))
            return send_error(h, mc, 403, NULL, "your role may not do this");
        if (strcmp(m, "GET") != 0 && user.csrf[0]) {
            const char *t = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "X-CSRF-Token");
            struct srv_req tmp = {.param_ctx = c};
            if (!t)
                t = req_param(&tmp, "csrf");
            if (!t || strlen(t) != strlen(user.csrf) ||
                sodium_memcmp(t, user.csrf, strlen(user.csrf)) != 0)
                return send_error(h, mc, 403, NULL, "csrf: missing or wrong CSRF token");
        }
    }

    struct srv_req rq = {
        .method = m,
        .path = url,
        .nargs = nargs,
        .body = c->body.data,
        .body_len = c->body.len,
        .content_type = ctype,
        .param = req_param,
        .param_ctx = c,
        .user = &user,
        .db = db,
        .cfg = h->cfg,
        .now = now,
    };
    for (size_t i = 0; i < nargs; i++)
        rq.args[i] = c->args[i];
    struct srv_resp rs = {.body = MEDSEC_BUF_INIT};
    medsec_buf_init(&rs.body, (size_t)64 << 20);
    medsec_err rc = route->fn(&rq, &rs);
    if (sdb_in_tx(db)) /* a handler that forgot its transaction: never leak it to the next */
        sdb_rollback(db);
    if (rc != MEDSEC_OK && (rs.status == 0 || rs.status < 400))
        srv_error(&rs, 500, "internal error: %s", medsec_strerror(rc));
    enum MHD_Result ret = send_resp(h, mc, &rs, NULL);
    medsec_buf_release(&rs.body);
    return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *mc, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    (void)version;
    struct srv_http *h = cls;
    struct conn *c = *con_cls;
    if (!c) {
        c = medsec_calloc(1, sizeof *c);
        if (!c)
            return MHD_NO;
        size_t cap = is_log_upload(url) ? SRV_UPLOAD_MAX : SRV_BODY_MAX;
        medsec_buf_init(&c->body, cap);
        *con_cls = c;
        const char *cl = MHD_lookup_connection_value(mc, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > cap) {
            c->too_big = 1;
            return send_error(h, mc, 413, NULL, "the request body is too large");
        }
        return MHD_YES;
    }
    if (*upload_data_size) {
        if (!c->too_big && medsec_buf_add(&c->body, upload_data, *upload_data_size) != MEDSEC_OK)
            c->too_big = 1;
        *upload_data_size = 0;
        return MHD_YES;
    }
    if (c->too_big)
        return send_error(h, mc, 413, NULL, "the request body is too large");
    return dispatch(h, mc, c, url, method);
}

static void on_completed(void *cls, struct MHD_Connection *mc, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)mc;
    (void)toe;
    if (*con_cls)
        conn_free(*con_cls);
    *con_cls = NULL;
}

/* ---- start, stop ----------------------------------------------------------------------------- */

medsec_err srv_http_parse_listen(const char *listen, struct sockaddr_storage *sa, int *loopback,
                                 struct medsec_error *err)
{
    char host[64];
    const char *port;
    memset(sa, 0, sizeof *sa);
    if (!listen || !*listen)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "listen: empty address");
    if (listen[0] == '[') {
        const char *close = strchr(listen, ']');
        if (!close || close[1] != ':' || (size_t)(close - listen - 1) >= sizeof host)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                    "listen: '%s' is not [IPv6]:PORT", listen);
        memcpy(host, listen + 1, (size_t)(close - listen - 1));
        host[close - listen - 1] = 0;
        port = close + 2;
    } else {
        const char *colon = strrchr(listen, ':');
        if (!colon || (size_t)(colon - listen) >= sizeof host)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "listen: '%s' is not ADDR:PORT",
                                    listen);
        memcpy(host, listen, (size_t)(colon - listen));
        host[colon - listen] = 0;
        port = colon + 1;
    }
    char *end;
    long p = strtol(port, &end, 10);
    if (!*port || *end || p < 0 || p > 65535)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "listen: port '%s' is not a number from 0 to 65535", port);
    struct sockaddr_in *v4 = (struct sockaddr_in *)sa;
    struct sockaddr_in6 *v6 = (struct sockaddr_in6 *)sa;
    if (inet_pton(AF_INET, host, &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons((uint16_t)p);
        *loopback = (ntohl(v4->sin_addr.s_addr) >> 24) == 127;
    } else if (inet_pton(AF_INET6, host, &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons((uint16_t)p);
        *loopback = IN6_IS_ADDR_LOOPBACK(&v6->sin6_addr);
    } else {
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "listen: '%s' is not an IP address (names are not resolved)", host);
    }
    return MEDSEC_OK;
}

medsec_err srv_http_start(struct srv_http **out, const struct srv_http_opts *o,
                          struct medsec_error *err)
{
    struct sockaddr_storage sa;
    int loopback = 0;
    medsec_err rc = srv_http_parse_listen(o->listen, &sa, &loopback, err);
    if (rc)
        return rc;
    int tls = o->tls_cert_pem != NULL;
    if (tls != (o->tls_key_pem != NULL))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "tls: give both the certificate and its key");
    if (!tls && !loopback)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "listen: plain HTTP only on a loopback address (127.0.0.1, ::1);"
                                " give a TLS certificate and key to listen on %s",
                                o->listen);
    if ((rc = srv_auth_init(err)))
        return rc;
    struct srv_http *h = medsec_calloc(1, sizeof *h);
    if (!h)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    h->cfg = o->cfg;
    h->tls = tls;
    if (pthread_key_create(&h->dbkey, close_db) != 0) {
        medsec_free(h);
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "no thread key");
    }
    unsigned threads = o->threads ? o->threads : SRV_THREADS_DEFAULT;
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
    if (sa.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    if (tls)
        flags |= MHD_USE_TLS;
    struct MHD_OptionItem opts[] = {
        {MHD_OPTION_SOCK_ADDR, 0, &sa},
        {MHD_OPTION_THREAD_POOL_SIZE, (intptr_t)threads, NULL},
        {MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_completed, h},
        {MHD_OPTION_CONNECTION_TIMEOUT, 30, NULL},
        {MHD_OPTION_CONNECTION_LIMIT, 1000, NULL},
        {MHD_OPTION_CONNECTION_MEMORY_LIMIT, 256 * 1024, NULL},
        {tls ? MHD_OPTION_HTTPS_MEM_CERT : MHD_OPTION_END, 0, (void *)o->tls_cert_pem},
        {tls ? MHD_OPTION_HTTPS_MEM_KEY : MHD_OPTION_END, 0, (void *)o->tls_key_pem},
        {tls ? MHD_OPTION_HTTPS_PRIORITIES : MHD_OPTION_END, 0,
         (void *)"NORMAL:-VERS-ALL:+VERS-TLS1.3:+VERS-TLS1.2"},
        {MHD_OPTION_END, 0, NULL},
    };
    h->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, h, MHD_OPTION_ARRAY, opts,
                            MHD_OPTION_END);
    if (!h->d) {
        pthread_key_delete(h->dbkey);
        medsec_free(h);
        return medsec_error_set(err, MEDSEC_EIO, NULL, 0, 0,
                                "listen: cannot serve on %s (address in use, or a bad TLS"
                                " certificate or key)",
                                o->listen);
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);
    h->port = info ? info->port : 0;
    *out = h;
    return MEDSEC_OK;
}

unsigned srv_http_port(const struct srv_http *h)
{
    return h->port;
}

void srv_http_stop(struct srv_http *h)
{
    if (!h)
        return;
    MHD_stop_daemon(h->d);
    pthread_key_delete(h->dbkey);
    medsec_free(h);
}
