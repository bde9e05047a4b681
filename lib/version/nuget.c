/* nuget.c: the "nuget" scheme: NuGetVersion syntax and VersionComparer.Default ordering, and NuGet
 * version ranges. */
#include <string.h>

#include "medsec/vrange.h"
#include "schemes.h"
#include "vutil.h"

/*
 * N[.N[.N[.N]]][-label(.label)*][+meta(.meta)*]: 1-4 numeric parts (each an Int32, leading zeros
 * and blanks around a part allowed, as int.TryParse does), labels and metadata of [0-9A-Za-z-].
 * Ordering: the four numbers (missing = 0), then a release sorts above any prerelease, labels
 * compare numerically when both are numbers, a number sorts first, text compares ignoring
 * ASCII case; metadata is ignored.
 */
struct nv {
    const char *num[4];
    size_t numlen[4];
    const char *pre;
    size_t prelen;
};

static bool nv_parse_n(const char *s, size_t n, struct nv *v)
{
    memset(v, 0, sizeof *v);
    if (n > VU_MAX_LEN)
        return false;
    vu_trim(&s, &n);
    size_t end;
    if (n == 0 || !vu_build_split(s, 0, n, &end))
        return false;
    /* the release label follows the first '-' (the numbers cannot hold one) */
    const char *dash = memchr(s, '-', end);
    size_t vend = end;
    if (dash) {
        vend = (size_t)(dash - s);
        if (!vu_idents(dash + 1, end - vend - 1))
            return false;
        v->pre = dash + 1;
        v->prelen = end - vend - 1;
    }
    size_t i = 0, k = 0;
    for (;;) {
        if (k == 4)
            return false;
        while (i < vend && s[i] == ' ')
            i++;
        size_t st = i;
        while (i < vend && vu_digit((unsigned char)s[i]))
            i++;
        size_t e = i;
        while (i < vend && s[i] == ' ')
            i++;
        unsigned long long val;
        if (e == st || !vu_u64(s + st, e - st, 2147483647ULL, &val))
            return false;
        v->num[k] = s + st;
        v->numlen[k++] = e - st;
        if (i == vend)
            return true;
        if (s[i] != '.')
            return false;
        i++;
    }
}

static bool nv_parse(const char *s, struct nv *v)
{
    return nv_parse_n(s, strnlen(s, VU_MAX_LEN + 1), v);
}

static int nv_cmp(const struct nv *a, const struct nv *b)
{
    int c = vu_numlist_cmp(a->num, a->numlen, 4, b->num, b->numlen, 4); /* missing: empty, 0 */
    return c ? c : vu_precmp(a->pre, a->prelen, b->pre, b->prelen, true);
}

static bool valid(const char *s)
{
    struct nv v;
    return nv_parse(s, &v);
}

static int cmp(const char *a, const char *b)
{
    struct nv x, y;
    if (!nv_parse(a, &x) || !nv_parse(b, &y))
        return 0;
    return nv_cmp(&x, &y);
}

const struct vscheme_ops vs_nuget = {valid, cmp};

/* ---- VersionRange ---- */

medsec_err medsec_nuget_range_contains(const char *range, const char *version, bool *out,
                                       struct medsec_error *err)
{
    *out = false;
    struct nv v, lo, hi;
    if (!version || !nv_parse(version, &v))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "'%s' is not a valid NuGet version",
                                version ? version : "(null)");
    if (!range || strnlen(range, 1025) > 1024)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "range longer than 1024 bytes");
    const char *p = range;
    size_t n = strlen(range);
    vu_trim(&p, &n);
    if (memchr(p, '*', n))
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, NULL, 0, 0,
                                "floating NuGet ranges are not supported: '%s'", range);
    bool has_lo = false, has_hi = false, lo_inc = true, hi_inc = false;
    if (n > 0 && (p[0] == '[' || p[0] == '(')) {
        if (n < 2 || (p[n - 1] != ']' && p[n - 1] != ')'))
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "invalid NuGet range '%s'",
                                    range);
        lo_inc = p[0] == '[';
        hi_inc = p[n - 1] == ']';
        const char *in = p + 1;
        size_t inl = n - 2;
        const char *comma = memchr(in, ',', inl);
        if (!comma) {
            if (!lo_inc || !hi_inc || !nv_parse_n(in, inl, &lo))
                return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "invalid NuGet range '%s'",
                                        range);
            hi = lo;
            has_lo = has_hi = true;
        } else {
            const char *b = comma + 1;
            size_t an = (size_t)(comma - in), bn = inl - an - 1;
            size_t ai = 0, bi = 0;
            while (ai < an && vu_space((unsigned char)in[ai]))
                ai++;
            while (bi < bn && vu_space((unsigned char)b[bi]))
                bi++;
            if (memchr(b, ',', bn) || (ai == an && bi == bn))
                return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "invalid NuGet range '%s'",
                                        range);
            if (ai < an) {
                if (!nv_parse_n(in, an, &lo))
                    return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                            "invalid NuGet range '%s'", range);
                has_lo = true;
            }
            if (bi < bn) {
                if (!nv_parse_n(b, bn, &hi))
                    return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                            "invalid NuGet range '%s'", range);
                has_hi = true;
            }
        }
        if (has_lo && has_hi) {
            int c = nv_cmp(&lo, &hi);
            if (c > 0 || (c == 0 && (!lo_inc || !hi_inc)))
                return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                        "illogical NuGet range '%s'", range);
        }
    } else {
        if (!nv_parse_n(p, n, &lo))
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "invalid NuGet range '%s'",
                                    range);
        has_lo = true;
    }
    bool ok = true;
    if (has_lo) {
        int c = nv_cmp(&v, &lo);
        ok = lo_inc ? c >= 0 : c > 0;
    }
    if (ok && has_hi) {
        int c = nv_cmp(&v, &hi);
        ok = hi_inc ? c <= 0 : c < 0;
    }
    *out = ok;
    return MEDSEC_OK;
}
