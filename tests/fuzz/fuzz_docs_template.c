/* fuzz_docs_template.c: libFuzzer harness for the document site's templates (lib/docs, a file a
 * user puts in `medsec docs --templates DIR`): the first byte picks the template the input replaces
 * (page, cover or style sheet), the rest is its text. Rendering a page and the cover of a small set
 * either works or fails with a message; the text a document carries never reaches the page
 * unescaped. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "doc.h"
#include "medsec/alloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

extern const unsigned char medsec_docs_tpl_page[], medsec_docs_tpl_cover[], medsec_docs_tpl_css[];

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > ((size_t)1 << 16))
        return 0;
    struct medsec_docs s;
    memset(&s, 0, sizeof s);
    s.device = "Fuzz <device> & co";
    s.version = "1.0";
    s.date = "2026-01-01";
    s.manufacturer = "Maker \"quoted\"";
    memset(s.content_hash, 'a', 64);
    s.tpl[DOCS_TPL_PAGE] = (const char *)medsec_docs_tpl_page;
    s.tpl[DOCS_TPL_COVER] = (const char *)medsec_docs_tpl_cover;
    s.tpl[DOCS_TPL_CSS] = (const char *)medsec_docs_tpl_css;
    for (int i = 0; i < DOCS_NTPL; i++)
        s.tpl_src[i] = docs_template_names[i];
    int which = data[0] % DOCS_NTPL;
    char *text = medsec_strndup((const char *)data + 1, size - 1); /* as read: up to a NUL */
    if (!text)
        return 0;
    s.tpl[which] = text;
    struct doc *d = doc_new(&s, "one", "Checklists", "A <document>", "Purpose {{title}}");
    doc_heading(d, 1, "sec", "Section");
    doc_para(d, "text with {{body}} and <b>");
    doc_gap(d, "GSPR", "17.2", "missing");
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    for (int cover = 0; cover < 2 && d; cover++) {
        medsec_buf_reset(&b);
        medsec_error_clear(&err);
        medsec_err rc = docs_render_html(&s, cover ? NULL : d, &b, &err);
        if (rc && !err.msg[0])
            abort(); /* a failure says why */
        /* the document's own text is escaped wherever a template puts it */
        if (!rc && (strstr(b.data, "<document>") || strstr(b.data, "<device>")) &&
            !strstr(text, "<document>") && !strstr(text, "<device>"))
            abort();
    }
    medsec_buf_release(&b);
    medsec_arena_release(&s.arena);
    medsec_free(text);
    return 0;
}
