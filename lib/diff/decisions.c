/* decisions.c: the triage decisions that moved between the two sides of a diff: became stale
 * (the advisory changed since the decision), current again, stopped or started covering a finding
 * (docs/diff.md, "Decisions"). */
#include <stdint.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/device.h"
#include "medsec/diff.h"
#include "medsec/triage.h"

const char *medsec_diff_decision_change_name(enum medsec_diff_decision_change c)
{
    static const char *const names[] = {"became stale", "current again", "no longer applies",
                                        "applies now"};
    return (unsigned)c < MEDSEC_DIFF_D_CHANGE_COUNT ? names[c] : "?";
}

/* How one decision stands on one side: the findings it covers, current or stale. */
struct side {
    bool current, stale;
    const char *fingerprint, *component_version; /* of the first finding it covers */
};

/* The scanned targets of release @version of plan @p. */
static medsec_err side_targets(const struct medsec_scan_plan *p, const char *version,
                               const struct medsec_scan_target ***out, size_t *n)
{
    size_t count = medsec_scan_plan_count(p);
    const struct medsec_scan_target **v = medsec_malloc((count ? count : 1) * sizeof *v);
    if (!v)
        return MEDSEC_ENOMEM;
    *n = 0;
    for (size_t i = 0; i < count; i++) {
        const struct medsec_scan_target *t = medsec_scan_plan_target(p, i);
        if (t->version && !strcmp(t->version, version))
            v[(*n)++] = t;
    }
    *out = v;
    return MEDSEC_OK;
}

/* Assess one side and record, per decision of @t, how it stands. */
static medsec_err assess_side(const struct medsec_triage *t, struct medsec_db *db,
                              const struct medsec_scan_plan *p, const char *version,
                              const char *today, struct side *sides, struct medsec_arena *arena,
                              struct medsec_error *err)
{
    const struct medsec_scan_target **targets = NULL;
    size_t n = 0;
    if (side_targets(p, version, &targets, &n))
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    const struct medsec_triage_assess_opts opts = {today, NULL, true};
    struct medsec_triage_report rep = {0};
    medsec_err rc = medsec_triage_assess_targets(t, db, targets, n, &opts, &rep, err);
    for (size_t i = 0; !rc && i < rep.nitems; i++) {
        const struct medsec_triage_item *it = &rep.items[i];
        if (!it->decision ||
            (it->status != MEDSEC_TRIAGE_BY_HAND && it->status != MEDSEC_TRIAGE_STALE &&
             it->status != MEDSEC_TRIAGE_BY_SUGGESTION))
            continue;
        /* a manufacturer's decision (a supplier's statement lives in t->supplied) */
        uintptr_t at = (uintptr_t)it->decision, first = (uintptr_t)t->decisions;
        if (at < first || at >= first + t->ndecisions * sizeof *t->decisions)
            continue;
        struct side *s = &sides[(at - first) / sizeof *t->decisions];
        if (!s->current && !s->stale) {
            const struct medsec_sbom_component *c = &it->target->sbom->components[it->component];
            s->fingerprint = medsec_arena_strdup(arena, it->fingerprint);
            s->component_version = c->version ? medsec_arena_strdup(arena, c->version) : NULL;
            if (!s->fingerprint || (c->version && !s->component_version))
                rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        }
        if (it->status == MEDSEC_TRIAGE_STALE)
            s->stale = true;
        else
            s->current = true;
    }
    medsec_triage_report_release(&rep);
    medsec_free(targets);
    return rc;
}

/* The change of a decision from side @a to side @b, or -1 when it did not move. */
static int change_of(const struct side *a, const struct side *b)
{
    bool in_a = a->current || a->stale, in_b = b->current || b->stale;
    if (in_a && !in_b)
        return MEDSEC_DIFF_D_STOPPED;
    if (!in_a && in_b)
        return MEDSEC_DIFF_D_STARTED;
    if (a->current && !a->stale && b->stale)
        return MEDSEC_DIFF_D_BECAME_STALE;
    if (a->stale && !a->current && b->current && !b->stale)
        return MEDSEC_DIFF_D_CURRENT_AGAIN;
    return -1;
}

static const char *keep(struct medsec_arena *arena, const char *s, bool *oom)
{
    if (!s)
        return NULL;
    const char *d = medsec_arena_strdup(arena, s);
    *oom |= !d;
    return d;
}

medsec_err medsec_diff_decisions(struct medsec_diff *df, const struct medsec_triage *t,
                                 struct medsec_db *db_a, struct medsec_db *db_b, const char *today,
                                 struct medsec_error *err)
{
    if (!df->with_db || !df->plan)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0,
                                "the diff has no findings: the decisions need a database");
    size_t nd = t->ndecisions;
    struct side *sa = medsec_calloc(nd ? nd : 1, sizeof *sa),
                *sb = medsec_calloc(nd ? nd : 1, sizeof *sb);
    medsec_err rc =
        sa && sb ? MEDSEC_OK : medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    if (!rc)
        rc = assess_side(t, db_a, df->plan, df->a->version, today, sa, &df->arena, err);
    if (!rc)
        rc = assess_side(t, db_b, df->plan_b ? df->plan_b : df->plan, df->b->version, today, sb,
                         &df->arena, err);
    size_t moved = 0;
    for (size_t i = 0; !rc && i < nd; i++)
        moved += change_of(&sa[i], &sb[i]) >= 0;
    if (!rc && moved) {
        df->decisions_v = medsec_arena_alloc(&df->arena, moved * sizeof *df->decisions_v);
        if (!df->decisions_v)
            rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    }
    /* by change, then in the order of the triage files */
    bool oom = false;
    for (int c = 0; !rc && c < MEDSEC_DIFF_D_CHANGE_COUNT; c++) {
        for (size_t i = 0; i < nd; i++) {
            if (change_of(&sa[i], &sb[i]) != c)
                continue;
            const struct medsec_triage_decision *d = &t->decisions[i];
            struct medsec_diff_decision *o = &df->decisions_v[df->ndecisions++];
            o->change = (enum medsec_diff_decision_change)c;
            o->vuln = keep(&df->arena, d->vuln, &oom);
            o->component = keep(&df->arena, d->component, &oom);
            o->file = keep(&df->arena, d->file, &oom);
            o->line = d->line;
            o->by = keep(&df->arena, d->by, &oom);
            o->made_against = keep(&df->arena, d->fingerprint, &oom);
            o->fingerprint_a = sa[i].fingerprint;
            o->fingerprint_b = sb[i].fingerprint;
            o->component_version_a = sa[i].component_version;
            o->component_version_b = sb[i].component_version;
            df->decisions[c]++;
        }
    }
    if (!rc && oom)
        rc = medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    if (!rc)
        df->with_triage = true;
    medsec_free(sa);
    medsec_free(sb);
    return rc;
}
