/* rpm.c: RPM versions ([epoch:]version[-release]) ordered as rpm's rpmvercmp and labelCompare do.
 */
#include <stdbool.h>
#include <string.h>

#include "schemes.h"
#include "vutil.h"

#define RPM_VERSION_MAX 512

struct span {
    const char *p;
    size_t n;
    bool present;
};

struct evr {
    struct span e, v, r;
};

/* rpmvercmp over two spans: alphanumeric segments, '~' before everything, '^' after the end only.
 */
static int rpm_vercmp(const char *a, size_t an, const char *b, size_t bn)
{
    if (an == bn && memcmp(a, b, an) == 0)
        return 0;
    size_t i = 0, j = 0;
    while (i < an || j < bn) {
        while (i < an && !vu_alnum(a[i]) && a[i] != '~' && a[i] != '^')
            i++;
        while (j < bn && !vu_alnum(b[j]) && b[j] != '~' && b[j] != '^')
            j++;
        char ca = i < an ? a[i] : '\0', cb = j < bn ? b[j] : '\0';
        if (ca == '~' || cb == '~') {
            if (ca != '~')
                return 1;
            if (cb != '~')
                return -1;
            i++;
            j++;
            continue;
        }
        if (ca == '^' || cb == '^') {
            if (!ca)
                return -1;
            if (!cb)
                return 1;
            if (ca != '^')
                return 1;
            if (cb != '^')
                return -1;
            i++;
            j++;
            continue;
        }
        if (!ca || !cb)
            break;
        size_t si = i, sj = j;
        bool num = vu_digit(ca);
        if (num) {
            while (i < an && vu_digit(a[i]))
                i++;
            while (j < bn && vu_digit(b[j]))
                j++;
        } else {
            while (i < an && vu_alpha(a[i]))
                i++;
            while (j < bn && vu_alpha(b[j]))
                j++;
        }
        if (sj == j) /* a numeric segment beats an alphabetic one */
            return num ? 1 : -1;
        if (num) {
            while (si < i && a[si] == '0')
                si++;
            while (sj < j && b[sj] == '0')
                sj++;
            if (i - si != j - sj)
                return i - si > j - sj ? 1 : -1;
        }
        size_t la = i - si, lb = j - sj;
        int c = memcmp(a + si, b + sj, la < lb ? la : lb);
        if (c)
            return c < 0 ? -1 : 1;
        if (la != lb)
            return la < lb ? -1 : 1;
    }
    if (i >= an && j >= bn)
        return 0;
    return i >= an ? -1 : 1;
}

/* Split like rpm's parseEVR: leading digits then ':' is the epoch; the last '-' starts the release.
 */
static bool evr_split(const char *s, struct evr *out)
{
    size_t len = strnlen(s, RPM_VERSION_MAX + 1);
    if (len == 0 || len > RPM_VERSION_MAX)
        return false;
    for (size_t k = 0; k < len; k++)
        if ((unsigned char)s[k] <= ' ' || s[k] == 0x7f)
            return false;
    size_t d = 0;
    while (d < len && vu_digit(s[d]))
        d++;
    size_t vstart = 0;
    out->e = (struct span){"0", 1, false};
    if (d < len && s[d] == ':') {
        out->e = d ? (struct span){s, d, true} : (struct span){"0", 1, true};
        vstart = d + 1;
    }
    const char *hy = NULL;
    for (size_t k = d; k < len; k++)
        if (s[k] == '-')
            hy = s + k;
    if (hy && hy < s + vstart)
        hy = NULL;
    size_t vend = hy ? (size_t)(hy - s) : len;
    out->v = (struct span){s + vstart, vend - vstart, true};
    out->r = hy ? (struct span){hy + 1, len - vend - 1, true} : (struct span){"", 0, false};
    return true;
}

static bool valid(const char *v)
{
    struct evr e;
    return evr_split(v, &e);
}

/* As python3-rpm's labelCompare: a missing epoch is "0"; a missing release sorts first. */
static int cmp(const char *a, const char *b)
{
    struct evr x, y;
    if (!evr_split(a, &x) || !evr_split(b, &y))
        return 0;
    int c = rpm_vercmp(x.e.p, x.e.n, y.e.p, y.e.n);
    if (!c)
        c = rpm_vercmp(x.v.p, x.v.n, y.v.p, y.v.n);
    if (!c) {
        if (x.r.present != y.r.present)
            return x.r.present ? 1 : -1;
        c = rpm_vercmp(x.r.p, x.r.n, y.r.p, y.r.n);
    }
    return c;
}

const struct vscheme_ops vs_rpm = {valid, cmp};
