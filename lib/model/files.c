/* files.c: the files device.yaml names, relative to the device folder: that each path is relative,
 * stays inside the folder and names a regular file, the SBOMs (each loaded once, its components
 * checked, kept in the model) and the MITRE rubric answers. A path that leads out of the folder
 * (through "..", a symbolic link or as an absolute path) is refused and never opened. Without a
 * folder (a file parsed from memory) no file is opened. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "load_int.h"
#include "medsec/cvss.h"
#include "medsec/file.h"

/* What @rel names in the device folder. */
enum where {
    AT_FILE,     /* a regular file inside the folder */
    AT_MISSING,  /* nothing */
    AT_ABSOLUTE, /* an absolute path: never looked at */
    AT_OUTSIDE,  /* it resolves outside the folder */
    AT_NOT_FILE, /* a folder, a FIFO, a device: *what says which */
    AT_BROKEN    /* it cannot be resolved (a loop of links): *what says why */
};

/* Resolve @rel inside the device folder without opening anything (medsec_path_resolve_in) and say
 * what is there. Out of memory: W->fatal, and AT_MISSING. */
static enum where locate(struct walker *W, const char *rel, char *what, size_t cap)
{
    what[0] = '\0';
    if (rel[0] == '/')
        return AT_ABSOLUTE;
    char *real = NULL;
    struct medsec_error e;
    medsec_err rc = medsec_path_resolve_in(W->dir, rel, &real, &e);
    if (rc == MEDSEC_ENOMEM)
        W->fatal = rc;
    if (rc == MEDSEC_EINVAL)
        return AT_OUTSIDE;
    if (rc == MEDSEC_EIO) {
        snprintf(what, cap, "%s", e.msg);
        return AT_BROKEN;
    }
    if (rc)
        return AT_MISSING;
    struct stat st;
    enum where w = AT_MISSING;
    if (stat(real, &st) == 0) {
        w = S_ISREG(st.st_mode) ? AT_FILE : AT_NOT_FILE;
        snprintf(what, cap, "%s", medsec_file_kind((unsigned)st.st_mode));
    }
    medsec_free(real);
    return w;
}

int load_has_file(struct walker *W, const char *rel)
{
    if (!W->dir)
        return 0;
    char what[sizeof((struct medsec_error *)0)->msg];
    enum where w = locate(W, rel, what, sizeof what);
    return w == AT_FILE || W->fatal;
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
    char what[sizeof((struct medsec_error *)0)->msg];
    switch (locate(W, rel, what, sizeof what)) {
    case AT_FILE: return 1;
    case AT_MISSING:
        if (!W->fatal)
            load_error_node(W, at, "'%s': file '%s' not found in %s", key, rel, W->dir);
        return W->fatal != 0;
    case AT_ABSOLUTE: /* reported above */
    case AT_OUTSIDE:
        load_error_node(W, at, "'%s': '%s' leads outside the device folder %s", key, rel, W->dir);
        return 0;
    case AT_NOT_FILE:
        load_error_node(W, at, "'%s': '%s' is %s, not a regular file", key, rel, what);
        return 0;
    case AT_BROKEN: load_error_node(W, at, "'%s': '%s' cannot be resolved: %s", key, rel, what);
    }
    return 0;
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
    /* read where it resolves inside the folder; messages name it as the file does */
    char *p = medsec_path_join(W->dir, rel), *text = NULL;
    size_t len = 0;
    struct medsec_sbom_limits sl = {W->lim.max_sbom_bytes, 0};
    struct medsec_error e;
    medsec_error_clear(&e);
    medsec_err rc =
        p ? medsec_file_read_in(W->dir, rel, sl.max_bytes, &text, &len, &e) : MEDSEC_ENOMEM;
    if (!rc)
        rc = medsec_sbom_parse(text, len, p, &sl, &r->sbom, W->d, &e);
    file_failed(W, at, "SBOM", rel, rc, &e);
    medsec_free(text);
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

/* @rel has been checked by the walk (load_check_path); a path it refused is reported there. */
const struct medsec_cvss_rubric *load_rubric(struct walker *W, const char *rel, struct fy_node *at)
{
    if (!load_has_file(W, rel) || W->fatal)
        return NULL;
    struct medsec_cvss_rubric *rb = medsec_arena_alloc(&W->m->arena, sizeof *rb);
    char *text = NULL;
    size_t len = 0;
    struct medsec_error e;
    medsec_error_clear(&e);
    medsec_err rc =
        rb ? medsec_file_read_in(W->dir, rel, MEDSEC_CVSS_RUBRIC_MAX_BYTES, &text, &len, &e)
           : MEDSEC_ENOMEM;
    if (!rc)
        rc = medsec_cvss_rubric_parse(text, len, rel, rb, &e);
    if (rc == MEDSEC_ETOOBIG && !e.msg[0])
        load_error_node(W, at, "rubric '%s' cannot be used: larger than %d bytes", rel,
                        MEDSEC_CVSS_RUBRIC_MAX_BYTES);
    else
        file_failed(W, at, "rubric", rel, rc, &e);
    medsec_free(text);
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
