/* watch.h: the vulnerability watch of `medsec serve` (docs/serve-watch.md). Rescans the releases of
 * every device model against the vulnerability database, keeps one row per release and
 * vulnerability (release_findings: first and last seen, triage state, the fixing release), answers
 * "who is exposed" (advisories with device counts per release, site and hospital), and queues and
 * delivers notifications (e-mail through an SMTP relay, webhooks signed with HMAC-SHA256) for new
 * KEV-listed or critical findings on releases in the field. Nothing here prints or exits. */
#ifndef MEDSEC_SERVER_WATCH_H
#define MEDSEC_SERVER_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "srv.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A finding is critical from this CVSS base score on (CVSS v3.1 specification, 5 "Qualitative
 * Severity Rating Scale"). */
#define SRV_WATCH_CRITICAL 9.0
/* Delivery attempts of one notification before it is left as failed. */
#define SRV_WATCH_MAX_ATTEMPTS 8
/* Seconds between two looks at the vulnerability database's file (srv_watch_poll). */
#define SRV_WATCH_POLL_SECONDS 60

/* What one rescan did. */
struct srv_watch_stats {
    int64_t run_id;       /* the watch_runs row */
    size_t models;        /* device folders matched to a model of the fleet */
    size_t releases;      /* releases scanned */
    size_t findings;      /* release x vulnerability rows seen by this scan */
    size_t new_findings;  /* of them, not seen before (first_seen = now) */
    size_t gone;          /* rows no longer found (gone_at = now) */
    size_t notifications; /* notifications queued */
    char unmatched[256];  /* device folders that no model names (first ones, comma-separated) */
};

/* Flags of srv_watch_rescan. */
enum {
    SRV_WATCH_FIELDED_ONLY = 1u << 0, /* scan only releases with active devices (the fixing release
                                       * is then only found among those) */
};

/*
 * Rescan: open every device folder of @dirs (medsec_scan_plan_add), match it to a row of `models`
 * (its device_dir, the folder's base name, or the device's name or model), scan every release of
 * the model that the folder describes against the vulnerability database @vulndb_path (read-only),
 * hold the findings against the folder's triage file (medsec_triage_assess_targets) and upsert
 * release_findings in one transaction. Findings no longer found get gone_at. Then the fixing
 * release of every open finding (the lowest later release of the model, scanned, without it) and
 * the notifications to queue (new KEV-listed or critical findings on releases with active
 * devices, one event per vulnerability and reason, once per subscription). The writes join the
 * caller's transaction when it has one (sdb_in_tx), else run in one of their own. @rq (may be
 * NULL: a rescan the server starts itself) is given to srv_audit. @st may be NULL.
 */
medsec_err srv_watch_rescan(struct sdb *db, const char *vulndb_path, const char *const *dirs,
                            size_t ndirs, int64_t now, unsigned flags, struct srv_req *rq,
                            struct srv_watch_stats *st, struct medsec_error *err)
    __attribute__((warn_unused_result));

/*
 * Deliver the notifications that are due (pending, next_attempt_at <= @now): e-mail to the SMTP
 * relay @cfg->smtp_url (from @cfg->smtp_from), webhooks with header X-Medsec-Signature:
 * sha256=HEX (HMAC-SHA256 of the body under @cfg->webhook_secret, when set). A failure is recorded
 * (attempts, last_error) and retried after 60 s * 2^attempts, at most SRV_WATCH_MAX_ATTEMPTS times.
 * *@sent / *@failed (may be NULL) get the counts of this call.
 */
medsec_err srv_watch_deliver(struct sdb *db, const struct srv_config *cfg, int64_t now,
                             size_t *sent, size_t *failed, struct medsec_error *err);

/* The trigger `medsec serve` runs: call srv_watch_poll once at start (it rescans then) and then
 * as often as convenient; it looks at the vulnerability database's file at most every
 * SRV_WATCH_POLL_SECONDS and rescans (and delivers) when its modification time or size changed
 * since the last rescan. *@ran (may be NULL) says whether it rescanned. */
struct srv_watch_poller {
    int64_t checked_at; /* 0: never */
    int64_t mtime, size;
};
medsec_err srv_watch_poll(struct srv_watch_poller *p, struct sdb *db, const struct srv_config *cfg,
                          int64_t now, bool *ran, struct medsec_error *err);

/* The e-mail of a notification as an RFC 5322 message (CRLF lines, header values stripped of
 * line breaks), into @out. */
medsec_err srv_watch_mail_format(struct medsec_buf *out, const char *from, const char *to,
                                 const char *subject, const char *body, int64_t date,
                                 const char *message_id);

/* HMAC-SHA256 of @body under @key as 64 hex digits (+ NUL). */
void srv_watch_hmac_hex(const char *key, const char *body, size_t len, char out[65]);

#ifdef __cplusplus
}
#endif
#endif
