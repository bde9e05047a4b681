/* doc.c: the document model's builders (lib/docs/doc.h). */
#include <stdio.h>
#include <string.h>

#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"

static void *alloc0(struct medsec_docs *s, size_t n)
{
    if (s->failed)
        return NULL;
    void *p = medsec_arena_alloc(&s->arena, n);
    if (!p) {
        s->failed = s->arena.toobig ? MEDSEC_ETOOBIG : MEDSEC_ENOMEM;
        return NULL;
    }
    memset(p, 0, n);
    return p;
}

static const char *dup(struct medsec_docs *s, const char *t)
{
    if (s->failed)
        return NULL;
    char *p = medsec_arena_strdup(&s->arena, t ? t : "");
    if (!p)
        s->failed = s->arena.toobig ? MEDSEC_ETOOBIG : MEDSEC_ENOMEM;
    return p;
}

static const char *vstrf(struct medsec_docs *s, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static const char *vstrf(struct medsec_docs *s, const char *fmt, va_list ap)
{
    if (s->failed)
        return NULL;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_err rc = medsec_buf_vaddf(&b, fmt, ap);
    const char *r = rc ? NULL : dup(s, b.data);
    if (rc)
        s->failed = rc;
    medsec_buf_release(&b);
    return r;
}

const char *docs_strf(struct medsec_docs *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    const char *r = vstrf(s, fmt, ap);
    va_end(ap);
    return r;
}

struct medsec_docs *doc_set(struct doc *d)
{
    return d ? *(struct medsec_docs **)((char *)d - sizeof(struct medsec_docs *)) : NULL;
}

struct doc *doc_new(struct medsec_docs *s, const char *id, const char *group, const char *title,
                    const char *purpose)
{
    /* the set pointer sits just before the document (doc_set) */
    char *mem = alloc0(s, sizeof(struct medsec_docs *) + sizeof(struct doc));
    if (!mem)
        return NULL;
    *(struct medsec_docs **)mem = s;
    struct doc *d = (struct doc *)(mem + sizeof(struct medsec_docs *));
    d->id = dup(s, id);
    d->group = dup(s, group);
    d->title = dup(s, title);
    d->purpose = purpose ? dup(s, purpose) : NULL;
    if (s->failed)
        return NULL;
    if (s->last)
        s->last->next = d;
    else
        s->first = d;
    s->last = d;
    return d;
}

static struct doc_block *block(struct doc *d, enum doc_block_kind kind)
{
    if (!d)
        return NULL;
    struct doc_block *b = alloc0(doc_set(d), sizeof *b);
    if (!b)
        return NULL;
    b->kind = kind;
    if (d->last)
        d->last->next = b;
    else
        d->first = b;
    d->last = b;
    return b;
}

void doc_heading(struct doc *d, int level, const char *anchor, const char *fmt, ...)
{
    struct doc_block *b = block(d, DOC_HEADING);
    if (!b)
        return;
    b->level = level < 1 ? 1 : level > 4 ? 4 : level;
    b->anchor = anchor ? dup(doc_set(d), anchor) : NULL;
    va_list ap;
    va_start(ap, fmt);
    b->text = vstrf(doc_set(d), fmt, ap);
    va_end(ap);
}

void doc_para(struct doc *d, const char *fmt, ...)
{
    struct doc_block *b = block(d, DOC_PARA);
    if (!b)
        return;
    va_list ap;
    va_start(ap, fmt);
    b->text = vstrf(doc_set(d), fmt, ap);
    va_end(ap);
}

void doc_callout(struct doc *d, enum doc_callout kind, const char *fmt, ...)
{
    struct doc_block *b = block(d, DOC_CALLOUT);
    if (!b)
        return;
    b->callout = kind;
    va_list ap;
    va_start(ap, fmt);
    b->text = vstrf(doc_set(d), fmt, ap);
    va_end(ap);
}

/* Append one cell to the open table, list or kv block (the document's last block). */
static void add_cell(struct doc *d, const char *text)
{
    struct medsec_docs *s = doc_set(d);
    struct doc_block *b = d ? d->last : NULL;
    if (!b || s->failed || (b->kind != DOC_TABLE && b->kind != DOC_LIST && b->kind != DOC_KV)) {
        if (s && !s->failed)
            s->failed = MEDSEC_EINTERNAL;
        return;
    }
    size_t per = b->kind == DOC_LIST ? 1 : b->ncols;
    size_t n = b->ncells;
    if (n == 0 || (n >= 8 && (n & (n - 1)) == 0)) { /* full at 0, 8, 16, 32 ... */
        size_t cap = n ? 2 * n : 8;
        const char **c = alloc0(s, cap * sizeof *c);
        if (!c)
            return;
        if (n)
            memcpy(c, b->cells, n * sizeof *c);
        b->cells = c;
    }
    b->cells[n] = text ? text : dup(s, "");
    b->ncells = n + 1;
    b->nrows = b->ncells / per;
}

void doc_list(struct doc *d, bool ordered)
{
    struct doc_block *b = block(d, DOC_LIST);
    if (b)
        b->level = ordered ? 1 : 0;
}

/* One formatted entry of the open list or table (doc_item, doc_cell). */
static void add_cellv(struct doc *d, const char *fmt, va_list ap)
    __attribute__((format(printf, 2, 0)));
static void add_cellv(struct doc *d, const char *fmt, va_list ap)
{
    const char *t = d ? vstrf(doc_set(d), fmt, ap) : NULL;
    if (t)
        add_cell(d, t);
}

void doc_item(struct doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_cellv(d, fmt, ap);
    va_end(ap);
}

void doc_table(struct doc *d, size_t ncols, const char *const *head)
{
    struct doc_block *b = block(d, DOC_TABLE);
    if (!b)
        return;
    struct medsec_docs *s = doc_set(d);
    b->ncols = ncols ? ncols : 1;
    b->head = alloc0(s, b->ncols * sizeof *b->head);
    for (size_t i = 0; b->head && i < b->ncols; i++)
        b->head[i] = dup(s, head ? head[i] : "");
}

void doc_row(struct doc *d, const char *const *cells)
{
    if (!d || !d->last)
        return;
    for (size_t i = 0; i < d->last->ncols; i++)
        add_cell(d, dup(doc_set(d), cells[i]));
}

void doc_cell(struct doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    add_cellv(d, fmt, ap);
    va_end(ap);
}

void doc_kv_begin(struct doc *d)
{
    struct doc_block *b = block(d, DOC_KV);
    if (b)
        b->ncols = 2;
}

void doc_kv(struct doc *d, const char *field, const char *fmt, ...)
{
    if (!d)
        return;
    struct medsec_docs *s = doc_set(d);
    va_list ap;
    va_start(ap, fmt);
    const char *t = vstrf(s, fmt, ap);
    va_end(ap);
    const char *f = dup(s, field);
    if (t && f) {
        add_cell(d, f);
        add_cell(d, t);
    }
}

/* @svg with every id made unique to figure @n: id="X" becomes id="fN-X", and the references to it
 * (url(#X), href="#X", xlink:href="#X") follow. Graphviz numbers the elements of every drawing from
 * 1 (clust1, node1, edge1), so two drawings on one page would otherwise share ids. */
static medsec_err figure_ids(struct medsec_buf *out, const char *svg, size_t len, unsigned n)
{
    static const char *const marks[] = {" id=\"", "url(#", "href=\"#"};
    medsec_err rc = MEDSEC_OK;
    size_t i = 0;
    while (!rc && i < len) {
        size_t best = len, blen = 0;
        for (size_t k = 0; k < sizeof marks / sizeof *marks; k++) {
            size_t ml = strlen(marks[k]);
            for (size_t j = i; j + ml <= best && j + ml <= len; j++)
                if (svg[j] == marks[k][0] && !memcmp(svg + j, marks[k], ml)) {
                    best = j;
                    blen = ml;
                    break;
                }
        }
        rc = medsec_buf_add(out, svg + i, (best < len ? best + blen : len) - i);
        /* a reference to nothing ("#" alone) stays as it is */
        if (!rc && best < len && best + blen < len && svg[best + blen] != '"' &&
            svg[best + blen] != ')')
            rc = medsec_buf_addf(out, "f%u-", n);
        i = best < len ? best + blen : len;
    }
    return rc;
}

void doc_figure(struct doc *d, const char *svg, size_t len, const char *caption)
{
    struct doc_block *b = block(d, DOC_FIGURE);
    if (!b)
        return;
    struct medsec_docs *s = doc_set(d);
    struct medsec_buf u = MEDSEC_BUF_INIT;
    medsec_err rc =
        s->failed ? s->failed : figure_ids(&u, svg ? svg : "", svg ? len : 0, ++s->nfigures);
    if (!rc) {
        char *p = medsec_arena_strndup(&s->arena, u.data, u.len);
        if (!p)
            s->failed = MEDSEC_ENOMEM;
        b->svg = p;
    } else if (!s->failed) {
        s->failed = rc;
    }
    medsec_buf_release(&u);
    b->text = dup(s, caption);
}

void doc_gap(struct doc *d, const char *area, const char *item, const char *fmt, ...)
{
    if (!d)
        return;
    struct medsec_docs *s = doc_set(d);
    va_list ap;
    va_start(ap, fmt);
    const char *t = vstrf(s, fmt, ap);
    va_end(ap);
    if (!t)
        return;
    if (s->ngaps == s->capgaps) {
        size_t cap = s->capgaps ? 2 * s->capgaps : 32;
        struct medsec_docs_gap *g = alloc0(s, cap * sizeof *g);
        if (!g)
            return;
        if (s->ngaps)
            memcpy(g, s->gaps, s->ngaps * sizeof *g);
        s->gaps = g;
        s->capgaps = cap;
    }
    struct medsec_docs_gap *g = &s->gaps[s->ngaps];
    g->area = dup(s, area);
    g->item = dup(s, item);
    g->doc = d->id;
    g->text = t;
    if (s->failed)
        return;
    s->ngaps++;
    doc_callout(d, DOC_GAP, "Gap (%s %s): %s", area, item, t);
}

void docs_file(struct medsec_docs *s, const char *name, const char *media_type, const void *data,
               size_t len)
{
    struct doc_file *f = alloc0(s, sizeof *f);
    void *copy = alloc0(s, len + 1);
    if (!f || !copy)
        return;
    if (len)
        memcpy(copy, data, len);
    f->name = dup(s, name);
    f->media_type = dup(s, media_type);
    f->data = copy;
    f->len = len;
    if (s->failed)
        return;
    if (s->lastfile)
        s->lastfile->next = f;
    else
        s->files = f;
    s->lastfile = f;
}

void docs_data(struct medsec_docs *s, const char *key, const char *json, size_t len)
{
    struct doc_data *x = alloc0(s, sizeof *x);
    if (!x)
        return;
    x->key = dup(s, key);
    char *p = s->failed ? NULL : medsec_arena_strndup(&s->arena, json, len);
    if (!p && !s->failed)
        s->failed = MEDSEC_ENOMEM;
    x->json = p;
    if (s->failed)
        return;
    if (s->lastdata)
        s->lastdata->next = x;
    else
        s->data = x;
    s->lastdata = x;
}

medsec_err docs_status(struct docs_gen *g)
{
    if (!g->set->failed)
        return MEDSEC_OK;
    return medsec_error_set(g->err, g->set->failed, NULL, 0, 0, "documents: %s",
                            medsec_strerror(g->set->failed));
}
