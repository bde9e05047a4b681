/* cvssmap.c: an exploitability level from a CVSS v3.x / v4.0 vector's exploitability metrics. */
#include <math.h>
#include <string.h>

#include "medsec/risk.h"

/* The CVSS v3.1 exploitability weights (FIRST CVSS v3.1 specification, section 7.4). */
#define V3_MAX (8.22 * 0.85 * 0.77 * 0.85 * 0.85)

struct metrics {
    char av, ac, at, pr, ui, s;
};

/* Read "M:V" pairs separated by '/', after an optional "CVSS:3.x/" or "CVSS:4.0/" prefix. */
static medsec_err parse(const char *v, struct metrics *m, int *major)
{
    memset(m, 0, sizeof *m);
    *major = 3;
    if (strncmp(v, "CVSS:", 5) == 0) {
        if (strncmp(v + 5, "4.0/", 4) == 0)
            *major = 4;
        else if (strncmp(v + 5, "3.0/", 4) != 0 && strncmp(v + 5, "3.1/", 4) != 0)
            return MEDSEC_EPARSE;
        v += 9;
    }
    while (*v) {
        const char *colon = strchr(v, ':');
        if (!colon || !colon[1])
            return MEDSEC_EPARSE;
        size_t klen = (size_t)(colon - v);
        char val = colon[1];
        const char *next = colon + 2;
        if (*next && *next != '/')
            return MEDSEC_EPARSE; /* every exploitability value is one letter; others are skipped */
        char *slot = NULL;
        if (klen == 2 && strncmp(v, "AV", 2) == 0)
            slot = &m->av;
        else if (klen == 2 && strncmp(v, "AC", 2) == 0)
            slot = &m->ac;
        else if (klen == 2 && strncmp(v, "AT", 2) == 0)
            slot = &m->at;
        else if (klen == 2 && strncmp(v, "PR", 2) == 0)
            slot = &m->pr;
        else if (klen == 2 && strncmp(v, "UI", 2) == 0)
            slot = &m->ui;
        else if (klen == 1 && v[0] == 'S')
            slot = &m->s;
        if (slot) {
            if (*slot)
                return MEDSEC_EPARSE; /* a metric twice */
            *slot = val;
        }
        v = *next ? next + 1 : next;
    }
    return MEDSEC_OK;
}

static double pick(char c, const char *keys, const double *w)
{
    const char *p = c ? strchr(keys, c) : NULL;
    return p ? w[p - keys] : -1;
}

medsec_err medsec_risk_exploit_from_cvss(const char *vector, size_t n, int *level, double *fraction)
{
    struct metrics m;
    int major;
    if (!vector || n == 0 || parse(vector, &m, &major))
        return MEDSEC_EPARSE;
    static const double av_w[] = {0.85, 0.62, 0.55, 0.2}, ac_w[] = {0.77, 0.44};
    double av = pick(m.av, "NALP", av_w), ac = pick(m.ac, "LH", ac_w), pr, ui;
    if (major == 4) {
        static const double pr_w[] = {0.85, 0.62, 0.27}, ui_w[] = {0.85, 0.62, 0.44}, at_w[] = {1.0, 0.44 / 0.77};
        double at = pick(m.at, "NP", at_w);
        pr = pick(m.pr, "NLH", pr_w);
        ui = pick(m.ui, "NPA", ui_w);
        if (at < 0)
            return MEDSEC_EPARSE;
        ac = ac < 0 ? ac : ac * at;
    } else {
        static const double pr_u[] = {0.85, 0.62, 0.27}, pr_c[] = {0.85, 0.68, 0.5}, ui_w[] = {0.85, 0.62};
        if (m.s != 'U' && m.s != 'C')
            return MEDSEC_EPARSE;
        pr = pick(m.pr, "NLH", m.s == 'C' ? pr_c : pr_u);
        ui = pick(m.ui, "NR", ui_w);
    }
    if (av < 0 || ac < 0 || pr < 0 || ui < 0)
        return MEDSEC_EPARSE;
    double f = 8.22 * av * ac * pr * ui / V3_MAX;
    if (f > 1)
        f = 1; /* PR:L with a scope change cannot pass PR:N; kept for safety */
    int l = (int)floor(f * (double)n);
    if (l >= (int)n)
        l = (int)n - 1;
    *level = l;
    if (fraction)
        *fraction = f;
    return MEDSEC_OK;
}
