/* npmv.h (internal): node-semver version parsing shared by the npm scheme and npm ranges. */
#ifndef MEDSEC_VERSION_NPMV_H
#define MEDSEC_VERSION_NPMV_H

#include <stdbool.h>
#include <stddef.h>

#define NPMV_MAX_SAFE 9007199254740991ULL /* Number.MAX_SAFE_INTEGER */
#define NPMV_MAX_LEN 256                  /* node-semver MAX_LENGTH */

struct npmv {
    unsigned long long maj, min, pat;
    const char *pre; /* points into the parsed text (or a static string); not NUL-terminated */
    size_t prelen;   /* 0 = release */
    const char *build;
    size_t buildlen;
};

/* Parse s[0..n) as node-semver does (trimmed; strict FULL or, with @loose, LOOSE). */
bool npmv_parse(const char *s, size_t n, bool loose, struct npmv *v);
/*
 * The prerelease between the main version and the build metadata, s[i..end): '-' and identifiers
 * (numeric ones without leading zeros unless @loose). Loose mode also takes identifiers glued to
 * the version ("1.2.3beta") and a '-' that starts an identifier itself. *pre / *prelen (0: none)
 * point into @s; false when the text is not a prerelease.
 */
bool npmv_pre_split(const char *s, size_t i, size_t end, bool loose, const char **pre,
                    size_t *prelen);
/* compare(): main version then prerelease precedence; build ignored. */
int npmv_cmp(const struct npmv *a, const struct npmv *b);

#endif
