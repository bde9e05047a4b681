/* golang.c: the "golang" scheme: Go module versions as golang.org/x/mod/semver validates and orders
 * them. */
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

static bool gv_parse(const char *s, struct gv *v)
{
    size_t n = strnlen(s, VU_MAX_LEN + 1);
    if (n == 0 || n > VU_MAX_LEN)
        return false;
    size_t i = s[0] == 'v' ? 1 : 0;
    memset(v, 0, sizeof *v);
    for (int k = 0; k < 3; k++) {
        if (k > 0) {
            if (i == n)
                return true; /* the shorthands v1 and v1.2, never with a prerelease or build */
            if (s[i] != '.')
                return false;
            i++;
        }
        if (!gnum(s, n, &i, &v->num[k], &v->numlen[k]))
            return false;
    }
    return vu_semver_tail(s, i, n, true, &v->pre, &v->prelen);
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
    int c = vu_numlist_cmp(x.num, x.numlen, 3, y.num, y.numlen, 3); /* missing: empty, 0 */
    return c ? c : vu_precmp(x.pre, x.prelen, y.pre, y.prelen, false);
}

const struct vscheme_ops vs_golang = {valid, cmp};
