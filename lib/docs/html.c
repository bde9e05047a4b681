/* html.c: a document as an HTML page of the site (lib/docs/doc.h). */
#include <stdio.h>
#include <string.h>

#include "doc.h"

static medsec_err esc(struct medsec_buf *b, const char *s)
{
    medsec_err rc = MEDSEC_OK;
    for (; s && *s && !rc; s++) {
        switch (*s) {
        case '<': rc = medsec_buf_adds(b, "&lt;"); break;
        case '>': rc = medsec_buf_adds(b, "&gt;"); break;
        case '&': rc = medsec_buf_adds(b, "&amp;"); break;
        case '"': rc = medsec_buf_adds(b, "&quot;"); break;
        default: rc = medsec_buf_addc(b, *s);
        }
    }
    return rc;
}

static medsec_err tagged(struct medsec_buf *b, const char *open, const char *s, const char *close)
{
    medsec_err rc = medsec_buf_adds(b, open);
    if (!rc)
        rc = esc(b, s);
    return rc ? rc : medsec_buf_adds(b, close);
}

static medsec_err block(struct medsec_buf *b, const struct doc_block *k)
{
    medsec_err rc = MEDSEC_OK;
    char open[128];
    switch (k->kind) {
    case DOC_HEADING:
        if (k->anchor)
            rc = medsec_buf_addf(b, "<h%d id=\"", k->level + 1);
        else
            rc = medsec_buf_addf(b, "<h%d>", k->level + 1);
        if (!rc && k->anchor)
            rc = esc(b, k->anchor);
        if (!rc && k->anchor)
            rc = medsec_buf_adds(b, "\">");
        if (!rc)
            rc = esc(b, k->text);
        return rc ? rc : medsec_buf_addf(b, "</h%d>\n", k->level + 1);
    case DOC_PARA: return tagged(b, "<p>", k->text, "</p>\n");
    case DOC_CALLOUT:
        snprintf(open, sizeof open, "<p class=\"callout %s\">",
                 k->callout == DOC_GAP       ? "gap"
                 : k->callout == DOC_WARNING ? "warning"
                                             : "note");
        return tagged(b, open, k->text, "</p>\n");
    case DOC_LIST:
        rc = medsec_buf_adds(b, k->level == 1 ? "<ol>\n" : "<ul>\n");
        for (size_t i = 0; !rc && i < k->nrows; i++)
            rc = tagged(b, "<li>", k->cells[i], "</li>\n");
        return rc ? rc : medsec_buf_adds(b, k->level == 1 ? "</ol>\n" : "</ul>\n");
    case DOC_KV:
        rc = medsec_buf_adds(b, "<dl class=\"fields\">\n");
        for (size_t i = 0; !rc && i < k->nrows; i++) {
            rc = tagged(b, "<dt>", k->cells[2 * i], "</dt>");
            if (!rc)
                rc = tagged(b, "<dd>", k->cells[2 * i + 1], "</dd>\n");
        }
        return rc ? rc : medsec_buf_adds(b, "</dl>\n");
    case DOC_TABLE:
        rc = medsec_buf_adds(b, "<table>\n<thead><tr>");
        for (size_t c = 0; !rc && c < k->ncols; c++)
            rc = tagged(b, "<th>", k->head[c], "</th>");
        if (!rc)
            rc = medsec_buf_adds(b, "</tr></thead>\n<tbody>\n");
        for (size_t r = 0; !rc && r < k->nrows; r++) {
            rc = medsec_buf_adds(b, "<tr>");
            for (size_t c = 0; !rc && c < k->ncols; c++)
                rc = tagged(b, "<td>", k->cells[r * k->ncols + c], "</td>");
            if (!rc)
                rc = medsec_buf_adds(b, "</tr>\n");
        }
        return rc ? rc : medsec_buf_adds(b, "</tbody>\n</table>\n");
    case DOC_FIGURE:
        rc = medsec_buf_adds(b, "<figure>\n");
        if (!rc)
            rc = medsec_buf_adds(b, k->svg);
        return rc ? rc : tagged(b, "\n<figcaption>", k->text, "</figcaption>\n</figure>\n");
    }
    return rc;
}

medsec_err docs_render_html(const struct medsec_docs *s, const struct doc *d,
                            struct medsec_buf *out, struct medsec_error *err)
{
    medsec_err rc = medsec_buf_adds(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n"
                                         "<meta charset=\"utf-8\">\n<title>");
    if (!rc)
        rc = esc(out, d ? d->title : s->device);
    if (!rc)
        rc = medsec_buf_adds(out, "</title>\n</head>\n<body>\n");
    if (!rc && d) {
        rc = tagged(out, "<h1>", d->title, "</h1>\n");
        for (const struct doc_block *k = d->first; !rc && k; k = k->next)
            rc = block(out, k);
    }
    if (!rc && !d) {
        rc = tagged(out, "<h1>", s->device, "</h1>\n<ul>\n");
        for (const struct doc *x = s->first; !rc && x; x = x->next) {
            rc = medsec_buf_addf(out, "<li><a href=\"%s.html\">", x->id);
            if (!rc)
                rc = tagged(out, "", x->title, "</a></li>\n");
        }
        if (!rc)
            rc = medsec_buf_adds(out, "</ul>\n");
    }
    if (!rc)
        rc = medsec_buf_adds(out, "</body>\n</html>\n");
    return rc ? medsec_error_set(err, rc, NULL, 0, 0, "HTML: %s", medsec_strerror(rc)) : MEDSEC_OK;
}
