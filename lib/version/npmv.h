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
/* True when s[0..n) is a valid prerelease (without '-') under strict/loose identifier rules. */
bool npmv_pre_ok(const char *s, size_t n, bool loose);
/* compare(): main version then prerelease precedence; build ignored. */
int npmv_cmp(const struct npmv *a, const struct npmv *b);

#endif
