/* debian.c: Debian package versions ([epoch:]upstream[-revision]) ordered as dpkg orders them. */
#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "schemes.h"
#include "vutil.h"

#define DEB_VERSION_MAX 512

struct debver {
    unsigned long epoch;
    const char *up; /* upstream version, not NUL-terminated */
    size_t uplen;
    const char *rev; /* revision; "" when absent */
    size_t revlen;
};

/* Split @v; false when the syntax is not what dpkg accepts without complaint. */
static bool debver_split(const char *v, struct debver *out)
{
    size_t len = strnlen(v, DEB_VERSION_MAX + 1);
    if (len == 0 || len > DEB_VERSION_MAX)
        return false;
    const char *colon = strchr(v, ':');
    const char *up = v;
    out->epoch = 0;
    if (colon) {
        if (colon == v)
            return false; /* "epoch in version is empty" */
        for (const char *p = v; p < colon; p++) {
            if (!vu_digit(*p))
                return false; /* "epoch in version is not number" */
            out->epoch = out->epoch * 10 + (unsigned long)(*p - '0');
            if (out->epoch > INT_MAX)
                return false; /* "epoch in version is too big" */
        }
        up = colon + 1;
    }
    const char *end = v + len;
    const char *hyphen = NULL;
    for (const char *p = up; p < end; p++)
        if (*p == '-')
            hyphen = p;
    out->up = up;
    out->uplen = (size_t)((hyphen ? hyphen : end) - up);
    out->rev = hyphen ? hyphen + 1 : "";
    out->revlen = hyphen ? (size_t)(end - hyphen - 1) : 0;
    if (out->uplen == 0)
        return false; /* "version number is empty" / "nothing after colon" */
    if (hyphen && out->revlen == 0)
        return false; /* "revision number is empty" */
    /* dpkg only warns about these; we treat them as invalid (docs/versions.md). */
    if (!vu_digit(up[0]))
        return false;
    for (size_t i = 0; i < out->uplen; i++)
        if (!vu_digit(up[i]) && !vu_alpha(up[i]) && !strchr(".-+~:", up[i]))
            return false;
    for (size_t i = 0; i < out->revlen; i++)
        if (!vu_digit(out->rev[i]) && !vu_alpha(out->rev[i]) && !strchr(".+~", out->rev[i]))
            return false;
    return true;
}

/* Weight of a non-digit character: '~' first, then the end, then letters, then the rest. */
static int deb_order(const char *s, size_t i, size_t n)
{
    if (i >= n)
        return 0;
    unsigned char c = (unsigned char)s[i];
    if (vu_digit(c))
        return 0;
    if (vu_alpha(c))
        return c;
    if (c == '~')
        return -1;
    return c + 256;
}

/* dpkg's verrevcmp: alternate non-digit runs (by deb_order) and digit runs (numerically). */
static int deb_part_cmp(const char *a, size_t an, const char *b, size_t bn)
{
    size_t i = 0, j = 0;
    while (i < an || j < bn) {
        while ((i < an && !vu_digit(a[i])) || (j < bn && !vu_digit(b[j]))) {
            int ac = deb_order(a, i, an), bc = deb_order(b, j, bn);
            if (ac != bc)
                return ac - bc;
            i++;
            j++;
        }
        while (i < an && a[i] == '0')
            i++;
        while (j < bn && b[j] == '0')
            j++;
        int first_diff = 0;
        while (i < an && j < bn && vu_digit(a[i]) && vu_digit(b[j])) {
            if (!first_diff)
                first_diff = a[i] - b[j];
            i++;
            j++;
        }
        if (i < an && vu_digit(a[i]))
            return 1;
        if (j < bn && vu_digit(b[j]))
            return -1;
        if (first_diff)
            return first_diff;
    }
    return 0;
}

static bool valid(const char *v)
{
    struct debver d;
    return debver_split(v, &d);
}

static int cmp(const char *a, const char *b)
{
    struct debver x, y;
    if (!debver_split(a, &x) || !debver_split(b, &y))
        return 0;
    if (x.epoch != y.epoch)
        return x.epoch < y.epoch ? -1 : 1;
    int c = deb_part_cmp(x.up, x.uplen, y.up, y.uplen);
    if (c)
        return c;
    return deb_part_cmp(x.rev, x.revlen, y.rev, y.revlen);
}

const struct vscheme_ops vs_debian = {valid, cmp};
