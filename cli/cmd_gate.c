/* cmd_gate.c: `medsec gate DIR`: the release gate. Evaluates a policy's rules on the device and
 * reports each rule per release as a table, JSON, SARIF 2.1.0 or JUnit XML; exit 1 when one fails.
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "commands.h"
#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/device.h"
#include "medsec/device_vex.h"
#include "medsec/gate.h"
#include "medsec/json.h"
#include "medsec/triage.h"
#include "medsec/vex.h"

/* "rule" or "rule (version V)". */
static void check_name(char *buf, size_t cap, const struct medsec_gate_result *res)
{
    snprintf(buf, cap, "%s%s%s%s", medsec_gate_rule_name(res->rule),
             res->version ? " (version " : "", res->version ? res->version : "",
             res->version ? ")" : "");
}

/* ---- text ---- */

static int print_text(FILE *out, const struct medsec_gate_report *r)
{
    static const char *const head[] = {"RULE", "RELEASE", "RESULT", "FAILING", "CHECKED"};
    struct cli_table t;
    if (cli_table_init(&t, 5, head))
        return EXIT_INTERNAL;
    int ex = EXIT_OK_;
    for (size_t i = 0; i < r->n && ex == EXIT_OK_; i++) {
        const struct medsec_gate_result *res = &r->results[i];
        char nfail[32];
        snprintf(nfail, sizeof nfail, "%zu", res->nfailures);
        const char *row[] = {medsec_gate_rule_name(res->rule), res->version,
                             res->outcome == MEDSEC_GATE_FAIL   ? "FAIL"
                             : res->outcome == MEDSEC_GATE_SKIP ? "skip"
                                                                : "pass",
                             nfail, res->note};
        if (cli_table_add(&t, row))
            ex = EXIT_INTERNAL;
    }
    if (ex == EXIT_OK_) {
        fprintf(out, "Release gate of %s (policy %s, %s)\n\n", cli_esc(r->device),
                cli_esc(r->policy), r->today);
        cli_table_print(&t, out);
    }
    cli_table_release(&t);
    if (ex != EXIT_OK_)
        return ex;
    for (size_t i = 0; i < r->n; i++) {
        const struct medsec_gate_result *res = &r->results[i];
        if (!res->nfailures)
            continue;
        char name[300];
        check_name(name, sizeof name, res);
        fprintf(out, "\n%s: %s\n", cli_esc(name), medsec_gate_rule_summary(res->rule));
        for (size_t k = 0; k < res->nfailures; k++) {
            const struct medsec_gate_failure *f = &res->failures[k];
            fprintf(out, "  %s: %s", cli_esc(f->item), cli_esc(f->reason));
            if (f->line)
                fprintf(out, " [%s:%u]", cli_esc(r->device_file), f->line);
            fputc('\n', out);
        }
    }
    fprintf(out, "\n%s: %zu check%s, %zu failed, %zu skipped\n",
            r->failed ? "gate FAILED" : "gate passed", r->n, r->n == 1 ? "" : "s", r->failed,
            r->skipped);
    return EXIT_OK_;
}

/* ---- JSON ---- */

static void json_report(struct medsec_jsonw *w, const struct medsec_gate_report *r)
{
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "device", r->device);
    medsec_jsonw_kv_string(w, "file", r->device_file);
    medsec_jsonw_kv_string(w, "policy", r->policy);
    medsec_jsonw_kv_string(w, "date", r->today);
    medsec_jsonw_kv_bool(w, "passed", r->failed == 0);
    medsec_jsonw_key(w, "results");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < r->n; i++) {
        const struct medsec_gate_result *res = &r->results[i];
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "rule", medsec_gate_rule_name(res->rule));
        medsec_jsonw_kv_string(w, "release", res->version);
        medsec_jsonw_kv_string(w, "result", medsec_gate_outcome_name(res->outcome));
        medsec_jsonw_kv_string(w, "note", res->note);
        medsec_jsonw_key(w, "failures");
        medsec_jsonw_array_begin(w);
        for (size_t k = 0; k < res->nfailures; k++) {
            const struct medsec_gate_failure *f = &res->failures[k];
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "item", f->item);
            medsec_jsonw_kv_string(w, "reason", f->reason);
            medsec_jsonw_key(w, "line");
            if (f->line)
                medsec_jsonw_uint(w, f->line);
            else
                medsec_jsonw_null(w);
            medsec_jsonw_key(w, "column");
            if (f->column)
                medsec_jsonw_uint(w, f->column);
            else
                medsec_jsonw_null(w);
            medsec_jsonw_object_end(w);
        }
        medsec_jsonw_array_end(w);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_key(w, "summary");
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_int(w, "checks", (long long)r->n);
    medsec_jsonw_kv_int(w, "failed", (long long)r->failed);
    medsec_jsonw_kv_int(w, "skipped", (long long)r->skipped);
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
}

/* ---- SARIF 2.1.0: one result per failing item, ruleId = the policy rule ---- */

static bool sarif_report(struct medsec_jsonw *w, const struct medsec_gate_report *r,
                         const struct medsec_gate_policy *p)
{
    struct medsec_buf uri = MEDSEC_BUF_INIT, msg = MEDSEC_BUF_INIT;
    medsec_buf_init(&msg, 1 << 16);
    const char *u = cli_sarif_uri(&uri, r->device_file);
    bool ok = u != NULL;
    cli_sarif_begin(w, "medsec gate");
    for (size_t i = 0; i < MEDSEC_GATE_RULE_COUNT; i++) {
        if (!p->enabled[i])
            continue;
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "id", medsec_gate_rule_name((enum medsec_gate_rule)i));
        medsec_jsonw_key(w, "shortDescription");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "text", medsec_gate_rule_summary((enum medsec_gate_rule)i));
        medsec_jsonw_object_end(w);
        medsec_jsonw_key(w, "defaultConfiguration");
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "level", "error");
        medsec_jsonw_object_end(w);
        medsec_jsonw_object_end(w);
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_key(w, "results");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < r->n; i++) {
        const struct medsec_gate_result *res = &r->results[i];
        for (size_t k = 0; k < res->nfailures; k++) {
            const struct medsec_gate_failure *f = &res->failures[k];
            medsec_buf_reset(&msg);
            ok &= medsec_buf_addf(&msg, "%s%s%s%s: %s", res->version ? "version " : "",
                                  res->version ? res->version : "", res->version ? ": " : "",
                                  f->item, f->reason) == MEDSEC_OK;
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "ruleId", medsec_gate_rule_name(res->rule));
            medsec_jsonw_kv_string(w, "level", "error");
            medsec_jsonw_key(w, "message");
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "text", msg.data);
            medsec_jsonw_object_end(w);
            medsec_jsonw_key(w, "locations");
            medsec_jsonw_array_begin(w);
            medsec_jsonw_object_begin(w);
            medsec_jsonw_key(w, "physicalLocation");
            medsec_jsonw_object_begin(w);
            medsec_jsonw_key(w, "artifactLocation");
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "uri", u ? u : "");
            medsec_jsonw_object_end(w);
            if (f->line) {
                medsec_jsonw_key(w, "region");
                medsec_jsonw_object_begin(w);
                medsec_jsonw_kv_int(w, "startLine", f->line);
                if (f->column)
                    medsec_jsonw_kv_int(w, "startColumn", f->column);
                medsec_jsonw_object_end(w);
            }
            medsec_jsonw_object_end(w);
            medsec_jsonw_key(w, "logicalLocations");
            medsec_jsonw_array_begin(w);
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "name", f->item);
            medsec_jsonw_object_end(w);
            medsec_jsonw_array_end(w);
            medsec_jsonw_object_end(w);
            medsec_jsonw_array_end(w);
            medsec_jsonw_key(w, "properties");
            medsec_jsonw_object_begin(w);
            medsec_jsonw_kv_string(w, "release", res->version);
            medsec_jsonw_object_end(w);
            medsec_jsonw_object_end(w);
        }
    }
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
    medsec_jsonw_array_end(w);
    medsec_jsonw_object_end(w);
    medsec_buf_release(&uri);
    medsec_buf_release(&msg);
    return ok;
}

/* ---- JUnit XML: the policy is the test suite, each rule on each release a test case ---- */

/* Append @s to @b as XML 1.0 character data or an attribute value: the five markup characters as
 * entities, a tab, newline or carriage return as a character reference (attribute values keep
 * them), and what XML 1.0 cannot hold (other C0 controls, bytes that are not well-formed UTF-8) as
 * the text "\xHH". */
static medsec_err xml_escape(struct medsec_buf *b, const char *s)
{
    medsec_err rc = MEDSEC_OK;
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p && !rc; p++) {
        switch (*p) {
        case '&': rc = medsec_buf_adds(b, "&amp;"); continue;
        case '<': rc = medsec_buf_adds(b, "&lt;"); continue;
        case '>': rc = medsec_buf_adds(b, "&gt;"); continue;
        case '"': rc = medsec_buf_adds(b, "&quot;"); continue;
        case '\'': rc = medsec_buf_adds(b, "&apos;"); continue;
        case '\t':
        case '\n':
        case '\r': rc = medsec_buf_addf(b, "&#%d;", *p); continue;
        default: break;
        }
        if (*p < 0x20 || *p == 0x7f) {
            rc = medsec_buf_addf(b, "\\x%02X", *p);
            continue;
        }
        if (*p < 0x80) {
            rc = medsec_buf_addc(b, (char)*p);
            continue;
        }
        /* a well-formed UTF-8 sequence goes as it is */
        size_t n = *p >= 0xF0 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC2 ? 2 : 0;
        size_t k = 1;
        while (n && k < n && (p[k] & 0xC0) == 0x80)
            k++;
        bool good = n && k == n && *p <= 0xF4 && !(*p == 0xE0 && p[1] < 0xA0) &&
                    !(*p == 0xED && p[1] >= 0xA0) && !(*p == 0xF0 && p[1] < 0x90) &&
                    !(*p == 0xF4 && p[1] >= 0x90);
        if (!good) {
            rc = medsec_buf_addf(b, "\\x%02X", *p);
            continue;
        }
        rc = medsec_buf_add(b, p, n);
        p += n - 1;
    }
    return rc;
}

static medsec_err junit_report(struct medsec_buf *b, const struct medsec_gate_report *r)
{
    medsec_err rc =
        medsec_buf_addf(b,
                        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                        "<testsuites name=\"medsec gate\" tests=\"%zu\" failures=\"%zu\" "
                        "errors=\"0\" skipped=\"%zu\">\n"
                        "  <testsuite name=\"",
                        r->n, r->failed, r->skipped);
    if (!rc)
        rc = xml_escape(b, r->policy);
    if (!rc)
        rc = medsec_buf_addf(b,
                             "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\" skipped=\"%zu\" "
                             "timestamp=\"%sT00:00:00\">\n",
                             r->n, r->failed, r->skipped, r->today);
    for (size_t i = 0; i < r->n && !rc; i++) {
        const struct medsec_gate_result *res = &r->results[i];
        char name[300];
        check_name(name, sizeof name, res);
        rc = medsec_buf_adds(b, "    <testcase classname=\"medsec.gate.");
        if (!rc)
            rc = xml_escape(b, medsec_gate_rule_name(res->rule));
        if (!rc)
            rc = medsec_buf_adds(b, "\" name=\"");
        if (!rc)
            rc = xml_escape(b, name);
        if (!rc)
            rc = medsec_buf_adds(b, "\" file=\"");
        if (!rc)
            rc = xml_escape(b, r->device_file);
        if (!rc && res->outcome == MEDSEC_GATE_PASS)
            rc = medsec_buf_adds(b, "\"/>\n");
        else if (!rc && res->outcome == MEDSEC_GATE_SKIP) {
            rc = medsec_buf_adds(b, "\">\n      <skipped message=\"");
            if (!rc)
                rc = xml_escape(b, res->note);
            if (!rc)
                rc = medsec_buf_adds(b, "\"/>\n    </testcase>\n");
        } else if (!rc) {
            rc = medsec_buf_addf(b, "\">\n      <failure type=\"%s\" message=\"%zu item%s fail",
                                 medsec_gate_rule_name(res->rule), res->nfailures,
                                 res->nfailures == 1 ? "" : "s");
            if (!rc)
                rc = medsec_buf_adds(b, "\">");
            for (size_t k = 0; k < res->nfailures && !rc; k++) {
                const struct medsec_gate_failure *f = &res->failures[k];
                rc = xml_escape(b, f->item);
                if (!rc)
                    rc = medsec_buf_adds(b, ": ");
                if (!rc)
                    rc = xml_escape(b, f->reason);
                if (!rc && f->line)
                    rc = medsec_buf_addf(b, " [line %u]", f->line);
                if (!rc)
                    rc = medsec_buf_adds(b, "\n");
            }
            if (!rc)
                rc = medsec_buf_adds(b, "</failure>\n    </testcase>\n");
        }
    }
    if (!rc)
        rc = medsec_buf_adds(b, "  </testsuite>\n</testsuites>\n");
    return rc;
}

/* The failures on stderr, one line each, when the report on stdout is for a machine. */
static void print_failures(const struct medsec_gate_report *r)
{
    for (size_t i = 0; i < r->n; i++) {
        const struct medsec_gate_result *res = &r->results[i];
        char name[300];
        check_name(name, sizeof name, res);
        for (size_t k = 0; k < res->nfailures; k++)
            fprintf(stderr, "medsec gate: %s: %s: %s\n", cli_esc(name),
                    cli_esc(res->failures[k].item), cli_esc(res->failures[k].reason));
    }
}

/* The triage file's decision (by hand or by rule, not stale) on @vuln_id in component @c of release
 * @version: the triage session's finding of the same vulnerability in a component of the same
 * purl (else name) and version. */
static bool triage_decide(void *ud, const char *version, const struct medsec_sbom_component *c,
                          const char *vuln_id, struct medsec_gate_decision *out)
{
    const struct medsec_triage_session *s = ud;
    for (size_t i = 0; s->has_file && i < s->report.nitems; i++) {
        const struct medsec_triage_item *it = &s->report.items[i];
        if (!medsec_triage_item_decided(it) || !it->target->version ||
            strcmp(it->target->version, version) || strcmp(it->vuln, vuln_id))
            continue;
        const struct medsec_sbom_component *tc = &it->target->sbom->components[it->component];
        bool same = c->purl && tc->purl
                        ? !strcmp(c->purl, tc->purl)
                        : c->name && tc->name && !strcmp(c->name, tc->name) &&
                              (c->version == tc->version ||
                               (c->version && tc->version && !strcmp(c->version, tc->version)));
        if (!same)
            continue;
        unsigned responses = it->decision ? it->decision->responses
                             : it->rule   ? it->rule->responses
                                          : 0;
        out->state = medsec_vex_state_status(it->state);
        out->response = responses != 0 || it->state != MEDSEC_VEX_EXPLOITABLE;
        out->source = it->status == MEDSEC_TRIAGE_BY_SUPPLIER ? it->decision->by
                      : it->decision                          ? "triage file"
                                                              : "triage rule";
        return true;
    }
    return false;
}

/* What no_stale_decisions names for stale item @it: the finding (@reason false), or what changed
 * and where the decision is (in the session's arena). */
static const char *stale_text(struct medsec_triage_session *s, const struct medsec_triage_item *it,
                              bool reason)
{
    const struct medsec_sbom_component *c = &it->target->sbom->components[it->component];
    char buf[1024];
    if (!reason)
        snprintf(buf, sizeof buf, "%s in %s %s", it->vuln, c->name ? c->name : "?",
                 c->version ? c->version : "");
    else
        snprintf(buf, sizeof buf,
                 "decided %s against advisory fingerprint %s (%s:%u), today's is %s: the "
                 "advisory changed since",
                 medsec_vex_state_name(it->decision->state),
                 it->decision->fingerprint ? it->decision->fingerprint : "(none)",
                 it->decision->file ? it->decision->file : "?", it->decision->line,
                 it->fingerprint);
    return medsec_arena_strdup(&s->report.arena, buf);
}

int cmd_gate(int argc, char **argv)
{
    int format = CLI_TEXT;
    const char *output = NULL, *dbpath = NULL, *version = NULL, *policy_path = NULL;
    struct cli_strings triage_files = {0};
    const struct cli_option opts[] = {
        {0, "policy", CLI_OPT_STRING, &policy_path, 0, "FILE",
         "the gate's policy (docs/gate.md; default: the built-in policy,\n"
         "every rule on, untriaged_max_days 30)"},
        {0, "db", CLI_OPT_STRING, &dbpath, 0, "PATH",
         "vulnerability database: match the releases' SBOMs (as medsec scan\n"
         "does) for kev_needs_response and untriaged_max_days, which are\n"
         "skipped without it, and add findings to the risk register"},
        {0, "triage", CLI_OPT_STRINGS, &triage_files, 0, "FILE",
         "read this triage file too (after the device's own; repeatable); with\n--db its decisions "
         "count, and no_stale_decisions checks them"},
        {0, "version", CLI_OPT_STRING, &version, 0, "V",
         "gate release V only (default: the risk rule on the current version,\n"
         "the per-release rules on every release in the field)"},
        {0, "json", CLI_OPT_FORMAT, &format, CLI_JSON, NULL, "print JSON"},
        {0, "sarif", CLI_OPT_FORMAT, &format, CLI_SARIF, NULL,
         "print SARIF 2.1.0, one result per failing item"},
        {0, "junit", CLI_OPT_FORMAT, &format, CLI_JUNIT, NULL,
         "print JUnit XML: the policy is the test suite, each rule on each\n"
         "release a test case"},
        CLI_OPT_OUTPUT(&output),
        CLI_OPT_END,
    };
    const struct cli_spec spec = {
        .cmd = "gate",
        .usage = "medsec gate DIR [--policy FILE] [--db PATH] [--triage FILE]... [--version V]\n"
                 "            [--json | --sarif | --junit] [-o FILE]",
        .about =
            "Decide whether the device in DIR may ship (docs/gate.md): evaluate each rule of the\n"
            "policy (no unjustified residual risk, no KEV finding without a response, no finding\n"
            "unassessed too long, no stale triage decision, no release in the field past its end\n"
            "of support without a plan, no shipped component past its end of support, every\n"
            "requirement verified by passing evidence) and name every item that fails one.\n",
        .opts = opts,
        .more = "Exit: 0 every rule passes (or is skipped), 1 a rule fails (each failing rule and\n"
                "item is named), 2 bad input, a bad policy or a --db that cannot be used, 3 a\n"
                "database failing while working, or an internal error.\n",
        CLI_ONE_DEVICE_FOLDER,
    };
    char **args;
    int nargs, ex = cli_parse(&spec, argc, argv, &args, &nargs);
    if (ex != EXIT_OK_) {
        cli_strings_release(&triage_files);
        return ex == CLI_HELP_SHOWN ? EXIT_OK_ : ex;
    }
    if (triage_files.n && !dbpath) {
        cli_strings_release(&triage_files);
        return cli_usage_error("gate", "--triage needs --db: triage decisions are about findings");
    }

    struct medsec_triage_session triage = {0};
    struct medsec_gate_stale *stale = NULL;
    size_t nstale = 0, stale_cap = 0;
    struct medsec_gate_policy policy;
    struct medsec_device *d = NULL;
    struct medsec_db *db = NULL;
    char *owned_db = NULL;
    struct medsec_gate_report rep = {0};
    struct medsec_buf b = MEDSEC_BUF_INIT;
    struct medsec_error err;
    medsec_err rc;
    char today[11];
    struct medsec_vex_doc decided;
    medsec_vex_doc_init(&decided);
    if (policy_path) {
        if ((rc = medsec_gate_policy_load(policy_path, &policy, &err))) {
            ex = cli_fail(&err, rc);
            goto out_release;
        }
    } else
        medsec_gate_policy_default(&policy);
    if ((ex = cli_open_device(args[0], NULL, &d)) != EXIT_OK_)
        goto out_release;
    if (dbpath && (ex = cli_open_vulndb("gate", dbpath, &db, &owned_db)) != EXIT_OK_)
        goto out_release;
    /* with findings, the device's triage file (docs/triage.md) decides too, and its stale
     * decisions are what no_stale_decisions gates on */
    if (db) {
        const struct medsec_triage_assess_opts ao = {cli_today(today), NULL, true};
        if ((rc = medsec_triage_session_open(cli_context(), args[0], triage_files.v, triage_files.n,
                                             db, &ao, &triage, NULL, &err))) {
            ex = cli_fail(&err, rc);
            goto out_release;
        }
        for (size_t i = 0; i < triage.report.nitems; i++) {
            const struct medsec_triage_item *it = &triage.report.items[i];
            if (it->status != MEDSEC_TRIAGE_STALE || !it->decision)
                continue;
            if (MEDSEC_ARRAY_GROW(stale, nstale, stale_cap) ||
                !(stale[nstale].item = stale_text(&triage, it, false)) ||
                !(stale[nstale].reason = stale_text(&triage, it, true))) {
                fprintf(stderr, "medsec gate: out of memory\n");
                ex = EXIT_INTERNAL;
                goto out_release;
            }
            stale[nstale++].version = it->target->version;
        }
        /* the register of no_unjustified_residual_risk is medsec risk's: what the triage file
         * closes adds no risk */
        if (triage.has_file) {
            if ((rc = medsec_triage_decided_statements(&triage.report, NULL, &decided, &err))) {
                ex = cli_fail(&err, rc);
                goto out_release;
            }
            medsec_device_set_decide(d, medsec_vex_doc_decide, &decided);
        }
    }
    const struct medsec_gate_opts o = {cli_today(today), version,         db,    triage_decide,
                                       &triage,          triage.has_file, stale, nstale};
    if ((rc = medsec_gate_run(d, &policy, &o, &rep, &err))) {
        ex = cli_fail(&err, rc);
        goto out_release;
    }
    struct cli_output out;
    if ((ex = cli_output_open(&out, output)) != EXIT_OK_)
        goto out_release;
    if (format == CLI_TEXT) {
        ex = print_text(out.f, &rep);
    } else if (format == CLI_JUNIT) {
        medsec_buf_init(&b, (size_t)256 << 20);
        if (junit_report(&b, &rep) || fwrite(b.data, 1, b.len, out.f) != b.len)
            ex = EXIT_INTERNAL;
    } else {
        struct medsec_jsonw w;
        medsec_jsonw_init(&w, &b, 1);
        if (format == CLI_JSON)
            json_report(&w, &rep);
        else if (!sarif_report(&w, &rep, &policy))
            ex = EXIT_INTERNAL;
        if (ex == EXIT_OK_)
            ex = cli_output_json(&out, &w, &b);
    }
    if (ex == EXIT_OK_ && rep.failed) {
        ex = EXIT_FINDINGS;
        if (format != CLI_TEXT || output)
            print_failures(&rep);
    }
    ex = cli_output_close(&out, ex);
out_release:
    cli_strings_release(&triage_files);
    medsec_vex_doc_release(&decided);
    medsec_free(stale);
    medsec_triage_session_close(&triage);
    medsec_buf_release(&b);
    medsec_gate_report_release(&rep);
    medsec_db_close(db);
    medsec_free(owned_db);
    medsec_device_close(d);
    medsec_gate_policy_release(&policy);
    return ex;
}
