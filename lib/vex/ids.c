/* ids.c: identifiers the VEX and CSAF writers share (medsec/vex.h): the device release as a
 * generic purl, percent-encoding, CVE ids, document times. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "medsec/json.h"
#include "medsec/vex.h"

/* A date ("YYYY-MM-DD") as a date-time at midnight UTC; date-times as they are. */
void medsec_vex_date_time(const char *s, char out[32])
{
    if (s && strlen(s) == 10)
        snprintf(out, 32, "%sT00:00:00Z", s);
    else
        snprintf(out, 32, "%s", s ? s : "1970-01-01T00:00:00Z");
}

/* purl percent-encoding of one segment (RFC 3986 unreserved characters stay). */
void medsec_vex_pct_encode(char *out, size_t cap, size_t *len, const char *s)
{
    for (; s && *s; s++) {
        unsigned char c = (unsigned char)*s;
        char e[4];
        if (isalnum(c) || c == '.' || c == '-' || c == '_' || c == '~')
            e[0] = (char)c, e[1] = 0;
        else
            snprintf(e, sizeof e, "%%%02X", c);
        size_t k = strlen(e);
        if (*len + k < cap) {
            memcpy(out + *len, e, k + 1);
            *len += k;
        }
    }
}

/* pkg:generic/VENDOR/NAME@VERSION (each part percent-encoded; VENDOR and VERSION when known). */
void medsec_vex_generic_purl(char *out, size_t cap, const char *vendor, const char *name,
                             const char *version)
{
    size_t len = 0;
    snprintf(out, cap, "pkg:generic/");
    len = strlen(out);
    if (vendor && *vendor) {
        medsec_vex_pct_encode(out, cap, &len, vendor);
        if (len + 1 < cap)
            out[len++] = '/', out[len] = 0;
    }
    medsec_vex_pct_encode(out, cap, &len, name && *name ? name : "unnamed");
    if (version && *version) {
        if (len + 1 < cap)
            out[len++] = '@', out[len] = 0;
        medsec_vex_pct_encode(out, cap, &len, version);
    }
}

bool medsec_vex_is_cve(const char *id)
{
    if (strncmp(id, "CVE-", 4) || strlen(id) < 13)
        return false;
    for (int i = 4; i < 8; i++)
        if (!isdigit((unsigned char)id[i]))
            return false;
    if (id[8] != '-')
        return false;
    for (const char *p = id + 9; *p; p++)
        if (!isdigit((unsigned char)*p))
            return false;
    return true;
}

void medsec_vex_csaf_ids(struct medsec_jsonw *w, const char *vuln, const char *const *aliases,
                         size_t n, const char *cve)
{
    bool open = false;
    for (size_t k = 0; k <= n; k++) {
        const char *id = k ? aliases[k - 1] : vuln;
        if (id == cve || (cve && !strcmp(id, cve)))
            continue; /* written as `cve` */
        if (!open) {
            medsec_jsonw_key(w, "ids");
            medsec_jsonw_array_begin(w);
            open = true;
        }
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "system_name",
                               !strncmp(id, "GHSA-", 5) ? "GitHub Advisory"
                               : medsec_vex_is_cve(id)  ? "CVE"
                                                        : "OSV");
        medsec_jsonw_kv_string(w, "text", id);
        medsec_jsonw_object_end(w);
    }
    if (open)
        medsec_jsonw_array_end(w);
}
