/* medsec/version.h: version ordering, one scheme per ecosystem, and the vers: range notation. */
#ifndef MEDSEC_VERSION_H
#define MEDSEC_VERSION_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/buf.h"
#include "medsec/error.h"

/* Version schemes. Names (medsec_vscheme_name) are the vers: scheme names, which are purl types. */
enum medsec_vscheme {
    MEDSEC_VS_GENERIC = 0, /* "generic": CPE-ranged and vendor versions (1.1.1k > 1.1.1) */
    MEDSEC_VS_SEMVER,      /* "semver": SemVer 2.0 */
    MEDSEC_VS_NPM,         /* "npm": node-semver ordering and ranges */
    MEDSEC_VS_PYPI,        /* "pypi": PEP 440 */
    MEDSEC_VS_DEBIAN,      /* "deb": dpkg */
    MEDSEC_VS_RPM,         /* "rpm": [epoch:]version[-release], rpmvercmp */
    MEDSEC_VS_MAVEN,       /* "maven": ComparableVersion */
    MEDSEC_VS_GOLANG,      /* "golang": Go module versions incl. pseudo-versions */
    MEDSEC_VS_ALPINE,      /* "apk": apk-tools */
    MEDSEC_VS_GEM,         /* "gem": Gem::Version */
    MEDSEC_VS_NUGET,       /* "nuget": NuGet.Versioning */
    MEDSEC_VS_COMPOSER,    /* "composer": Packagist / Composer (composer/semver) */
    MEDSEC_VS_ALPM,        /* "alpm": Arch Linux, libalpm's vercmp */
    MEDSEC_VS_CONAN,       /* "conan": Conan 2 */
    MEDSEC_VS_COUNT
};

const char *medsec_vscheme_name(enum medsec_vscheme s);
/* Scheme from a vers: scheme / purl type name ("npm", "pypi", "deb", "rpm", ...); also accepts
 * "debian", "alpine", "rubygems", "go", "cargo" (semver), "packagist". False when unknown. */
bool medsec_vscheme_from_name(const char *name, enum medsec_vscheme *out);
/* Scheme for an OSV ecosystem ("npm", "PyPI", "Debian:12", "AlmaLinux:9", "Go", "crates.io",
 * "Maven", "Alpine:v3.18", "RubyGems", "NuGet", "Packagist", "Bitnami"...). False when unknown. */
bool medsec_vscheme_for_osv_ecosystem(const char *ecosystem, enum medsec_vscheme *out);

/* True when @v is a valid version in scheme @s. */
bool medsec_version_valid(enum medsec_vscheme s, const char *v);

/*
 * Compare @a and @b under scheme @s: *result < 0, 0 or > 0. MEDSEC_EPARSE (with @err naming the
 * bad version) when either is not a valid version of the scheme.
 */
medsec_err medsec_version_compare(enum medsec_vscheme s, const char *a, const char *b, int *result,
                                  struct medsec_error *err) __attribute__((warn_unused_result));

/* ---- vers: (package-url/vers-spec) ---- */

enum medsec_vers_op {
    MEDSEC_VERS_EQ,
    MEDSEC_VERS_NE,
    MEDSEC_VERS_LT,
    MEDSEC_VERS_LE,
    MEDSEC_VERS_GT,
    MEDSEC_VERS_GE,
    MEDSEC_VERS_ANY
};

struct medsec_vers_constraint {
    enum medsec_vers_op op;
    char *version; /* owned; NULL for ANY ("*") */
};

struct medsec_vers {
    char *scheme_name;          /* owned: as written, lowercased */
    enum medsec_vscheme scheme; /* GENERIC when the name is not known */
    bool known_scheme;
    struct medsec_vers_constraint *c; /* owned, sorted by version as the spec requires */
    size_t n;
};

/* Parse "vers:<scheme>/<constraints>"; MEDSEC_EPARSE / EINVAL with a message naming the part. */
medsec_err medsec_vers_parse(const char *s, struct medsec_vers *out, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* Is @version inside the range? The spec's containment check on the simplified constraints
 * (medsec_vers_simplify: ">=4.2.1|>=5.0.3" holds 4.2.2). MEDSEC_EPARSE when @version or a
 * constraint version is not valid in the scheme; MEDSEC_EUNSUPPORTED for an unknown scheme. */
medsec_err medsec_vers_contains(const struct medsec_vers *r, const char *version, bool *out,
                                struct medsec_error *err) __attribute__((warn_unused_result));
/*
 * The spec's simplification ("Simplifying constraints") of a range medsec_vers_parse sorted by
 * version: exact duplicates merged, and the redundant ones removed ("!=" aside, a run of ">"/">="
 * keeps its first and drops the equalities after it; equalities and "<"/"<=" followed by "<"/"<="
 * keep the last): ">=4.2.1|>=5.0.3" becomes ">=4.2.1", "1.0|<2.0|<=3.0" becomes "<=3.0". The range
 * then holds exactly what medsec_vers_contains answered before. MEDSEC_EUNSUPPORTED for an unknown
 * scheme, MEDSEC_EPARSE when a version is not valid in it.
 */
medsec_err medsec_vers_simplify(struct medsec_vers *r, struct medsec_error *err)
    __attribute__((warn_unused_result));
/* Canonical text of the range. */
medsec_err medsec_vers_format(const struct medsec_vers *r, struct medsec_buf *out);
void medsec_vers_release(struct medsec_vers *r);

/* ---- vers: strict canonical parsing (added with the vers module) ---- */

/*
 * Like medsec_vers_parse, but @s must already be canonical: no whitespace, no empty constraints
 * (leading, trailing or doubled '|'), upper-case percent-encoding, constraints sorted by version,
 * each version once, no redundant contiguous constraints (">=4.2.1|>=5.0.3", "<1|<2", "1|<2";
 * "!=" aside), and for "datetime" upper-case T/Z with unencoded colons. Messages start
 * "non-canonical VERS: ".
 */
medsec_err medsec_vers_parse_canonical(const char *s, struct medsec_vers *out,
                                       struct medsec_error *err)
    __attribute__((warn_unused_result));

/* ---- OSV ranges (SEMVER and ECOSYSTEM events) ---- */

enum medsec_version_event_kind {
    MEDSEC_VERSION_EV_INTRODUCED,
    MEDSEC_VERSION_EV_FIXED,
    MEDSEC_VERSION_EV_LAST_AFFECTED,
    MEDSEC_VERSION_EV_LIMIT
};

/* Most events of one range medsec_version_osv_contains evaluates. */
#define MEDSEC_VERSION_MAX_EVENTS 64

struct medsec_version_event {
    enum medsec_version_event_kind kind;
    const char *version; /* @len bytes, not NUL-terminated; introduced "0" means from the start */
    size_t len;
};

/*
 * Is @version inside one OSV range given as @n events? The events are sorted by version under
 * @scheme (introduced "0" first) and walked: introduced opens, fixed and limit close at their
 * version, last_affected closes after it. Under semver a leading "v" is ignored. MEDSEC_EPARSE when
 * @version or an event's version is not valid in the scheme (or 256 bytes or longer);
 * MEDSEC_ETOOBIG past MEDSEC_VERSION_MAX_EVENTS events; MEDSEC_ENOMEM.
 */
medsec_err
medsec_version_osv_contains(enum medsec_vscheme scheme, const struct medsec_version_event *ev,
                            size_t n, const char *version, bool *affected, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* The longest version text the ordering functions take (NUL included); longer ones are unorderable.
 */
#define MEDSEC_VERSION_MAX 256

/* Copy the version text at @s (@n bytes, not NUL-terminated) into @dst (MEDSEC_VERSION_MAX bytes)
 * as a string, without a "v" before a digit when @strip_v (SemVer data often writes "v1.2.3").
 * False when it is empty or MEDSEC_VERSION_MAX bytes or longer. */
bool medsec_version_copy(char dst[MEDSEC_VERSION_MAX], const char *s, size_t n, bool strip_v);

#endif
