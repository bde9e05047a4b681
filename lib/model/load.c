/* load.c: the loader's entry points: medsec_model_load reads DIR/device.yaml, medsec_model_parse
 * takes the text; the limits, the YAML front (parse, caps) and the order of the passes over the
 * document (the walk, ids, references, the checks across sections, the items vulnerabilities
 * affect). The passes themselves are in the files load_int.h lists. */
#include <string.h>

#include "load_int.h"
#include "medsec/file.h"
#include "yamlsrc.h"

#define DEFAULT_MAX_BYTES ((size_t)4 << 20)
#define DEFAULT_MAX_DEPTH 32
#define DEFAULT_MAX_ENTRIES 10000
#define DEFAULT_MAX_NODES 500000
#define DEFAULT_MAX_STRING 65536
#define DEFAULT_MAX_SBOM_BYTES ((size_t)64 << 20)

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

/* The caps on the whole document (nodes, nesting, list entries, value length), in one pass before
 * anything else. */
static int check_caps(struct walker *W, struct fy_node *n, size_t depth)
{
    if (!n)
        return 0;
    if (++W->nodes > W->lim.max_nodes) {
        load_error_node(W, n, "the document has more than %zu YAML nodes (the limit)",
                        W->lim.max_nodes);
        return -1;
    }
    if (depth > W->lim.max_depth) {
        load_error_node(W, n, "nesting is deeper than %zu levels (the limit)", W->lim.max_depth);
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
            load_error_node(W, n, "a list has %d entries, more than %zu (the limit)",
                            fy_node_sequence_item_count(n), W->lim.max_entries);
            return -1;
        }
        for (struct fy_node *c; (c = fy_node_sequence_iterate(n, &it));)
            if (check_caps(W, c, depth + 1))
                return -1;
    } else if (fy_node_is_scalar(n)) {
        size_t len = 0;
        load_text(W, n, &len);
        if (len > W->lim.max_string) {
            load_error_node(W, n, "a value is %zu bytes long, more than %zu (the limit)", len,
                            W->lim.max_string);
            return -1;
        }
    }
    return 0;
}

/* Parse the text, check the caps, then the passes in order: the walk builds the model and records
 * ids, references and SBOMs; then duplicate ids, references, the checks across sections and the
 * items each vulnerability affects. */
static void parse_doc(struct walker *W, const char *text, size_t len)
{
    struct medsec_yaml_failure why;
    struct fy_document *doc = medsec_yaml_parse(text, len, &why);
    switch (doc ? MEDSEC_YAML_FINE : why.problem) {
    case MEDSEC_YAML_FINE: break;
    case MEDSEC_YAML_NOMEM: W->fatal = MEDSEC_ENOMEM; return;
    case MEDSEC_YAML_EMPTY:
        load_error_at(W, 0, 0, "the file holds no YAML document; it starts with 'medsec: 1'");
        return;
    default: {
        char msg[320];
        W->yaml_error = 1;
        load_error_at(W, why.line, why.column, "%s",
                      medsec_yaml_failure_text(&why, msg, sizeof msg));
        return;
    }
    }
    struct fy_node *root = fy_document_root(doc);
    if (!root) {
        load_error_at(W, 0, 0, "the file holds no YAML document; it starts with 'medsec: 1'");
        goto out_free_doc;
    }
    if (check_caps(W, root, 1)) {
        W->cap_error = 1;
        goto out_free_doc;
    }
    load_walk(W, root);
    if (W->fatal)
        goto out_free_doc;
    load_check_ids(W);
    load_check_refs(W);
    if (!W->fatal)
        load_check_model(W);
    if (!W->fatal)
        load_check_method(W);
    if (!W->fatal)
        load_vulnerability_items(W, root);
out_free_doc:
    fy_document_destroy(doc);
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
        load_error_at(&W, 0, 0, "the file is %zu bytes, more than %zu (the limit)", len,
                      W.lim.max_bytes);
    } else {
        W.text = text;
        W.len = len;
        parse_doc(&W, text, len);
    }
    if (!W.fatal)
        load_keep_sboms(&W);
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
