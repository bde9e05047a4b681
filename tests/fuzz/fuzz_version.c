/* fuzz_version.c: libFuzzer harness for the scheme-A comparators (antisymmetry, reflexivity) and their range parsers. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/version.h"
#include "medsec/vrange.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || size > 4096)
        return 0;
    /* Input: first byte picks the scheme (and range options), the rest is "a\nb". */
    static const enum medsec_vscheme schemes[] = {MEDSEC_VS_SEMVER, MEDSEC_VS_NPM,   MEDSEC_VS_PYPI,
                                                  MEDSEC_VS_GOLANG, MEDSEC_VS_GEM,   MEDSEC_VS_NUGET,
                                                  MEDSEC_VS_MAVEN};
    unsigned pick = data[0];
    enum medsec_vscheme s = schemes[pick % (sizeof schemes / sizeof schemes[0])];
    char *buf = malloc(size);
    if (!buf)
        return 0;
    memcpy(buf, data + 1, size - 1);
    buf[size - 1] = '\0';
    char *a = buf, *b = buf;
    char *nl = strchr(buf, '\n');
    if (nl) {
        *nl = '\0';
        b = nl + 1;
    }
    int ab = 0, ba = 0, aa = 1;
    if (medsec_version_compare(s, a, b, &ab, NULL) == MEDSEC_OK) {
        if (medsec_version_compare(s, b, a, &ba, NULL) != MEDSEC_OK || ab != -ba)
            abort(); /* compare must be antisymmetric */
        if (medsec_version_compare(s, a, a, &aa, NULL) != MEDSEC_OK || aa != 0)
            abort(); /* and reflexive */
    }
    bool in;
    char out[512];
    unsigned flags = (pick >> 4) & 3;
    switch (s) {
    case MEDSEC_VS_NPM:
    case MEDSEC_VS_SEMVER:
        (void)medsec_npm_range_satisfies(a, b, flags, &in, NULL);
        (void)medsec_npm_range_format(a, flags, out, sizeof out, NULL);
        break;
    case MEDSEC_VS_PYPI:
        (void)medsec_pep440_specifiers_contain(a, b, (enum medsec_pep440_pre)(flags % 3), &in, NULL);
        (void)medsec_pep440_normalize(a, out, sizeof out, NULL);
        break;
    case MEDSEC_VS_GEM:
        (void)medsec_gem_requirement_satisfied(a, b, &in, NULL);
        break;
    case MEDSEC_VS_NUGET:
        (void)medsec_nuget_range_contains(a, b, &in, NULL);
        break;
    case MEDSEC_VS_MAVEN:
        (void)medsec_maven_range_contains(a, b, &in, NULL);
        break;
    default:
        break;
    }
    free(buf);
    return 0;
}
