/*
 * medsec/scan.h: the vulnerability matcher. Matches the components of an SBOM against the local
 * database (medsec/db.h) three ways, and never by a bare package name:
 *
 *   purl   same purl type, namespace and name (normalised per type); the version is checked against
 *          the advisory's ranges (OSV SEMVER / ECOSYSTEM events, vers: ranges) and versions lists
 *          under the ecosystem's own version scheme. GIT ranges are never matched by version.
 *   cpe    the component's CPEs against NVD (and CSAF) match criteria with the same vendor:product:
 *          NISTIR 7696 name matching, versionStart/End Including/Excluding ranges under the generic
 *          scheme, and the whole configuration evaluated (AND nodes with running-on platforms are
 *          satisfied only by platforms the SBOM itself lists, unless MEDSEC_SCAN_ANY_PLATFORM).
 *   cpe-derived  a component of a C/C++ package type (conan, generic, a Yocto/OpenEmbedded recipe)
 *          or with no purl at all, that carries no CPE, gets CPEs derived from facts: its package
 *          name in a map of exact names (the caller's medsec_scan_opts.cpe_map first, then the
 *          built-in rules/cpe-map.tsv; medsec/cpemap.h), or its download, website or VCS URL
 *          against URL prefixes of those maps and the NVD CPE dictionary's product references
 *          (a host shared by many projects must match down to the project; a host or path that
 *          names several products derives nothing). Matched as on the cpe path, and every match
 *          says which CPE was derived and from what (medsec_scan_match.derived_cpe, evidence).
 *          Never for npm, PyPI, Maven or any other package type: their names are not CPEs.
 *   product  CSAF products that carry neither purl nor CPE: the product name equals the component
 *          name (case-insensitively) AND the component's vendor (purl namespace, CPE vendor,
 *          supplier or group) occurs in the CSAF vendor name. Ranges a person must read (free text
 *          the importer flagged) give findings marked `review`.
 *
 * Findings of one vulnerability (merged identity: CVE, GHSA, OSV and vendor ids are one) on one
 * component are one finding with every match that led to it (source, record, method, reason). What
 * belongs to the vulnerability itself (aliases, chosen CVSS score, KEV, EPSS) is one record per
 * identity, read once per scan and shared by the findings of every component it affects.
 *
 * OSV range semantics are medsec_version_osv_contains (medsec/version.h).
 */
#ifndef MEDSEC_SCAN_H
#define MEDSEC_SCAN_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/arena.h"
#include "medsec/cvss.h"
#include "medsec/db.h"
#include "medsec/diag.h"
#include "medsec/error.h"
#include "medsec/sbom.h"

#ifdef __cplusplus
extern "C" {
#endif

/* medsec_scan_opts.flags */
enum {
    MEDSEC_SCAN_NO_PURL = 1u << 0,    /* skip the purl path */
    MEDSEC_SCAN_NO_CPE = 1u << 1,     /* skip the CPE path */
    MEDSEC_SCAN_NO_PRODUCT = 1u << 2, /* skip CSAF product-name matching */
    MEDSEC_SCAN_ANY_PLATFORM =
        1u << 3, /* running-on platforms of AND configurations count as present */
    MEDSEC_SCAN_WITHDRAWN = 1u << 4,      /* also report withdrawn / rejected entries */
    MEDSEC_SCAN_NO_DERIVED_CPE = 1u << 5, /* derive no CPEs (skip the cpe-derived path) */
};

struct medsec_cpemap;
struct medsec_scan_opts {
    unsigned flags;
    /* the device's own CPE map, read before the built-in one (medsec/cpemap.h); NULL: none */
    const struct medsec_cpemap *cpe_map;
};

enum medsec_scan_method {
    MEDSEC_SCAN_BY_PURL,
    MEDSEC_SCAN_BY_CPE,
    MEDSEC_SCAN_BY_PRODUCT,
    MEDSEC_SCAN_BY_DERIVED_CPE,
};
#define MEDSEC_SCAN_NMETHODS 4
/* "purl", "cpe", "product", "cpe-derived". */
const char *medsec_scan_method_name(enum medsec_scan_method m);
bool medsec_scan_method_parse(const char *name, enum medsec_scan_method *out);
/* The medsec_scan_opts flag that turns the path off (MEDSEC_SCAN_NO_PURL ...). */
unsigned medsec_scan_method_skip_flag(enum medsec_scan_method m);

/* One reason a finding matched. Strings live in the result's arena. */
struct medsec_scan_match {
    enum medsec_scan_method method;
    const char *source;    /* "osv", "nvd", "csaf" */
    const char *record_id; /* the advisory that says so (provenance) */
    const char *name;      /* the id that source gives the vulnerability */
    const char *key; /* what matched: canonical package key, CPE criterion or "vendor / product" */
    const char *reason; /* why the version is affected, e.g. "1.0.2j in [1.0.2, 1.0.2k)" */
    bool review;        /* the advisory's range is free text: a person must confirm */
    /* cpe-derived only (else NULL): the CPE derived for the component, and the evidence that
     * produced it ("purl pkg:conan/zlib@1.2.11: conan 'zlib' in the built-in CPE map, line 98") */
    const char *derived_cpe, *evidence;
};

/* One vulnerability identity, as the database describes it. Held once per identity in the result's
 * arena; every finding of it points here. */
struct medsec_scan_vuln {
    const char *id; /* merged identity name (the CVE when there is one) */
    const char **aliases;
    size_t naliases; /* every other id it has in the database, sorted */
    const char *summary;
    /* the chosen score among every record of the identity, its aliases' included: CVSS v3.1, else
     * v3.0, v4.0, v2.0; NVD's before others'; then the first by source and record id. score < 0:
     * none */
    const char *cvss_version, *cvss_vector, *cvss_source;
    /* the advisory record that carries it, as source and record id ("osv",
     * "BIT-django-2020-13254"); NULL when there is no score or it is the security file's */
    const char *cvss_record_source, *cvss_record;
    double cvss_score;
    enum medsec_cvss_severity severity; /* of the chosen score; MEDSEC_CVSS_SEV_UNKNOWN when none */
    bool kev;                           /* in CISA's Known Exploited Vulnerabilities catalog */
    const char *kev_date_added, *kev_due_date, *kev_ransomware;
    bool has_epss;
    double epss, epss_percentile;
    bool withdrawn; /* the identity is withdrawn or rejected */
};

/* One vulnerability on one component. */
struct medsec_scan_finding {
    size_t component; /* index into the SBOM's components */
    const struct medsec_scan_vuln *vuln;
    const char **fixed;
    size_t nfixed; /* versions that fix it, as the advisories give them (sorted as text) */
    struct medsec_scan_match *matches;
    size_t nmatches;
    bool review;    /* every match needs review */
    bool withdrawn; /* the identity or a record that matched is withdrawn */
};

/* ---- coverage: what each component was checked against, and why not ----
 *
 * A component is checked when a path ran on it against a database that holds advisories for it:
 * its purl ecosystem has advisory rows (purl path), or it has a CPE and the database has CPE
 * criteria (CPE path), or a CSAF product name matched it. A component that is not checked has one
 * reason. The SBOM's own subject without purl or CPE is neither checked nor unchecked. "0 findings"
 * is "checked and clean" only for checked components. */
enum medsec_scan_cover_status {
    MEDSEC_SCAN_CHECKED = 0,
    MEDSEC_SCAN_UNCHECKED_NO_DATA,      /* the database holds no advisories for its ecosystem (or
                                         * for CPEs, when it only has CPEs) */
    MEDSEC_SCAN_UNCHECKED_NO_ID,        /* neither a valid purl nor a CPE */
    MEDSEC_SCAN_UNCHECKED_UNKNOWN_TYPE, /* a purl type the purl specification does not define */
    MEDSEC_SCAN_UNCHECKED_PATH_OFF,     /* the paths that could check it were turned off */
    MEDSEC_SCAN_COVER_SUBJECT,          /* the SBOM's subject, with no purl or CPE: not counted */
};
#define MEDSEC_SCAN_COVER_NSTATUS (MEDSEC_SCAN_COVER_SUBJECT + 1)
/* "checked", "no_advisory_data", "no_identifier", "unknown_purl_type", "path_disabled",
 * "subject". */
const char *medsec_scan_cover_status_name(enum medsec_scan_cover_status s);
/* What the reason means, for people ("no advisory data for its ecosystem in this database"). */
const char *medsec_scan_cover_status_text(enum medsec_scan_cover_status s);

/* A source a component was compared with: bit (path * MEDSEC_ADV_NSOURCES + source) of
 * medsec_scan_cover.sources (path: enum medsec_scan_method, source: enum medsec_adv_source). */
#define MEDSEC_SCAN_COVER_BIT(method, source)                                                      \
    (1u << ((unsigned)(method)*MEDSEC_ADV_NSOURCES + (source)))
#define MEDSEC_SCAN_COVER_NBITS (MEDSEC_SCAN_NMETHODS * MEDSEC_ADV_NSOURCES)

/* One component's coverage. */
struct medsec_scan_cover {
    enum medsec_scan_cover_status status;
    unsigned sources;      /* MEDSEC_SCAN_COVER_BIT of each source it was compared with */
    const char *ecosystem; /* its purl's ecosystem key (medsec_db_cover_key), NULL without purl */
};

/* One purl ecosystem of the SBOM. */
struct medsec_scan_ecosystem {
    const char *name;  /* the ecosystem key ("maven", "rpm/almalinux") */
    size_t components; /* components of the SBOM with a purl of it */
    size_t checked;    /* of them, checked through their purl */
    size_t other_only; /* of them, checked only through a CPE or a CSAF product name (the purl's
                        * ecosystem has no data, or the purl path was off) */
    size_t unchecked;  /* of them, not checked */
    size_t entries;    /* the database's vulnerability entries for the ecosystem (any source) */
    bool known;        /* a purl type the purl specification defines */
};

struct medsec_scan_result {
    const struct medsec_sbom *sbom;
    /* by component, then those that need no review, then score (highest first), then id */
    struct medsec_scan_finding *findings;
    size_t nfindings;
    size_t components;      /* components looked at */
    size_t by_purl, by_cpe; /* components with a usable purl / at least one usable CPE */
    size_t by_derived_cpe;  /* components without a CPE of their own that got a derived one */
    size_t unidentified;    /* components with neither (each has a warning) */
    size_t platform_unmet;  /* configurations whose running-on platform the SBOM does not list */
    size_t unorderable;     /* advisory rows skipped: the version cannot be ordered in the scheme */
    size_t vulnerable_components;
    /* coverage: one entry per component (NULL when there are none), the counts by status and by
     * source bit, and the SBOM's purl ecosystems sorted by name */
    struct medsec_scan_cover *cover;
    size_t checked, unchecked; /* components checked / not (the subject without ids is neither) */
    size_t by_status[MEDSEC_SCAN_COVER_NSTATUS];
    size_t by_source[MEDSEC_SCAN_COVER_NBITS];
    struct medsec_scan_ecosystem *ecosystems;
    size_t necosystems;
    struct medsec_arena arena; /* the strings, matches and vulnerability records of the findings */
};

/*
 * Match every component of @sbom. Warnings (components with no identifier, unparsable purls/CPEs,
 * versions the ecosystem's scheme rejects) go to @notes, naming the SBOM file and the component's
 * line:column. The caller releases @out with medsec_scan_result_release (also after a failure).
 */
medsec_err medsec_scan_sbom(struct medsec_db *db, const struct medsec_sbom *sbom,
                            const struct medsec_scan_opts *opts, struct medsec_scan_result *out,
                            struct medsec_diags *notes, struct medsec_error *err)
    __attribute__((warn_unused_result));
void medsec_scan_result_release(struct medsec_scan_result *r);

/* Does @f's score come from an alias: a record of the identity that is not one of those that
 * matched @f? */
bool medsec_scan_score_from_alias(const struct medsec_scan_finding *f);

/* What a scan found, counted: the components and findings of one or more results, by severity. */
struct medsec_scan_totals {
    size_t components, vulnerable, findings, review, kev;
    size_t checked, unchecked; /* components checked / not checked (medsec_scan_result) */
    size_t by_severity[MEDSEC_CVSS_SEV_CRITICAL + 1]; /* index: enum medsec_cvss_severity */
};
/* Add @r to @t (zero it first). */
void medsec_scan_totals_add(struct medsec_scan_totals *t, const struct medsec_scan_result *r);

/* Finding @f of a scan of @sbom as a JSON object (docs/schema/scan-report.schema.json, `finding`):
 * the component, the vulnerability, its scores, KEV, EPSS, fixed versions and every match. */
struct medsec_jsonw;
void medsec_scan_finding_json(struct medsec_jsonw *w, const struct medsec_sbom *sbom,
                              const struct medsec_scan_finding *f);

/* The coverage of @r as a JSON object (docs/schema/scan-report.schema.json, `coverage`): the
 * counts, each source with the components compared with it, the ecosystems and every component not
 * checked with its reason. */
void medsec_scan_coverage_json(struct medsec_jsonw *w, const struct medsec_scan_result *r);

/* The coverage of @r in one line, into @out (@cap bytes): what was checked against which source,
 * then what was not and why, e.g. "12 of 915 components checked (osv by purl 12); 903 not checked:
 * maven 903 (no advisory data for the ecosystem in this database)". Names the unchecked components
 * when there are at most @max_names. Returns the length it needed. */
size_t medsec_scan_coverage_text(const struct medsec_scan_result *r, size_t max_names, char *out,
                                 size_t cap);

#ifdef __cplusplus
}
#endif

#endif
