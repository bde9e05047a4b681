/*
 * views.c: the four security architecture views of the FDA premarket cybersecurity guidance
 * (section V.B.2 and Appendix 2): global system, multi-patient harm, updatability/patchability and
 * security use cases. Each view is derived from the security file's zones, items, interfaces,
 * flows, assets, hazards and controls, laid out by Graphviz (lib/dfd) as SVG, shown as a figure
 * with a table of what it shows, and written as OUT/files/views/<name>.svg. What a view needs and
 * the file does not give is a gap "view:<name>".
 */
#include <stdio.h>
#include <string.h>

#include "doc.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/device.h"
#include "medsec/dfd.h"

#define VIEW_AREA "FDA"
#define DOT_MAX ((size_t)16 << 20)

/* ---- DOT text with a sticky error ---- */

struct dotw {
    struct medsec_buf b;
    medsec_err rc;
    struct medsec_docs *set; /* where wrapped labels are made */
};

static void dw_init(struct dotw *w, struct medsec_docs *set)
{
    w->set = set;
    w->b = (struct medsec_buf)MEDSEC_BUF_INIT;
    medsec_buf_init(&w->b, DOT_MAX);
    w->rc = MEDSEC_OK;
}

static void dw_s(struct dotw *w, const char *s)
{
    if (!w->rc)
        w->rc = medsec_buf_adds(&w->b, s);
}

static void dw_f(struct dotw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void dw_f(struct dotw *w, const char *fmt, ...)
{
    if (w->rc)
        return;
    va_list ap;
    va_start(ap, fmt);
    w->rc = medsec_buf_vaddf(&w->b, fmt, ap);
    va_end(ap);
}

/* A DOT quoted string (lib/dfd's escaping). */
static void dw_q(struct dotw *w, const char *s)
{
    if (!w->rc)
        w->rc = medsec_dot_quoted(&w->b, s ? s : "");
}

static void dw_head(struct dotw *w, const char *name, const char *rankdir)
{
    dw_s(w, "digraph ");
    dw_q(w, name);
    dw_f(w,
         " {\n  graph [rankdir=%s, fontname=\"Helvetica\", fontsize=12, nodesep=0.35, "
         "ranksep=0.8, newrank=true];\n  node [fontname=\"Helvetica\", fontsize=10];\n"
         "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#1b5e20\", fontcolor=\"#1b5e20\"];\n",
         rankdir);
}

/* @s with a line break for the last space before every @width bytes of a line: Graphviz does not
 * wrap labels, and long names would make a view too wide for a page. */
static const char *wrap(struct medsec_docs *set, const char *s, size_t width)
{
    char *r = (char *)docs_strf(set, "%s", s ? s : "");
    size_t col = 0;
    char *space = NULL;
    for (char *p = r; p && *p; p++) {
        if (*p == '\n') {
            col = 0;
            space = NULL;
            continue;
        }
        if (*p == ' ')
            space = p;
        if (++col > width && space) {
            *space = '\n';
            col = (size_t)(p - space);
            space = NULL;
        }
    }
    return r ? r : "";
}

/* A label: quoted and wrapped. */
static void dw_label(struct dotw *w, const char *s)
{
    dw_q(w, wrap(w->set, s, 36));
}

/* Text inside an HTML-like label, wrapped at @width with <BR/>. */
static void dw_h(struct dotw *w, const char *s, size_t width)
{
    const char *t = wrap(w->set, s, width);
    for (const char *nl; !w->rc && (nl = strchr(t, '\n')) != NULL; t = nl + 1) {
        char *line = (char *)docs_strf(w->set, "%.*s", (int)(nl - t), t);
        w->rc = line ? medsec_dot_html(&w->b, line) : MEDSEC_ENOMEM;
        if (!w->rc)
            w->rc = medsec_buf_adds(&w->b, "<BR/>");
    }
    if (!w->rc)
        w->rc = medsec_dot_html(&w->b, t);
}

/* `"id" [ATTRS label="LABEL"];` on a line of its own, after @indent. */
static void dw_node(struct dotw *w, const char *indent, const char *id, const char *attrs,
                    const char *label)
{
    dw_s(w, indent);
    dw_q(w, id);
    dw_s(w, " [");
    dw_s(w, attrs);
    dw_s(w, "label=");
    dw_label(w, label);
    dw_s(w, "];\n");
}

/* `  "from" -> "to" [id="id", ` (id left out when NULL): the caller adds the attributes and ends
 * the line with dw_s(w, "];\n"). */
static void dw_edge(struct dotw *w, const char *from, const char *to, const char *id)
{
    dw_s(w, "  ");
    dw_q(w, from);
    dw_s(w, " -> ");
    dw_q(w, to);
    dw_s(w, " [");
    if (id) {
        dw_s(w, "id=");
        dw_q(w, id);
        dw_s(w, ", ");
    }
}

/* `  subgraph "cluster_ID" {` with its label and style; the caller closes it with "  }\n". */
static void dw_cluster(struct dotw *w, struct medsec_docs *set, const char *id, const char *label,
                       const char *style)
{
    dw_s(w, "  subgraph ");
    dw_q(w, docs_strf(set, "cluster_%s", id));
    dw_s(w, " {\n    label=");
    dw_label(w, label);
    dw_s(w, "; ");
    dw_s(w, style);
    dw_s(w, "\n");
}

/* ---- what every view shares ---- */

struct views {
    struct docs_gen *g;
    struct doc *d;
    const struct medsec_model *m;
    int level;
    bool first; /* no view file in the set yet: add the files */
};

/* The heading level @n below the section's own, at most 4 (the deepest the renderers know). */
static int sub(const struct views *v, int n)
{
    return v->level + n > 4 ? 4 : v->level + n;
}

static bool set_has_file(const struct medsec_docs *s, const char *name)
{
    for (const struct doc_file *f = s->files; f; f = f->next)
        if (strcmp(f->name, name) == 0)
            return true;
    return false;
}

const char *docs_section_area(const struct doc *d)
{
    if (d && d->group && strncmp(d->group, "EU", 2) == 0)
        return "EU";
    if (d && d->group && strncmp(d->group, "Hospital", 8) == 0)
        return "HDO";
    return "FDA";
}

void docs_section_gap(struct doc *d, const char *item, const char *fmt, ...)
{
    if (!d)
        return;
    struct medsec_docs *set = doc_set(d);
    const char *area = docs_section_area(d);
    struct medsec_buf t = MEDSEC_BUF_INIT;
    va_list ap;
    va_start(ap, fmt);
    medsec_err rc = medsec_buf_vaddf(&t, fmt, ap);
    va_end(ap);
    if (rc) {
        set->failed = rc;
        medsec_buf_release(&t);
        return;
    }
    bool known = false; /* the same gap, recorded by an earlier call: shown, not counted again */
    for (size_t i = 0; i < set->ngaps && !known; i++)
        known = strcmp(set->gaps[i].area, area) == 0 && strcmp(set->gaps[i].item, item) == 0 &&
                strcmp(set->gaps[i].text, t.data) == 0;
    if (known)
        doc_callout(d, DOC_GAP, "Gap (%s %s): %s", area, item, t.data);
    else
        doc_gap(d, area, item, "%s", t.data);
    medsec_buf_release(&t);
}

/* Lay out @w's DOT text, add it as a figure and (first call) as views/<name>.svg. */
static medsec_err view_figure(struct views *v, const char *name, struct dotw *w,
                              const char *caption)
{
    if (w->rc) {
        doc_set(v->d)->failed = w->rc;
        return docs_status(v->g);
    }
    struct medsec_buf svg = MEDSEC_BUF_INIT;
    medsec_buf_init(&svg, DOT_MAX * 4);
    medsec_err rc = medsec_dot_render(w->b.data, w->b.len, "svg", &svg, v->g->err);
    if (!rc) {
        doc_figure(v->d, svg.data, svg.len, caption);
        char file[256];
        snprintf(file, sizeof file, "views/%s.svg", name);
        if (v->first || !set_has_file(doc_set(v->d), file))
            docs_file(doc_set(v->d), file, "image/svg+xml", svg.data, svg.len);
        rc = docs_status(v->g);
    }
    medsec_buf_release(&svg);
    return rc;
}

static const char *tri(int b)
{
    return b == MEDSEC_UNSTATED ? "not stated" : b ? "yes" : "no";
}

/* Is item @it in zone @z of the file (@z == m->nzones: in no zone the file knows)? */
static bool in_zone(const struct medsec_model *m, const struct medsec_model_item *it, size_t z)
{
    if (z < m->nzones)
        return it->zone && strcmp(it->zone, m->zones[z].id) == 0;
    return !it->zone || !medsec_model_find_zone(m, it->zone);
}

/* Is @id an item that is a person (nobody's software, not a shared system)? */
static bool is_person(const struct medsec_model_item *it)
{
    if (it->kind && strcmp(it->kind, "person") == 0)
        return true;
    if (it->element == MEDSEC_ELEMENT_EXTERNAL_ENTITY && it->type &&
        (strcmp(it->type, "human") == 0 || strcmp(it->type, "user") == 0 ||
         strcmp(it->type, "operator") == 0))
        return true;
    return false;
}

/* Controls that apply to flow @f: named against the flow, the interface it goes through, or an
 * asset it carries. */
static bool control_applies_to_flow(const struct medsec_model *m,
                                    const struct medsec_model_control *c,
                                    const struct medsec_model_flow *f)
{
    if (medsec_strlist_has(&c->applies_to, f->id))
        return true;
    if (f->via && medsec_strlist_has(&c->applies_to, f->via))
        return true;
    for (size_t a = 0; a < m->nassets; a++)
        if (medsec_strlist_has(&m->assets[a].carried_by, f->id) &&
            medsec_strlist_has(&c->applies_to, m->assets[a].id))
            return true;
    return false;
}

enum ctl_filter {
    CTL_ALL,
    CTL_END_TO_END, /* stated to hold when the sender is compromised (end_to_end) */
    CTL_VERIFY,     /* checks integrity or authenticity: capability CSUP, IGAU or TXIG */
    CTL_DETECT      /* records what happens, so an attack can be noticed: capability AUDT */
};

static bool verifies(const struct medsec_model_control *c)
{
    return medsec_strlist_has(&c->capabilities, "CSUP") ||
           medsec_strlist_has(&c->capabilities, "IGAU") ||
           medsec_strlist_has(&c->capabilities, "TXIG");
}

/* The ids of the controls of kind @filter that apply to @f, comma-separated ("" when none). */
static const char *flow_controls(struct views *v, const struct medsec_model_flow *f,
                                 enum ctl_filter filter)
{
    struct medsec_buf t = MEDSEC_BUF_INIT;
    medsec_err rc = MEDSEC_OK;
    for (size_t i = 0; i < v->m->ncontrols && !rc; i++) {
        const struct medsec_model_control *c = &v->m->controls[i];
        if ((filter == CTL_END_TO_END && c->end_to_end != 1) ||
            (filter == CTL_VERIFY && !verifies(c)) ||
            (filter == CTL_DETECT && !medsec_strlist_has(&c->capabilities, "AUDT")) ||
            !control_applies_to_flow(v->m, c, f))
            continue;
        rc = medsec_buf_addf(&t, "%s%s", t.len ? ", " : "", c->id);
    }
    const char *r = rc ? NULL : docs_strf(doc_set(v->d), "%s", t.data);
    if (rc)
        doc_set(v->d)->failed = rc;
    medsec_buf_release(&t);
    return r ? r : "";
}

/* "https, authenticated, encrypted, integrity-protected" of a flow. */
static const char *flow_protection(struct views *v, const struct medsec_model_flow *f)
{
    return docs_strf(doc_set(v->d), "%s%sauthenticated: %s; encrypted: %s; integrity: %s",
                     f->protocol ? f->protocol : "", f->protocol ? "; " : "", tri(f->authenticated),
                     tri(f->encrypted), tri(f->integrity));
}

/* ---- 1. global system view ---- */

static medsec_err view_global(struct views *v)
{
    const struct medsec_model *m = v->m;
    struct doc *d = v->d;
    doc_heading(d, sub(v, 1), "view-global-system", "Global system view");
    size_t crossing = 0, clear = 0, unauth = 0;
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        if (medsec_model_flow_crosses(m, f)) {
            crossing++;
            clear += f->encrypted != 1;
            unauth += f->authenticated != 1;
        }
    }
    doc_para(d,
             "The whole system as the security file describes it: the items (the device's "
             "software and hardware, the people and external systems it exchanges data with: "
             "%zu) in their trust zones (dashed boxes: %zu), the interfaces (small port shapes, "
             "red when a debug port: %zu) and the data flows (%zu), each labelled with its "
             "protocol, \"(enc.)\" or \"(clear)\" and \"(unauth.)\" when it is not "
             "authenticated; flows in clear are drawn red and dashed. Flows crossing a trust "
             "boundary: %zu, of which not encrypted: %zu, not authenticated: %zu (table below).",
             m->nitems, m->nzones, m->ninterfaces, m->nflows, crossing, clear, unauth);
    struct medsec_buf svg = MEDSEC_BUF_INIT;
    medsec_buf_init(&svg, DOT_MAX * 4);
    const char *title = docs_strf(doc_set(d), "%s: global system view", doc_set(d)->device);
    medsec_err rc =
        medsec_dfd_render(medsec_device_graph(v->g->dev), title, "svg", &svg, v->g->err);
    if (rc) {
        medsec_buf_release(&svg);
        return rc;
    }
    doc_figure(d, svg.data, svg.len,
               "Global system view: trust zones, items, interfaces and every data flow with its "
               "protocol, encryption and authentication (generated from the security file).");
    if (v->first || !set_has_file(doc_set(d), "views/global-system.svg"))
        docs_file(doc_set(d), "views/global-system.svg", "image/svg+xml", svg.data, svg.len);
    medsec_buf_release(&svg);

    if (crossing) {
        static const char *const head[] = {"Flow",          "From → to", "Via",       "Protocol",
                                           "Authenticated", "Encrypted", "Integrity", "Controls"};
        doc_table(d, 8, head);
        for (size_t i = 0; i < m->nflows; i++) {
            const struct medsec_model_flow *f = &m->flows[i];
            if (!medsec_model_flow_crosses(m, f))
                continue;
            doc_cell(d, "%s (%s)", f->name ? f->name : f->id, f->id);
            doc_cell(d, "%s → %s", f->from, f->to);
            doc_cell(d, "%s", f->via ? f->via : "");
            doc_cell(d, "%s", f->protocol ? f->protocol : "not stated");
            doc_cell(d, "%s", tri(f->authenticated));
            doc_cell(d, "%s", tri(f->encrypted));
            doc_cell(d, "%s", tri(f->integrity));
            doc_cell(d, "%s", flow_controls(v, f, CTL_ALL));
        }
    }
    /* the view must label every flow with its protocol and protection */
    struct medsec_buf t = MEDSEC_BUF_INIT;
    size_t n = 0;
    for (size_t i = 0; i < m->nflows; i++) {
        const struct medsec_model_flow *f = &m->flows[i];
        if (f->protocol && f->authenticated != MEDSEC_UNSTATED && f->encrypted != MEDSEC_UNSTATED)
            continue;
        rc = medsec_buf_addf(
            &t, "%s%s (%s%s%s)", n++ ? ", " : "", f->id, f->protocol ? "" : "no protocol",
            f->authenticated == MEDSEC_UNSTATED ? " authentication not stated" : "",
            f->encrypted == MEDSEC_UNSTATED ? " encryption not stated" : "");
        if (rc)
            break;
    }
    if (!rc && n)
        docs_section_gap(
            v->d, "view:global-system",
            "Data flows that do not state their protocol, authentication or encryption, so the "
            "global system view cannot show how they are protected (%zu): %s.",
            n, t.data);
    for (size_t i = 0; !rc && i < m->nitems; i++)
        if (!m->items[i].zone)
            docs_section_gap(
                v->d, "view:global-system",
                "Item %s has no trust zone; the view cannot place it on either side of a "
                "trust boundary.",
                m->items[i].id);
    medsec_buf_release(&t);
    return rc ? rc : docs_status(v->g);
}

/* ---- 2. multi-patient harm view ---- */

/* Kinds of item that run once for many devices: back-end and third-party systems. */
static bool shared_kind(const char *kind)
{
    return kind && (strcmp(kind, "cloud_service") == 0 || strcmp(kind, "external_system") == 0 ||
                    strcmp(kind, "server") == 0);
}

/* A zone whose items serve many devices: reached over a network (access network or remote), or
 * holding a back-end service (kind cloud_service or server). */
static bool is_shared_zone(const struct medsec_model *m, const struct medsec_model_zone *z)
{
    enum medsec_access a = medsec_model_zone_access(z);
    if (a == MEDSEC_ACCESS_NETWORK || a == MEDSEC_ACCESS_REMOTE)
        return true;
    for (size_t i = 0; i < m->nitems; i++)
        if (m->items[i].zone && strcmp(m->items[i].zone, z->id) == 0 && m->items[i].kind &&
            (strcmp(m->items[i].kind, "cloud_service") == 0 ||
             strcmp(m->items[i].kind, "server") == 0))
            return true;
    return false;
}

/* One instance of the item serves many devices and patients: it is neither a person nor a
 * per-patient device (type "device"), and it is a back-end or third-party system or sits in a
 * shared zone. */
static bool is_shared(const struct medsec_model *m, const struct medsec_model_item *it)
{
    if (is_person(it) || (it->type && strcmp(it->type, "device") == 0))
        return false;
    if (shared_kind(it->kind))
        return true;
    const struct medsec_model_zone *z = it->zone ? medsec_model_find_zone(m, it->zone) : NULL;
    return z && is_shared_zone(m, z);
}

/* Does the ", "-separated list @list hold @id? */
static bool list_has(const char *list, const char *id)
{
    size_t n = strlen(id);
    for (const char *p = list; (p = strstr(p, id)) != NULL; p++)
        if ((p == list || (p >= list + 2 && p[-2] == ',' && p[-1] == ' ')) &&
            (p[n] == '\0' || p[n] == ','))
            return true;
    return false;
}

/* The worst harm (highest level) of the hazards caused by a loss of asset @asset; NULL when no
 * hazard names it. */
static const struct medsec_model_harm *asset_worst_harm(const struct medsec_model *m,
                                                        const char *asset, struct medsec_buf *hz)
{
    const struct medsec_model_harm *worst = NULL;
    for (size_t h = 0; h < m->nhazards; h++) {
        const struct medsec_model_hazard *hzd = &m->hazards[h];
        bool hit = false;
        for (size_t c = 0; c < hzd->ncaused_by && !hit; c++)
            hit = hzd->caused_by[c].asset && strcmp(hzd->caused_by[c].asset, asset) == 0;
        if (!hit)
            continue;
        if (hz && !list_has(hz->data, hzd->id))
            (void)medsec_buf_addf(hz, "%s%s", hz->len ? ", " : "", hzd->id);
        const struct medsec_model_harm *hm =
            hzd->harm ? medsec_model_find_harm(m, hzd->harm) : NULL;
        if (hm && (!worst || hm->level > worst->level))
            worst = hm;
    }
    return worst;
}

static const char *harm_name(const struct medsec_model_harm *h)
{
    return h ? (h->name ? h->name : h->id) : NULL;
}

static medsec_err view_multi_patient(struct views *v)
{
    const struct medsec_model *m = v->m;
    struct doc *d = v->d;
    doc_heading(d, sub(v, 1), "view-multi-patient-harm", "Multi-patient harm view");
    doc_para(d, "How one attack could reach many devices and patients at once. Criterion: an item "
                "is shared (one instance serves every device of the fleet) when it is neither a "
                "person nor a per-patient device (type \"device\"), and it is a back-end or "
                "third-party system (kind cloud_service, external_system or server) or sits in a "
                "shared zone: a zone reached over a network (access \"network\" or \"remote\") "
                "or one that holds a back-end service. "
                "A fleet-wide path is a data flow from a shared item to an item of the device, and "
                "a shared network is a network zone from which a device interface is reached. "
                "The harm of a path is the worst harm of the hazards caused by a loss of an asset "
                "it carries; a path is defended against a compromised shared item only by a "
                "control stated to hold end to end (end_to_end: true), such as a signature made "
                "outside the shared item and checked on each device. How the system would notice "
                "such an attack is the column of audit controls (capability AUDT) on the path.");
    struct dotw w;
    dw_init(&w, doc_set(v->d));
    dw_head(&w, "multi_patient_harm", "LR");
    /* shared items, by zone */
    size_t nshared = 0, npaths = 0;
    for (size_t z = 0; z <= m->nzones; z++) { /* z == nzones: shared items with no known zone */
        bool any = false;
        for (size_t i = 0; i < m->nitems; i++) {
            const struct medsec_model_item *it = &m->items[i];
            if (!in_zone(m, it, z) || !is_shared(m, it))
                continue;
            if (!any && z < m->nzones) {
                dw_cluster(&w, doc_set(d), m->zones[z].id,
                           docs_strf(doc_set(d), "%s (shared by the fleet)",
                                     m->zones[z].name ? m->zones[z].name : m->zones[z].id),
                           "style=\"dashed,rounded\"; color=\"#8e24aa\"; fontcolor=\"#4a148c\";");
            }
            any = true;
            dw_node(&w, "    ", it->id,
                    "shape=box3d, style=filled, fillcolor=\"#f3e5f5\", class=\"shared\", ",
                    it->name ? it->name : it->id);
            nshared++;
        }
        if (any && z < m->nzones)
            dw_s(&w, "  }\n");
    }
    /* per-device destinations of fleet-wide paths */
    dw_cluster(
        &w, doc_set(d), "device",
        docs_strf(doc_set(d), "One %s (repeated on every device of the fleet)", doc_set(d)->device),
        "style=\"rounded\"; color=\"#1565c0\"; fontcolor=\"#0d47a1\";");
    for (size_t i = 0; i < m->nitems; i++) {
        const struct medsec_model_item *it = &m->items[i];
        if (is_shared(m, it) || is_person(it))
            continue;
        bool target = false;
        for (size_t f = 0; f < m->nflows && !target; f++) {
            const struct medsec_model_item *src = medsec_model_find_item(m, m->flows[f].from);
            target = src && is_shared(m, src) && strcmp(m->flows[f].to, it->id) == 0;
        }
        for (size_t k = 0; k < m->ninterfaces && !target; k++) {
            const struct medsec_model_interface *in = &m->interfaces[k];
            const struct medsec_model_zone *z =
                in->zone ? medsec_model_find_zone(m, in->zone) : NULL;
            enum medsec_access a = z ? medsec_model_zone_access(z) : MEDSEC_ACCESS_COUNT;
            target = in->item && strcmp(in->item, it->id) == 0 &&
                     (a == MEDSEC_ACCESS_NETWORK || a == MEDSEC_ACCESS_REMOTE);
        }
        if (!target)
            continue;
        dw_node(&w, "    ", it->id, "shape=box, style=\"rounded,filled\", fillcolor=\"#e3f2fd\", ",
                it->name ? it->name : it->id);
    }
    dw_s(&w, "  }\n");
    /* shared networks reaching device interfaces */
    size_t nnets = 0;
    for (size_t k = 0; k < m->ninterfaces; k++) {
        const struct medsec_model_interface *in = &m->interfaces[k];
        const struct medsec_model_zone *z = in->zone ? medsec_model_find_zone(m, in->zone) : NULL;
        const struct medsec_model_item *it = in->item ? medsec_model_find_item(m, in->item) : NULL;
        if (!z || !it || is_shared(m, it))
            continue;
        enum medsec_access a = medsec_model_zone_access(z);
        if (a != MEDSEC_ACCESS_NETWORK && a != MEDSEC_ACCESS_REMOTE)
            continue;
        const char *nid = docs_strf(doc_set(d), "net:%s", z->id);
        dw_node(&w, "  ", nid,
                "shape=note, style=filled, fillcolor=\"#fff3e0\", class=\"shared_network\", ",
                docs_strf(doc_set(d), "%s\n(every device on it)", z->name ? z->name : z->id));
        dw_edge(&w, nid, it->id, NULL);
        dw_s(&w, "style=dotted, color=\"#e65100\", fontcolor=\"#e65100\", label=");
        dw_label(&w, docs_strf(doc_set(d), "reaches %s", in->name ? in->name : in->id));
        dw_s(&w, "];\n");
        nnets++;
    }
    /* the paths */
    static const char *const head[] = {"Fleet-wide path",
                                       "Shared item → device item",
                                       "Assets carried",
                                       "Hazards (worst harm)",
                                       "Holds if the shared item is compromised",
                                       "Detects or logs it (AUDT)",
                                       "All controls"};
    struct medsec_buf noasset = MEDSEC_BUF_INIT, undefended = MEDSEC_BUF_INIT;
    size_t nnoasset = 0, nundefended = 0;
    bool table = false;
    for (size_t f = 0; f < m->nflows; f++) {
        const struct medsec_model_flow *fl = &m->flows[f];
        const struct medsec_model_item *src = medsec_model_find_item(m, fl->from);
        const struct medsec_model_item *dst = medsec_model_find_item(m, fl->to);
        if (!src || !dst || !is_shared(m, src) || is_shared(m, dst) || is_person(dst))
            continue;
        npaths++;
        struct medsec_buf assets = MEDSEC_BUF_INIT, hz = MEDSEC_BUF_INIT;
        const struct medsec_model_harm *worst = NULL;
        for (size_t a = 0; a < m->nassets; a++) {
            if (!medsec_strlist_has(&m->assets[a].carried_by, fl->id))
                continue;
            (void)medsec_buf_addf(&assets, "%s%s", assets.len ? ", " : "", m->assets[a].id);
            const struct medsec_model_harm *h = asset_worst_harm(m, m->assets[a].id, &hz);
            if (h && (!worst || h->level > worst->level))
                worst = h;
        }
        const char *e2e = flow_controls(v, fl, CTL_END_TO_END);
        if (!assets.len)
            (void)medsec_buf_addf(&noasset, "%s%s", nnoasset++ ? ", " : "", fl->id);
        else if (worst && !*e2e)
            (void)medsec_buf_addf(&undefended, "%s%s (%s, %s)", nundefended++ ? "; " : "", fl->id,
                                  fl->from, harm_name(worst));
        if (!table) {
            doc_table(d, 7, head);
            table = true;
        }
        doc_cell(d, "%s (%s)", fl->name ? fl->name : fl->id, fl->id);
        doc_cell(d, "%s → %s", fl->from, fl->to);
        doc_cell(d, "%s", assets.len ? assets.data : "none stated");
        doc_cell(d, "%s%s%s%s", hz.len ? hz.data : "none linked", worst ? " (" : "",
                 worst ? harm_name(worst) : "", worst ? ")" : "");
        doc_cell(d, "%s", *e2e ? e2e : "none");
        const char *audt = flow_controls(v, fl, CTL_DETECT);
        doc_cell(d, "%s", *audt ? audt : "none");
        doc_cell(d, "%s", flow_controls(v, fl, CTL_ALL));
        dw_edge(&w, fl->from, fl->to, fl->id);
        dw_s(&w, "penwidth=2, label=");
        dw_label(&w, docs_strf(doc_set(d), "%s\n%s%s%s%s", fl->name ? fl->name : fl->id,
                               worst ? "worst harm: " : "no hazard linked",
                               worst ? harm_name(worst) : "",
                               *e2e ? "\nend to end: " : "\nno end-to-end control", e2e));
        if (worst && !*e2e)
            dw_s(&w, ", color=\"#b00020\", fontcolor=\"#b00020\"");
        dw_s(&w, "];\n");
        medsec_buf_release(&assets);
        medsec_buf_release(&hz);
    }
    /* flows between shared items: how a compromise moves inside the shared tier */
    for (size_t f = 0; f < m->nflows; f++) {
        const struct medsec_model_flow *fl = &m->flows[f];
        const struct medsec_model_item *src = medsec_model_find_item(m, fl->from);
        const struct medsec_model_item *dst = medsec_model_find_item(m, fl->to);
        if (!src || !dst || !is_shared(m, src) || !is_shared(m, dst))
            continue;
        dw_edge(&w, fl->from, fl->to, fl->id);
        dw_s(&w, "color=\"#9e9e9e\", fontcolor=\"#616161\", label=");
        dw_label(&w, fl->name ? fl->name : fl->id);
        dw_s(&w, "];\n");
    }
    /* assets held by shared items: one breach reaches the data of every patient */
    static const char *const head2[] = {"Asset", "Held by (shared)", "Functions",
                                        "Hazards (worst harm)"};
    bool table2 = false;
    for (size_t a = 0; a < m->nassets; a++) {
        const struct medsec_model_asset *as = &m->assets[a];
        const char *holder = NULL;
        for (size_t s = 0; s < as->stored_in.n && !holder; s++) {
            const struct medsec_model_item *it = medsec_model_find_item(m, as->stored_in.v[s]);
            if (it && is_shared(m, it))
                holder = it->id;
        }
        if (!holder)
            continue;
        struct medsec_buf hz = MEDSEC_BUF_INIT, fn = MEDSEC_BUF_INIT;
        const struct medsec_model_harm *worst = asset_worst_harm(m, as->id, &hz);
        for (size_t k = 0; k < as->functions.n; k++)
            (void)medsec_buf_addf(&fn, "%s%s", k ? ", " : "", as->functions.v[k]);
        if (!table2) {
            doc_para(d, "Assets held by a shared item: a single breach of that item reaches the "
                        "data or function of every patient it serves.");
            doc_table(d, 4, head2);
            table2 = true;
        }
        doc_cell(d, "%s (%s)", as->name ? as->name : as->id, as->id);
        doc_cell(d, "%s", holder);
        doc_cell(d, "%s", fn.data);
        doc_cell(d, "%s%s%s%s", hz.len ? hz.data : "none linked", worst ? " (" : "",
                 worst ? harm_name(worst) : "", worst ? ")" : "");
        const char *aid = docs_strf(doc_set(d), "asset:%s", as->id);
        dw_node(&w, "  ", aid, "shape=cylinder, fontsize=9, style=filled, fillcolor=\"#fce4ec\", ",
                docs_strf(doc_set(d), "%s\n(every patient's)%s%s", as->name ? as->name : as->id,
                          worst ? "\nworst harm: " : "", worst ? harm_name(worst) : ""));
        dw_edge(&w, holder, aid, NULL);
        dw_s(&w, "dir=none, style=dotted, color=\"#777777\"];\n");
        medsec_buf_release(&hz);
        medsec_buf_release(&fn);
    }
    dw_s(&w, "}\n");
    medsec_err rc = MEDSEC_OK;
    if (!nshared && !nnets) {
        doc_para(d, "No item of the security file is shared by several devices and no device "
                    "interface is reached from a network zone: by the criterion above, no single "
                    "attack reaches more than one device.");
    } else {
        doc_para(d,
                 "Shared items: %zu; fleet-wide paths: %zu; shared networks reaching the "
                 "device: %zu.",
                 nshared, npaths, nnets);
        rc = view_figure(v, "multi-patient-harm", &w,
                         "Multi-patient harm view: shared items (purple), the fleet-wide paths "
                         "from them into each device with the worst harm they can cause (red "
                         "when no control holds end to end), shared networks (orange) and the "
                         "assets of many patients held by shared items.");
    }
    if (!rc && nundefended)
        doc_callout(d, DOC_WARNING,
                    "Fleet-wide paths that can cause harm and have no control stated to hold "
                    "when the shared item is compromised: %s.",
                    undefended.data);
    if (!rc && nnoasset)
        docs_section_gap(v->d, "view:multi-patient-harm",
                         "Fleet-wide paths that carry no asset (assets[].carried_by), so the harm "
                         "a compromised shared item could cause through them cannot be derived "
                         "(%zu): %s.",
                         nnoasset, noasset.data);
    if (!rc && (npaths || nshared) && !m->nhazards)
        docs_section_gap(
            v->d, "view:multi-patient-harm",
            "The security file has no hazards, so no fleet-wide path can be tied to a harm.");
    medsec_buf_release(&noasset);
    medsec_buf_release(&undefended);
    medsec_buf_release(&w.b);
    return rc ? rc : docs_status(v->g);
}

/* ---- 3. updatability / patchability view ---- */

static bool is_software(const struct medsec_model_item *it)
{
    if (it->element == MEDSEC_ELEMENT_EXTERNAL_ENTITY || is_person(it))
        return false;
    return !(it->kind && strcmp(it->kind, "hardware") == 0);
}

static bool is_update(const struct medsec_model_flow *f)
{
    return f->purpose && strcmp(f->purpose, "update") == 0;
}

/* The item at the bottom of @id's runs_on chain (its platform); bounded against cycles. */
static const char *platform_of(const struct medsec_model *m, const char *id)
{
    const struct medsec_model_item *it = medsec_model_find_item(m, id);
    for (size_t n = 0; it && it->runs_on && n < m->nitems; n++) {
        const struct medsec_model_item *up = medsec_model_find_item(m, it->runs_on);
        if (!up)
            break;
        it = up;
    }
    return it ? it->id : id;
}

/* Does @id run on @base (directly or further down its runs_on chain)? */
static bool runs_on(const struct medsec_model *m, const char *id, const char *base)
{
    const struct medsec_model_item *it = medsec_model_find_item(m, id);
    for (size_t n = 0; it && it->runs_on && n < m->nitems; n++) {
        if (strcmp(it->runs_on, base) == 0)
            return true;
        it = medsec_model_find_item(m, it->runs_on);
    }
    return false;
}

/* Does update flow @f update item @id? It does when it ends at the item or at an item the item
 * runs on, or at a privileged item (an update agent) of the same platform, which installs the
 * platform's image. */
static bool update_reaches(const struct medsec_model *m, const struct medsec_model_flow *f,
                           const char *id)
{
    if (strcmp(f->to, id) == 0 || runs_on(m, id, f->to))
        return true;
    const struct medsec_model_item *to = medsec_model_find_item(m, f->to);
    return to && to->privileged == 1 && strcmp(platform_of(m, f->to), platform_of(m, id)) == 0;
}

/* Append to @out the items an update through flow @f comes from at first hand: its source, or when
 * the source is itself a software item, whoever delivers updates to it (bounded by @depth). */
static void update_origins(const struct medsec_model *m, const struct medsec_model_flow *f,
                           struct medsec_buf *out, size_t depth)
{
    const struct medsec_model_item *src = medsec_model_find_item(m, f->from);
    bool upstream = false;
    if (src && is_software(src) && depth < m->nitems)
        for (size_t e = 0; e < m->nflows; e++)
            if (is_update(&m->flows[e]) && &m->flows[e] != f &&
                strcmp(m->flows[e].to, f->from) == 0) {
                update_origins(m, &m->flows[e], out, depth + 1);
                upstream = true;
            }
    if (!upstream && !list_has(out->data, f->from))
        (void)medsec_buf_addf(out, "%s%s", out->len ? ", " : "", f->from);
}

/* "name version" of the SBOM components an item names, comma-separated. */
static const char *item_components(struct views *v, const struct medsec_model_item *it, size_t *n)
{
    struct medsec_buf t = MEDSEC_BUF_INIT;
    const struct medsec_sbom *s = it->sbom ? medsec_model_sbom(v->m, it->sbom) : NULL;
    *n = 0;
    for (size_t k = 0; k < it->components.n; k++) {
        const struct medsec_sbom_component *c = s ? medsec_sbom_find(s, it->components.v[k]) : NULL;
        (void)medsec_buf_addf(&t, "%s%s%s%s", k ? ", " : "",
                              c && c->name ? c->name : it->components.v[k],
                              c && c->version ? " " : "", c && c->version ? c->version : "");
        (*n)++;
    }
    const char *r = docs_strf(doc_set(v->d), "%s", t.data);
    medsec_buf_release(&t);
    return r ? r : "";
}

/* Does a control that checks integrity (capability CSUP, IGAU or TXIG) apply to @f? */
static bool update_verified(const struct medsec_model *m, const struct medsec_model_flow *f)
{
    for (size_t i = 0; i < m->ncontrols; i++)
        if (verifies(&m->controls[i]) && control_applies_to_flow(m, &m->controls[i], f))
            return true;
    return false;
}

static medsec_err view_updatability(struct views *v)
{
    const struct medsec_model *m = v->m;
    struct doc *d = v->d;
    struct medsec_docs *s = doc_set(d);
    doc_heading(d, sub(v, 1), "view-updatability", "Updatability and patchability view");
    doc_para(d,
             "Every software item of the device with the path by which an update reaches it: "
             "who delivers it, through which data flow (purpose \"update\") and interface, which "
             "controls verify it, and the SBOM components it carries. An update flow updates "
             "the item it ends at and the items running on that item; when it ends at a "
             "privileged item (an update agent), it updates everything on that item's platform "
             "(the bottom of its runs_on chain), which is installed as one image. Software "
             "items are the file's items that are not external entities, people or hardware. "
             "Items with no update path are drawn red.");
    struct dotw w;
    dw_init(&w, doc_set(v->d));
    dw_head(&w, "updatability", "LR");
    /* delivering sources */
    for (size_t i = 0; i < m->nitems; i++) {
        const struct medsec_model_item *it = &m->items[i];
        bool src = false;
        for (size_t f = 0; f < m->nflows && !src; f++)
            src = is_update(&m->flows[f]) && strcmp(m->flows[f].from, it->id) == 0 &&
                  !is_software(it);
        if (!src)
            continue;
        dw_node(&w, "  ", it->id, "shape=box, penwidth=1.5, class=\"source\", ",
                it->name ? it->name : it->id);
    }
    /* software items, one cluster per platform */
    struct medsec_buf missing = MEDSEC_BUF_INIT, nosbom = MEDSEC_BUF_INIT;
    size_t nmissing = 0, nnosbom = 0, nsoftware = 0;
    for (size_t p = 0; p < m->nitems; p++) {
        const struct medsec_model_item *plat = &m->items[p];
        if (!is_software(plat) || strcmp(platform_of(m, plat->id), plat->id) != 0)
            continue;
        dw_cluster(&w, s, plat->id,
                   docs_strf(s, "Platform: %s", plat->name ? plat->name : plat->id),
                   "style=\"dashed,rounded\"; color=\"#555555\";");
        for (size_t i = 0; i < m->nitems; i++) {
            const struct medsec_model_item *it = &m->items[i];
            if (!is_software(it) || strcmp(platform_of(m, it->id), plat->id) != 0)
                continue;
            bool reached = false;
            for (size_t f = 0; f < m->nflows && !reached; f++)
                reached = is_update(&m->flows[f]) && update_reaches(m, &m->flows[f], it->id);
            size_t ncomp = 0;
            const char *comps = item_components(v, it, &ncomp);
            dw_s(&w, "    ");
            dw_q(&w, it->id);
            dw_s(&w, reached ? " [shape=plain, class=\"software\", label=<"
                             : " [shape=plain, class=\"software no_update\", label=<");
            dw_f(&w,
                 "<TABLE BORDER=\"1\" CELLBORDER=\"0\" CELLPADDING=\"3\" BGCOLOR=\"%s\" "
                 "COLOR=\"%s\"><TR><TD><B>",
                 reached ? "#eef3fb" : "#ffebee", reached ? "#1b3a66" : "#b00020");
            dw_h(&w, it->name ? it->name : it->id, 40);
            dw_s(&w, "</B></TD></TR><TR><TD><FONT POINT-SIZE=\"8\">");
            dw_h(&w,
                 docs_strf(s, "%s%s%s", it->id, it->version ? " · version " : "",
                           it->version ? it->version : ""),
                 56);
            dw_s(&w, "</FONT></TD></TR><TR><TD><FONT POINT-SIZE=\"8\">");
            dw_h(&w, ncomp ? docs_strf(s, "SBOM: %s", comps) : "no SBOM components named", 56);
            dw_s(&w, "</FONT></TD></TR>");
            if (!reached)
                dw_s(&w, "<TR><TD><FONT COLOR=\"#b00020\"><B>NO UPDATE PATH</B></FONT></TD></TR>");
            dw_s(&w, "</TABLE>>];\n");
            nsoftware++;
            if (!reached)
                (void)medsec_buf_addf(&missing, "%s%s", nmissing++ ? ", " : "", it->id);
            if (!ncomp)
                (void)medsec_buf_addf(&nosbom, "%s%s", nnosbom++ ? ", " : "", it->id);
        }
        dw_s(&w, "  }\n");
    }
    /* update flows, and what a privileged receiver installs */
    for (size_t f = 0; f < m->nflows; f++) {
        const struct medsec_model_flow *fl = &m->flows[f];
        if (!is_update(fl))
            continue;
        const char *ctl = flow_controls(v, fl, CTL_VERIFY);
        bool ok = fl->integrity == 1 || update_verified(m, fl);
        dw_edge(&w, fl->from, fl->to, fl->id);
        dw_s(&w, "penwidth=1.5, label=");
        dw_label(&w, docs_strf(s, "%s\n%s%s%s%s", fl->name ? fl->name : fl->id,
                               fl->protocol ? fl->protocol : "", fl->via ? " via " : "",
                               fl->via ? fl->via : "",
                               *ctl ? docs_strf(s, "\nverified by: %s", ctl) : ""));
        if (!ok)
            dw_s(&w, ", color=\"#b00020\", fontcolor=\"#b00020\", style=dashed");
        dw_s(&w, "];\n");
        const struct medsec_model_item *to = medsec_model_find_item(m, fl->to);
        const char *plat = to ? platform_of(m, to->id) : NULL;
        if (to && to->privileged == 1 && plat && strcmp(plat, to->id) != 0) {
            bool seen = false; /* one "installs" edge per receiver */
            for (size_t e = 0; e < f && !seen; e++)
                seen = is_update(&m->flows[e]) && strcmp(m->flows[e].to, to->id) == 0;
            if (!seen) {
                dw_edge(&w, to->id, plat, NULL);
                dw_s(&w, "style=dotted, color=\"#555555\", fontcolor=\"#555555\", "
                         "label=\"installs the platform image\"];\n");
            }
        }
    }
    dw_s(&w, "}\n");
    medsec_err rc = view_figure(v, "updatability", &w,
                                "Updatability and patchability view: each software item by "
                                "platform with its SBOM components, the update flows that reach "
                                "it with the controls that verify them, and (red) the items with "
                                "no update path.");
    /* the table */
    static const char *const head[] = {"Software item",
                                       "Version",
                                       "SBOM components",
                                       "Delivered by",
                                       "Update path (flow: from → to, via)",
                                       "Verified by"};
    if (!rc)
        doc_table(d, 6, head);
    for (size_t i = 0; !rc && i < m->nitems; i++) {
        const struct medsec_model_item *it = &m->items[i];
        if (!is_software(it))
            continue;
        struct medsec_buf path = MEDSEC_BUF_INIT, ver = MEDSEC_BUF_INIT, from = MEDSEC_BUF_INIT;
        for (size_t f = 0; f < m->nflows; f++) {
            const struct medsec_model_flow *fl = &m->flows[f];
            if (!is_update(fl) || !update_reaches(m, fl, it->id))
                continue;
            update_origins(m, fl, &from, 0);
            (void)medsec_buf_addf(&path, "%s%s: %s → %s%s%s", path.len ? "; " : "", fl->id,
                                  fl->from, fl->to, fl->via ? ", via " : "",
                                  fl->via ? fl->via : "");
            const char *ctl = flow_controls(v, fl, CTL_VERIFY);
            if (*ctl)
                (void)medsec_buf_addf(&ver, "%s%s: %s", ver.len ? "; " : "", fl->id, ctl);
        }
        size_t ncomp = 0;
        const char *comps = item_components(v, it, &ncomp);
        doc_cell(d, "%s (%s)", it->name ? it->name : it->id, it->id);
        doc_cell(d, "%s", it->version ? it->version : "not stated");
        doc_cell(d, "%s", ncomp ? comps : "none named");
        doc_cell(d, "%s", from.data);
        doc_cell(d, "%s", path.len ? path.data : "NO UPDATE PATH");
        doc_cell(d, "%s", ver.len ? ver.data : (path.len ? "no control stated" : ""));
        medsec_buf_release(&path);
        medsec_buf_release(&ver);
        medsec_buf_release(&from);
    }
    if (!rc) {
        struct medsec_buf weak = MEDSEC_BUF_INIT;
        for (size_t f = 0; f < m->nflows; f++)
            if (is_update(&m->flows[f]) && m->flows[f].integrity != 1 &&
                !update_verified(m, &m->flows[f]))
                (void)medsec_buf_addf(&weak, "%s%s", weak.len ? ", " : "", m->flows[f].id);
        if (weak.len)
            doc_callout(d, DOC_WARNING,
                        "Update flows with neither integrity protection nor a control that "
                        "verifies updates (CSUP, IGAU or TXIG): %s.",
                        weak.data);
        medsec_buf_release(&weak);
    }
    if (!rc && !nsoftware)
        docs_section_gap(v->d, "view:updatability", "The security file names no software item.");
    if (!rc && nmissing)
        docs_section_gap(
            v->d, "view:updatability",
            "Software items with no update path in the security file: no flow with purpose "
            "\"update\" reaches them or their platform's update agent (%zu): %s.",
            nmissing, missing.data);
    if (!rc && nnosbom)
        docs_section_gap(
            v->d, "view:updatability/sbom",
            "Software items that name no SBOM components, so the view cannot say what an "
            "update of them replaces (%zu): %s.",
            nnosbom, nosbom.data);
    medsec_buf_release(&missing);
    medsec_buf_release(&nosbom);
    medsec_buf_release(&w.b);
    return rc ? rc : docs_status(v->g);
}

/* ---- 4. security use-case views ---- */

static const struct {
    const char *purpose, *title;
} use_case_titles[] = {
    {"update", "Software update"},
    {"therapy", "Therapy programming"},
    {"configuration", "Configuration"},
    {"command", "Device commands"},
    {"control", "Device control"},
    {"telemetry", "Telemetry and monitoring"},
    {"clinical_data", "Clinical data exchange"},
    {"logs", "Logging"},
    {"authentication", "Authentication and key use"},
    {"service", "Remote service"},
    {"remote_service", "Remote service"},
    {"export", "Data export"},
    {"ui", "User interaction"},
};

static const char *use_case_title(struct medsec_docs *s, const char *purpose)
{
    for (size_t i = 0; i < sizeof use_case_titles / sizeof *use_case_titles; i++)
        if (strcmp(use_case_titles[i].purpose, purpose) == 0)
            return use_case_titles[i].title;
    return docs_strf(s, "Flows with purpose \"%s\"", purpose);
}

/* Sequence order of the flows of one purpose: a flow comes after the flows that deliver to its
 * source; among equals, file order. @order gets flow indices; returns how many. */
static size_t use_case_order(const struct medsec_model *m, const char *purpose, size_t *order,
                             unsigned char *done)
{
    size_t n = 0, total = 0;
    for (size_t f = 0; f < m->nflows; f++) {
        done[f] = !(m->flows[f].purpose && strcmp(m->flows[f].purpose, purpose) == 0);
        total += !done[f];
    }
    while (n < total) {
        size_t before = n;
        for (size_t f = 0; f < m->nflows; f++) {
            if (done[f])
                continue;
            bool waits = false; /* an undone flow of the use case delivers to this flow's source */
            for (size_t e = 0; e < m->nflows && !waits; e++)
                waits = e != f && !done[e] && strcmp(m->flows[e].to, m->flows[f].from) == 0 &&
                        strcmp(m->flows[e].from, m->flows[f].to) != 0;
            if (!waits) {
                order[n++] = f;
                done[f] = 1;
            }
        }
        if (n == before) { /* a cycle: take the first remaining flow */
            for (size_t f = 0; f < m->nflows; f++)
                if (!done[f]) {
                    order[n++] = f;
                    done[f] = 1;
                    break;
                }
        }
    }
    return n;
}

/* @s with every character but [a-z0-9_-] replaced by '-' (a file name and anchor part). */
static const char *slug(struct medsec_docs *set, const char *s)
{
    char *r = (char *)docs_strf(set, "%s", s);
    for (char *p = r; p && *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '-'))
            *p = '-';
    return r ? r : "";
}

static medsec_err view_use_case(struct views *v, const char *purpose, size_t *order,
                                unsigned char *done)
{
    const struct medsec_model *m = v->m;
    struct doc *d = v->d;
    struct medsec_docs *s = doc_set(d);
    size_t n = use_case_order(m, purpose, order, done);
    const char *title = use_case_title(s, purpose);
    const char *name = docs_strf(s, "use-case-%s", slug(s, purpose));
    doc_heading(d, sub(v, 2), docs_strf(s, "view-%s", name ? name : ""), "Use case: %s", title);
    struct dotw w;
    dw_init(&w, doc_set(v->d));
    dw_head(&w, "use_case", "LR");
    /* the elements, in their zones */
    for (size_t z = 0; z <= m->nzones; z++) {
        bool any = false;
        for (size_t i = 0; i < m->nitems; i++) {
            const struct medsec_model_item *it = &m->items[i];
            bool in = in_zone(m, it, z);
            bool used = false;
            for (size_t k = 0; k < n && !used; k++)
                used = strcmp(m->flows[order[k]].from, it->id) == 0 ||
                       strcmp(m->flows[order[k]].to, it->id) == 0;
            if (!in || !used)
                continue;
            if (!any && z < m->nzones) {
                dw_cluster(&w, s, m->zones[z].id,
                           m->zones[z].name ? m->zones[z].name : m->zones[z].id,
                           "style=\"dashed,rounded\"; color=\"#555555\"; fontcolor=\"#333333\";");
            }
            any = true;
            dw_node(&w, "    ", it->id,
                    it->element == MEDSEC_ELEMENT_EXTERNAL_ENTITY ? "shape=box, penwidth=1.5, "
                    : it->element == MEDSEC_ELEMENT_DATA_STORE
                        ? "shape=cylinder, "
                        : "shape=ellipse, style=filled, fillcolor=\"#eef3fb\", ",
                    it->name ? it->name : it->id);
        }
        if (any && z < m->nzones)
            dw_s(&w, "  }\n");
    }
    static const char *const head[] = {"Step", "Flow",       "From → to",
                                       "Via",  "Protection", "Controls"};
    doc_table(d, 6, head);
    for (size_t k = 0; k < n; k++) {
        const struct medsec_model_flow *fl = &m->flows[order[k]];
        const char *ctl = flow_controls(v, fl, CTL_ALL);
        doc_cell(d, "%zu", k + 1);
        doc_cell(d, "%s (%s)", fl->name ? fl->name : fl->id, fl->id);
        doc_cell(d, "%s → %s", fl->from, fl->to);
        doc_cell(d, "%s", fl->via ? fl->via : "");
        doc_cell(d, "%s", flow_protection(v, fl));
        doc_cell(d, "%s", *ctl ? ctl : "none");
        dw_edge(&w, fl->from, fl->to, fl->id);
        dw_s(&w, "label=");
        dw_label(&w, docs_strf(s, "%zu. %s\n%s%s%s%s", k + 1, fl->name ? fl->name : fl->id,
                               fl->protocol ? fl->protocol : "",
                               fl->encrypted == 1 ? " (enc.)" : " (clear)",
                               fl->authenticated == 1 ? "" : " (unauth.)",
                               *ctl ? docs_strf(s, "\ncontrols: %s", ctl) : ""));
        if (fl->encrypted != 1)
            dw_s(&w, ", color=\"#b00020\", fontcolor=\"#b00020\", style=dashed");
        dw_s(&w, "];\n");
    }
    dw_s(&w, "}\n");
    medsec_err rc = view_figure(
        v, name ? name : "use-case", &w,
        docs_strf(s,
                  "Security use case \"%s\": the elements and the data flows (%zu) with "
                  "purpose \"%s\", numbered in sequence, each with its protection and the "
                  "controls that apply.",
                  title, n, purpose));
    medsec_buf_release(&w.b);
    return rc;
}

static medsec_err view_use_cases(struct views *v)
{
    const struct medsec_model *m = v->m;
    struct doc *d = v->d;
    doc_heading(d, sub(v, 1), "view-security-use-cases", "Security use-case views");
    doc_para(d, "One view per use case of the device, derived from the purposes of its data flows "
                "(software update, therapy programming, configuration, telemetry ...): the "
                "elements involved, the flows in sequence order (a flow follows the flows that "
                "deliver to its source) and the controls that apply to each step (named against "
                "the flow, its interface or an asset it carries). Flows in clear are drawn red.");
    medsec_err rc = MEDSEC_OK;
    size_t *order = medsec_malloc((m->nflows ? m->nflows : 1) * sizeof *order);
    unsigned char *done = medsec_malloc(m->nflows ? m->nflows : 1);
    if (!order || !done) {
        rc = medsec_error_set(v->g->err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        goto out_free;
    }
    struct medsec_buf none = MEDSEC_BUF_INIT;
    size_t nnone = 0, ncases = 0;
    for (size_t f = 0; !rc && f < m->nflows; f++) {
        const char *p = m->flows[f].purpose;
        if (!p) {
            (void)medsec_buf_addf(&none, "%s%s", nnone++ ? ", " : "", m->flows[f].id);
            continue;
        }
        bool seen = false;
        for (size_t e = 0; e < f && !seen; e++)
            seen = m->flows[e].purpose && strcmp(m->flows[e].purpose, p) == 0;
        if (!seen) {
            rc = view_use_case(v, p, order, done);
            ncases++;
        }
    }
    if (!rc && !ncases)
        docs_section_gap(v->d, "view:security-use-cases",
                         "No data flow states its purpose, so no use case can be drawn.");
    if (!rc && nnone)
        docs_section_gap(v->d, "view:security-use-cases",
                         "Data flows that state no purpose and belong to no use-case view (%zu): "
                         "%s.",
                         nnone, none.data);
    medsec_buf_release(&none);
out_free:
    medsec_free(order);
    medsec_free(done);
    return rc ? rc : docs_status(v->g);
}

medsec_err docs_arch_views(struct docs_gen *g, struct doc *d, int level)
{
    if (!d)
        return docs_status(g);
    struct views v = {g, d, g->model, level, !set_has_file(g->set, "views/global-system.svg")};
    doc_heading(d, level, "architecture-views", "Security architecture views");
    doc_para(d,
             "The four security architecture views of the FDA premarket cybersecurity guidance "
             "(Cybersecurity in Medical Devices: Quality System Considerations and Content of "
             "Premarket Submissions, section V.B.2 \"Security Architecture Views\"; Appendix 2 "
             "on call-flow detail): a global system view, a multi-patient harm view, an "
             "updatability/patchability view and security use-case views. Each is generated from "
             "the security file (%s) of release %s, so it changes when the design changes; the "
             "SVG files are in files/views/.",
             g->model->file ? "device.yaml" : "security file", g->release->version);
    if (g->model->device.current_version &&
        strcmp(g->model->device.current_version, g->release->version) != 0)
        doc_callout(d, DOC_NOTE,
                    "The security file describes one architecture, that of the current version "
                    "%s; these views show it, not a record of release %s.",
                    g->model->device.current_version, g->release->version);
    medsec_err rc = view_global(&v);
    if (!rc)
        rc = view_multi_patient(&v);
    if (!rc)
        rc = view_updatability(&v);
    if (!rc)
        rc = view_use_cases(&v);
    return rc ? rc : docs_status(g);
}
