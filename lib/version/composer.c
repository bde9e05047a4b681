/* composer.c: Packagist / Composer versions ordered as PHP's version_compare() after dropping a "v"
 * prefix. */
#include <stdbool.h>
#include <string.h>

#include "schemes.h"
#include "vutil.h"

#define PHP_VERSION_MAX 256
#define PHP_PARTS_MAX 64

struct php_parts {
    char buf[2 * PHP_VERSION_MAX + 1]; /* canonical text, components NUL-separated */
    const char *part[PHP_PARTS_MAX];
    size_t n;
};

/* version_compare's "non-digit" while canonicalising: neither a digit nor '.' */
static bool php_isndig(char c)
{
    return !vu_digit(c) && c != '.';
}

/*
 * Canonicalise as PHP does ("-", "_", "+" and other punctuation become ".", a "." goes between a
 * digit and a non-digit, runs of "." collapse), then split at ".". False for text we do not accept
 * as a version: empty, over the caps, control characters or spaces, or an empty component ("1..2"
 * is fine, "1." is not).
 */
static bool php_split(const char *v, struct php_parts *out)
{
    if (v[0] == 'v' || v[0] == 'V')
        v++;
    size_t len = strnlen(v, PHP_VERSION_MAX + 1);
    if (len == 0 || len > PHP_VERSION_MAX)
        return false;
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)v[i] <= ' ' || (unsigned char)v[i] >= 0x7f)
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

static bool valid(const char *v)
{
    struct php_parts p;
    return php_split(v, &p);
}

static int cmp(const char *a, const char *b)
{
    struct php_parts x, y;
    if (!php_split(a, &x) || !php_split(b, &y))
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
