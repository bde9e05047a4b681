/* coverage.c: what a scan checked (medsec/scan.h, "coverage"): for each component the sources it
 * was compared with, or the one reason it was not checked; then the result's counts and its purl
 * ecosystems. "0 findings" must never pass for "not looked at". */
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "scan_int.h"

static const char *const status_names[MEDSEC_SCAN_COVER_NSTATUS] = {
    "checked", "no_advisory_data", "no_identifier", "unknown_purl_type", "path_disabled", "subject",
};

static const char *const status_texts[MEDSEC_SCAN_COVER_NSTATUS] = {
    "checked",
    "no advisory data for its ecosystem in this database",
    "no purl or CPE",
    "unknown purl type",
    "the paths that could check it were turned off (--paths)",
    "the SBOM's subject, with no purl or CPE",
};

const char *medsec_scan_cover_status_name(enum medsec_scan_cover_status s)
{
    return (unsigned)s < MEDSEC_SCAN_COVER_NSTATUS ? status_names[s] : "?";
}

const char *medsec_scan_cover_status_text(enum medsec_scan_cover_status s)
{
    return (unsigned)s < MEDSEC_SCAN_COVER_NSTATUS ? status_texts[s] : "?";
}

/* The bits of the sources that hold entries on @path (for @eco on the purl path). */
static unsigned sources_on(const struct medsec_db_coverage *c, enum medsec_scan_method m,
                           enum medsec_db_cover_path path, const char *eco)
{
    unsigned bits = 0;
    for (size_t i = 0; i < c->n; i++)
        if (c->items[i].path == path && (!eco || strcmp(c->items[i].ecosystem, eco) == 0))
            bits |= MEDSEC_SCAN_COVER_BIT(m, c->items[i].source);
    return bits;
}

void scan_cover_component(struct scan *S, size_t i, const struct medsec_purl *p)
{
    const struct medsec_sbom_component *c = &S->sbom->components[i];
    struct medsec_scan_cover *cv = &S->res->cover[i];
    /* a component's CPEs are all its own or all derived (derive.c): one path or the other */
    bool derived = S->nccpes && S->ccpes[0].evidence;
    enum medsec_scan_method cpe_path = derived ? MEDSEC_SCAN_BY_DERIVED_CPE : MEDSEC_SCAN_BY_CPE;
    bool purl_on = !(S->flags & MEDSEC_SCAN_NO_PURL),
         cpe_on = !(S->flags & (derived ? MEDSEC_SCAN_NO_DERIVED_CPE : MEDSEC_SCAN_NO_CPE));
    unsigned purl_bits = 0, cpe_bits = 0, found = 0;
    if (p) {
        char key[MEDSEC_DB_COVER_ECOSYSTEM_MAX];
        medsec_db_cover_key(p->type, p->ns, key, sizeof key);
        cv->ecosystem = scan_strdup(S, key);
        purl_bits = sources_on(S->dbcov, MEDSEC_SCAN_BY_PURL, MEDSEC_DB_COVER_PURL, key);
    }
    if (S->nccpes)
        cpe_bits = sources_on(S->dbcov, cpe_path, MEDSEC_DB_COVER_CPE, NULL);
    if (purl_on)
        cv->sources |= purl_bits;
    if (cpe_on)
        cv->sources |= cpe_bits;
    if (!(S->flags & MEDSEC_SCAN_NO_PRODUCT) && c->name)
        cv->sources |= sources_on(S->dbcov, MEDSEC_SCAN_BY_PRODUCT, MEDSEC_DB_COVER_PRODUCT, NULL);
    /* what found something: a product-name finding checks a component that has no identifier */
    for (size_t k = S->comp_first; k < S->res->nfindings; k++)
        for (size_t m = 0; m < S->res->findings[k].nmatches; m++)
            found |= 1u << S->res->findings[k].matches[m].method;
    if ((purl_on && purl_bits) || (cpe_on && cpe_bits) || found)
        cv->status = MEDSEC_SCAN_CHECKED;
    else if (!p && !S->nccpes)
        cv->status = c->is_subject ? MEDSEC_SCAN_COVER_SUBJECT : MEDSEC_SCAN_UNCHECKED_NO_ID;
    else if (p && purl_on && !medsec_purl_type_known(p->type))
        cv->status = MEDSEC_SCAN_UNCHECKED_UNKNOWN_TYPE;
    else if ((p && purl_on) || (S->nccpes && cpe_on))
        cv->status = MEDSEC_SCAN_UNCHECKED_NO_DATA;
    else
        cv->status = MEDSEC_SCAN_UNCHECKED_PATH_OFF;
}

static int eco_cmp(const void *a, const void *b)
{
    return strcmp(((const struct medsec_scan_ecosystem *)a)->name,
                  ((const struct medsec_scan_ecosystem *)b)->name);
}

void scan_cover_finish(struct scan *S)
{
    struct medsec_scan_result *R = S->res;
    size_t cap = 0;
    for (size_t i = 0; i < R->components; i++) {
        const struct medsec_scan_cover *cv = &R->cover[i];
        R->by_status[cv->status]++;
        R->checked += cv->status == MEDSEC_SCAN_CHECKED;
        R->unchecked +=
            cv->status != MEDSEC_SCAN_CHECKED && cv->status != MEDSEC_SCAN_COVER_SUBJECT;
        for (unsigned b = 0; b < MEDSEC_SCAN_COVER_NBITS; b++)
            R->by_source[b] += (cv->sources >> b) & 1u;
        if (!cv->ecosystem)
            continue;
        struct medsec_scan_ecosystem *e = NULL;
        for (size_t k = 0; k < R->necosystems && !e; k++)
            if (strcmp(R->ecosystems[k].name, cv->ecosystem) == 0)
                e = &R->ecosystems[k];
        if (!e) {
            if (MEDSEC_ARRAY_GROW(R->ecosystems, R->necosystems, cap)) {
                scan_nomem(S);
                return;
            }
            e = &R->ecosystems[R->necosystems++];
            memset(e, 0, sizeof *e);
            e->name = cv->ecosystem;
            e->entries = medsec_db_coverage_entries(S->dbcov, MEDSEC_DB_COVER_PURL, -1, e->name);
            /* the type is what comes before a distribution's "/" */
            char type[MEDSEC_DB_COVER_ECOSYSTEM_MAX];
            size_t n = strcspn(e->name, "/");
            memcpy(type, e->name, n < sizeof type ? n : sizeof type - 1);
            type[n < sizeof type ? n : sizeof type - 1] = '\0';
            e->known = medsec_purl_type_known(type);
        }
        e->components++;
        unsigned purl_mask = 0;
        for (unsigned s = 0; s < MEDSEC_ADV_NSOURCES; s++)
            purl_mask |= MEDSEC_SCAN_COVER_BIT(MEDSEC_SCAN_BY_PURL, s);
        if (cv->status != MEDSEC_SCAN_CHECKED)
            e->unchecked++;
        else if (cv->sources & purl_mask)
            e->checked++;
        else
            e->other_only++;
    }
    if (R->necosystems > 1)
        qsort(R->ecosystems, R->necosystems, sizeof *R->ecosystems, eco_cmp);
}
