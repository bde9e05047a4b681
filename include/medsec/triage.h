/*
 * medsec/triage.h: the triage file (triage.yaml in the device folder, docs/triage.md): one decision
 * per vulnerability and component, rules that decide many findings at once, and the due-date
 * policy; and the assessment of a scan plan's findings against it (untriaged, stale, past due,
 * decided by rule or by hand), from which the VEX writers take their statements.
 *
 *     struct medsec_triage *t;
 *     struct medsec_triage_report rep;
 *     if (medsec_triage_new(&t, &err) == MEDSEC_OK &&
 *         medsec_triage_read(t, path, &err) == MEDSEC_OK &&
 *         medsec_triage_assess(t, db, plan, NULL, &rep, &err) == MEDSEC_OK) {
 *         ... rep.items[i] ...
 *         medsec_triage_report_release(&rep);
 *     }
 *     medsec_triage_free(t);
 */
#ifndef MEDSEC_TRIAGE_H
#define MEDSEC_TRIAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/arena.h"
#include "medsec/cvss.h"
#include "medsec/db.h"
#include "medsec/error.h"
#include "medsec/vex.h"

#ifdef __cplusplus
extern "C" {
#endif

struct medsec_scan_plan;
struct medsec_scan_target;
struct medsec_scan_finding;

/* Caps on a triage file (untrusted input). */
#define MEDSEC_TRIAGE_MAX_BYTES (8u << 20) /* the file */
#define MEDSEC_TRIAGE_MAX_ENTRIES 100000   /* decisions, rules and seen records, each */
#define MEDSEC_TRIAGE_MAX_LIST 256         /* entries of one list (responses, built, items) */
#define MEDSEC_TRIAGE_MAX_TEXT 16384       /* bytes of one value */
#define MEDSEC_TRIAGE_MAX_VEX 64           /* supplier VEX documents named by one triage */

/* One decision: @vuln in @component (optionally limited to a version or a range). Strings belong
 * to the triage's arena. */
struct medsec_triage_decision {
    unsigned line, column; /* where it starts in its file */
    const char *file;      /* the triage file it came from */
    const char *vuln;      /* CVE-…, GHSA-…: matched against the finding's id and aliases */
    const char *component; /* a component ref ("main-board/openssl"), a purl or a CPE 2.3 name */
    const char *version;   /* the component version it was made on, or NULL */
    const char *versions;  /* a vers: range of component versions, or NULL */
    enum medsec_vex_state state;
    enum medsec_vex_cdx_justification cdx_justification;
    enum medsec_vex_justification justification; /* set for not_affected */
    const char *detail;
    unsigned responses; /* MEDSEC_VEX_RESP_* */
    const char *fixed_in;
    const char *by, *at, *due; /* who, when (YYYY-MM-DD), until when (optional) */
    const char *fingerprint;   /* the advisory fingerprint it was made against, or NULL */
    /* A suggestion from the architecture that a person accepted (`origin: suggestion`, written by
     * `medsec triage accept`; `by` is who accepted it), and the in-context CVSS vectors it came
     * with (`cvss_v3`, `cvss_v4`; NULL when none). */
    bool suggested;
    const char *cvss_v3, *cvss_v4;
    /* A supplier's statement imported from a VEX document the triage file names (`vex:`): the
     * supplier's name (`by` is "supplier NAME", `file`, `line` and `column` the statement's place
     * in the document), and the statement itself (its aliases, action). NULL for the
     * manufacturer's own decisions. */
    const char *supplier;
    const struct medsec_vex_statement *statement;
};

/* A supplier VEX document the triage file names (`vex:`), read with it by medsec_triage_read. */
struct medsec_triage_vex {
    unsigned line, column;   /* the entry, in @triage_file */
    const char *triage_file; /* the triage file that names it */
    const char *file;        /* as written: relative to the triage file's folder */
    const char *supplier;    /* who made it (the decisions' author is "supplier NAME") */
    const char *path;        /* the document's path (medsec_triage_read; NULL after _parse) */
    struct medsec_vex_doc doc;
    size_t ndecisions; /* the decisions its statements gave (in medsec_triage.supplied) */
};

enum medsec_triage_rule_kind {
    MEDSEC_TRIAGE_RULE_KERNEL = 0, /* kernel CVEs in a source path the device does not build */
    MEDSEC_TRIAGE_RULE_LOCAL,      /* CVSS AV:L / AV:P on items without local users */
    MEDSEC_TRIAGE_RULE_CWE,        /* every finding of one component with one CWE */
    MEDSEC_TRIAGE_RULE_KIND_COUNT
};
/* "kernel_subsystem", "local_attacker", "cwe". */
const char *medsec_triage_rule_kind_name(enum medsec_triage_rule_kind k);

struct medsec_triage_rule {
    unsigned line, column;
    const char *file;
    const char *id;
    enum medsec_triage_rule_kind kind;
    const char *component;    /* KERNEL, CWE: the component (ref, purl or CPE) */
    const char *const *built; /* KERNEL: source paths the build compiles ("net/ipv4", "fs/ext4") */
    size_t nbuilt;
    const char *const *items; /* LOCAL: security-file items with no local users */
    size_t nitems;
    const char *cwe; /* CWE: "CWE-79" */
    enum medsec_vex_state state;
    enum medsec_vex_cdx_justification cdx_justification;
    enum medsec_vex_justification justification;
    const char *detail;
    unsigned responses;
    const char *by, *at;
};

/* When a finding was first seen (written by `medsec triage set`). */
struct medsec_triage_seen {
    const char *vuln, *component, *version, *first_seen;
};

/* Days to decide, counted from first seen: by severity, and for findings in CISA KEV. */
struct medsec_triage_policy {
    long days[MEDSEC_CVSS_SEV_CRITICAL + 1]; /* index: enum medsec_cvss_severity; UNKNOWN too */
    long kev_days;
};

struct medsec_triage {
    struct medsec_triage_decision *decisions;
    size_t ndecisions;
    struct medsec_triage_rule *rules;
    size_t nrules;
    struct medsec_triage_seen *seen;
    size_t nseen;
    struct medsec_triage_vex *vex; /* the supplier VEX documents named (`vex:`) */
    size_t nvex;
    struct medsec_triage_decision *supplied; /* their statements, as decisions by the supplier */
    size_t nsupplied;
    struct medsec_triage_policy policy;
    bool has_policy;          /* the file set one (else the defaults) */
    const char *const *files; /* the files read, in order */
    size_t nfiles;
    struct medsec_arena arena;
};

/* An empty triage (the default policy, nothing decided); free with medsec_triage_free. */
medsec_err medsec_triage_new(struct medsec_triage **out, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* Read one more triage file into @t (a portfolio may share files: decisions add up, the last file
 * that sets a policy wins), and the supplier VEX documents it names (`vex:`, paths relative to its
 * folder), each statement a decision attributed to the supplier (@t->supplied). A supplier document
 * that cannot be read whole (not VEX, a statement that would be skipped: any warning of
 * medsec_vex_read) is an error naming the document, line, column and field. Errors name the file,
 * line and column; on failure @t is unchanged except for memory. */
medsec_err medsec_triage_read(struct medsec_triage *t, const char *path, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* The same on text: the `vex:` entries are recorded, not read (no file is opened). */
medsec_err medsec_triage_parse(struct medsec_triage *t, const char *text, size_t len,
                               const char *name, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* Turn the statements of supplier document @doc (read by medsec_vex_read) into decisions by
 * @supplier in @t->supplied, as medsec_triage_read does for each `vex:` entry: one per statement
 * whose product is a purl or a CPE 2.3 name (with the statement's version or range). @path names
 * the document in the decisions. The statements must live as long as @t. */
medsec_err medsec_triage_add_supplier(struct medsec_triage *t, const char *path,
                                      const char *supplier, const struct medsec_vex_doc *doc,
                                      size_t *nadded, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* Name supplier VEX document @file (relative to the triage file's folder) by @supplier in @t
 * (`vex:`), replacing an entry of the same file; for `medsec triage import`. Strings are copied. */
medsec_err medsec_triage_put_vex(struct medsec_triage *t, const char *file, const char *supplier,
                                 struct medsec_error *err) __attribute__((warn_unused_result));
void medsec_triage_free(struct medsec_triage *t);

/* The triage file as YAML text (a generated comment header, then policy, rules, decisions and seen
 * records in the order held) into @out. */
medsec_err medsec_triage_format(const struct medsec_triage *t, struct medsec_buf *out);
/* Add or replace (same vuln, component, version and versions) a decision; strings are copied. */
medsec_err medsec_triage_put(struct medsec_triage *t, const struct medsec_triage_decision *d,
                             struct medsec_error *err) __attribute__((warn_unused_result));
/* Record that @vuln was first seen on @component @version on @date, unless it is already. */
medsec_err medsec_triage_mark_seen(struct medsec_triage *t, const char *vuln, const char *component,
                                   const char *version, const char *date, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* A state in CycloneDX's words or OpenVEX's (affected, fixed, under_investigation), and a
 * justification in CycloneDX's nine words (@cdx set, @j its OpenVEX equivalent) or OpenVEX's five
 * (@cdx UNSTATED): what the file accepts, for front ends that take the same words. */
bool medsec_triage_state_parse(const char *s, enum medsec_vex_state *out);
bool medsec_triage_justification_parse(const char *s, enum medsec_vex_cdx_justification *cdx,
                                       enum medsec_vex_justification *j);
/* Does the component spec of a decision or rule (a component ref, a purl or a CPE 2.3 name; a
 * version in the purl or CPE must be the component's) name @c? */
struct medsec_sbom_component;
bool medsec_triage_component_is(const char *spec, const struct medsec_sbom_component *c);
/* Is @id the id of @v or one of its aliases? */
struct medsec_scan_vuln;
bool medsec_triage_vuln_is(const char *id, const struct medsec_scan_vuln *v);

/* The advisory fingerprint of finding @f on @comp_version: 16 hex digits of a stable 64-bit hash
 * over what the advisory says that matters for a decision (each match's source, record, method,
 * key and range, the component's own version taken out; the chosen CVSS vector and score; KEV
 * membership). @out gets 17 bytes. */
void medsec_triage_fingerprint(const struct medsec_scan_finding *f, const char *comp_version,
                               char out[17]);

/* How a finding stands. */
enum medsec_triage_status {
    MEDSEC_TRIAGE_UNTRIAGED = 0, /* no decision, no rule */
    MEDSEC_TRIAGE_STALE,         /* a decision made against another fingerprint */
    MEDSEC_TRIAGE_BY_RULE,
    MEDSEC_TRIAGE_BY_HAND,
    MEDSEC_TRIAGE_BY_FILE,       /* the security file's own `vulnerabilities:` assessment */
    MEDSEC_TRIAGE_BY_SUPPLIER,   /* a supplier's VEX statement the triage file names */
    MEDSEC_TRIAGE_BY_SUGGESTION, /* a decision that accepted a suggestion from the architecture */
    MEDSEC_TRIAGE_STATUS_COUNT
};
/* "untriaged", "stale", "rule", "hand", "security file", "supplier", "suggestion". */
const char *medsec_triage_status_name(enum medsec_triage_status s);

/* A suggestion from the architecture for an open finding (docs/triage.md, "Suggestions from the
 * architecture"): a state and justification, and the advisory's CVSS put in the device's context
 * (CVSS 3.1 and 4.0 environmental metrics), with the reasoning. Never applied by itself: `medsec
 * triage accept` records it as a decision of the person who accepts it. Strings live in the
 * report's arena. */
struct medsec_triage_suggestion {
    enum medsec_vex_state state; /* MEDSEC_VEX_EXPLOITABLE or MEDSEC_VEX_NOT_AFFECTED */
    enum medsec_vex_cdx_justification cdx_justification;
    enum medsec_vex_justification justification;
    unsigned responses; /* MEDSEC_VEX_RESP_* */
    /* in-context vectors (base plus environmental metrics) and their scores; NULL / -1 when the
     * advisory gives no CVSS v3.x or v4.0 base. @v4_translated: the 4.0 base is translated from
     * the 3.x one (FIRST defines no conversion: docs/triage.md says how) */
    const char *v3, *v4;
    double v3_base, v3_score, v4_base, v4_score;
    bool v4_translated;
    const char *const *reasons; /* the reasoning, one line each */
    size_t nreasons;
    const char *detail; /* the reasoning as one text: what an accepted decision's detail gets */
};

/* One finding of one release, assessed. */
struct medsec_triage_item {
    const struct medsec_scan_target *target;
    const struct medsec_scan_finding *finding; /* NULL for a finding the security file assessed */
    size_t component;                          /* index into target->sbom->components */
    const char *vuln;                          /* the finding's id */
    char fingerprint[17];                      /* today's ("" without a finding) */
    enum medsec_triage_status status;
    const struct medsec_triage_decision *decision; /* BY_HAND, STALE, BY_SUPPLIER (the
                                                    * supplier's) */
    /* The supplier statement that covers the finding, whatever decided it: when the status is
     * not BY_SUPPLIER, the manufacturer's decision (or the security file) overrides it. */
    const struct medsec_triage_decision *supplier;
    /* A decision of the manufacturer that would lower a supplier's exploitable statement but
     * gives no `detail` (why): it does not override, the supplier's statement stands. */
    const struct medsec_triage_decision *refused;
    const struct medsec_triage_rule *rule; /* BY_RULE */
    const char *rule_reason;               /* why the rule matched (report's arena) */
    enum medsec_vex_state state;           /* the decision's or rule's, else in_triage */
    const char *first_seen;                /* YYYY-MM-DD: the seen record, else the release date */
    const char *due; /* YYYY-MM-DD, for what is still open; NULL when decided */
    bool past_due;
    bool seen_recorded; /* first_seen comes from a `seen:` record */
    /* untriaged or stale: the architecture's suggestion (NULL: none, @no_suggestion says why) */
    const struct medsec_triage_suggestion *suggestion;
    const char *no_suggestion;
};

/* A decision that matched nothing in the releases looked at. */
struct medsec_triage_unused {
    const struct medsec_triage_decision *decision;
    bool shipped; /* a release ships the component in range (the finding went away) */
};

struct medsec_triage_report {
    struct medsec_triage_item *items; /* in target order, then finding order */
    size_t nitems;
    struct medsec_triage_unused *unused;
    size_t nunused;
    struct medsec_arena arena;
};

/* Which releases to assess, and on what day. */
struct medsec_triage_assess_opts {
    const char *today;   /* YYYY-MM-DD: what is past due */
    const char *release; /* only this release (NULL: see `all`) */
    bool all;            /* every release, also those no longer in the field */
};

/* Does an assessment with @opts look at target @t: its release is @opts' release, or @opts asks
 * for all, or the release is in the field (a target with no release is)? */
bool medsec_triage_assesses(const struct medsec_scan_target *t,
                            const struct medsec_triage_assess_opts *opts);

/*
 * Assess every finding of the plan's targets (after medsec_scan_plan_run) against @t: by default
 * those of releases in the field (targets with no release too). @db (may be NULL) gives the CWE
 * lists cwe rules read. @opts may be NULL. Release @out with medsec_triage_report_release (also
 * after a failure).
 */
medsec_err medsec_triage_assess(const struct medsec_triage *t, struct medsec_db *db,
                                const struct medsec_scan_plan *plan,
                                const struct medsec_triage_assess_opts *opts,
                                struct medsec_triage_report *out, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* The same over @n targets of the caller's (scanned, with their model when they belong to a
 * device). */
medsec_err medsec_triage_assess_targets(const struct medsec_triage *t, struct medsec_db *db,
                                        const struct medsec_scan_target *const *targets, size_t n,
                                        const struct medsec_triage_assess_opts *opts,
                                        struct medsec_triage_report *out, struct medsec_error *err)
    __attribute__((warn_unused_result));
void medsec_triage_report_release(struct medsec_triage_report *r);

/* A report counted, for release @release (NULL: all). `open` counts what is untriaged, stale or
 * past due: what `medsec triage` exits 1 for. */
struct medsec_triage_counts {
    size_t findings;
    size_t by_status[MEDSEC_TRIAGE_STATUS_COUNT];
    size_t past_due, open;
    /* open findings (untriaged, stale) with a suggestion from the architecture: all, those it
     * suggests as exploitable, those with an in-context CVSS; and those with none */
    size_t suggested, suggested_exploitable, suggested_scored, unsuggested;
};
void medsec_triage_summary(const struct medsec_triage_report *r, const char *release,
                           struct medsec_triage_counts *c);

/* Does a decision by the manufacturer in @state lower a supplier's statement in @supplier (an
 * exploitable statement answered by anything but exploitable)? Such an override needs a detail. */
bool medsec_triage_lowers(enum medsec_vex_state supplier, enum medsec_vex_state state);
/* Is the item decided (by hand, by a rule or by a supplier) and not stale: what other outputs take
 * over the security file and the feeds? */
bool medsec_triage_item_decided(const struct medsec_triage_item *it);

/*
 * The VEX statements of release @release (NULL: every release assessed) of a report: one per
 * finding, the decision's or rule's state, justification, detail, responses and fixing release
 * (origin manufacturer, author the decision's `by` or "rule ID"), else in_triage. Stale decisions
 * still give their state. Appended to @doc; strings go to the doc's arena.
 */
medsec_err medsec_triage_statements(const struct medsec_triage_report *r, const char *release,
                                    struct medsec_vex_doc *doc, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* The same, only for the findings decided by hand, by a rule or by a supplier and not stale (a
 * supplier's statement gives origin MEDSEC_VEX_BY_SUPPLIER, author "supplier NAME"): what other
 * outputs
 * (`medsec vex`, `medsec gate`) take from the triage file over the security file and the feeds. A
 * stale decision gives nothing here: the advisory changed since it was made, so the finding is
 * open again until someone looks. */
medsec_err medsec_triage_decided_statements(const struct medsec_triage_report *r,
                                            const char *release, struct medsec_vex_doc *doc,
                                            struct medsec_error *err)
    __attribute__((warn_unused_result));

/*
 * What `medsec triage` computes for the device folder @dir: its triage file (the security file's
 * `triage:`, else DIR/triage.yaml when there is one) and the @nextra files of @extra read, every
 * release scanned against @db (may be NULL: no findings), and the findings of the releases @opts
 * names assessed. The diagnostics of opening the device and the scan's notes go to @diags (may be
 * NULL). @out is the caller's, released with medsec_triage_session_close (also after a failure).
 */
struct medsec_triage_session {
    struct medsec_triage *triage;
    struct medsec_scan_plan *plan;
    struct medsec_triage_report report;
    bool has_file; /* a triage file was read */
};
struct medsec_ctx;
struct medsec_diags;
struct medsec_model;
/* The triage file of the device in @dir whose security file is @m (may be NULL): the file its
 * `triage:` names, else DIR/triage.yaml (which need not exist). Free with medsec_free; NULL when
 * memory ran out. */
char *medsec_triage_path(const char *dir, const struct medsec_model *m);
/* What the triage file says that the security file @m does not have: a local_attacker rule's items
 * must be items of @m (else the rule can never decide a finding). Errors to @diags, at the rule's
 * position in its file; returns how many. */
size_t medsec_triage_check(const struct medsec_triage *t, const struct medsec_model *m,
                           struct medsec_diags *diags);
medsec_err medsec_triage_session_open(const struct medsec_ctx *ctx, const char *dir,
                                      const char *const *extra, size_t nextra, struct medsec_db *db,
                                      const struct medsec_triage_assess_opts *opts,
                                      struct medsec_triage_session *out, struct medsec_diags *diags,
                                      struct medsec_error *err) __attribute__((warn_unused_result));
void medsec_triage_session_close(struct medsec_triage_session *s);

#ifdef __cplusplus
}
#endif
#endif
