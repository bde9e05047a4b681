/* set.c: building a device's document set, and writing it (medsec/docs.h). */
#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/file.h"
#include "medsec/device_vex.h"
#include "medsec/triage.h"
#include "medsec/json.h"

/* The generators in reading order: the checklists first (they trace into the others), then the
 * EU file, the FDA set, the hospital documents and the MDS2 form. */
static const docs_generator_fn generators[] = {
    docs_gen_gspr, docs_gen_eu, docs_gen_fda, docs_gen_ifu, docs_gen_mds2,
};

/* ---- document control: the content hash ---- */

/* The relative paths the content hash covers, growing (no repeats). */
struct paths {
    const char **v;
    size_t n, cap;
};

static int add_path(struct paths *p, const char *rel)
{
    if (!rel || !*rel)
        return 0;
    for (size_t i = 0; i < p->n; i++)
        if (!strcmp(p->v[i], rel))
            return 0;
    if (medsec_array_reserve(&p->v, &p->cap, p->n + 1, sizeof *p->v))
        return -1;
    p->v[p->n++] = rel;
    return 0;
}

static int by_path(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int add_list(struct paths *p, const struct medsec_strlist *l)
{
    int bad = 0;
    for (size_t i = 0; i < l->n; i++)
        bad |= add_path(p, l->v[i]);
    return bad;
}

/* Every file the security file names, relative to the device folder: SBOMs (of every release and
 * item, and of component support entries), evidence reports, rubric answers, extra threat rule
 * catalogs, the CPE map and the triage file (the one `triage:` names, else triage.yaml when the
 * folder has one). Added after what @p holds (device.yaml), sorted by path, no repeats. */
static int named_files(const struct medsec_model *m, struct paths *p)
{
    int bad = 0;
    for (size_t i = 0; i < m->nversions; i++)
        bad |= add_list(p, &m->versions[i].sboms);
    for (size_t i = 0; i < m->nitems; i++)
        bad |= add_path(p, m->items[i].sbom);
    for (size_t i = 0; i < m->ncomponent_support; i++)
        bad |= add_path(p, m->component_support[i].sbom);
    for (size_t i = 0; i < m->nsboms; i++)
        bad |= add_path(p, m->sboms[i].path);
    for (size_t i = 0; i < m->nevidence; i++)
        bad |= add_path(p, m->evidence[i].file);
    for (size_t i = 0; i < m->nthreats; i++)
        bad |= add_path(p, m->threats[i].rubric);
    for (size_t i = 0; i < m->nvulnerabilities; i++)
        bad |= add_path(p, m->vulnerabilities[i].rubric);
    bad |= add_list(p, &m->threat_rules);
    bad |= add_path(p, m->cpe_map);
    if (m->triage) {
        bad |= add_path(p, m->triage);
    } else {
        char *own = medsec_path_join(m->dir, "triage.yaml");
        struct stat st;
        if (!own)
            bad = -1;
        else if (stat(own, &st) == 0 && S_ISREG(st.st_mode))
            bad |= add_path(p, "triage.yaml");
        medsec_free(own);
    }
    if (p->n > 1) /* after device.yaml */
        qsort(p->v + 1, p->n - 1, sizeof *p->v, by_path);
    return bad;
}

/* The content hash: SHA-256 over the manifest of device.yaml and every file it names, one line
 * "<sha256 hex>  <path>\n" per file (the format of sha256sum), device.yaml first, then the others
 * sorted by path; so `sha256sum device.yaml FILES... | sha256sum` in the device folder gives it. */
static medsec_err content_hash(struct medsec_docs *s, const struct medsec_model *m,
                               struct medsec_error *err)
{
    struct paths p = {0};
    if (!m->file) { /* a model parsed from memory: no file to hash */
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, (const unsigned char *)"", 0);
        sodium_bin2hex(s->content_hash, sizeof s->content_hash, h, sizeof h);
        return MEDSEC_OK;
    }
    if (add_path(&p, "device.yaml") || (m->dir && named_files(m, &p))) {
        medsec_free(p.v);
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    medsec_err rc = MEDSEC_OK;
    s->sources = medsec_arena_alloc(&s->arena, p.n * sizeof *s->sources);
    if (!s->sources)
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    crypto_hash_sha256_state all;
    crypto_hash_sha256_init(&all);
    for (size_t i = 0; !rc && i < p.n; i++) {
        char *text = NULL;
        size_t len = 0;
        if (i == 0 || !m->dir)
            rc = medsec_file_read(m->file, (size_t)64 << 20, &text, &len, err);
        else
            rc = medsec_file_read_in(m->dir, p.v[i], (size_t)256 << 20, &text, &len, err);
        if (rc)
            break;
        unsigned char h[crypto_hash_sha256_BYTES];
        crypto_hash_sha256(h, (const unsigned char *)text, len);
        medsec_free(text);
        struct docs_source *src = &s->sources[s->nsources++];
        sodium_bin2hex(src->sha256, sizeof src->sha256, h, sizeof h);
        src->path = docs_strf(s, "%s", p.v[i]);
        const char *line = docs_strf(s, "%s  %s\n", src->sha256, p.v[i]);
        if (!line || !src->path)
            rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        else
            crypto_hash_sha256_update(&all, (const unsigned char *)line, strlen(line));
        if (!m->dir)
            break;
    }
    medsec_free(p.v);
    unsigned char h[crypto_hash_sha256_BYTES];
    crypto_hash_sha256_final(&all, h);
    sodium_bin2hex(s->content_hash, sizeof s->content_hash, h, sizeof h);
    return rc;
}

/* ---- templates ---- */

/* templates/docs/, compiled in (lib/docs/CMakeLists.txt, medsec_embed) */
extern const unsigned char medsec_docs_tpl_page[], medsec_docs_tpl_cover[], medsec_docs_tpl_css[];
static const unsigned char *const builtin_templates[DOCS_NTPL] = {
    medsec_docs_tpl_page, medsec_docs_tpl_cover, medsec_docs_tpl_css};
const char *const docs_template_names[DOCS_NTPL] = {"page.html", "cover.html", "style.css"};

medsec_err docs_templates_load(struct medsec_docs *s, const char *dir, struct medsec_error *err)
{
    struct stat dst;
    if (dir && (stat(dir, &dst) || !S_ISDIR(dst.st_mode)))
        return medsec_error_set(err, MEDSEC_ENOTFOUND, dir, 0, 0,
                                "the templates folder does not exist (or is not a folder)");
    for (int i = 0; i < DOCS_NTPL; i++) {
        s->tpl[i] = (const char *)builtin_templates[i];
        s->tpl_src[i] = docs_template_names[i];
        if (!dir)
            continue;
        char *path = medsec_path_join(dir, docs_template_names[i]);
        if (!path)
            return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        struct stat st;
        medsec_err rc = MEDSEC_OK;
        if (stat(path, &st) == 0) {
            char *text = NULL;
            size_t len = 0;
            rc = medsec_file_read(path, (size_t)4 << 20, &text, &len, err);
            if (!rc) {
                s->tpl[i] = docs_strf(s, "%s", text);
                s->tpl_src[i] = docs_strf(s, "%s", path);
                if (!s->tpl[i] || !s->tpl_src[i])
                    rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
            }
            medsec_free(text);
        }
        medsec_free(path);
        if (rc)
            return rc;
    }
    /* a placeholder typo shows now, before anything is written: render an empty page and cover */
    struct doc empty = {.id = "", .title = "", .group = ""};
    struct medsec_buf b = MEDSEC_BUF_INIT;
    medsec_err rc = docs_render_html(s, &empty, &b, err);
    medsec_buf_reset(&b);
    if (!rc)
        rc = docs_render_html(s, NULL, &b, err);
    medsec_buf_release(&b);
    return rc;
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
    s->manufacturer = m->device.manufacturer ? docs_strf(s, "%s", m->device.manufacturer) : NULL;
    s->model = m->device.model ? docs_strf(s, "%s", m->device.model) : NULL;
    s->udi_di = m->device.udi_di ? docs_strf(s, "%s", m->device.udi_di) : NULL;
    s->mdr_class = m->device.mdr_class ? docs_strf(s, "%s", m->device.mdr_class) : NULL;
    s->fda_class = m->device.fda_class ? docs_strf(s, "%s", m->device.fda_class) : NULL;
    struct docs_gen g = {s, d, m, rel, o, err};
    medsec_err rc = docs_status(&g);
    if (!rc)
        rc = content_hash(s, m, err);
    if (!rc)
        rc = docs_templates_load(s, o->templates, err);
    /* the triage file's decisions speak for the manufacturer in every register the generators
     * make (as in `medsec risk --db`): what it closes adds no risk */
    struct medsec_vex_doc decided;
    medsec_vex_doc_init(&decided);
    bool decide = !rc && o->db && o->triage && o->triage->has_file;
    if (decide && !(rc = medsec_triage_decided_statements(&o->triage->report, NULL, &decided, err)))
        medsec_device_set_decide(d, medsec_vex_doc_decide, &decided);
    for (size_t i = 0; !rc && i < sizeof generators / sizeof *generators; i++) {
        rc = generators[i](&g);
        if (!rc)
            rc = docs_status(&g);
    }
    if (decide)
        medsec_device_set_decide(d, NULL, NULL);
    medsec_vex_doc_release(&decided);
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

/* The areas generators file gaps under, in summary order, with what a gap of each is. */
static const struct {
    const char *area, *label;
} known_areas[] = {
    {"GSPR", "GSPRs without evidence"},
    {"IEC 81001-5-1", "IEC 81001-5-1 clauses without records"},
    {"MDS2", "MDS2 questions unanswered"},
    {"FDA", "FDA premarket items without source data"},
    {"EU", "EU technical documentation items without source data"},
    {"IFU", "IFU topics without source data"},
    {"HDO", "HDO manual topics without source data"},
};

static bool known_area(const char *a)
{
    for (size_t i = 0; i < sizeof known_areas / sizeof *known_areas; i++)
        if (!strcmp(known_areas[i].area, a))
            return true;
    return false;
}

size_t medsec_docs_areas(const struct medsec_docs *set, struct medsec_docs_area *out, size_t cap)
{
    size_t n = 0;
    for (; n < sizeof known_areas / sizeof *known_areas; n++) {
        size_t c = 0;
        for (size_t i = 0; i < set->ngaps; i++)
            c += !strcmp(set->gaps[i].area, known_areas[n].area);
        if (n < cap)
            out[n] = (struct medsec_docs_area){known_areas[n].area, known_areas[n].label, c};
    }
    /* a generator's own area: where its first gap is, counted from there */
    for (size_t i = 0; i < set->ngaps; i++) {
        const char *a = set->gaps[i].area;
        bool seen = known_area(a);
        for (size_t j = 0; j < i && !seen; j++)
            seen = !strcmp(set->gaps[j].area, a);
        if (seen)
            continue;
        size_t c = 0;
        for (size_t k = i; k < set->ngaps; k++)
            c += !strcmp(set->gaps[k].area, a);
        if (n < cap)
            out[n] = (struct medsec_docs_area){a, a, c};
        n++;
    }
    return n;
}

const struct medsec_docs_gap *medsec_docs_gaps(const struct medsec_docs *set, size_t *n)
{
    *n = set->ngaps;
    return set->gaps;
}

const char *docs_or_unstated(const char *v)
{
    return v && *v ? v : "not stated in the security file";
}

void docs_control(const struct medsec_docs *s, struct docs_field out[DOCS_NCONTROL])
{
    const struct docs_field f[DOCS_NCONTROL] = {
        {"Device", s->device, false},
        {"Manufacturer", docs_or_unstated(s->manufacturer), false},
        {"Model", docs_or_unstated(s->model), false},
        {"UDI-DI", docs_or_unstated(s->udi_di), false},
        {"EU MDR class", docs_or_unstated(s->mdr_class), false},
        {"FDA class", docs_or_unstated(s->fda_class), false},
        {"Software version documented", s->version, false},
        {"Date", docs_or_unstated(s->date), false},
        {"Source commit", s->source_commit ? s->source_commit : "not recorded", true},
        {"Content SHA-256", s->content_hash, true},
    };
    memcpy(out, f, sizeof f);
}

size_t docs_doc_gaps(const struct medsec_docs *s, const struct doc *d)
{
    size_t n = 0;
    for (size_t i = 0; i < s->ngaps; i++)
        n += s->gaps[i].doc == d->id;
    return n;
}

bool docs_group_first(const struct medsec_docs *s, const struct doc *d)
{
    for (const struct doc *e = s->first; e && e != d; e = e->next)
        if (!strcmp(e->group, d->group))
            return false;
    return true;
}

const char *docs_title_of(const struct medsec_docs *s, const char *id)
{
    for (const struct doc *d = s->first; d; d = d->next)
        if (!strcmp(d->id, id))
            return d->title;
    return id;
}

const char *docs_svg_element(const char *svg)
{
    const char *e = svg ? strstr(svg, "<svg") : NULL;
    return e ? e : svg;
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
        medsec_buf_reset(&b);
        if (!rc && (rc = docs_render_css(set, &b)))
            medsec_error_set(err, rc, NULL, 0, 0, "style.css: %s", medsec_strerror(rc));
        if (!rc)
            rc = put(outdir, "html", "style.css", b.data, b.len, err);
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
    medsec_jsonw_kv_string(&w, "manufacturer", set->manufacturer);
    medsec_jsonw_kv_string(&w, "model", set->model);
    medsec_jsonw_kv_string(&w, "udi_di", set->udi_di);
    medsec_jsonw_kv_string(&w, "mdr_class", set->mdr_class);
    medsec_jsonw_kv_string(&w, "fda_class", set->fda_class);
    medsec_jsonw_kv_string(&w, "version", set->version);
    medsec_jsonw_kv_string(&w, "date", set->date);
    medsec_jsonw_kv_string(&w, "source_commit", set->source_commit);
    medsec_jsonw_kv_string(&w, "content_sha256", set->content_hash);
    medsec_jsonw_key(&w, "sources");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < set->nsources; i++) {
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "path", set->sources[i].path);
        medsec_jsonw_kv_string(&w, "sha256", set->sources[i].sha256);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_object_end(&w);
    medsec_jsonw_key(&w, "gap_areas");
    medsec_jsonw_array_begin(&w);
    struct medsec_docs_area areas[32];
    size_t na = medsec_docs_areas(set, areas, sizeof areas / sizeof *areas);
    for (size_t i = 0; i < na && i < sizeof areas / sizeof *areas; i++) {
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "area", areas[i].area);
        medsec_jsonw_kv_string(&w, "label", areas[i].label);
        medsec_jsonw_kv_int(&w, "gaps", (long long)areas[i].gaps);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
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
