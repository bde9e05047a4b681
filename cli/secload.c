/* secload.c: load a device folder for threats, dfd and risk, reporting problems the CLI way. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "medsec/alloc.h"
#include "medsec/file.h"
#include "secload.h"

static int fail(const struct medsec_error *err, medsec_err rc)
{
    cli_print_error(err);
    return cli_exit_for(rc);
}

int secload_graph(struct secload *s, const char *dir)
{
    memset(s, 0, sizeof *s);
    medsec_tm_graph_init(&s->graph);
    medsec_tm_catalog_init(&s->catalog);
    medsec_threat_list_init(&s->threats);
    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    medsec_error_clear(&err);
    medsec_err rc = medsec_model_load(dir, NULL, &s->model, &diags, &err);
    medsec_diags_sort(&diags);
    if (rc) {
        cli_print_diags(stderr, &diags);
        medsec_diags_release(&diags);
        return fail(&err, rc);
    }
    medsec_diags_release(&diags); /* warnings are `medsec validate`'s business */
    const struct medsec_model_device *d = &s->model->device;
    s->device_name = d->name ? d->name : d->model ? d->model : dir;
    rc = medsec_tm_from_model(s->model, &s->graph, &err);
    return rc ? fail(&err, rc) : EXIT_OK_;
}

int secload_run(struct secload *s, const char *dir, const char *const *rules, size_t nrules, unsigned flags)
{
    int ex = secload_graph(s, dir);
    if (ex != EXIT_OK_)
        return ex;
    struct medsec_error err;
    medsec_err rc = medsec_tm_catalog_load_default(&s->catalog, &err);
    if (rc)
        return fail(&err, rc);
    s->catalogs[s->ncatalogs++] = "rules/threats.yaml";
    const struct medsec_strlist *extra = &s->model->threat_rules;
    for (size_t i = 0; i < extra->n; i++) {
        if (s->ncatalogs >= SECLOAD_MAX_RULE_FILES) {
            medsec_error_set(&err, MEDSEC_ETOOBIG, s->model->file, 0, 0, "more than %d threat_rules",
                             SECLOAD_MAX_RULE_FILES - 1);
            return fail(&err, MEDSEC_ETOOBIG);
        }
        char *path = medsec_path_join(s->model->dir, extra->v[i]);
        if (!path) {
            medsec_error_set(&err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
            return fail(&err, MEDSEC_ENOMEM);
        }
        s->owned[s->ncatalogs] = path;
        s->catalogs[s->ncatalogs++] = path;
        if ((rc = medsec_tm_catalog_load_file(&s->catalog, path, &err)))
            return fail(&err, rc);
    }
    for (size_t i = 0; i < nrules; i++) {
        s->catalogs[s->ncatalogs++] = rules[i];
        if ((rc = medsec_tm_catalog_load_file(&s->catalog, rules[i], &err)))
            return fail(&err, rc);
    }
    if ((rc = medsec_threats_generate(&s->graph, &s->catalog, flags, &s->threats, &err)) ||
        (rc = medsec_threats_merge_model(&s->threats, &s->graph, s->model, &err)))
        return fail(&err, rc);
    return EXIT_OK_;
}

int secload_risks(struct secload *s, const char *dir)
{
    int ex = secload_run(s, dir, NULL, 0, 0);
    if (ex != EXIT_OK_)
        return ex;
    struct medsec_error err;
    medsec_err rc = medsec_risk_register_from_model(&s->risks, s->model, &err);
    if (!rc)
        rc = medsec_risk_from_model(&s->risks, s->model, &s->graph, &s->threats, &err);
    if (rc)
        return fail(&err, rc);
    if (s->model->nhazards) {
        s->hazards = medsec_calloc(s->model->nhazards, sizeof *s->hazards);
        if (!s->hazards) {
            medsec_error_set(&err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
            return fail(&err, MEDSEC_ENOMEM);
        }
        for (size_t i = 0; i < s->model->nhazards; i++) {
            s->hazards[i].id = s->model->hazards[i].id;
            s->hazards[i].name = s->model->hazards[i].title ? s->model->hazards[i].title : "";
        }
        s->nhazards = s->model->nhazards;
    }
    return EXIT_OK_;
}

void secload_release(struct secload *s)
{
    for (size_t i = 0; i < s->ncatalogs; i++)
        medsec_free(s->owned[i]);
    medsec_free(s->hazards);
    medsec_risk_register_release(&s->risks);
    medsec_threat_list_release(&s->threats);
    medsec_tm_catalog_release(&s->catalog);
    medsec_tm_graph_release(&s->graph);
    medsec_model_free(s->model);
    memset(s, 0, sizeof *s);
}
