/* vers.c: the vers: version range notation (package-url/vers-spec): parse, canonical form,
 * containment. */
#include <ctype.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "medsec/alloc.h"
#include "medsec/version.h"

#define VERS_TEXT_MAX 16384
#define VERS_CONSTRAINTS_MAX 1024

static const char *const op_text[] = {
    [MEDSEC_VERS_EQ] = "",   [MEDSEC_VERS_NE] = "!=", [MEDSEC_VERS_LT] = "<",
    [MEDSEC_VERS_LE] = "<=", [MEDSEC_VERS_GT] = ">",  [MEDSEC_VERS_GE] = ">=",
    [MEDSEC_VERS_ANY] = "*",
};

void medsec_vers_release(struct medsec_vers *r)
{
    if (!r)
        return;
    for (size_t i = 0; i < r->n; i++)
        medsec_free(r->c[i].version);
    medsec_free(r->c);
    medsec_free(r->scheme_name);
    memset(r, 0, sizeof *r);
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Decode the percent-encoding of [p, p+n) into a new string. */
static medsec_err decode_version(const char *p, size_t n, bool strict, bool datetime, char **out,
                                 struct medsec_error *err)
{
    const char *pre = strict ? "non-canonical VERS: " : "";
    *out = NULL;
    for (size_t i = 0; i < n; i++)
        if (p[i] == '%' && (i + 2 >= n || hexval(p[i + 1]) < 0 || hexval(p[i + 2]) < 0))
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                    "%sinvalid percent-encoding in version", pre);
    if (strict) {
        for (size_t i = 0; i < n; i++)
            if (p[i] == '%' &&
                (islower((unsigned char)p[i + 1]) || islower((unsigned char)p[i + 2])))
                return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                        "%spercent-encoding in version is not canonical", pre);
    }
    char *v = medsec_malloc(n + 1);
    if (!v)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    size_t k = 0;
    bool encoded_colon = false;
    for (size_t i = 0; i < n; i++) {
        if (p[i] == '%') {
            v[k] = (char)(hexval(p[i + 1]) * 16 + hexval(p[i + 2]));
            encoded_colon = encoded_colon || v[k] == ':';
            k++;
            i += 2;
        } else {
            v[k++] = p[i];
        }
    }
    v[k] = '\0';
    if (strict && datetime) {
        if (encoded_colon) {
            medsec_free(v);
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                    "%sdatetime time colons must be unencoded", pre);
        }
        if (strchr(v, 't') || strchr(v, 'z')) {
            medsec_free(v);
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                    "%sdatetime must use uppercase T and Z", pre);
        }
    }
    if (k == 0 || memchr(v, '\0', k) || strchr(v, '*')) {
        medsec_free(v);
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                k ? "a version may not hold '*' or NUL"
                                  : "empty version in a constraint");
    }
    *out = v;
    return MEDSEC_OK;
}

/* vers scheme names beyond the purl types medsec_vscheme_from_name knows: orderings it maps to
 * ours. */
static bool vers_scheme_lookup(const char *name, enum medsec_vscheme *out)
{
    if (strcmp(name, "openssl") == 0) { /* 1.1.1k > 1.1.1: the generic scheme's letter rule */
        *out = MEDSEC_VS_GENERIC;
        return true;
    }
    return medsec_vscheme_from_name(name, out);
}

static enum medsec_vers_op parse_op(const char **p, bool *explicit_eq)
{
    const char *s = *p;
    *explicit_eq = false;
    if (s[0] == '>' && s[1] == '=')
        return *p += 2, MEDSEC_VERS_GE;
    if (s[0] == '<' && s[1] == '=')
        return *p += 2, MEDSEC_VERS_LE;
    if (s[0] == '!' && s[1] == '=')
        return *p += 2, MEDSEC_VERS_NE;
    if (s[0] == '<')
        return *p += 1, MEDSEC_VERS_LT;
    if (s[0] == '>')
        return *p += 1, MEDSEC_VERS_GT;
    if (s[0] == '=') {
        *explicit_eq = true;
        return *p += 1, MEDSEC_VERS_EQ;
    }
    return MEDSEC_VERS_EQ;
}

/* Stable insertion sort by version (the list is capped, so quadratic time is bounded). */
static medsec_err sort_constraints(struct medsec_vers *r, struct medsec_error *err)
{
    for (size_t i = 1; i < r->n; i++) {
        struct medsec_vers_constraint c = r->c[i];
        size_t j = i;
        while (j > 0) {
            int cmp;
            medsec_err e =
                medsec_version_compare(r->scheme, r->c[j - 1].version, c.version, &cmp, err);
            if (e)
                return e;
            if (cmp <= 0)
                break;
            r->c[j] = r->c[j - 1];
            j--;
        }
        r->c[j] = c;
    }
    return MEDSEC_OK;
}

/* ">" or ">=" */
static bool is_lower_bound(enum medsec_vers_op op)
{
    return op == MEDSEC_VERS_GT || op == MEDSEC_VERS_GE;
}

/* "<" or "<=" */
static bool is_upper_bound(enum medsec_vers_op op)
{
    return op == MEDSEC_VERS_LT || op == MEDSEC_VERS_LE;
}

/*
 * The spec's redundant pairs of contiguous constraints ("!=" ignored): ">"/">=" followed by
 * equality, ">" or ">=" (the same as the first), and equality, "<" or "<=" followed by "<" or
 * "<=" (the same as the second).
 */
static bool vers_redundant(enum medsec_vers_op a, enum medsec_vers_op b)
{
    return (is_lower_bound(a) && (b == MEDSEC_VERS_EQ || is_lower_bound(b))) ||
           ((a == MEDSEC_VERS_EQ || is_upper_bound(a)) && is_upper_bound(b));
}

/* Is constraint @i an exact duplicate (same comparator, equal version) of one before it in its run
 * of equal versions? */
static medsec_err vers_dup(const struct medsec_vers *r, size_t i, bool *dup,
                           struct medsec_error *err)
{
    *dup = false;
    for (size_t j = i; j-- > 0 && !*dup;) {
        int c;
        medsec_err e = medsec_version_compare(r->scheme, r->c[j].version, r->c[i].version, &c, err);
        if (e)
            return e;
        if (c != 0)
            break;
        *dup = r->c[j].op == r->c[i].op;
    }
    return MEDSEC_OK;
}

/*
 * The spec's simplification of sorted constraints: the indexes of the constraints other than
 * "!=" that remain once exact duplicates are merged and every redundant pair is reduced (a run of
 * lower bounds keeps its first, a run of upper bounds with the equalities before it keeps its
 * last). @keep holds r->n entries.
 */
static medsec_err vers_kept(const struct medsec_vers *r, uint16_t *keep, size_t *nk,
                            struct medsec_error *err)
{
    size_t k = 0;
    for (size_t i = 0; i < r->n; i++) {
        enum medsec_vers_op op = r->c[i].op;
        bool dup;
        medsec_err e = vers_dup(r, i, &dup, err);
        if (e)
            return e;
        if (op == MEDSEC_VERS_NE || dup)
            continue;
        if (k > 0 && is_lower_bound(r->c[keep[k - 1]].op) &&
            (op == MEDSEC_VERS_EQ || is_lower_bound(op)))
            continue;
        if (is_upper_bound(op))
            while (k > 0 &&
                   (r->c[keep[k - 1]].op == MEDSEC_VERS_EQ || is_upper_bound(r->c[keep[k - 1]].op)))
                k--;
        keep[k++] = (uint16_t)i;
    }
    *nk = k;
    return MEDSEC_OK;
}

static medsec_err vers_parse(const char *s, bool strict, struct medsec_vers *out,
                             struct medsec_error *err)
{
    const char *pre = strict ? "non-canonical VERS: " : "";
    medsec_err e = MEDSEC_OK;
    memset(out, 0, sizeof *out);
    if (!s)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "no vers text");
    size_t len = strnlen(s, VERS_TEXT_MAX + 1);
    if (len > VERS_TEXT_MAX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "vers text longer than %d bytes",
                                VERS_TEXT_MAX);
    char *t = medsec_malloc(len + 1);
    if (!t)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    size_t tn = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == ' ' || s[i] == '\t') {
            if (strict) {
                e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                     "%swhitespace is not permitted", pre);
                goto out_free_text;
            }
            continue;
        }
        t[tn++] = s[i];
    }
    t[tn] = '\0';
    if (strict ? strncmp(t, "vers:", 5) != 0 : strncasecmp(t, "vers:", 5) != 0) {
        e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                             "not a vers: range (must start with \"vers:\")");
        goto out_free_text;
    }
    char *scheme = t + 5;
    char *slash = strchr(scheme, '/');
    if (!slash || slash == scheme) {
        e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                             "vers: range without a \"<scheme>/\" part");
        goto out_free_text;
    }
    *slash = '\0';
    for (char *p = scheme; *p; p++) {
        if (strict && isupper((unsigned char)*p)) {
            e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "%sscheme must be lowercase", pre);
            goto out_free_text;
        }
        if (!isalnum((unsigned char)*p) && !strchr(".+-_", *p)) {
            e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                 "invalid character in vers scheme");
            goto out_free_text;
        }
        *p = (char)tolower((unsigned char)*p);
    }
    out->scheme_name = medsec_strdup(scheme);
    if (!out->scheme_name) {
        e = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_free_text;
    }
    out->known_scheme = vers_scheme_lookup(scheme, &out->scheme);
    if (!out->known_scheme)
        out->scheme = MEDSEC_VS_GENERIC;
    bool datetime = strcmp(scheme, "datetime") == 0;

    char *body = slash + 1;
    size_t bn = strlen(body);
    if (strict && bn && body[0] == '|') {
        e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "%sleading pipe is not permitted",
                             pre);
        goto out_release;
    }
    if (strict && bn && body[bn - 1] == '|') {
        e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "%strailing pipe is not permitted",
                             pre);
        goto out_release;
    }
    if (strict && strstr(body, "||")) {
        e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                             "%sconsecutive pipes are not permitted", pre);
        goto out_release;
    }
    size_t count = 0;
    for (const char *p = body; *p;) {
        while (*p == '|')
            p++;
        if (!*p)
            break;
        count++;
        while (*p && *p != '|')
            p++;
    }
    if (count == 0) {
        e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "vers: range without constraints");
        goto out_release;
    }
    if (count > VERS_CONSTRAINTS_MAX) {
        e = medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "more than %d vers constraints",
                             VERS_CONSTRAINTS_MAX);
        goto out_release;
    }
    out->c = medsec_calloc(count, sizeof *out->c);
    if (!out->c) {
        e = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_release;
    }
    bool all_valid = true;
    for (const char *p = body; *p;) {
        while (*p == '|')
            p++;
        if (!*p)
            break;
        const char *end = strchr(p, '|');
        if (!end)
            end = p + strlen(p);
        if (end - p == 1 && *p == '*') {
            if (count != 1) {
                e = medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                     "'*' must be the only constraint of a vers: range");
                goto out_release;
            }
            out->c[out->n++] = (struct medsec_vers_constraint){MEDSEC_VERS_ANY, NULL};
            break;
        }
        bool explicit_eq;
        const char *v = p;
        enum medsec_vers_op op = parse_op(&v, &explicit_eq);
        if (strict && explicit_eq) {
            e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "%s'=' is implied and not written",
                                 pre);
            goto out_release;
        }
        char *ver;
        e = decode_version(v, (size_t)(end - v), strict, datetime, &ver, err);
        if (e)
            goto out_release;
        out->c[out->n++] = (struct medsec_vers_constraint){op, ver};
        all_valid = all_valid && out->known_scheme && medsec_version_valid(out->scheme, ver);
        p = end;
    }
    /* Parsing is syntax only; the order can be checked or made only when the scheme orders every
     * version. */
    if (all_valid && out->n > 1) {
        if (strict) {
            for (size_t i = 1; i < out->n; i++) {
                int c;
                e = medsec_version_compare(out->scheme, out->c[i - 1].version, out->c[i].version,
                                           &c, err);
                if (e)
                    goto out_release;
                if (c > 0) {
                    e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                         "%sconstraints are not sorted by version", pre);
                    goto out_release;
                }
                if (c == 0) {
                    e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                         "%sversion '%s' occurs more than once", pre,
                                         out->c[i].version);
                    goto out_release;
                }
            }
            /* redundant contiguous constraints ("!=" aside) are invalid, not simplified */
            size_t last = out->n;
            for (size_t i = 0; i < out->n; i++) {
                if (out->c[i].op == MEDSEC_VERS_NE)
                    continue;
                if (last < out->n && vers_redundant(out->c[last].op, out->c[i].op)) {
                    e = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                         "%sredundant constraints '%s%s' and '%s%s'", pre,
                                         op_text[out->c[last].op], out->c[last].version,
                                         op_text[out->c[i].op], out->c[i].version);
                    goto out_release;
                }
                last = i;
            }
        } else if ((e = sort_constraints(out, err)) != MEDSEC_OK) {
            goto out_release;
        }
    }
    medsec_free(t);
    return MEDSEC_OK;

out_release:
    medsec_vers_release(out);
out_free_text:
    medsec_free(t);
    return e;
}

medsec_err medsec_vers_parse(const char *s, struct medsec_vers *out, struct medsec_error *err)
{
    return vers_parse(s, false, out, err);
}

medsec_err medsec_vers_parse_canonical(const char *s, struct medsec_vers *out,
                                       struct medsec_error *err)
{
    return vers_parse(s, true, out, err);
}

/*
 * The spec's containment check on the simplified constraints (a redundant ">=4.2.1|>=5.0.3" is
 * ">=4.2.1"): equality hits first, then the ordered "<"/">" constraints taken pairwise as
 * intervals. A single bound stands alone; a range of only "!=" constraints holds every other
 * version.
 */
medsec_err medsec_vers_contains(const struct medsec_vers *r, const char *version, bool *out,
                                struct medsec_error *err)
{
    *out = false;
    if (r->n == 1 && r->c[0].op == MEDSEC_VERS_ANY) {
        *out = true;
        return MEDSEC_OK;
    }
    if (!r->known_scheme)
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, NULL, 0, 0,
                                "no version ordering for vers scheme '%s'", r->scheme_name);
    if (r->n > VERS_CONSTRAINTS_MAX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "more than %d vers constraints",
                                VERS_CONSTRAINTS_MAX);
    if (!medsec_version_valid(r->scheme, version))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "'%s' is not a valid %s version",
                                version, medsec_vscheme_name(r->scheme));
    for (size_t i = 0; i < r->n; i++)
        if (!medsec_version_valid(r->scheme, r->c[i].version))
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                    "vers constraint version '%s' is not a valid %s version",
                                    r->c[i].version, medsec_vscheme_name(r->scheme));
    uint16_t keep[VERS_CONSTRAINTS_MAX];
    size_t nk, bounds = 0, eq = 0;
    medsec_err ke = vers_kept(r, keep, &nk, err);
    if (ke)
        return ke;
    /* equality hits on the simplified constraints: the kept ones and every "!=" */
    for (size_t i = 0, k = 0; i < r->n; i++) {
        enum medsec_vers_op op = r->c[i].op;
        if (op != MEDSEC_VERS_NE) {
            if (k == nk || keep[k] != i)
                continue;
            k++;
        }
        int c;
        medsec_err e = medsec_version_compare(r->scheme, version, r->c[i].version, &c, err);
        if (e)
            return e;
        if (c == 0 && (op == MEDSEC_VERS_EQ || op == MEDSEC_VERS_LE || op == MEDSEC_VERS_GE)) {
            *out = true;
            return MEDSEC_OK;
        }
        if (c == 0 && op == MEDSEC_VERS_NE)
            return MEDSEC_OK;
        bounds += is_upper_bound(op) || is_lower_bound(op);
        eq += op == MEDSEC_VERS_EQ;
    }
    if (bounds == 0) {
        *out = eq == 0;
        return MEDSEC_OK;
    }
    const struct medsec_vers_constraint *prev = NULL;
    size_t seen = 0;
    for (size_t i = 0; i < nk; i++) {
        const struct medsec_vers_constraint *cur = &r->c[keep[i]];
        if (!is_upper_bound(cur->op) && !is_lower_bound(cur->op))
            continue;
        int c;
        medsec_err e = medsec_version_compare(r->scheme, version, cur->version, &c, err);
        if (e)
            return e;
        seen++;
        if (seen == 1 && is_upper_bound(cur->op) && c < 0)
            goto inside;
        if (seen == bounds && is_lower_bound(cur->op) && c > 0)
            goto inside;
        if (prev && is_lower_bound(prev->op) && is_upper_bound(cur->op) && c < 0) {
            int pc;
            e = medsec_version_compare(r->scheme, version, prev->version, &pc, err);
            if (e)
                return e;
            if (pc > 0)
                goto inside;
        }
        prev = cur;
    }
    return MEDSEC_OK;
inside:
    *out = true;
    return MEDSEC_OK;
}

medsec_err medsec_vers_simplify(struct medsec_vers *r, struct medsec_error *err)
{
    if (r->n <= 1)
        return MEDSEC_OK;
    if (!r->known_scheme)
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, NULL, 0, 0,
                                "no version ordering for vers scheme '%s'", r->scheme_name);
    if (r->n > VERS_CONSTRAINTS_MAX)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "more than %d vers constraints",
                                VERS_CONSTRAINTS_MAX);
    for (size_t i = 0; i < r->n; i++)
        if (!medsec_version_valid(r->scheme, r->c[i].version))
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                    "vers constraint version '%s' is not a valid %s version",
                                    r->c[i].version, medsec_vscheme_name(r->scheme));
    /* The constraints are in the order medsec_vers_parse sorted them; sorting again could move
     * versions that a non-transitive scheme (alpm, composer, conan, maven) orders in a cycle. */
    uint16_t keep[VERS_CONSTRAINTS_MAX];
    uint8_t stays[VERS_CONSTRAINTS_MAX];
    size_t nk, k = 0, w = 0;
    medsec_err e = vers_kept(r, keep, &nk, err);
    if (e)
        return e;
    for (size_t i = 0; i < r->n; i++) { /* decide first: vers_dup reads the constraints before */
        bool in = k < nk && keep[k] == i, dup = false;
        k += in;
        if (r->c[i].op == MEDSEC_VERS_NE && (e = vers_dup(r, i, &dup, err)) != MEDSEC_OK)
            return e;
        stays[i] = in || (r->c[i].op == MEDSEC_VERS_NE && !dup);
    }
    for (size_t i = 0; i < r->n; i++) {
        if (stays[i])
            r->c[w++] = r->c[i];
        else
            medsec_free(r->c[i].version);
    }
    r->n = w;
    return MEDSEC_OK;
}

medsec_err medsec_vers_format(const struct medsec_vers *r, struct medsec_buf *out)
{
    medsec_err e = medsec_buf_addf(out, "vers:%s/", r->scheme_name ? r->scheme_name : "");
    for (size_t i = 0; i < r->n && !e; i++) {
        if (i)
            e = medsec_buf_addc(out, '|');
        if (!e)
            e = medsec_buf_adds(out, op_text[r->c[i].op]);
        for (const char *p = r->c[i].version; p && *p && !e; p++) {
            unsigned char ch = (unsigned char)*p;
            if (ch == '%' || ch == '|' || ch <= ' ' || ch >= 0x7f)
                e = medsec_buf_addf(out, "%%%02X", ch);
            else
                e = medsec_buf_addc(out, (char)ch);
        }
    }
    return e;
}
