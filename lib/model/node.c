/* node.c: what every pass of the loader reads YAML nodes with, and how it reports a problem at a
 * node: positions, the document path of the value, scalar text, nulls, a mapping's keys. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "load_int.h"
#include "yamlsrc.h"

/* ---- diagnostics ---- */

static void vdiag(struct walker *W, enum medsec_severity sev, unsigned line, unsigned col,
                  const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void vdiag(struct walker *W, enum medsec_severity sev, unsigned line, unsigned col,
                  const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (medsec_diags_add(W->d, sev, W->file, line, col, W->plen ? W->path : NULL, "%s", msg))
        W->fatal = MEDSEC_ENOMEM;
}

void load_error_at(struct walker *W, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(W, MEDSEC_SEV_ERROR, line, col, fmt, ap);
    va_end(ap);
}

void load_warn_at(struct walker *W, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(W, MEDSEC_SEV_WARNING, line, col, fmt, ap);
    va_end(ap);
}

void load_error_node(struct walker *W, struct fy_node *n, const char *fmt, ...)
{
    unsigned line, col;
    medsec_yaml_pos(n, &line, &col);
    if (!line && W->key)
        medsec_yaml_pos(W->key, &line,
                        &col); /* an empty value or list has no position of its own */
    va_list ap;
    va_start(ap, fmt);
    vdiag(W, MEDSEC_SEV_ERROR, line, col, fmt, ap);
    va_end(ap);
}

/* ---- the document path ("flows[2].to"), for --json ---- */

/* Append to the path what @fmt makes, when it fits; returns the length to restore. */
static size_t path_push(struct walker *W, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static size_t path_push(struct walker *W, const char *fmt, ...)
{
    size_t old = W->plen;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(W->path + W->plen, sizeof W->path - W->plen, fmt, ap);
    va_end(ap);
    if (n > 0 && (size_t)n < sizeof W->path - W->plen)
        W->plen += (size_t)n;
    return old;
}

size_t load_path_push_key(struct walker *W, const char *key)
{
    return path_push(W, "%s%s", W->plen ? "." : "", key);
}

size_t load_path_push_index(struct walker *W, size_t i)
{
    return path_push(W, "[%zu]", i);
}

void load_path_pop(struct walker *W, size_t old)
{
    W->plen = old;
    W->path[old] = '\0';
}

/* The whole path at once, for the passes after the walk that report at a remembered place. */
void load_path_set(struct walker *W, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(W->path, sizeof W->path, fmt, ap);
    va_end(ap);
    W->plen = strlen(W->path);
}

/* ---- nodes ---- */

const char *load_text(struct walker *W, struct fy_node *n, size_t *len)
{
    const char *s = medsec_yaml_text(n, W->text, W->len, &W->scratch, len);
    if (!s) {
        W->fatal = MEDSEC_ENOMEM;
        s = "";
        if (len)
            *len = 0;
    }
    return s;
}

const char *load_scalar(struct walker *W, struct fy_node *n, size_t *len)
{
    return n && fy_node_is_scalar(n) && !fy_node_is_alias(n) ? load_text(W, n, len) : NULL;
}

int load_is_null(struct fy_node *n)
{
    if (!fy_node_is_scalar(n) || fy_node_is_alias(n) || fy_node_get_style(n) != FYNS_PLAIN)
        return 0;
    size_t len = 0;
    const char *s = fy_node_get_scalar(n, &len); /* plain: libfyaml's text is sound */
    return !s || len == 0 || (len == 1 && s[0] == '~') ||
           (len == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

const char *load_what_is(struct fy_node *n)
{
    if (!n || load_is_null(n))
        return "empty";
    if (fy_node_is_alias(n))
        return "an alias";
    if (fy_node_is_mapping(n))
        return "a mapping";
    if (fy_node_is_sequence(n))
        return "a list";
    return "a scalar";
}

struct fy_node *load_child(struct walker *W, struct fy_node *map, const char *key)
{
    size_t n = strlen(key);
    void *it = NULL;
    for (struct fy_node_pair *p; map && (p = fy_node_mapping_iterate(map, &it));) {
        size_t len = 0;
        const char *t = load_scalar(W, fy_node_pair_key(p), &len);
        if (t && len == n && memcmp(t, key, n) == 0)
            return fy_node_pair_value(p);
    }
    return NULL;
}

const char *load_dup(struct walker *W, const char *s, size_t len)
{
    char *c = medsec_arena_strndup(&W->m->arena, s, len);
    if (!c)
        W->fatal = MEDSEC_ENOMEM;
    return c;
}
