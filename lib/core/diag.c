/* diag.c: gathering and ordering diagnostics. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/diag.h"
#include "medsec/json.h"

medsec_err medsec_diags_add(struct medsec_diags *d, enum medsec_severity sev, const char *file,
                            unsigned line, unsigned column, const char *path, const char *fmt, ...)
{
    size_t max = d->max ? d->max : 10000;
    if (sev == MEDSEC_SEV_ERROR)
        d->errors++;
    else if (sev == MEDSEC_SEV_WARNING)
        d->warnings++;
    if (d->n >= max) {
        d->dropped++;
        return MEDSEC_OK;
    }
    if (MEDSEC_ARRAY_GROW(d->v, d->n, d->cap))
        return MEDSEC_ENOMEM;
    struct medsec_buf msg = MEDSEC_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    medsec_err rc = medsec_buf_vaddf(&msg, fmt, ap);
    va_end(ap);
    struct medsec_diag *g = &d->v[d->n];
    g->severity = sev;
    g->line = line;
    g->column = column;
    g->file = medsec_strdup(file ? file : "");
    g->path = path ? medsec_strdup(path) : NULL;
    g->msg = rc ? NULL : medsec_buf_detach(&msg, NULL);
    medsec_buf_release(&msg);
    if (!g->file || !g->msg || (path && !g->path)) {
        medsec_free(g->file);
        medsec_free(g->path);
        medsec_free(g->msg);
        return MEDSEC_ENOMEM;
    }
    d->n++;
    return MEDSEC_OK;
}

static int cmp_diag(const struct medsec_diag *a, const struct medsec_diag *b)
{
    int c = strcmp(a->file, b->file);
    if (c)
        return c;
    if (a->line != b->line)
        return a->line < b->line ? -1 : 1;
    if (a->column != b->column)
        return a->column < b->column ? -1 : 1;
    return 0;
}

void medsec_diags_sort(struct medsec_diags *d)
{
    /* insertion sort keeps equal keys in insertion order; lists are short */
    for (size_t i = 1; i < d->n; i++) {
        struct medsec_diag t = d->v[i];
        size_t j = i;
        while (j > 0 && cmp_diag(&d->v[j - 1], &t) > 0) {
            d->v[j] = d->v[j - 1];
            j--;
        }
        d->v[j] = t;
    }
}

const char *medsec_severity_name(enum medsec_severity sev)
{
    switch (sev) {
    case MEDSEC_SEV_ERROR: return "error";
    case MEDSEC_SEV_WARNING: return "warning";
    case MEDSEC_SEV_NOTE: return "note";
    }
    return "error";
}

void medsec_diags_release(struct medsec_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        medsec_free(d->v[i].file);
        medsec_free(d->v[i].path);
        medsec_free(d->v[i].msg);
    }
    medsec_free(d->v);
    d->v = NULL;
    d->n = d->cap = 0;
    d->dropped = d->errors = d->warnings = 0;
}

void medsec_diags_json(struct medsec_jsonw *w, const struct medsec_diags *d)
{
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < d->n; i++) {
        const struct medsec_diag *g = &d->v[i];
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "file", g->file);
        medsec_jsonw_kv_int(w, "line", g->line);
        medsec_jsonw_kv_int(w, "column", g->column);
        medsec_jsonw_kv_string(w, "severity", medsec_severity_name(g->severity));
        medsec_jsonw_kv_string(w, "path", g->path);
        medsec_jsonw_kv_string(w, "message", g->msg);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
}
