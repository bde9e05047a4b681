/* cpe.c: CPE 2.3 formatted-string and URI bindings to and from WFN (NISTIR 7695), and matching
 * (NISTIR 7696). */
#include <ctype.h>
#include <string.h>

#include "medsec/cpe.h"

static int is_alnum_(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}
static int lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}
static int printable(int c)
{
    return c > 0x20 && c < 0x7f;
}

static int hexv(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = lower(c);
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* Builds one value at the end of c->text; wildcards only as a leading or trailing run. */
enum { VB_LEAD, VB_BODY, VB_TRAIL };
struct vbuild {
    struct medsec_cpe *c;
    int attr;
    size_t start;
    int state; /* VB_LEAD: only wildcards so far; VB_BODY: a literal seen; VB_TRAIL: wildcards after
                  it */
    char last_wild;
};

static int vb_put(struct vbuild *b, char ch)
{
    if (b->c->used + 2 > MEDSEC_CPE_TEXT_MAX)
        return -1;
    b->c->text[b->c->used++] = ch;
    return 0;
}

static void vb_begin(struct vbuild *b, struct medsec_cpe *c, int attr)
{
    b->c = c;
    b->attr = attr;
    b->start = c->used;
    b->state = VB_LEAD;
    b->last_wild = 0;
}

/* A literal character (quoted in WFN unless [a-z0-9_]); none may follow a trailing wildcard. */
static int vb_char(struct vbuild *b, int ch)
{
    if (b->state == VB_TRAIL)
        return -1;
    b->state = VB_BODY;
    ch = lower(ch);
    if (is_alnum_(ch))
        return vb_put(b, (char)ch);
    if (vb_put(b, '\\'))
        return -1;
    return vb_put(b, (char)ch);
}

/* An unquoted wildcard: a run is either one '*' or any number of '?'. */
static int vb_wild(struct vbuild *b, int ch)
{
    if (b->state == VB_BODY) {
        b->state = VB_TRAIL;
        b->last_wild = 0;
    }
    if (b->last_wild && (ch == '*' || b->last_wild == '*'))
        return -1;
    b->last_wild = (char)ch;
    b->c->wild[b->attr] = 1;
    return vb_put(b, (char)ch);
}

static void vb_end(struct vbuild *b)
{
    struct medsec_cpe *c = b->c;

    c->kind[b->attr] = MEDSEC_CPE_VALUE;
    c->off[b->attr] = (unsigned short)b->start;
    c->len[b->attr] = (unsigned short)(c->used - b->start);
    c->text[c->used++] = '\0';
}

static void cpe_clear(struct medsec_cpe *c)
{
    memset(c->kind, 0, sizeof c->kind);
    memset(c->wild, 0, sizeof c->wild);
    memset(c->off, 0, sizeof c->off);
    memset(c->len, 0, sizeof c->len);
    c->used = 1;
    c->text[0] = '\0'; /* off 0 is the empty string */
}

/*
 * One raw component (@n bytes at @s) into attribute @attr. @uri selects the URI rules (%-encoding,
 * %01 and %02 wildcards, empty = ANY) over the formatted-string rules ('\' quoting, bare '*' and
 * '?', '*' = ANY).
 */
static int add_component(struct medsec_cpe *c, int attr, const char *s, size_t n, int uri)
{
    struct vbuild b;
    size_t i;

    if (uri ? n == 0 : (n == 1 && s[0] == '*')) {
        c->kind[attr] = MEDSEC_CPE_ANY;
        return 0;
    }
    if (n == 1 && s[0] == '-') {
        c->kind[attr] = MEDSEC_CPE_NA;
        return 0;
    }
    if (n == 0)
        return -1;
    vb_begin(&b, c, attr);
    for (i = 0; i < n; i++) {
        int ch = (unsigned char)s[i], wild = 0;

        if (!printable(ch))
            return -1;
        if (uri && ch == '%') {
            int hi, lo;
            if (i + 2 >= n)
                return -1;
            hi = hexv((unsigned char)s[i + 1]);
            lo = hexv((unsigned char)s[i + 2]);
            if (hi < 0 || lo < 0)
                return -1;
            ch = hi * 16 + lo;
            i += 2;
            if (ch == 1 || ch == 2) {
                ch = ch == 1 ? '?' : '*';
                wild = 1;
            } else if (!printable(ch)) {
                return -1;
            }
        } else if (!uri && ch == '\\') {
            if (i + 1 >= n || !printable((unsigned char)s[i + 1]))
                return -1;
            ch = (unsigned char)s[++i];
        } else if (!uri && (ch == '*' || ch == '?')) {
            wild = 1;
        }
        if (wild ? vb_wild(&b, ch) : vb_char(&b, ch))
            return -1;
    }
    if (c->used - b.start == 1 && c->text[b.start] == '*') {
        /* a value that is only the '*' wildcard (URI "%02") is the logical value ANY */
        c->used = (unsigned short)b.start;
        c->wild[attr] = 0;
        c->kind[attr] = MEDSEC_CPE_ANY;
        return 0;
    }
    vb_end(&b);
    return 0;
}

static medsec_err fail(struct medsec_error *err, medsec_err code, const char *what)
{
    return medsec_error_set(err, code, NULL, 0, 0, "%s", what);
}

static medsec_err check_part(const struct medsec_cpe *c, struct medsec_error *err)
{
    const char *p = c->text + c->off[MEDSEC_CPE_PART];

    if (c->kind[MEDSEC_CPE_PART] == MEDSEC_CPE_ANY)
        return MEDSEC_OK;
    if (c->kind[MEDSEC_CPE_PART] == MEDSEC_CPE_VALUE && c->len[MEDSEC_CPE_PART] == 1 &&
        (p[0] == 'a' || p[0] == 'o' || p[0] == 'h'))
        return MEDSEC_OK;
    return fail(err, MEDSEC_EINVAL, "CPE part must be a, o or h");
}

medsec_err medsec_cpe_parse_fs(const char *s, size_t len, struct medsec_cpe *out,
                               struct medsec_error *err)
{
    size_t i = 8, start;
    int attr = 0;

    cpe_clear(out);
    if (len > MEDSEC_CPE_MAX_LEN)
        return fail(err, MEDSEC_ETOOBIG, "CPE name too long");
    if (len < 8 || memcmp(s, "cpe:2.3:", 8) != 0)
        return fail(err, MEDSEC_EPARSE, "CPE formatted string must start with 'cpe:2.3:'");
    start = i;
    for (;; i++) {
        if (i < len && s[i] == '\\') {
            i++;
            if (i >= len)
                return fail(err, MEDSEC_EPARSE, "CPE ends in a lone '\\'");
            continue;
        }
        if (i < len && s[i] != ':')
            continue;
        if (attr >= MEDSEC_CPE_NATTR)
            return fail(err, MEDSEC_EPARSE, "CPE formatted string has more than 11 attributes");
        if (add_component(out, attr, s + start, i - start, 0))
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "bad CPE attribute %d: '%.*s'",
                                    attr + 1, (int)(i - start), s + start);
        attr++;
        start = i + 1;
        if (i >= len)
            break;
    }
    if (attr != MEDSEC_CPE_NATTR)
        return fail(err, MEDSEC_EPARSE, "CPE formatted string needs 11 attributes");
    return check_part(out, err);
}

medsec_err medsec_cpe_parse_uri(const char *s, size_t len, struct medsec_cpe *out,
                                struct medsec_error *err)
{
    size_t i, start;
    int attr = 0;

    cpe_clear(out);
    if (len > MEDSEC_CPE_MAX_LEN)
        return fail(err, MEDSEC_ETOOBIG, "CPE name too long");
    if (len < 5 || lower((unsigned char)s[0]) != 'c' || lower((unsigned char)s[1]) != 'p' ||
        lower((unsigned char)s[2]) != 'e' || s[3] != ':' || s[4] != '/')
        return fail(err, MEDSEC_EPARSE, "CPE URI must start with 'cpe:/'");
    start = i = 5;
    for (;; i++) {
        if (i < len && s[i] != ':')
            continue;
        if (attr >= 7)
            return fail(err, MEDSEC_EPARSE, "CPE URI has more than 7 components");
        if (attr == MEDSEC_CPE_EDITION && i > start && s[start] == '~') {
            /* packed: ~edition~sw_edition~target_sw~target_hw~other */
            static const int packed[5] = {MEDSEC_CPE_EDITION, MEDSEC_CPE_SW_EDITION,
                                          MEDSEC_CPE_TARGET_SW, MEDSEC_CPE_TARGET_HW,
                                          MEDSEC_CPE_OTHER};
            size_t k = start + 1, ks = k;
            int f = 0;
            for (;; k++) {
                if (k < i && s[k] != '~')
                    continue;
                if (f >= 5 || add_component(out, packed[f], s + ks, k - ks, 1))
                    return fail(err, MEDSEC_EPARSE, "bad packed CPE edition");
                f++;
                ks = k + 1;
                if (k >= i)
                    break;
            }
            if (f != 5)
                return fail(err, MEDSEC_EPARSE, "packed CPE edition needs 5 fields");
        } else if (add_component(out, attr, s + start, i - start, 1)) {
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                    "bad CPE URI component %d: '%.*s'", attr + 1, (int)(i - start),
                                    s + start);
        }
        attr++;
        start = i + 1;
        if (i >= len)
            break;
    }
    return check_part(out, err);
}

medsec_err medsec_cpe_parse(const char *s, size_t len, struct medsec_cpe *out,
                            struct medsec_error *err)
{
    if (len >= 5 && memcmp(s, "cpe:/", 5) == 0)
        return medsec_cpe_parse_uri(s, len, out, err);
    return medsec_cpe_parse_fs(s, len, out, err);
}

enum medsec_cpe_kind medsec_cpe_kind(const struct medsec_cpe *c, enum medsec_cpe_attr a)
{
    return (enum medsec_cpe_kind)c->kind[a];
}

const char *medsec_cpe_value(const struct medsec_cpe *c, enum medsec_cpe_attr a)
{
    return c->kind[a] == MEDSEC_CPE_VALUE ? c->text + c->off[a] : NULL;
}

/* Small bounded writer into a caller buffer. */
struct out {
    char *buf;
    size_t cap, len;
    int over;
};

static void out_c(struct out *o, char ch)
{
    if (o->len + 1 >= o->cap) {
        o->over = 1;
        return;
    }
    o->buf[o->len++] = ch;
    o->buf[o->len] = '\0';
}

static void out_s(struct out *o, const char *s)
{
    while (*s)
        out_c(o, *s++);
}

static void bind_fs_value(struct out *o, const struct medsec_cpe *c, int a)
{
    const char *v = c->text + c->off[a];
    size_t i, n = c->len[a];

    if (c->kind[a] == MEDSEC_CPE_ANY) {
        out_c(o, '*');
        return;
    }
    if (c->kind[a] == MEDSEC_CPE_NA) {
        out_c(o, '-');
        return;
    }
    if (n == 2 && v[0] == '\\' && v[1] == '-') {
        out_s(o, "\\-"); /* a bare "-" would read back as NA */
        return;
    }
    for (i = 0; i < n; i++) {
        if (v[i] == '\\' && i + 1 < n && (v[i + 1] == '.' || v[i + 1] == '-' || v[i + 1] == '_')) {
            out_c(o, v[++i]);
        } else if (v[i] == '\\' && i + 1 < n) {
            out_c(o, '\\');
            out_c(o, v[++i]);
        } else {
            out_c(o, v[i]);
        }
    }
}

medsec_err medsec_cpe_format_fs(const struct medsec_cpe *c, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0, 0};
    int a;

    if (!cap)
        return MEDSEC_ETOOBIG;
    buf[0] = '\0';
    out_s(&o, "cpe:2.3");
    for (a = 0; a < MEDSEC_CPE_NATTR; a++) {
        out_c(&o, ':');
        bind_fs_value(&o, c, a);
    }
    return o.over ? MEDSEC_ETOOBIG : MEDSEC_OK;
}

static void pct(struct out *o, int ch)
{
    static const char hex[] = "0123456789abcdef";
    out_c(o, '%');
    out_c(o, hex[(ch >> 4) & 15]);
    out_c(o, hex[ch & 15]);
}

static void bind_uri_value(struct out *o, const struct medsec_cpe *c, int a)
{
    const char *v = c->text + c->off[a];
    size_t i, n = c->len[a];

    if (c->kind[a] == MEDSEC_CPE_ANY)
        return;
    if (c->kind[a] == MEDSEC_CPE_NA) {
        out_c(o, '-');
        return;
    }
    if (n == 2 && v[0] == '\\' && v[1] == '-') {
        out_s(o, "%2d"); /* a bare "-" would read back as NA */
        return;
    }
    for (i = 0; i < n; i++) {
        int ch = (unsigned char)v[i];
        if (ch == '\\' && i + 1 < n) {
            ch = (unsigned char)v[++i];
            if (ch == '-' || ch == '.')
                out_c(o, (char)ch);
            else
                pct(o, ch);
        } else if (ch == '?') {
            out_s(o, "%01");
        } else if (ch == '*') {
            out_s(o, "%02");
        } else {
            out_c(o, (char)ch);
        }
    }
}

medsec_err medsec_cpe_format_uri(const struct medsec_cpe *c, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0, 0};
    size_t keep;
    int a, packed;

    if (!cap)
        return MEDSEC_ETOOBIG;
    buf[0] = '\0';
    packed = c->kind[MEDSEC_CPE_SW_EDITION] != MEDSEC_CPE_ANY ||
             c->kind[MEDSEC_CPE_TARGET_SW] != MEDSEC_CPE_ANY ||
             c->kind[MEDSEC_CPE_TARGET_HW] != MEDSEC_CPE_ANY ||
             c->kind[MEDSEC_CPE_OTHER] != MEDSEC_CPE_ANY;
    out_s(&o, "cpe:/");
    keep = o.len;
    for (a = 0; a <= MEDSEC_CPE_LANGUAGE; a++) {
        if (a)
            out_c(&o, ':');
        if (a == MEDSEC_CPE_EDITION && packed) {
            static const int f[5] = {MEDSEC_CPE_EDITION, MEDSEC_CPE_SW_EDITION,
                                     MEDSEC_CPE_TARGET_SW, MEDSEC_CPE_TARGET_HW, MEDSEC_CPE_OTHER};
            int k;
            for (k = 0; k < 5; k++) {
                out_c(&o, '~');
                bind_uri_value(&o, c, f[k]);
            }
        } else {
            bind_uri_value(&o, c, a);
        }
        if (o.buf[o.len ? o.len - 1 : 0] != ':')
            keep = o.len; /* drop trailing empty components */
    }
    if (o.over)
        return MEDSEC_ETOOBIG;
    o.len = keep;
    buf[keep] = '\0';
    return MEDSEC_OK;
}

medsec_err medsec_cpe_unquoted(const struct medsec_cpe *c, enum medsec_cpe_attr a, char *buf,
                               size_t cap)
{
    struct out o = {buf, cap, 0, 0};
    const char *v;

    if (!cap)
        return MEDSEC_ETOOBIG;
    buf[0] = '\0';
    if (c->kind[a] != MEDSEC_CPE_VALUE) {
        out_c(&o, c->kind[a] == MEDSEC_CPE_ANY ? '*' : '-');
        return o.over ? MEDSEC_ETOOBIG : MEDSEC_OK;
    }
    for (v = c->text + c->off[a]; *v; v++) {
        if (*v == '\\' && v[1])
            v++;
        out_c(&o, *v);
    }
    return o.over ? MEDSEC_ETOOBIG : MEDSEC_OK;
}

static void key_part(struct out *o, const char *v)
{
    for (; *v; v++) {
        if (*v == '\\' && v[1]) {
            v++;
            if (*v == ':' || *v == '\\')
                out_c(o, '\\');
        }
        out_c(o, *v);
    }
}

medsec_err medsec_cpe_key(const struct medsec_cpe *c, char *buf, size_t cap)
{
    struct out o = {buf, cap, 0, 0};

    if (!cap)
        return MEDSEC_ETOOBIG;
    buf[0] = '\0';
    if (c->kind[MEDSEC_CPE_VENDOR] != MEDSEC_CPE_VALUE ||
        c->kind[MEDSEC_CPE_PRODUCT] != MEDSEC_CPE_VALUE || c->wild[MEDSEC_CPE_VENDOR] ||
        c->wild[MEDSEC_CPE_PRODUCT])
        return MEDSEC_EINVAL;
    key_part(&o, c->text + c->off[MEDSEC_CPE_VENDOR]);
    out_c(&o, ':');
    key_part(&o, c->text + c->off[MEDSEC_CPE_PRODUCT]);
    return o.over ? MEDSEC_ETOOBIG : MEDSEC_OK;
}

/* Byte offsets where the logical characters of @v (@n bytes, WFN quoting) start; returns the count.
 */
static size_t char_starts(const char *v, size_t n, unsigned short *pos, size_t max)
{
    size_t i, k = 0;

    for (i = 0; i < n && k < max; i++) {
        pos[k++] = (unsigned short)i;
        if (v[i] == '\\')
            i++;
    }
    return k;
}

/*
 * NISTIR 7696 wildcard match: @pat (source, may start with '*' or up to N '?', may end likewise)
 * against
 * @tgt. A leading/trailing '?' run of length N allows up to N characters there; '*' allows any
 * number.
 */
static int wild_match(const char *pat, size_t pn, const char *tgt, size_t tn)
{
    unsigned short pos[MEDSEC_CPE_TEXT_MAX / 2 + 2];
    long begins = 0, ends = 0;
    size_t ps = 0, pe = pn, nchars, lit_chars, i;

    if (ps < pe && pat[ps] == '*') {
        begins = -1;
        ps++;
    } else {
        while (ps < pe && pat[ps] == '?') {
            begins++;
            ps++;
        }
    }
    /* a trailing wildcard is unquoted when not preceded by a '\' (values are canonically quoted) */
    if (pe > ps && pat[pe - 1] == '*' && !(pe >= 2 && pat[pe - 2] == '\\')) {
        ends = -1;
        pe--;
    } else {
        while (pe > ps && pat[pe - 1] == '?' && !(pe >= 2 && pat[pe - 2] == '\\')) {
            ends++;
            pe--;
        }
    }
    nchars = char_starts(tgt, tn, pos, sizeof pos / sizeof pos[0]);
    pos[nchars] = (unsigned short)tn;
    {
        unsigned short lp[MEDSEC_CPE_TEXT_MAX / 2 + 2];
        lit_chars = char_starts(pat + ps, pe - ps, lp, sizeof lp / sizeof lp[0]);
    }
    for (i = 0; i + lit_chars <= nchars; i++) {
        size_t after;
        if ((size_t)(pos[i + lit_chars] - pos[i]) != pe - ps ||
            memcmp(tgt + pos[i], pat + ps, pe - ps) != 0)
            continue;
        if (begins != -1 && (long)i > begins)
            return 0; /* later occurrences only move further right */
        after = nchars - i - lit_chars;
        if (ends != -1 && (long)after > ends)
            continue;
        return 1;
    }
    return 0;
}

enum medsec_cpe_relation medsec_cpe_compare_attr(const struct medsec_cpe *source,
                                                 const struct medsec_cpe *target,
                                                 enum medsec_cpe_attr a)
{
    int sk = source->kind[a], tk = target->kind[a];
    const char *sv = source->text + source->off[a], *tv = target->text + target->off[a];

    if (sk == MEDSEC_CPE_ANY)
        return tk == MEDSEC_CPE_ANY ? MEDSEC_CPE_EQUAL : MEDSEC_CPE_SUPERSET;
    if (tk == MEDSEC_CPE_VALUE && target->wild[a])
        return MEDSEC_CPE_UNDEFINED;
    if (sk == MEDSEC_CPE_NA) {
        if (tk == MEDSEC_CPE_ANY)
            return MEDSEC_CPE_SUBSET;
        return tk == MEDSEC_CPE_NA ? MEDSEC_CPE_EQUAL : MEDSEC_CPE_DISJOINT;
    }
    /* source is a value */
    if (tk == MEDSEC_CPE_ANY)
        return MEDSEC_CPE_SUBSET;
    if (tk == MEDSEC_CPE_NA)
        return MEDSEC_CPE_DISJOINT;
    if (source->wild[a])
        return wild_match(sv, source->len[a], tv, target->len[a]) ? MEDSEC_CPE_SUPERSET
                                                                  : MEDSEC_CPE_DISJOINT;
    return (source->len[a] == target->len[a] && memcmp(sv, tv, source->len[a]) == 0)
               ? MEDSEC_CPE_EQUAL
               : MEDSEC_CPE_DISJOINT;
}

bool medsec_cpe_superset(const struct medsec_cpe *source, const struct medsec_cpe *target)
{
    int a;

    for (a = 0; a < MEDSEC_CPE_NATTR; a++) {
        enum medsec_cpe_relation r =
            medsec_cpe_compare_attr(source, target, (enum medsec_cpe_attr)a);
        if (r != MEDSEC_CPE_SUPERSET && r != MEDSEC_CPE_EQUAL)
            return false;
    }
    return true;
}

bool medsec_cpe_subset(const struct medsec_cpe *source, const struct medsec_cpe *target)
{
    int a;

    for (a = 0; a < MEDSEC_CPE_NATTR; a++) {
        enum medsec_cpe_relation r =
            medsec_cpe_compare_attr(source, target, (enum medsec_cpe_attr)a);
        if (r != MEDSEC_CPE_SUBSET && r != MEDSEC_CPE_EQUAL)
            return false;
    }
    return true;
}

bool medsec_cpe_equal(const struct medsec_cpe *source, const struct medsec_cpe *target)
{
    int a;

    for (a = 0; a < MEDSEC_CPE_NATTR; a++)
        if (medsec_cpe_compare_attr(source, target, (enum medsec_cpe_attr)a) != MEDSEC_CPE_EQUAL)
            return false;
    return true;
}

bool medsec_cpe_disjoint(const struct medsec_cpe *source, const struct medsec_cpe *target)
{
    int a;

    for (a = 0; a < MEDSEC_CPE_NATTR; a++)
        if (medsec_cpe_compare_attr(source, target, (enum medsec_cpe_attr)a) == MEDSEC_CPE_DISJOINT)
            return true;
    return false;
}

bool medsec_cpe_match(const struct medsec_cpe *criterion, const struct medsec_cpe *component,
                      unsigned flags)
{
    int a;

    for (a = 0; a < MEDSEC_CPE_NATTR; a++) {
        enum medsec_cpe_relation r;
        if (a == MEDSEC_CPE_VERSION && (flags & MEDSEC_CPE_MATCH_IGNORE_VERSION))
            continue;
        r = medsec_cpe_compare_attr(criterion, component, (enum medsec_cpe_attr)a);
        if (r != MEDSEC_CPE_SUPERSET && r != MEDSEC_CPE_EQUAL)
            return false;
    }
    return true;
}

bool medsec_cpe_same(const struct medsec_cpe *a, const struct medsec_cpe *b)
{
    int i;

    for (i = 0; i < MEDSEC_CPE_NATTR; i++) {
        if (a->kind[i] != b->kind[i])
            return false;
        if (a->kind[i] == MEDSEC_CPE_VALUE &&
            (a->len[i] != b->len[i] ||
             memcmp(a->text + a->off[i], b->text + b->off[i], a->len[i]) != 0))
            return false;
    }
    return true;
}

medsec_err medsec_cpe_version_key_str(const char *version, char *buf, size_t cap)
{
    size_t n = strlen(version);
    if (n == 0 || strcmp(version, "*") == 0 || strcmp(version, "-") == 0)
        return MEDSEC_ENOTFOUND;
    if (n + 1 > cap)
        return MEDSEC_ETOOBIG;
    for (size_t i = 0; i < n; i++)
        buf[i] = (char)tolower((unsigned char)version[i]);
    buf[n] = '\0';
    /* drop trailing ".0" components, keeping the first component */
    while (n >= 3 && buf[n - 1] == '0' && buf[n - 2] == '.' && isdigit((unsigned char)buf[n - 3])) {
        n -= 2;
        buf[n] = '\0';
    }
    return MEDSEC_OK;
}

medsec_err medsec_cpe_version_key(const struct medsec_cpe *c, char *buf, size_t cap)
{
    if (medsec_cpe_kind(c, MEDSEC_CPE_VERSION) != MEDSEC_CPE_VALUE || c->wild[MEDSEC_CPE_VERSION])
        return MEDSEC_ENOTFOUND;
    char v[MEDSEC_CPE_TEXT_MAX];
    medsec_err rc = medsec_cpe_unquoted(c, MEDSEC_CPE_VERSION, v, sizeof v);
    if (rc)
        return rc;
    return medsec_cpe_version_key_str(v, buf, cap);
}

medsec_err medsec_cpe_set_version(struct medsec_cpe *c, const char *version,
                                  struct medsec_error *err)
{
    /* bind @c with @version in place of its version, then read the whole name back */
    char fs[MEDSEC_CPE_MAX_LEN + 1];
    struct out o = {fs, sizeof fs, 0, 0};
    int a;

    out_s(&o, "cpe:2.3");
    for (a = 0; a < MEDSEC_CPE_NATTR; a++) {
        out_c(&o, ':');
        if (a != MEDSEC_CPE_VERSION) {
            bind_fs_value(&o, c, a);
            continue;
        }
        for (const char *v = version; *v; v++) {
            int ch = (unsigned char)*v;
            if (!(is_alnum_(ch) || ch == '.' || ch == '-'))
                out_c(&o, '\\');
            out_c(&o, (char)ch);
        }
    }
    if (o.over)
        return fail(err, MEDSEC_ETOOBIG, "CPE name too long");
    return medsec_cpe_parse_fs(fs, o.len, c, err);
}

bool medsec_cpe_fs_attr(const char *fs, enum medsec_cpe_attr a, char *out, size_t cap)
{
    int idx = (int)a + 2, field = 0; /* fields 0 and 1 are "cpe" and "2.3" */
    size_t o = 0;

    if (!cap)
        return false;
    for (const char *p = fs; *p; p++) {
        if (*p == '\\' && p[1]) {
            if (field == idx) {
                if (o + 1 >= cap)
                    return false;
                out[o++] = (char)lower((unsigned char)p[1]);
            }
            p++;
            continue;
        }
        if (*p == ':') {
            if (field == idx)
                break;
            field++;
            continue;
        }
        if (field == idx) {
            if (o + 1 >= cap)
                return false;
            out[o++] = (char)lower((unsigned char)*p);
        }
    }
    if (field != idx)
        return false;
    out[o] = '\0';
    return true;
}

void medsec_cpe_vp_read(const char *fs, struct medsec_cpe_vp *out)
{
    out->known = medsec_cpe_fs_attr(fs, MEDSEC_CPE_VENDOR, out->vendor, sizeof out->vendor) &&
                 medsec_cpe_fs_attr(fs, MEDSEC_CPE_PRODUCT, out->product, sizeof out->product);
    out->vendor_wild = out->known && strpbrk(out->vendor, "*?") != NULL;
    out->product_wild = out->known && strpbrk(out->product, "*?") != NULL;
}
