/* load.c: read device.yaml with libfyaml, check it against the table in schema.c while building the
 * model, then resolve ids, references, files and SBOM components; report every problem at once. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libfyaml.h>

#include "medsec/alloc.h"
#include "medsec/cvss.h"
#include "medsec/file.h"
#include "yamlsrc.h"
#include "schema.h"

#define DEFAULT_MAX_BYTES ((size_t)4 << 20)
#define DEFAULT_MAX_DEPTH 32
#define DEFAULT_MAX_ENTRIES 10000
#define DEFAULT_MAX_NODES 500000
#define DEFAULT_MAX_STRING 65536
#define DEFAULT_MAX_SBOM_BYTES ((size_t)64 << 20)

struct idrec {
    const char *id;
    enum medsec_model_kind kind;
    unsigned line, column;
    size_t order;
};

struct refrec {
    const char *value;
    const char *key;
    unsigned mask;
    unsigned line, column;
    char *path; /* owned */
};

struct sbomrec {
    const char *path;         /* as written (model arena) */
    struct medsec_sbom *sbom; /* NULL when it could not be loaded */
};

struct walker {
    const char *file, *dir;
    struct medsec_model_limits lim;
    struct medsec_diags *d;
    struct medsec_model *m;
    medsec_err fatal; /* ENOMEM: stop and report */
    int yaml_error, cap_error;
    struct idrec *ids;
    size_t nids, capids;
    struct refrec *refs;
    size_t nrefs, caprefs;
    struct sbomrec *sboms;
    size_t nsboms, capsboms;
    char path[512];
    size_t plen;
    size_t nodes;
    struct fy_node *key; /* key of the value being walked: where an empty value is reported */
    const char *text;    /* the source, for decoding quoted scalars */
    size_t len;
    struct medsec_arena scratch; /* decoded scalar text, freed when the walk ends */
    size_t suggestions; /* "did you mean" searches made for unknown vulnerability components */
};

/* ---- diagnostics ---- */

static void pos_of(struct fy_node *n, unsigned *line, unsigned *col)
{
    medsec_yaml_pos(n, line, col);
}

static void vdiag(struct walker *W, enum medsec_severity sev, unsigned line, unsigned col,
                  const char *fmt, va_list ap) __attribute__((format(printf, 5, 0)));
static void vdiag(struct walker *W, enum medsec_severity sev, unsigned line, unsigned col,
                  const char *fmt, va_list ap)
{
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    if (medsec_diags_add(W->d, sev, W->file, line, col, W->plen ? W->path : NULL, "%s", msg))
        W->fatal = MEDSEC_ENOMEM;
}

static void error_at(struct walker *W, unsigned line, unsigned col, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void error_at(struct walker *W, unsigned line, unsigned col, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vdiag(W, MEDSEC_SEV_ERROR, line, col, fmt, ap);
    va_end(ap);
}

static void error_node(struct walker *W, struct fy_node *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void error_node(struct walker *W, struct fy_node *n, const char *fmt, ...)
{
    unsigned line, col;
    pos_of(n, &line, &col);
    if (!line && W->key)
        pos_of(W->key, &line, &col); /* an empty value or list has no position of its own */
    va_list ap;
    va_start(ap, fmt);
    vdiag(W, MEDSEC_SEV_ERROR, line, col, fmt, ap);
    va_end(ap);
}

/* Document path ("flows[2].to") kept alongside the walk for --json. */
static size_t path_push_key(struct walker *W, const char *key)
{
    size_t old = W->plen;
    int n = snprintf(W->path + W->plen, sizeof W->path - W->plen, "%s%s", W->plen ? "." : "", key);
    if (n > 0 && (size_t)n < sizeof W->path - W->plen)
        W->plen += (size_t)n;
    return old;
}

static size_t path_push_index(struct walker *W, size_t i)
{
    size_t old = W->plen;
    int n = snprintf(W->path + W->plen, sizeof W->path - W->plen, "[%zu]", i);
    if (n > 0 && (size_t)n < sizeof W->path - W->plen)
        W->plen += (size_t)n;
    return old;
}

static void path_pop(struct walker *W, size_t old)
{
    W->plen = old;
    W->path[old] = '\0';
}

/* ---- small helpers ---- */

/* Room for one more entry of a walker list; false (and the walk fatal) when memory ran out. */
#define ROOM(W, arr, n, cap)                                                                       \
    (MEDSEC_ARRAY_GROW(arr, n, cap) ? ((W)->fatal = MEDSEC_ENOMEM, false) : true)

static const char *kind_list(unsigned mask, char *buf, size_t size)
{
    size_t count = 0, total = 0, len = 0;
    for (int k = 0; k < MEDSEC_MK_COUNT; k++)
        total += (mask >> k) & 1u;
    buf[0] = '\0';
    for (int k = 0; k < MEDSEC_MK_COUNT; k++) {
        if (!((mask >> k) & 1u))
            continue;
        const char *sep = count == 0 ? "" : count + 1 == total ? " or " : ", ";
        const char *name = medsec_model_kind_name((enum medsec_model_kind)k);
        const char *art = count == 0 ? (strchr("aeiou", name[0]) ? "an " : "a ") : "";
        int n = snprintf(buf + len, size - len, "%s%s%s", sep, art, name);
        if (n < 0 || (size_t)n >= size - len)
            break;
        len += (size_t)n;
        count++;
    }
    return buf;
}

/* The text of a scalar (medsec_yaml_text: quoted scalars decoded by medsec, in the walker's scratch
 * arena until the walk ends); "" with W->fatal when out of memory. */
static const char *scalar_text(struct walker *W, struct fy_node *n, size_t *len)
{
    const char *s = medsec_yaml_text(n, W->text, W->len, &W->scratch, len);
    if (!s) {
        W->fatal = MEDSEC_ENOMEM;
        s = "";
        if (len)
            *len = 0;
    }
    return s;
}

/* A plain (unquoted) scalar that YAML 1.2's core schema reads as null. */
static int is_null(struct fy_node *n)
{
    if (!fy_node_is_scalar(n) || fy_node_is_alias(n) || fy_node_get_style(n) != FYNS_PLAIN)
        return 0;
    size_t len = 0;
    const char *s = fy_node_get_scalar(n, &len); /* plain: libfyaml's text is sound */
    return !s || len == 0 || (len == 1 && s[0] == '~') ||
           (len == 4 && (!memcmp(s, "null", 4) || !memcmp(s, "Null", 4) || !memcmp(s, "NULL", 4)));
}

static const char *what_is(struct fy_node *n)
{
    if (!n || is_null(n))
        return "empty";
    if (fy_node_is_alias(n))
        return "an alias";
    if (fy_node_is_mapping(n))
        return "a mapping";
    if (fy_node_is_sequence(n))
        return "a list";
    return "a scalar";
}

static const char *adup(struct walker *W, const char *s, size_t len)
{
    char *c = medsec_arena_strndup(&W->m->arena, s, len);
    if (!c)
        W->fatal = MEDSEC_ENOMEM;
    return c;
}

/* ---- caps: one pass over the whole document before anything else ---- */

static int check_caps(struct walker *W, struct fy_node *n, size_t depth)
{
    if (!n)
        return 0;
    if (++W->nodes > W->lim.max_nodes) {
        error_node(W, n, "the document has more than %zu YAML nodes (the limit)", W->lim.max_nodes);
        return -1;
    }
    if (depth > W->lim.max_depth) {
        error_node(W, n, "nesting is deeper than %zu levels (the limit)", W->lim.max_depth);
        return -1;
    }
    void *it = NULL;
    if (fy_node_is_mapping(n)) {
        for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(n, &it));)
            if (check_caps(W, fy_node_pair_key(p), depth + 1) ||
                check_caps(W, fy_node_pair_value(p), depth + 1))
                return -1;
    } else if (fy_node_is_sequence(n)) {
        if ((size_t)fy_node_sequence_item_count(n) > W->lim.max_entries) {
            error_node(W, n, "a list has %d entries, more than %zu (the limit)",
                       fy_node_sequence_item_count(n), W->lim.max_entries);
            return -1;
        }
        for (struct fy_node *c; (c = fy_node_sequence_iterate(n, &it));)
            if (check_caps(W, c, depth + 1))
                return -1;
    } else if (fy_node_is_scalar(n)) {
        size_t len = 0;
        scalar_text(W, n, &len);
        if (len > W->lim.max_string) {
            error_node(W, n, "a value is %zu bytes long, more than %zu (the limit)", len,
                       W->lim.max_string);
            return -1;
        }
    }
    return 0;
}

/* ---- ids, references, files ---- */

static void add_id(struct walker *W, const char *id, enum medsec_model_kind kind,
                   struct fy_node *at)
{
    if (!ROOM(W, W->ids, W->nids, W->capids))
        return;
    struct idrec *r = &W->ids[W->nids];
    r->id = id;
    r->kind = kind;
    r->order = W->nids++;
    pos_of(at, &r->line, &r->column);
}

static void add_ref(struct walker *W, const char *value, const char *key, unsigned mask,
                    struct fy_node *at)
{
    if (!ROOM(W, W->refs, W->nrefs, W->caprefs))
        return;
    struct refrec *r = &W->refs[W->nrefs];
    r->value = value;
    r->key = key;
    r->mask = mask;
    pos_of(at, &r->line, &r->column);
    r->path = W->plen ? medsec_strdup(W->path) : NULL;
    if (W->plen && !r->path) {
        W->fatal = MEDSEC_ENOMEM;
        return;
    }
    W->nrefs++;
}

static int is_file(const char *dir, const char *rel, struct walker *W)
{
    char *p = medsec_path_join(dir, rel);
    if (!p) {
        W->fatal = MEDSEC_ENOMEM;
        return 1;
    }
    struct stat st;
    int ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
    medsec_free(p);
    return ok;
}

/* Check a relative path; returns 1 when the file exists (always 1 without a folder). */
static int check_path(struct walker *W, const char *key, const char *rel, struct fy_node *at)
{
    if (rel[0] == '/') {
        error_node(W, at, "'%s' must be a path relative to the device folder, not '%s'", key, rel);
        return 0;
    }
    if (!W->dir)
        return 1;
    if (!is_file(W->dir, rel, W)) {
        error_node(W, at, "'%s': file '%s' not found in %s", key, rel, W->dir);
        return 0;
    }
    return 1;
}

static struct sbomrec *sbom_get(struct walker *W, const char *rel, struct fy_node *at)
{
    for (size_t i = 0; i < W->nsboms; i++)
        if (strcmp(W->sboms[i].path, rel) == 0)
            return &W->sboms[i];
    if (!ROOM(W, W->sboms, W->nsboms, W->capsboms))
        return NULL;
    struct sbomrec *r = &W->sboms[W->nsboms++];
    r->path = rel;
    r->sbom = NULL;
    char *p = medsec_path_join(W->dir, rel);
    if (!p) {
        W->fatal = MEDSEC_ENOMEM;
        return r;
    }
    struct medsec_sbom_limits sl = {W->lim.max_sbom_bytes, 0};
    struct medsec_error e;
    medsec_error_clear(&e);
    medsec_err rc = medsec_sbom_load(p, &sl, &r->sbom, W->d, &e);
    if (rc == MEDSEC_ENOMEM) {
        W->fatal = rc;
    } else if (rc) {
        char where[64] = "";
        if (e.line)
            snprintf(where, sizeof where, " (line %u, column %u)", e.line, e.column);
        error_node(W, at, "SBOM '%s' cannot be used: %s%s", rel,
                   e.msg[0] ? e.msg : medsec_strerror(rc), where);
    }
    medsec_free(p);
    return r;
}

/* Check that each of @refs is a component of the SBOM @rel. */
static void check_components(struct walker *W, const char *rel, struct fy_node *sbom_node,
                             struct fy_node *comp_node, const char *const *refs, size_t n)
{
    if (!W->dir || !rel || !is_file(W->dir, rel, W))
        return;
    struct sbomrec *r = sbom_get(W, rel, sbom_node);
    if (!r || !r->sbom)
        return;
    const struct medsec_sbom *s = r->sbom;
    for (size_t i = 0; i < n; i++) {
        if (medsec_sbom_find(s, refs[i]))
            continue;
        const char **cands = medsec_malloc((s->ncomponents + 1) * sizeof *cands);
        if (!cands) {
            W->fatal = MEDSEC_ENOMEM;
            return;
        }
        for (size_t k = 0; k < s->ncomponents; k++)
            cands[k] = s->components[k].ref;
        const char *best = medsec_suggest(refs[i], cands, s->ncomponents);
        struct fy_node *at = comp_node;
        if (fy_node_is_sequence(comp_node))
            at = fy_node_sequence_get_by_index(comp_node, (int)i);
        if (best)
            error_node(W, at, "component '%s' is not in SBOM '%s'; did you mean '%s'?", refs[i],
                       rel, best);
        else
            error_node(W, at, "component '%s' is not in SBOM '%s'", refs[i], rel);
        medsec_free(cands);
    }
}

/*
 * Load the MITRE rubric answers file @rel (already checked to be a relative path) into the model
 * arena; NULL without a folder, when the file is missing (reported already) or has errors (reported
 * here, at @at, with the position inside the answers file).
 */
static const struct medsec_cvss_rubric *rubric_load(struct walker *W, const char *rel,
                                                    struct fy_node *at)
{
    if (!W->dir || rel[0] == '/' || !is_file(W->dir, rel, W))
        return NULL;
    char *path = medsec_path_join(W->dir, rel);
    struct medsec_cvss_rubric *rb = medsec_arena_alloc(&W->m->arena, sizeof *rb);
    char *text = NULL;
    size_t len = 0;
    struct medsec_error e;
    medsec_error_clear(&e);
    medsec_err rc = path && rb
                        ? medsec_file_read(path, MEDSEC_CVSS_RUBRIC_MAX_BYTES, &text, &len, &e)
                        : MEDSEC_ENOMEM;
    if (!rc)
        rc = medsec_cvss_rubric_parse(text, len, rel, rb, &e);
    if (rc == MEDSEC_ENOMEM) {
        W->fatal = rc;
    } else if (rc == MEDSEC_ETOOBIG && !e.msg[0]) {
        error_node(W, at, "rubric '%s' cannot be used: larger than %d bytes", rel,
                   MEDSEC_CVSS_RUBRIC_MAX_BYTES);
    } else if (rc) {
        char where[64] = "";
        if (e.line)
            snprintf(where, sizeof where, " (line %u, column %u)", e.line, e.column);
        error_node(W, at, "rubric '%s' cannot be used: %s%s", rel,
                   e.msg[0] ? e.msg : medsec_strerror(rc), where);
    }
    medsec_free(text);
    medsec_free(path);
    return rc ? NULL : rb;
}

/* ---- the walk ---- */

static void walk_map(struct walker *W, const struct mshape *s, struct fy_node *map, void *obj);

static const char *value_str(struct walker *W, const struct mfield *f, struct fy_node *v,
                             const char *what)
{
    if (!v || !fy_node_is_scalar(v) || fy_node_is_alias(v) || is_null(v)) {
        error_node(W, v, "'%s' must be %s, not %s", f->key, what, what_is(v));
        return NULL;
    }
    size_t len;
    const char *s = scalar_text(W, v, &len);
    if (!s)
        return NULL;
    if (len == 0) {
        error_node(W, v, "'%s' must not be empty", f->key);
        return NULL;
    }
    if (memchr(s, '\0', len)) {
        error_node(W, v, "'%s' must not contain a NUL character", f->key);
        return NULL;
    }
    return adup(W, s, len);
}

/* The word of an F_ENUM / F_CODE value, checked against the field's list; *@index gets its place in
 * the list (may be NULL). */
static const char *enum_value(struct walker *W, const struct mfield *f, struct fy_node *v,
                              size_t *index)
{
    const char *s = value_str(W, f, v, "one of the listed words");
    if (!s)
        return NULL;
    size_t n = 0;
    for (const char *const *p = f->values; *p; p++, n++)
        if (strcmp(*p, s) == 0) {
            if (index)
                *index = n;
            return s;
        }
    char list[600];
    size_t len = 0;
    list[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        int k = snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "", f->values[i]);
        if (k < 0 || (size_t)k >= sizeof list - len)
            break;
        len += (size_t)k;
    }
    const char *best = medsec_suggest(s, f->values, n);
    if (best)
        error_node(W, v, "'%s' must be one of %s, not '%s'; did you mean '%s'?", f->key, list, s,
                   best);
    else
        error_node(W, v, "'%s' must be one of %s, not '%s'", f->key, list, s);
    return NULL;
}

/* One scalar of type @t (a field, or an entry of a list field) into *out (const char *). */
static const char *walk_scalar(struct walker *W, const struct mshape *s, const struct mfield *f,
                               enum mtype t, struct fy_node *v)
{
    const char *str;
    switch (t) {
    case F_ENUM: return enum_value(W, f, v, NULL);
    case F_DATE: {
        str = value_str(W, f, v, "a date (YYYY-MM-DD)");
        long days;
        if (str && !medsec_date_parse(str, &days)) {
            error_node(W, v, "'%s' is not a valid date (YYYY-MM-DD): '%s'", f->key, str);
            return NULL;
        }
        return str;
    }
    case F_ID:
        str = value_str(W, f, v, "a string");
        if (str && s->kind >= 0)
            add_id(W, str, (enum medsec_model_kind)s->kind, v);
        return str;
    case F_REF:
        str = value_str(W, f, v, "an id");
        if (str)
            add_ref(W, str, f->key, f->mask, v);
        return str;
    case F_PATH:
    case F_SBOM:
    case F_RUBRIC:
        str = value_str(W, f, v, "a file path");
        if (str && !check_path(W, f->key, str, v))
            return str; /* keep it; the error is reported */
        return str;
    default: return value_str(W, f, v, "a string");
    }
}

/*
 * The entries of the list field @f at @v, one by one: each scalar goes to @one with its index,
 * which stores what it makes of it at arr[k] and returns whether it kept one. The array (@size
 * bytes per entry, in the model arena) and the number kept end in *@arr and *@n.
 */
static void walk_list(struct walker *W, const struct mfield *f, struct fy_node *v, size_t size,
                      bool (*one)(struct walker *W, const struct mfield *f, struct fy_node *c,
                                  void *slot, void *ud),
                      void *ud, void **arr, size_t *nkept)
{
    if (!v || !fy_node_is_sequence(v)) {
        error_node(W, v, "'%s' must be a list, not %s", f->key, what_is(v));
        return;
    }
    size_t n = (size_t)fy_node_sequence_item_count(v);
    if (n < (size_t)f->min)
        error_node(W, v, "'%s' needs at least %ld entr%s", f->key, f->min,
                   f->min == 1 ? "y" : "ies");
    if (n == 0)
        return;
    char *a = medsec_arena_alloc(&W->m->arena, n * size);
    if (!a) {
        W->fatal = MEDSEC_ENOMEM;
        return;
    }
    size_t k = 0, i = 0;
    void *it = NULL;
    for (struct fy_node *c; (c = fy_node_sequence_iterate(v, &it)) && i < n; i++) {
        size_t old = path_push_index(W, i);
        k += one(W, f, c, a + k * size, ud);
        path_pop(W, old);
    }
    *arr = a;
    *nkept = k;
}

struct strlist_walk {
    const struct mshape *s;
    enum mtype t;
};

static bool one_string(struct walker *W, const struct mfield *f, struct fy_node *c, void *slot,
                       void *ud)
{
    const struct strlist_walk *sw = ud;
    const char *str = walk_scalar(W, sw->s, f, sw->t, c);
    memcpy(slot, &str, sizeof str);
    return str != NULL;
}

static void walk_strlist(struct walker *W, const struct mshape *s, const struct mfield *f,
                         struct fy_node *v, struct medsec_strlist *out)
{
    struct strlist_walk sw = {s, f->type == F_ENUMS   ? F_ENUM
                                 : f->type == F_REFS  ? F_REF
                                 : f->type == F_PATHS ? F_PATH
                                 : f->type == F_SBOMS ? F_SBOM
                                                      : F_STR};
    void *arr = NULL;
    walk_list(W, f, v, sizeof *out->v, one_string, &sw, &arr, &out->n);
    out->v = arr;
}

static bool one_code(struct walker *W, const struct mfield *f, struct fy_node *c, void *slot,
                     void *ud)
{
    (void)ud;
    size_t index;
    if (!enum_value(W, f, c, &index))
        return false;
    int code = (int)index + (int)f->mask;
    memcpy(slot, &code, sizeof code);
    return true;
}

/* A list of words of one vocabulary, as their enum values (F_CODES). */
static void walk_codelist(struct walker *W, const struct mfield *f, struct fy_node *v,
                          struct medsec_codelist *out)
{
    void *arr = NULL;
    walk_list(W, f, v, sizeof *out->v, one_code, NULL, &arr, &out->n);
    out->v = arr;
}

static void walk_field(struct walker *W, const struct mshape *s, const struct mfield *f,
                       struct fy_node *v, char *obj)
{
    switch (f->type) {
    case F_INT: {
        long val = 0;
        if (!v || !fy_node_is_scalar(v) || fy_node_is_alias(v) || is_null(v) ||
            fy_node_get_style(v) != FYNS_PLAIN) {
            error_node(W, v, "'%s' must be an integer, not %s", f->key, what_is(v));
            return;
        }
        size_t len;
        const char *txt = scalar_text(W, v, &len);
        char tmp[32];
        char *end = NULL;
        if (len == 0 || len >= sizeof tmp) {
            error_node(W, v, "'%s' must be an integer from %ld to %ld", f->key, f->min, f->max);
            return;
        }
        memcpy(tmp, txt, len);
        tmp[len] = '\0';
        errno = 0;
        val = strtol(tmp, &end, 10);
        if (errno || *end || val < f->min || val > f->max) {
            if (f->min == f->max)
                error_node(W, v, "'%s' must be %ld, not '%s'", f->key, f->min, tmp);
            else
                error_node(W, v, "'%s' must be an integer from %ld to %ld, not '%s'", f->key,
                           f->min, f->max, tmp);
            return;
        }
        memcpy(obj + f->off, &val, sizeof val);
        return;
    }
    case F_BOOL: {
        size_t len = 0;
        const char *txt =
            v && fy_node_is_scalar(v) && !fy_node_is_alias(v) ? scalar_text(W, v, &len) : NULL;
        int b = -1;
        if (txt && fy_node_get_style(v) == FYNS_PLAIN) {
            if (len == 4 &&
                (!memcmp(txt, "true", 4) || !memcmp(txt, "True", 4) || !memcmp(txt, "TRUE", 4)))
                b = 1;
            else if (len == 5 && (!memcmp(txt, "false", 5) || !memcmp(txt, "False", 5) ||
                                  !memcmp(txt, "FALSE", 5)))
                b = 0;
        }
        if (b < 0) {
            if (txt && !is_null(v))
                error_node(W, v, "'%s' must be true or false, not '%.*s'", f->key,
                           (int)(len > 60 ? 60 : len), txt);
            else
                error_node(W, v, "'%s' must be true or false, not %s", f->key, what_is(v));
            return;
        }
        memcpy(obj + f->off, &b, sizeof b);
        return;
    }
    case F_STRS:
    case F_ENUMS:
    case F_REFS:
    case F_PATHS:
    case F_SBOMS: walk_strlist(W, s, f, v, (struct medsec_strlist *)(void *)(obj + f->off)); return;
    case F_CODE: {
        size_t index;
        if (enum_value(W, f, v, &index)) {
            int code = (int)index + (int)f->mask;
            memcpy(obj + f->off, &code, sizeof code);
        }
        return;
    }
    case F_CODES: walk_codelist(W, f, v, (struct medsec_codelist *)(void *)(obj + f->off)); return;
    case F_OBJ: walk_map(W, f->sub, v, obj + f->off); return;
    case F_RUBRIC: {
        const char *str = walk_scalar(W, s, f, f->type, v);
        const struct medsec_cvss_rubric *rb = str ? rubric_load(W, str, v) : NULL;
        memcpy(obj + f->off, &str, sizeof str);
        memcpy(obj + f->noff, &rb, sizeof rb);
        return;
    }
    case F_LIST: {
        if (!v || !fy_node_is_sequence(v)) {
            error_node(W, v, "'%s' must be a list of %ss, not %s", f->key, f->sub->name,
                       what_is(v));
            return;
        }
        size_t n = (size_t)fy_node_sequence_item_count(v);
        if (n < (size_t)f->min) {
            error_node(W, v, "'%s' needs at least %ld entr%s", f->key, f->min,
                       f->min == 1 ? "y" : "ies");
            if (n == 0)
                return;
        }
        if (n == 0)
            return;
        char *arr = medsec_arena_alloc(&W->m->arena, n * f->sub->size);
        if (!arr) {
            W->fatal = MEDSEC_ENOMEM;
            return;
        }
        memset(arr, 0, n * f->sub->size);
        size_t i = 0;
        void *it = NULL;
        for (struct fy_node *c; (c = fy_node_sequence_iterate(v, &it)) && i < n && !W->fatal; i++) {
            size_t old = path_push_index(W, i);
            walk_map(W, f->sub, c, arr + i * f->sub->size);
            path_pop(W, old);
        }
        memcpy(obj + f->off, &arr, sizeof arr);
        memcpy(obj + f->noff, &n, sizeof n);
        return;
    }
    default: {
        const char *str = walk_scalar(W, s, f, f->type, v);
        memcpy(obj + f->off, &str, sizeof str);
        return;
    }
    }
}

/* The value of @key in mapping @map, or NULL. */
static struct fy_node *child(struct walker *W, struct fy_node *map, const char *key)
{
    size_t n = strlen(key);
    void *it = NULL;
    for (struct fy_node_pair *p; map && (p = fy_node_mapping_iterate(map, &it));) {
        struct fy_node *k = fy_node_pair_key(p);
        size_t len = 0;
        const char *t =
            k && fy_node_is_scalar(k) && !fy_node_is_alias(k) ? scalar_text(W, k, &len) : NULL;
        if (t && len == n && memcmp(t, key, n) == 0)
            return fy_node_pair_value(p);
    }
    return NULL;
}

static bool all_digits(const char *s, size_t min)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (s[n] < '0' || s[n] > '9')
            return false;
    return n >= min;
}

/* What a vulnerability id that claims a known scheme must look like, or NULL when it is fine (ids
 * of other schemes, e.g. a vendor's advisory ids, are free text). */
static const char *vuln_id_problem(const char *id)
{
    if (strncmp(id, "CVE-", 4) == 0) {
        bool ok = strlen(id) >= 13 && id[8] == '-';
        for (int i = 4; ok && i < 8; i++)
            ok = id[i] >= '0' && id[i] <= '9';
        return ok && all_digits(id + 9, 4)
                   ? NULL
                   : "a CVE id (CVE-YYYY-NNNN, four or more digits at the end)";
    }
    if (strncmp(id, "GHSA-", 5) == 0) {
        /* GHSA-xxxx-xxxx-xxxx over GitHub's alphabet 23456789cfghjmpqrvwx */
        bool ok = strlen(id) == 19;
        for (int i = 4; ok && i < 19; i++)
            ok = (i - 4) % 5 == 0 ? id[i] == '-'
                                  : id[i] && strchr("23456789cfghjmpqrvwx", id[i]) != NULL;
        return ok ? NULL : "a GitHub advisory id (GHSA-xxxx-xxxx-xxxx, lower case)";
    }
    return NULL;
}

/* Checks that need several keys of one mapping. */
static void check_shape(struct walker *W, const struct mshape *s, struct fy_node *map, void *obj)
{
    if (strcmp(s->def, "version") == 0) {
        struct medsec_model_version *v = obj;
        if (v->release_date && v->end_of_support && strcmp(v->end_of_support, v->release_date) < 0)
            error_node(W, child(W, map, "end_of_support"),
                       "end_of_support %s is before release_date %s of version %s",
                       v->end_of_support, v->release_date, v->version ? v->version : "?");
        struct fy_node *list = v->sboms.n ? child(W, map, "sboms") : NULL;
        bool whole = list && (size_t)fy_node_sequence_item_count(list) == v->sboms.n;
        for (size_t i = 0; list && i < v->sboms.n; i++) {
            struct fy_node *at = whole ? fy_node_sequence_get_by_index(list, (int)i) : list;
            for (size_t j = 0; j < i; j++)
                if (strcmp(v->sboms.v[j], v->sboms.v[i]) == 0)
                    error_node(W, at, "SBOM '%s' is listed twice for version %s", v->sboms.v[i],
                               v->version ? v->version : "?");
            if (W->dir && is_file(W->dir, v->sboms.v[i], W))
                (void)sbom_get(W, v->sboms.v[i], at);
        }
    } else if (strcmp(s->def, "item") == 0) {
        struct medsec_model_item *it = obj;
        if (it->components.n && !it->sbom && !child(W, map, "sbom"))
            error_node(W, child(W, map, "components"),
                       "'components' needs 'sbom', the file they are in");
        else if (it->components.n && it->sbom)
            check_components(W, it->sbom, child(W, map, "sbom"), child(W, map, "components"),
                             it->components.v, it->components.n);
        else if (it->sbom && W->dir && is_file(W->dir, it->sbom, W))
            (void)sbom_get(W, it->sbom, child(W, map, "sbom"));
    } else if (strcmp(s->def, "componentSupport") == 0) {
        struct medsec_model_component_support *c = obj;
        if (c->sbom && c->component)
            check_components(W, c->sbom, child(W, map, "sbom"), child(W, map, "component"),
                             &c->component, 1);
    } else if (strcmp(s->def, "flow") == 0) {
        struct medsec_model_flow *f = obj;
        if (f->from && f->to && strcmp(f->from, f->to) == 0)
            error_node(W, child(W, map, "to"), "flow '%s' goes from '%s' to itself",
                       f->id ? f->id : "?", f->from);
    } else if (strcmp(s->def, "vulnerability") == 0) {
        struct medsec_model_vulnerability *vu = obj;
        const char *want = vu->id ? vuln_id_problem(vu->id) : NULL;
        if (want)
            error_node(W, child(W, map, "id"), "vulnerability id '%s' is not %s", vu->id, want);
    }
}

/* One `key: value` of a mapping of shape @s: find the field, walk the value into @obj. */
static void walk_pair(struct walker *W, const struct mshape *s, struct fy_node *k,
                      struct fy_node *v, char *obj, unsigned char *seen)
{
    W->key = v; /* an empty key has no position of its own: report it at its value */
    if (!k || !fy_node_is_scalar(k) || fy_node_is_alias(k)) {
        error_node(W, k ? k : v, "keys must be plain words, not %s", what_is(k));
        return;
    }
    size_t klen;
    const char *key = scalar_text(W, k, &klen);
    if (!key)
        return;
    size_t fi = 0;
    while (fi < s->nfields &&
           !(strlen(s->fields[fi].key) == klen && !memcmp(s->fields[fi].key, key, klen)))
        fi++;
    if (fi == s->nfields) {
        const char *names[64];
        size_t nn = 0;
        for (size_t j = 0; j < s->nfields && nn < 64; j++)
            names[nn++] = s->fields[j].key;
        char kb[128];
        snprintf(kb, sizeof kb, "%.*s", (int)(klen > 100 ? 100 : klen), key);
        const char *best = medsec_suggest(kb, names, nn);
        if (best)
            error_node(W, k, "unknown key '%s' in %s; did you mean '%s'?", kb, s->name, best);
        else
            error_node(W, k, "unknown key '%s' in %s", kb, s->name);
        return;
    }
    seen[fi] = 1;
    size_t old = path_push_key(W, s->fields[fi].key);
    W->key = k;
    walk_field(W, s, &s->fields[fi], v, obj);
    path_pop(W, old);
}

static void walk_map(struct walker *W, const struct mshape *s, struct fy_node *map, void *obj)
{
    if (!map || !fy_node_is_mapping(map)) {
        error_node(W, map, "a %s must be a mapping (key: value), not %s", s->name, what_is(map));
        return;
    }
    char *o = obj;
    struct medsec_model_pos *pos = obj;
    pos_of(map, &pos->line, &pos->column);
    if (pos->line == 0)
        pos->line = 1; /* an empty mapping still exists */
    unsigned char seen[64] = {0};
    for (size_t i = 0; i < s->nfields; i++)
        if (s->fields[i].type == F_BOOL || s->fields[i].type == F_CODE) {
            int u = s->fields[i].type == F_BOOL ? MEDSEC_UNSTATED : (int)s->fields[i].max;
            memcpy(o + s->fields[i].off, &u, sizeof u);
        }
    void *it = NULL;
    for (struct fy_node_pair *p; (p = fy_node_mapping_iterate(map, &it)) && !W->fatal;) {
        struct fy_node *outer = W->key;
        walk_pair(W, s, fy_node_pair_key(p), fy_node_pair_value(p), o, seen);
        W->key = outer;
    }
    const char *id = NULL;
    for (size_t i = 0; i < s->nfields; i++)
        if (s->fields[i].type == F_ID && seen[i])
            memcpy(&id, o + s->fields[i].off, sizeof id);
    for (size_t i = 0; i < s->nfields && !W->fatal; i++) {
        if (!s->fields[i].required || seen[i])
            continue;
        if (id)
            error_node(W, map, "%s '%s' is missing required key '%s'", s->name, id,
                       s->fields[i].key);
        else
            error_node(W, map, "%s is missing required key '%s'", s->name, s->fields[i].key);
    }
    if (!W->fatal)
        check_shape(W, s, map, obj);
}

/* ---- after the walk ---- */

static int cmp_id(const void *a, const void *b)
{
    const struct idrec *x = a, *y = b;
    int nx = medsec_model_namespace(x->kind), ny = medsec_model_namespace(y->kind);
    if (nx != ny)
        return nx < ny ? -1 : 1;
    int c = strcmp(x->id, y->id);
    if (c)
        return c;
    return x->order < y->order ? -1 : x->order > y->order;
}

static const struct idrec *find_id(const struct walker *W, int ns, const char *id)
{
    size_t lo = 0, hi = W->nids;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        const struct idrec *r = &W->ids[mid];
        int nr = medsec_model_namespace(r->kind);
        int c = nr != ns ? (nr < ns ? -1 : 1) : strcmp(r->id, id);
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < W->nids && medsec_model_namespace(W->ids[lo].kind) == ns &&
        strcmp(W->ids[lo].id, id) == 0)
        return &W->ids[lo];
    return NULL;
}

static void check_ids(struct walker *W)
{
    if (W->nids)
        qsort(W->ids, W->nids, sizeof *W->ids, cmp_id);
    for (size_t i = 1; i < W->nids; i++) {
        const struct idrec *a = &W->ids[i - 1], *b = &W->ids[i];
        if (medsec_model_namespace(a->kind) != medsec_model_namespace(b->kind) ||
            strcmp(a->id, b->id))
            continue;
        size_t first = i - 1;
        while (first > 0 &&
               medsec_model_namespace(W->ids[first - 1].kind) == medsec_model_namespace(b->kind) &&
               strcmp(W->ids[first - 1].id, b->id) == 0)
            first--;
        const struct idrec *f = &W->ids[first];
        if (f->kind == b->kind)
            error_at(W, b->line, b->column, "duplicate %s id '%s' (first defined at line %u)",
                     medsec_model_kind_name(b->kind), b->id, f->line);
        else
            error_at(W, b->line, b->column, "duplicate id '%s': already the id of %s %s at line %u",
                     b->id, strchr("aeiou", medsec_model_kind_name(f->kind)[0]) ? "an" : "a",
                     medsec_model_kind_name(f->kind), f->line);
    }
}

static void check_refs(struct walker *W)
{
    const char **cands = NULL;
    if (W->nids) {
        cands = medsec_malloc(W->nids * sizeof *cands);
        if (!cands) {
            W->fatal = MEDSEC_ENOMEM;
            return;
        }
    }
    for (size_t i = 0; i < W->nrefs && !W->fatal; i++) {
        const struct refrec *r = &W->refs[i];
        int ns = -1;
        for (int k = 0; k < MEDSEC_MK_COUNT; k++)
            if ((r->mask >> k) & 1u)
                ns = medsec_model_namespace((enum medsec_model_kind)k);
        const struct idrec *hit = find_id(W, ns, r->value);
        if (hit && ((r->mask >> hit->kind) & 1u))
            continue;
        char kinds[256];
        kind_list(r->mask, kinds, sizeof kinds);
        size_t old = W->plen;
        if (r->path) {
            snprintf(W->path, sizeof W->path, "%s", r->path);
            W->plen = strlen(W->path);
        }
        if (hit) {
            const char *kn = medsec_model_kind_name(hit->kind);
            error_at(W, r->line, r->column, "'%s' names '%s', which is %s %s, not %s", r->key,
                     r->value, strchr("aeiou", kn[0]) ? "an" : "a", kn, kinds);
        } else {
            size_t nc = 0;
            for (size_t k = 0; k < W->nids; k++)
                if ((r->mask >> W->ids[k].kind) & 1u)
                    cands[nc++] = W->ids[k].id;
            const char *best = medsec_suggest(r->value, cands, nc);
            if (best)
                error_at(W, r->line, r->column,
                         "'%s' names '%s', which is not %s; did you mean '%s'?", r->key, r->value,
                         kinds, best);
            else
                error_at(W, r->line, r->column, "'%s' names '%s', which is not %s", r->key,
                         r->value, kinds);
        }
        path_pop(W, old);
    }
    medsec_free(cands);
}

/* Checks across sections, on the built model. */
static void check_model(struct walker *W)
{
    struct medsec_model *m = W->m;
    for (size_t i = 0; i < m->clinical.nharm_scale; i++)
        m->clinical.harm_scale[i].level = (long)i + 1;
    struct medsec_model_risk_matrix *rm = &m->risk_matrix;
    for (size_t i = 0; i < rm->nexploitability; i++)
        rm->exploitability[i].level = (long)i + 1;
    if (!rm->pos.line)
        return;
    for (size_t r = 0; r < rm->nrows; r++) {
        const struct medsec_model_matrix_row *row = &rm->rows[r];
        if (row->cells.n != m->clinical.nharm_scale)
            error_at(W, row->pos.line, row->pos.column,
                     "matrix row '%s' has %zu cells; the harm scale has %zu levels",
                     row->exploitability ? row->exploitability : "?", row->cells.n,
                     m->clinical.nharm_scale);
        for (size_t q = 0; q < r; q++)
            if (row->exploitability && rm->rows[q].exploitability &&
                strcmp(row->exploitability, rm->rows[q].exploitability) == 0)
                error_at(W, row->pos.line, row->pos.column,
                         "second matrix row for '%s' (first at line %u)", row->exploitability,
                         rm->rows[q].pos.line);
    }
    for (size_t e = 0; e < rm->nexploitability; e++) {
        const char *id = rm->exploitability[e].id;
        size_t r = 0;
        while (id && r < rm->nrows &&
               !(rm->rows[r].exploitability && !strcmp(rm->rows[r].exploitability, id)))
            r++;
        if (id && r == rm->nrows)
            error_at(W, rm->pos.line, rm->pos.column,
                     "the risk matrix has no row for exploitability '%s'", id);
    }
}

/* A name (an item id, or a component ref an item lists) and the item it leads to. */
struct itemref {
    const char *name;
    size_t item;
};

static int cmp_itemref(const void *a, const void *b)
{
    const struct itemref *x = a, *y = b;
    int c = strcmp(x->name, y->name);
    return c ? c : (x->item > y->item) - (x->item < y->item);
}

/* What resolving the vulnerabilities' `components` needs, built once: sorted indexes of item ids
 * and of the component refs items list, the items that own a whole loaded SBOM (they list no
 * components), grouped by SBOM, and a stamp per item so each vulnerability names an item once. */
struct resolver {
    struct itemref *ids, *refs;
    size_t nids, nrefs;
    struct itemref *whole; /* `name` is unused; sorted by SBOM */
    const struct medsec_sbom **whole_sbom;
    size_t nwhole;
    size_t *stamp;
    const char **found;
};

/* The loaded SBOM of @rel, or NULL. */
static const struct medsec_sbom *loaded_sbom(const struct walker *W, const char *rel)
{
    for (size_t i = 0; rel && i < W->nsboms; i++)
        if (strcmp(W->sboms[i].path, rel) == 0)
            return W->sboms[i].sbom;
    return NULL;
}

static bool resolver_init(struct resolver *r, const struct walker *W)
{
    const struct medsec_model *m = W->m;
    memset(r, 0, sizeof *r);
    size_t nc = 0;
    for (size_t i = 0; i < m->nitems; i++)
        nc += m->items[i].components.n;
    size_t ni = m->nitems ? m->nitems : 1;
    r->ids = medsec_malloc(ni * sizeof *r->ids);
    r->refs = medsec_malloc((nc ? nc : 1) * sizeof *r->refs);
    r->whole = medsec_malloc(ni * sizeof *r->whole);
    r->whole_sbom = medsec_malloc(ni * sizeof *r->whole_sbom);
    r->stamp = medsec_malloc(ni * sizeof *r->stamp);
    r->found = medsec_malloc(ni * sizeof *r->found);
    if (!r->ids || !r->refs || !r->whole || !r->whole_sbom || !r->stamp || !r->found)
        return false;
    for (size_t i = 0; i < m->nitems; i++) {
        const struct medsec_model_item *it = &m->items[i];
        r->stamp[i] = (size_t)-1;
        if (!it->id)
            continue;
        r->ids[r->nids++] = (struct itemref){it->id, i};
        for (size_t k = 0; k < it->components.n; k++)
            r->refs[r->nrefs++] = (struct itemref){it->components.v[k], i};
        const struct medsec_sbom *sb = it->components.n ? NULL : loaded_sbom(W, it->sbom);
        if (sb) {
            r->whole[r->nwhole] = (struct itemref){it->sbom, i};
            r->whole_sbom[r->nwhole++] = sb;
        }
    }
    qsort(r->ids, r->nids, sizeof *r->ids, cmp_itemref);
    qsort(r->refs, r->nrefs, sizeof *r->refs, cmp_itemref);
    qsort(r->whole, r->nwhole, sizeof *r->whole,
          cmp_itemref); /* by SBOM path: one lookup per SBOM */
    for (size_t i = 0; i < r->nwhole; i++)
        r->whole_sbom[i] = loaded_sbom(W, r->whole[i].name);
    return true;
}

static void resolver_release(struct resolver *r)
{
    medsec_free(r->ids);
    medsec_free(r->refs);
    medsec_free(r->whole);
    medsec_free(r->whole_sbom);
    medsec_free(r->stamp);
    medsec_free(r->found);
}

/* Index of the first entry of sorted @v named @name, or @n. */
static size_t lower_bound(const struct itemref *v, size_t n, const char *name)
{
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(v[mid].name, name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Add item @i to the items of vulnerability @vi (once). */
static void take(struct resolver *r, const struct medsec_model *m, size_t vi, size_t i, size_t *n)
{
    if (r->stamp[i] == vi)
        return;
    r->stamp[i] = vi;
    r->found[(*n)++] = m->items[i].id;
}

/* The items a vulnerability's `components` entry @ref affects, added to the found list: the item
 * with that id; else the items that list @ref in `components`; else the items whose SBOM holds @ref
 * and that list no components (the whole SBOM is theirs). Returns how many items @ref names. */
static size_t resolve(struct resolver *r, const struct medsec_model *m, size_t vi, const char *ref,
                      size_t *n)
{
    size_t hits = 0;
    for (size_t k = lower_bound(r->ids, r->nids, ref); k < r->nids && !strcmp(r->ids[k].name, ref);
         k++, hits++)
        take(r, m, vi, r->ids[k].item, n);
    if (hits)
        return hits;
    for (size_t k = lower_bound(r->refs, r->nrefs, ref);
         k < r->nrefs && !strcmp(r->refs[k].name, ref); k++, hits++)
        take(r, m, vi, r->refs[k].item, n);
    for (size_t k = 0; k < r->nwhole && !hits;) {
        size_t end = k + 1;
        while (end < r->nwhole && r->whole_sbom[end] == r->whole_sbom[k])
            end++;
        if (medsec_sbom_find(r->whole_sbom[k], ref))
            for (; k < end; k++, hits++)
                take(r, m, vi, r->whole[k].item, n);
        k = end;
    }
    return hits;
}

#define MAX_SUGGESTIONS                                                                            \
    100 /* "did you mean" costs a pass over every name: only for the first errors */

static void component_unknown(struct walker *W, const struct resolver *r, const char *ref,
                              struct fy_node *at)
{
    for (size_t i = 0; i < W->nsboms; i++)
        if (W->sboms[i].sbom && medsec_sbom_find(W->sboms[i].sbom, ref)) {
            error_node(
                W, at,
                "component '%s' of SBOM '%s' belongs to no item; list it in the 'components' "
                "of the item it is part of",
                ref, W->sboms[i].path);
            return;
        }
    const char *best = NULL;
    if (W->suggestions++ < MAX_SUGGESTIONS) {
        const char **cands = medsec_malloc((r->nids + r->nrefs + 1) * sizeof *cands);
        if (!cands) {
            W->fatal = MEDSEC_ENOMEM;
            return;
        }
        for (size_t i = 0; i < r->nids; i++)
            cands[i] = r->ids[i].name;
        for (size_t i = 0; i < r->nrefs; i++)
            cands[r->nids + i] = r->refs[i].name;
        best = medsec_suggest(ref, cands, r->nids + r->nrefs);
        medsec_free(cands);
    }
    if (best)
        error_node(
            W, at,
            "'components' names '%s', which is neither an item nor a component an item lists; "
            "did you mean '%s'?",
            ref, best);
    else
        error_node(
            W, at,
            "'components' names '%s', which is neither an item nor a component an item lists", ref);
}

/* Resolve every vulnerability's `components` to the items it affects (its `items`). */
static void check_vulnerabilities(struct walker *W, struct fy_node *root)
{
    struct medsec_model *m = W->m;
    struct fy_node *list = child(W, root, "vulnerabilities");
    if (!m->nvulnerabilities || !list || !fy_node_is_sequence(list))
        return;
    struct resolver r;
    if (!resolver_init(&r, W)) {
        W->fatal = MEDSEC_ENOMEM;
        goto out_release;
    }
    size_t i = 0;
    void *vit = NULL;
    for (struct fy_node *vn;
         (vn = fy_node_sequence_iterate(list, &vit)) && i < m->nvulnerabilities && !W->fatal; i++) {
        struct medsec_model_vulnerability *vu = &m->vulnerabilities[i];
        struct fy_node *comps = fy_node_is_mapping(vn) ? child(W, vn, "components") : NULL;
        if (!comps || !fy_node_is_sequence(comps))
            continue; /* reported by the walk */
        size_t n = 0, k = 0;
        void *it = NULL;
        for (struct fy_node *c; (c = fy_node_sequence_iterate(comps, &it)) && !W->fatal; k++) {
            size_t len = 0;
            const char *text = fy_node_is_scalar(c) && !fy_node_is_alias(c) && !is_null(c)
                                   ? scalar_text(W, c, &len)
                                   : NULL;
            if (!text || !len || memchr(text, '\0', len))
                continue; /* reported by the walk */
            const char *ref = adup(W, text, len);
            if (!ref || resolve(&r, m, i, ref, &n))
                continue;
            snprintf(W->path, sizeof W->path, "vulnerabilities[%zu].components[%zu]", i, k);
            W->plen = strlen(W->path);
            component_unknown(W, &r, ref, c);
            path_pop(W, 0);
        }
        const char **items = n ? medsec_arena_alloc(&m->arena, n * sizeof *items) : NULL;
        if (n && !items) {
            W->fatal = MEDSEC_ENOMEM;
            break;
        }
        if (n)
            memcpy(items, r.found, n * sizeof *items);
        vu->items.v = items;
        vu->items.n = n;
    }
out_release:
    resolver_release(&r);
}

/* ---- entry points ---- */

static void limits_resolve(struct medsec_model_limits *out, const struct medsec_model_limits *in)
{
    struct medsec_model_limits z = {0, 0, 0, 0, 0, 0};
    if (!in)
        in = &z;
    out->max_bytes = in->max_bytes ? in->max_bytes : DEFAULT_MAX_BYTES;
    out->max_depth = in->max_depth ? in->max_depth : DEFAULT_MAX_DEPTH;
    out->max_entries = in->max_entries ? in->max_entries : DEFAULT_MAX_ENTRIES;
    out->max_nodes = in->max_nodes ? in->max_nodes : DEFAULT_MAX_NODES;
    out->max_string = in->max_string ? in->max_string : DEFAULT_MAX_STRING;
    out->max_sbom_bytes = in->max_sbom_bytes ? in->max_sbom_bytes : DEFAULT_MAX_SBOM_BYTES;
}

static void walker_release(struct walker *W)
{
    medsec_arena_release(&W->scratch);
    for (size_t i = 0; i < W->nrefs; i++)
        medsec_free(W->refs[i].path);
    medsec_free(W->refs);
    medsec_free(W->ids);
    for (size_t i = 0; i < W->nsboms; i++)
        medsec_sbom_free(W->sboms[i].sbom);
    medsec_free(W->sboms);
}

/* Hand the loaded SBOMs to the model. */
static void keep_sboms(struct walker *W)
{
    size_t n = 0;
    for (size_t i = 0; i < W->nsboms; i++)
        n += W->sboms[i].sbom != NULL;
    if (!n)
        return;
    struct medsec_model_sbom *v = medsec_arena_alloc(&W->m->arena, n * sizeof *v);
    if (!v) {
        W->fatal = MEDSEC_ENOMEM;
        return;
    }
    size_t k = 0;
    for (size_t i = 0; i < W->nsboms; i++)
        if (W->sboms[i].sbom) {
            v[k].path = W->sboms[i].path;
            v[k++].sbom = W->sboms[i].sbom;
            W->sboms[i].sbom = NULL;
        }
    W->m->sboms = v;
    W->m->nsboms = k;
}

static void parse_doc(struct walker *W, const char *text, size_t len)
{
    struct medsec_yaml_failure why;
    struct fy_document *doc = medsec_yaml_parse(text, len, &why);
    switch (doc ? MEDSEC_YAML_FINE : why.problem) {
    case MEDSEC_YAML_FINE: break;
    case MEDSEC_YAML_NOMEM: W->fatal = MEDSEC_ENOMEM; return;
    case MEDSEC_YAML_EMPTY:
        error_at(W, 0, 0, "the file holds no YAML document; it starts with 'medsec: 1'");
        return;
    default: {
        char msg[320];
        W->yaml_error = 1;
        error_at(W, why.line, why.column, "%s", medsec_yaml_failure_text(&why, msg, sizeof msg));
        return;
    }
    }
    struct fy_node *root = fy_document_root(doc);
    if (!root) {
        error_at(W, 0, 0, "the file holds no YAML document; it starts with 'medsec: 1'");
        goto out_free_doc;
    }
    if (check_caps(W, root, 1)) {
        W->cap_error = 1;
        goto out_free_doc;
    }
    walk_map(W, &medsec_model_root_shape, root, W->m);
    if (W->fatal)
        goto out_free_doc;
    check_ids(W);
    check_refs(W);
    if (!W->fatal)
        check_model(W);
    if (!W->fatal)
        check_vulnerabilities(W, root);
out_free_doc:
    fy_document_destroy(doc);
}

medsec_err medsec_model_parse(const char *text, size_t len, const char *filename, const char *dir,
                              const struct medsec_model_limits *lim, struct medsec_model **out,
                              struct medsec_diags *diags, struct medsec_error *err)
{
    struct medsec_diags local = MEDSEC_DIAGS_INIT;
    struct walker W;
    memset(&W, 0, sizeof W);
    W.d = diags ? diags : &local;
    W.file = filename ? filename : "device.yaml";
    W.dir = dir;
    limits_resolve(&W.lim, lim);
    *out = NULL;
    medsec_error_clear(err);
    size_t errors_before = W.d->errors;
    medsec_err rc = MEDSEC_OK;

    struct medsec_model *m = medsec_calloc(1, sizeof *m);
    if (!m) {
        rc = medsec_error_set(err, MEDSEC_ENOMEM, W.file, 0, 0, "out of memory");
        goto out_release_local;
    }
    W.m = m;
    m->file = medsec_arena_strdup(&m->arena, W.file);
    m->dir = dir ? medsec_arena_strdup(&m->arena, dir) : NULL;
    if (!m->file || (dir && !m->dir)) {
        W.fatal = MEDSEC_ENOMEM;
    } else if (len > W.lim.max_bytes) {
        W.cap_error = 1;
        error_at(&W, 0, 0, "the file is %zu bytes, more than %zu (the limit)", len,
                 W.lim.max_bytes);
    } else {
        W.text = text;
        W.len = len;
        parse_doc(&W, text, len);
    }
    if (!W.fatal)
        keep_sboms(&W);
    if (W.fatal) {
        rc = medsec_error_set(err, W.fatal, W.file, 0, 0, "%s", medsec_strerror(W.fatal));
        goto out_free_model;
    }
    size_t nerr = W.d->errors - errors_before;
    if (nerr) {
        rc = W.yaml_error ? MEDSEC_EPARSE : W.cap_error ? MEDSEC_ETOOBIG : MEDSEC_EINVAL;
        medsec_error_set(err, rc, W.file, 0, 0, "%zu error%s", nerr, nerr == 1 ? "" : "s");
        goto out_free_model;
    }
    medsec_diags_sort(W.d);
    *out = m;
    m = NULL;
    goto out_release_walker;
out_free_model:
    medsec_diags_sort(W.d);
    medsec_model_free(m);
out_release_walker:
    walker_release(&W);
out_release_local:
    medsec_diags_release(&local);
    return rc;
}

medsec_err medsec_model_load(const char *dir, const struct medsec_model_limits *lim,
                             struct medsec_model **out, struct medsec_diags *diags,
                             struct medsec_error *err)
{
    struct medsec_model_limits L;
    limits_resolve(&L, lim);
    *out = NULL;
    medsec_error_clear(err);
    char *path = medsec_path_join(dir, "device.yaml");
    if (!path)
        return medsec_error_set(err, MEDSEC_ENOMEM, dir, 0, 0, "out of memory");
    char *text = NULL;
    size_t len = 0;
    medsec_err rc = medsec_file_read(path, L.max_bytes, &text, &len, err);
    if (rc == MEDSEC_ETOOBIG) {
        if (diags &&
            medsec_diags_add(diags, MEDSEC_SEV_ERROR, path, 0, 0, NULL,
                             "the file is larger than %zu bytes (the limit)", L.max_bytes)) {
            rc = medsec_error_set(err, MEDSEC_ENOMEM, path, 0, 0, "out of memory");
            goto out_free_path;
        }
        medsec_error_set(err, rc, path, 0, 0, "1 error");
        goto out_free_path;
    }
    if (rc)
        goto out_free_path;
    rc = medsec_model_parse(text, len, path, dir, lim, out, diags, err);
    medsec_free(text);
out_free_path:
    medsec_free(path);
    return rc;
}

void medsec_model_free(struct medsec_model *m)
{
    if (!m)
        return;
    for (size_t i = 0; i < m->nsboms; i++)
        medsec_sbom_free(m->sboms[i].sbom);
    medsec_arena_release(&m->arena);
    medsec_free(m);
}
