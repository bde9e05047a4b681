/* files.c: the files device.yaml names, relative to the device folder: that each path is relative
 * and exists, the SBOMs (each loaded once, its components checked, kept in the model) and the MITRE
 * rubric answers. Without a folder (a file parsed from memory) no file is opened. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "load_int.h"
#include "medsec/cvss.h"
#include "medsec/file.h"

int load_has_file(struct walker *W, const char *rel)
{
    if (!W->dir)
        return 0;
    char *p = medsec_path_join(W->dir, rel);
    if (!p) {
        W->fatal = MEDSEC_ENOMEM;
        return 1;
    }
    struct stat st;
    int ok = stat(p, &st) == 0 && S_ISREG(st.st_mode);
    medsec_free(p);
    return ok;
}

int load_check_path(struct walker *W, const char *key, const char *rel, struct fy_node *at)
{
    if (rel[0] == '/') {
        load_error_node(W, at, "'%s' must be a path relative to the device folder, not '%s'", key,
                        rel);
        return 0;
    }
    if (!W->dir)
        return 1;
    if (!load_has_file(W, rel)) {
        load_error_node(W, at, "'%s': file '%s' not found in %s", key, rel, W->dir);
        return 0;
    }
    return 1;
}

/* Report why the file @rel (a @what: "SBOM", "rubric") failed to load with @rc and @e: memory runs
 * out for the whole load; anything else is an error at @at, with the position inside the file. */
static void file_failed(struct walker *W, struct fy_node *at, const char *what, const char *rel,
                        medsec_err rc, const struct medsec_error *e)
{
    if (rc == MEDSEC_ENOMEM) {
        W->fatal = rc;
    } else if (rc) {
        char where[64] = "";
        if (e->line)
            snprintf(where, sizeof where, " (line %u, column %u)", e->line, e->column);
        load_error_node(W, at, "%s '%s' cannot be used: %s%s", what, rel,
                        e->msg[0] ? e->msg : medsec_strerror(rc), where);
    }
}

struct sbomrec *load_sbom_get(struct walker *W, const char *rel, struct fy_node *at)
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
    file_failed(W, at, "SBOM", rel, rc, &e);
    medsec_free(p);
    return r;
}

const struct medsec_sbom *load_sbom_loaded(const struct walker *W, const char *rel)
{
    for (size_t i = 0; rel && i < W->nsboms; i++)
        if (strcmp(W->sboms[i].path, rel) == 0)
            return W->sboms[i].sbom;
    return NULL;
}

void load_check_components(struct walker *W, const char *rel, struct fy_node *sbom_node,
                           struct fy_node *comp_node, const char *const *refs, size_t n)
{
    if (!rel || !load_has_file(W, rel))
        return;
    struct sbomrec *r = load_sbom_get(W, rel, sbom_node);
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
            load_error_node(W, at, "component '%s' is not in SBOM '%s'; did you mean '%s'?",
                            refs[i], rel, best);
        else
            load_error_node(W, at, "component '%s' is not in SBOM '%s'", refs[i], rel);
        medsec_free(cands);
    }
}

/* @rel has been checked to be a relative path by the walk; a missing file is reported there. */
const struct medsec_cvss_rubric *load_rubric(struct walker *W, const char *rel, struct fy_node *at)
{
    if (rel[0] == '/' || !load_has_file(W, rel))
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
    if (rc == MEDSEC_ETOOBIG && !e.msg[0])
        load_error_node(W, at, "rubric '%s' cannot be used: larger than %d bytes", rel,
                        MEDSEC_CVSS_RUBRIC_MAX_BYTES);
    else
        file_failed(W, at, "rubric", rel, rc, &e);
    medsec_free(text);
    medsec_free(path);
    return rc ? NULL : rb;
}

void load_keep_sboms(struct walker *W)
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
