/* session.c: a device's triage as `medsec triage` makes it, for the commands that take decisions
 * from it (vex, gate): read the triage files, scan every release, assess the findings. */
#include <string.h>
#include <sys/stat.h>

#include "medsec/alloc.h"
#include "medsec/device.h"
#include "medsec/diag.h"
#include "medsec/file.h"
#include "medsec/triage.h"

char *medsec_triage_path(const char *dir, const struct medsec_model *m)
{
    return medsec_path_join(dir, m && m->triage ? m->triage : "triage.yaml");
}

size_t medsec_triage_check(const struct medsec_triage *t, const struct medsec_model *m,
                           struct medsec_diags *diags)
{
    size_t bad = 0;
    for (size_t r = 0; r < t->nrules; r++) {
        const struct medsec_triage_rule *u = &t->rules[r];
        for (size_t k = 0; k < u->nitems; k++) {
            bool known = false;
            for (size_t i = 0; i < m->nitems && !known; i++)
                known = m->items[i].id && !strcmp(m->items[i].id, u->items[k]);
            if (known)
                continue;
            bad++;
            (void)medsec_diags_add(diags, MEDSEC_SEV_ERROR, u->file, u->line, u->column, NULL,
                                   "rule '%s': '%s' is not an item of %s; the rule would never "
                                   "decide a finding on it",
                                   u->id, u->items[k], m->file ? m->file : "the security file");
        }
    }
    return bad;
}

medsec_err medsec_triage_session_open(const struct medsec_ctx *ctx, const char *dir,
                                      const char *const *extra, size_t nextra, struct medsec_db *db,
                                      const struct medsec_triage_assess_opts *opts,
                                      struct medsec_triage_session *out, struct medsec_diags *diags,
                                      struct medsec_error *err)
{
    memset(out, 0, sizeof *out);
    medsec_err rc = medsec_scan_plan_new(ctx, &out->plan, err);
    if (rc)
        return rc;
    if ((rc = medsec_scan_plan_add(out->plan, dir, diags, err)))
        return rc;
    const struct medsec_model *m =
        medsec_scan_plan_count(out->plan) ? medsec_scan_plan_target(out->plan, 0)->model : NULL;
    char *own = medsec_triage_path(dir, m);
    if (!own)
        return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    if ((rc = medsec_triage_new(&out->triage, err))) {
        medsec_free(own);
        return rc;
    }
    struct stat st;
    if (stat(own, &st) == 0) {
        rc = medsec_triage_read(out->triage, own, err);
        out->has_file = rc == MEDSEC_OK;
    }
    medsec_free(own);
    for (size_t i = 0; !rc && i < nextra; i++) {
        rc = medsec_triage_read(out->triage, extra[i], err);
        out->has_file = out->has_file || rc == MEDSEC_OK;
    }
    if (rc)
        return rc;
    size_t failed = 0;
    rc = medsec_scan_plan_run(out->plan, db, NULL, NULL, NULL, &failed, err);
    for (size_t i = 0; diags && i < medsec_scan_plan_count(out->plan) && (!rc || i <= failed);
         i++) {
        const struct medsec_diags *notes = &medsec_scan_plan_target(out->plan, i)->notes;
        for (size_t k = 0; k < notes->n; k++) {
            const struct medsec_diag *g = &notes->v[k];
            if (medsec_diags_add(diags, g->severity, g->file, g->line, g->column, g->path, "%s",
                                 g->msg))
                return medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
        }
    }
    if (rc)
        return rc;
    return medsec_triage_assess(out->triage, db, out->plan, opts, &out->report, err);
}

void medsec_triage_session_close(struct medsec_triage_session *s)
{
    medsec_triage_report_release(&s->report);
    medsec_triage_free(s->triage);
    medsec_scan_plan_free(s->plan);
    memset(s, 0, sizeof *s);
}
