/* checks.c: the checks no single key can make: across the keys of one mapping, run as the walk
 * finishes each (dates in order, an SBOM listed twice, components without their SBOM, a flow to
 * itself, vulnerability id formats), and across sections once the model is built (the risk matrix
 * against the harm scale and the exploitability levels). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_int.h"
#include "medsec/alloc.h"
#include "medsec/cvss.h"
#include "medsec/idmap.h"

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

/* A DNS name as RFC 1035 and RFC 1123 allow a host name: dot-separated labels of 1 to 63 letters,
 * digits and hyphens, no hyphen first or last, at most 253 bytes, at least two labels. */
static bool dns_name(const char *s)
{
    size_t n = strlen(s), label = 0, labels = 1;
    if (n == 0 || n > 253)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '.') {
            if (label == 0 || s[i - 1] == '-')
                return false;
            label = 0;
            labels++;
            continue;
        }
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  (c == '-' && label > 0);
        if (!ok || ++label > 63)
            return false;
    }
    return label > 0 && s[n - 1] != '-' && labels >= 2;
}

static void check_device(struct walker *W, struct fy_node *map, void *obj)
{
    struct medsec_model_device *d = obj;
    if (d->vendor_domain && !dns_name(d->vendor_domain))
        load_error_node(W, load_child(W, map, "vendor_domain"),
                        "vendor_domain '%s' is not a DNS name (like example.com)",
                        d->vendor_domain);
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
    {"device", check_device},
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

/* ---- the risk method's inputs (docs/risk.md) ---------------------------------------------------
 */

/* Where a zone, an interface or a flow leaves the method to guess, it guesses the most exposed and
 * says so: unknown reach never makes a risk look smaller. */
static void check_reach_inputs(struct walker *W)
{
    struct medsec_model *m = W->m;
    for (size_t i = 0; i < m->nzones; i++) {
        const struct medsec_model_zone *z = &m->zones[i];
        load_path_set(W, "zones[%zu]", i);
        if (z->access >= MEDSEC_ACCESS_COUNT)
            load_warn_at(W, z->pos.line, z->pos.column,
                         "zone '%s' states no access (remote, network, adjacent, local, physical, "
                         "internal): taken as remote, the most exposed",
                         z->id);
    }
    for (size_t i = 0; i < m->ninterfaces; i++) {
        const struct medsec_model_interface *f = &m->interfaces[i];
        bool known;
        (void)medsec_model_interface_channel(f, &known);
        load_path_set(W, "interfaces[%zu]", i);
        if (!known)
            load_warn_at(W, f->pos.line, f->pos.column,
                         "interface '%s' (type %s) states no channel: taken as network, the most "
                         "exposed",
                         f->id, f->type ? f->type : "?");
    }
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        bool known;
        (void)medsec_model_flow_channel(m, f, &known);
        load_path_set(W, "flows[%zu]", i);
        if (!known)
            load_warn_at(W, f->pos.line, f->pos.column,
                         "flow '%s' states no channel and passes no interface that tells: taken as "
                         "network, the most exposed",
                         f->id);
    }
}

/* When the exploitability levels name attacker positions, each position has exactly one level. */
static void check_access_levels(struct walker *W)
{
    struct medsec_model_risk_matrix *rm = &W->m->risk_matrix;
    const struct medsec_model_level *owner[MEDSEC_ACCESS_COUNT] = {0};
    bool any = false;
    for (size_t e = 0; e < rm->nexploitability; e++) {
        const struct medsec_model_level *l = &rm->exploitability[e];
        load_path_set(W, "risk_matrix.exploitability[%zu].access", e);
        for (size_t k = 0; k < l->access.n; k++) {
            int a = l->access.v[k];
            any = true;
            if (a < 0 || a >= MEDSEC_ACCESS_COUNT)
                continue;
            if (owner[a])
                load_error_at(W, l->pos.line, l->pos.column,
                              "access '%s' is at two exploitability levels, '%s' and '%s'",
                              medsec_access_name((enum medsec_access)a), owner[a]->id, l->id);
            else
                owner[a] = l;
        }
    }
    if (!any)
        return;
    load_path_set(W, "risk_matrix.exploitability");
    for (int a = 0; a < MEDSEC_ACCESS_COUNT; a++)
        if (!owner[a])
            load_error_at(W, rm->pos.line, rm->pos.column,
                          "no exploitability level names access '%s': every attacker position "
                          "(remote, network, adjacent, local, physical, internal) needs one",
                          medsec_access_name((enum medsec_access)a));
}

/* A verified control has passing evidence that verifies it (IEC 81001-5-1 5.7, FDA premarket
 * guidance "security testing"); otherwise its status claims more than the file shows. */
static void check_control_evidence(struct walker *W)
{
    struct medsec_model *m = W->m;
    for (size_t c = 0; c < m->ncontrols; c++) {
        const struct medsec_model_control *ctl = &m->controls[c];
        if (ctl->status != MEDSEC_CONTROL_VERIFIED || !ctl->id)
            continue; /* a control without an id is an error of its own already */
        bool shown = false;
        for (size_t e = 0; e < m->nevidence && !shown; e++)
            shown = medsec_model_evidence_verifies(m, &m->evidence[e], ctl->id);
        load_path_set(W, "controls[%zu].status", c);
        if (!shown)
            load_error_at(W, ctl->pos.line, ctl->pos.column,
                          "control '%s' is verified, but no evidence with result pass verifies it "
                          "or a requirement it serves: name it in an evidence entry's verifies, or "
                          "set status: implemented",
                          ctl->id);
    }
}

unsigned medsec_model_fit_classes(const struct medsec_model *m, const char *id)
{
    static const char *const health[] = {"phi", "diagnosis_monitoring", "therapy_delivery",
                                         "clinical_workflow"};
    enum medsec_model_kind kind;
    if (!medsec_model_kind_of(m, id, &kind))
        return 0;
    switch (kind) {
    case MEDSEC_MK_ZONE: return MEDSEC_FIT_DEVICE | MEDSEC_FIT_NODE | MEDSEC_FIT_TRANSPORT;
    case MEDSEC_MK_INTERFACE: {
        const struct medsec_model_interface *f = medsec_model_find_interface(m, id);
        enum medsec_channel ch = medsec_model_interface_channel(f, NULL);
        unsigned c = MEDSEC_FIT_NODE | MEDSEC_FIT_TRANSPORT;
        if (ch == MEDSEC_CHANNEL_LOCAL_UI)
            c |= MEDSEC_FIT_PERSON;
        if (ch == MEDSEC_CHANNEL_ONBOARD_BUS || ch == MEDSEC_CHANNEL_REMOVABLE_MEDIA ||
            f->debug == 1)
            c |= MEDSEC_FIT_PHYSICAL;
        return c;
    }
    case MEDSEC_MK_FLOW: {
        const struct medsec_model_flow *f = medsec_model_find_flow(m, id);
        unsigned c = MEDSEC_FIT_TRANSPORT;
        if (f->purpose && !strcmp(f->purpose, "update"))
            c |= MEDSEC_FIT_UPDATE;
        if (medsec_strlist_has(&f->data, "phi") ||
            (f->purpose &&
             (!strcmp(f->purpose, "therapy") || !strcmp(f->purpose, "clinical_data"))))
            c |= MEDSEC_FIT_HEALTH_DATA;
        return c;
    }
    case MEDSEC_MK_ITEM: {
        const struct medsec_model_item *it = medsec_model_find_item(m, id);
        if (it->element == MEDSEC_ELEMENT_EXTERNAL_ENTITY) {
            bool person = it->type && (!strcmp(it->type, "human") || !strcmp(it->type, "user") ||
                                       !strcmp(it->type, "operator"));
            return person ? MEDSEC_FIT_PERSON : MEDSEC_FIT_NODE;
        }
        if (it->kind && !strcmp(it->kind, "hardware"))
            return MEDSEC_FIT_PHYSICAL | MEDSEC_FIT_STORAGE;
        if (it->element == MEDSEC_ELEMENT_DATA_STORE) {
            unsigned c = MEDSEC_FIT_STORAGE;
            if (medsec_strlist_has(&it->data, "phi"))
                c |= MEDSEC_FIT_HEALTH_DATA;
            return c;
        }
        unsigned c = MEDSEC_FIT_SOFTWARE | MEDSEC_FIT_DEVICE;
        for (size_t f = 0; f < m->nflows; f++)
            if (m->flows[f].to && !strcmp(m->flows[f].to, id) && m->flows[f].purpose &&
                !strcmp(m->flows[f].purpose, "update"))
                c |= MEDSEC_FIT_UPDATE;
        return c;
    }
    case MEDSEC_MK_ASSET: {
        const struct medsec_model_asset *a = medsec_model_find_asset(m, id);
        bool update = false;
        for (size_t f = 0; f < a->carried_by.n && !update; f++) {
            const struct medsec_model_flow *fl = medsec_model_find_flow(m, a->carried_by.v[f]);
            update = fl && fl->purpose && !strcmp(fl->purpose, "update");
        }
        if (update)
            return MEDSEC_FIT_UPDATE | MEDSEC_FIT_SOFTWARE;
        for (size_t k = 0; k < sizeof health / sizeof *health; k++)
            if (medsec_strlist_has(&a->functions, health[k]))
                return MEDSEC_FIT_HEALTH_DATA;
        return 0;
    }
    default: return 0;
    }
}

bool medsec_model_control_claims(const struct medsec_model *m, const struct medsec_model_control *c,
                                 enum medsec_capability code)
{
    unsigned targets = 0;
    for (size_t k = 0; k < c->applies_to.n; k++)
        targets |= medsec_model_fit_classes(m, c->applies_to.v[k]);
    for (size_t k = 0; k < c->capabilities.n; k++) {
        enum medsec_capability cc;
        if (medsec_capability_parse(c->capabilities.v[k], &cc) && cc == code)
            return (medsec_capability_info(code)->fits & targets) != 0;
    }
    return false;
}

/* A control claims an MDS2 code only for what the code covers (HN 1-2019; docs/security-file.md,
 * "Capabilities"): IGAU is health-data integrity, not code signing; EMRG is emergency access to
 * health data, not continuing therapy. */
static void check_capability_fit(struct walker *W)
{
    struct medsec_model *m = W->m;
    for (size_t c = 0; c < m->ncontrols; c++) {
        const struct medsec_model_control *ctl = &m->controls[c];
        unsigned targets = 0;
        for (size_t k = 0; k < ctl->applies_to.n; k++)
            targets |= medsec_model_fit_classes(m, ctl->applies_to.v[k]);
        if (!targets)
            continue; /* nothing it names resolved: the reference errors say so already */
        for (size_t k = 0; k < ctl->capabilities.n; k++) {
            enum medsec_capability code;
            if (!medsec_capability_parse(ctl->capabilities.v[k], &code))
                continue;
            const struct medsec_capability_info *info = medsec_capability_info(code);
            load_path_set(W, "controls[%zu].capabilities[%zu]", c, k);
            if (!(info->fits & targets))
                load_warn_at(W, ctl->pos.line, ctl->pos.column,
                             "control '%s' claims %s (%s: %s), which covers none of what it "
                             "applies to",
                             ctl->id, info->title ? ctl->capabilities.v[k] : "?", info->title,
                             info->scope);
        }
    }
}

static void check_vulnerability_scores(struct walker *W)
{
    struct medsec_model *m = W->m;
    for (size_t i = 0; i < m->nvulnerabilities; i++) {
        const struct medsec_model_vulnerability *vu = &m->vulnerabilities[i];
        load_path_set(W, "vulnerabilities[%zu]", i);
        /* an open one goes into the register and needs the manufacturer's score; one assessed as
         * not affecting the device (not_affected, fixed) does not */
        if (!vu->rubric && !vu->cvss_vector && medsec_vuln_status_open(vu->status))
            load_error_at(W, vu->pos.line, vu->pos.column,
                          "vulnerability '%s' needs the manufacturer's score: a rubric answers "
                          "file (rubric) or a CVSS vector (cvss)",
                          vu->id);
        if (vu->cvss_vector) {
            struct medsec_cvss c;
            struct medsec_error e;
            if (medsec_cvss_parse(vu->cvss_vector, &c, &e) != MEDSEC_OK)
                load_error_at(W, vu->pos.line, vu->pos.column, "vulnerability '%s': cvss: %s",
                              vu->id, e.msg);
            else if (c.version == MEDSEC_CVSS_V2)
                load_error_at(W, vu->pos.line, vu->pos.column,
                              "vulnerability '%s': cvss must be a CVSS 3.x or 4.0 vector", vu->id);
        }
        if (vu->status == MEDSEC_VULN_NOT_AFFECTED && vu->justification == MEDSEC_VEX_UNSTATED)
            load_warn_at(W, vu->pos.line, vu->pos.column,
                         "vulnerability '%s' is not_affected without a justification (OpenVEX: "
                         "component_not_present, vulnerable_code_not_present, ...)",
                         vu->id);
        if (vu->status != MEDSEC_VULN_NOT_AFFECTED && vu->justification != MEDSEC_VEX_UNSTATED)
            load_warn_at(W, vu->pos.line, vu->pos.column,
                         "vulnerability '%s' has a justification but is not not_affected", vu->id);
    }
}

static void check_hazard_causes(struct walker *W)
{
    struct medsec_model *m = W->m;
    for (size_t h = 0; h < m->nhazards; h++) {
        const struct medsec_model_hazard *hz = &m->hazards[h];
        for (size_t k = 0; k < hz->ncaused_by; k++) {
            const struct medsec_model_cause *c = &hz->caused_by[k];
            const struct medsec_model_asset *a =
                c->asset ? medsec_model_find_asset(m, c->asset) : NULL;
            const char *harm = !a                                           ? NULL
                               : c->property == MEDSEC_PROP_CONFIDENTIALITY ? a->confidentiality
                               : c->property == MEDSEC_PROP_INTEGRITY       ? a->integrity
                                                                            : a->availability;
            load_path_set(W, "hazards[%zu].caused_by[%zu]", h, k);
            if (a && !harm)
                load_warn_at(
                    W, c->pos.line, c->pos.column,
                    "hazard '%s' is caused by the loss of %s of asset '%s', which states no "
                    "harm for it",
                    hz->id, medsec_property_name(c->property), a->id);
        }
    }
    for (size_t i = 0; i < m->nrisk_acceptance; i++)
        for (size_t j = 0; j < i; j++) {
            const struct medsec_model_acceptance *a = &m->risk_acceptance[i],
                                                 *b = &m->risk_acceptance[j];
            bool same_version = (!a->version && !b->version) ||
                                (a->version && b->version && !strcmp(a->version, b->version));
            load_path_set(W, "risk_acceptance[%zu]", i);
            if (a->risk && b->risk && !strcmp(a->risk, b->risk) && same_version)
                load_error_at(W, a->pos.line, a->pos.column,
                              "risk '%s' is justified twice (first at line %u)", a->risk,
                              b->pos.line);
        }
}

/* runs_on makes each item point at most at one host; following the pointers from any item must end
 * at an item that runs on nothing. A cycle (an item that in the end runs on itself) has no bottom
 * to compromise or to stop first, so it is an error, reported once, at the cycle's first item. */
static const char *item_id(const void *ud, size_t i)
{
    return ((const struct medsec_model *)ud)->items[i].id;
}

static void check_runs_on(struct walker *W)
{
    const struct medsec_model *m = W->m;
    struct medsec_idmap ids;
    medsec_idmap_init(&ids, item_id, m);
    size_t *host = medsec_calloc(m->nitems + 1, sizeof *host);
    unsigned char *state = medsec_calloc(m->nitems + 1, 1);
    if (!host || !state) {
        W->fatal = MEDSEC_ENOMEM;
        goto out;
    }
    for (size_t i = 0; i < m->nitems; i++) {
        size_t had; /* a second item of one id is an error of its own: the first one counts */
        if (m->items[i].id && !medsec_idmap_find(&ids, m->items[i].id, &had) &&
            medsec_idmap_add(&ids, i)) {
            W->fatal = MEDSEC_ENOMEM;
            goto out;
        }
    }
    for (size_t i = 0; i < m->nitems; i++)
        if (!m->items[i].runs_on || !medsec_idmap_find(&ids, m->items[i].runs_on, &host[i]))
            host[i] = SIZE_MAX;
    /* state: 0 unseen, 1 on the current walk, 2 done */
    for (size_t i = 0; i < m->nitems; i++) {
        size_t x = i;
        while (x != SIZE_MAX && state[x] == 0) {
            state[x] = 1;
            x = host[x];
        }
        if (x != SIZE_MAX && state[x] == 1) {
            /* the walk closed on itself at x: name the cycle from x */
            char chain[512];
            size_t len = 0;
            size_t y = x;
            do {
                int k = snprintf(chain + len, sizeof chain - len, "%s%s", len ? " -> " : "",
                                 m->items[y].id);
                if (k < 0 || (size_t)k >= sizeof chain - len) {
                    len = sizeof chain - 1;
                    break;
                }
                len += (size_t)k;
                y = host[y];
            } while (y != x);
            const struct medsec_model_item *it = &m->items[x];
            load_path_set(W, "items[%zu].runs_on", x);
            load_error_at(W, it->pos.line, it->pos.column,
                          "item '%s' runs on itself through runs_on (%s -> %s); an item must end "
                          "on one that runs on nothing",
                          it->id, chain, it->id);
        }
        for (x = i; x != SIZE_MAX && state[x] == 1; x = host[x])
            state[x] = 2;
    }
out:
    medsec_idmap_release(&ids);
    medsec_free(host);
    medsec_free(state);
}

void load_check_method(struct walker *W)
{
    size_t old = W->plen;
    check_runs_on(W);
    check_reach_inputs(W);
    check_access_levels(W);
    check_control_evidence(W);
    check_capability_fit(W);
    check_vulnerability_scores(W);
    check_hazard_causes(W);
    load_path_pop(W, old);
}
