/* npm_range.c: node-semver 7 ranges: parsing into comparator sets, canonical form, satisfies(). */
#include <stdio.h>
#include <string.h>

#include "medsec/vrange.h"
#include "npmv.h"
#include "vutil.h"

#define NR_MAX_RANGE 1024 /* longest range text accepted */
#define NR_MAX_CMP 64     /* comparators per || alternative */

struct ncmp {
    char op[3];    /* "", "<", "<=", ">", ">=" */
    bool any;      /* the empty comparator: matches everything */
    bool verbatim; /* version pasted as written with a prefix or zeros: never the ">=0.0.0" text */
    struct npmv v;
};

struct nset {
    struct ncmp c[NR_MAX_CMP];
    size_t n;
    char s[NR_MAX_RANGE + 1]; /* the alternative's text; comparator prereleases point here */
    char m[NR_MAX_RANGE + 1];
};

/* A partial version of an x-range: up to three parts, each a number or a wildcard. */
struct xr {
    const char *part[3];
    size_t partlen[3];
    bool x[3];                 /* missing, x, X or * */
    unsigned long long val[3]; /* numeric value when not x (capped) */
    bool big[3];               /* value above MAX_SAFE_INTEGER */
    const char *pre;
    size_t prelen;
    bool plain_prefix; /* the [v=\s]* prefix is "" or "v" (what strict FULLPLAIN accepts) */
    bool literal;      /* no prefix and single-digit numbers ("0.0.0" stays "0.0.0") */
};

static bool is_xchar(int c)
{
    return c == 'x' || c == 'X' || c == '*';
}

/* XRANGEPLAIN (with the [v=\s]* prefix) over the whole of s[0..n). */
static bool xr_parse(const char *s, size_t n, bool loose, struct xr *r)
{
    memset(r, 0, sizeof *r);
    size_t i = 0;
    while (i < n && (s[i] == 'v' || s[i] == '=' || s[i] == ' '))
        i++;
    r->plain_prefix = i == 0 || (i == 1 && s[0] == 'v');
    r->literal = i == 0; /* and below: every number written as a single digit */
    int k = 0;
    for (; k < 3; k++) {
        if (k > 0) {
            if (i >= n || s[i] != '.')
                break;
            i++;
        }
        size_t st = i;
        if (i < n && is_xchar((unsigned char)s[i])) {
            i++;
            r->x[k] = true;
        } else {
            while (i < n && vu_digit((unsigned char)s[i]))
                i++;
            if (i == st)
                return false;
            if (!loose && s[st] == '0' && i - st > 1)
                return false;
            size_t a = st;
            while (a + 1 < i && s[a] == '0')
                a++;
            if (!vu_u64(s + a, i - a, NPMV_MAX_SAFE, &r->val[k])) {
                r->big[k] = true;
                r->val[k] = NPMV_MAX_SAFE;
            }
        }
        r->part[k] = s + st;
        r->partlen[k] = i - st;
        if (i - st != 1)
            r->literal = false;
    }
    for (int j = k; j < 3; j++)
        r->x[j] = true;
    if (k == 3 && i < n) { /* build metadata was stripped earlier; anything else is a prerelease */
        if (!npmv_pre_split(s, i, n, loose, &r->pre, &r->prelen))
            return false;
        i = n;
    }
    return i == n;
}

static bool push(struct nset *set, const char *op, unsigned long long M, unsigned long long m,
                 unsigned long long p, const char *pre, size_t prelen)
{
    if (set->n == NR_MAX_CMP)
        return false;
    if (M > NPMV_MAX_SAFE || m > NPMV_MAX_SAFE || p > NPMV_MAX_SAFE)
        return false;
    struct ncmp *c = &set->c[set->n++];
    memset(c, 0, sizeof *c);
    strcpy(c->op, op);
    c->v.maj = M;
    c->v.min = m;
    c->v.pat = p;
    c->v.pre = pre;
    c->v.prelen = prelen;
    return true;
}

static bool push_any(struct nset *set)
{
    if (set->n == NR_MAX_CMP)
        return false;
    struct ncmp *c = &set->c[set->n++];
    memset(c, 0, sizeof *c);
    c->any = true;
    return true;
}

static bool part_is0(const struct xr *r, int k)
{
    return r->partlen[k] == 1 && r->part[k][0] == '0';
}

/* Result codes of the translators. */
enum { TR_OK, TR_NOMATCH, TR_FULL };

static int tr_tilde_caret(struct nset *set, const struct xr *r, bool caret, bool incpr)
{
    const char *z = incpr ? "0" : NULL;
    size_t zl = incpr ? 1 : 0;
    unsigned long long M = r->val[0], m = r->val[1], p = r->val[2];
    if (r->big[0] || r->big[1] || r->big[2])
        return TR_NOMATCH;
    if (r->x[0])
        return push_any(set) ? TR_OK : TR_NOMATCH;
    if (r->x[1])
        return push(set, ">=", M, 0, 0, z, zl) && push(set, "<", M + 1, 0, 0, "0", 1) ? TR_OK
                                                                                      : TR_NOMATCH;
    if (r->x[2]) {
        if (!caret || part_is0(r, 0))
            return push(set, ">=", M, m, 0, z, zl) && push(set, "<", M, m + 1, 0, "0", 1)
                       ? TR_OK
                       : TR_NOMATCH;
        return push(set, ">=", M, m, 0, z, zl) && push(set, "<", M + 1, 0, 0, "0", 1) ? TR_OK
                                                                                      : TR_NOMATCH;
    }
    if (!push(set, ">=", M, m, p, r->pre, r->prelen))
        return TR_NOMATCH;
    bool ok;
    if (!caret)
        ok = push(set, "<", M, m + 1, 0, "0", 1);
    else if (part_is0(r, 0) && part_is0(r, 1))
        ok = push(set, "<", M, m, p + 1, "0", 1);
    else if (part_is0(r, 0))
        ok = push(set, "<", M, m + 1, 0, "0", 1);
    else
        ok = push(set, "<", M + 1, 0, 0, "0", 1);
    return ok ? TR_OK : TR_NOMATCH;
}

static int tr_xrange(struct nset *set, const char *gtlt, const struct xr *r, bool incpr)
{
    bool xM = r->x[0], xm = xM || r->x[1], xp = xm || r->x[2];
    /* invalidXRangeOrder: 1.x.2 or x.1 style */
    if ((r->x[0] && r->partlen[1] && !r->x[1]) || (r->x[1] && r->partlen[2] && !r->x[2]))
        return TR_NOMATCH;
    if (!xp)
        return TR_FULL;
    char op[3];
    strcpy(op, gtlt);
    if (strcmp(op, "=") == 0)
        op[0] = '\0';
    const char *pr = incpr ? "0" : NULL;
    size_t prl = incpr ? 1 : 0;
    unsigned long long M = r->val[0], m = r->val[1], p;
    if ((!xM && r->big[0]) || (!xm && r->big[1]))
        return TR_NOMATCH;
    if (xM) {
        if (strcmp(op, ">") == 0 || strcmp(op, "<") == 0)
            return push(set, "<", 0, 0, 0, "0", 1) ? TR_OK : TR_NOMATCH;
        return push_any(set) ? TR_OK : TR_NOMATCH;
    }
    if (op[0]) {
        if (xm)
            m = 0;
        p = 0;
        if (strcmp(op, ">") == 0) {
            strcpy(op, ">=");
            if (xm) {
                M++;
                m = 0;
            } else {
                m++;
            }
        } else if (strcmp(op, "<=") == 0) {
            strcpy(op, "<");
            if (xm)
                M++;
            else
                m++;
        }
        if (strcmp(op, "<") == 0) {
            pr = "0";
            prl = 1;
        }
        return push(set, op, M, m, p, pr, prl) ? TR_OK : TR_NOMATCH;
    }
    if (xm)
        return push(set, ">=", M, 0, 0, pr, prl) && push(set, "<", M + 1, 0, 0, "0", 1)
                   ? TR_OK
                   : TR_NOMATCH;
    return push(set, ">=", M, m, 0, pr, prl) && push(set, "<", M, m + 1, 0, "0", 1) ? TR_OK
                                                                                    : TR_NOMATCH;
}

/* One whitespace-free comparator token → comparators; false when invalid. */
static bool tr_token(struct nset *set, const char *t, size_t n, bool loose, bool incpr)
{
    struct xr r;
    if (n > 0 && (t[0] == '~' || t[0] == '^')) {
        bool caret = t[0] == '^';
        size_t i = 1;
        if (!caret && i < n && t[i] == '>')
            i++;
        if (!xr_parse(t + i, n - i, loose, &r))
            return false;
        return tr_tilde_caret(set, &r, caret, incpr) == TR_OK;
    }
    char gtlt[3] = "";
    size_t i = 0;
    if (i < n && (t[i] == '<' || t[i] == '>'))
        gtlt[0] = t[i++];
    if (i < n && t[i] == '=') {
        gtlt[strlen(gtlt)] = '=';
        i++;
    }
    if (!xr_parse(t + i, n - i, loose, &r))
        return false;
    int tr = tr_xrange(set, gtlt, &r, incpr);
    if (tr == TR_OK)
        return true;
    if (tr == TR_NOMATCH)
        return false;
    /* a full version: Comparator's own parse (strict FULLPLAIN after the operator, or LOOSEPLAIN)
     */
    size_t vs = i;
    if (!loose)
        while (vs < n && t[vs] == ' ')
            vs++;
    struct npmv v;
    if (!npmv_parse(t + vs, n - vs, loose, &v))
        return false;
    if (strcmp(gtlt, "=") == 0)
        gtlt[0] = '\0';
    if (!push(set, gtlt, v.maj, v.min, v.pat, v.pre, v.prelen))
        return false;
    set->c[set->n - 1].verbatim =
        !(n - i >= 5 && memcmp(t + i, "0.0.0", 5) == 0 && (n - i == 5 || t[i + 5] == '-'));
    return true;
}

static bool is_gte0(const struct ncmp *c, bool incpr)
{
    if (c->any || c->verbatim || strcmp(c->op, ">=") != 0 || c->v.maj || c->v.min || c->v.pat)
        return false;
    if (!incpr)
        return c->v.prelen == 0;
    return c->v.prelen == 1 && c->v.pre[0] == '0';
}

/* Hyphen range "A - B" (both XRANGEPLAIN): true when @s is one, comparators added. */
static int tr_hyphen(struct nset *set, const char *s, size_t n, bool loose, bool incpr)
{
    const char *h = NULL;
    for (size_t i = 1; i + 2 < n; i++)
        if (s[i - 1] == ' ' && s[i] == '-' && s[i + 1] == ' ') {
            h = s + i;
            break;
        }
    if (!h)
        return TR_NOMATCH;
    struct xr a, b;
    size_t al = (size_t)(h - 1 - s);
    if (!xr_parse(s, al, loose, &a) || !xr_parse(h + 2, n - al - 3, loose, &b))
        return TR_NOMATCH;
    if (a.x[0] ? false : (a.big[0] || a.big[1] || a.big[2]))
        return TR_FULL; /* invalid numbers: let the caller reject */
    /* node-semver pastes a full bound's text as written (">=" + from, "<=" + to); in strict mode
     * the comparator then only accepts a "v" prefix */
    bool a_raw = !a.x[0] && !a.x[1] && !a.x[2];
    bool b_raw = !b.x[0] && !b.x[1] && !b.x[2] && !b.prelen && !incpr;
    if (!loose && ((a_raw && !a.plain_prefix) || (b_raw && !b.plain_prefix)))
        return TR_FULL;
    const char *z = incpr ? "0" : NULL;
    size_t zl = incpr ? 1 : 0;
    bool ok = true;
    if (a.x[0])
        ;
    else if (a.x[1])
        ok = push(set, ">=", a.val[0], 0, 0, z, zl);
    else if (a.x[2])
        ok = push(set, ">=", a.val[0], a.val[1], 0, z, zl);
    else if (a.prelen)
        ok = push(set, ">=", a.val[0], a.val[1], a.val[2], a.pre, a.prelen);
    else
        ok = push(set, ">=", a.val[0], a.val[1], a.val[2], z, zl);
    if (!ok)
        return TR_FULL;
    if (a_raw)
        set->c[set->n - 1].verbatim = !a.literal;
    if (!b.x[0] && (b.big[0] || b.big[1] || b.big[2]))
        return TR_FULL;
    if (b.x[0])
        ;
    else if (b.x[1])
        ok = push(set, "<", b.val[0] + 1, 0, 0, "0", 1);
    else if (b.x[2])
        ok = push(set, "<", b.val[0], b.val[1] + 1, 0, "0", 1);
    else if (b.prelen)
        ok = push(set, "<=", b.val[0], b.val[1], b.val[2], b.pre, b.prelen);
    else if (incpr)
        ok = push(set, "<", b.val[0], b.val[1], b.val[2] + 1, "0", 1);
    else
        ok = push(set, "<=", b.val[0], b.val[1], b.val[2], NULL, 0);
    if (!ok)
        return TR_FULL;
    if (set->n == 0 && !push_any(set))
        return TR_FULL;
    return TR_OK;
}

struct fmt_ctx {
    struct vu_out o;
    size_t nsets;
    bool had_any_set; /* a set that is just "" */
    bool all_null;
};

/* Write comparator @c as node-semver prints it (Comparator.value): numeric prerelease identifiers
 * as numbers ("01" is "1"). */
static void fmt_cmp(struct fmt_ctx *f, const struct ncmp *c)
{
    if (c->any)
        return;
    char num[80];
    vu_put(&f->o, c->op, strlen(c->op));
    int k = snprintf(num, sizeof num, "%llu.%llu.%llu", c->v.maj, c->v.min, c->v.pat);
    vu_put(&f->o, num, (size_t)k);
    if (c->v.prelen) {
        vu_put(&f->o, "-", 1);
        const char *p = c->v.pre;
        size_t n = c->v.prelen, st = 0;
        for (size_t i = 0; i <= n; i++)
            if (i == n || p[i] == '.') {
                const char *id = p + st;
                size_t il = i - st;
                unsigned long long val;
                if (vu_all_digits(id, il) && vu_u64(id, il, NPMV_MAX_SAFE - 1, &val)) {
                    k = snprintf(num, sizeof num, "%llu", val);
                    vu_put(&f->o, num, (size_t)k);
                } else {
                    vu_put(&f->o, id, il);
                }
                if (i < n)
                    vu_put(&f->o, ".", 1);
                st = i + 1;
            }
    }
}

static bool is_op_token(const char *t, size_t n)
{
    if (n == 1)
        return t[0] == '<' || t[0] == '>' || t[0] == '=' || t[0] == '~' || t[0] == '^';
    if (n == 2)
        return ((t[0] == '<' || t[0] == '>') && t[1] == '=') || (t[0] == '~' && t[1] == '>');
    return false;
}

/* Do @a and @b print alike (see fmt_cmp)? */
/* Is @c the comparator nothing satisfies, "<0.0.0-0"? node-semver asks of its printed value, where
 * a numeric prerelease identifier is a number: loose "<0.0.0-00" is it too. */
static bool is_null_cmp(const struct ncmp *c)
{
    if (c->any || strcmp(c->op, "<") != 0 || c->v.maj || c->v.min || c->v.pat || !c->v.prelen)
        return false;
    for (size_t i = 0; i < c->v.prelen; i++)
        if (c->v.pre[i] != '0')
            return false;
    return true;
}

static bool same_text(const struct ncmp *a, const struct ncmp *b)
{
    if (a->any || b->any)
        return a->any == b->any;
    char ta[NR_MAX_RANGE + 96], tb[NR_MAX_RANGE + 96];
    struct fmt_ctx fa = {{ta, sizeof ta, 0}, 0, false, false};
    struct fmt_ctx fb = {{tb, sizeof tb, 0}, 0, false, false};
    fmt_cmp(&fa, a);
    fmt_cmp(&fb, b);
    return fa.o.len == fb.o.len && fa.o.len < sizeof ta && memcmp(ta, tb, fa.o.len) == 0;
}

/*
 * Parse one || alternative (already whitespace-collapsed and trimmed) into @set.
 * Returns 0 ok, -1 invalid.
 */
static int parse_set(const char *in, size_t n, unsigned flags, struct nset *set)
{
    bool loose = flags & MEDSEC_NPM_LOOSE, incpr = flags & MEDSEC_NPM_INCLUDE_PRERELEASE;
    char *s = set->s;
    size_t sn = 0;
    /* strip build metadata: \+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)* anywhere */
    for (size_t i = 0; i < n;) {
        if (in[i] == '+' && i + 1 < n && (vu_alnum((unsigned char)in[i + 1]) || in[i + 1] == '-')) {
            i++;
            for (;;) {
                while (i < n && (vu_alnum((unsigned char)in[i]) || in[i] == '-'))
                    i++;
                if (i + 1 < n && in[i] == '.' &&
                    (vu_alnum((unsigned char)in[i + 1]) || in[i + 1] == '-'))
                    i++;
                else
                    break;
            }
            continue;
        }
        s[sn++] = in[i++];
    }
    while (sn > 0 && s[sn - 1] == ' ')
        sn--;
    size_t b = 0;
    while (b < sn && s[b] == ' ')
        b++;
    set->n = 0;
    int h = tr_hyphen(set, s + b, sn - b, loose, incpr);
    if (h == TR_FULL)
        return -1;
    if (h == TR_NOMATCH) {
        /* an operator alone joins the next token (comparator / tilde / caret whitespace trim) */
        char *m = set->m;
        size_t mn = 0;
        for (size_t i = b; i < sn;) {
            size_t st = i;
            while (i < sn && s[i] != ' ')
                i++;
            memcpy(m + mn, s + st, i - st);
            mn += i - st;
            if (i < sn) {
                i++;
                int nx = (unsigned char)s[i];
                bool tilde = s[st] == '~' || s[st] == '^';
                bool join = is_op_token(s + st, i - 1 - st) &&
                            (tilde || vu_digit(nx) || is_xchar(nx) || nx == 'v' || nx == '=');
                if (!join)
                    m[mn++] = ' ';
            }
        }
        set->n = 0; /* an empty alternative is "*" (no tokens: pushed below) */
        /*
         * node-semver joins the translated tokens with ' ' and splits on /\s+/, so a token that
         * became "" (x, *, ^*, ~x...) only survives at the start or the end of the alternative;
         * in loose mode unreadable tokens are dropped after that split.
         */
        bool seen = false, lead = false, trail = false;
        for (size_t i = 0; i < mn;) {
            size_t st = i;
            while (i < mn && m[i] != ' ')
                i++;
            size_t before = set->n;
            bool ok = tr_token(set, m + st, i - st, loose, incpr);
            if (!ok) {
                set->n = before;
                if (!loose)
                    return -1;
            }
            if (ok && set->n == before + 1 && set->c[before].any) {
                set->n = before;
                if (seen)
                    trail = true;
                else
                    lead = true;
            } else {
                seen = true;
                trail = false;
            }
            if (i < mn)
                i++;
        }
        if ((!seen || lead || trail) && !push_any(set))
            return -1;
    }
    /* replaceGTE0, null set, de-duplication, "" dropped when others exist */
    size_t k = 0;
    for (size_t i = 0; i < set->n; i++) {
        struct ncmp *c = &set->c[i];
        if (is_gte0(c, incpr))
            c->any = true;
        if (is_null_cmp(c)) {
            set->c[0] = *c;
            set->n = 1;
            return 0;
        }
        /* node-semver keys its comparators by their printed text: "1.2.0-a.0" and "1.2.0-a.00"
         * are one */
        bool dup = false;
        for (size_t j = 0; j < k && !dup; j++)
            dup = same_text(&set->c[j], c);
        if (!dup)
            set->c[k++] = *c;
    }
    set->n = k;
    if (set->n > 1) {
        k = 0;
        for (size_t i = 0; i < set->n; i++)
            if (!set->c[i].any)
                set->c[k++] = set->c[i];
        set->n = k;
    }
    return 0;
}

static bool cmp_test(const struct ncmp *c, const struct npmv *v)
{
    if (c->any)
        return true;
    int r = npmv_cmp(v, &c->v);
    if (c->op[0] == '\0')
        return r == 0;
    if (c->op[0] == '<')
        return c->op[1] ? r <= 0 : r < 0;
    return c->op[1] ? r >= 0 : r > 0;
}

static bool set_test(const struct nset *set, const struct npmv *v, bool incpr)
{
    for (size_t i = 0; i < set->n; i++)
        if (!cmp_test(&set->c[i], v))
            return false;
    if (v->prelen && !incpr) {
        for (size_t i = 0; i < set->n; i++) {
            const struct ncmp *c = &set->c[i];
            if (!c->any && c->v.prelen && c->v.maj == v->maj && c->v.min == v->min &&
                c->v.pat == v->pat)
                return true;
        }
        return false;
    }
    return true;
}

/* Normalise whitespace (trim, collapse runs to one space) into @buf. */
static medsec_err prep(const char *range, char *buf, size_t *len, struct medsec_error *err)
{
    if (!range)
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "no range");
    size_t n = strnlen(range, NR_MAX_RANGE + 1);
    if (n > NR_MAX_RANGE)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "npm range longer than %d bytes",
                                NR_MAX_RANGE);
    size_t o = 0;
    bool sp = false;
    for (size_t i = 0; i < n; i++) {
        if (vu_space((unsigned char)range[i])) {
            sp = true;
            continue;
        }
        if (sp && o > 0)
            buf[o++] = ' ';
        sp = false;
        buf[o++] = range[i];
    }
    buf[o] = '\0';
    *len = o;
    return MEDSEC_OK;
}

/* Iterate the || alternatives; calls @fn for each non-empty parsed set. */
typedef bool (*set_fn)(const struct nset *set, void *ctx);

static medsec_err each_set(const char *range, unsigned flags, set_fn fn, void *ctx,
                           struct medsec_error *err)
{
    char buf[NR_MAX_RANGE + 1];
    size_t n = 0;
    medsec_err e = prep(range, buf, &n, err);
    if (e)
        return e;
    struct nset set;
    size_t nsets = 0;
    bool done = false; /* @fn has its answer; the rest is still parsed so invalid ranges fail */
    for (size_t i = 0;;) {
        const char *bar = strstr(buf + i, "||");
        size_t end = bar ? (size_t)(bar - buf) : n;
        if (parse_set(buf + i, end - i, flags, &set) != 0)
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "invalid npm range '%s'",
                                    range);
        if (set.n > 0) {
            nsets++;
            if (!done && !fn(&set, ctx))
                done = true;
        }
        if (!bar)
            break;
        i = end + 2;
    }
    if (nsets == 0)
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "invalid npm range '%s'", range);
    return MEDSEC_OK;
}

struct sat_ctx {
    const struct npmv *v;
    bool incpr, result;
};

static bool sat_fn(const struct nset *set, void *p)
{
    struct sat_ctx *c = p;
    if (set_test(set, c->v, c->incpr)) {
        c->result = true;
        return false;
    }
    return true;
}

struct survey {
    size_t nsets;
    bool any_set; /* an alternative that is exactly "" */
};

static bool survey_fn(const struct nset *set, void *p)
{
    struct survey *sv = p;
    sv->nsets++;
    if (set->n == 1 && set->c[0].any)
        sv->any_set = true;
    return true;
}

medsec_err medsec_npm_range_satisfies(const char *range, const char *version, unsigned flags,
                                      bool *out, struct medsec_error *err)
{
    *out = false;
    struct npmv v;
    bool vok = version && npmv_parse(version, strnlen(version, NPMV_MAX_LEN + 1),
                                     (flags & MEDSEC_NPM_LOOSE) != 0, &v);
    struct sat_ctx c = {vok ? &v : NULL, (flags & MEDSEC_NPM_INCLUDE_PRERELEASE) != 0, false};
    if (!vok) {
        /* still validate the range so callers learn about bad ranges */
        struct npmv zero = {0, 0, 0, NULL, 0, NULL, 0};
        c.v = &zero;
        medsec_err e = each_set(range, flags, sat_fn, &c, err);
        return e;
    }
    /* new Range(): with several alternatives, one that is just "*" replaces them all */
    struct survey sv = {0, false};
    medsec_err e = each_set(range, flags, survey_fn, &sv, err);
    if (e)
        return e;
    if (sv.nsets > 1 && sv.any_set) {
        *out = v.prelen == 0 || c.incpr;
        return MEDSEC_OK;
    }
    e = each_set(range, flags, sat_fn, &c, err);
    if (e)
        return e;
    *out = c.result;
    return MEDSEC_OK;
}

/* ---- canonical form ---- */

static bool is_null_set(const struct nset *s)
{
    return s->n == 1 && is_null_cmp(&s->c[0]);
}

struct collect {
    unsigned flags;
    struct fmt_ctx *f;
    int pass; /* 0: survey, 1: write */
    size_t written;
    size_t idx;
    bool first_null_only; /* all sets are null sets: keep only the first */
};

static bool fmt_fn(const struct nset *set, void *p)
{
    struct collect *c = p;
    struct fmt_ctx *f = c->f;
    if (c->pass == 0) {
        f->nsets++;
        if (!is_null_set(set))
            f->all_null = false;
        if (set->n == 1 && set->c[0].any)
            f->had_any_set = true;
        return true;
    }
    size_t idx = c->idx++;
    if (f->nsets > 1) {
        if (f->had_any_set) {
            if (!(set->n == 1 && set->c[0].any) || c->written)
                return true;
        } else if (f->all_null) {
            if (idx > 0)
                return true;
        } else if (is_null_set(set)) {
            return true;
        }
    }
    if (c->written++)
        vu_put(&f->o, "||", 2);
    for (size_t i = 0; i < set->n; i++) {
        if (i)
            vu_put(&f->o, " ", 1);
        fmt_cmp(f, &set->c[i]);
    }
    return true;
}

medsec_err medsec_npm_range_format(const char *range, unsigned flags, char *out, size_t cap,
                                   struct medsec_error *err)
{
    struct fmt_ctx f = {{out, cap, 0}, 0, false, true};
    struct collect c = {flags, &f, 0, 0, 0, false};
    medsec_err e = each_set(range, flags, fmt_fn, &c, err);
    if (e)
        return e;
    c.pass = 1;
    e = each_set(range, flags, fmt_fn, &c, err);
    if (e)
        return e;
    if (cap == 0 || f.o.len >= cap)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "canonical range needs %zu bytes",
                                f.o.len + 1);
    out[f.o.len] = '\0';
    return MEDSEC_OK;
}
