/*
 * alpm.c: Arch Linux package versions ordered as libalpm's alpm_pkg_vercmp() (pacman's `vercmp`):
 * [epoch:]version[-release], each part compared with alpm's rpmvercmp-derived segment comparison.
 */
#include <stdbool.h>
#include <string.h>

#include "schemes.h"
#include "vutil.h"

/* A slice of the version text. */
struct span {
    const char *s;
    size_t n;
};

/*
 * alpm's rpmvercmp on two slices: alternating runs of alphanumerics (ASCII only) split by other
 * characters; digit runs compare numerically and beat letter runs; separator runs of different
 * lengths decide at once (the longer one is newer); when one side runs out, a remaining letter run
 * is older than nothing and anything else is newer.
 */
static int alpm_rpmvercmp(struct span a, struct span b)
{
    if (a.n == b.n && memcmp(a.s, b.s, a.n) == 0)
        return 0;
    size_t i = 0, j = 0; /* ptr1, ptr2: end of the last segment */
    size_t one = 0, two = 0;
    while (one < a.n && two < b.n) {
        while (one < a.n && !vu_alnum((unsigned char)a.s[one]))
            one++;
        while (two < b.n && !vu_alnum((unsigned char)b.s[two]))
            two++;
        if (one == a.n || two == b.n)
            break;
        if (one - i != two - j)
            return one - i < two - j ? -1 : 1;
        i = one;
        j = two;
        bool isnum = vu_digit((unsigned char)a.s[i]);
        if (isnum) {
            while (i < a.n && vu_digit((unsigned char)a.s[i]))
                i++;
            while (j < b.n && vu_digit((unsigned char)b.s[j]))
                j++;
        } else {
            while (i < a.n && vu_alpha((unsigned char)a.s[i]))
                i++;
            while (j < b.n && vu_alpha((unsigned char)b.s[j]))
                j++;
        }
        if (two == j) /* b's segment is of the other kind */
            return isnum ? 1 : -1;
        int c;
        if (isnum) {
            c = vu_numcmp(a.s + one, i - one, b.s + two, j - two);
        } else {
            size_t la = i - one, lb = j - two;
            c = memcmp(a.s + one, b.s + two, la < lb ? la : lb);
            if (c == 0)
                c = (la > lb) - (la < lb);
        }
        if (c)
            return c < 0 ? -1 : 1;
        one = i;
        two = j;
    }
    if (one == a.n && two == b.n)
        return 0; /* equal segments, only the separators differed */
    if ((one == a.n && !vu_alpha((unsigned char)b.s[two])) ||
        (one < a.n && vu_alpha((unsigned char)a.s[one])))
        return -1;
    return 1;
}

/* parseEVR: leading digits then ':' are the epoch (empty = "0"), the last '-' after them starts
 * the release. */
static void alpm_evr(const char *v, struct span *e, struct span *ver, struct span *rel,
                     bool *has_rel)
{
    size_t n = strlen(v), d = 0;
    while (d < n && vu_digit((unsigned char)v[d]))
        d++;
    size_t start = 0;
    *e = (struct span){"0", 1};
    if (d < n && v[d] == ':') {
        if (d > 0)
            *e = (struct span){v, d};
        start = d + 1;
    }
    const char *dash = NULL;
    for (size_t k = d; k < n; k++)
        if (v[k] == '-')
            dash = v + k;
    *has_rel = dash != NULL;
    size_t vend = dash ? (size_t)(dash - v) : n;
    if (vend < start) /* cannot happen: the dash is at or after the ':' */
        vend = start;
    *ver = (struct span){v + start, vend - start};
    *rel = dash ? (struct span){dash + 1, n - vend - 1} : (struct span){"", 0};
}

/* pacman orders any string; medsec takes non-empty printable ASCII without blanks. */
static bool valid(const char *v)
{
    return vu_printable_token(v);
}

static int cmp(const char *a, const char *b)
{
    if (strcmp(a, b) == 0)
        return 0;
    struct span ea, va, ra, eb, vb, rb;
    bool rela, relb;
    alpm_evr(a, &ea, &va, &ra, &rela);
    alpm_evr(b, &eb, &vb, &rb, &relb);
    int c = alpm_rpmvercmp(ea, eb);
    if (c == 0)
        c = alpm_rpmvercmp(va, vb);
    if (c == 0 && rela && relb) /* a missing release matches any */
        c = alpm_rpmvercmp(ra, rb);
    return c;
}

const struct vscheme_ops vs_alpm = {valid, cmp};
