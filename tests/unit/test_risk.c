/* test_risk.c: acceptance matrix, control reductions (no stacking), residual severity, gap to
 * close, KEV/EPSS, what a CVSS vector needs, findings on a small device, the register. */
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
    struct medsec_risk_input in = {.id = "R1", .exploitability = 4, .severity = 3};
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
        {.id = "C-TLS",
         .name = "TLS with mutual auth",
         .exploit_reduction = 2,
         .rationale = "removes the remote unauthenticated path"},
        {.id = "C-LIMIT",
         .name = "dose limits",
         .severity_reduction = 1,
         .rationale = "hard limits cap the over-infusion",
         .safety_hazard = "HAZ-OVERDOSE"},
    };
    struct medsec_risk_input in = {
        .id = "R2", .exploitability = 4, .severity = 3, .controls = ctl, .ncontrols = 2};
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

/* Several controls do not add up: the largest reduction counts (docs/risk.md, "Controls"). */
static void test_no_stacking(void **state)
{
    (void)state;
    struct medsec_risk_control ctl[] = {
        {.id = "C-1", .exploit_reduction = 2, .rationale = "a"},
        {.id = "C-2", .exploit_reduction = 1, .severity_reduction = 1, .rationale = "b"},
        {.id = "C-3", .exploit_reduction = 1, .severity_reduction = 1, .rationale = "c"},
    };
    struct medsec_risk_input in = {
        .id = "R", .exploitability = 4, .severity = 4, .controls = ctl, .ncontrols = 3};
    struct medsec_risk_result r;
    struct medsec_error err;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_OK);
    assert_int_equal(r.residual_exploitability, 2);
    assert_int_equal(r.residual_severity, 3);
    /* a residual severity the caller worked out per asset wins over the controls' own figures */
    in.has_residual_severity = true;
    in.residual_severity = 1;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_OK);
    assert_int_equal(r.residual_severity, 1);
    /* but it may never be above the initial one: a control never raises a risk */
    in.residual_severity = 5;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_EINVAL);
    in.severity = 2;
    in.residual_severity = 3;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_EINVAL);
}

static void test_reduction_floor(void **state)
{
    (void)state;
    struct medsec_risk_control ctl[] = {
        {.id = "C", .exploit_reduction = 9, .severity_reduction = 9, .rationale = "strong"}};
    struct medsec_risk_input in = {
        .id = "R", .exploitability = 1, .severity = 1, .controls = ctl, .ncontrols = 1};
    struct medsec_risk_result r;
    struct medsec_error err;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_OK);
    assert_int_equal(r.residual_exploitability, 0);
    assert_int_equal(r.residual_severity, 0);
}

static void test_control_needs_rationale(void **state)
{
    (void)state;
    struct medsec_risk_control ctl[] = {{.id = "C-X", .exploit_reduction = 1}};
    struct medsec_risk_input in = {
        .id = "R3", .exploitability = 2, .severity = 2, .controls = ctl, .ncontrols = 1};
    struct medsec_risk_result r;
    struct medsec_error err;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "C-X reduces the risk without a rationale"));
    ctl[0].exploit_reduction = -1;
    ctl[0].rationale = "x";
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_EINVAL);
    struct medsec_risk_control none[] = {{.id = "C-0"}}; /* no claim, no rationale needed */
    in.controls = none;
    assert_int_equal(medsec_risk_assess(&cfg, &in, &r, &err), MEDSEC_OK);
}

static void test_level_out_of_range(void **state)
{
    (void)state;
    struct medsec_risk_input in = {.id = "R4", .exploitability = 5};
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
    struct medsec_risk_input in = {.id = "R5", .exploitability = 2, .severity = 4};
    struct medsec_risk_result r;
    struct medsec_error err;
    assert_int_equal(medsec_risk_assess(&c, &in, &r, &err), MEDSEC_OK);
    assert_int_equal(r.close_by_exploitability, -1);
    assert_int_equal(r.close_by_severity,
                     2); /* (occasional, serious) = M; (occasional, critical) = H */
}

static void test_kev_epss(void **state)
{
    (void)state;
    /* KEV: one level above the higher of the level and the architecture's ceiling */
    assert_int_equal(medsec_risk_exploit_raise(1, 1, 5, true, -1, 0), 2);
    assert_int_equal(medsec_risk_exploit_raise(0, 3, 5, true, -1, 0), 4);
    assert_int_equal(medsec_risk_exploit_raise(4, 4, 5, true, -1, 0), 4); /* stays on the scale */
    assert_int_equal(medsec_risk_exploit_raise(1, 1, 5, false, 0.1, 0),
                     2); /* at the default threshold */
    assert_int_equal(medsec_risk_exploit_raise(1, 4, 5, false, 0.0999, 0), 1);
    assert_int_equal(medsec_risk_exploit_raise(1, 1, 5, false, 0.3, 0.5),
                     1); /* configured threshold */
    assert_int_equal(medsec_risk_exploit_raise(4, 4, 5, false, 0.9, 0), 4);
    assert_int_equal(medsec_risk_exploit_raise(2, 2, 5, false, -1, 0), 2); /* unknown EPSS */
}

static void test_cvss_needs(void **state)
{
    (void)state;
    struct medsec_risk_cvss_needs n;
    assert_int_equal(medsec_risk_cvss_needs("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", &n),
                     MEDSEC_OK);
    assert_int_equal(n.position, MEDSEC_ACCESS_NETWORK);
    assert_false(n.privileges || n.interaction || n.complex);
    assert_int_equal(medsec_risk_cvss_needs("CVSS:3.0/AV:P/AC:H/PR:H/UI:R/S:U/C:H/I:N/A:N", &n),
                     MEDSEC_OK);
    assert_int_equal(n.position, MEDSEC_ACCESS_PHYSICAL);
    assert_true(n.privileges && n.interaction && n.complex);
    assert_int_equal(medsec_risk_cvss_needs("CVSS:3.1/AV:A/AC:L/PR:L/UI:N/S:C/C:H/I:H/A:H", &n),
                     MEDSEC_OK);
    assert_int_equal(n.position, MEDSEC_ACCESS_ADJACENT);
    assert_true(n.privileges);
    assert_false(n.interaction);
    /* v4: AT:P is complexity, UI:P and UI:A are interaction */
    assert_int_equal(medsec_risk_cvss_needs(
                         "CVSS:4.0/AV:L/AC:L/AT:P/PR:N/UI:A/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", &n),
                     MEDSEC_OK);
    assert_int_equal(n.position, MEDSEC_ACCESS_LOCAL);
    assert_true(n.complex && n.interaction);
    assert_false(n.privileges);
    /* v2: Au is privileges; no UI */
    assert_int_equal(medsec_risk_cvss_needs("AV:N/AC:L/Au:S/C:P/I:P/A:P/E:POC/RL:OF", &n),
                     MEDSEC_OK);
    assert_int_equal(n.position, MEDSEC_ACCESS_NETWORK);
    assert_true(n.privileges);
    assert_false(n.interaction);
    /* errors */
    assert_int_equal(medsec_risk_cvss_needs("CVSS:3.1/AV:N/AC:L/PR:N/S:U/C:H/I:H/A:H", &n),
                     MEDSEC_EPARSE); /* no UI */
    assert_int_equal(medsec_risk_cvss_needs("CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U", &n), MEDSEC_EPARSE);
    assert_int_equal(medsec_risk_cvss_needs("CVSS:3.1/AV:N/AV:N/AC:L/PR:N/UI:N/S:U", &n),
                     MEDSEC_EPARSE);
    assert_int_equal(medsec_risk_cvss_needs("CVSS:4.0/AV:N/AC:L/PR:N/UI:N", &n),
                     MEDSEC_EPARSE); /* v4 without AT */
    assert_int_equal(medsec_risk_cvss_needs("AV:P/AC:L/Au:N/C:P/I:P/A:P", &n),
                     MEDSEC_EPARSE); /* v2 has no AV:P */
    assert_int_equal(medsec_risk_cvss_needs("", &n), MEDSEC_EPARSE);
    assert_int_equal(medsec_risk_cvss_needs(NULL, &n), MEDSEC_EPARSE);
}

static void test_cvss_impact(void **state)
{
    (void)state;
    int cia[3];
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

/* A device whose pump controller gets infusion commands from a server on the network (integrity
 * harm: catastrophic) and whose UI, inside the device, keeps a log (confidentiality harm: minor).
 * The scale states no positions, so they spread over it: remote, network and adjacent are high. */
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
    "  - {id: device, name: Device, trust: 80, access: internal}\n"
    "  - {id: net, name: Network, trust: 10, access: network}\n"
    "items:\n"
    "  - {id: ctl, name: Controller, kind: firmware, element: process, zone: device, sbom: fw.json,\n"
    "     components: [fw/rtos]}\n"
    "  - {id: ui, name: UI, kind: application, element: process, zone: device, sbom: fw.json,\n"
    "     components: [fw/gui]}\n"
    "  - {id: log, name: Log, kind: database, element: data_store, zone: device, data: [logs]}\n"
    "  - {id: server, name: Server, kind: external_system, element: external_entity, zone: net}\n"
    "flows:\n"
    "  - {id: f-cmd, from: server, to: ctl, protocol: https, purpose: therapy, channel: network,\n"
    "     authenticated: true, encrypted: true}\n"
    "  - {id: f-log, from: ui, to: log, protocol: file, channel: ipc, authenticated: false,\n"
    "     encrypted: false}\n"
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

/* A security file from text; the test fails with its diagnostics when it does not load. */
static struct medsec_model *parse_model(const char *text)
{
    struct medsec_model *m = NULL;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    if (medsec_model_parse(text, strlen(text), "t.yaml", NULL, NULL, &m, &d, &err) != MEDSEC_OK) {
        for (size_t i = 0; i < d.n; i++)
            print_error("%u:%u: %s\n", d.v[i].line, d.v[i].column, d.v[i].msg);
        fail();
    }
    medsec_diags_release(&d);
    return m;
}

static void test_findings(void **state)
{
    (void)state;
    struct medsec_model *m = parse_model(finding_model);
    struct medsec_error err;
    struct medsec_risk_register reg;
    memset(&reg, 0, sizeof reg);
    assert_int_equal(medsec_risk_register_from_model(&reg, m, &err), MEDSEC_OK);
    const char *aliases[] = {"GHSA-xxxx-yyyy-zzzz"};
    const char *fixed[] = {"1.1", "2.0.3"};
    const struct medsec_risk_finding f[] = {
        /* integrity impact on the controller: it acts as the attacker says, so the infusion
         * command's catastrophic harm; the controller is reached from the network */
        {"CVE-2020-0001", aliases, 1, "fw.json", "fw/rtos", "rtos", "1.0",
         "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N", false, -1, "overflow", fixed, 2},
        /* confidentiality only, on the UI inside the device: the log's minor harm; the lowest
         * level, but in KEV: one above */
        {"CVE-2020-0002", NULL, 0, "fw.json", "fw/gui", "gui", "2.0",
         "CVSS:3.1/AV:L/AC:H/PR:H/UI:R/S:U/C:H/I:N/A:N", true, -1, NULL, NULL, 0},
        /* no vector: the architecture's level and every property */
        {"CVE-2020-0003", NULL, 0, "fw.json", "fw/rtos", "rtos", "1.0", NULL, false, 0.5, NULL,
         NULL, 0},
        /* a physical attack vector on the network-facing controller: the vector's position wins */
        {"CVE-2020-0004", NULL, 0, "fw.json", "fw/rtos", "rtos", "1.0",
         "CVSS:3.1/AV:P/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", false, -1, NULL, NULL, 0},
    };
    size_t assessed = 9;
    assert_int_equal(medsec_risk_add_findings(&reg, m, f, 4, 0, &assessed, NULL, &err), MEDSEC_OK);
    assert_int_equal(assessed, 0);
    assert_int_equal(reg.n, 4);
    /* the same findings again (a second SBOM of the release naming the same components): added once
     */
    assert_int_equal(medsec_risk_add_findings(&reg, m, f, 4, 0, NULL, NULL, &err), MEDSEC_OK);
    assert_int_equal(reg.n, 4);
    const struct medsec_risk_item *r1 = medsec_risk_register_find(&reg, "R-CVE-2020-0001@fw/rtos");
    assert_non_null(r1);
    assert_string_equal(r1->spec.element, "ctl");
    assert_string_equal(r1->spec.vulnerability_id, "CVE-2020-0001");
    assert_int_equal(r1->spec.exploitability, 1);
    assert_non_null(strstr(r1->spec.exploitability_basis,
                           "ways in: over flow f-cmd (network): network access -> high"));
    assert_int_equal(r1->spec.severity, 1);
    assert_string_equal(r1->spec.severity_basis, "integrity of a-cmd -> catastrophic");
    assert_false(r1->result.initial_acceptable);
    assert_string_equal(r1->spec.title, "CVE-2020-0001 in rtos 1.0: overflow");
    assert_int_equal(r1->spec.nsuggested, 1);
    assert_string_equal(r1->spec.suggested[0], "update rtos to 1.1, 2.0.3");
    const struct medsec_risk_item *r2 = medsec_risk_register_find(&reg, "R-CVE-2020-0002@fw/gui");
    assert_non_null(r2);
    assert_string_equal(r2->spec.element, "ui");
    assert_int_equal(r2->spec.exploitability, 1);
    assert_non_null(strstr(r2->spec.exploitability_basis, "in CISA KEV"));
    assert_int_equal(r2->spec.severity, 0);
    assert_non_null(strstr(r2->spec.severity_basis, "confidentiality of a-log -> minor"));
    const struct medsec_risk_item *r3 = medsec_risk_register_find(&reg, "R-CVE-2020-0003@fw/rtos");
    assert_non_null(r3);
    assert_int_equal(r3->spec.exploitability, 1);
    assert_non_null(strstr(r3->spec.exploitability_basis, "no CVSS vector"));
    assert_int_equal(r3->spec.severity, 1);
    assert_non_null(strstr(r3->spec.severity_basis, "impact unknown"));
    const struct medsec_risk_item *r4 = medsec_risk_register_find(&reg, "R-CVE-2020-0004@fw/rtos");
    assert_non_null(r4);
    assert_int_equal(r4->spec.exploitability, 0);
    assert_non_null(strstr(r4->spec.exploitability_basis,
                           "the CVSS attack vector needs physical access: at most low"));
    assert_int_equal(r4->spec.severity, 0); /* the command states no availability harm */
    /* the register is sorted worst first */
    assert_false(reg.items[0].result.residual_acceptable);
    medsec_risk_register_release(&reg);
    medsec_model_free(m);
}

/* Where content comes from (medsec_risk_finding_contexts): a gateway on the network passes data on
 * to a parser (the same asset, relayed); the parser commands a microcontroller over an on-board bus
 * (another asset: nothing is passed on); both the gateway and the parser run on an OS. */
static const char context_model[] =
    "medsec: 1\n"
    "device: {manufacturer: M, name: Pump, model: P-1, mdr_class: IIb, intended_purpose: Infusion.,\n"
    "         intended_users: [nurses], use_environments: [ward], current_version: 1.0.0}\n"
    "versions:\n"
    "  - {version: 1.0.0, release_date: 2025-01-15, support: full, end_of_support: 2030-12-31}\n"
    "clinical:\n"
    "  harm_scale:\n"
    "    - {id: negligible, description: None.}\n"
    "    - {id: minor, description: Minor.}\n"
    "    - {id: catastrophic, description: Death.}\n"
    "zones:\n"
    "  - {id: device, name: Device, trust: 80, access: internal}\n"
    "  - {id: net, name: Network, trust: 10, access: network}\n"
    "items:\n"
    "  - {id: os, name: OS, kind: operating_system, element: process, zone: device, sbom: fw.json,\n"
    "     components: [fw/linux]}\n"
    "  - {id: gw, name: Gateway, kind: service, element: process, zone: device, runs_on: os,\n"
    "     sbom: fw.json, components: [fw/tls]}\n"
    "  - {id: parser, name: Parser, kind: application, element: process, zone: device, runs_on: os,\n"
    "     sbom: fw.json, components: [fw/xml]}\n"
    "  - {id: mcu, name: MCU, kind: firmware, element: process, zone: device, sbom: fw.json,\n"
    "     components: [fw/lwip, fw/xml2]}\n"
    "  - {id: server, name: Server, kind: external_system, element: external_entity, zone: net}\n"
    "interfaces:\n"
    "  - {id: eth, name: Ethernet, type: ethernet, item: gw, zone: net, authenticated: false}\n"
    "flows:\n"
    "  - {id: f-data, from: server, to: gw, via: eth, protocol: https, purpose: configuration,\n"
    "     channel: network, authenticated: true, encrypted: true}\n"
    "  - {id: f-relay, from: gw, to: parser, protocol: ipc, purpose: configuration, channel: ipc,\n"
    "     authenticated: false, encrypted: false}\n"
    "  - {id: f-bus, from: parser, to: mcu, protocol: uart, purpose: therapy, channel: onboard_bus,\n"
    "     authenticated: true, encrypted: false}\n"
    "assets:\n"
    "  - {id: a-data, name: Data, functions: [clinical_workflow], carried_by: [f-data, f-relay],\n"
    "     integrity: minor}\n"
    "  - {id: a-cmd, name: Command, functions: [therapy_delivery], carried_by: [f-bus],\n"
    "     integrity: catastrophic, availability: minor}\n"
    "risk_matrix:\n"
    "  exploitability:\n"
    "    - {id: low, description: Hard.}\n"
    "    - {id: high, description: Easy.}\n"
    "  rows:\n"
    "    - {exploitability: low, cells: [acceptable, acceptable, tolerable]}\n"
    "    - {exploitability: high, cells: [acceptable, tolerable, unacceptable]}\n";

static void test_finding_contexts(void **state)
{
    (void)state;
    struct medsec_model *m = parse_model(context_model);
    struct medsec_error err;
    static const char net_i[] = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N";
    const struct medsec_risk_finding f[] = {
        {"CVE-1", NULL, 0, "fw.json", "fw/xml", "expat", "1", net_i, false, -1, NULL, NULL, 0},
        {"CVE-2", NULL, 0, "fw.json", "fw/lwip", "lwip", "1", net_i, false, -1, NULL, NULL, 0},
        {"CVE-3", NULL, 0, "fw.json", "fw/xml2", "expat", "1", net_i, false, -1, NULL, NULL, 0},
        {"CVE-4", NULL, 0, "fw.json", "fw/linux", "linux", "1", net_i, false, -1, NULL, NULL, 0},
        {"CVE-5", NULL, 0, "other.json", "x/none", "none", "1", net_i, false, -1, NULL, NULL, 0},
        {"CVE-6", NULL, 0, "fw.json", "fw/xml", "expat", "1",
         "CVSS:3.1/AV:L/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", false, -1, NULL, NULL, 0},
        {"CVE-7", NULL, 0, "fw.json", "fw/tls", "openssl", "1", net_i, false, -1, NULL, NULL, 0},
    };
    struct medsec_risk_context c[7];
    assert_int_equal(medsec_risk_finding_contexts(m, f, 7, c, &err), MEDSEC_OK);
    /* content the gateway received on the network is passed on to the parser: network access;
     * every way in within it authenticates the sender (the flow does, whatever the port) */
    assert_true(c[0].placed);
    assert_string_equal(c[0].items, "parser");
    assert_false(c[0].protocol);
    assert_int_equal(c[0].position, MEDSEC_ACCESS_NETWORK);
    assert_int_equal(c[0].modified_position, MEDSEC_ACCESS_NETWORK);
    assert_non_null(strstr(c[0].position_why, "over flow f-data"));
    assert_non_null(strstr(c[0].position_why, "passed on by gw"));
    assert_true(c[0].authenticated);
    assert_false(c[0].hosted);
    /* what the parser commands: the catastrophic command, and that loss leads to no hazard here */
    assert_int_equal(c[0].harm[MEDSEC_PROP_INTEGRITY], 2);
    assert_int_equal(c[0].harm[MEDSEC_PROP_CONFIDENTIALITY], -1);
    /* a network stack on the MCU: its flaws need the channel, and only the bus reaches it */
    assert_true(c[1].protocol);
    assert_int_equal(c[1].position, MEDSEC_ACCESS_INTERNAL);
    assert_int_equal(c[1].modified_position, MEDSEC_ACCESS_INTERNAL);
    /* a parser on the MCU: the bus carries commands, not what came from the network */
    assert_false(c[2].protocol);
    assert_int_equal(c[2].position, MEDSEC_ACCESS_INTERNAL);
    /* the OS handles what its applications receive: the gateway's network port, unauthenticated,
     * and a way in of a hosted item */
    assert_int_equal(c[3].position, MEDSEC_ACCESS_NETWORK);
    assert_true(c[3].hosted);
    assert_false(c[3].authenticated);
    assert_non_null(strstr(c[3].auth_why, "interface eth"));
    /* a component on no item */
    assert_false(c[4].placed);
    /* a local attack vector is kept: never less restrictive than the advisory's */
    assert_int_equal(c[5].vector_position, MEDSEC_ACCESS_LOCAL);
    assert_int_equal(c[5].modified_position, MEDSEC_ACCESS_LOCAL);
    assert_int_equal(c[5].position, MEDSEC_ACCESS_NETWORK);
    /* TLS on the gateway: a protocol implementation, exposed on the open port */
    assert_true(c[6].protocol);
    assert_int_equal(c[6].position, MEDSEC_ACCESS_NETWORK);
    assert_false(c[6].authenticated);
    /* a security file without a risk matrix: an error that says so */
    struct medsec_model *bare = NULL;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    const char *cut = strstr(context_model, "risk_matrix:");
    assert_int_equal(medsec_model_parse(context_model, (size_t)(cut - context_model), "t.yaml",
                                        NULL, NULL, &bare, &d, &err),
                     MEDSEC_OK);
    medsec_diags_release(&d);
    assert_int_equal(medsec_risk_finding_contexts(bare, f, 1, c, &err), MEDSEC_EINVAL);
    assert_non_null(strstr(err.msg, "risk_matrix"));
    medsec_model_free(bare);
    medsec_model_free(m);
}

/* Every vector of one shared file says what it needs; the attack vector as written. */
static size_t shared_file(const char *name, const char *prefix)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/vectors/cvss/redhat/%s", MEDSEC_SHARED_DATA, name);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char line[512];
    size_t n = 0;
    static const char *const av[] = {"/AV:N/", "/AV:A/", "/AV:L/", "/AV:P/"};
    static const enum medsec_access pos[] = {MEDSEC_ACCESS_NETWORK, MEDSEC_ACCESS_ADJACENT,
                                             MEDSEC_ACCESS_LOCAL, MEDSEC_ACCESS_PHYSICAL};
    while (fgets(line, sizeof line, f)) {
        char *sp = strchr(line, ' ');
        if (strncmp(line, prefix, strlen(prefix)) != 0 || !sp)
            continue;
        *sp = '\0';
        struct medsec_risk_cvss_needs need;
        if (medsec_risk_cvss_needs(line, &need) != MEDSEC_OK)
            fail_msg("%s: cannot read %s", name, line);
        for (int k = 0; k < 4; k++)
            if (strstr(line, av[k]))
                assert_int_equal(need.position, pos[k]);
        assert_int_equal(need.privileges, strstr(line, "/PR:N/") == NULL);
        assert_int_equal(need.interaction, strstr(line, "/UI:N") == NULL);
        n++;
    }
    fclose(f);
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
    struct medsec_risk_control ctl[] = {
        {.id = "C-TLS", .name = "TLS", .exploit_reduction = 2, .rationale = "mutual TLS"}};
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
    assert_int_equal(medsec_risk_register_unjustified(&reg), 2);
    assert_ptr_equal(medsec_risk_register_find(&reg, "R-c"), &reg.items[1]);
    assert_null(medsec_risk_register_find(&reg, "R-x"));
    /* a justified residual risk is still unacceptable, but no longer unjustified */
    struct medsec_risk_spec d = {.id = "R-d",
                                 .title = "Accepted",
                                 .exploitability = 4,
                                 .severity = 4,
                                 .accepted_by = "J. Doe, head of R&D",
                                 .accepted_on = "2026-01-02",
                                 .acceptance_rationale = "benefit outweighs"};
    assert_int_equal(medsec_risk_register_add(&reg, &d, &err), MEDSEC_OK);
    assert_int_equal(medsec_risk_register_unacceptable(&reg), 3);
    assert_int_equal(medsec_risk_register_unjustified(&reg), 2);
    assert_true(medsec_risk_register_find(&reg, "R-d")->result.justified);
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
        cmocka_unit_test(test_no_stacking),
        cmocka_unit_test(test_reduction_floor),
        cmocka_unit_test(test_control_needs_rationale),
        cmocka_unit_test(test_level_out_of_range),
        cmocka_unit_test(test_unclosable_axis),
        cmocka_unit_test(test_kev_epss),
        cmocka_unit_test(test_cvss_needs),
        cmocka_unit_test(test_cvss_impact),
        cmocka_unit_test(test_findings),
        cmocka_unit_test(test_finding_contexts),
        cmocka_unit_test(test_register),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
