/*
 * conan.c: Conan 2 versions and version ranges, as conan/internal/model/version.py and
 * version_range.py define them: dotted items compared as integers when Python's int() reads them
 * and as text otherwise, a pre-release after the first "-", build metadata after the last "+", and
 * the range syntax "[>=1.0 <2.0 || ~1.2 || ^1.2, include_prerelease]".
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "medsec/vrange.h"
#include "schemes.h"
#include "vutil.h"

#define CONAN_ITEMS 64
#define CONAN_RANGE_MAX 1024

/* One dotted item: an integer (sign and canonical digits) or a text. */
struct citem {
    bool is_int, neg;
    const char *s; /* the digits without leading zeros or "_" (int), or the text */
    size_t n;
};

/* The items of the main part, the pre-release or the build; nz = count without trailing zeros. */
struct cpart {
    bool present;
    struct citem it[CONAN_ITEMS];
    size_t n, nz;
};

struct cver {
    struct cpart main, pre, build;
    char digits[VU_MAX_LEN + 8]; /* canonical digit strings of the integer items */
    size_t used;
};

/* Python's int() on an item: [+-]?digit(_?digit)*; the digits go to v->digits. */
static bool item_int(struct cver *v, const char *s, size_t n, struct citem *it)
{
    size_t i = 0;
    bool neg = false;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        neg = s[i++] == '-';
    if (i == n || !vu_digit((unsigned char)s[i]))
        return false;
    char *d = v->digits + v->used;
    size_t k = 0;
    for (; i < n; i++) {
        if (s[i] == '_' && i + 1 < n && vu_digit((unsigned char)s[i + 1]) &&
            vu_digit((unsigned char)s[i - 1]))
            continue;
        if (!vu_digit((unsigned char)s[i]))
            return false;
        if (k > 0 || s[i] != '0')
            d[k++] = s[i];
    }
    v->used += k;
    *it = (struct citem){true, neg && k > 0, d, k};
    return true;
}

/* Split s[0..n) at "." into @p. False past CONAN_ITEMS items. */
static bool part_parse(struct cver *v, const char *s, size_t n, struct cpart *p)
{
    p->present = true;
    p->n = 0;
    for (size_t start = 0;;) {
        size_t e = start;
        while (e < n && s[e] != '.')
            e++;
        if (p->n == CONAN_ITEMS)
            return false;
        struct citem *it = &p->it[p->n++];
        if (!item_int(v, s + start, e - start, it))
            *it = (struct citem){false, false, s + start, e - start};
        if (e == n)
            break;
        start = e + 1;
    }
    p->nz = p->n;
    while (p->nz > 0 && p->it[p->nz - 1].is_int && p->it[p->nz - 1].n == 0)
        p->nz--;
    return true;
}

/* Version(s): build after the last "+", then the pre-release after the first "-". */
static bool conan_parse(const char *s, size_t n, struct cver *v)
{
    if (n > VU_MAX_LEN)
        return false;
    v->used = 0;
    v->pre.present = v->build.present = false;
    v->pre.n = v->build.n = v->pre.nz = v->build.nz = 0;
    const char *plus = NULL;
    for (size_t i = 0; i < n; i++)
        if (s[i] == '+')
            plus = s + i;
    size_t mn = n;
    if (plus) {
        mn = (size_t)(plus - s);
        if (!part_parse(v, plus + 1, n - mn - 1, &v->build))
            return false;
    }
    const char *dash = memchr(s, '-', mn);
    if (dash) {
        size_t dn = (size_t)(dash - s);
        if (!part_parse(v, dash + 1, mn - dn - 1, &v->pre))
            return false;
        mn = dn;
    }
    return part_parse(v, s, mn, &v->main);
}

static int bytes_cmp(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    if (c)
        return c < 0 ? -1 : 1;
    return (na > nb) - (na < nb);
}

/* _VersionItem order: numbers by value, texts by code point, an int against a text by str(int). */
static int item_cmp(const struct citem *a, const struct citem *b)
{
    if (a->is_int && b->is_int) {
        if (a->neg != b->neg)
            return a->neg ? -1 : 1;
        int c = vu_numcmp(a->s, a->n, b->s, b->n);
        return a->neg ? -c : c;
    }
    if (!a->is_int && !b->is_int)
        return bytes_cmp(a->s, a->n, b->s, b->n);
    /* str(int) against the text; the two are never equal (the text is not a number) */
    const struct citem *i = a->is_int ? a : b, *t = a->is_int ? b : a;
    char buf[VU_MAX_LEN + 8];
    size_t k = 0;
    if (i->neg)
        buf[k++] = '-';
    if (i->n == 0)
        buf[k++] = '0';
    memcpy(buf + k, i->s, i->n);
    k += i->n;
    int c = bytes_cmp(buf, k, t->s, t->n);
    if (c == 0)
        c = -1; /* unreachable */
    return a->is_int ? c : -c;
}

/* Python tuple order of the items without trailing zeros. */
static int part_cmp(const struct cpart *a, const struct cpart *b)
{
    size_t i = 0;
    for (; i < a->nz && i < b->nz; i++) {
        int c = item_cmp(&a->it[i], &b->it[i]);
        if (c)
            return c;
    }
    return (a->nz > b->nz) - (a->nz < b->nz);
}

/* A missing build or pre-release (None) sorts before a present one. */
static int opt_cmp(const struct cpart *a, const struct cpart *b)
{
    if (a->present != b->present)
        return a->present ? 1 : -1;
    return a->present ? part_cmp(a, b) : 0;
}

/* Version.__lt__ */
static bool conan_lt(const struct cver *a, const struct cver *b)
{
    int m = part_cmp(&a->main, &b->main);
    if (a->pre.present != b->pre.present) /* a pre-release before the same release */
        return m == 0 ? a->pre.present : m < 0;
    if (m)
        return m < 0;
    int c = opt_cmp(&a->pre, &b->pre);
    if (c)
        return c < 0;
    return opt_cmp(&a->build, &b->build) < 0;
}

static int conan_cmp(const struct cver *a, const struct cver *b)
{
    return conan_lt(a, b) ? -1 : conan_lt(b, a) ? 1 : 0;
}

/* Conan's Version orders any text; medsec takes non-empty printable ASCII without blanks, at most
 * 256 bytes. (Conan's reference check, [A-Za-z0-9_][A-Za-z0-9_+.-]{1,100}, is stricter, but the
 * version comparisons of its own tests use "1.1*" and "1.3.*".) */
static bool valid(const char *v)
{
    return vu_printable_token(v);
}

static int cmp(const char *a, const char *b)
{
    struct cver x, y;
    if (!conan_parse(a, strlen(a), &x) || !conan_parse(b, strlen(b), &y))
        return 0;
    return conan_cmp(&x, &y);
}

const struct vscheme_ops vs_conan = {valid, cmp};

/* ---- version ranges (VersionRange) ---- */

enum cop { C_EQ, C_GT, C_GE, C_LT, C_LE };

/* Does @v satisfy one condition "op text" (_Condition: ">=" and "<" without "-" or "+" in the
 * text get a "-", which keeps or drops the pre-releases of that version)? */
static bool cond_holds(const struct cver *v, enum cop op, const char *text, size_t n, bool *bad)
{
    char buf[VU_MAX_LEN + 2];
    if (n > VU_MAX_LEN) {
        *bad = true;
        return false;
    }
    memcpy(buf, text, n);
    if ((op == C_GE || op == C_LT) && !memchr(text, '-', n) && !memchr(text, '+', n))
        buf[n++] = '-';
    struct cver c;
    if (!conan_parse(buf, n, &c)) {
        *bad = true;
        return false;
    }
    int r = conan_cmp(v, &c);
    switch (op) {
    case C_GT: return r > 0;
    case C_GE: return r >= 0;
    case C_LT: return r < 0;
    case C_LE: return r <= 0;
    default: return r == 0;
    }
}

/* Version.upper_bound(index) as text: the main items up to @index, that one plus 1, then "-".
 * False when the item is not an integer (or there is none). */
static bool upper_bound(const struct cver *b, size_t index, char *out, size_t cap)
{
    if (index >= b->main.n || !b->main.it[index].is_int || b->main.it[index].neg)
        return false;
    size_t k = 0;
    for (size_t i = 0; i <= index; i++) {
        const struct citem *it = &b->main.it[i];
        char num[VU_MAX_LEN + 8];
        size_t nn = 0;
        if (it->is_int) {
            if (it->neg)
                num[nn++] = '-';
            if (it->n == 0)
                num[nn++] = '0';
            memcpy(num + nn, it->s, it->n);
            nn += it->n;
        } else {
            memcpy(num, it->s, it->n);
            nn = it->n;
        }
        if (i == index) { /* + 1 on the decimal digits (non-negative) */
            if (it->n == 0) {
                num[0] = '1';
                nn = 1;
            } else {
                size_t j = nn;
                while (j > 0 && num[j - 1] == '9')
                    num[--j] = '0';
                if (j == 0) {
                    memmove(num + 1, num, nn++);
                    num[0] = '1';
                } else {
                    num[j - 1]++;
                }
            }
        }
        if (k + nn + 2 >= cap)
            return false;
        if (i > 0)
            out[k++] = '.';
        memcpy(out + k, num, nn);
        k += nn;
    }
    out[k++] = '-';
    out[k] = '\0';
    return true;
}

/* One expression of a condition set; *ok is false when @v fails it. MEDSEC_EPARSE for Conan's
 * errors. */
static medsec_err expr_eval(const struct cver *v, const char *e, size_t n, bool *ok,
                            struct medsec_error *err)
{
    if (n == 0 || (n == 1 && e[0] == '*')) {
        bool bad = false;
        *ok = *ok && cond_holds(v, C_GE, "0.0.0", 5, &bad);
        return MEDSEC_OK;
    }
    if (n == 1)
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                "error parsing version range \"%.*s\"", (int)n, e);
    char op = e[0];
    size_t idx = 1;
    enum cop cop = C_EQ;
    if (!strchr("><^~=", op)) {
        op = '=';
        idx = 0;
    }
    if (op == '>' || op == '<') {
        cop = op == '>' ? C_GT : C_LT;
        if (e[1] == '=') {
            cop = op == '>' ? C_GE : C_LE;
            idx = 2;
        }
    } else if (e[1] == '=') {
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                "invalid version range operator '%c=' in %.*s", op, (int)n, e);
    }
    const char *ver = e + idx;
    size_t vn = n - idx;
    if (vn == 0)
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                "error parsing version range \"%.*s\"", (int)n, e);
    if (vn > VU_MAX_LEN)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "version in range too long");
    bool bad = false, in = true;
    if (op == '~' || op == '^') {
        char low[VU_MAX_LEN + 2], high[VU_MAX_LEN + 16];
        memcpy(low, ver, vn);
        size_t ln = vn;
        if (op == '~' && !memchr(ver, '-', vn))
            low[ln++] = '-'; /* ~ keeps the pre-releases of its version */
        low[ln] = '\0';
        struct cver b;
        if (!conan_parse(low, ln, &b))
            return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "version in range too long");
        size_t index = 0;
        if (op == '~') {
            index = b.main.n > 1 ? 1 : 0;
        } else {
            while (index < b.main.n && b.main.it[index].is_int && b.main.it[index].n == 0)
                index++; /* the first item that is not 0 */
        }
        if (!upper_bound(&b, index, high, sizeof high))
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                    "cannot bump '%.*s' at index %zu, not an int", (int)vn, ver,
                                    index);
        in = cond_holds(v, C_GE, low, ln, &bad) && cond_holds(v, C_LT, high, strlen(high), &bad);
    } else {
        in = cond_holds(v, cop, ver, vn, &bad);
    }
    if (bad)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "version in range too long");
    *ok = *ok && in;
    return MEDSEC_OK;
}

static bool py_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

medsec_err medsec_conan_range_contains(const char *range, const char *version,
                                       enum medsec_conan_pre pre, bool *out,
                                       struct medsec_error *err)
{
    *out = false;
    size_t n = strnlen(range, CONAN_RANGE_MAX + 1);
    if (n > CONAN_RANGE_MAX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "version range too long");
    const char *r = range;
    if (n >= 2 && r[0] == '[' && r[n - 1] == ']') {
        r++;
        n -= 2;
    }
    struct cver v;
    size_t vl = strnlen(version, VU_MAX_LEN + 1);
    if (!valid(version) || !conan_parse(version, vl, &v))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "'%s' is not a valid conan version",
                                version);
    /* options after the first ",": include_prerelease, or a word (ignored with a warning) */
    const char *comma = memchr(r, ',', n);
    size_t en = comma ? (size_t)(comma - r) : n;
    bool include = false;
    for (const char *t = comma; t && !include;) {
        const char *s = t + 1, *end = r + n;
        const char *next = memchr(s, ',', (size_t)(end - s));
        size_t tn = (size_t)((next ? next : end) - s);
        bool has = false;
        for (size_t i = 0; i + 18 <= tn; i++)
            if (memcmp(s + i, "include_prerelease", 18) == 0)
                has = true;
        if (has) {
            include = true;
            break;
        }
        while (tn > 0 && py_space(*s)) {
            s++;
            tn--;
        }
        if (tn == 0 || !vu_alpha((unsigned char)s[0]))
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                    "\"%.*s\" in version range is not a valid option", (int)tn, s);
        t = next;
    }
    bool pre_ok = pre == MEDSEC_CONAN_PRE_INCLUDE || (pre == MEDSEC_CONAN_PRE_AUTO && include);
    bool any = false;
    /* alternatives split at "||", expressions at blanks; every one is parsed (errors anywhere) */
    for (size_t a = 0; a <= en;) {
        size_t b = a;
        while (b < en && !(r[b] == '|' && b + 1 < en && r[b + 1] == '|'))
            b++;
        bool ok = !v.pre.present || pre_ok;
        bool none = true;
        for (size_t i = a; i < b;) {
            while (i < b && py_space(r[i]))
                i++;
            size_t j = i;
            while (j < b && !py_space(r[j]))
                j++;
            if (j > i) {
                none = false;
                medsec_err rc = expr_eval(&v, r + i, j - i, &ok, err);
                if (rc)
                    return rc;
            }
            i = j;
        }
        if (none) {
            medsec_err rc = expr_eval(&v, "", 0, &ok, err);
            if (rc)
                return rc;
        }
        any = any || ok;
        if (b >= en)
            break;
        a = b + 2;
    }
    *out = any;
    return MEDSEC_OK;
}
