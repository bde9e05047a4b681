/* purl.c: parse, normalise, build and format package URLs (ECMA-427 and the purl-spec type rules).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/purl.h"
#include "purl_types.h"

#define MAX_SEGMENTS 256

static int is_alpha(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}
static int to_lower(int c)
{
    return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static void str_lower(char *s)
{
    for (; s && *s; s++)
        *s = (char)to_lower((unsigned char)*s);
}

static int hex_val(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = to_lower(c);
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

/* Percent-decode @n bytes at @s into a new string; EPARSE on a bad escape or a decoded NUL. */
static medsec_err pct_decode(const char *s, size_t n, char **out, struct medsec_error *err)
{
    char *d = medsec_malloc(n + 1);
    size_t i, j = 0;

    *out = NULL;
    if (!d)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    for (i = 0; i < n; i++) {
        int c = (unsigned char)s[i];
        if (c == '%') {
            int hi = i + 2 < n ? hex_val((unsigned char)s[i + 1]) : -1;
            int lo = i + 2 < n ? hex_val((unsigned char)s[i + 2]) : -1;
            if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) {
                medsec_free(d);
                return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                        "bad percent escape in purl");
            }
            c = hi * 16 + lo;
            i += 2;
        }
        d[j++] = (char)c;
    }
    d[j] = '\0';
    *out = d;
    return MEDSEC_OK;
}

void medsec_purl_release(struct medsec_purl *p)
{
    size_t i;

    if (!p)
        return;
    medsec_free(p->type);
    medsec_free(p->ns);
    medsec_free(p->name);
    medsec_free(p->version);
    for (i = 0; i < p->n_qualifiers; i++) {
        medsec_free(p->qualifiers[i].key);
        medsec_free(p->qualifiers[i].value);
    }
    medsec_free(p->qualifiers);
    medsec_free(p->subpath);
    memset(p, 0, sizeof *p);
}

const char *medsec_purl_qualifier(const struct medsec_purl *p, const char *key)
{
    size_t i;

    for (i = 0; p && key && i < p->n_qualifiers; i++)
        if (strcmp(p->qualifiers[i].key, key) == 0)
            return p->qualifiers[i].value;
    return NULL;
}

bool medsec_purl_type_known(const char *type)
{
    return type && purl_type_rule_find(type) != NULL;
}

static int str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

bool medsec_purl_same_package(const struct medsec_purl *a, const struct medsec_purl *b)
{
    return a && b && str_eq(a->type, b->type) && str_eq(a->ns, b->ns) && str_eq(a->name, b->name);
}

static int qual_cmp(const void *x, const void *y)
{
    const struct medsec_purl_qualifier *a = x, *b = y;
    return strcmp(a->key, b->key);
}

/* The type: ASCII letters, digits, '.', '+', '-', starting with a letter; lowercased. */
static medsec_err check_type(char *t, struct medsec_error *err)
{
    char *c;

    if (!t || !*t)
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "purl type is required");
    if (!is_alpha((unsigned char)t[0]))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                "purl type must start with a letter");
    for (c = t; *c; c++)
        if (!is_alpha((unsigned char)*c) && !is_digit((unsigned char)*c) && *c != '.' &&
            *c != '+' && *c != '-')
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                    "invalid character in purl type");
    str_lower(t);
    return MEDSEC_OK;
}

/* A qualifier key: [a-z0-9._-], not starting with a digit. Lowercased unless @strict. */
static medsec_err check_key(char *k, int strict, struct medsec_error *err)
{
    char *c;

    if (!*k)
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "empty purl qualifier key");
    if (is_digit((unsigned char)k[0]))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                "purl qualifier key starts with a digit");
    for (c = k; *c; c++) {
        int ch = (unsigned char)*c;
        if (ch >= 'A' && ch <= 'Z') {
            if (strict)
                return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                        "purl qualifier key '%s' is not lowercase", k);
            *c = (char)to_lower(ch);
        } else if (!is_alpha(ch) && !is_digit(ch) && ch != '.' && ch != '-' && ch != '_') {
            return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                    "invalid character in purl qualifier key");
        }
    }
    return MEDSEC_OK;
}

static int chrome_name_ok(const char *n)
{
    size_t i;

    for (i = 0; n[i]; i++)
        if (n[i] < 'a' || n[i] > 'p')
            return 0;
    return i == 32;
}

static int chrome_version_ok(const char *v)
{
    int segs = 0;

    for (;;) {
        if (!is_digit((unsigned char)*v))
            return 0;
        while (is_digit((unsigned char)*v))
            v++;
        segs++;
        if (!*v)
            return segs <= 4;
        if (*v++ != '.')
            return 0;
    }
}

/* Validate and normalise @p in place (its strings are owned); @flags are MEDSEC_PURL_*. */
static medsec_err purl_finish(struct medsec_purl *p, unsigned flags, struct medsec_error *err)
{
    const struct purl_type_rule *rule;
    medsec_err rc;
    size_t i, j;

    rc = check_type(p->type, err);
    if (rc)
        return rc;
    rule = purl_type_rule_find(p->type);
    if (p->ns && !*p->ns) {
        medsec_free(p->ns);
        p->ns = NULL;
    }
    if (p->version && !*p->version) {
        medsec_free(p->version);
        p->version = NULL;
    }
    if (p->subpath && !*p->subpath) {
        medsec_free(p->subpath);
        p->subpath = NULL;
    }
    if (!p->name || !*p->name)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "purl name is required");

    /* qualifiers first: some name rules look at them */
    for (i = 0; i < p->n_qualifiers; i++) {
        rc = check_key(p->qualifiers[i].key, (flags & MEDSEC_PURL_STRICT) != 0, err);
        if (rc)
            return rc;
    }
    for (i = j = 0; i < p->n_qualifiers; i++) {
        struct medsec_purl_qualifier q = p->qualifiers[i];
        if (!q.value || !*q.value) {
            medsec_free(q.key);
            medsec_free(q.value);
            continue;
        }
        if (strcmp(q.key, "checksum") == 0)
            str_lower(q.value); /* algorithm:hex, both lowercase in canonical form */
        p->qualifiers[j++] = q;
    }
    p->n_qualifiers = j;
    if (p->n_qualifiers > 1)
        qsort(p->qualifiers, p->n_qualifiers, sizeof p->qualifiers[0], qual_cmp);
    for (i = 1; i < p->n_qualifiers; i++)
        if (strcmp(p->qualifiers[i - 1].key, p->qualifiers[i].key) == 0)
            return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "duplicate purl qualifier '%s'",
                                    p->qualifiers[i].key);
    if (!rule)
        return MEDSEC_OK;

    if (rule->ns_req == PURL_REQUIRED && !p->ns)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "purl type %s requires a namespace",
                                p->type);
    if (rule->ns_req == PURL_PROHIBITED && p->ns)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "purl type %s has no namespace",
                                p->type);
    if (rule->ns_lower)
        str_lower(p->ns);
    if (rule->name_lower)
        str_lower(p->name);
    if (rule->version_lower)
        str_lower(p->version);
    if (rule->subpath_lower)
        str_lower(p->subpath);
    if (rule->rules & PURL_RULE_PYPI_NAME) {
        char *c;
        for (c = p->name; *c; c++)
            if (*c == '_')
                *c = '-';
    }
    if (rule->rules & PURL_RULE_PUB_NAME) {
        char *c;
        for (c = p->name; *c; c++)
            if (!(*c >= 'a' && *c <= 'z') && !is_digit((unsigned char)*c))
                *c = '_';
    }
    if ((rule->rules & PURL_RULE_CHROME_EXT) &&
        (!chrome_name_ok(p->name) || (p->version && !chrome_version_ok(p->version))))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "not a chrome extension id or version");
    if ((rule->rules & PURL_RULE_CPAN_NAME) && strstr(p->name, "::"))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "cpan purl names a distribution, not a module ('::')");
    if (rule->rules & PURL_RULE_MLFLOW_NAME) {
        /* Azure Databricks model names are case-insensitive; Azure ML names are not */
        const char *repo = medsec_purl_qualifier(p, "repository_url");
        if (repo && strstr(repo, "azuredatabricks.net"))
            str_lower(p->name);
    }
    if (rule->rules & PURL_RULE_GIT_PATH) {
        /* the host is case-insensitive (DNS); on GitHub and Bitbucket so is the owner/repo path */
        str_lower(p->ns);
        if (strcmp(p->ns, "github") == 0 || strcmp(p->ns, "github.com") == 0 ||
            strcmp(p->ns, "bitbucket") == 0 || strcmp(p->ns, "bitbucket.org") == 0)
            str_lower(p->name);
    }
    if (rule->required_qualifier && !medsec_purl_qualifier(p, rule->required_qualifier))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "purl type %s requires qualifier %s", p->type,
                                rule->required_qualifier);
    return MEDSEC_OK;
}

/*
 * Join the '/'-separated segments of @n bytes at @s into a new string, percent-decoding each when
 * @decode, dropping empty segments (and "." / ".." when @dots). A decoded segment holding '/' is
 * invalid. *out is NULL when no segment is left.
 */
static medsec_err join_segments(const char *s, size_t n, int decode, int dots, char **out,
                                struct medsec_error *err)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    size_t i = 0;
    medsec_err rc = MEDSEC_OK;

    *out = NULL;
    medsec_buf_init(&b, MEDSEC_PURL_MAX_LEN);
    while (i < n) {
        size_t k = i;
        char *seg = NULL;
        while (k < n && s[k] != '/')
            k++;
        if (k > i) {
            if (decode) {
                rc = pct_decode(s + i, k - i, &seg, err);
                if (rc)
                    goto out_free_buf;
            } else {
                seg = medsec_strndup(s + i, k - i);
                if (!seg) {
                    rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
                    goto out_free_buf;
                }
            }
            if (decode && strchr(seg, '/')) {
                medsec_free(seg);
                rc = medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "purl segment contains '/'");
                goto out_free_buf;
            }
            if (*seg && !(dots && (strcmp(seg, ".") == 0 || strcmp(seg, "..") == 0))) {
                if ((b.len && (rc = medsec_buf_addc(&b, '/')) != MEDSEC_OK) ||
                    (rc = medsec_buf_adds(&b, seg)) != MEDSEC_OK) {
                    medsec_free(seg);
                    rc = medsec_error_set(err, rc, NULL, 0, 0, "purl too long or out of memory");
                    goto out_free_buf;
                }
            }
            medsec_free(seg);
        }
        i = k + 1;
    }
    if (b.len)
        *out = medsec_buf_detach(&b, NULL);
out_free_buf:
    medsec_buf_release(&b);
    return rc;
}

static medsec_err add_qualifier(struct medsec_purl *p, const char *key, size_t klen,
                                const char *val, size_t vlen, int decode, struct medsec_error *err)
{
    struct medsec_purl_qualifier *q;
    medsec_err rc;

    if (p->n_qualifiers >= MEDSEC_PURL_MAX_QUALIFIERS)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "too many purl qualifiers");
    if (!p->qualifiers) {
        p->qualifiers = medsec_calloc(MEDSEC_PURL_MAX_QUALIFIERS, sizeof *p->qualifiers);
        if (!p->qualifiers)
            return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    q = &p->qualifiers[p->n_qualifiers];
    q->key = medsec_strndup(key, klen);
    if (!q->key)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    if (decode) {
        rc = pct_decode(val, vlen, &q->value, err);
    } else {
        q->value = medsec_strndup(val, vlen);
        rc = q->value ? MEDSEC_OK
                      : medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    if (rc) {
        medsec_free(q->key);
        q->key = NULL;
        return rc;
    }
    p->n_qualifiers++;
    return MEDSEC_OK;
}

static medsec_err dup_field(char **dst, const char *s, size_t n, struct medsec_error *err)
{
    *dst = medsec_strndup(s, n);
    return *dst ? MEDSEC_OK : medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
}

/* Split the path after the type (@n bytes at @s) into namespace, name and version. */
static medsec_err parse_path(struct medsec_purl *p, const char *s, size_t n,
                             struct medsec_error *err)
{
    const struct purl_type_rule *rule = purl_type_rule_find(p->type);
    size_t start, last, at, first_end;
    medsec_err rc;

    while (n && s[n - 1] == '/')
        n--;
    if (!n)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "purl name is required");
    last = n;
    while (last && s[last - 1] != '/')
        last--;
    /* version: the last '@' inside the last segment, so scoped names (@babel/core) keep their '@'
     */
    at = n;
    for (start = n; start > last; start--)
        if (s[start - 1] == '@') {
            at = start - 1;
            break;
        }
    if (at < n) {
        rc = pct_decode(s + at + 1, n - at - 1, &p->version, err);
        if (rc)
            return rc;
    }
    if (rule && (rule->rules & PURL_RULE_GIT_PATH)) {
        /* git: the host is the namespace, the rest of the path is the name */
        start = 0;
        while (start < at && s[start] == '/')
            start++;
        first_end = start;
        while (first_end < at && s[first_end] != '/')
            first_end++;
        rc = join_segments(s + start, first_end - start, 1, 0, &p->ns, err);
        if (rc)
            return rc;
        if (first_end < at)
            return join_segments(s + first_end, at - first_end, 1, 0, &p->name, err);
        /* only one segment: it is the name, with no namespace */
        medsec_free(p->ns);
        p->ns = NULL;
        return join_segments(s + start, at - start, 1, 0, &p->name, err);
    }
    rc = pct_decode(s + last, at - last, &p->name, err);
    if (rc)
        return rc;
    if (strchr(p->name, '/'))
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "purl name contains '/'");
    if (last)
        return join_segments(s, last - 1, 1, 0, &p->ns, err);
    return MEDSEC_OK;
}

/* Is @c written as it is in a component of the canonical form (else as %XX)? */
static int plain_char(int c, int keep_slash)
{
    return is_alpha(c) || is_digit(c) || c == '.' || c == '-' || c == '_' || c == '~' || c == ':' ||
           (keep_slash && c == '/');
}

static size_t encoded_len(const char *s, int keep_slash)
{
    size_t n = 0;
    for (; *s; s++)
        n += plain_char((unsigned char)*s, keep_slash) ? 1 : 3;
    return n;
}

/* The length of medsec_purl_format(@p), counted the way it writes. */
static size_t canonical_len(const struct medsec_purl *p)
{
    const struct purl_type_rule *rule = purl_type_rule_find(p->type);
    size_t n = strlen("pkg:") + strlen(p->type) + 1;
    size_t i;

    if (p->ns)
        n += encoded_len(p->ns, 1) + 1;
    n += encoded_len(p->name, rule && (rule->rules & PURL_RULE_GIT_PATH));
    if (p->version)
        n += 1 + encoded_len(p->version, 0);
    for (i = 0; i < p->n_qualifiers; i++)
        n += 1 + strlen(p->qualifiers[i].key) + 1 + encoded_len(p->qualifiers[i].value, 0);
    if (p->subpath)
        n += 1 + encoded_len(p->subpath, 1);
    return n;
}

/*
 * The cap holds for what medsec writes too: percent-encoding makes a byte three, so a purl read
 * leniently (raw '!' or spaces) can be longer written out than read in, and a purl whose canonical
 * form the parser would refuse is refused here already.
 */
static medsec_err check_canonical_len(const struct medsec_purl *p, struct medsec_error *err)
{
    if (canonical_len(p) > MEDSEC_PURL_MAX_LEN)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0,
                                "purl longer than %d bytes when written in canonical form",
                                MEDSEC_PURL_MAX_LEN);
    return MEDSEC_OK;
}

medsec_err medsec_purl_parse(const char *s, size_t len, unsigned flags, struct medsec_purl *out,
                             struct medsec_error *err)
{
    const char *end, *hash, *quest, *colon, *c, *type_end;
    medsec_err rc;

    memset(out, 0, sizeof *out);
    if (!s)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "no purl");
    if (len > MEDSEC_PURL_MAX_LEN)
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "purl longer than %d bytes",
                                MEDSEC_PURL_MAX_LEN);
    if (memchr(s, '\0', len))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "NUL byte in purl");
    end = s + len;

    /* subpath after the last '#', qualifiers after the last '?' before it */
    hash = NULL;
    for (c = end; c > s; c--)
        if (c[-1] == '#') {
            hash = c - 1;
            break;
        }
    if (hash) {
        rc = join_segments(hash + 1, (size_t)(end - hash - 1), 1, 1, &out->subpath, err);
        if (rc)
            goto out_release;
        end = hash;
    }
    quest = NULL;
    for (c = end; c > s; c--)
        if (c[-1] == '?') {
            quest = c - 1;
            break;
        }

    colon = memchr(s, ':', (size_t)((quest ? quest : end) - s));
    if (!colon || colon - s != 3 || to_lower((unsigned char)s[0]) != 'p' ||
        to_lower((unsigned char)s[1]) != 'k' || to_lower((unsigned char)s[2]) != 'g') {
        rc = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "purl must start with 'pkg:'");
        goto out_release;
    }
    c = colon + 1;
    while (c < (quest ? quest : end) && *c == '/')
        c++;
    type_end = c;
    while (type_end < (quest ? quest : end) && *type_end != '/')
        type_end++;
    rc = dup_field(&out->type, c, (size_t)(type_end - c), err);
    if (rc)
        goto out_release;
    rc = check_type(out->type, err);
    if (rc)
        goto out_release;

    if (quest) {
        const char *q = quest + 1;
        while (q < end) {
            const char *amp = memchr(q, '&', (size_t)(end - q));
            const char *pend = amp ? amp : end;
            const char *eq = memchr(q, '=', (size_t)(pend - q));
            if (pend > q) {
                if (!eq) {
                    rc = medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0,
                                          "purl qualifier without '='");
                    goto out_release;
                }
                rc = add_qualifier(out, q, (size_t)(eq - q), eq + 1, (size_t)(pend - eq - 1), 1,
                                   err);
                if (rc)
                    goto out_release;
            }
            q = pend + 1;
        }
        end = quest;
    }

    if (type_end >= end) {
        rc = medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "purl name is required");
        goto out_release;
    }
    rc = parse_path(out, type_end + 1, (size_t)(end - type_end - 1), err);
    if (rc)
        goto out_release;
    rc = purl_finish(out, flags, err);
    if (!rc)
        rc = check_canonical_len(out, err);
    if (rc)
        goto out_release;
    return MEDSEC_OK;
out_release:
    medsec_purl_release(out);
    return rc;
}

medsec_err medsec_purl_build(const struct medsec_purl_parts *parts, struct medsec_purl *out,
                             struct medsec_error *err)
{
    medsec_err rc = MEDSEC_OK;
    size_t i;

    memset(out, 0, sizeof *out);
    if (!parts || !parts->type || !*parts->type)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "purl type is required");
    if (!parts->name || !*parts->name)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "purl name is required");
    if (strlen(parts->type) > MEDSEC_PURL_MAX_LEN || strlen(parts->name) > MEDSEC_PURL_MAX_LEN ||
        (parts->version && strlen(parts->version) > MEDSEC_PURL_MAX_LEN))
        return medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "purl component too long");
    rc = dup_field(&out->type, parts->type, strlen(parts->type), err);
    if (rc)
        goto out_release;
    rc = check_type(out->type, err);
    if (rc)
        goto out_release;
    if (parts->ns) {
        rc = join_segments(parts->ns, strlen(parts->ns), 0, 0, &out->ns, err);
        if (rc)
            goto out_release;
    }
    {
        const struct purl_type_rule *rule = purl_type_rule_find(out->type);
        if (rule && (rule->rules & PURL_RULE_GIT_PATH))
            rc = join_segments(parts->name, strlen(parts->name), 0, 0, &out->name, err);
        else if (strchr(parts->name, '/'))
            rc = medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "purl name contains '/'");
        else
            rc = dup_field(&out->name, parts->name, strlen(parts->name), err);
        if (rc)
            goto out_release;
    }
    if (parts->version) {
        rc = dup_field(&out->version, parts->version, strlen(parts->version), err);
        if (rc)
            goto out_release;
    }
    for (i = 0; i < parts->n_qualifiers; i++) {
        const char *k = parts->qualifier_keys ? parts->qualifier_keys[i] : NULL;
        const char *v = parts->qualifier_values ? parts->qualifier_values[i] : NULL;
        if (!k) {
            rc = medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "purl qualifier without key");
            goto out_release;
        }
        if (strlen(k) > MEDSEC_PURL_MAX_LEN || (v && strlen(v) > MEDSEC_PURL_MAX_LEN)) {
            rc = medsec_error_set(err, MEDSEC_ETOOBIG, NULL, 0, 0, "purl qualifier too long");
            goto out_release;
        }
        rc = add_qualifier(out, k, strlen(k), v ? v : "", v ? strlen(v) : 0, 0, err);
        if (rc)
            goto out_release;
    }
    if (parts->subpath) {
        rc = join_segments(parts->subpath, strlen(parts->subpath), 0, 1, &out->subpath, err);
        if (rc)
            goto out_release;
    }
    rc = purl_finish(out, 0, err);
    if (!rc)
        rc = check_canonical_len(out, err);
    if (rc)
        goto out_release;
    return MEDSEC_OK;
out_release:
    medsec_purl_release(out);
    return rc;
}

/* Append @s percent-encoded: only A-Z a-z 0-9 . - _ ~ : stay as they are (and '/' when
 * @keep_slash). */
static medsec_err add_encoded(struct medsec_buf *b, const char *s, int keep_slash)
{
    static const char hex[] = "0123456789ABCDEF";
    medsec_err rc = MEDSEC_OK;

    for (; *s && !rc; s++) {
        int c = (unsigned char)*s;
        if (plain_char(c, keep_slash)) {
            rc = medsec_buf_addc(b, (char)c);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            rc = medsec_buf_add(b, e, 3);
        }
    }
    return rc;
}

medsec_err medsec_purl_format(const struct medsec_purl *p, char **out)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_err rc;
    size_t i;

    *out = NULL;
    if (!p || !p->type || !p->name)
        return MEDSEC_EINVAL;
    medsec_buf_init(&b, MEDSEC_PURL_MAX_LEN); /* parse and build checked the length */
    rc = medsec_buf_adds(&b, "pkg:");
    if (!rc)
        rc = medsec_buf_adds(&b, p->type);
    if (!rc)
        rc = medsec_buf_addc(&b, '/');
    if (!rc && p->ns) {
        rc = add_encoded(&b, p->ns, 1);
        if (!rc)
            rc = medsec_buf_addc(&b, '/');
    }
    if (!rc) {
        const struct purl_type_rule *rule = purl_type_rule_find(p->type);
        rc = add_encoded(&b, p->name, rule && (rule->rules & PURL_RULE_GIT_PATH));
    }
    if (!rc && p->version) {
        rc = medsec_buf_addc(&b, '@');
        if (!rc)
            rc = add_encoded(&b, p->version, 0);
    }
    for (i = 0; !rc && i < p->n_qualifiers; i++) {
        rc = medsec_buf_addc(&b, i ? '&' : '?');
        if (!rc)
            rc = medsec_buf_adds(&b, p->qualifiers[i].key);
        if (!rc)
            rc = medsec_buf_addc(&b, '=');
        if (!rc)
            rc = add_encoded(&b, p->qualifiers[i].value, 0);
    }
    if (!rc && p->subpath) {
        rc = medsec_buf_addc(&b, '#');
        if (!rc)
            rc = add_encoded(&b, p->subpath, 1);
    }
    if (rc) {
        medsec_buf_release(&b);
        return rc;
    }
    *out = medsec_buf_detach(&b, NULL);
    medsec_buf_release(&b);
    return *out ? MEDSEC_OK : MEDSEC_ENOMEM;
}

medsec_err medsec_purl_canonicalize(const char *s, char **out, struct medsec_error *err)
{
    struct medsec_purl p;
    medsec_err rc;

    *out = NULL;
    rc = medsec_purl_parse(s, s ? strlen(s) : 0, 0, &p, err);
    if (rc)
        return rc;
    rc = medsec_purl_format(&p, out);
    if (rc)
        medsec_error_set(err, rc, NULL, 0, 0, "cannot format purl");
    medsec_purl_release(&p);
    return rc;
}
