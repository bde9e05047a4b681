/* util.c: error printing, exit-code mapping and terminal detection for the subcommands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "medsec/device.h"

int cli_exit_for(medsec_err rc)
{
    switch (rc) {
    case MEDSEC_OK: return EXIT_OK_;
    case MEDSEC_EPARSE:
    case MEDSEC_EINVAL:
    case MEDSEC_ETOOBIG:
    case MEDSEC_ENOTFOUND:
    case MEDSEC_EUNSUPPORTED:
    case MEDSEC_EIO:
    case MEDSEC_EVERIFY: return EXIT_USAGE;
    default: return EXIT_INTERNAL;
    }
}

int cli_fail(const struct medsec_error *err, medsec_err rc)
{
    cli_print_error(err);
    return cli_exit_for(rc);
}

void cli_print_error(const struct medsec_error *e)
{
    fputs("medsec: ", stderr);
    if (e->file[0]) {
        fputs(e->file, stderr);
        if (e->line) {
            fprintf(stderr, ":%u", e->line);
            if (e->column)
                fprintf(stderr, ":%u", e->column);
        }
        fputs(": ", stderr);
    }
    fprintf(stderr, "error: %s\n", e->msg[0] ? e->msg : medsec_strerror(e->code));
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "medsec %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'medsec %s --help'.\n", cmd);
    return EXIT_USAGE;
}

void cli_print_diags(FILE *out, const struct medsec_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        const struct medsec_diag *g = &d->v[i];
        fputs(g->file, out);
        if (g->line) {
            fprintf(out, ":%u", g->line);
            if (g->column)
                fprintf(out, ":%u", g->column);
        }
        fprintf(out, ": %s: %s\n", medsec_severity_name(g->severity), g->msg);
    }
    if (d->dropped)
        fprintf(out, "medsec: %zu more diagnostics not shown\n", d->dropped);
}

bool cli_is_tty(FILE *f)
{
    if (!isatty(fileno(f)))
        return false;
    const char *term = getenv("TERM"), *no_color = getenv("NO_COLOR");
    if ((term && strcmp(term, "dumb") == 0) || (no_color && *no_color))
        return false;
    return true;
}

int cli_open_device(const char *dir, const struct medsec_device_opts *opts,
                    struct medsec_device **d)
{
    struct medsec_diags diags = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    medsec_err rc = medsec_device_open(cli_context(), dir, opts, d, &diags, &err);
    if (rc)
        cli_print_diags(stderr,
                        &diags); /* warnings of a file that loads are medsec validate's business */
    medsec_diags_release(&diags);
    return rc ? cli_fail(&err, rc) : EXIT_OK_;
}
