/*
 * medsec/device.h: the device pipeline every front end runs. Open a device folder once (its
 * security file, the model, the element graph) and ask the handle for what the commands, the
 * document generator and the post-market server all need: threats, the risk register (with or
 * without a vulnerability database), and the scan targets of every release.
 *
 *     struct medsec_device *d;
 *     struct medsec_risk_register reg;
 *     if (medsec_device_open(NULL, "examples/infusion-pump", NULL, &d, NULL, &err) == MEDSEC_OK &&
 *         medsec_device_risks(d, NULL, &reg, NULL, &err) == MEDSEC_OK) {
 *         ... reg.items[i] ...
 *         medsec_risk_register_release(&reg);
 *     }
 *     medsec_device_close(d);
 */
#ifndef MEDSEC_DEVICE_H
#define MEDSEC_DEVICE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "medsec/ctx.h"
#include "medsec/db.h"
#include "medsec/diag.h"
#include "medsec/error.h"
#include "medsec/model.h"
#include "medsec/risk.h"
#include "medsec/scan.h"
#include "medsec/threat.h"

#ifdef __cplusplus
extern "C" {
#endif

struct medsec_device;

#define MEDSEC_DEVICE_MAX_RULE_FILES 32

struct medsec_device_opts {
    /* threat rule catalogs read after the default one and the security file's `threat_rules` */
    const char *const *rules;
    size_t nrules;
    unsigned threat_flags;                    /* MEDSEC_TM_WITH_MITIGATED */
    const struct medsec_model_limits *limits; /* NULL: the defaults */
};

/*
 * Open the device folder @dir: load and check DIR/device.yaml and the files it names (as
 * medsec_model_load does; every problem goes to @diags, which may be NULL) and build its element
 * graph. The handle keeps @ctx (NULL: the default), which must outlive it; every call on the handle
 * runs under it. @opts may be NULL. On failure *@out stays NULL and @err says why (the diagnostics
 * hold the file's errors).
 */
medsec_err medsec_device_open(const struct medsec_ctx *ctx, const char *dir,
                              const struct medsec_device_opts *opts, struct medsec_device **out,
                              struct medsec_diags *diags, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* Close @d and free everything it owns (NULL is allowed). */
void medsec_device_close(struct medsec_device *d);

/* The loaded security file, the folder, and what to call the device: its name, else its model, else
 * the folder. Valid until medsec_device_close. */
const struct medsec_model *medsec_device_model(const struct medsec_device *d);
const char *medsec_device_dir(const struct medsec_device *d);
const char *medsec_device_name(const struct medsec_device *d);
/* The context the handle runs under (what medsec_device_open was given, or the default). */
const struct medsec_ctx *medsec_device_ctx(const struct medsec_device *d);
/* The element graph (docs/threats.md, "The element graph"), built at open. */
const struct medsec_tm_graph *medsec_device_graph(const struct medsec_device *d);

/*
 * The threats: every rule of the catalogs applied to the graph, merged with the file's own
 * `threats:`; generated at the first call and kept. *@out is owned by @d.
 */
medsec_err medsec_device_threats(struct medsec_device *d, const struct medsec_threat_list **out,
                                 struct medsec_error *err) __attribute__((warn_unused_result));
/* After medsec_device_threats: the catalog the rules came from, and the names of the catalogs read
 * in order ("rules/threats.yaml" for the built-in one, then the paths); *@n gets their count. */
const struct medsec_tm_catalog *medsec_device_catalog(const struct medsec_device *d);
const char *const *medsec_device_catalog_names(const struct medsec_device *d, size_t *n);

/*
 * What `medsec validate` checks beyond the security file: every rule catalog the device reads (the
 * file's `threat_rules`, then the caller's) is loaded on its own, and each one that cannot be used
 * adds an error to @diags (may be NULL) at its file, line and column; when all load, the threats
 * are generated as medsec_device_threats does, and a failure there is one more error. MEDSEC_OK
 * when nothing is wrong; otherwise the first failure's code, with @err saying how many errors there
 * were. MEDSEC_ENOMEM is returned as such.
 */
medsec_err medsec_device_check(struct medsec_device *d, struct medsec_diags *diags,
                               struct medsec_error *err) __attribute__((warn_unused_result));

/* What medsec_device_risks did with the vulnerability database. */
struct medsec_device_risk_stats {
    const char *version; /* the release whose SBOMs were matched */
    size_t sboms;        /* SBOMs of that version */
    size_t findings;     /* findings of the scan */
    size_t added;        /* risks added for them */
    size_t assessed;     /* findings left to the file's own assessment (`vulnerabilities:`) */
    size_t decided; /* findings a decision outside the file closed (medsec_device_set_decide) */
};

/*
 * The security risk register of release @version (NULL: the current version; docs/risk.md): one
 * risk per threat (silenced ones included: the register credits controls by their rationale and
 * evidence) and per known vulnerability the file assesses; with @db (may be NULL), also one per
 * vulnerability that matching that release's SBOMs finds and the file does not assess. The
 * register is the caller's: release it with medsec_risk_register_release (also after a failure).
 * A finding that the device's decide hook (medsec_device_set_decide: the triage file) decides not
 * affected, a false positive or fixed adds no risk (counted in @stats->decided); one it decides
 * exploitable or leaves in triage adds its risk as the feed scores it.
 * @stats may be NULL; it is filled only when @db is given. @notes (may be NULL) gets a warning per
 * risk whose reach is unknown. MEDSEC_ENOTFOUND when @version is not one of the file's.
 */
medsec_err medsec_device_risks(struct medsec_device *d, struct medsec_db *db, const char *version,
                               struct medsec_risk_register *out,
                               struct medsec_device_risk_stats *stats, struct medsec_diags *notes,
                               struct medsec_error *err) __attribute__((warn_unused_result));

/* Every release still in the field (`in_field`, default true), summed up from its own register
 * (with @db: with its own findings), on day @today ("YYYY-MM-DD": which components are past their
 * end of support). *@out is an array of *@n the caller frees with medsec_device_versions_free. */
medsec_err medsec_device_versions(struct medsec_device *d, struct medsec_db *db, const char *today,
                                  struct medsec_risk_version **out, size_t *n,
                                  struct medsec_error *err) __attribute__((warn_unused_result));
void medsec_device_versions_free(struct medsec_risk_version *v, size_t n);

/* ---- scanning releases and SBOMs ---------------------------------------------------------------
 */

/* A finding the security file assesses as not affecting the device (status not_affected or fixed):
 * left out of the target's findings, kept here so that outputs say so. */
struct medsec_scan_assessed {
    size_t component; /* index into the SBOM's components */
    const char *id;   /* the vulnerability as the feed names it */
    const struct medsec_model_vulnerability *assessment; /* the file's entry */
};

/* One SBOM to match, with the device release it belongs to (none for a bare SBOM file). */
struct medsec_scan_target {
    const char *label;   /* what a person reads: "DEVICE: version V: PATH", or the SBOM path */
    const char *device;  /* the device's name; NULL for a bare SBOM */
    const char *version; /* the release; NULL for a bare SBOM */
    enum medsec_support_level support; /* the release's level of support (when version is set) */
    bool current;                      /* the release is the device's current version */
    const char *path;                  /* the SBOM file as it was read */
    const struct medsec_sbom *sbom;
    struct medsec_scan_result result; /* filled by medsec_scan_plan_run */
    struct medsec_diags notes;        /* the matcher's warnings on this SBOM, at most
                                       * MEDSEC_SCAN_PLAN_MAX_NOTES (notes.dropped counts the rest) */
    /* The manufacturer's assessment wins (docs/risk.md): findings the security file assesses as
     * affected carry its CVSS (cvss_source says "security file"); those it assesses as not
     * affected or fixed are moved here. */
    const struct medsec_model *model; /* the device's, NULL for a bare SBOM */
    /* the device's CPE map (device.yaml cpe_map), used when the caller's options give none; NULL:
     * none. Owned by the plan. */
    const struct medsec_cpemap *cpe_map;
    const char *model_sbom; /* the SBOM as device.yaml names it */
    struct medsec_scan_assessed *assessed;
    size_t nassessed;
};

#define MEDSEC_SCAN_PLAN_MAX_NOTES 200

/* A list of targets: bare SBOM files and every release of device folders, in the order added; the
 * targets of one release are next to each other. Owns the SBOMs and devices it opened. */
struct medsec_scan_plan;
struct medsec_cpemap;

medsec_err medsec_scan_plan_new(const struct medsec_ctx *ctx, struct medsec_scan_plan **out,
                                struct medsec_error *err) __attribute__((warn_unused_result));
void medsec_scan_plan_free(struct medsec_scan_plan *p);

/*
 * Add @path: a folder is a device, opened as medsec_device_open does, whose every release adds one
 * target per SBOM (medsec_model_version_sboms); a release that names no SBOM is a warning at its
 * place in device.yaml, a device that names none at all an error (MEDSEC_EINVAL). A file is an SBOM
 * (CycloneDX or SPDX JSON) with its load warnings. Problems go to @diags (may be NULL).
 */
medsec_err medsec_scan_plan_add(struct medsec_scan_plan *p, const char *path,
                                struct medsec_diags *diags, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Add the targets of an open device's every release (the plan does not own @d, which must outlive
 * it). */
medsec_err medsec_scan_plan_add_device(struct medsec_scan_plan *p, const struct medsec_device *d,
                                       struct medsec_diags *diags, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Progress of a run: components matched so far, of all. */
typedef void (*medsec_scan_progress_fn)(void *ud, uint64_t done, uint64_t total);

/*
 * Match every target against @db (medsec_scan_sbom) into its result and notes; @progress (may be
 * NULL) is called after each target. Stops at the first failure; *@failed (may be NULL) gets the
 * index of the target that failed.
 */
medsec_err medsec_scan_plan_run(struct medsec_scan_plan *p, struct medsec_db *db,
                                const struct medsec_scan_opts *opts,
                                medsec_scan_progress_fn progress, void *ud, size_t *failed,
                                struct medsec_error *err) __attribute__((warn_unused_result));

size_t medsec_scan_plan_count(const struct medsec_scan_plan *p);
const struct medsec_scan_target *medsec_scan_plan_target(const struct medsec_scan_plan *p,
                                                         size_t i);
/* Components over every target (what a run will match). */
uint64_t medsec_scan_plan_components(const struct medsec_scan_plan *p);

/* The security file's entry that assesses finding @f of target @t (same id or alias, naming the
 * component or an item whose SBOM this is), or NULL (also for a bare SBOM). */
const struct medsec_model_vulnerability *
medsec_scan_target_assessment(const struct medsec_scan_target *t,
                              const struct medsec_scan_finding *f);

/* True when two targets belong to the same release of the same device. */
bool medsec_scan_target_same_release(const struct medsec_scan_target *a,
                                     const struct medsec_scan_target *b);

#ifdef __cplusplus
}
#endif
#endif
