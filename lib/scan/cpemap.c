/* cpemap.c: the maps from C/C++ package names and URL prefixes to CPE vendor:product names
 * (medsec/cpemap.h): the reviewable file format, its parser, and the built-in map. */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "medsec/alloc.h"
#include "medsec/arena.h"
#include "medsec/cpe.h"
#include "medsec/cpemap.h"
#include "medsec/file.h"

/* rules/cpe-map.tsv, compiled in (lib/scan/CMakeLists.txt) */
extern const unsigned char medsec_cpemap_default[];
extern const size_t medsec_cpemap_default_len;

#define MAX_ENTRIES 200000

struct medsec_cpemap {
    struct medsec_cpemap_entry *entries;
    size_t n, cap;
    struct medsec_arena arena;
};

static const char *const kind_names[] = {"conan", "generic", "yocto", "url"};

const char *medsec_cpemap_kind_name(enum medsec_cpemap_kind k)
{
    return (unsigned)k < sizeof kind_names / sizeof kind_names[0] ? kind_names[k] : "?";
}

void medsec_cpemap_free(struct medsec_cpemap *m)
{
    if (!m)
        return;
    medsec_free(m->entries);
    medsec_arena_release(&m->arena);
    medsec_free(m);
}

size_t medsec_cpemap_count(const struct medsec_cpemap *m)
{
    return m ? m->n : 0;
}

const struct medsec_cpemap_entry *medsec_cpemap_at(const struct medsec_cpemap *m, size_t i)
{
    return m && i < m->n ? &m->entries[i] : NULL;
}

bool medsec_cpemap_path_prefix(const char *prefix, const char *path)
{
    size_t n = strlen(prefix);
    return n == 0 || (strncmp(prefix, path, n) == 0 && (path[n] == '\0' || path[n] == '/'));
}

const struct medsec_cpemap_entry *medsec_cpemap_find(const struct medsec_cpemap *m,
                                                     enum medsec_cpemap_kind kind, const char *name)
{
    for (size_t i = 0; m && name && i < m->n; i++)
        if (m->entries[i].kind == kind && strcasecmp(m->entries[i].name, name) == 0)
            return &m->entries[i];
    return NULL;
}

const struct medsec_cpemap_entry *medsec_cpemap_find_url(const struct medsec_cpemap *m,
                                                         const char *host, const char *path)
{
    const struct medsec_cpemap_entry *best = NULL;
    for (size_t i = 0; m && i < m->n; i++) {
        const struct medsec_cpemap_entry *e = &m->entries[i];
        if (e->kind == MEDSEC_CPEMAP_URL && strcmp(e->host, host) == 0 &&
            medsec_cpemap_path_prefix(e->path, path) &&
            (!best || strlen(e->path) > strlen(best->path)))
            best = e;
    }
    return best;
}

/* ---- parsing ---- */

struct line_ctx {
    const char *file;
    unsigned line;
    struct medsec_error *err;
};

static medsec_err fail(const struct line_ctx *L, size_t col, medsec_err code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static medsec_err fail(const struct line_ctx *L, size_t col, medsec_err code, const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    return medsec_error_set(L->err, code, L->file, L->line, (unsigned)col + 1, "%s", msg);
}

/* The CPE token @tok ([PART:]VENDOR:PRODUCT) as a formatted string with version ANY, into @fs. */
static bool cpe_token(const char *tok, char *fs, size_t cap)
{
    char part = 'a';
    const char *vp = tok;
    if ((tok[0] == 'a' || tok[0] == 'o' || tok[0] == 'h') && tok[1] == ':' && strchr(tok + 2, ':'))
        part = tok[0], vp = tok + 2;
    const char *colon = strchr(vp, ':');
    if (!colon || colon == vp || !colon[1] || strchr(colon + 1, ':') || strpbrk(vp, "*?\\"))
        return false;
    if (snprintf(fs, cap, "cpe:2.3:%c:%.*s:%s:*:*:*:*:*:*:*:*", part, (int)(colon - vp), vp,
                 colon + 1) >= (int)cap)
        return false;
    struct medsec_cpe c;
    struct medsec_error ig;
    if (medsec_cpe_parse(fs, strlen(fs), &c, &ig) != MEDSEC_OK)
        return false;
    /* written back as NVD writes it (lowercase, needless quotes dropped) */
    return medsec_cpe_format_fs(&c, fs, cap) == MEDSEC_OK;
}

static medsec_err add_entry(struct medsec_cpemap *m, const struct line_ctx *L, size_t col,
                            const struct medsec_cpemap_entry *e)
{
    for (size_t i = 0; i < m->n; i++) {
        const struct medsec_cpemap_entry *x = &m->entries[i];
        if (x->kind == e->kind && strcasecmp(x->name, e->name) == 0) {
            char msg[64];
            snprintf(msg, sizeof msg, "%u", x->line);
            return medsec_error_set(L->err, MEDSEC_EPARSE, L->file, L->line, (unsigned)col + 1,
                                    "%s '%s' is mapped twice (first at line %s)",
                                    medsec_cpemap_kind_name(e->kind), e->name, msg);
        }
    }
    if (m->n == MAX_ENTRIES)
        return fail(L, 0, MEDSEC_ETOOBIG, "more than %d entries", MAX_ENTRIES);
    if (MEDSEC_ARRAY_GROW(m->entries, m->n, m->cap))
        return MEDSEC_ENOMEM;
    m->entries[m->n++] = *e;
    return MEDSEC_OK;
}

static medsec_err parse_line(struct medsec_cpemap *m, const struct line_ctx *L, char *s)
{
    /* fields: their text and column */
    char *tok[2 + MEDSEC_CPEMAP_MAX_CPES];
    size_t col[2 + MEDSEC_CPEMAP_MAX_CPES], n = 0;
    for (char *p = s; *p;) {
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            break;
        if (n == sizeof tok / sizeof tok[0])
            return fail(L, (size_t)(p - s), MEDSEC_EPARSE, "more than %d CPEs on one line",
                        MEDSEC_CPEMAP_MAX_CPES);
        tok[n] = p;
        col[n++] = (size_t)(p - s);
        while (*p && *p != ' ' && *p != '\t')
            p++;
        if (*p)
            *p++ = '\0';
    }
    if (n == 0)
        return MEDSEC_OK;
    if (n < 3)
        return fail(L, n == 1 ? strlen(s) : col[1] + strlen(tok[1]), MEDSEC_EPARSE, "%s",
                    n == 1 ? "expected KIND NAME CPE..., found only the kind"
                           : "expected KIND NAME CPE..., found no CPE (write - for none)");
    enum medsec_cpemap_kind kinds[3];
    size_t nkinds = 0;
    if (strcmp(tok[0], "*") == 0) {
        kinds[0] = MEDSEC_CPEMAP_CONAN, kinds[1] = MEDSEC_CPEMAP_GENERIC;
        kinds[2] = MEDSEC_CPEMAP_YOCTO, nkinds = 3;
    } else {
        for (size_t k = 0; k < sizeof kind_names / sizeof kind_names[0]; k++)
            if (strcmp(tok[0], kind_names[k]) == 0)
                kinds[nkinds++] = (enum medsec_cpemap_kind)k;
        if (!nkinds)
            return fail(L, col[0], MEDSEC_EPARSE,
                        "unknown kind '%s' (conan, generic, yocto, * or url: only C/C++ package "
                        "types are mapped)",
                        tok[0]);
    }
    struct medsec_cpemap_entry e = {.file = L->file, .line = L->line};
    if (kinds[0] == MEDSEC_CPEMAP_URL) {
        char host[MEDSEC_CPE_URL_HOST_MAX], path[MEDSEC_CPE_URL_PATH_MAX];
        if (!medsec_cpe_url_key(tok[1], host, sizeof host, path, sizeof path))
            return fail(L, col[1], MEDSEC_EPARSE,
                        "'%s' is not a URL a product can be told by (http, https, ftp or git; on a"
                        " shared hosting site, down to the project)",
                        tok[1]);
        e.name = medsec_arena_strdup(&m->arena, tok[1]);
        e.host = medsec_arena_strdup(&m->arena, host);
        e.path = medsec_arena_strdup(&m->arena, path);
        if (!e.name || !e.host || !e.path)
            return MEDSEC_ENOMEM;
    } else {
        for (char *q = tok[1]; *q; q++)
            *q = (char)tolower((unsigned char)*q);
        if (!(e.name = medsec_arena_strdup(&m->arena, tok[1])))
            return MEDSEC_ENOMEM;
    }
    if (!(n == 3 && strcmp(tok[2], "-") == 0)) {
        const char **cpes = medsec_arena_alloc(&m->arena, (n - 2) * sizeof *cpes);
        if (!cpes)
            return MEDSEC_ENOMEM;
        for (size_t i = 2; i < n; i++) {
            char fs[MEDSEC_CPE_MAX_LEN];
            for (char *q = tok[i]; *q; q++)
                *q = (char)tolower((unsigned char)*q);
            if (!cpe_token(tok[i], fs, sizeof fs))
                return fail(L, col[i], MEDSEC_EPARSE,
                            "'%s' is not [PART:]VENDOR:PRODUCT (PART a, o or h; no wildcards)",
                            tok[i]);
            if (!(cpes[i - 2] = medsec_arena_strdup(&m->arena, fs)))
                return MEDSEC_ENOMEM;
        }
        e.cpes = cpes;
        e.ncpes = n - 2;
    }
    for (size_t k = 0; k < nkinds; k++) {
        e.kind = kinds[k];
        medsec_err rc = add_entry(m, L, col[1], &e);
        if (rc)
            return rc;
    }
    return MEDSEC_OK;
}

medsec_err medsec_cpemap_parse(const char *text, size_t len, const char *filename,
                               struct medsec_cpemap **out, struct medsec_error *err)
{
    struct medsec_error local;
    if (!err)
        err = &local;
    medsec_error_clear(err);
    *out = NULL;
    if (!filename)
        filename = "cpe map";
    if (len > MEDSEC_CPEMAP_MAX_BYTES)
        return medsec_error_set(err, MEDSEC_ETOOBIG, filename, 0, 0,
                                "larger than %zu bytes (the map cap)", MEDSEC_CPEMAP_MAX_BYTES);
    struct medsec_cpemap *m = medsec_calloc(1, sizeof *m);
    char *file = m ? medsec_arena_strdup(&m->arena, filename) : NULL;
    medsec_err rc = MEDSEC_OK;
    if (!m || !file) {
        rc = MEDSEC_ENOMEM;
        goto out_free;
    }
    struct line_ctx L = {file, 0, err};
    for (size_t at = 0; at < len && !rc;) {
        L.line++;
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at;
        if (n && text[at + n - 1] == '\r')
            n--;
        if (n >= MEDSEC_CPEMAP_MAX_LINE) {
            rc = fail(&L, 0, MEDSEC_ETOOBIG, "line longer than %d bytes",
                      MEDSEC_CPEMAP_MAX_LINE - 1);
            break;
        }
        char buf[MEDSEC_CPEMAP_MAX_LINE];
        memcpy(buf, text + at, n);
        buf[n] = '\0';
        if (memchr(buf, '\0', n)) {
            rc = fail(&L, strlen(buf), MEDSEC_EPARSE, "%s", "NUL byte");
            break;
        }
        rc = parse_line(m, &L, buf);
        at += (nl ? (size_t)(nl - (text + at)) + 1 : len - at);
    }
    if (rc == MEDSEC_ENOMEM && !err->code)
        medsec_error_set(err, MEDSEC_ENOMEM, filename, L.line, 0, "out of memory");
    if (rc)
        goto out_free;
    *out = m;
    return MEDSEC_OK;
out_free:
    medsec_cpemap_free(m);
    return rc;
}

medsec_err medsec_cpemap_load(const char *path, struct medsec_cpemap **out,
                              struct medsec_error *err)
{
    char *text = NULL;
    size_t len = 0;
    *out = NULL;
    medsec_err rc = medsec_file_read(path, MEDSEC_CPEMAP_MAX_BYTES, &text, &len, err);
    if (!rc)
        rc = medsec_cpemap_parse(text, len, path, out, err);
    medsec_free(text);
    return rc;
}

medsec_err medsec_cpemap_builtin(struct medsec_cpemap **out, struct medsec_error *err)
{
    return medsec_cpemap_parse((const char *)medsec_cpemap_default, medsec_cpemap_default_len,
                               "built-in", out, err);
}
