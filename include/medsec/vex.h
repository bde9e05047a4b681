/* medsec/vex.h: VEX statements (what a manufacturer or a supplier says about one vulnerability in
 * one product) and the three documents that carry them: CycloneDX 1.6 VEX, OpenVEX 0.2.0 and the
 * CSAF 2.0 VEX profile. The triage file (triage.h) and `medsec vex` produce statements; the readers
 * of supplier VEX consume documents into them. docs/vex.md maps every field to its place in each
 * format. */
#ifndef MEDSEC_VEX_H
#define MEDSEC_VEX_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/arena.h"
#include "medsec/buf.h"
#include "medsec/diag.h"
#include "medsec/domain.h"
#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

enum medsec_vex_format {
    MEDSEC_VEX_CYCLONEDX = 0, /* CycloneDX 1.6 JSON, vulnerabilities[].analysis */
    MEDSEC_VEX_OPENVEX,       /* OpenVEX 0.2.0 */
    MEDSEC_VEX_CSAF,          /* CSAF 2.0, category csaf_vex */
    MEDSEC_VEX_FORMAT_COUNT
};
/* "cyclonedx", "openvex", "csaf". */
const char *medsec_vex_format_name(enum medsec_vex_format f);
/* false when @s names no format. */
bool medsec_vex_format_parse(const char *s, enum medsec_vex_format *out);

/* The analysis state, in CycloneDX's words (the finest of the three vocabularies). */
enum medsec_vex_state {
    MEDSEC_VEX_IN_TRIAGE = 0,
    MEDSEC_VEX_EXPLOITABLE,    /* affected */
    MEDSEC_VEX_NOT_AFFECTED,   /* with a justification */
    MEDSEC_VEX_FALSE_POSITIVE, /* the finding was wrong: the component is not what was matched */
    MEDSEC_VEX_RESOLVED,       /* fixed */
    MEDSEC_VEX_RESOLVED_PEDIGREE,
    MEDSEC_VEX_STATE_COUNT
};
/* "in_triage", "exploitable", "not_affected", "false_positive", "resolved",
 * "resolved_with_pedigree". */
const char *medsec_vex_state_name(enum medsec_vex_state s);
bool medsec_vex_state_parse(const char *s, enum medsec_vex_state *out);
/* The OpenVEX / CSAF status of a state: in_triage -> under_investigation, exploitable -> affected,
 * not_affected and false_positive -> not_affected, resolved* -> fixed. */
enum medsec_vuln_status medsec_vex_state_status(enum medsec_vex_state s);

/* Why not affected, in CycloneDX's nine words; each maps onto one of the five OpenVEX / CSAF
 * justifications (medsec_vex_justification, domain.h). */
enum medsec_vex_cdx_justification {
    MEDSEC_CDX_UNSTATED = 0,
    MEDSEC_CDX_CODE_NOT_PRESENT,
    MEDSEC_CDX_CODE_NOT_REACHABLE,
    MEDSEC_CDX_REQUIRES_CONFIGURATION,
    MEDSEC_CDX_REQUIRES_DEPENDENCY,
    MEDSEC_CDX_REQUIRES_ENVIRONMENT,
    MEDSEC_CDX_PROTECTED_BY_COMPILER,
    MEDSEC_CDX_PROTECTED_AT_RUNTIME,
    MEDSEC_CDX_PROTECTED_AT_PERIMETER,
    MEDSEC_CDX_PROTECTED_BY_MITIGATING_CONTROL,
    MEDSEC_CDX_COUNT
};
/* "code_not_present", ...; NULL for UNSTATED. */
const char *medsec_vex_cdx_justification_name(enum medsec_vex_cdx_justification j);
bool medsec_vex_cdx_justification_parse(const char *s, enum medsec_vex_cdx_justification *out);
/* The OpenVEX / CSAF justification that says the same, or as close as the coarser list allows:
 * code_not_present -> vulnerable_code_not_present, code_not_reachable ->
 * vulnerable_code_not_in_execute_path, requires_configuration / requires_environment /
 * protected_at_perimeter -> vulnerable_code_cannot_be_controlled_by_adversary, requires_dependency
 * -> component_not_present, protected_* -> inline_mitigations_already_exist. */
enum medsec_vex_justification medsec_vex_cdx_to_justification(enum medsec_vex_cdx_justification j);

/* What is done about it (CycloneDX analysis.response; OpenVEX action_statement and CSAF
 * remediations carry the same in their own words). Bits, since CycloneDX allows several. */
enum {
    MEDSEC_VEX_RESP_CAN_NOT_FIX = 1u << 0,
    MEDSEC_VEX_RESP_WILL_NOT_FIX = 1u << 1,
    MEDSEC_VEX_RESP_UPDATE = 1u << 2,
    MEDSEC_VEX_RESP_ROLLBACK = 1u << 3,
    MEDSEC_VEX_RESP_WORKAROUND = 1u << 4 /* workaround_available */
};
/* "can_not_fix", "will_not_fix", "update", "rollback", "workaround_available" for one bit. */
const char *medsec_vex_response_name(unsigned bit);
bool medsec_vex_response_parse(const char *s, unsigned *bit);

/* Who made a statement. */
enum medsec_vex_origin {
    MEDSEC_VEX_BY_MANUFACTURER = 0, /* the device maker: the triage file, the security file */
    MEDSEC_VEX_BY_SUPPLIER,         /* imported from a supplier's VEX document */
    MEDSEC_VEX_ORIGIN_COUNT
};

/* One statement: @vuln in @product (a component of the device, or the device release itself). All
 * strings belong to the document's arena (or the caller's, for statements it builds). */
struct medsec_vex_statement {
    const char *vuln;           /* CVE-…, GHSA-…, OSV id: the id the statement is made under */
    const char *const *aliases; /* other ids of the same vulnerability */
    size_t naliases;
    const char *product;         /* purl of the component, else a CPE 2.3 name, else NULL */
    const char *product_name;    /* the component's name (for people, and CSAF product names) */
    const char *product_version; /* the component's version */
    const char *release;         /* the device release the statement is about, NULL = any */
    enum medsec_vex_state state;
    enum medsec_vex_cdx_justification cdx_justification; /* when the source gave CycloneDX's */
    enum medsec_vex_justification justification;         /* the OpenVEX / CSAF one (always set
                                                          * for not_affected) */
    const char *detail;    /* impact statement / analysis detail: why, in words */
    unsigned responses;    /* MEDSEC_VEX_RESP_* bits */
    const char *action;    /* what the user should do (OpenVEX action_statement) */
    const char *fixed_in;  /* the device release that fixes it, or NULL */
    const char *author;    /* who decided: a person, or the supplier's name */
    const char *timestamp; /* when, ISO 8601 (date or date-time), or NULL */
    enum medsec_vex_origin origin;
    /* Added for the readers of supplier VEX (medsec_vex_read); NULL / 0 when not known. */
    const char *product_range; /* the versions the statement covers when not one version: a vers:
                                * range, or CycloneDX affects[].versions joined by ", " */
    const char *parent;        /* the product @product is part of (OpenVEX product with
                                * subcomponents, CSAF relationship "default_component_of") */
    unsigned line, column;     /* where the statement is in the document read (1-based) */
    /* The chosen score when known (cvss_vector NULL: none): CycloneDX ratings. */
    const char *cvss_vector;  /* "CVSS:3.1/AV:N/..." */
    const char *cvss_version; /* "2.0", "3.0", "3.1", "4.0" */
    double cvss_score;
    const char *cvss_source;   /* who scored it ("nvd", "security file"), or NULL */
    const char *component_fix; /* the component version that fixes it upstream, or NULL */
    const char *description;   /* what the vulnerability is, in words (the security file's title,
                                * else the advisory's summary), or NULL */
    const char *product_type;  /* the component's type as its SBOM gives it ("firmware",
                                * "operating-system", SPDX's "LIBRARY" ...), or NULL */
    /* The manufacturer's in-context CVSS 3.1 / 4.0 vectors (an accepted suggestion from the
     * architecture, docs/triage.md), or NULL: CycloneDX ratings from the manufacturer. */
    const char *context_v3, *context_v4;
};

/* A VEX document as read, or as to be written. */
struct medsec_vex_doc {
    enum medsec_vex_format format;
    const char *id;        /* document id / serial number / @id */
    const char *author;    /* document author or publisher */
    const char *timestamp; /* document time */
    const char *product;   /* the device (CSAF product tree root), for writing */
    struct medsec_vex_statement *v;
    size_t n, cap;
    struct medsec_arena arena;
    /* For writing (NULL: left out or derived, docs/vex.md): */
    const char *vendor;              /* the device's manufacturer (CSAF vendor, publisher) */
    const char *product_version;     /* the device release */
    const char *product_purl;        /* the device release as a purl (derived when NULL) */
    const char *publisher_namespace; /* CSAF publisher namespace URI (derived when NULL) */
};

void medsec_vex_doc_init(struct medsec_vex_doc *d);
void medsec_vex_doc_release(struct medsec_vex_doc *d);
/* Append a copy of @s (the struct, not its strings, which must live as long as @d) to @d. */
medsec_err medsec_vex_doc_add(struct medsec_vex_doc *d, const struct medsec_vex_statement *s)
    __attribute__((warn_unused_result));

/*
 * Write @d as a VEX document of format @f (docs/vex.md maps every field) into @out, as pretty JSON
 * ending in a newline. Deterministic: statements are written sorted by vulnerability, then product,
 * whatever their order in @d; every time is taken from @d (its timestamp, else the statement's);
 * ids are derived from the content (the CycloneDX serialNumber and OpenVEX @id are a UUID made
 * from a digest of every statement), so the same document gives the same bytes. MEDSEC_EINVAL
 * (with @err) when a statement has no vulnerability id, MEDSEC_ENOMEM / MEDSEC_ETOOBIG from @out.
 */
medsec_err medsec_vex_write(const struct medsec_vex_doc *d, enum medsec_vex_format f,
                            struct medsec_buf *out, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* ---- identifiers the writers share (lib/vex/ids.c) ---------------------------------------------
 */

/* @s percent-encoded as one purl segment (RFC 3986 unreserved characters stay), appended at
 * out[*len] within @cap bytes (what does not fit is left out; always NUL-terminated). */
void medsec_vex_pct_encode(char *out, size_t cap, size_t *len, const char *s);
/* pkg:generic/VENDOR/NAME@VERSION, each part percent-encoded, VENDOR and VERSION when not NULL:
 * how the VEX and CSAF documents name a device release. */
void medsec_vex_generic_purl(char *out, size_t cap, const char *vendor, const char *name,
                             const char *version);
/* Is @id a CVE id ("CVE-YYYY-NNNN...")? */
bool medsec_vex_is_cve(const char *id);
/* A date "YYYY-MM-DD" as the date-time at midnight UTC; a date-time as it is; NULL as the epoch. */
void medsec_vex_date_time(const char *s, char out[32]);
/* CSAF `ids` of a vulnerability: @vuln and its @n @aliases but @cve (written as `cve`), each with
 * its system name (GitHub Advisory, CVE, OSV); nothing when no id is left. */
struct medsec_jsonw;
void medsec_vex_csaf_ids(struct medsec_jsonw *w, const char *vuln, const char *const *aliases,
                         size_t n, const char *cve);

/* ---- reading supplier VEX (lib/vex/read.c, docs/vex-read.md) ----------------------------------
 */

/* Caps on untrusted input: a larger document is refused with MEDSEC_ETOOBIG, and so is one that
 * yields more statements. */
#define MEDSEC_VEX_MAX_BYTES ((size_t)64 << 20)
#define MEDSEC_VEX_MAX_STATEMENTS ((size_t)1000000)

/*
 * Read the VEX document in the @len bytes at @buf (@path names it in messages; may be NULL). The
 * format is told by content: CycloneDX (bomFormat "CycloneDX"; each vulnerability with an
 * `analysis` gives one statement per affects[] entry), OpenVEX (an @context naming openvex; one
 * statement per product and subcomponent), CSAF 2.0 (document.category csaf_vex or
 * csaf_security_advisory; one statement per product id in each product_status list). @out is
 * initialised here and holds the statements, origin MEDSEC_VEX_BY_SUPPLIER, their strings in its
 * arena; release it with medsec_vex_doc_release whatever the result.
 * A statement whose state, status, justification or response is not a word of its format, or that
 * lacks a vulnerability id or a state, is skipped with a warning naming the field, its line and
 * column (in @warnings, which may be NULL); so is a reference that cannot be resolved (the
 * statement is kept, with the reference as product). Errors (in @err, with line and column):
 * MEDSEC_EPARSE for text that is not JSON, MEDSEC_EUNSUPPORTED for JSON that is no VEX document,
 * MEDSEC_EINVAL for a document whose statement list is not a list, MEDSEC_ETOOBIG past the caps.
 */
medsec_err medsec_vex_read(const char *path, const char *buf, size_t len,
                           struct medsec_vex_doc *out, struct medsec_diags *warnings,
                           struct medsec_error *err) __attribute__((warn_unused_result));
/* medsec_vex_read of the file @path (a regular file of at most MEDSEC_VEX_MAX_BYTES). */
medsec_err medsec_vex_load(const char *path, struct medsec_vex_doc *out,
                           struct medsec_diags *warnings, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* True when @s is made under the id @vuln or names it among its aliases (ids compared exactly,
 * ignoring ASCII case: "cve-2021-44228" is CVE-2021-44228). */
bool medsec_vex_statement_names(const struct medsec_vex_statement *s, const char *vuln);
/* The first statement of @d about @vuln (its id or an alias, as medsec_vex_statement_names) in
 * @product (compared exactly; NULL matches a statement without one) of release @release (NULL:
 * any; a statement without a release holds for every one); NULL when there is none. */
const struct medsec_vex_statement *medsec_vex_doc_find(const struct medsec_vex_doc *d,
                                                       const char *vuln, const char *product,
                                                       const char *release);
/* medsec_vex_doc_find on document @doc, in the shape of a decide hook (medsec_vex_decide_fn in
 * medsec/device_vex.h): what a document of decisions says about @vuln in @product of @release. */
const struct medsec_vex_statement *medsec_vex_doc_decide(void *doc, const char *vuln,
                                                         const char *product, const char *release);

#ifdef __cplusplus
}
#endif
#endif
