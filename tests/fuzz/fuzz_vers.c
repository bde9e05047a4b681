/* fuzz_vers.c: libFuzzer harness for vers: parsing, formatting, simplification and containment and
 * the scheme-B comparators (and alpm, conan). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/version.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *s = malloc(size + 1);
    if (!s)
        return 0;
    memcpy(s, data, size);
    s[size] = '\0';
    /* Input: "<vers text>\n<version>"; the version is also compared with itself under each scheme.
     */
    char *nl = strchr(s, '\n');
    const char *ver = "1.0";
    if (nl) {
        *nl = '\0';
        ver = nl + 1;
    }
    static const enum medsec_vscheme schemes[] = {
        MEDSEC_VS_GENERIC,  MEDSEC_VS_DEBIAN, MEDSEC_VS_RPM,  MEDSEC_VS_ALPINE,
        MEDSEC_VS_COMPOSER, MEDSEC_VS_ALPM,   MEDSEC_VS_CONAN};
    for (size_t i = 0; i < sizeof schemes / sizeof schemes[0]; i++) {
        int r;
        struct medsec_error err;
        if (medsec_version_compare(schemes[i], ver, ver, &r, &err) == MEDSEC_OK && r != 0)
            abort(); /* reflexive */
        if (medsec_version_compare(schemes[i], s, ver, &r, &err) == MEDSEC_OK) {
            int back;
            if (medsec_version_compare(schemes[i], ver, s, &back, &err) != MEDSEC_OK || back != -r)
                abort(); /* antisymmetric */
        }
    }
    for (int canonical = 0; canonical < 2; canonical++) {
        struct medsec_vers v;
        struct medsec_error err;
        medsec_err e =
            canonical ? medsec_vers_parse_canonical(s, &v, &err) : medsec_vers_parse(s, &v, &err);
        if (e != MEDSEC_OK)
            continue;
        struct medsec_buf b = MEDSEC_BUF_INIT;
        if (medsec_vers_format(&v, &b) == MEDSEC_OK && !canonical) {
            /* The canonical text parses canonically to the same text (when the scheme orders it).
             */
            struct medsec_vers w;
            if (medsec_vers_parse_canonical(b.data, &w, &err) == MEDSEC_OK) {
                struct medsec_buf b2 = MEDSEC_BUF_INIT;
                if (medsec_vers_format(&w, &b2) == MEDSEC_OK && strcmp(b.data, b2.data) != 0)
                    abort();
                medsec_buf_release(&b2);
                medsec_vers_release(&w);
            }
        }
        medsec_buf_release(&b);
        bool in;
        medsec_err ce = medsec_vers_contains(&v, ver, &in, &err);
        /* Simplifying keeps the meaning (containment is already on the simplified constraints)
         * and is idempotent, except where the scheme's order or equality is not transitive
         * (alpm: 1.5-1 = 1.5 = 1.5-2 but 1.5-1 < 1.5-2, seed alpm_simplify_release_equality;
         * composer, conan, maven: cycles), so that runs of equal versions differ between passes. */
        bool transitive = v.scheme != MEDSEC_VS_ALPM && v.scheme != MEDSEC_VS_COMPOSER &&
                          v.scheme != MEDSEC_VS_CONAN && v.scheme != MEDSEC_VS_MAVEN;
        if (medsec_vers_simplify(&v, &err) == MEDSEC_OK) {
            bool in2;
            if (ce == MEDSEC_OK &&
                (medsec_vers_contains(&v, ver, &in2, &err) != MEDSEC_OK || in2 != in))
                abort();
            struct medsec_buf s1 = MEDSEC_BUF_INIT, s2 = MEDSEC_BUF_INIT;
            if (transitive && medsec_vers_format(&v, &s1) == MEDSEC_OK &&
                medsec_vers_simplify(&v, &err) == 0 && medsec_vers_format(&v, &s2) == MEDSEC_OK &&
                strcmp(s1.data, s2.data) != 0)
                abort();
            medsec_buf_release(&s1);
            medsec_buf_release(&s2);
        }
        medsec_vers_release(&v);
    }
    free(s);
    return 0;
}
