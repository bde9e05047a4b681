/* epss.c: FIRST EPSS scores CSV ("#model_version:...,score_date:..." comment, then
 * cve,epss,percentile), with or without a UTF-8 byte order mark. */
#include <stdlib.h>
#include <string.h>

#include "reader.h"

/* Past a UTF-8 byte order mark at the start of @text, which spreadsheet tools write before CSV. */
static const char *skip_bom(const char *text, size_t len)
{
    return len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0 ? text + 3 : text;
}

/* Is this text an EPSS CSV? (header row "cve,epss,percentile", maybe after a comment line) */
bool adv_epss_detect(const char *text, size_t len)
{
    const char *p = skip_bom(text, len), *end = text + len;
    if (p < end && *p == '#') {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            return false;
        p = nl + 1;
    }
    return (size_t)(end - p) >= 19 && strncmp(p, "cve,epss,percentile", 19) == 0;
}

medsec_err adv_epss_read(struct adv_reader *r, const char *origin, const char *text, size_t len)
{
    const char *p = skip_bom(text, len), *end = text + len;
    char date[32] = "";
    unsigned line = 0;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        const char *le = nl ? nl : end;
        line++;
        size_t n = (size_t)(le - p);
        if (n && p[n - 1] == '\r')
            n--;
        char row[256];
        if (n >= sizeof row) {
            adv_warn(r, origin, line, 1, "EPSS row too long; skipped");
            r->stats->malformed++;
        } else {
            memcpy(row, p, n);
            row[n] = '\0';
            if (row[0] == '#') {
                const char *d = strstr(row, "score_date:");
                if (d) {
                    size_t dl = strcspn(d + 11, ",T \r");
                    if (dl >= sizeof date)
                        dl = sizeof date - 1;
                    memcpy(date, d + 11, dl);
                    date[dl] = '\0';
                }
            } else if (n && strncmp(row, "cve,", 4) != 0) {
                char *c1 = strchr(row, ','), *c2 = c1 ? strchr(c1 + 1, ',') : NULL;
                char *e1 = NULL, *e2 = NULL;
                struct medsec_epss_entry e = {.cve = row, .date = date[0] ? date : NULL};
                if (c1 && c2) {
                    *c1 = *c2 = '\0';
                    e.score = strtod(c1 + 1, &e1);
                    e.percentile = strtod(c2 + 1, &e2);
                }
                /* the range tests are written so that NaN ("nan" parses) fails them too */
                if (!c1 || !c2 || strncmp(row, "CVE-", 4) != 0 || e1 == c1 + 1 || *e1 ||
                    e2 == c2 + 1 || *e2 || !(e.score >= 0 && e.score <= 1) ||
                    !(e.percentile >= 0 && e.percentile <= 1)) {
                    adv_warn(r, origin, line, 1, "malformed EPSS row; skipped");
                    r->stats->malformed++;
                } else {
                    r->stats->records[MEDSEC_ADV_EPSS]++;
                    medsec_err rc =
                        r->sink->epss ? r->sink->epss(r->sink->ud, &e, origin) : MEDSEC_OK;
                    if (rc)
                        return medsec_error_set(r->err, rc, origin, line, 0,
                                                "storing EPSS row failed");
                }
            }
        }
        p = nl ? nl + 1 : end;
    }
    return MEDSEC_OK;
}
