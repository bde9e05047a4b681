/* cmd_threats.c: `medsec threats DIR`: STRIDE-per-element threats of a device's security file. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/buf.h"
#include "medsec/json.h"
#include "medsec/device.h"

static int print_json(struct cli_output *out, const struct medsec_device *d,
                      const struct medsec_threat_list *l)
{
    size_t ncat;
    const char *const *cat = medsec_device_catalog_names(d, &ncat);
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "device", medsec_device_name(d));
    medsec_jsonw_kv_strings(&w, "catalogs", cat, ncat);
    medsec_jsonw_kv_int(&w, "rules", (long long)medsec_device_catalog(d)->n);
    medsec_jsonw_kv_int(&w, "elements", (long long)medsec_device_graph(d)->n);
    medsec_jsonw_key(&w, "threats");
    medsec_jsonw_array_begin(&w);
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < l->n; i++) {
        const struct medsec_threat *t = &l->v[i];
        counts[t->status]++;
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "id", t->id);
        medsec_jsonw_kv_string(&w, "rule", t->rule_id);
        medsec_jsonw_kv_string(&w, "element", t->element_id);
        medsec_jsonw_kv_string(&w, "element_kind",
                               t->element_id ? medsec_element_kind_name(t->kind) : NULL);
        medsec_jsonw_kv_string(&w, "stride", (char[2]){medsec_stride_letter(t->stride), 0});
        medsec_jsonw_kv_string(&w, "category", medsec_stride_name(t->stride));
        medsec_jsonw_kv_string(&w, "title", t->title);
        medsec_jsonw_kv_string(&w, "rationale", t->rationale);
        medsec_jsonw_kv_string(&w, "rating", medsec_tm_rating_name(t->rating));
        medsec_jsonw_kv_string(&w, "initial_rating", medsec_tm_rating_name(t->initial_rating));
        medsec_jsonw_kv_string(&w, "status", medsec_tm_status_name(t->status));
        medsec_jsonw_kv_string(&w, "mitigation", t->mitigation);
        medsec_jsonw_kv_string(&w, "security_hazard", t->hazard);
        medsec_jsonw_kv_strings(&w, "cwe", t->cwe, t->ncwe);
        medsec_jsonw_kv_strings(&w, "capec", t->capec, t->ncapec);
        medsec_jsonw_kv_strings(&w, "suggested_controls", t->controls, t->ncontrols);
        medsec_jsonw_kv_strings(&w, "missing_controls", t->missing, t->nmissing);
        medsec_jsonw_kv_strings(&w, "clinical_functions",
                                (const char *const *)t->clinical_functions, t->nclinical_functions);
        medsec_jsonw_kv_strings(&w, "safety_hazards", t->hazards, t->nhazards);
        medsec_jsonw_kv_bool(&w, "manual", t->manual);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "summary");
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "total", (long long)l->n);
    medsec_jsonw_kv_int(&w, "open", (long long)counts[MEDSEC_TM_OPEN]);
    medsec_jsonw_kv_int(&w, "reduced", (long long)counts[MEDSEC_TM_REDUCED]);
    medsec_jsonw_kv_int(&w, "mitigated", (long long)counts[MEDSEC_TM_MITIGATED]);
    medsec_jsonw_object_end(&w);
    medsec_jsonw_object_end(&w);
    int ex = cli_output_json(out, &w, &b);
    medsec_buf_release(&b);
    return ex;
}

/* "A, B, C" of a list (or "-"), in a caller buffer. */
static const char *joined(char *buf, size_t cap, const char *const *v, size_t n)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < cap; i++)
        used += (size_t)snprintf(buf + used, cap - used, "%s%s", i ? ", " : "", v[i]);
    return n ? buf : "-";
}

static int print_table(FILE *out, const struct medsec_device *d, const struct medsec_threat_list *l)
{
    static const char *const head[] = {"ID",     "ELEMENT", "STRIDE", "RATING",
                                       "STATUS", "THREAT",  "CWE",    "MISSING"};
    struct cli_table t;
    if (cli_table_init(&t, 8, head))
        return EXIT_INTERNAL;
    size_t counts[3] = {0, 0, 0};
    int ex = EXIT_OK_;
    for (size_t i = 0; i < l->n && ex == EXIT_OK_; i++) {
        const struct medsec_threat *th = &l->v[i];
        char stride[2] = {medsec_stride_letter(th->stride), 0}, cwe[256], miss[256];
        counts[th->status]++;
        const char *row[] = {th->id,
                             th->element_id,
                             stride,
                             medsec_tm_rating_name(th->rating),
                             medsec_tm_status_name(th->status),
                             th->title,
                             joined(cwe, sizeof cwe, th->cwe, th->ncwe),
                             joined(miss, sizeof miss, th->missing, th->nmissing)};
        if (cli_table_add(&t, row))
            ex = EXIT_INTERNAL;
    }
    if (ex == EXIT_OK_) {
        size_t ncat;
        const char *const *cat = medsec_device_catalog_names(d, &ncat);
        cli_table_print(&t, out);
        fprintf(out, "\n%zu threats on %zu elements of %s: %zu open, %zu reduced", l->n,
                medsec_device_graph(d)->n, cli_esc(medsec_device_name(d)), counts[MEDSEC_TM_OPEN],
                counts[MEDSEC_TM_REDUCED]);
        if (counts[MEDSEC_TM_MITIGATED])
            fprintf(out, ", %zu mitigated", counts[MEDSEC_TM_MITIGATED]);
        fprintf(out, " (%zu rules from", medsec_device_catalog(d)->n);
        for (size_t i = 0; i < ncat; i++)
            fprintf(out, "%s %s", i ? "," : "", cli_esc(cat[i]));
        fprintf(out, ")\n");
    }
    cli_table_release(&t);
    return ex;
}

int cmd_threats(int argc, char **argv)
{
    int format = CLI_TEXT;
    bool all = false;
    const char *output = NULL;
    struct cli_strings rules = {.max = MEDSEC_DEVICE_MAX_RULE_FILES};
    const struct cli_option opts[] = {
        {0, "rules", CLI_OPT_STRINGS, &rules, 0, "FILE",
         "add a rule catalog (repeatable; a rule with a known id replaces it)"},
        {0, "all", CLI_OPT_FLAG, &all, 0, NULL,
         "also list threats that applied controls silence (status mitigated)"},
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print JSON instead of a table"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "threats",
        .usage = "medsec threats DIR [--rules FILE]... [--all] [--json] [-o FILE]",
        .about =
            "Generate the STRIDE-per-element threats of the device in DIR from the rule catalog\n"
            "(rules/threats.yaml, built in), the catalogs the device file names (threat_rules) and\n"
            "the catalogs given with --rules, and merge the threats written in the device file.\n",
        .opts = opts,
        .more = "Exit: 0 listed, 2 bad input (file:line:column on stderr), 3 internal error.\n",
        CLI_ONE_DEVICE_FOLDER,
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_) {
        cli_strings_release(&rules);
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    }
    struct medsec_device_opts dopts = {
        .rules = rules.v, .nrules = rules.n, .threat_flags = all ? MEDSEC_TM_WITH_MITIGATED : 0};
    struct medsec_device *d = NULL;
    const struct medsec_threat_list *l = NULL;
    struct medsec_error err;
    struct cli_output out;
    if ((ex = cli_open_device(args[0], &dopts, &d)) != EXIT_OK_)
        goto out_release;
    medsec_err rc = medsec_device_threats(d, &l, &err);
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out_release;
    }
    if ((ex = cli_output_open(&out, output)) == EXIT_OK_)
        ex = cli_output_close(&out, format == CLI_JSON ? print_json(&out, d, l)
                                                       : print_table(out.f, d, l));
out_release:
    medsec_device_close(d);
    cli_strings_release(&rules);
    return ex;
}
