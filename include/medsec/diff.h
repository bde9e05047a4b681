/*
 * medsec/diff.h: what changed between two releases of a device (docs/diff.md): components added,
 * removed and updated per SBOM; with a vulnerability database, findings new, fixed and changed;
 * and the risks of the two registers that appeared, went or moved.
 *
 *     struct medsec_diff *df;
 *     if (medsec_diff_releases(ctx, d, db, "3.1.4", "3.2.0", &df, &err) == MEDSEC_OK) {
 *         ... df->sboms[i].components[k] ..., df->risks[k] ...
 *     }
 *     medsec_diff_free(df);
 *
 * Components are matched by identity: the purl without its version (type, namespace, name; the
 * qualifiers and subpath are left out), else the group and name. A component that has a purl on
 * one side only is matched by name; two purls of different types or names are two components.
 */
#ifndef MEDSEC_DIFF_H
#define MEDSEC_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/arena.h"
#include "medsec/ctx.h"
#include "medsec/db.h"
#include "medsec/device.h"
#include "medsec/error.h"
#include "medsec/model.h"
#include "medsec/risk.h"
#include "medsec/sbom.h"
#include "medsec/scan.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What happened to one thing between release A and release B. */
enum medsec_diff_change {
    MEDSEC_DIFF_ADDED,   /* only in B (components: added; findings: new; risks: new) */
    MEDSEC_DIFF_REMOVED, /* only in A (components: removed; findings: fixed; risks: gone) */
    MEDSEC_DIFF_UPDATED, /* in both, different (components: the version or its support) */
    MEDSEC_DIFF_SAME,    /* in both, alike (kept out of the lists, counted) */
    MEDSEC_DIFF_CHANGE_COUNT
};
/* The word each section uses: components "added" / "removed" / "updated", findings "new" /
 * "fixed" / "changed", risks "new" / "gone" / "changed". */
const char *medsec_diff_component_change_name(enum medsec_diff_change c);
const char *medsec_diff_finding_change_name(enum medsec_diff_change c);
const char *medsec_diff_risk_change_name(enum medsec_diff_change c);

/* ---- components ------------------------------------------------------------------------------ */

/* One component of one side, with the level of support the security file states for it. */
struct medsec_diff_side {
    const struct medsec_sbom_component *c; /* NULL: not on this side */
    const char *sbom;                      /* its SBOM as device.yaml names it (may be NULL) */
    const struct medsec_model_component_support *support; /* component_support entry, or NULL */
};

struct medsec_diff_component {
    enum medsec_diff_change change;
    const char
        *identity; /* "pkg:TYPE/NS/NAME" or "name:GROUP/NAME" or "name:NAME" (owned by the diff) */
    struct medsec_diff_side a, b;
    bool version_changed; /* both sides, different version strings */
    bool support_changed; /* both sides, different support level or end of support */
};

/* What a component list changed, counted. `same` counts matched components left unchanged. */
struct medsec_diff_counts {
    size_t n[MEDSEC_DIFF_CHANGE_COUNT]; /* index: enum medsec_diff_change */
};

/*
 * Match the components of the @nsa SBOMs @sa with those of the @nsb SBOMs @sb (one each for an
 * SBOM pair; every SBOM of a release for the release as a whole; entries may be NULL) and append
 * every added, removed and updated one to *@out (an array of *@n with room *@cap, grown with
 * medsec_malloc; the caller frees it with medsec_free; identities live in @arena), sorted by
 * identity. Within one identity, equal versions pair first, the rest pair in version order (text),
 * the remainder is added or removed. @path_a / @path_b (may be NULL) name the SBOMs as device.yaml
 * does, to find their component_support entries in @m (may be NULL). @counts (may be NULL) gets
 * the totals added to it.
 */
medsec_err medsec_diff_components(const struct medsec_sbom *const *sa, const char *const *path_a,
                                  size_t nsa, const struct medsec_sbom *const *sb,
                                  const char *const *path_b, size_t nsb,
                                  const struct medsec_model *m, struct medsec_arena *arena,
                                  struct medsec_diff_component **out, size_t *n, size_t *cap,
                                  struct medsec_diff_counts *counts, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* The identity of @c as described above, into @arena; NULL when out of memory. */
const char *medsec_diff_identity(struct medsec_arena *arena, const struct medsec_sbom_component *c);

/* ---- findings -------------------------------------------------------------------------------- */

/* One finding of one side: the component and the vulnerability as that release's scan gives it. */
struct medsec_diff_finding_side {
    const struct medsec_sbom_component *c; /* NULL: not on this side */
    const char *sbom;                      /* its SBOM as device.yaml names it */
    const struct medsec_scan_vuln *vuln;   /* NULL when the file assesses it (see state) */
    enum medsec_vuln_status state;         /* the file's assessment, else affected */
    bool assessed;                         /* the security file states `state` */
};

enum {
    MEDSEC_DIFF_F_VERSION = 1u << 0, /* the component's version moved */
    MEDSEC_DIFF_F_SCORE = 1u << 1,   /* CVSS score or severity */
    MEDSEC_DIFF_F_KEV = 1u << 2,     /* KEV listing */
    MEDSEC_DIFF_F_EPSS = 1u << 3,    /* EPSS probability (to 4 decimals) */
    MEDSEC_DIFF_F_STATE = 1u << 4,   /* the file's assessment */
};

struct medsec_diff_finding {
    enum medsec_diff_change change;
    const char *id;       /* the vulnerability (merged identity) */
    const char *identity; /* the component's identity */
    struct medsec_diff_finding_side a, b;
    unsigned changed; /* MEDSEC_DIFF_F_*, for MEDSEC_DIFF_UPDATED */
};

/* ---- risks ----------------------------------------------------------------------------------- */

enum {
    MEDSEC_DIFF_R_INITIAL_EXPLOITABILITY = 1u << 0,
    MEDSEC_DIFF_R_INITIAL_SEVERITY = 1u << 1,
    MEDSEC_DIFF_R_RESIDUAL_EXPLOITABILITY = 1u << 2,
    MEDSEC_DIFF_R_RESIDUAL_SEVERITY = 1u << 3,
    MEDSEC_DIFF_R_ACCEPTANCE = 1u << 4, /* acceptable / justified / open */
};

struct medsec_diff_risk {
    enum medsec_diff_change change;
    const char *id;
    const struct medsec_risk_item *a, *b; /* items of the diff's registers; NULL: not there */
    unsigned changed;                     /* MEDSEC_DIFF_R_*, for MEDSEC_DIFF_UPDATED */
};

/* "acceptable", "justified" or "open": where a risk's residual stands. */
const char *medsec_diff_risk_acceptance(const struct medsec_risk_item *it);

/* ---- triage decisions ------------------------------------------------------------------------ */

/* How a decision of the triage file (docs/triage.md) moved from A to B. */
enum medsec_diff_decision_change {
    MEDSEC_DIFF_D_BECAME_STALE = 0, /* current on A; on B the advisory changed since it was made */
    MEDSEC_DIFF_D_CURRENT_AGAIN,    /* stale on A; current on B */
    MEDSEC_DIFF_D_STOPPED,          /* covers a finding on A, none on B (the finding went away) */
    MEDSEC_DIFF_D_STARTED,          /* covers a finding on B only */
    MEDSEC_DIFF_D_CHANGE_COUNT
};
/* "became stale", "current again", "no longer applies", "applies now". */
const char *medsec_diff_decision_change_name(enum medsec_diff_decision_change c);

/* One decision that moved; strings live in the diff's arena. */
struct medsec_diff_decision {
    enum medsec_diff_decision_change change;
    const char *vuln, *component; /* as the decision names them */
    const char *file;             /* the triage file and the decision's line in it */
    unsigned line;
    const char *by;            /* who made it, or NULL */
    const char *made_against;  /* the fingerprint it was made against, or NULL */
    const char *fingerprint_a; /* today's fingerprint of a finding it covers on A, or NULL */
    const char *fingerprint_b; /* on B */
    const char *component_version_a, *component_version_b; /* of those findings, or NULL */
};

/* ---- the whole diff -------------------------------------------------------------------------- */

/* One SBOM of A paired with one of B (same subject, else same file name), or an SBOM only one of
 * them has. */
struct medsec_diff_sbom {
    const char *path_a, *path_b; /* as device.yaml names them; NULL: not in that release */
    const struct medsec_sbom *a, *b;
    struct medsec_diff_component *components; /* added, removed, updated; by identity */
    size_t ncomponents;
    struct medsec_diff_counts counts;
};

struct medsec_diff {
    const char *device;
    const struct medsec_model_version *a, *b;
    bool with_db; /* findings were compared */
    struct medsec_diff_sbom *sboms;
    size_t nsboms;
    /* totals: components matched over all SBOMs of each release (a component that moved from one
     * SBOM to another is not added and removed), findings of the release, risks of the register */
    struct medsec_diff_counts components, findings, risks;
    struct medsec_diff_finding *findings_v; /* new, fixed, changed (with a database) */
    size_t nfindings;
    struct medsec_diff_risk *risks_v; /* new, gone, changed; by id */
    size_t nrisks;
    struct medsec_risk_register reg_a, reg_b;
    /* medsec_diff_databases: one release, two databases (a == b, no SBOM pairs), each known by
     * its last import and update (medsec_db_freshness) */
    bool databases;
    struct medsec_db_status db_a, db_b;
    /* medsec_diff_decisions: the triage decisions that moved, by change, then file order */
    bool with_triage;
    struct medsec_diff_decision *decisions_v;
    size_t ndecisions;
    size_t decisions[MEDSEC_DIFF_D_CHANGE_COUNT];
    /* private */
    struct medsec_scan_plan *plan, *plan_b;
    struct medsec_arena arena;
};

/*
 * Compare release @a with release @b of @d (versions of its device.yaml; @a is meant to be the
 * older): components of every SBOM, the risk registers (medsec_device_risks of each, with @db when
 * given) and, with @db (may be NULL), the findings of both releases scanned against that same
 * database. Runs under @ctx (NULL: the one in force), which should be the one @d was opened with.
 * MEDSEC_ENOTFOUND, naming device.yaml, when a version is not the file's. *@out is the caller's:
 * free it with medsec_diff_free.
 */
medsec_err medsec_diff_releases(const struct medsec_ctx *ctx, struct medsec_device *d,
                                struct medsec_db *db, const char *a, const char *b,
                                struct medsec_diff **out, struct medsec_error *err)
    __attribute__((warn_unused_result));
/*
 * What two vulnerability databases (yesterday's and today's, before and after an import) say about
 * release @version (NULL: the current version) of @d: the findings of its SBOMs matched against
 * @db_a and against @db_b, and its risk registers with each; no components (they are the same).
 * Findings change here in their score, KEV listing and EPSS too. Otherwise as
 * medsec_diff_releases.
 */
medsec_err medsec_diff_databases(const struct medsec_ctx *ctx, struct medsec_device *d,
                                 struct medsec_db *db_a, struct medsec_db *db_b,
                                 const char *version, struct medsec_diff **out,
                                 struct medsec_error *err) __attribute__((warn_unused_result));
/*
 * Hold the findings of both sides of @df (made with a database) against triage @t: each side's
 * findings assessed as `medsec triage` does (A against @db_a, B against @db_b: the same database
 * for two releases; @today for due dates), and the decisions that became stale, became current
 * again, stopped or started covering a finding are kept in @df. EINVAL when @df has no findings.
 */
struct medsec_triage;
medsec_err medsec_diff_decisions(struct medsec_diff *df, const struct medsec_triage *t,
                                 struct medsec_db *db_a, struct medsec_db *db_b, const char *today,
                                 struct medsec_error *err) __attribute__((warn_unused_result));
void medsec_diff_free(struct medsec_diff *df);

/* The diff as one JSON document (docs/schema/diff-report.schema.json). */
struct medsec_jsonw;
void medsec_diff_json(struct medsec_jsonw *w, const struct medsec_diff *df);

#ifdef __cplusplus
}
#endif
#endif
