/* walk.c: the walk of device.yaml driven by the table in schema.c: each mapping is checked against
 * its shape (unknown and missing keys) and each value against its field's type, while the model is
 * built from them; ids, references and files are recorded for the passes after the walk. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_int.h"
#include "yamlsrc.h"

static void walk_map(struct walker *W, const struct mshape *s, struct fy_node *map, void *obj);

/* The text of a scalar value of field @f (a copy in the model arena), or NULL when it is not one: a
 * @what, not empty, no NUL. */
static const char *value_str(struct walker *W, const struct mfield *f, struct fy_node *v,
                             const char *what)
{
    if (!v || !fy_node_is_scalar(v) || fy_node_is_alias(v) || load_is_null(v)) {
        load_error_node(W, v, "'%s' must be %s, not %s", f->key, what, load_what_is(v));
        return NULL;
    }
    size_t len;
    const char *s = load_text(W, v, &len);
    if (len == 0) {
        load_error_node(W, v, "'%s' must not be empty", f->key);
        return NULL;
    }
    if (memchr(s, '\0', len)) {
        load_error_node(W, v, "'%s' must not contain a NUL character", f->key);
        return NULL;
    }
    return load_dup(W, s, len);
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
        load_error_node(W, v, "'%s' must be one of %s, not '%s'; did you mean '%s'?", f->key, list,
                        s, best);
    else
        load_error_node(W, v, "'%s' must be one of %s, not '%s'", f->key, list, s);
    return NULL;
}

/* One scalar of type @t (a field, or an entry of a list field) of a mapping of shape @s: its text,
 * or NULL when it is not valid. */
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
            load_error_node(W, v, "'%s' is not a valid date (YYYY-MM-DD): '%s'", f->key, str);
            return NULL;
        }
        return str;
    }
    case F_ID:
        str = value_str(W, f, v, "a string");
        if (str && s->kind >= 0)
            load_add_id(W, str, (enum medsec_model_kind)s->kind, v);
        return str;
    case F_REF:
        str = value_str(W, f, v, "an id");
        if (str)
            load_add_ref(W, str, f->key, f->mask, v);
        return str;
    case F_PATH:
    case F_SBOM:
    case F_RUBRIC:
        str = value_str(W, f, v, "a file path");
        if (str)
            (void)load_check_path(W, f->key, str,
                                  v); /* kept when it fails: the error is reported */
        return str;
    default: return value_str(W, f, v, "a string");
    }
}

/*
 * The entries of the list field @f at @v, one by one: each goes to @one with its index in the
 * document path, which stores what it makes of it at the slot it is given and returns whether it
 * kept one. The array (@size bytes per entry, zeroed, in the model arena) and the number kept end
 * in *@arr and *@nkept; they are left alone when the list is empty or not a list.
 */
static void walk_list(struct walker *W, const struct mfield *f, struct fy_node *v, size_t size,
                      bool (*one)(struct walker *W, const struct mfield *f, struct fy_node *c,
                                  void *slot, void *ud),
                      void *ud, void **arr, size_t *nkept)
{
    if (!v || !fy_node_is_sequence(v)) {
        if (f->type == F_LIST)
            load_error_node(W, v, "'%s' must be a list of %ss, not %s", f->key, f->sub->name,
                            load_what_is(v));
        else
            load_error_node(W, v, "'%s' must be a list, not %s", f->key, load_what_is(v));
        return;
    }
    size_t n = (size_t)fy_node_sequence_item_count(v);
    if (n < (size_t)f->min)
        load_error_node(W, v, "'%s' needs at least %ld entr%s", f->key, f->min,
                        f->min == 1 ? "y" : "ies");
    if (n == 0)
        return;
    char *a = medsec_arena_alloc(&W->m->arena, n * size);
    if (!a) {
        W->fatal = MEDSEC_ENOMEM;
        return;
    }
    memset(a, 0, n * size);
    size_t k = 0, i = 0;
    void *it = NULL;
    for (struct fy_node *c; (c = fy_node_sequence_iterate(v, &it)) && i < n && !W->fatal; i++) {
        size_t old = load_path_push_index(W, i);
        k += one(W, f, c, a + k * size, ud);
        load_path_pop(W, old);
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

/* A list of scalars (F_STRS, F_ENUMS, F_REFS, F_PATHS, F_SBOMS), each checked as its single type.
 */
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

/* A word of the field's vocabulary stored as its enum value (an int) at @slot (F_CODE, and each
 * entry of F_CODES). */
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

/* A mapping of the field's shape at @slot (each entry of F_LIST). */
static bool one_map(struct walker *W, const struct mfield *f, struct fy_node *c, void *slot,
                    void *ud)
{
    (void)ud;
    walk_map(W, f->sub, c, slot);
    return true;
}

/* A list of mappings of one shape (F_LIST): the array at `off`, its length at `noff`. */
static void walk_maplist(struct walker *W, const struct mfield *f, struct fy_node *v, char *obj)
{
    void *arr = NULL;
    size_t n = 0;
    walk_list(W, f, v, f->sub->size, one_map, NULL, &arr, &n);
    if (!arr)
        return;
    memcpy(obj + f->off, &arr, sizeof arr);
    memcpy(obj + f->noff, &n, sizeof n);
}

/* A decimal integer in [min, max] (F_INT), stored as a long. */
static void walk_int(struct walker *W, const struct mfield *f, struct fy_node *v, char *obj)
{
    if (!v || !fy_node_is_scalar(v) || fy_node_is_alias(v) || load_is_null(v) ||
        fy_node_get_style(v) != FYNS_PLAIN) {
        load_error_node(W, v, "'%s' must be an integer, not %s", f->key, load_what_is(v));
        return;
    }
    size_t len;
    const char *txt = load_text(W, v, &len);
    char tmp[32];
    char *end = NULL;
    if (len == 0 || len >= sizeof tmp) {
        load_error_node(W, v, "'%s' must be an integer from %ld to %ld", f->key, f->min, f->max);
        return;
    }
    memcpy(tmp, txt, len);
    tmp[len] = '\0';
    errno = 0;
    long val = strtol(tmp, &end, 10);
    if (errno || *end || val < f->min || val > f->max) {
        if (f->min == f->max)
            load_error_node(W, v, "'%s' must be %ld, not '%s'", f->key, f->min, tmp);
        else
            load_error_node(W, v, "'%s' must be an integer from %ld to %ld, not '%s'", f->key,
                            f->min, f->max, tmp);
        return;
    }
    memcpy(obj + f->off, &val, sizeof val);
}

/* true or false in any of YAML 1.2's three spellings (F_BOOL), stored as an int. */
static void walk_bool(struct walker *W, const struct mfield *f, struct fy_node *v, char *obj)
{
    size_t len = 0;
    const char *txt = load_scalar(W, v, &len);
    int b = -1;
    if (txt && fy_node_get_style(v) == FYNS_PLAIN) {
        if (len == 4 &&
            (!memcmp(txt, "true", 4) || !memcmp(txt, "True", 4) || !memcmp(txt, "TRUE", 4)))
            b = 1;
        else if (len == 5 &&
                 (!memcmp(txt, "false", 5) || !memcmp(txt, "False", 5) || !memcmp(txt, "FALSE", 5)))
            b = 0;
    }
    if (b < 0) {
        if (txt && !load_is_null(v))
            load_error_node(W, v, "'%s' must be true or false, not '%.*s'", f->key,
                            (int)(len > 60 ? 60 : len), txt);
        else
            load_error_node(W, v, "'%s' must be true or false, not %s", f->key, load_what_is(v));
        return;
    }
    memcpy(obj + f->off, &b, sizeof b);
}

/* The value @v of field @f of a mapping of shape @s, into the mapping's struct @obj. */
static void walk_field(struct walker *W, const struct mshape *s, const struct mfield *f,
                       struct fy_node *v, char *obj)
{
    switch (f->type) {
    case F_INT: walk_int(W, f, v, obj); return;
    case F_BOOL: walk_bool(W, f, v, obj); return;
    case F_STRS:
    case F_ENUMS:
    case F_REFS:
    case F_PATHS:
    case F_SBOMS: walk_strlist(W, s, f, v, (struct medsec_strlist *)(void *)(obj + f->off)); return;
    case F_CODE: (void)one_code(W, f, v, obj + f->off, NULL); return;
    case F_CODES: walk_codelist(W, f, v, (struct medsec_codelist *)(void *)(obj + f->off)); return;
    case F_OBJ: walk_map(W, f->sub, v, obj + f->off); return;
    case F_LIST: walk_maplist(W, f, v, obj); return;
    case F_RUBRIC: {
        const char *str = walk_scalar(W, s, f, f->type, v);
        const struct medsec_cvss_rubric *rb = str ? load_rubric(W, str, v) : NULL;
        memcpy(obj + f->off, &str, sizeof str);
        memcpy(obj + f->noff, &rb, sizeof rb);
        return;
    }
    default: {
        const char *str = walk_scalar(W, s, f, f->type, v);
        memcpy(obj + f->off, &str, sizeof str);
        return;
    }
    }
}

/* One `key: value` of a mapping of shape @s: find the field, walk the value into @obj. */
static void walk_pair(struct walker *W, const struct mshape *s, struct fy_node *k,
                      struct fy_node *v, char *obj, unsigned char *seen)
{
    W->key = v; /* an empty key has no position of its own: report it at its value */
    size_t klen;
    const char *key = load_scalar(W, k, &klen);
    if (!key) {
        load_error_node(W, k ? k : v, "keys must be plain words, not %s", load_what_is(k));
        return;
    }
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
            load_error_node(W, k, "unknown key '%s' in %s; did you mean '%s'?", kb, s->name, best);
        else
            load_error_node(W, k, "unknown key '%s' in %s", kb, s->name);
        return;
    }
    seen[fi] = 1;
    size_t old = load_path_push_key(W, s->fields[fi].key);
    W->key = k;
    walk_field(W, s, &s->fields[fi], v, obj);
    load_path_pop(W, old);
}

/* A mapping of shape @s into its struct @obj: defaults, each pair, the required keys, then the
 * checks across its keys. */
static void walk_map(struct walker *W, const struct mshape *s, struct fy_node *map, void *obj)
{
    if (!map || !fy_node_is_mapping(map)) {
        load_error_node(W, map, "a %s must be a mapping (key: value), not %s", s->name,
                        load_what_is(map));
        return;
    }
    char *o = obj;
    struct medsec_model_pos *pos = obj;
    medsec_yaml_pos(map, &pos->line, &pos->column);
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
            load_error_node(W, map, "%s '%s' is missing required key '%s'", s->name, id,
                            s->fields[i].key);
        else
            load_error_node(W, map, "%s is missing required key '%s'", s->name, s->fields[i].key);
    }
    if (!W->fatal)
        load_check_shape(W, s, map, obj);
}

void load_walk(struct walker *W, struct fy_node *root)
{
    walk_map(W, &medsec_model_root_shape, root, W->m);
}
