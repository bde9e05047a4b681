/* npm.c: the "npm" scheme: node-semver 7 version syntax (strict FULL) and ordering. */
#include <string.h>

#include "medsec/vrange.h"
#include "npmv.h"
#include "schemes.h"
#include "vutil.h"

bool npmv_pre_split(const char *s, size_t i, size_t end, bool loose, const char **pre,
                    size_t *prelen)
{
    *pre = NULL;
    *prelen = 0;
    if (i == end)
        return true;
    size_t ps = i;
    if (s[i] == '-')
        ps++;
    else if (!loose)
        return false;
    if (ps < end && vu_pre_ok(s + ps, end - ps, !loose)) {
        *pre = s + ps;
        *prelen = end - ps;
    } else if (loose && ps != i && vu_pre_ok(s + i, end - i, false)) {
        *pre = s + i; /* a lone '-' can itself start a loose identifier */
        *prelen = end - i;
    } else {
        return false;
    }
    return true;
}

static bool num(const char *s, size_t n, size_t *i, bool loose, unsigned long long *out)
{
    size_t st = *i;
    while (*i < n && vu_digit((unsigned char)s[*i]))
        (*i)++;
    size_t len = *i - st;
    if (len == 0 || (!loose && len > 1 && s[st] == '0'))
        return false;
    while (len > 1 && s[st] == '0') {
        st++;
        len--;
    }
    return vu_u64(s + st, len, NPMV_MAX_SAFE, out);
}

bool npmv_parse(const char *s, size_t n, bool loose, struct npmv *v)
{
    if (n > NPMV_MAX_LEN)
        return false;
    vu_trim(&s, &n);
    size_t i = 0;
    if (loose) {
        while (i < n && (s[i] == 'v' || s[i] == '=' || vu_space((unsigned char)s[i])))
            i++;
    } else if (i < n && s[i] == 'v') {
        i++;
    }
    if (!num(s, n, &i, loose, &v->maj) || i >= n || s[i++] != '.' ||
        !num(s, n, &i, loose, &v->min) || i >= n || s[i++] != '.' || !num(s, n, &i, loose, &v->pat))
        return false;
    size_t end;
    if (!vu_build_split(s, i, n, &end))
        return false;
    v->build = end < n ? s + end + 1 : NULL;
    v->buildlen = end < n ? n - end - 1 : 0;
    return npmv_pre_split(s, i, end, loose, &v->pre, &v->prelen);
}

static int u64cmp(unsigned long long a, unsigned long long b)
{
    return a < b ? -1 : a > b;
}

int npmv_cmp(const struct npmv *a, const struct npmv *b)
{
    int c = u64cmp(a->maj, b->maj);
    if (!c)
        c = u64cmp(a->min, b->min);
    if (!c)
        c = u64cmp(a->pat, b->pat);
    return c ? c : vu_precmp(a->pre, a->prelen, b->pre, b->prelen, false);
}

bool medsec_npm_version_valid(const char *v, unsigned flags)
{
    struct npmv x;
    return v && npmv_parse(v, strnlen(v, NPMV_MAX_LEN + 1), (flags & MEDSEC_NPM_LOOSE) != 0, &x);
}

medsec_err medsec_npm_version_compare(const char *a, const char *b, unsigned flags, int *result,
                                      struct medsec_error *err)
{
    struct npmv x, y;
    bool loose = (flags & MEDSEC_NPM_LOOSE) != 0;
    *result = 0;
    if (!a || !npmv_parse(a, strnlen(a, NPMV_MAX_LEN + 1), loose, &x))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "'%s' is not a valid npm version",
                                a ? a : "(null)");
    if (!b || !npmv_parse(b, strnlen(b, NPMV_MAX_LEN + 1), loose, &y))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "'%s' is not a valid npm version",
                                b ? b : "(null)");
    *result = npmv_cmp(&x, &y);
    return MEDSEC_OK;
}

static bool valid(const char *s)
{
    return medsec_npm_version_valid(s, 0);
}

static int cmp(const char *a, const char *b)
{
    struct npmv x, y;
    if (!npmv_parse(a, strnlen(a, NPMV_MAX_LEN + 1), false, &x) ||
        !npmv_parse(b, strnlen(b, NPMV_MAX_LEN + 1), false, &y))
        return 0;
    return npmv_cmp(&x, &y);
}

const struct vscheme_ops vs_npm = {valid, cmp};
