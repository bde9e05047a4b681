/* cvss.c: the version-independent part of CVSS: reading and validating a vector string, printing
 * the normalised vector, severity ratings, and dispatching to the per-version scoring. */
#include <stdio.h>
#include <string.h>

#include "cvss_int.h"

const struct cvss_def *cvss_def_of(enum medsec_cvss_version v)
{
    switch (v) {
    case MEDSEC_CVSS_V2: return &cvss2_def;
    case MEDSEC_CVSS_V30: return &cvss30_def;
    case MEDSEC_CVSS_V31: return &cvss31_def;
    case MEDSEC_CVSS_V40: return &cvss40_def;
    }
    return NULL;
}

const char *medsec_cvss_version_name(enum medsec_cvss_version v)
{
    switch (v) {
    case MEDSEC_CVSS_V2: return "2.0";
    case MEDSEC_CVSS_V30: return "3.0";
    case MEDSEC_CVSS_V31: return "3.1";
    case MEDSEC_CVSS_V40: return "4.0";
    }
    return "?";
}

unsigned medsec_cvss_metric_count(enum medsec_cvss_version v)
{
    const struct cvss_def *d = cvss_def_of(v);
    return d ? d->n : 0;
}

const struct medsec_cvss_metric *medsec_cvss_metric(enum medsec_cvss_version v, unsigned i)
{
    const struct cvss_def *d = cvss_def_of(v);
    return d && i < d->n ? &d->metrics[i] : NULL;
}

int cvss_index(const struct medsec_cvss *c, const char *abbr)
{
    const struct cvss_def *d = cvss_def_of(c->version);
    if (!d)
        return -1;
    for (unsigned i = 0; i < d->n; i++)
        if (strcmp(d->metrics[i].abbr, abbr) == 0)
            return (int)i;
    return -1;
}

const char *cvss_val(const struct medsec_cvss *c, const char *abbr)
{
    int i = cvss_index(c, abbr);
    if (i < 0 || c->value[i] < 0)
        return NULL;
    return medsec_cvss_metric(c->version, (unsigned)i)->values[c->value[i]];
}

const char *medsec_cvss_get(const struct medsec_cvss *c, const char *abbr)
{
    return cvss_val(c, abbr);
}

/* Find metric name [s, s+n) in the table; -1 when unknown. */
static int find_metric(const struct cvss_def *d, const char *s, size_t n)
{
    for (unsigned i = 0; i < d->n; i++)
        if (strlen(d->metrics[i].abbr) == n && memcmp(d->metrics[i].abbr, s, n) == 0)
            return (int)i;
    return -1;
}

static int find_value(const struct medsec_cvss_metric *m, const char *s, size_t n)
{
    for (unsigned i = 0; i < m->nvalues; i++)
        if (strlen(m->values[i]) == n && memcmp(m->values[i], s, n) == 0)
            return (int)i;
    return -1;
}

/* "N, A, L or P" for error messages. */
static void list_values(const struct medsec_cvss_metric *m, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < m->nvalues && len < n; i++) {
        const char *sep = i == 0 ? "" : i + 1 == m->nvalues ? " or " : ", ";
        int w = snprintf(buf + len, n - len, "%s%s", sep, m->values[i]);
        if (w < 0)
            break;
        len += (size_t)w;
    }
}

/* Printable copy of at most 32 bytes of [s, s+n) for messages (non-printable bytes become '?'). */
static void quote(const char *s, size_t n, char *out, size_t cap)
{
    size_t k = 0;
    for (size_t i = 0; i < n && k + 4 < cap; i++) {
        unsigned char ch = (unsigned char)s[i];
        out[k++] = ch >= 0x20 && ch < 0x7f ? (char)ch : '?';
        if (i == 31 && i + 1 < n) {
            memcpy(out + k, "...", 3);
            k += 3;
            break;
        }
    }
    out[k] = '\0';
}

medsec_err medsec_cvss_parse(const char *vector, struct medsec_cvss *out, struct medsec_error *err)
{
    medsec_error_clear(err);
    memset(out, 0, sizeof *out);
    memset(out->value, -1, sizeof out->value);
    size_t len = strnlen(vector, MEDSEC_CVSS_MAX_LEN + 1);
    if (len > MEDSEC_CVSS_MAX_LEN)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 1, "vector longer than %d characters",
                                MEDSEC_CVSS_MAX_LEN);
    if (len == 0)
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 1, "empty vector");

    size_t pos = 0;
    if (strncmp(vector, "CVSS:", 5) == 0) {
        const char *slash = strchr(vector, '/');
        size_t vlen = slash ? (size_t)(slash - vector) - 5 : len - 5;
        char q[48];
        if (vlen == 3 && memcmp(vector + 5, "3.0", 3) == 0)
            out->version = MEDSEC_CVSS_V30;
        else if (vlen == 3 && memcmp(vector + 5, "3.1", 3) == 0)
            out->version = MEDSEC_CVSS_V31;
        else if (vlen == 3 && memcmp(vector + 5, "4.0", 3) == 0)
            out->version = MEDSEC_CVSS_V40;
        else {
            quote(vector + 5, vlen, q, sizeof q);
            return medsec_error_set(err, MEDSEC_EUNSUPPORTED, NULL, 0, 6,
                                    "unsupported CVSS version '%s' (medsec reads 3.0, 3.1 and 4.0 "
                                    "with a prefix, 2.0 without)",
                                    q);
        }
        if (!slash)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, (unsigned)len + 1,
                                    "no metrics after the 'CVSS:%s' prefix",
                                    medsec_cvss_version_name(out->version));
        pos = (size_t)(slash - vector) + 1;
    } else {
        out->version = MEDSEC_CVSS_V2;
    }
    const struct cvss_def *d = cvss_def_of(out->version);
    const char *vname = medsec_cvss_version_name(out->version);
    int last = -1; /* index of the previous metric, for the order check */

    for (;;) {
        const char *f = vector + pos;
        size_t flen = strcspn(f, "/");
        unsigned col = (unsigned)pos + 1;
        char q[48], q2[48];
        if (flen == 0)
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, col,
                                    f[0] ? "empty metric (two '/' in a row)"
                                         : "empty metric after a trailing '/'");
        const char *colon = memchr(f, ':', flen);
        if (!colon) {
            quote(f, flen, q, sizeof q);
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, col,
                                    "metric '%s' has no ':' and value", q);
        }
        size_t nlen = (size_t)(colon - f), vlen = flen - nlen - 1;
        int mi = find_metric(d, f, nlen);
        quote(f, nlen, q, sizeof q);
        if (mi < 0) {
            if (nlen == 0)
                return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, col,
                                        "metric name missing before ':'");
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, col,
                                    "unknown metric '%s' in CVSS v%s", q, vname);
        }
        const struct medsec_cvss_metric *m = &d->metrics[mi];
        if (out->value[mi] >= 0)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, col,
                                    "duplicate metric '%s' (first at column %u)", m->abbr,
                                    out->column[mi]);
        int vi = find_value(m, colon + 1, vlen);
        if (vi < 0) {
            char allowed[128];
            list_values(m, allowed, sizeof allowed);
            quote(colon + 1, vlen, q2, sizeof q2);
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, col,
                                    vlen ? "bad value '%s' for metric '%s' (%s): expected %s"
                                         : "%smissing value for metric '%s' (%s): expected %s",
                                    q2, m->abbr, m->name, allowed);
        }
        if (d->ordered && mi < last)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, col,
                                    "metric '%s' out of order: CVSS v%s puts it before '%s'",
                                    m->abbr, vname, d->metrics[last].abbr);
        last = mi;
        out->value[mi] = (signed char)vi;
        out->column[mi] = col;
        pos += flen;
        if (vector[pos] == '\0')
            break;
        pos++; /* the '/' */
    }
    for (unsigned i = 0; i < d->n; i++)
        if (d->metrics[i].mandatory && out->value[i] < 0)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, (unsigned)len + 1,
                                    "missing mandatory metric '%s' (%s)", d->metrics[i].abbr,
                                    d->metrics[i].name);
    return MEDSEC_OK;
}

void medsec_cvss_score(const struct medsec_cvss *c, struct medsec_cvss_scores *s)
{
    memset(s, 0, sizeof *s);
    s->base = s->temporal = s->environmental = s->overall = -1;
    switch (c->version) {
    case MEDSEC_CVSS_V2: cvss2_score(c, s); break;
    case MEDSEC_CVSS_V30:
    case MEDSEC_CVSS_V31: cvss3_score(c, s); break;
    case MEDSEC_CVSS_V40: cvss4_score(c, s); break;
    }
}

enum medsec_cvss_severity medsec_cvss_severity(enum medsec_cvss_version v, double score)
{
    /* compare in tenths so 3.9 / 4.0 boundaries are exact */
    if (score < 0)
        return MEDSEC_CVSS_SEV_UNKNOWN;
    long t = (long)(score * 10 + 0.5);
    if (v == MEDSEC_CVSS_V2)
        return t < 40   ? MEDSEC_CVSS_SEV_LOW
               : t < 70 ? MEDSEC_CVSS_SEV_MEDIUM
                        : MEDSEC_CVSS_SEV_HIGH;
    if (t == 0)
        return MEDSEC_CVSS_SEV_NONE;
    return t < 40   ? MEDSEC_CVSS_SEV_LOW
           : t < 70 ? MEDSEC_CVSS_SEV_MEDIUM
           : t < 90 ? MEDSEC_CVSS_SEV_HIGH
                    : MEDSEC_CVSS_SEV_CRITICAL;
}

const char *medsec_cvss_severity_name(enum medsec_cvss_severity s)
{
    switch (s) {
    case MEDSEC_CVSS_SEV_UNKNOWN: return "Unknown";
    case MEDSEC_CVSS_SEV_NONE: return "None";
    case MEDSEC_CVSS_SEV_LOW: return "Low";
    case MEDSEC_CVSS_SEV_MEDIUM: return "Medium";
    case MEDSEC_CVSS_SEV_HIGH: return "High";
    case MEDSEC_CVSS_SEV_CRITICAL: return "Critical";
    }
    return "Unknown";
}

static bool not_defined(const char *v)
{
    return strcmp(v, "X") == 0 || strcmp(v, "ND") == 0;
}

size_t medsec_cvss_format(const struct medsec_cvss *c, char *buf, size_t n)
{
    const struct cvss_def *d = cvss_def_of(c->version);
    size_t need = 0;
    if (n > 0)
        buf[0] = '\0';
    if (!d)
        return 0;
    const char *sep = "";
    int w = snprintf(buf, n, "%s", d->prefix);
    need = (size_t)(w > 0 ? w : 0);
    for (unsigned i = 0; i < d->n; i++) {
        if (c->value[i] < 0)
            continue;
        const char *v = d->metrics[i].values[c->value[i]];
        if (not_defined(v))
            continue;
        w = snprintf(need < n ? buf + need : NULL, need < n ? n - need : 0, "%s%s:%s", sep,
                     d->metrics[i].abbr, v);
        need += (size_t)(w > 0 ? w : 0);
        sep = "/";
    }
    return need;
}
