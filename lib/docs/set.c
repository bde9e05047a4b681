/* set.c: building a device's document set, and writing it (medsec/docs.h). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/file.h"
#include "medsec/json.h"

/* The generators in reading order: the checklists first (they trace into the others), then the
 * EU file, the FDA set, the hospital documents and the MDS2 form. */
static const docs_generator_fn generators[] = {
    docs_gen_gspr, docs_gen_eu, docs_gen_fda, docs_gen_ifu, docs_gen_mds2,
};

/* SHA-256 of the security file, hex (document control's content hash). */
static void content_hash(const struct medsec_model *m, char out[65])
{
    unsigned char h[crypto_hash_sha256_BYTES];
    char *text = NULL;
    size_t len = 0;
    crypto_hash_sha256_state st;
    crypto_hash_sha256_init(&st);
    if (m->file && medsec_file_read(m->file, (size_t)64 << 20, &text, &len, NULL) == MEDSEC_OK)
        crypto_hash_sha256_update(&st, (const unsigned char *)text, len);
    medsec_free(text);
    crypto_hash_sha256_final(&st, h);
    sodium_bin2hex(out, 65, h, sizeof h);
}

medsec_err medsec_docs_build(struct medsec_device *d, const struct medsec_docs_opts *o,
                             struct medsec_docs **out, struct medsec_error *err)
{
    static const struct medsec_docs_opts none;
    if (!o)
        o = &none;
    *out = NULL;
    const struct medsec_model *m = medsec_device_model(d);
    const char *ver = o->version ? o->version : m->device.current_version;
    const struct medsec_model_version *rel = ver ? medsec_model_find_version(m, ver) : NULL;
    if (!rel)
        return medsec_error_set(err, MEDSEC_ENOTFOUND, m->file, 0, 0,
                                "version %s is not one of the security file's versions",
                                ver ? ver : "(none)");
    struct medsec_docs *s = medsec_calloc(1, sizeof *s);
    if (!s)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    *out = s;
    s->device = docs_strf(s, "%s", medsec_device_name(d));
    s->version = docs_strf(s, "%s", rel->version);
    s->date = docs_strf(s, "%s", o->date ? o->date : rel->release_date ? rel->release_date : "");
    s->source_commit = o->source_commit ? docs_strf(s, "%s", o->source_commit) : NULL;
    s->templates = o->templates ? docs_strf(s, "%s", o->templates) : NULL;
    content_hash(m, s->content_hash);
    struct docs_gen g = {s, d, m, rel, o, err};
    medsec_err rc = docs_status(&g);
    for (size_t i = 0; !rc && i < sizeof generators / sizeof *generators; i++) {
        rc = generators[i](&g);
        if (!rc)
            rc = docs_status(&g);
    }
    return rc;
}

void medsec_docs_free(struct medsec_docs *set)
{
    if (!set)
        return;
    medsec_arena_release(&set->arena);
    medsec_free(set);
}

static const struct doc *nth(const struct medsec_docs *set, size_t i)
{
    const struct doc *d = set->first;
    while (d && i--)
        d = d->next;
    return d;
}

size_t medsec_docs_count(const struct medsec_docs *set)
{
    size_t n = 0;
    for (const struct doc *d = set->first; d; d = d->next)
        n++;
    return n;
}

const char *medsec_docs_id(const struct medsec_docs *set, size_t i)
{
    const struct doc *d = nth(set, i);
    return d ? d->id : NULL;
}

const char *medsec_docs_title(const struct medsec_docs *set, size_t i)
{
    const struct doc *d = nth(set, i);
    return d ? d->title : NULL;
}

const struct medsec_docs_gap *medsec_docs_gaps(const struct medsec_docs *set, size_t *n)
{
    *n = set->ngaps;
    return set->gaps;
}

/* mkdir -p @dir. */
static medsec_err make_dir(const char *dir, struct medsec_error *err)
{
    char b[4096];
    if (snprintf(b, sizeof b, "%s/", dir) >= (int)sizeof b)
        return medsec_error_set(err, MEDSEC_EINVAL, dir, 0, 0, "path too long");
    for (char *p = b + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = 0;
        if (mkdir(b, 0755) && errno != EEXIST)
            return medsec_error_set(err, MEDSEC_EIO, b, 0, 0, "cannot create folder: %s",
                                    strerror(errno));
        *p = '/';
    }
    return MEDSEC_OK;
}

/* Write @data to OUT/@sub/@name (folders created), atomically. */
static medsec_err put(const char *outdir, const char *sub, const char *name, const void *data,
                      size_t len, struct medsec_error *err)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s/%s/%s", outdir, sub, name) >= (int)sizeof path)
        return medsec_error_set(err, MEDSEC_EINVAL, outdir, 0, 0, "path too long");
    char *slash = strrchr(path, '/');
    *slash = 0;
    medsec_err rc = make_dir(path, err);
    *slash = '/';
    return rc ? rc : medsec_file_write_atomic(path, data, len, err);
}

medsec_err medsec_docs_write(const struct medsec_docs *set, const char *outdir, unsigned formats,
                             struct medsec_error *err)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_err rc = MEDSEC_OK;
    for (const struct doc *d = set->first; !rc && d; d = d->next) {
        char name[512];
        if (formats & MEDSEC_DOCS_MARKDOWN) {
            medsec_buf_reset(&b);
            snprintf(name, sizeof name, "%s.md", d->id);
            rc = docs_render_markdown(set, d, &b);
            if (rc)
                medsec_error_set(err, rc, NULL, 0, 0, "%s: %s", name, medsec_strerror(rc));
            else
                rc = put(outdir, "md", name, b.data, b.len, err);
        }
        if (!rc && (formats & MEDSEC_DOCS_HTML)) {
            medsec_buf_reset(&b);
            snprintf(name, sizeof name, "%s.html", d->id);
            rc = docs_render_html(set, d, &b, err);
            if (!rc)
                rc = put(outdir, "html", name, b.data, b.len, err);
        }
    }
    if (!rc && (formats & MEDSEC_DOCS_MARKDOWN)) {
        medsec_buf_reset(&b);
        rc = docs_render_markdown(set, NULL, &b);
        if (!rc)
            rc = put(outdir, "md", "index.md", b.data, b.len, err);
    }
    if (!rc && (formats & MEDSEC_DOCS_HTML)) {
        medsec_buf_reset(&b);
        rc = docs_render_html(set, NULL, &b, err);
        if (!rc)
            rc = put(outdir, "html", "index.html", b.data, b.len, err);
    }
    for (const struct doc_file *f = set->files; !rc && f && (formats & MEDSEC_DOCS_FILES);
         f = f->next)
        rc = put(outdir, "files", f->name, f->data, f->len, err);
    medsec_buf_release(&b);
    return rc;
}

static const char *const kind_names[] = {"heading", "paragraph", "list",  "table",
                                         "figure",  "callout",   "fields"};
static const char *const callout_names[] = {"note", "warning", "gap"};

medsec_err medsec_docs_json(const struct medsec_docs *set, struct medsec_buf *out, int pretty,
                            struct medsec_error *err)
{
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, out, pretty);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_key(&w, "control");
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "device", set->device);
    medsec_jsonw_kv_string(&w, "version", set->version);
    medsec_jsonw_kv_string(&w, "date", set->date);
    medsec_jsonw_kv_string(&w, "source_commit", set->source_commit);
    medsec_jsonw_kv_string(&w, "content_sha256", set->content_hash);
    medsec_jsonw_object_end(&w);
    medsec_jsonw_key(&w, "documents");
    medsec_jsonw_array_begin(&w);
    for (const struct doc *d = set->first; d; d = d->next) {
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "id", d->id);
        medsec_jsonw_kv_string(&w, "group", d->group);
        medsec_jsonw_kv_string(&w, "title", d->title);
        medsec_jsonw_kv_string(&w, "purpose", d->purpose);
        medsec_jsonw_key(&w, "blocks");
        medsec_jsonw_array_begin(&w);
        for (const struct doc_block *b = d->first; b; b = b->next) {
            medsec_jsonw_object_begin(&w);
            medsec_jsonw_kv_string(&w, "kind", kind_names[b->kind]);
            if (b->kind == DOC_HEADING) {
                medsec_jsonw_kv_int(&w, "level", b->level);
                if (b->anchor)
                    medsec_jsonw_kv_string(&w, "anchor", b->anchor);
            }
            if (b->kind == DOC_CALLOUT)
                medsec_jsonw_kv_string(&w, "callout", callout_names[b->callout]);
            if (b->kind == DOC_LIST)
                medsec_jsonw_kv_bool(&w, "ordered", b->level == 1);
            if (b->text)
                medsec_jsonw_kv_string(&w, "text", b->text);
            if (b->kind == DOC_FIGURE)
                medsec_jsonw_kv_string(&w, "svg", b->svg);
            if (b->kind == DOC_TABLE)
                medsec_jsonw_kv_strings(&w, "head", b->head, b->ncols);
            if (b->kind == DOC_LIST)
                medsec_jsonw_kv_strings(&w, "items", b->cells, b->nrows);
            if (b->kind == DOC_TABLE || b->kind == DOC_KV) {
                medsec_jsonw_key(&w, "rows");
                medsec_jsonw_array_begin(&w);
                for (size_t r = 0; r < b->nrows; r++) {
                    medsec_jsonw_array_begin(&w);
                    for (size_t c = 0; c < b->ncols; c++)
                        medsec_jsonw_string(&w, b->cells[r * b->ncols + c]);
                    medsec_jsonw_array_end(&w);
                }
                medsec_jsonw_array_end(&w);
            }
            medsec_jsonw_object_end(&w);
        }
        medsec_jsonw_array_end(&w);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "gaps");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < set->ngaps; i++) {
        const struct medsec_docs_gap *g = &set->gaps[i];
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "area", g->area);
        medsec_jsonw_kv_string(&w, "item", g->item);
        medsec_jsonw_kv_string(&w, "document", g->doc);
        medsec_jsonw_kv_string(&w, "text", g->text);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "files");
    medsec_jsonw_array_begin(&w);
    for (const struct doc_file *f = set->files; f; f = f->next) {
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "name", f->name);
        medsec_jsonw_kv_string(&w, "media_type", f->media_type);
        medsec_jsonw_kv_int(&w, "bytes", (long long)f->len);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "data");
    medsec_jsonw_object_begin(&w);
    medsec_err rc = MEDSEC_OK;
    for (const struct doc_data *x = set->data; x; x = x->next) {
        struct medsec_json_doc *doc = NULL;
        rc = medsec_json_parse(x->json, strlen(x->json), NULL, x->key, &doc, err);
        if (rc)
            break;
        medsec_jsonw_key(&w, x->key);
        medsec_jsonw_value(&w, doc->root);
        medsec_json_doc_free(doc);
    }
    medsec_jsonw_object_end(&w);
    medsec_jsonw_object_end(&w);
    medsec_err wrc = medsec_jsonw_finish(&w);
    return rc    ? rc
           : wrc ? medsec_error_set(err, wrc, NULL, 0, 0, "documents as JSON: %s",
                                    medsec_strerror(wrc))
                 : MEDSEC_OK;
}
