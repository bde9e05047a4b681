/* test_model.c: unit tests of the security-file model: loading the examples, every check with its
 * message and position, caps, queries, dates, suggestions, and allocation failures in the loader.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "failalloc.h"
#include "medsec/alloc.h"
#include "medsec/file.h"
#include "medsec/model.h"
#include "medsec/cvss.h"
#include "medsec/utf8.h"

#define SRC MEDSEC_SOURCE_DIR

static char *minimal_text(void)
{
    char *text = NULL;
    size_t len = 0;
    struct medsec_error err;
    assert_int_equal(
        medsec_file_read(SRC "/tests/model/minimal/device.yaml", 1 << 20, &text, &len, &err),
        MEDSEC_OK);
    return text;
}

/* The minimal file with the first @old replaced by @new (caller frees). */
static char *mutate(const char *old, const char *new)
{
    char *base = minimal_text();
    char *at = strstr(base, old);
    assert_non_null(at);
    size_t n = strlen(base) - strlen(old) + strlen(new) + 1;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%.*s%s%s", (int)(at - base), base, new, at + strlen(old));
    medsec_free(base);
    return out;
}

/* Parse @text from memory (no folder) and expect exactly one error diagnostic. */
static void expect_one(const char *text, unsigned line, unsigned col, const char *msg,
                       medsec_err want)
{
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_model *m = (struct medsec_model *)1;
    struct medsec_error err;
    medsec_err rc = medsec_model_parse(text, strlen(text), "t.yaml", NULL, NULL, &m, &d, &err);
    assert_int_equal(rc, want);
    assert_null(m); /* never half-valid */
    if (d.errors != 1) {
        for (size_t i = 0; i < d.n; i++)
            fprintf(stderr, "  %u:%u: %s\n", d.v[i].line, d.v[i].column, d.v[i].msg);
    }
    assert_int_equal(d.errors, 1);
    assert_string_equal(d.v[0].msg, msg);
    assert_int_equal(d.v[0].line, line);
    assert_int_equal(d.v[0].column, col);
    assert_string_equal(d.v[0].file, "t.yaml");
    assert_string_equal(err.msg, "1 error");
    medsec_diags_release(&d);
}

static void expect_mut(const char *old, const char *new, unsigned line, unsigned col,
                       const char *msg)
{
    char *t = mutate(old, new);
    expect_one(t, line, col, msg, MEDSEC_EINVAL);
    free(t);
}

static void test_pump_example(void **state)
{
    (void)state;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_model *m = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_model_load(SRC "/examples/infusion-pump", NULL, &m, &d, &err),
                     MEDSEC_OK);
    assert_non_null(m);
    assert_int_equal(d.errors, 0);
    assert_int_equal(m->format, 1);
    assert_string_equal(m->device.mdr_class, "IIb");
    assert_string_equal(m->device.current_version, "3.2.0");
    assert_int_equal(m->nversions, 3);
    assert_int_equal(m->nitems, 13);
    assert_int_equal(m->ninterfaces, 7);
    assert_int_equal(m->nflows, 17);
    assert_int_equal(m->clinical.nharm_scale, 5);
    assert_int_equal(m->clinical.harm_scale[4].level, 5);
    assert_int_equal(m->risk_matrix.nexploitability, 4);

    const struct medsec_model_item *it = medsec_model_find_item(m, "comms-agent");
    assert_non_null(it);
    assert_string_equal(it->zone, "pump-main");
    assert_string_equal(it->sbom, "sbom/main-board.cdx.json");
    assert_int_equal(it->components.n, 4);
    assert_string_equal(it->components.v[1], "main-board/openssl");
    assert_int_equal(it->untrusted_input, 1);
    assert_int_equal(it->privileged, MEDSEC_UNSTATED);
    assert_true(it->pos.line > 0);

    const struct medsec_model_flow *f = medsec_model_find_flow(m, "f-service-usb");
    assert_non_null(f);
    assert_int_equal(f->authenticated, 0);
    assert_int_equal(f->encrypted, 0);
    assert_int_equal(f->integrity, 1);
    assert_int_equal(f->replay_protected, MEDSEC_UNSTATED);
    assert_true(medsec_model_flow_crosses(m, f));
    assert_false(medsec_model_flow_crosses(m, medsec_model_find_flow(m, "f-db-write")));

    const struct medsec_model_interface *jt = medsec_model_find_interface(m, "jtag-main");
    assert_int_equal(jt->debug, 1);
    assert_int_equal(jt->disabled_in_production, 1);
    assert_true(medsec_model_interface_crosses(m, jt));
    assert_string_equal(medsec_model_zone_of(m, "jtag-main"), "pump-main");
    assert_string_equal(medsec_model_zone_of(m, "f-update-download"), "manufacturer");
    assert_null(medsec_model_zone_of(m, "nothing"));

    enum medsec_model_kind k;
    assert_true(medsec_model_kind_of(m, "SR-003", &k));
    assert_int_equal(k, MEDSEC_MK_REQUIREMENT);
    assert_true(medsec_model_kind_of(m, "D-02", &k));
    assert_int_equal(k, MEDSEC_MK_DUTY);
    assert_false(medsec_model_kind_of(m, "3.2.0", &k)); /* versions have their own namespace */

    const char *fn[8];
    size_t n = medsec_model_functions_of(m, "controller-fw", fn, 8);
    assert_int_equal(n, 3);
    assert_string_equal(fn[0], "therapy_delivery");
    assert_string_equal(fn[1], "diagnosis_monitoring");
    assert_string_equal(fn[2], "secrets");

    assert_string_equal(medsec_model_acceptance(m, "high", "serious"), "unacceptable");
    assert_string_equal(medsec_model_acceptance(m, "very-low", "catastrophic"), "tolerable");
    assert_null(medsec_model_acceptance(m, "high", "nope"));

    /* the items' two SBOMs, and the main boards of releases 3.1.4 and 2.8.7 */
    assert_int_equal(m->nsboms, 4);
    const struct medsec_model_sbom *set[4];
    const struct medsec_model_version *v287 = medsec_model_find_version(m, "2.8.7");
    assert_non_null(v287);
    assert_int_equal(medsec_model_version_sboms(m, v287, set), 2);
    assert_string_equal(set[0]->path, "sbom/2.8.7/main-board.cdx.json");
    assert_string_equal(set[1]->path, "sbom/pump-controller.cdx.json");
    assert_int_equal(medsec_model_version_sboms(m, medsec_model_find_version(m, "3.2.0"), set), 2);
    assert_string_equal(set[0]->path, "sbom/main-board.cdx.json");
    assert_string_equal(set[1]->path, "sbom/pump-controller.cdx.json");
    assert_non_null(medsec_model_sbom(m, "sbom/3.1.4/main-board.cdx.json"));
    const struct medsec_sbom *sb = medsec_model_sbom(m, "sbom/pump-controller.cdx.json");
    assert_non_null(sb);
    assert_non_null(medsec_sbom_find(sb, "pump-controller/ipnet"));
    assert_int_equal(m->ncomponent_support, 7);
    assert_string_equal(m->threats[4].rubric, "rubric/ble-service-reconfiguration.yaml");

    const struct medsec_model_control *c = medsec_model_find_control(m, "c-debug-lock");
    assert_true(medsec_strlist_has(&c->capabilities, "PLOK"));
    assert_true(medsec_strlist_has(&c->applies_to, "swd-controller"));

    const struct medsec_model_version *v = medsec_model_find_version(m, "3.1.4");
    long left = 0;
    assert_int_equal(medsec_model_support_status(v, "2026-11-28", &left), MEDSEC_SUPPORT_ENDING);
    assert_int_equal(left, 214);
    assert_int_equal(medsec_model_support_status(v, "2027-06-30", &left), MEDSEC_SUPPORT_ENDED);
    assert_int_equal(medsec_model_support_status(v, "2024-09-01", NULL),
                     MEDSEC_SUPPORT_NOT_RELEASED);
    assert_int_equal(medsec_model_support_status(v, "2025-01-01", NULL), MEDSEC_SUPPORTED);
    medsec_model_free(m);
    medsec_diags_release(&d);
}

static void test_glucose_example(void **state)
{
    (void)state;
    struct medsec_model *m = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_model_load(SRC "/examples/glucose-cloud", NULL, &m, NULL, &err),
                     MEDSEC_OK);
    /* the items' two SBOMs, and release 1.3.2's cloud service (its mobile app is the current one)
     */
    assert_int_equal(m->nsboms, 3);
    const struct medsec_model_sbom *set[3];
    assert_int_equal(medsec_model_version_sboms(m, medsec_model_find_version(m, "1.3.2"), set), 2);
    assert_string_equal(set[0]->path, "sbom/mobile-app.cdx.json");
    assert_string_equal(set[1]->path, "sbom/1.3.2/cloud-service.cdx.json");
    assert_int_equal(medsec_model_version_sboms(m, NULL, set), 0);
    assert_string_equal(medsec_model_find_item(m, "backend")->kind, "cloud_service");
    medsec_model_free(m);
}

static void test_minimal_from_memory(void **state)
{
    (void)state;
    char *t = minimal_text();
    struct medsec_model *m = NULL;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    assert_int_equal(medsec_model_parse(t, strlen(t), "mem.yaml", NULL, NULL, &m, &d, &err),
                     MEDSEC_OK);
    assert_int_equal(d.n, 0);
    assert_null(m->dir);
    assert_string_equal(m->file, "mem.yaml");
    assert_int_equal(m->items[0].pos.line, 33);
    assert_int_equal(m->items[0].pos.column, 5);
    assert_int_equal(m->flows[0].authenticated, 0);
    medsec_model_free(m);
    medsec_free(t);
}

static void test_checks(void **state)
{
    (void)state;
    expect_mut("    protocol: hl7-mllp", "    protocol: hl7-mllp\n    protocl: x", 55, 5,
               "unknown key 'protocl' in flow; did you mean 'protocol'?");
    expect_mut("    protocol: hl7-mllp", "    protocol: hl7-mllp\n    zzzzzz: x", 55, 5,
               "unknown key 'zzzzzz' in flow");
    expect_mut("    authenticated: false", "    authenticated: no", 55, 20,
               "'authenticated' must be true or false, not 'no'");
    expect_mut("    authenticated: false", "    authenticated: \"false\"", 55, 21,
               "'authenticated' must be true or false, not 'false'");
    expect_mut("    trust: 80", "    trust: [1]", 26, 13, "'trust' must be an integer, not a list");
    expect_mut("    trust: 80", "    trust: 101", 26, 12,
               "'trust' must be an integer from 0 to 100, not '101'");
    expect_mut("medsec: 1", "medsec: 2", 2, 9, "'medsec' must be 1, not '2'");
    expect_mut("    to: central-station\n", "", 50, 5,
               "flow 'f-vitals' is missing required key 'to'");
}

static void test_checks_refs(void **state)
{
    (void)state;
    expect_mut(
        "    to: central-station", "    to: central-staton", 52, 9,
        "'to' names 'central-staton', which is not an item; did you mean 'central-station'?");
    expect_mut("    to: central-station", "    to: qqqqqqqq", 52, 9,
               "'to' names 'qqqqqqqq', which is not an item");
    expect_mut("    to: central-station", "    to: network", 52, 9,
               "'to' names 'network', which is a zone, not an item");
    expect_mut(
        "    applies_to: [f-vitals]", "    applies_to: [c-tls]", 66, 18,
        "'applies_to' names 'c-tls', which is a control, not a zone, item, interface, flow or asset");
    expect_mut(
        "  - id: network",
        "  - id: device\n    name: Again\n    trust: 1\n    access: internal\n  - id: network", 28,
        9, "duplicate zone id 'device' (first defined at line 24)");
    expect_mut("  - id: c-tls", "  - id: f-vitals", 63, 9,
               "duplicate id 'f-vitals': already the id of a flow at line 50");
    expect_mut("  current_version: 1.0.0", "  current_version: 2.0", 11, 20,
               "'current_version' names '2.0', which is not a version");
}

static void test_checks_values(void **state)
{
    (void)state;
    expect_mut("    release_date: 2025-01-15", "    release_date: 2025-02-30", 14, 19,
               "'release_date' is not a valid date (YYYY-MM-DD): '2025-02-30'");
    expect_mut("    release_date: 2025-01-15", "    release_date: 15.01.2025", 14, 19,
               "'release_date' is not a valid date (YYYY-MM-DD): '15.01.2025'");
    expect_mut("    end_of_support: 2030-12-31", "    end_of_support: 2025-01-14", 16, 21,
               "end_of_support 2025-01-14 is before release_date 2025-01-15 of version 1.0.0");
    expect_mut(
        "    element: process", "    element: proces", 36, 14,
        "'element' must be one of process, data_store, external_entity, not 'proces'; did you mean 'process'?");
    expect_mut("      cells: [tolerable, unacceptable]", "      cells: [tolerable]", 77, 7,
               "matrix row 'high' has 1 cells; the harm scale has 2 levels");
    expect_mut("    - exploitability: high\n      cells: [tolerable, unacceptable]\n", "", 69, 3,
               "the risk matrix has no row for exploitability 'high'");
    expect_mut("    name: Monitor application", "    name: ~", 34, 11,
               "'name' must be a string, not empty");
    expect_mut("    to: central-station", "    to: monitor-app", 52, 9,
               "flow 'f-vitals' goes from 'monitor-app' to itself");
}

/* The cases above with 0:0 have more than one problem: check they report several at once. */
static void test_many_at_once(void **state)
{
    (void)state;
    char *t =
        mutate("  - id: central-station\n    name: Central station\n    kind: external_system\n",
               "  - name: Central station\n    kind: external_systen\n");
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_model *m = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_model_parse(t, strlen(t), "t.yaml", NULL, NULL, &m, &d, &err),
                     MEDSEC_EINVAL);
    assert_null(m);
    assert_int_equal(d.errors, 3);
    assert_string_equal(d.v[0].msg, "item is missing required key 'id'");
    assert_int_equal(d.v[0].line, 38);
    assert_string_equal(
        d.v[1].msg,
        "'kind' must be one of hardware, firmware, operating_system, application, "
        "library, service, cloud_service, mobile_app, web_app, database, "
        "external_system, person, not 'external_systen'; did you mean 'external_system'?");
    assert_int_equal(d.v[1].line, 39);
    assert_string_equal(d.v[2].msg, "'to' names 'central-station', which is not an item");
    assert_string_equal(d.v[2].path, "flows[0].to");
    assert_string_equal(err.msg, "3 errors");
    medsec_diags_release(&d);
    free(t);
}

static void test_yaml_errors(void **state)
{
    (void)state;
    expect_one("medsec: 1\ndevice: [a,\n", 3, 1, "YAML: did not find expected node content",
               MEDSEC_EPARSE);
    expect_one("# nothing\n", 0, 0, "the file holds no YAML document; it starts with 'medsec: 1'",
               MEDSEC_EINVAL);
    expect_one("- 1\n", 1, 3, "a security file must be a mapping (key: value), not a list",
               MEDSEC_EINVAL);
    expect_one("a: 1\na: 2\n", 2, 1, "YAML: duplicate key", MEDSEC_EPARSE);
}

/* The UTF-8 check both YAML loaders (this one and the rule catalogs) run before libfyaml. */
static void test_utf8_check(void **state)
{
    (void)state;
    struct medsec_utf8_pos p;
    assert_true(medsec_utf8_check("", 0, &p));
    assert_true(medsec_utf8_check("plain\n", 6, NULL));
    /* é (2 bytes), € (3), U+1D11E (4), a byte-order mark, U+10FFFF */
    static const char ok[] = "\xc3\xa9\xe2\x82\xac\xf0\x9d\x84\x9e\xef\xbb\xbf\xf4\x8f\xbf\xbf";
    assert_true(medsec_utf8_check(ok, sizeof ok - 1, &p));
    static const struct {
        const char *text;
        size_t offset;
        unsigned line, column;
        unsigned char byte;
    } bad[] = {
        {"a\x80", 1, 1, 2, 0x80},                    /* a lone continuation byte */
        {"ab\nc\xc0\xaf", 4, 2, 2, 0xc0},            /* overlong '/' */
        {"\xe0\x80\xaf", 0, 1, 1, 0xe0},             /* overlong, three bytes */
        {"x\xed\xa0\x80", 1, 1, 2, 0xed},            /* a UTF-16 surrogate */
        {"\xf4\x90\x80\x80", 0, 1, 1, 0xf4},         /* above U+10FFFF */
        {"\xf5\x80\x80\x80", 0, 1, 1, 0xf5},         /* never a lead byte */
        {"\xc3\xa9\xc3\xa9\xe2\x82", 4, 1, 3, 0xe2}, /* cut short at the end; é counts one column */
        {"\xc3\xa9\n\n\xc3(", 4, 3, 1, 0xc3},        /* a lead byte without its continuation */
        {"%FOO \xff", 5, 1, 6, 0xff},                /* libfyaml 0.7.12 looped forever on this */
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&p, 0, sizeof p);
        assert_false(medsec_utf8_check(bad[i].text, strlen(bad[i].text), &p));
        assert_int_equal(p.offset, bad[i].offset);
        assert_int_equal(p.line, bad[i].line);
        assert_int_equal(p.column, bad[i].column);
        assert_int_equal(p.byte, bad[i].byte);
        assert_false(medsec_utf8_check(bad[i].text, strlen(bad[i].text), NULL));
    }
    assert_false(medsec_utf8_check("a\nb\0c", 5, &p)); /* a NUL byte */
    assert_int_equal(p.offset, 3);
    assert_int_equal(p.line, 2);
    assert_int_equal(p.column, 2);
    assert_int_equal(p.byte, 0);
}

static void test_libfyaml_tab_double_free(void **state)
{
    (void)state;
    /* libfyaml 0.7.12 frees a token twice on these (found by fuzz_rules); refused before it reads
     * them */
    const char *msg =
        "YAML: a tab after ':' before '-', '?', ':', '|' or '>' where the text has an explicit key "
        "('? '); write spaces";
    expect_one("medsec: 1\n? a:\t?\n", 2, 5, msg, MEDSEC_EPARSE);
    expect_one("medsec: 1\n- ? 1:\t\t ?", 2, 7, msg, MEDSEC_EPARSE);
    expect_one("medsec: 1\n?\n  \xc3\xa9:\t:b\n", 3, 5, msg,
               MEDSEC_EPARSE); /* columns count characters */
    expect_one("medsec: 1\nx:\n  - ? a:\t- b\n", 3, 9, msg, MEDSEC_EPARSE);
    expect_one("- : : : ?  : ::\t>:\t", 1, 16, msg, MEDSEC_EPARSE);
    expect_one("medsec: 1\n? a:\t|\n  x\n", 2, 5, msg, MEDSEC_EPARSE);
    /* without an explicit key a tab before a block scalar is fine (and valid YAML) */
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_model *m = NULL;
    struct medsec_error err;
    const char *ok = "medsec: 1\ndevice:\t|\n  x\n";
    assert_int_equal(medsec_model_parse(ok, strlen(ok), "t.yaml", NULL, NULL, &m, &d, &err),
                     MEDSEC_EINVAL);
    assert_true(d.n > 0); /* the model is wrong (device is no mapping), the YAML is read */
    for (size_t i = 0; i < d.n; i++)
        assert_null(strstr(d.v[i].msg, "a tab after"));
    medsec_model_free(m);
    medsec_diags_release(&d);
}

static void test_not_utf8(void **state)
{
    (void)state;
    /* refused before libfyaml sees it: these made it loop forever (fuzz_model) */
    expect_one("%FOO \xff\nmedsec: 1\n", 1, 6, "not UTF-8 text: byte 0xff (save the file as UTF-8)",
               MEDSEC_EPARSE);
    expect_one("# found by fuzz_model\nmedsec: 0\ndevci\n%:  manufactur\n\xff\xff\xff\xff", 5, 1,
               "not UTF-8 text: byte 0xff (save the file as UTF-8)", MEDSEC_EPARSE);
    char *t = mutate("  manufacturer: Example Medical", "  manufacturer: Example M\xe9"
                                                        "dical");
    expect_one(t, 4, 26, "not UTF-8 text: byte 0xe9 (save the file as UTF-8)", MEDSEC_EPARSE);
    free(t);
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_model *m = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_model_parse("medsec: 1\n\0", 11, "t.yaml", NULL, NULL, &m, &d, &err),
                     MEDSEC_EPARSE);
    assert_null(m);
    assert_int_equal(d.errors, 1);
    assert_string_equal(d.v[0].msg, "a NUL byte; YAML text cannot hold one");
    assert_int_equal(d.v[0].line, 2);
    assert_int_equal(d.v[0].column, 1);
    medsec_diags_release(&d);
    /* the same file through medsec_model_load, from the broken corpus */
    assert_int_equal(medsec_model_load(SRC "/tests/model/broken/not-utf8", NULL, &m, &d, &err),
                     MEDSEC_EPARSE);
    assert_int_equal(d.errors, 1);
    assert_int_equal(d.v[0].line, 5);
    assert_int_equal(d.v[0].column, 26);
    medsec_diags_release(&d);
}

/* Quoted scalars are decoded by medsec (libfyaml 0.7.12 garbles and leaks some of them). */
static void test_quoted_scalars(void **state)
{
    (void)state;
    static const struct {
        const char *yaml, *want;
    } cases[] = {
        /* six escaped quotes in a row: libfyaml returned a wrong text here and leaked a buffer */
        {"'a''''''''''''b'", "a''''''b"},
        {"'''''\t x y'", "''\t x y"},
        {"'x \r\n      y'", "x y"},     /* CR LF is one line break */
        {"'x \r\n      '", "x "},       /* libfyaml: "x\n" */
        {"'a\n\n      b  '", "a\nb  "}, /* an empty line is a line feed; trailing white stays */
        {"\"t\\u00e9\\x41\\t\\\"\"", "t\xc3\xa9"
                                     "A\t\""},
        {"\"\\N\\_\\L\\P\\/\\e\"", "\xc2\x85\xc2\xa0\xe2\x80\xa8\xe2\x80\xa9/\x1b"},
        {"\"\\U0001F600 \\ud83d\\ude00\"", "\xf0\x9f\x98\x80 \xf0\x9f\x98\x80"},
        {"\"a \\\n\n      b\"", "a \nb"}, /* escaped line break: the white before it stays */
        {"\"\\t\\   \n\n\n      a\"", "\t \n\na"}, /* escaped white is not trailing white */
        {"\"\\N \\\n\n    \n      \\/\"", "\xc2\x85 \n\n/"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char line[256];
        snprintf(line, sizeof line, "    name: %s", cases[i].yaml);
        char *t = mutate("    name: Monitor application", line);
        struct medsec_model *m = NULL;
        struct medsec_diags d = MEDSEC_DIAGS_INIT;
        struct medsec_error err;
        medsec_err rc = medsec_model_parse(t, strlen(t), "t.yaml", NULL, NULL, &m, &d, &err);
        if (rc)
            fprintf(stderr, "case %zu: %u:%u: %s\n", i, d.n ? d.v[0].line : 0,
                    d.n ? d.v[0].column : 0, d.n ? d.v[0].msg : err.msg);
        assert_int_equal(rc, MEDSEC_OK);
        assert_string_equal(medsec_model_find_item(m, "monitor-app")->name, cases[i].want);
        medsec_model_free(m);
        medsec_diags_release(&d);
        free(t);
    }
    /* quoted keys are keys like any other */
    char *t =
        mutate("    name: Monitor application", "    \"name\": Monitor\n    'kid': application");
    expect_one(t, 35, 6, "unknown key 'kid' in item; did you mean 'id'?", MEDSEC_EINVAL);
    free(t);
}

/* Every problem has a position, even next to an empty key, which has none of its own. */
static void test_positions_without_key(void **state)
{
    (void)state;
    static const char text[] = "#l>s4]\n : '''''''''''''''''''''''''''''': \n";
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_model *m = NULL;
    struct medsec_error err;
    assert_int_equal(medsec_model_parse(text, strlen(text), "t.yaml", NULL, NULL, &m, &d, &err),
                     MEDSEC_EINVAL);
    assert_true(d.errors > 1);
    for (size_t i = 0; i < d.n; i++) {
        assert_int_equal(d.v[i].line, 2);
        assert_int_equal(d.v[i].column, 5);
    }
    assert_string_equal(d.v[0].msg, "unknown key '' in security file");
    medsec_diags_release(&d);
}

/* The minimal file with a vulnerabilities section holding @entries. */
static char *with_vulns(const char *entries)
{
    char *base = minimal_text();
    size_t n = strlen(base) + strlen(entries) + 32;
    char *out = malloc(n);
    assert_non_null(out);
    snprintf(out, n, "%svulnerabilities:\n%s", base, entries);
    medsec_free(base);
    return out;
}

static void test_vulnerabilities(void **state)
{
    (void)state;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_model *m = NULL;
    struct medsec_error err;
    /* from memory (no folder): refs resolve to items, the rubric file is not opened */
    char *t =
        mutate("    zone: device\n",
               "    zone: device\n    sbom: app.cdx.json\n    components: [app/zlib, app/ui]\n");
    char *v = malloc(strlen(t) + 400);
    assert_non_null(v);
    sprintf(
        v,
        "%svulnerabilities:\n  - id: CVE-2024-12345\n    components: [app/zlib, central-station, app/ui]\n"
        "    rubric: r.yaml\n    rationale: r\n    status: under_investigation\n    controls: [c-tls]\n"
        "  - id: ACME-SA-2025-01\n    components: [monitor-app]\n    rubric: r.yaml\n    rationale: r\n",
        t);
    assert_int_equal(medsec_model_parse(v, strlen(v), "t.yaml", NULL, NULL, &m, &d, &err),
                     MEDSEC_OK);
    assert_int_equal(m->nvulnerabilities, 2);
    const struct medsec_model_vulnerability *vu =
        medsec_model_find_vulnerability(m, "CVE-2024-12345");
    assert_non_null(vu);
    assert_int_equal(vu->components.n, 3);
    assert_int_equal(vu->items.n, 2); /* app/zlib and app/ui are both monitor-app's */
    assert_string_equal(vu->items.v[0], "monitor-app");
    assert_string_equal(vu->items.v[1], "central-station");
    assert_int_equal(vu->status, MEDSEC_VULN_UNDER_INVESTIGATION);
    assert_null(vu->cvss);
    assert_int_equal(vu->pos.line, 82);
    assert_int_equal(m->vulnerabilities[1].status, MEDSEC_VULN_AFFECTED); /* unstated */
    assert_null(medsec_model_find_vulnerability(m, "CVE-2024-1"));
    medsec_model_free(m);
    free(v);
    free(t);

    t = with_vulns(
        "  - id: CVE-24-1\n    components: [monitor-app]\n    rubric: r.yaml\n    rationale: r\n");
    expect_one(
        t, 80, 9,
        "vulnerability id 'CVE-24-1' is not a CVE id (CVE-YYYY-NNNN, four or more digits at the end)",
        MEDSEC_EINVAL);
    free(t);
    t = with_vulns(
        "  - id: GHSA-ABCD-2345-6789\n    components: [monitor-app]\n    rubric: r.yaml\n    rationale: r\n");
    expect_one(
        t, 80, 9,
        "vulnerability id 'GHSA-ABCD-2345-6789' is not a GitHub advisory id (GHSA-xxxx-xxxx-xxxx, "
        "lower case)",
        MEDSEC_EINVAL);
    free(t);
    t = with_vulns(
        "  - id: GHSA-jfh8-c2jp-5v3q\n    components: []\n    rubric: r.yaml\n    rationale: r\n");
    expect_one(t, 81, 5, "'components' needs at least 1 entry", MEDSEC_EINVAL);
    free(t);
    t = with_vulns(
        "  - id: CVE-2024-0001\n    components: [monitor-ap]\n    rubric: r.yaml\n    rationale: r\n");
    expect_one(
        t, 81, 18,
        "'components' names 'monitor-ap', which is neither an item nor a component an item lists; "
        "did you mean 'monitor-app'?",
        MEDSEC_EINVAL);
    free(t);
    t = with_vulns(
        "  - id: CVE-2024-0001\n    components: [monitor-app]\n    rationale: r\n    status: fixd\n");
    assert_int_equal(medsec_model_parse(t, strlen(t), "t.yaml", NULL, NULL, &m, &d, &err),
                     MEDSEC_EINVAL);
    assert_int_equal(d.errors, 2); /* both problems at once */
    assert_string_equal(d.v[0].msg,
                        "vulnerability 'CVE-2024-0001' needs the manufacturer's score: a rubric "
                        "answers file (rubric) or a CVSS vector (cvss)");
    assert_string_equal(
        d.v[1].msg, "'status' must be one of under_investigation, affected, not_affected, fixed, "
                    "not 'fixd'; did you mean 'fixed'?");
    medsec_diags_release(&d);
    free(t);
    /* vulnerabilities have their own namespace: a CVE id may equal an element id, not another CVE
     * id */
    t = with_vulns(
        "  - id: c-tls\n    components: [monitor-app]\n    rubric: r.yaml\n    rationale: r\n"
        "  - id: c-tls\n    components: [monitor-app]\n    rubric: r.yaml\n    rationale: r\n");
    expect_one(t, 84, 9, "duplicate vulnerability id 'c-tls' (first defined at line 80)",
               MEDSEC_EINVAL);
    free(t);

    /* the example: the rubric answers are loaded and kept */
    assert_int_equal(medsec_model_load(SRC "/examples/infusion-pump", NULL, &m, &d, &err),
                     MEDSEC_OK);
    assert_int_equal(m->nvulnerabilities, 23); /* KRACK, and the controller's triaged findings */
    vu = &m->vulnerabilities[0];
    assert_string_equal(vu->id, "CVE-2017-13077");
    assert_int_equal(vu->items.n, 1);
    assert_string_equal(vu->items.v[0], "comms-agent");
    assert_non_null(vu->cvss);
    assert_string_equal(vu->cvss->vector, "CVSS:3.1/AV:A/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:L");
    const struct medsec_model_threat *th = medsec_model_find_threat(m, "T-BLE-SERVICE");
    assert_non_null(th->cvss);
    /* the biomed enabling service mode is user interaction, the bonded tool privileges; AC stays
     * low (CVSS v3.1 2.1.2-2.1.4) */
    assert_string_equal(th->cvss->vector, "CVSS:3.1/AV:A/AC:L/PR:H/UI:R/S:U/C:L/I:L/A:L");
    assert_null(medsec_model_find_threat(m, "T-WIFI-DOS")->cvss);
    medsec_model_free(m);
    medsec_diags_release(&d);

    /* rubric answers that stop short: the error is at the rubric key, with the place in the answers
     */
    assert_int_equal(
        medsec_model_load(SRC "/tests/model/broken/vulnerability-bad-rubric", NULL, &m, &d, &err),
        MEDSEC_EINVAL);
    assert_int_equal(d.errors, 1);
    assert_int_equal(d.v[0].line, 83);
    assert_int_equal(d.v[0].column, 13);
    assert_string_equal(d.v[0].path, "vulnerabilities[0].rubric");
    assert_non_null(strstr(d.v[0].msg,
                           "rubric 'cve.yaml' cannot be used: privileges_required: question "
                           "'credentials_easily_obtained' (XPRS) is not answered"));
    assert_non_null(strstr(d.v[0].msg, "(line 4, column 1)"));
    medsec_diags_release(&d);
    assert_int_equal(medsec_model_load(SRC "/tests/model/broken/vulnerability-unknown-component",
                                       NULL, &m, &d, &err),
                     MEDSEC_EINVAL);
    assert_int_equal(d.errors, 1);
    assert_string_equal(d.v[0].path, "vulnerabilities[0].components[0]");
    medsec_diags_release(&d);
}

/* Rubric answers that are not UTF-8 are refused before libfyaml reads them; a component of an
 * item's SBOM that no item lists is named as such. */
static void test_vulnerability_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/medsec-test-model-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[512];
    struct medsec_error err;
    char *t = with_vulns(
        "  - id: CVE-2024-0001\n    components: [app/zlib]\n    rubric: r.yaml\n    rationale: r\n");
    char *u = malloc(strlen(t) + 200);
    assert_non_null(u);
    /* monitor-app lists app/ui only; the whole SBOM is not its */
    char *at = strstr(t, "    zone: device\n");
    snprintf(u, strlen(t) + 200,
             "%.*s    zone: device\n    sbom: app.cdx.json\n    components: [app/ui]\n%s",
             (int)(at - t), t, at + strlen("    zone: device\n"));
    snprintf(path, sizeof path, "%s/device.yaml", dir);
    assert_int_equal(medsec_file_write_atomic(path, u, strlen(u), &err), MEDSEC_OK);
    static const char sbom[] =
        "{\"bomFormat\": \"CycloneDX\", \"specVersion\": \"1.5\", \"version\": 1,\n"
        " \"components\": [{\"bom-ref\": \"app/zlib\", \"type\": \"library\", \"name\": \"zlib\","
        " \"version\": \"1.2.8\"},\n  {\"bom-ref\": \"app/ui\", \"type\": \"application\","
        " \"name\": \"ui\", \"version\": \"1\"}]}\n";
    snprintf(path, sizeof path, "%s/app.cdx.json", dir);
    assert_int_equal(medsec_file_write_atomic(path, sbom, strlen(sbom), &err), MEDSEC_OK);
    static const char rubric[] = "attack_vector:\n  routed_network: n\xf6\n";
    snprintf(path, sizeof path, "%s/r.yaml", dir);
    assert_int_equal(medsec_file_write_atomic(path, rubric, strlen(rubric), &err), MEDSEC_OK);

    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_model *m = NULL;
    assert_int_equal(medsec_model_load(dir, NULL, &m, &d, &err), MEDSEC_EINVAL);
    assert_null(m);
    assert_int_equal(d.errors, 2);
    assert_string_equal(
        d.v[0].msg,
        "component 'app/zlib' of SBOM 'app.cdx.json' belongs to no item; list it in the "
        "'components' of the item it is part of");
    assert_string_equal(
        d.v[1].msg, "rubric 'r.yaml' cannot be used: not UTF-8 text: byte 0xf6 (save the file as "
                    "UTF-8) (line 2, column 20)");
    medsec_diags_release(&d);

    /* the SBOM of an item without a components list is all its own */
    at = strstr(u, "    components: [app/ui]\n");
    memmove(at, at + strlen("    components: [app/ui]\n"),
            strlen(at + strlen("    components: [app/ui]\n")) + 1);
    snprintf(path, sizeof path, "%s/device.yaml", dir);
    assert_int_equal(medsec_file_write_atomic(path, u, strlen(u), &err), MEDSEC_OK);
    static const char good[] =
        "attack_vector: {routed_network: yes}\nattack_complexity: {specialized_conditions: no}\n"
        "privileges_required: {authentication_required: no}\n"
        "user_interaction: {user_action_required: no}\nscope: {impacts_other_components: no}\n"
        "impact:\n  phi: {confidentiality: high, integrity: none, availability: none}\n"
        "  diagnosis_monitoring: {confidentiality: none, integrity: none, availability: none}\n"
        "  therapy_delivery: {confidentiality: none, integrity: none, availability: none}\n"
        "  clinical_workflow: {confidentiality: none, integrity: none, availability: none}\n"
        "  secrets: {confidentiality: none, integrity: none, availability: none}\n";
    snprintf(path, sizeof path, "%s/r.yaml", dir);
    assert_int_equal(medsec_file_write_atomic(path, good, strlen(good), &err), MEDSEC_OK);
    assert_int_equal(medsec_model_load(dir, NULL, &m, &d, &err), MEDSEC_OK);
    assert_int_equal(m->vulnerabilities[0].items.n, 1);
    assert_string_equal(m->vulnerabilities[0].items.v[0], "monitor-app");
    assert_string_equal(m->vulnerabilities[0].cvss->vector,
                        "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N");
    medsec_model_free(m);
    medsec_diags_release(&d);

    static const char *const files[] = {"device.yaml", "app.cdx.json", "r.yaml"};
    for (size_t i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        assert_int_equal(remove(path), 0);
    }
    assert_int_equal(rmdir(dir), 0);
    free(u);
    free(t);
}

static void test_caps(void **state)
{
    (void)state;
    char *t = minimal_text();
    size_t len = strlen(t);
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_model *m = NULL;
    struct medsec_error err;
    struct medsec_model_limits lim = {100, 0, 0, 0, 0, 0};
    assert_int_equal(medsec_model_parse(t, len, "t.yaml", NULL, &lim, &m, &d, &err),
                     MEDSEC_ETOOBIG);
    assert_null(m);
    assert_string_equal(d.v[0].msg, "the file is 1777 bytes, more than 100 (the limit)");
    medsec_diags_release(&d);

    struct medsec_model_limits depth = {0, 3, 0, 0, 0, 0};
    assert_int_equal(medsec_model_parse(t, len, "t.yaml", NULL, &depth, &m, &d, &err),
                     MEDSEC_ETOOBIG);
    assert_string_equal(d.v[0].msg, "nesting is deeper than 3 levels (the limit)");
    assert_int_equal(d.errors, 1);
    medsec_diags_release(&d);

    struct medsec_model_limits entries = {0, 0, 1, 0, 0, 0};
    assert_int_equal(medsec_model_parse(t, len, "t.yaml", NULL, &entries, &m, &d, &err),
                     MEDSEC_ETOOBIG);
    assert_string_equal(d.v[0].msg, "a list has 2 entries, more than 1 (the limit)");
    assert_int_equal(d.v[0].line, 19);
    medsec_diags_release(&d);

    struct medsec_model_limits nodes = {0, 0, 0, 50, 0, 0};
    assert_int_equal(medsec_model_parse(t, len, "t.yaml", NULL, &nodes, &m, &d, &err),
                     MEDSEC_ETOOBIG);
    assert_string_equal(d.v[0].msg, "the document has more than 50 YAML nodes (the limit)");
    medsec_diags_release(&d);

    struct medsec_model_limits str = {0, 0, 0, 0, 20, 0};
    assert_int_equal(medsec_model_parse(t, len, "t.yaml", NULL, &str, &m, &d, &err),
                     MEDSEC_ETOOBIG);
    assert_string_equal(d.v[0].msg, "a value is 26 bytes long, more than 20 (the limit)");
    assert_int_equal(d.v[0].line, 8);
    medsec_diags_release(&d);

    /* a file over the cap is refused before it is read whole */
    struct medsec_model_limits small = {1000, 0, 0, 0, 0, 0};
    assert_int_equal(medsec_model_load(SRC "/tests/model/minimal", &small, &m, &d, &err),
                     MEDSEC_ETOOBIG);
    assert_null(m);
    assert_string_equal(d.v[0].msg, "the file is larger than 1000 bytes (the limit)");
    medsec_diags_release(&d);
    medsec_free(t);
}

static void test_files_and_sboms(void **state)
{
    (void)state;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_model *m = NULL;
    struct medsec_error err;
    assert_int_equal(
        medsec_model_load(SRC "/tests/model/broken/unknown-sbom-component", NULL, &m, &d, &err),
        MEDSEC_EINVAL);
    assert_int_equal(d.errors, 1);
    assert_string_equal(
        d.v[0].msg, "component 'app/zlb' is not in SBOM 'app.cdx.json'; did you mean 'app/zlib'?");
    assert_int_equal(d.v[0].line, 40);
    assert_int_equal(d.v[0].column, 18);
    medsec_diags_release(&d);
    assert_int_equal(
        medsec_model_load(SRC "/tests/model/broken/missing-sbom-file", NULL, &m, &d, &err),
        MEDSEC_EINVAL);
    assert_int_equal(d.errors, 1);
    assert_non_null(strstr(d.v[0].msg, "'sbom': file 'sbom/app.cdx.json' not found in "));
    medsec_diags_release(&d);
    /* no folder: files are not checked */
    char *t = mutate("    zone: device\n",
                     "    zone: device\n    sbom: nowhere.json\n    components: [x]\n");
    assert_int_equal(medsec_model_parse(t, strlen(t), "t.yaml", NULL, NULL, &m, &d, &err),
                     MEDSEC_OK);
    medsec_model_free(m);
    free(t);
    t = mutate("    zone: device\n", "    zone: device\n    components: [x]\n");
    expect_one(t, 38, 18, "'components' needs 'sbom', the file they are in", MEDSEC_EINVAL);
    free(t);
    t = mutate("    zone: device\n", "    zone: device\n    sbom: /etc/passwd\n");
    expect_one(t, 38, 11, "'sbom' must be a path relative to the device folder, not '/etc/passwd'",
               MEDSEC_EINVAL);
    free(t);
    medsec_diags_release(&d);
    assert_int_equal(medsec_model_load(SRC "/tests/model/no-such-folder", NULL, &m, &d, &err),
                     MEDSEC_ENOTFOUND);
    assert_int_equal(d.n, 0);
}

static void test_dates(void **state)
{
    (void)state;
    long days = -1;
    assert_true(medsec_date_parse("1970-01-01", &days));
    assert_int_equal(days, 0);
    assert_true(medsec_date_parse("2024-02-29", &days));
    assert_int_equal(days, 19782);
    assert_true(medsec_date_parse("2000-02-29", NULL));
    assert_false(medsec_date_parse("1900-02-29", NULL));
    assert_false(medsec_date_parse("2023-02-29", NULL));
    assert_false(medsec_date_parse("2023-04-31", NULL));
    assert_false(medsec_date_parse("2023-13-01", NULL));
    assert_false(medsec_date_parse("2023-00-10", NULL));
    assert_false(medsec_date_parse("2023-1-10", NULL));
    assert_false(medsec_date_parse("2023-01-10T00:00", NULL));
    assert_false(medsec_date_parse(NULL, NULL));
    long a = 0, b = 0;
    assert_true(medsec_date_parse("2026-11-28", &a));
    assert_true(medsec_date_parse("2027-06-30", &b));
    assert_int_equal(b - a, 214);
}

static void test_suggest(void **state)
{
    (void)state;
    static const char *const words[] = {"protocol", "purpose", "from", "to"};
    assert_string_equal(medsec_suggest("protocl", words, 4), "protocol");
    assert_string_equal(medsec_suggest("Purpose", words, 4), "purpose");
    assert_string_equal(medsec_suggest("frm", words, 4), "from");
    assert_null(medsec_suggest("zzzzzz", words, 4));
    assert_null(medsec_suggest("x", words, 4));
    assert_null(medsec_suggest("protocol", words, 0));
}

static void test_schema(void **state)
{
    (void)state;
    char *s = NULL;
    size_t len = 0;
    assert_int_equal(medsec_model_schema_json(&s, &len), MEDSEC_OK);
    assert_int_equal(strlen(s), len);
    assert_non_null(strstr(s, "\"$schema\": \"https://json-schema.org/draft/2020-12/schema\""));
    assert_non_null(strstr(s, "\"flow\": {"));
    assert_non_null(strstr(s, "\"RMOT\""));
    medsec_free(s);
}

static void test_alloc_failures(void **state)
{
    (void)state;
    int succeeded = 0;
    long n;
    for (n = 0; n < 100000 && !succeeded; n++) {
        struct medsec_diags d = MEDSEC_DIAGS_INIT;
        struct medsec_model *m = NULL;
        struct medsec_error err;
        failalloc_arm(n);
        medsec_err rc = medsec_model_load(SRC "/examples/infusion-pump", NULL, &m, &d, &err);
        failalloc_disarm();
        if (rc == MEDSEC_OK) {
            assert_int_equal(m->nitems, 13);
            succeeded = 1;
        } else {
            assert_int_equal(rc, MEDSEC_ENOMEM);
            assert_null(m);
        }
        medsec_model_free(m);
        medsec_diags_release(&d);
    }
    assert_true(succeeded);
    assert_true(n > 50);
    /* and over a file with errors, where diagnostics allocate too */
    for (n = 0, succeeded = 0; n < 100000 && !succeeded; n++) {
        struct medsec_diags d = MEDSEC_DIAGS_INIT;
        struct medsec_model *m = NULL;
        struct medsec_error err;
        failalloc_arm(n);
        medsec_err rc =
            medsec_model_load(SRC "/tests/model/broken/many-errors", NULL, &m, &d, &err);
        failalloc_disarm();
        assert_null(m);
        if (rc == MEDSEC_EINVAL) {
            assert_int_equal(d.errors, 5);
            succeeded = 1;
        } else {
            assert_int_equal(rc, MEDSEC_ENOMEM);
        }
        medsec_diags_release(&d);
    }
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pump_example),
        cmocka_unit_test(test_glucose_example),
        cmocka_unit_test(test_minimal_from_memory),
        cmocka_unit_test(test_checks),
        cmocka_unit_test(test_checks_refs),
        cmocka_unit_test(test_checks_values),
        cmocka_unit_test(test_many_at_once),
        cmocka_unit_test(test_yaml_errors),
        cmocka_unit_test(test_caps),
        cmocka_unit_test(test_files_and_sboms),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_suggest),
        cmocka_unit_test(test_schema),
        cmocka_unit_test(test_alloc_failures),
        cmocka_unit_test(test_utf8_check),
        cmocka_unit_test(test_not_utf8),
        cmocka_unit_test(test_libfyaml_tab_double_free),
        cmocka_unit_test(test_vulnerabilities),
        cmocka_unit_test(test_vulnerability_files),
        cmocka_unit_test(test_quoted_scalars),
        cmocka_unit_test(test_positions_without_key),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
