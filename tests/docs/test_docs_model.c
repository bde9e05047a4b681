/* test_docs_model.c: the document model (lib/docs/doc.h) and its renderers: escaping in Markdown
 * and HTML, tables, figures, gaps by area, templates, sticky builder failure, writing the site.
 * With `--write-sample DIR` it writes a synthetic site instead (every block kind, a wide SVG, a
 * long table, gaps) for the Chromium test (test_site_chromium.py) and the schema check. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "../unit/failalloc.h"
#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/file.h"
#include "medsec/json.h"

/* An empty set with document control filled and the built-in templates (NULL: out of memory). */
static struct medsec_docs *new_set(const char *templates)
{
    struct medsec_docs *s = medsec_calloc(1, sizeof *s);
    if (!s)
        return NULL;
    s->device = docs_strf(s, "Pump <X> & Co");
    s->version = docs_strf(s, "1.0.0");
    s->date = docs_strf(s, "2026-03-16");
    s->manufacturer = docs_strf(s, "ACME \"Med\" AG");
    memset(s->content_hash, 'a', 64);
    s->sources = medsec_arena_alloc(&s->arena, sizeof *s->sources);
    if (!s->sources) {
        medsec_docs_free(s);
        return NULL;
    }
    s->sources[0].path = docs_strf(s, "device.yaml");
    memset(s->sources[0].sha256, 'b', 64);
    s->sources[0].sha256[64] = 0;
    s->nsources = 1;
    struct medsec_error err;
    if (docs_templates_load(s, templates, &err)) {
        medsec_docs_free(s);
        return NULL;
    }
    return s;
}

/* A set with one document of every block kind; the sample site. */
static void fill_sample(struct medsec_docs *s)
{
    struct doc *d = doc_new(s, "sample-architecture", "FDA premarket", "Architecture <views>",
                            "A synthetic page: a wide SVG, a wide table and a gap.");
    doc_heading(d, 1, "global", "Global system view");
    doc_para(d, "The system as a whole: %d items & their flows.", 3);
    struct medsec_buf svg = MEDSEC_BUF_INIT;
    if (medsec_buf_adds(&svg, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"1400\" "
                              "height=\"500\" viewBox=\"0 0 1400 500\">\n\n"))
        return;
    for (int i = 0; i < 6; i++)
        if (medsec_buf_addf(&svg,
                            "<rect x=\"%d\" y=\"40\" width=\"200\" height=\"80\" fill=\"#dde\" "
                            "stroke=\"#333\"/><text x=\"%d\" y=\"85\">item %d</text>\n",
                            20 + 230 * i, 40 + 230 * i, i))
            return;
    if (medsec_buf_adds(&svg, "</svg>"))
        return;
    doc_figure(d, svg.data, svg.len, "Figure 1: global system view (synthetic)");
    medsec_buf_release(&svg);
    static const char *const head[] = {"Flow",      "From",          "To",       "Protocol", "Port",
                                       "Direction", "Authenticated", "Encrypted"};
    doc_table(d, 8, head);
    for (int i = 0; i < 12; i++) {
        doc_cell(d, "F-%d", i);
        doc_cell(d, "infusion-controller-main-board-%d", i);
        doc_cell(d, "hospital-network-drug-library-server-%d", i);
        doc_cell(d, "TLS 1.2 (mutual authentication, pinned certificates)");
        doc_cell(d, "%d/tcp", 8443 + i);
        doc_cell(d, "outbound");
        doc_cell(d, "yes");
        doc_cell(d, "yes | AES-GCM");
    }
    doc_gap(d, "FDA", "multi-patient-harm", "no flow names the devices it can reach at once.");
    d = doc_new(s, "sample-checklist", "Checklists", "Sample checklist",
                "A synthetic long document: sections break pages in print.");
    for (int h = 1; h <= 4; h++) {
        doc_heading(d, 1, NULL, "Section %d", h);
        doc_kv_begin(d);
        doc_kv(d, "Applicability", "applies");
        doc_kv(d, "Evidence", "EV-%d, REQ-%d", h, h);
        doc_list(d, h % 2);
        doc_item(d, "first *item*");
        doc_item(d, "second item\nwith a line break");
        doc_callout(d, DOC_WARNING, "residual risk %d stays", h);
        doc_callout(d, DOC_NOTE, "a note");
        static const char *const h2[] = {"GSPR", "Evidence", "Status"};
        doc_table(d, 3, h2);
        for (int r = 0; r < 15; r++) {
            const char *row[] = {"17.2", NULL, "met"};
            doc_row(d, row);
        }
    }
    doc_gap(d, "GSPR", "17.4", "no minimum IT network requirement is stated.");
    doc_gap(d, "IEC 81001-5-1", "5.7.4", "no penetration test record.");
}

static char *render_md(const struct medsec_docs *s, const struct doc *d)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    assert_int_equal(docs_render_markdown(s, d, &b), MEDSEC_OK);
    return medsec_buf_detach(&b, NULL);
}

static char *render_html(const struct medsec_docs *s, const struct doc *d)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    assert_int_equal(docs_render_html(s, d, &b, &err), MEDSEC_OK);
    return medsec_buf_detach(&b, NULL);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
        n++;
    return n;
}

static void markdown_escapes_markup(void **state)
{
    (void)state;
    struct medsec_docs *s = new_set(NULL);
    assert_non_null(s);
    struct doc *d = doc_new(s, "x", "G", "T", NULL);
    doc_para(d, "a <b> & c | d *e* _f_ `g` [h] ~i~ \\");
    doc_para(d, "# not a heading");
    doc_para(d, "1. not a list\n- nor this\n> nor a quote");
    doc_para(d, "17.2 is a GSPR, not a list");
    static const char *const head[] = {"A|B", "C"};
    doc_table(d, 2, head);
    const char *row[] = {"x|y\nz", "<i>"};
    doc_row(d, row);
    char *md = render_md(s, d);
    assert_non_null(
        strstr(md, "a \\<b\\> \\& c \\| d \\*e\\* \\_f\\_ \\`g\\` \\[h\\] \\~i\\~ \\\\\n"));
    assert_non_null(strstr(md, "\\# not a heading\n"));
    assert_non_null(strstr(md, "1\\. not a list\n\\- nor this\n\\> nor a quote\n"));
    assert_non_null(strstr(md, "\n17.2 is a GSPR, not a list\n"));
    assert_non_null(strstr(md, "| A\\|B | C |\n|---|---|\n| x\\|y<br>z | \\<i\\> |\n"));
    medsec_free(md);
    medsec_docs_free(s);
}

static void html_escapes_text_and_keeps_svg(void **state)
{
    (void)state;
    struct medsec_docs *s = new_set(NULL);
    assert_non_null(s);
    struct doc *d = doc_new(s, "x", "G", "T <1>", "P & Q");
    s->date = docs_strf(s, "it's"); /* a quote that would end the style attribute */
    doc_para(d, "<script>alert('x')</script> & \"q\"");
    doc_figure(d, "<svg><a href=\"#\">k</a></svg>", 29, "cap <b>");
    doc_gap(d, "GSPR", "17.2", "no <evidence>");
    char *h = render_html(s, d);
    assert_null(strstr(h, "<script>"));
    assert_non_null(
        strstr(h, "<p>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;</p>"));
    assert_non_null(strstr(h, "<figure>\n<svg><a href=\"#\">k</a></svg>\n<figcaption>cap &lt;b&gt;"
                              "</figcaption>"));
    assert_non_null(strstr(h, "<p class=\"callout gap\"><span class=\"tag\">GAP</span>Gap (GSPR "
                              "17.2): no &lt;evidence&gt;</p>"));
    /* the device name in the page title is escaped, and as a CSS string in the margin box */
    assert_non_null(
        strstr(h, "<title>T &lt;1&gt; · Pump &lt;X&gt; &amp; Co, version 1.0.0</title>"));
    assert_non_null(
        strstr(h, "--doc-device: \"Pump \\3c X\\3e  \\26  Co\"; --doc-version: \"1.0.0\";"));
    assert_non_null(strstr(h, "--doc-manufacturer: \"ACME \\22 Med\\22  AG\";"));
    assert_non_null(strstr(h, "--doc-date: \"it\\27 s\"'>"));
    assert_non_null(strstr(h, "<a href=\"x.html\" aria-current=\"page\">T &lt;1&gt;</a>"));
    medsec_free(h);
    medsec_docs_free(s);
}

static void tables_have_their_shape(void **state)
{
    (void)state;
    struct medsec_docs *s = new_set(NULL);
    assert_non_null(s);
    struct doc *d = doc_new(s, "x", "G", "T", NULL);
    static const char *const head[] = {"a", "b", "c"};
    doc_table(d, 3, head);
    doc_cell(d, "1");
    doc_cell(d, "2");
    doc_cell(d, "3");
    const char *row[] = {"4", NULL, "6"}; /* NULL: an empty cell */
    doc_row(d, row);
    doc_cell(d, "partial"); /* an incomplete last row is not shown */
    assert_int_equal(d->last->nrows, 2);
    char *md = render_md(s, d);
    assert_non_null(strstr(md, "| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n| 4 |  | 6 |\n\n"));
    assert_null(strstr(md, "partial"));
    char *h = render_html(s, d);
    assert_int_equal(count(h, "<th scope=\"col\">"), 3);
    assert_int_equal(count(h, "<td>"), 6);
    assert_int_equal(count(h, "<thead>"), 1);
    assert_null(strstr(h, "partial"));
    medsec_free(md);
    medsec_free(h);
    medsec_docs_free(s);
}

static void figures_survive_markdown(void **state)
{
    (void)state;
    struct medsec_docs *s = new_set(NULL);
    assert_non_null(s);
    struct doc *d = doc_new(s, "x", "G", "T", NULL);
    const char *svg = "<svg>\n\n  \n<g/>\n</svg>\n";
    doc_figure(d, svg, strlen(svg), "Figure *1*");
    char *md = render_md(s, d);
    /* a blank line would end the HTML block and the rest would be read as Markdown */
    assert_non_null(strstr(md, "<figure>\n<svg>\n<g/>\n</svg>\n</figure>\n\n*Figure \\*1\\**\n"));
    medsec_free(md);
    /* Graphviz's XML declaration and DOCTYPE stay out of the page */
    const char *gv = "<?xml version=\"1.0\"?>\n<!DOCTYPE svg PUBLIC \"-//W3C//DTD SVG 1.1//EN\">\n"
                     "<svg width=\"10pt\"><g/></svg>\n";
    doc_figure(d, gv, strlen(gv), "gv");
    md = render_md(s, d);
    char *h = render_html(s, d);
    assert_null(strstr(md, "<?xml"));
    assert_null(strstr(h, "<?xml"));
    assert_null(strstr(h, "<!DOCTYPE svg"));
    assert_non_null(strstr(h, "<figure>\n<svg width=\"10pt\"><g/></svg>"));
    medsec_free(md);
    medsec_free(h);
    medsec_docs_free(s);
}

static void gaps_are_counted_by_area(void **state)
{
    (void)state;
    struct medsec_docs *s = new_set(NULL);
    assert_non_null(s);
    struct doc *d = doc_new(s, "x", "G", "T", NULL);
    static const char *const areas[] = {"GSPR", "MDS2", "XYZ", "IFU", "GSPR"};
    size_t want_gspr = 0, want_xyz = 0;
    srand(7);
    for (int i = 0; i < 200; i++) {
        const char *a = areas[rand() % 5];
        want_gspr += !strcmp(a, "GSPR");
        want_xyz += !strcmp(a, "XYZ");
        doc_gap(d, a, "item", "gap %d", i);
        /* every gap is shown where it is recorded */
        assert_int_equal(d->last->kind, DOC_CALLOUT);
        assert_int_equal(d->last->callout, DOC_GAP);
    }
    size_t n;
    medsec_docs_gaps(s, &n);
    assert_int_equal(n, 200);
    struct medsec_docs_area a[16];
    size_t na = medsec_docs_areas(s, a, 16);
    assert_int_equal(na, 8); /* the seven known areas, then XYZ */
    size_t sum = 0;
    for (size_t i = 0; i < na; i++)
        sum += a[i].gaps;
    assert_int_equal(sum, 200);
    assert_string_equal(a[0].area, "GSPR");
    assert_int_equal(a[0].gaps, want_gspr);
    assert_string_equal(a[7].area, "XYZ");
    assert_int_equal(a[7].gaps, want_xyz);
    assert_int_equal(a[3].gaps, 0); /* FDA: none filed, none counted */
    /* a cap smaller than the areas: the count is still the whole */
    assert_int_equal(medsec_docs_areas(s, a, 2), 8);
    medsec_docs_free(s);

    /* no gap filed: every area at 0, no GAP callout, and the cover says 0 */
    s = new_set(NULL);
    assert_non_null(s);
    d = doc_new(s, "x", "G", "T", NULL);
    doc_callout(d, DOC_WARNING, "a warning is no gap");
    na = medsec_docs_areas(s, a, 16);
    assert_int_equal(na, 7);
    for (size_t i = 0; i < na; i++)
        assert_int_equal(a[i].gaps, 0);
    char *h = render_html(s, d);
    assert_null(strstr(h, "callout gap"));
    medsec_free(h);
    h = render_html(s, NULL);
    assert_null(strstr(h, "class=\"gap\""));
    assert_non_null(strstr(h, "<p>0 gaps in all"));
    medsec_free(h);
    medsec_docs_free(s);
}

static void builder_failure_is_sticky(void **state)
{
    (void)state;
    struct medsec_docs *s = new_set(NULL);
    assert_non_null(s);
    struct doc *d = doc_new(s, "x", "G", "T", NULL);
    s->failed = MEDSEC_ENOMEM;
    doc_para(d, "lost");
    doc_gap(d, "GSPR", "1", "lost");
    assert_null(d->first);
    assert_int_equal(s->ngaps, 0);
    struct medsec_error err;
    struct docs_gen g = {.set = s, .err = &err};
    assert_int_equal(docs_status(&g), MEDSEC_ENOMEM);
    medsec_docs_free(s);

    /* a cell with no open table is a programming error the set keeps */
    s = new_set(NULL);
    assert_non_null(s);
    d = doc_new(s, "x", "G", "T", NULL);
    doc_para(d, "p");
    doc_cell(d, "orphan");
    g.set = s;
    assert_int_equal(docs_status(&g), MEDSEC_EINTERNAL);
    medsec_docs_free(s);

    /* every allocation failing in turn: the set records it, nothing crashes or leaks */
    for (long n = 0;; n++) {
        failalloc_arm(n);
        s = new_set(NULL);
        if (s)
            fill_sample(s);
        failalloc_disarm();
        bool done = s && !s->failed;
        if (s) {
            g.set = s;
            assert_int_equal(docs_status(&g) != MEDSEC_OK, !done);
        }
        medsec_docs_free(s);
        if (done)
            break;
        assert_true(n < 100000);
    }
}

static char *tmpdir(void)
{
    char t[] = "/tmp/test_docs_model-XXXXXX";
    assert_non_null(mkdtemp(t));
    return medsec_strdup(t);
}

static void put_file(const char *dir, const char *name, const char *text)
{
    char *p = medsec_path_join(dir, name);
    struct medsec_error err;
    assert_int_equal(medsec_file_write_atomic(p, text, strlen(text), &err), MEDSEC_OK);
    medsec_free(p);
}

static void templates_replace_and_check(void **state)
{
    (void)state;
    char *dir = tmpdir();
    put_file(dir, "page.html", "[{{ title }}|{{title.css}}|{{body}}]");
    struct medsec_docs *s = new_set(dir);
    assert_non_null(s);
    struct doc *d = doc_new(s, "x", "G", "A \"b\"", NULL);
    doc_para(d, "p");
    char *h = render_html(s, d);
    assert_string_equal(h, "[A &quot;b&quot;|\"A \\22 b\\22 \"|<p>p</p>\n]");
    medsec_free(h);
    /* the cover was not replaced: still the built-in one */
    h = render_html(s, NULL);
    assert_non_null(strstr(h, "Document control"));
    medsec_free(h);
    medsec_docs_free(s);

    /* an unknown placeholder, or a fragment asked as a CSS string, is an error with its file and
     * line as soon as the templates are loaded */
    struct medsec_error err;
    put_file(dir, "page.html", "a\nb {{titel}}");
    s = medsec_calloc(1, sizeof *s);
    assert_non_null(s);
    assert_int_equal(docs_templates_load(s, dir, &err), MEDSEC_EINVAL);
    assert_int_equal(err.line, 2);
    assert_non_null(strstr(err.msg, "{{titel}}"));
    assert_non_null(strstr(err.file, "page.html"));
    medsec_docs_free(s);
    put_file(dir, "page.html", "{{body.css}}");
    s = medsec_calloc(1, sizeof *s);
    assert_non_null(s);
    assert_int_equal(docs_templates_load(s, dir, &err), MEDSEC_EINVAL);
    medsec_docs_free(s);
    char *p = medsec_path_join(dir, "page.html");
    unlink(p);
    medsec_free(p);
    rmdir(dir);
    medsec_free(dir);

    /* a templates folder that is not there */
    s = medsec_calloc(1, sizeof *s);
    assert_non_null(s);
    assert_int_equal(docs_templates_load(s, "/nonexistent/templates", &err), MEDSEC_ENOTFOUND);
    medsec_docs_free(s);
}

static char *slurp(const char *dir, const char *name)
{
    char *p = medsec_path_join(dir, name), *text = NULL;
    size_t len;
    struct medsec_error err;
    medsec_err rc = medsec_file_read(p, 1 << 24, &text, &len, &err);
    medsec_free(p);
    return rc ? NULL : text;
}

static void site_is_written_the_same_twice(void **state)
{
    (void)state;
    struct medsec_docs *s = new_set(NULL);
    assert_non_null(s);
    fill_sample(s);
    docs_file(s, "views/a.svg", "image/svg+xml", "<svg/>", 6);
    char *one = tmpdir(), *two = tmpdir();
    struct medsec_error err;
    unsigned all = MEDSEC_DOCS_MARKDOWN | MEDSEC_DOCS_HTML | MEDSEC_DOCS_FILES;
    assert_int_equal(medsec_docs_write(s, one, all, &err), MEDSEC_OK);
    assert_int_equal(medsec_docs_write(s, two, all, &err), MEDSEC_OK);
    static const char *const files[] = {"md/index.md",
                                        "md/sample-architecture.md",
                                        "md/sample-checklist.md",
                                        "html/index.html",
                                        "html/sample-architecture.html",
                                        "html/sample-checklist.html",
                                        "html/style.css",
                                        "files/views/a.svg"};
    for (size_t i = 0; i < sizeof files / sizeof *files; i++) {
        char *a = slurp(one, files[i]), *b = slurp(two, files[i]);
        assert_non_null(a);
        assert_non_null(b);
        assert_string_equal(a, b);
        medsec_free(a);
        medsec_free(b);
    }
    /* the cover lists both documents under their groups, with their gap counts */
    char *cover = slurp(one, "html/index.html");
    assert_non_null(strstr(cover, "<h3>FDA premarket</h3>"));
    assert_non_null(strstr(cover, "<a href=\"sample-checklist.html\">Sample checklist</a>"));
    assert_non_null(strstr(cover, "<td class=\"gap\">2</td>"));
    /* ... and every gap once in its register, linked to the page that shows it */
    assert_int_equal(count(cover, "<h2 id=\"register\">Every gap</h2>"), 1);
    assert_int_equal(
        count(cover, "<td><a href=\"sample-checklist.html\">Sample checklist</a></td></tr>"), 2);
    assert_int_equal(
        count(cover,
              "<td><a href=\"sample-architecture.html\">Architecture &lt;views&gt;</a></td></tr>"),
        1);
    medsec_free(cover);
    /* the long document breaks pages before its sections in print; the index links relatively */
    char *page = slurp(one, "html/sample-checklist.html");
    assert_non_null(strstr(page, "<body class=\"long\">"));
    assert_non_null(strstr(page, "<a href=\"#s0\">Section 1</a>"));
    medsec_free(page);
    char *index = slurp(one, "md/index.md");
    assert_non_null(strstr(index, "| [Sample checklist](sample-checklist.md) |"));
    medsec_free(index);
    /* the JSON is one valid document */
    struct medsec_buf b = MEDSEC_BUF_INIT;
    assert_int_equal(medsec_docs_json(s, &b, 1, &err), MEDSEC_OK);
    struct medsec_json_doc *doc = NULL;
    assert_int_equal(medsec_json_parse(b.data, b.len, NULL, "json", &doc, &err), MEDSEC_OK);
    medsec_json_doc_free(doc);
    medsec_buf_release(&b);
    medsec_docs_free(s);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf -- '%s' '%s'", one, two);
    assert_int_equal(system(cmd), 0);
    medsec_free(one);
    medsec_free(two);
}

/* --write-sample DIR: the synthetic site and its JSON (DIR/docs.json). */
static int write_sample(const char *dir)
{
    struct medsec_docs *s = new_set(NULL);
    if (!s)
        return 3;
    fill_sample(s);
    struct medsec_error err;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_err rc = s->failed;
    if (!rc)
        rc = medsec_docs_write(s, dir, MEDSEC_DOCS_MARKDOWN | MEDSEC_DOCS_HTML | MEDSEC_DOCS_FILES,
                               &err);
    if (!rc)
        rc = medsec_docs_json(s, &b, 1, &err);
    char *p = medsec_path_join(dir, "docs.json");
    if (!rc)
        rc = medsec_file_write_atomic(p, b.data, b.len, &err);
    medsec_free(p);
    medsec_buf_release(&b);
    medsec_docs_free(s);
    if (rc)
        fprintf(stderr, "test_docs_model: %s\n", medsec_strerror(rc));
    return rc ? 3 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 3 && !strcmp(argv[1], "--write-sample"))
        return write_sample(argv[2]);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(markdown_escapes_markup),
        cmocka_unit_test(html_escapes_text_and_keeps_svg),
        cmocka_unit_test(tables_have_their_shape),
        cmocka_unit_test(figures_survive_markdown),
        cmocka_unit_test(gaps_are_counted_by_area),
        cmocka_unit_test(builder_failure_is_sticky),
        cmocka_unit_test(templates_replace_and_check),
        cmocka_unit_test(site_is_written_the_same_twice),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
