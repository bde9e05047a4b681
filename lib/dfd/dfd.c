/* dfd.c: build the DOT text of a data-flow diagram and lay it out / render it with Graphviz. */
#include <graphviz/cgraph.h>
#include <graphviz/gvc.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/dfd.h"

medsec_err medsec_dot_quoted(struct medsec_buf *b, const char *s)
{
    medsec_err rc = medsec_buf_addc(b, '"');
    for (; s && *s && !rc; s++) {
        if (*s == '"' || *s == '\\')
            rc = medsec_buf_addc(b, '\\');
        if (!rc)
            rc = (*s == '\n') ? medsec_buf_adds(b, "\\n") : medsec_buf_addc(b, *s);
    }
    return rc ? rc : medsec_buf_addc(b, '"');
}

medsec_err medsec_dot_html(struct medsec_buf *b, const char *s)
{
    medsec_err rc = MEDSEC_OK;
    for (; s && *s && !rc; s++) {
        switch (*s) {
        case '&': rc = medsec_buf_adds(b, "&amp;"); break;
        case '<': rc = medsec_buf_adds(b, "&lt;"); break;
        case '>': rc = medsec_buf_adds(b, "&gt;"); break;
        case '"': rc = medsec_buf_adds(b, "&quot;"); break;
        default: rc = medsec_buf_addc(b, *s);
        }
    }
    return rc;
}

static bool flag(const struct medsec_tm_element *e, const char *name)
{
    const struct medsec_tm_attr *a = medsec_tm_attr_get(e, name);
    return a && a->type == MEDSEC_TM_BOOL && a->b;
}

static const char *str(const struct medsec_tm_element *e, const char *name)
{
    const struct medsec_tm_attr *a = medsec_tm_attr_get(e, name);
    return a && a->type == MEDSEC_TM_STR ? a->s : NULL;
}

static int cmp_elem(const void *a, const void *b)
{
    const struct medsec_tm_element *const *x = a, *const *y = b;
    return strcmp((*x)->id, (*y)->id);
}

static int cmp_zone(const void *a, const void *b)
{
    const struct medsec_tm_zone *const *x = a, *const *y = b;
    return strcmp((*x)->id, (*y)->id);
}

static medsec_err node(struct medsec_buf *b, const struct medsec_tm_element *e, const char *indent)
{
    medsec_err rc = medsec_buf_adds(b, indent);
    rc = rc ? rc : medsec_dot_quoted(b, e->id);
    if (rc)
        return rc;
    switch (e->kind) {
    case MEDSEC_ELEMENT_DATA_STORE:
        rc = medsec_buf_adds(b, " [shape=plain, label=<<TABLE BORDER=\"0\" CELLSPACING=\"0\">"
                                "<TR><TD BORDER=\"1\" SIDES=\"TB\" CELLPADDING=\"6\">");
        rc = rc ? rc : medsec_dot_html(b, e->name);
        rc = rc ? rc : medsec_buf_adds(b, "</TD></TR></TABLE>>];\n");
        return rc;
    case MEDSEC_ELEMENT_PROCESS:
        rc = medsec_buf_adds(b, " [shape=ellipse, style=filled, fillcolor=\"#eef3fb\", label=");
        break;
    case MEDSEC_ELEMENT_EXTERNAL_ENTITY:
        rc = medsec_buf_adds(b, " [shape=box, penwidth=1.5, label=");
        break;
    case MEDSEC_ELEMENT_INTERFACE:
        rc = medsec_buf_adds(
            b, flag(e, "debug") ? " [shape=cds, fontsize=9, height=0.3, color=\"#b00020\", label="
                                : " [shape=cds, fontsize=9, height=0.3, label=");
        break;
    default: rc = medsec_buf_adds(b, " [label=");
    }
    if (rc)
        return rc;
    const char *itype = e->kind == MEDSEC_ELEMENT_INTERFACE ? str(e, "type") : NULL;
    if (itype && strcmp(itype, e->name) != 0) {
        struct medsec_buf t = MEDSEC_BUF_INIT;
        medsec_buf_init(&t, 4096);
        rc = medsec_buf_addf(&t, "%s\n(%s)", e->name, itype);
        rc = rc ? rc : medsec_dot_quoted(b, t.data);
        medsec_buf_release(&t);
    } else {
        rc = medsec_dot_quoted(b, e->name);
    }
    return rc ? rc : medsec_buf_adds(b, "];\n");
}

static medsec_err flow(struct medsec_buf *b, const struct medsec_tm_element *e)
{
    bool enc = flag(e, "encrypted"), auth = flag(e, "authenticated");
    const char *proto = str(e, "protocol");
    struct medsec_buf label = MEDSEC_BUF_INIT;
    medsec_buf_init(&label, 4096);
    medsec_err rc = medsec_buf_adds(&label, e->name);
    if (!rc && proto)
        rc = medsec_buf_addf(&label, "\n%s", proto);
    if (!rc)
        rc = medsec_buf_adds(&label, enc ? (proto ? " (enc.)" : "\n(enc.)")
                                         : (proto ? " (clear)" : "\n(clear)"));
    if (!rc && !auth)
        rc = medsec_buf_adds(&label, " (unauth.)");
    rc = rc ? rc : medsec_buf_adds(b, "  ");
    rc = rc ? rc : medsec_dot_quoted(b, e->from);
    rc = rc ? rc : medsec_buf_adds(b, " -> ");
    rc = rc ? rc : medsec_dot_quoted(b, e->to);
    rc = rc ? rc : medsec_buf_adds(b, " [id=");
    rc = rc ? rc : medsec_dot_quoted(b, e->id);
    rc = rc ? rc : medsec_buf_adds(b, ", label=");
    rc = rc ? rc : medsec_dot_quoted(b, label.data);
    if (!rc && !enc)
        rc = medsec_buf_adds(b, ", color=\"#b00020\", fontcolor=\"#b00020\", style=dashed");
    rc = rc ? rc : medsec_buf_adds(b, "];\n");
    medsec_buf_release(&label);
    return rc;
}

medsec_err medsec_dfd_dot(const struct medsec_tm_graph *g, const char *title,
                          struct medsec_buf *out, struct medsec_error *err)
{
    medsec_err rc = MEDSEC_OK;
    const struct medsec_tm_element **el = medsec_malloc((g->n ? g->n : 1) * sizeof *el);
    const struct medsec_tm_zone **zs = medsec_malloc((g->nzones ? g->nzones : 1) * sizeof *zs);
    if (!el || !zs) {
        rc = MEDSEC_ENOMEM;
        goto out_free;
    }
    for (size_t i = 0; i < g->n; i++)
        el[i] = &g->elements[i];
    for (size_t i = 0; i < g->nzones; i++)
        zs[i] = &g->zones[i];
    if (g->n)
        qsort(el, g->n, sizeof *el, cmp_elem);
    if (g->nzones)
        qsort(zs, g->nzones, sizeof *zs, cmp_zone);
    for (size_t i = 0; i < g->n; i++) {
        const struct medsec_tm_element *e = el[i];
        if (e->kind == MEDSEC_ELEMENT_DATA_FLOW &&
            (!medsec_tm_find(g, e->from) || !medsec_tm_find(g, e->to))) {
            rc = medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                  "flow '%s' joins an unknown element", e->id);
            goto out_free;
        }
    }

    rc = medsec_buf_adds(out,
                         "digraph dfd {\n  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, "
                         "nodesep=0.35, ranksep=0.9, newrank=true");
    if (!rc && title) {
        rc = medsec_buf_adds(out, ", labelloc=t, label=");
        rc = rc ? rc : medsec_dot_quoted(out, title);
    }
    rc = rc ? rc
            : medsec_buf_adds(out, "];\n  node [fontname=\"Helvetica\", fontsize=10];\n"
                                   "  edge [fontname=\"Helvetica\", fontsize=8, color=\"#1b5e20\", "
                                   "fontcolor=\"#1b5e20\"];\n");
    for (size_t z = 0; z < g->nzones && !rc; z++) {
        rc = medsec_buf_adds(out, "  subgraph ");
        struct medsec_buf cid = MEDSEC_BUF_INIT;
        medsec_buf_init(&cid, 4096);
        rc = rc ? rc : medsec_buf_addf(&cid, "cluster_%s", zs[z]->id);
        rc = rc ? rc : medsec_dot_quoted(out, cid.data);
        medsec_buf_release(&cid);
        rc = rc ? rc : medsec_buf_adds(out, " {\n    label=");
        rc = rc ? rc : medsec_dot_quoted(out, zs[z]->name);
        rc = rc ? rc
                : medsec_buf_adds(out, ";\n    style=\"dashed,rounded\"; color=\"#555555\"; "
                                       "fontcolor=\"#333333\";\n");
        for (size_t i = 0; i < g->n && !rc; i++)
            if (el[i]->kind != MEDSEC_ELEMENT_DATA_FLOW &&
                el[i]->kind != MEDSEC_ELEMENT_ZONE_CROSSING && el[i]->zone &&
                strcmp(el[i]->zone, zs[z]->id) == 0)
                rc = node(out, el[i], "    ");
        rc = rc ? rc : medsec_buf_adds(out, "  }\n");
    }
    for (size_t i = 0; i < g->n && !rc; i++)
        if (el[i]->kind != MEDSEC_ELEMENT_DATA_FLOW &&
            el[i]->kind != MEDSEC_ELEMENT_ZONE_CROSSING && !medsec_tm_find_zone(g, el[i]->zone))
            rc = node(out, el[i], "  ");
    for (size_t i = 0; i < g->n && !rc; i++) {
        const struct medsec_tm_element *e = el[i];
        if (e->kind == MEDSEC_ELEMENT_DATA_FLOW) {
            rc = flow(out, e);
        } else if (e->kind == MEDSEC_ELEMENT_INTERFACE) {
            const char *target = str(e, "exposes");
            if (target && medsec_tm_find(g, target)) {
                rc = medsec_buf_adds(out, "  ");
                rc = rc ? rc : medsec_dot_quoted(out, e->id);
                rc = rc ? rc : medsec_buf_adds(out, " -> ");
                rc = rc ? rc : medsec_dot_quoted(out, target);
                rc = rc ? rc
                        : medsec_buf_adds(out, " [dir=none, style=dotted, color=\"#777777\"];\n");
            }
        }
    }
    rc = rc ? rc : medsec_buf_adds(out, "}\n");
    if (rc)
        medsec_error_set(err, rc, NULL, 0, 0, "%s", medsec_strerror(rc));
out_free:
    if (rc == MEDSEC_ENOMEM && (!err || err->code == MEDSEC_OK))
        medsec_error_set(err, rc, NULL, 0, 0, "out of memory");
    medsec_free(el);
    medsec_free(zs);
    return rc;
}

/*
 * Object ids for Graphviz. Its default discipline uses string addresses as ids, and subgraphs are
 * kept in id order, so cluster order (and the layout) would depend on the heap. Here a named object
 * gets 2 x (its rank in first-seen order), anonymous ones odd numbers: the DOT order decides.
 */
struct idmap {
    char **names; /* by rank */
    size_t n, cap;
    size_t *slots; /* open addressing: rank + 1, 0 = empty */
    size_t nslots;
    IDTYPE anon;
};

static size_t hash(const char *s)
{
    size_t h = 2166136261u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 16777619u;
    return h;
}

static bool idmap_grow(struct idmap *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64, nslots = ncap * 2;
    char **nv = medsec_realloc(m->names, ncap * sizeof *nv);
    if (!nv)
        return false;
    m->names = nv;
    size_t *ns = medsec_calloc(nslots, sizeof *ns);
    if (!ns)
        return false;
    for (size_t i = 0; i < m->n; i++) {
        size_t k = hash(m->names[i]) & (nslots - 1);
        while (ns[k])
            k = (k + 1) & (nslots - 1);
        ns[k] = i + 1;
    }
    medsec_free(m->slots);
    m->slots = ns;
    m->nslots = nslots;
    m->cap = ncap;
    return true;
}

static void *id_open(Agraph_t *g, Agdisc_t *disc)
{
    (void)g;
    (void)disc;
    return medsec_calloc(1, sizeof(struct idmap));
}

static long id_map(void *state, int objtype, char *str, IDTYPE *id, int createflag)
{
    (void)objtype;
    struct idmap *m = state;
    if (!str) {
        *id = m->anon * 2 + 1;
        m->anon++;
        return 1;
    }
    if (m->nslots) {
        for (size_t k = hash(str) & (m->nslots - 1); m->slots[k]; k = (k + 1) & (m->nslots - 1))
            if (strcmp(m->names[m->slots[k] - 1], str) == 0) {
                *id = (IDTYPE)m->slots[k] * 2;
                return 1;
            }
    }
    if (!createflag)
        return 0;
    if (m->n == m->cap && !idmap_grow(m))
        return 0;
    char *copy = medsec_strdup(str);
    if (!copy)
        return 0;
    size_t k = hash(str) & (m->nslots - 1);
    while (m->slots[k])
        k = (k + 1) & (m->nslots - 1);
    m->names[m->n++] = copy;
    m->slots[k] = m->n;
    *id = (IDTYPE)m->n * 2;
    return 1;
}

static long id_alloc(void *state, int objtype, IDTYPE id)
{
    (void)state;
    (void)objtype;
    (void)id;
    return 0;
}

static void id_free(void *state, int objtype, IDTYPE id)
{
    (void)state;
    (void)objtype;
    (void)id;
}

static char *id_print(void *state, int objtype, IDTYPE id)
{
    (void)objtype;
    struct idmap *m = state;
    if (id % 2 || id == 0 || id / 2 > m->n)
        return NULL;
    return m->names[id / 2 - 1];
}

static void id_close(void *state)
{
    struct idmap *m = state;
    for (size_t i = 0; i < m->n; i++)
        medsec_free(m->names[i]);
    medsec_free(m->names);
    medsec_free(m->slots);
    medsec_free(m);
}

static void id_register(void *state, int objtype, void *obj)
{
    (void)state;
    (void)objtype;
    (void)obj;
}

static Agiddisc_t id_disc = {id_open, id_map, id_alloc, id_free, id_print, id_close, id_register};

/* Reading the DOT text from memory through our discipline. */
struct reader {
    const char *s;
    size_t len, pos;
};

static int mem_read(void *chan, char *buf, int bufsize)
{
    struct reader *r = chan;
    if (bufsize <= 0 || r->pos >= r->len)
        return 0;
    size_t n = 0; /* one line at a time, as Graphviz's own readers do */
    while (r->pos < r->len && n + 1 < (size_t)bufsize) {
        char c = r->s[r->pos++];
        buf[n++] = c;
        if (c == '\n')
            break;
    }
    buf[n] = '\0';
    return (int)n;
}

/* Graphviz reports through a global hook; keep it quiet, the caller reports our error instead. */
static int quiet(char *msg)
{
    (void)msg;
    return 0;
}

/*
 * One Graphviz context for the whole process, never freed: Graphviz 2.43's text-size cache in the
 * pango plugin outlives gvFreeContext, and a second context then reads freed font names (ASan:
 * heap-use-after-free in textspan_size). Not thread-safe, like the rest of Graphviz.
 */
static GVC_t *context(void)
{
    static GVC_t *gvc;
    if (!gvc)
        gvc = gvContext();
    return gvc;
}

medsec_err medsec_dot_render(const char *dot, size_t len, const char *format,
                             struct medsec_buf *out, struct medsec_error *err)
{
    medsec_err rc = MEDSEC_OK;
    agseterrf(quiet);
    agseterr(AGMAX);
    GVC_t *gvc = context();
    if (!gvc)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "Graphviz did not start");
    Agiodisc_t io = {mem_read, AgIoDisc.putstr, AgIoDisc.flush};
    Agdisc_t disc = {&AgMemDisc, &id_disc, &io};
    struct reader rd = {dot, len, 0};
    Agraph_t *ag = agread(&rd, &disc);
    if (!ag)
        return medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0,
                                "Graphviz did not accept the diagram");
    if (gvLayout(gvc, ag, "dot") != 0) {
        rc = medsec_error_set(err, MEDSEC_EINTERNAL, NULL, 0, 0, "Graphviz layout failed");
        goto out_close_graph;
    }
    char *data = NULL;
    unsigned int dlen = 0;
    if (gvRenderData(gvc, ag, format, &data, &dlen) != 0 || !data) {
        rc = medsec_error_set(err, MEDSEC_EUNSUPPORTED, NULL, 0, 0, "Graphviz cannot render '%s'",
                              format);
    } else {
        rc = medsec_buf_add(out, data, dlen);
        if (rc)
            medsec_error_set(err, rc, NULL, 0, 0, "%s", medsec_strerror(rc));
    }
    if (data)
        gvFreeRenderData(data);
    gvFreeLayout(gvc, ag);
out_close_graph:
    agclose(ag);
    return rc;
}

medsec_err medsec_dfd_render(const struct medsec_tm_graph *g, const char *title, const char *format,
                             struct medsec_buf *out, struct medsec_error *err)
{
    struct medsec_buf dot = MEDSEC_BUF_INIT;
    medsec_buf_init(&dot, (size_t)64 << 20);
    medsec_err rc = medsec_dfd_dot(g, title, &dot, err);
    if (!rc)
        rc = medsec_dot_render(dot.data, dot.len, format, out, err);
    medsec_buf_release(&dot);
    return rc;
}
