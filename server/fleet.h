/* fleet.h: the fleet of devices in the field: hospitals and their sites, device models (a device
 * folder each) and their releases, devices with their keys, signed check-ins and log uploads,
 * and staged roll-outs of releases. The tables are the shared core schema (docs/serve-storage.md)
 * that srv_fleet_migrate creates; the routes are srv_routes_fleet (fleet_api.c).
 *
 * Every operation that writes runs in the caller's transaction when one is open (so that the
 * caller's srv_audit lands in it), else in its own. Nothing here prints or exits. */
#ifndef MEDSEC_SERVER_FLEET_H
#define MEDSEC_SERVER_FLEET_H

#include <stddef.h>
#include <stdint.h>

#include "medsec/buf.h"
#include "medsec/error.h"
#include "sdb.h"
#include "srv.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Caps on what a caller may hand in. */
#define SRV_FLEET_NAME_MAX 200        /* hospital, site, model, roll-out names */
#define SRV_FLEET_CSV_MAX (64u << 20) /* a device CSV import */
#define SRV_FLEET_CHECKIN_MAX 4096    /* one check-in message */
#define SRV_FLEET_LOG_MAX (8u << 20)  /* one log upload */

medsec_err srv_fleet_hospital_add(struct sdb *db, const char *name, const char *country,
                                  int64_t *id, struct medsec_error *err);
medsec_err srv_fleet_site_add(struct sdb *db, int64_t hospital_id, const char *name, int64_t *id,
                              struct medsec_error *err);

/* A release of a model. @bundle_digest: 64 hex digits of the signed bundle, or NULL. */
struct srv_release_new {
    int64_t model_id;
    const char *version;
    int64_t security_version; /* the SUIT sequence number of its bundles */
    int64_t released_at;
    int64_t support_end; /* 0: not stated */
    const char *sbom_path, *bundle_digest;
};
medsec_err srv_fleet_release_add(struct sdb *db, const struct srv_release_new *r, int64_t *id,
                                 struct medsec_error *err);

/* Register the model of the device folder @dir (its security file read with the model library)
 * and every release it lists: version, release date, end of support, first SBOM, and as security
 * version the release's rank by release date (1 = oldest). An existing model (same name) gets the
 * releases it lacks. *@nreleases (may be NULL) gets the number of releases added. */
medsec_err srv_fleet_model_add(struct sdb *db, const char *dir, int64_t *id, size_t *nreleases,
                               struct medsec_error *err);

/* A device to register. uuid: 32 hex digits; pubkey: its Ed25519 public key, 64 hex digits. */
struct srv_device_new {
    int64_t model_id;
    const char *serial, *uuid, *pubkey;
    int64_t site_id;
    int64_t release_id;       /* installed release, 0: unknown */
    int64_t security_version; /* 0: the release's */
};
medsec_err srv_fleet_device_add(struct sdb *db, const struct srv_device_new *d, int64_t now,
                                int64_t *id, struct medsec_error *err);

/* Import devices from CSV text with a header line naming the columns model, serial, uuid, pubkey,
 * hospital, site and optionally version (any order; names are those registered; an unknown
 * hospital or site is created, an unknown model or version is an error naming the line). All or
 * nothing. *@count gets the number of devices added. */
medsec_err srv_fleet_devices_import_csv(struct sdb *db, const char *csv, size_t n, int64_t now,
                                        size_t *count, struct medsec_error *err);

/* What one check-in came to. */
struct srv_checkin_result {
    int64_t device_id, checkin_id;
    int64_t release_id;    /* the reported version's release, 0: not one we know */
    int64_t offer_rollout; /* 0: no offer */
    char offer_version[64];
    char offer_digest[65];
    int64_t halted_rollout; /* a roll-out this check-in's install report halted, 0: none */
};

/* Take one signed check-in (@msg, @n bytes, application/cbor): find the device by its uuid,
 * verify the signature with the device's key, refuse a replay (the counter must exceed the last
 * one seen), update the device and record the check-in and its install report, all in one
 * transaction; then offer the roll-out the device is selected for. Errors: MEDSEC_EPARSE (not a
 * check-in), MEDSEC_ENOTFOUND (unknown device), MEDSEC_EVERIFY (bad signature), MEDSEC_EINVAL
 * (replayed or old counter, decommissioned device). @rq (may be NULL) audits an automatic halt. */
medsec_err srv_fleet_checkin(struct sdb *db, const unsigned char *msg, size_t n, int64_t now,
                             struct srv_req *rq, struct srv_checkin_result *out,
                             struct medsec_error *err);
/* The answer to the device: {"accepted": true, "offer": {...} | null}. */
medsec_err srv_fleet_checkin_answer(const struct srv_checkin_result *res, struct medsec_buf *out);

/* Verify a log export uploaded by device @device_id with its key and record the outcome (also
 * when it fails). *@verified gets 1 or 0; MEDSEC_OK either way unless the database failed or the
 * device is unknown. @detail (may be NULL, @cap bytes) gets what is wrong. */
medsec_err srv_fleet_log_upload(struct sdb *db, int64_t device_id, const unsigned char *exp,
                                size_t n, int64_t now, int64_t *upload_id, int *verified,
                                char *detail, size_t cap, struct medsec_error *err);

/* A roll-out in state draft. */
struct srv_rollout_new {
    int64_t release_id;
    const char *name;
    int percent;              /* 0..100 of the cohort */
    int64_t hospital_id;      /* 0: every hospital */
    int64_t site_id;          /* 0: every site */
    int max_failure_permille; /* 0..1000: halt above this failure rate (after 10 reports) */
};
medsec_err srv_fleet_rollout_add(struct sdb *db, const struct srv_rollout_new *r, int64_t now,
                                 int64_t *id, struct medsec_error *err);
/* @action: "start" (draft -> running), "pause" (running -> paused), "resume" (paused ->
 * running), "halt" (draft/running/paused -> halted, @reason kept). MEDSEC_EINVAL for a move the
 * state does not allow, MEDSEC_ENOTFOUND for no such roll-out. */
medsec_err srv_fleet_rollout_action(struct sdb *db, int64_t id, const char *action,
                                    const char *reason, int64_t now, struct medsec_error *err);
/* Change the percentage of a roll-out (it only grows the selected set: selection is by a fixed
 * hash of the device and the roll-out). */
medsec_err srv_fleet_rollout_percent(struct sdb *db, int64_t id, int percent,
                                     struct medsec_error *err);
/* 1 when the device @uuid (hex) falls in the first @percent % of roll-out @rollout_id:
 * BLAKE2b of the uuid and the roll-out id, deterministic. */
int srv_fleet_rollout_selects(const char *uuid, int64_t rollout_id, int percent);

/* Demo / benchmark fleet, deterministic from @seed: @hospitals hospitals, @sites sites spread over
 * them, @models models with @releases releases in all (spread over the models), @devices devices
 * on random sites and releases, each with an Ed25519 key derived from (seed, index). @models 0:
 * no new models; the devices go on the models registered before (from device folders) and their
 * releases (the demo fleet of `medsec serve`). */
struct srv_fleet_gen {
    size_t models, sites, hospitals, devices, releases;
    uint64_t seed;
    int64_t now;
};
medsec_err srv_fleet_generate(struct sdb *db, const struct srv_fleet_gen *g,
                              struct medsec_error *err);
/* The key pair and uuid of generated device @index (0-based) of fleet @seed. */
void srv_fleet_gen_device(uint64_t seed, uint64_t index, unsigned char uuid[16],
                          unsigned char pk[32], unsigned char sk[64]);

/* hex of @n bytes into @out (2n+1 bytes) */
void srv_fleet_hex(const unsigned char *b, size_t n, char *out);

#ifdef __cplusplus
}
#endif
#endif
