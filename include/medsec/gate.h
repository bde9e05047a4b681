/*
 * medsec/gate.h: the release gate. A small declarative policy (docs/gate.md) names the rules a
 * release must pass before it ships (no unjustified residual risk, no KEV finding without a
 * response, no finding untriaged too long, no fielded release past its end of support without a
 * plan, no shipped component past its end of support, every requirement with passing evidence,
 * no shipped component the vulnerability scan could not check);
 * medsec_gate_run evaluates each enabled rule on an open device and says, per rule and release,
 * whether it passes and which items fail it.
 */
#ifndef MEDSEC_GATE_H
#define MEDSEC_GATE_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/arena.h"
#include "medsec/domain.h"
#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

struct medsec_device;
struct medsec_db;
struct medsec_sbom_component;

/* The rules, in the order they are evaluated and printed. */
enum medsec_gate_rule {
    MEDSEC_GATE_NO_UNJUSTIFIED_RESIDUAL_RISK = 0,
    MEDSEC_GATE_KEV_NEEDS_RESPONSE,
    MEDSEC_GATE_UNTRIAGED_MAX_DAYS,
    MEDSEC_GATE_NO_STALE_DECISIONS,
    MEDSEC_GATE_FIELDED_VERSION_PAST_EOS_NEEDS_PLAN,
    MEDSEC_GATE_NO_COMPONENT_PAST_EOS,
    MEDSEC_GATE_NO_UNCHECKED_COMPONENTS,
    MEDSEC_GATE_REQUIREMENTS_VERIFIED,
    MEDSEC_GATE_RULE_COUNT
};
/* The rule's name in a policy file ("kev_needs_response" ...). */
const char *medsec_gate_rule_name(enum medsec_gate_rule r);
/* One line saying what the rule asks for. */
const char *medsec_gate_rule_summary(enum medsec_gate_rule r);

/* untriaged_max_days when the policy gives no `days` (and in the built-in policy). */
#define MEDSEC_GATE_DEFAULT_MAX_DAYS 30
/* Caps on a policy file. */
#define MEDSEC_GATE_POLICY_MAX_BYTES (64 * 1024)
#define MEDSEC_GATE_POLICY_MAX_DAYS 36500

struct medsec_gate_policy {
    const char *name;                      /* "default" for the built-in one */
    const char *file;                      /* the file it was read from; NULL when built in */
    bool enabled[MEDSEC_GATE_RULE_COUNT];  /* rules the policy turns on */
    unsigned line[MEDSEC_GATE_RULE_COUNT]; /* where each rule is set in the file (0: not there) */
    long max_days;                         /* untriaged_max_days: its `days` */
    struct medsec_arena arena;
};

/* The built-in policy: every rule on, untriaged_max_days 30. Needs no release. */
void medsec_gate_policy_default(struct medsec_gate_policy *p);
/*
 * Read a policy from @text (YAML, @len bytes; @filename names it in errors) into @p (zeroed).
 * MEDSEC_EPARSE for YAML that is not well-formed, MEDSEC_EINVAL for a key, rule or value the format
 * does not allow or a policy that turns on no rule, MEDSEC_ETOOBIG over
 * MEDSEC_GATE_POLICY_MAX_BYTES; @err has file, line, column. Release @p with
 * medsec_gate_policy_release also after a failure.
 */
medsec_err medsec_gate_policy_parse(const char *text, size_t len, const char *filename,
                                    struct medsec_gate_policy *p, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* The same from the file at @path (MEDSEC_EIO when it cannot be read). */
medsec_err medsec_gate_policy_load(const char *path, struct medsec_gate_policy *p,
                                   struct medsec_error *err) __attribute__((warn_unused_result));
void medsec_gate_policy_release(struct medsec_gate_policy *p);

/*
 * A decision about one finding from somewhere other than the security file (the triage file, once
 * it exists): kev_needs_response and untriaged_max_days ask the caller's lookup for each finding
 * the security file leaves open.
 */
struct medsec_gate_decision {
    enum medsec_vuln_status state; /* under_investigation does not count as a decision */
    bool response;      /* for affected: a response (update, workaround ...) is on file */
    const char *source; /* what decided, for the report ("triage.yaml"), may be NULL */
};
/* True with *@out filled when a decision exists for @vuln_id on component @c of release
 * @version. */
typedef bool (*medsec_gate_decide_fn)(void *ud, const char *version,
                                      const struct medsec_sbom_component *c, const char *vuln_id,
                                      struct medsec_gate_decision *out);

/* A decision of the triage file made against an advisory that has changed since (its fingerprint
 * differs): no_stale_decisions fails on each, in the release it concerns. */
struct medsec_gate_stale {
    const char *version; /* the release */
    const char *item;    /* "CVE-... in openssl 1.0.2j" */
    const char *reason;  /* what changed, and where the decision is written */
};

struct medsec_gate_opts {
    const char *today;            /* "YYYY-MM-DD": required */
    const char *version;          /* NULL: the default scope (docs/gate.md, "Which releases") */
    struct medsec_db *db;         /* NULL: the rules on findings are skipped */
    medsec_gate_decide_fn decide; /* may be NULL */
    void *decide_ud;
    /* no_stale_decisions: skipped unless a triage file was read (and a database given) */
    bool triage_read;
    const struct medsec_gate_stale *stale;
    size_t nstale;
};

enum medsec_gate_outcome { MEDSEC_GATE_PASS = 0, MEDSEC_GATE_FAIL, MEDSEC_GATE_SKIP };
/* "pass", "fail", "skip". */
const char *medsec_gate_outcome_name(enum medsec_gate_outcome o);

/* One item that fails a rule. */
struct medsec_gate_failure {
    const char *item;      /* what: a risk id, "CVE-... in openssl 1.0.2", a component, a version */
    const char *reason;    /* why it fails */
    unsigned line, column; /* where the item is in device.yaml; 0 when it is not written there */
};

/* One rule on one release (or on the whole file: version NULL). */
struct medsec_gate_result {
    enum medsec_gate_rule rule;
    const char *version;
    enum medsec_gate_outcome outcome;
    const char *note; /* what was checked ("14 risks"), or why the rule was skipped */
    struct medsec_gate_failure *failures;
    size_t nfailures, cap;
};

struct medsec_gate_report {
    const char *device;      /* the device's name */
    const char *device_file; /* its device.yaml */
    const char *policy;      /* the policy's name */
    const char *today;
    struct medsec_gate_result *results; /* rule order, then release order of the file */
    size_t n, cap;
    size_t failed, skipped; /* results that failed and that were skipped */
    struct medsec_arena arena;
};

/*
 * Evaluate every rule @p enables on device @d (docs/gate.md) into @out (zeroed). The report is the
 * caller's: release it with medsec_gate_report_release (also after a failure). MEDSEC_EINVAL when
 * @o has no valid `today`, MEDSEC_ENOTFOUND when @o->version is not a release of the file; errors
 * of the database as medsec_scan_plan_run gives them.
 */
medsec_err medsec_gate_run(struct medsec_device *d, const struct medsec_gate_policy *p,
                           const struct medsec_gate_opts *o, struct medsec_gate_report *out,
                           struct medsec_error *err) __attribute__((warn_unused_result));
void medsec_gate_report_release(struct medsec_gate_report *r);

#ifdef __cplusplus
}
#endif
#endif
