/* test_threat.c: element graph, condition operators, silencing, catalog errors, stable ids,
 * merging. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "failalloc.h"
#include "medsec/threat.h"

/* ---- helpers -------------------------------------------------------------------------------- */

/* A small device: app (process, device zone) <- cloud (entity, internet) over flow f1. */
static void small_graph(struct medsec_tm_graph *g, bool encrypted)
{
    size_t app, cloud, f1, store;
    medsec_tm_graph_init(g);
    assert_int_equal(medsec_tm_add_zone(g, "device", "Device", 2, MEDSEC_ACCESS_INTERNAL),
                     MEDSEC_OK);
    assert_int_equal(medsec_tm_add_zone(g, "internet", "Internet", 0, MEDSEC_ACCESS_REMOTE),
                     MEDSEC_OK);
    assert_int_equal(medsec_tm_add_element(g, MEDSEC_ELEMENT_PROCESS, "app", "Pump app", "device",
                                           NULL, NULL, &app),
                     MEDSEC_OK);
    assert_int_equal(medsec_tm_add_item(g, app, "clinical_functions", "therapy_delivery"),
                     MEDSEC_OK);
    assert_int_equal(medsec_tm_add_item(g, app, "hazards", "HAZ-1"), MEDSEC_OK);
    assert_int_equal(medsec_tm_add_element(g, MEDSEC_ELEMENT_EXTERNAL_ENTITY, "cloud", "Cloud",
                                           "internet", NULL, NULL, &cloud),
                     MEDSEC_OK);
    assert_int_equal(medsec_tm_add_element(g, MEDSEC_ELEMENT_DATA_FLOW, "f1", "Commands", NULL,
                                           "cloud", "app", &f1),
                     MEDSEC_OK);
    assert_int_equal(medsec_tm_set_str(g, f1, "protocol", "MQTT"), MEDSEC_OK);
    assert_int_equal(medsec_tm_set_bool(g, f1, "encrypted", encrypted), MEDSEC_OK);
    assert_int_equal(medsec_tm_set_bool(g, f1, "authenticated", encrypted), MEDSEC_OK);
    assert_int_equal(medsec_tm_add_element(g, MEDSEC_ELEMENT_DATA_STORE, "db", "Log store",
                                           "device", NULL, NULL, &store),
                     MEDSEC_OK);
    assert_int_equal(medsec_tm_add_item(g, store, "data", "logs"), MEDSEC_OK);
}

static void load_ok(struct medsec_tm_catalog *c, const char *yaml)
{
    struct medsec_error err;
    medsec_err rc = medsec_tm_catalog_load(c, yaml, strlen(yaml), "t.yaml", &err);
    if (rc)
        fail_msg("catalog: %u:%u: %s", err.line, err.column, err.msg);
}

/* Evaluate `when` (a YAML flow mapping) against element @id of @g. */
static bool when(const struct medsec_tm_graph *g, const char *id, const char *cond)
{
    char yaml[1024];
    snprintf(yaml, sizeof yaml,
             "rules:\n  - {id: r, title: t, kind: [process, data_flow, external_entity, "
             "data_store, zone_crossing], channels: [network], stride: S, when: %s}\n",
             cond);
    struct medsec_tm_catalog c;
    medsec_tm_catalog_init(&c);
    load_ok(&c, yaml);
    const struct medsec_tm_element *e = medsec_tm_find(g, id);
    assert_non_null(e);
    bool v = medsec_tm_cond_eval(c.rules[0].when, e);
    medsec_tm_catalog_release(&c);
    return v;
}

static medsec_err load_err(const char *yaml, struct medsec_error *err)
{
    struct medsec_tm_catalog c;
    medsec_tm_catalog_init(&c);
    medsec_err rc = medsec_tm_catalog_load(&c, yaml, strlen(yaml), "bad.yaml", err);
    assert_int_equal(c.n, 0);
    medsec_tm_catalog_release(&c);
    return rc;
}

/* ---- graph ---------------------------------------------------------------------------------- */

static void test_kind_names(void **state)
{
    (void)state;
    for (int k = 0; k < MEDSEC_ELEMENT_KIND_COUNT; k++) {
        enum medsec_element_kind back;
        assert_true(medsec_element_kind_parse(medsec_element_kind_name((enum medsec_element_kind)k),
                                              &back));
        assert_int_equal(back, k);
    }
    enum medsec_element_kind k;
    assert_false(medsec_element_kind_parse("router", &k));
}

static void test_graph_duplicates(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    small_graph(&g, false);
    assert_int_equal(medsec_tm_add_zone(&g, "device", NULL, 0, MEDSEC_ACCESS_INTERNAL),
                     MEDSEC_EINVAL);
    assert_int_equal(
        medsec_tm_add_element(&g, MEDSEC_ELEMENT_PROCESS, "app", NULL, NULL, NULL, NULL, NULL),
        MEDSEC_EINVAL);
    assert_int_equal(medsec_tm_add_item(&g, 0, "clinical_functions", "THERAPY_DELIVERY"),
                     MEDSEC_OK);
    const struct medsec_tm_attr *a =
        medsec_tm_attr_get(medsec_tm_find(&g, "app"), "clinical_functions");
    assert_int_equal(a->nitems, 1); /* same item, other case: not added twice */
    medsec_tm_graph_release(&g);
}

static void test_derive_crossing(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    struct medsec_error err;
    small_graph(&g, false);
    assert_int_equal(medsec_tm_graph_derive(&g, &err), MEDSEC_OK);
    const struct medsec_tm_element *f = medsec_tm_find(&g, "f1");
    assert_true(medsec_tm_attr_get(f, "crosses_zone")->b);
    assert_true(medsec_tm_attr_get(f, "to_trust_higher")->b);
    assert_string_equal(medsec_tm_attr_get(f, "to_zone")->s, "device");
    assert_true(
        medsec_tm_has_item(f, "to_clinical_functions", "therapy_delivery")); /* destination's */
    assert_false(
        medsec_tm_has_item(f, "clinical_functions", "therapy_delivery")); /* not the flow's own */
    /* hazards are not inherited along flows: the risk register links them by what a risk reaches
     * (docs/risk.md) */
    assert_null(medsec_tm_attr_get(f, "to_hazards"));
    const struct medsec_tm_element *x = medsec_tm_find(&g, "internet->device");
    assert_non_null(x);
    assert_int_equal(x->kind, MEDSEC_ELEMENT_ZONE_CROSSING);
    assert_string_equal(x->name, "Internet -> Device");
    assert_false(medsec_tm_attr_get(x, "encrypted")->b);
    assert_true(medsec_tm_has_item(x, "flows", "f1"));
    assert_true(medsec_tm_has_item(x, "protocol", "mqtt"));
    medsec_tm_graph_release(&g);
}

static void test_derive_unknown_endpoint(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    struct medsec_error err;
    small_graph(&g, true);
    assert_int_equal(medsec_tm_add_element(&g, MEDSEC_ELEMENT_DATA_FLOW, "f2", NULL, NULL, "app",
                                           "nowhere", NULL),
                     MEDSEC_OK);
    assert_int_equal(medsec_tm_graph_derive(&g, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "unknown destination 'nowhere'"));
    medsec_tm_graph_release(&g);
}

/* ---- condition operators -------------------------------------------------------------------- */

static void test_cond_bool(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    small_graph(&g, false);
    assert_true(when(&g, "f1", "{encrypted: false}"));
    assert_false(when(&g, "f1", "{encrypted: true}"));
    medsec_tm_graph_release(&g);
    small_graph(&g, true);
    assert_true(when(&g, "f1", "{encrypted: true}"));
    medsec_tm_graph_release(&g);
}

static void test_cond_missing_is_false(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    small_graph(&g, true);
    assert_true(when(&g, "f1", "{integrity: false}"));
    assert_false(when(&g, "f1", "{integrity: true}"));
    assert_false(when(&g, "f1", "{purpose: update}"));
    medsec_tm_graph_release(&g);
}

static void test_cond_string_case_insensitive(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    small_graph(&g, true);
    assert_true(when(&g, "f1", "{protocol: mqtt}"));
    assert_false(when(&g, "f1", "{protocol: http}"));
    medsec_tm_graph_release(&g);
}

static void test_cond_membership(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    small_graph(&g, true);
    assert_true(when(&g, "f1", "{protocol: [http, mqtt, telnet]}"));
    assert_false(when(&g, "f1", "{protocol: [http, telnet]}"));
    medsec_tm_graph_release(&g);
}

static void test_cond_list_attribute(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    small_graph(&g, true);
    assert_true(when(&g, "app", "{clinical_functions: therapy_delivery}"));
    assert_true(when(&g, "app", "{clinical_functions: [phi, therapy_delivery]}"));
    assert_false(when(&g, "app", "{clinical_functions: [phi, secrets]}"));
    medsec_tm_graph_release(&g);
}

static void test_cond_pseudo_attributes(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    small_graph(&g, true);
    assert_true(when(&g, "app", "{kind: process, zone: device, id: app, name: pump app}"));
    assert_false(when(&g, "app", "{zone: internet}"));
    assert_true(when(&g, "f1", "{from: cloud, to: app}"));
    medsec_tm_graph_release(&g);
}

static void test_cond_any_all_not(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    small_graph(&g, false);
    assert_true(when(&g, "f1", "{any: [{protocol: http}, {encrypted: false}]}"));
    assert_false(when(&g, "f1", "{any: [{protocol: http}, {encrypted: true}]}"));
    assert_true(when(&g, "f1", "{all: [{protocol: mqtt}, {encrypted: false}]}"));
    assert_false(when(&g, "f1", "{all: [{protocol: mqtt}, {encrypted: true}]}"));
    assert_true(when(&g, "f1", "{not: {encrypted: true}}"));
    assert_false(when(&g, "f1", "{not: {protocol: mqtt}}"));
    assert_false(
        when(&g, "f1", "{protocol: mqtt, encrypted: true}")); /* several keys: all must hold */
    assert_true(when(&g, "f1", "{}"));                        /* empty: holds */
    medsec_tm_graph_release(&g);
}

static void test_cond_has(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    small_graph(&g, false);
    assert_true(when(&g, "f1", "{has: protocol}"));
    assert_false(when(&g, "f1", "{has: encrypted}")); /* false reads as not set */
    assert_true(when(&g, "app", "{has: [clinical_functions, hazards, zone]}"));
    assert_false(when(&g, "app", "{has: [clinical_functions, data]}"));
    medsec_tm_graph_release(&g);
}

static void test_cond_depth_cap(void **state)
{
    (void)state;
    char yaml[4096] = "rules:\n  - {id: r, title: t, kind: process, stride: S, when: ";
    for (int i = 0; i < MEDSEC_TM_MAX_COND_DEPTH + 2; i++)
        strcat(yaml, "{not: ");
    strcat(yaml, "{a: b}");
    for (int i = 0; i < MEDSEC_TM_MAX_COND_DEPTH + 2; i++)
        strcat(yaml, "}");
    strcat(yaml, "}\n");
    struct medsec_error err;
    assert_int_equal(load_err(yaml, &err), MEDSEC_ETOOBIG);
    assert_non_null(strstr(err.msg, "nested deeper"));
}

/* ---- catalog errors with positions ---------------------------------------------------------- */

static void test_catalog_unknown_key(void **state)
{
    (void)state;
    struct medsec_error err;
    assert_int_equal(
        load_err("rules:\n  - id: r\n    title: t\n    kind: process\n    strid: S\n", &err),
        MEDSEC_EINVAL);
    assert_string_equal(err.file, "bad.yaml");
    assert_int_equal(err.line, 5);
    assert_int_equal(err.column, 5);
    assert_non_null(strstr(err.msg, "unknown rule key 'strid'"));
}

static void test_catalog_bad_values(void **state)
{
    (void)state;
    struct medsec_error err;
    assert_int_equal(load_err("rules:\n  - {id: r, title: t, kind: process, stride: X}\n", &err),
                     MEDSEC_EINVAL);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 46);
    assert_non_null(strstr(err.msg, "stride"));
    assert_int_equal(load_err("rules:\n  - {id: r, title: t, kind: router, stride: S}\n", &err),
                     MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "unknown element kind 'router'"));
    assert_int_equal(
        load_err("rules:\n  - {id: r, title: t, kind: process, stride: S, rating: huge}\n", &err),
        MEDSEC_EINVAL);
    assert_int_equal(load_err("rules:\n  - {id: r, title: t, kind: process, stride: S,\n"
                              "     mitigated_by: [{effect: silence}]}\n",
                              &err),
                     MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "needs capabilities or when"));
    assert_int_equal(
        load_err("rules:\n  - {id: r, title: t, kind: process, stride: S, when: {a: []}}\n", &err),
        MEDSEC_EINVAL);
    assert_int_equal(
        load_err("rules:\n  - {id: r, title: t, kind: process, stride: S, when: [a]}\n", &err),
        MEDSEC_EINVAL);
    assert_int_equal(load_err("version: 2\nrules: []\n", &err), MEDSEC_EUNSUPPORTED);
    assert_int_equal(load_err("- a\n", &err), MEDSEC_EINVAL);
}

static void test_catalog_missing_field(void **state)
{
    (void)state;
    struct medsec_error err;
    assert_int_equal(load_err("rules:\n  - id: r\n    kind: process\n    stride: S\n", &err),
                     MEDSEC_EINVAL);
    assert_int_equal(err.line, 2); /* a block mapping is located by its first key */
    assert_int_equal(err.column, 5);
    assert_non_null(strstr(err.msg, "rule 'r': missing 'title'"));
}

static void test_catalog_yaml_syntax(void **state)
{
    (void)state;
    struct medsec_error err;
    /* libfyaml's collected errors are 1-based already: no +1 (the catalog said 9:5 here before) */
    assert_int_equal(load_err("rules:\n  - id: r\n    title: t\n   kind: process\n", &err),
                     MEDSEC_EPARSE);
    assert_string_equal(err.file, "bad.yaml");
    assert_int_equal(err.line, 4);
    assert_int_equal(err.column, 4); /* the 'k' of the misindented key */
    assert_string_equal(err.msg, "YAML: did not find expected '-' indicator");
    /* an unclosed flow sequence is reported where the input ends: line 3 (after the last newline),
     * column 1 */
    assert_int_equal(load_err("rules:\n  - id: [r\n", &err), MEDSEC_EPARSE);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 1);
    assert_non_null(strstr(err.msg, "YAML"));
}

static void test_catalog_not_utf8(void **state)
{
    (void)state;
    struct medsec_error err;
    /* this input made libfyaml 0.7.12 loop forever; it must be refused before parsing */
    assert_int_equal(load_err("%ules: [{id: a, title: \"P\", kind: pro\x9d]}\n", &err),
                     MEDSEC_EPARSE);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 38);
    assert_int_equal(load_err("rules:\n  - {id: \xc3\xa9t\xe9, title: t}\n", &err), MEDSEC_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 12); /* "é" is one column */
    assert_non_null(strstr(err.msg, "0xe9"));
    assert_int_equal(load_err("rules:\n  - {id: \xed\xa0\x80}\n", &err),
                     MEDSEC_EPARSE);                                                 /* surrogate */
    assert_int_equal(load_err("rules:\n  - {id: \xc0\xaf}\n", &err), MEDSEC_EPARSE); /* overlong */
    /* a NUL byte is refused too, with its own message */
    struct medsec_tm_catalog c;
    medsec_tm_catalog_init(&c);
    assert_int_equal(medsec_tm_catalog_load(&c, "rules:\n  - a\0b\n", 14, "nul.yaml", &err),
                     MEDSEC_EPARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 6);
    assert_string_equal(err.msg, "a NUL byte; YAML text cannot hold one");
    medsec_tm_catalog_release(&c);
}

/* Quoted scalars are decoded by medsec (libfyaml 0.7.12 leaks on runs of '' and folds CR LF
 * wrongly). */
static void test_catalog_quoted(void **state)
{
    (void)state;
    const char *yaml = "rules:\r\n"
                       "  - id: 'r-''''-1'\r\n"
                       "    \"title\": \"Tampering with {name}'s \\\"store\\\"\"\r\n"
                       "    rationale: 'one\r\n      two'\r\n"
                       "    kind: \"process\"\r\n"
                       "    stride: 'T'\r\n";
    struct medsec_tm_catalog c;
    struct medsec_error err;
    medsec_tm_catalog_init(&c);
    assert_int_equal(medsec_tm_catalog_load(&c, yaml, strlen(yaml), "q.yaml", &err), MEDSEC_OK);
    assert_int_equal(c.n, 1);
    assert_string_equal(c.rules[0].id, "r-''-1");
    assert_string_equal(c.rules[0].title, "Tampering with {name}'s \"store\"");
    assert_string_equal(c.rules[0].rationale, "one two");
    assert_int_equal(c.rules[0].stride, MEDSEC_STRIDE_TAMPERING);
    medsec_tm_catalog_release(&c);
}

static void test_catalog_duplicate_and_override(void **state)
{
    (void)state;
    struct medsec_error err;
    assert_int_equal(load_err("rules:\n  - {id: r, title: a, kind: process, stride: S}\n"
                              "  - {id: r, title: b, kind: process, stride: T}\n",
                              &err),
                     MEDSEC_EINVAL);
    assert_int_equal(err.line, 3);
    assert_non_null(strstr(err.msg, "duplicate rule id 'r'"));

    struct medsec_tm_catalog c;
    medsec_tm_catalog_init(&c);
    load_ok(&c, "rules:\n  - {id: r, title: a, kind: process, stride: S}\n"
                "  - {id: q, title: q, kind: process, stride: R}\n");
    load_ok(&c, "rules:\n  - {id: r, title: b, kind: process, stride: T}\n"
                "  - {id: z, title: z, kind: process, stride: D}\n");
    assert_int_equal(c.n, 3);
    assert_string_equal(c.rules[0].id, "r"); /* replaced in place */
    assert_string_equal(c.rules[0].title, "b");
    assert_int_equal(c.rules[0].stride, MEDSEC_STRIDE_TAMPERING);
    assert_string_equal(c.rules[2].id, "z");
    /* a failing load leaves the catalog as it was */
    assert_int_equal(medsec_tm_catalog_load(&c, "rules: [{id: y}]\n", 16, "x", &err),
                     MEDSEC_EINVAL);
    assert_int_equal(c.n, 3);
    medsec_tm_catalog_release(&c);
}

static void test_catalog_stride_words(void **state)
{
    (void)state;
    struct medsec_tm_catalog c;
    medsec_tm_catalog_init(&c);
    load_ok(&c, "rules:\n  - {id: a, title: t, kind: process, stride: denial_of_service}\n"
                "  - {id: b, title: t, kind: process, stride: e}\n");
    assert_int_equal(c.rules[0].stride, MEDSEC_STRIDE_DENIAL_OF_SERVICE);
    assert_int_equal(c.rules[1].stride, MEDSEC_STRIDE_ELEVATION_OF_PRIVILEGE);
    medsec_tm_catalog_release(&c);
}

/* The shipped catalog loads and covers every STRIDE letter for every element kind. */
static void test_default_catalog_coverage(void **state)
{
    (void)state;
    struct medsec_tm_catalog c;
    struct medsec_error err;
    medsec_tm_catalog_init(&c);
    medsec_err rc = medsec_tm_catalog_load_file(&c, MEDSEC_SOURCE_DIR "/rules/threats.yaml", &err);
    if (rc)
        fail_msg("%s:%u:%u: %s", err.file, err.line, err.column, err.msg);
    struct medsec_tm_catalog builtin;
    medsec_tm_catalog_init(&builtin);
    assert_int_equal(medsec_tm_catalog_load_default(&builtin, &err), MEDSEC_OK);
    assert_int_equal(builtin.n, c.n); /* the compiled-in copy is the file */
    for (size_t i = 0; i < c.n; i++)
        assert_string_equal(builtin.rules[i].id, c.rules[i].id);
    medsec_tm_catalog_release(&builtin);
    for (int k = 0; k < MEDSEC_ELEMENT_KIND_COUNT; k++)
        for (const char *s = "STRIDE"; *s; s++) {
            bool found = false;
            for (size_t i = 0; i < c.n && !found; i++)
                found =
                    (c.rules[i].kinds & (1u << k)) && medsec_stride_letter(c.rules[i].stride) == *s;
            if (!found)
                fail_msg("no rule for %s / %c",
                         medsec_element_kind_name((enum medsec_element_kind)k), *s);
        }
    for (size_t i = 0; i < c.n; i++) {
        assert_true(c.rules[i].ncwe > 0);
        assert_true(c.rules[i].ncontrols > 0);
    }
    medsec_tm_catalog_release(&c);
}

/* ---- generation and silencing --------------------------------------------------------------- */

static const char *const silence_rules =
    "rules:\n"
    "  - id: clear\n    title: \"Eavesdropping on {name} ({protocol}) {nope}\"\n    kind: data_flow\n"
    "    channels: [network, wireless]\n    stride: I\n    rating: high\n    when: {encrypted: false}\n    controls: [TXCF, AUDT]\n"
    "    mitigated_by:\n      - {capabilities: [TXCF]}\n"
    "  - id: dos\n    title: DoS of {name}\n    kind: process\n    stride: D\n    rating: high\n"
    "    when: {clinical_functions: therapy_delivery}\n    controls: [SAHD, MLDP]\n"
    "    mitigated_by:\n      - {capabilities: [SAHD, MLDP], effect: downgrade, rationale: watchdog}\n"
    "  - id: auth\n    title: Spoofed {name}\n    kind: data_flow\n    channels: [network]\n"
    "    stride: S\n"
    "    mitigated_by:\n      - {when: {authenticated: true}}\n";

static void generate(const struct medsec_tm_graph *g, unsigned flags,
                     struct medsec_threat_list *out)
{
    struct medsec_tm_catalog c;
    struct medsec_error err;
    medsec_tm_catalog_init(&c);
    load_ok(&c, silence_rules);
    medsec_threat_list_init(out);
    assert_int_equal(medsec_threats_generate(g, &c, flags, out, &err), MEDSEC_OK);
    medsec_tm_catalog_release(&c);
}

static void test_generate_open(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    struct medsec_threat_list l;
    struct medsec_error err;
    small_graph(&g, false);
    assert_int_equal(medsec_tm_graph_derive(&g, &err), MEDSEC_OK);
    generate(&g, 0, &l);
    assert_int_equal(l.n, 3);
    /* sorted by element id then STRIDE: app/D, f1/S, f1/I */
    assert_string_equal(l.v[0].element_id, "app");
    assert_int_equal(l.v[1].stride, MEDSEC_STRIDE_SPOOFING);
    assert_int_equal(l.v[2].stride, MEDSEC_STRIDE_INFORMATION_DISCLOSURE);
    const struct medsec_threat *t = &l.v[2];
    assert_string_equal(t->title, "Eavesdropping on Commands (MQTT) {nope}");
    assert_int_equal(t->status, MEDSEC_TM_OPEN);
    assert_int_equal(t->rating, MEDSEC_TM_HIGH);
    assert_int_equal(t->nmissing, 2);
    assert_string_equal(t->missing[0], "TXCF");
    assert_int_equal(t->nclinical_functions,
                     0); /* the flow carries none itself; its destination does */
    char id[16];
    medsec_threat_id("clear", "f1", id);
    assert_string_equal(t->id, id);
    medsec_threat_list_release(&l);
    medsec_tm_graph_release(&g);
}

static void test_silence_by_capability(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    struct medsec_threat_list l;
    small_graph(&g, false);
    size_t f1 = (size_t)(medsec_tm_find(&g, "f1") - g.elements);
    assert_int_equal(medsec_tm_add_item(&g, f1, "capabilities", "TXCF"), MEDSEC_OK);
    generate(&g, 0, &l);
    for (size_t i = 0; i < l.n; i++)
        assert_string_not_equal(l.v[i].rule_id, "clear");
    medsec_threat_list_release(&l);
    generate(&g, MEDSEC_TM_WITH_MITIGATED, &l);
    bool seen = false;
    for (size_t i = 0; i < l.n; i++)
        if (strcmp(l.v[i].rule_id, "clear") == 0) {
            seen = true;
            assert_int_equal(l.v[i].status, MEDSEC_TM_MITIGATED);
            assert_string_equal(l.v[i].mitigation, "capability TXCF applied");
            assert_int_equal(l.v[i].nmissing, 1); /* AUDT is still missing */
            assert_string_equal(l.v[i].missing[0], "AUDT");
        }
    assert_true(seen);
    medsec_threat_list_release(&l);
    medsec_tm_graph_release(&g);
}

static void test_silence_by_attribute(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    struct medsec_threat_list l;
    small_graph(&g, true); /* authenticated + encrypted: no spoofing, no eavesdropping */
    generate(&g, 0, &l);
    assert_int_equal(l.n, 1);
    assert_string_equal(l.v[0].rule_id, "dos");
    medsec_threat_list_release(&l);
    medsec_tm_graph_release(&g);
}

static void test_downgrade_needs_all_capabilities(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    struct medsec_threat_list l;
    small_graph(&g, true);
    assert_int_equal(medsec_tm_add_item(&g, 0, "capabilities", "SAHD"), MEDSEC_OK);
    generate(&g, 0, &l);
    assert_int_equal(l.v[0].status, MEDSEC_TM_OPEN); /* MLDP missing: no downgrade */
    assert_int_equal(l.v[0].rating, MEDSEC_TM_HIGH);
    medsec_threat_list_release(&l);
    assert_int_equal(medsec_tm_add_item(&g, 0, "capabilities", "MLDP"), MEDSEC_OK);
    generate(&g, 0, &l);
    assert_int_equal(l.v[0].status, MEDSEC_TM_REDUCED);
    assert_int_equal(l.v[0].rating, MEDSEC_TM_MEDIUM);
    assert_int_equal(l.v[0].initial_rating, MEDSEC_TM_HIGH);
    assert_string_equal(l.v[0].mitigation, "watchdog");
    assert_int_equal(l.v[0].nmissing, 0);
    medsec_threat_list_release(&l);
    medsec_tm_graph_release(&g);
}

/* ---- stable ids and manual threats ---------------------------------------------------------- */

static void test_stable_id_known_answer(void **state)
{
    (void)state;
    char id[16];
    /* FNV-1a-64 over "r\0e\0", first 32 bits (computed independently with Python) */
    medsec_threat_id("r", "e", id);
    assert_string_equal(id, "T-8ac3d220");
    medsec_threat_id("flow-cleartext-disclosure", "f1", id);
    assert_string_equal(id, "T-0eac74ea");
    char a[16], b[16];
    medsec_threat_id("ab", "c", a);
    medsec_threat_id("a", "bc", b);
    assert_string_not_equal(a, b); /* the separator keeps the parts apart */
}

static void test_stable_id_survives_edits(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    struct medsec_threat_list before, after;
    small_graph(&g, false);
    generate(&g, 0, &before);
    size_t p;
    assert_int_equal(
        medsec_tm_add_element(&g, MEDSEC_ELEMENT_PROCESS, "aaa", NULL, "device", NULL, NULL, &p),
        MEDSEC_OK);
    assert_int_equal(medsec_tm_add_item(&g, p, "clinical_functions", "therapy_delivery"),
                     MEDSEC_OK);
    generate(&g, 0, &after);
    assert_int_equal(after.n, before.n + 1);
    for (size_t i = 0; i < before.n; i++) {
        const struct medsec_threat *t = medsec_threats_find(&after, before.v[i].id);
        assert_non_null(t);
        assert_string_equal(t->rule_id, before.v[i].rule_id);
        assert_string_equal(t->element_id, before.v[i].element_id);
    }
    medsec_threat_list_release(&before);
    medsec_threat_list_release(&after);
    medsec_tm_graph_release(&g);
}

static void test_manual_merge(void **state)
{
    (void)state;
    struct medsec_tm_graph g;
    struct medsec_threat_list l;
    struct medsec_error err;
    small_graph(&g, false);
    generate(&g, 0, &l);
    size_t n = l.n;
    char gen_id[16];
    medsec_threat_id("dos", "app", gen_id);
    const char *const ctl[] = {"SAHD", "PLOK"};
    struct medsec_threat_manual m[2] = {
        {.id = "TM-1",
         .element = "app",
         .stride = MEDSEC_STRIDE_TAMPERING,
         .title = "Bolus button spoofed",
         .rating = MEDSEC_TM_LOW,
         .controls = ctl,
         .ncontrols = 2},
        {.id = gen_id,
         .element = "app",
         .stride = MEDSEC_STRIDE_DENIAL_OF_SERVICE,
         .title = "Reviewed DoS",
         .rating = MEDSEC_TM_MEDIUM},
    };
    assert_int_equal(medsec_threats_merge_manual(&l, &g, m, 2, &err), MEDSEC_OK);
    assert_int_equal(l.n, n + 1); /* one added, one replaced */
    const struct medsec_threat *t = medsec_threats_find(&l, "TM-1");
    assert_non_null(t);
    assert_true(t->manual);
    assert_null(t->rule_id);
    assert_int_equal(t->nmissing, 2);
    assert_true(t->nclinical_functions == 1);
    t = medsec_threats_find(&l, gen_id);
    assert_string_equal(t->title, "Reviewed DoS");
    assert_true(t->manual);
    struct medsec_threat_manual dup[2] = {{.id = "X", .stride = MEDSEC_STRIDE_SPOOFING},
                                          {.id = "X", .stride = MEDSEC_STRIDE_TAMPERING}};
    assert_int_equal(medsec_threats_merge_manual(&l, &g, dup, 2, &err), MEDSEC_EINVAL);
    struct medsec_threat_manual bad = {.id = "Y", .stride = (enum medsec_stride)42};
    assert_int_equal(medsec_threats_merge_manual(&l, &g, &bad, 1, &err), MEDSEC_EINVAL);
    medsec_threat_list_release(&l);
    medsec_tm_graph_release(&g);
}

/* ---- allocation failures -------------------------------------------------------------------- */

static void test_failalloc(void **state)
{
    (void)state;
    for (long n = 0;; n++) {
        struct medsec_tm_graph g;
        struct medsec_tm_catalog c;
        struct medsec_threat_list l;
        struct medsec_error err;
        medsec_tm_graph_init(&g);
        medsec_tm_catalog_init(&c);
        medsec_threat_list_init(&l);
        failalloc_arm(n);
        medsec_err rc = medsec_tm_add_zone(&g, "z", NULL, 0, MEDSEC_ACCESS_REMOTE);
        size_t i;
        rc = rc ? rc
                : medsec_tm_add_element(&g, MEDSEC_ELEMENT_PROCESS, "p", NULL, "z", NULL, NULL, &i);
        rc = rc ? rc
                : medsec_tm_add_element(&g, MEDSEC_ELEMENT_EXTERNAL_ENTITY, "e", NULL, NULL, NULL,
                                        NULL, NULL);
        rc =
            rc ? rc
               : medsec_tm_add_element(&g, MEDSEC_ELEMENT_DATA_FLOW, "f", NULL, NULL, "e", "p", &i);
        rc = rc ? rc : medsec_tm_add_item(&g, i, "capabilities", "TXCF");
        rc = rc ? rc : medsec_tm_graph_derive(&g, &err);
        rc = rc ? rc : medsec_tm_catalog_load(&c, silence_rules, strlen(silence_rules), "t", &err);
        rc = rc ? rc : medsec_threats_generate(&g, &c, MEDSEC_TM_WITH_MITIGATED, &l, &err);
        failalloc_disarm();
        medsec_threat_list_release(&l);
        medsec_tm_catalog_release(&c);
        medsec_tm_graph_release(&g);
        if (rc == MEDSEC_OK) {
            assert_true(n > 5); /* graph, zones, elements, catalog, rules, list, buffers */
            break;
        }
        assert_int_equal(rc, MEDSEC_ENOMEM);
        if (n > 5000)
            fail_msg("allocation failures never stop");
    }
}

/* ---- the default catalog's rules on single elements ----------------------------------------- */

/* Status of default rule @rule on element "x" of a one-element graph (plus an entity and, for a
 * flow, the zones it joins); -1 when the rule does not fire. */
static int default_rule(enum medsec_element_kind kind, const char *attrs, const char *rule)
{
    struct medsec_tm_graph g;
    struct medsec_tm_catalog c;
    struct medsec_threat_list l;
    struct medsec_error err;
    size_t x;
    medsec_tm_graph_init(&g);
    medsec_tm_catalog_init(&c);
    medsec_threat_list_init(&l);
    assert_int_equal(medsec_tm_add_zone(&g, "out", NULL, 0, MEDSEC_ACCESS_REMOTE), MEDSEC_OK);
    assert_int_equal(medsec_tm_add_zone(&g, "in", NULL, 9, MEDSEC_ACCESS_INTERNAL), MEDSEC_OK);
    assert_int_equal(medsec_tm_add_element(&g, MEDSEC_ELEMENT_EXTERNAL_ENTITY, "src", NULL, "out",
                                           NULL, NULL, NULL),
                     MEDSEC_OK);
    assert_int_equal(
        medsec_tm_add_element(&g, MEDSEC_ELEMENT_PROCESS, "dst", NULL, "in", NULL, NULL, NULL),
        MEDSEC_OK);
    bool flow = kind == MEDSEC_ELEMENT_DATA_FLOW;
    assert_int_equal(medsec_tm_add_element(&g, kind, "x", NULL, flow ? NULL : "in",
                                           flow ? "src" : NULL, flow ? "dst" : NULL, &x),
                     MEDSEC_OK);
    /* attrs: "name=value;..." with true/false as booleans, a,b,c as lists for *s names */
    char buf[256];
    snprintf(buf, sizeof buf, "%s", attrs);
    for (char *save = NULL, *kv = strtok_r(buf, ";", &save); kv; kv = strtok_r(NULL, ";", &save)) {
        char *eq = strchr(kv, '=');
        assert_non_null(eq);
        *eq = '\0';
        const char *v = eq + 1;
        if (!strcmp(v, "true") || !strcmp(v, "false"))
            assert_int_equal(medsec_tm_set_bool(&g, x, kv, !strcmp(v, "true")), MEDSEC_OK);
        else if (kv[strlen(kv) - 1] == 's' || !strcmp(kv, "data")) {
            char items[128];
            snprintf(items, sizeof items, "%s", v);
            for (char *s2 = NULL, *it = strtok_r(items, ",", &s2); it;
                 it = strtok_r(NULL, ",", &s2))
                assert_int_equal(medsec_tm_add_item(&g, x, kv, it), MEDSEC_OK);
        } else
            assert_int_equal(medsec_tm_set_str(&g, x, kv, v), MEDSEC_OK);
    }
    assert_int_equal(medsec_tm_graph_derive(&g, &err), MEDSEC_OK);
    assert_int_equal(medsec_tm_catalog_load_default(&c, &err), MEDSEC_OK);
    assert_int_equal(medsec_threats_generate(&g, &c, MEDSEC_TM_WITH_MITIGATED, &l, &err),
                     MEDSEC_OK);
    char id[16];
    medsec_threat_id(rule, "x", id);
    const struct medsec_threat *t = medsec_threats_find(&l, id);
    int status = t ? (int)t->status : -1;
    medsec_threat_list_release(&l);
    medsec_tm_catalog_release(&c);
    medsec_tm_graph_release(&g);
    return status;
}

static void test_default_rules(void **state)
{
    (void)state;
    const enum medsec_element_kind F = MEDSEC_ELEMENT_DATA_FLOW, P = MEDSEC_ELEMENT_PROCESS,
                                   I = MEDSEC_ELEMENT_INTERFACE, S = MEDSEC_ELEMENT_DATA_STORE;
    const int OPEN = MEDSEC_TM_OPEN, RED = MEDSEC_TM_REDUCED, MIT = MEDSEC_TM_MITIGATED, NONE = -1;
    /* cleartext vs protected flows */
    assert_int_equal(default_rule(F, "encrypted=false", "flow-cleartext-disclosure"), OPEN);
    assert_int_equal(default_rule(F, "encrypted=true", "flow-cleartext-disclosure"), NONE);
    assert_int_equal(
        default_rule(F, "encrypted=false;capabilities=TXCF", "flow-cleartext-disclosure"), MIT);
    assert_int_equal(default_rule(F, "protocol=http;encrypted=true", "flow-cleartext-protocol"),
                     MIT);
    assert_int_equal(default_rule(F, "protocol=telnet", "flow-cleartext-protocol"), OPEN);
    assert_int_equal(default_rule(F, "authenticated=false", "flow-spoofed-endpoint"), OPEN);
    assert_int_equal(default_rule(F, "authenticated=true", "flow-spoofed-endpoint"), NONE);
    assert_int_equal(default_rule(F, "integrity=true", "flow-tampering"), NONE);
    /* the flow goes from zone out (trust 0) to zone in (9): a more trusted receiver */
    assert_int_equal(default_rule(F, "authenticated=false", "flow-command-injection"), OPEN);
    /* update path */
    assert_int_equal(default_rule(F, "purpose=update;encrypted=true", "flow-update-tampering"),
                     OPEN);
    assert_int_equal(default_rule(F, "data=firmware;capabilities=CSUP", "flow-update-tampering"),
                     MIT);
    /* IGAU is health-data integrity: it does not clear a malicious update (HN 1-2019) */
    assert_int_equal(default_rule(F, "data=firmware;capabilities=IGAU", "flow-update-tampering"),
                     OPEN);
    /* network attacks only where a remote or adjacent attacker can reach the medium */
    assert_int_equal(default_rule(F, "authenticated=false;channel=ipc", "flow-spoofed-endpoint"),
                     NONE);
    assert_int_equal(
        default_rule(F, "encrypted=false;channel=onboard_bus", "flow-cleartext-disclosure"), NONE);
    assert_int_equal(default_rule(F, "purpose=command;channel=local_ui", "flow-replay"), NONE);
    assert_int_equal(
        default_rule(F, "authenticated=false;channel=wireless", "flow-spoofed-endpoint"), OPEN);
    assert_int_equal(default_rule(F, "authenticated=false;purpose=therapy;channel=local_ui",
                                  "flow-ui-unauthorised-input"),
                     OPEN);
    assert_int_equal(default_rule(F, "authenticated=false;purpose=therapy;channel=network",
                                  "flow-ui-unauthorised-input"),
                     NONE);
    assert_int_equal(default_rule(F, "channel=human", "flow-human-forgery"), OPEN);
    assert_int_equal(
        default_rule(F, "authenticated=false;purpose=command;channel=ipc", "flow-local-forgery"),
        OPEN);
    assert_int_equal(default_rule(F, "purpose=telemetry", "flow-update-tampering"), NONE);
    assert_int_equal(default_rule(F, "purpose=command", "flow-replay"), OPEN);
    assert_int_equal(default_rule(F, "purpose=command;replay_protected=true", "flow-replay"), NONE);
    /* therapy processes keep their DoS threat, downgraded by watchdog + fail-safe */
    assert_int_equal(default_rule(P, "clinical_functions=therapy_delivery", "process-therapy-dos"),
                     OPEN);
    assert_int_equal(default_rule(P, "clinical_functions=therapy_delivery;capabilities=SAHD",
                                  "process-therapy-dos"),
                     RED);
    assert_int_equal(default_rule(P, "clinical_functions=phi", "process-therapy-dos"), NONE);
    assert_int_equal(default_rule(P, "clinical_functions=phi", "process-dos"), OPEN);
    assert_int_equal(
        default_rule(P, "untrusted_input=true;capabilities=SAHD", "process-input-code-execution"),
        RED);
    assert_int_equal(default_rule(P, "privileged=false", "process-privilege-escalation"), NONE);
    /* debug ports, USB, radios */
    assert_int_equal(default_rule(I, "type=jtag", "interface-debug-access"), OPEN);
    assert_int_equal(
        default_rule(I, "type=swd;disabled_in_production=true", "interface-debug-access"), MIT);
    assert_int_equal(default_rule(I, "type=uart;debug=true", "interface-debug-readout"), OPEN);
    assert_int_equal(default_rule(I, "type=uart", "interface-debug-readout"), NONE);
    assert_int_equal(default_rule(I, "type=usb", "interface-usb-tampering"), OPEN);
    assert_int_equal(
        default_rule(I, "type=ble;authenticated=false", "interface-wireless-pairing-spoofing"),
        OPEN);
    assert_int_equal(
        default_rule(I, "type=ble;authenticated=true", "interface-wireless-pairing-spoofing"),
        NONE);
    assert_int_equal(default_rule(I, "type=wifi", "interface-wireless-jamming"), OPEN);
    assert_int_equal(default_rule(I, "type=ethernet", "interface-network-dos"), OPEN);
    /* stores with PHI or secrets */
    assert_int_equal(default_rule(S, "data=phi", "store-phi-disclosure"), OPEN);
    assert_int_equal(default_rule(S, "data=phi;capabilities=STCF", "store-phi-disclosure"), MIT);
    assert_int_equal(default_rule(S, "data=keys;secure_element=true", "store-secret-extraction"),
                     MIT);
    assert_int_equal(default_rule(S, "data=keys;capabilities=PLOK", "store-secret-extraction"),
                     RED);
    assert_int_equal(default_rule(S, "data=phi", "store-health-data-tampering"), OPEN);
    assert_int_equal(default_rule(S, "data=phi", "store-tampering"), NONE);
    assert_int_equal(default_rule(S, "data=keys", "store-tampering"), OPEN);
    assert_int_equal(default_rule(S, "data=logs;capabilities=AUDT,IGAU", "store-log-repudiation"),
                     MIT);
    /* external systems get node rules, people get person rules */
    const enum medsec_element_kind E = MEDSEC_ELEMENT_EXTERNAL_ENTITY;
    assert_int_equal(default_rule(E, "type=system", "system-spoofing"), OPEN);
    assert_int_equal(default_rule(E, "capabilities=NAUT", "system-spoofing"), MIT);
    assert_int_equal(default_rule(E, "type=system", "system-flooding"), OPEN);
    assert_int_equal(default_rule(E, "type=user", "system-flooding"), NONE);
    assert_int_equal(default_rule(E, "type=user", "system-spoofing"), NONE);
    assert_int_equal(default_rule(E, "type=user", "person-impersonation"), OPEN);
    assert_int_equal(default_rule(E, "type=user;capabilities=PAUT", "person-impersonation"), RED);
    assert_int_equal(default_rule(E, "type=human", "person-social-engineering"), OPEN);
    assert_int_equal(default_rule(E, "type=system", "person-social-engineering"), NONE);
    assert_int_equal(
        default_rule(E, "type=user;unique_credentials=true", "person-default-credentials"), MIT);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kind_names),
        cmocka_unit_test(test_graph_duplicates),
        cmocka_unit_test(test_derive_crossing),
        cmocka_unit_test(test_derive_unknown_endpoint),
        cmocka_unit_test(test_cond_bool),
        cmocka_unit_test(test_cond_missing_is_false),
        cmocka_unit_test(test_cond_string_case_insensitive),
        cmocka_unit_test(test_cond_membership),
        cmocka_unit_test(test_cond_list_attribute),
        cmocka_unit_test(test_cond_pseudo_attributes),
        cmocka_unit_test(test_cond_any_all_not),
        cmocka_unit_test(test_cond_has),
        cmocka_unit_test(test_cond_depth_cap),
        cmocka_unit_test(test_catalog_unknown_key),
        cmocka_unit_test(test_catalog_bad_values),
        cmocka_unit_test(test_catalog_missing_field),
        cmocka_unit_test(test_catalog_yaml_syntax),
        cmocka_unit_test(test_catalog_not_utf8),
        cmocka_unit_test(test_catalog_quoted),
        cmocka_unit_test(test_catalog_duplicate_and_override),
        cmocka_unit_test(test_catalog_stride_words),
        cmocka_unit_test(test_default_catalog_coverage),
        cmocka_unit_test(test_generate_open),
        cmocka_unit_test(test_silence_by_capability),
        cmocka_unit_test(test_silence_by_attribute),
        cmocka_unit_test(test_downgrade_needs_all_capabilities),
        cmocka_unit_test(test_stable_id_known_answer),
        cmocka_unit_test(test_stable_id_survives_edits),
        cmocka_unit_test(test_manual_merge),
        cmocka_unit_test(test_default_rules),
        cmocka_unit_test(test_failalloc),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
