/* schema.c: the table of device.yaml (keys, types, required, references) and its JSON Schema. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "medsec/alloc.h"
#include "medsec/buf.h"
#include "medsec/json.h"
#include "schema.h"

#define K(kind) (1u << MEDSEC_MK_##kind)
#define ARR(a) a, sizeof a / sizeof a[0]

/* ---- value lists ---- */
static const char *const v_mdr_class[] = {"I", "Is", "Im", "Ir", "IIa", "IIb", "III", NULL};
static const char *const v_fda_class[] = {"I", "II", "III", NULL};
static const char *const v_sw_class[] = {"A", "B", "C", NULL};
static const char *const v_item_kind[] = {"hardware", "firmware", "operating_system", "application",
                                          "library",  "service",  "cloud_service",    "mobile_app",
                                          "web_app",  "database", "external_system",  "person",
                                          NULL};
static const char *const v_party_type[] = {"human",  "user",   "operator", "service",
                                           "system", "device", NULL};
static const char *const v_if_type[] = {
    "wifi", "ble",     "bluetooth",   "ethernet", "cellular",       "nfc",          "usb", "usb-c",
    "sd",   "jtag",    "swd",         "uart",     "serial-console", "rs232",        "can", "spi",
    "i2c",  "display", "touchscreen", "keypad",   "barcode",        "internal-bus", "api", "other",
    NULL};
static const char *const v_transport[] = {"tcp", "udp", NULL};
static const char *const v_purpose[] = {
    "command",   "control",       "therapy", "configuration",  "update",
    "telemetry", "clinical_data", "logs",    "authentication", "time_sync",
    "ui",        "other",         NULL};
static const char *const v_functions[] = {
    "phi", "diagnosis_monitoring", "therapy_delivery", "clinical_workflow", "secrets", NULL};
/* MDS2 (ANSI/NEMA HN 1-2019) sections, which MDCG 2019-16 §3.3 uses as capabilities:
 * medsec/domain.h */
#define v_capability medsec_capability_names
static const char *const v_ev_kind[] = {
    "test",        "penetration_test",   "fuzz_test",   "static_analysis",
    "code_review", "vulnerability_scan", "sbom_review", "analysis",
    "document",    "certificate",        NULL};
static const char *const v_result[] = {"pass", "fail", "open", "not_applicable", NULL};
static const char *const v_party[] = {"operator", "integrator", "hdo_it",       "clinical_user",
                                      "service",  "patient",    "manufacturer", NULL};
static const char *const v_cell[] = {"acceptable", "tolerable", "unacceptable", NULL};

#define ELEMENTS (K(ITEM) | K(INTERFACE) | K(FLOW) | K(ZONE))
#define ANY_ELEMENT                                                                                \
    (ELEMENTS | K(ASSET) | K(CONTROL) | K(REQUIREMENT) | K(EVIDENCE) | K(ASSUMPTION) | K(DUTY) |   \
     K(HAZARD) | K(THREAT))

/* the field macros: one initializer per line, as a table */
/* clang-format off */
#define S(T, m) offsetof(struct T, m)
#define FSTR(T, k, m, req, doc) {k, F_STR, req, 0, NULL, NULL, S(T, m), 0, 0, 0, doc}
#define FID(T, doc) {"id", F_ID, 1, 0, NULL, NULL, S(T, id), 0, 0, 0, doc}
#define FINT(T, k, m, req, lo, hi, doc) {k, F_INT, req, 0, NULL, NULL, S(T, m), 0, lo, hi, doc}
#define FBOOL(T, k, m, req, doc) {k, F_BOOL, req, 0, NULL, NULL, S(T, m), 0, 0, 0, doc}
#define FDATE(T, k, m, req, doc) {k, F_DATE, req, 0, NULL, NULL, S(T, m), 0, 0, 0, doc}
#define FENUM(T, k, m, req, vals, doc) {k, F_ENUM, req, 0, vals, NULL, S(T, m), 0, 0, 0, doc}
#define FREF(T, k, m, req, mask, doc) {k, F_REF, req, mask, NULL, NULL, S(T, m), 0, 0, 0, doc}
#define FPATH(T, k, m, req, doc) {k, F_PATH, req, 0, NULL, NULL, S(T, m), 0, 0, 0, doc}
#define FSBOM(T, k, m, req, doc) {k, F_SBOM, req, 0, NULL, NULL, S(T, m), 0, 0, 0, doc}
#define FRUBRIC(T, k, m, res, req, doc) {k, F_RUBRIC, req, 0, NULL, NULL, S(T, m), S(T, res), 0, 0, doc}
#define FSTRS(T, k, m, req, doc) {k, F_STRS, req, 0, NULL, NULL, S(T, m), 0, 0, 0, doc}
#define FENUMS(T, k, m, req, vals, doc) {k, F_ENUMS, req, 0, vals, NULL, S(T, m), 0, 0, 0, doc}
/* a word of a domain vocabulary (medsec/domain.h) kept as its enum value: the value of the first
 * word, and the value when the key is absent */
#define FCODE(T, k, m, req, vals, first, absent, doc) {k, F_CODE, req, first, vals, NULL, S(T, m), 0, 0, absent, doc}
#define FCODES(T, k, m, req, vals, first, doc) {k, F_CODES, req, first, vals, NULL, S(T, m), 0, 0, 0, doc}
#define FREFS(T, k, m, req, mask, doc) {k, F_REFS, req, mask, NULL, NULL, S(T, m), 0, 0, 0, doc}
#define FPATHS(T, k, m, req, doc) {k, F_PATHS, req, 0, NULL, NULL, S(T, m), 0, 0, 0, doc}
#define FSBOMS(T, k, m, req, doc) {k, F_SBOMS, req, 0, NULL, NULL, S(T, m), 0, 0, 0, doc}
#define FOBJ(T, k, m, req, sub, doc) {k, F_OBJ, req, 0, NULL, &sub, S(T, m), 0, 0, 0, doc}
#define FLIST(T, k, m, req, sub, lo, doc) {k, F_LIST, req, 0, NULL, &sub, S(T, m), S(T, n##m), lo, 0, doc}
#define SHAPE(var, name, def, kind, T, fields) \
    const struct mshape var = {name, def, kind, sizeof(struct T), ARR(fields)}
/* clang-format on */

/* ---- device ---- */
static const struct mfield f_device[] = {
    FSTR(medsec_model_device, "manufacturer", manufacturer, 1, "legal manufacturer (MDR Art. 10)"),
    FSTR(medsec_model_device, "model", model, 1, "model or catalogue number"),
    FSTR(medsec_model_device, "name", name, 1, "trade name"),
    FSTR(medsec_model_device, "udi_di", udi_di, 0, "UDI-DI (basic UDI-DI or UDI-DI of the model)"),
    FENUM(medsec_model_device, "mdr_class", mdr_class, 1, v_mdr_class,
          "EU MDR risk class (Annex VIII)"),
    FENUM(medsec_model_device, "fda_class", fda_class, 0, v_fda_class, "FDA device class"),
    FENUM(medsec_model_device, "software_safety_class", software_safety_class, 0, v_sw_class,
          "IEC 62304 software safety class"),
    FSTR(medsec_model_device, "intended_purpose", intended_purpose, 1,
         "intended purpose (MDR Art. 2(12))"),
    FSTRS(medsec_model_device, "intended_users", intended_users, 1, "intended users"),
    FSTRS(medsec_model_device, "use_environments", use_environments, 1,
          "intended use environments"),
    FSTR(medsec_model_device, "description", description, 0, "short description"),
    {"current_version", F_REF, 1, K(VERSION), NULL, NULL, S(medsec_model_device, current_version),
     0, 0, 0, "the version this file describes (one of versions)"},
    FSTR(medsec_model_device, "vendor_domain", vendor_domain, 0,
         "manufacturer's DNS domain: signed updates' vendor id (UUIDv5)"),
    FSTR(medsec_model_device, "hardware_revision", hardware_revision, 0,
         "hardware revision: with the model, signed updates' class id (UUIDv5)"),
};
static SHAPE(s_device, "device", "device", -1, medsec_model_device, f_device);

static const struct mfield f_version[] = {
    {"version", F_ID, 1, 0, NULL, NULL, S(medsec_model_version, version), 0, 0, 0,
     "software version"},
    FDATE(medsec_model_version, "release_date", release_date, 1, "release date (YYYY-MM-DD)"),
    FCODE(medsec_model_version, "support", support, 1, medsec_support_level_names, 0, 0,
          "level of support (FDA 524B)"),
    FDATE(medsec_model_version, "end_of_support", end_of_support, 1,
          "end-of-support date (YYYY-MM-DD)"),
    FSTR(medsec_model_version, "notes", notes, 0, "free text"),
    FSBOMS(
        medsec_model_version, "sboms", sboms, 0,
        "SBOM files of this release (CycloneDX or SPDX JSON), relative paths; the items' SBOMs describe "
        "the current version"),
    FBOOL(medsec_model_version, "in_field", in_field, 0,
          "units of this release are still in use (default true); false once every unit is "
          "updated or decommissioned"),
};
static SHAPE(s_version, "version", "version", MEDSEC_MK_VERSION, medsec_model_version, f_version);

static const struct mfield f_harm[] = {
    FID(medsec_model_harm, "harm level id, e.g. negligible"),
    FSTR(medsec_model_harm, "name", name, 0, "display name"),
    FSTR(medsec_model_harm, "description", description, 1,
         "what harm of this severity means (ISO 14971)"),
};
static SHAPE(s_harm, "harm level", "harmLevel", MEDSEC_MK_HARM, medsec_model_harm, f_harm);

static const struct mfield f_clinical[] = {
    FLIST(medsec_model_clinical, "harm_scale", harm_scale, 1, s_harm, 2,
          "severity-of-harm scale, lowest first (ISO 14971, AAMI TIR57)"),
    FSTR(medsec_model_clinical, "notes", notes, 0, "clinical context in prose"),
};
static SHAPE(s_clinical, "clinical", "clinical", -1, medsec_model_clinical, f_clinical);

/* ---- architecture ---- */
static const struct mfield f_zone[] = {
    FID(medsec_model_zone, "zone id"),
    FSTR(medsec_model_zone, "name", name, 1, "display name"),
    FINT(medsec_model_zone, "trust", trust, 1, 0, 100, "trust level 0..100, higher = more trusted"),
    FCODE(
        medsec_model_zone, "access", access, 0, medsec_access_names, 0, MEDSEC_ACCESS_COUNT,
        "where an attacker must be to act in the zone: remote, network, adjacent, local, physical "
        "or internal (unstated: remote)"),
    FSTR(medsec_model_zone, "description", description, 0,
         "what is in the zone and who can reach it"),
};
static SHAPE(s_zone, "zone", "zone", MEDSEC_MK_ZONE, medsec_model_zone, f_zone);

static const struct mfield f_item[] = {
    FID(medsec_model_item, "item id"),
    FSTR(medsec_model_item, "name", name, 1, "display name"),
    FENUM(medsec_model_item, "kind", kind, 1, v_item_kind, "what the item is"),
    FCODE(medsec_model_item, "element", element, 1, medsec_element_kind_names, 0, 0,
          "its role in the data-flow diagram"),
    FREF(medsec_model_item, "zone", zone, 1, K(ZONE), "trust zone it runs in"),
    FREF(
        medsec_model_item, "runs_on", runs_on, 0, K(ITEM),
        "the item it runs on (an operating system, a hypervisor): compromising that one compromises "
        "this one"),
    FSTR(medsec_model_item, "version", version, 0, "version of the item"),
    FSTR(medsec_model_item, "description", description, 0, "what it does"),
    FENUM(medsec_model_item, "type", type, 0, v_party_type, "who an external entity is"),
    FSTR(medsec_model_item, "role", role, 0,
         "role of a person or account, e.g. clinician, biomed, service"),
    FSBOM(medsec_model_item, "sbom", sbom, 0,
          "SBOM file of the item (CycloneDX or SPDX JSON), relative path"),
    FSTRS(medsec_model_item, "components", components, 0,
          "component refs in the SBOM (bom-ref / SPDXID)"),
    FSTRS(medsec_model_item, "data", data, 0,
          "what a data store holds (phi, logs, config, keys, firmware ...)"),
    FBOOL(medsec_model_item, "privileged", privileged, 0, "runs with or holds privileged access"),
    FBOOL(medsec_model_item, "untrusted_input", untrusted_input, 0,
          "parses input from a less trusted zone"),
    FBOOL(medsec_model_item, "secure_element", secure_element, 0,
          "keys are held in a secure element / TPM"),
    FBOOL(medsec_model_item, "unique_credentials", unique_credentials, 0,
          "each person has own credentials"),
};
static SHAPE(s_item, "item", "item", MEDSEC_MK_ITEM, medsec_model_item, f_item);

static const struct mfield f_port[] = {
    FINT(medsec_model_port, "number", number, 1, 0, 65535, "port number"),
    FENUM(medsec_model_port, "transport", transport, 1, v_transport, "tcp or udp"),
    FSTR(medsec_model_port, "service", service, 1, "service listening"),
};
static SHAPE(s_port, "port", "port", -1, medsec_model_port, f_port);

static const struct mfield f_interface[] = {
    FID(medsec_model_interface, "interface id"),
    FSTR(medsec_model_interface, "name", name, 1, "display name"),
    FENUM(medsec_model_interface, "type", type, 1, v_if_type, "physical or logical kind"),
    FREF(medsec_model_interface, "item", item, 1, K(ITEM), "item that exposes it"),
    FREF(medsec_model_interface, "zone", zone, 0, K(ZONE), "zone it can be reached from"),
    FSTR(medsec_model_interface, "description", description, 0, "what it is for"),
    FLIST(medsec_model_interface, "ports", ports, 0, s_port, 0, "open ports (MDS2 / MDCG §4.3)"),
    FBOOL(medsec_model_interface, "debug", debug, 0, "a debug or test port (IEC 81001-5-1 7.2)"),
    FBOOL(medsec_model_interface, "disabled_in_production", disabled_in_production, 0,
          "disabled or locked in released devices"),
    FBOOL(medsec_model_interface, "authenticated", authenticated, 0, "access needs authentication"),
    FBOOL(medsec_model_interface, "encrypted", encrypted, 0, "traffic is encrypted"),
    FBOOL(medsec_model_interface, "removable", removable, 0, "accepts removable media"),
    FCODE(medsec_model_interface, "channel", channel, 0, medsec_channel_names, 0,
          MEDSEC_CHANNEL_COUNT, "the medium (unstated: from the type)"),
};
static SHAPE(s_interface, "interface", "interface", MEDSEC_MK_INTERFACE, medsec_model_interface,
             f_interface);

static const struct mfield f_flow[] = {
    FID(medsec_model_flow, "flow id"),
    FSTR(medsec_model_flow, "name", name, 0, "display name"),
    FREF(medsec_model_flow, "from", from, 1, K(ITEM), "source item"),
    FREF(medsec_model_flow, "to", to, 1, K(ITEM), "destination item"),
    FREF(medsec_model_flow, "via", via, 0, K(INTERFACE), "interface it passes"),
    FSTR(medsec_model_flow, "protocol", protocol, 1, "protocol, e.g. https, hl7-mllp, ble-gatt"),
    FENUM(medsec_model_flow, "purpose", purpose, 0, v_purpose, "what it is for"),
    FSTRS(medsec_model_flow, "data", data, 0, "what it carries (phi, firmware, logs ...)"),
    FBOOL(medsec_model_flow, "authenticated", authenticated, 1,
          "both ends or the sender are authenticated"),
    FBOOL(medsec_model_flow, "encrypted", encrypted, 1, "confidentiality in transit (TXCF)"),
    FBOOL(medsec_model_flow, "integrity", integrity, 0, "integrity in transit (TXIG)"),
    FBOOL(medsec_model_flow, "replay_protected", replay_protected, 0,
          "replayed messages are rejected"),
    FCODE(medsec_model_flow, "channel", channel, 0, medsec_channel_names, 0, MEDSEC_CHANNEL_COUNT,
          "the medium (unstated: the via interface's)"),
    FSTR(medsec_model_flow, "description", description, 0, "free text"),
};
static SHAPE(s_flow, "flow", "flow", MEDSEC_MK_FLOW, medsec_model_flow, f_flow);

static const struct mfield f_asset[] = {
    FID(medsec_model_asset, "asset id"),
    FSTR(medsec_model_asset, "name", name, 1, "display name"),
    FENUMS(medsec_model_asset, "functions", functions, 1, v_functions,
           "clinical functions it carries (MITRE rubric)"),
    FREFS(medsec_model_asset, "stored_in", stored_in, 0, K(ITEM), "items that hold it"),
    FREFS(medsec_model_asset, "carried_by", carried_by, 0, K(FLOW), "flows that carry it"),
    FREF(medsec_model_asset, "confidentiality", confidentiality, 0, K(HARM),
         "worst harm on disclosure"),
    FREF(medsec_model_asset, "integrity", integrity, 0, K(HARM), "worst harm on tampering"),
    FREF(medsec_model_asset, "availability", availability, 0, K(HARM), "worst harm on loss"),
    FSTR(medsec_model_asset, "description", description, 0, "free text"),
};
static SHAPE(s_asset, "asset", "asset", MEDSEC_MK_ASSET, medsec_model_asset, f_asset);

static const struct mfield f_control[] = {
    FID(medsec_model_control, "control id"),
    FSTR(medsec_model_control, "name", name, 1, "display name"),
    FENUMS(medsec_model_control, "capabilities", capabilities, 1, v_capability,
           "MDS2 / MDCG 2019-16 §3.3 capability codes"),
    FREFS(medsec_model_control, "applies_to", applies_to, 1,
          K(ITEM) | K(INTERFACE) | K(FLOW) | K(ZONE) | K(ASSET), "elements it protects"),
    FCODES(medsec_model_control, "stride", stride, 0, medsec_stride_names, MEDSEC_STRIDE_SPOOFING,
           "STRIDE categories it addresses"),
    FCODES(medsec_model_control, "channels", channels, 0, medsec_channel_names, 0,
           "the channels of the flows and interfaces of applies_to it protects (unstated: all)"),
    FCODE(medsec_model_control, "status", status, 1, medsec_control_status_names, 0, 0,
          "planned, implemented or verified"),
    FCODE(medsec_model_control, "lowers", lowers, 0, medsec_control_lowers_names,
          MEDSEC_LOWERS_EXPLOITABILITY, MEDSEC_LOWERS_UNSTATED,
          "what it lowers in the risk register"),
    FINT(medsec_model_control, "levels", levels, 0, 1, 16,
         "how many levels it lowers by (default 1)"),
    FBOOL(
        medsec_model_control, "end_to_end", end_to_end, 0,
        "it checks what arrives whoever sent it (a signature by the origin, a person confirming), "
        "so it still holds when the sender is compromised; a channel protection (TLS, a MAC) "
        "does not"),
    FSTR(medsec_model_control, "rationale", rationale, 0, "why it lowers the risk"),
    FSTR(medsec_model_control, "description", description, 0, "how it works"),
};
static SHAPE(s_control, "control", "control", MEDSEC_MK_CONTROL, medsec_model_control, f_control);

static const struct mfield f_requirement[] = {
    FID(medsec_model_requirement, "requirement id"),
    FSTR(medsec_model_requirement, "text", text, 1, "the requirement"),
    FSTRS(medsec_model_requirement, "sources", sources, 0,
          "clauses it serves (GSPR, IEC 81001-5-1, 524B)"),
    FREFS(medsec_model_requirement, "controls", controls, 0, K(CONTROL),
          "controls that implement it"),
};
static SHAPE(s_requirement, "requirement", "requirement", MEDSEC_MK_REQUIREMENT,
             medsec_model_requirement, f_requirement);

static const struct mfield f_evidence[] = {
    FID(medsec_model_evidence, "evidence id"),
    FSTR(medsec_model_evidence, "title", title, 1, "what was done"),
    FENUM(medsec_model_evidence, "kind", kind, 1, v_ev_kind,
          "kind of verification (IEC 81001-5-1 5.7)"),
    FENUM(medsec_model_evidence, "result", result, 1, v_result, "outcome"),
    FDATE(medsec_model_evidence, "date", date, 0, "when (YYYY-MM-DD)"),
    FPATH(medsec_model_evidence, "file", file, 0, "report, relative to the device folder"),
    FREFS(medsec_model_evidence, "verifies", verifies, 1, K(REQUIREMENT) | K(CONTROL),
          "requirements and controls it verifies"),
    FSTR(medsec_model_evidence, "description", description, 0, "free text"),
    FSTR(medsec_model_evidence, "performed_by", performed_by, 0,
         "who did it (person, team or test house)"),
    FBOOL(medsec_model_evidence, "independent", independent, 0,
          "the tester is independent of the developers of what was tested (IEC 81001-5-1 5.7.5)"),
};
static SHAPE(s_evidence, "evidence", "evidence", MEDSEC_MK_EVIDENCE, medsec_model_evidence,
             f_evidence);

static const struct mfield f_assumption[] = {
    FID(medsec_model_assumption, "assumption id"),
    FSTR(medsec_model_assumption, "text", text, 1, "what the operating environment provides"),
    FREFS(medsec_model_assumption, "applies_to", applies_to, 0, ELEMENTS, "elements it concerns"),
};
static SHAPE(s_assumption, "assumption", "assumption", MEDSEC_MK_ASSUMPTION,
             medsec_model_assumption, f_assumption);

static const struct mfield f_duty[] = {
    FID(medsec_model_duty, "duty id"),
    FENUM(medsec_model_duty, "party", party, 1, v_party, "who must do it (MDCG 2019-16 §2.6)"),
    FSTR(medsec_model_duty, "text", text, 1, "what they must do"),
    FREFS(medsec_model_duty, "controls", controls, 0, K(CONTROL), "controls that rely on it"),
    FREFS(medsec_model_duty, "assumptions", assumptions, 0, K(ASSUMPTION),
          "assumptions it makes true"),
    FBOOL(medsec_model_duty, "in_ifu", in_ifu, 0, "stated in the IFU (GSPR 23.4(ab))"),
};
static SHAPE(s_duty, "duty", "duty", MEDSEC_MK_DUTY, medsec_model_duty, f_duty);

/* ---- risk ---- */
static const struct mfield f_level[] = {
    FID(medsec_model_level, "exploitability level id"),
    FSTR(medsec_model_level, "name", name, 0, "display name"),
    FSTR(medsec_model_level, "description", description, 1, "what makes a threat this exploitable"),
    FCODES(medsec_model_level, "access", access, 0, medsec_access_names, 0,
           "attacker positions whose attacks (no credentials, no user action) have this level"),
};
static SHAPE(s_level, "exploitability level", "exploitabilityLevel", MEDSEC_MK_EXPLOITABILITY,
             medsec_model_level, f_level);

static const struct mfield f_row[] = {
    {"exploitability", F_REF, 1, K(EXPLOITABILITY), NULL, NULL,
     S(medsec_model_matrix_row, exploitability), 0, 0, 0, "exploitability level of the row"},
    FENUMS(medsec_model_matrix_row, "cells", cells, 1, v_cell,
           "acceptance per harm level, in harm_scale order"),
};
static SHAPE(s_row, "matrix row", "matrixRow", -1, medsec_model_matrix_row, f_row);

static const struct mfield f_matrix[] = {
    FLIST(medsec_model_risk_matrix, "exploitability", exploitability, 1, s_level, 2,
          "exploitability levels, lowest first"),
    FLIST(medsec_model_risk_matrix, "rows", rows, 1, s_row, 1, "one row per exploitability level"),
};
static SHAPE(s_matrix, "risk matrix", "riskMatrix", -1, medsec_model_risk_matrix, f_matrix);

static const struct mfield f_cause[] = {
    FREF(medsec_model_cause, "asset", asset, 1, K(ASSET), "the asset"),
    FCODE(medsec_model_cause, "property", property, 1, medsec_property_names, 0, 0,
          "the property whose loss leads to the hazard"),
};
static SHAPE(s_cause, "cause", "cause", -1, medsec_model_cause, f_cause);

static const struct mfield f_hazard[] = {
    FID(medsec_model_hazard, "hazard id"),
    FSTR(medsec_model_hazard, "title", title, 1, "hazard or hazardous situation"),
    FREF(medsec_model_hazard, "harm", harm, 1, K(HARM), "severity of the resulting harm"),
    FSTR(medsec_model_hazard, "safety_ref", safety_ref, 0,
         "id in the ISO 14971 risk management file"),
    FREFS(medsec_model_hazard, "threats", threats, 0, K(THREAT),
          "security threats that can cause it"),
    FLIST(medsec_model_hazard, "caused_by", caused_by, 0, s_cause, 0,
          "the loss of which property of which asset leads to it (ISO 14971 sequence of events)"),
    FSTR(medsec_model_hazard, "description", description, 0, "free text"),
};
static SHAPE(s_hazard, "hazard", "hazard", MEDSEC_MK_HAZARD, medsec_model_hazard, f_hazard);

static const struct mfield f_threat[] = {
    FID(medsec_model_threat, "threat id"),
    FSTR(medsec_model_threat, "title", title, 1, "the threat"),
    FREFS(medsec_model_threat, "elements", elements, 1, ELEMENTS, "elements it targets"),
    FCODES(medsec_model_threat, "stride", stride, 1, medsec_stride_names, MEDSEC_STRIDE_SPOOFING,
           "STRIDE categories"),
    FREF(medsec_model_threat, "exploitability", exploitability, 0, K(EXPLOITABILITY),
         "exploitability before controls"),
    FREFS(medsec_model_threat, "assets", assets, 0, K(ASSET), "assets it reaches"),
    FREFS(medsec_model_threat, "hazards", hazards, 0, K(HAZARD), "safety hazards it can cause"),
    FREFS(medsec_model_threat, "controls", controls, 0, K(CONTROL), "controls against it"),
    FSTRS(medsec_model_threat, "cwe", cwe, 0, "CWE ids"),
    FSTRS(medsec_model_threat, "capec", capec, 0, "CAPEC ids"),
    FRUBRIC(medsec_model_threat, "rubric", rubric, cvss, 0,
            "MITRE rubric answers file (medsec cvss rubric)"),
    FSTR(medsec_model_threat, "description", description, 0, "free text"),
};
static SHAPE(s_threat, "threat", "threat", MEDSEC_MK_THREAT, medsec_model_threat, f_threat);

static const struct mfield f_vulnerability[] = {
    FID(medsec_model_vulnerability,
        "CVE-YYYY-NNNN, GHSA-xxxx-xxxx-xxxx or the vendor's advisory id"),
    FSTR(medsec_model_vulnerability, "title", title, 0, "short title"),
    {"components", F_STRS, 1, 0, NULL, NULL, S(medsec_model_vulnerability, components), 0, 1, 0,
     "SBOM component refs (bom-ref / SPDXID in an item's SBOM) or ids of the items it affects"},
    FRUBRIC(medsec_model_vulnerability, "rubric", rubric, cvss, 0,
            "MITRE rubric answers file: its CVSS vector in this device's context"),
    FSTR(
        medsec_model_vulnerability, "cvss", cvss_vector, 0,
        "the manufacturer's CVSS vector (3.1 or 4.0) in this device's context, when there is no rubric"),
    FSTR(medsec_model_vulnerability, "rationale", rationale, 1,
         "the assessment: how it can (or cannot) be exploited in this device and what it reaches"),
    FCODE(medsec_model_vulnerability, "status", status, 0, medsec_vuln_status_names, 0,
          MEDSEC_VULN_AFFECTED, "state of the assessment (OpenVEX words; unstated = affected)"),
    FCODE(medsec_model_vulnerability, "justification", justification, 0,
          medsec_vex_justification_names, MEDSEC_VEX_COMPONENT_NOT_PRESENT, MEDSEC_VEX_UNSTATED,
          "why it is not_affected (OpenVEX justification)"),
    FREFS(medsec_model_vulnerability, "controls", controls, 0, K(CONTROL),
          "controls that act against it"),
    FSTR(medsec_model_vulnerability, "description", description, 0, "free text"),
};
static SHAPE(s_vulnerability, "vulnerability", "vulnerability", MEDSEC_MK_VULNERABILITY,
             medsec_model_vulnerability, f_vulnerability);

static const struct mfield f_support[] = {
    FSBOM(medsec_model_component_support, "sbom", sbom, 1, "SBOM file of the component"),
    FSTR(medsec_model_component_support, "component", component, 1, "component ref in that SBOM"),
    FCODE(medsec_model_component_support, "support", support, 1, medsec_support_level_names, 0, 0,
          "level of support"),
    FDATE(medsec_model_component_support, "end_of_support", end_of_support, 0,
          "end-of-support date"),
    FSTR(medsec_model_component_support, "notes", notes, 0, "free text"),
};
static SHAPE(s_support, "component support", "componentSupport", -1, medsec_model_component_support,
             f_support);

static const struct mfield f_acceptance[] = {
    FSTR(medsec_model_acceptance, "risk", risk, 1, "risk id in the register (medsec risk)"),
    FREF(medsec_model_acceptance, "version", version, 0, K(VERSION),
         "the release it is decided for (unstated: every release)"),
    FSTR(medsec_model_acceptance, "by", by, 1, "who decided (name and role)"),
    FDATE(medsec_model_acceptance, "date", date, 1, "when (YYYY-MM-DD)"),
    FSTR(medsec_model_acceptance, "rationale", rationale, 1,
         "the benefit-risk justification: why the benefit outweighs this residual risk"),
};
static SHAPE(s_acceptance, "risk acceptance", "riskAcceptance", -1, medsec_model_acceptance,
             f_acceptance);

static const struct mfield f_postmarket[] = {
    FSTR(medsec_model_postmarket, "contact", contact, 1,
         "where vulnerabilities are reported (e-mail or URL)"),
    FSTR(medsec_model_postmarket, "disclosure_policy", disclosure_policy, 0,
         "the published coordinated vulnerability disclosure policy (URL or document id)"),
    FSTR(medsec_model_postmarket, "advisories", advisories, 0,
         "where security advisories are published (URL)"),
    FINT(medsec_model_postmarket, "acknowledge_days", acknowledge_days, 0, 1, 365,
         "days to acknowledge a vulnerability report"),
    FINT(medsec_model_postmarket, "update_cycle_days", update_cycle_days, 0, 1, 3650,
         "days between regular (planned) security updates"),
    FINT(medsec_model_postmarket, "review_days", review_days, 0, 1, 3650,
         "days between reviews of the threat model and the risk register"),
    FSTRS(medsec_model_postmarket, "monitoring", monitoring, 0,
          "sources watched for new vulnerabilities and threats"),
};
static SHAPE(s_postmarket, "post-market plan", "postmarket", -1, medsec_model_postmarket,
             f_postmarket);

/* ---- root ---- */
static const struct mfield f_root[] = {
    FINT(medsec_model, "medsec", format, 1, 1, 1, "format version of this file: 1"),
    FOBJ(medsec_model, "device", device, 1, s_device, "identity (MDR Annex II 1.1)"),
    FLIST(medsec_model, "versions", versions, 1, s_version, 1,
          "software versions and their support"),
    FOBJ(medsec_model, "clinical", clinical, 1, s_clinical, "clinical context"),
    FLIST(medsec_model, "zones", zones, 1, s_zone, 1, "trust zones"),
    FLIST(medsec_model, "items", items, 1, s_item, 1, "software and hardware items"),
    FLIST(medsec_model, "interfaces", interfaces, 0, s_interface, 0, "interfaces and ports"),
    FLIST(medsec_model, "flows", flows, 0, s_flow, 0, "data flows"),
    FLIST(medsec_model, "assets", assets, 0, s_asset, 0, "assets and their clinical functions"),
    FLIST(medsec_model, "controls", controls, 0, s_control, 0, "security controls"),
    FLIST(medsec_model, "requirements", requirements, 0, s_requirement, 0, "security requirements"),
    FLIST(medsec_model, "evidence", evidence, 0, s_evidence, 0, "verification evidence"),
    FLIST(medsec_model, "assumptions", assumptions, 0, s_assumption, 0,
          "operating-environment assumptions"),
    FLIST(medsec_model, "duties", duties, 0, s_duty, 0, "operator / integrator duties"),
    FOBJ(medsec_model, "risk_matrix", risk_matrix, 0, s_matrix, "risk acceptance matrix"),
    FLIST(medsec_model, "hazards", hazards, 0, s_hazard, 0, "safety hazards security can lead to"),
    FLIST(medsec_model, "threats", threats, 0, s_threat, 0, "threats written by hand"),
    FLIST(medsec_model, "vulnerabilities", vulnerabilities, 0, s_vulnerability, 0,
          "known vulnerabilities assessed for this device"),
    FLIST(medsec_model, "component_support", component_support, 0, s_support, 0,
          "per-component support overrides"),
    FLIST(medsec_model, "risk_acceptance", risk_acceptance, 0, s_acceptance, 0,
          "benefit-risk justifications of residual risks above the acceptable region"),
    FOBJ(medsec_model, "postmarket", postmarket, 0, s_postmarket,
         "post-market monitoring and coordinated vulnerability disclosure plan"),
    FPATHS(medsec_model, "threat_rules", threat_rules, 0, "extra threat rule catalogs"),
    FPATH(medsec_model, "triage", triage, 0, "triage file of known vulnerabilities (for VEX)"),
    FPATH(medsec_model, "cpe_map", cpe_map, 0,
          "CPE map of the device's C/C++ package names and URLs, read before the built-in one"),
};
const struct mshape medsec_model_root_shape = {"security file", "device.yaml", -1,
                                               sizeof(struct medsec_model), ARR(f_root)};

const struct mshape *const medsec_model_shapes[] = {&medsec_model_root_shape,
                                                    &s_device,
                                                    &s_version,
                                                    &s_clinical,
                                                    &s_harm,
                                                    &s_zone,
                                                    &s_item,
                                                    &s_interface,
                                                    &s_port,
                                                    &s_flow,
                                                    &s_asset,
                                                    &s_control,
                                                    &s_requirement,
                                                    &s_evidence,
                                                    &s_assumption,
                                                    &s_duty,
                                                    &s_matrix,
                                                    &s_level,
                                                    &s_row,
                                                    &s_hazard,
                                                    &s_cause,
                                                    &s_threat,
                                                    &s_vulnerability,
                                                    &s_support,
                                                    &s_acceptance,
                                                    &s_postmarket};
const size_t medsec_model_nshapes = sizeof medsec_model_shapes / sizeof medsec_model_shapes[0];

int medsec_model_namespace(enum medsec_model_kind k)
{
    switch (k) {
    case MEDSEC_MK_VERSION: return 1;
    case MEDSEC_MK_HARM: return 2;
    case MEDSEC_MK_EXPLOITABILITY: return 3;
    case MEDSEC_MK_VULNERABILITY: return 4;
    default: return 0;
    }
}

/* ---- JSON Schema ---- */

static void scalar_schema(struct medsec_jsonw *w, const struct mfield *f, enum mtype t)
{
    medsec_jsonw_object_begin(w);
    switch (t) {
    case F_INT:
        medsec_jsonw_kv_string(w, "type", "integer");
        medsec_jsonw_kv_int(w, "minimum", f->min);
        medsec_jsonw_kv_int(w, "maximum", f->max);
        break;
    case F_BOOL: medsec_jsonw_kv_string(w, "type", "boolean"); break;
    case F_DATE:
        medsec_jsonw_kv_string(w, "type", "string");
        medsec_jsonw_kv_string(w, "format", "date");
        medsec_jsonw_kv_string(w, "pattern", "^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
        break;
    case F_ENUM:
    case F_CODE:
        medsec_jsonw_key(w, "enum");
        medsec_jsonw_array_begin(w);
        for (const char *const *v = f->values; *v; v++)
            medsec_jsonw_string(w, *v);
        medsec_jsonw_array_end(w);
        break;
    default:
        medsec_jsonw_kv_string(w, "type", "string");
        medsec_jsonw_kv_int(w, "minLength", 1);
        /* annotations (ignored by validators) for what only medsec validate checks */
        if (t == F_REF) {
            medsec_jsonw_key(w, "x-medsec-references");
            medsec_jsonw_array_begin(w);
            for (int k = 0; k < MEDSEC_MK_COUNT; k++)
                if ((f->mask >> k) & 1u)
                    medsec_jsonw_string(w, medsec_model_kind_name((enum medsec_model_kind)k));
            medsec_jsonw_array_end(w);
        } else if (t == F_PATH || t == F_SBOM || t == F_RUBRIC) {
            medsec_jsonw_kv_string(w, "x-medsec-file",
                                   t == F_SBOM     ? "sbom"
                                   : t == F_RUBRIC ? "rubric"
                                                   : "any");
        }
        break;
    }
    medsec_jsonw_object_end(w);
}

static void field_schema(struct medsec_jsonw *w, const struct mfield *f)
{
    enum mtype item;
    switch (f->type) {
    case F_STRS: item = F_STR; break;
    case F_ENUMS: item = F_ENUM; break;
    case F_CODES: item = F_CODE; break;
    case F_REFS: item = F_REF; break;
    case F_PATHS: item = F_PATH; break;
    case F_SBOMS: item = F_SBOM; break;
    case F_LIST: item = F_LIST; break;
    default: item = F_OBJ; break;
    }
    if (item == F_OBJ) {
        if (f->type == F_OBJ) {
            medsec_jsonw_object_begin(w);
            char ref[96];
            snprintf(ref, sizeof ref, "#/$defs/%s", f->sub->def);
            medsec_jsonw_kv_string(w, "$ref", ref);
            medsec_jsonw_kv_string(w, "description", f->doc);
            medsec_jsonw_object_end(w);
            return;
        }
        /* a scalar: add the description inside */
        medsec_jsonw_object_begin(w);
        medsec_jsonw_kv_string(w, "description", f->doc);
        medsec_jsonw_key(w, "allOf");
        medsec_jsonw_array_begin(w);
        scalar_schema(w, f, f->type);
        medsec_jsonw_array_end(w);
        medsec_jsonw_object_end(w);
        return;
    }
    medsec_jsonw_object_begin(w);
    medsec_jsonw_kv_string(w, "description", f->doc);
    medsec_jsonw_kv_string(w, "type", "array");
    if (f->type != F_OBJ && f->min > 0) /* lists: at least `min` entries */
        medsec_jsonw_kv_int(w, "minItems", f->min);
    if (f->type == F_SBOMS) /* the loader rejects an SBOM listed twice */
        medsec_jsonw_kv_bool(w, "uniqueItems", true);
    medsec_jsonw_key(w, "items");
    if (item == F_LIST) {
        medsec_jsonw_object_begin(w);
        char ref[96];
        snprintf(ref, sizeof ref, "#/$defs/%s", f->sub->def);
        medsec_jsonw_kv_string(w, "$ref", ref);
        medsec_jsonw_object_end(w);
    } else {
        scalar_schema(w, f, item);
    }
    medsec_jsonw_object_end(w);
}

static void shape_body(struct medsec_jsonw *w, const struct mshape *s)
{
    medsec_jsonw_kv_string(w, "type", "object");
    medsec_jsonw_kv_bool(w, "additionalProperties", false);
    medsec_jsonw_key(w, "required");
    medsec_jsonw_array_begin(w);
    for (size_t i = 0; i < s->nfields; i++)
        if (s->fields[i].required)
            medsec_jsonw_string(w, s->fields[i].key);
    medsec_jsonw_array_end(w);
    medsec_jsonw_key(w, "properties");
    medsec_jsonw_object_begin(w);
    for (size_t i = 0; i < s->nfields; i++) {
        medsec_jsonw_key(w, s->fields[i].key);
        field_schema(w, &s->fields[i]);
    }
    medsec_jsonw_object_end(w);
}

medsec_err medsec_model_schema_json(char **out, size_t *len)
{
    struct medsec_buf b;
    medsec_buf_init(&b, (size_t)1 << 20);
    struct medsec_jsonw w;
    medsec_jsonw_init(&w, &b, 1);
    medsec_jsonw_object_begin(&w);
    medsec_jsonw_kv_string(&w, "$schema", "https://json-schema.org/draft/2020-12/schema");
    medsec_jsonw_kv_string(&w, "$id", "https://medsec.example/schema/security-file.schema.json");
    medsec_jsonw_kv_string(&w, "title", "medsec device security file (device.yaml), format 1");
    medsec_jsonw_kv_string(
        &w, "description",
        "Generated by `medsec validate --schema` from the loader's table; "
        "references between ids, dates and files are checked by medsec validate only.");
    shape_body(&w, &medsec_model_root_shape);
    medsec_jsonw_key(&w, "$defs");
    medsec_jsonw_object_begin(&w);
    for (size_t i = 1; i < medsec_model_nshapes; i++) {
        medsec_jsonw_key(&w, medsec_model_shapes[i]->def);
        medsec_jsonw_object_begin(&w);
        shape_body(&w, medsec_model_shapes[i]);
        medsec_jsonw_object_end(&w);
    }
    medsec_jsonw_object_end(&w);
    medsec_jsonw_object_end(&w);
    medsec_err rc = medsec_jsonw_finish(&w);
    if (rc) {
        medsec_buf_release(&b);
        return rc;
    }
    *out = medsec_buf_detach(&b, len);
    return MEDSEC_OK;
}
