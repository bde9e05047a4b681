/* fuzz_cpe.c: libFuzzer harness for CPE parsing: both bindings must round-trip to the same WFN;
 * reading one attribute of a formatted string without parsing it agrees with the parse; a version
 * set from outside reads back as given. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/cpe.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct medsec_cpe c, d;
    static char fs[MEDSEC_CPE_TEXT_MAX], uri[3 * MEDSEC_CPE_TEXT_MAX], key[MEDSEC_CPE_TEXT_MAX];
    struct medsec_error err;
    int a, wild = 0;

    if (medsec_cpe_parse((const char *)data, size, &c, &err) != MEDSEC_OK)
        return 0;
    if (medsec_cpe_format_fs(&c, fs, sizeof fs) != MEDSEC_OK)
        abort();
    /* a binding longer than the input cap (quoting, %-encoding) cannot be read back: that is the
     * cap */
    if (strlen(fs) <= MEDSEC_CPE_MAX_LEN &&
        (medsec_cpe_parse_fs(fs, strlen(fs), &d, &err) != MEDSEC_OK || !medsec_cpe_same(&c, &d)))
        abort();
    if (medsec_cpe_format_uri(&c, uri, sizeof uri) != MEDSEC_OK)
        abort();
    if (strlen(uri) <= MEDSEC_CPE_MAX_LEN &&
        (medsec_cpe_parse_uri(uri, strlen(uri), &d, &err) != MEDSEC_OK || !medsec_cpe_same(&c, &d)))
        abort();
    for (a = 0; a < MEDSEC_CPE_NATTR; a++)
        wild |= c.wild[a];
    /* a name without wildcards equals itself; with them, it is a superset of nothing less than ANY
     */
    if (!wild && (!medsec_cpe_equal(&c, &c) || !medsec_cpe_match(&c, &c, 0)))
        abort();
    (void)medsec_cpe_key(&c, key, sizeof key);
    if (size >= 8 && memcmp(data, "cpe:2.3:", 8) == 0) {
        static char text[MEDSEC_CPE_MAX_LEN + 1], got[MEDSEC_CPE_TEXT_MAX],
            want[MEDSEC_CPE_TEXT_MAX];
        memcpy(text, data, size); /* parsed: no NUL inside, at most MEDSEC_CPE_MAX_LEN bytes */
        text[size] = '\0';
        for (a = 0; a < MEDSEC_CPE_NATTR; a++)
            if (!medsec_cpe_fs_attr(text, (enum medsec_cpe_attr)a, got, sizeof got) ||
                medsec_cpe_unquoted(&c, (enum medsec_cpe_attr)a, want, sizeof want) != MEDSEC_OK ||
                strcmp(got, want) != 0)
                abort();
    }
    d = c;
    medsec_err rc = medsec_cpe_set_version(&d, "1.0+B2", &err);
    if (rc != MEDSEC_OK && rc != MEDSEC_ETOOBIG)
        abort();
    if (rc == MEDSEC_OK) {
        if (medsec_cpe_unquoted(&d, MEDSEC_CPE_VERSION, key, sizeof key) != MEDSEC_OK ||
            strcmp(key, "1.0+b2") != 0)
            abort();
        for (a = 0; a < MEDSEC_CPE_NATTR; a++) {
            const char *x = medsec_cpe_value(&c, (enum medsec_cpe_attr)a);
            const char *y = medsec_cpe_value(&d, (enum medsec_cpe_attr)a);
            if (a != MEDSEC_CPE_VERSION && (c.kind[a] != d.kind[a] || (x && strcmp(x, y) != 0)))
                abort();
        }
    }
    return 0;
}
