/* fuzz_cvss.c: libFuzzer harness for the CVSS vector parser: any input either fails with a
 * positioned error or parses, scores within 0..10, and prints a normalised vector that parses to
 * the same scores. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_range(double v)
{
    if (v != -1 && !(v >= 0 && v <= 10))
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char in[MEDSEC_CVSS_MAX_LEN + 64];
    if (size >= sizeof in)
        size = sizeof in - 1;
    memcpy(in, data, size);
    in[size] = '\0';
    struct medsec_cvss c;
    struct medsec_error err;
    if (medsec_cvss_parse(in, &c, &err) != MEDSEC_OK) {
        if (err.column == 0 || err.msg[0] == '\0')
            abort(); /* every error names a column and says why */
        return 0;
    }
    struct medsec_cvss_scores s, s2;
    medsec_cvss_score(&c, &s);
    check_range(s.base);
    check_range(s.temporal);
    check_range(s.environmental);
    check_range(s.overall);
    if (medsec_cvss_severity(c.version, s.overall) == MEDSEC_CVSS_SEV_UNKNOWN)
        abort();
    char norm[MEDSEC_CVSS_MAX_LEN + 16];
    size_t n = medsec_cvss_format(&c, norm, sizeof norm);
    if (n >= sizeof norm)
        abort();
    struct medsec_cvss again;
    if (medsec_cvss_parse(norm, &again, &err) != MEDSEC_OK)
        abort();
    medsec_cvss_score(&again, &s2);
    if (s2.base != s.base || s2.overall != s.overall || again.version != c.version)
        abort();
    return 0;
}
