/* suggest.c: suggestions from the architecture for the open findings of a triage report
 * (docs/triage.md, "Suggestions from the architecture"): a state, and the advisory's CVSS put in
 * the device's context with CVSS 3.1 and 4.0 environmental metrics, from where the component's
 * items are reached (medsec_risk_finding_contexts), with the reasoning. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/cvss.h"
#include "medsec/device.h"
#include "medsec/model.h"
#include "medsec/risk.h"
#include "medsec/sbom.h"
#include "medsec/scan.h"
#include "triage_int.h"

/* CVSS's attack vector letter for an attacker position. */
static char av_letter(enum medsec_access a)
{
    switch (a) {
    case MEDSEC_ACCESS_REMOTE:
    case MEDSEC_ACCESS_NETWORK: return 'N';
    case MEDSEC_ACCESS_ADJACENT: return 'A';
    case MEDSEC_ACCESS_LOCAL: return 'L';
    default: return 'P';
    }
}

/* Does attack vector @a need the attacker closer than @b (N, A, L, P from far to near)? */
static bool closer(char a, char b)
{
    static const char order[] = "NALP";
    const char *x = strchr(order, a), *y = strchr(order, b);
    return a && b && x && y && x > y;
}

/* A security requirement (CR, IR, AR) from the harm of losing the property, on a scale of @n
 * levels: the top third High, the middle third Medium, the rest (and nothing reached) Low. */
static char requirement(int harm, size_t n)
{
    if (harm < 0 || n < 2)
        return 'L';
    int hi = (int)((2 * (n - 1) + 2) / 3), mid = (int)((n - 1 + 2) / 3);
    return harm >= hi ? 'H' : harm >= mid ? 'M' : 'L';
}

static const char *requirement_word(char c)
{
    return c == 'H' ? "High" : c == 'M' ? "Medium" : "Low";
}

/* Set metric @abbr of @c to value @val; false when the version has no such metric or value. */
static bool set_metric(struct medsec_cvss *c, const char *abbr, const char *val)
{
    unsigned n = medsec_cvss_metric_count(c->version);
    for (unsigned i = 0; i < n; i++) {
        const struct medsec_cvss_metric *m = medsec_cvss_metric(c->version, i);
        if (strcmp(m->abbr, abbr))
            continue;
        for (unsigned v = 0; v < m->nvalues; v++)
            if (!strcmp(m->values[v], val)) {
                c->value[i] = (signed char)v;
                return true;
            }
        return false;
    }
    return false;
}

/* Keep only the base metrics of @c. */
static void base_only(struct medsec_cvss *c)
{
    unsigned n = medsec_cvss_metric_count(c->version);
    for (unsigned i = 0; i < n; i++)
        if (medsec_cvss_metric(c->version, i)->group != MEDSEC_CVSS_BASE)
            c->value[i] = -1;
}

/* The 4.0 base of a 3.x base: AV, AC, PR the same; AT:N; UI:R as UI:P; C/I/A as the vulnerable
 * system's impact, and as the subsequent systems' when the scope changes (else none). FIRST defines
 * no conversion; this one keeps what each metric says. */
static bool v4_from_v3(const struct medsec_cvss *b, struct medsec_cvss *c)
{
    memset(c, 0, sizeof *c);
    c->version = MEDSEC_CVSS_V40;
    for (unsigned i = 0; i < MEDSEC_CVSS_MAX_METRICS; i++)
        c->value[i] = -1;
    const char *av = medsec_cvss_get(b, "AV"), *ac = medsec_cvss_get(b, "AC"),
               *pr = medsec_cvss_get(b, "PR"), *ui = medsec_cvss_get(b, "UI"),
               *s = medsec_cvss_get(b, "S"), *ci = medsec_cvss_get(b, "C"),
               *ii = medsec_cvss_get(b, "I"), *ai = medsec_cvss_get(b, "A");
    if (!av || !ac || !pr || !ui || !s || !ci || !ii || !ai)
        return false;
    bool changed = !strcmp(s, "C");
    return set_metric(c, "AV", av) && set_metric(c, "AC", ac) && set_metric(c, "AT", "N") &&
           set_metric(c, "PR", pr) && set_metric(c, "UI", !strcmp(ui, "R") ? "P" : "N") &&
           set_metric(c, "VC", ci) && set_metric(c, "VI", ii) && set_metric(c, "VA", ai) &&
           set_metric(c, "SC", changed ? ci : "N") && set_metric(c, "SI", changed ? ii : "N") &&
           set_metric(c, "SA", changed ? ai : "N");
}

/* The suggestion under construction. */
struct sg {
    struct medsec_arena *arena;
    const char *lines[24];
    size_t n;
    bool oom;
};

static void line(struct sg *g, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line(struct sg *g, const char *fmt, ...)
{
    if (g->n >= sizeof g->lines / sizeof *g->lines)
        return;
    char buf[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    const char *s = medsec_arena_strdup(g->arena, buf);
    if (!s)
        g->oom = true;
    else
        g->lines[g->n++] = s;
}

static const char *vector_text(struct sg *g, const struct medsec_cvss *c)
{
    char buf[MEDSEC_CVSS_MAX_LEN];
    medsec_cvss_format(c, buf, sizeof buf);
    const char *s = medsec_arena_strdup(g->arena, buf);
    g->oom |= !s;
    return s;
}

/* Build the suggestion for finding @f (of @comp, on a target of a device) from its context. */
static medsec_err build(struct medsec_arena *arena, const struct medsec_scan_finding *f,
                        const struct medsec_sbom_component *comp,
                        const struct medsec_risk_context *cx,
                        const struct medsec_triage_suggestion **out)
{
    struct sg g = {.arena = arena};
    struct medsec_triage_suggestion *s = medsec_arena_alloc(arena, sizeof *s);
    if (!s)
        return MEDSEC_ENOMEM;
    memset(s, 0, sizeof *s);
    s->v3_base = s->v3_score = s->v4_base = s->v4_score = -1;
    const struct medsec_scan_vuln *v = f->vuln;
    struct medsec_cvss base;
    struct medsec_error e;
    bool have = v->cvss_score >= 0 && v->cvss_vector &&
                medsec_cvss_parse(v->cvss_vector, &base, &e) == MEDSEC_OK;
    char av =
        have && cx->vector_position < MEDSEC_ACCESS_COUNT ? av_letter(cx->vector_position) : 0;
    char mav = av_letter(cx->modified_position);

    /* the state */
    line(&g, "%s runs on %s", comp->ref ? comp->ref : comp->name, cx->items);
    if (cx->position < MEDSEC_ACCESS_COUNT)
        line(&g, "most exposed way in: %s", cx->position_why);
    bool remote = have && (cx->vector_position == MEDSEC_ACCESS_NETWORK ||
                           cx->vector_position == MEDSEC_ACCESS_ADJACENT ||
                           cx->vector_position == MEDSEC_ACCESS_REMOTE);
    if (remote && cx->position == MEDSEC_ACCESS_INTERNAL) {
        s->state = MEDSEC_VEX_NOT_AFFECTED;
        s->cdx_justification = MEDSEC_CDX_REQUIRES_ENVIRONMENT;
        s->justification = medsec_vex_cdx_to_justification(s->cdx_justification);
        if (cx->protocol)
            line(&g,
                 "not_affected (requires_environment): the advisory's attack needs %s access "
                 "(AV:%c) to the protocol the component implements, but %s has no channel to "
                 "outside the device: everything reaches it over on-board buses or from its own "
                 "components",
                 medsec_access_name(cx->vector_position), av, cx->items);
        else
            line(&g,
                 "not_affected (requires_environment): the advisory's attack needs %s access "
                 "(AV:%c), but everything %s processes comes from inside the device, over "
                 "on-board buses or from its own components, and no content from outside is "
                 "passed on to it",
                 medsec_access_name(cx->vector_position), av, cx->items);
    } else {
        s->state = MEDSEC_VEX_EXPLOITABLE;
        if (have && cx->position < MEDSEC_ACCESS_COUNT && closer(av, av_letter(cx->position)))
            line(&g,
                 "exploitable: the advisory needs %s access (AV:%c), closer than the %s access "
                 "from which %s is reached, and an attacker can get there (%s); whether the "
                 "vulnerable code runs there is for the reviewer to confirm",
                 medsec_access_name(cx->vector_position), av, medsec_access_name(cx->position),
                 cx->items,
                 cx->vector_position == MEDSEC_ACCESS_ADJACENT ? "within radio range or on the "
                                                                 "same link"
                 : cx->vector_position == MEDSEC_ACCESS_LOCAL
                     ? "a compromised process on the same system, or a user logged in there"
                     : "a person at the device");
        else if (have && cx->position < MEDSEC_ACCESS_COUNT)
            line(&g,
                 "exploitable: an attacker with %s access reaches %s, and the advisory needs %s "
                 "access (AV:%c); whether the vulnerable code runs there is for the reviewer to "
                 "confirm",
                 medsec_access_name(cx->position), cx->items,
                 medsec_access_name(cx->vector_position), av);
        else
            line(&g, "exploitable: the advisory gives no attack vector to hold against the "
                     "architecture, so the finding is taken as exploitable until shown otherwise");
        if (f->nfixed) {
            s->responses = MEDSEC_VEX_RESP_UPDATE;
            line(&g, "response update: the advisories name fixed versions (%s%s)", f->fixed[0],
                 f->nfixed > 1 ? ", ..." : "");
        }
    }

    /* the in-context vectors */
    if (have && (base.version == MEDSEC_CVSS_V30 || base.version == MEDSEC_CVSS_V31 ||
                 base.version == MEDSEC_CVSS_V40)) {
        const char *pr = medsec_cvss_get(&base, "PR"), *ac = medsec_cvss_get(&base, "AC");
        bool auth_impl = cx->protocol;
        bool mpr = pr && !strcmp(pr, "N") && cx->authenticated && !auth_impl && !cx->hosted;
        /* built-in security-enhancing conditions of the vulnerable system (CVSS 4.0 AC): the
         * item's own controls, not those of a channel (TLS, signatures on what a flow carries) */
        bool mac = ac && !strcmp(ac, "L") && cx->controlled_other;
        char cr = requirement(cx->harm[0], cx->nseverity),
             ir = requirement(cx->harm[1], cx->nseverity),
             ar = requirement(cx->harm[2], cx->nseverity);
        /* a safety impact only through a property the vulnerability affects */
        int cia[3] = {0, 0, 0};
        bool known_impact = medsec_risk_impact_from_cvss(v->cvss_vector, cia) == MEDSEC_OK;
        /* CVSS 4.0 section 4.2: Safety where the loss could injure a person, "Marginal" or worse
         * in IEC 61508's categories: a hazard of the file, above the harm scale's lowest level */
        bool msi = known_impact && cia[1] > 0 && cx->hazard[1] && cx->harm[1] >= 1,
             msa = known_impact && cia[2] > 0 && cx->hazard[2] && cx->harm[2] >= 1;
        if (mav != av)
            line(&g, "attack vector %c -> %c (MAV): the most exposed way in needs %s access", av,
                 mav, medsec_access_name(cx->position));
        else
            line(&g, "attack vector stays %c: %s", av,
                 closer(av, av_letter(cx->position)) ? "the advisory needs less exposure than the "
                                                       "architecture gives, so it is kept"
                                                     : "the architecture gives that access");
        if (mpr)
            line(&g,
                 "privileges N -> L (MPR): every way in at %s access or closer authenticates "
                 "the sender, so an attacker needs a sender's credentials",
                 medsec_access_name(cx->modified_position));
        else if (pr && !strcmp(pr, "N"))
            line(&g, "privileges stay N: %s",
                 auth_impl    ? "the component implements the protocols that authenticate the "
                                "sender (or sits below them), so its flaws are reached before the "
                                "sender is authenticated"
                 : cx->hosted ? "the item hosts the way in, and handles what arrives before the "
                                "application on it authenticates the sender"
                 : cx->auth_why[0] ? cx->auth_why
                                   : "no way in authenticates the sender");
        if (mac)
            line(&g,
                 "attack complexity L -> H (MAC): the item's own credited controls lower every "
                 "most exposed way in: %s",
                 cx->control_other_why);
        const char req[3] = {cr, ir, ar};
        for (int p = 0; p < 3; p++)
            line(&g, "%cR:%c (%s): %s%s", "CIA"[p], req[p], requirement_word(req[p]),
                 cx -> harm[p] >= 0 ? cx -> harm_why[p] : "no asset with a harm for it is reached",
                 known_impact && !cia[p] ? " (the advisory states no impact on it)" : "");
        if (msi)
            line(&g,
                 "MSI:S (4.0 Safety): losing integrity leads to hazard %s of the security file, "
                 "with harm above the lowest level (%s)",
                 cx->hazards[1], cx->harm_why[1]);
        if (msa)
            line(&g,
                 "MSA:S (4.0 Safety): losing availability leads to hazard %s of the security "
                 "file, with harm above the lowest level (%s)",
                 cx->hazards[2], cx->harm_why[2]);
        char mv[2] = {mav, 0}, c3[2] = {cr, 0}, i3[2] = {ir, 0}, a3[2] = {ar, 0};
        struct medsec_cvss_scores sc;
        /* 3.1 */
        if (base.version != MEDSEC_CVSS_V40) {
            struct medsec_cvss c = base;
            c.version = MEDSEC_CVSS_V31;
            base_only(&c);
            bool ok = true;
            if (mav != av)
                ok = ok && set_metric(&c, "MAV", mv);
            if (mpr)
                ok = ok && set_metric(&c, "MPR", "L");
            if (mac)
                ok = ok && set_metric(&c, "MAC", "H");
            ok = ok && set_metric(&c, "CR", c3) && set_metric(&c, "IR", i3) &&
                 set_metric(&c, "AR", a3);
            if (ok) {
                medsec_cvss_score(&c, &sc);
                s->v3 = vector_text(&g, &c);
                s->v3_base = sc.base;
                s->v3_score = sc.environmental;
            }
        }
        /* 4.0 */
        struct medsec_cvss c4;
        bool ok4 = true;
        if (base.version == MEDSEC_CVSS_V40) {
            c4 = base;
            base_only(&c4);
        } else {
            ok4 = v4_from_v3(&base, &c4);
            s->v4_translated = true;
        }
        if (ok4) {
            if (v->kev)
                ok4 = ok4 && set_metric(&c4, "E", "A");
            ok4 = ok4 && set_metric(&c4, "CR", c3) && set_metric(&c4, "IR", i3) &&
                  set_metric(&c4, "AR", a3);
            if (mav != av)
                ok4 = ok4 && set_metric(&c4, "MAV", mv);
            if (mac)
                ok4 = ok4 && set_metric(&c4, "MAC", "H");
            if (mpr)
                ok4 = ok4 && set_metric(&c4, "MPR", "L");
            if (msi)
                ok4 = ok4 && set_metric(&c4, "MSI", "S");
            if (msa)
                ok4 = ok4 && set_metric(&c4, "MSA", "S");
        }
        if (ok4) {
            medsec_cvss_score(&c4, &sc);
            s->v4 = vector_text(&g, &c4);
            s->v4_base = sc.base;
            s->v4_score = sc.overall;
        }
        if (v->kev)
            line(&g, "E:A (4.0): in CISA's KEV catalog, exploited in the wild");
        if (s->v3)
            line(&g, "CVSS 3.1 in context: %s -> %.1f (base %.1f%s)", s->v3, s->v3_score,
                 s->v3_base, base.version == MEDSEC_CVSS_V30 ? ", the 3.0 base read as 3.1" : "");
        if (s->v4)
            line(&g, "CVSS 4.0 in context: %s -> %.1f (base %.1f%s)", s->v4, s->v4_score,
                 s->v4_base, s->v4_translated ? ", translated from the 3.x base" : "");
    } else {
        line(&g, "no in-context score: the advisory gives %s",
             have ? "only a CVSS v2 vector (3.1 and 4.0 are not derived from v2)"
                  : "no CVSS vector");
    }
    if (g.oom)
        return MEDSEC_ENOMEM;
    const char **lines = medsec_arena_alloc(arena, sizeof *lines * (g.n ? g.n : 1));
    struct medsec_buf d;
    medsec_buf_init(&d, 0);
    bool bad = !lines || medsec_buf_adds(&d, "Suggested from the architecture: ");
    for (size_t i = 0; i < g.n && !bad; i++) {
        lines[i] = g.lines[i];
        bad = medsec_buf_adds(&d, g.lines[i]) || medsec_buf_adds(&d, i + 1 < g.n ? "; " : ".");
    }
    const char *detail = bad ? NULL : medsec_arena_strndup(arena, d.data, d.len);
    medsec_buf_release(&d);
    if (!detail)
        return MEDSEC_ENOMEM;
    s->reasons = lines;
    s->nreasons = g.n;
    s->detail = detail;
    *out = s;
    return MEDSEC_OK;
}

medsec_err triage_suggest(struct medsec_triage_report *rep, struct medsec_error *err)
{
    size_t n = rep->nitems;
    bool *done = medsec_calloc(n + 1, sizeof *done);
    size_t *idx = medsec_malloc((n + 1) * sizeof *idx);
    struct medsec_risk_finding *rf = medsec_calloc(n + 1, sizeof *rf);
    struct medsec_risk_context *cx = NULL;
    medsec_err rc = done && idx && rf ? MEDSEC_OK : MEDSEC_ENOMEM;
    for (size_t i = 0; i < n && !rc; i++) {
        struct medsec_triage_item *it = &rep->items[i];
        if (done[i] || !it->finding ||
            (it->status != MEDSEC_TRIAGE_UNTRIAGED && it->status != MEDSEC_TRIAGE_STALE))
            continue;
        const struct medsec_model *m = it->target->model;
        if (!m) {
            it->no_suggestion = "a bare SBOM: no security file to read the architecture from";
            done[i] = true;
            continue;
        }
        /* every open finding of this device's model, in one go */
        size_t k = 0;
        for (size_t j = i; j < n; j++) {
            struct medsec_triage_item *o = &rep->items[j];
            if (done[j] || !o->finding || o->target->model != m ||
                (o->status != MEDSEC_TRIAGE_UNTRIAGED && o->status != MEDSEC_TRIAGE_STALE))
                continue;
            const struct medsec_scan_vuln *v = o->finding->vuln;
            const struct medsec_sbom_component *c = &o->target->sbom->components[o->component];
            idx[k] = j;
            rf[k++] = (struct medsec_risk_finding){
                .id = v->id,
                .aliases = (const char *const *)v->aliases,
                .naliases = v->naliases,
                .sbom = o->target->model_sbom,
                .component = c->ref,
                .component_name = c->name,
                .component_version = c->version,
                .cvss_vector = v->cvss_score >= 0 ? v->cvss_vector : NULL,
                .kev = v->kev,
                .epss = v->has_epss ? v->epss : -1,
                .fixed = (const char *const *)o->finding->fixed,
                .nfixed = o->finding->nfixed,
            };
            done[j] = true;
        }
        medsec_free(cx);
        if (!(cx = medsec_calloc(k, sizeof *cx))) {
            rc = MEDSEC_ENOMEM;
            break;
        }
        rc = medsec_risk_finding_contexts(m, rf, k, cx, err);
        if (rc && rc != MEDSEC_ENOMEM) {
            /* a security file without a risk matrix: no suggestion, and why */
            char *why = medsec_arena_strdup(&rep->arena, err->msg);
            for (size_t j = 0; j < k; j++)
                rep->items[idx[j]].no_suggestion = why ? why : "the risk matrix cannot be read";
            medsec_error_clear(err);
            rc = MEDSEC_OK;
            continue;
        }
        for (size_t j = 0; j < k && !rc; j++) {
            struct medsec_triage_item *o = &rep->items[idx[j]];
            if (!cx[j].placed) {
                o->no_suggestion = "the security file puts the component on no item "
                                   "(items[].components or items[].sbom)";
                continue;
            }
            rc = build(&rep->arena, o->finding, &o->target->sbom->components[o->component], &cx[j],
                       &o->suggestion);
        }
    }
    medsec_free(cx);
    medsec_free(rf);
    medsec_free(idx);
    medsec_free(done);
    if (rc == MEDSEC_ENOMEM)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    return rc;
}
