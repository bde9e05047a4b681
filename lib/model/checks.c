/* checks.c: the checks no single key can make: across the keys of one mapping, run as the walk
 * finishes each (dates in order, an SBOM listed twice, components without their SBOM, a flow to
 * itself, vulnerability id formats), and across sections once the model is built (the risk matrix
 * against the harm scale and the exploitability levels). */
#include <string.h>

#include "load_int.h"

static void check_version(struct walker *W, struct fy_node *map, void *obj)
{
    struct medsec_model_version *v = obj;
    if (v->release_date && v->end_of_support && strcmp(v->end_of_support, v->release_date) < 0)
        load_error_node(W, load_child(W, map, "end_of_support"),
                        "end_of_support %s is before release_date %s of version %s",
                        v->end_of_support, v->release_date, v->version ? v->version : "?");
    struct fy_node *list = v->sboms.n ? load_child(W, map, "sboms") : NULL;
    bool whole = list && (size_t)fy_node_sequence_item_count(list) == v->sboms.n;
    for (size_t i = 0; list && i < v->sboms.n; i++) {
        struct fy_node *at = whole ? fy_node_sequence_get_by_index(list, (int)i) : list;
        for (size_t j = 0; j < i; j++)
            if (strcmp(v->sboms.v[j], v->sboms.v[i]) == 0)
                load_error_node(W, at, "SBOM '%s' is listed twice for version %s", v->sboms.v[i],
                                v->version ? v->version : "?");
        if (load_has_file(W, v->sboms.v[i]))
            (void)load_sbom_get(W, v->sboms.v[i], at);
    }
}

static void check_item(struct walker *W, struct fy_node *map, void *obj)
{
    struct medsec_model_item *it = obj;
    if (it->components.n && !it->sbom && !load_child(W, map, "sbom"))
        load_error_node(W, load_child(W, map, "components"),
                        "'components' needs 'sbom', the file they are in");
    else if (it->components.n && it->sbom)
        load_check_components(W, it->sbom, load_child(W, map, "sbom"),
                              load_child(W, map, "components"), it->components.v, it->components.n);
    else if (it->sbom && load_has_file(W, it->sbom))
        (void)load_sbom_get(W, it->sbom, load_child(W, map, "sbom"));
}

static void check_component_support(struct walker *W, struct fy_node *map, void *obj)
{
    struct medsec_model_component_support *c = obj;
    if (c->sbom && c->component)
        load_check_components(W, c->sbom, load_child(W, map, "sbom"),
                              load_child(W, map, "component"), &c->component, 1);
}

static void check_flow(struct walker *W, struct fy_node *map, void *obj)
{
    struct medsec_model_flow *f = obj;
    if (f->from && f->to && strcmp(f->from, f->to) == 0)
        load_error_node(W, load_child(W, map, "to"), "flow '%s' goes from '%s' to itself",
                        f->id ? f->id : "?", f->from);
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

static void check_vulnerability(struct walker *W, struct fy_node *map, void *obj)
{
    struct medsec_model_vulnerability *vu = obj;
    const char *want = vu->id ? vuln_id_problem(vu->id) : NULL;
    if (want)
        load_error_node(W, load_child(W, map, "id"), "vulnerability id '%s' is not %s", vu->id,
                        want);
}

/* The shapes (by their $defs name in schema.c) that have checks of their own. */
static const struct {
    const char *def;
    void (*check)(struct walker *W, struct fy_node *map, void *obj);
} shape_checks[] = {
    {"version", check_version},
    {"item", check_item},
    {"componentSupport", check_component_support},
    {"flow", check_flow},
    {"vulnerability", check_vulnerability},
};

void load_check_shape(struct walker *W, const struct mshape *s, struct fy_node *map, void *obj)
{
    for (size_t i = 0; i < sizeof shape_checks / sizeof *shape_checks; i++)
        if (strcmp(s->def, shape_checks[i].def) == 0) {
            shape_checks[i].check(W, map, obj);
            return;
        }
}

void load_check_model(struct walker *W)
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
            load_error_at(W, row->pos.line, row->pos.column,
                          "matrix row '%s' has %zu cells; the harm scale has %zu levels",
                          row->exploitability ? row->exploitability : "?", row->cells.n,
                          m->clinical.nharm_scale);
        for (size_t q = 0; q < r; q++)
            if (row->exploitability && rm->rows[q].exploitability &&
                strcmp(row->exploitability, rm->rows[q].exploitability) == 0)
                load_error_at(W, row->pos.line, row->pos.column,
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
            load_error_at(W, rm->pos.line, rm->pos.column,
                          "the risk matrix has no row for exploitability '%s'", id);
    }
}
