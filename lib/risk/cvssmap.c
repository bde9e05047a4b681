/* cvssmap.c: what a CVSS v2 / v3.x / v4.0 vector says an attacker needs (attack vector, privileges,
 * user interaction, complexity), and its impact on confidentiality, integrity and availability. */
#include <stddef.h>
#include <string.h>

#include "medsec/risk.h"

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

medsec_err medsec_risk_cvss_needs(const char *vector, struct medsec_risk_cvss_needs *out)
{
    struct metrics m;
    int major;
    memset(out, 0, sizeof *out);
    if (!vector || parse(vector, &m, &major))
        return MEDSEC_EPARSE;
    static const char av_v3[] = "NALP", av_v2[] = "NAL";
    static const enum medsec_access pos[] = {MEDSEC_ACCESS_NETWORK, MEDSEC_ACCESS_ADJACENT,
                                             MEDSEC_ACCESS_LOCAL, MEDSEC_ACCESS_PHYSICAL};
    const char *av = m.av ? strchr(major == 2 ? av_v2 : av_v3, m.av) : NULL;
    if (!av)
        return MEDSEC_EPARSE;
    out->position = pos[av - (major == 2 ? av_v2 : av_v3)];
    if (major == 2) {
        if (!m.au || !strchr("NSM", m.au) || !m.ac || !strchr("LMH", m.ac))
            return MEDSEC_EPARSE;
        out->privileges = m.au != 'N';
        out->complex = m.ac == 'H';
        return MEDSEC_OK;
    }
    if (!m.pr || !strchr("NLH", m.pr) || !m.ac || !strchr("LH", m.ac) || !m.ui ||
        !strchr(major == 4 ? "NPA" : "NR", m.ui) || (major == 4 && (!m.at || !strchr("NP", m.at))))
        return MEDSEC_EPARSE;
    out->privileges = m.pr != 'N';
    out->interaction = m.ui != 'N';
    out->complex = m.ac == 'H' || (major == 4 && m.at == 'P');
    return MEDSEC_OK;
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
