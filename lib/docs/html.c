/* html.c: the HTML site (lib/docs/doc.h): a document as a page, the cover with document control,
 * each poured into its template (templates/docs/, docs/docs.md "Templates"). */
#include <stdio.h>
#include <string.h>

#include "doc.h"

static medsec_err esc_c(struct medsec_buf *b, char c)
{
    switch (c) {
    case '<': return medsec_buf_adds(b, "&lt;");
    case '>': return medsec_buf_adds(b, "&gt;");
    case '&': return medsec_buf_adds(b, "&amp;");
    case '"': return medsec_buf_adds(b, "&quot;");
    case '\'': return medsec_buf_adds(b, "&#39;");
    default: return medsec_buf_addc(b, c);
    }
}

static medsec_err esc(struct medsec_buf *b, const char *s)
{
    medsec_err rc = MEDSEC_OK;
    for (; s && *s && !rc; s++)
        rc = esc_c(b, *s);
    return rc;
}

/* @s as a CSS string, quotes included (a page margin box's text); safe inside an HTML attribute
 * in either quotes too. */
static medsec_err css_string(struct medsec_buf *b, const char *s)
{
    medsec_err rc = medsec_buf_addc(b, '"');
    for (; s && *s && !rc; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\'' || c == '\\' || c == '<' || c == '>' || c == '&' || c < 0x20 ||
            c == 0x7f)
            rc = medsec_buf_addf(b, "\\%x ", c);
        else
            rc = medsec_buf_addc(b, (char)c);
    }
    return rc ? rc : medsec_buf_addc(b, '"');
}

static medsec_err tagged(struct medsec_buf *b, const char *open, const char *s, const char *close)
{
    medsec_err rc = medsec_buf_adds(b, open);
    if (!rc)
        rc = esc(b, s);
    return rc ? rc : medsec_buf_adds(b, close);
}

/* The same for a block's text: its line breaks kept (<br>). */
static medsec_err lines(struct medsec_buf *b, const char *open, const char *s, const char *close)
{
    medsec_err rc = medsec_buf_adds(b, open);
    for (; !rc && s && *s; s++)
        rc = *s == '\n' ? medsec_buf_adds(b, "<br>\n") : esc_c(b, *s);
    return rc ? rc : medsec_buf_adds(b, close);
}

/* A heading's id: its anchor, else "s<n>" by its place in the document. */
static medsec_err heading_id(struct medsec_buf *b, const struct doc_block *k, size_t n)
{
    return k->anchor ? esc(b, k->anchor) : medsec_buf_addf(b, "s%zu", n);
}

static const char *callout_class(enum doc_callout c)
{
    return c == DOC_GAP ? "gap" : c == DOC_WARNING ? "warning" : "note";
}

static const char *callout_tag(enum doc_callout c)
{
    return c == DOC_GAP ? "GAP" : c == DOC_WARNING ? "Warning" : "Note";
}

static medsec_err block(struct medsec_buf *b, const struct doc_block *k, size_t n)
{
    medsec_err rc = MEDSEC_OK;
    switch (k->kind) {
    case DOC_HEADING:
        rc = medsec_buf_addf(b, "<h%d id=\"", k->level + 1);
        if (!rc)
            rc = heading_id(b, k, n);
        if (!rc)
            rc = medsec_buf_adds(b, "\">");
        if (!rc)
            rc = esc(b, k->text);
        return rc ? rc : medsec_buf_addf(b, "</h%d>\n", k->level + 1);
    case DOC_PARA: return lines(b, "<p>", k->text, "</p>\n");
    case DOC_CALLOUT:
        rc = medsec_buf_addf(b, "<p class=\"callout %s\"><span class=\"tag\">%s</span>",
                             callout_class(k->callout), callout_tag(k->callout));
        return rc ? rc : lines(b, "", k->text, "</p>\n");
    case DOC_LIST:
        rc = medsec_buf_adds(b, k->level == 1 ? "<ol>\n" : "<ul>\n");
        for (size_t i = 0; !rc && i < k->nrows; i++)
            rc = lines(b, "<li>", k->cells[i], "</li>\n");
        return rc ? rc : medsec_buf_adds(b, k->level == 1 ? "</ol>\n" : "</ul>\n");
    case DOC_KV:
        rc = medsec_buf_adds(b, "<dl class=\"fields\">\n");
        for (size_t i = 0; !rc && i < k->nrows; i++) {
            rc = tagged(b, "<dt>", k->cells[2 * i], "</dt>");
            if (!rc)
                rc = lines(b, "<dd>", k->cells[2 * i + 1], "</dd>\n");
        }
        return rc ? rc : medsec_buf_adds(b, "</dl>\n");
    case DOC_TABLE:
        rc = medsec_buf_adds(b, "<table>\n<thead><tr>");
        for (size_t c = 0; !rc && c < k->ncols; c++)
            rc = tagged(b, "<th scope=\"col\">", k->head[c], "</th>");
        if (!rc)
            rc = medsec_buf_adds(b, "</tr></thead>\n<tbody>\n");
        for (size_t r = 0; !rc && r < k->nrows; r++) {
            rc = medsec_buf_adds(b, "<tr>");
            for (size_t c = 0; !rc && c < k->ncols; c++)
                rc = lines(b, "<td>", k->cells[r * k->ncols + c], "</td>");
            if (!rc)
                rc = medsec_buf_adds(b, "</tr>\n");
        }
        return rc ? rc : medsec_buf_adds(b, "</tbody>\n</table>\n");
    case DOC_FIGURE:
        /* the SVG is the generator's own markup (views.c), embedded as it is */
        rc = medsec_buf_adds(b, "<figure>\n");
        if (!rc)
            rc = medsec_buf_adds(b, docs_svg_element(k->svg));
        return rc ? rc : tagged(b, "\n<figcaption>", k->text, "</figcaption>\n</figure>\n");
    }
    return rc;
}

/* ---- template substitution ---- */

struct var {
    const char *name;
    const char *value; /* NULL: empty */
    bool html;         /* a fragment, inserted as it is; else text, escaped */
};

/* Template @tpl with every {{name}} replaced by its value from @v; {{name.css}} gives a text
 * value as a CSS string. An unknown name is an error naming the template and line. */
static medsec_err fill(struct medsec_buf *out, const char *tpl, const char *tplname,
                       const struct var *v, size_t nv, struct medsec_error *err)
{
    medsec_err rc = MEDSEC_OK;
    const char *p = tpl;
    unsigned line = 1;
    while (!rc && *p) {
        const char *open = strstr(p, "{{");
        const char *close = open ? strstr(open + 2, "}}") : NULL;
        if (!close) {
            rc = medsec_buf_adds(out, p);
            break;
        }
        for (const char *q = p; q < open; q++)
            line += *q == '\n';
        rc = medsec_buf_add(out, p, (size_t)(open - p));
        const char *name = open + 2;
        size_t len = (size_t)(close - name);
        while (len && *name == ' ')
            name++, len--;
        while (len && name[len - 1] == ' ')
            len--;
        bool css = len > 4 && !memcmp(name + len - 4, ".css", 4);
        size_t base = css ? len - 4 : len;
        const struct var *x = NULL;
        for (size_t i = 0; i < nv && !x; i++)
            if (strlen(v[i].name) == base && !memcmp(v[i].name, name, base))
                x = &v[i];
        if (!rc && (!x || (css && x->html)))
            return medsec_error_set(
                err, MEDSEC_EINVAL, tplname, line, 0, "template: %s placeholder {{%.*s}}",
                x ? "no CSS string for the fragment" : "unknown", (int)len, name);
        if (!rc)
            rc = css       ? css_string(out, x->value)
                 : x->html ? medsec_buf_adds(out, x->value ? x->value : "")
                           : esc(out, x->value);
        p = close + 2;
    }
    return rc ? medsec_error_set(err, rc, tplname, 0, 0, "HTML: %s", medsec_strerror(rc))
              : MEDSEC_OK;
}

/* The navigation bar: the cover, then every document; @cur is the page shown (NULL: the cover). */
static medsec_err nav(struct medsec_buf *b, const struct medsec_docs *s, const struct doc *cur)
{
    medsec_err rc = medsec_buf_addf(b, "<ul>\n<li><a href=\"index.html\"%s>Cover</a></li>\n",
                                    cur ? "" : " aria-current=\"page\"");
    for (const struct doc *x = s->first; !rc && x; x = x->next) {
        rc = medsec_buf_adds(b, "<li><a href=\"");
        if (!rc)
            rc = esc(b, x->id);
        if (!rc)
            rc = medsec_buf_addf(b, ".html\"%s>", x == cur ? " aria-current=\"page\"" : "");
        if (!rc)
            rc = tagged(b, "", x->title, "</a></li>\n");
    }
    return rc ? rc : medsec_buf_adds(b, "</ul>");
}

/* The table of contents of @d (its top-level sections) when it has three or more; *@long_doc
 * says whether it is long enough for each section to start a printed page. */
static medsec_err toc(struct medsec_buf *b, const struct doc *d, bool *long_doc)
{
    size_t sections = 0, size = 0; /* blocks and table rows */
    for (const struct doc_block *k = d->first; k; k = k->next) {
        sections += k->kind == DOC_HEADING && k->level == 1;
        size += 1 + (k->kind == DOC_TABLE ? k->nrows : 0);
    }
    *long_doc = sections >= 3 && size >= 60;
    if (sections < 3)
        return MEDSEC_OK;
    medsec_err rc = medsec_buf_adds(b, "<nav class=\"toc\" aria-label=\"Contents\">\n<ol>\n");
    size_t n = 0;
    for (const struct doc_block *k = d->first; !rc && k; k = k->next, n++) {
        if (k->kind != DOC_HEADING || k->level != 1)
            continue;
        rc = medsec_buf_adds(b, "<li><a href=\"#");
        if (!rc)
            rc = heading_id(b, k, n);
        if (!rc)
            rc = tagged(b, "\">", k->text, "</a></li>\n");
    }
    return rc ? rc : medsec_buf_adds(b, "</ol>\n</nav>");
}

static medsec_err control_row(struct medsec_buf *b, const char *field, const char *value,
                              const char *cls)
{
    medsec_err rc = tagged(b, "<tr><th scope=\"row\">", field, "</th>");
    if (!rc)
        rc = medsec_buf_addf(b, "<td%s%s%s>", cls ? " class=\"" : "", cls ? cls : "",
                             cls ? "\"" : "");
    return rc ? rc : tagged(b, "", value, "</td></tr>\n");
}

/* The cover's fragments: document control, the documents by group, gaps by area, sources. */
static medsec_err cover_control(struct medsec_buf *b, const struct medsec_docs *s)
{
    medsec_err rc = medsec_buf_adds(b, "<table class=\"control\">\n<tbody>\n");
    struct docs_field f[DOCS_NCONTROL];
    docs_control(s, f);
    for (size_t i = 0; !rc && i < DOCS_NCONTROL; i++)
        rc = control_row(b, f[i].field, f[i].value, f[i].code ? "hash" : NULL);
    if (!rc)
        rc = control_row(b, "Generated by",
                         "medsec docs, from the security file and the files it names", NULL);
    return rc ? rc : medsec_buf_adds(b, "</tbody>\n</table>");
}

static medsec_err cover_documents(struct medsec_buf *b, const struct medsec_docs *s)
{
    if (!s->first)
        return medsec_buf_adds(b, "<p>No document was generated.</p>");
    medsec_err rc = MEDSEC_OK;
    /* the groups in first-seen order; a group's documents in reading order */
    for (const struct doc *g = s->first; !rc && g; g = g->next) {
        if (!docs_group_first(s, g))
            continue;
        rc = tagged(b, "<h3>", g->group, "</h3>\n");
        if (!rc)
            rc = medsec_buf_adds(b, "<table>\n<thead><tr><th scope=\"col\">Document</th>"
                                    "<th scope=\"col\">Purpose</th><th scope=\"col\">Gaps</th>"
                                    "</tr></thead>\n<tbody>\n");
        for (const struct doc *x = g; !rc && x; x = x->next) {
            if (strcmp(x->group, g->group))
                continue;
            size_t n = docs_doc_gaps(s, x);
            rc = medsec_buf_adds(b, "<tr><td><a href=\"");
            if (!rc)
                rc = esc(b, x->id);
            if (!rc)
                rc = tagged(b, ".html\">", x->title, "</a></td>");
            if (!rc)
                rc = tagged(b, "<td>", x->purpose, "</td>");
            if (!rc)
                rc = medsec_buf_addf(b, "<td%s>%zu</td></tr>\n", n ? " class=\"gap\"" : "", n);
        }
        if (!rc)
            rc = medsec_buf_adds(b, "</tbody>\n</table>\n");
    }
    return rc;
}

static medsec_err cover_gaps(struct medsec_buf *b, const struct medsec_docs *s)
{
    struct medsec_docs_area a[32];
    size_t n = medsec_docs_areas(s, a, sizeof a / sizeof *a);
    if (n > sizeof a / sizeof *a)
        n = sizeof a / sizeof *a;
    medsec_err rc = medsec_buf_addf(b,
                                    "<p>%zu gap%s in all: each is shown where it occurs, as a "
                                    "<span class=\"gaps\">GAP</span> callout.</p>\n",
                                    s->ngaps, s->ngaps == 1 ? "" : "s");
    if (!rc)
        rc = medsec_buf_adds(b, "<table>\n<thead><tr><th scope=\"col\">Area</th><th scope=\"col\">"
                                "What is missing</th><th scope=\"col\">Gaps</th></tr></thead>\n"
                                "<tbody>\n");
    for (size_t i = 0; !rc && i < n; i++) {
        rc = tagged(b, "<tr><td>", a[i].area, "</td>");
        if (!rc)
            rc = tagged(b, "<td>", a[i].label, "</td>");
        if (!rc)
            rc = medsec_buf_addf(b, "<td%s>%zu</td></tr>\n", a[i].gaps ? " class=\"gap\"" : "",
                                 a[i].gaps);
    }
    return rc ? rc : medsec_buf_adds(b, "</tbody>\n</table>");
}

/* The gap register: every gap, linked to the document that shows it. */
static medsec_err cover_register(struct medsec_buf *b, const struct medsec_docs *s)
{
    if (!s->ngaps)
        return medsec_buf_adds(b, "<p>No gap.</p>");
    medsec_err rc = medsec_buf_adds(b, "<table>\n<thead><tr><th scope=\"col\">Area</th>"
                                       "<th scope=\"col\">Item</th><th scope=\"col\">What is "
                                       "missing</th><th scope=\"col\">Document</th></tr></thead>\n"
                                       "<tbody>\n");
    for (size_t i = 0; !rc && i < s->ngaps; i++) {
        const struct medsec_docs_gap *g = &s->gaps[i];
        rc = tagged(b, "<tr><td>", g->area, "</td>");
        if (!rc)
            rc = tagged(b, "<td>", g->item, "</td>");
        if (!rc)
            rc = tagged(b, "<td>", g->text, "</td>");
        if (!rc)
            rc = tagged(b, "<td><a href=\"", g->doc, ".html\">");
        if (!rc)
            rc = tagged(b, "", docs_title_of(s, g->doc), "</a></td></tr>\n");
    }
    return rc ? rc : medsec_buf_adds(b, "</tbody>\n</table>");
}

static medsec_err cover_sources(struct medsec_buf *b, const struct medsec_docs *s)
{
    medsec_err rc = medsec_buf_adds(b, "<table>\n<thead><tr><th scope=\"col\">SHA-256</th>"
                                       "<th scope=\"col\">File</th></tr></thead>\n<tbody>\n");
    for (size_t i = 0; !rc && i < s->nsources; i++) {
        rc = tagged(b, "<tr><td class=\"hash\">", s->sources[i].sha256, "</td>");
        if (!rc)
            rc = tagged(b, "<td><code>", s->sources[i].path, "</code></td></tr>\n");
    }
    return rc ? rc : medsec_buf_adds(b, "</tbody>\n</table>");
}

enum { F_NAV, F_TOC, F_BODY, F_CONTROL, F_DOCS, F_GAPS, F_REGISTER, F_SOURCES, F_N };

medsec_err docs_render_html(const struct medsec_docs *s, const struct doc *d,
                            struct medsec_buf *out, struct medsec_error *err)
{
    struct medsec_buf f[F_N];
    for (int i = 0; i < F_N; i++)
        f[i] = (struct medsec_buf)MEDSEC_BUF_INIT;
    bool long_doc = false;
    char gaps[48] = "";
    if (d) {
        size_t n = docs_doc_gaps(s, d);
        snprintf(gaps, sizeof gaps, n ? "%zu gap%s" : "no gap", n, n == 1 ? "" : "s");
    }
    char hash_short[17];
    memcpy(hash_short, s->content_hash, sizeof hash_short - 1);
    hash_short[sizeof hash_short - 1] = 0;
    medsec_err rc = nav(&f[F_NAV], s, d);
    if (!rc && d) {
        rc = toc(&f[F_TOC], d, &long_doc);
        size_t n = 0;
        for (const struct doc_block *k = d->first; !rc && k; k = k->next, n++)
            rc = block(&f[F_BODY], k, n);
    } else if (!rc) {
        rc = cover_control(&f[F_CONTROL], s);
        if (!rc)
            rc = cover_documents(&f[F_DOCS], s);
        if (!rc)
            rc = cover_gaps(&f[F_GAPS], s);
        if (!rc)
            rc = cover_register(&f[F_REGISTER], s);
        if (!rc)
            rc = cover_sources(&f[F_SOURCES], s);
    }
    const struct var v[] = {
        {"title", d ? d->title : "Cybersecurity documentation", false},
        {"group", d ? d->group : NULL, false},
        {"purpose", d ? d->purpose : NULL, false},
        {"device", s->device, false},
        {"version", s->version, false},
        {"date", s->date, false},
        {"manufacturer", docs_or_unstated(s->manufacturer), false},
        {"model", docs_or_unstated(s->model), false},
        {"udi_di", docs_or_unstated(s->udi_di), false},
        {"content_hash", s->content_hash, false},
        {"content_hash_short", hash_short, false},
        {"source_commit", s->source_commit ? s->source_commit : "not recorded", false},
        {"page_class", long_doc ? "long" : "", false},
        {"gap_count", gaps, false},
        {"nav", f[F_NAV].data, true},
        {"toc", f[F_TOC].data, true},
        {"body", f[F_BODY].data, true},
        {"control", f[F_CONTROL].data, true},
        {"documents", f[F_DOCS].data, true},
        {"gaps", f[F_GAPS].data, true},
        {"gap_register", f[F_REGISTER].data, true},
        {"sources", f[F_SOURCES].data, true},
    };
    enum docs_template t = d ? DOCS_TPL_PAGE : DOCS_TPL_COVER;
    if (rc)
        medsec_error_set(err, rc, NULL, 0, 0, "HTML: %s", medsec_strerror(rc));
    else
        rc = fill(out, s->tpl[t] ? s->tpl[t] : "",
                  s->tpl_src[t] ? s->tpl_src[t] : docs_template_names[t], v, sizeof v / sizeof *v,
                  err);
    for (int i = 0; i < F_N; i++)
        medsec_buf_release(&f[i]);
    return rc;
}

/* The shared stylesheet (style.css). */
medsec_err docs_render_css(const struct medsec_docs *s, struct medsec_buf *out)
{
    return medsec_buf_adds(out, s->tpl[DOCS_TPL_CSS] ? s->tpl[DOCS_TPL_CSS] : "");
}
