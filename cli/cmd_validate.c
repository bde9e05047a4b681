/* cmd_validate.c: `medsec validate DIR`: check a device's security file and report every problem. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/json.h"
#include "medsec/model.h"

static void validate_usage(FILE *out)
{
    fputs("usage: medsec validate [--json] DIR\n"
          "       medsec validate --schema\n"
          "\n"
          "Check the security file DIR/device.yaml and the files it names (SBOMs, evidence,\n"
          "rubric answers): keys, types, required keys, dates, ids, every reference, SBOM\n"
          "components and input caps. Every problem is reported, as file:line:column: error: message\n"
          "on stderr. The format is described in docs/security-file.md.\n"
          "\n"
          "  --json      print the verdict and the diagnostics as JSON on stdout\n"
          "  --schema    print the JSON Schema of device.yaml and exit\n"
          "  -h, --help  show this help\n"
          "\n"
          "Exit codes: 0 valid, 2 errors in the file or bad usage, 3 internal error.\n",
          out);
}

static int print_schema(void)
{
    char *text = NULL;
    size_t len = 0;
    if (medsec_model_schema_json(&text, &len) != MEDSEC_OK) {
        fputs("medsec: error: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    bool ok = cli_write_stdout(text, len);
    medsec_free(text);
    return ok ? EXIT_OK_ : EXIT_INTERNAL;
}

static int print_json(const char *file, const struct medsec_model *m, const struct medsec_diags *d)
{
    struct medsec_buf out = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &out, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "file", file);
    medsec_jsonw_kv_bool(&w, "valid", m != NULL);
    medsec_jsonw_kv_int(&w, "errors", (long long)d->errors);
    medsec_jsonw_kv_int(&w, "warnings", (long long)d->warnings);
    medsec_jsonw_key(&w, "diagnostics");
    medsec_jsonw_array_begin(&w);
    for (size_t i = 0; i < d->n; i++) {
        const struct medsec_diag *g = &d->v[i];
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "file", g->file);
        medsec_jsonw_kv_int(&w, "line", g->line);
        medsec_jsonw_kv_int(&w, "column", g->column);
        medsec_jsonw_kv_string(&w, "severity", medsec_severity_name(g->severity));
        medsec_jsonw_kv_string(&w, "path", g->path);
        medsec_jsonw_kv_string(&w, "message", g->msg);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    medsec_jsonw_kv_int(&w, "dropped", (long long)d->dropped);
    medsec_jsonw_object_end(&w);
    int rc = EXIT_OK_;
    if (medsec_jsonw_finish(&w) != MEDSEC_OK || !cli_write_stdout(out.data, out.len))
        rc = EXIT_INTERNAL;
    medsec_buf_release(&out);
    return rc;
}

#define S(n) ((n) == 1 ? "" : "s")

int cmd_validate(int argc, char **argv)
{
    static const struct option opts[] = {
        {"json", no_argument, NULL, 'j'},
        {"schema", no_argument, NULL, 's'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    bool json = false, schema = false;
    optind = 0;
    for (int c; (c = getopt_long(argc, argv, "h", opts, NULL)) != -1;) {
        switch (c) {
        case 'j': json = true; break;
        case 's': schema = true; break;
        case 'h': validate_usage(stdout); return EXIT_OK_;
        default: return cli_usage_error("validate", "unknown option '%s'", argv[optind - 1]);
        }
    }
    if (schema) {
        if (optind != argc || json)
            return cli_usage_error("validate", "--schema takes no other argument");
        return print_schema();
    }
    if (optind + 1 != argc)
        return cli_usage_error("validate", optind == argc ? "missing DIR" : "expected one DIR");
    const char *dir = argv[optind];

    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    struct medsec_model *m = NULL;
    struct medsec_error err;
    medsec_err rc = medsec_model_load(dir, NULL, &m, &diags, &err);
    int exit_code;
    if (rc != MEDSEC_OK && diags.errors == 0) {
        /* not a problem in the file: missing folder, I/O, out of memory */
        cli_print_error(&err);
        exit_code = cli_exit_for(rc);
        goto out_free;
    }
    if (json) {
        exit_code = print_json(m ? m->file : err.file, m, &diags);
        if (exit_code == EXIT_OK_ && !m)
            exit_code = EXIT_USAGE;
        goto out_free;
    }
    cli_print_diags(stderr, &diags);
    if (!m) {
        fprintf(stderr, "medsec: %s: %zu error%s\n", err.file, diags.errors, diags.errors == 1 ? "" : "s");
        exit_code = EXIT_USAGE;
        goto out_free;
    }
    printf("%s: valid: %zu item%s, %zu interface%s, %zu flow%s, %zu asset%s, %zu control%s", m->file,
           m->nitems, S(m->nitems), m->ninterfaces, S(m->ninterfaces), m->nflows, S(m->nflows), m->nassets,
           S(m->nassets), m->ncontrols, S(m->ncontrols));
    if (diags.warnings)
        printf(" (%zu warning%s)", diags.warnings, diags.warnings == 1 ? "" : "s");
    putchar('\n');
    exit_code = fflush(stdout) == 0 ? EXIT_OK_ : EXIT_INTERNAL;
out_free:
    medsec_model_free(m);
    medsec_diags_release(&diags);
    return exit_code;
}
