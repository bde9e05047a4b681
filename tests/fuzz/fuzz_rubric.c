/* fuzz_rubric.c: libFuzzer harness for the MITRE medical-device rubric answers parser (YAML):
 * accepted answers give a valid CVSS v3.1 vector and a valid CVSS v4.0 vector or the reason why
 * not. */
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
        /* and either a valid v4.0 vector with every metric decided, the same AV and PR as v3.1
         * and the score medsec's scorer gives it, or no v4.0 vector and the reason why */
        if (strlen(r.missing4) >= sizeof r.missing4)
            abort();
        if (r.vector4[0]) {
            struct medsec_cvss_scores s;
            if (r.missing4[0] || strncmp(r.vector4, "CVSS:4.0/", 9) != 0 ||
                medsec_cvss_parse(r.vector4, &v, &e2) != MEDSEC_OK ||
                v.version != MEDSEC_CVSS_V40 || !medsec_cvss_get(&v, "S"))
                abort();
            medsec_cvss_score(&v, &s);
            if (s.base != r.base4 || !(r.base4 >= 0.0 && r.base4 <= 10.0) ||
                r.severity4 != medsec_cvss_severity(MEDSEC_CVSS_V40, r.base4))
                abort();
            for (int i = 0; i < MEDSEC_CVSS_RUBRIC_V4_METRICS; i++)
                if (!r.metrics4[i].value ||
                    strlen(r.metrics4[i].rationale) >= sizeof r.metrics4[i].rationale)
                    abort();
            if (r.metrics4[0].value != r.metrics[0].value ||
                r.metrics4[3].value != r.metrics[2].value)
                abort();
        } else if (!r.missing4[0] || r.base4 != -1 || r.severity4 != MEDSEC_CVSS_SEV_UNKNOWN) {
            abort();
        }
    } else if (!err.msg[0] || (rc != MEDSEC_EPARSE && rc != MEDSEC_EINVAL && rc != MEDSEC_ETOOBIG &&
                               rc != MEDSEC_ENOMEM)) {
        abort();
    }
    return 0;
}
