/* medsec/risk.h: the security risk engine (exploitability x severity of harm, AAMI TIR57 style):
 * acceptance matrix, control effects, residual risk, acceptability, and exploitability inputs
 * (threat rating, CVSS exploitability metrics, KEV, EPSS). */
#ifndef MEDSEC_RISK_H
#define MEDSEC_RISK_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/arena.h"
#include "medsec/domain.h"
#include "medsec/error.h"
#include "medsec/idmap.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A risk class a matrix cell names (e.g. "low", "medium", "high") and whether it is acceptable. */
struct medsec_risk_class {
    const char *name;
    bool acceptable;
};

/*
 * How the device judges risk; the device file configures it, the caller owns every pointer.
 * `matrix[e * nseverity + s]` is the class index for exploitability level e and severity level s;
 * levels are ordered lowest first.
 */
struct medsec_risk_config {
    const char *const *exploitability;
    size_t nexploitability;
    const char *const *severity;
    size_t nseverity;
    const unsigned char *matrix;
    const struct medsec_risk_class *classes;
    size_t nclasses;
    double epss_threshold; /* EPSS at or above it raises exploitability one level; 0 = 0.1 */
};

#define MEDSEC_RISK_MAX_LEVELS 16
#define MEDSEC_RISK_EPSS_DEFAULT 0.1

/* EINVAL (with a message) when a level list is empty or too long, or a cell names no class. */
medsec_err medsec_risk_config_check(const struct medsec_risk_config *cfg, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Class index of a cell (levels are clamped into range). */
size_t medsec_risk_class_of(const struct medsec_risk_config *cfg, int exploit, int severity);

/* What one control does to one risk. Several controls do not add up: the largest exploitability
 * reduction counts (docs/risk.md, "Controls"); a by-design control's severity reduction is
 * already in the residual severity the caller gives, and listed for the record. */
struct medsec_risk_control {
    const char *id;
    const char *name;
    int exploit_reduction;  /* levels of exploitability it removes (>= 0) */
    int severity_reduction; /* levels of severity it removes (>= 0) */
    const char *rationale;
    const char *evidence; /* passing evidence that verifies it ("EV-1, EV-2"), or NULL */
    const char
        *safety_hazard; /* set when this is a safety risk control of that hazard (MDCG 2019-16
                         * 3.2: a safety control with a security effect); NULL otherwise */
    bool unclaimed;     /* it applies but is not credited (planned, no rationale, no evidence):
                         * the rationale field says why, and it removes nothing */
};

struct medsec_risk_input {
    const char *id;
    int exploitability; /* initial level (index into cfg->exploitability) */
    int severity;       /* initial level (index into cfg->severity) */
    const struct medsec_risk_control *controls;
    size_t ncontrols;
    bool has_residual_severity; /* the caller computed the residual severity (per asset) */
    int residual_severity;
    bool has_residual_exploitability; /* the caller computed it (per way in) */
    int residual_exploitability;
};

struct medsec_risk_result {
    int initial_exploitability, initial_severity;
    size_t initial_class;
    int residual_exploitability, residual_severity;
    size_t residual_class;
    bool initial_acceptable, residual_acceptable;
    /* When the residual risk is unacceptable: the fewest exploitability levels (with severity kept)
     * and severity levels (with exploitability kept) still to remove to reach an acceptable cell;
     * -1 when no reduction along that axis alone is enough. 0 when acceptable. */
    int close_by_exploitability, close_by_severity;
    bool justified; /* unacceptable after controls, with a benefit-risk justification on file */
};

/*
 * Initial risk from the input levels, residual risk after the controls (each axis: the caller's
 * residual when given, else the initial level minus the largest reduction of one control; levels
 * never go below the lowest nor above the initial), acceptability from the matrix. EINVAL on an
 * out-of-range level, a negative reduction or a reducing control without rationale (@err says
 * which).
 */
medsec_err medsec_risk_assess(const struct medsec_risk_config *cfg,
                              const struct medsec_risk_input *in, struct medsec_risk_result *out,
                              struct medsec_error *err) __attribute__((warn_unused_result));

/*
 * The impact of a CVSS vector on confidentiality, integrity and availability into @cia (0 none,
 * 1 low, 2 high): v3.x C/I/A (N/L/H), v2 C/I/A (None/Partial/Complete), v4.0 the higher of the
 * vulnerable system's (VC/VI/VA) and the subsequent systems' (SC/SI/SA). EPARSE when it lacks them.
 */
medsec_err medsec_risk_impact_from_cvss(const char *vector, int cia[3])
    __attribute__((warn_unused_result));

/* What a CVSS vector says an attacker needs (docs/risk.md, "Exploitability"). */
struct medsec_risk_cvss_needs {
    enum medsec_access position; /* AV: N network, A adjacent, L local, P physical */
    bool privileges;             /* PR:L or PR:H (v2: Au:S or Au:M) */
    bool interaction;            /* UI:R (v4: UI:P or UI:A) */
    bool complex;                /* AC:H (v4: AC:H or AT:P) */
};
/* EPARSE when the vector lacks AV (or PR / UI / Au for its version). */
medsec_err medsec_risk_cvss_needs(const char *vector, struct medsec_risk_cvss_needs *out)
    __attribute__((warn_unused_result));

/* Raise @level for known exploitation: KEV listed -> one level above the higher of @level and
 * @ceiling (the level the device's architecture allows, which exploitation in the wild shows is
 * met); otherwise EPSS >= @threshold (0 = default 0.1) -> one level up. @epss < 0 means unknown.
 * The result stays on the @n-level scale. */
int medsec_risk_exploit_raise(int level, int ceiling, size_t n, bool kev, double epss,
                              double threshold);

/* ---- the register ---------------------------------------------------------------------------- */

/* What the caller knows about one security risk; strings are copied by medsec_risk_register_add. */
struct medsec_risk_spec {
    const char *id;               /* risk id, e.g. "R-" + threat id */
    const char *threat_id;        /* may be NULL (a finding) */
    const char *vulnerability_id; /* the known vulnerability (CVE ...) the risk is about, or NULL */
    const char *title;
    const char *element;       /* may be NULL */
    enum medsec_stride stride; /* MEDSEC_STRIDE_NONE when not a STRIDE threat */
    const char *hazard;        /* MDCG generic security hazard, may be NULL */
    int exploitability;
    const char *exploitability_basis; /* why that level (rating, CVSS, KEV, EPSS) */
    int severity;
    const char *severity_basis; /* which clinical function / harm sets it */
    bool has_residual_severity; /* the residual severity is given (by-design controls per asset) */
    int residual_severity;
    bool has_residual_exploitability; /* the residual exploitability is given (per way in) */
    int residual_exploitability;
    const char *residual_severity_basis; /* what sets it, when it differs from the initial */
    const struct medsec_risk_control *controls;
    size_t ncontrols;
    const char *const *safety_hazards; /* hazards of the safety file this risk can cause */
    size_t nsafety_hazards;
    const char *const *suggested; /* controls / capability codes that are suggested but missing */
    size_t nsuggested;
    /* the benefit-risk justification of a residual risk above the acceptable region, or NULL */
    const char *accepted_by, *accepted_on, *acceptance_rationale;
};

struct medsec_risk_item {
    struct medsec_risk_spec spec; /* copied; pointers owned by the register */
    struct medsec_risk_result result;
};

/* Owns its config copy, items and strings. Items keep the order they were added in. */
struct medsec_risk_register {
    struct medsec_arena arena;
    struct medsec_risk_config config;
    const char *version; /* the release assessed, or NULL */
    struct medsec_risk_item *items;
    size_t n, cap;
    struct medsec_idmap ids; /* items by risk id */
};

/* Check and copy @cfg into @r (which must be zeroed or released). */
medsec_err medsec_risk_register_init(struct medsec_risk_register *r,
                                     const struct medsec_risk_config *cfg, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* Assess @spec and add it; EINVAL when the assessment rejects it, or the id is taken. */
medsec_err medsec_risk_register_add(struct medsec_risk_register *r,
                                    const struct medsec_risk_spec *spec, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* Sort items by residual class (worst first), then residual exploitability and severity, then id.
 */
void medsec_risk_register_sort(struct medsec_risk_register *r);
/* How many risks are unacceptable after controls (residual) and before them (initial). */
size_t medsec_risk_register_unacceptable(const struct medsec_risk_register *r);
size_t medsec_risk_register_unacceptable_initial(const struct medsec_risk_register *r);
/* How many residual risks are unacceptable with no benefit-risk justification on file. */
size_t medsec_risk_register_unjustified(const struct medsec_risk_register *r);
/* The risk with id @id, or NULL. */
const struct medsec_risk_item *medsec_risk_register_find(const struct medsec_risk_register *r,
                                                         const char *id);
void medsec_risk_register_release(struct medsec_risk_register *r);

/* ---- what the register says, as text, JSON and CSV ------------------------------------------- */

struct medsec_buf;
struct medsec_jsonw;

/* A level's name on the register's scale ("?" out of range), and a class's name. */
const char *medsec_risk_exploitability_name(const struct medsec_risk_config *c, int level);
const char *medsec_risk_severity_name(const struct medsec_risk_config *c, int level);
const char *medsec_risk_class_name(const struct medsec_risk_config *c, size_t cls);

/* What would close an unacceptable residual risk, appended to @b: "lower exploitability by 2 levels
 * or severity by 1 level; suggested: TXCF, NAUT" (nothing when the risk is acceptable). */
medsec_err medsec_risk_closing_text(struct medsec_buf *b, const struct medsec_risk_item *it);

/* One risk as a JSON object (docs/risk.md, "JSON"); its levels named on @c's scales. */
void medsec_risk_item_json(struct medsec_jsonw *w, const struct medsec_risk_config *c,
                           const struct medsec_risk_item *it);

/* The register as CSV (RFC 4180; header row, then one row per risk), appended to @b. */
medsec_err medsec_risk_register_csv(struct medsec_buf *b, const struct medsec_risk_register *r)
    __attribute__((warn_unused_result));

/* ---- safety <-> security links (MDCG 2019-16 3.2) -------------------------------------------- */

struct medsec_risk_hazard_control {
    const char *control,
        *risk; /* a safety control with a security effect, and the risk it lowers */
};

/* One hazard of the safety file with the security risks that can cause it and its safety controls
 * that lower security risks. */
struct medsec_risk_hazard_links {
    const char *id, *name; /* name "" when the hazard has no title */
    const char **risks;    /* register order */
    size_t nrisks;
    struct medsec_risk_hazard_control *controls;
    size_t ncontrols;
};

/* Every hazard of the security file, in file order; owns what it points to. */
struct medsec_risk_links {
    struct medsec_arena arena;
    struct medsec_risk_hazard_links *v;
    size_t n;
};

struct medsec_model;

/* The links of each hazard of @m as the register @r states them (its risks' safety_hazards, its
 * controls' safety_hazard). The strings point into @r and @m, which must outlive @out; release it
 * with medsec_risk_links_release. */
medsec_err medsec_risk_links_build(struct medsec_risk_links *out,
                                   const struct medsec_risk_register *r,
                                   const struct medsec_model *m, struct medsec_error *err)
    __attribute__((warn_unused_result));
void medsec_risk_links_release(struct medsec_risk_links *l);

/* One release still in the field, summed up (docs/risk.md, "Every fielded version"). */
struct medsec_risk_version {
    const char *version, *support, *end_of_support;
    bool current;
    size_t risks, above_initial, above, unjustified; /* as the register of that release counts */
    const char *const *ended; /* components past their end of support ("name version (ref), ended
                               * YYYY-MM-DD") */
    size_t nended;
};

/* The whole register as one JSON document (docs/risk.md): device, version, matrix, risks, hazards
 * with their links, summary, and (@nversions > 0) the releases in the field. */
void medsec_risk_register_json(struct medsec_jsonw *w, const char *device,
                               const struct medsec_risk_register *r,
                               const struct medsec_risk_links *links,
                               const struct medsec_risk_version *versions, size_t nversions);

/* ---- from the security file (model.h) ------------------------------------------------------ */

struct medsec_tm_graph;
struct medsec_threat_list;
struct medsec_diags;

/*
 * Start @reg with the file's scales and matrix: exploitability levels from `risk_matrix`, severity
 * from the clinical harm scale (both by rank, lowest first), cells from the matrix rows; classes
 * acceptable and tolerable (ALARP; counted as acceptable) and unacceptable. EINVAL when the file
 * has no matrix or a cell is missing.
 */
medsec_err medsec_risk_register_from_model(struct medsec_risk_register *reg,
                                           const struct medsec_model *m, struct medsec_error *err)
    __attribute__((warn_unused_result));
/*
 * Add one risk per threat that is not silenced (docs/risk.md): exploitability from the threat's
 * stated level, its MITRE rubric answers (CVSS), or the rule rating; severity from the worst harm
 * of the assets it reaches (property by STRIDE category) and of the hazards it leads to; the active
 * controls on its element that cover its category and lower exploitability / severity by one level
 * with their rationale; planned controls and missing capabilities as what would close it.
 * Then one risk per known vulnerability of the file (status affected, under_investigation or not
 * stated): exploitability from the CVSS vector its rubric answers give; severity from the worst
 * harm of the assets reachable through the items it affects (stored in them or carried by their
 * flows), for the properties the rubric says it impacts for the assets' clinical functions;
 * controls it names, and active controls on those items without a STRIDE restriction. Sorts.
 */
medsec_err medsec_risk_from_model(struct medsec_risk_register *reg, const struct medsec_model *m,
                                  const struct medsec_tm_graph *g,
                                  const struct medsec_threat_list *threats,
                                  struct medsec_diags *notes, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* A known vulnerability that matching the device's SBOMs found (medsec scan), for the register. */
struct medsec_risk_finding {
    const char *id;             /* the vulnerability (CVE-..., GHSA-...) */
    const char *const *aliases; /* its other ids */
    size_t naliases;
    const char *sbom;      /* the SBOM file as device.yaml names it (items[].sbom) */
    const char *component; /* the component's ref in that SBOM */
    const char *component_name, *component_version; /* may be NULL */
    const char *cvss_vector;                        /* the chosen score's vector, or NULL */
    bool kev;                                       /* in CISA's KEV catalog */
    double epss;                                    /* EPSS probability, < 0 when unknown */
    const char *summary;                            /* may be NULL */
    const char *const *fixed; /* versions that fix it, as the advisories give them */
    size_t nfixed;
};

/*
 * Add one risk per finding, `R-<id>@<component>`, on the items whose SBOM holds the component
 * (listed in their components, or the item owns the whole SBOM): exploitability from the CVSS
 * vector's exploitability metrics (none: the middle level), raised for KEV and EPSS >=
 * @epss_threshold (0 = 0.1); severity from the worst harm over the assets reachable through those
 * items, for the properties the vector's C/I/A impact (v4: vulnerable or subsequent system) touches
 * (no vector: all); controls as for the file's vulnerabilities; what would close it starts with the
 * update to a fixed version when the advisories name one. A finding the security file assesses
 * itself
 * (`vulnerabilities:` with the same id or an alias, on one of those items or naming the component)
 * is left to that assessment and counted in @assessed (may be NULL). A finding whose risk id is
 * already in the register (the same component ref in two SBOMs of the release) is added once. Sorts
 * the register.
 */
medsec_err medsec_risk_add_findings(struct medsec_risk_register *reg, const struct medsec_model *m,
                                    const struct medsec_risk_finding *f, size_t n,
                                    double epss_threshold, size_t *assessed,
                                    struct medsec_diags *notes, struct medsec_error *err)
    __attribute__((warn_unused_result));

/*
 * What the architecture says about one finding (docs/triage.md, "Suggestions from the
 * architecture"): where what the component's items process comes from, whether those ways in
 * authenticate the sender, what losing each security property of them harms, and which credited
 * controls lower the most exposed ways in. `medsec triage` builds its in-context CVSS and its
 * suggested state from it. Texts are in words, for the reasoning a person reads.
 */
struct medsec_risk_context {
    bool placed; /* some item of the security file runs the component */
    /* the component implements a communication protocol or what authenticates it (a kernel or
     * network stack, TLS, SSH, Wi-Fi, Bluetooth, MQTT): its flaws need the channel itself, so
     * content other items pass on does not reach them, and it handles input before the sender is
     * authenticated (docs/triage.md lists the names) */
    bool protocol;
    char items[256]; /* their ids, comma-separated */
    /* the most exposed position content reaches those items from (MEDSEC_ACCESS_COUNT: unknown),
     * and the way in; @hosted: a way in of an item that runs on the component's item */
    enum medsec_access position;
    char position_why[400];
    bool hosted;
    /* the position the vector's attack vector needs (MEDSEC_ACCESS_COUNT: no vector), and the
     * less exposed of the two, which the in-context score uses */
    enum medsec_access vector_position, modified_position;
    /* every way in at @modified_position or more exposed authenticates the sender (interface or
     * flow `authenticated: true`); else @auth_why names one that does not */
    bool authenticated;
    char auth_why[400];
    /* per property (C, I, A): the worst harm left after by-design controls on the severity scale
     * (-1: nothing with a harm is reached), whether the loss leads to a hazard of the file, and
     * the path */
    int harm[3];
    bool hazard[3];
    char harm_why[3][400];
    char hazards[3][200]; /* the hazards the loss leads to, by id ("HZ-OVERINF, HZ-DELAY") */
    size_t nseverity;     /* levels on the file's severity scale */
    /* credited exploitability controls lower every most exposed way in of the register's
     * analysis (@controlled); @controlled_other: the item's own controls do, without those on the
     * ways in (channel protections, which authenticate the sender: counted in @authenticated);
     * @control_why and @control_other_why name them */
    bool controlled, controlled_other;
    char control_why[400], control_other_why[400];
};

/* The context of each of @n findings (as medsec_risk_add_findings places them) into @out[n]. */
medsec_err medsec_risk_finding_contexts(const struct medsec_model *m,
                                        const struct medsec_risk_finding *f, size_t n,
                                        struct medsec_risk_context *out, struct medsec_error *err)
    __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif
#endif
