/* cmd_validate.c: `medsec validate DIR`: check a device's security file and report every problem.
 */
#include <stdio.h>
#include <sys/stat.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/device.h"
#include "medsec/json.h"
#include "medsec/model.h"
#include "medsec/triage.h"

static int print_schema(struct cli_output *out)
{
    char *text = NULL;
    size_t len = 0;
    if (medsec_model_schema_json(&text, &len) != MEDSEC_OK) {
        fputs("medsec: error: out of memory\n", stderr);
        return EXIT_INTERNAL;
    }
    int ex = fwrite(text, 1, len, out->f) == len ? EXIT_OK_ : EXIT_INTERNAL;
    medsec_free(text);
    return ex;
}

static int print_json(struct cli_output *out, const char *file, const struct medsec_model *m,
                      const struct medsec_diags *d)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "file", file);
    medsec_jsonw_kv_bool(&w, "valid", m != NULL);
    medsec_jsonw_kv_int(&w, "errors", (long long)d->errors);
    medsec_jsonw_kv_int(&w, "warnings", (long long)d->warnings);
    medsec_jsonw_key(&w, "diagnostics");
    medsec_diags_json(&w, d);
    medsec_jsonw_kv_int(&w, "dropped", (long long)d->dropped);
    medsec_jsonw_object_end(&w);
    int ex = cli_output_json(out, &w, &b);
    medsec_buf_release(&b);
    return ex;
}

#define S(n) ((n) == 1 ? "" : "s")

/* Read the device's triage file, when there is one, and hold its rules against the security file:
 * a problem in it is an error of the device (in @diags, MEDSEC_EPARSE); only running out of memory
 * is returned otherwise. */
static medsec_err check_triage(const char *dir, const struct medsec_model *m,
                               struct medsec_diags *diags, struct medsec_error *err)
{
    char *path = medsec_triage_path(dir, m);
    struct medsec_triage *t = NULL;
    struct stat st;
    medsec_err rc = path ? MEDSEC_OK : MEDSEC_ENOMEM;
    if (!rc && stat(path, &st) == 0 && !(rc = medsec_triage_new(&t, err))) {
        rc = medsec_triage_read(t, path, err);
        if (rc && rc != MEDSEC_ENOMEM) {
            (void)medsec_diags_add(diags, MEDSEC_SEV_ERROR, err->file, err->line, err->column, NULL,
                                   "%s", err->msg);
            rc = MEDSEC_EPARSE;
        } else if (!rc && medsec_triage_check(t, m, diags)) {
            rc = MEDSEC_EPARSE;
        }
    }
    if (rc == MEDSEC_ENOMEM)
        medsec_error_set(err, MEDSEC_ENOMEM, NULL, 0, 0, "out of memory");
    medsec_triage_free(t);
    medsec_free(path);
    return rc;
}

int cmd_validate(int argc, char **argv)
{
    int format = CLI_TEXT;
    bool schema = false;
    const char *output = NULL;
    const struct cli_option opts[] = {
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL,
         "print the verdict and the diagnostics as JSON"},
        {0, "schema", CLI_OPT_FLAG, &schema, 0, NULL,
         "print the JSON Schema of device.yaml and exit"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "validate",
        .usage = "medsec validate [--json] [-o FILE] DIR\nmedsec validate --schema [-o FILE]",
        .about =
            "Check the security file DIR/device.yaml and the files it names (SBOMs, evidence,\n"
            "rubric answers, threat rule catalogs) and its triage file (its `triage:`, else\n"
            "DIR/triage.yaml when there is one): keys, types, required keys, dates, ids, every\n"
            "reference, SBOM components, the rule catalogs and input caps. Every named file must be\n"
            "a regular file inside DIR. Every problem is reported, as file:line:column: error:\n"
            "message on stderr. The format is described in docs/security-file.md.\n",
        .opts = opts,
        .more = "Exit codes: 0 valid, 2 errors in the file or bad usage, 3 internal error.\n",
        .max_args = 1,
        .extra = "expected one DIR",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    if (schema && (nargs || format != CLI_TEXT))
        return cli_usage_error("validate", "--schema takes no other argument");
    if (!schema && nargs != 1)
        return cli_usage_error("validate", "missing DIR");
    struct cli_output out;
    if ((ex = cli_output_open(&out, output)) != EXIT_OK_)
        return ex;
    if (schema)
        return cli_output_close(&out, print_schema(&out));

    /* the device as `threats` and `risk` open it, then the rule catalogs it names: validate says
     * "valid" only when they would work */
    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    struct medsec_device *d = NULL;
    const struct medsec_model *m = NULL;
    struct medsec_error err;
    medsec_err rc = medsec_device_open(cli_context(), args[0], NULL, &d, &diags, &err);
    if (!rc && (rc = medsec_device_check(d, &diags, &err)) == MEDSEC_OK)
        m = medsec_device_model(d);
    /* and the triage file (docs/triage.md) that `triage`, `vex`, `gate` and `status` read */
    if (m && (rc = check_triage(args[0], m, &diags, &err)) != MEDSEC_OK) {
        if (diags.errors == 0) {
            ex = cli_fail(&err, rc);
            goto out_free;
        }
        snprintf(err.file, sizeof err.file, "%s", m->file ? m->file : args[0]);
        m = NULL;
    }
    if (rc != MEDSEC_OK && diags.errors == 0) {
        /* not a problem in the files: missing folder, I/O, out of memory */
        ex = cli_fail(&err, rc);
        goto out_free;
    }
    if (format == CLI_JSON) {
        ex = print_json(&out, m ? m->file : err.file, m, &diags);
        out.keep = ex == EXIT_OK_; /* the report is the result, valid file or not */
        if (ex == EXIT_OK_ && !m)
            ex = EXIT_USAGE;
        goto out_free;
    }
    cli_print_diags(stderr, &diags);
    if (!m) {
        fprintf(stderr, "medsec: %s: %zu error%s\n", cli_esc(err.file), diags.errors,
                S(diags.errors));
        ex = EXIT_USAGE;
        goto out_free;
    }
    fprintf(out.f, "%s: valid: %zu item%s, %zu interface%s, %zu flow%s, %zu asset%s, %zu control%s",
            cli_esc(m->file), m->nitems, S(m->nitems), m->ninterfaces, S(m->ninterfaces), m->nflows,
            S(m->nflows), m->nassets, S(m->nassets), m->ncontrols, S(m->ncontrols));
    if (diags.warnings)
        fprintf(out.f, " (%zu warning%s)", diags.warnings, S(diags.warnings));
    fputc('\n', out.f);
    ex = EXIT_OK_;
out_free:
    medsec_device_close(d);
    medsec_diags_release(&diags);
    return cli_output_close(&out, ex);
}
