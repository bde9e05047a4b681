/* vutil.c: the SemVer-style pieces (core numbers, prerelease, build metadata) schemes share. */
#include <string.h>

#include "vutil.h"

int vu_numlist_cmp(const char *const *a, const size_t *alen, size_t na, const char *const *b,
                   const size_t *blen, size_t nb)
{
    size_t n = na > nb ? na : nb;
    for (size_t k = 0; k < n; k++) {
        int c = vu_numcmp(k < na ? a[k] : NULL, k < na ? alen[k] : 0, k < nb ? b[k] : NULL,
                          k < nb ? blen[k] : 0);
        if (c)
            return c;
    }
    return 0;
}

int vu_precmp(const char *a, size_t na, const char *b, size_t nb, bool fold)
{
    if (!na || !nb)
        return na ? -1 : nb ? 1 : 0;
    size_t i = 0, j = 0;
    for (;;) {
        if (i >= na || j >= nb)
            return i < na ? 1 : j < nb ? -1 : 0;
        size_t ie = i, je = j;
        while (ie < na && a[ie] != '.')
            ie++;
        while (je < nb && b[je] != '.')
            je++;
        bool an = vu_all_digits(a + i, ie - i), bn = vu_all_digits(b + j, je - j);
        int c;
        if (an && bn)
            c = vu_numcmp(a + i, ie - i, b + j, je - j);
        else if (an)
            c = -1;
        else if (bn)
            c = 1;
        else
            c = vu_strcmp(a + i, ie - i, b + j, je - j, fold);
        if (c)
            return c;
        if (ie == na && je == nb)
            return 0;
        if (ie == na)
            return -1;
        if (je == nb)
            return 1;
        i = ie + 1;
        j = je + 1;
    }
}

bool vu_pre_ok(const char *s, size_t n, bool strict)
{
    if (!vu_idents(s, n))
        return false;
    if (strict) {
        size_t st = 0;
        for (size_t i = 0; i <= n; i++)
            if (i == n || s[i] == '.') {
                if (i - st > 1 && s[st] == '0' && vu_all_digits(s + st, i - st))
                    return false;
                st = i + 1;
            }
    }
    return true;
}

bool vu_build_split(const char *s, size_t i, size_t n, size_t *end)
{
    const char *plus = memchr(s + i, '+', n - i);
    *end = plus ? (size_t)(plus - s) : n;
    return !plus || vu_idents(plus + 1, n - *end - 1);
}

bool vu_semver_tail(const char *s, size_t i, size_t n, bool strict, const char **pre,
                    size_t *prelen)
{
    size_t end;
    *pre = NULL;
    *prelen = 0;
    if (!vu_build_split(s, i, n, &end))
        return false;
    if (i == end)
        return true;
    if (s[i] != '-' || !vu_pre_ok(s + i + 1, end - i - 1, strict))
        return false;
    *pre = s + i + 1;
    *prelen = end - i - 1;
    return true;
}
