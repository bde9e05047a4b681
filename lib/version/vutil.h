/*
 * vutil.h (internal): helpers shared by the version schemes: character classes, trimming,
 * digit-string numbers, identifiers, a bounded writer, and (vutil.c) the SemVer-style core,
 * prerelease and build pieces.
 */
#ifndef MEDSEC_VERSION_VUTIL_H
#define MEDSEC_VERSION_VUTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

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

/* Strip the blanks (vu_space) around s[0..*n): *s and *n move inwards. */
static inline void vu_trim(const char **s, size_t *n)
{
    while (*n > 0 && vu_space((unsigned char)**s)) {
        (*s)++;
        (*n)--;
    }
    while (*n > 0 && vu_space((unsigned char)(*s)[*n - 1]))
        (*n)--;
}

/* A non-empty run of at most VU_MAX_LEN printable ASCII characters without blanks: what medsec
 * takes as a version of a scheme whose own comparator orders any text (alpm, conan). */
static inline bool vu_printable_token(const char *v)
{
    size_t n = strnlen(v, VU_MAX_LEN + 1);
    if (n == 0 || n > VU_MAX_LEN)
        return false;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
            return false;
    return true;
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

/*
 * Compare two unsigned decimal digit strings of any length by value (leading zeros ignored; an
 * empty string, even a NULL one, is 0).
 */
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

/*
 * A bounded text writer, as snprintf: bytes go into p[0..cap - 1) (room is kept for the NUL the
 * caller writes), len counts all of them, so the caller learns the size it would have needed.
 */
struct vu_out {
    char *p;
    size_t cap, len;
};

static inline void vu_put(struct vu_out *o, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (o->len + 1 < o->cap)
            o->p[o->len] = s[i];
        o->len++;
    }
}

/* ---- vutil.c: the SemVer-style pieces several schemes share ---- */

/* Compare two lists of digit strings element by element, by value; a missing one counts as 0. */
int vu_numlist_cmp(const char *const *a, const size_t *alen, size_t na, const char *const *b,
                   const size_t *blen, size_t nb);

/*
 * SemVer 2.0 precedence of two prereleases (dot-separated, without the '-'); an empty one is the
 * release, which sorts above all of its prereleases. Numeric identifiers compare by value and
 * sort before alphanumeric ones, which compare byte-wise (ASCII case-insensitively with @fold);
 * a shorter list that is a prefix sorts first.
 */
int vu_precmp(const char *a, size_t na, const char *b, size_t nb, bool fold);

/*
 * True when s[0..n) is a prerelease: identifiers as vu_idents; @strict also refuses numeric
 * identifiers with a leading zero ("01"), as the SemVer 2.0 grammar does.
 */
bool vu_pre_ok(const char *s, size_t n, bool strict);

/*
 * Build metadata: the text after the first '+' in s[i..n) must be a list of [0-9A-Za-z-]
 * identifiers (vu_idents). *end is where the version before it ends (n when there is no '+').
 */
bool vu_build_split(const char *s, size_t i, size_t n, size_t *end);

/*
 * The "[-prerelease][+build]" that ends a SemVer-style version at s[i..n): build metadata as
 * vu_build_split, before it nothing, or '-' and a prerelease (vu_pre_ok with @strict). *pre and
 * *prelen (0 for a release) point into @s.
 */
bool vu_semver_tail(const char *s, size_t i, size_t n, bool strict, const char **pre,
                    size_t *prelen);

#endif
