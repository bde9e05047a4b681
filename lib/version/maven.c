/* maven.c: the "maven" scheme: Maven ComparableVersion ordering (maven-artifact 3.8), and Maven
 * version ranges. */
#include <string.h>

#include "medsec/vrange.h"
#include "schemes.h"
#include "vutil.h"

/*
 * ComparableVersion parses into nested lists: '.' separates items, '-' (and a digit/letter
 * transition) opens a sub-list that is the last element of the current one, so the tree is a
 * chain of levels. We keep the chain flat: each item records its level; a level's sub-list is
 * the next level. Trailing "null" items (0, "", ga, final, empty lists) are removed per level.
 */
#define MV_MAX_ITEMS 64

enum { MV_NUM, MV_STR };

struct mitem {
    const char *s;
    unsigned short n;
    unsigned char kind;
    unsigned char level;
    signed char qual; /* MV_STR: index in the known-qualifier list, -1 unknown */
};

struct mver {
    struct mitem it[MV_MAX_ITEMS];
    size_t n;                    /* items, in level order (levels are contiguous) */
    size_t lo[MV_MAX_ITEMS + 1]; /* items of level l: it[lo[l] .. hi[l]) */
    size_t hi[MV_MAX_ITEMS + 1];
    size_t nlevels; /* non-empty levels after normalisation */
};

static const char *const quals[] = {"alpha", "beta", "milestone", "rc", "snapshot", "", "sp"};
#define MV_RELEASE 5

static int qualifier(const char *s, size_t n, bool followed_by_digit)
{
    if (followed_by_digit && n == 1) {
        int c = vu_lower((unsigned char)s[0]);
        if (c == 'a')
            return 0;
        if (c == 'b')
            return 1;
        if (c == 'm')
            return 2;
    }
    if (vu_strcmp(s, n, "ga", 2, true) == 0 || vu_strcmp(s, n, "final", 5, true) == 0 ||
        vu_strcmp(s, n, "release", 7, true) == 0)
        return MV_RELEASE;
    if (vu_strcmp(s, n, "cr", 2, true) == 0)
        return 3;
    for (int i = 0; i < 7; i++)
        if (vu_strcmp(s, n, quals[i], strlen(quals[i]), true) == 0)
            return i;
    return -1;
}

static bool mv_add(struct mver *v, const char *s, size_t n, int kind, size_t level, bool digit_next)
{
    if (v->n == MV_MAX_ITEMS || level > 255)
        return false;
    struct mitem *it = &v->it[v->n++];
    it->s = s;
    it->n = (unsigned short)n;
    it->kind = (unsigned char)kind;
    it->level = (unsigned char)level;
    it->qual = (signed char)(kind == MV_STR ? qualifier(s, n, digit_next) : 0);
    return true;
}

static bool item_null(const struct mitem *it)
{
    return it->kind == MV_NUM ? vu_numzero(it->s, it->n) : it->qual == MV_RELEASE;
}

static bool mv_parse_n(const char *s, size_t len, struct mver *v)
{
    v->n = 0;
    v->nlevels = 0;
    if (len == 0 || len > VU_MAX_LEN)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return false;
    size_t level = 0, start = 0;
    bool digit = false;
    for (size_t i = 0; i < len; i++) {
        int c = (unsigned char)s[i];
        if (c == '.' || c == '-') {
            bool ok = i == start
                          ? mv_add(v, "0", 1, MV_NUM, level, false)
                          : mv_add(v, s + start, i - start, digit ? MV_NUM : MV_STR, level, false);
            if (!ok)
                return false;
            start = i + 1;
            if (c == '-')
                level++;
        } else if (vu_digit(c)) {
            if (!digit && i > start) {
                /* 1.0.0.X1 < 1.0.0-X2: a qualifier after '.' opens a sub-list like '-' */
                if (v->n > 0 && v->it[v->n - 1].level == level)
                    level++;
                if (!mv_add(v, s + start, i - start, MV_STR, level, true))
                    return false;
                start = i;
                level++;
            }
            digit = true;
        } else {
            if (digit && i > start) {
                if (!mv_add(v, s + start, i - start, MV_NUM, level, false))
                    return false;
                start = i;
                level++;
            }
            digit = false;
        }
    }
    if (len > start) {
        if (!digit && v->n > 0 && v->it[v->n - 1].level == level)
            level++;
        if (!mv_add(v, s + start, len - start, digit ? MV_NUM : MV_STR, level, false))
            return false;
    }
    /* normalise from the innermost level out: drop trailing null items of each level; a level
     * left without items and without a non-empty sub-list disappears from its parent */
    size_t levels = level + 1, idx = 0;
    for (size_t l = 0; l < levels; l++) {
        v->lo[l] = idx;
        while (idx < v->n && v->it[idx].level == l)
            idx++;
        v->hi[l] = idx;
    }
    size_t keep = levels;
    for (size_t l = levels; l-- > 0;) {
        while (v->hi[l] > v->lo[l] && item_null(&v->it[v->hi[l] - 1]))
            v->hi[l]--;
        if (v->hi[l] == v->lo[l] && keep == l + 1)
            keep = l;
    }
    v->nlevels = keep;
    return true;
}

/* Element kinds when comparing lists: a scalar item, the sub-list, or nothing. */
enum { E_NONE, E_NUM, E_STR, E_LIST };

static int qual_cmp(const struct mitem *a, const struct mitem *b)
{
    if (a->qual >= 0 && b->qual >= 0)
        return a->qual < b->qual ? -1 : a->qual > b->qual;
    if (a->qual >= 0 || b->qual >= 0)
        return a->qual >= 0 ? -1 : 1;
    return vu_strcmp(a->s, a->n, b->s, b->n, true);
}

static int list_cmp(const struct mver *a, size_t la, const struct mver *b, size_t lb);

/* Element @k of level @l: kind and item. */
static int elem(const struct mver *v, size_t l, size_t k, const struct mitem **it)
{
    if (l >= v->nlevels)
        return E_NONE;
    size_t cnt = v->hi[l] - v->lo[l];
    if (k < cnt) {
        *it = &v->it[v->lo[l] + k];
        return (*it)->kind == MV_NUM ? E_NUM : E_STR;
    }
    if (k == cnt && l + 1 < v->nlevels)
        return E_LIST;
    return E_NONE;
}

/* x.compareTo(null) for element x */
static int vs_null(const struct mver *v, size_t l, int kind, const struct mitem *it)
{
    switch (kind) {
    case E_NUM: return vu_numzero(it->s, it->n) ? 0 : 1;
    case E_STR: return it->qual >= 0 ? (it->qual < MV_RELEASE ? -1 : it->qual > MV_RELEASE) : 1;
    case E_LIST: /* the first element that is not null decides (maven-artifact 3.8) */
        for (size_t k = 0;; k++) {
            const struct mitem *f = NULL;
            int fk = elem(v, l + 1, k, &f);
            if (fk == E_NONE)
                return 0;
            int c = vs_null(v, l + 1, fk, f);
            if (c)
                return c;
        }
    }
    return 0;
}

static int elem_cmp(const struct mver *a, size_t la, int ka, const struct mitem *x,
                    const struct mver *b, size_t lb, int kb, const struct mitem *y)
{
    if (ka == E_NONE)
        return kb == E_NONE ? 0 : -vs_null(b, lb, kb, y);
    if (kb == E_NONE)
        return vs_null(a, la, ka, x);
    if (ka == E_NUM)
        return kb == E_NUM ? vu_numcmp(x->s, x->n, y->s, y->n) : 1;
    if (ka == E_STR)
        return kb == E_STR ? qual_cmp(x, y) : -1;
    /* list */
    if (kb == E_NUM)
        return -1;
    if (kb == E_STR)
        return 1;
    return list_cmp(a, la + 1, b, lb + 1);
}

static int list_cmp(const struct mver *a, size_t la, const struct mver *b, size_t lb)
{
    for (size_t k = 0;; k++) {
        const struct mitem *x = NULL, *y = NULL;
        int ka = elem(a, la, k, &x), kb = elem(b, lb, k, &y);
        if (ka == E_NONE && kb == E_NONE)
            return 0;
        int c = elem_cmp(a, la, ka, x, b, lb, kb, y);
        if (c)
            return c;
    }
}

static bool mv_parse(const char *s, struct mver *v)
{
    return mv_parse_n(s, strnlen(s, VU_MAX_LEN + 1), v);
}

static bool valid(const char *s)
{
    struct mver v;
    return mv_parse(s, &v);
}

static int mv_cmp(const struct mver *a, const struct mver *b)
{
    return list_cmp(a, 0, b, 0);
}

static int cmp(const char *a, const char *b)
{
    struct mver x, y;
    if (!mv_parse(a, &x) || !mv_parse(b, &y))
        return 0;
    return mv_cmp(&x, &y);
}

const struct vscheme_ops vs_maven = {valid, cmp};

/* ---- Maven version ranges ---- */

medsec_err medsec_maven_range_contains(const char *range, const char *version, bool *out,
                                       struct medsec_error *err)
{
    *out = false;
    struct mver v;
    if (!version || !mv_parse(version, &v))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "'%s' is not a valid Maven version",
                                version ? version : "(null)");
    if (!range || strnlen(range, 4097) > 4096)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "range longer than 4096 bytes");
    const char *p = range;
    size_t n = strlen(range);
    vu_trim(&p, &n);
    if (strlen(range) == 0)
        return MEDSEC_OK; /* VersionRange("") contains nothing */
    if (n == 0 || (p[0] != '[' && p[0] != '(')) {
        *out = true; /* a soft requirement ("1.0") restricts nothing */
        return MEDSEC_OK;
    }
    bool found = false, have_prev_upper = false;
    struct mver prev_upper;
    size_t i = 0;
    while (i < n) {
        if (p[i] != '[' && p[i] != '(')
            return medsec_error_set(
                err, MEDSEC_EPARSE, NULL, 0, 0,
                "only fully-qualified sets allowed in multiple set scenario: '%s'", range);
        bool lo_inc = p[i] == '[';
        size_t j = i + 1;
        while (j < n && p[j] != ']' && p[j] != ')')
            j++;
        if (j == n)
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "unbounded range: '%s'", range);
        bool hi_inc = p[j] == ']';
        const char *in = p + i + 1;
        size_t inl = j - i - 1;
        const char *comma = memchr(in, ',', inl);
        struct mver lo, hi;
        bool has_lo = false, has_hi = false;
        if (!comma) {
            const char *t = in;
            size_t tn = inl;
            vu_trim(&t, &tn);
            if (!lo_inc || !hi_inc || tn == 0 || !mv_parse_n(t, tn, &lo))
                return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                        "single version must be surrounded by []: '%s'", range);
            hi = lo;
            has_lo = has_hi = true;
        } else {
            const char *a = in, *b = comma + 1;
            size_t an = (size_t)(comma - in), bn = inl - an - 1;
            vu_trim(&a, &an);
            vu_trim(&b, &bn);
            if (an) {
                if (!mv_parse_n(a, an, &lo))
                    return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "invalid range: '%s'",
                                            range);
                has_lo = true;
            }
            if (bn) {
                if (!mv_parse_n(b, bn, &hi))
                    return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "invalid range: '%s'",
                                            range);
                has_hi = true;
            }
            if (has_lo && has_hi && mv_cmp(&hi, &lo) < 0)
                return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                        "range defies version ordering: '%s'", range);
        }
        if (have_prev_upper && has_lo && mv_cmp(&lo, &prev_upper) < 0)
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "ranges overlap: '%s'", range);
        have_prev_upper = has_hi;
        if (has_hi)
            prev_upper = hi;
        bool ok = true;
        if (has_lo) {
            int c = mv_cmp(&v, &lo);
            ok = lo_inc ? c >= 0 : c > 0;
        }
        if (ok && has_hi) {
            int c = mv_cmp(&v, &hi);
            ok = hi_inc ? c <= 0 : c < 0;
        }
        found = found || ok;
        i = j + 1;
        while (i < n && vu_space((unsigned char)p[i]))
            i++;
        if (i < n && p[i] == ',') {
            i++;
            while (i < n && vu_space((unsigned char)p[i]))
                i++;
            if (i == n)
                return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "invalid range: '%s'",
                                        range);
        }
    }
    *out = found;
    return MEDSEC_OK;
}
