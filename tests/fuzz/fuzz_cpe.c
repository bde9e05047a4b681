/* fuzz_cpe.c: libFuzzer harness for CPE parsing: both bindings must round-trip to the same WFN. */
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
    /* a binding longer than the input cap (quoting, %-encoding) cannot be read back: that is the cap */
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
    /* a name without wildcards equals itself; with them, it is a superset of nothing less than ANY */
    if (!wild && (!medsec_cpe_equal(&c, &c) || !medsec_cpe_match(&c, &c, 0)))
        abort();
    (void)medsec_cpe_key(&c, key, sizeof key);
    return 0;
}
