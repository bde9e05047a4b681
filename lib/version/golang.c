/* golang.c: the "golang" scheme: Go module versions as golang.org/x/mod/semver validates and orders them. */
#include <string.h>

#include "schemes.h"
#include "vutil.h"

/*
 * vMAJOR[.MINOR[.PATCH[-pre][+build]]]: numbers without leading zeros, the shorthands v1 and v1.2
 * (= v1.0.0, v1.2.0) only without prerelease/build, prerelease numeric identifiers without leading
 * zeros. Pseudo-versions (v0.0.0-20191109021931-daa7c04131f5) are ordinary prereleases and
 * "+incompatible" is build metadata. The leading "v" may be omitted, as OSV "Go" ranges do.
 */
struct gv {
    const char *num[3];
    size_t numlen[3];
    const char *pre;
    size_t prelen;
};

static bool gnum(const char *s, size_t n, size_t *i, const char **out, size_t *len)
{
    size_t st = *i;
    while (*i < n && vu_digit((unsigned char)s[*i]))
        (*i)++;
    if (*i == st || (s[st] == '0' && *i - st > 1))
        return false;
    *out = s + st;
    *len = *i - st;
    return true;
}

static bool gpre_ok(const char *s, size_t n)
{
    if (!vu_idents(s, n))
        return false;
    size_t st = 0;
    for (size_t i = 0; i <= n; i++)
        if (i == n || s[i] == '.') {
            if (vu_all_digits(s + st, i - st) && i - st > 1 && s[st] == '0')
                return false;
            st = i + 1;
        }
    return true;
}

static bool gv_parse(const char *s, struct gv *v)
{
    size_t n = strnlen(s, VU_MAX_LEN + 1);
    if (n == 0 || n > VU_MAX_LEN)
        return false;
    size_t i = s[0] == 'v' ? 1 : 0;
    memset(v, 0, sizeof *v);
    if (!gnum(s, n, &i, &v->num[0], &v->numlen[0]))
        return false;
    if (i == n)
        return true;
    if (s[i] != '.')
        return false;
    i++;
    if (!gnum(s, n, &i, &v->num[1], &v->numlen[1]))
        return false;
    if (i == n)
        return true;
    if (s[i] != '.')
        return false;
    i++;
    if (!gnum(s, n, &i, &v->num[2], &v->numlen[2]))
        return false;
    size_t end = n;
    const char *plus = memchr(s + i, '+', n - i);
    if (plus) {
        end = (size_t)(plus - s);
        if (!vu_idents(plus + 1, n - end - 1))
            return false;
    }
    if (i < end) {
        if (s[i] != '-' || !gpre_ok(s + i + 1, end - i - 1))
            return false;
        v->pre = s + i + 1;
        v->prelen = end - i - 1;
    }
    return true;
}

static bool valid(const char *s)
{
    struct gv v;
    return gv_parse(s, &v);
}

static int cmp(const char *a, const char *b)
{
    struct gv x, y;
    if (!gv_parse(a, &x) || !gv_parse(b, &y))
        return 0;
    for (int k = 0; k < 3; k++) {
        int c = vu_numcmp(x.num[k] ? x.num[k] : "0", x.num[k] ? x.numlen[k] : 1,
                          y.num[k] ? y.num[k] : "0", y.num[k] ? y.numlen[k] : 1);
        if (c)
            return c;
    }
    if (!x.prelen || !y.prelen)
        return x.prelen ? -1 : y.prelen ? 1 : 0;
    return vu_precmp(x.pre, x.prelen, y.pre, y.prelen, false, 0);
}

const struct vscheme_ops vs_golang = {valid, cmp};
