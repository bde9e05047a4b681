/* pms.h: post-market figures of the fleet for a period (docs/serve-watch.md, "Post-market
 * figures"): time to triage, time to a fix, time until 50 % and 90 % of the exposed fleet was
 * patched (from the check-in history), devices on unsupported releases; as JSON tables, SVG charts
 * and a PMS / PSUR cybersecurity section (MDR Art. 83-86, MDCG 2019-16 section 5). Nothing here
 * prints or exits. */
#ifndef MEDSEC_SERVER_PMS_H
#define MEDSEC_SERVER_PMS_H

#include <stddef.h>
#include <stdint.h>

#include "srv.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A distribution of durations in seconds (n 0: none). */
struct srv_pms_dist {
    size_t n;
    int64_t median, mean, max; /* seconds; the median of an even count is the lower middle */
};

/* The figures of one device model for findings first seen in [from, to). */
struct srv_pms_model {
    int64_t model_id;
    char name[128];
    size_t findings; /* vulnerabilities first seen in the period on the model's releases */
    size_t triaged;  /* of them, decided on every release */
    size_t fixed;    /* of them, with a fixing release */
    size_t kev;      /* of them, KEV-listed */
    struct srv_pms_dist triage, fix, patch50, patch90;
    int64_t devices;     /* active devices of the model */
    int64_t unsupported; /* of them, on a release whose support ended by @to */
};

struct srv_pms_figures {
    int64_t from, to;
    struct srv_pms_model *models;
    size_t nmodels;
};

/* Compute the figures. Release with srv_pms_figures_release (also after a failure). */
medsec_err srv_pms_figures(struct sdb *db, int64_t from, int64_t to, struct srv_pms_figures *out,
                           struct medsec_error *err) __attribute__((warn_unused_result));
void srv_pms_figures_release(struct srv_pms_figures *f);

/* The time from @first_seen until the share of the exposed devices that run a patched release
 * first reached @permille, given the check-ins in time order (device index, time, patched 0/1)
 * and the number of exposed devices; -1 when it never did. Devices are 0..ndevices-1. */
int64_t srv_pms_time_to_share(const size_t *device, const int64_t *at, const unsigned char *patched,
                              size_t n, size_t ndevices, int64_t first_seen, unsigned permille);

/* Distribution of @n values (sorted in place). */
void srv_pms_dist(int64_t *v, size_t n, struct srv_pms_dist *out);

/* An SVG bar chart of one figure per model: "triage", "fix", "patch50", "patch90" (median days)
 * or "unsupported" (devices). MEDSEC_ENOTFOUND for another name. */
medsec_err srv_pms_chart(const struct srv_pms_figures *f, const char *name, struct medsec_buf *out);

#ifdef __cplusplus
}
#endif
#endif
