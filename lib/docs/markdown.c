/* markdown.c: a document as CommonMark with GitHub tables (lib/docs/doc.h). */
#include <string.h>

#include "doc.h"

/* @s with the characters Markdown would read as markup escaped (CommonMark backslash escapes);
 * at a line's start also what would open a heading, list, quote or numbered item. In a table cell
 * or list item (@cell) line breaks become <br>. */
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
        if (start && c >= '0' && c <= '9') { /* "1. " or "1) " would start a numbered list */
            size_t n = strspn(s, "0123456789");
            if ((s[n] == '.' || s[n] == ')') && (s[n + 1] == ' ' || !s[n + 1])) {
                rc = medsec_buf_add(b, s, n);
                if (!rc)
                    rc = medsec_buf_addc(b, '\\');
                if (!rc)
                    rc = medsec_buf_addc(b, s[n]);
                s += n;
                start = false;
                continue;
            }
        }
        if (strchr("\\`*_[]<>|&~", c) || (start && strchr("#+-=>", c)))
            rc = medsec_buf_addc(b, '\\');
        if (!rc)
            rc = medsec_buf_addc(b, c);
        start = false;
    }
    return rc;
}

/* @svg without its blank lines (a blank line would end the HTML block it sits in). */
static medsec_err raw_block(struct medsec_buf *b, const char *svg)
{
    medsec_err rc = MEDSEC_OK;
    while (svg && *svg && !rc) {
        size_t n = strcspn(svg, "\n");
        size_t blank = strspn(svg, " \t\r");
        if (blank < n)
            rc = medsec_buf_add(b, svg, n);
        if (!rc && blank < n)
            rc = medsec_buf_addc(b, '\n');
        svg += n + (svg[n] == '\n');
    }
    return rc;
}

static medsec_err block(struct medsec_buf *b, const struct doc_block *k)
{
    medsec_err rc = MEDSEC_OK;
    switch (k->kind) {
    case DOC_HEADING:
        if (k->anchor) /* a link target other documents use (a renderer-independent anchor) */
            rc = medsec_buf_addf(b, "<a id=\"%s\"></a>\n\n", k->anchor);
        if (!rc)
            rc = medsec_buf_addf(b, "%.*s ", k->level + 1, "#####");
        if (!rc)
            rc = text(b, k->text, true);
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
            rc = raw_block(b, docs_svg_element(k->svg));
        if (!rc)
            rc = medsec_buf_adds(b, "</figure>\n\n*");
        if (!rc)
            rc = text(b, k->text, true);
        return rc ? rc : medsec_buf_adds(b, "*\n\n");
    }
    return rc;
}

static medsec_err field(struct medsec_buf *b, const char *name, const char *value)
{
    medsec_err rc = medsec_buf_addf(b, "| %s | ", name);
    if (!rc)
        rc = text(b, value, true);
    return rc ? rc : medsec_buf_adds(b, " |\n");
}

/* The index: document control, the documents by group, the gaps by area, the source files. */
static medsec_err index_md(const struct medsec_docs *s, struct medsec_buf *out)
{
    medsec_err rc = medsec_buf_adds(out, "# ");
    if (!rc)
        rc = text(out, s->device, true);
    if (!rc)
        rc = medsec_buf_adds(out, ", version ");
    if (!rc)
        rc = text(out, s->version, true);
    if (!rc)
        rc = medsec_buf_adds(out, ": cybersecurity documentation\n\n## Document control\n\n"
                                  "| Field | Value |\n|---|---|\n");
    struct docs_field f[DOCS_NCONTROL];
    docs_control(s, f);
    for (size_t i = 0; !rc && i < DOCS_NCONTROL; i++)
        rc = field(out, f[i].field, f[i].value);
    if (!rc)
        rc = medsec_buf_adds(out, "\n## Documents\n\n");
    if (!rc && !s->first)
        rc = medsec_buf_adds(out, "No document was generated.\n\n");
    for (const struct doc *g = s->first; !rc && g; g = g->next) {
        if (!docs_group_first(s, g))
            continue;
        rc = medsec_buf_adds(out, "### ");
        if (!rc)
            rc = text(out, g->group, true);
        if (!rc)
            rc = medsec_buf_adds(out, "\n\n| Document | Purpose | Gaps |\n|---|---|---|\n");
        for (const struct doc *x = g; !rc && x; x = x->next) {
            if (strcmp(x->group, g->group))
                continue;
            rc = medsec_buf_adds(out, "| [");
            if (!rc)
                rc = text(out, x->title, true);
            if (!rc)
                rc = medsec_buf_addf(out, "](%s.md) | ", x->id);
            if (!rc)
                rc = text(out, x->purpose, true);
            if (!rc)
                rc = medsec_buf_addf(out, " | %zu |\n", docs_doc_gaps(s, x));
        }
        if (!rc)
            rc = medsec_buf_addc(out, '\n');
    }
    struct medsec_docs_area a[32];
    size_t n = medsec_docs_areas(s, a, sizeof a / sizeof *a);
    if (n > sizeof a / sizeof *a)
        n = sizeof a / sizeof *a;
    if (!rc)
        rc = medsec_buf_addf(out,
                             "## Open gaps\n\n%zu gap%s in all, each shown where it occurs.\n\n"
                             "| Area | What is missing | Gaps |\n|---|---|---|\n",
                             s->ngaps, s->ngaps == 1 ? "" : "s");
    for (size_t i = 0; !rc && i < n; i++) {
        rc = medsec_buf_adds(out, "| ");
        if (!rc)
            rc = text(out, a[i].area, true);
        if (!rc)
            rc = medsec_buf_adds(out, " | ");
        if (!rc)
            rc = text(out, a[i].label, true);
        if (!rc)
            rc = medsec_buf_addf(out, " | %zu |\n", a[i].gaps);
    }
    if (!rc && s->ngaps)
        rc =
            medsec_buf_adds(out, "\n### Every gap\n\n| Area | Item | What is missing | Document |\n"
                                 "|---|---|---|---|\n");
    for (size_t i = 0; !rc && i < s->ngaps; i++) {
        const struct medsec_docs_gap *g = &s->gaps[i];
        rc = medsec_buf_adds(out, "| ");
        if (!rc)
            rc = text(out, g->area, true);
        if (!rc)
            rc = medsec_buf_adds(out, " | ");
        if (!rc)
            rc = text(out, g->item, true);
        if (!rc)
            rc = medsec_buf_adds(out, " | ");
        if (!rc)
            rc = text(out, g->text, true);
        if (!rc)
            rc = medsec_buf_adds(out, " | [");
        if (!rc)
            rc = text(out, docs_title_of(s, g->doc), true);
        if (!rc)
            rc = medsec_buf_addf(out, "](%s.md) |\n", g->doc);
    }
    if (!rc)
        rc = medsec_buf_adds(out, "\n## Source files\n\nThe content hash is the SHA-256 of these "
                                  "lines (`sha256sum` output, in this order).\n\n```\n");
    for (size_t i = 0; !rc && i < s->nsources; i++)
        rc = medsec_buf_addf(out, "%s  %s\n", s->sources[i].sha256, s->sources[i].path);
    return rc ? rc : medsec_buf_adds(out, "```\n");
}

medsec_err docs_render_markdown(const struct medsec_docs *s, const struct doc *d,
                                struct medsec_buf *out)
{
    if (!d)
        return index_md(s, out);
    medsec_err rc = medsec_buf_adds(out, "# ");
    if (!rc)
        rc = text(out, d->title, true);
    if (!rc)
        rc = medsec_buf_adds(out, "\n\n");
    if (!rc)
        rc = text(out, s->device, false);
    if (!rc)
        rc = medsec_buf_addf(out, ", version %s, %s. ", s->version, s->date);
    if (!rc)
        rc = text(out, d->group, false);
    if (!rc)
        rc = medsec_buf_adds(out, ". [Document control and all documents](index.md)\n\n");
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
