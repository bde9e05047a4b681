/* cmd_sbom.c: `medsec sbom FILE`: load a CycloneDX or SPDX JSON SBOM and list its components. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/json.h"
#include "medsec/sbom.h"

static int print_table(FILE *out, const struct medsec_sbom *s)
{
    static const char *const head[] = {"REF", "NAME", "VERSION", "PURL", "CPE"};
    struct cli_table t;
    int rc = EXIT_OK_;
    if (cli_table_init(&t, 5, head) != 0) {
        rc = EXIT_INTERNAL;
        goto out_release_table;
    }
    for (size_t i = 0; i < s->ncomponents; i++) {
        const struct medsec_sbom_component *c = &s->components[i];
        char cpe[1024];
        if (c->ncpes > 1)
            snprintf(cpe, sizeof cpe, "%s (+%zu)", c->cpes[0], c->ncpes - 1);
        else
            snprintf(cpe, sizeof cpe, "%s", c->ncpes ? c->cpes[0] : "-");
        const char *row[] = {c->ref, c->name, c->version, c->purl, cpe};
        if (cli_table_add(&t, row) != 0) {
            rc = EXIT_INTERNAL;
            goto out_release_table;
        }
    }
    const char *ver = medsec_sbom_spec_version_label(s);
    fprintf(out, "%s: %s %s, %zu components, %zu dependencies", cli_esc(s->path),
            medsec_sbom_format_name(s->format), ver, s->ncomponents, s->ndeps);
    if (s->subject)
        fprintf(out, ", subject %s%s%s%s", cli_esc(s->subject), s->subject_ref ? " (" : "",
                s->subject_ref ? cli_esc(s->subject_ref) : "", s->subject_ref ? ")" : "");
    if (s->nskipped)
        fprintf(out, ", %zu skipped", s->nskipped);
    fputc('\n', out);
    if (s->ncomponents)
        cli_table_print(&t, out);
out_release_table:
    cli_table_release(&t);
    return rc;
}

static int print_json(struct cli_output *out, const struct medsec_sbom *s,
                      const struct medsec_diags *warn)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "file", s->path);
    medsec_jsonw_kv_string(&w, "format", medsec_sbom_format_name(s->format));
    medsec_jsonw_kv_string(&w, "specVersion", s->spec_version);
    medsec_jsonw_kv_string(&w, "serialNumber", s->serial);
    medsec_jsonw_kv_string(&w, "subject", s->subject);
    medsec_jsonw_kv_string(&w, "subjectRef", s->subject_ref);
    medsec_jsonw_kv_int(&w, "skipped", (long long)s->nskipped);
    medsec_jsonw_key(&w, "components");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < s->ncomponents; i++)
        medsec_sbom_component_json(&w, s, i);
    medsec_jsonw_array_end(&w);
    /* edges are sorted by (from, to): group them per source component */
    medsec_jsonw_key(&w, "dependencies");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < s->ndeps;) {
        size_t from = s->deps[i].from;
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "ref", s->components[from].ref);
        medsec_jsonw_key(&w, "dependsOn");
        medsec_jsonw_array_begin(&w);
        for (; i < s->ndeps && s->deps[i].from == from; i++)
            medsec_jsonw_string(&w, s->components[s->deps[i].to].ref);
        medsec_jsonw_array_end(&w);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_key(&w, "warnings");
    medsec_diags_json(&w, warn);
    medsec_jsonw_object_end(&w);
    int ex = cli_output_json(out, &w, &b);
    medsec_buf_release(&b);
    return ex;
}

int cmd_sbom(int argc, char **argv)
{
    int format = CLI_TEXT;
    const char *output = NULL, *max = NULL;
    const struct cli_option opts[] = {
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL,
         "print the components, dependencies and warnings as JSON"},
        {0, "max-components", CLI_OPT_STRING, &max, 0, "N",
         "refuse SBOMs with more than N components (default 1000000)"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "sbom",
        .usage = "medsec sbom [--json] [--max-components N] [-o FILE] FILE",
        .about =
            "Load a CycloneDX JSON (1.2-1.7) or SPDX JSON (2.2, 2.3) SBOM and list its components:\n"
            "ref (bom-ref / SPDXID), name, version, purl and CPE. Components that cannot be used are\n"
            "skipped with a warning on stderr (file:line:column); the SBOM still loads.\n",
        .opts = opts,
        .more =
            "Exit codes: 0 loaded (maybe with warnings), 2 unreadable or unsupported SBOM or bad usage,\n"
            "3 internal error.\n",
        .min_args = 1,
        .max_args = 1,
        .missing = "missing SBOM file",
        .extra = "give one SBOM file",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    struct medsec_sbom_limits lim = {0};
    if (max) {
        char *end;
        errno = 0;
        unsigned long long n = strtoull(max, &end, 10);
        if (errno || end == max || *end || n == 0 || max[0] == '-')
            return cli_usage_error("sbom", "--max-components needs a positive number, not '%s'",
                                   max);
        lim.max_components = (size_t)n;
    }
    struct medsec_diags warn = MEDSEC_DIAGS_INIT;
    struct medsec_error err = {0};
    struct medsec_sbom *s = NULL;
    medsec_err rc = medsec_sbom_load(args[0], &lim, &s, &warn, &err);
    cli_print_diags(stderr, &warn);
    if (rc) {
        ex = cli_fail(&err, rc);
        goto out_release_warnings;
    }
    struct cli_output out;
    if ((ex = cli_output_open(&out, output)) == EXIT_OK_)
        ex = cli_output_close(&out, format == CLI_JSON ? print_json(&out, s, &warn)
                                                       : print_table(out.f, s));
    medsec_sbom_free(s);
out_release_warnings:
    medsec_diags_release(&warn);
    return ex;
}
