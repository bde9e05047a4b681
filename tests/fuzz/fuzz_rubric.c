/* fuzz_rubric.c: libFuzzer harness for the MITRE medical-device rubric answers parser (YAML). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "medsec/cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct medsec_cvss_rubric r;
    struct medsec_error err;
    medsec_err rc = medsec_cvss_rubric_parse((const char *)data, size, "fuzz.yaml", &r, &err);
    if (rc == MEDSEC_OK) {
        /* answers always make a valid v3.1 vector whose score the rubric reports */
        struct medsec_cvss v;
        struct medsec_error e2;
        if (strncmp(r.vector, "CVSS:3.1/", 9) != 0 ||
            medsec_cvss_parse(r.vector, &v, &e2) != MEDSEC_OK)
            abort();
        if (!(r.base >= 0.0 && r.base <= 10.0) || r.severity == MEDSEC_CVSS_SEV_UNKNOWN)
            abort();
        for (int i = 0; i < 8; i++)
            if (!r.metrics[i].value ||
                strlen(r.metrics[i].rationale) >= sizeof r.metrics[i].rationale)
                abort();
    } else if (!err.msg[0] || (rc != MEDSEC_EPARSE && rc != MEDSEC_EINVAL && rc != MEDSEC_ETOOBIG &&
                               rc != MEDSEC_ENOMEM)) {
        abort();
    }
    return 0;
}
