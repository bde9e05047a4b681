/*
 * views_driver.c: runs the shared sections of lib/docs (the FDA architecture views and the SBOM
 * section with its exports) on a device folder, the way a generator calls them, and writes what
 * they produce for the checks in this folder:
 *
 *     views_driver DEVICE_DIR OUT [VERSION [DATE]]
 *
 * OUT/md/ID.md (two documents: each section is called twice, as the EU and FDA generators do),
 * OUT/files/views/NAME.svg, OUT/files/sbom/NAME.json, and OUT/gaps.tsv (area, item, document,
 * text).
 */
#include <stdio.h>
#include <string.h>

#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/device.h"
#include "medsec/file.h"

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 5) {
        fprintf(stderr, "usage: %s DEVICE_DIR OUT [VERSION [DATE]]\n", argv[0]);
        return 2;
    }
    struct medsec_error err = {0};
    struct medsec_device *dev = NULL;
    struct medsec_docs *s = NULL;
    int status = 1;
    if (medsec_device_open(NULL, argv[1], NULL, &dev, NULL, &err) != MEDSEC_OK) {
        fprintf(stderr, "%s: %s\n", argv[1], err.msg);
        return 1;
    }
    const struct medsec_model *m = medsec_device_model(dev);
    const char *ver = argc > 3 ? argv[3] : m->device.current_version;
    const struct medsec_model_version *rel = medsec_model_find_version(m, ver);
    if (!rel) {
        fprintf(stderr, "%s: no version %s\n", argv[1], ver);
        goto out_close;
    }
    s = medsec_calloc(1, sizeof *s);
    if (!s)
        goto out_close;
    s->device = docs_strf(s, "%s", medsec_device_name(dev));
    s->version = docs_strf(s, "%s", rel->version);
    s->date = docs_strf(s, "%s", argc > 4 ? argv[4] : rel->release_date);
    struct medsec_docs_opts o = {.version = rel->version, .date = s->date};
    struct docs_gen g = {s, dev, m, rel, &o, &err};
    struct doc *fda = doc_new(s, "fda-test", "FDA premarket", "FDA views and SBOM", NULL);
    struct doc *eu = doc_new(s, "eu-test", "EU MDR", "EU SBOM and views", NULL);
    medsec_err rc = docs_arch_views(&g, fda, 2);
    rc = rc ? rc : docs_sbom_section(&g, fda, 2);
    rc = rc ? rc : docs_sbom_section(&g, eu, 2);
    rc = rc ? rc : docs_arch_views(&g, eu, 2);
    rc = rc ? rc
            : medsec_docs_write(s, argv[2],
                                MEDSEC_DOCS_MARKDOWN | MEDSEC_DOCS_HTML | MEDSEC_DOCS_FILES, &err);
    if (rc) {
        fprintf(stderr, "%s: %s\n", argv[1], err.msg[0] ? err.msg : medsec_strerror(rc));
        goto out_free;
    }
    /* each attachment once, although both sections ran twice */
    for (const struct doc_file *x = s->files; x; x = x->next)
        for (const struct doc_file *y = x->next; y; y = y->next)
            if (strcmp(x->name, y->name) == 0) {
                fprintf(stderr, "%s: file %s added twice\n", argv[1], x->name);
                goto out_free;
            }
    struct medsec_buf json = MEDSEC_BUF_INIT;
    rc = medsec_docs_json(s, &json, 1, &err);
    char path[4096];
    snprintf(path, sizeof path, "%s/docs.json", argv[2]);
    rc = rc ? rc : medsec_file_write_atomic(path, json.data, json.len, &err);
    medsec_buf_release(&json);
    if (rc) {
        fprintf(stderr, "%s: %s\n", argv[1], err.msg[0] ? err.msg : medsec_strerror(rc));
        goto out_free;
    }
    snprintf(path, sizeof path, "%s/gaps.tsv", argv[2]);
    FILE *f = fopen(path, "w");
    if (!f)
        goto out_free;
    size_t n = 0;
    const struct medsec_docs_gap *gaps = medsec_docs_gaps(s, &n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s\t%s\t%s\t%s\n", gaps[i].area, gaps[i].item, gaps[i].doc, gaps[i].text);
    status = fclose(f) ? 1 : 0;
out_free:
    medsec_docs_free(s);
out_close:
    medsec_device_close(dev);
    return status;
}
