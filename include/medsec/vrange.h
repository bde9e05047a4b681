/*
 * medsec/vrange.h: native version ranges of the package ecosystems, evaluated without heap
 * allocation: npm ranges (node-semver 7), PEP 440 specifier sets (packaging), NuGet and Maven
 * interval ranges, RubyGems requirements, Conan 2 version ranges. Versions are ordered by the
 * schemes of version.h. All functions take NUL-terminated strings; nothing is retained after they
 * return.
 */
#ifndef MEDSEC_VRANGE_H
#define MEDSEC_VRANGE_H

#include <stdbool.h>
#include <stddef.h>

#include "medsec/error.h"

/* ---- npm (node-semver) ---- */

#define MEDSEC_NPM_LOOSE 1u              /* options.loose */
#define MEDSEC_NPM_INCLUDE_PRERELEASE 2u /* options.includePrerelease */

/* True when @v is a valid node-semver version under @flags (MEDSEC_NPM_LOOSE). */
bool medsec_npm_version_valid(const char *v, unsigned flags);

/* semver.compare(@a, @b, flags) into *result (-1, 0, 1); MEDSEC_EPARSE when either is invalid. */
medsec_err medsec_npm_version_compare(const char *a, const char *b, unsigned flags, int *result,
                                      struct medsec_error *err) __attribute__((warn_unused_result));

/*
 * semver.satisfies(@version, @range, flags): ^ ~ x-ranges, hyphen ranges, || and comparator
 * sets, with node-semver's prerelease rule. *out false when @version is not a valid version;
 * MEDSEC_EPARSE when @range is invalid, MEDSEC_ETOOBIG when it exceeds the internal caps.
 */
medsec_err medsec_npm_range_satisfies(const char *range, const char *version, unsigned flags,
                                      bool *out, struct medsec_error *err)
    __attribute__((warn_unused_result));

/* new Range(@range, flags).range: the canonical comparator form, NUL-terminated into @out. */
medsec_err medsec_npm_range_format(const char *range, unsigned flags, char *out, size_t cap,
                                   struct medsec_error *err) __attribute__((warn_unused_result));

/* ---- PyPI (PEP 440) ---- */

/* Prerelease policy of a specifier check (packaging's `prereleases` argument). */
enum medsec_pep440_pre {
    MEDSEC_PEP440_PRE_AUTO = 0, /* None: allowed when a specifier names a prerelease */
    MEDSEC_PEP440_PRE_INCLUDE,  /* True */
    MEDSEC_PEP440_PRE_EXCLUDE   /* False */
};

/* Normalised form of a PEP 440 version (str(Version(v))), e.g. "1.0-RC1" -> "1.0rc1".
 * MEDSEC_ETOOBIG when it would be longer than a version may be (256 bytes: "-2" grows to ".post2"),
 * or than @cap allows. */
medsec_err medsec_pep440_normalize(const char *v, char *out, size_t cap, struct medsec_error *err)
    __attribute__((warn_unused_result));

/*
 * SpecifierSet(@specs).contains(@version, prereleases): comma-separated ~= == != <= >= < > ===
 * clauses, "==1.2.*" prefix matching, local versions. "" matches every final release.
 * MEDSEC_EPARSE when @specs or @version is invalid.
 */
medsec_err medsec_pep440_specifiers_contain(const char *specs, const char *version,
                                            enum medsec_pep440_pre pre, bool *out,
                                            struct medsec_error *err)
    __attribute__((warn_unused_result));

/* ---- NuGet ---- */

/*
 * NuGet VersionRange: "1.0" (>= 1.0), "[1.0]", "[1.0,2.0)", "(,1.0]", "(1.0,)". Floating
 * ranges ("1.*") are not supported (MEDSEC_EUNSUPPORTED). MEDSEC_EPARSE when invalid.
 */
medsec_err medsec_nuget_range_contains(const char *range, const char *version, bool *out,
                                       struct medsec_error *err)
    __attribute__((warn_unused_result));

/* ---- Maven ---- */

/*
 * Maven VersionRange: a soft requirement "1.0" (any version), "[1.0]", "[1.0,2.0)", "(,1.0]",
 * several intervals separated by commas "(,1.0],[1.2,)". MEDSEC_EPARSE when invalid.
 */
medsec_err medsec_maven_range_contains(const char *range, const char *version, bool *out,
                                       struct medsec_error *err)
    __attribute__((warn_unused_result));

/* ---- RubyGems ---- */

/*
 * Gem::Requirement: comma-separated "op version" clauses with = != > < >= <= ~>; all must hold.
 * "" is ">= 0". MEDSEC_EPARSE when a clause or @version is invalid.
 */
medsec_err medsec_gem_requirement_satisfied(const char *req, const char *version, bool *out,
                                            struct medsec_error *err)
    __attribute__((warn_unused_result));

/* ---- Conan 2 ---- */

/* Pre-releases in a Conan range: as the range says (include_prerelease), or forced as
 * core.version_ranges:resolve_prereleases does. */
enum medsec_conan_pre {
    MEDSEC_CONAN_PRE_AUTO = 0, /* None: only with the range's include_prerelease option */
    MEDSEC_CONAN_PRE_INCLUDE,  /* True */
    MEDSEC_CONAN_PRE_EXCLUDE   /* False */
};

/*
 * Does the Conan 2 version range @range ("[>=1.0 <2.0 || ~1.2, include_prerelease]", brackets
 * optional) hold @version (VersionRange.contains)? MEDSEC_EPARSE for a version the conan scheme
 * rejects and for the ranges Conan rejects (">= 1.0", "==1.0", "~=1.0", a lone "<", "^0.0",
 * "~a.b", an option that is not a word); MEDSEC_ETOOBIG past 1 KiB.
 */
medsec_err medsec_conan_range_contains(const char *range, const char *version,
                                       enum medsec_conan_pre pre, bool *out,
                                       struct medsec_error *err)
    __attribute__((warn_unused_result));

#endif
