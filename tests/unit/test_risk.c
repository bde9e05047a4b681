/* test_risk.c: acceptance matrix, control reductions, gap to close, KEV/EPSS, CVSS mapping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "medsec/model.h"
#include "medsec/risk.h"

/* 5 exploitability x 5 severity levels; classes low (acceptable), medium (acceptable), high. */
static const char *const ex[] = {"improbable", "remote", "occasional", "probable", "frequent"};
static const char *const sev[] = {"negligible", "minor", "serious", "critical", "catastrophic"};
enum { L = 0, M = 1, H = 2 };
static const unsigned char matrix[25] = {
    /* improbable */ L, L, L, M, M,
    /* remote     */ L, L, M, M, H,
    /* occasional */ L, M, M, H, H,
    /* probable   */ M, M, H, H, H,
    /* frequent   */ M, H, H, H, H,
};
static const struct medsec_risk_class classes[] = {
    {"low", true}, {"medium", true}, {"high", false}};
static const struct medsec_risk_config cfg = {ex, 5, sev, 5, matrix, classes, 3, 0};

static void test_config_check(void **state)
{
    (void)state;
    struct medsec_error err;
    assert_int_equal(medsec_risk_config_check(&cfg, &err), MEDSEC_OK);
    unsigned char bad[25];
    memcpy(bad, matrix, sizeof bad);
    bad[7] = 3;
    struct medsec_risk_config c = cfg;
    c.matrix = bad;
    assert_int_equal(medsec_risk_config_check(&c, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "(remote, serious)"));
    c = cfg;
    c.nseverity = 0;
    assert_int_equal(medsec_risk_config_check(&c, &err), MEDSEC_EINVAL);
    c = cfg;
    c.epss_threshold = 1.5;
    assert_int_equal(medsec_risk_config_check(&c, &err), MEDSEC_EINVAL);
}

static void test_matrix_lookup(void **state)
{
    (void)state;
    assert_int_equal(medsec_risk_class_of(&cfg, 0, 0), L);
    assert_int_equal(medsec_risk_class_of(&cfg, 4, 4), H);
    assert_int_equal(medsec_risk_class_of(&cfg, 1, 4), H);
    assert_int_equal(medsec_risk_class_of(&cfg, 3, 0), M);
    assert_int_equal(medsec_risk_class_of(&cfg, 9, -3), M); /* clamped to (4, 0) */
}

static void test_assess_no_controls(void **state)
{
    (void)state;
    struct medsec_risk_input in = {"R1", 4, 3, NULL, 0};
    struct medsec_risk_result r;
    struct medsec_error err;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_OK);
    assert_int_equal(r.initial_class, H);
    assert_false(r.initial_acceptable);
    assert_int_equal(r.residual_exploitability, 4);
    assert_false(r.residual_acceptable);
    /* from (frequent, critical): exploitability must fall 3 levels to (remote, critical) = M;
     * severity alone would need 3 levels to (frequent, negligible) = M */
    assert_int_equal(r.close_by_exploitability, 3);
    assert_int_equal(r.close_by_severity, 3);
}

static void test_control_moves_to_acceptable(void **state)
{
    (void)state;
    struct medsec_risk_control ctl[] = {
        {"C-TLS", "TLS with mutual auth", 2, 0, "removes the remote unauthenticated path", NULL,
         false},
        {"C-LIMIT", "dose limits", 0, 1, "hard limits cap the over-infusion", "HAZ-OVERDOSE",
         false},
    };
    struct medsec_risk_input in = {"R2", 4, 3, ctl, 2};
    struct medsec_risk_result r;
    struct medsec_error err;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_OK);
    assert_false(r.initial_acceptable);
    assert_int_equal(r.residual_exploitability, 2);
    assert_int_equal(r.residual_severity, 2);
    assert_int_equal(r.residual_class, M);
    assert_true(r.residual_acceptable);
    assert_int_equal(r.close_by_exploitability, 0);
}

static void test_reduction_floor(void **state)
{
    (void)state;
    struct medsec_risk_control ctl[] = {{"C", NULL, 9, 9, "strong", NULL, false}};
    struct medsec_risk_input in = {"R", 1, 1, ctl, 1};
    struct medsec_risk_result r;
    struct medsec_error err;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_OK);
    assert_int_equal(r.residual_exploitability, 0);
    assert_int_equal(r.residual_severity, 0);
}

static void test_control_needs_rationale(void **state)
{
    (void)state;
    struct medsec_risk_control ctl[] = {{"C-X", NULL, 1, 0, NULL, NULL, false}};
    struct medsec_risk_input in = {"R3", 2, 2, ctl, 1};
    struct medsec_risk_result r;
    struct medsec_error err;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "C-X reduces the risk without a rationale"));
    ctl[0].exploit_reduction = -1;
    ctl[0].rationale = "x";
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_EINVAL);
    struct medsec_risk_control none[] = {
        {"C-0", NULL, 0, 0, NULL, NULL, false}}; /* no claim, no rationale needed */
    in.controls = none;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_OK);
}

static void test_level_out_of_range(void **state)
{
    (void)state;
    struct medsec_risk_input in = {"R4", 5, 0, NULL, 0};
    struct medsec_risk_result r;
    struct medsec_error err;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_EINVAL);
    in.exploitability = 0;
    in.severity = -1;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_EINVAL);
}

static void test_unclosable_axis(void **state)
{
    (void)state;
    /* a matrix whose catastrophic column is never acceptable */
    unsigned char m[25];
    memcpy(m, matrix, sizeof m);
    for (int e = 0; e < 5; e++)
        m[e * 5 + 4] = H;
    struct medsec_risk_config c = cfg;
    c.matrix = m;
    struct medsec_risk_input in = {"R5", 2, 4, NULL, 0};
    struct medsec_risk_result r;
    struct medsec_error err;
    assert_int_equal(medsec_risk_assess(&c, &in, &r, &err), MEDSEC_OK);
    assert_int_equal(r.close_by_exploitability, -1);
    assert_int_equal(r.close_by_severity,
                     2); /* (occasional, serious) = M; (occasional, critical) = H */
}

static void test_rating_levels(void **state)
{
    (void)state;
    assert_int_equal(medsec_risk_level_from_rating(0, 5), 0);
    assert_int_equal(medsec_risk_level_from_rating(1, 5), 2);
    assert_int_equal(medsec_risk_level_from_rating(2, 5), 4);
    assert_int_equal(medsec_risk_level_from_rating(1, 4), 2);
    assert_int_equal(medsec_risk_level_from_rating(1, 3), 1);
    assert_int_equal(medsec_risk_level_from_rating(2, 1), 0);
}

static void test_kev_epss(void **state)
{
    (void)state;
    assert_int_equal(medsec_risk_exploit_raise(1, 5, true, -1, 0), 4);
    assert_int_equal(medsec_risk_exploit_raise(1, 5, false, 0.1, 0),
                     2); /* at the default threshold */
    assert_int_equal(medsec_risk_exploit_raise(1, 5, false, 0.0999, 0), 1);
    assert_int_equal(medsec_risk_exploit_raise(1, 5, false, 0.3, 0.5),
                     1);                                                 /* configured threshold */
    assert_int_equal(medsec_risk_exploit_raise(4, 5, false, 0.9, 0), 4); /* stays at the top */
    assert_int_equal(medsec_risk_exploit_raise(2, 5, false, -1, 0), 2);  /* unknown EPSS */
}

static void test_cvss_v31(void **state)
{
    (void)state;
    int level;
    double f;
    assert_int_equal(medsec_risk_exploit_from_cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
                                                   5, &level, &f),
                     MEDSEC_OK);
    assert_int_equal(level, 4);
    assert_float_equal(f, 1.0, 1e-9);
    /* 8.22 x 0.85 x 0.77 x 0.62 x 0.85 = 2.835 (FIRST's v3.1 exploitability for PR:L) / 3.887 =
     * 0.729 */
    assert_int_equal(medsec_risk_exploit_from_cvss("CVSS:3.1/AV:N/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
                                                   5, &level, &f),
                     MEDSEC_OK);
    assert_float_equal(f * 3.8870427, 2.8352, 1e-3);
    assert_int_equal(level, 3);
    /* physical, high complexity, high privileges, user interaction: the lowest level */
    assert_int_equal(medsec_risk_exploit_from_cvss("CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:U/C:H/I:N/A:N",
                                                   5, &level, &f),
                     MEDSEC_OK);
    assert_int_equal(level, 0);
    /* scope change raises the PR:L weight from 0.62 to 0.68 */
    double fu, fc;
    assert_int_equal(medsec_risk_exploit_from_cvss("CVSS:3.1/AV:A/AC:L/PR:L/UI:N/S:U/C:H/I:H/A:H",
                                                   5, &level, &fu),
                     MEDSEC_OK);
    assert_int_equal(medsec_risk_exploit_from_cvss("CVSS:3.1/AV:A/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H",
                                                   5, &level, &fc),
                     MEDSEC_OK);
    assert_float_equal(fc / fu, 0.68 / 0.62, 1e-9);
}

static void test_cvss_v40(void **state)
{
    (void)state;
    int level;
    double f;
    assert_int_equal(
        medsec_risk_exploit_from_cvss(
            "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 5, &level, &f),
        MEDSEC_OK);
    assert_int_equal(level, 4);
    /* AT:P weighs like AC:H */
    double fa, fh;
    assert_int_equal(
        medsec_risk_exploit_from_cvss(
            "CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 5, &level, &fa),
        MEDSEC_OK);
    assert_int_equal(
        medsec_risk_exploit_from_cvss(
            "CVSS:4.0/AV:L/AC:H/AT:N/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 5, &level, &fh),
        MEDSEC_OK);
    assert_float_equal(fa, fh, 1e-9);
    /* 8.22 x 0.55 x 0.44 x 0.85 x 0.44 / 3.887 = 0.191: below 1/5, the lowest level */
    assert_float_equal(fh, 0.1915, 1e-3);
    assert_int_equal(level, 0);
}

static void test_cvss_errors(void **state)
{
    (void)state;
    int level;
    assert_int_equal(
        medsec_risk_exploit_from_cvss("CVSS:3.1/AV:N/AC:L/PR:N/S:U/C:H/I:H/A:H", 5, &level, NULL),
        MEDSEC_EPARSE); /* no UI */
    assert_int_equal(
        medsec_risk_exploit_from_cvss("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U", 5, &level, NULL),
        MEDSEC_EPARSE);
    assert_int_equal(
        medsec_risk_exploit_from_cvss("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U", 5, &level, NULL),
        MEDSEC_EPARSE);
    assert_int_equal(medsec_risk_exploit_from_cvss("CVSS:2.0/AV:N", 5, &level, NULL),
                     MEDSEC_EPARSE);
    assert_int_equal(medsec_risk_exploit_from_cvss("CVSS:4.0/AV:N/AC:L/PR:N/UI:N", 5, &level, NULL),
                     MEDSEC_EPARSE); /* v4 without AT */
    assert_int_equal(medsec_risk_exploit_from_cvss("", 5, &level, NULL), MEDSEC_EPARSE);
}

static void test_cvss_v2_and_impact(void **state)
{
    (void)state;
    int level, cia[3];
    double f;
    /* v2: 20 x AV x AC x Au over its maximum; temporal metrics with longer values are skipped */
    assert_int_equal(
        medsec_risk_exploit_from_cvss("AV:N/AC:L/Au:N/C:P/I:P/A:P/E:POC/RL:OF", 5, &level, &f),
        MEDSEC_OK);
    assert_int_equal(level, 4);
    assert_true(f > 0.999);
    assert_int_equal(medsec_risk_exploit_from_cvss("AV:L/AC:H/Au:M/C:C/I:N/A:N", 5, &level, &f),
                     MEDSEC_OK);
    assert_int_equal(level, 0); /* 20 x 0.395 x 0.35 x 0.45 = 1.24 of 9.997 */
    assert_true(f > 0.124 && f < 0.125);
    assert_int_equal(medsec_risk_exploit_from_cvss("AV:N/AC:L/Au:X/C:P/I:P/A:P", 5, &level, NULL),
                     MEDSEC_EPARSE);

    assert_int_equal(
        medsec_risk_impact_from_cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:L", cia),
        MEDSEC_OK);
    assert_int_equal(cia[0], 0);
    assert_int_equal(cia[1], 2);
    assert_int_equal(cia[2], 1);
    assert_int_equal(medsec_risk_impact_from_cvss("AV:N/AC:L/Au:N/C:C/I:P/A:N", cia), MEDSEC_OK);
    assert_int_equal(cia[0], 2);
    assert_int_equal(cia[1], 1);
    assert_int_equal(cia[2], 0);
    /* v4: the higher of the vulnerable and the subsequent system */
    assert_int_equal(medsec_risk_impact_from_cvss(
                         "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:L/VI:N/VA:N/SC:N/SI:H/SA:N", cia),
                     MEDSEC_OK);
    assert_int_equal(cia[0], 1);
    assert_int_equal(cia[1], 2);
    assert_int_equal(cia[2], 0);
    assert_int_equal(medsec_risk_impact_from_cvss("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H", cia),
                     MEDSEC_EPARSE);
    assert_int_equal(medsec_risk_impact_from_cvss("AV:N/AC:L/Au:N/C:H/I:P/A:N", cia),
                     MEDSEC_EPARSE); /* v2 has no H */
    assert_int_equal(medsec_risk_impact_from_cvss(NULL, cia), MEDSEC_EPARSE);
}

/* A device whose pump controller carries an infusion command (integrity harm: catastrophic) and
 * keeps a log (confidentiality harm: minor). */
static const char finding_model[] =
    "medsec: 1\n"
    "device: {manufacturer: M, name: Pump, model: P-1, mdr_class: IIb, intended_purpose: Infusion.,\n"
    "         intended_users: [nurses], use_environments: [ward], current_version: 1.0.0}\n"
    "versions:\n"
    "  - {version: 1.0.0, release_date: 2025-01-15, support: full, end_of_support: 2030-12-31}\n"
    "clinical:\n"
    "  harm_scale:\n"
    "    - {id: minor, description: Minor.}\n"
    "    - {id: catastrophic, description: Death.}\n"
    "zones:\n"
    "  - {id: device, name: Device, trust: 80}\n"
    "  - {id: net, name: Network, trust: 10}\n"
    "items:\n"
    "  - {id: ctl, name: Controller, kind: firmware, element: process, zone: device, sbom: fw.json,\n"
    "     components: [fw/rtos]}\n"
    "  - {id: ui, name: UI, kind: application, element: process, zone: device, sbom: fw.json,\n"
    "     components: [fw/gui]}\n"
    "  - {id: log, name: Log, kind: database, element: data_store, zone: device, data: [logs]}\n"
    "  - {id: server, name: Server, kind: external_system, element: external_entity, zone: net}\n"
    "flows:\n"
    "  - {id: f-cmd, from: server, to: ctl, protocol: https, authenticated: true, encrypted: true}\n"
    "  - {id: f-log, from: ui, to: log, protocol: file, authenticated: false, encrypted: false}\n"
    "assets:\n"
    "  - {id: a-cmd, name: Command, functions: [therapy_delivery], carried_by: [f-cmd], integrity: catastrophic}\n"
    "  - {id: a-log, name: Log, functions: [clinical_workflow], stored_in: [log], carried_by: [f-log],\n"
    "     confidentiality: minor}\n"
    "risk_matrix:\n"
    "  exploitability:\n"
    "    - {id: low, description: Hard.}\n"
    "    - {id: high, description: Easy.}\n"
    "  rows:\n"
    "    - {exploitability: low, cells: [acceptable, tolerable]}\n"
    "    - {exploitability: high, cells: [acceptable, unacceptable]}\n";

static const struct medsec_risk_item *find_risk(const struct medsec_risk_register *r,
                                                const char *id)
{
    for (size_t i = 0; i < r->n; i++)
        if (!strcmp(r->items[i].spec.id, id))
            return &r->items[i];
    return NULL;
}

static void test_findings(void **state)
{
    (void)state;
    struct medsec_model *m = NULL;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    if (medsec_model_parse(finding_model, strlen(finding_model), "t.yaml", NULL, NULL, &m, &d,
                           &err) != MEDSEC_OK) {
        for (size_t i = 0; i < d.n; i++)
            print_error("%u:%u: %s\n", d.v[i].line, d.v[i].column, d.v[i].msg);
        fail();
    }
    medsec_diags_release(&d);
    struct medsec_risk_register reg;
    memset(&reg, 0, sizeof reg);
    assert_int_equal(medsec_risk_register_from_model(&reg, m, &err), MEDSEC_OK);
    const char *aliases[] = {"GHSA-xxxx-yyyy-zzzz"};
    const char *fixed[] = {"1.1", "2.0.3"};
    const struct medsec_risk_finding f[] = {
        /* integrity impact on the controller: the infusion command's catastrophic harm */
        {"CVE-2020-0001", aliases, 1, "fw.json", "fw/rtos", "rtos", "1.0",
         "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", false, -1, "overflow", fixed, 2},
        /* confidentiality only, on the UI: the log's minor harm; hard to exploit but in KEV */
        {"CVE-2020-0002", NULL, 0, "fw.json", "fw/gui", "gui", "2.0",
         "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:N/A:N", true, -1, NULL, NULL, 0},
        /* no vector: the middle level and every property */
        {"CVE-2020-0003", NULL, 0, "fw.json", "fw/rtos", "rtos", "1.0", NULL, false, 0.5, NULL,
         NULL, 0},
    };
    size_t assessed = 9;
    assert_int_equal(medsec_risk_add_findings(&reg, m, f, 3, 0, &assessed, &err), MEDSEC_OK);
    assert_int_equal(assessed, 0);
    assert_int_equal(reg.n, 3);
    /* the same findings again (a second SBOM of the release naming the same components): added once
     */
    assert_int_equal(medsec_risk_add_findings(&reg, m, f, 3, 0, NULL, &err), MEDSEC_OK);
    assert_int_equal(reg.n, 3);
    const struct medsec_risk_item *r1 = find_risk(&reg, "R-CVE-2020-0001@fw/rtos");
    assert_non_null(r1);
    assert_string_equal(r1->spec.element, "ctl");
    assert_string_equal(r1->spec.vulnerability_id, "CVE-2020-0001");
    assert_int_equal(r1->spec.exploitability, 1);
    assert_int_equal(r1->spec.severity, 1);
    assert_non_null(
        strstr(r1->spec.severity_basis, "integrity of asset a-cmd (CVSS impact: high)"));
    assert_false(r1->result.initial_acceptable);
    assert_string_equal(r1->spec.title, "CVE-2020-0001 in rtos 1.0: overflow");
    assert_int_equal(r1->spec.nsuggested, 1);
    assert_string_equal(r1->spec.suggested[0], "update rtos to 1.1, 2.0.3");
    const struct medsec_risk_item *r2 = find_risk(&reg, "R-CVE-2020-0002@fw/gui");
    assert_non_null(r2);
    assert_string_equal(r2->spec.element, "ui");
    assert_int_equal(r2->spec.exploitability, 1); /* KEV: the top level */
    assert_non_null(strstr(r2->spec.exploitability_basis, "in CISA KEV"));
    assert_int_equal(r2->spec.severity, 0);
    assert_non_null(strstr(r2->spec.severity_basis, "confidentiality of asset a-log"));
    const struct medsec_risk_item *r3 = find_risk(&reg, "R-CVE-2020-0003@fw/rtos");
    assert_non_null(r3);
    assert_int_equal(r3->spec.exploitability,
                     1); /* middle of two levels is the upper one, EPSS raises */
    assert_non_null(strstr(r3->spec.exploitability_basis, "no CVSS vector"));
    assert_int_equal(r3->spec.severity, 1);
    assert_non_null(strstr(r3->spec.severity_basis, "impact unknown"));
    /* the register is sorted worst first */
    assert_false(reg.items[0].result.residual_acceptable);
    medsec_risk_register_release(&reg);
    medsec_model_free(m);
}

/* Every vector of one shared file maps to a level inside the scale; the easiest ones to the top. */
static size_t shared_file(const char *name, const char *prefix)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/vectors/cvss/redhat/%s", MEDSEC_SHARED_DATA, name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    size_t n = 0, top = 0;
    while (fgets(line, sizeof line, f)) {
        char *sp = strchr(line, ' ');
        if (strncmp(line, prefix, strlen(prefix)) != 0 || !sp)
            continue;
        *sp = '\0';
        int level;
        double fr;
        if (medsec_risk_exploit_from_cvss(line, 5, &level, &fr) != MEDSEC_OK)
            fail_msg("%s: cannot map %s", name, line);
        assert_true(level >= 0 && level < 5);
        assert_true(fr > 0 && fr <= 1);
        if (strstr(line, "AV:N/AC:L/PR:N/UI:N") || strstr(line, "AV:N/AC:L/AT:N/PR:N/UI:N")) {
            assert_int_equal(level, 4);
            top++;
        }
        n++;
    }
    fclose(f);
    assert_true(top > 0);
    return n;
}

static void test_cvss_shared_vectors(void **state)
{
    (void)state;
    assert_true(shared_file("vectors_simple31", "CVSS:3.1/") > 1000);
    assert_true(shared_file("vectors_simple3", "CVSS:3.0/") > 1000);
    assert_true(shared_file("vectors_simple4", "CVSS:4.0/") > 1000);
}

static void test_register(void **state)
{
    (void)state;
    struct medsec_risk_register reg;
    struct medsec_error err;
    assert_int_equal(medsec_risk_register_init(&reg, &cfg, &err), MEDSEC_OK);
    char title[32] = "Bolus replay";
    const char *const haz[] = {"HAZ-OVERDOSE"};
    struct medsec_risk_control ctl[] = {{"C-TLS", "TLS", 2, 0, "mutual TLS", NULL, false}};
    struct medsec_risk_spec a = {.id = "R-a",
                                 .title = title,
                                 .stride = MEDSEC_STRIDE_TAMPERING,
                                 .exploitability = 4,
                                 .severity = 4,
                                 .safety_hazards = haz,
                                 .nsafety_hazards = 1};
    struct medsec_risk_spec b = {
        .id = "R-b", .title = "Log wiped", .exploitability = 1, .severity = 0};
    struct medsec_risk_spec c = {.id = "R-c",
                                 .title = "Mitigated",
                                 .exploitability = 4,
                                 .severity = 3,
                                 .controls = ctl,
                                 .ncontrols = 1};
    assert_int_equal(medsec_risk_register_add(&reg, &b, &err), MEDSEC_OK);
    assert_int_equal(medsec_risk_register_add(&reg, &c, &err), MEDSEC_OK);
    assert_int_equal(medsec_risk_register_add(&reg, &a, &err), MEDSEC_OK);
    strcpy(title, "changed"); /* the register holds copies */
    assert_int_equal(medsec_risk_register_add(&reg, &a, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "R-a used twice"));
    b.id = "R-bad";
    b.severity = 7;
    assert_int_equal(medsec_risk_register_add(&reg, &b, &err), MEDSEC_EINVAL);
    assert_int_equal(reg.n, 3);
    medsec_risk_register_sort(&reg);
    assert_string_equal(reg.items[0].spec.id, "R-a"); /* unacceptable first */
    assert_string_equal(reg.items[0].spec.title, "Bolus replay");
    assert_string_equal(reg.items[0].spec.safety_hazards[0], "HAZ-OVERDOSE");
    assert_string_equal(reg.items[1].spec.id,
                        "R-c"); /* (occasional, critical) = high, unacceptable */
    assert_false(reg.items[1].result.residual_acceptable);
    assert_string_equal(reg.items[1].spec.controls[0].rationale, "mutual TLS");
    assert_string_equal(reg.items[2].spec.id, "R-b");
    assert_int_equal(medsec_risk_register_unacceptable(&reg), 2);
    medsec_risk_register_release(&reg);
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "shared") == 0) {
        char path[1024];
        snprintf(path, sizeof path, "%s/vectors/cvss/redhat/vectors_simple31", MEDSEC_SHARED_DATA);
        FILE *f = fopen(path, "r");
        if (!f) {
            printf("skip: %s not found (shared test data absent)\n", path);
            return 77;
        }
        fclose(f);
        const struct CMUnitTest shared[] = {cmocka_unit_test(test_cvss_shared_vectors)};
        return cmocka_run_group_tests(shared, NULL, NULL);
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_check),
        cmocka_unit_test(test_matrix_lookup),
        cmocka_unit_test(test_assess_no_controls),
        cmocka_unit_test(test_control_moves_to_acceptable),
        cmocka_unit_test(test_reduction_floor),
        cmocka_unit_test(test_control_needs_rationale),
        cmocka_unit_test(test_level_out_of_range),
        cmocka_unit_test(test_unclosable_axis),
        cmocka_unit_test(test_rating_levels),
        cmocka_unit_test(test_kev_epss),
        cmocka_unit_test(test_cvss_v31),
        cmocka_unit_test(test_cvss_v40),
        cmocka_unit_test(test_cvss_errors),
        cmocka_unit_test(test_cvss_v2_and_impact),
        cmocka_unit_test(test_findings),
        cmocka_unit_test(test_register),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
