/*
 * composer.c: Packagist / Composer versions as composer/semver 3 orders them: a version is what
 * VersionParser::normalize() accepts (and not a "dev-" branch, which Composer never orders), and
 * two versions compare as PHP's version_compare() of their normalized forms (Comparator,
 * Constraint).
 */
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "schemes.h"
#include "vutil.h"

#define PHP_VERSION_MAX 256
#define PHP_PARTS_MAX 64
/* a normalized version: the input plus ".0" padding, "-patch"/"-alpha" and "-dev" */
#define COMPOSER_NORM_MAX (PHP_VERSION_MAX + 64)

struct php_parts {
    char buf[2 * COMPOSER_NORM_MAX + 1]; /* canonical text, components NUL-separated */
    const char *part[PHP_PARTS_MAX];
    size_t n;
};

/* version_compare's "non-digit" while canonicalising: neither a digit nor '.' */
static bool php_isndig(char c)
{
    return !vu_digit(c) && c != '.';
}

/*
 * Canonicalise a normalized version as version_compare() does ("-", "_", "+" and other punctuation
 * become ".", a "." goes between a digit and a non-digit, runs of "." collapse), then split at ".".
 * False when a component is empty (normalized versions have none) or there are too many.
 */
static bool php_split(const char *v, size_t len, struct php_parts *out)
{
    if (len == 0)
        return false;
    char *q = out->buf;
    char lp = v[0];
    *q++ = v[0];
    for (size_t i = 1; i < len; i++) {
        char c = v[i];
        if (c == '-' || c == '_' || c == '+') {
            if (q[-1] != '.')
                *q++ = '.';
        } else if ((php_isndig(lp) && vu_digit(c)) || (vu_digit(lp) && php_isndig(c))) {
            if (q[-1] != '.')
                *q++ = '.';
            *q++ = c;
        } else if (!vu_alnum(c)) {
            if (q[-1] != '.')
                *q++ = '.';
        } else {
            *q++ = c;
        }
        lp = c;
    }
    *q = '\0';
    out->n = 0;
    char *p = out->buf;
    for (;;) {
        char *dot = strchr(p, '.');
        if (dot)
            *dot = '\0';
        if (*p == '\0' || out->n == PHP_PARTS_MAX)
            return false;
        out->part[out->n++] = p;
        if (!dot)
            return true;
        p = dot + 1;
    }
}

/* PHP's special forms, matched as prefixes in this order; anything else sorts below "dev". */
static int php_form_order(const char *s)
{
    static const struct {
        const char *name;
        int order;
    } forms[] = {{"dev", 0}, {"alpha", 1}, {"a", 1}, {"beta", 2}, {"b", 2},
                 {"RC", 3},  {"rc", 3},    {"#", 4}, {"pl", 5},   {"p", 5}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (strncmp(s, forms[i].name, strlen(forms[i].name)) == 0)
            return forms[i].order;
    return -6;
}

static int sign(int x)
{
    return (x > 0) - (x < 0);
}

static int php_part_cmp(const char *a, const char *b)
{
    bool da = vu_digit(a[0]), db = vu_digit(b[0]);
    if (da && db)
        return vu_numcmp(a, strlen(a), b, strlen(b)); /* unbounded; PHP saturates at LONG_MAX */
    if (!da && !db)
        return sign(php_form_order(a) - php_form_order(b));
    return da ? sign(4 - php_form_order(b)) : sign(php_form_order(a) - 4);
}

/* version_compare(rest, "#"): what the extra components of the longer version weigh. */
static int php_tail(const struct php_parts *p, size_t k)
{
    for (; k < p->n; k++) {
        if (!vu_digit(p->part[k][0])) {
            int c = sign(php_form_order(p->part[k]) - 4);
            if (c)
                return c;
        }
        if (k + 1 < p->n && vu_digit(p->part[k + 1][0]))
            return 1;
    }
    return 0;
}

/* A bounded writer for the normalized text. */
struct nbuf {
    char s[COMPOSER_NORM_MAX];
    size_t n;
    bool full;
};

static void nb_put(struct nbuf *b, const char *s, size_t n)
{
    if (b->full || n >= sizeof b->s - b->n) {
        b->full = true;
        return;
    }
    memcpy(b->s + b->n, s, n);
    b->n += n;
    b->s[b->n] = '\0';
}

static bool nocase_prefix(const char *s, size_t n, const char *w)
{
    size_t k = strlen(w);
    return n >= k && strncasecmp(s, w, k) == 0;
}

static size_t digits(const char *s, size_t n)
{
    size_t i = 0;
    while (i < n && vu_digit((unsigned char)s[i]))
        i++;
    return i;
}

/* What the stability modifier at the end of a version holds. */
struct modifier {
    const char *word; /* NULL: none */
    size_t wlen;
    const char *num; /* the "(?:[.-]?\d+)*" run after the word */
    size_t nlen;
    bool dev;
};

/* "([.-]?dev)?" up to the end. */
static bool mod_dev_end(const char *s, size_t n, struct modifier *m)
{
    if (n == 0)
        return true;
    if (s[0] == '.' || s[0] == '-') {
        s++;
        n--;
    }
    m->dev = n == 3 && strncasecmp(s, "dev", 3) == 0;
    return m->dev;
}

/*
 * VersionParser's $modifierRegex anchored at the end:
 * [._-]?(?:(stable|beta|b|RC|alpha|a|patch|pl|p)((?:[.-]?\d+)*+)?)?([.-]?dev)?$, case-insensitive,
 * taken in PCRE's order of alternatives (so "bdev" is "b" then "dev").
 */
static bool mod_match(const char *s, size_t n, struct modifier *m)
{
    static const char *const words[] = {"stable", "beta",  "b",  "RC", "alpha",
                                        "a",      "patch", "pl", "p"};
    for (int sep = 1; sep >= 0; sep--) {
        const char *r = s;
        size_t rn = n;
        if (sep) {
            if (rn == 0 || (r[0] != '.' && r[0] != '_' && r[0] != '-'))
                continue;
            r++;
            rn--;
        }
        for (size_t w = 0; w < sizeof words / sizeof words[0]; w++) {
            if (!nocase_prefix(r, rn, words[w]))
                continue;
            size_t k = strlen(words[w]), p = k;
            for (;;) { /* possessive: as many [.-]?\d+ as there are */
                size_t q = p < rn && (r[p] == '.' || r[p] == '-') ? p + 1 : p;
                size_t d = digits(r + q, rn - q);
                if (d == 0)
                    break;
                p = q + d;
            }
            *m = (struct modifier){r, k, r + k, p - k, false};
            if (mod_dev_end(r + p, rn - p, m))
                return true;
        }
        *m = (struct modifier){0};
        if (mod_dev_end(r, rn, m))
            return true;
    }
    return false;
}

/* Append the modifier as normalize() does; false when it ends the version ("stable"). */
static void mod_put(struct nbuf *b, const struct modifier *m)
{
    if (m->word) {
        if (m->wlen == 6 && memcmp(m->word, "stable", 6) == 0)
            return; /* exactly "stable" (case-sensitive in Composer): the release itself */
        char w[8];
        for (size_t i = 0; i < m->wlen; i++)
            w[i] = (char)vu_lower((unsigned char)m->word[i]);
        w[m->wlen] = '\0';
        const char *x = strcmp(w, "a") == 0                           ? "alpha"
                        : strcmp(w, "b") == 0                         ? "beta"
                        : strcmp(w, "p") == 0 || strcmp(w, "pl") == 0 ? "patch"
                        : strcmp(w, "rc") == 0                        ? "RC"
                                                                      : w;
        nb_put(b, "-", 1);
        nb_put(b, x, strlen(x));
        const char *num = m->num;
        size_t nn = m->nlen;
        while (nn > 0 && (*num == '.' || *num == '-')) { /* ltrim(..., '.-') */
            num++;
            nn--;
        }
        nb_put(b, num, nn);
    }
    if (m->dev)
        nb_put(b, "-dev", 4);
}

/* "v?(\d{1,5})(\.\d++)?(\.\d++)?(\.\d++)?" + modifier, numbers padded to four with ".0". */
static bool norm_classical(const char *s, size_t n, struct nbuf *b)
{
    size_t p = n > 0 && (s[0] == 'v' || s[0] == 'V') ? 1 : 0;
    size_t d = digits(s + p, n - p);
    if (d < 1 || d > 5)
        return false; /* a sixth digit can start neither a number group nor the modifier */
    nb_put(b, s + p, d);
    p += d;
    int groups = 1;
    for (; groups < 4 && p + 1 < n && s[p] == '.' && vu_digit((unsigned char)s[p + 1]); groups++) {
        d = 1 + digits(s + p + 1, n - p - 1);
        nb_put(b, s + p, d);
        p += d;
    }
    struct modifier m;
    if (!mod_match(s + p, n - p, &m))
        return false;
    for (; groups < 4; groups++)
        nb_put(b, ".0", 2);
    mod_put(b, &m);
    return true;
}

/* After "\d{4}": "(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?" up to the end of s[0..n). */
static bool date_rest(const char *s, size_t n, size_t p, int groups)
{
    if (groups >= 1) {
        size_t q = p < n && (s[p] == '.' || s[p] == ':' || s[p] == '-') ? p + 1 : p;
        size_t d = digits(s + q, n - q);
        if (p == n || (q + d == n && d >= 1 && d <= 3))
            return true;
    }
    if (groups == 6)
        return false;
    size_t q = p < n && (s[p] == '.' || s[p] == ':' || s[p] == '-') ? p + 1 : p;
    return q + 2 <= n && vu_digit((unsigned char)s[q]) && vu_digit((unsigned char)s[q + 1]) &&
           date_rest(s, n, q + 2, groups + 1);
}

/* "v?(\d{4}(?:[.:-]?\d{2}){1,6}(?:[.:-]?\d{1,3})?)" + modifier; separators become ".". */
static bool norm_date(const char *s, size_t n, struct nbuf *b)
{
    size_t p = n > 0 && (s[0] == 'v' || s[0] == 'V') ? 1 : 0;
    /* The date ends at the last digit of the leading run of digits and [.:-]: the modifier can
     * start neither with a digit nor with a separator before one. */
    size_t e = p, last = p;
    while (e < n && (vu_digit((unsigned char)s[e]) || s[e] == '.' || s[e] == ':' || s[e] == '-'))
        if (vu_digit((unsigned char)s[e++]))
            last = e;
    struct modifier m;
    if (last - p < 4 || digits(s + p, 4) != 4 || !date_rest(s + p, last - p, 4, 0) ||
        !mod_match(s + last, n - last, &m))
        return false;
    for (size_t i = p; i < last; i++)
        nb_put(b, vu_digit((unsigned char)s[i]) ? s + i : ".", 1);
    mod_put(b, &m);
    return true;
}

/* normalizeBranch() of a numeric branch ("1.x", "v2.0.*"): x becomes 9999999, "-dev" appended;
 * anything else would be a "dev-" branch. */
static bool norm_branch(const char *s, size_t n, struct nbuf *b)
{
    vu_trim(&s, &n);
    size_t p = n > 0 && (s[0] == 'v' || s[0] == 'V') ? 1 : 0;
    size_t d = digits(s + p, n - p);
    if (d == 0)
        return false;
    nb_put(b, s + p, d);
    p += d;
    int groups = 1;
    for (; groups < 4 && p + 1 < n && s[p] == '.'; groups++) {
        char c = s[p + 1];
        if (c == 'x' || c == 'X' || c == '*') {
            nb_put(b, ".9999999", 8);
            p += 2;
        } else if (vu_digit((unsigned char)c)) {
            d = 1 + digits(s + p + 1, n - p - 1);
            nb_put(b, s + p, d);
            p += d;
        } else {
            return false;
        }
    }
    if (p != n)
        return false;
    for (; groups < 4; groups++)
        nb_put(b, ".9999999", 8);
    nb_put(b, "-dev", 4);
    return true;
}

/*
 * VersionParser::normalize() into @b; false when Composer throws, and for branches ("dev-x",
 * "master"), which have no order. Control characters inside the version are refused.
 */
static bool composer_normalize(const char *v, struct nbuf *b)
{
    size_t n = strnlen(v, PHP_VERSION_MAX + 1);
    if (n > PHP_VERSION_MAX)
        return false;
    const char *s = v;
    /* PHP trim(): " \t\n\r\0\x0B" */
    while (n > 0 && (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == '\v')) {
        s++;
        n--;
    }
    while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\n' || s[n - 1] == '\r' ||
                     s[n - 1] == '\v'))
        n--;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < ' ' || s[i] == 0x7f)
            return false;
    /* an alias "1.0 as 2.0" is its first version */
    size_t i = 0;
    while (i < n && s[i] != ',' && !vu_space((unsigned char)s[i]))
        i++;
    if (i > 0 && i < n && s[i] == ' ') {
        size_t j = i;
        while (j < n && s[j] == ' ')
            j++;
        if (j > i && j + 2 < n && s[j] == 'a' && s[j + 1] == 's' && s[j + 2] == ' ') {
            size_t k = j + 2;
            while (k < n && s[k] == ' ')
                k++;
            size_t r = k;
            while (r < n && s[r] != ',' && !vu_space((unsigned char)s[r]))
                r++;
            if (k < n && r == n)
                n = i;
        }
    }
    /* a stability flag "@beta" */
    static const char *const flags[] = {"stable", "RC", "beta", "alpha", "dev"};
    for (size_t f = 0; f < sizeof flags / sizeof flags[0]; f++) {
        size_t k = strlen(flags[f]);
        if (n > k && s[n - k - 1] == '@' && strncasecmp(s + n - k, flags[f], k) == 0) {
            n -= k + 1;
            break;
        }
    }
    if ((n == 6 && memcmp(s, "master", 6) == 0) || (n == 5 && memcmp(s, "trunk", 5) == 0) ||
        (n == 7 && memcmp(s, "default", 7) == 0) || nocase_prefix(s, n, "dev-"))
        return false;
    /* build metadata "+..." after a first part without ',' or blanks */
    i = 0;
    while (i < n && s[i] != ',' && s[i] != '+' && !vu_space((unsigned char)s[i]))
        i++;
    if (i > 0 && i + 1 < n && s[i] == '+') {
        size_t j = i + 1;
        while (j < n && !vu_space((unsigned char)s[j]))
            j++;
        if (j == n)
            n = i;
    }
    b->n = 0;
    b->full = false;
    if (norm_classical(s, n, b) && !b->full)
        return true;
    b->n = 0;
    b->full = false;
    if (norm_date(s, n, b) && !b->full)
        return true;
    b->n = 0;
    b->full = false;
    /* "(.*?)[.-]?dev$": a numeric branch such as "1.x-dev" */
    if (n >= 3 && strncasecmp(s + n - 3, "dev", 3) == 0) {
        size_t k = n - 3;
        if (k > 0 && (s[k - 1] == '.' || s[k - 1] == '-'))
            k--;
        if (norm_branch(s, k, b) && !b->full)
            return true;
    }
    return false;
}

/* A normalized version split for version_compare(); false when Composer does not order it. */
static bool composer_parts(const char *v, struct php_parts *p)
{
    struct nbuf b;
    return composer_normalize(v, &b) && php_split(b.s, b.n, p);
}

static bool valid(const char *v)
{
    struct php_parts p;
    return composer_parts(v, &p);
}

static int cmp(const char *a, const char *b)
{
    struct php_parts x, y;
    if (!composer_parts(a, &x) || !composer_parts(b, &y))
        return 0;
    size_t i = 0;
    for (; i < x.n && i < y.n; i++) {
        int c = php_part_cmp(x.part[i], y.part[i]);
        if (c)
            return c;
    }
    if (x.n > y.n)
        return vu_digit(x.part[i][0]) ? 1 : php_tail(&x, i);
    if (y.n > x.n)
        return vu_digit(y.part[i][0]) ? -1 : -php_tail(&y, i);
    return 0;
}

const struct vscheme_ops vs_composer = {valid, cmp};
