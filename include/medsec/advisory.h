/* medsec/advisory.h: the parsed advisory model the importers (OSV, NVD, CSAF, KEV, EPSS) produce,
 * and the reader that walks files, folders, zips and tarballs and hands each record to a sink. */
#ifndef MEDSEC_ADVISORY_H
#define MEDSEC_ADVISORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "medsec/arena.h"
#include "medsec/diag.h"
#include "medsec/error.h"
#include "medsec/json.h"

#ifdef __cplusplus
extern "C" {
#endif

enum medsec_adv_source {
    MEDSEC_ADV_OSV = 0,
    MEDSEC_ADV_NVD,
    MEDSEC_ADV_CSAF,
    MEDSEC_ADV_KEV,
    MEDSEC_ADV_EPSS,
    MEDSEC_ADV_NSOURCES
};
/* "osv", "nvd", "csaf", "kev", "epss". */
const char *medsec_adv_source_name(enum medsec_adv_source s);
/* The source named @name ("osv" ...); false when none is. */
bool medsec_adv_source_parse(const char *name, enum medsec_adv_source *out);

/* medsec_adv_affected.flags */
enum {
    MEDSEC_ADV_NEEDS_REVIEW = 1u << 0, /* a free-text range could not be parsed into bounds */
    MEDSEC_ADV_GIT_ONLY = 1u << 1,     /* only GIT ranges: recorded, never matched by version */
};

/*
 * All strings below are borrowed: they live in the parsed JSON document or the arena passed to the
 * parser and stay valid until the sink returns. NULL means absent.
 *
 * Ranges use a compact text form the matcher evaluates (docs/db.md): one range per line,
 * "TYPE\tEVENT\tEVENT...", TYPE one of SEMVER, ECOSYSTEM, GIT, VERS; an event is "i=V"
 * (introduced), "f=V" (fixed), "la=V" (last_affected), "l=V" (limit); a VERS line holds one
 * "vers:..." string.
 */
struct medsec_adv_affected {
    const char *purl_type, *purl_ns, *purl_name; /* package key; "" when unknown (never NULL) */
    const char *purl;                            /* the purl as given by the source, or NULL */
    const char *ecosystem;                       /* OSV ecosystem as written; NULL for CSAF */
    const char *scheme; /* vers scheme name of the versions ("semver", "rpm", "generic"...) */
    const char *vendor, *product; /* CSAF branch vendor / product name; NULL for OSV */
    const char *product_id;       /* CSAF product id */
    const char *cpe;              /* CSAF product_identification_helper.cpe */
    const char *ranges;           /* compact ranges ("" when none) */
    const char *versions;         /* explicit affected versions, '\n'-separated, or NULL */
    const char *fixed;            /* fixed versions, '\n'-separated, or NULL */
    const char
        *status; /* "affected", "fixed", "not_affected", "under_investigation", "recommended" */
    unsigned flags;
};

struct medsec_adv_score {
    const char *type; /* "CVSS_V2", "CVSS_V3", "CVSS_V4" */
    const char *vector;
    double score;       /* base score; < 0 when the source gives none */
    const char *source; /* who scored it (NVD "nvd@nist.gov", CSAF products...) or NULL */
};

/* One node of an NVD configuration tree; nodes are numbered in pre-order within a configuration. */
struct medsec_adv_cpe_node {
    unsigned config;
    unsigned node;
    int parent;  /* node index of the parent, -1 for a top-level node */
    bool and_op; /* AND (else OR) */
    bool negate;
};

struct medsec_adv_cpe {
    unsigned config, node; /* the node this criterion belongs to */
    bool vulnerable;
    const char *criteria; /* the CPE 2.3 formatted string */
    const char *key;      /* medsec_cpe_key() "vendor:product", "" when vendor/product is ANY */
    const char *vsi, *vse, *vei, *vee; /* versionStart/End Including/Excluding or NULL */
    const char *ver_key; /* medsec_cpe_version_key() of an exact-version criterion without a range,
                            else NULL */
};

struct medsec_adv_remediation {
    const char *category; /* vendor_fix, mitigation, workaround, none_available, no_fix_planned */
    const char *details;
    const char *url;
    const char *products; /* product ids, '\n'-separated */
};

/* One vulnerability. OSV and NVD records hold one; a CSAF document one per vulnerabilities[] item.
 */
struct medsec_adv_vuln {
    const char
        *name; /* the id this source gives it: OSV id, CVE id, CSAF cve or first ids[] text */
    const char **aliases; /* other ids (CVE, GHSA, vendor ids) */
    size_t n_aliases;
    const char *summary, *details;
    const char *published, *modified, *withdrawn;
    const char *cwes; /* "CWE-79,CWE-89" or NULL */
    const char *refs; /* reference URLs, '\n'-separated, or NULL */
    struct medsec_adv_score *scores;
    size_t n_scores;
    struct medsec_adv_affected *affected;
    size_t n_affected;
    struct medsec_adv_cpe_node *nodes;
    size_t n_nodes;
    struct medsec_adv_cpe *cpes;
    size_t n_cpes;
    struct medsec_adv_remediation *remediations;
    size_t n_remediations;
};

struct medsec_advisory {
    enum medsec_adv_source source;
    const char *id; /* record id (OSV id, CVE id, CSAF tracking id) */
    const char *title;
    const char *published, *modified;
    const char *origin; /* file (and member) it came from */
    uint64_t hash;      /* content hash of the record's source text */
    struct medsec_adv_vuln *vulns;
    size_t n_vulns;
};

struct medsec_kev_entry {
    const char *cve, *vendor, *product, *name, *description;
    const char *date_added, *due_date, *ransomware, *action, *notes;
};

struct medsec_epss_entry {
    const char *cve;
    double score, percentile;
    const char *date; /* score date from the header line, or NULL */
};

/* ---- parsers of one record (JSON already parsed); strings borrowed from @doc and @arena ---- */

/* OSV record. MEDSEC_EPARSE / EINVAL with @err (position in @doc) when a required field is wrong.
 */
medsec_err medsec_osv_from_json(const struct medsec_json_doc *doc, const struct medsec_json *v,
                                struct medsec_arena *arena, struct medsec_advisory *out,
                                struct medsec_error *err) __attribute__((warn_unused_result));
/* One NVD item: a JSON 1.1 CVE_Items[] element or an API 2.0 vulnerabilities[] element
 * ({"cve":...}). */
medsec_err medsec_nvd_from_json(const struct medsec_json_doc *doc, const struct medsec_json *v,
                                struct medsec_arena *arena, struct medsec_advisory *out,
                                struct medsec_error *err) __attribute__((warn_unused_result));
/* A CSAF 2.0 document (one vuln per vulnerabilities[] item, one affected row per product status
 * entry; free-text ranges that cannot be parsed carry MEDSEC_ADV_NEEDS_REVIEW and a "TEXT\t..."
 * range line). */
medsec_err medsec_csaf_from_json(const struct medsec_json_doc *doc, const struct medsec_json *v,
                                 struct medsec_arena *arena, struct medsec_advisory *out,
                                 struct medsec_error *err) __attribute__((warn_unused_result));
/* One KEV catalog vulnerabilities[] element. */
medsec_err medsec_kev_from_json(const struct medsec_json *v, struct medsec_kev_entry *out,
                                struct medsec_error *err) __attribute__((warn_unused_result));
/*
 * Parse a CSAF free-text or vers product_version_range into a vers string (arena), e.g.
 * "<= 3.4" -> "vers:generic/<=3.4", "versions prior to 2.1" -> "vers:generic/<2.1",
 * "all versions" -> the any-version range. NULL when the text cannot be parsed (flag it for
 * review).
 */
const char *medsec_csaf_range_to_vers(const char *text, struct medsec_arena *arena);

/* The 64-bit content hash used for incremental import (not cryptographic). */
uint64_t medsec_adv_hash(const void *data, size_t len);

/* ---- reader: files, folders, .gz, OSV zips, tarballs ---- */

struct medsec_adv_sink {
    void *ud;
    /* Return true when a record with content hash @hash (of its source text) is already stored
     * unchanged: the reader then skips parsing it. May be NULL. */
    bool (*known)(void *ud, uint64_t hash);
    medsec_err (*advisory)(void *ud, const struct medsec_advisory *adv);
    medsec_err (*kev)(void *ud, const struct medsec_kev_entry *e, const char *origin,
                      uint64_t hash);
    medsec_err (*epss)(void *ud, const struct medsec_epss_entry *e, const char *origin);
    /* Called now and then with bytes of @path read so far and its size. May be NULL. */
    void (*progress)(void *ud, const char *path, uint64_t done, uint64_t total);
    /* Called when a file or archive member is recognised, before its records. May be NULL. */
    void (*file)(void *ud, const char *origin, enum medsec_adv_source source);
};

struct medsec_adv_read_stats {
    size_t records[MEDSEC_ADV_NSOURCES]; /* records handed to the sink or skipped as known */
    size_t known;                        /* skipped because the sink knew the hash */
    size_t malformed;                    /* records skipped with a warning */
    size_t ignored;      /* files not recognised as advisories (schemas, licences...) */
    size_t needs_review; /* CSAF ranges flagged */
};

/*
 * Read @path (a file or a folder, walked recursively in name order) and hand every record to @sink.
 * Recognised: OSV zips (osv.dev layout) and OSV JSON files, NVD JSON 1.1 feeds and NVD API 2.0
 * responses (plain or .gz; streamed, so memory stays small), CSAF 2.0 documents, the CISA KEV JSON
 * catalog, EPSS CSV (plain or .gz), and .tar.gz/.tgz archives holding any of these.
 * Malformed records are reported in @diags (file:line:column) and skipped. Errors from the sink
 * and I/O errors on @path stop the walk and are returned with @err filled.
 */
medsec_err medsec_adv_read_path(const char *path, const struct medsec_adv_sink *sink,
                                struct medsec_adv_read_stats *stats, struct medsec_diags *diags,
                                struct medsec_error *err) __attribute__((warn_unused_result));

/* Read one in-memory, uncompressed file named @name, as above: a `.json` name is detected as OSV,
 * NVD 1.1 / API 2.0, CSAF or KEV by its content, a `.csv` name as an EPSS file when its header says
 * so; any other name is counted as ignored. Archives and .gz need medsec_adv_read_path. */
medsec_err medsec_adv_read_buffer(const char *name, const void *data, size_t len,
                                  const struct medsec_adv_sink *sink,
                                  struct medsec_adv_read_stats *stats, struct medsec_diags *diags,
                                  struct medsec_error *err) __attribute__((warn_unused_result));

#ifdef __cplusplus
}
#endif

#endif
