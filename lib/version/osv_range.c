/* osv_range.c: OSV range semantics (medsec/version.h): is a version inside a range given as events?
 */
#include <ctype.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/version.h"

#define VMAX MEDSEC_VERSION_MAX

bool medsec_version_copy(char dst[MEDSEC_VERSION_MAX], const char *s, size_t n, bool strip_v)
{
    if (strip_v && n > 1 && (s[0] == 'v' || s[0] == 'V') && isdigit((unsigned char)s[1]))
        s++, n--;
    if (n == 0 || n >= VMAX)
        return false;
    memcpy(dst, s, n);
    dst[n] = '\0';
    return true;
}

/* introduced "0": before every version, whatever the scheme says of "0" */
static bool is_zero_intro(const struct medsec_version_event *e)
{
    return e->kind == MEDSEC_VERSION_EV_INTRODUCED && e->len == 1 && e->version[0] == '0';
}

medsec_err medsec_version_osv_contains(enum medsec_vscheme scheme,
                                       const struct medsec_version_event *ev, size_t n,
                                       const char *version, bool *affected,
                                       struct medsec_error *err)
{
    *affected = false;
    if (n > MEDSEC_VERSION_MAX_EVENTS)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "range has more than %d events",
                                MEDSEC_VERSION_MAX_EVENTS);
    bool strip = scheme == MEDSEC_VS_SEMVER;
    char v[VMAX];
    if (!medsec_version_copy(v, version, strlen(version), strip) ||
        !medsec_version_valid(scheme, v))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                "version '%s' is not valid in scheme %s", version,
                                medsec_vscheme_name(scheme));
    /* each event's position relative to v: -1 below, 0 equal, 1 above; and an order among events */
    int rel[MEDSEC_VERSION_MAX_EVENTS];
    size_t order[MEDSEC_VERSION_MAX_EVENTS];
    char(*evs)[VMAX] = medsec_malloc(sizeof(char[VMAX]) * (n ? n : 1));
    if (!evs)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < n; i++) {
        order[i] = i;
        if (is_zero_intro(&ev[i])) {
            rel[i] = -1;
            continue;
        }
        if (!medsec_version_copy(evs[i], ev[i].version, ev[i].len, strip) ||
            !medsec_version_valid(scheme, evs[i])) {
            rc = medsec_error_set(
                err, MEDSEC_EPARSE, NULL, 0, 0, "event version '%.*s' is not valid in scheme %s",
                (int)(ev[i].len < 64 ? ev[i].len : 64), ev[i].version, medsec_vscheme_name(scheme));
            goto out_free_evs;
        }
        int c;
        rc = medsec_version_compare(scheme, evs[i], v, &c, err);
        if (rc)
            goto out_free_evs;
        rel[i] = c < 0 ? -1 : c > 0;
    }
    /* insertion sort of the events by version (stable; "0" first) */
    for (size_t i = 1; i < n; i++) {
        size_t k = order[i], j = i;
        while (j > 0) {
            size_t p = order[j - 1];
            int c;
            if (is_zero_intro(&ev[k]))
                c = is_zero_intro(&ev[p]) ? 0 : -1;
            else if (is_zero_intro(&ev[p]))
                c = 1;
            else {
                rc = medsec_version_compare(scheme, evs[k], evs[p], &c, err);
                if (rc)
                    goto out_free_evs;
            }
            if (c >= 0)
                break;
            order[j] = p;
            j--;
        }
        order[j] = k;
    }
    bool in = false;
    for (size_t i = 0; i < n; i++) {
        size_t k = order[i];
        switch (ev[k].kind) {
        case MEDSEC_VERSION_EV_INTRODUCED:
            if (rel[k] <= 0)
                in = true;
            break;
        case MEDSEC_VERSION_EV_FIXED:
        case MEDSEC_VERSION_EV_LIMIT:
            if (rel[k] <= 0)
                in = false;
            break;
        case MEDSEC_VERSION_EV_LAST_AFFECTED:
            if (rel[k] < 0)
                in = false;
            break;
        }
    }
    *affected = in;
out_free_evs:
    medsec_free(evs);
    return rc;
}
