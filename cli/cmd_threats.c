/* cmd_threats.c: `medsec threats DIR`: STRIDE-per-element threats of a device's security file. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/buf.h"
#include "medsec/json.h"
#include "secload.h"

static const char usage_text[] =
    "usage: medsec threats DIR [--rules FILE]... [--all] [--json]\n"
    "\n"
    "Generate the STRIDE-per-element threats of the device in DIR from the rule catalog\n"
    "(rules/threats.yaml, built in), the catalogs the device file names (threat_rules) and\n"
    "the catalogs given with --rules, and merge the threats written in the device file.\n"
    "\n"
    "  --rules FILE  add a rule catalog (repeatable; a rule with a known id replaces it)\n"
    "  --all         also list threats that applied controls silence (status mitigated)\n"
    "  --json        print JSON instead of a table\n"
    "  -h, --help    show this help\n"
    "\n"
    "Exit: 0 listed, 2 bad input (file:line:column on stderr), 3 internal error.\n";

static const char *stride_name(char s)
{
    switch (s) {
    case 'S': return "spoofing";
    case 'T': return "tampering";
    case 'R': return "repudiation";
    case 'I': return "information_disclosure";
    case 'D': return "denial_of_service";
    case 'E': return "elevation_of_privilege";
    }
    return "?";
}

static void json_list(struct medsec_jsonw *w, const char *key, const char *const *v, size_t n)
{
    medsec_jsonw_key(w, key);
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < n; i++)
        medsec_jsonw_string(w, v[i]);
    medsec_jsonw_array_end(w);
}

static int print_json(const struct secload *s)
{
    struct medsec_buf out = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &out, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "device", s->device_name);
    medsec_jsonw_key(&w, "catalogs");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < s->ncatalogs; i++)
        medsec_jsonw_string(&w, s->catalogs[i]);
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_int(&w, "rules", (long long)s->catalog.n);
    medsec_jsonw_kv_int(&w, "elements", (long long)s->graph.n);
    medsec_jsonw_key(&w, "threats");
    medsec_jsonw_array_begin(&w);
    size_t counts[3] = {0, 0, 0};
    for (size_t i = 0; i < s->threats.n; i++) {
        const struct medsec_threat *t = &s->threats.v[i];
        counts[t->status]++;
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "id", t->id);
        medsec_jsonw_kv_string(&w, "rule", t->rule_id);
        medsec_jsonw_kv_string(&w, "element", t->element_id);
        medsec_jsonw_kv_string(&w, "element_kind", t->element_id ? medsec_tm_kind_name(t->kind) : NULL);
        medsec_jsonw_kv_string(&w, "stride", (char[2]){t->stride, 0});
        medsec_jsonw_kv_string(&w, "category", stride_name(t->stride));
        medsec_jsonw_kv_string(&w, "title", t->title);
        medsec_jsonw_kv_string(&w, "rationale", t->rationale);
        medsec_jsonw_kv_string(&w, "rating", medsec_tm_rating_name(t->rating));
        medsec_jsonw_kv_string(&w, "initial_rating", medsec_tm_rating_name(t->initial_rating));
        medsec_jsonw_kv_string(&w, "status", medsec_tm_status_name(t->status));
        medsec_jsonw_kv_string(&w, "mitigation", t->mitigation);
        medsec_jsonw_kv_string(&w, "security_hazard", t->hazard);
        json_list(&w, "cwe", t->cwe, t->ncwe);
        json_list(&w, "capec", t->capec, t->ncapec);
        json_list(&w, "suggested_controls", t->controls, t->ncontrols);
        json_list(&w, "missing_controls", t->missing, t->nmissing);
        json_list(&w, "clinical_functions", t->clinical_functions, t->nclinical_functions);
        json_list(&w, "safety_hazards", t->hazards, t->nhazards);
        medsec_jsonw_kv_bool(&w, "manual", t->manual);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "summary");
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_int(&w, "total", (long long)s->threats.n);
    medsec_jsonw_kv_int(&w, "open", (long long)counts[MEDSEC_TM_OPEN]);
    medsec_jsonw_kv_int(&w, "reduced", (long long)counts[MEDSEC_TM_REDUCED]);
    medsec_jsonw_kv_int(&w, "mitigated", (long long)counts[MEDSEC_TM_MITIGATED]);
    medsec_jsonw_object_end(&w);
    medsec_jsonw_object_end(&w);
    medsec_err rc = medsec_jsonw_finish(&w);
    int ex = EXIT_OK_;
    if (rc || !cli_write_stdout(out.data, out.len))
        ex = EXIT_INTERNAL;
    medsec_buf_release(&out);
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

static int print_table(const struct secload *s)
{
    static const char *const head[] = {"ID", "ELEMENT", "STRIDE", "RATING", "STATUS", "THREAT", "CWE", "MISSING"};
    struct cli_table t;
    if (cli_table_init(&t, 8, head))
        return EXIT_INTERNAL;
    size_t counts[3] = {0, 0, 0};
    int ex = EXIT_OK_;
    for (size_t i = 0; i < s->threats.n && ex == EXIT_OK_; i++) {
        const struct medsec_threat *th = &s->threats.v[i];
        char stride[2] = {th->stride, 0}, cwe[256], miss[256];
        counts[th->status]++;
        const char *row[] = {th->id, th->element_id, stride, medsec_tm_rating_name(th->rating),
                             medsec_tm_status_name(th->status), th->title,
                             joined(cwe, sizeof cwe, th->cwe, th->ncwe),
                             joined(miss, sizeof miss, th->missing, th->nmissing)};
        if (cli_table_add(&t, row))
            ex = EXIT_INTERNAL;
    }
    if (ex == EXIT_OK_) {
        cli_table_print(&t, stdout);
        printf("\n%zu threats on %zu elements of %s: %zu open, %zu reduced", s->threats.n, s->graph.n,
               s->device_name, counts[MEDSEC_TM_OPEN], counts[MEDSEC_TM_REDUCED]);
        if (counts[MEDSEC_TM_MITIGATED])
            printf(", %zu mitigated", counts[MEDSEC_TM_MITIGATED]);
        printf(" (%zu rules from", s->catalog.n);
        for (size_t i = 0; i < s->ncatalogs; i++)
            printf("%s %s", i ? "," : "", s->catalogs[i]);
        printf(")\n");
    }
    cli_table_release(&t);
    return ex;
}

int cmd_threats(int argc, char **argv)
{
    static const struct option opts[] = {
        {"rules", required_argument, NULL, 'r'},
        {"all", no_argument, NULL, 'a'},
        {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    const char *rules[SECLOAD_MAX_RULE_FILES];
    size_t nrules = 0;
    bool json = false, all = false;
    optind = 0;
    opterr = 0;
    for (int c; (c = getopt_long(argc, argv, "h", opts, NULL)) != -1;) {
        switch (c) {
        case 'r':
            if (nrules == SECLOAD_MAX_RULE_FILES)
                return cli_usage_error("threats", "at most %d --rules files", SECLOAD_MAX_RULE_FILES);
            rules[nrules++] = optarg;
            break;
        case 'a':
            all = true;
            break;
        case 'j':
            json = true;
            break;
        case 'h':
            fputs(usage_text, stdout);
            return EXIT_OK_;
        default:
            return cli_usage_error("threats", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (optind + 1 != argc)
        return cli_usage_error("threats", optind == argc ? "missing device folder" : "one device folder only");
    struct secload s;
    int ex = secload_run(&s, argv[optind], rules, nrules, all ? MEDSEC_TM_WITH_MITIGATED : 0);
    if (ex == EXIT_OK_)
        ex = json ? print_json(&s) : print_table(&s);
    secload_release(&s);
    return ex;
}
