/* medsec/threat.h: STRIDE-per-element threat generation over a generic element graph, driven by a
 * rule catalog kept as data (rules/threats.yaml plus the user's own catalogs). */
#ifndef MEDSEC_THREAT_H
#define MEDSEC_THREAT_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/arena.h"
#include "medsec/domain.h"
#include "medsec/idmap.h"
#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- the element graph ------------------------------------------------------------------- */

/* Element kinds (enum medsec_element_kind) are in medsec/domain.h. */

enum medsec_tm_vtype { MEDSEC_TM_BOOL = 0, MEDSEC_TM_STR, MEDSEC_TM_LIST };

/* One named attribute of an element: a boolean, a string, or a list of strings. */
struct medsec_tm_attr {
    const char *name;
    enum medsec_tm_vtype type;
    bool b;
    const char *s;
    const char **items;
    size_t nitems, cap;
    struct medsec_tm_attr *next;
};

struct medsec_tm_element {
    enum medsec_element_kind kind;
    const char *id;
    const char *name;             /* display name (defaults to id) */
    const char *zone;             /* trust-zone id; NULL for flows and crossings */
    const char *from;             /* flows and crossings: source element / zone id */
    const char *to;               /* flows and crossings: destination element / zone id */
    struct medsec_tm_attr *attrs; /* unordered; look up with medsec_tm_attr_get */
};

struct medsec_tm_zone {
    const char *id;
    const char *name;
    int trust;                 /* higher = more trusted; only compared, never shown */
    enum medsec_access access; /* who can reach it (medsec_model_zone_access) */
};

/*
 * The graph owns every string and element (one arena); pointers stay valid until release.
 * Elements live in a growable array: do not keep element pointers across medsec_tm_add_element.
 */
struct medsec_tm_graph {
    struct medsec_arena arena;
    struct medsec_tm_zone *zones;
    size_t nzones, zcap;
    struct medsec_tm_element *elements;
    size_t n, cap;
    struct medsec_idmap ids, zone_ids; /* elements and zones by id */
};

#define MEDSEC_TM_MAX_ELEMENTS 100000

void medsec_tm_graph_init(struct medsec_tm_graph *g);
void medsec_tm_graph_release(struct medsec_tm_graph *g);

/* Add a zone / an element (strings are copied). EINVAL on a duplicate id, ETOOBIG past the cap. */
medsec_err medsec_tm_add_zone(struct medsec_tm_graph *g, const char *id, const char *name,
                              int trust, enum medsec_access access)
    __attribute__((warn_unused_result));
medsec_err medsec_tm_add_element(struct medsec_tm_graph *g, enum medsec_element_kind kind,
                                 const char *id, const char *name, const char *zone,
                                 const char *from, const char *to, size_t *index)
    __attribute__((warn_unused_result));

/* Set an attribute of element @index (replacing one of the same name), or append to a list
 * attribute (created when absent; a duplicate item is not added twice). */
medsec_err medsec_tm_set_bool(struct medsec_tm_graph *g, size_t index, const char *name, bool v)
    __attribute__((warn_unused_result));
medsec_err medsec_tm_set_str(struct medsec_tm_graph *g, size_t index, const char *name,
                             const char *v) __attribute__((warn_unused_result));
medsec_err medsec_tm_add_item(struct medsec_tm_graph *g, size_t index, const char *name,
                              const char *item) __attribute__((warn_unused_result));

const struct medsec_tm_attr *medsec_tm_attr_get(const struct medsec_tm_element *e,
                                                const char *name);
/* True when a list attribute @name holds @item (ASCII case-insensitive). */
bool medsec_tm_has_item(const struct medsec_tm_element *e, const char *name, const char *item);
/* The MDS2 scope classes (MEDSEC_FIT_* of domain.h) element @e belongs to: a capability code fits a
 * threat on @e when its medsec_capability_info()->fits shares one with them. */
unsigned medsec_tm_element_fits(const struct medsec_tm_element *e);
const struct medsec_tm_element *medsec_tm_find(const struct medsec_tm_graph *g, const char *id);
const struct medsec_tm_zone *medsec_tm_find_zone(const struct medsec_tm_graph *g, const char *id);

/*
 * Derive what the rules look at but nobody writes by hand (docs/threats.md, "derived attributes"):
 * for each flow `from_kind`, `to_kind`, `from_zone`, `to_zone`, `crosses_zone`, `to_trust_higher`,
 * and `to_clinical_functions`/`to_hazards` (its destination's); one zone_crossing element per
 * ordered pair of zones with `flows`, `protocol`, `encrypted`/`authenticated`/`integrity` (true
 * only when true for every flow) and the union of the flows' capabilities. Call once, after every
 * element is added. EINVAL when a flow names an element that does not exist.
 */
medsec_err medsec_tm_graph_derive(struct medsec_tm_graph *g, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* ---- the rule catalog -------------------------------------------------------------------- */

struct medsec_tm_cond; /* a compiled `when:` condition (opaque) */

enum medsec_tm_rating { MEDSEC_TM_LOW = 0, MEDSEC_TM_MEDIUM, MEDSEC_TM_HIGH };
const char *medsec_tm_rating_name(enum medsec_tm_rating r);

enum medsec_tm_effect { MEDSEC_TM_SILENCE = 0, MEDSEC_TM_DOWNGRADE };

/* One `mitigated_by` entry: every capability listed is applied to the element AND `when` holds. */
struct medsec_tm_mitigation {
    const char **capabilities;
    size_t ncapabilities;
    const struct medsec_tm_cond *when; /* NULL = no attribute condition */
    enum medsec_tm_effect effect;
    const char *rationale; /* may be NULL */
};

struct medsec_tm_rule {
    const char *id;
    const char *title; /* may hold {name}, {id}, {zone}, {from}, {to}, {protocol} placeholders */
    const char *rationale; /* why the threat exists; may be NULL */
    unsigned channels;     /* bit (1u << enum medsec_channel) per channel it can happen on; 0 = the
                            * rule is not about a medium (items, people) */
    unsigned kinds; /* bit (1u << enum medsec_element_kind) per element kind the rule applies to */
    enum medsec_stride stride;
    const struct medsec_tm_cond *when; /* NULL = always */
    enum medsec_tm_rating rating;      /* exploitability hint before controls */
    const char *hazard; /* MDCG generic security hazard, e.g. denial_of_service; may be NULL */
    const char **cwe, **capec, **controls;
    size_t ncwe, ncapec, ncontrols;
    const struct medsec_tm_mitigation *mitigations;
    size_t nmitigations;
    const char *file; /* catalog the rule came from, and its position */
    unsigned line, column;
};

struct medsec_tm_catalog {
    struct medsec_arena arena;
    struct medsec_tm_rule *rules;
    size_t n, cap;
};

#define MEDSEC_TM_MAX_RULES 10000
#define MEDSEC_TM_MAX_CATALOG_BYTES ((size_t)4 << 20)
#define MEDSEC_TM_MAX_COND_DEPTH 32

void medsec_tm_catalog_init(struct medsec_tm_catalog *c);
void medsec_tm_catalog_release(struct medsec_tm_catalog *c);

/*
 * Load a catalog (format in docs/threats.md) and add its rules. A rule whose id is already in the
 * catalog (from an earlier file) replaces it, so users can override a default rule; the same id
 * twice in one file is an error. On error nothing is added and @err holds file:line:column.
 * @name labels the text in messages.
 */
medsec_err medsec_tm_catalog_load(struct medsec_tm_catalog *c, const char *text, size_t len,
                                  const char *name, struct medsec_error *err)
    __attribute__((warn_unused_result));
medsec_err medsec_tm_catalog_load_file(struct medsec_tm_catalog *c, const char *path,
                                       struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Load the default catalog (rules/threats.yaml, compiled into the library). */
medsec_err medsec_tm_catalog_load_default(struct medsec_tm_catalog *c, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Evaluate a compiled condition against an element (NULL holds for every element). */
bool medsec_tm_cond_eval(const struct medsec_tm_cond *cond, const struct medsec_tm_element *e);

/* ---- threats ----------------------------------------------------------------------------- */

enum medsec_tm_status {
    MEDSEC_TM_OPEN = 0, /* no applied control addresses it */
    MEDSEC_TM_REDUCED,  /* a control downgraded it (rating lowered by one) */
    MEDSEC_TM_MITIGATED /* a control silences it; kept only when asked for */
};
const char *medsec_tm_status_name(enum medsec_tm_status s);

struct medsec_threat {
    char id[128];        /* "T-" + 8 hex digits (medsec_threat_id); manual threats keep their own */
    const char *rule_id; /* NULL for manual threats */
    const char *element_id;
    enum medsec_element_kind kind;
    enum medsec_stride stride;
    const char *title;
    const char *rationale;
    enum medsec_tm_rating rating;         /* after downgrades */
    enum medsec_tm_rating initial_rating; /* from the rule */
    enum medsec_tm_status status;
    const char *mitigation; /* what silenced / downgraded it, or NULL */
    const char *hazard;
    const char **cwe, **capec, **controls, **missing, **clinical_functions, **hazards;
    size_t ncwe, ncapec, ncontrols, nmissing, nclinical_functions, nhazards;
    bool manual;
    bool by_design; /* silenced by what the element is (a `mitigated_by` with no capabilities:
                     * the port is disabled, the keys are in a secure element), not by a control:
                     * the threat does not apply, and the risk register leaves it out */
};

/* Owns its threats and their strings. Sorted by element id, STRIDE order, rule id, id. */
struct medsec_threat_list {
    struct medsec_arena arena;
    struct medsec_threat *v;
    size_t n, cap;
};

/* A threat written by hand in the security file; merged by medsec_threats_merge_manual. */
struct medsec_threat_manual {
    const char *id;      /* required; replaces a generated threat with the same id */
    const char *element; /* element id; may be NULL */
    enum medsec_stride stride;
    const char *title;
    const char *rationale;
    enum medsec_tm_rating rating;
    const char *hazard;
    const char *const *cwe, *const *capec, *const *controls;
    size_t ncwe, ncapec, ncontrols;
};

/*
 * The stable id of the threat rule @rule_id raises on element @element_id: "T-" followed by the
 * first 8 hex digits of FNV-1a-64 over "rule_id NUL element_id". It depends on nothing else, so
 * edits elsewhere in the security file keep ids (and the triage/risk decisions keyed on them).
 */
void medsec_threat_id(const char *rule_id, const char *element_id, char out[16]);

void medsec_threat_list_init(struct medsec_threat_list *l);
void medsec_threat_list_release(struct medsec_threat_list *l);

#define MEDSEC_TM_WITH_MITIGATED 1u /* keep silenced threats (status mitigated) in the list */

/* Apply every rule to every element of @g (derived already). EINVAL on an id collision. */
medsec_err medsec_threats_generate(const struct medsec_tm_graph *g,
                                   const struct medsec_tm_catalog *c, unsigned flags,
                                   struct medsec_threat_list *out, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* Merge manual threats (replacing same-id generated ones; EINVAL on two manual with one id), sort.
 */
medsec_err medsec_threats_merge_manual(struct medsec_threat_list *l,
                                       const struct medsec_tm_graph *g,
                                       const struct medsec_threat_manual *m, size_t n,
                                       struct medsec_error *err)
    __attribute__((warn_unused_result));
const struct medsec_threat *medsec_threats_find(const struct medsec_threat_list *l, const char *id);

/* ---- from the security file (model.h) ------------------------------------------------------ */

struct medsec_model;
struct medsec_model_control;

/*
 * Build the element graph of a loaded security file (docs/threats.md, "The element graph"): zones,
 * items as processes / data stores / external entities, interfaces, flows, the capabilities of the
 * active controls on the elements they apply to (a zone: its elements; an asset: where it is stored
 * or carried), clinical functions from the assets, hazards from the manual threats; then derive.
 */
medsec_err medsec_tm_from_model(const struct medsec_model *m, struct medsec_tm_graph *g,
                                struct medsec_error *err) __attribute__((warn_unused_result));
/* Merge the file's `threats:` (its first element and first STRIDE category; rating from its
 * exploitability level's third of the scale; hazards from the threat and from hazards naming it).
 */
medsec_err medsec_threats_merge_model(struct medsec_threat_list *l, const struct medsec_tm_graph *g,
                                      const struct medsec_model *m, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* False for a control whose status is `planned`: it does not act yet. */
bool medsec_tm_control_active(const struct medsec_model_control *c);

#ifdef __cplusplus
}
#endif
#endif
