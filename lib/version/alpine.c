/* alpine.c: Alpine apk versions (digits{.digits}[letter]{_suffix[N]}[~hash][-rN]) ordered as
 * apk-tools does. */
#include <stdbool.h>
#include <string.h>

#include "schemes.h"
#include "vutil.h"

#define APK_VERSION_MAX 512

/* Token kinds in the order they may appear; a version "ends sooner" when its next kind is larger.
 */
enum apk_tok { T_DIGIT, T_LETTER, T_SUFFIX, T_SUFFIX_NO, T_HASH, T_REVISION, T_END, T_INVALID };

struct apk_token {
    enum apk_tok kind;
    bool first;    /* the initial number (always numeric) */
    const char *p; /* text of the value */
    size_t n;
    int suffix; /* T_SUFFIX: < 0 pre-release, > 0 post-release */
};

struct apk_lexer {
    const char *s;
    size_t i, n;
    enum apk_tok last;
};

static bool is_lower(char c)
{
    return c >= 'a' && c <= 'z';
}
static bool is_hex(char c)
{
    return vu_digit(c) || (c >= 'a' && c <= 'f');
}

/* Pre-release suffixes sort before the release, post-release ones after it. */
static const struct {
    const char *name;
    int value;
} apk_suffixes[] = {
    {"alpha", -4}, {"beta", -3}, {"pre", -2}, {"rc", -1}, {"cvs", 1},
    {"svn", 2},    {"git", 3},   {"hg", 4},   {"p", 5},
};

static size_t digits_at(const struct apk_lexer *lx, size_t i)
{
    size_t k = i;
    while (k < lx->n && vu_digit(lx->s[k]))
        k++;
    return k - i;
}

/* Next token, enforcing the grammar order; T_INVALID on anything apk-tools rejects. */
static void apk_next(struct apk_lexer *lx, struct apk_token *t)
{
    const char *s = lx->s;
    size_t i = lx->i, k;
    *t = (struct apk_token){T_INVALID, false, s + i, 0, 0};
    if (i >= lx->n) {
        t->kind = T_END;
        goto out;
    }
    if (i == 0) {
        k = digits_at(lx, 0);
        if (!k)
            goto out;
        *t = (struct apk_token){T_DIGIT, true, s, k, 0};
        lx->i = k;
        goto out;
    }
    char c = s[i];
    if (c == '.' && lx->last == T_DIGIT && (k = digits_at(lx, i + 1)) > 0) {
        *t = (struct apk_token){T_DIGIT, false, s + i + 1, k, 0};
        lx->i = i + 1 + k;
    } else if (is_lower(c) && lx->last == T_DIGIT) {
        *t = (struct apk_token){T_LETTER, false, s + i, 1, 0};
        lx->i = i + 1;
    } else if (c == '_' && lx->last <= T_SUFFIX_NO) {
        for (size_t m = 0; m < sizeof apk_suffixes / sizeof apk_suffixes[0]; m++) {
            size_t len = strlen(apk_suffixes[m].name);
            if (lx->n - i - 1 >= len && memcmp(s + i + 1, apk_suffixes[m].name, len) == 0 &&
                (i + 1 + len >= lx->n || !is_lower(s[i + 1 + len]))) {
                *t = (struct apk_token){T_SUFFIX, false, s + i + 1, len, apk_suffixes[m].value};
                lx->i = i + 1 + len;
                break;
            }
        }
    } else if (vu_digit(c) && lx->last == T_SUFFIX) {
        k = digits_at(lx, i);
        *t = (struct apk_token){T_SUFFIX_NO, false, s + i, k, 0};
        lx->i = i + k;
    } else if (c == '~' && lx->last < T_HASH) {
        k = i + 1;
        while (k < lx->n && is_hex(s[k]))
            k++;
        if (k > i + 1) {
            *t = (struct apk_token){T_HASH, false, s + i + 1, k - i - 1, 0};
            lx->i = k;
        }
    } else if (c == '-' && i + 1 < lx->n && s[i + 1] == 'r' && lx->last < T_REVISION &&
               (k = digits_at(lx, i + 2)) > 0) {
        *t = (struct apk_token){T_REVISION, false, s + i + 2, k, 0};
        lx->i = i + 2 + k;
    }
out:
    lx->last = t->kind;
}

static bool apk_lexer_init(struct apk_lexer *lx, const char *v)
{
    size_t n = strnlen(v, APK_VERSION_MAX + 1);
    *lx = (struct apk_lexer){v, 0, n, T_DIGIT};
    return n > 0 && n <= APK_VERSION_MAX;
}

static int token_cmp(const struct apk_token *x, const struct apk_token *y)
{
    switch (x->kind) {
    case T_DIGIT:
        /* After a dot, a leading zero makes the component compare as a string (1.02 < 1.1). */
        if (!x->first && (x->p[0] == '0' || y->p[0] == '0'))
            return vu_strcmp(x->p, x->n, y->p, y->n, false);
        return vu_numcmp(x->p, x->n, y->p, y->n);
    case T_SUFFIX_NO:
    case T_REVISION: return vu_numcmp(x->p, x->n, y->p, y->n);
    case T_LETTER: return (x->p[0] > y->p[0]) - (x->p[0] < y->p[0]);
    case T_SUFFIX: return (x->suffix > y->suffix) - (x->suffix < y->suffix);
    case T_HASH: return vu_strcmp(x->p, x->n, y->p, y->n, false);
    default: return 0;
    }
}

static bool valid(const char *v)
{
    struct apk_lexer lx;
    struct apk_token t;
    if (!apk_lexer_init(&lx, v))
        return false;
    do
        apk_next(&lx, &t);
    while (t.kind != T_END && t.kind != T_INVALID);
    return t.kind == T_END;
}

static int cmp(const char *a, const char *b)
{
    struct apk_lexer la, lb;
    struct apk_token x, y;
    if (!apk_lexer_init(&la, a) || !apk_lexer_init(&lb, b))
        return 0;
    for (;;) {
        apk_next(&la, &x);
        apk_next(&lb, &y);
        if (x.kind != y.kind || x.kind == T_END || x.kind == T_INVALID)
            break;
        int c = token_cmp(&x, &y);
        if (c)
            return c;
    }
    if (x.kind == y.kind)
        return 0;
    /* Equal so far: a pre-release suffix sorts first, otherwise the one that ends sooner. */
    if (x.kind == T_SUFFIX && x.suffix < 0)
        return -1;
    if (y.kind == T_SUFFIX && y.suffix < 0)
        return 1;
    return x.kind > y.kind ? -1 : 1;
}

const struct vscheme_ops vs_alpine = {valid, cmp};
