/* medsec/cpe.h: CPE 2.3 names (NISTIR 7695 bindings and WFN) and name matching (NISTIR 7696). */
#ifndef MEDSEC_CPE_H
#define MEDSEC_CPE_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Longest CPE string accepted (either binding). */
#define MEDSEC_CPE_MAX_LEN 1024
/* Room for the 11 WFN values: quoting can double a value, plus one NUL each. */
#define MEDSEC_CPE_TEXT_MAX (2 * MEDSEC_CPE_MAX_LEN + 16)

/* The eleven WFN attributes, in binding order. */
enum medsec_cpe_attr {
    MEDSEC_CPE_PART = 0,
    MEDSEC_CPE_VENDOR,
    MEDSEC_CPE_PRODUCT,
    MEDSEC_CPE_VERSION,
    MEDSEC_CPE_UPDATE,
    MEDSEC_CPE_EDITION,
    MEDSEC_CPE_LANGUAGE,
    MEDSEC_CPE_SW_EDITION,
    MEDSEC_CPE_TARGET_SW,
    MEDSEC_CPE_TARGET_HW,
    MEDSEC_CPE_OTHER,
    MEDSEC_CPE_NATTR
};

/* What an attribute holds: the logical values ANY ('*') and NA ('-'), or a string value. */
enum medsec_cpe_kind { MEDSEC_CPE_ANY = 0, MEDSEC_CPE_NA, MEDSEC_CPE_VALUE };

/*
 * A well-formed name (WFN) in one fixed-size struct, no heap: parse into a struct on the stack or
 * in an array. String values are kept in WFN form: lowercase, every character other than [a-z0-9_]
 * quoted with
 * '\', and unquoted '*' / '?' wildcards only at the start or end. Read them with
 * medsec_cpe_value().
 */
struct medsec_cpe {
    unsigned char kind[MEDSEC_CPE_NATTR]; /* enum medsec_cpe_kind */
    unsigned char wild[MEDSEC_CPE_NATTR]; /* value holds unquoted wildcards */
    unsigned short off[MEDSEC_CPE_NATTR]; /* value start in text */
    unsigned short len[MEDSEC_CPE_NATTR]; /* value length in bytes */
    unsigned short used;                  /* bytes of text in use */
    char text[MEDSEC_CPE_TEXT_MAX];
};

/*
 * Parse @len bytes at @s, a formatted string ("cpe:2.3:part:vendor:...", all 13 fields) or a URI
 * ("cpe:/part:vendor:product:version:update:edition:language", with %-encoding and a packed "~"
 * edition), into @out. Letters are lowercased. MEDSEC_EPARSE on malformed input, MEDSEC_EINVAL on a
 * bad part, MEDSEC_ETOOBIG past MEDSEC_CPE_MAX_LEN.
 */
medsec_err medsec_cpe_parse(const char *s, size_t len, struct medsec_cpe *out,
                            struct medsec_error *err) __attribute__((warn_unused_result));
medsec_err medsec_cpe_parse_fs(const char *s, size_t len, struct medsec_cpe *out,
                               struct medsec_error *err) __attribute__((warn_unused_result));
medsec_err medsec_cpe_parse_uri(const char *s, size_t len, struct medsec_cpe *out,
                                struct medsec_error *err) __attribute__((warn_unused_result));

/* Bind @c to a formatted string / a URI in @buf (@cap bytes, NUL-terminated); MEDSEC_ETOOBIG if
 * short. */
medsec_err medsec_cpe_format_fs(const struct medsec_cpe *c, char *buf, size_t cap)
    __attribute__((warn_unused_result));
medsec_err medsec_cpe_format_uri(const struct medsec_cpe *c, char *buf, size_t cap)
    __attribute__((warn_unused_result));

/* Kind of attribute @a, and its WFN value (quoted form) or NULL for ANY / NA. Borrowed from @c. */
enum medsec_cpe_kind medsec_cpe_kind(const struct medsec_cpe *c, enum medsec_cpe_attr a);
const char *medsec_cpe_value(const struct medsec_cpe *c, enum medsec_cpe_attr a);

/*
 * The value of @a with quoting removed (e.g. "1.2\-rc1" -> "1.2-rc1") into @buf; "*" for ANY, "-"
 * for NA. For version range checks. MEDSEC_ETOOBIG if @cap is short.
 */
medsec_err medsec_cpe_unquoted(const struct medsec_cpe *c, enum medsec_cpe_attr a, char *buf,
                               size_t cap) __attribute__((warn_unused_result));

/*
 * Index key "vendor:product" (unquoted, lowercase; a ':' or '\' inside a value stays quoted so the
 * key is unambiguous) into @buf. MEDSEC_EINVAL when vendor or product is ANY, NA or holds
 * wildcards.
 */
medsec_err medsec_cpe_key(const struct medsec_cpe *c, char *buf, size_t cap)
    __attribute__((warn_unused_result));

/*
 * The version attribute of @c as an index key for exact-version lookups: unquoted, lowercase,
 * trailing
 * ".0" components dropped ("2.6.0" -> "2.6", "1.0" -> "1"), so versions the generic scheme calls
 * equal mostly share a key. MEDSEC_ENOTFOUND when the version is ANY, NA or holds wildcards;
 * MEDSEC_ETOOBIG.
 */
medsec_err medsec_cpe_version_key(const struct medsec_cpe *c, char *buf, size_t cap)
    __attribute__((warn_unused_result));
/* The same normalisation of a plain version string (a component's version). */
medsec_err medsec_cpe_version_key_str(const char *version, char *buf, size_t cap)
    __attribute__((warn_unused_result));

/* NISTIR 7696 attribute comparison relations. */
enum medsec_cpe_relation {
    MEDSEC_CPE_DISJOINT = 0,
    MEDSEC_CPE_SUBSET,
    MEDSEC_CPE_SUPERSET,
    MEDSEC_CPE_EQUAL,
    MEDSEC_CPE_UNDEFINED /* the target holds wildcards and the source is not ANY */
};

/* Relation of @source's attribute @a to @target's (wildcards count only in the source). */
enum medsec_cpe_relation medsec_cpe_compare_attr(const struct medsec_cpe *source,
                                                 const struct medsec_cpe *target,
                                                 enum medsec_cpe_attr a);

/* Name comparisons of NISTIR 7696: every attribute SUPERSET or EQUAL (superset), ... */
bool medsec_cpe_superset(const struct medsec_cpe *source, const struct medsec_cpe *target);
bool medsec_cpe_subset(const struct medsec_cpe *source, const struct medsec_cpe *target);
bool medsec_cpe_equal(const struct medsec_cpe *source, const struct medsec_cpe *target);
bool medsec_cpe_disjoint(const struct medsec_cpe *source, const struct medsec_cpe *target);

/* medsec_cpe_match flags. */
enum {
    /* Skip the version attribute: the caller checks versionStart/End ranges itself. */
    MEDSEC_CPE_MATCH_IGNORE_VERSION = 1u << 0,
};

/*
 * Does NVD match criterion @criterion (may hold wildcards) cover component name @component? True
 * when every attribute relation is SUPERSET or EQUAL (NISTIR 7696 CPE_SUPERSET); UNDEFINED never
 * matches.
 */
bool medsec_cpe_match(const struct medsec_cpe *criterion, const struct medsec_cpe *component,
                      unsigned flags);

/* True when @a and @b are the same WFN (same kinds and values, byte for byte). */
bool medsec_cpe_same(const struct medsec_cpe *a, const struct medsec_cpe *b);

/*
 * Give @c the version @version, a plain string (a component's version for a name that leaves it
 * open): every character other than [A-Za-z0-9._-] is quoted as the formatted-string binding needs,
 * so "-" alone is NA and "2.0*" a literal '*'. The name is bound and read back whole, under the
 * same rules and cap as medsec_cpe_parse_fs. MEDSEC_EPARSE when @version is empty or holds a
 * character that is not printable ASCII, MEDSEC_ETOOBIG when the name would pass
 * MEDSEC_CPE_MAX_LEN; @c is unusable after a failure.
 */
medsec_err medsec_cpe_set_version(struct medsec_cpe *c, const char *version,
                                  struct medsec_error *err) __attribute__((warn_unused_result));

/* ---- reading a formatted string without parsing it ---- */

/*
 * Attribute @a of formatted string @fs ("cpe:2.3:part:vendor:..."): the text between the unquoted
 * ':' around it, with the quoting '\' removed and letters lowercased ("*" for ANY, "-" for NA, as
 * written). For cheap pre-checks over many names; nothing is validated, so @fs must be a formatted
 * string (a URI gives the wrong fields). False when the field is missing or needs @cap bytes or
 * more.
 */
bool medsec_cpe_fs_attr(const char *fs, enum medsec_cpe_attr a, char *out, size_t cap);

/* The vendor and product of a formatted string, read once to compare with many names. */
struct medsec_cpe_vp {
    char vendor[128], product[128]; /* as medsec_cpe_fs_attr reads them */
    bool known;                     /* both were read (false: too long or missing) */
    bool vendor_wild, product_wild; /* they hold '*' or '?' */
};
void medsec_cpe_vp_read(const char *fs, struct medsec_cpe_vp *out);

/* ---- URLs a CPE can be derived from (lib/id/cpeurl.c) ---- */

#define MEDSEC_CPE_URL_HOST_MAX 256
#define MEDSEC_CPE_URL_PATH_MAX 512

/*
 * The host and path that a product reference of the CPE dictionary and a component's download,
 * website or VCS URL are compared on. Accepts http, https, ftp, git and ssh URLs, with a `git+`
 * (or `svn+`, `hg+`) prefix and the scp-like `git@host:owner/repo` form. The host is lowercased,
 * without user, port, trailing dot and a leading `www.`. The path is lowercased, without query,
 * fragment, empty segments, a `.git` suffix and a last segment that names a file (holds a dot and
 * no slash follows: `zlib-1.2.11.tar.gz`, `changes.html`), written as segments joined by `/`
 * without a leading one
 * ("" for the host alone). On a hosting site shared by many projects (github.com, gitlab.com,
 * sourceforge.net, ...; medsec_cpe_url_shared_host) the path is cut to the segments that name one
 * project (`owner/repo`, `projects/name`), and a URL with fewer is not usable.
 * Returns false when the URL is not usable (another scheme, NOASSERTION, too long).
 */
bool medsec_cpe_url_key(const char *url, char *host, size_t hcap, char *path, size_t pcap);

/* How many path segments name one project on @host, a hosting site shared by many (2 for
 * github.com: owner/repo); 0 for any other host; -1 for a host whose paths never name a project
 * (app stores, document sites: the project is in the query). */
int medsec_cpe_url_shared_host(const char *host);

#ifdef __cplusplus
}
#endif
#endif
