/* version.c: dispatch of version validation and comparison to the scheme modules; scheme names. */
#include <string.h>
#include <strings.h>

#include "medsec/version.h"
#include "schemes.h"

static const struct {
    const char *name;
    const struct vscheme_ops *ops;
} schemes[MEDSEC_VS_COUNT] = {
    [MEDSEC_VS_GENERIC] = {"generic", &vs_generic},
    [MEDSEC_VS_SEMVER] = {"semver", &vs_semver},
    [MEDSEC_VS_NPM] = {"npm", &vs_npm},
    [MEDSEC_VS_PYPI] = {"pypi", &vs_pypi},
    [MEDSEC_VS_DEBIAN] = {"deb", &vs_debian},
    [MEDSEC_VS_RPM] = {"rpm", &vs_rpm},
    [MEDSEC_VS_MAVEN] = {"maven", &vs_maven},
    [MEDSEC_VS_GOLANG] = {"golang", &vs_golang},
    [MEDSEC_VS_ALPINE] = {"apk", &vs_alpine},
    [MEDSEC_VS_GEM] = {"gem", &vs_gem},
    [MEDSEC_VS_NUGET] = {"nuget", &vs_nuget},
    [MEDSEC_VS_COMPOSER] = {"composer", &vs_composer},
    [MEDSEC_VS_ALPM] = {"alpm", &vs_alpm},
    [MEDSEC_VS_CONAN] = {"conan", &vs_conan},
};

static const struct {
    const char *alias;
    enum medsec_vscheme scheme;
} aliases[] = {
    {"debian", MEDSEC_VS_DEBIAN}, {"alpine", MEDSEC_VS_ALPINE}, {"rubygems", MEDSEC_VS_GEM},
    {"go", MEDSEC_VS_GOLANG},     {"cargo", MEDSEC_VS_SEMVER},  {"packagist", MEDSEC_VS_COMPOSER},
    {"python", MEDSEC_VS_PYPI},   {"pep440", MEDSEC_VS_PYPI},
};

const char *medsec_vscheme_name(enum medsec_vscheme s)
{
    return (unsigned)s < MEDSEC_VS_COUNT ? schemes[s].name : "generic";
}

bool medsec_vscheme_from_name(const char *name, enum medsec_vscheme *out)
{
    for (unsigned i = 0; i < MEDSEC_VS_COUNT; i++)
        if (strcasecmp(name, schemes[i].name) == 0) {
            *out = (enum medsec_vscheme)i;
            return true;
        }
    for (size_t i = 0; i < sizeof aliases / sizeof aliases[0]; i++)
        if (strcasecmp(name, aliases[i].alias) == 0) {
            *out = aliases[i].scheme;
            return true;
        }
    return false;
}

bool medsec_vscheme_for_osv_ecosystem(const char *eco, enum medsec_vscheme *out)
{
    static const struct {
        const char *prefix; /* matched up to an optional ":<release>" suffix */
        enum medsec_vscheme scheme;
    } map[] = {
        {"npm", MEDSEC_VS_NPM},          {"PyPI", MEDSEC_VS_PYPI},
        {"Go", MEDSEC_VS_GOLANG},        {"crates.io", MEDSEC_VS_SEMVER},
        {"Maven", MEDSEC_VS_MAVEN},      {"RubyGems", MEDSEC_VS_GEM},
        {"NuGet", MEDSEC_VS_NUGET},      {"Packagist", MEDSEC_VS_COMPOSER},
        {"Debian", MEDSEC_VS_DEBIAN},    {"Ubuntu", MEDSEC_VS_DEBIAN},
        {"Alpine", MEDSEC_VS_ALPINE},    {"AlmaLinux", MEDSEC_VS_RPM},
        {"Rocky Linux", MEDSEC_VS_RPM},  {"Red Hat", MEDSEC_VS_RPM},
        {"openSUSE", MEDSEC_VS_RPM},     {"SUSE", MEDSEC_VS_RPM},
        {"Mageia", MEDSEC_VS_RPM},       {"Bitnami", MEDSEC_VS_SEMVER},
        {"Hex", MEDSEC_VS_SEMVER},       {"Pub", MEDSEC_VS_SEMVER},
        {"SwiftURL", MEDSEC_VS_SEMVER},  {"GHC", MEDSEC_VS_GENERIC},
        {"Hackage", MEDSEC_VS_GENERIC},  {"CRAN", MEDSEC_VS_GENERIC},
        {"OSS-Fuzz", MEDSEC_VS_GENERIC}, {"Linux", MEDSEC_VS_GENERIC},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        size_t n = strlen(map[i].prefix);
        if (strncmp(eco, map[i].prefix, n) == 0 && (eco[n] == '\0' || eco[n] == ':')) {
            *out = map[i].scheme;
            return true;
        }
    }
    return false;
}

bool medsec_version_valid(enum medsec_vscheme s, const char *v)
{
    if ((unsigned)s >= MEDSEC_VS_COUNT || !v)
        return false;
    return schemes[s].ops->valid(v);
}

medsec_err medsec_version_compare(enum medsec_vscheme s, const char *a, const char *b, int *result,
                                  struct medsec_error *err)
{
    *result = 0;
    if ((unsigned)s >= MEDSEC_VS_COUNT)
        return medsec_error_set(err, MEDSEC_EINVAL, NULL, 0, 0, "unknown version scheme");
    const struct vscheme_ops *ops = schemes[s].ops;
    if (!a || !ops->valid(a))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "'%s' is not a valid %s version",
                                a ? a : "(null)", schemes[s].name);
    if (!b || !ops->valid(b))
        return medsec_error_set(err, MEDSEC_EPARSE, NULL, 0, 0, "'%s' is not a valid %s version",
                                b ? b : "(null)", schemes[s].name);
    int c = ops->cmp(a, b);
    *result = c < 0 ? -1 : c > 0;
    return MEDSEC_OK;
}
