/* links.c: safety <-> security links of a register: for each hazard of the security file, the risks
 * that can cause it and its safety controls that lower security risks (MDCG 2019-16 3.2). */
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/model.h"
#include "medsec/risk.h"

static bool names(const struct medsec_risk_item *it, const char *hazard)
{
    for (size_t k = 0; k < it->spec.nsafety_hazards; k++)
        if (strcmp(it->spec.safety_hazards[k], hazard) == 0)
            return true;
    return false;
}

medsec_err medsec_risk_links_build(struct medsec_risk_links *out,
                                   const struct medsec_risk_register *r,
                                   const struct medsec_model *m, struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    if (!m->nhazards)
        return MEDSEC_OK;
    out->v = medsec_arena_alloc(&out->arena, m->nhazards * sizeof *out->v);
    if (!out->v)
        goto out_nomem;
    for (size_t h = 0; h < m->nhazards; h++) {
        struct medsec_risk_hazard_links *l = &out->v[h];
        const char *id = m->hazards[h].id;
        memset(l, 0, sizeof *l);
        l->id = id;
        l->name = m->hazards[h].title ? m->hazards[h].title : "";
        size_t nr = 0, nc = 0;
        for (size_t i = 0; i < r->n; i++) {
            nr += names(&r->items[i], id);
            for (size_t k = 0; k < r->items[i].spec.ncontrols; k++) {
                const char *sh = r->items[i].spec.controls[k].safety_hazard;
                nc += sh && strcmp(sh, id) == 0;
            }
        }
        if (nr && !(l->risks = medsec_arena_alloc(&out->arena, nr * sizeof *l->risks)))
            goto out_nomem;
        if (nc && !(l->controls = medsec_arena_alloc(&out->arena, nc * sizeof *l->controls)))
            goto out_nomem;
        for (size_t i = 0; i < r->n; i++) {
            const struct medsec_risk_item *it = &r->items[i];
            if (names(it, id))
                l->risks[l->nrisks++] = it->spec.id;
            for (size_t k = 0; k < it->spec.ncontrols; k++) {
                const struct medsec_risk_control *c = &it->spec.controls[k];
                if (c->safety_hazard && strcmp(c->safety_hazard, id) == 0)
                    l->controls[l->ncontrols++] =
                        (struct medsec_risk_hazard_control){c->id, it->spec.id};
            }
        }
        out->n++;
    }
    return MEDSEC_OK;
out_nomem:
    medsec_risk_links_release(out);
    return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
}

void medsec_risk_links_release(struct medsec_risk_links *l)
{
    medsec_arena_release(&l->arena);
    memset(l, 0, sizeof *l);
}
