/* markdown.c: a document as CommonMark with GitHub tables (lib/docs/doc.h). */
#include <string.h>

#include "doc.h"

/* @s with the characters Markdown would read as markup escaped; in a table cell also '|', and line
 * breaks as <br>. */
static medsec_err text(struct medsec_buf *b, const char *s, bool cell)
{
    medsec_err rc = MEDSEC_OK;
    bool start = true;
    for (; s && *s && !rc; s++) {
        char c = *s;
        if (c == '\n') {
            rc = cell ? medsec_buf_adds(b, "<br>") : medsec_buf_addc(b, '\n');
            start = true;
            continue;
        }
        if (strchr("\\`*_[]<>|", c) || (start && strchr("#+-=", c)))
            rc = medsec_buf_addc(b, '\\');
        if (!rc)
            rc = medsec_buf_addc(b, c);
        start = false;
    }
    return rc;
}

static medsec_err block(struct medsec_buf *b, const struct doc_block *k)
{
    medsec_err rc = MEDSEC_OK;
    switch (k->kind) {
    case DOC_HEADING:
        rc = medsec_buf_addf(b, "%.*s ", k->level + 1, "#####");
        if (!rc)
            rc = text(b, k->text, false);
        if (!rc && k->anchor)
            rc = medsec_buf_addf(b, " {#%s}", k->anchor);
        return rc ? rc : medsec_buf_adds(b, "\n\n");
    case DOC_PARA: rc = text(b, k->text, false); return rc ? rc : medsec_buf_adds(b, "\n\n");
    case DOC_CALLOUT:
        rc = medsec_buf_adds(b, k->callout == DOC_GAP       ? "> **GAP** "
                                : k->callout == DOC_WARNING ? "> **Warning** "
                                                            : "> **Note** ");
        if (!rc)
            rc = text(b, k->text, true);
        return rc ? rc : medsec_buf_adds(b, "\n\n");
    case DOC_LIST:
        for (size_t i = 0; !rc && i < k->nrows; i++) {
            rc = k->level == 1 ? medsec_buf_addf(b, "%zu. ", i + 1) : medsec_buf_adds(b, "- ");
            if (!rc)
                rc = text(b, k->cells[i], true);
            if (!rc)
                rc = medsec_buf_addc(b, '\n');
        }
        return rc ? rc : medsec_buf_addc(b, '\n');
    case DOC_KV:
        for (size_t i = 0; !rc && i < k->nrows; i++) {
            rc = medsec_buf_adds(b, "- **");
            if (!rc)
                rc = text(b, k->cells[2 * i], true);
            if (!rc)
                rc = medsec_buf_adds(b, ":** ");
            if (!rc)
                rc = text(b, k->cells[2 * i + 1], true);
            if (!rc)
                rc = medsec_buf_addc(b, '\n');
        }
        return rc ? rc : medsec_buf_addc(b, '\n');
    case DOC_TABLE:
        for (size_t c = 0; !rc && c < k->ncols; c++) {
            rc = medsec_buf_adds(b, "| ");
            if (!rc)
                rc = text(b, k->head[c], true);
            if (!rc)
                rc = medsec_buf_addc(b, ' ');
        }
        if (!rc)
            rc = medsec_buf_adds(b, "|\n");
        for (size_t c = 0; !rc && c < k->ncols; c++)
            rc = medsec_buf_adds(b, "|---");
        if (!rc)
            rc = medsec_buf_adds(b, "|\n");
        for (size_t r = 0; !rc && r < k->nrows; r++) {
            for (size_t c = 0; !rc && c < k->ncols; c++) {
                rc = medsec_buf_adds(b, "| ");
                if (!rc)
                    rc = text(b, k->cells[r * k->ncols + c], true);
                if (!rc)
                    rc = medsec_buf_addc(b, ' ');
            }
            if (!rc)
                rc = medsec_buf_adds(b, "|\n");
        }
        return rc ? rc : medsec_buf_addc(b, '\n');
    case DOC_FIGURE:
        /* the SVG is written raw: Markdown renderers show inline HTML/SVG blocks */
        rc = medsec_buf_adds(b, "<figure>\n");
        if (!rc)
            rc = medsec_buf_adds(b, k->svg);
        if (!rc)
            rc = medsec_buf_adds(b, "\n</figure>\n\n*");
        if (!rc)
            rc = text(b, k->text, true);
        return rc ? rc : medsec_buf_adds(b, "*\n\n");
    }
    return rc;
}

medsec_err docs_render_markdown(const struct medsec_docs *s, const struct doc *d,
                                struct medsec_buf *out)
{
    medsec_err rc = MEDSEC_OK;
    if (!d) { /* the index: document control and the list of documents */
        rc =
            medsec_buf_addf(out, "# %s %s: cybersecurity documentation\n\n", s->device, s->version);
        if (!rc)
            rc = medsec_buf_addf(out,
                                 "- **Device:** %s\n- **Version:** %s\n- **Date:** %s\n"
                                 "- **Source commit:** %s\n- **Content SHA-256:** %s\n\n",
                                 s->device, s->version, s->date,
                                 s->source_commit ? s->source_commit : "not recorded",
                                 s->content_hash);
        for (const struct doc *x = s->first; !rc && x; x = x->next)
            rc = medsec_buf_addf(out, "- [%s](%s.md) (%s)\n", x->title, x->id, x->group);
        return rc;
    }
    rc = medsec_buf_adds(out, "# ");
    if (!rc)
        rc = text(out, d->title, false);
    if (!rc)
        rc = medsec_buf_addf(out, "\n\n%s %s, %s\n\n", s->device, s->version, s->date);
    if (!rc && d->purpose) {
        rc = medsec_buf_adds(out, "*");
        if (!rc)
            rc = text(out, d->purpose, true);
        if (!rc)
            rc = medsec_buf_adds(out, "*\n\n");
    }
    for (const struct doc_block *k = d->first; !rc && k; k = k->next)
        rc = block(out, k);
    return rc;
}
