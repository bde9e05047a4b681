/* medsec/psirt.h: the manufacturer's own security advisories: one CSAF 2.0 document of the
 * security_advisory profile per vulnerability of a device, built from the security file's releases
 * and the triage decisions (lib/device/psirt.c), and the provider metadata that publishes a folder
 * of them (provider-metadata.json, ROLIE feeds, .sha512 files: lib/vex/provider.c).
 * docs/advisory.md says what each CSAF field is filled from. */
#ifndef MEDSEC_PSIRT_H
#define MEDSEC_PSIRT_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/buf.h"
#include "medsec/db.h"
#include "medsec/device.h"
#include "medsec/device_vex.h"
#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The Traffic Light Protocol labels CSAF 2.0 knows (TLP 1.0: TLP 2.0's CLEAR is WHITE). */
enum medsec_tlp {
    MEDSEC_TLP_WHITE = 0,
    MEDSEC_TLP_GREEN,
    MEDSEC_TLP_AMBER,
    MEDSEC_TLP_RED,
    MEDSEC_TLP_COUNT
};
/* "WHITE", "GREEN", "AMBER", "RED". */
const char *medsec_tlp_name(enum medsec_tlp t);
/* The label of @s in any case, "clear" as WHITE; false when it names none. */
bool medsec_tlp_parse(const char *s, enum medsec_tlp *out);

struct medsec_psirt_opts {
    enum medsec_tlp tlp;
    bool interim;           /* tracking status interim (else final) */
    const char *id;         /* the tracking id (NULL: DEVICE-NAME-VULN, see docs/advisory.md) */
    const char *base_url;   /* the provider's base URL (the folder of provider-metadata.json), or
                             * NULL: the document's self reference is left out */
    const char *namespace_; /* the publisher namespace (NULL: the base URL's origin, else
                             * urn:medsec:vendor:MANUFACTURER) */
    const char *date;       /* the document date (YYYY-MM-DD or a date-time), or NULL: the
                             * latest decision date about the vulnerability, else @fallback */
    const char *fallback;   /* the date when no decision has one (NULL: @today) */
    const char *today;      /* YYYY-MM-DD: which releases are past their end of support */
    /* The advisory this one replaces (NULL: none), as read from its file (@previous_name, for
     * messages): its tracking is continued. Unchanged apart from its tracking, the document is
     * written as it was; changed, it keeps its initial release date and revisions and gets one
     * more, dated the later of the document date and @fallback / @today. */
    const char *previous;
    size_t previous_len;
    const char *previous_name;
};

/* What medsec_psirt_advisory wrote, for naming the file; the caller releases it with
 * medsec_psirt_written_release (also after a failure). */
struct medsec_psirt_written {
    char *tracking_id; /* document.tracking.id */
    char *file_name;   /* the CSAF 2.0 §5.1 file name: the id lowercased, [^+a-z0-9-] as '_',
                        * ".json" */
    char year[5];      /* of the current release date: the folder (CSAF §7.1.11) */
    size_t affected, not_affected, fixed; /* releases of each status */
};
void medsec_psirt_written_release(struct medsec_psirt_written *w);

/*
 * Write the CSAF 2.0 security advisory about vulnerability @vuln (its id or an alias) of device
 * @d into @out: every release of the security file a product_version, each with the status the
 * statements of medsec_device_vex_plan (on @plan, run over the device; may be NULL) and @decide
 * give it, remediations, scores, notes (docs/advisory.md). @db (may be NULL) adds the advisory's
 * summary, CWE and KEV entry. MEDSEC_ENOTFOUND (with a message naming the device) when @vuln is
 * neither a finding of any release nor in the file's `vulnerabilities:`; MEDSEC_EPARSE /
 * MEDSEC_EINVAL (naming @opts->previous_name) when the previous document is not JSON or has no
 * revision history numbered 1, 2, ... to continue.
 */
medsec_err medsec_psirt_advisory(struct medsec_device *d, const struct medsec_scan_plan *plan,
                                 struct medsec_db *db, const char *vuln,
                                 medsec_vex_decide_fn decide, void *ud,
                                 const struct medsec_psirt_opts *opts, struct medsec_buf *out,
                                 struct medsec_psirt_written *written, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Caps on what the provider step reads back from its folder. */
#define MEDSEC_PSIRT_MAX_DOC ((size_t)32 << 20) /* one advisory */
#define MEDSEC_PSIRT_MAX_DOCS 100000            /* advisories in the folder */

/* What the provider publishes (CSAF 2.0 §7.1.7 provider-metadata.json). */
struct medsec_psirt_provider {
    const char *base_url;  /* https://…: the folder's address (required) */
    const char *publisher; /* publisher name */
    const char *namespace_;
    bool list_on_aggregators;
    size_t advisories; /* out: how many the feeds list */
};

/*
 * Publish the folder @dir: for every advisory DIR/<tlp>/<year>/<file>.json (tlp "white", "green",
 * "amber", "red"), write its .sha512 (CSAF §7.1.18), one ROLIE feed per TLP with advisories
 * (DIR/<tlp>/feed-tlp-<tlp>.json, §7.1.15) and DIR/provider-metadata.json (§7.1.7). Entries are
 * sorted by file; every date comes from the advisories, so the same folder gives the same bytes.
 * An advisory that is not a CSAF document, or whose TLP is not its folder's, is an error naming it.
 */
medsec_err medsec_psirt_publish(const char *dir, struct medsec_psirt_provider *p,
                                struct medsec_error *err) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
