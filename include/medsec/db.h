/* medsec/db.h: the local vulnerability database (one SQLite file): open under the caller's context,
 * import, status, update from the published feeds (or a mirror of them), and the read API the
 * matcher uses. Schema: docs/db.md. */
#ifndef MEDSEC_DB_H
#define MEDSEC_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "medsec/advisory.h"
#include "medsec/arena.h"
#include "medsec/ctx.h"
#include "medsec/diag.h"
#include "medsec/error.h"
#include "medsec/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Schema version stored in PRAGMA user_version; medsec_db_open migrates older files. */
#define MEDSEC_DB_SCHEMA_VERSION 5

struct medsec_db;

enum {
    MEDSEC_DB_READONLY = 1u << 0, /* open an existing file read-only (the matcher) */
    /* with READONLY: open also a file into which no import has completed (db status, db check);
     * without it such a file is refused (MEDSEC_EINVAL), since every lookup would find nothing */
    MEDSEC_DB_UNFINISHED = 1u << 1,
};

/*
 * Open (creating and migrating when writable) the database at @path. A read-only open refuses a
 * file into which no import has completed (MEDSEC_EINVAL, saying how to fix it) unless
 * MEDSEC_DB_UNFINISHED is given, and first rolls back the journal a killed import left behind
 * (which needs write access to the file; MEDSEC_EIO otherwise). The handle keeps @ctx (NULL:
 * the default allocator and clock; see medsec/ctx.h), which must outlive it: every medsec_db_* call
 * on the handle runs under it, so the handle's memory comes from its allocator and the times an
 * import or update stamps (last_import, imported, last_update, nvd_last_run) from its clock. The
 * caller owns *out and closes it with medsec_db_close. SQLite's errors come with its message in
 * @err: MEDSEC_EPARSE for a file that is not a database or is damaged, MEDSEC_EIO for one that
 * cannot be opened, read or written (no permission, a full disk), MEDSEC_EDB for the rest (a busy
 * file); MEDSEC_EUNSUPPORTED when the file's schema is newer than this medsec. (SQLite's own memory
 * does not come from @ctx.)
 */
medsec_err medsec_db_open(const struct medsec_ctx *ctx, const char *path, unsigned flags,
                          struct medsec_db **out, struct medsec_error *err)
    __attribute__((warn_unused_result));
void medsec_db_close(struct medsec_db *db);

/* Create the folders above @path (mode 0755) when missing. (Where the database lives by default is
 * the front end's choice: the CLI's is in docs/db.md.) */
medsec_err medsec_db_make_parent(const char *path, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* ---- import ---- */

struct medsec_db_import_stats {
    size_t added[MEDSEC_ADV_NSOURCES];     /* new records */
    size_t updated[MEDSEC_ADV_NSOURCES];   /* changed records whose rows were replaced */
    size_t unchanged[MEDSEC_ADV_NSOURCES]; /* same content hash */
    size_t older[MEDSEC_ADV_NSOURCES];     /* a stored copy is newer (modified): kept */
    struct medsec_adv_read_stats read; /* what the reader saw (records, malformed, ignored...) */
    size_t identities;                 /* merged vulnerabilities after the import */
    size_t impossible_time;     /* records whose modified time is no date or lies in the future:
                                   stored with a warning, never counted as the newer copy */
    size_t cpe_items, cpe_refs; /* CPE dictionary: products read, product references stored */
};

struct medsec_db_import_opts {
    /* progress of each input file (see medsec_adv_sink.progress); may be NULL */
    void (*progress)(void *ud, const char *path, uint64_t done, uint64_t total);
    void *ud;
    /* 1: read and store on the calling thread. 0 or 2 (the default): the calling thread reads and
     * parses the files while a second one stores the records; the result, the warnings and the
     * progress calls (made on the calling thread) are the same in the same order. With two threads
     * the context's allocator is called from both at once: a hook of one's own must be thread-safe
     * (the default realloc/free is). */
    unsigned threads;
};

/*
 * Import @n paths (files or folders; see medsec_adv_read_path) in one transaction. Idempotent:
 * records whose content hash is stored are skipped; a changed record replaces its rows unless the
 * stored copy has a newer `modified`. Aliases are merged into vulnerability identities afterwards.
 * Malformed records are warnings in @diags. On error nothing is committed.
 */
medsec_err medsec_db_import(struct medsec_db *db, const char *const *paths, size_t n,
                            const struct medsec_db_import_opts *opts,
                            struct medsec_db_import_stats *stats, struct medsec_diags *diags,
                            struct medsec_error *err) __attribute__((warn_unused_result));

/* ---- status ---- */

struct medsec_db_status {
    int schema_version;
    size_t advisories[MEDSEC_ADV_NSOURCES]; /* records per source (kev/epss: entries) */
    size_t vulns[MEDSEC_ADV_NSOURCES];      /* vulnerability entries per source */
    size_t affected[MEDSEC_ADV_NSOURCES];   /* affected-package rows per source */
    size_t cpe_matches, cpe_nodes;
    size_t identities, aliases; /* merged vulnerabilities, ids naming them */
    size_t needs_review;        /* CSAF ranges flagged for review */
    size_t kev, epss;
    char last_import[32]; /* UTC "YYYY-MM-DDTHH:MM:SSZ" or "" */
    char last_update[32];
    /* per source, the files `db update` imported (one per URL, the last import of each) and how
     * many of them passed each check: sums (sha256, sha512), OpenPGP signatures, consistent OSV
     * modified times; unverified: none passed */
    struct medsec_db_verified {
        size_t files, sha256, sha512, openpgp, modified, unverified;
    } verified[MEDSEC_ADV_NSOURCES];
    bool complete; /* an import has completed into the file (last_import is set) */
};
medsec_err medsec_db_status(struct medsec_db *db, struct medsec_db_status *out,
                            struct medsec_error *err) __attribute__((warn_unused_result));

/* ---- coverage: what the database can check ---- */

/* The matcher's paths, as coverage counts them (medsec/scan.h has the same three). */
enum medsec_db_cover_path { MEDSEC_DB_COVER_PURL, MEDSEC_DB_COVER_CPE, MEDSEC_DB_COVER_PRODUCT };
/* "purl", "cpe", "product". */
const char *medsec_db_cover_path_name(enum medsec_db_cover_path p);

#define MEDSEC_DB_COVER_ECOSYSTEM_MAX 96
/* One path, source and (for purl) ecosystem, with the vulnerability entries it holds. */
struct medsec_db_cover {
    enum medsec_db_cover_path path;
    enum medsec_adv_source source;
    /* purl: the ecosystem key (medsec_db_cover_key: "maven", "rpm/almalinux"); "" otherwise */
    char ecosystem[MEDSEC_DB_COVER_ECOSYSTEM_MAX];
    size_t entries; /* vulnerability entries (> 0) */
};
struct medsec_db_coverage {
    struct medsec_db_cover *items; /* by path, source, then ecosystem */
    size_t n;
};
/*
 * What @db can check: counted by every import (meta `coverage`), or now when the file's last
 * import did not count it. *@out belongs to the handle and stays valid until the next import on it
 * or medsec_db_close. An empty file covers nothing.
 */
medsec_err medsec_db_coverage(struct medsec_db *db, const struct medsec_db_coverage **out,
                              struct medsec_error *err) __attribute__((warn_unused_result));
/* The entries of @c on path @p from @source (-1: any) for @ecosystem (NULL: any). */
size_t medsec_db_coverage_entries(const struct medsec_db_coverage *c, enum medsec_db_cover_path p,
                                  int source, const char *ecosystem);
/* The ecosystem key of a purl type and namespace into @out (@cap bytes): the type, or "type/ns"
 * for the distribution types whose namespace names the distribution (deb, rpm, apk, alpm). Returns
 * the length it needed. */
size_t medsec_db_cover_key(const char *type, const char *ns, char *out, size_t cap);

/* What a file into which no import has completed is, and how to fix it (static storage): the
 * message of the refused read-only open, for front ends that open such a file to show it. */
const char *medsec_db_unfinished_msg(void);

/* Only the schema version and the last import / update times of medsec_db_status (no counting:
 * cheap enough to print with every scan); the count fields of @out are zero. */
medsec_err medsec_db_freshness(struct medsec_db *db, struct medsec_db_status *out,
                               struct medsec_error *err) __attribute__((warn_unused_result));

/* ---- check ---- */

/*
 * Check the file: SQLite's integrity_check, then the invariants medsec's writers keep (an import
 * has completed; every row belongs to an entry and every entry to an advisory; every CPE criterion
 * to a configuration node; every entry has an identity that its own name finds; the key filters are
 * the last import's and hold every key of their tables; no advisory's modified time lies in the
 * future of the handle's clock). Each problem found is an error in @problems (file: the database);
 * the invariants are not checked on a file SQLite finds damaged. MEDSEC_OK when the check ran,
 * whatever it found. Open the file with MEDSEC_DB_READONLY | MEDSEC_DB_UNFINISHED to check any
 * file.
 */
medsec_err medsec_db_check(struct medsec_db *db, struct medsec_diags *problems,
                           struct medsec_error *err) __attribute__((warn_unused_result));

/* ---- update from the published feeds (libcurl, HTTPS) ---- */

struct medsec_db_update_opts {
    /* A copy of the published feeds under one base URL, or NULL. Its layout:
     * {mirror}/osv/{ecosystem}/all.zip, {mirror}/nvd/rest/json/cves/2.0,
     * {mirror}/kev/known_exploited_vulnerabilities.json, {mirror}/epss/epss_scores-current.csv.gz,
     * {mirror}/csaf/provider-metadata.json (slashes at the end of @mirror are dropped). A feed
     * given its own URL below keeps that one. */
    const char *mirror;
    /* Base URLs; NULL: the mirror's, else the real published location (docs/db.md). */
    const char *osv_base;              /* {osv_base}/{ecosystem}/all.zip */
    const char *const *osv_ecosystems; /* NULL: Go, PyPI, crates.io, npm, Maven, ... (docs/db.md) */
    size_t n_osv_ecosystems;
    const char *nvd_api;     /* NVD CVE API 2.0 endpoint */
    const char *nvd_api_key; /* sent as the apiKey header, or NULL */
    /* NVD JSON 1.1 feeds to take instead of the API ("2002" ... "2024", "modified", "recent"), each
     * checked against the sha256 of its .meta, from nvd_feeds_url (NULL: the mirror's
     * {mirror}/nvd/feeds/json/cve/1.1, else the published folder) */
    const char *const *nvd_feeds;
    size_t n_nvd_feeds;
    const char *nvd_feeds_url;
    const char *kev_url;
    const char *epss_url;
    const char
        *csaf_provider;    /* provider-metadata.json; its distributions' directory_url/index.txt */
    unsigned sources;      /* bit (1 << medsec_adv_source) per source to update; 0 = all */
    long nvd_page_size;    /* resultsPerPage (0 = 2000) */
    long delay_ms;         /* sleep between NVD pages and before retries (-1 = NVD's advice) */
    int retries;           /* per request (0 = 3, -1 = none) */
    const char *cache_dir; /* downloads are kept here (atomic replace); NULL = "<db>.cache" */
    /* Deadlines (seconds) and the slowest transfer accepted. A download, its retries included, ends
     * after download_timeout (0 = 1800); the whole update after update_timeout (0 = 14400), the
     * downloads left then are skipped as failed. A transfer slower than min_rate bytes/s on
     * average (0 = 1024, -1 = no minimum) once it has run rate_grace seconds (0 = 60) is aborted.
     */
    long download_timeout, update_timeout, min_rate, rate_grace;
    const char
        *ca_file; /* trust the certificate authorities in this PEM file (a mirror's), or NULL */
    void (*progress)(void *ud, const char *what, uint64_t done, uint64_t total);
    void *ud;
};

struct medsec_db_update_stats {
    size_t downloaded, not_modified, failed; /* requests */
    size_t rejected; /* files downloaded but left out (unreadable, failed verification) */
    size_t nvd_pages;
    struct medsec_db_import_stats import;
};

/*
 * Download the feeds (conditional on ETag / Last-Modified from the last run; NVD incremental by
 * lastModified when a previous run is recorded and within 120 days) and import them. A feed that
 * fails after its retries is a warning in @diags and counted in stats->failed; MEDSEC_ENET only
 * when every requested feed failed. What each feed publishes about its files is verified first (an
 * NVD 1.1 feed's .meta sha256; a CSAF document's .sha512 / .sha256 and, when its provider lists
 * signing keys, its OpenPGP signature; OSV records' modified times); a file that fails is a
 * warning, counted in stats->rejected and not imported. What passed is recorded per file (table
 * feed) and counted by medsec_db_status.
 */
medsec_err medsec_db_update(struct medsec_db *db, const struct medsec_db_update_opts *opts,
                            struct medsec_db_update_stats *stats, struct medsec_diags *diags,
                            struct medsec_error *err) __attribute__((warn_unused_result));

/* ---- read API for the matcher (prepared statements are kept in @db and reused) ---- */

/* One affected-package row; strings are valid during the callback only. */
struct medsec_db_affected {
    int64_t entry;         /* vulnerability entry (one per source record vulnerability) */
    const char *vuln;      /* merged identity name (CVE when there is one) */
    const char *source;    /* "osv", "csaf" */
    const char *record_id; /* advisory id (provenance) */
    const char *purl_type, *purl_ns, *purl_name, *ecosystem, *scheme;
    const char *ranges;   /* compact ranges (see medsec_db_range_next) */
    const char *versions; /* '\n'-separated or NULL */
    const char *fixed;    /* '\n'-separated or NULL */
    const char *status;   /* affected / fixed / not_affected / under_investigation / recommended */
    unsigned flags;       /* MEDSEC_ADV_NEEDS_REVIEW, MEDSEC_ADV_GIT_ONLY */
    const char *vendor, *product, *product_id, *cpe; /* CSAF */
    bool withdrawn;
};
/* Return non-zero from a callback to stop early (medsec_db_* then returns MEDSEC_OK). */
typedef int (*medsec_db_affected_fn)(void *ud, const struct medsec_db_affected *a);

/* Rows for package key (@type, @ns or NULL/"" for none, @name), as normalised by medsec_purl_parse.
 */
medsec_err medsec_db_affected_lookup(struct medsec_db *db, const char *type, const char *ns,
                                     const char *name, medsec_db_affected_fn fn, void *ud,
                                     struct medsec_error *err) __attribute__((warn_unused_result));

/* Rows whose product name, compared case-insensitively (ASCII), is @product: CSAF products that
 * give neither purl nor CPE. The caller decides whether the vendor fits. */
medsec_err medsec_db_affected_by_product(struct medsec_db *db, const char *product,
                                         medsec_db_affected_fn fn, void *ud,
                                         struct medsec_error *err)
    __attribute__((warn_unused_result));

struct medsec_db_cpe {
    int64_t entry;
    const char *vuln, *source, *record_id;
    unsigned config, node;
    bool vulnerable;
    const char *criteria;
    const char *vsi, *vse, *vei, *vee;
};
typedef int (*medsec_db_cpe_fn)(void *ud, const struct medsec_db_cpe *c);

/* Criteria whose vendor:product key (medsec_cpe_key) is @key. */
medsec_err medsec_db_cpe_lookup(struct medsec_db *db, const char *key, medsec_db_cpe_fn fn,
                                void *ud, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* The same criteria without the identity and provenance join (vuln, source, record_id are NULL):
 * about twice as fast for popular keys (openssl:openssl has 4,405 criteria). Look up the entries
 * whose version range matches with medsec_db_entry_get. */
medsec_err medsec_db_cpe_candidates(struct medsec_db *db, const char *key, medsec_db_cpe_fn fn,
                                    void *ud, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* False only when no CPE criterion of the database has vendor:product key @key (from the key
 * filter, no query); true when it may have, or when the database has no filter. A handle reads the
 * key filters once, at its first lookup; one kept open while another process imports should be
 * reopened to see the new keys (its own imports refresh them). */
bool medsec_db_cpe_key_known(struct medsec_db *db, const char *key);

/* The candidates for one component version: criteria of @key that either name version key @ver_key
 * (medsec_cpe_version_key) or leave the version to a range or wildcard. @ver_key NULL: all
 * criteria. For a Linux kernel version this reads ~300 of the 85,000 linux:linux_kernel criteria.
 * Both come in the index's order (version key, then entry, configuration, node), which is stable
 * for one database but not sorted by entry: sorting would cost a temporary b-tree per lookup. */
medsec_err medsec_db_cpe_candidates_for(struct medsec_db *db, const char *key, const char *ver_key,
                                        medsec_db_cpe_fn fn, void *ud, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* Identity and provenance of one vulnerability entry; strings valid until the next call on @db. */
struct medsec_db_entry {
    int64_t entry;
    const char *vuln; /* merged identity name */
    const char *name; /* the id the source gives it */
    const char *source, *record_id, *origin;
    bool withdrawn;
};
/* MEDSEC_ENOTFOUND when @entry does not exist. */
medsec_err medsec_db_entry_get(struct medsec_db *db, int64_t entry, struct medsec_db_entry *out,
                               struct medsec_error *err) __attribute__((warn_unused_result));

struct medsec_db_cpe_node {
    unsigned node;
    int parent;
    bool and_op, negate;
};
typedef int (*medsec_db_node_fn)(void *ud, const struct medsec_db_cpe_node *n);
/* The whole configuration @config of @entry: every node (pre-order) then every criterion, so AND
 * configurations with running-on platforms can be evaluated. Either callback may be NULL. */
medsec_err medsec_db_cpe_config(struct medsec_db *db, int64_t entry, unsigned config,
                                medsec_db_node_fn node_fn, medsec_db_cpe_fn cpe_fn, void *ud,
                                struct medsec_error *err) __attribute__((warn_unused_result));

/* Details of one merged vulnerability: the strings live in @arena, the three arrays in blocks of
 * their own; medsec_db_vuln_release frees both. */
struct medsec_db_score {
    const char *source, *record_id, *type, *vector, *scored_by;
    double score; /* < 0 unknown */
};
struct medsec_db_provenance {
    const char *source, *record_id, *origin, *modified;
    uint64_t hash;
};
struct medsec_db_vuln {
    const char *name;     /* canonical id */
    const char **aliases; /* every other id, sorted */
    size_t n_aliases;
    const char *summary, *details, *published, *modified, *withdrawn;
    const char *cwes, *refs, *fixed;
    struct medsec_db_score *scores;
    size_t n_scores;
    struct medsec_db_provenance *sources;
    size_t n_sources;
    bool kev;
    const char *kev_date_added, *kev_due_date, *kev_ransomware, *kev_name, *kev_action;
    bool has_epss;
    double epss, epss_percentile;
    const char *epss_date;
    struct medsec_arena arena;
};
/* Look up @id (any alias, or a CVE known only to KEV/EPSS). MEDSEC_ENOTFOUND when unknown. */
medsec_err medsec_db_vuln_get(struct medsec_db *db, const char *id, struct medsec_db_vuln *out,
                              struct medsec_error *err) __attribute__((warn_unused_result));
void medsec_db_vuln_release(struct medsec_db_vuln *v);

/* ---- compact ranges ---- */

enum medsec_db_range_type {
    MEDSEC_DB_RANGE_SEMVER,
    MEDSEC_DB_RANGE_ECOSYSTEM,
    MEDSEC_DB_RANGE_GIT,
    MEDSEC_DB_RANGE_VERS,
    MEDSEC_DB_RANGE_TEXT
};
/* OSV range events: the version module's kinds (medsec_version_osv_contains evaluates them). */
enum medsec_db_event_kind {
    MEDSEC_DB_EV_INTRODUCED = MEDSEC_VERSION_EV_INTRODUCED,
    MEDSEC_DB_EV_FIXED = MEDSEC_VERSION_EV_FIXED,
    MEDSEC_DB_EV_LAST_AFFECTED = MEDSEC_VERSION_EV_LAST_AFFECTED,
    MEDSEC_DB_EV_LIMIT = MEDSEC_VERSION_EV_LIMIT
};
#define MEDSEC_DB_MAX_EVENTS 64
struct medsec_db_range {
    enum medsec_db_range_type type;
    const char *text;
    size_t text_len; /* VERS: the vers string; TEXT: the free text */
    size_t n_events;
    struct {
        enum medsec_db_event_kind kind;
        const char *version;
        size_t len;
    } events[MEDSEC_DB_MAX_EVENTS];
};
/*
 * Read the next range line of a compact ranges string at *cursor (no allocation: pointers into the
 * string, not NUL-terminated: use the lengths). Returns false at the end; MEDSEC_EPARSE lines are
 * skipped. Events past MEDSEC_DB_MAX_EVENTS set n_events to MEDSEC_DB_MAX_EVENTS + 1 (treat as
 * unknown).
 */
bool medsec_db_range_next(const char **cursor, struct medsec_db_range *out);

/* ---- the NVD CPE dictionary's product references (cpedict.c) ----
 *
 * `medsec db import` of an NVD CPE dictionary (XML, official-cpe-dictionary_v2.3.xml, gzip or not;
 * in a folder, files named *cpe-dictionary*.xml[.gz]) replaces the stored references: for each
 * cpe-item that is not deprecated and names an application or operating system, each reference URL
 * as the key medsec_cpe_url_key gives (host, path) with the item's part:vendor:product. The scanner
 * derives a CPE from a component's URL with them (medsec/scan.h, "cpe-derived"). */

#define MEDSEC_CPEDICT_MAX_BYTES ((uint64_t)4 << 30) /* uncompressed dictionary */
#define MEDSEC_CPEDICT_MAX_REFS 64                   /* references kept per item */
#define MEDSEC_CPEDICT_MAX_HREF 2048                 /* one reference URL */

/* One cpe-item of the dictionary, as the parser hands it over (strings valid during the call). */
struct medsec_cpedict_item {
    const char *name;        /* the cpe-23:cpe23-item name, else the cpe-item's 2.2 URI */
    const char *const *refs; /* references[].reference href */
    size_t nrefs;
    bool deprecated;
    unsigned line; /* of the cpe-item element */
};

/* Parse the dictionary @data (@len bytes, named @origin in messages), calling @cb for each item
 * (non-zero stops). Malformed XML fails with origin:line:column in @err. */
medsec_err medsec_cpedict_parse(const char *data, size_t len, const char *origin,
                                int (*cb)(void *ud, const struct medsec_cpedict_item *it), void *ud,
                                struct medsec_error *err) __attribute__((warn_unused_result));

/* One stored reference of @host: its path and the product, a CPE 2.3 formatted string with every
 * attribute after the product ANY. Strings valid during the call. */
struct medsec_db_cpe_ref {
    const char *path;
    const char *cpe;
};
/* Every stored reference of @host (as medsec_cpe_url_key gives it), sorted by path and CPE; none
 * in a database without a dictionary. @cb returns non-zero to stop. */
medsec_err medsec_db_cpe_refs(struct medsec_db *db, const char *host,
                              int (*cb)(void *ud, const struct medsec_db_cpe_ref *r), void *ud,
                              struct medsec_error *err) __attribute__((warn_unused_result));
/* How many product references are stored (0 without a dictionary). */
size_t medsec_db_cpe_ref_count(struct medsec_db *db);

#ifdef __cplusplus
}
#endif

#endif
