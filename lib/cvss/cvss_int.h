/* cvss_int.h: what the CVSS version files share with the parser: metric tables and score entry
 * points. */
#ifndef MEDSEC_CVSS_INT_H
#define MEDSEC_CVSS_INT_H

#include "medsec/cvss.h"

struct cvss_def {
    const char *prefix; /* "CVSS:3.1/", "" for v2 */
    unsigned n;
    const struct medsec_cvss_metric *metrics;
    bool ordered; /* the specification demands its metric order (v2.0, v4.0) */
};

extern const struct cvss_def cvss2_def, cvss30_def, cvss31_def, cvss40_def;

/* The metric table of a version; NULL for an unknown version. */
const struct cvss_def *cvss_def_of(enum medsec_cvss_version v);
/* Index of metric @abbr in the version's table, -1 if unknown. */
int cvss_index(const struct medsec_cvss *c, const char *abbr);
/* Value of metric @abbr, or NULL when not given. */
const char *cvss_val(const struct medsec_cvss *c, const char *abbr);

void cvss2_score(const struct medsec_cvss *c, struct medsec_cvss_scores *s);
void cvss3_score(const struct medsec_cvss *c, struct medsec_cvss_scores *s);
void cvss4_score(const struct medsec_cvss *c, struct medsec_cvss_scores *s);

#endif
