/* gem.c: the "gem" scheme: RubyGems Gem::Version syntax and ordering (rubygems 3.3), and
 * Gem::Requirement. */
#include <string.h>

#include "medsec/vrange.h"
#include "schemes.h"
#include "vutil.h"

/*
 * Syntax: \s*([0-9]+(\.[0-9a-zA-Z]+)*(-[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?)?\s* (blank = "0").
 * Ordering: "-" becomes ".pre.", the string is split into runs of digits and runs of letters;
 * trailing zeros are dropped from the numeric head and from the part from the first letter run
 * on; segments compare pairwise (missing = 0), a letter run sorts below any number, letter runs
 * compare byte-wise.
 */
#define GEM_MAX_SEG 64

struct gseg {
    const char *s;
    size_t n;
    bool num;
};

struct gver {
    struct gseg seg[GEM_MAX_SEG];
    size_t nseg;
};

/* Trim the blanks around s[0..*n) and check the Gem::Version syntax of what is left. */
static bool gem_syntax(const char **s, size_t *n)
{
    vu_trim(s, n);
    const char *t = *s;
    size_t i = 0, e = *n;
    if (i == e)
        return true;
    if (!vu_digit((unsigned char)t[i]))
        return false;
    while (i < e && vu_digit((unsigned char)t[i]))
        i++;
    while (i < e && t[i] == '.') {
        size_t st = ++i;
        while (i < e && vu_alnum((unsigned char)t[i]))
            i++;
        if (i == st)
            return false;
    }
    if (i < e && t[i] == '-')
        return vu_idents(t + i + 1, e - i - 1);
    return i == e;
}

static void add(struct gver *v, const char *s, size_t n, bool num)
{
    if (v->nseg < GEM_MAX_SEG)
        v->seg[v->nseg] = (struct gseg){s, n, num};
    v->nseg++;
}

/* _segments: runs of digits and runs of letters, "-" read as ".pre."; false above GEM_MAX_SEG. */
static bool gem_split(const char *s, size_t n, struct gver *v)
{
    v->nseg = 0;
    for (size_t i = 0; i < n;) {
        int c = (unsigned char)s[i];
        size_t st = i;
        if (c == '-') {
            add(v, "pre", 3, false);
            i++;
        } else if (vu_digit(c)) {
            while (i < n && vu_digit((unsigned char)s[i]))
                i++;
            add(v, s + st, i - st, true);
        } else if (vu_alpha(c)) {
            while (i < n && vu_alpha((unsigned char)s[i]))
                i++;
            add(v, s + st, i - st, false);
        } else {
            i++;
        }
    }
    return v->nseg <= GEM_MAX_SEG;
}

/* canonical_segments: drop the trailing zeros of the numeric head and of the rest. */
static void canon(struct gver *v)
{
    size_t first_str = v->nseg;
    for (size_t k = 0; k < v->nseg; k++)
        if (!v->seg[k].num) {
            first_str = k;
            break;
        }
    size_t h = first_str;
    while (h > 0 && vu_numzero(v->seg[h - 1].s, v->seg[h - 1].n))
        h--;
    size_t t = v->nseg;
    while (t > first_str && v->seg[t - 1].num && vu_numzero(v->seg[t - 1].s, v->seg[t - 1].n))
        t--;
    if (h != first_str)
        memmove(&v->seg[h], &v->seg[first_str], (t - first_str) * sizeof v->seg[0]);
    v->nseg = h + (t - first_str);
}

/* The segments of s[0..n) as written (not canonicalised); false when it is not a version. */
static bool gem_segments(const char *s, size_t n, struct gver *v)
{
    return n <= VU_MAX_LEN && gem_syntax(&s, &n) && gem_split(s, n, v);
}

static bool gem_parse_n(const char *s, size_t n, struct gver *v)
{
    if (!gem_segments(s, n, v))
        return false;
    canon(v);
    return true;
}

static bool gem_parse(const char *s, struct gver *v)
{
    return gem_parse_n(s, strnlen(s, VU_MAX_LEN + 1), v);
}

static int gem_cmp(const struct gver *a, const struct gver *b)
{
    size_t n = a->nseg > b->nseg ? a->nseg : b->nseg;
    for (size_t k = 0; k < n; k++) {
        struct gseg x = k < a->nseg ? a->seg[k] : (struct gseg){"0", 1, true};
        struct gseg y = k < b->nseg ? b->seg[k] : (struct gseg){"0", 1, true};
        int c;
        if (x.num && y.num)
            c = vu_numcmp(x.s, x.n, y.s, y.n);
        else if (x.num != y.num)
            c = x.num ? 1 : -1;
        else
            c = vu_strcmp(x.s, x.n, y.s, y.n, false);
        if (c)
            return c;
    }
    return 0;
}

static bool valid(const char *s)
{
    struct gver v;
    return gem_parse(s, &v);
}

static int cmp(const char *a, const char *b)
{
    struct gver x, y;
    if (!gem_parse(a, &x) || !gem_parse(b, &y))
        return 0;
    return gem_cmp(&x, &y);
}

const struct vscheme_ops vs_gem = {valid, cmp};

/* ---- Gem::Requirement ---- */

/* release: drop the segments from the first letter run on. */
static void gem_release(struct gver *v)
{
    for (size_t k = 0; k < v->nseg; k++)
        if (!v->seg[k].num) {
            v->nseg = k;
            break;
        }
}

/*
 * bump: segments without letter runs, drop the last unless only one remains, increment the
 * last. The incremented number is written into @digits (caller storage).
 */
static bool gem_bump(const struct gver *src, struct gver *v, char *digits, size_t cap)
{
    *v = *src;
    gem_release(v);
    if (v->nseg == 0)
        return false;
    if (v->nseg > 1)
        v->nseg--;
    struct gseg *l = &v->seg[v->nseg - 1];
    if (l->n + 2 > cap)
        return false;
    digits[0] = '0';
    memcpy(digits + 1, l->s, l->n);
    size_t n = l->n + 1;
    for (size_t i = n; i-- > 0;) {
        if (digits[i] == '9') {
            digits[i] = '0';
        } else {
            digits[i]++;
            break;
        }
    }
    l->s = digits;
    l->n = n;
    return true;
}

/* Raw (not canonicalised) segment list of a requirement version, for bump (uses _segments). */
static bool gem_raw(const char *s, size_t n, struct gver *v)
{
    if (!gem_segments(s, n, v))
        return false;
    if (v->nseg == 0)
        add(v, "0", 1, true);
    return true;
}

medsec_err medsec_gem_requirement_satisfied(const char *req, const char *version, bool *out,
                                            struct medsec_error *err)
{
    *out = false;
    struct gver v;
    if (!version || !gem_parse(version, &v))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "'%s' is not a valid gem version",
                                version ? version : "(null)");
    if (!req || strnlen(req, 4097) > 4096)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0,
                                "requirement longer than 4096 bytes");
    bool all = true;
    for (const char *p = req;;) {
        const char *c = strchr(p, ',');
        size_t n = c ? (size_t)(c - p) : strlen(p);
        size_t i = 0;
        while (i < n && vu_space((unsigned char)p[i]))
            i++;
        if (i < n || (!c && p == req)) {
            static const char *const ops[] = {"~>", ">=", "<=", "!=", "=", ">", "<"};
            size_t k, ol = 0;
            for (k = 0; k < sizeof ops / sizeof ops[0]; k++) {
                ol = strlen(ops[k]);
                if (n - i >= ol && memcmp(p + i, ops[k], ol) == 0)
                    break;
            }
            const char *op = k < sizeof ops / sizeof ops[0] ? ops[k] : "=";
            if (k == sizeof ops / sizeof ops[0])
                ol = 0;
            if (i == n) {
                op = ">=";
            }
            size_t vb = i + ol;
            while (vb < n && vu_space((unsigned char)p[vb]))
                vb++;
            struct gver r;
            if (i < n &&
                (vb == n || !vu_digit((unsigned char)p[vb]) || !gem_parse_n(p + vb, n - vb, &r)))
                return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                        "invalid requirement '%.*s'", (int)n, p);
            if (i == n)
                gem_parse_n("0", 1, &r);
            int cv = gem_cmp(&v, &r);
            bool ok;
            if (op[0] == '~') {
                struct gver raw, bump, rel = v;
                char digits[VU_MAX_LEN + 2];
                if (!gem_raw(p + vb, n - vb, &raw) || !gem_bump(&raw, &bump, digits, sizeof digits))
                    return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                            "invalid requirement '%.*s'", (int)n, p);
                canon(&bump);
                gem_release(&rel);
                canon(&rel);
                ok = cv >= 0 && gem_cmp(&rel, &bump) < 0;
            } else if (op[0] == '>') {
                ok = op[1] == '=' ? cv >= 0 : cv > 0;
            } else if (op[0] == '<') {
                ok = op[1] == '=' ? cv <= 0 : cv < 0;
            } else if (op[0] == '!') {
                ok = cv != 0;
            } else {
                ok = cv == 0;
            }
            all = all && ok;
        }
        if (!c)
            break;
        p = c + 1;
    }
    *out = all;
    return MEDSEC_OK;
}
