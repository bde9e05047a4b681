/* cmd_sbom.c: `medsec sbom FILE`: load a CycloneDX or SPDX JSON SBOM and list its components. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/json.h"
#include "medsec/sbom.h"

static void sbom_usage(FILE *out)
{
    fputs("usage: medsec sbom [--json] [--max-components N] FILE\n"
          "\n"
          "Load a CycloneDX JSON (1.2-1.7) or SPDX JSON (2.2, 2.3) SBOM and list its components:\n"
          "ref (bom-ref / SPDXID), name, version, purl and CPE. Components that cannot be used are\n"
          "skipped with a warning on stderr (file:line:column); the SBOM still loads.\n"
          "\n"
          "  --json              print the components, dependencies and warnings as JSON\n"
          "  --max-components N  refuse SBOMs with more than N components (default 1000000)\n"
          "  -h, --help          show this help\n"
          "\n"
          "Exit codes: 0 loaded (maybe with warnings), 2 unreadable or unsupported SBOM or bad usage,\n"
          "3 internal error.\n",
          out);
}

static int print_table(const struct medsec_sbom *s)
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
    const char *ver = s->spec_version;
    if (s->format == MEDSEC_SBOM_SPDX && strncmp(ver, "SPDX-", 5) == 0)
        ver += 5;
    printf("%s: %s %s, %zu components, %zu dependencies", s->path,
           medsec_sbom_format_name(s->format), ver, s->ncomponents, s->ndeps);
    if (s->subject)
        printf(", subject %s%s%s%s", s->subject, s->subject_ref ? " (" : "",
               s->subject_ref ? s->subject_ref : "", s->subject_ref ? ")" : "");
    if (s->nskipped)
        printf(", %zu skipped", s->nskipped);
    putchar('\n');
    if (s->ncomponents)
        cli_table_print(&t, stdout);
    if (fflush(stdout) != 0)
        rc = EXIT_INTERNAL;
out_release_table:
    cli_table_release(&t);
    return rc;
}

static void json_component(struct medsec_jsonw *w, const struct medsec_sbom *s, size_t i)
{
    const struct medsec_sbom_component *c = &s->components[i];
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "ref", c->ref);
    medsec_jsonw_kv_string(w, "type", c->type);
    medsec_jsonw_kv_string(w, "group", c->group);
    medsec_jsonw_kv_string(w, "name", c->name);
    medsec_jsonw_kv_string(w, "version", c->version);
    medsec_jsonw_kv_string(w, "purl", c->purl);
    medsec_jsonw_key(w, "cpes");
    medsec_jsonw_array_begin(w);
    for (size_t k = 0; k < c->ncpes; k++)
        medsec_jsonw_string(w, c->cpes[k]);
    medsec_jsonw_array_end(w);
    medsec_jsonw_kv_string(w, "supplier", c->supplier);
    medsec_jsonw_kv_string(w, "license", c->license);
    medsec_jsonw_kv_string(w, "sha256", c->sha256);
    medsec_jsonw_kv_string(w, "parent",
                           c->parent == MEDSEC_SBOM_NO_PARENT ? NULL : s->components[c->parent].ref);
    medsec_jsonw_kv_bool(w, "subject", c->is_subject != 0);
    medsec_jsonw_kv_int(w, "line", c->line);
    medsec_jsonw_kv_int(w, "column", c->column);
    medsec_jsonw_object_end(w);
}

static int print_json(const struct medsec_sbom *s, const struct medsec_diags *warn)
{
    struct medsec_buf out = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &out, 1);
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
        json_component(&w, s, i);
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
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < warn->n; i++) {
        const struct medsec_diag *g = &warn->v[i];
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "file", g->file);
        medsec_jsonw_kv_int(&w, "line", g->line);
        medsec_jsonw_kv_int(&w, "column", g->column);
        medsec_jsonw_kv_string(&w, "path", g->path);
        medsec_jsonw_kv_string(&w, "message", g->msg);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_object_end(&w);
    int rc = EXIT_OK_;
    if (medsec_jsonw_finish(&w) != MEDSEC_OK || !cli_write_stdout(out.data, out.len))
        rc = EXIT_INTERNAL;
    medsec_buf_release(&out);
    return rc;
}

int cmd_sbom(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"max-components", required_argument, NULL, 'm'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    int json = 0, opt;
    struct medsec_sbom_limits lim = {0};
    optind = 0;
    while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (opt) {
        case 'j':
            json = 1;
            break;
        case 'm': {
            char *end;
            errno = 0;
            unsigned long long n = strtoull(optarg, &end, 10);
            if (errno || end == optarg || *end || n == 0 || optarg[0] == '-')
                return cli_usage_error("sbom", "--max-components needs a positive number, not '%s'",
                                       optarg);
            lim.max_components = (size_t)n;
            break;
        }
        case 'h':
            sbom_usage(stdout);
            return EXIT_OK_;
        default:
            return cli_usage_error("sbom", "unknown option");
        }
    }
    if (optind != argc - 1)
        return cli_usage_error("sbom", optind >= argc ? "missing SBOM file" : "give one SBOM file");

    struct medsec_diags warn = MEDSEC_DIAGS_INIT;
    struct medsec_error err = {0};
    struct medsec_sbom *s = NULL;
    medsec_err rc = medsec_sbom_load(argv[optind], &lim, &s, &warn, &err);
    cli_print_diags(stderr, &warn);
    int ex;
    if (rc) {
        cli_print_error(&err);
        ex = cli_exit_for(rc);
        goto out_release_warnings;
    }
    ex = json ? print_json(s, &warn) : print_table(s);
    medsec_sbom_free(s);
out_release_warnings:
    medsec_diags_release(&warn);
    return ex;
}
