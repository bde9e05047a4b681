/* cmd_show.c: `medsec show DIR`: a readable summary of a device's security file. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/cvss.h"
#include "medsec/json.h"
#include "medsec/model.h"

/* MDS2 sections in form order, for "controls by capability" (medsec/domain.h). */
#define NCAP ((size_t)MEDSEC_CAP_COUNT)

static const char *tri(int v)
{
    return v == MEDSEC_UNSTATED ? "?" : v ? "yes" : "no";
}

static size_t count_element(const struct medsec_model *m, enum medsec_element_kind element)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nitems; i++)
        n += m->items[i].element == element;
    return n;
}

static size_t count_components(const struct medsec_model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nsboms; i++)
        n += m->sboms[i].sbom->ncomponents;
    return n;
}

static size_t count_verified(const struct medsec_model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->ncontrols; i++)
        n += m->controls[i].status == MEDSEC_CONTROL_VERIFIED;
    return n;
}

/* Does release @v ship component-support entry @c (its SBOM is one of the release's)? */
static bool release_ships(const struct medsec_model *m, const struct medsec_model_version *v,
                          const struct medsec_model_component_support *c)
{
    size_t n = medsec_model_release_support(m, v, NULL, 0);
    const struct medsec_model_component_support **all = medsec_calloc(n ? n : 1, sizeof *all);
    bool found = false;
    if (all) {
        medsec_model_release_support(m, v, all, n);
        for (size_t k = 0; k < n && !found; k++)
            found = all[k] == c;
    }
    medsec_free(all);
    return found;
}

/* Known vulnerabilities still to deal with: affected, under investigation, or no status. */
static size_t count_open_vulnerabilities(const struct medsec_model *m)
{
    size_t n = 0;
    for (size_t i = 0; i < m->nvulnerabilities; i++)
        n += medsec_vuln_status_open(m->vulnerabilities[i].status);
    return n;
}

/* Print @text (escaped, cli_esc) after @label (15 columns), wrapped at 100 columns with the same
 * indent. */
static void print_wrapped(FILE *out, const char *label, const char *text)
{
    enum { INDENT = 17, WIDTH = 100 };
    fprintf(out, "  %-*s", INDENT - 2, label);
    size_t col = INDENT;
    const char *p = cli_esc(text);
    while (*p) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, " ");
        if (!n)
            break;
        if (col > INDENT && col + 1 + n > WIDTH) {
            fprintf(out, "\n%*s", INDENT, "");
            col = INDENT;
        } else if (col > INDENT) {
            fputc(' ', out);
            col++;
        }
        fprintf(out, "%.*s", (int)n, p);
        col += n;
        p += n;
    }
    fputc('\n', out);
}

static int table_out(FILE *out, struct cli_table *t, int ok)
{
    if (ok)
        cli_table_print(t, out);
    cli_table_release(t);
    return ok ? 0 : -1;
}

static int print_text(FILE *out, const struct medsec_model *m, const char *today)
{
    const struct medsec_model_device *d = &m->device;
    fprintf(out, "%s %s (model %s)\n", cli_esc(d->manufacturer), cli_esc(d->name),
            cli_esc(d->model));
    if (d->udi_di)
        fprintf(out, "  UDI-DI:        %s\n", cli_esc(d->udi_di));
    fprintf(out, "  class:         EU MDR %s", d->mdr_class);
    if (d->fda_class)
        fprintf(out, ", FDA class %s", d->fda_class);
    if (d->software_safety_class)
        fprintf(out, ", IEC 62304 class %s", d->software_safety_class);
    fputc('\n', out);
    print_wrapped(out, "purpose:", d->intended_purpose);
    struct medsec_buf users = MEDSEC_BUF_INIT, envs = MEDSEC_BUF_INIT;
    for (size_t i = 0; i < d->intended_users.n; i++)
        (void)medsec_buf_addf(&users, "%s%s", i ? ", " : "", d->intended_users.v[i]);
    for (size_t i = 0; i < d->use_environments.n; i++)
        (void)medsec_buf_addf(&envs, "%s%s", i ? ", " : "", d->use_environments.v[i]);
    print_wrapped(out, "users:", users.data ? users.data : "");
    print_wrapped(out, "environments:", envs.data ? envs.data : "");
    medsec_buf_release(&users);
    medsec_buf_release(&envs);
    fprintf(out, "\nVersions (today %s; current %s)\n", today, cli_esc(d->current_version));

    static const char *const vh[] = {"VERSION",
                                     "RELEASED",
                                     "SUPPORT",
                                     "END OF SUPPORT",
                                     "STATUS",
                                     "SBOMS",
                                     "COMPONENTS PAST END OF SUPPORT"};
    struct cli_table t;
    if (cli_table_init(&t, 7, vh) != 0)
        return -1;
    const struct medsec_model_sbom **set =
        m->nsboms ? medsec_malloc(m->nsboms * sizeof *set) : NULL;
    if (m->nsboms && !set) {
        cli_table_release(&t);
        return -1;
    }
    int ok = 1;
    for (size_t i = 0; i < m->nversions && ok; i++) {
        const struct medsec_model_version *v = &m->versions[i];
        long left = 0;
        enum medsec_support_status st = medsec_model_support_status(v, today, &left);
        char status[64], ver[80];
        if (st == MEDSEC_SUPPORTED || st == MEDSEC_SUPPORT_ENDING)
            snprintf(status, sizeof status, "%s (%ld days left)", medsec_support_status_name(st),
                     left);
        else
            snprintf(status, sizeof status, "%s", medsec_support_status_name(st));
        snprintf(ver, sizeof ver, "%s%s", v->version,
                 strcmp(v->version, d->current_version) ? "" : " *");
        char nsb[24];
        snprintf(nsb, sizeof nsb, "%zu", set ? medsec_model_version_sboms(m, v, set) : 0);
        struct medsec_buf ended = MEDSEC_BUF_INIT;
        for (size_t k = 0; k < m->ncomponent_support; k++) {
            const struct medsec_model_component_support *c = &m->component_support[k];
            /* does this release ship the component's SBOM, and has its support ended? */
            if (medsec_model_component_ended(c, today) && release_ships(m, v, c))
                (void)medsec_buf_addf(&ended, "%s%s (%s)", ended.len ? ", " : "", c->component,
                                      c->end_of_support);
        }
        const char *row[] = {ver,
                             v->release_date,
                             medsec_support_level_name(v->support),
                             v->end_of_support,
                             status,
                             nsb,
                             ended.len ? ended.data : NULL};
        ok = cli_table_add(&t, row) == 0;
        medsec_buf_release(&ended);
    }
    medsec_free(set);
    if (table_out(out, &t, ok))
        return -1;

    size_t fcross = 0, icross = 0;
    for (size_t i = 0; i < m->nflows; i++)
        fcross += medsec_model_flow_crosses(m, &m->flows[i]);
    for (size_t i = 0; i < m->ninterfaces; i++)
        icross += medsec_model_interface_crosses(m, &m->interfaces[i]);
    fprintf(out, "\nContents\n");
    fprintf(out, "  %-16s%zu\n", "trust zones", m->nzones);
    fprintf(out, "  %-16s%zu (%zu processes, %zu data stores, %zu external entities)\n", "items",
            m->nitems, count_element(m, MEDSEC_ELEMENT_PROCESS),
            count_element(m, MEDSEC_ELEMENT_DATA_STORE),
            count_element(m, MEDSEC_ELEMENT_EXTERNAL_ENTITY));
    fprintf(out, "  %-16s%zu (%zu components)\n", "SBOMs", m->nsboms, count_components(m));
    fprintf(out, "  %-16s%zu (%zu reachable from another zone)\n", "interfaces", m->ninterfaces,
            icross);
    fprintf(out, "  %-16s%zu (%zu crossing trust zones)\n", "flows", m->nflows, fcross);
    fprintf(out, "  %-16s%zu\n", "assets", m->nassets);
    fprintf(out, "  %-16s%zu (%zu verified)\n", "controls", m->ncontrols, count_verified(m));
    fprintf(out, "  %-16s%zu\n", "requirements", m->nrequirements);
    fprintf(out, "  %-16s%zu\n", "evidence", m->nevidence);
    fprintf(out, "  %-16s%zu\n", "assumptions", m->nassumptions);
    fprintf(out, "  %-16s%zu\n", "duties", m->nduties);
    fprintf(out, "  %-16s%zu\n", "hazards", m->nhazards);
    fprintf(out, "  %-16s%zu (written by hand)\n", "threats", m->nthreats);
    fprintf(out, "  %-16s%zu (assessed; %zu open)\n", "vulnerabilities", m->nvulnerabilities,
            count_open_vulnerabilities(m));

    if (icross) {
        fprintf(out, "\nInterfaces reachable from another trust zone\n");
        static const char *const ih[] = {"INTERFACE", "TYPE",      "ITEM", "ZONES",
                                         "AUTH",      "ENCRYPTED", "DEBUG"};
        if (cli_table_init(&t, 7, ih) != 0)
            return -1;
        for (size_t i = 0; i < m->ninterfaces && ok; i++) {
            const struct medsec_model_interface *in = &m->interfaces[i];
            if (!medsec_model_interface_crosses(m, in))
                continue;
            char zones[256];
            snprintf(zones, sizeof zones, "%s -> %s", in->zone, medsec_model_zone_of(m, in->id));
            const char *dbg = in->debug == 1
                                  ? (in->disabled_in_production == 1 ? "yes (disabled)" : "yes")
                                  : "no";
            const char *row[] = {
                in->id, in->type, in->item, zones, tri(in->authenticated), tri(in->encrypted), dbg};
            ok = cli_table_add(&t, row) == 0;
        }
        if (table_out(out, &t, ok))
            return -1;
    }
    if (fcross) {
        fprintf(out, "\nFlows crossing trust zones\n");
        static const char *const fh[] = {"FLOW",  "FROM -> TO", "PROTOCOL",
                                         "ZONES", "AUTH",       "ENCRYPTED"};
        if (cli_table_init(&t, 6, fh) != 0)
            return -1;
        for (size_t i = 0; i < m->nflows && ok; i++) {
            const struct medsec_model_flow *f = &m->flows[i];
            if (!medsec_model_flow_crosses(m, f))
                continue;
            char ends[256], zones[256];
            snprintf(ends, sizeof ends, "%s -> %s", f->from, f->to);
            snprintf(zones, sizeof zones, "%s -> %s", medsec_model_zone_of(m, f->from),
                     medsec_model_zone_of(m, f->to));
            const char *row[] = {
                f->id, ends, f->protocol, zones, tri(f->authenticated), tri(f->encrypted)};
            ok = cli_table_add(&t, row) == 0;
        }
        if (table_out(out, &t, ok))
            return -1;
    }
    if (m->ncomponent_support) {
        fprintf(out, "\nComponent support (FDA premarket guidance V.A.4)\n");
        static const char *const sh[] = {"SBOM",           "COMPONENT", "SUPPORT",
                                         "END OF SUPPORT", "STATUS",    "NOTES"};
        if (cli_table_init(&t, 6, sh) != 0)
            return -1;
        for (size_t i = 0; i < m->ncomponent_support && ok; i++) {
            const struct medsec_model_component_support *c = &m->component_support[i];
            const char *row[] = {c->sbom,
                                 c->component,
                                 medsec_support_level_name(c->support),
                                 c->end_of_support,
                                 medsec_model_component_ended(c, today) ? "ENDED" : "-",
                                 c->notes};
            ok = cli_table_add(&t, row) == 0;
        }
        if (table_out(out, &t, ok))
            return -1;
    }
    if (m->nvulnerabilities) {
        fprintf(out, "\nKnown vulnerabilities (the manufacturer's assessment: CVSS from the MITRE "
                     "rubric answers or the stated vector)\n");
        static const char *const vh2[] = {"ID", "STATUS", "ITEMS", "CVSS", "VECTOR"};
        if (cli_table_init(&t, 5, vh2) != 0)
            return -1;
        for (size_t i = 0; i < m->nvulnerabilities && ok; i++) {
            const struct medsec_model_vulnerability *vu = &m->vulnerabilities[i];
            struct medsec_buf items = MEDSEC_BUF_INIT;
            for (size_t k = 0; k < vu->items.n; k++)
                (void)medsec_buf_addf(&items, "%s%s", k ? ", " : "", vu->items.v[k]);
            char score[48] = "-", status[160];
            const char *vector = vu->cvss ? vu->cvss->vector : vu->cvss_vector;
            struct medsec_cvss cv;
            if (vu->cvss) {
                snprintf(score, sizeof score, "%.1f %s", vu->cvss->base,
                         medsec_cvss_severity_name(vu->cvss->severity));
            } else if (vector && medsec_cvss_parse(vector, &cv, NULL) == MEDSEC_OK) {
                struct medsec_cvss_scores sc;
                medsec_cvss_score(&cv, &sc);
                snprintf(score, sizeof score, "%.1f %s", sc.base,
                         medsec_cvss_severity_name(medsec_cvss_severity(cv.version, sc.base)));
            }
            const char *j = medsec_vex_justification_name(vu->justification);
            snprintf(status, sizeof status, "%s%s%s%s", medsec_vuln_status_name(vu->status),
                     j ? " (" : "", j ? j : "", j ? ")" : "");
            const char *row[] = {vu->id, status, items.data ? items.data : "", score,
                                 vector ? vector : "-"};
            ok = cli_table_add(&t, row) == 0;
            medsec_buf_release(&items);
        }
        if (table_out(out, &t, ok))
            return -1;
    }
    if (m->ncontrols) {
        fprintf(out, "\nControls by capability (MDS2)\n");
        static const char *const ch[] = {"CAPABILITY", "CONTROLS"};
        if (cli_table_init(&t, 2, ch) != 0)
            return -1;
        for (size_t c = 0; c < NCAP && ok; c++) {
            struct medsec_buf b = MEDSEC_BUF_INIT;
            for (size_t i = 0; i < m->ncontrols; i++)
                if (medsec_strlist_has(&m->controls[i].capabilities,
                                       medsec_capability_name((enum medsec_capability)c)))
                    (void)medsec_buf_addf(&b, "%s%s", b.len ? ", " : "", m->controls[i].id);
            if (b.len) {
                const char *row[] = {medsec_capability_name((enum medsec_capability)c), b.data};
                ok = cli_table_add(&t, row) == 0;
            }
            medsec_buf_release(&b);
        }
        if (table_out(out, &t, ok))
            return -1;
    }
    return 0;
}

static void json_tri(struct medsec_jsonw *w, const char *key, int v)
{
    medsec_jsonw_key(w, key);
    if (v == MEDSEC_UNSTATED)
        medsec_jsonw_null(w);
    else
        medsec_jsonw_bool(w, v == 1);
}

static int print_json(struct cli_output *out, const struct medsec_model *m, const char *today)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    const struct medsec_model_device *d = &m->device;
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "file", m->file);
    medsec_jsonw_kv_string(&w, "today", today);
    medsec_jsonw_key(&w, "device");
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "manufacturer", d->manufacturer);
    medsec_jsonw_kv_string(&w, "name", d->name);
    medsec_jsonw_kv_string(&w, "model", d->model);
    medsec_jsonw_kv_string(&w, "udi_di", d->udi_di);
    medsec_jsonw_kv_string(&w, "mdr_class", d->mdr_class);
    medsec_jsonw_kv_string(&w, "fda_class", d->fda_class);
    medsec_jsonw_kv_string(&w, "software_safety_class", d->software_safety_class);
    medsec_jsonw_kv_string(&w, "intended_purpose", d->intended_purpose);
    medsec_jsonw_kv_strings(&w, "intended_users", d->intended_users.v, d->intended_users.n);
    medsec_jsonw_kv_strings(&w, "use_environments", d->use_environments.v, d->use_environments.n);
    medsec_jsonw_kv_string(&w, "current_version", d->current_version);
    medsec_jsonw_object_end(&w);
    const struct medsec_model_sbom **set =
        m->nsboms ? medsec_malloc(m->nsboms * sizeof *set) : NULL;
    if (m->nsboms && !set) {
        medsec_buf_release(&b);
        return EXIT_INTERNAL;
    }
    medsec_jsonw_key(&w, "versions");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < m->nversions; i++) {
        const struct medsec_model_version *v = &m->versions[i];
        long left = 0;
        enum medsec_support_status st = medsec_model_support_status(v, today, &left);
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "version", v->version);
        medsec_jsonw_kv_string(&w, "release_date", v->release_date);
        medsec_jsonw_kv_string(&w, "support", medsec_support_level_name(v->support));
        medsec_jsonw_kv_string(&w, "end_of_support", v->end_of_support);
        medsec_jsonw_kv_string(&w, "status", medsec_support_status_name(st));
        medsec_jsonw_kv_int(&w, "days_left", left);
        medsec_jsonw_key(&w, "sboms");
        medsec_jsonw_array_begin(&w);
        size_t nsb = set ? medsec_model_version_sboms(m, v, set) : 0;
        for (size_t k = 0; k < nsb; k++)
            medsec_jsonw_string(&w, set[k]->path);
        medsec_jsonw_array_end(&w);
        medsec_jsonw_object_end(&w);
    }
    medsec_free(set);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "counts");
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "zones", (long long)m->nzones);
    medsec_jsonw_kv_int(&w, "items", (long long)m->nitems);
    medsec_jsonw_kv_int(&w, "processes", (long long)count_element(m, MEDSEC_ELEMENT_PROCESS));
    medsec_jsonw_kv_int(&w, "data_stores", (long long)count_element(m, MEDSEC_ELEMENT_DATA_STORE));
    medsec_jsonw_kv_int(&w, "external_entities",
                        (long long)count_element(m, MEDSEC_ELEMENT_EXTERNAL_ENTITY));
    medsec_jsonw_kv_int(&w, "sboms", (long long)m->nsboms);
    medsec_jsonw_kv_int(&w, "components", (long long)count_components(m));
    medsec_jsonw_kv_int(&w, "interfaces", (long long)m->ninterfaces);
    medsec_jsonw_kv_int(&w, "flows", (long long)m->nflows);
    medsec_jsonw_kv_int(&w, "assets", (long long)m->nassets);
    medsec_jsonw_kv_int(&w, "controls", (long long)m->ncontrols);
    medsec_jsonw_kv_int(&w, "controls_verified", (long long)count_verified(m));
    medsec_jsonw_kv_int(&w, "requirements", (long long)m->nrequirements);
    medsec_jsonw_kv_int(&w, "evidence", (long long)m->nevidence);
    medsec_jsonw_kv_int(&w, "assumptions", (long long)m->nassumptions);
    medsec_jsonw_kv_int(&w, "duties", (long long)m->nduties);
    medsec_jsonw_kv_int(&w, "hazards", (long long)m->nhazards);
    medsec_jsonw_kv_int(&w, "threats", (long long)m->nthreats);
    medsec_jsonw_kv_int(&w, "vulnerabilities", (long long)m->nvulnerabilities);
    medsec_jsonw_kv_int(&w, "vulnerabilities_open", (long long)count_open_vulnerabilities(m));
    medsec_jsonw_object_end(&w);
    medsec_jsonw_key(&w, "interfaces_crossing_zones");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < m->ninterfaces; i++) {
        const struct medsec_model_interface *in = &m->interfaces[i];
        if (!medsec_model_interface_crosses(m, in))
            continue;
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "id", in->id);
        medsec_jsonw_kv_string(&w, "type", in->type);
        medsec_jsonw_kv_string(&w, "item", in->item);
        medsec_jsonw_kv_string(&w, "from_zone", in->zone);
        medsec_jsonw_kv_string(&w, "to_zone", medsec_model_zone_of(m, in->id));
        json_tri(&w, "authenticated", in->authenticated);
        json_tri(&w, "encrypted", in->encrypted);
        json_tri(&w, "debug", in->debug);
        json_tri(&w, "disabled_in_production", in->disabled_in_production);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "flows_crossing_zones");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        if (!medsec_model_flow_crosses(m, f))
            continue;
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "id", f->id);
        medsec_jsonw_kv_string(&w, "from", f->from);
        medsec_jsonw_kv_string(&w, "to", f->to);
        medsec_jsonw_kv_string(&w, "protocol", f->protocol);
        medsec_jsonw_kv_string(&w, "from_zone", medsec_model_zone_of(m, f->from));
        medsec_jsonw_kv_string(&w, "to_zone", medsec_model_zone_of(m, f->to));
        json_tri(&w, "authenticated", f->authenticated);
        json_tri(&w, "encrypted", f->encrypted);
        json_tri(&w, "integrity", f->integrity);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "vulnerabilities");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < m->nvulnerabilities; i++) {
        const struct medsec_model_vulnerability *vu = &m->vulnerabilities[i];
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "id", vu->id);
        medsec_jsonw_kv_string(&w, "title", vu->title);
        medsec_jsonw_kv_string(&w, "status", medsec_vuln_status_name(vu->status));
        medsec_jsonw_kv_strings(&w, "components", vu->components.v, vu->components.n);
        medsec_jsonw_kv_strings(&w, "items", vu->items.v, vu->items.n);
        medsec_jsonw_kv_string(&w, "rubric", vu->rubric);
        medsec_jsonw_kv_string(&w, "justification",
                               medsec_vex_justification_name(vu->justification));
        medsec_jsonw_kv_string(&w, "vector", vu->cvss ? vu->cvss->vector : vu->cvss_vector);
        medsec_jsonw_kv_string(&w, "vector_v4",
                               vu->cvss && vu->cvss->vector4[0] ? vu->cvss->vector4 : NULL);
        medsec_jsonw_key(&w, "base_score");
        if (vu->cvss)
            medsec_jsonw_fixed(&w, vu->cvss->base, 1);
        else
            medsec_jsonw_null(&w);
        medsec_jsonw_kv_string(&w, "severity",
                               vu->cvss ? medsec_cvss_severity_name(vu->cvss->severity) : NULL);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "controls_by_capability");
    medsec_jsonw_object_begin(&w);
    for (size_t c = 0; c < NCAP; c++) {
        size_t n = 0;
        for (size_t i = 0; i < m->ncontrols; i++)
            n += medsec_strlist_has(&m->controls[i].capabilities,
                                    medsec_capability_name((enum medsec_capability)c));
        if (!n)
            continue;
        medsec_jsonw_key(&w, medsec_capability_name((enum medsec_capability)c));
        medsec_jsonw_array_begin(&w);
        for (size_t i = 0; i < m->ncontrols; i++)
            if (medsec_strlist_has(&m->controls[i].capabilities,
                                   medsec_capability_name((enum medsec_capability)c)))
                medsec_jsonw_string(&w, m->controls[i].id);
        medsec_jsonw_array_end(&w);
    }
    medsec_jsonw_object_end(&w);
    medsec_jsonw_object_end(&w);
    int ex = cli_output_json(out, &w, &b);
    medsec_buf_release(&b);
    return ex;
}

int cmd_show(int argc, char **argv)
{
    int format = CLI_TEXT;
    const char *output = NULL;
    const struct cli_option opts[] = {
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print the summary as JSON"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "show",
        .usage = "medsec show [--json] [-o FILE] DIR",
        .about =
            "Summarise the security file DIR/device.yaml: the device, its versions and their support\n"
            "status today, counts of items, flows, assets and controls, the interfaces and flows that\n"
            "cross trust zones, the assessed known vulnerabilities with the CVSS vector of their\n"
            "rubric answers, and the controls by MDS2 capability. \"Today\" is MEDSEC_NOW\n"
            "(YYYY-MM-DD) when set, else the current UTC date. The file is validated first.\n",
        .opts = opts,
        .more = "Exit codes: 0 shown, 2 errors in the file or bad usage, 3 internal error.\n",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing DIR",
        .extra = "expected one DIR",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    struct medsec_model *m = NULL;
    struct medsec_error err;
    medsec_err rc = medsec_model_load(args[0], NULL, &m, &diags, &err);
    if (rc != MEDSEC_OK) {
        if (diags.errors) {
            cli_print_diags(stderr, &diags);
            fprintf(stderr, "medsec: %s: %zu error%s; run 'medsec validate'\n", cli_esc(err.file),
                    diags.errors, diags.errors == 1 ? "" : "s");
            ex = cli_exit_for(rc);
        } else {
            ex = cli_fail(&err, rc);
        }
        goto out_free;
    }
    cli_print_diags(stderr, &diags); /* warnings */
    char today[11];
    cli_today(today);
    struct cli_output out;
    if ((ex = cli_output_open(&out, output)) == EXIT_OK_) {
        if (format == CLI_JSON)
            ex = print_json(&out, m, today);
        else
            ex = print_text(out.f, m, today) ? EXIT_INTERNAL : EXIT_OK_;
        ex = cli_output_close(&out, ex);
    }
out_free:
    medsec_model_free(m);
    medsec_diags_release(&diags);
    return ex;
}
