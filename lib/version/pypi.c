/* pypi.c: the "pypi" scheme: PEP 440 versions as packaging 23 parses, orders and normalises them,
 * and specifier sets. */
#include <string.h>

#include "medsec/vrange.h"
#include "schemes.h"
#include "vutil.h"

#define PEP_MAX_REL 32

enum { PRE_NONE = 0, PRE_A, PRE_B, PRE_RC };

struct pep {
    const char *epoch; /* digits; NULL = 0 */
    size_t epochlen;
    const char *rel[PEP_MAX_REL];
    size_t rellen[PEP_MAX_REL];
    size_t nrel;
    int pre;          /* PRE_* */
    const char *pren; /* digits; len 0 = 0 */
    size_t prenlen;
    bool post, dev;
    const char *postn, *devn;
    size_t postnlen, devnlen;
    const char *local; /* text after '+', segments separated by . - _ */
    size_t locallen;
};

static bool is_sep(int c)
{
    return c == '-' || c == '_' || c == '.';
}

static bool match_word(const char *s, size_t n, size_t i, const char *w)
{
    size_t k = strlen(w);
    if (i + k > n)
        return false;
    for (size_t j = 0; j < k; j++)
        if (vu_lower((unsigned char)s[i + j]) != w[j])
            return false;
    return true;
}

static size_t digits(const char *s, size_t n, size_t i)
{
    while (i < n && vu_digit((unsigned char)s[i]))
        i++;
    return i;
}

static bool local_ok(const char *s, size_t n)
{
    /* [a-z0-9]+(?:[-_.][a-z0-9]+)* */
    if (n == 0 || is_sep((unsigned char)s[0]) || is_sep((unsigned char)s[n - 1]))
        return false;
    for (size_t i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (is_sep(c)) {
            if (is_sep((unsigned char)s[i + 1]))
                return false;
        } else if (!vu_alnum(c)) {
            return false;
        }
    }
    return true;
}

/* Stages after the release segment, with the regex's backtracking: 0 pre, 1 post, 2 dev, 3 end. */
static bool suffix(const char *s, size_t n, size_t i, int stage, struct pep *v)
{
    if (stage == 3) {
        if (i < n && s[i] == '+') {
            if (!local_ok(s + i + 1, n - i - 1))
                return false;
            v->local = s + i + 1;
            v->locallen = n - i - 1;
            return true;
        }
        return i == n;
    }
    static const struct {
        const char *w;
        int kind;
    } pre[] = {{"preview", PRE_RC}, {"alpha", PRE_A}, {"beta", PRE_B}, {"pre", PRE_RC},
               {"rc", PRE_RC},      {"a", PRE_A},     {"b", PRE_B},    {"c", PRE_RC}};
    static const char *const post[] = {"post", "rev", "r"};
    if (stage == 1 && i + 1 < n && s[i] == '-' && vu_digit((unsigned char)s[i + 1])) {
        size_t e = digits(s, n, i + 1);
        v->post = true;
        v->postn = s + i + 1;
        v->postnlen = e - i - 1;
        if (suffix(s, n, e, 2, v))
            return true;
        v->post = false;
    }
    for (int sep = 1; sep >= 0; sep--) {
        size_t j = i;
        if (sep) {
            if (j >= n || !is_sep((unsigned char)s[j]))
                continue;
            j++;
        }
        size_t nw = stage == 0 ? sizeof pre / sizeof pre[0] : stage == 1 ? 3 : 1;
        for (size_t w = 0; w < nw; w++) {
            const char *word = stage == 0 ? pre[w].w : stage == 1 ? post[w] : "dev";
            if (!match_word(s, n, j, word))
                continue;
            size_t k = j + strlen(word);
            for (int sep2 = 1; sep2 >= 0; sep2--) {
                size_t m = k;
                if (sep2) {
                    if (m >= n || !is_sep((unsigned char)s[m]))
                        continue;
                    m++;
                }
                size_t e = digits(s, n, m); /* a trailing separator may stand without digits */
                const char *num = s + m;
                size_t nl = e - m;
                if (stage == 0) {
                    v->pre = pre[w].kind;
                    v->pren = num;
                    v->prenlen = nl;
                } else if (stage == 1) {
                    v->post = true;
                    v->postn = num;
                    v->postnlen = nl;
                } else {
                    v->dev = true;
                    v->devn = num;
                    v->devnlen = nl;
                }
                if (suffix(s, n, e, stage + 1, v))
                    return true;
                v->pre = stage == 0 ? PRE_NONE : v->pre;
                v->post = stage == 1 ? false : v->post;
                v->dev = stage == 2 ? false : v->dev;
            }
        }
    }
    return suffix(s, n, i, stage + 1, v);
}

static bool pep_parse_n(const char *s, size_t n, struct pep *v)
{
    memset(v, 0, sizeof *v);
    if (n > VU_MAX_LEN)
        return false;
    vu_trim(&s, &n);
    size_t i = 0;
    if (i < n && (s[i] == 'v' || s[i] == 'V'))
        i++;
    size_t e = digits(s, n, i);
    if (e == i)
        return false;
    if (e < n && s[e] == '!') {
        v->epoch = s + i;
        v->epochlen = e - i;
        i = e + 1;
        e = digits(s, n, i);
        if (e == i)
            return false;
    }
    for (;;) {
        if (v->nrel == PEP_MAX_REL)
            return false;
        v->rel[v->nrel] = s + i;
        v->rellen[v->nrel++] = e - i;
        i = e;
        if (i + 1 < n && s[i] == '.' && vu_digit((unsigned char)s[i + 1])) {
            i++;
            e = digits(s, n, i);
            continue;
        }
        break;
    }
    return suffix(s, n, i, 0, v);
}

static bool pep_parse(const char *s, struct pep *v)
{
    return pep_parse_n(s, strnlen(s, VU_MAX_LEN + 1), v);
}

/* Epoch (absent: empty, which vu_numcmp reads as 0), then the release numbers (missing = 0). */
static int rel_cmp(const struct pep *a, const struct pep *b)
{
    int c = vu_numcmp(a->epoch, a->epochlen, b->epoch, b->epochlen);
    return c ? c : vu_numlist_cmp(a->rel, a->rellen, a->nrel, b->rel, b->rellen, b->nrel);
}

/* Pre key: -inf (dev-only release), finite (kind, number), +inf (no pre). */
static int pre_cmp(const struct pep *a, const struct pep *b)
{
    int ra = a->pre ? 1 : (!a->post && a->dev) ? 0 : 2;
    int rb = b->pre ? 1 : (!b->post && b->dev) ? 0 : 2;
    if (ra != rb)
        return ra < rb ? -1 : 1;
    if (ra != 1)
        return 0;
    if (a->pre != b->pre)
        return a->pre < b->pre ? -1 : 1;
    return vu_numcmp(a->pren, a->prenlen, b->pren, b->prenlen);
}

static size_t seg_end(const char *s, size_t n, size_t i)
{
    while (i < n && !is_sep((unsigned char)s[i]))
        i++;
    return i;
}

static int local_cmp(const struct pep *a, const struct pep *b)
{
    if (!a->local || !b->local)
        return a->local ? 1 : b->local ? -1 : 0;
    size_t i = 0, j = 0;
    for (;;) {
        if (i >= a->locallen || j >= b->locallen)
            return i < a->locallen ? 1 : j < b->locallen ? -1 : 0;
        size_t ie = seg_end(a->local, a->locallen, i), je = seg_end(b->local, b->locallen, j);
        bool an = vu_all_digits(a->local + i, ie - i), bn = vu_all_digits(b->local + j, je - j);
        int c = an && bn ? vu_numcmp(a->local + i, ie - i, b->local + j, je - j)
                : an     ? 1
                : bn     ? -1
                         : vu_strcmp(a->local + i, ie - i, b->local + j, je - j, true);
        if (c)
            return c;
        i = ie + 1;
        j = je + 1;
    }
}

/* Order ignoring the local part when @public_only. */
static int pep_cmp(const struct pep *a, const struct pep *b, bool public_only)
{
    int c = rel_cmp(a, b);
    if (!c)
        c = pre_cmp(a, b);
    if (!c && a->post != b->post)
        c = a->post ? 1 : -1;
    if (!c && a->post)
        c = vu_numcmp(a->postn, a->postnlen, b->postn, b->postnlen);
    if (!c && a->dev != b->dev)
        c = a->dev ? -1 : 1;
    if (!c && a->dev)
        c = vu_numcmp(a->devn, a->devnlen, b->devn, b->devnlen);
    if (!c && !public_only)
        c = local_cmp(a, b);
    return c;
}

static bool valid(const char *s)
{
    struct pep v;
    return pep_parse(s, &v);
}

static int cmp(const char *a, const char *b)
{
    struct pep x, y;
    if (!pep_parse(a, &x) || !pep_parse(b, &y))
        return 0;
    return pep_cmp(&x, &y, false);
}

const struct vscheme_ops vs_pypi = {valid, cmp};

/* ---- normalisation ---- */

static void putnum(struct vu_out *o, const char *s, size_t n)
{
    while (n > 1 && *s == '0') {
        s++;
        n--;
    }
    if (n == 0)
        vu_put(o, "0", 1);
    else
        vu_put(o, s, n);
}

medsec_err medsec_pep440_normalize(const char *v, char *buf, size_t cap, struct medsec_error *err)
{
    struct pep p;
    if (!v || !pep_parse(v, &p))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                "'%s' is not a valid PEP 440 version", v ? v : "(null)");
    struct vu_out o = {buf, cap, 0};
    if (p.epoch && !vu_numzero(p.epoch, p.epochlen)) {
        putnum(&o, p.epoch, p.epochlen);
        vu_put(&o, "!", 1);
    }
    for (size_t k = 0; k < p.nrel; k++) {
        if (k)
            vu_put(&o, ".", 1);
        putnum(&o, p.rel[k], p.rellen[k]);
    }
    if (p.pre) {
        vu_put(&o, p.pre == PRE_A ? "a" : p.pre == PRE_B ? "b" : "rc", p.pre == PRE_RC ? 2 : 1);
        putnum(&o, p.pren, p.prenlen);
    }
    if (p.post) {
        vu_put(&o, ".post", 5);
        putnum(&o, p.postn, p.postnlen);
    }
    if (p.dev) {
        vu_put(&o, ".dev", 4);
        putnum(&o, p.devn, p.devnlen);
    }
    if (p.local) {
        vu_put(&o, "+", 1);
        for (size_t i = 0; i < p.locallen;) {
            size_t e = seg_end(p.local, p.locallen, i);
            if (i)
                vu_put(&o, ".", 1);
            if (vu_all_digits(p.local + i, e - i))
                putnum(&o, p.local + i, e - i);
            else
                for (size_t k = i; k < e; k++) {
                    char c = (char)vu_lower((unsigned char)p.local[k]);
                    vu_put(&o, &c, 1);
                }
            i = e + 1;
        }
    }
    /* "-2" becomes ".post2": a version near the length cap can grow past it, and a normal form
     * medsec would not read back as a version is no normal form (found by fuzz_version) */
    if (o.len > VU_MAX_LEN)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0,
                                "the normal form of the version is %zu bytes, longer than the %d "
                                "a version may have",
                                o.len, VU_MAX_LEN);
    if (cap == 0 || o.len >= cap)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0,
                                "normalised version needs %zu bytes", o.len + 1);
    buf[o.len] = '\0';
    return MEDSEC_OK;
}

/* ---- specifiers ---- */

enum spec_op { OP_COMPAT, OP_EQ, OP_NE, OP_LE, OP_GE, OP_LT, OP_GT, OP_ARB };

struct spec {
    enum spec_op op;
    bool wildcard; /* "==X.*" / "!=X.*" */
    struct pep v;
    const char *text; /* version text as written (for ===) */
    size_t textlen;
};

static bool pep_prerelease(const struct pep *v)
{
    return v->pre || v->dev;
}

static bool spec_parse(const char *s, size_t n, struct spec *sp)
{
    static const struct {
        const char *t;
        enum spec_op op;
    } ops[] = {{"===", OP_ARB}, {"~=", OP_COMPAT}, {"==", OP_EQ}, {"!=", OP_NE},
               {"<=", OP_LE},   {">=", OP_GE},     {"<", OP_LT},  {">", OP_GT}};
    vu_trim(&s, &n);
    size_t i = 0;
    size_t k;
    for (k = 0; k < sizeof ops / sizeof ops[0]; k++)
        if (n >= strlen(ops[k].t) && memcmp(s, ops[k].t, strlen(ops[k].t)) == 0)
            break;
    if (k == sizeof ops / sizeof ops[0])
        return false;
    sp->op = ops[k].op;
    i = strlen(ops[k].t);
    while (i < n && vu_space((unsigned char)s[i]))
        i++;
    sp->text = s + i;
    sp->textlen = n - i;
    sp->wildcard = false;
    if (sp->textlen == 0)
        return false;
    if (sp->op == OP_ARB) {
        for (size_t j = 0; j < sp->textlen; j++)
            if (vu_space((unsigned char)sp->text[j]) || sp->text[j] == ';' || sp->text[j] == ')')
                return false;
        return true;
    }
    for (size_t j = 0; j < sp->textlen; j++)
        if (vu_space((unsigned char)sp->text[j]))
            return false;
    size_t vl = sp->textlen;
    if ((sp->op == OP_EQ || sp->op == OP_NE) && vl > 2 && sp->text[vl - 2] == '.' &&
        sp->text[vl - 1] == '*') {
        sp->wildcard = true;
        vl -= 2;
    }
    if (!pep_parse_n(sp->text, vl, &sp->v))
        return false;
    if (sp->wildcard && (sp->v.pre || sp->v.post || sp->v.dev || sp->v.local))
        return false;
    if (sp->v.local && sp->op != OP_EQ && sp->op != OP_NE)
        return false;
    if (sp->op == OP_COMPAT && sp->v.nrel < 2)
        return false;
    return true;
}

/*
 * "==V.*" as packaging 23.0 evaluates it: both versions are written canonically (the candidate
 * without local part and without trailing ".0"s), split at '.' and between a number and a glued
 * prerelease ("1a1" -> "1", "a1"), the candidate's leading all-digit segments are padded with "0"s
 * to the specifier's count, and the specifier's segments must start the candidate's list. With a
 * non-zero epoch the first segment is "E!N" (not all digits), which is why padding then goes in
 * front of it and "1!1.0" matches "==0.*".
 */
enum { SG_NUM, SG_EPNUM, SG_EPPRE, SG_LABEL };

struct seg {
    int kind, label; /* label: PRE_* or 10 = post, 11 = dev */
    const char *a, *b, *c;
    size_t al, bl, cl;
};

#define PEP_MAX_SEG (PEP_MAX_REL + 4)

static size_t render_segs(const struct pep *v, bool strip, struct seg *sg)
{
    size_t nrel = v->nrel, n = 0;
    if (strip)
        while (nrel > 1 && vu_numzero(v->rel[nrel - 1], v->rellen[nrel - 1]))
            nrel--;
    bool epoch = v->epoch && !vu_numzero(v->epoch, v->epochlen);
    for (size_t i = 0; i < nrel; i++) {
        struct seg g = {SG_NUM, 0, v->rel[i], NULL, NULL, v->rellen[i], 0, 0};
        if (i == 0 && epoch) {
            g.kind = SG_EPNUM;
            g.b = v->epoch;
            g.bl = v->epochlen;
            if (nrel == 1 && v->pre) { /* "E!Na1" stays one segment */
                g.kind = SG_EPPRE;
                g.label = v->pre;
                g.c = v->pren;
                g.cl = v->prenlen;
            }
        }
        sg[n++] = g;
    }
    if (v->pre && !(epoch && nrel == 1))
        sg[n++] = (struct seg){SG_LABEL, v->pre, v->pren, NULL, NULL, v->prenlen, 0, 0};
    if (v->post)
        sg[n++] = (struct seg){SG_LABEL, 10, v->postn, NULL, NULL, v->postnlen, 0, 0};
    if (v->dev)
        sg[n++] = (struct seg){SG_LABEL, 11, v->devn, NULL, NULL, v->devnlen, 0, 0};
    return n;
}

static bool seg_eq(const struct seg *x, const struct seg *y)
{
    if (x->kind != y->kind || x->label != y->label || vu_numcmp(x->a, x->al, y->a, y->al))
        return false;
    if (x->kind == SG_EPNUM || x->kind == SG_EPPRE)
        if (vu_numcmp(x->b, x->bl, y->b, y->bl))
            return false;
    return x->kind != SG_EPPRE || vu_numcmp(x->c, x->cl, y->c, y->cl) == 0;
}

static bool prefix_match(const struct pep *cand, const struct pep *spec)
{
    struct seg c[PEP_MAX_SEG], sp[PEP_MAX_SEG];
    size_t nc = render_segs(cand, true, c), ns = render_segs(spec, false, sp);
    size_t lr = 0, rr = 0;
    while (lr < nc && c[lr].kind == SG_NUM)
        lr++;
    while (rr < ns && sp[rr].kind == SG_NUM)
        rr++;
    size_t pad = rr > lr ? rr - lr : 0;
    if (nc + pad < ns)
        return false;
    static const struct seg zero = {SG_NUM, 0, "0", NULL, NULL, 1, 0, 0};
    for (size_t i = 0; i < ns; i++) {
        const struct seg *x = i < lr ? &c[i] : i < lr + pad ? &zero : &c[i - pad];
        if (!seg_eq(x, &sp[i]))
            return false;
    }
    return true;
}

/*
 * The prefix "~=V" implies, computed from V as written (packaging splits the text at '.', splits
 * "5a4" into "5", "a4", keeps segments up to the first one starting with dev/a/b/rc/post, drops
 * the last one and parses the rest into @out, which points into @buf). False when that text is
 * not a version.
 */
static bool compat_prefix(const char *t, size_t n, char buf[VU_MAX_LEN + 1], struct pep *out)
{
    size_t bl = 0, keep_end = 0, prev_end = 0;
    size_t nseg = 0;
    for (size_t i = 0; i <= n;) {
        size_t e = i;
        while (e < n && t[e] != '.')
            e++;
        /* ^([0-9]+)((?:a|b|c|rc)[0-9]+)$ splits an item in two */
        size_t d = i;
        while (d < e && vu_digit((unsigned char)t[d]))
            d++;
        size_t lab = d;
        if (d < e && (t[d] == 'a' || t[d] == 'b' || t[d] == 'c'))
            lab = d + 1;
        else if (d + 1 < e && t[d] == 'r' && t[d + 1] == 'c')
            lab = d + 2;
        bool split = d > i && lab > d && lab < e && vu_all_digits(t + lab, e - lab);
        size_t parts[2][2] = {{i, split ? d : e}, {d, e}};
        for (int k = 0; k < (split ? 2 : 1); k++) {
            const char *p = t + parts[k][0];
            size_t pl = parts[k][1] - parts[k][0];
            static const char *const sfx[] = {"dev", "a", "b", "rc", "post"};
            for (size_t q = 0; q < 5; q++)
                if (pl >= strlen(sfx[q]) && memcmp(p, sfx[q], strlen(sfx[q])) == 0)
                    goto done;
            if (bl + pl + 1 > VU_MAX_LEN)
                return false;
            prev_end = keep_end;
            if (nseg++)
                buf[bl++] = '.';
            memcpy(buf + bl, p, pl);
            bl += pl;
            keep_end = bl;
        }
        i = e + 1;
    }
done:
    if (nseg < 2)
        return false; /* nothing left after dropping the last segment */
    (void)keep_end;
    return pep_parse_n(buf, prev_end, out);
}

static bool base_equal(const struct pep *a, const struct pep *b)
{
    return rel_cmp(a, b) == 0;
}

static bool spec_contains(const struct spec *sp, const struct pep *v, const char *vtext)
{
    switch (sp->op) {
    case OP_ARB: {
        char norm[VU_MAX_LEN * 2 + 8];
        if (medsec_pep440_normalize(vtext, norm, sizeof norm, NULL) != MEDSEC_OK)
            return false;
        return vu_strcmp(norm, strlen(norm), sp->text, sp->textlen, true) == 0;
    }
    case OP_EQ:
    case OP_NE: {
        bool eq;
        if (sp->wildcard)
            eq = prefix_match(v, &sp->v);
        else
            eq = pep_cmp(v, &sp->v, sp->v.local == NULL) == 0;
        return sp->op == OP_EQ ? eq : !eq;
    }
    case OP_COMPAT: {
        struct pep prefix;
        char text[VU_MAX_LEN + 1];
        return pep_cmp(v, &sp->v, true) >= 0 &&
               compat_prefix(sp->text, sp->textlen, text, &prefix) && prefix_match(v, &prefix);
    }
    case OP_LE: return pep_cmp(v, &sp->v, true) <= 0;
    case OP_GE: return pep_cmp(v, &sp->v, true) >= 0;
    case OP_LT:
        if (pep_cmp(v, &sp->v, false) >= 0)
            return false;
        return !(!pep_prerelease(&sp->v) && pep_prerelease(v) && base_equal(v, &sp->v));
    case OP_GT:
        if (pep_cmp(v, &sp->v, false) <= 0)
            return false;
        if (!sp->v.post && v->post && base_equal(v, &sp->v))
            return false;
        return !(v->local && base_equal(v, &sp->v));
    }
    return false;
}

static bool spec_allows_pre(const struct spec *sp)
{
    if (sp->op == OP_ARB) {
        struct pep t;
        return pep_parse_n(sp->text, sp->textlen, &t) && pep_prerelease(&t);
    }
    return (sp->op == OP_EQ || sp->op == OP_GE || sp->op == OP_LE || sp->op == OP_COMPAT) &&
           pep_prerelease(&sp->v);
}

medsec_err medsec_pep440_specifiers_contain(const char *specs, const char *version,
                                            enum medsec_pep440_pre pre, bool *out,
                                            struct medsec_error *err)
{
    *out = false;
    struct pep v;
    if (!version || !pep_parse(version, &v))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                "'%s' is not a valid PEP 440 version",
                                version ? version : "(null)");
    if (!specs || strnlen(specs, 4097) > 4096)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0,
                                "specifier set longer than 4096 bytes");
    /* Two passes: validate and learn whether any clause admits prereleases, then evaluate. */
    bool any_pre = false, result = true;
    for (int pass = 0; pass < 2; pass++) {
        const char *p = specs;
        for (;;) {
            const char *c = strchr(p, ',');
            size_t n = c ? (size_t)(c - p) : strlen(p);
            size_t a = 0;
            while (a < n && vu_space((unsigned char)p[a]))
                a++;
            if (a < n) {
                struct spec sp;
                if (!spec_parse(p, n, &sp))
                    return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                            "invalid specifier '%.*s'", (int)n, p);
                if (pass == 0)
                    any_pre = any_pre || spec_allows_pre(&sp);
                else if (!spec_contains(&sp, &v, version))
                    result = false;
            }
            if (!c)
                break;
            p = c + 1;
        }
        if (pass == 0) {
            bool allow =
                pre == MEDSEC_PEP440_PRE_INCLUDE || (pre == MEDSEC_PEP440_PRE_AUTO && any_pre);
            if (!allow && pep_prerelease(&v))
                return MEDSEC_OK;
        }
    }
    *out = result;
    return MEDSEC_OK;
}
