/* fuzz_version.c: libFuzzer harness for every version scheme of version.h (validity, reflexivity,
 * antisymmetry, transitivity) and the native range evaluators of vrange.h (npm, PEP 440, NuGet,
 * Maven, RubyGems): a range built from a version contains it, canonical forms are stable and mean
 * the same. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/version.h"
#include "medsec/vrange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sign(int v)
{
    return (v > 0) - (v < 0);
}

/* A total preorder: when b lies between a and c, so does the a/c comparison. */
static void check_transitive(int ab, int bc, int ac)
{
    if (ab <= 0 && bc <= 0 && (ac > 0 || (ac == 0) != (ab == 0 && bc == 0)))
        abort();
    if (ab >= 0 && bc >= 0 && (ac < 0 || (ac == 0) != (ab == 0 && bc == 0)))
        abort();
}

/* Reflexive, antisymmetric and transitive on a, b, c; valid() agrees with compare(). */
static void check_scheme(enum medsec_vscheme s, const char *v[3])
{
    int r[3][3];
    bool ok[3];
    for (int i = 0; i < 3; i++) {
        ok[i] = medsec_version_compare(s, v[i], v[i], &r[i][i], NULL) == MEDSEC_OK;
        if (ok[i] != medsec_version_valid(s, v[i]) || (ok[i] && r[i][i] != 0))
            abort();
    }
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++) {
            if (i == j)
                continue;
            bool both = medsec_version_compare(s, v[i], v[j], &r[i][j], NULL) == MEDSEC_OK;
            if (both != (ok[i] && ok[j]))
                abort();
        }
    if (!ok[0] || !ok[1] || !ok[2])
        return;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (r[i][j] != -r[j][i])
                abort();
    /* Two schemes follow comparators that are themselves not transitive on odd strings, and medsec
     * answers as they do: PHP's version_compare() (composer) has "#.0-beta1.0R.0-beta2" > "2" >
     * "0pl1" > "#.0-beta1.0R.0-beta2" (seed composer_php_cycle), and Maven's ComparableVersion has
     * "x" > "0" > "-a1" > "x" (seed maven_cycle; maven-artifact 3.8.7 agrees). Conan 2 compares an
     * integer item with a text item as text: "1.9" < "1.10" < "1.2a" < "1.9" (seed conan_cycle).
     * libalpm lets separator runs of different lengths decide: "^" < "1/00." < "_x176" < "^" (seed
     * alpm_cycle; libalpm13 6.0.2 agrees). */
    if (s != MEDSEC_VS_COMPOSER && s != MEDSEC_VS_MAVEN && s != MEDSEC_VS_CONAN &&
        s != MEDSEC_VS_ALPM)
        check_transitive(r[0][1], r[1][2], r[0][2]);
}

/* The same for node-semver's own comparator under @flags. */
static void check_npm_versions(const char *v[3], unsigned flags)
{
    int r[3][3];
    for (int i = 0; i < 3; i++)
        if (!medsec_npm_version_valid(v[i], flags))
            return;
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (medsec_npm_version_compare(v[i], v[j], flags, &r[i][j], NULL) != MEDSEC_OK)
                abort(); /* valid versions always compare */
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 3; j++)
            if (sign(r[i][j]) != -sign(r[j][i]) || (i == j && r[i][j] != 0))
                abort();
    check_transitive(sign(r[0][1]), sign(r[1][2]), sign(r[0][2]));
}

/* True when @v is non-empty and holds none of @syntax (characters with a meaning in a range) nor
 * spaces. */
static bool plain(const char *v, const char *syntax)
{
    for (const char *p = v; *p; p++)
        if (strchr(syntax, *p) || strchr(" \t\r\n\v\f", *p))
            return false;
    return *v != '\0';
}

/*
 * Does @canon hold the comparator node-semver reads as "any version": ">=0.0.0", or ">=0.0.0-0"
 * with includePrerelease? node-semver (7.8, the judge) drops it from a range only where the range
 * spells it so (replaceGTE0 runs on the text): one a hyphen range writes from "v0.0.0-0" (or,
 * loose, "0.0.0-00") stays in Range.range, ">=0.0.0-0 <6.0.0-0" for "v0.0.0-0 - 5", and goes when
 * that is read again: "<6.0.0-0". medsec answers as node-semver does (seeds npm_hyphen_gte0*).
 */
static bool has_any_comparator(const char *canon, unsigned flags)
{
    const char *any = flags & MEDSEC_NPM_INCLUDE_PRERELEASE ? ">=0.0.0-0" : ">=0.0.0";
    size_t n = strlen(any);
    for (const char *p = canon; (p = strstr(p, any)) != NULL; p += n)
        if ((p == canon || p[-1] == ' ' || p[-1] == '|') &&
            (p[n] == '\0' || p[n] == ' ' || p[n] == '|'))
            return true;
    return false;
}

static void check_npm(const char *range, const char *ver, unsigned flags)
{
    bool in, again;
    char canon[512], twice[512], thrice[512];
    medsec_err rc = medsec_npm_range_satisfies(range, ver, flags, &in, NULL);
    if (medsec_npm_range_format(range, flags, canon, sizeof canon, NULL) == MEDSEC_OK) {
        /* the canonical comparator form means the same range and is a fixed point, except that
         * reading it again may drop an "any" comparator once (has_any_comparator): then the
         * second form is shorter, a fixed point, and means the same range too */
        if (medsec_npm_range_format(canon, flags, twice, sizeof twice, NULL) != MEDSEC_OK)
            abort();
        if (strcmp(canon, twice) != 0) {
            if (!has_any_comparator(canon, flags) || strlen(twice) >= strlen(canon) ||
                medsec_npm_range_format(twice, flags, thrice, sizeof thrice, NULL) != MEDSEC_OK ||
                strcmp(twice, thrice) != 0)
                abort();
            if (rc == MEDSEC_OK &&
                (medsec_npm_range_satisfies(twice, ver, flags, &again, NULL) != MEDSEC_OK ||
                 in != again))
                abort();
        }
        if (rc == MEDSEC_OK &&
            (medsec_npm_range_satisfies(canon, ver, flags, &again, NULL) != MEDSEC_OK ||
             in != again))
            abort();
    }
    /* a valid version, as a range, is satisfied by itself */
    if (plain(ver, "|<>~^*") && medsec_npm_version_valid(ver, flags) &&
        (medsec_npm_range_satisfies(ver, ver, flags, &in, NULL) != MEDSEC_OK || !in))
        abort();
}

static void check_pep440(const char *specs, const char *ver, unsigned flags)
{
    bool in;
    char norm[512], twice[512], spec[600];
    (void)medsec_pep440_specifiers_contain(specs, ver, (enum medsec_pep440_pre)(flags % 3), &in,
                                           NULL);
    if (medsec_pep440_normalize(ver, norm, sizeof norm, NULL) != MEDSEC_OK)
        return;
    /* normalising is idempotent and keeps the version's place in the order */
    int r;
    if (medsec_pep440_normalize(norm, twice, sizeof twice, NULL) != MEDSEC_OK ||
        strcmp(norm, twice) != 0)
        abort();
    if (medsec_version_compare(MEDSEC_VS_PYPI, ver, norm, &r, NULL) != MEDSEC_OK || r != 0)
        abort();
    /* "===n" and "==n" (n the normal form) hold for v itself when prereleases are allowed */
    snprintf(spec, sizeof spec, "===%s", norm);
    if (medsec_pep440_specifiers_contain(spec, ver, MEDSEC_PEP440_PRE_INCLUDE, &in, NULL) !=
            MEDSEC_OK ||
        !in)
        abort();
    snprintf(spec, sizeof spec, "==%s", norm);
    if (medsec_pep440_specifiers_contain(spec, ver, MEDSEC_PEP440_PRE_INCLUDE, &in, NULL) !=
            MEDSEC_OK ||
        !in)
        abort();
}

static void check_interval(enum medsec_vscheme s, const char *range, const char *ver)
{
    bool in;
    char exact[600];
    medsec_err (*contains)(const char *, const char *, bool *, struct medsec_error *) =
        s == MEDSEC_VS_NUGET ? medsec_nuget_range_contains : medsec_maven_range_contains;
    (void)contains(range, ver, &in, NULL);
    if (!plain(ver, "[](),") || !medsec_version_valid(s, ver))
        return;
    /* "[v]" holds exactly v; "[v,)" and "(,v]" hold it too, "(v,)" and "(,v)" do not */
    static const char *const forms[][3] = {
        {"[", "]", "1"}, {"[", ",)", "1"}, {"(,", "]", "1"}, {"(", ",)", "0"}, {"(,", ")", "0"}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        snprintf(exact, sizeof exact, "%s%s%s", forms[i][0], ver, forms[i][1]);
        if (contains(exact, ver, &in, NULL) != MEDSEC_OK || in != (forms[i][2][0] == '1'))
            abort();
    }
}

static void check_gem(const char *req, const char *ver)
{
    bool in;
    char exact[600];
    (void)medsec_gem_requirement_satisfied(req, ver, &in, NULL);
    if (!plain(ver, ",<>=!~") || !medsec_version_valid(MEDSEC_VS_GEM, ver))
        return;
    static const char *const forms[][2] = {{"= ", "1"},  {">= ", "1"}, {"<= ", "1"}, {"~> ", "1"},
                                           {"!= ", "0"}, {"> ", "0"},  {"< ", "0"}};
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++) {
        snprintf(exact, sizeof exact, "%s%s", forms[i][0], ver);
        if (medsec_gem_requirement_satisfied(exact, ver, &in, NULL) != MEDSEC_OK ||
            in != (forms[i][1][0] == '1'))
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    /*
     * Input: the first byte's low four bits are the enum medsec_vscheme value (mod
     * MEDSEC_VS_COUNT), bits 4-5 the range flags; the rest is "a\nb\nc" (b and c default to the
     * line before). The range parsers read a as the range and b as the version.
     */
    unsigned pick = data[0];
    enum medsec_vscheme s = (enum medsec_vscheme)((pick & 15u) % MEDSEC_VS_COUNT);
    unsigned flags = (pick >> 4) & 3;
    char *buf = malloc(size);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    const char *v[3] = {buf, buf, buf};
    char *p = buf;
    for (int i = 1; i < 3; i++) {
        char *nl = strchr(p, '\n');
        if (!nl) {
            v[i] = v[i - 1];
            continue;
        }
        *nl = '\0';
        v[i] = p = nl + 1;
    }
    check_scheme(s, v);
    switch (s) {
    case MEDSEC_VS_NPM:
    case MEDSEC_VS_SEMVER:
        check_npm_versions(v, flags);
        check_npm(v[0], v[1], flags);
        break;
    case MEDSEC_VS_PYPI: check_pep440(v[0], v[1], flags); break;
    case MEDSEC_VS_NUGET:
    case MEDSEC_VS_MAVEN: check_interval(s, v[0], v[1]); break;
    case MEDSEC_VS_GEM: check_gem(v[0], v[1]); break;
    default: break;
    }
    free(buf);
    return 0;
}
