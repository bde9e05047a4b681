/* sbom.c: load an SBOM file, detect its format, and the component/ref/edge builder both readers
 * share. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/file.h"
#include "sbom_int.h"

#define SBOM_DEFAULT_MAX_BYTES ((size_t)512 << 20)
#define SBOM_DEFAULT_MAX_COMPONENTS ((size_t)1000000)

const char *medsec_sbom_format_name(enum medsec_sbom_format f)
{
    return f == MEDSEC_SBOM_CYCLONEDX ? "CycloneDX" : f == MEDSEC_SBOM_SPDX ? "SPDX" : "unknown";
}

void sbom_position(struct sbom_ctx *c, const struct medsec_json *v, unsigned *line, unsigned *col)
{
    size_t off = v && v->offset <= c->len ? v->offset : 0;
    if (!v) {
        *line = 0;
        *col = 0;
        return;
    }
    if (off < c->at) {
        c->at = 0;
        c->line = 1;
        c->line_start = 0;
    }
    const char *p = c->text + c->at, *end = c->text + off;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        c->line++;
        c->line_start = (size_t)(nl - c->text) + 1;
        p = nl + 1;
    }
    c->at = off;
    *line = c->line;
    *col = (unsigned)(off - c->line_start) + 1;
}

static void path_render(const struct sbom_path *p, char *out, size_t cap, size_t *used)
{
    if (!p)
        return;
    path_render(p->up, out, cap, used);
    int n;
    if (p->index == (size_t)-1)
        n = snprintf(out + *used, cap - *used, "%s%s", *used ? "." : "", p->key);
    else if (p->key)
        n = snprintf(out + *used, cap - *used, "%s%s[%zu]", *used ? "." : "", p->key, p->index);
    else
        n = snprintf(out + *used, cap - *used, "[%zu]", p->index);
    if (n > 0)
        *used = (size_t)n >= cap - *used ? cap - 1 : *used + (size_t)n;
}

medsec_err sbom_warn(struct sbom_ctx *c, const struct medsec_json *v, const struct sbom_path *path,
                     const char *fmt, ...)
{
    c->s->nwarnings++;
    if (!c->warnings)
        return MEDSEC_OK;
    char msg[768], where[256];
    size_t used = 0;
    where[0] = '\0';
    path_render(path, where, sizeof where, &used);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    unsigned line, col;
    sbom_position(c, v, &line, &col);
    return medsec_diags_add(c->warnings, MEDSEC_SEV_WARNING, c->file, line, col,
                            used ? where : NULL, "%s", msg);
}

const char *sbom_str(struct sbom_ctx *c, const struct medsec_json *v, const struct sbom_path *path,
                     const char *what, const char *who, medsec_err *rc)
{
    if (!v || v->type == MEDSEC_JSON_NULL)
        return NULL;
    if (v->type != MEDSEC_JSON_STRING) {
        medsec_err w = sbom_warn(c, v, path, "%s of %s is a %s, not a string; ignored", what, who,
                                 medsec_json_type_name(v->type));
        if (w)
            *rc = w;
        return NULL;
    }
    char *s = medsec_arena_strndup(&c->s->arena, v->u.str, v->len);
    if (!s)
        *rc = MEDSEC_ENOMEM;
    return s;
}

medsec_err sbom_add_component(struct sbom_ctx *c, const struct medsec_sbom_component *comp,
                              size_t *index)
{
    struct medsec_sbom *s = c->s;
    if (s->ncomponents >= c->max_components)
        return medsec_error_set(c->err, MEDSEC_ETOOBIG, c->file, comp->line, comp->column,
                                "more than %zu components (the component cap)", c->max_components);
    if (MEDSEC_ARRAY_GROW(s->components, s->ncomponents, c->cap_components))
        return MEDSEC_ENOMEM;
    s->components[s->ncomponents] = *comp;
    *index = s->ncomponents++;
    return MEDSEC_OK;
}

static uint64_t ref_hash(const char *r)
{
    uint64_t h = 1469598103934665603ULL; /* FNV-1a */
    for (; *r; r++) {
        h ^= (unsigned char)*r;
        h *= 1099511628211ULL;
    }
    return h;
}

size_t sbom_lookup(const struct medsec_sbom *s, const char *ref)
{
    if (!s->ref_cap || !ref)
        return MEDSEC_SBOM_NO_PARENT;
    size_t mask = s->ref_cap - 1;
    for (size_t i = (size_t)ref_hash(ref) & mask;; i = (i + 1) & mask) {
        size_t slot = s->ref_slots[i];
        if (!slot)
            return MEDSEC_SBOM_NO_PARENT;
        if (strcmp(s->components[slot - 1].ref, ref) == 0)
            return slot - 1;
    }
}

static void ref_insert(size_t *slots, size_t cap, const struct medsec_sbom_component *comps,
                       size_t index)
{
    size_t mask = cap - 1;
    size_t i = (size_t)ref_hash(comps[index].ref) & mask;
    while (slots[i])
        i = (i + 1) & mask;
    slots[i] = index + 1;
}

medsec_err sbom_index_ref(struct sbom_ctx *c, size_t index)
{
    struct medsec_sbom *s = c->s;
    size_t indexed = index + 1; /* refs are indexed in component order */
    if (indexed * 2 > s->ref_cap) {
        size_t cap = s->ref_cap ? s->ref_cap * 2 : 256;
        while (indexed * 2 > cap)
            cap *= 2;
        size_t *slots = medsec_calloc(cap, sizeof *slots);
        if (!slots)
            return MEDSEC_ENOMEM;
        for (size_t i = 0; i < s->ref_cap; i++)
            if (s->ref_slots[i])
                ref_insert(slots, cap, s->components, s->ref_slots[i] - 1);
        medsec_free(s->ref_slots);
        s->ref_slots = slots;
        s->ref_cap = cap;
    }
    ref_insert(s->ref_slots, s->ref_cap, s->components, index);
    return MEDSEC_OK;
}

const char *sbom_synth_ref(struct sbom_ctx *c)
{
    char buf[48];
    for (size_t n = c->s->ncomponents + 1;; n++) {
        snprintf(buf, sizeof buf, "medsec-ref-%zu", n);
        if (sbom_lookup(c->s, buf) == MEDSEC_SBOM_NO_PARENT)
            return medsec_arena_strdup(&c->s->arena, buf);
    }
}

medsec_err sbom_add_dep(struct sbom_ctx *c, size_t from, size_t to)
{
    struct medsec_sbom *s = c->s;
    if (from == to)
        return MEDSEC_OK;
    if (MEDSEC_ARRAY_GROW(s->deps, s->ndeps, c->cap_deps))
        return MEDSEC_ENOMEM;
    s->deps[s->ndeps].from = from;
    s->deps[s->ndeps].to = to;
    s->ndeps++;
    return MEDSEC_OK;
}

static int dep_cmp(const void *a, const void *b)
{
    const struct medsec_sbom_dep *x = a, *y = b;
    if (x->from != y->from)
        return x->from < y->from ? -1 : 1;
    return x->to < y->to ? -1 : x->to > y->to;
}

static void deps_normalise(struct medsec_sbom *s)
{
    if (s->ndeps < 2)
        return;
    qsort(s->deps, s->ndeps, sizeof *s->deps, dep_cmp);
    size_t n = 1;
    for (size_t i = 1; i < s->ndeps; i++)
        if (dep_cmp(&s->deps[i], &s->deps[n - 1]) != 0)
            s->deps[n++] = s->deps[i];
    s->ndeps = n;
}

/* Formats we can name but do not read: say so instead of reporting a JSON syntax error. */
static medsec_err reject_non_json(const char *text, size_t len, const char *filename,
                                  struct medsec_error *err)
{
    size_t i = 0;
    if (len >= 3 && (unsigned char)text[0] == 0xEF && (unsigned char)text[1] == 0xBB &&
        (unsigned char)text[2] == 0xBF)
        i = 3;
    while (i < len && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        i++;
    if (i == len)
        return medsec_error_set(err, MEDSEC_EPARSE, filename, 1, 1, "empty file: not an SBOM");
    if (len - i >= 12 && memcmp(text + i, "SPDXVersion:", 12) == 0)
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, filename, 1, 1,
                                "SPDX tag-value format is not supported; use SPDX JSON");
    if (text[i] == '<')
        return medsec_error_set(err, MEDSEC_EUNSUPPORTED, filename, 1, 1,
                                "XML SBOMs are not supported; use CycloneDX or SPDX JSON");
    return MEDSEC_OK;
}

static medsec_err detect_and_read(struct sbom_ctx *c, const struct medsec_json_doc *doc)
{
    const struct medsec_json *root = doc->root;
    if (!medsec_json_is(root, MEDSEC_JSON_OBJECT))
        return medsec_error_set(c->err, MEDSEC_EUNSUPPORTED, c->file, 1, 1,
                                "not an SBOM: the top level is a JSON %s, not an object",
                                medsec_json_type_name(root->type));
    const struct medsec_json *fmt = medsec_json_get(root, "bomFormat");
    const struct medsec_json *spdx = medsec_json_get(root, "spdxVersion");
    if (fmt) {
        const char *f = medsec_json_str(fmt);
        if (!f || strcmp(f, "CycloneDX") != 0) {
            unsigned line, col;
            sbom_position(c, fmt, &line, &col);
            return medsec_error_set(c->err, MEDSEC_EUNSUPPORTED, c->file, line, col,
                                    "bomFormat is not \"CycloneDX\"");
        }
        c->s->format = MEDSEC_SBOM_CYCLONEDX;
        return sbom_read_cyclonedx(c, root);
    }
    if (spdx) {
        c->s->format = MEDSEC_SBOM_SPDX;
        return sbom_read_spdx(c, root);
    }
    return medsec_error_set(
        c->err, MEDSEC_EUNSUPPORTED, c->file, 1, 1,
        "not a recognised SBOM: neither bomFormat \"CycloneDX\" nor spdxVersion");
}

static void mark_subject(struct medsec_sbom *s)
{
    size_t i = sbom_lookup(s, s->subject_ref);
    if (i == MEDSEC_SBOM_NO_PARENT)
        return;
    s->components[i].is_subject = 1;
    if (!s->subject)
        s->subject = s->components[i].name;
}

medsec_err medsec_sbom_parse(const char *text, size_t len, const char *filename,
                             const struct medsec_sbom_limits *lim, struct medsec_sbom **out,
                             struct medsec_diags *warnings, struct medsec_error *err)
{
    *out = NULL;
    const char *file = filename ? filename : "<memory>";
    size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : SBOM_DEFAULT_MAX_BYTES;
    if (len > max_bytes)
        return medsec_error_set(err, MEDSEC_ETOOBIG, file, 0, 0,
                                "SBOM is %zu bytes, more than the cap of %zu", len, max_bytes);
    medsec_err rc = reject_non_json(text, len, file, err);
    if (rc)
        return rc;
    struct medsec_json_limits jl = {.max_bytes = max_bytes};
    struct medsec_json_doc *doc = NULL;
    rc = medsec_json_parse(text, len, &jl, file, &doc, err);
    if (rc)
        return rc;
    struct medsec_sbom *s = medsec_calloc(1, sizeof *s);
    if (!s) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, file, 0, 0, "out of memory");
        goto out_free_doc;
    }
    struct sbom_ctx c = {
        .s = s,
        .text = text,
        .len = len,
        .file = file,
        .warnings = warnings,
        .err = err,
        .max_components =
            lim && lim->max_components ? lim->max_components : SBOM_DEFAULT_MAX_COMPONENTS,
        .line = 1,
    };
    s->path = medsec_arena_strdup(&s->arena, file);
    if (!s->path) {
        rc = MEDSEC_ENOMEM;
        goto out_free_sbom;
    }
    rc = detect_and_read(&c, doc);
    if (rc)
        goto out_free_sbom;
    mark_subject(s);
    deps_normalise(s);
    medsec_json_doc_free(doc);
    *out = s;
    return MEDSEC_OK;

out_free_sbom:
    if (rc == MEDSEC_ENOMEM)
        medsec_error_set(err, MEDSEC_ENOMEM, file, 0, 0, "out of memory");
    medsec_sbom_free(s);
out_free_doc:
    medsec_json_doc_free(doc);
    return rc;
}

medsec_err medsec_sbom_load(const char *path, const struct medsec_sbom_limits *lim,
                            struct medsec_sbom **out, struct medsec_diags *warnings,
                            struct medsec_error *err)
{
    *out = NULL;
    size_t max_bytes = lim && lim->max_bytes ? lim->max_bytes : SBOM_DEFAULT_MAX_BYTES;
    char *text = NULL;
    size_t len = 0;
    medsec_err rc = medsec_file_read(path, max_bytes, &text, &len, err);
    if (rc)
        return rc;
    rc = medsec_sbom_parse(text, len, path, lim, out, warnings, err);
    medsec_free(text);
    return rc;
}

const struct medsec_sbom_component *medsec_sbom_find(const struct medsec_sbom *s, const char *ref)
{
    if (!s)
        return NULL;
    size_t i = sbom_lookup(s, ref);
    return i == MEDSEC_SBOM_NO_PARENT ? NULL : &s->components[i];
}

void medsec_sbom_free(struct medsec_sbom *s)
{
    if (!s)
        return;
    medsec_free(s->components);
    medsec_free(s->deps);
    medsec_free(s->ref_slots);
    medsec_arena_release(&s->arena);
    medsec_free(s);
}

const char *medsec_sbom_spec_version_label(const struct medsec_sbom *s)
{
    const char *v = s->spec_version ? s->spec_version : "";
    return s->format == MEDSEC_SBOM_SPDX && strncmp(v, "SPDX-", 5) == 0 ? v + 5 : v;
}
