/* auth.h: users, roles, sessions, CSRF tokens, API tokens and the audit trail of medsec serve
 * (auth.c). The HTTP core asks it who is calling; the CLI adds users and tokens through it.
 * Nothing here prints or exits. */
#ifndef MEDSEC_SERVER_AUTH_H
#define MEDSEC_SERVER_AUTH_H

#include <stdint.h>

#include "srv.h"

#ifdef __cplusplus
extern "C" {
#endif

#define SRV_SESSION_COOKIE "medsec_session"
#define SRV_SESSION_SECONDS (8 * 3600) /* a session ends 8 hours after the login */
#define SRV_LOGIN_MAX_FAILURES 5       /* failed logins in a row before the account waits */
#define SRV_LOGIN_LOCK_SECONDS 900     /* how long it waits */
#define SRV_PASSWORD_MIN 12            /* characters */

/* "admin", "analyst", "regulatory", "hospital" <-> the enum srv_role bit; 0 / NULL when unknown. */
unsigned srv_role_parse(const char *name);
const char *srv_role_name(unsigned role);

/* Make the libsodium library ready (idempotent); MEDSEC_EINTERNAL when it cannot start. */
medsec_err srv_auth_init(struct medsec_error *err);

/* A request for work done outside HTTP (the command line): no user, the wall clock. */
struct srv_req srv_auth_cli_req(struct sdb *db);

/* Add user @name with @role (SRV_ROLE_HOSPITAL needs @hospital_id of an existing hospital, the
 * others 0) and @password (hashed with Argon2id). Runs in the caller's transaction when one is
 * open; @rq (may be NULL: the command line) is who does it, for the audit trail. */
medsec_err srv_auth_user_add(struct srv_req *rq, const char *name, unsigned role,
                             int64_t hospital_id, const char *password, int64_t *id,
                             struct medsec_error *err);
/* A new API token: @token gets its text (64 hex digits, shown once; only its SHA-256 is kept). */
medsec_err srv_auth_token_add(struct srv_req *rq, const char *name, unsigned role,
                              int64_t hospital_id, char token[65], int64_t *id,
                              struct medsec_error *err);

/* Who is calling: @bearer (the API token of an `Authorization: Bearer` header, may be NULL) or
 * else @session (the session cookie's value, may be NULL). *@u is filled; u->id is 0 when neither
 * names a live session or token. A token's user has the token's negative id (-api_tokens.id) and
 * the name "token:NAME"; its csrf is empty. */
medsec_err srv_auth_identify(struct sdb *db, const char *bearer, const char *session, int64_t now,
                             struct srv_user *u, struct medsec_error *err);

/* The hospital (id or name) @text names, for `--hospital`; MEDSEC_ENOTFOUND when none. */
medsec_err srv_auth_hospital_find(struct sdb *db, const char *text, int64_t *id,
                                  struct medsec_error *err);

#ifdef __cplusplus
}
#endif
#endif
