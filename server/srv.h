/* srv.h: what the HTTP core (http.c, on libmicrohttpd) and the server's modules share. A module
 * (fleet, watch, pms, vigilance, auth, console) contributes a table of routes; the core parses the
 * request, authenticates it (session cookie + CSRF token for forms, or an API token as
 * `Authorization: Bearer`), checks the route's roles, opens nothing itself, and calls the handler
 * with the request's database connection. Handlers never touch libmicrohttpd, so the tests can
 * call them too. Nothing here prints or exits. */
#ifndef MEDSEC_SERVER_SRV_H
#define MEDSEC_SERVER_SRV_H

#include <stddef.h>
#include <stdint.h>

#include "medsec/buf.h"
#include "medsec/error.h"
#include "sdb.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Roles, as bits (a route lists the roles that may call it). */
enum srv_role {
    SRV_ROLE_ADMIN = 1u << 0, /* manufacturer administrator: users, roll-outs, everything */
    SRV_ROLE_ANALYST =
        1u << 1, /* security analyst: fleet, advisories, triage, roll-outs, vigilance */
    SRV_ROLE_REGULATORY = 1u << 2, /* regulatory reader: reads everything, changes nothing */
    SRV_ROLE_HOSPITAL = 1u << 3,   /* hospital account: reads only its own sites' devices */
    SRV_ROLE_DEVICE = 1u << 4      /* a device (check-in, log upload, install report), signed */
};
#define SRV_ROLES_STAFF (SRV_ROLE_ADMIN | SRV_ROLE_ANALYST | SRV_ROLE_REGULATORY)
#define SRV_ROLES_ALL (SRV_ROLES_STAFF | SRV_ROLE_HOSPITAL)
#define SRV_ROLE_PUBLIC                                                                            \
    0u /* a route with roles 0 needs no login (login page, device endpoints                        \
          that verify their own signature) */

/* Who is calling. */
struct srv_user {
    int64_t id; /* 0: nobody logged in */
    char name[64];
    unsigned role;       /* one enum srv_role bit */
    int64_t hospital_id; /* SRV_ROLE_HOSPITAL: the hospital whose sites it may see; else 0 */
    char csrf[65];       /* the session's CSRF token (hex), empty for API tokens */
};

/* Server-wide settings and state the handlers read (filled by `medsec serve`). */
struct srv_config {
    const char *db_url;             /* sdb_open URL of the server database */
    const char *vulndb_path;        /* the vulnerability database (SQLite) the watch scans with */
    const char *const *device_dirs; /* device folders (security files with their releases) */
    size_t device_dir_count;
    const char *smtp_url; /* smtp://host:port, NULL: no e-mail */
    const char *smtp_from;
    const char *webhook_secret; /* HMAC-SHA256 key for webhook bodies, NULL: unsigned */
    int64_t (*now)(void);       /* the clock (tests set it); NULL: time(NULL) */
};

/* One request, as a handler sees it. */
#define SRV_MAX_ARGS 4
struct srv_req {
    const char *method;             /* "GET", "POST", ... */
    const char *path;               /* decoded path, e.g. "/api/v1/devices/42" */
    const char *args[SRV_MAX_ARGS]; /* the {} segments of the route's pattern, in order */
    size_t nargs;
    const char *body; /* the request body (NUL-terminated), "" when none */
    size_t body_len;
    const char *content_type; /* of the body, "" when none */
    /* query-string and form fields (decoded), NULL when absent */
    const char *(*param)(const struct srv_req *rq, const char *name);
    void *param_ctx;
    const struct srv_user *user;
    struct sdb *db;
    const struct srv_config *cfg;
    int64_t now; /* the request's time (cfg->now or the wall clock) */
};

/* The answer a handler builds. status 0 means 200. Handlers set content_type (default
 * "application/json") and write the body into @body; `location` set with status 303 redirects. */
struct srv_resp {
    int status;
    const char *content_type;
    struct medsec_buf body;
    char location[512];
    char filename[128]; /* non-empty: sent as Content-Disposition attachment */
    char cookie[256];   /* non-empty: sent as Set-Cookie (the core adds "; Secure" under TLS) */
};

typedef medsec_err (*srv_handler)(struct srv_req *rq, struct srv_resp *rs);

/* A route: METHOD and a pattern whose "{}" segments match one path segment each (given in
 * rq->args), the roles allowed, and whether a form POST must carry the CSRF token (`csrf` field;
 * API-token requests are exempt). */
struct srv_route {
    const char *method;
    const char *pattern;
    unsigned roles;
    srv_handler fn;
};

/* Write a JSON error body {"error": {"status": S, "message": M}} and set the status; returns
 * MEDSEC_OK so handlers can `return srv_error(rs, 404, "no such device")`. */
medsec_err srv_error(struct srv_resp *rs, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The route tables of the modules (each module's file defines its own; the core walks them all). */
extern const struct srv_route srv_routes_auth[]; /* auth.c: login, logout, users, tokens, audit */
extern const struct srv_route
    srv_routes_fleet[]; /* fleet.c: models, sites, devices, check-ins, roll-outs */
extern const struct srv_route srv_routes_watch[]; /* watch.c: advisories, exposure, notifications */
extern const struct srv_route srv_routes_pms[];   /* pms.c: figures, SVG charts, PMS/PSUR section */
extern const struct srv_route
    srv_routes_vigilance[]; /* vigilance.c: events, incidents, report drafts */
extern const struct srv_route srv_routes_console[]; /* console.c: the HTML pages */
/* Each table ends with an entry whose method is NULL. */

/* Append a line to the audit trail (table audit, append-only): who, what, which object, details
 * as JSON text. Every change any module makes calls it in the same transaction. (auth.c) */
medsec_err srv_audit(struct srv_req *rq, const char *action, const char *object,
                     const char *detail_json, struct medsec_error *err);

/* Schema migrations of every module, applied in this order by `medsec serve` on start (each module
 * defines its function; fleet first, since the others refer to its tables). */
medsec_err srv_fleet_migrate(struct sdb *db, struct medsec_error *err);
medsec_err srv_auth_migrate(struct sdb *db, struct medsec_error *err);
medsec_err srv_watch_migrate(struct sdb *db, struct medsec_error *err);
medsec_err srv_vigilance_migrate(struct sdb *db, struct medsec_error *err);

#ifdef __cplusplus
}
#endif
#endif
