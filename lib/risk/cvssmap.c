/* cvssmap.c: an exploitability level from a CVSS v2 / v3.x / v4.0 vector's exploitability metrics,
 * and the vector's impact on confidentiality, integrity and availability. */
#include <math.h>
#include <stddef.h>
#include <string.h>

#include "medsec/risk.h"

/* The CVSS v3.1 exploitability weights (FIRST CVSS v3.1 specification, section 7.4). */
#define V3_MAX (8.22 * 0.85 * 0.77 * 0.85 * 0.85)
/* The CVSS v2 exploitability sub-score's maximum, 20 x AV x AC x Au (CVSS v2 guide, 3.2.1). */
#define V2_MAX (20 * 1.0 * 0.71 * 0.704)

/* The first letter of each metric's value medsec reads; 0 when the vector does not give it. */
struct metrics {
    char av, ac, at, pr, ui, s, au;
    char cia[3], vcia[3], scia[3]; /* v2/v3 C I A; v4 VC VI VA and SC SI SA */
};

/* Read "M:V" pairs separated by '/', after an optional "CVSS:3.x/" or "CVSS:4.0/" prefix (none: v2,
 * recognised by its Au metric). Metrics medsec does not read are skipped; one it reads given twice,
 * or a pair without a value, is EPARSE. */
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
    } else if (strncmp(v, "AV:", 3) == 0 && strstr(v, "/Au:")) {
        *major = 2;
    }
    static const struct {
        const char *key;
        size_t off;
    } keys[] = {
        {"AV", offsetof(struct metrics, av)},      {"AC", offsetof(struct metrics, ac)},
        {"AT", offsetof(struct metrics, at)},      {"PR", offsetof(struct metrics, pr)},
        {"UI", offsetof(struct metrics, ui)},      {"S", offsetof(struct metrics, s)},
        {"Au", offsetof(struct metrics, au)},      {"C", offsetof(struct metrics, cia[0])},
        {"I", offsetof(struct metrics, cia[1])},   {"A", offsetof(struct metrics, cia[2])},
        {"VC", offsetof(struct metrics, vcia[0])}, {"VI", offsetof(struct metrics, vcia[1])},
        {"VA", offsetof(struct metrics, vcia[2])}, {"SC", offsetof(struct metrics, scia[0])},
        {"SI", offsetof(struct metrics, scia[1])}, {"SA", offsetof(struct metrics, scia[2])},
    };
    while (*v) {
        const char *colon = strchr(v, ':');
        const char *end = strchr(v, '/');
        if (!end)
            end = v + strlen(v);
        if (!colon || colon > end || colon + 1 == end)
            return MEDSEC_EPARSE;
        size_t klen = (size_t)(colon - v);
        for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++) {
            if (strlen(keys[k].key) != klen || strncmp(v, keys[k].key, klen) != 0)
                continue;
            char *slot = (char *)m + keys[k].off;
            if (*slot || end - colon != 2)
                return MEDSEC_EPARSE; /* a metric twice, or a value medsec reads that is not one
                                         letter */
            *slot = colon[1];
        }
        v = *end ? end + 1 : end;
    }
    return MEDSEC_OK;
}

/* The fraction f of the maximum as a level of an @n-level scale: floor(f * n), capped at n-1. */
static medsec_err to_level(double f, size_t n, int *level, double *fraction)
{
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
    if (major == 2) {
        static const double av2[] = {1.0, 0.646, 0.395}, ac2[] = {0.71, 0.61, 0.35},
                            au2[] = {0.704, 0.56, 0.45};
        double av = pick(m.av, "NAL", av2), ac = pick(m.ac, "LMH", ac2),
               au = pick(m.au, "NSM", au2);
        if (av < 0 || ac < 0 || au < 0)
            return MEDSEC_EPARSE;
        return to_level(20 * av * ac * au / V2_MAX, n, level, fraction);
    }
    static const double av_w[] = {0.85, 0.62, 0.55, 0.2}, ac_w[] = {0.77, 0.44};
    double av = pick(m.av, "NALP", av_w), ac = pick(m.ac, "LH", ac_w), pr, ui;
    if (major == 4) {
        static const double pr_w[] = {0.85, 0.62, 0.27}, ui_w[] = {0.85, 0.62, 0.44},
                            at_w[] = {1.0, 0.44 / 0.77};
        double at = pick(m.at, "NP", at_w);
        pr = pick(m.pr, "NLH", pr_w);
        ui = pick(m.ui, "NPA", ui_w);
        if (at < 0)
            return MEDSEC_EPARSE;
        ac = ac < 0 ? ac : ac * at;
    } else {
        static const double pr_u[] = {0.85, 0.62, 0.27}, pr_c[] = {0.85, 0.68, 0.5},
                            ui_w[] = {0.85, 0.62};
        if (m.s != 'U' && m.s != 'C')
            return MEDSEC_EPARSE;
        pr = pick(m.pr, "NLH", m.s == 'C' ? pr_c : pr_u);
        ui = pick(m.ui, "NR", ui_w);
    }
    if (av < 0 || ac < 0 || pr < 0 || ui < 0)
        return MEDSEC_EPARSE;
    return to_level(8.22 * av * ac * pr * ui / V3_MAX, n, level, fraction);
}

static int impact_of(char c)
{
    return c == 'H' || c == 'C' ? 2 : c == 'L' || c == 'P' ? 1 : c == 'N' ? 0 : -1;
}

medsec_err medsec_risk_impact_from_cvss(const char *vector, int cia[3])
{
    struct metrics m;
    int major;
    if (!vector || parse(vector, &m, &major))
        return MEDSEC_EPARSE;
    for (int k = 0; k < 3; k++) {
        if (major == 4) {
            int v = impact_of(m.vcia[k]), s = impact_of(m.scia[k]);
            if (v < 0 || s < 0)
                return MEDSEC_EPARSE;
            cia[k] = v > s ? v : s;
        } else {
            char c = m.cia[k];
            if (!(major == 2 ? c && strchr("NPC", c) : c && strchr("NLH", c)))
                return MEDSEC_EPARSE;
            cia[k] = impact_of(c);
        }
    }
    return MEDSEC_OK;
}
