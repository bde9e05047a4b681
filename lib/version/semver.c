/* semver.c: the "semver" scheme: SemVer 2.0.0 precedence, with the leniency OSV SEMVER data needs.
 */
#include <string.h>

#include "schemes.h"
#include "vutil.h"

/*
 * Accepted (surrounding blanks ignored): [v]N(.N)*[-pre][+build] with 1..8 numeric core components
 * of any length (missing components count as 0, leading zeros are tolerated), prerelease and build
 * made of non-empty [0-9A-Za-z-] identifiers. Strict SemVer 2.0 is the subset with exactly three
 * components and no leading zeros; ordering is SemVer 2.0 precedence (build metadata ignored).
 */
#define SV_MAX_CORE 8

struct sv {
    const char *num[SV_MAX_CORE];
    size_t numlen[SV_MAX_CORE];
    size_t ncore;
    const char *pre;
    size_t prelen; /* 0 = no prerelease */
};

static bool sv_parse(const char *s, struct sv *v)
{
    size_t n = strnlen(s, VU_MAX_LEN + 1);
    if (n > VU_MAX_LEN)
        return false;
    vu_trim(&s, &n);
    if (n == 0)
        return false;
    size_t i = 0;
    if (s[0] == 'v' || s[0] == 'V')
        i++;
    v->ncore = 0;
    for (;;) {
        size_t st = i;
        while (i < n && vu_digit((unsigned char)s[i]))
            i++;
        if (i == st || v->ncore == SV_MAX_CORE)
            return false;
        v->num[v->ncore] = s + st;
        v->numlen[v->ncore++] = i - st;
        if (i < n && s[i] == '.') {
            i++;
            continue;
        }
        break;
    }
    return vu_semver_tail(s, i, n, false, &v->pre, &v->prelen);
}

static bool valid(const char *s)
{
    struct sv v;
    return sv_parse(s, &v);
}

static int cmp(const char *a, const char *b)
{
    struct sv x, y;
    if (!sv_parse(a, &x) || !sv_parse(b, &y))
        return 0;
    int c = vu_numlist_cmp(x.num, x.numlen, x.ncore, y.num, y.numlen, y.ncore);
    return c ? c : vu_precmp(x.pre, x.prelen, y.pre, y.prelen, false);
}

const struct vscheme_ops vs_semver = {valid, cmp};
