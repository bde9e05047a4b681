/* test_secmodel.c: from a security file to the element graph, threats and risk register (adapters).
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

#include "medsec/file.h"
#include "medsec/model.h"
#include "medsec/risk.h"
#include "medsec/threat.h"

/* A small pump: an app sends commands to the therapy core over BLE; the core stores a log. */
static const char device_yaml[] =
    "medsec: 1\n"
    "device:\n"
    "  manufacturer: Example\n  model: P1\n  name: Test pump\n  mdr_class: IIb\n"
    "  intended_purpose: test\n  intended_users: [nurse]\n  use_environments: [hospital]\n"
    "  current_version: '1.0'\n"
    "versions:\n"
    "  - {version: '1.0', release_date: 2026-01-01, support: full, end_of_support: 2031-01-01}\n"
    "clinical:\n"
    "  harm_scale:\n"
    "    - {id: negligible, description: n}\n"
    "    - {id: serious, description: s}\n"
    "    - {id: catastrophic, description: c}\n"
    "zones:\n"
    "  - {id: core, name: Pump core, trust: 90, access: internal}\n"
    "  - {id: radio, name: Radio range, trust: 10, access: adjacent}\n"
    "items:\n"
    "  - {id: ctl, name: Therapy control, kind: firmware, element: process, zone: core}\n"
    "  - {id: log, name: Event log, kind: firmware, element: data_store, zone: core, data: [logs]}\n"
    "  - {id: app, name: Remote app, kind: application, element: external_entity, zone: radio, type: system}\n"
    "interfaces:\n"
    "  - {id: ble, name: BLE, type: ble, item: ctl, zone: radio, authenticated: false, encrypted: false}\n"
    "flows:\n"
    "  - {id: cmd, name: Bolus command, from: app, to: ctl, via: ble, protocol: ble-gatt, purpose: command,\n"
    "     authenticated: false, encrypted: false}\n"
    "  - {id: ev, name: Events, from: ctl, to: log, protocol: internal, channel: ipc, authenticated: true,\n"
    "     encrypted: true}\n"
    "assets:\n"
    "  - {id: rate, name: Infusion rate, functions: [therapy_delivery], stored_in: [ctl], carried_by: [cmd],\n"
    "     integrity: catastrophic, availability: serious}\n"
    "controls:\n"
    "  - {id: C-LOG, name: Audit log, capabilities: [AUDT], applies_to: [core], status: implemented}\n"
    "  - {id: C-LIMIT, name: Hard dose limits, capabilities: [SAHD], applies_to: [rate, ctl],\n"
    "     stride: [tampering], status: verified, lowers: severity,\n"
    "     rationale: the pump refuses rates above the drug limit}\n"
    "  - {id: C-PAIR, name: Authenticated pairing, capabilities: [NAUT], applies_to: [ble, cmd], status: planned,\n"
    "     lowers: exploitability, rationale: only bonded phones}\n"
    "evidence:\n"
    "  - {id: EV-1, title: Limit tests, kind: test, result: pass, verifies: [C-LIMIT]}\n"
    "risk_matrix:\n"
    "  exploitability:\n"
    "    - {id: low, description: l, access: [local, physical, internal]}\n"
    "    - {id: medium, description: m, access: [adjacent]}\n"
    "    - {id: high, description: h, access: [remote, network]}\n"
    "  rows:\n"
    "    - {exploitability: low, cells: [acceptable, acceptable, tolerable]}\n"
    "    - {exploitability: medium, cells: [acceptable, tolerable, unacceptable]}\n"
    "    - {exploitability: high, cells: [acceptable, unacceptable, unacceptable]}\n"
    "hazards:\n"
    "  - {id: HAZ-OVER, title: Over-infusion, harm: catastrophic,\n"
    "     caused_by: [{asset: rate, property: integrity}]}\n"
    "threats:\n"
    "  - {id: TM-1, title: Forged bolus over BLE, elements: [cmd], stride: [tampering], exploitability: high,\n"
    "     assets: [rate], controls: [C-LIMIT]}\n";

struct fixture {
    struct medsec_model *m;
    struct medsec_tm_graph g;
    struct medsec_tm_catalog c;
    struct medsec_threat_list l;
    struct medsec_risk_register r;
};

static int setup(void **state)
{
    static struct fixture f;
    struct medsec_diags d = MEDSEC_DIAGS_INIT;
    struct medsec_error err;
    memset(&f, 0, sizeof f);
    medsec_err rc = medsec_model_parse(device_yaml, strlen(device_yaml), "device.yaml", NULL, NULL,
                                       &f.m, &d, &err);
    for (size_t i = 0; i < d.n; i++)
        fprintf(stderr, "%u:%u: %s\n", d.v[i].line, d.v[i].column, d.v[i].msg);
    medsec_diags_release(&d);
    if (rc)
        return -1;
    medsec_tm_graph_init(&f.g);
    medsec_tm_catalog_init(&f.c);
    medsec_threat_list_init(&f.l);
    if (medsec_tm_from_model(f.m, &f.g, &err) || medsec_tm_catalog_load_default(&f.c, &err) ||
        medsec_threats_generate(&f.g, &f.c, MEDSEC_TM_WITH_MITIGATED, &f.l, &err) ||
        medsec_threats_merge_model(&f.l, &f.g, f.m, &err) ||
        medsec_risk_register_from_model(&f.r, f.m, &err) ||
        medsec_risk_from_model(&f.r, f.m, &f.g, &f.l, NULL, &err)) {
        fprintf(stderr, "%s:%u:%u: %s\n", err.file, err.line, err.column, err.msg);
        return -1;
    }
    *state = &f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    medsec_risk_register_release(&f->r);
    medsec_threat_list_release(&f->l);
    medsec_tm_catalog_release(&f->c);
    medsec_tm_graph_release(&f->g);
    medsec_model_free(f->m);
    return 0;
}

static const struct medsec_threat *threat(const struct fixture *f, const char *rule,
                                          const char *element)
{
    char id[16];
    medsec_threat_id(rule, element, id);
    return medsec_threats_find(&f->l, id);
}

static const struct medsec_risk_item *risk_of(const struct fixture *f, const char *threat_id)
{
    for (size_t i = 0; i < f->r.n; i++)
        if (f->r.items[i].spec.threat_id && strcmp(f->r.items[i].spec.threat_id, threat_id) == 0)
            return &f->r.items[i];
    return NULL;
}

static void test_graph(void **state)
{
    struct fixture *f = *state;
    const struct medsec_tm_element *ctl = medsec_tm_find(&f->g, "ctl"),
                                   *log = medsec_tm_find(&f->g, "log");
    assert_int_equal(ctl->kind, MEDSEC_ELEMENT_PROCESS);
    assert_int_equal(log->kind, MEDSEC_ELEMENT_DATA_STORE);
    assert_int_equal(medsec_tm_find(&f->g, "app")->kind, MEDSEC_ELEMENT_EXTERNAL_ENTITY);
    assert_int_equal(medsec_tm_find(&f->g, "ble")->kind, MEDSEC_ELEMENT_INTERFACE);
    assert_string_equal(medsec_tm_find(&f->g, "ble")->zone, "radio");
    assert_true(
        medsec_tm_has_item(ctl, "clinical_functions", "therapy_delivery")); /* from the asset */
    assert_true(medsec_tm_has_item(ctl, "capabilities", "AUDT"));           /* zone control */
    assert_true(medsec_tm_has_item(ctl, "capabilities", "SAHD"));           /* asset control */
    assert_true(medsec_tm_has_item(medsec_tm_find(&f->g, "cmd"), "capabilities", "SAHD"));
    assert_false(
        medsec_tm_has_item(medsec_tm_find(&f->g, "cmd"), "capabilities", "NAUT")); /* planned */
    /* hazards are not inherited by elements: risks link them by what they reach */
    assert_false(medsec_tm_has_item(medsec_tm_find(&f->g, "cmd"), "hazards", "HAZ-OVER"));
    const struct medsec_tm_element *x = medsec_tm_find(&f->g, "radio->core");
    assert_non_null(x);
    assert_true(medsec_tm_attr_get(x, "to_trust_higher")->b);
}

static void test_threats(void **state)
{
    struct fixture *f = *state;
    const struct medsec_threat *t = threat(f, "flow-cleartext-disclosure", "cmd");
    assert_non_null(t);
    assert_int_equal(t->status, MEDSEC_TM_OPEN);
    assert_null(threat(f, "flow-cleartext-disclosure", "ev")); /* encrypted flow */
    t = threat(f, "process-repudiation", "ctl");
    assert_int_equal(t->status, MEDSEC_TM_MITIGATED); /* AUDT on the zone */
    t = threat(f, "process-therapy-dos", "ctl");
    assert_int_equal(t->status, MEDSEC_TM_REDUCED); /* SAHD (from C-LIMIT on ctl) downgrades */
    assert_int_equal(t->nmissing, 0);
    /* the radio link is wireless: the network-only rules fire on the BLE flow, not on the IPC one
     */
    assert_non_null(threat(f, "flow-spoofed-endpoint", "cmd"));
    assert_null(threat(f, "flow-spoofed-endpoint", "ev"));
    t = medsec_threats_find(&f->l, "TM-1");
    assert_true(t->manual);
    assert_int_equal(t->stride, MEDSEC_STRIDE_TAMPERING);
    assert_int_equal(t->rating, MEDSEC_TM_HIGH);
    assert_int_equal(t->nhazards, 0); /* the hazard states its cause; the register links them */
}

static void test_register_scales(void **state)
{
    struct fixture *f = *state;
    const struct medsec_risk_config *c = &f->r.config;
    assert_int_equal(c->nexploitability, 3);
    assert_string_equal(c->exploitability[2], "high");
    assert_int_equal(c->nseverity, 3);
    assert_string_equal(c->severity[0], "negligible");
    assert_string_equal(c->classes[medsec_risk_class_of(c, 1, 2)].name, "unacceptable");
    assert_string_equal(c->classes[medsec_risk_class_of(c, 0, 2)].name, "tolerable");
}

static void test_therapy_severity_and_hazard(void **state)
{
    struct fixture *f = *state;
    const struct medsec_risk_item *r = risk_of(f, "TM-1");
    assert_non_null(r);
    assert_string_equal(r->spec.id, "R-TM-1");
    assert_int_equal(r->result.initial_exploitability, 2); /* stated: high */
    assert_int_equal(r->result.initial_severity, 2);       /* catastrophic: integrity of the rate */
    assert_string_equal(r->spec.severity_basis, "integrity of rate -> catastrophic");
    assert_false(r->result.initial_acceptable);
    /* linked by its cause: loss of integrity of the rate */
    assert_int_equal(r->spec.nsafety_hazards, 1);
    assert_string_equal(r->spec.safety_hazards[0], "HAZ-OVER");
    /* C-LIMIT removes one severity level by design (verified by EV-1), with its rationale; it
     * names the rate, a cause of HAZ-OVER: a safety control of that hazard */
    assert_int_equal(r->spec.ncontrols, 1);
    assert_string_equal(r->spec.controls[0].id, "C-LIMIT");
    assert_int_equal(r->spec.controls[0].severity_reduction, 1);
    assert_int_equal(r->spec.controls[0].exploit_reduction, 0);
    assert_string_equal(r->spec.controls[0].rationale,
                        "the pump refuses rates above the drug limit");
    assert_string_equal(r->spec.controls[0].evidence, "EV-1");
    assert_string_equal(r->spec.controls[0].safety_hazard, "HAZ-OVER");
    assert_int_equal(r->result.residual_severity, 1);
    assert_non_null(
        strstr(r->spec.residual_severity_basis, "lowered from catastrophic by C-LIMIT"));
    /* nothing lowers the stated level: (high, serious) stays unacceptable; (low, serious) would do
     */
    assert_int_equal(r->result.residual_exploitability, 2);
    assert_false(r->result.residual_acceptable);
    assert_int_equal(r->result.close_by_exploitability, 2);
}

static void test_planned_control_suggested(void **state)
{
    struct fixture *f = *state;
    const struct medsec_threat *t = threat(f, "flow-spoofed-endpoint", "cmd");
    assert_non_null(t);
    const struct medsec_risk_item *r = risk_of(f, t->id);
    assert_non_null(r);
    bool planned = false;
    for (size_t i = 0; i < r->spec.nsuggested; i++)
        planned |= strcmp(r->spec.suggested[i], "planned control C-PAIR") == 0;
    assert_true(planned);
    /* the BLE flow is reached from radio range: adjacent -> medium */
    assert_int_equal(r->result.initial_exploitability, 1);
    assert_non_null(strstr(r->spec.exploitability_basis, "over flow cmd (wireless): adjacent"));
    /* spoofing the command flow commands the therapy core: the rate's integrity */
    assert_int_equal(r->result.initial_severity, 2);
    /* a disclosure threat on the command flow reaches no confidentiality harm: lowest severity */
    r = risk_of(f, threat(f, "flow-cleartext-disclosure", "cmd")->id);
    assert_int_equal(r->result.initial_severity, 0);
    assert_true(r->result.residual_acceptable);
}

static void test_silenced_threats(void **state)
{
    struct fixture *f = *state;
    /* silenced by a capability (AUDT from C-LOG): still a risk, the register credits controls
     * itself (C-LOG states nothing it lowers: not credited anywhere) */
    const struct medsec_risk_item *r = risk_of(f, threat(f, "process-repudiation", "ctl")->id);
    assert_non_null(r);
    assert_int_equal(r->result.initial_severity, 0); /* repudiation harms no asset by itself */
    size_t counted = 0;
    for (size_t i = 0; i < f->l.n; i++)
        counted += !f->l.v[i].by_design;
    assert_int_equal(f->r.n, counted);
}

/* ---- known vulnerabilities (need a folder: their rubric answers are files) ---- */

/* Rubric answers over BLE without authentication; @therapy is the therapy_delivery impact mapping.
 */
static char *answers(const char *therapy, const char *phi)
{
    char *a = malloc(1024);
    assert_non_null(a);
    snprintf(
        a, 1024,
        "attack_vector: {routed_network: no, adjacent_network: no, wireless: yes}\n"
        "attack_complexity: {specialized_conditions: no}\n"
        "privileges_required: {authentication_required: no}\n"
        "user_interaction: {user_action_required: no}\n"
        "scope: {impacts_other_components: no}\n"
        "impact:\n"
        "  phi: %s\n"
        "  diagnosis_monitoring: {confidentiality: none, integrity: none, availability: none}\n"
        "  therapy_delivery: %s\n"
        "  clinical_workflow: {confidentiality: none, integrity: none, availability: none}\n"
        "  secrets: {confidentiality: none, integrity: none, availability: none}\n",
        phi, therapy);
    return a;
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    struct medsec_error err;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    assert_int_equal(medsec_file_write_atomic(path, text, strlen(text), &err), MEDSEC_OK);
}

static const char vulns_yaml[] =
    "vulnerabilities:\n"
    "  - {id: CVE-2024-0001, title: Bolus parser overflow, components: [ctl], rubric: therapy.yaml,\n"
    "     rationale: the BLE command parser of the therapy core overflows, controls: [C-LIMIT]}\n"
    "  - {id: CVE-2024-0002, components: [ctl], rubric: phi.yaml, rationale: leaks a name,\n"
    "     status: under_investigation}\n"
    "  - {id: CVE-2024-0003, components: [ctl], rubric: phi.yaml, rationale: not built in, status: not_affected}\n"
    "  - {id: CVE-2024-0004, components: [ctl], rubric: phi.yaml, rationale: patched in 1.0, status: fixed}\n";

static void test_vulnerability_risks(void **state)
{
    (void)state;
    char dir[] = "/tmp/medsec-test-secmodel-XXXXXX";
    assert_non_null(mkdtemp(dir));
    size_t n = sizeof device_yaml + sizeof vulns_yaml;
    char *text = malloc(n);
    assert_non_null(text);
    snprintf(text, n, "%s%s", device_yaml, vulns_yaml);
    write_file(dir, "device.yaml", text);
    char *therapy = answers("{confidentiality: none, integrity: high, availability: none}",
                            "{confidentiality: none, integrity: none, availability: none}");
    char *phi = answers("{confidentiality: none, integrity: none, availability: none}",
                        "{confidentiality: high, integrity: none, availability: none}");
    write_file(dir, "therapy.yaml", therapy);
    write_file(dir, "phi.yaml", phi);

    struct fixture f;
    memset(&f, 0, sizeof f);
    struct medsec_error err;
    assert_int_equal(medsec_model_load(dir, NULL, &f.m, NULL, &err), MEDSEC_OK);
    medsec_tm_graph_init(&f.g);
    medsec_tm_catalog_init(&f.c);
    medsec_threat_list_init(&f.l);
    assert_int_equal(medsec_tm_from_model(f.m, &f.g, &err), MEDSEC_OK);
    assert_int_equal(medsec_tm_catalog_load_default(&f.c, &err), MEDSEC_OK);
    assert_int_equal(medsec_threats_generate(&f.g, &f.c, 0, &f.l, &err), MEDSEC_OK);
    assert_int_equal(medsec_threats_merge_model(&f.l, &f.g, f.m, &err), MEDSEC_OK);
    assert_int_equal(medsec_risk_register_from_model(&f.r, f.m, &err), MEDSEC_OK);
    assert_int_equal(medsec_risk_from_model(&f.r, f.m, &f.g, &f.l, NULL, &err), MEDSEC_OK);

    const struct medsec_risk_item *r1 = NULL, *r2 = NULL;
    size_t nv = 0;
    for (size_t i = 0; i < f.r.n; i++) {
        const struct medsec_risk_spec *sp = &f.r.items[i].spec;
        if (!sp->vulnerability_id)
            continue;
        nv++;
        assert_null(sp->threat_id);
        if (!strcmp(sp->vulnerability_id, "CVE-2024-0001"))
            r1 = &f.r.items[i];
        if (!strcmp(sp->vulnerability_id, "CVE-2024-0002"))
            r2 = &f.r.items[i];
    }
    assert_int_equal(nv, 2); /* not_affected and fixed ones are left out */
    assert_non_null(r1);
    assert_string_equal(r1->spec.id, "R-CVE-2024-0001");
    assert_string_equal(r1->spec.title, "Bolus parser overflow");
    assert_string_equal(r1->spec.element, "ctl");
    assert_int_equal(r1->spec.stride, MEDSEC_STRIDE_NONE);
    /* ways in to ctl: its BLE interface and the BLE flow (adjacent -> medium); AV:A allows that */
    assert_int_equal(r1->result.initial_exploitability, 1);
    assert_non_null(strstr(r1->spec.exploitability_basis,
                           "the manufacturer's assessment (MITRE rubric therapy.yaml): "
                           "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:N"));
    assert_non_null(strstr(r1->spec.exploitability_basis, "adjacent access -> medium"));
    /* integrity high in the therapy core: it acts as the attacker says; the rate's integrity is
     * catastrophic, and C-LIMIT, enforced by that core, does not hold once it is compromised */
    assert_int_equal(r1->result.initial_severity, 2);
    assert_string_equal(r1->spec.severity_basis, "integrity of rate -> catastrophic");
    assert_int_equal(r1->result.residual_severity, 2);
    assert_false(r1->result.residual_acceptable); /* (medium, catastrophic) */
    /* C-PAIR (planned) applies to the BLE way in: suggested */
    bool planned = false;
    for (size_t i = 0; i < r1->spec.nsuggested; i++)
        planned |= strcmp(r1->spec.suggested[i], "planned control C-PAIR") == 0;
    assert_true(planned);

    /* PHI confidentiality only: the core holds no asset with a confidentiality harm -> lowest */
    assert_non_null(r2);
    assert_string_equal(r2->spec.title, "Known vulnerability CVE-2024-0002 in ctl");
    assert_int_equal(r2->result.initial_severity, 0);
    assert_non_null(strstr(r2->spec.severity_basis, "state no harm for the properties"));
    assert_true(r2->result.initial_acceptable);

    medsec_risk_register_release(&f.r);
    medsec_threat_list_release(&f.l);
    medsec_tm_catalog_release(&f.c);
    medsec_tm_graph_release(&f.g);
    medsec_model_free(f.m);

    /* the same file read without its folder: the answers were never loaded, so no register */
    struct medsec_model *m = NULL;
    assert_int_equal(
        medsec_model_parse(text, strlen(text), "device.yaml", NULL, NULL, &m, NULL, &err),
        MEDSEC_OK);
    struct medsec_risk_register reg;
    struct medsec_tm_graph g;
    struct medsec_threat_list l;
    medsec_tm_graph_init(&g);
    medsec_threat_list_init(&l);
    assert_int_equal(medsec_tm_from_model(m, &g, &err), MEDSEC_OK);
    assert_int_equal(medsec_risk_register_from_model(&reg, m, &err), MEDSEC_OK);
    assert_int_equal(medsec_risk_from_model(&reg, m, &g, &l, NULL, &err), MEDSEC_EINVAL);
    assert_non_null(
        strstr(err.msg, "vulnerability CVE-2024-0001: its rubric answers were not loaded"));
    medsec_risk_register_release(&reg);
    medsec_threat_list_release(&l);
    medsec_tm_graph_release(&g);
    medsec_model_free(m);

    static const char *const files[] = {"device.yaml", "therapy.yaml", "phi.yaml"};
    for (size_t i = 0; i < 3; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", dir, files[i]);
        assert_int_equal(remove(path), 0);
    }
    assert_int_equal(rmdir(dir), 0);
    free(therapy);
    free(phi);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_graph),
        cmocka_unit_test(test_threats),
        cmocka_unit_test(test_register_scales),
        cmocka_unit_test(test_therapy_severity_and_hazard),
        cmocka_unit_test(test_planned_control_suggested),
        cmocka_unit_test(test_silenced_threats),
        cmocka_unit_test(test_vulnerability_risks),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
