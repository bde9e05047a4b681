/* vutil.h (internal): small helpers shared by the version schemes: digit-string numbers and identifiers. */
#ifndef MEDSEC_VERSION_VUTIL_H
#define MEDSEC_VERSION_VUTIL_H

#include <stdbool.h>
#include <stddef.h>

/* Longest version string any scheme accepts; longer input is invalid (no heap, bounded work). */
#define VU_MAX_LEN 256

static inline bool vu_digit(int c)
{
    return c >= '0' && c <= '9';
}

static inline bool vu_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline bool vu_alnum(int c)
{
    return vu_digit(c) || vu_alpha(c);
}

static inline int vu_lower(int c)
{
    return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static inline bool vu_space(int c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static inline bool vu_all_digits(const char *s, size_t n)
{
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!vu_digit((unsigned char)s[i]))
            return false;
    return true;
}

/* Compare two unsigned decimal digit strings of any length by value (leading zeros ignored). */
static inline int vu_numcmp(const char *a, size_t na, const char *b, size_t nb)
{
    while (na > 0 && *a == '0') {
        a++;
        na--;
    }
    while (nb > 0 && *b == '0') {
        b++;
        nb--;
    }
    if (na != nb)
        return na < nb ? -1 : 1;
    for (size_t i = 0; i < na; i++)
        if (a[i] != b[i])
            return (unsigned char)a[i] < (unsigned char)b[i] ? -1 : 1;
    return 0;
}

/* True when the digit string is zero. */
static inline bool vu_numzero(const char *a, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (a[i] != '0')
            return false;
    return true;
}

/* Byte-wise compare of two strings of given lengths; @fold compares ASCII case-insensitively. */
static inline int vu_strcmp(const char *a, size_t na, const char *b, size_t nb, bool fold)
{
    size_t n = na < nb ? na : nb;
    for (size_t i = 0; i < n; i++) {
        int ca = (unsigned char)a[i], cb = (unsigned char)b[i];
        if (fold) {
            ca = vu_lower(ca);
            cb = vu_lower(cb);
        }
        if (ca != cb)
            return ca < cb ? -1 : 1;
    }
    return na == nb ? 0 : na < nb ? -1 : 1;
}

/* Parse a digit string into *out; false when it does not fit below @max. */
static inline bool vu_u64(const char *s, size_t n, unsigned long long max, unsigned long long *out)
{
    unsigned long long v = 0;
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        if (!vu_digit((unsigned char)s[i]))
            return false;
        unsigned d = (unsigned)(s[i] - '0');
        if (v > (max - d) / 10)
            return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

/*
 * SemVer 2.0 precedence of two dot-separated prerelease strings (without the '-'): numeric
 * identifiers compare by value and sort before alphanumeric ones, which compare byte-wise
 * (ASCII case-insensitively with @fold); a shorter list that is a prefix sorts first.
 * @num_max > 0 treats digit runs above it as alphanumeric (node-semver keeps unsafe integers as strings).
 */
static inline int vu_precmp(const char *a, size_t na, const char *b, size_t nb, bool fold,
                            unsigned long long num_max)
{
    size_t i = 0, j = 0;
    for (;;) {
        if (i >= na && j >= nb)
            return 0;
        if (i >= na)
            return -1;
        if (j >= nb)
            return 1;
        size_t ie = i, je = j;
        while (ie < na && a[ie] != '.')
            ie++;
        while (je < nb && b[je] != '.')
            je++;
        bool an = vu_all_digits(a + i, ie - i), bn = vu_all_digits(b + j, je - j);
        unsigned long long tmp;
        if (num_max) {
            if (an && !vu_u64(a + i, ie - i, num_max, &tmp))
                an = false;
            if (bn && !vu_u64(b + j, je - j, num_max, &tmp))
                bn = false;
        }
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
        i = ie < na ? ie + 1 : ie;
        j = je < nb ? je + 1 : je;
        if (ie == na && je == nb)
            return 0;
        if (ie == na)
            return -1;
        if (je == nb)
            return 1;
    }
}

/* True when s[0..n) is a non-empty dot-separated list of non-empty [0-9A-Za-z-] identifiers. */
static inline bool vu_idents(const char *s, size_t n)
{
    if (n == 0 || s[0] == '.' || s[n - 1] == '.')
        return false;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '.') {
            if (s[i + 1] == '.')
                return false;
        } else if (!vu_alnum(c) && c != '-')
            return false;
    }
    return true;
}

#endif
