/* cmd_vexin.c: `medsec vex read FILE...`: read suppliers' VEX documents (CycloneDX, OpenVEX, CSAF
 * 2.0) and list their statements (docs/vex-read.md). */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/buf.h"
#include "medsec/json.h"
#include "medsec/vex.h"

#define DETAIL_WIDTH 60 /* bytes of detail shown in the table; --json has all of it */

/* "PRODUCT": the purl or CPE, else name@version, else the name; "-" when none; then the versions
 * covered and what it is part of. */
static void product_text(const struct medsec_vex_statement *s, struct medsec_buf *b)
{
    medsec_buf_reset(b);
    if (s->product) {
        (void)medsec_buf_adds(b, s->product);
    } else if (s->product_name) {
        (void)medsec_buf_adds(b, s->product_name);
        if (s->product_version)
            (void)medsec_buf_addf(b, "@%s", s->product_version);
    }
    if (s->product_range)
        (void)medsec_buf_addf(b, " (%s)", s->product_range);
    if (s->parent)
        (void)medsec_buf_addf(b, " in %s", s->parent);
}

/* @s cut to DETAIL_WIDTH bytes at a character boundary, "..." added when cut. */
static const char *short_detail(const char *s, char *buf, size_t n)
{
    if (!s || strlen(s) <= DETAIL_WIDTH)
        return s;
    size_t k = DETAIL_WIDTH - 3;
    while (k > 0 && ((unsigned char)s[k] & 0xC0) == 0x80)
        k--;
    snprintf(buf, n, "%.*s...", (int)k, s);
    return buf;
}

static int print_table(FILE *out, const char *path, const struct medsec_vex_doc *d)
{
    static const char *const head[] = {"VULNERABILITY", "PRODUCT", "STATE", "JUSTIFICATION",
                                       "DETAIL"};
    fprintf(out, "%s: %s, %zu statement%s", cli_esc(path), medsec_vex_format_name(d->format), d->n,
            d->n == 1 ? "" : "s");
    if (d->author)
        fprintf(out, ", by %s", cli_esc(d->author));
    if (d->timestamp)
        fprintf(out, ", %s", cli_esc(d->timestamp));
    fputc('\n', out);
    if (!d->n)
        return EXIT_OK_;
    struct cli_table t;
    struct medsec_buf prod = MEDSEC_BUF_INIT;
    int ex = EXIT_OK_;
    if (cli_table_init(&t, 5, head) != 0)
        return EXIT_INTERNAL;
    for (size_t i = 0; i < d->n && ex == EXIT_OK_; i++) {
        const struct medsec_vex_statement *s = &d->v[i];
        char det[DETAIL_WIDTH + 8];
        const char *j = s->cdx_justification
                            ? medsec_vex_cdx_justification_name(s->cdx_justification)
                            : medsec_vex_justification_name(s->justification);
        product_text(s, &prod);
        const char *row[] = {s->vuln, prod.len ? prod.data : NULL, medsec_vex_state_name(s->state),
                             j, short_detail(s->detail, det, sizeof det)};
        if (cli_table_add(&t, row) != 0)
            ex = EXIT_INTERNAL;
    }
    if (ex == EXIT_OK_)
        cli_table_print(&t, out);
    cli_table_release(&t);
    medsec_buf_release(&prod);
    return ex;
}

static void statement_json(struct medsec_jsonw *w, const struct medsec_vex_statement *s)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "vulnerability", s->vuln);
    medsec_jsonw_kv_strings(w, "aliases", s->aliases, s->naliases);
    medsec_jsonw_kv_string(w, "product", s->product);
    medsec_jsonw_kv_string(w, "product_name", s->product_name);
    medsec_jsonw_kv_string(w, "product_version", s->product_version);
    medsec_jsonw_kv_string(w, "product_range", s->product_range);
    medsec_jsonw_kv_string(w, "parent", s->parent);
    medsec_jsonw_kv_string(w, "state", medsec_vex_state_name(s->state));
    medsec_jsonw_kv_string(w, "status", medsec_vuln_status_name(medsec_vex_state_status(s->state)));
    medsec_jsonw_kv_string(w, "cdx_justification",
                           medsec_vex_cdx_justification_name(s->cdx_justification));
    medsec_jsonw_kv_string(w, "justification", medsec_vex_justification_name(s->justification));
    medsec_jsonw_kv_string(w, "detail", s->detail);
    medsec_jsonw_key(w, "responses");
    medsec_jsonw_array_begin(w);
    for (unsigned bit = 1; bit <= MEDSEC_VEX_RESP_WORKAROUND; bit <<= 1)
        if (s->responses & bit)
            medsec_jsonw_string(w, medsec_vex_response_name(bit));
    medsec_jsonw_array_end(w);
    medsec_jsonw_kv_string(w, "action", s->action);
    medsec_jsonw_kv_string(w, "fixed_in", s->fixed_in);
    medsec_jsonw_kv_string(w, "author", s->author);
    medsec_jsonw_kv_string(w, "timestamp", s->timestamp);
    medsec_jsonw_kv_string(w, "origin",
                           s->origin == MEDSEC_VEX_BY_SUPPLIER ? "supplier" : "manufacturer");
    medsec_jsonw_kv_int(w, "line", s->line);
    medsec_jsonw_kv_int(w, "column", s->column);
    medsec_jsonw_object_end(w);
}

static void doc_json(struct medsec_jsonw *w, const char *path, const struct medsec_vex_doc *d,
                     const struct medsec_diags *warn)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "file", path);
    medsec_jsonw_kv_string(w, "format", medsec_vex_format_name(d->format));
    medsec_jsonw_kv_string(w, "id", d->id);
    medsec_jsonw_kv_string(w, "author", d->author);
    medsec_jsonw_kv_string(w, "timestamp", d->timestamp);
    medsec_jsonw_key(w, "statements");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < d->n; i++)
        statement_json(w, &d->v[i]);
    medsec_jsonw_array_end(w);
    medsec_jsonw_key(w, "warnings");
    medsec_diags_json(w, warn);
    medsec_jsonw_object_end(w);
}

static int vex_read(int argc, char **argv)
{
    int format = CLI_TEXT;
    const char *output = NULL;
    const struct cli_option opts[] = {
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL,
         "print the documents, their statements and warnings as JSON"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "vex read",
        .usage = "medsec vex read [--json] [-o FILE] FILE...",
        .about =
            "Read VEX documents from suppliers and list their statements: vulnerability, product,\n"
            "state, justification and detail. The format is told by content: CycloneDX 1.4-1.7\n"
            "(vulnerabilities with an analysis), OpenVEX 0.2.0, CSAF 2.0 (csaf_vex, or a\n"
            "csaf_security_advisory's product_status). A statement with a state, justification or\n"
            "response its format does not define is skipped with a warning on stderr\n"
            "(file:line:column and the field); the other statements still count. docs/vex-read.md\n"
            "says where each field comes from.\n",
        .opts = opts,
        .more = "Exit codes: 0 every file read (maybe with warnings), 2 a file could not be read,\n"
                "is not JSON, is no VEX document or exceeds a cap (64 MiB, 1,000,000 statements),\n"
                "or bad usage; 3 internal error.\n",
        .min_args = 1,
        .missing = "missing VEX file",
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    struct cli_output out;
    if ((ex = cli_output_open(&out, output)) != EXIT_OK_)
        return ex;
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_array_begin(&w);
    int worst = EXIT_OK_;
    for (int i = 0; i < nargs; i++) {
        struct medsec_error err = {0};
        struct medsec_diags warn = MEDSEC_DIAGS_INIT;
        struct medsec_vex_doc d;
        medsec_err rc = medsec_vex_load(args[i], &d, &warn, &err);
        cli_print_diags(stderr, &warn);
        if (rc != MEDSEC_OK) {
            int e = cli_fail(&err, rc);
            if (e > worst)
                worst = e;
        } else if (format == CLI_JSON) {
            doc_json(&w, args[i], &d, &warn);
        } else {
            if (i > 0)
                fputc('\n', out.f);
            int e = print_table(out.f, args[i], &d);
            if (e > worst)
                worst = e;
        }
        medsec_vex_doc_release(&d);
        medsec_diags_release(&warn);
    }
    medsec_jsonw_array_end(&w);
    if (format == CLI_JSON && worst != EXIT_INTERNAL) {
        int e = cli_output_json(&out, &w, &b);
        if (e > worst)
            worst = e;
    }
    medsec_buf_release(&b);
    return cli_output_close(&out, worst);
}

/* `medsec vex read ...`, dispatched by cmd_vex (cmd_vex.c). */
int cmd_vex_read(int argc, char **argv)
{
    return vex_read(argc, argv);
}
