/*
 * generic.c: vendor and CPE-ranged versions (openssl 1.1.1k, dropbear 2020.81, linux 4.14.0-rc1):
 * numeric runs compare as numbers, pre-release words sort before the release, other letters (patch
 * letters, "p1") after it. Rules and examples: docs/versions.md.
 */
#include <stdbool.h>
#include <string.h>

#include "schemes.h"
#include "vutil.h"

#define GEN_VERSION_MAX 256

enum gen_kind { G_END, G_PRE, G_WORD, G_NUM }; /* at a mismatch the later kind is newer */

struct gen_token {
    enum gen_kind kind;
    const char *p;
    size_t n;
    int rank; /* G_PRE: dev < snapshot < alpha < beta < pre/preview < rc */
};

static bool word_is(const char *p, size_t n, const char *w)
{
    return vu_strcmp(p, n, w, strlen(w), true) == 0;
}

static int pre_rank(const char *p, size_t n)
{
    static const struct {
        const char *word;
        int rank;
    } pre[] = {{"dev", 1}, {"snapshot", 2}, {"alpha", 3}, {"beta", 4},
               {"pre", 5}, {"preview", 5},  {"rc", 6}};
    for (size_t i = 0; i < sizeof pre / sizeof pre[0]; i++)
        if (word_is(p, n, pre[i].word))
            return pre[i].rank;
    return 0;
}

/* Next numeric or alphabetic run at *pos; separators (anything else) are skipped. */
static void gen_next(const char *s, size_t len, size_t *pos, struct gen_token *t)
{
    size_t i = *pos;
    while (i < len && !vu_alnum(s[i]))
        i++;
    if (i >= len) {
        *t = (struct gen_token){G_END, NULL, 0, 0};
        *pos = i;
        return;
    }
    size_t k = i;
    bool num = vu_digit(s[i]);
    while (k < len && (num ? vu_digit(s[k]) : vu_alpha(s[k])))
        k++;
    if (num) {
        *t = (struct gen_token){G_NUM, s + i, k - i, 0};
    } else {
        int r = pre_rank(s + i, k - i);
        *t = (struct gen_token){r ? G_PRE : G_WORD, s + i, k - i, r};
    }
    *pos = k;
}

static bool is_zero(const struct gen_token *t)
{
    return vu_numzero(t->p, t->n);
}

static bool valid(const char *v)
{
    size_t len = strnlen(v, GEN_VERSION_MAX + 1);
    if (len == 0 || len > GEN_VERSION_MAX)
        return false;
    bool alnum = false;
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c <= ' ' || c >= 0x7f)
            return false;
        alnum = alnum || vu_alnum(c);
    }
    return alnum;
}

/*
 * Order of token kinds at a mismatch: pre-release word < the number 0 < other word < other number.
 * A 0 sits where the end of a version does (1.0 = 1), so that 1.0 < 1.0a like 1 < 1a; with 0 above
 * words the order was not transitive (1 = 1.0 > 1.h2 > 1, found by fuzz_version).
 */
static int kind_rank(const struct gen_token *t)
{
    switch (t->kind) {
    case G_PRE: return 1;
    case G_NUM: return is_zero(t) ? 2 : 4;
    case G_WORD: return 3;
    default: return 0;
    }
}

/*
 * Token by token: numbers numerically, pre-release words by rank, other words case-insensitively;
 * at a kind mismatch a number other than 0 beats a word, any word beats 0, 0 beats a pre-release
 * word (kind_rank). When one side runs out, trailing zero numbers do not count (1.0 = 1.0.0), a
 * pre-release word makes the longer one older, anything else makes it newer. This is the
 * lexicographic order of the token lists padded with zeros, so it is a total preorder.
 */
static int cmp(const char *a, const char *b)
{
    size_t la = strnlen(a, GEN_VERSION_MAX + 1), lb = strnlen(b, GEN_VERSION_MAX + 1);
    size_t i = 0, j = 0;
    struct gen_token x, y;
    for (;;) {
        gen_next(a, la, &i, &x);
        gen_next(b, lb, &j, &y);
        if (x.kind == G_END || y.kind == G_END)
            break;
        int c = 0;
        if (x.kind != y.kind)
            c = (kind_rank(&x) > kind_rank(&y)) - (kind_rank(&x) < kind_rank(&y));
        else if (x.kind == G_NUM)
            c = vu_numcmp(x.p, x.n, y.p, y.n);
        else if (x.kind == G_PRE)
            c = (x.rank > y.rank) - (x.rank < y.rank);
        else
            c = vu_strcmp(x.p, x.n, y.p, y.n, true);
        if (c)
            return c;
    }
    int sign = 1;
    const char *s = a;
    size_t len = la, pos = i;
    struct gen_token t = x;
    if (x.kind == G_END) {
        sign = -1;
        s = b, len = lb, pos = j, t = y;
    }
    while (t.kind == G_NUM && is_zero(&t))
        gen_next(s, len, &pos, &t);
    if (t.kind == G_END)
        return 0;
    return t.kind == G_PRE ? -sign : sign;
}

const struct vscheme_ops vs_generic = {valid, cmp};
