/* scan_int.h: what the parts of the matcher share: the scan state, findings and the entry point of
 * each path (rows.c: purl and product, cpe_configs.c: CPE, details.c: vulnerability records). */
#ifndef MEDSEC_SCAN_INT_H
#define MEDSEC_SCAN_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/cpe.h"
#include "medsec/purl.h"
#include "medsec/scan.h"

#define VMAX MEDSEC_VERSION_MAX /* longest version we order; longer ones are "unorderable" */

/* One CPE name of an SBOM component. */
struct sbom_cpe {
    size_t comp;
    const char *src; /* the CPE name as the SBOM gives it */
    struct medsec_cpe
        *wfn;           /* parsed, with the component's version filled in when the CPE left it open;
                         * NULL when no advisory names its key (parsed again if a criterion needs it) */
    char version[VMAX]; /* unquoted version ("" when none) */
    char vendor[128], product[128]; /* unquoted, for the cheap pre-check of criteria */
    const char *evidence; /* a derived CPE (derive.c): what it was derived from; NULL: the SBOM's */
};

struct cpe_pair; /* an (entry, configuration) the CPE path found, with why (cpe_configs.c) */
struct medsec_cpemap;
struct cpe_config; /* one configuration loaded for evaluation (cpe_configs.c) */

struct scan {
    struct medsec_db *db;
    const struct medsec_db_coverage *dbcov; /* what the database can check (coverage.c) */
    const struct medsec_sbom *sbom;
    unsigned flags;
    struct medsec_scan_result *res;
    struct medsec_diags *notes;
    struct medsec_error *err;
    medsec_err rc; /* first failure inside a callback */
    size_t cap_findings;
    size_t comp_first; /* first finding of the current component */
    /* the component being matched */
    size_t comp;
    const char *version; /* its version ("" when unknown) */
    const struct medsec_purl *purl;
    char vendors[4][128];
    size_t nvendors; /* normalised vendor names for the product path */
    struct sbom_cpe *ccpes;
    size_t nccpes; /* this component's CPEs (a slice of cpes) */
    /* every SBOM CPE, in component order (cpe_configs.c) */
    struct sbom_cpe *cpes;
    size_t ncpes;
    size_t cpe_cursor;        /* first SBOM CPE of the current component */
    struct medsec_arena wfns; /* the parsed SBOM CPEs kept (sbom_cpe.wfn) */
    struct cpe_pair *pairs;
    size_t npairs, cap_pairs;
    struct cpe_config *config; /* eval_config's buffer, kept for the whole scan */
    /* CPE derivation (derive.c): the caller's map, the built-in one, the dictionary's presence */
    const struct medsec_cpemap *user_map;
    struct medsec_cpemap *builtin_map;
    bool have_dict;
    /* the vulnerability records made so far, found by id through an open-addressing table
     * (details.c) */
    struct medsec_scan_vuln **vulns;
    size_t nvulns, cap_vulns;
    size_t *slots;
    size_t nslots;
};

/* scan.c: failures, notes and findings */
medsec_err scan_nomem(struct scan *S);
const char *scan_strdup(struct scan *S,
                        const char *s); /* into the result's arena; NULL stays NULL */
void scan_note(struct scan *S, enum medsec_severity sev, size_t comp, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* The finding of vulnerability @id on the current component, made when new. NULL on failure
 * (S->rc). */
struct medsec_scan_finding *scan_finding_for(struct scan *S, const char *id);
void scan_add_fixed(struct scan *S, struct medsec_scan_finding *f, const char *v, size_t n);
void scan_add_match(struct scan *S, struct medsec_scan_finding *f, enum medsec_scan_method m,
                    const char *source, const char *record, const char *name, const char *key,
                    const char *reason, bool review);

void scan_add_match_derived(struct scan *S, struct medsec_scan_finding *f,
                            enum medsec_scan_method m, const char *source, const char *record,
                            const char *name, const char *key, const char *reason, bool review,
                            const char *derived_cpe, const char *evidence);

/* derive.c: CPEs for components that carry none. _init reads the maps (failures in S->rc);
 * scan_derive gives component @i's derived CPEs as formatted strings with version ANY, each with
 * its evidence, into the arena @a (returns how many, at most @cap) */
void scan_derive_init(struct scan *S, const struct medsec_cpemap *user_map);
size_t scan_derive(struct scan *S, size_t i, struct medsec_arena *a, const char **cpes,
                   const char **evidence, size_t cap);
void scan_derive_release(struct scan *S);

/* rows.c: the purl and product paths for the current component (@p: its purl, NULL when it has
 * none) */
void scan_purl_path(struct scan *S, const struct medsec_purl *p);
void scan_product_path(struct scan *S, const struct medsec_purl *p);

/* cpe_configs.c: the SBOM's CPEs, loaded once; the CPE path for the current component */
medsec_err scan_load_cpes(struct scan *S);
void scan_cpe_path(struct scan *S);
void scan_cpe_release(struct scan *S);

/* coverage.c: the coverage of component @i, whose purl is @p (NULL: none or not valid), and the
 * result's counts and ecosystems once every component is done */
void scan_cover_component(struct scan *S, size_t i, const struct medsec_purl *p);
void scan_cover_finish(struct scan *S);

/* details.c: the record of vulnerability @id (made with the id alone when new; NULL on failure),
 * the details of every record from the database, and the table's memory */
struct medsec_scan_vuln *scan_vuln_for(struct scan *S, const char *id);
medsec_err scan_vuln_details(struct scan *S);
void scan_vulns_release(struct scan *S);

#endif
