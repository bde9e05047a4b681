/* cmd_cvss.c: `medsec cvss VECTOR...` scores CVSS vectors; `medsec cvss rubric ANSWERS.yaml` turns
 * answers to the MITRE medical-device rubric into a CVSS v3.1 vector and a CVSS v4.0 vector (with
 * the Safety supplemental metric), with a rationale per metric.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/buf.h"
#include "medsec/cvss.h"
#include "medsec/json.h"

static const char about_text[] =
    "Score CVSS v2, v3.0, v3.1 and v4.0 vectors as FIRST specifies them: base, temporal\n"
    "(v4.0: threat) and environmental scores, and the severity of the most specific score.\n"
    "A vector without a CVSS: prefix is read as v2. v4.0 supplemental metrics are checked\n"
    "and reported but never change a score. The table shows the normalised vector (the\n"
    "specification's metric order, not-defined values left out).\n"
    "\n"
    "'rubric' reads answers to the questions of MITRE's \"Rubric for Applying CVSS to\n"
    "Medical Devices\" (docs/rubric.md) and prints the CVSS v3.1 vector they give, its\n"
    "base score and which answers set each metric.\n";
static const char usage_lines[] =
    "medsec cvss [--json] [-o FILE] VECTOR...\nmedsec cvss rubric [--json] [-o FILE] ANSWERS.yaml";
static const char more_text[] =
    "Exit codes: 0 ok, 2 a vector or the answers file is invalid (the message names the\n"
    "metric or key and its column), 3 internal error.\n";

static void fmt_score(char *buf, size_t n, double v)
{
    if (v < 0)
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.1f", v);
}

static void json_score(struct medsec_jsonw *w, const char *key, double v)
{
    medsec_jsonw_key(w, key);
    if (v < 0)
        medsec_jsonw_null(w);
    else
        medsec_jsonw_fixed(w, v, 1);
}

/* "S:P/AU:Y" for the supplemental metrics given (v4.0), "" when none. */
static void supplemental(const struct medsec_cvss *c, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    for (unsigned i = 0; i < medsec_cvss_metric_count(c->version); i++) {
        const struct medsec_cvss_metric *m = medsec_cvss_metric(c->version, i);
        if (m->group != MEDSEC_CVSS_SUPPLEMENTAL || c->value[i] < 0)
            continue;
        int k = snprintf(buf + len, n - len, "%s%s:%s", len ? "/" : "", m->abbr,
                         m->values[c->value[i]]);
        if (k < 0 || (size_t)k >= n - len)
            break;
        len += (size_t)k;
    }
}

static int print_json(struct cli_output *out, char **vectors, const struct medsec_cvss *cs, int n)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_array_begin(&w);
    for (int i = 0; i < n; i++) {
        const struct medsec_cvss *c = &cs[i];
        struct medsec_cvss_scores s;
        char norm[MEDSEC_CVSS_MAX_LEN + 16];
        medsec_cvss_score(c, &s);
        medsec_cvss_format(c, norm, sizeof norm);
        bool v4 = c->version == MEDSEC_CVSS_V40;
        medsec_jsonw_object_begin(&w);
        medsec_jsonw_kv_string(&w, "vector", vectors[i]);
        medsec_jsonw_kv_string(&w, "normalized", norm);
        medsec_jsonw_kv_string(&w, "version", medsec_cvss_version_name(c->version));
        json_score(&w, "base_score", s.base);
        json_score(&w, v4 ? "threat_score" : "temporal_score", s.temporal);
        json_score(&w, "environmental_score", s.environmental);
        json_score(&w, "score", s.overall);
        medsec_jsonw_kv_string(
            &w, "severity", medsec_cvss_severity_name(medsec_cvss_severity(c->version, s.overall)));
        if (v4) {
            medsec_jsonw_kv_string(&w, "nomenclature", s.nomenclature);
            medsec_jsonw_kv_string(&w, "macrovector", s.macrovector);
        }
        for (int pass = 0; pass < (v4 ? 2 : 1); pass++) {
            medsec_jsonw_key(&w, pass ? "supplemental" : "metrics");
            medsec_jsonw_object_begin(&w);
            for (unsigned k = 0; k < medsec_cvss_metric_count(c->version); k++) {
                const struct medsec_cvss_metric *m = medsec_cvss_metric(c->version, k);
                if (c->value[k] < 0 || (m->group == MEDSEC_CVSS_SUPPLEMENTAL) != (pass == 1))
                    continue;
                medsec_jsonw_kv_string(&w, m->abbr, m->values[c->value[k]]);
            }
            medsec_jsonw_object_end(&w);
        }
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_array_end(&w);
    int ex = cli_output_json(out, &w, &b);
    medsec_buf_release(&b);
    return ex;
}

static int print_table(FILE *out, const struct medsec_cvss *cs, int n)
{
    bool any_suppl = false;
    char sup[MEDSEC_CVSS_MAX_LEN];
    for (int i = 0; i < n; i++) {
        supplemental(&cs[i], sup, sizeof sup);
        any_suppl |= sup[0] != '\0';
    }
    static const char *const headers[] = {"VECTOR",          "VERSION",       "BASE",
                                          "TEMPORAL/THREAT", "ENVIRONMENTAL", "SEVERITY",
                                          "SUPPLEMENTAL"};
    size_t ncols = any_suppl ? 7 : 6;
    struct cli_table t;
    if (cli_table_init(&t, ncols, headers) != 0)
        return EXIT_INTERNAL;
    int ret = EXIT_OK_;
    for (int i = 0; i < n && ret == EXIT_OK_; i++) {
        struct medsec_cvss_scores s;
        char norm[MEDSEC_CVSS_MAX_LEN + 16], b[8], tm[8], e[8];
        medsec_cvss_score(&cs[i], &s);
        medsec_cvss_format(&cs[i], norm, sizeof norm);
        fmt_score(b, sizeof b, s.base);
        fmt_score(tm, sizeof tm, s.temporal);
        fmt_score(e, sizeof e, s.environmental);
        supplemental(&cs[i], sup, sizeof sup);
        const char *row[] = {
            norm,
            medsec_cvss_version_name(cs[i].version),
            b,
            tm,
            e,
            medsec_cvss_severity_name(medsec_cvss_severity(cs[i].version, s.overall)),
            sup[0] ? sup : NULL};
        if (cli_table_add(&t, row) != 0)
            ret = EXIT_INTERNAL;
    }
    if (ret == EXIT_OK_)
        cli_table_print(&t, out);
    cli_table_release(&t);
    return ret;
}

/* The rubric's metrics as a JSON array of {metric, value, value_name, rationale}; a v4.0 metric
 * the flow could not decide has value null. */
static void rubric_metrics_json(struct medsec_jsonw *w, const char *key,
                                const struct medsec_cvss_rubric_metric *m, int n)
{
    medsec_jsonw_key(w, key);
    medsec_jsonw_array_begin(w);
    for (int i = 0; i < n; i++) {
        char v[2] = {m[i].value, '\0'};
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "metric", m[i].metric);
        medsec_jsonw_kv_string(w, "value", m[i].value ? v : NULL);
        medsec_jsonw_kv_string(w, "value_name",
                               m[i].value ? medsec_cvss_rubric_value_name(&m[i]) : NULL);
        medsec_jsonw_kv_string(w, "rationale", m[i].rationale);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
}

static int rubric_json(struct cli_output *out, const char *path, const struct medsec_cvss_rubric *r)
{
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_jsonw w;
    bool v4 = r->vector4[0] != '\0';
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "answers", path);
    medsec_jsonw_kv_string(&w, "id", r->id[0] ? r->id : NULL);
    medsec_jsonw_kv_string(&w, "title", r->title[0] ? r->title : NULL);
    medsec_jsonw_kv_string(&w, "vector", r->vector);
    json_score(&w, "base_score", r->base);
    medsec_jsonw_kv_string(&w, "severity", medsec_cvss_severity_name(r->severity));
    rubric_metrics_json(&w, "metrics", r->metrics, 8);
    /* v4.0: null vector, score and severity when an older answers file leaves a v4.0 question
     * unanswered; v4_missing says which */
    medsec_jsonw_kv_string(&w, "vector_v4", v4 ? r->vector4 : NULL);
    json_score(&w, "base_score_v4", v4 ? r->base4 : -1);
    medsec_jsonw_kv_string(&w, "severity_v4", v4 ? medsec_cvss_severity_name(r->severity4) : NULL);
    medsec_jsonw_kv_string(&w, "v4_missing", v4 ? NULL : r->missing4);
    rubric_metrics_json(&w, "metrics_v4", r->metrics4, MEDSEC_CVSS_RUBRIC_V4_METRICS);
    medsec_jsonw_object_end(&w);
    int ex = cli_output_json(out, &w, &b);
    medsec_buf_release(&b);
    return ex;
}

/* Print the table of @n metrics with their values and rationale. */
static int rubric_metrics_table(FILE *out, const struct medsec_cvss_rubric_metric *m, int n)
{
    static const char *const headers[] = {"METRIC", "VALUE", "RATIONALE (rubric question answer)"};
    struct cli_table t;
    if (cli_table_init(&t, 3, headers) != 0)
        return EXIT_INTERNAL;
    int ret = EXIT_OK_;
    for (int i = 0; i < n && ret == EXIT_OK_; i++) {
        char v[32] = "-";
        if (m[i].value)
            snprintf(v, sizeof v, "%c (%s)", m[i].value, medsec_cvss_rubric_value_name(&m[i]));
        const char *row[] = {m[i].metric, v, m[i].rationale};
        if (cli_table_add(&t, row) != 0)
            ret = EXIT_INTERNAL;
    }
    if (ret == EXIT_OK_)
        cli_table_print(&t, out);
    cli_table_release(&t);
    return ret;
}

static int rubric_table(FILE *out, const struct medsec_cvss_rubric *r)
{
    if (r->id[0] || r->title[0])
        fprintf(out, "%s%s%s\n\n", cli_esc(r->id), r->id[0] && r->title[0] ? ": " : "",
                cli_esc(r->title));
    int ret = rubric_metrics_table(out, r->metrics, 8);
    if (ret != EXIT_OK_)
        return ret;
    fprintf(out, "\nvector: %s\nbase score: %.1f (%s)\n", r->vector, r->base,
            medsec_cvss_severity_name(r->severity));
    fprintf(out, "\nCVSS v4.0 (Safety is a supplemental metric: it does not change the score)\n");
    if ((ret = rubric_metrics_table(out, r->metrics4, MEDSEC_CVSS_RUBRIC_V4_METRICS)) != EXIT_OK_)
        return ret;
    if (r->vector4[0])
        fprintf(out, "\nvector (v4.0): %s\nbase score (v4.0, CVSS-B): %.1f (%s)\n", r->vector4,
                r->base4, medsec_cvss_severity_name(r->severity4));
    else
        fprintf(out, "\nvector (v4.0): not derived: %s\n", r->missing4);
    return EXIT_OK_;
}

int cmd_cvss(int argc, char **argv)
{
    bool is_rubric = argc > 1 && strcmp(argv[1], "rubric") == 0;
    int format = CLI_TEXT;
    const char *output = NULL;
    const struct cli_option opts[] = {
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print JSON instead of a table"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "cvss",
        .usage = usage_lines,
        .about = about_text,
        .opts = opts,
        .more = more_text,
        .min_args = 1,
        .max_args = is_rubric ? 1 : 4096,
        .missing = is_rubric ? "rubric needs exactly one answers file" : "no vector given",
        .extra =
            is_rubric ? "rubric needs exactly one answers file" : "at most 4096 vectors at a time",
    };
    char **args;
    int n,
        ex = cli_parse(&spec, is_rubric ? argc - 1 : argc, is_rubric ? argv + 1 : argv, &args, &n);
    if (ex != EXIT_OK_)
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    struct cli_output out;
    if (is_rubric) {
        struct medsec_cvss_rubric r;
        struct medsec_error err;
        medsec_err rc = medsec_cvss_rubric_load(args[0], &r, &err);
        if (rc)
            return cli_fail(&err, rc);
        if ((ex = cli_output_open(&out, output)) != EXIT_OK_)
            return ex;
        return cli_output_close(&out, format == CLI_JSON ? rubric_json(&out, args[0], &r)
                                                         : rubric_table(out.f, &r));
    }
    static struct medsec_cvss cs[4096];
    int bad = 0;
    for (int i = 0; i < n; i++) {
        struct medsec_error err;
        if (medsec_cvss_parse(args[i], &cs[i], &err) != MEDSEC_OK) {
            fprintf(stderr, "medsec cvss: %s:%u: error: %s\n", cli_esc(args[i]), err.column,
                    cli_esc(err.msg));
            bad++;
        }
    }
    if (bad)
        return EXIT_USAGE;
    if ((ex = cli_output_open(&out, output)) != EXIT_OK_)
        return ex;
    return cli_output_close(&out, format == CLI_JSON ? print_json(&out, args, cs, n)
                                                     : print_table(out.f, cs, n));
}
