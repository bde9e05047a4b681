/* medsec/model.h: the device security file (device.yaml and the files it names) as an in-memory
 * model. */
#ifndef MEDSEC_MODEL_H
#define MEDSEC_MODEL_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/arena.h"
#include "medsec/date.h"
#include "medsec/domain.h"
#include "medsec/diag.h"
#include "medsec/error.h"
#include "medsec/sbom.h"

#ifdef __cplusplus
extern "C" {
#endif

struct medsec_cvss_rubric; /* medsec/cvss.h */

/*
 * The format is documented key by key in docs/security-file.md (JSON Schema:
 * docs/schema/security-file.schema.json, generated from the same table the loader checks with).
 *
 * Ownership: one struct medsec_model owns everything reachable from it (strings live in its arena,
 * SBOMs are owned too); free it with medsec_model_free. Every string may be NULL when the file does
 * not give it. Dates are kept as validated "YYYY-MM-DD" strings, which compare with strcmp.
 * Every element records where it starts in device.yaml (`pos`).
 */

/* A boolean the file may leave unstated: MEDSEC_UNSTATED (-1), 0 = false, 1 = true. */
#define MEDSEC_UNSTATED (-1)

struct medsec_model_pos {
    unsigned line, column; /* 1-based; 0 = absent (an optional mapping the file does not have) */
};

struct medsec_strlist {
    const char **v;
    size_t n;
};

/* A list of words of one vocabulary (medsec/domain.h) as their enum values, in file order. */
struct medsec_codelist {
    const int *v;
    size_t n;
};

/* What an identifier names. Ids are unique per namespace: every architecture / risk element
 * (zone ... threat) shares one namespace; versions, harm levels, exploitability levels and known
 * vulnerabilities have their own. */
enum medsec_model_kind {
    MEDSEC_MK_ZONE = 0,
    MEDSEC_MK_ITEM,
    MEDSEC_MK_INTERFACE,
    MEDSEC_MK_FLOW,
    MEDSEC_MK_ASSET,
    MEDSEC_MK_CONTROL,
    MEDSEC_MK_REQUIREMENT,
    MEDSEC_MK_EVIDENCE,
    MEDSEC_MK_ASSUMPTION,
    MEDSEC_MK_DUTY,
    MEDSEC_MK_HAZARD,
    MEDSEC_MK_THREAT,
    MEDSEC_MK_VERSION,
    MEDSEC_MK_HARM,
    MEDSEC_MK_EXPLOITABILITY,
    MEDSEC_MK_VULNERABILITY,
    MEDSEC_MK_COUNT
};
/* "zone", "item", "interface", "flow", ... (the singular of the top-level key). */
const char *medsec_model_kind_name(enum medsec_model_kind k);

struct medsec_model_device {
    struct medsec_model_pos pos;
    const char *manufacturer, *model, *name, *udi_di;
    const char *mdr_class;             /* I, Is, Im, Ir, IIa, IIb, III */
    const char *fda_class;             /* I, II, III (may be NULL) */
    const char *software_safety_class; /* IEC 62304: A, B, C */
    const char *intended_purpose, *description;
    struct medsec_strlist intended_users, use_environments;
    const char *current_version; /* a version of `versions` */
    /* signed updates (docs/release.md): the manufacturer's DNS domain and the hardware revision,
     * from which SUIT's vendor and class ids are derived; optional */
    const char *vendor_domain, *hardware_revision;
};

struct medsec_model_version {
    struct medsec_model_pos pos;
    const char *version;
    const char *release_date; /* YYYY-MM-DD */
    enum medsec_support_level support;
    const char *end_of_support; /* YYYY-MM-DD (required: FDA 524B asks for it) */
    const char *notes;
    struct medsec_strlist sboms; /* SBOM files of this release, relative to the device folder */
    int in_field;                /* MEDSEC_UNSTATED (= in the field), 0 withdrawn everywhere, 1 */
};

/* One step of the harm-severity scale, lowest first; `level` is its 1-based rank. */
struct medsec_model_harm {
    struct medsec_model_pos pos;
    const char *id, *name, *description;
    long level;
};

struct medsec_model_clinical {
    struct medsec_model_pos pos;
    struct medsec_model_harm *harm_scale;
    size_t nharm_scale;
    const char *notes;
};

struct medsec_model_zone {
    struct medsec_model_pos pos;
    const char *id, *name, *description;
    long trust;                /* 0..100, higher = more trusted */
    enum medsec_access access; /* who can reach the zone; MEDSEC_ACCESS_COUNT when unstated (taken
                                * as remote: medsec_model_zone_access) */
};

struct medsec_model_item {
    struct medsec_model_pos pos;
    const char *id, *name, *description;
    const char *kind; /* hardware, firmware, operating_system, application, service, ... */
    enum medsec_element_kind element; /* DFD role: process, data_store or external_entity */
    const char *zone;
    const char *runs_on; /* the item it runs on, or NULL */
    const char *version;
    const char *type; /* who an external entity is: human, user, operator, service, system */
    const char *role; /* e.g. clinician, biomed, admin, service, manufacturer */
    const char *sbom; /* SBOM file, relative to the device folder */
    struct medsec_strlist components; /* refs inside `sbom` (bom-ref / SPDXID) */
    struct medsec_strlist data; /* what a data store holds: phi, logs, config, keys, firmware ... */
    int privileged, untrusted_input, secure_element, unique_credentials; /* MEDSEC_UNSTATED, 0, 1 */
};

struct medsec_model_port {
    struct medsec_model_pos pos;
    long number;
    const char *transport; /* tcp, udp */
    const char *service;
};

struct medsec_model_interface {
    struct medsec_model_pos pos;
    const char *id, *name, *description;
    const char *type; /* wifi, ble, usb, ethernet, jtag, swd, uart, ... */
    const char *item; /* the item that exposes it */
    const char *zone; /* the zone on the other side (who can reach it) */
    struct medsec_model_port *ports;
    size_t nports;
    int debug, disabled_in_production, authenticated, encrypted, removable;
    enum medsec_channel
        channel; /* MEDSEC_CHANNEL_COUNT when unstated (medsec_model_interface_channel) */
};

struct medsec_model_flow {
    struct medsec_model_pos pos;
    const char *id, *name, *description;
    const char *from, *to; /* items */
    const char *via;       /* interface, may be NULL */
    const char *protocol;
    const char *purpose; /* command, control, therapy, configuration, update, telemetry, ... */
    struct medsec_strlist data;
    int authenticated, encrypted, integrity, replay_protected;
    enum medsec_channel
        channel; /* MEDSEC_CHANNEL_COUNT when unstated (medsec_model_flow_channel) */
};

struct medsec_model_asset {
    struct medsec_model_pos pos;
    const char *id, *name, *description;
    struct medsec_strlist
        functions; /* phi, diagnosis_monitoring, therapy_delivery, clinical_workflow, secrets */
    struct medsec_strlist stored_in;  /* items */
    struct medsec_strlist carried_by; /* flows */
    const char *confidentiality, *integrity,
        *availability; /* worst harm on loss (harm-scale ids) */
};

struct medsec_model_control {
    struct medsec_model_pos pos;
    const char *id, *name, *description;
    enum medsec_control_status status;
    struct medsec_strlist
        capabilities; /* MDS2 section codes (medsec_capability_name): AUTH, TXCF ... */
    struct medsec_strlist applies_to;  /* items, interfaces, flows, zones, assets */
    struct medsec_codelist stride;     /* enum medsec_stride values; empty = every category */
    struct medsec_codelist channels;   /* enum medsec_channel: flows and interfaces it protects;
                                        * empty = all */
    enum medsec_control_lowers lowers; /* MEDSEC_LOWERS_UNSTATED when the file does not say */
    long levels;                       /* levels it lowers by; 0 when unstated (= 1) */
    int end_to_end; /* MEDSEC_UNSTATED, 0, 1: holds when the sender is compromised */
    const char *rationale;
};

struct medsec_model_requirement {
    struct medsec_model_pos pos;
    const char *id, *text;
    struct medsec_strlist
        sources; /* clauses it serves, e.g. "IEC 81001-5-1 5.2", "MDR GSPR 17.4" */
    struct medsec_strlist controls;
};

struct medsec_model_evidence {
    struct medsec_model_pos pos;
    const char *id, *title, *description;
    const char *kind;   /* test, penetration_test, fuzz_test, static_analysis, ... */
    const char *result; /* pass, fail, open, not_applicable */
    const char *date;
    const char *file;               /* report, relative to the device folder */
    struct medsec_strlist verifies; /* requirements and controls */
    const char *performed_by;       /* who did it (person, team or test house), or NULL */
    int independent; /* MEDSEC_UNSTATED, 0, 1: the tester is independent of the developers of
                      * what was tested (IEC 81001-5-1 5.7.5) */
};

struct medsec_model_assumption {
    struct medsec_model_pos pos;
    const char *id, *text;
    struct medsec_strlist applies_to;
};

struct medsec_model_duty {
    struct medsec_model_pos pos;
    const char *id, *party,
        *text; /* party: operator, integrator, hdo_it, clinical_user, service, patient */
    struct medsec_strlist controls, assumptions;
    int in_ifu;
};

struct medsec_model_matrix_row {
    struct medsec_model_pos pos;
    const char *exploitability;
    struct medsec_strlist
        cells; /* one per harm level, lowest first: acceptable, tolerable, unacceptable */
};

struct medsec_model_level {
    struct medsec_model_pos pos;
    const char *id, *name, *description;
    long level;                    /* 1-based rank, lowest first */
    struct medsec_codelist access; /* enum medsec_access: attacker positions at this level */
};

struct medsec_model_risk_matrix {
    struct medsec_model_pos pos; /* line 0: the file has no matrix */
    struct medsec_model_level *exploitability;
    size_t nexploitability;
    struct medsec_model_matrix_row *rows;
    size_t nrows;
};

/* One step of a hazard's sequence of events: the loss of a property of an asset. */
struct medsec_model_cause {
    struct medsec_model_pos pos;
    const char *asset;
    enum medsec_property property;
};

struct medsec_model_hazard {
    struct medsec_model_pos pos;
    const char *id, *title, *description;
    const char *harm;       /* harm-scale id */
    const char *safety_ref; /* id in the ISO 14971 risk management file */
    struct medsec_strlist threats;
    struct medsec_model_cause *caused_by; /* which loss of which asset leads to it */
    size_t ncaused_by;
};

struct medsec_model_threat {
    struct medsec_model_pos pos;
    const char *id, *title, *description;
    struct medsec_strlist elements; /* items, interfaces, flows, zones */
    struct medsec_codelist stride;  /* enum medsec_stride values */
    const char *exploitability;     /* exploitability-level id */
    struct medsec_strlist assets, hazards, controls, cwe, capec;
    const char *rubric; /* MITRE rubric answers file, relative to the device folder */
    const struct medsec_cvss_rubric
        *cvss; /* what `rubric` gives; NULL without one or without a folder */
};

/* A known vulnerability (CVE, GHSA, vendor advisory) the manufacturer has assessed for this device.
 */
struct medsec_model_vulnerability {
    struct medsec_model_pos pos;
    const char *id, *title, *description;
    struct medsec_strlist components; /* as written: SBOM component refs or item ids */
    struct medsec_strlist items;      /* the items they resolve to (file order, no repeats) */
    const char *rubric;               /* MITRE rubric answers file, relative to the device folder */
    const struct medsec_cvss_rubric
        *cvss;                      /* what `rubric` gives; NULL when parsed without a folder */
    const char *rationale;          /* the manufacturer's assessment */
    enum medsec_vuln_status status; /* MEDSEC_VULN_AFFECTED when the file states none */
    enum medsec_vex_justification justification; /* why not_affected; MEDSEC_VEX_UNSTATED */
    const char *cvss_vector;        /* the manufacturer's CVSS vector (3.x or 4.0), or NULL */
    struct medsec_strlist controls; /* controls named against it */
};

/* A benefit-risk justification for a residual risk above the acceptable region (MDR Annex I GSPR 1,
 * 4, 8; ISO 14971 7.4 / 8): who decided, when and why. */
struct medsec_model_acceptance {
    struct medsec_model_pos pos;
    const char *risk;    /* the register's risk id */
    const char *version; /* the release it is decided for; NULL = every release */
    const char *by, *date, *rationale;
};

struct medsec_model_component_support {
    struct medsec_model_pos pos;
    const char *sbom, *component;
    enum medsec_support_level support;
    const char *end_of_support, *notes;
};

/* The post-market surveillance and coordinated vulnerability disclosure plan (MDR Art. 83-84,
 * MDCG 2019-16 §5, IEC 81001-5-1 4.1.7 / 6, FDA 524B(b)(1)); pos.line 0 when the file has none. */
struct medsec_model_postmarket {
    struct medsec_model_pos pos;
    const char *contact;           /* where researchers and customers report vulnerabilities */
    const char *disclosure_policy; /* the published CVD policy (URL or document id) */
    const char *advisories;        /* where security advisories are published */
    long acknowledge_days;         /* days to acknowledge a report; 0 unstated */
    long update_cycle_days;        /* days between regular (planned) security updates; 0 unstated */
    long review_days; /* days between reviews of threat model and risk register; 0 unstated */
    struct medsec_strlist monitoring; /* sources watched for new vulnerabilities and threats */
};

/* An SBOM the file names, loaded once. */
struct medsec_model_sbom {
    const char *path;         /* as written in device.yaml */
    struct medsec_sbom *sbom; /* owned */
};

struct medsec_model {
    struct medsec_model_pos pos; /* where the top-level mapping starts */
    const char *dir;             /* the device folder */
    const char *file;            /* path of device.yaml (dir + "/device.yaml") */
    long format;                 /* `medsec:` format version, 1 */
    struct medsec_model_device device;
    struct medsec_model_version *versions;
    size_t nversions;
    struct medsec_model_clinical clinical;
    struct medsec_model_zone *zones;
    size_t nzones;
    struct medsec_model_item *items;
    size_t nitems;
    struct medsec_model_interface *interfaces;
    size_t ninterfaces;
    struct medsec_model_flow *flows;
    size_t nflows;
    struct medsec_model_asset *assets;
    size_t nassets;
    struct medsec_model_control *controls;
    size_t ncontrols;
    struct medsec_model_requirement *requirements;
    size_t nrequirements;
    struct medsec_model_evidence *evidence;
    size_t nevidence;
    struct medsec_model_assumption *assumptions;
    size_t nassumptions;
    struct medsec_model_duty *duties;
    size_t nduties;
    struct medsec_model_risk_matrix risk_matrix;
    struct medsec_model_hazard *hazards;
    size_t nhazards;
    struct medsec_model_threat *threats;
    size_t nthreats;
    struct medsec_model_vulnerability *vulnerabilities;
    size_t nvulnerabilities;
    struct medsec_model_component_support *component_support;
    size_t ncomponent_support;
    struct medsec_model_acceptance *risk_acceptance;
    size_t nrisk_acceptance;
    struct medsec_model_postmarket postmarket;
    struct medsec_strlist threat_rules; /* extra threat rule catalogs, relative to the folder */
    const char *triage;                 /* triage file (for VEX), relative to the folder */
    const char *cpe_map; /* CPE map for derived CPEs (medsec/cpemap.h), relative to the folder */
    struct medsec_model_sbom *sboms;
    size_t nsboms;
    struct medsec_arena arena;
};

/* Input caps; a 0 field takes the default in brackets. Exceeding one is an error, never a crash. */
struct medsec_model_limits {
    size_t max_bytes;      /* device.yaml size [4 MiB] */
    size_t max_depth;      /* YAML nesting [32] */
    size_t max_entries;    /* entries of one list [10000] */
    size_t max_nodes;      /* YAML nodes in the document [500000] */
    size_t max_string;     /* bytes in one scalar [65536] */
    size_t max_sbom_bytes; /* each referenced SBOM [64 MiB] */
};

/*
 * Load DIR/device.yaml and check it completely: UTF-8, YAML syntax, keys, types, required keys,
 * values, dates, ids, every reference, referenced files, SBOM components, MITRE rubric answer files
 * (loaded with medsec_cvss_rubric_parse; the result is kept in the model), caps. Every problem goes
 * to
 * @diags (file:line:column, errors and warnings; may be NULL to just get a verdict).
 * Returns MEDSEC_OK with *out set when there is no error (warnings allowed); the caller frees it
 * with medsec_model_free. When the file has errors: MEDSEC_EINVAL (or EPARSE for YAML syntax,
 * ETOOBIG for a cap), *out stays NULL and @err summarises ("N errors"). Never a half-valid model.
 * Other failures (ENOMEM, EIO reading device.yaml) are in @err. @lim may be NULL.
 */
medsec_err medsec_model_load(const char *dir, const struct medsec_model_limits *lim,
                             struct medsec_model **out, struct medsec_diags *diags,
                             struct medsec_error *err) __attribute__((warn_unused_result));

/*
 * The same from memory: @text is device.yaml, @filename names it in diagnostics. @dir is the folder
 * referenced files are resolved against; NULL skips every file check (SBOMs, evidence, rubric).
 */
medsec_err medsec_model_parse(const char *text, size_t len, const char *filename, const char *dir,
                              const struct medsec_model_limits *lim, struct medsec_model **out,
                              struct medsec_diags *diags, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Free @m and everything it owns. NULL is allowed. */
void medsec_model_free(struct medsec_model *m);

/* ---- lookups (NULL when absent; linear, the file caps the counts) ---- */
const struct medsec_model_zone *medsec_model_find_zone(const struct medsec_model *m,
                                                       const char *id);
const struct medsec_model_item *medsec_model_find_item(const struct medsec_model *m,
                                                       const char *id);
const struct medsec_model_interface *medsec_model_find_interface(const struct medsec_model *m,
                                                                 const char *id);
const struct medsec_model_flow *medsec_model_find_flow(const struct medsec_model *m,
                                                       const char *id);
const struct medsec_model_asset *medsec_model_find_asset(const struct medsec_model *m,
                                                         const char *id);
const struct medsec_model_control *medsec_model_find_control(const struct medsec_model *m,
                                                             const char *id);
const struct medsec_model_hazard *medsec_model_find_hazard(const struct medsec_model *m,
                                                           const char *id);
const struct medsec_model_threat *medsec_model_find_threat(const struct medsec_model *m,
                                                           const char *id);
const struct medsec_model_vulnerability *
medsec_model_find_vulnerability(const struct medsec_model *m, const char *id);
const struct medsec_model_harm *medsec_model_find_harm(const struct medsec_model *m,
                                                       const char *id);
const struct medsec_model_level *medsec_model_find_exploitability(const struct medsec_model *m,
                                                                  const char *id);
const struct medsec_model_version *medsec_model_find_version(const struct medsec_model *m,
                                                             const char *version);
/* What @id names in the shared element namespace (zone ... threat); false when nothing. */
bool medsec_model_kind_of(const struct medsec_model *m, const char *id,
                          enum medsec_model_kind *kind);
/* The loaded SBOM for @path as written in device.yaml, or NULL. */
const struct medsec_sbom *medsec_model_sbom(const struct medsec_model *m, const char *path);
/* The loaded SBOMs of release @v into @out (room for m->nsboms entries), each once, in file order:
 * the version's `sboms`, and for the current version also the SBOMs its items name. Returns how
 * many. */
size_t medsec_model_version_sboms(const struct medsec_model *m,
                                  const struct medsec_model_version *v,
                                  const struct medsec_model_sbom **out);

/* ---- queries ---- */

/* The component_support entries that apply to release @v (their SBOM is one of the release's), in
 * file order: the first @cap into @out; returns how many apply (FDA premarket guidance V.A.4:
 * level of support and end of support of each third-party component). */
size_t medsec_model_release_support(const struct medsec_model *m,
                                    const struct medsec_model_version *v,
                                    const struct medsec_model_component_support **out, size_t cap);
/* True when @c states an end of support on or before @today ("YYYY-MM-DD"). */
bool medsec_model_component_ended(const struct medsec_model_component_support *c,
                                  const char *today);

/* Does evidence @ev show that control @control works: its result is pass, and it verifies the
 * control or a requirement that lists the control? */
bool medsec_model_evidence_verifies(const struct medsec_model *m,
                                    const struct medsec_model_evidence *ev, const char *control);

/* The MDS2 scope classes (MEDSEC_FIT_* of medsec/domain.h) of element @id as a control's applies_to
 * entry sees it: what a capability code can protect in it; 0 for an id of no such element. */
unsigned medsec_model_fit_classes(const struct medsec_model *m, const char *id);
/* True when control @c lists capability @code and the code covers something @c applies to (its
 * medsec_capability_info()->fits shares a class with them): a code claimed against its HN 1-2019
 * meaning does not count (the loader warns about it). */
bool medsec_model_control_claims(const struct medsec_model *m, const struct medsec_model_control *c,
                                 enum medsec_capability code);

/* Who can reach zone @z: its stated access, else MEDSEC_ACCESS_REMOTE (the most exposed). */
enum medsec_access medsec_model_zone_access(const struct medsec_model_zone *z);
/* The channel of an interface: stated, else what its type says, else MEDSEC_CHANNEL_NETWORK (the
 * most exposed); *@stated (may be NULL) tells whether the file or the type said it. */
enum medsec_channel medsec_model_interface_channel(const struct medsec_model_interface *i,
                                                   bool *stated);
/* The channel of a flow: stated, else its via interface's, else MEDSEC_CHANNEL_NETWORK. */
enum medsec_channel medsec_model_flow_channel(const struct medsec_model *m,
                                              const struct medsec_model_flow *f, bool *stated);

/* Zone of an item, an interface (its item's zone) or a flow's source; NULL when unknown. */
const char *medsec_model_zone_of(const struct medsec_model *m, const char *element_id);
/* True when the flow's endpoints are in different zones. */
bool medsec_model_flow_crosses(const struct medsec_model *m, const struct medsec_model_flow *f);
/* True when the interface is reachable from a zone other than its item's own. */
bool medsec_model_interface_crosses(const struct medsec_model *m,
                                    const struct medsec_model_interface *i);
/* True when @list holds @s. */
bool medsec_strlist_has(const struct medsec_strlist *list, const char *s);
/* True when @list holds @code. */
bool medsec_codelist_has(const struct medsec_codelist *list, int code);
/* The clinical functions an asset may serve, in the order they are listed everywhere (most harmful
 * first). */
#define MEDSEC_MODEL_NFUNCTIONS 5
extern const char *const medsec_model_function_names[MEDSEC_MODEL_NFUNCTIONS];
/* Union of the clinical functions of the assets stored in or carried by @element_id. */
size_t medsec_model_functions_of(const struct medsec_model *m, const char *element_id,
                                 const char **out, size_t max);
/* Acceptance of (exploitability, harm): "acceptable", "tolerable", "unacceptable", or NULL. */
const char *medsec_model_acceptance(const struct medsec_model *m, const char *exploitability,
                                    const char *harm);

enum medsec_support_status {
    MEDSEC_SUPPORT_NOT_RELEASED = 0, /* today is before the release date */
    MEDSEC_SUPPORTED,                /* released, end of support still ahead (more than 365 days) */
    MEDSEC_SUPPORT_ENDING,           /* end of support within the next 365 days */
    MEDSEC_SUPPORT_ENDED             /* today is on or after end_of_support */
};
/* "not released", "supported", "ending", "ended". */
const char *medsec_support_status_name(enum medsec_support_status s);
/* Status of @v on @today ("YYYY-MM-DD"); @days_left gets days to end of support (may be NULL). */
enum medsec_support_status medsec_model_support_status(const struct medsec_model_version *v,
                                                       const char *today, long *days_left);

/* ---- dates and suggestions, shared with other modules ---- */

/* The candidate closest to @word by edit distance when close enough to be a likely typo, or NULL.
 */
const char *medsec_suggest(const char *word, const char *const *candidates, size_t n);

/* The JSON Schema (draft 2020-12) of device.yaml, generated from the loader's table, into a new
 * NUL-terminated string (caller frees with medsec_free). */
medsec_err medsec_model_schema_json(char **out, size_t *len) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
