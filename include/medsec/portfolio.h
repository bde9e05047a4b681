/*
 * medsec/portfolio.h: the vulnerabilities of several devices and their releases in one list
 * (`medsec status DIR...`, docs/status.md): for each vulnerability, where it is (device, release,
 * component), how each place is triaged, the fixing release and the due date, sorted by what to do
 * first.
 *
 *     struct medsec_portfolio p;
 *     if (medsec_portfolio_build(ctx, dirs, n, NULL, 0, db, &opts, &p, &diags, &err) == MEDSEC_OK)
 *         ... p.vulns[i].places[k] ...
 *     medsec_portfolio_release(&p);
 */
#ifndef MEDSEC_PORTFOLIO_H
#define MEDSEC_PORTFOLIO_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/arena.h"
#include "medsec/cvss.h"
#include "medsec/error.h"
#include "medsec/triage.h"
#include "medsec/vex.h"

#ifdef __cplusplus
extern "C" {
#endif

#define MEDSEC_PORTFOLIO_MAX_DEVICES 256

/* What to do first, most urgent first (docs/status.md). */
enum medsec_portfolio_tier {
    MEDSEC_PORTFOLIO_KEV = 0,  /* in CISA KEV and not closed everywhere */
    MEDSEC_PORTFOLIO_PAST_DUE, /* a place still open after its due date */
    MEDSEC_PORTFOLIO_OPEN,     /* a place untriaged, or decided against another advisory text */
    MEDSEC_PORTFOLIO_AFFECTED, /* decided: affected, a fix or a workaround to ship */
    MEDSEC_PORTFOLIO_CLOSED,   /* not affected, false positive or fixed everywhere */
    MEDSEC_PORTFOLIO_TIER_COUNT
};
/* "kev", "past due", "open", "affected", "closed". */
const char *medsec_portfolio_tier_name(enum medsec_portfolio_tier t);

/* One vulnerability in one component of one release. Strings belong to the portfolio's arena. */
struct medsec_portfolio_place {
    const char *device, *version; /* the release (version NULL for a device without releases) */
    bool current;                 /* the device's current version */
    const char *component, *component_version;
    enum medsec_triage_status status;
    enum medsec_vex_state state; /* the decision's or rule's; in_triage when none */
    const char *by;              /* who decided (a decision's `by`, "rule ID"), or NULL */
    const char *fixed_in;        /* the release that fixes it (the decision's), or NULL */
    const char *due;             /* YYYY-MM-DD while open, else NULL */
    bool past_due;
    bool open; /* untriaged, stale or past due */
};

struct medsec_portfolio_vuln {
    const char *id; /* the merged identity (the CVE when there is one) */
    const char *const *aliases;
    size_t naliases;
    const char *summary;
    double score; /* the highest of its places' findings; < 0 when none has one */
    enum medsec_cvss_severity severity;
    bool kev;
    const char *kev_due_date; /* CISA's due date for federal agencies, or NULL */
    bool has_epss;
    double epss;
    enum medsec_portfolio_tier tier;
    const char *due; /* the earliest due date of its open places, or NULL */
    size_t open, devices, releases;
    struct medsec_portfolio_place *places; /* by device, release, component */
    size_t nplaces;
};

struct medsec_portfolio {
    struct medsec_portfolio_vuln *vulns; /* most urgent first */
    size_t nvulns;
    const char *const *devices; /* the devices' names, in the order given */
    size_t ndevices;
    size_t releases, places, open;
    size_t by_tier[MEDSEC_PORTFOLIO_TIER_COUNT];
    struct medsec_arena arena;
};

/*
 * Open each device folder of @dirs (its triage file, the security file's `triage:` else
 * DIR/triage.yaml, plus the @nextra shared files of @extra), scan its releases against @db and
 * assess every finding (@opts: which releases, and today), then gather the findings of all
 * devices by vulnerability. Release @out with medsec_portfolio_release (also after a failure).
 * Diagnostics of opening the devices and the scans' notes go to @diags (may be NULL).
 */
struct medsec_ctx;
struct medsec_db;
struct medsec_diags;
medsec_err medsec_portfolio_build(const struct medsec_ctx *ctx, const char *const *dirs, size_t n,
                                  const char *const *extra, size_t nextra, struct medsec_db *db,
                                  const struct medsec_triage_assess_opts *opts,
                                  struct medsec_portfolio *out, struct medsec_diags *diags,
                                  struct medsec_error *err) __attribute__((warn_unused_result));
void medsec_portfolio_release(struct medsec_portfolio *p);

#ifdef __cplusplus
}
#endif
#endif
